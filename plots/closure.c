/* closure.c -- chart (6): the closure map of an operation on a small format, every pair
   of operands coloured by outcome (exact, rounded, underflow, overflow, divide by zero,
   NaN), operands in value order with powers of two marked on the axes. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plots-impl.h"

/* index on the axis of the value closest to v among finite values (side if none) */
static size_t
axis_index (const fl_closure *c, double v)
{
  size_t best = c->side;
  double bd = INFINITY;
  for (size_t i = 0; i < c->side; i++)
    {
      double a = c->axis_value[i];
      if (!isfinite (a))
        continue;
      double d = fabs (a - v);
      if (d < bd)
        {
          bd = d;
          best = i;
        }
    }
  return best;
}

/* a tick and label for value v on both axes, unless too close to one already drawn */
typedef struct {
  size_t at[64];
  size_t n;
} marks;

static void
mark (const fl_closure *c, marks *m, double v, const char *label)
{
  size_t i = axis_index (c, v);
  if (i >= c->side)
    return;
  for (size_t k = 0; k < m->n; k++)
    {
      size_t d = i > m->at[k] ? i - m->at[k] : m->at[k] - i;
      if (d < c->side / 14)
        return;
    }
  if (m->n < 64)
    m->at[m->n++] = i;
  double side = (double) c->side, pos = ((double) i + 0.5) / side;
  plot_plain ();
  pljoin ((double) i + 0.5, 0, (double) i + 0.5, 0.015 * side);
  pljoin (0, (double) i + 0.5, 0.015 * side, (double) i + 0.5);
  plschr (0, 0.7);
  plmtex ("b", 1.3, pos, 0.5, label);
  plmtex ("lv", 0.8, pos, 1.0, label);
  plschr (0, 0.85);
}

fl_status
fl_plot_closure (const char *path, const fl_plot_page *page, const char *format,
                 const char *op, const fl_closure *c, char *err, size_t errlen)
{
  if (!c || c->side == 0 || !c->outcome || !c->axis_value)
    {
      snprintf (err, errlen, "%s: the closure map is empty", path);
      return FL_EINVAL;
    }
  size_t side = c->side;
  PLFLT **z = malloc (side * sizeof *z);
  PLFLT *zbuf = malloc (side * side * sizeof *zbuf);
  if (!z || !zbuf)
    {
      free (z);
      free (zbuf);
      snprintf (err, errlen, "%s: out of memory", path);
      return FL_ENOMEM;
    }
  /* plimage's matrix is [x][y]: x = b (column j), y = a (row i) */
  for (size_t j = 0; j < side; j++)
    {
      z[j] = zbuf + j * side;
      for (size_t i = 0; i < side; i++)
        z[j][i] = c->outcome[i * side + j];
    }
  plot_file pf;
  fl_status st = plot_open (&pf, path, page, 1280, 900, err, errlen);
  if (st != FL_OK)
    {
      free (z);
      free (zbuf);
      return st;
    }
  PLINT r[FL_OUTCOMES], g[FL_OUTCOMES], b[FL_OUTCOMES];
  for (int k = 0; k < FL_OUTCOMES; k++)
    plgcol0 (PLOT_OUTCOME0 + k, &r[k], &g[k], &b[k]);
  plscmap1n (FL_OUTCOMES);
  plscmap1 (r, g, b, FL_OUTCOMES);
  double n = (double) side;
  /* a square map on the left, the legend to its right */
  plvpas (0.09, 0.69, 0.10, 0.90, 1.0);
  plwind (0, n, 0, n);
  plimage ((const PLFLT *const *) z, (PLINT) side, (PLINT) side, 0, n, 0, n, 0,
           FL_OUTCOMES - 1, 0, n, 0, n);
  plot_plain ();
  plbox ("bc", 0, 0, "bc", 0, 0);
  char title[256];
  const char *sym = strcmp (op, "add") == 0 ? "+" : strcmp (op, "sub") == 0 ? "−"
                    : strcmp (op, "mul") == 0 ? "×" : strcmp (op, "div") == 0 ? "÷" : op;
  snprintf (title, sizeof title, "Closure map of %s %s: a %s b for every pair of codes",
            plot_esc (format), plot_esc (op), plot_esc (sym));
  plschr (0, 0.95);
  plmtex ("t", 1.6, 0.5, 0.5, plot_title (page, title));
  plschr (0, 0.85);
  plmtex ("b", 3.2, 0.5, 0.5, "operand b (codes in value order, NaN last)");
  plmtex ("l", 3.6, 0.5, 0.5, "operand a (codes in value order, NaN last)");
  /* powers of two on both axes: 0, +-1 and a few more across the range */
  double vmax = 0, vmin = INFINITY;
  for (size_t i = 0; i < side; i++)
    {
      double a = fabs (c->axis_value[i]);
      if (isfinite (a) && a > vmax)
        vmax = a;
      if (isfinite (a) && a > 0 && a < vmin)
        vmin = a;
    }
  marks m = { { 0 }, 0 };
  mark (c, &m, 0, "0");
  if (vmax > 0)
    {
      int kmax = (int) floor (log2 (vmax)), kmin = (int) ceil (log2 (vmin));
      int span = kmax > -kmin ? kmax : -kmin;
      int step = span <= 4 ? 2 : span <= 8 ? 4 : span <= 16 ? 8 : 16;
      /* large magnitudes first: they sit at the edges, where labels have room */
      for (int k = kmax; k >= kmin; k--)
        if (k % step == 0 || k == kmax)
          {
            char lab[32];
            if (k == 0)
              {
                mark (c, &m, 1, "1");
                mark (c, &m, -1, "-1");
                continue;
              }
            snprintf (lab, sizeof lab, "2#u%d#d", k);
            mark (c, &m, ldexp (1, k), lab);
            snprintf (lab, sizeof lab, "-2#u%d#d", k);
            mark (c, &m, -ldexp (1, k), lab);
          }
    }
  /* legend with the share of each outcome */
  char text[FL_OUTCOMES][96];
  const char *tp[FL_OUTCOMES];
  int col[FL_OUTCOMES];
  double total = 0;
  for (int k = 0; k < FL_OUTCOMES; k++)
    total += c->count[k];
  for (int k = 0; k < FL_OUTCOMES; k++)
    {
      snprintf (text[k], sizeof text[k], "%s: %.1f%%", fl_outcome_name ((fl_outcome) k),
                total > 0 ? 100 * c->count[k] / total : 0);
      tp[k] = text[k];
      col[k] = PLOT_OUTCOME0 + k;
    }
  plot_legend (FL_OUTCOMES, tp, col, NULL, 0, 1, PL_POSITION_RIGHT | PL_POSITION_OUTSIDE);
  free (z);
  free (zbuf);
  return plot_close (&pf, 1, err, errlen);
}
