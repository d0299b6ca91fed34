/* tensor-fuzz.h -- shared by the tensor reader fuzz targets (fuzz/fuzz_<reader>.c): the
   input goes to a temporary file (readers map files), which is opened as the given kind;
   every tensor it lists is read, in chunks, up to a bound. */
#ifndef FMTLAB_TENSOR_FUZZ_H
#define FMTLAB_TENSOR_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fmtlab/tensor.h>

static int
fuzz_tensor_file (const uint8_t *data, size_t size, fl_tfile_kind kind, const char *suffix)
{
  char path[64];
  snprintf (path, sizeof path, "/tmp/fmtlab_fuzz_XXXXXX%s", suffix);
  int fd = mkstemps (path, (int) strlen (suffix));
  if (fd < 0)
    return 0;
  size_t done = 0;
  while (done < size)
    {
      ssize_t w = write (fd, data + done, size - done);
      if (w <= 0)
        break;
      done += (size_t) w;
    }
  close (fd);
  fl_tensor_open_opts o;
  fl_tensor_open_opts_init (&o);
  o.kind = kind;
  fl_tensor_file *f;
  char err[512];
  if (fl_tensor_open (path, &o, &f, err, sizeof err) == FL_OK)
    {
      static double buf[1024];
      static float fbuf[1024];
      uint64_t budget = 1u << 20;
      for (size_t i = 0; i < fl_tensor_file_count (f); i++)
        {
          const fl_tensor_info *in = fl_tensor_file_info (f, i);
          (void) fl_tensor_file_metadata_json (f);
          for (uint64_t k = 0; k < in->count && budget; k += 1024)
            {
              uint64_t n = in->count - k < 1024 ? in->count - k : 1024;
              budget = budget > n ? budget - n : 0;
              if (fl_tensor_read_doubles (f, i, k, n, buf, err, sizeof err) != FL_OK)
                break;
              if (k == 0 && fl_tensor_read_floats (f, i, 0, n, fbuf, err, sizeof err) != FL_OK)
                break;
            }
        }
      fl_tensor_close (f);
    }
  unlink (path);
  return 0;
}

#endif
