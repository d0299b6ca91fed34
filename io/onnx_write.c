/* onnx_write.c -- rewrite the float tensors of an ONNX model (include/fmtlab/onnxwrite.h).
   The model is validated by the ONNX reader first (io/onnx.c: the wire-format pass that
   bounds nesting and sizes), then unpacked with protobuf-c, changed in place and packed
   again. */
#include <config.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <fmtlab/onnxwrite.h>
#include <fmtlab/tensor.h>
#include "onnx.pb-c.h"

#define ONNX_FLOAT 1     /* TensorProto.DataType.FLOAT */
#define MAX_NDIM 16

typedef struct {
  fl_onnx_tensor_fn fn;
  void *ctx;
  size_t count;
  const char *path;
  char *err;
  size_t errlen;
} rewrite;

static fl_status
rewrite_tensor (rewrite *w, Onnx__TensorProto *t, const char *name)
{
  if (!t || !t->has_data_type || t->data_type != ONNX_FLOAT)
    return FL_OK;
  if (t->has_data_location && t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
    {
      snprintf (w->err, w->errlen, "%s: tensor '%s' is stored in an external file, which "
                "fmtlab does not rewrite", w->path, name);
      return FL_EUNSUPPORTED;
    }
  uint64_t shape[MAX_NDIM], count = 1;
  if (t->n_dims > MAX_NDIM)
    {
      snprintf (w->err, w->errlen, "%s: tensor '%s' has %zu dimensions (at most %d)",
                w->path, name, t->n_dims, MAX_NDIM);
      return FL_EINVAL;
    }
  for (size_t d = 0; d < t->n_dims; d++)
    {
      if (t->dims[d] < 0)
        {
          snprintf (w->err, w->errlen, "%s: tensor '%s' has a negative dimension", w->path,
                    name);
          return FL_EINVAL;
        }
      shape[d] = (uint64_t) t->dims[d];
      count *= shape[d];
    }
  fl_status st;
  if (t->has_raw_data)
    {
      if (t->raw_data.len != count * 4)
        {
          snprintf (w->err, w->errlen, "%s: tensor '%s': raw_data holds %zu bytes, %llu "
                    "floats take %llu", w->path, name, t->raw_data.len,
                    (unsigned long long) count, (unsigned long long) (count * 4));
          return FL_EINVAL;
        }
      /* raw_data is little-endian and may be unaligned: copy out and back. */
      float *v = malloc ((count ? count : 1) * sizeof *v);
      if (!v)
        return FL_ENOMEM;
      memcpy (v, t->raw_data.data, count * 4);
      st = w->fn (w->ctx, name, (int) t->n_dims, shape, v, count, w->err, w->errlen);
      if (st == FL_OK)
        memcpy (t->raw_data.data, v, count * 4);
      free (v);
    }
  else
    {
      if (t->n_float_data != count)
        {
          snprintf (w->err, w->errlen, "%s: tensor '%s': %zu float_data values for %llu "
                    "elements", w->path, name, t->n_float_data, (unsigned long long) count);
          return FL_EINVAL;
        }
      st = w->fn (w->ctx, name, (int) t->n_dims, shape, t->float_data, count, w->err,
                  w->errlen);
    }
  w->count += st == FL_OK;
  return st;
}

static fl_status rewrite_graph (rewrite *w, Onnx__GraphProto *g);

static fl_status
rewrite_nodes (rewrite *w, Onnx__NodeProto **nodes, size_t n)
{
  fl_status st = FL_OK;
  for (size_t i = 0; i < n && st == FL_OK; i++)
    {
      Onnx__NodeProto *nd = nodes[i];
      const char *out = nd->n_output > 0 && nd->output[0] ? nd->output[0] : "";
      for (size_t a = 0; a < nd->n_attribute && st == FL_OK; a++)
        {
          Onnx__AttributeProto *at = nd->attribute[a];
          if (at->t)
            st = rewrite_tensor (w, at->t, at->t->name && *at->t->name ? at->t->name : out);
          for (size_t k = 0; k < at->n_tensors && st == FL_OK; k++)
            st = rewrite_tensor (w, at->tensors[k], at->tensors[k]->name
                                 ? at->tensors[k]->name : out);
          if (at->g && st == FL_OK)
            st = rewrite_graph (w, at->g);
          for (size_t k = 0; k < at->n_graphs && st == FL_OK; k++)
            st = rewrite_graph (w, at->graphs[k]);
        }
    }
  return st;
}

static fl_status
rewrite_graph (rewrite *w, Onnx__GraphProto *g)
{
  fl_status st = FL_OK;
  if (!g)
    return FL_OK;
  for (size_t i = 0; i < g->n_initializer && st == FL_OK; i++)
    st = rewrite_tensor (w, g->initializer[i], g->initializer[i]->name
                         ? g->initializer[i]->name : "");
  if (st == FL_OK)
    st = rewrite_nodes (w, g->node, g->n_node);
  return st;
}

static fl_status
read_all (const char *path, uint8_t **buf, size_t *len, char *err, size_t errlen)
{
  FILE *fp = fopen (path, "rb");
  if (!fp)
    {
      snprintf (err, errlen, "%s: %s", path, strerror (errno));
      return FL_EINVAL;
    }
  size_t cap = 1 << 20, n = 0;
  uint8_t *b = malloc (cap);
  while (b)
    {
      size_t r = fread (b + n, 1, cap - n, fp);
      n += r;
      if (n < cap)
        break;
      uint8_t *nb = realloc (b, cap * 2);
      if (!nb)
        {
          free (b);
          b = NULL;
          break;
        }
      b = nb;
      cap *= 2;
    }
  int bad = ferror (fp);
  fclose (fp);
  if (!b)
    return FL_ENOMEM;
  if (bad)
    {
      free (b);
      snprintf (err, errlen, "%s: read error", path);
      return FL_EINVAL;
    }
  *buf = b;
  *len = n;
  return FL_OK;
}

fl_status
fl_onnx_rewrite_floats (const char *in, const char *out, fl_onnx_tensor_fn fn, void *ctx,
                        size_t *ntensors, char *err, size_t errlen)
{
  /* The reader's validation first: a hostile file fails there, before protobuf-c. */
  fl_tensor_open_opts oo;
  fl_tensor_open_opts_init (&oo);
  oo.kind = FL_TFILE_ONNX;
  fl_tensor_file *tf = NULL;
  fl_status st = fl_tensor_open (in, &oo, &tf, err, errlen);
  if (st != FL_OK)
    return st;
  fl_tensor_close (tf);
  uint8_t *buf = NULL;
  size_t len = 0;
  if ((st = read_all (in, &buf, &len, err, errlen)) != FL_OK)
    return st;
  Onnx__ModelProto *m = onnx__model_proto__unpack (NULL, len, buf);
  free (buf);
  if (!m)
    {
      snprintf (err, errlen, "%s: not a valid ONNX model", in);
      return FL_EINVAL;
    }
  rewrite w = { fn, ctx, 0, in, err, errlen };
  st = rewrite_graph (&w, m->graph);
  for (size_t i = 0; i < m->n_functions && st == FL_OK; i++)
    st = rewrite_nodes (&w, m->functions[i]->node, m->functions[i]->n_node);
  uint8_t *packed = NULL;
  size_t plen = 0;
  if (st == FL_OK)
    {
      plen = onnx__model_proto__get_packed_size (m);
      if (!(packed = malloc (plen ? plen : 1)))
        st = FL_ENOMEM;
      else
        onnx__model_proto__pack (m, packed);
    }
  onnx__model_proto__free_unpacked (m, NULL);
  if (st != FL_OK)
    {
      free (packed);
      return st;
    }
  size_t tl = strlen (out) + 16;
  char *tmp = malloc (tl);
  if (!tmp)
    {
      free (packed);
      return FL_ENOMEM;
    }
  snprintf (tmp, tl, "%s.tmpXXXXXX", out);
  int fd = mkstemp (tmp);
  if (fd < 0)
    {
      snprintf (err, errlen, "%s: cannot create a temporary file: %s", out, strerror (errno));
      free (tmp);
      free (packed);
      return FL_EINVAL;
    }
  mode_t mask = umask (0);    /* mkstemp's 0600 would outlive the rename: the usual mode */
  umask (mask);
  fchmod (fd, 0666 & ~mask);
  size_t off = 0;
  while (off < plen)
    {
      ssize_t r = write (fd, packed + off, plen - off);
      if (r <= 0)
        break;
      off += (size_t) r;
    }
  free (packed);
  if (close (fd) != 0 || off != plen || rename (tmp, out) != 0)
    {
      snprintf (err, errlen, "%s: cannot write: %s", out, strerror (errno));
      unlink (tmp);
      free (tmp);
      return FL_EINVAL;
    }
  free (tmp);
  if (ntensors)
    *ntensors = w.count;
  return FL_OK;
}
