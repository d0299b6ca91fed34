/* exmy.c -- the float family: every sign/exponent/significand minifloat (ml_dtypes and OCP
   types, IEEE binary16/32/64, bfloat16, tf32, generic eXmY, the eXmY paper's all-finite
   types and integers, IEEE P3109 binaryKpP) as one parameterised layout plus a policy for
   where NaN and infinities sit.  Exact decode and the exact encoder live here; the double
   fast path is in exmy_fast.c; both round through fl_float_round_pack. */
#include <config.h>
#include <stdio.h>
#include <string.h>
#include "exmy-impl.h"

fl_status
fl_float_init (fl_format *f, int E, int M, long bias, int is_signed, int ef0_normal,
               fl_nan_kind nk, fl_inf_kind ik, char *err, size_t errlen)
{
  fl_float_params *p = &f->u.fp;
  int bits = E + M + (is_signed ? 1 : 0);
  if (E < 0 || M < 0 || bits < 2 || bits > 64 || E > 20 || E + M > 63)
    {
      snprintf (err, errlen, "exponent and significand widths e%dm%d%s give %d bits; "
                "expected 2 to 64 bits in all, at most 63 without the sign, at most 20 exponent bits", E, M,
                is_signed ? " plus a sign bit" : "", bits);
      return FL_EINVAL;
    }
  if (nk == FL_NAN_IEEE || ik == FL_INF_IEEE)
    {
      if (E < 1)
        {
          snprintf (err, errlen, "IEEE-like specials need at least one exponent bit");
          return FL_EINVAL;
        }
    }
  if (ik == FL_INF_BELOWNAN && (is_signed || nk != FL_NAN_ALLONES))
    {
      snprintf (err, errlen, "internal: infinity below NaN needs an unsigned all-ones NaN");
      return FL_EINVAL;
    }
  memset (p, 0, sizeof *p);
  p->E = E;
  p->M = M;
  p->bias = bias;
  p->is_signed = is_signed;
  p->ef0_normal = ef0_normal;
  p->nan_kind = nk;
  p->inf_kind = ik;
  p->magmask = (E + M == 64) ? UINT64_MAX : (UINT64_C(1) << (E + M)) - 1;
  p->emin = ef0_normal ? -bias : 1 - bias;
  if (nk == FL_NAN_IEEE || ik == FL_INF_IEEE)
    p->maxmag = (((UINT64_C(1) << E) - 1) << M) - 1;
  else
    p->maxmag = p->magmask - (nk == FL_NAN_ALLONES) - (ik == FL_INF_ALLONES)
                - (ik == FL_INF_BELOWNAN);
  if (p->maxmag == 0 || (ef0_normal && M == 0 && p->maxmag == 0))
    {
      snprintf (err, errlen, "the layout leaves no finite nonzero value");
      return FL_EINVAL;
    }
  /* largest finite: magnitude code maxmag */
  uint64_t ef = p->maxmag >> M;
  p->emax = (long) ef - bias;
  if (ef == 0 && !ef0_normal)
    {
      /* only subnormals: the largest has its leading bit below 2^emin */
      uint64_t mf = p->maxmag & ((UINT64_C(1) << M) - 1);
      int lead = 63 - __builtin_clzll (mf);
      p->emax = p->emin - M + lead;
    }
  p->has_negzero = is_signed && nk != FL_NAN_NEGZERO && !ef0_normal;
  f->ops = &fl_float_ops;
  f->bits = (unsigned) bits;
  f->prec = M + 1 < 2 ? 2 : M + 1;
  f->has_inf = ik != FL_INF_NONE;
  f->has_nan = nk != FL_NAN_NONE && !(nk == FL_NAN_IEEE && M == 0);
  f->exact = 1;
  f->nearest_nonzero = 0;
  f->saturating = 0;
  f->default_overflow = f->has_inf ? FL_OVF_INF : f->has_nan ? FL_OVF_NAN : FL_OVF_SAT;
  return FL_OK;
}

static fl_class
float_decode (const fl_format *f, uint64_t code, mpfr_ptr out)
{
  const fl_float_params *p = &f->u.fp;
  int negative;
  uint64_t mag, sig;
  long exp;
  fl_class c = fl_float_classify (p, code, &negative, &mag);
  switch (c)
    {
    case FL_CLASS_NAN:
      mpfr_set_nan (out);
      return c;
    case FL_CLASS_INF:
      mpfr_set_inf (out, negative ? -1 : 1);
      return c;
    case FL_CLASS_ZERO:
      mpfr_set_zero (out, negative ? -1 : 1);
      return c;
    default:
      fl_float_mag_value (p, mag, &sig, &exp);
      mpfr_set_uj_2exp (out, sig, exp, MPFR_RNDN);
      if (negative)
        mpfr_neg (out, out, MPFR_RNDN);
      return c;
    }
}

static fl_class
float_unpack (const fl_format *f, uint64_t code, int *negative, uint64_t *sig, long *exp)
{
  const fl_float_params *p = &f->u.fp;
  uint64_t mag;
  fl_class c = fl_float_classify (p, code & fl_format_ncodes_minus1 (f), negative, &mag);
  if (c == FL_CLASS_ZERO)
    {
      *sig = 0;
      *exp = 0;
    }
  else if (c == FL_CLASS_NORMAL || c == FL_CLASS_SUBNORMAL)
    fl_float_mag_value (p, mag, sig, exp);
  return c;
}

static uint64_t
float_encode_special (const fl_format *f, fl_class c, int negative, const fl_rounding *r,
                      unsigned *flags)
{
  if (c == FL_CLASS_NAN)
    return fl_float_nan_in (f, negative, flags);
  if (c == FL_CLASS_INF)
    return fl_float_inf_in (f, negative, r, flags);
  return fl_float_zero_in (f, negative, r, flags);
}

static uint64_t
float_round_pack_op (const fl_format *f, int negative, const fl_mag *m, const fl_rounding *r,
                 unsigned *flags, mpz_ptr tmp)
{
  return fl_float_round_pack (f, negative, m, r, flags, tmp);
}

/* IEEE-like NaNs: quiet when the top significand bit is set (IEEE 754 6.2.1). */
static int
float_code_signaling (const fl_format *f, uint64_t code)
{
  const fl_float_params *p = &f->u.fp;
  int negative;
  uint64_t mag;
  if (p->nan_kind != FL_NAN_IEEE || p->M < 1
      || fl_float_classify (p, code, &negative, &mag) != FL_CLASS_NAN)
    return 0;
  return !((code >> (p->M - 1)) & 1);
}

static uint64_t
float_nan_quiet (const fl_format *f, uint64_t code)
{
  const fl_float_params *p = &f->u.fp;
  if (p->nan_kind == FL_NAN_IEEE && p->M >= 1)
    return code | (UINT64_C(1) << (p->M - 1));
  return code;
}

static int
float_beyond (const fl_format *f, int negative, mpfr_ptr out)
{
  const fl_float_params *p = &f->u.fp;
  uint64_t sig;
  long exp;
  fl_float_mag_value (p, p->maxmag + 1, &sig, &exp);
  mpfr_set_uj_2exp (out, sig, exp, MPFR_RNDN);
  if (negative)
    mpfr_neg (out, out, MPFR_RNDN);
  return (int) ((p->maxmag + 1) & 1);
}

static uint64_t
float_max_code (const fl_format *f)
{
  return f->u.fp.maxmag;
}

static uint64_t
float_lowest_code (const fl_format *f)
{
  const fl_float_params *p = &f->u.fp;
  return p->is_signed ? fl_float_signbit (p, 1) | p->maxmag : 0;
}

static uint64_t
float_minpos_code (const fl_format *f)
{
  return f->u.fp.ef0_normal ? 0 : 1;
}

static int
float_minnormal_code (const fl_format *f, uint64_t *code)
{
  const fl_float_params *p = &f->u.fp;
  if (p->ef0_normal)
    *code = 0;
  else if (p->E == 0 || (UINT64_C(1) << p->M) > p->maxmag)
    return 0;                   /* integers and all-subnormal layouts have no normals */
  else
    *code = UINT64_C(1) << p->M;
  return 1;
}

void fl_float_encode_doubles (const fl_format *f, const double *x, uint64_t *codes, size_t n,
                              const fl_rounding *r, unsigned *flags);
void fl_float_decode_doubles (const fl_format *f, const uint64_t *codes, double *x, size_t n);
void fl_float_quantize_doubles (const fl_format *f, const double *x, double *y, size_t n,
                                const fl_rounding *r, unsigned *flags);

static int
float_bits_at_one (const fl_format *f)
{
  return f->u.fp.M;
}

const fl_family_ops fl_float_ops = {
  .family = FL_FAMILY_FLOAT,
  .decode = float_decode,
  .unpack = float_unpack,
  .code_signaling = float_code_signaling,
  .nan_quiet = float_nan_quiet,
  .encode_special = float_encode_special,
  .round_pack = float_round_pack_op,
  .beyond = float_beyond,
  .encode_doubles = fl_float_encode_doubles,
  .decode_doubles = fl_float_decode_doubles,
  .quantize_doubles = fl_float_quantize_doubles,
  .max_code = float_max_code,
  .lowest_code = float_lowest_code,
  .minpos_code = float_minpos_code,
  .minnormal_code = float_minnormal_code,
  .bits_at_one = float_bits_at_one,
};
