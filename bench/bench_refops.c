/* bench_refops.c -- throughput of the reference operations: the MPFR path and the exact
   integer fast path, per family, on one thread; then the exhaustive check of binary16
   addition (2^32 pairs) against the _Float16 library tests/libf16.so on all threads, with
   its wall time (issue 5, acceptance 4: under 2 minutes on the 2-core machine).
   Cases are the vector generator's boundary-weighted random operands (seed 1).
   Not a test: it prints figures.

   --scaling: the first 2^28 pairs on one thread, then on all, and the speedup.

   Usage: bench_refops [--n N] [--lib PATH] [--no-exhaustive] [--scaling] */
#include <config.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
# include <omp.h>
#endif
#include <fmtlab/fmtlab.h>
#include <fmtlab/refops.h>
#include <fmtlab/vectors.h>
#include "bench-util.h"

typedef struct {
  const char *format;
  fl_op op;
} item;

static const item items[] = {
  { "fp16", FL_OP_ADD }, { "fp16", FL_OP_MUL }, { "fp16", FL_OP_DIV }, { "fp16", FL_OP_SQRT },
  { "fp16", FL_OP_FMA }, { "bf16", FL_OP_ADD }, { "bf16", FL_OP_DIV }, { "e4m3fn", FL_OP_ADD },
  { "e4m3fn", FL_OP_MUL }, { "e5m2", FL_OP_FMA }, { "e2m1fn", FL_OP_ADD },
  { "binary8p3se", FL_OP_MUL }, { "exmy_e3m2", FL_OP_DIV }, { "fixed8.8", FL_OP_ADD },
  { "fixed8.8", FL_OP_DIV }, { "int16", FL_OP_MUL }, { "posit16es1", FL_OP_ADD },
  { "posit16es1", FL_OP_MUL }, { "posit16es1", FL_OP_DIV }, { "posit32", FL_OP_ADD },
  { "posit32", FL_OP_MUL }, { "posit32", FL_OP_DIV }, { "fp32", FL_OP_ADD }, { "fp32", FL_OP_MUL },
  { "fp32", FL_OP_DIV }, { "fp32", FL_OP_SQRT }, { "fp32", FL_OP_FMA }, { "fp64", FL_OP_ADD },
  { "fp64", FL_OP_MUL }, { "fp64", FL_OP_DIV }, { "fp64", FL_OP_SQRT },
};

/* Wall time of the exhaustive fp16 add check against fn over cases [lo, hi). */
static double
exhaustive_run (const fl_format *f, void (*fn) (void), int threads, uint64_t lo, uint64_t hi,
                fl_verify_result *res)
{
  char err[256];
  fl_verify_opts vo;
  memset (&vo, 0, sizeof vo);
  vo.f = f;
  vo.op = FL_OP_ADD;
  fl_rounding_init (&vo.r);
  vo.max_report = 10;
  vo.threads = threads;
  fl_verify_result_init (res);
  double t0 = now ();
  fl_verify_subject (&vo, fn, 0, 0, lo, hi, res, err, sizeof err);
  return now () - t0;
}

int
main (int argc, char **argv)
{
  uint64_t n = 1000000;
  const char *lib = "tests/.libs/libf16.so";
  int exhaustive = 1, scaling = 0;
  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--n") == 0 && i + 1 < argc)
        n = strtoull (argv[++i], NULL, 0);
      else if (strcmp (argv[i], "--lib") == 0 && i + 1 < argc)
        lib = argv[++i];
      else if (strcmp (argv[i], "--no-exhaustive") == 0)
        exhaustive = 0;
      else if (strcmp (argv[i], "--scaling") == 0)
        scaling = 1;
      else
        {
          fprintf (stderr, "usage: bench_refops [--n N] [--lib PATH] [--no-exhaustive] [--scaling]\n");
          return 2;
        }
    }
  mpfr_set_emin (mpfr_get_emin_min ());
  mpfr_set_emax (mpfr_get_emax_max ());
  printf ("reference operations, one thread, %llu boundary-weighted random cases each (seed 1)\n",
          (unsigned long long) n);
  printf ("%-12s %-5s %14s %14s %8s\n", "format", "op", "mpfr ops/s", "fast ops/s", "speedup");
  uint64_t *ops = malloc (3 * n * sizeof *ops);
  for (size_t k = 0; k < sizeof items / sizeof items[0]; k++)
    {
      char err[256];
      fl_format *f;
      if (fl_format_parse (items[k].format, &f, err, sizeof err) != FL_OK)
        return 2;
      fl_gen *g;
      fl_gen_new (f, items[k].op, &g, err, sizeof err);
      unsigned ar = fl_op_arity (items[k].op);
      for (uint64_t i = 0; i < n; i++)
        fl_gen_random (g, 1, i, ops + 3 * i);
      (void) ar;
      fl_rounding r;
      fl_rounding_init (&r);
      fl_ref *ref;
      fl_ref_new (f, items[k].op, &ref, err, sizeof err);
      uint64_t sink = 0;
      /* the MPFR path: fewer cases for the wide formats, it is slow */
      uint64_t nm = n / 4 ? n / 4 : 1;
      double t0 = now ();
      for (uint64_t i = 0; i < nm; i++)
        sink += fl_ref_eval (ref, ops + 3 * i, &r, NULL);
      double mps = (double) nm / (now () - t0);
      fl_fast *fast;
      double fps = 0;
      if (fl_fast_new (f, items[k].op, &fast) == FL_OK)
        {
          t0 = now ();
          for (uint64_t i = 0; i < n; i++)
            sink += fl_fast_eval (fast, ops + 3 * i, &r, NULL);
          fps = (double) n / (now () - t0);
          fl_fast_free (fast);
        }
      if (fps > 0)
        printf ("%-12s %-5s %14.3g %14.3g %7.1fx\n", items[k].format, fl_op_name (items[k].op), mps,
                fps, fps / mps);
      else
        printf ("%-12s %-5s %14.3g %14s %8s\n", items[k].format, fl_op_name (items[k].op), mps,
                "(none)", "");
      if (sink == 42)
        printf (" ");
      fl_ref_free (ref);
      fl_gen_free (g);
      fl_format_free (f);
    }
  free (ops);
  if (!exhaustive)
    return 0;
  void *h = dlopen (lib, RTLD_NOW);
  if (!h)
    {
      fprintf (stderr, "bench_refops: cannot load %s (make check builds it): %s\n", lib, dlerror ());
      return 2;
    }
  void *s = dlsym (h, "f16_add");
  void (*fn) (void);
  memcpy (&fn, &s, sizeof fn);
  char err[256];
  fl_format *f;
  fl_format_parse ("fp16", &f, err, sizeof err);
  fl_verify_result res;
  int threads = 1;
#ifdef _OPENMP
  threads = omp_get_max_threads ();
#endif
  if (scaling)
    {
      uint64_t part = UINT64_C(1) << 28;
      double t1 = exhaustive_run (f, fn, 1, 0, part, &res);
      fl_verify_result_clear (&res);
      double tn = exhaustive_run (f, fn, threads, 0, part, &res);
      fl_verify_result_clear (&res);
      printf ("\nfirst 2^28 pairs of fp16 add: 1 thread %.1f s, %d threads %.1f s: %.2fx\n", t1,
              threads, tn, t1 / tn);
    }
  double t = exhaustive_run (f, fn, threads, 0, UINT64_C(1) << 32, &res);
  printf ("\nexhaustive fp16 add against %s:f16_add (_Float16), %d threads:\n", lib, threads);
  printf ("%llu cases, %llu mismatches\n", (unsigned long long) res.cases,
          (unsigned long long) res.mismatches);
  printf ("wall time %.1f s (%.3g cases/s)%s\n", t, (double) res.cases / t,
          t <= 30 ? "" : "  -- above the 30-second target");
  uint64_t bad = res.mismatches;
  fl_verify_result_clear (&res);
  fl_format_free (f);
  return bad ? 1 : 0;
}
