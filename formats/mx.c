/* mx.c -- OCP Microscaling v1.0 blocks (SPEC A6, B5) and NVFP4.

   MX: shared exponent e = floor(log2 amax) - emax_elem (rule floor; ceil, even, rceil as
   torchao, SPEC B5.2), computed exactly from the exponent of amax (never a float log2),
   clamped to the powers of two of the scale format ([-127, 127] for E8M0); elements
   x / 2^e rounded into the element format with overflow clamped to +-max.  A block with a
   NaN or an infinity gets the scale format's NaN (0xFF for E8M0) and every element the
   element's NaN code (+0 when it has none): it decodes to NaN.  An all-zero block gets the
   smallest scale (0x00 = 2^-127) and +0 elements.  MXINT8 is fixed2.6 (Q1.6 two's
   complement); under sym=1 (default) -2 (0x80) is never produced.

   NVFP4 (NVIDIA): E2M1 elements, k = 16, block scale s = amax / (6 T) rounded to nearest
   even into E4M3 (saturating at 448), T the per-tensor binary32 scale (1 when absent);
   elements x / (s T) rounded into E2M1, clamped to +-6; value = T s e.  A scale that
   rounds to 0 gives +0 elements.  The quotients are rational: the exact path rounds them to
   odd at 64 bits with MPFR, the fast path to odd at 53 bits from the double quotient and its
   exact fma residual; either is then rounded once into the element format, which is the
   correct rounding of the exact quotient (a format of p <= 51 bits; round-to-odd lemma). */
#include <config.h>
#include <stdlib.h>
#include "block-impl.h"

/* ---- the shared exponent ---- */

long
fl_mx_shared_exp (const fl_block *b, mpfr_srcptr amax)
{
  long E = (long) mpfr_get_exp (amax) - 1, e;
  mpfr_t m, t;
  mpfr_init2 (m, mpfr_get_prec (amax));
  mpfr_mul_2si (m, amax, -E, MPFR_RNDN);          /* amax / 2^E in [1, 2), exact */
  switch (b->rule)
    {
    case FL_RULE_CEIL:
      e = E + (mpfr_cmp_ui (m, 1) != 0) - b->elem_emax;
      break;
    case FL_RULE_EVEN:
      /* rounding m to mbits fraction bits (ties away) carries iff m >= 2 - 2^-(mbits+1) */
      mpfr_init2 (t, b->elem_mbits + 4 > 8 ? (mpfr_prec_t) b->elem_mbits + 4 : 8);
      mpfr_set_ui_2exp (t, 1, -(b->elem_mbits + 1), MPFR_RNDN);
      mpfr_ui_sub (t, 2, t, MPFR_RNDN);
      e = E + (mpfr_cmp (m, t) >= 0) - b->elem_emax;
      mpfr_clear (t);
      break;
    case FL_RULE_RCEIL:
      {
        /* smallest e with amax <= elem_max 2^e: compare the significands */
        mpfr_t mm;
        mpfr_init2 (mm, fl_format_prec (b->elem) + 2);
        fl_decode (b->elem, fl_format_max_code (b->elem), mm);
        mpfr_mul_2si (mm, mm, -b->elem_emax, MPFR_RNDN);
        e = E - b->elem_emax + (mpfr_cmp (m, mm) > 0);
        mpfr_clear (mm);
      }
      break;
    default:
      e = E - b->elem_emax;
    }
  mpfr_clear (m);
  return e < b->smin ? b->smin : e > b->smax ? b->smax : e;
}

long
fl_mx_shared_exp_d (const fl_block *b, double amax)
{
  int ex;
  double m = frexp (amax, &ex) * 2;     /* amax = m 2^E, m in [1, 2), exact */
  long E = ex - 1, e;
  switch (b->rule)
    {
    case FL_RULE_CEIL:
      e = E + (m != 1) - b->elem_emax;
      break;
    case FL_RULE_EVEN:
      e = E + (b->elem_mbits < 52 && m >= 2 - ldexp (1, (int) -(b->elem_mbits + 1))) - b->elem_emax;
      break;
    case FL_RULE_RCEIL:
      {
        int em;
        double mm = frexp (b->elem_max_d, &em) * 2;
        e = E - b->elem_emax + (m > mm);
      }
      break;
    default:
      e = E - b->elem_emax;
    }
  return e < b->smin ? b->smin : e > b->smax ? b->smax : e;
}

uint64_t
fl_mx_scale_code (const fl_block *b, long e)
{
  fl_rounding r;
  fl_rounding_init (&r);
  return fl_encode_u64 (b->scale, 0, 1, e, &r, NULL);
}

/* ---- elements under a power-of-two scale ---- */

void
fl_mx_elems_exact (const fl_block *b, mpfr_t *x, size_t len, long e, uint64_t *codes,
                   const fl_rounding *r, unsigned *flags)
{
  mpfr_t y;
  mpfr_init2 (y, 2);
  for (size_t j = 0; j < len; j++)
    {
      mpfr_set_prec (y, mpfr_get_prec (x[j]));
      mpfr_mul_2si (y, x[j], -e, MPFR_RNDN);     /* exact */
      fl_rounding re = fl_block_elem_rounding (r, r->stream + j);
      codes[j] = fl_block_encode_elem (b, y, &re, flags);
    }
  mpfr_clear (y);
}

/* x 2^-e exactly as a dyadic, for the elements the double scaling could round */
static uint64_t
elem_exact_d (const fl_block *b, double x, long e, const fl_rounding *r, unsigned *flags)
{
  int ex;
  double m = frexp (fabs (x), &ex);
  uint64_t sig = (uint64_t) ldexp (m, 53);
  fl_rounding re = *r;
  uint64_t c = fl_encode_u64 (b->elem, signbit (x) != 0, sig, (long) ex - 53 - e, &re, flags);
  if (b->sym && b->elem_asym && c == b->elem_lowest)
    c = b->elem_lowest + 1;
  return c;
}

void
fl_mx_elems_fast (const fl_block *b, const double *x, size_t len, long e, uint64_t *codes,
                  const fl_rounding *r, unsigned *flags, double *tmp)
{
  fl_rounding re = fl_block_elem_rounding (r, r->stream);
  int slow = 0;
  for (size_t j = 0; j < len; j++)
    {
      double y = ldexp (x[j], (int) -e);
      tmp[j] = y;
      /* exact unless the result left the normal range (then redo it exactly) */
      slow |= (y != 0 && !(fabs (y) >= 0x1p-1022 && fabs (y) <= 0x1p1023)) || (y == 0 && x[j] != 0);
    }
  fl_block_encode_doubles (b->elem, tmp, codes, len, &re, flags);
  for (size_t j = 0; j < len; j++)
    {
      if (b->sym && b->elem_asym && codes[j] == b->elem_lowest)
        codes[j] = b->elem_lowest + 1;
      if (slow)
        {
          double y = tmp[j];
          if ((y != 0 && !(fabs (y) >= 0x1p-1022 && fabs (y) <= 0x1p1023)) || (y == 0 && x[j] != 0))
            {
              fl_rounding rj = fl_block_elem_rounding (r, r->stream + j);
              codes[j] = elem_exact_d (b, x[j], e, &rj, flags);
            }
        }
    }
}

/* ---- MX blocks ---- */

void
fl_mx_quant_exact (const fl_block *b, mpfr_t *x, size_t len, fl_block_out *o,
                   const fl_rounding *r, unsigned *flags)
{
  mpfr_t amax;
  mpfr_init2 (amax, 2);
  if (fl_x_amax (x, len, amax))
    {
      *o->scale = fl_block_nan_code (b->scale);
      for (size_t j = 0; j < len; j++)
        o->elem[j] = b->elem_nan;
    }
  else if (mpfr_zero_p (amax))
    {
      *o->scale = fl_mx_scale_code (b, b->smin);
      for (size_t j = 0; j < len; j++)
        o->elem[j] = b->elem_zero;
    }
  else
    {
      long e = fl_mx_shared_exp (b, amax);
      *o->scale = fl_mx_scale_code (b, e);
      fl_mx_elems_exact (b, x, len, e, o->elem, r, flags);
    }
  mpfr_clear (amax);
}

/* The largest |x| of a block of doubles; *bad when one is NaN or infinite. */
static double
block_amax (const double *x, size_t len, int *bad)
{
  double amax = 0;
  *bad = 0;
  for (size_t j = 0; j < len; j++)
    {
      double a = fabs (x[j]);
      *bad |= !(a <= 0x1.fffffffffffffp1023);
      amax = a > amax ? a : amax;
    }
  return amax;
}

void
fl_mx_quant_fast (const fl_block *b, const double *x, size_t len, fl_block_out *o,
                  const fl_rounding *r, unsigned *flags, double *tmp)
{
  int bad;
  double amax = block_amax (x, len, &bad);
  if (bad)
    {
      *o->scale = fl_block_nan_code (b->scale);
      for (size_t j = 0; j < len; j++)
        o->elem[j] = b->elem_nan;
    }
  else if (amax == 0)
    {
      *o->scale = fl_mx_scale_code (b, b->smin);
      for (size_t j = 0; j < len; j++)
        o->elem[j] = b->elem_zero;
    }
  else
    {
      long e = fl_mx_shared_exp_d (b, amax);
      *o->scale = fl_mx_scale_code (b, e);
      fl_mx_elems_fast (b, x, len, e, o->elem, r, flags, tmp);
    }
}

/* ---- NVFP4 ---- */

static uint64_t
nv_scale_round (const fl_block *b, mpfr_srcptr q, unsigned *flags)
{
  fl_rounding r;
  fl_rounding_init (&r);
  r.overflow = FL_OVF_SAT;
  return fl_encode (b->scale, q, &r, flags);
}

void
fl_nvfp4_quant_exact (const fl_block *b, mpfr_t *x, size_t len, fl_block_out *o,
                      const fl_rounding *r, unsigned *flags)
{
  mpfr_t amax, den, q, s;
  mpfr_inits2 (64, amax, den, q, s, (mpfr_ptr) 0);
  if (fl_x_amax (x, len, amax))
    {
      *o->scale = fl_block_nan_code (b->scale);
      for (size_t j = 0; j < len; j++)
        o->elem[j] = b->elem_nan;
      goto done;
    }
  mpfr_set_d (den, 6.0 * b->tscale, MPFR_RNDN);     /* exact: 6 T has 26 bits */
  fl_x_div_rto (q, amax, den, 64);
  *o->scale = nv_scale_round (b, q, flags);
  mpfr_set_prec (s, fl_format_prec (b->scale) + 2);
  fl_decode (b->scale, *o->scale, s);
  mpfr_set_d (den, b->tscale, MPFR_RNDN);
  fl_x_mul (s, s, den);                              /* s T, exact */
  for (size_t j = 0; j < len; j++)
    {
      if (mpfr_zero_p (s))
        {
          o->elem[j] = b->elem_zero;
          continue;
        }
      fl_x_div_rto (q, x[j], s, 64);
      fl_rounding re = fl_block_elem_rounding (r, r->stream + j);
      o->elem[j] = fl_block_encode_elem (b, q, &re, flags);
    }
done:
  mpfr_clears (amax, den, q, s, (mpfr_ptr) 0);
}

static void
exact_from_doubles (const fl_block *b, const double *x, size_t len, fl_block_out *o,
                    const fl_rounding *r, unsigned *flags,
                    void (*fn) (const fl_block *, mpfr_t *, size_t, fl_block_out *,
                                const fl_rounding *, unsigned *))
{
  mpfr_t *xm = malloc (len * sizeof *xm);
  if (!xm)
    return;
  for (size_t j = 0; j < len; j++)
    {
      mpfr_init2 (xm[j], 53);
      mpfr_set_d (xm[j], x[j], MPFR_RNDN);
    }
  fn (b, xm, len, o, r, flags);
  for (size_t j = 0; j < len; j++)
    mpfr_clear (xm[j]);
  free (xm);
}

void
fl_nvfp4_quant_fast (const fl_block *b, const double *x, size_t len, fl_block_out *o,
                     const fl_rounding *r, unsigned *flags, double *tmp)
{
  int bad;
  double amax = block_amax (x, len, &bad);
  if (bad)
    {
      exact_from_doubles (b, x, len, o, r, flags, fl_nvfp4_quant_exact);
      return;
    }
  double q;
  if (!fl_d_div_rto (amax, 6.0 * b->tscale, &q))
    {
      exact_from_doubles (b, x, len, o, r, flags, fl_nvfp4_quant_exact);
      return;
    }
  fl_rounding rs;
  fl_rounding_init (&rs);
  rs.overflow = FL_OVF_SAT;
  uint64_t sc;
  fl_block_encode_doubles (b->scale, &q, &sc, 1, &rs, flags);
  *o->scale = sc;
  double sd;
  fl_decode_doubles (b->scale, &sc, &sd, 1);
  sd *= b->tscale;                                   /* exact: 4 x 24 bits */
  if (sd == 0)
    {
      for (size_t j = 0; j < len; j++)
        o->elem[j] = b->elem_zero;
      return;
    }
  for (size_t j = 0; j < len; j++)
    if (!fl_d_div_rto (x[j], sd, &tmp[j]))
      {
        exact_from_doubles (b, x, len, o, r, flags, fl_nvfp4_quant_exact);
        return;
      }
  fl_rounding re = fl_block_elem_rounding (r, r->stream);
  fl_block_encode_doubles (b->elem, tmp, o->elem, len, &re, flags);
}
