/* fmtlab/chartdata.h -- the analyses behind the charts: codes per binade, the closure map of
   an operation, and histograms of tensors with the mass a format clips or flushes.

   These compute; the charts (fmtlab/plots.h) only draw what they return.  Nothing here
   prints; every failure is an fl_status with a one-line message in err.  See doc/plots.md. */
#ifndef FMTLAB_CHARTDATA_H
#define FMTLAB_CHARTDATA_H

#include <stddef.h>
#include <stdint.h>
#include <fmtlab/formats.h>
#include <fmtlab/refops.h>
#include <fmtlab/blocks.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Value density ------------------------------------------------------------------- */

/* Positive finite values of f per binade [2^k, 2^(k+1)), counted exactly by enumeration
   (formats of at most 20 bits; FL_ERANGE beyond).  rows are sorted by binade, one per
   binade from the smallest positive value to the largest finite one (0 where a binade
   holds none, which logarithmic formats with fractional steps can give). */
typedef struct {
  long binade;
  double codes;
} fl_density_row;

fl_status fl_codes_per_binade (const fl_format *f, fl_density_row **rows, size_t *nrows,
                               char *err, size_t errlen);

/* ---- Closure map --------------------------------------------------------------------- */

/* What happens to one operation a OP b, from the exception flags of the correctly rounded
   reference result (fmtlab/refops.h), first match wins:
     NAN       an operand is NaN/NaR, or the operation is invalid (0*inf, inf-inf, 0/0...)
     DIVZERO   a nonzero finite value divided by zero
     OVERFLOW  the rounded result overflowed (to infinity, NaN or the largest value,
               whatever the format's policy makes of it)
     UNDERFLOW tiny and inexact (including results flushed to zero)
     ROUNDED   inexact
     EXACT     the exact result is a value of the format */
typedef enum {
  FL_OUTCOME_EXACT, FL_OUTCOME_ROUNDED, FL_OUTCOME_UNDERFLOW, FL_OUTCOME_OVERFLOW,
  FL_OUTCOME_DIVZERO, FL_OUTCOME_NAN
} fl_outcome;
#define FL_OUTCOMES 6

/* "exact" "rounded" "underflow" "overflow" "divide by zero" "NaN/NaR" */
const char *fl_outcome_name (fl_outcome o);

/* The closure map of a binary operation (add, sub, mul, div) over every pair of codes of a
   format of at most 10 bits.  The axes list the codes in value order (most negative first;
   -0 beside +0; NaN/NaR and infinities at the ends: -inf first, +inf then NaN codes last),
   so the map reads like a multiplication table. */
typedef struct {
  size_t side;            /* codes per axis: 2^bits */
  uint64_t *axis_code;    /* side codes in axis order */
  double *axis_value;     /* their values (nearest double; NaN for NaN/NaR codes) */
  uint8_t *outcome;       /* side x side fl_outcome: [i * side + j] is a = axis i, b = axis j */
  double count[FL_OUTCOMES];  /* pairs per outcome (they sum to side^2) */
} fl_closure;

/* r: the rounding (NULL: nearest-even, the format's overflow policy). */
fl_status fl_closure_map (const fl_format *f, fl_op op, const fl_rounding *r, fl_closure *out,
                          char *err, size_t errlen);
void fl_closure_clear (fl_closure *c);

/* ---- Histograms ---------------------------------------------------------------------- */

/* A histogram with nbins equal bins over [lo, hi), filled in chunks (streaming: memory is
   the bins only).  With log2abs set it counts log2|x| of the nonzero elements; zeros are
   then counted apart.  Elements outside [lo, hi) go to below/above; NaN and infinities to
   nonfinite. */
typedef struct {
  double lo, hi;
  size_t nbins;
  int log2abs;
  double *count;
  uint64_t total, zeros, below, above, nonfinite;
} fl_hist;

fl_status fl_hist_init (fl_hist *h, double lo, double hi, size_t nbins, int log2abs,
                        char *err, size_t errlen);
void fl_hist_add (fl_hist *h, const double *x, size_t n);
void fl_hist_clear (fl_hist *h);
double fl_hist_bin_lo (const fl_hist *h, size_t i);   /* left edge of bin i */
double fl_hist_bin_width (const fl_hist *h);

/* Summary figures of data a histogram is built for (one pass, streaming): smallest and
   largest finite nonzero |x|, finite minimum and maximum, and counts.  Used to choose the
   histogram's range before filling it. */
typedef struct {
  double min, max;           /* finite elements */
  double absmin_nz, absmax;  /* smallest nonzero |x|, largest |x| */
  uint64_t n, finite, zeros;
} fl_data_range;

void fl_data_range_init (fl_data_range *d);
void fl_data_range_add (fl_data_range *d, const double *x, size_t n);

/* A candidate format for a tensor: a scalar format (with a scale s: x is quantized as
   s * q(x / s)) or a block format (which brings its own scales).  Exactly one of f and b
   is set. */
typedef struct {
  const fl_format *f;
  const fl_block *b;
  double scale;              /* scalar formats; 1 for none */
} fl_candidate;

/* The candidate's representable range on the data's axis: the smallest positive and the
   largest finite magnitude (scalar: s * minpos, s * max; block: fl_block_minpos/max), and
   its positive grid: every positive finite value times s (scalar formats of at most 16
   bits), or the block's element grid times the power of two that puts its largest element
   value at or above absmax (blocks; a picture of one block, not of every block).  grid is
   malloc'ed (NULL with ngrid 0 when the format is too wide to list). */
typedef struct {
  double minpos, max;
  double *grid;
  size_t ngrid;
} fl_candidate_range;

fl_status fl_candidate_range_get (const fl_candidate *c, double absmax, fl_candidate_range *out,
                                  char *err, size_t errlen);
void fl_candidate_range_clear (fl_candidate_range *r);

/* The mass a candidate loses, accumulated over chunks by quantizing them (nearest-even,
   the format's overflow policy): clipped = finite elements beyond the largest magnitude
   the candidate can give them (scalar formats: |x|/s at or past max + half the gap below
   max, where nearest rounding with an unbounded exponent would leave the format; blocks:
   |x| above its quantized value when that value is the element format's largest
   magnitude times the block's scale); flushed = nonzero finite elements that quantize to
   zero.  Counts, and the elements seen (finite ones).  For block formats each call must
   hold whole blocks (chunks of a multiple of the block size, but for the last). */
typedef struct {
  uint64_t n, clipped, flushed;
} fl_lost_mass;

fl_status fl_lost_mass_add (const fl_candidate *c, const double *x, size_t n, fl_lost_mass *m,
                            char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
