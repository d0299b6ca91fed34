/* accuracy.c -- chart (1): decimal accuracy against magnitude for several formats on one
   chart (Gustafson's picture of tapered precision), each format's dynamic range drawn as
   a bar in a strip under the curves. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "plots-impl.h"

fl_status
fl_plot_accuracy (const char *path, const fl_plot_page *page, const fl_plot_accuracy_series *s,
                  size_t n, char *err, size_t errlen)
{
  if (n == 0)
    {
      snprintf (err, errlen, "%s: an accuracy chart needs at least one format", path);
      return FL_EINVAL;
    }
  double xmin = INFINITY, xmax = -INFINITY, ymax = 0;
  for (size_t i = 0; i < n; i++)
    {
      for (size_t r = 0; r < s[i].nrows; r++)
        {
          const fl_accuracy_row *row = &s[i].rows[r];
          if (isfinite (row->mean) && row->mean > ymax)
            ymax = row->mean;
          if (row->binade < xmin)
            xmin = (double) row->binade;
          if (row->binade + 1 > xmax)
            xmax = (double) row->binade + 1;
        }
      if (isfinite (s[i].log2_minpos) && s[i].log2_minpos < xmin)
        xmin = s[i].log2_minpos;
      if (isfinite (s[i].log2_max) && s[i].log2_max > xmax)
        xmax = s[i].log2_max;
    }
  if (!(xmin < xmax))
    {
      snprintf (err, errlen, "%s: the accuracy profiles are empty", path);
      return FL_EINVAL;
    }
  double pad = 0.02 * (xmax - xmin);
  xmin -= pad;
  xmax += pad;
  /* headroom for the legend above the curves */
  ymax = ymax > 0 ? ymax * 1.7 : 1;
  plot_file pf;
  fl_status st = plot_open (&pf, path, page, 1100, 720, err, errlen);
  if (st != FL_OK)
    return st;
  double xtick = plot_tick (xmax - xmin, 12);

  /* main panel */
  double strip = 0.045 * (double) n;
  plvpor (0.09, 0.97, 0.12 + strip + 0.03, 0.89);
  plwind (xmin, xmax, 0, ymax);
  plcol0 (PLOT_GRID);
  plbox ("g", xtick, 0, "g", 0, 0);
  plot_plain ();
  plbox ("bcst", xtick, 0, "bcnstv", 0, 0);
  plschr (0, 1.0);
  plmtex ("t", 2.4, 0.5, 0.5, plot_title (page, "Decimal accuracy against magnitude"));
  plschr (0, 0.85);
  plmtex ("l", 3.2, 0.5, 0.5, "decimal accuracy (decimal digits)");
  plschr (0, 0.75);
  plmtex ("t", 0.7, 0.5, 0.5,
          "thick: mean over the binade (x log-uniform); thin: worst case (at the rounding cuts)");
  const char **names = malloc (n * sizeof *names);
  int *col = malloc (n * sizeof *col), *sty = malloc (n * sizeof *sty);
  PLFLT *x = malloc (2048 * sizeof *x), *y = malloc (2048 * sizeof *y);
  int ok = names && col && sty && x && y;
  for (size_t i = 0; ok && i < n; i++)
    {
      names[i] = plot_esc (s[i].name);
      col[i] = plot_color (i);
      sty[i] = plot_lstyle (i);
      for (int which = 0; which < 2; which++)
        {
          size_t m = 0;
          for (size_t r = 0; r < s[i].nrows && m < 2048; r++)
            {
              double v = which ? s[i].rows[r].worst : s[i].rows[r].mean;
              if (!isfinite (v))
                continue;
              x[m] = (double) s[i].rows[r].binade + 0.5;
              y[m] = v < 0 ? 0 : v;
              m++;
            }
          plot_set_series (i);
          plwidth (which ? 0.8 : 2.2);
          plline ((PLINT) m, x, y);
          plschr (0, 0.55);
          if (!which)
            for (size_t k = 0; k < m; k += (m > 60 ? m / 30 : 1))
              plstring (1, &x[k], &y[k], plot_marker (i));
          plschr (0, 0.85);
        }
    }
  plot_plain ();
  if (ok)
    {
      /* the label list must outlive plot_esc's ring: copy the pointers' text */
      char (*buf)[128] = malloc (n * sizeof *buf);
      const char **lt = malloc (n * sizeof *lt);
      if (buf && lt)
        {
          for (size_t i = 0; i < n; i++)
            {
              snprintf (buf[i], sizeof buf[i], "%s  [2#u%.4g#d, 2#u%.4g#d]", plot_esc (s[i].name),
                        s[i].log2_minpos, s[i].log2_max);
              lt[i] = buf[i];
            }
          if (n > 1)
            plot_legend (n, lt, col, sty, 1, 0, PL_POSITION_TOP | PL_POSITION_RIGHT);
        }
      free (buf);
      free (lt);
    }

  /* the dynamic-range strip */
  plvpor (0.09, 0.97, 0.12, 0.12 + strip);
  plwind (xmin, xmax, 0, (double) n);
  plot_plain ();
  plbox ("bcnst", xtick, 0, "bc", 0, 0);
  plmtex ("b", 3.2, 0.5, 0.5, "magnitude, log#d2#u|x| (binades)");
  plmtex ("l", 1.0, 0.5, 0.5, "range");
  for (size_t i = 0; ok && i < n; i++)
    {
      double yy = (double) n - (double) i - 0.5;
      double a = s[i].log2_minpos, b = s[i].log2_max;
      if (!isfinite (a) || !isfinite (b))
        continue;
      plot_set_series (i);
      pllsty (1);
      plwidth (4);
      pljoin (a, yy - 0.15, b, yy - 0.15);
      plwidth (1.5);
      pljoin (a, yy - 0.4, a, yy + 0.1);
      pljoin (b, yy - 0.4, b, yy + 0.1);
      plschr (0, 0.6);
      plptex (0.5 * (a + b), yy + 0.12, 1, 0, 0.5, plot_esc (s[i].name));
      plschr (0, 0.85);
    }
  free (names);
  free (col);
  free (sty);
  free (x);
  free (y);
  if (!ok)
    {
      plot_close (&pf, 0, err, errlen);
      snprintf (err, errlen, "%s: out of memory", path);
      return FL_ENOMEM;
    }
  return plot_close (&pf, 1, err, errlen);
}
