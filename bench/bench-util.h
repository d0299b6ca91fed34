/* bench-util.h -- what the benchmark programs (bench/bench_*.c) share. */
#ifndef FMTLAB_BENCH_UTIL_H
#define FMTLAB_BENCH_UTIL_H

#include <time.h>

/* Seconds on the monotonic clock: the difference of two calls is a wall-clock interval. */
static inline double
now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

#endif
