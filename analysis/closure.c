/* closure.c -- the closure map of an operation: for every pair of codes of a small format,
   whether a OP b is exact, rounded, underflows, overflows, divides by zero or is NaN,
   read from the exception flags of the correctly rounded reference result.  The fast
   exact path is used where it exists (proved equal to the reference path by
   tests/test_refops.c); otherwise the MPFR reference path. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fmtlab/chartdata.h>

#define CLOSURE_MAX_BITS 10   /* 2^20 pairs: a second or two on the reference path */

const char *
fl_outcome_name (fl_outcome o)
{
  static const char *const names[FL_OUTCOMES] = {
    "exact", "rounded", "underflow", "overflow", "divide by zero", "NaN/NaR or invalid"
  };
  return (unsigned) o < FL_OUTCOMES ? names[o] : "?";
}

typedef struct {
  uint64_t code;
  double value;
  int nan;
} axis_key;

/* value order; -0 before +0; NaN/NaR codes last, in code order */
static int
axis_cmp (const void *pa, const void *pb)
{
  const axis_key *a = pa, *b = pb;
  if (a->nan != b->nan)
    return a->nan - b->nan;
  if (!a->nan)
    {
      if (a->value < b->value)
        return -1;
      if (a->value > b->value)
        return 1;
      int sa = signbit (a->value) != 0, sb = signbit (b->value) != 0;
      if (sa != sb)
        return sb - sa;
    }
  return a->code < b->code ? -1 : a->code > b->code;
}

static fl_outcome
classify (int operand_nan, unsigned flags)
{
  if (operand_nan || (flags & FL_FLAG_INVALID))
    return FL_OUTCOME_NAN;
  if (flags & FL_FLAG_DIVBYZERO)
    return FL_OUTCOME_DIVZERO;
  if (flags & FL_FLAG_OVERFLOW)
    return FL_OUTCOME_OVERFLOW;
  if ((flags & FL_FLAG_UNDERFLOW) && (flags & FL_FLAG_INEXACT))
    return FL_OUTCOME_UNDERFLOW;
  if (flags & FL_FLAG_INEXACT)
    return FL_OUTCOME_ROUNDED;
  return FL_OUTCOME_EXACT;
}

void
fl_closure_clear (fl_closure *c)
{
  free (c->axis_code);
  free (c->axis_value);
  free (c->outcome);
  memset (c, 0, sizeof *c);
}

fl_status
fl_closure_map (const fl_format *f, fl_op op, const fl_rounding *r, fl_closure *out,
                char *err, size_t errlen)
{
  memset (out, 0, sizeof *out);
  if (op != FL_OP_ADD && op != FL_OP_SUB && op != FL_OP_MUL && op != FL_OP_DIV)
    {
      snprintf (err, errlen, "closure map of '%s': only the binary operations add, sub, mul "
                "and div have one", fl_op_name (op));
      return FL_EINVAL;
    }
  unsigned bits = fl_format_bits (f);
  if (bits > CLOSURE_MAX_BITS)
    {
      snprintf (err, errlen, "%s: a closure map needs a format of at most %d bits (this one "
                "has %u)", fl_format_name (f), CLOSURE_MAX_BITS, bits);
      return FL_ERANGE;
    }
  fl_rounding rne;
  if (!r)
    {
      fl_rounding_init (&rne);
      r = &rne;
    }
  size_t side = (size_t) 1 << bits;
  axis_key *key = malloc (side * sizeof *key);
  out->side = side;
  out->axis_code = malloc (side * sizeof *out->axis_code);
  out->axis_value = malloc (side * sizeof *out->axis_value);
  out->outcome = malloc (side * side);
  uint8_t *isnan = malloc (side);
  if (!key || !out->axis_code || !out->axis_value || !out->outcome || !isnan)
    {
      free (key);
      free (isnan);
      fl_closure_clear (out);
      snprintf (err, errlen, "%s: out of memory for a closure map", fl_format_name (f));
      return FL_ENOMEM;
    }
  mpfr_t v;
  mpfr_init2 (v, fl_format_prec (f) + 2);
  for (size_t c = 0; c < side; c++)
    {
      fl_class k = fl_decode (f, c, v);
      key[c].code = c;
      key[c].nan = k == FL_CLASS_NAN || k == FL_CLASS_NAR;
      key[c].value = key[c].nan ? NAN : mpfr_get_d (v, MPFR_RNDN);
      isnan[c] = (uint8_t) key[c].nan;
    }
  mpfr_clear (v);
  qsort (key, side, sizeof *key, axis_cmp);
  for (size_t i = 0; i < side; i++)
    {
      out->axis_code[i] = key[i].code;
      out->axis_value[i] = key[i].value;
    }
  free (key);

  fl_fast *fast = NULL;
  fl_ref *ref = NULL;
  if (!fl_fast_mode_ok (r) || fl_fast_new (f, op, &fast) != FL_OK)
    {
      fast = NULL;
      fl_status st = fl_ref_new (f, op, &ref, err, errlen);
      if (st != FL_OK)
        {
          free (isnan);
          fl_closure_clear (out);
          return st;
        }
    }
  for (size_t i = 0; i < side; i++)
    for (size_t j = 0; j < side; j++)
      {
        uint64_t a[2] = { out->axis_code[i], out->axis_code[j] };
        unsigned flags = 0;
        if (fast)
          fl_fast_eval (fast, a, r, &flags);
        else
          fl_ref_eval (ref, a, r, &flags);
        fl_outcome o = classify (isnan[a[0]] || isnan[a[1]], flags);
        out->outcome[i * side + j] = (uint8_t) o;
        out->count[o] += 1;
      }
  if (fast)
    fl_fast_free (fast);
  if (ref)
    fl_ref_free (ref);
  free (isnan);
  return FL_OK;
}
