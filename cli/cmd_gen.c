/* cmd_gen.c -- 'fmtlab gen FORMAT OP (--all | --random N)': TestFloat-layout test vectors. */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
# include <omp.h>
#endif
#include "refcli.h"

static void
help (void)
{
  printf ("Usage: fmtlab gen FORMAT OP (--all | --random N) [options]\n\n"
          "Write test vectors in TestFloat's layout: operands, the correctly rounded result and\n"
          "the flags (2 hex digits: bit0 inexact, bit1 underflow, bit2 overflow, bit3 infinite,\n"
          "bit4 invalid), upper-case fixed-width hex separated by single spaces, one case a line.\n"
          "OP: add sub mul div sqrt fma from_f64 from_f32 to_f64.\n\n"
          "      --all          every operand tuple, first operand slowest: the first line is\n"
          "                     the pair (0, 0); N^k lines for k operands of N codes\n"
          "      --random N     N cases from the seeded counter-based generator (boundary codes\n"
          "                     half of the time: zeros, extremes, powers of two and their\n"
          "                     neighbours, near overflow, subnormals, infinities, NaNs)\n"
          "      --seed S       seed of the random cases (and of --round sr); default 0\n"
          "      --shard K/N    only the K-th of N equal contiguous parts of the cases\n"
          "      --no-flags     omit the flags field\n"
          "      --tininess WHEN  underflow flag with tininess before (default) or after rounding\n"
          "  -o, --output FILE  write FILE (atomically) instead of standard output\n"
          CLI_ROUNDING_HELP
          "  -h, --help  -V, --version\n");
}

#define BLOCK 8192
#define GROUP 64
#define LINE_MAX_CHARS 96

int
cmd_gen (int argc, char **argv)
{
  static const struct option opts[] = {
    CLI_ROUNDING_LONGOPTS, { "all", no_argument, NULL, 'a' },
    { "random", required_argument, NULL, 'n' }, { "shard", required_argument, NULL, 's' },
    { "no-flags", no_argument, NULL, 'F' }, { "tininess", required_argument, NULL, 'T' }, { "output", required_argument, NULL, 'o' },
    { "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 }
  };
  fl_rounding r;
  fl_rounding_init (&r);
  int all = 0, random = 0, with_flags = 1, after = 0, opt;
  uint64_t nrand = 0, sk = 1, sn = 1;
  const char *out = NULL;
  while ((opt = cli_getopt (argc, argv, "r:o:hV", opts)) != -1)
    {
      if (cli_rounding_option (opt, optarg, &r))
        continue;
      switch (opt)
        {
        case 'a': all = 1; break;
        case 'n': random = 1; nrand = cli_parse_ull ("--random", optarg, UINT64_C(1) << 62); break;
        case 's': refcli_shard (optarg, &sk, &sn); break;
        case 'F': with_flags = 0; break;
        case 'T':
          if (strcmp (optarg, "before") && strcmp (optarg, "after"))
            cli_die (CLI_EXIT_USAGE, "--tininess '%s': expected before or after", optarg);
          after = strcmp (optarg, "after") == 0;
          break;
        case 'o': out = optarg; break;
        case 'h': help (); return 0;
        case 'V': cli_version ();
        default: cli_usage_error ();
        }
    }
  if (argc - optind != 2)
    cli_die (CLI_EXIT_USAGE, "expected FORMAT OP (fmtlab gen --help)");
  if (all == random)
    cli_die (CLI_EXIT_USAGE, "expected exactly one of --all and --random N");
  fl_format *f = cli_format (argv[optind]);
  fl_op op = refcli_op (argv[optind + 1]);
  cli_check_rounding (f, &r);
  char err[256];
  fl_gen *g;
  if (fl_gen_new (f, op, &g, err, sizeof err) != FL_OK)
    cli_die (CLI_EXIT_USAGE, "%s", err);
  uint64_t total = nrand;
  if (all && fl_gen_count_all (g, &total) != 0)
    cli_die (CLI_EXIT_USAGE, "%s %s --all would need 2^%u cases; use --random N", fl_format_name (f),
             fl_op_name (op), fl_gen_arity (g) * fl_gen_operand_bits (g, 0));
  uint64_t lo, hi;
  refcli_shard_range (total, sk, sn, &lo, &hi);
  char *buf = malloc ((size_t) GROUP * BLOCK * LINE_MAX_CHARS);
  size_t len[GROUP];
  if (!buf)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  cli_out o;
  FILE *fp = cli_out_open (&o, out);
  int nthreads = 1;
#ifdef _OPENMP
  nthreads = omp_get_max_threads ();
#endif
  fl_oracle **orc = calloc ((size_t) nthreads, sizeof *orc);
  for (int t = 0; t < nthreads; t++)
    {
      if (fl_oracle_new (f, op, &r, &orc[t], err, sizeof err) != FL_OK)
        cli_die (CLI_EXIT_USAGE, "%s", err);
      fl_oracle_set_tininess_after (orc[t], after);
    }
  for (uint64_t g0 = lo; g0 < hi; g0 += (uint64_t) GROUP * BLOCK)
    {
#pragma omp parallel for schedule (dynamic, 1) num_threads (nthreads)
      for (int b = 0; b < GROUP; b++)
        {
          int t = 0;
#ifdef _OPENMP
          t = omp_get_thread_num ();
#endif
          char *p = buf + (size_t) b * BLOCK * LINE_MAX_CHARS;
          uint64_t i0 = g0 + (uint64_t) b * BLOCK;
          size_t l = 0;
          for (uint64_t i = i0; i < i0 + BLOCK && i < hi; i++)
            {
              uint64_t ops[3] = { 0, 0, 0 };
              if (all)
                fl_gen_all (g, i, ops);
              else
                fl_gen_random (g, r.seed, i, ops);
              unsigned fl = 0;
              uint64_t res = fl_oracle_eval (orc[t], ops, &fl);
              l += fl_vec_format_line (p + l, g, ops, res, with_flags, fl);
              p[l++] = '\n';
            }
          len[b] = l;
        }
      for (int b = 0; b < GROUP; b++)
        if (len[b] && fwrite (buf + (size_t) b * BLOCK * LINE_MAX_CHARS, 1, len[b], fp) != len[b])
          {
            cli_out_abort (&o);
            cli_die (CLI_EXIT_USAGE, "cannot write the vectors");
          }
    }
  cli_out_commit (&o);
  for (int t = 0; t < nthreads; t++)
    fl_oracle_free (orc[t]);
  free (orc);
  free (buf);
  fl_gen_free (g);
  fl_format_free (f);
  return 0;
}
