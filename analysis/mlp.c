/* mlp.c -- a small MLP with every operation rounded to a number format (mlp-impl.h). */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "mlp-impl.h"
#include "study-impl.h"

void
fl_mlp_round (fl_mlp_quant *q, double *x, size_t n)
{
  if (!q || !q->fmt || n == 0)
    return;
  fl_quantize_doubles (q->fmt, x, x, n, &q->rnd, NULL);
  q->rnd.stream += n;
}

static void
arrays_free (double **w1, double **b1, double **w2, double **b2)
{
  free (*w1);
  free (*b1);
  free (*w2);
  free (*b2);
  *w1 = *b1 = *w2 = *b2 = NULL;
}

/* The four zeroed arrays of a network's shape, for its weights or their gradients: all
   of them or none. */
static fl_status
arrays_alloc (size_t nin, size_t nhid, size_t nout, double **w1, double **b1, double **w2,
              double **b2)
{
  *w1 = calloc (nhid * nin, sizeof **w1);
  *b1 = calloc (nhid, sizeof **b1);
  *w2 = calloc (nout * nhid, sizeof **w2);
  *b2 = calloc (nout, sizeof **b2);
  if (*w1 && *b1 && *w2 && *b2)
    return FL_OK;
  arrays_free (w1, b1, w2, b2);
  return FL_ENOMEM;
}

fl_status
fl_mlp_init (fl_mlp *m, size_t nin, size_t nhid, size_t nout, uint64_t *rng, fl_mlp_quant *q)
{
  memset (m, 0, sizeof *m);
  m->nin = nin;
  m->nhid = nhid;
  m->nout = nout;
  if (arrays_alloc (nin, nhid, nout, &m->w1, &m->b1, &m->w2, &m->b2) != FL_OK)
    return FL_ENOMEM;
  double a1 = sqrt (6.0 / (double) (nin + nhid)), a2 = sqrt (6.0 / (double) (nhid + nout));
  for (size_t i = 0; i < nhid * nin; i++)
    m->w1[i] = a1 * (2 * fl_study_uniform (rng) - 1);
  for (size_t i = 0; i < nout * nhid; i++)
    m->w2[i] = a2 * (2 * fl_study_uniform (rng) - 1);
  fl_mlp_round (q, m->w1, nhid * nin);
  fl_mlp_round (q, m->w2, nout * nhid);
  return FL_OK;
}

void
fl_mlp_free (fl_mlp *m)
{
  arrays_free (&m->w1, &m->b1, &m->w2, &m->b2);
  memset (m, 0, sizeof *m);
}

fl_status
fl_mlp_grad_alloc (fl_mlp_grad *g, const fl_mlp *m)
{
  return arrays_alloc (m->nin, m->nhid, m->nout, &g->w1, &g->b1, &g->w2, &g->b2);
}

void
fl_mlp_grad_free (fl_mlp_grad *g)
{
  arrays_free (&g->w1, &g->b1, &g->w2, &g->b2);
}

/* Forward pass: z1 (pre-activations, rounded) into h, then ReLU in place; output
   probabilities into p (softmax computed in double from the rounded logits, then
   rounded). */
/* out = W x + b for W nout x nin (row-major), each sum in order from the bias. */
static void
dense (const double *w, const double *b, const double *x, size_t nin, size_t nout,
       double *out)
{
  for (size_t k = 0; k < nout; k++)
    {
      const double *row = w + k * nin;
      double s = b[k];
      for (size_t i = 0; i < nin; i++)
        s += row[i] * x[i];
      out[k] = s;
    }
}

/* gw += d x^T (gw nout x nin), gb += d, skipping the rows whose error is zero. */
static void
outer_add (double *gw, double *gb, const double *d, const double *x, size_t nin, size_t nout)
{
  for (size_t k = 0; k < nout; k++)
    {
      if (d[k] == 0)
        continue;
      double *row = gw + k * nin;
      for (size_t i = 0; i < nin; i++)
        row[i] += d[k] * x[i];
      gb[k] += d[k];
    }
}

static void
forward (const fl_mlp *m, const double *x, double *h, double *p, fl_mlp_quant *q)
{
  dense (m->w1, m->b1, x, m->nin, m->nhid, h);
  fl_mlp_round (q, h, m->nhid);
  for (size_t j = 0; j < m->nhid; j++)
    if (h[j] < 0)
      h[j] = 0;
  double zmax = -INFINITY;
  dense (m->w2, m->b2, h, m->nhid, m->nout, p);
  fl_mlp_round (q, p, m->nout);
  for (size_t k = 0; k < m->nout; k++)
    if (p[k] > zmax)
      zmax = p[k];
  double sum = 0;
  for (size_t k = 0; k < m->nout; k++)
    sum += (p[k] = exp (p[k] - zmax));
  for (size_t k = 0; k < m->nout; k++)
    p[k] /= sum;
}

size_t
fl_mlp_predict (const fl_mlp *m, const double *x, double *h, double *p, fl_mlp_quant *q)
{
  forward (m, x, h, p, q);
  size_t best = 0;
  for (size_t k = 1; k < m->nout; k++)
    if (p[k] > p[best])
      best = k;
  return best;
}

double
fl_mlp_loss_grad (const fl_mlp *m, const double *x, const uint8_t *y, size_t B,
                  fl_mlp_grad *g, fl_mlp_quant *q)
{
  double *h = malloc ((m->nhid * 2 + m->nout * 2) * sizeof *h);
  if (!h)
    return NAN;
  double *d1 = h + m->nhid, *p = d1 + m->nhid, *d2 = p + m->nout;
  if (g)
    {
      memset (g->w1, 0, m->nhid * m->nin * sizeof *g->w1);
      memset (g->b1, 0, m->nhid * sizeof *g->b1);
      memset (g->w2, 0, m->nout * m->nhid * sizeof *g->w2);
      memset (g->b2, 0, m->nout * sizeof *g->b2);
    }
  double loss = 0, inv = 1.0 / (double) B;
  for (size_t b = 0; b < B; b++)
    {
      const double *xb = x + b * m->nin;
      forward (m, xb, h, p, q);
      loss -= log (p[y[b]] > 1e-300 ? p[y[b]] : 1e-300);
      if (!g)
        continue;
      /* output error, rounded */
      for (size_t k = 0; k < m->nout; k++)
        d2[k] = p[k] - (k == y[b]);
      fl_mlp_round (q, d2, m->nout);
      /* back-propagated error: one MACC per hidden unit, rounded once */
      for (size_t j = 0; j < m->nhid; j++)
        {
          double s = 0;
          if (h[j] > 0)
            for (size_t k = 0; k < m->nout; k++)
              s += m->w2[k * m->nhid + j] * d2[k];
          d1[j] = s;
        }
      fl_mlp_round (q, d1, m->nhid);
      /* gradients: exact sums over the batch (scaled by 1/B at the end) */
      outer_add (g->w2, g->b2, d2, h, m->nhid, m->nout);
      outer_add (g->w1, g->b1, d1, xb, m->nin, m->nhid);
    }
  if (g)
    {
      for (size_t i = 0; i < m->nhid * m->nin; i++)
        g->w1[i] *= inv;
      for (size_t i = 0; i < m->nhid; i++)
        g->b1[i] *= inv;
      for (size_t i = 0; i < m->nout * m->nhid; i++)
        g->w2[i] *= inv;
      for (size_t i = 0; i < m->nout; i++)
        g->b2[i] *= inv;
    }
  free (h);
  return loss * inv;
}

static void
update (double *w, const double *g, size_t n, double lr, fl_mlp_quant *q)
{
  for (size_t i = 0; i < n; i++)
    w[i] -= lr * g[i];
  fl_mlp_round (q, w, n);
}

void
fl_mlp_step (fl_mlp *m, const fl_mlp_grad *g, double lr, fl_mlp_quant *q)
{
  update (m->w1, g->w1, m->nhid * m->nin, lr, q);
  update (m->b1, g->b1, m->nhid, lr, q);
  update (m->w2, g->w2, m->nout * m->nhid, lr, q);
  update (m->b2, g->b2, m->nout, lr, q);
}
