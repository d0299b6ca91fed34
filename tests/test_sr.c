/* test_sr.c -- stochastic rounding (SPEC A5; Gupta et al. 2015, SPEC B§8).
   A5: with lo < x < hi the two neighbours, round to hi with probability (x-lo)/(hi-lo)
   exactly; sr_bits = B: take the B bits of (x-lo)/(hi-lo) below the point (truncated),
   add a uniform random B-bit integer, round up on carry; results depend on seed and stream
   only (not on the thread count).  Streams are varied per draw (r.stream = i). */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
# include <omp.h>
#endif
#include "testutil.h"

#define NDRAW 100000L

static uint64_t seed;

/* Neighbours: lo = value of code clo, hi = lo + ulp (given as a hexfloat); x = lo + f*(hi-lo)
   with f given exactly as an mpfr.  Returns the fraction of draws that gave hi. */
typedef struct {
  const char *fmt;
  const char *lo, *hi;          /* two adjacent values of the format */
} interval;

static const interval ivals[] = {
  { "fixed8.8", "1.5", "0x1.81p+0" },           /* 1.5, 1.5 + 2^-8 */
  { "fixed8.8", "-0x1.81p+0", "-1.5" },         /* the negative side (two's complement) */
  { "e4m3fn", "1.25", "1.375" },
  { "e4m3fn", "-1.375", "-1.25" },
  { "e4m3fn", "0x3p-9", "0x4p-9" },             /* subnormals */
  { "fp16", "3", "0x1.804p+1" },                /* 3, 3 + 2^-9 */
  { "fp16", "-0x1.804p+1", "-3" },
};

/* Probability of hi over NDRAW streams for x = lo + f (hi - lo). */
static double
p_hi (const interval *iv, mpfr_srcptr f, unsigned sr_bits, uint64_t sd, long *n_other)
{
  fl_format *fm = tu_parse (iv->fmt);
  mpfr_t lo, hi, x, v;
  mpfr_inits2 (300, lo, hi, x, v, (mpfr_ptr) 0);
  mpfr_set_str (lo, iv->lo, 0, MPFR_RNDN);
  mpfr_set_str (hi, iv->hi, 0, MPFR_RNDN);
  mpfr_sub (x, hi, lo, MPFR_RNDN);
  mpfr_mul (x, x, f, MPFR_RNDN);
  mpfr_add (x, x, lo, MPFR_RNDN);                  /* exact at 300 bits */
  fl_rounding r;
  fl_rounding_init (&r);
  r.mode = FL_SR;
  r.sr_bits = sr_bits;
  r.seed = sd;
  /* codes of lo and hi by exact (deterministic) rounding */
  fl_rounding d;
  fl_rounding_init (&d);
  uint64_t clo = fl_encode (fm, lo, &d, NULL), chi = fl_encode (fm, hi, &d, NULL);
  long up = 0, other = 0;
  for (long i = 0; i < NDRAW; i++)
    {
      r.stream = (uint64_t) i;
      uint64_t c = fl_encode (fm, x, &r, NULL);
      if (c == chi)
        up++;
      else if (c != clo)
        other++;
    }
  *n_other = other;
  mpfr_clears (lo, hi, x, v, (mpfr_ptr) 0);
  fl_format_free (fm);
  return (double) up / NDRAW;
}

static void
expect_p (double got, double p, const char *what)
{
  double sd = sqrt (p * (1 - p) / NDRAW);
  double tol = 5 * sd;
  if (tol < 1.5 / NDRAW)
    tol = 1.5 / NDRAW;           /* p near 0 or 1: allow a single stray draw */
  TU_CHECK (fabs (got - p) <= tol, "%s: P(hi) = %.6f, expected %.6f (5 sd = %.6f); seed %llu", what, got, p,
            5 * sd, (unsigned long long) seed);
}

/* Exact SR: P(hi) = f for f in {1/4, ~1/3, 1/2, 0.9, 2^-20}, every interval. */
START_TEST (test_sr_exact_probability)
{
  const interval *iv = &ivals[_i];
  mpfr_t f;
  mpfr_init2 (f, 200);
  for (int j = 0; j < 5; j++)
    {
      switch (j)
        {
        case 0: mpfr_set_d (f, 0.25, MPFR_RNDN); break;
        case 1: mpfr_set_ui (f, 1, MPFR_RNDN); mpfr_div_ui (f, f, 3, MPFR_RNDN); break;  /* not dyadic-short */
        case 2: mpfr_set_d (f, 0.5, MPFR_RNDN); break;
        case 3: mpfr_set_str (f, "0.9", 10, MPFR_RNDN); break;
        case 4: mpfr_set_ui_2exp (f, 1, -20, MPFR_RNDN); break;
        }
      long other;
      double p = p_hi (iv, f, 0, seed, &other);
      char what[128];
      snprintf (what, sizeof what, "%s in [%s, %s], f = %.6g, exact SR", iv->fmt, iv->lo, iv->hi,
                mpfr_get_d (f, MPFR_RNDN));
      TU_CHECK (other == 0, "%s: %ld draws gave neither neighbour", what, other);
      expect_p (p, mpfr_get_d (f, MPFR_RNDN), what);
    }
  mpfr_clear (f);
}
END_TEST

/* B§8.3 item 2: fixed<8,8>, x = floor(x) + 0.25 eps: P(up) = 0.25 and the mean of the
   decoded results tends to x with error O(eps/sqrt(N)). */
START_TEST (test_sr_b83_mean)
{
  fl_format *f = tu_parse ("fixed8.8");
  mpfr_t x, v;
  mpfr_inits2 (64, x, v, (mpfr_ptr) 0);
  const double eps = 0x1p-8, xd = 5.0 + 0.25 * eps;       /* x = 5 + eps/4 */
  mpfr_set_d (x, xd, MPFR_RNDN);
  fl_rounding r;
  fl_rounding_init (&r);
  r.mode = FL_SR;
  r.seed = seed;
  double sum = 0;
  long up = 0;
  for (long i = 0; i < NDRAW; i++)
    {
      r.stream = (uint64_t) i;
      uint64_t c = fl_encode (f, x, &r, NULL);
      fl_decode (f, c, v);
      double d = mpfr_get_d (v, MPFR_RNDN);
      TU_CHECK (d == 5.0 || d == 5.0 + eps, "SR(5 + eps/4) gave %a", d);
      up += d > 5.0;
      sum += d;
    }
  expect_p ((double) up / NDRAW, 0.25, "fixed8.8 SR(5 + eps/4)");
  double mean = sum / NDRAW, sd = eps * sqrt (0.25 * 0.75 / NDRAW);
  TU_CHECK (fabs (mean - xd) < 5 * sd, "mean %.10f, x %.10f, 5 sd %.3g", mean, xd, 5 * sd);
  /* RN is biased: every draw gives 5 (the "vanishing update") */
  fl_rounding n;
  fl_rounding_init (&n);
  ck_assert_uint_eq (fl_encode (f, x, &n, NULL), 5 * 256);
  mpfr_clears (x, v, (mpfr_ptr) 0);
  fl_format_free (f);
}
END_TEST

/* sr_bits = B: P(hi) = floor(f 2^B) / 2^B; a fraction below 2^-B never goes up; and the
   decision depends on f only through floor(f 2^B): for every stream, fractions with the
   same truncated B bits give the same code. */
static const unsigned Bs[] = { 1, 2, 3, 4, 8 };

START_TEST (test_sr_bits_definition)
{
  const interval *iv = &ivals[_i];
  int negative = iv->lo[0] == '-';
  /* the literal A5 definition on the signed fraction (x-lo)/(hi-lo), for two's complement
     fixed point (Gupta et al.'s hardware adds the random bits to the two's complement word)
     and for positive floats (for sign-magnitude floats the sign convention of A5 is left
     open: the implementation rounds the magnitude) */
  if (negative && strncmp (iv->fmt, "fixed", 5) != 0)
    return;
  mpfr_t f;
  mpfr_init2 (f, 200);
  for (size_t b = 0; b < sizeof Bs / sizeof Bs[0]; b++)
    {
      unsigned B = Bs[b];
      double fr[8];
      int nf = 0;
      fr[nf++] = ldexp (1, -(int) B - 1);            /* < 2^-B: never up */
      fr[nf++] = ldexp (1, -(int) B) * 0.999;        /* < 2^-B: never up */
      fr[nf++] = ldexp (1, -(int) B);
      fr[nf++] = 0.3;
      fr[nf++] = 1.0 / 3;
      fr[nf++] = 0.5;
      fr[nf++] = 0.9;
      fr[nf++] = 1 - 0x1p-20;
      for (int j = 0; j < nf; j++)
        {
          mpfr_set_d (f, fr[j], MPFR_RNDN);
          long other;
          double p = p_hi (iv, f, B, seed, &other);
          double want = floor (fr[j] * ldexp (1, (int) B)) / ldexp (1, (int) B);
          char what[160];
          snprintf (what, sizeof what, "%s in [%s, %s], f = %.6g, sr_bits %u (A5: floor(f 2^B)/2^B)", iv->fmt,
                    iv->lo, iv->hi, fr[j], B);
          TU_CHECK (other == 0, "%s: %ld draws gave neither neighbour", what, other);
          if (want == 0)
            TU_CHECK (p == 0, "%s: P(hi) = %g, expected exactly 0", what, p);
          else
            expect_p (p, want, what);
        }
    }
  mpfr_clear (f);
}
END_TEST

/* For each stream, the code depends on f only through floor(f 2^B) (positive values). */
START_TEST (test_sr_bits_truncation)
{
  fl_format *fm = tu_parse ("e4m3fn");
  mpfr_t x1, x2, x3;
  mpfr_inits2 (100, x1, x2, x3, (mpfr_ptr) 0);
  /* [1.25, 1.375): ulp 2^-3; B = 4: f1 = 5/16, f2 = 5/16 + 2^-10, f3 = 6/16 - 2^-30 share t = 5 */
  mpfr_set_d (x1, 1.25 + 0x1p-3 * (5.0 / 16), MPFR_RNDN);
  mpfr_set_d (x2, 1.25 + 0x1p-3 * (5.0 / 16 + 0x1p-10), MPFR_RNDN);
  mpfr_set_d (x3, 1.25 + 0x1p-3 * (6.0 / 16 - 0x1p-30), MPFR_RNDN);
  fl_rounding r;
  fl_rounding_init (&r);
  r.mode = FL_SR;
  r.sr_bits = 4;
  r.seed = seed;
  long diff = 0, differ_exact = 0;
  for (long i = 0; i < 20000; i++)
    {
      r.stream = (uint64_t) i;
      r.sr_bits = 4;
      uint64_t a = fl_encode (fm, x1, &r, NULL), b = fl_encode (fm, x2, &r, NULL), c = fl_encode (fm, x3, &r, NULL);
      diff += a != b || a != c;
      r.sr_bits = 0;                  /* exact SR distinguishes them (sanity of the test) */
      differ_exact += fl_encode (fm, x1, &r, NULL) != fl_encode (fm, x3, &r, NULL);
    }
  TU_CHECK (diff == 0, "sr_bits 4: fractions with the same 4 truncated bits gave different codes in %ld streams",
            diff);
  TU_CHECK (differ_exact > 0, "exact SR never separated f = 5/16 and 6/16 - 2^-30");
  mpfr_clears (x1, x2, x3, (mpfr_ptr) 0);
  fl_format_free (fm);
}
END_TEST

/* Exact SR never moves a representable value (every code of a few formats, a few streams). */
START_TEST (test_sr_representable)
{
  static const char *const fmts[] = { "e4m3fn", "fixed8.8", "fp16", "e2m1fn", "e5m2", "int8", "binary8p3se" };
  for (size_t k = 0; k < sizeof fmts / sizeof fmts[0]; k++)
    {
      fl_format *f = tu_parse (fmts[k]);
      mpfr_t v;
      mpfr_init2 (v, fl_format_prec (f) + 2);
      long bad = 0;
      for (uint64_t c = 0; c <= fl_format_ncodes_minus1 (f); c++)
        {
          fl_class cl = fl_decode (f, c, v);
          if (cl == FL_CLASS_NAN || cl == FL_CLASS_INF)
            continue;
          for (unsigned bits = 0; bits <= 4; bits += 4)
            for (uint64_t s = 0; s < 4; s++)
              {
                fl_rounding r;
                fl_rounding_init (&r);
                r.mode = FL_SR;
                r.sr_bits = bits;
                r.seed = seed;
                r.stream = s * 1000003 + c;
                unsigned fl = 0;
                uint64_t got = fl_encode (f, v, &r, &fl);
                if (got != c && !(cl == FL_CLASS_ZERO))
                  bad++;
                if (fl & FL_FLAG_INEXACT)
                  bad++;
              }
        }
      TU_CHECK (bad == 0, "%s: SR moved %ld representable values (or flagged them inexact)", fmts[k], bad);
      mpfr_clear (v);
      fl_format_free (f);
    }
}
END_TEST

/* Same seed -> same codes, whatever the thread count and however the array is split. */
START_TEST (test_sr_threads)
{
  const size_t n = 1000000;
  double *x = malloc (n * sizeof *x);
  uint64_t *a = malloc (n * sizeof *a), *b = malloc (n * sizeof *b);
  uint64_t st = seed;
  for (size_t i = 0; i < n; i++)
    {
      uint64_t u = tu_splitmix (&st);
      x[i] = ldexp (1.0 + (double) (u >> 11) * 0x1p-53, (int) (u % 24) - 12) * ((u >> 5) & 1 ? -1 : 1);
    }
  static const char *const fmts[] = { "e4m3fn", "fixed8.8", "bf16" };
  for (size_t k = 0; k < 3; k++)
    for (unsigned bits = 0; bits <= 4; bits += 4)
      {
        fl_format *f = tu_parse (fmts[k]);
        fl_rounding r;
        fl_rounding_init (&r);
        r.mode = FL_SR;
        r.sr_bits = bits;
        r.seed = seed;
        r.stream = 12345;
#ifdef _OPENMP
        omp_set_num_threads (1);
#endif
        fl_encode_doubles (f, x, a, n, &r, NULL);
#ifdef _OPENMP
        omp_set_num_threads (2);
#endif
        fl_encode_doubles (f, x, b, n, &r, NULL);
        long d = 0;
        for (size_t i = 0; i < n; i++)
          d += a[i] != b[i];
        TU_CHECK (d == 0, "%s sr_bits %u: 1 vs 2 threads differ in %ld of %zu codes", fmts[k], bits, d, n);
        /* split in two calls: the second starts at stream + n1 */
        size_t n1 = 333333;
        fl_encode_doubles (f, x, b, n1, &r, NULL);
        r.stream += n1;
        fl_encode_doubles (f, x + n1, b + n1, n - n1, &r, NULL);
        d = 0;
        for (size_t i = 0; i < n; i++)
          d += a[i] != b[i];
        TU_CHECK (d == 0, "%s sr_bits %u: split call differs in %ld codes", fmts[k], bits, d);
        /* another seed changes some codes (the seed is used) */
        r.stream = 12345;
        r.seed = seed + 1;
        fl_encode_doubles (f, x, b, n, &r, NULL);
        d = 0;
        for (size_t i = 0; i < n; i++)
          d += a[i] != b[i];
        TU_CHECK (d > 0, "%s: seed has no effect", fmts[k]);
        fl_format_free (f);
      }
  free (x);
  free (a);
  free (b);
}
END_TEST

int
main (void)
{
  seed = tu_seed ("test_sr", 31337);
  Suite *s = suite_create ("sr");
  TCase *tc = tcase_create ("sr");
  tcase_set_timeout (tc, 600);
  int ni = (int) (sizeof ivals / sizeof ivals[0]);
  tcase_add_loop_test (tc, test_sr_exact_probability, 0, ni);
  tcase_add_test (tc, test_sr_b83_mean);
  tcase_add_loop_test (tc, test_sr_bits_definition, 0, ni);
  tcase_add_test (tc, test_sr_bits_truncation);
  tcase_add_test (tc, test_sr_representable);
  tcase_add_test (tc, test_sr_threads);
  suite_add_tcase (s, tc);
  return tu_run (s);
}
