/* scale-impl.h -- what analysis/scale.c shares with analysis/search.c (not installed). */
#ifndef FL_SCALE_IMPL_H
#define FL_SCALE_IMPL_H

/* The pow2 strategy's scale: the smallest power of two s with a <= maxf * s, so that a
   group of absolute maximum a clips nothing in a format whose largest value is maxf. */
double fl_scale_pow2 (double a, double maxf);

#endif
