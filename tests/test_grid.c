/* test_grid.c -- the generic sorted-grid rounder (formats/grid.c, include/fmtlab/grid.h).

   The grid decides NaN, infinite and zero inputs, overflow and negative values in unsigned
   formats by itself (doc/engine.md); these are known answers from the format definitions:
   ml_dtypes' e4m3fn (NaN 0x7f/0xff, no infinity, largest 448 = 0x7e), IEEE binary16
   (infinity 0x7c00, canonical quiet NaN 0x7e00, -0 = 0x8000), OCP e8m0fnu (no zero, NaN
   0xff), uint8 (saturates at 0 and 255), posits (NaR 0x80 for NaN and infinities, invalid),
   lns8f3 (no infinity: saturate to the largest magnitude 0x3f, overflow).  The grid's
   rounding of every value against fl_encode is test_cross's job. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <fmtlab/grid.h>
#include "testutil.h"

typedef struct {
  const char *fmt, *x;
  fl_round_mode mode;
  fl_overflow ovf;
  uint64_t code;
  unsigned flags;
} kat;

static const kat kats[] = {
  { "e4m3fn", "nan", FL_RNE, FL_OVF_DEFAULT, 0x7f, 0 },
  { "e4m3fn", "-nan", FL_RNE, FL_OVF_DEFAULT, 0xff, 0 },
  { "e4m3fn", "inf", FL_RNE, FL_OVF_DEFAULT, 0x7f, 0 },
  { "e4m3fn", "-inf", FL_RNE, FL_OVF_SAT, 0xfe, FL_FLAG_OVERFLOW | FL_FLAG_INEXACT },
  { "e4m3fn", "500", FL_RNE, FL_OVF_DEFAULT, 0x7f, FL_FLAG_OVERFLOW | FL_FLAG_INEXACT },
  { "e4m3fn", "500", FL_RTZ, FL_OVF_DEFAULT, 0x7e, FL_FLAG_OVERFLOW | FL_FLAG_INEXACT },
  { "e4m3fn", "-0", FL_RNE, FL_OVF_DEFAULT, 0x80, 0 },
  { "fp16", "inf", FL_RNE, FL_OVF_DEFAULT, 0x7c00, 0 },
  { "fp16", "-inf", FL_RNE, FL_OVF_NAN, 0xfe00, 0 },
  { "fp16", "nan", FL_RNE, FL_OVF_DEFAULT, 0x7e00, 0 },
  { "fp16", "-0", FL_RDN, FL_OVF_DEFAULT, 0x8000, 0 },
  { "fp16", "70000", FL_RNE, FL_OVF_DEFAULT, 0x7c00, FL_FLAG_OVERFLOW | FL_FLAG_INEXACT },
  { "fp16", "-70000", FL_RUP, FL_OVF_DEFAULT, 0xfbff, FL_FLAG_OVERFLOW | FL_FLAG_INEXACT },
  { "e8m0fnu", "0", FL_RNE, FL_OVF_DEFAULT, 0xff, FL_FLAG_INVALID },
  { "e8m0fnu", "0", FL_RNE, FL_OVF_SAT, 0x00, FL_FLAG_INVALID },
  { "e8m0fnu", "-2", FL_RNE, FL_OVF_DEFAULT, 0xff, FL_FLAG_INVALID },
  { "uint8", "-3", FL_RNE, FL_OVF_DEFAULT, 0x00, FL_FLAG_OVERFLOW | FL_FLAG_INEXACT },
  { "uint8", "nan", FL_RNE, FL_OVF_DEFAULT, 0x00, FL_FLAG_INVALID },
  { "uint8", "inf", FL_RNE, FL_OVF_DEFAULT, 0xff, FL_FLAG_OVERFLOW | FL_FLAG_INEXACT },
  { "int8", "-inf", FL_RNE, FL_OVF_DEFAULT, 0x80, FL_FLAG_OVERFLOW | FL_FLAG_INEXACT },
  { "posit8es1", "inf", FL_RNE, FL_OVF_DEFAULT, 0x80, FL_FLAG_INVALID },
  { "posit8es1", "nan", FL_RNE, FL_OVF_DEFAULT, 0x80, FL_FLAG_INVALID },
  { "posit8es1", "-0", FL_RNE, FL_OVF_DEFAULT, 0x00, 0 },
  { "posit8es1", "1e-30", FL_RNE, FL_OVF_DEFAULT, 0x01, FL_FLAG_INEXACT },
  { "lns8f3", "inf", FL_RNE, FL_OVF_DEFAULT, 0x3f, FL_FLAG_OVERFLOW | FL_FLAG_INEXACT },
};

START_TEST (specials_known_answers)
{
  const kat *k = &kats[_i];
  fl_format *f = tu_parse (k->fmt);
  fl_grid *g;
  char err[256];
  ck_assert_msg (fl_grid_alloc (f, &g, err, sizeof err) == FL_OK, "%s", err);
  mpfr_t x;
  mpfr_init2 (x, 64);
  ck_assert (fl_parse_real (x, k->x[0] == '-' && k->x[1] == 'n' ? "nan" : k->x, 64) == 0);
  if (k->x[0] == '-' && k->x[1] == 'n')
    mpfr_setsign (x, x, 1, MPFR_RNDN);
  fl_rounding r;
  fl_rounding_init (&r);
  r.mode = k->mode;
  r.overflow = k->ovf;
  unsigned fl = 0;
  uint64_t c = fl_grid_round (g, x, &r, &fl);
  ck_assert_msg (c == k->code && fl == k->flags, "%s %s %s %s: grid gives %llx flags %x, "
                 "expected %llx flags %x", k->fmt, k->x, fl_round_mode_name (k->mode),
                 fl_overflow_name (k->ovf), (unsigned long long) c, fl,
                 (unsigned long long) k->code, k->flags);
  mpfr_clear (x);
  fl_grid_free (g);
  fl_format_free (f);
}
END_TEST

/* The grid lists every finite value once, sorted: e4m3fn has 2 * 126 + 1 = 253 of them
   (codes 0x00..0x7e and their negatives, one zero), from -448 to 448. */
START_TEST (grid_contents)
{
  fl_format *f = tu_parse ("e4m3fn");
  fl_grid *g;
  char err[256];
  ck_assert (fl_grid_alloc (f, &g, err, sizeof err) == FL_OK);
  ck_assert_uint_eq (fl_grid_size (g), 253);
  ck_assert (mpfr_cmp_si (fl_grid_value (g, 0), -448) == 0 && fl_grid_code (g, 0) == 0xfe);
  ck_assert (mpfr_cmp_si (fl_grid_value (g, 252), 448) == 0 && fl_grid_code (g, 252) == 0x7e);
  ck_assert (mpfr_zero_p (fl_grid_value (g, 126)) && fl_grid_code (g, 126) == 0);
  for (size_t i = 1; i < fl_grid_size (g); i++)
    ck_assert (mpfr_less_p (fl_grid_value (g, i - 1), fl_grid_value (g, i)));
  fl_grid_free (g);
  fl_format_free (f);
  f = tu_parse ("fp32");
  ck_assert (fl_grid_alloc (f, &g, err, sizeof err) == FL_ERANGE);
  fl_format_free (f);
}
END_TEST

static Suite *
suite (void)
{
  Suite *s = suite_create ("grid");
  TCase *t = tcase_create ("grid");
  tcase_add_loop_test (t, specials_known_answers, 0, (int) (sizeof kats / sizeof kats[0]));
  tcase_add_test (t, grid_contents);
  suite_add_tcase (s, t);
  return s;
}

int
main (void)
{
  return tu_run (suite ());
}
