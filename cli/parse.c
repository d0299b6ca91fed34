/* parse.c -- the fmtlab command's input readers that return errors (parse.h): shared by
   the commands and the fuzz targets. */
#include <config.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fmtlab/pack.h>
#include "parse.h"

int
cli_parse_uint (const char *what, const char *s, uint64_t max, uint64_t *v, char *err,
                size_t errlen)
{
  char *end;
  if (*s == 0 || !isdigit ((unsigned char) *s))
    {
      snprintf (err, errlen, "%s '%.40s': expected a non-negative integer", what, s);
      return -1;
    }
  errno = 0;
  unsigned long long x = strtoull (s, &end, 0);
  if (errno || *end || x > max)
    {
      snprintf (err, errlen, "%s '%.40s': expected an integer from 0 to %llu", what, s,
                (unsigned long long) max);
      return -1;
    }
  *v = x;
  return 0;
}

int
cli_parse_shard (const char *s, uint64_t *k, uint64_t *n, char *err, size_t errlen)
{
  char *end;
  unsigned long long a = 0, b = 0;
  int ok = isdigit ((unsigned char) s[0]);
  if (ok)
    {
      errno = 0;
      a = strtoull (s, &end, 10);
      ok = !errno && *end == '/' && isdigit ((unsigned char) end[1]);
    }
  if (ok)
    {
      const char *q = end + 1;
      b = strtoull (q, &end, 10);
      ok = !errno && *end == 0 && a >= 1 && a <= b && b <= (1ULL << 32);
    }
  if (!ok)
    {
      snprintf (err, errlen, "--shard '%.40s': expected K/N with 1 <= K <= N <= 2^32", s);
      return -1;
    }
  *k = a;
  *n = b;
  return 0;
}

/* Hex digits of s[0..len) as a value; -1 when a character is not a hex digit or the
   value exceeds 64 bits (leading zeros are free). */
static int
hex_value (const char *s, size_t len, uint64_t *v)
{
  uint64_t x = 0;
  if (len == 0)
    return -1;
  for (size_t i = 0; i < len; i++)
    {
      int c = (unsigned char) s[i], h;
      if (c >= '0' && c <= '9') h = c - '0';
      else if (c >= 'a' && c <= 'f') h = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') h = c - 'A' + 10;
      else return -1;
      if (x >> 60)
        return -1;
      x = (x << 4) | (uint64_t) h;
    }
  *v = x;
  return 0;
}

int
cli_parse_range (const char *s, uint64_t maxcode, uint64_t *lo, uint64_t *hi, char *err,
                 size_t errlen)
{
  const char *colon = strchr (s, ':');
  if (!colon || hex_value (s, (size_t) (colon - s), lo) != 0
      || hex_value (colon + 1, strlen (colon + 1), hi) != 0 || *lo > *hi || *hi > maxcode)
    {
      snprintf (err, errlen, "--range '%.60s': expected hex LO:HI with LO <= HI <= %llx", s,
                (unsigned long long) maxcode);
      return -1;
    }
  return 0;
}

int
cli_parse_code (const char *s, unsigned bits, uint64_t *v, char *err, size_t errlen)
{
  const char *p = s;
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
    p += 2;
  if (hex_value (p, strlen (p), v) != 0 || (bits < 64 && (*v >> bits) != 0))
    {
      snprintf (err, errlen, "'%.40s': expected a hexadecimal code of at most %u bits", s, bits);
      return -1;
    }
  return 0;
}

cli_line_status
cli_read_line (FILE *fp, char *buf, size_t cap, size_t *len)
{
  size_t n = 0;
  int ch, nul = 0;
  while ((ch = getc_unlocked (fp)) != EOF && ch != '\n')
    {
      if (ch == 0)
        nul = 1;
      if (n + 1 >= cap)
        {
          buf[n] = 0;
          *len = n;
          return CLI_LINE_LONG;
        }
      buf[n++] = (char) ch;
    }
  if (ch == EOF && n == 0)
    return CLI_LINE_EOF;
  if (n && buf[n - 1] == '\r')
    n--;
  buf[n] = 0;
  *len = n;
  return nul ? CLI_LINE_NUL : CLI_LINE_OK;
}

cli_line_status
cli_read_word (FILE *fp, char *buf, size_t cap)
{
  size_t n = 0;
  int ch;
  while ((ch = getc_unlocked (fp)) != EOF && isspace (ch))
    ;
  if (ch == EOF)
    return CLI_LINE_EOF;
  do
    {
      if (ch == 0)
        return CLI_LINE_NUL;
      if (n + 1 >= cap)
        {
          buf[n] = 0;
          return CLI_LINE_LONG;
        }
      buf[n++] = (char) ch;
    }
  while ((ch = getc_unlocked (fp)) != EOF && !isspace (ch));
  buf[n] = 0;
  return CLI_LINE_OK;
}

int
cli_block_line (const char *line, size_t k, uint32_t *out, size_t *nwords, char *err,
                size_t errlen)
{
  const char *p = line;
  *nwords = 0;
  while (isspace ((unsigned char) *p))
    p++;
  if (*p == 0 || *p == '#')
    return 1;
  size_t words = 0;
  while (*p)
    {
      const char *w = p;
      while (*p && !isspace ((unsigned char) *p))
        p++;
      size_t wl = (size_t) (p - w);
      uint64_t v;
      if (hex_value (w, wl, &v) != 0)
        {
          snprintf (err, errlen, "'%.*s' is not a hex binary32 bit pattern",
                    (int) (wl > 40 ? 40 : wl), w);
          return -1;
        }
      if (wl > 8)
        {
          snprintf (err, errlen, "'%.*s' has more than 8 hex digits (binary32)",
                    (int) (wl > 40 ? 40 : wl), w);
          return -1;
        }
      if (words < k)
        out[words] = (uint32_t) v;
      words++;
      while (isspace ((unsigned char) *p))
        p++;
    }
  *nwords = words;
  if (words != k)
    {
      snprintf (err, errlen, "%zu hex words, expected k = %zu (one block per line)", words, k);
      return -1;
    }
  return 0;
}

int
cli_unpack_count (size_t len, unsigned last, unsigned bits, int raw, int have_count,
                  size_t count, size_t *n, char *err, size_t errlen)
{
  if (bits < 1 || bits > 16)
    {
      snprintf (err, errlen, "--bits %u: expected 1 to 16", bits);
      return -1;
    }
  if (have_count)
    {
      /* whole groups of 8 codes in bits bytes (fl_pack_bytes), without overflow */
      size_t need = (count / 8 + (count % 8 != 0)) * bits;
      if (count > SIZE_MAX / 16 || len != need)
        {
          snprintf (err, errlen, "%zu bytes, but %zu codes of %u bits take %zu bytes", len,
                    count, bits, need);
          return -1;
        }
      *n = count;
      return 0;
    }
  if (raw || (bits > 1 && len % bits == 0))
    {
      if (len % bits)
        {
          snprintf (err, errlen, "%zu bytes is not a whole number of %u-byte groups", len, bits);
          return -1;
        }
      *n = len / bits * 8;
      return 0;
    }
  size_t groups = len ? (len - 1) / bits : 0;
  if (len == 0 || (len - 1) % bits || last > 7 || (bits > 1 && last == 0) || groups == 0)
    {
      snprintf (err, errlen, "%zu bytes is neither whole %u-byte groups nor groups plus a count "
                "byte (0-7) as 'fmtlab pack' writes", len, bits);
      return -1;
    }
  *n = groups * 8 - (last ? 8 - last : 0);
  return 0;
}

/* ---- verify --merge ---- */

static const char *const merge_keys[] = { "format", "op", "round", "overflow", "source", "seed" };
#define N_MERGE_KEYS (sizeof merge_keys / sizeof merge_keys[0])

void
cli_merge_init (cli_merge *m, size_t max_report)
{
  memset (m, 0, sizeof *m);
  m->max_report = max_report;
  m->list = json_array ();
  m->names = json_array ();
}

void
cli_merge_clear (cli_merge *m)
{
  json_decref (m->head);
  json_decref (m->list);
  json_decref (m->names);
  memset (m, 0, sizeof *m);
}

int
cli_merge_add (cli_merge *m, const char *name, const char *text, size_t len, char *err,
               size_t errlen)
{
  json_error_t je;
  json_t *s = json_loadb (text, len, JSON_REJECT_DUPLICATES, &je);
  if (!s)
    {
      snprintf (err, errlen, "'%s' is not a verify --json summary: line %d: %s", name, je.line,
                je.text);
      return -1;
    }
  json_t *jc = json_object_get (s, "cases"), *jm = json_object_get (s, "mismatches"),
         *ml = json_object_get (s, "mismatch_list");
  int bad = 0;
  if (!json_is_object (s) || !json_is_integer (jc) || !json_is_integer (jm))
    snprintf (err, errlen, "'%s' is not a verify --json summary (no integer cases and "
              "mismatches)", name), bad = 1;
  else if (json_integer_value (jc) < 0 || json_integer_value (jm) < 0
           || json_integer_value (jm) > json_integer_value (jc))
    snprintf (err, errlen, "'%s': cases %lld, mismatches %lld: expected 0 <= mismatches <= cases",
              name, (long long) json_integer_value (jc), (long long) json_integer_value (jm)), bad = 1;
  else if ((uint64_t) json_integer_value (jc) > (uint64_t) INT64_MAX - m->cases)
    snprintf (err, errlen, "'%s': the case counts add up to more than 2^63 - 1", name), bad = 1;
  else if (ml && !json_is_array (ml))
    snprintf (err, errlen, "'%s': mismatch_list is not an array", name), bad = 1;
  if (!bad)
    {
      size_t j;
      json_t *e;
      json_array_foreach (ml, j, e)
        if (!json_is_object (e))
          {
            snprintf (err, errlen, "'%s': mismatch_list entry %zu is not an object", name, j);
            bad = 1;
            break;
          }
    }
  if (!bad && m->head)
    for (size_t k = 0; k < N_MERGE_KEYS; k++)
      {
        json_t *a = json_object_get (m->head, merge_keys[k]), *b = json_object_get (s, merge_keys[k]);
        if ((a || b) && !(a && b && json_equal (a, b)))
          {
            snprintf (err, errlen, "'%s' differs from the first summary in '%s'", name,
                      merge_keys[k]);
            bad = 1;
            break;
          }
      }
  if (bad)
    {
      json_decref (s);
      return -1;
    }
  if (!m->head)
    {
      m->head = json_object ();
      for (size_t k = 0; k < N_MERGE_KEYS; k++)
        if (json_object_get (s, merge_keys[k]))
          json_object_set (m->head, merge_keys[k], json_object_get (s, merge_keys[k]));
    }
  m->cases += (uint64_t) json_integer_value (jc);
  m->mismatches += (uint64_t) json_integer_value (jm);
  m->files++;
  size_t j;
  json_t *e;
  json_array_foreach (ml, j, e)
    if (json_array_size (m->list) < m->max_report)
      {
        json_array_append (m->list, e);
        json_array_append_new (m->names, json_integer ((json_int_t) m->files - 1));
      }
  json_decref (s);
  return 0;
}
