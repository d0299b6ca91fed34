/* refops_fast_kern.c -- the fast path's kernels, one per (family, op), picked once by
   fl_fast_new (doc/refops.md, "Fast path").

   A kernel takes finite nonzero operands only (anything else, and an exact zero result,
   goes to the general evaluator of refops_fast.c, which holds the special-value rules):
   - operands: the compact table of a format of at most 16 bits, or the code's fields
     decoded inline (binary floats with IEEE-shaped specials, standard posits of at most
     32 bits);
   - producers, exact or with a sticky: add/sub exact in integers (fl_fast_sum); mul the
     integer product; div and sqrt through the binary64 unit: q = RN(A/B) (or RN(sqrt A))
     is computed in hardware and its error's sign is found exactly in 128-bit integers
     (A*2^-k against M*B, A against M^2); the result is then q plus a quarter of q's ulp
     toward the error, which lies in the same open cell between consecutive 53-bit
     values as the exact result, and no rounding boundary of a format of at most 51 bits
     (values, midpoints, 2^emin) lies inside such a cell: every deterministic mode, the
     inexact and the underflow flags agree (the argument of round to odd);
   - rounding: the family's own round_pack, inlined here so that it is specialised per
     call site: fl_float_round_pack for binary floats (exmy-impl.h), and for posits the
     bit-string rounding of fl_regime_round (regime.c) written in 128-bit integers with
     the shared decision fl_round_decide (round-impl.h).
   This file reaches into formats/' private headers on purpose: the rounding must be the
   family's, inlined, not a copy.  Proved equal to the MPFR path by tests/test_refops. */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#include "../formats/exmy-impl.h"
#include "../formats/regime-impl.h"
#include "refops-fast-impl.h"

typedef fl_u128 u128;

enum { SRC_TABLE, SRC_FLOAT, SRC_POSIT };    /* where the operands come from */
enum { FAM_FLOAT, FAM_POSIT };               /* which family rounds */

/* ---- operands ---------------------------------------------------------------------- */

FL_INLINE int
load_table (const fl_fast *F, uint64_t c, int *neg, uint64_t *sig, long *exp)
{
  uint32_t t = F->packed[c & F->mask];
  *sig = t & 0xffff;
  *neg = (int) ((t >> 16) & 1);
  *exp = (long) (t >> 17) - 16384;
  return *sig != 0;
}

/* IEEE-shaped binary floats (checked by fl_fast_kernel): subnormals and normals. */
FL_INLINE int
load_float (const fl_float_params *p, uint64_t c, int *neg, uint64_t *sig, long *exp)
{
  uint64_t ef = (c >> p->M) & ((UINT64_C(1) << p->E) - 1);
  uint64_t mf = c & ((UINT64_C(1) << p->M) - 1);
  *neg = (int) ((c >> (p->E + p->M)) & 1);
  if (ef == 0)
    {
      *sig = mf;
      *exp = p->emin - p->M;
      return mf != 0;
    }
  *sig = mf | (UINT64_C(1) << p->M);
  *exp = (long) ef - p->bias - p->M;
  return ef != (UINT64_C(1) << p->E) - 1;
}

/* Standard posits (rs = n - 1) of at most 32 bits: fl_regime_parse with the regime run
   counted by clz. */
FL_INLINE int
load_posit (const fl_regime_params *p, uint64_t c, int *neg, uint64_t *sig, long *exp)
{
  int n = p->n, es = p->es, avail = n - 1;
  uint64_t mask = (UINT64_C(1) << n) - 1;
  c &= mask;
  if ((c & (mask >> 1)) == 0)
    return 0;                                  /* zero or NaR */
  *neg = (int) (c >> avail);
  uint64_t mag = (*neg ? 0 - c : c) & (mask >> 1);
  uint64_t x = mag << (64 - avail);
  int r0 = (int) (x >> 63);
  int run = __builtin_clzll (r0 ? ~x : x);     /* ~x has ones below the field */
  if (run > avail)
    run = avail;
  int used = run + (run < avail);
  long k = r0 ? run - 1 : -run;
  int left = avail - used;
  int ebits = left < es ? left : es;
  uint64_t e = ebits > 0 ? (mag >> (left - ebits)) & ((UINT64_C(1) << ebits) - 1) : 0;
  e <<= es - ebits;
  left -= ebits;
  *sig = (UINT64_C(1) << left) | (mag & ((UINT64_C(1) << left) - 1));
  *exp = k * (1L << es) + (long) e - left;
  return 1;
}

FL_INLINE int
load_op (const fl_fast *F, int src, uint64_t c, int *neg, uint64_t *sig, long *exp)
{
  switch (src)
    {
    case SRC_TABLE: return load_table (F, c, neg, sig, exp);
    case SRC_FLOAT: return load_float (&F->f->u.fp, c, neg, sig, exp);
    default: return load_posit (&F->f->u.rg, c, neg, sig, exp);
    }
}

/* ---- rounding ---------------------------------------------------------------------- */

FL_INLINE uint64_t
round_float (const fl_format *f, int neg, uint64_t sig, long X, const fl_rounding *r,
             unsigned *flags)
{
  fl_mag m = { sig, NULL, X, X + 63 - __builtin_clzll (sig) };
  return fl_float_round_pack (f, neg, &m, r, flags, NULL);
}

/* posit_round_pack (posit.c) and fl_regime_round (regime.c) for a magnitude of at most 64
   bits, deterministic modes: the bit string [regime | es exponent bits | fraction] is at
   most 32 + es + 63 bits, held in 128 bits. */
FL_INLINE uint64_t
round_posit (const fl_format *f, int neg, uint64_t sig, long X, const fl_rounding *r,
             unsigned *flags)
{
  const fl_regime_params *p = &f->u.rg;
  int n = p->n, es = p->es, rs = p->rs;
  uint64_t maxmag = (UINT64_C(1) << (n - 1)) - 1;
  int top = 63 - __builtin_clzll (sig);
  long scale = X + top;
  long k = scale >= 0 ? scale >> es : -((-scale + (1L << es) - 1) >> es);   /* floor */
  long e = scale - k * (1L << es);
  long run = k >= 0 ? k + 1 : -k;
  uint64_t mag;
  if (run > rs)
    {
      *flags |= FL_FLAG_INEXACT;
      if (k >= 0)
        {
          *flags |= FL_FLAG_OVERFLOW;
          return fl_regime_pack (n, neg, maxmag);          /* saturate, never NaR */
        }
      return fl_regime_pack (n, neg, fl_below_minpos (r->mode, neg, 1, flags));
    }
  int term = run < rs;
  u128 B = k >= 0 ? ((((u128) 1 << run) - 1) << term) : (u128) term;
  B = (B << es) | (u128) e;
  B = (B << top) | (sig & ((UINT64_C(1) << top) - 1));
  int total = (int) run + term + es + top, keep = n - 1;
  int inexact = 0, half = -1;
  if (total <= keep)
    mag = (uint64_t) (B << (keep - total));
  else
    {
      int d = total - keep;
      mag = (uint64_t) (B >> d);
      u128 rem = B & (((u128) 1 << d) - 1), h = (u128) 1 << (d - 1);
      inexact = rem != 0;
      half = (rem > h) - (rem < h);
    }
  int up = 0;
  if (inexact)
    {
      *flags |= FL_FLAG_INEXACT;
      up = fl_round_decide (r->mode, neg, (int) (mag & 1), 1, half);
    }
  if (mag == 0)
    return fl_regime_pack (n, neg, fl_below_minpos (r->mode, neg, 1, flags));
  mag += (uint64_t) up;
  if (mag > maxmag)
    {
      *flags |= FL_FLAG_OVERFLOW;
      mag = maxmag;
    }
  return fl_regime_pack (n, neg, mag);
}

/* ---- producers --------------------------------------------------------------------- */

/* A positive binary64's significand M (53 bits) and exponent k: d = M * 2^k. */
FL_INLINE void
double_parts (double d, uint64_t *M, long *k)
{
  uint64_t b;
  memcpy (&b, &d, sizeof b);
  *M = (b & ((UINT64_C(1) << 52) - 1)) | (UINT64_C(1) << 52);
  *k = (long) (b >> 52) - 1075;
}

/* A/B for 0 < A, B < 2^32: q = RN(A/B) = M*2^k, then the sign of A/B - q from
   A*2^-k - M*B (-k in [21, 84]: both sides below 2^117). */
FL_INLINE void
div_produce (uint64_t A, uint64_t B, uint64_t *sig, long *X)
{
  uint64_t M;
  long k;
  double_parts ((double) A / (double) B, &M, &k);
  u128 lhs = (u128) A << -k, rhs = (u128) M * B;
  *sig = (M << 2) + (uint64_t) ((lhs > rhs) - (lhs < rhs));
  *X = k - 2;
}

/* sqrt(A * 2^e), A < 2^52, e even: A scaled by an even power of two to 51 or 52 bits, so
   its root M*2^k has k = -27 and M*M, A*2^54 fit in 128 bits. */
FL_INLINE void
sqrt_produce (uint64_t A, long e, uint64_t *sig, long *X)
{
  int j = (52 - fl_fast_bitlen64 (A)) & ~1;
  A <<= j;
  e -= j;
  uint64_t M;
  long k;
  double_parts (__builtin_sqrt ((double) A), &M, &k);
  u128 lhs = (u128) A << (-2 * k), rhs = (u128) M * M;
  *sig = (M << 2) + (uint64_t) ((lhs > rhs) - (lhs < rhs));
  *X = k - 2 + e / 2;
}

/* ---- kernels ----------------------------------------------------------------------- */

FL_INLINE uint64_t
kernel (const fl_fast *F, const uint64_t *a, const fl_rounding *r, unsigned *flags,
        int src, int fam, fl_op op)
{
  int sa, sb = 0, neg;
  uint64_t A, B = 0, sig;
  long ea, eb = 0, X;
  if (!load_op (F, src, a[0], &sa, &A, &ea))
    return fl_fast_general (F, a, r, flags);
  if (op != FL_OP_SQRT && !load_op (F, src, a[1], &sb, &B, &eb))
    return fl_fast_general (F, a, r, flags);
  switch (op)
    {
    case FL_OP_ADD: case FL_OP_SUB:
      {
        u128 S;
        if (!fl_fast_sum (F->pgrid, sa, A, ea, sb ^ (op == FL_OP_SUB), B, eb, &neg, &S, &X))
          return fl_fast_general (F, a, r, flags);        /* an exact zero: its sign rule */
        if (S >> 64)
          {
            int d = 64 - __builtin_clzll ((uint64_t) (S >> 64)) + 1;
            sig = (uint64_t) (S >> d) | (uint64_t) ((S & (((u128) 1 << d) - 1)) != 0);
            X += d;
          }
        else
          sig = (uint64_t) S;
        break;
      }
    case FL_OP_MUL:
      {
        neg = sa ^ sb;
        u128 P = (u128) A * B;
        X = ea + eb;
        if (P >> 64)
          {
            int d = 64 - __builtin_clzll ((uint64_t) (P >> 64)) + 1;
            sig = (uint64_t) (P >> d) | (uint64_t) ((P & (((u128) 1 << d) - 1)) != 0);
            X += d;
          }
        else
          sig = (uint64_t) P;
        break;
      }
    case FL_OP_DIV:
      /* the binary64 quotient's cell is finer than the format's boundaries while its
         precision is at most 51 bits (pgrid = p + 1) */
      if (((A | B) >> 32) || F->pgrid > 52)
        return fl_fast_general (F, a, r, flags);
      neg = sa ^ sb;
      div_produce (A, B, &sig, &X);
      X += ea - eb;
      break;
    default:                    /* FL_OP_SQRT */
      if (sa)
        return fl_fast_general (F, a, r, flags);
      if (ea & 1)
        {
          A <<= 1;
          ea -= 1;
        }
      if ((A >> 52) || F->pgrid > 52)
        return fl_fast_general (F, a, r, flags);
      neg = 0;
      sqrt_produce (A, ea, &sig, &X);
      break;
    }
  unsigned fl = 0;
  uint64_t code = fam == FAM_FLOAT ? round_float (F->f, neg, sig, X, r, &fl)
                                   : round_posit (F->f, neg, sig, X, r, &fl);
  if (flags)
    *flags |= fl;
  return code;
}

#define KERNEL(name, src, fam, op)                                                       \
  static uint64_t                                                                        \
  name (const fl_fast *F, const uint64_t *a, const fl_rounding *r, unsigned *flags)     \
  {                                                                                      \
    return kernel (F, a, r, flags, src, fam, op);                                        \
  }
#define KERNELS(prefix, src, fam)                                                        \
  KERNEL (prefix##_add, src, fam, FL_OP_ADD)                                             \
  KERNEL (prefix##_sub, src, fam, FL_OP_SUB)                                             \
  KERNEL (prefix##_mul, src, fam, FL_OP_MUL)                                             \
  KERNEL (prefix##_div, src, fam, FL_OP_DIV)                                             \
  KERNEL (prefix##_sqrt, src, fam, FL_OP_SQRT)                                           \
  static const fl_fast_fn prefix##_ops[] = { prefix##_add, prefix##_sub, prefix##_mul,   \
                                             prefix##_div, prefix##_sqrt };

KERNELS (tab_float, SRC_TABLE, FAM_FLOAT)
KERNELS (tab_posit, SRC_TABLE, FAM_POSIT)
KERNELS (field_float, SRC_FLOAT, FAM_FLOAT)
KERNELS (field_posit, SRC_POSIT, FAM_POSIT)

/* Operands decoded inline where the fields allow it (a few register operations; the
   tables cost a cache miss per operand on random data), else from the table. */
fl_fast_fn
fl_fast_kernel (const fl_fast *F)
{
  const fl_format *f = F->f;
  if ((unsigned) F->op > FL_OP_SQRT)
    return NULL;                /* fma and the conversions: the general evaluator */
  fl_family fam = fl_format_family (f);
  if (fam == FL_FAMILY_FLOAT)
    {
      const fl_float_params *p = &f->u.fp;
      if (p->is_signed && !p->ef0_normal && p->E >= 2 && p->nan_kind == FL_NAN_IEEE
          && p->inf_kind == FL_INF_IEEE && p->M <= 52)
        return field_float_ops[F->op];
      return F->packed ? tab_float_ops[F->op] : NULL;
    }
  if (fam == FL_FAMILY_POSIT)
    {
      if (f->u.rg.rs == f->u.rg.n - 1 && f->u.rg.n <= 32)
        return field_posit_ops[F->op];
      return F->packed ? tab_posit_ops[F->op] : NULL;
    }
  return NULL;
}
