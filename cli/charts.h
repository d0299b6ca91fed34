/* charts.h -- the wiring from the analyses to the charts, shared by 'fmtlab plot' and
   'fmtlab report': each call runs the analysis a chart needs, draws it, and writes one
   sentence with the main finding in numbers (for the report's index).  Errors come back
   as an fl_status with a one-line message; the callers decide how to die. */
#ifndef FL_CLI_CHARTS_H
#define FL_CLI_CHARTS_H

#include <fmtlab/fmtlab.h>
#include <fmtlab/refops.h>
#include <fmtlab/plots.h>

fl_status cli_chart_accuracy (const char *path, const fl_plot_page *pg, fl_format **f,
                              size_t n, char *finding, size_t flen, char *err, size_t errlen);
fl_status cli_chart_density (const char *path, const fl_plot_page *pg, fl_format **f,
                             size_t n, char *finding, size_t flen, char *err, size_t errlen);
fl_status cli_chart_closure (const char *path, const fl_plot_page *pg, const fl_format *f,
                             fl_op op, const fl_rounding *r, char *finding, size_t flen,
                             char *err, size_t errlen);

/* A tensor to chart: FILE[:NAME] (fmtlab/tensor.h; the name or glob must select one
   tensor) or synthetic:NAME[:N]. */
typedef struct {
  char *label;
  uint64_t n;
  fl_tensor_file *file;
  size_t index;
  int synthetic;
  uint64_t seed;
} cli_source;
fl_status cli_source_open (cli_source *s, const char *spec, char *err, size_t errlen);
fl_status cli_source_read (cli_source *s, uint64_t start, size_t n, double *out, char *err,
                           size_t errlen);
void cli_source_close (cli_source *s);

/* Candidate format names (scalar or block, comma-separated list already split) for the
   histogram chart; scale: "none" or "absmax" (scalar formats; blocks bring their own). */
fl_status cli_chart_hist (const char *path, const fl_plot_page *pg, cli_source *src,
                          char *const *cand, size_t ncand, const char *scale, size_t bins,
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

#endif
