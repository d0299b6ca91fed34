/* test_format.c -- the engine seam (formats/format.c, round.c; doc/engine.md): ternary
   values, the fused fake-quantize call, tininess after rounding, the families' special
   values in arithmetic, neighbouring formats and the caller's MPFR state.

   The independent sides: ternary values are recomputed by decoding the code exactly with
   MPFR and comparing with x (mpfr_cmp); quantize is compared with encode + decode;
   tininess and special values are known answers from IEEE 754-2019 (7.2, 7.3, 7.5, 6.2.1)
   and the Posit Standard 2022 (section 6: NaR), worked out in the comments. */
#include <config.h>
#include <fenv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fmtlab/refops.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "testutil.h"

static const char *const formats[] = {
  "e4m3fn", "e5m2", "fp16", "bf16", "e4m3fnuz", "e8m0fnu", "e2m1fn", "binary8p3se",
  "binary8p5ue", "int8", "uint8", "fixed4.4", "ufixed4.4", "posit8es1", "posit16es1",
  "lp8es1rs3", "lns8f3", "fp32"
};
#define NFMT (sizeof formats / sizeof formats[0])

/* Doubles around the format's range: random significands and exponents, plus specials,
   zeros, the extremes and their neighbours. */
static size_t
sample (const fl_format *f, double *x, size_t n, uint64_t *st)
{
  size_t k = 0;
  const double specials[] = { NAN, -NAN, INFINITY, -INFINITY, 0.0, -0.0, 1.0, -1.0, 0.5,
                              1e300, -1e300, 1e-300, -1e-300, 0x1p-1074, -0x1p-1074 };
  for (size_t i = 0; i < sizeof specials / sizeof specials[0] && k < n; i++)
    x[k++] = specials[i];
  uint64_t codes[4] = { fl_format_max_code (f), fl_format_lowest_code (f),
                        fl_format_minpos_code (f), 0 };
  fl_decode_doubles (f, codes, x + k, 3);
  for (int i = 0; i < 3 && k + 2 < n; i++)
    {
      double v = x[k];
      x[k++] = v;
      x[k++] = nextafter (v, INFINITY);
      x[k++] = nextafter (v, -INFINITY);
    }
  while (k < n)
    {
      uint64_t u = tu_splitmix (st);
      double m = 1.0 + (double) (u >> 12) * 0x1p-52;
      int e = (int) ((u >> 4) % 80) - 40;
      x[k++] = ldexp ((u & 1) ? -m : m, e);
    }
  return k;
}

/* The ternary value of code for x, independently: decode exactly (dyadic formats) or at
   600 bits (a power of two with a fractional exponent is irrational, never equal to x and
   far more than 2^-500 away from a 53-bit x in relative terms), then compare. */
static int
ternary_by_decode (const fl_format *f, uint64_t code, double x)
{
  mpfr_t v, xv;
  mpfr_init2 (v, fl_format_is_exact (f) ? fl_format_prec (f) + 2 : 600);
  mpfr_init2 (xv, 53);
  fl_class c = fl_decode (f, code, v);
  mpfr_set_d (xv, x, MPFR_RNDN);
  int t;
  if (c == FL_CLASS_NAN || c == FL_CLASS_NAR || isnan (x))
    t = 0;
  else
    t = mpfr_cmp (v, xv);
  mpfr_clears (v, xv, (mpfr_ptr) 0);
  return t > 0 ? 1 : t < 0 ? -1 : 0;
}

START_TEST (ternary_independent)
{
  uint64_t st = tu_seed ("ternary_independent", 12) + (uint64_t) _i;
  fl_format *f = tu_parse (formats[_i]);
  double x[400];
  size_t n = sample (f, x, 400, &st);
  uint64_t codes[400];
  int8_t tern[400];
  mpfr_t xv;
  mpfr_init2 (xv, 53);
  for (int m = 0; m < FL_ROUND_MODES; m++)
    {
      fl_rounding r;
      fl_rounding_init (&r);
      r.mode = (fl_round_mode) m;
      r.seed = 77;
      r.stream = 1000;
      size_t nn = fl_format_is_exact (f) || m != FL_SR ? n : 40;   /* LP/LNS sr: slow */
      unsigned fa = 0;
      fl_encode_doubles_t (f, x, codes, tern, nn, &r, &fa);
      for (size_t i = 0; i < nn; i++)
        {
          fl_rounding ri = r;
          ri.stream = r.stream + i;
          int t = 7;
          mpfr_set_d (xv, x[i], MPFR_RNDN);
          mpfr_setsign (xv, xv, signbit (x[i]) != 0, MPFR_RNDN);   /* NaNs keep their sign */
          uint64_t c = fl_encode_t (f, xv, &ri, &t, NULL);
          TU_CHECK (c == codes[i], "%s %s x=%a: array code %llx, fl_encode_t %llx",
                    formats[_i], fl_round_mode_name (r.mode), x[i],
                    (unsigned long long) codes[i], (unsigned long long) c);
          int want = ternary_by_decode (f, c, x[i]);
          TU_CHECK (t == want && tern[i] == want,
                    "%s %s x=%a code %llx: ternary %d (array %d), decoded comparison %d",
                    formats[_i], fl_round_mode_name (r.mode), x[i], (unsigned long long) c, t,
                    tern[i], want);
        }
    }
  mpfr_clear (xv);
  fl_format_free (f);
}
END_TEST

static int
same_double (double a, double b)
{
  return (isnan (a) && isnan (b)) || memcmp (&a, &b, sizeof a) == 0;
}

/* fl_quantize_doubles = fl_encode_doubles + fl_decode_doubles, every mode (sr with exact
   probability and with 3 bits: the same stream per element), in place too. */
START_TEST (quantize_equals_encode_decode)
{
  uint64_t st = tu_seed ("quantize_equals_encode_decode", 13) + (uint64_t) _i;
  fl_format *f = tu_parse (formats[_i]);
  enum { N = 1500 };
  double *x = malloc (N * sizeof *x), *y = malloc (N * sizeof *y), *z = malloc (N * sizeof *z);
  double *w = malloc (N * sizeof *w);
  float *xf = malloc (N * sizeof *xf), *yf = malloc (N * sizeof *yf);
  uint64_t *codes = malloc (N * sizeof *codes);
  int8_t *t1 = malloc (N), *t2 = malloc (N);
  size_t n = sample (f, x, N, &st);
  if (!fl_format_is_exact (f))
    n = 200;                                      /* the logarithmic families: MPFR */
  for (int m = 0; m <= FL_ROUND_MODES; m++)
    {
      fl_rounding r;
      fl_rounding_init (&r);
      r.mode = m == FL_ROUND_MODES ? FL_SR : (fl_round_mode) m;
      r.sr_bits = m == FL_ROUND_MODES ? 3 : 0;
      r.seed = 5;
      r.stream = 99;
      unsigned f1 = 0, f2 = 0;
      fl_quantize_doubles (f, x, y, n, &r, &f1);
      fl_encode_doubles_t (f, x, codes, t1, n, &r, &f2);
      fl_decode_doubles (f, codes, z, n);
      TU_CHECK (f1 == f2, "%s %s: flags %x, encode+decode %x", formats[_i],
                fl_round_mode_name (r.mode), f1, f2);
      for (size_t i = 0; i < n; i++)
        TU_CHECK (same_double (y[i], z[i]), "%s %s x=%a: quantize %a, encode+decode %a",
                  formats[_i], fl_round_mode_name (r.mode), x[i], y[i], z[i]);
      /* a short array takes the fused path in every mode (a long deterministic one may
         go through the table-driven encoder) */
      size_t ns = n < 100 ? n : 100;
      fl_quantize_doubles (f, x, w, ns, &r, NULL);
      for (size_t i = 0; i < ns; i++)
        TU_CHECK (same_double (w[i], z[i]), "%s %s x=%a: short quantize %a, encode+decode %a",
                  formats[_i], fl_round_mode_name (r.mode), x[i], w[i], z[i]);
      fl_quantize_doubles_t (f, x, w, t2, n, &r, NULL);
      for (size_t i = 0; i < n; i++)
        TU_CHECK (same_double (w[i], z[i]) && t1[i] == t2[i], "%s %s x=%a: quantize_t", formats[_i],
                  fl_round_mode_name (r.mode), x[i]);
      memcpy (w, x, n * sizeof *w);
      fl_quantize_doubles (f, w, w, n, &r, NULL);                   /* in place */
      for (size_t i = 0; i < n; i++)
        TU_CHECK (same_double (w[i], z[i]), "%s: in place", formats[_i]);
      /* floats: the float's exact double through the double path */
      for (size_t i = 0; i < n; i++)
        xf[i] = (float) x[i];
      for (size_t i = 0; i < n; i++)
        w[i] = xf[i];
      fl_quantize_floats (f, xf, yf, n, &r, NULL);
      fl_quantize_doubles (f, w, z, n, &r, NULL);
      for (size_t i = 0; i < n; i++)
        {
          float want = (float) z[i];
          TU_CHECK ((isnan (yf[i]) && isnan (want)) || memcmp (&yf[i], &want, sizeof want) == 0,
                    "%s %s x=%a: quantize_floats %a, want %a", formats[_i],
                    fl_round_mode_name (r.mode), (double) xf[i], (double) yf[i], (double) want);
        }
    }
  free (x); free (y); free (z); free (w); free (xf); free (yf); free (codes); free (t1);
  free (t2);
  fl_format_free (f);
}
END_TEST

/* The float family's block loops (exmy_fast.c: rne and exact-probability sr; values and
   codes) against the exact path element by element: fl_encode of each double through MPFR with the element's
   stream, then fl_decode_doubles of that code, bit for bit, and the same flags.  The
   inputs are the places where a rounding can go wrong: every value of the format (all
   codes up to 12 bits, a stride above), the midpoints between neighbours and the doubles
   on either side of them and of each value, each scaled into the subnormal range and far
   below it, the overflow threshold, zeros, subnormal doubles, infinities and NaN, then
   random doubles; an odd length so that a block ends with a tail.  rne is also run under
   another FPU rounding mode (the block loop then steps aside). */
static const char *const fast_formats[] = {
  "e4m3fn", "e5m2", "fp16", "bf16", "e4m3fnuz", "e5m2fnuz", "e4m3", "e3m4", "e2m3fn",
  "e3m2fn", "e2m1fn", "e4m3b11fnuz", "binary8p3se", "binary8p5ue", "binary8p4uf",
  "float:e=6,m=9", "float:e=8,m=23", "float:e=11,m=40,specials=ieee"
};

START_TEST (quantize_fast_edges)
{
  uint64_t seed = tu_seed ("quantize_fast_edges", 29) + (uint64_t) _i, st = seed;
  fl_format *f = tu_parse (fast_formats[_i]);
  unsigned bits = fl_format_bits (f);
  enum { NMAX = 200001 };
  double *x = malloc (NMAX * sizeof *x), *y = malloc (NMAX * sizeof *y);
  uint64_t *codes = malloc (NMAX * sizeof *codes);
  uint64_t ncodes = bits >= 32 ? UINT64_C(1) << 32 : UINT64_C(1) << bits;
  uint64_t stride = bits <= 12 ? 1 : ncodes / 4096 + 1;
  size_t n = 0;
  const double specials[] = { 0.0, -0.0, INFINITY, -INFINITY, NAN, -NAN, 0x1p-1074,
                              -0x1p-1074, 0x1p-1022, 0x1.8p-1023, 0x1p-1040, -0x1p-1030,
                              0x1p1023, 0x1.fffffffffffffp1023 };
  for (size_t i = 0; i < sizeof specials / sizeof *specials; i++)
    x[n++] = specials[i];
  for (uint64_t c = 0; c < ncodes / 2 && n < NMAX - 40; c += stride)
    {
      uint64_t cc[2] = { c, c + 1 };
      double v, vv[2];
      fl_decode_doubles (f, cc, vv, 2);
      v = vv[0];
      if (!isfinite (v))
        continue;
      double pts[6] = { v, nextafter (v, 0), nextafter (v, INFINITY), 0, 0, 0 };
      int np = 3;
      if (isfinite (vv[1]) && vv[1] > v)
        {
          double mid = v + (vv[1] - v) / 2;             /* exact: few significant bits */
          pts[np++] = mid;
          pts[np++] = nextafter (mid, 0);
          pts[np++] = nextafter (mid, INFINITY);
        }
      for (int k = 0; k < np; k++)
        {
          int sh = (int) (tu_splitmix (&st) % 40);
          double w[4] = { pts[k], -pts[k], ldexp (pts[k], -sh), -ldexp (pts[k], -60 - sh) };
          for (int j = 0; j < 4; j++)
            x[n++] = w[j];
        }
    }
  uint64_t cmax = fl_format_max_code (f);
  double vmax;
  fl_decode_doubles (f, &cmax, &vmax, 1);
  for (int k = -3; k <= 3 && isfinite (vmax); k++)
    {
      double a = vmax + ldexp (vmax, -fl_format_prec (f) - 1) * (1 + k / 8.0);
      x[n++] = a;
      x[n++] = -a;
    }
  while (n < NMAX)
    {
      uint64_t u = tu_splitmix (&st);
      double m = 1.0 + (double) (u >> 12) * 0x1p-52;
      x[n++] = ldexp ((u & 1) ? -m : m, (int) ((u >> 4) % 300) - 150);
    }
  n = n > 20001 ? (n | 1) : n;                     /* odd: the last block is a tail */
  n = n < NMAX ? n : NMAX;
  mpfr_t xv;
  mpfr_init2 (xv, 53);
  static const fl_round_mode modes[] = { FL_RNE, FL_SR, FL_RNE };
  for (int m = 0; m < 3; m++)
    {
      fl_rounding r;
      fl_rounding_init (&r);
      r.mode = modes[m];
      r.seed = 11 + (uint64_t) _i;
      r.stream = 1000;
      unsigned fq = 0, fe = 0, fc = 0;
      if (m == 2)
        fesetround (FE_UPWARD);
      fl_quantize_doubles (f, x, y, n, &r, &fq);
      fl_encode_doubles (f, x, codes, n, &r, &fc);
      if (m == 2)
        fesetround (FE_TONEAREST);
      for (size_t i = 0; i < n; i++)
        {
          fl_rounding ri = r;
          ri.stream = r.stream + i;
          mpfr_set_d (xv, x[i], MPFR_RNDN);
          mpfr_setsign (xv, xv, signbit (x[i]) != 0, MPFR_RNDN);   /* NaNs keep their sign */
          uint64_t c = fl_encode (f, xv, &ri, &fe);
          double want;
          fl_decode_doubles (f, &c, &want, 1);
          TU_CHECK (codes[i] == c, "%s %s%s x=%a (element %zu): fl_encode_doubles %llx, "
                    "exact %llx (seed %llu)", fast_formats[_i], fl_round_mode_name (r.mode),
                    m == 2 ? " (FPU rounding upward)" : "", x[i], i,
                    (unsigned long long) codes[i], (unsigned long long) c,
                    (unsigned long long) seed);
          TU_CHECK (same_double (y[i], want), "%s %s%s x=%a (element %zu): quantize %a, "
                    "exact encode + decode %a (seed %llu)", fast_formats[_i],
                    fl_round_mode_name (r.mode), m == 2 ? " (FPU rounding upward)" : "", x[i],
                    i, y[i], want, (unsigned long long) seed);
        }
      TU_CHECK (fq == fe && fc == fe, "%s %s: flags %x (encode %x), exact path %x",
                fast_formats[_i], fl_round_mode_name (r.mode), fq, fc, fe);
    }
  mpfr_clear (xv);
  free (x);
  free (y);
  free (codes);
  fl_format_free (f);
}
END_TEST

/* The array calls under 1 and 2 OpenMP threads, and called from inside a parallel region
   (where they stay on the calling thread): the same codes, values and flags bit for bit,
   sr included (element i draws from stream + i whoever computes it).  Long arrays (above
   the threshold of format.c), every kind of path: the float block loops, the dyadic
   fused path (posits), the fixed-point encoder. */
static const char *const thread_formats[] = { "e4m3fn", "bf16", "posit16es1", "fixed4.4" };

struct array_results {
  double *q;
  float *qf;
  uint64_t *c;
  uint16_t *c16;
  double *d, *d16;
  unsigned fq, fqf, fc, fc16;
};

static void
run_arrays (const fl_format *f, const double *x, const float *xf, size_t n,
            const fl_rounding *r, struct array_results *o)
{
  o->fq = o->fqf = o->fc = o->fc16 = 0;
  fl_quantize_doubles (f, x, o->q, n, r, &o->fq);
  fl_quantize_floats (f, xf, o->qf, n, r, &o->fqf);
  fl_encode_doubles (f, x, o->c, n, r, &o->fc);
  ck_assert_int_eq (fl_encode_doubles_u16 (f, x, o->c16, n, r, &o->fc16), FL_OK);
  fl_decode_doubles (f, o->c, o->d, n);
  ck_assert_int_eq (fl_decode_doubles_u16 (f, o->c16, o->d16, n), FL_OK);
}

START_TEST (threads_independent)
{
#ifdef _OPENMP
  uint64_t seed = tu_seed ("threads_independent", 31) + (uint64_t) _i, st = seed;
  fl_format *f = tu_parse (thread_formats[_i]);
  enum { N = 300001 };
  double *x = malloc (N * sizeof *x);
  float *xf = malloc (N * sizeof *xf);
  struct array_results o[3];
  for (int k = 0; k < 3; k++)
    {
      o[k].q = malloc (N * sizeof (double));
      o[k].qf = malloc (N * sizeof (float));
      o[k].c = malloc (N * sizeof (uint64_t));
      o[k].c16 = malloc (N * sizeof (uint16_t));
      o[k].d = malloc (N * sizeof (double));
      o[k].d16 = malloc (N * sizeof (double));
    }
  size_t n = sample (f, x, N, &st);
  for (size_t i = 0; i < n; i++)
    xf[i] = (float) x[i];
  static const fl_round_mode modes[] = { FL_RNE, FL_SR, FL_RTZ };
  int saved = omp_get_max_threads ();
  for (int m = 0; m < 3; m++)
    {
      fl_rounding r;
      fl_rounding_init (&r);
      r.mode = modes[m];
      r.seed = seed;
      r.stream = 12345;
      omp_set_num_threads (1);
      run_arrays (f, x, xf, n, &r, &o[0]);
      omp_set_num_threads (2);
      run_arrays (f, x, xf, n, &r, &o[1]);
#pragma omp parallel num_threads (2)
#pragma omp single
      run_arrays (f, x, xf, n, &r, &o[2]);
      for (int k = 1; k < 3; k++)
        {
          const char *how = k == 1 ? "2 threads" : "inside a parallel region";
          TU_CHECK (o[k].fq == o[0].fq && o[k].fqf == o[0].fqf && o[k].fc == o[0].fc
                    && o[k].fc16 == o[0].fc16, "%s %s, %s: flags differ from one thread",
                    thread_formats[_i], fl_round_mode_name (r.mode), how);
          for (size_t i = 0; i < n; i++)
            TU_CHECK (same_double (o[k].q[i], o[0].q[i])
                      && memcmp (&o[k].qf[i], &o[0].qf[i], sizeof (float)) == 0
                      && o[k].c[i] == o[0].c[i] && o[k].c16[i] == o[0].c16[i]
                      && same_double (o[k].d[i], o[0].d[i])
                      && same_double (o[k].d16[i], o[0].d16[i]),
                      "%s %s, %s: element %zu (x = %a) differs from one thread (seed %llu)",
                      thread_formats[_i], fl_round_mode_name (r.mode), how, i, x[i],
                      (unsigned long long) seed);
        }
    }
  omp_set_num_threads (saved);
  for (int k = 0; k < 3; k++)
    {
      free (o[k].q); free (o[k].qf); free (o[k].c); free (o[k].c16); free (o[k].d);
      free (o[k].d16);
    }
  free (x);
  free (xf);
  fl_format_free (f);
#endif
}
END_TEST

/* IEEE 754-2019 7.5: tiny after rounding iff the value rounded to p bits with an unbounded
   exponent range is below 2^emin.  fp16 (p = 11, emin = -14):
   - x = 2^-14 (1 - 2^-12): rne gives 2^-14 (1024 ulps of 2^-24 after 1023.5+); at 11 bits
     unbounded, 1 - 2^-12 rounds to 1 -> not tiny after; tiny before (|x| < 2^-14).
   - x = 2^-14 (1 - 2^-11) = 1023.5 * 2^-24: rne ties to even, 1024 * 2^-24 = 2^-14; at 11
     bits 1 - 2^-11 is exact (eleven ones) -> still below 2^-14: tiny either way.
   - rtz of the first: 1023 * 2^-24, a subnormal: tiny either way.
   e4m3fn (p = 4, emin = -6, unit 2^-9): x = 2^-6 (1 - 2^-5) = 7.75 units rounds (rne) to
   2^-6; at 4 bits 1 - 2^-5 rounds to 1 -> not tiny after.  x = 2^-6 (1 - 2^-4) = 7.5
   units ties to 8 = 2^-6; at 4 bits 1 - 2^-4 is exact -> tiny after too. */
START_TEST (tininess_known_answers)
{
  struct { const char *fmt, *x; fl_round_mode m; uint64_t code; int uf_before, uf_after; } k[] = {
    { "fp16", "0x1.ffep-15", FL_RNE, 0x0400, 1, 0 },
    { "fp16", "-0x1.ffep-15", FL_RNE, 0x8400, 1, 0 },
    { "fp16", "0x1.ffcp-15", FL_RNE, 0x0400, 1, 1 },
    { "fp16", "0x1.ffep-15", FL_RTZ, 0x03ff, 1, 1 },
    { "fp16", "0x1.ffep-15", FL_RUP, 0x0400, 1, 0 },
    { "e4m3fn", "0x1.fp-7", FL_RNE, 0x08, 1, 0 },
    { "e4m3fn", "0x1.ep-7", FL_RNE, 0x08, 1, 1 },
  };
  for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
    {
      fl_format *f = tu_parse (k[i].fmt);
      mpfr_t x;
      mpfr_init2 (x, 64);
      mpfr_set_str (x, k[i].x, 0, MPFR_RNDN);
      double xd = mpfr_get_d (x, MPFR_RNDN);
      for (int after = 0; after < 2; after++)
        {
          fl_rounding r;
          fl_rounding_init (&r);
          r.mode = k[i].m;
          r.tininess = after ? FL_TININESS_AFTER : FL_TININESS_BEFORE;
          unsigned fl = 0;
          uint64_t c = fl_encode (f, x, &r, &fl);
          int want = after ? k[i].uf_after : k[i].uf_before;
          ck_assert_msg (c == k[i].code && ((fl & FL_FLAG_UNDERFLOW) != 0) == want
                         && (fl & FL_FLAG_INEXACT),
                         "%s %s %s tininess %s: code %llx flags %x", k[i].fmt, k[i].x,
                         fl_round_mode_name (k[i].m), after ? "after" : "before",
                         (unsigned long long) c, fl);
          /* the fast array path, long enough for its table loop, agrees */
          enum { N = 2048 };
          double *xs = malloc (N * sizeof *xs);
          uint64_t *cs = malloc (N * sizeof *cs);
          for (size_t j = 0; j < N; j++)
            xs[j] = j == N / 2 ? xd : 1.0;
          unsigned fa = 0;
          fl_encode_doubles (f, xs, cs, N, &r, &fa);
          ck_assert_msg (cs[N / 2] == k[i].code && ((fa & FL_FLAG_UNDERFLOW) != 0) == want,
                         "%s %s array path: code %llx flags %x", k[i].fmt, k[i].x,
                         (unsigned long long) cs[N / 2], fa);
          free (xs);
          free (cs);
        }
      mpfr_clear (x);
      fl_format_free (f);
    }
}
END_TEST

/* The families' special values in arithmetic (formats.h), known answers:
   fp16 canonical quiet NaN 0x7e00 (IEEE 754 6.2.1: quiet bit = top significand bit);
   e4m3fn NaN 0x7f/0xff, no infinity (default overflow policy: NaN);
   e2m1fn no NaN, no infinity: invalid gives 0, x/0 the largest value 6 (0x7, 0xf);
   int8: x/0 saturates to 127 / -128; posit8es1: NaR 0x80 for everything, no flags. */
START_TEST (special_results)
{
  struct { const char *fmt; int what, neg; uint64_t code; unsigned flags; } k[] = {
    { "fp16", 0, 0, 0x7e00, FL_FLAG_INVALID },
    { "fp16", 1, 0, 0x7c00, FL_FLAG_DIVBYZERO },
    { "fp16", 1, 1, 0xfc00, FL_FLAG_DIVBYZERO },
    { "e4m3fn", 0, 0, 0x7f, FL_FLAG_INVALID },
    { "e4m3fn", 1, 1, 0xff, FL_FLAG_DIVBYZERO },
    { "e2m1fn", 0, 0, 0x0, FL_FLAG_INVALID },
    { "e2m1fn", 1, 1, 0xf, FL_FLAG_DIVBYZERO | FL_FLAG_OVERFLOW | FL_FLAG_INEXACT },
    { "int8", 0, 0, 0x0, FL_FLAG_INVALID },
    { "int8", 1, 0, 0x7f, FL_FLAG_DIVBYZERO | FL_FLAG_OVERFLOW | FL_FLAG_INEXACT },
    { "int8", 1, 1, 0x80, FL_FLAG_DIVBYZERO | FL_FLAG_OVERFLOW | FL_FLAG_INEXACT },
    { "posit8es1", 0, 0, 0x80, 0 },
    { "posit8es1", 1, 1, 0x80, 0 },
  };
  for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
    {
      fl_format *f = tu_parse (k[i].fmt);
      fl_rounding r;
      fl_rounding_init (&r);
      unsigned fl = 0;
      uint64_t c = k[i].what ? fl_divzero_result (f, k[i].neg, &r, &fl)
                   : fl_invalid_result (f, &r, &fl);
      ck_assert_msg (c == k[i].code && fl == k[i].flags, "%s %s: code %llx flags %x",
                     k[i].fmt, k[i].what ? "x/0" : "invalid", (unsigned long long) c, fl);
      fl_format_free (f);
    }
  fl_format *h = tu_parse ("fp16"), *e = tu_parse ("e4m3fn"), *p = tu_parse ("posit8es1");
  fl_format *d = tu_parse ("fp64");
  fl_rounding r;
  fl_rounding_init (&r);
  ck_assert (fl_code_is_signaling (h, 0x7c01) && !fl_code_is_signaling (h, 0x7e01));
  ck_assert (!fl_code_is_signaling (h, 0x7c00) && !fl_code_is_signaling (e, 0x7f));
  ck_assert (fl_nan_propagate (h, 0xfc01) == 0xfe01);                /* quieted, signed */
  ck_assert (fl_nan_propagate (e, 0xff) == 0xff);
  ck_assert (fl_nan_propagate (p, 0x80) == 0x80);
  unsigned fl = 0;
  ck_assert (fl_nan_convert (d, h, 0xfc01, &r, &fl) == UINT64_C(0xfff8000000000000) && fl == 0);
  ck_assert (fl_nan_convert (d, p, 0x80, &r, &fl) == UINT64_C(0x7ff8000000000000) && fl == 0);
  ck_assert (fl_nan_convert (p, d, UINT64_C(0x7ff8000000000000), &r, &fl) == 0x80 && fl == 0);
  fl_format_free (h);
  fl_format_free (e);
  fl_format_free (p);
  fl_format_free (d);
}
END_TEST

/* The (n+1)-bit neighbour's odd codes are the round-to-nearest cuts of posits and of LNS
   in the log domain; the neighbour is parsed here by its name, independently. */
START_TEST (cut_points)
{
  const char *pairs[][2] = { { "posit8es1", "posit9es1" }, { "posit6es0", "posit7es0" },
                             { "lns8f3", "lns9f4" }, { "lp8es1rs3", "lp9es1rs3" } };
  for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++)
    {
      fl_format *f = tu_parse (pairs[k][0]), *g = tu_parse (pairs[k][1]);
      mpfr_t a, b;
      mpfr_inits2 (200, a, b, (mpfr_ptr) 0);
      uint64_t lo = fl_format_minpos_code (f), hi = fl_format_max_code (f);
      for (uint64_t c = lo; c < hi; c++)
        {
          fl_format_cut (f, FL_DOMAIN_LOG, c, c + 1, a);
          fl_decode (g, 2 * c + 1, b);
          TU_CHECK (mpfr_equal_p (a, b), "%s: cut above code %llx is %s, %s code %llx is %s",
                    pairs[k][0], (unsigned long long) c, tu_hex (a), pairs[k][1],
                    (unsigned long long) (2 * c + 1), tu_hex (b));
        }
      mpfr_clears (a, b, (mpfr_ptr) 0);
      fl_format_free (f);
      fl_format_free (g);
    }
}
END_TEST

/* MPFR's discipline: the caller's exponent range and flags survive the calls, and the
   calls are exact whatever the caller's range (2^-1074 decoded under emin = -100). */
START_TEST (mpfr_state_kept)
{
  mpfr_exp_t emin = mpfr_get_emin (), emax = mpfr_get_emax ();
  fl_format *d = tu_parse ("fp64"), *l = tu_parse ("lns8f3"), *p = tu_parse ("posit8es1");
  mpfr_set_emin (-100);
  mpfr_set_emax (100);
  mpfr_flags_t want = MPFR_FLAGS_DIVBY0 | MPFR_FLAGS_NAN;
  mpfr_flags_clear (MPFR_FLAGS_ALL);
  mpfr_flags_set (want);
  mpfr_t x;
  mpfr_init2 (x, 64);
  ck_assert (fl_decode (d, 1, x) == FL_CLASS_SUBNORMAL);
  ck_assert (mpfr_get_exp (x) == -1073);                    /* 2^-1074 = 0.1b * 2^-1073 */
  fl_rounding r;
  fl_rounding_init (&r);
  fl_decode (l, 3, x);
  fl_encode (l, x, &r, NULL);
  fl_format_cut (p, FL_DOMAIN_LINEAR, 1, 2, x);
  char buf[64];
  fl_hexfloat (buf, sizeof buf, x, 3);
  ck_assert (fl_parse_real (x, "0.1", 64) == 0);
  double v[3] = { 0.3, -7.5, 1e-5 }, y[3];
  fl_quantize_doubles (l, v, y, 3, &r, NULL);
  fl_ref *ref;
  char err[128];
  ck_assert (fl_ref_new (d, FL_OP_DIV, &ref, err, sizeof err) == FL_OK);
  uint64_t a[2] = { UINT64_C(0x3ff0000000000000), 0 };
  fl_ref_eval (ref, a, &r, NULL);                           /* 1/0 */
  fl_ref_free (ref);
  mpfr_flags_t now = mpfr_flags_save ();
  mpfr_exp_t e1 = mpfr_get_emin (), e2 = mpfr_get_emax ();
  mpfr_set_emin (emin);
  mpfr_set_emax (emax);
  mpfr_flags_clear (MPFR_FLAGS_ALL);
  ck_assert_msg (e1 == -100 && e2 == 100, "exponent range changed to [%ld, %ld]", (long) e1,
                 (long) e2);
  ck_assert_msg (now == want, "flags %x, want %x", (unsigned) now, (unsigned) want);
  mpfr_clear (x);
  fl_format_free (d);
  fl_format_free (l);
  fl_format_free (p);
}
END_TEST

/* fl_round_odd: a sticky last bit.  1/3 toward zero at 8 bits is 0.10101010b * 2^-1 (even
   last bit) -> 0.10101011b * 2^-1; 1/2 is exact and stays. */
START_TEST (round_odd)
{
  mpfr_t y, t, third;
  mpfr_inits2 (8, y, t, (mpfr_ptr) 0);
  mpfr_init2 (third, 8);
  mpfr_set_ui (t, 3, MPFR_RNDN);
  int tern = mpfr_ui_div (y, 1, t, MPFR_RNDZ);
  fl_round_odd (y, tern);
  mpfr_set_str (third, "0x0.abp-1", 0, MPFR_RNDN);
  ck_assert_msg (mpfr_equal_p (y, third), "1/3 to odd: %s", tu_hex (y));
  mpfr_set_d (y, 0.5, MPFR_RNDN);
  fl_round_odd (y, 0);
  ck_assert (mpfr_cmp_d (y, 0.5) == 0);
  mpfr_set_str (y, "-0x0.aap0", 0, MPFR_RNDN);
  fl_round_odd (y, 1);
  mpfr_set_str (third, "-0x0.abp0", 0, MPFR_RNDN);
  ck_assert (mpfr_equal_p (y, third));
  mpfr_clears (y, t, third, (mpfr_ptr) 0);
}
END_TEST

/* Block formats through the ternary calls: the same values as fl_quantize_doubles/floats,
   and each ternary value the sign of (value - x), compared here exactly with MPFR. */
START_TEST (block_ternary)
{
  static const char *const names[] = { "mxfp4", "nvfp4", "group:elem=int4,k=16" };
  uint64_t st = tu_seed ("block_ternary", 20261127);
  enum { N = 100 };
  double x[N], y[N], y2[N];
  float xf[N], yf[N], yf2[N];
  int8_t t[N], tf[N];
  mpfr_t a, b;
  mpfr_inits2 (64, a, b, (mpfr_ptr) 0);
  for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
    {
      fl_format *f = tu_parse (names[k]);
      fl_rounding r;
      fl_rounding_init (&r);
      for (int i = 0; i < N; i++)
        {
          x[i] = ((double) (tu_splitmix (&st) >> 11) / 9007199254740992.0 - 0.5) * 20.0;
          xf[i] = (float) x[i];
        }
      unsigned fl = 0;
      fl_quantize_doubles (f, x, y, N, &r, &fl);
      fl_quantize_doubles_t (f, x, y2, t, N, &r, &fl);
      fl_quantize_floats (f, xf, yf, N, &r, &fl);
      fl_quantize_floats_t (f, xf, yf2, tf, N, &r, &fl);
      for (int i = 0; i < N; i++)
        {
          ck_assert_msg (memcmp (&y[i], &y2[i], sizeof y[i]) == 0, "%s [%d]", names[k], i);
          ck_assert_msg (memcmp (&yf[i], &yf2[i], sizeof yf[i]) == 0, "%s [%d]", names[k], i);
          mpfr_set_d (a, y[i], MPFR_RNDN);
          mpfr_set_d (b, x[i], MPFR_RNDN);
          int want = mpfr_cmp (a, b);
          ck_assert_msg (t[i] == (want > 0) - (want < 0), "%s [%d]: ternary %d for %a -> %a",
                         names[k], i, t[i], x[i], y[i]);
          mpfr_set_flt (a, yf[i], MPFR_RNDN);
          mpfr_set_flt (b, xf[i], MPFR_RNDN);
          want = mpfr_cmp (a, b);
          ck_assert_msg (tf[i] == (want > 0) - (want < 0), "%s [%d] (floats)", names[k], i);
        }
      fl_format_free (f);
    }
  mpfr_clears (a, b, (mpfr_ptr) 0);
}
END_TEST

/* Narrow code arrays give the codes of the uint64_t call (a long array: the table-driven
   encoders' chunks too), every mode; decoding every code of a format of <= 16 bits from a
   narrow array gives the nearest double of the exact MPFR decode (fl_decode at 53 bits,
   the independent side); a format wider than the array is refused. */
START_TEST (narrow_code_arrays)
{
  uint64_t st = tu_seed ("narrow_code_arrays", 17) + (uint64_t) _i;
  fl_format *f = tu_parse (formats[_i]);
  unsigned bits = fl_format_bits (f);
  enum { N = 3000 };
  double *x = malloc (N * sizeof *x), *y = malloc (N * sizeof *y), *z = malloc (N * sizeof *z);
  uint64_t *c64 = malloc (N * sizeof *c64);
  uint8_t *c8 = malloc (N);
  uint16_t *c16 = malloc (N * sizeof *c16);
  uint32_t *c32 = malloc (N * sizeof *c32);
  size_t n = sample (f, x, N, &st);
  if (!fl_format_is_exact (f))
    n = 200;                                      /* the logarithmic families: MPFR */
  for (int m = 0; m < FL_ROUND_MODES; m++)
    {
      fl_rounding r;
      fl_rounding_init (&r);
      r.mode = (fl_round_mode) m;
      r.seed = 3;
      r.stream = 7;
      unsigned f64 = 0, f8 = 0, f16 = 0, f32 = 0;
      fl_encode_doubles (f, x, c64, n, &r, &f64);
      ck_assert_int_eq (fl_encode_doubles_u8 (f, x, c8, n, &r, &f8),
                        bits <= 8 ? FL_OK : FL_ERANGE);
      ck_assert_int_eq (fl_encode_doubles_u16 (f, x, c16, n, &r, &f16),
                        bits <= 16 ? FL_OK : FL_ERANGE);
      ck_assert_int_eq (fl_encode_doubles_u32 (f, x, c32, n, &r, &f32), FL_OK);
      TU_CHECK (f32 == f64 && (bits > 16 || f16 == f64) && (bits > 8 || f8 == f64),
                "%s %s: flags differ", formats[_i], fl_round_mode_name (r.mode));
      for (size_t i = 0; i < n; i++)
        TU_CHECK (c32[i] == c64[i] && (bits > 16 || c16[i] == c64[i])
                  && (bits > 8 || c8[i] == c64[i]),
                  "%s %s x=%a: narrow codes differ from %llx", formats[_i],
                  fl_round_mode_name (r.mode), x[i], (unsigned long long) c64[i]);
    }
  if (bits <= 16)
    {
      size_t nc = (size_t) 1 << bits;
      double *d = malloc (nc * sizeof *d);
      mpfr_t v;
      mpfr_init2 (v, 53);
      for (size_t lo = 0; lo < nc; lo += N)
        {
          size_t len = nc - lo < N ? nc - lo : N;
          for (size_t i = 0; i < len; i++)
            c16[i] = (uint16_t) (lo + i);
          ck_assert_int_eq (fl_decode_doubles_u16 (f, c16, d + lo, len), FL_OK);
        }
      /* all codes in one call: long enough for the cached table (format.c) */
      uint16_t *all = malloc (nc * sizeof *all);
      double *dt = malloc (nc * sizeof *dt);
      for (size_t c = 0; c < nc; c++)
        all[c] = (uint16_t) c;
      ck_assert_int_eq (fl_decode_doubles_u16 (f, all, dt, nc), FL_OK);
      for (size_t c = 0; c < nc; c++)
        {
          fl_decode (f, c, v);
          double want = mpfr_get_d (v, MPFR_RNDN);
          TU_CHECK ((isnan (want) && isnan (d[c])) || memcmp (&want, &d[c], sizeof want) == 0,
                    "%s code %zx: narrow decode %a, MPFR %a", formats[_i], c, d[c], want);
          TU_CHECK ((isnan (want) && isnan (dt[c])) || memcmp (&want, &dt[c], sizeof want) == 0,
                    "%s code %zx: table decode %a, MPFR %a", formats[_i], c, dt[c], want);
        }
      free (all);
      free (dt);
      if (bits <= 8)
        {
          for (size_t c = 0; c < nc; c++)
            c8[c] = (uint8_t) c;
          ck_assert_int_eq (fl_decode_doubles_u8 (f, c8, y, nc), FL_OK);
          for (size_t c = 0; c < nc; c++)
            TU_CHECK ((isnan (y[c]) && isnan (d[c])) || memcmp (&y[c], &d[c], sizeof *y) == 0,
                      "%s code %zx: u8 decode %a, u16 %a", formats[_i], c, y[c], d[c]);
        }
      mpfr_clear (v);
      free (d);
    }
  else
    ck_assert_int_eq (fl_decode_doubles_u16 (f, c16, z, 1), FL_ERANGE);
  free (x); free (y); free (z); free (c64); free (c8); free (c16); free (c32);
  fl_format_free (f);
}
END_TEST

/* The counter-based generator against the known answers of Philox4x32-10 published with
   Random123 (Salmon et al., SC'11; examples/kat_vectors): counter words (c0..c3), key
   (k0, k1) -> four output words.  fl_random_u64 (seed, stream, k) runs counter
   (stream lo, stream hi, k/2 lo, k/2 hi) under key (seed lo, seed hi) and returns words
   0,1 (k even) or 2,3 (k odd).  The inlined copy the array loops use must agree. */
START_TEST (philox_known_answers)
{
  /* ctr 0, key 0 -> 6627e8d5 e169c58d bc57ac4c 9b00dbd8 */
  ck_assert_uint_eq (fl_random_u64 (0, 0, 0), UINT64_C(0x6627e8d5e169c58d));
  ck_assert_uint_eq (fl_random_u64 (0, 0, 1), UINT64_C(0xbc57ac4c9b00dbd8));
  /* ctr 243f6a88 85a308d3 13198a2e 03707344, key a4093822 299f31d0
     -> d16cfe09 94fdcceb 5001e420 24126ea1 */
  uint64_t seed = UINT64_C(0x299f31d0a4093822), stream = UINT64_C(0x85a308d3243f6a88);
  uint64_t k = UINT64_C(0x0370734413198a2e) << 1;
  ck_assert_uint_eq (fl_random_u64 (seed, stream, k), UINT64_C(0xd16cfe0994fdcceb));
  ck_assert_uint_eq (fl_random_u64 (seed, stream, k + 1), UINT64_C(0x5001e42024126ea1));
}
END_TEST

static Suite *
suite (void)
{
  Suite *s = suite_create ("format");
  TCase *t = tcase_create ("seam");
  tcase_set_timeout (t, 300);
  tcase_add_loop_test (t, ternary_independent, 0, (int) NFMT);
  tcase_add_loop_test (t, quantize_equals_encode_decode, 0, (int) NFMT);
  tcase_add_loop_test (t, narrow_code_arrays, 0, (int) NFMT);
  tcase_add_loop_test (t, threads_independent, 0,
                       (int) (sizeof thread_formats / sizeof thread_formats[0]));
  tcase_add_loop_test (t, quantize_fast_edges, 0,
                       (int) (sizeof fast_formats / sizeof fast_formats[0]));
  tcase_add_test (t, tininess_known_answers);
  tcase_add_test (t, philox_known_answers);
  tcase_add_test (t, special_results);
  tcase_add_test (t, cut_points);
  tcase_add_test (t, mpfr_state_kept);
  tcase_add_test (t, round_odd);
  tcase_add_test (t, block_ternary);
  suite_add_tcase (s, t);
  return s;
}

int
main (void)
{
  return tu_run (suite ());
}
