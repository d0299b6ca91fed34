/* fmtlab/metrics.h -- the error a format costs on a tensor: streaming accumulators.

   An accumulator takes pairs (x, q) of an input element and its fake-quantized value, in
   any number of chunks, and can be merged with another one (chunks read in turn, or by
   several threads).  Merging in a fixed order gives results that do not depend on the
   thread count.  Sums are kept in double over runs of 256 elements and in long double
   (64-bit significand on x86) across runs.

   Elements whose input is NaN or infinite are counted and kept out of every metric.  A
   finite input whose quantized value is not finite (an overflow policy of inf or nan)
   makes the error figures infinite or NaN, as it should.  Formulas: doc/compare.md. */
#ifndef FMTLAB_METRICS_H
#define FMTLAB_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include <fmtlab/formats.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  uint64_t n;              /* finite inputs counted */
  uint64_t nan, inf;       /* inputs kept out */
  uint64_t nonzero;        /* finite nonzero inputs (the relative errors' population) */
  uint64_t clipped;        /* inputs beyond the largest value the scaled format holds */
  uint64_t flushed;        /* nonzero inputs quantized to zero */
  long double sum_x2;      /* sum x^2 */
  long double sum_q2;      /* sum q^2 */
  long double sum_xq;      /* sum x q */
  long double sum_e2;      /* sum (q - x)^2 */
  long double sum_e;       /* sum (q - x): the bias */
  long double sum_rel;     /* sum |q - x| / |x| over nonzero x */
  double max_abs;          /* max |q - x| */
  double max_rel;          /* max |q - x| / |x| over nonzero x */
} fl_metrics;

void fl_metrics_init (fl_metrics *m);
/* Add n pairs.  clipped may be NULL (no element counted as clipped) or a 0/1 flag per
   element; the caller decides what clipping means for its scale (see fl_quantizer). */
void fl_metrics_add (fl_metrics *m, const double *x, const double *q, size_t n,
                     const unsigned char *clipped);
/* a += b */
void fl_metrics_merge (fl_metrics *a, const fl_metrics *b);

/* Code usage: a histogram of codes of a format of at most FL_METRICS_MAX_HIST_BITS bits,
   for the entropy of the code distribution (wider formats: no histogram). */
#define FL_METRICS_MAX_HIST_BITS 16
typedef struct {
  unsigned bits;
  uint64_t *count;          /* 2^bits counters */
} fl_code_hist;
fl_status fl_code_hist_init (fl_code_hist *h, unsigned bits, char *err, size_t errlen);
void fl_code_hist_add (fl_code_hist *h, const uint64_t *codes, size_t n);
void fl_code_hist_merge (fl_code_hist *a, const fl_code_hist *b);
/* Shannon entropy of the code distribution in bits per element (0 for an empty one). */
double fl_code_hist_entropy (const fl_code_hist *h);
void fl_code_hist_clear (fl_code_hist *h);

/* The figures of an accumulator.  Undefined ones (no element, no nonzero element) are NaN;
   an error-free quantization has SQNR +inf. */
typedef struct {
  uint64_t n, nan, inf;
  double mse, rmse;
  double sqnr_db;           /* 10 log10 (sum x^2 / sum (x - q)^2) */
  double max_abs_err;
  double max_rel_err, mean_rel_err;   /* over nonzero x */
  double cosine;            /* sum x q / sqrt (sum x^2 sum q^2) */
  double clipped_share, flushed_share;   /* of the finite inputs; flushed of the nonzero */
  double bias;              /* mean of q - x (stochastic rounding's bias) */
} fl_metrics_result;

void fl_metrics_finish (const fl_metrics *m, fl_metrics_result *out);

#ifdef __cplusplus
}
#endif
#endif
