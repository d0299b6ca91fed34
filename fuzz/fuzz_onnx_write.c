/* fuzz_onnx_write.c -- libFuzzer target for the ONNX rewriter (io/onnx_write.c,
   fmtlab/onnxwrite.h); seeds in fuzz/corpus/onnx_write/.  The input is written to
   model.onnx in a private temporary directory (external data can only name files there);
   every float tensor is halved and the model written to out.onnx beside it, then both are
   removed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fmtlab/onnxwrite.h>

static char dir[] = "/tmp/fuzz_onnx_write_XXXXXX";

static void
remove_dir (void)
{
  rmdir (dir);
}

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
  static int ready;
  if (!ready)
    {
      if (!mkdtemp (dir))
        return 0;
      atexit (remove_dir);
      ready = 1;
    }
  char in[64], out[64], err[512];
  snprintf (in, sizeof in, "%s/model.onnx", dir);
  snprintf (out, sizeof out, "%s/out.onnx", dir);
  FILE *fp = fopen (in, "wb");
  if (!fp)
    return 0;
  size_t w = fwrite (data, 1, size, fp);
  fclose (fp);
  size_t n = 0;
  if (w == size)
    fl_onnx_rewrite_floats (in, out, halve, NULL, &n, err, sizeof err);
  unlink (in);
  unlink (out);
  return 0;
}
