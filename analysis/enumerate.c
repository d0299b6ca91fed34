/* enumerate.c -- properties of a format for 'fmtlab info' and the report: counts, extreme
   values, dynamic range and the precision at 1, all found through the public format calls
   so that every family gets them for free. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <fmtlab/enumerate.h>
#include <fmtlab/grid.h>

static void
decode_into (const fl_format *f, uint64_t code, mpfr_ptr out)
{
  mpfr_init2 (out, fl_format_prec (f) + 2);
  fl_decode (f, code, out);
}

static fl_status
props_compute_impl (const fl_format *f, fl_props *p, char *err, size_t errlen)
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

/* The caller's MPFR flags and exponent range are kept (doc/engine.md). */
fl_status
fl_props_compute (const fl_format *f, fl_props *p, char *err, size_t errlen)
{
  fl_mpfr_state st;
  fl_mpfr_enter (&st);
  fl_status ret = props_compute_impl (f, p, err, errlen);
  fl_mpfr_leave (&st);
  return ret;
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

/* Log-space error bounds of one interval lo < hi with cut c: E1 = log10(c/lo) (x below
   the cut rounds to lo), E2 = log10(hi/c). */
static void
interval_errors (mpfr_srcptr lo, mpfr_srcptr hi, mpfr_srcptr c, double *E1, double *E2)
{
  mpfr_t t;
  mpfr_init2 (t, 128);
  mpfr_div (t, c, lo, MPFR_RNDN);
  mpfr_log10 (t, t, MPFR_RNDN);
  *E1 = mpfr_get_d (t, MPFR_RNDN);
  mpfr_div (t, hi, c, MPFR_RNDN);
  mpfr_log10 (t, t, MPFR_RNDN);
  *E2 = mpfr_get_d (t, MPFR_RNDN);
  mpfr_clear (t);
}

typedef struct {
  fl_accuracy_row *rows;
  size_t n, cap;
  double wsum;                 /* log-length weight of the current row */
} profile_acc;

static int
profile_add (profile_acc *a, long binade, double E1, double E2)
{
  if (!(E1 > 0) || !(E2 > 0))
    return 0;
  if (a->n == 0 || a->rows[a->n - 1].binade != binade)
    {
      if (a->n == a->cap)
        {
          size_t nc = a->cap ? 2 * a->cap : 64;
          fl_accuracy_row *nr = realloc (a->rows, nc * sizeof *nr);
          if (!nr)
            return -1;
          a->rows = nr;
          a->cap = nc;
        }
      a->rows[a->n].binade = binade;
      a->rows[a->n].worst = INFINITY;
      a->rows[a->n].mean = 0;
      a->rows[a->n].intervals = 0;
      a->n++;
      a->wsum = 0;
    }
  fl_accuracy_row *r = &a->rows[a->n - 1];
  double worst = -log10 (E1 > E2 ? E1 : E2);
  /* mean of -log10(u) for u uniform on [0, E]: -log10(E) + 1/ln 10 */
  double m = (E1 * -log10 (E1) + E2 * -log10 (E2)) / (E1 + E2) + 1 / M_LN10;
  if (worst < r->worst)
    r->worst = worst;
  double w = E1 + E2;
  r->mean = (r->mean * a->wsum + m * w) / (a->wsum + w);
  a->wsum += w;
  r->intervals += 1;
  return 0;
}

/* The binade after k in a sampled profile: every binade when there are at most
   FL_PROFILE_MAX_BINADES, else the lowest half of them (subnormals, the bottom of the
   normal range), the top eighth, and evenly spaced ones between, binade 0 among them
   (the profile of a normal binade repeats; see doc/fmtlab.1, info).  Bounds the time
   for formats of huge range. */
static long
profile_next_binade (long k, long k0, long k1)
{
  long n = k1 - k0 + 1, head = FL_PROFILE_MAX_BINADES / 2, tail = FL_PROFILE_MAX_BINADES / 8;
  if (n <= FL_PROFILE_MAX_BINADES || k + 1 < k0 + head || k + 1 > k1 - tail)
    return k + 1;
  long mid = FL_PROFILE_MAX_BINADES - head - tail;          /* binades between */
  long lo = k0 + head, hi = k1 - tail + 1;                  /* sampled in [lo, hi) */
  long step = (hi - lo + mid - 1) / mid;
  long next = k + 1 <= lo ? lo : k + step;
  if (k < 0 && next > 0)
    next = 0;                                              /* the binade of 1 is always in */
  return next < hi ? next : hi;
}

static fl_status
accuracy_profile_impl (const fl_format *f, fl_domain d, fl_accuracy_row **rows, size_t *nrows,
                     char *err, size_t errlen)
{
  profile_acc a = { NULL, 0, 0, 0 };
  mpfr_prec_t p = fl_format_prec (f) + 2 > 128 ? fl_format_prec (f) + 2 : 128;
  mpfr_t lo, hi, c;
  mpfr_inits2 (p, lo, hi, c, (mpfr_ptr) 0);
  fl_status st = FL_OK;
  if (fl_format_bits (f) <= FL_GRID_MAX_BITS && fl_format_bits (f) <= 20)
    {
      fl_grid *g;
      st = fl_grid_alloc (f, &g, err, errlen);
      if (st != FL_OK)
        goto out;
      size_t n = fl_grid_size (g);
      for (size_t i = 0; i + 1 < n; i++)
        {
          if (mpfr_sgn (fl_grid_value (g, i)) <= 0)
            continue;
          uint64_t cl = fl_grid_code (g, i), ch = fl_grid_code (g, i + 1);
          fl_decode (f, cl, lo);
          fl_decode (f, ch, hi);
          fl_format_cut (f, d, cl, ch, c);
          double E1, E2;
          interval_errors (lo, hi, c, &E1, &E2);
          if (profile_add (&a, (long) mpfr_get_exp (lo) - 1, E1, E2))
            st = FL_ENOMEM;
        }
      fl_grid_free (g);
    }
  else
    {
      /* sample intervals: for each binade from minpos to max, 64 points spread over it */
      fl_rounding dn, up;
      fl_rounding_init (&dn);
      fl_rounding_init (&up);
      dn.mode = FL_RDN;
      up.mode = FL_RUP;
      dn.overflow = up.overflow = FL_OVF_SAT;
      mpfr_t mx, mn, x;
      mpfr_inits2 (p, mx, mn, x, (mpfr_ptr) 0);
      fl_decode (f, fl_format_max_code (f), mx);
      fl_decode (f, fl_format_minpos_code (f), mn);
      long k0 = (long) mpfr_get_exp (mn) - 1, k1 = (long) mpfr_get_exp (mx) - 1;
      for (long k = k0; k <= k1 && st == FL_OK; k = profile_next_binade (k, k0, k1))
        for (int j = 0; j < 64; j++)
          {
            /* x = 2^k (1 + j/64) plus a hair, so the interval starting at 2^k is seen */
            mpfr_set_ui (x, 64 + (unsigned) j, MPFR_RNDN);
            mpfr_mul_2si (x, x, k - 6, MPFR_RNDN);
            mpfr_nextabove (x);
            uint64_t cl = fl_encode (f, x, &dn, NULL), ch = fl_encode (f, x, &up, NULL);
            if (cl == ch)
              continue;
            fl_decode (f, cl, lo);
            fl_decode (f, ch, hi);
            if (!mpfr_regular_p (lo) || !mpfr_regular_p (hi) || mpfr_sgn (lo) <= 0
                || mpfr_get_exp (lo) - 1 != k)
              continue;
            fl_format_cut (f, d, cl, ch, c);
            double E1, E2;
            interval_errors (lo, hi, c, &E1, &E2);
            if (profile_add (&a, k, E1, E2))
              st = FL_ENOMEM;
          }
      mpfr_clears (mx, mn, x, (mpfr_ptr) 0);
    }
out:
  mpfr_clears (lo, hi, c, (mpfr_ptr) 0);
  if (st != FL_OK)
    {
      free (a.rows);
      if (st == FL_ENOMEM)
        snprintf (err, errlen, "out of memory");
      return st;
    }
  *rows = a.rows;
  *nrows = a.n;
  return FL_OK;
}

/* The caller's MPFR flags and exponent range are kept (doc/engine.md). */
fl_status
fl_accuracy_profile (const fl_format *f, fl_domain d, fl_accuracy_row **rows, size_t *nrows,
                     char *err, size_t errlen)
{
  fl_mpfr_state st;
  fl_mpfr_enter (&st);
  fl_status ret = accuracy_profile_impl (f, d, rows, nrows, err, errlen);
  fl_mpfr_leave (&st);
  return ret;
}
