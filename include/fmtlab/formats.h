/* fmtlab/formats.h -- number formats: names, exact decode/encode, fast paths.

   A format is parsed once from its name into an immutable, thread-safe descriptor.
   Every finite value of a dyadic format is decoded exactly into an mpfr_t; encoding takes
   an exact mpfr_t and returns the correctly rounded code for the rounding mode, overflow
   policy and (for stochastic rounding) random stream given in an fl_rounding.  Nothing
   here ever rounds through a double; the *_doubles calls are the fast paths, tested
   against the exact ones. */
#ifndef FMTLAB_FORMATS_H
#define FMTLAB_FORMATS_H

#include <stddef.h>
#include <stdint.h>
#include <gmp.h>
#include <mpfr.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes: every call that can fail returns one and fills a message buffer. */
typedef enum {
  FL_OK = 0,
  FL_EINVAL,        /* malformed name, parameter or argument */
  FL_EUNSUPPORTED,  /* well-formed but not supported (e.g. overflow policy the format lacks) */
  FL_ENOMEM,
  FL_ERANGE         /* a size or value outside what the call can handle */
} fl_status;

typedef enum {
  FL_CLASS_ZERO,
  FL_CLASS_NORMAL,
  FL_CLASS_SUBNORMAL,
  FL_CLASS_INF,
  FL_CLASS_NAN,
  FL_CLASS_NAR      /* posits and logarithmic posits: Not a Real (decodes to an MPFR NaN) */
} fl_class;

typedef enum {
  FL_RNE,   /* nearest, ties to the even code */
  FL_RNA,   /* nearest, ties away from zero */
  FL_RTZ,   /* toward zero */
  FL_RUP,   /* toward +infinity */
  FL_RDN,   /* toward -infinity */
  FL_RTO,   /* truncate, then set the last bit when inexact (round to odd) */
  FL_SR     /* stochastic: up with probability equal to the distance fraction */
} fl_round_mode;
#define FL_ROUND_MODES 7

typedef enum {
  FL_OVF_DEFAULT,   /* the format's own policy */
  FL_OVF_SAT,       /* clamp to the largest finite value */
  FL_OVF_INF,       /* to infinity (IEEE rule: directed modes toward zero still give max) */
  FL_OVF_NAN        /* to NaN where IEEE would give infinity */
} fl_overflow;

typedef enum { FL_DOMAIN_DEFAULT, FL_DOMAIN_LOG, FL_DOMAIN_LINEAR } fl_domain;

/* When underflow is signalled (IEEE 754 7.5): a nonzero inexact result is tiny before
   rounding when |x| < 2^emin, after rounding when x rounded with an unbounded exponent
   range would be below 2^emin.  They differ only for results of magnitude 2^emin.
   Families without subnormals never see the difference. */
typedef enum { FL_TININESS_BEFORE, FL_TININESS_AFTER } fl_tininess;

/* How to round.  Stochastic rounding draws its random bits from a counter-based generator
   keyed by (seed, stream): the same seed and stream always give the same code, whatever
   the thread count.  Array calls use stream + i for element i. */
typedef struct {
  fl_round_mode mode;
  fl_overflow overflow;
  fl_domain domain;
  unsigned sr_bits;   /* 0: exact probability; 1..64: hardware-style SR with B random bits */
  uint64_t seed;
  uint64_t stream;
  fl_tininess tininess;   /* FL_TININESS_BEFORE unless asked */
} fl_rounding;

/* A default-initialised rounding: RNE, the format's overflow policy, seed 0, tininess
   before rounding.  Always start from it: fields may be added. */
void fl_rounding_init (fl_rounding *r);

/* Exception flags reported by the encoders (OR-ed into *flags when flags is not NULL). */
#define FL_FLAG_INEXACT   1u
#define FL_FLAG_UNDERFLOW 2u
#define FL_FLAG_OVERFLOW  4u
#define FL_FLAG_INVALID   8u   /* NaN into a format without NaN, negative into unsigned... */

typedef enum {
  FL_FAMILY_FLOAT,   /* sign/exponent/significand minifloats: ml_dtypes, IEEE, eXmY, P3109 */
  FL_FAMILY_FIXED,   /* two's complement fixed point and integers */
  FL_FAMILY_POSIT,   /* posit<n>es<es> (2022 standard and classic) */
  FL_FAMILY_LOGPOSIT,/* logarithmic posits lp<n>es<es>rs<rs>[sf<sf>] */
  FL_FAMILY_LNS,     /* logarithmic number system lns<n>f<F> */
  FL_FAMILY_BLOCK    /* a block format (fmtlab/blocks.h): only the fl_quantize_* calls */
} fl_family;

typedef struct fl_format fl_format;
typedef struct fl_block fl_block;

/* Parse a format name (see 'fmtlab formats' and the man page, FORMAT NAMES).  On error
   returns FL_EINVAL and writes a one-line message naming the bad part into err.
   Block-format names (mxfp4, mx:..., nvfp4, opal..., group:..., q8_0, q4_0, q4_1) give a
   format of family FL_FAMILY_BLOCK: fl_quantize_doubles and fl_quantize_floats quantize
   and dequantize whole blocks on it, fl_format_block gives its fl_block for the block API
   (fmtlab/blocks.h), fl_format_name its canonical name; it has no scalar codes, so the
   scalar calls (encode, decode, code properties) do not apply: fl_format_bits is 0,
   encoders return 0 with FL_FLAG_INVALID, decoders give NaN. */
fl_status fl_format_parse (const char *name, fl_format **out, char *err, size_t errlen);
/* The block format behind a format of family FL_FAMILY_BLOCK (owned by f), else NULL. */
const fl_block *fl_format_block (const fl_format *f);
void fl_format_free (fl_format *f);

const char *fl_format_name (const fl_format *f);     /* canonical name */
fl_family fl_format_family (const fl_format *f);
unsigned fl_format_bits (const fl_format *f);        /* code width */
uint64_t fl_format_ncodes_minus1 (const fl_format *f);  /* 2^bits - 1 */
mpfr_prec_t fl_format_prec (const fl_format *f);     /* precision that decodes exactly */
/* 1 when every value is a dyadic rational (decoded exactly at fl_format_prec bits); 0 for
   the logarithmic families, whose values are powers of two with fractional exponents:
   fl_decode rounds them correctly to nearest at the output's precision. */
int fl_format_is_exact (const fl_format *f);
/* Fraction bits at 1: the significand bits below the point (minifloats, posits), FL for
   fixed point, the log fraction bits for LNS and logarithmic posits. */
int fl_format_bits_at_one (const fl_format *f);
/* For the logarithmic families: code has the value (sign) 2^q, q rational; returns 1 and
   sets q, or 0 for zero, NaN/NaR and for every other family. */
int fl_decode_log2 (const fl_format *f, uint64_t code, mpq_ptr q);
int fl_format_is_signed (const fl_format *f);
fl_overflow fl_format_default_overflow (const fl_format *f);
int fl_format_has_inf (const fl_format *f);
int fl_format_has_nan (const fl_format *f);
/* Whether the forced policy is possible for this format (sat always is). */
int fl_format_overflow_ok (const fl_format *f, fl_overflow o);

/* Codes of distinguished values. */
uint64_t fl_format_max_code (const fl_format *f);        /* largest finite value */
uint64_t fl_format_lowest_code (const fl_format *f);     /* most negative finite value */
uint64_t fl_format_minpos_code (const fl_format *f);     /* smallest positive value */
/* Number of NaN (NaR) and infinity codes, from the format's definition. */
void fl_format_special_counts (const fl_format *f, long double *nan_codes,
                               long double *inf_codes);
/* Smallest positive normal; returns 0 and leaves *code alone when the family has no
   normal/subnormal distinction. */
int fl_format_minnormal_code (const fl_format *f, uint64_t *code);

/* Exact decode: out must carry at least fl_format_prec(f) bits; then the value is exact.
   NaN and infinities are set as MPFR NaN and infinities; zeros keep their sign. */
fl_class fl_decode (const fl_format *f, uint64_t code, mpfr_ptr out);

/* The exact value of a code of a dyadic format (fl_format_is_exact) as integers, without
   MPFR: (-1)^*negative * *sig * 2^*exp for zeros (sig = 0), subnormal and normal codes;
   for NaN, NaR and infinities only the class and the sign.  For the logarithmic families
   the value is 2^q: use fl_decode_log2 (here *sig = 0, the class and the sign). */
fl_class fl_unpack (const fl_format *f, uint64_t code, int *negative, uint64_t *sig, long *exp);

/* Correctly rounded encode of the exact value x. */
uint64_t fl_encode (const fl_format *f, mpfr_srcptr x, const fl_rounding *r, unsigned *flags);

/* The same, with MPFR-style ternary information: *ternary is the sign of (value of the
   code - x): 0 when exact (and for a NaN result), negative when the code lies below x,
   positive above (an infinite code counts as infinitely far).  ternary may be NULL. */
uint64_t fl_encode_t (const fl_format *f, mpfr_srcptr x, const fl_rounding *r, int *ternary,
                      unsigned *flags);

/* Correctly rounded encode of the exact dyadic value (-1)^negative * sig * 2^exp; the
   producer for exact integer arithmetic (a sticky bit may be folded in as an extra low
   bit of sig, which keeps every deterministic mode exact).  sig = 0 is a signed zero. */
uint64_t fl_encode_u64 (const fl_format *f, int negative, uint64_t sig, long exp,
                        const fl_rounding *r, unsigned *flags);
uint64_t fl_encode_z (const fl_format *f, int negative, mpz_srcptr sig, long exp,
                      const fl_rounding *r, unsigned *flags);

/* Correctly rounded encode of the exact value (-1)^negative 2^q, q rational (the result of
   a product, quotient or square root of logarithmic values: exact in the log).  Every
   mode and domain for the logarithmic families; for the dyadic families every
   deterministic mode (and sr when q is an integer).  Returns FL_EUNSUPPORTED with a
   message for sr of an irrational value into a dyadic format. */
fl_status fl_encode_log2 (const fl_format *f, int negative, mpq_srcptr q, const fl_rounding *r,
                          uint64_t *code, unsigned *flags, char *err, size_t errlen);
/* The same for the exact sum x = sum_{i<n} (-1)^neg[i] 2^q[i] (sums of logarithmic values).
   Decided exactly: 2^(j/N) are linearly independent over Q, so x = 0, x dyadic and x a
   single power of two are recognised exactly; otherwise x is irrational and interval
   evaluation at doubling precision decides, with exact tie tests (linear-domain
   midpoints) by the same rule.  An exact zero is +0 (-0 under rdn). */
fl_status fl_encode_pow2sum (const fl_format *f, size_t n, const int *neg,
                             mpq_srcptr const *q, const fl_rounding *r, uint64_t *code,
                             unsigned *flags, char *err, size_t errlen);

/* The value the unbounded grid of the format would have just beyond its largest
   (negative = 0) or most negative (negative = 1) finite value: rounding to it means
   overflow.  Returns the parity of that virtual code, so ties can be broken to even. */
int fl_format_beyond (const fl_format *f, int negative, mpfr_ptr out);

/* The round-to-nearest cut point between the neighbouring values of codes lo and hi (both
   finite and positive, lo below hi) in a domain: the arithmetic midpoint, the geometric
   one (logarithmic families' log domain), or the family's own (posits: the value of the
   (n+1)-bit posit between them).  Rounded to nearest at out's precision. */
void fl_format_cut (const fl_format *f, fl_domain d, uint64_t lo, uint64_t hi, mpfr_ptr out);

/* Fast paths: doubles to codes and back, no MPFR inside.  Equal to fl_encode for every
   input (the tests prove it); fl_decode_doubles gives the nearest double (exact for every
   format whose values are doubles).  The array calls here and below use the OpenMP
   threads on arrays of 2^16 elements or more, except when called inside a parallel region;
   their results do not depend on the number of threads. */
void fl_encode_doubles (const fl_format *f, const double *x, uint64_t *codes, size_t n,
                        const fl_rounding *r, unsigned *flags);
void fl_decode_doubles (const fl_format *f, const uint64_t *codes, double *x, size_t n);

/* The same with codes in narrow arrays, so that an FP8 tensor takes one byte per element:
   uint8_t codes for formats of at most 8 bits, uint16_t up to 16, uint32_t up to 32.  A
   format wider than the array's code gives FL_ERANGE and leaves the outputs untouched;
   otherwise FL_OK, with exactly the codes and doubles of the uint64_t calls. */
fl_status fl_encode_doubles_u8 (const fl_format *f, const double *x, uint8_t *codes,
                                size_t n, const fl_rounding *r, unsigned *flags);
fl_status fl_encode_doubles_u16 (const fl_format *f, const double *x, uint16_t *codes,
                                 size_t n, const fl_rounding *r, unsigned *flags);
fl_status fl_encode_doubles_u32 (const fl_format *f, const double *x, uint32_t *codes,
                                 size_t n, const fl_rounding *r, unsigned *flags);
fl_status fl_decode_doubles_u8 (const fl_format *f, const uint8_t *codes, double *x,
                                size_t n);
fl_status fl_decode_doubles_u16 (const fl_format *f, const uint16_t *codes, double *x,
                                 size_t n);
fl_status fl_decode_doubles_u32 (const fl_format *f, const uint32_t *codes, double *x,
                                 size_t n);

/* fl_encode_doubles with the ternary of each element (as fl_encode_t) in ternary[i]. */
void fl_encode_doubles_t (const fl_format *f, const double *x, uint64_t *codes,
                          int8_t *ternary, size_t n, const fl_rounding *r, unsigned *flags);

/* Fused fake-quantize: y[i] = the value of the code that x[i] rounds to (the nearest
   double/float of it for the logarithmic families), without a code array in between;
   element i uses stream r->stream + i.  Equal to fl_encode_doubles then
   fl_decode_doubles.  x and y may be the same array.
   A block format (FL_FAMILY_BLOCK) quantizes x in blocks of k consecutive values (the last
   one shorter when k does not divide n) and y gets the nearest double (float: that double
   rounded to float) of each dequantized value: fl_block_quantize_doubles then
   fl_block_dequantize_doubles.  What the block calls refuse (stochastic rounding of NVFP4
   and groups, memory) gives NaN values and FL_FLAG_INVALID. */
void fl_quantize_doubles (const fl_format *f, const double *x, double *y, size_t n,
                          const fl_rounding *r, unsigned *flags);
void fl_quantize_floats (const fl_format *f, const float *x, float *y, size_t n,
                         const fl_rounding *r, unsigned *flags);

/* fl_quantize_* with the ternary of each element: the sign of (value of the code - x[i])
   for the exact value of the code (not of its nearest double), as fl_encode_t.  For a
   block format: the sign of (y[i] - x[i]) (0 for NaN). */
void fl_quantize_doubles_t (const fl_format *f, const double *x, double *y, int8_t *ternary,
                            size_t n, const fl_rounding *r, unsigned *flags);
void fl_quantize_floats_t (const fl_format *f, const float *x, float *y, int8_t *ternary,
                           size_t n, const fl_rounding *r, unsigned *flags);

/* Round to odd (doc/engine.md): y was computed toward zero with MPFR ternary value t;
   when t != 0 its last bit is forced to 1 (away from zero when it was 0).  Any later
   rounding of y to at most prec(y) - 2 bits is then the correct rounding of the exact
   value in every deterministic mode. */
void fl_round_odd (mpfr_ptr y, int t);

/* The counter-based generator of stochastic rounding (Philox4x32-10): the k-th 64-bit
   draw of stream 'stream' under 'seed', a pure function of its arguments. */
uint64_t fl_random_u64 (uint64_t seed, uint64_t stream, uint64_t k);

/* Special values in arithmetic: each family's own rules (doc/engine.md).  The operation
   rules (which operations are invalid, IEEE 754 7.2; an fma(0, inf, NaN) raising invalid)
   are the caller's; what a NaN, an invalid result or a division by zero looks like in a
   format, and which flags it raises, is the family's:
   - float family (IEEE 754): NaNs propagate quieted (top significand bit set in IEEE-like
     formats); an invalid operation gives the canonical quiet NaN (positive) with invalid,
     code 0 with invalid where the format has no NaN; x/0 is the signed infinity through
     the overflow policy, with divide-by-zero.
   - fixed point and integers: the float rules with no NaN (invalid: 0; x/0 saturates).
   - LNS: the float rules with the format's NaN; x/0 saturates (no infinity).
   - posits and logarithmic posits: NaR for every NaN operand, invalid operation and x/0,
     without flags; a NaR converted to another format is its positive NaN. */
#ifndef FL_FLAG_DIVBYZERO
# define FL_FLAG_DIVBYZERO 16u   /* divide-by-zero (IEEE "infinite") */
#endif
/* Whether code is a signaling NaN of f (IEEE-like layouts: top significand bit clear):
   an operation reading it raises invalid. */
int fl_code_is_signaling (const fl_format *f, uint64_t code);
/* The result of an operation on f whose first NaN (NaR) operand is code of f itself. */
uint64_t fl_nan_propagate (const fl_format *f, uint64_t code);
/* The result in rf of converting the NaN (NaR) code of format src. */
uint64_t fl_nan_convert (const fl_format *rf, const fl_format *src, uint64_t code,
                         const fl_rounding *r, unsigned *flags);
/* The result in rf of an invalid operation (0/0, inf - inf, 0 * inf, sqrt(x < 0)...). */
uint64_t fl_invalid_result (const fl_format *rf, const fl_rounding *r, unsigned *flags);
/* The result in rf of x/0 for a finite nonzero x; negative: the sign of the quotient. */
uint64_t fl_divzero_result (const fl_format *rf, int negative, const fl_rounding *r,
                            unsigned *flags);

/* The caller's MPFR state.  Every fmtlab call leaves the thread's MPFR flags and exponent
   range as it found them (MPFR's own MPFR_SAVE_EXPO discipline) and computes in the
   widest range.  Library code that computes with MPFR brackets its work with these. */
typedef struct {
  mpfr_flags_t flags;
  mpfr_exp_t emin, emax;
} fl_mpfr_state;
void fl_mpfr_enter (fl_mpfr_state *s);       /* save, then set the widest range */
void fl_mpfr_leave (const fl_mpfr_state *s); /* restore range and flags */

/* Names and words. */
const char *fl_class_name (fl_class c);
const char *fl_round_mode_name (fl_round_mode m);
int fl_round_mode_parse (const char *s, fl_round_mode *m);        /* 0 on success */
const char *fl_overflow_name (fl_overflow o);
int fl_overflow_parse (const char *s, fl_overflow *o);            /* 0 on success */

/* Value parsing and printing. */
/* Parse a decimal or hexadecimal real ("0x1.8p-3", "1e-30", "inf", "nan") into x, setting
   x's precision so that hexfloats are exact and decimals carry at least 'min_prec' bits with
   a sticky last bit (round to odd), which makes every deterministic rounding to a format
   of at most min_prec - 2 bits exact.  Returns 0, or -1 for malformed text or an exponent
   beyond MPFR's range. */
int fl_parse_real (mpfr_ptr x, const char *s, mpfr_prec_t min_prec);
/* C99 hexfloat of x ("0x1.cp+8", "-0x0p+0", "inf", "nan"); x rounded to nearest at
   'prec' bits first when prec > 0.  Returns the length, as snprintf. */
int fl_hexfloat (char *buf, size_t size, mpfr_srcptr x, mpfr_prec_t prec);

/* Format catalogue, for 'fmtlab formats'. */
typedef struct {
  const char *name;        /* preset name or syntax */
  const char *family;
  const char *description;
} fl_catalogue_entry;
const fl_catalogue_entry *fl_format_catalogue (size_t *n);

#ifdef __cplusplus
}
#endif
#endif
