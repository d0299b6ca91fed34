/* test_posit.c -- posits, logarithmic posits and LNS (issue 3): known answers of SPEC
   B§2.4, B§3.3 and B§4.4 with their sources, structural properties of every configuration
   of 8 bits or fewer, the bit-level encoders against the generic sorted-grid rounder at
   every value, every cut point and the cut +- a relative 2^-100 in both domains, exact
   ties that end the Ziv loop, round trips and random agreement for posit16, stochastic
   rounding in value, and the decimal accuracy profile against its definition. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"

static const char *
hexs (const fl_format *f, uint64_t code)
{
  static char buf[8][256];
  static int k;
  mpfr_t v;
  mpfr_init2 (v, 200);
  fl_decode (f, code, v);
  k = (k + 1) % 8;
  fl_hexfloat (buf[k], sizeof buf[k], v, 0);
  mpfr_clear (v);
  return buf[k];
}

static uint64_t
round_str (const fl_format *f, const char *s, fl_round_mode m, fl_domain d)
{
  mpfr_t x;
  mpfr_init2 (x, 256);
  ck_assert (fl_parse_real (x, s, 256) == 0);
  fl_rounding r;
  fl_rounding_init (&r);
  r.mode = m;
  r.domain = d;
  uint64_t c = fl_encode (f, x, &r, NULL);
  mpfr_clear (x);
  return c;
}

/* SPEC B§2.4 [V-calc; SoftPosit c_convertDecToPosit8.c for posit<8,0>] */
START_TEST (test_posit_kat)
{
  fl_format *p80 = tu_parse ("posit8es0");
  ck_assert_str_eq (hexs (p80, 0x40), "0x1p+0");
  ck_assert_str_eq (hexs (p80, 0x7e), "0x1p+5");
  ck_assert_str_eq (hexs (p80, 0x7f), "0x1p+6");
  ck_assert_str_eq (hexs (p80, 0x01), "0x1p-6");
  ck_assert_str_eq (hexs (p80, 0xc0), "-0x1p+0");
  ck_assert_str_eq (hexs (p80, 0x81), "-0x1p+6");
  mpfr_t v;
  mpfr_init2 (v, 64);
  ck_assert_int_eq (fl_decode (p80, 0x80, v), FL_CLASS_NAR);
  ck_assert_int_eq (fl_decode (p80, 0x00, v), FL_CLASS_ZERO);
  /* item 2: 48 -> 32 (tie, even 0x7e), 48.01 -> 64, 1000 -> 64, 1e-9 -> 1/64 */
  ck_assert_uint_eq (round_str (p80, "48", FL_RNE, FL_DOMAIN_DEFAULT), 0x7e);
  ck_assert_uint_eq (round_str (p80, "48.01", FL_RNE, FL_DOMAIN_DEFAULT), 0x7f);
  ck_assert_uint_eq (round_str (p80, "1000", FL_RNE, FL_DOMAIN_DEFAULT), 0x7f);
  ck_assert_uint_eq (round_str (p80, "1e-9", FL_RNE, FL_DOMAIN_DEFAULT), 0x01);
  ck_assert_uint_eq (round_str (p80, "-1e-9", FL_RNE, FL_DOMAIN_DEFAULT), 0xff);
  /* A2: directed modes pick the neighbour on the value line, 0 included, NaR never */
  ck_assert_uint_eq (round_str (p80, "1e-9", FL_RTZ, FL_DOMAIN_DEFAULT), 0x00);
  ck_assert_uint_eq (round_str (p80, "1e-9", FL_RDN, FL_DOMAIN_DEFAULT), 0x00);
  ck_assert_uint_eq (round_str (p80, "-1e-9", FL_RUP, FL_DOMAIN_DEFAULT), 0x00);
  ck_assert_uint_eq (round_str (p80, "1e9", FL_RUP, FL_DOMAIN_DEFAULT), 0x7f);
  ck_assert_uint_eq (round_str (p80, "-1e9", FL_RDN, FL_DOMAIN_DEFAULT), 0x81);
  ck_assert_uint_eq (round_str (p80, "nan", FL_RNE, FL_DOMAIN_DEFAULT), 0x80);
  ck_assert_uint_eq (round_str (p80, "-inf", FL_RNE, FL_DOMAIN_DEFAULT), 0x80);
  /* item 3: posit<16,3> 0x0DDD = 477/134217728 (Gustafson's example; Rosetta Code) */
  fl_format *p163 = tu_parse ("posit16es3");
  mpfr_t w;
  mpfr_init2 (w, 64);
  fl_decode (p163, 0x0ddd, v);
  mpfr_set_ui (w, 477, MPFR_RNDN);
  mpfr_div_2ui (w, w, 27, MPFR_RNDN);
  ck_assert (mpfr_equal_p (v, w));
  /* item 4: the 2022 standard posit8 (es = 2) */
  fl_format *p8 = tu_parse ("posit8");
  static const struct { unsigned code; const char *v; } std8[] = {
    { 0x48, "0x1p+1" }, { 0x50, "0x1p+2" }, { 0x60, "0x1p+4" }, { 0x70, "0x1p+8" },
    { 0x7e, "0x1p+20" }, { 0x7f, "0x1p+24" }, { 0x01, "0x1p-24" }, { 0x02, "0x1p-20" } };
  for (size_t i = 0; i < sizeof std8 / sizeof std8[0]; i++)
    ck_assert_str_eq (hexs (p8, std8[i].code), std8[i].v);
  /* item 5: geometric cut at 2^22 between 2^20 and 2^24; posit<8,1> cut at 2048 */
  fl_format *p82 = tu_parse ("posit8es2");
  ck_assert_uint_eq (round_str (p82, "0x1p+22", FL_RNE, FL_DOMAIN_DEFAULT), 0x7e);
  ck_assert_uint_eq (round_str (p82, "0x1.4p+22", FL_RNE, FL_DOMAIN_DEFAULT), 0x7f);
  ck_assert_uint_eq (round_str (p82, "0x1.000001p+22", FL_RNE, FL_DOMAIN_DEFAULT), 0x7f);
  ck_assert_uint_eq (round_str (p82, "0x1.fffffp+21", FL_RNE, FL_DOMAIN_DEFAULT), 0x7e);
  fl_format *p81 = tu_parse ("posit8es1");
  ck_assert_str_eq (hexs (p81, 0x7e), "0x1p+10");
  ck_assert_str_eq (hexs (p81, 0x7f), "0x1p+12");
  ck_assert_uint_eq (round_str (p81, "2048", FL_RNE, FL_DOMAIN_DEFAULT), 0x7e);
  ck_assert_uint_eq (round_str (p81, "2049", FL_RNE, FL_DOMAIN_DEFAULT), 0x7f);
  /* issue 3 acceptance 2: posit<16,1> saturates at minpos, never 0 */
  fl_format *p161 = tu_parse ("posit16es1");
  ck_assert_uint_eq (round_str (p161, "1e-30", FL_RNE, FL_DOMAIN_DEFAULT), 0x0001);
  ck_assert_uint_eq (round_str (p161, "-1e30", FL_RNE, FL_DOMAIN_DEFAULT), 0x8001);
  /* B§2.2 table: maxpos of the standard posits */
  static const struct { const char *name; const char *maxpos; } std[] = {
    { "posit8", "0x1p+24" }, { "posit16", "0x1p+56" }, { "posit32", "0x1p+120" }, { "posit64", "0x1p+248" },
    { "posit16es1", "0x1p+28" }, { "posit8es0", "0x1p+6" } };
  for (size_t i = 0; i < sizeof std / sizeof std[0]; i++)
    {
      fl_format *f = tu_parse (std[i].name);
      ck_assert_str_eq (hexs (f, fl_format_max_code (f)), std[i].maxpos);
      fl_format_free (f);
    }
  mpfr_clears (v, w, (mpfr_ptr) 0);
  fl_format_free (p80);
  fl_format_free (p163);
  fl_format_free (p8);
  fl_format_free (p82);
  fl_format_free (p81);
  fl_format_free (p161);
}
END_TEST

/* SPEC B§3.3 (derived from the decode of B§3.2) and the acceptance 5 */
START_TEST (test_lp_kat)
{
  mpfr_t v, w;
  mpfr_inits2 (200, v, w, (mpfr_ptr) 0);
  mpq_t q;
  mpq_init (q);
  static const char *const es_list[] = { "lp8es0rs7", "lp8es1rs7", "lp8es2rs7", "lp8es1rs3" };
  for (int i = 0; i < 4; i++)
    {
      fl_format *f = tu_parse (es_list[i]);
      ck_assert_str_eq (hexs (f, 0x40), "0x1p+0");
      fl_format_free (f);
    }
  fl_format *f = tu_parse ("lp8es0rs7");
  fl_decode (f, 0x48, v);
  mpfr_set_ui (w, 2, MPFR_RNDN);
  mpfr_rootn_ui (w, w, 4, MPFR_RNDN);                 /* 2^(1/4), correctly rounded */
  ck_assert (mpfr_equal_p (v, w));
  fl_format_free (f);
  f = tu_parse ("lp8es1rs3");
  ck_assert_str_eq (hexs (f, 0x60), "0x1p+2");
  ck_assert_str_eq (hexs (f, 0x70), "0x1p+4");
  ck_assert (fl_decode_log2 (f, 0x7f, q));
  ck_assert (mpq_cmp_si (q, 47, 8) == 0);
  ck_assert (fl_decode_log2 (f, 0x01, q));
  ck_assert (mpq_cmp_si (q, -47, 8) == 0);
  /* item 3: value(code, sf) = value(code, 0) * 2^-sf, every code, several sf */
  static const char *const sfs[] = { "lp8es1rs3sf1", "lp8es1rs3sf-2", "lp8es1rs3sf0.5" };
  static const double sfv[] = { 1, -2, 0.5 };
  mpq_t q0, d;
  mpq_inits (q0, d, NULL);
  for (int k = 0; k < 3; k++)
    {
      fl_format *g = tu_parse (sfs[k]);
      for (unsigned c = 0; c < 256; c++)
        {
          int a = fl_decode_log2 (f, c, q0), b = fl_decode_log2 (g, c, q);
          ck_assert_int_eq (a, b);
          if (!a)
            continue;
          mpq_sub (d, q0, q);
          ck_assert_msg (mpq_get_d (d) == sfv[k], "%s code %02x", sfs[k], c);
        }
      fl_format_free (g);
    }
  /* acceptance 5: lp8es1rs3sf1 halves every value */
  fl_format *h = tu_parse ("lp8es1rs3sf1");
  for (unsigned c = 1; c < 256; c++)
    {
      if (c == 0x80)
        continue;
      fl_decode (f, c, v);
      fl_decode (h, c, w);
      mpfr_mul_2ui (w, w, 1, MPFR_RNDN);
      ck_assert_msg (mpfr_equal_p (v, w), "code %02x", c);
    }
  fl_format_free (h);
  fl_format_free (f);
  mpq_clears (q, q0, d, NULL);
  mpfr_clears (v, w, (mpfr_ptr) 0);
}
END_TEST

/* SPEC B§4.4 [V-calc from universal's layout] and acceptance 4 */
START_TEST (test_lns_kat)
{
  fl_format *f = tu_parse ("lns8f3");
  mpfr_t v, w;
  mpfr_inits2 (113, v, w, (mpfr_ptr) 0);
  mpq_t q;
  mpq_init (q);
  ck_assert_str_eq (hexs (f, 0x00), "0x1p+0");
  ck_assert_int_eq (fl_decode (f, 0x40, v), FL_CLASS_ZERO);
  ck_assert_int_eq (fl_decode (f, 0xc0, v), FL_CLASS_NAN);
  fl_decode (f, 0x3f, v);
  mpfr_set_ui (w, 63, MPFR_RNDN);
  mpfr_div_ui (w, w, 8, MPFR_RNDN);                    /* exact */
  mpfr_exp2 (w, w, MPFR_RNDN);
  ck_assert (mpfr_equal_p (v, w));                     /* 2^(63/8) to 113 bits */
  ck_assert (fabs (mpfr_get_d (v, MPFR_RNDN) - 234.7530) < 1e-4);
  fl_decode (f, 0x41, v);
  mpfr_neg (w, w, MPFR_RNDN);
  mpfr_set_si (w, -63, MPFR_RNDN);
  mpfr_div_ui (w, w, 8, MPFR_RNDN);
  mpfr_exp2 (w, w, MPFR_RNDN);
  ck_assert (mpfr_equal_p (v, w));
  ck_assert (fabs (mpfr_get_d (v, MPFR_RNDN) - 0.0042598) < 1e-7);
  /* item 2: 1.0445 -> 2^(1/8) in the log domain, 1 in the linear domain */
  ck_assert_uint_eq (round_str (f, "1.0445", FL_RNE, FL_DOMAIN_LOG), 0x01);
  ck_assert_uint_eq (round_str (f, "1.0445", FL_RNE, FL_DOMAIN_LINEAR), 0x00);
  ck_assert_uint_eq (round_str (f, "1.0445", FL_RNE, FL_DOMAIN_DEFAULT), 0x01);
  /* A4: no infinity (saturate), NaN has its code, zero its own */
  ck_assert_uint_eq (round_str (f, "inf", FL_RNE, FL_DOMAIN_DEFAULT), 0x3f);
  ck_assert_uint_eq (round_str (f, "-inf", FL_RNE, FL_DOMAIN_DEFAULT), 0xbf);
  ck_assert_uint_eq (round_str (f, "nan", FL_RNE, FL_DOMAIN_DEFAULT), 0xc0);
  ck_assert_uint_eq (round_str (f, "-0", FL_RNE, FL_DOMAIN_DEFAULT), 0x40);
  ck_assert_uint_eq (round_str (f, "1e-30", FL_RNE, FL_DOMAIN_DEFAULT), 0x40);
  ck_assert_uint_eq (round_str (f, "1e-30", FL_RUP, FL_DOMAIN_DEFAULT), 0x41);
  /* item 3: products of two values whose log sum is in range are exact: the product of
     decoded values (500 bits) rounds to the code whose log is the sum */
  mpfr_t a, b;
  mpfr_inits2 (500, a, b, (mpfr_ptr) 0);
  mpq_t qa, qb;
  mpq_inits (qa, qb, NULL);
  fl_rounding r;
  fl_rounding_init (&r);
  for (unsigned ca = 0; ca < 256; ca += 7)
    for (unsigned cb = 0; cb < 256; cb += 5)
      {
        if (!fl_decode_log2 (f, ca, qa) || !fl_decode_log2 (f, cb, qb))
          continue;
        mpq_add (q, qa, qb);
        if (mpq_cmp_si (q, 63, 8) > 0 || mpq_cmp_si (q, -63, 8) < 0)
          continue;
        fl_decode (f, ca, a);
        fl_decode (f, cb, b);
        mpfr_mul (a, a, b, MPFR_RNDN);
        uint64_t c = fl_encode (f, a, &r, NULL);
        ck_assert (fl_decode_log2 (f, c, qa));
        ck_assert_msg (mpq_equal (qa, q), "%02x * %02x", ca, cb);
      }
  mpq_clears (q, qa, qb, NULL);
  mpfr_clears (v, w, a, b, (mpfr_ptr) 0);
  fl_format_free (f);
}
END_TEST

/* The configurations of 8 bits or fewer (issue 3's Tests). */
static char **
small_configs (void)
{
  char **v = malloc (512 * sizeof *v);
  int n = 0;
  char buf[64];
  for (int bits = 3; bits <= 8; bits++)
    {
      for (int es = 0; es <= 3; es++)
        {
          snprintf (buf, sizeof buf, "posit%des%d", bits, es);
          v[n++] = strdup (buf);
        }
      for (int es = 0; es <= 2; es++)
        for (int rs = 1; rs <= bits - 1; rs++)
          {
            static const char *const sf[] = { "", "sf1", "sf-2", "sf0.5" };
            for (int k = 0; k < 4; k++)
              {
                /* every rs with sf 0 at all widths; the other sf at 6 and 8 bits */
                if (k && bits != 6 && bits != 8)
                  continue;
                snprintf (buf, sizeof buf, "lp%des%drs%d%s", bits, es, rs, sf[k]);
                v[n++] = strdup (buf);
              }
          }
      for (int F = 0; F <= 5 && F <= bits - 2; F++)
        {
          snprintf (buf, sizeof buf, "lns%df%d", bits, F);
          v[n++] = strdup (buf);
        }
    }
  v[n] = NULL;
  return v;
}

/* Value order of the codes and negation (posit, LP: codes read as signed integers; LNS:
   sign and magnitude), reciprocal closure (LP with sf = 0; posits: the powers of two). */
START_TEST (test_structure)
{
  char **names = small_configs ();
  mpfr_t a, b;
  mpfr_inits2 (256, a, b, (mpfr_ptr) 0);
  mpq_t q, r;
  mpq_inits (q, r, NULL);
  for (char **nm = names; *nm; nm++)
    {
      fl_format *f = tu_try_parse (*nm);
      TU_CHECK (f != NULL, "%s does not parse", *nm);
      int n = (int) fl_format_bits (f);
      uint64_t mask = fl_format_ncodes_minus1 (f), half = UINT64_C(1) << (n - 1);
      int lns = fl_format_family (f) == FL_FAMILY_LNS;
      /* codes in value order */
      uint64_t *order = malloc ((mask + 1) * sizeof *order);
      size_t k = 0;
      if (!lns)
        for (uint64_t s = half + 1; s != half; s = (s + 1) & mask)
          order[k++] = s;                           /* -maxpos ... -minpos, 0, ... maxpos */
      else
        {
          /* LNS: magnitude index m = L + 2^(n-2); order -max .. -min, 0, min .. max */
          uint64_t h2 = half >> 1;
          for (uint64_t m = half - 1; m >= 1; m--)
            order[k++] = half | ((m - h2) & (half - 1));
          order[k++] = h2;                          /* zero */
          for (uint64_t m = 1; m <= half - 1; m++)
            order[k++] = (m - h2) & (half - 1);
        }
      for (size_t i = 0; i + 1 < k; i++)
        {
          fl_decode (f, order[i], a);
          fl_decode (f, order[i + 1], b);
          TU_CHECK (mpfr_number_p (a) && mpfr_number_p (b) && mpfr_less_p (a, b),
                    "%s: codes %llx and %llx not increasing", *nm,
                    (unsigned long long) order[i], (unsigned long long) order[i + 1]);
        }
      /* negation */
      for (uint64_t c = 0; c <= mask; c++)
        {
          uint64_t neg = lns ? c ^ half : (0 - c) & mask;
          fl_class kc = fl_decode (f, c, a);
          if (kc == FL_CLASS_NAN || kc == FL_CLASS_NAR || kc == FL_CLASS_ZERO)
            continue;
          fl_decode (f, neg, b);
          mpfr_neg (b, b, MPFR_RNDN);
          TU_CHECK (mpfr_equal_p (a, b), "%s: -(%llx) is not %llx", *nm,
                    (unsigned long long) c, (unsigned long long) neg);
        }
      /* reciprocal closure with sf = 0 */
      int lp0 = fl_format_family (f) == FL_FAMILY_LOGPOSIT && strstr (*nm, "sf") == NULL;
      if (lp0 || fl_format_family (f) == FL_FAMILY_POSIT)
        {
          /* the set of logs of positive values */
          for (uint64_t c = 1; c < half; c++)
            {
              if (lp0)
                {
                  TU_CHECK (fl_decode_log2 (f, c, q), "%s: no log", *nm);
                  mpq_neg (q, q);
                  int found = 0;
                  for (uint64_t d = 1; d < half && !found; d++)
                    {
                      fl_decode_log2 (f, d, r);
                      found = mpq_equal (q, r);
                    }
                  TU_CHECK (found, "%s: 1/value of %llx missing", *nm, (unsigned long long) c);
                }
              else
                {
                  /* posits: maxpos * minpos = 1 and every power of two has its reciprocal */
                  fl_decode (f, c, a);
                  if (mpfr_cmp_ui_2exp (a, 1, mpfr_get_exp (a) - 1) != 0)
                    continue;
                  mpfr_ui_div (b, 1, a, MPFR_RNDN);
                  fl_rounding rr;
                  fl_rounding_init (&rr);
                  unsigned fl = 0;
                  fl_encode (f, b, &rr, &fl);
                  TU_CHECK (!(fl & FL_FLAG_INEXACT), "%s: 1/%s not a posit", *nm, tu_hex (a));
                }
            }
          fl_decode (f, 1, a);
          fl_decode (f, half - 1, b);
          mpfr_mul (a, a, b, MPFR_RNDN);
          if (!lp0 && fl_format_family (f) == FL_FAMILY_POSIT)
            TU_CHECK (mpfr_cmp_ui (a, 1) == 0, "%s: maxpos*minpos != 1", *nm);
        }
      free (order);
      fl_format_free (f);
    }
  mpq_clears (q, r, NULL);
  mpfr_clears (a, b, (mpfr_ptr) 0);
  tu_names_free (names);
}
END_TEST

/* Bit-level encoder = sorted-grid rounder at every value, every cut point (the family's
   own: fl_format_cut) and the cut +- a relative 2^-100, every deterministic mode, both
   domains. */
static void
cross_one (const char *name, long *checks)
{
  fl_format *f = tu_parse (name);
  fl_grid *g;
  char err[256];
  ck_assert_msg (fl_grid_alloc (f, &g, err, sizeof err) == FL_OK, "%s", err);
  size_t n = fl_grid_size (g);
  mpfr_t x, c, t;
  mpfr_inits2 (400, x, c, t, (mpfr_ptr) 0);
  for (size_t i = 0; i < n; i++)
    for (int dom = FL_DOMAIN_LOG; dom <= FL_DOMAIN_LINEAR; dom++)
      for (int kind = 0; kind < 3; kind++)
        {
          if (kind == 0)
            mpfr_set (c, fl_grid_value (g, i), MPFR_RNDN);
          else if (kind == 1)
            {
              if (i + 1 >= n)
                continue;
              /* the cut between positive neighbours, mirrored for negative ones */
              mpfr_srcptr lo = fl_grid_value (g, i), hi = fl_grid_value (g, i + 1);
              if (mpfr_sgn (lo) >= 0)
                fl_format_cut (f, (fl_domain) dom, fl_grid_code (g, i), fl_grid_code (g, i + 1), c);
              else if (mpfr_sgn (hi) <= 0)
                {
                  /* find the codes of -hi < -lo */
                  fl_rounding r0;
                  fl_rounding_init (&r0);
                  mpfr_neg (t, hi, MPFR_RNDN);
                  uint64_t a = fl_encode (f, t, &r0, NULL);
                  mpfr_neg (t, lo, MPFR_RNDN);
                  uint64_t b = fl_encode (f, t, &r0, NULL);
                  if (mpfr_zero_p (hi))
                    {
                      /* between -minpos and 0: the cut of 0 and minpos */
                      a = 0;
                      if (fl_format_family (f) == FL_FAMILY_LNS)
                        a = fl_format_minpos_code (f) - 1;
                    }
                  fl_format_cut (f, (fl_domain) dom, a, b, c);
                  mpfr_neg (c, c, MPFR_RNDN);
                }
              else
                continue;
            }
          else
            {
              /* beyond the ends and far away */
              if (i != 0 && i + 1 != n)
                continue;
              mpfr_mul_2ui (c, fl_grid_value (g, i), 3, MPFR_RNDN);
            }
          for (int dlt = -1; dlt <= 1; dlt++)
            {
              mpfr_set (x, c, MPFR_RNDN);
              if (dlt)
                {
                  mpfr_mul_2si (t, c, -100, MPFR_RNDN);
                  if (dlt < 0)
                    mpfr_sub (x, x, t, MPFR_RNDN);
                  else
                    mpfr_add (x, x, t, MPFR_RNDN);
                }
              if (mpfr_zero_p (x))
                continue;
              for (int m = 0; m < 6; m++)
                {
                  fl_rounding r;
                  fl_rounding_init (&r);
                  r.mode = tu_det_modes[m];
                  r.domain = (fl_domain) dom;
                  uint64_t a = fl_encode (f, x, &r, NULL), b = fl_grid_round (g, x, &r, NULL);
                  (*checks)++;
                  TU_CHECK (a == b, "%s %s %s x=%s: encoder %llx, grid %llx", name,
                            fl_round_mode_name (r.mode), dom == FL_DOMAIN_LOG ? "log" : "linear",
                            tu_hex (x), (unsigned long long) a, (unsigned long long) b);
                }
            }
        }
  mpfr_clears (x, c, t, (mpfr_ptr) 0);
  fl_grid_free (g);
  fl_format_free (f);
}

START_TEST (test_cross_small)
{
  char **names = small_configs ();
  long checks = 0;
  for (char **nm = names; *nm; nm++)
    cross_one (*nm, &checks);
  printf ("cross: %ld comparisons\n", checks);
  tu_names_free (names);
}
END_TEST

/* Exact ties end the Ziv loop: a power of two at a regime or exponent cut of a
   logarithmic posit (long regimes cut the exponent bits), and exact linear-domain ties between integer powers of two. */
START_TEST (test_exact_ties)
{
  static const char *const names[] = { "lp8es2rs7", "lp8es3rs7", "lp6es2rs5", "lp8es1rs7" };
  int found = 0;
  for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
    {
      fl_format *f = tu_parse (names[k]);
      char cname[64];
      snprintf (cname, sizeof cname, "lp%d%s", (int) fl_format_bits (f) + 1, strstr (names[k], "es"));
      fl_format *cf = tu_parse (cname);
      fl_grid *g;
      char err[256];
      ck_assert (fl_grid_alloc (f, &g, err, sizeof err) == FL_OK);
      mpq_t q;
      mpq_init (q);
      mpfr_t x;
      mpfr_init2 (x, 64);
      uint64_t half = UINT64_C(1) << (fl_format_bits (f) - 1);
      for (uint64_t c = 1; c + 1 < half; c++)
        {
          /* the log-domain cut between c and c+1 is the odd code 2c+1 of the wider format */
          ck_assert (fl_decode_log2 (cf, 2 * c + 1, q));
          if (mpz_cmp_ui (mpq_denref (q), 1) != 0)
            continue;
          found++;
          mpfr_set_ui_2exp (x, 1, mpz_get_si (mpq_numref (q)), MPFR_RNDN);
          fl_rounding r;
          fl_rounding_init (&r);
          unsigned fl = 0;
          uint64_t got = fl_encode (f, x, &r, &fl);
          /* ties to the even code */
          uint64_t want = (c & 1) ? c + 1 : c;
          ck_assert_msg (got == want, "%s tie at 2^%ld: %llx, want %llx", names[k],
                         mpz_get_si (mpq_numref (q)), (unsigned long long) got,
                         (unsigned long long) want);
          ck_assert (fl & FL_FLAG_INEXACT);
          ck_assert_uint_eq (fl_grid_round (g, x, &r, NULL), want);
          r.mode = FL_RNA;
          ck_assert_uint_eq (fl_encode (f, x, &r, NULL), c + 1);
        }
      mpfr_clear (x);
      mpq_clear (q);
      fl_grid_free (g);
      fl_format_free (cf);
      fl_format_free (f);
    }
  ck_assert_msg (found >= 4, "only %d exact regime/exponent-cut ties found", found);
  /* linear domain: LNS with F = 0 has neighbours 2^k, 2^(k+1): ties at 1.5 * 2^k */
  fl_format *f = tu_parse ("lns6f0");
  fl_rounding r;
  fl_rounding_init (&r);
  r.domain = FL_DOMAIN_LINEAR;
  mpfr_t x;
  mpfr_init2 (x, 64);
  mpq_t q;
  mpq_init (q);
  for (int k = -4; k <= 3; k++)
    {
      mpfr_set_ui_2exp (x, 3, k - 1, MPFR_RNDN);     /* 1.5 * 2^k */
      uint64_t c = fl_encode (f, x, &r, NULL);
      ck_assert (fl_decode_log2 (f, c, q));
      /* even code: log code k or k+1, whichever is even */
      long want = (k % 2 == 0) ? k : k + 1;
      ck_assert_msg (mpq_cmp_si (q, want, 1) == 0, "lns6f0 linear tie 1.5*2^%d", k);
    }
  mpq_clear (q);
  mpfr_clear (x);
  fl_format_free (f);
}
END_TEST

/* posit16es1 and posit16es2: every code round-trips; 10^6 seeded random values (in all,
   MPFR, 80 bits, log-uniform over the range and beyond) round the same way through the
   bit-level encoder and the grid. */
START_TEST (test_posit16)
{
  static const char *const names[] = { "posit16es1", "posit16es2" };
  uint64_t seed = tu_seed ("posit16 random", 20261121);
  uint64_t st = seed;
  for (int k = 0; k < 2; k++)
    {
      fl_format *f = tu_parse (names[k]);
      mpfr_t v;
      mpfr_init2 (v, 64);
      for (uint64_t c = 0; c < 65536; c++)
        for (int m = 0; m < 6; m++)
          {
            if (c == 0x8000)
              continue;
            fl_rounding r;
            fl_rounding_init (&r);
            r.mode = tu_det_modes[m];
            fl_decode (f, c, v);
            TU_CHECK (fl_encode (f, v, &r, NULL) == c, "%s round trip %04llx", names[k],
                      (unsigned long long) c);
          }
      fl_grid *g;
      char err[256];
      ck_assert (fl_grid_alloc (f, &g, err, sizeof err) == FL_OK);
      mpfr_t x;
      mpfr_init2 (x, 80);
      long emax = k == 0 ? 30 : 58;
      for (int i = 0; i < 500000; i++)
        {
          uint64_t a = tu_splitmix (&st), b = tu_splitmix (&st);
          mpfr_set_uj (x, a | 1, MPFR_RNDN);
          mpfr_mul_2si (x, x, (long) (b % (uint64_t) (4 * emax)) - 2 * emax - 63, MPFR_RNDN);
          if (b & (UINT64_C(1) << 40))
            mpfr_neg (x, x, MPFR_RNDN);
          fl_rounding r;
          fl_rounding_init (&r);
          r.mode = tu_det_modes[(b >> 50) % 6];
          uint64_t c1 = fl_encode (f, x, &r, NULL), c2 = fl_grid_round (g, x, &r, NULL);
          TU_CHECK (c1 == c2, "%s %s x=%s: %llx vs grid %llx (seed %llu)", names[k],
                    fl_round_mode_name (r.mode), tu_hex (x), (unsigned long long) c1,
                    (unsigned long long) c2, (unsigned long long) seed);
        }
      mpfr_clear (x);
      mpfr_clear (v);
      fl_grid_free (g);
      fl_format_free (f);
    }
}
END_TEST

/* Stochastic rounding is unbiased in value (A5) for every family, also across a
   geometric gap (posit<8,2> between 2^20 and 2^24: P(up) at 2^21 is 1/15) and between
   irrational neighbours (LNS, LP). */
static void
sr_rate (const char *name, const char *xs, double want_p)
{
  fl_format *f = tu_parse (name);
  mpfr_t x;
  mpfr_init2 (x, 256);
  fl_parse_real (x, xs, 256);
  fl_rounding r;
  fl_rounding_init (&r);
  r.mode = FL_SR;
  r.seed = 7;
  fl_rounding z;
  fl_rounding_init (&z);
  z.mode = FL_RTZ;
  uint64_t lo = fl_encode (f, x, &z, NULL);
  int N = 100000, ups = 0;
  for (int i = 0; i < N; i++)
    {
      r.stream = (uint64_t) i;
      ups += fl_encode (f, x, &r, NULL) != lo;
    }
  double p = (double) ups / N, sd = sqrt (want_p * (1 - want_p) / N);
  ck_assert_msg (fabs (p - want_p) <= 5 * sd + 1e-12, "%s sr at %s: P(away) %.5f, want %.5f",
                 name, xs, p, want_p);
  mpfr_clear (x);
  fl_format_free (f);
}

START_TEST (test_sr_value)
{
  sr_rate ("posit8es2", "0x1p+21", 1.0 / 15);
  sr_rate ("posit8es2", "-0x1p+21", 1.0 / 15);
  sr_rate ("posit8es0", "1.1", 0.2);                   /* between 1.09375 and 1.125 */
  sr_rate ("posit8es0", "0.001", 0.001 * 64);          /* between 0 and minpos */
  /* lns8f3 between 1 and 2^(1/8): P = (x - 1)/(2^(1/8) - 1) */
  double h = pow (2, 0.125) - 1;
  sr_rate ("lns8f3", "1.02", 0.02 / h);
  sr_rate ("lns8f3", "-1.05", 0.05 / h);
  /* lp8es1rs3 between 1 and 2^(1/16): after the sign, regime '10', one exponent bit and
     four log-fraction bits at 1 */
  sr_rate ("lp8es1rs3", "1.03", 0.03 / (pow (2, 0.0625) - 1));
}
END_TEST

/* The decimal accuracy profile against its definition: in binade 0 of fp16 the widest
   relative gap is 2^-10 at 1, so the worst accuracy is -log10(log10(1 + 2^-11)); for
   lns8f3 (log domain) every interval has log10 error 2^-4 log10 2. */
START_TEST (test_accuracy)
{
  fl_accuracy_row *rows;
  size_t n;
  char err[256];
  fl_format *f = tu_parse ("fp16");
  ck_assert (fl_accuracy_profile (f, FL_DOMAIN_DEFAULT, &rows, &n, err, sizeof err) == FL_OK);
  int seen = 0;
  for (size_t i = 0; i < n; i++)
    if (rows[i].binade == 0)
      {
        seen = 1;
        double want = -log10 (log10 (1 + ldexp (1, -11)));
        ck_assert_msg (fabs (rows[i].worst - want) < 1e-9, "fp16 worst %.9f want %.9f", rows[i].worst, want);
        ck_assert (rows[i].mean > rows[i].worst);
        ck_assert (rows[i].intervals == 1024);
      }
  ck_assert (seen);
  ck_assert_int_eq (n, 40);                          /* binades -24 .. 15 */
  free (rows);
  fl_format_free (f);
  f = tu_parse ("lns8f3");
  ck_assert (fl_accuracy_profile (f, FL_DOMAIN_LOG, &rows, &n, err, sizeof err) == FL_OK);
  double want = -log10 (ldexp (log10 (2), -4));
  for (size_t i = 0; i < n; i++)
    ck_assert_msg (fabs (rows[i].worst - want) < 1e-9, "lns8f3 binade %ld worst %.9f", rows[i].binade, rows[i].worst);
  free (rows);
  fl_format_free (f);
  /* a 32-bit format is sampled */
  f = tu_parse ("posit32");
  ck_assert (fl_accuracy_profile (f, FL_DOMAIN_DEFAULT, &rows, &n, err, sizeof err) == FL_OK);
  ck_assert (n > 100);
  free (rows);
  fl_format_free (f);
}
END_TEST

/* Issue 14 row 9: the profile of a format of huge range (float:e=16,m=32 spans 2^17
   binades) is bounded: about 512 rows (lowest 256, highest 64, ~192 between, binade 0), in a few seconds
   (this test case has a 10 s timeout).  Binade 0 is a normal binade of a 33-bit
   significand: the widest relative gap is 2^-32 at 1, worst accuracy
   -log10(log10(1 + 2^-33)) (the definition, as for fp16 above). */
START_TEST (test_accuracy_bounded)
{
  fl_accuracy_row *rows;
  size_t n;
  char err[256];
  fl_format *f = tu_parse ("float:e=16,m=32");
  ck_assert (fl_accuracy_profile (f, FL_DOMAIN_DEFAULT, &rows, &n, err, sizeof err) == FL_OK);
  ck_assert_msg (n > FL_PROFILE_MAX_BINADES - 4 && n <= FL_PROFILE_MAX_BINADES + 1, "%zu rows", n);
  int seen = 0;
  for (size_t i = 0; i < n; i++)
    {
      if (i)
        ck_assert_msg (rows[i].binade > rows[i - 1].binade, "rows in binade order");
      if (rows[i].binade == 0)
        {
          seen = 1;
          double want = -log10 (log10 (1 + ldexp (1, -33)));
          ck_assert_msg (fabs (rows[i].worst - want) < 1e-6, "worst %.9f want %.9f", rows[i].worst, want);
        }
    }
  ck_assert_msg (seen, "binade 0 is among the sampled ones");
  free (rows);
  fl_format_free (f);
}
END_TEST

/* fl_quantize_doubles of the logarithmic families (round_pack + unpack_log, no code array)
   against encode + decode, element by element through MPFR (fl_encode of the double, then
   fl_decode at 53 bits and the nearest double, as fl_decode_doubles): every LNS and
   logarithmic posit of 8 bits or fewer (LP with es 0-2 and three scale factors), both
   domains, every deterministic mode, sr exact and with 4 bits.  The inputs: the codes'
   values, the linear midpoints between neighbours, random doubles spanning the range and
   beyond (seed printed), zeros, infinities, NaN and the extreme doubles.  Values and flags
   must agree exactly (bit for bit; NaN with NaN).  Besides, each LNS code decodes to
   2^(L/2^F) with L read here from the bit field (B§4.2's layout). */
static int
cmp_double (const void *a, const void *b)
{
  double u = *(const double *) a, w = *(const double *) b;
  return (u > w) - (u < w);
}

static void
quantize_log_check (const fl_format *f, const double *x, size_t n, uint64_t seed)
{
  fl_round_mode modes[8];
  unsigned srbits[8] = { 0 };
  for (int i = 0; i < 6; i++)
    modes[i] = tu_det_modes[i];
  modes[6] = modes[7] = FL_SR;
  srbits[7] = 4;
  double *y = malloc (n * sizeof *y);
  mpfr_t v;
  mpfr_init2 (v, 53);
  for (int d = 0; d < 2; d++)
    for (int mi = 0; mi < 8; mi++)
      {
        fl_rounding r;
        fl_rounding_init (&r);
        r.mode = modes[mi];
        r.sr_bits = srbits[mi];
        r.domain = d ? FL_DOMAIN_LINEAR : FL_DOMAIN_LOG;
        r.seed = seed;
        r.stream = 7;
        unsigned fq = 0, fe = 0;
        fl_quantize_doubles (f, x, y, n, &r, &fq);
        for (size_t i = 0; i < n; i++)
          {
            fl_rounding ri = r;
            ri.stream = r.stream + i;
            mpfr_set_d (v, x[i], MPFR_RNDN);
            uint64_t code = fl_encode (f, v, &ri, &fe);
            fl_decode (f, code, v);
            double want = mpfr_get_d (v, MPFR_RNDN);
            TU_CHECK ((isnan (want) && isnan (y[i]))
                      || memcmp (&want, &y[i], sizeof want) == 0,
                      "%s mode %d sr_bits %u domain %d: x = %a quantizes to %a, encode+decode %a",
                      fl_format_name (f), (int) modes[mi], srbits[mi], d, x[i], y[i], want);
          }
        TU_CHECK (fq == fe, "%s mode %d domain %d: flags %#x, encode+decode %#x",
                  fl_format_name (f), (int) modes[mi], d, fq, fe);
      }
  mpfr_clear (v);
  free (y);
}

START_TEST (test_quantize_log)
{
  uint64_t seed = tu_seed ("quantize_log", 0x9e3779b97f4a7c15u), st = seed;
  char names[256][40];
  size_t nn = 0;
  for (int n = 3; n <= 8; n++)
    for (int F = 0; F <= n - 2; F++)
      snprintf (names[nn++], sizeof names[0], "lns%df%d", n, F);
  static const char *const sfs[] = { "", "sf-2", "sf0.5" };
  for (int n = 3; n <= 8; n++)
    for (int es = 0; es <= 2; es++)
      for (int rs = 1; rs <= n - 1; rs += (n > 5 ? 3 : 1))
        for (int k = 0; k < (es == 1 ? 3 : 1); k++)
          snprintf (names[nn++], sizeof names[0], "lp%des%drs%d%s", n, es, rs, sfs[k]);
  ck_assert (nn <= 256);
  mpfr_t v;
  mpfr_init2 (v, 53);
  for (size_t fi = 0; fi < nn; fi++)
    {
      fl_format *f = tu_parse (names[fi]);
      uint64_t ncodes = UINT64_C(1) << fl_format_bits (f);
      size_t cap = 3 * ncodes + 200, n = 0;
      double *x = malloc (cap * sizeof *x);
      /* the codes in value order: from the lowest to the largest, through zero */
      for (uint64_t c = 0; c < ncodes; c++)
        {
          fl_decode (f, c, v);
          double d = mpfr_get_d (v, MPFR_RNDN);
          if (!isnan (d))
            x[n++] = d;
        }
      size_t nvals = n;
      qsort (x, nvals, sizeof *x, cmp_double);
      for (size_t i = 0; i + 1 < nvals; i++)
        x[n++] = (x[i] + x[i + 1]) / 2;       /* between neighbouring values */
      for (int i = 0; i < 150; i++)
        {
          uint64_t b = tu_splitmix (&st);
          int e = (int) (b % 80) - 40;
          double m = 1 + (double) (tu_splitmix (&st) >> 11) * 0x1p-53;
          x[n++] = ((b >> 32) & 1 ? -1 : 1) * ldexp (m, e);
        }
      static const double specials[] = { 0.0, -0.0, INFINITY, -INFINITY, NAN, 0x1p-1074,
                                         -0x1p-1074, 0x1.fffffffffffffp+1023, -0x1p-1022,
                                         1.0, -1.0 };
      for (size_t i = 0; i < sizeof specials / sizeof specials[0]; i++)
        x[n++] = specials[i];
      ck_assert (n <= cap);
      quantize_log_check (f, x, n, seed);
      if (fl_format_family (f) == FL_FAMILY_LNS)
        {
          int nb = (int) fl_format_bits (f), F = fl_format_bits_at_one (f);
          mpq_t q, want;
          mpq_inits (q, want, NULL);
          for (uint64_t c = 0; c < ncodes; c++)
            {
              uint64_t field = c & ((UINT64_C(1) << (nb - 1)) - 1);
              long half = 1L << (nb - 2);
              if ((long) field == half)
                continue;                               /* zero and NaN */
              long L = field >= (uint64_t) half ? (long) field - 2 * half : (long) field;
              mpq_set_si (want, L, 1UL << F);
              mpq_canonicalize (want);
              ck_assert (fl_decode_log2 (f, c, q) == 1);
              TU_CHECK (mpq_equal (q, want), "%s code %#llx: log2 %s, want %ld/2^%d",
                        names[fi], (unsigned long long) c, mpq_get_str (NULL, 10, q), L, F);
            }
          mpq_clears (q, want, NULL);
        }
      free (x);
      fl_format_free (f);
    }
  mpfr_clear (v);
}
END_TEST

int
main (void)
{
  mpfr_set_emin (mpfr_get_emin_min ());
  mpfr_set_emax (mpfr_get_emax_max ());
  Suite *s = suite_create ("posit");
  TCase *tc = tcase_create ("posit");
  tcase_set_timeout (tc, 900);
  tcase_add_test (tc, test_posit_kat);
  tcase_add_test (tc, test_lp_kat);
  tcase_add_test (tc, test_lns_kat);
  tcase_add_test (tc, test_structure);
  tcase_add_test (tc, test_cross_small);
  tcase_add_test (tc, test_exact_ties);
  tcase_add_test (tc, test_posit16);
  tcase_add_test (tc, test_sr_value);
  tcase_add_test (tc, test_accuracy);
  TCase *tb = tcase_create ("bounded");
  tcase_set_timeout (tb, 10);
  tcase_add_test (tb, test_accuracy_bounded);
  TCase *tq = tcase_create ("quantize_log");
  tcase_set_timeout (tq, 300);
  tcase_add_test (tq, test_quantize_log);
  suite_add_tcase (s, tb);
  suite_add_tcase (s, tc);
  suite_add_tcase (s, tq);
  return tu_run (s);
}
