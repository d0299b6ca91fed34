/* safetensors.c -- Hugging Face safetensors files (doc/tensors.md): an 8-byte little-endian
   header length N, N bytes of JSON {"NAME": {"dtype": "F32", "shape": [..],
   "data_offsets": [BEGIN, END]}, ..., "__metadata__": {"key": "value"}}, then the data
   area, offsets relative to its start.  The header is parsed by jansson (duplicate keys
   refused); every tensor's range must lie inside the data area, match its dtype and shape,
   and not overlap another's.  Tensors are listed in the order of their data. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "reader-impl.h"

/* The safetensors format caps its header at 100 MB. */
#define ST_MAX_HEADER (100u * 1000 * 1000)

static const struct
{
  const char *name;
  fl_dtype t;
} st_types[] = {
  { "F64", FL_DT_F64 }, { "F32", FL_DT_F32 }, { "F16", FL_DT_F16 }, { "BF16", FL_DT_BF16 },
  { "F8_E4M3", FL_DT_F8_E4M3 }, { "F8_E5M2", FL_DT_F8_E5M2 },
  { "I64", FL_DT_I64 }, { "I32", FL_DT_I32 }, { "I16", FL_DT_I16 }, { "I8", FL_DT_I8 },
  { "U64", FL_DT_U64 }, { "U32", FL_DT_U32 }, { "U16", FL_DT_U16 }, { "U8", FL_DT_U8 },
  { "BOOL", FL_DT_BOOL },
};

const char *fl_io_safetensors_dtype (fl_dtype t);

/* The safetensors name of a dtype (for the writer), or NULL. */
const char *
fl_io_safetensors_dtype (fl_dtype t)
{
  for (size_t i = 0; i < sizeof st_types / sizeof st_types[0]; i++)
    if (st_types[i].t == t)
      return st_types[i].name;
  return NULL;
}

typedef struct
{
  const char *name;
  json_t *desc;
  uint64_t begin, end;
} st_item;

static int
by_offset (const void *a, const void *b)
{
  const st_item *x = a, *y = b;
  if (x->begin != y->begin)
    return x->begin < y->begin ? -1 : 1;
  if (x->end != y->end)
    return x->end < y->end ? -1 : 1;
  return strcmp (x->name, y->name);
}

/* A JSON integer in [0, 2^53] (the range JSON numbers hold exactly). */
static int
get_count (json_t *v, uint64_t *out)
{
  if (!json_is_integer (v) || json_integer_value (v) < 0
      || json_integer_value (v) > (json_int_t) (UINT64_C(1) << 53))
    return -1;
  *out = (uint64_t) json_integer_value (v);
  return 0;
}

static fl_status
add_tensor (fl_tensor_file *f, const st_item *it, const unsigned char *data_area,
            char *err, size_t errlen)
{
  json_t *dt = json_object_get (it->desc, "dtype"), *shape = json_object_get (it->desc, "shape");
  if (!json_is_string (dt))
    return fl_io_error (err, errlen, f, it->name, "no \"dtype\" string");
  if (!json_is_array (shape))
    return fl_io_error (err, errlen, f, it->name, "no \"shape\" array");
  size_t nd = json_array_size (shape);
  if (nd > FL_TENSOR_MAXDIM)
    return fl_io_error (err, errlen, f, it->name, "%zu dimensions (at most %d)", nd,
                        FL_TENSOR_MAXDIM);
  uint64_t dims[FL_TENSOR_MAXDIM];
  for (size_t d = 0; d < nd; d++)
    if (get_count (json_array_get (shape, d), &dims[d]))
      return fl_io_error (err, errlen, f, it->name,
                          "shape[%zu] is not a non-negative integer", d);
  const char *dts = json_string_value (dt);
  fl_dtype t = FL_DT_OPAQUE;
  for (size_t i = 0; i < sizeof st_types / sizeof st_types[0]; i++)
    if (strcmp (dts, st_types[i].name) == 0)
      t = st_types[i].t;
  fl_tensor_entry *e;
  fl_status st = fl_io_add (f, it->name, t, dts, (int) nd, dims, &e, err, errlen);
  if (st != FL_OK)
    return st;
  uint64_t len = it->end - it->begin;
  if (t == FL_DT_OPAQUE)
    e->info.nbytes = len;
  else if (e->info.nbytes != len)
    return fl_io_error (err, errlen, f, it->name,
                        "data_offsets hold %llu bytes, %llu elements of %s take %llu",
                        (unsigned long long) len, (unsigned long long) e->info.count, dts,
                        (unsigned long long) e->info.nbytes);
  e->data = data_area + it->begin;
  return FL_OK;
}

fl_status
fl_io_open_safetensors (fl_tensor_file *f, char *err, size_t errlen)
{
  if (f->size < 8)
    return fl_io_error (err, errlen, f, NULL, "truncated in the header length (%zu bytes)",
                        f->size);
  uint64_t hlen = fl_io_le (f->map, 8);
  if (hlen > f->size - 8)
    return fl_io_error (err, errlen, f, NULL, "header length %llu beyond the end of the "
                        "file (%zu bytes)", (unsigned long long) hlen, f->size);
  if (hlen > ST_MAX_HEADER)
    return fl_io_error (err, errlen, f, NULL, "header length %llu beyond the format's "
                        "limit of 100 MB", (unsigned long long) hlen);
  json_error_t je;
  json_t *root = json_loadb ((const char *) f->map + 8, (size_t) hlen,
                             JSON_REJECT_DUPLICATES, &je);
  if (!root)
    return fl_io_error (err, errlen, f, NULL, "bad header JSON at byte %d: %s",
                        je.position, je.text);
  fl_status st = FL_OK;
  st_item *items = NULL;
  if (!json_is_object (root))
    {
      st = fl_io_error (err, errlen, f, NULL, "the header is not a JSON object");
      goto done;
    }
  const unsigned char *data_area = f->map + 8 + hlen;
  uint64_t data_size = f->size - 8 - hlen;
  size_t n = json_object_size (root), k = 0;
  items = calloc (n ? n : 1, sizeof *items);
  if (!items)
    {
      st = fl_io_error (err, errlen, f, NULL, "out of memory for %zu tensors", n);
      goto done;
    }
  const char *key;
  json_t *val;
  json_object_foreach (root, key, val)
    {
      if (strcmp (key, "__metadata__") == 0)
        {
          if (!json_is_object (val))
            {
              st = fl_io_error (err, errlen, f, NULL, "__metadata__ is not an object");
              goto done;
            }
          const char *mk;
          json_t *mv;
          json_object_foreach (val, mk, mv)
            if (!json_is_string (mv))
              {
                st = fl_io_error (err, errlen, f, NULL, "__metadata__ value of '%.80s' is "
                                  "not a string", mk);
                goto done;
              }
          free (f->metadata_json);
          f->metadata_json = json_dumps (val, JSON_COMPACT | JSON_ENSURE_ASCII);
          continue;
        }
      if (!json_is_object (val))
        {
          st = fl_io_error (err, errlen, f, key, "its description is not a JSON object");
          goto done;
        }
      json_t *off = json_object_get (val, "data_offsets");
      st_item *it = &items[k];
      it->name = key;
      it->desc = val;
      if (!json_is_array (off) || json_array_size (off) != 2
          || get_count (json_array_get (off, 0), &it->begin)
          || get_count (json_array_get (off, 1), &it->end))
        {
          st = fl_io_error (err, errlen, f, key, "data_offsets is not a pair of "
                            "non-negative integers");
          goto done;
        }
      if (it->begin > it->end || it->end > data_size)
        {
          st = fl_io_error (err, errlen, f, key, "data_offsets [%llu, %llu] outside the data "
                            "area of %llu bytes", (unsigned long long) it->begin,
                            (unsigned long long) it->end, (unsigned long long) data_size);
          goto done;
        }
      k++;
    }
  /* overlaps: each non-empty range against the furthest end seen so far */
  qsort (items, k, sizeof *items, by_offset);
  const st_item *last = NULL;
  for (size_t i = 0; i < k; i++)
    {
      if (items[i].begin == items[i].end)
        continue;
      if (last && items[i].begin < last->end)
        {
          st = fl_io_error (err, errlen, f, items[i].name, "data [%llu, %llu] overlaps "
                            "tensor '%.80s' [%llu, %llu]", (unsigned long long) items[i].begin,
                            (unsigned long long) items[i].end, last->name,
                            (unsigned long long) last->begin, (unsigned long long) last->end);
          goto done;
        }
      if (!last || items[i].end > last->end)
        last = &items[i];
    }
  for (size_t i = 0; i < k && st == FL_OK; i++)
    st = add_tensor (f, &items[i], data_area, err, errlen);
done:
  free (items);
  json_decref (root);
  return st;
}
