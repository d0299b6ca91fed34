/* test_fixed.c -- the fixed-point family (formats/fixed.c): fixed<IL>.<FL> (two's
   complement, IL counts the sign bit), ufixed<IL>.<FL>, int<n>, uint<n>.

   The independent side is integer arithmetic written here: x = n / 2^s exactly (n a
   64-bit integer), x * 2^FL = n / 2^k split by floor division into q and a remainder in
   [0, 2^k), rounded by the mode's textbook rule in value order (rne: ties to even; rna:
   ties away from zero; rtz, rup, rdn; rto: the odd one of q, q + 1 when inexact), then
   clamped to the format's range (saturation, the family's only overflow policy).  Both the
   exact encoder and the double fast path are checked, every deterministic mode, with
   INEXACT iff the result differs from x.  Seeded (printed). */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include "testutil.h"

typedef struct {
  const char *name;
  int W, FL, is_signed;
} fxd;

static const fxd formats[] = {
  { "fixed4.4", 8, 4, 1 }, { "fixed8.8", 16, 8, 1 }, { "fixed1.7", 8, 7, 1 },
  { "ufixed4.4", 8, 4, 0 }, { "int8", 8, 0, 1 }, { "uint8", 8, 0, 0 },
  { "int16", 16, 0, 1 }, { "fixed12.20", 32, 20, 1 }, { "uint3", 3, 0, 0 },
};
#define NF (sizeof formats / sizeof formats[0])

/* The expected integer (value * 2^FL) of x = n / 2^s. */
static int64_t
expect (const fxd *p, int64_t n, int s, fl_round_mode m)
{
  int k = s - p->FL;
  int64_t q, rem = 0, one = 1;
  if (k <= 0)
    q = n * (one << -k);                 /* exact (the caller keeps it in range) */
  else
    {
      int64_t d = one << k;
      q = n >= 0 ? n / d : -((-n + d - 1) / d);      /* floor */
      rem = n - q * d;                               /* 0 <= rem < d */
    }
  if (rem != 0)
    {
      int64_t twice = 2 * rem, d = one << k;
      int up;
      switch (m)
        {
        case FL_RNE: up = twice > d || (twice == d && (q & 1)); break;
        case FL_RNA: up = twice > d || (twice == d && n > 0); break;
        case FL_RTZ: up = n < 0; break;
        case FL_RUP: up = 1; break;
        case FL_RDN: up = 0; break;
        default: up = !(q & 1); break;             /* rto */
        }
      q += up;
    }
  int64_t lo = p->is_signed ? -(one << (p->W - 1)) : 0;
  int64_t hi = p->is_signed ? (one << (p->W - 1)) - 1 : (one << p->W) - 1;
  return q < lo ? lo : q > hi ? hi : q;
}

START_TEST (fixed_against_integers)
{
  const fxd *p = &formats[_i];
  uint64_t st = tu_seed ("fixed_against_integers", 8) + (uint64_t) _i;
  fl_format *f = tu_parse (p->name);
  ck_assert_uint_eq (fl_format_bits (f), (unsigned) p->W);
  enum { N = 20000 };
  double *x = malloc (N * sizeof *x);
  int64_t *nn = malloc (N * sizeof *nn);
  int *ss = malloc (N * sizeof *ss);
  uint64_t *codes = malloc (N * sizeof *codes);
  for (size_t i = 0; i < N; i++)
    {
      uint64_t u = tu_splitmix (&st);
      int s = (int) (u % (unsigned) (p->FL + 10));
      int64_t range = (int64_t) 1 << (p->W + 2 + (s > p->FL ? s - p->FL : 0));
      if (range > ((int64_t) 1 << 50))
        range = (int64_t) 1 << 50;
      int64_t n = (int64_t) (tu_splitmix (&st) % (uint64_t) (2 * range + 1)) - range;
      if ((u >> 40) % 8 == 0 && s > p->FL)             /* ties: n = odd * 2^(k-1) */
        n = ((n / 1024) | 1) * ((int64_t) 1 << (s - p->FL - 1));
      nn[i] = n;
      ss[i] = s;
      x[i] = (double) n / (double) ((uint64_t) 1 << s);   /* exact: |n| < 2^53 */
    }
  mpfr_t v;
  mpfr_init2 (v, 64);
  for (int mi = 0; mi < 6; mi++)
    {
      fl_round_mode m = tu_det_modes[mi];
      fl_rounding r;
      fl_rounding_init (&r);
      r.mode = m;
      fl_encode_doubles (f, x, codes, N, &r, NULL);
      for (size_t i = 0; i < N; i++)
        {
          int64_t want = expect (p, nn[i], ss[i], m);
          uint64_t wcode = (uint64_t) want & fl_format_ncodes_minus1 (f);
          mpfr_set_d (v, x[i], MPFR_RNDN);
          unsigned fl = 0;
          uint64_t c = fl_encode (f, v, &r, &fl);
          TU_CHECK (c == wcode && codes[i] == wcode,
                    "%s %s x = %lld/2^%d: exact %llx, fast %llx, integers say %llx", p->name,
                    fl_round_mode_name (m), (long long) nn[i], ss[i], (unsigned long long) c,
                    (unsigned long long) codes[i], (unsigned long long) wcode);
          /* inexact iff want * 2^-FL != n * 2^-s */
          int exact;
          if (ss[i] >= p->FL)
            exact = (__int128) want * ((__int128) 1 << (ss[i] - p->FL)) == (__int128) nn[i];
          else
            exact = (__int128) want == (__int128) nn[i] * ((__int128) 1 << (p->FL - ss[i]));
          TU_CHECK (!!(fl & FL_FLAG_INEXACT) == !exact, "%s %s x = %lld/2^%d: flags %x",
                    p->name, fl_round_mode_name (m), (long long) nn[i], ss[i], fl);
        }
    }
  printf ("fixed_against_integers: %s, %d values x 6 modes\n", p->name, (int) N);
  mpfr_clear (v);
  free (x);
  free (nn);
  free (ss);
  free (codes);
  fl_format_free (f);
}
END_TEST

/* Decoding: code c of fixed<IL>.<FL> is the two's complement integer c times 2^-FL. */
START_TEST (fixed_decode_every_code)
{
  const fxd *p = &formats[_i];
  if (p->W > 16)
    return;
  fl_format *f = tu_parse (p->name);
  mpfr_t v;
  mpfr_init2 (v, 64);
  for (uint64_t c = 0; c < ((uint64_t) 1 << p->W); c++)
    {
      int64_t iv = (int64_t) c;
      if (p->is_signed && (c >> (p->W - 1)))
        iv -= (int64_t) 1 << p->W;
      fl_decode (f, c, v);
      mpfr_mul_2si (v, v, p->FL, MPFR_RNDN);
      TU_CHECK (mpfr_cmp_si (v, (long) iv) == 0, "%s code %llx: %s, want %lld * 2^-%d", p->name,
                (unsigned long long) c, tu_hex (v), (long long) iv, p->FL);
    }
  mpfr_clear (v);
  fl_format_free (f);
}
END_TEST

static Suite *
suite (void)
{
  Suite *s = suite_create ("fixed");
  TCase *t = tcase_create ("fixed");
  tcase_set_timeout (t, 120);
  tcase_add_loop_test (t, fixed_against_integers, 0, (int) NF);
  tcase_add_loop_test (t, fixed_decode_every_code, 0, (int) NF);
  suite_add_tcase (s, t);
  return s;
}

int
main (void)
{
  return tu_run (suite ());
}
