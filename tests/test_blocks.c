/* test_blocks.c -- block formats and packing.  Expected values come from SPEC.md (B5.4, A6,
   A7, A9), from llama.cpp's ggml-quants.c definitions worked by hand, or from a plain MPFR
   implementation of the MX/OPAL rules written here, separately from the library (SPEC B0.1
   rounding on exact values; it uses the engine only to decode the codes it checks). */
#include <config.h>
#include <fenv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fmtlab/blocks.h>
#include <fmtlab/pack.h>
#include "testutil.h"

static fl_block *
bparse (const char *name)
{
  fl_block *b = NULL;
  char err[512] = "";
  ck_assert_msg (fl_block_parse (name, &b, err, sizeof err) == FL_OK, "parse %s: %s", name, err);
  return b;
}

/* quantize n floats of b, exact path and fast path; both must agree; returns the exact one */
static void
quant (fl_block *b, const float *v, size_t n, fl_block_array *a, fl_round_mode mode)
{
  fl_rounding r;
  fl_rounding_init (&r);
  r.mode = mode;
  char err[256];
  mpfr_t *x = malloc (n * sizeof *x);
  for (size_t i = 0; i < n; i++)
    {
      mpfr_init2 (x[i], 24);
      mpfr_set_flt (x[i], v[i], MPFR_RNDN);
    }
  ck_assert (fl_block_array_init (a, b, n, err, sizeof err) == FL_OK);
  ck_assert_msg (fl_block_quantize (b, x, n, a, &r, NULL, err, sizeof err) == FL_OK, "%s", err);
  fl_block_array f;
  ck_assert (fl_block_array_init (&f, b, n, err, sizeof err) == FL_OK);
  ck_assert (fl_block_quantize_floats (b, v, n, &f, &r, NULL, err, sizeof err) == FL_OK);
  for (size_t i = 0; i < a->nblocks; i++)
    TU_CHECK (a->scale[i] == f.scale[i], "%s block %zu: scale exact %llx fast %llx", fl_block_name (b),
              i, (unsigned long long) a->scale[i], (unsigned long long) f.scale[i]);
  for (size_t i = 0; i < n; i++)
    TU_CHECK (a->elem[i] == f.elem[i], "%s elem %zu: exact %llx fast %llx", fl_block_name (b), i,
              (unsigned long long) a->elem[i], (unsigned long long) f.elem[i]);
  fl_block_array_clear (&f);
  for (size_t i = 0; i < n; i++)
    mpfr_clear (x[i]);
  free (x);
}

static void
expect_codes (const char *name, const float *v, size_t n, uint64_t scale, const uint64_t *el,
              fl_round_mode mode)
{
  fl_block *b = bparse (name);
  fl_block_array a;
  quant (b, v, n, &a, mode);
  ck_assert_msg (a.scale[0] == scale, "%s: scale %llx, expected %llx", name,
                 (unsigned long long) a.scale[0], (unsigned long long) scale);
  for (size_t i = 0; i < n; i++)
    ck_assert_msg (a.elem[i] == el[i], "%s: element %zu is %llx, expected %llx", name, i,
                   (unsigned long long) a.elem[i], (unsigned long long) el[i]);
  fl_block_array_clear (&a);
  fl_block_free (b);
}

/* ---- SPEC B5.4 known answers ---- */

/* B5.4 check 1: MXFP4 [3.0, 0.3, -1.1, 0.05]: X = 2^-1 (E8M0 0x7e), elements 6, 0.5, -2, 0
   (E2M1 0x7, 0x1, 0xc, 0x0); decoded [3.0, 0.25, -1.0, 0] */
START_TEST (test_mx_check1)
{
  const float v[] = { 3.0f, 0.3f, -1.1f, 0.05f };
  const uint64_t el[] = { 0x7, 0x1, 0xc, 0x0 };
  expect_codes ("mx:elem=e2m1fn,k=4", v, 4, 0x7e, el, FL_RNE);
  fl_block *b = bparse ("mx:elem=e2m1fn,k=4");
  fl_block_array a;
  quant (b, v, 4, &a, FL_RNE);
  double d[4];
  fl_block_dequantize_doubles (b, &a, d);
  ck_assert (d[0] == 3.0 && d[1] == 0.25 && d[2] == -1.0 && d[3] == 0.0);
  mpfr_t out[4];
  for (int i = 0; i < 4; i++)
    mpfr_init2 (out[i], 8);
  fl_block_dequantize (b, &a, out);
  ck_assert (mpfr_cmp_d (out[0], 3.0) == 0 && mpfr_cmp_d (out[1], 0.25) == 0
             && mpfr_cmp_d (out[2], -1.0) == 0 && mpfr_zero_p (out[3]));
  for (int i = 0; i < 4; i++)
    mpfr_clear (out[i]);
  fl_block_array_clear (&a);
  fl_block_free (b);
}
END_TEST

/* B5.4 check 2: MXFP4 [7, 1, 0.5]: X = 1 (0x7f), 7 -> 8 -> clamp 6 => [6, 1, 0.5]; [7.5] -> 6.
   B5.4 check 3: MXFP8-E4M3 [500, 1]: X = 1, 500 -> 512 -> clamp 448 (0x7e); 1 = 0x38. */
START_TEST (test_mx_clamp)
{
  const float v[] = { 7, 1, 0.5f };
  const uint64_t el[] = { 0x7, 0x2, 0x1 };
  expect_codes ("mx:elem=e2m1fn,k=3", v, 3, 0x7f, el, FL_RNE);
  const float w[] = { 7.5f };
  const uint64_t wl[] = { 0x7 };
  expect_codes ("mx:elem=e2m1fn,k=1", w, 1, 0x7f, wl, FL_RNE);
  const float e[] = { 500, 1 };
  const uint64_t el3[] = { 0x7e, 0x38 };
  expect_codes ("mxfp8e4m3:k=2", e, 2, 0x7f, el3, FL_RNE);
}
END_TEST

/* B5.4 check 4 (MXX test_mx_hw_test, round='nearest' = ties away, hence FL_RNA): MXINT8 is
   Q1.6: 1.0234375 -> 1.03125 (0x42); 1.9921875 -> 1.984375 (0x7f); with amax 1.99609375:
   0.00390625 -> 0, 0.0078125 -> 0.015625 (0x01), -0.01171875 -> -0.015625 (0xff),
   -0.00390625 -> 0; [1 x5, 2 x5] unchanged with X = 2 (0x80): 0x20 and 0x40. */
START_TEST (test_mxint8)
{
  const float r1[] = { 1.0234375f, 1.9921875f };
  const uint64_t e1[] = { 0x42, 0x7f };
  expect_codes ("mxint8:k=2", r1, 2, 0x7f, e1, FL_RNA);
  const float r2[] = { 1.99609375f, 0.00390625f, 0.0078125f, -0.01171875f, -0.00390625f };
  const uint64_t e2[] = { 0x7f, 0x00, 0x01, 0xff, 0x00 };
  expect_codes ("mxint8:k=5", r2, 5, 0x7f, e2, FL_RNA);
  const float r3[] = { 1, 1, 1, 1, 1, 2, 2, 2, 2, 2 };
  const uint64_t e3[] = { 0x20, 0x20, 0x20, 0x20, 0x20, 0x40, 0x40, 0x40, 0x40, 0x40 };
  expect_codes ("mxint8:k=10", r3, 10, 0x80, e3, FL_RNE);
  /* A6: symmetric by default: -1.9990234375 * 64 = -127.9 rounds to -128, clamped to -127
     (0x81); sym=0 allows 0x80 */
  const float r4[] = { 1.5f, -1.9990234375f };
  const uint64_t e4[] = { 0x60, 0x81 }, e5[] = { 0x60, 0x80 };
  expect_codes ("mxint8:k=2", r4, 2, 0x7f, e4, FL_RNE);
  expect_codes ("mx:elem=fixed2.6,k=2,sym=0", r4, 2, 0x7f, e5, FL_RNE);
}
END_TEST

/* A6 and B5.4 checks 5, 6: NaN/Inf block -> scale 0xFF, decodes to NaN; all-zero block ->
   0x00 and each element the quantized V/X (OCP MX v1.0 6.3), so -0 stays -0 (E2M1 0x8);
   amax = 2^-149 in E2M1 -> X = 2^-127 (0x00), elements 0. */
START_TEST (test_mx_specials)
{
  float v[32];
  uint64_t z[32] = { 0 };
  for (int i = 0; i < 32; i++)
    v[i] = 1.0f;
  v[5] = NAN;
  expect_codes ("mxfp4", v, 32, 0xff, z, FL_RNE);
  v[5] = -INFINITY;
  expect_codes ("mxfp4", v, 32, 0xff, z, FL_RNE);
  fl_block *b = bparse ("mxfp4");
  fl_block_array a;
  quant (b, v, 32, &a, FL_RNE);
  double d[32];
  fl_block_dequantize_doubles (b, &a, d);
  for (int i = 0; i < 32; i++)
    ck_assert_msg (isnan (d[i]), "element %d of a NaN block is %g", i, d[i]);
  fl_block_array_clear (&a);
  fl_block_free (b);
  uint64_t zs[32];
  for (int i = 0; i < 32; i++)
    v[i] = (i & 1) ? -0.0f : 0.0f, zs[i] = (i & 1) ? 0x8 : 0x0;
  expect_codes ("mxfp4", v, 32, 0x00, zs, FL_RNE);
  const float t[] = { 0x1p-149f, 0, 0, 0 };
  expect_codes ("mx:elem=e2m1fn,k=4", t, 4, 0x00, z, FL_RNE);
}
END_TEST

/* An all-zero block of -0 keeps -0 where the element format has one (OCP MX v1.0 6.3: each
   element is the quantized V/X; NVFP4 likewise), +0 where it has none (e4m3fnuz: 0x80 is
   its NaN), and dequantizes to -0 on both the exact and the double path. */
static void
negzero_case (const char *name, uint64_t want_elem)
{
  float v[16];
  uint64_t want[16];
  for (int i = 0; i < 16; i++)
    v[i] = -0.0f, want[i] = want_elem;
  fl_block *b = bparse (name);
  fl_block_array a;
  quant (b, v, 16, &a, FL_RNE);
  for (int i = 0; i < 16; i++)
    ck_assert_msg (a.elem[i] == want[i], "%s: element %d of an all -0 block is %llx, expected %llx",
                   name, i, (unsigned long long) a.elem[i], (unsigned long long) want[i]);
  double d[16];
  mpfr_t m[16];
  for (int i = 0; i < 16; i++)
    mpfr_init2 (m[i], 8);
  fl_block_dequantize_doubles (b, &a, d);
  fl_block_dequantize (b, &a, m);
  int neg = want_elem != 0;
  for (int i = 0; i < 16; i++)
    {
      ck_assert_msg (d[i] == 0 && (signbit (d[i]) != 0) == neg, "%s: value %d dequantizes to %a", name, i, d[i]);
      ck_assert_msg (mpfr_zero_p (m[i]) && (mpfr_signbit (m[i]) != 0) == neg, "%s: exact value %d is %s",
                     name, i, tu_hex (m[i]));
      mpfr_clear (m[i]);
    }
  fl_block_array_clear (&a);
  fl_block_free (b);
}

START_TEST (test_negzero)
{
  negzero_case ("mx:elem=e2m1fn,k=16", 0x8);
  negzero_case ("mx:elem=e4m3fn,k=16", 0x80);
  negzero_case ("mx:elem=fixed2.6,k=16", 0x00);     /* two's complement: one zero */
  negzero_case ("mx:elem=e4m3fnuz,k=16", 0x00);
  negzero_case ("nvfp4", 0x8);
  negzero_case ("opal:elem=e2m1fn,k=16,outliers=0", 0x8);
}
END_TEST

/* A7 and issue 4 acceptance 3: bits per element 4.25, 6.25, 4.5, 4.78125 */
START_TEST (test_storage)
{
  struct { const char *n; uint64_t bits; size_t k; } c[] = {
    { "mxfp4", 136, 32 }, { "mxfp6e2m3", 200, 32 }, { "nvfp4", 72, 16 },
    { "opal:elem=exmy_e0m3,k=128,outliers=4,ofmt=bf16", 612, 128 },
    { "mxfp8e4m3", 264, 32 }, { "mxint8", 264, 32 }, { "q4_0", 144, 32 }, { "q4_1", 160, 32 },
    { "q8_0", 272, 32 },
  };
  for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
    {
      fl_block *b = bparse (c[i].n);
      ck_assert_msg (fl_block_storage_bits (b) == c[i].bits && fl_block_k (b) == c[i].k,
                     "%s: %llu bits per block", c[i].n, (unsigned long long) fl_block_storage_bits (b));
      fl_block_free (b);
    }
  const char *bad[] = { "mx", "mx:", "mx:elem=foo", "mx:k=4", "mx:elem=e2m1fn,k=0", "mx:elem=e2m1fn,rule=up",
                        "mxfp4:bogus=1", "opal:outliers=200,k=128", "group:elem=e4m3fn", "q4_0:k=16",
                        "nvfp4:tscale=-1", "mxfp9", "" };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      fl_block *b = NULL;
      char err[512] = "";
      ck_assert_msg (fl_block_parse (bad[i], &b, err, sizeof err) == FL_EINVAL && b == NULL && err[0],
                     "'%s' was accepted", bad[i]);
    }
}
END_TEST

/* ---- llama.cpp known blocks (ggml-quants.c, quantize_row_q8_0_ref / q4_0 / q4_1, worked
   by hand in binary32; d = 1 so every product is exact) ---- */
START_TEST (test_ggml_known)
{
  /* Q8_0: amax 127 -> d = 1 (fp16 0x3c00), q = roundf(x): ties AWAY (0.5 -> 1, 2.5 -> 3) */
  float q8[32] = { 127, -127, 0.5f, -0.5f, 1.5f, 2.5f, 3.49f, -3.5f };
  uint64_t e8[32] = { 0x7f, 0x81, 0x01, 0xff, 0x02, 0x03, 0x03, 0xfc };
  expect_codes ("q8_0", q8, 32, 0x3c00, e8, FL_RNE);
  /* Q4_0: max (signed, largest |x|) = -8 -> d = 1, q = min(15, trunc(x + 8.5)) */
  float q4[32] = { -8, 7, 7.4f, 0, -0.5f, 0.5f, -0.6f, 6.5f };
  uint64_t e4[32] = { 0, 15, 15, 8, 8, 9, 7, 15 };
  for (int i = 8; i < 32; i++)
    e4[i] = 8;
  expect_codes ("q4_0", q4, 32, 0x3c00, e4, FL_RNE);
  /* the same with max = +8: d = -1 (0xbc00): q = trunc(8.5 - x) */
  float q4b[32] = { 8, -7, 0.5f, 1 };
  uint64_t e4b[32] = { 0, 15, 8, 7 };
  for (int i = 4; i < 32; i++)
    e4b[i] = 8;
  expect_codes ("q4_0", q4b, 32, 0xbc00, e4b, FL_RNE);
  /* Q4_1: min -1, max 14 -> d = 1, m = -1 (0xbc00): q = min(15, trunc(x + 1 + 0.5)) */
  float q41[32] = { -1, 14, 0, 0.5f, 2.49f };
  uint64_t e41[32] = { 0, 15, 1, 2, 3 };
  for (int i = 5; i < 32; i++)
    e41[i] = 1;
  fl_block *b = bparse ("q4_1");
  fl_block_array a;
  quant (b, q41, 32, &a, FL_RNE);
  ck_assert (a.scale[0] == 0x3c00 && a.zero[0] == 0xbc00);
  for (int i = 0; i < 32; i++)
    ck_assert_msg (a.elem[i] == e41[i], "q4_1 element %d: %llx", i, (unsigned long long) a.elem[i]);
  double d[32];
  fl_block_dequantize_doubles (b, &a, d);
  ck_assert (d[0] == -1 && d[1] == 14 && d[2] == 0 && d[3] == 1);
  fl_block_array_clear (&a);
  fl_block_free (b);
  /* dequantization of q4_0: (q - 8) d */
  b = bparse ("q4_0");
  quant (b, q4, 32, &a, FL_RNE);
  fl_block_dequantize_doubles (b, &a, d);
  ck_assert (d[0] == -8 && d[1] == 7 && d[3] == 0 && d[5] == 1);
  fl_block_array_clear (&a);
  fl_block_free (b);
}
END_TEST

/* ---- random blocks: an independent MPFR model of SPEC B0.1 / B5.2 / A6 ---- */

typedef struct {
  const char *name;
  int M;          /* significand bits; fixed point: -1 */
  long emin;      /* exponent of the smallest normal binade (fixed: quantum exponent) */
  double max;     /* element max */
  long emax;      /* SPEC B5.1 table */
} mx_ref;

static const mx_ref mx_refs[] = {
  { "mxfp8e4m3", 3, -6, 448, 8 }, { "mxfp8e5m2", 2, -14, 57344, 15 },
  { "mxfp6e3m2", 2, -2, 28, 4 }, { "mxfp6e2m3", 3, 0, 7.5, 2 }, { "mxfp4", 1, 0, 6, 2 },
  { "mxint8", -1, -6, 127.0 / 64, 0 },
};

/* RNE of p to the element grid, clamped (SPEC B0.1 steps 1-6) */
static void
ref_round (const mx_ref *f, mpfr_srcptr p, mpfr_ptr out)
{
  mpfr_t a, q, t, n, d;
  mpfr_inits2 (2200, a, q, t, n, d, (mpfr_ptr) 0);
  mpfr_abs (a, p, MPFR_RNDN);
  if (mpfr_zero_p (a))
    {
      mpfr_set (out, p, MPFR_RNDN);
      mpfr_clears (a, q, t, n, d, (mpfr_ptr) 0);
      return;
    }
  long qe;
  if (f->M < 0)
    qe = f->emin;
  else
    {
      long e = (long) mpfr_get_exp (a) - 1;
      if (e < f->emin)
        e = f->emin;
      qe = e - f->M;
    }
  mpfr_set_ui_2exp (q, 1, qe, MPFR_RNDN);
  mpfr_div (t, a, q, MPFR_RNDN);            /* exact: power of two */
  mpfr_floor (n, t);
  mpfr_sub (d, t, n, MPFR_RNDN);
  int c = mpfr_cmp_d (d, 0.5);
  mpfr_div_2ui (d, n, 1, MPFR_RNDN);          /* n/2: an integer iff n is even */
  if (c > 0 || (c == 0 && !mpfr_integer_p (d)))
    mpfr_add_ui (n, n, 1, MPFR_RNDN);
  mpfr_mul (t, n, q, MPFR_RNDN);
  if (mpfr_cmp_d (t, f->max) > 0)
    mpfr_set_d (t, f->max, MPFR_RNDN);
  mpfr_set_prec (out, 2200);
  if (mpfr_signbit (p))
    mpfr_neg (out, t, MPFR_RNDN);
  else
    mpfr_set (out, t, MPFR_RNDN);
  mpfr_clears (a, q, t, n, d, (mpfr_ptr) 0);
}

static double
gauss (uint64_t *s)
{
  double u = ((tu_splitmix (s) >> 11) + 0.5) * 0x1p-53, v = ((tu_splitmix (s) >> 11) + 0.5) * 0x1p-53;
  return sqrt (-2 * log (u)) * cos (6.283185307179586 * v);
}

/* one random block of doubles: kind picks the distribution */
static void
gen_block (uint64_t *s, double *x, size_t k, int as_float)
{
  int kind = (int) (tu_splitmix (s) % 8);
  int shift = 0;
  switch (kind)
    {
    case 3: shift = -(int) (tu_splitmix (s) % 40) - 125; break;   /* tiny: scale clamps at 2^-127 */
    case 4: shift = (int) (tu_splitmix (s) % (as_float ? 25 : 300)) + 100; break;  /* huge */
    default: shift = (int) (tu_splitmix (s) % 40) - 20;
    }
  for (size_t i = 0; i < k; i++)
    {
      double g = gauss (s);
      switch (kind)
        {
        case 1: g = g / (((tu_splitmix (s) >> 11) + 1) * 0x1p-53); break;   /* heavy tail */
        case 2: if (tu_splitmix (s) & 1) g = 0; break;                     /* zeros */
        case 5: g = ldexp (g, (int) (tu_splitmix (s) % 60) - 30); break;   /* wide spread */
        case 6: if (i) g = ldexp (g, -(int) (tu_splitmix (s) % 30) - 6); break;  /* subnormal-range elements */
        case 7: g = (double) (int) (g * 8) / 8; break;                      /* ties */
        }
      x[i] = ldexp (g, shift);
      if (as_float)
        x[i] = (float) x[i];
    }
  if (tu_splitmix (s) % 100 == 0)
    x[tu_splitmix (s) % k] = (tu_splitmix (s) & 1) ? NAN : -INFINITY;
}

START_TEST (test_mx_random)
{
  const mx_ref *f = &mx_refs[_i];
  uint64_t s = tu_seed (f->name, 0x5eed0000 + (uint64_t) _i);
  fl_block *b = bparse (f->name);
  const size_t k = 32, nb = 10000;
  double *x = malloc (k * nb * sizeof *x);
  for (size_t i = 0; i < nb; i++)
    gen_block (&s, x + i * k, k, i & 1);
  fl_block_array a;
  char err[256];
  fl_rounding r;
  fl_rounding_init (&r);
  ck_assert (fl_block_array_init (&a, b, k * nb, err, sizeof err) == FL_OK);
  ck_assert (fl_block_quantize_doubles (b, x, k * nb, &a, &r, NULL, err, sizeof err) == FL_OK);
  mpfr_t amax, p, want, got;
  mpfr_inits2 (2200, amax, p, want, got, (mpfr_ptr) 0);
  for (size_t blk = 0; blk < nb; blk++)
    {
      const double *v = x + blk * k;
      int bad = 0;
      mpfr_set_zero (amax, 1);
      for (size_t i = 0; i < k; i++)
        {
          if (!isfinite (v[i]))
            bad = 1;
          else if (fabs (v[i]) > mpfr_get_d (amax, MPFR_RNDN))
            mpfr_set_d (amax, fabs (v[i]), MPFR_RNDN);
        }
      if (bad)
        {
          TU_CHECK (a.scale[blk] == 0xff, "%s block %zu has NaN/Inf: scale %llx", f->name, blk,
                    (unsigned long long) a.scale[blk]);
          continue;
        }
      long e = mpfr_zero_p (amax) ? -127 : (long) mpfr_get_exp (amax) - 1 - f->emax;
      e = e < -127 ? -127 : e > 127 ? 127 : e;
      TU_CHECK (a.scale[blk] == (uint64_t) (e + 127), "%s block %zu: scale %llx, expected %lx",
                f->name, blk, (unsigned long long) a.scale[blk], e + 127);
      for (size_t i = 0; i < k; i++)
        {
          mpfr_set_d (p, v[i], MPFR_RNDN);
          mpfr_mul_2si (p, p, -e, MPFR_RNDN);
          ref_round (f, p, want);
          fl_decode (fl_block_elem (b), a.elem[blk * k + i], got);
          int same = mpfr_equal_p (want, got)
                     && (f->M < 0 || mpfr_signbit (want) == mpfr_signbit (got));
          TU_CHECK (same, "%s block %zu elem %zu: x = %a, code %llx = %s, expected %s", f->name, blk, i,
                    v[i], (unsigned long long) a.elem[blk * k + i], tu_hex (got), tu_hex (want));
        }
    }
  /* and the library's exact path on the first 1000 blocks */
  fl_block_array ex;
  size_t ne = 1000 * k;
  mpfr_t *xm = malloc (ne * sizeof *xm);
  for (size_t i = 0; i < ne; i++)
    mpfr_init2 (xm[i], 53), mpfr_set_d (xm[i], x[i], MPFR_RNDN);
  ck_assert (fl_block_array_init (&ex, b, ne, err, sizeof err) == FL_OK);
  ck_assert (fl_block_quantize (b, xm, ne, &ex, &r, NULL, err, sizeof err) == FL_OK);
  for (size_t i = 0; i < ne; i++)
    TU_CHECK (ex.elem[i] == a.elem[i] && ex.scale[i / k] == a.scale[i / k],
              "%s value %zu: exact path %llx, fast %llx", f->name, i,
              (unsigned long long) ex.elem[i], (unsigned long long) a.elem[i]);
  for (size_t i = 0; i < ne; i++)
    mpfr_clear (xm[i]);
  free (xm);
  fl_block_array_clear (&ex);
  mpfr_clears (amax, p, want, got, (mpfr_ptr) 0);
  fl_block_array_clear (&a);
  free (x);
  fl_block_free (b);
}
END_TEST

/* fast path against the library's exact path, for every family and rule */
static void
fast_vs_exact (const char *name, size_t nb, int as_float, uint64_t seed, fl_round_mode mode)
{
  uint64_t s = tu_seed (name, seed);
  fl_block *b = bparse (name);
  size_t k = fl_block_k (b), n = nb * k - (nb > 1 ? k / 3 : 0);   /* a short last block */
  double *x = malloc (nb * k * sizeof *x);
  for (size_t i = 0; i < nb; i++)
    gen_block (&s, x + i * k, k, as_float);
  mpfr_t *xm = malloc (n * sizeof *xm);
  for (size_t i = 0; i < n; i++)
    mpfr_init2 (xm[i], 53), mpfr_set_d (xm[i], x[i], MPFR_RNDN);
  fl_block_array ex, fa;
  char err[256];
  fl_rounding r;
  fl_rounding_init (&r);
  r.mode = mode;
  r.seed = seed;
  ck_assert (fl_block_array_init (&ex, b, n, err, sizeof err) == FL_OK);
  ck_assert (fl_block_array_init (&fa, b, n, err, sizeof err) == FL_OK);
  ck_assert_msg (fl_block_quantize (b, xm, n, &ex, &r, NULL, err, sizeof err) == FL_OK, "%s", err);
  ck_assert (fl_block_quantize_doubles (b, x, n, &fa, &r, NULL, err, sizeof err) == FL_OK);
  for (size_t i = 0; i < ex.nblocks; i++)
    {
      TU_CHECK (ex.scale[i] == fa.scale[i], "%s block %zu: scale exact %llx fast %llx", name, i,
                (unsigned long long) ex.scale[i], (unsigned long long) fa.scale[i]);
      if (ex.zero)
        TU_CHECK (ex.zero[i] == fa.zero[i], "%s block %zu: zero exact %llx fast %llx", name, i,
                  (unsigned long long) ex.zero[i], (unsigned long long) fa.zero[i]);
      for (unsigned t = 0; t < fl_block_outliers (b); t++)
        TU_CHECK (ex.oidx[i * fl_block_outliers (b) + t] == fa.oidx[i * fl_block_outliers (b) + t]
                  && ex.ocode[i * fl_block_outliers (b) + t] == fa.ocode[i * fl_block_outliers (b) + t],
                  "%s block %zu: outlier %u differs", name, i, t);
    }
  for (size_t i = 0; i < n; i++)
    TU_CHECK (ex.elem[i] == fa.elem[i], "%s value %zu (x = %a): exact %llx, fast %llx", name, i, x[i],
              (unsigned long long) ex.elem[i], (unsigned long long) fa.elem[i]);
  for (size_t i = 0; i < n; i++)
    mpfr_clear (xm[i]);
  free (xm);
  free (x);
  fl_block_array_clear (&ex);
  fl_block_array_clear (&fa);
  fl_block_free (b);
}

/* The fast path against the exact one: block format, blocks, inputs binary32 (1) or any
   double (0), seed, element rounding. */
static const struct {
  const char *name;
  size_t nblocks;
  int as_float;
  uint64_t seed;
  fl_round_mode mode;
} fast_cases[] = {
  /* MX scale rules and element formats */
  { "mx:elem=e4m3fn,rule=ceil", 2000, 0, 11, FL_RNE },
  { "mx:elem=e2m1fn,rule=even", 2000, 0, 12, FL_RNE },
  { "mx:elem=e3m2fn,rule=rceil", 2000, 1, 13, FL_RNE },
  { "mx:elem=bf16,k=16,scale=e5m2", 1000, 0, 14, FL_RNE },
  { "mx:elem=exmy_e0m3,k=8", 2000, 0, 15, FL_RTZ },
  { "mxfp4", 1000, 1, 16, FL_SR },
  { "mxfp6e2m3", 1000, 0, 17, FL_RUP },
  /* NVFP4, with a per-tensor scale */
  { "nvfp4", 4000, 1, 21, FL_RNE },
  { "nvfp4", 2000, 0, 22, FL_RNE },
  { "nvfp4:tscale=0x1.8p-7", 2000, 1, 23, FL_RNE },
  { "nvfp4", 1000, 0, 24, FL_RTZ },
  /* OPAL */
  { "opal", 300, 1, 31, FL_RNE },
  { "opal:elem=exmy_e0m2,k=64,outliers=2", 300, 0, 32, FL_RNE },
  { "opal:elem=exmy_e0m7,k=128,outliers=8", 200, 1, 33, FL_RNE },
  { "opal:elem=e2m1fn,k=32,outliers=1,ofmt=fp16", 500, 0, 34, FL_SR },
  /* grouped integers and the ggml blocks */
  { "group:elem=int4,k=32", 1000, 1, 41, FL_RNE },
  { "group:elem=int8,k=64,fit=absmax", 500, 0, 42, FL_RNE },
  { "group:elem=uint3,k=16,scale=bf16,zero=bf16", 1000, 1, 43, FL_RNE },
  { "group:elem=int2,k=16,fit=mse", 40, 1, 44, FL_RNE },
  { "group:elem=int4,k=32,fit=minmax", 300, 0, 45, FL_RTZ },
  { "q8_0", 2000, 1, 46, FL_RNE },
  { "q4_0", 2000, 1, 47, FL_RNE },
  { "q4_1", 2000, 0, 48, FL_RNE },
};

START_TEST (test_fast_vs_exact)
{
  fast_vs_exact (fast_cases[_i].name, fast_cases[_i].nblocks, fast_cases[_i].as_float,
                 fast_cases[_i].seed, fast_cases[_i].mode);
}
END_TEST

/* The fast path with every element family: MX and OPAL blocks of floats, fixed point,
   integers, posits, logarithmic posits and LNS, fast codes equal to exact codes on 10^4
   random blocks each.  Posits, logarithmic posits and LNS have no double fast path of
   their own: the block fast path once called a NULL encoder for them. */
START_TEST (test_elem_families_fast)
{
  static const char *const names[] = {
    "mx:elem=e4m3fn,k=8", "mx:elem=fixed4.4,k=8", "mx:elem=int6,k=8,sym=0",
    "mx:elem=posit8es1,k=8", "mx:elem=lp8es1rs3,k=8", "mx:elem=lns8f3,k=8",
    "opal:elem=e2m1fn,k=16,outliers=2", "opal:elem=int4,k=16,outliers=2",
    "opal:elem=posit8es1,k=16,outliers=2", "opal:elem=lp8es1rs3,k=16,outliers=2",
    "opal:elem=lns8f3,k=16,outliers=2",
  };
  const char *name = names[_i];
  /* round-to-nearest, a directed mode and stochastic rounding in turn */
  static const fl_round_mode modes[] = { FL_RNE, FL_RDN, FL_SR };
  fast_vs_exact (name, 10000, _i & 1, 51 + (uint64_t) _i, modes[_i % 3]);
}
END_TEST

/* The fast paths do not follow the caller's floating-point environment: under each
   directed rounding direction they still give the exact path's codes (groups, NVFP4 and
   ggml's float arithmetic included), and the caller's direction is given back. */
START_TEST (test_fenv)
{
  static const int dirs[] = { FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO };
  for (int d = 0; d < 3; d++)
    {
      ck_assert_int_eq (fesetround (dirs[d]), 0);
      fast_vs_exact ("group:elem=int4,k=32", 200, 0, 81, FL_RNE);
      fast_vs_exact ("group:elem=uint3,k=16,fit=mse", 20, 1, 82, FL_RNE);
      fast_vs_exact ("nvfp4", 300, 0, 83, FL_RNE);
      fast_vs_exact ("q4_0", 300, 1, 84, FL_RNE);
      fast_vs_exact ("mxfp4", 300, 0, 85, FL_RNA);
      int now = fegetround ();
      fesetround (FE_TONEAREST);
      ck_assert_msg (now == dirs[d], "the caller's rounding direction was not given back");
    }
}
END_TEST

/* Block formats through the scalar seam: fl_format_parse takes block names, and
   fl_quantize_doubles/floats on them equal the exact block path (fl_block_quantize, then
   fl_block_dequantize, rounded to the nearest double / float) value for value, with a
   short last block, in place, and across the call's internal chunks (stochastic rounding
   keeps element i on stream r->stream + i).  The scalar calls refuse. */
static void
format_quantize_case (const char *name, size_t n, fl_round_mode mode, uint64_t seed)
{
  fl_format *f = NULL;
  char err[256] = "";
  ck_assert_msg (fl_format_parse (name, &f, err, sizeof err) == FL_OK, "%s: %s", name, err);
  ck_assert_int_eq (fl_format_family (f), FL_FAMILY_BLOCK);
  const fl_block *b = fl_format_block (f);
  ck_assert_ptr_nonnull (b);
  ck_assert_str_eq (fl_format_name (f), fl_block_name (b));
  uint64_t s = tu_seed (name, seed);
  size_t k = fl_block_k (b), nb = (n + k - 1) / k;
  double *x = malloc (nb * k * sizeof *x), *y = malloc (n * sizeof *y);
  float *xf = malloc (n * sizeof *xf), *yf = malloc (n * sizeof *yf);
  for (size_t i = 0; i < nb; i++)
    gen_block (&s, x + i * k, k, 1);
  for (size_t i = 0; i < n; i++)
    xf[i] = (float) x[i];
  fl_rounding r;
  fl_rounding_init (&r);
  r.mode = mode;
  r.seed = seed;
  r.stream = 1000;
  unsigned fl = 0;
  fl_quantize_doubles (f, x, y, n, &r, &fl);
  fl_quantize_floats (f, xf, yf, n, &r, &fl);
  /* the reference: the exact path on the same values */
  mpfr_t *xm = malloc (n * sizeof *xm), *vm = malloc (n * sizeof *vm);
  for (size_t i = 0; i < n; i++)
    {
      mpfr_init2 (xm[i], 53);
      mpfr_set_d (xm[i], x[i], MPFR_RNDN);
      mpfr_init2 (vm[i], 8);
    }
  fl_block_array a;
  ck_assert (fl_block_array_init (&a, b, n, err, sizeof err) == FL_OK);
  ck_assert_msg (fl_block_quantize (b, xm, n, &a, &r, NULL, err, sizeof err) == FL_OK, "%s", err);
  fl_block_dequantize (b, &a, vm);
  for (size_t i = 0; i < n; i++)
    {
      double want = mpfr_get_d (vm[i], MPFR_RNDN);
      float wantf = (float) want;
      TU_CHECK ((isnan (want) && isnan (y[i])) || (want == y[i] && signbit (want) == signbit (y[i])),
                "%s value %zu (x = %a): fl_quantize_doubles %a, exact block path %a", name, i, x[i], y[i], want);
      TU_CHECK ((isnan (wantf) && isnan (yf[i])) || (wantf == yf[i] && signbit (wantf) == signbit (yf[i])),
                "%s value %zu (x = %a): fl_quantize_floats %a, exact block path %a", name, i, x[i],
                (double) yf[i], (double) wantf);
    }
  /* in place */
  memcpy (y, x, n * sizeof *y);
  fl_quantize_doubles (f, y, y, n, &r, NULL);
  for (size_t i = 0; i < n; i++)
    {
      double want = mpfr_get_d (vm[i], MPFR_RNDN);
      TU_CHECK ((isnan (want) && isnan (y[i])) || want == y[i], "%s in place, value %zu", name, i);
    }
  for (size_t i = 0; i < n; i++)
    mpfr_clears (xm[i], vm[i], (mpfr_ptr) 0);
  fl_block_array_clear (&a);
  free (xm); free (vm); free (x); free (y); free (xf); free (yf);
  fl_format_free (f);
}

START_TEST (test_format_seam)
{
  format_quantize_case ("mxfp4", 1000 * 32 + 7, FL_RNE, 71);
  format_quantize_case ("mx:elem=e4m3fn,k=24", 70001, FL_SR, 72);   /* crosses a chunk */
  format_quantize_case ("nvfp4", 16 * 500 + 3, FL_RNE, 73);
  format_quantize_case ("opal:elem=posit8es1,k=64,outliers=2", 64 * 100 + 10, FL_RTZ, 74);
  format_quantize_case ("group:elem=int4,k=32", 32 * 300 + 1, FL_RNE, 75);
  format_quantize_case ("q4_1", 32 * 300, FL_RNE, 76);

  fl_format *f;
  char err[256];
  ck_assert (fl_format_parse ("nvfp4", &f, err, sizeof err) == FL_OK);
  /* what the block call refuses: NaN values and the invalid flag */
  fl_rounding r;
  fl_rounding_init (&r);
  r.mode = FL_SR;
  double x[20] = { 1, 2, 3 }, y[20];
  unsigned fl = 0;
  fl_quantize_doubles (f, x, y, 20, &r, &fl);
  ck_assert (isnan (y[0]) && isnan (y[19]) && (fl & FL_FLAG_INVALID));
  /* the scalar calls do not apply */
  ck_assert_uint_eq (fl_format_bits (f), 0);
  fl_rounding_init (&r);
  mpfr_t v;
  mpfr_init2 (v, 53);
  mpfr_set_d (v, 1.5, MPFR_RNDN);
  fl = 0;
  ck_assert_uint_eq (fl_encode (f, v, &r, &fl), 0);
  ck_assert (fl & FL_FLAG_INVALID);
  ck_assert_int_eq (fl_decode (f, 0, v), FL_CLASS_NAN);
  mpfr_clear (v);
  fl_format_free (f);
  /* a scalar name gives no block; a bad block name, the block parser's message */
  ck_assert (fl_format_parse ("fp16", &f, err, sizeof err) == FL_OK);
  ck_assert_ptr_null (fl_format_block (f));
  fl_format_free (f);
  ck_assert (fl_format_parse ("mx:elem=e2m1fn,k=0", &f, err, sizeof err) == FL_EINVAL);
  ck_assert_msg (strstr (err, "k=0") != NULL, "message: %s", err);
  ck_assert (fl_format_parse ("mx:elem=mxfp4", &f, err, sizeof err) == FL_EINVAL);
}
END_TEST

/* OPAL: an independent model of A7 on normal-range blocks (the fast path: fast_cases) */
START_TEST (test_opal)
{
  uint64_t s = tu_seed ("opal model", 35);
  fl_block *b = bparse ("opal");
  const size_t k = 128;
  double x[128];
  mpfr_t got, want, p;
  mpfr_inits2 (200, got, want, p, (mpfr_ptr) 0);
  for (int blk = 0; blk < 300; blk++)
    {
      for (size_t i = 0; i < k; i++)
        x[i] = (float) (gauss (&s) * (blk % 3 == 0 && i % 40 == 7 ? 1000 : 1));
      fl_block_array a;
      char err[256];
      fl_rounding r;
      fl_rounding_init (&r);
      ck_assert (fl_block_array_init (&a, b, k, err, sizeof err) == FL_OK);
      ck_assert (fl_block_quantize_doubles (b, x, k, &a, &r, NULL, err, sizeof err) == FL_OK);
      /* the 4 largest |x| (ties: lower index), ascending */
      int chosen[128] = { 0 };
      for (int t = 0; t < 4; t++)
        {
          int best = -1;
          for (int i = 0; i < 128; i++)
            if (!chosen[i] && (best < 0 || fabs (x[i]) > fabs (x[best])))
              best = i;
          chosen[best] = 1;
        }
      int t = 0;
      double m = 0;
      for (int i = 0; i < 128; i++)
        if (chosen[i])
          {
            TU_CHECK (a.oidx[t] == (uint32_t) i, "opal block %d: outlier %d at %u, expected %d", blk, t, a.oidx[t], i);
            /* bf16 = RNE to 8 significant bits (normal range here) */
            mpfr_set_prec (want, 8);
            mpfr_set_d (want, x[i], MPFR_RNDN);
            fl_decode (fl_block_ofmt (b), a.ocode[t], got);
            TU_CHECK (mpfr_equal_p (want, got), "opal block %d: outlier %d = %s, expected %s", blk, t, tu_hex (got), tu_hex (want));
            t++;
          }
        else
          m = fabs (x[i]) > m ? fabs (x[i]) : m;
      int E;
      frexp (m, &E);
      long e = (E - 1) - 2;            /* emax of exmy_e0m3 (max 7) is 2 */
      TU_CHECK (a.scale[0] == (uint64_t) (e + 127), "opal block %d: scale %llx", blk, (unsigned long long) a.scale[0]);
      mx_ref ir = { "e0m3", -1, 0, 7, 2 };
      for (int i = 0; i < 128; i++)
        {
          mpfr_set_prec (p, 60);
          mpfr_set_d (p, chosen[i] ? 0.0 : x[i], MPFR_RNDN);
          mpfr_mul_2si (p, p, -e, MPFR_RNDN);
          ref_round (&ir, p, want);
          fl_decode (fl_block_elem (b), a.elem[i], got);
          TU_CHECK (mpfr_equal_p (want, got), "opal block %d elem %d: %s, expected %s", blk, i, tu_hex (got), tu_hex (want));
        }
      fl_block_array_clear (&a);
    }
  mpfr_clears (got, want, p, (mpfr_ptr) 0);
  fl_block_free (b);
}
END_TEST

START_TEST (test_group)
{
  /* decoupleQ 2-bit grid (SPEC B7.4 check 1): s = 1, z = 0.5 gives levels -1.5 .. 1.5; a group
     of exactly those values is reproduced by minmax (s = 3/3 = 1, z = -1.5 + 2 = 0.5) */
  const float v[4] = { -1.5f, -0.5f, 0.5f, 1.5f };
  fl_block *b = bparse ("group:elem=int2,k=4");
  fl_block_array a;
  quant (b, v, 4, &a, FL_RNE);
  double d[4];
  fl_block_dequantize_doubles (b, &a, d);
  ck_assert (a.scale[0] == 0x3c00 && a.zero[0] == 0x3800);
  for (int i = 0; i < 4; i++)
    ck_assert_msg (d[i] == v[i], "level %d: %g", i, d[i]);
  fl_block_array_clear (&a);
  fl_block_free (b);
}
END_TEST

/* ---- packing (SPEC A9) ---- */

START_TEST (test_pack_examples)
{
  /* written out by hand from the layout in include/fmtlab/pack.h */
  struct { unsigned bits; uint8_t codes[8]; uint8_t bytes[8]; } ex[] = {
    { 3, { 1, 2, 3, 4, 5, 6, 7, 0 }, { 0x94, 0x3e, 0x55 } },
    { 5, { 0x1f, 0x10, 0x0f, 0x01, 0x00, 0x11, 0x1e, 0x0a }, { 0x8f, 0x07, 0x80, 0x5f, 0x2d } },
    { 6, { 0x3f, 0x00, 0x15, 0x2a, 0x01, 0x20, 0x3c, 0x03 }, { 0x0f, 0xa5, 0x80, 0x0f, 0x93, 0xc1 } },
    { 7, { 0x7f, 0x00, 0x40, 0x3f, 0x55, 0x2a, 0x01, 0x7e }, { 0x0f, 0x78, 0x5a, 0xf0, 0xc3, 0xc6, 0x59 } },
  };
  for (size_t e = 0; e < 4; e++)
    {
      uint8_t out[8] = { 0 }, back[8];
      uint16_t w[8], wb[8];
      char err[128];
      ck_assert (fl_pack_bytes (ex[e].bits, 8) == ex[e].bits);
      ck_assert (fl_pack8 (ex[e].bits, ex[e].codes, 8, out, err, sizeof err) == FL_OK);
      ck_assert_msg (memcmp (out, ex[e].bytes, ex[e].bits) == 0, "width %u: bytes %02x %02x %02x ...",
                     ex[e].bits, out[0], out[1], out[2]);
      for (int i = 0; i < 8; i++)
        w[i] = ex[e].codes[i];
      memset (out, 0, sizeof out);
      ck_assert (fl_pack16 (ex[e].bits, w, 8, out, err, sizeof err) == FL_OK);
      ck_assert (memcmp (out, ex[e].bytes, ex[e].bits) == 0);
      ck_assert (fl_unpack8 (ex[e].bits, ex[e].bytes, 8, back, err, sizeof err) == FL_OK);
      ck_assert (memcmp (back, ex[e].codes, 8) == 0);
      ck_assert (fl_unpack16 (ex[e].bits, ex[e].bytes, 8, wb, err, sizeof err) == FL_OK);
      for (int i = 0; i < 8; i++)
        ck_assert (wb[i] == ex[e].codes[i] && fl_pack_get (ex[e].bits, ex[e].bytes, (size_t) i) == ex[e].codes[i]);
    }
  uint8_t c[3] = { 1, 64, 2 }, o[8];
  char err[128];
  ck_assert (fl_pack8 (6, c, 3, o, err, sizeof err) == FL_ERANGE && strstr (err, "code 1"));
  ck_assert (fl_pack8 (9, c, 3, o, err, sizeof err) == FL_EINVAL);
  ck_assert (fl_pack16 (17, NULL, 0, o, err, sizeof err) == FL_EINVAL);
}
END_TEST

START_TEST (test_pack_roundtrip)
{
  uint64_t s = tu_seed ("pack round trip", 0x9ac);
  for (unsigned bits = 1; bits <= 16; bits++)
    for (int rep = 0; rep < 40; rep++)
      {
        size_t n = 1 + tu_splitmix (&s) % 300;
        if (n % 8 == 0)
          n++;
        uint16_t *w = malloc (n * 2), *wb = malloc (n * 2);
        uint8_t *c = malloc (n), *cb = malloc (n), *p = calloc (fl_pack_bytes (bits, n), 1),
                *p2 = calloc (fl_pack_bytes (bits, n), 1);
        for (size_t i = 0; i < n; i++)
          {
            w[i] = (uint16_t) (tu_splitmix (&s) & ((1u << bits) - 1));
            c[i] = (uint8_t) w[i];
          }
        char err[128];
        ck_assert (fl_pack_bytes (bits, n) == (n + 7) / 8 * bits);
        ck_assert (fl_pack16 (bits, w, n, p, err, sizeof err) == FL_OK);
        ck_assert (fl_unpack16 (bits, p, n, wb, err, sizeof err) == FL_OK);
        ck_assert_msg (memcmp (w, wb, n * 2) == 0, "width %u, n %zu: 16-bit round trip", bits, n);
        for (size_t i = 0; i < n; i++)
          {
            TU_CHECK (fl_pack_get (bits, p, i) == w[i], "width %u: get(%zu)", bits, i);
            fl_pack_set (bits, p2, i, w[i]);
          }
        ck_assert_msg (memcmp (p, p2, fl_pack_bytes (bits, n)) == 0, "width %u: set builds the same bytes", bits);
        if (bits <= 8)
          {
            memset (p2, 0, fl_pack_bytes (bits, n));
            ck_assert (fl_pack8 (bits, c, n, p2, err, sizeof err) == FL_OK);
            ck_assert_msg (memcmp (p, p2, fl_pack_bytes (bits, n)) == 0, "width %u: pack8 = pack16", bits);
            ck_assert (fl_unpack8 (bits, p, n, cb, err, sizeof err) == FL_OK);
            ck_assert (memcmp (c, cb, n) == 0);
          }
        free (w); free (wb); free (c); free (cb); free (p); free (p2);
      }
}
END_TEST

/* Long arrays (more than four chunks of groups: the threaded loops, and the BMI2 loops
   where the CPU has them) against bytes built one code at a time by fl_pack_set, every
   width; a code out of range in a middle chunk and in the tail is named. */
START_TEST (test_pack_long)
{
  uint64_t s = tu_seed ("pack long", 0x10b6);
  size_t n = 5 * ((size_t) 8 << 16) + 13;
  uint16_t *w = malloc (n * 2), *wb = malloc (n * 2);
  uint8_t *c = malloc (n), *cb = malloc (n);
  uint8_t *p = malloc (fl_pack_bytes (16, n)), *ref = malloc (fl_pack_bytes (16, n));
  char err[128];
  for (unsigned bits = 1; bits <= 16; bits++)
    {
      size_t nb = fl_pack_bytes (bits, n);
      memset (ref, 0, nb);
      for (size_t i = 0; i < n; i++)
        {
          w[i] = (uint16_t) (tu_splitmix (&s) & ((1u << bits) - 1));
          c[i] = (uint8_t) w[i];
          fl_pack_set (bits, ref, i, w[i]);
        }
      ck_assert (fl_pack16 (bits, w, n, p, err, sizeof err) == FL_OK);
      ck_assert_msg (memcmp (p, ref, nb) == 0, "width %u: fl_pack16 differs from fl_pack_set", bits);
      ck_assert (fl_unpack16 (bits, p, n, wb, err, sizeof err) == FL_OK);
      ck_assert_msg (memcmp (w, wb, n * 2) == 0, "width %u: fl_unpack16", bits);
      if (bits < 16)
        {
          size_t at[2] = { 3 * ((size_t) 8 << 16) + 77, n - 2 };
          for (int k = 0; k < 2; k++)
            {
              uint16_t keep = w[at[k]];
              w[at[k]] = (uint16_t) (1u << bits);
              ck_assert (fl_pack16 (bits, w, n, p, err, sizeof err) == FL_ERANGE);
              char want[64];
              snprintf (want, sizeof want, "code %zu ", at[k]);
              ck_assert_msg (strstr (err, want), "width %u: '%s' names the wrong code", bits, err);
              w[at[k]] = keep;
            }
        }
      if (bits <= 8)
        {
          ck_assert (fl_pack8 (bits, c, n, p, err, sizeof err) == FL_OK);
          ck_assert_msg (memcmp (p, ref, nb) == 0, "width %u: fl_pack8 differs from fl_pack_set", bits);
          ck_assert (fl_unpack8 (bits, p, n, cb, err, sizeof err) == FL_OK);
          ck_assert_msg (memcmp (c, cb, n) == 0, "width %u: fl_unpack8", bits);
          if (bits < 8)
            {
              c[n / 2] = (uint8_t) (1u << bits);
              ck_assert (fl_pack8 (bits, c, n, p, err, sizeof err) == FL_ERANGE);
            }
        }
    }
  free (w); free (wb); free (c); free (cb); free (p); free (ref);
}
END_TEST

static Suite *
suite (void)
{
  Suite *s = suite_create ("blocks");
  TCase *t = tcase_create ("known");
  tcase_add_test (t, test_mx_check1);
  tcase_add_test (t, test_mx_clamp);
  tcase_add_test (t, test_mxint8);
  tcase_add_test (t, test_mx_specials);
  tcase_add_test (t, test_storage);
  tcase_add_test (t, test_negzero);
  tcase_add_test (t, test_ggml_known);
  suite_add_tcase (s, t);
  TCase *r = tcase_create ("random");
  tcase_set_timeout (r, 300);
  tcase_add_loop_test (r, test_mx_random, 0, (int) (sizeof mx_refs / sizeof mx_refs[0]));
  tcase_add_loop_test (r, test_fast_vs_exact, 0,
                       (int) (sizeof fast_cases / sizeof fast_cases[0]));
  tcase_add_test (r, test_opal);
  tcase_add_test (r, test_group);
  tcase_add_loop_test (r, test_elem_families_fast, 0, 11);
  tcase_add_test (r, test_format_seam);
  tcase_add_test (r, test_fenv);
  suite_add_tcase (s, r);
  TCase *p = tcase_create ("pack");
  tcase_set_timeout (p, 300);
  tcase_add_test (p, test_pack_examples);
  tcase_add_test (p, test_pack_roundtrip);
  tcase_add_test (p, test_pack_long);
  suite_add_tcase (s, p);
  return s;
}

int
main (void)
{
  mpfr_set_emin (mpfr_get_emin_min ());
  mpfr_set_emax (mpfr_get_emax_max ());
  return tu_run (suite ());
}
