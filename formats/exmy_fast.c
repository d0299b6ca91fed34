/* exmy_fast.c -- the float family's fast paths: binary64 in, codes out (and back), with no
   MPFR in the loop.  The producer is the double's own bits; rounding is the same
   fl_float_round_pack as the exact encoder, specialised per mode by inlining. */
#include <config.h>
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "exmy-impl.h"

/* The general path for one double: the double's bits as the producer of the shared
   round_pack (zeros, NaN, Inf, subnormal doubles, overflow, stochastic rounding...). */
static uint64_t
float_from_double_general (const fl_format *f, double x, const fl_rounding *r, unsigned *flags)
{
  int negative;
  fl_mag m;
  switch (fl_mag_from_double (x, &negative, &m))
    {
    case FL_CLASS_NAN: return fl_float_nan_in (f, negative, flags);
    case FL_CLASS_INF: return fl_float_inf_in (f, negative, r, flags);
    case FL_CLASS_ZERO: return fl_float_zero_in (f, negative, r, flags);
    default: return fl_float_round_pack (f, negative, &m, r, flags, NULL);
    }
}

/* The block loops of rne and sr (below), for the encoder too. */
static int block_try (const fl_format *f, const double *x, double *y, uint64_t *codes,
                      size_t n, const fl_rounding *r, unsigned *flags);

/* Per double exponent: where the format's quantum falls in the 53-bit significand.  For a
   normal double 2^e * sig/2^52 landing at or below the format's overflow binade, the
   quantum is 2^(max(e, emin) - M): the significand splits into n = sig >> s (s clamped at
   63: then n = 0 and the remainder is below half, as it should be) and the remainder;
   the magnitude code is base + n, linear in n across binades.  Anything else is 'slow'. */
typedef struct {
  uint64_t base;
  uint64_t umask;             /* all ones where an inexact result is an underflow */
  uint32_t s, slow;
} exp_entry;

static void
build_exp_table (const fl_float_params *p, exp_entry *t)
{
  for (long ef = 0; ef < 2048; ef++)
    {
      long e = ef - 1023;
      exp_entry *x = &t[ef];
      long eeff0 = e < p->emin ? p->emin : e;
      x->slow = ef == 0 || ef == 2047 || p->M > 52
                || (p->ef0_normal && e < p->emin)
                || 52 - p->M + (eeff0 - e) == 0;           /* nothing to round: fp64 */
      if (x->slow)
        continue;
      if (e > p->emax + 1)
        {
          /* beyond the overflow binade: every mode overflows (round_pack's first test) */
          x->s = 63;
          x->base = p->maxmag + 2;
          x->umask = 0;
          continue;
        }
      long eeff = e < p->emin ? p->emin : e;
      long s = 52 - p->M + (eeff - e);
      x->s = (uint32_t) (s > 63 ? 63 : s);
      x->base = ((uint64_t) (eeff - p->emin) << p->M)
                - (p->ef0_normal ? UINT64_C(1) << p->M : 0);
      x->umask = e < p->emin ? UINT64_MAX : 0;
    }
}

/* The loop for one deterministic mode (a constant after inlining): fl_round_decide on the
   remainder, branch-free once the mode is known. */
FL_INLINE void
float_fast_loop (const fl_format *f, const exp_entry *tab, const double *x, uint64_t *codes,
                 size_t n, const fl_rounding *r, fl_round_mode mode, unsigned *flags)
{
  const fl_float_params *p = &f->u.fp;
  const uint64_t maxmag = p->maxmag;
  const uint64_t signbit = p->is_signed ? UINT64_C(1) << (p->E + p->M) : 0;
  const int negzero = p->has_negzero, is_unsigned = !p->is_signed;
  unsigned fl = 0;
  uint64_t inexact = 0, underflow = 0;     /* OR of remainders; of those below emin */
  for (size_t i = 0; i < n; i++)
    {
      uint64_t b;
      memcpy (&b, &x[i], sizeof b);
      int negative = (int) (b >> 63);
      const exp_entry *t = &tab[(b >> 52) & 0x7ff];
      if (t->slow | (negative & is_unsigned))
        {
          codes[i] = float_from_double_general (f, x[i], r, &fl);
          continue;
        }
      uint64_t sig = (b & ((UINT64_C(1) << 52) - 1)) | (UINT64_C(1) << 52);
      unsigned s = t->s;
      uint64_t q = sig >> s;
      uint64_t rem = sig & ((UINT64_C(1) << s) - 1);
      uint64_t half = (UINT64_C(1) << s) >> 1;
      uint64_t mag = t->base + q;
      int up = fl_round_decide (mode, negative, (int) (mag & 1), rem != 0,
                                (rem > half) - (rem < half));
      inexact |= rem;
      underflow |= rem & t->umask;
      mag += (uint64_t) up;
      if (mag > maxmag)
        {
          codes[i] = fl_float_overflow (f, negative, r, &fl);
          continue;
        }
      uint64_t sb = signbit & (0 - (uint64_t) negative);
      sb &= 0 - (uint64_t) ((mag != 0) | negzero);   /* -0 only where the format has it */
      codes[i] = sb | mag;
    }
  fl |= (inexact ? FL_FLAG_INEXACT : 0) | (underflow ? FL_FLAG_UNDERFLOW : 0);
  *flags |= fl;
}

static void
fl_float_encode_doubles_impl (const fl_format *f, const double *x, uint64_t *codes, size_t n,
                              const fl_rounding *r, unsigned *flags)
{
  if (block_try (f, x, NULL, codes, n, r, flags))
    return;
  /* building the exponent table costs about as much as rounding a thousand values:
     short arrays (a block of 32) go through the general path, as does tininess after
     rounding, which the table loop does not decide */
  if (r->mode != FL_SR && (n < 1024 || r->tininess == FL_TININESS_AFTER))
    {
      unsigned fl = 0;
      for (size_t i = 0; i < n; i++)
        codes[i] = float_from_double_general (f, x[i], r, &fl);
      *flags |= fl;
      return;
    }
  if (r->mode == FL_SR)
    {
      fl_rounding rr = *r;
      unsigned fl = 0;
      for (size_t i = 0; i < n; i++)
        {
          rr.stream = r->stream + i;
          codes[i] = float_from_double_general (f, x[i], &rr, &fl);
        }
      *flags |= fl;
      return;
    }
  exp_entry *tab = malloc (2048 * sizeof *tab);
  if (!tab)
    {
      /* no memory for the table: the general path gives the same codes */
      unsigned fl = 0;
      for (size_t i = 0; i < n; i++)
        codes[i] = float_from_double_general (f, x[i], r, &fl);
      *flags |= fl;
      return;
    }
  build_exp_table (&f->u.fp, tab);
  fl_format fc = *f;            /* a local copy: stores to codes cannot alias it */
  switch (r->mode)
    {
    case FL_RNE: float_fast_loop (&fc, tab, x, codes, n, r, FL_RNE, flags); break;
    case FL_RNA: float_fast_loop (&fc, tab, x, codes, n, r, FL_RNA, flags); break;
    case FL_RTZ: float_fast_loop (&fc, tab, x, codes, n, r, FL_RTZ, flags); break;
    case FL_RUP: float_fast_loop (&fc, tab, x, codes, n, r, FL_RUP, flags); break;
    case FL_RDN: float_fast_loop (&fc, tab, x, codes, n, r, FL_RDN, flags); break;
    case FL_RTO: float_fast_loop (&fc, tab, x, codes, n, r, FL_RTO, flags); break;
    default: break;
    }
  free (tab);
}

void
fl_float_encode_doubles (const fl_format *f, const double *x, uint64_t *codes, size_t n,
                         const fl_rounding *r, unsigned *flags)
{
  fl_float_encode_doubles_impl (f, x, codes, n, r, flags);
}

/* The format's finite values are normal doubles or (subnormal codes) exact multiples of
   2^(emin - M) >= 2^-1022: then a normal code's double is its own bits shifted into place
   and rebiased, with no classification and no ldexp (doc/engine.md, "fast paths"). */
static int
float_doubles_direct (const fl_float_params *p)
{
  return !p->ef0_normal && p->E > 0 && p->M <= 51 && p->emin - p->M >= -1022
         && p->emax <= 1023 && p->emax >= p->emin;
}

/* The general decode of one code: classify, then the exact value. */
static double
float_decode_general (const fl_float_params *p, uint64_t code)
{
  int negative;
  uint64_t mag, sig;
  long exp;
  double v;
  switch (fl_float_classify (p, code, &negative, &mag))
    {
    case FL_CLASS_NAN: v = NAN; break;
    case FL_CLASS_INF: v = INFINITY; break;
    case FL_CLASS_ZERO: v = 0.0; break;
    default:
      fl_float_mag_value (p, mag, &sig, &exp);
      v = ldexp ((double) sig, (int) exp);
    }
  return negative ? -v : v;
}

FL_INLINE double
bits_double (uint64_t b)
{
  double d;
  memcpy (&d, &b, sizeof d);
  return d;
}

void
fl_float_decode_doubles (const fl_format *f, const uint64_t *codes, double *x, size_t n)
{
  const fl_float_params *p = &f->u.fp;
  if (!float_doubles_direct (p))
    {
      for (size_t i = 0; i < n; i++)
        x[i] = float_decode_general (p, codes[i]);
      return;
    }
  const unsigned M = (unsigned) p->M, sbit = (unsigned) (p->E + p->M);
  const uint64_t magmask = p->magmask, maxmag = p->maxmag;
  const uint64_t signmask = p->is_signed ? 1 : 0;
  const int negzero_nan = p->nan_kind == FL_NAN_NEGZERO;
  const uint64_t rebias = (uint64_t) (1023 - p->bias) << 52;
  const double sub_scale = bits_double ((uint64_t) (p->emin - (long) M + 1023) << 52);
  for (size_t i = 0; i < n; i++)
    {
      uint64_t c = codes[i];
      uint64_t mag = c & magmask, neg = (c >> sbit) & signmask;
      if (mag > maxmag || (negzero_nan & (neg != 0) & (mag == 0)))
        {
          x[i] = float_decode_general (p, c);
          continue;
        }
      uint64_t nb = (mag << (52 - M)) + rebias;
      double sub = (double) (int64_t) mag * sub_scale;
      uint64_t sb;
      memcpy (&sb, &sub, sizeof sb);
      uint64_t b = (mag >> M) ? nb : sb;
      x[i] = bits_double (b | (neg << 63));
    }
}

/* One element of the fused quantize off the fast range: the general encoder, then the
   code's value. */
static double
float_quantize_general (const fl_format *f, double x, const fl_rounding *r, unsigned *flags)
{
  return float_decode_general (&f->u.fp, float_from_double_general (f, x, r, flags));
}

/* Fused fake-quantize for one mode (a constant after inlining): for a normal double
   whose exponent e lies in [emin - 11 - M, emax] the quantum is 2^(max(e, emin) - M),
   at bit s <= 63 of the 53-bit significand; the rounded value is (q + up) * quantum,
   exact, with no code in between.  The rounding rules are those of round_pack
   (exmy-impl.h) written branch-free; exact-probability sr compares one 64-bit draw of
   the element's stream with the discarded fraction rem / 2^s, which fits in that one
   chunk (fl_sr_decide with its first chunk exact).  Everything else (zeros, NaN,
   infinities, subnormal doubles, overflow, values far below the format) takes the
   general path, element by element, with the same stream. */
FL_INLINE void
float_quantize_loop (const fl_format *f, const double *x, double *y, size_t n,
                     const fl_rounding *r, fl_round_mode mode, unsigned *flags)
{
  const fl_float_params *p = &f->u.fp;
  const long M = p->M, emin = p->emin;
  const uint64_t maxmag = p->maxmag;
  const uint64_t negzero = (uint64_t) p->has_negzero, is_unsigned = !p->is_signed;
  long elo = emin - 11 - M, ehi = p->emax;
  const uint64_t eflo = (uint64_t) (elo + 1023 < 1 ? 1 : elo + 1023);
  const uint64_t span = (uint64_t) (ehi + 1023 > 2046 ? 2046 : ehi + 1023) - eflo;
  const uint64_t seed = r->seed, stream = r->stream;
  /* In the format's normal binades [2^emin, 2^(emax+1)) the quantum sits at the fixed
     bit s0 of the double's bits: rounding there is rounding the bits themselves (a carry
     moves into the exponent field as it should), and the result is a double's bits as
     long as it does not pass the largest finite value. */
  const unsigned s0 = (unsigned) (52 - M);
  const uint64_t mask0 = (UINT64_C(1) << s0) - 1, half0 = UINT64_C(1) << (s0 - 1);
  const uint64_t lo_bits = (uint64_t) (emin + 1023) << 52;
  const uint64_t nspan = ((uint64_t) (ehi + 1 + 1023) << 52) - lo_bits;
  const uint64_t maxval_bits = (maxmag << s0) + ((uint64_t) (1023 - p->bias) << 52);
  fl_rounding rr = *r;
  unsigned fl = 0;
  uint64_t inexact = 0, underflow = 0;
  /* sr: the draws of a chunk first, in a loop of their own (independent Philox chains
     overlap in the pipeline; the draw is a pure function of the element's stream) */
  enum { UCHUNK = 64 };
  uint64_t ubuf[UCHUNK];
  for (size_t i = 0; i < n; i++)
    {
      if (mode == FL_SR && i % UCHUNK == 0)
        {
          size_t len = n - i < UCHUNK ? n - i : UCHUNK;
          for (size_t j = 0; j < len; j++)
            ubuf[j] = fl_rng_u64_inline (seed, stream + i + j, 0);
        }
      uint64_t b;
      memcpy (&b, &x[i], sizeof b);
      uint64_t negative = b >> 63, ef = (b >> 52) & 0x7ff;
      uint64_t mb = b & ~(UINT64_C(1) << 63);
      if ((mb - lo_bits < nspan) & !(negative & is_unsigned))
        {
          uint64_t t = mb & ~mask0, rem0 = mb & mask0, up0;
          /* mode is a constant here: the decision folds to a few branch-free operations */
          if (mode == FL_SR)
            up0 = (uint64_t) fl_sr_up_first_chunk (ubuf[i % UCHUNK], rem0, s0);
          else
            up0 = (uint64_t) fl_round_decide (mode, (int) negative, (int) ((t >> s0) & 1),
                                              rem0 != 0, (rem0 > half0) - (rem0 < half0));
          uint64_t rb = t + ((up0 & 1) << s0);
          if (rb <= maxval_bits)
            {
              inexact |= rem0;
              y[i] = bits_double (rb | (negative << 63));
              continue;
            }
        }
      if ((ef - eflo > span) | (negative & is_unsigned))
        {
          rr.stream = stream + i;
          y[i] = float_quantize_general (f, x[i], &rr, &fl);
          continue;
        }
      long e = (long) ef - 1023;
      long d = emin - e;
      d = d > 0 ? d : 0;
      long eeff = e + d;
      unsigned s = (unsigned) (52 - M + d);             /* 1 <= s <= 63 */
      uint64_t sig = (b & ((UINT64_C(1) << 52) - 1)) | (UINT64_C(1) << 52);
      uint64_t q = sig >> s;
      uint64_t rem = sig & ((UINT64_C(1) << s) - 1);
      uint64_t half = UINT64_C(1) << (s - 1);
      uint64_t mag = ((uint64_t) (eeff - emin) << M) + q;
      uint64_t up;
      if (mode == FL_SR)
        up = (uint64_t) fl_sr_up_first_chunk (ubuf[i % UCHUNK], rem, s);
      else
        up = (uint64_t) fl_round_decide (mode, (int) negative, (int) (mag & 1), rem != 0,
                                         (rem > half) - (rem < half));
      inexact |= rem;
      underflow |= d > 0 ? rem : 0;
      mag += up;
      if (mag > maxmag)
        {
          rr.stream = stream + i;
          y[i] = float_decode_general (p, fl_float_overflow (f, (int) negative, &rr, &fl));
          continue;
        }
      double v = (double) (int64_t) (q + up) * bits_double ((uint64_t) (eeff - M + 1023) << 52);
      uint64_t vb;
      memcpy (&vb, &v, sizeof vb);
      vb |= (negative & ((mag != 0) | negzero)) << 63;
      y[i] = bits_double (vb);
    }
  fl |= (inexact ? FL_FLAG_INEXACT : 0) | (underflow ? FL_FLAG_UNDERFLOW : 0);
  *flags |= fl;
}

/* The block loops of the common cases (doc/engine.md, "Fast paths"): straight-line code
   over a block of BLOCK values with a constant trip count and a local output, the shape
   gcc -O2 vectorises; an element the loop cannot decide is marked, and the block is gone
   over again with the general path for those (overflow, NaN, infinities, negative inputs
   of unsigned formats, and the cases named below).  The same loop gives the values
   (fl_quantize_doubles) or the codes (fl_encode_doubles).

   Round to nearest even: a value in the format's normal binades rounds its own bits at
   the fixed bit s0 = 52 - M (a carry moves into the exponent field as it should); a value
   below 2^emin rounds to a multiple of the quantum 2^q, q = emin - M, by the double
   addition (|x| + 2^(q+52)) - 2^(q+52), which in the FPU's round-to-nearest-even is
   exactly that rounding (the sum lies in the binade whose ulp is 2^q, and 2^(q+52) / 2^q
   is even, so ties go to the even multiple), leaving a multiple of 2^q >= 2^-1021, a
   normal double; the subtraction is exact.  The caller checks the FPU's rounding mode.

   Exact-probability sr: the draws of a block first (element i's first 64-bit draw of its
   stream, as fl_sr_decide takes it), in a loop of their own that the compiler vectorises
   (Philox's 32x32 -> 64-bit products are lane-wise).  For a normal double 2^(e-52) * sig
   with the quantum at bit s = q - e + 52 of sig, s0 <= s <= 63: truncated k = sig >> s,
   fraction rem / 2^s; up iff u < rem * 2^(64-s), i.e. (u >> (64 - s)) < rem.  In the
   normal binades the result is the double's bits rounded at s0; below 2^emin it is
   (k + up) * 2^q, formed exactly as ((2^52 + k) - 2^52) * 2^q.  s > 63 (values far below
   the format) and subnormal doubles are marked.

   A code from the rounded magnitude's bits rb: in the normal binades its exponent field
   rebiased, (rb >> s0) - ((1023 - bias) << M); below 2^emin the multiple k of the quantum,
   read from the bits of 2^52 + v / 2^q (exact: v / 2^q is an integer <= 2^M). */
typedef struct {
  int64_t half0m1, mask0, lo_bits, maxval_bits, inf_bits, negzero, emin_ef, sign_unsigned;
  int64_t rebias, csign;
  unsigned s0;
  double c, quantum, inv_quantum;
  uint64_t seed;
} block_params;

enum { BLOCK = 64 };

/* One element under rne: the rounded value's bits (sign included), whether the loop
   decides it (all ones) and the masks of an inexact and of a tiny inexact result. */
FL_INLINE int64_t
rne_elem (const block_params *p, int64_t b, int64_t *ok, int64_t *tinyp, int64_t *rbp)
{
  int64_t sgn = b & INT64_MIN, mb = b & INT64_MAX;
  int64_t mc = mb < p->inf_bits ? mb : p->inf_bits;          /* NaN: no carry into the sign */
  int64_t rn = (mc + p->half0m1 + ((mc >> p->s0) & 1)) & ~p->mask0;
  double ax, ts;
  memcpy (&ax, &mb, sizeof ax);
  ts = (ax + p->c) - p->c;
  int64_t tb;
  memcpy (&tb, &ts, sizeof tb);
  int64_t tiny = -(int64_t) (mb < p->lo_bits);               /* masks: all ones or 0 */
  int64_t rb = (tb & tiny) | (rn & ~tiny);
  *ok = -(int64_t) (rb <= p->maxval_bits) & ~((sgn >> 63) & p->sign_unsigned);
  *tinyp = tiny;
  *rbp = rb;
  return (rb ^ mb) & *ok;
}

/* One element under exact-probability sr with its draw u; the same outputs. */
FL_INLINE int64_t
sr_elem (const block_params *p, int64_t b, uint64_t u, int64_t *ok, int64_t *tinyp,
         int64_t *rbp)
{
  const int64_t frac_mask = (INT64_C(1) << 52) - 1, two52_bits = INT64_C(0x4330000000000000);
  int64_t sgn = b & INT64_MIN, mb = b & INT64_MAX;
  int64_t mc = mb < p->inf_bits ? mb : p->inf_bits;
  int64_t ef = mc >> 52;
  int64_t d = p->emin_ef - ef;
  d = d > 0 ? d : 0;
  int64_t s = (int64_t) p->s0 + d;
  int64_t sc = s < 63 ? s : 63;                              /* s > 63: marked below */
  int64_t sig = (mc & frac_mask) | (frac_mask + 1);
  int64_t k = (int64_t) ((uint64_t) sig >> sc);
  int64_t rem = sig - (int64_t) ((uint64_t) k << sc);
  int64_t up = fl_sr_up_first_chunk (u, (uint64_t) rem, (unsigned) sc);
  int64_t rn = (mc & ~p->mask0) + (up << p->s0);
  double tv, tw;
  int64_t kb = two52_bits | (k + up), tb;
  memcpy (&tv, &kb, sizeof tv);
  tw = (tv - 0x1p52) * p->quantum;
  memcpy (&tb, &tw, sizeof tb);
  int64_t tiny = -(int64_t) (mb < p->lo_bits);
  int64_t zero = -(int64_t) (mb == 0);
  int64_t rb = ((tb & tiny) | (rn & ~tiny)) & ~zero;
  *ok = -(int64_t) ((rb <= p->maxval_bits) & (((s <= 63) & (ef != 0)) | (mb == 0)))
        & ~((sgn >> 63) & p->sign_unsigned);
  *tinyp = tiny;
  *rbp = rb;
  return rem & *ok & ~zero;
}

/* The output of one decided element: the value's bits, or the code. */
FL_INLINE int64_t
block_out (const block_params *p, int64_t b, int64_t rb, int64_t tiny, int encode)
{
  int64_t sgn = b & INT64_MIN;
  if (!encode)
    return rb | (sgn & (-(int64_t) (rb != 0) | p->negzero));
  double v, w;
  memcpy (&v, &rb, sizeof v);
  w = v * p->inv_quantum + 0x1p52;
  int64_t kb, mag;
  memcpy (&kb, &w, sizeof kb);
  mag = ((kb - INT64_C(0x4330000000000000)) & tiny) | (((rb >> p->s0) - p->rebias) & ~tiny);
  return mag | (p->csign & (sgn >> 63) & (-(int64_t) (mag != 0) | p->negzero));
}

/* One block from x to out (values' or codes' bits); nonzero when an element needs the
   general path.  mode and encode are constants after inlining. */
FL_INLINE int
block_run (const block_params *p, fl_round_mode mode, int encode, const double *x,
           const uint64_t *u, int64_t *out, uint64_t *inexact, uint64_t *underflow)
{
  int64_t bad = 0, inx = 0, und = 0;
  for (int i = 0; i < BLOCK; i++)
    {
      int64_t b, ok, tiny, rb, diff;
      memcpy (&b, &x[i], sizeof b);
      diff = mode == FL_SR ? sr_elem (p, b, u[i], &ok, &tiny, &rb)
                           : rne_elem (p, b, &ok, &tiny, &rb);
      out[i] = block_out (p, b, rb, tiny, encode);
      inx |= diff;
      und |= diff & tiny;
      bad |= ~ok;
    }
  *inexact |= (uint64_t) inx;
  *underflow |= (uint64_t) und;
  return bad != 0;
}

FL_INLINE void
sr_draws (uint64_t seed, uint64_t stream, uint64_t *u)
{
  for (int i = 0; i < BLOCK; i++)
    u[i] = fl_rng_u64_inline (seed, stream + (uint64_t) i, 0);
}

#if defined(__GNUC__) && defined(__x86_64__) && defined(__ELF__) && !defined(__clang__) \
    && defined(__has_attribute)
# if __has_attribute (target_clones)
/* AVX2 where the CPU has it, the x86-64 baseline elsewhere (resolved once, at load) */
#  define FL_BLOCK_CLONES __attribute__ ((target_clones ("avx2", "default")))
# endif
#endif
#ifndef FL_BLOCK_CLONES
# define FL_BLOCK_CLONES
#endif

/* The array under one mode (rne or sr), to values (y) or codes; mode and encode are
   constants after inlining. */
FL_INLINE void
block_array (const fl_format *f, const block_params *p, fl_round_mode mode, int encode,
             const double *x, double *y, uint64_t *codes, size_t n, const fl_rounding *r,
             unsigned *flags)
{
  uint64_t inexact = 0, underflow = 0;
  unsigned fl = 0;
  double xb[BLOCK];
  int64_t ob[BLOCK];
  uint64_t u[BLOCK];
  fl_rounding rr = *r;
  for (size_t lo = 0; lo < n; lo += BLOCK)
    {
      size_t len = n - lo < BLOCK ? n - lo : BLOCK;
      const double *xs = x + lo;
      if (len < BLOCK)
        {
          /* the tail, padded with zeros (exact, no flags) */
          memset (xb, 0, sizeof xb);
          memcpy (xb, xs, len * sizeof *xb);
          xs = xb;
        }
      if (mode == FL_SR)
        sr_draws (p->seed, r->stream + lo, u);
      if (block_run (p, mode, encode, xs, u, ob, &inexact, &underflow))
        for (size_t i = 0; i < len; i++)
          {
            int64_t b, ok, tiny, rb;
            memcpy (&b, &xs[i], sizeof b);
            if (mode == FL_SR)
              sr_elem (p, b, u[i], &ok, &tiny, &rb);
            else
              rne_elem (p, b, &ok, &tiny, &rb);
            if (ok)
              continue;
            rr.stream = r->stream + lo + i;
            if (encode)
              ob[i] = (int64_t) float_from_double_general (f, xs[i], &rr, &fl);
            else
              {
                double v = float_quantize_general (f, xs[i], &rr, &fl);
                memcpy (&ob[i], &v, sizeof v);
              }
          }
      /* after reading x: in place is fine */
      if (encode)
        memcpy (codes + lo, ob, len * sizeof *ob);
      else
        memcpy (y + lo, ob, len * sizeof *ob);
    }
  fl |= (inexact ? FL_FLAG_INEXACT : 0) | (underflow ? FL_FLAG_UNDERFLOW : 0);
  *flags |= fl;
}

/* One instance of the loop per mode and output, in the clones of one function. */
static void FL_BLOCK_CLONES
block_array_modes (const fl_format *f, const block_params *p, fl_round_mode mode,
                   const double *x, double *y, uint64_t *codes, size_t n, const fl_rounding *r,
                   unsigned *flags)
{
  switch ((mode == FL_SR) * 2 + (codes != NULL))
    {
    case 0: block_array (f, p, FL_RNE, 0, x, y, codes, n, r, flags); break;
    case 1: block_array (f, p, FL_RNE, 1, x, y, codes, n, r, flags); break;
    case 2: block_array (f, p, FL_SR, 0, x, y, codes, n, r, flags); break;
    default: block_array (f, p, FL_SR, 1, x, y, codes, n, r, flags); break;
    }
}

/* The block loops for f under r, into y (values) or codes; 0 when they do not apply
   (the caller's other paths then do the work). */
static int
block_try (const fl_format *f, const double *x, double *y, uint64_t *codes, size_t n,
           const fl_rounding *r, unsigned *flags)
{
  const fl_float_params *fp = &f->u.fp;
  long q = fp->emin - fp->M;
  /* a handful of values: a padded block of 64 costs more than the element loops */
  if (n < 16 || !float_doubles_direct (fp) || r->tininess == FL_TININESS_AFTER || fp->M < 1
      || q + 52 > 1023)
    return 0;
  if (r->mode == FL_RNE)
    {
      if (q < -1021 || FLT_EVAL_METHOD != 0 || fegetround () != FE_TONEAREST)
        return 0;
    }
  else if (r->mode != FL_SR || r->sr_bits != 0 || q < -1022 || fp->M > 51)
    return 0;
  block_params p;
  p.s0 = (unsigned) (52 - fp->M);
  p.mask0 = (INT64_C(1) << p.s0) - 1;
  p.half0m1 = (INT64_C(1) << (p.s0 - 1)) - 1;
  p.lo_bits = (int64_t) (fp->emin + 1023) << 52;
  p.emin_ef = fp->emin + 1023;
  p.maxval_bits = (int64_t) ((fp->maxmag << p.s0) + ((uint64_t) (1023 - fp->bias) << 52));
  p.inf_bits = INT64_C(0x7ff0000000000000);
  p.negzero = fp->has_negzero ? -1 : 0;
  p.sign_unsigned = fp->is_signed ? 0 : -1;
  p.rebias = (int64_t) (1023 - fp->bias) << fp->M;
  p.csign = fp->is_signed ? INT64_C(1) << (fp->E + fp->M) : 0;
  p.c = bits_double ((uint64_t) (q + 52 + 1023) << 52);
  p.quantum = bits_double ((uint64_t) (q + 1023) << 52);
  p.inv_quantum = bits_double ((uint64_t) (-q + 1023) << 52);
  p.seed = r->seed;
  fl_format fc = *f;            /* a local copy: stores to the outputs cannot alias it */
  block_array_modes (&fc, &p, r->mode, x, y, codes, n, r, flags);
  return 1;
}

void
fl_float_quantize_doubles (const fl_format *f, const double *x, double *y, size_t n,
                           const fl_rounding *r, unsigned *flags)
{
  /* tininess after rounding and sr with a few random bits decide elsewhere than the
     loop does: the general path, element by element */
  if (!float_doubles_direct (&f->u.fp) || r->tininess == FL_TININESS_AFTER
      || (r->mode == FL_SR && r->sr_bits != 0))
    {
      fl_rounding rr = *r;
      unsigned fl = 0;
      for (size_t i = 0; i < n; i++)
        {
          rr.stream = r->stream + i;
          y[i] = float_quantize_general (f, x[i], &rr, &fl);
        }
      *flags |= fl;
      return;
    }
  if (block_try (f, x, y, NULL, n, r, flags))
    return;
  fl_format fc = *f;            /* a local copy: stores to y cannot alias it */
  switch (r->mode)
    {
    case FL_RNE: float_quantize_loop (&fc, x, y, n, r, FL_RNE, flags); break;
    case FL_RNA: float_quantize_loop (&fc, x, y, n, r, FL_RNA, flags); break;
    case FL_RTZ: float_quantize_loop (&fc, x, y, n, r, FL_RTZ, flags); break;
    case FL_RUP: float_quantize_loop (&fc, x, y, n, r, FL_RUP, flags); break;
    case FL_RDN: float_quantize_loop (&fc, x, y, n, r, FL_RDN, flags); break;
    case FL_RTO: float_quantize_loop (&fc, x, y, n, r, FL_RTO, flags); break;
    case FL_SR: float_quantize_loop (&fc, x, y, n, r, FL_SR, flags); break;
    }
}
