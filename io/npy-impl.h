/* npy-impl.h -- the .npy header parser shared by the .npy and .npz readers (io/). */
#ifndef FL_IO_NPY_IMPL_H
#define FL_IO_NPY_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include <fmtlab/tensor.h>

typedef struct {
  fl_dtype dtype;              /* FL_DT_OPAQUE for a type fmtlab does not read */
  char descr[40];              /* numpy's own spelling ("<f4"), cut when longer */
  int big_endian;
  int fortran_order;
  int ndim;
  uint64_t shape[FL_TENSOR_MAXDIM];
  size_t data_offset;          /* bytes from the start of the .npy data to the first element */
} fl_npy_header;

/* The preamble of a .npy file in p[0..n): checks the magic and the version, sets *start
   (where the header text begins: 10 or 12) and *hlen (the length the preamble announces,
   unchecked).  Returns 0, or -1 with a message (no file name) in msg. */
int fl_npy_preamble (const unsigned char *p, size_t n, size_t *start, size_t *hlen, char *msg,
                     size_t msglen);

/* Parse the .npy header in p[0..n) (n may exceed the header: the whole file or member).
   Returns 0, or -1 with a message (no file name) in msg. */
int fl_npy_parse (const unsigned char *p, size_t n, fl_npy_header *h, char *msg,
                  size_t msglen);

/* The largest .npy header accepted (numpy's own limit is 10000 bytes by default). */
#define FL_NPY_MAX_HEADER (1u << 20)

/* The name the one tensor of a .npy, raw or text file takes: the file's last path
   component without its extension (malloc'ed; NULL when out of memory). */
char *fl_io_file_stem (const char *path);

#endif
