/* fit.c -- chart (7): a tensor's histogram as a density with the fitted densities over it,
   and beside it the MSE each format is predicted to give under the fit against the MSE
   measured on the tensor (log-log, the diagonal is perfect prediction). */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "plots-impl.h"

fl_status
fl_plot_fit (const char *path, const fl_plot_page *page, const fl_plot_fit_input *in,
             char *err, size_t errlen)
{
  const fl_hist *h = in ? in->hist : NULL;
  if (!h || h->log2abs || h->nbins == 0)
    {
      snprintf (err, errlen, "%s: a fit chart needs a histogram of x (not of log2|x|)", path);
      return FL_EINVAL;
    }
  double n = (double) (h->total - h->nonfinite), w = fl_hist_bin_width (h);
  if (!(n > 0))
    {
      snprintf (err, errlen, "%s: the histogram is empty", path);
      return FL_EINVAL;
    }
  double dmax = 0;
  for (size_t b = 0; b < h->nbins; b++)
    dmax = fmax (dmax, h->count[b] / (n * w));
  for (size_t f = 0; f < in->nfits; f++)
    for (size_t k = 0; k < in->fit[f].n; k++)
      if (isfinite (in->fit[f].pdf[k]) && in->fit[f].x[k] >= h->lo && in->fit[f].x[k] <= h->hi)
        dmax = fmax (dmax, in->fit[f].pdf[k]);
  plot_file pf;
  fl_status st = plot_open (&pf, path, page, 1300, 620, err, errlen);
  if (st != FL_OK)
    return st;
  char title[400];
  snprintf (title, sizeof title, "Fits to %s", plot_esc (in->tensor ? in->tensor : "a tensor"));
  plschr (0, 1.0);
  plvpor (0.06, 0.97, 0.12, 0.88);
  plmtex ("t", 2.4, 0.5, 0.5, plot_title (page, title));
  plschr (0, 0.85);

  /* left: histogram and fitted densities */
  double ytop = dmax * (1.15 + 0.08 * (double) in->nfits);
  plvpor (0.09, 0.50, 0.12, 0.88);
  plwind (h->lo, h->hi, 0, ytop > 0 ? ytop : 1);
  plcol0 (PLOT_GRID);
  plbox ("g", 0, 0, "g", 0, 0);
  plcol0 (PLOT_GREY);
  for (size_t b = 0; b < h->nbins; b++)
    if (h->count[b] > 0)
      {
        double x0 = fl_hist_bin_lo (h, b), d = h->count[b] / (n * w);
        PLFLT x[4] = { x0, x0 + w, x0 + w, x0 }, y[4] = { 0, 0, d, d };
        plfill (4, x, y);
      }
  for (size_t f = 0; f < in->nfits; f++)
    {
      PLFLT *x = malloc ((in->fit[f].n ? in->fit[f].n : 1) * sizeof *x);
      PLFLT *y = malloc ((in->fit[f].n ? in->fit[f].n : 1) * sizeof *y);
      if (!x || !y)
        {
          free (x);
          free (y);
          return plot_oom (&pf, path, err, errlen);
        }
      size_t m = 0;
      for (size_t k = 0; k < in->fit[f].n; k++)
        if (isfinite (in->fit[f].pdf[k]) && in->fit[f].x[k] >= h->lo && in->fit[f].x[k] <= h->hi)
          {
            x[m] = in->fit[f].x[k];
            y[m++] = in->fit[f].pdf[k];
          }
      plot_set_series (f);
      plline ((PLINT) m, x, y);
      free (x);
      free (y);
    }
  plot_plain ();
  plbox ("bcnst", 0, 0, "bcnstv", 0, 0);
  plmtex ("t", 0.6, 0.5, 0.5, "histogram (grey) and fitted densities");
  plmtex ("b", 3.0, 0.5, 0.5, "x (the tensor's own unit)");
  plmtex ("l", 3.4, 0.5, 0.5, "probability density (per unit of x)");
  plot_series_legend (in->nfits, &in->fit[0].name, sizeof in->fit[0], NULL, NULL, 0);

  /* right: predicted against measured MSE */
  double lo = INFINITY, hi = -INFINITY;
  for (size_t k = 0; k < in->nformats; k++)
    {
      double p = in->mse_predicted[k], q = in->mse_measured[k];
      if (p > 0 && q > 0 && isfinite (p) && isfinite (q))
        {
          lo = fmin (lo, fmin (log10 (p), log10 (q)));
          hi = fmax (hi, fmax (log10 (p), log10 (q)));
        }
    }
  plvpor (0.60, 0.97, 0.12, 0.88);
  if (lo <= hi)
    {
      double pad = hi > lo ? 0.08 * (hi - lo) : 0.5;
      lo -= pad;
      hi += 2.5 * pad;      /* room for the format names right of the points */
      plwind (lo, hi, lo, hi);
      plcol0 (PLOT_GRID);
      plbox ("gl", 1, 0, "gl", 1, 0);
      plcol0 (PLOT_GREY);
      pllsty (2);
      pljoin (lo, lo, hi, hi);
      pllsty (1);
      for (size_t k = 0; k < in->nformats; k++)
        {
          double p = in->mse_predicted[k], q = in->mse_measured[k];
          if (!(p > 0 && q > 0 && isfinite (p) && isfinite (q)))
            continue;
          PLFLT x = log10 (q), y = log10 (p);
          plcol0 (plot_color (k));
          plschr (0, 0.6);
          plstring (1, &x, &y, plot_marker (k));
          plschr (0, 0.55);
          plcol0 (PLOT_FG);
          plptex (x + 0.015 * (hi - lo), y, 1, 0, 0, plot_esc (in->format[k]));
          plschr (0, 0.85);
        }
      plot_plain ();
      plbox ("bcnstl", 1, 0, "bcnstlv", 1, 0);
    }
  else
    {
      plwind (0, 1, 0, 1);
      plot_plain ();
      plbox ("bc", 0, 0, "bc", 0, 0);
      plptex (0.5, 0.5, 1, 0, 0.5, "no MSE to compare");
    }
  plmtex ("t", 0.6, 0.5, 0.5, "MSE per format: predicted vs measured");
  plmtex ("b", 3.0, 0.5, 0.5, "measured MSE (log scale)");
  plmtex ("l", 4.0, 0.5, 0.5, "predicted MSE (log scale)");
  return plot_close (&pf, 1, err, errlen);
}
