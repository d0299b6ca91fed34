/* fmtlab/scale.h -- scale strategies, granularities and the fake-quantizer of a tensor.

   A scalar format is applied to a tensor through a scale s per group of elements:
   q = s * decode (encode (x / s, mode)), with x / s and the final product computed in
   binary64 with round-to-nearest-even (one rounding each), so anyone can recompute q.
   Strategies (how s is chosen for a group; doc/compare.md has the details):
     none          s = 1
     absmax        s = absmax / M, M the format's largest finite value (one binary64
                   division; s = 1 for a group of zeros)
     percentile:P  s = t / M, t the P-th percentile (0 < P <= 100) of |x| with linear
                   interpolation between order statistics (numpy's default)
     mse           s = t / M, t the clipping threshold that minimises the squared error:
                   the best of 128 thresholds absmax * j / 128, then of 64 thresholds
                   between that one's neighbours
     kl            s = t / M, t the threshold of TensorRT's entropy calibration: a
                   2048-bin histogram of |x| on [0, absmax] (as many bins as values for
                   a smaller group, at least the levels), the number of bins i that
                   minimises KL(P_i || Q_i), t = i * bin width (fl_kl_calibrate)
     pow2          s = 2^ceil (log2 (absmax / M)): the smallest power of two that clips
                   nothing
   Granularities: tensor (one scale), channel:AXIS (one scale per index along AXIS; a
   negative AXIS counts from the last), block:K (K consecutive elements in C order).
   Block formats (MX, NVFP4, OPAL, groups, q4_0 ...) bring their own scales and blocks:
   the strategy and granularity are then ignored.

   Clipping: an element is clipped when x / s lies beyond the midpoint between the largest
   (or most negative) finite value and the next value of the format's unbounded grid, where
   nearest rounding would overflow (scalar formats), or when its
   element code is the element format's largest magnitude and |q| < |x| (block formats).
   A quantizer whose strategy can clip (percentile, mse, kl) saturates unless the caller
   forces another overflow policy.  Stochastic rounding uses stream r.stream + i for
   element i of the tensor, so results do not depend on chunking or thread count. */
#ifndef FMTLAB_SCALE_H
#define FMTLAB_SCALE_H

#include <stddef.h>
#include <stdint.h>
#include <fmtlab/formats.h>
#include <fmtlab/blocks.h>
#include <fmtlab/metrics.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { FL_SCALE_NONE, FL_SCALE_ABSMAX, FL_SCALE_PERCENTILE, FL_SCALE_MSE,
               FL_SCALE_KL, FL_SCALE_POW2 } fl_scale_kind;
typedef struct {
  fl_scale_kind kind;
  double percentile;        /* FL_SCALE_PERCENTILE: P in (0, 100] */
} fl_scale_strategy;

typedef enum { FL_GRAN_TENSOR, FL_GRAN_CHANNEL, FL_GRAN_BLOCK } fl_gran_kind;
typedef struct {
  fl_gran_kind kind;
  int axis;                 /* FL_GRAN_CHANNEL (negative: from the last) */
  uint64_t k;               /* FL_GRAN_BLOCK */
} fl_granularity;

/* "none", "absmax", "percentile:99.9", "mse", "kl", "pow2"; "tensor", "channel:0",
   "block:32".  FL_EINVAL with a one-line message naming the bad part. */
fl_status fl_scale_strategy_parse (const char *s, fl_scale_strategy *out, char *err,
                                   size_t errlen);
fl_status fl_granularity_parse (const char *s, fl_granularity *out, char *err,
                                size_t errlen);
/* The canonical spelling ("percentile:99.9"), into buf. */
const char *fl_scale_strategy_name (const fl_scale_strategy *s, char *buf, size_t size);
const char *fl_granularity_name (const fl_granularity *g, char *buf, size_t size);

/* The largest finite value of a format as the nearest double (exact for dyadic formats). */
double fl_format_max_double (const fl_format *f);

/* Scale of one group of n values (non-finite values are ignored) for strategy s and
   format f; r is used by the mse search (rounding of the candidates).  1 when every value
   is zero.  FL_ENOMEM when the percentile's sorted copy cannot be allocated. */
fl_status fl_scale_of_group (const fl_format *f, const fl_scale_strategy *s,
                             const fl_rounding *r, const double *x, size_t n, double *scale,
                             char *err, size_t errlen);

/* Entropy calibration on a histogram of |x|: hist[0..nbins) with equal-width bins from 0,
   nq quantization levels (nq <= nbins).  For each i in [nq, nbins]: P = hist[0..i) with
   the counts of the bins from i on added to bin i-1; Q = P merged into nq groups of equal
   numbers of bins, each group's total spread evenly over its nonzero bins of P; returns
   the i that minimises KL(P || Q) (the smallest on ties); the threshold is i bin widths.
   Empty bins of P and Q get 1e-4 of mass taken evenly from their nonempty bins first
   (MXNet's and ONNX Runtime's smoothing), so that the divergence stays finite.
   Returns nbins when the histogram is empty. */
size_t fl_kl_calibrate (const double *hist, size_t nbins, size_t nq);
/* The number of quantization levels used for format f: its positive finite values,
   at most 128 (TensorRT's value for int8). */
size_t fl_kl_levels (const fl_format *f);

/* A fake-quantizer: a format (scalar or block) with a strategy, granularity and rounding. */
typedef struct fl_quantizer fl_quantizer;

/* name: a scalar or block format name.  Overflow: FL_OVF_DEFAULT in r means saturation
   when the strategy is not none (a quantizer clips), the format's own otherwise. */
fl_status fl_quantizer_new (const char *name, const fl_scale_strategy *s,
                            const fl_granularity *g, const fl_rounding *r,
                            fl_quantizer **out, char *err, size_t errlen);
void fl_quantizer_free (fl_quantizer *qz);
const char *fl_quantizer_format_name (const fl_quantizer *qz);
int fl_quantizer_is_block (const fl_quantizer *qz);
/* Code width of one element (a block format's element format). */
unsigned fl_quantizer_code_bits (const fl_quantizer *qz);

/* The groups of a tensor of this shape: 1, the size of the channel axis, or ceil(count/K)
   (block formats: 0, they scale themselves).  FL_EINVAL for an axis the shape lacks. */
fl_status fl_quantizer_groups (const fl_quantizer *qz, int ndim, const uint64_t *shape,
                               uint64_t *ngroups, char *err, size_t errlen);
/* Whether the strategy needs the whole group at once (percentile, mse, kl), or only its
   absolute maximum, which can be gathered chunk by chunk (none, absmax, pow2). */
int fl_quantizer_needs_data (const fl_quantizer *qz);

/* Streaming scales: absmax[ngroups] starts at 0; absmax_update folds in elements
   [start, start + n) of the tensor; scales_from_absmax turns them into scales. */
void fl_quantizer_absmax_update (const fl_quantizer *qz, int ndim, const uint64_t *shape,
                                 uint64_t start, const double *x, size_t n, double *absmax);
void fl_quantizer_scales_from_absmax (const fl_quantizer *qz, const double *absmax,
                                      uint64_t ngroups, double *scale);
/* Scales from the whole tensor x[0..count) (any strategy; OpenMP over groups). */
fl_status fl_quantizer_scales (const fl_quantizer *qz, int ndim, const uint64_t *shape,
                               const double *x, double *scale, char *err, size_t errlen);

/* Fake-quantize elements [start, start + n) of the tensor into q (q may be x), with the
   group scales (NULL for block formats; then start and n must be multiples of the block
   size, except at the tensor's end).  When m is not NULL the pairs are accumulated; when
   codes is not NULL (n entries) it receives the element codes; when hist is not NULL the
   codes are counted.  Non-finite inputs are passed through (a block format sees them as
   0, so that one NaN does not spoil its block's scale).  Single-threaded, re-entrant. */
fl_status fl_quantizer_apply (const fl_quantizer *qz, int ndim, const uint64_t *shape,
                              const double *scale, uint64_t start, const double *x,
                              double *q, size_t n, uint64_t *codes, fl_metrics *m,
                              fl_code_hist *hist, char *err, size_t errlen);

/* The whole job on a tensor held in memory: scales, fake-quantization and metrics (for
   fits and searches).  q may be NULL (not kept); hist may be NULL.  OpenMP over runs of
   the tensor, their accumulators merged in order: the result does not depend on the
   thread count. */
fl_status fl_quantizer_measure (const fl_quantizer *qz, int ndim, const uint64_t *shape,
                                const double *x, double *q, fl_metrics *m,
                                fl_code_hist *hist, char *err, size_t errlen);

/* Block formats: the block array of elements [start, start + n) (a is initialised here;
   the caller clears it; start a multiple of the block size; non-finite inputs as 0), and
   the block format itself (NULL for a scalar format). */
fl_status fl_quantizer_block_codes (const fl_quantizer *qz, uint64_t start, const double *x,
                                    size_t n, fl_block_array *a, char *err, size_t errlen);
const fl_block *fl_quantizer_block (const fl_quantizer *qz);

/* Storage in bits per element for a tensor of count elements in ngroups scale groups:
   the code width plus the scales (binary32 each; pow2: 8 bits, an exponent; none: 0),
   or a block format's storage with a last partial block counted whole. */
double fl_quantizer_bits_per_element (const fl_quantizer *qz, uint64_t count,
                                      uint64_t ngroups);

#ifdef __cplusplus
}
#endif
#endif
