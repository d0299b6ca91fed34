/* cmd_values.c -- 'fmtlab values FORMAT': every code, its exact value and class. */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "parse.h"

static void
help (void)
{
  printf ("Usage: fmtlab values FORMAT [options]\n\n"
          "Print every code of FORMAT, one per line: CODE VALUE CLASS.  CODE is lowercase\n"
          "hex, VALUE the exact value as a C99 hexfloat (inf, -inf, nan), CLASS one of\n"
          "zero normal subnormal inf nan.\n\n"
          "  --range LO:HI     only codes LO to HI (hex); required above %d bits\n"
          "  --prec P          round irrational values to P bits (default 113)\n"
          "  --csv, --json, --md   tables with headers\n"
          "  -o, --output FILE write FILE (atomically) instead of standard output\n"
          "  -h, --help  -V, --version\n", FL_GRID_MAX_BITS);
}

int
cmd_values (int argc, char **argv)
{
  static const struct option opts[] = {
    CLI_STYLE_LONGOPTS, { "range", required_argument, NULL, 'R' },
    { "prec", required_argument, NULL, 'p' }, { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' }, { NULL, 0, NULL, 0 }
  };
  cli_style style = CLI_TEXT;
  const char *out = NULL, *range = NULL;
  mpfr_prec_t prec = 0;
  int opt;
  while ((opt = cli_getopt (argc, argv, "o:hV", opts)) != -1)
    if (!cli_style_option (opt, optarg, &style, &out))
      switch (opt)
      {
      case 'R': range = optarg; break;
      case 'p': prec = (mpfr_prec_t) cli_parse_ull ("--prec", optarg, 100000); break;
      case 'h': help (); return 0;
      case 'V': cli_version ();
      default: cli_usage_error ();
      }
  if (optind + 1 != argc)
    cli_die (CLI_EXIT_USAGE, "expected exactly one FORMAT (fmtlab values --help)");
  fl_format *f = cli_format (argv[optind]);
  uint64_t lo = 0, hi = fl_format_ncodes_minus1 (f);
  if (range)
    {
      char err[CLI_MSG_MAX];
      if (cli_parse_range (range, fl_format_ncodes_minus1 (f), &lo, &hi, err, sizeof err) != 0)
        cli_die (CLI_EXIT_USAGE, "%s (the %u-bit codes of %s)", err, fl_format_bits (f),
                 fl_format_name (f));
    }
  else if (fl_format_bits (f) > FL_GRID_MAX_BITS)
    cli_die (CLI_EXIT_USAGE, "format '%s' has 2^%u codes; list a part with --range LO:HI",
             fl_format_name (f), fl_format_bits (f));
  cli_out o;
  FILE *fp = cli_out_open (&o, out);
  cli_write_values (fp, f, style, prec, lo, hi);
  cli_out_commit (&o);
  fl_format_free (f);
  return 0;
}
