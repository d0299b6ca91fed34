/* fuzz_onnx_write.c -- libFuzzer target for the ONNX rewriter (io/onnx_write.c,
   fmtlab/onnxwrite.h); seeds in fuzz/corpus/onnx_write/.  The input is model.onnx in a
   private temporary directory (tensor-fuzz.h: external data can only name files there);
   every float tensor is halved and the model written to out.onnx beside it, then both are
   removed. */
#include <fmtlab/onnxwrite.h>
#include "tensor-fuzz.h"

static fl_status
halve (void *ctx, const char *name, int ndim, const uint64_t *shape, float *data, size_t n,
       char *err, size_t errlen)
{
  (void) ctx; (void) name; (void) ndim; (void) shape; (void) err; (void) errlen;
  for (size_t i = 0; i < n; i++)
    data[i] *= 0.5f;
  return FL_OK;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char in[64], out[64], err[512];
  int written = fuzz_private_file ("model.onnx", data, size, in, sizeof in) == 0;
  fuzz_private_file ("out.onnx", NULL, 0, out, sizeof out);
  size_t n = 0;
  if (written)
    fl_onnx_rewrite_floats (in, out, halve, NULL, &n, err, sizeof err);
  unlink (in);
  unlink (out);
  return 0;
}
