/* round.c -- rounding machinery shared by every family: stochastic rounding, the
   counter-based random generator, splitting large magnitudes, names of modes/policies. */
#include <config.h>
#include <limits.h>
#include <string.h>
#include "format-impl.h"
#include "round-impl.h"

#if ULONG_MAX < UINT64_MAX
# error "fmtlab needs a 64-bit unsigned long (LP64) for mpz_get_ui"
#endif

uint64_t
fl_rng_u64 (uint64_t seed, uint64_t stream, uint64_t k)
{
  return fl_rng_u64_inline (seed, stream, k);
}

uint64_t
fl_random_u64 (uint64_t seed, uint64_t stream, uint64_t k)
{
  return fl_rng_u64 (seed, stream, k);
}

/* 64 bits of the mpz starting at bit position p (p may be negative: zeros below bit 0). */
static uint64_t
mpz_bits64 (mpz_srcptr z, long p)
{
  uint64_t v = 0;
  if (p < 0)
    {
      if (p <= -64)
        return 0;
      return mpz_bits64 (z, 0) << -p;
    }
#if GMP_NUMB_BITS == 64
  size_t li = (size_t) p / 64, sh = (size_t) p % 64, n = mpz_size (z);
  uint64_t lo = li < n ? mpz_getlimbn (z, li) : 0;
  uint64_t hi = li + 1 < n ? mpz_getlimbn (z, li + 1) : 0;
  v = sh ? (lo >> sh) | (hi << (64 - sh)) : lo;
#else
  for (int i = 63; i >= 0; i--)
    v = (v << 1) | (uint64_t) mpz_tstbit (z, (mp_bitcnt_t) p + i);
#endif
  return v;
}

uint64_t
fl_frac_chunk (const fl_frac *fr, unsigned long i)
{
  /* bit j of F (from its least significant end) sits at position len - j after the point */
  long low = (long) fr->len - 64 * (long) (i + 1);     /* index of F's bit at the chunk's end */
  if (fr->big == NULL)
    {
      if (low >= 0)
        return low >= 64 ? 0 : fr->small >> low;
      return -low >= 64 ? 0 : fr->small << -low;
    }
  uint64_t v = mpz_bits64 (fr->big, low);
  /* bits at or above len belong to n, not to the fraction */
  long top = (long) fr->len - low;                      /* bits of the chunk inside F */
  if (top < 64)
    v &= top <= 0 ? 0 : (UINT64_C(1) << top) - 1;
  return v;
}

/* The fraction's chunks for fl_sr_decide: rest = some bit after chunk i is set. */
uint64_t
fl_frac_sr_chunk (void *src, unsigned long i, int *rest)
{
  const fl_frac *fr = src;
  unsigned long done = 64 * (i + 1);             /* bits after the point read so far */
  if (fr->len <= done)
    *rest = 0;
  else if (fr->big)
    *rest = mpz_scan1 (fr->big, 0) < fr->len - done;
  else
    *rest = fr->len - done >= 64 ? fr->small != 0
            : (fr->small & ((UINT64_C(1) << (fr->len - done)) - 1)) != 0;
  return fl_frac_chunk (fr, i);
}

/* The binary digits of num/den by long division, 64 at a time. */
uint64_t
fl_ratio_sr_chunk (void *src, unsigned long i, int *rest)
{
  (void) i;
  fl_sr_ratio *s = src;
  mpz_mul_2exp (s->num, s->num, 64);
  mpz_fdiv_qr (s->tmp, s->num, s->num, s->den);
  *rest = mpz_sgn (s->num) != 0;
  return mpz_get_ui (s->tmp);
}

void
fl_mag_from_mpfr (fl_mag *m, mpfr_srcptr x, mpz_ptr z)
{
  m->X = mpfr_get_z_2exp (z, x);
  mpz_abs (z, z);
  m->e = mpfr_get_exp (x) - 1;
  if (mpz_sizeinbase (z, 2) <= 64)
    {
      m->small = mpz_get_ui (z);
      m->big = NULL;
    }
  else
    {
      m->small = 0;
      m->big = z;
    }
}

int
fl_sr_up_ratio (const fl_rounding *r, int negative, mpz_srcptr num, mpz_srcptr den)
{
  mpz_t rem, q;
  mpz_init_set (rem, num);
  mpz_init (q);
  fl_sr_ratio src = { rem, den, q };
  int up = fl_sr_decide (r, negative, fl_ratio_sr_chunk, &src);
  mpz_clears (rem, q, NULL);
  return up;
}

uint64_t
fl_mag_split_big (const fl_mag *m, long q, fl_frac *fr, mpz_ptr tmp)
{
  long s = q - m->X;
  if (s <= 0)
    {
      mpz_mul_2exp (tmp, m->big, (mp_bitcnt_t) -s);
      fr->small = 0;
      fr->big = NULL;
      fr->len = 0;
      return mpz_get_ui (tmp);
    }
  mpz_tdiv_q_2exp (tmp, m->big, (mp_bitcnt_t) s);
  fr->small = 0;
  fr->big = m->big;
  fr->len = (unsigned long) s;
  return mpz_get_ui (tmp);
}

void
fl_rounding_init (fl_rounding *r)
{
  memset (r, 0, sizeof *r);
  r->mode = FL_RNE;
  r->overflow = FL_OVF_DEFAULT;
  r->domain = FL_DOMAIN_DEFAULT;
}

static const char *const mode_names[FL_ROUND_MODES] = { "rne", "rna", "rtz", "rup", "rdn", "rto", "sr" };

const char *
fl_round_mode_name (fl_round_mode m)
{
  return (unsigned) m < FL_ROUND_MODES ? mode_names[m] : "?";
}

int
fl_round_mode_parse (const char *s, fl_round_mode *m)
{
  for (int i = 0; i < FL_ROUND_MODES; i++)
    if (strcmp (s, mode_names[i]) == 0)
      {
        *m = (fl_round_mode) i;
        return 0;
      }
  return -1;
}

const char *
fl_overflow_name (fl_overflow o)
{
  switch (o)
    {
    case FL_OVF_SAT: return "sat";
    case FL_OVF_INF: return "inf";
    case FL_OVF_NAN: return "nan";
    default: return "default";
    }
}

int
fl_overflow_parse (const char *s, fl_overflow *o)
{
  if (strcmp (s, "sat") == 0) *o = FL_OVF_SAT;
  else if (strcmp (s, "inf") == 0) *o = FL_OVF_INF;
  else if (strcmp (s, "nan") == 0) *o = FL_OVF_NAN;
  else if (strcmp (s, "default") == 0) *o = FL_OVF_DEFAULT;
  else return -1;
  return 0;
}
