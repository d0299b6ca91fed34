# benchmarks.  Benchmarks print figures; they are not tests.
#   make bench                 run bench/bench_fast with its defaults (10^7 values, 1 thread)
#   make bench BENCH_ARGS='--n 1e6 --threads 2'
noinst_PROGRAMS =
if BUILD_ANALYSIS
noinst_PROGRAMS += bench/bench_fast
endif
bench_bench_fast_SOURCES = bench/bench_fast.c
bench_bench_fast_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS)
bench_bench_fast_LDFLAGS = $(AM_LDFLAGS) $(OPENMP_CFLAGS)
bench_bench_fast_LDADD = libfmtlab.la $(GSL_LIBS) $(MPFR_LIBS) $(GMP_LIBS) -lm

BENCH_ARGS =
bench: bench/bench_fast$(EXEEXT)
	./bench/bench_fast$(EXEEXT) $(BENCH_ARGS)
.PHONY: bench

EXTRA_DIST += .ci/count-results bench/bench-util.h
