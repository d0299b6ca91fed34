/* fuzz_onnx.c -- libFuzzer target for the ONNX reader (io/onnx.c); seeds in
   fuzz/corpus/onnx/.  The input is model.onnx in a private temporary directory
   (tensor-fuzz.h: external data can only name files there); its metadata and the first and
   last elements of every readable tensor are read. */
#include "tensor-fuzz.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char path[64];
  if (fuzz_private_file ("model.onnx", data, size, path, sizeof path) != 0)
    {
      unlink (path);
      return 0;
    }
  fl_tensor_open_opts o;
  fl_tensor_open_opts_init (&o);
  o.kind = FL_TFILE_ONNX;
  fl_tensor_file *f = NULL;
  char err[512];
  if (fl_tensor_open (path, &o, &f, err, sizeof err) == FL_OK)
    {
      const char *js = fl_tensor_file_metadata_json (f);
      if (js)
        (void) strlen (js);
      double buf[256];
      for (size_t i = 0; i < fl_tensor_file_count (f); i++)
        {
          const fl_tensor_info *ti = fl_tensor_file_info (f, i);
          uint64_t n = ti->count < 256 ? ti->count : 256;
          if (ti->readable)
            {
              fl_tensor_read_doubles (f, i, 0, n, buf, err, sizeof err);
              if (ti->count > n)
                fl_tensor_read_doubles (f, i, ti->count - n, n, buf, err, sizeof err);
            }
        }
      fl_tensor_close (f);
    }
  unlink (path);
  return 0;
}
