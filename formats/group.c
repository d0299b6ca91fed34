/* group.c -- grouped affine integers (doc/blocks.md): W ~ q s + z per group of k values, q an
   integer code of elem (int<b> or uint<b>), s and z stored in the scale and zero formats
   (RNE, saturating).  Fits:
     minmax  decoupleQ's asymmetric init (step 1): xmin = min(min x, 0),
             xmax = max(max x, 0), s = (xmax - xmin)/(qmax - qmin), z = xmin - s qmin
             (z from the exact s, as decoupleQ); without a zero format, z = 0;
     absmax  symmetric: s = max|x| / qmax, z = 0;
     mse     decoupleQ's grid shrink: p = 1 - i/200 for i = 0..159 scales [xmin, xmax] (or
             max|x| without a zero), the (s, z) of least sum of squared errors wins (exact
             comparison; ties to the larger p).  The H-weighted refit needs activations and
             belongs to the analysis side.
   Elements q = round((x - z_stored)/s_stored) in the caller's mode, clamped to [qmin, qmax];
   s_stored = 0 gives q = 0.  A group with a NaN or an infinity: s and z NaN (when the formats
   have one), q = 0.  Stochastic rounding is refused (the quotient is not dyadic).

   llama.cpp presets (k = 32, fp16 d): the definitions of quantize_row_q8_0_ref,
   quantize_row_q4_0_ref and quantize_row_q4_1_ref in ggml/src/ggml-quants.c (read in the
   copy at ollama/ollama ml/backend/ggml/ggml/src/ggml-quants.c), binary32 arithmetic step by
   step:  q8_0: d = amax/127, q = roundf(x * (1/d)), value q d;  q4_0: d = max/-8 with max
   the signed value of largest magnitude (first one), q = min(15, trunc(x (1/d) + 8.5)),
   value (q - 8) d;  q4_1: d = (max - min)/15, m = min, q = min(15, trunc((x - m)(1/d) +
   0.5)), value q d + m;  d and m stored as fp16 (RNE).  The exact path emulates each
   binary32 operation with MPFR (exact result, then one correct rounding to binary32,
   subnormals included); the fast path is the same float arithmetic in C.  The input is taken
   as binary32 (doubles are rounded to the nearest binary32 first, as ggml's input is float).
   Where ggml's float result leaves the int8 range before the conversion (1/d overflows to
   infinity for blocks of binary32 subnormals: undefined behaviour in C), fmtlab saturates
   (NaN gives 0), and q4 codes are clamped to 0..15. */
#include <config.h>
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include "block-impl.h"

static fl_status
group_setup (fl_block *b, char *err, size_t errlen)
{
  const fl_format *e = b->elem;
  if (fl_format_family (e) != FL_FAMILY_FIXED || e->u.fx.FL != 0)
    {
      if (err && errlen)
        snprintf (err, errlen, "block format '%s': group elements must be integers int<b> or "
                  "uint<b>, not %s", b->name[0] ? b->name : "group", fl_format_name (e));
      return FL_EINVAL;
    }
  mpfr_t v;
  mpfr_init2 (v, 80);
  fl_decode (e, fl_format_lowest_code (e), v);
  b->qmin = mpfr_get_si (v, MPFR_RNDN);
  fl_decode (e, fl_format_max_code (e), v);
  b->qmax = mpfr_get_si (v, MPFR_RNDN);
  mpfr_clear (v);
  if (fl_format_bits (e) > 24)
    {
      if (err && errlen)
        snprintf (err, errlen, "group elements of %u bits: at most 24", fl_format_bits (e));
      return FL_EINVAL;
    }
  b->qoff = b->fit == FL_FIT_Q4_0 ? -8 : 0;
  char e2[128];
  return fl_scalar_format_parse ("fp32", &b->f32, e2, sizeof e2);
}

/* ---- shared pieces ---- */

static uint64_t
enc_sat (const fl_format *f, mpfr_srcptr v, unsigned *flags)
{
  fl_rounding r;
  fl_rounding_init (&r);
  r.overflow = FL_OVF_SAT;
  return fl_encode (f, v, &r, flags);
}

/* the exact quotient a/d rounded once (RNE, saturating) into f */
static uint64_t
div_sat (const fl_format *f, mpfr_srcptr a, mpfr_srcptr d, unsigned *flags)
{
  fl_rounding r;
  fl_rounding_init (&r);
  r.overflow = FL_OVF_SAT;
  return fl_bx_div_encode (f, a, d, &r, flags);
}

static void
dec (const fl_format *f, uint64_t c, mpfr_ptr out)
{
  mpfr_set_prec (out, fl_format_prec (f) + 2);
  fl_decode (f, c, out);
}

static void
set_nonfinite (const fl_block *b, size_t len, fl_block_out *o)
{
  *o->scale = fl_block_nan_code (b->scale);
  if (o->zero)
    *o->zero = fl_block_nan_code (b->zero);
  for (size_t j = 0; j < len; j++)
    o->elem[j] = 0;
}

/* (s, z) codes of shrink step num/200 (num = 200: the plain fit) from exact xmin, xmax. */
static void
fit_sz (const fl_block *b, mpfr_srcptr xmin, mpfr_srcptr xmax, mpfr_srcptr amax, long num,
        uint64_t *sc, uint64_t *zc, unsigned *flags)
{
  mpfr_t n, d, q, t, u;
  mpfr_inits2 (64, n, d, q, t, u, (mpfr_ptr) 0);
  int asym = b->fit != FL_FIT_ABSMAX && b->zero;
  long R = asym ? b->qmax - b->qmin : b->qmax;
  mpfr_set_si (d, R * 200, MPFR_RNDN);
  mpfr_set_si (u, num, MPFR_RNDN);
  if (asym)
    {
      fl_x_sub (t, xmax, xmin);
      fl_x_mul (n, t, u);
    }
  else
    fl_x_mul (n, amax, u);
  *sc = div_sat (b->scale, n, d, flags);
  if (b->zero)
    {
      if (asym)
        {
          /* z = p (xmin qmax - qmin xmax) / R */
          mpfr_t a, c;
          mpfr_inits2 (64, a, c, (mpfr_ptr) 0);
          mpfr_set_si (u, b->qmax, MPFR_RNDN);
          fl_x_mul (a, xmin, u);
          mpfr_set_si (u, b->qmin, MPFR_RNDN);
          fl_x_mul (c, xmax, u);
          fl_x_sub (a, a, c);
          mpfr_set_si (u, num, MPFR_RNDN);
          fl_x_mul (a, a, u);
          *zc = div_sat (b->zero, a, d, flags);
          mpfr_clears (a, c, (mpfr_ptr) 0);
        }
      else
        {
          mpfr_set_zero (q, 1);
          *zc = enc_sat (b->zero, q, flags);
        }
    }
  mpfr_clears (n, d, q, t, u, (mpfr_ptr) 0);
}

/* the integer code of q (two's complement or unsigned) */
static uint64_t
qcode (const fl_block *b, long q)
{
  return (uint64_t) q & fl_format_ncodes_minus1 (b->elem);
}

static uint64_t
elem_exact (const fl_block *b, mpfr_srcptr x, mpfr_srcptr s, mpfr_srcptr z,
            const fl_rounding *r, unsigned *flags)
{
  if (!mpfr_regular_p (s) || mpfr_sgn (s) < 0)
    return qcode (b, 0);
  mpfr_t t;
  mpfr_init2 (t, 64);
  fl_x_sub (t, x, z);
  uint64_t c = fl_bx_div_encode (b->elem, t, s, r, flags);
  mpfr_clear (t);
  return c;
}

/* sum of squared errors of the codes, exact */
static void
sse_exact (const fl_block *b, mpfr_t *x, size_t len, const uint64_t *codes, mpfr_srcptr s,
           mpfr_srcptr z, mpfr_ptr out)
{
  mpfr_t v, w;
  mpfr_inits2 (64, v, w, (mpfr_ptr) 0);
  mpfr_set_prec (out, 2);
  mpfr_set_zero (out, 1);
  for (size_t j = 0; j < len; j++)
    {
      dec (b->elem, codes[j], v);
      if (mpfr_regular_p (s))
        fl_x_mul (w, v, s);
      else
        mpfr_set_zero (w, 1);
      fl_x_add (w, w, z);
      fl_x_sub (w, x[j], w);
      fl_x_mul (w, w, w);
      fl_x_add (out, out, w);
    }
  mpfr_clears (v, w, (mpfr_ptr) 0);
}

/* ---- ggml, exact: every binary32 operation is the exact result rounded once ---- */

static void
f32r (const fl_block *b, mpfr_ptr v)
{
  fl_rounding r;
  fl_rounding_init (&r);
  uint64_t c = fl_encode (b->f32, v, &r, NULL);
  dec (b->f32, c, v);
}

static void
f32_div (const fl_block *b, mpfr_ptr out, mpfr_srcptr a, mpfr_srcptr d)
{
  fl_rounding r;
  fl_rounding_init (&r);
  uint64_t c = fl_bx_div_encode (b->f32, a, d, &r, NULL);
  dec (b->f32, c, out);
}

/* an integer-valued c clamped to [lo, hi]; NaN gives 0 */
static long
sat_q (mpfr_srcptr c, long lo, long hi)
{
  if (mpfr_nan_p (c))
    return 0;
  if (mpfr_cmp_si (c, lo) <= 0)
    return lo;
  if (mpfr_cmp_si (c, hi) >= 0)
    return hi;
  return mpfr_get_si (c, MPFR_RNDN);
}

static long
sat_f (float v, long lo, long hi)
{
  if (v != v)
    return 0;
  if (v <= (float) lo)
    return lo;
  if (v >= (float) hi)
    return hi;
  return (long) v;               /* truncation, as the (int8_t) conversion */
}

static void
ggml_exact (const fl_block *b, mpfr_t *xin, size_t len, fl_block_out *o, unsigned *flags)
{
  mpfr_t *x = malloc (len * sizeof *x);
  mpfr_t mx, mn, d, id, t, c;
  mpfr_inits2 (64, mx, mn, d, id, t, c, (mpfr_ptr) 0);
  for (size_t j = 0; j < len; j++)
    {
      mpfr_init2 (x[j], 64);
      mpfr_set (x[j], xin[j], MPFR_RNDN);
      f32r (b, x[j]);           /* ggml's input is float */
    }
  fl_rounding rn;
  fl_rounding_init (&rn);        /* GGML_FP32_TO_FP16: RNE, overflow to Inf */
  if (b->fit == FL_FIT_Q4_1)
    {
      mpfr_set_inf (mn, 1);
      mpfr_set_inf (mx, -1);
      for (size_t j = 0; j < len; j++)
        {
          if (mpfr_less_p (x[j], mn))
            mpfr_set (mn, x[j], MPFR_RNDN);
          if (mpfr_greater_p (x[j], mx))
            mpfr_set (mx, x[j], MPFR_RNDN);
        }
      fl_x_sub (t, mx, mn);
      f32r (b, t);
      mpfr_set_si (c, 15, MPFR_RNDN);
      f32_div (b, d, t, c);
      *o->zero = fl_encode (b->zero, mn, &rn, flags);
    }
  else
    {
      mpfr_set_zero (mx, 1);          /* amax, and for q4_0 the signed max */
      mpfr_set_zero (t, 1);
      for (size_t j = 0; j < len; j++)
        if (b->fit == FL_FIT_Q4_0 ? mpfr_cmpabs (x[j], t) > 0 : mpfr_cmpabs (x[j], t) > 0)
          {
            mpfr_abs (t, x[j], MPFR_RNDN);
            mpfr_set (mx, x[j], MPFR_RNDN);
          }
      if (b->fit == FL_FIT_Q4_0)
        {
          mpfr_set_si (c, -8, MPFR_RNDN);
          f32_div (b, d, mx, c);
        }
      else
        {
          mpfr_set_si (c, 127, MPFR_RNDN);
          f32_div (b, d, t, c);
        }
    }
  *o->scale = fl_encode (b->scale, d, &rn, flags);
  if (mpfr_zero_p (d))
    mpfr_set_zero (id, 1);
  else
    {
      mpfr_set_ui (c, 1, MPFR_RNDN);
      f32_div (b, id, c, d);
    }
  for (size_t j = 0; j < len; j++)
    {
      long q;
      if (b->fit == FL_FIT_Q4_1)
        {
          fl_x_sub (t, x[j], mn);
          f32r (b, t);
        }
      else
        mpfr_set (t, x[j], MPFR_RNDN), mpfr_set_prec (t, 64), mpfr_set (t, x[j], MPFR_RNDN);
      fl_x_mul (t, t, id);
      f32r (b, t);                                     /* x0 */
      if (b->fit == FL_FIT_Q8_0)
        {
          mpfr_set_prec (c, 64);
          mpfr_round (c, t);                           /* roundf: ties away */
          q = sat_q (c, -128, 127);
        }
      else
        {
          mpfr_set_d (c, b->fit == FL_FIT_Q4_0 ? 8.5 : 0.5, MPFR_RNDN);
          fl_x_add (t, t, c);
          f32r (b, t);
          mpfr_set_prec (c, 64);
          mpfr_trunc (c, t);                           /* (int8_t) conversion */
          q = sat_q (c, 0, 15);
        }
      o->elem[j] = qcode (b, q);
    }
  for (size_t j = 0; j < len; j++)
    mpfr_clear (x[j]);
  free (x);
  mpfr_clears (mx, mn, d, id, t, c, (mpfr_ptr) 0);
}

/* ---- ggml, fast: ggml's float code; volatile stores keep every operation a separate
   binary32 rounding (no contraction into fma) ---- */
static inline float fmulf_ (float a, float b) { volatile float r = a * b; return r; }
static inline float faddf_ (float a, float b) { volatile float r = a + b; return r; }
static inline float fsubf_ (float a, float b) { volatile float r = a - b; return r; }
static inline float fdivf_ (float a, float b) { volatile float r = a / b; return r; }

static uint64_t
to_fp16 (const fl_block *b, const fl_format *f, float v, unsigned *flags)
{
  fl_rounding r;
  fl_rounding_init (&r);
  double d = v;
  uint64_t c;
  fl_encode_doubles (f, &d, &c, 1, &r, flags);
  return c;
}

static void
ggml_fast (const fl_block *b, const double *xd, size_t len, fl_block_out *o, unsigned *flags)
{
  float x[len ? len : 1];
  for (size_t j = 0; j < len; j++)
    x[j] = (float) xd[j];
  float d, mn = FLT_MAX, mx = -FLT_MAX;
  if (b->fit == FL_FIT_Q4_1)
    {
      for (size_t j = 0; j < len; j++)
        {
          if (x[j] < mn) mn = x[j];
          if (x[j] > mx) mx = x[j];
        }
      d = fdivf_ (fsubf_ (mx, mn), 15.0f);
      *o->zero = to_fp16 (b, b->zero, mn, flags);
    }
  else
    {
      float amax = 0, max = 0;
      for (size_t j = 0; j < len; j++)
        if (amax < fabsf (x[j]))
          {
            amax = fabsf (x[j]);
            max = x[j];
          }
      d = b->fit == FL_FIT_Q4_0 ? fdivf_ (max, -8.0f) : fdivf_ (amax, 127.0f);
    }
  *o->scale = to_fp16 (b, b->scale, d, flags);
  float id = d != 0 ? fdivf_ (1.0f, d) : 0.0f;
  for (size_t j = 0; j < len; j++)
    {
      long q;
      if (b->fit == FL_FIT_Q8_0)
        q = sat_f (roundf (fmulf_ (x[j], id)), -128, 127);
      else
        {
          float x0 = b->fit == FL_FIT_Q4_1 ? fmulf_ (fsubf_ (x[j], mn), id) : fmulf_ (x[j], id);
          q = sat_f (faddf_ (x0, b->fit == FL_FIT_Q4_0 ? 8.5f : 0.5f), 0, 15);
        }
      o->elem[j] = qcode (b, q);
    }
}

/* ---- the general fits ---- */

static void
minmax_exact (mpfr_t *x, size_t len, mpfr_ptr xmin, mpfr_ptr xmax, mpfr_ptr amax)
{
  mpfr_set_prec (xmin, 64);
  mpfr_set_prec (xmax, 64);
  mpfr_set_zero (xmin, 1);
  mpfr_set_zero (xmax, 1);
  for (size_t j = 0; j < len; j++)
    {
      if (mpfr_less_p (x[j], xmin))
        mpfr_set_prec (xmin, mpfr_get_prec (x[j])), mpfr_set (xmin, x[j], MPFR_RNDN);
      if (mpfr_greater_p (x[j], xmax))
        mpfr_set_prec (xmax, mpfr_get_prec (x[j])), mpfr_set (xmax, x[j], MPFR_RNDN);
    }
  if (mpfr_cmpabs (xmin, xmax) > 0)
    mpfr_set_prec (amax, mpfr_get_prec (xmin)), mpfr_abs (amax, xmin, MPFR_RNDN);
  else
    mpfr_set_prec (amax, mpfr_get_prec (xmax)), mpfr_set (amax, xmax, MPFR_RNDN);
}

static int
any_nonfinite (mpfr_t *x, size_t len)
{
  for (size_t j = 0; j < len; j++)
    if (!mpfr_number_p (x[j]))
      return 1;
  return 0;
}

/* Elements of one candidate (s, z), exact. */
static void
elems_exact (const fl_block *b, mpfr_t *x, size_t len, uint64_t sc, uint64_t zc,
             uint64_t *codes, const fl_rounding *r, unsigned *flags, mpfr_ptr s, mpfr_ptr z)
{
  dec (b->scale, sc, s);
  if (b->zero)
    dec (b->zero, zc, z);
  else
    mpfr_set_prec (z, 2), mpfr_set_zero (z, 1);
  for (size_t j = 0; j < len; j++)
    {
      fl_rounding re = fl_block_elem_rounding (r, r->stream + j);
      codes[j] = elem_exact (b, x[j], s, z, &re, flags);
    }
}

static void
group_quant_exact (const fl_block *b, mpfr_t *x, size_t len, fl_block_out *o,
                   const fl_rounding *r, unsigned *flags)
{
  if (any_nonfinite (x, len))
    {
      set_nonfinite (b, len, o);
      return;
    }
  if (b->fit >= FL_FIT_Q4_0)
    {
      ggml_exact (b, x, len, o, flags);
      return;
    }
  mpfr_t xmin, xmax, amax, s, z, err, best;
  mpfr_inits2 (64, xmin, xmax, amax, s, z, err, best, (mpfr_ptr) 0);
  minmax_exact (x, len, xmin, xmax, amax);
  uint64_t sc, zc = 0;
  if (b->fit != FL_FIT_MSE)
    {
      fit_sz (b, xmin, xmax, amax, 200, &sc, &zc, flags);
      elems_exact (b, x, len, sc, zc, o->elem, r, flags, s, z);
      *o->scale = sc;
      if (o->zero)
        *o->zero = zc;
    }
  else
    {
      uint64_t *codes = malloc (len * sizeof *codes);
      mpfr_set_inf (best, 1);
      for (long i = 0; i < 160; i++)
        {
          fit_sz (b, xmin, xmax, amax, 200 - i, &sc, &zc, NULL);
          elems_exact (b, x, len, sc, zc, codes, r, NULL, s, z);
          sse_exact (b, x, len, codes, s, z, err);
          if (mpfr_less_p (err, best))
            {
              mpfr_set_prec (best, mpfr_get_prec (err));
              mpfr_set (best, err, MPFR_RNDN);
              *o->scale = sc;
              if (o->zero)
                *o->zero = zc;
              memcpy (o->elem, codes, len * sizeof *codes);
            }
        }
      free (codes);
    }
  mpfr_clears (xmin, xmax, amax, s, z, err, best, (mpfr_ptr) 0);
}

/* ---- fast elements, decided exactly: when x - z is exact in double (TwoSum's error is
   zero) the engine rounds the quotient (x - z)/s from doubles in every mode; otherwise, for
   round-to-nearest, the engine's rounding of the double quotient is a candidate that exact
   midpoint tests prove or reject (rejected: the exact path) ---- */

/* z + (q + h) s computed exactly in double, or 0 when it is not representable. */
static int
midpoint (double q, double h, double s, double z, double *m)
{
  double a = q + h;                  /* exact: |q| < 2^24 */
  double p = a * s;
  if (fma (a, s, -p) != 0)
    return 0;
  double t = p + z, bp = t - z, bz = t - bp;
  if ((p - bp) + (z - bz) != 0 || !isfinite (t))
    return 0;
  *m = t;
  return 1;
}

/* Round-to-nearest, decided by exact comparisons: x against the exact midpoints
   z + (q -+ 1/2) s around a candidate q (ties to the even q), the candidate moving one step
   when x lies beyond one of them, at most twice.  The candidate is the double quotient
   plus one half toward its sign, truncated (a C conversion truncates whatever the
   floating-point environment) and clamped: a start, not a rounding.  Returns 0 when a midpoint is not exact in double (then the
   exact path). */
static int
nearest_proven (const fl_block *b, double x, double s, double z, double t, unsigned *flags,
                uint64_t *code)
{
  double qa = !(t > (double) b->qmin) ? (double) b->qmin
              : t >= (double) b->qmax ? (double) b->qmax
              : (double) (long) (t + (t < 0 ? -0.5 : 0.5));
  for (int step = 0;; step++)
    {
      double lo, hi, m;
      if (step > 2)
        return 0;
      if (qa > b->qmin)
        {
          if (!midpoint (qa, -0.5, s, z, &lo))
            return 0;
          if (x < lo)
            {
              qa -= 1;
              continue;
            }
          if (x == lo && ((long) qa & 1))
            qa -= 1;                                     /* a tie: the even neighbour */
        }
      if (qa < b->qmax)
        {
          if (!midpoint (qa, 0.5, s, z, &hi))
            return 0;
          if (x > hi)
            {
              qa += 1;
              continue;
            }
          if (x == hi && ((long) qa & 1))
            qa += 1;
        }
      *code = qcode (b, (long) qa);
      /* once a group's element is inexact, the flag is raised: no more products */
      if (flags && !(*flags & FL_FLAG_INEXACT) && !(midpoint (qa, 0, s, z, &m) && m == x))
        *flags |= FL_FLAG_INEXACT;
      return 1;
    }
}

/* Every mode when x - z is exact in double (TwoSum's error is zero): the engine rounds the
   quotient from the double quotient and its residual. */
static int
exact_numerator (const fl_block *b, double x, double s, double z, const fl_rounding *r,
                 unsigned *flags, uint64_t *code)
{
  double t = x - z, bp = t - x, err = (x - (t - bp)) + (-z - bp);
  if (err != 0 || !isfinite (t))
    return 0;
  return fl_bx_div_encode_d (b->elem, t, s, r, flags, code);
}

static void
elems_fast (const fl_block *b, const double *x, size_t len, uint64_t sc, uint64_t zc,
            uint64_t *codes, const fl_rounding *r, unsigned *flags)
{
  double s, z = 0;
  fl_decode_doubles (b->scale, &sc, &s, 1);
  if (b->zero)
    fl_decode_doubles (b->zero, &zc, &z, 1);
  if (!(s > 0) || !isfinite (s))
    {
      for (size_t j = 0; j < len; j++)
        codes[j] = qcode (b, 0);
      return;
    }
  mpfr_t sm, zm, xm;
  int have_m = 0;
  for (size_t j = 0; j < len; j++)
    {
      if (r->mode == FL_RNE && nearest_proven (b, x[j], s, z, (x[j] - z) / s, flags, &codes[j]))
        continue;
      fl_rounding re = fl_block_elem_rounding (r, r->stream + j);
      if (r->mode != FL_RNE && exact_numerator (b, x[j], s, z, &re, flags, &codes[j]))
        continue;
      if (!have_m)
        {
          mpfr_inits2 (64, sm, zm, xm, (mpfr_ptr) 0);
          dec (b->scale, sc, sm);
          if (b->zero)
            dec (b->zero, zc, zm);
          else
            mpfr_set_zero (zm, 1);
          have_m = 1;
        }
      mpfr_set_d (xm, x[j], MPFR_RNDN);
      codes[j] = elem_exact (b, xm, sm, zm, &re, flags);
    }
  if (have_m)
    mpfr_clears (sm, zm, xm, (mpfr_ptr) 0);
}

static void
group_quant_fast (const fl_block *b, const double *x, size_t len, fl_block_out *o,
                  const fl_rounding *r, unsigned *flags, double *tmp)
{
  for (size_t j = 0; j < len; j++)
    if (!isfinite (x[j]))
      {
        set_nonfinite (b, len, o);
        return;
      }
  if (b->fit >= FL_FIT_Q4_0)
    {
      ggml_fast (b, x, len, o, flags);
      return;
    }
  double dmin = 0, dmax = 0;
  for (size_t j = 0; j < len; j++)
    {
      dmin = x[j] < dmin ? x[j] : dmin;
      dmax = x[j] > dmax ? x[j] : dmax;
    }
  mpfr_t xmin, xmax, amax;
  mpfr_inits2 (53, xmin, xmax, amax, (mpfr_ptr) 0);
  mpfr_set_d (xmin, dmin, MPFR_RNDN);
  mpfr_set_d (xmax, dmax, MPFR_RNDN);
  mpfr_set_d (amax, -dmin > dmax ? -dmin : dmax, MPFR_RNDN);
  uint64_t sc, zc = 0;
  if (b->fit != FL_FIT_MSE)
    {
      fit_sz (b, xmin, xmax, amax, 200, &sc, &zc, flags);
      elems_fast (b, x, len, sc, zc, o->elem, r, flags);
      *o->scale = sc;
      if (o->zero)
        *o->zero = zc;
    }
  else
    {
      /* squared errors in double with a rigorous bound; candidates the bound cannot
         separate from the best are compared exactly */
      uint64_t *codes = malloc (len * sizeof *codes);
      uint64_t *all_sc = malloc (160 * sizeof *all_sc), *all_zc = malloc (160 * sizeof *all_zc);
      double *e = malloc (160 * sizeof *e), *eb = malloc (160 * sizeof *eb);
      const double u = 0x1p-53;
      long ibest = 0;
      for (long i = 0; i < 160; i++)
        {
          fit_sz (b, xmin, xmax, amax, 200 - i, &all_sc[i], &all_zc[i], NULL);
          elems_fast (b, x, len, all_sc[i], all_zc[i], codes, r, NULL);
          double s, z = 0, sum = 0, mag = 0;
          fl_decode_doubles (b->scale, &all_sc[i], &s, 1);
          if (b->zero)
            fl_decode_doubles (b->zero, &all_zc[i], &z, 1);
          for (size_t j = 0; j < len; j++)
            {
              double qv;
              fl_decode_doubles (b->elem, &codes[j], &qv, 1);
              double w = (s > 0 ? qv * s : 0) + z, d = x[j] - w;
              sum += d * d;
              mag += (fabs (x[j]) + fabs (w)) * (fabs (x[j]) + fabs (w));
            }
          e[i] = sum;
          eb[i] = 16 * u * mag + (double) (len + 4) * u * sum + 0x1p-1070;
          if (e[i] < e[ibest])
            ibest = i;
        }
      /* the true best is among the candidates whose interval reaches the best's */
      double lim = e[ibest] + eb[ibest];
      int tie = 0;
      for (long i = 0; i < 160; i++)
        if (i != ibest && e[i] - eb[i] <= lim)
          tie = 1;
      if (tie)
        {
          mpfr_t *xm = malloc (len * sizeof *xm), s, z, err, best;
          for (size_t j = 0; j < len; j++)
            mpfr_init2 (xm[j], 53), mpfr_set_d (xm[j], x[j], MPFR_RNDN);
          mpfr_inits2 (64, s, z, err, best, (mpfr_ptr) 0);
          mpfr_set_inf (best, 1);
          long ib = ibest;
          for (long i = 0; i < 160; i++)
            {
              if (i != ibest && e[i] - eb[i] > lim)
                continue;
              elems_fast (b, x, len, all_sc[i], all_zc[i], codes, r, NULL);
              dec (b->scale, all_sc[i], s);
              if (b->zero)
                dec (b->zero, all_zc[i], z);
              else
                mpfr_set_zero (z, 1);
              sse_exact (b, xm, len, codes, s, z, err);
              if (mpfr_less_p (err, best))
                {
                  mpfr_set_prec (best, mpfr_get_prec (err));
                  mpfr_set (best, err, MPFR_RNDN);
                  ib = i;
                }
            }
          ibest = ib;
          for (size_t j = 0; j < len; j++)
            mpfr_clear (xm[j]);
          free (xm);
          mpfr_clears (s, z, err, best, (mpfr_ptr) 0);
        }
      *o->scale = all_sc[ibest];
      if (o->zero)
        *o->zero = all_zc[ibest];
      elems_fast (b, x, len, all_sc[ibest], all_zc[ibest], o->elem, r, flags);
      free (codes);
      free (all_sc);
      free (all_zc);
      free (e);
      free (eb);
    }
  mpfr_clears (xmin, xmax, amax, (mpfr_ptr) 0);
}

const fl_block_ops fl_group_block_ops = { FL_BLOCK_GROUP, group_setup, group_quant_exact,
                                          group_quant_fast };
