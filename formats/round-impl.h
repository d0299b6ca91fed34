/* round-impl.h -- internal: the one rounding decision every path shares.

   A producer (an exact mpfr_t, a double, later exact integer arithmetic) describes a
   positive magnitude S * 2^X; a family picks its quantum 2^q for that magnitude and splits
   the magnitude into the truncated integer n and the exact discarded fraction F / 2^len;
   fl_round_up then says whether to move to the next code.  Inline so that the fast paths
   specialise it per mode. */
#ifndef FL_ROUND_IMPL_H
#define FL_ROUND_IMPL_H

#include <stdint.h>
#include <string.h>
#include <gmp.h>
#include <fmtlab/formats.h>

#if defined(__GNUC__)
# define FL_INLINE static inline __attribute__((always_inline))
#else
# define FL_INLINE static inline
#endif

/* A positive magnitude S * 2^X, S a uint64 (big == NULL) or an mpz; e is the exponent of
   its leading bit, so the magnitude lies in [2^e, 2^(e+1)). */
typedef struct fl_mag_s {
  uint64_t small;
  mpz_srcptr big;
  long X;
  long e;
} fl_mag;

/* The discarded fraction: the bits of S below bit 'len' read as F / 2^len in [0, 1). */
typedef struct {
  uint64_t small;
  mpz_srcptr big;
  unsigned long len;
} fl_frac;

/* Bits 64i+1 .. 64i+64 after the binary point of the fraction, as a uint64. */
uint64_t fl_frac_chunk (const fl_frac *fr, unsigned long i);
uint64_t fl_rng_u64 (uint64_t seed, uint64_t stream, uint64_t k);

/* Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11):
   a counter-based generator, so the k-th draw of stream s under a seed is a pure function
   of (seed, s, k) and results do not depend on thread scheduling.  Inline here so that
   the array fast paths draw without a call (fl_rng_u64 is the same function). */
FL_INLINE void
fl_philox4x32 (uint32_t ctr[4], uint32_t k0, uint32_t k1)
{
  for (int round = 0; round < 10; round++)
    {
      uint64_t p0 = (uint64_t) 0xD2511F53u * ctr[0];
      uint64_t p1 = (uint64_t) 0xCD9E8D57u * ctr[2];
      uint32_t hi0 = (uint32_t) (p0 >> 32), lo0 = (uint32_t) p0;
      uint32_t hi1 = (uint32_t) (p1 >> 32), lo1 = (uint32_t) p1;
      uint32_t c0 = hi1 ^ ctr[1] ^ k0, c2 = hi0 ^ ctr[3] ^ k1;
      ctr[0] = c0;
      ctr[1] = lo1;
      ctr[2] = c2;
      ctr[3] = lo0;
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
}

FL_INLINE uint64_t
fl_rng_u64_inline (uint64_t seed, uint64_t stream, uint64_t k)
{
  /* The key is the seed; the counter is (stream, k / 2); each block gives two draws.
     fl_philox4x32 with the counter in scalars and the rounds unrolled, so that the
     words stay in registers in the array loops. */
  uint64_t blk = k >> 1;
  uint32_t c0 = (uint32_t) stream, c1 = (uint32_t) (stream >> 32);
  uint32_t c2 = (uint32_t) blk, c3 = (uint32_t) (blk >> 32);
  uint32_t k0 = (uint32_t) seed, k1 = (uint32_t) (seed >> 32);
#if defined(__GNUC__) && !defined(__clang__)
# pragma GCC unroll 10
#endif
  for (int round = 0; round < 10; round++)
    {
      uint64_t p0 = (uint64_t) 0xD2511F53u * c0;
      uint64_t p1 = (uint64_t) 0xCD9E8D57u * c2;
      uint32_t n0 = (uint32_t) (p1 >> 32) ^ c1 ^ k0;
      uint32_t n2 = (uint32_t) (p0 >> 32) ^ c3 ^ k1;
      c1 = (uint32_t) p1;
      c3 = (uint32_t) p0;
      c0 = n0;
      c2 = n2;
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
  if (k & 1)
    return ((uint64_t) c2 << 32) | c3;
  return ((uint64_t) c0 << 32) | c1;
}

/* The one stochastic-rounding decision (doc/engine.md).  A producer describes the
   fraction t in [0, 1) of the way from the lower to the upper neighbour (in magnitude)
   by its binary digits: chunk (src, i, &rest) returns bits 64i+1 .. 64i+64 after the
   point and sets rest to whether any later bit is nonzero; it is called with i = 0, 1, 2
   ... in order (sources may keep state).  Exact-probability sr (sr_bits = 0) goes up iff
   a uniform U in [0, 1), drawn 64 bits at a time from (seed, stream, i), is below t;
   --sr-bits B adds B random bits to the top B bits of t in value order.  Returns whether
   the magnitude goes up. */
typedef uint64_t (*fl_sr_chunk_fn) (void *src, unsigned long i, int *rest);

/* With B random bits, in value order: the B bits of (x - lo)/(hi - lo) below the point,
   truncated, plus a uniform B-bit integer; toward hi on carry.  For negative x the value
   fraction is 1 minus the magnitude fraction (tm: its top B bits, beyond: bits follow),
   and 'up' in value is 'down' in magnitude. */
FL_INLINE int
fl_sr_bits_up (const fl_rounding *r, int negative, uint64_t tm, int beyond)
{
  unsigned B = r->sr_bits;
  uint64_t u = fl_rng_u64 (r->seed, r->stream, 0) >> (64 - B);
  uint64_t t = tm;
  if (negative)
    t = (B == 64 ? 0 : UINT64_C(1) << B) - tm - (beyond ? 1 : 0);   /* mod 2^B */
  int carry = B == 64 ? t + u < t : ((t + u) >> B) != 0;
  return negative ? !carry : carry;
}

FL_INLINE int
fl_sr_decide (const fl_rounding *r, int negative, fl_sr_chunk_fn chunk, void *src)
{
  int rest;
  if (r->sr_bits)
    {
      unsigned B = r->sr_bits;
      uint64_t c0 = chunk (src, 0, &rest);
      int beyond = rest || (B < 64 && (c0 << B) != 0);
      return fl_sr_bits_up (r, negative, c0 >> (64 - B), beyond);
    }
  for (unsigned long i = 0;; i++)
    {
      uint64_t u = fl_rng_u64 (r->seed, r->stream, i);
      uint64_t c = chunk (src, i, &rest);
      if (u != c)
        return u < c;
      if (!rest)
        return 0;                 /* U >= t whatever follows */
    }
}

/* Chunk sources: an exact binary fraction (fl_frac), and a rational num/den in [0, 1)
   (fl_sr_ratio; num is consumed: it holds the running remainder). */
uint64_t fl_frac_sr_chunk (void *src, unsigned long i, int *rest);
typedef struct {
  mpz_ptr num;
  mpz_srcptr den;
  mpz_ptr tmp;
} fl_sr_ratio;
uint64_t fl_ratio_sr_chunk (void *src, unsigned long i, int *rest);
/* Stochastic rounding between neighbours lo < x < hi when (x - lo)/(hi - lo) = num/den
   exactly: fl_sr_decide on that ratio. */
int fl_sr_up_ratio (const fl_rounding *r, int negative, mpz_srcptr num, mpz_srcptr den);

/* Below the smallest nonzero magnitude with only zero and it to choose from (posits,
   logarithmic posits, LNS): the one rule (doc/engine.md).  Returns the magnitude, 0 or
   1: rtz 0, rup/rdn by sign, rto 1, nearest modes 'nearest' (1: the family never rounds
   a nonzero value to zero).  Flags inexact and underflow. */
FL_INLINE uint64_t
fl_below_minpos (fl_round_mode mode, int negative, int nearest, unsigned *flags)
{
  *flags |= FL_FLAG_INEXACT | FL_FLAG_UNDERFLOW;
  switch (mode)
    {
    case FL_RTZ: return 0;
    case FL_RUP: return negative ? 0 : 1;
    case FL_RDN: return negative ? 1 : 0;
    case FL_RTO: return 1;
    default: return (uint64_t) nearest;
    }
}

/* Producer for the exact paths: the magnitude of a nonzero finite x; z (initialised by
   the caller) holds the significand when it has more than 64 bits. */
void fl_mag_from_mpfr (fl_mag *m, mpfr_srcptr x, mpz_ptr z);

/* Producer for the fast paths: a binary64's bits.  Returns FL_CLASS_NAN, FL_CLASS_INF or
   FL_CLASS_ZERO for those, else FL_CLASS_NORMAL with m filled. */
FL_INLINE fl_class
fl_mag_from_double (double x, int *negative, fl_mag *m)
{
  uint64_t b;
  memcpy (&b, &x, sizeof b);
  *negative = (int) (b >> 63);
  uint64_t ef = (b >> 52) & 0x7ff, frac = b & ((UINT64_C(1) << 52) - 1);
  m->big = NULL;
  if (ef == 0x7ff)
    return frac ? FL_CLASS_NAN : FL_CLASS_INF;
  if (ef == 0)
    {
      if (frac == 0)
        return FL_CLASS_ZERO;
      m->small = frac;
      m->X = -1074;
      m->e = -1074 + 63 - __builtin_clzll (frac);
    }
  else
    {
      m->small = frac | (UINT64_C(1) << 52);
      m->X = (long) ef - 1075;
      m->e = (long) ef - 1023;
    }
  return FL_CLASS_NORMAL;
}

/* A family's array fast path: one loop per rounding mode, so that 'elem' (an inline
   double -> code function taking the mode as a constant argument, since the rounding
   struct's address escapes to the slow paths) is specialised for each; element i uses
   stream + i. */
#define FL_DEFINE_ENCODE_DOUBLES(fname, elem)                                           \
  FL_INLINE void                                                                        \
  fname##_loop (const fl_format *f, const double *x, uint64_t *codes, size_t n,         \
                const fl_rounding *r, fl_round_mode mode, unsigned *flags)              \
  {                                                                                     \
    fl_rounding rr = *r;                                                                \
    rr.mode = mode;                                                                     \
    fl_format fc = *f;          /* a local copy: stores to codes cannot alias it */     \
    unsigned fl = 0;                                                                    \
    for (size_t i = 0; i < n; i++)                                                      \
      {                                                                                 \
        if (mode == FL_SR)                                                              \
          rr.stream = r->stream + i;                                                    \
        codes[i] = elem (&fc, x[i], &rr, mode, &fl);                                    \
      }                                                                                 \
    *flags |= fl;                                                                       \
  }                                                                                     \
  static void                                                                           \
  fname (const fl_format *f, const double *x, uint64_t *codes, size_t n,                \
         const fl_rounding *r, unsigned *flags)                                         \
  {                                                                                     \
    switch (r->mode)                                                                    \
      {                                                                                 \
      case FL_RNE: fname##_loop (f, x, codes, n, r, FL_RNE, flags); break;              \
      case FL_RNA: fname##_loop (f, x, codes, n, r, FL_RNA, flags); break;              \
      case FL_RTZ: fname##_loop (f, x, codes, n, r, FL_RTZ, flags); break;              \
      case FL_RUP: fname##_loop (f, x, codes, n, r, FL_RUP, flags); break;              \
      case FL_RDN: fname##_loop (f, x, codes, n, r, FL_RDN, flags); break;              \
      case FL_RTO: fname##_loop (f, x, codes, n, r, FL_RTO, flags); break;              \
      case FL_SR: fname##_loop (f, x, codes, n, r, FL_SR, flags); break;                \
      }                                                                                 \
  }

/* Truncated n (it must fit in 64 bits: q >= e - 63) and the fraction, for quantum 2^q. */
uint64_t fl_mag_split_big (const fl_mag *m, long q, fl_frac *fr, mpz_ptr tmp);

FL_INLINE uint64_t
fl_mag_split (const fl_mag *m, long q, fl_frac *fr, mpz_ptr tmp)
{
  if (m->big != NULL)
    return fl_mag_split_big (m, q, fr, tmp);
  long s = q - m->X;
  fr->big = NULL;
  if (s <= 0)
    {
      fr->small = 0;
      fr->len = 0;
      return s <= -64 ? 0 : m->small << -s;   /* caller guarantees it fits */
    }
  fr->len = (unsigned long) s;
  if (s >= 64)
    {
      fr->small = m->small;
      return 0;
    }
  fr->small = m->small & ((UINT64_C(1) << s) - 1);
  return m->small >> s;
}

/* -1 below half, 0 exactly half, +1 above; *inexact when the fraction is not zero. */
FL_INLINE int
fl_frac_vs_half (const fl_frac *fr, int *inexact)
{
  if (fr->len == 0)
    {
      *inexact = 0;
      return -1;
    }
  if (fr->big == NULL)
    {
      uint64_t F = fr->small;
      *inexact = F != 0;
      if (fr->len > 64)
        return -1;                  /* F < 2^64 <= 2^(len-1) */
      uint64_t half = UINT64_C(1) << (fr->len - 1);
      uint64_t rest = F & (half - 1);
      if (F & half)
        return rest ? 1 : 0;
      return -1;
    }
  mp_bitcnt_t low = mpz_scan1 (fr->big, 0);
  *inexact = low < fr->len;
  if (!mpz_tstbit (fr->big, fr->len - 1))
    return -1;
  return low < fr->len - 1 ? 1 : 0;
}

/* Deterministic modes: move the magnitude up one code?  odd: the truncated code is odd;
   inexact: a nonzero part was discarded; half: that part compared with half a quantum
   (-1, 0, 1).  The one statement of the mode rules, round to odd included; written
   branch-free so that the table-driven float loop (exmy_fast.c), where mode is a constant,
   uses it without mispredicted early exits on random data. */
FL_INLINE int
fl_round_decide (fl_round_mode mode, int negative, int odd, int inexact, int half)
{
  inexact = inexact != 0;
  switch (mode)
    {
    case FL_RNE: return inexact & ((half > 0) | ((half == 0) & (odd != 0)));
    case FL_RNA: return inexact & (half >= 0);
    case FL_RTZ: return 0;
    case FL_RUP: return inexact & !negative;
    case FL_RDN: return inexact & (negative != 0);
    case FL_RTO: return inexact & !odd;
    default: return 0;
    }
}

/* Exact-probability sr when the whole discarded fraction is rem / 2^s (1 <= s <= 63),
   inside the first 64-bit chunk: up iff the element's first draw u is below
   rem * 2^(64-s), i.e. u's top s bits are below rem.  This is fl_sr_decide's first
   comparison with nothing after it (the rest of t is zero), written branch-free for the
   fast float loops (exmy_fast.c). */
FL_INLINE int
fl_sr_up_first_chunk (uint64_t u, uint64_t rem, unsigned s)
{
  return (u >> (64 - s)) < rem;
}

/* The whole decision for every mode, given the discarded fraction of the magnitude. */
FL_INLINE int
fl_round_up (const fl_rounding *r, int negative, int odd, const fl_frac *fr,
             unsigned *flags)
{
  int inexact;
  int half = fl_frac_vs_half (fr, &inexact);
  if (!inexact)
    return 0;
  *flags |= FL_FLAG_INEXACT;
  if (r->mode != FL_SR)
    return fl_round_decide (r->mode, negative, odd, inexact, half);
  return fl_sr_decide (r, negative, fl_frac_sr_chunk, (void *) fr);
}

#endif
