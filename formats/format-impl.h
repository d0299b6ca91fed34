/* format-impl.h -- internal: the format descriptor and the family interface.

   A family implements decode, encode (exact, from an mpfr_t), the fast paths and its
   properties; format.c dispatches the public calls here.  Not installed. */
#ifndef FL_FORMAT_IMPL_H
#define FL_FORMAT_IMPL_H

#include <gmp.h>
#include <fmtlab/formats.h>

struct fl_mag_s;
struct fl_p2sum_s;

/* Where a float family keeps its NaN and infinity codes. */
typedef enum {
  FL_NAN_NONE,      /* every code finite (or only infinities) */
  FL_NAN_IEEE,      /* exponent all ones, significand not zero */
  FL_NAN_ALLONES,   /* magnitude all ones, either sign (fn; fnu and P3109 unsigned) */
  FL_NAN_NEGZERO    /* sign set, magnitude zero: the only NaN, no -0 (fnuz, P3109 signed) */
} fl_nan_kind;

typedef enum {
  FL_INF_NONE,
  FL_INF_IEEE,       /* exponent all ones, significand zero */
  FL_INF_ALLONES,    /* magnitude all ones (P3109 signed extended) */
  FL_INF_BELOWNAN    /* magnitude all ones minus one (P3109 unsigned extended) */
} fl_inf_kind;

typedef struct {
  int E, M;           /* exponent bits, trailing significand bits */
  long bias;
  int is_signed;
  int ef0_normal;     /* exponent field 0 is a normal binade: no zero, no subnormals (e8m0fnu) */
  fl_nan_kind nan_kind;
  fl_inf_kind inf_kind;
  long emin;          /* exponent of the smallest normal binade */
  long emax;          /* exponent of the largest finite value */
  uint64_t maxmag;    /* largest finite magnitude code */
  uint64_t magmask;   /* all magnitude bits */
  int has_negzero;
} fl_float_params;

typedef struct {
  int W;              /* total bits */
  int FL;             /* fraction bits: value = code * 2^-FL */
  int is_signed;      /* two's complement when set */
} fl_fixed_params;

/* Posits (rs = n-1, sf = 0) and logarithmic posits: regime run capped at rs, scale
   factor sf = sf_num / sf_den (reduced). */
typedef struct {
  int n, es, rs;
  long sf_num;
  long sf_den;
} fl_regime_params;

typedef struct {
  int n;              /* 1 sign bit + (n-1)-bit two's complement log2 */
  int F;              /* fraction bits of the log */
} fl_lns_params;

/* The family contract (doc/engine.md).  Every family rounds in exactly one place,
   round_pack; everything else is a producer of its input or a consumer of unpack. */
typedef struct fl_family_ops {
  fl_family family;
  fl_class (*decode) (const fl_format *f, uint64_t code, mpfr_ptr out);
  /* The exact value of a code: (-1)^negative * sig * 2^exp with sig an integer (0 for a
     zero); the class says zero, finite, infinite or NaN/NaR (then sig, exp unset).
     Dyadic families; the logarithmic ones give decode_log2 instead (NULL here). */
  fl_class (*unpack) (const fl_format *f, uint64_t code, int *negative, uint64_t *sig,
                      long *exp);
  /* NaN, infinity or zero input. */
  uint64_t (*encode_special) (const fl_format *f, fl_class c, int negative, const fl_rounding *r,
                              unsigned *flags);
  /* Round the nonzero magnitude m (sig * 2^X, the whole exact value: the discarded part
     is every bit below the family's quantum) with sign 'negative' to a code, in every
     mode of r (sr: fl_sr_decide; tininess: r->tininess), under the overflow policy; the
     flags it raises.  tmp: scratch for magnitudes wider than 64 bits.  The dispatcher
     fl_round_pack adds the ternary value. */
  uint64_t (*round_pack) (const fl_format *f, int negative, const struct fl_mag_s *m,
                          const fl_rounding *r, unsigned *flags, mpz_ptr tmp);
  /* Special values in arithmetic (formats.h, doc/engine.md); NULL: the IEEE-shaped
     defaults of format.c (no signaling NaNs, NaN codes unchanged, the NaN's sign bit,
     invalid and x/0 through fl_encode of NaN and of the signed infinity). */
  int (*code_signaling) (const fl_format *f, uint64_t code);
  uint64_t (*nan_quiet) (const fl_format *f, uint64_t code);
  int (*nan_negative) (const fl_format *src, uint64_t code);
  uint64_t (*nan_canonical) (const fl_format *rf, int negative, const fl_rounding *r,
                             unsigned *flags);
  uint64_t (*invalid_result) (const fl_format *rf, const fl_rounding *r, unsigned *flags);
  uint64_t (*divzero_result) (const fl_format *rf, int negative, const fl_rounding *r,
                              unsigned *flags);
  int (*beyond) (const fl_format *f, int negative, mpfr_ptr out);
  void (*encode_doubles) (const fl_format *f, const double *x, uint64_t *codes, size_t n,
                          const fl_rounding *r, unsigned *flags);
  void (*decode_doubles) (const fl_format *f, const uint64_t *codes, double *x, size_t n);
  /* NULL: the generic array paths through MPFR (format.c) */
  uint64_t (*max_code) (const fl_format *f);
  uint64_t (*lowest_code) (const fl_format *f);
  uint64_t (*minpos_code) (const fl_format *f);
  int (*minnormal_code) (const fl_format *f, uint64_t *code);
  int (*bits_at_one) (const fl_format *f);
  /* Logarithmic families only (else NULL): the log-domain twin of unpack, the one reading
     of a code's bit string.  A nonzero finite code has |value| = 2^(L / 2^k - sf), L and k
     integers, sf the format's constant offset (fl_log_offset: LNS none, logarithmic posits
     their scale factor sf_num / sf_den); so LNS codes read |v| = 2^(L / 2^F) and a
     logarithmic posit |v| = 2^((L * sf_den - sf_num * 2^k) / (sf_den * 2^k)).  The class
     says zero, finite or NaN/NaR (then L, k unset). */
  fl_class (*unpack_log) (const fl_format *f, uint64_t code, int *negative, int64_t *L,
                          int *k);
  /* Logarithmic families only: the exact log2 of |value| of a code (from unpack_log). */
  int (*decode_log2) (const fl_format *f, uint64_t code, mpq_ptr q);
  /* The neighbouring format whose odd codes are the round-to-nearest cut points of this
     one in a domain (regime families and LNS: the one with a bit more), built by its
     constructor into *out; returns 0 when there is none (then: arithmetic midpoints). */
  int (*cut_format) (const fl_format *f, fl_domain d, fl_format *out);
  /* Logarithmic families only: round the magnitude |x| given as a normalised, positive,
     nonzero exact sum of powers of two (logdomain-impl.h), every mode, both domains. */
  uint64_t (*round_sum) (const fl_format *f, int negative, const struct fl_p2sum_s *x,
                         const fl_rounding *r, unsigned *flags);
  /* A family's own fl_quantize_doubles (x -> value of the rounded code), else NULL:
     block formats (block-format.c) quantize whole blocks through it; a scalar family may
     give a fused path; format.c otherwise uses round_pack then unpack for the dyadic
     families, encode + decode for the others. */
  void (*quantize_doubles) (const fl_format *f, const double *x, double *y, size_t n,
                            const fl_rounding *r, unsigned *flags);
  /* Block formats only, else NULL: fl_quantize_floats over whole blocks, and what
     fl_format_free releases besides the descriptor. */
  void (*quantize_floats) (const fl_format *f, const float *x, float *y, size_t n,
                           const fl_rounding *r, unsigned *flags);
  void (*release) (fl_format *f);
} fl_family_ops;

/* round_pack of any family with its ternary value (the sign of code - x, exact: from
   unpack, or from decode_log2 for the logarithmic families); ternary may be NULL. */
uint64_t fl_round_pack (const fl_format *f, int negative, const struct fl_mag_s *m,
                        const fl_rounding *r, int *ternary, unsigned *flags, mpz_ptr tmp);

/* The ternary value of a code for the exact value (-1)^negative * m (m NULL: zero). */
int fl_code_ternary (const fl_format *f, uint64_t code, int negative, const struct fl_mag_s *m);

/* The double of every code of a format of <= 16 bits, built once and cached in the
   descriptor (format.c), when a call of n values pays for it; NULL otherwise. */
const double *fl_decode_table (const fl_format *f, size_t n);

/* fl_quantize_doubles of a scalar family with unpack or unpack_log, element by element
   through its round_pack (every mode, element i on stream r->stream + i): the exact path
   that table-driven fused paths (cuts.c) fall back to. */
void fl_quantize_exact (const fl_format *f, const double *x, double *y, size_t n,
                        const fl_rounding *r, unsigned *flags);

/* fl_encode_pow2sum on a normalised sum (logdomain-impl.h's fl_p2sum). */
fl_status fl_encode_p2sum (const fl_format *f, const struct fl_p2sum_s *s, const fl_rounding *r,
                           uint64_t *code, unsigned *flags, char *err, size_t errlen);

struct fl_format {
  const fl_family_ops *ops;
  char name[96];
  unsigned bits;
  mpfr_prec_t prec;
  fl_overflow default_overflow;
  int has_inf, has_nan;
  int exact;            /* every value dyadic */
  int nearest_nonzero;  /* nearest modes never round a nonzero value to 0 (posits, LP) */
  int saturating;       /* no overflow: beyond the largest value is the largest value */
  /* Formats of <= 16 bits: the double of every code, built by the first long narrow
     decode (format.c), shared by the threads, freed by fl_format_free; NULL until then.
     Read and set with atomic operations only. */
  double *decode_table;
  union {
    fl_float_params fp;
    fl_fixed_params fx;
    fl_regime_params rg;
    fl_lns_params lns;
    struct fl_block *block;   /* FL_FAMILY_BLOCK */
  } u;
  /* Posits, LP, LNS: the cut tables of cuts.c, built on first use (descriptors are
     calloc'ed, so NULL until then; freed by the family's release). */
  struct fl_cuts *cuts;
};

/* cuts.c: the array paths of posits, logarithmic posits and LNS (table-driven up to 16
   bits in the deterministic modes, else exact per element), and their release. */
void fl_cuts_encode_doubles (const fl_format *f, const double *x, uint64_t *codes, size_t n,
                             const fl_rounding *r, unsigned *flags);
void fl_cuts_quantize_doubles (const fl_format *f, const double *x, double *y, size_t n,
                               const fl_rounding *r, unsigned *flags);
void fl_cuts_release (fl_format *f);

extern const fl_family_ops fl_float_ops;
extern const fl_family_ops fl_fixed_ops;
extern const fl_family_ops fl_posit_ops;
extern const fl_family_ops fl_logposit_ops;
extern const fl_family_ops fl_lns_ops;

/* The scalar format parser (registry.c); fl_format_parse (block-format.c) adds the block
   names on top of it. */
fl_status fl_scalar_format_parse (const char *name, fl_format **out, char *err, size_t errlen);

/* Constructors used by the registry; return FL_EINVAL with a message on bad parameters. */
fl_status fl_float_init (fl_format *f, int E, int M, long bias, int is_signed, int ef0_normal,
                         fl_nan_kind nk, fl_inf_kind ik, char *err, size_t errlen);
fl_status fl_fixed_init (fl_format *f, int W, int FL, int is_signed, char *err, size_t errlen);
fl_status fl_posit_init (fl_format *f, int n, int es, char *err, size_t errlen);
fl_status fl_logposit_init (fl_format *f, int n, int es, int rs, long sf_num, long sf_den,
                            char *err, size_t errlen);
fl_status fl_lns_init (fl_format *f, int n, int F, char *err, size_t errlen);

/* A new format from cut_format, or NULL (free with fl_format_free). */
fl_format *fl_format_cut_new (const fl_format *f, fl_domain d);

/* The constant offset sf = num / den (den > 0) of a logarithmic family's unpack_log. */
static inline void
fl_log_offset (const fl_format *f, long *num, long *den)
{
  *num = f->ops->family == FL_FAMILY_LOGPOSIT ? f->u.rg.sf_num : 0;
  *den = f->ops->family == FL_FAMILY_LOGPOSIT ? f->u.rg.sf_den : 1;
}

/* beyond() of the saturating families (posits, LP, LNS): no virtual neighbour. */
int fl_saturating_beyond (const fl_format *f, int negative, mpfr_ptr out);

/* The overflow policy actually in force for r on f: a forced policy the format cannot
   express (inf without infinities, nan without NaN) falls back to nan, then sat; the CLI
   refuses such combinations before they get here (fl_format_overflow_ok). */
static inline fl_overflow
fl_overflow_effective (const fl_format *f, const fl_rounding *r)
{
  fl_overflow o = r->overflow == FL_OVF_DEFAULT ? f->default_overflow : r->overflow;
  if (o == FL_OVF_INF && !f->has_inf)
    o = FL_OVF_NAN;
  if (o == FL_OVF_NAN && !f->has_nan)
    o = FL_OVF_SAT;
  return o;
}

#endif
