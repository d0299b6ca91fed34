/* test_cuts.c -- the table-driven array paths of posits, logarithmic posits and LNS
   (formats/cuts.c) against the exact encoder fl_encode (MPFR) and the exact decoder.

   1. Every format of each family up to 8 bits (a broad selection for LP), every
      deterministic mode, both domains: for every cut point and every value (fl_format_cut
      and fl_decode at 256 bits, computed here and not by the tables), the doubles around
      it (nearest, two below, two above) through fl_encode_doubles and
      fl_quantize_doubles, one element at a time so that the flags are per element too,
      equal to fl_encode / fl_decode.  Plus 0, -0, +-inf, NaN, the extreme doubles.
   2. 16-bit formats: 10^6 random doubles (seed printed) in rne, 2*10^4 in each other mode.
   3. The proof step of cuts.c: for a breakpoint b that is not a double, a double a
      satisfies a >= b iff a >= RU(b); checked on log-domain cuts of lp8es1rs3sf0.3
      (non-dyadic scale factor) with directed MPFR comparisons.
   4. Stochastic rounding, and every mode above 16 bits, keep the exact path: equal to
      fl_encode with the same stream, and the values to fl_decode. */
#include <config.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"

static fl_format *
fmt (const char *name)
{
  fl_format *f;
  char err[256];
  ck_assert_msg (fl_format_parse (name, &f, err, sizeof err) == FL_OK, "%s: %s", name, err);
  return f;
}

/* One double through both array paths, against the exact encoder and decoder. */
static int
check_one (const fl_format *f, const fl_rounding *r, double d, mpfr_ptr tmp)
{
  unsigned fa = 0, fe = 0, fq = 0;
  uint64_t ca;
  double ya;
  fl_encode_doubles (f, &d, &ca, 1, r, &fa);
  fl_quantize_doubles (f, &d, &ya, 1, r, &fq);
  mpfr_set_d (tmp, d, MPFR_RNDN);
  uint64_t ce = fl_encode (f, tmp, r, &fe);
  mpfr_t v;
  mpfr_init2 (v, 53);
  fl_decode (f, ce, v);
  double ye = mpfr_get_d (v, MPFR_RNDN);
  mpfr_clear (v);
  int same_y = (isnan (ye) && isnan (ya)) || (ye == ya && signbit (ye) == signbit (ya));
  if (ca != ce || fa != fe || fq != fe || !same_y)
    {
      fprintf (stderr, "%s mode %d domain %d x=%a: table %llx fl %u (q %a fl %u), exact %llx fl %u (%a)\n",
               fl_format_name (f), (int) r->mode, (int) r->domain, d, (unsigned long long) ca,
               fa, ya, fq, (unsigned long long) ce, fe, ye);
      return 1;
    }
  return 0;
}

static void
push_around (double *buf, size_t *n, mpfr_srcptr b)
{
  double d = mpfr_get_d (b, MPFR_RNDN);
  if (!isfinite (d))
    return;
  double lo = d, hi = d;
  buf[(*n)++] = d;
  buf[(*n)++] = -d;
  for (int i = 0; i < 2; i++)
    {
      lo = nextafter (lo, -INFINITY);
      hi = nextafter (hi, INFINITY);
      buf[(*n)++] = lo;
      buf[(*n)++] = hi;
      buf[(*n)++] = -lo;
      buf[(*n)++] = -hi;
    }
}

/* Every cut and value of f, every deterministic mode, domains log and linear. */
static long
check_format_small (const char *name)
{
  fl_format *f = fmt (name);
  uint64_t N = UINT64_C(1) << fl_format_bits (f);
  size_t cap = 2 * N * 10 * 2 + 16, n = 0;
  double *pts = malloc (cap * sizeof *pts);
  mpfr_t a, c, tmp;
  mpfr_inits2 (256, a, c, (mpfr_ptr) 0);
  mpfr_init2 (tmp, 53);
  long checks = 0, bad = 0;
  for (int dom = FL_DOMAIN_LOG; dom <= FL_DOMAIN_LINEAR; dom++)
    {
      n = 0;
      /* every positive value */
      for (uint64_t code = 0; code < N; code++)
        {
          if (fl_decode (f, code, a) != FL_CLASS_NORMAL || mpfr_sgn (a) <= 0)
            continue;
          push_around (pts, &n, a);
        }
      /* cuts between consecutive positive values (sorted by fl_decode) */
      uint64_t *codes = malloc (N * sizeof *codes);
      mpfr_t *vals = malloc (N * sizeof *vals);
      size_t nv = 0;
      for (uint64_t code = 0; code < N; code++)
        {
          mpfr_init2 (vals[nv], 256);
          if (fl_decode (f, code, vals[nv]) == FL_CLASS_NORMAL && mpfr_sgn (vals[nv]) > 0)
            codes[nv++] = code;
          else
            mpfr_clear (vals[nv]);
        }
      for (size_t i = 0; i < nv; i++)        /* insertion sort by value: N <= 256 */
        for (size_t j = i; j > 0 && mpfr_cmp (vals[j - 1], vals[j]) > 0; j--)
          {
            mpfr_swap (vals[j - 1], vals[j]);
            uint64_t t = codes[j - 1];
            codes[j - 1] = codes[j];
            codes[j] = t;
          }
      for (size_t i = 0; i + 1 < nv; i++)
        {
          fl_format_cut (f, (fl_domain) dom, codes[i], codes[i + 1], c);
          push_around (pts, &n, c);
        }
      /* below the smallest and above the largest */
      if (nv > 0)
        {
          mpfr_div_2ui (c, vals[0], 1, MPFR_RNDN);
          push_around (pts, &n, c);
          mpfr_mul_2ui (c, vals[nv - 1], 1, MPFR_RNDN);
          push_around (pts, &n, c);
          mpfr_sqrt (c, vals[0], MPFR_RNDN);
          mpfr_mul (c, c, vals[0], MPFR_RNDN);
          mpfr_sqrt (c, c, MPFR_RNDN);       /* vals[0]^(3/4): the LNS reserved-step region */
          push_around (pts, &n, c);
        }
      for (size_t i = 0; i < nv; i++)
        mpfr_clear (vals[i]);
      free (vals);
      free (codes);
      const double extra[] = { 0.0, -0.0, INFINITY, -INFINITY, NAN, -NAN, DBL_MAX, -DBL_MAX,
                               DBL_MIN, 4.9e-324, -4.9e-324, 1.0, -1.0 };
      for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
        pts[n++] = extra[i];
      ck_assert (n <= cap);
      for (int mi = 0; mi < 6; mi++)
        {
          fl_rounding r;
          fl_rounding_init (&r);
          r.mode = tu_det_modes[mi];
          r.domain = (fl_domain) dom;
          for (size_t i = 0; i < n; i++)
            {
              bad += check_one (f, &r, pts[i], tmp);
              checks++;
              ck_assert_msg (bad < 10, "%s: table path differs from fl_encode", name);
            }
        }
    }
  ck_assert_msg (bad == 0, "%s: %ld of %ld differ", name, bad, checks);
  mpfr_clears (a, c, tmp, (mpfr_ptr) 0);
  free (pts);
  fl_format_free (f);
  return checks;
}

/* Every name of a two-parameter family: n from nlo to nhi, p from 0 to (pmax >= 0 ? pmax :
   n + pmax). */
static void
check_grid (const char *what, const char *pattern, int nlo, int nhi, int pmax)
{
  long checks = 0;
  char name[64];
  for (int n = nlo; n <= nhi; n++)
    for (int p = 0; p <= (pmax >= 0 ? pmax : n + pmax); p++)
      {
        snprintf (name, sizeof name, pattern, n, p);
        checks += check_format_small (name);
      }
  printf ("%s <= 8 bits: %ld doubles x modes checked\n", what, checks);
}

START_TEST (test_small_posits)
{
  check_grid ("posits", "posit%des%d", 2, 8, 5);
}
END_TEST

START_TEST (test_small_lns)
{
  check_grid ("lns", "lns%df%d", 3, 8, -2);
}
END_TEST

START_TEST (test_small_lp)
{
  /* every n 3..8 with es 0..2 and rs 1, 2, n-1; a few scale factors, one non-dyadic */
  long checks = 0;
  char name[64];
  for (int n = 3; n <= 8; n++)
    for (int es = 0; es <= 2; es++)
      {
        int rss[3] = { 1, 2, n - 1 };
        for (int i = 0; i < 3; i++)
          {
            if (i > 0 && rss[i] == rss[i - 1])
              continue;
            snprintf (name, sizeof name, "lp%des%drs%d", n, es, rss[i]);
            checks += check_format_small (name);
          }
      }
  const char *more[] = { "lp8es1rs3sf0.5", "lp8es1rs3sf0.3", "lp8es2rs4sf-1.25", "lp6es0rs5sf2" };
  for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
    checks += check_format_small (more[i]);
  printf ("logarithmic posits <= 8 bits: %ld doubles x modes checked\n", checks);
}
END_TEST

/* Random doubles over the format's range and beyond: uniform in log2 over
   [log2 minpos - 4, log2 maxpos + 4], random sign, and every fourth one a raw bit
   pattern (any double). */
static double
random_double (uint64_t *st, double lmin, double lmax)
{
  uint64_t u = tu_splitmix (st);
  if ((u & 3) == 0)
    {
      uint64_t b = tu_splitmix (st);
      double d;
      memcpy (&d, &b, sizeof d);
      return d;
    }
  double t = (double) (tu_splitmix (st) >> 11) * 0x1p-53;
  double d = exp2 (lmin + t * (lmax - lmin));
  return (u & 4) ? -d : d;
}

START_TEST (test_random_16)
{
  const char *names[] = { "posit16es1", "posit16es2", "lp16es1rs5", "lns16f10" };
  uint64_t seed = tu_seed ("test_cuts random 16-bit", 13);
  for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
    {
      fl_format *f = fmt (names[k]);
      mpfr_t a, tmp;
      mpfr_inits2 (256, a, (mpfr_ptr) 0);
      mpfr_init2 (tmp, 53);
      fl_decode (f, fl_format_minpos_code (f), a);
      double lmin = mpfr_get_d (a, MPFR_RNDN);
      fl_decode (f, fl_format_max_code (f), a);
      double lmax = mpfr_get_d (a, MPFR_RNDN);
      lmin = log2 (lmin) - 4;
      lmax = log2 (lmax) + 4;
      for (int mi = 0; mi < 6; mi++)
        for (int dom = FL_DOMAIN_LOG; dom <= FL_DOMAIN_LINEAR; dom++)
          {
            if (dom == FL_DOMAIN_LINEAR && mi > 1)
              continue;              /* directed modes do not read the domain */
            size_t n = mi == 0 && dom == FL_DOMAIN_LOG ? 1000000 : 20000;
            uint64_t st = seed + 1000 * k + 10 * (uint64_t) mi + (uint64_t) dom;
            double *x = malloc (n * sizeof *x), *y = malloc (n * sizeof *y);
            uint64_t *c = malloc (n * sizeof *c);
            for (size_t i = 0; i < n; i++)
              x[i] = random_double (&st, lmin, lmax);
            fl_rounding r;
            fl_rounding_init (&r);
            r.mode = tu_det_modes[mi];
            r.domain = (fl_domain) dom;
            unsigned fl = 0;
            /* twice: the first call may take the exact path until the table pays */
            fl_encode_doubles (f, x, c, n, &r, &fl);
            fl_encode_doubles (f, x, c, n, &r, &fl);
            fl_quantize_doubles (f, x, y, n, &r, &fl);
            mpfr_t v;
            mpfr_init2 (v, 53);
            long bad = 0;
            for (size_t i = 0; i < n; i++)
              {
                mpfr_set_d (tmp, x[i], MPFR_RNDN);
                uint64_t ce = fl_encode (f, tmp, &r, NULL);
                fl_decode (f, ce, v);
                double ye = mpfr_get_d (v, MPFR_RNDN);
                int same = (isnan (ye) && isnan (y[i])) || ye == y[i];
                if (ce != c[i] || !same)
                  {
                    if (bad++ < 5)
                      fprintf (stderr, "%s mode %d dom %d x=%a: table %llx %a exact %llx %a\n",
                               names[k], mi, dom, x[i], (unsigned long long) c[i], y[i],
                               (unsigned long long) ce, ye);
                  }
              }
            mpfr_clear (v);
            ck_assert_msg (bad == 0, "%s mode %d: %ld of %zu differ", names[k], mi, bad, n);
            free (x);
            free (y);
            free (c);
          }
      mpfr_clears (a, tmp, (mpfr_ptr) 0);
      fl_format_free (f);
    }
}
END_TEST

/* The proof step: b not a double; for doubles a near b, (a >= b) == (a >= RU(b)), with
   a >= b decided by MPFR at 256 bits (b's error there is far below the gap to any double
   near it, checked: b is not within 2^-200 relative of a double). */
START_TEST (test_ru_rule)
{
  fl_format *f = fmt ("lp8es1rs3sf0.3");
  mpfr_t c, e;
  mpfr_inits2 (256, c, e, (mpfr_ptr) 0);
  long checks = 0;
  for (uint64_t k = 1; k + 1 < 128; k++)
    {
      fl_format_cut (f, FL_DOMAIN_LOG, k, k + 1, c);
      double ru = mpfr_get_d (c, MPFR_RNDU);
      mpfr_sub_d (e, c, ru, MPFR_RNDN);
      ck_assert (mpfr_sgn (e) != 0);              /* not a double */
      double a = nextafter (nextafter (ru, 0), 0);
      for (int i = 0; i < 5; i++, a = nextafter (a, INFINITY))
        {
          ck_assert_int_eq (mpfr_cmp_d (c, a) <= 0, a >= ru);
          checks++;
        }
    }
  printf ("RU rule: %ld comparisons\n", checks);
  mpfr_clears (c, e, (mpfr_ptr) 0);
  fl_format_free (f);
}
END_TEST

START_TEST (test_sr_exact)
{
  const char *names[] = { "posit8es1", "lp8es1rs3", "lns8f3", "posit16es1", "posit32es2",
                          "lp20es1rs5" };
  uint64_t seed = tu_seed ("test_cuts sr", 7);
  for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
    {
      fl_format *f = fmt (names[k]);
      size_t n = 2000;
      double *x = malloc (n * sizeof *x);
      uint64_t *c = malloc (n * sizeof *c);
      uint64_t st = seed + k;
      for (size_t i = 0; i < n; i++)
        x[i] = random_double (&st, -12, 12);
      fl_rounding r;
      fl_rounding_init (&r);
      r.mode = FL_SR;
      r.seed = seed;
      r.stream = 100;
      double *y = malloc (n * sizeof *y);
      mpfr_t t, v;
      mpfr_init2 (t, 53);
      mpfr_init2 (v, 53);
      /* sr, then rne on the formats above 16 bits: the exact path of cuts.c */
      for (int pass = 0; pass < 2; pass++)
        {
          if (pass == 1 && fl_format_bits (f) <= 16)
            break;
          r.mode = pass ? FL_RNE : FL_SR;
          fl_encode_doubles (f, x, c, n, &r, NULL);
          fl_quantize_doubles (f, x, y, n, &r, NULL);
          for (size_t i = 0; i < n; i++)
            {
              fl_rounding ri = r;
              ri.stream = r.stream + i;
              mpfr_set_d (t, x[i], MPFR_RNDN);
              uint64_t ce = fl_encode (f, t, &ri, NULL);
              ck_assert_uint_eq (ce, c[i]);
              fl_decode (f, ce, v);
              double ye = mpfr_get_d (v, MPFR_RNDN);
              ck_assert ((isnan (ye) && isnan (y[i])) || ye == y[i]);
            }
        }
      mpfr_clears (t, v, (mpfr_ptr) 0);
      free (y);
      free (x);
      free (c);
      fl_format_free (f);
    }
}
END_TEST

int
main (void)
{
  mpfr_set_emin (mpfr_get_emin_min ());
  mpfr_set_emax (mpfr_get_emax_max ());
  Suite *s = suite_create ("cuts");
  TCase *tc = tcase_create ("cuts");
  tcase_set_timeout (tc, 900);
  tcase_add_test (tc, test_ru_rule);
  tcase_add_test (tc, test_sr_exact);
  tcase_add_test (tc, test_small_posits);
  tcase_add_test (tc, test_small_lns);
  tcase_add_test (tc, test_small_lp);
  tcase_add_test (tc, test_random_16);
  suite_add_tcase (s, tc);
  return tu_run (s);
}
