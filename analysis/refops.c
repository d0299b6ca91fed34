/* refops.c -- correctly rounded reference arithmetic through MPFR (the reference path),
   the exactly rounded dot product, and the per-family special-value rules.

   The reference path is a producer in the sense of DESIGN.md "One rounding pipeline":
   operands are decoded exactly into MPFR; add, sub, mul and fma are computed at a
   precision that makes them exact; div and sqrt at p+3 bits toward zero with the last bit
   forced to 1 when inexact (round to odd: one later rounding to at most p+1 bits is then
   correct in every deterministic mode; stochastic rounding gets 64 extra bits, so its
   probabilities are exact to 2^-62).  The format's own fl_encode does the only rounding.

   Special-value rules: the operation decides which operand propagates and what is
   invalid (here); the family decides what the result is in its format and which flags
   it raises (formats.h "Special values in arithmetic", doc/engine.md).  Together:
   - float family (ml_dtypes, IEEE, eXmY, P3109), IEEE 754-2019 semantics:
     * a NaN operand gives a NaN (6.2.3): the first NaN operand in operand order, quieted
       (IEEE-like formats: the top significand bit set); a signaling NaN operand (top
       significand bit clear) raises invalid (7.2a).  fn/fnuz/P3109 formats have one NaN
       code per sign (or a single one) and return it unchanged.  fma(0, inf, NaN) raises
       invalid (SoftFloat's choice of the option in 7.2c).
     * invalid operations give the format's canonical quiet NaN (positive; 7.2): inf-inf
       (7.2d), 0*inf (7.2b), fma(0, inf, c) (7.2c), 0/0 and inf/inf (7.2e), sqrt(x < 0)
       (7.2g).  MPFR detects them; its NaN flag is the invalid signal.
     * x/0 for finite x != 0 gives an exactly infinite result with the divide-by-zero
       flag (7.3); sqrt(-0) = -0 (9.2... 5.4.1); an exact zero sum is +0 in every mode but
       rdn, where it is -0, and x + x = x for zeros (6.3) -- MPFR's own rules, which are
       IEEE's.
     * formats without infinities (fn, fnuz, P3109 finite): an infinite result goes through
       the overflow policy like any overflow: NaN by default, the signed largest finite
       value under --overflow sat.
     * formats without NaN (exmy_ all-finite formats, e2m1fn, e2m3fn, e3m2fn): where IEEE
       gives NaN the result is code 0 (+0) with the invalid flag; an infinity saturates to
       the signed largest finite value (the engine's overflow and inexact flags).
   - fixed family (fixed<IL>.<FL>, int<n>, uint<n>): the same table; no NaN, so invalid
     operations give code 0 with the invalid flag, x/0 saturates to the largest value of
     the sign of x (divide-by-zero flag plus the engine's overflow/inexact of saturation),
     negative results in unsigned formats saturate to 0 with the engine's flags.
   - posits and logarithmic posits: NaR operand -> NaR, x/0 -> NaR, 0/0 -> NaR,
     sqrt(x<0) -> NaR, no flags, no -0; results saturate at +-maxpos/+-minpos (the
     engine's rounding).
   - LNS: the float table's shape with the format's codes: NaN -> NaN, invalid -> NaN,
     x/0 -> +-maxpos (no infinity). */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fmtlab/refops.h>
#include "refops-log-impl.h"

static const char *const op_names[FL_OPS] = {
  "add", "sub", "mul", "div", "sqrt", "fma", "from_f64", "from_f32", "to_f64", "fdp"
};

const char *
fl_op_name (fl_op op)
{
  return (unsigned) op < FL_OPS ? op_names[op] : "?";
}

int
fl_op_parse (const char *s, fl_op *op)
{
  for (int i = 0; i < FL_OPS; i++)
    if (strcmp (s, op_names[i]) == 0)
      {
        *op = (fl_op) i;
        return 0;
      }
  return -1;
}

unsigned
fl_op_arity (fl_op op)
{
  switch (op)
    {
    case FL_OP_ADD: case FL_OP_SUB: case FL_OP_MUL: case FL_OP_DIV: return 2;
    case FL_OP_FMA: return 3;
    case FL_OP_FDP: return 0;
    default: return 1;
    }
}

unsigned
fl_flags_to_testfloat (unsigned fl)
{
  return ((fl & FL_FLAG_INEXACT) ? 1u : 0) | ((fl & FL_FLAG_UNDERFLOW) ? 2u : 0)
         | ((fl & FL_FLAG_OVERFLOW) ? 4u : 0) | ((fl & FL_FLAG_DIVBYZERO) ? 8u : 0)
         | ((fl & FL_FLAG_INVALID) ? 16u : 0);
}

unsigned
fl_flags_from_testfloat (unsigned tf)
{
  return ((tf & 1u) ? FL_FLAG_INEXACT : 0) | ((tf & 2u) ? FL_FLAG_UNDERFLOW : 0)
         | ((tf & 4u) ? FL_FLAG_OVERFLOW : 0) | ((tf & 8u) ? FL_FLAG_DIVBYZERO : 0)
         | ((tf & 16u) ? FL_FLAG_INVALID : 0);
}

/* ---- special-value rules ------------------------------------------------------------ */

/* The operation's rules are here (which operand propagates, what is invalid); what a NaN,
   an invalid result or a division by zero is in a format is the family's
   (formats.h: fl_nan_propagate, fl_nan_convert, fl_invalid_result, fl_divzero_result). */

static uint64_t
encode_nan (const fl_format *rf, int negative, const fl_rounding *r, unsigned *flags)
{
  MPFR_DECL_INIT (x, 2);
  mpfr_set_nan (x);
  mpfr_setsign (x, x, negative, MPFR_RNDN);
  return fl_encode (rf, x, r, flags);
}

static uint64_t
nan_operand (const fl_format *f, fl_op op, const fl_format *const *opf, const uint64_t *codes,
             const fl_class *cls, unsigned n, const fl_rounding *r, unsigned *flags)
{
  int first = -1;
  for (unsigned i = 0; i < n; i++)
    if (cls[i] == FL_CLASS_NAN || cls[i] == FL_CLASS_NAR)
      {
        if (first < 0)
          first = (int) i;
        if (fl_code_is_signaling (opf[i], codes[i]))
          *flags |= FL_FLAG_INVALID;                        /* 7.2a */
      }
  if (op == FL_OP_FMA && cls[2] == FL_CLASS_NAN && cls[0] != FL_CLASS_NAN
      && cls[1] != FL_CLASS_NAN
      && ((cls[0] == FL_CLASS_ZERO && cls[1] == FL_CLASS_INF)
          || (cls[0] == FL_CLASS_INF && cls[1] == FL_CLASS_ZERO)))
    *flags |= FL_FLAG_INVALID;                              /* 7.2c, SoftFloat's choice */
  if (op == FL_OP_FROM_F64 || op == FL_OP_FROM_F32 || op == FL_OP_TO_F64)
    return fl_nan_convert (op == FL_OP_TO_F64 ? opf[n] : f, opf[first], codes[first], r, flags);
  return fl_nan_propagate (opf[first], codes[first]);
}

static const fl_ref_rules family_rules[] = {
  { "ieee754", nan_operand, fl_invalid_result, fl_divzero_result },
  { "fixed", nan_operand, fl_invalid_result, fl_divzero_result },
  { "posit", nan_operand, fl_invalid_result, fl_divzero_result },
  { "lns", nan_operand, fl_invalid_result, fl_divzero_result }
};

const fl_ref_rules *
fl_ref_rules_for (const fl_format *f)
{
  switch (fl_format_family (f))
    {
    case FL_FAMILY_FIXED: return &family_rules[1];
    case FL_FAMILY_POSIT:
    case FL_FAMILY_LOGPOSIT: return &family_rules[2];
    case FL_FAMILY_LNS: return &family_rules[3];
    default: return &family_rules[0];
    }
}

/* ---- the reference evaluator --------------------------------------------------------- */

struct fl_ref {
  const fl_format *f;
  fl_op op;
  unsigned n;
  fl_format *aux;                 /* binary64 or binary32 for the conversions */
  const fl_format *opf[4];        /* operand formats, then the result format */
  const fl_ref_rules *rules;
  int tiny_after;                 /* tininess after rounding asked for */
  int logarithmic;                /* refops_log.c: values 2^q, q rational */
  mpfr_t x[3], y, p;
};

fl_status
fl_ref_new (const fl_format *f, fl_op op, fl_ref **out, char *err, size_t errlen)
{
  *out = NULL;
  if ((unsigned) op >= FL_OPS || op == FL_OP_FDP)
    {
      snprintf (err, errlen, "operation %s has no fixed arity: use fl_ref_fdp", fl_op_name (op));
      return FL_EINVAL;
    }
  fl_ref *ref = calloc (1, sizeof *ref);
  if (!ref)
    return FL_ENOMEM;
  ref->f = f;
  ref->op = op;
  ref->n = fl_op_arity (op);
  ref->rules = fl_ref_rules_for (f);
  ref->logarithmic = !fl_format_is_exact (f);
  if (op == FL_OP_FROM_F64 || op == FL_OP_FROM_F32 || op == FL_OP_TO_F64)
    {
      fl_status st = fl_format_parse (op == FL_OP_FROM_F32 ? "fp32" : "fp64", &ref->aux, err,
                                      errlen);
      if (st != FL_OK)
        {
          free (ref);
          return st;
        }
    }
  for (unsigned i = 0; i < ref->n; i++)
    ref->opf[i] = (op == FL_OP_FROM_F64 || op == FL_OP_FROM_F32) ? ref->aux : f;
  ref->opf[ref->n] = op == FL_OP_TO_F64 ? ref->aux : f;
  for (unsigned i = 0; i < 3; i++)
    mpfr_init2 (ref->x[i], fl_format_prec (i < ref->n ? ref->opf[i] : f));
  mpfr_init2 (ref->y, 64);
  mpfr_init2 (ref->p, 64);
  *out = ref;
  return FL_OK;
}

fl_status
fl_ref_rounding_ok (const fl_format *f, fl_op op, const fl_rounding *r, char *err,
                    size_t errlen)
{
  if (!fl_format_is_exact (f) && !fl_ref_log_rounding_ok (f, op, r, err, errlen))
    return FL_EUNSUPPORTED;
  return FL_OK;
}

void
fl_ref_free (fl_ref *ref)
{
  if (!ref)
    return;
  for (unsigned i = 0; i < 3; i++)
    mpfr_clear (ref->x[i]);
  mpfr_clear (ref->y);
  mpfr_clear (ref->p);
  fl_format_free (ref->aux);
  free (ref);
}

const fl_format *
fl_ref_operand_format (const fl_ref *ref, unsigned i)
{
  return i < ref->n ? ref->opf[i] : NULL;
}

const fl_format *
fl_ref_result_format (const fl_ref *ref)
{
  return ref->opf[ref->n];
}

void
fl_ref_set_tininess_after (fl_ref *ref, int after)
{
  ref->tiny_after = after != 0;
}

/* The precision that holds x + y exactly (both regular). */
static mpfr_prec_t
sum_prec (mpfr_exp_t ex, mpfr_prec_t px, mpfr_exp_t ey, mpfr_prec_t py)
{
  mpfr_exp_t hi = ex > ey ? ex : ey;
  mpfr_exp_t lox = ex - px, loy = ey - py, lo = lox < loy ? lox : loy;
  return (mpfr_prec_t) (hi - lo) + 2;
}

uint64_t
fl_ref_eval (fl_ref *ref, const uint64_t *a, const fl_rounding *r, unsigned *flags)
{
  unsigned fl = 0;
  uint64_t code;
  fl_class cls[3];
  int any_nan = 0;
  const fl_format *rf = ref->opf[ref->n];
  fl_mpfr_state st;
  fl_mpfr_enter (&st);                    /* every format's exact values fit */
  fl_rounding ra;
  if (ref->tiny_after)
    {
      ra = *r;
      ra.tininess = FL_TININESS_AFTER;    /* decided by the format's round_pack */
      r = &ra;
    }
  if (ref->logarithmic && ref->op != FL_OP_FROM_F64 && ref->op != FL_OP_FROM_F32)
    {
      char err[256];
      if (!fl_ref_log_rounding_ok (ref->f, ref->op, r, err, sizeof err))
        {
          /* refused (fl_ref_rounding_ok says so beforehand): NaN with invalid, no guess */
          fl |= FL_FLAG_INVALID;
          code = encode_nan (rf, 0, r, &fl);
        }
      else
        code = fl_ref_log_eval (ref->f, ref->op, ref->rules, ref->opf, ref->n, a, r, &fl);
      goto done;
    }
  for (unsigned i = 0; i < ref->n; i++)
    {
      cls[i] = fl_decode (ref->opf[i], a[i], ref->x[i]);
      any_nan |= cls[i] == FL_CLASS_NAN || cls[i] == FL_CLASS_NAR;
    }
  if (any_nan)
    {
      code = ref->rules->nan_operand (ref->f, ref->op, ref->opf, a, cls, ref->n, r, &fl);
      goto done;
    }
  if (ref->op == FL_OP_FROM_F64 || ref->op == FL_OP_FROM_F32 || ref->op == FL_OP_TO_F64)
    {
      code = fl_encode (rf, ref->x[0], r, &fl);
      goto done;
    }
  /* exact ops round nothing, so MPFR's mode only picks the sign of an exact zero sum */
  mpfr_rnd_t zr = r->mode == FL_RDN ? MPFR_RNDD : MPFR_RNDN;
  mpfr_prec_t P = fl_format_prec (ref->f) + 2 + (r->mode == FL_SR ? 62 : 0);
  mpfr_ptr x0 = ref->x[0], x1 = ref->x[1], x2 = ref->x[2], y = ref->y;
  int t = 0;
  mpfr_clear_flags ();
  switch (ref->op)
    {
    case FL_OP_ADD:
    case FL_OP_SUB:
      if (mpfr_regular_p (x0) && mpfr_regular_p (x1))
        mpfr_set_prec (y, sum_prec (mpfr_get_exp (x0), mpfr_get_prec (x0), mpfr_get_exp (x1),
                                    mpfr_get_prec (x1)));
      else
        mpfr_set_prec (y, mpfr_get_prec (x0) + mpfr_get_prec (x1));
      if (ref->op == FL_OP_ADD)
        mpfr_add (y, x0, x1, zr);
      else
        mpfr_sub (y, x0, x1, zr);
      break;
    case FL_OP_MUL:
      mpfr_set_prec (y, mpfr_get_prec (x0) + mpfr_get_prec (x1));
      mpfr_mul (y, x0, x1, zr);
      break;
    case FL_OP_FMA:
      {
        mpfr_prec_t pp = mpfr_get_prec (x0) + mpfr_get_prec (x1);
        if (mpfr_regular_p (x0) && mpfr_regular_p (x1) && mpfr_regular_p (x2))
          {
            mpfr_exp_t ep = mpfr_get_exp (x0) + mpfr_get_exp (x1);
            mpfr_prec_t s = sum_prec (ep, pp, mpfr_get_exp (x2), mpfr_get_prec (x2));
            mpfr_set_prec (y, s > pp ? s : pp);
          }
        else
          mpfr_set_prec (y, pp + mpfr_get_prec (x2));
        mpfr_fma (y, x0, x1, x2, zr);
      }
      break;
    case FL_OP_DIV:
      mpfr_set_prec (y, P + 1);
      t = mpfr_div (y, x0, x1, MPFR_RNDZ);
      fl_round_odd (y, t);             /* the last of P + 1 bits is sticky */
      break;
    case FL_OP_SQRT:
      mpfr_set_prec (y, P + 1);
      t = mpfr_sqrt (y, x0, MPFR_RNDZ);
      fl_round_odd (y, t);
      break;
    default:
      abort ();
    }
  if (mpfr_nan_p (y))
    code = ref->rules->invalid (rf, r, &fl);
  else if (mpfr_divby0_p ())
    code = ref->rules->divzero (rf, mpfr_signbit (y) != 0, r, &fl);
  else
    code = fl_encode (rf, y, r, &fl);
done:
  fl_mpfr_leave (&st);
  if (flags)
    *flags |= fl;
  return code;
}

/* ---- the exactly rounded dot product ----------------------------------------------- */

uint64_t
fl_ref_fdp (const fl_format *f, const uint64_t *a, const uint64_t *b, size_t n,
            const fl_rounding *r, unsigned *flags)
{
  const fl_ref_rules *rules = fl_ref_rules_for (f);
  unsigned fl = 0;
  uint64_t code;
  fl_mpfr_state st;
  fl_mpfr_enter (&st);
  if (!fl_format_is_exact (f))
    {
      code = fl_ref_log_fdp (f, rules, a, b, n, r, flags);
      fl_mpfr_leave (&st);
      return code;
    }
  mpfr_prec_t p = fl_format_prec (f);
  /* NaN operands first, in the order a0 b0 a1 b1 ... */
  mpfr_t va, vb, y;
  mpfr_init2 (va, p);
  mpfr_init2 (vb, p);
  mpfr_init2 (y, 2);
  for (size_t i = 0; i < n; i++)
    {
      uint64_t c2[2] = { a[i], b[i] };
      fl_class k2[2] = { fl_decode (f, a[i], va), fl_decode (f, b[i], vb) };
      if (k2[0] == FL_CLASS_NAN || k2[1] == FL_CLASS_NAN || k2[0] == FL_CLASS_NAR
          || k2[1] == FL_CLASS_NAR)
        {
          const fl_format *opf[3] = { f, f, f };
          code = rules->nan_operand (f, FL_OP_MUL, opf, c2, k2, 2, r, &fl);
          /* a later signaling NaN still signals */
          for (size_t j = i + 1; j < n; j++)
            {
              fl_class k;
              uint64_t cj[2] = { a[j], b[j] };
              for (int s = 0; s < 2; s++)
                if ((k = fl_decode (f, cj[s], va)) == FL_CLASS_NAN && fl_code_is_signaling (f, cj[s]))
                  fl |= FL_FLAG_INVALID;
            }
          goto done;
        }
    }
  /* exact products, then an exact sum (mpfr_sum's zero sign is IEEE's) */
  mpfr_t *prod = malloc ((n ? n : 1) * sizeof *prod);
  mpfr_ptr *ptr = malloc ((n ? n : 1) * sizeof *ptr);
  if (!prod || !ptr)
    abort ();
  mpfr_exp_t hi = 0, lo = 0;
  int any = 0;
  for (size_t i = 0; i < n; i++)
    {
      fl_decode (f, a[i], va);
      fl_decode (f, b[i], vb);
      mpfr_init2 (prod[i], 2 * p);
      mpfr_mul (prod[i], va, vb, MPFR_RNDN);      /* exact at 2p bits */
      ptr[i] = prod[i];
      if (mpfr_regular_p (prod[i]))
        {
          mpfr_exp_t e = mpfr_get_exp (prod[i]), l = e - 2 * p;
          if (!any || e > hi)
            hi = e;
          if (!any || l < lo)
            lo = l;
          any = 1;
        }
    }
  mpfr_prec_t sp = any ? (mpfr_prec_t) (hi - lo) + 66 : 2;
  mpfr_set_prec (y, sp);
  mpfr_sum (y, ptr, (unsigned long) n, r->mode == FL_RDN ? MPFR_RNDD : MPFR_RNDN);
  if (mpfr_nan_p (y))
    code = rules->invalid (f, r, &fl);
  else
    code = fl_encode (f, y, r, &fl);
  for (size_t i = 0; i < n; i++)
    mpfr_clear (prod[i]);
  free (prod);
  free (ptr);
done:
  mpfr_clear (va);
  mpfr_clear (vb);
  mpfr_clear (y);
  fl_mpfr_leave (&st);
  if (flags)
    *flags |= fl;
  return code;
}
