/* main.c -- the fmtlab command: dispatch to one subcommand per file. */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#include <getopt.h>
#include "cli.h"

static const cli_command commands[] = {
  { "formats", cmd_formats, "list the format families, presets and name syntax" },
  { "values", cmd_values, "every code of a format with its exact value and class" },
  { "info", cmd_info, "properties of formats: counts, max, min, dynamic range, precision" },
  { "round", cmd_round, "round values to a format, exactly, in any rounding mode" },
  { "report", cmd_report, "the main job: tables, charts and index.html for every data set and the studies, under notebooks-data/report/" },
  { "blocks", cmd_blocks, "quantize blocks of binary32 values to a block format (MX, NVFP4, OPAL, groups)" },
  { "pack", cmd_pack, "pack codes of 1-16 bits densely (8 codes in B bytes)" },
  { "unpack", cmd_unpack, "unpack densely packed codes to one per byte (or word)" },
  { "ref", cmd_ref, "one correctly rounded operation: add sub mul div sqrt fma, conversions, fdp" },
  { "gen", cmd_gen, "test vectors in TestFloat's layout, exhaustive or seeded random" },
  { "plot", cmd_plot, "one chart (PNG/SVG/PDF): accuracy, density, closure map, tensor histogram, SQNR, a study's chart" },
  { "layerfit", cmd_layerfit, "fit a layer's weights to grouped 2-8-bit integers against its inputs (decoupleQ, GPTQ)" },
  { "study", cmd_study, "rerun a seed paper's claim on real data: gupta decoupleq exmy lp opal" },
  { "verify", cmd_verify, "check a vector file or a C function (LIB.so:SYMBOL) against the reference" },
  { "tensors", cmd_tensors, "list the tensors of model files with their statistics" },
  { "quantize", cmd_quantize, "fake-quantize tensors to a format: values or codes to .npy/.safetensors" },
  { "compare", cmd_compare, "the error of each format on each tensor: MSE, SQNR, clipping..." },
  { "fit", cmd_fit, "distribution fits per tensor, and each format's predicted vs measured error" },
  { "search", cmd_search, "the best format per tensor under a bit budget (exhaustive grid)" },
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void
usage (FILE *fp)
{
  fprintf (fp, "Usage: fmtlab COMMAND [options]   (fmtlab COMMAND --help for each)\n\n"
               "Exact facts about low-precision number formats, computed with GNU MPFR.\n\n"
               "Commands:\n");
  for (size_t i = 0; i < N_COMMANDS; i++)
    fprintf (fp, "  %-9s %s\n", commands[i].name, commands[i].summary);
  fprintf (fp, "\nExit status: 0 success, 1 a check found a mismatch, 2 bad usage or input.\n"
               "Options: --help, --version.\n");
}

int
main (int argc, char **argv)
{
  mpfr_set_emin (mpfr_get_emin_min ());
  mpfr_set_emax (mpfr_get_emax_max ());
  if (argc < 2)
    {
      usage (stderr);
      return CLI_EXIT_USAGE;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "help") == 0)
    {
      if (argc > 2 && strcmp (argv[1], "help") == 0)
        {
          char *hargv[] = { argv[2], (char *) "--help", NULL };
          for (size_t i = 0; i < N_COMMANDS; i++)
            if (strcmp (argv[2], commands[i].name) == 0)
              {
                cli_cmd = commands[i].name;
                return commands[i].run (2, hargv);
              }
        }
      usage (stdout);
      return 0;
    }
  if (strcmp (argv[1], "--version") == 0 || strcmp (argv[1], "-V") == 0)
    cli_version ();
  for (size_t i = 0; i < N_COMMANDS; i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      {
        cli_cmd = commands[i].name;
        cli_argc = argc - 1;
        cli_argv = argv + 1;
        opterr = 0;             /* cli_usage_error writes the one line about a bad option */
        return commands[i].run (argc - 1, argv + 1);
      }
  fprintf (stderr, "fmtlab: unknown command '%s'; expected one of:", argv[1]);
  for (size_t i = 0; i < N_COMMANDS; i++)
    fprintf (stderr, " %s", commands[i].name);
  fprintf (stderr, " (fmtlab --help)\n");
  return CLI_EXIT_USAGE;
}
