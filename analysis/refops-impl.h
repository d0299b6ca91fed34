/* refops-impl.h -- internal to refops.c and refops_fast.c: tininess after rounding. */
#ifndef FL_REFOPS_IMPL_H
#define FL_REFOPS_IMPL_H

#include <fmtlab/refops.h>

/* IEEE 754 7.5 allows tininess to be detected before rounding (the engine's rule) or after
   rounding (TestFloat's default).  They differ only when the result is +-2^emin, the
   smallest normal: the exact x is then tiny after rounding iff 2x, rounded in the binade
   of 2^emin (the same significand bits one binade up), stays below 2^(emin+1). */
typedef struct {
  int on;                  /* the format has normals and after-rounding was asked for */
  uint64_t mn[2], mn2[2];  /* codes of +-2^emin and +-2^(emin+1), by sign */
  long emin;
} fl_tiny;

void fl_tiny_init (fl_tiny *t, const fl_format *f, int after);

/* After a result 'code' with flags fl of the value (-1)^neg * sig * 2^exp: clear underflow
   when the value is not tiny after rounding. */
static inline void
fl_tiny_fix_u64 (const fl_tiny *t, const fl_format *f, int neg, uint64_t sig, long exp,
                 const fl_rounding *r, uint64_t code, unsigned *fl)
{
  if (!t->on || !(*fl & FL_FLAG_UNDERFLOW) || code != t->mn[neg])
    return;
  unsigned scratch = 0;
  if (fl_encode_u64 (f, neg, sig, exp + 1, r, &scratch) == t->mn2[neg])
    *fl &= ~FL_FLAG_UNDERFLOW;
}

#endif
