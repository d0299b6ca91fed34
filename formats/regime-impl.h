/* regime-impl.h -- internal: the bit string of the regime families (posits, logarithmic
   posits): after the sign, a regime run (capped at rs bits), es exponent bits, then the
   fraction -- of the significand for posits, of the log for logarithmic posits.  Parsing a
   code and rounding a real's bit string to n-1 bits live here once. */
#ifndef FL_REGIME_IMPL_H
#define FL_REGIME_IMPL_H

#include "format-impl.h"
#include "round-impl.h"

/* A code's magnitude (n-1 bits after the sign) read as: scale = k*2^es + e, and the
   fraction bits F (nf of them). */
typedef struct {
  long scale;
  uint64_t F;
  int nf;
} fl_regime_fields;

void fl_regime_parse (int n, int es, int rs, uint64_t mag, fl_regime_fields *out);

/* Round the real whose bit string is [regime of k | es bits of e | fraction F/2^len] with
   scale = k*2^es + e, to n-1 bits.  Handles saturation: above the largest magnitude the
   result is the largest magnitude; a truncated magnitude of 0 (a value below the smallest)
   follows 'below' rules: nearest modes and rto give the smallest magnitude (posits never
   round to 0), rtz 0, rup/rdn by sign.  Stochastic rounding is not done here (it is value
   domain: see the families).  Returns the magnitude code. */
uint64_t fl_regime_round (int n, int es, int rs, long scale, mpz_srcptr F, unsigned long len,
                          int negative, const fl_rounding *r, unsigned *flags);

/* Truncated magnitude code (toward zero) of the same bit string, and whether inexact. */
uint64_t fl_regime_trunc (int n, int es, int rs, long scale, mpz_srcptr F, unsigned long len,
                          int *inexact);

/* Class, sign and magnitude of a code: 0 is zero (out set to +0), 10..0 is NaR (out set
   to NaN), negatives are two's complements; FL_CLASS_NORMAL otherwise. */
fl_class fl_regime_unpack (int n, uint64_t code, int *negative, uint64_t *mag, mpfr_ptr out);

/* Zero stays zero; NaN and infinities become NaR (flagged invalid). */
uint64_t fl_regime_encode_special (const fl_format *f, fl_class c, int negative,
                                   const fl_rounding *r, unsigned *flags);

/* Special values in arithmetic (Posit Standard 2022 section 6): NaR for every NaN operand,
   invalid operation and x/0, no flags; a NaR has no sign. */
uint64_t fl_regime_nan_quiet (const fl_format *f, uint64_t code);
int fl_regime_nan_negative (const fl_format *src, uint64_t code);
uint64_t fl_regime_nan_canonical (const fl_format *rf, int negative, const fl_rounding *r,
                                  unsigned *flags);
uint64_t fl_regime_invalid_result (const fl_format *rf, const fl_rounding *r, unsigned *flags);
uint64_t fl_regime_divzero_result (const fl_format *rf, int negative, const fl_rounding *r,
                                   unsigned *flags);
#define FL_REGIME_SPECIAL_OPS                                   \
  .nan_quiet = fl_regime_nan_quiet,                             \
  .nan_negative = fl_regime_nan_negative,                       \
  .nan_canonical = fl_regime_nan_canonical,                     \
  .invalid_result = fl_regime_invalid_result,                   \
  .divzero_result = fl_regime_divzero_result

/* Sign handling: two's complement of the magnitude for negatives. */
static inline uint64_t
fl_regime_pack (int n, int negative, uint64_t mag)
{
  uint64_t mask = n == 64 ? UINT64_MAX : (UINT64_C(1) << n) - 1;
  return negative ? (0 - mag) & mask : mag;
}


#endif
