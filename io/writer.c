/* writer.c -- tensors out: one tensor per .npy file (format 1.0, or 2.0 when the header
   needs it), several per .safetensors file.  Everything goes to a temporary file beside the
   destination, renamed into place by commit; abort or any error removes it.  A safetensors
   header comes first but lists every tensor, so their data is spooled to an unnamed
   temporary file until commit writes the header and copies it after. */
#include <config.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>
#include "reader-impl.h"

const char *fl_io_safetensors_dtype (fl_dtype t);     /* io/safetensors.c */

struct fl_tensor_writer
{
  char *path, *tmp;
  fl_tfile_kind kind;
  FILE *out;                /* the temporary file */
  FILE *spool;              /* safetensors: the data so far */
  json_t *header;           /* safetensors: the header so far */
  uint64_t data_len;
  size_t ntensors;
};

static fl_status
werror (char *err, size_t errlen, const fl_tensor_writer *w, const char *tensor,
        const char *fmt, ...) __attribute__ ((format (printf, 5, 6)));

static fl_status
werror (char *err, size_t errlen, const fl_tensor_writer *w, const char *tensor,
        const char *fmt, ...)
{
  char msg[400];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (msg, sizeof msg, fmt, ap);
  va_end (ap);
  fl_tensor_file pseudo = { .path = w ? w->path : NULL };
  return fl_io_error (err, errlen, &pseudo, tensor, "%s", msg);
}

void
fl_tensor_writer_abort (fl_tensor_writer *w)
{
  if (!w)
    return;
  if (w->out)
    fclose (w->out);
  if (w->tmp)
    unlink (w->tmp);
  if (w->spool)
    fclose (w->spool);
  json_decref (w->header);
  free (w->tmp);
  free (w->path);
  free (w);
}

/* An unnamed file on the destination's file system (not /tmp, often in memory): the data
   of a large checkpoint waits there for its header. */
static FILE *
spool_beside (const char *path)
{
  size_t n = strlen (path) + 16;
  char *t = malloc (n);
  if (!t)
    return NULL;
  snprintf (t, n, "%s.spool.XXXXXX", path);
  int fd = mkstemp (t);
  FILE *fp = NULL;
  if (fd >= 0)
    {
      unlink (t);
      if (!(fp = fdopen (fd, "w+b")))
        close (fd);
    }
  free (t);
  return fp;
}

fl_status
fl_tensor_writer_open (const char *path, fl_tfile_kind kind, fl_tensor_writer **out,
                       char *err, size_t errlen)
{
  *out = NULL;
  size_t n = strlen (path);
  if (kind == FL_TFILE_AUTO)
    kind = n >= 4 && strcasecmp (path + n - 4, ".npy") == 0 ? FL_TFILE_NPY
           : n >= 12 && strcasecmp (path + n - 12, ".safetensors") == 0
           ? FL_TFILE_SAFETENSORS : FL_TFILE_AUTO;
  fl_tensor_writer *w = calloc (1, sizeof *w);
  if (!w || !(w->path = strdup (path)) || !(w->tmp = malloc (n + 16)))
    {
      if (w)
        free (w->path);
      free (w);
      if (err && errlen)
        snprintf (err, errlen, "%s: out of memory", path);
      return FL_ENOMEM;
    }
  w->kind = kind;
  if (kind != FL_TFILE_NPY && kind != FL_TFILE_SAFETENSORS)
    {
      fl_status st = werror (err, errlen, w, NULL, "tensors are written as .npy or "
                             ".safetensors files");
      free (w->tmp);
      w->tmp = NULL;
      fl_tensor_writer_abort (w);
      return st;
    }
  snprintf (w->tmp, n + 16, "%s.tmp.XXXXXX", path);
  int fd = mkstemp (w->tmp);
  if (fd < 0)
    {
      fl_status st = werror (err, errlen, w, NULL, "cannot create a temporary file: %s",
                             strerror (errno));
      free (w->tmp);
      w->tmp = NULL;
      fl_tensor_writer_abort (w);
      return st;
    }
  /* the permissions an ordinary new file would get */
  mode_t um = umask (0);
  umask (um);
  fchmod (fd, 0666 & ~um);
  w->out = fdopen (fd, "wb");
  if (!w->out)
    {
      close (fd);
      fl_status st = werror (err, errlen, w, NULL, "cannot write: %s", strerror (errno));
      fl_tensor_writer_abort (w);
      return st;
    }
  if (kind == FL_TFILE_SAFETENSORS && (!(w->spool = spool_beside (path)) || !(w->header = json_object ())))
    {
      fl_status st = werror (err, errlen, w, NULL, "cannot create a spool file: %s",
                             strerror (errno));
      fl_tensor_writer_abort (w);
      return st;
    }
  *out = w;
  return FL_OK;
}

/* numpy's descr of a dtype, or NULL when numpy has none (bf16, fp8) */
static const char *
npy_descr (fl_dtype t)
{
  switch (t)
    {
    case FL_DT_F64: return "<f8";
    case FL_DT_F32: return "<f4";
    case FL_DT_F16: return "<f2";
    case FL_DT_I64: return "<i8";
    case FL_DT_I32: return "<i4";
    case FL_DT_I16: return "<i2";
    case FL_DT_I8: return "|i1";
    case FL_DT_U64: return "<u8";
    case FL_DT_U32: return "<u4";
    case FL_DT_U16: return "<u2";
    case FL_DT_U8: return "|u1";
    case FL_DT_BOOL: return "|b1";
    default: return NULL;
    }
}

static fl_status
write_npy (fl_tensor_writer *w, const char *name, fl_dtype dtype, int ndim,
           const uint64_t *shape, const void *data, uint64_t nbytes, char *err, size_t errlen)
{
  const char *descr = npy_descr (dtype);
  if (!descr)
    return werror (err, errlen, w, name, ".npy has no %s type (write .safetensors)",
                   fl_dtype_name (dtype));
  char dict[1024];
  int len = snprintf (dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (",
                      descr);
  for (int d = 0; d < ndim; d++)
    len += snprintf (dict + len, sizeof dict - (size_t) len, "%llu,%s",
                     (unsigned long long) shape[d], d + 1 < ndim ? " " : "");
  len += snprintf (dict + len, sizeof dict - (size_t) len, "), }");
  /* pad with spaces so that the data starts at a multiple of 64, ending in '\n' */
  size_t pre = 10, total = pre + (size_t) len + 1;
  size_t padded = (total + 63) / 64 * 64;
  unsigned char head[1024 + 128];
  memcpy (head, "\x93NUMPY\1\0", 8);
  size_t hlen = padded - pre;
  head[8] = (unsigned char) hlen;
  head[9] = (unsigned char) (hlen >> 8);
  memcpy (head + pre, dict, (size_t) len);
  memset (head + pre + len, ' ', padded - pre - (size_t) len - 1);
  head[padded - 1] = '\n';
  if (fwrite (head, 1, padded, w->out) != padded
      || (nbytes && fwrite (data, 1, (size_t) nbytes, w->out) != nbytes))
    return werror (err, errlen, w, name, "write error: %s", strerror (errno));
  return FL_OK;
}

fl_status
fl_tensor_writer_add (fl_tensor_writer *w, const char *name, fl_dtype dtype, int ndim,
                      const uint64_t *shape, const void *data, char *err, size_t errlen)
{
  if (!name)
    name = "";
  size_t es = fl_dtype_size (dtype);
  if (!es)
    return werror (err, errlen, w, name, "cannot write elements of type %s",
                   fl_dtype_name (dtype) ? fl_dtype_name (dtype) : "opaque");
  if (ndim < 0 || ndim > FL_TENSOR_MAXDIM)
    return werror (err, errlen, w, name, "%d dimensions (at most %d)", ndim,
                   FL_TENSOR_MAXDIM);
  uint64_t count = 1, nbytes;
  for (int d = 0; d < ndim; d++)
    if (fl_io_mul_u64 (count, shape[d], &count))
      return werror (err, errlen, w, name, "shape whose element count overflows");
  if (fl_io_mul_u64 (count, es, &nbytes) || nbytes > SIZE_MAX / 2)
    return werror (err, errlen, w, name, "too large");
  if (w->kind == FL_TFILE_NPY)
    {
      if (w->ntensors)
        return werror (err, errlen, w, name, "a .npy file holds one tensor");
      fl_status st = write_npy (w, name, dtype, ndim, shape, data, nbytes, err, errlen);
      if (st == FL_OK)
        w->ntensors++;
      return st;
    }
  if (strcmp (name, "__metadata__") == 0 || json_object_get (w->header, name))
    return werror (err, errlen, w, name, "duplicate tensor name");
  json_t *sh = json_array (), *off = json_array (), *desc = json_object ();
  for (int d = 0; d < ndim; d++)
    json_array_append_new (sh, json_integer ((json_int_t) shape[d]));
  json_array_append_new (off, json_integer ((json_int_t) w->data_len));
  json_array_append_new (off, json_integer ((json_int_t) (w->data_len + nbytes)));
  json_object_set_new (desc, "dtype", json_string (fl_io_safetensors_dtype (dtype)));
  json_object_set_new (desc, "shape", sh);
  json_object_set_new (desc, "data_offsets", off);
  if (json_object_set_new (w->header, name, desc) != 0)
    return werror (err, errlen, w, name, "cannot add the tensor (is its name UTF-8?)");
  if (nbytes && fwrite (data, 1, (size_t) nbytes, w->spool) != nbytes)
    return werror (err, errlen, w, name, "write error on the spool file: %s",
                   strerror (errno));
  w->data_len += nbytes;
  w->ntensors++;
  return FL_OK;
}

static fl_status
write_safetensors (fl_tensor_writer *w, char *err, size_t errlen)
{
  char *h = json_dumps (w->header, JSON_COMPACT | JSON_PRESERVE_ORDER);
  if (!h)
    return werror (err, errlen, w, NULL, "out of memory");
  size_t n = strlen (h), padded = (n + 7) / 8 * 8;    /* data aligned to 8 bytes */
  unsigned char len[8];
  for (int i = 0; i < 8; i++)
    len[i] = (unsigned char) ((uint64_t) padded >> (8 * i));
  int bad = fwrite (len, 1, 8, w->out) != 8 || fwrite (h, 1, n, w->out) != n;
  free (h);
  for (size_t i = n; i < padded && !bad; i++)
    bad = fputc (' ', w->out) == EOF;
  if (!bad && fseek (w->spool, 0, SEEK_SET) != 0)
    bad = 1;
  char buf[1 << 16];
  size_t r;
  while (!bad && (r = fread (buf, 1, sizeof buf, w->spool)) > 0)
    bad = fwrite (buf, 1, r, w->out) != r;
  if (bad || ferror (w->spool))
    return werror (err, errlen, w, NULL, "write error: %s", strerror (errno));
  return FL_OK;
}

fl_status
fl_tensor_writer_commit (fl_tensor_writer *w, char *err, size_t errlen)
{
  fl_status st = FL_OK;
  if (w->kind == FL_TFILE_NPY && w->ntensors != 1)
    st = werror (err, errlen, w, NULL, "no tensor to write");
  if (st == FL_OK && w->kind == FL_TFILE_SAFETENSORS)
    st = write_safetensors (w, err, errlen);
  if (st == FL_OK)
    {
      int bad = fflush (w->out) != 0 || fsync (fileno (w->out)) != 0;
      bad |= fclose (w->out) != 0;
      w->out = NULL;
      if (bad)
        st = werror (err, errlen, w, NULL, "write error: %s", strerror (errno));
    }
  if (st == FL_OK && rename (w->tmp, w->path) != 0)
    st = werror (err, errlen, w, NULL, "cannot rename into place: %s", strerror (errno));
  if (st == FL_OK)
    {
      free (w->tmp);
      w->tmp = NULL;      /* nothing left to remove */
    }
  fl_tensor_writer_abort (w);
  return st;
}
