/* lns.c -- logarithmic number system lns<n>f<F> (universal's lns<n,F> layout,
   B§4.2): a sign bit and an (n-1)-bit two's complement log2|x| with F fraction bits;
   0|10..0 is zero, 1|10..0 is NaN, no infinity (saturate to +-maxpos).  Rounding: RNE on
   the exact log2|x| to F bits (default) or to the nearest value (--domain linear); below
   the log-midpoint between minpos and the reserved step under it, x rounds to zero. */
#include <config.h>
#include <stdio.h>
#include "logdomain-impl.h"

/* Magnitude index: 0 is zero, mag = L + 2^(n-2) for the log code L = -(2^(n-2)-1) ..
   2^(n-2)-1, so magnitudes grow with the index and its parity is L's. */
static long
lns_half (const fl_lns_params *p)
{
  return 1L << (p->n - 2);
}

static uint64_t
field_mask (const fl_lns_params *p)
{
  return (UINT64_C(1) << (p->n - 1)) - 1;
}

fl_status
fl_lns_init (fl_format *f, int n, int F, char *err, size_t errlen)
{
  if (n < 3 || n > 32 || F < 0 || F > n - 2)
    {
      snprintf (err, errlen, "lns<%d>f<%d>: expected n from 3 to 32 and F from 0 to n-2", n, F);
      return FL_EINVAL;
    }
  f->u.lns.n = n;
  f->u.lns.F = F;
  f->ops = &fl_lns_ops;
  f->bits = (unsigned) n;
  f->prec = 113;
  f->has_inf = 0;
  f->has_nan = 1;
  f->default_overflow = FL_OVF_SAT;
  f->exact = 0;
  f->nearest_nonzero = 0;
  f->saturating = 1;
  return FL_OK;
}

static uint64_t
lns_pack (const fl_lns_params *p, int negative, uint64_t mag)
{
  if (mag == 0)
    return (uint64_t) lns_half (p);                  /* zero: 0|10..0, no -0 */
  uint64_t field = (uint64_t) ((long) mag - lns_half (p)) & field_mask (p);
  return ((uint64_t) negative << (p->n - 1)) | field;
}

/* unpack_log: sign, log code L and class of a code; |v| = 2^(L / 2^F). */
static fl_class
lns_unpack_log (const fl_format *f, uint64_t code, int *negative, int64_t *L, int *k)
{
  const fl_lns_params *p = &f->u.lns;
  *negative = (int) ((code >> (p->n - 1)) & 1);
  uint64_t field = code & field_mask (p);
  if (field == (uint64_t) lns_half (p))
    return *negative ? FL_CLASS_NAN : FL_CLASS_ZERO;
  *L = field & (uint64_t) lns_half (p) ? (int64_t) field - 2 * lns_half (p) : (int64_t) field;
  *k = p->F;
  return FL_CLASS_NORMAL;
}

/* log2 of the value of magnitude index mag >= 1 (the positive code lns_pack gives it). */
static void
lns_mag_log (const fl_format *f, uint64_t mag, mpq_ptr q)
{
  fl_log_decode_log2 (f, lns_pack (&f->u.lns, 0, mag), q);
}

/* Log domain: the magnitude index q*2^F + 2^(n-2) rounded like an integer. */
static uint64_t
lns_round_log (const fl_format *f, mpq_srcptr q, int negative, const fl_rounding *r,
               unsigned *flags)
{
  const fl_lns_params *p = &f->u.lns;
  uint64_t maxmag = (uint64_t) (2 * lns_half (p) - 1);
  mpq_t idx, h;
  mpq_inits (idx, h, NULL);
  mpq_set (idx, q);
  mpz_mul_2exp (mpq_numref (idx), mpq_numref (idx), (mp_bitcnt_t) p->F);
  mpq_canonicalize (idx);
  mpq_set_si (h, lns_half (p), 1);
  mpq_add (idx, idx, h);
  uint64_t mag;
  if (mpq_sgn (idx) <= 0)
    {
      /* at or below the reserved step (not a value): only zero or minpos are candidates */
      mag = fl_below_minpos (r->mode, negative, 0, flags);
    }
  else
    {
      mpz_t ip, F;
      mpz_inits (ip, F, NULL);
      fl_frac fr;
      unsigned long len;
      fl_q_split (idx, ip, F, &len, 66);
      fr.big = F;
      fr.small = 0;
      fr.len = len;
      if (mpz_cmp_ui (ip, maxmag) > 0)
        mag = maxmag + 1;
      else
        {
          mag = mpz_get_ui (ip);
          mag += (uint64_t) fl_round_up (r, negative, (int) (mag & 1), &fr, flags);
        }
      if (mag > maxmag)
        {
          *flags |= FL_FLAG_OVERFLOW | FL_FLAG_INEXACT;
          mag = maxmag;
        }
      else if (mag == 0)
        *flags |= FL_FLAG_UNDERFLOW | FL_FLAG_INEXACT;   /* x is not 0 */
      mpz_clears (ip, F, NULL);
    }
  mpq_clears (idx, h, NULL);
  return mag;
}

static uint64_t
lns_round_pack (const fl_format *f, int negative, const fl_mag *m, const fl_rounding *r,
               unsigned *flags, mpz_ptr tmp)
{
  (void) tmp;
  const fl_lns_params *p = &f->u.lns;
  fl_logfamily lf = { (uint64_t) (2 * lns_half (p) - 1), 0, lns_round_log, lns_mag_log };
  uint64_t mag = fl_log_round_mag (f, &lf, negative, m, r, flags);
  return lns_pack (p, negative, mag);
}

static uint64_t
lns_round_sum (const fl_format *f, int negative, const fl_p2sum *x, const fl_rounding *r,
               unsigned *flags)
{
  const fl_lns_params *p = &f->u.lns;
  fl_logfamily lf = { (uint64_t) (2 * lns_half (p) - 1), 0, lns_round_log, lns_mag_log };
  uint64_t mag = fl_log_round_sum (f, &lf, negative, x, r, flags);
  return lns_pack (p, negative, mag);
}

static uint64_t
lns_encode_special (const fl_format *f, fl_class c, int negative, const fl_rounding *r,
                    unsigned *flags)
{
  (void) r;
  const fl_lns_params *p = &f->u.lns;
  if (c == FL_CLASS_ZERO)
    return lns_pack (p, 0, 0);
  if (c == FL_CLASS_INF)
    {
      *flags |= FL_FLAG_OVERFLOW | FL_FLAG_INEXACT;  /* no infinity: saturate */
      return lns_pack (p, negative, (uint64_t) (2 * lns_half (p) - 1));
    }
  *flags |= FL_FLAG_INVALID;
  return (UINT64_C(1) << (p->n - 1)) | (uint64_t) lns_half (p);
}

static uint64_t lns_max_code (const fl_format *f) { return (uint64_t) lns_half (&f->u.lns) - 1; }
static uint64_t lns_lowest_code (const fl_format *f) { return (UINT64_C(1) << (f->u.lns.n - 1)) | ((uint64_t) lns_half (&f->u.lns) - 1); }
static uint64_t lns_minpos_code (const fl_format *f) { return (uint64_t) lns_half (&f->u.lns) + 1; }
static int lns_minnormal_code (const fl_format *f, uint64_t *c) { (void) f; (void) c; return 0; }
static int lns_bits_at_one (const fl_format *f) { return f->u.lns.F; }

static int
lns_cut_format (const fl_format *f, fl_domain d, fl_format *out)
{
  char err[128];
  if (d == FL_DOMAIN_LINEAR || f->u.lns.n >= 32
      || fl_lns_init (out, f->u.lns.n + 1, f->u.lns.F + 1, err, sizeof err) != FL_OK)
    return 0;
  snprintf (out->name, sizeof out->name, "lns%df%d", f->u.lns.n + 1, f->u.lns.F + 1);
  return 1;
}

const fl_family_ops fl_lns_ops = {
  .family = FL_FAMILY_LNS,
  .decode = fl_log_decode,
  .unpack_log = lns_unpack_log,
  .encode_special = lns_encode_special,
  .round_pack = lns_round_pack,
  .beyond = fl_saturating_beyond,
  .max_code = lns_max_code,
  .lowest_code = lns_lowest_code,
  .minpos_code = lns_minpos_code,
  .minnormal_code = lns_minnormal_code,
  .bits_at_one = lns_bits_at_one,
  .decode_log2 = fl_log_decode_log2,
  .cut_format = lns_cut_format,
  .round_sum = lns_round_sum,
  .encode_doubles = fl_cuts_encode_doubles,
  .quantize_doubles = fl_cuts_quantize_doubles,
  .release = fl_cuts_release,
};
