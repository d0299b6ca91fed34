/* test_kat.c -- known answers.  Every expected value below is taken from SPEC.md (section
   named in the comment), from the acceptance facts, or from the C compiler's own
   IEEE conversions (binary16/bfloat16/binary32), never from fmtlab's output. */
#include <config.h>
#include <fenv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"

/* exact real from text, independent of fl_parse_real: MPFR's own reader at 200 bits */
static void
setx (mpfr_ptr x, const char *s)
{
  mpfr_init2 (x, 200);
  char *end;
  mpfr_strtofr (x, s, &end, 0, MPFR_RNDN);
  TU_CHECK (*end == 0, "bad literal %s", s);
}

static uint64_t
enc (const char *fmt, const char *val, fl_round_mode mode, fl_overflow ovf)
{
  fl_format *f = tu_parse (fmt);
  mpfr_t x;
  setx (x, val);
  fl_rounding r;
  fl_rounding_init (&r);
  r.mode = mode;
  r.overflow = ovf;
  uint64_t c = fl_encode (f, x, &r, NULL);
  mpfr_clear (x);
  fl_format_free (f);
  return c;
}

#define ENC(fmt, val, mode, ovf, want) do {                                        \
    uint64_t got_ = enc (fmt, val, mode, ovf);                                     \
    TU_CHECK (got_ == (uint64_t) (want), "%s round(%s, %s, ovf %s) = 0x%llx, expected 0x%llx", \
                   fmt, val, fl_round_mode_name (mode), fl_overflow_name (ovf),    \
                   (unsigned long long) got_, (unsigned long long) (want));        \
  } while (0)

/* decode code and compare with a literal ("nan" for any NaN, "inf", "-inf", "-0") */
static void
dec_is (const char *fmt, uint64_t code, const char *want)
{
  fl_format *f = tu_parse (fmt);
  mpfr_t v;
  fl_class k = tu_decode (f, code, v);
  if (strcmp (want, "nan") == 0)
    TU_CHECK (k == FL_CLASS_NAN && mpfr_nan_p (v), "%s code 0x%llx: expected NaN, got %s",
                   fmt, (unsigned long long) code, tu_hex (v));
  else
    {
      mpfr_t w;
      setx (w, want);
      TU_CHECK (k != FL_CLASS_NAN && mpfr_equal_p (v, w) && mpfr_signbit (v) == mpfr_signbit (w),
                     "%s code 0x%llx: got %s (class %s), expected %s", fmt, (unsigned long long) code,
                     tu_hex (v), fl_class_name (k), want);
      mpfr_clear (w);
    }
  mpfr_clear (v);
  fl_format_free (f);
}

static int
eq_str (mpfr_srcptr v, const char *want)
{
  mpfr_t w;
  setx (w, want);
  int r = mpfr_equal_p (v, w);
  mpfr_clear (w);
  return r;
}

/* ---- SPEC B§1.5 ---- */

/* B§1.5 item 1 and the acceptance facts: e4m3fn 0x7e = 448 = 0x1.cp+8, NaN 0x7f/0xff, 0x01 = 2^-9 */
START_TEST (test_b15_1_e4m3fn)
{
  dec_is ("e4m3fn", 0x7e, "0x1.cp+8");
  dec_is ("e4m3fn", 0x7e, "448");
  dec_is ("e4m3fn", 0xfe, "-448");
  dec_is ("e4m3fn", 0x7f, "nan");
  dec_is ("e4m3fn", 0xff, "nan");
  dec_is ("e4m3fn", 0x01, "0x1p-9");
  dec_is ("e4m3fn", 0x80, "-0");
  fl_format *f = tu_parse ("e4m3fn");
  ck_assert_uint_eq (fl_format_max_code (f), 0x7e);
  ck_assert_uint_eq (fl_format_minpos_code (f), 0x01);
  ck_assert_uint_eq (fl_format_lowest_code (f), 0xfe);
  ck_assert (!fl_format_has_inf (f));
  ck_assert (fl_format_has_nan (f));
  fl_format_free (f);
  dec_is ("float8_e4m3fn", 0x7e, "448");     /* the ml_dtypes spelling (DESIGN: with or without prefix) */
}
END_TEST

/* B§1.5 item 2: RNE overflow edges [V-calc]; B§1.3 table for sat / non-sat */
START_TEST (test_b15_2_overflow_edges)
{
  /* e4m3fn: 464 is the tie 448|480, even -> 448; 465 -> 480 = overflow: NaN non-sat, 448 sat */
  ENC ("e4m3fn", "464", FL_RNE, FL_OVF_DEFAULT, 0x7e);
  ENC ("e4m3fn", "465", FL_RNE, FL_OVF_DEFAULT, 0x7f);
  ENC ("e4m3fn", "-465", FL_RNE, FL_OVF_DEFAULT, 0xff);
  ENC ("e4m3fn", "465", FL_RNE, FL_OVF_SAT, 0x7e);
  ENC ("e4m3fn", "-465", FL_RNE, FL_OVF_SAT, 0xfe);
  /* B§1.3: Inf into E4M3 non-sat -> NaN, sat -> 448; E5M2 non-sat Inf, sat 57344 */
  ENC ("e4m3fn", "inf", FL_RNE, FL_OVF_DEFAULT, 0x7f);
  ENC ("e4m3fn", "inf", FL_RNE, FL_OVF_SAT, 0x7e);
  ENC ("e4m3fn", "-inf", FL_RNE, FL_OVF_SAT, 0xfe);
  ENC ("e5m2", "inf", FL_RNE, FL_OVF_DEFAULT, 0x7c);
  ENC ("e5m2", "-inf", FL_RNE, FL_OVF_DEFAULT, 0xfc);
  ENC ("e5m2", "inf", FL_RNE, FL_OVF_SAT, 0x7b);
  /* e5m2: 61440 is the tie 57344|65536 and max's mantissa is odd -> overflow (Inf) */
  ENC ("e5m2", "61440", FL_RNE, FL_OVF_DEFAULT, 0x7c);
  ENC ("e5m2", "61440", FL_RNE, FL_OVF_SAT, 0x7b);
  ENC ("e5m2", "-61440", FL_RNE, FL_OVF_DEFAULT, 0xfc);
  ENC ("e5m2", "61439.99", FL_RNE, FL_OVF_DEFAULT, 0x7b);
  /* e2m1: 5 -> 4 (tie, even), 7 -> overflow, clamped to 6 (no Inf/NaN) */
  ENC ("e2m1fn", "5", FL_RNE, FL_OVF_DEFAULT, 0x6);
  ENC ("e2m1fn", "7", FL_RNE, FL_OVF_DEFAULT, 0x7);
  ENC ("e2m1fn", "-7", FL_RNE, FL_OVF_DEFAULT, 0xf);
  /* e3m2 30 -> overflow -> 28 (0x1f); e2m3 7.75 -> overflow -> 7.5 (0x1f) */
  ENC ("e3m2fn", "30", FL_RNE, FL_OVF_DEFAULT, 0x1f);
  ENC ("e3m2fn", "29.9", FL_RNE, FL_OVF_DEFAULT, 0x1f);
  ENC ("e2m3fn", "7.75", FL_RNE, FL_OVF_DEFAULT, 0x1f);
  ENC ("e2m3fn", "-7.75", FL_RNE, FL_OVF_DEFAULT, 0x3f);
  /* binary16: 65520 -> Inf, 65519.99 -> 65504 */
  ENC ("fp16", "65520", FL_RNE, FL_OVF_DEFAULT, 0x7c00);
  ENC ("fp16", "65519.99", FL_RNE, FL_OVF_DEFAULT, 0x7bff);
  ENC ("fp16", "-65520", FL_RNE, FL_OVF_DEFAULT, 0xfc00);
  ENC ("fp16", "65520", FL_RNE, FL_OVF_SAT, 0x7bff);
  /* IEEE 754 §7.4: RTZ overflow gives the largest finite (DESIGN, formats.h FL_OVF_INF) */
  ENC ("fp16", "1e6", FL_RTZ, FL_OVF_DEFAULT, 0x7bff);
  ENC ("fp16", "-1e6", FL_RUP, FL_OVF_DEFAULT, 0xfbff);
  ENC ("fp16", "-1e6", FL_RDN, FL_OVF_DEFAULT, 0xfc00);
}
END_TEST

/* B§1.5 item 3: e2m1 RNE ties [V-calc] (codes: 0 0.5 1 1.5 2 3 4 6 = 0..7) */
START_TEST (test_b15_3_e2m1_ties)
{
  ENC ("e2m1fn", "0.25", FL_RNE, FL_OVF_DEFAULT, 0x0);
  ENC ("e2m1fn", "0.75", FL_RNE, FL_OVF_DEFAULT, 0x2);
  ENC ("e2m1fn", "1.25", FL_RNE, FL_OVF_DEFAULT, 0x2);
  ENC ("e2m1fn", "1.75", FL_RNE, FL_OVF_DEFAULT, 0x4);
  ENC ("e2m1fn", "2.5", FL_RNE, FL_OVF_DEFAULT, 0x4);
  ENC ("e2m1fn", "3.5", FL_RNE, FL_OVF_DEFAULT, 0x6);
  ENC ("e2m1fn", "-3.5", FL_RNE, FL_OVF_DEFAULT, 0xe);
  ENC ("e2m1fn", "-0.25", FL_RNE, FL_OVF_DEFAULT, 0x8);   /* -0 exists (B§1.1) */
  /* ties away: 0.25 -> 0.5, 2.5 -> 3 */
  ENC ("e2m1fn", "0.25", FL_RNA, FL_OVF_DEFAULT, 0x1);
  ENC ("e2m1fn", "2.5", FL_RNA, FL_OVF_DEFAULT, 0x5);
}
END_TEST

/* B§1.5 item 4: code counts [V-calc], through fl_props_compute and by counting decodes */
static void
counts (const char *fmt, long finite_codes, long distinct, long nan, long inf)
{
  fl_format *f = tu_parse (fmt);
  fl_props p;
  char err[256];
  ck_assert_int_eq (fl_props_compute (f, &p, err, sizeof err), FL_OK);
  TU_CHECK (p.finite_codes == finite_codes && p.distinct_finite == distinct
                 && p.nan_codes == nan && p.inf_codes == inf,
                 "%s props: finite %Lg distinct %Lg nan %Lg inf %Lg; expected %ld %ld %ld %ld", fmt,
                 p.finite_codes, p.distinct_finite, p.nan_codes, p.inf_codes, finite_codes, distinct, nan, inf);
  fl_props_clear (&p);
  long cnt[5] = { 0 };
  mpfr_t v;
  mpfr_init2 (v, fl_format_prec (f) + 2);
  for (uint64_t c = 0; c <= fl_format_ncodes_minus1 (f); c++)
    cnt[fl_decode (f, c, v)]++;
  mpfr_clear (v);
  TU_CHECK (cnt[FL_CLASS_NAN] == nan && cnt[FL_CLASS_INF] == inf
                 && cnt[FL_CLASS_ZERO] + cnt[FL_CLASS_NORMAL] + cnt[FL_CLASS_SUBNORMAL] == finite_codes,
                 "%s enumerated: nan %ld inf %ld finite %ld", fmt, cnt[FL_CLASS_NAN], cnt[FL_CLASS_INF],
                 cnt[FL_CLASS_ZERO] + cnt[FL_CLASS_NORMAL] + cnt[FL_CLASS_SUBNORMAL]);
  fl_format_free (f);
}

START_TEST (test_b15_4_counts)
{
  counts ("e4m3fn", 254, 253, 2, 0);
  counts ("e5m2", 248, 247, 6, 2);
  counts ("e4m3fnuz", 255, 255, 1, 0);
  counts ("e5m2fnuz", 255, 255, 1, 0);
  counts ("e4m3b11fnuz", 255, 255, 1, 0);
}
END_TEST

/* B§1.5 item 5 (ml_dtypes _finfo.py) and item 6 (E8M0 decode) */
START_TEST (test_b15_5_6_finfo_e8m0)
{
  dec_is ("e4m3fnuz", 0x7f, "0x1.Ep7");
  dec_is ("e4m3fnuz", 0x08, "0x1p-7");
  dec_is ("e4m3fnuz", 0x01, "0x1p-10");
  dec_is ("e4m3fnuz", 0x80, "nan");
  dec_is ("e4m3b11fnuz", 0x7f, "0x1.Ep4");
  dec_is ("e4m3b11fnuz", 0x08, "0x1p-10");
  dec_is ("e4m3b11fnuz", 0x01, "0x1p-13");
  dec_is ("e5m2fnuz", 0x04, "0x1p-15");
  dec_is ("e5m2fnuz", 0x01, "0x1p-17");
  dec_is ("e5m2fnuz", 0x7f, "57344");
  dec_is ("e8m0fnu", 0x7f, "1");
  dec_is ("e8m0fnu", 0x00, "0x1p-127");
  dec_is ("e8m0fnu", 0xfe, "0x1p127");
  dec_is ("e8m0fnu", 0xff, "nan");
  dec_is ("float8_e8m0fnu", 0x80, "2");
}
END_TEST

/* ---- SPEC B§1.1 table for every named type ---- */
typedef struct {
  const char *name;
  const char *max, *minnormal, *minsub;   /* minsub NULL: none */
  long nan, inf, distinct;
  int has_negzero;
} b11_row;

static const b11_row b11[] = {
  { "e4m3fn", "448", "0x1p-6", "0x1p-9", 2, 0, 253, 1 },
  { "e5m2", "57344", "0x1p-14", "0x1p-16", 6, 2, 247, 1 },
  { "e4m3fnuz", "240", "0x1p-7", "0x1p-10", 1, 0, 255, 0 },
  { "e5m2fnuz", "57344", "0x1p-15", "0x1p-17", 1, 0, 255, 0 },
  { "e4m3b11fnuz", "30", "0x1p-10", "0x1p-13", 1, 0, 255, 0 },
  { "e4m3", "240", "0x1p-6", "0x1p-9", 14, 2, 239, 1 },
  { "e3m4", "15.5", "0x1p-2", "0x1p-6", 30, 2, 223, 1 },
  { "e2m3fn", "7.5", "1", "0.125", 0, 0, 63, 1 },
  { "e3m2fn", "28", "0.25", "0.0625", 0, 0, 63, 1 },
  { "e2m1fn", "6", "1", "0.5", 0, 0, 15, 1 },
  { "e8m0fnu", "0x1p127", "0x1p-127", NULL, 1, 0, 255, 0 },
  /* bf16: NaN codes = 65536 - 65279 distinct - 1 (-0) - 2 Inf = 254 */
  { "bf16", "0x1.fep127", "0x1p-126", "0x1p-133", 254, 2, 65279, 1 },
  /* fp16: 65536 - 63487 - 1 - 2 = 2046 */
  { "fp16", "65504", "0x1p-14", "0x1p-24", 2046, 2, 63487, 1 },
};

START_TEST (test_b11_table)
{
  const b11_row *w = &b11[_i];
  fl_format *f = tu_parse (w->name);
  fl_props p;
  char err[256];
  ck_assert_int_eq (fl_props_compute (f, &p, err, sizeof err), FL_OK);
  TU_CHECK (eq_str (p.max, w->max), "%s max %s, expected %s", w->name, tu_hex (p.max), w->max);
  if (fl_format_is_signed (f))
    {
      char neg[64];
      snprintf (neg, sizeof neg, "-%s", w->max);
      TU_CHECK (eq_str (p.lowest, neg), "%s lowest %s", w->name, tu_hex (p.lowest));
    }
  else
    TU_CHECK (eq_str (p.lowest, w->minnormal), "%s lowest %s", w->name, tu_hex (p.lowest));
  TU_CHECK (p.has_minnormal && eq_str (p.minnormal, w->minnormal), "%s min normal %s, expected %s",
                 w->name, tu_hex (p.minnormal), w->minnormal);
  const char *mp = w->minsub ? w->minsub : w->minnormal;
  TU_CHECK (eq_str (p.minpos, mp), "%s minpos %s, expected %s", w->name, tu_hex (p.minpos), mp);
  TU_CHECK (p.nan_codes == w->nan && p.inf_codes == w->inf && p.distinct_finite == w->distinct
                 && p.has_negzero == w->has_negzero,
                 "%s: nan %Lg inf %Lg distinct %Lg negzero %d; expected %ld %ld %ld %d", w->name,
                 p.nan_codes, p.inf_codes, p.distinct_finite, p.has_negzero, w->nan, w->inf, w->distinct,
                 w->has_negzero);
  ck_assert_int_eq (fl_format_has_inf (f), w->inf > 0);
  ck_assert_int_eq (fl_format_has_nan (f), w->nan > 0);
  /* the subnormal class: the minimal subnormal decodes as FL_CLASS_SUBNORMAL */
  mpfr_t v;
  fl_class k = tu_decode (f, fl_format_minpos_code (f), v);
  TU_CHECK (k == (w->minsub ? FL_CLASS_SUBNORMAL : FL_CLASS_NORMAL), "%s minpos class %s", w->name,
                 fl_class_name (k));
  mpfr_clear (v);
  fl_props_clear (&p);
  fl_format_free (f);
}
END_TEST

/* ---- issue acceptance facts ---- */
START_TEST (test_acceptance)
{
  static const char *const e2m1[8] = { "0", "0.5", "1", "1.5", "2", "3", "4", "6" };
  for (int c = 0; c < 8; c++)
    dec_is ("e2m1fn", c, e2m1[c]);
  ENC ("e4m3fn", "464", FL_RNE, FL_OVF_DEFAULT, 0x7e);
  ENC ("e4m3fn", "465", FL_RNE, FL_OVF_DEFAULT, 0x7f);
  ENC ("e4m3fn", "465", FL_RNE, FL_OVF_SAT, 0x7e);
  ENC ("bf16", "0x1.01p+0", FL_RNE, FL_OVF_DEFAULT, 0x3f80);
  ENC ("bf16", "0x1.0101p+0", FL_RNE, FL_OVF_DEFAULT, 0x3f81);
  ENC ("bf16", "0x1.01p+0", FL_RUP, FL_OVF_DEFAULT, 0x3f81);
  ENC ("bf16", "0x1.01p+0", FL_RDN, FL_OVF_DEFAULT, 0x3f80);
  ENC ("bf16", "-0x1.01p+0", FL_RDN, FL_OVF_DEFAULT, 0xbf81);
  ENC ("fixed8.8", "300", FL_RNE, FL_OVF_DEFAULT, 0x7fff);
  ENC ("fixed8.8", "-300", FL_RNE, FL_OVF_DEFAULT, 0x8000);
  ENC ("fixed8.8", "0x1p-10", FL_RNE, FL_OVF_DEFAULT, 0x0000);
  static const struct { const char *fmt, *max, *minpos; } mm[] = {
    { "fp16", "65504", "0x1p-24" }, { "e5m2", "57344", "0x1p-16" }, { "e2m1fn", "6", "0.5" },
    { "bf16", "0x1.fep127", "0x1p-133" },
  };
  for (size_t i = 0; i < sizeof mm / sizeof mm[0]; i++)
    {
      fl_format *f = tu_parse (mm[i].fmt);
      mpfr_t v;
      tu_decode (f, fl_format_max_code (f), v);
      TU_CHECK (eq_str (v, mm[i].max), "%s max %s, expected %s", mm[i].fmt, tu_hex (v), mm[i].max);
      if (strcmp (mm[i].fmt, "bf16") == 0)
        ck_assert (fabs (mpfr_get_d (v, MPFR_RNDN) / 3.3895e38 - 1) < 1e-4);
      fl_decode (f, fl_format_minpos_code (f), v);
      TU_CHECK (eq_str (v, mm[i].minpos), "%s minpos %s, expected %s", mm[i].fmt, tu_hex (v),
                     mm[i].minpos);
      mpfr_clear (v);
      fl_format_free (f);
    }
}
END_TEST

/* ---- SPEC B§8.3 items 1, 3, 4 (Gupta et al. 2015) ---- */
START_TEST (test_b83_fixed)
{
  /* item 1: ranges */
  static const struct { const char *fmt, *lo, *hi; } rg[] = {
    { "fixed2.14", "-2", "1.99993896484375" },
    { "fixed4.12", "-8", "7.999755859375" },
    { "fixed8.8", "-128", "127.99609375" },
  };
  for (size_t i = 0; i < 3; i++)
    {
      fl_format *f = tu_parse (rg[i].fmt);
      mpfr_t v;
      tu_decode (f, fl_format_lowest_code (f), v);
      TU_CHECK (eq_str (v, rg[i].lo), "%s lowest %s", rg[i].fmt, tu_hex (v));
      fl_decode (f, fl_format_max_code (f), v);
      TU_CHECK (eq_str (v, rg[i].hi), "%s max %s", rg[i].fmt, tu_hex (v));
      fl_decode (f, fl_format_minpos_code (f), v);
      char eps[32];
      snprintf (eps, sizeof eps, "0x1p-%s", strchr (rg[i].fmt, '.') + 1);
      TU_CHECK (eq_str (v, eps), "%s minpos %s", rg[i].fmt, tu_hex (v));
      mpfr_clear (v);
      fl_format_free (f);
    }
  /* item 4: saturation */
  ENC ("fixed8.8", "300", FL_RNE, FL_OVF_DEFAULT, 0x7fff);
  ENC ("fixed8.8", "-300", FL_RNE, FL_OVF_DEFAULT, 0x8000);
  ENC ("fixed8.8", "300", FL_RTZ, FL_OVF_DEFAULT, 0x7fff);
  ENC ("fixed8.8", "-300", FL_RUP, FL_OVF_DEFAULT, 0x8000);
  ENC ("fixed8.8", "inf", FL_RNE, FL_OVF_DEFAULT, 0x7fff);
  ENC ("fixed8.8", "-inf", FL_RNE, FL_OVF_DEFAULT, 0x8000);
  /* item 3: RN maps |dw| < 2^-9 to 0; SR keeps it with probability |dw| * 2^8 */
  static const char *const small[] = { "0x1.fffffp-10", "1e-3", "-1e-3", "0x1p-20", "-0x1.fffffp-10" };
  for (size_t i = 0; i < 5; i++)
    ENC ("fixed8.8", small[i], FL_RNE, FL_OVF_DEFAULT, 0);
  ENC ("fixed8.8", "0x1.00001p-9", FL_RNE, FL_OVF_DEFAULT, 1);
  fl_format *f = tu_parse ("fixed8.8");
  mpfr_t x;
  setx (x, "1e-3");
  fl_rounding r;
  fl_rounding_init (&r);
  r.mode = FL_SR;
  r.seed = 83;
  long up = 0, N = 20000;
  for (long i = 0; i < N; i++)
    {
      r.stream = (uint64_t) i;
      uint64_t c = fl_encode (f, x, &r, NULL);
      TU_CHECK (c == 0 || c == 1, "SR(1e-3) gave 0x%llx", (unsigned long long) c);
      up += c == 1;
    }
  double p = 1e-3 * 256, sd = sqrt (p * (1 - p) / N);
  TU_CHECK (fabs ((double) up / N - p) < 5 * sd, "SR(1e-3): P(up) %g, expected %g", (double) up / N, p);
  mpfr_clear (x);
  fl_format_free (f);
}
END_TEST

/* ---- fl_hexfloat and fl_parse_real ---- */
START_TEST (test_hexfloat)
{
  static const struct { const char *in; mpfr_prec_t prec; const char *out; } t[] = {
    { "448", 0, "0x1.cp+8" },
    { "-448", 0, "-0x1.cp+8" },
    { "1", 0, "0x1p+0" },
    { "1.5", 0, "0x1.8p+0" },
    { "0.1875", 0, "0x1.8p-3" },
    { "0x1p-133", 0, "0x1p-133" },
    { "65504", 0, "0x1.ffcp+15" },
    { "0x1.0101p+0", 0, "0x1.0101p+0" },
    { "0x1.0101p+0", 9, "0x1.01p+0" },      /* 1+2^-8+2^-16 at 9 bits: nearest is 1+2^-8 */
    { "0x1.18p+0", 3, "0x1p+0" },           /* 1.09375 at 3 bits: 1 (below 1.125) */
  };
  char buf[128];
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    {
      mpfr_t x;
      setx (x, t[i].in);
      fl_hexfloat (buf, sizeof buf, x, t[i].prec);
      TU_CHECK (strcmp (buf, t[i].out) == 0, "fl_hexfloat(%s, %ld) = %s, expected %s", t[i].in,
                     (long) t[i].prec, buf, t[i].out);
      mpfr_clear (x);
    }
  mpfr_t x;
  mpfr_init2 (x, 200);
  mpfr_set_ui (x, 1, MPFR_RNDN);
  mpfr_div_ui (x, x, 3, MPFR_RNDN);
  fl_hexfloat (buf, sizeof buf, x, 24);
  ck_assert_str_eq (buf, "0x1.555556p-2");           /* (float)(1/3.) printed by %a */
  mpfr_set_zero (x, 1);
  fl_hexfloat (buf, sizeof buf, x, 0);
  ck_assert_str_eq (buf, "0x0p+0");
  mpfr_set_zero (x, -1);
  fl_hexfloat (buf, sizeof buf, x, 0);
  ck_assert_str_eq (buf, "-0x0p+0");
  mpfr_set_inf (x, 1);
  fl_hexfloat (buf, sizeof buf, x, 0);
  ck_assert_str_eq (buf, "inf");
  mpfr_set_inf (x, -1);
  fl_hexfloat (buf, sizeof buf, x, 0);
  ck_assert_str_eq (buf, "-inf");
  mpfr_set_nan (x);
  fl_hexfloat (buf, sizeof buf, x, 0);
  ck_assert_str_eq (buf, "nan");
  /* round trip through C: the double's %a reading equals the value */
  double d = 0x1.23456789abcdep-1000;
  mpfr_set_d (x, d, MPFR_RNDN);
  fl_hexfloat (buf, sizeof buf, x, 0);
  TU_CHECK (strtod (buf, NULL) == d, "%s", buf);
  mpfr_clear (x);
}
END_TEST

static uint64_t
enc_parsed (const char *fmt, const char *s, fl_round_mode mode)
{
  mpfr_t x;
  mpfr_init2 (x, 2);
  ck_assert_int_eq (fl_parse_real (x, s, 200), 0);
  fl_format *f = tu_parse (fmt);
  fl_rounding r;
  fl_rounding_init (&r);
  r.mode = mode;
  uint64_t c = fl_encode (f, x, &r, NULL);
  fl_format_free (f);
  mpfr_clear (x);
  return c;
}

START_TEST (test_parse_real)
{
  mpfr_t x;
  mpfr_init2 (x, 2);
  ck_assert_int_eq (fl_parse_real (x, "0x1.8p-3", 64), 0);
  ck_assert (mpfr_cmp_d (x, 0.1875) == 0);
  ck_assert_int_eq (fl_parse_real (x, "0x0.8p-16", 64), 0);   /* non-normalised, as P3109 tables */
  ck_assert (mpfr_cmp_d (x, 0x1p-17) == 0);
  ck_assert_int_eq (fl_parse_real (x, "-0x1.cp+8", 64), 0);
  ck_assert (mpfr_cmp_d (x, -448) == 0);
  ck_assert_int_eq (fl_parse_real (x, "448", 64), 0);
  ck_assert (mpfr_cmp_d (x, 448) == 0);
  ck_assert_int_eq (fl_parse_real (x, "-2.5e-3", 64), 0);
  ck_assert (mpfr_get_d (x, MPFR_RNDN) == -2.5e-3);
  ck_assert_int_eq (fl_parse_real (x, "inf", 64), 0);
  ck_assert (mpfr_inf_p (x) && !mpfr_signbit (x));
  ck_assert_int_eq (fl_parse_real (x, "-inf", 64), 0);
  ck_assert (mpfr_inf_p (x) && mpfr_signbit (x));
  ck_assert_int_eq (fl_parse_real (x, "nan", 64), 0);
  ck_assert (mpfr_nan_p (x));
  ck_assert_int_eq (fl_parse_real (x, "-0", 64), 0);
  ck_assert (mpfr_zero_p (x) && mpfr_signbit (x));
  ck_assert_int_ne (fl_parse_real (x, "1.5x", 64), 0);
  ck_assert_int_ne (fl_parse_real (x, "", 64), 0);
  ck_assert_int_ne (fl_parse_real (x, "abc", 64), 0);
  ck_assert_int_ne (fl_parse_real (x, "1e99999999999999", 64), 0);
  mpfr_clear (x);
  /* decimals are correctly rounded afterwards: compare with the C library's strtod/strtof,
     which are correctly rounded (glibc) */
  static const char *const dec[] = { "0.1", "1e-30", "3.4028235e38", "1.17549435e-38", "2.5",
                                     "0.3333333333333333333333333", "1.4e-45", "123456789.123456789",
                                     "-7.006492321624085e-46", "9.999999999999999e22" };
  for (size_t i = 0; i < sizeof dec / sizeof dec[0]; i++)
    {
      float ff = strtof (dec[i], NULL);
      uint32_t fb;
      memcpy (&fb, &ff, 4);
      uint64_t c = enc_parsed ("fp32", dec[i], FL_RNE);
      TU_CHECK (c == fb, "fp32 rne %s: 0x%llx, strtof 0x%x", dec[i], (unsigned long long) c, fb);
      double dd = strtod (dec[i], NULL);
      uint64_t db;
      memcpy (&db, &dd, 8);
      c = enc_parsed ("fp64", dec[i], FL_RNE);
      TU_CHECK (c == db, "fp64 rne %s: 0x%llx, strtod 0x%llx", dec[i], (unsigned long long) c,
                     (unsigned long long) db);
    }
  /* 1e-400 lies strictly between 0 and 2^-1074 (below half of it): RNE 0, RUP the min subnormal */
  ck_assert_uint_eq (enc_parsed ("fp64", "1e-400", FL_RNE), 0);
  ck_assert_uint_eq (enc_parsed ("fp64", "1e-400", FL_RUP), 1);
  ck_assert_uint_eq (enc_parsed ("fp64", "-1e-400", FL_RDN), 0x8000000000000001ull);
  /* 2.5 exact tie in e2m1fn -> 2 (code 4) */
  ck_assert_uint_eq (enc_parsed ("e2m1fn", "2.5", FL_RNE), 4);
}
END_TEST

/* ---- registry errors ---- */
START_TEST (test_registry_errors)
{
  static const char *const bad[] = {
    "e4m3q", "binary8p9se", "fixed0.8", "int1", "e16m3", "float:e=4", "uint0", "binary2p1se",
    "binary17p3se", "binary8p3xe", "exmy_e4m3fn", "e0m3", "fixed8.", "fixed8.8x", "int65", "uint65",
    "e4m", "em3", "bogus", "float:e=4,m=3,specials=odd", "float:e=4,m=3,color=1", "e4m3b", "binary8p0se",
    "binary8p8se", "fixed1.0", "posit8es",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      fl_format *f = (fl_format *) 1;
      char err[512] = "";
      fl_status st = fl_format_parse (bad[i], &f, err, sizeof err);
      TU_CHECK (st == FL_EINVAL, "fl_format_parse(\"%s\") returned %d, expected FL_EINVAL", bad[i], st);
      TU_CHECK (f == NULL, "%s: *out not NULL on error", bad[i]);
      TU_CHECK (strstr (err, bad[i]) != NULL, "message for '%s' does not name it: %s", bad[i], err);
    }
  fl_format *f = NULL;
  char err[512] = "";
  ck_assert_int_eq (fl_format_parse ("", &f, err, sizeof err), FL_EINVAL);
  /* good names and aliases */
  static const char *const good[] = { "e4m3fn", "float8_e4m3fn", "bfloat16", "binary16", "half",
                                      "binary32", "binary64", "e4m3b11fnuz", "e5m2b10", "e3m2fnu",
                                      "exmy_e0m3", "exmy_e3m2b5", "float:e=4,m=3,bias=7,specials=fn,signed=1",
                                      "fixed8.8", "ufixed0.8", "int8", "uint1", "binary8p3se", "binary8p8ue",
                                      "float4_e2m1fn", "float6_e3m2fn" };
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
    fl_format_free (tu_parse (good[i]));
  /* a few semantic checks of names: aliases mean the same, explicit form = preset */
  dec_is ("binary16", 0x7bff, "65504");
  dec_is ("half", 0x0001, "0x1p-24");
  dec_is ("float:e=4,m=3,bias=7,specials=fn,signed=1", 0x7e, "448");
  dec_is ("exmy_e4m3", 0x7f, "480");           /* B§1.4: all codes finite, max 1.875*2^8 */
  dec_is ("exmy_e5m2", 0x7f, "114688");
  dec_is ("exmy_e0m3", 0x07, "7");             /* A1: sign-magnitude integer */
  dec_is ("exmy_e0m3", 0x0f, "-7");
  dec_is ("exmy_e0m3", 0x08, "-0");
  dec_is ("e5m2b10", 0x3c, "0x1p5");           /* explicit bias: 2^(15-10) */
}
END_TEST

/* ---- IEEE formats against the C compiler's conversions ---- */
static void
check_decode_vs_double (const fl_format *f, uint64_t code, double want, mpfr_ptr v)
{
  fl_class k = fl_decode (f, code, v);
  if (isnan (want))
    TU_CHECK (k == FL_CLASS_NAN && mpfr_nan_p (v), "%s code 0x%llx: expected NaN, got %s",
                   fl_format_name (f), (unsigned long long) code, tu_hex (v));
  else
    {
      TU_CHECK (k != FL_CLASS_NAN && mpfr_cmp_d (v, want) == 0
                     && !mpfr_signbit (v) == !signbit (want),
                     "%s code 0x%llx: got %s, C gives %a", fl_format_name (f), (unsigned long long) code,
                     tu_hex (v), want);
      int ok = isinf (want) ? k == FL_CLASS_INF : want == 0 ? k == FL_CLASS_ZERO
        : (k == FL_CLASS_NORMAL || k == FL_CLASS_SUBNORMAL);
      TU_CHECK (ok, "%s code 0x%llx: class %s for %a", fl_format_name (f),
                     (unsigned long long) code, fl_class_name (k), want);
    }
}

START_TEST (test_ieee_decode)
{
  mpfr_t v;
  fl_format *h = tu_parse ("fp16");
  mpfr_init2 (v, 64);
  for (uint32_t c = 0; c < 65536; c++)
    {
      uint16_t b = (uint16_t) c;
      _Float16 hf;
      memcpy (&hf, &b, 2);
      check_decode_vs_double (h, c, (double) hf, v);
      /* fp16 subnormal class: exponent field 0, fraction nonzero */
      if ((c & 0x7c00) == 0 && (c & 0x3ff))
        TU_CHECK (fl_decode (h, c, v) == FL_CLASS_SUBNORMAL, "fp16 0x%x not subnormal", c);
    }
  fl_format_free (h);
  fl_format *bf = tu_parse ("bf16");
  for (uint32_t c = 0; c < 65536; c++)
    {
      uint32_t b = c << 16;
      float ff;
      memcpy (&ff, &b, 4);
      check_decode_vs_double (bf, c, (double) ff, v);
      if ((c & 0x7f80) == 0 && (c & 0x7f))
        TU_CHECK (fl_decode (bf, c, v) == FL_CLASS_SUBNORMAL, "bf16 0x%x not subnormal", c);
    }
  fl_format_free (bf);
  fl_format *s = tu_parse ("fp32");
  for (uint64_t c = 0; c < (UINT64_C(1) << 32); c += 1021)
    {
      uint32_t b = (uint32_t) c;
      float ff;
      memcpy (&ff, &b, 4);
      check_decode_vs_double (s, c, (double) ff, v);
    }
  static const uint32_t sp[] = { 0, 0x80000000u, 1, 0x80000001u, 0x007fffffu, 0x00800000u, 0x7f7fffffu,
                                 0x7f800000u, 0xff800000u, 0x7f800001u, 0x7fc00000u, 0xffffffffu, 0x3f800000u };
  for (size_t i = 0; i < sizeof sp / sizeof sp[0]; i++)
    {
      float ff;
      memcpy (&ff, &sp[i], 4);
      check_decode_vs_double (s, sp[i], (double) ff, v);
    }
  fl_format_free (s);
  mpfr_clear (v);
}
END_TEST

/* random doubles: half uniform bit patterns, half log-uniform magnitudes over the target's range */
static double
random_double (uint64_t *st, int lo_exp, int hi_exp)
{
  uint64_t u = tu_splitmix (st);
  if (u & 1)
    {
      uint64_t b = tu_splitmix (st);
      double d;
      memcpy (&d, &b, 8);
      return d;
    }
  int e = lo_exp + (int) ((u >> 8) % (uint64_t) (hi_exp - lo_exp + 1));
  double m = 1.0 + (double) (tu_splitmix (st) >> 11) * 0x1p-53;
  /* sometimes a value with few significant bits: ties and exact values */
  if ((u >> 1) % 4 == 0)
    m = 1.0 + (double) ((tu_splitmix (st) >> 40) & 0xfff) * 0x1p-12;
  double d = ldexp (m, e);
  return (u & 2) ? -d : d;
}

static void __attribute__ ((noinline))
to_float (volatile double *d, volatile float *out)
{
  *out = (float) *d;
}

static void __attribute__ ((noinline))
to_half (volatile double *d, volatile _Float16 *out)
{
  *out = (_Float16) *d;
}

START_TEST (test_ieee_encode_random)
{
  uint64_t st = tu_seed ("test_kat ieee_encode_random", 20240611);
  fl_format *s = tu_parse ("fp32"), *h = tu_parse ("fp16");
  mpfr_t x;
  mpfr_init2 (x, 53);
  static const struct { int fe; fl_round_mode m; } modes[] = {
    { FE_TONEAREST, FL_RNE }, { FE_TOWARDZERO, FL_RTZ }, { FE_UPWARD, FL_RUP }, { FE_DOWNWARD, FL_RDN } };
  long n = 0;
  for (int mi = 0; mi < 4; mi++)
    {
      fl_rounding r;
      fl_rounding_init (&r);
      r.mode = modes[mi].m;
      for (int i = 0; i < 250000; i++)
        {
          volatile double d = random_double (&st, -160, 140);
          volatile float ff;
          fesetround (modes[mi].fe);
          to_float (&d, &ff);
          fesetround (FE_TONEAREST);
          float fcopy = ff;
          uint32_t fb;
          memcpy (&fb, &fcopy, 4);
          mpfr_set_d (x, d, MPFR_RNDN);
          uint64_t c = fl_encode (s, x, &r, NULL);
          if (isnan (d))
            TU_CHECK ((c & 0x7f800000) == 0x7f800000 && (c & 0x7fffff), "fp32 NaN -> 0x%llx",
                           (unsigned long long) c);
          else
            TU_CHECK (c == fb, "fp32 %s(%a) = 0x%llx, C cast 0x%08x", fl_round_mode_name (r.mode),
                           (double) d, (unsigned long long) c, fb);
          /* binary16: only RNE is checked against the cast (libgcc's __truncdfhf2) */
          if (mi == 0)
            {
              volatile double d2 = random_double (&st, -30, 20);
              volatile _Float16 hh;
              to_half (&d2, &hh);
              _Float16 hcopy = hh;
              uint16_t hb;
              memcpy (&hb, &hcopy, 2);
              mpfr_set_d (x, d2, MPFR_RNDN);
              c = fl_encode (h, x, &r, NULL);
              if (isnan (d2))
                TU_CHECK ((c & 0x7c00) == 0x7c00 && (c & 0x3ff), "fp16 NaN -> 0x%llx",
                               (unsigned long long) c);
              else
                TU_CHECK (c == hb, "fp16 rne(%a) = 0x%llx, C cast 0x%04x", (double) d2,
                               (unsigned long long) c, hb);
            }
          n++;
        }
    }
  printf ("test_kat ieee_encode_random: %ld doubles checked against the C casts\n", n);
  mpfr_clear (x);
  fl_format_free (s);
  fl_format_free (h);
}
END_TEST

static Suite *
kat_suite (void)
{
  Suite *s = suite_create ("kat");
  TCase *tc = tcase_create ("spec");
  tcase_set_timeout (tc, 600);
  tcase_add_test (tc, test_b15_1_e4m3fn);
  tcase_add_test (tc, test_b15_2_overflow_edges);
  tcase_add_test (tc, test_b15_3_e2m1_ties);
  tcase_add_test (tc, test_b15_4_counts);
  tcase_add_test (tc, test_b15_5_6_finfo_e8m0);
  tcase_add_loop_test (tc, test_b11_table, 0, (int) (sizeof b11 / sizeof b11[0]));
  tcase_add_test (tc, test_acceptance);
  tcase_add_test (tc, test_b83_fixed);
  tcase_add_test (tc, test_hexfloat);
  tcase_add_test (tc, test_parse_real);
  tcase_add_test (tc, test_registry_errors);
  suite_add_tcase (s, tc);
  TCase *ieee = tcase_create ("ieee");
  tcase_set_timeout (ieee, 600);
  tcase_add_test (ieee, test_ieee_decode);
  tcase_add_test (ieee, test_ieee_encode_random);
  suite_add_tcase (s, ieee);
  return s;
}

int
main (void)
{
  return tu_run (kat_suite ());
}
