/* regime.c -- the regime bit string shared by posits and logarithmic posits: parsing a
   magnitude code into (scale, fraction) and rounding a real's bit string to n-1 bits. */
#include <config.h>
#include "regime-impl.h"

void
fl_regime_parse (int n, int es, int rs, uint64_t mag, fl_regime_fields *out)
{
  int avail = n - 1;                         /* bits after the sign */
  int r0 = (int) ((mag >> (avail - 1)) & 1);
  int run = 0;
  while (run < avail && run < rs && (int) ((mag >> (avail - 1 - run)) & 1) == r0)
    run++;
  int used = run;
  if (run < rs && used < avail)
    used++;                                  /* the terminating bit */
  long k = r0 ? run - 1 : -run;
  int left = avail - used;
  int ebits = left < es ? left : es;
  uint64_t e = 0;
  if (ebits > 0)
    e = (mag >> (left - ebits)) & ((UINT64_C(1) << ebits) - 1);
  e <<= es - ebits;                          /* exponent bits cut off are zero */
  left -= ebits;
  out->scale = k * (1L << es) + (long) e;
  out->nf = left;
  out->F = left > 0 ? mag & ((UINT64_C(1) << left) - 1) : 0;
}

/* Assemble the bit string and split it after n-1 bits: returns the truncated magnitude;
   fr describes the rest.  *range is +1 above the largest regime, -1 below the smallest. */
static uint64_t
regime_split (int n, int es, int rs, long scale, mpz_srcptr F, unsigned long len,
              mpz_ptr B, fl_frac *fr, int *range)
{
  long k = scale >= 0 ? scale >> es : -((-scale + (1L << es) - 1) >> es);   /* floor */
  long e = scale - k * (1L << es);
  *range = 0;
  long run = k >= 0 ? k + 1 : -k;
  if (run > rs)
    {
      *range = k >= 0 ? 1 : -1;
      fr->big = NULL;
      fr->small = 0;
      fr->len = 0;
      return 0;
    }
  /* regime bits */
  int term = run < rs;
  unsigned long rl = (unsigned long) run + (unsigned long) term;
  mpz_set_ui (B, 0);
  if (k >= 0)
    {
      mpz_setbit (B, (mp_bitcnt_t) run);     /* run ones: 2^run - 1, shifted by term */
      mpz_sub_ui (B, B, 1);
      if (term)
        mpz_mul_2exp (B, B, 1);
    }
  else if (term)
    mpz_set_ui (B, 1);
  /* exponent bits, then the fraction */
  mpz_mul_2exp (B, B, (mp_bitcnt_t) es);
  mpz_add_ui (B, B, (unsigned long) e);
  mpz_mul_2exp (B, B, len);
  if (F)
    mpz_add (B, B, F);
  unsigned long total = rl + (unsigned long) es + len;
  unsigned long keep = (unsigned long) (n - 1);
  fr->big = B;
  fr->small = 0;
  if (total <= keep)
    {
      mpz_mul_2exp (B, B, keep - total);
      fr->len = 0;
      return mpz_get_ui (B);
    }
  fr->len = total - keep;
  mpz_t t;
  mpz_init (t);
  mpz_tdiv_q_2exp (t, B, fr->len);
  uint64_t mag = mpz_get_ui (t);
  mpz_clear (t);
  return mag;
}

uint64_t
fl_regime_trunc (int n, int es, int rs, long scale, mpz_srcptr F, unsigned long len, int *inexact)
{
  mpz_t B;
  mpz_init (B);
  fl_frac fr;
  int range;
  uint64_t mag = regime_split (n, es, rs, scale, F, len, B, &fr, &range);
  uint64_t maxmag = (UINT64_C(1) << (n - 1)) - 1;
  if (range > 0)
    {
      *inexact = 1;
      mag = maxmag;
    }
  else if (range < 0)
    {
      *inexact = 1;
      mag = 0;
    }
  else
    {
      int half = fl_frac_vs_half (&fr, inexact);
      (void) half;
    }
  mpz_clear (B);
  return mag;
}

uint64_t
fl_regime_round (int n, int es, int rs, long scale, mpz_srcptr F, unsigned long len,
                 int negative, const fl_rounding *r, unsigned *flags)
{
  mpz_t B;
  mpz_init (B);
  fl_frac fr;
  int range;
  uint64_t maxmag = (UINT64_C(1) << (n - 1)) - 1;
  uint64_t mag = regime_split (n, es, rs, scale, F, len, B, &fr, &range);
  if (range > 0)
    {
      *flags |= FL_FLAG_INEXACT | FL_FLAG_OVERFLOW;
      mpz_clear (B);
      return maxmag;                         /* saturate, never NaR */
    }
  int inexact = 1;
  int up = 0;
  if (range == 0)
    {
      unsigned fl = 0;
      up = fl_round_up (r, negative, (int) (mag & 1), &fr, &fl);
      inexact = (fl & FL_FLAG_INEXACT) != 0;
    }
  mpz_clear (B);
  if (inexact)
    *flags |= FL_FLAG_INEXACT;
  if (mag == 0)
    {
      /* the all-zero magnitude is zero itself: x lies below the smallest magnitude,
         where nearest modes never give 0 */
      return fl_below_minpos (r->mode, negative, 1, flags);
    }
  mag += (uint64_t) up;
  if (mag > maxmag)
    {
      *flags |= FL_FLAG_OVERFLOW;
      mag = maxmag;
    }
  return mag;
}


fl_class
fl_regime_unpack (int n, uint64_t code, int *negative, uint64_t *mag, mpfr_ptr out)
{
  uint64_t nar = UINT64_C(1) << (n - 1);
  uint64_t mask = n == 64 ? UINT64_MAX : (UINT64_C(1) << n) - 1;
  *negative = (code & nar) != 0;
  *mag = *negative ? (0 - code) & mask : code;
  if (code == 0)
    {
      if (out)
        mpfr_set_zero (out, 1);
      return FL_CLASS_ZERO;
    }
  if (code == nar)
    {
      if (out)
        mpfr_set_nan (out);
      return FL_CLASS_NAR;
    }
  return FL_CLASS_NORMAL;
}

uint64_t
fl_regime_encode_special (const fl_format *f, fl_class c, int negative, const fl_rounding *r,
                          unsigned *flags)
{
  (void) negative;
  (void) r;
  if (c == FL_CLASS_ZERO)
    return 0;
  *flags |= FL_FLAG_INVALID;
  return UINT64_C(1) << (f->u.rg.n - 1);
}

uint64_t
fl_regime_nan_quiet (const fl_format *f, uint64_t code)
{
  (void) code;
  return UINT64_C(1) << (f->u.rg.n - 1);
}

int
fl_regime_nan_negative (const fl_format *src, uint64_t code)
{
  (void) src;
  (void) code;
  return 0;
}

uint64_t
fl_regime_nan_canonical (const fl_format *rf, int negative, const fl_rounding *r,
                         unsigned *flags)
{
  (void) negative;
  (void) r;
  (void) flags;
  return UINT64_C(1) << (rf->u.rg.n - 1);
}

uint64_t
fl_regime_invalid_result (const fl_format *rf, const fl_rounding *r, unsigned *flags)
{
  return fl_regime_nan_canonical (rf, 0, r, flags);
}

uint64_t
fl_regime_divzero_result (const fl_format *rf, int negative, const fl_rounding *r,
                          unsigned *flags)
{
  return fl_regime_nan_canonical (rf, negative, r, flags);
}
