/* gguf.c -- the GGUF reader (llama.cpp / ggml model files, versions 2 and 3).

   Layout (little-endian): "GGUF", u32 version, u64 tensor count, u64 key/value count; the
   key/values (string key, u32 value type, value); the tensor infos (string name, u32
   n_dims, u64 ne[n_dims], u32 ggml type, u64 offset); padding to the alignment
   (general.alignment, default 32); the data section, where each tensor's offset is
   relative to its start.  Strings are a u64 length and the bytes.  ggml lists ne[0], the
   innermost (fastest varying) dimension, first: the logical C shape is ne reversed.
   Every count and length is checked against the bytes that remain before it is used, so
   a hostile file can neither allocate more than its own size nor read outside itself.
   See doc/gguf-onnx.md. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "reader-impl.h"

#define GGUF_DEFAULT_ALIGNMENT 32
/* Nesting of metadata arrays (ggml itself writes one level; arrays of arrays exist). */
#define GGUF_MAX_ARRAY_DEPTH 8
/* Metadata arrays longer than this are summarised in the JSON (tokenizer vocabularies
   hold 10^5 strings): count, element type and the first few elements. */
#define GGUF_JSON_ARRAY_FULL 64
#define GGUF_JSON_ARRAY_HEAD 8
#define GGUF_JSON_STRING_MAX 65536
/* Metadata values kept in the JSON in all: beyond it every array is summarised by its
   count alone, so that small nested arrays cannot make the JSON many times the file. */
#define GGUF_JSON_BUDGET 65536

enum {
  GGUF_U8, GGUF_I8, GGUF_U16, GGUF_I16, GGUF_U32, GGUF_I32, GGUF_F32, GGUF_BOOL,
  GGUF_STRING, GGUF_ARRAY, GGUF_U64, GGUF_I64, GGUF_F64, GGUF_NTYPES
};

static const char *const gguf_type_names[GGUF_NTYPES] = {
  "u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "string", "array", "u64", "i64",
  "f64"
};

/* Smallest encoding of one value of a type: bounds array counts before any loop. */
static const unsigned gguf_type_min_size[GGUF_NTYPES] = {
  1, 1, 2, 2, 4, 4, 4, 1, 8, 12, 8, 8, 8
};

/* ggml tensor types: name, elements per block, bytes per block (ggml's ggml-common.h).
   blck 0 marks ids that ggml has retired or never used. */
typedef struct {
  const char *name;
  unsigned blck, size;
} ggml_type_info;

static const ggml_type_info ggml_types[] = {
  [0] = { "F32", 1, 4 },         [1] = { "F16", 1, 2 },
  [2] = { "Q4_0", 32, 18 },      [3] = { "Q4_1", 32, 20 },
  [6] = { "Q5_0", 32, 22 },      [7] = { "Q5_1", 32, 24 },
  [8] = { "Q8_0", 32, 34 },      [9] = { "Q8_1", 32, 36 },
  [10] = { "Q2_K", 256, 84 },    [11] = { "Q3_K", 256, 110 },
  [12] = { "Q4_K", 256, 144 },   [13] = { "Q5_K", 256, 176 },
  [14] = { "Q6_K", 256, 210 },   [15] = { "Q8_K", 256, 292 },
  [16] = { "IQ2_XXS", 256, 66 }, [17] = { "IQ2_XS", 256, 74 },
  [18] = { "IQ3_XXS", 256, 98 }, [19] = { "IQ1_S", 256, 50 },
  [20] = { "IQ4_NL", 32, 18 },   [21] = { "IQ3_S", 256, 110 },
  [22] = { "IQ2_S", 256, 82 },   [23] = { "IQ4_XS", 256, 136 },
  [24] = { "I8", 1, 1 },         [25] = { "I16", 1, 2 },
  [26] = { "I32", 1, 4 },        [27] = { "I64", 1, 8 },
  [28] = { "F64", 1, 8 },        [29] = { "IQ1_M", 256, 56 },
  [30] = { "BF16", 1, 2 },
  [34] = { "TQ1_0", 256, 54 },   [35] = { "TQ2_0", 256, 66 },
  [39] = { "MXFP4", 32, 17 },
};
#define GGML_NTYPES (sizeof ggml_types / sizeof ggml_types[0])

/* The ggml types fmtlab reads (the rest are listed as opaque). */
static int
ggml_to_dtype (uint32_t t, fl_dtype *dt)
{
  switch (t)
    {
    case 0: *dt = FL_DT_F32; return 1;
    case 1: *dt = FL_DT_F16; return 1;
    case 30: *dt = FL_DT_BF16; return 1;
    case 8: *dt = FL_DT_Q8_0; return 1;
    case 2: *dt = FL_DT_Q4_0; return 1;
    case 3: *dt = FL_DT_Q4_1; return 1;
    case 24: *dt = FL_DT_I8; return 1;
    case 25: *dt = FL_DT_I16; return 1;
    case 26: *dt = FL_DT_I32; return 1;
    case 27: *dt = FL_DT_I64; return 1;
    case 28: *dt = FL_DT_F64; return 1;
    default: return 0;
    }
}

/* A cursor over the header; every read is bounds-checked and a failure records what was
   being read, for the message. */
typedef struct {
  const unsigned char *p;
  size_t size, pos;
  const char *what;       /* the field a failed read was after */
  long budget;            /* metadata values the JSON may still take (GGUF_JSON_BUDGET) */
} gguf_cursor;

static int
cur_need (gguf_cursor *c, uint64_t n, const char *what)
{
  if (n > c->size - c->pos)
    {
      c->what = what;
      return -1;
    }
  return 0;
}

static int
cur_u32 (gguf_cursor *c, uint32_t *v, const char *what)
{
  if (cur_need (c, 4, what))
    return -1;
  *v = (uint32_t) fl_io_le (c->p + c->pos, 4);
  c->pos += 4;
  return 0;
}

static int
cur_u64 (gguf_cursor *c, uint64_t *v, const char *what)
{
  if (cur_need (c, 8, what))
    return -1;
  *v = fl_io_le (c->p + c->pos, 8);
  c->pos += 8;
  return 0;
}

/* A string: its bytes stay in the file (not NUL-terminated). */
static int
cur_string (gguf_cursor *c, const unsigned char **s, uint64_t *len, const char *what)
{
  if (cur_u64 (c, len, what) || cur_need (c, *len, what))
    {
      c->what = what;
      return -1;
    }
  *s = c->p + c->pos;
  c->pos += *len;
  return 0;
}

/* A NUL-terminated copy of n bytes (at most GGUF_JSON_STRING_MAX) in which every byte
   that is not part of valid UTF-8, and every NUL, is replaced by U+FFFD: jansson takes
   UTF-8 only, and names and strings in files are not always. */
static char *
utf8_copy (const unsigned char *s, uint64_t len)
{
  size_t n = len > GGUF_JSON_STRING_MAX ? GGUF_JSON_STRING_MAX : (size_t) len;
  char *buf = malloc (3 * n + 1);
  if (!buf)
    return NULL;
  size_t o = 0;
  for (size_t i = 0; i < n;)
    {
      /* the length of a valid sequence at s + i, or 0 */
      unsigned char b = s[i];
      size_t k = b >= 0x01 && b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2
                 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
      if (k > n - i)
        k = 0;
      for (size_t j = 1; j < k; j++)
        if ((s[i + j] & 0xc0) != 0x80)
          k = 0;
      if (k == 3 && ((b == 0xe0 && s[i + 1] < 0xa0) || (b == 0xed && s[i + 1] >= 0xa0)))
        k = 0;                  /* overlong, or a UTF-16 surrogate */
      if (k == 4 && ((b == 0xf0 && s[i + 1] < 0x90) || (b == 0xf4 && s[i + 1] >= 0x90)))
        k = 0;                  /* overlong, or beyond U+10FFFF */
      if (k)
        {
          memcpy (buf + o, s + i, k);
          o += k;
          i += k;
        }
      else
        {
          memcpy (buf + o, "\xef\xbf\xbd", 3);
          o += 3;
          i++;
        }
    }
  buf[o] = 0;
  return buf;
}

static json_t *
json_from_bytes (const unsigned char *s, uint64_t len)
{
  char *t = utf8_copy (s, len);
  json_t *j = t ? json_string (t) : NULL;
  free (t);
  return j;
}

static json_t *
json_from_double (double d)
{
  if (isnan (d))
    return json_string ("nan");
  if (isinf (d))
    return json_string (d > 0 ? "inf" : "-inf");
  return json_real (d);
}

/* Read (and skip) one value of type t; when want_json, return its JSON (or a summary);
   NULL with c->what set on a bounds failure.  The JSON for a skipped value is json_null. */
static int gguf_value (gguf_cursor *c, uint32_t t, int depth, int want_json, json_t **out,
                       char *why, size_t whylen);

static int
gguf_scalar (gguf_cursor *c, uint32_t t, int want_json, json_t **out)
{
  static const unsigned sizes[GGUF_NTYPES] = { 1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8 };
  unsigned n = sizes[t];
  if (cur_need (c, n, "a metadata value"))
    return -1;
  const unsigned char *p = c->p + c->pos;
  c->pos += n;
  if (!want_json)
    {
      *out = NULL;
      return 0;
    }
  json_t *j = NULL;
  switch (t)
    {
    case GGUF_U8: j = json_integer (p[0]); break;
    case GGUF_I8: j = json_integer ((int8_t) p[0]); break;
    case GGUF_U16: j = json_integer ((uint16_t) fl_io_le (p, 2)); break;
    case GGUF_I16: j = json_integer ((int16_t) (uint16_t) fl_io_le (p, 2)); break;
    case GGUF_U32: j = json_integer ((uint32_t) fl_io_le (p, 4)); break;
    case GGUF_I32: j = json_integer ((int32_t) (uint32_t) fl_io_le (p, 4)); break;
    case GGUF_F32:
      {
        uint32_t b = (uint32_t) fl_io_le (p, 4);
        float v;
        memcpy (&v, &b, 4);
        j = json_from_double (v);
        break;
      }
    case GGUF_BOOL: j = json_boolean (p[0] != 0); break;
    case GGUF_U64:
      {
        uint64_t v = fl_io_le (p, 8);
        if (v <= INT64_MAX)
          j = json_integer ((json_int_t) v);
        else
          {
            char buf[32];
            snprintf (buf, sizeof buf, "%llu", (unsigned long long) v);
            j = json_string (buf);     /* beyond JSON's safe integers: exact as text */
          }
        break;
      }
    case GGUF_I64: j = json_integer ((json_int_t) (int64_t) fl_io_le (p, 8)); break;
    case GGUF_F64:
      {
        uint64_t b = fl_io_le (p, 8);
        double v;
        memcpy (&v, &b, 8);
        j = json_from_double (v);
        break;
      }
    }
  *out = j;
  return 0;
}

static int
gguf_value (gguf_cursor *c, uint32_t t, int depth, int want_json, json_t **out,
            char *why, size_t whylen)
{
  *out = NULL;
  if (t >= GGUF_NTYPES)
    {
      snprintf (why, whylen, "unknown metadata value type %u", (unsigned) t);
      return -2;
    }
  if (t == GGUF_STRING)
    {
      const unsigned char *s;
      uint64_t len;
      if (cur_string (c, &s, &len, "a metadata string"))
        return -1;
      if (want_json)
        *out = json_from_bytes (s, len);
      return 0;
    }
  if (t != GGUF_ARRAY)
    return gguf_scalar (c, t, want_json, out);

  if (depth >= GGUF_MAX_ARRAY_DEPTH)
    {
      snprintf (why, whylen, "metadata arrays nested deeper than %d", GGUF_MAX_ARRAY_DEPTH);
      return -2;
    }
  uint32_t et;
  uint64_t count;
  if (cur_u32 (c, &et, "a metadata array type") || cur_u64 (c, &count, "a metadata array count"))
    return -1;
  if (et >= GGUF_NTYPES)
    {
      snprintf (why, whylen, "unknown metadata array element type %u", (unsigned) et);
      return -2;
    }
  if (count > (c->size - c->pos) / gguf_type_min_size[et])
    {
      snprintf (why, whylen, "metadata array of %llu %s elements is larger than the file",
                (unsigned long long) count, gguf_type_names[et]);
      return -2;
    }
  json_t *arr = NULL, *head = NULL;
  int full = count <= GGUF_JSON_ARRAY_FULL && c->budget >= (long) count;
  long keep_head = c->budget >= GGUF_JSON_ARRAY_HEAD ? GGUF_JSON_ARRAY_HEAD : 0;
  if (want_json)
    {
      arr = json_array ();
      if (!full)
        head = arr;
    }
  for (uint64_t i = 0; i < count; i++)
    {
      int keep = want_json && (full || i < (uint64_t) keep_head);
      c->budget -= keep;
      json_t *e = NULL;
      int r = gguf_value (c, et, depth + 1, keep, &e, why, whylen);
      if (r)
        {
          json_decref (arr);
          return r;
        }
      if (keep)
        json_array_append_new (arr, e ? e : json_null ());
    }
  if (want_json && !full)
    {
      /* a summary: {"type": "array", "of": "string", "count": N, "head": [...]} */
      json_t *o = json_object ();
      json_object_set_new (o, "type", json_string ("array"));
      json_object_set_new (o, "of", json_string (gguf_type_names[et]));
      json_object_set_new (o, "count", json_integer ((json_int_t) count));
      if (keep_head)
        json_object_set_new (o, "head", head);
      else
        json_decref (head);
      arr = o;
    }
  *out = arr;
  return 0;
}

typedef struct {
  uint64_t offset, nbytes;
  size_t entry;          /* index in f->t */
  int size_known;        /* 0 for a ggml type fmtlab does not know */
} gguf_span;

/* by offset, empty tensors first among equal offsets (they overlap nothing) */
static int
span_cmp (const void *a, const void *b)
{
  const gguf_span *x = a, *y = b;
  if (x->offset != y->offset)
    return x->offset < y->offset ? -1 : 1;
  return x->nbytes < y->nbytes ? -1 : x->nbytes > y->nbytes;
}

static char *
dup_bytes (const unsigned char *s, uint64_t len)
{
  char *r = malloc ((size_t) len + 1);
  if (r)
    {
      memcpy (r, s, (size_t) len);
      r[len] = 0;
    }
  return r;
}

fl_status
fl_io_open_gguf (struct fl_tensor_file *f, char *err, size_t errlen)
{
  gguf_cursor c = { f->map, f->size, 0, NULL, GGUF_JSON_BUDGET };
  uint32_t version;
  uint64_t n_tensors, n_kv;
  char why[160] = "";

  if (f->size < 4 || memcmp (f->map, "GGUF", 4) != 0)
    return fl_io_error (err, errlen, f, NULL, "not a GGUF file (no \"GGUF\" magic)");
  c.pos = 4;
  if (cur_u32 (&c, &version, "the version"))
    goto truncated;
  if (version == 1)
    {
      fl_io_error (err, errlen, f, NULL, "GGUF version 1 is not supported (32-bit counts; "
                   "convert the file with a current llama.cpp)");
      return FL_EUNSUPPORTED;
    }
  if (version != 2 && version != 3)
    {
      /* a big-endian GGUF file has the same magic and its version byte-swapped */
      if ((version & 0xffff) == 0 && (version >> 24) >= 2 && (version >> 24) <= 3)
        fl_io_error (err, errlen, f, NULL, "big-endian GGUF files are not supported");
      else
        fl_io_error (err, errlen, f, NULL, "unsupported GGUF version %lu (2 and 3 are read)",
                     (unsigned long) version);
      return FL_EUNSUPPORTED;
    }
  if (cur_u64 (&c, &n_tensors, "the tensor count") || cur_u64 (&c, &n_kv, "the key/value count"))
    goto truncated;
  /* smallest key/value: 8-byte key length, 4-byte type, 1-byte value; smallest tensor
     info: 8-byte name length, n_dims, type and offset */
  if (n_kv > (c.size - c.pos) / 13)
    return fl_io_error (err, errlen, f, NULL, "key/value count %llu is larger than the file "
                        "can hold", (unsigned long long) n_kv);
  if (n_tensors > (c.size - c.pos) / 24)
    return fl_io_error (err, errlen, f, NULL, "tensor count %llu is larger than the file "
                        "can hold", (unsigned long long) n_tensors);

  /* key/values */
  json_t *meta = json_object ();
  uint64_t alignment = GGUF_DEFAULT_ALIGNMENT;
  gguf_span *spans = NULL;
  fl_status st = FL_EINVAL;
  if (!meta)
    return FL_ENOMEM;
  for (uint64_t k = 0; k < n_kv; k++)
    {
      const unsigned char *key;
      uint64_t klen;
      uint32_t type;
      if (cur_string (&c, &key, &klen, "a metadata key")
          || cur_u32 (&c, &type, "a metadata value type"))
        goto truncated_meta;
      if (klen == 0 || memchr (key, 0, (size_t) klen))
        {
          fl_io_error (err, errlen, f, NULL, "metadata key %llu is empty or holds a NUL byte",
                       (unsigned long long) k);
          goto fail;
        }
      char *kname = utf8_copy (key, klen);
      if (!kname)
        {
          st = FL_ENOMEM;
          goto fail;
        }
      if (json_object_get (meta, kname))
        {
          fl_io_error (err, errlen, f, NULL, "metadata key '%s' appears twice", kname);
          free (kname);
          goto fail;
        }
      size_t value_pos = c.pos;
      json_t *v;
      int r = gguf_value (&c, type, 0, 1, &v, why, sizeof why);
      if (r)
        {
          if (r == -1)
            fl_io_error (err, errlen, f, NULL, "metadata '%s': truncated in %s", kname, c.what);
          else
            fl_io_error (err, errlen, f, NULL, "metadata '%s': %s", kname, why);
          free (kname);
          goto fail;
        }
      if (strcmp (kname, "general.alignment") == 0)
        {
          /* ggml writes it as u32; any other type, zero or a non-power of two is refused
             rather than guessed, since every offset depends on it */
          uint32_t a = type == GGUF_U32 ? (uint32_t) fl_io_le (f->map + value_pos, 4) : 0;
          if (type != GGUF_U32 || a == 0 || (a & (a - 1)) != 0)
            {
              fl_io_error (err, errlen, f, NULL, "general.alignment must be a u32 power of two");
              json_decref (v);
              free (kname);
              goto fail;
            }
          alignment = a;
        }
      json_object_set_new (meta, kname, v ? v : json_null ());
      free (kname);
    }

  /* tensor infos */
  spans = calloc (n_tensors ? n_tensors : 1, sizeof *spans);
  if (!spans)
    {
      st = FL_ENOMEM;
      goto fail;
    }
  for (uint64_t i = 0; i < n_tensors; i++)
    {
      const unsigned char *name;
      uint64_t nlen, ne[FL_TENSOR_MAXDIM], offset;
      uint32_t ndims, type;
      if (cur_string (&c, &name, &nlen, "a tensor name"))
        goto truncated_meta;
      char *tname = dup_bytes (name, nlen);
      if (!tname)
        {
          st = FL_ENOMEM;
          goto fail;
        }
      if (nlen == 0 || strlen (tname) != nlen)
        {
          fl_io_error (err, errlen, f, NULL, "tensor %llu: the name is empty or holds a NUL "
                       "byte", (unsigned long long) i);
          free (tname);
          goto fail;
        }
      if (cur_u32 (&c, &ndims, "the number of dimensions"))
        {
          fl_io_error (err, errlen, f, tname, "truncated in the number of dimensions");
          free (tname);
          goto fail;
        }
      if (ndims > FL_TENSOR_MAXDIM)
        {
          fl_io_error (err, errlen, f, tname, "%lu dimensions (at most %d)",
                       (unsigned long) ndims, FL_TENSOR_MAXDIM);
          free (tname);
          goto fail;
        }
      for (uint32_t d = 0; d < ndims; d++)
        if (cur_u64 (&c, &ne[d], "a dimension"))
          break;
      if (c.what || cur_u32 (&c, &type, "the ggml type") || cur_u64 (&c, &offset, "the offset"))
        {
          fl_io_error (err, errlen, f, tname, "truncated in %s", c.what);
          free (tname);
          goto fail;
        }
      uint64_t shape[FL_TENSOR_MAXDIM];
      for (uint32_t d = 0; d < ndims; d++)
        {
          if (ne[d] > INT64_MAX)
            {
              fl_io_error (err, errlen, f, tname, "dimension %lu is negative",
                           (unsigned long) d);
              free (tname);
              goto fail;
            }
          shape[ndims - 1 - d] = ne[d];       /* ne[0] is innermost */
        }

      const ggml_type_info *ti
        = type < GGML_NTYPES && ggml_types[type].blck ? &ggml_types[type] : NULL;
      fl_dtype dt;
      int readable = ggml_to_dtype (type, &dt);
      char tyname[32];
      if (ti)
        snprintf (tyname, sizeof tyname, "%s", ti->name);
      else
        snprintf (tyname, sizeof tyname, "ggml type %lu", (unsigned long) type);
      if (ti && ti->blck > 1 && (ndims == 0 || ne[0] % ti->blck != 0))
        {
          fl_io_error (err, errlen, f, tname, "%s rows of %llu elements are not whole blocks "
                       "of %u", tyname, (unsigned long long) (ndims ? ne[0] : 1), ti->blck);
          free (tname);
          goto fail;
        }
      if (offset % alignment != 0)
        {
          fl_io_error (err, errlen, f, tname, "offset %llu is not a multiple of the "
                       "alignment %llu", (unsigned long long) offset,
                       (unsigned long long) alignment);
          free (tname);
          goto fail;
        }
      fl_tensor_entry *e;
      st = fl_io_add (f, tname, readable ? dt : FL_DT_OPAQUE, tyname, (int) ndims, shape, &e,
                      err, errlen);
      free (tname);
      if (st != FL_OK)
        goto fail;
      e->info.readable = readable;
      spans[i].offset = offset;
      spans[i].entry = f->n - 1;
      spans[i].size_known = ti != NULL;
      if (ti)
        {
          uint64_t nb;
          if (fl_io_mul_u64 (e->info.count / ti->blck, ti->size, &nb))
            {
              st = fl_io_error (err, errlen, f, e->info.name, "its size overflows");
              goto fail;
            }
          e->info.nbytes = nb;
        }
      spans[i].nbytes = e->info.nbytes;
      st = FL_EINVAL;
    }

  /* the data section: aligned after the tensor infos */
  uint64_t data_start = c.pos, pad = (alignment - c.pos % alignment) % alignment;
  if (n_tensors > 0 && pad > c.size - c.pos)
    {
      fl_io_error (err, errlen, f, NULL, "truncated before the data section (%llu bytes of "
                   "padding expected)", (unsigned long long) pad);
      goto fail;
    }
  data_start += pad;
  uint64_t data_size = data_start <= c.size ? c.size - data_start : 0;

  /* offsets inside the data section, no two tensors overlapping */
  qsort (spans, n_tensors, sizeof *spans, span_cmp);
  for (uint64_t i = 0; i < n_tensors; i++)
    {
      gguf_span *s = &spans[i];
      fl_tensor_info *ti = &f->t[s->entry].info;
      if (s->offset > data_size)
        {
          fl_io_error (err, errlen, f, ti->name, "offset %llu is beyond the data section "
                       "(%llu bytes)", (unsigned long long) s->offset,
                       (unsigned long long) data_size);
          goto fail;
        }
      if (!s->size_known)
        {
          /* a type fmtlab does not know: it extends to the next tensor or to the end */
          s->nbytes = (i + 1 < n_tensors ? spans[i + 1].offset : data_size) - s->offset;
          ti->nbytes = s->nbytes;
        }
      uint64_t end;
      if (fl_io_add_u64 (s->offset, s->nbytes, &end) || end > data_size)
        {
          fl_io_error (err, errlen, f, ti->name, "data at offset %llu (%llu bytes) runs past "
                       "the end of the file", (unsigned long long) s->offset,
                       (unsigned long long) s->nbytes);
          goto fail;
        }
      if (i + 1 < n_tensors && end > spans[i + 1].offset)
        {
          fl_io_error (err, errlen, f, ti->name, "data at offset %llu (%llu bytes) overlaps "
                       "tensor '%s'", (unsigned long long) s->offset,
                       (unsigned long long) s->nbytes, f->t[spans[i + 1].entry].info.name);
          goto fail;
        }
      if (ti->readable)
        f->t[s->entry].data = f->map + data_start + s->offset;
    }
  free (spans);
  spans = NULL;

  json_t *doc = json_object ();
  if (doc)
    {
      json_object_set_new (doc, "format", json_string ("gguf"));
      json_object_set_new (doc, "version", json_integer (version));
      json_object_set_new (doc, "alignment", json_integer ((json_int_t) alignment));
      json_object_set (doc, "metadata", meta);
      f->metadata_json = json_dumps (doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
      json_decref (doc);
    }
  json_decref (meta);
  return FL_OK;

 truncated_meta:
  fl_io_error (err, errlen, f, NULL, "truncated in %s", c.what);
 fail:
  free (spans);
  json_decref (meta);
  return st;

 truncated:
  return fl_io_error (err, errlen, f, NULL, "truncated in %s", c.what);
}
