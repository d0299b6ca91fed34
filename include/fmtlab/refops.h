/* fmtlab/refops.h -- correctly rounded reference arithmetic on format codes.

   Every operation takes codes and returns the code of the exact result rounded once by
   the format's own encoder (fl_encode / fl_encode_u64), in every rounding mode and
   overflow policy of an fl_rounding.  Two producers of the exact (or round-to-odd)
   value exist:

   - the reference path (fl_ref_*): decode exactly into MPFR, compute add/sub/mul/fma at
     a precision that makes them exact, div/sqrt at p+3 bits toward zero with a sticky
     last bit (round to odd), then fl_encode.  Works for every format fl_decode knows.
   - the fast path (fl_fast_*): operands unpacked once into integer tables (sign, sig,
     exp); add/sub/mul/fma exact in 64/128-bit integers, div/sqrt giving p+3 quotient or
     root bits and a sticky bit; fl_encode_u64.  Formats of at most 16 bits whose values
     are dyadic; deterministic rounding modes only (stochastic rounding takes the
     reference path).  Proved equal to the reference path by the tests.

   Special values follow the family's rules (formats.h, "Special values in arithmetic";
   the operation's part in refops.c, "Special-value rules"):
   IEEE 754 for IEEE-like formats (NaN propagation with quieting, invalid for inf-inf,
   0*inf, 0/0, inf/inf, sqrt of a negative, fma(0, inf, c); divide-by-zero gives a signed
   infinity; an exact zero sum is +0 except under rdn, where it is -0, and x + x keeps
   the sign of x); formats without infinities turn an infinite result into the format's
   overflow policy (NaN for fn/fnuz by default, the largest finite value under sat);
   formats without NaN (exmy_, e2m1fn, e2m3fn, e3m2fn, fixed point, integers) give code 0
   and the invalid flag where IEEE gives NaN, and saturate a division by zero to the
   largest value of the dividend's sign (divide-by-zero flag). */
#ifndef FMTLAB_REFOPS_H
#define FMTLAB_REFOPS_H

#include <stddef.h>
#include <stdint.h>
#include <fmtlab/formats.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  FL_OP_ADD, FL_OP_SUB, FL_OP_MUL, FL_OP_DIV, FL_OP_SQRT, FL_OP_FMA,  /* fma = a*b+c */
  FL_OP_FROM_F64,   /* operand: a binary64 bit pattern; result: a code of the format */
  FL_OP_FROM_F32,   /* operand: a binary32 bit pattern */
  FL_OP_TO_F64,     /* operand: a code; result: the binary64 bit pattern */
  FL_OP_FDP         /* exactly rounded dot product of two code vectors (fl_ref_fdp) */
} fl_op;
#define FL_OPS 10

/* FL_FLAG_DIVBYZERO (divide-by-zero, IEEE "infinite") is in formats.h. */

/* Names: "add" "sub" "mul" "div" "sqrt" "fma" "from_f64" "from_f32" "to_f64" "fdp". */
const char *fl_op_name (fl_op op);
int fl_op_parse (const char *s, fl_op *op);              /* 0 on success */
unsigned fl_op_arity (fl_op op);                         /* 1, 2 or 3; 0 for fdp */

/* TestFloat's flag byte (bit0 inexact, bit1 underflow, bit2 overflow, bit3 infinite,
   bit4 invalid) from FL_FLAG_* bits and back. */
unsigned fl_flags_to_testfloat (unsigned flags);
unsigned fl_flags_from_testfloat (unsigned tf);

/* The reference evaluator of one operation on one format.  Holds MPFR scratch space:
   one per thread.  Operand i and the result have their own formats (binary64/binary32
   for the conversions). */
typedef struct fl_ref fl_ref;
fl_status fl_ref_new (const fl_format *f, fl_op op, fl_ref **out, char *err, size_t errlen);
void fl_ref_free (fl_ref *ref);
/* FL_OK when op on f can be evaluated exactly under r, else FL_EUNSUPPORTED with a
   message (today only to_f64 of a logarithmic format with sr); fl_ref_eval then returns
   the target's NaN with the invalid flag rather than an approximation. */
fl_status fl_ref_rounding_ok (const fl_format *f, fl_op op, const fl_rounding *r, char *err,
                              size_t errlen);
const fl_format *fl_ref_operand_format (const fl_ref *ref, unsigned i);
const fl_format *fl_ref_result_format (const fl_ref *ref);
/* Evaluate on the codes a[0 .. arity-1]; flags (may be NULL) gets FL_FLAG_* bits OR-ed in. */
uint64_t fl_ref_eval (fl_ref *ref, const uint64_t *a, const fl_rounding *r, unsigned *flags);

/* Underflow flag: IEEE 754 7.5 lets tininess be detected before rounding (the engine's
   rule and the default here) or after rounding (TestFloat's default).  after = 1 switches
   this evaluator to after rounding. */
void fl_ref_set_tininess_after (fl_ref *ref, int after);

/* Exactly rounded dot product sum a[i]*b[i] (one rounding, the posit quire's semantics),
   with the family's special-value rules; n = 0 gives +0. */
uint64_t fl_ref_fdp (const fl_format *f, const uint64_t *a, const uint64_t *b, size_t n,
                     const fl_rounding *r, unsigned *flags);

/* The fast path.  fl_fast_new returns FL_EUNSUPPORTED when the format or op has none.
   The object is read-only after creation and may be shared by threads. */
typedef struct fl_fast fl_fast;
fl_status fl_fast_new (const fl_format *f, fl_op op, fl_fast **out);
void fl_fast_free (fl_fast *fast);
/* As fl_ref_set_tininess_after; call before sharing the object between threads. */
void fl_fast_set_tininess_after (fl_fast *fast, int after);
/* Whether r can take the fast path (deterministic modes: not sr). */
int fl_fast_mode_ok (const fl_rounding *r);
uint64_t fl_fast_eval (const fl_fast *fast, const uint64_t *a, const fl_rounding *r,
                       unsigned *flags);

/* Special-value rules of a family, as the operations use them: which NaN operand
   propagates and which operations are invalid are the operation's (refops.c); what the
   result is in the format is the family's own (formats.h: fl_nan_propagate,
   fl_nan_convert, fl_invalid_result, fl_divzero_result). */
typedef struct fl_ref_rules {
  const char *name;
  /* Some operand is NaN (class FL_CLASS_NAN): the result code.  codes/cls are the
     operands of operation op in their own formats (see fl_ref_operand_format). */
  uint64_t (*nan_operand) (const fl_format *f, fl_op op, const fl_format *const *opf,
                           const uint64_t *codes, const fl_class *cls, unsigned n,
                           const fl_rounding *r, unsigned *flags);
  /* An invalid operation (IEEE 754 7.2: inf-inf, 0*inf, 0/0, inf/inf, sqrt(x<0)). */
  uint64_t (*invalid) (const fl_format *rf, const fl_rounding *r, unsigned *flags);
  /* A nonzero finite value divided by zero: the exact result is an infinity of that sign. */
  uint64_t (*divzero) (const fl_format *rf, int negative, const fl_rounding *r,
                       unsigned *flags);
} fl_ref_rules;
const fl_ref_rules *fl_ref_rules_for (const fl_format *f);

#ifdef __cplusplus
}
#endif
#endif
