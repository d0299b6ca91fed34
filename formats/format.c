/* format.c -- the public format calls: dispatch to the family, properties, names,
   exact parsing and printing of reals. */
#include <config.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "format-impl.h"
#include "round-impl.h"
#include "logdomain-impl.h"

const char *
fl_version (void)
{
  return PACKAGE_VERSION;
}

void
fl_mpfr_enter (fl_mpfr_state *s)
{
  s->flags = mpfr_flags_save ();
  s->emin = mpfr_get_emin ();
  s->emax = mpfr_get_emax ();
  if (s->emin != mpfr_get_emin_min ())
    mpfr_set_emin (mpfr_get_emin_min ());
  if (s->emax != mpfr_get_emax_max ())
    mpfr_set_emax (mpfr_get_emax_max ());
}

void
fl_mpfr_leave (const fl_mpfr_state *s)
{
  if (s->emin != mpfr_get_emin_min ())
    mpfr_set_emin (s->emin);
  if (s->emax != mpfr_get_emax_max ())
    mpfr_set_emax (s->emax);
  mpfr_flags_restore (s->flags, MPFR_FLAGS_ALL);
}

void
fl_format_free (fl_format *f)
{
  if (f && f->ops && f->ops->release)
    f->ops->release (f);
  if (f)
    free (f->decode_table);
  free (f);
}

const char *fl_format_name (const fl_format *f) { return f->name; }
fl_family fl_format_family (const fl_format *f) { return f->ops->family; }
unsigned fl_format_bits (const fl_format *f) { return f->bits; }
mpfr_prec_t fl_format_prec (const fl_format *f) { return f->prec; }
fl_overflow fl_format_default_overflow (const fl_format *f) { return f->default_overflow; }
int fl_format_has_inf (const fl_format *f) { return f->has_inf; }
int fl_format_has_nan (const fl_format *f) { return f->has_nan; }
uint64_t fl_format_max_code (const fl_format *f) { return f->ops->max_code (f); }
uint64_t fl_format_lowest_code (const fl_format *f) { return f->ops->lowest_code (f); }
uint64_t fl_format_minpos_code (const fl_format *f) { return f->ops->minpos_code (f); }

uint64_t
fl_format_ncodes_minus1 (const fl_format *f)
{
  return f->bits >= 64 ? UINT64_MAX : (UINT64_C(1) << f->bits) - 1;
}

int
fl_format_is_signed (const fl_format *f)
{
  switch (f->ops->family)
    {
    case FL_FAMILY_FLOAT: return f->u.fp.is_signed;
    case FL_FAMILY_FIXED: return f->u.fx.is_signed;
    default: return 1;
    }
}

int fl_format_is_exact (const fl_format *f) { return f->exact; }
int fl_format_bits_at_one (const fl_format *f) { return f->ops->bits_at_one (f); }

int
fl_decode_log2 (const fl_format *f, uint64_t code, mpq_ptr q)
{
  if (!f->ops->decode_log2)
    return 0;
  return f->ops->decode_log2 (f, code & fl_format_ncodes_minus1 (f), q);
}

int
fl_format_minnormal_code (const fl_format *f, uint64_t *code)
{
  return f->ops->minnormal_code (f, code);
}

int
fl_format_overflow_ok (const fl_format *f, fl_overflow o)
{
  switch (o)
    {
    case FL_OVF_INF: return f->has_inf;
    case FL_OVF_NAN: return f->has_nan;
    default: return 1;
    }
}

/* The dyadic families' values have exponents within +-2^21 (20 exponent bits at most,
   fixed point within 2^11 of 0, posit64 scales within 2^12): in an exponent range that
   wide their decoders set exact values and raise no flag, so the common case skips
   saving the caller's state. */
#define FL_SAFE_EXP ((mpfr_exp_t) 1 << 22)

static int
state_needs_guard (const fl_format *f)
{
  return !f->exact || mpfr_get_emin () > -FL_SAFE_EXP || mpfr_get_emax () < FL_SAFE_EXP;
}

fl_class
fl_decode (const fl_format *f, uint64_t code, mpfr_ptr out)
{
  code &= fl_format_ncodes_minus1 (f);
  if (!state_needs_guard (f))
    return f->ops->decode (f, code, out);
  fl_mpfr_state st;
  fl_mpfr_enter (&st);
  fl_class c = f->ops->decode (f, code, out);
  fl_mpfr_leave (&st);
  return c;
}

fl_class
fl_unpack (const fl_format *f, uint64_t code, int *negative, uint64_t *sig, long *exp)
{
  code &= fl_format_ncodes_minus1 (f);
  *sig = 0;
  *exp = 0;
  if (f->ops->unpack)
    return f->ops->unpack (f, code, negative, sig, exp);
  fl_mpfr_state st;
  fl_mpfr_enter (&st);
  MPFR_DECL_INIT (v, 8);
  fl_class c = f->ops->decode (f, code, v);
  *negative = mpfr_signbit (v) != 0 && c != FL_CLASS_NAN && c != FL_CLASS_NAR;
  fl_mpfr_leave (&st);
  return c;
}

/* |sig * 2^exp| against the magnitude m, exactly: -1, 0, +1. */
static int
mag_cmp (uint64_t sig, long exp, const fl_mag *m)
{
  long lead = exp + 63 - __builtin_clzll (sig);
  if (lead != m->e)
    return lead > m->e ? 1 : -1;
  if (m->big == NULL)
    {
      /* both aligned on their leading bit, which is the same bit */
      uint64_t a = sig << __builtin_clzll (sig), b = m->small << __builtin_clzll (m->small);
      return a > b ? 1 : a < b ? -1 : 0;
    }
  mpz_t t, u;
  mpz_init_set_ui (t, sig);
  mpz_init (u);
  int c;
  if (exp >= m->X)
    {
      mpz_mul_2exp (t, t, (mp_bitcnt_t) (exp - m->X));
      c = mpz_cmp (t, m->big);
    }
  else
    {
      mpz_mul_2exp (u, m->big, (mp_bitcnt_t) (m->X - exp));
      c = mpz_cmp (t, u);
    }
  mpz_clears (t, u, NULL);
  return c > 0 ? 1 : c < 0 ? -1 : 0;
}

/* Logarithmic families: the sign of |code| - m via the exact sum 2^q - m. */
static int
log_mag_cmp (const fl_format *f, uint64_t code, const fl_mag *m)
{
  mpq_t q;
  mpq_init (q);
  f->ops->decode_log2 (f, code, q);
  fl_p2sum s;
  fl_p2sum_init (&s);
  fl_p2sum_add (&s, 0, q);
  mpz_t z;
  mpz_init (z);
  if (m->big)
    mpz_set (z, m->big);
  else
    mpz_import (z, 1, 1, sizeof m->small, 0, 0, &m->small);
  fl_p2sum_add_dyadic (&s, 1, z, m->X);
  fl_p2sum_normalise (&s);
  int c = fl_p2sum_sign (&s);
  fl_p2sum_clear (&s);
  mpz_clear (z);
  mpq_clear (q);
  return c;
}

int
fl_code_ternary (const fl_format *f, uint64_t code, int negative, const fl_mag *m)
{
  int xs = m ? (negative ? -1 : 1) : 0;          /* the sign of x (0: x is zero) */
  int cneg, cs, cmp;
  fl_class c;
  if (f->ops->unpack)
    {
      uint64_t sig;
      long exp;
      c = f->ops->unpack (f, code, &cneg, &sig, &exp);
      if (c == FL_CLASS_NAN || c == FL_CLASS_NAR)
        return 0;
      cs = cneg ? -1 : 1;
      if (c == FL_CLASS_INF)
        return cs;
      if (c == FL_CLASS_ZERO)
        return -xs;
      if (xs == 0 || cs != xs)
        return cs;
      cmp = mag_cmp (sig, exp, m);
    }
  else
    {
      MPFR_DECL_INIT (v, 8);
      c = f->ops->decode (f, code, v);
      if (c == FL_CLASS_NAN || c == FL_CLASS_NAR)
        return 0;
      cs = mpfr_signbit (v) ? -1 : 1;
      if (c == FL_CLASS_INF)
        return cs;
      if (c == FL_CLASS_ZERO)
        return -xs;
      if (xs == 0 || cs != xs)
        return cs;
      cmp = log_mag_cmp (f, code, m);
    }
  return cs * cmp;
}

/* The ternary of a code for a NaN, infinite or zero x. */
static int
special_ternary (const fl_format *f, uint64_t code, fl_class cx, int negative)
{
  if (cx == FL_CLASS_NAN)
    return 0;
  if (cx == FL_CLASS_ZERO)
    return fl_code_ternary (f, code, negative, NULL);
  /* x infinite: a finite code lies on the side of zero, an infinite one is equal */
  fl_class c;
  if (f->ops->unpack)
    {
      int cneg;
      uint64_t sig;
      long exp;
      c = f->ops->unpack (f, code, &cneg, &sig, &exp);
    }
  else
    {
      MPFR_DECL_INIT (v, 8);            /* the caller guards the MPFR state */
      c = f->ops->decode (f, code, v);
    }
  if (c == FL_CLASS_NAN || c == FL_CLASS_NAR || c == FL_CLASS_INF)
    return 0;
  return negative ? 1 : -1;
}

uint64_t
fl_round_pack (const fl_format *f, int negative, const fl_mag *m, const fl_rounding *r,
               int *ternary, unsigned *flags, mpz_ptr tmp)
{
  unsigned fl = 0;
  uint64_t code = f->ops->round_pack (f, negative, m, r, &fl, tmp);
  if (ternary)
    *ternary = fl & (FL_FLAG_INEXACT | FL_FLAG_INVALID)
               ? fl_code_ternary (f, code, negative, m) : 0;
  *flags |= fl;
  return code;
}

/* The exact encoder of every family: the producer is the mpfr_t's significand as an
   integer (exact, however long), the rounding the family's round_pack. */
uint64_t
fl_encode_t (const fl_format *f, mpfr_srcptr x, const fl_rounding *r, int *ternary,
             unsigned *flags)
{
  unsigned fl = 0;
  uint64_t code;
  int negative = mpfr_signbit (x) != 0;
  /* the dyadic families read x's bits and round in integers: no MPFR state is touched */
  fl_mpfr_state st;
  int guard = !f->exact;
  if (guard)
    fl_mpfr_enter (&st);
  if (!mpfr_regular_p (x))
    {
      fl_class cx = mpfr_nan_p (x) ? FL_CLASS_NAN : mpfr_inf_p (x) ? FL_CLASS_INF
                    : FL_CLASS_ZERO;
      code = f->ops->encode_special (f, cx, negative, r, &fl);
      if (ternary)
        *ternary = special_ternary (f, code, cx, negative);
    }
  else
    {
      mpz_t z, tmp;
      mpz_init (z);
      mpz_init (tmp);
      fl_mag m;
      fl_mag_from_mpfr (&m, x, z);
      code = fl_round_pack (f, negative, &m, r, ternary, &fl, tmp);
      mpz_clear (z);
      mpz_clear (tmp);
    }
  if (guard)
    fl_mpfr_leave (&st);
  if (flags)
    *flags |= fl;
  return code;
}

uint64_t
fl_encode (const fl_format *f, mpfr_srcptr x, const fl_rounding *r, unsigned *flags)
{
  return fl_encode_t (f, x, r, NULL, flags);
}

uint64_t
fl_encode_u64 (const fl_format *f, int negative, uint64_t sig, long exp,
               const fl_rounding *r, unsigned *flags)
{
  unsigned fl = 0;
  uint64_t code;
  /* the dyadic families round integers without MPFR: no state to guard */
  fl_mpfr_state st;
  if (!f->exact)
    fl_mpfr_enter (&st);
  if (sig == 0)
    code = f->ops->encode_special (f, FL_CLASS_ZERO, negative, r, &fl);
  else
    {
      fl_mag m = { sig, NULL, exp, exp + 63 - __builtin_clzll (sig) };
      code = f->ops->round_pack (f, negative, &m, r, &fl, NULL);
    }
  if (!f->exact)
    fl_mpfr_leave (&st);
  if (flags)
    *flags |= fl;
  return code;
}

uint64_t
fl_encode_z (const fl_format *f, int negative, mpz_srcptr sig, long exp,
             const fl_rounding *r, unsigned *flags)
{
  if (mpz_sizeinbase (sig, 2) <= 64 || mpz_sgn (sig) == 0)
    return fl_encode_u64 (f, negative, mpz_get_ui (sig), exp, r, flags);
  unsigned fl = 0;
  mpz_t tmp;
  mpz_init (tmp);
  fl_mpfr_state st;
  if (!f->exact)
    fl_mpfr_enter (&st);
  fl_mag m = { 0, sig, exp, exp + (long) mpz_sizeinbase (sig, 2) - 1 };
  uint64_t code = f->ops->round_pack (f, negative, &m, r, &fl, tmp);
  if (!f->exact)
    fl_mpfr_leave (&st);
  mpz_clear (tmp);
  if (flags)
    *flags |= fl;
  return code;
}

fl_status
fl_encode_p2sum (const fl_format *f, const fl_p2sum *s, const fl_rounding *r, uint64_t *code,
                 unsigned *flags, char *err, size_t errlen)
{
  unsigned fl = 0;
  fl_status st = FL_OK;
  if (s->n == 0)
    {
      /* an exact zero: +0, or -0 under rdn (IEEE 754 6.3; the logarithmic families have
         one zero) */
      MPFR_DECL_INIT (z, 2);
      mpfr_set_zero (z, r->mode == FL_RDN ? -1 : 1);
      *code = fl_encode (f, z, r, &fl);
    }
  else if (s->n == 1 && mpq_sgn (s->g[0].phi) == 0)
    {
      /* a dyadic: the exact encoder */
      mpz_t a;
      mpz_init (a);
      mpz_abs (a, s->g[0].z);
      *code = fl_encode_z (f, mpz_sgn (s->g[0].z) < 0, a, s->g[0].e, r, &fl);
      mpz_clear (a);
    }
  else if (f->ops->round_sum)
    {
      int negative = fl_p2sum_sign (s) < 0;
      fl_p2sum m;
      fl_p2sum_init (&m);
      fl_p2sum_add_sum (&m, s, 0, negative);
      fl_p2sum_normalise (&m);
      *code = f->ops->round_sum (f, negative, &m, r, &fl);
      fl_p2sum_clear (&m);
    }
  else if (r->mode == FL_SR)
    {
      snprintf (err, errlen, "format '%s': stochastic rounding of an irrational value (a sum of "
                "powers of two with fractional exponents) into a dyadic format is not "
                "available", f->name);
      st = FL_EUNSUPPORTED;
      *code = 0;
    }
  else
    {
      /* x is irrational (a group with a fractional exponent survives) and every decision
         boundary of a dyadic format is dyadic: the encoder is monotone in x, so equal
         codes (and flags) of both bounds are the answer, and the loop ends */
      mpfr_t lo, hi;
      mpfr_inits2 (64, lo, hi, (mpfr_ptr) 0);
      for (mpfr_prec_t p = 64 + 2 * f->prec;; p *= 2)
        {
          fl_p2sum_bounds (s, p, lo, hi);
          unsigned f1 = 0, f2 = 0;
          uint64_t c1 = fl_encode (f, lo, r, &f1), c2 = fl_encode (f, hi, r, &f2);
          if (c1 == c2 && f1 == f2)
            {
              *code = c1;
              fl = f1 | FL_FLAG_INEXACT;
              break;
            }
        }
      mpfr_clears (lo, hi, (mpfr_ptr) 0);
    }
  if (flags)
    *flags |= fl;
  return st;
}

fl_status
fl_encode_pow2sum (const fl_format *f, size_t n, const int *neg, mpq_srcptr const *q,
                   const fl_rounding *r, uint64_t *code, unsigned *flags, char *err,
                   size_t errlen)
{
  fl_mpfr_state ms;
  fl_mpfr_enter (&ms);
  fl_p2sum s;
  fl_p2sum_init (&s);
  for (size_t i = 0; i < n; i++)
    fl_p2sum_add (&s, neg[i], q[i]);
  fl_p2sum_normalise (&s);
  fl_status st = fl_encode_p2sum (f, &s, r, code, flags, err, errlen);
  fl_p2sum_clear (&s);
  fl_mpfr_leave (&ms);
  return st;
}

fl_status
fl_encode_log2 (const fl_format *f, int negative, mpq_srcptr q, const fl_rounding *r,
                uint64_t *code, unsigned *flags, char *err, size_t errlen)
{
  return fl_encode_pow2sum (f, 1, &negative, &q, r, code, flags, err, errlen);
}

int
fl_format_beyond (const fl_format *f, int negative, mpfr_ptr out)
{
  fl_mpfr_state st;
  fl_mpfr_enter (&st);
  int parity = f->ops->beyond (f, negative, out);
  fl_mpfr_leave (&st);
  return parity;
}

/* The array path of families without a fast path: each double through the exact encoder
   (a double is an exact 53-bit value). */
static void
encode_doubles_mpfr (const fl_format *f, const double *x, uint64_t *codes, size_t n,
                     const fl_rounding *r, unsigned *flags)
{
  mpfr_t v;
  mpfr_init2 (v, 53);
  fl_rounding ri = *r;
  for (size_t i = 0; i < n; i++)
    {
      mpfr_set_d (v, x[i], MPFR_RNDN);
      ri.stream = r->stream + i;
      codes[i] = fl_encode (f, v, &ri, flags);
    }
  mpfr_clear (v);
}

/* Threads in the array calls (doc/engine.md, "Threads"): a long array is cut into
   contiguous chunks shared by the OpenMP threads; element i keeps stream r->stream + i
   whoever computes it, so codes, values and flags do not depend on the thread count.
   None below FL_PAR_MIN elements (a thread team costs more than it saves) and none
   inside a caller's parallel region (the caller already splits the work). */
#define FL_PAR_MIN ((size_t) 1 << 16)
#define FL_PAR_CHUNK_MIN ((size_t) 1 << 14)

/* The chunk length for n elements, or 0: one thread. */
static size_t
par_chunk (size_t n)
{
#ifdef _OPENMP
  if (n < FL_PAR_MIN || omp_in_parallel ())
    return 0;
  int t = omp_get_max_threads ();
  if (t < 2)
    return 0;
  /* four chunks a thread, handed out as threads come free: a thread the machine slows
     down takes fewer; a multiple of 64, the float fast path's block */
  size_t c = (n / ((size_t) t * 4) + 63) & ~(size_t) 63;
  return c < FL_PAR_CHUNK_MIN ? FL_PAR_CHUNK_MIN : c;
#else
  (void) n;
  return 0;
#endif
}

/* Run body over [lo, lo + len) chunks in parallel; fl: the OR of the chunks' flags. */
#define FL_PAR_FOR(n, chunk, fl, body)                                              \
  do                                                                                \
    {                                                                               \
      long nchunks_ = (long) (((n) + (chunk) - 1) / (chunk));                       \
      _Pragma ("omp parallel for schedule(dynamic) reduction(|:fl)")                \
      for (long c_ = 0; c_ < nchunks_; c_++)                                        \
        {                                                                           \
          size_t lo = (size_t) c_ * (chunk);                                        \
          size_t len = (n) - lo < (chunk) ? (n) - lo : (chunk);                     \
          body;                                                                     \
        }                                                                           \
    }                                                                               \
  while (0)

static void
encode_doubles_one (const fl_format *f, const double *x, uint64_t *codes, size_t n,
                    const fl_rounding *r, unsigned *flags)
{
  unsigned fl = 0;
  if (f->ops->encode_doubles)
    f->ops->encode_doubles (f, x, codes, n, r, &fl);
  else
    {
      fl_mpfr_state st;
      fl_mpfr_enter (&st);
      encode_doubles_mpfr (f, x, codes, n, r, &fl);
      fl_mpfr_leave (&st);
    }
  if (flags)
    *flags |= fl;
}

void
fl_encode_doubles (const fl_format *f, const double *x, uint64_t *codes, size_t n,
                   const fl_rounding *r, unsigned *flags)
{
  size_t chunk = par_chunk (n);
  if (!chunk)
    {
      encode_doubles_one (f, x, codes, n, r, flags);
      return;
    }
  unsigned fl = 0;
  FL_PAR_FOR (n, chunk, fl, {
    fl_rounding rc = *r;
    rc.stream = r->stream + lo;
    encode_doubles_one (f, x + lo, codes + lo, len, &rc, &fl);
  });
  if (flags)
    *flags |= fl;
}

/* The ternary of each code against its double, from the double's bits. */
static void
doubles_ternary (const fl_format *f, const double *x, const uint64_t *codes, int8_t *ternary,
                 size_t n)
{
  fl_mpfr_state st;
  if (!f->ops->unpack)
    fl_mpfr_enter (&st);
  for (size_t i = 0; i < n; i++)
    {
      int negative;
      fl_mag m;
      fl_class cx = fl_mag_from_double (x[i], &negative, &m);
      ternary[i] = (int8_t) (cx == FL_CLASS_NORMAL ? fl_code_ternary (f, codes[i], negative, &m)
                             : special_ternary (f, codes[i], cx, negative));
    }
  if (!f->ops->unpack)
    fl_mpfr_leave (&st);
}

void
fl_encode_doubles_t (const fl_format *f, const double *x, uint64_t *codes, int8_t *ternary,
                     size_t n, const fl_rounding *r, unsigned *flags)
{
  fl_encode_doubles (f, x, codes, n, r, flags);
  doubles_ternary (f, x, codes, ternary, n);
}

static void
decode_doubles_one (const fl_format *f, const uint64_t *codes, double *x, size_t n)
{
  if (f->ops->decode_doubles)
    {
      f->ops->decode_doubles (f, codes, x, n);
      return;
    }
  /* nearest double: decode with 2 bits more than needed is not enough for a correct
     double in general, so decode at 53 bits directly (fl_decode rounds to nearest) */
  fl_mpfr_state st;
  fl_mpfr_enter (&st);
  mpfr_t v;
  mpfr_init2 (v, f->exact ? fl_format_prec (f) : 53);
  for (size_t i = 0; i < n; i++)
    {
      f->ops->decode (f, codes[i] & fl_format_ncodes_minus1 (f), v);
      x[i] = mpfr_get_d (v, MPFR_RNDN);
    }
  mpfr_clear (v);
  fl_mpfr_leave (&st);
}


/* A code's bits above the format's width are ignored, as every family's decode does. */
static void
decode_table_run (const fl_format *f, const double *table, const uint64_t *codes, double *x,
                  size_t n)
{
  const uint64_t mask = (UINT64_C(1) << fl_format_bits (f)) - 1;
  for (size_t i = 0; i < n; i++)
    x[i] = table[codes[i] & mask];
}

void
fl_decode_doubles (const fl_format *f, const uint64_t *codes, double *x, size_t n)
{
  const double *table = fl_decode_table (f, n);
  size_t chunk = par_chunk (n);
  if (!chunk)
    {
      if (table)
        decode_table_run (f, table, codes, x, n);
      else
        decode_doubles_one (f, codes, x, n);
      return;
    }
  unsigned fl = 0;      /* decoding raises no flag */
  if (table)
    FL_PAR_FOR (n, chunk, fl, decode_table_run (f, table, codes + lo, x + lo, len));
  else
    FL_PAR_FOR (n, chunk, fl, decode_doubles_one (f, codes + lo, x + lo, len));
  (void) fl;
}

#define FL_QCHUNK 256

/* The table of the doubles of every code of a format of <= 16 bits (doc/engine.md,
   "Fast paths") for fl_decode_doubles and the narrow decoders: built once, on the first
   decode long enough to pay for it (a quarter of the table), then shared.  Two threads building it at once keep the first one stored.
   NULL: no table (too wide, too short a call, no memory).  The cut tables (cuts.c) read
   their values from it too. */
const double *
fl_decode_table (const fl_format *f, size_t n)
{
  double *t = __atomic_load_n (&f->decode_table, __ATOMIC_ACQUIRE);
  unsigned bits = fl_format_bits (f);
  if (t || bits == 0 || bits > 16 || n < ((size_t) 1 << bits) / 4)
    return t;
  size_t nc = (size_t) 1 << bits;
  uint64_t *codes = malloc (nc * sizeof *codes);
  t = malloc (nc * sizeof *t);
  if (!codes || !t)
    {
      free (codes);
      free (t);
      return NULL;
    }
  for (size_t c = 0; c < nc; c++)
    codes[c] = c;
  decode_doubles_one (f, codes, t, nc);
  free (codes);
  double *expected = NULL;
  /* the cache is the descriptor's, not part of its value: a const format gets it too */
  fl_format *w = (fl_format *) f;
  if (!__atomic_compare_exchange_n (&w->decode_table, &expected, t, 0, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE))
    {
      free (t);
      t = expected;
    }
  return t;
}

/* Narrow code arrays: a chunk of uint64_t codes on the stack between the narrow array and
   the family's array call, so every family gets them with its own fast path; element i
   keeps stream r->stream + i. */
#define FL_DEFINE_NARROW(suffix, ctype, width)                                          \
  static void                                                                           \
  encode_narrow_one_##suffix (const fl_format *f, const double *x, ctype *codes,        \
                              size_t n, const fl_rounding *r, unsigned *flags)          \
  {                                                                                     \
    /* long chunks: the table-driven array encoders pay their set-up once a chunk */   \
    uint64_t sbuf[FL_QCHUNK], *buf = sbuf;                                              \
    size_t chunk = FL_QCHUNK;                                                           \
    if (n > FL_QCHUNK)                                                                  \
      {                                                                                 \
        size_t want = n < 65536 ? n : 65536;                                            \
        uint64_t *heap = malloc (want * sizeof *heap);                                  \
        if (heap)                                                                       \
          buf = heap, chunk = want;                                                     \
      }                                                                                 \
    fl_rounding rc = *r;                                                                \
    for (size_t lo = 0; lo < n; lo += chunk)                                            \
      {                                                                                 \
        size_t len = n - lo < chunk ? n - lo : chunk;                                   \
        rc.stream = r->stream + lo;                                                     \
        encode_doubles_one (f, x + lo, buf, len, &rc, flags);                           \
        for (size_t i = 0; i < len; i++)                                                \
          codes[lo + i] = (ctype) buf[i];                                               \
      }                                                                                 \
    if (buf != sbuf)                                                                    \
      free (buf);                                                                       \
  }                                                                                     \
  fl_status                                                                             \
  fl_encode_doubles_##suffix (const fl_format *f, const double *x, ctype *codes,        \
                              size_t n, const fl_rounding *r, unsigned *flags)          \
  {                                                                                     \
    if (fl_format_bits (f) == 0 || fl_format_bits (f) > width)                          \
      return FL_ERANGE;                                                                 \
    unsigned fl = 0;                                                                    \
    size_t pchunk = par_chunk (n);                                                      \
    if (!pchunk)                                                                        \
      encode_narrow_one_##suffix (f, x, codes, n, r, &fl);                              \
    else                                                                                \
      FL_PAR_FOR (n, pchunk, fl, {                                                      \
        fl_rounding rc = *r;                                                            \
        rc.stream = r->stream + lo;                                                     \
        encode_narrow_one_##suffix (f, x + lo, codes + lo, len, &rc, &fl);              \
      });                                                                               \
    if (flags)                                                                          \
      *flags |= fl;                                                                     \
    return FL_OK;                                                                       \
  }                                                                                     \
  static void                                                                           \
  decode_narrow_one_##suffix (const fl_format *f, const double *table, const ctype *codes, \
                              double *x, size_t n)                                      \
  {                                                                                     \
    if (table)                                                                          \
      {                                                                                 \
        const ctype mask = (ctype) ((UINT64_C(1) << fl_format_bits (f)) - 1);           \
        for (size_t i = 0; i < n; i++)                                                  \
          x[i] = table[codes[i] & mask];                                                \
        return;                                                                         \
      }                                                                                 \
    uint64_t buf[4 * FL_QCHUNK];         /* 8 KiB: stays in L1 with the output */       \
    for (size_t lo = 0; lo < n; lo += 4 * FL_QCHUNK)                                    \
      {                                                                                 \
        size_t len = n - lo < 4 * FL_QCHUNK ? n - lo : 4 * FL_QCHUNK;                   \
        for (size_t i = 0; i < len; i++)                                                \
          buf[i] = codes[lo + i];                                                       \
        decode_doubles_one (f, buf, x + lo, len);                                       \
      }                                                                                 \
  }                                                                                     \
  fl_status                                                                             \
  fl_decode_doubles_##suffix (const fl_format *f, const ctype *codes, double *x,        \
                              size_t n)                                                 \
  {                                                                                     \
    if (fl_format_bits (f) == 0 || fl_format_bits (f) > width)                          \
      return FL_ERANGE;                                                                 \
    const double *table = width <= 16 ? fl_decode_table (f, n) : NULL;                     \
    size_t pchunk = par_chunk (n);                                                      \
    unsigned fl = 0;                                                                    \
    if (!pchunk)                                                                        \
      decode_narrow_one_##suffix (f, table, codes, x, n);                               \
    else                                                                                \
      FL_PAR_FOR (n, pchunk, fl, decode_narrow_one_##suffix (f, table, codes + lo,      \
                                                             x + lo, len));             \
    (void) fl;                           /* decoding raises no flag */                  \
    return FL_OK;                                                                       \
  }
FL_DEFINE_NARROW (u8, uint8_t, 8)
FL_DEFINE_NARROW (u16, uint16_t, 16)
FL_DEFINE_NARROW (u32, uint32_t, 32)

/* The code of one double through the family's round_pack (the double's bits are the
   producer), or its encode_special: the fused paths' first half. */
static uint64_t
double_round_pack (const fl_format *f, double x, const fl_rounding *r, unsigned *flags)
{
  int negative;
  fl_mag m;
  fl_class cx = fl_mag_from_double (x, &negative, &m);
  if (cx == FL_CLASS_NORMAL)
    return f->ops->round_pack (f, negative, &m, r, flags, NULL);
  return f->ops->encode_special (f, cx, negative, r, flags);
}

/* The fused path of the dyadic families: the double's bits through the family's
   round_pack, then the code's value from unpack, exact whenever it is a double (else,
   and for NaN and infinities, the family's own decode of that one code): x -> value with
   no code array and no MPFR.  Element i uses stream + i, as fl_encode_doubles. */
static void
quantize_dyadic (const fl_format *f, const double *x, double *y, size_t n,
                 const fl_rounding *r, unsigned *flags)
{
  fl_rounding rr = *r;
  for (size_t i = 0; i < n; i++)
    {
      int cneg;
      uint64_t code, sig;
      long exp;
      rr.stream = r->stream + i;
      code = double_round_pack (f, x[i], &rr, flags);
      fl_class c = f->ops->unpack (f, code, &cneg, &sig, &exp);
      if (c == FL_CLASS_ZERO)
        {
          y[i] = cneg ? -0.0 : 0.0;
          continue;
        }
      if (c == FL_CLASS_NORMAL || c == FL_CLASS_SUBNORMAL)
        {
          int tz = __builtin_ctzll (sig);
          uint64_t s2 = sig >> tz;
          long e2 = exp + tz;
          int bl = 64 - __builtin_clzll (s2);
          if (bl <= 53 && e2 >= -1074 && e2 + bl - 1 <= 1023)
            {
              double v = ldexp ((double) s2, (int) e2);       /* exact */
              y[i] = cneg ? -v : v;
              continue;
            }
        }
      fl_decode_doubles (f, &code, &y[i], 1);
    }
}

/* The fused path of the logarithmic families: the double through the family's round_pack
   (the exact log-domain rounding), then the code's value from unpack_log: 2^e exactly
   (ldexp) when the exponent is an integer e, else the code's correctly rounded double from
   its decode, remembered per code for the rest of the call (a format of n bits has at most
   2^n values, and a tensor repeats them).  Element i uses stream + i, as fl_encode_doubles;
   every result equals encode + decode. */
#define FL_LOG_CACHE 1024
static void
quantize_log (const fl_format *f, const double *x, double *y, size_t n, const fl_rounding *r,
              unsigned *flags)
{
  struct { uint64_t code; double v; } cache[FL_LOG_CACHE];
  for (size_t i = 0; i < FL_LOG_CACHE; i++)
    cache[i].code = UINT64_MAX;                       /* no code is all ones beyond 32 bits */
  fl_mpfr_state st;
  fl_mpfr_enter (&st);                                /* round_pack's Ziv loop uses MPFR */
  mpfr_t v;
  mpfr_init2 (v, 53);
  fl_rounding rr = *r;
  for (size_t i = 0; i < n; i++)
    {
      int cneg, k;
      int64_t L;
      long e;
      uint64_t code;
      rr.stream = r->stream + i;
      code = double_round_pack (f, x[i], &rr, flags);
      fl_class c = f->ops->unpack_log (f, code, &cneg, &L, &k);
      if (c == FL_CLASS_ZERO)
        y[i] = 0.0;                                   /* no -0 in these families */
      else if (c != FL_CLASS_NORMAL)
        y[i] = NAN;
      else if (fl_log_exponent_int (f, L, k, &e) && e >= -1074 && e <= 1023)
        y[i] = cneg ? -ldexp (1.0, (int) e) : ldexp (1.0, (int) e);     /* exact */
      else
        {
          size_t slot = code % FL_LOG_CACHE;
          if (cache[slot].code != code)
            {
              f->ops->decode (f, code, v);
              cache[slot].code = code;
              cache[slot].v = mpfr_get_d (v, MPFR_RNDN);
            }
          y[i] = cache[slot].v;
        }
    }
  mpfr_clear (v);
  fl_mpfr_leave (&st);
}

void
fl_quantize_exact (const fl_format *f, const double *x, double *y, size_t n,
                   const fl_rounding *r, unsigned *flags)
{
  if (f->ops->unpack)
    quantize_dyadic (f, x, y, n, r, flags);
  else
    quantize_log (f, x, y, n, r, flags);
}

/* Fused fake-quantize: families with a fused path (quantize_doubles) never build codes;
   the others encode and decode a chunk at a time.  Element i uses stream + i either way. */
static void
quantize_doubles_one (const fl_format *f, const double *x, double *y, int8_t *ternary,
                      size_t n, const fl_rounding *r, unsigned *flags)
{
  if (f->ops->quantize_floats)
    {
      /* block formats: whole blocks; the ternary value is exact from the doubles */
      f->ops->quantize_doubles (f, x, y, n, r, flags);
      if (ternary)
        for (size_t i = 0; i < n; i++)
          ternary[i] = (int8_t) ((y[i] > x[i]) - (y[i] < x[i]));
      return;
    }
  uint64_t codes[FL_QCHUNK];
  fl_rounding rc = *r;
  unsigned fl = 0;
  /* Long deterministic arrays of a family with a table-driven array encoder (floats,
     fixed point) are faster through it, a chunk of codes at a time; the rest fused. */
  if (!ternary && !f->ops->quantize_doubles && f->ops->encode_doubles && r->mode != FL_SR
      && n >= 4 * FL_QCHUNK)
    {
      size_t chunk = n < 16384 ? n : 16384;
      uint64_t *buf = malloc (chunk * sizeof *buf);
      if (buf)
        {
          for (size_t lo = 0; lo < n; lo += chunk)
            {
              size_t len = n - lo < chunk ? n - lo : chunk;
              rc.stream = r->stream + lo;
              f->ops->encode_doubles (f, x + lo, buf, len, &rc, &fl);
              fl_decode_doubles (f, buf, y + lo, len);
            }
          free (buf);
          if (flags)
            *flags |= fl;
          return;
        }
    }
  if (!ternary && (f->ops->quantize_doubles || f->ops->unpack || f->ops->unpack_log))
    {
      if (f->ops->quantize_doubles)
        f->ops->quantize_doubles (f, x, y, n, r, &fl);
      else
        fl_quantize_exact (f, x, y, n, r, &fl);
      if (flags)
        *flags |= fl;
      return;
    }
  for (size_t lo = 0; lo < n; lo += FL_QCHUNK)
    {
      size_t len = n - lo < FL_QCHUNK ? n - lo : FL_QCHUNK;
      rc.stream = r->stream + lo;
      fl_encode_doubles (f, x + lo, codes, len, &rc, &fl);
      if (ternary)
        doubles_ternary (f, x + lo, codes, ternary + lo, len);
      fl_decode_doubles (f, codes, y + lo, len);
    }
  if (flags)
    *flags |= fl;
}

void
fl_quantize_doubles (const fl_format *f, const double *x, double *y, size_t n,
                     const fl_rounding *r, unsigned *flags)
{
  fl_quantize_doubles_t (f, x, y, NULL, n, r, flags);
}

static void
quantize_floats_one (const fl_format *f, const float *x, float *y, int8_t *ternary, size_t n,
                     const fl_rounding *r, unsigned *flags)
{
  if (f->ops->quantize_floats)
    {
      f->ops->quantize_floats (f, x, y, n, r, flags);     /* block formats: whole blocks */
      if (ternary)
        for (size_t i = 0; i < n; i++)
          ternary[i] = (int8_t) ((y[i] > x[i]) - (y[i] < x[i]));
      return;
    }
  /* 4 chunks of the double path at a time: its set-up is paid once per 1024 floats, and
     the 16 KiB of doubles stay in L1 */
  double xd[4 * FL_QCHUNK], yd[4 * FL_QCHUNK];
  fl_rounding rc = *r;
  for (size_t lo = 0; lo < n; lo += 4 * FL_QCHUNK)
    {
      size_t len = n - lo < 4 * FL_QCHUNK ? n - lo : 4 * FL_QCHUNK;
      for (size_t i = 0; i < len; i++)
        xd[i] = x[lo + i];
      rc.stream = r->stream + lo;
      quantize_doubles_one (f, xd, yd, ternary ? ternary + lo : NULL, len, &rc, flags);
      for (size_t i = 0; i < len; i++)
        y[lo + i] = (float) yd[i];   /* nearest float of the value (exact when it is one) */
    }
}

/* The threaded fl_quantize_doubles_t and fl_quantize_floats_t.  Block formats quantize
   whole blocks: one thread (their chunks would have to follow the blocks). */
#define FL_DEFINE_QUANTIZE_T(name, ctype, one)                                          \
  void                                                                                  \
  name (const fl_format *f, const ctype *x, ctype *y, int8_t *ternary, size_t n,        \
        const fl_rounding *r, unsigned *flags)                                          \
  {                                                                                     \
    size_t chunk = f->ops->quantize_floats ? 0 : par_chunk (n);                         \
    if (!chunk)                                                                         \
      {                                                                                 \
        one (f, x, y, ternary, n, r, flags);                                            \
        return;                                                                         \
      }                                                                                 \
    unsigned fl = 0;                                                                    \
    FL_PAR_FOR (n, chunk, fl, {                                                         \
      fl_rounding rc = *r;                                                              \
      rc.stream = r->stream + lo;                                                       \
      one (f, x + lo, y + lo, ternary ? ternary + lo : NULL, len, &rc, &fl);            \
    });                                                                                 \
    if (flags)                                                                          \
      *flags |= fl;                                                                     \
  }
FL_DEFINE_QUANTIZE_T (fl_quantize_doubles_t, double, quantize_doubles_one)
FL_DEFINE_QUANTIZE_T (fl_quantize_floats_t, float, quantize_floats_one)

void
fl_quantize_floats (const fl_format *f, const float *x, float *y, size_t n,
                    const fl_rounding *r, unsigned *flags)
{
  fl_quantize_floats_t (f, x, y, NULL, n, r, flags);
}

void
fl_round_odd (mpfr_ptr y, int t)
{
  /* the last bit is 0 exactly when fewer bits than the precision carry the value */
  if (t != 0 && mpfr_regular_p (y) && mpfr_min_prec (y) < mpfr_get_prec (y))
    {
      if (mpfr_signbit (y))
        mpfr_nextbelow (y);
      else
        mpfr_nextabove (y);
    }
}

/* ---- special values in arithmetic: the family's rules, IEEE-shaped by default ---- */

int
fl_code_is_signaling (const fl_format *f, uint64_t code)
{
  return f->ops->code_signaling ? f->ops->code_signaling (f, code & fl_format_ncodes_minus1 (f))
         : 0;
}

uint64_t
fl_nan_propagate (const fl_format *f, uint64_t code)
{
  return f->ops->nan_quiet ? f->ops->nan_quiet (f, code) : code;
}

static uint64_t
encode_signed_special (const fl_format *rf, fl_class c, int negative, const fl_rounding *r,
                       unsigned *flags)
{
  fl_mpfr_state st;
  fl_mpfr_enter (&st);
  MPFR_DECL_INIT (x, 2);
  if (c == FL_CLASS_NAN)
    mpfr_set_nan (x);
  else
    mpfr_set_inf (x, 1);
  mpfr_setsign (x, x, negative, MPFR_RNDN);
  uint64_t code = fl_encode (rf, x, r, flags);
  fl_mpfr_leave (&st);
  return code;
}

uint64_t
fl_nan_convert (const fl_format *rf, const fl_format *src, uint64_t code, const fl_rounding *r,
                unsigned *flags)
{
  int negative = src->ops->nan_negative ? src->ops->nan_negative (src, code)
                 : fl_format_is_signed (src) && ((code >> (src->bits - 1)) & 1);
  unsigned fl = 0;
  uint64_t c = rf->ops->nan_canonical ? rf->ops->nan_canonical (rf, negative, r, &fl)
               : encode_signed_special (rf, FL_CLASS_NAN, negative, r, &fl);
  if (flags)
    *flags |= fl;
  return c;
}

uint64_t
fl_invalid_result (const fl_format *rf, const fl_rounding *r, unsigned *flags)
{
  unsigned fl = 0;
  uint64_t c;
  if (rf->ops->invalid_result)
    c = rf->ops->invalid_result (rf, r, &fl);
  else
    {
      fl |= FL_FLAG_INVALID;
      c = encode_signed_special (rf, FL_CLASS_NAN, 0, r, &fl);
    }
  if (flags)
    *flags |= fl;
  return c;
}

uint64_t
fl_divzero_result (const fl_format *rf, int negative, const fl_rounding *r, unsigned *flags)
{
  unsigned fl = 0;
  uint64_t c;
  if (rf->ops->divzero_result)
    c = rf->ops->divzero_result (rf, negative, r, &fl);
  else
    {
      fl |= FL_FLAG_DIVBYZERO;
      c = encode_signed_special (rf, FL_CLASS_INF, negative, r, &fl);
    }
  if (flags)
    *flags |= fl;
  return c;
}

const char *
fl_class_name (fl_class c)
{
  switch (c)
    {
    case FL_CLASS_ZERO: return "zero";
    case FL_CLASS_NORMAL: return "normal";
    case FL_CLASS_SUBNORMAL: return "subnormal";
    case FL_CLASS_INF: return "inf";
    case FL_CLASS_NAN: return "nan";
    case FL_CLASS_NAR: return "nar";
    }
  return "?";
}

int
fl_parse_real (mpfr_ptr x, const char *s, mpfr_prec_t min_prec)
{
  size_t len = strlen (s);
  if (len == 0 || len > 100000)
    return -1;
  /* hex digits carry 4 bits each; decimals get min_prec plus their digits' worth */
  mpfr_prec_t prec = (mpfr_prec_t) (4 * len + 8);
  if (prec < min_prec)
    prec = min_prec;
  mpfr_set_prec (x, prec);
  char *end;
  /* the caller's exponent range decides what is out of range; its flags are kept */
  mpfr_flags_t saved = mpfr_flags_save ();
  mpfr_clear_flags ();
  int t = mpfr_strtofr (x, s, &end, 0, MPFR_RNDZ);
  int bad = end == s || *end != 0 || mpfr_overflow_p () || mpfr_underflow_p ();
  if (!bad)
    fl_round_odd (x, t);          /* a sticky last bit */
  mpfr_flags_restore (saved, MPFR_FLAGS_ALL);
  return bad ? -1 : 0;
}

int
fl_hexfloat (char *buf, size_t size, mpfr_srcptr x, mpfr_prec_t prec)
{
  if (mpfr_nan_p (x))
    return snprintf (buf, size, "nan");
  if (mpfr_inf_p (x))
    return snprintf (buf, size, mpfr_signbit (x) ? "-inf" : "inf");
  if (mpfr_zero_p (x))
    return snprintf (buf, size, mpfr_signbit (x) ? "-0x0p+0" : "0x0p+0");
  fl_mpfr_state st;
  fl_mpfr_enter (&st);
  mpfr_t y;
  mpfr_init2 (y, prec > 0 ? prec : mpfr_get_prec (x));
  mpfr_set (y, x, MPFR_RNDN);
  mpz_t z;
  mpz_init (z);
  mpfr_exp_t e = mpfr_get_z_2exp (z, y);
  int negative = mpz_sgn (z) < 0;
  mpz_abs (z, z);
  /* strip trailing zero bits, then write 1.fff with the fraction in whole hex digits */
  mp_bitcnt_t tz = mpz_scan1 (z, 0);
  mpz_tdiv_q_2exp (z, z, tz);
  e += (mpfr_exp_t) tz;
  size_t nb = mpz_sizeinbase (z, 2);
  long exp2 = (long) e + (long) nb - 1;          /* value = 1.f * 2^exp2 */
  size_t fbits = nb - 1;
  size_t digits = (fbits + 3) / 4;
  mpz_mul_2exp (z, z, digits * 4 - fbits);       /* pad the fraction to whole digits */
  char *hex = mpz_get_str (NULL, 16, z);         /* "1" followed by the fraction digits */
  int n;
  if (digits == 0)
    n = snprintf (buf, size, "%s0x1p%+ld", negative ? "-" : "", exp2);
  else
    n = snprintf (buf, size, "%s0x1.%sp%+ld", negative ? "-" : "", hex + 1, exp2);
  free (hex);
  mpz_clear (z);
  mpfr_clear (y);
  fl_mpfr_leave (&st);
  return n;
}

void
fl_format_special_counts (const fl_format *f, long double *nan_codes, long double *inf_codes)
{
  *nan_codes = 0;
  *inf_codes = 0;
  if (f->ops->family == FL_FAMILY_POSIT || f->ops->family == FL_FAMILY_LOGPOSIT
      || f->ops->family == FL_FAMILY_LNS)
    *nan_codes = 1;                     /* NaR, or the LNS NaN */
  if (f->ops->family != FL_FAMILY_FLOAT)
    return;
  const fl_float_params *p = &f->u.fp;
  long double signs = p->is_signed ? 2 : 1;
  switch (p->nan_kind)
    {
    case FL_NAN_IEEE: *nan_codes = signs * (long double) ((UINT64_C(1) << p->M) - 1); break;
    case FL_NAN_ALLONES: *nan_codes = signs; break;
    case FL_NAN_NEGZERO: *nan_codes = 1; break;
    default: break;
    }
  switch (p->inf_kind)
    {
    case FL_INF_IEEE: case FL_INF_ALLONES: *inf_codes = signs; break;
    case FL_INF_BELOWNAN: *inf_codes = 1; break;
    default: break;
    }
}

void
fl_format_cut (const fl_format *f, fl_domain d, uint64_t lo, uint64_t hi, mpfr_ptr out)
{
  if (d == FL_DOMAIN_DEFAULT)
    d = FL_DOMAIN_LOG;
  fl_format cf;
  if (f->ops->cut_format && f->ops->cut_format (f, d, &cf))
    {
      uint64_t refined = (2 * lo + 1) & fl_format_ncodes_minus1 (&cf);
      fl_decode (&cf, refined, out);
      return;
    }
  fl_mpfr_state st;
  fl_mpfr_enter (&st);
  mpfr_prec_t p = mpfr_get_prec (out) + 64;
  mpfr_t a, b;
  mpfr_inits2 (p, a, b, (mpfr_ptr) 0);
  fl_decode (f, lo, a);
  fl_decode (f, hi, b);
  mpfr_add (a, a, b, MPFR_RNDN);
  mpfr_div_2ui (out, a, 1, MPFR_RNDN);
  mpfr_clears (a, b, (mpfr_ptr) 0);
  fl_mpfr_leave (&st);
}

fl_format *
fl_format_cut_new (const fl_format *f, fl_domain d)
{
  fl_format *cf = calloc (1, sizeof *cf);
  if (cf && !(f->ops->cut_format && f->ops->cut_format (f, d, cf)))
    {
      free (cf);
      cf = NULL;
    }
  return cf;
}

int
fl_saturating_beyond (const fl_format *f, int negative, mpfr_ptr out)
{
  (void) f;
  mpfr_set_inf (out, negative ? -1 : 1);
  return -1;
}
