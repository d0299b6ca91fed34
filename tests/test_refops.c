/* test_refops.c -- reference operations, the fast path, vectors and verification.

   Independent references only: the fast path is checked against the MPFR reference path
   (two producers, one rounding), the reference path against IEEE 754 clauses written out
   by hand and against C's _Float16 arithmetic (binary32 then one rounding: correctly
   rounded for + - * / sqrt, since 24 >= 2*11+2), never against its own output.
   Seeds are printed; FMTLAB_TEST_SEED replays a run. */
#include <config.h>
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
# include <omp.h>
#endif
#include <fmtlab/refops.h>
#include <fmtlab/vectors.h>
#include "testutil.h"

#ifndef F16LIB
# define F16LIB "tests/.libs/libf16.so"
#endif

static double
now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

/* ---- fast path = MPFR path -------------------------------------------------------------- */

static int g_after;   /* cross_check: tininess after rounding in both paths */

/* Compare both paths on every case of 'ncases' (exhaustive when random == 0). */
static void
cross_check (const char *name, fl_op op, fl_round_mode mode, fl_overflow ovf, int random,
             uint64_t seed, uint64_t ncases)
{
  fl_format *f = tu_parse (name);
  fl_fast *fast;
  ck_assert_msg (fl_fast_new (f, op, &fast) == FL_OK, "%s %s: no fast path", name, fl_op_name (op));
  fl_fast_set_tininess_after (fast, g_after);
  char err[256];
  fl_gen *g;
  ck_assert (fl_gen_new (f, op, &g, err, sizeof err) == FL_OK);
  fl_rounding r;
  fl_rounding_init (&r);
  r.mode = mode;
  r.overflow = ovf;
  uint64_t total = ncases;
  if (!random)
    ck_assert (fl_gen_count_all (g, &total) == 0);
  long bad = 0;
  uint64_t first_bad = 0, fb_ops[3] = { 0, 0, 0 }, fb_fast = 0, fb_ref = 0;
  unsigned fb_ff = 0, fb_rf = 0;
#pragma omp parallel reduction (+:bad)
  {
    fl_ref *ref;
    char e2[128];
    fl_ref_new (f, op, &ref, e2, sizeof e2);
    fl_ref_set_tininess_after (ref, g_after);
#pragma omp for schedule (static, 4096)
    for (uint64_t i = 0; i < total; i++)
      {
        uint64_t ops[3] = { 0, 0, 0 };
        if (random)
          fl_gen_random (g, seed, i, ops);
        else
          fl_gen_all (g, i, ops);
        unsigned ff = 0, rf = 0;
        uint64_t a = fl_fast_eval (fast, ops, &r, &ff);
        uint64_t b = fl_ref_eval (ref, ops, &r, &rf);
        if (a != b || ff != rf)
          {
            bad++;
#pragma omp critical
            if (bad == 1 || i < first_bad)
              {
                first_bad = i;
                memcpy (fb_ops, ops, sizeof ops);
                fb_fast = a;
                fb_ref = b;
                fb_ff = ff;
                fb_rf = rf;
              }
          }
      }
    fl_ref_free (ref);
  }
  TU_CHECK (bad == 0, "%s %s %s ovf %s: %ld of %llu cases differ; first: %llx %llx %llx -> "
            "fast %llx (flags %x), mpfr %llx (flags %x)", name, fl_op_name (op),
            fl_round_mode_name (mode), fl_overflow_name (ovf), bad, (unsigned long long) total,
            (unsigned long long) fb_ops[0], (unsigned long long) fb_ops[1],
            (unsigned long long) fb_ops[2], (unsigned long long) fb_fast, fb_ff,
            (unsigned long long) fb_ref, fb_rf);
  fl_gen_free (g);
  fl_fast_free (fast);
  fl_format_free (f);
}

/* Every format of at most 8 bits the issue names: ml_dtypes minifloats, IEEE-like and
   all-finite eXmY, P3109, fixed8.x, int8/uint8. */
static const char *const small_formats[] = {
  "e4m3fn", "e4m3fnuz", "e4m3b11fnuz", "e4m3", "e5m2", "e5m2fnuz", "e3m4", "e8m0fnu",
  "e2m3fn", "e3m2fn", "e2m1fn", "e2m5", "e6m1", "exmy_e4m3", "exmy_e3m2", "exmy_e0m7",
  "exmy_e7m0", "binary8p1se", "binary8p3se", "binary8p4sf", "binary8p5ue", "binary8p3uf",
  "binary8p7sf", "binary6p3se", "binary4p2sf",
  "fixed1.7", "fixed2.6", "fixed3.5", "fixed4.4", "fixed5.3", "fixed6.2", "fixed7.1",
  "fixed8.0", "int8", "uint8", "ufixed4.4", "posit8es0", "posit8es1", "posit8es2", "posit6es1"
};
#define N_SMALL (sizeof small_formats / sizeof small_formats[0])

static const fl_op exhaustive_ops[5] = { FL_OP_ADD, FL_OP_SUB, FL_OP_MUL, FL_OP_DIV, FL_OP_SQRT };

START_TEST (fast_equals_mpfr_8bit)
{
  const char *name = small_formats[_i];
  fl_format *f = tu_parse (name);
  fl_overflow pol[4];
  int npol = tu_policies (f, pol);
  fl_format_free (f);
  double t0 = now ();
  for (int k = 0; k < 5; k++)
    {
      for (int m = 0; m < 6; m++)
        cross_check (name, exhaustive_ops[k], tu_det_modes[m], FL_OVF_DEFAULT, 0, 0, 0);
      /* every other overflow policy the format accepts, nearest and upward */
      for (int p = 1; p < npol; p++)
        {
          cross_check (name, exhaustive_ops[k], FL_RNE, pol[p], 0, 0, 0);
          cross_check (name, exhaustive_ops[k], FL_RUP, pol[p], 0, 0, 0);
        }
    }
  printf ("fast = mpfr, all pairs, 6 modes, %d policies: %s (%.2f s)\n", npol, name, now () - t0);
}
END_TEST

/* fma on every triple is 2^24 cases per mode for 8 bits: all triples of the 4- and 6-bit
   formats, random triples of the 8-bit ones. */
START_TEST (fast_equals_mpfr_fma)
{
  uint64_t seed = tu_seed ("fma random triples", 5);
  static const char *const tiny[] = { "e2m1fn", "binary4p2sf", "e3m2fn", "exmy_e3m2" };
  for (size_t i = 0; i < 4; i++)
    for (int m = 0; m < 6; m++)
      cross_check (tiny[i], FL_OP_FMA, tu_det_modes[m], FL_OVF_DEFAULT, 0, 0, 0);
  static const char *const eight[] = { "e4m3fn", "e5m2", "e4m3fnuz", "binary8p3se", "fixed4.4",
                                       "e8m0fnu", "uint8" };
  for (size_t i = 0; i < 7; i++)
    for (int m = 0; m < 6; m++)
      cross_check (eight[i], FL_OP_FMA, tu_det_modes[m], FL_OVF_DEFAULT, 1, seed, 100000);
}
END_TEST

/* FMTLAB_TEST_LONG=1 (make check-long): k times as many random cases. */
static uint64_t
long_factor (uint64_t k)
{
  const char *s = getenv ("FMTLAB_TEST_LONG");
  return s && *s && strcmp (s, "0") != 0 ? k : 1;
}

/* 16-bit formats: random cases (boundary-weighted) of every op, 10^6 per format (over
   10^7 with make check-long). */
START_TEST (fast_equals_mpfr_16bit)
{
  static const char *const names[] = { "fp16", "bf16", "binary16p11se", "e6m9", "exmy_e5m10",
                                        "fixed8.8", "int16", "uint16", "ufixed2.14", "posit16es1",
                                        "posit16" };
  static const fl_op ops[6] = { FL_OP_ADD, FL_OP_SUB, FL_OP_MUL, FL_OP_DIV, FL_OP_SQRT, FL_OP_FMA };
  uint64_t seed = tu_seed ("16-bit random cases", 16);
  const char *name = names[_i];
  fl_format *f = tu_parse (name);
  fl_overflow pol[4];
  int npol = tu_policies (f, pol);
  fl_format_free (f);
  for (int k = 0; k < 6; k++)
    {
      for (int m = 0; m < 6; m++)
        cross_check (name, ops[k], tu_det_modes[m], FL_OVF_DEFAULT, 1, seed + (uint64_t) m,
                     30000 * long_factor (10));
      for (int p = 1; p < npol; p++)
        cross_check (name, ops[k], FL_RNE, pol[p], 1, seed + 100 + (uint64_t) p, 30000);
    }
}
END_TEST

/* The fp16 add/sub/mul/div kernels (binary64 value, one rounding on its bits): every
   first operand against 2^8 random second operands (2^24 pairs per op, seeded), the mode
   cycling through the six deterministic ones, codes and flags against the MPFR path.
   Every pair of one mode (2^32) would take minutes here. */
START_TEST (fp16_kernels_sampled)
{
  static const fl_op ops[3] = { FL_OP_ADD, FL_OP_MUL, FL_OP_DIV };
  uint64_t seed = tu_seed ("fp16 kernels, 2^24 pairs per op", 24);
  fl_format *f = tu_parse ("fp16");
  double t0 = now ();
  for (int k = 0; k < 3; k++)
    {
      fl_fast *fast;
      ck_assert (fl_fast_new (f, ops[k], &fast) == FL_OK);
      long bad = 0;
      uint64_t fb[4] = { 0, 0, 0, 0 };
#pragma omp parallel reduction (+:bad)
      {
        fl_ref *ref;
        char err[128];
        fl_ref_new (f, ops[k], &ref, err, sizeof err);
#pragma omp for schedule (static, 256)
        for (uint64_t a = 0; a < 65536; a++)
          for (uint64_t j = 0; j < 256; j++)
            {
              /* splitmix64 of (seed, case): the second operand */
              uint64_t z = seed + (a * 256 + j + 1) * UINT64_C(0x9e3779b97f4a7c15);
              z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
              z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
              uint64_t op[2] = { a, (z ^ (z >> 31)) & 0xffff };
              fl_rounding r;
              fl_rounding_init (&r);
              r.mode = tu_det_modes[(a * 256 + j) % 6];
              unsigned ff = 0, rf = 0;
              uint64_t cf = fl_fast_eval (fast, op, &r, &ff);
              uint64_t cr = fl_ref_eval (ref, op, &r, &rf);
              if (cf != cr || ff != rf)
                {
#pragma omp critical
                  if (!bad)
                    {
                      fb[0] = op[0];
                      fb[1] = op[1];
                      fb[2] = cf | (uint64_t) ff << 32;
                      fb[3] = cr | (uint64_t) rf << 32 | (uint64_t) r.mode << 40;
                    }
                  bad++;
                }
            }
        fl_ref_free (ref);
      }
      TU_CHECK (bad == 0, "fp16 %s: %ld of 2^24 pairs differ, e.g. %04llx %04llx (mode %s): "
                "fast %04llx flags %x, mpfr %04llx flags %x", fl_op_name (ops[k]), bad,
                (unsigned long long) fb[0], (unsigned long long) fb[1],
                fl_round_mode_name ((fl_round_mode) (fb[3] >> 40)),
                (unsigned long long) (fb[2] & 0xffff), (unsigned) (fb[2] >> 32),
                (unsigned long long) (fb[3] & 0xffff), (unsigned) ((fb[3] >> 32) & 0xff));
      fl_fast_free (fast);
    }
  fl_format_free (f);
  printf ("fast = mpfr, fp16 add/mul/div, 2^24 pairs each (%.2f s)\n", now () - t0);
}
END_TEST

/* Formats wider than 16 bits (fields decoded per call, posit and float kernels, the
   binary64 quotient and root with an exact error sign): random boundary-weighted cases of
   every op in every mode, 10^5 per format (over 10^7 with make check-long). */

static const char *const wide_formats[] = { "fp32", "fp64", "posit32", "posit32es3", "tf32",
                                             "posit24es1" };
#define N_WIDE (sizeof wide_formats / sizeof wide_formats[0])

START_TEST (fast_equals_mpfr_wide)
{
  static const fl_op ops[6] = { FL_OP_ADD, FL_OP_SUB, FL_OP_MUL, FL_OP_DIV, FL_OP_SQRT, FL_OP_FMA };
  uint64_t seed = tu_seed ("wide random cases", 32);
  uint64_t n = 3000 * long_factor (100);
  const char *name = wide_formats[_i];
  double t0 = now ();
  for (int k = 0; k < 6; k++)
    for (int m = 0; m < 6; m++)
      {
        /* fp64 fma has no fast path: its 106-bit product does not fit the sum's addend */
        if (ops[k] == FL_OP_FMA && strcmp (name, "fp64") == 0)
          continue;
        cross_check (name, ops[k], tu_det_modes[m], FL_OVF_DEFAULT, 1, seed + (uint64_t) m, n);
      }
  printf ("fast = mpfr, %llu random cases x 6 ops x 6 modes: %s (%.2f s)\n",
          (unsigned long long) n, name, now () - t0);
}
END_TEST

/* Edge cases of the fast producers, every pair of a list in every mode: zeros, +-minpos
   and the smallest normal and subnormal, +-max, ties and their neighbours around 1,
   NaN/Inf/NaR, exact cancellation (x - x), sums far apart. */
START_TEST (fast_equals_mpfr_edges)
{
  static const struct { const char *name; uint64_t codes[24]; } fm[] = {
    { "fp16", { 0x0000, 0x8000, 0x0001, 0x8001, 0x03ff, 0x0400, 0x8400, 0x7bff, 0xfbff,
                0x3c00, 0x3c01, 0xbc01, 0x1000, 0x1001, 0x7c00, 0xfc00, 0x7e00, 0x7d00,
                0x3555, 0x4000, 0x13ff, 0x0002, 0x6800, 0xe801 } },
    { "posit16es1", { 0x0000, 0x8000, 0x0001, 0xffff, 0x7fff, 0x8001, 0x4000, 0x4001,
                      0xbfff, 0x0002, 0x7ffe, 0x3fff, 0x5555, 0x2000, 0x6000, 0x0100,
                      0x7f00, 0x4800, 0xc000, 0x4002, 0x0003, 0x7ffd, 0x1234, 0xedcc } },
    { "posit32", { 0x00000000, 0x80000000, 0x00000001, 0xffffffff, 0x7fffffff, 0x80000001,
                   0x40000000, 0x40000001, 0xbfffffff, 0x00000002, 0x7ffffffe, 0x3fffffff,
                   0x55555555, 0x20000000, 0x60000000, 0x00010000, 0x7fff0000, 0x48000000,
                   0xc0000000, 0x40000002, 0x00000003, 0x7ffffffd, 0x12345678, 0xedcba988 } },
    { "fp32", { 0x00000000, 0x80000000, 0x00000001, 0x80000001, 0x007fffff, 0x00800000,
                0x80800000, 0x7f7fffff, 0xff7fffff, 0x3f800000, 0x3f800001, 0xbf800001,
                0x33800000, 0x33800001, 0x7f800000, 0xff800000, 0x7fc00000, 0x7fa00000,
                0x3eaaaaab, 0x40000000, 0x0c7fffff, 0x00000002, 0x4b800000, 0xcb800001 } },
    { "fp64", { 0, UINT64_C(1) << 63, 1, (UINT64_C(1) << 63) | 1, UINT64_C(0x000fffffffffffff),
                UINT64_C(0x0010000000000000), UINT64_C(0x8010000000000000),
                UINT64_C(0x7fefffffffffffff), UINT64_C(0xffefffffffffffff),
                UINT64_C(0x3ff0000000000000), UINT64_C(0x3ff0000000000001),
                UINT64_C(0xbff0000000000001), UINT64_C(0x3ca0000000000000),
                UINT64_C(0x3ca0000000000001), UINT64_C(0x7ff0000000000000),
                UINT64_C(0xfff0000000000000), UINT64_C(0x7ff8000000000000),
                UINT64_C(0x7ff4000000000000), UINT64_C(0x3fd5555555555555),
                UINT64_C(0x4000000000000000), UINT64_C(0x0001ffffffffffff), 2,
                UINT64_C(0x4340000000000000), UINT64_C(0xc340000000000001) } },
  };
  static const fl_op ops[5] = { FL_OP_ADD, FL_OP_SUB, FL_OP_MUL, FL_OP_DIV, FL_OP_SQRT };
  long checked = 0;
  for (size_t i = 0; i < sizeof fm / sizeof fm[0]; i++)
    {
      fl_format *f = tu_parse (fm[i].name);
      char err[128];
      for (int k = 0; k < 5; k++)
        {
          fl_fast *fast;
          fl_ref *ref;
          ck_assert (fl_fast_new (f, ops[k], &fast) == FL_OK);
          ck_assert (fl_ref_new (f, ops[k], &ref, err, sizeof err) == FL_OK);
          for (int m = 0; m < 6; m++)
            for (int x = 0; x < 24; x++)
              for (int y = 0; y < 24; y++)
                {
                  /* b = a too: x + (-x) and x - x are exact cancellations */
                  uint64_t a[2] = { fm[i].codes[x], fm[i].codes[y] };
                  fl_rounding r;
                  fl_rounding_init (&r);
                  r.mode = tu_det_modes[m];
                  unsigned ff = 0, rf = 0;
                  uint64_t cf = fl_fast_eval (fast, a, &r, &ff);
                  uint64_t cr = fl_ref_eval (ref, a, &r, &rf);
                  TU_CHECK (cf == cr && ff == rf, "%s %s %s %llx %llx: fast %llx (%x), mpfr %llx (%x)",
                            fm[i].name, fl_op_name (ops[k]), fl_round_mode_name (r.mode),
                            (unsigned long long) a[0], (unsigned long long) a[1],
                            (unsigned long long) cf, ff, (unsigned long long) cr, rf);
                  checked++;
                }
          fl_ref_free (ref);
          fl_fast_free (fast);
        }
      fl_format_free (f);
    }
  printf ("fast = mpfr on %ld edge cases\n", checked);
}
END_TEST

/* from_f64 / from_f32: the binary64/32 producer = the MPFR path, every mode, random cases
   weighted toward target values, ties and their neighbours. */
START_TEST (fast_equals_mpfr_conversions)
{
  static const char *const names[] = { "fp16", "bf16", "e4m3fn", "e5m2", "e2m1fn", "e8m0fnu",
                                       "binary8p3se", "fixed8.8", "uint8", "int32", "fp32", "tf32",
                                       "exmy_e3m2" };
  uint64_t seed = tu_seed ("conversions, random cases", 8);
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    for (int m = 0; m < 6; m++)
      {
        cross_check (names[i], FL_OP_FROM_F64, tu_det_modes[m], FL_OVF_DEFAULT, 1, seed, 20000);
        cross_check (names[i], FL_OP_FROM_F32, tu_det_modes[m], FL_OVF_DEFAULT, 1, seed, 20000);
      }
}
END_TEST

/* Tininess after rounding: both paths agree (every pair of some 8-bit formats, random fp16
   cases), and fp16 products near 2^-14 flag underflow exactly when C says the product,
   rounded to 11 bits with an unbounded exponent, is below 2^-14 and the result is inexact. */
START_TEST (tininess_after)
{
  static const char *const names[] = { "e5m2", "e4m3", "e4m3fn", "binary8p3se", "e2m3fn" };
  static const fl_op ops[4] = { FL_OP_ADD, FL_OP_MUL, FL_OP_DIV, FL_OP_SQRT };
  uint64_t seed = tu_seed ("tininess after rounding", 9);
  g_after = 1;
  for (size_t i = 0; i < 5; i++)
    for (int k = 0; k < 4; k++)
      for (int m = 0; m < 6; m++)
        cross_check (names[i], ops[k], tu_det_modes[m], FL_OVF_DEFAULT, 0, 0, 0);
  for (int k = 0; k < 4; k++)
    cross_check ("fp16", ops[k], FL_RNE, FL_OVF_DEFAULT, 1, seed, 200000);
  for (int m = 0; m < 6; m++)
    cross_check ("fp16", FL_OP_FROM_F64, tu_det_modes[m], FL_OVF_DEFAULT, 1, seed, 50000);
  g_after = 0;
  fl_format *f = tu_parse ("fp16");
  fl_ref *ref;
  char err[256];
  ck_assert (fl_ref_new (f, FL_OP_MUL, &ref, err, sizeof err) == FL_OK);
  fl_ref_set_tininess_after (ref, 1);
  fl_rounding r;
  fl_rounding_init (&r);
  long differ = 0;
  for (uint64_t a = 0x3800; a < 0x4000; a++)          /* [0.5, 2) */
    for (uint64_t b = 0x03c0; b < 0x0440; b++)        /* around 2^-14 */
      {
        uint64_t ops2[2] = { a, b };
        unsigned fl = 0;
        fl_ref_eval (ref, ops2, &r, &fl);
        uint16_t ab = (uint16_t) a, bb = (uint16_t) b;
        _Float16 ha, hb;
        memcpy (&ha, &ab, 2);
        memcpy (&hb, &bb, 2);
        double x = (double) ha * (double) hb;        /* exact: 22 bits */
        int e;
        double fr = frexp (x, &e);
        double rounded = ldexp (nearbyint (ldexp (fr, 11)), e - 11);
        int inexact = (double) (_Float16) x != x;
        int want = inexact && rounded < 0x1p-14;
        int before = inexact && x < 0x1p-14;
        differ += want != before;
        TU_CHECK (((fl & FL_FLAG_UNDERFLOW) != 0) == want, "fp16 mul %04x %04x (%a): underflow %d, "
                  "C says tiny-after-rounding %d", ab, bb, x, (fl & FL_FLAG_UNDERFLOW) != 0, want);
      }
  TU_CHECK (differ > 0, "no case where before and after differ: the test tests nothing");
  printf ("tininess after rounding: %ld fp16 products near 2^-14 where it differs from before\n", differ);
  fl_ref_free (ref);
  fl_format_free (f);
}
END_TEST

/* ---- IEEE 754 corner cases, by hand ------------------------------------------------------- */

static uint64_t
ref3 (const char *name, fl_op op, uint64_t a, uint64_t b, uint64_t c, fl_round_mode mode,
      fl_overflow ovf, unsigned *flags)
{
  fl_format *f = tu_parse (name);
  fl_ref *ref;
  char err[256];
  ck_assert (fl_ref_new (f, op, &ref, err, sizeof err) == FL_OK);
  fl_rounding r;
  fl_rounding_init (&r);
  r.mode = mode;
  r.overflow = ovf;
  uint64_t ops[3] = { a, b, c };
  *flags = 0;
  uint64_t res = fl_ref_eval (ref, ops, &r, flags);
  fl_ref_free (ref);
  fl_format_free (f);
  return res;
}

#define NANV UINT64_MAX   /* "any NaN" in the tables below */

typedef struct {
  const char *fmt;
  fl_op op;
  uint64_t a, b, c;
  fl_round_mode mode;
  fl_overflow ovf;
  uint64_t want;
  unsigned want_flags;
  const char *clause;
} corner;

#define I FL_FLAG_INVALID
#define Z FL_FLAG_DIVBYZERO
#define X FL_FLAG_INEXACT
#define O FL_FLAG_OVERFLOW
#define U FL_FLAG_UNDERFLOW
#define D FL_OVF_DEFAULT

static const corner corners[] = {
  /* binary16: 1 = 3c00, 2 = 4000, inf = 7c00, max = 7bff (65504), min sub = 0001 (2^-24) */
  { "fp16", FL_OP_ADD, 0x3c00, 0x3c00, 0, FL_RNE, D, 0x4000, 0, "5.4.1 addition, exact" },
  { "fp16", FL_OP_ADD, 0x7c00, 0xfc00, 0, FL_RNE, D, NANV, I, "7.2d inf - inf" },
  { "fp16", FL_OP_SUB, 0x7c00, 0x7c00, 0, FL_RNE, D, NANV, I, "7.2d inf - inf (subtraction)" },
  { "fp16", FL_OP_ADD, 0x7c00, 0x7c00, 0, FL_RNE, D, 0x7c00, 0, "6.1 inf + inf exact" },
  { "fp16", FL_OP_MUL, 0x0000, 0xfc00, 0, FL_RNE, D, NANV, I, "7.2b 0 * inf" },
  { "fp16", FL_OP_DIV, 0x0000, 0x8000, 0, FL_RNE, D, NANV, I, "7.2e 0 / 0" },
  { "fp16", FL_OP_DIV, 0x7c00, 0xfc00, 0, FL_RNE, D, NANV, I, "7.2e inf / inf" },
  { "fp16", FL_OP_DIV, 0x3c00, 0x0000, 0, FL_RNE, D, 0x7c00, Z, "7.3 1 / +0 = +inf" },
  { "fp16", FL_OP_DIV, 0x3c00, 0x8000, 0, FL_RNE, D, 0xfc00, Z, "7.3 1 / -0 = -inf" },
  { "fp16", FL_OP_DIV, 0x7c00, 0x0000, 0, FL_RNE, D, 0x7c00, 0, "6.1 inf / 0 = inf, no flag" },
  { "fp16", FL_OP_DIV, 0x3c00, 0x7c00, 0, FL_RNE, D, 0x0000, 0, "6.1 1 / inf = +0" },
  { "fp16", FL_OP_SQRT, 0xbc00, 0, 0, FL_RNE, D, NANV, I, "7.2g sqrt(-1)" },
  { "fp16", FL_OP_SQRT, 0x8000, 0, 0, FL_RNE, D, 0x8000, 0, "6.3/5.4.1 sqrt(-0) = -0" },
  { "fp16", FL_OP_SQRT, 0xfc00, 0, 0, FL_RNE, D, NANV, I, "7.2g sqrt(-inf)" },
  { "fp16", FL_OP_SQRT, 0x7c00, 0, 0, FL_RNE, D, 0x7c00, 0, "6.1 sqrt(+inf) = +inf" },
  { "fp16", FL_OP_SQRT, 0x0001, 0, 0, FL_RNE, D, 0x0c00, 0, "5.4.1 sqrt(2^-24) = 2^-12 exact" },
  { "fp16", FL_OP_SUB, 0x3c00, 0x3c00, 0, FL_RNE, D, 0x0000, 0, "6.3 x - x = +0 (rne)" },
  { "fp16", FL_OP_SUB, 0x3c00, 0x3c00, 0, FL_RDN, D, 0x8000, 0, "6.3 x - x = -0 (rdn)" },
  { "fp16", FL_OP_SUB, 0x3c00, 0x3c00, 0, FL_RUP, D, 0x0000, 0, "6.3 x - x = +0 (rup)" },
  { "fp16", FL_OP_ADD, 0x8000, 0x8000, 0, FL_RNE, D, 0x8000, 0, "6.3 -0 + -0 = -0" },
  { "fp16", FL_OP_ADD, 0x0000, 0x8000, 0, FL_RNE, D, 0x0000, 0, "6.3 +0 + -0 = +0" },
  { "fp16", FL_OP_ADD, 0x0000, 0x8000, 0, FL_RDN, D, 0x8000, 0, "6.3 +0 + -0 = -0 (rdn)" },
  { "fp16", FL_OP_MUL, 0x8000, 0x3c00, 0, FL_RNE, D, 0x8000, 0, "6.3 -0 * 1 = -0 (xor of signs)" },
  { "fp16", FL_OP_FMA, 0x0000, 0x7c00, 0x3c00, FL_RNE, D, NANV, I, "7.2c fma(0, inf, 1)" },
  { "fp16", FL_OP_FMA, 0x7c00, 0x3c00, 0xfc00, FL_RNE, D, NANV, I, "7.2d fma(inf, 1, -inf)" },
  { "fp16", FL_OP_FMA, 0x3c00, 0x8000, 0x0000, FL_RNE, D, 0x0000, 0, "6.3 fma(1, -0, +0) = +0" },
  { "fp16", FL_OP_FMA, 0x3c00, 0x8000, 0x8000, FL_RNE, D, 0x8000, 0, "6.3 fma(1, -0, -0) = -0" },
  /* fma rounds once: (1+2^-10)^2 - 1 = 2^-9 + 2^-20 exactly, half an ulp above 2^-9 (1800):
     ties to even gives 1800, rup 1801; two roundings would lose the 2^-20 first */
  { "fp16", FL_OP_FMA, 0x3c01, 0x3c01, 0xbc00, FL_RNE, D, 0x1800, X, "5.4.1 fma one rounding, tie to even" },
  { "fp16", FL_OP_FMA, 0x3c01, 0x3c01, 0xbc00, FL_RUP, D, 0x1801, X, "5.4.1 fma one rounding, rup" },
  { "fp16", FL_OP_ADD, 0x7e00, 0x3c00, 0, FL_RNE, D, 0x7e00, 0, "6.2 quiet NaN propagates, no flag" },
  { "fp16", FL_OP_ADD, 0x3c00, 0x7c01, 0, FL_RNE, D, 0x7e01, I, "6.2/7.2a signaling NaN: invalid, quieted" },
  { "fp16", FL_OP_ADD, 0x7bff, 0x7bff, 0, FL_RNE, D, 0x7c00, O | X, "7.4 overflow to +inf (rne)" },
  { "fp16", FL_OP_ADD, 0x7bff, 0x7bff, 0, FL_RTZ, D, 0x7bff, O | X, "7.4 overflow, rtz: max" },
  { "fp16", FL_OP_ADD, 0xfbff, 0xfbff, 0, FL_RUP, D, 0xfbff, O | X, "7.4 overflow, rup on negatives: -max" },
  { "fp16", FL_OP_ADD, 0xfbff, 0xfbff, 0, FL_RDN, D, 0xfc00, O | X, "7.4 overflow, rdn on negatives: -inf" },
  { "fp16", FL_OP_MUL, 0x0001, 0x3800, 0, FL_RNE, D, 0x0000, U | X, "7.5 2^-25: tie to even 0, underflow" },
  { "fp16", FL_OP_MUL, 0x0001, 0x3800, 0, FL_RUP, D, 0x0001, U | X, "7.5 2^-25 rup: min subnormal" },
  { "fp16", FL_OP_MUL, 0x0400, 0x3800, 0, FL_RNE, D, 0x0200, 0, "7.5 exact subnormal: no underflow" },
  { "fp16", FL_OP_ADD, 0x3c00, 0x1000, 0, FL_RNE, D, 0x3c00, X, "4.3.1 1 + 2^-11 ties to even (1)" },
  { "fp16", FL_OP_ADD, 0x3c01, 0x1000, 0, FL_RNE, D, 0x3c02, X, "4.3.1 (1+2^-10) + 2^-11 ties to even" },
  { "fp16", FL_OP_ADD, 0x3c00, 0x1000, 0, FL_RNA, D, 0x3c01, X, "4.3.1 roundTiesToAway" },
  /* bfloat16: 1 = 3f80 */
  { "bf16", FL_OP_ADD, 0x3f80, 0x3b80, 0, FL_RNE, D, 0x3f80, X, "4.3.1 1 + 2^-8 ties to even" },
  { "bf16", FL_OP_ADD, 0x3f80, 0x3b80, 0, FL_RUP, D, 0x3f81, X, "4.3.2 roundTowardPositive" },
  { "bf16", FL_OP_MUL, 0x7f7f, 0x4000, 0, FL_RNE, D, 0x7f80, O | X, "7.4 max * 2 = inf" },
  { "bf16", FL_OP_DIV, 0xbf80, 0x0000, 0, FL_RNE, D, 0xff80, Z, "7.3 -1 / +0 = -inf" },
  { "bf16", FL_OP_SQRT, 0x4080, 0, 0, FL_RNE, D, 0x4000, 0, "5.4.1 sqrt(4) = 2" },
  { "bf16", FL_OP_ADD, 0x7f80, 0xff80, 0, FL_RNE, D, NANV, I, "7.2d inf - inf" },
  /* e5m2 (OFP8 E5M2, IEEE-like): max 57344 = 7b, 4096 = 2^12 = 6c (half an ulp of max), inf 7c */
  { "e5m2", FL_OP_ADD, 0x7b, 0x6c, 0, FL_RNE, D, 0x7c, O | X, "7.4 max + half ulp ties up (odd max) to inf" },
  { "e5m2", FL_OP_ADD, 0x7b, 0x6c, 0, FL_RTZ, D, 0x7b, X, "7.4 rtz: 61440 truncates to max, no overflow" },
  { "e5m2", FL_OP_ADD, 0x7b, 0x6c, 0, FL_RNE, FL_OVF_SAT, 0x7b, O | X, "OFP8 SAT: clamp" },
  { "e5m2", FL_OP_SUB, 0x7c, 0x7c, 0, FL_RNE, D, NANV, I, "7.2d inf - inf" },
  { "e5m2", FL_OP_DIV, 0x00, 0x00, 0, FL_RNE, D, NANV, I, "7.2e 0 / 0" },
  { "e5m2", FL_OP_DIV, 0x3c, 0x80, 0, FL_RNE, D, 0xfc, Z, "7.3 1 / -0 = -inf" },
  { "e5m2", FL_OP_SQRT, 0xbc, 0, 0, FL_RNE, D, NANV, I, "7.2g sqrt(-1)" },
  { "e5m2", FL_OP_SUB, 0x3c, 0x3c, 0, FL_RDN, D, 0x80, 0, "6.3 x - x = -0 under rdn" },
  /* e4m3fn (fn: no inf): 448 = 7e, 32 = 2^5 = 60; 448 + 32 = 480 overflows */
  { "e4m3fn", FL_OP_ADD, 0x7e, 0x60, 0, FL_RNE, D, 0x7f, O | X, "OFP8 non-sat overflow -> NaN" },
  { "e4m3fn", FL_OP_ADD, 0x7e, 0x60, 0, FL_RNE, FL_OVF_SAT, 0x7e, O | X, "OFP8 SAT: 448" },
  { "e4m3fn", FL_OP_DIV, 0x38, 0x00, 0, FL_RNE, D, 0x7f, Z, "fn: 1/0 = inf -> NaN" },
  { "e4m3fn", FL_OP_DIV, 0x38, 0x80, 0, FL_RNE, FL_OVF_SAT, 0xfe, Z | O | X, "fn sat: 1/-0 -> -448" },
  { "e4m3fnuz", FL_OP_SUB, 0x40, 0x40, 0, FL_RDN, D, 0x00, 0, "fnuz: no -0, x - x = 0 even under rdn" },
  /* all-finite formats: NaN-producing operations give code 0 and invalid (README) */
  { "e2m1fn", FL_OP_DIV, 0x0, 0x0, 0, FL_RNE, D, 0x0, I, "no NaN: 0/0 -> 0, invalid" },
  { "e2m1fn", FL_OP_DIV, 0x2, 0x0, 0, FL_RNE, D, 0x7, Z | O | X, "no inf: 1/0 -> 6 (saturate)" },
  { "e2m1fn", FL_OP_SQRT, 0xa, 0, 0, FL_RNE, D, 0x0, I, "no NaN: sqrt(-1) -> 0, invalid" },
  /* exmy_e3m2 is 6 bits: -1 = 2c, -max = -28 = 3f */
  { "exmy_e3m2", FL_OP_DIV, 0x2c, 0x00, 0, FL_RNE, D, 0x3f, Z | O | X, "exmy_: -1/0 -> -max" },
  /* fixed point: saturating; x/0 saturates by the sign of x */
  { "fixed8.0", FL_OP_DIV, 0x05, 0x00, 0, FL_RNE, D, 0x7f, Z | O | X, "fixed: 5/0 -> 127" },
  { "fixed8.0", FL_OP_DIV, 0xfb, 0x00, 0, FL_RNE, D, 0x80, Z | O | X, "fixed: -5/0 -> -128" },
  { "fixed8.0", FL_OP_DIV, 0x00, 0x00, 0, FL_RNE, D, 0x00, I, "fixed: 0/0 -> 0, invalid" },
  { "fixed8.0", FL_OP_ADD, 0x7f, 0x01, 0, FL_RNE, D, 0x7f, O | X, "fixed: 127 + 1 saturates" },
  { "fixed8.0", FL_OP_DIV, 0x07, 0x02, 0, FL_RNE, D, 0x04, X, "fixed: 3.5 ties to even 4" },
  { "fixed8.0", FL_OP_DIV, 0x05, 0x02, 0, FL_RNE, D, 0x02, X, "fixed: 2.5 ties to even 2" },
  { "uint8", FL_OP_SUB, 0x01, 0x02, 0, FL_RNE, D, 0x00, O | X, "uint: 1 - 2 saturates to 0" },
  /* posits (Posit Standard 2022: NaR in gives NaR, x/0 and 0/0 and sqrt(x<0) are NaR, no
     flags for them; SPEC A2: results saturate at +-maxpos and +-minpos, never 0 or NaR).
     posit<8,0>: 40 = 1, 60 = 2, 7f = maxpos 64, 01 = minpos 1/64, c0 = -1, 80 = NaR */
  { "posit8es0", FL_OP_ADD, 0x80, 0x40, 0, FL_RNE, D, 0x80, 0, "posit: NaR + 1 = NaR" },
  { "posit8es0", FL_OP_MUL, 0x80, 0x00, 0, FL_RNE, D, 0x80, 0, "posit: NaR * 0 = NaR" },
  { "posit8es0", FL_OP_DIV, 0x40, 0x00, 0, FL_RNE, D, 0x80, 0, "posit: 1/0 = NaR" },
  { "posit8es0", FL_OP_DIV, 0x00, 0x00, 0, FL_RNE, D, 0x80, 0, "posit: 0/0 = NaR" },
  { "posit8es0", FL_OP_SQRT, 0xc0, 0, 0, FL_RNE, D, 0x80, 0, "posit: sqrt(-1) = NaR" },
  { "posit8es0", FL_OP_FMA, 0x40, 0x40, 0x80, FL_RNE, D, 0x80, 0, "posit: fma(1, 1, NaR) = NaR" },
  { "posit8es0", FL_OP_ADD, 0x40, 0x40, 0, FL_RNE, D, 0x60, 0, "posit: 1 + 1 = 2, exact" },
  { "posit8es0", FL_OP_SUB, 0x40, 0x40, 0, FL_RNE, D, 0x00, 0, "posit: 1 - 1 = 0 (no -0)" },
  { "posit8es0", FL_OP_DIV, 0x40, 0xc0, 0, FL_RNE, D, 0xc0, 0, "posit: 1 / -1 = -1" },
  { "posit8es0", FL_OP_ADD, 0x7f, 0x7f, 0, FL_RNE, D, 0x7f, O | X, "A2: maxpos + maxpos saturates" },
  { "posit8es0", FL_OP_ADD, 0x7f, 0x7f, 0, FL_RUP, D, 0x7f, O | X, "A2: never NaR, also upward" },
  { "posit8es0", FL_OP_MUL, 0x01, 0x01, 0, FL_RNE, D, 0x01, U | X, "A2: minpos^2 -> minpos, never 0" },
  { "posit8es0", FL_OP_MUL, 0x01, 0xff, 0, FL_RNE, D, 0xff, U | X, "A2: -minpos^2 -> -minpos" },
  { "posit8es0", FL_OP_MUL, 0x01, 0x01, 0, FL_RTZ, D, 0x00, U | X, "A2: directed modes reach 0" },
  { "posit8es2", FL_OP_MUL, 0x7e, 0x48, 0, FL_RNE, D, 0x7e, X, "B2.3: 2^21 is below the geometric cut 2^22" },
};

START_TEST (ieee_corners)
{
  const corner *c = &corners[_i];
  unsigned fl;
  uint64_t got = ref3 (c->fmt, c->op, c->a, c->b, c->c, c->mode, c->ovf, &fl);
  if (c->want == NANV)
    {
      fl_format *f = tu_parse (c->fmt);
      mpfr_t v;
      TU_CHECK (tu_decode (f, got, v) == FL_CLASS_NAN, "%s %s (%s): got %llx, expected a NaN",
                c->fmt, fl_op_name (c->op), c->clause, (unsigned long long) got);
      mpfr_clear (v);
      fl_format_free (f);
    }
  else
    TU_CHECK (got == c->want, "%s %s %llx %llx %llx %s (%s): got %llx, expected %llx", c->fmt,
              fl_op_name (c->op), (unsigned long long) c->a, (unsigned long long) c->b,
              (unsigned long long) c->c, fl_round_mode_name (c->mode), c->clause,
              (unsigned long long) got, (unsigned long long) c->want);
  TU_CHECK (fl == c->want_flags, "%s %s (%s): flags %x, expected %x", c->fmt, fl_op_name (c->op),
            c->clause, fl, c->want_flags);
}
END_TEST

/* ---- the fast path's special values against a rule set written here ------------------
   Independently of the engine (formats.h's family rules and refops.c): the operand
   classes are read from the bit layouts below, and the expected results follow IEEE
   754-2019 (6.2.3 NaN propagation with quieting, 7.2 invalid, 7.3 divide-by-zero) and the
   Posit Standard 2022 (section 6: NaR, no flags).  Only cases whose result is special are
   checked (a NaN operand, an invalid operation, a division of a nonzero by zero). */

typedef enum { SK_FP16, SK_E4M3FN, SK_E2M1FN, SK_INT8, SK_POSIT8 } spec_kind;
typedef enum { C_FIN, C_ZERO, C_INF, C_QNAN, C_SNAN } spec_class;

static spec_class
spec_classify (spec_kind k, uint64_t c, int *neg)
{
  switch (k)
    {
    case SK_FP16:
      *neg = (int) (c >> 15);
      if (((c >> 10) & 31) == 31)
        return (c & 0x3ff) == 0 ? C_INF : (c & 0x200) ? C_QNAN : C_SNAN;
      return (c & 0x7fff) == 0 ? C_ZERO : C_FIN;
    case SK_E4M3FN:
      *neg = (int) (c >> 7);
      return (c & 0x7f) == 0x7f ? C_QNAN : (c & 0x7f) == 0 ? C_ZERO : C_FIN;
    case SK_E2M1FN:
      *neg = (int) (c >> 3);
      return (c & 7) == 0 ? C_ZERO : C_FIN;
    case SK_INT8:
      *neg = (int) (c >> 7);
      return c == 0 ? C_ZERO : C_FIN;
    default:
      *neg = (int) (c >> 7);
      return c == 0x80 ? C_QNAN : c == 0 ? C_ZERO : C_FIN;
    }
}

/* The expected result of a special case: 1 with *code and *flags, or 0 when the case is
   not special.  fp16: quiet NaN 0x7e00, the first NaN operand quieted (quiet bit 0x200);
   e4m3fn: NaN 0x7f/0xff returned as they are, no infinity (x/0: NaN of the sign, the
   default overflow policy); e2m1fn and int8: no NaN (invalid: 0), x/0 saturates to the
   largest value of the sign with overflow and inexact; posit8es1: NaR. */
static int
spec_expect (spec_kind k, fl_op op, const uint64_t *a, unsigned n, uint64_t *code,
             unsigned *flags)
{
  int neg[3] = { 0, 0, 0 };
  spec_class cl[3] = { C_FIN, C_FIN, C_FIN };
  for (unsigned i = 0; i < n; i++)
    cl[i] = spec_classify (k, a[i], &neg[i]);
  *flags = 0;
  int first = -1;
  for (unsigned i = 0; i < n; i++)
    if (cl[i] == C_QNAN || cl[i] == C_SNAN)
      {
        if (first < 0)
          first = (int) i;
        if (cl[i] == C_SNAN)
          *flags |= FL_FLAG_INVALID;
      }
  if (first >= 0)
    {
      if (op == FL_OP_FMA && first == 2 && ((cl[0] == C_ZERO && cl[1] == C_INF)
                                           || (cl[0] == C_INF && cl[1] == C_ZERO)))
        *flags |= FL_FLAG_INVALID;
      *code = k == SK_FP16 ? a[first] | 0x200 : a[first];
      return 1;
    }
  int invalid = 0, divzero = 0, qneg = 0;
  switch (op)
    {
    case FL_OP_ADD:
    case FL_OP_SUB:
      invalid = cl[0] == C_INF && cl[1] == C_INF && (neg[0] ^ neg[1] ^ (op == FL_OP_SUB));
      break;
    case FL_OP_MUL:
      invalid = (cl[0] == C_INF && cl[1] == C_ZERO) || (cl[0] == C_ZERO && cl[1] == C_INF);
      break;
    case FL_OP_DIV:
      invalid = (cl[0] == C_ZERO && cl[1] == C_ZERO) || (cl[0] == C_INF && cl[1] == C_INF);
      divzero = cl[1] == C_ZERO && cl[0] == C_FIN;
      qneg = neg[0] ^ neg[1];
      break;
    case FL_OP_SQRT:
      invalid = neg[0] && (cl[0] == C_FIN || cl[0] == C_INF);
      break;
    case FL_OP_FMA:
      {
        int pinf = cl[0] == C_INF || cl[1] == C_INF;
        invalid = (cl[0] == C_INF && cl[1] == C_ZERO) || (cl[0] == C_ZERO && cl[1] == C_INF)
                  || (pinf && cl[2] == C_INF && (neg[0] ^ neg[1] ^ neg[2]));
      }
      break;
    default:
      return 0;
    }
  if (!invalid && !divzero)
    return 0;
  switch (k)
    {
    case SK_FP16:
      *code = invalid ? 0x7e00 : qneg ? 0xfc00 : 0x7c00;
      *flags = invalid ? FL_FLAG_INVALID : FL_FLAG_DIVBYZERO;
      break;
    case SK_E4M3FN:
      *code = invalid ? 0x7f : qneg ? 0xff : 0x7f;
      *flags = invalid ? FL_FLAG_INVALID : FL_FLAG_DIVBYZERO;
      break;
    case SK_E2M1FN:
    case SK_INT8:
      if (invalid)
        {
          *code = 0;
          *flags = FL_FLAG_INVALID;
        }
      else
        {
          *code = k == SK_INT8 ? (qneg ? 0x80 : 0x7f) : (qneg ? 0xf : 0x7);
          *flags = FL_FLAG_DIVBYZERO | FL_FLAG_OVERFLOW | FL_FLAG_INEXACT;
        }
      break;
    default:
      *code = 0x80;
      break;
    }
  return 1;
}

START_TEST (fast_specials_independent)
{
  static const struct { const char *name; spec_kind k; } fm[] = {
    { "fp16", SK_FP16 }, { "e4m3fn", SK_E4M3FN }, { "e2m1fn", SK_E2M1FN },
    { "int8", SK_INT8 }, { "posit8es1", SK_POSIT8 }
  };
  static const fl_op ops[] = { FL_OP_ADD, FL_OP_SUB, FL_OP_MUL, FL_OP_DIV, FL_OP_SQRT,
                               FL_OP_FMA };
  /* operands: zeros, ones, the largest values, infinities and NaNs of each layout */
  static const uint64_t pool16[] = { 0x0000, 0x8000, 0x3c00, 0xbc00, 0x7bff, 0x7c00, 0xfc00,
                                     0x7e00, 0xfe01, 0x7c01, 0xfd00 };
  static const uint64_t pool8[] = { 0x00, 0x80, 0x01, 0x81, 0x38, 0xb8, 0x7e, 0xfe, 0x7f,
                                    0xff, 0x40, 0xc0 };
  long checked = 0;
  for (size_t fi = 0; fi < sizeof fm / sizeof fm[0]; fi++)
    {
      fl_format *f = tu_parse (fm[fi].name);
      const uint64_t *pool = fm[fi].k == SK_FP16 ? pool16 : pool8;
      size_t np = fm[fi].k == SK_FP16 ? sizeof pool16 / sizeof pool16[0]
                  : sizeof pool8 / sizeof pool8[0];
      uint64_t mask = fl_format_ncodes_minus1 (f);
      for (size_t oi = 0; oi < sizeof ops / sizeof ops[0]; oi++)
        {
          fl_fast *F;
          ck_assert (fl_fast_new (f, ops[oi], &F) == FL_OK);
          unsigned n = fl_op_arity (ops[oi]);
          size_t total = 1;
          for (unsigned j = 0; j < n; j++)
            total *= np;
          for (size_t t = 0; t < total; t++)
            {
              uint64_t a[3] = { 0, 0, 0 };
              size_t u = t;
              for (unsigned j = 0; j < n; j++, u /= np)
                a[j] = pool[u % np] & mask;
              uint64_t want;
              unsigned wfl;
              if (!spec_expect (fm[fi].k, ops[oi], a, n, &want, &wfl))
                continue;
              fl_rounding r;
              fl_rounding_init (&r);
              unsigned fl = 0;
              uint64_t got = fl_fast_eval (F, a, &r, &fl);
              TU_CHECK (got == want && fl == wfl,
                        "%s %s %llx %llx %llx: fast path %llx flags %x, rules say %llx flags %x",
                        fm[fi].name, fl_op_name (ops[oi]), (unsigned long long) a[0],
                        (unsigned long long) a[1], (unsigned long long) a[2],
                        (unsigned long long) got, fl, (unsigned long long) want, wfl);
              checked++;
            }
          fl_fast_free (F);
        }
      fl_format_free (f);
    }
  printf ("fast path special values: %ld cases against the independent rule set\n", checked);
}
END_TEST

/* Conversions against the C compiler's own: (_Float16) of a double is correctly rounded RNE. */
START_TEST (conversions_vs_c)
{
  uint64_t seed = tu_seed ("from_f64/to_f64 vs C casts", 3);
  fl_format *f = tu_parse ("fp16");
  fl_ref *from, *to, *from32;
  char err[256];
  ck_assert (fl_ref_new (f, FL_OP_FROM_F64, &from, err, sizeof err) == FL_OK);
  ck_assert (fl_ref_new (f, FL_OP_FROM_F32, &from32, err, sizeof err) == FL_OK);
  ck_assert (fl_ref_new (f, FL_OP_TO_F64, &to, err, sizeof err) == FL_OK);
  fl_gen *g;
  ck_assert (fl_gen_new (f, FL_OP_FROM_F64, &g, err, sizeof err) == FL_OK);
  fl_rounding r;
  fl_rounding_init (&r);
  for (uint64_t i = 0; i < 200000; i++)
    {
      uint64_t op;
      fl_gen_random (g, seed, i, &op);
      double d;
      memcpy (&d, &op, sizeof d);
      _Float16 h = (_Float16) d;
      uint16_t want;
      memcpy (&want, &h, sizeof want);
      uint64_t got = fl_ref_eval (from, &op, &r, NULL);
      if (isnan (d))
        TU_CHECK ((got & 0x7c00) == 0x7c00 && (got & 0x3ff), "from_f64 %llx: not NaN", (unsigned long long) op);
      else
        TU_CHECK (got == want, "from_f64 %llx (%a): got %llx, C gives %x", (unsigned long long) op,
                  d, (unsigned long long) got, want);
      float fv = (float) d;
      uint32_t fb;
      memcpy (&fb, &fv, sizeof fb);
      uint64_t fop = fb;
      h = (_Float16) fv;
      memcpy (&want, &h, sizeof want);
      got = fl_ref_eval (from32, &fop, &r, NULL);
      if (!isnan (fv))
        TU_CHECK (got == want, "from_f32 %x: got %llx, C gives %x", fb, (unsigned long long) got, want);
    }
  for (uint64_t c = 0; c < 65536; c++)
    {
      uint16_t b = (uint16_t) c;
      _Float16 h;
      memcpy (&h, &b, sizeof h);
      double d = (double) h;
      uint64_t want;
      memcpy (&want, &d, sizeof want);
      uint64_t got = fl_ref_eval (to, &c, &r, NULL);
      if (isnan (d))
        TU_CHECK ((got >> 52 & 0x7ff) == 0x7ff && (got << 12), "to_f64 %llx: not NaN", (unsigned long long) c);
      else
        TU_CHECK (got == want, "to_f64 %llx: got %llx, C gives %llx", (unsigned long long) c,
                  (unsigned long long) got, (unsigned long long) want);
    }
  fl_gen_free (g);
  fl_ref_free (from);
  fl_ref_free (from32);
  fl_ref_free (to);
  fl_format_free (f);
}
END_TEST

/* fdp: exactly rounded; known sums written by hand. */
START_TEST (fdp_cases)
{
  fl_format *f = tu_parse ("fp16");
  fl_rounding r;
  fl_rounding_init (&r);
  unsigned fl = 0;
  /* 1*1 + 2^-11*1 + 2^-11*1 = 1 + 2^-10 exactly (3c01): a sequence of fp16 adds gives 1 */
  uint64_t a[3] = { 0x3c00, 0x1000, 0x1000 }, b[3] = { 0x3c00, 0x3c00, 0x3c00 };
  TU_CHECK (fl_ref_fdp (f, a, b, 3, &r, &fl) == 0x3c01 && fl == 0, "fdp 1 + 2*2^-11");
  /* 65504*2 - 65504*2 = 0: no intermediate overflow (quire semantics) */
  uint64_t c[2] = { 0x7bff, 0x7bff }, d[2] = { 0x4000, 0xc000 };
  fl = 0;
  TU_CHECK (fl_ref_fdp (f, c, d, 2, &r, &fl) == 0x0000 && fl == 0, "fdp no intermediate overflow");
  r.mode = FL_RDN;
  TU_CHECK (fl_ref_fdp (f, c, d, 2, &r, &fl) == 0x8000, "fdp exact zero is -0 under rdn");
  r.mode = FL_RNE;
  uint64_t e[1] = { 0x0000 }, g[1] = { 0x7c00 };
  fl = 0;
  uint64_t res = fl_ref_fdp (f, e, g, 1, &r, &fl);
  TU_CHECK ((res & 0x7c00) == 0x7c00 && (res & 0x3ff) && (fl & FL_FLAG_INVALID), "fdp 0*inf invalid");
  TU_CHECK (fl_ref_fdp (f, e, g, 0, &r, NULL) == 0, "empty fdp is +0");
  fl_format_free (f);
}
END_TEST

/* ---- the _Float16 shared library ------------------------------------------------------- */

static void *
load (const char *sym)
{
  void *h = dlopen (F16LIB, RTLD_NOW);
  ck_assert_msg (h != NULL, "dlopen %s: %s", F16LIB, dlerror ());
  void *s = dlsym (h, sym);
  ck_assert_msg (s != NULL, "dlsym %s", sym);
  return s;
}

static void
verify_lib (const char *sym, fl_op op, uint64_t n, uint64_t seed, fl_verify_result *res,
            size_t max_report)
{
  fl_format *f = tu_parse ("fp16");
  fl_verify_opts vo;
  memset (&vo, 0, sizeof vo);
  vo.f = f;
  vo.op = op;
  fl_rounding_init (&vo.r);
  vo.max_report = max_report;
  void *s = load (sym);
  void (*fn) (void);
  memcpy (&fn, &s, sizeof fn);
  char err[256];
  fl_verify_result_init (res);
  ck_assert (fl_verify_subject (&vo, fn, 1, seed, 0, n, res, err, sizeof err) == FL_OK);
  fl_format_free (f);
}

START_TEST (float16_library)
{
  static const char *const syms[4] = { "f16_add", "f16_mul", "f16_div", "f16_sqrt" };
  static const fl_op ops[4] = { FL_OP_ADD, FL_OP_MUL, FL_OP_DIV, FL_OP_SQRT };
  uint64_t seed = tu_seed ("_Float16 library, 10^6 random cases per op", 11);
  for (int k = 0; k < 4; k++)
    {
      fl_verify_result res;
      double t0 = now ();
      verify_lib (syms[k], ops[k], 1000000, seed, &res, 5);
      TU_CHECK (res.cases == 1000000 && res.mismatches == 0,
                "%s: %llu cases, %llu mismatches (first: case %llu %llx %llx expected %llx got %llx)",
                syms[k], (unsigned long long) res.cases, (unsigned long long) res.mismatches,
                res.nfirst ? (unsigned long long) res.first[0].index : 0ULL,
                res.nfirst ? (unsigned long long) res.first[0].ops[0] : 0ULL,
                res.nfirst ? (unsigned long long) res.first[0].ops[1] : 0ULL,
                res.nfirst ? (unsigned long long) res.first[0].expected : 0ULL,
                res.nfirst ? (unsigned long long) res.first[0].got : 0ULL);
      printf ("%s: 10^6 cases, 0 mismatches (%.2f s)\n", syms[k], now () - t0);
      fl_verify_result_clear (&res);
    }
}
END_TEST

/* The wrong implementation errs exactly on ties: find them independently (binary64 sum,
   distance to the two binary16 neighbours) and compare with what verify reports. */
START_TEST (wrong_ties_reported_exactly)
{
  uint64_t seed = tu_seed ("off-by-one-ulp-on-ties library", 13);
  const uint64_t n = 200000;
  fl_verify_result res;
  verify_lib ("f16_add_wrongties", FL_OP_ADD, n, seed, &res, 1000000);
  fl_format *f = tu_parse ("fp16");
  fl_gen *g;
  char err[256];
  ck_assert (fl_gen_new (f, FL_OP_ADD, &g, err, sizeof err) == FL_OK);
  uint64_t ties = 0;
  size_t j = 0;
  for (uint64_t i = 0; i < n; i++)
    {
      uint64_t ops[3];
      fl_gen_random (g, seed, i, ops);
      uint16_t ab = (uint16_t) ops[0], bb = (uint16_t) ops[1];
      _Float16 ha, hb;
      memcpy (&ha, &ab, 2);
      memcpy (&hb, &bb, 2);
      double s = (double) ha + (double) hb;
      int tie = 0;
      if (isfinite (s))
        {
          /* s is a tie iff it is not a binary16 value and lies exactly halfway between
             the nearest one r and r's neighbour on s's side */
          uint16_t lc;
          _Float16 r = (_Float16) s;
          memcpy (&lc, &r, 2);
          if ((double) r != s && fabs ((double) r) <= 65504.0)
            {
              uint16_t up = (uint16_t) (((double) r < s) == !(lc & 0x8000) ? lc + 1 : lc - 1);
              if ((lc & 0x7fff) == 0)
                up = s > 0 ? 0x0001 : 0x8001;
              _Float16 o;
              memcpy (&o, &up, 2);
              if (isfinite ((double) o) && fabs ((double) o - s) == fabs ((double) r - s))
                tie = 1;
            }
        }
      if (tie)
        {
          ties++;
          TU_CHECK (j < res.nfirst && res.first[j].index == i,
                    "tie case %llu (%04x + %04x) not reported in order", (unsigned long long) i, ab, bb);
          j++;
        }
    }
  TU_CHECK (res.mismatches == ties && res.nfirst == ties,
            "verify reported %llu mismatches, the independent tie count is %llu",
            (unsigned long long) res.mismatches, (unsigned long long) ties);
  TU_CHECK (ties > 100, "only %llu ties among %llu cases: the generator misses ties", (unsigned long long) ties,
            (unsigned long long) n);
  printf ("wrong-ties library: %llu ties of %llu cases, all and only those reported\n",
          (unsigned long long) ties, (unsigned long long) n);
  fl_gen_free (g);
  fl_format_free (f);
  fl_verify_result_clear (&res);
}
END_TEST

/* ---- vectors: layout and generation ------------------------------------------------------ */

START_TEST (line_layout)
{
  fl_format *f = tu_parse ("fp16");
  fl_gen *g;
  char err[256], buf[128];
  ck_assert (fl_gen_new (f, FL_OP_SQRT, &g, err, sizeof err) == FL_OK);
  uint64_t ops[3], res;
  int hf;
  unsigned fl;
  /* TestFloat's own layout: 4 upper-case digits, space, result, space, 2 flag digits */
  TU_CHECK (fl_vec_parse_line ("4000 3DA8 01\n", g, ops, &res, &hf, &fl, err, sizeof err) == 0
            && ops[0] == 0x4000 && res == 0x3da8 && hf && fl == FL_FLAG_INEXACT, "testfloat line");
  TU_CHECK (fl_vec_parse_line ("bc00 fe00 10\r\n", g, ops, &res, &hf, &fl, err, sizeof err) == 0
            && fl == FL_FLAG_INVALID, "lower case and CR accepted");
  TU_CHECK (fl_vec_parse_line ("3c00 3c00", g, ops, &res, &hf, &fl, err, sizeof err) == 0 && !hf,
            "flags optional");
  TU_CHECK (fl_vec_parse_line ("# comment", g, ops, &res, &hf, &fl, err, sizeof err) == 1, "comment");
  TU_CHECK (fl_vec_parse_line ("3c00  3c00", g, ops, &res, &hf, &fl, err, sizeof err) < 0, "double space");
  TU_CHECK (fl_vec_parse_line ("3c0 3c00", g, ops, &res, &hf, &fl, err, sizeof err) < 0, "short field");
  TU_CHECK (fl_vec_parse_line ("3c00 3c00 1", g, ops, &res, &hf, &fl, err, sizeof err) < 0, "1-digit flags");
  TU_CHECK (fl_vec_parse_line ("3c00 3g00", g, ops, &res, &hf, &fl, err, sizeof err) < 0, "bad digit");
  /* extra leading zeros are accepted as long as the value fits (issue 8, acceptance 6) */
  TU_CHECK (fl_vec_parse_line ("04000 00003DA8 01", g, ops, &res, &hf, &fl, err, sizeof err) == 0
            && ops[0] == 0x4000 && res == 0x3da8, "leading zeros");
  TU_CHECK (fl_vec_parse_line ("14000 3DA8", g, ops, &res, &hf, &fl, err, sizeof err) < 0
            && strstr (err, "does not fit a 16-bit code"), "a 5-digit value over 16 bits: %s", err);
  TU_CHECK (fl_vec_parse_line ("00000000000000000000004000 3DA8", g, ops, &res, &hf, &fl, err,
                               sizeof err) == 0 && ops[0] == 0x4000, "many leading zeros");
  TU_CHECK (fl_vec_parse_line ("10000000000000000000004000 3DA8", g, ops, &res, &hf, &fl, err,
                               sizeof err) < 0, "beyond 64 bits");
  uint64_t o1 = 0x4000;
  fl_vec_format_line (buf, g, &o1, 0x3da8, 1, FL_FLAG_INEXACT | FL_FLAG_INVALID);
  TU_CHECK (strcmp (buf, "4000 3DA8 11") == 0, "written line '%s'", buf);
  fl_gen_free (g);
  ck_assert (fl_gen_new (f, FL_OP_FMA, &g, err, sizeof err) == FL_OK);
  uint64_t n;
  TU_CHECK (fl_gen_count_all (g, &n) == 0 && n == UINT64_C(1) << 48, "fp16 fma --all is 2^48");
  fl_gen_free (g);
  fl_format_free (f);
  f = tu_parse ("fp32");
  ck_assert (fl_gen_new (f, FL_OP_FMA, &g, err, sizeof err) == FL_OK);
  TU_CHECK (fl_gen_count_all (g, &n) == -1, "fp32 fma --all (2^96) refused");
  fl_gen_free (g);
  fl_format_free (f);
  f = tu_parse ("e4m3fn");
  ck_assert (fl_gen_new (f, FL_OP_FMA, &g, err, sizeof err) == FL_OK);
  TU_CHECK (fl_gen_count_all (g, &n) == 0 && n == 16777216, "e4m3fn fma: 2^24 triples");
  fl_gen_all (g, 0, ops);
  TU_CHECK (ops[0] == 0 && ops[1] == 0 && ops[2] == 0, "first triple");
  fl_gen_all (g, 0x010203, ops);
  TU_CHECK (ops[0] == 1 && ops[1] == 2 && ops[2] == 3, "last operand varies fastest");
  fl_gen_free (g);
  fl_format_free (f);
}
END_TEST

/* random cases: reproducible, and weighted toward boundary codes */
START_TEST (random_generator)
{
  uint64_t seed = tu_seed ("random generator", 21);
  fl_format *f = tu_parse ("fp16");
  fl_gen *g;
  char err[256];
  ck_assert (fl_gen_new (f, FL_OP_ADD, &g, err, sizeof err) == FL_OK);
  long zeros = 0, specials = 0, subn = 0, maxish = 0;
  for (uint64_t i = 0; i < 100000; i++)
    {
      uint64_t a[3], b[3];
      fl_gen_random (g, seed, i, a);
      fl_gen_random (g, seed, i, b);
      TU_CHECK (a[0] == b[0] && a[1] == b[1], "case %llu not reproducible", (unsigned long long) i);
      uint64_t m = a[0] & 0x7fff;
      zeros += m == 0;
      specials += m >= 0x7c00;
      subn += m > 0 && m < 0x0400;
      maxish += m >= 0x7bfc && m <= 0x7bff;
    }
  /* uniform codes would give zeros 3, subnormals 3100, near-max 6 per 10^5 */
  TU_CHECK (zeros > 1000 && maxish > 300 && subn > 3500 && specials > 3500,
            "boundary weighting: zeros %ld, near max %ld, subnormals %ld, inf/nan %ld", zeros,
            maxish, subn, specials);
  fl_gen_free (g);
  fl_format_free (f);
}
END_TEST

static Suite *
suite (void)
{
  Suite *s = suite_create ("refops");
  TCase *t = tcase_create ("corners");
  tcase_add_loop_test (t, ieee_corners, 0, (int) (sizeof corners / sizeof corners[0]));
  tcase_add_test (t, conversions_vs_c);
  tcase_add_test (t, fdp_cases);
  tcase_add_test (t, line_layout);
  tcase_add_test (t, random_generator);
  tcase_add_test (t, fast_specials_independent);
  suite_add_tcase (s, t);
  t = tcase_create ("fp16-kernels");
  tcase_set_timeout (t, 600);
  tcase_add_test (t, fp16_kernels_sampled);
  suite_add_tcase (s, t);
  t = tcase_create ("fast");
  tcase_set_timeout (t, 600);
  tcase_add_loop_test (t, fast_equals_mpfr_8bit, 0, (int) N_SMALL);
  tcase_add_test (t, fast_equals_mpfr_fma);
  tcase_add_loop_test (t, fast_equals_mpfr_16bit, 0, 11);
  tcase_add_loop_test (t, fast_equals_mpfr_wide, 0, (int) N_WIDE);
  tcase_add_test (t, fast_equals_mpfr_edges);
  tcase_add_test (t, fast_equals_mpfr_conversions);
  tcase_add_test (t, tininess_after);
  suite_add_tcase (s, t);
  t = tcase_create ("library");
  tcase_set_timeout (t, 600);
  tcase_add_test (t, float16_library);
  tcase_add_test (t, wrong_ties_reported_exactly);
  suite_add_tcase (s, t);
  return s;
}

int
main (void)
{
  return tu_run (suite ());
}
