/* charts.c -- analyses to charts, for 'fmtlab plot' and 'fmtlab report' (see charts.h). */
#include <config.h>
#include <math.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fmtlab/chartdata.h>
#include "charts.h"

size_t
cli_append (char *buf, size_t len, size_t at, const char *fmt, ...)
{
  if (!buf || at >= len)
    return at;
  va_list ap;
  va_start (ap, fmt);
  int k = vsnprintf (buf + at, len - at, fmt, ap);
  va_end (ap);
  return k < 0 ? at : at + (size_t) k;
}

static double
log2_of (mpfr_srcptr v)
{
  mpfr_t t;
  mpfr_init2 (t, 64);
  mpfr_log2 (t, v, MPFR_RNDN);
  double d = mpfr_get_d (t, MPFR_RNDN);
  mpfr_clear (t);
  return d;
}

/* The accuracy (density 0) or value-density chart of n formats: each format's rows from
   its analysis, one clause of the finding each, then the chart. */
static fl_status
chart_per_format (const char *path, const fl_plot_page *pg, fl_format **f, size_t n,
                  int density, char *finding, size_t flen, char *err, size_t errlen)
{
  fl_plot_accuracy_series *as = calloc (n ? n : 1, sizeof *as);
  fl_plot_density_series *ds = calloc (n ? n : 1, sizeof *ds);
  if (!as || !ds)
    {
      free (as);
      free (ds);
      return cli_oom (err, errlen);
    }
  fl_status st = FL_OK;
  size_t at = cli_append (finding, flen, 0, density
                          ? "Most codes in one binade, and binades covered:"
                          : "Peak mean decimal accuracy (digits) and the binades with at "
                            "least one digit:");
  for (size_t i = 0; i < n && st == FL_OK; i++)
    {
      const char *name = fl_format_name (f[i]);
      as[i].name = ds[i].name = name;
      if (density)
        {
          fl_density_row *rows;
          if ((st = fl_codes_per_binade (f[i], &rows, &ds[i].nrows, err, errlen)) != FL_OK)
            break;
          ds[i].rows = rows;
          double most = 0;
          for (size_t r = 0; r < ds[i].nrows; r++)
            most = fmax (most, rows[r].codes);
          at = cli_append (finding, flen, at, "%s %s %.0f codes, %zu binades", i ? ";" : "",
                           name, most, ds[i].nrows);
          continue;
        }
      fl_accuracy_row *rows;
      if ((st = fl_accuracy_profile (f[i], FL_DOMAIN_DEFAULT, &rows, &as[i].nrows, err,
                                     errlen)) != FL_OK)
        break;
      as[i].rows = rows;
      fl_props p;
      if ((st = fl_props_compute (f[i], &p, err, errlen)) != FL_OK)
        break;
      as[i].log2_minpos = log2_of (p.minpos);
      as[i].log2_max = log2_of (p.max);
      fl_props_clear (&p);
      double peak = 0;
      size_t good = 0;
      for (size_t r = 0; r < as[i].nrows; r++)
        {
          peak = fmax (peak, rows[r].mean);
          good += rows[r].mean >= 1;
        }
      at = cli_append (finding, flen, at, "%s %s %.2f over %zu", i ? ";" : "", name, peak,
                       good);
    }
  cli_append (finding, flen, at, ".");
  if (st == FL_OK)
    st = density ? fl_plot_density (path, pg, ds, n, err, errlen)
                 : fl_plot_accuracy (path, pg, as, n, err, errlen);
  for (size_t i = 0; i < n; i++)
    {
      free ((void *) as[i].rows);
      free ((void *) ds[i].rows);
    }
  free (as);
  free (ds);
  return st;
}

fl_status
cli_chart_accuracy (const char *path, const fl_plot_page *pg, fl_format **f, size_t n,
                    char *finding, size_t flen, char *err, size_t errlen)
{
  return chart_per_format (path, pg, f, n, 0, finding, flen, err, errlen);
}

fl_status
cli_chart_density (const char *path, const fl_plot_page *pg, fl_format **f, size_t n,
                   char *finding, size_t flen, char *err, size_t errlen)
{
  return chart_per_format (path, pg, f, n, 1, finding, flen, err, errlen);
}

fl_status
cli_chart_closure (const char *path, const fl_plot_page *pg, const fl_format *f, fl_op op,
                   const fl_rounding *r, char *finding, size_t flen, char *err, size_t errlen)
{
  fl_closure c;
  fl_status st = fl_closure_map (f, op, r, &c, err, errlen);
  if (st != FL_OK)
    return st;
  double total = (double) c.side * (double) c.side;
  size_t at = cli_append (finding, flen, 0, "%s %s over all %.0f pairs:", fl_format_name (f),
                      fl_op_name (op), total);
  for (int k = 0; k < FL_OUTCOMES; k++)
    at = cli_append (finding, flen, at, "%s %.1f%% %s", k ? "," : "", 100 * c.count[k] / total,
                 fl_outcome_name ((fl_outcome) k));
  cli_append (finding, flen, at, ".");
  st = fl_plot_closure (path, pg, fl_format_name (f), fl_op_name (op), &c, err, errlen);
  fl_closure_clear (&c);
  return st;
}

/* ---- the histogram chart --------------------------------------------------------------- */

#define READ_CHUNK 65536   /* a multiple of every block size, so blocks never straddle */

fl_status
cli_chart_hist (const char *path, const fl_plot_page *pg, cli_tsource *src, size_t j,
                char *const *cand, size_t ncand, const char *scale, size_t bins, char *finding, size_t flen,
                char *err, size_t errlen)
{
  int absmax_scale = 0;
  if (strcmp (scale, "absmax") == 0)
    absmax_scale = 1;
  else if (strcmp (scale, "none") != 0)
    {
      snprintf (err, errlen, "--scale %s: expected none or absmax", scale);
      return FL_EINVAL;
    }
  fl_status st = FL_OK;
  const fl_tensor_info *ti = cli_tsource_info (src, j);
  uint64_t n = ti->count;
  char label[1024];
  cli_tsource_label (src, j, label, sizeof label);
  fl_format **sf = calloc (ncand, sizeof *sf);
  fl_block **bf = calloc (ncand, sizeof *bf);
  fl_candidate *c = calloc (ncand, sizeof *c);
  fl_candidate_range *range = calloc (ncand, sizeof *range);
  fl_lost_mass *lost = calloc (ncand, sizeof *lost);
  fl_plot_hist_candidate *pc = calloc (ncand, sizeof *pc);
  char (*names)[96] = calloc (ncand, sizeof *names);
  double *buf = malloc (READ_CHUNK * sizeof *buf);
  fl_hist hlog = { 0 }, hlin = { 0 };
  if (!sf || !bf || !c || !range || !lost || !pc || !names || !buf)
    {
      st = cli_oom (err, errlen);
      goto out;
    }
  for (size_t i = 0; i < ncand && st == FL_OK; i++)
    {
      if (fl_block_name_p (cand[i]))
        st = fl_block_parse (cand[i], &bf[i], err, errlen);
      else
        st = fl_format_parse (cand[i], &sf[i], err, errlen);
    }
  if (st != FL_OK)
    goto out;
  /* pass 1: the data's range */
  fl_data_range dr;
  fl_data_range_init (&dr);
  for (uint64_t at = 0; at < n && st == FL_OK; at += READ_CHUNK)
    {
      size_t len = n - at < READ_CHUNK ? (size_t) (n - at) : READ_CHUNK;
      cli_tsource_read (src, j, at, len, buf);
      fl_data_range_add (&dr, buf, len);
    }
  if (st != FL_OK)
    goto out;
  if (dr.finite == 0 || dr.absmax == 0)
    {
      snprintf (err, errlen, "%s: no finite nonzero element to chart", label);
      st = FL_EINVAL;
      goto out;
    }
  for (size_t i = 0; i < ncand && st == FL_OK; i++)
    {
      c[i].f = sf[i];
      c[i].b = bf[i];
      c[i].scale = 1;
      if (sf[i] && absmax_scale)
        {
          double m;
          uint64_t code = fl_format_max_code (sf[i]);
          fl_decode_doubles (sf[i], &code, &m, 1);
          c[i].scale = dr.absmax / m;
        }
      st = fl_candidate_range_get (&c[i], dr.absmax, &range[i], err, errlen);
      snprintf (names[i], sizeof names[i], "%s%s", cand[i],
                sf[i] && absmax_scale ? " (absmax scale)" : "");
    }
  if (st != FL_OK)
    goto out;
  /* the log2 axis: the data's binades, widened to show nearby range ends */
  double lo = floor (log2 (dr.absmin_nz)) - 2, hi = ceil (log2 (dr.absmax)) + 3;
  for (size_t i = 0; i < ncand; i++)
    {
      double a = log2 (range[i].minpos) - 1, b = log2 (range[i].max) + 1;
      if (a < lo && a > lo - 8)
        lo = floor (a);
      if (b > hi && b < hi + 8)
        hi = ceil (b);
    }
  double span = dr.max - dr.min;
  double pad = span > 0 ? 0.02 * span : 1;
  if ((st = fl_hist_init (&hlog, lo, hi, bins, 1, err, errlen)) != FL_OK
      || (st = fl_hist_init (&hlin, dr.min - pad, dr.max + pad, bins, 0, err, errlen)) != FL_OK)
    goto out;
  /* pass 2: the histograms and what each candidate loses */
  for (uint64_t at = 0; at < n && st == FL_OK; at += READ_CHUNK)
    {
      size_t len = n - at < READ_CHUNK ? (size_t) (n - at) : READ_CHUNK;
      cli_tsource_read (src, j, at, len, buf);
      fl_hist_add (&hlog, buf, len);
      fl_hist_add (&hlin, buf, len);
      for (size_t i = 0; i < ncand && st == FL_OK; i++)
        st = fl_lost_mass_add (&c[i], buf, len, &lost[i], err, errlen);
    }
  if (st != FL_OK)
    goto out;
  size_t at = cli_append (finding, flen, 0, "Share of the %llu finite elements of %s clipped / "
                      "flushed to zero:", (unsigned long long) dr.finite, label);
  for (size_t i = 0; i < ncand; i++)
    {
      pc[i].name = names[i];
      pc[i].range = &range[i];
      pc[i].clipped = lost[i].n ? (double) lost[i].clipped / (double) lost[i].n : 0;
      pc[i].flushed = lost[i].n ? (double) lost[i].flushed / (double) lost[i].n : 0;
      at = cli_append (finding, flen, at, "%s %s %.3g%% / %.3g%%", i ? ";" : "", names[i],
                   100 * pc[i].clipped, 100 * pc[i].flushed);
    }
  cli_append (finding, flen, at, ".");
  fl_plot_hist_input in = { label, &hlog, &hlin, pc, ncand };
  st = fl_plot_hist (path, pg, &in, err, errlen);
out:
  fl_hist_clear (&hlog);
  fl_hist_clear (&hlin);
  for (size_t i = 0; i < ncand; i++)
    {
      if (sf && sf[i])
        fl_format_free (sf[i]);
      if (bf && bf[i])
        fl_block_free (bf[i]);
      if (range)
        fl_candidate_range_clear (&range[i]);
    }
  free (sf);
  free (bf);
  free (c);
  free (range);
  free (lost);
  free (pc);
  free (names);
  free (buf);
  return st;
}

/* ---- charts from result tables ('fmtlab compare --csv' and the like) ------------------- */

void
cli_csv_free (cli_csv *t)
{
  for (size_t i = 0; i < t->ncols; i++)
    free (t->head ? t->head[i] : NULL);
  for (size_t i = 0; t->cell && i < t->nrows * t->ncols; i++)
    free (t->cell[i]);
  free (t->head);
  free (t->cell);
  memset (t, 0, sizeof *t);
}

/* split one line into at most max fields (malloc'ed); returns the count or -1 */
static long
csv_split (const char *line, char **field, size_t max)
{
  size_t n = 0;
  const char *p = line;
  for (;;)
    {
      size_t cap = strlen (p) + 1, k = 0;
      char *f = malloc (cap);
      if (!f || n >= max)
        {
          free (f);
          goto fail;
        }
      if (*p == '"')
        {
          p++;
          for (;;)
            {
              if (!*p)
                {
                  free (f);
                  goto fail;       /* unterminated quote */
                }
              if (*p == '"' && p[1] == '"')
                {
                  f[k++] = '"';
                  p += 2;
                }
              else if (*p == '"')
                {
                  p++;
                  break;
                }
              else
                f[k++] = *p++;
            }
        }
      else
        while (*p && *p != ',')
          f[k++] = *p++;
      f[k] = 0;
      field[n++] = f;
      if (*p == ',')
        {
          p++;
          continue;
        }
      if (*p)
        goto fail;                 /* text after a closing quote */
      return (long) n;
    }
fail:
  for (size_t i = 0; i < n; i++)
    free (field[i]);
  return -1;
}

fl_status
cli_csv_read (const char *path, cli_csv *t, char *err, size_t errlen)
{
  memset (t, 0, sizeof *t);
  FILE *fp = fopen (path, "r");
  if (!fp)
    {
      snprintf (err, errlen, "%s: cannot open: %s", path, strerror (errno));
      return FL_EINVAL;
    }
  char *line = NULL;
  size_t cap = 0, rcap = 0, lineno = 0;
  ssize_t len;
  char *field[256];
  fl_status st = FL_OK;
  while ((len = getline (&line, &cap, fp)) >= 0)
    {
      lineno++;
      while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = 0;
      if (len == 0)
        {
          if (t->ncols)
            break;        /* a blank line ends the table ('fmtlab info --csv' appends more) */
          continue;
        }
      long n = csv_split (line, field, 256);
      if (n < 0 || (t->ncols && (size_t) n != t->ncols))
        {
          if (n > 0)
            for (long i = 0; i < n; i++)
              free (field[i]);
          snprintf (err, errlen, "%s:%zu: %s", path, lineno, n < 0 ? "malformed CSV line"
                    : "not as many fields as the header");
          st = FL_EINVAL;
          break;
        }
      if (!t->ncols)
        {
          t->ncols = (size_t) n;
          t->head = malloc ((size_t) n * sizeof *t->head);
          if (!t->head)
            {
              st = FL_ENOMEM;
              break;
            }
          memcpy (t->head, field, (size_t) n * sizeof *field);
          continue;
        }
      if (t->nrows == rcap)
        {
          rcap = rcap ? 2 * rcap : 64;
          char **c = realloc (t->cell, rcap * t->ncols * sizeof *c);
          if (!c)
            {
              for (long i = 0; i < n; i++)
                free (field[i]);
              st = FL_ENOMEM;
              break;
            }
          t->cell = c;
        }
      memcpy (t->cell + t->nrows * t->ncols, field, (size_t) n * sizeof *field);
      t->nrows++;
    }
  free (line);
  fclose (fp);
  if (st == FL_ENOMEM)
    snprintf (err, errlen, "%s: out of memory", path);
  if (st == FL_OK && t->nrows == 0)
    {
      snprintf (err, errlen, "%s: no table rows (expected a CSV with a header, as "
                "'fmtlab compare --csv' writes)", path);
      st = FL_EINVAL;
    }
  if (st != FL_OK)
    cli_csv_free (t);
  return st;
}

long
cli_csv_col (const cli_csv *t, const char *name)
{
  for (size_t i = 0; i < t->ncols; i++)
    if (strcmp (t->head[i], name) == 0)
      return (long) i;
  return -1;
}

static fl_status
need_cols (const cli_csv *t, const char *path, const char *const *names, long *idx, size_t n,
           char *err, size_t errlen)
{
  for (size_t i = 0; i < n; i++)
    if ((idx[i] = cli_csv_col (t, names[i])) < 0)
      {
        snprintf (err, errlen, "%s: no column '%s' (expected the CSV of 'fmtlab compare --csv')",
                  path, names[i]);
        return FL_EINVAL;
      }
  return FL_OK;
}

fl_status
cli_oom (char *err, size_t errlen)
{
  snprintf (err, errlen, "out of memory");
  return FL_ENOMEM;
}

double
cli_num (const char *s)
{
  char *end;
  double v = strtod (s, &end);
  return end != s && *end == 0 ? v : NAN;
}

size_t
cli_intern (const char **list, size_t *n, const char *s)
{
  for (size_t i = 0; i < *n; i++)
    if (strcmp (list[i], s) == 0)
      return i;
  list[*n] = s;
  return (*n)++;
}

fl_status
cli_chart_sqnr (const char *path, const fl_plot_page *pg, const char *table, int bars,
                char *finding, size_t flen, char *err, size_t errlen)
{
  cli_csv t;
  fl_status st = cli_csv_read (table, &t, err, errlen);
  if (st != FL_OK)
    return st;
  static const char *const names[] = { "tensor", "format", "sqnr_db" };
  long c[3];
  const char **tens = calloc (t.nrows, sizeof *tens), **fmts = calloc (t.nrows, sizeof *fmts);
  double *v = NULL;
  if (!tens || !fmts)
    {
      st = cli_oom (err, errlen);
      goto out;
    }
  if ((st = need_cols (&t, table, names, c, 3, err, errlen)) != FL_OK)
    goto out;
  size_t nt = 0, nf = 0;
  for (size_t r = 0; r < t.nrows; r++)
    {
      cli_intern (tens, &nt, t.cell[r * t.ncols + c[0]]);
      cli_intern (fmts, &nf, t.cell[r * t.ncols + c[1]]);
    }
  v = malloc (nt * nf * sizeof *v);
  if (!v)
    {
      st = cli_oom (err, errlen);
      goto out;
    }
  for (size_t k = 0; k < nt * nf; k++)
    v[k] = NAN;
  for (size_t r = 0; r < t.nrows; r++)
    {
      size_t i = cli_intern (tens, &nt, t.cell[r * t.ncols + c[0]]);
      size_t j = cli_intern (fmts, &nf, t.cell[r * t.ncols + c[1]]);
      v[i * nf + j] = cli_num (t.cell[r * t.ncols + c[2]]);
    }
  size_t at = cli_append (finding, flen, 0, "Highest SQNR per tensor:");
  for (size_t i = 0; i < nt; i++)
    {
      size_t best = nf;
      for (size_t j = 0; j < nf; j++)
        if (!isnan (v[i * nf + j]) && (best == nf || v[i * nf + j] > v[i * nf + best]))
          best = j;
      if (best < nf)
        at = cli_append (finding, flen, at, "%s %s %s %.1f dB", i ? ";" : "", tens[i], fmts[best],
                     v[i * nf + best]);
    }
  cli_append (finding, flen, at, ".");
  fl_plot_sqnr_input in = { tens, nt, fmts, nf, v };
  st = bars ? fl_plot_sqnr_bars (path, pg, &in, err, errlen)
            : fl_plot_sqnr_heatmap (path, pg, &in, err, errlen);
out:
  free (tens);
  free (fmts);
  free (v);
  cli_csv_free (&t);
  return st;
}

/* the family a format name belongs to, for the error-against-bits lines */
static const char *
family_of (const char *name)
{
  char e[256];
  if (fl_block_name_p (name))
    {
      fl_block *b;
      if (fl_block_parse (name, &b, e, sizeof e) != FL_OK)
        return "other";
      fl_block_kind k = fl_block_kind_of (b);
      fl_block_free (b);
      return k == FL_BLOCK_MX ? "MX blocks" : k == FL_BLOCK_NVFP4 ? "NVFP4"
             : k == FL_BLOCK_OPAL ? "OPAL" : "grouped integers";
    }
  fl_format *f;
  if (fl_format_parse (name, &f, e, sizeof e) != FL_OK)
    return "other";
  fl_family fam = fl_format_family (f);
  fl_format_free (f);
  switch (fam)
    {
    case FL_FAMILY_FLOAT: return "minifloats";
    case FL_FAMILY_FIXED: return "integers and fixed point";
    case FL_FAMILY_POSIT: return "posits";
    case FL_FAMILY_LOGPOSIT: return "logarithmic posits";
    case FL_FAMILY_LNS: return "LNS";
    case FL_FAMILY_BLOCK: break;         /* named by fl_block_parse above */
    }
  return "other";
}

fl_status
cli_chart_errbits (const char *path, const fl_plot_page *pg, const char *table,
                   const char *measure, char *finding, size_t flen, char *err, size_t errlen)
{
  cli_csv t;
  fl_status st = cli_csv_read (table, &t, err, errlen);
  if (st != FL_OK)
    return st;
  const char *names[] = { "format", "bits_per_element", measure };
  long c[3];
  size_t nr = t.nrows;
  const char **fmts = calloc (nr, sizeof *fmts), **fams = calloc (nr, sizeof *fams);
  const char **tens = calloc (nr, sizeof *tens);
  double *sum = calloc (nr, sizeof *sum), *cnt = calloc (nr, sizeof *cnt);
  double *bits = calloc (nr, sizeof *bits);
  double *xs = calloc (nr, sizeof *xs), *ys = calloc (nr, sizeof *ys);
  const char **ls = calloc (nr, sizeof *ls);
  fl_plot_errbits_series *ser = calloc (nr, sizeof *ser);
  size_t *famof = calloc (nr, sizeof *famof);
  if (!fmts || !fams || !tens || !sum || !cnt || !bits || !xs || !ys || !ls || !ser || !famof)
    {
      st = cli_oom (err, errlen);
      goto out;
    }
  if ((st = need_cols (&t, table, names, c, 3, err, errlen)) != FL_OK)
    goto out;
  long ct = cli_csv_col (&t, "tensor");
  size_t nf = 0, ntens = 0;
  /* one point per format: the measure's mean over the tensors of the table */
  for (size_t r = 0; r < nr; r++)
    {
      size_t j = cli_intern (fmts, &nf, t.cell[r * t.ncols + c[0]]);
      if (ct >= 0)
        cli_intern (tens, &ntens, t.cell[r * t.ncols + ct]);
      double b = cli_num (t.cell[r * t.ncols + c[1]]), y = cli_num (t.cell[r * t.ncols + c[2]]);
      if (isfinite (b))
        bits[j] = b;
      if (isfinite (y))
        {
          sum[j] += y;
          cnt[j] += 1;
        }
    }
  size_t nfam = 0;
  for (size_t j = 0; j < nf; j++)
    famof[j] = cli_intern (fams, &nfam, family_of (fmts[j]));
  /* each family's points sorted by bits, laid out in xs/ys/ls */
  int higher_is_better = strcmp (measure, "sqnr_db") == 0 || strcmp (measure, "cosine") == 0;
  int ylog = !higher_is_better;
  size_t at_pt = 0;
  for (size_t k = 0; k < nfam; k++)
    {
      size_t first = at_pt;
      for (size_t j = 0; j < nf; j++)
        if (famof[j] == k)
          {
            size_t p = at_pt++;
            double y = cnt[j] > 0 ? sum[j] / cnt[j] : NAN;
            /* insertion by bits */
            while (p > first && xs[p - 1] > bits[j])
              {
                xs[p] = xs[p - 1];
                ys[p] = ys[p - 1];
                ls[p] = ls[p - 1];
                p--;
              }
            xs[p] = bits[j];
            ys[p] = y;
            ls[p] = fmts[j];
          }
      /* the best format of the family at each width: the curve a reader picks from */
      size_t w = first;
      for (size_t p = first; p < at_pt; p++)
        {
          if (w > first && xs[w - 1] == xs[p])
            {
              int better = higher_is_better ? ys[p] > ys[w - 1] : ys[p] < ys[w - 1];
              if (better || isnan (ys[w - 1]))
                {
                  ys[w - 1] = ys[p];
                  ls[w - 1] = ls[p];
                }
              continue;
            }
          xs[w] = xs[p];
          ys[w] = ys[p];
          ls[w] = ls[p];
          w++;
        }
      at_pt = w;
      ser[k] = (fl_plot_errbits_series) { fams[k], xs + first, ys + first, ls + first,
                                          at_pt - first };
    }
  char label[200];
  const char *nice = strcmp (measure, "mse") == 0 ? "MSE" : strcmp (measure, "rmse") == 0 ? "RMSE"
                     : strcmp (measure, "sqnr_db") == 0 ? "SQNR (dB)" : measure;
  if (ntens > 1)
    snprintf (label, sizeof label, "%s, mean over %zu tensors", nice, ntens);
  else
    snprintf (label, sizeof label, "%s", nice);
  size_t at = cli_append (finding, flen, 0, "%s of the best format of each family, from the "
                      "fewest to the most bits per element:", measure);
  for (size_t k = 0; k < nfam; k++)
    {
      const fl_plot_errbits_series *s = &ser[k];
      at = cli_append (finding, flen, at, "%s %s %.3g (%s, %.4g b)", k ? ";" : "", s->family,
                   s->error[0], s->format[0], s->bits[0]);
      if (s->n > 1)
        at = cli_append (finding, flen, at, " to %.3g (%s, %.4g b)", s->error[s->n - 1],
                     s->format[s->n - 1], s->bits[s->n - 1]);
    }
  cli_append (finding, flen, at, ".");
  st = fl_plot_errbits (path, pg, label, ylog, ser, nfam, err, errlen);
out:
  free (fmts);
  free (fams);
  free (tens);
  free (sum);
  free (cnt);
  free (bits);
  free (xs);
  free (ys);
  free (ls);
  free (ser);
  free (famof);
  cli_csv_free (&t);
  return st;
}
