/* logdomain.c -- exact rounding for the logarithmic families (see logdomain-impl.h). */
#include <config.h>
#include <limits.h>
#include <stdlib.h>
#include "logdomain-impl.h"

/* A producer, not a rounding decision: like SoftFloat's shift-right-and-jam it folds the
   digits beyond 'bits' into one sticky bit, which keeps every fact the deterministic modes
   read (the fraction is zero, below, at or above one half; the integer part and its parity
   are exact) and decides nothing; fl_round_up then rounds, as for every other family.  A
   reduced r/den with den not a power of two is never exactly one half, so the sticky bit
   cannot turn a tie into a non-tie.  Stochastic rounding never sees this form: it compares
   its draws with the exact ratio (fl_sr_up_ratio, irr_ratio_chunk).  doc/engine.md,
   "Where each decision lives". */
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

/* ---- exact sums of powers of two ------------------------------------------------------ */

void
fl_p2sum_init (fl_p2sum *s)
{
  s->n = s->cap = 0;
  s->g = NULL;
}

void
fl_p2sum_clear (fl_p2sum *s)
{
  for (size_t i = 0; i < s->cap; i++)
    {
      mpq_clear (s->g[i].phi);
      mpz_clear (s->g[i].z);
    }
  free (s->g);
  fl_p2sum_init (s);
}

/* The group of fractional part phi (created with z = 0 when absent). */
static fl_p2group *
group_of (fl_p2sum *s, mpq_srcptr phi, long e)
{
  for (size_t i = 0; i < s->n; i++)
    if (mpq_equal (s->g[i].phi, phi))
      return &s->g[i];
  if (s->n == s->cap)
    {
      size_t nc = s->cap ? 2 * s->cap : 4;
      fl_p2group *g = realloc (s->g, nc * sizeof *g);
      if (!g)
        abort ();
      for (size_t i = s->cap; i < nc; i++)
        {
          mpq_init (g[i].phi);
          mpz_init (g[i].z);
        }
      s->g = g;
      s->cap = nc;
    }
  fl_p2group *g = &s->g[s->n++];
  mpq_set (g->phi, phi);
  mpz_set_ui (g->z, 0);
  g->e = e;
  return g;
}

/* g += (-1)^neg z 2^e */
static void
group_add (fl_p2group *g, int neg, mpz_srcptr z, long e)
{
  if (mpz_sgn (g->z) == 0)
    g->e = e;
  if (e < g->e)
    {
      mpz_mul_2exp (g->z, g->z, (mp_bitcnt_t) (g->e - e));
      g->e = e;
    }
  mpz_t t;
  mpz_init (t);
  mpz_mul_2exp (t, z, (mp_bitcnt_t) (e - g->e));
  if (neg)
    mpz_sub (g->z, g->z, t);
  else
    mpz_add (g->z, g->z, t);
  mpz_clear (t);
}

void
fl_p2sum_add_dyadic (fl_p2sum *s, int neg, mpz_srcptr z, long e)
{
  mpq_t zero;
  mpq_init (zero);
  group_add (group_of (s, zero, e), neg, z, e);
  mpq_clear (zero);
}

void
fl_p2sum_add (fl_p2sum *s, int neg, mpq_srcptr q)
{
  mpz_t fl, one;
  mpq_t phi;
  mpz_inits (fl, one, NULL);
  mpq_init (phi);
  mpz_fdiv_q (fl, mpq_numref (q), mpq_denref (q));
  mpq_set_z (phi, fl);
  mpq_sub (phi, q, phi);                                     /* 0 <= phi < 1 */
  if (!mpz_fits_slong_p (fl))
    abort ();                                                /* beyond every format */
  long e = mpz_get_si (fl);
  mpz_set_ui (one, 1);
  group_add (group_of (s, phi, e), neg, one, e);
  mpq_clear (phi);
  mpz_clears (fl, one, NULL);
}

void
fl_p2sum_add_sum (fl_p2sum *s, const fl_p2sum *t, long shift, int neg)
{
  for (size_t i = 0; i < t->n; i++)
    if (mpz_sgn (t->g[i].z))
      group_add (group_of (s, t->g[i].phi, t->g[i].e + shift), neg, t->g[i].z, t->g[i].e + shift);
}

void
fl_p2sum_normalise (fl_p2sum *s)
{
  size_t k = 0;
  for (size_t i = 0; i < s->n; i++)
    {
      if (mpz_sgn (s->g[i].z) == 0)
        continue;
      mp_bitcnt_t tz = mpz_scan1 (s->g[i].z, 0);
      mpz_fdiv_q_2exp (s->g[i].z, s->g[i].z, tz);            /* exact */
      s->g[i].e += (long) tz;
      if (k != i)
        {
          mpq_swap (s->g[k].phi, s->g[i].phi);
          mpz_swap (s->g[k].z, s->g[i].z);
          s->g[k].e = s->g[i].e;
        }
      k++;
    }
  s->n = k;
}

int
fl_p2sum_is_pow2 (const fl_p2sum *s, mpq_ptr q, int *negative)
{
  if (s->n != 1 || mpz_cmpabs_ui (s->g[0].z, 1) != 0)
    return 0;
  mpq_set_si (q, s->g[0].e, 1);
  mpq_add (q, q, s->g[0].phi);
  *negative = mpz_sgn (s->g[0].z) < 0;
  return 1;
}

void
fl_p2sum_bounds (const fl_p2sum *s, mpfr_prec_t p, mpfr_ptr lo, mpfr_ptr hi)
{
  size_t n = s->n ? s->n : 1;
  mpfr_t *l = malloc (n * sizeof *l), *h = malloc (n * sizeof *h);
  mpfr_ptr *pl = malloc (n * sizeof *pl), *ph = malloc (n * sizeof *ph);
  if (!l || !h || !pl || !ph)
    abort ();
  mpfr_t a, b;
  mpfr_inits2 (p, a, b, (mpfr_ptr) 0);
  for (size_t i = 0; i < s->n; i++)
    {
      const fl_p2group *g = &s->g[i];
      mpfr_prec_t zp = (mpfr_prec_t) mpz_sizeinbase (g->z, 2) + 2;
      if (mpq_sgn (g->phi) == 0)
        {
          /* a dyadic group: exact */
          mpfr_init2 (l[i], zp);
          mpfr_init2 (h[i], zp);
          mpfr_set_z_2exp (l[i], g->z, g->e, MPFR_RNDN);
          mpfr_set (h[i], l[i], MPFR_RNDN);
        }
      else
        {
          mpfr_init2 (l[i], p);
          mpfr_init2 (h[i], p);
          exp2_bounds (a, b, g->phi, p);
          if (mpz_sgn (g->z) > 0)
            {
              mpfr_mul_z (l[i], a, g->z, MPFR_RNDD);
              mpfr_mul_z (h[i], b, g->z, MPFR_RNDU);
            }
          else
            {
              mpfr_mul_z (l[i], b, g->z, MPFR_RNDD);
              mpfr_mul_z (h[i], a, g->z, MPFR_RNDU);
            }
          mpfr_mul_2si (l[i], l[i], g->e, MPFR_RNDD);       /* exact */
          mpfr_mul_2si (h[i], h[i], g->e, MPFR_RNDU);
        }
      pl[i] = l[i];
      ph[i] = h[i];
    }
  mpfr_set_prec (lo, p);
  mpfr_set_prec (hi, p);
  if (s->n == 0)
    {
      mpfr_set_zero (lo, 1);
      mpfr_set_zero (hi, 1);
    }
  else
    {
      mpfr_sum (lo, pl, (unsigned long) s->n, MPFR_RNDD);
      mpfr_sum (hi, ph, (unsigned long) s->n, MPFR_RNDU);
    }
  for (size_t i = 0; i < s->n; i++)
    {
      mpfr_clear (l[i]);
      mpfr_clear (h[i]);
    }
  mpfr_clears (a, b, (mpfr_ptr) 0);
  free (l);
  free (h);
  free (pl);
  free (ph);
}

/* The sign of a sum whose groups are nonzero after normalisation. */
int
fl_p2sum_sign (const fl_p2sum *s)
{
  size_t nz = 0, last = 0;
  for (size_t i = 0; i < s->n; i++)
    if (mpz_sgn (s->g[i].z))
      {
        nz++;
        last = i;
      }
  if (nz == 0)
    return 0;
  if (nz == 1)
    return mpz_sgn (s->g[last].z);
  /* at least two groups: not zero (linear independence), so the loop ends */
  mpfr_t lo, hi;
  mpfr_inits2 (64, lo, hi, (mpfr_ptr) 0);
  int sg;
  for (mpfr_prec_t p = 64;; p *= 2)
    {
      fl_p2sum_bounds (s, p, lo, hi);
      if (mpfr_sgn (lo) > 0)
        {
          sg = 1;
          break;
        }
      if (mpfr_sgn (hi) < 0)
        {
          sg = -1;
          break;
        }
    }
  mpfr_clears (lo, hi, (mpfr_ptr) 0);
  return sg;
}

/* A one-group sum holding the dyadic |x| = m. */
static void
p2sum_of_mag (fl_p2sum *s, const fl_mag *m)
{
  fl_p2sum_init (s);
  if (m->big)
    fl_p2sum_add_dyadic (s, 0, m->big, m->X);
  else
    {
      mpz_t z;
      mpz_init (z);
      mpz_set_ui (z, 0);
      mpz_import (z, 1, 1, sizeof m->small, 0, 0, &m->small);
      fl_p2sum_add_dyadic (s, 0, z, m->X);
      mpz_clear (z);
    }
  fl_p2sum_normalise (s);
}

/* 2x - 2^qa - 2^qb (qa NULL: 0) as a sum. */
static int
cmp_mid (const fl_p2sum *x, mpq_srcptr qa, mpq_srcptr qb)
{
  fl_p2sum d;
  fl_p2sum_init (&d);
  fl_p2sum_add_sum (&d, x, 1, 0);
  if (qa)
    fl_p2sum_add (&d, 1, qa);
  fl_p2sum_add (&d, 1, qb);
  fl_p2sum_normalise (&d);
  int c = fl_p2sum_sign (&d);
  fl_p2sum_clear (&d);
  return c;
}

int
fl_cmp_linear_mid (mpfr_srcptr ax, mpq_srcptr qa, mpq_srcptr qb)
{
  fl_p2sum x;
  fl_p2sum_init (&x);
  mpz_t z;
  mpz_init (z);
  long e = mpfr_get_z_2exp (z, ax);
  mpz_abs (z, z);
  fl_p2sum_add_dyadic (&x, 0, z, e);
  fl_p2sum_normalise (&x);
  int c = cmp_mid (&x, qa, qb);
  mpz_clear (z);
  fl_p2sum_clear (&x);
  return c;
}

/* Log-domain rounding of |x|: exact when |x| is a power of two 2^q (round_log of q),
   else a Ziv loop on log2|x|, which is then irrational, using the monotonicity of
   round_log (every decision boundary of round_log is rational). */
static uint64_t
log_domain (const fl_format *f, const fl_logfamily *lf, int negative, const fl_p2sum *x,
            const fl_rounding *r, unsigned *flags)
{
  mpq_t q, q2;
  mpq_inits (q, q2, NULL);
  uint64_t code;
  int sneg;
  if (fl_p2sum_is_pow2 (x, q, &sneg))
    {
      code = lf->round_log (f, q, negative, r, flags);
      mpq_clears (q, q2, NULL);
      return code;
    }
  mpfr_t xl, xh, lo, hi;
  mpfr_inits2 (64, xl, xh, lo, hi, (mpfr_ptr) 0);
  for (mpfr_prec_t p = 64;; p *= 2)
    {
      fl_p2sum_bounds (x, p + 8, xl, xh);
      if (mpfr_sgn (xl) <= 0)
        continue;
      mpfr_set_prec (lo, p);
      mpfr_set_prec (hi, p);
      mpfr_log2 (lo, xl, MPFR_RNDD);
      mpfr_log2 (hi, xh, MPFR_RNDU);
      mpfr_get_q (q, lo);
      mpfr_get_q (q2, hi);
      unsigned fl1 = 0, fl2 = 0;
      uint64_t c1 = lf->round_log (f, q, negative, r, &fl1);
      uint64_t c2 = lf->round_log (f, q2, negative, r, &fl2);
      if (c1 == c2 && (fl1 & ~FL_FLAG_INEXACT) == (fl2 & ~FL_FLAG_INEXACT))
        {
          code = c1;
          *flags |= fl1 | fl2 | FL_FLAG_INEXACT;         /* log2|x| is irrational */
          break;
        }
    }
  mpq_clears (q, q2, NULL);
  mpfr_clears (xl, xh, lo, hi, (mpfr_ptr) 0);
  return code;
}

/* Bounds rlo <= (|x| - 2^qa) / (2^qb - 2^qa) <= rhi at precision p (qa NULL: 0). */
static void
ratio_bounds (const fl_p2sum *x, mpq_srcptr qa, mpq_srcptr qb, mpfr_prec_t p, mpfr_ptr rlo,
              mpfr_ptr rhi)
{
  mpfr_t xlo, xhi, alo, ahi, blo, bhi, nlo, nhi, dlo, dhi;
  mpfr_inits2 (p, xlo, xhi, alo, ahi, blo, bhi, nlo, nhi, dlo, dhi, (mpfr_ptr) 0);
  fl_p2sum_bounds (x, p, xlo, xhi);
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
  mpfr_sub (nlo, xlo, ahi, MPFR_RNDD);
  mpfr_sub (nhi, xhi, alo, MPFR_RNDU);
  mpfr_sub (dlo, blo, ahi, MPFR_RNDD);
  mpfr_sub (dhi, bhi, alo, MPFR_RNDU);
  if (mpfr_sgn (nlo) < 0)
    mpfr_set_zero (nlo, 1);
  mpfr_div (rlo, nlo, dhi, MPFR_RNDD);
  mpfr_div (rhi, nhi, dlo, MPFR_RNDU);
  mpfr_clears (xlo, xhi, alo, ahi, blo, bhi, nlo, nhi, dlo, dhi, (mpfr_ptr) 0);
}

/* When N / D is rational (every group of N proportional to D's, same fractional parts),
   set num/den to it and return 1; else it is irrational. */
static int
ratio_rational (const fl_p2sum *N, const fl_p2sum *D, mpz_ptr num, mpz_ptr den)
{
  if (N->n != D->n || N->n == 0)
    return 0;
  mpq_t r0, ri;
  mpq_inits (r0, ri, NULL);
  int ok = 1;
  for (size_t i = 0; i < N->n && ok; i++)
    {
      size_t j;
      for (j = 0; j < D->n; j++)
        if (mpq_equal (N->g[i].phi, D->g[j].phi))
          break;
      if (j == D->n)
        {
          ok = 0;
          break;
        }
      /* N_i / D_j = zN 2^eN / (zD 2^eD) */
      mpz_set (mpq_numref (ri), N->g[i].z);
      mpz_set (mpq_denref (ri), D->g[j].z);
      long de = N->g[i].e - D->g[j].e;
      if (de >= 0)
        mpz_mul_2exp (mpq_numref (ri), mpq_numref (ri), (mp_bitcnt_t) de);
      else
        mpz_mul_2exp (mpq_denref (ri), mpq_denref (ri), (mp_bitcnt_t) -de);
      if (mpz_sgn (mpq_denref (ri)) < 0)
        {
          mpz_neg (mpq_numref (ri), mpq_numref (ri));
          mpz_neg (mpq_denref (ri), mpq_denref (ri));
        }
      mpq_canonicalize (ri);
      if (i == 0)
        mpq_set (r0, ri);
      else if (!mpq_equal (r0, ri))
        ok = 0;
    }
  if (ok)
    {
      mpz_set (num, mpq_numref (r0));
      mpz_set (den, mpq_denref (r0));
    }
  mpq_clears (r0, ri, NULL);
  return ok;
}

/* The digits of an irrational ratio (|x| - 2^qa) / (2^qb - 2^qa), for fl_sr_decide:
   floor(ratio * 2^(64(i+1))) is certain once both bounds agree, which happens at some
   precision since the ratio is not a dyadic. */
typedef struct {
  const fl_p2sum *x;
  mpq_srcptr qa, qb;
} irr_ratio;

static uint64_t
irr_ratio_chunk (void *src, unsigned long i, int *rest)
{
  irr_ratio *s = src;
  unsigned long k = 64 * (i + 1);
  mpfr_t rlo, rhi;
  mpz_t a, b;
  mpfr_inits2 (64, rlo, rhi, (mpfr_ptr) 0);
  mpz_inits (a, b, NULL);
  for (mpfr_prec_t p = (mpfr_prec_t) k + 64;; p *= 2)
    {
      ratio_bounds (s->x, s->qa, s->qb, p, rlo, rhi);
      mpfr_mul_2ui (rlo, rlo, k, MPFR_RNDD);          /* exact */
      mpfr_mul_2ui (rhi, rhi, k, MPFR_RNDU);
      mpfr_get_z (a, rlo, MPFR_RNDD);
      mpfr_get_z (b, rhi, MPFR_RNDD);
      if (mpz_cmp (a, b) == 0)
        break;
    }
  uint64_t c = mpz_get_ui (a);                       /* the low 64 bits */
  mpz_clears (a, b, NULL);
  mpfr_clears (rlo, rhi, (mpfr_ptr) 0);
  *rest = 1;                                         /* irrational: never ends */
  return c;
}

/* Stochastic rounding in value between the neighbours t and t+1 of |x|. */
static int
sr_between (const fl_format *f, const fl_logfamily *lf, int negative, const fl_p2sum *x,
            uint64_t t, const fl_rounding *r)
{
  mpq_t qa, qb;
  mpq_inits (qa, qb, NULL);
  if (t)
    lf->mag_log (f, t, qa);
  lf->mag_log (f, t + 1, qb);
  /* the exact ratio (|x| - a) / (b - a) when it is rational */
  fl_p2sum N, D;
  fl_p2sum_init (&N);
  fl_p2sum_init (&D);
  fl_p2sum_add_sum (&N, x, 0, 0);
  if (t)
    {
      fl_p2sum_add (&N, 1, qa);
      fl_p2sum_add (&D, 1, qa);
    }
  fl_p2sum_add (&D, 0, qb);
  fl_p2sum_normalise (&N);
  fl_p2sum_normalise (&D);
  mpz_t num, den;
  mpz_inits (num, den, NULL);
  int up;
  if (ratio_rational (&N, &D, num, den))
    up = fl_sr_up_ratio (r, negative, num, den);
  else
    {
      /* irrational: its binary digits by interval evaluation (round-impl.h) */
      irr_ratio src = { x, t ? qa : NULL, qb };
      up = fl_sr_decide (r, negative, irr_ratio_chunk, &src);
    }
  mpz_clears (num, den, NULL);
  fl_p2sum_clear (&N);
  fl_p2sum_clear (&D);
  mpq_clears (qa, qb, NULL);
  return up;
}

uint64_t
fl_log_round_sum (const fl_format *f, const fl_logfamily *lf, int negative, const fl_p2sum *x,
                  const fl_rounding *r, unsigned *flags)
{
  int linear = r->domain == FL_DOMAIN_LINEAR;
  int nearest = r->mode == FL_RNE || r->mode == FL_RNA;
  if (r->mode != FL_SR && (!linear || !nearest))
    return log_domain (f, lf, negative, x, r, flags);   /* directed modes: same in both domains */
  /* the neighbours: truncation toward zero, and the next magnitude */
  fl_rounding rz = *r;
  rz.mode = FL_RTZ;
  unsigned fl = 0;
  uint64_t t = log_domain (f, lf, negative, x, &rz, &fl);
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
    return t + (uint64_t) sr_between (f, lf, negative, x, t, r);
  if (t == 0 && lf->nearest_nonzero)
    return 1;
  mpq_t qa, qb;
  mpq_inits (qa, qb, NULL);
  if (t)
    lf->mag_log (f, t, qa);
  lf->mag_log (f, t + 1, qb);
  int c = cmp_mid (x, t ? qa : NULL, qb);                 /* exact: ties are decided */
  mpq_clears (qa, qb, NULL);
  if (c < 0)
    return t;
  if (c > 0)
    return t + 1;
  if (r->mode == FL_RNA)
    return t + 1;
  return (t & 1) ? t + 1 : t;                             /* ties to the even code */
}

uint64_t
fl_log_round_mag (const fl_format *f, const fl_logfamily *lf, int negative, const fl_mag *m,
                  const fl_rounding *r, unsigned *flags)
{
  fl_p2sum x;
  p2sum_of_mag (&x, m);
  uint64_t mag = fl_log_round_sum (f, lf, negative, &x, r, flags);
  fl_p2sum_clear (&x);
  return mag;
}

/* ---- decoding: the consumers of unpack_log ------------------------------------------- */

/* q = L / 2^k - sf, exact. */
static void
log_exponent_q (const fl_format *f, int64_t L, int k, mpq_ptr q)
{
  long num, den;
  fl_log_offset (f, &num, &den);
  mpz_set_si (mpq_numref (q), (long) L);
  mpz_set_ui (mpq_denref (q), 1);
  mpz_mul_2exp (mpq_denref (q), mpq_denref (q), (mp_bitcnt_t) k);
  mpq_canonicalize (q);
  if (num != 0)
    {
      mpq_t sf;
      mpq_init (sf);
      mpq_set_si (sf, num, (unsigned long) den);
      mpq_canonicalize (sf);
      mpq_sub (q, q, sf);
      mpq_clear (sf);
    }
}

int
fl_log_decode_log2 (const fl_format *f, uint64_t code, mpq_ptr q)
{
  int negative, k;
  int64_t L;
  if (f->ops->unpack_log (f, code, &negative, &L, &k) != FL_CLASS_NORMAL)
    return 0;
  log_exponent_q (f, L, k, q);
  return 1;
}

fl_class
fl_log_decode (const fl_format *f, uint64_t code, mpfr_ptr out)
{
  int negative, k;
  int64_t L;
  fl_class c = f->ops->unpack_log (f, code, &negative, &L, &k);
  if (c == FL_CLASS_NAN || c == FL_CLASS_NAR)
    mpfr_set_nan (out);
  else if (c == FL_CLASS_ZERO)
    mpfr_set_zero (out, 1);
  else
    {
      mpq_t q;
      mpq_init (q);
      log_exponent_q (f, L, k, q);
      fl_log_value (out, q, negative);
      mpq_clear (q);
    }
  return c;
}

int
fl_log_exponent_int (const fl_format *f, int64_t L, int k, long *e)
{
  long num, den;
  fl_log_offset (f, &num, &den);
  /* L / 2^k - num / den = (L * den - num * 2^k) / (den * 2^k); |L| < 2^45, k <= 31 and
     |num|, den < 10^15 keep every product inside 128 bits */
  const __int128 two_k = (__int128) 1 << k;            /* num may be negative: no shift */
  __int128 top = (__int128) L * den - (__int128) num * two_k;
  __int128 bottom = (__int128) den * two_k;
  if (top % bottom != 0)
    return 0;
  __int128 v = top / bottom;
  if (v < LONG_MIN / 2 || v > LONG_MAX / 2)
    return 0;
  *e = (long) v;
  return 1;
}
