/* test_search.c -- the search's scales per channel and its budget (analysis/search.c,
   doc/fit.md).  Known answers by construction:
   - rows r = k * s_r with k integers in [-63, 63], each row holding 63 once, and row
     scales s_r of 24 significant bits over 2^16 of magnitudes: int7 with a scale per row
     (channel:0, absmax: s = 63 s_r / 63 = s_r exactly) reproduces every value, and nothing
     else in the grid can (a per-tensor 8-bit format has 256 values for thousands of
     distinct ones; fp16 and e8m0 block scales cannot hold s_r), so it is the unique
     winner at 8 bits, with 7 + 32/64 = 7.5 bits per element;
   - the budget: 7 + 32/C bits for C columns; C = 32 is exactly 8 (admitted), C = 31 is
     8.03 (refused: only the 8-bit pow2 scale fits, 7 + 8/31);
   - the per-channel MSE equals that of compare's quantizer (analysis/scale.c, element by
     element through the engine), an independent path, to 1e-12. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fmtlab/scale.h>
#include <fmtlab/search.h>
#include "testutil.h"

#define ROWS 64
static uint64_t seed;

/* rows x cols values k * s_r (see the header), or gaussian-like rows when grid is 0 */
static double *
make_rows (size_t rows, size_t cols, int grid, uint64_t s)
{
  double *x = malloc (rows * cols * sizeof *x);
  ck_assert_ptr_nonnull (x);
  uint64_t st = s;
  for (size_t r = 0; r < rows; r++)
    {
      /* 24 significant bits, the last one set: no fp16 or power of two equals it */
      double sr = ldexp ((double) ((tu_splitmix (&st) >> 40) | 0x800001u),
                         -23 + (int) (r % 17) - 8);
      for (size_t j = 0; j < cols; j++)
        {
          double v;
          if (grid)
            v = j == 0 ? 63 : (double) ((int) (tu_splitmix (&st) % 127) - 63);
          else
            {
              /* a sum of uniforms: bell-shaped, every value distinct */
              v = 0;
              for (int u = 0; u < 4; u++)
                v += (double) (tu_splitmix (&st) >> 11) * 0x1p-53 - 0.5;
            }
          x[r * cols + j] = v * sr;
        }
    }
  return x;
}

static fl_search_result *
search (const double *x, size_t rows, size_t cols, unsigned bits, size_t *n)
{
  uint64_t shape[2] = { rows, cols };
  fl_search_data *d;
  fl_search_result *res;
  char err[512];
  ck_assert_msg (fl_search_data_new_shaped (x, 2, shape, &d, err, sizeof err) == FL_OK, "%s", err);
  ck_assert_msg (fl_search (d, NULL, bits, FL_OBJ_MSE, 2, NULL, NULL, &res, n, err,
                            sizeof err) == FL_OK, "%s", err);
  fl_search_data_free (d);
  for (size_t i = 0; i < *n; i++)
    ck_assert_msg (res[i].bits <= bits, "%s %s %s: %.6f bits over the budget of %u",
                   res[i].format, res[i].scale, res[i].granularity, res[i].bits, bits);
  return res;
}

static const fl_search_result *
find (const fl_search_result *res, size_t n, const char *format, const char *gran)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (res[i].format, format) == 0 && strcmp (res[i].granularity, gran) == 0)
      return &res[i];
  return NULL;
}

START_TEST (test_channel_wins)
{
  double *x = make_rows (ROWS, 64, 1, seed);
  size_t n;
  fl_search_result *res = search (x, ROWS, 64, 8, &n);
  ck_assert_msg (n >= 2, "%zu results", n);
  ck_assert_msg (strcmp (res[0].format, "int7") == 0
                 && strcmp (res[0].granularity, "channel:0") == 0
                 && strcmp (res[0].scale, "absmax") == 0,
                 "winner %s %s %s, expected int7 absmax channel:0", res[0].format,
                 res[0].scale, res[0].granularity);
  ck_assert_msg (res[0].mse == 0 && isinf (res[0].sqnr_db), "winner MSE %g", res[0].mse);
  ck_assert_msg (res[0].bits == 7.5, "winner bits %.6f, expected 7 + 32/64", res[0].bits);
  ck_assert_msg (res[1].mse > 0, "runner-up %s %s is exact too", res[1].format,
                 res[1].granularity);
  free (res);
  free (x);
}
END_TEST

START_TEST (test_budget)
{
  /* C = 32: 7 + 32/32 = 8 bits, admitted; C = 31: 7 + 32/31 refused, pow2 7 + 8/31 */
  for (size_t cols = 31; cols <= 32; cols++)
    {
      double *x = make_rows (256, cols, 1, seed + cols);
      size_t n;
      fl_search_result *res = search (x, 256, cols, 8, &n);
      const fl_search_result *c = find (res, n, "int7", "channel:0");
      ck_assert_msg (c != NULL, "%zu columns: int7 channel:0 missing", cols);
      if (cols == 32)
        ck_assert_msg (strcmp (c->scale, "absmax") == 0 && c->bits == 8.0 && c->mse == 0,
                       "32 columns: int7 channel:0 %s %.6f bits MSE %g, expected absmax 8 "
                       "bits exact", c->scale, c->bits, c->mse);
      else
        ck_assert_msg (strcmp (c->scale, "pow2") == 0 && c->bits == 7 + 8.0 / 31,
                       "31 columns: int7 channel:0 %s %.6f bits, expected pow2 (absmax "
                       "would cost 7 + 32/31 > 8)", c->scale, c->bits);
      free (res);
      free (x);
    }
  /* a 1-D tensor has no channel candidates */
  double *x = make_rows (1, 4096, 0, seed);
  fl_search_data *d;
  fl_search_result *res;
  size_t n;
  char err[512];
  ck_assert (fl_search_data_new (x, 4096, &d, err, sizeof err) == FL_OK);
  ck_assert (fl_search (d, NULL, 8, FL_OBJ_MSE, 1, NULL, NULL, &res, &n, err, sizeof err) == FL_OK);
  for (size_t i = 0; i < n; i++)
    ck_assert_msg (strncmp (res[i].granularity, "channel", 7) != 0, "1-D: %s %s",
                   res[i].format, res[i].granularity);
  free (res);
  fl_search_data_free (d);
  free (x);
}
END_TEST

/* the per-channel MSE against compare's quantizer on the same tensor */
START_TEST (test_channel_mse_as_compare)
{
  static const char *const fmts[] = { "int5", "e2m2fn", "posit5es1", "lns5f3" };
  size_t rows = 48, cols = 200;
  double *x = make_rows (rows, cols, 0, seed);
  size_t n;
  fl_search_result *res = search (x, rows, cols, 6, &n);
  uint64_t shape[2] = { rows, cols };
  for (size_t k = 0; k < sizeof fmts / sizeof fmts[0]; k++)
    for (int axis = 0; axis < 2; axis++)
      {
        char gname[24];
        snprintf (gname, sizeof gname, "channel:%d", axis);
        const fl_search_result *c = find (res, n, fmts[k], gname);
        ck_assert_msg (c != NULL, "%s %s missing", fmts[k], gname);
        fl_scale_strategy ss;
        fl_granularity g = { FL_GRAN_CHANNEL, axis, 0 };
        fl_rounding rd;
        fl_quantizer *qz;
        fl_metrics m;
        fl_metrics_result mr;
        char err[512];
        ck_assert (fl_scale_strategy_parse (c->scale, &ss, err, sizeof err) == FL_OK);
        fl_rounding_init (&rd);
        ck_assert_msg (fl_quantizer_new (fmts[k], &ss, &g, &rd, &qz, err, sizeof err) == FL_OK,
                       "%s", err);
        fl_metrics_init (&m);
        ck_assert_msg (fl_quantizer_measure (qz, 2, shape, x, NULL, &m, NULL, err, sizeof err)
                       == FL_OK, "%s", err);
        fl_metrics_finish (&m, &mr);
        ck_assert_msg (fabs (c->mse - mr.mse) <= 1e-12 * mr.mse,
                       "%s %s %s: search MSE %.17g, compare's %.17g", fmts[k], c->scale,
                       gname, c->mse, mr.mse);
        fl_quantizer_free (qz);
      }
  free (res);
  free (x);
}
END_TEST

int
main (void)
{
  seed = tu_seed ("test_search", 20261127);
  Suite *s = suite_create ("search");
  TCase *t = tcase_create ("channels");
  tcase_set_timeout (t, 300);
  tcase_add_test (t, test_channel_wins);
  tcase_add_test (t, test_budget);
  tcase_add_test (t, test_channel_mse_as_compare);
  suite_add_tcase (s, t);
  return tu_run (s);
}
