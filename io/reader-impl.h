/* reader-impl.h -- what each tensor reader hands the dispatcher (io/tensor.c).  Private to
   io/: the readers fill entries, the dispatcher converts elements, selects and frees.

   A reader is one function per file format, fl_io_open_<kind> (f, err, errlen), called
   with f->path set and, for formats read in place, the whole file mapped read-only at
   f->map (f->size bytes).  It validates every header field against f->size before using
   it, then adds one entry per tensor with fl_io_add.  Element bytes stay in the mapping
   where they can (data points into it); otherwise the reader owns a buffer (or a second
   mapping, e.g. ONNX external data) and says how to release it. */
#ifndef FL_IO_READER_IMPL_H
#define FL_IO_READER_IMPL_H

#include <stdarg.h>
#include <fmtlab/tensor.h>

typedef struct fl_tensor_entry {
  fl_tensor_info info;              /* name and dtype_name point to strings owned below */
  char *name_owned, *dtype_name_owned;
  const unsigned char *data;        /* info.nbytes bytes, or NULL until load () fills it */
  int big_endian;                   /* element byte order (npy '>' types) */
  int fortran_order;                /* npy fortran_order: elements stored column-major */
  void *owned;                      /* released with release (owned, owned_len) on close */
  size_t owned_len;
  void (*release) (void *owned, size_t len);
} fl_tensor_entry;

struct fl_tensor_file {
  char *path;
  fl_tfile_kind kind;
  const unsigned char *map;         /* the whole file, read-only (NULL for empty files) */
  size_t size;
  fl_tensor_entry *t;
  size_t n, cap;
  char *metadata_json;              /* malloc'ed, or NULL */
  /* Readers that produce data lazily (npz deflated members) set load: called before the
     first read of an entry whose data is NULL; it must fill data (and owned/release). */
  fl_status (*load) (struct fl_tensor_file *f, size_t i, char *err, size_t errlen);
  void *state;                      /* the reader's own, freed with free_state on close */
  void (*free_state) (void *state);
  const fl_tensor_open_opts *opts;  /* the caller's options during open (raw layout) */
  struct fl_io_names *names;        /* the dispatcher's index of entry names (fl_io_add) */
};

/* Add a tensor entry: checks that the name is unique in the file, that ndim is at most
   FL_TENSOR_MAXDIM and that the element count and byte size do not overflow; fills
   info.count and, for fixed-size dtypes, info.nbytes (a reader of block or opaque types
   sets nbytes itself).  *out points to the new entry (valid until the next fl_io_add). */
fl_status fl_io_add (fl_tensor_file *f, const char *name, fl_dtype dtype,
                     const char *dtype_name, int ndim, const uint64_t *shape,
                     fl_tensor_entry **out, char *err, size_t errlen);

/* The entry named name, or NULL (e.g. to qualify a colliding name before adding it). */
fl_tensor_entry *fl_io_find (fl_tensor_file *f, const char *name);

/* Write "PATH: [tensor 'NAME': ]message" into err (control bytes escaped); returns
   FL_EINVAL so readers can 'return fl_io_error (...)'.  tensor may be NULL. */
fl_status fl_io_error (char *err, size_t errlen, const fl_tensor_file *f, const char *tensor,
                       const char *fmt, ...) __attribute__ ((format (printf, 5, 6)));

/* The unsigned little-endian integer of nbytes (1 to 8) bytes at p: the byte order of
   every binary header fmtlab reads (npy, npz, safetensors, GGUF). */
static inline uint64_t
fl_io_le (const unsigned char *p, unsigned nbytes)
{
  uint64_t v = 0;
  while (nbytes--)
    v = v << 8 | p[nbytes];
  return v;
}

/* Checked arithmetic for sizes taken from files: 0 on success, -1 on overflow. */
int fl_io_mul_u64 (uint64_t a, uint64_t b, uint64_t *out);
int fl_io_add_u64 (uint64_t a, uint64_t b, uint64_t *out);

/* The readers. */
fl_status fl_io_open_npy (struct fl_tensor_file *f, char *err, size_t errlen);
fl_status fl_io_open_npz (struct fl_tensor_file *f, char *err, size_t errlen);
fl_status fl_io_open_safetensors (struct fl_tensor_file *f, char *err, size_t errlen);
fl_status fl_io_open_gguf (struct fl_tensor_file *f, char *err, size_t errlen);
fl_status fl_io_open_onnx (struct fl_tensor_file *f, char *err, size_t errlen);
fl_status fl_io_open_raw (struct fl_tensor_file *f, char *err, size_t errlen);
fl_status fl_io_open_text (struct fl_tensor_file *f, char *err, size_t errlen);

#endif
