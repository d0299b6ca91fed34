/* cmd_study.c -- 'fmtlab study NAME': rerun one seed paper's claim (analysis/study*.c) and
   write its tables as CSV, JSON and Markdown, plus summary.md, into a directory. */
#include <config.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <jansson.h>
#include <fmtlab/study.h>
#include "cli.h"
#include "charts.h"

static void
help (void)
{
  printf ("Usage: fmtlab study NAME [--out DIR] [--seed S] [--quick] [options]\n"
          "       fmtlab study --list\n\n"
          "Rerun the central claim of one of fmtlab's seed papers on real data and write its\n"
          "tables into DIR (default notebooks-data/studies/NAME): for each table T, T.csv,\n"
          "T.json (an array of records) and T.md, and summary.md with the findings.  The same\n"
          "seed gives the same tables.  Progress goes to standard error.  doc/studies.md says,\n"
          "for each study, the paper's claim, our setting, our result and the differences.\n\n"
          "  -o, --out DIR       output directory (created; files replaced atomically)\n"
          "  -s, --seed S        seed of every random choice (default 1)\n"
          "  -q, --quick         the reduced sizes CI runs (--list states them)\n"
          "      --data DIR      the recorded models and activations (default\n"
          "                      notebooks-data/cache; doc/data.md); the exmy, lp and opal\n"
          "                      studies read accuracy from DIR/accuracy/ (n/a without it)\n"
          "      --dataset DIR   Fashion-MNIST's IDX files (default\n"
          "                      /usr/share/datasets/fashion-mnist, Debian's dataset-fashion-mnist)\n"
          "  -l, --list          list the studies and what --quick reduces\n"
          "      --no-progress   no progress on standard error\n"
          "  -h, --help  -V, --version\n");
}

static void
progress (void *ctx, const char *stage, double fraction)
{
  const char *name = ctx;
  fprintf (stderr, "\rfmtlab study %s: %-48.48s %5.1f%%", name, stage, 100.0 * fraction);
  if (fraction >= 1.0)
    fputc ('\n', stderr);
  fflush (stderr);
}

/* mkdir -p */
static void
make_dirs (const char *dir)
{
  char *p = strdup (dir);
  if (!p)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  for (char *s = p + 1; ; s++)
    {
      if (*s == '/' || *s == '\0')
        {
          char c = *s;
          *s = '\0';
          if (mkdir (p, 0777) != 0 && errno != EEXIST)
            cli_die (CLI_EXIT_USAGE, "cannot create directory '%s': %s", p, strerror (errno));
          *s = c;
          if (c == '\0')
            break;
        }
    }
  free (p);
  struct stat st;
  if (stat (dir, &st) != 0 || !S_ISDIR (st.st_mode))
    cli_die (CLI_EXIT_USAGE, "'%s' is not a directory", dir);
}

static char *
path_of (const char *dir, const char *stem, const char *ext)
{
  size_t n = strlen (dir) + strlen (stem) + strlen (ext) + 3;
  char *p = malloc (n);
  if (!p)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  snprintf (p, n, "%s/%s%s", dir, stem, ext);
  return p;
}

/* A cell as text; REAL with 17 significant digits (round-trips), unset or non-finite
   empty. */
static void
cell_text (const fl_cell *c, char *buf, size_t n)
{
  buf[0] = '\0';
  if (!c->set)
    return;
  switch (c->type)
    {
    case FL_CELL_INT: snprintf (buf, n, "%lld", (long long) c->v.i); break;
    case FL_CELL_REAL:
      if (isfinite (c->v.r))
        snprintf (buf, n, "%.17g", c->v.r);
      break;
    case FL_CELL_TEXT: snprintf (buf, n, "%s", c->v.s); break;
    }
}

static void
write_csv_field (FILE *fp, const char *s)
{
  if (strpbrk (s, ",\"\n\r") == NULL)
    {
      fputs (s, fp);
      return;
    }
  fputc ('"', fp);
  for (; *s; s++)
    {
      if (*s == '"')
        fputc ('"', fp);
      fputc (*s, fp);
    }
  fputc ('"', fp);
}

static void
write_csv (FILE *fp, const fl_table *t)
{
  char buf[512];
  for (size_t c = 0; c < t->ncols; c++)
    {
      if (c)
        fputc (',', fp);
      write_csv_field (fp, t->col_names[c]);
    }
  fputc ('\n', fp);
  for (size_t r = 0; r < t->nrows; r++)
    {
      for (size_t c = 0; c < t->ncols; c++)
        {
          if (c)
            fputc (',', fp);
          cell_text (fl_table_cell (t, r, c), buf, sizeof buf);
          write_csv_field (fp, buf);
        }
      fputc ('\n', fp);
    }
}

static void
write_json (FILE *fp, const fl_table *t)
{
  json_t *arr = json_array ();
  for (size_t r = 0; r < t->nrows; r++)
    {
      json_t *o = json_object ();
      for (size_t c = 0; c < t->ncols; c++)
        {
          const fl_cell *cell = fl_table_cell (t, r, c);
          json_t *v = json_null ();
          if (cell->set)
            switch (cell->type)
              {
              case FL_CELL_INT: v = json_integer ((json_int_t) cell->v.i); break;
              case FL_CELL_REAL:
                if (isfinite (cell->v.r))
                  v = json_real (cell->v.r);
                break;
              case FL_CELL_TEXT: v = json_string (cell->v.s); break;
              }
          json_object_set_new (o, t->col_names[c], v ? v : json_null ());
        }
      json_array_append_new (arr, o);
    }
  json_dumpf (arr, fp, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
  fputc ('\n', fp);
  json_decref (arr);
}

/* Markdown: reals with 6 significant digits (the CSV and JSON keep them all); a real
   not measured (unset or non-finite: empty in CSV, null in JSON) reads n/a. */
static void
write_md (FILE *fp, const fl_table *t)
{
  char buf[512];
  fprintf (fp, "## %s\n\n|", t->title);
  for (size_t c = 0; c < t->ncols; c++)
    fprintf (fp, " %s |", t->col_names[c]);
  fputs ("\n|", fp);
  for (size_t c = 0; c < t->ncols; c++)
    fputs (t->col_types[c] == FL_CELL_TEXT ? "---|" : "---:|", fp);
  fputc ('\n', fp);
  for (size_t r = 0; r < t->nrows; r++)
    {
      fputc ('|', fp);
      for (size_t c = 0; c < t->ncols; c++)
        {
          const fl_cell *cell = fl_table_cell (t, r, c);
          if (cell->set && cell->type == FL_CELL_REAL && isfinite (cell->v.r))
            snprintf (buf, sizeof buf, "%.6g", cell->v.r);
          else if (cell->type == FL_CELL_REAL)
            snprintf (buf, sizeof buf, "n/a");
          else
            cell_text (cell, buf, sizeof buf);
          fputc (' ', fp);
          for (const char *s = buf; *s; s++)
            {
              if (*s == '|')
                fputc ('\\', fp);
              fputc (*s == '\n' ? ' ' : *s, fp);
            }
          fputs (" |", fp);
        }
      fputc ('\n', fp);
    }
}

static void
write_file (const char *dir, const char *stem, const char *ext, const fl_table *t,
            void (*writer) (FILE *, const fl_table *))
{
  char *path = path_of (dir, stem, ext);
  cli_out o;
  FILE *fp = cli_out_open (&o, path);
  writer (fp, t);
  if (ferror (fp))
    {
      cli_out_abort (&o);
      cli_die (CLI_EXIT_USAGE, "cannot write '%s'", path);
    }
  cli_out_commit (&o);
  free (path);
}

int
cmd_study (int argc, char **argv)
{
  static const struct option longopts[] = {
    { "out", required_argument, NULL, 'o' },
    { "seed", required_argument, NULL, 's' },
    { "quick", no_argument, NULL, 'q' },
    { "data", required_argument, NULL, 'd' },
    { "dataset", required_argument, NULL, 'D' },
    { "list", no_argument, NULL, 'l' },
    { "no-progress", no_argument, NULL, 'P' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 }
  };
  fl_study_opts opts;
  fl_study_opts_init (&opts);
  opts.seed = 1;
  const char *out = NULL;
  int list = 0, show_progress = 1, opt;
  while ((opt = getopt_long (argc, argv, "o:s:qlhV", longopts, NULL)) != -1)
    switch (opt)
      {
      case 'o': out = optarg; break;
      case 's': opts.seed = cli_parse_ull ("seed", optarg, UINT64_MAX); break;
      case 'q': opts.quick = 1; break;
      case 'd': opts.data_dir = optarg; break;
      case 'D': opts.dataset_dir = optarg; break;
      case 'l': list = 1; break;
      case 'P': show_progress = 0; break;
      case 'h': help (); return 0;
      case 'V': cli_version ();
      default: cli_usage_error ();
      }
  size_t n;
  const fl_study *all = fl_study_list (&n);
  if (list)
    {
      for (size_t i = 0; i < n; i++)
        printf ("%-10s %s\n           %s\n", all[i].name, all[i].summary, all[i].quick_sizes);
      return 0;
    }
  if (optind + 1 != argc)
    {
      fprintf (stderr, "fmtlab study: expected one study name (one of:");
      for (size_t i = 0; i < n; i++)
        fprintf (stderr, " %s", all[i].name);
      fprintf (stderr, "); fmtlab study --help\n");
      return CLI_EXIT_USAGE;
    }
  const char *name = argv[optind];
  const fl_study *st = fl_study_find (name);
  if (!st)
    {
      fprintf (stderr, "fmtlab study: unknown study '%s'; expected one of:", name);
      for (size_t i = 0; i < n; i++)
        fprintf (stderr, " %s", all[i].name);
      fputc ('\n', stderr);
      return CLI_EXIT_USAGE;
    }
  char *defdir = NULL;
  if (!out)
    out = defdir = path_of ("notebooks-data/studies", name, "");
  if (show_progress)
    {
      opts.progress = progress;
      opts.progress_ctx = (void *) name;
    }
  fl_study_result res;
  fl_study_result_init (&res);
  char err[512] = "";
  fl_status s = st->run (&opts, &res, err, sizeof err);
  if (s != FL_OK)
    {
      fl_study_result_free (&res);
      cli_die (CLI_EXIT_USAGE, "%s", err[0] ? err : "the study failed");
    }
  make_dirs (out);
  for (size_t i = 0; i < res.ntables; i++)
    {
      const fl_table *t = res.tables[i];
      write_file (out, t->name, ".csv", t, write_csv);
      write_file (out, t->name, ".json", t, write_json);
      write_file (out, t->name, ".md", t, write_md);
    }
  /* the chart beside the tables, drawn from them; a chart that fails leaves the tables */
  char chart_md[4096], chart_err[1024];
  if (cli_study_charts (name, out, chart_md, sizeof chart_md, chart_err, sizeof chart_err)
      != FL_OK)
    {
      cli_warn ("%s (the tables are written)", chart_err);
      chart_md[0] = 0;
    }
  /* summary.md: the findings, the chart, then every table's Markdown */
  char *path = path_of (out, "summary", ".md");
  cli_out o;
  FILE *fp = cli_out_open (&o, path);
  fprintf (fp, "# fmtlab study %s\n\n%s (seed %llu%s)\n\n", name, st->summary,
           (unsigned long long) opts.seed, opts.quick ? ", --quick" : "");
  if (res.summary)
    fprintf (fp, "%s\n", res.summary);
  if (chart_md[0])
    fprintf (fp, "%s\n", chart_md);
  for (size_t i = 0; i < res.ntables; i++)
    {
      write_md (fp, res.tables[i]);
      fprintf (fp, "\n(%s.csv, %s.json)\n\n", res.tables[i]->name, res.tables[i]->name);
    }
  if (ferror (fp))
    {
      cli_out_abort (&o);
      cli_die (CLI_EXIT_USAGE, "cannot write '%s'", path);
    }
  cli_out_commit (&o);
  fprintf (stderr, "fmtlab study %s: %zu tables written to %s\n", name, res.ntables, out);
  free (path);
  free (defdir);
  fl_study_result_free (&res);
  return 0;
}
