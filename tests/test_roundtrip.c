/* test_roundtrip.c -- decode then encode gives the code back, for every code of every
   format up to 16 bits (ml_dtypes presets, bf16, fp16, every P3109 format with K <= 16,
   the eXmY/exmy/fixed/int lists of test_cross), every deterministic mode and every
   overflow policy.  Exceptions, stated here:
   - NaN codes: encoding a NaN gives a NaN code of the format (the canonical one), not
     necessarily the same code;
   - infinities under a forced policy: sat gives the largest finite value of that sign,
     nan gives a NaN code (B§1.3 table);
   - -0: where the format has no -0 code, encoding -0 gives +0 (code of a +0 value).
   Also fl_props_compute's counts and extremes against enumeration of all codes. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"

static char **names;
static size_t nnames;

static void
build_names (void)
{
  size_t cap = 1024, n = 0;
  names = malloc (cap * sizeof *names);
  static const char *const presets[] = { "e4m3fn", "e4m3fnuz", "e4m3b11fnuz", "e4m3", "e5m2", "e5m2fnuz",
                                         "e3m4", "e8m0fnu", "e2m3fn", "e3m2fn", "e2m1fn", "bf16", "fp16" };
  for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
    names[n++] = strdup (presets[i]);
  for (int K = 3; K <= 16; K++)
    for (int P = 1; P <= K; P++)
      {
        char b[64];
        if (P <= K - 1)
          {
            snprintf (b, sizeof b, "binary%dp%dse", K, P);
            names[n++] = strdup (b);
            snprintf (b, sizeof b, "binary%dp%dsf", K, P);
            names[n++] = strdup (b);
          }
        snprintf (b, sizeof b, "binary%dp%due", K, P);
        names[n++] = strdup (b);
        snprintf (b, sizeof b, "binary%dp%duf", K, P);
        names[n++] = strdup (b);
      }
  char **s = tu_names_small ();
  for (char **p = s; *p; p++)
    if (strncmp (*p, "binary", 6) != 0 && n < cap - 64)
      names[n++] = strdup (*p);
  tu_names_free (s);
  s = tu_names_16 ();
  for (char **p = s; *p; p++)
    if (strncmp (*p, "binary", 6) != 0)
      names[n++] = strdup (*p);
  tu_names_free (s);
  names[n] = NULL;
  nnames = n;
}

START_TEST (test_roundtrip)
{
  const char *name = names[_i];
  fl_format *f = tu_try_parse (name);
  if (!f)
    {
      /* only generic names with a suffix (and e1m0, exmy_e0m0) may be rejected: test_cross checks */
      TU_CHECK (strncmp (name, "binary", 6) != 0 && strncmp (name, "fixed", 5) != 0
                && strncmp (name, "int", 3) != 0, "%s rejected", name);
      return;
    }
  size_t nc = (size_t) fl_format_ncodes_minus1 (f) + 1;
  mpfr_prec_t prec = fl_format_prec (f) + 2;
  mpfr_t *v = malloc (nc * sizeof *v);
  fl_class *k = malloc (nc * sizeof *k);
  for (size_t c = 0; c < nc; c++)
    {
      mpfr_init2 (v[c], prec);
      k[c] = fl_decode (f, c, v[c]);
    }
  int has_negzero = 0, has_zero = 0;
  for (size_t c = 0; c < nc; c++)
    if (k[c] == FL_CLASS_ZERO)
      {
        has_zero = 1;
        has_negzero |= mpfr_signbit (v[c]) != 0;
      }
  uint64_t maxc = fl_format_max_code (f), lowc = fl_format_lowest_code (f);
  fl_overflow pol[4];
  int npol = tu_policies (f, pol);
  long bad = 0;
  char msg[2048] = "";
  for (int mi = 0; mi < 6; mi++)
    for (int pi = 0; pi < npol; pi++)
      {
        fl_rounding r;
        fl_rounding_init (&r);
        r.mode = tu_det_modes[mi];
        r.overflow = pol[pi];
        fl_overflow eff = pol[pi] == FL_OVF_DEFAULT ? fl_format_default_overflow (f) : pol[pi];
        long b = 0;
#pragma omp parallel for reduction(+:b) schedule(static, 1024)
        for (size_t c = 0; c < nc; c++)
          {
            uint64_t got = fl_encode (f, v[c], &r, NULL);
            int ok;
            const char *why = "";
            if (k[c] == FL_CLASS_NAN)
              {
                mpfr_t w;
                mpfr_init2 (w, prec);
                ok = fl_decode (f, got, w) == FL_CLASS_NAN;
                mpfr_clear (w);
                why = " (NaN must give a NaN code)";
              }
            else if (k[c] == FL_CLASS_INF && eff == FL_OVF_SAT)
              {
                ok = got == (mpfr_signbit (v[c]) ? lowc : maxc);
                why = " (sat: Inf gives the extreme finite value)";
              }
            else if (k[c] == FL_CLASS_INF && eff == FL_OVF_NAN)
              {
                mpfr_t w;
                mpfr_init2 (w, prec);
                ok = fl_decode (f, got, w) == FL_CLASS_NAN;
                mpfr_clear (w);
                why = " (nan policy: Inf gives a NaN code)";
              }
            else
              ok = got == c;
            if (!ok)
              {
                b++;
#pragma omp critical
                {
                  size_t l = strlen (msg);
                  if (l < sizeof msg - 300)
                    snprintf (msg + l, sizeof msg - l, "\n  %s %s ovf=%s code 0x%zx (%s) -> 0x%llx%s", name,
                              fl_round_mode_name (r.mode), fl_overflow_name (r.overflow), c, tu_hex (v[c]),
                              (unsigned long long) got, why);
                }
              }
          }
        bad += b;
        /* -0 where the format has no -0: +0 */
        if (has_zero && !has_negzero)
          {
            mpfr_t z, w;
            mpfr_init2 (z, 2);
            mpfr_init2 (w, prec);
            mpfr_set_zero (z, -1);
            uint64_t got = fl_encode (f, z, &r, NULL);
            fl_class kk = fl_decode (f, got, w);
            if (!(kk == FL_CLASS_ZERO && !mpfr_signbit (w)))
              {
                bad++;
                size_t l = strlen (msg);
                snprintf (msg + l, sizeof msg - l, "\n  %s %s: -0 -> 0x%llx, expected the +0 code", name,
                          fl_round_mode_name (r.mode), (unsigned long long) got);
              }
            mpfr_clear (z);
            mpfr_clear (w);
          }
      }
  TU_CHECK (bad == 0, "%s: %ld round-trip failures; first:%s", name, bad, msg);

  /* fl_props_compute against enumeration */
  long double nnan = 0, inf = 0, fin = 0, distinct = 0;
  mpfr_t mx, lo, mp, mn;
  mpfr_inits2 (prec, mx, lo, mp, mn, (mpfr_ptr) 0);
  int have = 0, have_mp = 0, have_mn = 0;
  for (size_t c = 0; c < nc; c++)
    {
      if (k[c] == FL_CLASS_NAN)
        nnan++;
      else if (k[c] == FL_CLASS_INF)
        inf++;
      else
        {
          fin++;
          if (!(k[c] == FL_CLASS_ZERO && mpfr_signbit (v[c])))
            distinct++;            /* -0 and +0 are one value; all others distinct (grid checks) */
          if (!have || mpfr_cmp (v[c], mx) > 0)
            mpfr_set (mx, v[c], MPFR_RNDN);
          if (!have || mpfr_cmp (v[c], lo) < 0)
            mpfr_set (lo, v[c], MPFR_RNDN);
          have = 1;
          if (mpfr_sgn (v[c]) > 0 && (!have_mp || mpfr_cmp (v[c], mp) < 0))
            {
              mpfr_set (mp, v[c], MPFR_RNDN);
              have_mp = 1;
            }
          if (k[c] == FL_CLASS_NORMAL && mpfr_sgn (v[c]) > 0 && (!have_mn || mpfr_cmp (v[c], mn) < 0))
            {
              mpfr_set (mn, v[c], MPFR_RNDN);
              have_mn = 1;
            }
        }
    }
  fl_props p;
  char err[256];
  ck_assert_int_eq (fl_props_compute (f, &p, err, sizeof err), FL_OK);
  TU_CHECK (p.nan_codes == nnan && p.inf_codes == inf && p.finite_codes == fin && p.distinct_finite == distinct,
            "%s props: nan %Lg inf %Lg finite %Lg distinct %Lg; enumerated %Lg %Lg %Lg %Lg", name, p.nan_codes,
            p.inf_codes, p.finite_codes, p.distinct_finite, nnan, inf, fin, distinct);
  TU_CHECK (p.codes == (long double) nc, "%s: codes %Lg", name, p.codes);
  TU_CHECK (p.has_negzero == has_negzero, "%s: has_negzero %d, enumerated %d", name, p.has_negzero, has_negzero);
  TU_CHECK (mpfr_equal_p (p.max, mx), "%s: max %s, enumerated %s", name, tu_hex (p.max), tu_hex (mx));
  TU_CHECK (mpfr_equal_p (p.lowest, lo), "%s: lowest %s, enumerated %s", name, tu_hex (p.lowest), tu_hex (lo));
  TU_CHECK (have_mp && mpfr_equal_p (p.minpos, mp), "%s: minpos %s, enumerated %s", name, tu_hex (p.minpos),
            tu_hex (mp));
  if (p.has_minnormal)
    TU_CHECK (have_mn && mpfr_equal_p (p.minnormal, mn), "%s: minnormal %s, smallest positive normal %s", name,
              tu_hex (p.minnormal), tu_hex (mn));
  /* the distinguished codes decode to those values */
  TU_CHECK (mpfr_equal_p (v[maxc], mx) && mpfr_equal_p (v[lowc], lo)
            && mpfr_equal_p (v[fl_format_minpos_code (f)], mp), "%s: max/lowest/minpos codes", name);
  fl_props_clear (&p);
  mpfr_clears (mx, lo, mp, mn, (mpfr_ptr) 0);
  for (size_t c = 0; c < nc; c++)
    mpfr_clear (v[c]);
  free (v);
  free (k);
  fl_format_free (f);
}
END_TEST

int
main (void)
{
  build_names ();
  printf ("test_roundtrip: %zu format names\n", nnames);
  Suite *s = suite_create ("roundtrip");
  TCase *tc = tcase_create ("all");
  tcase_set_timeout (tc, 600);
  tcase_add_loop_test (tc, test_roundtrip, 0, (int) nnames);
  suite_add_tcase (s, tc);
  int rc = tu_run (s);
  for (size_t i = 0; i < nnames; i++)
    free (names[i]);
  free (names);
  return rc;
}
