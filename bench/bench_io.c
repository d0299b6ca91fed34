/* bench_io.c -- streaming a large tensor file through the readers: wall time, values/s and
   peak resident memory, against the largest tensor and the chunk size.

     bench_io --make FILE [--mib M] [--tensors T]   write a float32 safetensors file of
                                                     M MiB (default 1024) in T tensors (8)
     bench_io FILE [--chunk N] [--floats]            read every tensor, N elements at a time
                                                     (default 2^20), as doubles or floats

   Run the two steps as separate processes: the peak RSS of the second is the reader's. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <fmtlab/tensor.h>
#include "bench-util.h"

static long
peak_rss_kib (void)
{
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

static int
make_file (const char *path, unsigned long mib, unsigned long tensors)
{
  char err[512];
  fl_tensor_writer *w;
  if (fl_tensor_writer_open (path, FL_TFILE_SAFETENSORS, &w, err, sizeof err) != FL_OK)
    {
      fprintf (stderr, "bench_io: %s\n", err);
      return 2;
    }
  uint64_t per = (uint64_t) mib * 1048576 / 4 / tensors;
  float *x = malloc (per * sizeof *x);
  if (!x)
    {
      fprintf (stderr, "bench_io: out of memory\n");
      fl_tensor_writer_abort (w);
      return 2;
    }
  uint64_t s = 42;                 /* a fixed seed: xorshift64 */
  for (unsigned long t = 0; t < tensors; t++)
    {
      for (uint64_t i = 0; i < per; i++)
        {
          s ^= s << 13, s ^= s >> 7, s ^= s << 17;
          x[i] = (float) ((double) (s >> 11) * 0x1p-53 - 0.5);
        }
      char name[64];
      snprintf (name, sizeof name, "layer%lu.weight", t);
      uint64_t shape[2] = { per / 1024, 1024 };
      if (fl_tensor_writer_add (w, name, FL_DT_F32, 2, shape, x, err, sizeof err) != FL_OK)
        {
          fprintf (stderr, "bench_io: %s\n", err);
          fl_tensor_writer_abort (w);
          free (x);
          return 2;
        }
    }
  free (x);
  if (fl_tensor_writer_commit (w, err, sizeof err) != FL_OK)
    {
      fprintf (stderr, "bench_io: %s\n", err);
      return 2;
    }
  printf ("wrote %s: %lu MiB in %lu float32 tensors\n", path, mib, tensors);
  return 0;
}

int
main (int argc, char **argv)
{
  const char *path = NULL, *make = NULL;
  unsigned long mib = 1024, tensors = 8, chunk = 1ul << 20;
  int floats = 0;
  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--make") == 0 && i + 1 < argc)
        make = argv[++i];
      else if (strcmp (argv[i], "--mib") == 0 && i + 1 < argc)
        mib = strtoul (argv[++i], NULL, 10);
      else if (strcmp (argv[i], "--tensors") == 0 && i + 1 < argc)
        tensors = strtoul (argv[++i], NULL, 10);
      else if (strcmp (argv[i], "--chunk") == 0 && i + 1 < argc)
        chunk = strtoul (argv[++i], NULL, 10);
      else if (strcmp (argv[i], "--floats") == 0)
        floats = 1;
      else if (argv[i][0] != '-' && !path)
        path = argv[i];
      else
        {
          fprintf (stderr, "usage: bench_io --make FILE [--mib M] [--tensors T] | "
                   "bench_io FILE [--chunk N] [--floats]\n");
          return 2;
        }
    }
  if (make)
    return make_file (make, mib ? mib : 1, tensors ? tensors : 1);
  if (!path || !chunk)
    {
      fprintf (stderr, "bench_io: no file\n");
      return 2;
    }
  char err[512];
  fl_tensor_file *f;
  double t0 = now ();
  if (fl_tensor_open (path, NULL, &f, err, sizeof err) != FL_OK)
    {
      fprintf (stderr, "bench_io: %s\n", err);
      return 2;
    }
  double *d = malloc (chunk * sizeof *d);
  float *s = malloc (chunk * sizeof *s);
  uint64_t values = 0, largest = 0;
  double sum = 0;
  for (size_t i = 0; i < fl_tensor_file_count (f); i++)
    {
      const fl_tensor_info *in = fl_tensor_file_info (f, i);
      if (!in->readable)
        continue;
      largest = in->nbytes > largest ? in->nbytes : largest;
      for (uint64_t k = 0; k < in->count; k += chunk)
        {
          uint64_t n = in->count - k < chunk ? in->count - k : chunk;
          fl_status st = floats ? fl_tensor_read_floats (f, i, k, n, s, err, sizeof err)
                                : fl_tensor_read_doubles (f, i, k, n, d, err, sizeof err);
          if (st != FL_OK)
            {
              fprintf (stderr, "bench_io: %s\n", err);
              return 2;
            }
          for (uint64_t j = 0; j < n; j++)
            sum += floats ? s[j] : d[j];
          values += n;
        }
    }
  double t = now () - t0;
  printf ("file %s: %zu tensors, %llu values, largest tensor %.1f MiB, chunk %lu values "
          "(%.1f MiB)\n", path, fl_tensor_file_count (f), (unsigned long long) values,
          (double) largest / 1048576, chunk, (double) chunk * (floats ? 4 : 8) / 1048576);
  printf ("read as %s: %.2f s, %.3g values/s, peak RSS %.1f MiB (checksum %.6g)\n",
          floats ? "floats" : "doubles", t, (double) values / t,
          (double) peak_rss_kib () / 1024, sum);
  fl_tensor_close (f);
  free (d);
  free (s);
  return 0;
}
