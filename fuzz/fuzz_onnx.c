/* fuzz_onnx.c -- libFuzzer target for the ONNX reader (io/onnx.c); seeds in
   fuzz/corpus/onnx/.  Not through tensor-fuzz.h: the input is written to model.onnx in a
   private temporary directory, so that external data can only name files there (and not
   whatever /tmp holds); its metadata and the first and last elements of every readable
   tensor are read. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fmtlab/tensor.h>

static char dir[] = "/tmp/fuzz_onnx_XXXXXX";

static void
remove_dir (void)
{
  rmdir (dir);          /* empty: each input's model.onnx is removed after its run */
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
  char path[64];
  snprintf (path, sizeof path, "%s/model.onnx", dir);
  FILE *fp = fopen (path, "wb");
  if (!fp)
    return 0;
  size_t w = fwrite (data, 1, size, fp);
  fclose (fp);
  if (w != size)
    return 0;
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
