/* common.c -- the page set-up every chart shares: device from the file's extension, a
   temporary output file renamed into place, a light background, a palette that survives
   greyscale printing and colour-blindness, and the lock that serialises PLplot (it keeps
   its current stream in globals).  See doc/plots.md. */
#include <config.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>
#include "plots-impl.h"

static pthread_mutex_t plot_lock = PTHREAD_MUTEX_INITIALIZER;
/* PLplot's own error messages while the lock is held (plsabort handler) */
static char plot_error[256];

static void
abort_handler (PLCHAR_VECTOR msg)
{
  if (!plot_error[0])
    snprintf (plot_error, sizeof plot_error, "%s", msg);
}

static const char *
device_for (const char *path)
{
  const char *dot = strrchr (path, '.');
  if (!dot || strchr (dot, '/'))
    return NULL;
  if (strcasecmp (dot, ".png") == 0)
    return "pngcairo";
  if (strcasecmp (dot, ".svg") == 0)
    return "svgcairo";
  if (strcasecmp (dot, ".pdf") == 0)
    return "pdfcairo";
  return NULL;
}

int
fl_plot_path_ok (const char *path)
{
  return path && device_for (path) != NULL;
}

/* Okabe & Ito, "Color Universal Design" (2008): blue, vermillion, bluish green, reddish
   purple, orange, sky blue, black, yellow; yellow last, it is faint on white. */
static const unsigned char series_rgb[PLOT_NSERIES][3] = {
  { 0x00, 0x72, 0xB2 }, { 0xD5, 0x5E, 0x00 }, { 0x00, 0x9E, 0x73 }, { 0xCC, 0x79, 0xA7 },
  { 0xE6, 0x9F, 0x00 }, { 0x56, 0xB4, 0xE9 }, { 0x00, 0x00, 0x00 }, { 0xC8, 0xB4, 0x00 },
};
/* Closure-map outcomes, chosen on a greyscale ladder (luminance about 0.25 exact, 0.85
   rounded, 0.64 underflow, 0.44 overflow, 0.56 divide by zero, 0 NaN) so that a grey print
   keeps them apart; hues from the Okabe-Ito set. */
static const unsigned char outcome_rgb[FL_OUTCOMES][3] = {
  { 0x00, 0x4C, 0x7A }, { 0xBF, 0xE3, 0xF5 }, { 0xE6, 0x9F, 0x00 }, { 0xD5, 0x5E, 0x00 },
  { 0xCC, 0x79, 0xA7 }, { 0x00, 0x00, 0x00 },
};

static void
set_palette (void)
{
  PLINT r[PLOT_NCOLORS], g[PLOT_NCOLORS], b[PLOT_NCOLORS];
  r[PLOT_BG] = g[PLOT_BG] = b[PLOT_BG] = 255;
  r[PLOT_FG] = g[PLOT_FG] = b[PLOT_FG] = 0;
  r[PLOT_GRID] = g[PLOT_GRID] = b[PLOT_GRID] = 220;
  r[PLOT_GREY] = g[PLOT_GREY] = b[PLOT_GREY] = 120;
  for (int i = 0; i < PLOT_NSERIES; i++)
    {
      r[PLOT_SERIES0 + i] = series_rgb[i][0];
      g[PLOT_SERIES0 + i] = series_rgb[i][1];
      b[PLOT_SERIES0 + i] = series_rgb[i][2];
    }
  for (int i = 0; i < FL_OUTCOMES; i++)
    {
      r[PLOT_OUTCOME0 + i] = outcome_rgb[i][0];
      g[PLOT_OUTCOME0 + i] = outcome_rgb[i][1];
      b[PLOT_OUTCOME0 + i] = outcome_rgb[i][2];
    }
  plscmap0 (r, g, b, PLOT_NCOLORS);
}

fl_status
plot_open (plot_file *pf, const char *path, const fl_plot_page *page, int defw, int defh,
           char *err, size_t errlen)
{
  memset (pf, 0, sizeof *pf);
  const char *dev = path ? device_for (path) : NULL;
  if (!dev)
    {
      snprintf (err, errlen, "%s: a chart file must end in .png, .svg or .pdf",
                path ? path : "(null)");
      return FL_EINVAL;
    }
  int w = page && page->width > 0 ? page->width : defw;
  int h = page && page->height > 0 ? page->height : defh;
  if (w < 200 || h < 150 || w > 10000 || h > 10000)
    {
      snprintf (err, errlen, "%s: page size %dx%d outside 200x150 to 10000x10000", path, w, h);
      return FL_EINVAL;
    }
  size_t len = strlen (path);
  pf->path = strdup (path);
  pf->tmp = malloc (len + 16);
  if (!pf->path || !pf->tmp)
    {
      free (pf->path);
      free (pf->tmp);
      snprintf (err, errlen, "%s: out of memory", path);
      return FL_ENOMEM;
    }
  /* the temporary file is created here, so a missing or read-only directory is our
     error message rather than PLplot's exit() */
  snprintf (pf->tmp, len + 16, "%s.tmpXXXXXX", path);
  int fd = mkstemp (pf->tmp);
  if (fd < 0)
    {
      snprintf (err, errlen, "%s: cannot create: %s", path, strerror (errno));
      free (pf->path);
      free (pf->tmp);
      return FL_EINVAL;
    }
  /* mkstemp makes the file 0600: give it the permissions a new file normally gets */
  mode_t mask = umask (0);
  umask (mask);
  fchmod (fd, 0666 & ~mask);
  close (fd);
  pthread_mutex_lock (&plot_lock);
  plot_error[0] = 0;
  plsabort (abort_handler);
  /* device and file before every plinit, or PLplot asks for them on stdin */
  plsdev (dev);
  plsfnam (pf->tmp);
  plspause (0);
  set_palette ();
  plspage (0, 0, w, h, 0, 0);
  plinit ();
  pf->open = 1;
  pladv (0);
  plschr (0, 0.85);
  plfont (1);
  return FL_OK;
}

fl_status
plot_close (plot_file *pf, int ok, char *err, size_t errlen)
{
  fl_status st = FL_OK;
  if (pf->open)
    {
      plend1 ();
      pf->open = 0;
    }
  if (ok && plot_error[0])
    {
      snprintf (err, errlen, "%s: PLplot: %s", pf->path, plot_error);
      st = FL_EINVAL;
      ok = 0;
    }
  plsabort (NULL);
  pthread_mutex_unlock (&plot_lock);
  if (ok && rename (pf->tmp, pf->path) != 0)
    {
      snprintf (err, errlen, "%s: cannot rename into place: %s", pf->path, strerror (errno));
      st = FL_EINVAL;
      ok = 0;
    }
  if (!ok)
    unlink (pf->tmp);
  free (pf->path);
  free (pf->tmp);
  pf->path = pf->tmp = NULL;
  return st;
}

int
plot_color (size_t i)
{
  return PLOT_SERIES0 + (int) (i % PLOT_NSERIES);
}

int
plot_lstyle (size_t i)
{
  /* PLplot's styles 1-8: 1 solid, the others dashed or dotted patterns */
  return 1 + (int) (i % 8);
}

const char *
plot_marker (size_t i)
{
  static const char *const m[] = { "●", "■", "▲", "◆", "▼", "○", "□", "△" };
  return m[i % (sizeof m / sizeof m[0])];
}

void
plot_set_series (size_t i)
{
  plcol0 (plot_color (i));
  pllsty (plot_lstyle (i));
  plwidth (2.0);
}

void
plot_plain (void)
{
  plcol0 (PLOT_FG);
  pllsty (1);
  plwidth (1.0);
}

const char *
plot_title (const fl_plot_page *page, const char *dflt)
{
  return page && page->title ? page->title : dflt;
}

void
plot_legend (size_t n, const char *const *text, const int *col, const int *lstyle,
             int markers, int boxes, int position)
{
  if (n == 0)
    return;
  PLINT *opt = calloc (n, sizeof *opt), *tcol = calloc (n, sizeof *tcol);
  PLINT *bcol = calloc (n, sizeof *bcol), *bpat = calloc (n, sizeof *bpat);
  PLINT *lcol = calloc (n, sizeof *lcol), *lsty = calloc (n, sizeof *lsty);
  PLINT *scol = calloc (n, sizeof *scol), *snum = calloc (n, sizeof *snum);
  PLFLT *bscale = calloc (n, sizeof *bscale), *bwidth = calloc (n, sizeof *bwidth);
  PLFLT *lwidth = calloc (n, sizeof *lwidth), *sscale = calloc (n, sizeof *sscale);
  const char **sym = calloc (n, sizeof *sym);
  if (opt && tcol && bcol && bpat && lcol && lsty && scol && snum && bscale && bwidth
      && lwidth && sscale && sym)
    {
      for (size_t i = 0; i < n; i++)
        {
          opt[i] = boxes ? PL_LEGEND_COLOR_BOX
                         : PL_LEGEND_LINE | (markers ? PL_LEGEND_SYMBOL : 0);
          tcol[i] = PLOT_FG;
          bcol[i] = col[i];
          bpat[i] = 0;
          bscale[i] = 0.8;
          bwidth[i] = 1;
          lcol[i] = col[i];
          lsty[i] = lstyle ? lstyle[i] : 1;
          lwidth[i] = 2.0;
          scol[i] = col[i];
          sscale[i] = 0.6;
          snum[i] = 1;
          /* the marker goes with the colour (plot_color and plot_marker cycle alike) */
          sym[i] = markers ? plot_marker ((size_t) (col[i] - PLOT_SERIES0)) : "";
        }
      PLFLT lw, lh;
      pllegend (&lw, &lh, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX,
                ((position & PL_POSITION_OUTSIDE) ? position : position | PL_POSITION_INSIDE)
                | PL_POSITION_VIEWPORT, 0.01, 0.01, 0.08,
                PLOT_BG, PLOT_GREY, 1, 0, 0, (PLINT) n, opt, 1.0, 0.75, 2.0, 0.0, tcol,
                (const char *const *) text, bcol, bpat, bscale, bwidth, lcol, lsty, lwidth,
                scol, sscale, snum, (const char *const *) sym);
    }
  free (opt); free (tcol); free (bcol); free (bpat); free (lcol); free (lsty);
  free (scol); free (snum); free (bscale); free (bwidth); free (lwidth); free (sscale);
  free (sym);
  plot_plain ();
}

double
plot_tick (double span, int target)
{
  if (!(span > 0) || target < 1)
    return 1;
  double raw = span / target;
  double p = pow (10, floor (log10 (raw)));
  double m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

const char *
plot_esc (const char *s)
{
  static _Thread_local char ring[4][512];
  static _Thread_local int k;
  char *out = ring[k++ & 3];
  size_t j = 0;
  for (; s && *s && j + 2 < sizeof ring[0]; s++)
    {
      if (*s == '#')
        out[j++] = '#';
      out[j++] = *s;
    }
  out[j] = 0;
  return out;
}

void
plot_panel (const plot_panel_spec *p)
{
  plvpor (p->vx0, p->vx1, p->vy0, p->vy1);
  plwind (p->x0, p->x1, p->y0, p->y1);
  double xt = p->xlog ? 1 : p->xtick, yt = p->ylog ? 1 : p->ytick;
  plcol0 (PLOT_GRID);
  plbox ("g", xt, 0, "g", yt, 0);
  plot_plain ();
  plbox (p->xlog ? "bcnstl" : "bcnst", xt, 0, p->ylog ? "bcnstlv" : "bcnstv", yt, 0);
  plschr (0, 1.0);
  plmtex ("t", 1.6, 0.5, 0.5, p->title ? p->title : "");
  plschr (0, 0.85);
  plmtex ("b", 3.2, 0.5, 0.5, p->xlabel ? p->xlabel : "");
  plmtex ("l", 4.2, 0.5, 0.5, p->ylabel ? p->ylabel : "");
}

void
plot_series_legend (size_t n, const void *base, size_t stride, const size_t *col,
                    const size_t *sty, int markers)
{
  if (n < 2)
    return;
  int *c = malloc (n * sizeof *c), *l = malloc (n * sizeof *l);
  char (*buf)[128] = malloc (n * sizeof *buf);
  const char **text = malloc (n * sizeof *text);
  if (c && l && buf && text)
    {
      for (size_t i = 0; i < n; i++)
        {
          const char *name = *(const char *const *) ((const char *) base + i * stride);
          c[i] = plot_color (col ? col[i] : i);
          l[i] = plot_lstyle (sty ? sty[i] : i);
          /* copied: plot_esc's ring holds only a few strings */
          snprintf (buf[i], sizeof buf[i], "%s", plot_esc (name ? name : ""));
          text[i] = buf[i];
        }
      plot_legend (n, text, c, l, markers, 0, PL_POSITION_TOP | PL_POSITION_RIGHT);
    }
  free (c);
  free (l);
  free (buf);
  free (text);
}

fl_status
plot_oom (plot_file *pf, const char *path, char *err, size_t errlen)
{
  plot_close (pf, 0, err, errlen);
  snprintf (err, errlen, "%s: out of memory", path);
  return FL_ENOMEM;
}
