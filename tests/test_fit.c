/* test_fit.c -- distribution fits and predicted error (analysis/fit.c).
   Known answers: 10^6 seeded draws (GSL's own samplers, mt19937, the seed printed) of each
   family with stated parameters must be recovered within the tolerances below and chosen
   by AIC; the predicted MSE of a format under the normal fit must agree within 2% with the
   MSE measured by the quantizer of analysis/scale.c on the same values (issue 9). */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <fmtlab/fit.h>
#include <fmtlab/scale.h>
#include "testutil.h"

#define N 1000000
static uint64_t seed;

/* rel: relative tolerance on the scales and shapes; loc: absolute, in units of scale */
typedef struct {
  fl_fit_family family;
  double loc, scale, shape;
  double weight, loc2, scale2;
  double tol_loc, tol_rel;
} case_t;

static const case_t cases[] = {
  /* the standard errors at n = 10^6 (2^18 for the iterative fits) are about 0.1-0.3%
     for the scales and 1-2% for the t's nu; the tolerances are 3-5 of them */
  { FL_FIT_NORMAL, 0.5, 2.0, NAN, NAN, NAN, NAN, 0.01, 0.01 },
  { FL_FIT_LAPLACE, -0.3, 1.5, NAN, NAN, NAN, NAN, 0.01, 0.01 },
  { FL_FIT_LOGISTIC, 0.2, 0.7, NAN, NAN, NAN, NAN, 0.02, 0.02 },
  { FL_FIT_STUDENT_T, 0.0, 1.0, 4.0, NAN, NAN, NAN, 0.02, 0.06 },
  { FL_FIT_GENNORM, 0.1, 1.0, 1.5, NAN, NAN, NAN, 0.02, 0.03 },
  { FL_FIT_MIXTURE2, 0.0, 1.0, NAN, 0.7, 3.0, 0.5, 0.02, 0.03 },
};

static void
draw (const case_t *c, double *x, size_t n, uint64_t s)
{
  gsl_rng *g = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (g, (unsigned long) s);
  for (size_t i = 0; i < n; i++)
    switch (c->family)
      {
      case FL_FIT_NORMAL: x[i] = c->loc + gsl_ran_gaussian (g, c->scale); break;
      case FL_FIT_LAPLACE: x[i] = c->loc + gsl_ran_laplace (g, c->scale); break;
      case FL_FIT_LOGISTIC: x[i] = c->loc + gsl_ran_logistic (g, c->scale); break;
      case FL_FIT_STUDENT_T: x[i] = c->loc + c->scale * gsl_ran_tdist (g, c->shape); break;
      case FL_FIT_GENNORM: x[i] = c->loc + gsl_ran_exppow (g, c->scale, c->shape); break;
      case FL_FIT_MIXTURE2:
        x[i] = gsl_rng_uniform (g) < c->weight ? c->loc + gsl_ran_gaussian (g, c->scale)
                                                : c->loc2 + gsl_ran_gaussian (g, c->scale2);
        break;
      }
  gsl_rng_free (g);
}

static int
near_rel (double got, double want, double tol)
{
  return fabs (got - want) <= tol * fabs (want);
}

START_TEST (test_fit_recovers)
{
  const case_t *c = &cases[_i];
  double *x = malloc (N * sizeof *x);
  ck_assert (x);
  draw (c, x, N, seed + (uint64_t) _i);
  fl_fit_report rep;
  char err[256];
  ck_assert_msg (fl_fit_all (x, N, &rep, err, sizeof err) == FL_OK, "%s", err);
  const fl_fit *f = &rep.fit[c->family];
  printf ("%s: loc %.6g scale %.6g shape %.6g w %.6g loc2 %.6g scale2 %.6g; chosen %s\n",
          fl_fit_family_name (c->family), f->loc, f->scale, f->shape, f->weight, f->loc2,
          f->scale2, fl_fit_family_name (rep.chosen));
  for (int k = 0; k < FL_FIT_NFAMILIES; k++)
    printf ("  %-10s aic %.3f ks %.5f\n", fl_fit_family_name (rep.fit[k].family),
            rep.fit[k].aic, rep.fit[k].ks);
  ck_assert_uint_eq (rep.n, N);
  ck_assert_msg (fabs (f->loc - c->loc) <= c->tol_loc * c->scale, "loc %g want %g", f->loc, c->loc);
  ck_assert_msg (near_rel (f->scale, c->scale, c->tol_rel), "scale %g want %g", f->scale, c->scale);
  if (!isnan (c->shape))
    ck_assert_msg (near_rel (f->shape, c->shape, c->tol_rel), "shape %g want %g", f->shape, c->shape);
  if (c->family == FL_FIT_MIXTURE2)
    {
      ck_assert_msg (fabs (f->weight - c->weight) <= 0.01, "weight %g", f->weight);
      ck_assert_msg (fabs (f->loc2 - c->loc2) <= c->tol_loc * c->scale2, "loc2 %g", f->loc2);
      ck_assert_msg (near_rel (f->scale2, c->scale2, c->tol_rel), "scale2 %g", f->scale2);
    }
  /* the fitted family's KS statistic is small: 1.63 / sqrt(n) is the 1% critical value
     (the fit's own estimates make it smaller still) */
  ck_assert_msg (f->ks < 1.63 / sqrt ((double) N), "ks %g", f->ks);
  ck_assert_msg (rep.chosen == c->family, "chosen %s", fl_fit_family_name (rep.chosen));
  free (x);
}
END_TEST

/* The cells agree with the engine: the value of each cell's interior points is what
   fl_quantize_doubles gives (saturating), on both sides of every cut. */
START_TEST (test_cells_engine)
{
  static const char *const names[] = { "e4m3fn", "int8", "posit8es1", "lns8f3", "e2m1fn",
                                       "lp8es1rs4", "e5m2" };
  for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
    {
      fl_format *f = tu_parse (names[k]);
      fl_cells c;
      char err[256];
      ck_assert_msg (fl_cells_init (&c, f, err, sizeof err) == FL_OK, "%s", err);
      fl_rounding r;
      fl_rounding_init (&r);
      r.overflow = FL_OVF_SAT;
      for (size_t i = 0; i < c.ncells; i++)
        {
          /* a cell that holds zero alone (a posit's: nothing nonzero rounds to it) */
          if (i > 0 && i + 1 < c.ncells && nextafter (c.cut[i - 1], INFINITY) >= c.cut[i])
            continue;
          double probes[2];
          size_t np = 0;
          if (i > 0)
            probes[np++] = nextafter (c.cut[i - 1], INFINITY);
          if (i + 1 < c.ncells)
            probes[np++] = nextafter (c.cut[i], -INFINITY);
          for (size_t p = 0; p < np; p++)
            {
              double q;
              fl_quantize_doubles (f, &probes[p], &q, 1, &r, NULL);
              TU_CHECK (q == c.v[i], "%s: %a rounds to %a, cell %zu has %a", names[k],
                        probes[p], q, i, c.v[i]);
              TU_CHECK (fl_cells_find (&c, probes[p]) == i, "%s: find %a", names[k], probes[p]);
            }
        }
      fl_cells_clear (&c);
      fl_format_free (f);
    }
}
END_TEST

/* Issue 9, acceptance 2: normal data, absmax scaling, predicted and measured MSE within
   2% for e4m3fn, int8, posit8es1 and lns8f3. */
START_TEST (test_predict_normal)
{
  static const char *const names[] = { "e4m3fn", "int8", "posit8es1", "lns8f3" };
  case_t c = { FL_FIT_NORMAL, 0, 1, NAN, NAN, NAN, NAN, 0, 0 };
  double *x = malloc (N * sizeof *x), *q = malloc (N * sizeof *q);
  ck_assert (x && q);
  draw (&c, x, N, seed + 100);
  fl_fit_report rep;
  char err[256];
  ck_assert_msg (fl_fit_all (x, N, &rep, err, sizeof err) == FL_OK, "%s", err);
  fl_scale_strategy ss = { FL_SCALE_ABSMAX, 0 };
  fl_granularity g = { FL_GRAN_TENSOR, 0, 0 };
  fl_rounding r;
  fl_rounding_init (&r);
  uint64_t shape[1] = { N };
  for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
    {
      fl_quantizer *qz;
      ck_assert_msg (fl_quantizer_new (names[k], &ss, &g, &r, &qz, err, sizeof err) == FL_OK,
                     "%s", err);
      double s;
      ck_assert (fl_quantizer_scales (qz, 1, shape, x, &s, err, sizeof err) == FL_OK);
      fl_metrics m;
      fl_metrics_result res;
      fl_metrics_init (&m);
      ck_assert (fl_quantizer_apply (qz, 1, shape, &s, 0, x, q, N, NULL, &m, NULL, err,
                                     sizeof err) == FL_OK);
      fl_metrics_finish (&m, &res);
      fl_format *f = tu_parse (names[k]);
      fl_cells cells;
      ck_assert (fl_cells_init (&cells, f, err, sizeof err) == FL_OK);
      double pred;
      ck_assert_msg (fl_fit_predict_mse (&rep.fit[FL_FIT_NORMAL], &cells, s, &pred, err,
                                         sizeof err) == FL_OK, "%s", err);
      double fast;
      ck_assert (fl_fit_predict_mse_fast (&rep.fit[FL_FIT_NORMAL], &cells, s, &fast, err,
                                          sizeof err) == FL_OK);
      printf ("%s: measured MSE %.6g predicted %.6g (%+.3f%%), fast rule %.9g\n", names[k],
              res.mse, pred, 100 * (pred / res.mse - 1), fast);
      ck_assert_msg (fabs (fast / pred - 1) <= 1e-6, "%s: fast %.12g adaptive %.12g",
                     names[k], fast, pred);
      ck_assert_msg (fabs (pred / res.mse - 1) <= 0.02, "%s: measured %g predicted %g",
                     names[k], res.mse, pred);
      fl_cells_clear (&cells);
      fl_format_free (f);
      fl_quantizer_free (qz);
    }
  free (x);
  free (q);
}
END_TEST

/* Closed forms for a check of the quadrature: under N(0, 1) with int8 at scale s = 1/8
   nothing meaningful clips (max 127/8 = 15.9 sigma), so the MSE is the uniform
   quantization noise s^2 / 12 to within the curvature of the density (1e-6 relative). */
START_TEST (test_predict_uniform_noise)
{
  fl_fit f = { 0 };
  f.family = FL_FIT_NORMAL;
  f.loc = 0;
  f.scale = 1;
  fl_format *fmt = tu_parse ("int8");
  fl_cells c;
  char err[256];
  ck_assert (fl_cells_init (&c, fmt, err, sizeof err) == FL_OK);
  ck_assert_uint_eq (c.ncells, 256);
  double mse;
  ck_assert (fl_fit_predict_mse (&f, &c, 0.125, &mse, err, sizeof err) == FL_OK);
  ck_assert_msg (fabs (mse / (0.125 * 0.125 / 12) - 1) < 1e-4, "mse %.12g", mse);
  /* and E[x^2] when every value rounds to zero (scale huge: the cut is s/2) */
  ck_assert (fl_fit_predict_mse (&f, &c, 1e6, &mse, err, sizeof err) == FL_OK);
  ck_assert_msg (fabs (mse - 1) < 1e-8, "mse %.12g", mse);
  fl_cells_clear (&c);
  fl_format_free (fmt);
}
END_TEST

int
main (void)
{
  seed = tu_seed ("test_fit", 20260127);
  Suite *s = suite_create ("fit");
  TCase *t = tcase_create ("fits");
  tcase_set_timeout (t, 300);
  tcase_add_loop_test (t, test_fit_recovers, 0, (int) (sizeof cases / sizeof cases[0]));
  suite_add_tcase (s, t);
  TCase *p = tcase_create ("predict");
  tcase_set_timeout (p, 300);
  tcase_add_test (p, test_cells_engine);
  tcase_add_test (p, test_predict_uniform_noise);
  tcase_add_test (p, test_predict_normal);
  suite_add_tcase (s, p);
  return tu_run (s);
}
