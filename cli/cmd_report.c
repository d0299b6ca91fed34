/* cmd_report.c -- 'fmtlab report': the main job.  For now: the property table of the
   common ML formats (CSV, JSON, Markdown) and the value table of each, under
   notebooks-data/, ready for pandas.  Later issues add error, fit and chart sections. */
#include <config.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"

static const char *const default_formats[] = {
  "fp32", "tf32", "bf16", "fp16", "e5m2", "e4m3fn", "e4m3", "e3m4", "e4m3fnuz", "e5m2fnuz",
  "e4m3b11fnuz", "e3m2fn", "e2m3fn", "e2m1fn", "e8m0fnu", "binary8p3se", "binary8p4se",
  "binary8p5sf", "exmy_e3m1", "exmy_e2m2", "fixed8.8", "fixed2.14", "int8", "int4",
  "posit8es0", "posit8es2", "posit16es1", "posit16", "posit32", "lp8es1rs3", "lns8f3", "lns16f8",
};
#define N_DEFAULT (sizeof default_formats / sizeof default_formats[0])

static void
help (void)
{
  printf ("Usage: fmtlab report [--out DIR] [FORMAT...]\n\n"
          "Write the main tables for the common ML formats (or the FORMATs given):\n"
          "  DIR/formats.csv, DIR/formats.json, DIR/formats.md   properties (as 'fmtlab info')\n"
          "  DIR/accuracy.csv                                   decimal accuracy by binade\n"
          "  DIR/values/FORMAT.csv                              every code (formats <= 16 bits)\n"
          "Files are written to temporary names and renamed into place.\n\n"
          "  --out DIR     output directory (default notebooks-data)\n"
          "  -h, --help  -V, --version\n");
}

static void
make_dir (const char *path)
{
  if (mkdir (path, 0777) != 0 && errno != EEXIST)
    cli_die (CLI_EXIT_USAGE, "cannot create directory '%s': %s", path, strerror (errno));
}

int
cmd_report (int argc, char **argv)
{
  static const struct option opts[] = {
    { "out", required_argument, NULL, 'd' }, { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' }, { NULL, 0, NULL, 0 }
  };
  const char *dir = "notebooks-data";
  int opt;
  while ((opt = getopt_long (argc, argv, "hV", opts, NULL)) != -1)
    switch (opt)
      {
      case 'd': dir = optarg; break;
      case 'h': help (); return 0;
      case 'V': cli_version ();
      default: cli_usage_error ();
      }
  size_t n = optind < argc ? (size_t) (argc - optind) : N_DEFAULT;
  fl_format **f = malloc (n * sizeof *f);
  if (!f)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  for (size_t i = 0; i < n; i++)
    f[i] = cli_format (optind < argc ? argv[optind + (int) i] : default_formats[i]);
  make_dir (dir);
  size_t plen = strlen (dir) + 128;
  char *path = malloc (plen);
  if (!path)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  static const struct { const char *file; cli_style style; } tables[] = {
    { "formats.csv", CLI_CSV }, { "formats.json", CLI_JSON }, { "formats.md", CLI_MD }
  };
  for (size_t t = 0; t < 3; t++)
    {
      snprintf (path, plen, "%s/%s", dir, tables[t].file);
      cli_out o;
      cli_write_props (cli_out_open (&o, path), f, n, tables[t].style, 0);
      cli_out_commit (&o);
      fprintf (stderr, "wrote %s\n", path);
    }
  snprintf (path, plen, "%s/accuracy.csv", dir);
  {
    cli_out o;
    cli_write_profiles (cli_out_open (&o, path), f, n, CLI_CSV);
    cli_out_commit (&o);
    fprintf (stderr, "wrote %s\n", path);
  }
  snprintf (path, plen, "%s/values", dir);
  make_dir (path);
  size_t nvalues = 0;
  for (size_t i = 0; i < n; i++)
    {
      if (fl_format_bits (f[i]) > 16)
        continue;
      snprintf (path, plen, "%s/values/%s.csv", dir, fl_format_name (f[i]));
      for (char *p = path + strlen (dir) + 8; *p; p++)
        if (*p == '/' || *p == ':' || *p == ',' || *p == '=')
          *p = '_';
      cli_out o;
      cli_write_values (cli_out_open (&o, path), f[i], CLI_CSV, 0, 0, fl_format_ncodes_minus1 (f[i]));
      cli_out_commit (&o);
      nvalues++;
    }
  fprintf (stderr, "wrote %zu value tables under %s/values/\n", nvalues, dir);
  /* the properties table on stdout too, so the main job shows its result */
  cli_write_props (stdout, f, n, CLI_MD, 0);
  for (size_t i = 0; i < n; i++)
    fl_format_free (f[i]);
  free (f);
  free (path);
  return 0;
}
