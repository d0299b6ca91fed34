/* charts_study.c -- the studies' charts (issue 11, chart 8), drawn from the tables
   'fmtlab study NAME' writes (doc/studies.md, doc/plots.md): the study computes, this file
   reads its CSV back, arranges the numbers for a generic chart of fmtlab/plots.h and
   states the finding in numbers.  Nothing here is recomputed from data. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "charts.h"

/* A study table: DIR/FILE read, the named columns found (idx[i]); a missing file or
   column is an error naming it. */
typedef struct {
  cli_csv t;
  long idx[8];
} study_table;

static fl_status
load (const char *dir, const char *file, const char *study, const char *const *cols,
      size_t ncols, study_table *st, char *err, size_t errlen)
{
  char path[4096];
  struct stat sb;
  /* a CSV file given directly (study-cer), else DIR/FILE */
  if (stat (dir, &sb) == 0 && S_ISREG (sb.st_mode))
    snprintf (path, sizeof path, "%s", dir);
  else
    snprintf (path, sizeof path, "%s/%s", dir, file);
  fl_status s = cli_csv_read (path, &st->t, err, errlen);
  if (s != FL_OK)
    return s;
  for (size_t i = 0; i < ncols; i++)
    if ((st->idx[i] = cli_csv_col (&st->t, cols[i])) < 0)
      {
        snprintf (err, errlen, "%s: no column '%s' (expected the %s table of %s)", path,
                  cols[i], file, study);
        cli_csv_free (&st->t);
        return FL_EINVAL;
      }
  return FL_OK;
}

static const char *
cell (const study_table *st, size_t row, size_t col)
{
  return st->t.cell[row * st->t.ncols + (size_t) st->idx[col]];
}

static double
value (const study_table *st, size_t row, size_t col)
{
  return cli_num (cell (st, row, col));
}

/* Every chart function: the study table loaded with its columns, the chart file, the
   page, the finding (one sentence, numbers included), the error message. */
#define CHART_FN(name)                                                                    \
  static fl_status name (const study_table *st, const char *path, const fl_plot_page *pg,  \
                         char *finding, size_t flen, char *err, size_t errlen)

/* A long-format table (rows: group, series, value) as the grouped-bar layout: groups and
   series in order of appearance, v[g * nseries + s], NaN where a pair is missing. */
typedef struct {
  const char **group, **series;
  size_t ngroups, nseries;
  double *v;
} bar_layout;

static fl_status
bars_of (const study_table *st, size_t gcol, size_t scol, size_t vcol, double factor,
         bar_layout *b, char *err, size_t errlen)
{
  size_t nr = st->t.nrows;
  memset (b, 0, sizeof *b);
  b->group = calloc (nr, sizeof *b->group);
  b->series = calloc (nr, sizeof *b->series);
  if (b->group && b->series)
    for (size_t r = 0; r < nr; r++)
      {
        cli_intern (b->group, &b->ngroups, cell (st, r, gcol));
        cli_intern (b->series, &b->nseries, cell (st, r, scol));
      }
  b->v = b->group && b->series ? malloc ((b->ngroups * b->nseries + 1) * sizeof *b->v) : NULL;
  if (!b->v)
    {
      free (b->group);
      free (b->series);
      snprintf (err, errlen, "out of memory");
      return FL_ENOMEM;
    }
  for (size_t k = 0; k < b->ngroups * b->nseries; k++)
    b->v[k] = NAN;
  for (size_t r = 0; r < nr; r++)
    {
      size_t g = cli_intern (b->group, &b->ngroups, cell (st, r, gcol));
      size_t s = cli_intern (b->series, &b->nseries, cell (st, r, scol));
      b->v[g * b->nseries + s] = factor * value (st, r, vcol);
    }
  return FL_OK;
}

static void
bars_free (bar_layout *b)
{
  free (b->group);
  free (b->series);
  free (b->v);
}

static double
bar (const bar_layout *b, size_t g, size_t s)
{
  return g < b->ngroups && s < b->nseries ? b->v[g * b->nseries + s] : NAN;
}

/* the index of the series named name, or nseries */
static size_t
series_index (const bar_layout *b, const char *name)
{
  for (size_t s = 0; s < b->nseries; s++)
    if (strcmp (b->series[s], name) == 0)
      return s;
  return b->nseries;
}

/* Labels "N bits" for groups that are widths; stored in one block with the layout. */
static char (*width_labels (bar_layout *b, const char *fmt))[48]
{
  char (*lab)[48] = calloc (b->ngroups ? b->ngroups : 1, sizeof *lab);
  if (lab)
    for (size_t g = 0; g < b->ngroups; g++)
      {
        snprintf (lab[g], sizeof lab[g], fmt, b->group[g]);
        b->group[g] = lab[g];
      }
  return lab;
}

/* ---- gupta: test error per epoch ------------------------------------------------------ */

/* Runs whose final test error stays at or above this are stalled (chance is 90% on ten
   classes): left out of the curves, named under the chart, so they do not flatten it. */
#define STALLED 0.5

CHART_FN (chart_gupta)
{
  fl_status s = FL_OK;
  size_t nr = st->t.nrows, nruns = 0, nfmt = 0;
  const char **run = calloc (nr, sizeof *run), **fmt = calloc (nr, sizeof *fmt);
  double *x = malloc (nr * sizeof *x), *y = malloc (nr * sizeof *y);
  size_t *first = calloc (nr, sizeof *first), *count = calloc (nr, sizeof *count);
  fl_plot_series *ser = calloc (nr, sizeof *ser);
  if (!run || !fmt || !x || !y || !first || !count || !ser)
    {
      s = cli_oom (err, errlen);
      goto out;
    }
  for (size_t r = 0; r < nr; r++)
    cli_intern (run, &nruns, cell (st, r, 0));
  /* each run's rows in table order, laid out contiguously */
  size_t at = 0;
  for (size_t k = 0; k < nruns; k++)
    {
      first[k] = at;
      for (size_t r = 0; r < nr; r++)
        if (strcmp (cell (st, r, 0), run[k]) == 0)
          {
            x[at] = value (st, r, 3);
            y[at++] = 100 * value (st, r, 4);
          }
      count[k] = at - first[k];
    }
  /* a colour per format (float32 black), a line style per rounding */
  char stalled[1024] = "";
  size_t nser = 0, nstalled = 0, at_st = 0;
  double best[2] = { INFINITY, INFINITY }, f32 = NAN;
  const char *best_run[2] = { NULL, NULL };
  for (size_t k = 0; k < nruns; k++)
    {
      size_t row = 0;
      while (strcmp (cell (st, row, 0), run[k]) != 0)
        row++;
      const char *format = cell (st, row, 1), *rounding = cell (st, row, 2);
      double last = count[k] ? y[first[k] + count[k] - 1] : NAN;
      int is_f32 = strcmp (format, "fp32") == 0;
      if (is_f32)
        f32 = last;
      else
        {
          int w = strcmp (rounding, "sr") == 0;
          if (last < best[w])
            {
              best[w] = last;
              best_run[w] = run[k];
            }
        }
      if (!(last < 100 * STALLED))
        {
          at_st = cli_append (stalled, sizeof stalled, at_st, "%s%s", nstalled++ ? ", " : "",
                              run[k]);
          continue;
        }
      size_t c = cli_intern (fmt, &nfmt, format);
      ser[nser] = (fl_plot_series) { run[k], x + first[k], y + first[k], count[k], NULL,
                                     is_f32 ? 7 : (int) (c < 6 ? c + 1 : c + 2),
                                     is_f32 ? 1 : strcmp (rounding, "sr") == 0 ? 3 : 2 };
      nser++;
    }
  char xlabel[1300], title[160];
  snprintf (xlabel, sizeof xlabel, "epoch%s%s%s", nstalled ? " (not drawn, stalled at chance: "
            : "", stalled, nstalled ? ")" : "");
  snprintf (title, sizeof title, "Gupta et al. 2015 rerun: test error per epoch, fixed point "
            "<IL,FL> with rne and sr");
  fl_plot_axes ax = { title, xlabel, "test error (%)", 0, 0 };
  at = cli_append (finding, flen, 0, "Final test error: float32 %.2f%%", f32);
  if (best_run[0])
    at = cli_append (finding, flen, at, "; best round-to-nearest run %s %.2f%%", best_run[0],
                     best[0]);
  if (best_run[1])
    at = cli_append (finding, flen, at, "; best stochastic-rounding run %s %.2f%%", best_run[1],
                     best[1]);
  if (nstalled)
    at = cli_append (finding, flen, at, "; stalled: %s", stalled);
  cli_append (finding, flen, at, ".");
  s = fl_plot_lines (path, pg, &ax, ser, nser, err, errlen);
out:
  free (run);
  free (fmt);
  free (x);
  free (y);
  free (first);
  free (count);
  free (ser);
  return s;
}

/* ---- opal: SQNR by element width, OPAL against MX ----------------------------------- */

CHART_FN (chart_opal)
{
  bar_layout b, bpe;
  fl_status s = bars_of (st, 0, 1, 2, 1, &b, err, errlen);
  if (s != FL_OK)
    return s;
  if ((s = bars_of (st, 0, 1, 3, 1, &bpe, err, errlen)) != FL_OK)
    goto out1;
  /* the series named with the storage each scheme adds to its elements */
  char (*names)[96] = calloc (b.nseries ? b.nseries : 1, sizeof *names);
  char (*lab)[48] = width_labels (&b, "%s-bit elements");
  if (!names || !lab)
    {
      s = cli_oom (err, errlen);
      goto out2;
    }
  for (size_t k = 0; k < b.nseries; k++)
    {
      double extra = bar (&bpe, 0, k) - cli_num (bpe.group[0]);
      snprintf (names[k], sizeof names[k], "%s (+%.3g bits/element)", b.series[k], extra);
    }
  size_t opal = series_index (&b, "opal k=128"), mx128 = series_index (&b, "mx k=128");
  size_t mx32 = series_index (&b, "mx k=32");
  size_t at = cli_append (finding, flen, 0, "Mean SQNR gain of OPAL k=128 over MX k=128 (and "
                          "over MX k=32) by element width:");
  for (size_t g = 0; g < b.ngroups; g++)
    at = cli_append (finding, flen, at, "%s %s bits %+.1f dB (%+.1f dB)", g ? ";" : "",
                     bpe.group[g], bar (&b, g, opal) - bar (&b, g, mx128),
                     bar (&b, g, opal) - bar (&b, g, mx32));
  at = cli_append (finding, flen, at, "; for %+.3g bits per element over MX k=128.",
                   bar (&bpe, 0, opal) - bar (&bpe, 0, mx128));
  const char **sn = calloc (b.nseries ? b.nseries : 1, sizeof *sn);
  if (!sn)
    {
      s = cli_oom (err, errlen);
      goto out2;
    }
  for (size_t k = 0; k < b.nseries; k++)
    sn[k] = names[k];
  fl_plot_axes ax = { "OPAL (4 bf16 outliers per 128) against MX blocks: mean SQNR by "
                      "element width", "element width", "mean SQNR over the tensors (dB)",
                      0, 0 };
  s = fl_plot_bars (path, pg, &ax, b.group, b.ngroups, sn, b.nseries, b.v, err, errlen);
  free (sn);
out2:
  free (names);
  free (lab);
  bars_free (&bpe);
out1:
  bars_free (&b);
  return s;
}

/* ---- lp, decoupleq, cer: one bar chart each from a long-format table ------------------- */

CHART_FN (chart_lp)
{
  fl_status s = FL_OK;
  bar_layout b;
  if ((s = bars_of (st, 0, 1, 2, 1, &b, err, errlen)) == FL_OK)
    {
      char (*lab)[48] = width_labels (&b, "%s bits");
      size_t lp = series_index (&b, "lp");
      size_t at = cli_append (finding, flen, 0, "Best family by mean SQNR at each width, and "
                              "the best logarithmic posit:");
      for (size_t g = 0; g < b.ngroups; g++)
        {
          size_t w = 0;
          for (size_t k = 1; k < b.nseries; k++)
            if (bar (&b, g, k) > bar (&b, g, w))
              w = k;
          at = cli_append (finding, flen, at, "%s %s: %s %.1f dB, lp %.1f dB", g ? ";" : "",
                           b.group[g], b.series[w], bar (&b, g, w), bar (&b, g, lp));
        }
      cli_append (finding, flen, at, ".");
      fl_plot_axes ax = { "Logarithmic posits against posit, eXmY, int and LNS: best format "
                          "of each family", "bits per element",
                          "mean SQNR of the family's best format (dB)", 0, 0 };
      if (lab)
        s = fl_plot_bars (path, pg, &ax, b.group, b.ngroups, b.series, b.nseries, b.v, err,
                          errlen);
      else
        {
          s = cli_oom (err, errlen);
        }
      free (lab);
      bars_free (&b);
    }
  return s;
}

CHART_FN (chart_decoupleq)
{
  fl_status s = FL_OK;
  /* groups "B bits, group G": one label per row, interned */
  size_t nr = st->t.nrows;
  char (*gl)[64] = calloc (nr ? nr : 1, sizeof *gl);
  const char **gname = calloc (nr ? nr : 1, sizeof *gname);
  const char **meth = calloc (nr ? nr : 1, sizeof *meth);
  double *v = NULL;
  size_t ng = 0, nm = 0;
  if (!gl || !gname || !meth)
    {
      s = cli_oom (err, errlen);
      goto out;
    }
  for (size_t r = 0; r < nr; r++)
    {
      const char *g = cell (st, r, 1);
      snprintf (gl[r], sizeof gl[r], "%s bits, %s%s", cell (st, r, 0),
                strcmp (g, "channel") == 0 ? "per channel" : "group ",
                strcmp (g, "channel") == 0 ? "" : g);
      cli_intern (gname, &ng, gl[r]);
      cli_intern (meth, &nm, cell (st, r, 2));
    }
  if (!(v = malloc ((ng * nm + 1) * sizeof *v)))
    {
      s = cli_oom (err, errlen);
      goto out;
    }
  for (size_t k = 0; k < ng * nm; k++)
    v[k] = NAN;
  for (size_t r = 0; r < nr; r++)
    v[cli_intern (gname, &ng, gl[r]) * nm + cli_intern (meth, &nm, cell (st, r, 2))]
      = value (st, r, 3);
  /* the finding: decoupleQ's range, and in how many settings it is the lowest */
  size_t dq = nm, lowest = 0;
  for (size_t m = 0; m < nm; m++)
    if (strcmp (meth[m], "decoupleq") == 0)
      dq = m;
  double lo = INFINITY, hi = -INFINITY;
  for (size_t g = 0; g < ng && dq < nm; g++)
    {
      double d = v[g * nm + dq];
      lo = fmin (lo, d);
      hi = fmax (hi, d);
      int best = 1;
      for (size_t m = 0; m < nm; m++)
        if (m != dq && v[g * nm + m] < d)
          best = 0;
      lowest += best;
    }
  if (dq < nm)
    cli_append (finding, flen, 0, "decoupleQ's H-weighted layer loss is %.3g to %.3g times "
                "round-to-nearest's (geometric mean over %s layers), the lowest of the %zu "
                "methods in %zu of %zu settings.", lo, hi, cell (st, 0, 4), nm, lowest, ng);
  else
    cli_append (finding, flen, 0, "No decoupleQ rows in the table.");
  fl_plot_axes ax = { "decoupleQ: H-weighted layer loss by method, relative to "
                      "round-to-nearest", "bits and group size",
                      "layer loss / round-to-nearest's (geometric mean, log scale)", 0, 1 };
  s = fl_plot_bars (path, pg, &ax, gname, ng, meth, nm, v, err, errlen);
out:
  free (gl);
  free (gname);
  free (meth);
  free (v);
  return s;
}

/* "FORMAT (tensor)" or "FORMAT (channel)"; block formats (scale none) alone. */
static void
format_label (const char *fmt, const char *scale, const char *gran, char *out, size_t len)
{
  if (strcmp (scale, "none") == 0 || !gran[0])
    snprintf (out, len, "%s", fmt);
  else
    snprintf (out, len, "%s (%s)", fmt, strncmp (gran, "channel", 7) == 0 ? "channel" : gran);
}

/* A row's model: the format, scale and granularity columns when the table has them (the
   accuracy cache, doc/studies.md), else the file name ocr-cer.sh gives it: the float
   model, then rec_FORMAT_SCALE_GRANULARITY.onnx (formats without '_' or ':'). */
static void
model_label (const study_table *st, size_t row, char *out, size_t len)
{
  long fc = cli_csv_col (&st->t, "format"), sc = cli_csv_col (&st->t, "scale");
  long gc = cli_csv_col (&st->t, "granularity");
  if (fc >= 0 && sc >= 0 && gc >= 0)
    {
      const char *const *c = (const char *const *) st->t.cell + row * st->t.ncols;
      format_label (c[fc], c[sc], c[gc], out, len);
      return;
    }
  const char *file = cell (st, row, 0);
  const char *base = strrchr (file, '/') ? strrchr (file, '/') + 1 : file;
  char fmt[128], scale[64] = "", gran[64] = "";
  if (strncmp (base, "rec_", 4) != 0
      || sscanf (base + 4, "%127[^_]_%63[^_]_%63[^.]", fmt, scale, gran) < 1)
    {
      snprintf (out, len, "%s", strncmp (base, "rec_", 4) ? "float32" : base);
      return;
    }
  format_label (fmt, scale, gran, out, len);
}

CHART_FN (chart_cer)
{
  fl_status s = FL_OK;
  size_t nr = st->t.nrows;
  char (*lab)[256] = calloc (nr, sizeof *lab);
  const char **group = calloc (nr, sizeof *group);
  double *v = calloc (nr, sizeof *v);
  if (!lab || !group || !v)
    {
      s = cli_oom (err, errlen);
    }
  else
    {
      size_t at = cli_append (finding, flen, 0, "Character error rate of the PP-OCRv4 "
                              "recognizer:");
      for (size_t r = 0; r < nr; r++)
        {
          model_label (st, r, lab[r], sizeof lab[r]);
          group[r] = lab[r];
          v[r] = 100 * value (st, r, 1);
          at = cli_append (finding, flen, at, "%s %s %.3g%%", r ? ";" : "", lab[r], v[r]);
        }
      cli_append (finding, flen, at, ".");
      static const char *const series[] = { "CER" };
      fl_plot_axes ax = { "PP-OCRv4 recognizer: character error rate by weight format",
                          "weights quantized to (absmax scale per tensor or per output channel)",
                          "character error rate (%)", 0, 0 };   /* 0% is a result */
      s = fl_plot_bars (path, pg, &ax, group, nr, series, 1, v, err, errlen);
    }
  free (lab);
  free (group);
  free (v);
  return s;
}

/* ---- exmy: per-tensor split against one global split ---------------------------------- */

CHART_FN (chart_exmy)
{
  fl_status s = FL_OK;
  size_t nr = st->t.nrows;
  double *x = malloc (nr * sizeof *x), *yg = malloc (nr * sizeof *yg);
  double *yb = malloc (nr * sizeof *yb);
  const char **lab = malloc (nr * sizeof *lab);
  if (!x || !yg || !yb || !lab)
    {
      s = cli_oom (err, errlen);
      goto out;
    }
  double glo = INFINITY, ghi = -INFINITY, slo = INFINITY, shi = -INFINITY;
  for (size_t r = 0; r < nr; r++)
    {
      x[r] = value (st, r, 0);
      yg[r] = value (st, r, 2);
      yb[r] = value (st, r, 3);
      lab[r] = cell (st, r, 1);
      glo = fmin (glo, value (st, r, 4));
      ghi = fmax (ghi, value (st, r, 4));
      slo = fmin (slo, value (st, r, 5));
      shi = fmax (shi, value (st, r, 5));
    }
  cli_append (finding, flen, 0, "Choosing the split per tensor gains %.2g to %.2g dB of mean "
              "SQNR over the best global split at %s to %s bits, or saves %.2g to %.2g bits "
              "per element at equal SQNR.", glo, ghi, cell (st, 0, 0),
              cell (st, nr - 1, 0), slo, shi);
  fl_plot_series ser[2] = {
    { "one global split per width (labelled)", x, yg, nr, lab, 0, 0 },
    { "the best split of each tensor", x, yb, nr, NULL, 0, 0 },
  };
  fl_plot_axes ax = { "eXmY: per-tensor split against one global split", "bits per element",
                      "mean SQNR over the tensors (dB)", 0, 0 };
  s = fl_plot_lines (path, pg, &ax, ser, 2, err, errlen);
out:
  free (x);
  free (yg);
  free (yb);
  free (lab);
  return s;
}

/* Each chart kind: the table it reads, the columns it needs (study_table.idx in this
   order), and the function that draws it. */
typedef fl_status (*chart_fn) (const study_table *, const char *, const fl_plot_page *, char *,
                               size_t, char *, size_t);
static const struct {
  const char *kind, *file, *source;
  const char *cols[8];
  chart_fn draw;
} charts[] = {
  { "study-gupta", "curves.csv", "'fmtlab study gupta'",
    { "run", "format", "rounding", "epoch", "test_error" }, chart_gupta },
  { "study-opal", "by_scheme.csv", "'fmtlab study opal'",
    { "elem_bits", "scheme", "mean_sqnr_db", "bits_per_element" }, chart_opal },
  { "study-lp", "by_family.csv", "'fmtlab study lp'",
    { "bits", "family", "mean_sqnr_db" }, chart_lp },
  { "study-decoupleq", "by_method.csv", "'fmtlab study decoupleq'",
    { "bits", "group", "method", "geomean_vs_rtn", "layers" }, chart_decoupleq },
  { "study-exmy", "global.csv", "'fmtlab study exmy'",
    { "bits", "global_format", "global_mean_sqnr_db", "best_mean_sqnr_db", "mean_gain_db",
      "mean_bits_saved" }, chart_exmy },
  { "study-cer", "cer.csv", "notebooks-data/ocr-cer.sh", { "model", "cer" }, chart_cer },
};
#define N_CHARTS (sizeof charts / sizeof charts[0])

int
cli_study_chart_known (const char *kind)
{
  for (size_t k = 0; k < N_CHARTS; k++)
    if (strcmp (charts[k].kind, kind) == 0)
      return 1;
  return 0;
}

const char *
cli_study_chart_of (const char *study)
{
  for (size_t k = 0; k < N_CHARTS; k++)
    if (strcmp (charts[k].kind + 6, study) == 0)
      return charts[k].kind;
  return NULL;
}

fl_status
cli_chart_study (const char *kind, const char *dir, const char *path, const fl_plot_page *pg,
                 char *finding, size_t flen, char *err, size_t errlen)
{
  if (finding && flen)
    finding[0] = 0;
  for (size_t k = 0; k < N_CHARTS; k++)
    if (strcmp (kind, charts[k].kind) == 0)
      {
        size_t ncols = 0;
        while (ncols < 8 && charts[k].cols[ncols])
          ncols++;
        study_table st;
        fl_status s = load (dir, charts[k].file, charts[k].source, charts[k].cols, ncols, &st,
                            err, errlen);
        if (s != FL_OK)
          return s;
        s = charts[k].draw (&st, path, pg, finding, flen, err, errlen);
        cli_csv_free (&st.t);
        return s;
      }
  snprintf (err, errlen, "'%s': unknown study chart", kind);
  return FL_EINVAL;
}

fl_status
cli_study_charts (const char *study, const char *dir, char *md, size_t mdlen, char *err,
                  size_t errlen)
{
  const char *kind = cli_study_chart_of (study);
  size_t at = 0;
  if (md && mdlen)
    md[0] = 0;
  if (!kind)
    return FL_OK;
  char path[4096], finding[4096];
  snprintf (path, sizeof path, "%s/%s.png", dir, kind);
  fl_status s = cli_chart_study (kind, dir, path, NULL, finding, sizeof finding, err, errlen);
  if (s != FL_OK)
    return s;
  at = cli_append (md, mdlen, at, "![%s](%s.png)\n\n%s\n", kind, kind, finding);
  return FL_OK;
}
