/* test_registry.c -- format names (formats/registry.c; DESIGN "Format names").

   Independent of the names the registry prints: two names of one format (an alias, the
   float8_ prefix of ml_dtypes, the explicit float: form, posit<n> = posit<n>es2 of the
   2022 standard, int<n> = fixed<n>.0) must give the same width, the same properties and
   the same exact value for every code; a canonical name parses back to itself.  Malformed
   names are test_kat's (test_registry_errors). */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"

static const char *const same[][2] = {
  { "bf16", "bfloat16" }, { "fp16", "binary16" }, { "fp16", "half" },
  { "fp32", "binary32" }, { "fp64", "binary64" },
  { "e4m3fn", "float8_e4m3fn" }, { "e5m2", "float8_e5m2" }, { "e8m0fnu", "float8_e8m0fnu" },
  { "e2m1fn", "float4_e2m1fn" }, { "e3m2fn", "float6_e3m2fn" }, { "e2m3fn", "float6_e2m3fn" },
  { "e4m3fnuz", "float8_e4m3fnuz" },
  { "e4m3fn", "float:e=4,m=3,bias=7,specials=fn,signed=1" },
  { "posit16", "posit16es2" }, { "posit8", "posit8es2" },
  { "int8", "fixed8.0" }, { "uint8", "ufixed8.0" }, { "int16", "fixed16.0" },
  { "e5m2", "e5m2b15" },
};

/* Every code (all of them up to 16 bits, a sample above) decodes to the same value. */
static void
check_same (const char *a, const char *b)
{
  fl_format *f = tu_try_parse (a), *g = tu_try_parse (b);
  TU_CHECK (f && g, "%s / %s: %s does not parse", a, b, f ? b : a);
  TU_CHECK (fl_format_bits (f) == fl_format_bits (g), "%s / %s: %u and %u bits", a, b,
            fl_format_bits (f), fl_format_bits (g));
  TU_CHECK (fl_format_family (f) == fl_format_family (g)
            && fl_format_is_signed (f) == fl_format_is_signed (g)
            && fl_format_has_inf (f) == fl_format_has_inf (g)
            && fl_format_has_nan (f) == fl_format_has_nan (g)
            && fl_format_default_overflow (f) == fl_format_default_overflow (g)
            && fl_format_max_code (f) == fl_format_max_code (g)
            && fl_format_minpos_code (f) == fl_format_minpos_code (g), "%s / %s: properties differ",
            a, b);
  mpfr_t x, y;
  mpfr_prec_t p = fl_format_prec (f) > fl_format_prec (g) ? fl_format_prec (f) : fl_format_prec (g);
  mpfr_inits2 (p, x, y, (mpfr_ptr) 0);
  uint64_t ncodes = fl_format_ncodes_minus1 (f);
  uint64_t step = ncodes <= 0xffff ? 1 : ncodes / 65521;
  for (uint64_t c = 0;; c += step)
    {
      fl_class k1 = fl_decode (f, c, x), k2 = fl_decode (g, c, y);
      TU_CHECK (k1 == k2 && ((mpfr_nan_p (x) && mpfr_nan_p (y))
                             || (mpfr_equal_p (x, y) && mpfr_signbit (x) == mpfr_signbit (y))
                             || (mpfr_inf_p (x) && mpfr_inf_p (y) && mpfr_sgn (x) == mpfr_sgn (y))),
                "%s / %s: code %llx decodes to %s and %s", a, b, (unsigned long long) c,
                tu_hex (x), tu_hex (y));
      if (ncodes - c < step)
        break;
    }
  mpfr_clears (x, y, (mpfr_ptr) 0);
  fl_format_free (f);
  fl_format_free (g);
}

START_TEST (aliases_are_the_same_format)
{
  check_same (same[_i][0], same[_i][1]);
}
END_TEST

static const char *const names[] = {
  "e4m3fn", "float8_e4m3fn", "bfloat16", "half", "e5m2fnuz", "e3m4", "e4m3b11fnuz",
  "exmy_e3m2", "exmy_e0m7", "binary8p3se", "binary8p5ue", "binary6p3sf", "fixed4.4",
  "ufixed3.5", "int12", "uint3", "posit8es1", "posit32", "lp8es1rs3sf-2", "lns8f3", "tf32",
  "e6m1", "e2m5", "float:e=5,m=2,bias=15,specials=ieee,signed=1"
};

/* A canonical name is a fixed point of the registry, and means the same format. */
START_TEST (canonical_names_round_trip)
{
  fl_format *f = tu_try_parse (names[_i]);
  TU_CHECK (f != NULL, "%s does not parse", names[_i]);
  char canon[128];
  snprintf (canon, sizeof canon, "%s", fl_format_name (f));
  fl_format *g = tu_try_parse (canon);
  TU_CHECK (g != NULL, "%s: its canonical name %s does not parse", names[_i], canon);
  TU_CHECK (strcmp (fl_format_name (g), canon) == 0, "%s: canonical %s, then %s", names[_i],
            canon, fl_format_name (g));
  fl_format_free (f);
  fl_format_free (g);
  check_same (names[_i], canon);
}
END_TEST

static Suite *
suite (void)
{
  Suite *s = suite_create ("registry");
  TCase *t = tcase_create ("names");
  tcase_add_loop_test (t, aliases_are_the_same_format, 0, (int) (sizeof same / sizeof same[0]));
  tcase_add_loop_test (t, canonical_names_round_trip, 0, (int) (sizeof names / sizeof names[0]));
  suite_add_tcase (s, t);
  return s;
}

int
main (void)
{
  return tu_run (suite ());
}
