/* test_refops_log.c -- reference operations of the logarithmic families (LP, LNS).

   Independent reference: a brute force over the format's values.  The exact result x is a
   sum of at most two signed powers of two 2^q (q from fl_decode_log2); the expected code
   is found by binary search over the sorted values and the mode's rule (nearest value in
   the linear domain, nearest log in the log domain, ties to the even code or away,
   directed neighbours, saturation, LNS's zero region), with every comparison decided by
   this file's own exact comparator: equality by grouping the exponents over a common
   denominator N (the 2^(j/N) are linearly independent over Q), otherwise the sign of an
   MPFR evaluation whose error is bounded explicitly, precision doubled until the sign is
   certain.  It shares no code with the engine's fl_p2sum. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fmtlab/refops.h>
#include "testutil.h"

/* ---- the independent exact comparator ------------------------------------------------ */

#define MAXT 6
typedef struct {
  int n;
  int neg[MAXT];
  mpq_t q[MAXT];
} sum_t;

static void
sum_init (sum_t *s)
{
  s->n = 0;
  for (int i = 0; i < MAXT; i++)
    mpq_init (s->q[i]);
}

static void
sum_clear (sum_t *s)
{
  for (int i = 0; i < MAXT; i++)
    mpq_clear (s->q[i]);
}

static void
sum_add (sum_t *s, int neg, mpq_srcptr q)
{
  ck_assert (s->n < MAXT);
  s->neg[s->n] = neg;
  mpq_set (s->q[s->n], q);
  s->n++;
}

/* Exact sign of sum (-1)^neg_i 2^q_i. */
static int
sum_sign (const sum_t *s)
{
  if (s->n == 0)
    return 0;
  /* exact zero test: exponents k_i / N, groups by k_i mod N */
  mpz_t N, k[MAXT], key[MAXT], acc, t;
  mpz_inits (N, acc, t, NULL);
  mpz_set_ui (N, 1);
  for (int i = 0; i < s->n; i++)
    mpz_lcm (N, N, mpq_denref (s->q[i]));
  long emin = 0;
  for (int i = 0; i < s->n; i++)
    {
      mpz_inits (k[i], key[i], NULL);
      mpz_divexact (k[i], N, mpq_denref (s->q[i]));
      mpz_mul (k[i], k[i], mpq_numref (s->q[i]));
      mpz_fdiv_r (key[i], k[i], N);
      mpz_sub (t, k[i], key[i]);
      mpz_divexact (t, t, N);
      long e = mpz_get_si (t);
      if (i == 0 || e < emin)
        emin = e;
    }
  int allzero = 1;
  for (int i = 0; i < s->n && allzero; i++)
    {
      mpz_set_ui (acc, 0);
      for (int j = 0; j < s->n; j++)
        if (mpz_cmp (key[j], key[i]) == 0)
          {
            mpz_sub (t, k[j], key[j]);
            mpz_divexact (t, t, N);
            mpz_set_ui (t, 1);
            mpz_t e;
            mpz_init (e);
            mpz_sub (e, k[j], key[j]);
            mpz_divexact (e, e, N);
            mpz_mul_2exp (t, t, (mp_bitcnt_t) (mpz_get_si (e) - emin));
            mpz_clear (e);
            if (s->neg[j])
              mpz_sub (acc, acc, t);
            else
              mpz_add (acc, acc, t);
          }
      if (mpz_sgn (acc))
        allzero = 0;
    }
  for (int i = 0; i < s->n; i++)
    mpz_clears (k[i], key[i], NULL);
  mpz_clears (N, acc, t, NULL);
  if (allzero)
    return 0;
  /* nonzero: S = sum of RN(2^RN(q_i)) at P bits; |S - x| <= sum |t_i| (|q_i| + 4) 2^(2-P) */
  for (mpfr_prec_t P = 128;; P *= 2)
    {
      mpfr_t a, S, B, w;
      mpfr_inits2 (P, a, S, B, w, (mpfr_ptr) 0);
      mpfr_set_zero (S, 1);
      mpfr_set_zero (B, 1);
      for (int i = 0; i < s->n; i++)
        {
          mpfr_set_q (a, s->q[i], MPFR_RNDN);
          mpfr_exp2 (a, a, MPFR_RNDN);
          mpfr_set_q (w, s->q[i], MPFR_RNDN);
          mpfr_abs (w, w, MPFR_RNDU);
          mpfr_add_ui (w, w, 4, MPFR_RNDU);
          mpfr_mul (w, w, a, MPFR_RNDU);
          mpfr_mul_2si (w, w, 4 - P, MPFR_RNDU);
          mpfr_add (B, B, w, MPFR_RNDU);
          if (s->neg[i])
            mpfr_sub (S, S, a, MPFR_RNDN);
          else
            mpfr_add (S, S, a, MPFR_RNDN);
        }
      /* the additions' own rounding: at most n ulps of the running partial sums */
      mpfr_mul_2si (w, B, 0, MPFR_RNDU);
      mpfr_mul_ui (B, B, 2, MPFR_RNDU);
      int sg = 0;
      mpfr_abs (w, S, MPFR_RNDN);
      if (mpfr_cmp (w, B) > 0)
        sg = mpfr_sgn (S);
      mpfr_clears (a, S, B, w, (mpfr_ptr) 0);
      if (sg)
        return sg;
    }
}

/* sign(x - y) where y = c * 2^qy (+ c * 2^qz when qz) : helper building one sum */
static int
cmp_x (const sum_t *x, int scale2, mpq_srcptr qy, mpq_srcptr qz)
{
  sum_t d;
  sum_init (&d);
  mpq_t t;
  mpq_init (t);
  for (int i = 0; i < x->n; i++)
    {
      mpq_set_si (t, scale2, 1);
      mpq_add (t, t, x->q[i]);
      sum_add (&d, x->neg[i], t);
    }
  if (qy)
    sum_add (&d, 1, qy);
  if (qz)
    sum_add (&d, 1, qz);
  int c = sum_sign (&d);
  mpq_clear (t);
  sum_clear (&d);
  return c;
}

/* ---- the brute-force rounder ----------------------------------------------------------- */

typedef struct {
  fl_format *f;
  int lp;               /* logarithmic posit (else LNS) */
  unsigned n;
  uint64_t M;           /* number of positive values */
  uint64_t *pos;        /* pos[i], i = 1..M: positive codes in increasing value */
  mpq_t *q;             /* their logs */
  uint64_t zero, nan;
  mpq_t zcut;           /* LNS: log of the zero cut (between the reserved step and minpos) */
} bf_t;

static uint64_t
bf_neg (const bf_t *b, uint64_t c)
{
  uint64_t mask = fl_format_ncodes_minus1 (b->f);
  return b->lp ? (0 - c) & mask : c ^ (UINT64_C(1) << (b->n - 1));
}

static void
bf_init (bf_t *b, const char *name)
{
  b->f = tu_parse (name);
  b->n = fl_format_bits (b->f);
  b->lp = fl_format_family (b->f) == FL_FAMILY_LOGPOSIT;
  uint64_t ncodes = fl_format_ncodes_minus1 (b->f) + 1;
  b->pos = calloc (ncodes, sizeof *b->pos);
  b->q = malloc (ncodes * sizeof *b->q);
  for (uint64_t i = 0; i < ncodes; i++)
    mpq_init (b->q[i]);
  mpq_init (b->zcut);
  b->M = 0;
  mpq_t tq;
  mpq_init (tq);
  /* positive codes, insertion-sorted by log */
  for (uint64_t c = 0; c < ncodes; c++)
    if (fl_decode_log2 (b->f, c, tq) && !((c >> (b->n - 1)) & 1))
      {
        uint64_t j = ++b->M;
        while (j > 1 && mpq_cmp (b->q[j - 1], tq) > 0)
          {
            mpq_set (b->q[j], b->q[j - 1]);
            b->pos[j] = b->pos[j - 1];
            j--;
          }
        mpq_set (b->q[j], tq);
        b->pos[j] = c;
      }
  mpq_clear (tq);
  b->nan = b->lp ? UINT64_C(1) << (b->n - 1) : (UINT64_C(3) << (b->n - 2));
  b->zero = b->lp ? 0 : UINT64_C(1) << (b->n - 2);
  if (!b->lp)
    {
      /* LNS: minpos log minus half a log step */
      unsigned F = (unsigned) fl_format_bits_at_one (b->f);
      mpq_set_ui (b->zcut, 1, 2UL << F);
      mpq_sub (b->zcut, b->q[1], b->zcut);
    }
}

static void
bf_free (bf_t *b)
{
  uint64_t ncodes = fl_format_ncodes_minus1 (b->f) + 1;
  for (uint64_t i = 0; i < ncodes; i++)
    mpq_clear (b->q[i]);
  mpq_clear (b->zcut);
  free (b->q);
  free (b->pos);
  fl_format_free (b->f);
}

static uint64_t
bf_code (const bf_t *b, int negative, uint64_t mag)
{
  if (mag == 0)
    return b->zero;
  return negative ? bf_neg (b, b->pos[mag]) : b->pos[mag];
}

/* The expected codes of x for every mode (index tu_det_modes) and domain (0 log, 1 linear),
   plus whether x is exact. */
static void
bf_round (const bf_t *b, const sum_t *x, uint64_t out[6][2], int *exact)
{
  int sg = sum_sign (x);
  if (sg == 0)
    {
      for (int m = 0; m < 6; m++)
        out[m][0] = out[m][1] = b->zero;
      *exact = 1;
      return;
    }
  int negative = sg < 0;
  sum_t ax;
  sum_init (&ax);
  for (int i = 0; i < x->n; i++)
    sum_add (&ax, x->neg[i] ^ negative, x->q[i]);
  /* t = number of values <= |x| */
  uint64_t lo = 0, hi = b->M;     /* invariant: value(lo) <= |x| (lo 0: zero), value(hi+1) > |x| */
  while (lo < hi)
    {
      uint64_t mid = (lo + hi + 1) / 2;
      if (cmp_x (&ax, 0, b->q[mid], NULL) >= 0)
        lo = mid;
      else
        hi = mid - 1;
    }
  uint64_t t = lo;
  *exact = t > 0 && cmp_x (&ax, 0, b->q[t], NULL) == 0;
  for (int d = 0; d < 2; d++)
    {
      int c = 0;
      if (!*exact && t < b->M && !(t == 0 && b->lp))
        {
          if (d == 0)
            {
              mpq_t mq;
              mpq_init (mq);
              if (t == 0)
                mpq_set (mq, b->zcut);
              else
                {
                  mpq_add (mq, b->q[t], b->q[t + 1]);
                  mpq_div_2exp (mq, mq, 1);
                }
              c = cmp_x (&ax, 0, mq, NULL);
              mpq_clear (mq);
            }
          else
            c = cmp_x (&ax, 1, t ? b->q[t] : NULL, b->q[t + 1]);
        }
      for (int m = 0; m < 6; m++)
        {
          uint64_t r;
          fl_round_mode mode = tu_det_modes[m];
          if (*exact)
            r = t;
          else
            switch (mode)
              {
              case FL_RTZ: r = t; break;
              case FL_RUP: r = negative ? t : t + 1; break;
              case FL_RDN: r = negative ? t + 1 : t; break;
              case FL_RTO: r = (t & 1) ? t : t + 1; break;
              default:
                if (t == b->M)
                  r = t;
                else if (t == 0 && b->lp)
                  r = 1;                           /* posits: never to zero */
                else if (c < 0)
                  r = t;
                else if (c > 0)
                  r = t + 1;
                else
                  r = mode == FL_RNA ? t + 1 : (t & 1) ? t + 1 : t;
              }
          if (r > b->M)
            r = b->M;                              /* saturation */
          out[m][d] = bf_code (b, negative, r);
        }
    }
  sum_clear (&ax);
}

/* ---- exhaustive comparison ---------------------------------------------------------- */

static double
now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

/* Expected result of op on a (and b) by the rule tables, or the sum x; returns 1 when x
   must be rounded, 0 when *special holds the code. */
static int
build (const bf_t *bf, fl_op op, uint64_t a, uint64_t b, sum_t *x, uint64_t *special)
{
  mpq_t qa, qb, t;
  mpq_inits (qa, qb, t, NULL);
  int ka = fl_decode_log2 (bf->f, a, qa), kb = op == FL_OP_SQRT ? 1 : fl_decode_log2 (bf->f, b, qb);
  int na = (int) ((a >> (bf->n - 1)) & 1), nb = (int) ((b >> (bf->n - 1)) & 1);
  int za = a == bf->zero, zb = op != FL_OP_SQRT && b == bf->zero;
  int res = 1;
  x->n = 0;
  if ((!ka && !za) || (!kb && !zb))
    {
      *special = bf->nan;                          /* NaN / NaR operand */
      res = 0;
    }
  else
    switch (op)
      {
      case FL_OP_ADD: case FL_OP_SUB:
        if (ka) sum_add (x, na, qa);
        if (kb) sum_add (x, nb ^ (op == FL_OP_SUB), qb);
        break;
      case FL_OP_MUL:
        if (ka && kb) { mpq_add (t, qa, qb); sum_add (x, na ^ nb, t); }
        break;
      case FL_OP_DIV:
        if (zb)
          {
            res = 0;
            if (bf->lp || za)
              *special = bf->nan;                  /* NaR; LNS 0/0: NaN */
            else
              *special = bf_code (bf, na, bf->M);  /* LNS x/0: +-maxpos */
          }
        else if (ka) { mpq_sub (t, qa, qb); sum_add (x, na ^ nb, t); }
        break;
      case FL_OP_SQRT:
        if (ka && na) { *special = bf->nan; res = 0; }
        else if (ka) { mpq_div_2exp (t, qa, 1); sum_add (x, 0, t); }
        break;
      default: abort ();
      }
  mpq_clears (qa, qb, t, NULL);
  return res;
}

/* all_modes: every deterministic mode in both domains; else RNE in both domains plus one
   other (mode, domain) per case, cycling. */
static void
exhaustive (const char *name, fl_op op, int all_modes)
{
  double t0 = now ();
  bf_t bf;
  bf_init (&bf, name);
  fl_ref *ref;
  char err[256];
  ck_assert_msg (fl_ref_new (bf.f, op, &ref, err, sizeof err) == FL_OK, "%s", err);
  uint64_t ncodes = fl_format_ncodes_minus1 (bf.f) + 1;
  uint64_t nb = op == FL_OP_SQRT ? 1 : ncodes;
  sum_t x;
  sum_init (&x);
  long checked = 0, bad = 0;
  for (uint64_t a = 0; a < ncodes; a++)
    for (uint64_t b = 0; b < nb; b++)
      {
        uint64_t special = 0, exp[6][2];
        int exact = 1;
        int rounded = build (&bf, op, a, b, &x, &special);
        if (rounded)
          bf_round (&bf, &x, exp, &exact);
        uint64_t ops[2] = { a, b };
        for (int m = 0; m < 6; m++)
          for (int d = 0; d < 2; d++)
            {
              uint64_t i = a * nb + b;
              if (!all_modes && !(m == 0 || (uint64_t) (1 + 2 * (m - 1) + d) == 1 + i % 10))
                continue;
              fl_rounding r;
              fl_rounding_init (&r);
              r.mode = tu_det_modes[m];
              r.domain = d ? FL_DOMAIN_LINEAR : FL_DOMAIN_LOG;
              unsigned fl = 0;
              uint64_t got = fl_ref_eval (ref, ops, &r, &fl);
              uint64_t want = rounded ? exp[m][d] : special;
              checked++;
              int ok = got == want;
              if (rounded && ok && x.n)
                ok = ((fl & FL_FLAG_INEXACT) != 0) == !exact;
              if (!ok && bad++ < 5)
                fprintf (stderr, "%s %s %02llx %02llx %s %s: got %02llx flags %u, want %02llx%s\n",
                         name, fl_op_name (op), (unsigned long long) a, (unsigned long long) b,
                         fl_round_mode_name (r.mode), d ? "linear" : "log",
                         (unsigned long long) got, fl, (unsigned long long) want,
                         exact ? " exact" : "");
            }
      }
  sum_clear (&x);
  fl_ref_free (ref);
  bf_free (&bf);
  printf ("%s %s: %ld cases (%s) in %.2f s, %ld mismatches\n", name, fl_op_name (op), checked,
          all_modes ? "every mode, both domains" : "rne both domains + one other mode/domain per case",
          now () - t0, bad);
  ck_assert_msg (bad == 0, "%s %s: %ld mismatches of %ld", name, fl_op_name (op), bad, checked);
}

static const struct { const char *name; fl_op op; int all; } cases[] = {
  { "lns6f2", FL_OP_ADD, 1 }, { "lns6f2", FL_OP_SUB, 1 }, { "lns6f2", FL_OP_MUL, 1 },
  { "lns6f2", FL_OP_DIV, 1 }, { "lns6f2", FL_OP_SQRT, 1 },
  { "lp6es1rs3", FL_OP_ADD, 1 }, { "lp6es1rs3", FL_OP_SUB, 1 }, { "lp6es1rs3", FL_OP_MUL, 1 },
  { "lp6es1rs3", FL_OP_DIV, 1 }, { "lp6es1rs3", FL_OP_SQRT, 1 },
  { "lp6es1rs3sf1", FL_OP_MUL, 1 }, { "lp6es1rs3sf1", FL_OP_DIV, 1 },
  { "lp6es1rs3sf-2", FL_OP_MUL, 1 }, { "lp6es1rs3sf-2", FL_OP_DIV, 1 },
  { "lns8f3", FL_OP_ADD, 0 }, { "lns8f3", FL_OP_SUB, 0 }, { "lns8f3", FL_OP_MUL, 0 },
  { "lns8f3", FL_OP_DIV, 0 }, { "lns8f3", FL_OP_SQRT, 1 },
  { "lp8es1rs3", FL_OP_ADD, 0 }, { "lp8es1rs3", FL_OP_SUB, 0 }, { "lp8es1rs3", FL_OP_MUL, 0 },
  { "lp8es1rs3", FL_OP_DIV, 0 }, { "lp8es1rs3", FL_OP_SQRT, 1 },
  { "lp8es1rs3sf1", FL_OP_MUL, 0 }, { "lp8es1rs3sf-2", FL_OP_DIV, 0 },
};

START_TEST (exhaustive_vs_brute_force)
{
  exhaustive (cases[_i].name, cases[_i].op, cases[_i].all);
}
END_TEST

/* ---- known answers ---------------------------------------------------------------------- */

static uint64_t
ref1 (const char *name, fl_op op, uint64_t a, uint64_t b, uint64_t c, fl_round_mode m,
      fl_domain d, unsigned *fl)
{
  fl_format *f = tu_parse (name);
  fl_ref *ref;
  char err[256];
  ck_assert_msg (fl_ref_new (f, op, &ref, err, sizeof err) == FL_OK, "%s", err);
  fl_rounding r;
  fl_rounding_init (&r);
  r.mode = m;
  r.domain = d;
  uint64_t ops[3] = { a, b, c };
  *fl = 0;
  uint64_t res = fl_ref_eval (ref, ops, &r, fl);
  fl_ref_free (ref);
  fl_format_free (f);
  return res;
}

START_TEST (known_answers)
{
  unsigned fl;
  const fl_domain LOG = FL_DOMAIN_LOG, LIN = FL_DOMAIN_LINEAR;
  /* SPEC B4.4 item 3: 2^(1/8) * 2^(1/8) = 2^(2/8), exact */
  ck_assert_uint_eq (ref1 ("lns8f3", FL_OP_MUL, 0x01, 0x01, 0, FL_RNE, LOG, &fl), 0x02);
  ck_assert_uint_eq (fl & FL_FLAG_INEXACT, 0);
  /* 1 + 1 = 2 = 2^(8/8), exact */
  ck_assert_uint_eq (ref1 ("lns8f3", FL_OP_ADD, 0x00, 0x00, 0, FL_RNE, LOG, &fl), 0x08);
  ck_assert_uint_eq (fl & FL_FLAG_INEXACT, 0);
  /* lp8es1rs3: 1 + 1 = 2: code 50 (40 = 1, 60 = 4, SPEC B3.3) */
  ck_assert_uint_eq (ref1 ("lp8es1rs3", FL_OP_ADD, 0x40, 0x40, 0, FL_RNE, LOG, &fl), 0x50);
  /* the exact linear-domain tie 2^(-7/8) + 2^(-1) = (1 + 2^(1/8))/2 between 00 and 01:
     rne -> 00 (even), rna -> 01 (away); the log domain: above 2^(1/16) -> 01 */
  ck_assert_uint_eq (ref1 ("lns8f3", FL_OP_ADD, 0x79, 0x78, 0, FL_RNE, LIN, &fl), 0x00);
  ck_assert_uint_eq (fl & FL_FLAG_INEXACT, FL_FLAG_INEXACT);
  ck_assert_uint_eq (ref1 ("lns8f3", FL_OP_ADD, 0x79, 0x78, 0, FL_RNA, LIN, &fl), 0x01);
  ck_assert_uint_eq (ref1 ("lns8f3", FL_OP_ADD, 0x79, 0x78, 0, FL_RNE, LOG, &fl), 0x01);
  /* the same tie negated: -00 is 80 */
  ck_assert_uint_eq (ref1 ("lns8f3", FL_OP_ADD, 0xf9, 0xf8, 0, FL_RNE, LIN, &fl), 0x80);
  ck_assert_uint_eq (ref1 ("lns8f3", FL_OP_ADD, 0xf9, 0xf8, 0, FL_RNA, LIN, &fl), 0x81);
  /* a geometric tie from an exact log: sqrt(2^(1/8)) = 2^(1/16), between 00 and 01 */
  ck_assert_uint_eq (ref1 ("lns8f3", FL_OP_SQRT, 0x01, 0, 0, FL_RNE, LOG, &fl), 0x00);
  ck_assert_uint_eq (ref1 ("lns8f3", FL_OP_SQRT, 0x01, 0, 0, FL_RNA, LOG, &fl), 0x01);
  /* x - x = 0: the zero code (LNS 40, LP 00) */
  ck_assert_uint_eq (ref1 ("lns8f3", FL_OP_SUB, 0x13, 0x13, 0, FL_RDN, LOG, &fl), 0x40);
  ck_assert_uint_eq (ref1 ("lp8es1rs3", FL_OP_SUB, 0x53, 0x53, 0, FL_RDN, LOG, &fl), 0x00);
  /* NaR rules (SPEC A3, posit standard): NaR operand, x/0, 0/0, sqrt(x<0) -> NaR, no flags */
  ck_assert_uint_eq (ref1 ("lp8es1rs3", FL_OP_ADD, 0x80, 0x40, 0, FL_RNE, LOG, &fl), 0x80);
  ck_assert_uint_eq (ref1 ("lp8es1rs3", FL_OP_DIV, 0x40, 0x00, 0, FL_RNE, LOG, &fl), 0x80);
  ck_assert_uint_eq (fl, 0);
  ck_assert_uint_eq (ref1 ("lp8es1rs3", FL_OP_DIV, 0x00, 0x00, 0, FL_RNE, LOG, &fl), 0x80);
  ck_assert_uint_eq (ref1 ("lp8es1rs3", FL_OP_SQRT, 0xc0, 0, 0, FL_RNE, LOG, &fl), 0x80);
  /* LNS rules (A4): NaN operand -> NaN c0, 0/0 -> NaN + invalid, x/0 -> +-maxpos */
  ck_assert_uint_eq (ref1 ("lns8f3", FL_OP_MUL, 0xc0, 0x00, 0, FL_RNE, LOG, &fl), 0xc0);
  ck_assert_uint_eq (ref1 ("lns8f3", FL_OP_DIV, 0x40, 0x40, 0, FL_RNE, LOG, &fl), 0xc0);
  ck_assert_uint_eq (fl & FL_FLAG_INVALID, FL_FLAG_INVALID);
  ck_assert_uint_eq (ref1 ("lns8f3", FL_OP_DIV, 0x81, 0x40, 0, FL_RNE, LOG, &fl), 0xbf);
  ck_assert_uint_eq (fl & FL_FLAG_DIVBYZERO, FL_FLAG_DIVBYZERO);
  ck_assert_uint_eq (ref1 ("lns8f3", FL_OP_SQRT, 0x80, 0, 0, FL_RNE, LOG, &fl), 0xc0);
  /* fma, one rounding: 2^(1/8) * 2^(-1/8) + (-1) = 0 exactly */
  ck_assert_uint_eq (ref1 ("lns8f3", FL_OP_FMA, 0x01, 0x7f, 0x80, FL_RNE, LOG, &fl), 0x40);
  /* fma: 1 * 2^(-7/8) + 2^(-1): the linear tie again, through the product */
  ck_assert_uint_eq (ref1 ("lns8f3", FL_OP_FMA, 0x00, 0x79, 0x78, FL_RNE, LIN, &fl), 0x00);
  ck_assert_uint_eq (ref1 ("lns8f3", FL_OP_FMA, 0x00, 0x79, 0x78, FL_RNA, LIN, &fl), 0x01);
  /* to_f64: 2^(1/8) = 0x1.172b83c7d517adcdf7c8c50eb14a8p+0 (113 bits) -> 3ff172b83c7d517b
     (RN; the dropped bits 0x..adcd.. are above half); rtz -> ...517a */
  ck_assert_uint_eq (ref1 ("lns8f3", FL_OP_TO_F64, 0x01, 0, 0, FL_RNE, LOG, &fl),
                     UINT64_C(0x3ff172b83c7d517b));
  ck_assert_uint_eq (ref1 ("lns8f3", FL_OP_TO_F64, 0x01, 0, 0, FL_RTZ, LOG, &fl),
                     UINT64_C(0x3ff172b83c7d517a));
  ck_assert_uint_eq (ref1 ("lns8f3", FL_OP_TO_F64, 0x08, 0, 0, FL_RNE, LOG, &fl),
                     UINT64_C(0x4000000000000000));
  ck_assert_uint_eq (fl & FL_FLAG_INEXACT, 0);
  ck_assert_uint_eq (ref1 ("lp8es1rs3", FL_OP_TO_F64, 0x80, 0, 0, FL_RNE, LOG, &fl) & UINT64_C(0x7ff8000000000000),
                     UINT64_C(0x7ff8000000000000));
  /* to_f64 with sr is refused, not approximated */
  {
    fl_format *f = tu_parse ("lns8f3");
    fl_rounding r;
    fl_rounding_init (&r);
    r.mode = FL_SR;
    char err[256];
    ck_assert_int_eq (fl_ref_rounding_ok (f, FL_OP_TO_F64, &r, err, sizeof err), FL_EUNSUPPORTED);
    ck_assert_int_eq (fl_ref_rounding_ok (f, FL_OP_ADD, &r, err, sizeof err), FL_OK);
    fl_format_free (f);
  }
}
END_TEST

/* fdp = the exact sum of products, checked against the brute force */
START_TEST (fdp_vs_brute_force)
{
  const char *names[2] = { "lns8f3", "lp8es1rs3" };
  for (int k = 0; k < 2; k++)
    {
      bf_t bf;
      bf_init (&bf, names[k]);
      uint64_t st = 99 + (uint64_t) k;
      sum_t x;
      sum_init (&x);
      mpq_t qa, qb;
      mpq_inits (qa, qb, NULL);
      for (int it = 0; it < 3000; it++)
        {
          uint64_t a[3], b[3];
          x.n = 0;
          int nan = 0;
          for (int i = 0; i < 3; i++)
            {
              a[i] = tu_splitmix (&st) & 0xff;
              b[i] = tu_splitmix (&st) & 0xff;
              int ka = fl_decode_log2 (bf.f, a[i], qa), kb = fl_decode_log2 (bf.f, b[i], qb);
              if ((!ka && a[i] != bf.zero) || (!kb && b[i] != bf.zero))
                nan = 1;
              else if (ka && kb)
                {
                  mpq_add (qa, qa, qb);
                  sum_add (&x, (int) ((a[i] ^ b[i]) >> 7) & 1, qa);
                }
            }
          uint64_t exp[6][2];
          int exact;
          if (!nan)
            bf_round (&bf, &x, exp, &exact);
          for (int m = 0; m < 6; m++)
            for (int d = 0; d < 2; d++)
              {
                fl_rounding r;
                fl_rounding_init (&r);
                r.mode = tu_det_modes[m];
                r.domain = d ? FL_DOMAIN_LINEAR : FL_DOMAIN_LOG;
                uint64_t got = fl_ref_fdp (bf.f, a, b, 3, &r, NULL);
                uint64_t want = nan ? bf.nan : exp[m][d];
                TU_CHECK (got == want, "%s fdp %02llx %02llx %02llx . %02llx %02llx %02llx mode %d domain %d: got %02llx want %02llx",
                          names[k], (unsigned long long) a[0], (unsigned long long) a[1],
                          (unsigned long long) a[2], (unsigned long long) b[0],
                          (unsigned long long) b[1], (unsigned long long) b[2], m, d,
                          (unsigned long long) got, (unsigned long long) want);
              }
        }
      mpq_clears (qa, qb, NULL);
      sum_clear (&x);
      bf_free (&bf);
    }
}
END_TEST

/* sr: the two neighbours only, and for an exact result the exact code */
START_TEST (sr_neighbours)
{
  bf_t bf;
  bf_init (&bf, "lns6f2");
  fl_ref *ref;
  char err[256];
  ck_assert (fl_ref_new (bf.f, FL_OP_ADD, &ref, err, sizeof err) == FL_OK);
  sum_t x;
  sum_init (&x);
  for (uint64_t a = 0; a < 64; a++)
    for (uint64_t b = 0; b < 64; b++)
      {
        uint64_t special, exp[6][2];
        int exact = 1;
        if (!build (&bf, FL_OP_ADD, a, b, &x, &special))
          continue;
        bf_round (&bf, &x, exp, &exact);
        fl_rounding r;
        fl_rounding_init (&r);
        r.mode = FL_SR;
        r.seed = 5;
        r.stream = a * 64 + b;
        r.sr_bits = (unsigned) ((a + b) % 3) * 4;     /* 0 (exact probability), 4, 8 */
        uint64_t ops[2] = { a, b };
        uint64_t got = fl_ref_eval (ref, ops, &r, NULL);
        uint64_t dn = exp[2][0], up = exp[3][0];       /* rtz? no: rdn and rup */
        dn = exp[4][0];
        up = exp[3][0];
        TU_CHECK (got == dn || got == up, "lns6f2 sr add %02llx %02llx: %02llx not in {%02llx, %02llx}",
                  (unsigned long long) a, (unsigned long long) b, (unsigned long long) got,
                  (unsigned long long) dn, (unsigned long long) up);
        if (exact)
          TU_CHECK (got == dn, "exact sr result");
      }
  sum_clear (&x);
  fl_ref_free (ref);
  bf_free (&bf);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("refops_log");
  TCase *t = tcase_create ("known");
  tcase_add_test (t, known_answers);
  tcase_add_test (t, fdp_vs_brute_force);
  tcase_add_test (t, sr_neighbours);
  tcase_set_timeout (t, 300);
  suite_add_tcase (s, t);
  t = tcase_create ("exhaustive");
  tcase_set_timeout (t, 600);
  tcase_add_loop_test (t, exhaustive_vs_brute_force, 0, (int) (sizeof cases / sizeof cases[0]));
  suite_add_tcase (s, t);
  return tu_run (s);
}
