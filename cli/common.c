/* common.c -- errors, format and rounding options, atomic output files. */
#include <config.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "parse.h"

const char *cli_cmd = NULL;

/* The output file being written, removed by cli_die: no partial file on any error path,
   and removed on SIGINT, SIGTERM, SIGHUP and SIGPIPE too (unlink is async-signal-safe). */
static cli_out *active_out = NULL;
static char *volatile active_tmp = NULL;

static void
remove_tmp_and_die (int sig)
{
  char *t = active_tmp;
  if (t)
    unlink (t);
  signal (sig, SIG_DFL);
  raise (sig);
}

/* A message as one line: control bytes and bytes that are not printable ASCII, which may
   come from hostile input, are written as \xNN; the message is cut at CLI_MSG_MAX bytes. */
static void
put_message (const char *prefix, const char *fmt, va_list ap)
{
  char buf[CLI_MSG_MAX + 1];
  int len = vsnprintf (buf, sizeof buf, fmt, ap);
  fprintf (stderr, "fmtlab%s%s: %s", cli_cmd ? " " : "", cli_cmd ? cli_cmd : "", prefix);
  for (const unsigned char *p = (const unsigned char *) buf; *p; p++)
    if (*p < 0x20 || *p >= 0x7f || *p == '\\')
      fprintf (stderr, *p == '\\' ? "\\\\" : "\\x%02x", *p);
    else
      fputc (*p, stderr);
  if (len > CLI_MSG_MAX)
    fputs ("...", stderr);
  fputc ('\n', stderr);
}

void
cli_die (int status, const char *fmt, ...)
{
  va_list ap;
  if (active_out)
    cli_out_abort (active_out);
  va_start (ap, fmt);
  put_message ("", fmt, ap);
  va_end (ap);
  exit (status);
}

double
cli_now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

void
cli_warn (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  put_message ("warning: ", fmt, ap);
  va_end (ap);
}

void
cli_version (void)
{
  printf ("fmtlab %s\n", fl_version ());
  printf ("GNU MPFR %s, GMP %s\n", mpfr_get_version (), gmp_version);
  exit (0);
}

int cli_argc;
char **cli_argv;

void
cli_usage_error (void)
{
  /* main.c sets opterr = 0: this line is the only one, naming the option getopt refused */
  const char *cmd = cli_cmd ? cli_cmd : "";
  if (optopt > 0 && optopt < 0x7f && optopt != '?')
    {
      const char *arg = optind > 0 && optind <= cli_argc ? cli_argv[optind - 1] : "";
      if (strncmp (arg, "--", 2) == 0)
        cli_die (CLI_EXIT_USAGE, "option '%s': bad or missing argument (fmtlab %s --help)", arg, cmd);
      cli_die (CLI_EXIT_USAGE, "option '-%c': unknown, or missing its argument (fmtlab %s --help)",
               optopt, cmd);
    }
  if (optind > 0 && optind <= cli_argc)
    cli_die (CLI_EXIT_USAGE, "option '%s': unknown, ambiguous or missing its argument "
             "(fmtlab %s --help)", cli_argv[optind - 1], cmd);
  cli_die (CLI_EXIT_USAGE, "bad usage; see 'fmtlab %s --help'", cmd);
}

int
cli_getopt (int argc, char **argv, const char *shortopts, const struct option *longopts)
{
  /* a leading ':' (after a '+') makes getopt report a missing argument as ':' and print
     nothing itself, so the message below is the only line */
  char spec[128];
  int plus = shortopts[0] == '+';
  snprintf (spec, sizeof spec, "%s:%s", plus ? "+" : "", shortopts + plus);
  opterr = 0;
  int opt = getopt_long (argc, argv, spec, longopts, NULL);
  if (opt != '?' && opt != ':')
    return opt;
  const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
  if (optopt && (strncmp (arg, "--", 2) != 0 || opt == ':'))
    {
      if (strncmp (arg, "--", 2) == 0)
        cli_die (CLI_EXIT_USAGE, "option '%s' needs an argument (fmtlab %s --help)", arg,
                 cli_cmd ? cli_cmd : "");
      cli_die (CLI_EXIT_USAGE, "%s '-%c' (fmtlab %s --help)",
               opt == ':' ? "missing argument after option" : "unknown option", optopt,
               cli_cmd ? cli_cmd : "");
    }
  if (opt == ':')
    cli_die (CLI_EXIT_USAGE, "option '%s' needs an argument (fmtlab %s --help)", arg,
             cli_cmd ? cli_cmd : "");
  cli_die (CLI_EXIT_USAGE, "unknown or ambiguous option '%s' (fmtlab %s --help)", arg,
           cli_cmd ? cli_cmd : "");
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
  char err[CLI_MSG_MAX];
  uint64_t v;
  if (cli_parse_uint (what, s, max, &v, err, sizeof err) != 0)
    cli_die (CLI_EXIT_USAGE, "%s", err);
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

void
cli_flags_text (unsigned flags, char *buf, size_t size)
{
  snprintf (buf, size, "%s%s%s%s%s%s", flags & FL_FLAG_INEXACT ? "inexact," : "",
            flags & FL_FLAG_UNDERFLOW ? "underflow," : "",
            flags & FL_FLAG_OVERFLOW ? "overflow," : "",
            flags & FL_FLAG_DIVBYZERO ? "divbyzero," : "",
            flags & FL_FLAG_INVALID ? "invalid," : "", flags ? "" : "exact,");
  buf[strlen (buf) - 1] = 0;     /* the last comma */
}

FILE *
cli_in_open (const char *path, const char *mode, const char **name)
{
  *name = path ? path : "standard input";
  if (!path || strcmp (path, "-") == 0)
    return stdin;
  FILE *fp = fopen (path, mode);
  if (!fp)
    cli_die (CLI_EXIT_USAGE, "cannot read '%s': %s", path, strerror (errno));
  return fp;
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
  /* mkstemp creates mode 0600; the file gets what a plain open would give it */
  mode_t mask = umask (0);
  umask (mask);
  if (fchmod (fd, 0666 & ~mask) != 0)
    {
      int e = errno;
      close (fd);
      unlink (o->tmp);
      cli_die (CLI_EXIT_USAGE, "cannot write '%s': %s", path, strerror (e));
    }
  o->fp = fdopen (fd, "w");
  if (!o->fp)
    {
      unlink (o->tmp);
      cli_die (CLI_EXIT_USAGE, "cannot write '%s': %s", path, strerror (errno));
    }
  active_out = o;
  active_tmp = o->tmp;
  static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
    {
      struct sigaction sa, old;
      memset (&sa, 0, sizeof sa);
      sa.sa_handler = remove_tmp_and_die;
      sigemptyset (&sa.sa_mask);
      /* an ignored signal stays ignored (nohup) */
      if (sigaction (sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
        sigaction (sigs[i], &sa, NULL);
    }
  return o->fp;
}

void
cli_out_commit (cli_out *o)
{
  if (active_out == o)
    active_out = NULL;
  if (o->fp == stdout)
    {
      if (fflush (stdout) != 0)
        cli_die (CLI_EXIT_USAGE, "cannot write standard output: %s", strerror (errno));
      return;
    }
  if (fclose (o->fp) != 0)
    {
      unlink (o->tmp);
      active_tmp = NULL;
      o->fp = NULL;
      cli_die (CLI_EXIT_USAGE, "cannot write '%s': %s", o->path, strerror (errno));
    }
  if (rename (o->tmp, o->path) != 0)
    {
      int e = errno;
      unlink (o->tmp);
      active_tmp = NULL;
      cli_die (CLI_EXIT_USAGE, "cannot write '%s': %s", o->path, strerror (e));
    }
  active_tmp = NULL;
  free (o->tmp);
  free (o->path);
}

void
cli_out_abort (cli_out *o)
{
  if (active_out == o)
    active_out = NULL;
  if (o->fp && o->fp != stdout)
    {
      fclose (o->fp);
      unlink (o->tmp);
      active_tmp = NULL;
      free (o->tmp);
      free (o->path);
    }
  o->fp = NULL;
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
