/* tensor-fuzz.h -- shared by the tensor file fuzz targets (fuzz/fuzz_<reader>.c,
   fuzz_onnx_write.c): the input goes to a temporary file (readers map files).
   fuzz_tensor_file opens it as the given kind and reads every tensor it lists, in chunks,
   up to a bound; an ONNX model instead goes into a private directory (fuzz_private_file),
   so that the external data it names can only be files there, not whatever /tmp holds. */
#ifndef FMTLAB_TENSOR_FUZZ_H
#define FMTLAB_TENSOR_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <fmtlab/tensor.h>

/* Write the input to fd and close it: 0 when all of it was written. */
static inline int
fuzz_write_fd (int fd, const uint8_t *data, size_t size)
{
  size_t done = 0;
  while (done < size)
    {
      ssize_t w = write (fd, data + done, size - done);
      if (w <= 0)
        break;
      done += (size_t) w;
    }
  return close (fd) != 0 || done != size ? -1 : 0;
}

static inline char *
fuzz_dir (void)
{
  static char dir[] = "/tmp/fmtlab_fuzz_XXXXXX";
  return dir;
}

static inline void
fuzz_remove_dir (void)
{
  rmdir (fuzz_dir ());     /* empty by then: each target unlinks its files after a run */
}

/* DIR/NAME into path, DIR a private directory made on the first call and removed at exit;
   with data, the input is written there.  0 on success; path is "" when DIR could not be
   made. */
static inline int
fuzz_private_file (const char *name, const uint8_t *data, size_t size, char *path,
                   size_t pathsize)
{
  static int ready;
  path[0] = 0;
  if (!ready)
    {
      if (!mkdtemp (fuzz_dir ()))
        return -1;
      atexit (fuzz_remove_dir);
      ready = 1;
    }
  snprintf (path, pathsize, "%s/%s", fuzz_dir (), name);
  if (!data)
    return 0;
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  return fd < 0 ? -1 : fuzz_write_fd (fd, data, size);
}

static inline int
fuzz_tensor_file (const uint8_t *data, size_t size, fl_tfile_kind kind, const char *suffix)
{
  char path[64];
  snprintf (path, sizeof path, "/tmp/fmtlab_fuzz_XXXXXX%s", suffix);
  int fd = mkstemps (path, (int) strlen (suffix));
  if (fd < 0)
    return 0;
  fuzz_write_fd (fd, data, size);     /* a short file is one more input to read */
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
