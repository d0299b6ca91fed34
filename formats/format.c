/* format.c -- the public format calls: dispatch to the family, properties, names,
   exact parsing and printing of reals. */
#include <config.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fmtlab/enumerate.h>
#include "format-impl.h"
#include "round-impl.h"
#include "logdomain-impl.h"

const char *
fl_version (void)
{
  return PACKAGE_VERSION;
}

void
fl_format_free (fl_format *f)
{
  if (f && f->ops && f->ops->release)
    f->ops->release (f);
  free (f);
}

const char *fl_format_name (const fl_format *f) { return f->name; }
fl_family fl_format_family (const fl_format *f) { return f->ops->family; }
unsigned fl_format_bits (const fl_format *f) { return f->bits; }
mpfr_prec_t fl_format_prec (const fl_format *f) { return f->prec; }
fl_overflow fl_format_default_overflow (const fl_format *f) { return f->default_overflow; }
int fl_format_has_inf (const fl_format *f) { return f->has_inf; }
int fl_format_has_nan (const fl_format *f) { return f->has_nan; }
uint64_t fl_format_max_code (const fl_format *f) { return f->ops->max_code (f); }
uint64_t fl_format_lowest_code (const fl_format *f) { return f->ops->lowest_code (f); }
uint64_t fl_format_minpos_code (const fl_format *f) { return f->ops->minpos_code (f); }

uint64_t
fl_format_ncodes_minus1 (const fl_format *f)
{
  return f->bits >= 64 ? UINT64_MAX : (UINT64_C(1) << f->bits) - 1;
}

int
fl_format_is_signed (const fl_format *f)
{
  switch (f->ops->family)
    {
    case FL_FAMILY_FLOAT: return f->u.fp.is_signed;
    case FL_FAMILY_FIXED: return f->u.fx.is_signed;
    default: return 1;
    }
}

int fl_format_is_exact (const fl_format *f) { return f->exact; }
int fl_format_bits_at_one (const fl_format *f) { return f->ops->bits_at_one (f); }

int
fl_decode_log2 (const fl_format *f, uint64_t code, mpq_ptr q)
{
  if (!f->ops->decode_log2)
    return 0;
  return f->ops->decode_log2 (f, code & fl_format_ncodes_minus1 (f), q);
}

int
fl_format_minnormal_code (const fl_format *f, uint64_t *code)
{
  return f->ops->minnormal_code (f, code);
}

int
fl_format_overflow_ok (const fl_format *f, fl_overflow o)
{
  switch (o)
    {
    case FL_OVF_INF: return f->has_inf;
    case FL_OVF_NAN: return f->has_nan;
    default: return 1;
    }
}

fl_class
fl_decode (const fl_format *f, uint64_t code, mpfr_ptr out)
{
  return f->ops->decode (f, code & fl_format_ncodes_minus1 (f), out);
}

/* The exact encoder of every family: the producer is the mpfr_t's significand as an
   integer (exact, however long), the rounding the family's own. */
uint64_t
fl_encode (const fl_format *f, mpfr_srcptr x, const fl_rounding *r, unsigned *flags)
{
  unsigned fl = 0;
  uint64_t code;
  int negative = mpfr_signbit (x) != 0;
  if (!mpfr_regular_p (x))
    code = f->ops->encode_special (f, mpfr_nan_p (x) ? FL_CLASS_NAN
                                   : mpfr_inf_p (x) ? FL_CLASS_INF : FL_CLASS_ZERO,
                                   negative, r, &fl);
  else
    {
      mpz_t z, tmp;
      mpz_init (z);
      mpz_init (tmp);
      fl_mag m;
      fl_mag_from_mpfr (&m, x, z);
      code = f->ops->round_mag (f, negative, &m, r, &fl, tmp);
      mpz_clear (z);
      mpz_clear (tmp);
    }
  if (flags)
    *flags |= fl;
  return code;
}

uint64_t
fl_encode_u64 (const fl_format *f, int negative, uint64_t sig, long exp,
               const fl_rounding *r, unsigned *flags)
{
  unsigned fl = 0;
  uint64_t code;
  if (sig == 0)
    code = f->ops->encode_special (f, FL_CLASS_ZERO, negative, r, &fl);
  else
    {
      fl_mag m = { sig, NULL, exp, exp + 63 - __builtin_clzll (sig) };
      code = f->ops->round_mag (f, negative, &m, r, &fl, NULL);
    }
  if (flags)
    *flags |= fl;
  return code;
}

uint64_t
fl_encode_z (const fl_format *f, int negative, mpz_srcptr sig, long exp,
             const fl_rounding *r, unsigned *flags)
{
  if (mpz_sizeinbase (sig, 2) <= 64 || mpz_sgn (sig) == 0)
    return fl_encode_u64 (f, negative, mpz_get_ui (sig), exp, r, flags);
  unsigned fl = 0;
  mpz_t tmp;
  mpz_init (tmp);
  fl_mag m = { 0, sig, exp, exp + (long) mpz_sizeinbase (sig, 2) - 1 };
  uint64_t code = f->ops->round_mag (f, negative, &m, r, &fl, tmp);
  mpz_clear (tmp);
  if (flags)
    *flags |= fl;
  return code;
}

fl_status
fl_encode_p2sum (const fl_format *f, const fl_p2sum *s, const fl_rounding *r, uint64_t *code,
                 unsigned *flags, char *err, size_t errlen)
{
  unsigned fl = 0;
  fl_status st = FL_OK;
  if (s->n == 0)
    {
      /* an exact zero: +0, or -0 under rdn (IEEE 754 6.3; the logarithmic families have
         one zero) */
      MPFR_DECL_INIT (z, 2);
      mpfr_set_zero (z, r->mode == FL_RDN ? -1 : 1);
      *code = fl_encode (f, z, r, &fl);
    }
  else if (s->n == 1 && mpq_sgn (s->g[0].phi) == 0)
    {
      /* a dyadic: the exact encoder */
      mpz_t a;
      mpz_init (a);
      mpz_abs (a, s->g[0].z);
      *code = fl_encode_z (f, mpz_sgn (s->g[0].z) < 0, a, s->g[0].e, r, &fl);
      mpz_clear (a);
    }
  else if (f->ops->round_sum)
    {
      int negative = fl_p2sum_sign (s) < 0;
      fl_p2sum m;
      fl_p2sum_init (&m);
      fl_p2sum_add_sum (&m, s, 0, negative);
      fl_p2sum_normalise (&m);
      *code = f->ops->round_sum (f, negative, &m, r, &fl);
      fl_p2sum_clear (&m);
    }
  else if (r->mode == FL_SR)
    {
      snprintf (err, errlen, "format '%s': stochastic rounding of an irrational value (a sum of "
                "powers of two with fractional exponents) into a dyadic format is not "
                "available", f->name);
      st = FL_EUNSUPPORTED;
      *code = 0;
    }
  else
    {
      /* x is irrational (a group with a fractional exponent survives) and every decision
         boundary of a dyadic format is dyadic: the encoder is monotone in x, so equal
         codes (and flags) of both bounds are the answer, and the loop ends */
      mpfr_t lo, hi;
      mpfr_inits2 (64, lo, hi, (mpfr_ptr) 0);
      for (mpfr_prec_t p = 64 + 2 * f->prec;; p *= 2)
        {
          fl_p2sum_bounds (s, p, lo, hi);
          unsigned f1 = 0, f2 = 0;
          uint64_t c1 = fl_encode (f, lo, r, &f1), c2 = fl_encode (f, hi, r, &f2);
          if (c1 == c2 && f1 == f2)
            {
              *code = c1;
              fl = f1 | FL_FLAG_INEXACT;
              break;
            }
        }
      mpfr_clears (lo, hi, (mpfr_ptr) 0);
    }
  if (flags)
    *flags |= fl;
  return st;
}

fl_status
fl_encode_pow2sum (const fl_format *f, size_t n, const int *neg, mpq_srcptr const *q,
                   const fl_rounding *r, uint64_t *code, unsigned *flags, char *err,
                   size_t errlen)
{
  fl_p2sum s;
  fl_p2sum_init (&s);
  for (size_t i = 0; i < n; i++)
    fl_p2sum_add (&s, neg[i], q[i]);
  fl_p2sum_normalise (&s);
  fl_status st = fl_encode_p2sum (f, &s, r, code, flags, err, errlen);
  fl_p2sum_clear (&s);
  return st;
}

fl_status
fl_encode_log2 (const fl_format *f, int negative, mpq_srcptr q, const fl_rounding *r,
                uint64_t *code, unsigned *flags, char *err, size_t errlen)
{
  return fl_encode_pow2sum (f, 1, &negative, &q, r, code, flags, err, errlen);
}

int
fl_format_beyond (const fl_format *f, int negative, mpfr_ptr out)
{
  return f->ops->beyond (f, negative, out);
}

#define FL_FAST_CHUNK 65536

/* The array path of families without a fast path: each double through the exact encoder
   (a double is an exact 53-bit value). */
static void
encode_doubles_mpfr (const fl_format *f, const double *x, uint64_t *codes, size_t n,
                     const fl_rounding *r, unsigned *flags)
{
  mpfr_t v;
  mpfr_init2 (v, 53);
  fl_rounding ri = *r;
  for (size_t i = 0; i < n; i++)
    {
      mpfr_set_d (v, x[i], MPFR_RNDN);
      ri.stream = r->stream + i;
      codes[i] = fl_encode (f, v, &ri, flags);
    }
  mpfr_clear (v);
}

/* Chunks over threads; stochastic streams are per element (stream + i), so the codes do
   not depend on the thread count. */
void
fl_encode_doubles (const fl_format *f, const double *x, uint64_t *codes, size_t n,
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
      if (f->ops->encode_doubles)
        f->ops->encode_doubles (f, x + lo, codes + lo, len, &rc, &cf);
      else
        encode_doubles_mpfr (f, x + lo, codes + lo, len, &rc, &cf);
      fl |= cf;
    }
  if (flags)
    *flags |= fl;
}

void
fl_decode_doubles (const fl_format *f, const uint64_t *codes, double *x, size_t n)
{
  if (f->ops->decode_doubles)
    {
      f->ops->decode_doubles (f, codes, x, n);
      return;
    }
  /* nearest double: decode with 2 bits more than needed is not enough for a correct
     double in general, so decode at 53 bits directly (fl_decode rounds to nearest) */
  mpfr_t v;
  mpfr_init2 (v, f->exact ? fl_format_prec (f) : 53);
  for (size_t i = 0; i < n; i++)
    {
      fl_decode (f, codes[i], v);
      x[i] = mpfr_get_d (v, MPFR_RNDN);
    }
  mpfr_clear (v);
}

/* Fused fake-quantize (first version: encode then decode in chunks; the engine-seam work
   gives it a fused path per family). */
void
fl_quantize_doubles (const fl_format *f, const double *x, double *y, size_t n,
                     const fl_rounding *r, unsigned *flags)
{
  if (f->ops->quantize_doubles)
    {
      f->ops->quantize_doubles (f, x, y, n, r, flags);   /* block formats */
      return;
    }
  uint64_t codes[256];
  fl_rounding rc = *r;
  for (size_t lo = 0; lo < n; lo += 256)
    {
      size_t len = n - lo < 256 ? n - lo : 256;
      rc.stream = r->stream + lo;
      fl_encode_doubles (f, x + lo, codes, len, &rc, flags);
      fl_decode_doubles (f, codes, y + lo, len);
    }
}

void
fl_quantize_floats (const fl_format *f, const float *x, float *y, size_t n,
                    const fl_rounding *r, unsigned *flags)
{
  if (f->ops->quantize_floats)
    {
      f->ops->quantize_floats (f, x, y, n, r, flags);    /* block formats */
      return;
    }
  double xd[256], yd[256];
  fl_rounding rc = *r;
  for (size_t lo = 0; lo < n; lo += 256)
    {
      size_t len = n - lo < 256 ? n - lo : 256;
      for (size_t i = 0; i < len; i++)
        xd[i] = x[lo + i];
      rc.stream = r->stream + lo;
      fl_quantize_doubles (f, xd, yd, len, &rc, flags);
      for (size_t i = 0; i < len; i++)
        y[lo + i] = (float) yd[i];   /* the value is a float whenever the format's are */
    }
}

const char *
fl_class_name (fl_class c)
{
  switch (c)
    {
    case FL_CLASS_ZERO: return "zero";
    case FL_CLASS_NORMAL: return "normal";
    case FL_CLASS_SUBNORMAL: return "subnormal";
    case FL_CLASS_INF: return "inf";
    case FL_CLASS_NAN: return "nan";
    case FL_CLASS_NAR: return "nar";
    }
  return "?";
}

int
fl_parse_real (mpfr_ptr x, const char *s, mpfr_prec_t min_prec)
{
  size_t len = strlen (s);
  if (len == 0 || len > 100000)
    return -1;
  /* hex digits carry 4 bits each; decimals get min_prec plus their digits' worth */
  mpfr_prec_t prec = (mpfr_prec_t) (4 * len + 8);
  if (prec < min_prec)
    prec = min_prec;
  mpfr_set_prec (x, prec);
  char *end;
  mpfr_clear_flags ();
  int t = mpfr_strtofr (x, s, &end, 0, MPFR_RNDZ);
  if (end == s || *end != 0)
    return -1;
  if (mpfr_overflow_p () || mpfr_underflow_p ())
    return -1;
  if (t != 0)
    {
      /* round to odd: truncated, so make the last bit 1 (it was 0 or we stay odd) */
      mpfr_t ulp;
      mpfr_init2 (ulp, 2);
      mpfr_set_ui_2exp (ulp, 1, mpfr_get_exp (x) - prec, MPFR_RNDN);
      mpz_t z;
      mpz_init (z);
      mpfr_get_z_2exp (z, x);
      if (mpz_even_p (z))
        {
          if (mpfr_signbit (x))
            mpfr_sub (x, x, ulp, MPFR_RNDN);
          else
            mpfr_add (x, x, ulp, MPFR_RNDN);
        }
      mpz_clear (z);
      mpfr_clear (ulp);
    }
  return 0;
}

int
fl_hexfloat (char *buf, size_t size, mpfr_srcptr x, mpfr_prec_t prec)
{
  if (mpfr_nan_p (x))
    return snprintf (buf, size, "nan");
  if (mpfr_inf_p (x))
    return snprintf (buf, size, mpfr_signbit (x) ? "-inf" : "inf");
  if (mpfr_zero_p (x))
    return snprintf (buf, size, mpfr_signbit (x) ? "-0x0p+0" : "0x0p+0");
  mpfr_t y;
  mpfr_init2 (y, prec > 0 ? prec : mpfr_get_prec (x));
  mpfr_set (y, x, MPFR_RNDN);
  mpz_t z;
  mpz_init (z);
  mpfr_exp_t e = mpfr_get_z_2exp (z, y);
  int negative = mpz_sgn (z) < 0;
  mpz_abs (z, z);
  /* strip trailing zero bits, then write 1.fff with the fraction in whole hex digits */
  mp_bitcnt_t tz = mpz_scan1 (z, 0);
  mpz_tdiv_q_2exp (z, z, tz);
  e += (mpfr_exp_t) tz;
  size_t nb = mpz_sizeinbase (z, 2);
  long exp2 = (long) e + (long) nb - 1;          /* value = 1.f * 2^exp2 */
  size_t fbits = nb - 1;
  size_t digits = (fbits + 3) / 4;
  mpz_mul_2exp (z, z, digits * 4 - fbits);       /* pad the fraction to whole digits */
  char *hex = mpz_get_str (NULL, 16, z);         /* "1" followed by the fraction digits */
  int n;
  if (digits == 0)
    n = snprintf (buf, size, "%s0x1p%+ld", negative ? "-" : "", exp2);
  else
    n = snprintf (buf, size, "%s0x1.%sp%+ld", negative ? "-" : "", hex + 1, exp2);
  free (hex);
  mpz_clear (z);
  mpfr_clear (y);
  return n;
}

void
fl_format_special_counts (const fl_format *f, long double *nan_codes, long double *inf_codes)
{
  *nan_codes = 0;
  *inf_codes = 0;
  if (f->ops->family == FL_FAMILY_POSIT || f->ops->family == FL_FAMILY_LOGPOSIT
      || f->ops->family == FL_FAMILY_LNS)
    *nan_codes = 1;                     /* NaR, or the LNS NaN */
  if (f->ops->family != FL_FAMILY_FLOAT)
    return;
  const fl_float_params *p = &f->u.fp;
  long double signs = p->is_signed ? 2 : 1;
  switch (p->nan_kind)
    {
    case FL_NAN_IEEE: *nan_codes = signs * (long double) ((UINT64_C(1) << p->M) - 1); break;
    case FL_NAN_ALLONES: *nan_codes = signs; break;
    case FL_NAN_NEGZERO: *nan_codes = 1; break;
    default: break;
    }
  switch (p->inf_kind)
    {
    case FL_INF_IEEE: case FL_INF_ALLONES: *inf_codes = signs; break;
    case FL_INF_BELOWNAN: *inf_codes = 1; break;
    default: break;
    }
}

void
fl_format_cut (const fl_format *f, fl_domain d, uint64_t lo, uint64_t hi, mpfr_ptr out)
{
  if (d == FL_DOMAIN_DEFAULT)
    d = FL_DOMAIN_LOG;
  char name[128];
  if (f->ops->cut_format && f->ops->cut_format (f, d, name, sizeof name))
    {
      fl_format *cf;
      char err[256];
      if (fl_format_parse (name, &cf, err, sizeof err) == FL_OK)
        {
          uint64_t refined = (2 * lo + 1) & fl_format_ncodes_minus1 (cf);
          fl_decode (cf, refined, out);
          fl_format_free (cf);
          return;
        }
    }
  mpfr_prec_t p = mpfr_get_prec (out) + 64;
  mpfr_t a, b;
  mpfr_inits2 (p, a, b, (mpfr_ptr) 0);
  fl_decode (f, lo, a);
  fl_decode (f, hi, b);
  mpfr_add (a, a, b, MPFR_RNDN);
  mpfr_div_2ui (out, a, 1, MPFR_RNDN);
  mpfr_clears (a, b, (mpfr_ptr) 0);
}

int
fl_saturating_beyond (const fl_format *f, int negative, mpfr_ptr out)
{
  (void) f;
  mpfr_set_inf (out, negative ? -1 : 1);
  return -1;
}
