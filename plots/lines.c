/* lines.c -- the generic line chart (series of points with markers, optional point labels,
   log axes) and chart (5), error against bits per element per family, built on it.  The
   studies' line charts reuse fl_plot_lines. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "plots-impl.h"

static int
usable (double v, int logscale)
{
  return isfinite (v) && (!logscale || v > 0);
}

fl_status
fl_plot_lines (const char *path, const fl_plot_page *page, const fl_plot_axes *ax,
               const fl_plot_series *s, size_t n, char *err, size_t errlen)
{
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  size_t cap = 0;
  for (size_t i = 0; i < n; i++)
    {
      if (s[i].n > cap)
        cap = s[i].n;
      for (size_t k = 0; k < s[i].n; k++)
        {
          if (!usable (s[i].x[k], ax->xlog) || !usable (s[i].y[k], ax->ylog))
            continue;
          double x = ax->xlog ? log10 (s[i].x[k]) : s[i].x[k];
          double y = ax->ylog ? log10 (s[i].y[k]) : s[i].y[k];
          x0 = fmin (x0, x);
          x1 = fmax (x1, x);
          y0 = fmin (y0, y);
          y1 = fmax (y1, y);
        }
    }
  if (!(x0 <= x1) || !(y0 <= y1))
    {
      snprintf (err, errlen, "%s: no point to draw%s", path,
                ax->xlog || ax->ylog ? " (log axes need values > 0)" : "");
      return FL_EINVAL;
    }
  double dx = x1 > x0 ? x1 - x0 : 1, dy = y1 > y0 ? y1 - y0 : 1;
  x0 -= 0.05 * dx;
  x1 += (n && s[0].point_label ? 0.15 : 0.05) * dx;   /* room for the point labels */
  y0 -= 0.05 * dy;
  /* headroom for the legend */
  y1 += (n > 1 ? 0.12 * (double) (n < 8 ? n : 8) : 0.08) * dy;
  plot_file pf;
  fl_status st = plot_open (&pf, path, page, 1100, 720, err, errlen);
  if (st != FL_OK)
    return st;
  PLFLT *x = malloc ((cap ? cap : 1) * sizeof *x), *y = malloc ((cap ? cap : 1) * sizeof *y);
  size_t *col = malloc ((n ? n : 1) * sizeof *col), *sty = malloc ((n ? n : 1) * sizeof *sty);
  if (!x || !y || !col || !sty)
    {
      free (x);
      free (y);
      free (col);
      free (sty);
      return plot_oom (&pf, path, err, errlen);
    }
  plot_panel_spec panel = { 0.09, 0.97, 0.11, 0.90, x0, x1, y0, y1, 0, 0, ax->xlog, ax->ylog,
                            plot_title (page, ax->title), ax->xlabel, ax->ylabel };
  plot_panel (&panel);
  for (size_t i = 0; i < n; i++)
    {
      col[i] = s[i].color > 0 ? (size_t) s[i].color - 1 : i;
      sty[i] = s[i].dash > 0 ? (size_t) s[i].dash - 1 : i;
      /* runs of usable points; a non-finite point breaks the line */
      size_t m = 0;
      plcol0 (plot_color (col[i]));
      pllsty (plot_lstyle (sty[i]));
      plwidth (2.0);
      for (size_t k = 0; k <= s[i].n; k++)
        {
          int good = k < s[i].n && usable (s[i].x[k], ax->xlog) && usable (s[i].y[k], ax->ylog);
          if (good)
            {
              x[m] = ax->xlog ? log10 (s[i].x[k]) : s[i].x[k];
              y[m] = ax->ylog ? log10 (s[i].y[k]) : s[i].y[k];
              m++;
              continue;
            }
          if (m > 1)
            plline ((PLINT) m, x, y);
          plschr (0, 0.55);
          for (size_t j = 0; j < m; j++)
            plstring (1, &x[j], &y[j], plot_marker (col[i]));
          plschr (0, 0.85);
          m = 0;
        }
      if (s[i].point_label)
        {
          plschr (0, 0.55);
          for (size_t k = 0; k < s[i].n; k++)
            if (s[i].point_label[k] && usable (s[i].x[k], ax->xlog)
                && usable (s[i].y[k], ax->ylog))
              plptex (ax->xlog ? log10 (s[i].x[k]) : s[i].x[k],
                      (ax->ylog ? log10 (s[i].y[k]) : s[i].y[k]) + 0.025 * dy, 1, 0, 0.0,
                      plot_esc (s[i].point_label[k]));
          plschr (0, 0.85);
        }
    }
  plot_series_legend (n, &s[0].name, sizeof s[0], col, sty, 1);
  free (x);
  free (y);
  free (col);
  free (sty);
  return plot_close (&pf, 1, err, errlen);
}

fl_status
fl_plot_errbits (const char *path, const fl_plot_page *page, const char *measure, int ylog,
                 const fl_plot_errbits_series *s, size_t n, char *err, size_t errlen)
{
  fl_plot_series *ls = calloc (n ? n : 1, sizeof *ls);
  if (!ls)
    {
      snprintf (err, errlen, "%s: out of memory", path);
      return FL_ENOMEM;
    }
  for (size_t i = 0; i < n; i++)
    {
      ls[i].name = s[i].family;
      ls[i].x = s[i].bits;
      ls[i].y = s[i].error;
      ls[i].n = s[i].n;
      ls[i].point_label = s[i].format;
    }
  char ylabel[160];
  snprintf (ylabel, sizeof ylabel, "%s%s", measure ? measure : "error",
            ylog ? " (log scale)" : "");
  fl_plot_axes ax = { "Error against bits per element, one line per family",
                      "bits per element (scales, zero points and outliers included)", ylabel,
                      0, ylog };
  fl_status st = fl_plot_lines (path, page, &ax, ls, n, err, errlen);
  free (ls);
  return st;
}
