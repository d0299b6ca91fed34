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

/* The magnitude index for |x| = m, every mode, both domains. */
uint64_t fl_log_round_mag (const fl_format *f, const fl_logfamily *lf, int negative,
                           const fl_mag *m, const fl_rounding *r, unsigned *flags);

/* 2^q correctly rounded to nearest at out's precision (exact when q is an integer). */
void fl_exp2_q (mpfr_ptr out, mpq_srcptr q);

/* out = (-1)^negative 2^q, correctly rounded at out's precision. */
void fl_log_value (mpfr_ptr out, mpq_srcptr q, int negative);

/* Compare 2|x| with 2^qa + 2^qb (qa NULL: 0) exactly: -1, 0 or +1. */
int fl_cmp_linear_mid (mpfr_srcptr ax, mpq_srcptr qa, mpq_srcptr qb);

/* Split a nonnegative rational into floor and the fraction as F / 2^len: exact when the
   denominator is a power of two, else with a folded sticky bit after 'bits' fraction bits
   (enough for every deterministic mode). */
void fl_q_split (mpq_srcptr v, mpz_ptr ipart, mpz_ptr F, unsigned long *len, unsigned long bits);

#endif
