/* fmtlab/enumerate.h -- properties of a format: code counts, extreme values, dynamic
   range, precision at 1.  Counts are analytic (so 32- and 64-bit formats are instant);
   the tests check them against enumeration for every format up to 16 bits. */
#ifndef FMTLAB_ENUMERATE_H
#define FMTLAB_ENUMERATE_H

#include <fmtlab/formats.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  unsigned bits;
  long double codes;            /* 2^bits, exact as a long double */
  long double nan_codes, inf_codes, finite_codes, distinct_finite;
  int has_negzero;
  mpfr_t max, lowest, minpos;   /* exact */
  int has_minnormal;
  mpfr_t minnormal;
  int has_ulp1;                 /* the gap between the smallest value >= 1 and the next */
  mpfr_t ulp1;
  double range_binades;         /* log2(max / minpos), a summary figure */
  double range_decades;
} fl_props;

fl_status fl_props_compute (const fl_format *f, fl_props *p, char *err, size_t errlen);
void fl_props_clear (fl_props *p);

/* The decimal accuracy profile (Gustafson's measure): for x rounded to nearest x', the
   decimal accuracy is -log10 |log10(x'/x)|.  For each binade [2^k, 2^(k+1)) that holds the
   lower end of an interval between neighbouring positive values: the worst case (at the
   cut points) and the mean over x log-uniform in the binade.  Exact enumeration of the
   intervals for formats up to 20 bits, 64 sampled intervals per binade beyond; a format
   spanning more than FL_PROFILE_MAX_BINADES binades gets rows for that many of them only
   (the lowest half, the highest eighth, evenly spaced ones between, and binade 0), which bounds the time
   (float:e=16,m=32 spans 2^17 binades).  The figures are doubles: summary statistics, not
   reference values. */
#define FL_PROFILE_MAX_BINADES 512
typedef struct {
  long binade;
  double worst, mean;
  double intervals;       /* intervals whose lower end lies in the binade (or samples) */
} fl_accuracy_row;

fl_status fl_accuracy_profile (const fl_format *f, fl_domain d, fl_accuracy_row **rows,
                               size_t *nrows, char *err, size_t errlen);

/* fl_format_special_counts (the NaN and infinity codes of a format) is in formats.h. */

#ifdef __cplusplus
}
#endif
#endif
