/* cmd_verify.c -- 'fmtlab verify FORMAT OP (--vectors FILE | --impl LIB.so:SYMBOL)': check
   a TestFloat-layout vector file or a C function against the correctly rounded reference. */
#include <config.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "refcli.h"

static void
help (void)
{
  printf ("Usage: fmtlab verify FORMAT OP [options] (--vectors FILE|- | --impl LIB.so:SYMBOL (--all|--random N))\n"
          "       fmtlab verify --merge SUMMARY.json... [--json] [--max-report N]\n\n"
          "Check expected results against fmtlab's correctly rounded reference and print each\n"
          "mismatch (operands, expected, got, and the decoded values), then the last line\n"
          "'N cases, M mismatches'.  Exit 0 iff M = 0, 1 on mismatches, 2 on bad input.\n\n"
          "  --vectors FILE    TestFloat layout: operands result [flags], one case a line,\n"
          "                    fixed-width hex, single spaces, '#' comment lines; '-' is stdin.\n"
          "                    testfloat_gen output for f16/f32/f64 is read as is\n"
          "  --impl LIB.so:SYMBOL  load uint64_t SYMBOL(uint64_t a[, b[, c]]) (codes in the low\n"
          "                    bits; conversions take the source bit pattern) and check it on\n"
          "  --all | --random N    every operand tuple, or N seeded random cases (--seed S)\n"
          "  --shard K/N       only the K-th of N parts (contiguous case ranges; for files,\n"
          "                    the cases whose number is K-1 modulo N)\n"
          "  --merge           sum --json summaries of shards (files given as arguments)\n"
          "  --max-report N    print at most N mismatches (default 20; 0: none)\n"
          "  --strict-nan      NaN results must match code for code (default: any NaN\n"
          "                    matches any NaN, SPEC A10)\n"
          "  --flags           also compare the flags field where the file has one (underflow:\n"
          "                    tininess before rounding, as testfloat_gen -tininessbefore,\n"
          "                    unless --tininess after, testfloat_gen's default)\n"
          "  --tininess WHEN    before (default) or after rounding\n"
          "  --json            a JSON summary on stdout (the last line goes to stderr)\n"
          "  --progress        progress on stderr even when it is not a terminal\n"
          "  --threads T       OpenMP threads (default: all cores; the subject must be\n"
          "                    thread-safe, else use --threads 1)\n"
          CLI_ROUNDING_HELP
          "  -h, --help  -V, --version\n");
}

typedef struct {
  const fl_format *opf, *rf;
  unsigned n;
  int by_line;
} report_ctx;

static void
print_mismatch (FILE *fp, const report_ctx *c, const fl_mismatch *m, int flags)
{
  int ow = (int) ((fl_format_bits (c->opf) + 3) / 4), rw = (int) ((fl_format_bits (c->rf) + 3) / 4);
  char v[256];
  fprintf (fp, "%s %llu:", c->by_line ? "line" : "case", (unsigned long long) m->index);
  for (unsigned k = 0; k < c->n; k++)
    fprintf (fp, " %0*llx", ow, (unsigned long long) m->ops[k]);
  fprintf (fp, " -> expected %0*llx got %0*llx", rw, (unsigned long long) m->expected, rw,
           (unsigned long long) m->got);
  if (flags)
    fprintf (fp, " (flags expected %02x got %02x)", fl_flags_to_testfloat (m->expected_flags),
             fl_flags_to_testfloat (m->got_flags));
  fprintf (fp, ";");
  for (unsigned k = 0; k < c->n; k++)
    {
      refcli_value (v, sizeof v, c->opf, m->ops[k]);
      fprintf (fp, " %s", v);
    }
  refcli_value (v, sizeof v, c->rf, m->expected);
  fprintf (fp, " -> %s", v);
  refcli_value (v, sizeof v, c->rf, m->got);
  fprintf (fp, " got %s\n", v);
}

static json_t *
mismatch_json (const report_ctx *c, const fl_mismatch *m)
{
  char b[32];
  json_t *o = json_object (), *ops = json_array ();
  json_object_set_new (o, c->by_line ? "line" : "case", json_integer ((json_int_t) m->index));
  for (unsigned k = 0; k < c->n; k++)
    {
      snprintf (b, sizeof b, "%0*llx", (int) ((fl_format_bits (c->opf) + 3) / 4), (unsigned long long) m->ops[k]);
      json_array_append_new (ops, json_string (b));
    }
  json_object_set_new (o, "operands", ops);
  snprintf (b, sizeof b, "%0*llx", (int) ((fl_format_bits (c->rf) + 3) / 4), (unsigned long long) m->expected);
  json_object_set_new (o, "expected", json_string (b));
  snprintf (b, sizeof b, "%0*llx", (int) ((fl_format_bits (c->rf) + 3) / 4), (unsigned long long) m->got);
  json_object_set_new (o, "got", json_string (b));
  return o;
}

static int
finish (uint64_t cases, uint64_t mism, int json, json_t *summary)
{
  if (json)
    {
      json_object_set_new (summary, "cases", json_integer ((json_int_t) cases));
      json_object_set_new (summary, "mismatches", json_integer ((json_int_t) mism));
      json_dumpf (summary, stdout, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
      printf ("\n");
      fprintf (stderr, "%llu cases, %llu mismatches\n", (unsigned long long) cases,
               (unsigned long long) mism);
    }
  else
    printf ("%llu cases, %llu mismatches\n", (unsigned long long) cases, (unsigned long long) mism);
  json_decref (summary);
  if (fflush (stdout) != 0)
    cli_die (CLI_EXIT_USAGE, "cannot write standard output: %s", strerror (errno));
  return mism ? 1 : 0;
}

static int
merge (int nfiles, char **files, int json, size_t max_report)
{
  if (nfiles < 1)
    cli_die (CLI_EXIT_USAGE, "--merge: expected one or more JSON summaries");
  uint64_t cases = 0, mism = 0;
  json_t *out = NULL, *list = json_array ();
  static const char *const keys[] = { "format", "op", "round", "overflow", "source", "seed" };
  for (int i = 0; i < nfiles; i++)
    {
      json_error_t je;
      json_t *s = json_load_file (files[i], 0, &je);
      if (!s || !json_is_integer (json_object_get (s, "cases"))
          || !json_is_integer (json_object_get (s, "mismatches")))
        cli_die (CLI_EXIT_USAGE, "--merge: '%s' is not a verify --json summary%s%s", files[i],
                 s ? "" : ": ", s ? "" : je.text);
      if (!out)
        {
          out = json_object ();
          for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            if (json_object_get (s, keys[k]))
              json_object_set (out, keys[k], json_object_get (s, keys[k]));
        }
      else
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
          {
            json_t *a = json_object_get (out, keys[k]), *b = json_object_get (s, keys[k]);
            if ((a || b) && !(a && b && json_equal (a, b)))
              cli_die (CLI_EXIT_USAGE, "--merge: '%s' differs from the first summary in '%s'",
                       files[i], keys[k]);
          }
      cases += (uint64_t) json_integer_value (json_object_get (s, "cases"));
      mism += (uint64_t) json_integer_value (json_object_get (s, "mismatches"));
      json_t *ml = json_object_get (s, "mismatch_list"), *m;
      size_t j;
      json_array_foreach (ml, j, m)
        if (json_array_size (list) < max_report)
          {
            json_array_append (list, m);
            if (!json)
              {
                char *t = json_dumps (m, JSON_COMPACT | JSON_PRESERVE_ORDER);
                printf ("%s: %s\n", files[i], t);
                free (t);
              }
          }
      json_decref (s);
    }
  json_object_set_new (out, "shards", json_integer (nfiles));
  json_object_set_new (out, "mismatch_list", list);
  return finish (cases, mism, json, out);
}

int
cmd_verify (int argc, char **argv)
{
  static const struct option opts[] = {
    CLI_ROUNDING_LONGOPTS, { "vectors", required_argument, NULL, 'v' },
    { "impl", required_argument, NULL, 'i' }, { "all", no_argument, NULL, 'a' },
    { "random", required_argument, NULL, 'n' }, { "shard", required_argument, NULL, 's' },
    { "merge", no_argument, NULL, 'M' }, { "max-report", required_argument, NULL, 'm' },
    { "strict-nan", no_argument, NULL, 'N' }, { "flags", no_argument, NULL, 'f' },
    { "json", no_argument, NULL, 'j' }, { "progress", no_argument, NULL, 'p' },
    { "threads", required_argument, NULL, 't' }, { "tininess", required_argument, NULL, 'T' },
    { "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 }
  };
  /* 'verify FORMAT quantize ...' checks a quantized tensor (verify_quantize.c) */
  for (int k = 1; k < argc; k++)
    if (strcmp (argv[k], "quantize") == 0)
      return cli_verify_quantize (argc, argv);
  fl_verify_opts vo;
  memset (&vo, 0, sizeof vo);
  fl_rounding_init (&vo.r);
  vo.max_report = 20;
  const char *vectors = NULL, *impl = NULL;
  int all = 0, random = 0, do_merge = 0, json = 0, force_progress = 0, opt;
  uint64_t nrand = 0, sk = 1, sn = 1;
  while ((opt = getopt_long (argc, argv, "r:hV", opts, NULL)) != -1)
    {
      if (cli_rounding_option (opt, optarg, &vo.r))
        continue;
      switch (opt)
        {
        case 'v': vectors = optarg; break;
        case 'i': impl = optarg; break;
        case 'a': all = 1; break;
        case 'n': random = 1; nrand = cli_parse_ull ("--random", optarg, UINT64_C(1) << 62); break;
        case 's': refcli_shard (optarg, &sk, &sn); break;
        case 'M': do_merge = 1; break;
        case 'm': vo.max_report = (size_t) cli_parse_ull ("--max-report", optarg, 1000000); break;
        case 'N': vo.strict_nan = 1; break;
        case 'f': vo.check_flags = 1; break;
        case 'j': json = 1; break;
        case 'p': force_progress = 1; break;
        case 't': vo.threads = (int) cli_parse_ull ("--threads", optarg, 4096); break;
        case 'T':
          if (strcmp (optarg, "before") && strcmp (optarg, "after"))
            cli_die (CLI_EXIT_USAGE, "--tininess '%s': expected before or after", optarg);
          vo.tininess_after = strcmp (optarg, "after") == 0;
          break;
        case 'h': help (); return 0;
        case 'V': cli_version ();
        default: cli_usage_error ();
        }
    }
  if (do_merge)
    return merge (argc - optind, argv + optind, json, vo.max_report);
  if (argc - optind != 2)
    cli_die (CLI_EXIT_USAGE, "expected FORMAT OP (fmtlab verify --help)");
  if (!vectors == !impl)
    cli_die (CLI_EXIT_USAGE, "expected exactly one of --vectors FILE and --impl LIB.so:SYMBOL");
  if (impl && all == random)
    cli_die (CLI_EXIT_USAGE, "--impl: expected exactly one of --all and --random N");
  if (vectors && (all || random))
    cli_die (CLI_EXIT_USAGE, "--all and --random go with --impl, not --vectors");
  fl_format *f = cli_format (argv[optind]);
  vo.f = f;
  vo.op = refcli_op (argv[optind + 1]);
  cli_check_rounding (f, &vo.r);
  char err[512];
  fl_gen *g;
  if (fl_gen_new (f, vo.op, &g, err, sizeof err) != FL_OK)
    cli_die (CLI_EXIT_USAGE, "%s", err);
  fl_oracle *probe;
  if (fl_oracle_new (f, vo.op, &vo.r, &probe, err, sizeof err) != FL_OK)
    cli_die (CLI_EXIT_USAGE, "%s", err);
  report_ctx rc = { fl_oracle_operand_format (probe, 0), fl_oracle_result_format (probe),
                    fl_gen_arity (g), vectors != NULL };
  refcli_progress prog;
  refcli_progress_init (&prog, force_progress);
  vo.progress = refcli_progress_cb;
  vo.progress_ctx = &prog;
  fl_verify_result res;
  fl_verify_result_init (&res);
  json_t *summary = json_object ();
  json_object_set_new (summary, "format", json_string (fl_format_name (f)));
  json_object_set_new (summary, "op", json_string (fl_op_name (vo.op)));
  json_object_set_new (summary, "round", json_string (fl_round_mode_name (vo.r.mode)));
  json_object_set_new (summary, "overflow", json_string (fl_overflow_name (vo.r.overflow)));
  char shard[64];
  snprintf (shard, sizeof shard, "%llu/%llu", (unsigned long long) sk, (unsigned long long) sn);
  double t0 = refcli_now ();
  if (impl)
    {
      char *lib = strdup (impl), *colon = strrchr (lib, ':');
      if (!colon || colon == lib || !colon[1])
        cli_die (CLI_EXIT_USAGE, "--impl '%s': expected LIB.so:SYMBOL", impl);
      *colon = 0;
      void *h = dlopen (lib, RTLD_NOW | RTLD_LOCAL);
      if (!h)
        cli_die (CLI_EXIT_USAGE, "--impl: cannot load '%s': %s", lib, dlerror ());
      void *sym = dlsym (h, colon + 1);
      if (!sym)
        cli_die (CLI_EXIT_USAGE, "--impl: no symbol '%s' in '%s'", colon + 1, lib);
      void (*fn) (void);
      memcpy (&fn, &sym, sizeof fn);
      uint64_t total = nrand;
      if (all && fl_gen_count_all (g, &total) != 0)
        cli_die (CLI_EXIT_USAGE, "%s %s --all would need 2^%u cases; use --random N",
                 fl_format_name (f), fl_op_name (vo.op), fl_gen_arity (g) * fl_gen_operand_bits (g, 0));
      uint64_t lo, hi;
      refcli_shard_range (total, sk, sn, &lo, &hi);
      if (fl_verify_subject (&vo, fn, random, vo.r.seed, lo, hi, &res, err, sizeof err) != FL_OK)
        cli_die (CLI_EXIT_USAGE, "%s", err);
      json_object_set_new (summary, "source", json_string (impl));
      json_object_set_new (summary, "cases_from", json_string (all ? "all" : "random"));
      if (random)
        json_object_set_new (summary, "seed", json_integer ((json_int_t) vo.r.seed));
      free (lib);
    }
  else
    {
      FILE *in = strcmp (vectors, "-") == 0 ? stdin : fopen (vectors, "r");
      if (!in)
        cli_die (CLI_EXIT_USAGE, "cannot read '%s': %s", vectors, strerror (errno));
      size_t cap = 1 << 18, nb = 0;
      unsigned n = fl_gen_arity (g);
      uint64_t *ops = malloc (cap * n * sizeof *ops), *resv = malloc (cap * sizeof *resv),
               *lines = malloc (cap * sizeof *lines);
      unsigned *fls = malloc (cap * sizeof *fls);
      unsigned char *hasf = malloc (cap);
      if (!ops || !resv || !lines || !fls || !hasf)
        cli_die (CLI_EXIT_USAGE, "out of memory");
      char *line = NULL;
      size_t lcap = 0;
      uint64_t lineno = 0, caseno = 0;
      for (;;)
        {
          ssize_t got = getline (&line, &lcap, in);
          if (got >= 0)
            {
              lineno++;
              int hf;
              unsigned fv;
              int st = fl_vec_parse_line (line, g, ops + nb * n, resv + nb, &hf, &fv, err, sizeof err);
              if (st < 0)
                cli_die (CLI_EXIT_USAGE, "%s:%llu: %s", vectors, (unsigned long long) lineno, err);
              if (st > 0)
                continue;
              if (caseno++ % sn != sk - 1)
                continue;
              hasf[nb] = (unsigned char) hf;
              fls[nb] = fv;
              lines[nb] = lineno;
              nb++;
            }
          if (nb == cap || (got < 0 && nb > 0))
            {
              if (fl_verify_cases (&vo, nb, ops, resv, fls, hasf, lines, &res, err, sizeof err) != FL_OK)
                cli_die (CLI_EXIT_USAGE, "%s", err);
              nb = 0;
              refcli_progress_cb (&prog, res.cases, res.cases);
            }
          if (got < 0)
            break;
        }
      if (ferror (in))
        cli_die (CLI_EXIT_USAGE, "cannot read '%s': %s", vectors, strerror (errno));
      if (in != stdin)
        fclose (in);
      free (line);
      free (ops);
      free (resv);
      free (lines);
      free (fls);
      free (hasf);
      json_object_set_new (summary, "source", json_string (vectors));
      json_object_set_new (summary, "tininess", json_string (vo.tininess_after ? "after" : "before"));
    }
  refcli_progress_end (&prog);
  double secs = refcli_now () - t0;
  json_object_set_new (summary, "shard", json_string (shard));
  json_object_set_new (summary, "reference", json_string (fl_oracle_is_fast (probe) ? "fast" : "mpfr"));
  json_object_set_new (summary, "seconds", json_real (secs));
  json_t *list = json_array ();
  for (size_t i = 0; i < res.nfirst; i++)
    {
      if (json)
        json_array_append_new (list, mismatch_json (&rc, &res.first[i]));
      else
        print_mismatch (stdout, &rc, &res.first[i], vo.check_flags);
    }
  json_object_set_new (summary, "mismatch_list", list);
  if (!json && res.mismatches > res.nfirst)
    printf ("(%llu more mismatches not shown; --max-report N)\n",
            (unsigned long long) (res.mismatches - res.nfirst));
  int status = finish (res.cases, res.mismatches, json, summary);
  fl_verify_result_clear (&res);
  fl_oracle_free (probe);
  fl_gen_free (g);
  fl_format_free (f);
  return status;
}
