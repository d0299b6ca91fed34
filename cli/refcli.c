/* refcli.c -- pieces shared by 'fmtlab ref', 'gen' and 'verify' (issue 5). */
#include <config.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "refcli.h"
#include "parse.h"

fl_op
refcli_op (const char *s)
{
  fl_op op;
  if (fl_op_parse (s, &op) != 0)
    cli_die (CLI_EXIT_USAGE, "operation '%s': expected add, sub, mul, div, sqrt, fma, "
             "from_f64, from_f32, to_f64 or fdp", s);
  return op;
}

uint64_t
refcli_code (const char *what, const char *s, unsigned bits)
{
  char err[CLI_MSG_MAX];
  uint64_t v;
  if (cli_parse_code (s, bits, &v, err, sizeof err) != 0)
    cli_die (CLI_EXIT_USAGE, "%s %s", what, err);
  return v;
}

void
refcli_value (char *buf, size_t n, const fl_format *f, uint64_t code)
{
  mpfr_t v;
  mpfr_init2 (v, fl_format_prec (f));
  fl_decode (f, code, v);
  fl_hexfloat (buf, n, v, 0);
  mpfr_clear (v);
}

void
refcli_shard (const char *s, uint64_t *k, uint64_t *n)
{
  char err[CLI_MSG_MAX];
  if (cli_parse_shard (s, k, n, err, sizeof err) != 0)
    cli_die (CLI_EXIT_USAGE, "%s", err);
}

void
refcli_shard_range (uint64_t total, uint64_t k, uint64_t n, uint64_t *lo, uint64_t *hi)
{
  unsigned __int128 t = total;
  *lo = (uint64_t) (t * (k - 1) / n);
  *hi = (uint64_t) (t * k / n);
}

double
refcli_now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

void
refcli_progress_init (refcli_progress *p, int force)
{
  p->t0 = p->last = refcli_now ();
  p->enabled = force || isatty (2);
}

void
refcli_progress_cb (void *ctx, uint64_t done, uint64_t total)
{
  refcli_progress *p = ctx;
  if (!p->enabled)
    return;
  double t = refcli_now ();
  if (t - p->last < 1.0 && done < total)
    return;
  p->last = t;
  double rate = done / (t - p->t0 > 1e-9 ? t - p->t0 : 1e-9);
  double eta = rate > 0 ? (double) (total - done) / rate : 0;
  fprintf (stderr, "\r%llu/%llu cases (%.1f%%), %.3g cases/s, ETA %.0f s   ",
           (unsigned long long) done, (unsigned long long) total,
           total ? 100.0 * (double) done / (double) total : 100.0, rate, eta);
  fflush (stderr);
}

void
refcli_progress_end (refcli_progress *p)
{
  if (p->enabled)
    fprintf (stderr, "\n");
}
