/* cmd_ref.c -- 'fmtlab ref FORMAT OP CODE...': one correctly rounded operation. */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#include "refcli.h"

static void
help (void)
{
  printf ("Usage: fmtlab ref FORMAT OP CODE... [options]\n\n"
          "Print the code of the correctly rounded result of OP on the codes (hex).\n"
          "OP: add sub mul div sqrt fma (a*b+c, one rounding), from_f64 from_f32 (the operand is\n"
          "a binary64/binary32 bit pattern), to_f64 (prints a binary64 bit pattern), and fdp\n"
          "A1..An B1..Bn: the exactly rounded dot product (one rounding).\n"
          "Special values follow the family's rules: IEEE 754 for IEEE-like formats, NaN or\n"
          "saturation where a format has no infinity (the overflow policy), code 0 plus the\n"
          "invalid flag where a format without NaN would need one (see README).\n\n"
          CLI_ROUNDING_HELP
          "      --flags       also print the exception flags\n"
          "      --value       also print the exact value of the result\n"
          "      --tininess WHEN  underflow with tininess before (default) or after rounding\n"
          "  -h, --help  -V, --version\n");
}

int
cmd_ref (int argc, char **argv)
{
  static const struct option opts[] = {
    CLI_ROUNDING_LONGOPTS, { "flags", no_argument, NULL, 'f' },
    { "value", no_argument, NULL, 'v' }, { "tininess", required_argument, NULL, 'T' },
    { "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 }
  };
  fl_rounding r;
  fl_rounding_init (&r);
  int show_flags = 0, show_value = 0, after = 0, opt;
  while ((opt = cli_getopt (argc, argv, "r:hV", opts)) != -1)
    {
      if (cli_rounding_option (opt, optarg, &r))
        continue;
      switch (opt)
        {
        case 'f': show_flags = 1; break;
        case 'v': show_value = 1; break;
        case 'T':
          if (strcmp (optarg, "before") && strcmp (optarg, "after"))
            cli_die (CLI_EXIT_USAGE, "--tininess '%s': expected before or after", optarg);
          after = strcmp (optarg, "after") == 0;
          break;
        case 'h': help (); return 0;
        case 'V': cli_version ();
        default: cli_usage_error ();
        }
    }
  if (argc - optind < 2)
    cli_die (CLI_EXIT_USAGE, "expected FORMAT OP CODE... (fmtlab ref --help)");
  fl_format *f = cli_format (argv[optind]);
  fl_op op = refcli_op (argv[optind + 1]);
  cli_check_rounding (f, &r);
  char **codes = argv + optind + 2;
  int nc = argc - optind - 2;
  unsigned fl = 0;
  uint64_t res;
  const fl_format *rf = f;
  fl_ref *ref = NULL;
  {
    char err[256];
    if (fl_ref_rounding_ok (f, op, &r, err, sizeof err) != FL_OK)
      cli_die (CLI_EXIT_USAGE, "%s", err);
  }
  if (op == FL_OP_FDP)
    {
      if (nc % 2)
        cli_die (CLI_EXIT_USAGE, "fdp: expected A1..An B1..Bn, an even number of codes (got %d)", nc);
      size_t n = (size_t) nc / 2;
      uint64_t *a = malloc ((n + 1) * sizeof *a), *b = malloc ((n + 1) * sizeof *b);
      if (!a || !b)
        cli_die (CLI_EXIT_USAGE, "out of memory");
      for (size_t i = 0; i < n; i++)
        {
          a[i] = refcli_code ("code", codes[i], fl_format_bits (f));
          b[i] = refcli_code ("code", codes[n + i], fl_format_bits (f));
        }
      res = fl_ref_fdp (f, a, b, n, &r, &fl);
      free (a);
      free (b);
    }
  else
    {
      char err[256];
      if ((int) fl_op_arity (op) != nc)
        cli_die (CLI_EXIT_USAGE, "%s takes %u operand%s, got %d", fl_op_name (op), fl_op_arity (op),
                 fl_op_arity (op) == 1 ? "" : "s", nc);
      if (fl_ref_new (f, op, &ref, err, sizeof err) != FL_OK)
        cli_die (CLI_EXIT_USAGE, "%s", err);
      uint64_t a[3] = { 0, 0, 0 };
      for (int i = 0; i < nc; i++)
        a[i] = refcli_code ("code", codes[i], fl_format_bits (fl_ref_operand_format (ref, (unsigned) i)));
      rf = fl_ref_result_format (ref);
      fl_ref_set_tininess_after (ref, after);
      res = fl_ref_eval (ref, a, &r, &fl);
    }
  printf ("%0*llx", cli_code_digits (rf), (unsigned long long) res);
  if (show_value)
    {
      char v[256];
      refcli_value (v, sizeof v, rf, res);
      printf (" %s", v);
    }
  if (show_flags)
    {
      char t[96];
      cli_flags_text (fl, t, sizeof t);
      printf (" %s", t);
    }
  printf ("\n");
  fl_ref_free (ref);
  fl_format_free (f);
  return 0;
}
