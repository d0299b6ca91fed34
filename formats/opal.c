/* opal.c -- OPAL outlier-preserved microscaling blocks, fmtlab's documented model of
   arXiv 2409.05902 (SPEC A7, B6).

   Per block of k (default 128): the 'outliers' (default 4) largest |x| -- NaN above
   infinities above finite values, ties to the lower index -- are stored in ofmt (default
   bf16, RNE; finite values saturate, NaN and infinities keep their class) with their
   in-block indices, listed in ascending index order.  The other elements share the power of
   two chosen by the MX floor rule from their largest magnitude m (e = floor(log2 m) - emax of
   elem, clamped to the scale format, E8M0 by default) and are rounded into elem (default
   exmy_e0m3, a 4-bit sign-magnitude integer), clamped; an outlier's own element slot holds
   +0.  A NaN or infinity left among the non-outliers makes the scale NaN, as in MX.  Storage
   per element = elem bits + (outliers (ofmt bits + ceil(log2 k)) + scale bits) / k. */
#include <config.h>
#include <stdlib.h>
#include "block-impl.h"

/* rank of a magnitude: NaN 2, infinity 1, finite 0 */
static int
rank_m (mpfr_srcptr x)
{
  return mpfr_nan_p (x) ? 2 : mpfr_inf_p (x) ? 1 : 0;
}

static int
rank_d (double x)
{
  return isnan (x) ? 2 : isinf (x) ? 1 : 0;
}

/* Pick the no largest magnitudes: chosen[i] = 1; idx ascending. */
static int
cmp_sel (const void *a, const void *b)
{
  uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;
  return x < y ? -1 : x > y;
}

static size_t
select_exact (mpfr_t *x, size_t len, unsigned outliers, unsigned char *chosen, uint32_t *idx)
{
  size_t no = outliers < len ? outliers : len;
  memset (chosen, 0, len);
  for (size_t t = 0; t < no; t++)
    {
      size_t best = SIZE_MAX;
      for (size_t i = 0; i < len; i++)
        {
          if (chosen[i])
            continue;
          if (best == SIZE_MAX)
            {
              best = i;
              continue;
            }
          int ri = rank_m (x[i]), rb = rank_m (x[best]);
          if (ri > rb || (ri == 0 && rb == 0 && mpfr_cmpabs (x[i], x[best]) > 0))
            best = i;
        }
      if (best == SIZE_MAX)
        break;                    /* cannot happen: no <= len */
      chosen[best] = 1;
      idx[t] = (uint32_t) best;
    }
  qsort (idx, no, sizeof *idx, cmp_sel);
  return no;
}

static size_t
select_fast (const double *x, size_t len, unsigned outliers, unsigned char *chosen, uint32_t *idx)
{
  size_t no = outliers < len ? outliers : len;
  memset (chosen, 0, len);
  for (size_t t = 0; t < no; t++)
    {
      size_t best = SIZE_MAX;
      int rb = -1;
      double mb = -1;
      for (size_t i = 0; i < len; i++)
        {
          if (chosen[i])
            continue;
          int ri = rank_d (x[i]);
          double mi = fabs (x[i]);
          if (best == SIZE_MAX || ri > rb || (ri == 0 && rb == 0 && mi > mb))
            best = i, rb = ri, mb = mi;
        }
      if (best == SIZE_MAX)
        break;                    /* cannot happen: no <= len */
      chosen[best] = 1;
      idx[t] = (uint32_t) best;
    }
  qsort (idx, no, sizeof *idx, cmp_sel);
  return no;
}

static fl_rounding
outlier_rounding (int finite)
{
  fl_rounding r;
  fl_rounding_init (&r);
  r.overflow = finite ? FL_OVF_SAT : FL_OVF_DEFAULT;
  return r;
}

static uint64_t
scale_nan (const fl_block *b)
{
  fl_rounding r;
  fl_rounding_init (&r);
  mpfr_t n;
  mpfr_init2 (n, 2);
  mpfr_set_nan (n);
  uint64_t c = fl_encode (b->scale, n, &r, NULL);
  mpfr_clear (n);
  return c;
}

void
fl_opal_quant_exact (const fl_block *b, mpfr_t *x, size_t len, fl_block_out *o,
                     const fl_rounding *r, unsigned *flags)
{
  unsigned char *chosen = malloc (len ? len : 1);
  if (!chosen)
    return;
  size_t no = select_exact (x, len, b->outliers, chosen, o->oidx);
  for (size_t t = 0; t < b->outliers; t++)
    {
      if (t >= no)
        {
          o->oidx[t] = UINT32_MAX;
          o->ocode[t] = 0;
          continue;
        }
      fl_rounding ro = outlier_rounding (mpfr_number_p (x[o->oidx[t]]));
      o->ocode[t] = fl_encode (b->ofmt, x[o->oidx[t]], &ro, flags);
    }
  mpfr_t m;
  mpfr_init2 (m, 2);
  mpfr_set_zero (m, 1);
  int bad = 0;
  for (size_t i = 0; i < len; i++)
    if (!chosen[i])
      {
        if (!mpfr_number_p (x[i]))
          bad = 1;
        else if (mpfr_cmpabs (x[i], m) > 0)
          {
            mpfr_set_prec (m, mpfr_get_prec (x[i]));
            mpfr_abs (m, x[i], MPFR_RNDN);
          }
      }
  if (bad)
    {
      *o->scale = scale_nan (b);
      for (size_t i = 0; i < len; i++)
        o->elem[i] = b->elem_nan;
    }
  else if (mpfr_zero_p (m))
    {
      *o->scale = fl_mx_scale_code (b, b->smin);
      for (size_t i = 0; i < len; i++)
        o->elem[i] = b->elem_zero;
    }
  else
    {
      long e = fl_mx_shared_exp (b, m);
      *o->scale = fl_mx_scale_code (b, e);
      mpfr_t y;
      mpfr_init2 (y, 2);
      for (size_t i = 0; i < len; i++)
        {
          if (chosen[i])
            {
              o->elem[i] = b->elem_zero;
              continue;
            }
          mpfr_set_prec (y, mpfr_get_prec (x[i]));
          mpfr_mul_2si (y, x[i], -e, MPFR_RNDN);
          fl_rounding re = fl_block_elem_rounding (r, r->stream + i);
          o->elem[i] = fl_block_encode_elem (b, y, &re, flags);
        }
      mpfr_clear (y);
    }
  mpfr_clear (m);
  free (chosen);
}

void
fl_opal_quant_fast (const fl_block *b, const double *x, size_t len, fl_block_out *o,
                    const fl_rounding *r, unsigned *flags, double *tmp)
{
  unsigned char chosen_s[512], *chosen = len <= sizeof chosen_s ? chosen_s : malloc (len);
  if (!chosen)
    return;
  size_t no = select_fast (x, len, b->outliers, chosen, o->oidx);
  for (size_t t = 0; t < b->outliers; t++)
    {
      if (t >= no)
        {
          o->oidx[t] = UINT32_MAX;
          o->ocode[t] = 0;
          continue;
        }
      double v = x[o->oidx[t]];
      fl_rounding ro = outlier_rounding (isfinite (v));
      fl_block_encode_doubles (b->ofmt, &v, &o->ocode[t], 1, &ro, flags);
    }
  double m = 0;
  int bad = 0;
  for (size_t i = 0; i < len; i++)
    if (!chosen[i])
      {
        double a = fabs (x[i]);
        bad |= !(a <= 0x1.fffffffffffffp1023);
        m = a > m ? a : m;
      }
  if (bad)
    {
      *o->scale = scale_nan (b);
      for (size_t i = 0; i < len; i++)
        o->elem[i] = b->elem_nan;
    }
  else if (m == 0)
    {
      *o->scale = fl_mx_scale_code (b, b->smin);
      for (size_t i = 0; i < len; i++)
        o->elem[i] = b->elem_zero;
    }
  else
    {
      long e = fl_mx_shared_exp_d (b, m);
      *o->scale = fl_mx_scale_code (b, e);
      /* outliers' slots are scaled too (finite: bounded by clamping) and then cleared */
      double *xs = tmp + b->k;
      for (size_t i = 0; i < len; i++)
        xs[i] = chosen[i] ? 0.0 : x[i];
      fl_mx_elems_fast (b, xs, len, e, o->elem, r, flags, tmp);
      for (size_t i = 0; i < len; i++)
        if (chosen[i])
          o->elem[i] = b->elem_zero;
    }
  if (chosen != chosen_s)
    free (chosen);
}
