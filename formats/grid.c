/* grid.c -- the generic sorted-grid rounder: all finite values of a format (up to 24 bits)
   sorted, neighbours found by binary search, the decision made on the exact distance
   fraction with the shared rule.  It knows nothing of bit layouts; the tests hold every
   bit-level encoder to it.  NaN, infinite and zero inputs carry no rounding and are handed
   to the format's own policy (fl_encode), and so is the result of an overflow. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <fmtlab/grid.h>
#include "format-impl.h"
#include "round-impl.h"

struct fl_grid {
  const fl_format *f;
  size_t n;                 /* distinct finite values */
  mpfr_t *v;                /* sorted ascending */
  uint64_t *code;
  mpfr_t beyond_lo, beyond_hi;
  int parity_lo, parity_hi;
  int is_signed;
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

fl_status
fl_grid_alloc (const fl_format *f, fl_grid **out, char *err, size_t errlen)
{
  *out = NULL;
  if (fl_format_bits (f) > FL_GRID_MAX_BITS)
    {
      snprintf (err, errlen, "format '%s' has %u bits; the grid rounder takes at most %d",
                fl_format_name (f), fl_format_bits (f), FL_GRID_MAX_BITS);
      return FL_ERANGE;
    }
  size_t ncodes = (size_t) fl_format_ncodes_minus1 (f) + 1;
  mpfr_prec_t prec = fl_format_prec (f) + 2;
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
  for (size_t c = 0; c < ncodes; c++)
    {
      mpfr_init2 (e[n].v, prec);
      fl_class k = fl_decode (f, c, e[n].v);
      if (k == FL_CLASS_NAN || k == FL_CLASS_INF || (k == FL_CLASS_ZERO && mpfr_signbit (e[n].v)))
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
  g->v = malloc (n * sizeof *g->v);
  g->code = malloc (n * sizeof *g->code);
  if (!g->v || !g->code)
    {
      for (size_t i = 0; i < n; i++)
        mpfr_clear (e[i].v);
      free (e);
      free (g->v);
      free (g->code);
      free (g);
      snprintf (err, errlen, "out of memory");
      return FL_ENOMEM;
    }
  for (size_t i = 0; i < n; i++)
    {
      if (i > 0 && mpfr_equal_p (e[i].v, e[i - 1].v))
        {
          snprintf (err, errlen, "format '%s': codes %llx and %llx decode to the same value",
                    fl_format_name (f), (unsigned long long) e[i - 1].code,
                    (unsigned long long) e[i].code);
          for (size_t j = 0; j < n; j++)
            mpfr_clear (e[j].v);
          free (e);
          free (g->v);
          free (g->code);
          free (g);
          return FL_EINVAL;
        }
      g->v[i][0] = e[i].v[0];       /* move the value */
      g->code[i] = e[i].code;
    }
  free (e);
  g->is_signed = fl_format_is_signed (f);
  mpfr_init2 (g->beyond_lo, prec + 66);
  mpfr_init2 (g->beyond_hi, prec + 66);
  g->parity_hi = fl_format_beyond (f, 0, g->beyond_hi);
  g->parity_lo = fl_format_beyond (f, 1, g->beyond_lo);
  *out = g;
  return FL_OK;
}

void
fl_grid_free (fl_grid *g)
{
  if (!g)
    return;
  for (size_t i = 0; i < g->n; i++)
    mpfr_clear (g->v[i]);
  mpfr_clear (g->beyond_lo);
  mpfr_clear (g->beyond_hi);
  free (g->v);
  free (g->code);
  free (g);
}

size_t fl_grid_size (const fl_grid *g) { return g->n; }
mpfr_srcptr fl_grid_value (const fl_grid *g, size_t i) { return g->v[i]; }
uint64_t fl_grid_code (const fl_grid *g, size_t i) { return g->code[i]; }

/* The policy's code for a non-finite or zero input of the given sign. */
static uint64_t
policy_code (const fl_grid *g, int sign_neg, int inf, const fl_rounding *r, unsigned *flags)
{
  mpfr_t s;
  mpfr_init2 (s, 2);
  if (inf)
    mpfr_set_inf (s, sign_neg ? -1 : 1);
  else
    mpfr_set_zero (s, sign_neg ? -1 : 1);
  uint64_t c = fl_encode (g->f, s, r, flags);
  mpfr_clear (s);
  return c;
}

/* Index of the largest grid value <= x, or -1 when x is below them all. */
static long
floor_index (const fl_grid *g, mpfr_srcptr x)
{
  long lo = -1, hi = (long) g->n;        /* v[lo] <= x < v[hi] */
  while (hi - lo > 1)
    {
      long mid = lo + (hi - lo) / 2;
      if (mpfr_cmp (g->v[mid], x) <= 0)
        lo = mid;
      else
        hi = mid;
    }
  return lo;
}

/* The exact fraction |x - t| / |a - t| as F / 2^len (a - t is a power of two for every
   dyadic grid: checked). */
static void
distance_fraction (mpfr_srcptr x, mpfr_srcptr t, mpfr_srcptr a, mpz_ptr F, fl_frac *fr)
{
  mpfr_prec_t px = mpfr_get_prec (x), pt = mpfr_get_prec (t), pa = mpfr_get_prec (a);
  mpfr_prec_t p = px + pt + pa + 8;
  if (!mpfr_zero_p (t))
    {
      long span = labs ((long) (mpfr_get_exp (x) - mpfr_get_exp (t)));
      p += span;
    }
  mpfr_t d, w;
  mpfr_init2 (d, p);
  mpfr_init2 (w, pa + pt + 8 + (mpfr_zero_p (t) ? 0 : labs ((long) (mpfr_get_exp (a) - mpfr_get_exp (t)))));
  mpfr_sub (d, x, t, MPFR_RNDN);            /* exact at this precision */
  mpfr_sub (w, a, t, MPFR_RNDN);
  mpfr_abs (d, d, MPFR_RNDN);
  mpfr_abs (w, w, MPFR_RNDN);
  mpz_t zw;
  mpz_init (zw);
  long ew = mpfr_get_z_2exp (zw, w);
  if (mpz_popcount (zw) != 1)
    abort ();                                /* neighbours of a dyadic grid differ by 2^k */
  long k = ew + (long) mpz_scan1 (zw, 0);
  long ed = mpfr_get_z_2exp (F, d);
  /* fraction = F * 2^ed / 2^k */
  if (ed - k >= 0)
    abort ();                                /* x is strictly between t and a */
  fr->big = F;
  fr->small = 0;
  fr->len = (unsigned long) (k - ed);
  mpz_clear (zw);
  mpfr_clear (d);
  mpfr_clear (w);
}

uint64_t
fl_grid_round (const fl_grid *g, mpfr_srcptr x, const fl_rounding *r, unsigned *flags)
{
  unsigned dummy = 0;
  if (!flags)
    flags = &dummy;
  if (mpfr_nan_p (x) || mpfr_inf_p (x) || mpfr_zero_p (x))
    return fl_encode (g->f, x, r, flags);
  int negative = mpfr_signbit (x) != 0;
  fl_rounding rr = *r;
  mpfr_t ax;
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
  int vneg = negative && g->is_signed;     /* sign of the value we place on the grid */
  long i = floor_index (g, ax);
  uint64_t code;
  if (i >= 0 && mpfr_equal_p (g->v[i], ax))
    {
      code = g->code[i];
      mpfr_clear (ax);
      if (negative && !g->is_signed && !mpfr_zero_p (g->v[i]))
        return policy_code (g, 1, 1, r, flags);
      return code;
    }
  /* lower and upper neighbours, possibly the virtual ones beyond the ends */
  mpfr_srcptr lo, hi;
  int lo_virtual = 0, hi_virtual = 0, lo_par, hi_par;
  uint64_t lo_code = 0, hi_code = 0;
  if (i < 0)
    {
      if (!g->is_signed || negative == 0)
        {
          /* below the smallest value of a format without zero: the smallest value */
          *flags |= FL_FLAG_INEXACT | FL_FLAG_UNDERFLOW;
          mpfr_clear (ax);
          if (negative && !g->is_signed)
            return policy_code (g, 1, 1, r, flags);
          return g->code[0];
        }
      if (mpfr_cmp (ax, g->beyond_lo) <= 0)
        {
          mpfr_clear (ax);
          int away = r->mode == FL_RNE || r->mode == FL_RNA || r->mode == FL_SR || r->mode == FL_RDN;
          *flags |= FL_FLAG_OVERFLOW | FL_FLAG_INEXACT;
          return away ? policy_code (g, 1, 1, r, flags) : g->code[0];
        }
      lo = g->beyond_lo;
      lo_virtual = 1;
      lo_par = g->parity_lo;
    }
  else
    {
      lo = g->v[i];
      lo_code = g->code[i];
      lo_par = (int) (lo_code & 1);
    }
  if (i + 1 >= (long) g->n)
    {
      if (mpfr_cmp (ax, g->beyond_hi) >= 0)
        {
          mpfr_clear (ax);
          int away = rr.mode == FL_RNE || rr.mode == FL_RNA || rr.mode == FL_SR || rr.mode == FL_RUP;
          *flags |= FL_FLAG_OVERFLOW | FL_FLAG_INEXACT;
          if (negative && !g->is_signed)
            return policy_code (g, 1, 1, r, flags);
          return away ? policy_code (g, 0, 1, r, flags) : g->code[g->n - 1];
        }
      hi = g->beyond_hi;
      hi_virtual = 1;
      hi_par = g->parity_hi;
    }
  else
    {
      hi = g->v[i + 1];
      hi_code = g->code[i + 1];
      hi_par = (int) (hi_code & 1);
    }
  /* toward zero is the truncation, away from zero the increment */
  int trunc_is_lo = !vneg;
  mpz_t F;
  mpz_init (F);
  fl_frac fr;
  distance_fraction (ax, trunc_is_lo ? lo : hi, trunc_is_lo ? hi : lo, F, &fr);
  int up = fl_round_up (&rr, vneg, trunc_is_lo ? lo_par : hi_par, &fr, flags);
  mpz_clear (F);
  int pick_hi = trunc_is_lo ? up : !up;
  int virt = pick_hi ? hi_virtual : lo_virtual;
  code = pick_hi ? hi_code : lo_code;
  mpfr_srcptr picked = pick_hi ? hi : lo;
  int picked_zero = !virt && mpfr_zero_p (picked);
  mpfr_clear (ax);
  if (virt)
    {
      *flags |= FL_FLAG_OVERFLOW;
      /* IEEE 754 7.4: modes that round toward zero keep the largest finite value */
      int away = r->mode == FL_RNE || r->mode == FL_RNA || r->mode == FL_SR
                 || (r->mode == FL_RUP && !negative) || (r->mode == FL_RDN && negative);
      if (negative && !g->is_signed)
        return policy_code (g, 1, 1, r, flags);
      if (away)
        return policy_code (g, negative, 1, r, flags);
      return negative ? g->code[0] : g->code[g->n - 1];
    }
  if (negative && !g->is_signed)
    return picked_zero ? g->code[0] : policy_code (g, 1, 1, r, flags);
  if (picked_zero)
    return policy_code (g, negative, 0, r, flags);
  return code;
}
