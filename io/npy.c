/* npy.c -- NumPy .npy files, format versions 1.0, 2.0 and 3.0 (doc/tensors.md): the magic
   "\x93NUMPY", the version, a 2-byte (v1) or 4-byte (v2, v3) little-endian header length,
   then a Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
   and the elements.  The literal is parsed here, strictly (numpy's three keys, each once),
   never evaluated. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "reader-impl.h"
#include "npy-impl.h"

typedef struct
{
  const char *p, *end;
  char *msg;
  size_t msglen;
} lit;

static int
lit_fail (lit *l, const char *what)
{
  snprintf (l->msg, l->msglen, "malformed .npy header: %s", what);
  return -1;
}

static void
skip_space (lit *l)
{
  while (l->p < l->end && (*l->p == ' ' || *l->p == '\t' || *l->p == '\n' || *l->p == '\r'))
    l->p++;
}

static int
accept (lit *l, char c)
{
  skip_space (l);
  if (l->p < l->end && *l->p == c)
    {
      l->p++;
      return 1;
    }
  return 0;
}

/* A quoted string (' or "); its text (cut at cap - 1 bytes) in buf. */
static int
parse_string (lit *l, char *buf, size_t cap)
{
  skip_space (l);
  if (l->p >= l->end || (*l->p != '\'' && *l->p != '"'))
    return lit_fail (l, "expected a string");
  char q = *l->p++;
  size_t n = 0;
  while (l->p < l->end && *l->p != q)
    {
      if (*l->p == '\\')
        return lit_fail (l, "escapes in strings are not supported");
      if (n + 1 < cap)
        buf[n++] = *l->p;
      l->p++;
    }
  if (l->p >= l->end)
    return lit_fail (l, "unterminated string");
  l->p++;
  buf[n] = 0;
  return 0;
}

/* Skip any literal (a structured dtype's list of tuples), nesting at most 32 deep. */
static int
skip_value (lit *l, int depth)
{
  if (depth > 32)
    return lit_fail (l, "nested too deeply");
  skip_space (l);
  if (l->p >= l->end)
    return lit_fail (l, "truncated");
  char c = *l->p;
  if (c == '\'' || c == '"')
    {
      char tmp[2];
      return parse_string (l, tmp, sizeof tmp);
    }
  if (c == '(' || c == '[')
    {
      char close = c == '(' ? ')' : ']';
      l->p++;
      if (accept (l, close))
        return 0;
      for (;;)
        {
          if (skip_value (l, depth + 1))
            return -1;
          if (accept (l, close))
            return 0;
          if (!accept (l, ','))
            return lit_fail (l, "expected ',' in a list");
          if (accept (l, close))
            return 0;
        }
    }
  if ((c >= '0' && c <= '9') || c == '-' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
    {
      while (l->p < l->end && ((*l->p >= '0' && *l->p <= '9') || *l->p == '-'
                               || (*l->p >= 'A' && *l->p <= 'Z')
                               || (*l->p >= 'a' && *l->p <= 'z') || *l->p == '_'))
        l->p++;
      return 0;
    }
  return lit_fail (l, "unexpected character");
}

static int
parse_bool (lit *l, int *v)
{
  skip_space (l);
  size_t rest = (size_t) (l->end - l->p);
  if (rest >= 4 && memcmp (l->p, "True", 4) == 0)
    {
      l->p += 4;
      *v = 1;
      return 0;
    }
  if (rest >= 5 && memcmp (l->p, "False", 5) == 0)
    {
      l->p += 5;
      *v = 0;
      return 0;
    }
  return lit_fail (l, "fortran_order is neither True nor False");
}

static int
parse_shape (lit *l, fl_npy_header *h)
{
  if (!accept (l, '('))
    return lit_fail (l, "shape is not a tuple");
  h->ndim = 0;
  if (accept (l, ')'))
    return 0;
  for (;;)
    {
      skip_space (l);
      if (l->p >= l->end || *l->p < '0' || *l->p > '9')
        return lit_fail (l, "shape holds something other than a non-negative integer");
      uint64_t v = 0;
      while (l->p < l->end && *l->p >= '0' && *l->p <= '9')
        {
          if (v > (UINT64_MAX - 9) / 10)
            return lit_fail (l, "a dimension overflows");
          v = v * 10 + (uint64_t) (*l->p++ - '0');
        }
      if (l->p < l->end && *l->p == 'L')     /* Python 2 long */
        l->p++;
      if (h->ndim == FL_TENSOR_MAXDIM)
        {
          snprintf (l->msg, l->msglen, "more than %d dimensions", FL_TENSOR_MAXDIM);
          return -1;
        }
      h->shape[h->ndim++] = v;
      if (accept (l, ')'))
        return 0;
      if (!accept (l, ','))
        return lit_fail (l, "expected ',' in the shape");
      if (accept (l, ')'))
        return 0;
    }
}

/* numpy's descr for the fixed-size types: byte order, kind, size. */
static void
map_descr (fl_npy_header *h)
{
  static const struct
  {
    const char *code;
    fl_dtype t;
  } types[] = {
    { "f8", FL_DT_F64 }, { "f4", FL_DT_F32 }, { "f2", FL_DT_F16 },
    { "i8", FL_DT_I64 }, { "i4", FL_DT_I32 }, { "i2", FL_DT_I16 }, { "i1", FL_DT_I8 },
    { "u8", FL_DT_U64 }, { "u4", FL_DT_U32 }, { "u2", FL_DT_U16 }, { "u1", FL_DT_U8 },
    { "b1", FL_DT_BOOL },
  };
  const char *d = h->descr;
  h->dtype = FL_DT_OPAQUE;
  h->big_endian = 0;
  if (d[0] != '<' && d[0] != '>' && d[0] != '|' && d[0] != '=')
    return;
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
    if (strcmp (d + 1, types[i].code) == 0)
      {
        /* '|' (no order) only for single bytes, as numpy writes it */
        if (d[0] == '|' && fl_dtype_size (types[i].t) != 1)
          return;
        h->dtype = types[i].t;
        h->big_endian = d[0] == '>';
        return;
      }
}

int
fl_npy_preamble (const unsigned char *p, size_t n, size_t *start, size_t *hlen, char *msg,
                 size_t msglen)
{
  if (n < 6 || memcmp (p, "\x93NUMPY", 6) != 0)
    {
      snprintf (msg, msglen, n < 6 ? "truncated .npy magic" : "not a .npy file (bad magic)");
      return -1;
    }
  if (n < 8)
    {
      snprintf (msg, msglen, "truncated before the .npy version");
      return -1;
    }
  unsigned major = p[6], minor = p[7];
  if (major != 1 && major != 2 && major != 3)
    {
      snprintf (msg, msglen, "unsupported .npy version %u.%u (1.0, 2.0 and 3.0 are read)",
                major, minor);
      return -1;
    }
  /* version 1: a 2-byte header length, versions 2 and 3: 4 bytes */
  unsigned lenbytes = major == 1 ? 2 : 4;
  if (n < 8 + lenbytes)
    {
      snprintf (msg, msglen, "truncated in the header length");
      return -1;
    }
  *start = 8 + lenbytes;
  *hlen = (size_t) fl_io_le (p + 8, lenbytes);
  return 0;
}

int
fl_npy_parse (const unsigned char *p, size_t n, fl_npy_header *h, char *msg, size_t msglen)
{
  memset (h, 0, sizeof *h);
  size_t start, hlen;
  if (fl_npy_preamble (p, n, &start, &hlen, msg, msglen))
    return -1;
  if (hlen > FL_NPY_MAX_HEADER)
    {
      snprintf (msg, msglen, "header length %zu beyond the limit of %u bytes", hlen,
                FL_NPY_MAX_HEADER);
      return -1;
    }
  if (hlen > n - start)
    {
      snprintf (msg, msglen, "header length %zu beyond the end of the data (%zu bytes)",
                hlen, n - start);
      return -1;
    }
  lit l = { (const char *) p + start, (const char *) p + start + hlen, msg, msglen };
  int have_descr = 0, have_fortran = 0, have_shape = 0;
  if (!accept (&l, '{'))
    return lit_fail (&l, "not a dict");
  while (!accept (&l, '}'))
    {
      char key[32];
      if (parse_string (&l, key, sizeof key))
        return -1;
      if (!accept (&l, ':'))
        return lit_fail (&l, "expected ':'");
      if (strcmp (key, "descr") == 0 && !have_descr)
        {
          have_descr = 1;
          skip_space (&l);
          if (l.p < l.end && (*l.p == '\'' || *l.p == '"'))
            {
              if (parse_string (&l, h->descr, sizeof h->descr))
                return -1;
              map_descr (h);
            }
          else
            {
              /* a structured type: listed, not read */
              if (skip_value (&l, 0))
                return -1;
              snprintf (h->descr, sizeof h->descr, "structured");
              h->dtype = FL_DT_OPAQUE;
            }
        }
      else if (strcmp (key, "fortran_order") == 0 && !have_fortran)
        {
          have_fortran = 1;
          if (parse_bool (&l, &h->fortran_order))
            return -1;
        }
      else if (strcmp (key, "shape") == 0 && !have_shape)
        {
          have_shape = 1;
          if (parse_shape (&l, h))
            return -1;
        }
      else
        {
          snprintf (msg, msglen, "malformed .npy header: unexpected or repeated key '%s'",
                    key);
          return -1;
        }
      if (accept (&l, '}'))
        break;
      if (!accept (&l, ','))
        return lit_fail (&l, "expected ',' between entries");
    }
  skip_space (&l);
  if (l.p != l.end)
    return lit_fail (&l, "text after the dict");
  if (!have_descr || !have_fortran || !have_shape)
    return lit_fail (&l, !have_descr ? "no 'descr'" : !have_shape ? "no 'shape'"
                     : "no 'fortran_order'");
  h->data_offset = start + hlen;
  return 0;
}

char *
fl_io_file_stem (const char *path)
{
  const char *b = strrchr (path, '/');
  b = b ? b + 1 : path;
  const char *dot = strrchr (b, '.');
  size_t n = dot && dot > b ? (size_t) (dot - b) : strlen (b);
  char *s = malloc (n + 1);
  if (s)
    {
      memcpy (s, b, n);
      s[n] = 0;
    }
  return s;
}

fl_status
fl_io_open_npy (fl_tensor_file *f, char *err, size_t errlen)
{
  fl_npy_header h;
  char msg[256];
  if (fl_npy_parse (f->map, f->size, &h, msg, sizeof msg))
    return fl_io_error (err, errlen, f, NULL, "%s", msg);
  char *name = fl_io_file_stem (f->path);
  if (!name)
    return fl_io_error (err, errlen, f, NULL, "out of memory");
  fl_tensor_entry *e;
  fl_status st = fl_io_add (f, name, h.dtype, h.descr, h.ndim, h.shape, &e, err, errlen);
  free (name);
  if (st != FL_OK)
    return st;
  size_t avail = f->size - h.data_offset;
  if (h.dtype == FL_DT_OPAQUE)
    e->info.nbytes = avail;
  else if (e->info.nbytes > avail)
    return fl_io_error (err, errlen, f, e->info.name,
                        "truncated: %llu elements of %s need %llu bytes, the file holds %zu "
                        "after the header", (unsigned long long) e->info.count, h.descr,
                        (unsigned long long) e->info.nbytes, avail);
  e->data = f->map + h.data_offset;
  e->big_endian = h.big_endian;
  e->fortran_order = h.fortran_order;
  return FL_OK;
}
