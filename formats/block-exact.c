/* block-exact.c -- the bottom layer of the block formats: exact arithmetic on dyadic
   values, quotients rounded once by the engine, element encoding (the MX symmetric clamp),
   and the power-of-two scaling that MX and OPAL share (the shared exponent, the scale
   code, the elements under 2^e).  The families (mx.c, opal.c, group.c) and the driver
   (block.c) call this file; it calls only the scalar engine.  See doc/blocks.md. */
#include <config.h>
#include <stdlib.h>
#include "block-impl.h"

/* ---- exact sums and products ---- */

/* Exponent of the least significant set bit of a regular x. */
static long
lsb_exp (mpfr_srcptr x)
{
  mpz_t z;
  mpz_init (z);
  long e = (long) mpfr_get_z_2exp (z, x);
  e += (long) mpz_scan1 (z, 0);
  mpz_clear (z);
  return e;
}

/* out = v exactly, at the least precision that holds v (2 for zeros, NaN, infinities): a
   variable reused across a loop must not keep a larger precision than its value needs. */
static void
set_tight (mpfr_ptr out, mpfr_srcptr v)
{
  mpfr_prec_t p = mpfr_regular_p (v) ? mpfr_min_prec (v) : 2;
  if (p < 2)
    p = 2;
  if (out == v)
    {
      mpfr_prec_round (out, p, MPFR_RNDN);      /* exact: p bits hold v */
      return;
    }
  mpfr_set_prec (out, p);
  mpfr_set (out, v, MPFR_RNDN);
}

static void
x_addsub (mpfr_ptr out, mpfr_srcptr a, mpfr_srcptr b, int sub)
{
  mpfr_t t;
  if (!mpfr_regular_p (a) || !mpfr_regular_p (b))
    {
      /* a zero, NaN or infinity: the result is one of the operands, a NaN or a signed zero */
      mpfr_prec_t pa = mpfr_regular_p (a) ? mpfr_get_prec (a) : 2;
      mpfr_prec_t pb = mpfr_regular_p (b) ? mpfr_get_prec (b) : 2;
      mpfr_init2 (t, pa > pb ? pa : pb);
    }
  else
    {
      long la = lsb_exp (a), lb = lsb_exp (b);
      long hi = mpfr_get_exp (a) > mpfr_get_exp (b) ? mpfr_get_exp (a) : mpfr_get_exp (b);
      long lo = la < lb ? la : lb;
      mpfr_init2 (t, (mpfr_prec_t) (hi - lo + 2));
    }
  if (sub)
    mpfr_sub (t, a, b, MPFR_RNDN);   /* exact at this precision */
  else
    mpfr_add (t, a, b, MPFR_RNDN);
  set_tight (out, t);
  mpfr_clear (t);
}

void fl_x_add (mpfr_ptr out, mpfr_srcptr a, mpfr_srcptr b) { x_addsub (out, a, b, 0); }
void fl_x_sub (mpfr_ptr out, mpfr_srcptr a, mpfr_srcptr b) { x_addsub (out, a, b, 1); }

void
fl_x_mul (mpfr_ptr out, mpfr_srcptr a, mpfr_srcptr b)
{
  mpfr_t t;
  mpfr_prec_t pa = mpfr_regular_p (a) ? mpfr_min_prec (a) : 1;
  mpfr_prec_t pb = mpfr_regular_p (b) ? mpfr_min_prec (b) : 1;
  mpfr_init2 (t, pa + pb);
  mpfr_mul (t, a, b, MPFR_RNDN);     /* exact at this precision */
  set_tight (out, t);
  mpfr_clear (t);
}

int
fl_x_amax (mpfr_t *x, size_t len, mpfr_ptr amax)
{
  int bad = 0;
  mpfr_set_prec (amax, 2);
  mpfr_set_zero (amax, 1);
  for (size_t i = 0; i < len; i++)
    {
      if (!mpfr_number_p (x[i]))
        bad = 1;
      else if (mpfr_cmpabs (x[i], amax) > 0)
        {
          mpfr_set_prec (amax, mpfr_get_prec (x[i]));
          mpfr_abs (amax, x[i], MPFR_RNDN);
        }
    }
  return bad;
}

/* ---- quotients, rounded once by the engine ---- */

/* The exact quotient a/b of two regular dyadics as a truncated integer quotient Q of at
   least 'bits' bits and its remainder: a/b = (Q + rem/B) 2^exp. */
static long
div_trunc (mpfr_srcptr a, mpfr_srcptr b, long bits, mpz_ptr Q, int *inexact)
{
  mpz_t A, B, R;
  mpz_inits (A, B, R, (mpz_ptr) 0);
  long ea = (long) mpfr_get_z_2exp (A, a), eb = (long) mpfr_get_z_2exp (B, b);
  mpz_abs (A, A);
  mpz_abs (B, B);
  long s = bits + (long) mpz_sizeinbase (B, 2) - (long) mpz_sizeinbase (A, 2);
  if (s < 0)
    s = 0;
  mpz_mul_2exp (A, A, (mp_bitcnt_t) s);
  mpz_tdiv_qr (Q, R, A, B);
  *inexact = mpz_sgn (R) != 0;
  mpz_clears (A, B, R, (mpz_ptr) 0);
  return ea - eb - s;
}

uint64_t
fl_bx_div_encode (const fl_format *f, mpfr_srcptr a, mpfr_srcptr b, const fl_rounding *r,
                  unsigned *flags)
{
  if (!mpfr_regular_p (a) || !mpfr_regular_p (b))
    {
      MPFR_DECL_INIT (q, 2);
      mpfr_div (q, a, b, MPFR_RNDN);    /* zero, infinity or NaN: exact */
      return fl_encode (f, q, r, flags);
    }
  int negative = mpfr_signbit (a) != mpfr_signbit (b), inexact;
  mpz_t Q;
  mpz_init (Q);
  uint64_t code;
  if (fl_format_is_exact (f))
    {
      /* the engine's sticky contract (formats.h, fl_encode_u64): an odd low bit below
         more bits than the format holds stands for every discarded nonzero fraction */
      long e = div_trunc (a, b, (long) fl_format_prec (f) + 3, Q, &inexact);
      mpz_mul_2exp (Q, Q, 1);
      if (inexact)
        mpz_setbit (Q, 0);
      code = fl_encode_z (f, negative, Q, e - 1, r, flags);
    }
  else
    {
      /* the logarithmic families' cut points are irrational: the quotient lies strictly
         between Q 2^e and (Q + 1) 2^e; more bits until both ends give one code (Ziv) */
      for (long bits = (long) fl_format_prec (f) + 64;; bits *= 2)
        {
          long e = div_trunc (a, b, bits, Q, &inexact);
          unsigned f1 = 0, f2 = 0;
          uint64_t c1 = fl_encode_z (f, negative, Q, e, r, &f1);
          if (!inexact)
            {
              code = c1;
              if (flags)
                *flags |= f1;
              break;
            }
          mpz_add_ui (Q, Q, 1);
          uint64_t c2 = fl_encode_z (f, negative, Q, e, r, &f2);
          if (c1 == c2 && (f1 | FL_FLAG_INEXACT) == (f2 | FL_FLAG_INEXACT))
            {
              code = c1;
              if (flags)
                *flags |= f1 | FL_FLAG_INEXACT;
              break;
            }
        }
    }
  mpz_clear (Q);
  return code;
}

int
fl_bx_div_encode_d (const fl_format *f, double x, double d, const fl_rounding *r,
                    unsigned *flags, uint64_t *code)
{
  if (!fl_format_is_exact (f) || !(d != 0) || !isfinite (x) || !isfinite (d))
    return 0;
  if (x == 0)
    {
      *code = fl_encode_u64 (f, signbit (x) != signbit (d), 0, 0, r, flags);
      return 1;
    }
  double ax = fabs (x), ad = fabs (d);
  if (!(ax >= 0x1p-900 && ax <= 0x1p900 && ad >= 0x1p-900 && ad <= 0x1p900))
    return 0;
  double y = ax / ad;
  if (!(y >= 0x1p-960 && y <= 0x1p960))
    return 0;
  double res = fma (-y, ad, ax);      /* exact here: ax - y ad */
  if (res < 0)
    y = nextafter (y, 0.0);           /* y was above the quotient: truncate */
  /* y = truncation of ax/ad toward zero, a normal double; res != 0: a nonzero fraction */
  int ex;
  uint64_t sig = (uint64_t) ldexp (frexp (y, &ex), 53);
  int negative = signbit (x) != signbit (d);
  sig <<= 1;
  if (res != 0)
    sig |= 1;                         /* the sticky bit (formats.h, fl_encode_u64) */
  *code = fl_encode_u64 (f, negative, sig, (long) ex - 54, r, flags);
  return 1;
}

/* ---- encoding ---- */

uint64_t
fl_block_nan_code (const fl_format *f)
{
  fl_rounding r;
  fl_rounding_init (&r);
  MPFR_DECL_INIT (n, 2);
  mpfr_set_nan (n);
  return fl_encode (f, n, &r, NULL);
}

uint64_t
fl_block_encode_elem (const fl_block *b, mpfr_srcptr v, const fl_rounding *r, unsigned *flags)
{
  return fl_block_sym (b, fl_encode (b->elem, v, r, flags));
}

/* ---- power-of-two scales (MX, OPAL) ---- */

long
fl_mx_shared_exp (const fl_block *b, mpfr_srcptr amax)
{
  long E = (long) mpfr_get_exp (amax) - 1, e;
  mpfr_t m, t;
  mpfr_init2 (m, mpfr_get_prec (amax));
  mpfr_mul_2si (m, amax, -E, MPFR_RNDN);          /* amax / 2^E in [1, 2), exact */
  switch (b->rule)
    {
    case FL_RULE_CEIL:
      e = E + (mpfr_cmp_ui (m, 1) != 0) - b->elem_emax;
      break;
    case FL_RULE_EVEN:
      /* rounding m to mbits fraction bits (ties away) carries iff m >= 2 - 2^-(mbits+1) */
      mpfr_init2 (t, b->elem_mbits + 4 > 8 ? (mpfr_prec_t) b->elem_mbits + 4 : 8);
      mpfr_set_ui_2exp (t, 1, -(b->elem_mbits + 1), MPFR_RNDN);
      mpfr_ui_sub (t, 2, t, MPFR_RNDN);
      e = E + (mpfr_cmp (m, t) >= 0) - b->elem_emax;
      mpfr_clear (t);
      break;
    case FL_RULE_RCEIL:
      {
        /* smallest e with amax <= elem_max 2^e: compare the significands */
        mpfr_t mm;
        mpfr_init2 (mm, fl_format_prec (b->elem) + 2);
        fl_decode (b->elem, fl_format_max_code (b->elem), mm);
        mpfr_mul_2si (mm, mm, -b->elem_emax, MPFR_RNDN);
        e = E - b->elem_emax + (mpfr_cmp (m, mm) > 0);
        mpfr_clear (mm);
      }
      break;
    default:
      e = E - b->elem_emax;
    }
  mpfr_clear (m);
  return e < b->smin ? b->smin : e > b->smax ? b->smax : e;
}

long
fl_mx_shared_exp_d (const fl_block *b, double amax)
{
  MPFR_DECL_INIT (m, 53);
  mpfr_set_d (m, amax, MPFR_RNDN);                 /* exact */
  return fl_mx_shared_exp (b, m);
}

uint64_t
fl_mx_scale_code (const fl_block *b, long e)
{
  fl_rounding r;
  fl_rounding_init (&r);
  return fl_encode_u64 (b->scale, 0, 1, e, &r, NULL);
}

void
fl_mx_elems_exact (const fl_block *b, mpfr_t *x, size_t len, long e, uint64_t *codes,
                   const fl_rounding *r, unsigned *flags)
{
  mpfr_t y;
  mpfr_init2 (y, 2);
  for (size_t j = 0; j < len; j++)
    {
      mpfr_set_prec (y, mpfr_get_prec (x[j]));
      mpfr_mul_2si (y, x[j], -e, MPFR_RNDN);     /* exact (a zero keeps its sign) */
      fl_rounding re = fl_block_elem_rounding (r, r->stream + j);
      codes[j] = fl_block_encode_elem (b, y, &re, flags);
    }
  mpfr_clear (y);
}

/* x 2^-e where the double scaling would leave the normal range: as an exact dyadic */
static uint64_t
elem_exact_d (const fl_block *b, double x, long e, const fl_rounding *r, unsigned *flags)
{
  int ex;
  double m = frexp (fabs (x), &ex);
  uint64_t sig = (uint64_t) ldexp (m, 53);
  return fl_block_sym (b, fl_encode_u64 (b->elem, signbit (x) != 0, sig, (long) ex - 53 - e,
                                         r, flags));
}

static int
scaled_out_of_range (double x, double y)
{
  return (y != 0 && !(fabs (y) >= 0x1p-1022 && fabs (y) <= 0x1p1023)) || (y == 0 && x != 0);
}

void
fl_mx_elems_fast (const fl_block *b, const double *x, size_t len, long e, uint64_t *codes,
                  const fl_rounding *r, unsigned *flags, double *tmp)
{
  fl_rounding re = fl_block_elem_rounding (r, r->stream);
  int slow = 0;
  for (size_t j = 0; j < len; j++)
    {
      double y = ldexp (x[j], (int) -e);
      tmp[j] = y;
      slow |= scaled_out_of_range (x[j], y);    /* exact unless it left the normal range */
    }
  fl_encode_doubles (b->elem, tmp, codes, len, &re, flags);
  for (size_t j = 0; j < len; j++)
    {
      codes[j] = fl_block_sym (b, codes[j]);
      if (slow && scaled_out_of_range (x[j], tmp[j]))
        {
          fl_rounding rj = fl_block_elem_rounding (r, r->stream + j);
          codes[j] = elem_exact_d (b, x[j], e, &rj, flags);
        }
    }
}
