/* cuts.c -- table-driven array paths for posits, logarithmic posits and LNS of up to 16
   bits: fl_encode_doubles and fl_quantize_doubles by a search in the sorted cut points of
   the format (doc/engine.md, "Cut tables").

   For a deterministic mode the code of a positive double a is a step function of a whose
   steps sit at the format's values (directed modes), at its round-to-nearest cut points
   (the odd codes of cut_format, or the arithmetic midpoints in a domain without one) and
   nowhere else; the flags step at the same points.  Every such breakpoint b is a sum of
   at most two powers of two with rational exponents (logdomain-impl.h).  Only doubles are
   ever looked up, so b is replaced by the smallest double RU(b) >= b:

     for a double a:  a >= b  iff  a >= RU(b)   (RU(b) is the least double >= b),

   and when b is not a double, a > b iff a >= RU(b) as well (a cannot equal b).  So a
   breakpoint that is a double gives two segments, the point [b, b] and (b, next) starting
   at the next double above b; any other breakpoint gives one segment starting at RU(b).
   The code and flags of a whole segment are those of its first double, computed once by
   the exact encoder (fl_encode, MPFR), so the table is the exact encoder restricted to
   doubles by construction; a segment holding no double (two breakpoints with no double
   between them) is dropped.  RU(b) itself is exact: b is bracketed by directed-rounding
   MPFR bounds (fl_p2sum_bounds) at doubling precision until both bounds round up to the
   same double, which ends because a non-double b lies strictly between two doubles.

   A lookup indexes the segments by the top bits of the double (sign cleared: positive
   doubles sort as integers) and searches a short range.  Tables are built on first use,
   per deterministic mode and domain, and published with an atomic compare-and-swap, so
   concurrent callers are safe (a loser frees its copy).  Stochastic rounding and formats
   above 16 bits keep the exact per-element path (round_pack on the double's bits). */
#include <config.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "format-impl.h"
#include "round-impl.h"
#include "logdomain-impl.h"

#define CUTS_MAX_BITS 16
#define CUTS_NMODES 6          /* FL_RNE .. FL_RTO */

typedef struct {
  uint16_t code[2];            /* for +a and -a */
  uint8_t flags[2];
} cut_seg;

typedef struct {
  size_t nseg;
  double *start;               /* ascending; start[0] is the smallest positive double */
  cut_seg *seg;
  unsigned shift;              /* bucket = (bits of a) >> shift */
  uint64_t kmin, kmax;
  uint32_t *first;             /* first[k - kmin]: first segment whose bucket is >= k */
  uint16_t special_code[6];    /* +0 -0 +inf -inf +NaN -NaN */
  uint8_t special_flags[6];
} cut_table;

struct fl_cuts {
  cut_table *table[CUTS_NMODES][2];    /* [mode][0 log, 1 linear] */
  unsigned long seen;                   /* elements asked for, to amortise a build */
};

static uint64_t
dbits (double d)
{
  uint64_t b;
  memcpy (&b, &d, sizeof b);
  return b;
}

/* ---- building ---- */

/* The positive code of magnitude index k (values increase with k). */
static uint64_t
mag_code (const fl_format *g, uint64_t k)
{
  if (g->ops->family == FL_FAMILY_LNS)
    {
      uint64_t half = UINT64_C(1) << (g->bits - 2);
      return (k - half) & ((UINT64_C(1) << (g->bits - 1)) - 1);
    }
  return k;                    /* posits, logarithmic posits */
}

/* s += 2^-halve * |value of code| (code positive and finite, nonzero). */
static void
sum_add_code (fl_p2sum *s, const fl_format *g, uint64_t code, int halve, mpq_ptr q, mpz_ptr z)
{
  if (g->ops->unpack)
    {
      int neg;
      uint64_t sig;
      long exp;
      g->ops->unpack (g, code, &neg, &sig, &exp);
      mpz_set_ui (z, sig);
      fl_p2sum_add_dyadic (s, 0, z, exp - halve);
    }
  else
    {
      g->ops->decode_log2 (g, code, q);
      if (halve)
        {
          mpz_sub (mpq_numref (q), mpq_numref (q), mpq_denref (q));
        }
      fl_p2sum_add (s, 0, q);
    }
}

/* RU(b) of the positive sum b, and whether b is that double (exact: see the top). */
static int
sum_round_up (const fl_p2sum *s, double *d, int *is_double)
{
  mpfr_t lo, hi;
  int ok = 0;
  for (mpfr_prec_t p = 64; p <= 65536; p *= 2)
    {
      mpfr_inits2 (p, lo, hi, (mpfr_ptr) 0);
      fl_p2sum_bounds (s, p, lo, hi);
      double dl = mpfr_get_d (lo, MPFR_RNDU), dh = mpfr_get_d (hi, MPFR_RNDU);
      if (mpfr_equal_p (lo, hi))
        {
          *d = dl;
          *is_double = mpfr_cmp_d (lo, dl) == 0;
          ok = 1;
        }
      else if (dl == dh)
        {
          /* lo < b < hi and RU is monotone: RU(b) = dl.  A dyadic b (every group
             phi = 0) may be a double: refine until lo == hi; any other b is irrational,
             hence not a double */
          int dyadic = 1;
          for (size_t i = 0; i < s->n; i++)
            dyadic = dyadic && mpq_sgn (s->g[i].phi) == 0;
          if (!dyadic)
            {
              *d = dl;
              *is_double = 0;
              ok = 1;
            }
        }
      mpfr_clears (lo, hi, (mpfr_ptr) 0);
      if (ok)
        return 1;
    }
  return 0;
}

typedef struct {
  double *x;
  size_t n, cap;
} dlist;

static int
dpush (dlist *v, double d)
{
  if (v->n == v->cap)
    {
      size_t cap = v->cap ? 2 * v->cap : 1024;
      double *nx = realloc (v->x, cap * sizeof *nx);
      if (!nx)
        return 0;
      v->x = nx;
      v->cap = cap;
    }
  v->x[v->n++] = d;
  return 1;
}

/* The segment starts of breakpoint s (see the top). */
static int
push_breakpoint (dlist *v, fl_p2sum *s)
{
  double d;
  int is_double;
  fl_p2sum_normalise (s);
  if (!sum_round_up (s, &d, &is_double))
    return 0;
  if (isinf (d))
    return 1;                   /* beyond every finite double */
  if (!dpush (v, d))
    return 0;
  if (is_double && d < DBL_MAX)
    return dpush (v, nextafter (d, INFINITY));
  return 1;
}

static void
table_free (cut_table *t)
{
  if (!t)
    return;
  free (t->start);
  free (t->seg);
  free (t->first);
  free (t);
}

/* The sorted segment starts of f for a domain (deterministic modes share them: the
   nearest modes' cut points are simply unused steps in the directed modes). */
static int
collect_starts (const fl_format *f, int linear, dlist *v)
{
  uint64_t maxmag = (UINT64_C(1) << (f->bits - 1)) - 1;
  fl_format *cf = fl_format_cut_new (f, linear ? FL_DOMAIN_LINEAR : FL_DOMAIN_LOG);
  fl_p2sum s;
  mpq_t q;
  mpz_t z;
  mpq_init (q);
  mpz_init (z);
  fl_p2sum_init (&s);
  int ok = dpush (v, nextafter (0.0, 1.0));
  for (uint64_t k = 0; ok && k <= maxmag; k++)
    {
      if (k > 0)
        {
          s.n = 0;
          sum_add_code (&s, f, mag_code (f, k), 0, q, z);
          ok = push_breakpoint (v, &s);
        }
      /* the cut between magnitudes k and k + 1 (above maxmag: the cut format's top) */
      s.n = 0;
      if (cf)
        sum_add_code (&s, cf, mag_code (cf, 2 * k + 1), 0, q, z);
      else if (k < maxmag)
        {
          if (k > 0)
            sum_add_code (&s, f, mag_code (f, k), 1, q, z);
          sum_add_code (&s, f, mag_code (f, k + 1), 1, q, z);
        }
      else
        continue;
      ok = ok && push_breakpoint (v, &s);
    }
  fl_p2sum_clear (&s);
  mpq_clear (q);
  mpz_clear (z);
  fl_format_free (cf);
  return ok;
}

/* The exact encoder at +-a: code and flags of both signs in one word. */
static uint64_t
eval_pair (const fl_format *f, const fl_rounding *r, mpfr_ptr x, double a)
{
  uint64_t w = 0;
  for (int neg = 0; neg < 2; neg++)
    {
      unsigned fl = 0;
      mpfr_set_d (x, neg ? -a : a, MPFR_RNDN);
      uint64_t code = fl_encode (f, x, r, &fl);
      w |= ((code & 0xffff) | (uint64_t) (fl & 0xff) << 16) << (24 * neg);
    }
  return w;
}

static double
dfrom (uint64_t b)
{
  double d;
  memcpy (&d, &b, sizeof d);
  return d;
}

/* Outside [minpos, maxpos] the flags step where the bit-string rounding carries out of
   the format (overflow) or falls below the reserved step (LNS underflow), which are not
   cut points.  There, on the segment [a, b] of doubles: each sign's (code, flags) is
   monotone in |x| (codes never come back, overflow only turns on, underflow only off,
   inexact is constant off the values), so a change is upward closed and equal ends mean
   one piece; else bisect on the bit patterns for the first change and go on above it. */
static int
refine_edge (const fl_format *f, const fl_rounding *r, mpfr_ptr x, double a, double b,
             dlist *out)
{
  uint64_t wa = eval_pair (f, r, x, a), wb = eval_pair (f, r, x, b);
  while (wa != wb)
    {
      uint64_t lo = dbits (a), hi = dbits (b);    /* pair(lo) = wa, pair(hi) != wa */
      while (hi - lo > 1)
        {
          uint64_t mid = lo + (hi - lo) / 2;
          if (eval_pair (f, r, x, dfrom (mid)) == wa)
            lo = mid;
          else
            hi = mid;
        }
      a = dfrom (hi);
      if (!dpush (out, a))
        return 0;
      wa = eval_pair (f, r, x, a);
    }
  return 1;
}

static cut_table *
table_build (const fl_format *f, fl_round_mode mode, int linear)
{
  fl_mpfr_state st;
  fl_mpfr_enter (&st);
  dlist v = { NULL, 0, 0 }, w = { NULL, 0, 0 };
  cut_table *t = calloc (1, sizeof *t);
  int ok = t && collect_starts (f, linear, &v);
  fl_rounding r;
  fl_rounding_init (&r);
  r.mode = mode;
  r.domain = linear ? FL_DOMAIN_LINEAR : FL_DOMAIN_LOG;
  mpfr_t x;
  mpfr_init2 (x, 53);
  /* the edges: below twice minpos, above half maxpos (nearest doubles: margins only) */
  fl_decode (f, f->ops->minpos_code (f), x);
  double lowedge = 2 * mpfr_get_d (x, MPFR_RNDN);
  fl_decode (f, f->ops->max_code (f), x);
  double highedge = mpfr_get_d (x, MPFR_RNDN) / 2;
  /* starts come in value order; equal starts make one segment */
  for (size_t i = 0; ok && i < v.n; i++)
    {
      if (i > 0 && v.x[i] < v.x[i - 1])
        ok = 0;                  /* not monotone: a bug; keep the exact path */
      else if (i == 0 || v.x[i] != v.x[i - 1])
        {
          ok = dpush (&w, v.x[i]);
          double end = i + 1 < v.n ? nextafter (v.x[i + 1], 0) : DBL_MAX;
          if (ok && end > v.x[i] && (v.x[i] <= lowedge || end >= highedge))
            ok = refine_edge (f, &r, x, v.x[i], end, &w);
        }
    }
  if (ok)
    {
      t->nseg = w.n;
      t->start = w.x;
      w.x = NULL;
      t->seg = malloc (t->nseg * sizeof *t->seg);
      ok = t->seg != NULL;
    }
  for (size_t i = 0; ok && i < t->nseg; i++)
    {
      uint64_t pr = eval_pair (f, &r, x, t->start[i]);
      for (int neg = 0; neg < 2; neg++)
        {
          t->seg[i].code[neg] = (uint16_t) (pr >> (24 * neg));
          t->seg[i].flags[neg] = (uint8_t) (pr >> (24 * neg + 16));
        }
    }
  for (int i = 0; ok && i < 6; i++)
    {
      unsigned fl = 0;
      if (i < 2)
        mpfr_set_zero (x, 1);
      else if (i < 4)
        mpfr_set_inf (x, 1);
      else
        mpfr_set_nan (x);
      mpfr_setsign (x, x, i & 1, MPFR_RNDN);
      t->special_code[i] = (uint16_t) fl_encode (f, x, &r, &fl);
      t->special_flags[i] = (uint8_t) fl;
    }
  mpfr_clear (x);
  if (ok)
    {
      /* buckets of 2^shift doubles, at most ~2^16 of them over the table's range */
      uint64_t lo = dbits (t->nseg > 1 ? t->start[1] : t->start[0]);
      uint64_t hi = dbits (t->start[t->nseg - 1]);
      unsigned shift = 40;
      while (shift < 63 && ((hi >> shift) - (lo >> shift)) > 65536)
        shift++;
      t->shift = shift;
      t->kmin = lo >> shift;
      t->kmax = hi >> shift;
      size_t nb = (size_t) (t->kmax - t->kmin) + 2;
      t->first = malloc (nb * sizeof *t->first);
      ok = t->first != NULL;
      size_t j = 0;
      for (size_t b = 0; ok && b < nb; b++)
        {
          uint64_t k = t->kmin + b;
          while (j < t->nseg && (dbits (t->start[j]) >> shift) < k)
            j++;
          t->first[b] = (uint32_t) j;
        }
    }
  free (v.x);
  free (w.x);
  fl_mpfr_leave (&st);
  if (!ok)
    {
      table_free (t);
      return NULL;
    }
  return t;
}

/* The cache of f, created on first use. */
static struct fl_cuts *
cuts_of (const fl_format *f)
{
  fl_format *mf = (fl_format *) f;        /* the cache is not part of the value */
  struct fl_cuts *c = __atomic_load_n (&mf->cuts, __ATOMIC_ACQUIRE);
  if (c)
    return c;
  struct fl_cuts *nc = calloc (1, sizeof *nc);
  if (!nc)
    return NULL;
  if (__atomic_compare_exchange_n (&mf->cuts, &c, nc, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
    return nc;
  free (nc);
  return c;
}

/* The table for r, or NULL: stochastic rounding, wide formats, and (for formats above 8
   bits) until the elements asked for pay for the build, about four exact encodes per
   code. */
static const cut_table *
table_for (const fl_format *f, const fl_rounding *r, size_t n)
{
  if (r->mode >= FL_SR || f->bits > CUTS_MAX_BITS)
    return NULL;
  struct fl_cuts *c = cuts_of (f);
  if (!c)
    return NULL;
  int linear = r->domain == FL_DOMAIN_LINEAR;
  cut_table **slot = &c->table[r->mode][linear];
  cut_table *t = __atomic_load_n (slot, __ATOMIC_ACQUIRE);
  if (t)
    return t;
  unsigned long seen = __atomic_add_fetch (&c->seen, (unsigned long) n, __ATOMIC_RELAXED);
  if (f->bits > 8 && seen < (4UL << f->bits))
    return NULL;
  cut_table *nt = table_build (f, r->mode, linear);
  if (!nt)
    return NULL;
  if (__atomic_compare_exchange_n (slot, &t, nt, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
    return nt;
  table_free (nt);
  return t;
}

/* ---- lookup ---- */

/* The segment of the positive finite double with bits b. */
static inline size_t
seg_index (const cut_table *t, uint64_t b)
{
  uint64_t k = b >> t->shift;
  if (k < t->kmin)
    return 0;                    /* below start[1] */
  if (k > t->kmax)
    return t->nseg - 1;
  size_t lo = t->first[k - t->kmin], hi = t->first[k - t->kmin + 1];
  /* the answer is lo - 1 .. hi - 1: the last start <= a */
  size_t i = lo ? lo - 1 : 0;
  size_t j = hi;                 /* start[j] > a (or j == nseg) */
  while (j - i > 1)
    {
      size_t mid = i + (j - i) / 2;
      if (dbits (t->start[mid]) <= b)
        i = mid;
      else
        j = mid;
    }
  return i;
}

static inline uint16_t
lookup (const cut_table *t, double x, unsigned *fl)
{
  uint64_t b = dbits (x);
  int neg = (int) (b >> 63);
  b &= ~(UINT64_C(1) << 63);
  if (b == 0 || b >= UINT64_C(0x7ff0000000000000))
    {
      int i = b == 0 ? 0 : b == UINT64_C(0x7ff0000000000000) ? 2 : 4;
      *fl |= t->special_flags[i + neg];
      return t->special_code[i + neg];
    }
  const cut_seg *s = &t->seg[seg_index (t, b)];
  *fl |= s->flags[neg];
  return s->code[neg];
}

/* ---- the exact per-element path (sr, > 16 bits, small arrays) ---- */

static void
encode_exact (const fl_format *f, const double *x, uint64_t *codes, size_t n,
              const fl_rounding *r, unsigned *flags)
{
  fl_mpfr_state st;
  int guard = !f->exact;
  if (guard)
    fl_mpfr_enter (&st);
  fl_rounding rr = *r;
  mpz_t tmp;
  mpz_init (tmp);
  for (size_t i = 0; i < n; i++)
    {
      int negative;
      fl_mag m;
      rr.stream = r->stream + i;
      fl_class cx = fl_mag_from_double (x[i], &negative, &m);
      codes[i] = cx == FL_CLASS_NORMAL ? f->ops->round_pack (f, negative, &m, &rr, flags, tmp)
                 : f->ops->encode_special (f, cx, negative, &rr, flags);
    }
  mpz_clear (tmp);
  if (guard)
    fl_mpfr_leave (&st);
}

/* ---- the family hooks ---- */

void
fl_cuts_encode_doubles (const fl_format *f, const double *x, uint64_t *codes, size_t n,
                        const fl_rounding *r, unsigned *flags)
{
  const cut_table *t = table_for (f, r, n);
  if (!t)
    {
      encode_exact (f, x, codes, n, r, flags);
      return;
    }
  unsigned fl = 0;
  for (size_t i = 0; i < n; i++)
    codes[i] = lookup (t, x[i], &fl);
  *flags |= fl;
}

void
fl_cuts_quantize_doubles (const fl_format *f, const double *x, double *y, size_t n,
                          const fl_rounding *r, unsigned *flags)
{
  const cut_table *t = table_for (f, r, n);
  const double *val = t ? fl_decode_table (f, SIZE_MAX) : NULL;   /* every code's double */
  if (val)
    {
      unsigned fl = 0;
      for (size_t i = 0; i < n; i++)
        y[i] = val[lookup (t, x[i], &fl)];
      *flags |= fl;
      return;
    }
  fl_quantize_exact (f, x, y, n, r, flags);
}

void
fl_cuts_release (fl_format *f)
{
  struct fl_cuts *c = f->cuts;
  if (!c)
    return;
  for (int m = 0; m < CUTS_NMODES; m++)
    for (int d = 0; d < 2; d++)
      table_free (c->table[m][d]);
  free (c);
  f->cuts = NULL;
}
