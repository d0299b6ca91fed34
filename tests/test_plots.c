/* test_plots.c -- every chart kind of fmtlab/plots.h rendered from hand-made input to PNG,
   then decoded independently (tests/pngstat.py: Python's zlib, not cairo) and checked:
   the requested size, and not blank (luminance variance and the share of non-background
   pixels above thresholds).  Also SVG and PDF output, and refusals that leave no file. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fmtlab/plots.h>
#include "testutil.h"

static char dir[] = "/tmp/fmtlab-test-plots.XXXXXX";
static char err[1024];

static const char *
path_of (const char *name)
{
  static char buf[8][512];
  static int k;
  char *p = buf[k++ & 7];
  snprintf (p, sizeof buf[0], "%s/%s", dir, name);
  return p;
}

/* size, variance, ink share of a PNG, from the independent decoder */
static void
png_stats (const char *file, int *w, int *h, double *var, double *ink)
{
  char cmd[1024];
  snprintf (cmd, sizeof cmd, "/usr/bin/python3 '%s' '%s'", PNGSTAT, file);
  FILE *p = popen (cmd, "r");
  ck_assert_ptr_nonnull (p);
  int colours;
  int got = fscanf (p, "%d %d %lf %lf %d", w, h, var, ink, &colours);
  int st = pclose (p);
  TU_CHECK (got == 5 && st == 0, "%s: pngstat failed (%d fields, status %d)", file, got, st);
}

static void
check_png (const char *file, int want_w, int want_h, double min_ink)
{
  struct stat sb;
  TU_CHECK (stat (file, &sb) == 0, "%s was not written", file);
  TU_CHECK (sb.st_size > 5000, "%s: only %lld bytes", file, (long long) sb.st_size);
  int w, h;
  double var, ink;
  png_stats (file, &w, &h, &var, &ink);
  printf ("%s: %dx%d, %lld bytes, luminance variance %.1f, ink %.3f\n", file, w, h,
          (long long) sb.st_size, var, ink);
  TU_CHECK (w == want_w && h == want_h, "%s: %dx%d, expected %dx%d", file, w, h, want_w, want_h);
  /* a white page with a few black lines has a variance of a few hundred; a drawn chart
     several hundred to thousands */
  TU_CHECK (var > 400, "%s: luminance variance %.1f: blank?", file, var);
  TU_CHECK (ink > min_ink, "%s: only %.4f of the pixels drawn", file, ink);
}

static const fl_plot_page page = { 900, 600, NULL };

START_TEST (test_accuracy_density)
{
  fl_accuracy_row a[5], b[7];
  for (int i = 0; i < 5; i++)
    a[i] = (fl_accuracy_row) { i - 2, 1.0 + 0.1 * i, 1.5 + 0.1 * i, 8 };
  for (int i = 0; i < 7; i++)
    b[i] = (fl_accuracy_row) { i - 3, 0.5 + 0.3 * (3 - abs (i - 3)), 1.0 + 0.3 * (3 - abs (i - 3)), 4 };
  fl_plot_accuracy_series s[2] = { { "fmtA", a, 5, -2, 3 }, { "fmtB", b, 7, -3, 4 } };
  ck_assert_int_eq (fl_plot_accuracy (path_of ("acc.png"), &page, s, 2, err, sizeof err), FL_OK);
  check_png (path_of ("acc.png"), 900, 600, 0.03);

  fl_density_row d1[4] = { { -2, 1 }, { -1, 2 }, { 0, 8 }, { 1, 8 } };
  fl_density_row d2[3] = { { -1, 16 }, { 0, 16 }, { 1, 4 } };
  fl_plot_density_series ds[2] = { { "fmtA", d1, 4 }, { "fmtB", d2, 3 } };
  ck_assert_int_eq (fl_plot_density (path_of ("d.png"), &page, ds, 2, err, sizeof err), FL_OK);
  check_png (path_of ("d.png"), 900, 600, 0.02);
}
END_TEST

START_TEST (test_closure)
{
  fl_closure c;
  memset (&c, 0, sizeof c);
  c.side = 16;
  uint64_t code[16];
  double val[16];
  uint8_t out[256];
  for (int i = 0; i < 16; i++)
    {
      code[i] = (uint64_t) i;
      val[i] = i < 15 ? ldexp (1, i - 7) * (i < 7 ? -1 : 1) : NAN;
    }
  val[7] = 0;
  for (int i = 0; i < 256; i++)
    {
      out[i] = (uint8_t) ((i / 16 + i % 16) % FL_OUTCOMES);
      c.count[out[i]]++;
    }
  c.axis_code = code;
  c.axis_value = val;
  c.outcome = out;
  ck_assert_int_eq (fl_plot_closure (path_of ("c.png"), &page, "fmtC", "mul", &c, err,
                                     sizeof err), FL_OK);
  check_png (path_of ("c.png"), 900, 600, 0.3);
}
END_TEST

START_TEST (test_hist)
{
  /* seeded data: a split-mix sequence mapped to a rough bell (sum of 4 uniforms) */
  uint64_t st = tu_seed ("test_hist", 11);
  double x[20000];
  for (int i = 0; i < 20000; i++)
    {
      double u = 0;
      for (int k = 0; k < 4; k++)
        u += (double) (tu_splitmix (&st) >> 11) * 0x1p-53;
      x[i] = (u - 2) * 1.7;
    }
  fl_hist hl, hx;
  ck_assert_int_eq (fl_hist_init (&hl, -14, 4, 90, 1, err, sizeof err), FL_OK);
  ck_assert_int_eq (fl_hist_init (&hx, -4, 4, 80, 0, err, sizeof err), FL_OK);
  fl_hist_add (&hl, x, 20000);
  fl_hist_add (&hx, x, 20000);
  double g1[6] = { 0.001, 0.01, 0.1, 0.5, 1, 2 }, g2[4] = { 0.25, 0.5, 1, 1.5 };
  fl_candidate_range r1 = { 0.001, 2, g1, 6 }, r2 = { 0.25, 1.5, g2, 4 };
  fl_plot_hist_candidate c[2] = { { "fmtA", &r1, 0.01, 0.001 }, { "fmtB (absmax scale)", &r2, 0, 0.2 } };
  fl_plot_hist_input in = { "hand-made:bell", &hl, &hx, c, 2 };
  fl_plot_page tall = { 900, 800, NULL };
  ck_assert_int_eq (fl_plot_hist (path_of ("h.png"), &tall, &in, err, sizeof err), FL_OK);
  check_png (path_of ("h.png"), 900, 800, 0.05);

  /* fit overlay: the same data with two hand-written densities */
  double fx[101], fn[101], fl[101];
  for (int i = 0; i <= 100; i++)
    {
      fx[i] = -4 + 0.08 * i;
      fn[i] = exp (-fx[i] * fx[i] / (2 * 1.0)) / sqrt (2 * M_PI);
      fl[i] = 0.5 * exp (-fabs (fx[i]));
    }
  fl_plot_fit_curve fc[2] = { { "normal (sigma = 1)", fx, fn, 101 }, { "Laplace (b = 1)", fx, fl, 101 } };
  const char *fm[3] = { "fmtA", "fmtB", "fmtC" };
  double pred[3] = { 1e-3, 2e-4, 5e-6 }, meas[3] = { 1.2e-3, 1.5e-4, 6e-6 };
  fl_plot_fit_input fi = { "hand-made:bell", &hx, fc, 2, fm, pred, meas, 3 };
  ck_assert_int_eq (fl_plot_fit (path_of ("f.png"), &page, &fi, err, sizeof err), FL_OK);
  check_png (path_of ("f.png"), 900, 600, 0.05);
  fl_plot_fit_input bad = { "x", &hl, fc, 2, fm, pred, meas, 3 };
  ck_assert_int_eq (fl_plot_fit (path_of ("bad.png"), &page, &bad, err, sizeof err), FL_EINVAL);
  ck_assert_int_eq (access (path_of ("bad.png"), F_OK), -1);
  fl_hist_clear (&hl);
  fl_hist_clear (&hx);
}
END_TEST

START_TEST (test_tables)
{
  const char *tensors[3] = { "layer0.weight", "layer1.weight", "act:softmax" };
  const char *formats[4] = { "e4m3fn", "e5m2", "int8", "mxfp4" };
  double sqnr[12] = { 31.2, 25.1, 38.0, 17.9, 30.8, 24.9, 36.5, NAN, 28.0, 22.0, 12.0, 15.5 };
  fl_plot_sqnr_input in = { tensors, 3, formats, 4, sqnr };
  ck_assert_int_eq (fl_plot_sqnr_heatmap (path_of ("sh.png"), &page, &in, err, sizeof err), FL_OK);
  check_png (path_of ("sh.png"), 900, 600, 0.2);
  ck_assert_int_eq (fl_plot_sqnr_bars (path_of ("sb.png"), &page, &in, err, sizeof err), FL_OK);
  check_png (path_of ("sb.png"), 900, 600, 0.05);

  double b1[4] = { 4, 6, 8, 16 }, e1[4] = { 3e-2, 8e-3, 2e-3, 1e-5 };
  double b2[3] = { 4.25, 6.25, 8.25 }, e2[3] = { 1e-2, 2.5e-3, 6e-4 };
  const char *n1[4] = { "e2m1fn", "e3m2fn", "e4m3fn", "bf16" };
  const char *n2[3] = { "mxfp4", "mxfp6e3m2", "mxfp8e4m3" };
  fl_plot_errbits_series es[2] = { { "minifloat", b1, e1, n1, 4 }, { "MX", b2, e2, n2, 3 } };
  ck_assert_int_eq (fl_plot_errbits (path_of ("e.png"), &page, "MSE", 1, es, 2, err, sizeof err),
                    FL_OK);
  check_png (path_of ("e.png"), 900, 600, 0.02);
  /* log axis with no positive value: refused, nothing written */
  double z[3] = { 0, -1, 0 };
  fl_plot_errbits_series ez = { "zero", b2, z, NULL, 3 };
  ck_assert_int_eq (fl_plot_errbits (path_of ("ez.png"), &page, "MSE", 1, &ez, 1, err, sizeof err),
                    FL_EINVAL);
  ck_assert_int_eq (access (path_of ("ez.png"), F_OK), -1);
}
END_TEST

START_TEST (test_devices_and_refusals)
{
  double x[3] = { 1, 2, 3 }, y[3] = { 1, 4, 9 };
  fl_plot_series s = { "squares", x, y, 3, NULL };
  fl_plot_axes ax = { "Squares", "n (count)", "n#u2#d (count)", 0, 0 };
  ck_assert_int_eq (fl_plot_lines (path_of ("l.svg"), &page, &ax, &s, 1, err, sizeof err), FL_OK);
  ck_assert_int_eq (fl_plot_lines (path_of ("l.PDF"), &page, &ax, &s, 1, err, sizeof err), FL_OK);
  char head[16] = { 0 };
  FILE *fp = fopen (path_of ("l.svg"), "r");
  ck_assert_ptr_nonnull (fp);
  ck_assert (fread (head, 1, 15, fp) > 5);
  fclose (fp);
  ck_assert (strstr (head, "<?xml") || strstr (head, "<svg"));
  fp = fopen (path_of ("l.PDF"), "r");
  ck_assert_ptr_nonnull (fp);
  ck_assert (fread (head, 1, 5, fp) == 5);
  fclose (fp);
  ck_assert (memcmp (head, "%PDF", 4) == 0);
  /* refused: unknown extension, missing directory; no file and no temporary left */
  ck_assert_int_eq (fl_plot_lines (path_of ("l.jpg"), &page, &ax, &s, 1, err, sizeof err), FL_EINVAL);
  ck_assert (strstr (err, "l.jpg") != NULL);
  ck_assert_int_eq (fl_plot_lines (path_of ("nodir/l.png"), &page, &ax, &s, 1, err, sizeof err),
                    FL_EINVAL);
  ck_assert (strstr (err, "nodir/l.png") != NULL);
  ck_assert (!fl_plot_path_ok ("a.gif") && fl_plot_path_ok ("a.Png"));
  /* a generic bar chart with a long list of groups (vertical labels) */
  const char *groups[8] = { "g0", "g1", "g2", "g3", "g4", "g5", "g6", "g7" };
  const char *series[2] = { "rne", "sr" };
  double v[16];
  for (int i = 0; i < 16; i++)
    v[i] = 1 + i % 5;
  fl_plot_axes bx = { "Bars", NULL, "value (units)", 0, 0 };
  ck_assert_int_eq (fl_plot_bars (path_of ("b.png"), &page, &bx, groups, 8, series, 2, v, err,
                                  sizeof err), FL_OK);
  check_png (path_of ("b.png"), 900, 600, 0.05);
  /* bars on a log axis (values over three decades, one not positive: left out) */
  double lv[4] = { 0.00114, 0.0096, 1.03, 0 };
  const char *lg[4] = { "e4m3fn", "float32", "posit8es1", "none" };
  const char *ls[1] = { "CER" };
  fl_plot_axes lx = { "Log bars", "format", "CER (%, log scale)", 0, 1 };
  ck_assert_int_eq (fl_plot_bars (path_of ("lb.png"), &page, &lx, lg, 4, ls, 1, lv, err,
                                  sizeof err), FL_OK);
  check_png (path_of ("lb.png"), 900, 600, 0.02);
  double none[2] = { 0, -1 };
  ck_assert_int_eq (fl_plot_bars (path_of ("lb0.png"), &page, &lx, lg, 2, ls, 1, none, err,
                                  sizeof err), FL_EINVAL);
  ck_assert_int_eq (access (path_of ("lb0.png"), F_OK), -1);
  /* series sharing a colour, told apart by line style (a format under two roundings) */
  double ep[3] = { 1, 2, 3 }, r1[3] = { 30, 22, 20 }, r2[3] = { 26, 19, 18 };
  fl_plot_series fam[2] = { { "<8,8> rne", ep, r1, 3, NULL, 2, 2 },
                            { "<8,8> sr", ep, r2, 3, NULL, 2, 3 } };
  fl_plot_axes fx = { "Curves", "epoch", "test error (%)", 0, 0 };
  ck_assert_int_eq (fl_plot_lines (path_of ("fam.png"), &page, &fx, fam, 2, err, sizeof err),
                    FL_OK);
  check_png (path_of ("fam.png"), 900, 600, 0.02);
}
END_TEST

static Suite *
plots_suite (void)
{
  Suite *s = suite_create ("plots");
  TCase *tc = tcase_create ("render");
  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_accuracy_density);
  tcase_add_test (tc, test_closure);
  tcase_add_test (tc, test_hist);
  tcase_add_test (tc, test_tables);
  tcase_add_test (tc, test_devices_and_refusals);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  if (!mkdtemp (dir))
    {
      perror ("mkdtemp");
      return 1;
    }
  int st = tu_run (plots_suite ());
  if (st == 0 && !getenv ("FMTLAB_KEEP_PLOTS"))
    {
      char cmd[600];
      snprintf (cmd, sizeof cmd, "rm -rf '%s'", dir);
      if (system (cmd) != 0)
        fprintf (stderr, "could not remove %s\n", dir);
    }
  else
    printf ("charts kept in %s\n", dir);
  return st;
}
