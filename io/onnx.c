/* onnx.c -- the ONNX reader: the tensors of a model (.onnx, protobuf ModelProto).

   The model is unpacked with protobuf-c from code generated at build time from the ONNX
   schema (onnx.proto).  Before unpacking, a small wire-format pass walks the whole message
   against the same schema: it checks every varint and length, refuses messages nested
   deeper than ONNX_MAX_DEPTH (protobuf-c's unpack recurses once per level, so a hostile
   file of 10^4 nested subgraphs would exhaust the stack) and bounds what the unpack will
   allocate.  protobuf-c copies every field, so files larger than ONNX_MAX_FILE (protobuf's
   own 2 GiB limit) are refused; larger models keep their weights in external data files,
   which are mapped, not copied.

   Tensors listed, in the order of the file: graph initializers, sparse initializers (their
   non-zero values, as NAME:values), Constant nodes (named by their output), tensor
   attributes of other nodes (NODE:ATTR, e.g. ConstantOfShape's value), and the same inside
   every subgraph (If/Loop/Scan GRAPH and GRAPHS attributes, at any depth) and model-local
   functions.  A subgraph tensor whose name another tensor also has is qualified by its path
   (NODE.ATTR/NODE.ATTR[i]/.../NAME).  See doc/gguf-onnx.md. */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>
#include "onnx.pb-c.h"
#include "reader-impl.h"

#define ONNX_MAX_FILE ((size_t) 2 << 30)
#define ONNX_MAX_DEPTH 64
#define ONNX_MAX_NAME 4096

/* ---- the wire-format pre-pass ---- */

typedef struct {
  uint64_t alloc;           /* what protobuf-c's unpack will allocate, roughly from above */
  const char *problem;      /* first problem found */
  char buf[160];
} wire_walk;

static int
wire_varint (const uint8_t *p, size_t len, size_t *pos, uint64_t *v)
{
  uint64_t r = 0;
  for (int i = 0; i < 10; i++)
    {
      if (*pos >= len)
        return -1;
      uint8_t b = p[(*pos)++];
      if (i == 9 && b > 1)
        return -1;              /* more than 64 bits */
      r |= (uint64_t) (b & 0x7f) << (7 * i);
      if (!(b & 0x80))
        {
          *v = r;
          return 0;
        }
    }
  return -1;
}

/* bytes of the C type protobuf-c stores one element of a scalar field in */
static unsigned
native_size (ProtobufCType t)
{
  switch (t)
    {
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64: case PROTOBUF_C_TYPE_DOUBLE:
      return 8;
    default:
      return 4;
    }
}

static int
wire_message (const ProtobufCMessageDescriptor *d, const uint8_t *p, size_t len, int depth,
              wire_walk *w)
{
  if (depth > ONNX_MAX_DEPTH)
    {
      snprintf (w->buf, sizeof w->buf, "messages nested deeper than %d levels (subgraphs "
                "or types)", ONNX_MAX_DEPTH);
      w->problem = w->buf;
      return -1;
    }
  w->alloc += d->sizeof_message + 16;
  size_t pos = 0;
  while (pos < len)
    {
      uint64_t tag, v;
      if (wire_varint (p, len, &pos, &tag))
        goto bad_varint;
      uint64_t field = tag >> 3;
      w->alloc += 40;           /* protobuf-c's scan record of each field occurrence */
      if (field == 0 || field > 0x1fffffff)
        {
          w->problem = "a field number 0 or beyond 2^29";
          return -1;
        }
      const ProtobufCFieldDescriptor *fd
        = protobuf_c_message_descriptor_get_field (d, (unsigned) field);
      unsigned elem = fd ? native_size (fd->type) : 0;
      switch (tag & 7)
        {
        case 0:
          if (wire_varint (p, len, &pos, &v))
            goto bad_varint;
          w->alloc += elem;
          break;
        case 1:
        case 5:
          {
            size_t n = (tag & 7) == 1 ? 8 : 4;
            if (len - pos < n)
              goto truncated;
            pos += n;
            w->alloc += elem;
            break;
          }
        case 2:
          {
            if (wire_varint (p, len, &pos, &v))
              goto bad_varint;
            if (v > len - pos)
              goto truncated;
            const uint8_t *sub = p + pos;
            size_t sublen = (size_t) v;
            pos += sublen;
            if (fd && fd->type == PROTOBUF_C_TYPE_MESSAGE)
              {
                w->alloc += sizeof (void *);
                if (wire_message (fd->descriptor, sub, sublen, depth + 1, w))
                  return -1;
              }
            else if (fd && (fd->type == PROTOBUF_C_TYPE_STRING
                            || fd->type == PROTOBUF_C_TYPE_BYTES))
              w->alloc += sublen + 1 + sizeof (ProtobufCBinaryData);
            else if (fd)
              {
                /* a packed repeated scalar: one element per varint or fixed width */
                uint64_t count = 0;
                if (fd->type == PROTOBUF_C_TYPE_FLOAT || fd->type == PROTOBUF_C_TYPE_FIXED32
                    || fd->type == PROTOBUF_C_TYPE_SFIXED32)
                  count = sublen / 4;
                else if (fd->type == PROTOBUF_C_TYPE_DOUBLE || fd->type == PROTOBUF_C_TYPE_FIXED64
                         || fd->type == PROTOBUF_C_TYPE_SFIXED64)
                  count = sublen / 8;
                else
                  for (size_t k = 0; k < sublen; k++)
                    count += !(sub[k] & 0x80);
                w->alloc += count * elem;
              }
            else
              w->alloc += sublen + 32;       /* an unknown field, kept by protobuf-c */
            break;
          }
        default:
          snprintf (w->buf, sizeof w->buf, "wire type %u (groups are not protobuf 3 and "
                    "not ONNX)", (unsigned) (tag & 7));
          w->problem = w->buf;
          return -1;
        }
    }
  return 0;

 bad_varint:
  w->problem = "a malformed varint (more than 10 bytes, or beyond 64 bits, or truncated)";
  return -1;
 truncated:
  w->problem = "a field runs past the end of its message (truncated file?)";
  return -1;
}

/* ---- the reader's state: the unpacked model and the external data files it maps ---- */

typedef struct {
  char *real;               /* realpath of the file */
  void *map;
  size_t size;
} onnx_extfile;

typedef struct {
  Onnx__ModelProto *model;
  onnx_extfile *ext;
  size_t n_ext;
  char *dir_real;           /* realpath of the model's directory */
} onnx_state;

static void
onnx_state_free (void *p)
{
  onnx_state *s = p;
  if (!s)
    return;
  if (s->model)
    onnx__model_proto__free_unpacked (s->model, NULL);
  for (size_t i = 0; i < s->n_ext; i++)
    {
      if (s->ext[i].map)
        munmap (s->ext[i].map, s->ext[i].size);
      free (s->ext[i].real);
    }
  free (s->ext);
  free (s->dir_real);
  free (s);
}

static void
release_free (void *p, size_t len)
{
  free (p);
}

/* ---- data types ---- */

static const char *const onnx_type_names[] = {
  "UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64", "STRING",
  "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16",
  /* after the Debian schema (ONNX 1.12): ONNX 1.14 and later */
  "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ", "UINT4", "INT4",
  "FLOAT4E2M1"
};
#define ONNX_NTYPE_NAMES (int) (sizeof onnx_type_names / sizeof onnx_type_names[0])

/* The ONNX types fmtlab reads; 0 for the rest (listed as opaque). */
static int
onnx_dtype (int32_t t, fl_dtype *dt)
{
  switch (t)
    {
    case 1: *dt = FL_DT_F32; return 1;
    case 2: *dt = FL_DT_U8; return 1;
    case 3: *dt = FL_DT_I8; return 1;
    case 4: *dt = FL_DT_U16; return 1;
    case 5: *dt = FL_DT_I16; return 1;
    case 6: *dt = FL_DT_I32; return 1;
    case 7: *dt = FL_DT_I64; return 1;
    case 9: *dt = FL_DT_BOOL; return 1;
    case 10: *dt = FL_DT_F16; return 1;
    case 11: *dt = FL_DT_F64; return 1;
    case 12: *dt = FL_DT_U32; return 1;
    case 13: *dt = FL_DT_U64; return 1;
    case 16: *dt = FL_DT_BF16; return 1;
    case 17: *dt = FL_DT_F8_E4M3; return 1;     /* OCP E4M3FN, as safetensors' F8_E4M3 */
    case 19: *dt = FL_DT_F8_E5M2; return 1;
    default: return 0;
    }
}

static void
onnx_type_name (int32_t t, char *buf, size_t len)
{
  if (t >= 0 && t < ONNX_NTYPE_NAMES)
    snprintf (buf, len, "%s", onnx_type_names[t]);
  else
    snprintf (buf, len, "onnx type %ld", (long) t);
}

/* ---- candidates: every tensor found, named once all are known ---- */

typedef struct onnx_path {
  const struct onnx_path *parent;   /* NULL: the main graph */
  const char *node, *attr;          /* the node and attribute holding this subgraph (node
                                       NULL: an unnamed node, "node<node_index>") */
  size_t node_index;
  long index;                       /* GRAPHS: the position in the list; -1 for GRAPH */
  const char *function;             /* a model-local function (parent NULL) */
} onnx_path;

enum { CAND_TENSOR, CAND_F32, CAND_I64 };

typedef struct {
  char *name;                       /* the plain name (malloc'ed) */
  const onnx_path *path;
  int kind;
  const Onnx__TensorProto *t;       /* CAND_TENSOR */
  const void *values;               /* CAND_F32 / CAND_I64: attribute values */
  size_t n;
  int vector;                       /* 1-D (value_floats, value_ints) vs scalar */
  int qualify;
} onnx_cand;

typedef struct {
  fl_tensor_file *f;
  onnx_cand *c;
  size_t n, cap;
  onnx_path **paths;                /* every path node, freed at the end */
  size_t n_paths, cap_paths;
  char *err;
  size_t errlen;
  fl_status st;
} onnx_walk;

static int
grow (void **v, size_t *cap, size_t n, size_t elem)
{
  if (n < *cap)
    return 0;
  size_t nc = *cap ? 2 * *cap : 64;
  void *p = realloc (*v, nc * elem);
  if (!p)
    return -1;
  *v = p;
  *cap = nc;
  return 0;
}

/* Add a candidate named A SEP B SUFFIX.  Names come from the file: their length is
   bounded with strnlen before anything is copied, so a node with a huge name repeated over
   many attributes costs no more than ONNX_MAX_NAME per tensor. */
static int
cand_add (onnx_walk *w, const onnx_path *path, int kind, const char *a, const char *sep,
          const char *b, const char *suffix)
{
  size_t la = strnlen (a, ONNX_MAX_NAME + 1), ls = strlen (sep);
  size_t lb = strnlen (b, ONNX_MAX_NAME + 1), lx = strlen (suffix);
  if (la + ls + lb + lx > ONNX_MAX_NAME)
    {
      w->st = fl_io_error (w->err, w->errlen, w->f, NULL, "a tensor name longer than %d "
                           "bytes", ONNX_MAX_NAME);
      return -1;
    }
  char *name = malloc (la + ls + lb + lx + 1);
  if (!name || grow ((void **) &w->c, &w->cap, w->n, sizeof *w->c))
    {
      free (name);
      w->st = FL_ENOMEM;
      return -1;
    }
  memcpy (name, a, la);
  memcpy (name + la, sep, ls);
  memcpy (name + la + ls, b, lb);
  memcpy (name + la + ls + lb, suffix, lx + 1);
  onnx_cand *c = &w->c[w->n++];
  memset (c, 0, sizeof *c);
  c->name = name;
  c->path = path;
  c->kind = kind;
  return 0;
}

static char *
str_join (const char *a, const char *sep, const char *b)
{
  size_t la = strlen (a), ls = strlen (sep), lb = strlen (b);
  char *r = malloc (la + ls + lb + 1);
  if (r)
    {
      memcpy (r, a, la);
      memcpy (r + la, sep, ls);
      memcpy (r + la + ls, b, lb + 1);
    }
  return r;
}

static int walk_graph (onnx_walk *w, const Onnx__GraphProto *g, const onnx_path *path);

static const onnx_path *
path_new (onnx_walk *w, const onnx_path *parent, const char *node, size_t node_index,
          const char *attr, long index, const char *function)
{
  onnx_path *p = calloc (1, sizeof *p);
  if (!p || grow ((void **) &w->paths, &w->cap_paths, w->n_paths, sizeof *w->paths))
    {
      free (p);
      w->st = FL_ENOMEM;
      return NULL;
    }
  p->parent = parent;
  p->node = node;
  p->node_index = node_index;
  p->attr = attr;
  p->index = index;
  p->function = function;
  w->paths[w->n_paths++] = p;
  return p;
}

/* a node's name, else its first output, else NULL */
static const char *
node_name (const Onnx__NodeProto *nd)
{
  if (nd->name && *nd->name)
    return nd->name;
  if (nd->n_output > 0 && nd->output[0] && *nd->output[0])
    return nd->output[0];
  return NULL;
}

static int
walk_nodes (onnx_walk *w, Onnx__NodeProto *const *nodes, size_t n_nodes, const onnx_path *path)
{
  for (size_t k = 0; k < n_nodes; k++)
    {
      const Onnx__NodeProto *nd = nodes[k];
      char lbuf[32];
      const char *named = node_name (nd), *label = named;
      if (!label)
        {
          snprintf (lbuf, sizeof lbuf, "node%zu", k);
          label = lbuf;
        }
      int is_constant = nd->op_type && strcmp (nd->op_type, "Constant") == 0
                        && (!nd->domain || !*nd->domain || strcmp (nd->domain, "ai.onnx") == 0);
      const char *out0
        = nd->n_output > 0 && nd->output[0] && *nd->output[0] ? nd->output[0] : label;
      for (size_t a = 0; a < nd->n_attribute; a++)
        {
          const Onnx__AttributeProto *at = nd->attribute[a];
          const char *an = at->name ? at->name : "";
          if (is_constant)
            {
              /* a Constant's value, whichever attribute carries it, is named by its output */
              if (at->t && strcmp (an, "value") == 0)
                {
                  if (cand_add (w, path, CAND_TENSOR, out0, "", "", ""))
                    return -1;
                  w->c[w->n - 1].t = at->t;
                  continue;
                }
              if (at->sparse_tensor && at->sparse_tensor->values
                  && strcmp (an, "sparse_value") == 0)
                {
                  if (cand_add (w, path, CAND_TENSOR, out0, ":", "values", ""))
                    return -1;
                  w->c[w->n - 1].t = at->sparse_tensor->values;
                  continue;
                }
              int f = strcmp (an, "value_float") == 0, fs = strcmp (an, "value_floats") == 0;
              int i = strcmp (an, "value_int") == 0, is = strcmp (an, "value_ints") == 0;
              if (f || fs || i || is)
                {
                  if (cand_add (w, path, f || fs ? CAND_F32 : CAND_I64, out0, "", "", ""))
                    return -1;
                  onnx_cand *c = &w->c[w->n - 1];
                  c->vector = fs || is;
                  c->values = f ? (const void *) &at->f : fs ? (const void *) at->floats
                              : i ? (const void *) &at->i : (const void *) at->ints;
                  c->n = f || i ? 1 : fs ? at->n_floats : at->n_ints;
                  continue;
                }
            }
          /* tensor attributes of any other node (ConstantOfShape's value, ...) */
          if (at->t)
            {
              if (cand_add (w, path, CAND_TENSOR, label, ":", an, ""))
                return -1;
              w->c[w->n - 1].t = at->t;
            }
          for (size_t i = 0; i < at->n_tensors; i++)
            {
              char idx[32];
              snprintf (idx, sizeof idx, "[%zu]", i);
              if (cand_add (w, path, CAND_TENSOR, label, ":", an, idx))
                return -1;
              w->c[w->n - 1].t = at->tensors[i];
            }
          /* subgraphs */
          if (at->g)
            {
              const onnx_path *p = path_new (w, path, named, k, an, -1, NULL);
              if (!p || walk_graph (w, at->g, p))
                return -1;
            }
          for (size_t i = 0; i < at->n_graphs; i++)
            {
              const onnx_path *p = path_new (w, path, named, k, an, (long) i, NULL);
              if (!p || walk_graph (w, at->graphs[i], p))
                return -1;
            }
        }
    }
  return 0;
}

static int
walk_graph (onnx_walk *w, const Onnx__GraphProto *g, const onnx_path *path)
{
  for (size_t i = 0; i < g->n_initializer; i++)
    {
      const Onnx__TensorProto *t = g->initializer[i];
      char buf[48];
      snprintf (buf, sizeof buf, "initializer%zu", i);
      if (cand_add (w, path, CAND_TENSOR, t->name && *t->name ? t->name : buf, "", "", ""))
        return -1;
      w->c[w->n - 1].t = t;
    }
  for (size_t i = 0; i < g->n_sparse_initializer; i++)
    {
      const Onnx__SparseTensorProto *s = g->sparse_initializer[i];
      if (!s->values)
        continue;
      char buf[48];
      snprintf (buf, sizeof buf, "sparse_initializer%zu", i);
      const char *nm = s->values->name && *s->values->name ? s->values->name : buf;
      if (cand_add (w, path, CAND_TENSOR, nm, ":", "values", ""))
        return -1;
      w->c[w->n - 1].t = s->values;
    }
  return walk_nodes (w, g->node, g->n_node, path);
}

/* "If_0.then_branch/Loop_3.body/" for a subgraph path, "" for the main graph; NULL when
   longer than ONNX_MAX_NAME (or out of memory). */
static char *
path_string (const onnx_path *p)
{
  if (!p)
    return strdup ("");
  char *up = path_string (p->parent);
  if (!up)
    return NULL;
  char node[32], part[32] = "";
  const char *nd = p->node;
  if (!nd)
    {
      snprintf (node, sizeof node, "node%zu", p->node_index);
      nd = node;
    }
  if (p->index >= 0)
    snprintf (part, sizeof part, "[%ld]", p->index);
  const char *fmt = "%s%s.%s%s/";
  if (p->function)
    {
      fmt = "%sfunction:%s%s%s/";
      nd = p->function;
    }
  size_t n = strlen (up) + strnlen (nd, ONNX_MAX_NAME + 1)
             + strnlen (p->attr, ONNX_MAX_NAME + 1) + strlen (part) + 16;
  char *r = n > ONNX_MAX_NAME ? NULL : malloc (n);
  if (r)
    snprintf (r, n, fmt, up, nd, p->function ? "" : p->attr, part);
  free (up);
  return r;
}

static int
cand_name_cmp (const void *a, const void *b)
{
  const onnx_cand *const *x = a, *const *y = b;
  return strcmp ((*x)->name, (*y)->name);
}

/* ---- turning a TensorProto into an entry ---- */

static fl_status
ext_map (onnx_state *s, fl_tensor_file *f, const char *tname, const char *location,
         const unsigned char **data, size_t *size, char *err, size_t errlen)
{
  if (!*location)
    return fl_io_error (err, errlen, f, tname, "external data without a location");
  if (location[0] == '/')
    return fl_io_error (err, errlen, f, tname, "external data location '%s' is an absolute "
                        "path", location);
  for (const char *c = location; *c;)
    {
      size_t l = strcspn (c, "/");
      if (l == 2 && c[0] == '.' && c[1] == '.')
        return fl_io_error (err, errlen, f, tname, "external data location '%s' leaves the "
                            "model's directory", location);
      c += l;
      c += *c == '/';
    }
  if (!s->dir_real)
    {
      char *copy = strdup (f->path);
      if (!copy)
        return FL_ENOMEM;
      char *slash = strrchr (copy, '/');
      if (slash)
        slash[slash == copy] = 0;         /* "/m.onnx" -> "/" */
      s->dir_real = realpath (slash ? copy : ".", NULL);
      free (copy);
      if (!s->dir_real)
        return fl_io_error (err, errlen, f, tname, "cannot resolve the model's directory: %s",
                            strerror (errno));
    }
  char *full = str_join (s->dir_real, "/", location);
  if (!full)
    return FL_ENOMEM;
  char *real = realpath (full, NULL);
  free (full);
  if (!real)
    return fl_io_error (err, errlen, f, tname, "external data file '%s': %s", location,
                        strerror (errno));
  size_t dl = strlen (s->dir_real);
  if (strncmp (real, s->dir_real, dl) != 0 || (real[dl] != '/' && strcmp (s->dir_real, "/") != 0))
    {
      free (real);
      return fl_io_error (err, errlen, f, tname, "external data location '%s' resolves "
                          "outside the model's directory (a symbolic link)", location);
    }
  for (size_t i = 0; i < s->n_ext; i++)
    if (strcmp (s->ext[i].real, real) == 0)
      {
        free (real);
        *data = s->ext[i].map;
        *size = s->ext[i].size;
        return FL_OK;
      }
  int fd = open (real, O_RDONLY);
  struct stat sb;
  if (fd < 0 || fstat (fd, &sb) != 0 || !S_ISREG (sb.st_mode))
    {
      fl_io_error (err, errlen, f, tname, "external data file '%s': %s", location,
                   fd < 0 ? strerror (errno) : "not a regular file");
      if (fd >= 0)
        close (fd);
      free (real);
      return FL_EINVAL;
    }
  void *map = NULL;
  if (sb.st_size > 0)
    {
      map = mmap (NULL, (size_t) sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
      if (map == MAP_FAILED)
        {
          close (fd);
          free (real);
          return fl_io_error (err, errlen, f, tname, "cannot map external data file '%s'",
                              location);
        }
    }
  close (fd);
  void *grown = realloc (s->ext, (s->n_ext + 1) * sizeof *s->ext);
  if (!grown)
    {
      if (map)
        munmap (map, (size_t) sb.st_size);
      free (real);
      return FL_ENOMEM;
    }
  s->ext = grown;
  s->ext[s->n_ext].real = real;
  s->ext[s->n_ext].map = map;
  s->ext[s->n_ext].size = (size_t) sb.st_size;
  s->n_ext++;
  *data = map;
  *size = (size_t) sb.st_size;
  return FL_OK;
}

/* a decimal integer without sign, spaces or overflow */
static int
parse_u64 (const char *s, uint64_t *v)
{
  if (!s || !*s)
    return -1;
  uint64_t r = 0;
  for (; *s; s++)
    {
      if (*s < '0' || *s > '9' || r > (UINT64_MAX - (uint64_t) (*s - '0')) / 10)
        return -1;
      r = r * 10 + (uint64_t) (*s - '0');
    }
  *v = r;
  return 0;
}

static fl_status
ext_data (onnx_state *s, fl_tensor_file *f, fl_tensor_entry *e, const Onnx__TensorProto *t,
          char *err, size_t errlen)
{
  const char *tn = e->info.name, *location = NULL;
  uint64_t offset = 0, length = e->info.nbytes;
  for (size_t i = 0; i < t->n_external_data; i++)
    {
      const Onnx__StringStringEntryProto *kv = t->external_data[i];
      const char *k = kv->key ? kv->key : "";
      if (strcmp (k, "location") == 0)
        location = kv->value ? kv->value : "";
      else if (strcmp (k, "offset") == 0 && parse_u64 (kv->value, &offset))
        return fl_io_error (err, errlen, f, tn, "external data offset '%s' is not an integer",
                            kv->value ? kv->value : "");
      else if (strcmp (k, "length") == 0)
        {
          if (parse_u64 (kv->value, &length))
            return fl_io_error (err, errlen, f, tn, "external data length '%s' is not an "
                                "integer", kv->value ? kv->value : "");
          if (length != e->info.nbytes)
            return fl_io_error (err, errlen, f, tn, "external data length %llu, but %llu "
                                "elements of %s take %llu bytes", (unsigned long long) length,
                                (unsigned long long) e->info.count, e->info.dtype_name,
                                (unsigned long long) e->info.nbytes);
        }
    }
  if (!location)
    return fl_io_error (err, errlen, f, tn, "external data without a location");
  const unsigned char *map = NULL;
  size_t size = 0;
  fl_status st = ext_map (s, f, tn, location, &map, &size, err, errlen);
  if (st != FL_OK)
    return st;
  uint64_t end;
  if (fl_io_add_u64 (offset, length, &end) || end > size)
    return fl_io_error (err, errlen, f, tn, "external data [%llu, +%llu) lies beyond the end "
                        "of '%s' (%zu bytes)", (unsigned long long) offset,
                        (unsigned long long) length, location, size);
  e->data = map ? map + offset : NULL;
  return FL_OK;
}

/* elements held in int32_data, narrowed to the type's width (ONNX stores int8, uint8,
   int16, uint16, bool, float16, bfloat16 and float8 there, one per int32) */
static fl_status
narrow_int32 (fl_tensor_file *f, fl_tensor_entry *e, const Onnx__TensorProto *t,
              char *err, size_t errlen)
{
  size_t w = fl_dtype_size (e->info.dtype);
  long lo, hi;
  switch (e->info.dtype)
    {
    case FL_DT_I8: lo = -128; hi = 127; break;
    case FL_DT_U8: case FL_DT_F8_E4M3: case FL_DT_F8_E5M2: lo = 0; hi = 255; break;
    case FL_DT_BOOL: lo = 0; hi = 1; break;
    case FL_DT_I16: lo = -32768; hi = 32767; break;
    case FL_DT_U16: lo = 0; hi = 65535; break;
    default: lo = -32768; hi = 65535; break;   /* f16/bf16 bit patterns, either signedness */
    }
  unsigned char *buf = malloc (t->n_int32_data * w + 1);
  if (!buf)
    return FL_ENOMEM;
  for (size_t i = 0; i < t->n_int32_data; i++)
    {
      int32_t v = t->int32_data[i];
      if (v < lo || v > hi)
        {
          free (buf);
          return fl_io_error (err, errlen, f, e->info.name, "int32_data[%zu] = %ld does not "
                              "fit %s", i, (long) v, e->info.dtype_name);
        }
      uint32_t u = (uint32_t) v;
      for (size_t b = 0; b < w; b++)
        buf[i * w + b] = (unsigned char) (u >> (8 * b));     /* little-endian */
    }
  e->data = buf;
  e->owned = buf;
  e->owned_len = t->n_int32_data * w;
  e->release = release_free;
  return FL_OK;
}

static fl_status
uint64_to_u32 (fl_tensor_file *f, fl_tensor_entry *e, const Onnx__TensorProto *t,
               char *err, size_t errlen)
{
  unsigned char *buf = malloc (t->n_uint64_data * 4 + 1);
  if (!buf)
    return FL_ENOMEM;
  for (size_t i = 0; i < t->n_uint64_data; i++)
    {
      uint64_t v = t->uint64_data[i];
      if (v > UINT32_MAX)
        {
          free (buf);
          return fl_io_error (err, errlen, f, e->info.name, "uint64_data[%zu] = %llu does "
                              "not fit UINT32", i, (unsigned long long) v);
        }
      for (int b = 0; b < 4; b++)
        buf[i * 4 + b] = (unsigned char) (v >> (8 * b));
    }
  e->data = buf;
  e->owned = buf;
  e->owned_len = t->n_uint64_data * 4;
  e->release = release_free;
  return FL_OK;
}

static fl_status
add_tensor_proto (onnx_state *s, fl_tensor_file *f, const char *name,
                  const Onnx__TensorProto *t, char *err, size_t errlen)
{
  uint64_t shape[FL_TENSOR_MAXDIM];
  if (t->n_dims > FL_TENSOR_MAXDIM)
    return fl_io_error (err, errlen, f, name, "%zu dimensions (at most %d)", t->n_dims,
                        FL_TENSOR_MAXDIM);
  for (size_t d = 0; d < t->n_dims; d++)
    {
      if (t->dims[d] < 0)
        return fl_io_error (err, errlen, f, name, "dimension %zu is negative (%lld)", d,
                            (long long) t->dims[d]);
      shape[d] = (uint64_t) t->dims[d];
    }
  int32_t type = t->has_data_type ? t->data_type : 0;
  fl_dtype dt;
  int readable = onnx_dtype (type, &dt);
  char tyname[40];
  onnx_type_name (type, tyname, sizeof tyname);
  fl_tensor_entry *e;
  fl_status st = fl_io_add (f, name, readable ? dt : FL_DT_OPAQUE, tyname, (int) t->n_dims,
                            shape, &e, err, errlen);
  if (st != FL_OK)
    return st;
  e->info.readable = readable;
#if defined __BYTE_ORDER__ && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  int host_big = 1;
#else
  int host_big = 0;
#endif
  if (!readable)
    {
      e->info.nbytes = t->has_raw_data ? t->raw_data.len : 0;
      return FL_OK;
    }
  uint64_t count = e->info.count;
  if (t->has_data_location && t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
    return ext_data (s, f, e, t, err, errlen);
  if (t->has_raw_data)
    {
      if (t->raw_data.len != e->info.nbytes)
        return fl_io_error (err, errlen, f, name, "raw_data holds %zu bytes, but %llu "
                            "elements of %s take %llu", t->raw_data.len,
                            (unsigned long long) count, tyname,
                            (unsigned long long) e->info.nbytes);
      e->data = t->raw_data.data;
      return FL_OK;
    }
  /* the typed fields */
  size_t n;
  const void *src;
  switch (dt)
    {
    case FL_DT_F32: n = t->n_float_data; src = t->float_data; break;
    case FL_DT_F64: n = t->n_double_data; src = t->double_data; break;
    case FL_DT_I64: n = t->n_int64_data; src = t->int64_data; break;
    case FL_DT_I32: n = t->n_int32_data; src = t->int32_data; break;
    case FL_DT_U64: case FL_DT_U32: n = t->n_uint64_data; src = t->uint64_data; break;
    default: n = t->n_int32_data; src = t->int32_data; break;
    }
  if (n != count)
    return fl_io_error (err, errlen, f, name, "%zu values in its data fields, but its shape "
                        "holds %llu", n, (unsigned long long) count);
  if (count == 0)
    return FL_OK;
  if (dt == FL_DT_F32 || dt == FL_DT_F64 || dt == FL_DT_I64 || dt == FL_DT_I32
      || dt == FL_DT_U64)
    {
      e->data = src;                /* protobuf-c's arrays, in the host's byte order */
      e->big_endian = host_big;
      return FL_OK;
    }
  if (dt == FL_DT_U32)
    return uint64_to_u32 (f, e, t, err, errlen);
  return narrow_int32 (f, e, t, err, errlen);
}

static fl_status
add_values (fl_tensor_file *f, const onnx_cand *c, const char *name, char *err, size_t errlen)
{
  uint64_t shape[1] = { c->n };
  int is_f32 = c->kind == CAND_F32;
  fl_tensor_entry *e;
  fl_status st = fl_io_add (f, name, is_f32 ? FL_DT_F32 : FL_DT_I64, is_f32 ? "FLOAT" : "INT64",
                            c->vector, shape, &e, err, errlen);
  if (st != FL_OK)
    return st;
  e->data = c->values;
#if defined __BYTE_ORDER__ && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  e->big_endian = 1;
#endif
  return FL_OK;
}

/* ---- metadata ---- */

static char *
onnx_metadata (const Onnx__ModelProto *m)
{
  json_t *o = json_object ();
  if (!o)
    return NULL;
  json_object_set_new (o, "format", json_string ("onnx"));
  if (m->has_ir_version)
    json_object_set_new (o, "ir_version", json_integer (m->ir_version));
  json_object_set_new (o, "producer_name", json_string (m->producer_name ? m->producer_name : ""));
  json_object_set_new (o, "producer_version",
                       json_string (m->producer_version ? m->producer_version : ""));
  if (m->domain && *m->domain)
    json_object_set_new (o, "domain", json_string (m->domain));
  if (m->has_model_version)
    json_object_set_new (o, "model_version", json_integer (m->model_version));
  json_t *ops = json_array ();
  for (size_t i = 0; i < m->n_opset_import; i++)
    {
      json_t *op = json_object ();
      const Onnx__OperatorSetIdProto *p = m->opset_import[i];
      json_object_set_new (op, "domain", json_string (p->domain ? p->domain : ""));
      json_object_set_new (op, "version", json_integer (p->version));
      json_array_append_new (ops, op);
    }
  json_object_set_new (o, "opset_import", ops);
  if (m->n_metadata_props)
    {
      json_t *props = json_object ();
      for (size_t i = 0; i < m->n_metadata_props; i++)
        if (m->metadata_props[i]->key)
          json_object_set_new (props, m->metadata_props[i]->key,
                               json_string (m->metadata_props[i]->value
                                            ? m->metadata_props[i]->value : ""));
      json_object_set_new (o, "metadata_props", props);
    }
  if (m->graph && m->graph->name)
    json_object_set_new (o, "graph", json_string (m->graph->name));
  /* json_string refuses invalid UTF-8 (NULL values are skipped by json_object_set_new) */
  char *r = json_dumps (o, JSON_COMPACT | JSON_PRESERVE_ORDER);
  json_decref (o);
  return r;
}

/* ---- the reader ---- */

fl_status
fl_io_open_onnx (struct fl_tensor_file *f, char *err, size_t errlen)
{
  if (f->size > ONNX_MAX_FILE)
    {
      fl_io_error (err, errlen, f, NULL, "%zu bytes: ONNX files over 2 GiB are not read "
                   "(protobuf's limit; keep large weights as external data)", f->size);
      return FL_EUNSUPPORTED;
    }
  wire_walk ww = { 0, NULL, "" };
  if (wire_message (&onnx__model_proto__descriptor, f->map, f->size, 0, &ww))
    return fl_io_error (err, errlen, f, NULL, "not a valid ONNX model: %s", ww.problem);
  /* a legitimate model unpacks to about its own size (1.1 to 2 times for the PP-OCR and
     Silero models); refuse what would take far more (packed fields of one-byte varints grow
     eightfold, each field occurrence costs protobuf-c a 40-byte scan record) */
  if (ww.alloc > 2 * (uint64_t) f->size + (16u << 20))
    return fl_io_error (err, errlen, f, NULL, "not a valid ONNX model: unpacking would "
                        "allocate %llu bytes for a file of %zu",
                        (unsigned long long) ww.alloc, f->size);

  onnx_state *s = calloc (1, sizeof *s);
  if (!s)
    return FL_ENOMEM;
  f->state = s;
  f->free_state = onnx_state_free;
  s->model = onnx__model_proto__unpack (NULL, f->size, f->map);
  if (!s->model)
    return fl_io_error (err, errlen, f, NULL, "not a valid ONNX model (protobuf-c could not "
                        "unpack it)");
  /* every field now lives in protobuf-c's copy: the mapped pages can go back */
  if (f->map)
    madvise ((void *) f->map, f->size, MADV_DONTNEED);
  const Onnx__ModelProto *m = s->model;
  if (!m->graph)
    return fl_io_error (err, errlen, f, NULL, "not an ONNX model: no graph");

  onnx_walk w = { .f = f, .err = err, .errlen = errlen, .st = FL_OK };
  int r = walk_graph (&w, m->graph, NULL);
  for (size_t i = 0; !r && i < m->n_functions; i++)
    {
      const Onnx__FunctionProto *fn = m->functions[i];
      const onnx_path *p = path_new (&w, NULL, "", 0, "", -1, fn->name ? fn->name : "");
      r = !p || walk_nodes (&w, fn->node, fn->n_node, p);
    }
  fl_status st = r ? (w.st != FL_OK ? w.st : FL_ENOMEM) : FL_OK;

  /* qualify the subgraph tensors whose names collide with another tensor's */
  if (st == FL_OK && w.n > 1)
    {
      onnx_cand **order = malloc (w.n * sizeof *order);
      if (!order)
        st = FL_ENOMEM;
      else
        {
          for (size_t i = 0; i < w.n; i++)
            order[i] = &w.c[i];
          qsort (order, w.n, sizeof *order, cand_name_cmp);
          for (size_t i = 0; i + 1 < w.n; i++)
            if (strcmp (order[i]->name, order[i + 1]->name) == 0)
              order[i]->qualify = order[i + 1]->qualify = 1;
          free (order);
        }
    }
  for (size_t i = 0; st == FL_OK && i < w.n; i++)
    {
      onnx_cand *c = &w.c[i];
      char *qualified = NULL;
      const char *name = c->name;
      if (c->qualify && c->path)
        {
          char *prefix = path_string (c->path);
          qualified = prefix ? str_join (prefix, "", c->name) : NULL;
          free (prefix);
          if (!qualified)
            {
              st = fl_io_error (err, errlen, f, c->name, "its subgraph path is longer than "
                                "%d bytes", ONNX_MAX_NAME);
              break;
            }
          name = qualified;
        }
      if (c->kind == CAND_TENSOR)
        st = add_tensor_proto (s, f, name, c->t, err, errlen);
      else
        st = add_values (f, c, name, err, errlen);
      free (qualified);
    }
  for (size_t i = 0; i < w.n; i++)
    free (w.c[i].name);
  free (w.c);
  for (size_t i = 0; i < w.n_paths; i++)
    free (w.paths[i]);
  free (w.paths);
  if (st != FL_OK)
    return st;
  f->metadata_json = onnx_metadata (m);
  return FL_OK;
}
