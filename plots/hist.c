/* hist.c -- chart (3): a tensor's histogram of log2|x| with each candidate format's range
   and grid laid over it and the mass it clips or flushes hatched; under it the histogram
   of x itself. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plots-impl.h"

static void
bar (double x0, double x1, double y0, double y1)
{
  PLFLT x[4] = { x0, x1, x1, x0 }, y[4] = { y0, y0, y1, y1 };
  plfill (4, x, y);
}

fl_status
fl_plot_hist (const char *path, const fl_plot_page *page, const fl_plot_hist_input *in,
              char *err, size_t errlen)
{
  const fl_hist *h = in ? in->log2abs : NULL;
  if (!h || !h->log2abs || h->nbins == 0)
    {
      snprintf (err, errlen, "%s: a histogram chart needs a histogram of log2|x|", path);
      return FL_EINVAL;
    }
  size_t nc = in->ncand;
  double cmax = 0;
  for (size_t b = 0; b < h->nbins; b++)
    if (h->count[b] > cmax)
      cmax = h->count[b];
  if (!(cmax > 0))
    {
      snprintf (err, errlen, "%s: the histogram is empty", path);
      return FL_EINVAL;
    }
  plot_file pf;
  fl_status st = plot_open (&pf, path, page, 1100, in->linear ? 960 : 720, err, errlen);
  if (st != FL_OK)
    return st;
  double w = fl_hist_bin_width (h);
  /* headroom for the legend above the bars */
  double ytop = log10 (cmax) * 1.25 + 1.2;
  double strip = 0.03 * (double) (nc ? nc : 1);
  double top0 = in->linear ? 0.46 : 0.12 + strip + 0.02, top1 = 0.91;
  double xtick = plot_tick (h->hi - h->lo, 14);
  char title[512];
  snprintf (title, sizeof title, "Histogram of log#d2#u|x| of %s with the candidate formats",
            plot_esc (in->tensor ? in->tensor : "a tensor"));

  /* top panel: counts on a log axis (log10 of the count; empty bins not drawn) */
  plvpor (0.11, 0.97, top0, top1);
  plwind (h->lo, h->hi, 0, ytop);
  plcol0 (PLOT_GRID);
  plbox ("g", xtick, 0, "g", 1, 0);
  for (size_t b = 0; b < h->nbins; b++)
    if (h->count[b] >= 1)
      {
        double x0 = fl_hist_bin_lo (h, b), y1 = log10 (h->count[b]) + 0.0001;
        plcol0 (PLOT_GREY);
        plpsty (0);
        bar (x0, x0 + w, 0, y1 > 0.02 ? y1 : 0.02);
      }
  /* each candidate: hatch the bins it flushes (below half its smallest value) or clips
     (above its largest), and mark both limits */
  for (size_t i = 0; i < nc; i++)
    {
      const fl_candidate_range *r = in->cand[i].range;
      double fl = log2 (r->minpos) - 1, cl = log2 (r->max);
      plot_set_series (i);
      plpsty (1 + (int) (i % 8));
      for (size_t b = 0; b < h->nbins; b++)
        {
          double x0 = fl_hist_bin_lo (h, b);
          if (h->count[b] < 1 || (x0 + w > fl && x0 < cl))
            continue;
          double a = x0, z = x0 + w;
          if (x0 < fl && x0 + w > fl)
            z = fl;
          if (x0 < cl && x0 + w > cl)
            a = cl;
          bar (a, z, 0, log10 (h->count[b]) + 0.0001);
        }
      plpsty (0);
      plwidth (1.6);
      if (fl > h->lo && fl < h->hi)
        pljoin (fl, 0, fl, ytop);
      if (cl > h->lo && cl < h->hi)
        pljoin (cl, 0, cl, ytop);
    }
  plot_plain ();
  plbox ("bcst", xtick, 0, "bcnstlv", 1, 0);
  plschr (0, 0.95);
  plmtex ("t", 2.4, 0.5, 0.5, plot_title (page, title));
  plschr (0, 0.7);
  plmtex ("t", 0.7, 0.5, 0.5, "hatched: mass flushed to zero (left of a format's line) or "
                               "clipped (right of it); shares in the legend");
  plschr (0, 0.85);
  plmtex ("l", 3.6, 0.5, 0.5, "elements per bin (log scale)");
  if (nc > 0)
    {
      char (*text)[200] = malloc (nc * sizeof *text);
      const char **tp = malloc (nc * sizeof *tp);
      int *col = malloc (nc * sizeof *col), *sty = malloc (nc * sizeof *sty);
      if (text && tp && col && sty)
        {
          for (size_t i = 0; i < nc; i++)
            {
              snprintf (text[i], sizeof text[i], "%s: clipped %.3g%%, flushed %.3g%%",
                        plot_esc (in->cand[i].name), 100 * in->cand[i].clipped,
                        100 * in->cand[i].flushed);
              tp[i] = text[i];
              col[i] = plot_color (i);
              sty[i] = plot_lstyle (i);
            }
          plot_legend (nc, tp, col, sty, 0, 0, PL_POSITION_TOP | PL_POSITION_RIGHT);
        }
      free (text);
      free (tp);
      free (col);
      free (sty);
    }

  /* the candidates' strip: range as a bar, grid values as ticks */
  double s0 = top0 - 0.01 - strip, s1 = top0 - 0.01;
  plvpor (0.11, 0.97, s0, s1);
  plwind (h->lo, h->hi, 0, (double) (nc ? nc : 1));
  plot_plain ();
  plbox ("bcnst", xtick, 0, "bc", 0, 0);
  plmtex ("b", 2.6, 0.5, 0.5, "log#d2#u|x| (binades); zeros are not on this axis");
  for (size_t i = 0; i < nc; i++)
    {
      const fl_candidate_range *r = in->cand[i].range;
      double yy = (double) nc - (double) i - 0.5;
      double a = log2 (r->minpos), z = log2 (r->max);
      double a1 = a < h->lo ? h->lo : a, z1 = z > h->hi ? h->hi : z;
      plot_set_series (i);
      pllsty (1);
      if (a1 < z1)
        {
          plwidth (1.0);
          pljoin (a1, yy, z1, yy);
        }
      plwidth (1.0);
      for (size_t k = 0; k < r->ngrid; k++)
        {
          double g = log2 (r->grid[k]);
          if (g >= h->lo && g <= h->hi)
            pljoin (g, yy - 0.32, g, yy + 0.32);
        }
      /* the name (up to its first blank) in the left margin */
      char shortname[64];
      snprintf (shortname, sizeof shortname, "%s", in->cand[i].name);
      shortname[strcspn (shortname, " ")] = 0;
      plcol0 (plot_color (i));
      plschr (0, 0.6);
      plmtex ("lv", 0.5, yy / (double) nc, 1.0, plot_esc (shortname));
      plschr (0, 0.85);
    }

  /* bottom panel: the histogram of x */
  if (in->linear && in->linear->nbins > 0)
    {
      const fl_hist *l = in->linear;
      double lmax = 0;
      for (size_t b = 0; b < l->nbins; b++)
        if (l->count[b] > lmax)
          lmax = l->count[b];
      plvpor (0.11, 0.97, 0.07, s0 - 0.11);
      plwind (l->lo, l->hi, 0, lmax > 0 ? lmax * 1.1 : 1);
      plcol0 (PLOT_GRID);
      plbox ("g", 0, 0, "g", 0, 0);
      double lw = fl_hist_bin_width (l);
      plcol0 (PLOT_GREY);
      for (size_t b = 0; b < l->nbins; b++)
        if (l->count[b] > 0)
          bar (fl_hist_bin_lo (l, b), fl_hist_bin_lo (l, b) + lw, 0, l->count[b]);
      plot_plain ();
      plbox ("bcnst", 0, 0, "bcnstv", 0, 0);
      plmtex ("t", 0.6, 0.5, 0.5, "Histogram of x (linear axes)");
      plmtex ("b", 2.6, 0.5, 0.5, "x (the tensor's own unit)");
      plmtex ("l", 5.0, 0.5, 0.5, "count");
    }
  return plot_close (&pf, 1, err, errlen);
}
