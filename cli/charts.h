/* charts.h -- the wiring from the analyses to the charts, shared by 'fmtlab plot' and
   'fmtlab report': each call runs the analysis a chart needs, draws it, and writes one
   sentence with the main finding in numbers (for the report's index).  Errors come back
   as an fl_status with a one-line message; the callers decide how to die. */
#ifndef FL_CLI_CHARTS_H
#define FL_CLI_CHARTS_H

#include <fmtlab/fmtlab.h>
#include <fmtlab/tensor.h>
#include <fmtlab/refops.h>
#include <fmtlab/plots.h>
#include "tensorcli.h"

fl_status cli_chart_accuracy (const char *path, const fl_plot_page *pg, fl_format **f,
                              size_t n, char *finding, size_t flen, char *err, size_t errlen);
fl_status cli_chart_density (const char *path, const fl_plot_page *pg, fl_format **f,
                             size_t n, char *finding, size_t flen, char *err, size_t errlen);
fl_status cli_chart_closure (const char *path, const fl_plot_page *pg, const fl_format *f,
                             fl_op op, const fl_rounding *r, char *finding, size_t flen,
                             char *err, size_t errlen);

/* The histogram of selected tensor j of src (tensorcli.h).  Candidate format names (scalar or block, comma-separated list already split) for the
   histogram chart; scale: "none" or "absmax" (scalar formats; blocks bring their own). */
fl_status cli_chart_hist (const char *path, const fl_plot_page *pg, cli_tsource *src,
                          size_t j, char *const *cand, size_t ncand, const char *scale, size_t bins,
                          char *finding, size_t flen, char *err, size_t errlen);

/* Charts from a result table: the CSV of 'fmtlab compare --csv' (columns tensor, format,
   sqnr_db, bits_per_element, mse ...).  SQNR per tensor x format as a heat map or grouped
   bars; error against bits per element, one line per family (the measure averaged over
   the tensors of the table; log axis except for sqnr_db and cosine). */
fl_status cli_chart_sqnr (const char *path, const fl_plot_page *pg, const char *table, int bars,
                          char *finding, size_t flen, char *err, size_t errlen);
fl_status cli_chart_errbits (const char *path, const fl_plot_page *pg, const char *table,
                             const char *measure, char *finding, size_t flen, char *err,
                             size_t errlen);

/* printf at buf + at (within len); returns the new end, so findings are built piecewise. */
size_t cli_append (char *buf, size_t len, size_t at, const char *fmt, ...)
  __attribute__ ((format (printf, 4, 5)));
/* "out of memory" into err; returns FL_ENOMEM. */
fl_status cli_oom (char *err, size_t errlen);
/* The number in s, NaN unless all of s is one. */
double cli_num (const char *s);
/* The index of s in list[0..*n), appended (not copied) when absent. */
size_t cli_intern (const char **list, size_t *n, const char *s);

/* A CSV table with a header row, as the result tables are written (fields may be
   double-quoted, "" inside is a quote; a blank line ends the table). */
typedef struct {
  size_t ncols, nrows;
  char **head;
  char **cell;       /* nrows x ncols */
} cli_csv;

/* Read PATH; an error (unreadable, malformed line, no row) names the file and line. */
fl_status cli_csv_read (const char *path, cli_csv *t, char *err, size_t errlen);
void cli_csv_free (cli_csv *t);
/* The index of the column named NAME, or -1. */
long cli_csv_col (const cli_csv *t, const char *name);

/* ---- the studies' charts ('fmtlab study' writes them, 'fmtlab plot study-*' redraws) --- */

/* The chart kinds: study-gupta (test error per epoch), study-opal (SQNR by element width,
   OPAL against MX), study-lp (best SQNR by width and family), study-decoupleq (layer loss
   relative to round-to-nearest by method), study-exmy (per-tensor against global split),
   study-cer (character error rate by format).  1 when KIND is one of them. */
int cli_study_chart_known (const char *kind);
/* The chart kind of study NAME ("gupta" -> "study-gupta"), or NULL. */
const char *cli_study_chart_of (const char *study);
/* Draw chart KIND from the tables a study wrote into DIR (for study-cer: DIR's cer.csv, the
   output of notebooks-data/ocr-cer.sh, or a CSV file given as DIR). */
fl_status cli_chart_study (const char *kind, const char *dir, const char *path,
                           const fl_plot_page *pg, char *finding, size_t flen, char *err,
                           size_t errlen);
/* The chart hook of 'fmtlab study': draw study STUDY's chart as DIR/study-STUDY.png from
   the tables just written into DIR, and put into md a Markdown line that shows it with its
   finding (for summary.md).  A study without a chart: FL_OK and md empty. */
fl_status cli_study_charts (const char *study, const char *dir, char *md, size_t mdlen,
                            char *err, size_t errlen);

#endif
