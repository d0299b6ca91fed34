/* opal.c -- OPAL outlier-preserved microscaling blocks, fmtlab's documented model of
   arXiv 2409.05902 (doc/blocks.md).

   Per block of k (default 128): the 'outliers' (default 4) largest |x| -- NaN above
   infinities above finite values, ties to the lower index -- are stored in ofmt (default
   bf16, RNE; finite values saturate, infinities keep their sign, a NaN of either sign is
   ofmt's NaN code, on both paths) with their
   in-block indices, listed in ascending index order.  The other elements share the power of
   two chosen by the MX floor rule from their largest magnitude m (e = floor(log2 m) - emax of
   elem, clamped to the scale format, E8M0 by default) and are rounded into elem (default
   exmy_e0m3, a 4-bit sign-magnitude integer), clamped (when all of them are zero the
   exponent is the scale's smallest, and each keeps its sign as in MX); an outlier's own
   element slot holds +0.  A NaN or infinity left among the non-outliers makes the scale NaN, as in MX.  Storage
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

/* An outlier's code in ofmt: finite values saturate, infinities keep their sign, NaN is the
   format's NaN code whatever the sign bit of the input (an MPFR NaN carries none). */
static uint64_t
outlier_code (const fl_block *b, mpfr_srcptr v, unsigned *flags)
{
  if (mpfr_nan_p (v))
    return fl_block_nan_code (b->ofmt);
  fl_rounding r;
  fl_rounding_init (&r);
  r.overflow = mpfr_number_p (v) ? FL_OVF_SAT : FL_OVF_DEFAULT;
  return fl_encode (b->ofmt, v, &r, flags);
}

/* The elements of a block whose outliers are chosen: the MX rule over the others. */
static void
opal_elems (const fl_block *b, size_t len, const unsigned char *chosen, int bad, int allzero,
            long e, fl_block_out *o)
{
  if (bad)
    {
      *o->scale = fl_block_nan_code (b->scale);
      for (size_t i = 0; i < len; i++)
        o->elem[i] = b->elem_nan;
      return;
    }
  *o->scale = fl_mx_scale_code (b, allzero ? b->smin : e);
  for (size_t i = 0; i < len; i++)
    if (chosen[i])
      o->elem[i] = b->elem_zero;
}

static void
opal_quant_exact (const fl_block *b, mpfr_t *x, size_t len, fl_block_out *o,
                  const fl_rounding *r, unsigned *flags)
{
  unsigned char *chosen = malloc (len ? len : 1);
  mpfr_t *xs = malloc ((len ? len : 1) * sizeof *xs);
  if (!chosen || !xs)
    {
      free (chosen);
      free (xs);
      return;
    }
  size_t no = select_exact (x, len, b->outliers, chosen, o->oidx);
  for (size_t t = 0; t < b->outliers; t++)
    {
      if (t >= no)
        {
          o->oidx[t] = UINT32_MAX;
          o->ocode[t] = 0;
          continue;
        }
      o->ocode[t] = outlier_code (b, x[o->oidx[t]], flags);
    }
  mpfr_t zero;
  mpfr_init2 (zero, 2);
  mpfr_set_zero (zero, 1);
  /* the others, with +0 in the outliers' slots (read-only copies of the mpfr_t heads) */
  for (size_t i = 0; i < len; i++)
    xs[i][0] = chosen[i] ? zero[0] : x[i][0];
  mpfr_t m;
  mpfr_init2 (m, 2);
  int bad = fl_x_amax (xs, len, m);
  long e = bad || mpfr_zero_p (m) ? b->smin : fl_mx_shared_exp (b, m);
  if (!bad)
    fl_mx_elems_exact (b, xs, len, e, o->elem, r, flags);
  opal_elems (b, len, chosen, bad, !bad && mpfr_zero_p (m), e, o);
  mpfr_clear (m);
  mpfr_clear (zero);
  free (xs);
  free (chosen);
}

static void
opal_quant_fast (const fl_block *b, const double *x, size_t len, fl_block_out *o,
                 const fl_rounding *r, unsigned *flags, double *tmp)
{
  unsigned char chosen_s[512], *chosen = len <= sizeof chosen_s ? chosen_s : malloc (len);
  if (!chosen)
    return;
  size_t no = select_fast (x, len, b->outliers, chosen, o->oidx);
  MPFR_DECL_INIT (v, 53);
  for (size_t t = 0; t < b->outliers; t++)
    {
      if (t >= no)
        {
          o->oidx[t] = UINT32_MAX;
          o->ocode[t] = 0;
          continue;
        }
      mpfr_set_d (v, x[o->oidx[t]], MPFR_RNDN);     /* exact; a handful per block */
      o->ocode[t] = outlier_code (b, v, flags);
    }
  double m = 0;
  int bad = 0;
  double *xs = tmp + b->k;
  for (size_t i = 0; i < len; i++)
    {
      xs[i] = chosen[i] ? 0.0 : x[i];
      double a = fabs (xs[i]);
      bad |= !(a <= 0x1.fffffffffffffp1023);
      m = a > m ? a : m;
    }
  long e = bad || m == 0 ? b->smin : fl_mx_shared_exp_d (b, m);
  if (!bad)
    fl_mx_elems_fast (b, xs, len, e, o->elem, r, flags, tmp);
  opal_elems (b, len, chosen, bad, !bad && m == 0, e, o);
  if (chosen != chosen_s)
    free (chosen);
}

const fl_block_ops fl_opal_block_ops = { FL_BLOCK_OPAL, NULL, opal_quant_exact,
                                         opal_quant_fast };
