/* raw.c -- raw little-endian arrays: the caller gives the element type, the shape (or none:
   as many elements as the file holds) and the offset of the first element. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "reader-impl.h"
#include "npy-impl.h"

fl_status
fl_io_open_raw (fl_tensor_file *f, char *err, size_t errlen)
{
  const fl_tensor_open_opts *o = f->opts;
  if (!o || fl_dtype_size (o->raw_dtype) == 0)
    return fl_io_error (err, errlen, f, NULL, "a raw array needs a fixed-size element type");
  size_t es = fl_dtype_size (o->raw_dtype);
  if (o->raw_offset > f->size)
    return fl_io_error (err, errlen, f, NULL, "offset %llu beyond the end of the file "
                        "(%zu bytes)", (unsigned long long) o->raw_offset, f->size);
  uint64_t avail = f->size - o->raw_offset;
  uint64_t shape[FL_TENSOR_MAXDIM];
  int ndim = o->raw_ndim;
  if (ndim < 0 || ndim > FL_TENSOR_MAXDIM)
    return fl_io_error (err, errlen, f, NULL, "%d dimensions (at most %d)", ndim,
                        FL_TENSOR_MAXDIM);
  if (ndim == 0)
    {
      if (avail % es)
        return fl_io_error (err, errlen, f, NULL, "%llu bytes after the offset are not a "
                            "whole number of %zu-byte elements", (unsigned long long) avail,
                            es);
      ndim = 1;
      shape[0] = avail / es;
    }
  else
    memcpy (shape, o->raw_shape, (size_t) ndim * sizeof *shape);
  char *name = fl_io_file_stem (f->path);
  if (!name)
    return fl_io_error (err, errlen, f, NULL, "out of memory");
  fl_tensor_entry *e;
  fl_status st = fl_io_add (f, name, o->raw_dtype, NULL, ndim, shape, &e, err, errlen);
  free (name);
  if (st != FL_OK)
    return st;
  if (e->info.nbytes > avail)
    return fl_io_error (err, errlen, f, e->info.name, "%llu elements of %s need %llu bytes, "
                        "the file holds %llu after the offset",
                        (unsigned long long) e->info.count, fl_dtype_name (o->raw_dtype),
                        (unsigned long long) e->info.nbytes, (unsigned long long) avail);
  e->data = f->map ? f->map + o->raw_offset : NULL;
  e->big_endian = 0;
  return FL_OK;
}
