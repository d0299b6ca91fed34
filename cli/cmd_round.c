/* cmd_round.c -- 'fmtlab round FORMAT VALUE...': exact, correctly rounded codes. */
#include <config.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <strings.h>
#include "cli.h"
#include "parse.h"

static void
help (void)
{
  printf ("Usage: fmtlab round FORMAT [VALUE...] [options]\n\n"
          "Round each VALUE (decimal or C99 hexfloat, parsed exactly; inf, nan) to FORMAT and\n"
          "print CODE VALUE, VALUE being the exact value of the code.  Without VALUEs, reads\n"
          "whitespace-separated values from standard input.  Stochastic rounding uses stream i\n"
          "for the i-th value (from 0), so a seed reproduces every code.\n\n"
          CLI_ROUNDING_HELP
          "      --flags       add a column with the exception flags\n"
          "  --csv, --json     tables with headers\n"
          "  -o, --output FILE write FILE (atomically) instead of standard output\n"
          "  -h, --help  -V, --version\n");
}

/* Read the next whitespace-separated word of stdin; NULL at end. */
static char *
next_word (uint64_t i)
{
  static char buf[CLI_MAX_WORD];
  switch (cli_read_word (stdin, buf, sizeof buf))
    {
    case CLI_LINE_OK: return buf;
    case CLI_LINE_EOF: return NULL;
    case CLI_LINE_LONG:
      cli_die (CLI_EXIT_USAGE, "standard input: value %llu longer than %d characters",
               (unsigned long long) i + 1, CLI_MAX_WORD - 1);
    default:
      cli_die (CLI_EXIT_USAGE, "standard input: value %llu holds a NUL byte",
               (unsigned long long) i + 1);
    }
}

static void __attribute__ ((noreturn))
bad_value (const char *s)
{
  cli_die (CLI_EXIT_USAGE, "value '%.60s%s': expected a decimal or hexadecimal real (an exponent "
           "within MPFR's range), inf or nan", s, strlen (s) > 60 ? "..." : "");
}

/* "-300", "-.5", "-inf", "-nan", "-0x1p3": a value, not an option. */
static int
negative_number (const char *a)
{
  return a[0] == '-' && (isdigit ((unsigned char) a[1]) || a[1] == '.'
                         || strncasecmp (a + 1, "inf", 3) == 0 || strncasecmp (a + 1, "nan", 3) == 0);
}

int
cmd_round (int argc, char **argv)
{
  static const struct option opts[] = {
    CLI_ROUNDING_LONGOPTS, CLI_STYLE_LONGOPTS, { "flags", no_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 }
  };
  fl_rounding r;
  fl_rounding_init (&r);
  cli_style style = CLI_TEXT;
  const char *out = NULL;
  int show_flags = 0, opt, ended = 0, nv = 0;
  /* operands: FORMAT then VALUEs, options anywhere among them (GNU permutation); a
     negative number (-300, -.5, -inf, -0x1p3) is a VALUE, not an option; '--' ends the
     options */
  char **vals = malloc ((size_t) (argc + 1) * sizeof *vals);
  if (!vals)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  while (optind < argc)
    {
      const char *a = argv[optind];
      if (!ended && strcmp (a, "--") == 0)
        {
          ended = 1;
          optind++;
          continue;
        }
      if (ended || a[0] != '-' || a[1] == 0 || negative_number (a))
        {
          vals[nv++] = argv[optind++];
          continue;
        }
      opt = cli_getopt (argc, argv, "+r:o:hV", opts);
      if (opt == -1)
        break;
      if (cli_rounding_option (opt, optarg, &r) || cli_style_option (opt, optarg, &style, &out))
        continue;
      switch (opt)
        {
        case 'f': show_flags = 1; break;
        case 'h': free (vals); help (); return 0;
        case 'V': cli_version ();
        default: cli_usage_error ();
        }
    }
  if (nv < 1)
    cli_die (CLI_EXIT_USAGE, "expected FORMAT [VALUE...] (fmtlab round --help)");
  fl_format *f = cli_format (vals[0]);
  nv--;
  memmove (vals, vals + 1, (size_t) nv * sizeof *vals);
  cli_check_rounding (f, &r);
  /* parse every value of the command line before writing anything */
  mpfr_t x, v;
  mpfr_init2 (x, 256);
  mpfr_init2 (v, fl_format_prec (f) + 2);
  for (int i = 0; i < nv; i++)
    if (fl_parse_real (x, vals[i], 256) != 0)
      bad_value (vals[i]);
  int from_stdin = nv == 0;
  cli_out o;
  FILE *fp = cli_out_open (&o, out);
  int w = cli_code_digits (f);
  if (style == CLI_CSV)
    fprintf (fp, "input,code,value%s\n", show_flags ? ",flags" : "");
  json_t *arr = style == CLI_JSON ? json_array () : NULL;
  char hex[256], fl_txt[64];
  for (uint64_t i = 0;; i++)
    {
      const char *s = from_stdin ? next_word (i) : (i < (uint64_t) nv ? vals[i] : NULL);
      if (!s)
        break;
      if (fl_parse_real (x, s, 256) != 0)
        {
          cli_out_abort (&o);
          bad_value (s);
        }
      r.stream = i;
      unsigned fl = 0;
      uint64_t code = fl_encode (f, x, &r, &fl);
      fl_decode (f, code, v);
      fl_hexfloat (hex, sizeof hex, v, 0);
      cli_flags_text (fl, fl_txt, sizeof fl_txt);
      if ((fl & FL_FLAG_INVALID) && mpfr_nan_p (x))
        cli_warn ("NaN has no code in %s: gave %0*llx (invalid)", fl_format_name (f), w,
                  (unsigned long long) code);
      switch (style)
        {
        case CLI_CSV:
          fprintf (fp, "%s,%0*llx,%s%s%s\n", s, w, (unsigned long long) code, hex,
                   show_flags ? "," : "", show_flags ? fl_txt : "");
          break;
        case CLI_JSON:
          {
            char cbuf[32];
            snprintf (cbuf, sizeof cbuf, "%0*llx", w, (unsigned long long) code);
            json_t *obj = json_pack ("{s:s, s:s, s:s}", "input", s, "code", cbuf, "value", hex);
            if (show_flags)
              json_object_set_new (obj, "flags", json_string (fl_txt));
            json_array_append_new (arr, obj);
          }
          break;
        default:
          fprintf (fp, "%0*llx %s%s%s\n", w, (unsigned long long) code, hex,
                   show_flags ? " " : "", show_flags ? fl_txt : "");
        }
    }
  if (arr)
    {
      json_dumpf (arr, fp, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
      fputc ('\n', fp);
      json_decref (arr);
    }
  cli_out_commit (&o);
  mpfr_clear (x);
  mpfr_clear (v);
  free (vals);
  fl_format_free (f);
  return 0;
}
