/* cmd_layerfit.c -- 'fmtlab layerfit --weights W --activations X --elem intB --group G':
   fit one linear layer's weights to grouped B-bit integers against its recorded inputs and
   report the H-weighted layer loss of each method (include/fmtlab/layerfit.h). */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <fmtlab/layerfit.h>
#include <fmtlab/tensor.h>
#include "cli.h"

static void
help (void)
{
  printf ("Usage: fmtlab layerfit --weights SPEC --activations SPEC [--elem intB] [--group G]\n"
          "                       [--methods LIST] [--layout L] [--rounds K] [options]\n\n"
          "Fit a linear layer's weights W to grouped affine B-bit integers (each group of G\n"
          "consecutive inputs of a row has its own float scale s and offset z; a weight is\n"
          "q*s + z, q in [-2^(B-1), 2^(B-1)-1]) against the layer's recorded inputs X, and\n"
          "print the H-weighted layer loss tr((W - Wq) H (W - Wq)^T) of each method, with\n"
          "H = X^T X / N plus 1 %% of its mean diagonal.  Methods: rtn (min/max grid, round to\n"
          "nearest), mse (grid shrunk to the least squared error), gptq (error feedback\n"
          "through the Cholesky factor of H^-1), decoupleq (decoupleQ's alternation of an\n"
          "integer step and a closed-form (s, z) step).  SPEC is FILE or FILE:NAME (.npy, .npz,\n"
          "safetensors, GGUF, ONNX, ...); X's last dimension is the layer's inputs, the others\n"
          "are tokens.\n\n"
          "  -w, --weights SPEC     the weight matrix\n"
          "  -a, --activations SPEC the layer's inputs\n"
          "  -e, --elem intB        B = 2 to 8 (default int2)\n"
          "  -g, --group G          inputs per group, or 'channel' for whole rows (default 64)\n"
          "  -M, --methods LIST     comma-separated (default rtn,mse,gptq,decoupleq)\n"
          "  -L, --layout L         auto (default), out-in (rows are outputs, as PyTorch and\n"
          "                         ONNX Gemm/LSTM store them) or in-out (ONNX MatMul's B);\n"
          "                         auto: the dimension equal to X's columns is the inputs,\n"
          "                         in-out when both are\n"
          "  -k, --rounds K         decoupleQ alternation rounds (default 4)\n"
          "      --steps S          projected-gradient steps per integer step (default 100)\n"
          "  --csv, --json, --md    tables with headers\n"
          "  -o, --output FILE      write FILE (atomically) instead of standard output\n"
          "  -h, --help  -V, --version\n");
}

static void
load (const char *what, const char *spec, double **m, size_t *r, size_t *c)
{
  char err[512];
  if (fl_load_matrix (spec, m, r, c, err, sizeof err) != FL_OK)
    cli_die (CLI_EXIT_USAGE, "%s '%s': %s", what, spec, err);
  for (size_t i = 0; i < *r * *c; i++)
    if (!isfinite ((*m)[i]))
      cli_die (CLI_EXIT_USAGE, "%s '%s': value %zu is NaN or infinite", what, spec, i);
}

int
cmd_layerfit (int argc, char **argv)
{
  static const struct option longopts[] = {
    { "weights", required_argument, NULL, 'w' },
    { "activations", required_argument, NULL, 'a' },
    { "elem", required_argument, NULL, 'e' },
    { "group", required_argument, NULL, 'g' },
    { "methods", required_argument, NULL, 'M' },
    { "layout", required_argument, NULL, 'L' },
    { "rounds", required_argument, NULL, 'k' },
    { "steps", required_argument, NULL, 'T' },
    CLI_STYLE_LONGOPTS,
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 }
  };
  const char *wspec = NULL, *xspec = NULL, *out = NULL, *layout = "auto";
  const char *methods = "rtn,mse,gptq,decoupleq";
  cli_style style = CLI_TEXT;
  fl_layerfit_opts fo;
  fl_layerfit_opts_init (&fo);
  int opt;
  while ((opt = getopt_long (argc, argv, "w:a:e:g:M:L:k:o:hV", longopts, NULL)) != -1)
    {
      if (cli_style_option (opt, optarg, &style, &out))
        continue;
      switch (opt)
        {
        case 'w': wspec = optarg; break;
        case 'a': xspec = optarg; break;
        case 'e':
          {
            char *end;
            if (strncmp (optarg, "int", 3) != 0)
              cli_die (CLI_EXIT_USAGE, "--elem '%s': expected int2 to int8", optarg);
            unsigned long b = strtoul (optarg + 3, &end, 10);
            if (*end || b < 2 || b > 8 || end == optarg + 3)
              cli_die (CLI_EXIT_USAGE, "--elem '%s': expected int2 to int8", optarg);
            fo.bits = (unsigned) b;
            break;
          }
        case 'g':
          if (strcmp (optarg, "channel") == 0 || strcmp (optarg, "-1") == 0)
            fo.group = 0;
          else
            fo.group = cli_parse_ull ("--group", optarg, 1u << 30);
          if (fo.group == 0 && strcmp (optarg, "channel") != 0 && strcmp (optarg, "-1") != 0)
            cli_die (CLI_EXIT_USAGE, "--group 0: give a positive size or 'channel'");
          break;
        case 'M': methods = optarg; break;
        case 'L':
          if (strcmp (optarg, "auto") && strcmp (optarg, "out-in") && strcmp (optarg, "in-out"))
            cli_die (CLI_EXIT_USAGE, "--layout '%s': expected auto, out-in or in-out", optarg);
          layout = optarg;
          break;
        case 'k': fo.rounds = (unsigned) cli_parse_ull ("--rounds", optarg, 1000); break;
        case 'T': fo.pg_steps = (unsigned) cli_parse_ull ("--steps", optarg, 100000); break;
        case 'h': help (); return 0;
        case 'V': cli_version ();
        default: cli_usage_error ();
        }
    }
  if (optind != argc)
    cli_die (CLI_EXIT_USAGE, "unexpected argument '%s' (fmtlab layerfit --help)", argv[optind]);
  if (!wspec || !xspec)
    cli_die (CLI_EXIT_USAGE, "--weights and --activations are required (fmtlab layerfit --help)");
  int use[FL_LFIT_METHODS] = { 0 };
  {
    char *list = strdup (methods), *save = NULL;
    for (char *tok = strtok_r (list, ",", &save); tok; tok = strtok_r (NULL, ",", &save))
      {
        fl_lfit_method m;
        if (fl_lfit_method_parse (tok, &m) != 0)
          cli_die (CLI_EXIT_USAGE, "--methods: unknown method '%s'; expected rtn, mse, gptq, "
                   "decoupleq", tok);
        use[m] = 1;
      }
    free (list);
  }
  double *w, *x;
  size_t wr, wc, N, n;
  load ("--weights", wspec, &w, &wr, &wc);
  load ("--activations", xspec, &x, &N, &n);
  int transpose;
  if (strcmp (layout, "in-out") == 0)
    transpose = 1;
  else if (strcmp (layout, "out-in") == 0)
    transpose = 0;
  else
    transpose = wr == n;
  size_t m = transpose ? wc : wr, cols = transpose ? wr : wc;
  /* H is n x n doubles and every fit is O(m n^2) */
  if (n > 8192)
    cli_die (CLI_EXIT_USAGE, "'%s': %zu inputs per token, more than the 8192 layerfit handles",
             xspec, n);
  if (cols != n)
    cli_die (CLI_EXIT_USAGE, "the weights (%zu x %zu%s) do not take the %zu inputs of '%s'",
             wr, wc, transpose ? ", read as inputs x outputs" : "", n, xspec);
  if (transpose)
    {
      double *t = malloc (wr * wc * sizeof *t);
      if (!t)
        cli_die (CLI_EXIT_USAGE, "out of memory");
      for (size_t i = 0; i < wr; i++)
        for (size_t j = 0; j < wc; j++)
          t[j * wr + i] = w[i * wc + j];
      free (w);
      w = t;
    }
  char err[512];
  double *h = malloc (n * n * sizeof *h), *wq = malloc (m * n * sizeof *wq),
         *zero = calloc (m * n, sizeof *zero);
  if (!h || !wq || !zero)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  if (fl_layerfit_hessian (x, N, n, 0.01, h, err, sizeof err) != FL_OK)
    cli_die (CLI_EXIT_USAGE, "'%s': %s", xspec, err);
  double ref = fl_layer_loss (w, zero, m, n, h), rtn = NAN;
  static const cli_column cols_def[] = {
    { "method", "method" }, { "bits", "bits" }, { "group", "group" }, { "rows", "rows" },
    { "cols", "cols" }, { "tokens", "tokens" }, { "loss", "loss" },
    { "rel_loss", "loss / tr(W H W^T)" }, { "vs_rtn", "loss / rtn loss" }
  };
  enum { NC = sizeof cols_def / sizeof cols_def[0] };
  char *cells = calloc (FL_LFIT_METHODS * NC, CLI_CELL);
  size_t nrows = 0;
  /* rtn first: the others are reported relative to it */
  fl_lfit_method order[FL_LFIT_METHODS] = { FL_LFIT_RTN, FL_LFIT_MSE, FL_LFIT_GPTQ, FL_LFIT_DECOUPLEQ };
  for (int k = 0; k < FL_LFIT_METHODS; k++)
    {
      fl_lfit_method me = order[k];
      if (!use[me] && me != FL_LFIT_RTN)
        continue;
      if (fl_layerfit (w, m, n, h, me, &fo, wq, NULL, NULL, NULL, err, sizeof err) != FL_OK)
        cli_die (CLI_EXIT_USAGE, "%s: %s", fl_lfit_method_name (me), err);
      double l = fl_layer_loss (w, wq, m, n, h);
      if (me == FL_LFIT_RTN)
        rtn = l;
      if (!use[me])
        continue;
      char *c = cells + nrows * NC * CLI_CELL;
      snprintf (c + 0 * CLI_CELL, CLI_CELL, "%s", fl_lfit_method_name (me));
      snprintf (c + 1 * CLI_CELL, CLI_CELL, "%u", fo.bits);
      if (fo.group)
        snprintf (c + 2 * CLI_CELL, CLI_CELL, "%zu", fo.group);
      else
        snprintf (c + 2 * CLI_CELL, CLI_CELL, "channel");
      snprintf (c + 3 * CLI_CELL, CLI_CELL, "%zu", m);
      snprintf (c + 4 * CLI_CELL, CLI_CELL, "%zu", n);
      snprintf (c + 5 * CLI_CELL, CLI_CELL, "%zu", N);
      snprintf (c + 6 * CLI_CELL, CLI_CELL, "%.9g", l);
      snprintf (c + 7 * CLI_CELL, CLI_CELL, "%.6g", l / ref);
      snprintf (c + 8 * CLI_CELL, CLI_CELL, "%.6g", l / rtn);
      nrows++;
    }
  cli_out o;
  FILE *fp = cli_out_open (&o, out);
  cli_write_table (fp, cols_def, NC, cells, nrows, style, NULL, NULL, NULL);
  cli_out_commit (&o);
  free (cells);
  free (h);
  free (wq);
  free (zero);
  free (w);
  free (x);
  return 0;
}
