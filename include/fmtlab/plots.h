/* fmtlab/plots.h -- charts drawn with PLplot (cairo drivers) from analysis results.

   Every chart is one call that takes plain input structs (arrays of numbers and names,
   filled by the analyses: fmtlab/enumerate.h, fmtlab/chartdata.h, and the metrics, fits
   and searches) and writes one file.  The device follows the file's extension: .png,
   .svg or .pdf.  The file is written under a temporary name beside the target and renamed
   into place, so a failed chart leaves no partial file.  Charts compute nothing: the
   numbers drawn are the numbers given.

   Look: white background, the Okabe-Ito palette (distinguishable by colour-blind readers)
   with a different line style and marker per series (so greyscale prints stay readable),
   a title, axis labels with units, a legend when there is more than one series, and
   logarithmic axes where the data span decades (the values are then drawn as log10 or
   log2 of the data, and the axis says so).

   PLplot keeps global state: the calls serialise on a process-wide lock (one chart at a
   time; safe to call from several threads, but they wait for each other).  No call ever
   asks for a device on standard input.  Nothing is printed, except what PLplot itself
   writes to stderr on internal errors.  See doc/plots.md. */
#ifndef FMTLAB_PLOTS_H
#define FMTLAB_PLOTS_H

#include <stddef.h>
#include <stdint.h>
#include <fmtlab/formats.h>
#include <fmtlab/enumerate.h>
#include <fmtlab/chartdata.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Page size of a chart in pixels (PNG; SVG and PDF get the same proportions).  0 for the
   chart's own default (about 1100 x 700). */
typedef struct {
  int width, height;
  const char *title;      /* NULL: the chart's own title */
} fl_plot_page;

/* 1 when path ends in .png, .svg or .pdf (case-insensitive). */
int fl_plot_path_ok (const char *path);

/* ---- (1) Decimal accuracy against magnitude (Gustafson's chart) ---------------------- */
typedef struct {
  const char *name;                   /* the format's name */
  const fl_accuracy_row *rows;        /* fl_accuracy_profile */
  size_t nrows;
  double log2_minpos, log2_max;       /* its dynamic range, marked under the curves */
} fl_plot_accuracy_series;

/* x: log2 of the magnitude (binades); y: decimal accuracy (decimal digits), mean over each
   binade as a line, worst case as a thinner dotted line of the same style. */
fl_status fl_plot_accuracy (const char *path, const fl_plot_page *page,
                            const fl_plot_accuracy_series *s, size_t n, char *err,
                            size_t errlen);

/* ---- (2) Value density: codes per binade --------------------------------------------- */
typedef struct {
  const char *name;
  const fl_density_row *rows;         /* fl_codes_per_binade */
  size_t nrows;
} fl_plot_density_series;

fl_status fl_plot_density (const char *path, const fl_plot_page *page,
                           const fl_plot_density_series *s, size_t n, char *err,
                           size_t errlen);

/* ---- (6) Closure map ----------------------------------------------------------------- */
/* The side x side grid of outcomes (fl_closure_map), operands in value order, one colour
   per outcome, a legend with each outcome's share. */
fl_status fl_plot_closure (const char *path, const fl_plot_page *page, const char *format,
                           const char *op, const fl_closure *c, char *err, size_t errlen);

/* ---- (3) A tensor's histogram with candidate formats overlaid ------------------------ */
typedef struct {
  const char *name;                   /* "e4m3fn", "int8 (absmax scale)" ... */
  const fl_candidate_range *range;    /* fl_candidate_range_get */
  double clipped, flushed;            /* shares of the finite elements (fl_lost_mass) */
} fl_plot_hist_candidate;

typedef struct {
  const char *tensor;                 /* "model.safetensors:layer.0.weight" */
  const fl_hist *log2abs;             /* histogram of log2|x| (log2abs set); required */
  const fl_hist *linear;              /* histogram of x; NULL for none */
  const fl_plot_hist_candidate *cand;
  size_t ncand;
} fl_plot_hist_input;

/* Top panel: the log2|x| histogram (log10 of the count), each candidate's range as a band
   with its grid as ticks, and the mass it clips (above its max) and flushes (below half
   its smallest value) shaded in its colour; the shares are in the legend.  Bottom panel
   (when linear is given): the histogram of x. */
fl_status fl_plot_hist (const char *path, const fl_plot_page *page,
                        const fl_plot_hist_input *in, char *err, size_t errlen);

/* ---- Generic charts (reused by (4), (5), (7) and the studies' charts) ---------------- */
typedef struct {
  const char *title;
  const char *xlabel, *ylabel;        /* with units, e.g. "bits per element" */
  int xlog, ylog;                     /* 1: log10 axis (data must be > 0) */
} fl_plot_axes;

typedef struct {
  const char *name;                   /* legend text */
  const double *x, *y;
  size_t n;
  const char *const *point_label;     /* NULL, or n labels written beside the points */
  int color;                          /* 0: the series' own (by its index); k > 0: the k-th
                                         colour and marker, shared by the series giving k */
  int dash;                           /* 0: the series' own line style; k > 0: the k-th */
} fl_plot_series;

/* Lines with markers, one per series; non-finite points break the line.  Series sharing
   a colour (a format, say) and differing by line style (a rounding) read as a family. */
fl_status fl_plot_lines (const char *path, const fl_plot_page *page, const fl_plot_axes *ax,
                         const fl_plot_series *s, size_t n, char *err, size_t errlen);

/* Grouped bars: ngroups groups along x (group names under them), nseries bars in each
   (series names in the legend); value[g * nseries + s].  Non-finite values (and values
   <= 0 on a log axis, ax->ylog) are left out and marked "n/a"; ax->xlog is ignored. */
fl_status fl_plot_bars (const char *path, const fl_plot_page *page, const fl_plot_axes *ax,
                        const char *const *group, size_t ngroups, const char *const *series,
                        size_t nseries, const double *value, char *err, size_t errlen);

/* A heat map of a table: rows x cols cells, value[r * ncols + c], a colour bar labelled
   zlabel, and each cell's value written in it (format zfmt, e.g. "%.1f"). */
fl_status fl_plot_heatmap (const char *path, const fl_plot_page *page, const fl_plot_axes *ax,
                           const char *const *row, size_t nrows, const char *const *col,
                           size_t ncols, const double *value, const char *zlabel,
                           const char *zfmt, char *err, size_t errlen);

/* ---- (4) SQNR per tensor x format ---------------------------------------------------- */
typedef struct {
  const char *const *tensor;          /* ntensors names */
  size_t ntensors;
  const char *const *format;          /* nformats names */
  size_t nformats;
  const double *sqnr_db;              /* [t * nformats + f] */
} fl_plot_sqnr_input;

/* The heat map (tensors as rows), and the grouped bars (tensors as groups). */
fl_status fl_plot_sqnr_heatmap (const char *path, const fl_plot_page *page,
                                const fl_plot_sqnr_input *in, char *err, size_t errlen);
fl_status fl_plot_sqnr_bars (const char *path, const fl_plot_page *page,
                             const fl_plot_sqnr_input *in, char *err, size_t errlen);

/* ---- (5) Error against bits per element, one line per family ------------------------- */
typedef struct {
  const char *family;                 /* "minifloat", "posit", "MX" ... */
  const double *bits;                 /* bits per element, scales included */
  const double *error;                /* the error measure (> 0 when ylog) */
  const char *const *format;          /* each point's format name, or NULL */
  size_t n;
} fl_plot_errbits_series;

/* measure: the y label, e.g. "MSE" or "relative RMS error"; ylog: log10 axis. */
fl_status fl_plot_errbits (const char *path, const fl_plot_page *page, const char *measure,
                           int ylog, const fl_plot_errbits_series *s, size_t n, char *err,
                           size_t errlen);

/* ---- (7) Fit overlay ----------------------------------------------------------------- */
typedef struct {
  const char *name;                   /* "normal (mu=0.01, sigma=0.98)" */
  const double *x, *pdf;              /* the fitted density evaluated by the fit */
  size_t n;
} fl_plot_fit_curve;

typedef struct {
  const char *tensor;
  const fl_hist *hist;                /* histogram of x (not log2abs) */
  const fl_plot_fit_curve *fit;
  size_t nfits;
  /* predicted (from the fitted density) and measured MSE per format */
  const char *const *format;
  const double *mse_predicted, *mse_measured;
  size_t nformats;
} fl_plot_fit_input;

/* Left: the histogram as a density with the fitted densities; right: predicted against
   measured MSE per format (log-log, with the diagonal). */
fl_status fl_plot_fit (const char *path, const fl_plot_page *page,
                       const fl_plot_fit_input *in, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
