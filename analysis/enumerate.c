/* enumerate.c -- properties of a format for 'fmtlab info' and the report: counts, extreme
   values, dynamic range and the precision at 1, all found through the public format calls
   so that every family gets them for free. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <fmtlab/enumerate.h>

static void
decode_into (const fl_format *f, uint64_t code, mpfr_ptr out)
{
  mpfr_init2 (out, fl_format_prec (f) + 2);
  fl_decode (f, code, out);
}

fl_status
fl_props_compute (const fl_format *f, fl_props *p, char *err, size_t errlen)
{
  p->bits = fl_format_bits (f);
  p->codes = ldexpl (1.0L, (int) p->bits);
  fl_format_special_counts (f, &p->nan_codes, &p->inf_codes);
  p->finite_codes = p->codes - p->nan_codes - p->inf_codes;
  decode_into (f, fl_format_max_code (f), p->max);
  decode_into (f, fl_format_lowest_code (f), p->lowest);
  decode_into (f, fl_format_minpos_code (f), p->minpos);
  /* a signed format with a zero code whose sign flip is also a zero has -0 */
  mpfr_t z;
  mpfr_init2 (z, fl_format_prec (f) + 2);
  p->has_negzero = 0;
  if (fl_format_is_signed (f))
    {
      mpfr_set_zero (z, -1);
      fl_rounding r;
      fl_rounding_init (&r);
      uint64_t c = fl_encode (f, z, &r, NULL);
      fl_class k = fl_decode (f, c, z);
      p->has_negzero = k == FL_CLASS_ZERO && mpfr_signbit (z);
    }
  p->distinct_finite = p->finite_codes - (p->has_negzero ? 1 : 0);
  uint64_t mn;
  p->has_minnormal = fl_format_minnormal_code (f, &mn);
  decode_into (f, p->has_minnormal ? mn : fl_format_minpos_code (f), p->minnormal);
  /* the gap above 1: the smallest value >= 1, then the next one up */
  fl_rounding up;
  fl_rounding_init (&up);
  up.mode = FL_RUP;
  up.overflow = FL_OVF_SAT;
  mpfr_init2 (p->ulp1, fl_format_prec (f) + 2);
  p->has_ulp1 = 0;
  mpfr_t one, u, next;
  mpfr_init2 (one, 2);
  mpfr_set_ui (one, 1, MPFR_RNDN);
  mpfr_init2 (u, fl_format_prec (f) + 2);
  mpfr_init2 (next, fl_format_prec (f) + 2);
  uint64_t c1 = fl_encode (f, one, &up, NULL);
  fl_decode (f, c1, u);
  if (mpfr_number_p (u) && mpfr_cmp_ui (u, 1) >= 0 && !mpfr_equal_p (u, p->max))
    {
      mpfr_t probe;
      mpfr_init2 (probe, fl_format_prec (f) + 300);
      mpfr_set (probe, u, MPFR_RNDN);
      mpfr_nextabove (probe);
      fl_decode (f, fl_encode (f, probe, &up, NULL), next);
      mpfr_clear (probe);
      mpfr_prec_round (p->ulp1, fl_format_prec (f) + 2 + 64, MPFR_RNDN);
      mpfr_sub (p->ulp1, next, u, MPFR_RNDN);
      p->has_ulp1 = 1;
    }
  mpfr_clear (one);
  mpfr_clear (u);
  mpfr_clear (next);
  mpfr_clear (z);
  /* dynamic range: log2(max / minpos) */
  mpfr_t q;
  mpfr_init2 (q, 64);
  mpfr_div (q, p->max, p->minpos, MPFR_RNDN);
  mpfr_log2 (q, q, MPFR_RNDN);
  p->range_binades = mpfr_get_d (q, MPFR_RNDN);
  p->range_decades = p->range_binades * 0.30102999566398119521;
  mpfr_clear (q);
  (void) err;
  (void) errlen;
  return FL_OK;
}

void
fl_props_clear (fl_props *p)
{
  mpfr_clear (p->max);
  mpfr_clear (p->lowest);
  mpfr_clear (p->minpos);
  mpfr_clear (p->minnormal);
  mpfr_clear (p->ulp1);
}
