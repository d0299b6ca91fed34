/* fit.c -- maximum-likelihood fits of a tensor's values and the expected error of a
   format under a fitted density (doc/fit.md). */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>
#include <fmtlab/fit.h>

#define NM_MAX_ITER 3000
#define NM_SIZE_TOL 1e-6
#define EM_MAX_ITER 200
#define EM_TOL 1e-8
#define NU_MIN 0.3
#define NU_MAX 1e4
#define QUAD_LIMIT 200
/* the fast predictor's Gauss-Legendre points per piece */
#define FAST_POINTS 10

static const char *const family_names[FL_FIT_NFAMILIES] = {
  "normal", "laplace", "logistic", "student_t", "gennorm", "mixture2"
};
static const int family_params[FL_FIT_NFAMILIES] = { 2, 2, 2, 3, 3, 5 };

const char *
fl_fit_family_name (fl_fit_family f)
{
  return (unsigned) f < FL_FIT_NFAMILIES ? family_names[f] : "?";
}

int
fl_fit_family_parse (const char *s, fl_fit_family *out)
{
  for (int i = 0; i < FL_FIT_NFAMILIES; i++)
    if (strcmp (s, family_names[i]) == 0)
      {
        *out = (fl_fit_family) i;
        return 0;
      }
  if (strcmp (s, "t") == 0)
    {
      *out = FL_FIT_STUDENT_T;
      return 0;
    }
  return -1;
}

/* GSL's default error handler aborts; every GSL status is checked here instead. */
static void
quiet_gsl (void)
{
  gsl_set_error_handler_off ();
}

/* ---------------------------------------------------------------- densities */

static double
normal_logpdf (double x, double mu, double s)
{
  double z = (x - mu) / s;
  return -0.5 * z * z - log (s) - 0.5 * log (2 * M_PI);
}

static double
logpdf (const fl_fit *f, double x)
{
  double z;
  switch (f->family)
    {
    case FL_FIT_NORMAL:
      return normal_logpdf (x, f->loc, f->scale);
    case FL_FIT_LAPLACE:
      return -fabs (x - f->loc) / f->scale - log (2 * f->scale);
    case FL_FIT_LOGISTIC:
      z = fabs (x - f->loc) / f->scale;
      return -z - log (f->scale) - 2 * log1p (exp (-z));
    case FL_FIT_STUDENT_T:
      {
        double nu = f->shape;
        z = (x - f->loc) / f->scale;
        return lgamma ((nu + 1) / 2) - lgamma (nu / 2) - 0.5 * log (nu * M_PI)
               - log (f->scale) - (nu + 1) / 2 * log1p (z * z / nu);
      }
    case FL_FIT_GENNORM:
      z = fabs (x - f->loc) / f->scale;
      return log (f->shape) - log (2 * f->scale) - lgamma (1 / f->shape) - pow (z, f->shape);
    case FL_FIT_MIXTURE2:
      {
        double a = log (f->weight) + normal_logpdf (x, f->loc, f->scale);
        double b = log1p (-f->weight) + normal_logpdf (x, f->loc2, f->scale2);
        double m = a > b ? a : b;
        return m + log (exp (a - m) + exp (b - m));
      }
    }
  return NAN;
}

double
fl_fit_pdf (const fl_fit *f, double x)
{
  return exp (logpdf (f, x));
}

double
fl_fit_cdf (const fl_fit *f, double x)
{
  double z;
  switch (f->family)
    {
    case FL_FIT_NORMAL:
      return gsl_cdf_gaussian_P (x - f->loc, f->scale);
    case FL_FIT_LAPLACE:
      return gsl_cdf_laplace_P (x - f->loc, f->scale);
    case FL_FIT_LOGISTIC:
      return gsl_cdf_logistic_P (x - f->loc, f->scale);
    case FL_FIT_STUDENT_T:
      return gsl_cdf_tdist_P ((x - f->loc) / f->scale, f->shape);
    case FL_FIT_GENNORM:
      {
        z = (x - f->loc) / f->scale;
        gsl_sf_result r;
        if (gsl_sf_gamma_inc_P_e (1 / f->shape, pow (fabs (z), f->shape), &r) != GSL_SUCCESS)
          r.val = z == 0 ? 0 : 1;
        return z < 0 ? 0.5 - 0.5 * r.val : 0.5 + 0.5 * r.val;
      }
    case FL_FIT_MIXTURE2:
      return f->weight * gsl_cdf_gaussian_P (x - f->loc, f->scale)
             + (1 - f->weight) * gsl_cdf_gaussian_P (x - f->loc2, f->scale2);
    }
  return NAN;
}

double
fl_fit_second_moment (const fl_fit *f)
{
  double m = f->loc * f->loc, s2 = f->scale * f->scale;
  switch (f->family)
    {
    case FL_FIT_NORMAL: return s2 + m;
    case FL_FIT_LAPLACE: return 2 * s2 + m;
    case FL_FIT_LOGISTIC: return M_PI * M_PI / 3 * s2 + m;
    case FL_FIT_STUDENT_T: return f->shape > 2 ? s2 * f->shape / (f->shape - 2) + m : INFINITY;
    case FL_FIT_GENNORM:
      return s2 * exp (lgamma (3 / f->shape) - lgamma (1 / f->shape)) + m;
    case FL_FIT_MIXTURE2:
      return f->weight * (s2 + m)
             + (1 - f->weight) * (f->scale2 * f->scale2 + f->loc2 * f->loc2);
    }
  return NAN;
}

fl_status
fl_fit_sample (const fl_fit *f, uint64_t seed, double *out, size_t n, char *err,
               size_t errlen)
{
  gsl_rng *g = gsl_rng_alloc (gsl_rng_mt19937);
  if (!g)
    {
      snprintf (err, errlen, "out of memory");
      return FL_ENOMEM;
    }
  gsl_rng_set (g, (unsigned long) (seed ? seed : 1));
  for (size_t i = 0; i < n; i++)
    {
      double v = 0;
      switch (f->family)
        {
        case FL_FIT_NORMAL: v = f->loc + gsl_ran_gaussian_ziggurat (g, f->scale); break;
        case FL_FIT_LAPLACE: v = f->loc + gsl_ran_laplace (g, f->scale); break;
        case FL_FIT_LOGISTIC: v = f->loc + gsl_ran_logistic (g, f->scale); break;
        case FL_FIT_STUDENT_T: v = f->loc + f->scale * gsl_ran_tdist (g, f->shape); break;
        /* GSL's exponential power distribution is the generalized normal */
        case FL_FIT_GENNORM: v = f->loc + gsl_ran_exppow (g, f->scale, f->shape); break;
        case FL_FIT_MIXTURE2:
          v = gsl_rng_uniform (g) < f->weight
              ? f->loc + gsl_ran_gaussian_ziggurat (g, f->scale)
              : f->loc2 + gsl_ran_gaussian_ziggurat (g, f->scale2);
          break;
        }
      out[i] = v;
    }
  gsl_rng_free (g);
  return FL_OK;
}

/* ---------------------------------------------------------------- fitting */

typedef struct {
  const double *z;
  size_t m;
  fl_fit *f;
} nm_data;

static long double
sum_logpdf (const fl_fit *f, const double *x, size_t n)
{
  long double acc = 0;
  #pragma omp parallel for reduction(+:acc) schedule(static)
  for (size_t i = 0; i < n; i++)
    acc += logpdf (f, x[i]);
  return acc;
}

/* parameters: loc, log scale[, log shape] */
static void
nm_set (fl_fit *f, const gsl_vector *v)
{
  f->loc = gsl_vector_get (v, 0);
  f->scale = exp (gsl_vector_get (v, 1));
  if (v->size > 2)
    f->shape = exp (gsl_vector_get (v, 2));
}

static double
nm_objective (const gsl_vector *v, void *params)
{
  nm_data *d = params;
  nm_set (d->f, v);
  if (!(d->f->scale > 0) || !isfinite (d->f->scale))
    return 1e300;
  if (d->f->family == FL_FIT_STUDENT_T && !(d->f->shape >= NU_MIN && d->f->shape <= NU_MAX))
    return 1e300;
  if (d->f->family == FL_FIT_GENNORM && !(d->f->shape >= 0.05 && d->f->shape <= 50))
    return 1e300;
  double r = -(double) (sum_logpdf (d->f, d->z, d->m) / (long double) d->m);
  return isfinite (r) ? r : 1e300;
}

static fl_status
nelder_mead (fl_fit *f, const double *z, size_t m, double loc0, double scale0, double shape0,
             char *err, size_t errlen)
{
  size_t dim = isnan (shape0) ? 2 : 3;
  const gsl_multimin_fminimizer_type *T = gsl_multimin_fminimizer_nmsimplex2;
  gsl_multimin_fminimizer *s = gsl_multimin_fminimizer_alloc (T, dim);
  gsl_vector *x = gsl_vector_alloc (dim), *step = gsl_vector_alloc (dim);
  if (!s || !x || !step)
    {
      if (s)
        gsl_multimin_fminimizer_free (s);
      if (x)
        gsl_vector_free (x);
      if (step)
        gsl_vector_free (step);
      snprintf (err, errlen, "out of memory");
      return FL_ENOMEM;
    }
  gsl_vector_set (x, 0, loc0);
  gsl_vector_set (x, 1, log (scale0));
  gsl_vector_set (step, 0, 0.1 * scale0);
  gsl_vector_set (step, 1, 0.1);
  if (dim == 3)
    {
      gsl_vector_set (x, 2, log (shape0));
      gsl_vector_set (step, 2, 0.2);
    }
  nm_data d = { z, m, f };
  gsl_multimin_function fn = { nm_objective, dim, &d };
  gsl_multimin_fminimizer_set (s, &fn, x, step);
  int iter = 0, status = GSL_CONTINUE;
  while (status == GSL_CONTINUE && iter < NM_MAX_ITER)
    {
      iter++;
      if (gsl_multimin_fminimizer_iterate (s) != GSL_SUCCESS)
        break;
      status = gsl_multimin_test_size (gsl_multimin_fminimizer_size (s), NM_SIZE_TOL);
    }
  nm_set (f, gsl_multimin_fminimizer_x (s));
  f->iterations = iter;
  f->converged = status == GSL_SUCCESS;
  gsl_multimin_fminimizer_free (s);
  gsl_vector_free (x);
  gsl_vector_free (step);
  return FL_OK;
}

/* EM for two normals from one start; returns the subsample log-likelihood. */
static double
em_run (fl_fit *f, const double *z, size_t m, double floor_scale)
{
  double ll_old = -INFINITY, ll = -INFINITY;
  int it;
  for (it = 0; it < EM_MAX_ITER; it++)
    {
      long double sr = 0, srz = 0, srz2 = 0, sz = 0, sz2 = 0, sll = 0;
      double w = f->weight, m1 = f->loc, s1 = f->scale, m2 = f->loc2, s2 = f->scale2;
      double c1 = w / s1, c2 = (1 - w) / s2;
      #pragma omp parallel for reduction(+:sr,srz,srz2,sz,sz2,sll) schedule(static)
      for (size_t i = 0; i < m; i++)
        {
          /* the densities up to the common 1/sqrt(2 pi), underflow-safe in the log */
          double z1 = (z[i] - m1) / s1, z2 = (z[i] - m2) / s2;
          double e1 = -0.5 * z1 * z1, e2 = -0.5 * z2 * z2;
          double mx = e1 > e2 ? e1 : e2;
          double ea = c1 * exp (e1 - mx), eb = c2 * exp (e2 - mx);
          double r = ea / (ea + eb);
          sll += mx + log (ea + eb);
          sr += r;
          srz += r * z[i];
          srz2 += r * z[i] * z[i];
          sz += z[i];
          sz2 += z[i] * z[i];
        }
      sll -= 0.5 * log (2 * M_PI) * (long double) m;
      ll = (double) sll;
      double n1 = (double) sr, n2 = (double) m - n1;
      if (n1 < 2 || n2 < 2)
        break;
      double mu1 = (double) (srz / sr), mu2 = (double) ((sz - srz) / (long double) n2);
      double v1 = (double) (srz2 / sr) - mu1 * mu1;
      double v2 = (double) ((sz2 - srz2) / (long double) n2) - mu2 * mu2;
      f->weight = n1 / (double) m;
      f->loc = mu1;
      f->loc2 = mu2;
      f->scale = sqrt (v1 > floor_scale * floor_scale ? v1 : floor_scale * floor_scale);
      f->scale2 = sqrt (v2 > floor_scale * floor_scale ? v2 : floor_scale * floor_scale);
      if (fabs (ll - ll_old) <= EM_TOL * fabs (ll))
        break;
      ll_old = ll;
    }
  f->iterations = it;
  f->converged = it < EM_MAX_ITER;
  return ll;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* The KS statistic of a fit against the sorted sample. */
static double
ks_stat (const fl_fit *f, const double *sorted, size_t n)
{
  double d = 0;
  #pragma omp parallel for reduction(max:d) schedule(static)
  for (size_t i = 0; i < n; i++)
    {
      double F = fl_fit_cdf (f, sorted[i]);
      double lo = F - (double) i / (double) n, hi = (double) (i + 1) / (double) n - F;
      double m = lo > hi ? lo : hi;
      if (m > d)
        d = m;
    }
  return d;
}

fl_status
fl_fit_all (const double *x, size_t n, fl_fit_report *out, char *err, size_t errlen)
{
  quiet_gsl ();
  memset (out, 0, sizeof *out);
  double *v = malloc ((n ? n : 1) * sizeof *v);
  if (!v)
    {
      snprintf (err, errlen, "out of memory for %zu values", n);
      return FL_ENOMEM;
    }
  size_t m = 0;
  long double s1 = 0, s2 = 0;
  for (size_t i = 0; i < n; i++)
    if (isfinite (x[i]))
      {
        v[m++] = x[i];
        s1 += x[i];
      }
  if (m < 8)
    {
      free (v);
      snprintf (err, errlen, "%zu finite values: at least 8 are needed for a fit", m);
      return FL_EINVAL;
    }
  double mean = (double) (s1 / (long double) m);
  for (size_t i = 0; i < m; i++)
    s2 += ((long double) v[i] - mean) * ((long double) v[i] - mean);
  double sd = sqrt ((double) (s2 / (long double) m));
  if (!(sd > 0))
    {
      free (v);
      snprintf (err, errlen, "all %zu values are equal: no distribution to fit", m);
      return FL_EINVAL;
    }
  /* the subsample of the iterative fits, taken before sorting (every (m/nsub)-th value) */
  size_t nsub = m < FL_FIT_SUBSAMPLE ? m : FL_FIT_SUBSAMPLE;
  double *z = malloc (nsub * sizeof *z);
  if (!z)
    {
      free (v);
      snprintf (err, errlen, "out of memory");
      return FL_ENOMEM;
    }
  for (size_t i = 0; i < nsub; i++)
    z[i] = v[(size_t) ((uint64_t) i * m / nsub)];   /* m nsub < 2^64 below 10^14 values */
  qsort (v, m, sizeof *v, cmp_double);
  double median = m % 2 ? v[m / 2] : 0.5 * (v[m / 2 - 1] + v[m / 2]);
  long double sad = 0;
  for (size_t i = 0; i < m; i++)
    sad += fabs (v[i] - median);
  double mad_mean = (double) (sad / (long double) m);
  out->n = m;
  out->nsub = nsub;

  fl_status st = FL_OK;
  for (int k = 0; k < FL_FIT_NFAMILIES && st == FL_OK; k++)
    {
      fl_fit *f = &out->fit[k];
      f->family = (fl_fit_family) k;
      f->nparams = family_params[k];
      f->shape = f->weight = f->loc2 = f->scale2 = NAN;
      f->converged = 1;
      switch (f->family)
        {
        case FL_FIT_NORMAL:
          f->loc = mean;
          f->scale = sd;
          break;
        case FL_FIT_LAPLACE:
          f->loc = median;
          f->scale = mad_mean > 0 ? mad_mean : sd;
          break;
        case FL_FIT_LOGISTIC:
          st = nelder_mead (f, z, nsub, median, sd * sqrt (3) / M_PI, NAN, err, errlen);
          break;
        case FL_FIT_STUDENT_T:
          st = nelder_mead (f, z, nsub, median, sd, 5.0, err, errlen);
          break;
        case FL_FIT_GENNORM:
          st = nelder_mead (f, z, nsub, median, sd * sqrt (2), 2.0, err, errlen);
          break;
        case FL_FIT_MIXTURE2:
          {
            /* two fixed starts: equal means with scales apart (a heavy tail), and the
               quartiles with half the scale (two modes); the better log-likelihood wins */
            double floor_scale = 1e-6 * sd;
            fl_fit a = *f, b = *f;
            a.weight = 0.5;
            a.loc = a.loc2 = mean;
            a.scale = 0.5 * sd;
            a.scale2 = 2 * sd;
            b.weight = 0.5;
            b.loc = v[m / 4];
            b.loc2 = v[3 * m / 4];
            b.scale = b.scale2 = 0.5 * sd;
            double lla = em_run (&a, z, nsub, floor_scale);
            double llb = em_run (&b, z, nsub, floor_scale);
            *f = lla >= llb || !isfinite (llb) ? a : b;
            if (f->weight < 0.5)
              {
                /* the heavier component first */
                double t;
                f->weight = 1 - f->weight;
                t = f->loc, f->loc = f->loc2, f->loc2 = t;
                t = f->scale, f->scale = f->scale2, f->scale2 = t;
              }
            break;
          }
        }
      if (st != FL_OK)
        break;
      f->loglik = (double) sum_logpdf (f, v, m);
      f->aic = 2.0 * f->nparams - 2.0 * f->loglik;
      f->ks = ks_stat (f, v, m);
    }
  free (z);
  free (v);
  if (st != FL_OK)
    return st;
  /* least AIC; then the fewest parameters within FL_FIT_AIC_TIE of it */
  int best = 0;
  for (int k = 1; k < FL_FIT_NFAMILIES; k++)
    if (out->fit[k].aic < out->fit[best].aic || !isfinite (out->fit[best].aic))
      best = k;
  int chosen = best;
  for (int k = 0; k < FL_FIT_NFAMILIES; k++)
    if (out->fit[k].aic <= out->fit[best].aic + FL_FIT_AIC_TIE
        && (out->fit[k].nparams < out->fit[chosen].nparams
            || (out->fit[k].nparams == out->fit[chosen].nparams
                && out->fit[k].aic < out->fit[chosen].aic)))
      chosen = k;
  out->chosen = (fl_fit_family) chosen;
  return FL_OK;
}

/* ---------------------------------------------------------------- cells */

static int
cmp_mpfr (const void *a, const void *b)
{
  return mpfr_cmp (*(mpfr_t const *) a, *(mpfr_t const *) b);
}

fl_status
fl_cells_init (fl_cells *c, const fl_format *f, char *err, size_t errlen)
{
  memset (c, 0, sizeof *c);
  unsigned bits = fl_format_bits (f);
  if (bits > 16)
    {
      snprintf (err, errlen, "format '%s': cells are computed for formats of at most 16 bits",
                fl_format_name (f));
      return FL_EUNSUPPORTED;
    }
  size_t nc = (size_t) 1 << bits;
  mpfr_prec_t prec = fl_format_prec (f) + 64;
  /* the positive finite values with their codes, sorted by value */
  typedef struct { mpfr_t v; uint64_t code; } entry;
  entry *pos = malloc (nc * sizeof *pos);
  c->v = malloc ((2 * nc + 1) * sizeof *c->v);
  c->cut = malloc ((2 * nc + 1) * sizeof *c->cut);
  double *negv = malloc (nc * sizeof *negv);
  if (!pos || !c->v || !c->cut || !negv)
    {
      free (pos);
      free (negv);
      fl_cells_clear (c);
      snprintf (err, errlen, "out of memory");
      return FL_ENOMEM;
    }
  size_t npos = 0, nneg = 0;
  int has_zero = 0;
  mpfr_t t;
  mpfr_init2 (t, prec);
  for (uint64_t code = 0; code < nc; code++)
    {
      fl_class k = fl_decode (f, code, t);
      if (k == FL_CLASS_NAN || k == FL_CLASS_INF || k == FL_CLASS_NAR)
        continue;
      if (mpfr_zero_p (t))
        has_zero = 1;
      else if (mpfr_sgn (t) > 0)
        {
          mpfr_init2 (pos[npos].v, prec);
          mpfr_set (pos[npos].v, t, MPFR_RNDN);
          pos[npos++].code = code;
        }
      else
        negv[nneg++] = mpfr_get_d (t, MPFR_RNDN);
    }
  qsort (pos, npos, sizeof *pos, cmp_mpfr);
  qsort (negv, nneg, sizeof *negv, cmp_double);
  /* positive cut points from the engine: between neighbouring values */
  double *pcut = malloc ((npos ? npos : 1) * sizeof *pcut);
  if (!pcut)
    {
      for (size_t i = 0; i < npos; i++)
        mpfr_clear (pos[i].v);
      free (pos);
      free (negv);
      mpfr_clear (t);
      fl_cells_clear (c);
      snprintf (err, errlen, "out of memory");
      return FL_ENOMEM;
    }
  for (size_t i = 0; i + 1 < npos; i++)
    {
      fl_format_cut (f, FL_DOMAIN_DEFAULT, pos[i].code, pos[i + 1].code, t);
      pcut[i] = mpfr_get_d (t, MPFR_RNDN);
    }
  /* the cut between zero and the smallest positive value: where the engine's own
     rounding changes, found by bisection on doubles (a midpoint for the linear
     families; the logarithmic ones flush by their own rule) */
  double zcut = NAN;
  if (has_zero && npos > 0)
    {
      double lo = 0, hi = mpfr_get_d (pos[0].v, MPFR_RNDN);
      fl_rounding r;
      fl_rounding_init (&r);
      r.overflow = FL_OVF_SAT;
      for (int it = 0; it < 1100 && lo < hi; it++)
        {
          double mid = lo + (hi - lo) / 2;
          if (mid <= lo || mid >= hi)
            break;
          double q;
          fl_quantize_doubles (f, &mid, &q, 1, &r, NULL);
          if (q == 0)
            lo = mid;
          else
            hi = mid;
        }
      zcut = lo;
    }
  /* assemble: negatives (mirrored cuts when the format is symmetric), zero, positives */
  size_t nv = 0, ncut = 0;
  int symmetric = nneg == npos;
  for (size_t i = 0; symmetric && i < nneg; i++)
    symmetric = negv[i] == -mpfr_get_d (pos[npos - 1 - i].v, MPFR_RNDN);
  for (size_t i = 0; i < nneg; i++)
    {
      c->v[nv++] = negv[i];
      if (i + 1 < nneg)
        c->cut[ncut++] = symmetric ? -pcut[nneg - 2 - i] : negv[i] + (negv[i + 1] - negv[i]) / 2;
    }
  if (has_zero)
    {
      if (nneg)
        /* a zero cell that holds only zero (posits) stays closed on both sides: its
           lower cut is the negative number nearest zero, so that zero is in it */
        c->cut[ncut++] = symmetric ? (zcut > 0 ? -zcut : -nextafter (0.0, 1.0))
                                   : negv[nneg - 1] / 2;
      c->v[nv++] = 0;
      if (npos)
        c->cut[ncut++] = zcut;
    }
  else if (nneg && npos)
    c->cut[ncut++] = negv[nneg - 1] / 2 + mpfr_get_d (pos[0].v, MPFR_RNDN) / 2;
  for (size_t i = 0; i < npos; i++)
    {
      c->v[nv++] = mpfr_get_d (pos[i].v, MPFR_RNDN);
      if (i + 1 < npos)
        c->cut[ncut++] = pcut[i];
    }
  c->ncells = nv;
  c->maxf = nv ? c->v[nv - 1] : NAN;
  for (size_t i = 0; i < npos; i++)
    mpfr_clear (pos[i].v);
  free (pos);
  free (pcut);
  free (negv);
  mpfr_clear (t);
  if (nv == 0 || ncut + 1 != nv)
    {
      fl_cells_clear (c);
      snprintf (err, errlen, "format '%s': no finite values", fl_format_name (f));
      return FL_EINVAL;
    }
  return FL_OK;
}

void
fl_cells_clear (fl_cells *c)
{
  free (c->v);
  free (c->cut);
  c->v = c->cut = NULL;
  c->ncells = 0;
}

size_t
fl_cells_find (const fl_cells *c, double y)
{
  size_t lo = 0, hi = c->ncells - 1;   /* answer in [lo, hi] */
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (y <= c->cut[mid])
        hi = mid;
      else
        lo = mid + 1;
    }
  return lo;
}

/* ---------------------------------------------------------------- predicted error */

typedef struct {
  const fl_fit *f;
  double q;
} cell_arg;

static double
cell_integrand (double x, void *p)
{
  const cell_arg *a = p;
  double e = x - a->q;
  double d = fl_fit_pdf (a->f, x);
  return d > 0 ? e * e * d : 0;
}

/* Breakpoints where a density lives: each centre and centre +- scale * 4^k, so that the
   rule sees a narrow peak inside a wide cell (a cell far larger than the density) */
static size_t
breakpoints (const fl_fit *f, double *pts)
{
  size_t n = 0;
  for (int c = 0; c < (f->family == FL_FIT_MIXTURE2 ? 2 : 1); c++)
    {
      double mu = c ? f->loc2 : f->loc, sc = c ? f->scale2 : f->scale;
      pts[n++] = mu;
      for (int k = -4; k <= 4; k++)
        {
          pts[n++] = mu + sc * ldexp (1.0, 2 * k);
          pts[n++] = mu - sc * ldexp (1.0, 2 * k);
        }
    }
  qsort (pts, n, sizeof *pts, cmp_double);
  return n;
}

/* The integral of fn over (lo, hi), either end possibly infinite, split at the
   breakpoints inside. */
static int
integrate (gsl_function *fn, double lo, double hi, const double *pts, size_t npts,
           double epsabs, gsl_integration_workspace *w, double *out)
{
  double edges[64];
  size_t ne = 0;
  edges[ne++] = lo;
  for (size_t i = 0; i < npts; i++)
    if (pts[i] > lo && pts[i] < hi && pts[i] > edges[ne - 1])
      edges[ne++] = pts[i];
  edges[ne++] = hi;
  long double total = 0;
  int status = GSL_SUCCESS;
  for (size_t i = 0; i + 1 < ne; i++)
    {
      double a = edges[i], b = edges[i + 1], res = 0, abserr = 0;
      int rc;
      if (isinf (a) && isinf (b))
        rc = gsl_integration_qagi (fn, epsabs, 1e-10, QUAD_LIMIT, w, &res, &abserr);
      else if (isinf (a))
        rc = gsl_integration_qagil (fn, b, epsabs, 1e-10, QUAD_LIMIT, w, &res, &abserr);
      else if (isinf (b))
        rc = gsl_integration_qagiu (fn, a, epsabs, 1e-10, QUAD_LIMIT, w, &res, &abserr);
      else
        rc = gsl_integration_qag (fn, a, b, epsabs, 1e-10, QUAD_LIMIT, GSL_INTEG_GAUSS21, w,
                                  &res, &abserr);
      if (rc != GSL_SUCCESS && rc != GSL_EROUND && status == GSL_SUCCESS)
        status = rc;
      total += res;
    }
  *out = (double) total;
  return status;
}

/* The expected squared error over every cell: adaptive quadrature on each (fast = 0), or
   the fixed Gauss-Legendre rule on the pieces of the finite cells between the density's
   breakpoints and the adaptive rule on the two clipping tails only (fast = 1). */
static fl_status
predict_mse (const fl_fit *f, const fl_cells *c, double s, int fast, double *mse, char *err,
             size_t errlen)
{
  quiet_gsl ();
  gsl_integration_workspace *w = gsl_integration_workspace_alloc (QUAD_LIMIT);
  gsl_integration_glfixed_table *gl = fast ? gsl_integration_glfixed_table_alloc (FAST_POINTS)
                                           : NULL;
  if (!w || (fast && !gl))
    {
      if (w)
        gsl_integration_workspace_free (w);
      if (gl)
        gsl_integration_glfixed_table_free (gl);
      snprintf (err, errlen, "out of memory");
      return FL_ENOMEM;
    }
  double pts[40];
  size_t npts = breakpoints (f, pts);
  long double total = 0;
  fl_status st = FL_OK;
  double m2 = fl_fit_second_moment (f);
  if (!isfinite (m2))
    m2 = f->scale * f->scale;
  /* the tolerance is relative to E[x^2] so that cells without mass cost no subdivisions */
  double epsabs = 1e-14 * m2 / (double) c->ncells;
  for (size_t i = 0; i < c->ncells && st == FL_OK; i++)
    {
      cell_arg a = { f, s * c->v[i] };
      gsl_function fn = { cell_integrand, &a };
      double lo = i == 0 ? -INFINITY : s * c->cut[i - 1];
      double hi = i == c->ncells - 1 ? INFINITY : s * c->cut[i];
      if (!(lo < hi))
        continue;
      double res = 0;
      if (!fast || isinf (lo) || isinf (hi))
        {
          int rc = integrate (&fn, lo, hi, pts, npts, epsabs, w, &res);
          if (rc != GSL_SUCCESS && (!isfinite (res) || rc == GSL_EDIVERGE))
            {
              snprintf (err, errlen, "the expected error does not converge under the %s fit "
                        "(cell %zu: %s)", fl_fit_family_name (f->family), i,
                        gsl_strerror (rc));
              st = FL_ERANGE;
            }
        }
      else
        {
          double e0 = lo;
          for (size_t k = 0; k <= npts; k++)
            {
              double e1 = k < npts ? pts[k] : hi;
              if (e1 <= e0)
                continue;
              if (e1 > hi)
                e1 = hi;
              res += gsl_integration_glfixed (&fn, e0, e1, gl);
              e0 = e1;
              if (e0 >= hi)
                break;
            }
        }
      total += res;
    }
  if (gl)
    gsl_integration_glfixed_table_free (gl);
  gsl_integration_workspace_free (w);
  *mse = (double) total;
  return st;
}

fl_status
fl_fit_predict_mse (const fl_fit *f, const fl_cells *c, double s, double *mse, char *err,
                    size_t errlen)
{
  return predict_mse (f, c, s, 0, mse, err, errlen);
}

fl_status
fl_fit_predict_mse_fast (const fl_fit *f, const fl_cells *c, double s, double *mse,
                         char *err, size_t errlen)
{
  return predict_mse (f, c, s, 1, mse, err, errlen);
}
