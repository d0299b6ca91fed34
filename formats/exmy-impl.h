/* exmy-impl.h -- internal: round_pack of the float family, shared by the exact encoder
   (exmy.c) and the fast path (exmy_fast.c), which differ only in the producer. */
#ifndef FL_EXMY_IMPL_H
#define FL_EXMY_IMPL_H

#include "format-impl.h"
#include "round-impl.h"

FL_INLINE uint64_t
fl_float_signbit (const fl_float_params *p, int negative)
{
  return (p->is_signed && negative) ? UINT64_C(1) << (p->E + p->M) : 0;
}

FL_INLINE uint64_t
fl_float_nan_code (const fl_float_params *p, int negative)
{
  switch (p->nan_kind)
    {
    case FL_NAN_IEEE:
      return fl_float_signbit (p, negative) | ((((UINT64_C(1) << p->E) - 1) << p->M)
                                               | (UINT64_C(1) << (p->M - 1)));
    case FL_NAN_ALLONES:
      return fl_float_signbit (p, negative) | p->magmask;
    case FL_NAN_NEGZERO:
      return fl_float_signbit (p, 1);
    default:
      return 0;
    }
}

FL_INLINE uint64_t
fl_float_inf_code (const fl_float_params *p, int negative)
{
  switch (p->inf_kind)
    {
    case FL_INF_IEEE:
      return fl_float_signbit (p, negative) | (((UINT64_C(1) << p->E) - 1) << p->M);
    case FL_INF_ALLONES:
      return fl_float_signbit (p, negative) | p->magmask;
    case FL_INF_BELOWNAN:
      return p->magmask - 1;
    default:
      return 0;
    }
}

/* A negative value was rounded to a nonzero magnitude in an unsigned format. */
FL_INLINE uint64_t
fl_float_invalid_negative (const fl_format *f, const fl_rounding *r, unsigned *flags)
{
  *flags |= FL_FLAG_INVALID;
  if (f->has_nan && fl_overflow_effective (f, r) != FL_OVF_SAT)
    return fl_float_nan_code (&f->u.fp, 0);
  return 0;                       /* the lowest value: 0, or 2^emin when there is no zero */
}

/* The result when rounding went past the largest finite magnitude (IEEE 754 7.4: modes
   that round toward zero give the largest finite value, the others the policy's infinity). */
FL_INLINE uint64_t
fl_float_overflow (const fl_format *f, int negative, const fl_rounding *r, unsigned *flags)
{
  const fl_float_params *p = &f->u.fp;
  *flags |= FL_FLAG_OVERFLOW | FL_FLAG_INEXACT;
  if (negative && !p->is_signed)
    return fl_float_invalid_negative (f, r, flags);
  fl_overflow ovf = fl_overflow_effective (f, r);
  int away = r->mode == FL_RNE || r->mode == FL_RNA || r->mode == FL_SR
             || (r->mode == FL_RUP && !negative) || (r->mode == FL_RDN && negative);
  if (ovf == FL_OVF_SAT || !away)
    return fl_float_signbit (p, negative) | p->maxmag;
  if (ovf == FL_OVF_INF)
    return fl_float_inf_code (p, negative);
  return fl_float_nan_code (p, negative);
}

/* NaN, infinity and zero inputs. */
FL_INLINE uint64_t
fl_float_nan_in (const fl_format *f, int negative, unsigned *flags)
{
  if (f->has_nan)
    return fl_float_nan_code (&f->u.fp, negative);
  *flags |= FL_FLAG_INVALID;
  return 0;
}

FL_INLINE uint64_t
fl_float_inf_in (const fl_format *f, int negative, const fl_rounding *r, unsigned *flags)
{
  const fl_float_params *p = &f->u.fp;
  if (negative && !p->is_signed)
    return fl_float_invalid_negative (f, r, flags);
  switch (fl_overflow_effective (f, r))
    {
    case FL_OVF_INF: return fl_float_inf_code (p, negative);
    case FL_OVF_NAN: return fl_float_nan_code (p, negative);
    default:
      *flags |= FL_FLAG_INEXACT | FL_FLAG_OVERFLOW;
      return fl_float_signbit (p, negative) | p->maxmag;
    }
}

FL_INLINE uint64_t
fl_float_zero_in (const fl_format *f, int negative, const fl_rounding *r, unsigned *flags)
{
  const fl_float_params *p = &f->u.fp;
  if (p->ef0_normal)            /* no zero in the format */
    {
      *flags |= FL_FLAG_INVALID;
      if (f->has_nan && fl_overflow_effective (f, r) != FL_OVF_SAT)
        return fl_float_nan_code (p, 0);
      return 0;
    }
  return p->has_negzero ? fl_float_signbit (p, negative) : 0;
}

/* Sign and magnitude of a code, and its class. */
FL_INLINE fl_class
fl_float_classify (const fl_float_params *p, uint64_t code, int *negative, uint64_t *mag)
{
  *negative = p->is_signed ? (int) ((code >> (p->E + p->M)) & 1) : 0;
  *mag = code & p->magmask;
  uint64_t m = *mag;
  if (p->nan_kind == FL_NAN_NEGZERO && *negative && m == 0)
    return FL_CLASS_NAN;
  if (m > p->maxmag)
    {
      uint64_t expones = ((UINT64_C(1) << p->E) - 1) << p->M;
      switch (p->inf_kind)
        {
        case FL_INF_IEEE: if (m == expones) return FL_CLASS_INF; break;
        case FL_INF_ALLONES: if (m == p->magmask) return FL_CLASS_INF; break;
        case FL_INF_BELOWNAN: if (m == p->magmask - 1) return FL_CLASS_INF; break;
        default: break;
        }
      return FL_CLASS_NAN;
    }
  if (p->ef0_normal)
    return FL_CLASS_NORMAL;
  if (m == 0)
    return FL_CLASS_ZERO;
  /* with no exponent bits (exmy_e0mY) the codes are plain integers: call them normal */
  return (m >> p->M) == 0 && p->E > 0 ? FL_CLASS_SUBNORMAL : FL_CLASS_NORMAL;
}

/* The exact value of a finite magnitude code (also of maxmag + 1, the virtual next one):
   sig * 2^exp. */
FL_INLINE void
fl_float_mag_value (const fl_float_params *p, uint64_t mag, uint64_t *sig, long *exp)
{
  uint64_t ef = mag >> p->M, mf = mag & ((UINT64_C(1) << p->M) - 1);
  if (ef == 0 && !p->ef0_normal)
    {
      *sig = mf;
      *exp = p->emin - p->M;
    }
  else
    {
      *sig = mf | (UINT64_C(1) << p->M);
      *exp = (long) ef - p->bias - p->M;
    }
}

/* Round the magnitude m (sign 'negative') to the format: the family's only rounding. */
FL_INLINE uint64_t
fl_float_round_pack (const fl_format *f, int negative, const fl_mag *m,
                     const fl_rounding *r, unsigned *flags, mpz_ptr tmp)
{
  const fl_float_params *p = &f->u.fp;
  if (m->e > p->emax + 1)
    return fl_float_overflow (f, negative, r, flags);
  long eeff = m->e > p->emin ? m->e : p->emin;
  fl_frac fr;
  uint64_t n = fl_mag_split (m, eeff - p->M, &fr, tmp);
  /* Codes of a sign-magnitude float grow by one per quantum across binades, so the
     magnitude code is linear in n: ((eeff - emin) << M) + n, less 2^M when exponent field
     0 is a normal binade. */
  int64_t lower = (int64_t) (((uint64_t) (eeff - p->emin) << p->M) + n);
  if (p->ef0_normal)
    lower -= (int64_t) 1 << p->M;
  unsigned fl = 0;
  int up = fl_round_up (r, negative, (int) (lower & 1), &fr, &fl);
  int64_t mag = lower + up;
  if (fl && m->e < p->emin)
    {
      fl |= FL_FLAG_UNDERFLOW;
      /* Tininess after rounding (doc/engine.md): only a result of 2^emin can differ; it
         is not tiny when x rounded to the normal precision one binade lower (quantum
         2^(emin-1-M)), with the same random draws, reaches 2^emin. */
      if (r->tininess == FL_TININESS_AFTER && !p->ef0_normal && p->E > 0
          && mag == (int64_t) 1 << p->M)
        {
          fl_frac fr2;
          unsigned scratch = 0;
          uint64_t n2 = fl_mag_split (m, p->emin - 1 - p->M, &fr2, tmp);
          n2 += (uint64_t) fl_round_up (r, negative, (int) (n2 & 1), &fr2, &scratch);
          if (n2 == UINT64_C(1) << (p->M + 1))
            fl &= ~FL_FLAG_UNDERFLOW;
        }
    }
  *flags |= fl;
  if (mag < 0)                  /* below the smallest value of a format without zero */
    {
      *flags |= FL_FLAG_UNDERFLOW;
      mag = 0;
    }
  if ((uint64_t) mag > p->maxmag)
    return fl_float_overflow (f, negative, r, flags);
  if (negative && !p->is_signed)
    {
      if (mag == 0 && !p->ef0_normal)
        return 0;
      return fl_float_invalid_negative (f, r, flags);
    }
  if (mag == 0 && !p->has_negzero)
    return 0;
  return fl_float_signbit (p, negative) | (uint64_t) mag;
}

#endif
