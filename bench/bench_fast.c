/* bench_fast.c -- throughput of the fast paths (fl_encode_doubles, fl_decode_doubles,
   fl_decode_doubles_u16 and _u8, fl_quantize_doubles), each as a ratio to memcpy.

   Generates N seeded random doubles with GSL (MT19937; the seed is printed) per format: a
   scale mixture of normals, each value drawn from N(0, sigma) with log2(sigma) uniform
   between log2(min positive) and log2(max) of the format, so the values cover the whole
   range of the format (subnormals, normals and a little overflow).  Times the encoder under
   rne and sr, the decoder (uint64_t codes; uint16_t codes for formats of <= 16 bits) and
   the fused fake-quantize under rne and sr for each format (--dist normal: N(0, 1)
   instead), and a memcpy of the same number of doubles, timed again before each format's
   rows, for scale; each figure is the best of R repetitions.  The library's array calls
   use the OpenMP threads (--threads).  Not a test: it prints figures. */
#include <config.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include <fmtlab/fmtlab.h>
#include "bench-util.h"

static const char *const default_formats[] = { "fp16", "bf16", "e4m3fn", "e2m1fn" };
#define TARGET 1e8   /* values/s on one core, e4m3fn and bf16 under rne (issue 2) */

static void
usage (FILE *fp)
{
  fputs ("Usage: bench_fast [OPTIONS] [FORMAT...]\n"
         "Throughput of fmtlab's fast paths (double -> code under rne and sr, code -> double)\n"
         "in values per second, and its ratio to a memcpy of the same buffer.\n"
         "Default formats: fp16 bf16 e4m3fn e2m1fn.\n\n"
         "  -n, --n N          values per run (default 10000000)\n"
         "  -t, --threads T    OpenMP threads (default 1)\n"
         "  -r, --reps R       repetitions, the best is reported (default 3)\n"
         "  -s, --seed S       GSL MT19937 seed (default 20240601)\n"
         "  -d, --dist D       mixture (default): N(0, sigma), log2(sigma) uniform over the\n"
         "                     format's range; normal: N(0, 1), like a normalised tensor\n"
         "  -h, --help         this help\n", fp);
}

static int
parse_ulong (const char *s, unsigned long long *v)
{
  char *end;
  errno = 0;
  double d = strtod (s, &end);   /* accepts 1e7 */
  if (errno || end == s || *end || !(d >= 0) || d > 1e15 || d != floor (d))
    return -1;
  *v = (unsigned long long) d;
  return 0;
}

/* best = the least seconds 'call' takes over reps runs */
#define BEST_OF(reps, best, call)                                      \
  do                                                                   \
    {                                                                  \
      best = INFINITY;                                                 \
      for (unsigned long long rep_ = 0; rep_ < (reps); rep_++)         \
        {                                                              \
          double t0_ = now ();                                         \
          call;                                                        \
          double t_ = now () - t0_;                                    \
          if (t_ < best)                                               \
            best = t_;                                                 \
        }                                                              \
    }                                                                  \
  while (0)

/* one row: values/s, ns/value and the ratio to memcpy */
static double
print_row (const char *format, const char *op, const char *mode, size_t n, double best,
           double memcpy_rate)
{
  double rate = (double) n / best;
  printf ("%-10s %-7s %-4s %14.3e %10.2f %9.3f\n", format, op, mode, rate,
          1e9 * best / (double) n, rate / memcpy_rate);
  return rate;
}

/* memcpy of nbytes from src to dst: best seconds of reps */
static double
time_memcpy (void *dst, const void *src, size_t nbytes, int reps)
{
  double best = INFINITY;
  for (int k = 0; k < reps; k++)
    {
      double t0 = now ();
      memcpy (dst, src, nbytes);
      double t = now () - t0;
      if (t < best)
        best = t;
      /* keep the copy observable */
      __asm__ __volatile__ ("" : : "r" (dst) : "memory");
    }
  return best;
}

int
main (int argc, char **argv)
{
  unsigned long long n = 10000000, threads = 1, reps = 3, seed = 20240601;
  static const struct option opts[] = {
    { "n", required_argument, NULL, 'n' },
    { "threads", required_argument, NULL, 't' },
    { "reps", required_argument, NULL, 'r' },
    { "seed", required_argument, NULL, 's' },
    { "dist", required_argument, NULL, 'd' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  int c, normal = 0;
  while ((c = getopt_long (argc, argv, "n:t:r:s:d:h", opts, NULL)) != -1)
    {
      unsigned long long *dst = NULL;
      switch (c)
        {
        case 'd':
          if (strcmp (optarg, "normal") == 0 || strcmp (optarg, "mixture") == 0)
            {
              normal = optarg[0] == 'n';
              continue;
            }
          fprintf (stderr, "bench_fast: --dist takes mixture or normal, not '%s'\n", optarg);
          return 2;
        case 'n': dst = &n; break;
        case 't': dst = &threads; break;
        case 'r': dst = &reps; break;
        case 's': dst = &seed; break;
        case 'h': usage (stdout); return 0;
        default: usage (stderr); return 2;
        }
      if (parse_ulong (optarg, dst) != 0 || (dst != &seed && *dst == 0))
        {
          fprintf (stderr, "bench_fast: bad value for --%s: '%s'\n",
                   dst == &n ? "n" : dst == &threads ? "threads" : dst == &reps ? "reps" : "seed",
                   optarg);
          return 2;
        }
    }
  const char *const *names = default_formats;
  size_t nformats = sizeof default_formats / sizeof default_formats[0];
  if (optind < argc)
    {
      names = (const char *const *) argv + optind;
      nformats = (size_t) (argc - optind);
    }

#ifdef _OPENMP
  omp_set_num_threads ((int) threads);
  int nthreads = (int) threads;
#else
  int nthreads = 1;
  if (threads != 1)
    fprintf (stderr, "bench_fast: built without OpenMP: running on one thread\n");
#endif

  double *x = malloc (n * sizeof *x);
  double *y = malloc (n * sizeof *y);
  uint64_t *codes = malloc (n * sizeof *codes);
  if (!x || !y || !codes)
    {
      fprintf (stderr, "bench_fast: out of memory for n = %llu\n", n);
      return 1;
    }
  /* touch every page before timing */
  memset (y, 0, n * sizeof *y);
  memset (codes, 0, n * sizeof *codes);

  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  printf ("bench_fast: n = %llu values, threads = %d, best of %llu, seed = %llu (GSL %s)\n",
          n, nthreads, reps, seed, gsl_rng_name (rng));
  if (normal)
    printf ("data: x ~ N(0, 1)\n");
  else
    printf ("data: per format, x ~ N(0, sigma) with log2(sigma) ~ U[log2(min positive), log2(max)]\n");

  /* memcpy of the same number of doubles (8 bytes per value in and out), timed again
     for each format so that the machine's load weighs on both alike */
  for (size_t i = 0; i < n; i++)
    x[i] = (double) i;
  double tm = time_memcpy (y, x, n * sizeof *x, (int) reps);
  double memcpy_rate = (double) n / tm;
  printf ("memcpy: %.3e values/s (%.2f GB/s, 8-byte values); the /memcpy column divides by "
          "the memcpy rate timed just before each format's rows\n\n", memcpy_rate,
          (double) n * 8 / tm / 1e9);

  printf ("%-10s %-7s %-4s %14s %10s %9s\n", "format", "op", "mode", "values/s", "ns/value",
          "/memcpy");
  int target_checked = 0, target_met = 1;
  for (size_t k = 0; k < nformats; k++)
    {
      char err[256];
      fl_format *f;
      if (fl_format_parse (names[k], &f, err, sizeof err) != FL_OK)
        {
          fprintf (stderr, "bench_fast: %s\n", err);
          return 2;
        }
      uint64_t cmax = fl_format_max_code (f), cmin = fl_format_minpos_code (f);
      double vmax, vmin;
      fl_decode_doubles (f, &cmax, &vmax, 1);
      fl_decode_doubles (f, &cmin, &vmin, 1);
      double lo = log2 (vmin), hi = log2 (vmax);
      if (!(lo <= hi) || !isfinite (lo) || !isfinite (hi))
        lo = -10, hi = 10;
      if (hi > 1000)        /* fp64 and the like: keep sigma finite */
        hi = 1000;
      if (lo < -1000)
        lo = -1000;
      tm = time_memcpy (y, x, n * sizeof *x, (int) reps);
      memcpy_rate = (double) n / tm;
      printf ("%-10s memcpy  -    %14.3e %10.2f %9.3f\n", names[k], memcpy_rate,
              1e9 * tm / (double) n, 1.0);
      gsl_rng_set (rng, seed);
      for (size_t i = 0; i < n; i++)
        x[i] = normal ? gsl_ran_gaussian_ziggurat (rng, 1.0)
                      : gsl_ran_gaussian (rng, exp2 (lo + (hi - lo) * gsl_rng_uniform (rng)));

      static const fl_round_mode modes[] = { FL_RNE, FL_SR };
      for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++)
        {
          fl_rounding r;
          fl_rounding_init (&r);
          r.mode = modes[m];
          r.seed = seed;
          double best;
          unsigned flags = 0;
          BEST_OF (reps, best, fl_encode_doubles (f, x, codes, n, &r, &flags));
          double rate = print_row (fl_format_name (f), "encode", fl_round_mode_name (modes[m]),
                                   n, best, memcpy_rate);
          if (modes[m] == FL_RNE && (strcmp (fl_format_name (f), "e4m3fn") == 0
                                     || strcmp (fl_format_name (f), "bf16") == 0))
            {
              target_checked = 1;
              if (rate < TARGET)
                target_met = 0;
            }
        }
      /* decode the rne codes */
      {
        fl_rounding r;
        fl_rounding_init (&r);
        fl_encode_doubles (f, x, codes, n, &r, NULL);
        double best;
        BEST_OF (reps, best, fl_decode_doubles (f, codes, y, n));
        print_row (fl_format_name (f), "decode", "-", n, best, memcpy_rate);
      }
      /* the same codes from a uint16_t array (formats of <= 16 bits) */
      if (fl_format_bits (f) <= 16)
        {
          uint16_t *c16 = (uint16_t *) codes;       /* in place: element i after i read */
          for (size_t i = 0; i < n; i++)
            c16[i] = (uint16_t) codes[i];
          double best;
          BEST_OF (reps, best, fl_decode_doubles_u16 (f, c16, y, n));
          print_row (fl_format_name (f), "dec-u16", "-", n, best, memcpy_rate);
        }
      /* and from a uint8_t array (formats of <= 8 bits) */
      if (fl_format_bits (f) <= 8)
        {
          uint8_t *c8 = (uint8_t *) codes;
          fl_rounding r;
          fl_rounding_init (&r);
          fl_encode_doubles_u8 (f, x, c8, n, &r, NULL);
          double best;
          BEST_OF (reps, best, fl_decode_doubles_u8 (f, c8, y, n));
          print_row (fl_format_name (f), "dec-u8", "-", n, best, memcpy_rate);
        }
      /* fused fake-quantize, double to the nearest value of the format as a double */
      for (int m = 0; m < 2; m++)
        {
          fl_rounding r;
          fl_rounding_init (&r);
          r.mode = m ? FL_SR : FL_RNE;
          double best;
          BEST_OF (reps, best, fl_quantize_doubles (f, x, y, n, &r, NULL));
          print_row (fl_format_name (f), "quantize", m ? "sr" : "rne", n, best, memcpy_rate);
        }
      fl_format_free (f);
    }
  if (target_checked)
    printf ("\ntarget >= %.0e values/s for e4m3fn and bf16 encode rne on %s: %s\n", TARGET,
            nthreads == 1 ? "one thread" : "several threads (the target is for one)",
            target_met ? "met" : "NOT met");
  gsl_rng_free (rng);
  free (x);
  free (y);
  free (codes);
  return 0;
}
