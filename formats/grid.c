/* grid.c -- the generic sorted-grid rounder: all finite values of a format (up to 24 bits)
   sorted, neighbours found by binary search with exact comparisons, the decision made
   with the shared rule.  It knows nothing of bit layouts: the cut points of round to
   nearest are arithmetic midpoints, or, where the family defines them otherwise (the
   regime families' bit-string rounding, the log domain), the odd codes of the family's
   (n+1)-bit format (doc/engine.md: the tie point between neighbouring posits is the
   value of the (n+1)-bit posit between them).  The tests hold every bit-level encoder to
   it.  NaN, infinite and zero inputs, overflow and negative values in unsigned formats
   are decided here too, from the codes the decoder classifies and a table of the
   families' rules written independently of the encoders (special_* below); only
   stochastic rounding between irrational neighbours (logarithmic families) is handed to
   fl_encode. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <fmtlab/grid.h>
#include "format-impl.h"
#include "round-impl.h"
#include "logdomain-impl.h"

struct fl_grid {
  const fl_format *f;
  size_t n;                 /* distinct finite values */
  mpfr_t *v;                /* sorted ascending (exact, or 256-bit for log families) */
  mpq_t *q;                 /* log families: exact log2|v| (unused for zero) */
  uint64_t *code;
  int exact;
  mpfr_t beyond_lo, beyond_hi;
  int parity_lo, parity_hi, saturating;
  int is_signed;
  fl_format *cut[2];        /* cut-point formats for the log and the linear domain */
  /* special codes, from the decoder's classes: -1 when absent */
  int64_t zero[2];          /* +0 and -0 */
  int64_t inf[2];           /* +inf and -inf */
  int64_t nan[2];           /* the smallest quiet NaN (NaR) code of each sign */
};

typedef struct {
  mpfr_t v;
  uint64_t code;
} entry;

static int
cmp_entry (const void *a, const void *b)
{
  return mpfr_cmp (((const entry *) a)->v, ((const entry *) b)->v);
}

static void
grid_free_partial (fl_grid *g, entry *e, size_t ne)
{
  for (size_t j = 0; j < ne; j++)
    mpfr_clear (e[j].v);
  free (e);
  free (g->v);
  free (g->code);
  free (g->q);
  free (g);
}

static fl_status
grid_alloc_impl (const fl_format *f, fl_grid **out, char *err, size_t errlen)
{
  *out = NULL;
  if (fl_format_bits (f) > FL_GRID_MAX_BITS)
    {
      snprintf (err, errlen, "format '%s' has %u bits; the grid rounder takes at most %d",
                fl_format_name (f), fl_format_bits (f), FL_GRID_MAX_BITS);
      return FL_ERANGE;
    }
  size_t ncodes = (size_t) fl_format_ncodes_minus1 (f) + 1;
  int exact = fl_format_is_exact (f);
  mpfr_prec_t prec = exact ? fl_format_prec (f) + 2 : 256;
  entry *e = malloc (ncodes * sizeof *e);
  fl_grid *g = calloc (1, sizeof *g);
  if (!e || !g)
    {
      free (e);
      free (g);
      snprintf (err, errlen, "out of memory");
      return FL_ENOMEM;
    }
  size_t n = 0;
  int sbit = (int) fl_format_bits (f) - 1;
  int is_signed = fl_format_is_signed (f);
  for (int s = 0; s < 2; s++)
    g->zero[s] = g->inf[s] = g->nan[s] = -1;
  for (size_t c = 0; c < ncodes; c++)
    {
      mpfr_init2 (e[n].v, prec);
      fl_class k = fl_decode (f, c, e[n].v);
      int cneg = is_signed && ((c >> sbit) & 1);
      if (k == FL_CLASS_NAN || k == FL_CLASS_NAR)
        {
          if (g->nan[cneg] < 0 && !fl_code_is_signaling (f, c))
            g->nan[cneg] = (int64_t) c;
        }
      else if (k == FL_CLASS_INF)
        g->inf[mpfr_signbit (e[n].v) != 0] = (int64_t) c;
      else if (k == FL_CLASS_ZERO)
        g->zero[mpfr_signbit (e[n].v) != 0] = (int64_t) c;
      if (k == FL_CLASS_NAN || k == FL_CLASS_NAR || k == FL_CLASS_INF
          || (k == FL_CLASS_ZERO && mpfr_signbit (e[n].v)))
        {
          mpfr_clear (e[n].v);
          continue;                 /* one zero (+0) stands for both */
        }
      e[n].code = c;
      n++;
    }
  qsort (e, n, sizeof *e, cmp_entry);
  g->f = f;
  g->n = n;
  g->exact = exact;
  g->v = malloc (n * sizeof *g->v);
  g->code = malloc (n * sizeof *g->code);
  g->q = exact ? NULL : malloc (n * sizeof *g->q);
  if (!g->v || !g->code || (!exact && !g->q))
    {
      grid_free_partial (g, e, n);
      snprintf (err, errlen, "out of memory");
      return FL_ENOMEM;
    }
  for (size_t i = 0; i < n; i++)
    if (i > 0 && mpfr_equal_p (e[i].v, e[i - 1].v))
      {
        snprintf (err, errlen, "format '%s': codes %llx and %llx decode to the same value",
                  fl_format_name (f), (unsigned long long) e[i - 1].code,
                  (unsigned long long) e[i].code);
        g->q = NULL;
        grid_free_partial (g, e, n);
        return FL_EINVAL;
      }
  for (size_t i = 0; i < n; i++)
    {
      g->v[i][0] = e[i].v[0];       /* move the value */
      g->code[i] = e[i].code;
      if (!exact)
        {
          mpq_init (g->q[i]);
          fl_decode_log2 (f, g->code[i], g->q[i]);
        }
    }
  free (e);
  g->is_signed = fl_format_is_signed (f);
  mpfr_init2 (g->beyond_lo, prec + 66);
  mpfr_init2 (g->beyond_hi, prec + 66);
  g->parity_hi = fl_format_beyond (f, 0, g->beyond_hi);
  g->parity_lo = fl_format_beyond (f, 1, g->beyond_lo);
  g->saturating = g->parity_hi < 0;
  for (int d = 0; d < 2; d++)
    {
      g->cut[d] = fl_format_cut_new (f, d ? FL_DOMAIN_LINEAR : FL_DOMAIN_LOG);
    }
  *out = g;
  return FL_OK;
}

/* The caller's MPFR flags and exponent range are kept (doc/engine.md). */
fl_status
fl_grid_alloc (const fl_format *f, fl_grid **out, char *err, size_t errlen)
{
  fl_mpfr_state st;
  fl_mpfr_enter (&st);
  fl_status ret = grid_alloc_impl (f, out, err, errlen);
  fl_mpfr_leave (&st);
  return ret;
}

void
fl_grid_free (fl_grid *g)
{
  if (!g)
    return;
  for (size_t i = 0; i < g->n; i++)
    {
      mpfr_clear (g->v[i]);
      if (g->q)
        mpq_clear (g->q[i]);
    }
  mpfr_clear (g->beyond_lo);
  mpfr_clear (g->beyond_hi);
  fl_format_free (g->cut[0]);
  fl_format_free (g->cut[1]);
  free (g->v);
  free (g->q);
  free (g->code);
  free (g);
}

size_t fl_grid_size (const fl_grid *g) { return g->n; }
mpfr_srcptr fl_grid_value (const fl_grid *g, size_t i) { return g->v[i]; }
uint64_t fl_grid_code (const fl_grid *g, size_t i) { return g->code[i]; }

/* ---- special values: the families' rules (formats.h, doc/engine.md), stated again ----
   NaN input: float formats give their NaN of that sign (the other sign's when there is
   none; code 0 with invalid when the format has no NaN); fixed point 0 with invalid;
   posits and logarithmic posits NaR with invalid; LNS its NaN with invalid.
   Infinite input and overflow: posits and logarithmic posits NaR (input) with invalid;
   the other saturating families (LNS) and fixed point the extreme value with overflow
   and inexact; float formats follow the overflow policy in force (a forced policy the
   format lacks falls back inf -> nan -> sat): the infinity, the NaN, or the extreme
   finite value with overflow and inexact.  A negative value in an unsigned float format
   is invalid: the positive NaN unless the policy is sat, else 0; in unsigned fixed point
   it saturates to 0 with overflow and inexact.  Zero input: the zero of that sign, +0
   where there is no -0; a float format without zero gives invalid and its NaN (0 under
   sat). */

static int64_t
nan_of (const fl_grid *g, int negative)
{
  return g->nan[negative] >= 0 ? g->nan[negative] : g->nan[!negative];
}

static fl_overflow
policy (const fl_grid *g, const fl_rounding *r)
{
  const fl_format *f = g->f;
  fl_overflow o = r->overflow == FL_OVF_DEFAULT ? fl_format_default_overflow (f) : r->overflow;
  if (o == FL_OVF_INF && g->inf[0] < 0)
    o = FL_OVF_NAN;
  if (o == FL_OVF_NAN && g->nan[0] < 0 && g->nan[1] < 0)
    o = FL_OVF_SAT;
  return o;
}

static uint64_t
special_nan (const fl_grid *g, int negative, unsigned *flags)
{
  switch (fl_format_family (g->f))
    {
    case FL_FAMILY_FLOAT:
      if (nan_of (g, negative) >= 0)
        return (uint64_t) nan_of (g, negative);
      *flags |= FL_FLAG_INVALID;
      return 0;
    case FL_FAMILY_FIXED:
      *flags |= FL_FLAG_INVALID;
      return 0;
    default:
      *flags |= FL_FLAG_INVALID;
      return (uint64_t) nan_of (g, negative);
    }
}

static uint64_t
special_unsigned_negative (const fl_grid *g, const fl_rounding *r, unsigned *flags)
{
  if (fl_format_family (g->f) == FL_FAMILY_FIXED)
    {
      *flags |= FL_FLAG_OVERFLOW | FL_FLAG_INEXACT;
      return 0;
    }
  *flags |= FL_FLAG_INVALID;
  if (nan_of (g, 0) >= 0 && policy (g, r) != FL_OVF_SAT)
    return (uint64_t) nan_of (g, 0);
  return 0;
}

/* An infinite value of the given sign: the input, or the result of an overflow. */
static uint64_t
special_inf (const fl_grid *g, int negative, const fl_rounding *r, unsigned *flags)
{
  fl_family fam = fl_format_family (g->f);
  if (fam == FL_FAMILY_POSIT || fam == FL_FAMILY_LOGPOSIT)
    {
      *flags |= FL_FLAG_INVALID;
      return (uint64_t) nan_of (g, 0);
    }
  if (negative && !g->is_signed)
    return special_unsigned_negative (g, r, flags);
  fl_overflow o = fam == FL_FAMILY_FLOAT ? policy (g, r) : FL_OVF_SAT;
  if (o == FL_OVF_INF)
    return (uint64_t) g->inf[negative];
  if (o == FL_OVF_NAN)
    return (uint64_t) nan_of (g, negative);
  *flags |= FL_FLAG_OVERFLOW | FL_FLAG_INEXACT;
  return negative ? g->code[0] : g->code[g->n - 1];
}

static uint64_t
special_zero (const fl_grid *g, int negative, const fl_rounding *r, unsigned *flags)
{
  if (g->zero[0] < 0)
    {
      *flags |= FL_FLAG_INVALID;
      if (nan_of (g, 0) >= 0 && policy (g, r) != FL_OVF_SAT)
        return (uint64_t) nan_of (g, 0);
      return 0;
    }
  return (uint64_t) (negative && g->zero[1] >= 0 ? g->zero[1] : g->zero[0]);
}

/* Exact comparison of a positive dyadic ax with 2^q: sign of ax - 2^q. */
static int
cmp_pow2q (mpfr_srcptr ax, mpq_srcptr q)
{
  long ex = (long) mpfr_get_exp (ax) - 1;          /* ax in [2^ex, 2^(ex+1)) */
  mpz_t fl;
  mpz_init (fl);
  mpz_fdiv_q (fl, mpq_numref (q), mpq_denref (q));
  long qf = mpz_get_si (fl);
  mpz_clear (fl);
  if (qf > ex)
    return -1;
  if (qf < ex)
    return 1;
  /* ax = S 2^X vs 2^(a/b):  S^b vs 2^(a - X b) */
  mpz_t S, rhs;
  mpz_inits (S, rhs, NULL);
  long X = mpfr_get_z_2exp (S, ax);
  unsigned long b = mpz_get_ui (mpq_denref (q));
  mpz_pow_ui (S, S, b);
  mpz_t a;
  mpz_init_set (a, mpq_numref (q));
  mpz_t xb;
  mpz_init (xb);
  mpz_set_si (xb, X);
  mpz_mul_ui (xb, xb, b);
  mpz_sub (a, a, xb);                             /* a - X b */
  int c;
  if (mpz_sgn (a) < 0)
    {
      /* S^b vs 2^-k:  S^b 2^k vs 1 */
      mpz_neg (a, a);
      mpz_mul_2exp (S, S, mpz_get_ui (a));
      c = mpz_cmp_ui (S, 1);
    }
  else
    {
      mpz_set_ui (rhs, 0);
      mpz_setbit (rhs, mpz_get_ui (a));
      c = mpz_cmp (S, rhs);
    }
  mpz_clears (S, rhs, a, xb, NULL);
  return c > 0 ? 1 : c < 0 ? -1 : 0;
}

/* Sign of x - v[i], exact. */
static int
cmp_x_entry (const fl_grid *g, mpfr_srcptr x, size_t i)
{
  if (g->exact || mpfr_zero_p (g->v[i]))
    return mpfr_cmp (x, g->v[i]);
  int sx = mpfr_sgn (x), sv = mpfr_sgn (g->v[i]);
  if (sx != sv)
    return sx > sv ? 1 : -1;
  mpfr_t ax;
  mpfr_init2 (ax, mpfr_get_prec (x));
  mpfr_abs (ax, x, MPFR_RNDN);
  int c = cmp_pow2q (ax, g->q[i]);
  mpfr_clear (ax);
  return sx > 0 ? c : -c;
}

/* Index of the largest grid value <= x, or -1 when x is below them all. */
static long
floor_index (const fl_grid *g, mpfr_srcptr x)
{
  long lo = -1, hi = (long) g->n;        /* v[lo] <= x < v[hi] */
  while (hi - lo > 1)
    {
      long mid = lo + (hi - lo) / 2;
      if (cmp_x_entry (g, x, (size_t) mid) >= 0)
        lo = mid;
      else
        hi = mid;
    }
  return lo;
}

/* The index of the entry whose value is |v[i]| (the grid is symmetric where cut formats
   exist). */
static size_t
abs_index (const fl_grid *g, size_t i)
{
  if (mpfr_sgn (g->v[i]) >= 0)
    return i;
  mpfr_t a;
  mpfr_init2 (a, mpfr_get_prec (g->v[i]));
  mpfr_abs (a, g->v[i], MPFR_RNDN);
  size_t lo = 0, hi = g->n - 1;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (mpfr_cmp (g->v[mid], a) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  mpfr_clear (a);
  return lo;
}

/* Round to nearest between the magnitudes |t| < |a| (t may be zero): sign of |x| - cut. */
static int
cmp_cut (const fl_grid *g, mpfr_srcptr ax, size_t ti, size_t ai, fl_domain d)
{
  fl_format *cf = g->cut[d == FL_DOMAIN_LINEAR];
  if (cf)
    {
      uint64_t ct = g->code[abs_index (g, ti)];
      uint64_t refined = (2 * ct + 1) & fl_format_ncodes_minus1 (cf);
      if (fl_format_is_exact (cf))
        {
          mpfr_t c;
          mpfr_init2 (c, fl_format_prec (cf) + 2);
          fl_decode (cf, refined, c);
          int r = mpfr_cmp (ax, c);
          mpfr_clear (c);
          return r;
        }
      mpq_t q;
      mpq_init (q);
      fl_decode_log2 (cf, refined, q);
      int r = cmp_pow2q (ax, q);
      mpq_clear (q);
      return r;
    }
  if (g->exact)
    {
      /* arithmetic midpoint, exactly */
      mpfr_t m;
      mpfr_init2 (m, fl_format_prec (g->f) + 2 + 70);
      mpfr_add (m, g->v[ti], g->v[ai], MPFR_RNDN);
      mpfr_abs (m, m, MPFR_RNDN);
      mpfr_div_2ui (m, m, 1, MPFR_RNDN);
      int r = mpfr_cmp (ax, m);
      mpfr_clear (m);
      return r;
    }
  return fl_cmp_linear_mid (ax, mpfr_zero_p (g->v[ti]) ? NULL : g->q[ti], g->q[ai]);
}

/* (|x| - |t|) / (|a| - |t|) as num/den, exactly, for dyadic grids. */
static void
ratio (mpfr_srcptr ax, mpfr_srcptr t, mpfr_srcptr a, mpz_ptr num, mpz_ptr den)
{
  mpfr_prec_t p = mpfr_get_prec (ax) + mpfr_get_prec (t) + mpfr_get_prec (a) + 8;
  if (!mpfr_zero_p (t))
    p += labs ((long) (mpfr_get_exp (ax) - mpfr_get_exp (t)))
         + labs ((long) (mpfr_get_exp (a) - mpfr_get_exp (t)));
  mpfr_t d, w;
  mpfr_init2 (d, p);
  mpfr_init2 (w, p);
  mpfr_abs (d, ax, MPFR_RNDN);
  mpfr_abs (w, a, MPFR_RNDN);
  if (!mpfr_zero_p (t))
    {
      mpfr_t at;
      mpfr_init2 (at, mpfr_get_prec (t));
      mpfr_abs (at, t, MPFR_RNDN);
      mpfr_sub (d, d, at, MPFR_RNDN);           /* exact */
      mpfr_sub (w, w, at, MPFR_RNDN);
      mpfr_clear (at);
    }
  long ed = mpfr_get_z_2exp (num, d);
  long ew = mpfr_get_z_2exp (den, w);
  if (ed > ew)
    mpz_mul_2exp (num, num, (mp_bitcnt_t) (ed - ew));
  else
    mpz_mul_2exp (den, den, (mp_bitcnt_t) (ew - ed));
  mpfr_clear (d);
  mpfr_clear (w);
}

static int
mode_away (fl_round_mode m, int negative)
{
  return m == FL_RNE || m == FL_RNA || m == FL_SR || (m == FL_RUP && !negative)
         || (m == FL_RDN && negative);
}

static uint64_t
grid_round_impl (const fl_grid *g, mpfr_srcptr x, const fl_rounding *r, unsigned *flags)
{
  unsigned dummy = 0;
  if (!flags)
    flags = &dummy;
  if (mpfr_nan_p (x))
    return special_nan (g, mpfr_signbit (x) != 0, flags);
  if (mpfr_inf_p (x))
    return special_inf (g, mpfr_signbit (x) != 0, r, flags);
  if (mpfr_zero_p (x))
    return special_zero (g, mpfr_signbit (x) != 0, r, flags);
  if (r->mode == FL_SR && !g->exact)
    return fl_encode (g->f, x, r, flags);
  int negative = mpfr_signbit (x) != 0;
  fl_rounding rr = *r;
  mpfr_t ax;                                 /* the value placed on the grid */
  mpfr_init2 (ax, mpfr_get_prec (x));
  mpfr_set (ax, x, MPFR_RNDN);
  if (negative && !g->is_signed)
    {
      /* round the magnitude with the mirrored mode; nonzero is invalid */
      mpfr_neg (ax, ax, MPFR_RNDN);
      if (rr.mode == FL_RUP)
        rr.mode = FL_RDN;
      else if (rr.mode == FL_RDN)
        rr.mode = FL_RUP;
    }
  int vneg = negative && g->is_signed;
  int uneg = negative && !g->is_signed;
  uint64_t result;
  long i = floor_index (g, ax);
  if (i >= 0 && cmp_x_entry (g, ax, (size_t) i) == 0)
    {
      result = uneg && !mpfr_zero_p (g->v[i]) ? special_unsigned_negative (g, r, flags) : g->code[i];
      goto done;
    }
  *flags |= FL_FLAG_INEXACT;
  /* below the lowest value */
  if (i < 0)
    {
      if (!g->is_signed || !vneg)
        {
          /* below the smallest value of a format without zero: the smallest value */
          result = uneg ? special_unsigned_negative (g, r, flags) : g->code[0];
          goto done;
        }
      if (g->saturating || mpfr_cmp (ax, g->beyond_lo) <= 0)
        {
          if (!g->saturating)
            *flags |= FL_FLAG_OVERFLOW;
          result = !g->saturating && mode_away (r->mode, 1) ? special_inf (g, 1, r, flags)
                   : g->code[0];
          goto done;
        }
    }
  /* above the largest value */
  if (i + 1 >= (long) g->n && (g->saturating || mpfr_cmp (ax, g->beyond_hi) >= 0))
    {
      if (!g->saturating && !uneg)
        *flags |= FL_FLAG_OVERFLOW;
      if (uneg)
        result = special_unsigned_negative (g, r, flags);
      else
        result = !g->saturating && mode_away (rr.mode, 0) ? special_inf (g, 0, r, flags)
                 : g->code[g->n - 1];
      goto done;
    }
  {
    /* neighbours: toward zero (t) and away from zero (a); -1 / n mean the virtual ones */
    long ti = vneg ? i + 1 : i, ai = vneg ? i : i + 1;
    int a_virtual = ai < 0 || ai >= (long) g->n;
    mpfr_srcptr tv = g->v[ti];
    mpfr_srcptr av = a_virtual ? (vneg ? g->beyond_lo : g->beyond_hi) : g->v[ai];
    int t_odd = (int) (g->code[ti] & 1);
    mpfr_t mx;
    mpfr_init2 (mx, mpfr_get_prec (ax));
    mpfr_abs (mx, ax, MPFR_RNDN);
    int up;
    if (rr.mode == FL_SR)
      {
        mpz_t num, den;
        mpz_inits (num, den, NULL);
        ratio (mx, tv, av, num, den);
        up = fl_sr_up_ratio (&rr, vneg, num, den);
        mpz_clears (num, den, NULL);
      }
    else if (rr.mode == FL_RNE || rr.mode == FL_RNA)
      {
        fl_domain d = rr.domain == FL_DOMAIN_LINEAR ? FL_DOMAIN_LINEAR : FL_DOMAIN_LOG;
        int c = a_virtual ? 0 : 2;
        if (a_virtual)
          {
            /* the virtual neighbour of a dyadic grid: arithmetic midpoint */
            mpfr_t m;
            mpfr_init2 (m, mpfr_get_prec (av) + 70);
            mpfr_add (m, tv, av, MPFR_RNDN);
            mpfr_abs (m, m, MPFR_RNDN);
            mpfr_div_2ui (m, m, 1, MPFR_RNDN);
            c = mpfr_cmp (mx, m);
            mpfr_clear (m);
          }
        else
          c = cmp_cut (g, mx, (size_t) ti, (size_t) ai, d);
        up = c > 0 || (c == 0 && (rr.mode == FL_RNA || t_odd));
      }
    else
      up = fl_round_decide (rr.mode, vneg, t_odd, 1, -1);
    mpfr_clear (mx);
    long pick = up ? ai : ti;
    if (pick < 0 || pick >= (long) g->n)
      {
        /* the virtual neighbour: overflow (IEEE 754 7.4) */
        *flags |= FL_FLAG_OVERFLOW;
        if (uneg)
          result = special_unsigned_negative (g, r, flags);
        else if (mode_away (r->mode, negative))
          result = special_inf (g, negative, r, flags);
        else
          result = negative ? g->code[0] : g->code[g->n - 1];
        goto done;
      }
    if (mpfr_zero_p (g->v[pick]) && g->f->nearest_nonzero
        && (rr.mode == FL_RNE || rr.mode == FL_RNA))
      pick = ai;                                  /* posits never round to 0 */
    if (uneg)
      result = mpfr_zero_p (g->v[pick]) ? g->code[pick] : special_unsigned_negative (g, r, flags);
    else if (mpfr_zero_p (g->v[pick]))
      result = special_zero (g, negative, r, flags);
    else
      result = g->code[pick];
  }
done:
  mpfr_clear (ax);
  return result;
}

/* The caller's MPFR flags and exponent range are kept (doc/engine.md). */
uint64_t
fl_grid_round (const fl_grid *g, mpfr_srcptr x, const fl_rounding *r, unsigned *flags)
{
  fl_mpfr_state st;
  fl_mpfr_enter (&st);
  uint64_t ret = grid_round_impl (g, x, r, flags);
  fl_mpfr_leave (&st);
  return ret;
}
