/* fmtlab/blocks.h -- block formats: a block of k elements shares a scale (and, for some
   families, a zero point or a few outliers); each element is a code of a scalar format.

   Families (doc/blocks.md has the decisions; 'fmtlab formats' lists the names):
     OCP MX v1.0   mxfp8e4m3 mxfp8e5m2 mxfp6e3m2 mxfp6e2m3 mxfp4 mxint8 (k = 32, E8M0 scale),
                   mx:elem=NAME[,k=32][,scale=e8m0fnu][,rule=floor|ceil|even|rceil][,sym=1]
     NVFP4         nvfp4[:tscale=V]: E2M1 elements, k = 16, E4M3 scale = amax/6 (RNE), and an
                   optional per-tensor binary32 scale V (then the block scale is
                   amax/(6 V) and values are V * scale * element)
     OPAL          opal[:elem=exmy_e0m3][,k=128][,outliers=4][,ofmt=bf16][,scale=e8m0fnu]
     groups        group:elem=int<b>[,k=128][,scale=fp16][,zero=fp16|none][,fit=minmax|absmax|mse]
                   and llama.cpp's q8_0, q4_0, q4_1 (k = 32, fp16 scale, ggml's own arithmetic)
   A scalar format name that contains commas is written in brackets: mx:elem=[float:e=4,m=3].

   Quantization is exact (fl_block_quantize: MPFR, every decision exact) with fast paths for
   doubles and floats that give the same codes (the tests prove it on random blocks).  The
   elements are rounded with the caller's fl_rounding (mode, seed; overflow always clamps to
   the largest finite element); element i of the input uses stream r->stream + i.  Scales
   follow the family's rule and do not use r.  Objects are immutable and thread-safe.

   A block name also parses as a format (fl_format_parse, family FL_FAMILY_BLOCK): then
   fl_quantize_doubles/floats quantize and dequantize whole blocks through this API, and
   fl_format_block (formats.h) gives the fl_block behind it. */
#ifndef FMTLAB_BLOCKS_H
#define FMTLAB_BLOCKS_H

#include <stddef.h>
#include <stdint.h>
#include <mpfr.h>
#include <fmtlab/formats.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { FL_BLOCK_MX, FL_BLOCK_NVFP4, FL_BLOCK_OPAL, FL_BLOCK_GROUP } fl_block_kind;

/* MX shared-exponent rules (torchao's modes): floor = the OCP spec,
   floor(log2 amax) - emax_elem; ceil = round the exponent of amax up unless amax is a power
   of two; even = round amax to the element's significand bits (ties away, as torchao) before
   taking floor(log2); rceil = ceil(log2(amax / elem_max)) (NVIDIA). */
typedef enum { FL_RULE_FLOOR, FL_RULE_CEIL, FL_RULE_EVEN, FL_RULE_RCEIL } fl_scale_rule;

/* Group fits: minmax = decoupleQ's asymmetric init (range widened to hold 0),
   absmax = symmetric, z = 0; mse = decoupleQ's grid shrink search (p = 1 - i/200, i < 160)
   minimising the plain squared error; q4_0, q4_1, q8_0 = llama.cpp (ggml-quants.c). */
typedef enum { FL_FIT_MINMAX, FL_FIT_ABSMAX, FL_FIT_MSE, FL_FIT_Q4_0, FL_FIT_Q4_1,
               FL_FIT_Q8_0 } fl_group_fit;

typedef struct fl_block fl_block;

/* Parse a block-format name; FL_EINVAL with a one-line message naming the bad part. */
fl_status fl_block_parse (const char *name, fl_block **out, char *err, size_t errlen);
/* Whether name is spelled as a block format (a preset or a family prefix such as "mx:"),
   valid or not: a caller can then report fl_block_parse's message. */
int fl_block_name_p (const char *name);
void fl_block_free (fl_block *b);

const char *fl_block_name (const fl_block *b);        /* canonical name */
fl_block_kind fl_block_kind_of (const fl_block *b);
size_t fl_block_k (const fl_block *b);
const fl_format *fl_block_elem (const fl_block *b);
const fl_format *fl_block_scale (const fl_block *b);
const fl_format *fl_block_zero (const fl_block *b);    /* NULL unless a group with a zero */
const fl_format *fl_block_ofmt (const fl_block *b);    /* NULL unless OPAL */
unsigned fl_block_outliers (const fl_block *b);        /* 0 unless OPAL */
unsigned fl_block_index_bits (const fl_block *b);      /* ceil(log2 k): an outlier's index */
fl_scale_rule fl_block_rule (const fl_block *b);
fl_group_fit fl_block_fit (const fl_block *b);

/* Storage of one full block in bits: k element codes + scale + zero + outliers x (ofmt
   bits + index bits).  Bits per element = this / k (the NVFP4 per-tensor scale is not
   counted: it is amortised over the tensor). */
uint64_t fl_block_storage_bits (const fl_block *b);
/* The largest finite value and the smallest positive value a block can represent, exactly
   (out gets the precision it needs). */
void fl_block_max (const fl_block *b, mpfr_ptr out);
void fl_block_minpos (const fl_block *b, mpfr_ptr out);

/* Codes of n values: ceil(n/k) blocks, the last one possibly shorter (its scale is then
   chosen from the values it has). */
typedef struct {
  size_t n, nblocks;
  uint64_t *scale;   /* nblocks scale codes */
  uint64_t *zero;    /* nblocks zero codes, or NULL */
  uint64_t *elem;    /* n element codes (OPAL: 0 at an outlier's position) */
  uint32_t *oidx;    /* OPAL: nblocks x outliers in-block indices, ascending; UINT32_MAX
                        marks an unused slot (a block shorter than the outlier count) */
  uint64_t *ocode;   /* OPAL: the outliers' codes in ofmt */
} fl_block_array;

fl_status fl_block_array_init (fl_block_array *a, const fl_block *b, size_t n, char *err,
                               size_t errlen);
void fl_block_array_clear (fl_block_array *a);

/* Exact quantization of x[0..n) (x[i] exact; not modified). */
fl_status fl_block_quantize (const fl_block *b, mpfr_t *x, size_t n, fl_block_array *a,
                             const fl_rounding *r, unsigned *flags, char *err, size_t errlen);
/* Fast paths: the same codes as fl_block_quantize for every input. */
fl_status fl_block_quantize_doubles (const fl_block *b, const double *x, size_t n,
                                     fl_block_array *a, const fl_rounding *r, unsigned *flags,
                                     char *err, size_t errlen);
fl_status fl_block_quantize_floats (const fl_block *b, const float *x, size_t n,
                                    fl_block_array *a, const fl_rounding *r, unsigned *flags,
                                    char *err, size_t errlen);

/* Exact dequantization: out[i] gets the exact value of element i (precision set here;
   NaN for a block whose scale is NaN). */
void fl_block_dequantize (const fl_block *b, const fl_block_array *a, mpfr_t *out);
/* The nearest double of each value. */
void fl_block_dequantize_doubles (const fl_block *b, const fl_block_array *a, double *out);

/* Block-format catalogue, for 'fmtlab formats' (the entries' family is "block"). */
const fl_catalogue_entry *fl_block_catalogue (size_t *n);

const char *fl_scale_rule_name (fl_scale_rule r);
const char *fl_group_fit_name (fl_group_fit f);

#ifdef __cplusplus
}
#endif
#endif
