/* fastops.c -- the exact integer fast path of the reference operations.

   A producer of exact dyadic values for fl_encode_u64 (DESIGN.md "One rounding
   pipeline", doc/engine.md): every code of a format of at most 16 bits is unpacked once,
   through the family's exact fl_unpack, into (class, sign, sig, exp) with value
   (-1)^sign * sig * 2^exp (binary floats of at most 53 significand bits and posits of at
   most 32 bits: unpacked per call); then
   - add/sub/fma: exact in signed 128-bit integers after aligning the exponents, an addend
     far below the other replaced by a sticky (fl_fast_sum, fastops-impl.h);
   - mul: exact 128-bit product;
   - div/sqrt: at least p+3 quotient/root bits, then a sticky bit for a nonzero remainder;
   - a result wider than 64 bits is cut to 63 bits with a sticky bit (round to odd);
   - from_f64/from_f32 (every format, no table): the source's own bits, sticky 0.
   Special operands (NaN, infinities, zero divisors, negative square roots) follow the
   IEEE 754 rules written out here, independently of MPFR; what the result is in the
   format is the family's (formats.h: fl_nan_propagate, fl_invalid_result,
   fl_divzero_result, through fl_ref_rules_for).  tests/test_refops.c checks these cases
   against a rule set of its own.  Stochastic rounding needs the exact
   discarded fraction, so it is left to the reference path (fl_fast_mode_ok).
   This is the general evaluator; fastops_kern.c holds the kernels specialised per
   (family, op), picked once by fl_fast_new (pick_eval). */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <fmtlab/refops.h>
#include "optable-impl.h"
#include "fastops-impl.h"

typedef fl_u128 u128;
typedef fl_i128 i128;

enum { K_ZERO = FL_FK_ZERO, K_FIN = FL_FK_FIN, K_INF = FL_FK_INF, K_NAN = FL_FK_NAN };

/* An operand: class, sign, odd significand (0 for zeros) and exponent. */
typedef struct {
  int kind, neg;
  uint64_t sig;
  long exp;
} opnd;


static fl_fast_fn pick_eval (const fl_fast *F);

void
fl_fast_set_tininess_after (fl_fast *F, int after)
{
  F->tiny_after = after != 0;
  if (F->table)
    fl_op_table_set_tininess_after (F->table, after);
  F->eval = pick_eval (F);
}

/* fl_encode_u64 of a final result, with tininess after rounding when asked for (the
   format's round_pack decides it). */
static inline uint64_t
enc (const fl_fast *F, int neg, uint64_t sig, long exp, const fl_rounding *r, unsigned *flags)
{
  if (!F->tiny_after)
    return fl_encode_u64 (F->f, neg, sig, exp, r, flags);
  fl_rounding ra = *r;
  ra.tininess = FL_TININESS_AFTER;
  return fl_encode_u64 (F->f, neg, sig, exp, &ra, flags);
}

int
fl_fast_mode_ok (const fl_rounding *r)
{
  return r->mode != FL_SR;
}

static int
bitlen128 (u128 x)
{
  uint64_t hi = (uint64_t) (x >> 64);
  return hi ? 64 + fl_fast_bitlen64 (hi) : fl_fast_bitlen64 ((uint64_t) x);
}

static inline uint64_t encode_inf (const fl_fast *F, int negative, const fl_rounding *r,
                                   unsigned *flags);

/* from_f64 / from_f32 for every format: the binary64/32 bits are the producer
   (sign, significand, exponent), sticky 0; no tables. */
static fl_status
conv_new (const fl_format *f, fl_op op, fl_fast **out)
{
  fl_fast *F = calloc (1, sizeof *F);
  if (!F)
    return FL_ENOMEM;
  char err[128];
  if (fl_format_parse (op == FL_OP_FROM_F32 ? "fp32" : "fp64", &F->src, err, sizeof err) != FL_OK)
    {
      free (F);
      return FL_EUNSUPPORTED;
    }
  F->f = f;
  F->op = op;
  F->bits = op == FL_OP_FROM_F32 ? 32 : 64;
  F->mask = op == FL_OP_FROM_F32 ? UINT32_MAX : UINT64_MAX;
  F->rules = fl_ref_rules_for (f);
  F->qbits = 1;
  F->eval = pick_eval (F);
  *out = F;
  return FL_OK;
}

static uint64_t
fast_conv (const fl_fast *F, uint64_t a, const fl_rounding *r, unsigned *flags)
{
  int wide = F->op == FL_OP_FROM_F64;
  int fb = wide ? 52 : 23, eb = wide ? 11 : 8;
  long bias = wide ? 1023 : 127;
  int neg = (int) ((a >> (fb + eb)) & 1);
  uint64_t ef = (a >> fb) & ((UINT64_C(1) << eb) - 1), frac = a & ((UINT64_C(1) << fb) - 1);
  if (ef == ((UINT64_C(1) << eb) - 1))
    {
      if (frac)
        {
          const fl_format *opf[2] = { F->src, F->f };
          fl_class cls = FL_CLASS_NAN;
          return F->rules->nan_operand (F->f, F->op, opf, &a, &cls, 1, r, flags);
        }
      return encode_inf (F, neg, r, flags);
    }
  if (ef == 0)
    return enc (F, neg, frac, 1 - bias - fb, r, flags);
  return enc (F, neg, frac | (UINT64_C(1) << fb), (long) ef - bias - fb, r, flags);
}

/* Logarithmic posits and LNS of at most 8 bits: the whole operation table of each
   mode, from the reference path (optable.c); no integer path for them here. */
static fl_status
table_fast_new (const fl_format *f, fl_op op, fl_fast **out)
{
  fl_op_table *t = fl_op_table_new (f, op);
  if (!t)
    return FL_EUNSUPPORTED;
  fl_fast *F = calloc (1, sizeof *F);
  if (!F)
    {
      fl_op_table_free (t);
      return FL_ENOMEM;
    }
  F->f = f;
  F->op = op;
  F->bits = fl_format_bits (f);
  F->mask = ((uint64_t) 1 << F->bits) - 1;
  F->table = t;
  F->eval = pick_eval (F);
  *out = F;
  return FL_OK;
}

/* A code's class, sign, odd significand and exponent through the family's exact
   fl_unpack (integers only).  Returns 0 when the value is outside what the producers
   handle (a significand of more than 53 bits, an exponent beyond +-100000). */
static int
unpack_opnd (const fl_format *f, uint64_t c, opnd *o)
{
  int cneg;
  uint64_t sig;
  long e;
  fl_class k = fl_unpack (f, c, &cneg, &sig, &e);
  o->neg = cneg;
  o->sig = 0;
  o->exp = 0;
  switch (k)
    {
    case FL_CLASS_NAN: case FL_CLASS_NAR: o->kind = K_NAN; o->neg = 0; return 1;
    case FL_CLASS_INF: o->kind = K_INF; return 1;
    case FL_CLASS_ZERO: o->kind = K_ZERO; return 1;
    default:
      o->kind = K_FIN;
      {
        int tz = __builtin_ctzll (sig);
        sig >>= tz;
        e += tz;
      }
      if (fl_fast_bitlen64 (sig) > 53 || e < -100000 || e > 100000)
        return 0;
      o->sig = sig;
      o->exp = e;
      return 1;
    }
}

static inline void
load (const fl_fast *F, uint64_t c, opnd *o)
{
  if (F->kind)
    {
      o->kind = F->kind[c];
      o->neg = F->neg[c];
      o->sig = F->sig[c];
      o->exp = F->exp[c];
    }
  else
    unpack_opnd (F->f, c, o);
}

/* Formats wider than 16 bits with a fast path: binary floats of at most 53 significand
   bits (fp32, fp64, tf32 ...) and posits of at most 32 bits; operands are unpacked per
   call. */
static int
wide_ok (const fl_format *f)
{
  fl_family fam = fl_format_family (f);
  unsigned bits = fl_format_bits (f);
  if (bits > 64 || !fl_format_is_exact (f))
    return 0;
  if (fam == FL_FAMILY_FLOAT)
    return fl_format_prec (f) <= 53;
  return fam == FL_FAMILY_POSIT && bits <= 32;
}

fl_status
fl_fast_new (const fl_format *f, fl_op op, fl_fast **out)
{
  *out = NULL;
  unsigned bits = fl_format_bits (f);
  if (op == FL_OP_FROM_F64 || op == FL_OP_FROM_F32)
    return conv_new (f, op, out);
  if (!fl_format_is_exact (f))
    return table_fast_new (f, op, out);
  if (op == FL_OP_TO_F64 || op == FL_OP_FDP || (unsigned) op >= FL_OPS
      || !fl_format_is_exact (f) || (bits > 16 && !wide_ok (f)))
    return FL_EUNSUPPORTED;
  /* fma's product must fit the 64-bit addend of fl_fast_sum: not binary64's 106 bits */
  if (op == FL_OP_FMA && fl_format_prec (f) > 32)
    return FL_EUNSUPPORTED;
  fl_fast *F = calloc (1, sizeof *F);
  if (!F)
    return FL_ENOMEM;
  F->f = f;
  F->op = op;
  F->bits = bits;
  F->mask = bits >= 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
  F->rules = fl_ref_rules_for (f);
  int maxbits = 0;
  if (bits <= 16)
    {
      size_t n = (size_t) 1 << bits;
      F->kind = malloc (n);
      F->neg = malloc (n);
      F->sig = malloc (n * sizeof *F->sig);
      F->exp = malloc (n * sizeof *F->exp);
      F->packed = malloc (n * sizeof *F->packed);
      F->fval = malloc (n * sizeof *F->fval);
      if (!F->kind || !F->neg || !F->sig || !F->exp || !F->packed || !F->fval)
        {
          fl_fast_free (F);
          return FL_ENOMEM;
        }
      int packable = 1, floatable = 1;
      for (size_t c = 0; c < n; c++)
        {
          opnd o;
          if (!unpack_opnd (f, c, &o) || fl_fast_bitlen64 (o.sig) > 31)
            {
              fl_fast_free (F);
              return FL_EUNSUPPORTED;     /* not a value this path handles */
            }
          F->kind[c] = (uint8_t) o.kind;
          F->neg[c] = (uint8_t) o.neg;
          F->sig[c] = o.sig;
          F->exp[c] = (int32_t) o.exp;
          if (fl_fast_bitlen64 (o.sig) > maxbits)
            maxbits = fl_fast_bitlen64 (o.sig);
          if (o.sig >= (1u << 16) || o.exp < -16384 || o.exp >= 16384)
            packable = 0;
          F->packed[c] = (uint32_t) o.sig | ((uint32_t) o.neg << 16)
                         | ((uint32_t) (o.exp + 16384) << 17);
          F->fval[c] = 0;
          if (o.kind == K_FIN)
            {
              long top = o.exp + fl_fast_bitlen64 (o.sig) - 1;
              if (fl_fast_bitlen64 (o.sig) > 24 || top < -126 || top > 127)
                floatable = 0;
              else
                F->fval[c] = (float) ldexp ((double) o.sig, (int) o.exp) * (o.neg ? -1 : 1);
            }
        }
      if (!floatable)
        {
          free (F->fval);
          F->fval = NULL;
        }
      if (!packable)
        {
          free (F->packed);
          F->packed = NULL;
        }
    }
  int p = (int) fl_format_prec (f);
  F->pgrid = (p > maxbits ? p : maxbits) + 1;
  F->qbits = (unsigned) F->pgrid + 3;
  F->eval = pick_eval (F);
  *out = F;
  return FL_OK;
}

void
fl_fast_free (fl_fast *F)
{
  if (!F)
    return;
  fl_op_table_free (F->table);
  free (F->kind);
  free (F->neg);
  free (F->sig);
  free (F->exp);
  free (F->packed);
  free (F->fval);
  fl_format_free (F->src);
  free (F);
}

/* Round (-1)^negative * S * 2^e, S < 2^128. */
static inline uint64_t
encode128 (const fl_fast *F, int negative, u128 S, long e, const fl_rounding *r,
           unsigned *flags)
{
  uint64_t s = fl_fast_odd64 (S, &e);
  return enc (F, negative, s, e, r, flags);
}

static inline uint64_t
encode_inf (const fl_fast *F, int negative, const fl_rounding *r, unsigned *flags)
{
  return fl_fast_encode_inf (F->f, negative, r, flags);
}

/* The sign of an exact zero sum of two addends with signs sa, sb (IEEE 754 6.3). */
static inline int
zero_sum_sign (int sa, int sb, const fl_rounding *r)
{
  return sa == sb ? sa : r->mode == FL_RDN;
}

/* Exact (-1)^sa*A*2^ea + (-1)^sb*B*2^eb (fl_fast_sum), A, B < 2^64, not both zero. */
static inline uint64_t
sum_encode (const fl_fast *F, int sa, uint64_t A, long ea, int sb, uint64_t B, long eb,
            const fl_rounding *r, unsigned *flags)
{
  if (A == 0)
    return enc (F, sb, B, eb, r, flags);
  if (B == 0)
    return enc (F, sa, A, ea, r, flags);
  int neg;
  u128 S;
  long e;
  if (!fl_fast_sum (F->pgrid, sa, A, ea, sb, B, eb, &neg, &S, &e))
    return enc (F, zero_sum_sign (sa, sb, r), 0, 0, r, flags);
  return encode128 (F, neg, S, e, r, flags);
}

static uint64_t
nan_result (const fl_fast *F, const uint64_t *c, const opnd *o, unsigned n,
            const fl_rounding *r, unsigned *flags)
{
  fl_class cls[3];
  const fl_format *opf[4] = { F->f, F->f, F->f, F->f };
  for (unsigned i = 0; i < n; i++)
    {
      switch (o[i].kind)
        {
        case K_NAN: cls[i] = FL_CLASS_NAN; break;
        case K_INF: cls[i] = FL_CLASS_INF; break;
        case K_ZERO: cls[i] = FL_CLASS_ZERO; break;
        default: cls[i] = FL_CLASS_NORMAL; break;
        }
    }
  return F->rules->nan_operand (F->f, F->op, opf, c, cls, n, r, flags);
}

static uint64_t
fast_add (const fl_fast *F, const uint64_t *c, int flip, const fl_rounding *r,
          unsigned *flags)
{
  opnd o[2];
  load (F, c[0], &o[0]);
  load (F, c[1], &o[1]);
  int ka = o[0].kind, kb = o[1].kind;
  int sa = o[0].neg, sb = o[1].neg ^ flip;
  if (ka >= K_INF || kb >= K_INF)
    {
      if (ka == K_NAN || kb == K_NAN)
        return nan_result (F, c, o, 2, r, flags);
      if (ka == K_INF && kb == K_INF && sa != sb)
        return F->rules->invalid (F->f, r, flags);        /* 7.2d */
      return encode_inf (F, ka == K_INF ? sa : sb, r, flags);
    }
  if (ka == K_ZERO && kb == K_ZERO)
    return enc (F, zero_sum_sign (sa, sb, r), 0, 0, r, flags);
  return sum_encode (F, sa, o[0].sig, o[0].exp, sb, o[1].sig, o[1].exp, r, flags);
}

static inline void
load2 (const fl_fast *F, const uint64_t *c, opnd *o)
{
  load (F, c[0], &o[0]);
  load (F, c[1], &o[1]);
}

static uint64_t
fast_mul (const fl_fast *F, const uint64_t *c, const fl_rounding *r, unsigned *flags)
{
  opnd o[2];
  load2 (F, c, o);
  int ka = o[0].kind, kb = o[1].kind;
  int s = o[0].neg ^ o[1].neg;
  if (ka >= K_INF || kb >= K_INF)
    {
      if (ka == K_NAN || kb == K_NAN)
        return nan_result (F, c, o, 2, r, flags);
      if (ka == K_ZERO || kb == K_ZERO)
        return F->rules->invalid (F->f, r, flags);        /* 7.2b */
      return encode_inf (F, s, r, flags);
    }
  return encode128 (F, s, (u128) o[0].sig * o[1].sig, o[0].exp + o[1].exp, r, flags);
}

static uint64_t
fast_div (const fl_fast *F, const uint64_t *c, const fl_rounding *r, unsigned *flags)
{
  opnd o[2];
  load2 (F, c, o);
  int ka = o[0].kind, kb = o[1].kind;
  int s = o[0].neg ^ o[1].neg;
  if (ka != K_FIN || kb != K_FIN)
    {
      if (ka == K_NAN || kb == K_NAN)
        return nan_result (F, c, o, 2, r, flags);
      if ((ka == K_INF && kb == K_INF) || (ka == K_ZERO && kb == K_ZERO))
        return F->rules->invalid (F->f, r, flags);        /* 7.2e */
      if (ka == K_INF)
        return encode_inf (F, s, r, flags);
      if (kb == K_ZERO)
        return F->rules->divzero (F->f, s, r, flags);     /* 7.3 */
      return enc (F, s, 0, 0, r, flags);     /* 0/x, x/inf */
    }
  uint64_t A = o[0].sig, B = o[1].sig;
  /* the quotient gets qbits or qbits + 1 bits: N has qbits + bitlen(B) <= 111 bits */
  int sh = (int) F->qbits + fl_fast_bitlen64 (B) - fl_fast_bitlen64 (A);
  if (sh < 0)
    sh = 0;
  u128 N = (u128) A << sh;
  u128 q = N / B, rem = N - q * B;
  return encode128 (F, s, (q << 1) | (rem != 0), o[0].exp - o[1].exp - sh - 1, r, flags);
}

static uint64_t
isqrt_u128 (u128 x)
{
  uint64_t y = (uint64_t) sqrtl ((long double) x);
  while ((u128) y * y > x)
    y--;
  while ((u128) (y + 1) * (y + 1) <= x)
    y++;
  return y;
}

static uint64_t
fast_sqrt (const fl_fast *F, const uint64_t *c, const fl_rounding *r, unsigned *flags)
{
  opnd o;
  load (F, c[0], &o);
  int ka = o.kind, sa = o.neg;
  if (ka == K_NAN)
    return nan_result (F, c, &o, 1, r, flags);
  if (ka == K_ZERO)
    return enc (F, sa, 0, 0, r, flags);      /* sqrt(-0) = -0 */
  if (sa)
    return F->rules->invalid (F->f, r, flags);            /* 7.2g */
  if (ka == K_INF)
    return encode_inf (F, 0, r, flags);
  u128 A = o.sig;
  long e = o.exp;
  if (e & 1)
    {
      A <<= 1;
      e -= 1;
    }
  /* A * 2^(2k) with at least 2*qbits bits: its root has at least qbits bits */
  int k = ((int) (2 * F->qbits) - bitlen128 (A) + 1) / 2;
  if (k < 0)
    k = 0;
  A <<= 2 * k;
  uint64_t y = isqrt_u128 (A);
  int inexact = (u128) y * y != A;
  return encode128 (F, 0, ((u128) y << 1) | (u128) inexact, e / 2 - k - 1, r, flags);
}

static uint64_t
fast_fma (const fl_fast *F, const uint64_t *c, const fl_rounding *r, unsigned *flags)
{
  opnd o[3];
  load (F, c[0], &o[0]);
  load (F, c[1], &o[1]);
  load (F, c[2], &o[2]);
  int ka = o[0].kind, kb = o[1].kind, kc = o[2].kind;
  int sp = o[0].neg ^ o[1].neg, sc = o[2].neg;
  if (ka >= K_INF || kb >= K_INF || kc >= K_INF)
    {
      if (ka == K_NAN || kb == K_NAN || kc == K_NAN)
        return nan_result (F, c, o, 3, r, flags);
      int pinf = ka == K_INF || kb == K_INF;
      if (pinf && (ka == K_ZERO || kb == K_ZERO))
        return F->rules->invalid (F->f, r, flags);        /* 7.2c */
      if (pinf && kc == K_INF && sp != sc)
        return F->rules->invalid (F->f, r, flags);        /* 7.2d */
      return encode_inf (F, pinf ? sp : sc, r, flags);
    }
  u128 P = (u128) o[0].sig * o[1].sig;
  long ep = o[0].exp + o[1].exp;
  if (P == 0 && kc == K_ZERO)
    return enc (F, zero_sum_sign (sp, sc, r), 0, 0, r, flags);
  return sum_encode (F, sp, (uint64_t) P, ep, sc, o[2].sig, o[2].exp, r, flags);
}

uint64_t
fl_fast_general (const fl_fast *F, const uint64_t *a, const fl_rounding *r, unsigned *flags)
{
  if (F->table)
    return fl_op_table_eval (F->table, a, r, flags);
  unsigned fl = 0;
  uint64_t code, m = F->mask;
  uint64_t c[3] = { a[0] & m, 0, 0 };
  unsigned n = fl_op_arity (F->op);
  if (n > 1)
    c[1] = a[1] & m;
  if (n > 2)
    c[2] = a[2] & m;
  switch (F->op)
    {
    case FL_OP_ADD: code = fast_add (F, c, 0, r, &fl); break;
    case FL_OP_SUB: code = fast_add (F, c, 1, r, &fl); break;
    case FL_OP_MUL: code = fast_mul (F, c, r, &fl); break;
    case FL_OP_DIV: code = fast_div (F, c, r, &fl); break;
    case FL_OP_SQRT: code = fast_sqrt (F, c, r, &fl); break;
    case FL_OP_FMA: code = fast_fma (F, c, r, &fl); break;
    case FL_OP_FROM_F64: case FL_OP_FROM_F32: code = fast_conv (F, c[0], r, &fl); break;
    default: abort ();
    }
  if (flags)
    *flags |= fl;
  return code;
}

/* The one dispatch, picked once per object: a kernel specialised for the (family, op)
   when there is one, else the general evaluator.  The kernels take tininess before
   rounding; after rounding goes through fl_encode_u64 (round_pack decides it). */
static uint64_t
table_eval (const fl_fast *F, const uint64_t *a, const fl_rounding *r, unsigned *flags)
{
  return fl_op_table_eval (F->table, a, r, flags);
}

static fl_fast_fn
pick_eval (const fl_fast *F)
{
  if (F->table)
    return table_eval;
  fl_fast_fn k = F->tiny_after ? NULL : fl_fast_kernel (F);
  return k ? k : fl_fast_general;
}

uint64_t
fl_fast_eval (const fl_fast *F, const uint64_t *a, const fl_rounding *r, unsigned *flags)
{
  return F->eval (F, a, r, flags);
}
