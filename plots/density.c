/* density.c -- chart (2): value density, codes per binade, for several formats (where a
   format spends its codes: tapered for posits, flat for minifloats). */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "plots-impl.h"

fl_status
fl_plot_density (const char *path, const fl_plot_page *page, const fl_plot_density_series *s,
                 size_t n, char *err, size_t errlen)
{
  if (n == 0)
    {
      snprintf (err, errlen, "%s: a density chart needs at least one format", path);
      return FL_EINVAL;
    }
  double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = 0;
  for (size_t i = 0; i < n; i++)
    for (size_t r = 0; r < s[i].nrows; r++)
      {
        double b = (double) s[i].rows[r].binade, c = s[i].rows[r].codes;
        if (b < xmin)
          xmin = b;
        if (b + 1 > xmax)
          xmax = b + 1;
        if (c > ymax)
          ymax = c;
        if (c > 0 && c < ymin)
          ymin = c;
      }
  if (!(xmin < xmax) || !(ymax > 0))
    {
      snprintf (err, errlen, "%s: the densities are empty", path);
      return FL_EINVAL;
    }
  /* counts spanning more than two decades go on a log axis */
  int ylog = ymax / ymin > 100;
  double y0 = ylog ? floor (log10 (ymin)) : 0;
  double y1 = ylog ? log10 (ymax) + 0.35 : ymax * 1.3;
  double pad = 0.02 * (xmax - xmin);
  plot_file pf;
  fl_status st = plot_open (&pf, path, page, 1100, 700, err, errlen);
  if (st != FL_OK)
    return st;
  plot_panel_spec panel = {
    0.09, 0.97, 0.11, 0.92, xmin - pad, xmax + pad, y0, y1, plot_tick (xmax - xmin + 2 * pad, 12),
    0, 0, ylog, plot_title (page, "Value density: codes per binade"),
    "magnitude, log#d2#u|x| (binades; each binade is [2#uk#d, 2#uk+1#d))",
    ylog ? "positive values in the binade (codes, log scale)"
         : "positive values in the binade (codes)" };
  plot_panel (&panel);
  size_t cap = 0;
  for (size_t i = 0; i < n; i++)
    if (s[i].nrows > cap)
      cap = s[i].nrows;
  PLFLT *x = malloc ((2 * cap + 2) * sizeof *x), *y = malloc ((2 * cap + 2) * sizeof *y);
  if (!x || !y)
    {
      free (x);
      free (y);
      return plot_oom (&pf, path, err, errlen);
    }
  for (size_t i = 0; i < n; i++)
    {
      /* a staircase: each binade a flat step; zero counts drop to the axis */
      size_t m = 0;
      for (size_t r = 0; r < s[i].nrows; r++)
        {
          double c = s[i].rows[r].codes;
          double v = ylog ? (c > 0 ? log10 (c) : y0) : c;
          x[m] = (double) s[i].rows[r].binade;
          y[m++] = v;
          x[m] = (double) s[i].rows[r].binade + 1;
          y[m++] = v;
        }
      plot_set_series (i);
      plline ((PLINT) m, x, y);
      plschr (0, 0.55);
      for (size_t r = 0; r < s[i].nrows; r += (s[i].nrows > 40 ? s[i].nrows / 20 : 1))
        {
          PLFLT mx = (double) s[i].rows[r].binade + 0.5, my = y[2 * r];
          plstring (1, &mx, &my, plot_marker (i));
        }
      plschr (0, 0.85);
    }
  plot_series_legend (n, &s[0].name, sizeof s[0], NULL, NULL, 1);
  free (x);
  free (y);
  return plot_close (&pf, 1, err, errlen);
}
