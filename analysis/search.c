/* search.c -- the best format for a tensor under a bit budget (doc/fit.md). */
#include <config.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_statistics_double.h>
#include <fmtlab/blocks.h>
#include <fmtlab/scale.h>
#include <fmtlab/search.h>
#include <fmtlab/tensor.h>
#include "scale-impl.h"

#ifdef _OPENMP
#include <omp.h>
#endif

#define NB FL_SEARCH_KL_BINS
/* compare's mse strategy: 128 coarse thresholds, then 64 fine ones (analysis/scale.c);
   on a fit each evaluation is a quadrature, so the grids are 16 and 8 */
#define MSE_COARSE 128
#define MSE_FINE 64
#define FIT_COARSE 16
#define FIT_FINE 8
#define BLOCK_RUN 16384
#define FIT_SEED 20260127u

/* One scale per index along an axis of dim indices, each followed by inner elements in C
   order: the group absolute maxima are computed once. */
typedef struct {
  char name[24];            /* "channel:1", as compare spells it */
  uint64_t dim, inner;
  uint64_t ngroups;         /* dim */
  double *absmax;
} granularity;

#define MAX_GRAN 2

struct fl_search_data
{
  size_t n;
  double *x;                /* the finite values in tensor order (block formats) */
  double *xs;               /* sorted */
  double *abs_sorted;       /* |x| sorted (percentiles) */
  long double *p1, *p2;     /* prefix sums of x and x^2 over xs (n + 1) */
  double absmax;
  double histx[NB];         /* x over [-absmax, absmax] */
  double hist_abs[NB];      /* |x| over [0, absmax] (the kl scale) */
  int ngran;                /* the granularities of the scalar candidates' scales */
  granularity gran[MAX_GRAN];
};

static const char *const obj_names[] = { "mse", "sqnr", "kl", "maxrel" };

int
fl_objective_parse (const char *s, fl_objective *out)
{
  for (int i = 0; i < 4; i++)
    if (strcmp (s, obj_names[i]) == 0)
      {
        *out = (fl_objective) i;
        return 0;
      }
  return -1;
}

const char *
fl_objective_name (fl_objective o)
{
  return (unsigned) o < 4 ? obj_names[o] : "?";
}

/* ---------------------------------------------------------------- the grid */

typedef struct {
  char **v;
  size_t n, cap;
  int failed;
} names;

static void
add (names *nm, const char *fmt, ...)
{
  char buf[128];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (buf, sizeof buf, fmt, ap);
  va_end (ap);
  if (nm->failed)
    return;
  if (nm->n == nm->cap)
    {
      size_t cap = nm->cap ? 2 * nm->cap : 64;
      char **v = realloc (nm->v, cap * sizeof *v);
      if (!v)
        {
          nm->failed = 1;
          return;
        }
      nm->v = v;
      nm->cap = cap;
    }
  if (!(nm->v[nm->n] = strdup (buf)))
    nm->failed = 1;
  else
    nm->n++;
}

/* A scalar name that parses to a signed format of exactly bits bits. */
static int
scalar_ok (const char *name, unsigned bits)
{
  fl_format *f;
  char err[256];
  if (fl_format_parse (name, &f, err, sizeof err) != FL_OK)
    return 0;
  int ok = fl_format_bits (f) == bits && fl_format_is_signed (f);
  fl_format_free (f);
  return ok;
}

/* A block name that parses, with storage of at most bits per element. */
static int
block_ok (const char *name, unsigned bits)
{
  fl_block *b;
  char err[256];
  if (fl_block_parse (name, &b, err, sizeof err) != FL_OK)
    return 0;
  int ok = (double) fl_block_storage_bits (b) / (double) fl_block_k (b) <= bits;
  fl_block_free (b);
  return ok;
}

fl_status
fl_search_candidates (unsigned bits, char ***out, size_t *n, char *err, size_t errlen)
{
  if (bits < 2 || bits > 16)
    {
      snprintf (err, errlen, "bit budget %u: expected 2 to 16 bits per element", bits);
      return FL_EINVAL;
    }
  names all = { 0 }, ok = { 0 };
  unsigned B = bits, w = bits - 1;   /* w: a block format's element width */
  for (unsigned e = 1; e < B; e++)
    {
      unsigned m = B - 1 - e;
      add (&all, "e%um%u", e, m);
      add (&all, "e%um%ufn", e, m);
      add (&all, "e%um%ufnuz", e, m);
      add (&all, "exmy_e%um%u", e, m);
    }
  for (unsigned p = 1; p < B; p++)
    {
      add (&all, "binary%up%use", B, p);
      add (&all, "binary%up%usf", B, p);
    }
  for (unsigned es = 0; es <= 3; es++)
    add (&all, "posit%ues%u", B, es);
  for (unsigned es = 0; es <= 3; es++)
    for (unsigned rs = 2; rs < B; rs++)
      {
        add (&all, "lp%ues%urs%u", B, es, rs);
        add (&all, "lp%ues%urs%usf0.5", B, es, rs);
      }
  for (unsigned F = 0; F + 2 <= B; F++)
    add (&all, "lns%uf%u", B, F);
  add (&all, "int%u", B);
  size_t nscalar = all.n;
  if (w >= 2)
    {
      static const unsigned ks[] = { 16, 32 };
      for (size_t j = 0; j < 2; j++)
        {
          for (unsigned e = 1; e + 1 <= w; e++)
            add (&all, "mx:elem=e%um%ufn,k=%u", e, w - 1 - e, ks[j]);
          add (&all, "mx:elem=int%u,k=%u", w, ks[j]);
        }
      static const char *const presets[] = { "mxfp8e4m3", "mxfp8e5m2", "mxfp6e3m2", "mxfp6e2m3",
                                             "mxfp4", "mxint8", "nvfp4", "q8_0", "q4_0",
                                             "q4_1", "opal" };
      for (size_t j = 0; j < sizeof presets / sizeof presets[0]; j++)
        add (&all, "%s", presets[j]);
      for (unsigned o = 2; o <= 4; o += 2)
        {
          add (&all, "opal:elem=exmy_e0m%u,k=128,outliers=%u", w - 1, o);
          if (w >= 3)
            add (&all, "opal:elem=exmy_e2m%u,k=128,outliers=%u", w - 3, o);
        }
      static const unsigned gk[] = { 32, 64, 128 };
      static const char *const gs[] = { "fp16", "e8m0fnu" };
      for (size_t j = 0; j < 3; j++)
        for (size_t s = 0; s < 2; s++)
          {
            add (&all, "group:elem=int%u,k=%u,scale=%s,zero=none,fit=absmax", w, gk[j], gs[s]);
            add (&all, "group:elem=int%u,k=%u,scale=%s,zero=fp16,fit=minmax", w, gk[j], gs[s]);
          }
    }
  if (all.failed)
    {
      fl_search_names_free (all.v, all.n);
      snprintf (err, errlen, "out of memory");
      return FL_ENOMEM;
    }
  for (size_t i = 0; i < all.n; i++)
    {
      int good = i < nscalar ? scalar_ok (all.v[i], B) : block_ok (all.v[i], B);
      /* equal names (a preset the generic grid spells too) count once */
      for (size_t j = 0; good && j < ok.n; j++)
        good = strcmp (ok.v[j], all.v[i]) != 0;
      if (good)
        add (&ok, "%s", all.v[i]);
    }
  fl_search_names_free (all.v, all.n);
  if (ok.failed)
    {
      fl_search_names_free (ok.v, ok.n);
      snprintf (err, errlen, "out of memory");
      return FL_ENOMEM;
    }
  *out = ok.v;
  *n = ok.n;
  return FL_OK;
}

/* The element formats of a scalar candidate with a scale per channel: width
   w = B - 1 (every such scale costs more than 0 bits per element, so a B-bit element never
   fits), every eXmYfn split, intw, positwesE (E 0-3) and lnswfF.  The other specials
   policies of the per-tensor grid repeat the same grids with a value or two fewer. */
static fl_status
granular_elements (unsigned B, names *ok, char *err, size_t errlen)
{
  names all = { 0 };
  unsigned w = B - 1;
  if (w >= 2)
    {
      for (unsigned e = 1; e < w; e++)
        add (&all, "e%um%ufn", e, w - 1 - e);
      add (&all, "int%u", w);
      for (unsigned es = 0; es <= 3; es++)
        add (&all, "posit%ues%u", w, es);
      for (unsigned F = 0; F + 2 <= w; F++)
        add (&all, "lns%uf%u", w, F);
    }
  for (size_t i = 0; i < all.n; i++)
    if (scalar_ok (all.v[i], w))
      add (ok, "%s", all.v[i]);
  fl_search_names_free (all.v, all.n);
  if (all.failed || ok->failed)
    {
      snprintf (err, errlen, "out of memory");
      return FL_ENOMEM;
    }
  return FL_OK;
}

void
fl_search_names_free (char **v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free (v[i]);
  free (v);
}

/* ---------------------------------------------------------------- data */

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static size_t
bin_signed (double v, double a)
{
  double t = (v + a) / (2 * a) * NB;
  if (!(t > 0))
    return 0;
  return t >= NB ? NB - 1 : (size_t) t;
}

/* The group absolute maxima of a granularity over the whole tensor x (all finite). */
static int
gran_init (granularity *g, const double *x, size_t n)
{
  g->ngroups = g->dim;
  g->absmax = calloc (g->ngroups, sizeof *g->absmax);
  if (!g->absmax)
    return -1;
  for (size_t i = 0; i < n; i++)
    {
      uint64_t grp = (i / g->inner) % g->dim;
      double a = fabs (x[i]);
      if (a > g->absmax[grp])
        g->absmax[grp] = a;
    }
  return 0;
}

/* The granularities searched on a tensor of this shape: with at least two axes longer
   than 1, a scale per index of the first such axis (a weight's output channel, a 2-D
   activation's row: the per-token scale that factors out of a GEMM), of the last such
   axis (MatMul's weight B[K, N] output channel; an activation's input channel, whose scale
   a GEMM folds into the weights).  compare's block:K is not searched: the grid's block
   formats already scale every block (MX: an 8-bit exponent per 32; groups: fp16 or e8m0
   per 32 to 128), for fewer bits than a binary32 scale per block. */
static int
grans_init (fl_search_data *d, int ndim, const uint64_t *shape)
{
  int axes[FL_TENSOR_MAXDIM], na = 0;
  for (int a = 0; a < ndim; a++)
    if (shape[a] > 1)
      axes[na++] = a;
  if (na < 2)
    return 0;
  int pick[2] = { axes[0], axes[na - 1] };
  for (int j = 0; j < 2; j++)
    {
      granularity *g = &d->gran[d->ngran];
      int a = pick[j];
      g->inner = 1;
      for (int b = a + 1; b < ndim; b++)
        g->inner *= shape[b];
      g->dim = shape[a];
      snprintf (g->name, sizeof g->name, "channel:%d", a);
      d->ngran++;
      if (gran_init (g, d->x, d->n))
        return -1;
    }
  return 0;
}

fl_status
fl_search_data_new (const double *x, size_t n, fl_search_data **out, char *err,
                    size_t errlen)
{
  uint64_t shape[1] = { n };
  return fl_search_data_new_shaped (x, 1, shape, out, err, errlen);
}

fl_status
fl_search_data_new_shaped (const double *x, int ndim, const uint64_t *shape,
                           fl_search_data **out, char *err, size_t errlen)
{
  if (ndim < 0 || ndim > FL_TENSOR_MAXDIM)
    {
      snprintf (err, errlen, "%d dimensions: expected 0 to %d", ndim, FL_TENSOR_MAXDIM);
      return FL_EINVAL;
    }
  size_t n = 1;
  for (int a = 0; a < ndim; a++)
    {
      if (shape[a] && n > SIZE_MAX / shape[a])
        {
          snprintf (err, errlen, "a shape of more than SIZE_MAX elements");
          return FL_EINVAL;
        }
      n *= (size_t) shape[a];
    }
  fl_search_data *d = calloc (1, sizeof *d);
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    m += isfinite (x[i]) != 0;
  if (d)
    {
      d->x = malloc ((m ? m : 1) * sizeof *d->x);
      d->xs = malloc ((m ? m : 1) * sizeof *d->xs);
      d->abs_sorted = malloc ((m ? m : 1) * sizeof *d->abs_sorted);
      d->p1 = malloc ((m + 1) * sizeof *d->p1);
      d->p2 = malloc ((m + 1) * sizeof *d->p2);
    }
  if (!d || !d->x || !d->xs || !d->abs_sorted || !d->p1 || !d->p2)
    {
      fl_search_data_free (d);
      snprintf (err, errlen, "out of memory for %zu values", n);
      return FL_ENOMEM;
    }
  if (m == 0)
    {
      fl_search_data_free (d);
      snprintf (err, errlen, "no finite values to search on");
      return FL_EINVAL;
    }
  d->n = m;
  m = 0;
  for (size_t i = 0; i < n; i++)
    if (isfinite (x[i]))
      {
        d->x[m] = d->xs[m] = x[i];
        d->abs_sorted[m++] = fabs (x[i]);
      }
  qsort (d->xs, m, sizeof *d->xs, cmp_double);
  qsort (d->abs_sorted, m, sizeof *d->abs_sorted, cmp_double);
  d->absmax = d->abs_sorted[m - 1];
  d->p1[0] = d->p2[0] = 0;
  for (size_t i = 0; i < m; i++)
    {
      d->p1[i + 1] = d->p1[i] + d->xs[i];
      d->p2[i + 1] = d->p2[i] + (long double) d->xs[i] * d->xs[i];
    }
  if (d->absmax > 0)
    for (size_t i = 0; i < m; i++)
      {
        d->histx[bin_signed (d->xs[i], d->absmax)] += 1;
        size_t b = (size_t) (d->abs_sorted[i] / d->absmax * NB);
        d->hist_abs[b < NB ? b : NB - 1] += 1;
      }
  /* a scale per channel needs the tensor's own positions: only when every value
     is finite (doc/fit.md) */
  if (m == n && grans_init (d, ndim, shape))
    {
      fl_search_data_free (d);
      snprintf (err, errlen, "out of memory for the group scales of %zu values", n);
      return FL_ENOMEM;
    }
  *out = d;
  return FL_OK;
}

void
fl_search_data_free (fl_search_data *d)
{
  if (!d)
    return;
  for (int j = 0; j < d->ngran; j++)
    free (d->gran[j].absmax);
  free (d->x);
  free (d->xs);
  free (d->abs_sorted);
  free (d->p1);
  free (d->p2);
  free (d);
}

/* ---------------------------------------------------------------- measures */

/* KL(P || Q) of two histograms over the same bins (both smoothed copies). */
static double
kl_hist (const double *px, const double *qx)
{
  double p[NB], q[NB], sp = 0, sq = 0, kl = 0;
  memcpy (p, px, sizeof p);
  memcpy (q, qx, sizeof q);
  /* compare's kl strategy smooths the same way, so that KL stays finite */
  fl_kl_smooth (p, NB);
  fl_kl_smooth (q, NB);
  for (size_t b = 0; b < NB; b++)
    {
      sp += p[b];
      sq += q[b];
    }
  for (size_t b = 0; b < NB; b++)
    if (p[b] > 0)
      kl += p[b] / sp * log ((p[b] / sp) / (q[b] > 0 ? q[b] / sq : 1e-300));
  return kl;
}

/* the first index in xs[lo, n) with xs[i] > t */
static size_t
upper (const double *xs, size_t lo, size_t n, double t)
{
  size_t hi = n;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (xs[mid] <= t)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

typedef struct {
  double sse, max_rel, kl;
} measure;

/* Every element through the cells at scale s: the squared error sums by prefix sums,
   the largest relative error at each cell's extreme elements, the quantized histogram
   (when want_kl) by cell counts. */
static void
cells_measure (const fl_search_data *d, const fl_cells *c, double s, int want_kl, measure *out)
{
  long double sse = 0;
  double max_rel = 0;
  double *hq = want_kl ? calloc (NB, sizeof *hq) : NULL;
  size_t a = 0;
  for (size_t i = 0; i < c->ncells && a < d->n; i++)
    {
      size_t b = i + 1 == c->ncells ? d->n : upper (d->xs, a, d->n, s * c->cut[i]);
      if (b == a)
        continue;
      double q = s * c->v[i];
      long double cnt = (long double) (b - a), S1 = d->p1[b] - d->p1[a], S2 = d->p2[b] - d->p2[a];
      long double e;
      if (d->xs[a] == d->xs[b - 1])
        {
          /* one value repeated (a tensor on a grid): exactly, without cancellation */
          long double dq = (long double) d->xs[a] - q;
          e = cnt * dq * dq;
        }
      else
        e = S2 - 2 * (long double) q * S1 + (long double) q * q * cnt;
      sse += e > 0 ? e : 0;
      double ends[2] = { d->xs[a], d->xs[b - 1] };
      for (int k = 0; k < 2; k++)
        if (ends[k] != 0)
          {
            double r = fabs (q - ends[k]) / fabs (ends[k]);
            max_rel = r > max_rel ? r : max_rel;
          }
      if (q == 0 && (d->xs[a] != 0 || d->xs[b - 1] != 0))
        max_rel = max_rel > 1 ? max_rel : 1;
      if (hq)
        hq[bin_signed (q, d->absmax)] += (double) cnt;
      a = b;
    }
  out->sse = (double) sse;
  out->max_rel = max_rel;
  out->kl = hq ? kl_hist (d->histx, hq) : NAN;
  free (hq);
}

static double
score_of (fl_objective obj, double mse, double sqnr, double kl, double max_rel)
{
  switch (obj)
    {
    case FL_OBJ_MSE: return mse;
    case FL_OBJ_SQNR: return -sqnr;
    case FL_OBJ_KL: return kl;
    case FL_OBJ_MAXREL: return max_rel;
    }
  return mse;
}

typedef struct {
  const fl_search_data *d;
  const fl_fit *fit;
  fl_objective obj;
  long double sum_x2;       /* data: sum x^2; fit: E[x^2] */
  double kl_t[129];         /* cached kl thresholds by number of levels (NaN: not yet) */
} ctx;

/* Squared error (data: a sum; fit: the expectation) at scale s. */
static double
sse_at (ctx *cx, const fl_cells *c, double s, measure *m, int want_kl)
{
  if (cx->fit)
    {
      char err[256];
      double mse;
      if (fl_fit_predict_mse_fast (cx->fit, c, s, &mse, err, sizeof err) != FL_OK)
        mse = INFINITY;
      m->sse = mse;
      m->max_rel = m->kl = NAN;
      return mse;
    }
  cells_measure (cx->d, c, s, want_kl, m);
  return m->sse;
}

static void
fill_result (ctx *cx, fl_search_result *r, const measure *m, double n)
{
  r->mse = m->sse / n;
  r->sqnr_db = 10 * log10 ((double) cx->sum_x2 / m->sse);
  r->kl = m->kl;
  r->max_rel = m->max_rel;
  r->score = score_of (cx->obj, r->mse, r->sqnr_db, r->kl, r->max_rel);
}

/* A scalar candidate's format and rounding cells; -1 when either fails (the candidate is
   left out). */
static int
parse_cells (const char *name, fl_format **f, fl_cells *c)
{
  char err[256];
  if (fl_format_parse (name, f, err, sizeof err) != FL_OK)
    return -1;
  if (fl_cells_init (c, *f, err, sizeof err) != FL_OK)
    {
      fl_format_free (*f);
      return -1;
    }
  return 0;
}

static int
eval_scalar (ctx *cx, const char *name, fl_search_result *r)
{
  fl_format *f;
  fl_cells c;
  if (parse_cells (name, &f, &c))
    return -1;
  const fl_search_data *d = cx->d;
  double n = cx->fit ? 1.0 : (double) d->n;
  double a = d->absmax, maxf = c.maxf;
  int want_kl = cx->obj == FL_OBJ_KL;
  snprintf (r->format, sizeof r->format, "%s", name);
  snprintf (r->granularity, sizeof r->granularity, "tensor");
  r->is_block = 0;
  r->bits = fl_format_bits (f);
  r->score = INFINITY;
  if (!(a > 0) || !(maxf > 0))
    {
      /* an all-zero tensor: every format is exact */
      measure m = { 0, 0, 0 };
      snprintf (r->scale, sizeof r->scale, "absmax");
      fill_result (cx, r, &m, n);
      fl_cells_clear (&c);
      fl_format_free (f);
      return 0;
    }
  /* the strategies of compare; mse and kl as analysis/scale.c finds them */
  double scales[6];
  const char *snames[6] = { "absmax", "pow2", "percentile:99.9", "percentile:99.99", "mse",
                            "kl" };
  int ns = 0;
  scales[ns++] = a / maxf;
  scales[ns++] = fl_scale_pow2 (a, maxf);
  if (!cx->fit)
    {
      double t = gsl_stats_quantile_from_sorted_data (d->abs_sorted, 1, d->n, 0.999);
      scales[ns++] = (t > 0 ? t : a) / maxf;
      t = gsl_stats_quantile_from_sorted_data (d->abs_sorted, 1, d->n, 0.9999);
      scales[ns++] = (t > 0 ? t : a) / maxf;
    }
  else
    snames[2] = "mse";
  /* mse: the coarse grid of thresholds a j / C, then a fine grid around its best */
  {
    int C = cx->fit ? FIT_COARSE : MSE_COARSE, F = cx->fit ? FIT_FINE : MSE_FINE;
    measure m;
    int best = C;
    double e_best = INFINITY;
    for (int j = C; j >= 1; j--)
      {
        double e = sse_at (cx, &c, a * j / C / maxf, &m, 0);
        if (e < e_best)
          {
            e_best = e;
            best = j;
          }
      }
    double lo = a * (best - 1) / C, hi = a * (best + 1 > C ? C : best + 1) / C, t_best = a * best / C;
    for (int k = 1; k < F; k++)
      {
        double t = lo + (hi - lo) * k / F;
        double e = sse_at (cx, &c, t / maxf, &m, 0);
        if (e < e_best)
          {
            e_best = e;
            t_best = t;
          }
      }
    scales[ns++] = t_best / maxf;
  }
  if (!cx->fit)
    {
      size_t nq = fl_kl_levels (f);
      double t;
      #pragma omp critical (fl_search_kl)
      {
        if (isnan (cx->kl_t[nq]))
          cx->kl_t[nq] = (double) fl_kl_calibrate (d->hist_abs, NB, nq);
        t = cx->kl_t[nq];
      }
      scales[ns++] = a * t / NB / maxf;
    }
  for (int k = 0; k < ns; k++)
    {
      measure m;
      fl_search_result t = *r;
      if (!(scales[k] > 0) || !isfinite (scales[k]))
        continue;
      sse_at (cx, &c, scales[k], &m, want_kl);
      fill_result (cx, &t, &m, n);
      if (t.score < r->score || isnan (r->score) || (isinf (r->score) && !isinf (t.score)))
        {
          *r = t;
          snprintf (r->scale, sizeof r->scale, "%s", snames[k]);
        }
    }
  fl_cells_clear (&c);
  fl_format_free (f);
  return isnan (r->score) ? -1 : 0;
}

/* fl_cells_find without branches on the data (the per-element loop of the granular
   candidates spends its time here): the first cut c[i] >= y, ncells - 1 past them all. */
static inline size_t
cell_of (const fl_cells *c, double y)
{
  const double *b = c->cut;
  size_t len = c->ncells - 1;
  while (len > 1)
    {
      size_t half = len / 2;
      b = b[half - 1] < y ? b + half : b;
      len -= half;
    }
  return (size_t) (b - c->cut) + (*b < y);
}

/* Storage of an element of w bits with one scale of sbits per group, within a budget of
   B bits per element: w + ngroups sbits / n <= B, in integers so that a candidate exactly
   at the budget is admitted and one a fraction over it is refused. */
static int
within_budget (unsigned w, unsigned sbits, uint64_t ngroups, uint64_t n, unsigned B)
{
  return w <= B && ngroups * sbits <= (uint64_t) (B - w) * n;
}

/* A scalar format with a scale per channel (data only): absmax (a binary32
   scale, 32 bits) and pow2 (an exponent, 8 bits), as compare scales each group and counts
   its bits; each strategy only when its storage fits the budget.  Every element goes
   through the cells (x / s, then the cell of that value, as the quantizer rounds). */
static int
eval_granular (ctx *cx, const char *name, const granularity *g, unsigned B,
               fl_search_result *r)
{
  fl_format *f;
  fl_cells c;
  if (parse_cells (name, &f, &c))
    return -1;
  const fl_search_data *d = cx->d;
  unsigned w = fl_format_bits (f);
  int want_kl = cx->obj == FL_OBJ_KL;
  double *scale = malloc (g->ngroups * sizeof *scale);
  double *hq = want_kl ? malloc (NB * sizeof *hq) : NULL;
  int rc = scale && (hq || !want_kl) && c.maxf > 0 ? 1 : -1;
  static const char *const snames[2] = { "absmax", "pow2" };
  static const unsigned sbits[2] = { 32, 8 };
  r->score = INFINITY;
  for (int k = 0; k < 2 && rc >= 0; k++)
    {
      if (!within_budget (w, sbits[k], g->ngroups, d->n, B))
        continue;
      for (uint64_t j = 0; j < g->ngroups; j++)
        {
          double a = g->absmax[j];
          scale[j] = !(a > 0) ? 1 : k == 0 ? a / c.maxf : fl_scale_pow2 (a, c.maxf);
        }
      if (hq)
        memset (hq, 0, NB * sizeof *hq);
      long double sse = 0;
      double max_rel = 0;
      /* runs of the inner extent share a channel's scale */
      uint64_t run = g->inner;
      for (uint64_t lo = 0, ri = 0; lo < d->n; lo += run, ri++)
        {
          double s = scale[ri % g->dim];
          uint64_t hi = d->n - lo < run ? d->n : lo + run;
          double run_sse = 0;
          for (uint64_t i = lo; i < hi; i++)
            {
              double x = d->x[i];
              double q = s * c.v[cell_of (&c, x / s)], e = x - q;
              run_sse += e * e;
              if (x != 0 && fabs (e) > max_rel * fabs (x))
                max_rel = fabs (e) / fabs (x);
              if (hq)
                hq[bin_signed (q, d->absmax)] += 1;
            }
          sse += run_sse;
        }
      measure m = { (double) sse, max_rel, hq ? kl_hist (d->histx, hq) : NAN };
      fl_search_result t = *r;
      fill_result (cx, &t, &m, (double) d->n);
      if (t.score < r->score || isinf (r->score))
        {
          *r = t;
          snprintf (r->scale, sizeof r->scale, "%s", snames[k]);
          r->bits = w + (double) sbits[k] * (double) g->ngroups / (double) d->n;
          rc = 0;
        }
    }
  if (rc == 0)
    {
      snprintf (r->format, sizeof r->format, "%s", name);
      snprintf (r->granularity, sizeof r->granularity, "%s", g->name);
      r->is_block = 0;
    }
  free (scale);
  free (hq);
  fl_cells_clear (&c);
  fl_format_free (f);
  return rc;
}

static int
eval_block (ctx *cx, const char *name, fl_search_result *r)
{
  fl_scale_strategy ss = { FL_SCALE_ABSMAX, 0 };
  fl_granularity g = { FL_GRAN_TENSOR, 0, 0 };
  fl_rounding rd;
  fl_rounding_init (&rd);
  fl_quantizer *qz;
  char err[256];
  if (fl_quantizer_new (name, &ss, &g, &rd, &qz, err, sizeof err) != FL_OK)
    return -1;
  const double *x = cx->d->x;
  size_t n = cx->d->n;
  double *draws = NULL;
  if (cx->fit)
    {
      n = FL_SEARCH_FIT_DRAWS;
      draws = malloc (n * sizeof *draws);
      if (!draws || fl_fit_sample (cx->fit, FIT_SEED, draws, n, err, sizeof err) != FL_OK)
        {
          free (draws);
          fl_quantizer_free (qz);
          return -1;
        }
      x = draws;
    }
  double *q = malloc (BLOCK_RUN * sizeof *q), *hq = calloc (NB, sizeof *hq);
  fl_metrics m;
  fl_metrics_init (&m);
  uint64_t shape[1] = { n };
  int rc = q && hq ? 0 : -1;
  for (size_t lo = 0; lo < n && rc == 0; lo += BLOCK_RUN)
    {
      size_t len = n - lo < BLOCK_RUN ? n - lo : BLOCK_RUN;
      if (fl_quantizer_apply (qz, 1, shape, NULL, lo, x + lo, q, len, NULL, &m, NULL, err,
                              sizeof err) != FL_OK)
        rc = -1;
      for (size_t i = 0; i < len && !cx->fit; i++)
        hq[bin_signed (q[i], cx->d->absmax)] += 1;
    }
  if (rc == 0)
    {
      fl_metrics_result res;
      fl_metrics_finish (&m, &res);
      snprintf (r->format, sizeof r->format, "%s", fl_quantizer_format_name (qz));
      snprintf (r->scale, sizeof r->scale, "block");
      snprintf (r->granularity, sizeof r->granularity, "block");
      r->is_block = 1;
      /* the storage of a full block, as the budget counts it */
      const fl_block *blk = fl_quantizer_block (qz);
      r->bits = (double) fl_block_storage_bits (blk) / (double) fl_block_k (blk);
      r->mse = res.mse;
      if (cx->fit)
        {
          r->sqnr_db = 10 * log10 ((double) cx->sum_x2 / res.mse);
          r->kl = r->max_rel = NAN;
        }
      else
        {
          r->sqnr_db = res.sqnr_db;
          r->kl = cx->obj == FL_OBJ_KL ? kl_hist (cx->d->histx, hq) : NAN;
          r->max_rel = res.max_rel_err;
        }
      r->score = score_of (cx->obj, r->mse, r->sqnr_db, r->kl, r->max_rel);
    }
  free (q);
  free (hq);
  free (draws);
  fl_quantizer_free (qz);
  return rc;
}

static int
cmp_result (const void *a, const void *b)
{
  const fl_search_result *x = a, *y = b;
  if (x->score < y->score)
    return -1;
  if (x->score > y->score)
    return 1;
  /* ties: fewer bits, then the name, so that the order never depends on threads */
  if (x->bits != y->bits)
    return x->bits < y->bits ? -1 : 1;
  int c = strcmp (x->format, y->format);
  return c ? c : strcmp (x->granularity, y->granularity);
}

fl_status
fl_search (const fl_search_data *d, const fl_fit *fit, unsigned bits, fl_objective obj,
           int nthreads, void (*progress) (void *, size_t, size_t), void *arg,
           fl_search_result **res, size_t *nres, char *err, size_t errlen)
{
  if (fit && (obj == FL_OBJ_KL || obj == FL_OBJ_MAXREL))
    {
      snprintf (err, errlen, "objective %s: on a fit only mse and sqnr are defined (the "
                "largest relative error of a density is 1 for every format)",
                fl_objective_name (obj));
      return FL_EUNSUPPORTED;
    }
  char **cand;
  size_t nbase;
  fl_status st = fl_search_candidates (bits, &cand, &nbase, err, errlen);
  if (st != FL_OK)
    return st;
  /* the scalar elements with a scale per channel (on the data only: a density
     has no channels), one task per element and granularity after the base grid */
  names gel = { 0 };
  int ngran = fit ? 0 : d->ngran;
  if (ngran && (st = granular_elements (bits, &gel, err, errlen)) != FL_OK)
    {
      fl_search_names_free (cand, nbase);
      return st;
    }
  size_t nc = nbase + gel.n * (size_t) ngran;
  fl_search_result *r = calloc (nc ? nc : 1, sizeof *r);
  int *ok = calloc (nc ? nc : 1, sizeof *ok);
  if (!r || !ok)
    {
      free (r);
      free (ok);
      fl_search_names_free (cand, nbase);
      fl_search_names_free (gel.v, gel.n);
      snprintf (err, errlen, "out of memory");
      return FL_ENOMEM;
    }
  ctx cx = { d, fit, obj, 0, { 0 } };
  for (int i = 0; i <= 128; i++)
    cx.kl_t[i] = NAN;
  if (fit)
    cx.sum_x2 = fl_fit_second_moment (fit);
  else
    cx.sum_x2 = d->p2[d->n];
  if (nthreads < 1)
    nthreads = 1;
  size_t done = 0;
  /* granular and block candidates (the slow ones) first, so that the dynamic schedule
     balances */
  #pragma omp parallel for schedule(dynamic, 1) num_threads(nthreads)
  for (long i = (long) nc - 1; i >= 0; i--)
    {
      int rc;
      if ((size_t) i >= nbase)
        {
          size_t j = (size_t) i - nbase;
          rc = eval_granular (&cx, gel.v[j / (size_t) ngran], &d->gran[j % (size_t) ngran],
                              bits, &r[i]);
        }
      else if (fl_block_name_p (cand[i]))
        rc = eval_block (&cx, cand[i], &r[i]);
      else
        rc = eval_scalar (&cx, cand[i], &r[i]);
      ok[i] = rc == 0;
      #pragma omp atomic
      done++;
#ifdef _OPENMP
      if (progress && omp_get_thread_num () == 0)
#else
      if (progress)
#endif
        progress (arg, done, nc);
    }
  size_t m = 0;
  for (size_t i = 0; i < nc; i++)
    if (ok[i])
      r[m++] = r[i];
  qsort (r, m, sizeof *r, cmp_result);
  free (ok);
  fl_search_names_free (cand, nbase);
  fl_search_names_free (gel.v, gel.n);
  *res = r;
  *nres = m;
  return FL_OK;
}
