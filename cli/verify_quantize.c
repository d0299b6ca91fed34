/* verify_quantize.c -- 'fmtlab verify FORMAT quantize --in X --got Y': another
   implementation's quantized tensor against fmtlab's result, element by element. */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <fmtlab/scale.h>
#include "tensorcli.h"

static void
help (void)
{
  printf ("Usage: fmtlab verify FORMAT quantize --in X[:GLOB] --got Y [options]\n\n"
          "Check Y, another implementation's quantization of the tensors of X to FORMAT\n"
          "(scalar or block), against fmtlab's: q = s * decode (encode (x / s)) with the\n"
          "scale strategy of 'fmtlab compare' (x / s and s * value in binary64, RNE; codes by\n"
          "the correctly rounded encoder's fast path, proven equal to it).  Tensors are\n"
          "paired by name (or the only one with the only one).  Values are compared after\n"
          "rounding fmtlab's value to Y's dtype; with --codes Y holds codes (a block format's\n"
          "element codes).  Each mismatch is printed (tensor, index, input, expected, got,\n"
          "with codes and decoded values), then a last line 'N cases, M mismatches'.  Exit\n"
          "status 1 when M > 0.  NaN matches any NaN.\n\n"
          "  -i, --in X[:GLOB]      the input tensors\n"
          "      --got Y            the tensors to check\n"
          CLI_SCALE_HELP
          "      --codes            Y holds codes, not values\n"
          "      --max-report N     print at most N mismatches (default 20)\n"
          CLI_ROUNDING_HELP
          "  -h, --help  -V, --version\n");
}

/* fmtlab's value as the dtype of got holds it: binary32, binary16 or bfloat16 by RNE */
static double
as_dtype (double v, fl_dtype dt, fl_format *f16, fl_format *bf16)
{
  if (dt == FL_DT_F32)
    return (double) (float) v;
  if (dt == FL_DT_F16 || dt == FL_DT_BF16)
    {
      fl_format *f = dt == FL_DT_F16 ? f16 : bf16;
      fl_rounding r;
      fl_rounding_init (&r);
      uint64_t c;
      double out;
      fl_encode_doubles (f, &v, &c, 1, &r, NULL);
      fl_decode_doubles (f, &c, &out, 1);
      return out;
    }
  return v;
}

static int
same_value (double a, double b)
{
  return (isnan (a) && isnan (b)) || a == b;
}

int
cli_verify_quantize (int argc, char **argv)
{
  static const struct option opts[] = {
    CLI_QUANT_LONGOPTS,
    { "in", required_argument, NULL, 'i' }, { "got", required_argument, NULL, 'G' },
    { "codes", no_argument, NULL, 'c' }, { "max-report", required_argument, NULL, 'm' },
    { "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 }
  };
  cli_quant_args qa;
  cli_quant_args_init (&qa);
  const char *in = NULL, *got = NULL;
  int codes = 0, opt;
  unsigned long long max_report = 20;
  optind = 1;
  while ((opt = getopt_long (argc, argv, "i:s:g:r:hV", opts, NULL)) != -1)
    {
      if (cli_quant_option (opt, optarg, &qa))
        continue;
      switch (opt)
        {
        case 'i': in = optarg; break;
        case 'G': got = optarg; break;
        case 'c': codes = 1; break;
        case 'm': max_report = cli_parse_ull ("--max-report", optarg, 1000000000); break;
        case 'h': help (); return 0;
        case 'V': cli_version ();
        default: cli_usage_error ();
        }
    }
  if (argc - optind != 2 || strcmp (argv[optind + 1], "quantize") != 0)
    cli_die (CLI_EXIT_USAGE, "expected FORMAT quantize (fmtlab verify FORMAT quantize --help)");
  if (!in || !got)
    cli_die (CLI_EXIT_USAGE, "expected --in X and --got Y (fmtlab verify FORMAT quantize --help)");
  fl_quantizer *qz = cli_quantizer (argv[optind], &qa, NULL);
  cli_tsource xs, ys;
  cli_tsource_open (&xs, in);
  cli_tsource_open (&ys, got);
  fl_format *f16 = cli_format ("fp16"), *bf16 = cli_format ("bf16");
  fl_format *elem = NULL;
  if (codes || !fl_quantizer_is_block (qz))
    elem = cli_format (fl_quantizer_is_block (qz)
                       ? fl_format_name (fl_block_elem (fl_quantizer_block (qz)))
                       : fl_quantizer_format_name (qz));
  int digits = elem ? cli_code_digits (elem) : 2;
  uint64_t cases = 0, mismatches = 0;
  for (size_t j = 0; j < xs.nsel; j++)
    {
      const fl_tensor_info *t = cli_tsource_info (&xs, j), *u = NULL;
      size_t uj = 0;
      for (size_t k = 0; k < ys.nsel; k++)
        if (strcmp (cli_tsource_info (&ys, k)->name, t->name) == 0)
          u = cli_tsource_info (&ys, uj = k);
      if (!u && xs.nsel == 1 && ys.nsel == 1)
        u = cli_tsource_info (&ys, uj = 0);
      if (!u)
        cli_die (CLI_EXIT_USAGE, "%s: no tensor '%s' to compare with", ys.label, t->name);
      if (!t->readable || !u->readable)
        cli_die (CLI_EXIT_USAGE, "tensor '%s': a type fmtlab does not read", t->name);
      if (u->count != t->count)
        cli_die (CLI_EXIT_USAGE, "%s: tensor '%s' has %llu elements, the input %llu", ys.label,
                 u->name, (unsigned long long) u->count, (unsigned long long) t->count);
      size_t n = (size_t) t->count;
      double *x = malloc ((n ? n : 1) * sizeof *x), *q = malloc ((n ? n : 1) * sizeof *q);
      double *y = malloc ((n ? n : 1) * sizeof *y);
      uint64_t *c = malloc ((n ? n : 1) * sizeof *c), ngroups;
      if (!x || !q || !y || !c)
        cli_die (CLI_EXIT_USAGE, "tensor '%s': out of memory for %zu values", t->name, n);
      cli_tsource_read (&xs, j, 0, n, x);
      cli_tsource_read (&ys, uj, 0, n, y);
      double *scale = cli_quantize_tensor (qz, xs.label, t, x, q, c, &ngroups);
      for (size_t i = 0; i < n; i++)
        {
          int ok;
          double expect = codes ? (double) c[i] : as_dtype (q[i], u->dtype, f16, bf16);
          if (codes)
            ok = y[i] >= 0 && y[i] == (double) c[i];
          else
            ok = same_value (expect, y[i]);
          cases++;
          if (ok)
            continue;
          mismatches++;
          if (mismatches > max_report)
            continue;
          if (codes)
            {
              uint64_t gc = (uint64_t) y[i];
              double ev, gv = NAN;
              fl_decode_doubles (elem, &c[i], &ev, 1);
              if (y[i] >= 0 && y[i] <= (double) fl_format_ncodes_minus1 (elem))
                fl_decode_doubles (elem, &gc, &gv, 1);
              printf ("%s[%zu]: input %a (%.9g) expected %0*llx (%a) got %.0f (%a)\n", t->name,
                      i, x[i], x[i], digits, (unsigned long long) c[i], ev, y[i], gv);
            }
          else if (elem)
            printf ("%s[%zu]: input %a (%.9g) expected %a (%.9g, code %0*llx) got %a (%.9g)\n",
                    t->name, i, x[i], x[i], expect, expect, digits, (unsigned long long) c[i],
                    y[i], y[i]);
          else
            printf ("%s[%zu]: input %a (%.9g) expected %a (%.9g) got %a (%.9g)\n", t->name, i,
                    x[i], x[i], expect, expect, y[i], y[i]);
        }
      free (x);
      free (q);
      free (y);
      free (c);
      free (scale);
    }
  printf ("%llu cases, %llu mismatches\n", (unsigned long long) cases,
          (unsigned long long) mismatches);
  if (fflush (stdout) != 0)
    cli_die (CLI_EXIT_USAGE, "cannot write standard output");
  cli_tsource_close (&xs);
  cli_tsource_close (&ys);
  fl_format_free (f16);
  fl_format_free (bf16);
  if (elem)
    fl_format_free (elem);
  fl_quantizer_free (qz);
  return mismatches ? 1 : 0;
}
