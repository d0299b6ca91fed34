/* exmy_fast.c -- the float family's fast paths: binary64 in, codes out (and back), with no
   MPFR in the loop.  The producer is the double's own bits; rounding is the same
   fl_float_round_pack as the exact encoder, specialised per mode by inlining. */
#include <config.h>
#include <math.h>
#include <string.h>
#include "exmy-impl.h"

FL_INLINE uint64_t
float_from_double (const fl_format *f, double x, const fl_rounding *r, unsigned *flags)
{
  const fl_float_params *p = &f->u.fp;
  uint64_t b;
  memcpy (&b, &x, sizeof b);
  int negative = (int) (b >> 63);
  uint64_t ef = (b >> 52) & 0x7ff, frac = b & ((UINT64_C(1) << 52) - 1);
  long e = (long) ef - 1023;
  /* The common case: a normal double landing in the normal range of the format, where
     the quantum is fixed at 2^(e - M) and n is the top M+1 bits of the significand.  The
     same decision as fl_round_up, without the general fraction machinery.  Everything
     else takes the general round_pack below. */
  if (r->mode != FL_SR && e >= p->emin && e <= p->emax && p->M <= 52)
    {
      unsigned s = 52 - (unsigned) p->M;
      uint64_t sig = frac | (UINT64_C(1) << 52);
      uint64_t n = sig >> s;
      uint64_t mag = ((uint64_t) (e - p->emin) << p->M) + n;
      if (p->ef0_normal)
        mag -= UINT64_C(1) << p->M;
      if (s > 0)
        {
          uint64_t rem = sig & ((UINT64_C(1) << s) - 1), half = UINT64_C(1) << (s - 1);
          int up;
          switch (r->mode)
            {
            case FL_RNE: up = (rem > half) | ((rem == half) & (int) (mag & 1)); break;
            case FL_RNA: up = rem >= half; break;
            case FL_RUP: up = (rem != 0) & !negative; break;
            case FL_RDN: up = (rem != 0) & negative; break;
            case FL_RTO: up = (rem != 0) & !(int) (mag & 1); break;
            default: up = 0;
            }
          *flags |= rem != 0 ? FL_FLAG_INEXACT : 0;
          mag += (uint64_t) up;
        }
      if (mag > p->maxmag)
        return fl_float_overflow (f, negative, r, flags);
      if (negative && !p->is_signed)
        return fl_float_invalid_negative (f, r, flags);
      return fl_float_signbit (p, negative) | mag;
    }
  fl_mag m;
  switch (fl_mag_from_double (x, &negative, &m))
    {
    case FL_CLASS_NAN: return fl_float_nan_in (f, negative, flags);
    case FL_CLASS_INF: return fl_float_inf_in (f, negative, r, flags);
    case FL_CLASS_ZERO: return fl_float_zero_in (f, negative, r, flags);
    default: break;
    }
  return fl_float_round_pack (f, negative, &m, r, flags, NULL);
}

FL_DEFINE_ENCODE_DOUBLES (fl_float_encode_doubles_impl, float_from_double)

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
