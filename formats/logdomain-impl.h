/* logdomain-impl.h -- internal: rounding for the logarithmic families (logarithmic posits,
   LNS), whose values 2^q have rational q.  Magnitudes are indexed 0 (zero), 1 .. maxmag
   (increasing).  Every decision is exact: log2|x| is exact when |x| is a power of two and
   otherwise irrational, so a Ziv loop (raise the precision until the decision cannot
   change) terminates; linear-domain ties can only occur between neighbours that are both
   integer powers of two, and those are decided exactly. */
#ifndef FL_LOGDOMAIN_IMPL_H
#define FL_LOGDOMAIN_IMPL_H

#include "format-impl.h"
#include "round-impl.h"

typedef struct {
  uint64_t maxmag;
  int nearest_nonzero;
  /* Round the exact log2|x| = q to a magnitude index in the log domain (deterministic
     modes; monotone in q). */
  uint64_t (*round_log) (const fl_format *f, mpq_srcptr q, int negative, const fl_rounding *r,
                         unsigned *flags);
  /* log2 of the value of magnitude index mag >= 1. */
  void (*mag_log) (const fl_format *f, uint64_t mag, mpq_ptr q);
} fl_logfamily;

/* Exact sums of signed powers of two with rational exponents, x = sum_i (-1)^neg_i 2^q_i,
   kept in canonical form: one group per distinct fractional part phi in [0, 1) of the
   exponents, group value z * 2^(phi + e) with z an integer.  The numbers 2^(j/N),
   0 <= j < N, are linearly independent over Q (x^N - 2 is irreducible), so x = 0 iff every
   z is 0, and x is a single power of two 2^c iff exactly one group is left and its |z| is
   a power of two (after fl_p2sum_normalise: |z| = 1).  Everything below is decided
   exactly from that: signs by the grouping rule first, then interval evaluation (MPFR,
   directed rounding) at doubling precision, which terminates because the value compared
   is then known to be nonzero. */
typedef struct {
  mpq_t phi;          /* fractional part of the exponent, 0 <= phi < 1 */
  mpz_t z;
  long e;
} fl_p2group;

typedef struct fl_p2sum_s {
  size_t n, cap;
  fl_p2group *g;
} fl_p2sum;

void fl_p2sum_init (fl_p2sum *s);
void fl_p2sum_clear (fl_p2sum *s);
/* s += (-1)^neg 2^q */
void fl_p2sum_add (fl_p2sum *s, int neg, mpq_srcptr q);
/* s += (-1)^neg z 2^e (a dyadic) */
void fl_p2sum_add_dyadic (fl_p2sum *s, int neg, mpz_srcptr z, long e);
/* s += (-1)^neg t 2^shift */
void fl_p2sum_add_sum (fl_p2sum *s, const fl_p2sum *t, long shift, int neg);
/* Drop zero groups, make every z odd (trailing zeros into e). */
void fl_p2sum_normalise (fl_p2sum *s);
/* Exact sign of the sum: -1, 0, +1. */
int fl_p2sum_sign (const fl_p2sum *s);
/* Normalised s is +-2^q: returns 1 and sets q (and *negative). */
int fl_p2sum_is_pow2 (const fl_p2sum *s, mpq_ptr q, int *negative);
/* lo <= s <= hi, each rounded at precision p. */
void fl_p2sum_bounds (const fl_p2sum *s, mpfr_prec_t p, mpfr_ptr lo, mpfr_ptr hi);

/* The magnitude index for |x| = m, every mode, both domains. */
uint64_t fl_log_round_mag (const fl_format *f, const fl_logfamily *lf, int negative,
                           const fl_mag *m, const fl_rounding *r, unsigned *flags);
/* The same for |x| given as a normalised positive nonzero fl_p2sum (the one
   implementation: fl_log_round_mag converts its dyadic to a one-group sum). */
uint64_t fl_log_round_sum (const fl_format *f, const fl_logfamily *lf, int negative,
                           const fl_p2sum *x, const fl_rounding *r, unsigned *flags);

/* 2^q correctly rounded to nearest at out's precision (exact when q is an integer). */
void fl_exp2_q (mpfr_ptr out, mpq_srcptr q);

/* out = (-1)^negative 2^q, correctly rounded at out's precision. */
void fl_log_value (mpfr_ptr out, mpq_srcptr q, int negative);

/* Compare 2|x| with 2^qa + 2^qb (qa NULL: 0) exactly: -1, 0 or +1. */
int fl_cmp_linear_mid (mpfr_srcptr ax, mpq_srcptr qa, mpq_srcptr qb);

/* decode and decode_log2 of the logarithmic families, from their unpack_log. */
fl_class fl_log_decode (const fl_format *f, uint64_t code, mpfr_ptr out);
int fl_log_decode_log2 (const fl_format *f, uint64_t code, mpq_ptr q);

/* L / 2^k - sf (unpack_log's exponent) is an integer: returns 1 and sets *e; else 0 (then
   the value is irrational). */
int fl_log_exponent_int (const fl_format *f, int64_t L, int k, long *e);

/* Split a nonnegative rational into floor and the fraction as F / 2^len: exact when the
   denominator is a power of two, else with a folded sticky bit after 'bits' fraction bits
   (enough for every deterministic mode). */
void fl_q_split (mpq_srcptr v, mpz_ptr ipart, mpz_ptr F, unsigned long *len, unsigned long bits);

#endif
