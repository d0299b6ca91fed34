/* idx.c -- the IDX reader of the MNIST-style data sets (study-impl.h). */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "study-impl.h"

/* Read exactly n bytes; 0 on success. */
static int
read_exact (gzFile gz, void *buf, size_t n)
{
  uint8_t *p = buf;
  while (n > 0)
    {
      unsigned chunk = n > (1u << 30) ? (1u << 30) : (unsigned) n;
      int got = gzread (gz, p, chunk);
      if (got <= 0)
        return -1;
      p += got;
      n -= (size_t) got;
    }
  return 0;
}

fl_status
fl_idx_read_u8 (const char *path, size_t max_bytes, unsigned *ndims, uint32_t dims[4],
                uint8_t **data, char *err, size_t errlen)
{
  *data = NULL;
  gzFile gz = gzopen (path, "rb");   /* also reads uncompressed files as they are */
  if (!gz)
    {
      fl_study_err (err, errlen, "cannot open '%s'", path);
      return FL_EINVAL;
    }
  uint8_t head[4];
  if (read_exact (gz, head, 4) != 0)
    {
      fl_study_err (err, errlen, "'%s': not an IDX file (shorter than its 4-byte header)", path);
      gzclose (gz);
      return FL_EINVAL;
    }
  if (head[0] != 0 || head[1] != 0 || head[2] != 0x08 || head[3] < 1 || head[3] > 4)
    {
      fl_study_err (err, errlen, "'%s': not an unsigned-byte IDX file of 1 to 4 dimensions "
                    "(header %02x %02x %02x %02x)", path, head[0], head[1], head[2], head[3]);
      gzclose (gz);
      return FL_EINVAL;
    }
  *ndims = head[3];
  size_t total = 1;
  for (unsigned d = 0; d < *ndims; d++)
    {
      uint8_t b[4];
      if (read_exact (gz, b, 4) != 0)
        {
          fl_study_err (err, errlen, "'%s': truncated IDX header", path);
          gzclose (gz);
          return FL_EINVAL;
        }
      dims[d] = (uint32_t) b[0] << 24 | (uint32_t) b[1] << 16 | (uint32_t) b[2] << 8 | b[3];
      if (dims[d] == 0 || total > max_bytes / dims[d])
        {
          fl_study_err (err, errlen, "'%s': IDX dimension %u of size %u is empty or beyond the "
                        "limit of %zu bytes", path, d, dims[d], max_bytes);
          gzclose (gz);
          return FL_ERANGE;
        }
      total *= dims[d];
    }
  uint8_t *buf = malloc (total);
  if (!buf)
    {
      gzclose (gz);
      fl_study_err (err, errlen, "out of memory reading '%s'", path);
      return FL_ENOMEM;
    }
  if (read_exact (gz, buf, total) != 0)
    {
      fl_study_err (err, errlen, "'%s': truncated IDX data (header says %zu bytes)", path, total);
      free (buf);
      gzclose (gz);
      return FL_EINVAL;
    }
  gzclose (gz);
  *data = buf;
  return FL_OK;
}
