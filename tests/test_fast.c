/* test_fast.c -- the fast paths (formats.h: "Equal to fl_encode for every input (the tests
   prove it)"): fl_encode_doubles against fl_encode and fl_decode_doubles against
   mpfr_get_d of fl_decode.  Inputs: every double that is a value, a midpoint, or the
   nextafter of either, for every format up to 16 bits of the cross-check list, every
   deterministic mode and policy; 10^7 random doubles (fixed seed, printed); stochastic
   rounding with the same seed and streams. */
#include <config.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"

typedef struct {
  double *x;
  size_t n, cap;
} dvec;

static void
dpush (dvec *v, double d)
{
  if (v->n == v->cap)
    {
      v->cap = v->cap ? 2 * v->cap : 4096;
      v->x = realloc (v->x, v->cap * sizeof *v->x);
    }
  v->x[v->n++] = d;
}

static void
dpush4 (dvec *v, double d)
{
  dpush (v, d);
  dpush (v, nextafter (d, INFINITY));
  dpush (v, nextafter (d, -INFINITY));
}

/* Every double that is a value, a midpoint, or the nextafter of either. */
static void
special_doubles (const fl_format *f, dvec *v)
{
  fl_grid *g;
  char err[256];
  ck_assert_msg (fl_grid_alloc (f, &g, err, sizeof err) == FL_OK, "%s", err);
  size_t n = fl_grid_size (g);
  mpfr_t m;
  mpfr_init2 (m, 256);
  for (size_t i = 0; i < n; i++)
    {
      double d = mpfr_get_d (fl_grid_value (g, i), MPFR_RNDN);
      if (mpfr_cmp_d (fl_grid_value (g, i), d) == 0)
        dpush4 (v, d);
      if (i + 1 < n)
        {
          mpfr_add (m, fl_grid_value (g, i), fl_grid_value (g, i + 1), MPFR_RNDN);
          mpfr_div_2ui (m, m, 1, MPFR_RNDN);
          d = mpfr_get_d (m, MPFR_RNDN);
          if (mpfr_cmp_d (m, d) == 0)
            dpush4 (v, d);
        }
    }
  for (int neg = 0; neg < 2; neg++)
    {
      fl_format_beyond (f, neg, m);
      double b = mpfr_get_d (m, MPFR_RNDN);
      dpush4 (v, b);
      mpfr_add (m, m, fl_grid_value (g, neg ? 0 : n - 1), MPFR_RNDN);
      mpfr_div_2ui (m, m, 1, MPFR_RNDN);
      dpush4 (v, mpfr_get_d (m, MPFR_RNDN));
    }
  fl_decode (f, fl_format_minpos_code (f), m);
  double mp = mpfr_get_d (m, MPFR_RNDN);
  dpush4 (v, mp / 2);
  dpush4 (v, -mp / 2);
  dpush4 (v, mp / 4);
  static const double sp[] = { 0.0, -0.0, INFINITY, -INFINITY, NAN, -NAN, DBL_MAX, -DBL_MAX,
                               DBL_TRUE_MIN, -DBL_TRUE_MIN, DBL_MIN, 1e30, -1e30, 0x1p-300, 1.0, -1.0 };
  for (size_t i = 0; i < sizeof sp / sizeof sp[0]; i++)
    dpush (v, sp[i]);
  if (!fl_format_is_signed (f))
    {
      size_t k = v->n;
      for (size_t i = 0; i < k; i++)
        dpush (v, -v->x[i]);
    }
  mpfr_clear (m);
  fl_grid_free (g);
}

/* Compare the fast path with the exact one on x[0..n) under r; returns the mismatch count
   and describes the first few in msg. */
static long
compare (const fl_format *f, const double *x, size_t n, const fl_rounding *r, char *msg, size_t msglen)
{
  uint64_t *fast = malloc (n * sizeof *fast);
  unsigned ffl = 0, efl = 0;
  fl_encode_doubles (f, x, fast, n, r, &ffl);
  mpfr_t m;
  mpfr_init2 (m, 53);
  long bad = 0;
  for (size_t i = 0; i < n; i++)
    {
      mpfr_set_d (m, x[i], MPFR_RNDN);
      fl_rounding ri = *r;
      ri.stream = r->stream + i;
      uint64_t c = fl_encode (f, m, &ri, &efl);
      /* MPFR does not keep the sign of a NaN, so a NaN input may only be asked to give
         some NaN code (or, without NaN in the format, the same code) */
      if (isnan (x[i]) && c != fast[i])
        {
          mpfr_t a, b;
          mpfr_init2 (a, fl_format_prec (f) + 2);
          mpfr_init2 (b, fl_format_prec (f) + 2);
          int both = fl_decode (f, c, a) == FL_CLASS_NAN && fl_decode (f, fast[i], b) == FL_CLASS_NAN;
          mpfr_clear (a);
          mpfr_clear (b);
          if (both)
            continue;
        }
      if (c != fast[i])
        {
          if (bad < 4)
            {
              size_t l = strlen (msg);
              snprintf (msg + l, msglen - l, "\n  %s %s ovf=%s sr_bits=%u x=%a: fast 0x%llx, exact 0x%llx",
                        fl_format_name (f), fl_round_mode_name (r->mode), fl_overflow_name (r->overflow),
                        r->sr_bits, x[i], (unsigned long long) fast[i], (unsigned long long) c);
            }
          bad++;
        }
    }
  if (ffl != efl && bad == 0)
    {
      size_t l = strlen (msg);
      snprintf (msg + l, msglen - l, "\n  %s %s ovf=%s: flags fast 0x%x, exact 0x%x", fl_format_name (f),
                fl_round_mode_name (r->mode), fl_overflow_name (r->overflow), ffl, efl);
      bad++;
    }
  mpfr_clear (m);
  free (fast);
  return bad;
}

static void
fast_format (const char *name, int all_policies)
{
  fl_format *f = tu_try_parse (name);
  if (!f)
    return;                         /* names the parser rejects: see test_cross */
  dvec v = { 0 };
  special_doubles (f, &v);
  fl_overflow pol[4];
  int npol = tu_policies (f, pol);
  long bad = 0;
  char msg[2048] = "";
  for (int mi = 0; mi < 6; mi++)
    for (int pi = 0; pi < (all_policies || mi == 0 ? npol : 1); pi++)
      {
        fl_rounding r;
        fl_rounding_init (&r);
        r.mode = tu_det_modes[mi];
        r.overflow = pol[pi];
        bad += compare (f, v.x, v.n, &r, msg, sizeof msg);
      }
  free (v.x);
  fl_format_free (f);
  TU_CHECK (bad == 0, "%s: %ld fast/exact mismatches; first:%s", name, bad, msg);
}

static char **small_names, **names16;
static size_t n_small, n16;

START_TEST (test_fast_small)
{
  fast_format (small_names[_i], 1);
}
END_TEST

START_TEST (test_fast_16)
{
  fast_format (names16[_i], 1);
}
END_TEST

/* fl_decode_doubles = mpfr_get_d (fl_decode) for every code */
static void
decode_format (const char *name)
{
  fl_format *f = tu_try_parse (name);
  if (!f)
    return;
  size_t nc = (size_t) fl_format_ncodes_minus1 (f) + 1;
  uint64_t *codes = malloc (nc * sizeof *codes);
  double *d = malloc (nc * sizeof *d);
  for (size_t c = 0; c < nc; c++)
    codes[c] = c;
  fl_decode_doubles (f, codes, d, nc);
  mpfr_t v;
  mpfr_init2 (v, fl_format_prec (f) + 2);
  long bad = 0;
  char msg[512] = "";
  for (size_t c = 0; c < nc; c++)
    {
      fl_decode (f, c, v);
      double w = mpfr_get_d (v, MPFR_RNDN);
      int ok = isnan (w) ? isnan (d[c]) : (memcmp (&w, &d[c], sizeof w) == 0);
      if (!ok)
        {
          if (bad++ < 3)
            {
              size_t l = strlen (msg);
              snprintf (msg + l, sizeof msg - l, "\n  code 0x%zx: fast %a, exact %a", c, d[c], w);
            }
        }
    }
  mpfr_clear (v);
  free (codes);
  free (d);
  fl_format_free (f);
  TU_CHECK (bad == 0, "%s: fl_decode_doubles differs on %ld codes:%s", name, bad, msg);
}

START_TEST (test_decode_small)
{
  decode_format (small_names[_i]);
}
END_TEST

START_TEST (test_decode_16)
{
  decode_format (names16[_i]);
}
END_TEST

/* ---- random doubles ---- */
static const char *const rnd_formats[] = { "fp16", "bf16", "e4m3fn", "e5m2", "e2m1fn", "fixed8.8", "int8", "fp32" };
/* log2 of the largest value of each, to centre the log-uniform magnitudes */
static const int rnd_emax[] = { 16, 128, 9, 16, 3, 7, 7, 128 };
static const int rnd_emin[] = { -25, -134, -10, -17, -2, -9, -1, -150 };
#define N_RANDOM 10000000L

START_TEST (test_fast_random)
{
  uint64_t seed = tu_seed ("test_fast random", 0x5eed2024);
  uint64_t st = seed + (uint64_t) _i;
  const int nf = (int) (sizeof rnd_formats / sizeof rnd_formats[0]);
  const char *name = rnd_formats[_i];
  fl_format *f = tu_parse (name);
  size_t per = (size_t) (N_RANDOM / nf / 6);
  double *x = malloc (per * sizeof *x);
  long bad = 0;
  char msg[2048] = "";
  for (int mi = 0; mi < 6; mi++)
    {
      for (size_t i = 0; i < per; i++)
        {
          uint64_t u = tu_splitmix (&st);
          if (u % 3 == 0)
            {
              uint64_t b = tu_splitmix (&st);
              memcpy (&x[i], &b, 8);          /* uniform bit pattern */
            }
          else
            {
              int lo = rnd_emin[_i] - 4, hi = rnd_emax[_i] + 4;
              int e = lo + (int) ((u >> 8) % (uint64_t) (hi - lo + 1));
              double m = 1.0 + (double) (tu_splitmix (&st) >> 11) * 0x1p-53;
              if ((u >> 4) % 5 == 0)         /* few significant bits: ties and exact values */
                m = 1.0 + (double) ((u >> 20) & 0x3ff) * 0x1p-10;
              x[i] = ldexp ((u >> 2) & 1 ? -m : m, e);
            }
        }
      fl_rounding r;
      fl_rounding_init (&r);
      r.mode = tu_det_modes[mi];
      fl_overflow pol[4];
      int npol = tu_policies (f, pol);
      r.overflow = pol[(unsigned) mi % (unsigned) npol];
      bad += compare (f, x, per, &r, msg, sizeof msg);
    }
  printf ("test_fast random: %s, %zu doubles per mode\n", name, per);
  free (x);
  fl_format_free (f);
  TU_CHECK (bad == 0, "%s random (seed %llu): %ld mismatches:%s", name, (unsigned long long) seed, bad, msg);
}
END_TEST

/* ---- stochastic rounding: fast with seed and stream base = exact with stream base + i ---- */
START_TEST (test_fast_sr)
{
  static const char *const fmts[] = { "e4m3fn", "fp16", "bf16", "fixed8.8", "e2m1fn", "binary8p3se" };
  uint64_t seed = tu_seed ("test_fast sr", 77);
  uint64_t st = seed;
  long bad = 0;
  char msg[2048] = "";
  for (size_t k = 0; k < sizeof fmts / sizeof fmts[0]; k++)
    {
      fl_format *f = tu_parse (fmts[k]);
      size_t n = 100000 / 2;
      double *x = malloc (n * sizeof *x);
      for (int bits = 0; bits <= 4; bits += 4)
        {
          for (size_t i = 0; i < n; i++)
            {
              uint64_t u = tu_splitmix (&st);
              double m = 1.0 + (double) (tu_splitmix (&st) >> 11) * 0x1p-53;
              x[i] = ldexp ((u & 1) ? -m : m, (int) ((u >> 8) % 40) - 20);
            }
          fl_rounding r;
          fl_rounding_init (&r);
          r.mode = FL_SR;
          r.sr_bits = (unsigned) bits;
          r.seed = seed + k;
          r.stream = 1000 + 7 * k;
          bad += compare (f, x, n, &r, msg, sizeof msg);
        }
      free (x);
      fl_format_free (f);
    }
  TU_CHECK (bad == 0, "SR fast vs exact (seed %llu): %ld mismatches:%s", (unsigned long long) seed, bad, msg);
}
END_TEST

int
main (void)
{
  small_names = tu_names_small ();
  for (n_small = 0; small_names[n_small]; n_small++)
    ;
  names16 = tu_names_16 ();
  for (n16 = 0; names16[n16]; n16++)
    ;
  Suite *s = suite_create ("fast");
  TCase *tc = tcase_create ("special");
  tcase_set_timeout (tc, 600);
  tcase_add_loop_test (tc, test_fast_small, 0, (int) n_small);
  tcase_add_loop_test (tc, test_fast_16, 0, (int) n16);
  suite_add_tcase (s, tc);
  TCase *td = tcase_create ("decode");
  tcase_set_timeout (td, 600);
  tcase_add_loop_test (td, test_decode_small, 0, (int) n_small);
  tcase_add_loop_test (td, test_decode_16, 0, (int) n16);
  suite_add_tcase (s, td);
  TCase *tr = tcase_create ("random");
  tcase_set_timeout (tr, 600);
  tcase_add_loop_test (tr, test_fast_random, 0, (int) (sizeof rnd_formats / sizeof rnd_formats[0]));
  tcase_add_test (tr, test_fast_sr);
  suite_add_tcase (s, tr);
  int rc = tu_run (s);
  tu_names_free (small_names);
  tu_names_free (names16);
  return rc;
}
