/* heatmap.c -- the generic table heat map (cells coloured on a perceptually uniform,
   colour-blind-safe scale whose lightness rises monotonically, so greyscale keeps the
   order; each cell's value written in it) and chart (4a), SQNR per tensor x format. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plots-impl.h"

/* viridis at five stops (van der Walt and Smith, matplotlib 2.0) */
static void
set_scale (void)
{
  PLFLT pos[5] = { 0, 0.25, 0.5, 0.75, 1 };
  PLFLT r[5] = { 0x44 / 255., 0x3B / 255., 0x21 / 255., 0x5E / 255., 0xFD / 255. };
  PLFLT g[5] = { 0x01 / 255., 0x52 / 255., 0x91 / 255., 0xC9 / 255., 0xE7 / 255. };
  PLFLT b[5] = { 0x54 / 255., 0x8B / 255., 0x8C / 255., 0x62 / 255., 0x25 / 255. };
  plscmap1n (256);
  plscmap1l (1, 5, pos, r, g, b, NULL);
}

fl_status
fl_plot_heatmap (const char *path, const fl_plot_page *page, const fl_plot_axes *ax,
                 const char *const *row, size_t nrows, const char *const *col, size_t ncols,
                 const double *value, const char *zlabel, const char *zfmt, char *err,
                 size_t errlen)
{
  if (nrows == 0 || ncols == 0)
    {
      snprintf (err, errlen, "%s: a heat map needs at least one row and one column", path);
      return FL_EINVAL;
    }
  double z0 = INFINITY, z1 = -INFINITY;
  for (size_t k = 0; k < nrows * ncols; k++)
    if (isfinite (value[k]))
      {
        z0 = fmin (z0, value[k]);
        z1 = fmax (z1, value[k]);
      }
  if (!(z0 <= z1))
    {
      snprintf (err, errlen, "%s: no finite value to draw", path);
      return FL_EINVAL;
    }
  if (z1 == z0)
    z1 = z0 + 1;
  plot_file pf;
  int h = 260 + 42 * (int) (nrows < 40 ? nrows : 40);
  fl_status st = plot_open (&pf, path, page, 1100, h < 560 ? 560 : h, err, errlen);
  if (st != FL_OK)
    return st;
  set_scale ();
  /* room under the map for the column names, written vertically */
  size_t longest = 0;
  for (size_t c = 0; c < ncols; c++)
    if (strlen (col[c]) > longest)
      longest = strlen (col[c]);
  double bottom = 0.08 + 0.013 * (double) (longest < 24 ? longest : 24) * 700.0 / (double) (h < 560 ? 560 : h);
  plvpor (0.24, 0.84, bottom, 0.85);
  plwind (0, (double) ncols, 0, (double) nrows);
  for (size_t r = 0; r < nrows; r++)
    for (size_t c = 0; c < ncols; c++)
      {
        double v = value[r * ncols + c];
        /* row 0 at the top */
        double y0 = (double) (nrows - 1 - r), x0 = (double) c;
        PLFLT x[4] = { x0, x0 + 1, x0 + 1, x0 }, y[4] = { y0, y0, y0 + 1, y0 + 1 };
        double t = isfinite (v) ? (v - z0) / (z1 - z0) : 0;
        if (isfinite (v))
          plcol1 (t);
        else
          plcol0 (PLOT_GRID);
        plpsty (0);
        plfill (4, x, y);
        char txt[48];
        if (isfinite (v))
          snprintf (txt, sizeof txt, zfmt ? zfmt : "%.3g", v);
        else
          snprintf (txt, sizeof txt, "n/a");
        /* dark text on the light end of the scale, white on the dark end */
        plcol0 (isfinite (v) && t < 0.6 ? PLOT_BG : PLOT_FG);
        plschr (0, ncols > 12 ? 0.5 : 0.7);
        plptex (x0 + 0.5, y0 + 0.5, 1, 0, 0.5, txt);
      }
  plot_plain ();
  plschr (0, 0.85);
  plbox ("bc", 0, 0, "bc", 0, 0);
  plschr (0, 1.0);
  plmtex ("t", 2.4, 0.5, 0.5, plot_title (page, ax && ax->title ? ax->title : ""));
  plschr (0, ncols > 10 ? 0.6 : 0.75);
  for (size_t c = 0; c < ncols; c++)
    plmtex ("bv", 0.7, ((double) c + 0.5) / (double) ncols, 1.0, plot_esc (col[c]));
  plschr (0, nrows > 20 ? 0.6 : 0.75);
  for (size_t r = 0; r < nrows; r++)
    plmtex ("lv", 0.7, ((double) (nrows - 1 - r) + 0.5) / (double) nrows, 1.0,
            plot_esc (row[r]));
  plschr (0, 0.85);
  if (ax && ax->xlabel)
    plmtex ("t", 0.6, 0.5, 0.5, ax->xlabel);
  /* the colour bar */
  const char *axis_opts[] = { "bcvtm" };
  const char *labels[] = { zlabel ? zlabel : "" };
  PLINT label_opts[] = { PL_COLORBAR_LABEL_RIGHT };
  PLFLT ticks[] = { 0 };
  PLINT sub_ticks[] = { 0 };
  PLINT n_values[] = { 2 };
  PLFLT vals[] = { z0, z1 };
  const PLFLT *values[] = { vals };
  PLFLT cw, ch;
  plcolorbar (&cw, &ch, PL_COLORBAR_GRADIENT, PL_POSITION_RIGHT | PL_POSITION_OUTSIDE
              | PL_POSITION_VIEWPORT, 0.02, 0, 0.03, 0.9, PLOT_BG, PLOT_FG, 1, 0, 0, 0, 0, 1,
              label_opts, labels, 1, axis_opts, ticks, sub_ticks, n_values,
              (const PLFLT *const *) values);
  return plot_close (&pf, 1, err, errlen);
}

fl_status
fl_plot_sqnr_heatmap (const char *path, const fl_plot_page *page, const fl_plot_sqnr_input *in,
                      char *err, size_t errlen)
{
  fl_plot_axes ax = { "SQNR per tensor and format", "formats (columns); tensors (rows)",
                      NULL, 0, 0 };
  return fl_plot_heatmap (path, page, &ax, in->tensor, in->ntensors, in->format, in->nformats,
                          in->sqnr_db, "SQNR (dB)", "%.1f", err, errlen);
}
