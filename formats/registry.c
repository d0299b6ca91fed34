/* registry.c -- format names: presets, the generic grammars, and helpful errors.
   The binding list of names is DESIGN.md "Format names"; README.md and doc/ describe their meaning. */
#include <config.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "format-impl.h"

typedef struct {
  const char *name;
  const char *alias[4];
  int E, M;
  long bias;
  int is_signed, ef0_normal;
  fl_nan_kind nk;
  fl_inf_kind ik;
  const char *description;
} float_preset;

/* ml_dtypes, IEEE and friends.  The FP6/FP4 'fn' types have no NaN at all
   (ml_dtypes README), unlike the generic 'fn' suffix: presets win over the grammar. */
static const float_preset float_presets[] = {
  { "e4m3fn", { "float8_e4m3fn" }, 4, 3, 7, 1, 0, FL_NAN_ALLONES, FL_INF_NONE,
    "OCP OFP8 E4M3: no Inf, NaN S.1111.111, max 448" },
  { "e4m3fnuz", { "float8_e4m3fnuz" }, 4, 3, 8, 1, 0, FL_NAN_NEGZERO, FL_INF_NONE,
    "FNUZ FP8 (AMD/Graphcore): bias 8, NaN 0x80, no -0, max 240" },
  { "e4m3b11fnuz", { "float8_e4m3b11fnuz" }, 4, 3, 11, 1, 0, FL_NAN_NEGZERO, FL_INF_NONE,
    "TPU FP8: bias 11, NaN 0x80, no -0, max 30" },
  { "e4m3", { "float8_e4m3" }, 4, 3, 7, 1, 0, FL_NAN_IEEE, FL_INF_IEEE,
    "IEEE-like E4M3: Inf and NaN, max 240" },
  { "e5m2", { "float8_e5m2" }, 5, 2, 15, 1, 0, FL_NAN_IEEE, FL_INF_IEEE,
    "OCP OFP8 E5M2 (IEEE-like): max 57344" },
  { "e5m2fnuz", { "float8_e5m2fnuz" }, 5, 2, 16, 1, 0, FL_NAN_NEGZERO, FL_INF_NONE,
    "FNUZ BF8: bias 16, NaN 0x80, no -0, max 57344" },
  { "e3m4", { "float8_e3m4" }, 3, 4, 3, 1, 0, FL_NAN_IEEE, FL_INF_IEEE,
    "IEEE-like E3M4: max 15.5" },
  { "e8m0fnu", { "float8_e8m0fnu" }, 8, 0, 127, 0, 1, FL_NAN_ALLONES, FL_INF_NONE,
    "OCP MX E8M0 scale: unsigned, 2^-127..2^127, NaN 0xff, no zero" },
  { "e2m3fn", { "float6_e2m3fn" }, 2, 3, 1, 1, 0, FL_NAN_NONE, FL_INF_NONE,
    "OCP MX FP6 E2M3: all finite, max 7.5" },
  { "e3m2fn", { "float6_e3m2fn" }, 3, 2, 3, 1, 0, FL_NAN_NONE, FL_INF_NONE,
    "OCP MX FP6 E3M2: all finite, max 28" },
  { "e2m1fn", { "float4_e2m1fn" }, 2, 1, 1, 1, 0, FL_NAN_NONE, FL_INF_NONE,
    "OCP MX FP4 E2M1: all finite, max 6" },
  { "bf16", { "bfloat16" }, 8, 7, 127, 1, 0, FL_NAN_IEEE, FL_INF_IEEE,
    "bfloat16: 1-8-7, max ~3.3895e38" },
  { "fp16", { "binary16", "half", "float16" }, 5, 10, 15, 1, 0, FL_NAN_IEEE, FL_INF_IEEE,
    "IEEE 754 binary16" },
  { "fp32", { "binary32", "float32" }, 8, 23, 127, 1, 0, FL_NAN_IEEE, FL_INF_IEEE,
    "IEEE 754 binary32" },
  { "fp64", { "binary64", "float64" }, 11, 52, 1023, 1, 0, FL_NAN_IEEE, FL_INF_IEEE,
    "IEEE 754 binary64" },
  { "tf32", { "tensorfloat32" }, 8, 10, 127, 1, 0, FL_NAN_IEEE, FL_INF_IEEE,
    "NVIDIA TensorFloat-32 (19 bits, 1-8-10)" },
};
#define N_FLOAT_PRESETS (sizeof float_presets / sizeof float_presets[0])

static const fl_catalogue_entry catalogue[] = {
  { "e4m3fn e4m3fnuz e4m3b11fnuz e4m3 e5m2 e5m2fnuz e3m4 e8m0fnu e2m3fn e3m2fn e2m1fn",
    "float", "ml_dtypes types, with or without the float8_/float6_/float4_ prefix; exactly ml_dtypes' semantics" },
  { "bf16 fp16 fp32 fp64 tf32", "float",
    "bfloat16, IEEE binary16/32/64 (aliases bfloat16 binary16 half binary32 binary64), TensorFloat-32" },
  { "e<X>m<Y>[b<bias>]", "float",
    "IEEE-like: X 1-15 exponent bits, Y 0-52 significand bits, bias 2^(X-1)-1 unless b<bias>, Inf/NaN at the top exponent, subnormals" },
  { "e<X>m<Y>[b<bias>]fn", "float", "no Inf; NaN only at S.1..1.1..1 (either sign)" },
  { "e<X>m<Y>[b<bias>]fnuz", "float", "no Inf, no -0; NaN = sign bit alone; bias 2^(X-1) by default" },
  { "e<X>m<Y>[b<bias>]fnu", "float", "unsigned; NaN = all ones; with m0 no zero (like e8m0fnu)" },
  { "exmy_e<X>m<Y>[b<bias>]", "float",
    "eXmY paper convention: every code finite, sign-magnitude, subnormals; exmy_e0m<Y> is a sign-magnitude integer" },
  { "binary<K>p<P><s|u><e|f>", "float",
    "IEEE P3109 (K 3-16 bits, precision P): s signed (NaN 0x80, no -0), u unsigned (NaN all ones); e extended (Inf), f finite" },
  { "float:e=E,m=M[,bias=B][,specials=ieee|fn|fnuz|fnu|none|p3109e|p3109f][,signed=0|1]", "float",
    "explicit minifloat" },
  { "fixed<IL>.<FL>", "fixed", "two's complement <IL,FL>: IL integer bits including the sign, FL fraction bits, 2-64 bits in all" },
  { "ufixed<IL>.<FL>", "fixed", "unsigned fixed point, IL integer bits, FL fraction bits" },
  { "int<n> uint<n>", "fixed", "two's complement (n 2-64) and unsigned (n 1-64) integers; conversions saturate" },
  { "posit<n>es<es>", "posit", "posit, n 2-64 bits, es 0-5 exponent bits; NaR = 10..0; negatives are two's complements" },
  { "posit<n>", "posit", "Posit Standard (2022): es = 2" },
  { "lp<n>es<es>rs<rs>[sf<sf>]", "logposit",
    "logarithmic posit: regime run capped at rs, es exponent bits, a log-domain fraction; |x| = 2^(k*2^es + e + f - sf), sf a decimal" },
  { "lns<n>f<F>", "lns", "logarithmic number system: sign + (n-1)-bit two's complement log2 with F fraction bits; zero 0|10..0, NaN 1|10..0" },
};

const fl_catalogue_entry *
fl_format_catalogue (size_t *n)
{
  *n = sizeof catalogue / sizeof catalogue[0];
  return catalogue;
}

#define SEE " (see 'fmtlab formats')"

/* Read a decimal integer at *s; 0 on success. */
static int
read_int (const char **s, long *v)
{
  const char *p = *s;
  if (*p == '-' || *p == '+')
    p++;
  if (!isdigit ((unsigned char) *p))
    return -1;
  errno = 0;
  char *end;
  long x = strtol (*s, &end, 10);
  if (errno || end == *s || x > 100000 || x < -100000)
    return -1;
  *v = x;
  *s = end;
  return 0;
}

static int
starts (const char *s, const char *prefix)
{
  return strncmp (s, prefix, strlen (prefix)) == 0;
}

/* e<X>m<Y>[b<bias>][suffix], with or without the exmy_ prefix. */
static fl_status
parse_exmy (fl_format *f, const char *name, const char *s, int exmy, char *err, size_t errlen)
{
  long X, Y, bias;
  const char *p = s + 1;
  if (read_int (&p, &X) || X < (exmy ? 0 : 1) || X > 15)
    {
      snprintf (err, errlen, "format '%s': after 'e' expected the exponent width %s" SEE,
                name, exmy ? "0 to 15" : "1 to 15");
      return FL_EINVAL;
    }
  if (*p != 'm')
    {
      snprintf (err, errlen, "format '%s': after 'e%ld' expected 'm' and the significand width" SEE,
                name, X);
      return FL_EINVAL;
    }
  p++;
  if (read_int (&p, &Y) || Y < 0 || Y > 52)
    {
      snprintf (err, errlen, "format '%s': after 'e%ldm' expected the significand width 0 to 52" SEE,
                name, X);
      return FL_EINVAL;
    }
  int has_bias = 0;
  if (*p == 'b')
    {
      p++;
      if (read_int (&p, &bias))
        {
          snprintf (err, errlen, "format '%s': after 'b' expected the exponent bias" SEE, name);
          return FL_EINVAL;
        }
      has_bias = 1;
    }
  if (exmy)
    {
      if (*p)
        {
          snprintf (err, errlen, "format '%s': unexpected '%s' after 'e%ldm%ld'; exmy_ formats "
                    "take only an optional b<bias>" SEE, name, p, X, Y);
          return FL_EINVAL;
        }
      if (!has_bias)
        bias = X == 0 ? 1 - Y : (1L << (X - 1)) - 1;
      return fl_float_init (f, (int) X, (int) Y, bias, 1, 0, FL_NAN_NONE, FL_INF_NONE, err, errlen);
    }
  fl_nan_kind nk;
  fl_inf_kind ik = FL_INF_NONE;
  int is_signed = 1, ef0 = 0;
  long dbias = (1L << (X - 1)) - 1;
  if (*p == 0)
    {
      nk = FL_NAN_IEEE;
      ik = FL_INF_IEEE;
    }
  else if (strcmp (p, "fn") == 0)
    nk = FL_NAN_ALLONES;
  else if (strcmp (p, "fnuz") == 0)
    {
      nk = FL_NAN_NEGZERO;
      dbias = 1L << (X - 1);
    }
  else if (strcmp (p, "fnu") == 0)
    {
      nk = FL_NAN_ALLONES;
      is_signed = 0;
      ef0 = Y == 0;
    }
  else
    {
      int n = (int) (p - s);
      snprintf (err, errlen, "format '%s': unexpected '%s' after '%.*s'; expected the end, "
                "b<bias>, or a suffix fn, fnuz or fnu" SEE, name, p, n, s);
      return FL_EINVAL;
    }
  return fl_float_init (f, (int) X, (int) Y, has_bias ? bias : dbias, is_signed, ef0, nk, ik,
                        err, errlen);
}

/* binary<K>p<P><s|u><e|f>: IEEE P3109.  Signed: K-P exponent bits, NaN at 0x80 (no -0),
   +-Inf at the all-ones magnitudes when extended.  Unsigned: K-P+1 exponent bits, NaN at
   all ones, +Inf just below it when extended.  Bias 2^(exponent bits - 1).  Checked code
   for code against the working group's tables in shared/p3109. */
static fl_status
p3109_init (fl_format *f, const char *name, long K, long P, int is_signed, int extended,
            char *err, size_t errlen)
{
  if (K < 3 || K > 16)
    {
      snprintf (err, errlen, "format '%s': P3109 width K=%ld; expected 3 to 16" SEE, name, K);
      return FL_EINVAL;
    }
  if (P < 1 || P > (is_signed ? K - 1 : K))
    {
      snprintf (err, errlen, "format '%s': precision P=%ld; expected 1 to %ld for a %s %ld-bit format" SEE,
                name, P, is_signed ? K - 1 : K, is_signed ? "signed" : "unsigned", K);
      return FL_EINVAL;
    }
  int E = (int) (is_signed ? K - P : K - P + 1);
  return fl_float_init (f, E, (int) P - 1, 1L << (E - 1), is_signed, 0,
                        is_signed ? FL_NAN_NEGZERO : FL_NAN_ALLONES,
                        extended ? (is_signed ? FL_INF_ALLONES : FL_INF_BELOWNAN) : FL_INF_NONE,
                        err, errlen);
}

static fl_status
parse_p3109 (fl_format *f, const char *name, const char *s, char *err, size_t errlen)
{
  long K, P;
  const char *p = s;
  if (read_int (&p, &K) || *p != 'p')
    {
      snprintf (err, errlen, "format '%s': expected binary<K>p<P><s|u><e|f>, e.g. binary8p3se" SEE, name);
      return FL_EINVAL;
    }
  p++;
  if (read_int (&p, &P))
    {
      snprintf (err, errlen, "format '%s': after 'p' expected the precision P" SEE, name);
      return FL_EINVAL;
    }
  if ((p[0] != 's' && p[0] != 'u') || (p[1] != 'e' && p[1] != 'f') || p[2])
    {
      snprintf (err, errlen, "format '%s': unexpected '%s' after the precision; expected "
                "s or u (signedness) then e or f (extended or finite), e.g. binary8p3se" SEE, name, p);
      return FL_EINVAL;
    }
  return p3109_init (f, name, K, P, p[0] == 's', p[1] == 'e', err, errlen);
}

static fl_status
parse_fixed (fl_format *f, const char *name, const char *s, int is_signed, char *err, size_t errlen)
{
  long IL, FL;
  const char *p = s;
  if (read_int (&p, &IL) || *p != '.')
    {
      snprintf (err, errlen, "format '%s': expected %sfixed<IL>.<FL>, e.g. fixed8.8" SEE,
                name, is_signed ? "" : "u");
      return FL_EINVAL;
    }
  p++;
  if (read_int (&p, &FL) || *p)
    {
      snprintf (err, errlen, "format '%s': after '.' expected the fraction bits FL" SEE, name);
      return FL_EINVAL;
    }
  if (IL < (is_signed ? 1 : 0) || FL < 0 || IL + FL > 64 || IL + FL < (is_signed ? 2 : 1))
    {
      snprintf (err, errlen, "format '%s': <IL=%ld,FL=%ld>; expected IL >= %d (including the "
                "sign), FL >= 0 and %d to 64 bits in all" SEE, name, IL, FL, is_signed ? 1 : 0,
                is_signed ? 2 : 1);
      return FL_EINVAL;
    }
  return fl_fixed_init (f, (int) (IL + FL), (int) FL, is_signed, err, errlen);
}

static fl_status
parse_int (fl_format *f, const char *name, const char *s, int is_signed, char *err, size_t errlen)
{
  long n;
  const char *p = s;
  if (read_int (&p, &n) || *p || n < (is_signed ? 2 : 1) || n > 64)
    {
      snprintf (err, errlen, "format '%s': expected %sint<n> with n from %d to 64" SEE, name,
                is_signed ? "" : "u", is_signed ? 2 : 1);
      return FL_EINVAL;
    }
  return fl_fixed_init (f, (int) n, 0, is_signed, err, errlen);
}

static long
gcd_l (long a, long b)
{
  if (a < 0) a = -a;
  while (b)
    {
      long t = a % b;
      a = b;
      b = t;
    }
  return a;
}

/* posit<n>es<es> or posit<n> (es = 2, the 2022 standard) */
static fl_status
parse_posit (fl_format *f, const char *name, const char *s, char *err, size_t errlen)
{
  long n, es = 2;
  const char *p = s;
  if (read_int (&p, &n))
    {
      snprintf (err, errlen, "format '%s': expected posit<n>es<es> or posit<n>, e.g. posit16es1" SEE, name);
      return FL_EINVAL;
    }
  if (*p)
    {
      if (strncmp (p, "es", 2) != 0 || (p += 2, read_int (&p, &es)) || *p)
        {
          snprintf (err, errlen, "format '%s': after 'posit%ld' expected the end or es<es>" SEE, name, n);
          return FL_EINVAL;
        }
    }
  if (n < 2 || n > 64 || es < 0 || es > 5)
    {
      snprintf (err, errlen, "format '%s': expected n from 2 to 64 and es from 0 to 5" SEE, name);
      return FL_EINVAL;
    }
  return fl_posit_init (f, (int) n, (int) es, err, errlen);
}

/* A decimal scale factor ("-2", "0.5", "1.25") as a reduced fraction. */
static int
read_decimal (const char **s, long *num, long *den)
{
  const char *p = *s;
  int neg = 0;
  if (*p == '-' || *p == '+')
    neg = *p++ == '-';
  if (!isdigit ((unsigned char) *p))
    return -1;
  long v = 0, d = 1;
  int digits = 0;
  while (isdigit ((unsigned char) *p))
    {
      v = v * 10 + (*p++ - '0');
      if (++digits > 15)
        return -1;
    }
  if (*p == '.')
    {
      p++;
      if (!isdigit ((unsigned char) *p))
        return -1;
      while (isdigit ((unsigned char) *p))
        {
          v = v * 10 + (*p++ - '0');
          d *= 10;
          if (++digits > 15)
            return -1;
        }
    }
  long g = gcd_l (v, d);
  if (g == 0)
    g = 1;
  *num = (neg ? -v : v) / g;
  *den = d / g;
  *s = p;
  return 0;
}

/* lp<n>es<es>rs<rs>[sf<sf>] */
static fl_status
parse_lp (fl_format *f, const char *name, const char *s, char *err, size_t errlen)
{
  long n, es, rs, sfn = 0, sfd = 1;
  const char *p = s;
  if (read_int (&p, &n) || strncmp (p, "es", 2) != 0 || (p += 2, read_int (&p, &es))
      || strncmp (p, "rs", 2) != 0 || (p += 2, read_int (&p, &rs)))
    {
      snprintf (err, errlen, "format '%s': expected lp<n>es<es>rs<rs>[sf<sf>], e.g. lp8es1rs3sf-2" SEE, name);
      return FL_EINVAL;
    }
  if (*p)
    {
      if (strncmp (p, "sf", 2) != 0 || (p += 2, read_decimal (&p, &sfn, &sfd)) || *p)
        {
          snprintf (err, errlen, "format '%s': after 'rs%ld' expected the end or sf<decimal>, e.g. sf-2 or sf0.5" SEE,
                    name, rs);
          return FL_EINVAL;
        }
    }
  if (n < 3 || n > 32 || es < 0 || es > 5 || rs < 1 || rs > n - 1)
    {
      snprintf (err, errlen, "format '%s': expected n from 3 to 32, es from 0 to 5 and rs from 1 to n-1" SEE, name);
      return FL_EINVAL;
    }
  return fl_logposit_init (f, (int) n, (int) es, (int) rs, sfn, sfd, err, errlen);
}

/* lns<n>f<F> */
static fl_status
parse_lns (fl_format *f, const char *name, const char *s, char *err, size_t errlen)
{
  long n, F;
  const char *p = s;
  if (read_int (&p, &n) || *p != 'f' || (p++, read_int (&p, &F)) || *p)
    {
      snprintf (err, errlen, "format '%s': expected lns<n>f<F>, e.g. lns8f3" SEE, name);
      return FL_EINVAL;
    }
  if (n < 3 || n > 32 || F < 0 || F > n - 2)
    {
      snprintf (err, errlen, "format '%s': expected n from 3 to 32 and F from 0 to n-2" SEE, name);
      return FL_EINVAL;
    }
  return fl_lns_init (f, (int) n, (int) F, err, errlen);
}

/* float:e=4,m=3,bias=7,specials=fn,signed=1 */
static fl_status
parse_explicit (fl_format *f, const char *name, const char *s, char *err, size_t errlen)
{
  long E = -1, M = -1, bias = 0, is_signed = 1;
  int has_bias = 0;
  const char *specials = "ieee";
  char buf[256];
  if (strlen (s) >= sizeof buf)
    {
      snprintf (err, errlen, "format name too long");
      return FL_EINVAL;
    }
  strcpy (buf, s);
  for (char *tok = strtok (buf, ","); tok; tok = strtok (NULL, ","))
    {
      char *eq = strchr (tok, '=');
      if (!eq)
        {
          snprintf (err, errlen, "format '%s': '%s' is not key=value; keys: e, m, bias, specials, signed" SEE,
                    name, tok);
          return FL_EINVAL;
        }
      *eq = 0;
      const char *v = eq + 1;
      long *dst = NULL;
      if (strcmp (tok, "e") == 0) dst = &E;
      else if (strcmp (tok, "m") == 0) dst = &M;
      else if (strcmp (tok, "bias") == 0) { dst = &bias; has_bias = 1; }
      else if (strcmp (tok, "signed") == 0) dst = &is_signed;
      else if (strcmp (tok, "specials") == 0)
        {
          static const char *const words[] = { "ieee", "fn", "fnuz", "fnu", "none", "p3109e", "p3109f" };
          specials = NULL;
          for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
            if (strcmp (v, words[i]) == 0)
              specials = words[i];
          if (!specials)
            {
              snprintf (err, errlen, "format '%s': specials=%s; expected ieee, fn, fnuz, fnu, none, "
                        "p3109e or p3109f" SEE, name, v);
              return FL_EINVAL;
            }
          continue;
        }
      else
        {
          snprintf (err, errlen, "format '%s': unknown key '%s'; keys: e, m, bias, specials, signed" SEE,
                    name, tok);
          return FL_EINVAL;
        }
      const char *q = v;
      if (read_int (&q, dst) || *q)
        {
          snprintf (err, errlen, "format '%s': %s=%s is not an integer" SEE, name, tok, v);
          return FL_EINVAL;
        }
    }
  if (E < 0 || M < 0 || E > 20 || M > 62 || (is_signed != 0 && is_signed != 1))
    {
      snprintf (err, errlen, "format '%s': needs e=0..20 and m=0..62 (signed=0 or 1)" SEE, name);
      return FL_EINVAL;
    }
  fl_nan_kind nk = FL_NAN_NONE;
  fl_inf_kind ik = FL_INF_NONE;
  int ef0 = 0;
  long dbias = E > 0 ? (1L << (E - 1)) - 1 : 1 - M;
  if (strcmp (specials, "ieee") == 0) { nk = FL_NAN_IEEE; ik = FL_INF_IEEE; }
  else if (strcmp (specials, "fn") == 0) nk = FL_NAN_ALLONES;
  else if (strcmp (specials, "fnuz") == 0) { nk = FL_NAN_NEGZERO; dbias = E > 0 ? 1L << (E - 1) : dbias; }
  else if (strcmp (specials, "fnu") == 0) { nk = FL_NAN_ALLONES; is_signed = 0; ef0 = M == 0; }
  else if (strcmp (specials, "p3109e") == 0 || strcmp (specials, "p3109f") == 0)
    {
      nk = is_signed ? FL_NAN_NEGZERO : FL_NAN_ALLONES;
      if (specials[5] == 'e')
        ik = is_signed ? FL_INF_ALLONES : FL_INF_BELOWNAN;
      dbias = E > 0 ? 1L << (E - 1) : dbias;
    }
  if (nk == FL_NAN_NEGZERO && !is_signed)
    {
      snprintf (err, errlen, "format '%s': specials=%s needs a sign bit" SEE, name, specials);
      return FL_EINVAL;
    }
  return fl_float_init (f, (int) E, (int) M, has_bias ? bias : dbias, (int) is_signed, ef0, nk, ik,
                        err, errlen);
}

fl_status
fl_scalar_format_parse (const char *name, fl_format **out, char *err, size_t errlen)
{
  *out = NULL;
  if (name == NULL || *name == 0)
    {
      snprintf (err, errlen, "empty format name" SEE);
      return FL_EINVAL;
    }
  if (strlen (name) >= sizeof ((fl_format *) 0)->name)
    {
      snprintf (err, errlen, "format name '%.40s...' is too long" SEE, name);
      return FL_EINVAL;
    }
  fl_format *f = calloc (1, sizeof *f);
  if (!f)
    {
      snprintf (err, errlen, "out of memory");
      return FL_ENOMEM;
    }
  fl_status st = FL_EINVAL;
  int found = 0;
  const char *canon = name;
  for (size_t i = 0; i < N_FLOAT_PRESETS && !found; i++)
    {
      const float_preset *p = &float_presets[i];
      int match = strcmp (name, p->name) == 0;
      for (int a = 0; a < 4 && p->alias[a] && !match; a++)
        match = strcmp (name, p->alias[a]) == 0;
      if (match)
        {
          found = 1;
          canon = p->name;
          st = fl_float_init (f, p->E, p->M, p->bias, p->is_signed, p->ef0_normal, p->nk, p->ik,
                              err, errlen);
        }
    }
  if (!found)
    {
      const char *s = name;
      if (starts (s, "float8_") || starts (s, "float6_") || starts (s, "float4_"))
        s += 7;
      if (starts (s, "exmy_e"))
        st = parse_exmy (f, name, s + 5, 1, err, errlen);
      else if (s[0] == 'e' && isdigit ((unsigned char) s[1]))
        st = parse_exmy (f, name, s, 0, err, errlen);
      else if (starts (s, "binary"))
        st = parse_p3109 (f, name, s + 6, err, errlen);
      else if (starts (s, "p3109_k"))
        st = parse_p3109 (f, name, s + 7, err, errlen);
      else if (starts (s, "float:"))
        st = parse_explicit (f, name, s + 6, err, errlen);
      else if (starts (s, "fixed"))
        st = parse_fixed (f, name, s + 5, 1, err, errlen);
      else if (starts (s, "ufixed"))
        st = parse_fixed (f, name, s + 6, 0, err, errlen);
      else if (starts (s, "posit"))
        st = parse_posit (f, name, s + 5, err, errlen);
      else if (starts (s, "lp") && isdigit ((unsigned char) s[2]))
        st = parse_lp (f, name, s + 2, err, errlen);
      else if (starts (s, "lns"))
        st = parse_lns (f, name, s + 3, err, errlen);
      else if (starts (s, "uint"))
        st = parse_int (f, name, s + 4, 0, err, errlen);
      else if (starts (s, "int"))
        st = parse_int (f, name, s + 3, 1, err, errlen);
      else
        snprintf (err, errlen, "unknown format '%s': expected a preset (e4m3fn, bf16, fp16...), "
                  "e<X>m<Y>[suffix], exmy_e<X>m<Y>, binary<K>p<P><s|u><e|f>, fixed<IL>.<FL>, "
                  "int<n>, uint<n>, posit<n>es<es>, lp<n>es<es>rs<rs>[sf<sf>], lns<n>f<F> or float:..." SEE, name);
    }
  if (st != FL_OK)
    {
      /* make sure the message names the input */
      if (strstr (err, name) == NULL)
        {
          char tmp[512];
          snprintf (tmp, sizeof tmp, "format '%s': %s", name, err);
          snprintf (err, errlen, "%s", tmp);
        }
      free (f);
      return st;
    }
  snprintf (f->name, sizeof f->name, "%s", canon);
  *out = f;
  return FL_OK;
}
