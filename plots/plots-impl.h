/* plots-impl.h -- what the chart files share (plots/common.c): the page set-up, the
   palette, the legend, safe output files.  Internal to plots/. */
#ifndef FL_PLOTS_IMPL_H
#define FL_PLOTS_IMPL_H

#include <plplot.h>
#include <fmtlab/plots.h>

/* cmap0 layout (plot_open sets it): 0 background, 1 text and axes, 2 light grid, 3 mid
   grey, PLOT_SERIES0.. the series colours (Okabe-Ito), PLOT_OUTCOME0.. the closure map's
   outcome colours. */
#define PLOT_BG 0
#define PLOT_FG 1
#define PLOT_GRID 2
#define PLOT_GREY 3
#define PLOT_SERIES0 4
#define PLOT_NSERIES 8
#define PLOT_OUTCOME0 (PLOT_SERIES0 + PLOT_NSERIES)
#define PLOT_NCOLORS (PLOT_OUTCOME0 + FL_OUTCOMES)

typedef struct {
  char *path, *tmp;
  int open;
} plot_file;

/* Take the lock, pick the device from the extension, create the temporary file, set the
   page (page->width/height or defw x defh), palette and fonts, plinit, and start the page.
   On failure the lock is released and nothing is left behind. */
fl_status plot_open (plot_file *pf, const char *path, const fl_plot_page *page, int defw,
                     int defh, char *err, size_t errlen);
/* End the stream; rename the file into place (ok) or remove it; release the lock.  Returns
   an error when PLplot reported one while drawing. */
fl_status plot_close (plot_file *pf, int ok, char *err, size_t errlen);

/* Series i's colour, line style, marker (a UTF-8 glyph) */
int plot_color (size_t i);
int plot_lstyle (size_t i);
const char *plot_marker (size_t i);
void plot_set_series (size_t i);       /* colour, style and width of series i */
void plot_plain (void);                /* foreground colour, solid line, normal width */

/* Title (page->title when set, else dflt) */
const char *plot_title (const fl_plot_page *page, const char *dflt);

/* Legend inside the viewport at position (PL_POSITION_* flags): for each entry a line in
   its style, its marker (when markers), or a filled box (when boxes) of colour col[i]. */
void plot_legend (size_t n, const char *const *text, const int *col, const int *lstyle,
                  int markers, int boxes, int position);

/* One chart panel's axes: the viewport (vx0..vx1, vy0..vy1 of the page), the world window
   (log10 of the data on a log axis), a light grid, the box with its ticks (xtick/ytick 0:
   PLplot's choice; a log axis labels decades), the title above and the axis labels. */
typedef struct {
  double vx0, vx1, vy0, vy1;
  double x0, x1, y0, y1;
  double xtick, ytick;
  int xlog, ylog;
  const char *title, *xlabel, *ylabel;
} plot_panel_spec;
void plot_panel (const plot_panel_spec *p);

/* The legend of n series drawn as plot_set_series (i) draws them (lines, markers when
   markers): entry i's text is the string at base + i * stride (an array of structs whose
   member is the name, or of names), escaped here; its colour/marker and line style are
   plot_color (col[i]) and plot_lstyle (sty[i]), or series i's when col/sty is NULL.
   Nothing for fewer than two series. */
void plot_series_legend (size_t n, const void *base, size_t stride, const size_t *col,
                         const size_t *sty, int markers);

/* Out of memory while drawing: the file is dropped, err says so; returns FL_ENOMEM. */
fl_status plot_oom (plot_file *pf, const char *path, char *err, size_t errlen);

/* A nice tick step for a span (1, 2 or 5 times a power of ten) giving about 'target' ticks */
double plot_tick (double span, int target);

/* Escape PLplot's text escapes ('#') in a name: a static ring of buffers. */
const char *plot_esc (const char *s);

#endif
