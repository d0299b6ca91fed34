/* common.c -- errors, format and rounding options, atomic output files. */
#include <config.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

const char *cli_cmd = NULL;

void
cli_die (int status, const char *fmt, ...)
{
  va_list ap;
  fprintf (stderr, "fmtlab%s%s: ", cli_cmd ? " " : "", cli_cmd ? cli_cmd : "");
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fputc ('\n', stderr);
  exit (status);
}

void
cli_warn (const char *fmt, ...)
{
  va_list ap;
  fprintf (stderr, "fmtlab%s%s: warning: ", cli_cmd ? " " : "", cli_cmd ? cli_cmd : "");
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fputc ('\n', stderr);
}

void
cli_version (void)
{
  printf ("fmtlab %s\n", fl_version ());
  printf ("GNU MPFR %s, GMP %s\n", mpfr_get_version (), gmp_version);
  exit (0);
}

void
cli_usage_error (void)
{
  cli_die (CLI_EXIT_USAGE, "bad usage; see 'fmtlab %s --help'", cli_cmd ? cli_cmd : "");
}

fl_format *
cli_format (const char *name)
{
  char err[512];
  fl_format *f;
  if (fl_format_parse (name, &f, err, sizeof err) != FL_OK)
    cli_die (CLI_EXIT_USAGE, "%s", err);
  if (fl_format_family (f) == FL_FAMILY_BLOCK)
    {
      /* the library parses block names too; this command works on scalar codes */
      fl_format_free (f);
      cli_die (CLI_EXIT_USAGE, "format '%s' is a block format: 'fmtlab %s' takes scalar "
               "formats ('fmtlab blocks' quantizes blocks)", name, cli_cmd ? cli_cmd : "");
    }
  return f;
}

unsigned long long
cli_parse_ull (const char *what, const char *s, unsigned long long max)
{
  char *end;
  errno = 0;
  if (*s == '-' || *s == 0)
    cli_die (CLI_EXIT_USAGE, "%s '%s': expected a non-negative integer", what, s);
  unsigned long long v = strtoull (s, &end, 0);
  if (errno || *end || v > max)
    cli_die (CLI_EXIT_USAGE, "%s '%s': expected an integer from 0 to %llu", what, s, max);
  return v;
}

int
cli_rounding_option (int opt, const char *arg, fl_rounding *r)
{
  switch (opt)
    {
    case 'r':
      if (fl_round_mode_parse (arg, &r->mode))
        cli_die (CLI_EXIT_USAGE, "rounding mode '%s': expected rne, rna, rtz, rup, rdn, rto or sr", arg);
      return 1;
    case 'O':
      if (fl_overflow_parse (arg, &r->overflow))
        cli_die (CLI_EXIT_USAGE, "overflow policy '%s': expected sat, inf or nan", arg);
      return 1;
    case 'S':
      r->seed = cli_parse_ull ("seed", arg, UINT64_MAX);
      return 1;
    case 'B':
      r->sr_bits = (unsigned) cli_parse_ull ("--sr-bits", arg, 64);
      if (r->sr_bits == 0)
        cli_die (CLI_EXIT_USAGE, "--sr-bits '%s': expected 1 to 64", arg);
      return 1;
    case 'D':
      if (strcmp (arg, "log") == 0)
        r->domain = FL_DOMAIN_LOG;
      else if (strcmp (arg, "linear") == 0)
        r->domain = FL_DOMAIN_LINEAR;
      else
        cli_die (CLI_EXIT_USAGE, "domain '%s': expected log or linear", arg);
      return 1;
    default:
      return 0;
    }
}

void
cli_check_rounding (const fl_format *f, const fl_rounding *r)
{
  if (!fl_format_overflow_ok (f, r->overflow))
    cli_die (CLI_EXIT_USAGE, "--overflow %s: format '%s' has no %s", fl_overflow_name (r->overflow),
             fl_format_name (f), r->overflow == FL_OVF_INF ? "infinity" : "NaN");
  if (r->sr_bits && r->mode != FL_SR)
    cli_warn ("--sr-bits has no effect without --round sr");
}

FILE *
cli_out_open (cli_out *o, const char *path)
{
  memset (o, 0, sizeof *o);
  if (path == NULL || strcmp (path, "-") == 0)
    {
      o->fp = stdout;
      return o->fp;
    }
  o->path = strdup (path);
  size_t n = strlen (path) + 16;
  o->tmp = malloc (n);
  if (!o->path || !o->tmp)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  snprintf (o->tmp, n, "%s.tmpXXXXXX", path);
  int fd = mkstemp (o->tmp);
  if (fd < 0)
    cli_die (CLI_EXIT_USAGE, "cannot write '%s': %s", path, strerror (errno));
  o->fp = fdopen (fd, "w");
  if (!o->fp)
    {
      unlink (o->tmp);
      cli_die (CLI_EXIT_USAGE, "cannot write '%s': %s", path, strerror (errno));
    }
  return o->fp;
}

void
cli_out_commit (cli_out *o)
{
  if (o->fp == stdout)
    {
      if (fflush (stdout) != 0)
        cli_die (CLI_EXIT_USAGE, "cannot write standard output: %s", strerror (errno));
      return;
    }
  if (fclose (o->fp) != 0)
    {
      unlink (o->tmp);
      cli_die (CLI_EXIT_USAGE, "cannot write '%s': %s", o->path, strerror (errno));
    }
  if (rename (o->tmp, o->path) != 0)
    {
      int e = errno;
      unlink (o->tmp);
      cli_die (CLI_EXIT_USAGE, "cannot write '%s': %s", o->path, strerror (e));
    }
  free (o->tmp);
  free (o->path);
}

void
cli_out_abort (cli_out *o)
{
  if (o->fp && o->fp != stdout)
    {
      fclose (o->fp);
      unlink (o->tmp);
    }
}

int
cli_style_option (int opt, const char *arg, cli_style *style, const char **out)
{
  switch (opt)
    {
    case 'c': *style = CLI_CSV; return 1;
    case 'j': *style = CLI_JSON; return 1;
    case 'm': *style = CLI_MD; return 1;
    case 'o': *out = arg; return 1;
    default: return 0;
    }
}
