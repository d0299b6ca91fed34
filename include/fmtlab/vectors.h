/* fmtlab/vectors.h -- test vectors: generation, TestFloat's line layout, verification.

   A case is the operands of one operation (1, 2 or 3 codes), the correctly rounded result
   and its flags.  Exhaustive enumeration (fl_gen_all) visits case i as the operands
   (i / N^(k-1) mod N, ..., i mod N), N = 2^bits, so case 0 is the first pair and the last
   operand varies fastest.  Random cases come from a counter-based generator: case i under
   a seed is a pure function of (seed, i), so shards and threads never change a vector.

   Line layout (TestFloat, SPEC Part C): operands, result, optional flags, separated by
   single spaces; codes are fixed-width hex, ceil(bits/4) digits (upper case on output,
   either case on input); flags are two hex digits in TestFloat's bit order (bit0 inexact,
   bit1 underflow, bit2 overflow, bit3 infinite, bit4 invalid); '#' starts a comment line. */
#ifndef FMTLAB_VECTORS_H
#define FMTLAB_VECTORS_H

#include <stddef.h>
#include <stdint.h>
#include <fmtlab/formats.h>
#include <fmtlab/refops.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- generation ---------------------------------------------------------------------- */

typedef struct fl_gen fl_gen;
fl_status fl_gen_new (const fl_format *f, fl_op op, fl_gen **out, char *err, size_t errlen);
void fl_gen_free (fl_gen *g);
unsigned fl_gen_arity (const fl_gen *g);
unsigned fl_gen_operand_bits (const fl_gen *g, unsigned i);
unsigned fl_gen_result_bits (const fl_gen *g);
/* Number of exhaustive cases, 2^(sum of operand bits); returns -1 when that exceeds 2^62. */
int fl_gen_count_all (const fl_gen *g, uint64_t *n);
void fl_gen_all (const fl_gen *g, uint64_t i, uint64_t *ops);
/* Random case i: each operand is, with probability 1/2, a boundary code (zeros,
   infinities and NaNs, the largest and smallest finite values, smallest normals,
   powers of two and their neighbouring codes, codes just below overflow, subnormals),
   else a uniformly random code.  For from_f64/from_f32 the binary64/32 operand is most
   often a value of the target format, a midpoint between two neighbours (a tie), or one
   binary64/32 step off either. */
void fl_gen_random (const fl_gen *g, uint64_t seed, uint64_t i, uint64_t *ops);

/* ---- the correctly rounded result, fast path when it applies ------------------------ */

typedef struct fl_oracle fl_oracle;     /* one per thread (MPFR scratch inside) */
fl_status fl_oracle_new (const fl_format *f, fl_op op, const fl_rounding *r, fl_oracle **out,
                         char *err, size_t errlen);
void fl_oracle_free (fl_oracle *o);
int fl_oracle_is_fast (const fl_oracle *o);
void fl_oracle_set_tininess_after (fl_oracle *o, int after);   /* see fl_ref_set_tininess_after */
uint64_t fl_oracle_eval (fl_oracle *o, const uint64_t *ops, unsigned *flags);
const fl_format *fl_oracle_operand_format (const fl_oracle *o, unsigned i);
const fl_format *fl_oracle_result_format (const fl_oracle *o);

/* ---- lines --------------------------------------------------------------------------- */

/* Write one case: returns the length written into buf (no newline). */
size_t fl_vec_format_line (char *buf, const fl_gen *g, const uint64_t *ops, uint64_t result,
                           int with_flags, unsigned fl_flags);
/* Parse one line into ops[arity] and *result; *has_flags and *fl_flags (FL_FLAG_* bits)
   when the optional flags field is present.  Returns 0, 1 for a blank or comment line,
   -1 for a malformed line (message in err). */
int fl_vec_parse_line (const char *line, const fl_gen *g, uint64_t *ops, uint64_t *result,
                       int *has_flags, unsigned *fl_flags, char *err, size_t errlen);

/* ---- verification ------------------------------------------------------------------- */

typedef struct {
  uint64_t index;            /* case index (exhaustive or random), or line number */
  uint64_t ops[3];
  uint64_t expected, got;
  unsigned expected_flags, got_flags;
} fl_mismatch;

/* What one thread of fl_verify_subject is doing, for a supervisor in another process
   (fmtlab verify --impl runs the check in a child and watches these in shared memory):
   started = i + 1 just before the subject is called on case i, finished = i + 1 when that
   call returned, so a call is under way while started != finished.  One slot per thread,
   a cache line each; two plain stores a case. */
typedef struct {
  volatile uint64_t started;
  volatile uint64_t finished;
  char pad[64 - 2 * sizeof (uint64_t)];
} fl_verify_slot;

typedef struct {
  const fl_format *f;
  fl_op op;
  fl_rounding r;
  int strict_nan;            /* A10: otherwise any NaN matches any NaN */
  int check_flags;           /* compare the flags field where present */
  int tininess_after;        /* underflow flag with tininess after rounding (TestFloat's default) */
  size_t max_report;         /* keep at most this many mismatches (the first, in order) */
  int threads;               /* 0: OpenMP's default */
  /* progress: called from one thread now and then with cases done so far */
  void (*progress) (void *ctx, uint64_t done, uint64_t total);
  void *progress_ctx;
  /* optional: thread t of fl_verify_subject keeps watch[t] up to date (at most nwatch
     threads run then) */
  fl_verify_slot *watch;
  int nwatch;
} fl_verify_opts;

typedef struct {
  uint64_t cases, mismatches;
  fl_mismatch *first;        /* malloc'ed, nfirst <= max_report entries, in case order */
  size_t nfirst;
} fl_verify_result;

void fl_verify_result_init (fl_verify_result *res);
void fl_verify_result_clear (fl_verify_result *res);

/* A subject function with codes in the low bits: uint64_t f(uint64_t[, uint64_t[, uint64_t]]). */
typedef uint64_t (*fl_subject1) (uint64_t);
typedef uint64_t (*fl_subject2) (uint64_t, uint64_t);
typedef uint64_t (*fl_subject3) (uint64_t, uint64_t, uint64_t);

/* Check fn on cases [lo, hi): exhaustive (random == 0) or random cases of the seed.
   Results accumulate into res; the memory used is bounded whatever hi - lo (cases go in
   windows of 2^28).  The subject must be thread-safe (opts->threads = 1
   otherwise); its result is compared in the result width (higher bits ignored). */
fl_status fl_verify_subject (const fl_verify_opts *opts, void (*fn) (void), int random,
                             uint64_t seed, uint64_t lo, uint64_t hi, fl_verify_result *res,
                             char *err, size_t errlen);

/* Check n parsed cases (ops: n * arity codes, results, flags with has_flags).  index0 is
   the index reported for case 0 when line numbers are not given (lines may be NULL). */
fl_status fl_verify_cases (const fl_verify_opts *opts, size_t n, const uint64_t *ops,
                           const uint64_t *results, const unsigned *flags,
                           const unsigned char *has_flags, const uint64_t *lines,
                           fl_verify_result *res, char *err, size_t errlen);

/* Whether got matches expected in the result format (equal, or both NaN unless strict). */
int fl_vec_match (const fl_format *rf, uint64_t expected, uint64_t got, int strict_nan);

#ifdef __cplusplus
}
#endif
#endif
