/* fmtlab/study.h -- the seed papers as runnable studies.

   A study reruns one paper's central claim on real data and fills result tables: a table
   is a name (the file stem its writer uses), a one-line title, typed columns and rows of
   cells.  Studies never print and never write files; the caller (the 'fmtlab study'
   command) writes every table as CSV, JSON and Markdown, plus the study's summary, a few
   Markdown lines of findings with the measured numbers.

   Every study is reproducible from its options alone: the same seed gives the same
   tables, and 'quick' selects the reduced sizes CI runs (each study states them in its
   summary).  doc/studies.md describes each study: the paper's claim, our setting, our
   result, and where and why they differ.

   Adding a study: one file analysis/study_<name>.c defining an fl_study_fn, and one entry
   in the table of analysis/study.c. */
#ifndef FMTLAB_STUDY_H
#define FMTLAB_STUDY_H

#include <stddef.h>
#include <stdint.h>
#include <fmtlab/formats.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  FL_CELL_INT,     /* a 64-bit signed integer */
  FL_CELL_REAL,    /* a double; NaN and infinities are written as empty / null */
  FL_CELL_TEXT     /* a string (copied) */
} fl_cell_type;

typedef struct {
  fl_cell_type type;   /* the column's type */
  int set;             /* 0 when the cell was never set: written as empty / null */
  union {
    int64_t i;
    double r;
    char *s;
  } v;
} fl_cell;

typedef struct {
  char *name;              /* file stem: letters, digits, '_' and '-' */
  char *title;             /* one line */
  size_t ncols;
  char **col_names;        /* CSV header / JSON keys */
  fl_cell_type *col_types;
  size_t nrows, cap;
  fl_cell *cells;          /* row-major, nrows x ncols */
} fl_table;

/* A new empty table with NCOLS columns named NAMES of types TYPES.  NULL when out of
   memory or when NAME is not a plain file stem. */
fl_table *fl_table_new (const char *name, const char *title, size_t ncols,
                        const char *const *names, const fl_cell_type *types);
void fl_table_free (fl_table *t);
/* Append an empty row; returns its index, or (size_t) -1 when out of memory. */
size_t fl_table_add_row (fl_table *t);
/* Set a cell; the type must be the column's (a mismatch is ignored, returns FL_EINVAL). */
fl_status fl_table_set_int (fl_table *t, size_t row, size_t col, int64_t v);
fl_status fl_table_set_real (fl_table *t, size_t row, size_t col, double v);
fl_status fl_table_set_text (fl_table *t, size_t row, size_t col, const char *s);
const fl_cell *fl_table_cell (const fl_table *t, size_t row, size_t col);
/* The index of the column named NAME, or (size_t) -1. */
size_t fl_table_col (const fl_table *t, const char *name);

/* Progress of a long study: STAGE names what runs, FRACTION in [0, 1] of the whole. */
typedef void (*fl_progress_fn) (void *ctx, const char *stage, double fraction);

typedef struct {
  uint64_t seed;            /* every random choice derives from it */
  int quick;                /* the reduced sizes CI runs */
  const char *data_dir;     /* notebooks-data/cache (models, activations); NULL: default */
  const char *dataset_dir;  /* Fashion-MNIST's IDX files; NULL: Debian's location */
  fl_progress_fn progress;  /* may be NULL */
  void *progress_ctx;
} fl_study_opts;

void fl_study_opts_init (fl_study_opts *o);

typedef struct {
  fl_table **tables;
  size_t ntables;
  char *summary;            /* Markdown; NULL when empty */
} fl_study_result;

void fl_study_result_init (fl_study_result *r);
void fl_study_result_free (fl_study_result *r);
/* Hand table T over to the result (freed with it, also on failure). */
fl_status fl_study_result_add (fl_study_result *r, fl_table *t);
/* Append a printf-style line to the summary (a newline is added). */
fl_status fl_study_result_note (fl_study_result *r, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));

/* A study: fills RES, or returns an error with a one-line message in ERR.  Missing data
   (the dataset not installed, the cache not fetched) is FL_EUNSUPPORTED with a message
   saying what to install or run. */
typedef fl_status (*fl_study_fn) (const fl_study_opts *opts, fl_study_result *res,
                                  char *err, size_t errlen);

typedef struct {
  const char *name;
  fl_study_fn run;
  const char *summary;       /* one line, for 'fmtlab study --list' */
  const char *quick_sizes;   /* what --quick reduces, one line */
} fl_study;

/* Every registered study, in a fixed order. */
const fl_study *fl_study_list (size_t *n);
/* The study named NAME, or NULL. */
const fl_study *fl_study_find (const char *name);

#ifdef __cplusplus
}
#endif
#endif
