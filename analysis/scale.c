/* scale.c -- scale strategies, granularities and the fake-quantizer (doc/compare.md). */
#include <config.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <fmtlab/blocks.h>
#include <fmtlab/scale.h>
#include <fmtlab/tensor.h>
#include "scale-impl.h"

#ifdef _OPENMP
#include <omp.h>
#endif

/* Elements are quantized in runs of this many values through stack buffers. */
#define RUN 256
/* The entropy calibration's histogram (TensorRT and ONNX Runtime use 2048 bins). */
#define KL_BINS 2048
#define KL_MAX_LEVELS 128
/* The mse search: a coarse grid of thresholds, then a fine one around its best. */
#define MSE_COARSE 128
#define MSE_FINE 64

struct fl_quantizer
{
  char *name;
  fl_format *fmt;              /* scalar format, or NULL */
  fl_block *blk;               /* block format, or NULL */
  const fl_format *elem;       /* the format of the codes */
  fl_scale_strategy s;
  fl_granularity g;
  fl_rounding r;
  double maxf;                 /* scalar: the largest finite value */
  double clip_hi, clip_lo;     /* scalar: where nearest rounding would overflow */
  uint64_t max_code, lowest_code;
};

/* ---------------------------------------------------------------- parsing */

fl_status
fl_scale_strategy_parse (const char *s, fl_scale_strategy *out, char *err, size_t errlen)
{
  static const struct { const char *name; fl_scale_kind kind; } simple[] = {
    { "none", FL_SCALE_NONE }, { "absmax", FL_SCALE_ABSMAX }, { "mse", FL_SCALE_MSE },
    { "kl", FL_SCALE_KL }, { "pow2", FL_SCALE_POW2 },
  };
  memset (out, 0, sizeof *out);
  for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++)
    if (strcmp (s, simple[i].name) == 0)
      {
        out->kind = simple[i].kind;
        return FL_OK;
      }
  if (strncmp (s, "percentile:", 11) == 0)
    {
      char *end;
      errno = 0;
      double p = strtod (s + 11, &end);
      if (errno == 0 && end != s + 11 && *end == 0 && p > 0 && p <= 100)
        {
          out->kind = FL_SCALE_PERCENTILE;
          out->percentile = p;
          return FL_OK;
        }
      snprintf (err, errlen, "scale '%s': expected percentile:P with 0 < P <= 100", s);
      return FL_EINVAL;
    }
  snprintf (err, errlen, "scale '%s': expected none, absmax, percentile:P, mse, kl or pow2", s);
  return FL_EINVAL;
}

fl_status
fl_granularity_parse (const char *s, fl_granularity *out, char *err, size_t errlen)
{
  memset (out, 0, sizeof *out);
  char *end;
  if (strcmp (s, "tensor") == 0)
    return FL_OK;
  if (strncmp (s, "channel:", 8) == 0)
    {
      errno = 0;
      long a = strtol (s + 8, &end, 10);
      if (errno == 0 && end != s + 8 && *end == 0 && a > -FL_TENSOR_MAXDIM && a < FL_TENSOR_MAXDIM)
        {
          out->kind = FL_GRAN_CHANNEL;
          out->axis = (int) a;
          return FL_OK;
        }
    }
  else if (strncmp (s, "block:", 6) == 0)
    {
      errno = 0;
      unsigned long long k = strtoull (s + 6, &end, 10);
      if (errno == 0 && end != s + 6 && *end == 0 && s[6] != '-' && k >= 1 && k <= (1ull << 32))
        {
          out->kind = FL_GRAN_BLOCK;
          out->k = k;
          return FL_OK;
        }
    }
  snprintf (err, errlen, "granularity '%s': expected tensor, channel:AXIS or block:K", s);
  return FL_EINVAL;
}

const char *
fl_scale_strategy_name (const fl_scale_strategy *s, char *buf, size_t size)
{
  static const char *const names[] = { "none", "absmax", "percentile", "mse", "kl", "pow2" };
  if (s->kind == FL_SCALE_PERCENTILE)
    {
      /* the shortest decimal that reads back as P */
      for (int prec = 0; prec <= 20; prec++)
        {
          snprintf (buf, size, "percentile:%.*f", prec, s->percentile);
          if (strtod (buf + 11, NULL) == s->percentile)
            break;
        }
    }
  else
    snprintf (buf, size, "%s", names[s->kind]);
  return buf;
}

const char *
fl_granularity_name (const fl_granularity *g, char *buf, size_t size)
{
  if (g->kind == FL_GRAN_CHANNEL)
    snprintf (buf, size, "channel:%d", g->axis);
  else if (g->kind == FL_GRAN_BLOCK)
    snprintf (buf, size, "block:%llu", (unsigned long long) g->k);
  else
    snprintf (buf, size, "tensor");
  return buf;
}

double
fl_format_max_double (const fl_format *f)
{
  uint64_t c = fl_format_max_code (f);
  double v;
  fl_decode_doubles (f, &c, &v, 1);
  return v;
}

/* ---------------------------------------------------------------- scale of one group */

static double
group_absmax (const double *x, size_t n)
{
  double a = 0;
  for (size_t i = 0; i < n; i++)
    {
      double v = fabs (x[i]);
      if (isfinite (v) && v > a)
        a = v;
    }
  return a;
}

/* The smallest power of two s with a <= maxf * s: nothing clips (the search's pow2
   candidates use it too, through scale-impl.h). */
double
fl_scale_pow2 (double a, double maxf)
{
  int e;
  frexp (a / maxf, &e);
  while (a > ldexp (maxf, e))
    e++;
  while (a <= ldexp (maxf, e - 1))
    e--;
  return ldexp (1.0, e);
}

/* Sum of squared errors of the group under scale s (saturating). */
static long double
group_sse (const fl_format *f, const fl_rounding *r, const double *x, size_t n, double s)
{
  double y[RUN], q[RUN];
  long double acc = 0;
  fl_rounding rc = *r;
  rc.overflow = FL_OVF_SAT;
  for (size_t lo = 0; lo < n; lo += RUN)
    {
      size_t len = n - lo < RUN ? n - lo : RUN;
      size_t m = 0;
      for (size_t i = 0; i < len; i++)
        if (isfinite (x[lo + i]))
          y[m++] = x[lo + i] / s;
      rc.stream = r->stream + lo;
      fl_quantize_doubles (f, y, q, m, &rc, NULL);
      m = 0;
      for (size_t i = 0; i < len; i++)
        if (isfinite (x[lo + i]))
          {
            long double e = (long double) (s * q[m++]) - x[lo + i];
            acc += e * e;
          }
    }
  return acc;
}

static double
mse_scale (const fl_format *f, const fl_rounding *r, const double *x, size_t n, double a,
           double maxf)
{
  long double sse[MSE_COARSE + 1];
  #pragma omp parallel for schedule(dynamic, 1)
  for (int j = 1; j <= MSE_COARSE; j++)
    sse[j] = group_sse (f, r, x, n, a * j / MSE_COARSE / maxf);
  int best = MSE_COARSE;
  for (int j = MSE_COARSE; j >= 1; j--)
    if (sse[j] < sse[best])
      best = j;
  /* the fine grid: MSE_FINE steps across (best - 1, best + 1) coarse steps, within (0, a] */
  double lo = a * (best - 1) / MSE_COARSE, hi = a * (best + 1 > MSE_COARSE ? MSE_COARSE : best + 1) / MSE_COARSE;
  double t_best = a * best / MSE_COARSE;
  long double e_best = sse[best];
  long double fine[MSE_FINE];
  #pragma omp parallel for schedule(dynamic, 1)
  for (int k = 1; k < MSE_FINE; k++)
    fine[k] = group_sse (f, r, x, n, (lo + (hi - lo) * k / MSE_FINE) / maxf);
  for (int k = 1; k < MSE_FINE; k++)
    if (fine[k] < e_best)
      {
        e_best = fine[k];
        t_best = lo + (hi - lo) * k / MSE_FINE;
      }
  return t_best / maxf;
}

void
fl_kl_smooth (double *p, size_t n)
{
  /* MXNet's and ONNX Runtime's smoothing: move eps of mass to every empty bin, so that
     KL(P || Q) stays finite */
  const double eps = 1e-4;
  size_t zeros = 0;
  for (size_t i = 0; i < n; i++)
    zeros += p[i] == 0;
  if (zeros == 0 || zeros == n)
    return;
  double eps1 = eps * (double) zeros / (double) (n - zeros);
  for (size_t i = 0; i < n; i++)
    p[i] += p[i] == 0 ? eps : -eps1;
}

size_t
fl_kl_calibrate (const double *hist, size_t nbins, size_t nq)
{
  double total = 0;
  for (size_t i = 0; i < nbins; i++)
    total += hist[i];
  if (total == 0 || nq == 0 || nq > nbins)
    return nbins;
  double *p = malloc (nbins * sizeof *p), *q = malloc (nbins * sizeof *q);
  if (!p || !q)
    {
      free (p);
      free (q);
      return nbins;
    }
  size_t best = nbins;
  double best_kl = INFINITY;
  for (size_t i = nq; i <= nbins; i++)
    {
      double outliers = 0;
      for (size_t j = i; j < nbins; j++)
        outliers += hist[j];
      memcpy (p, hist, i * sizeof *p);
      p[i - 1] += outliers;
      /* Q: hist[0..i) merged into nq groups of i / nq bins, the last group taking the
         remainder, each group's count spread evenly over its nonzero bins */
      size_t merged = i / nq;
      for (size_t g = 0; g < nq; g++)
        {
          size_t b0 = g * merged, b1 = g == nq - 1 ? i : b0 + merged;
          double sum = 0;
          size_t nz = 0;
          for (size_t b = b0; b < b1; b++)
            {
              sum += hist[b];
              nz += hist[b] != 0;
            }
          for (size_t b = b0; b < b1; b++)
            q[b] = hist[b] != 0 ? sum / (double) nz : 0;
        }
      fl_kl_smooth (p, i);
      fl_kl_smooth (q, i);
      double sp = 0, sq = 0;
      for (size_t b = 0; b < i; b++)
        {
          sp += p[b];
          sq += q[b];
        }
      double kl = 0;
      if (sq == 0)
        kl = INFINITY;
      else
        for (size_t b = 0; b < i; b++)
          if (p[b] > 0)
            {
              double pb = p[b] / sp, qb = q[b] / sq;
              kl += qb > 0 ? pb * log (pb / qb) : INFINITY;
            }
      if (kl < best_kl)
        {
          best_kl = kl;
          best = i;
        }
    }
  free (p);
  free (q);
  return best;
}

size_t
fl_kl_levels (const fl_format *f)
{
  unsigned bits = fl_format_bits (f);
  if (bits > 16)
    return KL_MAX_LEVELS;
  size_t nc = (size_t) 1 << bits, npos = 0;
  uint64_t codes[RUN];
  double v[RUN];
  for (size_t lo = 0; lo < nc; lo += RUN)
    {
      size_t len = nc - lo < RUN ? nc - lo : RUN;
      for (size_t i = 0; i < len; i++)
        codes[i] = lo + i;
      fl_decode_doubles (f, codes, v, len);
      for (size_t i = 0; i < len; i++)
        npos += isfinite (v[i]) && v[i] > 0;
    }
  return npos < KL_MAX_LEVELS ? (npos ? npos : 1) : KL_MAX_LEVELS;
}

/* A group of fewer than KL_BINS values gets as many bins as values (at least the number
   of levels): the search costs the square of the bins, and most would be empty. */
static double
kl_scale (const fl_format *f, const double *x, size_t n, double a, double maxf)
{
  size_t nq = fl_kl_levels (f), nbins = n < KL_BINS ? n : KL_BINS;
  if (nbins < nq)
    nbins = nq;
  double *hist = calloc (nbins, sizeof *hist);
  if (!hist)
    return a / maxf;
  for (size_t i = 0; i < n; i++)
    {
      double v = fabs (x[i]);
      if (!isfinite (v))
        continue;
      size_t b = (size_t) (v / a * (double) nbins);
      hist[b < nbins ? b : nbins - 1] += 1;
    }
  size_t i = fl_kl_calibrate (hist, nbins, nq);
  free (hist);
  return a * (double) i / (double) nbins / maxf;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

fl_status
fl_scale_of_group (const fl_format *f, const fl_scale_strategy *s, const fl_rounding *r,
                   const double *x, size_t n, double *scale, char *err, size_t errlen)
{
  double maxf = fl_format_max_double (f);
  double a = group_absmax (x, n);
  *scale = 1;
  if (s->kind == FL_SCALE_NONE || a == 0)
    return FL_OK;
  switch (s->kind)
    {
    case FL_SCALE_ABSMAX:
      *scale = a / maxf;
      break;
    case FL_SCALE_POW2:
      *scale = fl_scale_pow2 (a, maxf);
      break;
    case FL_SCALE_PERCENTILE:
      {
        double *v = malloc ((n ? n : 1) * sizeof *v);
        if (!v)
          {
            snprintf (err, errlen, "out of memory for a percentile of %zu values", n);
            return FL_ENOMEM;
          }
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
          if (isfinite (x[i]))
            v[m++] = fabs (x[i]);
        qsort (v, m, sizeof *v, cmp_double);
        double t = gsl_stats_quantile_from_sorted_data (v, 1, m, s->percentile / 100);
        free (v);
        *scale = (t > 0 ? t : a) / maxf;
        break;
      }
    case FL_SCALE_MSE:
      *scale = mse_scale (f, r, x, n, a, maxf);
      break;
    case FL_SCALE_KL:
      *scale = kl_scale (f, x, n, a, maxf);
      break;
    default:
      break;
    }
  if (!(*scale > 0) || !isfinite (*scale))
    *scale = 1;
  return FL_OK;
}

/* ---------------------------------------------------------------- the quantizer */

/* A scaled value is clipped beyond the midpoint between the largest (most negative)
   finite value and the next value of the unbounded grid: there nearest rounding
   overflows, and saturation changes the result. */
static void
clip_bounds (fl_quantizer *qz)
{
  mpfr_t b, m;
  mpfr_inits2 (fl_format_prec (qz->fmt) + 2, b, m, (mpfr_ptr) 0);
  for (int neg = 0; neg < 2; neg++)
    {
      uint64_t c = neg ? fl_format_lowest_code (qz->fmt) : fl_format_max_code (qz->fmt);
      fl_decode (qz->fmt, c, m);
      fl_format_beyond (qz->fmt, neg, b);
      mpfr_add (m, m, b, MPFR_RNDN);
      mpfr_div_2ui (m, m, 1, MPFR_RNDN);
      double v = mpfr_get_d (m, MPFR_RNDN);
      if (!isfinite (v) || mpfr_nan_p (b))
        v = neg ? -INFINITY : INFINITY;
      if (neg)
        qz->clip_lo = v;
      else
        qz->clip_hi = v;
    }
  mpfr_clears (b, m, (mpfr_ptr) 0);
}

fl_status
fl_quantizer_new (const char *name, const fl_scale_strategy *s, const fl_granularity *g,
                  const fl_rounding *r, fl_quantizer **out, char *err, size_t errlen)
{
  fl_quantizer *qz = calloc (1, sizeof *qz);
  if (!qz)
    {
      snprintf (err, errlen, "out of memory");
      return FL_ENOMEM;
    }
  qz->s = *s;
  qz->g = *g;
  qz->r = *r;
  fl_status st;
  if (fl_block_name_p (name))
    {
      st = fl_block_parse (name, &qz->blk, err, errlen);
      if (st != FL_OK)
        {
          free (qz);
          return st;
        }
      qz->elem = fl_block_elem (qz->blk);
      qz->name = strdup (fl_block_name (qz->blk));
    }
  else
    {
      st = fl_format_parse (name, &qz->fmt, err, errlen);
      if (st != FL_OK)
        {
          free (qz);
          return st;
        }
      qz->elem = qz->fmt;
      qz->name = strdup (fl_format_name (qz->fmt));
      qz->maxf = fl_format_max_double (qz->fmt);
      clip_bounds (qz);
      if (r->overflow == FL_OVF_DEFAULT && s->kind != FL_SCALE_NONE)
        qz->r.overflow = FL_OVF_SAT;
      else if (!fl_format_overflow_ok (qz->fmt, r->overflow))
        {
          snprintf (err, errlen, "overflow policy %s: format '%s' cannot express it",
                    fl_overflow_name (r->overflow), qz->name);
          fl_quantizer_free (qz);
          return FL_EUNSUPPORTED;
        }
    }
  qz->max_code = fl_format_max_code (qz->elem);
  qz->lowest_code = fl_format_lowest_code (qz->elem);
  if (!qz->name)
    {
      fl_quantizer_free (qz);
      snprintf (err, errlen, "out of memory");
      return FL_ENOMEM;
    }
  *out = qz;
  return FL_OK;
}

void
fl_quantizer_free (fl_quantizer *qz)
{
  if (!qz)
    return;
  if (qz->fmt)
    fl_format_free (qz->fmt);
  if (qz->blk)
    fl_block_free (qz->blk);
  free (qz->name);
  free (qz);
}

const char *
fl_quantizer_format_name (const fl_quantizer *qz)
{
  return qz->name;
}

int
fl_quantizer_is_block (const fl_quantizer *qz)
{
  return qz->blk != NULL;
}

unsigned
fl_quantizer_code_bits (const fl_quantizer *qz)
{
  return fl_format_bits (qz->elem);
}

static uint64_t
shape_count (int ndim, const uint64_t *shape)
{
  uint64_t c = 1;
  for (int i = 0; i < ndim; i++)
    c *= shape[i];
  return c;
}

/* channel granularity: element i is in group (i / inner) % dim */
static int
channel_layout (const fl_quantizer *qz, int ndim, const uint64_t *shape, uint64_t *dim,
                uint64_t *inner)
{
  int a = qz->g.axis < 0 ? ndim + qz->g.axis : qz->g.axis;
  if (a < 0 || a >= ndim)
    return -1;
  *dim = shape[a];
  *inner = 1;
  for (int i = a + 1; i < ndim; i++)
    *inner *= shape[i];
  return a;
}

fl_status
fl_quantizer_groups (const fl_quantizer *qz, int ndim, const uint64_t *shape,
                     uint64_t *ngroups, char *err, size_t errlen)
{
  uint64_t count = shape_count (ndim, shape), dim, inner;
  if (qz->blk)
    *ngroups = 0;
  else if (qz->g.kind == FL_GRAN_TENSOR)
    *ngroups = 1;
  else if (qz->g.kind == FL_GRAN_BLOCK)
    *ngroups = count / qz->g.k + (count % qz->g.k != 0);
  else if (channel_layout (qz, ndim, shape, &dim, &inner) < 0)
    {
      snprintf (err, errlen, "granularity channel:%d: the tensor has %d dimension%s",
                qz->g.axis, ndim, ndim == 1 ? "" : "s");
      return FL_EINVAL;
    }
  else
    *ngroups = dim;
  return FL_OK;
}

int
fl_quantizer_needs_data (const fl_quantizer *qz)
{
  return !qz->blk && (qz->s.kind == FL_SCALE_PERCENTILE || qz->s.kind == FL_SCALE_MSE
                      || qz->s.kind == FL_SCALE_KL);
}

static uint64_t
group_of (const fl_quantizer *qz, uint64_t i, uint64_t dim, uint64_t inner)
{
  switch (qz->g.kind)
    {
    case FL_GRAN_BLOCK: return i / qz->g.k;
    case FL_GRAN_CHANNEL: return (i / inner) % dim;
    default: return 0;
    }
}

void
fl_quantizer_absmax_update (const fl_quantizer *qz, int ndim, const uint64_t *shape,
                            uint64_t start, const double *x, size_t n, double *absmax)
{
  uint64_t dim = 1, inner = 1;
  if (qz->blk)
    return;
  if (qz->g.kind == FL_GRAN_CHANNEL)
    channel_layout (qz, ndim, shape, &dim, &inner);
  for (size_t i = 0; i < n; i++)
    {
      double v = fabs (x[i]);
      uint64_t g = group_of (qz, start + i, dim, inner);
      if (isfinite (v) && v > absmax[g])
        absmax[g] = v;
    }
}

void
fl_quantizer_scales_from_absmax (const fl_quantizer *qz, const double *absmax,
                                 uint64_t ngroups, double *scale)
{
  for (uint64_t g = 0; g < ngroups; g++)
    {
      double a = absmax[g];
      if (qz->s.kind == FL_SCALE_NONE || a == 0 || qz->blk)
        scale[g] = 1;
      else if (qz->s.kind == FL_SCALE_POW2)
        scale[g] = fl_scale_pow2 (a, qz->maxf);
      else
        scale[g] = a / qz->maxf;   /* absmax (and the others' fallback) */
    }
}

fl_status
fl_quantizer_scales (const fl_quantizer *qz, int ndim, const uint64_t *shape,
                     const double *x, double *scale, char *err, size_t errlen)
{
  uint64_t ngroups, count = shape_count (ndim, shape), dim = 1, inner = 1;
  fl_status st = fl_quantizer_groups (qz, ndim, shape, &ngroups, err, errlen);
  if (st != FL_OK || qz->blk)
    return st;
  if (qz->g.kind == FL_GRAN_TENSOR)
    return fl_scale_of_group (qz->fmt, &qz->s, &qz->r, x, count, scale, err, errlen);
  /* several groups: OpenMP over the groups (the mse search inside runs serially then);
     each group's scale depends on its values only */
  int failed = 0;
  if (qz->g.kind == FL_GRAN_BLOCK)
    {
      #pragma omp parallel for schedule(dynamic, 16)
      for (uint64_t g = 0; g < ngroups; g++)
        {
          char e2[256];
          uint64_t lo = g * qz->g.k, len = count - lo < qz->g.k ? count - lo : qz->g.k;
          if (fl_scale_of_group (qz->fmt, &qz->s, &qz->r, x + lo, len, scale + g, e2,
                                 sizeof e2) != FL_OK)
            {
              #pragma omp atomic write
              failed = 1;
            }
        }
    }
  else
    {
      /* channels: gather each channel's elements, then scale them */
      channel_layout (qz, ndim, shape, &dim, &inner);
      uint64_t per = dim ? count / dim : 0;
      uint64_t outer = dim && inner ? count / (dim * inner) : 0;
      #pragma omp parallel
      {
        double *buf = malloc ((per ? per : 1) * sizeof *buf);
        #pragma omp for schedule(dynamic, 1)
        for (uint64_t c = 0; c < dim; c++)
          {
            char e2[256];
            uint64_t m = 0;
            if (!buf)
              {
                #pragma omp atomic write
                failed = 1;
                continue;
              }
            for (uint64_t o = 0; o < outer; o++)
              for (uint64_t j = 0; j < inner; j++)
                buf[m++] = x[(o * dim + c) * inner + j];
            if (fl_scale_of_group (qz->fmt, &qz->s, &qz->r, buf, m, scale + c, e2,
                                   sizeof e2) != FL_OK)
              {
                #pragma omp atomic write
                failed = 1;
              }
          }
        free (buf);
      }
    }
  if (failed)
    {
      snprintf (err, errlen, "out of memory for the scales of %llu groups",
                (unsigned long long) ngroups);
      return FL_ENOMEM;
    }
  return FL_OK;
}

/* The one place where a block format quantizes (fl_quantize_doubles will take block
   formats too: then this becomes that call).  a is initialised here. */
static fl_status
block_quantize (const fl_quantizer *qz, uint64_t start, const double *x, size_t n,
                fl_block_array *a, char *err, size_t errlen)
{
  fl_rounding rc = qz->r;
  rc.stream = qz->r.stream + start;
  fl_status st = fl_block_array_init (a, qz->blk, n, err, errlen);
  if (st == FL_OK)
    st = fl_block_quantize_doubles (qz->blk, x, n, a, &rc, NULL, err, errlen);
  return st;
}

fl_status
fl_quantizer_block_codes (const fl_quantizer *qz, uint64_t start, const double *x, size_t n,
                          fl_block_array *a, char *err, size_t errlen)
{
  if (!qz->blk)
    {
      snprintf (err, errlen, "'%s' is not a block format", qz->name);
      return FL_EINVAL;
    }
  double *xb = malloc ((n ? n : 1) * sizeof *xb);
  if (!xb)
    {
      snprintf (err, errlen, "out of memory");
      return FL_ENOMEM;
    }
  for (size_t i = 0; i < n; i++)
    xb[i] = isfinite (x[i]) ? x[i] : 0;
  fl_status st = block_quantize (qz, start, xb, n, a, err, errlen);
  free (xb);
  return st;
}

const fl_block *
fl_quantizer_block (const fl_quantizer *qz)
{
  return qz->blk;
}

static fl_status
apply_block (const fl_quantizer *qz, uint64_t start, const double *x, double *q, size_t n,
             uint64_t *codes, fl_metrics *m, fl_code_hist *hist, char *err, size_t errlen)
{
  size_t k = fl_block_k (qz->blk);
  size_t run = k * (RUN / k ? RUN / k : 1);
  double *xb = malloc (run * sizeof *xb), *qb = malloc (run * sizeof *qb);
  unsigned char *clip = malloc (run);
  fl_status st = FL_OK;
  if (!xb || !qb || !clip)
    {
      snprintf (err, errlen, "out of memory");
      st = FL_ENOMEM;
    }
  for (size_t lo = 0; lo < n && st == FL_OK; lo += run)
    {
      size_t len = n - lo < run ? n - lo : run;
      fl_block_array a;
      for (size_t i = 0; i < len; i++)
        xb[i] = isfinite (x[lo + i]) ? x[lo + i] : 0;
      st = block_quantize (qz, start + lo, xb, len, &a, err, errlen);
      if (st == FL_OK)
        {
          fl_block_dequantize_doubles (qz->blk, &a, qb);
          for (size_t i = 0; i < len; i++)
            {
              uint64_t c = a.elem[i];
              clip[i] = (c == qz->max_code || c == qz->lowest_code)
                        && fabs (qb[i]) < fabs (xb[i]);
              if (!isfinite (x[lo + i]))
                qb[i] = x[lo + i];
            }
          if (m)
            fl_metrics_add (m, x + lo, qb, len, clip);
          if (hist)
            fl_code_hist_add (hist, a.elem, len);
          if (codes)
            memcpy (codes + lo, a.elem, len * sizeof *codes);
          memcpy (q + lo, qb, len * sizeof *q);
        }
      fl_block_array_clear (&a);
    }
  free (xb);
  free (qb);
  free (clip);
  return st;
}

fl_status
fl_quantizer_apply (const fl_quantizer *qz, int ndim, const uint64_t *shape,
                    const double *scale, uint64_t start, const double *x, double *q,
                    size_t n, uint64_t *codes, fl_metrics *m, fl_code_hist *hist,
                    char *err, size_t errlen)
{
  if (qz->blk)
    return apply_block (qz, start, x, q, n, codes, m, hist, err, errlen);
  uint64_t dim = 1, inner = 1;
  if (qz->g.kind == FL_GRAN_CHANNEL && channel_layout (qz, ndim, shape, &dim, &inner) < 0)
    {
      snprintf (err, errlen, "granularity channel:%d: the tensor has %d dimensions",
                qz->g.axis, ndim);
      return FL_EINVAL;
    }
  double y[RUN], v[RUN], xs[RUN], sg[RUN];
  uint64_t c[RUN];
  unsigned char clip[RUN];
  fl_rounding rc = qz->r;
  int want_codes = codes || (hist && hist->count);
  for (size_t lo = 0; lo < n; lo += RUN)
    {
      size_t len = n - lo < RUN ? n - lo : RUN;
      if (qz->g.kind == FL_GRAN_TENSOR)
        for (size_t i = 0; i < len; i++)
          {
            sg[i] = scale[0];
            xs[i] = x[lo + i];
            y[i] = xs[i] / sg[i];
          }
      else
        for (size_t i = 0; i < len; i++)
          {
            sg[i] = scale[group_of (qz, start + lo + i, dim, inner)];
            xs[i] = x[lo + i];
            y[i] = xs[i] / sg[i];
          }
      for (size_t i = 0; i < len; i++)
        clip[i] = (y[i] > qz->clip_hi || y[i] < qz->clip_lo) && isfinite (y[i]);
      rc.stream = qz->r.stream + start + lo;
      if (want_codes)
        {
          fl_encode_doubles (qz->fmt, y, c, len, &rc, NULL);
          fl_decode_doubles (qz->fmt, c, v, len);
        }
      else
        fl_quantize_doubles (qz->fmt, y, v, len, &rc, NULL);
      for (size_t i = 0; i < len; i++)
        q[lo + i] = isfinite (xs[i]) ? sg[i] * v[i] : xs[i];
      if (m)
        fl_metrics_add (m, xs, q + lo, len, clip);
      if (want_codes && hist)
        fl_code_hist_add (hist, c, len);
      if (codes)
        memcpy (codes + lo, c, len * sizeof *codes);
    }
  return FL_OK;
}

double
fl_quantizer_bits_per_element (const fl_quantizer *qz, uint64_t count, uint64_t ngroups)
{
  if (count == 0)
    return NAN;
  if (qz->blk)
    {
      uint64_t k = fl_block_k (qz->blk), nb = count / k + (count % k != 0);
      return (double) fl_block_storage_bits (qz->blk) * (double) nb / (double) count;
    }
  double sbits = qz->s.kind == FL_SCALE_NONE ? 0 : qz->s.kind == FL_SCALE_POW2 ? 8 : 32;
  return fl_format_bits (qz->fmt) + sbits * (double) ngroups / (double) count;
}

fl_status
fl_quantizer_measure (const fl_quantizer *qz, int ndim, const uint64_t *shape,
                      const double *x, double *q, fl_metrics *m, fl_code_hist *hist,
                      char *err, size_t errlen)
{
  uint64_t ngroups, count = shape_count (ndim, shape);
  fl_status st = fl_quantizer_groups (qz, ndim, shape, &ngroups, err, errlen);
  if (st != FL_OK)
    return st;
  double *scale = calloc (ngroups ? ngroups : 1, sizeof *scale);
  if (!scale)
    {
      snprintf (err, errlen, "out of memory for %llu scales", (unsigned long long) ngroups);
      return FL_ENOMEM;
    }
  st = fl_quantizer_scales (qz, ndim, shape, x, scale, err, errlen);
  /* runs start at multiples of a block format's block size */
  uint64_t k = qz->blk ? fl_block_k (qz->blk) : 1, run = k * ((16384 + k - 1) / k);
  uint64_t nruns = (count + run - 1) / run;
  fl_metrics *part = calloc (nruns ? nruns : 1, sizeof *part);
  if (st == FL_OK && !part)
    {
      snprintf (err, errlen, "out of memory");
      st = FL_ENOMEM;
    }
  int failed = 0;
  char msg[256] = "";
  if (st == FL_OK)
    {
      #pragma omp parallel
      {
        double *buf = q ? NULL : malloc (run * sizeof *buf);
        fl_code_hist h = { 0, NULL };
        char e2[256];
        if (hist && hist->count && fl_code_hist_init (&h, hist->bits, e2, sizeof e2) != FL_OK)
          {
            #pragma omp atomic write
            failed = 1;
          }
        #pragma omp for schedule(dynamic, 1)
        for (uint64_t r = 0; r < nruns; r++)
          {
            uint64_t lo = r * run, len = count - lo < run ? count - lo : run;
            fl_metrics_init (&part[r]);
            if ((!q && !buf)
                || fl_quantizer_apply (qz, ndim, shape, scale, lo, x + lo, q ? q + lo : buf,
                                       (size_t) len, NULL, &part[r], h.count ? &h : NULL, e2,
                                       sizeof e2) != FL_OK)
              {
                #pragma omp critical
                {
                  failed = 1;
                  snprintf (msg, sizeof msg, "%s", q || buf ? e2 : "out of memory");
                }
              }
          }
        if (hist)
          {
            #pragma omp critical
            fl_code_hist_merge (hist, &h);   /* integer counts: any order */
          }
        fl_code_hist_clear (&h);
        free (buf);
      }
    }
  if (st == FL_OK && failed)
    {
      snprintf (err, errlen, "%s", msg[0] ? msg : "out of memory");
      st = FL_ENOMEM;
    }
  if (st == FL_OK && m)
    for (uint64_t r = 0; r < nruns; r++)
      fl_metrics_merge (m, &part[r]);
  free (part);
  free (scale);
  return st;
}
