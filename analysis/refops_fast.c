/* refops_fast.c -- the exact integer fast path of the reference operations.

   A producer of exact dyadic values for fl_encode_u64 (DESIGN.md "One rounding
   pipeline", doc/engine.md): every code of a format of at most 16 bits is unpacked once,
   through the family's exact fl_unpack, into (class, sign, sig, exp) with value
   (-1)^sign * sig * 2^exp; then
   - add/sub/fma: exact in signed 128-bit integers after aligning the exponents; an addend
     far below the other (below a quarter of the finest quantum the result can have) is
     replaced by a one-bit sticky of its sign, which lies in the same open cell of a grid
     finer than every rounding boundary and so rounds identically in every deterministic
     mode (the same argument as round to odd);
   - mul: exact 64-bit product;
   - div/sqrt: at least p+3 quotient/root bits, then a sticky bit for a nonzero remainder;
   - a result wider than 64 bits is cut to 63 bits with a sticky bit (round to odd);
   - from_f64/from_f32 (every format, no table): the source's own bits, sticky 0.
   Special operands (NaN, infinities, zero divisors, negative square roots) follow the
   IEEE 754 rules written out here, independently of MPFR; what the result is in the
   format is the family's (formats.h: fl_nan_propagate, fl_invalid_result,
   fl_divzero_result, through fl_ref_rules_for).  tests/test_refops.c checks these cases
   against a rule set of its own.  Stochastic rounding needs the exact
   discarded fraction, so it is left to the reference path (fl_fast_mode_ok). */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <fmtlab/refops.h>
#include "refops-table-impl.h"

typedef unsigned __int128 u128;
typedef __int128 i128;

enum { K_ZERO, K_FIN, K_INF, K_NAN };

struct fl_fast {
  const fl_format *f;
  fl_op op;
  unsigned bits;
  uint64_t mask;
  unsigned qbits;               /* bits wanted from div/sqrt before the sticky */
  int pgrid;                    /* bound on the significant bits of the grid */
  const fl_ref_rules *rules;
  uint8_t *kind, *neg;
  uint32_t *sig;
  int32_t *exp;
  mpfr_t pinf, ninf;            /* read-only: encoded through fl_encode */
  fl_format *src;               /* binary64 / binary32 of the conversions */
  int tiny_after;                /* tininess after rounding asked for */
  fl_op_table *table;           /* logarithmic formats: whole-table ops (refops_table.c) */
};

void
fl_fast_set_tininess_after (fl_fast *F, int after)
{
  F->tiny_after = after != 0;
  if (F->table)
    fl_op_table_set_tininess_after (F->table, after);
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
bitlen64 (uint64_t x)
{
  return x ? 64 - __builtin_clzll (x) : 0;
}

static int
bitlen128 (u128 x)
{
  uint64_t hi = (uint64_t) (x >> 64);
  return hi ? 64 + bitlen64 (hi) : bitlen64 ((uint64_t) x);
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
  mpfr_init2 (F->pinf, 2);
  mpfr_init2 (F->ninf, 2);
  mpfr_set_inf (F->pinf, 1);
  mpfr_set_inf (F->ninf, -1);
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
   mode, from the reference path (refops_table.c); no integer path for them here. */
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
  *out = F;
  return FL_OK;
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
  if (bits > 16 || op == FL_OP_TO_F64 || op == FL_OP_FDP || (unsigned) op >= FL_OPS
      || !fl_format_is_exact (f))
    return FL_EUNSUPPORTED;
  fl_fast *F = calloc (1, sizeof *F);
  if (!F)
    return FL_ENOMEM;
  size_t n = (size_t) 1 << bits;
  F->f = f;
  F->op = op;
  F->bits = bits;
  F->mask = n - 1;
  F->rules = fl_ref_rules_for (f);
  F->kind = malloc (n);
  F->neg = malloc (n);
  F->sig = malloc (n * sizeof *F->sig);
  F->exp = malloc (n * sizeof *F->exp);
  if (!F->kind || !F->neg || !F->sig || !F->exp)
    {
      fl_fast_free (F);
      return FL_ENOMEM;
    }
  int maxbits = 0;
  fl_status st = FL_OK;
  for (size_t c = 0; c < n; c++)
    {
      int cneg;
      uint64_t sig;
      long e;
      fl_class k = fl_unpack (f, c, &cneg, &sig, &e);   /* exact, in integers */
      F->neg[c] = cneg;
      F->sig[c] = 0;
      F->exp[c] = 0;
      switch (k)
        {
        case FL_CLASS_NAN: case FL_CLASS_NAR: F->kind[c] = K_NAN; F->neg[c] = 0; break;
        case FL_CLASS_INF: F->kind[c] = K_INF; break;
        case FL_CLASS_ZERO: F->kind[c] = K_ZERO; break;
        default:
          {
            F->kind[c] = K_FIN;
            int tz = __builtin_ctzll (sig);
            sig >>= tz;
            e += tz;
            if (bitlen64 (sig) > 31 || e < -100000 || e > 100000)
              st = FL_EUNSUPPORTED;        /* not a value this path handles */
            else
              {
                F->sig[c] = (uint32_t) sig;
                F->exp[c] = (int32_t) e;
                int b = bitlen64 (F->sig[c]);
                if (b > maxbits)
                  maxbits = b;
              }
          }
        }
    }
  if (st != FL_OK)
    {
      fl_fast_free (F);
      return st;
    }
  int p = (int) fl_format_prec (f);
  F->pgrid = (p > maxbits ? p : maxbits) + 1;
  F->qbits = (unsigned) F->pgrid + 3;
  mpfr_init2 (F->pinf, 2);
  mpfr_init2 (F->ninf, 2);
  mpfr_set_inf (F->pinf, 1);
  mpfr_set_inf (F->ninf, -1);
  *out = F;
  return FL_OK;
}

void
fl_fast_free (fl_fast *F)
{
  if (!F)
    return;
  fl_op_table_free (F->table);
  if (F->qbits)
    {
      mpfr_clear (F->pinf);
      mpfr_clear (F->ninf);
    }
  free (F->kind);
  free (F->neg);
  free (F->sig);
  free (F->exp);
  fl_format_free (F->src);
  free (F);
}

/* Round (-1)^negative * S * 2^e, S < 2^128. */
static inline uint64_t
encode128 (const fl_fast *F, int negative, u128 S, long e, const fl_rounding *r,
           unsigned *flags)
{
  if ((S >> 64) == 0)
    return enc (F, negative, (uint64_t) S, e, r, flags);
  int k = bitlen128 (S) - 63;
  uint64_t s = (uint64_t) (S >> k) | (uint64_t) ((S & (((u128) 1 << k) - 1)) != 0);
  return enc (F, negative, s, e + k, r, flags);
}

static inline uint64_t
encode_inf (const fl_fast *F, int negative, const fl_rounding *r, unsigned *flags)
{
  return fl_encode (F->f, negative ? F->ninf : F->pinf, r, flags);
}

/* The sign of an exact zero sum of two addends with signs sa, sb (IEEE 754 6.3). */
static inline int
zero_sum_sign (int sa, int sb, const fl_rounding *r)
{
  return sa == sb ? sa : r->mode == FL_RDN;
}

/* Exact (-1)^sa*A*2^ea + (-1)^sb*B*2^eb, A, B < 2^40 and not both zero. */
static inline uint64_t
sum_encode (const fl_fast *F, int sa, uint64_t A, long ea, int sb, uint64_t B, long eb,
            const fl_rounding *r, unsigned *flags)
{
  if (A == 0)
    return enc (F, sb, B, eb, r, flags);
  if (B == 0)
    return enc (F, sa, A, ea, r, flags);
  long ta = ea + bitlen64 (A), tb = eb + bitlen64 (B);   /* exponents just above the tops */
  if (ta < tb)
    {
      int ts = sa; sa = sb; sb = ts;
      uint64_t tA = A; A = B; B = tA;
      long te = ea; ea = eb; eb = te;
      te = ta; ta = tb; tb = te;
    }
  /* the result is at least 2^(ta-2), so its quantum is at least 2^(ta-2-pgrid); g is a
     grid that a lies on and that is 4 times finer than that */
  long g = ta - 4 - F->pgrid;
  if (g > ea)
    g = ea;
  if (tb < g - 1)
    {
      B = 1;                    /* |b| < 2^(g-1): a sticky below a's cell */
      eb = g - 2;
    }
  long e = ea < eb ? ea : eb;
  if (ta - e < 62 && tb - e < 62)
    {
      /* the common case (every format up to 16 bits but the widest exponent ranges) */
      int64_t S = (sa ? -1 : 1) * (int64_t) (A << (ea - e)) + (sb ? -1 : 1) * (int64_t) (B << (eb - e));
      if (S == 0)
        return enc (F, zero_sum_sign (sa, sb, r), 0, 0, r, flags);
      return enc (F, S < 0, S < 0 ? (uint64_t) -S : (uint64_t) S, e, r, flags);
    }
  i128 SA = (i128) ((u128) A << (ea - e)), SB = (i128) ((u128) B << (eb - e));
  i128 S = (sa ? -SA : SA) + (sb ? -SB : SB);
  if (S == 0)
    return enc (F, zero_sum_sign (sa, sb, r), 0, 0, r, flags);
  int neg = S < 0;
  return encode128 (F, neg, (u128) (neg ? -S : S), e, r, flags);
}

static uint64_t
nan_result (const fl_fast *F, const uint64_t *c, unsigned n, const fl_rounding *r,
            unsigned *flags)
{
  fl_class cls[3];
  const fl_format *opf[4] = { F->f, F->f, F->f, F->f };
  for (unsigned i = 0; i < n; i++)
    {
      switch (F->kind[c[i]])
        {
        case K_NAN: cls[i] = FL_CLASS_NAN; break;
        case K_INF: cls[i] = FL_CLASS_INF; break;
        case K_ZERO: cls[i] = FL_CLASS_ZERO; break;
        default: cls[i] = FL_CLASS_NORMAL; break;
        }
    }
  return F->rules->nan_operand (F->f, F->op, opf, c, cls, n, r, flags);
}

static inline uint64_t
fast_add (const fl_fast *F, uint64_t ca, uint64_t cb, int flip, const fl_rounding *r,
          unsigned *flags)
{
  int ka = F->kind[ca], kb = F->kind[cb];
  int sa = F->neg[ca], sb = F->neg[cb] ^ flip;
  if (ka >= K_INF || kb >= K_INF)
    {
      if (ka == K_NAN || kb == K_NAN)
        {
          uint64_t c[2] = { ca, cb };
          return nan_result (F, c, 2, r, flags);
        }
      if (ka == K_INF && kb == K_INF && sa != sb)
        return F->rules->invalid (F->f, r, flags);        /* 7.2d */
      return encode_inf (F, ka == K_INF ? sa : sb, r, flags);
    }
  if (ka == K_ZERO && kb == K_ZERO)
    return enc (F, zero_sum_sign (sa, sb, r), 0, 0, r, flags);
  return sum_encode (F, sa, F->sig[ca], F->exp[ca], sb, F->sig[cb], F->exp[cb], r, flags);
}

static inline uint64_t
fast_mul (const fl_fast *F, uint64_t ca, uint64_t cb, const fl_rounding *r, unsigned *flags)
{
  int ka = F->kind[ca], kb = F->kind[cb];
  int s = F->neg[ca] ^ F->neg[cb];
  if (ka >= K_INF || kb >= K_INF)
    {
      if (ka == K_NAN || kb == K_NAN)
        {
          uint64_t c[2] = { ca, cb };
          return nan_result (F, c, 2, r, flags);
        }
      if (ka == K_ZERO || kb == K_ZERO)
        return F->rules->invalid (F->f, r, flags);        /* 7.2b */
      return encode_inf (F, s, r, flags);
    }
  return enc (F, s, (uint64_t) F->sig[ca] * F->sig[cb],
                        (long) F->exp[ca] + F->exp[cb], r, flags);
}

static inline uint64_t
fast_div (const fl_fast *F, uint64_t ca, uint64_t cb, const fl_rounding *r, unsigned *flags)
{
  int ka = F->kind[ca], kb = F->kind[cb];
  int s = F->neg[ca] ^ F->neg[cb];
  if (ka != K_FIN || kb != K_FIN)
    {
      if (ka == K_NAN || kb == K_NAN)
        {
          uint64_t c[2] = { ca, cb };
          return nan_result (F, c, 2, r, flags);
        }
      if ((ka == K_INF && kb == K_INF) || (ka == K_ZERO && kb == K_ZERO))
        return F->rules->invalid (F->f, r, flags);        /* 7.2e */
      if (ka == K_INF)
        return encode_inf (F, s, r, flags);
      if (kb == K_ZERO)
        return F->rules->divzero (F->f, s, r, flags);     /* 7.3 */
      return enc (F, s, 0, 0, r, flags);     /* 0/x, x/inf */
    }
  uint64_t A = F->sig[ca], B = F->sig[cb];
  int sh = (int) F->qbits + bitlen64 (B) - bitlen64 (A);
  if (sh < 0)
    sh = 0;
  u128 N = (u128) A << sh;
  u128 q = N / B, rem = N - q * B;
  return encode128 (F, s, (q << 1) | (rem != 0),
                    (long) F->exp[ca] - F->exp[cb] - sh - 1, r, flags);
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

static inline uint64_t
fast_sqrt (const fl_fast *F, uint64_t ca, const fl_rounding *r, unsigned *flags)
{
  int ka = F->kind[ca], sa = F->neg[ca];
  if (ka == K_NAN)
    return nan_result (F, &ca, 1, r, flags);
  if (ka == K_ZERO)
    return enc (F, sa, 0, 0, r, flags);      /* sqrt(-0) = -0 */
  if (sa)
    return F->rules->invalid (F->f, r, flags);            /* 7.2g */
  if (ka == K_INF)
    return encode_inf (F, 0, r, flags);
  u128 A = F->sig[ca];
  long e = F->exp[ca];
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

static inline uint64_t
fast_fma (const fl_fast *F, uint64_t ca, uint64_t cb, uint64_t cc, const fl_rounding *r,
          unsigned *flags)
{
  int ka = F->kind[ca], kb = F->kind[cb], kc = F->kind[cc];
  int sp = F->neg[ca] ^ F->neg[cb], sc = F->neg[cc];
  if (ka >= K_INF || kb >= K_INF || kc >= K_INF)
    {
      if (ka == K_NAN || kb == K_NAN || kc == K_NAN)
        {
          uint64_t c[3] = { ca, cb, cc };
          return nan_result (F, c, 3, r, flags);
        }
      int pinf = ka == K_INF || kb == K_INF;
      if (pinf && (ka == K_ZERO || kb == K_ZERO))
        return F->rules->invalid (F->f, r, flags);        /* 7.2c */
      if (pinf && kc == K_INF && sp != sc)
        return F->rules->invalid (F->f, r, flags);        /* 7.2d */
      return encode_inf (F, pinf ? sp : sc, r, flags);
    }
  uint64_t P = (uint64_t) F->sig[ca] * F->sig[cb];
  long ep = (long) F->exp[ca] + F->exp[cb];
  if (P == 0 && kc == K_ZERO)
    return enc (F, zero_sum_sign (sp, sc, r), 0, 0, r, flags);
  return sum_encode (F, sp, P, ep, sc, F->sig[cc], F->exp[cc], r, flags);
}

uint64_t
fl_fast_eval (const fl_fast *F, const uint64_t *a, const fl_rounding *r, unsigned *flags)
{
  if (F->table)
    return fl_op_table_eval (F->table, a, r, flags);
  unsigned fl = 0;
  uint64_t code, m = F->mask;
  switch (F->op)
    {
    case FL_OP_ADD: code = fast_add (F, a[0] & m, a[1] & m, 0, r, &fl); break;
    case FL_OP_SUB: code = fast_add (F, a[0] & m, a[1] & m, 1, r, &fl); break;
    case FL_OP_MUL: code = fast_mul (F, a[0] & m, a[1] & m, r, &fl); break;
    case FL_OP_DIV: code = fast_div (F, a[0] & m, a[1] & m, r, &fl); break;
    case FL_OP_SQRT: code = fast_sqrt (F, a[0] & m, r, &fl); break;
    case FL_OP_FMA: code = fast_fma (F, a[0] & m, a[1] & m, a[2] & m, r, &fl); break;
    case FL_OP_FROM_F64: case FL_OP_FROM_F32: code = fast_conv (F, a[0] & m, r, &fl); break;
    default: abort ();
    }
  if (flags)
    *flags |= fl;
  return code;
}
