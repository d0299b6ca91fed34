/* cmd_compare.c -- 'fmtlab compare --in FILE[:GLOB]... --formats F1,F2,...': the error each
   format costs on each tensor (doc/compare.md). */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#include "comparecli.h"

static void
help (void)
{
  printf ("Usage: fmtlab compare --in FILE[:GLOB]... --formats F1,F2,... [options]\n\n"
          "Fake-quantize every selected tensor to every format and print one row per\n"
          "tensor x format (x scale x rounding mode) with the error metrics: MSE, RMSE,\n"
          "SQNR in dB, max abs error, max and mean relative error (nonzero inputs), cosine\n"
          "similarity, clipped and flushed-to-zero shares, code-usage entropy in bits, bits\n"
          "per element including scales, and the mean error (bias, for --round sr).  NaN\n"
          "and Inf inputs are counted and kept out.  FILE may be synthetic:NAME[:N]\n"
          "(normal laplace student3 lognormal).  See doc/compare.md.\n\n"
          "  -i, --in FILE[:GLOB]   input tensors (repeatable; also as arguments)\n"
          "  -f, --formats LIST     scalar or block formats, comma-separated (repeatable)\n"
          "  -s, --scale S          none, absmax (default), percentile:P, mse, kl, pow2;\n"
          "                         a comma-separated list gives a row for each\n"
          "  -g, --granularity G    tensor (default), channel:AXIS, block:K\n"
          "                         (block formats bring their own scales and blocks)\n"
          "  -r, --round MODE       rne (default) rna rtz rup rdn rto sr; repeatable or a list\n"
          "      --overflow POLICY  sat (default with a scale), inf, nan, or the format's own\n"
          "                         (default with --scale none)\n"
          "      --seed S  --sr-bits B  --domain D   as for 'fmtlab round'\n"
          "      --threads N        OpenMP threads (results do not depend on it)\n"
          "  --csv, --json, --md    table style (Markdown by default)\n"
          "  -o, --output FILE      write FILE (atomically) instead of standard output\n"
          "  -h, --help  -V, --version\n");
}

static void
push (char ***v, size_t *n, const char *s)
{
  char **nv = realloc (*v, (*n + 1) * sizeof *nv);
  if (!nv || !(nv[*n] = strdup (s)))
    cli_die (CLI_EXIT_USAGE, "out of memory");
  *v = nv;
  (*n)++;
}

/* a comma-separated list (scales, modes: none of them holds a comma) */
static void
add_list (char ***v, size_t *n, const char *arg)
{
  const char *p = arg;
  while (1)
    {
      const char *c = strchr (p, ',');
      size_t len = c ? (size_t) (c - p) : strlen (p);
      char **nv = realloc (*v, (*n + 1) * sizeof *nv);
      if (!nv || !(nv[*n] = strndup (p, len)))
        cli_die (CLI_EXIT_USAGE, "out of memory");
      *v = nv;
      (*n)++;
      if (!c)
        break;
      p = c + 1;
    }
}

int
cmd_compare (int argc, char **argv)
{
  static const struct option opts[] = {
    CLI_ROUNDING_LONGOPTS, CLI_STYLE_LONGOPTS,
    { "in", required_argument, NULL, 'i' }, { "formats", required_argument, NULL, 'f' },
    { "scale", required_argument, NULL, 's' }, { "granularity", required_argument, NULL, 'g' },
    { "threads", required_argument, NULL, 't' },
    { "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 }
  };
  fl_rounding r;
  fl_rounding_init (&r);
  cli_style style = CLI_MD;
  const char *out = NULL, *gran_arg = "tensor";
  char **ins = NULL, **fmts = NULL, **scales = NULL, **modes = NULL;
  size_t nin = 0, nfmt = 0, nscale = 0, nmode = 0;
  int nthreads = 0, opt;
  while ((opt = getopt_long (argc, argv, "i:f:s:g:r:o:hV", opts, NULL)) != -1)
    {
      if (opt == 'r')
        {
          add_list (&modes, &nmode, optarg);
          continue;
        }
      if (cli_rounding_option (opt, optarg, &r) || cli_style_option (opt, optarg, &style, &out))
        continue;
      switch (opt)
        {
        case 'i': push (&ins, &nin, optarg); break;
        case 'f': cli_split_names (optarg, &fmts, &nfmt); break;
        case 's': add_list (&scales, &nscale, optarg); break;
        case 'g': gran_arg = optarg; break;
        case 't': nthreads = (int) cli_parse_ull ("--threads", optarg, 1024); break;
        case 'h': help (); return 0;
        case 'V': cli_version ();
        default: cli_usage_error ();
        }
    }
  for (int k = optind; k < argc; k++)
    push (&ins, &nin, argv[k]);
  if (nin == 0)
    cli_die (CLI_EXIT_USAGE, "expected --in FILE[:GLOB] (fmtlab compare --help)");
  if (nfmt == 0)
    cli_die (CLI_EXIT_USAGE, "expected --formats F1,F2,... (fmtlab compare --help)");
  if (nscale == 0)
    add_list (&scales, &nscale, "absmax");
  if (nmode == 0)
    add_list (&modes, &nmode, "rne");
  if (style == CLI_TEXT)
    style = CLI_MD;
  if (r.sr_bits)
    {
      int any_sr = 0;
      for (size_t k = 0; k < nmode; k++)
        any_sr |= strcmp (modes[k], "sr") == 0;
      if (!any_sr)
        cli_warn ("--sr-bits has no effect without --round sr");
    }
  /* every format, scale and mode is checked before any tensor is read */
  cli_compare *cmp = cli_compare_new (fmts, nfmt, scales, nscale, modes, nmode, gran_arg, &r,
                                      nthreads);
  cli_tsource *src = calloc (nin, sizeof *src);
  if (!src)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  for (size_t k = 0; k < nin; k++)
    cli_tsource_open (&src[k], ins[k]);

  for (size_t k = 0; k < nin; k++)
    {
      cli_compare_source (cmp, &src[k]);
      cli_tsource_close (&src[k]);
    }
  cli_out o;
  FILE *fp = cli_out_open (&o, out);
  cli_compare_write (cmp, fp, style);
  cli_out_commit (&o);
  cli_compare_free (cmp);
  free (src);
  return 0;
}
