/* fuzz_gguf.c -- libFuzzer target for the GGUF reader (io/gguf.c): the input is written to
   a temporary .gguf file, opened as GGUF, its metadata and the first elements of every
   readable tensor are read.  Seeds: fuzz/corpus/gguf/. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fmtlab/tensor.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char path[] = "/tmp/fuzz_gguf_XXXXXX.gguf";
  int fd = mkstemps (path, 5);
  if (fd < 0)
    return 0;
  if (write (fd, data, size) != (ssize_t) size)
    {
      close (fd);
      unlink (path);
      return 0;
    }
  close (fd);
  fl_tensor_open_opts o;
  fl_tensor_open_opts_init (&o);
  o.kind = FL_TFILE_GGUF;
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
