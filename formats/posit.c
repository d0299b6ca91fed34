/* posit.c -- posits posit<n>es<es> (Posit Standard 2022: es = 2; classic es 0..5), n 2..64.
   Exact decode; encode by RNE on the bit string (geometric ties where the guard bit is an
   exponent bit: the tie point is the (n+1)-bit posit between the neighbours) with saturation to +-maxpos/+-minpos, never 0 or NaR;
   directed modes pick the neighbouring posit on the value line, 0 included; stochastic
   rounding is unbiased in value (doc/engine.md).  Negative posits are two's complements. */
#include <config.h>
#include <stdio.h>
#include "regime-impl.h"

fl_status
fl_posit_init (fl_format *f, int n, int es, char *err, size_t errlen)
{
  if (n < 2 || n > 64 || es < 0 || es > 5)
    {
      snprintf (err, errlen, "posit<%d>es<%d>: expected n from 2 to 64 and es from 0 to 5", n, es);
      return FL_EINVAL;
    }
  f->u.rg.n = n;
  f->u.rg.es = es;
  f->u.rg.rs = n - 1;
  f->u.rg.sf_num = 0;
  f->u.rg.sf_den = 1;
  f->ops = &fl_posit_ops;
  f->bits = (unsigned) n;
  f->prec = n < 2 ? 2 : n;
  f->has_inf = 0;
  f->has_nan = 1;                   /* NaR */
  f->default_overflow = FL_OVF_SAT;
  f->exact = 1;
  f->nearest_nonzero = 1;
  f->saturating = 1;
  return FL_OK;
}

/* The value of a nonzero magnitude code: sig * 2^exp, sig = 1.F as an integer. */
static void
posit_mag_value (const fl_regime_params *p, uint64_t mag, uint64_t *sig, long *exp)
{
  fl_regime_fields fd;
  fl_regime_parse (p->n, p->es, p->rs, mag, &fd);
  *sig = (UINT64_C(1) << fd.nf) | fd.F;
  *exp = fd.scale - fd.nf;
}

static fl_class
posit_decode (const fl_format *f, uint64_t code, mpfr_ptr out)
{
  const fl_regime_params *p = &f->u.rg;
  int negative;
  uint64_t mag, sig;
  fl_class c = fl_regime_unpack (p->n, code, &negative, &mag, out);
  if (c != FL_CLASS_NORMAL)
    return c;
  long exp;
  posit_mag_value (p, mag, &sig, &exp);
  mpfr_set_uj_2exp (out, sig, exp, MPFR_RNDN);
  if (negative)
    mpfr_neg (out, out, MPFR_RNDN);
  return FL_CLASS_NORMAL;
}

static fl_class
posit_unpack (const fl_format *f, uint64_t code, int *negative, uint64_t *sig, long *exp)
{
  const fl_regime_params *p = &f->u.rg;
  uint64_t mag;
  fl_class c = fl_regime_unpack (p->n, code, negative, &mag, NULL);
  if (c == FL_CLASS_ZERO)
    {
      *sig = 0;
      *exp = 0;
    }
  else if (c == FL_CLASS_NORMAL)
    posit_mag_value (p, mag, sig, exp);
  return c;
}

/* The fraction bits of |x| after its leading 1, as an mpz F of len bits. */
static unsigned long
mag_fraction (const fl_mag *m, mpz_ptr F)
{
  if (m->big)
    mpz_set (F, m->big);
  else
    mpz_set_ui (F, m->small);
  unsigned long len = mpz_sizeinbase (F, 2) - 1;
  mpz_clrbit (F, len);
  return len;
}

/* x = S * 2^X as an mpz scaled to exponent 'base' (base <= X). */
static void
mag_scaled (mpz_ptr out, const fl_mag *m, long base)
{
  if (m->big)
    mpz_set (out, m->big);
  else
    mpz_set_ui (out, m->small);
  mpz_mul_2exp (out, out, (mp_bitcnt_t) (m->X - base));
}

/* Stochastic rounding in value between the posits around |x|. */
static uint64_t
posit_sr (const fl_format *f, int negative, const fl_mag *m, const fl_rounding *r,
          unsigned *flags, mpz_ptr F, unsigned long len)
{
  const fl_regime_params *p = &f->u.rg;
  uint64_t maxmag = (UINT64_C(1) << (p->n - 1)) - 1;
  int inexact;
  uint64_t lo = fl_regime_trunc (p->n, p->es, p->rs, m->e, F, len, &inexact);
  if (!inexact)
    return lo;
  *flags |= FL_FLAG_INEXACT;
  if (lo == maxmag)
    return maxmag;                       /* beyond maxpos: saturate */
  uint64_t slo = 0, shi;
  long elo = 0, ehi;
  if (lo)
    posit_mag_value (p, lo, &slo, &elo);
  posit_mag_value (p, lo + 1, &shi, &ehi);
  long base = m->X;
  if (lo && elo < base)
    base = elo;
  if (ehi < base)
    base = ehi;
  mpz_t x, vlo, vhi;
  mpz_inits (x, vlo, vhi, NULL);
  mag_scaled (x, m, base);
  mpz_set_ui (vlo, slo);
  if (lo)
    mpz_mul_2exp (vlo, vlo, (mp_bitcnt_t) (elo - base));
  mpz_set_ui (vhi, shi);
  mpz_mul_2exp (vhi, vhi, (mp_bitcnt_t) (ehi - base));
  mpz_sub (x, x, vlo);                   /* num = |x| - lo */
  mpz_sub (vhi, vhi, vlo);               /* den = hi - lo */
  int up = fl_sr_up_ratio (r, negative, x, vhi);
  mpz_clears (x, vlo, vhi, NULL);
  return lo + (uint64_t) up;
}

static uint64_t
posit_round_pack (const fl_format *f, int negative, const fl_mag *m, const fl_rounding *r,
                 unsigned *flags, mpz_ptr tmp)
{
  (void) tmp;
  const fl_regime_params *p = &f->u.rg;
  mpz_t F;
  mpz_init (F);
  unsigned long len = mag_fraction (m, F);
  uint64_t mag;
  if (r->mode == FL_SR)
    mag = posit_sr (f, negative, m, r, flags, F, len);
  else
    mag = fl_regime_round (p->n, p->es, p->rs, m->e, F, len, negative, r, flags);
  mpz_clear (F);
  return fl_regime_pack (p->n, negative, mag);
}

static uint64_t posit_max_code (const fl_format *f) { return (UINT64_C(1) << (f->u.rg.n - 1)) - 1; }
static uint64_t posit_lowest_code (const fl_format *f) { return (UINT64_C(1) << (f->u.rg.n - 1)) + 1; }
static uint64_t posit_minpos_code (const fl_format *f) { (void) f; return 1; }
static int posit_minnormal_code (const fl_format *f, uint64_t *c) { (void) f; (void) c; return 0; }

/* Fraction bits of the posits just above 1: regime '10' takes two bits. */
static int
posit_bits_at_one (const fl_format *f)
{
  int nf = f->u.rg.n - 3 - f->u.rg.es;
  return nf > 0 ? nf : 0;
}

static int
posit_cut_format (const fl_format *f, fl_domain d, fl_format *out)
{
  (void) d;
  char err[128];
  if (f->u.rg.n >= 64 || fl_posit_init (out, f->u.rg.n + 1, f->u.rg.es, err, sizeof err) != FL_OK)
    return 0;
  snprintf (out->name, sizeof out->name, "posit%des%d", f->u.rg.n + 1, f->u.rg.es);
  return 1;
}

const fl_family_ops fl_posit_ops = {
  .family = FL_FAMILY_POSIT,
  .decode = posit_decode,
  .unpack = posit_unpack,
  .encode_special = fl_regime_encode_special,
  FL_REGIME_SPECIAL_OPS,
  .round_pack = posit_round_pack,
  .beyond = fl_saturating_beyond,
  .max_code = posit_max_code,
  .lowest_code = posit_lowest_code,
  .minpos_code = posit_minpos_code,
  .minnormal_code = posit_minnormal_code,
  .bits_at_one = posit_bits_at_one,
  .cut_format = posit_cut_format,
  .encode_doubles = fl_cuts_encode_doubles,
  .quantize_doubles = fl_cuts_quantize_doubles,
  .release = fl_cuts_release,
};
