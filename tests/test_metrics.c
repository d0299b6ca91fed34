/* test_metrics.c -- metrics, scale strategies, granularities and the synthetic
   distributions (analysis/metrics.c, analysis/scale.c, analysis/synthetic.c).
   Expected values are computed by hand in the comments, or by an independent brute force
   (the mse scale against a fine grid evaluated here with the exact encoder). */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fmtlab/metrics.h>
#include <fmtlab/scale.h>
#include <fmtlab/synthetic.h>
#include "testutil.h"

static uint64_t seed;

#define NEAR(a, b, tol) (fabs ((a) - (b)) <= (tol))

/* x = 1 -2 3 0 NaN Inf, q = 1 -1.5 4 0.5 NaN 5: finite n = 4, e = q - x = 0 .5 1 .5;
   sum e^2 = 1.5, sum x^2 = 14, sum q^2 = 19.5, sum x q = 16, relative errors over the
   nonzero x: 0, 1/4, 1/3. */
START_TEST (test_metrics_hand)
{
  const double x[] = { 1, -2, 3, 0, NAN, INFINITY };
  const double q[] = { 1, -1.5, 4, 0.5, NAN, 5 };
  const unsigned char clip[] = { 0, 0, 1, 0, 0, 0 };
  fl_metrics m;
  fl_metrics_result r;
  fl_metrics_init (&m);
  fl_metrics_add (&m, x, q, 6, clip);
  fl_metrics_finish (&m, &r);
  ck_assert_uint_eq (r.n, 4);
  ck_assert_uint_eq (r.nan, 1);
  ck_assert_uint_eq (r.inf, 1);
  ck_assert (r.mse == 0.375);                            /* 1.5 / 4 */
  ck_assert (NEAR (r.rmse, 0.6123724356957945, 1e-15));  /* sqrt 0.375 */
  ck_assert (NEAR (r.sqnr_db, 9.700367766225568, 1e-12));/* 10 log10 (14 / 1.5) */
  ck_assert (r.max_abs_err == 1);
  ck_assert (NEAR (r.max_rel_err, 1.0 / 3, 1e-15));
  ck_assert (NEAR (r.mean_rel_err, (0.25 + 1.0 / 3) / 3, 1e-15));
  ck_assert (NEAR (r.cosine, 16 / sqrt (273.0), 1e-15)); /* 16 / sqrt (14 * 19.5) */
  ck_assert (r.clipped_share == 0.25);
  ck_assert (r.flushed_share == 0);
  ck_assert (r.bias == 0.5);                             /* 2 / 4 */

  /* flushed: 0.1 -> 0 is one of two nonzero inputs */
  const double x2[] = { 0.1, 2 }, q2[] = { 0, 2 };
  fl_metrics_init (&m);
  fl_metrics_add (&m, x2, q2, 2, NULL);
  fl_metrics_finish (&m, &r);
  ck_assert (r.flushed_share == 0.5);
  ck_assert (r.max_rel_err == 1);

  /* nothing counted: every figure NaN; no error: SQNR +inf */
  fl_metrics_init (&m);
  fl_metrics_add (&m, x + 4, q + 4, 2, NULL);
  fl_metrics_finish (&m, &r);
  ck_assert (isnan (r.mse) && isnan (r.sqnr_db) && r.n == 0);
  fl_metrics_init (&m);
  fl_metrics_add (&m, x, x, 3, NULL);
  fl_metrics_finish (&m, &r);
  ck_assert (isinf (r.sqnr_db) && r.sqnr_db > 0 && r.cosine == 1);

  /* a finite input quantized to NaN (overflow policy nan) spoils the error figures */
  const double x3[] = { 1, 500 }, q3[] = { 1, NAN };
  fl_metrics_init (&m);
  fl_metrics_add (&m, x3, q3, 2, NULL);
  fl_metrics_finish (&m, &r);
  ck_assert (r.n == 2 && isnan (r.mse) && isnan (r.max_abs_err) && isnan (r.max_rel_err));
}
END_TEST

/* Merging chunk accumulators equals one accumulator over everything. */
START_TEST (test_metrics_merge)
{
  enum { N = 1000 };
  double x[N], q[N];
  uint64_t st = seed;
  for (int i = 0; i < N; i++)
    {
      x[i] = (double) (tu_splitmix (&st) >> 11) * 0x1p-53 - 0.5;
      q[i] = x[i] + ((double) (tu_splitmix (&st) >> 11) * 0x1p-53 - 0.5) * 1e-3;
    }
  fl_metrics all, a, b;
  fl_metrics_init (&all);
  fl_metrics_init (&a);
  fl_metrics_init (&b);
  fl_metrics_add (&all, x, q, N, NULL);
  fl_metrics_add (&a, x, q, 377, NULL);
  fl_metrics_add (&b, x + 377, q + 377, N - 377, NULL);
  fl_metrics_merge (&a, &b);
  fl_metrics_result ra, rb;
  fl_metrics_finish (&all, &ra);
  fl_metrics_finish (&a, &rb);
  ck_assert (ra.n == rb.n && ra.max_abs_err == rb.max_abs_err && ra.max_rel_err == rb.max_rel_err);
  ck_assert (NEAR (ra.sqnr_db, rb.sqnr_db, 1e-9));
  ck_assert (NEAR (ra.mse, rb.mse, ra.mse * 1e-12));
}
END_TEST

/* Codes 0 0 1 2: p = 1/2 1/4 1/4, entropy 1.5 bits. */
START_TEST (test_entropy)
{
  fl_code_hist h;
  char err[256];
  const uint64_t c[] = { 0, 0, 1, 2 };
  ck_assert_int_eq (fl_code_hist_init (&h, 8, err, sizeof err), FL_OK);
  fl_code_hist_add (&h, c, 4);
  ck_assert (NEAR (fl_code_hist_entropy (&h), 1.5, 1e-15));
  fl_code_hist_clear (&h);
  ck_assert_int_eq (fl_code_hist_init (&h, 32, err, sizeof err), FL_OK);
  ck_assert (isnan (fl_code_hist_entropy (&h)));   /* too wide: not computed */
}
END_TEST

static fl_quantizer *
make_qz (const char *fmt, const char *scale, const char *gran)
{
  fl_scale_strategy s;
  fl_granularity g;
  fl_rounding r;
  fl_quantizer *qz;
  char err[256];
  fl_rounding_init (&r);
  ck_assert_msg (fl_scale_strategy_parse (scale, &s, err, sizeof err) == FL_OK, "%s", err);
  ck_assert_msg (fl_granularity_parse (gran, &g, err, sizeof err) == FL_OK, "%s", err);
  ck_assert_msg (fl_quantizer_new (fmt, &s, &g, &r, &qz, err, sizeof err) == FL_OK, "%s", err);
  return qz;
}

/* absmax on e4m3fn (max 448): x = 0.3 -7 2, s = 7/448 = 2^-6 exactly; x/s = 19.2 -448
   128; e4m3fn's values in [16, 32) are 2 apart, so 19.2 -> 20: q = 0.3125 -7 2.
   pow2: 7 <= 448 * 2^-6, so s = 2^-6 too; with absmax 7.1, s = 2^-5. */
START_TEST (test_scale_absmax_pow2)
{
  const uint64_t shape[] = { 3 };
  double x[] = { 0.3, -7, 2 }, q[3], s;
  char err[256];
  fl_quantizer *qz = make_qz ("e4m3fn", "absmax", "tensor");
  ck_assert_int_eq (fl_quantizer_scales (qz, 1, shape, x, &s, err, sizeof err), FL_OK);
  ck_assert (s == 0x1p-6);
  fl_metrics m;
  fl_metrics_init (&m);
  ck_assert_int_eq (fl_quantizer_apply (qz, 1, shape, &s, 0, x, q, 3, NULL, &m, NULL, err,
                                        sizeof err), FL_OK);
  ck_assert (q[0] == 0.3125 && q[1] == -7 && q[2] == 2);
  ck_assert (m.clipped == 0);
  /* 32 bits of scale over 3 elements */
  ck_assert (NEAR (fl_quantizer_bits_per_element (qz, 3, 1), 8 + 32.0 / 3, 1e-12));
  fl_quantizer_free (qz);

  qz = make_qz ("e4m3fn", "pow2", "tensor");
  ck_assert_int_eq (fl_quantizer_scales (qz, 1, shape, x, &s, err, sizeof err), FL_OK);
  ck_assert (s == 0x1p-6);
  x[1] = -7.1;
  ck_assert_int_eq (fl_quantizer_scales (qz, 1, shape, x, &s, err, sizeof err), FL_OK);
  ck_assert (s == 0x1p-5);
  fl_quantizer_free (qz);

  /* a group of zeros has scale 1 */
  double z[3] = { 0, -0.0, 0 };
  qz = make_qz ("int8", "absmax", "tensor");
  ck_assert_int_eq (fl_quantizer_scales (qz, 1, shape, z, &s, err, sizeof err), FL_OK);
  ck_assert (s == 1);
  fl_quantizer_free (qz);
}
END_TEST

/* percentile:50 of |x| = 1..100 with linear interpolation is 50.5 (numpy.percentile);
   int8's max is 127. */
START_TEST (test_scale_percentile)
{
  double x[100], s;
  const uint64_t shape[] = { 100 };
  char err[256];
  for (int i = 0; i < 100; i++)
    x[i] = (i % 2 ? -1 : 1) * (double) (i + 1);
  fl_quantizer *qz = make_qz ("int8", "percentile:50", "tensor");
  ck_assert_int_eq (fl_quantizer_scales (qz, 1, shape, x, &s, err, sizeof err), FL_OK);
  ck_assert (s == 50.5 / 127);
  /* half the values clip: |x| / s > 127 for |x| > 50.5 */
  double q[100];
  fl_metrics m;
  fl_metrics_init (&m);
  fl_quantizer_apply (qz, 1, shape, &s, 0, x, q, 100, NULL, &m, NULL, err, sizeof err);
  ck_assert_uint_eq (m.clipped, 50);
  ck_assert (q[99] == -128 * s);       /* x[99] = -100: saturated to int8 -128, not wrapped */
  fl_quantizer_free (qz);
}
END_TEST

/* Sum of squared errors under scale s, computed here through the exact encoder
   (fl_encode on an exact mpfr copy of fl(x / s)) with saturation. */
static double
sse_exact (const fl_format *f, const double *x, size_t n, double s)
{
  mpfr_t v;
  mpfr_init2 (v, 64);
  fl_rounding r;
  fl_rounding_init (&r);
  r.overflow = FL_OVF_SAT;
  long double acc = 0;
  for (size_t i = 0; i < n; i++)
    {
      mpfr_set_d (v, x[i] / s, MPFR_RNDN);
      uint64_t c = fl_encode (f, v, &r, NULL);
      mpfr_init2 (v, fl_format_prec (f));
      fl_decode (f, c, v);
      long double e = (long double) (s * mpfr_get_d (v, MPFR_RNDN)) - x[i];
      acc += e * e;
      mpfr_set_prec (v, 64);
    }
  mpfr_clear (v);
  return (double) acc;
}

/* The mse scale is the optimum of a fine grid: no threshold of a 1000-point grid over
   (0, absmax] gives an error more than 0.1% below the chosen one's. */
START_TEST (test_scale_mse_grid)
{
  static const char *const fmts[] = { "int4", "e2m1fn", "e4m3fn" };
  enum { N = 4000, GRID = 1000 };
  double *x = malloc (N * sizeof *x), s;
  char err[256];
  const uint64_t shape[] = { N };
  ck_assert_int_eq (fl_synthetic_fill (FL_SYN_STUDENT3, seed, 0, x, N, err, sizeof err), FL_OK);
  double a = 0;
  for (int i = 0; i < N; i++)
    a = fmax (a, fabs (x[i]));
  for (size_t k = 0; k < 3; k++)
    {
      fl_quantizer *qz = make_qz (fmts[k], "mse", "tensor");
      fl_format *f = tu_parse (fmts[k]);
      double maxf = fl_format_max_double (f);
      ck_assert_int_eq (fl_quantizer_scales (qz, 1, shape, x, &s, err, sizeof err), FL_OK);
      double chosen = sse_exact (f, x, N, s), best = INFINITY;
      for (int j = 1; j <= GRID; j++)
        best = fmin (best, sse_exact (f, x, N, a * j / GRID / maxf));
      ck_assert_msg (chosen <= best * 1.001, "%s: mse scale %g has error %g, grid best %g",
                     fmts[k], s, chosen, best);
      /* and it beats absmax on a heavy-tailed sample */
      ck_assert (chosen < sse_exact (f, x, N, a / maxf));
      fl_format_free (f);
      fl_quantizer_free (qz);
    }
  free (x);
}
END_TEST

/* Entropy calibration on known histograms.
   1. 10 10 10 10 0 0 0 0, 2 levels: i = 4 makes Q equal P (groups of 2 bins of equal
      counts), KL = 0; i = 2 folds 20 outliers into P = 10 30 against Q = 10 10, KL > 0; so
      the smallest minimiser is 4.
   2. all mass in the last bin: any i < 8 gives Q empty (KL infinite); i = 8 is exact. */
START_TEST (test_kl_known)
{
  const double h1[8] = { 10, 10, 10, 10, 0, 0, 0, 0 };
  const double h2[8] = { 0, 0, 0, 0, 0, 0, 0, 10 };
  ck_assert_uint_eq (fl_kl_calibrate (h1, 8, 2), 4);
  ck_assert_uint_eq (fl_kl_calibrate (h2, 8, 2), 8);
  /* a uniform histogram: Q equals P only when nothing is cut, i = 8 */
  const double h3[8] = { 5, 5, 5, 5, 5, 5, 5, 5 };
  ck_assert_uint_eq (fl_kl_calibrate (h3, 8, 2), 8);
  fl_format *f = tu_parse ("int8");
  ck_assert_uint_eq (fl_kl_levels (f), 127);
  fl_format_free (f);
  f = tu_parse ("e2m1fn");               /* 0.5 1 1.5 2 3 4 6 */
  ck_assert_uint_eq (fl_kl_levels (f), 7);
  fl_format_free (f);
}
END_TEST

/* Channel and block granularities: shape 2 x 3 = rows (1 -2 4) (8 0.5 -16); int8 absmax:
   channel:0 scales 4/127 16/127; channel:-1 (columns) 8/127 2/127 16/127; block:4 over C
   order: (1 -2 4 8) (0.5 -16) -> 8/127 16/127. */
START_TEST (test_granularity)
{
  const uint64_t shape[] = { 2, 3 };
  const double x[] = { 1, -2, 4, 8, 0.5, -16 };
  double s[3];
  uint64_t ng;
  char err[256];
  fl_quantizer *qz = make_qz ("int8", "absmax", "channel:0");
  ck_assert_int_eq (fl_quantizer_groups (qz, 2, shape, &ng, err, sizeof err), FL_OK);
  ck_assert_uint_eq (ng, 2);
  fl_quantizer_scales (qz, 2, shape, x, s, err, sizeof err);
  ck_assert (s[0] == 4.0 / 127 && s[1] == 16.0 / 127);
  double am[2] = { 0, 0 }, s2[2];
  fl_quantizer_absmax_update (qz, 2, shape, 0, x, 4, am);
  fl_quantizer_absmax_update (qz, 2, shape, 4, x + 4, 2, am);
  fl_quantizer_scales_from_absmax (qz, am, 2, s2);
  ck_assert (s2[0] == s[0] && s2[1] == s[1]);
  fl_quantizer_free (qz);

  qz = make_qz ("int8", "absmax", "channel:-1");
  ck_assert_int_eq (fl_quantizer_groups (qz, 2, shape, &ng, err, sizeof err), FL_OK);
  ck_assert_uint_eq (ng, 3);
  fl_quantizer_scales (qz, 2, shape, x, s, err, sizeof err);
  ck_assert (s[0] == 8.0 / 127 && s[1] == 2.0 / 127 && s[2] == 16.0 / 127);
  fl_quantizer_free (qz);

  qz = make_qz ("int8", "absmax", "channel:2");
  ck_assert_int_eq (fl_quantizer_groups (qz, 2, shape, &ng, err, sizeof err), FL_EINVAL);
  fl_quantizer_free (qz);

  qz = make_qz ("int8", "absmax", "block:4");
  ck_assert_int_eq (fl_quantizer_groups (qz, 2, shape, &ng, err, sizeof err), FL_OK);
  ck_assert_uint_eq (ng, 2);
  fl_quantizer_scales (qz, 2, shape, x, s, err, sizeof err);
  ck_assert (s[0] == 8.0 / 127 && s[1] == 16.0 / 127);
  double q[6];
  fl_quantizer_apply (qz, 2, shape, s, 0, x, q, 6, NULL, NULL, NULL, err, sizeof err);
  ck_assert (q[3] == 8 && q[5] == -16);
  fl_quantizer_free (qz);

  fl_scale_strategy ss;
  fl_granularity g;
  ck_assert_int_eq (fl_scale_strategy_parse ("percentile:0", &ss, err, sizeof err), FL_EINVAL);
  ck_assert_int_eq (fl_scale_strategy_parse ("maxabs", &ss, err, sizeof err), FL_EINVAL);
  ck_assert_int_eq (fl_granularity_parse ("block:0", &g, err, sizeof err), FL_EINVAL);
  ck_assert_int_eq (fl_granularity_parse ("channel:x", &g, err, sizeof err), FL_EINVAL);
}
END_TEST

/* Stochastic rounding and block formats do not depend on chunking: the whole tensor at
   once equals chunks of 96 (a multiple of MX's 32). */
START_TEST (test_chunking)
{
  enum { N = 4096 };
  static const char *const fmts[] = { "e4m3fn", "mxfp8e4m3", "mxfp4" };
  double *x = malloc (N * sizeof *x), *q1 = malloc (N * sizeof *q1), *q2 = malloc (N * sizeof *q2);
  char err[256];
  const uint64_t shape[] = { N };
  fl_synthetic_fill (FL_SYN_LAPLACE, seed, 0, x, N, err, sizeof err);
  x[5] = NAN;
  for (size_t k = 0; k < 3; k++)
    {
      fl_scale_strategy s = { FL_SCALE_ABSMAX, 0 };
      fl_granularity g = { FL_GRAN_TENSOR, 0, 0 };
      fl_rounding r;
      fl_rounding_init (&r);
      r.mode = FL_SR;
      r.seed = seed;
      fl_quantizer *qz;
      double sc = 1;
      ck_assert_int_eq (fl_quantizer_new (fmts[k], &s, &g, &r, &qz, err, sizeof err), FL_OK);
      fl_quantizer_scales (qz, 1, shape, x, &sc, err, sizeof err);
      fl_metrics m1, m2, part;
      fl_metrics_init (&m1);
      fl_metrics_init (&m2);
      fl_status st = fl_quantizer_apply (qz, 1, shape, &sc, 0, x, q1, N, NULL, &m1, NULL,
                                         err, sizeof err);
      ck_assert_msg (st == FL_OK, "%s: %s", fmts[k], err);
      for (size_t lo = 0; lo < N; lo += 96)
        {
          size_t len = N - lo < 96 ? N - lo : 96;
          fl_metrics_init (&part);
          fl_quantizer_apply (qz, 1, shape, &sc, lo, x + lo, q2 + lo, len, NULL, &part, NULL,
                              err, sizeof err);
          fl_metrics_merge (&m2, &part);
        }
      ck_assert (isnan (q1[5]) && isnan (q2[5]));
      for (size_t i = 0; i < N; i++)
        if (i != 5)
          ck_assert_msg (q1[i] == q2[i], "%s element %zu", fmts[k], i);
      ck_assert (m1.n == N - 1 && m1.nan == 1 && m2.n == m1.n);
      fl_quantizer_free (qz);
    }
  free (x);
  free (q1);
  free (q2);
}
END_TEST

/* fl_quantizer_measure on a whole tensor equals the scales + one apply, with any
   number of threads (mse scale, channel granularity, and a block format). */
START_TEST (test_measure)
{
  enum { R = 37, C = 1000 };
  static const char *const cases[][3] = {
    { "e4m3fn", "mse", "channel:0" }, { "int4", "absmax", "block:48" },
    { "mxfp4", "none", "tensor" },
  };
  const uint64_t shape[] = { R, C };
  double *x = malloc (R * C * sizeof *x), *q1 = malloc (R * C * sizeof *q1),
         *q2 = malloc (R * C * sizeof *q2), *s = malloc (R * C * sizeof *s);
  char err[256];
  fl_synthetic_fill (FL_SYN_LOGNORMAL, seed, 0, x, R * C, err, sizeof err);
  for (size_t k = 0; k < 3; k++)
    {
      fl_quantizer *qz = make_qz (cases[k][0], cases[k][1], cases[k][2]);
      fl_metrics m1, m2;
      fl_code_hist h1, h2;
      fl_metrics_init (&m1);
      fl_metrics_init (&m2);
      fl_code_hist_init (&h1, fl_quantizer_code_bits (qz), err, sizeof err);
      fl_code_hist_init (&h2, fl_quantizer_code_bits (qz), err, sizeof err);
      ck_assert_int_eq (fl_quantizer_scales (qz, 2, shape, x, s, err, sizeof err), FL_OK);
      ck_assert_int_eq (fl_quantizer_apply (qz, 2, shape, s, 0, x, q1, R * C, NULL, &m1, &h1,
                                            err, sizeof err), FL_OK);
      ck_assert_int_eq (fl_quantizer_measure (qz, 2, shape, x, q2, &m2, &h2, err, sizeof err),
                        FL_OK);
      ck_assert_msg (memcmp (q1, q2, R * C * sizeof *q1) == 0, "%s", cases[k][0]);
      fl_metrics_result r1, r2;
      fl_metrics_finish (&m1, &r1);
      fl_metrics_finish (&m2, &r2);
      ck_assert (r1.n == r2.n && r1.max_abs_err == r2.max_abs_err && r1.clipped_share == r2.clipped_share);
      ck_assert (NEAR (r1.sqnr_db, r2.sqnr_db, 1e-9));
      ck_assert (fl_code_hist_entropy (&h1) == fl_code_hist_entropy (&h2));
      /* without q, metrics or histogram */
      ck_assert_int_eq (fl_quantizer_measure (qz, 2, shape, x, NULL, NULL, NULL, err,
                                              sizeof err), FL_OK);
      fl_code_hist_clear (&h1);
      fl_code_hist_clear (&h2);
      fl_quantizer_free (qz);
    }
  free (x);
  free (q1);
  free (q2);
  free (s);
}
END_TEST

/* Synthetic distributions: a range read alone equals the same range of a longer read;
   the normal sample of 10^5 has mean within 0.02 and variance within 0.02 of N(0, 1)'s
   (5 standard errors). */
START_TEST (test_synthetic)
{
  enum { N = 100000 };
  double *a = malloc (N * sizeof *a), b[100];
  char err[256];
  fl_synthetic d;
  ck_assert_int_eq (fl_synthetic_parse ("student3", &d), 0);
  ck_assert_int_eq (fl_synthetic_parse ("cauchy", &d), -1);
  for (int k = 0; k < 4; k++)
    {
      fl_synthetic_fill ((fl_synthetic) k, 7, 0, a, N, err, sizeof err);
      fl_synthetic_fill ((fl_synthetic) k, 7, 4000, b, 100, err, sizeof err);
      ck_assert (memcmp (a + 4000, b, sizeof b) == 0);
    }
  fl_synthetic_fill (FL_SYN_NORMAL, 7, 0, a, N, err, sizeof err);
  double mean = 0, var = 0;
  for (int i = 0; i < N; i++)
    mean += a[i];
  mean /= N;
  for (int i = 0; i < N; i++)
    var += (a[i] - mean) * (a[i] - mean);
  var /= N - 1;
  ck_assert (fabs (mean) < 0.02 && fabs (var - 1) < 0.02);
  free (a);
}
END_TEST

int
main (void)
{
  seed = tu_seed ("test_metrics", 8);
  Suite *s = suite_create ("metrics");
  TCase *tc = tcase_create ("metrics");
  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_metrics_hand);
  tcase_add_test (tc, test_metrics_merge);
  tcase_add_test (tc, test_entropy);
  tcase_add_test (tc, test_scale_absmax_pow2);
  tcase_add_test (tc, test_scale_percentile);
  tcase_add_test (tc, test_scale_mse_grid);
  tcase_add_test (tc, test_kl_known);
  tcase_add_test (tc, test_granularity);
  tcase_add_test (tc, test_chunking);
  tcase_add_test (tc, test_measure);
  tcase_add_test (tc, test_synthetic);
  suite_add_tcase (s, tc);
  return tu_run (s);
}
