/* refops_log.c -- reference operations for the logarithmic families (logarithmic posits
   lp<n>es<es>rs<rs>[sf<sf>], LNS lns<n>f<F>), whose values are +-2^q with q rational
   (fl_decode_log2): a decoded MPFR value is rounded, so nothing here computes on decodes.

   Every result is an exact sum of signed powers of two with rational exponents, handed
   to the engine's exact encoder (fl_encode_pow2sum, formats/logdomain.c):
   - mul, div, sqrt: one term, its log exact (qa + qb, qa - qb, qa / 2);
   - add, sub: two terms; fma: the product's term and c's; fdp: one term per product;
   - to_f64: the code's own term, rounded into binary64.
   The encoder groups the terms by the fractional part of their exponents (the 2^(j/N) are
   linearly independent over Q): an exact zero, an exact dyadic and an exact single power
   of two are recognised exactly and rounded exactly; anything else is irrational, and the
   rounding is decided by interval evaluation at doubling precision (a Ziv loop that
   terminates because no decision boundary can equal x), except the one boundary that an
   irrational x can hit, the arithmetic midpoint (2^qa + 2^qb)/2 of its neighbours in the
   linear domain (lns8f3: 2^(-7/8) + 2^(-1) = (1 + 2^(1/8))/2), which is tested exactly by
   the same grouping rule and then broken by the mode's tie rule.  In the log domain an
   irrational x is never a power of two, so it never sits on a geometric cut.

   Special values: the family's rules (formats.h; logarithmic posits: NaR operand, x/0,
   0/0, sqrt(x < 0) -> NaR, no flags; LNS: NaN operand -> NaN, 0/0 and sqrt(x < 0) -> NaN
   with invalid, x/0 -> +-maxpos with divide-by-zero).  Zero results are the format's one
   zero (LP: code 0, LNS: its zero code); there is no -0. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include "refops-log-impl.h"

/* The terms (-1)^neg[i] 2^q[i] of an exact result, for fl_encode_pow2sum. */
typedef struct {
  size_t n, cap;
  int *neg;
  mpq_t *q;
  mpq_srcptr *qp;
} terms;

static void
terms_init (terms *s)
{
  s->n = s->cap = 0;
  s->neg = NULL;
  s->q = NULL;
  s->qp = NULL;
}

static void
terms_clear (terms *s)
{
  for (size_t i = 0; i < s->cap; i++)
    mpq_clear (s->q[i]);
  free (s->neg);
  free (s->q);
  free (s->qp);
  terms_init (s);
}

static void
terms_add (terms *s, int neg, mpq_srcptr q)
{
  if (s->n == s->cap)
    {
      size_t nc = s->cap ? 2 * s->cap : 4;
      int *ng = realloc (s->neg, nc * sizeof *ng);
      mpq_t *nq = ng ? realloc (s->q, nc * sizeof *nq) : NULL;
      if (!ng || !nq)
        abort ();
      s->neg = ng;
      s->q = nq;
      for (size_t i = s->cap; i < nc; i++)
        mpq_init (s->q[i]);
      s->cap = nc;
    }
  s->neg[s->n] = neg;
  mpq_set (s->q[s->n], q);
  s->n++;
}

/* Class and log of an operand: 1 nonzero (q, negative set), 0 zero, -1 NaN/NaR. */
static int
operand (const fl_format *f, uint64_t code, mpq_ptr q, int *negative)
{
  code &= fl_format_ncodes_minus1 (f);
  if (fl_decode_log2 (f, code, q))
    {
      *negative = (int) ((code >> (fl_format_bits (f) - 1)) & 1);
      return 1;
    }
  MPFR_DECL_INIT (v, 2);
  fl_class c = fl_decode (f, code, v);
  return c == FL_CLASS_ZERO ? 0 : -1;
}

int
fl_ref_log_rounding_ok (const fl_format *f, fl_op op, const fl_rounding *r, char *err,
                        size_t errlen)
{
  if (op == FL_OP_TO_F64 && r->mode == FL_SR && !fl_format_is_exact (f))
    {
      snprintf (err, errlen, "format '%s': to_f64 with stochastic rounding is not available "
                "(the value 2^q is irrational and binary64's sr needs the exact ratio; "
                "use a deterministic mode)", fl_format_name (f));
      return 0;
    }
  return 1;
}

/* Encode the sum; an unsupported combination (only sr into binary64, refused beforehand
   by fl_ref_log_rounding_ok) gives the target's NaN with invalid rather than a guess. */
static uint64_t
encode (const fl_format *rf, terms *s, const fl_rounding *r, unsigned *fl)
{
  char err[256];
  uint64_t code;
  s->qp = realloc (s->qp, (s->n ? s->n : 1) * sizeof *s->qp);
  if (!s->qp)
    abort ();
  for (size_t i = 0; i < s->n; i++)
    s->qp[i] = s->q[i];
  if (fl_encode_pow2sum (rf, s->n, s->neg, s->qp, r, &code, fl, err, sizeof err) != FL_OK)
    {
      MPFR_DECL_INIT (nan, 2);
      mpfr_set_nan (nan);
      *fl |= FL_FLAG_INVALID;
      return fl_encode (rf, nan, r, fl);
    }
  return code;
}

uint64_t
fl_ref_log_eval (const fl_format *f, fl_op op, const fl_ref_rules *rules,
                 const fl_format *const *opf, unsigned n, const uint64_t *a,
                 const fl_rounding *r, unsigned *flags)
{
  const fl_format *rf = opf[n];
  unsigned fl = 0;
  uint64_t code;
  mpq_t q[3], t;
  int neg[3] = { 0, 0, 0 }, k[3] = { 0, 0, 0 };
  fl_class cls[3] = { FL_CLASS_NORMAL, FL_CLASS_NORMAL, FL_CLASS_NORMAL };
  mpq_init (t);
  for (unsigned i = 0; i < 3; i++)
    mpq_init (q[i]);
  int any_nan = 0;
  for (unsigned i = 0; i < n; i++)
    {
      k[i] = operand (opf[i], a[i], q[i], &neg[i]);
      cls[i] = k[i] > 0 ? FL_CLASS_NORMAL : k[i] == 0 ? FL_CLASS_ZERO
               : fl_format_family (opf[i]) == FL_FAMILY_LOGPOSIT ? FL_CLASS_NAR : FL_CLASS_NAN;
      any_nan |= k[i] < 0;
    }
  if (any_nan)
    {
      code = rules->nan_operand (f, op, opf, a, cls, n, r, &fl);
      goto done;
    }
  terms s;
  terms_init (&s);
  switch (op)
    {
    case FL_OP_ADD:
    case FL_OP_SUB:
      if (k[0])
        terms_add (&s, neg[0], q[0]);
      if (k[1])
        terms_add (&s, neg[1] ^ (op == FL_OP_SUB), q[1]);
      break;
    case FL_OP_MUL:
      if (k[0] && k[1])
        {
          mpq_add (t, q[0], q[1]);
          terms_add (&s, neg[0] ^ neg[1], t);
        }
      break;
    case FL_OP_FMA:
      if (k[0] && k[1])
        {
          mpq_add (t, q[0], q[1]);
          terms_add (&s, neg[0] ^ neg[1], t);
        }
      if (k[2])
        terms_add (&s, neg[2], q[2]);
      break;
    case FL_OP_DIV:
      if (!k[1])
        {
          terms_clear (&s);
          code = k[0] ? rules->divzero (rf, neg[0], r, &fl) : rules->invalid (rf, r, &fl);
          goto done;
        }
      if (k[0])
        {
          mpq_sub (t, q[0], q[1]);
          terms_add (&s, neg[0] ^ neg[1], t);
        }
      break;
    case FL_OP_SQRT:
      if (k[0] && neg[0])
        {
          terms_clear (&s);
          code = rules->invalid (rf, r, &fl);
          goto done;
        }
      if (k[0])
        {
          mpq_div_2exp (t, q[0], 1);
          terms_add (&s, 0, t);
        }
      break;
    case FL_OP_TO_F64:
      if (k[0])
        terms_add (&s, neg[0], q[0]);
      break;
    default:
      abort ();
    }
  code = encode (rf, &s, r, &fl);
  terms_clear (&s);
done:
  for (unsigned i = 0; i < 3; i++)
    mpq_clear (q[i]);
  mpq_clear (t);
  if (flags)
    *flags |= fl;
  return code;
}

uint64_t
fl_ref_log_fdp (const fl_format *f, const fl_ref_rules *rules, const uint64_t *a,
                const uint64_t *b, size_t n, const fl_rounding *r, unsigned *flags)
{
  unsigned fl = 0;
  uint64_t code;
  mpq_t qa, qb;
  mpq_inits (qa, qb, NULL);
  const fl_format *opf[3] = { f, f, f };
  /* NaN/NaR operands first, in the order a0 b0 a1 b1 ... */
  for (size_t i = 0; i < n; i++)
    {
      int na, nb;
      int ka = operand (f, a[i], qa, &na), kb = operand (f, b[i], qb, &nb);
      if (ka < 0 || kb < 0)
        {
          fl_class nanc = fl_format_family (f) == FL_FAMILY_LOGPOSIT ? FL_CLASS_NAR : FL_CLASS_NAN;
          uint64_t c2[2] = { a[i], b[i] };
          fl_class k2[2] = { ka < 0 ? nanc : FL_CLASS_NORMAL, kb < 0 ? nanc : FL_CLASS_NORMAL };
          code = rules->nan_operand (f, FL_OP_MUL, opf, c2, k2, 2, r, &fl);
          goto done;
        }
    }
  terms s;
  terms_init (&s);
  for (size_t i = 0; i < n; i++)
    {
      int na, nb;
      if (operand (f, a[i], qa, &na) > 0 && operand (f, b[i], qb, &nb) > 0)
        {
          mpq_add (qa, qa, qb);
          terms_add (&s, na ^ nb, qa);
        }
    }
  code = encode (f, &s, r, &fl);
  terms_clear (&s);
done:
  mpq_clears (qa, qb, NULL);
  if (flags)
    *flags |= fl;
  return code;
}
