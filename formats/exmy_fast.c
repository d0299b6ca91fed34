/* exmy_fast.c -- the float family's fast paths: binary64 in, codes out (and back), with no
   MPFR in the loop.  The producer is the double's own bits; rounding is the same
   fl_float_round_pack as the exact encoder, specialised per mode by inlining. */
#include <config.h>
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
          switch (mode)
            {
            case FL_RNE: up0 = (rem0 > half0) | ((rem0 == half0) & (t >> s0)); break;
            case FL_RNA: up0 = rem0 >= half0; break;
            case FL_RUP: up0 = (rem0 != 0) & !negative; break;
            case FL_RDN: up0 = (rem0 != 0) & negative; break;
            case FL_RTO: up0 = (rem0 != 0) & !((t >> s0) & 1); break;
            case FL_SR:
              /* u < rem0 * 2^(64-s0) exactly when u's top s0 bits are below rem0 */
              up0 = (ubuf[i % UCHUNK] >> (64 - s0)) < rem0;
              break;
            default: up0 = 0;
            }
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
      switch (mode)
        {
        case FL_RNE: up = (rem > half) | ((rem == half) & mag); break;
        case FL_RNA: up = rem >= half; break;
        case FL_RUP: up = (rem != 0) & !negative; break;
        case FL_RDN: up = (rem != 0) & negative; break;
        case FL_RTO: up = (rem != 0) & !(mag & 1); break;
        case FL_SR: up = ubuf[i % UCHUNK] < (rem << (64 - s)); break;
        default: up = 0;
        }
      up &= 1;
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
