/* logposit.c -- logarithmic posits lp<n>es<es>rs<rs>[sf<sf>] (doc/engine.md): the posit
   bit string (regime run capped at rs, es exponent bits zero-filled when cut off) whose
   remaining bits are a fraction f of the log: |x| = 2^(k*2^es + e + f - sf).  Negatives
   are two's complements, 0..0 is zero, 10..0 is NaR.  Rounding: RNE on the bit string of
   the exact log2|x| + sf (log domain, the default) with posit saturation, or to the nearest
   value (--domain linear); directed modes and sr as for posits. */
#include <config.h>
#include <stdio.h>
#include <string.h>
#include "regime-impl.h"
#include "logdomain-impl.h"

static void lp_mag_log (const fl_format *f, uint64_t mag, mpq_ptr q);
static uint64_t lp_round_log (const fl_format *f, mpq_srcptr q, int negative,
                              const fl_rounding *r, unsigned *flags);

fl_status
fl_logposit_init (fl_format *f, int n, int es, int rs, long sf_num, long sf_den,
                  char *err, size_t errlen)
{
  if (n < 3 || n > 32 || es < 0 || es > 5 || rs < 1 || rs > n - 1 || sf_den <= 0)
    {
      snprintf (err, errlen, "lp<%d>es<%d>rs<%d>: expected n 3-32, es 0-5, rs 1 to n-1", n, es, rs);
      return FL_EINVAL;
    }
  f->u.rg.n = n;
  f->u.rg.es = es;
  f->u.rg.rs = rs;
  f->u.rg.sf_num = sf_num;
  f->u.rg.sf_den = sf_den;
  f->ops = &fl_logposit_ops;
  f->bits = (unsigned) n;
  f->prec = 113;                    /* values are irrational: the default output precision */
  f->has_inf = 0;
  f->has_nan = 1;
  f->default_overflow = FL_OVF_SAT;
  f->exact = 0;
  f->nearest_nonzero = 1;
  f->saturating = 1;
  return FL_OK;
}

static void
lp_sf (const fl_regime_params *p, mpq_ptr sf)
{
  mpq_set_si (sf, p->sf_num, (unsigned long) p->sf_den);
  mpq_canonicalize (sf);
}

/* unpack_log: the bit string read once, |v| = 2^(L / 2^k - sf) with L / 2^k = scale + F / 2^nf
   (regime, exponent and log fraction). */
static fl_class
lp_unpack_log (const fl_format *f, uint64_t code, int *negative, int64_t *L, int *k)
{
  const fl_regime_params *p = &f->u.rg;
  uint64_t mag;
  fl_class c = fl_regime_unpack (p->n, code, negative, &mag, NULL);
  if (c != FL_CLASS_NORMAL)
    return c;
  fl_regime_fields fd;
  fl_regime_parse (p->n, p->es, p->rs, mag, &fd);
  *L = (int64_t) fd.scale * ((int64_t) 1 << fd.nf) + (int64_t) fd.F;
  *k = fd.nf;
  return FL_CLASS_NORMAL;
}

/* log2 of a nonzero magnitude (the positive code of the same bits). */
static void
lp_mag_log (const fl_format *f, uint64_t mag, mpq_ptr q)
{
  fl_log_decode_log2 (f, mag, q);
}

/* Log-domain rounding of log2|x| = q: the bit string of q + sf to n-1 bits. */
static uint64_t
lp_round_log (const fl_format *f, mpq_srcptr q, int negative, const fl_rounding *r,
              unsigned *flags)
{
  const fl_regime_params *p = &f->u.rg;
  mpq_t lam;
  mpq_init (lam);
  lp_sf (p, lam);
  mpq_add (lam, lam, q);
  mpz_t ip, F;
  mpz_inits (ip, F, NULL);
  unsigned long len;
  fl_q_split (lam, ip, F, &len, (unsigned long) p->n + 2);
  long scale = mpz_fits_slong_p (ip) ? mpz_get_si (ip) : (mpz_sgn (ip) > 0 ? 1L << 40 : -(1L << 40));
  uint64_t mag = fl_regime_round (p->n, p->es, p->rs, scale, F, len, negative, r, flags);
  mpz_clears (ip, F, NULL);
  mpq_clear (lam);
  return mag;
}


static uint64_t
lp_round_pack (const fl_format *f, int negative, const fl_mag *m, const fl_rounding *r,
              unsigned *flags, mpz_ptr tmp)
{
  (void) tmp;
  fl_logfamily lf = { (UINT64_C(1) << (f->u.rg.n - 1)) - 1, 1, lp_round_log, lp_mag_log };
  uint64_t mag = fl_log_round_mag (f, &lf, negative, m, r, flags);
  return fl_regime_pack (f->u.rg.n, negative, mag);
}

static uint64_t
lp_round_sum (const fl_format *f, int negative, const fl_p2sum *x, const fl_rounding *r,
              unsigned *flags)
{
  fl_logfamily lf = { (UINT64_C(1) << (f->u.rg.n - 1)) - 1, 1, lp_round_log, lp_mag_log };
  uint64_t mag = fl_log_round_sum (f, &lf, negative, x, r, flags);
  return fl_regime_pack (f->u.rg.n, negative, mag);
}

static uint64_t lp_max_code (const fl_format *f) { return (UINT64_C(1) << (f->u.rg.n - 1)) - 1; }
static uint64_t lp_lowest_code (const fl_format *f) { return (UINT64_C(1) << (f->u.rg.n - 1)) + 1; }
static uint64_t lp_minpos_code (const fl_format *f) { (void) f; return 1; }
static int lp_minnormal_code (const fl_format *f, uint64_t *c) { (void) f; (void) c; return 0; }

/* Log-fraction bits just above 1 (k = 0: a run of one bit, plus its terminator if rs > 1). */
static int
lp_bits_at_one (const fl_format *f)
{
  const fl_regime_params *p = &f->u.rg;
  int nf = p->n - 1 - (p->rs > 1 ? 2 : 1) - p->es;
  return nf > 0 ? nf : 0;
}

static int
lp_cut_format (const fl_format *f, fl_domain d, fl_format *out)
{
  const fl_regime_params *p = &f->u.rg;
  char err[128];
  /* the same layout with one more bit: its odd codes are the log-domain cuts */
  if (d == FL_DOMAIN_LINEAR || p->n >= 32
      || fl_logposit_init (out, p->n + 1, p->es, p->rs, p->sf_num, p->sf_den, err,
                           sizeof err) != FL_OK)
    return 0;
  const char *rest = strstr (f->name, "es");      /* naming only: es.. rs.. sf.. as ours */
  snprintf (out->name, sizeof out->name, "lp%d%s", p->n + 1, rest ? rest : "");
  return 1;
}

const fl_family_ops fl_logposit_ops = {
  .family = FL_FAMILY_LOGPOSIT,
  .decode = fl_log_decode,
  .unpack_log = lp_unpack_log,
  .encode_special = fl_regime_encode_special,
  FL_REGIME_SPECIAL_OPS,
  .round_pack = lp_round_pack,
  .beyond = fl_saturating_beyond,
  .max_code = lp_max_code,
  .lowest_code = lp_lowest_code,
  .minpos_code = lp_minpos_code,
  .minnormal_code = lp_minnormal_code,
  .bits_at_one = lp_bits_at_one,
  .decode_log2 = fl_log_decode_log2,
  .cut_format = lp_cut_format,
  .round_sum = lp_round_sum,
  .encode_doubles = fl_cuts_encode_doubles,
  .quantize_doubles = fl_cuts_quantize_doubles,
  .release = fl_cuts_release,
};
