/* bars.c -- the generic grouped bar chart and chart (4b), SQNR per tensor and format as
   grouped bars.  The studies' bar charts reuse fl_plot_bars. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plots-impl.h"

static void
rect (double x0, double x1, double y0, double y1)
{
  PLFLT x[5] = { x0, x1, x1, x0, x0 }, y[5] = { y0, y0, y1, y1, y0 };
  plfill (4, x, y);
  plcol0 (PLOT_FG);
  plwidth (0.5);
  plline (5, x, y);
}

fl_status
fl_plot_bars (const char *path, const fl_plot_page *page, const fl_plot_axes *ax,
              const char *const *group, size_t ngroups, const char *const *series,
              size_t nseries, const double *value, char *err, size_t errlen)
{
  if (ngroups == 0 || nseries == 0)
    {
      snprintf (err, errlen, "%s: a bar chart needs at least one group and one series", path);
      return FL_EINVAL;
    }
  /* on a log axis the bars stand on the decade below the smallest value */
  int ylog = ax && ax->ylog;
  double vmin = INFINITY, vmax = -INFINITY;
  for (size_t k = 0; k < ngroups * nseries; k++)
    if (isfinite (value[k]) && (!ylog || value[k] > 0))
      {
        double v = ylog ? log10 (value[k]) : value[k];
        vmin = fmin (vmin, v);
        vmax = fmax (vmax, v);
      }
  if (!(vmin <= vmax))
    {
      snprintf (err, errlen, "%s: no %s value to draw", path, ylog ? "positive" : "finite");
      return FL_EINVAL;
    }
  double base = ylog ? floor (vmin) : 0;
  if (ylog && vmax - base < 1)
    vmax = base + 1;
  vmin = fmin (vmin, base);
  vmax = fmax (vmax, base);
  double span = vmax - vmin > 0 ? vmax - vmin : 1;
  double y0 = vmin < base ? vmin - 0.05 * span : base;
  double y1 = vmax + (nseries > 1 ? 0.1 * (double) (nseries < 8 ? nseries : 8) : 0.1) * span;
  int vertical = ngroups > 6;
  /* rotated group names hang below the axis: room for the longest, up to 0.4 of the
     page, then a smaller font (about 13 pixels per character at 0.8 on this page) */
  size_t longest = 0;
  for (size_t g = 0; g < ngroups; g++)
    longest = strlen (group[g]) > longest ? strlen (group[g]) : longest;
  double height = vertical ? 800 : 720;
  double bottom = vertical ? fmin (0.4, fmax (0.26, (40 + 13 * (double) longest) / height))
                           : 0.13;
  double label_size = vertical && longest
                        ? 0.8 * fmin (1, (bottom * height - 40) / (13 * (double) longest))
                        : 0.8;
  plot_file pf;
  fl_status st = plot_open (&pf, path, page, 1100, (int) height, err, errlen);
  if (st != FL_OK)
    return st;
  plvpor (0.09, 0.97, bottom, 0.90);
  plwind (-0.5, (double) ngroups - 0.5, y0, y1);
  plcol0 (PLOT_GRID);
  plbox ("", 0, 0, "g", ylog ? 1 : 0, 0);
  double w = 0.8 / (double) nseries;
  for (size_t g = 0; g < ngroups; g++)
    for (size_t s = 0; s < nseries; s++)
      {
        double raw = value[g * nseries + s];
        double v = ylog ? log10 (raw) : raw;
        double xl = (double) g - 0.4 + (double) s * w;
        if (!isfinite (v))
          {
            plcol0 (PLOT_GREY);
            plschr (0, 0.5);
            plptex (xl + 0.5 * w, base, 0, 1, 0, " n/a");
            plschr (0, 0.85);
            continue;
          }
        plcol0 (plot_color (s));
        plpsty (0);
        rect (xl, xl + w, base, v);
        if (ngroups * nseries <= 48)
          {
            char t[32];
            snprintf (t, sizeof t, "%.3g", raw);
            plcol0 (PLOT_FG);
            plschr (0, 0.5);
            plptex (xl + 0.5 * w, v + (v >= base ? 0.012 : -0.035) * (y1 - y0), 1, 0, 0.5, t);
            plschr (0, 0.85);
          }
      }
  plot_plain ();
  pljoin (-0.5, base, (double) ngroups - 0.5, base);
  plbox ("bc", 0, 0, ylog ? "bcnstlv" : "bcnstv", ylog ? 1 : 0, 0);
  plschr (0, 1.0);
  plmtex ("t", 1.6, 0.5, 0.5, plot_title (page, ax && ax->title ? ax->title : ""));
  plschr (0, label_size);
  for (size_t g = 0; g < ngroups; g++)
    {
      double pos = ((double) g + 0.5) / (double) ngroups;
      if (vertical)
        plmtex ("bv", 0.8, pos, 1.0, plot_esc (group[g]));
      else
        plmtex ("b", 1.2, pos, 0.5, plot_esc (group[g]));
    }
  plschr (0, 0.85);
  if (ax && ax->xlabel && !vertical)
    plmtex ("b", 3.0, 0.5, 0.5, ax->xlabel);
  if (ax && ax->ylabel)
    plmtex ("l", 4.2, 0.5, 0.5, ax->ylabel);
  if (nseries > 1)
    {
      int *col = malloc (nseries * sizeof *col);
      char (*buf)[128] = malloc (nseries * sizeof *buf);
      const char **lt = malloc (nseries * sizeof *lt);
      if (col && buf && lt)
        {
          for (size_t s = 0; s < nseries; s++)
            {
              col[s] = plot_color (s);
              snprintf (buf[s], sizeof buf[s], "%s", plot_esc (series[s]));
              lt[s] = buf[s];
            }
          plot_legend (nseries, lt, col, NULL, 0, 1, PL_POSITION_TOP | PL_POSITION_RIGHT);
        }
      free (col);
      free (buf);
      free (lt);
    }
  return plot_close (&pf, 1, err, errlen);
}

fl_status
fl_plot_sqnr_bars (const char *path, const fl_plot_page *page, const fl_plot_sqnr_input *in,
                   char *err, size_t errlen)
{
  fl_plot_axes ax = { "SQNR per tensor and format (higher is better)", "tensor",
                      "SQNR (dB)", 0, 0 };
  return fl_plot_bars (path, page, &ax, in->tensor, in->ntensors, in->format, in->nformats,
                       in->sqnr_db, err, errlen);
}
