/* logdomain.c -- exact rounding for the logarithmic families (see logdomain-impl.h). */
#include <config.h>
#include <stdlib.h>
#include "logdomain-impl.h"

void
fl_q_split (mpq_srcptr v, mpz_ptr ipart, mpz_ptr F, unsigned long *len, unsigned long bits)
{
  mpz_fdiv_q (ipart, mpq_numref (v), mpq_denref (v));
  mpz_t r;
  mpz_init (r);
  mpz_fdiv_r (r, mpq_numref (v), mpq_denref (v));          /* 0 <= r < den */
  mpz_srcptr den = mpq_denref (v);
  if (mpz_popcount (den) == 1)
    {
      mpz_set (F, r);
      *len = mpz_scan1 (den, 0);
    }
  else
    {
      /* bits of r/den after the point, then one sticky bit for the rest */
      mpz_mul_2exp (r, r, bits);
      mpz_t rem;
      mpz_init (rem);
      mpz_fdiv_qr (F, rem, r, den);
      mpz_mul_2exp (F, F, 1);
      if (mpz_sgn (rem))
        mpz_setbit (F, 0);
      *len = bits + 1;
      mpz_clear (rem);
    }
  mpz_clear (r);
}

/* |x| as an exact mpfr_t. */
static void
mag_to_mpfr (mpfr_ptr out, const fl_mag *m)
{
  if (m->big)
    {
      mpfr_set_prec (out, (mpfr_prec_t) mpz_sizeinbase (m->big, 2) + 1);
      mpfr_set_z_2exp (out, m->big, m->X, MPFR_RNDN);
    }
  else
    {
      mpfr_set_prec (out, 66);
      mpfr_set_uj_2exp (out, m->small, m->X, MPFR_RNDN);
    }
}

static int
mag_is_pow2 (const fl_mag *m)
{
  return m->big ? mpz_popcount (m->big) == 1 : (m->small & (m->small - 1)) == 0;
}

/* Bounds lo <= 2^q <= hi at precision p. */
static void
exp2_bounds (mpfr_ptr lo, mpfr_ptr hi, mpq_srcptr q, mpfr_prec_t p)
{
  mpfr_t a;
  mpfr_init2 (a, p + 16);
  mpfr_set_prec (lo, p);
  mpfr_set_prec (hi, p);
  mpfr_set_q (a, q, MPFR_RNDD);
  mpfr_exp2 (lo, a, MPFR_RNDD);
  mpfr_set_q (a, q, MPFR_RNDU);
  mpfr_exp2 (hi, a, MPFR_RNDU);
  mpfr_clear (a);
}

void
fl_exp2_q (mpfr_ptr out, mpq_srcptr q)
{
  if (mpz_cmp_ui (mpq_denref (q), 1) == 0 && mpz_fits_slong_p (mpq_numref (q)))
    {
      mpfr_set_ui_2exp (out, 1, mpz_get_si (mpq_numref (q)), MPFR_RNDN);
      return;
    }
  /* 2^q is irrational: never a midpoint at any precision, so the loop ends */
  mpfr_prec_t target = mpfr_get_prec (out);
  mpfr_t lo, hi, a, b;
  mpfr_inits2 (target, a, b, (mpfr_ptr) 0);
  mpfr_inits2 (64, lo, hi, (mpfr_ptr) 0);
  for (mpfr_prec_t p = target + 32;; p *= 2)
    {
      exp2_bounds (lo, hi, q, p);
      mpfr_set (a, lo, MPFR_RNDN);
      mpfr_set (b, hi, MPFR_RNDN);
      if (mpfr_equal_p (a, b))
        break;
    }
  mpfr_set (out, a, MPFR_RNDN);
  mpfr_clears (lo, hi, a, b, (mpfr_ptr) 0);
}

void
fl_log_value (mpfr_ptr out, mpq_srcptr q, int negative)
{
  fl_exp2_q (out, q);
  if (negative)
    mpfr_neg (out, out, MPFR_RNDN);
}

static int
q_is_integer (mpq_srcptr q)
{
  return mpz_cmp_ui (mpq_denref (q), 1) == 0;
}

int
fl_cmp_linear_mid (mpfr_srcptr ax, mpq_srcptr qa, mpq_srcptr qb)
{
  mpfr_t x2, alo, ahi, blo, bhi, slo, shi;
  mpfr_init2 (x2, mpfr_get_prec (ax) + 1);
  mpfr_mul_2ui (x2, ax, 1, MPFR_RNDN);                      /* exact */
  int result;
  if ((qa == NULL || q_is_integer (qa)) && q_is_integer (qb))
    {
      /* both neighbours are integer powers of two (or 0): exact dyadic sum */
      long eb = mpz_get_si (mpq_numref (qb));
      long ea = qa ? mpz_get_si (mpq_numref (qa)) : eb;
      mpfr_init2 (slo, (mpfr_prec_t) labs (eb - ea) + 4);
      mpfr_set_ui_2exp (slo, 1, eb, MPFR_RNDN);
      if (qa)
        {
          mpfr_init2 (alo, 2);
          mpfr_set_ui_2exp (alo, 1, ea, MPFR_RNDN);
          mpfr_add (slo, slo, alo, MPFR_RNDN);             /* exact at this precision */
          mpfr_clear (alo);
        }
      result = mpfr_cmp (x2, slo);
      mpfr_clear (slo);
      mpfr_clear (x2);
      return result > 0 ? 1 : result < 0 ? -1 : 0;
    }
  mpfr_inits2 (64, alo, ahi, blo, bhi, slo, shi, (mpfr_ptr) 0);
  for (mpfr_prec_t p = mpfr_get_prec (ax) + 64;; p *= 2)
    {
      exp2_bounds (blo, bhi, qb, p);
      mpfr_set_prec (slo, p);
      mpfr_set_prec (shi, p);
      if (qa)
        {
          exp2_bounds (alo, ahi, qa, p);
          mpfr_add (slo, alo, blo, MPFR_RNDD);
          mpfr_add (shi, ahi, bhi, MPFR_RNDU);
        }
      else
        {
          mpfr_set (slo, blo, MPFR_RNDD);
          mpfr_set (shi, bhi, MPFR_RNDU);
        }
      if (mpfr_cmp (x2, slo) < 0)
        {
          result = -1;
          break;
        }
      if (mpfr_cmp (x2, shi) > 0)
        {
          result = 1;
          break;
        }
    }
  mpfr_clears (x2, alo, ahi, blo, bhi, slo, shi, (mpfr_ptr) 0);
  return result;
}

/* Log-domain rounding of |x| = m: exact when |x| is a power of two, else a Ziv loop on
   log2|x| (irrational) using the monotonicity of round_log. */
static uint64_t
log_domain (const fl_format *f, const fl_logfamily *lf, int negative, const fl_mag *m,
            const fl_rounding *r, unsigned *flags)
{
  mpq_t q;
  mpq_init (q);
  uint64_t code;
  if (mag_is_pow2 (m))
    {
      mpq_set_si (q, m->e, 1);
      code = lf->round_log (f, q, negative, r, flags);
      mpq_clear (q);
      return code;
    }
  mpfr_t x, lo, hi;
  mpfr_init2 (x, 66);
  mag_to_mpfr (x, m);
  mpfr_inits2 (64, lo, hi, (mpfr_ptr) 0);
  mpq_t q2;
  mpq_init (q2);
  for (mpfr_prec_t p = 64;; p *= 2)
    {
      mpfr_set_prec (lo, p);
      mpfr_set_prec (hi, p);
      mpfr_log2 (lo, x, MPFR_RNDD);
      mpfr_log2 (hi, x, MPFR_RNDU);
      mpfr_get_q (q, lo);
      mpfr_get_q (q2, hi);
      unsigned fl1 = 0, fl2 = 0;
      uint64_t c1 = lf->round_log (f, q, negative, r, &fl1);
      uint64_t c2 = lf->round_log (f, q2, negative, r, &fl2);
      if (c1 == c2)
        {
          code = c1;
          *flags |= fl1 | fl2 | FL_FLAG_INEXACT;         /* log2|x| is irrational */
          break;
        }
    }
  mpq_clear (q2);
  mpq_clear (q);
  mpfr_clears (x, lo, hi, (mpfr_ptr) 0);
  return code;
}

/* Bounds rlo <= (|x| - 2^qa) / (2^qb - 2^qa) <= rhi at precision p (qa NULL: 0). */
static void
ratio_bounds (mpfr_srcptr x, mpq_srcptr qa, mpq_srcptr qb, mpfr_prec_t p, mpfr_ptr rlo,
              mpfr_ptr rhi)
{
  mpfr_t alo, ahi, blo, bhi, nlo, nhi, dlo, dhi;
  mpfr_inits2 (p, alo, ahi, blo, bhi, nlo, nhi, dlo, dhi, (mpfr_ptr) 0);
  if (qa)
    exp2_bounds (alo, ahi, qa, p);
  else
    {
      mpfr_set_zero (alo, 1);
      mpfr_set_zero (ahi, 1);
    }
  exp2_bounds (blo, bhi, qb, p);
  mpfr_set_prec (rlo, p);
  mpfr_set_prec (rhi, p);
  mpfr_sub (nlo, x, ahi, MPFR_RNDD);
  mpfr_sub (nhi, x, alo, MPFR_RNDU);
  mpfr_sub (dlo, blo, ahi, MPFR_RNDD);
  mpfr_sub (dhi, bhi, alo, MPFR_RNDU);
  mpfr_div (rlo, nlo, dhi, MPFR_RNDD);
  mpfr_div (rhi, nhi, dlo, MPFR_RNDU);
  mpfr_clears (alo, ahi, blo, bhi, nlo, nhi, dlo, dhi, (mpfr_ptr) 0);
}

/* Stochastic rounding in value (A5) between the neighbours t and t+1 of |x|. */
static int
sr_between (const fl_format *f, const fl_logfamily *lf, int negative, const fl_mag *m,
            uint64_t t, const fl_rounding *r)
{
  mpq_t qa, qb;
  mpq_inits (qa, qb, NULL);
  if (t)
    lf->mag_log (f, t, qa);
  lf->mag_log (f, t + 1, qb);
  mpfr_t x;
  mpfr_init2 (x, 66);
  mag_to_mpfr (x, m);
  int up;
  if ((t == 0 || q_is_integer (qa)) && q_is_integer (qb))
    {
      /* both neighbours dyadic: the exact rational fraction */
      long eb = mpz_get_si (mpq_numref (qb)), ea = t ? mpz_get_si (mpq_numref (qa)) : eb;
      mpz_t X, A, B;
      mpz_inits (X, A, B, NULL);
      long ex = mpfr_get_z_2exp (X, x);
      long base = ex;
      if (t && ea < base) base = ea;
      if (eb < base) base = eb;
      mpz_mul_2exp (X, X, (mp_bitcnt_t) (ex - base));
      mpz_set_ui (A, t ? 1 : 0);
      mpz_mul_2exp (A, A, (mp_bitcnt_t) (ea - base));
      mpz_set_ui (B, 1);
      mpz_mul_2exp (B, B, (mp_bitcnt_t) (eb - base));
      mpz_sub (X, X, A);
      mpz_sub (B, B, A);
      up = fl_sr_up_ratio (r, negative, X, B);
      mpz_clears (X, A, B, NULL);
    }
  else if (r->sr_bits)
    {
      /* floor(ratio * 2^B): interval evaluation until the floor is certain */
      mpfr_t rlo, rhi;
      mpfr_inits2 (64, rlo, rhi, (mpfr_ptr) 0);
      uint64_t tb = 0;
      for (mpfr_prec_t p = 128;; p *= 2)
        {
          ratio_bounds (x, t ? qa : NULL, qb, p, rlo, rhi);
          mpfr_mul_2ui (rlo, rlo, r->sr_bits, MPFR_RNDD);
          mpfr_mul_2ui (rhi, rhi, r->sr_bits, MPFR_RNDU);
          mpfr_floor (rlo, rlo);
          mpfr_floor (rhi, rhi);
          if (mpfr_equal_p (rlo, rhi))
            {
              tb = mpfr_get_uj (rlo, MPFR_RNDZ);
              break;
            }
        }
      up = fl_sr_bits_decide (r, negative, tb, 1);        /* the ratio is irrational */
      mpfr_clears (rlo, rhi, (mpfr_ptr) 0);
    }
  else
    {
      /* U < ratio with U drawn 64 bits at a time and the ratio in shrinking intervals */
      mpfr_t rlo, rhi, u, uw;
      mpfr_inits2 (64, rlo, rhi, (mpfr_ptr) 0);
      mpfr_init2 (u, 64);
      mpfr_init2 (uw, 64);
      mpfr_set_zero (u, 1);
      mpfr_prec_t p = 128;
      for (unsigned long k = 0;; k++)
        {
          /* U in [u, u + 2^-64(k+1)) */
          mpfr_prec_round (u, 64 * (mpfr_prec_t) (k + 1) + 2, MPFR_RNDN);
          mpfr_t c;
          mpfr_init2 (c, 64);
          mpfr_set_uj_2exp (c, fl_rng_u64 (r->seed, r->stream, k), -64 * (long) (k + 1), MPFR_RNDN);
          mpfr_add (u, u, c, MPFR_RNDN);                   /* exact */
          mpfr_clear (c);
          mpfr_set_prec (uw, mpfr_get_prec (u));
          mpfr_set_ui_2exp (uw, 1, -64 * (long) (k + 1), MPFR_RNDN);
          mpfr_add (uw, uw, u, MPFR_RNDN);                 /* exact */
          int decided = 0;
          for (;; p *= 2)
            {
              ratio_bounds (x, t ? qa : NULL, qb, p, rlo, rhi);
              if (mpfr_cmp (uw, rlo) <= 0)
                {
                  up = 1;
                  decided = 1;
                  break;
                }
              if (mpfr_cmp (u, rhi) >= 0)
                {
                  up = 0;
                  decided = 1;
                  break;
                }
              /* ratio narrower than U's interval: more random bits are needed */
              mpfr_sub (rhi, rhi, rlo, MPFR_RNDU);
              mpfr_mul_2si (rhi, rhi, 64 * (long) (k + 1) + 2, MPFR_RNDU);
              if (mpfr_cmp_ui (rhi, 1) < 0)
                break;
            }
          if (decided)
            break;
        }
      mpfr_clears (rlo, rhi, u, uw, (mpfr_ptr) 0);
    }
  mpfr_clear (x);
  mpq_clears (qa, qb, NULL);
  return up;
}

uint64_t
fl_log_round_mag (const fl_format *f, const fl_logfamily *lf, int negative, const fl_mag *m,
                  const fl_rounding *r, unsigned *flags)
{
  int linear = r->domain == FL_DOMAIN_LINEAR;
  int nearest = r->mode == FL_RNE || r->mode == FL_RNA;
  if (r->mode != FL_SR && (!linear || !nearest))
    return log_domain (f, lf, negative, m, r, flags);   /* directed modes: same in both domains */
  /* the neighbours: truncation toward zero, and the next magnitude */
  fl_rounding rz = *r;
  rz.mode = FL_RTZ;
  unsigned fl = 0;
  uint64_t t = log_domain (f, lf, negative, m, &rz, &fl);
  if (!(fl & FL_FLAG_INEXACT))
    return t;
  *flags |= FL_FLAG_INEXACT;
  if (t >= lf->maxmag)
    {
      *flags |= FL_FLAG_OVERFLOW;
      return lf->maxmag;                                  /* saturate */
    }
  if (t == 0)
    *flags |= FL_FLAG_UNDERFLOW;
  if (r->mode == FL_SR)
    return t + (uint64_t) sr_between (f, lf, negative, m, t, r);
  if (t == 0 && lf->nearest_nonzero)
    return 1;
  mpq_t qa, qb;
  mpq_inits (qa, qb, NULL);
  if (t)
    lf->mag_log (f, t, qa);
  lf->mag_log (f, t + 1, qb);
  mpfr_t x;
  mpfr_init2 (x, 66);
  mag_to_mpfr (x, m);
  int c = fl_cmp_linear_mid (x, t ? qa : NULL, qb);
  mpfr_clear (x);
  mpq_clears (qa, qb, NULL);
  if (c < 0)
    return t;
  if (c > 0)
    return t + 1;
  if (r->mode == FL_RNA)
    return t + 1;
  return (t & 1) ? t + 1 : t;                             /* ties to the even code */
}
