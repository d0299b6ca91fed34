/* scale-impl.h -- what analysis/scale.c shares with analysis/search.c (not installed). */
#ifndef FL_SCALE_IMPL_H
#define FL_SCALE_IMPL_H

#include <stddef.h>

/* The pow2 strategy's scale: the smallest power of two s with a <= maxf * s, so that a
   group of absolute maximum a clips nothing in a format whose largest value is maxf. */
double fl_scale_pow2 (double a, double maxf);

/* MXNet's and ONNX Runtime's smoothing of a histogram p[0..n): 1e-4 of mass to every
   empty bin, taken evenly from the others, so that KL(P || Q) stays finite. */
void fl_kl_smooth (double *p, size_t n);

#endif
