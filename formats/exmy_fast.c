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
  m.big = NULL;
  if (ef == 0x7ff)
    return frac ? fl_float_nan_in (f, negative, flags) : fl_float_inf_in (f, negative, r, flags);
  if (ef == 0)
    {
      if (frac == 0)
        return fl_float_zero_in (f, negative, r, flags);
      m.small = frac;
      m.X = -1074;
      m.e = -1074 + 63 - __builtin_clzll (frac);
    }
  else
    {
      m.small = frac | (UINT64_C(1) << 52);
      m.X = (long) ef - 1075;
      m.e = e;
    }
  return fl_float_round_pack (f, negative, &m, r, flags, NULL);
}

FL_INLINE void
float_encode_loop (const fl_format *f, const double *x, uint64_t *codes, size_t n,
                   const fl_rounding *r, fl_round_mode mode, unsigned *flags)
{
  fl_rounding rr = *r;
  rr.mode = mode;
  unsigned fl = 0;
  for (size_t i = 0; i < n; i++)
    {
      if (mode == FL_SR)
        rr.stream = r->stream + i;
      codes[i] = float_from_double (f, x[i], &rr, &fl);
    }
  *flags |= fl;
}

static void
float_encode_block (const fl_format *f, const double *x, uint64_t *codes, size_t n,
                    const fl_rounding *r, unsigned *flags)
{
  switch (r->mode)
    {
    case FL_RNE: float_encode_loop (f, x, codes, n, r, FL_RNE, flags); break;
    case FL_RNA: float_encode_loop (f, x, codes, n, r, FL_RNA, flags); break;
    case FL_RTZ: float_encode_loop (f, x, codes, n, r, FL_RTZ, flags); break;
    case FL_RUP: float_encode_loop (f, x, codes, n, r, FL_RUP, flags); break;
    case FL_RDN: float_encode_loop (f, x, codes, n, r, FL_RDN, flags); break;
    case FL_RTO: float_encode_loop (f, x, codes, n, r, FL_RTO, flags); break;
    case FL_SR: float_encode_loop (f, x, codes, n, r, FL_SR, flags); break;
    }
}

#define FL_FAST_CHUNK 65536

/* Split into chunks over threads; stochastic streams are per element, so the result does
   not depend on the thread count. */
void
fl_float_encode_doubles (const fl_format *f, const double *x, uint64_t *codes, size_t n,
                         const fl_rounding *r, unsigned *flags)
{
  unsigned fl = 0;
  long nchunks = (long) ((n + FL_FAST_CHUNK - 1) / FL_FAST_CHUNK);
#pragma omp parallel for reduction(|:fl) schedule(static) if (nchunks > 1)
  for (long c = 0; c < nchunks; c++)
    {
      size_t lo = (size_t) c * FL_FAST_CHUNK;
      size_t len = n - lo < FL_FAST_CHUNK ? n - lo : FL_FAST_CHUNK;
      fl_rounding rc = *r;
      rc.stream = r->stream + lo;
      unsigned cf = 0;
      float_encode_block (f, x + lo, codes + lo, len, &rc, &cf);
      fl |= cf;
    }
  if (flags)
    *flags |= fl;
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
