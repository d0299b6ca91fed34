/* fixed.c -- the fixed-point family: <IL,FL> two's complement fixed point (IL counts the
   sign bit), int<n> = <n,0>, and unsigned uint<n>.  Conversion rounds the exact value at
   quantum 2^-FL with the shared decision and saturates (Gupta et al. 2015);
   there is no NaN or infinity.  Exact and fast (double) paths share fixed_round_pack. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "format-impl.h"
#include "round-impl.h"

fl_status
fl_fixed_init (fl_format *f, int W, int FL, int is_signed, char *err, size_t errlen)
{
  if (W < 1 || W > 64 || (is_signed && W < 2))
    {
      snprintf (err, errlen, "width %d: expected %d to 64 bits", W, is_signed ? 2 : 1);
      return FL_EINVAL;
    }
  if (FL < -1024 || FL > 1024)
    {
      snprintf (err, errlen, "fraction bits %d: expected -1024 to 1024", FL);
      return FL_EINVAL;
    }
  f->u.fx.W = W;
  f->u.fx.FL = FL;
  f->u.fx.is_signed = is_signed;
  f->ops = &fl_fixed_ops;
  f->bits = (unsigned) W;
  f->prec = W < 2 ? 2 : W;
  f->has_inf = 0;
  f->has_nan = 0;
  f->default_overflow = FL_OVF_SAT;
  f->exact = 1;
  f->nearest_nonzero = 0;
  f->saturating = 0;
  return FL_OK;
}

static uint64_t
fixed_mask (const fl_fixed_params *p)
{
  return p->W == 64 ? UINT64_MAX : (UINT64_C(1) << p->W) - 1;
}

/* Largest magnitude on the positive and on the negative side. */
static uint64_t
fixed_maxpos (const fl_fixed_params *p)
{
  return p->is_signed ? (UINT64_C(1) << (p->W - 1)) - 1 : fixed_mask (p);
}

static uint64_t
fixed_maxneg (const fl_fixed_params *p)
{
  return p->is_signed ? UINT64_C(1) << (p->W - 1) : 0;
}

static uint64_t
fixed_pack (const fl_fixed_params *p, int negative, uint64_t mag)
{
  return negative ? (0 - mag) & fixed_mask (p) : mag;
}

static uint64_t
fixed_saturate (const fl_fixed_params *p, int negative, unsigned *flags)
{
  *flags |= FL_FLAG_OVERFLOW | FL_FLAG_INEXACT;
  return negative ? fixed_pack (p, 1, fixed_maxneg (p)) : fixed_maxpos (p);
}

FL_INLINE uint64_t
fixed_round_pack (const fl_format *f, int negative, const fl_mag *m, const fl_rounding *r,
                  unsigned *flags, mpz_ptr tmp)
{
  const fl_fixed_params *p = &f->u.fx;
  /* values of 2^(W-FL) and more are beyond every code; below that n < 2^W fits */
  if (m->e >= p->W - p->FL)
    return fixed_saturate (p, negative, flags);
  fl_frac fr;
  uint64_t n = fl_mag_split (m, -p->FL, &fr, tmp);
  int up = fl_round_up (r, negative, (int) (n & 1), &fr, flags);
  uint64_t limit = negative ? fixed_maxneg (p) : fixed_maxpos (p);
  if (n > limit || (up && n == limit))
    {
      if (negative && !p->is_signed && n == 0)
        return 0;                 /* -tiny rounded toward zero */
      return fixed_saturate (p, negative, flags);
    }
  return fixed_pack (p, negative, n + (uint64_t) up);
}

static fl_class
fixed_decode (const fl_format *f, uint64_t code, mpfr_ptr out)
{
  const fl_fixed_params *p = &f->u.fx;
  code &= fixed_mask (p);
  if (code == 0)
    {
      mpfr_set_zero (out, 1);
      return FL_CLASS_ZERO;
    }
  if (p->is_signed && (code >> (p->W - 1)) & 1)
    {
      mpfr_set_uj_2exp (out, (0 - code) & fixed_mask (p), -p->FL, MPFR_RNDN);
      mpfr_neg (out, out, MPFR_RNDN);
    }
  else
    mpfr_set_uj_2exp (out, code, -p->FL, MPFR_RNDN);
  return FL_CLASS_NORMAL;
}

static fl_class
fixed_unpack (const fl_format *f, uint64_t code, int *negative, uint64_t *sig, long *exp)
{
  const fl_fixed_params *p = &f->u.fx;
  code &= fixed_mask (p);
  *negative = p->is_signed && ((code >> (p->W - 1)) & 1);
  *sig = *negative ? (0 - code) & fixed_mask (p) : code;
  *exp = -p->FL;
  return code == 0 ? FL_CLASS_ZERO : FL_CLASS_NORMAL;
}

static uint64_t
fixed_encode_special (const fl_format *f, fl_class c, int negative, const fl_rounding *r,
                      unsigned *flags)
{
  if (c == FL_CLASS_NAN)
    {
      *flags |= FL_FLAG_INVALID;        /* no NaN: 0, flagged */
      return 0;
    }
  if (c == FL_CLASS_INF)
    return fixed_saturate (&f->u.fx, negative, flags);
  return 0;
}

static uint64_t
fixed_round_pack_op (const fl_format *f, int negative, const fl_mag *m, const fl_rounding *r,
                 unsigned *flags, mpz_ptr tmp)
{
  return fixed_round_pack (f, negative, m, r, flags, tmp);
}

static int
fixed_beyond (const fl_format *f, int negative, mpfr_ptr out)
{
  const fl_fixed_params *p = &f->u.fx;
  uint64_t mag = negative ? fixed_maxneg (p) : fixed_maxpos (p);
  /* one quantum past the extreme (mag + 1 may need 65 bits); out needs W + 1 bits */
  mpfr_t v;
  mpfr_init2 (v, 66);
  mpfr_set_uj_2exp (v, mag, -p->FL, MPFR_RNDN);
  mpfr_t q;
  mpfr_init2 (q, 2);
  mpfr_set_ui_2exp (q, 1, -p->FL, MPFR_RNDN);
  mpfr_add (v, v, q, MPFR_RNDN);
  mpfr_set (out, v, MPFR_RNDN);
  mpfr_clear (q);
  mpfr_clear (v);
  if (negative)
    mpfr_neg (out, out, MPFR_RNDN);
  return (int) ((mag + 1) & 1);
}

static uint64_t
fixed_max_code (const fl_format *f)
{
  return fixed_maxpos (&f->u.fx);
}

static uint64_t
fixed_lowest_code (const fl_format *f)
{
  return fixed_pack (&f->u.fx, 1, fixed_maxneg (&f->u.fx));
}

static uint64_t
fixed_minpos_code (const fl_format *f)
{
  (void) f;
  return 1;
}

static int
fixed_minnormal_code (const fl_format *f, uint64_t *code)
{
  (void) f;
  (void) code;
  return 0;
}

/* Fast path: the double's bits are the producer. */
FL_INLINE uint64_t
fixed_from_double (const fl_format *f, double x, const fl_rounding *r, fl_round_mode mode,
                   unsigned *flags)
{
  (void) mode;                  /* r->mode is the same; the generic rounding reads it */
  int negative;
  fl_mag m;
  fl_class c = fl_mag_from_double (x, &negative, &m);
  if (c != FL_CLASS_NORMAL)
    return fixed_encode_special (f, c, negative, r, flags);
  return fixed_round_pack (f, negative, &m, r, flags, NULL);
}

FL_DEFINE_ENCODE_DOUBLES (fixed_encode_doubles, fixed_from_double)

static void
fixed_decode_doubles (const fl_format *f, const uint64_t *codes, double *x, size_t n)
{
  const fl_fixed_params *p = &f->u.fx;
  for (size_t i = 0; i < n; i++)
    {
      uint64_t c = codes[i] & fixed_mask (p);
      if (p->is_signed && (c >> (p->W - 1)) & 1)
        x[i] = -ldexp ((double) ((0 - c) & fixed_mask (p)), -p->FL);
      else
        x[i] = ldexp ((double) c, -p->FL);
    }
}

static int
fixed_bits_at_one (const fl_format *f)
{
  return f->u.fx.FL;
}

const fl_family_ops fl_fixed_ops = {
  .family = FL_FAMILY_FIXED,
  .decode = fixed_decode,
  .unpack = fixed_unpack,
  .encode_special = fixed_encode_special,
  .round_pack = fixed_round_pack_op,
  .beyond = fixed_beyond,
  .encode_doubles = fixed_encode_doubles,
  .decode_doubles = fixed_decode_doubles,
  .max_code = fixed_max_code,
  .lowest_code = fixed_lowest_code,
  .minpos_code = fixed_minpos_code,
  .minnormal_code = fixed_minnormal_code,
  .bits_at_one = fixed_bits_at_one,
};
