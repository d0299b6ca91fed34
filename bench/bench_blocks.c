/* bench_blocks.c -- figures for the block formats and the packing codec: MX quantize
   throughput (values/s, fast path and exact MPFR path), and pack/unpack throughput of B = 1..16 bits in GB/s of unpacked codes (fl_pack8: one
   byte per code; fl_pack16: two) next to a memcpy of that unpacked buffer, with the ratio.
   Best of R runs.  Options: --n N (codes to pack, default 2^25), --reps R (5),
   --threads T (1), --seed S. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <math.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include <fmtlab/fmtlab.h>
#include <fmtlab/blocks.h>
#include <fmtlab/pack.h>
#include "bench-util.h"

static uint64_t
mix (uint64_t *s)
{
  uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static volatile uint8_t sink;

int
main (int argc, char **argv)
{
  size_t n = (size_t) 1 << 25;
  int reps = 5, threads = 1;
  uint64_t seed = 1;
  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--help") == 0)
        {
          printf ("Usage: bench_blocks [--n N] [--reps R] [--threads T] [--seed S]\n");
          return 0;
        }
      if (i + 1 >= argc)
        {
          fprintf (stderr, "bench_blocks: %s needs a value\n", argv[i]);
          return 2;
        }
      if (strcmp (argv[i], "--n") == 0)
        n = (size_t) strtod (argv[++i], NULL);
      else if (strcmp (argv[i], "--reps") == 0)
        reps = atoi (argv[++i]);
      else if (strcmp (argv[i], "--threads") == 0)
        threads = atoi (argv[++i]);
      else if (strcmp (argv[i], "--seed") == 0)
        seed = strtoull (argv[++i], NULL, 0);
      else
        {
          fprintf (stderr, "bench_blocks: unknown option %s\n", argv[i]);
          return 2;
        }
    }
  n -= n % 8;
  if (n == 0 || reps < 1)
    return 2;
#ifdef _OPENMP
  omp_set_num_threads (threads);
#endif
  mpfr_set_emin (mpfr_get_emin_min ());
  mpfr_set_emax (mpfr_get_emax_max ());
  printf ("bench_blocks: seed %llu, %d thread(s), best of %d\n", (unsigned long long) seed, threads, reps);

  /* ---- MX quantize ---- */
  const char *fmts[] = { "mxfp4", "mxfp8e4m3", "mxint8", "nvfp4", "opal", "q4_0" };
  size_t nq = (size_t) 1 << 22, ne = (size_t) 1 << 15;
  double *x = malloc (nq * sizeof *x);
  uint64_t s = seed;
  for (size_t i = 0; i < nq; i++)
    {
      double u = ((mix (&s) >> 11) + 0.5) * 0x1p-53, v = ((mix (&s) >> 11) + 0.5) * 0x1p-53;
      x[i] = (float) (sqrt (-2 * log (u)) * cos (6.283185307179586 * v));
    }
  printf ("\n%-10s %16s %16s\n", "quantize", "fast values/s", "MPFR values/s");
  for (size_t f = 0; f < sizeof fmts / sizeof fmts[0]; f++)
    {
      char err[256];
      fl_block *b;
      if (fl_block_parse (fmts[f], &b, err, sizeof err) != FL_OK)
        return fprintf (stderr, "%s\n", err), 2;
      fl_rounding r;
      fl_rounding_init (&r);
      fl_block_array a;
      fl_block_array_init (&a, b, nq, err, sizeof err);
      double best = 1e30;
      for (int k = 0; k < reps; k++)
        {
          double t0 = now ();
          fl_block_quantize_doubles (b, x, nq, &a, &r, NULL, err, sizeof err);
          double t = now () - t0;
          best = t < best ? t : best;
        }
      fl_block_array_clear (&a);
      mpfr_t *xm = malloc (ne * sizeof *xm);
      for (size_t i = 0; i < ne; i++)
        mpfr_init2 (xm[i], 53), mpfr_set_d (xm[i], x[i], MPFR_RNDN);
      fl_block_array_init (&a, b, ne, err, sizeof err);
      double t0 = now ();
      fl_block_quantize (b, xm, ne, &a, &r, NULL, err, sizeof err);
      double te = now () - t0;
      fl_block_array_clear (&a);
      for (size_t i = 0; i < ne; i++)
        mpfr_clear (xm[i]);
      free (xm);
      printf ("%-10s %16.4g %16.4g\n", fmts[f], (double) nq / best, (double) ne / te);
      fl_block_free (b);
    }
  free (x);

  /* ---- pack / unpack ---- */
  uint8_t *codes = malloc (n), *back = malloc (n), *copy = malloc (n);
  uint8_t *packed = malloc (fl_pack_bytes (8, n));
  if (!codes || !back || !copy || !packed)
    return fprintf (stderr, "bench_blocks: out of memory\n"), 2;
  memset (back, 1, n);
  memset (copy, 1, n);
  memset (packed, 1, fl_pack_bytes (8, n));
  /* The baseline is a memcpy of the unpacked buffer (the codes, one byte each for
     fl_pack8, two for fl_pack16), timed next to each width so that the machine's load
     weighs on both alike: packing reads that buffer and writes fewer bytes, unpacking
     writes it. */
  uint16_t *codes16 = malloc (2 * n), *back16 = malloc (2 * n), *copy16 = malloc (2 * n);
  uint8_t *packed16 = malloc (fl_pack_bytes (16, n));
  if (!codes16 || !back16 || !copy16 || !packed16)
    return fprintf (stderr, "bench_blocks: out of memory\n"), 2;
  memset (back16, 1, 2 * n);
  memset (copy16, 1, 2 * n);
  memset (packed16, 1, fl_pack_bytes (16, n));
  printf ("\npacking %zu codes (fl_pack8: %.0f MiB of uint8_t codes, fl_pack16: %.0f MiB of "
          "uint16_t).\nBaseline: a memcpy of the unpacked buffer, timed in the same "
          "repetitions as each width;\nGB/s are of unpacked codes; ratios over 1 are possible "
          "(packing writes fewer bytes).\n", n, (double) n / 1048576.0,
          2.0 * (double) n / 1048576.0);
  printf ("%-6s %-5s %12s %12s %12s %14s %14s\n", "call", "bits", "pack GB/s", "unpack GB/s",
          "memcpy GB/s", "pack/memcpy", "unpack/memcpy");
  char err[128];
  for (unsigned bits = 1; bits <= 8; bits++)
    {
      for (size_t i = 0; i < n; i++)
        codes[i] = (uint8_t) (mix (&s) & ((1u << bits) - 1));
      double tp = 1e30, tu = 1e30, tc = 1e30;
      for (int k = 0; k < reps; k++)
        {
          double t0 = now ();
          fl_pack8 (bits, codes, n, packed, err, sizeof err);
          double t1 = now ();
          fl_unpack8 (bits, packed, n, back, err, sizeof err);
          double t2 = now ();
          memcpy (copy, back, n);
          double t3 = now ();
          sink ^= copy[n / 2];
          tp = t1 - t0 < tp ? t1 - t0 : tp;
          tu = t2 - t1 < tu ? t2 - t1 : tu;
          tc = t3 - t2 < tc ? t3 - t2 : tc;
        }
      double gm = (double) n / tc / 1e9;
      if (memcmp (codes, back, n) != 0)
        return fprintf (stderr, "bench_blocks: round trip failed at %u bits\n", bits), 1;
      double gp = (double) n / tp / 1e9, gu = (double) n / tu / 1e9;
      printf ("%-6s %-5u %12.2f %12.2f %12.2f %14.3f %14.3f\n", "pack8", bits, gp, gu, gm,
              gp / gm, gu / gm);
    }
  for (unsigned bits = 1; bits <= 16; bits++)
    {
      for (size_t i = 0; i < n; i++)
        codes16[i] = (uint16_t) (mix (&s) & ((1u << bits) - 1));
      double tp = 1e30, tu = 1e30, tc = 1e30;
      for (int k = 0; k < reps; k++)
        {
          double t0 = now ();
          fl_pack16 (bits, codes16, n, packed16, err, sizeof err);
          double t1 = now ();
          fl_unpack16 (bits, packed16, n, back16, err, sizeof err);
          double t2 = now ();
          memcpy (copy16, back16, 2 * n);
          double t3 = now ();
          sink ^= (uint8_t) copy16[n / 2];
          tp = t1 - t0 < tp ? t1 - t0 : tp;
          tu = t2 - t1 < tu ? t2 - t1 : tu;
          tc = t3 - t2 < tc ? t3 - t2 : tc;
        }
      double gm16 = 2.0 * (double) n / tc / 1e9;
      if (memcmp (codes16, back16, 2 * n) != 0)
        return fprintf (stderr, "bench_blocks: round trip failed at %u bits (16)\n", bits), 1;
      double gp = 2.0 * (double) n / tp / 1e9, gu = 2.0 * (double) n / tu / 1e9;
      printf ("%-6s %-5u %12.2f %12.2f %12.2f %14.3f %14.3f\n", "pack16", bits, gp, gu, gm16,
              gp / gm16, gu / gm16);
    }
  free (codes16);
  free (back16);
  free (copy16);
  free (packed16);
  free (codes);
  free (back);
  free (copy);
  free (packed);
  return 0;
}
