/* tensor.c -- the dispatcher of the tensor readers: opens and maps a file, picks its reader
   (magic numbers first, then the extension), keeps the entries the reader adds, and converts
   elements to doubles or floats in logical C order.

   Conversions are exact: binary16, bfloat16 and the two FP8 types are widened by bit
   manipulation (tests/test_io.c checks every code against libfmtlab's exact decode), the
   llama.cpp blocks go through libfmtlab's q8_0/q4_0/q4_1 presets, and integers are exact up
   to 2^53 (64-bit integers beyond it round to nearest).  Reading a mapped tensor in C order
   gives the pages already consumed back to the kernel (madvise), so a file much larger than
   memory streams with a resident set near the chunk being read (doc/tensors.md). */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fmtlab/blocks.h>
#include "reader-impl.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define HOST_BIG_ENDIAN 1
#else
#define HOST_BIG_ENDIAN 0
#endif

/* ---- element types ---- */

static const struct
{
  const char *name;
  size_t size;
} dtype_table[] = {
  [FL_DT_F64] = { "f64", 8 }, [FL_DT_F32] = { "f32", 4 }, [FL_DT_F16] = { "f16", 2 },
  [FL_DT_BF16] = { "bf16", 2 }, [FL_DT_F8_E4M3] = { "f8_e4m3", 1 },
  [FL_DT_F8_E5M2] = { "f8_e5m2", 1 },
  [FL_DT_I64] = { "i64", 8 }, [FL_DT_I32] = { "i32", 4 }, [FL_DT_I16] = { "i16", 2 },
  [FL_DT_I8] = { "i8", 1 },
  [FL_DT_U64] = { "u64", 8 }, [FL_DT_U32] = { "u32", 4 }, [FL_DT_U16] = { "u16", 2 },
  [FL_DT_U8] = { "u8", 1 }, [FL_DT_BOOL] = { "bool", 1 },
  [FL_DT_Q8_0] = { "q8_0", 0 }, [FL_DT_Q4_0] = { "q4_0", 0 }, [FL_DT_Q4_1] = { "q4_1", 0 },
  [FL_DT_OPAQUE] = { NULL, 0 },
};
#define NDTYPES (sizeof dtype_table / sizeof dtype_table[0])

/* Other spellings users type (numpy/torch names, the safetensors ones in lower case). */
static const struct
{
  const char *alias;
  fl_dtype t;
} dtype_aliases[] = {
  { "float64", FL_DT_F64 }, { "double", FL_DT_F64 }, { "float32", FL_DT_F32 },
  { "float", FL_DT_F32 }, { "float16", FL_DT_F16 }, { "half", FL_DT_F16 },
  { "bfloat16", FL_DT_BF16 }, { "float8_e4m3fn", FL_DT_F8_E4M3 },
  { "float8_e5m2", FL_DT_F8_E5M2 }, { "int64", FL_DT_I64 }, { "int32", FL_DT_I32 },
  { "int16", FL_DT_I16 }, { "int8", FL_DT_I8 }, { "uint64", FL_DT_U64 },
  { "uint32", FL_DT_U32 }, { "uint16", FL_DT_U16 }, { "uint8", FL_DT_U8 },
};

const char *
fl_dtype_name (fl_dtype t)
{
  return (unsigned) t < NDTYPES ? dtype_table[t].name : NULL;
}

int
fl_dtype_parse (const char *s, fl_dtype *t)
{
  if (!s)
    return -1;
  for (size_t i = 0; i < NDTYPES; i++)
    if (dtype_table[i].name && strcasecmp (s, dtype_table[i].name) == 0)
      {
        *t = (fl_dtype) i;
        return 0;
      }
  for (size_t i = 0; i < sizeof dtype_aliases / sizeof dtype_aliases[0]; i++)
    if (strcasecmp (s, dtype_aliases[i].alias) == 0)
      {
        *t = dtype_aliases[i].t;
        return 0;
      }
  return -1;
}

size_t
fl_dtype_size (fl_dtype t)
{
  return (unsigned) t < NDTYPES ? dtype_table[t].size : 0;
}

int
fl_dtype_is_float (fl_dtype t)
{
  return t == FL_DT_F64 || t == FL_DT_F32 || t == FL_DT_F16 || t == FL_DT_BF16
         || t == FL_DT_F8_E4M3 || t == FL_DT_F8_E5M2 || t == FL_DT_Q8_0 || t == FL_DT_Q4_0
         || t == FL_DT_Q4_1;
}

int
fl_dtype_exact_double (fl_dtype t)
{
  return t != FL_DT_I64 && t != FL_DT_U64 && t != FL_DT_OPAQUE;
}

/* ---- errors and checked arithmetic ---- */

/* Append s to buf (capacity cap, length *len), control bytes as \xHH so that a message
   stays on one line whatever a hostile file names its tensors. */
static void
append_escaped (char *buf, size_t cap, size_t *len, const char *s)
{
  for (; *s && *len + 1 < cap; s++)
    {
      unsigned char c = (unsigned char) *s;
      if (c < 0x20 || c == 0x7f)
        {
          if (*len + 5 > cap)
            break;
          snprintf (buf + *len, cap - *len, "\\x%02x", c);
          *len += 4;
        }
      else
        buf[(*len)++] = (char) c;
    }
  buf[*len] = 0;
}

fl_status
fl_io_error (char *err, size_t errlen, const fl_tensor_file *f, const char *tensor,
             const char *fmt, ...)
{
  if (!err || !errlen)
    return FL_EINVAL;
  char msg[512];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (msg, sizeof msg, fmt, ap);
  va_end (ap);
  size_t len = 0;
  err[0] = 0;
  if (f && f->path)
    {
      append_escaped (err, errlen, &len, f->path);
      append_escaped (err, errlen, &len, ": ");
    }
  if (tensor)
    {
      char name[200];
      /* long names are cut: the message must stay readable */
      snprintf (name, sizeof name, "%s", tensor);
      if (strlen (tensor) >= sizeof name)
        strcpy (name + sizeof name - 4, "...");
      append_escaped (err, errlen, &len, "tensor '");
      append_escaped (err, errlen, &len, name);
      append_escaped (err, errlen, &len, "': ");
    }
  append_escaped (err, errlen, &len, msg);
  return FL_EINVAL;
}

int
fl_io_mul_u64 (uint64_t a, uint64_t b, uint64_t *out)
{
  return __builtin_mul_overflow (a, b, out) ? -1 : 0;
}

int
fl_io_add_u64 (uint64_t a, uint64_t b, uint64_t *out)
{
  return __builtin_add_overflow (a, b, out) ? -1 : 0;
}

/* ---- the name index: open addressing over entry numbers ---- */

struct fl_io_names
{
  size_t cap;        /* a power of two */
  size_t *slot;      /* entry number + 1, 0 = empty */
};

static uint64_t
name_hash (const char *s)
{
  uint64_t h = UINT64_C(14695981039346656037);   /* FNV-1a */
  for (; *s; s++)
    h = (h ^ (unsigned char) *s) * UINT64_C(1099511628211);
  return h;
}

static size_t *
names_lookup (fl_tensor_file *f, const char *name)
{
  struct fl_io_names *ix = f->names;
  size_t m = ix->cap - 1, j = (size_t) name_hash (name) & m;
  while (ix->slot[j] && strcmp (f->t[ix->slot[j] - 1].name_owned, name) != 0)
    j = (j + 1) & m;
  return &ix->slot[j];
}

static int
names_grow (fl_tensor_file *f)
{
  struct fl_io_names *ix = f->names;
  if (ix && 2 * (f->n + 1) <= ix->cap)
    return 0;
  size_t cap = ix ? 2 * ix->cap : 64;
  size_t *slot = calloc (cap, sizeof *slot);
  if (!slot)
    return -1;
  if (!ix && !(ix = f->names = calloc (1, sizeof *ix)))
    {
      free (slot);
      return -1;
    }
  free (ix->slot);
  ix->slot = slot;
  ix->cap = cap;
  for (size_t i = 0; i < f->n; i++)
    *names_lookup (f, f->t[i].name_owned) = i + 1;
  return 0;
}

fl_tensor_entry *
fl_io_find (fl_tensor_file *f, const char *name)
{
  if (!f->names || !name)
    return NULL;
  size_t s = *names_lookup (f, name);
  return s ? &f->t[s - 1] : NULL;
}

fl_status
fl_io_add (fl_tensor_file *f, const char *name, fl_dtype dtype, const char *dtype_name,
           int ndim, const uint64_t *shape, fl_tensor_entry **out, char *err, size_t errlen)
{
  if (out)
    *out = NULL;
  if (!name)
    name = "";
  if (ndim < 0 || ndim > FL_TENSOR_MAXDIM)
    return fl_io_error (err, errlen, f, name, "%d dimensions (at most %d)", ndim,
                        FL_TENSOR_MAXDIM);
  uint64_t count = 1;
  for (int d = 0; d < ndim; d++)
    if (fl_io_mul_u64 (count, shape[d], &count) || shape[d] > (UINT64_C(1) << 62))
      return fl_io_error (err, errlen, f, name, "shape whose element count overflows");
  uint64_t nbytes = 0;
  size_t es = fl_dtype_size (dtype);
  if (es && fl_io_mul_u64 (count, es, &nbytes))
    return fl_io_error (err, errlen, f, name, "%llu elements: byte size overflows",
                        (unsigned long long) count);
  if (fl_io_find (f, name))
    return fl_io_error (err, errlen, f, name, "duplicate tensor name");
  if (f->n == f->cap)
    {
      size_t cap = f->cap ? 2 * f->cap : 16;
      fl_tensor_entry *t = cap < SIZE_MAX / sizeof *t ? realloc (f->t, cap * sizeof *t) : NULL;
      if (!t)
        return fl_io_error (err, errlen, f, name, "out of memory for %zu tensors", cap);
      f->t = t;
      f->cap = cap;
    }
  if (names_grow (f))
    return fl_io_error (err, errlen, f, name, "out of memory");
  fl_tensor_entry *e = &f->t[f->n];
  memset (e, 0, sizeof *e);
  e->name_owned = strdup (name);
  e->dtype_name_owned = strdup (dtype_name ? dtype_name
                                : fl_dtype_name (dtype) ? fl_dtype_name (dtype) : "opaque");
  if (!e->name_owned || !e->dtype_name_owned)
    {
      free (e->name_owned);
      free (e->dtype_name_owned);
      return fl_io_error (err, errlen, f, name, "out of memory");
    }
  e->info.name = e->name_owned;
  e->info.dtype_name = e->dtype_name_owned;
  e->info.dtype = dtype;
  e->info.ndim = ndim;
  for (int d = 0; d < ndim; d++)
    e->info.shape[d] = shape[d];
  e->info.count = count;
  e->info.nbytes = nbytes;
  e->info.readable = dtype != FL_DT_OPAQUE;
  *names_lookup (f, e->name_owned) = f->n + 1;
  f->n++;
  if (out)
    *out = e;
  return FL_OK;
}

/* ---- open and close ---- */

void
fl_tensor_open_opts_init (fl_tensor_open_opts *o)
{
  memset (o, 0, sizeof *o);
  o->kind = FL_TFILE_AUTO;
  o->raw_dtype = FL_DT_OPAQUE;     /* no raw layout */
}

#ifdef FL_IO_WITHOUT_GGUF_ONNX
/* Until the GGUF and ONNX readers are linked in (io/io.mk). */
static fl_status
reader_pending (fl_tensor_file *f, char *err, size_t errlen)
{
  fl_io_error (err, errlen, f, NULL, "%s files are not supported by this build",
               f->kind == FL_TFILE_GGUF ? "GGUF" : "ONNX");
  return FL_EUNSUPPORTED;
}
#define fl_io_open_gguf reader_pending
#define fl_io_open_onnx reader_pending
#endif

static fl_status (*const readers[]) (fl_tensor_file *, char *, size_t) = {
  [FL_TFILE_NPY] = fl_io_open_npy, [FL_TFILE_NPZ] = fl_io_open_npz,
  [FL_TFILE_SAFETENSORS] = fl_io_open_safetensors, [FL_TFILE_GGUF] = fl_io_open_gguf,
  [FL_TFILE_ONNX] = fl_io_open_onnx, [FL_TFILE_RAW] = fl_io_open_raw,
  [FL_TFILE_TEXT] = fl_io_open_text,
};

static int
has_suffix (const char *path, const char *suffix)
{
  size_t n = strlen (path), m = strlen (suffix);
  return n >= m && strcasecmp (path + n - m, suffix) == 0;
}

/* Printable ASCII and white space only, in the first 4 KiB. */
static int
looks_like_text (const unsigned char *p, size_t n)
{
  if (n == 0)
    return 0;
  for (size_t i = 0; i < n && i < 4096; i++)
    if (!(p[i] >= 0x20 && p[i] < 0x7f) && p[i] != '\n' && p[i] != '\r' && p[i] != '\t')
      return 0;
  return 1;
}

static fl_tfile_kind
detect (const unsigned char *p, size_t n, const char *path)
{
  if (n >= 6 && memcmp (p, "\x93NUMPY", 6) == 0)
    return FL_TFILE_NPY;
  if (n >= 4 && (memcmp (p, "PK\3\4", 4) == 0 || memcmp (p, "PK\5\6", 4) == 0))
    return FL_TFILE_NPZ;
  if (n >= 4 && memcmp (p, "GGUF", 4) == 0)
    return FL_TFILE_GGUF;
  /* safetensors: an 8-byte little-endian header length, then the JSON object */
  if (n >= 9 && p[8] == '{' && fl_io_le (p, 8) < (UINT64_C(1) << 40))
    return FL_TFILE_SAFETENSORS;
  static const struct
  {
    const char *ext;
    fl_tfile_kind kind;
  } ext[] = {
    { ".npy", FL_TFILE_NPY }, { ".npz", FL_TFILE_NPZ },
    { ".safetensors", FL_TFILE_SAFETENSORS }, { ".gguf", FL_TFILE_GGUF },
    { ".onnx", FL_TFILE_ONNX }, { ".txt", FL_TFILE_TEXT }, { ".csv", FL_TFILE_TEXT },
    { ".tsv", FL_TFILE_TEXT },
  };
  for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
    if (has_suffix (path, ext[i].ext))
      return ext[i].kind;
  if (looks_like_text (p, n))
    return FL_TFILE_TEXT;
  return FL_TFILE_AUTO;
}

fl_tfile_kind
fl_tensor_file_kind (const fl_tensor_file *f)
{
  return f->kind;
}

const char *
fl_tensor_file_path (const fl_tensor_file *f)
{
  return f->path;
}

size_t
fl_tensor_file_count (const fl_tensor_file *f)
{
  return f->n;
}

const fl_tensor_info *
fl_tensor_file_info (const fl_tensor_file *f, size_t i)
{
  return i < f->n ? &f->t[i].info : NULL;
}

const char *
fl_tensor_file_metadata_json (const fl_tensor_file *f)
{
  return f->metadata_json;
}

void
fl_tensor_close (fl_tensor_file *f)
{
  if (!f)
    return;
  for (size_t i = 0; i < f->n; i++)
    {
      fl_tensor_entry *e = &f->t[i];
      if (e->owned && e->release)
        e->release (e->owned, e->owned_len);
      free (e->name_owned);
      free (e->dtype_name_owned);
    }
  if (f->state && f->free_state)
    f->free_state (f->state);
  if (f->map)
    munmap ((void *) f->map, f->size);
  if (f->names)
    free (f->names->slot);
  free (f->names);
  free (f->t);
  free (f->metadata_json);
  free (f->path);
  free (f);
}

fl_status
fl_tensor_open (const char *path, const fl_tensor_open_opts *opts, fl_tensor_file **out,
                char *err, size_t errlen)
{
  *out = NULL;
  fl_tensor_file *f = calloc (1, sizeof *f);
  if (!f || !(f->path = strdup (path)))
    {
      free (f);
      if (err && errlen)
        snprintf (err, errlen, "%s: out of memory", path);
      return FL_ENOMEM;
    }
  fl_status st = FL_OK;
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  struct stat sb;
  if (fd < 0)
    {
      st = fl_io_error (err, errlen, f, NULL, "cannot open: %s", strerror (errno));
      goto fail;
    }
  if (fstat (fd, &sb) != 0 || !S_ISREG (sb.st_mode))
    {
      st = fl_io_error (err, errlen, f, NULL, "not a regular file");
      close (fd);
      goto fail;
    }
  if ((uint64_t) sb.st_size > SIZE_MAX / 2)
    {
      st = fl_io_error (err, errlen, f, NULL, "too large to map");
      close (fd);
      goto fail;
    }
  f->size = (size_t) sb.st_size;
  if (f->size)
    {
      void *m = mmap (NULL, f->size, PROT_READ, MAP_PRIVATE, fd, 0);
      if (m == MAP_FAILED)
        {
          st = fl_io_error (err, errlen, f, NULL, "cannot map: %s", strerror (errno));
          close (fd);
          goto fail;
        }
      f->map = m;
    }
  close (fd);

  fl_tfile_kind kind = opts ? opts->kind : FL_TFILE_AUTO;
  if (kind == FL_TFILE_AUTO && opts && opts->raw_dtype != FL_DT_OPAQUE)
    kind = FL_TFILE_RAW;
  if (kind == FL_TFILE_AUTO)
    kind = detect (f->map, f->size, path);
  if (kind == FL_TFILE_AUTO || (unsigned) kind >= sizeof readers / sizeof readers[0]
      || !readers[kind])
    {
      st = fl_io_error (err, errlen, f, NULL,
                        f->size ? "unknown file type (not .npy, .npz, safetensors, GGUF, "
                        "ONNX or text; a raw array needs its dtype)" : "empty file");
      goto fail;
    }
  f->kind = kind;
  f->opts = opts;
  st = readers[kind] (f, err, errlen);
  f->opts = NULL;
  if (st != FL_OK)
    goto fail;
  /* A reader's data must lie inside the mapping or in memory it owns. */
  for (size_t i = 0; i < f->n; i++)
    {
      const fl_tensor_entry *e = &f->t[i];
      if (e->data && f->map && e->data >= f->map && e->data <= f->map + f->size
          && e->info.nbytes > (uint64_t) (f->map + f->size - e->data))
        {
          st = fl_io_error (err, errlen, f, e->info.name, "data beyond the end of the file");
          goto fail;
        }
    }
  *out = f;
  return FL_OK;
fail:
  fl_tensor_close (f);
  return st;
}

/* ---- element conversion ---- */

static inline uint16_t
ld16 (const unsigned char *p, int swap)
{
  uint16_t v;
  memcpy (&v, p, 2);
  return swap ? __builtin_bswap16 (v) : v;
}

static inline uint32_t
ld32 (const unsigned char *p, int swap)
{
  uint32_t v;
  memcpy (&v, p, 4);
  return swap ? __builtin_bswap32 (v) : v;
}

static inline uint64_t
ld64 (const unsigned char *p, int swap)
{
  uint64_t v;
  memcpy (&v, p, 8);
  return swap ? __builtin_bswap64 (v) : v;
}

static inline float
float_of_bits (uint32_t u)
{
  float x;
  memcpy (&x, &u, 4);
  return x;
}

static inline double
double_of_bits (uint64_t u)
{
  double x;
  memcpy (&x, &u, 8);
  return x;
}

/* IEEE binary16 to binary32, exactly: normal numbers by re-biasing the exponent (15 -> 127),
   subnormals as m 2^-24 (an exact float product). */
static inline float
f16_to_float (uint16_t h)
{
  uint32_t s = (uint32_t) (h >> 15) << 31, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e == 0)
    {
      float v = (float) m * 0x1p-24f;
      return s ? -v : v;
    }
  if (e == 31)
    return float_of_bits (s | 0x7f800000u | m << 13);   /* inf, NaN keeps its payload */
  return float_of_bits (s | (e + 112) << 23 | m << 13);
}

/* OCP FP8 E4M3 (float8_e4m3fn: bias 7, no infinity, S.1111.111 is NaN), exactly. */
static inline float
e4m3_to_float (uint8_t c)
{
  unsigned e = (c >> 3) & 15, m = c & 7;
  float v;
  if (e == 15 && m == 7)
    v = NAN;
  else if (e == 0)
    v = (float) m * 0x1p-9f;
  else
    v = ldexpf ((float) (8 + m), (int) e - 10);
  return c & 0x80 ? -v : v;
}

/* OCP FP8 E5M2 is the upper byte of a binary16. */
static inline float
e5m2_to_float (uint8_t c)
{
  return f16_to_float ((uint16_t) (c << 8));
}

/* n consecutive stored elements at s to T, for every fixed-size dtype. */
#define DEFINE_CONVERT(NAME, T)                                                       \
  static void NAME (fl_dtype t, int swap, const unsigned char *s, size_t n, T *o)    \
  {                                                                                   \
    switch (t)                                                                        \
      {                                                                               \
      case FL_DT_F64:                                                                 \
        for (size_t i = 0; i < n; i++)                                                \
          o[i] = (T) double_of_bits (ld64 (s + 8 * i, swap));                         \
        break;                                                                        \
      case FL_DT_F32:                                                                 \
        for (size_t i = 0; i < n; i++)                                                \
          o[i] = (T) float_of_bits (ld32 (s + 4 * i, swap));                          \
        break;                                                                        \
      case FL_DT_F16:                                                                 \
        for (size_t i = 0; i < n; i++)                                                \
          o[i] = (T) f16_to_float (ld16 (s + 2 * i, swap));                           \
        break;                                                                        \
      case FL_DT_BF16:                                                                \
        for (size_t i = 0; i < n; i++)                                                \
          o[i] = (T) float_of_bits ((uint32_t) ld16 (s + 2 * i, swap) << 16);         \
        break;                                                                        \
      case FL_DT_F8_E4M3:                                                             \
        for (size_t i = 0; i < n; i++)                                                \
          o[i] = (T) e4m3_to_float (s[i]);                                            \
        break;                                                                        \
      case FL_DT_F8_E5M2:                                                             \
        for (size_t i = 0; i < n; i++)                                                \
          o[i] = (T) e5m2_to_float (s[i]);                                            \
        break;                                                                        \
      case FL_DT_I64:                                                                 \
        for (size_t i = 0; i < n; i++)                                                \
          o[i] = (T) (int64_t) ld64 (s + 8 * i, swap);                                \
        break;                                                                        \
      case FL_DT_I32:                                                                 \
        for (size_t i = 0; i < n; i++)                                                \
          o[i] = (T) (int32_t) ld32 (s + 4 * i, swap);                                \
        break;                                                                        \
      case FL_DT_I16:                                                                 \
        for (size_t i = 0; i < n; i++)                                                \
          o[i] = (T) (int16_t) ld16 (s + 2 * i, swap);                                \
        break;                                                                        \
      case FL_DT_I8:                                                                  \
        for (size_t i = 0; i < n; i++)                                                \
          o[i] = (T) (int8_t) s[i];                                                   \
        break;                                                                        \
      case FL_DT_U64:                                                                 \
        for (size_t i = 0; i < n; i++)                                                \
          o[i] = (T) ld64 (s + 8 * i, swap);                                          \
        break;                                                                        \
      case FL_DT_U32:                                                                 \
        for (size_t i = 0; i < n; i++)                                                \
          o[i] = (T) ld32 (s + 4 * i, swap);                                          \
        break;                                                                        \
      case FL_DT_U16:                                                                 \
        for (size_t i = 0; i < n; i++)                                                \
          o[i] = (T) ld16 (s + 2 * i, swap);                                          \
        break;                                                                        \
      case FL_DT_U8:                                                                  \
        for (size_t i = 0; i < n; i++)                                                \
          o[i] = (T) s[i];                                                            \
        break;                                                                        \
      case FL_DT_BOOL:                                                                \
        for (size_t i = 0; i < n; i++)                                                \
          o[i] = (T) (s[i] != 0);                                                     \
        break;                                                                        \
      default:                                                                        \
        break;                                                                        \
      }                                                                               \
  }

DEFINE_CONVERT (convert_doubles, double)
DEFINE_CONVERT (convert_floats, float)

/* ---- llama.cpp blocks ---- */

static fl_block *q_presets[3];
static pthread_once_t q_once = PTHREAD_ONCE_INIT;

static void
q_presets_init (void)
{
  static const char *const names[3] = { "q8_0", "q4_0", "q4_1" };
  char e[128];
  for (int i = 0; i < 3; i++)
    if (fl_block_parse (names[i], &q_presets[i], e, sizeof e) != FL_OK)
      q_presets[i] = NULL;
}

/* ggml block sizes: fp16 d, [fp16 m,] then 32 int8 or 16 bytes of nibbles */
static size_t
q_block_bytes (fl_dtype t)
{
  return t == FL_DT_Q8_0 ? 34 : t == FL_DT_Q4_0 ? 18 : 20;
}

#define Q_BATCH 128      /* blocks dequantized per call */

static fl_status
read_blocks (fl_tensor_file *f, const fl_tensor_entry *e, uint64_t start, uint64_t n,
             double *out, char *err, size_t errlen)
{
  fl_dtype t = e->info.dtype;
  size_t bb = q_block_bytes (t);
  uint64_t nblocks = e->info.count / 32, need;
  if (e->info.count % 32 || fl_io_mul_u64 (nblocks, bb, &need) || need != e->info.nbytes)
    return fl_io_error (err, errlen, f, e->info.name,
                        "%s data of %llu bytes for %llu elements (blocks of 32 take %zu "
                        "bytes)", fl_dtype_name (t), (unsigned long long) e->info.nbytes,
                        (unsigned long long) e->info.count, bb);
  if (n == 0)
    return FL_OK;
  pthread_once (&q_once, q_presets_init);
  const fl_block *b = q_presets[t == FL_DT_Q8_0 ? 0 : t == FL_DT_Q4_0 ? 1 : 2];
  if (!b)
    return fl_io_error (err, errlen, f, e->info.name, "the %s preset is missing",
                        fl_dtype_name (t));
  fl_block_array a;
  if (fl_block_array_init (&a, b, Q_BATCH * 32, err, errlen) != FL_OK)
    return FL_ENOMEM;
  double *tmp = malloc (Q_BATCH * 32 * sizeof *tmp);
  if (!tmp)
    {
      fl_block_array_clear (&a);
      return fl_io_error (err, errlen, f, e->info.name, "out of memory");
    }
  size_t full_n = a.n, full_nb = a.nblocks;
  uint64_t b0 = start / 32, b1 = (start + n - 1) / 32;
  for (uint64_t blk = b0; blk <= b1; blk += Q_BATCH)
    {
      size_t nb = b1 - blk + 1 < Q_BATCH ? (size_t) (b1 - blk + 1) : Q_BATCH;
      for (size_t j = 0; j < nb; j++)
        {
          const unsigned char *p = e->data + (blk + j) * bb;
          a.scale[j] = ld16 (p, HOST_BIG_ENDIAN);
          const unsigned char *q = p + 2;
          if (t == FL_DT_Q4_1)
            {
              a.zero[j] = ld16 (p + 2, HOST_BIG_ENDIAN);
              q = p + 4;
            }
          uint64_t *c = a.elem + j * 32;
          if (t == FL_DT_Q8_0)
            for (int k = 0; k < 32; k++)
              c[k] = q[k];                       /* int8 codes: two's complement bytes */
          else
            for (int k = 0; k < 16; k++)
              {
                c[k] = q[k] & 15;                /* element k: low nibble of byte k */
                c[k + 16] = q[k] >> 4;           /* element k+16: its high nibble */
              }
        }
      a.n = nb * 32;
      a.nblocks = nb;
      fl_block_dequantize_doubles (b, &a, tmp);
      uint64_t lo = blk * 32, hi = lo + nb * 32;
      uint64_t from = start > lo ? start : lo, to = start + n < hi ? start + n : hi;
      memcpy (out + (from - start), tmp + (from - lo), (to - from) * sizeof *tmp);
    }
  a.n = full_n;
  a.nblocks = full_nb;
  fl_block_array_clear (&a);
  free (tmp);
  return FL_OK;
}

/* ---- reading ---- */

static fl_status
prepare (fl_tensor_file *f, size_t i, uint64_t start, uint64_t n, fl_tensor_entry **out,
         char *err, size_t errlen)
{
  if (i >= f->n)
    {
      fl_io_error (err, errlen, f, NULL, "no tensor number %zu (the file holds %zu)", i,
                   f->n);
      return FL_ERANGE;
    }
  fl_tensor_entry *e = &f->t[i];
  if (!e->info.readable)
    {
      fl_io_error (err, errlen, f, e->info.name, "type %s is not readable",
                   e->info.dtype_name);
      return FL_EUNSUPPORTED;
    }
  uint64_t end;
  if (fl_io_add_u64 (start, n, &end) || end > e->info.count)
    {
      fl_io_error (err, errlen, f, e->info.name,
                   "elements %llu to %llu requested of %llu", (unsigned long long) start,
                   (unsigned long long) start + n, (unsigned long long) e->info.count);
      return FL_ERANGE;
    }
  if (!e->data && e->info.nbytes && f->load)
    {
      fl_status st = f->load (f, i, err, errlen);
      if (st != FL_OK)
        return st;
    }
  if (!e->data && e->info.nbytes)
    return fl_io_error (err, errlen, f, e->info.name, "no data");
  *out = e;
  return FL_OK;
}

/* Give back the mapped pages of [p, q) that were read: the kernel reloads them from the
   file if they are read again.  The page holding q is kept (the next chunk starts there). */
static void
release_pages (const fl_tensor_file *f, const unsigned char *p, const unsigned char *q)
{
  if (!f->map || p < f->map || q > f->map + f->size)
    return;
  long page = sysconf (_SC_PAGESIZE);
  uintptr_t lo = (uintptr_t) p & ~(uintptr_t) (page - 1);
  uintptr_t hi = (uintptr_t) q & ~(uintptr_t) (page - 1);
  if (hi > lo)
    madvise ((void *) lo, hi - lo, MADV_DONTNEED);
}

/* Storage index of the element whose logical (C order) multi-index is idx, for a tensor
   stored column-major. */
static uint64_t
fortran_offset (const fl_tensor_info *in, const uint64_t *idx)
{
  uint64_t off = 0;
  for (int d = in->ndim - 1; d >= 0; d--)
    off = off * in->shape[d] + idx[d];
  return off;
}

#define CHUNK_ELEMS 4096

static fl_status
read_any (fl_tensor_file *f, size_t i, uint64_t start, uint64_t n, void *outp, int as_float,
          char *err, size_t errlen)
{
  fl_tensor_entry *e = NULL;
  fl_status st = prepare (f, i, start, n, &e, err, errlen);
  if (st != FL_OK || n == 0)
    return st;
  fl_dtype t = e->info.dtype;
  double *od = outp;
  float *of = outp;
  if (t == FL_DT_Q8_0 || t == FL_DT_Q4_0 || t == FL_DT_Q4_1)
    {
      if (!as_float)
        return read_blocks (f, e, start, n, od, err, errlen);
      double buf[CHUNK_ELEMS];
      for (uint64_t k = 0; k < n; k += CHUNK_ELEMS)
        {
          size_t m = n - k < CHUNK_ELEMS ? (size_t) (n - k) : CHUNK_ELEMS;
          if ((st = read_blocks (f, e, start + k, m, buf, err, errlen)) != FL_OK)
            return st;
          for (size_t j = 0; j < m; j++)
            of[k + j] = (float) buf[j];
        }
      return FL_OK;
    }
  size_t es = fl_dtype_size (t);
  if (!es)
    {
      fl_io_error (err, errlen, f, e->info.name, "type %s is not readable",
                   e->info.dtype_name);
      return FL_EUNSUPPORTED;
    }
  int swap = es > 1 && e->big_endian != HOST_BIG_ENDIAN;
  if (!e->fortran_order || e->info.ndim < 2)
    {
      const unsigned char *p = e->data + start * es;
      if (as_float)
        convert_floats (t, swap, p, n, of);
      else
        convert_doubles (t, swap, p, n, od);
      release_pages (f, p, p + n * es);
      return FL_OK;
    }
  /* column-major storage: walk the logical multi-index, element by element */
  const fl_tensor_info *in = &e->info;
  uint64_t idx[FL_TENSOR_MAXDIM], rest = start;
  for (int d = in->ndim - 1; d >= 0; d--)
    {
      idx[d] = rest % in->shape[d];
      rest /= in->shape[d];
    }
  for (uint64_t k = 0; k < n; k++)
    {
      const unsigned char *p = e->data + fortran_offset (in, idx) * es;
      if (as_float)
        convert_floats (t, swap, p, 1, of + k);
      else
        convert_doubles (t, swap, p, 1, od + k);
      for (int d = in->ndim - 1; d >= 0; d--)
        {
          if (++idx[d] < in->shape[d])
            break;
          idx[d] = 0;
        }
    }
  return FL_OK;
}

fl_status
fl_tensor_read_doubles (fl_tensor_file *f, size_t i, uint64_t start, uint64_t n,
                        double *out, char *err, size_t errlen)
{
  return read_any (f, i, start, n, out, 0, err, errlen);
}

fl_status
fl_tensor_read_floats (fl_tensor_file *f, size_t i, uint64_t start, uint64_t n, float *out,
                       char *err, size_t errlen)
{
  return read_any (f, i, start, n, out, 1, err, errlen);
}

/* ---- selection ---- */

fl_status
fl_tensor_spec_split (const char *spec, char **path_out, char **glob_out, char *err,
                      size_t errlen)
{
  *path_out = *glob_out = NULL;
  struct stat sb;
  size_t len = strlen (spec);
  char *s = strdup (spec);
  if (!s)
    {
      if (err && errlen)
        snprintf (err, errlen, "out of memory");
      return FL_ENOMEM;
    }
  /* the whole spec first, then each ':' from the last one */
  for (size_t k = len + 1; k-- > 0;)
    {
      if (k < len && spec[k] != ':')
        continue;
      s[k] = 0;
      if (k > 0 && stat (s, &sb) == 0)
        {
          const char *g = k < len ? spec + k + 1 : NULL;
          if (g && *g && !(*glob_out = strdup (g)))
            {
              free (s);
              if (err && errlen)
                snprintf (err, errlen, "out of memory");
              return FL_ENOMEM;
            }
          *path_out = s;
          return FL_OK;
        }
      if (k < len)
        s[k] = ':';
    }
  free (s);
  if (err && errlen)
    snprintf (err, errlen, "%s: no such file", spec);
  return FL_EINVAL;
}

int
fl_tensor_name_match (const char *glob, const char *name)
{
  return !glob || fnmatch (glob, name, 0) == 0;
}
