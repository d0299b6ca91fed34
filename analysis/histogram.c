/* histogram.c -- histograms of tensors (of x or of log2|x|), the data's range, and what a
   candidate format does to the data: its representable range and grid on the data's axis,
   and the mass it clips or flushes to zero.  Streaming: each call takes one chunk. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fmtlab/chartdata.h>

#define CHUNK 4096

fl_status
fl_hist_init (fl_hist *h, double lo, double hi, size_t nbins, int log2abs, char *err,
              size_t errlen)
{
  memset (h, 0, sizeof *h);
  if (!(isfinite (lo) && isfinite (hi) && lo < hi) || nbins == 0 || nbins > 100000000)
    {
      snprintf (err, errlen, "histogram: need finite lo < hi and 1 to 10^8 bins (got [%g, %g), "
                "%zu bins)", lo, hi, nbins);
      return FL_EINVAL;
    }
  h->count = calloc (nbins, sizeof *h->count);
  if (!h->count)
    {
      snprintf (err, errlen, "histogram: out of memory for %zu bins", nbins);
      return FL_ENOMEM;
    }
  h->lo = lo;
  h->hi = hi;
  h->nbins = nbins;
  h->log2abs = log2abs;
  return FL_OK;
}

void
fl_hist_add (fl_hist *h, const double *x, size_t n)
{
  double scale = (double) h->nbins / (h->hi - h->lo);
  for (size_t i = 0; i < n; i++)
    {
      double v = x[i];
      h->total++;
      if (!isfinite (v))
        {
          h->nonfinite++;
          continue;
        }
      if (h->log2abs)
        {
          if (v == 0)
            {
              h->zeros++;
              continue;
            }
          v = log2 (fabs (v));
        }
      else if (v == 0)
        h->zeros++;
      if (v < h->lo)
        {
          h->below++;
          continue;
        }
      if (v >= h->hi)
        {
          h->above++;
          continue;
        }
      size_t b = (size_t) ((v - h->lo) * scale);
      if (b >= h->nbins)      /* v just below hi, rounded up */
        b = h->nbins - 1;
      h->count[b] += 1;
    }
}

void
fl_hist_clear (fl_hist *h)
{
  free (h->count);
  memset (h, 0, sizeof *h);
}

double
fl_hist_bin_width (const fl_hist *h)
{
  return (h->hi - h->lo) / (double) h->nbins;
}

double
fl_hist_bin_lo (const fl_hist *h, size_t i)
{
  return h->lo + (double) i * fl_hist_bin_width (h);
}

void
fl_data_range_init (fl_data_range *d)
{
  memset (d, 0, sizeof *d);
  d->min = INFINITY;
  d->max = -INFINITY;
  d->absmin_nz = INFINITY;
}

void
fl_data_range_add (fl_data_range *d, const double *x, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      double v = x[i];
      d->n++;
      if (!isfinite (v))
        continue;
      d->finite++;
      if (v < d->min)
        d->min = v;
      if (v > d->max)
        d->max = v;
      double a = fabs (v);
      if (a == 0)
        d->zeros++;
      else if (a < d->absmin_nz)
        d->absmin_nz = a;
      if (a > d->absmax)
        d->absmax = a;
    }
}

static int
cmp_double (const void *pa, const void *pb)
{
  double a = *(const double *) pa, b = *(const double *) pb;
  return a < b ? -1 : a > b;
}

/* The positive finite values of f times s, sorted and distinct (formats <= 16 bits). */
static fl_status
positive_grid (const fl_format *f, double s, double **grid, size_t *n, char *err, size_t errlen)
{
  *grid = NULL;
  *n = 0;
  if (fl_format_bits (f) > 16)
    return FL_OK;
  size_t ncodes = (size_t) fl_format_ncodes_minus1 (f) + 1;
  uint64_t *codes = malloc (ncodes * sizeof *codes);
  double *v = malloc (ncodes * sizeof *v);
  if (!codes || !v)
    {
      free (codes);
      free (v);
      snprintf (err, errlen, "%s: out of memory for its grid", fl_format_name (f));
      return FL_ENOMEM;
    }
  for (size_t c = 0; c < ncodes; c++)
    codes[c] = c;
  fl_decode_doubles (f, codes, v, ncodes);
  free (codes);
  size_t m = 0;
  for (size_t c = 0; c < ncodes; c++)
    if (isfinite (v[c]) && v[c] > 0)
      v[m++] = v[c] * s;
  qsort (v, m, sizeof *v, cmp_double);
  size_t u = 0;
  for (size_t i = 0; i < m; i++)
    if (u == 0 || v[i] != v[u - 1])
      v[u++] = v[i];
  *grid = v;
  *n = u;
  return FL_OK;
}

static double
decode_d (const fl_format *f, uint64_t code)
{
  double d;
  fl_decode_doubles (f, &code, &d, 1);
  return d;
}

static fl_status
check_candidate (const fl_candidate *c, char *err, size_t errlen)
{
  if ((c->f == NULL) == (c->b == NULL))
    {
      snprintf (err, errlen, "candidate: exactly one of a scalar and a block format is needed");
      return FL_EINVAL;
    }
  if (c->f && !(isfinite (c->scale) && c->scale > 0))
    {
      snprintf (err, errlen, "%s: the scale must be finite and positive (got %g)",
                fl_format_name (c->f), c->scale);
      return FL_EINVAL;
    }
  return FL_OK;
}

fl_status
fl_candidate_range_get (const fl_candidate *c, double absmax, fl_candidate_range *out,
                        char *err, size_t errlen)
{
  memset (out, 0, sizeof *out);
  fl_status st = check_candidate (c, err, errlen);
  if (st != FL_OK)
    return st;
  if (c->f)
    {
      out->max = c->scale * decode_d (c->f, fl_format_max_code (c->f));
      out->minpos = c->scale * decode_d (c->f, fl_format_minpos_code (c->f));
      return positive_grid (c->f, c->scale, &out->grid, &out->ngrid, err, errlen);
    }
  mpfr_t m;
  mpfr_init2 (m, 64);
  fl_block_max (c->b, m);
  out->max = mpfr_get_d (m, MPFR_RNDN);
  fl_block_minpos (c->b, m);
  out->minpos = mpfr_get_d (m, MPFR_RNDN);
  mpfr_clear (m);
  /* one block's grid: the element grid shifted so that its largest value covers absmax */
  const fl_format *e = fl_block_elem (c->b);
  double emax = decode_d (e, fl_format_max_code (e));
  double s = 1;
  if (absmax > 0 && isfinite (absmax) && emax > 0)
    s = ldexp (1.0, (int) ceil (log2 (absmax / emax)));
  return positive_grid (e, s, &out->grid, &out->ngrid, err, errlen);
}

void
fl_candidate_range_clear (fl_candidate_range *r)
{
  free (r->grid);
  memset (r, 0, sizeof *r);
}

fl_status
fl_lost_mass_add (const fl_candidate *c, const double *x, size_t n, fl_lost_mass *m,
                  char *err, size_t errlen)
{
  fl_status st = check_candidate (c, err, errlen);
  if (st != FL_OK)
    return st;
  fl_rounding r;
  fl_rounding_init (&r);
  if (c->f)
    {
      /* beyond the largest value by more than half the gap below it: rounding to nearest
         with unbounded exponent would go past the largest value */
      uint64_t mc = fl_format_max_code (c->f);
      double mx = decode_d (c->f, mc), below = mc > 0 ? decode_d (c->f, mc - 1) : NAN;
      double limit = isfinite (below) && below < mx ? mx + 0.5 * (mx - below) : mx;
      double buf[CHUNK];
      for (size_t i0 = 0; i0 < n; i0 += CHUNK)
        {
          size_t len = n - i0 < CHUNK ? n - i0 : CHUNK;
          for (size_t i = 0; i < len; i++)
            buf[i] = x[i0 + i] / c->scale;
          fl_quantize_doubles (c->f, buf, buf, len, &r, NULL);
          for (size_t i = 0; i < len; i++)
            {
              double v = x[i0 + i];
              if (!isfinite (v))
                continue;
              m->n++;
              if (fabs (v / c->scale) >= limit && fabs (v / c->scale) > mx)
                m->clipped++;
              else if (v != 0 && buf[i] == 0)
                m->flushed++;
            }
        }
      return FL_OK;
    }
  /* block formats: chunks hold whole blocks (the caller's chunk length is a multiple of
     the block size, but for the last chunk) */
  fl_block_array a;
  st = fl_block_array_init (&a, c->b, n, err, errlen);
  if (st != FL_OK)
    return st;
  double *q = malloc ((n ? n : 1) * sizeof *q);
  if (!q)
    {
      fl_block_array_clear (&a);
      snprintf (err, errlen, "%s: out of memory", fl_block_name (c->b));
      return FL_ENOMEM;
    }
  st = fl_block_quantize_doubles (c->b, x, n, &a, &r, NULL, err, errlen);
  if (st == FL_OK)
    {
      fl_block_dequantize_doubles (c->b, &a, q);
      const fl_format *e = fl_block_elem (c->b);
      uint64_t cmax = fl_format_max_code (e), clow = fl_format_lowest_code (e);
      for (size_t i = 0; i < n; i++)
        {
          if (!isfinite (x[i]))
            continue;
          m->n++;
          if (!isfinite (q[i]))
            continue;
          if (fabs (x[i]) > fabs (q[i]) && (a.elem[i] == cmax || a.elem[i] == clow))
            m->clipped++;
          else if (x[i] != 0 && q[i] == 0)
            m->flushed++;
        }
    }
  free (q);
  fl_block_array_clear (&a);
  return st;
}
