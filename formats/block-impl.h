/* block-impl.h -- internal: the block-format descriptor, the per-family quantizers of one
   block, and the exact and fast arithmetic helpers they share.  Not installed. */
#ifndef FL_BLOCK_IMPL_H
#define FL_BLOCK_IMPL_H

#include <math.h>
#include <string.h>
#include <fmtlab/blocks.h>
#include "format-impl.h"

struct fl_block {
  fl_block_kind kind;
  char name[320];
  size_t k;
  fl_format *elem, *scale, *zero, *ofmt;   /* zero, ofmt may be NULL */
  fl_format *f32;       /* groups: binary32, for ggml's float arithmetic */
  fl_scale_rule rule;
  fl_group_fit fit;
  int sym;              /* MX: never produce the asymmetric two's-complement minimum */
  unsigned outliers;    /* OPAL */
  unsigned ibits;       /* ceil(log2 k) */
  long elem_emax;       /* floor(log2 max element) */
  long elem_mbits;      /* significand bits below the leading one at the element's top */
  long smin, smax;      /* MX/OPAL: exponents of the smallest and largest power of two the
                           scale format holds */
  double elem_max_d;    /* the largest element, as a double (exact for every engine format) */
  uint64_t elem_zero;   /* element code of +0 */
  uint64_t elem_nan;    /* element code for a non-finite block (NaN if any, else +0) */
  uint64_t elem_lowest; /* two's-complement minimum, replaced under sym */
  int elem_asym;        /* elem is two's complement with |lowest| > max */
  long qmin, qmax;      /* groups: the integer range of the element */
  long qoff;            /* groups: value = (q + qoff) * s + z (q4_0: -8) */
  double tscale;        /* NVFP4 per-tensor scale (1 when absent) */
  int has_tscale;
};

/* Where one block's codes go. */
typedef struct {
  uint64_t *scale, *zero, *elem;
  uint32_t *oidx;
  uint64_t *ocode;
} fl_block_out;

/* ---- exact helpers (block.c) ---- */
/* out = a + b exactly (out's precision set to what the sum needs). */
void fl_x_add (mpfr_ptr out, mpfr_srcptr a, mpfr_srcptr b);
void fl_x_sub (mpfr_ptr out, mpfr_srcptr a, mpfr_srcptr b);
/* out = a * b exactly. */
void fl_x_mul (mpfr_ptr out, mpfr_srcptr a, mpfr_srcptr b);
/* out = a / b rounded to odd at 'prec' bits: one later rounding to any format of at most
   prec - 2 bits is then the correct rounding of the exact quotient. */
void fl_x_div_rto (mpfr_ptr out, mpfr_srcptr a, mpfr_srcptr b, mpfr_prec_t prec);
/* The block's element rounding: r's mode and seed, overflow clamped, stream given. */
static inline fl_rounding
fl_block_elem_rounding (const fl_rounding *r, uint64_t stream)
{
  fl_rounding e = *r;
  e.overflow = FL_OVF_SAT;
  e.stream = stream;
  return e;
}
/* Encode an exact element value with the MX symmetric rule applied. */
uint64_t fl_block_encode_elem (const fl_block *b, mpfr_srcptr v, const fl_rounding *r,
                               unsigned *flags);
/* Largest |x| among the finite x; returns 1 when some x is NaN or infinite. */
int fl_x_amax (mpfr_t *x, size_t len, mpfr_ptr amax);

/* ---- fast helpers ---- */
/* x / d rounded to odd at 53 bits, from the correctly rounded quotient and its exact fma
   residual; 0 when the operands are outside the range where that residual is exact. */
static inline int
fl_d_div_rto (double x, double d, double *q)
{
  if (x == 0)
    {
      *q = x / d;
      return 1;
    }
  double ax = fabs (x), ad = fabs (d);
  if (!(ax >= 0x1p-900 && ax <= 0x1p900 && ad >= 0x1p-900 && ad <= 0x1p900))
    return 0;
  double y = x / d;
  if (!(fabs (y) >= 0x1p-960 && fabs (y) <= 0x1p960))
    return 0;
  double res = fma (-y, d, x);             /* exact: x - y d */
  if (res != 0)
    {
      /* the exact quotient lies beyond y (away from 0) when res has the sign of x/d */
      int beyond = (res > 0) == (d > 0) ? y > 0 : y < 0;
      double t = beyond ? y : nextafter (y, 0.0);      /* truncation toward zero */
      uint64_t bits;
      memcpy (&bits, &t, sizeof bits);
      if (!(bits & 1))
        t = nextafter (t, t > 0 ? INFINITY : -INFINITY);
      y = t;
    }
  *q = y;
  return 1;
}

/* Encode doubles into a scalar format without the thread pool (the caller has one); the
   families without a fast path (posits, logarithmic posits, LNS) go through the exact
   encoder, a double being an exact value.  Element i uses stream r->stream + i. */
void fl_block_encode_doubles (const fl_format *f, const double *x, uint64_t *codes, size_t n,
                              const fl_rounding *r, unsigned *flags);

/* ---- families: one block of len <= k values ---- */
void fl_mx_quant_exact (const fl_block *b, mpfr_t *x, size_t len, fl_block_out *o,
                        const fl_rounding *r, unsigned *flags);
void fl_mx_quant_fast (const fl_block *b, const double *x, size_t len, fl_block_out *o,
                       const fl_rounding *r, unsigned *flags, double *tmp);
void fl_nvfp4_quant_exact (const fl_block *b, mpfr_t *x, size_t len, fl_block_out *o,
                           const fl_rounding *r, unsigned *flags);
void fl_nvfp4_quant_fast (const fl_block *b, const double *x, size_t len, fl_block_out *o,
                          const fl_rounding *r, unsigned *flags, double *tmp);
void fl_opal_quant_exact (const fl_block *b, mpfr_t *x, size_t len, fl_block_out *o,
                          const fl_rounding *r, unsigned *flags);
void fl_opal_quant_fast (const fl_block *b, const double *x, size_t len, fl_block_out *o,
                         const fl_rounding *r, unsigned *flags, double *tmp);
void fl_group_quant_exact (const fl_block *b, mpfr_t *x, size_t len, fl_block_out *o,
                           const fl_rounding *r, unsigned *flags);
void fl_group_quant_fast (const fl_block *b, const double *x, size_t len, fl_block_out *o,
                          const fl_rounding *r, unsigned *flags, double *tmp);

/* The MX shared exponent of a block with largest magnitude amax > 0 (exact), clamped to
   the scale format's powers of two; OPAL uses it too. */
long fl_mx_shared_exp (const fl_block *b, mpfr_srcptr amax);
long fl_mx_shared_exp_d (const fl_block *b, double amax);
/* Quantize len values with the power-of-two scale 2^e (elements only). */
void fl_mx_elems_exact (const fl_block *b, mpfr_t *x, size_t len, long e, uint64_t *codes,
                        const fl_rounding *r, unsigned *flags);
void fl_mx_elems_fast (const fl_block *b, const double *x, size_t len, long e,
                       uint64_t *codes, const fl_rounding *r, unsigned *flags, double *tmp);
/* Scale code of 2^e in the scale format. */
uint64_t fl_mx_scale_code (const fl_block *b, long e);

/* Family set-up from parsed parameters (group.c). */
fl_status fl_group_setup (fl_block *b, char *err, size_t errlen);

/* The code an element or scale format gives NaN (its NaN, or its policy's stand-in). */
uint64_t fl_block_nan_code (const fl_format *f);

#endif
