/* test_chartdata.c -- the analyses behind the charts (fmtlab/chartdata.h).  Expected values
   come from the formats' definitions (OCP OFP8 v1.0 and OCP MX v1.0 for e4m3fn, e5m2,
   e2m1fn, mxfp4), from IEEE 754-2019 exception rules applied by hand, or from counting the
   data written in the test; never from fmtlab's output. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fmtlab/chartdata.h>
#include "testutil.h"

static char err[512];

/* OFP8 v1.0 table: e4m3fn subnormals m * 2^-9 (m = 1..7) fill binades -9 (1 value), -8
   (2), -7 (4); normals 2^-6 .. 2^8 have 8 values per binade, except the top one, whose
   S.1111.111 is NaN (7).  e5m2: subnormals m * 2^-16 (m = 1..3) in binades -16 (1), -15
   (2); normals 2^-14 .. 2^15 have 4 per binade (exponent 31 is inf/NaN). */
START_TEST (test_density_known)
{
  fl_format *f = tu_parse ("e4m3fn");
  fl_density_row *rows;
  size_t n;
  ck_assert_int_eq (fl_codes_per_binade (f, &rows, &n, err, sizeof err), FL_OK);
  ck_assert_uint_eq (n, 18);
  double total = 0;
  for (size_t i = 0; i < n; i++)
    {
      long b = rows[i].binade;
      double want = b == -9 ? 1 : b == -8 ? 2 : b == -7 ? 4 : b == 8 ? 7 : 8;
      TU_CHECK (b == -9 + (long) i, "row %zu is binade %ld", i, b);
      TU_CHECK (rows[i].codes == want, "e4m3fn binade %ld: %g codes, expected %g", b,
                rows[i].codes, want);
      total += rows[i].codes;
    }
  ck_assert (total == 126);
  free (rows);
  fl_format_free (f);

  f = tu_parse ("e5m2");
  ck_assert_int_eq (fl_codes_per_binade (f, &rows, &n, err, sizeof err), FL_OK);
  ck_assert_uint_eq (n, 32);
  for (size_t i = 0; i < n; i++)
    {
      long b = rows[i].binade;
      double want = b == -16 ? 1 : b == -15 ? 2 : 4;
      TU_CHECK (rows[i].codes == want, "e5m2 binade %ld: %g codes, expected %g", b,
                rows[i].codes, want);
    }
  free (rows);
  fl_format_free (f);

  f = tu_parse ("fp32");
  ck_assert_int_eq (fl_codes_per_binade (f, &rows, &n, err, sizeof err), FL_ERANGE);
  ck_assert (strstr (err, "fp32") != NULL);
  fl_format_free (f);
}
END_TEST

/* e2m1fn magnitudes (OCP MX v1.0 table): 0 0.5 1 1.5 2 3 4 6; codes 8-15 are negatives.
   IEEE 754 rules by hand for p = a*b (exact in double): exact when |p| is a value; overflow
   when nearest rounding with an unbounded exponent passes 6 (the next value would be 8,
   the midpoint 7 ties to 8's even significand: |p| >= 7); underflow when tiny (|p| below the
   smallest normal, 1, before rounding) and inexact; otherwise rounded. */
START_TEST (test_closure_e2m1_independent)
{
  static const double mag[8] = { 0, 0.5, 1, 1.5, 2, 3, 4, 6 };
  fl_format *f = tu_parse ("e2m1fn");
  fl_closure c;
  ck_assert_int_eq (fl_closure_map (f, FL_OP_MUL, NULL, &c, err, sizeof err), FL_OK);
  ck_assert_uint_eq (c.side, 16);
  /* axis order: values ascending, -0 just before +0 */
  for (size_t i = 0; i + 1 < c.side; i++)
    TU_CHECK (c.axis_value[i] < c.axis_value[i + 1]
              || (c.axis_value[i] == 0 && signbit (c.axis_value[i]) && !signbit (c.axis_value[i + 1])),
              "axis not in value order at %zu", i);
  double count[FL_OUTCOMES] = { 0 };
  for (size_t i = 0; i < 16; i++)
    for (size_t j = 0; j < 16; j++)
      {
        uint64_t ca = c.axis_code[i], cb = c.axis_code[j];
        double a = (ca & 8 ? -1 : 1) * mag[ca & 7], b = (cb & 8 ? -1 : 1) * mag[cb & 7];
        double p = fabs (a * b);
        int exact = 0;
        for (int k = 0; k < 8; k++)
          exact |= p == mag[k];
        fl_outcome want = exact ? FL_OUTCOME_EXACT : p >= 7 ? FL_OUTCOME_OVERFLOW
                          : p < 1 ? FL_OUTCOME_UNDERFLOW : FL_OUTCOME_ROUNDED;
        fl_outcome got = (fl_outcome) c.outcome[i * 16 + j];
        TU_CHECK (got == want, "e2m1fn %g * %g: %s, expected %s", a, b, fl_outcome_name (got),
                  fl_outcome_name (want));
        count[want]++;
      }
  for (int k = 0; k < FL_OUTCOMES; k++)
    TU_CHECK (c.count[k] == count[k], "%s: %g pairs, expected %g", fl_outcome_name (k),
              c.count[k], count[k]);
  fl_closure_clear (&c);
  fl_format_free (f);
}
END_TEST

/* Counts from the NaN/zero code sets of OFP8: e4m3fn has 2 NaN codes, so 256^2 - 254^2 =
   1020 pairs hold a NaN, and no infinities, so no other invalid product.  e5m2 has 6 NaN
   codes, 2 infinities and 2 zeros: a finite nonzero (246 codes) divided by +-0 is
   IEEE's divide-by-zero: 246 * 2 = 492 pairs. */
START_TEST (test_closure_counts)
{
  fl_format *f = tu_parse ("e4m3fn");
  fl_closure c;
  ck_assert_int_eq (fl_closure_map (f, FL_OP_MUL, NULL, &c, err, sizeof err), FL_OK);
  ck_assert (c.count[FL_OUTCOME_NAN] == 1020);
  ck_assert (c.count[FL_OUTCOME_DIVZERO] == 0);
  double sum = 0;
  for (int k = 0; k < FL_OUTCOMES; k++)
    sum += c.count[k];
  ck_assert (sum == 65536);
  /* NaN codes at the end of the axis */
  ck_assert (isnan (c.axis_value[254]) && isnan (c.axis_value[255]));
  fl_closure_clear (&c);
  fl_format_free (f);

  f = tu_parse ("e5m2");
  ck_assert_int_eq (fl_closure_map (f, FL_OP_DIV, NULL, &c, err, sizeof err), FL_OK);
  ck_assert (c.count[FL_OUTCOME_DIVZERO] == 492);
  fl_closure_clear (&c);
  /* refusals: a unary op, a format too wide */
  ck_assert_int_eq (fl_closure_map (f, FL_OP_SQRT, NULL, &c, err, sizeof err), FL_EINVAL);
  fl_format_free (f);
  f = tu_parse ("bf16");
  ck_assert_int_eq (fl_closure_map (f, FL_OP_ADD, NULL, &c, err, sizeof err), FL_ERANGE);
  ck_assert (strstr (err, "bf16") != NULL);
  fl_format_free (f);
}
END_TEST

START_TEST (test_hist_known)
{
  const double x[] = { 0, 1, 2, 3, 0.5, -4, NAN, INFINITY, 4, -0.25 };
  fl_hist h;
  /* linear: 8 bins of width 1 over [-4, 4): -4 -> bin 0, -0.25 -> 3, 0 and 0.5 -> 4,
     1 -> 5, 2 -> 6, 3 -> 7; 4 is above; NaN, inf non-finite */
  ck_assert_int_eq (fl_hist_init (&h, -4, 4, 8, 0, err, sizeof err), FL_OK);
  fl_hist_add (&h, x, 5);
  fl_hist_add (&h, x + 5, 5);          /* streaming: two chunks */
  const double want[8] = { 1, 0, 0, 1, 2, 1, 1, 1 };
  for (int b = 0; b < 8; b++)
    TU_CHECK (h.count[b] == want[b], "bin %d: %g, expected %g", b, h.count[b], want[b]);
  ck_assert_uint_eq (h.above, 1);
  ck_assert_uint_eq (h.below, 0);
  ck_assert_uint_eq (h.nonfinite, 2);
  ck_assert_uint_eq (h.zeros, 1);
  ck_assert_uint_eq (h.total, 10);
  ck_assert (fl_hist_bin_lo (&h, 3) == -1);
  fl_hist_clear (&h);
  /* log2|x| over [-2, 3), 5 bins: 1 -> 0 (bin 2), 2 -> 1 (3), 3 -> 1.58 (3), 0.5 -> -1 (1),
     4 -> 2 (4) twice, -0.25 -> -2 (0); the zero apart */
  ck_assert_int_eq (fl_hist_init (&h, -2, 3, 5, 1, err, sizeof err), FL_OK);
  fl_hist_add (&h, x, 10);
  const double wlog[5] = { 1, 1, 1, 2, 2 };
  for (int b = 0; b < 5; b++)
    TU_CHECK (h.count[b] == wlog[b], "log bin %d: %g, expected %g", b, h.count[b], wlog[b]);
  ck_assert_uint_eq (h.zeros, 1);
  fl_hist_clear (&h);
  ck_assert_int_eq (fl_hist_init (&h, 1, 1, 5, 0, err, sizeof err), FL_EINVAL);

  fl_data_range d;
  fl_data_range_init (&d);
  fl_data_range_add (&d, x, 10);
  ck_assert (d.min == -4 && d.max == 4 && d.absmax == 4 && d.absmin_nz == 0.25);
  ck_assert (d.n == 10 && d.finite == 8 && d.zeros == 1);
}
END_TEST

/* e4m3fn (OFP8): max 448, the value below it 416, so nearest rounding with an unbounded
   exponent leaves the format from 448 + 16 = 464 on; smallest subnormal 2^-9, so values
   up to 2^-10 (a tie, to even: 0) flush to zero. */
START_TEST (test_lost_mass_scalar)
{
  fl_format *f = tu_parse ("e4m3fn");
  const double x[] = { 1000, 464, 463, -465, 0x1p-11, 0x1p-10, 0x1.8p-10, 0, 1, NAN };
  fl_candidate c = { f, NULL, 1 };
  fl_lost_mass m = { 0, 0, 0 };
  ck_assert_int_eq (fl_lost_mass_add (&c, x, 10, &m, err, sizeof err), FL_OK);
  ck_assert_uint_eq (m.n, 9);
  ck_assert_uint_eq (m.clipped, 3);      /* 1000, 464, -465 */
  ck_assert_uint_eq (m.flushed, 2);      /* 2^-11, 2^-10 */
  /* scale 4: x / 4 = 250, 116, ...: nothing clipped; 2^-11/4 and 2^-10/4 and
     1.5*2^-10/4 = 1.5*2^-12 flush */
  fl_candidate c4 = { f, NULL, 4 };
  fl_lost_mass m4 = { 0, 0, 0 };
  ck_assert_int_eq (fl_lost_mass_add (&c4, x, 10, &m4, err, sizeof err), FL_OK);
  ck_assert_uint_eq (m4.clipped, 0);
  ck_assert_uint_eq (m4.flushed, 3);
  fl_candidate_range r;
  ck_assert_int_eq (fl_candidate_range_get (&c4, 1000, &r, err, sizeof err), FL_OK);
  ck_assert (r.max == 4 * 448 && r.minpos == 4 * 0x1p-9);
  ck_assert_uint_eq (r.ngrid, 126);
  ck_assert (r.grid[0] == 4 * 0x1p-9 && r.grid[125] == 4 * 448);
  fl_candidate_range_clear (&r);
  fl_candidate bad = { f, NULL, 0 };
  ck_assert_int_eq (fl_lost_mass_add (&bad, x, 10, &m, err, sizeof err), FL_EINVAL);
  fl_format_free (f);
}
END_TEST

/* mxfp4 (OCP MX v1.0: 32 e2m1 elements, E8M0 scale 2^(floor(log2 amax) - 2)): a block whose
   largest magnitude is 7.5 gets scale 2^0, so 7.5 clamps to 6 (clipped) and 0.1 rounds to
   0 (the cut between 0 and 0.5 is 0.25: flushed); the other 30 elements are 1 (exact). */
START_TEST (test_lost_mass_block)
{
  fl_block *b;
  ck_assert_int_eq (fl_block_parse ("mxfp4", &b, err, sizeof err), FL_OK);
  double x[32];
  for (int i = 0; i < 32; i++)
    x[i] = 1;
  x[3] = 7.5;
  x[17] = 0.1;
  fl_candidate c = { NULL, b, 1 };
  fl_lost_mass m = { 0, 0, 0 };
  ck_assert_int_eq (fl_lost_mass_add (&c, x, 32, &m, err, sizeof err), FL_OK);
  ck_assert_uint_eq (m.n, 32);
  ck_assert_uint_eq (m.clipped, 1);
  ck_assert_uint_eq (m.flushed, 1);
  fl_candidate_range r;
  ck_assert_int_eq (fl_candidate_range_get (&c, 7.5, &r, err, sizeof err), FL_OK);
  /* one block's grid: e2m1 values times 2^ceil(log2(7.5/6)) = 2 */
  ck_assert_uint_eq (r.ngrid, 7);
  ck_assert (r.grid[0] == 1 && r.grid[6] == 12);
  fl_candidate_range_clear (&r);
  fl_block_free (b);
}
END_TEST

static Suite *
chartdata_suite (void)
{
  Suite *s = suite_create ("chartdata");
  TCase *tc = tcase_create ("core");
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_density_known);
  tcase_add_test (tc, test_closure_e2m1_independent);
  tcase_add_test (tc, test_closure_counts);
  tcase_add_test (tc, test_hist_known);
  tcase_add_test (tc, test_lost_mass_scalar);
  tcase_add_test (tc, test_lost_mass_block);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return tu_run (chartdata_suite ());
}
