/* test_cross.c -- two independent encoders must agree (DESIGN "Exactness model"): the
   family's bit-level encoder fl_encode against the generic sorted-grid rounder
   fl_grid_round, which knows only the decoded values.  Probe points: every grid value
   (and both zeros), every midpoint and midpoint*(1 +- 2^-80), the virtual neighbour beyond
   each end (fl_format_beyond) with the midpoints to it, 2*max, 1e30, tiny values, +-inf,
   NaN; for unsigned formats the negatives of all of them.  Every deterministic mode and
   every overflow policy the format accepts.  Also checks, independently of both encoders,
   that the INEXACT flag of fl_encode is set iff the result differs from the input (except
   for invalid conversions, which IEEE 754 flags as invalid only). */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
# include <omp.h>
#endif
#include "testutil.h"

#define PPREC 256

typedef struct {
  mpfr_t *p;
  size_t n, cap;
} points;

static mpfr_ptr
pt_new (points *P)
{
  if (P->n == P->cap)
    {
      P->cap = P->cap ? 2 * P->cap : 1024;
      P->p = realloc (P->p, P->cap * sizeof *P->p);
    }
  mpfr_init2 (P->p[P->n], PPREC);
  return P->p[P->n++];
}

static void
pt_add (points *P, mpfr_srcptr x)
{
  mpfr_set (pt_new (P), x, MPFR_RNDN);
}

/* x and x*(1 +- 2^-80) */
static void
pt_add3 (points *P, mpfr_srcptr x)
{
  pt_add (P, x);
  if (mpfr_zero_p (x) || !mpfr_number_p (x))
    return;
  mpfr_t d;
  mpfr_init2 (d, PPREC);
  mpfr_mul_2si (d, x, -80, MPFR_RNDN);
  mpfr_add (pt_new (P), x, d, MPFR_RNDN);
  mpfr_sub (pt_new (P), x, d, MPFR_RNDN);
  mpfr_clear (d);
}

static void
pt_free (points *P)
{
  for (size_t i = 0; i < P->n; i++)
    mpfr_clear (P->p[i]);
  free (P->p);
}

/* Build the probe points; fine = 1 adds the +-2^-80 perturbations of every midpoint. */
static void
build_points (const fl_format *f, const fl_grid *g, points *P, int fine)
{
  size_t n = fl_grid_size (g);
  mpfr_t m, t;
  mpfr_init2 (m, PPREC);
  mpfr_init2 (t, PPREC);
  mpfr_set_zero (m, 1);
  pt_add (P, m);
  mpfr_set_zero (m, -1);
  pt_add (P, m);
  for (size_t i = 0; i < n; i++)
    {
      pt_add (P, fl_grid_value (g, i));
      if (i + 1 < n)
        {
          mpfr_add (m, fl_grid_value (g, i), fl_grid_value (g, i + 1), MPFR_RNDN);
          mpfr_div_2ui (m, m, 1, MPFR_RNDN);
          if (fine)
            pt_add3 (P, m);
          else
            pt_add (P, m);
        }
    }
  /* beyond both ends */
  for (int neg = 0; neg < 2; neg++)
    {
      mpfr_t b;
      mpfr_init2 (b, PPREC);
      fl_format_beyond (f, neg, b);
      mpfr_srcptr end = fl_grid_value (g, neg ? 0 : n - 1);
      pt_add3 (P, b);
      mpfr_add (m, b, end, MPFR_RNDN);
      mpfr_div_2ui (m, m, 1, MPFR_RNDN);
      pt_add3 (P, m);
      mpfr_mul_2ui (m, end, 1, MPFR_RNDN);
      pt_add3 (P, m);
      mpfr_mul_2ui (m, b, 1, MPFR_RNDN);
      pt_add (P, m);
      mpfr_clear (b);
    }
  mpfr_set_d (m, 1e30, MPFR_RNDN);
  pt_add (P, m);
  mpfr_set_d (m, -1e30, MPFR_RNDN);
  pt_add (P, m);
  /* tiny: around minpos/2, minpos/4, 2^-300 */
  mpfr_t mp;
  mpfr_init2 (mp, PPREC);
  fl_decode (f, fl_format_minpos_code (f), mp);
  for (int k = 1; k <= 2; k++)
    {
      mpfr_div_2ui (m, mp, (unsigned long) k, MPFR_RNDN);
      pt_add3 (P, m);
      mpfr_neg (m, m, MPFR_RNDN);
      pt_add3 (P, m);
    }
  pt_add3 (P, mp);
  mpfr_set_ui_2exp (m, 1, -300, MPFR_RNDN);
  pt_add (P, m);
  mpfr_neg (m, m, MPFR_RNDN);
  pt_add (P, m);
  mpfr_set_inf (m, 1);
  pt_add (P, m);
  mpfr_set_inf (m, -1);
  pt_add (P, m);
  mpfr_set_nan (m);
  pt_add (P, m);
  mpfr_clear (mp);
  /* unsigned formats: the negatives of everything */
  if (!fl_format_is_signed (f))
    {
      size_t k = P->n;
      for (size_t i = 0; i < k; i++)
        if (mpfr_number_p (P->p[i]))
          {
            mpfr_ptr y = pt_new (P);          /* may move P->p: index after it */
            mpfr_neg (y, P->p[i], MPFR_RNDN);
          }
    }
  (void) t;
  mpfr_clear (m);
  mpfr_clear (t);
}

typedef struct {
  long mismatches, flagbad, total;
  char first[2048];
} result;

static void
note (result *R, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

#include <stdarg.h>
static void
note (result *R, const char *fmt, ...)
{
  size_t len = strlen (R->first);
  if (len > sizeof R->first - 300)
    return;
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (R->first + len, sizeof R->first - len, fmt, ap);
  va_end (ap);
}

/* Compare the two encoders on every point for the given modes (all policies). */
static void
cross_format (const char *name, const fl_round_mode *modes, int nmodes, int fine, int all_policies)
{
  fl_format *f = tu_parse (name);
  fl_grid *g = NULL;
  char err[256];
  ck_assert_msg (fl_grid_alloc (f, &g, err, sizeof err) == FL_OK, "%s: grid: %s", name, err);
  points P = { 0 };
  build_points (f, g, &P, fine);
  fl_overflow pol[4];
  int npol = tu_policies (f, pol);
  if (!all_policies)
    npol = 1;
  result R = { 0, 0, 0, "" };
  mpfr_prec_t dp = fl_format_prec (f) + 2;
  for (int mi = 0; mi < nmodes; mi++)
    for (int pi = 0; pi < npol; pi++)
      {
        fl_rounding r;
        fl_rounding_init (&r);
        r.mode = modes[mi];
        r.overflow = pol[pi];
        long mism = 0, fbad = 0;
#pragma omp parallel reduction(+:mism, fbad) if (P.n > 16384)
        {
          /* each thread in MPFR's widest range, the engine's working range: the public
             calls then have nothing to widen and restore (doc/engine.md), as in a
             program that sets it once */
          mpfr_set_emin (mpfr_get_emin_min ());
          mpfr_set_emax (mpfr_get_emax_max ());
          mpfr_t v;
          mpfr_init2 (v, dp);
#pragma omp for schedule(dynamic, 256)
          for (size_t i = 0; i < P.n; i++)
            {
              unsigned fl1 = 0, fl2 = 0;
              uint64_t c1 = fl_encode (f, P.p[i], &r, &fl1);
              uint64_t c2 = fl_grid_round (g, P.p[i], &r, &fl2);
              if (c1 != c2)
                {
                  mism++;
#pragma omp critical
                  note (&R, "\n  %s %s ovf=%s x=%s: fl_encode 0x%llx, grid 0x%llx", name,
                        fl_round_mode_name (r.mode), fl_overflow_name (r.overflow), tu_hex (P.p[i]),
                        (unsigned long long) c1, (unsigned long long) c2);
                }
              /* INEXACT iff the result is not x itself (finite inputs, finite results) */
              if (mpfr_number_p (P.p[i]) && !(fl1 & FL_FLAG_INVALID))
                {
                  fl_class k = fl_decode (f, c1, v);
                  if (k != FL_CLASS_NAN && k != FL_CLASS_INF)
                    {
                      int exact = mpfr_equal_p (v, P.p[i]);
                      if (exact == !!(fl1 & FL_FLAG_INEXACT))
                        {
                          fbad++;
#pragma omp critical
                          note (&R, "\n  %s %s ovf=%s x=%s -> 0x%llx (%s): inexact flag %u wrong", name,
                                fl_round_mode_name (r.mode), fl_overflow_name (r.overflow),
                                tu_hex (P.p[i]), (unsigned long long) c1, tu_hex (v),
                                !!(fl1 & FL_FLAG_INEXACT));
                        }
                    }
                }
            }
          mpfr_clear (v);
        }
        R.mismatches += mism;
        R.flagbad += fbad;
        R.total += (long) P.n;
      }
  pt_free (&P);
  fl_grid_free (g);
  fl_format_free (f);
  TU_CHECK (R.mismatches == 0 && R.flagbad == 0,
            "%s: %ld code mismatches, %ld inexact-flag errors in %ld comparisons; first:%s", name,
            R.mismatches, R.flagbad, R.total, R.first);
}

/* ---- formats of 8 bits or fewer ---- */
static char **small_names;
static size_t n_small;

/* Names the parser must accept; generic eXmY with a suffix may be rejected (e.g. a layout
   without a nonzero finite value), the rest must parse. */
static int
must_parse (const char *s)
{
  static const char *const presets[] = { "e4m3fn", "e4m3fnuz", "e4m3b11fnuz", "e4m3", "e5m2",
                                         "e5m2fnuz", "e3m4", "e8m0fnu", "e2m3fn", "e3m2fn", "e2m1fn" };
  for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
    if (strcmp (s, presets[i]) == 0)
      return 1;
  int X, Y, len = 0;
  if (strncmp (s, "exmy_", 5) == 0)
    return strcmp (s, "exmy_e0m0") != 0;             /* 1 bit in all */
  if (sscanf (s, "e%dm%d%n", &X, &Y, &len) == 2)
    return s[len] == 0 && !(X == 1 && Y == 0);       /* e1m0: only zeros and Inf */
  return 1;                                           /* P3109, fixed, int */
}

START_TEST (test_cross_small)
{
  const char *name = small_names[_i];
  fl_format *f = tu_try_parse (name);
  if (!f)
    {
      TU_CHECK (!must_parse (name), "%s: the parser rejects it", name);
      return;
    }
  TU_CHECK (fl_format_bits (f) <= 8, "%s has %u bits", name, fl_format_bits (f));
  fl_format_free (f);
  cross_format (name, tu_det_modes, 6, 1, 1);
}
END_TEST

/* ---- 16-bit formats: every value and every midpoint, every mode and policy ---- */
static char **names16;
static size_t n16;

START_TEST (test_cross_16)
{
  const char *name = names16[_i];
  static const fl_round_mode m[] = { FL_RNE, FL_RTZ, FL_RUP, FL_RNA, FL_RDN, FL_RTO };
  fl_format *f = tu_parse (name);
  ck_assert_uint_eq (fl_format_bits (f), 16);
  fl_format_free (f);
  cross_format (name, m, 6, 0, 1);
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
  printf ("test_cross: %zu names of <= 8 bits, %zu of 16 bits\n", n_small, n16);
  Suite *s = suite_create ("cross");
  TCase *tc = tcase_create ("small");
  tcase_set_timeout (tc, 600);
  tcase_add_loop_test (tc, test_cross_small, 0, (int) n_small);
  suite_add_tcase (s, tc);
  TCase *t16 = tcase_create ("sixteen");
  tcase_set_timeout (t16, 600);
  tcase_add_loop_test (t16, test_cross_16, 0, (int) n16);
  suite_add_tcase (s, t16);
  int rc = tu_run (s);
  tu_names_free (small_names);
  tu_names_free (names16);
  return rc;
}
