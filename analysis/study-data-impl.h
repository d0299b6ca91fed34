/* study-data-impl.h -- private to the studies: the real tensors the exmy, lp and opal
   studies measure formats on (doc/data.md says where they come from, doc/studies.md how
   they are sampled). */
#ifndef FL_STUDY_DATA_IMPL_H
#define FL_STUDY_DATA_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include <fmtlab/study.h>
#include <fmtlab/scale.h>

typedef struct {
  char *label;          /* "SOURCE/NAME", e.g. "gnubg/contact.hidden_weight" */
  int is_weight;        /* 1 weight, 0 recorded activation */
  double *x;            /* the sample: finite values only, in tensor order */
  size_t n;
  uint64_t count;       /* elements of the whole tensor */
} fl_study_tensor;

typedef struct {
  fl_study_tensor *t;
  size_t n;
} fl_study_tensors;

/* The real tensors under DATA (notebooks-data/cache): gnubg's weights (.npy), the float
   initializers of the PP-OCRv4 recognizer and Silero VAD (at least 1024 elements), and the
   recorded activations of the recognizer, the detector and Silero (at least 256 elements;
   the VAD's output probabilities left out).  From each of these six sources at most
   PER_SOURCE tensors, evenly spaced in name order; from each tensor at most MAX_N
   elements, evenly strided (index floor (i * count / MAX_N)).  FL_EUNSUPPORTED with a
   message when DATA holds none of them. */
fl_status fl_study_tensors_load (const char *data, size_t per_source, size_t max_n,
                                 fl_study_tensors *out, char *err, size_t errlen);
void fl_study_tensors_free (fl_study_tensors *ts);
/* The exmy and opal studies' tensors from the options' data directory: at most 12 per
   source and 65536 values each (--quick: 2 and 4096). */
fl_status fl_study_format_tensors (const fl_study_opts *o, fl_study_tensors *out, char *err,
                                   size_t errlen);

/* A recorded tensor DATA/activations/REL.npy read whole (its shape in shape[0..*ndim)). */
fl_status fl_study_read_npy (const char *data, const char *rel, double **x, uint64_t *count,
                             int *ndim, uint64_t *shape, char *err, size_t errlen);

/* A quantizer of format NAME with a per-tensor scale of strategy KIND ("absmax", "mse",
   "none"), round to nearest even. */
fl_status fl_study_quantizer (const char *name, const char *scale, struct fl_quantizer **qz,
                              char *err, size_t errlen);
/* The SQNR in dB of quantizer QZ on T (capped at 300 dB so that averages stay finite) and
   its storage in bits per element (scales and outliers included); codes (T->n entries)
   receives the element codes when not NULL (scalar formats only). */
fl_status fl_study_measure (const struct fl_quantizer *qz, const fl_study_tensor *t,
                            double *sqnr_db, double *bits, uint64_t *codes, char *err,
                            size_t errlen);
#define FL_STUDY_SQNR_CAP 300.0

/* Accuracy end to end (study_accuracy.c): the cached tables of notebooks-data/ocr-cer.sh
   and vad-agree.sh under DATA/accuracy/, rows of the models DATA/MANIFEST records.  A
   missing or malformed table is not an error: every lookup then says n/a and
   fl_study_acc_note says why. */
typedef struct fl_study_acc fl_study_acc;
/* FL_ENOMEM only. */
fl_status fl_study_acc_open (const char *data, fl_study_acc **a);
void fl_study_acc_close (fl_study_acc *a);
/* Four cells from column COL of row ROW: accuracy_model (TEXT, FORMAT/SCALE/GRANULARITY),
   cer_pct, vad_agree_pct and vad_max_dp (REAL, left unset when not cached; then *MISSING,
   when not NULL, is incremented). */
#define FL_STUDY_ACC_COLS "accuracy_model", "cer_pct", "vad_agree_pct", "vad_max_dp"
#define FL_STUDY_ACC_TYPES FL_CELL_TEXT, FL_CELL_REAL, FL_CELL_REAL, FL_CELL_REAL
void fl_study_acc_set (const fl_study_acc *a, fl_table *t, size_t row, size_t col,
                       const char *format, const char *scale, const char *granularity,
                       size_t *missing);
/* The summary line: where the numbers come from, or why they are n/a. */
fl_status fl_study_acc_note (const fl_study_acc *a, fl_study_result *res, const char *table,
                             size_t settings, size_t missing);

#endif
