/* fastops-impl.h -- internal: the fast path's object, shared by the general producers
   (fastops.c) and the per-(family, op) kernels (fastops_kern.c). */
#ifndef FL_REFOPS_FAST_IMPL_H
#define FL_REFOPS_FAST_IMPL_H

#include <stdint.h>
#include <mpfr.h>
#include <fmtlab/refops.h>

enum { FL_FK_ZERO, FL_FK_FIN, FL_FK_INF, FL_FK_NAN };

typedef uint64_t (*fl_fast_fn) (const fl_fast *F, const uint64_t *a, const fl_rounding *r,
                                unsigned *flags);

struct fl_fast {
  const fl_format *f;
  fl_op op;
  unsigned bits;
  uint64_t mask;
  unsigned qbits;               /* bits wanted from div/sqrt before the sticky */
  int pgrid;                    /* bound on the significant bits of the grid */
  const fl_ref_rules *rules;
  /* operand tables of the formats of at most 16 bits (NULL above: fl_unpack per call) */
  uint8_t *kind, *neg;
  uint64_t *sig;
  int32_t *exp;
  /* the kernels' compact table: sig (bits 0-15, 0 for a zero, infinity or NaN), sign
     (bit 16), exponent + 16384 (bits 17-31); NULL when some value does not fit */
  uint32_t *packed;
  /* the value of each code as a binary32 (0 for a zero, infinity or NaN), when every
     finite value is a normal binary32: the kernels' other table (NULL otherwise) */
  float *fval;
  fl_format *src;               /* binary64 / binary32 of the conversions */
  int tiny_after;               /* tininess after rounding asked for */
  fl_fast_fn eval;              /* the one dispatch: picked once per (format, op) */
  struct fl_op_table *table;    /* logarithmic formats: whole-table ops (optable.c) */
};

typedef unsigned __int128 fl_u128;
typedef __int128 fl_i128;

static inline int
fl_fast_bitlen64 (uint64_t x)
{
  return x ? 64 - __builtin_clzll (x) : 0;
}

/* S < 2^128 cut to at most 63 bits with a sticky last bit (round to odd: exact for every
   format of at most 61 bits), the exponent *e moved to match. */
static inline uint64_t
fl_fast_odd64 (fl_u128 S, long *e)
{
  uint64_t hi = (uint64_t) (S >> 64);
  if (!hi)
    return (uint64_t) S;
  int d = 64 - __builtin_clzll (hi) + 1;
  *e += d;
  return (uint64_t) (S >> d) | (uint64_t) ((S & (((fl_u128) 1 << d) - 1)) != 0);
}

/* The producer of add/sub/fma: exact (-1)^sa*A*2^ea + (-1)^sb*B*2^eb for A, B nonzero,
   as (-1)^*neg * *S * 2^*e; returns 0 for an exact zero.  An addend far below the other
   (below a quarter of the finest quantum the result can have, pgrid bits under its top)
   is replaced by a one-bit sticky of its sign, which lies in the same open cell of a grid
   finer than every rounding boundary and so rounds identically in every deterministic
   mode (the same argument as round to odd).  *S < 2^127. */
static inline int
fl_fast_sum (int pgrid, int sa, uint64_t A, long ea, int sb, uint64_t B, long eb, int *neg,
             fl_u128 *S, long *e)
{
  long ta = ea + fl_fast_bitlen64 (A), tb = eb + fl_fast_bitlen64 (B);  /* just above the tops */
  if (ta < tb)
    {
      int ts = sa; sa = sb; sb = ts;
      uint64_t tA = A; A = B; B = tA;
      long te = ea; ea = eb; eb = te;
      te = ta; ta = tb; tb = te;
    }
  /* the result is at least 2^(ta-2), so its quantum is at least 2^(ta-2-pgrid); g is a
     grid that a lies on and that is 4 times finer than that */
  long g = ta - 4 - pgrid;
  if (g > ea)
    g = ea;
  if (tb < g - 1)
    {
      B = 1;                    /* |b| < 2^(g-1): a sticky below a's cell */
      eb = g - 2;
    }
  long m = ea < eb ? ea : eb;
  *e = m;
  if (ta - m < 62 && tb - m < 62)
    {
      /* the common case (every format up to 16 bits but the widest exponent ranges) */
      int64_t x = (sa ? -1 : 1) * (int64_t) (A << (ea - m))
                  + (sb ? -1 : 1) * (int64_t) (B << (eb - m));
      *neg = x < 0;
      *S = x < 0 ? (uint64_t) -x : (uint64_t) x;
      return x != 0;
    }
  /* ta - m stays below 127: A has at most 64 bits and m >= g - 2 or eb >= tb - 64 */
  fl_i128 SA = (fl_i128) ((fl_u128) A << (ea - m)), SB = (fl_i128) ((fl_u128) B << (eb - m));
  fl_i128 x = (sa ? -SA : SA) + (sb ? -SB : SB);
  *neg = x < 0;
  *S = (fl_u128) (x < 0 ? -x : x);
  return x != 0;
}

/* The general evaluator (every format and op fl_fast_new accepts). */
uint64_t fl_fast_general (const fl_fast *F, const uint64_t *a, const fl_rounding *r,
                          unsigned *flags);

/* fl_encode of a signed infinity (the family's encode_special), without MPFR. */
uint64_t fl_fast_encode_inf (const fl_format *f, int negative, const fl_rounding *r,
                             unsigned *flags);

/* The specialised kernel for F's (family, op), or NULL when there is none
   (fastops_kern.c). */
fl_fast_fn fl_fast_kernel (const fl_fast *F);

#endif
