/* study-impl.h -- private to the studies (analysis/study*.c): the study functions the
   registry in study.c lists, and small helpers they share. */
#ifndef FL_STUDY_IMPL_H
#define FL_STUDY_IMPL_H

#include <stdarg.h>
#include <fmtlab/study.h>

/* The studies (one file each). */
fl_status fl_study_gupta (const fl_study_opts *o, fl_study_result *r, char *err, size_t errlen);
fl_status fl_study_decoupleq (const fl_study_opts *o, fl_study_result *r, char *err,
                              size_t errlen);
fl_status fl_study_exmy (const fl_study_opts *o, fl_study_result *r, char *err, size_t errlen);
fl_status fl_study_lp (const fl_study_opts *o, fl_study_result *r, char *err, size_t errlen);
fl_status fl_study_opal (const fl_study_opts *o, fl_study_result *r, char *err, size_t errlen);

/* Where the recorded data lives when the options do not say (doc/data.md). */
#define FL_STUDY_DEFAULT_DATA_DIR "notebooks-data/cache"
#define FL_STUDY_DEFAULT_FMNIST_DIR "/usr/share/datasets/fashion-mnist"

/* snprintf into err (never overflows; a NULL err is allowed). */
void fl_study_err (char *err, size_t errlen, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));
void fl_study_progress (const fl_study_opts *o, const char *stage, double fraction);

/* Append a row to T, its index in *ROW: FL_ENOMEM when out of memory. */
static inline fl_status
fl_study_row (fl_table *t, size_t *row)
{
  *row = fl_table_add_row (t);
  return *row == (size_t) -1 ? FL_ENOMEM : FL_OK;
}

/* Hand the tables *T1, ... (a NULL-terminated list of fl_table **) over to R in order,
   setting each pointer to NULL: while ST is FL_OK each is added, after a failure (ST on
   entry or an addition) each is freed.  Returns the final status. */
fl_status fl_study_result_take (fl_study_result *r, fl_status st, ...);

/* splitmix64: the studies' own seeded generator (initialisation, shuffles); stochastic
   rounding uses the engine's counter-based generator through fl_rounding. */
static inline uint64_t
fl_study_rand (uint64_t *state)
{
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
/* Uniform in [0, 1) with 53 random bits. */
static inline double
fl_study_uniform (uint64_t *state)
{
  return (fl_study_rand (state) >> 11) * 0x1p-53;
}

#endif

/* IDX files (the MNIST layout, as Fashion-MNIST ships them; gzip-compressed or plain):
   a big-endian header 0 0 TYPE NDIMS, NDIMS 32-bit big-endian sizes, then the data.  Only
   unsigned bytes (TYPE 0x08) are read, at most 4 dimensions and MAX_BYTES of data; every
   size is checked against the bytes present.  On success *data (malloc'ed) holds the
   product of dims[0..*ndims-1] bytes. */
fl_status fl_idx_read_u8 (const char *path, size_t max_bytes, unsigned *ndims, uint32_t dims[4],
                          uint8_t **data, char *err, size_t errlen);
