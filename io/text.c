/* text.c -- numbers in text: decimal or hexadecimal reals (strtod's syntax in the C locale,
   "nan" and "inf" included) separated by white space or commas, one or more per line; '#'
   starts a comment that runs to the end of its line.  When every line holds the same number
   of fields (more than one) the tensor is a matrix of that many columns, otherwise a vector.

   The file is checked completely (every number, every line under the length cap) before
   anything is allocated; then a second pass stores the values as doubles. */
#define _GNU_SOURCE 1
#include <config.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "reader-impl.h"
#include "npy-impl.h"

#define TEXT_MAX_LINE (1u << 20)      /* bytes */
#define TEXT_MAX_TOKEN 400            /* bytes of one number */

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define HOST_BIG_ENDIAN 1
#else
#define HOST_BIG_ENDIAN 0
#endif

typedef struct
{
  uint64_t count, lines_with_numbers, cols;   /* cols: UINT64_MAX when lines differ */
} text_shape;

static int
is_space (unsigned char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static void
release_buffer (void *owned, size_t len)
{
  (void) len;
  free (owned);
}

/* One pass over the file: count and check (out NULL), or store. */
static fl_status
scan (fl_tensor_file *f, locale_t c_locale, text_shape *sh, double *out, char *err,
      size_t errlen)
{
  const char *p = (const char *) f->map, *end = p + f->size;
  uint64_t line = 0, k = 0;
  memset (sh, 0, sizeof *sh);
  while (p < end)
    {
      line++;
      const char *eol = memchr (p, '\n', (size_t) (end - p));
      if (!eol)
        eol = end;
      if ((size_t) (eol - p) > TEXT_MAX_LINE)
        return fl_io_error (err, errlen, f, NULL, "line %llu: longer than %u bytes",
                            (unsigned long long) line, TEXT_MAX_LINE);
      const char *hash = memchr (p, '#', (size_t) (eol - p));
      const char *stop = hash ? hash : eol;
      uint64_t fields = 0;
      int want_field = 0;          /* after a comma a number must follow */
      const char *q = p;
      for (;;)
        {
          while (q < stop && is_space ((unsigned char) *q))
            q++;
          if (q == stop)
            break;
          if (*q == ',')
            {
              if (want_field || fields == 0)
                return fl_io_error (err, errlen, f, NULL, "line %llu: empty field",
                                    (unsigned long long) line);
              want_field = 1;
              q++;
              continue;
            }
          const char *t = q;
          while (q < stop && !is_space ((unsigned char) *q) && *q != ',')
            q++;
          size_t tl = (size_t) (q - t);
          char tok[TEXT_MAX_TOKEN + 1];
          if (tl > TEXT_MAX_TOKEN)
            return fl_io_error (err, errlen, f, NULL, "line %llu: a field of %zu bytes (a "
                                "number takes at most %d)", (unsigned long long) line, tl,
                                TEXT_MAX_TOKEN);
          memcpy (tok, t, tl);
          tok[tl] = 0;
          char *te;
          double v = strtod_l (tok, &te, c_locale);
          if (te != tok + tl || tl == 0)
            return fl_io_error (err, errlen, f, NULL, "line %llu: malformed number '%.40s'",
                                (unsigned long long) line, tok);
          if (out)
            out[k] = v;
          k++;
          fields++;
          want_field = 0;
        }
      if (want_field)
        return fl_io_error (err, errlen, f, NULL, "line %llu: empty field after the last "
                            "comma", (unsigned long long) line);
      if (fields)
        {
          if (sh->lines_with_numbers == 0)
            sh->cols = fields;
          else if (sh->cols != fields)
            sh->cols = UINT64_MAX;
          sh->lines_with_numbers++;
        }
      p = eol + 1;
    }
  sh->count = k;
  return FL_OK;
}

fl_status
fl_io_open_text (fl_tensor_file *f, char *err, size_t errlen)
{
  if (f->size == 0)
    return fl_io_error (err, errlen, f, NULL, "empty file: no numbers");
  if (memchr (f->map, 0, f->size))
    return fl_io_error (err, errlen, f, NULL, "a NUL byte: not a text file");
  locale_t c_locale = newlocale (LC_NUMERIC_MASK, "C", (locale_t) 0);
  if (!c_locale)
    return fl_io_error (err, errlen, f, NULL, "no C locale");
  text_shape sh;
  fl_status st = scan (f, c_locale, &sh, NULL, err, errlen);
  if (st == FL_OK && sh.count == 0)
    st = fl_io_error (err, errlen, f, NULL, "no numbers");
  double *v = NULL;
  if (st == FL_OK && !(v = malloc (sh.count * sizeof *v)))
    st = fl_io_error (err, errlen, f, NULL, "out of memory for %llu numbers",
                      (unsigned long long) sh.count);
  text_shape again;
  if (st == FL_OK)
    st = scan (f, c_locale, &again, v, err, errlen);
  freelocale (c_locale);
  uint64_t shape[2];
  int ndim;
  if (sh.lines_with_numbers > 1 && sh.cols > 1 && sh.cols != UINT64_MAX)
    {
      ndim = 2;
      shape[0] = sh.lines_with_numbers;
      shape[1] = sh.cols;
    }
  else
    {
      ndim = 1;
      shape[0] = sh.count;
    }
  char *name = st == FL_OK ? fl_io_file_stem (f->path) : NULL;
  if (st == FL_OK && !name)
    st = fl_io_error (err, errlen, f, NULL, "out of memory");
  fl_tensor_entry *e;
  if (st == FL_OK)
    st = fl_io_add (f, name, FL_DT_F64, "text", ndim, shape, &e, err, errlen);
  free (name);
  if (st != FL_OK)
    {
      free (v);
      return st;
    }
  e->data = (const unsigned char *) v;
  e->owned = v;
  e->owned_len = sh.count * sizeof *v;
  e->release = release_buffer;
  e->big_endian = HOST_BIG_ENDIAN;
  return FL_OK;
}
