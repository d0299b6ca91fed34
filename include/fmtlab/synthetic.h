/* fmtlab/synthetic.h -- embedded synthetic distributions, generated with GSL from fixed
   seeds, so that every analysis works without any model file.

     normal      N(0, 1)
     laplace     Laplace with scale 1 (std sqrt 2)
     student3    Student's t with 3 degrees of freedom
     lognormal   a log-normal mixture with rare large outliers: a random sign times
                 exp(N(-2, 0.5^2)), and with probability 1/1000 exp(N(2, 0.5^2)) instead

   Element i depends only on the name, the seed and i (generated in blocks of 4096 values,
   each from its own generator seeded with seed and the block index), so any range can be
   read on its own, in any order, by any thread. */
#ifndef FMTLAB_SYNTHETIC_H
#define FMTLAB_SYNTHETIC_H

#include <stddef.h>
#include <stdint.h>
#include <fmtlab/formats.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { FL_SYN_NORMAL, FL_SYN_LAPLACE, FL_SYN_STUDENT3, FL_SYN_LOGNORMAL } fl_synthetic;

#define FL_SYNTHETIC_DEFAULT_N 1000000u
#define FL_SYNTHETIC_DEFAULT_SEED 20260101u

/* "normal", "laplace", "student3" (also "t3"), "lognormal"; 0 on success. */
int fl_synthetic_parse (const char *name, fl_synthetic *out);
const char *fl_synthetic_name (fl_synthetic d);
/* The names, space-separated, for messages. */
const char *fl_synthetic_names (void);

/* Elements [start, start + n) of the sequence of distribution d under seed. */
fl_status fl_synthetic_fill (fl_synthetic d, uint64_t seed, uint64_t start, double *out,
                             size_t n, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
