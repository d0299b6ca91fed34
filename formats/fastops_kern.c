/* fastops_kern.c -- the fast path's kernels, one per (family, op), picked once by
   fl_fast_new (doc/refops.md, "Fast path").

   A kernel takes finite nonzero operands only (anything else, and an exact zero result,
   goes to the general evaluator of fastops.c, which holds the special-value rules):
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
#include "exmy-impl.h"
#include "regime-impl.h"
#include "fastops-impl.h"

typedef fl_u128 u128;

enum { SRC_TABLE, SRC_FTAB, SRC_FLOAT, SRC_POSIT };  /* where the operands come from */
enum { DBL_ADD = 1 };                 /* add/sub through binary64 (see the kernels) */
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

/* The binary32 value table: one load, the fields from the float's bits. */
FL_INLINE int
load_ftab (const fl_fast *F, uint64_t c, int *neg, uint64_t *sig, long *exp, double *x)
{
  float v = F->fval[c & F->mask];
  uint32_t b;
  memcpy (&b, &v, sizeof b);
  *x = v;
  *neg = (int) (b >> 31);
  *sig = (b & 0x7fffff) | 0x800000;
  *exp = (long) ((b >> 23) & 0xff) - 150;
  return v != 0;
}

/* A * 2^e as a binary64, for A < 2^53 and e + bitlen(A) within the normal range. */
FL_INLINE double
to_double (uint64_t A, long e)
{
  uint64_t b = (uint64_t) (e + 1023) << 52;
  double scale;
  memcpy (&scale, &b, sizeof scale);
  return (double) A * scale;
}

/* An operand's sign, significand and exponent, and its value as a binary64 when the
   kernel asks for it (dbl). */
FL_INLINE int
load_op (const fl_fast *F, const fl_format *f, int src, int dbl, uint64_t c, int *neg,
         uint64_t *sig, long *exp, double *x)
{
  int ok;
  switch (src)
    {
    case SRC_FTAB: return load_ftab (F, c, neg, sig, exp, x);
    case SRC_TABLE: ok = load_table (F, c, neg, sig, exp); break;
    case SRC_FLOAT: ok = load_float (&f->u.fp, c, neg, sig, exp); break;
    default: ok = load_posit (&f->u.rg, c, neg, sig, exp); break;
    }
  if (dbl && ok)
    *x = *neg ? -to_double (*sig, *exp) : to_double (*sig, *exp);
  return ok;
}

uint64_t
fl_fast_encode_inf (const fl_format *f, int negative, const fl_rounding *r, unsigned *flags)
{
  unsigned fl = 0;
  uint64_t code = f->ops->encode_special (f, FL_CLASS_INF, negative, r, &fl);
  if (flags)
    *flags |= fl;
  return code;
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
   bits, deterministic modes, in 64-bit integers: the bit string [regime (rl bits) | es
   exponent bits e | fraction (top bits)] is cut after n - 1 <= 31 bits, inside the
   fraction when fb = n - 1 - rl - es >= 0, else inside the exponent bits (then the whole
   fraction is below the cut). */
FL_INLINE uint64_t
round_posit (const fl_format *f, int neg, uint64_t sig, long X, fl_round_mode mode,
             unsigned *flags)
{
  const fl_regime_params *p = &f->u.rg;
  int n = p->n, es = p->es, rs = p->rs, keep = n - 1;
  uint64_t maxmag = (UINT64_C(1) << keep) - 1;
  int top = 63 - __builtin_clzll (sig);
  long scale = X + top;
  long k = scale >= 0 ? scale >> es : -((-scale + (1L << es) - 1) >> es);   /* floor */
  uint64_t e = (uint64_t) (scale - k * (1L << es));
  long run = k >= 0 ? k + 1 : -k;
  if (run > rs)
    {
      *flags |= FL_FLAG_INEXACT;
      if (k >= 0)
        {
          *flags |= FL_FLAG_OVERFLOW;
          return fl_regime_pack (n, neg, maxmag);          /* saturate, never NaR */
        }
      return fl_regime_pack (n, neg, fl_below_minpos (mode, neg, 1, flags));
    }
  int term = run < rs;
  int rl = (int) run + term;
  uint64_t R = k >= 0 ? ((UINT64_C(1) << run) - 1) << term : (uint64_t) term;
  uint64_t frac = sig & ((UINT64_C(1) << top) - 1);
  int fb = keep - rl - es;       /* fraction bits kept; >= -es since rl <= keep */
  uint64_t mag, rem;
  int d, inexact, half;
  if (fb >= 0)
    {
      uint64_t head = ((R << es) | e) << fb;
      if (fb >= top)
        {
          mag = head | (frac << (fb - top));
          inexact = 0;
          half = -1;
        }
      else
        {
          d = top - fb;
          mag = head | (frac >> d);
          rem = frac & ((UINT64_C(1) << d) - 1);
          uint64_t h = UINT64_C(1) << (d - 1);
          inexact = rem != 0;
          half = (rem > h) - (rem < h);
        }
    }
  else
    {
      d = -fb;
      mag = (R << (es - d)) | (e >> d);
      rem = e & ((UINT64_C(1) << d) - 1);
      uint64_t h = UINT64_C(1) << (d - 1);
      inexact = (rem | frac) != 0;
      half = rem > h || (rem == h && frac) ? 1 : rem == h ? 0 : -1;
    }
  int up = 0;
  if (inexact)
    {
      *flags |= FL_FLAG_INEXACT;
      up = fl_round_decide (mode, neg, (int) (mag & 1), 1, half);
    }
  if (mag == 0)
    return fl_regime_pack (n, neg, fl_below_minpos (mode, neg, 1, flags));
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

/* (-1)^sa*A*2^ea + (-1)^sb*B*2^eb in binary64 for formats whose values and sums stay
   normal doubles: s = RN(a + b) and its exact error by TwoSum (Knuth), branch-free; the
   error's sign relative to |s| is the tail.  Returns 0 for an exact zero. */
FL_INLINE int
sum_produce_double (double x, double y, int *neg, uint64_t *sig, long *X)
{
  double s = x + y;
  double bv = s - x;
  double err = (x - (s - bv)) + (y - bv);
  if (s == 0)
    return 0;
  *neg = s < 0;
  int t = (err > 0) - (err < 0);
  uint64_t M;
  long k;
  double_parts (*neg ? -s : s, &M, &k);
  *sig = (M << 2) + (uint64_t) (*neg ? -t : t);
  *X = k - 2;
  return 1;
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

/* f is F->f or a constant copy of it (see fl_fast_kernel), whose fields then fold. */
FL_INLINE uint64_t
kernel (const fl_fast *F, const fl_format *f, const uint64_t *a, const fl_rounding *r,
        unsigned *flags, int src, int fam, fl_op op, int dbl)
{
  int sa, sb = 0, neg;
  uint64_t A, B = 0, sig;
  long ea, eb = 0, X;
  double x = 0, y = 0;
  int use_dbl = (op == FL_OP_ADD || op == FL_OP_SUB) && (dbl & DBL_ADD);
  if (!load_op (F, f, src, use_dbl, a[0], &sa, &A, &ea, &x))
    return fl_fast_general (F, a, r, flags);
  if (op != FL_OP_SQRT && !load_op (F, f, src, use_dbl, a[1], &sb, &B, &eb, &y))
    return fl_fast_general (F, a, r, flags);
  switch (op)
    {
    case FL_OP_ADD: case FL_OP_SUB:
      if (dbl & DBL_ADD)
        {
          if (!sum_produce_double (x, op == FL_OP_SUB ? -y : y, &neg, &sig, &X))
            return fl_fast_general (F, a, r, flags);      /* an exact zero: its sign rule */
          break;
        }
      {
        u128 S;
        if (!fl_fast_sum (F->pgrid, sa, A, ea, sb ^ (op == FL_OP_SUB), B, eb, &neg, &S, &X))
          return fl_fast_general (F, a, r, flags);        /* an exact zero: its sign rule */
        sig = fl_fast_odd64 (S, &X);
        break;
      }
    case FL_OP_MUL:
      {
        neg = sa ^ sb;
        X = ea + eb;
        sig = fl_fast_odd64 ((u128) A * B, &X);
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
  uint64_t code;
  /* the mode a constant in each copy of the inlined rounding: its decision folds (the
     binary floats' round_pack reads the rest of r too: a local copy) */
  fl_rounding rr;
  if (fam == FAM_FLOAT)
    rr = *r;
  switch (r->mode)
    {
#define ROUND_IN(md)                                                                    \
    case md:                                                                            \
      if (fam == FAM_FLOAT)                                                             \
        {                                                                               \
          rr.mode = md;                                                                 \
          code = round_float (f, neg, sig, X, &rr, &fl);                                \
        }                                                                               \
      else                                                                              \
        code = round_posit (f, neg, sig, X, md, &fl);                                   \
      break;
      ROUND_IN (FL_RNE) ROUND_IN (FL_RNA) ROUND_IN (FL_RTZ) ROUND_IN (FL_RUP)
      ROUND_IN (FL_RDN) ROUND_IN (FL_RTO)
#undef ROUND_IN
    default:
      return fl_fast_general (F, a, r, flags);
    }
  if (flags)
    *flags |= fl;
  return code;
}

#define KERNEL(name, fmt, src, fam, op, dbl)                                              \
  static uint64_t                                                                        \
  name (const fl_fast *F, const uint64_t *a, const fl_rounding *r, unsigned *flags)     \
  {                                                                                      \
    return kernel (F, fmt, a, r, flags, src, fam, op, dbl);                              \
  }
/* dbl: add/sub (DBL_ADD) through binary64, every value and sum of the format a normal
   double (a product through binary64 measured slower than the integer one) */
#define KERNELS_D(prefix, fmt, src, fam, dbl)                                            \
  KERNEL (prefix##_add, fmt, src, fam, FL_OP_ADD, dbl)                                   \
  KERNEL (prefix##_sub, fmt, src, fam, FL_OP_SUB, dbl)                                   \
  KERNEL (prefix##_mul, fmt, src, fam, FL_OP_MUL, 0)                                     \
  KERNEL (prefix##_div, fmt, src, fam, FL_OP_DIV, 0)                                     \
  KERNEL (prefix##_sqrt, fmt, src, fam, FL_OP_SQRT, 0)                                   \
  static const fl_fast_fn prefix##_ops[] = { prefix##_add, prefix##_sub, prefix##_mul,   \
                                             prefix##_div, prefix##_sqrt };
#define KERNELS(prefix, fmt, src, fam) KERNELS_D (prefix, fmt, src, fam, 0)

KERNELS (tab_float, F->f, SRC_TABLE, FAM_FLOAT)
KERNELS (tab_posit, F->f, SRC_TABLE, FAM_POSIT)
KERNELS (field_float, F->f, SRC_FLOAT, FAM_FLOAT)
KERNELS (field_posit, F->f, SRC_POSIT, FAM_POSIT)
KERNELS_D (ftab_float, F->f, SRC_FTAB, FAM_FLOAT, DBL_ADD)
KERNELS_D (ftab_posit, F->f, SRC_FTAB, FAM_POSIT, DBL_ADD)

/* The common formats once more with their parameters as constants (checked equal to the
   format's own in fl_fast_kernel), so that the compiler folds them into the decoding and
   the rounding: what SoftFloat and SoftPosit get by being written for one format. */
#define IEEE_PARAMS(e, m)                                                               \
  { .E = e, .M = m, .bias = (1L << (e - 1)) - 1, .is_signed = 1, .ef0_normal = 0,      \
    .nan_kind = FL_NAN_IEEE, .inf_kind = FL_INF_IEEE, .emin = 2 - (1L << (e - 1)),     \
    .emax = (1L << (e - 1)) - 1, .maxmag = (((UINT64_C(1) << e) - 1) << m) - 1,         \
    .magmask = (UINT64_C(1) << (e + m)) - 1, .has_negzero = 1 }
#define IEEE_FORMAT(e, m)                                                               \
  { .u.fp = IEEE_PARAMS (e, m), .has_inf = 1, .has_nan = 1, .exact = 1,                \
    .default_overflow = FL_OVF_INF }
#define POSIT_FORMAT(bits, e)                                                           \
  { .u.rg = { .n = bits, .es = e, .rs = bits - 1, .sf_num = 0, .sf_den = 1 },          \
    .exact = 1, .nearest_nonzero = 1, .saturating = 1 }

static const fl_format K_FP16 = IEEE_FORMAT (5, 10);
static const fl_format K_BF16 = IEEE_FORMAT (8, 7);
static const fl_format K_FP32 = IEEE_FORMAT (8, 23);
static const fl_format K_P16ES1 = POSIT_FORMAT (16, 1);
static const fl_format K_P32ES2 = POSIT_FORMAT (32, 2);

KERNELS_D (fp16, &K_FP16, SRC_FLOAT, FAM_FLOAT, DBL_ADD)

/* ---- fp16 add/sub/mul/div through binary64 ------------------------------------------ */

/* Round a nonzero finite binary64 s to fp16 in a constant mode, with fp16's round_pack
   written out on s's bits (the fused quantize loop's method, exmy_fast.c): the quantum
   2^max(E-10, -24) splits the 53-bit significand at bit 42 in the normal range and
   28 - E below it (clamped at 63: the whole significand is then below half a quantum),
   and the magnitude code, linear across binades, is ((E + 14) << 10) + the kept bits
   in the normal range, the kept bits below it.  The mode rules are fl_round_decide's;
   tininess before rounding (fp16_ops is not picked for tininess after). */
FL_INLINE uint64_t
fp16_round (double s, const fl_rounding *r, fl_round_mode mode, unsigned *flags)
{
  uint64_t b;
  memcpy (&b, &s, sizeof b);
  int neg = (int) (b >> 63);
  long E = (long) ((b >> 52) & 0x7ff) - 1023;
  uint64_t sig = (b & ((UINT64_C(1) << 52) - 1)) | (UINT64_C(1) << 52);
  long t = 28 - E;
  int tiny = t > 42;
  unsigned sh = (unsigned) (tiny ? (t < 63 ? t : 63) : 42);
  uint64_t base = tiny ? 0 : (uint64_t) (E + 14) << 10;
  uint64_t rem = sig & ((UINT64_C(1) << sh) - 1), half = UINT64_C(1) << (sh - 1);
  uint64_t mag = base + (sig >> sh);
  mag += (uint64_t) fl_round_decide (mode, neg, (int) (mag & 1), rem != 0,
                                     (rem > half) - (rem < half));
  unsigned fl = (unsigned) (rem != 0) * (FL_FLAG_INEXACT | (unsigned) tiny * FL_FLAG_UNDERFLOW);
  /* past 65504 (E up to 40 for a quotient: the base stays far below 2^64) */
  if (r->overflow == FL_OVF_DEFAULT)
    {
      /* fp16's own policy: with the mode a constant too, fl_float_overflow folds to a
         select between two codes, no branch (random products overflow often) */
      const fl_rounding rk = { .mode = mode, .overflow = FL_OVF_DEFAULT };
      unsigned flo = 0;
      uint64_t ovf = fl_float_overflow (&K_FP16, neg, &rk, &flo);
      int over = mag > 0x7bff;
      mag = over ? ovf : mag | (uint64_t) neg << 15;
      fl = over ? flo : fl;
    }
  else if (mag > 0x7bff)
    {
      fl_rounding rr = *r;
      rr.mode = mode;
      fl = 0;
      mag = fl_float_overflow (&K_FP16, neg, &rr, &fl);
    }
  else
    mag |= (uint64_t) neg << 15;
  if (flags)
    *flags |= fl;
  return mag;
}

/* The general evaluator's special cases of add/sub/mul/div (fastops.c: fast_add,
   fast_mul, fast_div, the same IEEE 754 7.2/7.3 cases and the same family rules
   F->rules), for an fp16 operand that is NaN or infinite or a zero divisor, with the
   classes read from the codes' bits: the general evaluator's four operand tables cost a
   cache miss each on random operands, as much as the whole kernel. */
static uint64_t
fp16_special (const fl_fast *F, uint64_t ca, uint64_t cb, const fl_rounding *r,
              unsigned *flags, fl_op op)
{
  uint64_t c[2] = { ca, cb };
  fl_class cls[2];
  for (int i = 0; i < 2; i++)
    {
      uint64_t m = c[i] & 0x7fff;
      cls[i] = m > 0x7c00 ? FL_CLASS_NAN : m == 0x7c00 ? FL_CLASS_INF
               : m == 0 ? FL_CLASS_ZERO : FL_CLASS_NORMAL;
    }
  int sa = (int) (ca >> 15), sb = (int) (cb >> 15) ^ (op == FL_OP_SUB), s = sa ^ sb;
  int ia = cls[0] == FL_CLASS_INF, ib = cls[1] == FL_CLASS_INF;
  int za = cls[0] == FL_CLASS_ZERO, zb = cls[1] == FL_CLASS_ZERO;
  unsigned fl = 0;
  uint64_t code;
  if (cls[0] == FL_CLASS_NAN || cls[1] == FL_CLASS_NAN)
    {
      const fl_format *opf[2] = { F->f, F->f };
      code = F->rules->nan_operand (F->f, F->op, opf, c, cls, 2, r, &fl);
    }
  else if (op == FL_OP_ADD || op == FL_OP_SUB)
    code = ia && ib && sa != sb ? F->rules->invalid (F->f, r, &fl)       /* 7.2d */
           : fl_fast_encode_inf (F->f, ia ? sa : sb, r, &fl);
  else if (op == FL_OP_MUL)
    code = za || zb ? F->rules->invalid (F->f, r, &fl)                   /* 7.2b */
           : fl_fast_encode_inf (F->f, s, r, &fl);
  else if ((ia && ib) || (za && zb))
    code = F->rules->invalid (F->f, r, &fl);                             /* 7.2e */
  else if (ia)
    code = fl_fast_encode_inf (F->f, s, r, &fl);
  else if (zb)
    code = F->rules->divzero (F->f, s, r, &fl);                          /* 7.3 */
  else
    code = fl_encode_u64 (F->f, s, 0, 0, r, &fl);                       /* x/inf */
  if (flags)
    *flags |= fl;
  return code;
}

/* Every fp16 value is a binary64 (the binary32 table fval, converted), and
   - a + b is exact in binary64: both are multiples of 2^-24 below 2^16, so the sum is
     an integer multiple of 2^-24 below 2^41;
   - a * b is exact: 11 x 11 significand bits, between 2^-48 and 2^32;
   - a / b is rounded once to q = RN(a / b) and q is then rounded to fp16, which is
     correct in every deterministic mode, flags included: with a = A 2^i, b = B 2^j
     (A, B < 2^11) and any rounding boundary g = G 2^k of fp16 (values and midpoints,
     2^-14 and the overflow threshold among them: G < 2^12), a / b != g implies
     |a/b - g| = |N| / B with N = A 2^(i-j) - G B 2^k a nonzero multiple of
     2^min(i-j, k): |a/b - g| >= 2^k / B > 2^-23 |g| when k <= i - j, else
     >= 2^(i-j) / B >= 2^-11 |a/b|; either way more than |q - a/b| <= 2^-53 |a/b|
     (if |a/b| > 2|g|, |a/b - g| > |a/b| / 2).  So q lies strictly on the same side of
     every boundary as a/b, or both equal it, and q is exact iff a/b is -- Figueroa's
     2p + 2 <= 53 condition on double rounding, here for every mode and flag.
   NaN and infinite operands and a zero divisor go to fp16_special, a zero result to the
   general evaluator (its sign rule). */
FL_INLINE uint64_t
fp16_kernel (const fl_fast *F, const uint64_t *a, const fl_rounding *r, unsigned *flags,
             fl_op op)
{
  uint64_t ca = a[0] & 0xffff, cb = a[1] & 0xffff;
  int special = ((ca & 0x7c00) == 0x7c00) | ((cb & 0x7c00) == 0x7c00);
  int za = (ca & 0x7fff) == 0, zb = (cb & 0x7fff) == 0;
  if (op == FL_OP_DIV)
    special |= zb;
  if (special)
    return fp16_special (F, ca, cb, r, flags, op);
  /* a zero product or quotient: its sign rule (the sum's zero is tested below) */
  if ((op == FL_OP_MUL && (za | zb)) || (op == FL_OP_DIV && za))
    return fl_fast_general (F, a, r, flags);
  double x = F->fval[ca], y = F->fval[cb], s;
  switch (op)
    {
    case FL_OP_ADD: s = x + y; break;
    case FL_OP_SUB: s = x - y; break;
    case FL_OP_MUL: s = x * y; break;
    default: s = x / y; break;
    }
  if ((op == FL_OP_ADD || op == FL_OP_SUB) && s == 0)
    return fl_fast_general (F, a, r, flags);
  switch (r->mode)
    {
    case FL_RNE: return fp16_round (s, r, FL_RNE, flags);
    case FL_RNA: return fp16_round (s, r, FL_RNA, flags);
    case FL_RTZ: return fp16_round (s, r, FL_RTZ, flags);
    case FL_RUP: return fp16_round (s, r, FL_RUP, flags);
    case FL_RDN: return fp16_round (s, r, FL_RDN, flags);
    case FL_RTO: return fp16_round (s, r, FL_RTO, flags);
    default: return fl_fast_general (F, a, r, flags);
    }
}

#define FP16_KERNEL(name, op)                                                            \
  static uint64_t                                                                        \
  name (const fl_fast *F, const uint64_t *a, const fl_rounding *r, unsigned *flags)     \
  {                                                                                      \
    return fp16_kernel (F, a, r, flags, op);                                             \
  }
FP16_KERNEL (fp16d_add, FL_OP_ADD)
FP16_KERNEL (fp16d_sub, FL_OP_SUB)
FP16_KERNEL (fp16d_mul, FL_OP_MUL)
FP16_KERNEL (fp16d_div, FL_OP_DIV)
#undef FP16_KERNEL
static const fl_fast_fn fp16d_ops[] = { fp16d_add, fp16d_sub, fp16d_mul, fp16d_div,
                                        fp16_sqrt };
KERNELS_D (bf16, &K_BF16, SRC_FLOAT, FAM_FLOAT, DBL_ADD)
KERNELS_D (fp32, &K_FP32, SRC_FLOAT, FAM_FLOAT, DBL_ADD)
KERNELS_D (p16es1, &K_P16ES1, SRC_FTAB, FAM_POSIT, DBL_ADD)
KERNELS_D (p32es2, &K_P32ES2, SRC_POSIT, FAM_POSIT, DBL_ADD)

static int
same_float (const fl_format *f, const fl_format *k)
{
  return memcmp (&f->u.fp, &k->u.fp, sizeof f->u.fp) == 0 && f->has_inf == k->has_inf
         && f->has_nan == k->has_nan && f->default_overflow == k->default_overflow;
}

static int
same_posit (const fl_format *f, const fl_format *k)
{
  return f->u.rg.n == k->u.rg.n && f->u.rg.es == k->u.rg.es && f->u.rg.rs == k->u.rg.rs;
}

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
      if (same_float (f, &K_FP16))
        return F->fval ? fp16d_ops[F->op] : fp16_ops[F->op];
      if (same_float (f, &K_BF16))
        return bf16_ops[F->op];
      if (same_float (f, &K_FP32))
        return fp32_ops[F->op];
      if (p->is_signed && !p->ef0_normal && p->E >= 2 && p->nan_kind == FL_NAN_IEEE
          && p->inf_kind == FL_INF_IEEE && p->M <= 52)
        return field_float_ops[F->op];
      if (F->fval)
        return ftab_float_ops[F->op];
      return F->packed ? tab_float_ops[F->op] : NULL;
    }
  if (fam == FL_FAMILY_POSIT)
    {
      if (same_posit (f, &K_P16ES1) && F->fval)
        return p16es1_ops[F->op];
      if (F->fval)
        return ftab_posit_ops[F->op];
      if (same_posit (f, &K_P32ES2))
        return p32es2_ops[F->op];
      if (f->u.rg.rs == f->u.rg.n - 1 && f->u.rg.n <= 32)
        return field_posit_ops[F->op];
      return F->packed ? tab_posit_ops[F->op] : NULL;
    }
  return NULL;
}
