/* mx.c -- OCP Microscaling v1.0 blocks (doc/blocks.md) and NVFP4.

   MX: shared exponent e = floor(log2 amax) - emax_elem (rule floor; ceil, even, rceil as
   torchao), computed exactly from the exponent of amax (never a float log2),
   clamped to the powers of two of the scale format ([-127, 127] for E8M0); elements
   x / 2^e rounded into the element format with overflow clamped to +-max.  A block with a
   NaN or an infinity gets the scale format's NaN (0xFF for E8M0) and every element the
   element's NaN code (+0 when it has none): it decodes to NaN.  An all-zero block gets the
   smallest scale (0x00 = 2^-127) and each element the quantized x / X (OCP MX 6.3), which
   keeps -0 where the element format has it.  MXINT8 is fixed2.6 (Q1.6 two's
   complement); under sym=1 (default) -2 (0x80) is never produced.

   NVFP4 (NVIDIA): E2M1 elements, k = 16, block scale s = amax / (6 T) rounded to nearest
   even into E4M3 (saturating at 448), T the per-tensor binary32 scale (1 when absent);
   elements x / (s T) rounded into E2M1, clamped to +-6; value = T s e.  A scale that
   rounds to 0 gives zero elements with the sign of x.  The quotients are rational: both
   paths hand the truncated quotient and a sticky bit to the engine, which rounds it once
   (block-exact.c; the exact path from the integer quotient, the fast one from the double
   quotient and its exact fma residual). */
#include <config.h>
#include <stdlib.h>
#include "block-impl.h"

/* ---- MX blocks ---- */

static void
mx_quant_exact (const fl_block *b, mpfr_t *x, size_t len, fl_block_out *o,
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
  else
    {
      long e = mpfr_zero_p (amax) ? b->smin : fl_mx_shared_exp (b, amax);
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

static void
mx_quant_fast (const fl_block *b, const double *x, size_t len, fl_block_out *o,
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
  else
    {
      long e = amax == 0 ? b->smin : fl_mx_shared_exp_d (b, amax);
      *o->scale = fl_mx_scale_code (b, e);
      fl_mx_elems_fast (b, x, len, e, o->elem, r, flags, tmp);
    }
}

/* ---- NVFP4 ---- */

static void
nvfp4_quant_exact (const fl_block *b, mpfr_t *x, size_t len, fl_block_out *o,
                   const fl_rounding *r, unsigned *flags)
{
  mpfr_t amax, den, s;
  mpfr_inits2 (64, amax, den, s, (mpfr_ptr) 0);
  if (fl_x_amax (x, len, amax))
    {
      *o->scale = fl_block_nan_code (b->scale);
      for (size_t j = 0; j < len; j++)
        o->elem[j] = b->elem_nan;
      goto done;
    }
  fl_rounding rs;
  fl_rounding_init (&rs);
  rs.overflow = FL_OVF_SAT;
  mpfr_set_d (den, 6.0 * b->tscale, MPFR_RNDN);     /* exact: 6 T has 26 bits */
  *o->scale = fl_bx_div_encode (b->scale, amax, den, &rs, flags);
  mpfr_set_prec (s, fl_format_prec (b->scale) + 2);
  fl_decode (b->scale, *o->scale, s);
  mpfr_set_d (den, b->tscale, MPFR_RNDN);
  fl_x_mul (s, s, den);                              /* s T, exact */
  for (size_t j = 0; j < len; j++)
    {
      fl_rounding re = fl_block_elem_rounding (r, r->stream + j);
      if (mpfr_zero_p (s))
        o->elem[j] = fl_encode_u64 (b->elem, mpfr_signbit (x[j]) != 0, 0, 0, &re, flags);
      else
        o->elem[j] = fl_block_sym (b, fl_bx_div_encode (b->elem, x[j], s, &re, flags));
    }
done:
  mpfr_clears (amax, den, s, (mpfr_ptr) 0);
}

static void
exact_from_doubles (const fl_block *b, const double *x, size_t len, fl_block_out *o,
                    const fl_rounding *r, unsigned *flags)
{
  mpfr_t *xm = malloc (len * sizeof *xm);
  if (!xm)
    return;
  for (size_t j = 0; j < len; j++)
    {
      mpfr_init2 (xm[j], 53);
      mpfr_set_d (xm[j], x[j], MPFR_RNDN);
    }
  nvfp4_quant_exact (b, xm, len, o, r, flags);
  for (size_t j = 0; j < len; j++)
    mpfr_clear (xm[j]);
  free (xm);
}

static void
nvfp4_quant_fast (const fl_block *b, const double *x, size_t len, fl_block_out *o,
                  const fl_rounding *r, unsigned *flags, double *tmp)
{
  int bad;
  double amax = block_amax (x, len, &bad);
  fl_rounding rs;
  fl_rounding_init (&rs);
  rs.overflow = FL_OVF_SAT;
  uint64_t sc;
  unsigned fl = 0;
  if (bad)
    {
      exact_from_doubles (b, x, len, o, r, flags);
      return;
    }
  if (amax == 0)
    sc = fl_encode_u64 (b->scale, 0, 0, 0, &rs, &fl);
  else if (!fl_bx_div_encode_d (b->scale, amax, 6.0 * b->tscale, &rs, &fl, &sc))
    {
      exact_from_doubles (b, x, len, o, r, flags);
      return;
    }
  double sd;
  fl_decode_doubles (b->scale, &sc, &sd, 1);
  sd *= b->tscale;                                   /* exact: 4 x 24 bits */
  for (size_t j = 0; j < len; j++)
    {
      fl_rounding re = fl_block_elem_rounding (r, r->stream + j);
      if (sd == 0)
        o->elem[j] = fl_encode_u64 (b->elem, signbit (x[j]) != 0, 0, 0, &re, &fl);
      else if (fl_bx_div_encode_d (b->elem, x[j], sd, &re, &fl, &o->elem[j]))
        o->elem[j] = fl_block_sym (b, o->elem[j]);
      else
        {
          exact_from_doubles (b, x, len, o, r, flags);
          return;
        }
    }
  *o->scale = sc;
  if (flags)
    *flags |= fl;
  (void) tmp;
}

const fl_block_ops fl_mx_block_ops = { FL_BLOCK_MX, NULL, mx_quant_exact, mx_quant_fast };
const fl_block_ops fl_nvfp4_block_ops = { FL_BLOCK_NVFP4, NULL, nvfp4_quant_exact,
                                          nvfp4_quant_fast };
