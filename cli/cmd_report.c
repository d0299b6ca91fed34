/* cmd_report.c -- 'fmtlab report': the main job.  Writes, under one directory, the tables
   of the common ML formats (properties as CSV/JSON/Markdown, the decimal accuracy profile,
   every value of each format), the charts (accuracy, density, closure maps, histograms of
   the synthetic distributions and of the tensors given with --in), and index.md plus a
   self-contained index.html (relative links, inline CSS, no network) that say what each
   chart shows and its main finding in numbers.

   The report is a list of sections (see 'sections' below): each is one function that
   writes its files and appends its part of the index through report_heading/para/chart/
   link.  The compare tables, best formats, fits and studies are added the same way. */
#include <config.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "charts.h"

static const char *const default_formats[] = {
  "fp32", "tf32", "bf16", "fp16", "e5m2", "e4m3fn", "e4m3", "e3m4", "e4m3fnuz", "e5m2fnuz",
  "e4m3b11fnuz", "e3m2fn", "e2m3fn", "e2m1fn", "e8m0fnu", "binary8p3se", "binary8p4se",
  "binary8p5sf", "exmy_e3m1", "exmy_e2m2", "fixed8.8", "fixed2.14", "int8", "int4",
  "posit8es0", "posit8es2", "posit16es1", "posit16", "posit32", "lp8es1rs3", "lns8f3", "lns16f8",
};
#define N_DEFAULT (sizeof default_formats / sizeof default_formats[0])

/* What the charts compare (a few formats each, so a chart stays readable) */
static const char *const acc8[] = { "e4m3fn", "e5m2", "posit8es1", "lp8es1rs3" };
static const char *const acc16[] = { "fp16", "bf16", "posit16es1", "lns16f8" };
static const struct { const char *format, *op; } closures[] = {
  { "e4m3fn", "mul" }, { "e4m3fn", "add" }, { "posit8es1", "mul" }, { "e5m2", "div" },
};
static const char *const synthetic[] = { "normal", "laplace", "student3", "lognormal" };
static const char *const hist_formats[] = { "e4m3fn", "e5m2", "int8", "mxfp4" };
#define HIST_SCALE "absmax"
#define MAX_TENSORS_PER_FILE 8

typedef struct {
  const char *dir;
  char *path;              /* scratch for file names */
  size_t plen;
  fl_format **f;           /* the formats of the tables */
  size_t nf;
  char **in;               /* --in FILEs */
  size_t nin;
  const char *table;       /* --table: a result table (fmtlab compare --csv) */
  FILE *mb, *hb;           /* bodies of index.md and index.html, in memory until the end */
  char *mbuf, *hbuf;
  size_t mlen, hlen;
  const char *toc[64];     /* section titles, for the table of contents */
  size_t ntoc;
  size_t charts, step, nsteps;
  double t0;
} report;

static double
now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

static void
help (void)
{
  printf ("Usage: fmtlab report [--out DIR] [--in FILE]... [--table FILE.csv] [FORMAT...]\n\n"
          "The main job: tables and charts of the common ML formats (or the FORMATs given for\n"
          "the tables) and of tensors, with an index (index.md and a self-contained index.html):\n"
          "  DIR/formats.csv, .json, .md      properties (as 'fmtlab info')\n"
          "  DIR/accuracy.csv                 decimal accuracy by binade\n"
          "  DIR/values/FORMAT.csv            every code (formats <= 16 bits)\n"
          "  DIR/charts/*.png                 accuracy, value density, closure maps, histograms\n"
          "                                   of the synthetic distributions and of --in tensors\n"
          "  DIR/index.md, DIR/index.html     what each chart shows and its main finding\n"
          "Files are written to temporary names and renamed into place; progress on stderr.\n\n"
          "  --out DIR     output directory (default notebooks-data/report; created)\n"
          "  --in FILE     a tensor file (.npy ...): a histogram chart per tensor (at most %d\n"
          "                per file); repeatable\n"
          "  --table FILE  a result table in the CSV layout of 'fmtlab compare --csv': SQNR\n"
          "                heat map and bars, error against bits per element\n"
          "  -h, --help  -V, --version\n", MAX_TENSORS_PER_FILE);
}

/* mkdir -p */
static void
make_dirs (const char *path)
{
  char *p = strdup (path);
  if (!p)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  for (char *s = p + 1; ; s++)
    {
      char c = *s;
      if (c == '/' || c == 0)
        {
          *s = 0;
          if (mkdir (p, 0777) != 0 && errno != EEXIST)
            cli_die (CLI_EXIT_USAGE, "cannot create directory '%s': %s", p, strerror (errno));
          *s = c;
        }
      if (c == 0)
        break;
    }
  free (p);
}

static const char *
at (report *r, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
static const char *
at (report *r, const char *fmt, ...)
{
  va_list ap;
  int k = snprintf (r->path, r->plen, "%s/", r->dir);
  va_start (ap, fmt);
  vsnprintf (r->path + k, r->plen - (size_t) k, fmt, ap);
  va_end (ap);
  return r->path;
}

/* file names from format and tensor names: letters, digits, '.', '-', '_' */
static void
safe_name (char *s)
{
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')
          || *s == '.' || *s == '-' || *s == '_'))
      *s = '_';
}

static void
html_text (FILE *fp, const char *s)
{
  for (; *s; s++)
    switch (*s)
      {
      case '<': fputs ("&lt;", fp); break;
      case '>': fputs ("&gt;", fp); break;
      case '&': fputs ("&amp;", fp); break;
      case '"': fputs ("&quot;", fp); break;
      default: fputc (*s, fp);
      }
}

/* ---- the index: every section writes through these --------------------------------- */

static void
report_heading (report *r, const char *title)
{
  fprintf (r->mb, "\n## %s\n\n", title);
  if (r->ntoc < 64)
    r->toc[r->ntoc] = title;
  fprintf (r->hb, "<h2 id=\"s%zu\">", r->ntoc++);
  html_text (r->hb, title);
  fputs ("</h2>\n", r->hb);
}

static void
report_para (report *r, const char *text)
{
  fprintf (r->mb, "%s\n\n", text);
  fputs ("<p>", r->hb);
  html_text (r->hb, text);
  fputs ("</p>\n", r->hb);
}

static void
report_link (report *r, const char *file, const char *what)
{
  fprintf (r->mb, "- [%s](%s): %s\n", file, file, what);
  fputs ("<li><a href=\"", r->hb);
  html_text (r->hb, file);
  fputs ("\">", r->hb);
  html_text (r->hb, file);
  fputs ("</a>: ", r->hb);
  html_text (r->hb, what);
  fputs ("</li>\n", r->hb);
}

static void
progress (report *r, const char *what)
{
  r->step++;
  fprintf (stderr, "report: [%zu/%zu] %s (%.1f s)\n", r->step, r->nsteps, what, now () - r->t0);
}

/* A chart made by draw (already written to DIR/file), its sentence and its finding. */
static void
report_chart (report *r, const char *file, const char *title, const char *shows,
              const char *finding)
{
  r->charts++;
  fprintf (r->mb, "### %s\n\n![%s](%s)\n\n%s %s\n\n", title, title, file, shows,
           finding);
  fputs ("<figure><h3>", r->hb);
  html_text (r->hb, title);
  fputs ("</h3><a href=\"", r->hb);
  html_text (r->hb, file);
  fputs ("\"><img src=\"", r->hb);
  html_text (r->hb, file);
  fputs ("\" alt=\"", r->hb);
  html_text (r->hb, title);
  fputs ("\"></a><figcaption>", r->hb);
  html_text (r->hb, shows);
  fputs (" <strong>", r->hb);
  html_text (r->hb, finding);
  fputs ("</strong></figcaption></figure>\n", r->hb);
}

static void
chart_failed (report *r, const char *file, const char *err)
{
  /* a chart that cannot be drawn is reported in the index and on stderr; the rest goes on */
  cli_warn ("%s: %s", file, err);
  char text[2600];
  snprintf (text, sizeof text, "Chart %s could not be drawn: %s", file, err);
  report_para (r, text);
}

/* ---- sections ---------------------------------------------------------------------- */

/* The main properties as an HTML table (index.md links formats.md instead), read back
   from the CSV just written so both say the same. */
static void
props_html (report *r)
{
  static const char *const keep[] = { "format", "bits", "max", "min_positive_pow2",
                                      "range_binades", "range_decades", "fraction_bits_at_1",
                                      "nan_codes", "inf_codes", "default_overflow" };
  enum { NKEEP = sizeof keep / sizeof keep[0] };
  FILE *fp = fopen (at (r, "formats.csv"), "r");
  if (!fp)
    return;
  char line[4096];
  int col[NKEEP];
  int header = 1;
  fputs ("<details open><summary>Properties of the formats (from formats.csv)</summary>\n<table>\n",
         r->hb);
  while (fgets (line, sizeof line, fp))
    {
      line[strcspn (line, "\r\n")] = 0;
      char *field[64];
      int nf = 0;
      for (char *p = line; nf < 64; )
        {
          field[nf++] = p;
          char *c = strchr (p, ',');
          if (!c)
            break;
          *c = 0;
          p = c + 1;
        }
      if (header)
        {
          for (int k = 0; k < NKEEP; k++)
            {
              col[k] = -1;
              for (int j = 0; j < nf; j++)
                if (strcmp (field[j], keep[k]) == 0)
                  col[k] = j;
            }
          fputs ("<tr>", r->hb);
          for (int k = 0; k < NKEEP; k++)
            {
              fputs ("<th>", r->hb);
              html_text (r->hb, keep[k]);
              fputs ("</th>", r->hb);
            }
          fputs ("</tr>\n", r->hb);
          header = 0;
          continue;
        }
      fputs ("<tr>", r->hb);
      for (int k = 0; k < NKEEP; k++)
        {
          fputs ("<td>", r->hb);
          if (col[k] >= 0 && col[k] < nf)
            html_text (r->hb, field[col[k]]);
          fputs ("</td>", r->hb);
        }
      fputs ("</tr>\n", r->hb);
    }
  fputs ("</table></details>\n", r->hb);
  fclose (fp);
}

static void
section_tables (report *r)
{
  static const struct { const char *file; cli_style style; } tables[] = {
    { "formats.csv", CLI_CSV }, { "formats.json", CLI_JSON }, { "formats.md", CLI_MD }
  };
  progress (r, "format tables");
  for (size_t t = 0; t < 3; t++)
    {
      cli_out o;
      cli_write_props (cli_out_open (&o, at (r, "%s", tables[t].file)), r->f, r->nf,
                       tables[t].style, 0);
      cli_out_commit (&o);
    }
  cli_out o;
  cli_write_profiles (cli_out_open (&o, at (r, "accuracy.csv")), r->f, r->nf, CLI_CSV);
  cli_out_commit (&o);
  make_dirs (at (r, "values"));
  size_t nvalues = 0;
  for (size_t i = 0; i < r->nf; i++)
    {
      if (fl_format_bits (r->f[i]) > 16)
        continue;
      char name[256];
      snprintf (name, sizeof name, "%s", fl_format_name (r->f[i]));
      safe_name (name);
      cli_write_values (cli_out_open (&o, at (r, "values/%s.csv", name)), r->f[i], CLI_CSV, 0, 0,
                        fl_format_ncodes_minus1 (r->f[i]));
      cli_out_commit (&o);
      nvalues++;
    }
  report_heading (r, "Tables");
  char text[256];
  snprintf (text, sizeof text, "Properties of %zu formats (as 'fmtlab info'), their decimal "
            "accuracy by binade, and every value of the %zu formats of at most 16 bits.",
            r->nf, nvalues);
  report_para (r, text);
  fputs ("<ul>\n", r->hb);
  report_link (r, "formats.md", "properties (Markdown); also formats.csv and formats.json");
  report_link (r, "formats.csv", "properties, one row per format (pandas.read_csv)");
  report_link (r, "formats.json", "properties as JSON");
  report_link (r, "accuracy.csv", "worst and mean decimal accuracy per binade per format");
  report_link (r, "values/", "every code of each format with its exact value (values/FORMAT.csv)");
  fputs ("</ul>\n", r->hb);
  fputs ("\n", r->mb);
  props_html (r);
}

static fl_format **
parse_list (const char *const *names, size_t n)
{
  fl_format **f = malloc (n * sizeof *f);
  if (!f)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  for (size_t i = 0; i < n; i++)
    f[i] = cli_format (names[i]);
  return f;
}

static void
free_list (fl_format **f, size_t n)
{
  for (size_t i = 0; i < n; i++)
    fl_format_free (f[i]);
  free (f);
}

static void
section_accuracy (report *r)
{
  report_heading (r, "Accuracy and value density");
  static const struct { const char *const *names; const char *tag, *title; } sets[] = {
    { acc8, "8", "8-bit formats" }, { acc16, "16", "16-bit formats" }
  };
  char err[1024], finding[2048], file[128], title[256];
  for (size_t s = 0; s < 2; s++)
    {
      fl_format **f = parse_list (sets[s].names, 4);
      snprintf (file, sizeof file, "charts/accuracy-%s.png", sets[s].tag);
      progress (r, file);
      snprintf (title, sizeof title, "Decimal accuracy against magnitude, %s", sets[s].title);
      fl_plot_page pg = { 0, 0, title };
      if (cli_chart_accuracy (at (r, "%s", file), &pg, f, 4, finding, sizeof finding, err,
                              sizeof err) == FL_OK)
        report_chart (r, file, title, "Decimal digits a value keeps when rounded to nearest "
                      "(Gustafson's measure, -log10|log10(x'/x)|), mean and worst case per "
                      "binade, against log2 of the magnitude; the bars under it are each "
                      "format's dynamic range.", finding);
      else
        chart_failed (r, file, err);
      snprintf (file, sizeof file, "charts/density-%s.png", sets[s].tag);
      progress (r, file);
      snprintf (title, sizeof title, "Value density: codes per binade, %s", sets[s].title);
      if (cli_chart_density (at (r, "%s", file), &pg, f, 4, finding, sizeof finding, err,
                             sizeof err) == FL_OK)
        report_chart (r, file, title, "How many positive values each format has in each "
                      "binade [2^k, 2^(k+1)): where it spends its codes.", finding);
      else
        chart_failed (r, file, err);
      free_list (f, 4);
    }
}

static void
section_closure (report *r)
{
  report_heading (r, "Closure of arithmetic");
  report_para (r, "For every pair of codes of an 8-bit format, what the correctly rounded "
               "operation gives (reference arithmetic, nearest-even, the format's own overflow "
               "rule), operands in value order.");
  char err[1024], finding[2048], file[128], title[256];
  for (size_t i = 0; i < sizeof closures / sizeof closures[0]; i++)
    {
      fl_format *f = cli_format (closures[i].format);
      fl_op op;
      if (fl_op_parse (closures[i].op, &op) != 0)
        cli_die (CLI_EXIT_USAGE, "internal: unknown op %s", closures[i].op);
      snprintf (file, sizeof file, "charts/closure-%s-%s.png", closures[i].format, closures[i].op);
      progress (r, file);
      snprintf (title, sizeof title, "Closure map of %s %s", closures[i].format, closures[i].op);
      if (cli_chart_closure (at (r, "%s", file), NULL, f, op, NULL, finding, sizeof finding, err,
                             sizeof err) == FL_OK)
        report_chart (r, file, title, "Each pixel is one pair (a, b): exact, rounded, "
                      "underflow (tiny and inexact), overflow, divide by zero or NaN.", finding);
      else
        chart_failed (r, file, err);
      fl_format_free (f);
    }
}

static void
hist_chart (report *r, const char *spec, const char *label)
{
  char err[1024], finding[4096], file[512], title[512];
  char name[256];
  snprintf (name, sizeof name, "%s", label);
  safe_name (name);
  snprintf (file, sizeof file, "charts/hist-%s.png", name);
  progress (r, file);
  cli_source src;
  fl_status st = cli_source_open (&src, spec, err, sizeof err);
  if (st == FL_OK)
    {
      st = cli_chart_hist (at (r, "%s", file), NULL, &src, (char *const *) hist_formats,
                           sizeof hist_formats / sizeof hist_formats[0], HIST_SCALE, 120,
                           finding, sizeof finding, err, sizeof err);
      cli_source_close (&src);
    }
  snprintf (title, sizeof title, "Histogram of %s with e4m3fn, e5m2, int8 and mxfp4", label);
  if (st == FL_OK)
    report_chart (r, file, title, "The histogram of log2|x| (and of x) with each candidate's "
                  "range and grid (scalar formats scaled by absmax / max; MX blocks bring their "
                  "own scales); hatched: the mass it flushes to zero or clips.", finding);
  else
    chart_failed (r, file, err);
}

static void
section_synthetic (report *r)
{
  report_heading (r, "Synthetic distributions");
  report_para (r, "The embedded distributions (10^6 elements each, fixed seeds): N(0,1), "
               "Laplace(1), Student-t(3) and a log-normal mixture with rare large outliers.");
  for (size_t i = 0; i < sizeof synthetic / sizeof synthetic[0]; i++)
    {
      char spec[64];
      snprintf (spec, sizeof spec, "synthetic:%s", synthetic[i]);
      hist_chart (r, spec, spec);
    }
}

static void
section_tensors (report *r)
{
  if (r->nin == 0)
    return;
  report_heading (r, "Tensors");
  char err[1024];
  for (size_t k = 0; k < r->nin; k++)
    {
      fl_tensor_file *tf;
      if (fl_tensor_open (r->in[k], NULL, &tf, err, sizeof err) != FL_OK)
        {
          chart_failed (r, r->in[k], err);
          continue;
        }
      size_t shown = 0;
      for (size_t i = 0; i < fl_tensor_file_count (tf) && shown < MAX_TENSORS_PER_FILE; i++)
        {
          const fl_tensor_info *ti = fl_tensor_file_info (tf, i);
          if (!ti->readable || ti->count == 0)
            continue;
          size_t sl = strlen (r->in[k]) + strlen (ti->name) + 2;
          char *spec = malloc (sl);
          if (!spec)
            cli_die (CLI_EXIT_USAGE, "out of memory");
          snprintf (spec, sl, "%s:%s", r->in[k], ti->name);
          /* the chart's name from the file's base name and the tensor's */
          const char *base = strrchr (r->in[k], '/') ? strrchr (r->in[k], '/') + 1 : r->in[k];
          hist_chart (r, spec, spec + (base - r->in[k]));
          free (spec);
          shown++;
        }
      fl_tensor_close (tf);
    }
}

static void
section_results (report *r)
{
  if (!r->table)
    return;
  report_heading (r, "Comparison of formats");
  char text[1200];
  snprintf (text, sizeof text, "From the result table %s.", r->table);
  report_para (r, text);
  char err[1024], finding[4096];
  static const struct { const char *file, *title, *shows; int kind; } charts[] = {
    { "charts/sqnr-heatmap.png", "SQNR per tensor and format",
      "Signal-to-quantization-noise ratio (dB, higher is better) of every tensor in every "
      "format.", 0 },
    { "charts/sqnr-bars.png", "SQNR per tensor and format, as bars",
      "The same table as grouped bars.", 1 },
    { "charts/error-bits.png", "Error against bits per element",
      "The mean squared error (mean over the tensors) of the best format of each family at "
      "each width, against its bits per element (scales included).", 2 },
  };
  for (size_t i = 0; i < sizeof charts / sizeof charts[0]; i++)
    {
      progress (r, charts[i].file);
      fl_status st = charts[i].kind < 2
        ? cli_chart_sqnr (at (r, "%s", charts[i].file), NULL, r->table, charts[i].kind,
                          finding, sizeof finding, err, sizeof err)
        : cli_chart_errbits (at (r, "%s", charts[i].file), NULL, r->table, "mse", finding,
                             sizeof finding, err, sizeof err);
      if (st == FL_OK)
        report_chart (r, charts[i].file, charts[i].title, charts[i].shows, finding);
      else
        chart_failed (r, charts[i].file, err);
    }
}

/* The report, in order.  Later sections (compare tables, best formats per bit budget,
   fits, studies) are one function each, added here. */
typedef void (*report_section) (report *r);
static const report_section sections[] = {
  section_tables, section_accuracy, section_closure, section_synthetic, section_tensors,
  section_results,
};

static const char html_head[] =
  "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
  "<title>fmtlab report</title>\n<style>\n"
  "body{font-family:system-ui,-apple-system,'DejaVu Sans',sans-serif;max-width:1180px;"
  "margin:2em auto;padding:0 1em;color:#1a1a1a;background:#fff;line-height:1.45}\n"
  "h1{font-size:1.7em;margin-bottom:.2em}h2{border-bottom:2px solid #0072B2;padding-bottom:.2em;"
  "margin-top:2em}h3{font-size:1.05em;margin:.2em 0 .5em}\n"
  "figure{margin:1.5em 0;padding:1em;border:1px solid #ddd;border-radius:6px}\n"
  "figure img{max-width:100%;height:auto;display:block;margin:0 auto}\n"
  "figcaption{margin-top:.6em;font-size:.95em}\n"
  "a{color:#0072B2}code{background:#f3f3f3;padding:0 .2em}\n"
  "table{border-collapse:collapse;font-size:.85em}td,th{border:1px solid #ccc;padding:.2em .5em;"
  "text-align:right}th{background:#f3f3f3}td:first-child{text-align:left}\n"
  ".meta{color:#555;font-size:.9em}nav{background:#f6f8fa;border:1px solid #ddd;border-radius:6px;"
  "padding:.5em 1em;display:inline-block}nav ol{margin:.3em 0}\n"
  "</style></head><body>\n";

int
cmd_report (int argc, char **argv)
{
  static const struct option opts[] = {
    { "out", required_argument, NULL, 'd' }, { "in", required_argument, NULL, 'i' },
    { "table", required_argument, NULL, 'T' },
    { "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 }
  };
  report r;
  memset (&r, 0, sizeof r);
  r.dir = "notebooks-data/report";
  r.in = calloc ((size_t) argc + 1, sizeof *r.in);
  if (!r.in)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  int opt;
  while ((opt = getopt_long (argc, argv, "hV", opts, NULL)) != -1)
    switch (opt)
      {
      case 'd': r.dir = optarg; break;
      case 'i': r.in[r.nin++] = optarg; break;
      case 'T': r.table = optarg; break;
      case 'h': help (); return 0;
      case 'V': cli_version ();
      default: cli_usage_error ();
      }
  if (!*r.dir)
    cli_die (CLI_EXIT_USAGE, "--out: empty directory name");
  /* every input is checked before anything is written */
  char err[1024];
  size_t ntensor_charts = 0;
  for (size_t k = 0; k < r.nin; k++)
    {
      fl_tensor_file *tf;
      if (fl_tensor_open (r.in[k], NULL, &tf, err, sizeof err) != FL_OK)
        cli_die (CLI_EXIT_USAGE, "%s", err);
      size_t shown = 0;
      for (size_t i = 0; i < fl_tensor_file_count (tf) && shown < MAX_TENSORS_PER_FILE; i++)
        shown += fl_tensor_file_info (tf, i)->readable && fl_tensor_file_info (tf, i)->count > 0;
      ntensor_charts += shown;
      fl_tensor_close (tf);
    }
  if (r.table && access (r.table, R_OK) != 0)
    cli_die (CLI_EXIT_USAGE, "%s: cannot read: %s", r.table, strerror (errno));
  r.nf = optind < argc ? (size_t) (argc - optind) : N_DEFAULT;
  r.f = malloc (r.nf * sizeof *r.f);
  if (!r.f)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  for (size_t i = 0; i < r.nf; i++)
    r.f[i] = cli_format (optind < argc ? argv[optind + (int) i] : default_formats[i]);
  r.plen = strlen (r.dir) + 1024;
  r.path = malloc (r.plen);
  if (!r.path)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  make_dirs (r.dir);
  make_dirs (at (&r, "charts"));
  r.t0 = now ();
  r.nsteps = 1 + 4 + sizeof closures / sizeof closures[0] + sizeof synthetic / sizeof synthetic[0];
  r.nsteps += ntensor_charts;
  if (r.table)
    r.nsteps += 3;

  r.mb = open_memstream (&r.mbuf, &r.mlen);
  r.hb = open_memstream (&r.hbuf, &r.hlen);
  if (!r.mb || !r.hb)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  for (size_t s = 0; s < sizeof sections / sizeof sections[0]; s++)
    sections[s] (&r);
  double total = now () - r.t0;
  if (fclose (r.mb) != 0 || fclose (r.hb) != 0)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  /* the indexes: head, contents, the sections' bodies */
  cli_out md, html;
  FILE *m = cli_out_open (&md, at (&r, "index.md"));
  FILE *h = cli_out_open (&html, at (&r, "index.html"));
  fprintf (m, "# fmtlab report\n\nfmtlab %s. Every value below comes from exact (MPFR) "
           "decoding and correctly rounded reference arithmetic; the charts are drawn from "
           "those results. %zu charts, written in %.1f s by `fmtlab report --out %s`.\n\n",
           fl_version (), r.charts, total, r.dir);
  fputs (html_head, h);
  fprintf (h, "<h1>fmtlab report</h1>\n<p class=\"meta\">fmtlab %s. Every value below "
           "comes from exact (MPFR) decoding and correctly rounded reference arithmetic; the "
           "charts are drawn from those results. %zu charts, written in %.1f s by "
           "<code>fmtlab report --out ", fl_version (), r.charts, total);
  html_text (h, r.dir);
  fputs ("</code>.</p>\n<nav><strong>Contents</strong><ol>\n", h);
  for (size_t i = 0; i < r.ntoc && i < 64; i++)
    {
      fprintf (m, "%zu. %s\n", i + 1, r.toc[i]);
      fprintf (h, "<li><a href=\"#s%zu\">", i);
      html_text (h, r.toc[i]);
      fputs ("</a></li>\n", h);
    }
  fputs ("</ol></nav>\n", h);
  fwrite (r.mbuf, 1, r.mlen, m);
  fwrite (r.hbuf, 1, r.hlen, h);
  fputs ("</body></html>\n", h);
  free (r.mbuf);
  free (r.hbuf);
  cli_out_commit (&md);
  cli_out_commit (&html);
  fprintf (stderr, "report: %zu charts and the tables under %s/ in %.1f s; open %s/index.html\n",
           r.charts, r.dir, total, r.dir);
  /* the properties table on stdout too, so the main job shows its result */
  cli_write_props (stdout, r.f, r.nf, CLI_MD, 0);
  for (size_t i = 0; i < r.nf; i++)
    fl_format_free (r.f[i]);
  free (r.f);
  free (r.path);
  free (r.in);
  return 0;
}
