/* block-impl.h -- internal: the block-format descriptor, the family interface (one ops
   table per family: mx.c holds MX and NVFP4, opal.c, group.c), and the bottom layer the
   families and the driver share (block-exact.c).  Layers: block.c (names, arrays, the
   drivers over many blocks) -> the families -> block-exact.c -> the scalar engine; no
   family calls block.c.  Not installed. */
#ifndef FL_BLOCK_IMPL_H
#define FL_BLOCK_IMPL_H

#include <math.h>
#include <string.h>
#include <fmtlab/blocks.h>
#include "format-impl.h"

struct fl_block_ops;

struct fl_block {
  const struct fl_block_ops *ops;
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

/* MPFR's discipline (its MPFR_SAVE_EXPO): a public call saves the caller's exponent range
   and flags, works in the widest range, and gives both back unchanged. */
typedef struct {
  mpfr_exp_t emin, emax;
  mpfr_flags_t flags;
} fl_block_mpfr_state;

static inline void
fl_block_mpfr_enter (fl_block_mpfr_state *s)
{
  s->emin = mpfr_get_emin ();
  s->emax = mpfr_get_emax ();
  s->flags = mpfr_flags_save ();
  mpfr_set_emin (mpfr_get_emin_min ());
  mpfr_set_emax (mpfr_get_emax_max ());
}

static inline void
fl_block_mpfr_leave (const fl_block_mpfr_state *s)
{
  mpfr_set_emin (s->emin);
  mpfr_set_emax (s->emax);
  mpfr_flags_restore (s->flags, MPFR_FLAGS_ALL);
}

/* Where one block's codes go. */
typedef struct {
  uint64_t *scale, *zero, *elem;
  uint32_t *oidx;
  uint64_t *ocode;
} fl_block_out;

/* ---- the family interface ---- */

/* A family quantizes one block of len <= k values (element j uses stream r->stream + j);
   the fast quantizer gives the same codes from doubles, with tmp room for 3 k doubles. */
typedef struct fl_block_ops {
  fl_block_kind kind;
  /* family parameters checked and derived after the element and scale are set; NULL: none */
  fl_status (*setup) (fl_block *b, char *err, size_t errlen);
  void (*quant_exact) (const fl_block *b, mpfr_t *x, size_t len, fl_block_out *o,
                       const fl_rounding *r, unsigned *flags);
  void (*quant_fast) (const fl_block *b, const double *x, size_t len, fl_block_out *o,
                      const fl_rounding *r, unsigned *flags, double *tmp);
} fl_block_ops;

extern const fl_block_ops fl_mx_block_ops, fl_nvfp4_block_ops, fl_opal_block_ops,
  fl_group_block_ops;

/* ---- the bottom layer (block-exact.c) ---- */

/* out = a + b, a - b, a * b exactly (out's precision set to what the result needs). */
void fl_x_add (mpfr_ptr out, mpfr_srcptr a, mpfr_srcptr b);
void fl_x_sub (mpfr_ptr out, mpfr_srcptr a, mpfr_srcptr b);
void fl_x_mul (mpfr_ptr out, mpfr_srcptr a, mpfr_srcptr b);
/* Largest |x| among the finite x; returns 1 when some x is NaN or infinite. */
int fl_x_amax (mpfr_t *x, size_t len, mpfr_ptr amax);

/* The code of the exact quotient a/b (a, b exact) rounded once into f by the engine: the
   integer quotient with a sticky bit for the dyadic formats, Ziv's loop on both ends of
   the truncated quotient for the logarithmic ones. */
uint64_t fl_bx_div_encode (const fl_format *f, mpfr_srcptr a, mpfr_srcptr b,
                           const fl_rounding *r, unsigned *flags);
/* The same from doubles: the truncated double quotient and its exact fma residual as the
   sticky bit.  Returns 0 (and sets nothing) outside the range where the residual is exact
   or for a logarithmic f: the caller then takes the exact path. */
int fl_bx_div_encode_d (const fl_format *f, double x, double d, const fl_rounding *r,
                        unsigned *flags, uint64_t *code);

/* The block's element rounding: r's mode and seed, overflow clamped, stream given. */
static inline fl_rounding
fl_block_elem_rounding (const fl_rounding *r, uint64_t stream)
{
  fl_rounding e = *r;
  e.overflow = FL_OVF_SAT;
  e.stream = stream;
  return e;
}
/* The MX symmetric clamp: under sym, a two's-complement element never takes its lowest
   code (|lowest| > max); it becomes -max, the next code. */
static inline uint64_t
fl_block_sym (const fl_block *b, uint64_t c)
{
  return b->sym && b->elem_asym && c == b->elem_lowest ? b->elem_lowest + 1 : c;
}
/* Encode an exact element value, symmetric clamp applied. */
uint64_t fl_block_encode_elem (const fl_block *b, mpfr_srcptr v, const fl_rounding *r,
                               unsigned *flags);
/* The code an element or scale format gives NaN (its NaN, or its policy's stand-in). */
uint64_t fl_block_nan_code (const fl_format *f);

/* The MX shared exponent of a block with largest magnitude amax > 0 (exact), clamped to
   the scale format's powers of two; OPAL uses it too.  The double form converts amax
   exactly and takes the same rule. */
long fl_mx_shared_exp (const fl_block *b, mpfr_srcptr amax);
long fl_mx_shared_exp_d (const fl_block *b, double amax);
/* Scale code of 2^e in the scale format. */
uint64_t fl_mx_scale_code (const fl_block *b, long e);
/* Quantize len values with the power-of-two scale 2^e (elements only; a zero keeps its
   sign where the element format has -0). */
void fl_mx_elems_exact (const fl_block *b, mpfr_t *x, size_t len, long e, uint64_t *codes,
                        const fl_rounding *r, unsigned *flags);
void fl_mx_elems_fast (const fl_block *b, const double *x, size_t len, long e,
                       uint64_t *codes, const fl_rounding *r, unsigned *flags, double *tmp);

#endif
