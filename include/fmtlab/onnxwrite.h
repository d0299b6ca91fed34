/* fmtlab/onnxwrite.h -- rewrite the float tensors of an ONNX model in place.

   fl_onnx_rewrite_floats reads an ONNX model (validated first by the ONNX reader of
   fmtlab/tensor.h: nesting depth, sizes), calls FN once for every float32 tensor it holds
   -- the graph's initializers, the tensor attributes of its nodes (Constant's value,
   ConstantOfShape's ...), the same inside every subgraph (If/Loop/Scan) at any depth and
   in the model's local functions -- with the tensor's values, which FN may change, and
   writes the model back to OUT with everything else unchanged (same graph, same dtypes,
   same storage: raw_data stays raw_data, float_data stays float_data).  OUT is written to
   a temporary file in its directory and renamed into place; nothing is left behind on
   failure.  Tensors stored in external files are refused (FL_EUNSUPPORTED). */
#ifndef FMTLAB_ONNXWRITE_H
#define FMTLAB_ONNXWRITE_H

#include <stddef.h>
#include <stdint.h>
#include <fmtlab/formats.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One float tensor: NAME (a Constant's output name for its value), its shape, and its N
   values, to change in place.  A status other than FL_OK stops the rewrite. */
typedef fl_status (*fl_onnx_tensor_fn) (void *ctx, const char *name, int ndim,
                                        const uint64_t *shape, float *data, size_t n,
                                        char *err, size_t errlen);

/* *ntensors (may be NULL) receives the number of tensors FN was called on. */
fl_status fl_onnx_rewrite_floats (const char *in, const char *out, fl_onnx_tensor_fn fn,
                                  void *ctx, size_t *ntensors, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
