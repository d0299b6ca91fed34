/* cmd_info.c -- 'fmtlab info FORMAT...': properties of formats. */
#include <config.h>
#include <stdlib.h>
#include "cli.h"

static void
help (void)
{
  printf ("Usage: fmtlab info FORMAT... [options]\n\n"
          "Properties of each FORMAT: bits, codes, finite codes, distinct finite values, NaN\n"
          "and Inf codes, negative zero, max, lowest, min positive, min normal, dynamic\n"
          "range in binades and decades (log2 and log10 of max/min positive), the spacing\n"
          "of values just above 1 and the precision it means, the default overflow policy.\n\n"
          "With --csv, a second table follows a blank line: the decimal accuracy profile\n"
          "(Gustafson's -log10|log10(x'/x)|; worst and mean, log-uniform x, per binade).\n\n"
          "  --profile             only the decimal accuracy profile\n"
          "  --no-profile          only the properties\n"
          "  --csv, --json, --md   one table, a row per format\n"
          "  -o, --output FILE     write FILE (atomically) instead of standard output\n"
          "  -h, --help  -V, --version\n");
}

int
cmd_info (int argc, char **argv)
{
  static const struct option opts[] = {
    CLI_STYLE_LONGOPTS, { "help", no_argument, NULL, 'h' },
    { "profile", no_argument, NULL, 'P' }, { "no-profile", no_argument, NULL, 'N' },
    { "version", no_argument, NULL, 'V' }, { NULL, 0, NULL, 0 }
  };
  cli_style style = CLI_TEXT;
  const char *out = NULL;
  int opt, profile = 1, only_profile = 0;
  while ((opt = getopt_long (argc, argv, "o:hV", opts, NULL)) != -1)
    if (!cli_style_option (opt, optarg, &style, &out))
      switch (opt)
      {
      case 'P': only_profile = 1; break;
      case 'N': profile = 0; break;
      case 'h': help (); return 0;
      case 'V': cli_version ();
      default: cli_usage_error ();
      }
  if (optind >= argc)
    cli_die (CLI_EXIT_USAGE, "expected at least one FORMAT (fmtlab info --help)");
  size_t n = (size_t) (argc - optind);
  fl_format **f = malloc (n * sizeof *f);
  if (!f)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  /* scalar formats, and block formats (cmd_blocks.c) where the scalar parser fails */
  char **bn = malloc (n * sizeof *bn);
  size_t nf = 0, nb = 0;
  if (!bn)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  for (size_t i = 0; i < n; i++)
    {
      char err[512], berr[512];
      const char *name = argv[optind + (int) i];
      if (!fl_block_name_p (name) && fl_format_parse (name, &f[nf], err, sizeof err) == FL_OK)
        nf++;
      else
        switch (cli_block_probe (name, berr, sizeof berr))
          {
          case 1: bn[nb++] = argv[optind + (int) i]; break;
          case -1: cli_die (CLI_EXIT_USAGE, "%s", berr);
          default: cli_die (CLI_EXIT_USAGE, "%s", err);
          }
    }
  if (nf && nb && style != CLI_TEXT)
    cli_die (CLI_EXIT_USAGE, "scalar and block formats make different tables: ask for them separately with --csv, --json or --md");
  cli_out o;
  FILE *fp = cli_out_open (&o, out);
  if (nf)
    {
      if (only_profile)
        cli_write_profiles (fp, f, nf, style);
      else
        cli_write_props (fp, f, nf, style, profile && style != CLI_MD);
    }
  if (nb)
    {
      if (nf)
        fputc ('\n', fp);
      cli_write_block_props (fp, bn, nb, style);
    }
  cli_out_commit (&o);
  for (size_t i = 0; i < nf; i++)
    fl_format_free (f[i]);
  free (f);
  free (bn);
  return 0;
}
