/* metrics.c -- streaming error accumulators and code-usage histograms (doc/compare.md). */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fmtlab/metrics.h>

void
fl_metrics_init (fl_metrics *m)
{
  memset (m, 0, sizeof *m);
}

/* Runs of METRICS_RUN elements are summed in double (a run's rounding error is at most
   about METRICS_RUN ulps relative, far below what the figures print), then the runs'
   sums in long double: this keeps the inner loop free of x87 arithmetic.  q - x is exact
   in double whenever q and x are within a factor of two (Sterbenz), i.e. whenever the
   error is small relative to x. */
#define METRICS_RUN 256

void
fl_metrics_add (fl_metrics *m, const double *x, const double *q, size_t n,
                const unsigned char *clipped)
{
  for (size_t lo = 0; lo < n; lo += METRICS_RUN)
    {
      size_t len = n - lo < METRICS_RUN ? n - lo : METRICS_RUN;
      double sx2 = 0, sq2 = 0, sxq = 0, se2 = 0, se = 0, srel = 0, mabs = m->max_abs,
             mrel = m->max_rel;
      uint64_t cnt = 0, nz = 0, fl = 0, cl = 0;
      int qnan = isnan (mabs);
      for (size_t i = lo; i < lo + len; i++)
        {
          double xi = x[i];
          if (!isfinite (xi))
            {
              if (isnan (xi))
                m->nan++;
              else
                m->inf++;
              continue;
            }
          double qi = q[i], e = qi - xi, ae = fabs (e);
          cnt++;
          sx2 += xi * xi;
          sq2 += qi * qi;
          sxq += xi * qi;
          se2 += e * e;
          se += e;
          /* a NaN q (an overflow to NaN) is remembered apart, so the maxima stay plain
             comparisons */
          qnan |= ae != ae;
          mabs = ae > mabs ? ae : mabs;
          int nzx = xi != 0;
          double rel = ae / (nzx ? fabs (xi) : 1.0);
          rel = nzx ? rel : 0;
          nz += (uint64_t) nzx;
          srel += rel;
          mrel = rel > mrel ? rel : mrel;
          fl += (uint64_t) (nzx & (qi == 0));
          if (clipped)
            cl += clipped[i] != 0;
        }
      if (qnan)
        mabs = mrel = NAN;
      m->n += cnt;
      m->nonzero += nz;
      m->flushed += fl;
      m->clipped += cl;
      m->sum_x2 += sx2;
      m->sum_q2 += sq2;
      m->sum_xq += sxq;
      m->sum_e2 += se2;
      m->sum_e += se;
      m->sum_rel += srel;
      m->max_abs = mabs;
      m->max_rel = mrel;
    }
}

void
fl_metrics_merge (fl_metrics *a, const fl_metrics *b)
{
  a->n += b->n;
  a->nan += b->nan;
  a->inf += b->inf;
  a->nonzero += b->nonzero;
  a->clipped += b->clipped;
  a->flushed += b->flushed;
  a->sum_x2 += b->sum_x2;
  a->sum_q2 += b->sum_q2;
  a->sum_xq += b->sum_xq;
  a->sum_e2 += b->sum_e2;
  a->sum_e += b->sum_e;
  a->sum_rel += b->sum_rel;
  if (!(b->max_abs <= a->max_abs))
    a->max_abs = b->max_abs;
  if (!(b->max_rel <= a->max_rel))
    a->max_rel = b->max_rel;
}

void
fl_metrics_finish (const fl_metrics *m, fl_metrics_result *r)
{
  memset (r, 0, sizeof *r);
  r->n = m->n;
  r->nan = m->nan;
  r->inf = m->inf;
  if (m->n == 0)
    {
      r->mse = r->rmse = r->sqnr_db = r->max_abs_err = r->cosine = NAN;
      r->clipped_share = r->bias = NAN;
      r->max_rel_err = r->mean_rel_err = r->flushed_share = NAN;
      return;
    }
  long double n = (long double) m->n;
  r->mse = (double) (m->sum_e2 / n);
  r->rmse = sqrt (r->mse);
  if (m->sum_e2 == 0)
    r->sqnr_db = m->sum_x2 == 0 ? NAN : INFINITY;
  else
    r->sqnr_db = (double) (10 * log10l (m->sum_x2 / m->sum_e2));
  r->max_abs_err = m->max_abs;
  if (m->sum_x2 == 0 || m->sum_q2 == 0)
    r->cosine = NAN;
  else
    r->cosine = (double) (m->sum_xq / sqrtl (m->sum_x2 * m->sum_q2));
  r->clipped_share = (double) m->clipped / (double) m->n;
  r->bias = (double) (m->sum_e / n);
  if (m->nonzero == 0)
    r->max_rel_err = r->mean_rel_err = r->flushed_share = NAN;
  else
    {
      r->max_rel_err = m->max_rel;
      r->mean_rel_err = (double) (m->sum_rel / (long double) m->nonzero);
      r->flushed_share = (double) m->flushed / (double) m->nonzero;
    }
}

fl_status
fl_code_hist_init (fl_code_hist *h, unsigned bits, char *err, size_t errlen)
{
  h->bits = 0;
  h->count = NULL;
  if (bits > FL_METRICS_MAX_HIST_BITS)
    return FL_OK;               /* no histogram: the entropy is not computed */
  h->count = calloc ((size_t) 1 << bits, sizeof *h->count);
  if (!h->count)
    {
      snprintf (err, errlen, "out of memory for a code histogram of %u bits", bits);
      return FL_ENOMEM;
    }
  h->bits = bits;
  return FL_OK;
}

void
fl_code_hist_add (fl_code_hist *h, const uint64_t *codes, size_t n)
{
  if (!h->count)
    return;
  uint64_t mask = ((uint64_t) 1 << h->bits) - 1;
  for (size_t i = 0; i < n; i++)
    h->count[codes[i] & mask]++;
}

void
fl_code_hist_merge (fl_code_hist *a, const fl_code_hist *b)
{
  if (!a->count || !b->count || a->bits != b->bits)
    return;
  for (size_t i = 0; i < (size_t) 1 << a->bits; i++)
    a->count[i] += b->count[i];
}

double
fl_code_hist_entropy (const fl_code_hist *h)
{
  if (!h->count)
    return NAN;
  size_t nc = (size_t) 1 << h->bits;
  long double total = 0, acc = 0;
  for (size_t i = 0; i < nc; i++)
    total += h->count[i];
  if (total == 0)
    return 0;
  for (size_t i = 0; i < nc; i++)
    if (h->count[i])
      {
        long double p = h->count[i] / total;
        acc -= p * log2l (p);
      }
  return (double) acc;
}

void
fl_code_hist_clear (fl_code_hist *h)
{
  free (h->count);
  h->count = NULL;
  h->bits = 0;
}
