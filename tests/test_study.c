/* test_study.c -- the studies framework (include/fmtlab/study.h), the IDX reader, and the
   'gupta' study's pieces: SPEC B§8.3's known answers through the fast path the study uses
   (fl_quantize_doubles on fixed<IL>.<FL>), the MLP's gradient against central finite
   differences, and a short training run in <8,8> where round-to-nearest loses the small
   updates and stochastic rounding keeps them; the accuracy cache the format studies read
   (study_accuracy.c). */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <fmtlab/study.h>
#include "testutil.h"
#include "study-impl.h"
#include "study-data-impl.h"
#include "mlp-impl.h"
#include <fmtlab/layerfit.h>

static uint64_t seed;

/* ---- tables ---- */

START_TEST (test_table)
{
  static const char *const names[] = { "name", "n", "x" };
  static const fl_cell_type types[] = { FL_CELL_TEXT, FL_CELL_INT, FL_CELL_REAL };
  ck_assert_ptr_null (fl_table_new ("bad/name", "t", 3, names, types));
  ck_assert_ptr_null (fl_table_new ("", "t", 3, names, types));
  fl_table *t = fl_table_new ("ok_name-1", "A title", 3, names, types);
  ck_assert_ptr_nonnull (t);
  for (int i = 0; i < 40; i++)   /* past the first growth */
    {
      size_t r = fl_table_add_row (t);
      ck_assert_uint_eq (r, (size_t) i);
      ck_assert_int_eq (fl_table_set_text (t, r, 0, "row"), FL_OK);
      ck_assert_int_eq (fl_table_set_int (t, r, 1, i), FL_OK);
      if (i % 2)
        ck_assert_int_eq (fl_table_set_real (t, r, 2, i / 4.0), FL_OK);
    }
  /* type mismatches and out-of-range cells are refused */
  ck_assert_int_eq (fl_table_set_real (t, 0, 1, 1.0), FL_EINVAL);
  ck_assert_int_eq (fl_table_set_int (t, 0, 0, 1), FL_EINVAL);
  ck_assert_int_eq (fl_table_set_int (t, 40, 1, 1), FL_EINVAL);
  ck_assert_int_eq (fl_table_set_int (t, 0, 3, 1), FL_EINVAL);
  ck_assert_uint_eq (t->nrows, 40);
  ck_assert_int_eq (fl_table_cell (t, 39, 1)->v.i, 39);
  ck_assert (fl_table_cell (t, 39, 2)->v.r == 9.75);
  ck_assert_int_eq (fl_table_cell (t, 38, 2)->set, 0);
  ck_assert_str_eq (fl_table_cell (t, 5, 0)->v.s, "row");
  ck_assert_uint_eq (fl_table_col (t, "x"), 2);
  ck_assert_uint_eq (fl_table_col (t, "nope"), (size_t) -1);
  fl_study_result r;
  fl_study_result_init (&r);
  ck_assert_int_eq (fl_study_result_add (&r, t), FL_OK);
  ck_assert_int_eq (fl_study_result_note (&r, "a %d", 1), FL_OK);
  ck_assert_int_eq (fl_study_result_note (&r, "b %s", "two"), FL_OK);
  ck_assert_str_eq (r.summary, "a 1\nb two\n");
  fl_study_result_free (&r);
}
END_TEST

START_TEST (test_registry)
{
  size_t n;
  const fl_study *s = fl_study_list (&n);
  ck_assert_uint_ge (n, 1);
  for (size_t i = 0; i < n; i++)
    {
      ck_assert_ptr_eq (fl_study_find (s[i].name), &s[i]);
      ck_assert_ptr_nonnull (s[i].run);
      ck_assert_ptr_nonnull (s[i].quick_sizes);
    }
  ck_assert_ptr_nonnull (fl_study_find ("gupta"));
  ck_assert_ptr_null (fl_study_find ("nosuch"));
}
END_TEST

/* ---- IDX ---- */

static char *
write_tmp (const uint8_t *b, size_t n)
{
  static char path[64];
  snprintf (path, sizeof path, "/tmp/test_study_idx_XXXXXX");
  int fd = mkstemp (path);
  ck_assert_int_ge (fd, 0);
  ck_assert_int_eq (write (fd, b, n), (ssize_t) n);
  close (fd);
  return path;
}

START_TEST (test_idx)
{
  /* a 2 x 3 file, then hostile variants: truncated data, zero size, huge size, wrong type */
  uint8_t ok[] = { 0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6 };
  unsigned nd;
  uint32_t dims[4];
  uint8_t *data;
  char err[256];
  char *p = write_tmp (ok, sizeof ok);
  ck_assert_int_eq (fl_idx_read_u8 (p, 1 << 20, &nd, dims, &data, err, sizeof err), FL_OK);
  ck_assert_uint_eq (nd, 2);
  ck_assert_uint_eq (dims[0], 2);
  ck_assert_uint_eq (dims[1], 3);
  ck_assert_int_eq (data[5], 6);
  free (data);
  unlink (p);
  p = write_tmp (ok, sizeof ok - 1);
  ck_assert_int_eq (fl_idx_read_u8 (p, 1 << 20, &nd, dims, &data, err, sizeof err), FL_EINVAL);
  ck_assert_ptr_nonnull (strstr (err, "truncated"));
  ck_assert_ptr_null (data);
  unlink (p);
  uint8_t zero[] = { 0, 0, 8, 1, 0, 0, 0, 0 };
  p = write_tmp (zero, sizeof zero);
  ck_assert_int_eq (fl_idx_read_u8 (p, 1 << 20, &nd, dims, &data, err, sizeof err), FL_ERANGE);
  unlink (p);
  uint8_t huge[] = { 0, 0, 8, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1 };
  p = write_tmp (huge, sizeof huge);
  ck_assert_int_eq (fl_idx_read_u8 (p, 1 << 20, &nd, dims, &data, err, sizeof err), FL_ERANGE);
  unlink (p);
  uint8_t f32[] = { 0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0 };
  p = write_tmp (f32, sizeof f32);
  ck_assert_int_eq (fl_idx_read_u8 (p, 1 << 20, &nd, dims, &data, err, sizeof err), FL_EINVAL);
  unlink (p);
  p = write_tmp (f32, 2);
  ck_assert_int_eq (fl_idx_read_u8 (p, 1 << 20, &nd, dims, &data, err, sizeof err), FL_EINVAL);
  unlink (p);
  ck_assert_int_eq (fl_idx_read_u8 ("/nonexistent/x.gz", 1 << 20, &nd, dims, &data, err,
                                    sizeof err), FL_EINVAL);
}
END_TEST

/* ---- SPEC B§8.3 through the fast path ---- */

static double
q1 (const char *fmt, double x, fl_round_mode mode, uint64_t stream)
{
  fl_format *f = tu_parse (fmt);
  fl_rounding r;
  fl_rounding_init (&r);
  r.mode = mode;
  r.overflow = FL_OVF_SAT;
  r.seed = seed;
  r.stream = stream;
  double y;
  fl_quantize_doubles (f, &x, &y, 1, &r, NULL);
  fl_format_free (f);
  return y;
}

START_TEST (test_b83_ranges)
{
  /* B§8.3 check 1: the ranges of <2,14>, <4,12>, <8,8> */
  ck_assert (q1 ("fixed2.14", 1e9, FL_RNE, 0) == 1.99993896484375);
  ck_assert (q1 ("fixed2.14", -1e9, FL_RNE, 0) == -2);
  ck_assert (q1 ("fixed4.12", 1e9, FL_RNE, 0) == 7.999755859375);
  ck_assert (q1 ("fixed4.12", -1e9, FL_RNE, 0) == -8);
  ck_assert (q1 ("fixed8.8", 1e9, FL_RNE, 0) == 127.99609375);
  /* check 4: saturation of 300 and -300 in <8,8> */
  ck_assert (q1 ("fixed8.8", 300, FL_RNE, 0) == 127.99609375);
  ck_assert (q1 ("fixed8.8", -300, FL_RNE, 0) == -128);
  ck_assert (q1 ("fixed8.8", 300, FL_SR, 7) == 127.99609375);
}
END_TEST

START_TEST (test_b83_sr_mean)
{
  /* check 2: x = floor(x) + 0.25 eps in <8,8>: P(up) = 1/4, mean -> x within O(eps/sqrt N) */
  const double eps = 0x1p-8, x = 1.5 + 0.25 * eps;
  const long n = 200000;
  long up = 0;
  double sum = 0;
  for (long i = 0; i < n; i++)
    {
      double y = q1 ("fixed8.8", x, FL_SR, (uint64_t) i);
      TU_CHECK (y == 1.5 || y == 1.5 + eps, "SR gave %a, not a neighbour of %a", y, x);
      up += y != 1.5;
      sum += y;
    }
  double p = (double) up / n, sd = sqrt (0.25 * 0.75 / n);
  ck_assert_msg (fabs (p - 0.25) < 5 * sd, "P(up) %.5f, expected 0.25 +- %.5f", p, 5 * sd);
  ck_assert_msg (fabs (sum / n - x) < 5 * sd * eps, "mean off by %g", sum / n - x);
}
END_TEST

START_TEST (test_b83_vanishing)
{
  /* check 3: RN maps any |dw| < 2^-9 to 0 in <8,8>; SR keeps it with P = |dw| 2^8 */
  static const double dws[] = { 0x1p-10, 0x1.fffp-10, -0x1p-12, 0x1p-20 };
  for (size_t k = 0; k < sizeof dws / sizeof dws[0]; k++)
    {
      ck_assert (q1 ("fixed8.8", dws[k], FL_RNE, 0) == 0);
      long nz = 0, n = 100000;
      for (long i = 0; i < n; i++)
        nz += q1 ("fixed8.8", dws[k], FL_SR, (uint64_t) i) != 0;
      double p = fabs (dws[k]) * 0x1p8, sd = sqrt (p * (1 - p) / n);
      ck_assert_msg (fabs ((double) nz / n - p) < 5 * sd + 1e-5,
                     "dw %a: P(nonzero) %.5f, expected %.5f", dws[k], (double) nz / n, p);
    }
}
END_TEST

/* ---- the MLP's gradient against central differences (double, no rounding) ---- */

START_TEST (test_mlp_gradient)
{
  uint64_t rng = seed;
  fl_mlp m;
  ck_assert_int_eq (fl_mlp_init (&m, 12, 7, 4, &rng, NULL), FL_OK);
  for (size_t i = 0; i < m.nhid; i++)
    m.b1[i] = 0.1 * (fl_study_uniform (&rng) - 0.3);   /* nonzero biases, most units on */
  for (size_t i = 0; i < m.nout; i++)
    m.b2[i] = 0.1 * fl_study_uniform (&rng);
  enum { B = 5 };
  double x[B * 12];
  uint8_t y[B];
  for (size_t i = 0; i < B * 12; i++)
    x[i] = fl_study_uniform (&rng);
  for (size_t b = 0; b < B; b++)
    y[b] = (uint8_t) (fl_study_rand (&rng) % 4);
  fl_mlp_grad g;
  ck_assert_int_eq (fl_mlp_grad_alloc (&g, &m), FL_OK);
  fl_mlp_loss_grad (&m, x, y, B, &g, NULL);
  double *params[4] = { m.w1, m.b1, m.w2, m.b2 };
  double *grads[4] = { g.w1, g.b1, g.w2, g.b2 };
  size_t sizes[4] = { 7 * 12, 7, 4 * 7, 4 };
  const double h = 1e-6;
  double worst = 0;
  for (int t = 0; t < 4; t++)
    for (size_t i = 0; i < sizes[t]; i++)
      {
        double w = params[t][i];
        params[t][i] = w + h;
        double lp = fl_mlp_loss_grad (&m, x, y, B, NULL, NULL);
        params[t][i] = w - h;
        double lm = fl_mlp_loss_grad (&m, x, y, B, NULL, NULL);
        params[t][i] = w;
        double fd = (lp - lm) / (2 * h), err = fabs (fd - grads[t][i]);
        double tol = 1e-6 + 1e-5 * fabs (fd);
        TU_CHECK (err <= tol, "param %d[%zu]: analytic %.10g, finite difference %.10g", t, i,
                  grads[t][i], fd);
        if (err > worst)
          worst = err;
      }
  printf ("mlp gradient: worst |analytic - central difference| = %.3g\n", worst);
  fl_mlp_grad_free (&g);
  fl_mlp_free (&m);
}
END_TEST

/* ---- sr against rne at a small FL ---- */

/* Train on Fashion-MNIST (Debian's dataset-fashion-mnist; skipped without it) through the
   study itself with a small configuration is too slow for a unit test; instead train the
   same MLP on a synthetic separable problem with updates far below half a step of <8,8>. */
static double
train_error (fl_round_mode mode, const char *fmt)
{
  enum { NIN = 16, NH = 16, NO = 4, N = 512, B = 32, EPOCHS = 30 };
  uint64_t rng = seed ^ 0xabcdull;
  static double x[N * NIN];
  static uint8_t y[N];
  /* four classes: the class decides which quarter of the inputs is bright */
  for (size_t i = 0; i < N; i++)
    {
      y[i] = (uint8_t) (fl_study_rand (&rng) % NO);
      for (size_t k = 0; k < NIN; k++)
        x[i * NIN + k] = 0.5 * fl_study_uniform (&rng) + (k / (NIN / NO) == y[i] ? 0.5 : 0);
    }
  fl_format *f = tu_parse (fmt);
  fl_mlp_quant q = { .fmt = f };
  fl_rounding_init (&q.rnd);
  q.rnd.mode = mode;
  q.rnd.overflow = FL_OVF_SAT;
  q.rnd.seed = seed;
  fl_mlp_round (&q, x, N * NIN);
  uint64_t init = seed;
  fl_mlp m;
  fl_mlp_grad g;
  ck_assert_int_eq (fl_mlp_init (&m, NIN, NH, NO, &init, &q), FL_OK);
  ck_assert_int_eq (fl_mlp_grad_alloc (&g, &m), FL_OK);
  for (int e = 0; e < EPOCHS; e++)
    for (size_t b = 0; b + B <= N; b += B)
      {
        fl_mlp_loss_grad (&m, x + b * NIN, y + b, B, &g, &q);
        fl_mlp_step (&m, &g, 0x1p-6, &q);   /* lr 2^-6: most updates below 2^-9 */
      }
  double h[NH], p[NO];
  size_t wrong = 0;
  for (size_t i = 0; i < N; i++)
    wrong += fl_mlp_predict (&m, x + i * NIN, h, p, &q) != y[i];
  fl_mlp_grad_free (&g);
  fl_mlp_free (&m);
  fl_format_free (f);
  return (double) wrong / N;
}

START_TEST (test_sr_beats_rne)
{
  double e_rne = train_error (FL_RNE, "fixed8.8"), e_sr = train_error (FL_SR, "fixed8.8");
  double e_fine = train_error (FL_RNE, "fixed8.24");
  printf ("<8,8> rne error %.3f, <8,8> sr error %.3f, <8,24> rne error %.3f\n", e_rne, e_sr,
          e_fine);
  ck_assert_msg (e_sr + 0.1 < e_rne, "sr %.3f does not beat rne %.3f", e_sr, e_rne);
  ck_assert_msg (e_fine < 0.1, "the fine format did not learn (%.3f)", e_fine);
}
END_TEST


/* ---- layerfit: SPEC B§7.4 and the methods' relations ---- */

START_TEST (test_b74_grid)
{
  /* check 1: the 2-bit asymmetric grid with s = 1, z = 0.5 has the levels -1.5 -0.5 0.5
     1.5.  The min/max grid of a row spanning [-1.5, 1.5] is exactly that grid; ties round
     toward +infinity (decoupleQ's rounding helper). */
  static const double w[] = { -1.5, 1.5, -1.2, 0.1, 0.9, 1.0, 0.0, -1.0 };
  static const double want[] = { -1.5, 1.5, -1.5, 0.5, 0.5, 1.5, 0.5, -0.5 };
  static const int wantq[] = { -2, 1, -2, 0, 0, 1, 0, -1 };
  enum { N = sizeof w / sizeof w[0] };
  /* the first two span the grid; the rest are rounded on it */
  double h[N * N] = { 0 }, wq[N], s, z;
  int q[N];
  for (int i = 0; i < N; i++)
    h[i * N + i] = 1;
  fl_layerfit_opts o;
  fl_layerfit_opts_init (&o);
  o.bits = 2;
  o.group = 0;
  ck_assert_int_eq (fl_layerfit (w, 1, N, h, FL_LFIT_RTN, &o, wq, q, &s, &z, NULL, 0), FL_OK);
  ck_assert (s == 1 && z == 0.5);
  for (int i = 0; i < N; i++)
    {
      TU_CHECK (wq[i] == want[i] && q[i] == wantq[i], "w %g -> %g (q %d), want %g (q %d)",
                w[i], wq[i], q[i], want[i], wantq[i]);
    }
}
END_TEST

/* A random layer and inputs (seeded). */
static void
random_layer (uint64_t *rng, size_t m, size_t n, size_t N, double *w, double *h)
{
  double *x = malloc (N * n * sizeof *x);
  for (size_t i = 0; i < m * n; i++)
    w[i] = 2 * fl_study_uniform (rng) - 1 + (i % 7 == 0 ? 0.5 : 0);
  for (size_t t = 0; t < N; t++)
    for (size_t j = 0; j < n; j++)   /* correlated columns, uneven scales */
      x[t * n + j] = (fl_study_uniform (rng) - 0.5) * (1 + j % 5)
                     + (j ? 0.5 * x[t * n + j - 1] : 0);
  ck_assert_int_eq (fl_layerfit_hessian (x, N, n, 0.01, h, NULL, 0), FL_OK);
  free (x);
}

START_TEST (test_b74_normal_equations)
{
  /* check 2: for fixed integers the refit (s, z) zero the loss's gradient, computed here
     from its definition: dl/ds_g = -2 sum_{j in g} q_j [H (w - wq)]_j, dl/dz_g likewise
     without q_j.  Groups of 8 over 20 columns (the last group partial) and one whole row;
     one group with all-equal integers (s and z act alike there). */
  uint64_t rng = seed ^ 74;
  enum { n = 20, N = 40 };
  double w[n], h[n * n], wq[n], r[n], s[3], z[3];
  int q[n];
  random_layer (&rng, 1, n, N, w, h);
  for (size_t gsize = 8; ; gsize = 0)
    {
      size_t g = gsize ? gsize : n, G = (n + g - 1) / g;
      for (size_t j = 0; j < n; j++)
        q[j] = j < 8 && gsize ? 1 : (int) (fl_study_rand (&rng) % 4) - 2;
      ck_assert_int_eq (fl_layerfit_refit_row (w, q, n, gsize, h, s, z), FL_OK);
      for (size_t j = 0; j < n; j++)
        wq[j] = q[j] * s[j / g] + z[j / g];
      for (size_t j = 0; j < n; j++)
        {
          r[j] = 0;
          for (size_t k = 0; k < n; k++)
            r[j] += h[j * n + k] * (w[k] - wq[k]);
        }
      double scale = 0;
      for (size_t j = 0; j < n; j++)
        scale += fabs (h[j * n + j] * w[j]);
      for (size_t gi = 0; gi < G; gi++)
        {
          double ds = 0, dz = 0;
          for (size_t j = gi * g; j < n && j < (gi + 1) * g; j++)
            {
              ds += -2 * q[j] * r[j];
              dz += -2 * r[j];
            }
          TU_CHECK (fabs (ds) < 1e-10 * scale && fabs (dz) < 1e-10 * scale,
                    "group %zu of %zu: dl/ds %g, dl/dz %g (scale %g)", gi, g, ds, dz, scale);
        }
      if (!gsize)
        break;
    }
}
END_TEST

START_TEST (test_b74_identity)
{
  /* check 3: with H = I the layer loss is the squared Frobenius distance */
  uint64_t rng = seed ^ 743;
  enum { m = 5, n = 9 };
  double w[m * n], wq[m * n], h[n * n] = { 0 }, f = 0;
  for (int i = 0; i < n; i++)
    h[i * n + i] = 1;
  for (int i = 0; i < m * n; i++)
    {
      w[i] = fl_study_uniform (&rng) - 0.5;
      wq[i] = w[i] + (fl_study_uniform (&rng) - 0.5) * 0.1;
      f += (w[i] - wq[i]) * (w[i] - wq[i]);
    }
  double l = fl_layer_loss (w, wq, m, n, h);
  ck_assert_msg (fabs (l - f) <= 1e-14 * f, "loss %.17g, Frobenius %.17g", l, f);
  /* and then GPTQ has nothing to feed back: it equals the MSE grid's rounding */
  fl_layerfit_opts o;
  fl_layerfit_opts_init (&o);
  o.group = 4;
  double a[m * n], b[m * n];
  ck_assert_int_eq (fl_layerfit (w, m, n, h, FL_LFIT_MSE, &o, a, NULL, NULL, NULL, NULL, 0), FL_OK);
  ck_assert_int_eq (fl_layerfit (w, m, n, h, FL_LFIT_GPTQ, &o, b, NULL, NULL, NULL, NULL, 0), FL_OK);
  ck_assert_mem_eq (a, b, sizeof a);
}
END_TEST

START_TEST (test_hessian_known)
{
  /* X = [[1, 2], [3, 4]]: X^T X / 2 = [[5, 7], [7, 10]]; damping 0.01 * 7.5 on the diagonal */
  static const double x[] = { 1, 2, 3, 4 };
  double h[4];
  ck_assert_int_eq (fl_layerfit_hessian (x, 2, 2, 0.01, h, NULL, 0), FL_OK);
  ck_assert (h[0] == 5 + 0.075 && h[1] == 7 && h[2] == 7 && h[3] == 10 + 0.075);
  static const double bad[] = { 1, NAN };
  char err[128];
  ck_assert_int_eq (fl_layerfit_hessian (bad, 1, 2, 0.01, h, err, sizeof err), FL_EINVAL);
}
END_TEST

START_TEST (test_decoupleq_below_rtn)
{
  /* decoupleQ's loss below round-to-nearest's and no worse than GPTQ's start (it keeps a
     round only when a row improves) on random layers, 2 to 4 bits, groups 8 and whole rows */
  uint64_t rng = seed ^ 2404;
  enum { m = 12, n = 32, N = 20 };    /* fewer tokens than inputs, as PP-OCR's 53 < 120 */
  double w[m * n], h[n * n], wq[m * n];
  random_layer (&rng, m, n, N, w, h);
  fl_layerfit_opts o;
  fl_layerfit_opts_init (&o);
  for (unsigned b = 2; b <= 4; b++)
    for (size_t g = 0; g <= 8; g += 8)
      {
        o.bits = b;
        o.group = g;
        double l[FL_LFIT_METHODS];
        for (int me = 0; me < FL_LFIT_METHODS; me++)
          {
            ck_assert_int_eq (fl_layerfit (w, m, n, h, (fl_lfit_method) me, &o, wq, NULL, NULL,
                                           NULL, NULL, 0), FL_OK);
            l[me] = fl_layer_loss (w, wq, m, n, h);
          }
        printf ("bits %u group %zu: rtn %.4g mse %.4g gptq %.4g decoupleq %.4g\n", b, g,
                l[0], l[1], l[2], l[3]);
        ck_assert (l[FL_LFIT_DECOUPLEQ] < l[FL_LFIT_RTN]);
      }
}
END_TEST

/* ---- the accuracy cache (notebooks-data/ocr-cer.sh and vad-agree.sh's tables) ---- */

static void
write_text (const char *path, const char *text)
{
  FILE *fp = fopen (path, "w");
  ck_assert_ptr_nonnull (fp);
  fputs (text, fp);
  fclose (fp);
}

#define REC_SHA "06b3e6af6c59a1ba5d53790ed8c2e4b2de389870b6cf5a97f349f3412cb269c0"
#define VAD_SHA "2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f"

START_TEST (test_accuracy_cache)
{
  char dir[] = "/tmp/test_study_acc_XXXXXX", path[256];
  ck_assert_ptr_nonnull (mkdtemp (dir));
  static const char *const names[] = { "x", FL_STUDY_ACC_COLS };
  static const fl_cell_type types[] = { FL_CELL_INT, FL_STUDY_ACC_TYPES };
  fl_table *t = fl_table_new ("acc", "t", 5, names, types);
  for (int i = 0; i < 6; i++)
    fl_table_add_row (t);
  fl_study_result r;
  fl_study_result_init (&r);
  fl_study_acc *a = NULL;
  size_t missing = 0;

  /* no cache at all: every cell n/a, the note says why */
  ck_assert_int_eq (fl_study_acc_open (dir, &a), FL_OK);
  fl_study_acc_set (a, t, 0, 1, "int8", "absmax", "channel:0", &missing);
  ck_assert_str_eq (fl_table_cell (t, 0, 1)->v.s, "int8/absmax/channel:0");
  ck_assert_int_eq (fl_table_cell (t, 0, 2)->set, 0);
  ck_assert_int_eq (fl_table_cell (t, 0, 3)->set, 0);
  ck_assert_uint_eq (missing, 1);
  ck_assert_int_eq (fl_study_acc_note (a, &r, "acc", 1, missing), FL_OK);
  ck_assert_ptr_nonnull (strstr (r.summary, "CER n/a"));
  ck_assert_ptr_nonnull (strstr (r.summary, "MANIFEST has no sha256"));
  fl_study_acc_close (a);

  /* the tables as the scripts write them: a quoted block name with commas, a row of
     another model version (ignored), a key measured twice (the later row wins) */
  snprintf (path, sizeof path, "%s/MANIFEST", dir);
  write_text (path, "models/ch_PP-OCRv4_rec_infer.onnx | npm x | Apache-2.0 | how | " REC_SHA "\n"
              "models/silero_vad_v5.onnx | npm y | MIT | how | " VAD_SHA "\n");
  snprintf (path, sizeof path, "%s/accuracy", dir);
  ck_assert_int_eq (mkdir (path, 0700), 0);
  snprintf (path, sizeof path, "%s/accuracy/cer.csv", dir);
  write_text (path, "model_sha256,format,scale,granularity,seed,model,lines,chars,edits,cer,"
              "exact_lines,raw_edits\n"
              REC_SHA ",float,none,tensor,1,m.onnx,200,4396,0,0.00000,200,42\n"
              REC_SHA ",\"int8\",absmax,channel:0,1,q.onnx,200,4396,9,0.00200,190,30\n"
              "ffff" ",\"e4m3fn\",absmax,tensor,1,q.onnx,200,4396,5,0.50000,195,5\n"
              REC_SHA ",\"e4m3fn\",absmax,tensor,1,q.onnx,200,4396,5,0.00114,195,5\n"
              REC_SHA ",\"opal:elem=exmy_e0m3,k=128\",none,tensor,1,q.onnx,200,4396,2,0.25,1,9\n"
              REC_SHA ",\"int8\",absmax,channel:0,1,q.onnx,200,4396,9,0.00300,190,30\n");
  snprintf (path, sizeof path, "%s/accuracy/vad.csv", dir);
  write_text (path, "model_sha256,format,scale,granularity,seed,utterances,model,frames,"
              "speech_frames,agree,speech_agree,silence_agree,max_abs_dp,mean_abs_dp\n"
              VAD_SHA ",float,none,tensor,1,8,v.onnx,1293,684,1.00000,1,1,0,0\n"
              VAD_SHA ",\"int8\",absmax,channel:0,1,8,q.onnx,1293,684,0.99845,1,1,0.09519,0\n");
  ck_assert_int_eq (fl_study_acc_open (dir, &a), FL_OK);
  missing = 0;
  fl_study_acc_set (a, t, 1, 1, "int8", "absmax", "channel:0", &missing);
  fl_study_acc_set (a, t, 2, 1, "e4m3fn", "absmax", "tensor", &missing);
  fl_study_acc_set (a, t, 3, 1, "opal:elem=exmy_e0m3,k=128", "none", "tensor", &missing);
  fl_study_acc_set (a, t, 4, 1, "int8", "absmax", "tensor", &missing);
  ck_assert (fabs (fl_table_cell (t, 1, 2)->v.r - 0.3) < 1e-12);   /* the later row */
  ck_assert (fabs (fl_table_cell (t, 1, 3)->v.r - 99.845) < 1e-9);
  ck_assert (fl_table_cell (t, 1, 4)->v.r == 0.09519);
  ck_assert (fabs (fl_table_cell (t, 2, 2)->v.r - 0.114) < 1e-12);  /* not the stale 50% */
  ck_assert_int_eq (fl_table_cell (t, 2, 3)->set, 0);               /* no VAD row */
  ck_assert (fl_table_cell (t, 3, 2)->v.r == 25);
  ck_assert_int_eq (fl_table_cell (t, 4, 2)->set, 0);
  ck_assert_uint_eq (missing, 3);
  fl_study_result_free (&r);
  fl_study_result_init (&r);
  ck_assert_int_eq (fl_study_acc_note (a, &r, "acc", 4, missing), FL_OK);
  ck_assert_ptr_nonnull (strstr (r.summary, "200 rendered lines"));
  ck_assert_ptr_nonnull (strstr (r.summary, "float recognizer: 0.00%"));
  ck_assert_ptr_nonnull (strstr (r.summary, "1293 frames"));
  ck_assert_ptr_nonnull (strstr (r.summary, "3 of 4 settings"));
  fl_study_acc_close (a);

  /* a malformed line (an unterminated quote) makes the table n/a, never a crash */
  write_text (path, "model_sha256,format,scale,granularity,seed,utterances,model,frames,"
              "speech_frames,agree,speech_agree,silence_agree,max_abs_dp,mean_abs_dp\n"
              VAD_SHA ",float,none,tensor,1,8,v.onnx,1293,684,1.00000,1,1,0,0\n"
              VAD_SHA ",\"int8,absmax,channel:0,1,8,q.onnx,1293,684,0.99845,1,1,0.09519,0\n");
  ck_assert_int_eq (fl_study_acc_open (dir, &a), FL_OK);
  fl_study_acc_set (a, t, 5, 1, "int8", "absmax", "channel:0", NULL);
  ck_assert (fabs (fl_table_cell (t, 5, 2)->v.r - 0.3) < 1e-12);
  ck_assert_int_eq (fl_table_cell (t, 5, 3)->set, 0);
  fl_study_result_free (&r);
  fl_study_result_init (&r);
  ck_assert_int_eq (fl_study_acc_note (a, &r, "acc", 1, 0), FL_OK);
  ck_assert_ptr_nonnull (strstr (r.summary, "vad.csv:3: malformed line"));
  fl_study_acc_close (a);
  fl_study_result_free (&r);
  fl_table_free (t);
  unlink (path);
  snprintf (path, sizeof path, "%s/accuracy/cer.csv", dir);
  unlink (path);
  snprintf (path, sizeof path, "%s/accuracy", dir);
  rmdir (path);
  snprintf (path, sizeof path, "%s/MANIFEST", dir);
  unlink (path);
  rmdir (dir);
}
END_TEST

int
main (void)
{
  seed = tu_seed ("test_study", 20151);
  Suite *s = suite_create ("study");
  TCase *tc = tcase_create ("study");
  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_table);
  tcase_add_test (tc, test_registry);
  tcase_add_test (tc, test_idx);
  tcase_add_test (tc, test_b83_ranges);
  tcase_add_test (tc, test_b83_sr_mean);
  tcase_add_test (tc, test_b83_vanishing);
  tcase_add_test (tc, test_mlp_gradient);
  tcase_add_test (tc, test_sr_beats_rne);
  tcase_add_test (tc, test_b74_grid);
  tcase_add_test (tc, test_b74_normal_equations);
  tcase_add_test (tc, test_b74_identity);
  tcase_add_test (tc, test_hessian_known);
  tcase_add_test (tc, test_decoupleq_below_rtn);
  tcase_add_test (tc, test_accuracy_cache);
  suite_add_tcase (s, tc);
  return tu_run (s);
}
