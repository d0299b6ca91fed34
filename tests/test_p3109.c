/* test_p3109.c -- every IEEE P3109 format against the working group's value tables
   (shared/p3109/Binary<K>p<P><s|u><e|f>.csv[.xz]: codepoint,value,subnormal).  For each code:
   fl_decode's value equals the table's hexfloat exactly (read by MPFR at 200 bits; the
   tables use non-normalised forms such as 0x0.8p-16), Inf/-Inf/NaN match the class, and
   the subnormal column ('*') matches FL_CLASS_SUBNORMAL; the table has 2^K rows.
   Directory: $FMTLAB_P3109_DIR, else P3109_DIR from configure (default ../shared/p3109
   beside the source tree).  Absent: exit 77 (SKIP) on a developer's machine, but a failure
   when CI=true (or FMTLAB_REQUIRE_P3109=1): a CI run must not pass without the tables.
   The tables are read in place, never copied into the repository. */
#include <config.h>
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"

#ifndef P3109_DIR
# define P3109_DIR "../shared/p3109"
#endif

static const char *dir;

/* No tables: skip, unless this is CI (CI=true, as CI services set it) or the caller asks. */
static int
no_tables (const char *why)
{
  const char *ci = getenv ("CI"), *req = getenv ("FMTLAB_REQUIRE_P3109");
  if ((ci && strcmp (ci, "true") == 0) || (req && strcmp (req, "1") == 0))
    {
      fprintf (stderr, "test_p3109: FAIL: %s %s; CI needs the P3109 tables: set "
               "FMTLAB_P3109_DIR or configure P3109_DIR=DIR\n", why, dir);
      printf ("test_p3109: FAIL: %s %s\n", why, dir);
      return 1;
    }
  printf ("test_p3109: %s %s: SKIP (CI=true makes this a failure)\n", why, dir);
  return 77;
}
static char **files;
static size_t nfiles;

static int
cmpstr (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Binary8p3se.csv(.xz) -> binary8p3se */
static void
format_name (const char *file, char *out, size_t n)
{
  snprintf (out, n, "%s", file);
  char *dot = strchr (out, '.');
  if (dot)
    *dot = 0;
  out[0] = (char) tolower ((unsigned char) out[0]);
}

START_TEST (test_table)
{
  const char *file = files[_i];
  char name[64], path[4096], cmd[4200];
  format_name (file, name, sizeof name);
  snprintf (path, sizeof path, "%s/%s", dir, file);
  int xz = strstr (file, ".xz") != NULL;
  FILE *in;
  if (xz)
    {
      snprintf (cmd, sizeof cmd, "xz -dc '%s'", path);
      in = popen (cmd, "r");
    }
  else
    in = fopen (path, "r");
  ck_assert_msg (in != NULL, "cannot open %s", path);
  long K = 0;
  ck_assert_msg (sscanf (name, "binary%ld", &K) == 1, "%s: no K in the name", file);
  fl_format *f = tu_parse (name);
  ck_assert_uint_eq (fl_format_bits (f), (unsigned) K);
  char line[512];
  ck_assert_msg (fgets (line, sizeof line, in) && strncmp (line, "codepoint,value,subnormal", 25) == 0,
                 "%s: header", file);
  mpfr_t want, got;
  mpfr_init2 (want, 200);
  mpfr_init2 (got, 200);
  unsigned long rows = 0, bad = 0;
  char first[1024] = "";
  while (fgets (line, sizeof line, in))
    {
      char *nl = strpbrk (line, "\r\n");
      if (nl)
        *nl = 0;
      if (!*line)
        continue;
      char *c1 = strchr (line, ','), *c2 = c1 ? strchr (c1 + 1, ',') : NULL;
      TU_CHECK (c1 && c2, "%s: malformed line '%s'", file, line);
      *c1 = 0;
      *c2 = 0;
      const char *val = c1 + 1, *sub = c2 + 1;
      uint64_t code = strtoull (line, NULL, 16);
      TU_CHECK (code == rows, "%s: row %lu has code %s", file, rows, line);
      fl_class k = fl_decode (f, code, got);
      int ok;
      if (strcmp (val, "NaN") == 0)
        ok = k == FL_CLASS_NAN && mpfr_nan_p (got);
      else if (strcmp (val, "Inf") == 0)
        ok = k == FL_CLASS_INF && mpfr_inf_p (got) && !mpfr_signbit (got);
      else if (strcmp (val, "-Inf") == 0)
        ok = k == FL_CLASS_INF && mpfr_inf_p (got) && mpfr_signbit (got);
      else
        {
          char *end;
          mpfr_strtofr (want, val, &end, 0, MPFR_RNDN);
          TU_CHECK (*end == 0 && end != val, "%s: value '%s' unreadable", file, val);
          ok = k != FL_CLASS_NAN && k != FL_CLASS_INF && mpfr_equal_p (got, want)
               && (!mpfr_zero_p (want) || (k == FL_CLASS_ZERO && !mpfr_signbit (got) == !mpfr_signbit (want)));
        }
      int star = strchr (sub, '*') != NULL;
      if (star != (k == FL_CLASS_SUBNORMAL))
        ok = 0;
      if (!ok)
        {
          if (bad < 5)
            {
              size_t l = strlen (first);
              snprintf (first + l, sizeof first - l, "\n  code 0x%llx: table %s%s, fl_decode %s (%s)",
                        (unsigned long long) code, val, star ? " (subnormal)" : "", tu_hex (got),
                        fl_class_name (k));
            }
          bad++;
        }
      rows++;
    }
  if (xz)
    ck_assert_msg (pclose (in) == 0, "%s: xz failed", file);
  else
    fclose (in);
  mpfr_clear (want);
  mpfr_clear (got);
  fl_format_free (f);
  ck_assert_msg (rows == (1ul << K), "%s: %lu rows, expected 2^%ld", file, rows, K);
  ck_assert_msg (bad == 0, "%s: %lu codes differ from the table; first:%s", file, bad, first);
}
END_TEST

int
main (void)
{
  dir = getenv ("FMTLAB_P3109_DIR");
  if (!dir || !*dir)
    dir = P3109_DIR;
  DIR *d = opendir (dir);
  if (!d)
    return no_tables ("table directory absent:");
  size_t cap = 0;
  struct dirent *e;
  while ((e = readdir (d)))
    {
      const char *n = e->d_name;
      size_t l = strlen (n);
      int csv = (l > 4 && strcmp (n + l - 4, ".csv") == 0) || (l > 7 && strcmp (n + l - 7, ".csv.xz") == 0);
      if (strncmp (n, "Binary", 6) != 0 || !csv)
        continue;
      if (nfiles == cap)
        {
          cap = cap ? 2 * cap : 64;
          files = realloc (files, cap * sizeof *files);
        }
      files[nfiles++] = strdup (n);
    }
  closedir (d);
  if (nfiles == 0)
    return no_tables ("no Binary*.csv tables in");
  qsort (files, nfiles, sizeof *files, cmpstr);
  printf ("test_p3109: %zu tables in %s\n", nfiles, dir);
  Suite *s = suite_create ("p3109");
  TCase *tc = tcase_create ("tables");
  tcase_set_timeout (tc, 600);
  tcase_add_loop_test (tc, test_table, 0, (int) nfiles);
  suite_add_tcase (s, tc);
  int rc = tu_run (s);
  for (size_t i = 0; i < nfiles; i++)
    free (files[i]);
  free (files);
  return rc;
}
