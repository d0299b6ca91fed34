/* cmd_formats.c -- 'fmtlab formats': families, presets and name syntax, scalar then block
   formats (both catalogues come from the library). */
#include <config.h>
#include <string.h>
#include "cli.h"

static void
help (void)
{
  printf ("Usage: fmtlab formats [--csv]\n\n"
          "List every format family, preset and parameterised name: scalar formats, then\n"
          "block formats (doc/blocks.md).  A scalar name with commas goes in brackets\n"
          "inside a block name: mx:elem=[float:e=4,m=3].\n\n"
          "  --csv        name,family,description\n"
          "  -h, --help   this text\n  -V, --version\n");
}

int
cmd_formats (int argc, char **argv)
{
  static const struct option opts[] = {
    { "csv", no_argument, NULL, 'c' }, { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' }, { NULL, 0, NULL, 0 }
  };
  int csv = 0, opt;
  while ((opt = getopt_long (argc, argv, "hV", opts, NULL)) != -1)
    switch (opt)
      {
      case 'c': csv = 1; break;
      case 'h': help (); return 0;
      case 'V': cli_version ();
      default: cli_usage_error ();
      }
  if (optind < argc)
    cli_die (CLI_EXIT_USAGE, "unexpected argument '%s'", argv[optind]);
  if (csv)
    printf ("name,family,description\n");
  for (int part = 0; part < 2; part++)
    {
      size_t n;
      const fl_catalogue_entry *c = part ? fl_block_catalogue (&n) : fl_format_catalogue (&n);
      for (size_t i = 0; i < n; i++)
        {
          if (csv)
            printf ("\"%s\",%s,\"%s\"\n", c[i].name, c[i].family, c[i].description);
          else
            printf ("%-7s %s\n        %s\n", c[i].family, c[i].name, c[i].description);
        }
    }
  if (!csv)
    printf ("\nRounding modes: rne rna rtz rup rdn rto sr (--round); overflow: sat inf nan "
            "(--overflow).\n");
  return 0;
}
