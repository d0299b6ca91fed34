/* tables.c -- the value table and the property table, in text, CSV, JSON and Markdown;
   written by 'values', 'info' and 'report'. */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <fmtlab/enumerate.h>
#include "cli.h"
#include "tensorcli.h"

int
cli_code_digits (const fl_format *f)
{
  return (int) ((fl_format_bits (f) + 3) / 4);
}

void
cli_write_values (FILE *fp, const fl_format *f, cli_style style, mpfr_prec_t prec,
                  uint64_t lo, uint64_t hi)
{
  int w = cli_code_digits (f);
  mpfr_t v;
  mpfr_init2 (v, fl_format_prec (f) + 2);
  char hex[256];
  if (style == CLI_CSV)
    fprintf (fp, "code,value,class\n");
  else if (style == CLI_JSON)
    fprintf (fp, "[\n");
  else if (style == CLI_MD)
    fprintf (fp, "| code | value | class |\n|---|---|---|\n");
  for (uint64_t c = lo;; c++)
    {
      fl_class k = fl_decode (f, c, v);
      fl_hexfloat (hex, sizeof hex, v, prec);
      switch (style)
        {
        case CLI_CSV:
          fprintf (fp, "%0*llx,%s,%s\n", w, (unsigned long long) c, hex, fl_class_name (k));
          break;
        case CLI_JSON:
          fprintf (fp, "  {\"code\": \"%0*llx\", \"value\": \"%s\", \"class\": \"%s\"}%s\n", w,
                   (unsigned long long) c, hex, fl_class_name (k), c == hi ? "" : ",");
          break;
        case CLI_MD:
          fprintf (fp, "| `%0*llx` | `%s` | %s |\n", w, (unsigned long long) c, hex, fl_class_name (k));
          break;
        default:
          fprintf (fp, "%0*llx %s %s\n", w, (unsigned long long) c, hex, fl_class_name (k));
        }
      if (c == hi)
        break;
    }
  if (style == CLI_JSON)
    fprintf (fp, "]\n");
  mpfr_clear (v);
}

/* One property value as decimal (10 significant digits) and hexfloat. */
static void
dec_hex (mpfr_srcptr v, char *dec, size_t dn, char *hex, size_t hn)
{
  mpfr_snprintf (dec, dn, "%.10Rg", v);
  fl_hexfloat (hex, hn, v, 0);
}

/* Whether |v| is a power of two, 2^k. */
static int
pow2_exp (mpfr_srcptr v, long *k)
{
  if (!mpfr_regular_p (v))
    return 0;
  mpz_t z;
  mpz_init (z);
  mpfr_exp_t e = mpfr_get_z_2exp (z, v);
  mpz_abs (z, z);
  int one_bit = mpz_popcount (z) == 1;
  *k = (long) e + (long) mpz_scan1 (z, 0);
  mpz_clear (z);
  return one_bit;
}

/* "2^-24" when v is a power of two, else "". */
static void
pow2_text (mpfr_srcptr v, char *buf, size_t n)
{
  long k;
  buf[0] = 0;
  if (pow2_exp (v, &k))
    snprintf (buf, n, "%s2^%ld", mpfr_signbit (v) ? "-" : "", k);
}

static const cli_column columns[] = {
  { "format", "format" }, { "bits", "bits" }, { "codes", "codes" },
  { "finite_codes", "finite codes" }, { "distinct_finite", "distinct finite values" },
  { "nan_codes", "NaN codes" }, { "inf_codes", "Inf codes" }, { "negative_zero", "negative zero" },
  { "max", "max" }, { "max_hex", "max (hex)" }, { "lowest", "lowest" },
  { "min_positive", "min positive" }, { "min_positive_hex", "min positive (hex)" },
  { "min_positive_pow2", "min positive (2^k)" },
  { "min_normal", "min normal" }, { "min_normal_hex", "min normal (hex)" },
  { "range_binades", "dynamic range (binades)" }, { "range_decades", "dynamic range (decades)" },
  { "ulp_at_1", "spacing above 1" }, { "ulp_at_1_hex", "spacing above 1 (hex)" },
  { "fraction_bits_at_1", "precision at 1 (fraction bits)" }, { "default_overflow", "default overflow" },
};
#define N_COLUMNS (sizeof columns / sizeof columns[0])

/* Fill the cells of one format's row. */
static void
props_row (const fl_format *f, char cell[N_COLUMNS][CLI_CELL])
{
  fl_props p;
  char err[256];
  fl_props_compute (f, &p, err, sizeof err);
  int i = 0;
  snprintf (cell[i++], CLI_CELL, "%s", fl_format_name (f));
  snprintf (cell[i++], CLI_CELL, "%u", p.bits);
  snprintf (cell[i++], CLI_CELL, "%.0Lf", p.codes);
  snprintf (cell[i++], CLI_CELL, "%.0Lf", p.finite_codes);
  snprintf (cell[i++], CLI_CELL, "%.0Lf", p.distinct_finite);
  snprintf (cell[i++], CLI_CELL, "%.0Lf", p.nan_codes);
  snprintf (cell[i++], CLI_CELL, "%.0Lf", p.inf_codes);
  snprintf (cell[i++], CLI_CELL, "%s", p.has_negzero ? "yes" : "no");
  dec_hex (p.max, cell[i], CLI_CELL, cell[i + 1], CLI_CELL);
  i += 2;
  mpfr_snprintf (cell[i++], CLI_CELL, "%.10Rg", p.lowest);
  dec_hex (p.minpos, cell[i], CLI_CELL, cell[i + 1], CLI_CELL);
  i += 2;
  pow2_text (p.minpos, cell[i++], CLI_CELL);
  if (p.has_minnormal)
    dec_hex (p.minnormal, cell[i], CLI_CELL, cell[i + 1], CLI_CELL);
  else
    cell[i][0] = cell[i + 1][0] = 0;
  i += 2;
  snprintf (cell[i++], CLI_CELL, "%.4f", p.range_binades);
  snprintf (cell[i++], CLI_CELL, "%.4f", p.range_decades);
  if (p.has_ulp1)
    {
      dec_hex (p.ulp1, cell[i], CLI_CELL, cell[i + 1], CLI_CELL);
    }
  else
    cell[i][0] = cell[i + 1][0] = 0;
  snprintf (cell[i + 2], CLI_CELL, "%d", fl_format_bits_at_one (f));
  i += 3;
  snprintf (cell[i++], CLI_CELL, "%s", fl_overflow_name (fl_format_default_overflow (f)));
  fl_props_clear (&p);
}

/* The decimal accuracy profile of a format (default domain), or exit 2 on failure. */
static fl_accuracy_row *
profile_rows (const fl_format *f, size_t *n)
{
  fl_accuracy_row *rows;
  char err[256];
  if (fl_accuracy_profile (f, FL_DOMAIN_DEFAULT, &rows, n, err, sizeof err) != FL_OK)
    cli_die (CLI_EXIT_USAGE, "%s", err);
  return rows;
}

static json_t *
profile_json (const fl_format *f)
{
  size_t n;
  fl_accuracy_row *rows = profile_rows (f, &n);
  json_t *arr = json_array ();
  for (size_t i = 0; i < n; i++)
    json_array_append_new (arr, json_pack ("{s:I, s:f, s:f, s:I}", "binade", (json_int_t) rows[i].binade,
                                           "worst", rows[i].worst, "mean", rows[i].mean,
                                           "intervals", (json_int_t) rows[i].intervals));
  free (rows);
  return arr;
}

void
cli_write_profiles (FILE *fp, fl_format **f, size_t n, cli_style style)
{
  if (style == CLI_CSV)
    fprintf (fp, "format,binade,worst_decimal_accuracy,mean_decimal_accuracy,intervals\n");
  else if (style == CLI_MD)
    fprintf (fp, "| format | binade | worst decimal accuracy | mean decimal accuracy | intervals |\n|---|---|---|---|---|\n");
  else if (style == CLI_JSON)
    fprintf (fp, "[\n");
  for (size_t k = 0; k < n; k++)
    {
      size_t nr;
      fl_accuracy_row *rows = profile_rows (f[k], &nr);
      if (style == CLI_TEXT)
        fprintf (fp, "%s%s decimal accuracy by binade (worst, mean):\n", k ? "\n" : "", fl_format_name (f[k]));
      for (size_t i = 0; i < nr; i++)
        switch (style)
          {
          case CLI_CSV:
            fprintf (fp, "%s,%ld,%.6f,%.6f,%.0f\n", fl_format_name (f[k]), rows[i].binade,
                     rows[i].worst, rows[i].mean, rows[i].intervals);
            break;
          case CLI_MD:
            fprintf (fp, "| %s | %ld | %.4f | %.4f | %.0f |\n", fl_format_name (f[k]), rows[i].binade,
                     rows[i].worst, rows[i].mean, rows[i].intervals);
            break;
          case CLI_JSON:
            fprintf (fp, "  {\"format\": \"%s\", \"binade\": %ld, \"worst\": %.6f, \"mean\": %.6f, \"intervals\": %.0f}%s\n",
                     fl_format_name (f[k]), rows[i].binade, rows[i].worst, rows[i].mean, rows[i].intervals,
                     (k + 1 == n && i + 1 == nr) ? "" : ",");
            break;
          default:
            fprintf (fp, "  2^%-6ld %8.4f %8.4f\n", rows[i].binade, rows[i].worst, rows[i].mean);
          }
      free (rows);
    }
  if (style == CLI_JSON)
    fprintf (fp, "]\n");
}

/* One table in any style: rows of cells (row-major, CLI_CELL bytes each); extra (may be
   NULL) adds a JSON field to a row's object. */
void
cli_write_table (FILE *fp, const cli_column *cols, size_t ncols, const char *cells, size_t nrows,
                 cli_style style, json_t *(*extra) (size_t row, void *ctx), const char *extra_key,
                 void *ctx)
{
#define CELL(k, c) (cells + ((k) * ncols + (c)) * CLI_CELL)
  switch (style)
    {
    case CLI_CSV:
      for (size_t c = 0; c < ncols; c++)
        fprintf (fp, "%s%s", c ? "," : "", cols[c].key);
      fputc ('\n', fp);
      for (size_t k = 0; k < nrows; k++)
        for (size_t c = 0; c < ncols; c++)
          {
            int q = strchr (CELL (k, c), ',') != NULL;       /* quote names like mx:elem=..,k=.. */
            fprintf (fp, "%s%s%s%s%s", c ? "," : "", q ? "\"" : "", CELL (k, c), q ? "\"" : "",
                     c + 1 == ncols ? "\n" : "");
          }
      break;
    case CLI_JSON:
      {
        json_t *arr = json_array ();
        for (size_t k = 0; k < nrows; k++)
          {
            json_t *o = json_object ();
            for (size_t c = 0; c < ncols; c++)
              json_object_set_new (o, cols[c].key, json_string (CELL (k, c)));
            if (extra)
              json_object_set_new (o, extra_key, extra (k, ctx));
            json_array_append_new (arr, o);
          }
        json_dumpf (arr, fp, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
        fputc ('\n', fp);
        json_decref (arr);
      }
      break;
    case CLI_MD:
      fprintf (fp, "|");
      for (size_t c = 0; c < ncols; c++)
        fprintf (fp, " %s |", cols[c].label);
      fprintf (fp, "\n|");
      for (size_t c = 0; c < ncols; c++)
        fprintf (fp, "---|");
      fputc ('\n', fp);
      for (size_t k = 0; k < nrows; k++)
        {
          fprintf (fp, "|");
          for (size_t c = 0; c < ncols; c++)
            fprintf (fp, " %s |", CELL (k, c));
          fputc ('\n', fp);
        }
      break;
    default:
      for (size_t k = 0; k < nrows; k++)
        {
          fprintf (fp, "%s%s\n", k ? "\n" : "", CELL (k, 0));
          for (size_t c = 1; c < ncols; c++)
            if (CELL (k, c)[0])
              fprintf (fp, "  %-26s %s\n", cols[c].label, CELL (k, c));
        }
    }
#undef CELL
}

static json_t *
profile_extra (size_t row, void *ctx)
{
  return profile_json (((fl_format **) ctx)[row]);
}

void
cli_write_props (FILE *fp, fl_format **f, size_t n, cli_style style, int profile)
{
  char (*cells)[N_COLUMNS][CLI_CELL] = malloc ((n ? n : 1) * sizeof *cells);
  if (!cells)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  for (size_t k = 0; k < n; k++)
    props_row (f[k], cells[k]);
  cli_write_table (fp, columns, N_COLUMNS, (const char *) cells, n, style,
                   profile && style == CLI_JSON ? profile_extra : NULL, "decimal_accuracy", f);
  if (profile && (style == CLI_CSV || style == CLI_TEXT))
    {
      fputc ('\n', fp);                      /* a second table follows the blank line */
      cli_write_profiles (fp, f, n, style);
    }
  free (cells);
}

/* ---------------------------------------------------------------- typed tables */

cli_tcell *
cli_ttable_row (cli_ttable *t)
{
  if (t->nrows == t->cap)
    {
      t->cap = t->cap ? 2 * t->cap : 64;
      t->cells = realloc (t->cells, t->cap * t->ncols * sizeof *t->cells);
      if (!t->cells)
        cli_die (CLI_EXIT_USAGE, "out of memory");
    }
  cli_tcell *row = t->cells + t->nrows++ * t->ncols;
  for (size_t c = 0; c < t->ncols; c++)
    cli_tcell_str (&row[c], "");
  return row;
}

void
cli_write_ttables (FILE *fp, const cli_ttable *t, size_t n, cli_style style)
{
  if (style != CLI_JSON || n == 1)
    {
      /* CSV, Markdown: the tables one after the other, each after a blank line */
      for (size_t i = 0; i < n; i++)
        {
          if (i)
            fputc ('\n', fp);
          cli_write_ttable (fp, t[i].cols, t[i].ncols, t[i].cells, t[i].nrows, style, NULL,
                            NULL);
        }
      return;
    }
  /* JSON: one document, {"key0": [...], "key1": [...], ...}; cli_write_ttable writes the
     last table with the others as members of its object */
  json_t *top = json_object ();
  for (size_t i = 0; i + 1 < n; i++)
    {
      char *buf = NULL;
      size_t len = 0;
      FILE *mf = open_memstream (&buf, &len);
      if (!top || !mf)
        cli_die (CLI_EXIT_USAGE, "out of memory");
      cli_write_ttable (mf, t[i].cols, t[i].ncols, t[i].cells, t[i].nrows, CLI_JSON, NULL,
                        NULL);
      fclose (mf);
      json_t *rows = json_loads (buf, 0, NULL);
      free (buf);
      json_object_set_new (top, t[i].key, rows ? rows : json_array ());
    }
  const cli_ttable *last = &t[n - 1];
  cli_write_ttable (fp, last->cols, last->ncols, last->cells, last->nrows, CLI_JSON, top,
                    last->key);
}
