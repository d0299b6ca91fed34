/* study_lp.c -- logarithmic posits (arXiv 2403.05465, LP and LPQ): an LP whose (es, rs, sf)
   are fitted per tensor beats the other formats of the same width, and a genetic search
   finds those parameters.  Per real tensor at 8, 6 and 4 bits: the best LP (es, rs, sf
   over a grid, no other scale: the paper's setting), the best LP with a per-tensor absmax
   scale, and the best posit, eXmY split, integer and LNS with that scale; then a genetic
   search over the same LP grid, against the exhaustive optimum.  doc/studies.md has the
   setting, the GA's hyper-parameters and the findings.

   Speed: the logarithmic formats' exact rounding costs tens of microseconds a value, so
   every candidate here is applied through its rounding cells: the format's sorted positive
   values and the engine's cut points between them (fl_format_cut, rounded to the nearest
   double).  A value strictly inside a cell rounds to the cell's value; a value equal to a
   rounded cut point, below the smallest positive value or above the largest goes through
   the engine (fl_encode_doubles), so the result equals the engine's for every value; the
   study also checks it against fl_quantizer on every candidate and reports mismatches. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mpfr.h>
#include "study-impl.h"
#include "study-data-impl.h"

typedef struct {
  fl_format *f;
  double *v;        /* positive finite values, increasing */
  double *cut;      /* cut[i] between v[i] and v[i+1] */
  size_t nv;
  int below;        /* below v[0]: 1 v[0] (posits: never to zero), 2 the linear midpoint
                       v[0] / 2 decides (dyadic families), 3 the log midpoint low (LNS),
                       0 the engine */
  double low;       /* 3: v[0] / sqrt (v[1] / v[0]), to a few ulps */
} cells;

static void
cells_free (cells *c)
{
  fl_format_free (c->f);
  free (c->v);
  free (c->cut);
  memset (c, 0, sizeof *c);
}

typedef struct {
  double v;
  uint64_t code;
} vc;

static int
cmp_vc (const void *a, const void *b)
{
  double x = ((const vc *) a)->v, y = ((const vc *) b)->v;
  return (x > y) - (x < y);
}

/* The cells of format NAME (at most 16 bits).  FL_EINVAL for a name the library refuses. */
static fl_status
cells_new (const char *name, cells *c, char *err, size_t errlen)
{
  memset (c, 0, sizeof *c);
  fl_status st = fl_format_parse (name, &c->f, err, errlen);
  if (st != FL_OK)
    return st;
  uint64_t nc = fl_format_ncodes_minus1 (c->f) + 1;
  uint64_t *codes = malloc (nc * sizeof *codes);
  double *val = malloc (nc * sizeof *val);
  vc *p = malloc (nc * sizeof *p);
  c->v = malloc (nc * sizeof *c->v);
  c->cut = malloc (nc * sizeof *c->cut);
  if (!codes || !val || !p || !c->v || !c->cut)
    {
      free (codes);
      free (val);
      free (p);
      cells_free (c);
      return FL_ENOMEM;
    }
  for (uint64_t i = 0; i < nc; i++)
    codes[i] = i;
  fl_decode_doubles (c->f, codes, val, nc);
  size_t n = 0;
  for (uint64_t i = 0; i < nc; i++)
    if (isfinite (val[i]) && val[i] > 0)
      {
        p[n].v = val[i];
        p[n].code = i;
        n++;
      }
  qsort (p, n, sizeof *p, cmp_vc);
  mpfr_t cut;
  mpfr_init2 (cut, 53);
  for (size_t i = 0; i < n; i++)
    {
      c->v[i] = p[i].v;
      if (i + 1 < n)
        {
          fl_format_cut (c->f, FL_DOMAIN_DEFAULT, p[i].code, p[i + 1].code, cut);
          c->cut[i] = mpfr_get_d (cut, MPFR_RNDN);
        }
    }
  mpfr_clear (cut);
  c->nv = n;
  fl_family fam = fl_format_family (c->f);
  c->below = fam == FL_FAMILY_POSIT || fam == FL_FAMILY_LOGPOSIT ? 1
    : fam == FL_FAMILY_FLOAT || fam == FL_FAMILY_FIXED ? 2
    : fam == FL_FAMILY_LNS && n > 1 ? 3 : 0;
  if (c->below == 3)
    c->low = c->v[0] / sqrt (c->v[1] / c->v[0]);
  free (codes);
  free (val);
  free (p);
  if (n == 0)
    {
      cells_free (c);
      fl_study_err (err, errlen, "%s: no positive finite value", name);
      return FL_EINVAL;
    }
  return FL_OK;
}

/* q = s * decode (encode (x / s)), round to nearest even, saturating (as fl_quantizer with
   the absmax strategy when s = absmax / max; s = 1: the format alone).  Returns the SQNR in
   dB (capped); q may be NULL. */
static double
cells_apply (const cells *c, const double *x, size_t n, double s, double *q)
{
  fl_rounding r;
  fl_rounding_init (&r);
  r.overflow = FL_OVF_SAT;
  long double sx = 0, se = 0;
  for (size_t i = 0; i < n; i++)
    {
      double t = x[i] / s, y = fabs (t), val = 0;
      int engine = 0;
      if (y == 0)
        val = t;                             /* zero is exact in every family here */
      else if (y > c->v[c->nv - 1])
        val = copysign (c->v[c->nv - 1], t); /* saturation */
      else if (y < c->v[0])
        {
          if (c->below == 1 || (c->below == 2 && y > c->v[0] / 2))
            val = copysign (c->v[0], t);
          else if (c->below == 2 && y < c->v[0] / 2)
            val = copysign (0.0, t);
          /* LNS: away from the (irrational) log midpoint by more than the error of low */
          else if (c->below == 3 && y > c->low * (1 + 0x1p-40))
            val = copysign (c->v[0], t);
          else if (c->below == 3 && y < c->low * (1 - 0x1p-40))
            val = copysign (0.0, t);
          else
            engine = 1;
        }
      else
        {
          size_t lo = 0, hi = c->nv - 1;     /* the number of cuts below y, in [lo, hi] */
          while (lo < hi)
            {
              size_t mid = (lo + hi) / 2;
              if (c->cut[mid] < y)
                lo = mid + 1;
              else
                hi = mid;
            }
          if (lo < c->nv - 1 && c->cut[lo] == y)
            engine = 1;                      /* on a (rounded) cut: let the engine decide */
          else
            val = copysign (c->v[lo], t);
        }
      if (engine)
        {
          uint64_t code;
          fl_encode_doubles (c->f, &t, &code, 1, &r, NULL);
          fl_decode_doubles (c->f, &code, &val, 1);
        }
      double qi = s * val;
      if (q)
        q[i] = qi;
      sx += (long double) x[i] * x[i];
      se += (long double) (qi - x[i]) * (qi - x[i]);
    }
  if (se == 0)
    return FL_STUDY_SQNR_CAP;
  double db = 10 * log10 ((double) (sx / se));
  return db < FL_STUDY_SQNR_CAP ? db : FL_STUDY_SQNR_CAP;
}

static double
absmax_of (const double *x, size_t n)
{
  double m = 0;
  for (size_t i = 0; i < n; i++)
    if (fabs (x[i]) > m)
      m = fabs (x[i]);
  return m;
}

/* fl_quantizer's absmax scale for this format on x (one binary64 division). */
static double
absmax_scale (const cells *c, const double *x, size_t n)
{
  double a = absmax_of (x, n);
  return a > 0 ? a / fl_format_max_double (c->f) : 1;
}

/* Compare the cells with the library's quantizer on x[0..n) (absmax scale): the number of
   elements whose q differs. */
static fl_status
check_cells (const char *name, const cells *c, const double *x, size_t n, size_t *mismatch,
             char *err, size_t errlen)
{
  fl_quantizer *qz = NULL;
  fl_status st = fl_study_quantizer (name, "absmax", &qz, err, errlen);
  if (st != FL_OK)
    return st;
  double *q1 = malloc (n * sizeof *q1), *q2 = malloc (n * sizeof *q2);
  uint64_t shape[1] = { n };
  fl_metrics m;
  fl_metrics_init (&m);
  if (!q1 || !q2)
    st = FL_ENOMEM;
  else
    st = fl_quantizer_measure (qz, 1, shape, x, q1, &m, NULL, err, errlen);
  if (st == FL_OK)
    {
      cells_apply (c, x, n, absmax_scale (c, x, n), q2);
      for (size_t i = 0; i < n; i++)
        *mismatch += q1[i] != q2[i];
    }
  free (q1);
  free (q2);
  fl_quantizer_free (qz);
  return st;
}

/* The LP grid of one width: es 0..3, rs 1..B-1, sf = SF_LO + j * step, j < nsf
   (sf in [-16, 16] by 1/4, by 1/2 with --quick). */
#define SF_LO (-16.0)
#define N_ES 4
#define MAX_RS 7   /* rs 1..B-1, B <= 8 */

typedef struct {
  unsigned bits;
  size_t nrs;             /* rs 1..nrs */
  size_t nsf;
  double step;
  cells *c;               /* [es][rs-1][sf]; f NULL where the library refuses the name */
} lp_grid;

static cells *
grid_at (const lp_grid *g, unsigned es, unsigned rs, size_t sf)
{
  return &g->c[((size_t) es * g->nrs + (rs - 1)) * g->nsf + sf];
}

/* The GA (doc/studies.md, lp): population POP, GENS generations, tournament of 2, uniform
   crossover with probability 0.9, per-gene mutation with probability 0.2 (es and rs
   redrawn, sf moved by up to +-8 grid steps), one elite.  Fitness: the tensor's SQNR.
   Evaluations are memoised: *evals counts distinct candidates. */
#define POP 16
#define GENS 30

typedef struct {
  unsigned es, rs;
  size_t sf;
  double fit;
} genome;

static double
eval_genome (const lp_grid *g, const fl_study_tensor *t, genome *x, double *memo,
             size_t *evals)
{
  cells *c = grid_at (g, x->es, x->rs, x->sf);
  size_t k = c - g->c;
  if (isnan (memo[k]))
    {
      memo[k] = c->f ? cells_apply (c, t->x, t->n, 1, NULL) : -INFINITY;
      *evals += c->f != NULL;
    }
  return x->fit = memo[k];
}

static void
random_genome (const lp_grid *g, uint64_t *rng, genome *x)
{
  x->es = fl_study_rand (rng) % N_ES;
  x->rs = 1 + fl_study_rand (rng) % g->nrs;
  x->sf = fl_study_rand (rng) % g->nsf;
}

static genome
ga_run (const lp_grid *g, const fl_study_tensor *t, uint64_t seed, size_t *evals)
{
  size_t ncand = N_ES * g->nrs * g->nsf;
  double *memo = malloc (ncand * sizeof *memo);
  genome pop[POP], next[POP], best = { 0, 1, 0, -INFINITY };
  uint64_t rng = seed;
  *evals = 0;
  if (!memo)
    return best;
  for (size_t i = 0; i < ncand; i++)
    memo[i] = NAN;
  for (size_t i = 0; i < POP; i++)
    {
      random_genome (g, &rng, &pop[i]);
      eval_genome (g, t, &pop[i], memo, evals);
    }
  for (int gen = 0; gen <= GENS; gen++)
    {
      size_t bi = 0;
      for (size_t i = 1; i < POP; i++)
        if (pop[i].fit > pop[bi].fit)
          bi = i;
      if (pop[bi].fit > best.fit)
        best = pop[bi];
      if (gen == GENS)
        break;
      next[0] = pop[bi];
      for (size_t i = 1; i < POP; i++)
        {
          genome a = pop[fl_study_rand (&rng) % POP], b = pop[fl_study_rand (&rng) % POP];
          genome p1 = a.fit >= b.fit ? a : b;
          a = pop[fl_study_rand (&rng) % POP];
          b = pop[fl_study_rand (&rng) % POP];
          genome p2 = a.fit >= b.fit ? a : b, ch = p1;
          if (fl_study_uniform (&rng) < 0.9)
            {
              if (fl_study_uniform (&rng) < 0.5)
                ch.es = p2.es;
              if (fl_study_uniform (&rng) < 0.5)
                ch.rs = p2.rs;
              if (fl_study_uniform (&rng) < 0.5)
                ch.sf = p2.sf;
            }
          if (fl_study_uniform (&rng) < 0.2)
            ch.es = fl_study_rand (&rng) % N_ES;
          if (fl_study_uniform (&rng) < 0.2)
            ch.rs = 1 + fl_study_rand (&rng) % g->nrs;
          if (fl_study_uniform (&rng) < 0.2)
            {
              long d = (long) (fl_study_rand (&rng) % 17) - 8, sf = (long) ch.sf + d;
              long top = (long) g->nsf - 1;
              ch.sf = (size_t) (sf < 0 ? 0 : sf > top ? top : sf);
            }
          eval_genome (g, t, &ch, memo, evals);
          next[i] = ch;
        }
      memcpy (pop, next, sizeof pop);
    }
  free (memo);
  return best;
}

/* The baseline families with an absmax scale (shifted down by up to MAX_SHIFT binades). */
#define MAX_SHIFT 12
enum { FAM_LP_SCALED, FAM_POSIT, FAM_EXMY, FAM_INT, FAM_LNS, N_FAM };
static const char *const fam_name[N_FAM] = { "lp+absmax", "posit", "eXmY", "int", "lns" };

typedef struct {
  char name[32];
  int fam;
  cells c;
} baseline;

static size_t
make_baselines (unsigned B, baseline *bl, size_t cap)
{
  size_t n = 0;
  char name[32];
  char err[256];
#define ADD(FAM, ...)                                                   \
  do {                                                                  \
    snprintf (name, sizeof name, __VA_ARGS__);                          \
    if (n < cap && cells_new (name, &bl[n].c, err, sizeof err) == FL_OK) \
      {                                                                 \
        snprintf (bl[n].name, sizeof bl[n].name, "%s", name);           \
        bl[n++].fam = FAM;                                              \
      }                                                                 \
  } while (0)
  for (unsigned es = 0; es < N_ES; es++)
    for (unsigned rs = 1; rs < B; rs++)
      ADD (FAM_LP_SCALED, "lp%ues%urs%u", B, es, rs);
  for (unsigned es = 0; es < N_ES; es++)
    ADD (FAM_POSIT, "posit%ues%u", B, es);
  for (unsigned x = 0; x < B; x++)
    ADD (FAM_EXMY, "exmy_e%um%u", x, B - 1 - x);
  for (unsigned x = 2; x < B; x++)
    ADD (FAM_EXMY, "e%um%u", x, B - 1 - x);
  ADD (FAM_INT, "int%u", B);
  for (unsigned F = 0; F + 2 <= B; F++)
    ADD (FAM_LNS, "lns%uf%u", B, F);
#undef ADD
  return n;
}

fl_status
fl_study_lp (const fl_study_opts *o, fl_study_result *res, char *err, size_t errlen)
{
  const char *data = o->data_dir ? o->data_dir : FL_STUDY_DEFAULT_DATA_DIR;
  size_t per_source = o->quick ? 1 : 2, max_n = o->quick ? 4096 : 8192;
  static const unsigned widths_full[] = { 8, 6, 4 }, widths_quick[] = { 8, 4 };
  const unsigned *widths = o->quick ? widths_quick : widths_full;
  size_t nw = o->quick ? 2 : 3;
  fl_study_tensors ts;
  fl_status st = fl_study_tensors_load (data, per_source, max_n, &ts, err, errlen);
  if (st != FL_OK)
    return st;
  static const char *const cb[] = { "tensor", "kind", "bits", "family", "best_format",
                                    "sqnr_db", "vs_lp_db" };
  static const fl_cell_type tb[] = { FL_CELL_TEXT, FL_CELL_TEXT, FL_CELL_INT, FL_CELL_TEXT,
                                     FL_CELL_TEXT, FL_CELL_REAL, FL_CELL_REAL };
  static const char *const cg[] = { "tensor", "bits", "grid_candidates", "grid_best",
                                    "grid_sqnr_db", "ga_best", "ga_sqnr_db", "ga_evaluations",
                                    "ga_gap_db", "ga_reached" };
  static const fl_cell_type tg[] = { FL_CELL_TEXT, FL_CELL_INT, FL_CELL_INT, FL_CELL_TEXT,
                                     FL_CELL_REAL, FL_CELL_TEXT, FL_CELL_REAL, FL_CELL_INT,
                                     FL_CELL_REAL, FL_CELL_INT };
  static const char *const cs[] = { "bits", "family", "tensors", "mean_sqnr_db",
                                    "mean_vs_lp_db", "tensors_beating_lp" };
  static const fl_cell_type tss[] = { FL_CELL_INT, FL_CELL_TEXT, FL_CELL_INT, FL_CELL_REAL,
                                      FL_CELL_REAL, FL_CELL_INT };
  fl_table *tbest = fl_table_new ("best_by_family", "Per tensor and width: the best format "
                                  "of each family (lp: es, rs, sf grid, no other scale; the "
                                  "others with the absmax scale times 2^j, j = -4..12); "
                                  "vs_lp_db: SQNR minus the "
                                  "best lp's", 7, cb, tb);
  fl_table *tga = fl_table_new ("ga_vs_grid", "Genetic search against the exhaustive grid "
                                "over the same LP space (es 0-3, rs 1..B-1, sf -16..16 by "
                                "1/4; 1/2 with --quick)", 10, cg, tg);
  fl_table *tsum = fl_table_new ("by_family", "Mean SQNR by width and family over the "
                                 "tensors", 6, cs, tss);
  static const char *const cr[] = { "bits", "format", "tensors_best", FL_STUDY_ACC_COLS };
  static const fl_cell_type tr[] = { FL_CELL_INT, FL_CELL_TEXT, FL_CELL_INT,
                                     FL_STUDY_ACC_TYPES };
  fl_table *trec = fl_table_new ("recommended", "Per width: the LP (es, rs) that is the best "
                                 "LP of the most tensors, and the accuracy of the whole models "
                                 "quantized to it", 7, cr, tr);
  fl_study_acc *acc = NULL;
  size_t acc_missing = 0;
  baseline *bl = calloc (64, sizeof *bl);
  if (!tbest || !tga || !tsum || !trec || !bl)
    st = FL_ENOMEM;
  if (st == FL_OK)
    st = fl_study_acc_open (data, &acc);
  size_t mismatches = 0, checked = 0, ga_worse = 0, ga_equal = 0, ga_runs = 0;
  double ga_evals_sum = 0, grid_evals_sum = 0;
  for (size_t w = 0; w < nw && st == FL_OK; w++)
    {
      unsigned B = widths[w];
      lp_grid g = { B, B - 1, o->quick ? 65 : 129, o->quick ? 0.5 : 0.25, NULL };
      size_t ncand = N_ES * g.nrs * g.nsf, nvalid = 0;
      g.c = calloc (ncand, sizeof *g.c);
      if (!g.c)
        {
          st = FL_ENOMEM;
          break;
        }
      fl_study_progress (o, "lp: cells", (double) w / nw);
      for (unsigned es = 0; es < N_ES; es++)
        for (unsigned rs = 1; rs <= g.nrs; rs++)
          for (size_t j = 0; j < g.nsf; j++)
            {
              char name[48], lerr[256];
              snprintf (name, sizeof name, "lp%ues%urs%usf%g", B, es, rs, SF_LO + j * g.step);
              if (cells_new (name, grid_at (&g, es, rs, j), lerr, sizeof lerr) == FL_OK)
                nvalid++;
            }
      size_t nbl = make_baselines (B, bl, 64);
      /* The cells against the library's quantizer, on the first tensor's first values. */
      size_t nchk = ts.t[0].n < 256 ? ts.t[0].n : 256;
      for (size_t k = 0; k < nbl && st == FL_OK; k++)
        {
          st = check_cells (bl[k].name, &bl[k].c, ts.t[0].x, nchk, &mismatches, err, errlen);
          checked += nchk;
        }
      double fam_sum[N_FAM + 1] = { 0 }, fam_vs[N_FAM + 1] = { 0 };
      size_t fam_beat[N_FAM + 1] = { 0 };
      size_t votes[N_ES][MAX_RS + 1] = { { 0 } };   /* tensors whose best LP has (es, rs) */
      for (size_t i = 0; i < ts.n && st == FL_OK; i++)
        {
          const fl_study_tensor *t = &ts.t[i];
          fl_study_progress (o, "lp: tensors", (w + (double) i / ts.n) / nw);
          /* Exhaustive LP grid. */
          double bestlp = -INFINITY;
          cells *bc = NULL;
          for (size_t k = 0; k < ncand; k++)
            if (g.c[k].f)
              {
                double s = cells_apply (&g.c[k], t->x, t->n, 1, NULL);
                if (s > bestlp)
                  {
                    bestlp = s;
                    bc = &g.c[k];
                  }
              }
          size_t k = bc - g.c;
          unsigned bes = k / (g.nrs * g.nsf), brs = 1 + (k / g.nsf) % g.nrs;
          double bsf = SF_LO + (k % g.nsf) * g.step;
          votes[bes][brs]++;
          char bname[48];
          snprintf (bname, sizeof bname, "lp%ues%urs%usf%g", B, bes, brs, bsf);
          /* Baselines: the best of each family. */
          double fb[N_FAM];
          char fn[N_FAM][48];
          for (int f = 0; f < N_FAM; f++)
            {
              fb[f] = -INFINITY;
              fn[f][0] = '\0';
            }
          /* Each with the absmax scale times 2^j, j = -4..MAX_SHIFT (exact): j < 0 clips
             the largest values (what the mse strategy does), j > 0 moves the bulk of the
             values toward 1, where tapered formats (posits) are precise, as LP's sf grid
             does. */
          for (size_t b = 0; b < nbl; b++)
            for (int j = -4; j <= MAX_SHIFT; j++)
              {
                double s = cells_apply (&bl[b].c, t->x, t->n,
                                        ldexp (absmax_scale (&bl[b].c, t->x, t->n), j), NULL);
                if (s > fb[bl[b].fam])
                  {
                    fb[bl[b].fam] = s;
                    snprintf (fn[bl[b].fam], sizeof fn[0], "%s absmax*2^%d", bl[b].name, j);
                  }
              }
          for (int f = -1; f < N_FAM && st == FL_OK; f++)
            {
              size_t r;
              if ((st = fl_study_row (tbest, &r)) != FL_OK)
                break;
              double s = f < 0 ? bestlp : fb[f];
              fl_table_set_text (tbest, r, 0, t->label);
              fl_table_set_text (tbest, r, 1, t->is_weight ? "weight" : "activation");
              fl_table_set_int (tbest, r, 2, B);
              fl_table_set_text (tbest, r, 3, f < 0 ? "lp" : fam_name[f]);
              fl_table_set_text (tbest, r, 4, f < 0 ? bname : fn[f]);
              fl_table_set_real (tbest, r, 5, s);
              fl_table_set_real (tbest, r, 6, s - bestlp);
              fam_sum[f + 1] += s;
              fam_vs[f + 1] += s - bestlp;
              fam_beat[f + 1] += s > bestlp;
            }
          /* The GA on the same grid, seeded per (seed, width, tensor). */
          size_t evals = 0;
          genome gb = ga_run (&g, t, o->seed * 1000003u + B * 1009u + i, &evals);
          char gname[48];
          snprintf (gname, sizeof gname, "lp%ues%urs%usf%g", B, gb.es, gb.rs,
                    SF_LO + gb.sf * g.step);
          size_t r;
          if ((st = fl_study_row (tga, &r)) != FL_OK)
            break;
          fl_table_set_text (tga, r, 0, t->label);
          fl_table_set_int (tga, r, 1, B);
          fl_table_set_int (tga, r, 2, (int64_t) nvalid);
          fl_table_set_text (tga, r, 3, bname);
          fl_table_set_real (tga, r, 4, bestlp);
          fl_table_set_text (tga, r, 5, gname);
          fl_table_set_real (tga, r, 6, gb.fit);
          fl_table_set_int (tga, r, 7, (int64_t) evals);
          fl_table_set_real (tga, r, 8, bestlp - gb.fit);
          fl_table_set_int (tga, r, 9, gb.fit >= bestlp);
          ga_runs++;
          ga_worse += gb.fit < bestlp;
          ga_equal += gb.fit >= bestlp;
          ga_evals_sum += evals;
          grid_evals_sum += nvalid;
        }
      for (int f = -1; f < N_FAM && st == FL_OK; f++)
        {
          size_t r;
          if ((st = fl_study_row (tsum, &r)) != FL_OK)
            break;
          fl_table_set_int (tsum, r, 0, B);
          fl_table_set_text (tsum, r, 1, f < 0 ? "lp" : fam_name[f]);
          fl_table_set_int (tsum, r, 2, (int64_t) ts.n);
          fl_table_set_real (tsum, r, 3, fam_sum[f + 1] / ts.n);
          fl_table_set_real (tsum, r, 4, fam_vs[f + 1] / ts.n);
          fl_table_set_int (tsum, r, 5, (int64_t) fam_beat[f + 1]);
        }
      /* The whole-model recommendation: the most frequent best (es, rs), ties to the
         smaller es then rs; sf is per tensor, so a whole model takes absmax scales per
         output channel instead (doc/studies.md). */
      unsigned res_es = 0, res_rs = 1;
      for (unsigned e = 0; e < N_ES; e++)
        for (unsigned rs = 1; rs <= g.nrs; rs++)
          if (votes[e][rs] > votes[res_es][res_rs])
            res_es = e, res_rs = rs;
      size_t rr;
      if (st == FL_OK && (st = fl_study_row (trec, &rr)) == FL_OK)
        {
          char rname[32];
          snprintf (rname, sizeof rname, "lp%ues%urs%u", B, res_es, res_rs);
          fl_table_set_int (trec, rr, 0, B);
          fl_table_set_text (trec, rr, 1, rname);
          fl_table_set_int (trec, rr, 2, (int64_t) votes[res_es][res_rs]);
          fl_study_acc_set (acc, trec, rr, 3, rname, "absmax", "channel:0", &acc_missing);
        }
      if (st == FL_OK)
        fl_study_result_note (res, "- %u bits: mean SQNR lp (es, rs, sf grid) %.2f dB, "
                              "lp+absmax %.2f, posit %.2f, eXmY %.2f, int %.2f, lns %.2f dB; "
                              "tensors where a non-LP family beats the best lp: posit %zu, "
                              "eXmY %zu, int %zu, lns %zu of %zu.", B, fam_sum[0] / ts.n,
                              fam_sum[1] / ts.n, fam_sum[2] / ts.n, fam_sum[3] / ts.n,
                              fam_sum[4] / ts.n, fam_sum[5] / ts.n, fam_beat[2], fam_beat[3],
                              fam_beat[4], fam_beat[5], ts.n);
      for (size_t k = 0; k < ncand; k++)
        cells_free (&g.c[k]);
      free (g.c);
      for (size_t b = 0; b < nbl; b++)
        cells_free (&bl[b].c);
      memset (bl, 0, 64 * sizeof *bl);
    }
  if (st == FL_OK)
    {
      fl_study_result_note (res, "- GA (population %d, %d generations, seed %llu): equal to "
                            "the exhaustive optimum in %zu of %zu runs, below it in %zu; "
                            "%.0f distinct evaluations on average against %.0f for the grid.",
                            POP, GENS, (unsigned long long) o->seed, ga_equal, ga_runs,
                            ga_worse, ga_runs ? ga_evals_sum / ga_runs : NAN,
                            ga_runs ? grid_evals_sum / ga_runs : NAN);
      fl_study_result_note (res, "- Rounding cells checked against fl_quantizer on %zu "
                            "values: %zu mismatches.", checked, mismatches);
      fl_study_result_note (res, "- %zu tensors (%s).", ts.n, o->quick
                            ? "--quick: 1 per source, at most 4096 values each, 8 and 4 bits"
                            : "2 per source, at most 8192 values each");
      st = fl_study_acc_note (acc, res, "recommended", nw, acc_missing);
    }
  st = fl_study_result_take (res, st, &tsum, &trec, &tga, &tbest, (fl_table **) NULL);
  fl_table_free (tbest);
  fl_table_free (tga);
  fl_table_free (tsum);
  fl_table_free (trec);
  fl_study_acc_close (acc);
  free (bl);
  fl_study_tensors_free (&ts);
  return st;
}
