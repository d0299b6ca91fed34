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

void
fl_float_decode_doubles (const fl_format *f, const uint64_t *codes, double *x, size_t n)
{
  const fl_float_params *p = &f->u.fp;
  for (size_t i = 0; i < n; i++)
    {
      int negative;
      uint64_t mag, sig;
      long exp;
      double v;
      switch (fl_float_classify (p, codes[i], &negative, &mag))
        {
        case FL_CLASS_NAN: v = NAN; break;
        case FL_CLASS_INF: v = INFINITY; break;
        case FL_CLASS_ZERO: v = 0.0; break;
        default:
          fl_float_mag_value (p, mag, &sig, &exp);
          v = ldexp ((double) sig, (int) exp);
        }
      x[i] = negative ? -v : v;
    }
}
