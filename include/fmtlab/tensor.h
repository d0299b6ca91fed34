/* fmtlab/tensor.h -- tensors read from model files: NumPy .npy/.npz, safetensors, GGUF,
   ONNX, raw little-endian arrays and text/CSV.

   A tensor file is opened once: its header is validated against the file's size before
   anything is trusted, and the tensors it holds are listed (name, dtype, shape).  Their
   elements are then read one tensor at a time, in chunks, converted to double (or float)
   in logical C order (row-major, whatever the file's own order), so a checkpoint larger
   than memory can be processed with memory near one tensor.  Files are memory-mapped where
   the layout allows it.

   Readers never compute and never print: every failure is an fl_status with a one-line
   message in err that names the file, the tensor (when there is one) and the problem.
   Objects are not shared between threads while being read (open one per thread). */
#ifndef FMTLAB_TENSOR_H
#define FMTLAB_TENSOR_H

#include <stddef.h>
#include <stdint.h>
#include <fmtlab/formats.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Element types.  FL_DT_OPAQUE is a type the file names that fmtlab does not read (e.g. a
   ggml k-quant, an ONNX type beyond BFLOAT16): it is listed with its own name and skipped
   by the analyses with a notice. */
typedef enum {
  FL_DT_F64, FL_DT_F32, FL_DT_F16, FL_DT_BF16, FL_DT_F8_E4M3, FL_DT_F8_E5M2,
  FL_DT_I64, FL_DT_I32, FL_DT_I16, FL_DT_I8,
  FL_DT_U64, FL_DT_U32, FL_DT_U16, FL_DT_U8, FL_DT_BOOL,
  FL_DT_Q8_0, FL_DT_Q4_0, FL_DT_Q4_1,          /* llama.cpp blocks (GGUF): dequantized exactly */
  FL_DT_OPAQUE
} fl_dtype;

/* "f32", "bf16", "i8", "q4_0", ... (lower case, as fmtlab prints them); NULL for OPAQUE */
const char *fl_dtype_name (fl_dtype t);
/* Parse a dtype name, case-insensitively: fmtlab's own ("f64 f32 f16 bf16 f8_e4m3 f8_e5m2
   i64 i32 i16 i8 u64 u32 u16 u8 bool q8_0 q4_0 q4_1") or a common alias (float64 double
   float32 float float16 half bfloat16 float8_e4m3fn float8_e5m2 int8..int64
   uint8..uint64); numpy's "<f4" style is not accepted.  0 on success, -1 otherwise. */
int fl_dtype_parse (const char *s, fl_dtype *t);
/* Bytes per element (0 for block and opaque types). */
size_t fl_dtype_size (fl_dtype t);
/* 1 for the floating-point types (f64 ... f8_e5m2) and the llama.cpp blocks, whose
   elements read as real numbers; 0 for integers, bool and opaque types. */
int fl_dtype_is_float (fl_dtype t);
/* 1 when every element converts to a double exactly: all but i64 and u64 (beyond 2^53
   their elements are rounded to the nearest double) and opaque types. */
int fl_dtype_exact_double (fl_dtype t);

#define FL_TENSOR_MAXDIM 16

/* What a file says of one tensor. */
typedef struct {
  const char *name;         /* unique within the file */
  fl_dtype dtype;
  const char *dtype_name;   /* the file's own name for the type (e.g. "F32", "<f4", "Q6_K") */
  int ndim;
  uint64_t shape[FL_TENSOR_MAXDIM];
  uint64_t count;           /* product of the shape (1 for a scalar), checked for overflow */
  uint64_t nbytes;          /* bytes of its data in the file */
  int readable;             /* 0: listed only (opaque type); reading it is FL_EUNSUPPORTED */
} fl_tensor_info;

typedef enum {
  FL_TFILE_AUTO,            /* by content (magic numbers), then by extension */
  FL_TFILE_NPY, FL_TFILE_NPZ, FL_TFILE_SAFETENSORS, FL_TFILE_GGUF, FL_TFILE_ONNX,
  FL_TFILE_RAW,             /* little-endian array: needs raw_dtype and raw_shape */
  FL_TFILE_TEXT             /* numbers separated by white space, commas or newlines */
} fl_tfile_kind;

typedef struct {
  fl_tfile_kind kind;
  /* FL_TFILE_RAW: the element type, the shape (ndim 0 = as many elements as the file
     holds after offset) and the byte offset of the first element. */
  fl_dtype raw_dtype;
  int raw_ndim;
  uint64_t raw_shape[FL_TENSOR_MAXDIM];
  uint64_t raw_offset;
} fl_tensor_open_opts;

/* AUTO, no raw layout (raw_dtype FL_DT_OPAQUE).  With kind AUTO, a raw_dtype other than
   FL_DT_OPAQUE means RAW: a caller that was given a dtype reads the file as a raw array. */
void fl_tensor_open_opts_init (fl_tensor_open_opts *o);

typedef struct fl_tensor_file fl_tensor_file;

/* Open and validate a file.  opts may be NULL (AUTO). */
fl_status fl_tensor_open (const char *path, const fl_tensor_open_opts *opts,
                          fl_tensor_file **out, char *err, size_t errlen);
void fl_tensor_close (fl_tensor_file *f);

fl_tfile_kind fl_tensor_file_kind (const fl_tensor_file *f);
const char *fl_tensor_file_path (const fl_tensor_file *f);
size_t fl_tensor_file_count (const fl_tensor_file *f);            /* tensors in the file */
const fl_tensor_info *fl_tensor_file_info (const fl_tensor_file *f, size_t i);
/* The file's own metadata as a JSON text (safetensors __metadata__, GGUF key/values,
   ONNX producer and opset), or NULL; owned by f. */
const char *fl_tensor_file_metadata_json (const fl_tensor_file *f);

/* Elements [start, start + n) of tensor i, in logical C order, converted to double (exact
   for every float dtype; block types dequantized exactly).  NaN and Inf are passed
   through.  FL_ERANGE when the range is outside the tensor, FL_EUNSUPPORTED for an opaque
   type, FL_EINVAL for data the file turned out not to hold. */
fl_status fl_tensor_read_doubles (fl_tensor_file *f, size_t i, uint64_t start, uint64_t n,
                                  double *out, char *err, size_t errlen);
fl_status fl_tensor_read_floats (fl_tensor_file *f, size_t i, uint64_t start, uint64_t n,
                                 float *out, char *err, size_t errlen);

/* Tensor selection: "FILE[:GLOB]" -- the glob (fnmatch(3)) applies to tensor names; the
   split is at the last ':' whose left part names an existing file, so paths that hold
   ':' still work.  glob_out is NULL when there is none (every tensor). */
fl_status fl_tensor_spec_split (const char *spec, char **path_out, char **glob_out,
                                char *err, size_t errlen);
int fl_tensor_name_match (const char *glob, const char *name);   /* glob NULL: 1 */

/* Writers: one tensor per .npy file, several per .safetensors file.  Output goes to a
   temporary file beside path that fl_tensor_writer_commit renames into place; abort (or
   an error) removes it, so no partial file is ever left. */
typedef struct fl_tensor_writer fl_tensor_writer;
fl_status fl_tensor_writer_open (const char *path, fl_tfile_kind kind,
                                 fl_tensor_writer **out, char *err, size_t errlen);
/* Add a tensor: data holds count elements of dtype in C order, little-endian. */
fl_status fl_tensor_writer_add (fl_tensor_writer *w, const char *name, fl_dtype dtype,
                                int ndim, const uint64_t *shape, const void *data,
                                char *err, size_t errlen);
/* Write, then rename into place; frees w whatever the result (on failure nothing is left
   at path nor beside it).  After an error from fl_tensor_writer_add, call abort. */
fl_status fl_tensor_writer_commit (fl_tensor_writer *w, char *err, size_t errlen);
void fl_tensor_writer_abort (fl_tensor_writer *w);

#ifdef __cplusplus
}
#endif
#endif
