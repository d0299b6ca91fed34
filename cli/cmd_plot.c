/* cmd_plot.c -- 'fmtlab plot KIND ... -o FILE': one chart per call (PNG, SVG or PDF by the
   file's extension).  The analyses and the drawing live in analysis/ and plots/; this file
   parses arguments and wires them (through charts.c, shared with 'fmtlab report'). */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "charts.h"

static void
help (void)
{
  printf ("Usage: fmtlab plot KIND [ARGS] -o FILE [options]\n\n"
          "Draw one chart into FILE (.png, .svg or .pdf).  Kinds:\n"
          "  accuracy FORMAT...          decimal accuracy against log2 magnitude (Gustafson),\n"
          "                              each format's dynamic range marked\n"
          "  density FORMAT...           value density: codes per binade (formats <= 20 bits)\n"
          "  closure FORMAT OP           closure map of add, sub, mul or div on a format of at\n"
          "                              most 10 bits: every pair of codes coloured by outcome\n"
          "  hist --in SOURCE --formats F1,F2,...\n"
          "                              histogram of log2|x| and of x of one tensor with each\n"
          "                              format's range and grid, clipped and flushed mass\n"
          "  sqnr --table FILE.csv [--bars]\n"
          "                              SQNR per tensor x format as a heat map (or grouped\n"
          "                              bars) from the CSV of 'fmtlab compare --csv'\n"
          "  errbits --table FILE.csv [--measure COLUMN]\n"
          "                              error against bits per element, one line per family\n"
          "                              (COLUMN of the table, default mse; averaged over its\n"
          "                              tensors)\n"
          "  study-gupta|study-opal|study-lp|study-decoupleq|study-exmy --in DIR\n"
          "                              a study's chart from the tables 'fmtlab study NAME'\n"
          "                              wrote into DIR (what 'fmtlab study' draws beside them)\n"
          "  study-cer --in DIR|FILE.csv the character error rate by format, from the cer.csv\n"
          "                              of notebooks-data/ocr-cer.sh\n"
          "SOURCE: FILE[:NAME] (a tensor file; NAME or glob selecting one tensor) or\n"
          "synthetic:NAME[:N] (normal, laplace, student3, lognormal; N elements, default 10^6).\n\n"
          "  -o, --output FILE   the chart (required); written to a temporary name and renamed\n"
          "      --title TEXT    replace the chart's title\n"
          "      --width W, --height H   page size in pixels (default about 1100 x 720)\n"
          "  hist, study-*:\n"
          "      --in SOURCE     the tensor (hist); the study's output directory (study-*)\n"
          "      --formats LIST  comma-separated candidates (scalar or block formats)\n"
          "      --scale S       none (default) or absmax (scalar formats: s = absmax / max)\n"
          "      --bins N        bins of each histogram (default 120)\n"
          "  sqnr, errbits:\n"
          "      --table FILE    the result table (CSV with a header)\n"
          "      --bars          sqnr: grouped bars instead of the heat map\n"
          "      --measure COL   errbits: the column to draw (mse, rmse, sqnr_db, ...)\n"
          "  closure:\n"
          CLI_ROUNDING_HELP
          "  -h, --help  -V, --version\n");
}

int
cmd_plot (int argc, char **argv)
{
  static const struct option opts[] = {
    { "output", required_argument, NULL, 'o' }, { "title", required_argument, NULL, 't' },
    { "width", required_argument, NULL, 'W' }, { "height", required_argument, NULL, 'H' },
    { "in", required_argument, NULL, 'i' }, { "formats", required_argument, NULL, 'f' },
    { "scale", required_argument, NULL, 's' }, { "bins", required_argument, NULL, 'b' },
    { "table", required_argument, NULL, 'T' }, { "bars", no_argument, NULL, 'R' },
    { "measure", required_argument, NULL, 'M' },
    CLI_ROUNDING_LONGOPTS,
    { "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 }
  };
  const char *out = NULL, *in = NULL, *formats = NULL, *scale = "none";
  const char *table = NULL, *measure = NULL;
  int bars = 0;
  size_t bins = 120;
  int rounding_given = 0;
  fl_plot_page page = { 0, 0, NULL };
  fl_rounding r;
  fl_rounding_init (&r);
  int opt;
  while ((opt = getopt_long (argc, argv, "o:hV", opts, NULL)) != -1)
    switch (opt)
      {
      case 'o': out = optarg; break;
      case 't': page.title = optarg; break;
      case 'W': page.width = (int) cli_parse_ull ("--width", optarg, 10000); break;
      case 'H': page.height = (int) cli_parse_ull ("--height", optarg, 10000); break;
      case 'i': in = optarg; break;
      case 'f': formats = optarg; break;
      case 's': scale = optarg; break;
      case 'b': bins = (size_t) cli_parse_ull ("--bins", optarg, 100000); break;
      case 'T': table = optarg; break;
      case 'R': bars = 1; break;
      case 'M': measure = optarg; break;
      case 'h': help (); return 0;
      case 'V': cli_version ();
      default:
        if (cli_rounding_option (opt, optarg, &r))
          {
            rounding_given = 1;
            break;
          }
        cli_usage_error ();
      }
  if (optind >= argc)
    cli_die (CLI_EXIT_USAGE, "missing KIND (accuracy, density, closure, hist, sqnr, errbits or "
             "study-*); "
             "see 'fmtlab plot --help'");
  const char *kind = argv[optind++];
  if (!out)
    cli_die (CLI_EXIT_USAGE, "missing -o FILE (the chart: .png, .svg or .pdf)");
  if (!fl_plot_path_ok (out))
    cli_die (CLI_EXIT_USAGE, "%s: a chart file must end in .png, .svg or .pdf", out);
  int is_hist = strcmp (kind, "hist") == 0, is_closure = strcmp (kind, "closure") == 0;
  int is_study = strncmp (kind, "study-", 6) == 0;
  if (!is_hist && (formats || strcmp (scale, "none") || bins != 120))
    cli_die (CLI_EXIT_USAGE, "--formats, --scale and --bins are options of 'plot hist'");
  if (!is_hist && !is_study && in)
    cli_die (CLI_EXIT_USAGE, "--in is an option of 'plot hist' and 'plot study-*'");
  int is_sqnr = strcmp (kind, "sqnr") == 0, is_errbits = strcmp (kind, "errbits") == 0;
  if (!is_sqnr && !is_errbits && table)
    cli_die (CLI_EXIT_USAGE, "--table is an option of 'plot sqnr' and 'plot errbits'");
  if ((!is_sqnr && bars) || (!is_errbits && measure))
    cli_die (CLI_EXIT_USAGE, "--bars is an option of 'plot sqnr', --measure of 'plot errbits'");
  if (!is_closure && rounding_given)
    cli_die (CLI_EXIT_USAGE, "the rounding options are options of 'plot closure'");
  if (bins == 0)
    cli_die (CLI_EXIT_USAGE, "--bins must be at least 1");
  if ((page.width && page.width < 200) || (page.height && page.height < 150))
    cli_die (CLI_EXIT_USAGE, "--width/--height: at least 200 x 150 pixels");
  char err[1024], finding[2048];
  fl_status st;
  size_t nargs = (size_t) (argc - optind);
  if (strcmp (kind, "accuracy") == 0 || strcmp (kind, "density") == 0)
    {
      if (nargs == 0)
        cli_die (CLI_EXIT_USAGE, "plot %s: give at least one FORMAT", kind);
      fl_format **f = malloc (nargs * sizeof *f);
      if (!f)
        cli_die (CLI_EXIT_USAGE, "out of memory");
      for (size_t i = 0; i < nargs; i++)
        f[i] = cli_format (argv[optind + (int) i]);
      st = kind[0] == 'a'
           ? cli_chart_accuracy (out, &page, f, nargs, finding, sizeof finding, err, sizeof err)
           : cli_chart_density (out, &page, f, nargs, finding, sizeof finding, err, sizeof err);
      for (size_t i = 0; i < nargs; i++)
        fl_format_free (f[i]);
      free (f);
    }
  else if (is_closure)
    {
      if (nargs != 2)
        cli_die (CLI_EXIT_USAGE, "plot closure: give FORMAT and OP (add, sub, mul or div)");
      fl_format *f = cli_format (argv[optind]);
      fl_op op;
      if (fl_op_parse (argv[optind + 1], &op) != 0)
        cli_die (CLI_EXIT_USAGE, "'%s': unknown operation (expected add, sub, mul or div)",
                 argv[optind + 1]);
      cli_check_rounding (f, &r);
      st = cli_chart_closure (out, &page, f, op, &r, finding, sizeof finding, err, sizeof err);
      fl_format_free (f);
    }
  else if (is_hist)
    {
      if (nargs != 0)
        cli_die (CLI_EXIT_USAGE, "plot hist: unexpected argument '%s' (use --in and --formats)",
                 argv[optind]);
      if (!in || !formats)
        cli_die (CLI_EXIT_USAGE, "plot hist: --in SOURCE and --formats F1,F2,... are required");
      size_t nc = 0;
      char **cand = NULL;
      cli_split_names (formats, &cand, &nc);
      cli_tsource src;
      cli_tsource_open (&src, in);
      /* one chart, one tensor: the name or glob must select exactly one readable tensor */
      size_t found = 0, which = 0;
      for (size_t j = 0; j < src.nsel; j++)
        if (cli_tsource_info (&src, j)->readable && found++ == 0)
          which = j;
      if (found != 1)
        cli_die (CLI_EXIT_USAGE, "%s: %s", in, found ? "selects several tensors; name one "
                 "(FILE:NAME)" : "selects no readable tensor");
      if (cli_tsource_info (&src, which)->count == 0)
        cli_die (CLI_EXIT_USAGE, "%s: the tensor is empty", in);
      st = cli_chart_hist (out, &page, &src, which, cand, nc, scale, bins, finding,
                           sizeof finding, err, sizeof err);
      cli_tsource_close (&src);
      for (size_t i = 0; i < nc; i++)
        free (cand[i]);
      free (cand);
    }
  else if (is_sqnr || is_errbits)
    {
      if (nargs != 0)
        cli_die (CLI_EXIT_USAGE, "plot %s: unexpected argument '%s' (use --table)", kind,
                 argv[optind]);
      if (!table)
        cli_die (CLI_EXIT_USAGE, "plot %s: --table FILE.csv is required", kind);
      st = is_sqnr ? cli_chart_sqnr (out, &page, table, bars, finding, sizeof finding, err, sizeof err)
                   : cli_chart_errbits (out, &page, table, measure ? measure : "mse", finding,
                                        sizeof finding, err, sizeof err);
    }
  else if (is_study && cli_study_chart_known (kind))
    {
      if (nargs != 0)
        cli_die (CLI_EXIT_USAGE, "plot %s: unexpected argument '%s' (use --in DIR)", kind,
                 argv[optind]);
      if (!in)
        cli_die (CLI_EXIT_USAGE, "plot %s: --in DIR (the study's output directory) is required",
                 kind);
      st = cli_chart_study (kind, in, out, &page, finding, sizeof finding, err, sizeof err);
    }
  else
    cli_die (CLI_EXIT_USAGE, "'%s': unknown chart kind (expected accuracy, density, closure, "
             "hist, sqnr, errbits or study-gupta, -opal, -lp, -decoupleq, -exmy, -cer)", kind);
  if (st != FL_OK)
    cli_die (CLI_EXIT_USAGE, "%s", err);
  fprintf (stderr, "wrote %s\n", out);
  printf ("%s\n", finding);
  return 0;
}
