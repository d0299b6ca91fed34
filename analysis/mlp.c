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

fl_status
fl_mlp_init (fl_mlp *m, size_t nin, size_t nhid, size_t nout, uint64_t *rng, fl_mlp_quant *q)
{
  memset (m, 0, sizeof *m);
  m->nin = nin;
  m->nhid = nhid;
  m->nout = nout;
  m->w1 = malloc (nhid * nin * sizeof *m->w1);
  m->b1 = calloc (nhid, sizeof *m->b1);
  m->w2 = malloc (nout * nhid * sizeof *m->w2);
  m->b2 = calloc (nout, sizeof *m->b2);
  if (!m->w1 || !m->b1 || !m->w2 || !m->b2)
    {
      fl_mlp_free (m);
      return FL_ENOMEM;
    }
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
  free (m->w1);
  free (m->b1);
  free (m->w2);
  free (m->b2);
  memset (m, 0, sizeof *m);
}

fl_status
fl_mlp_grad_alloc (fl_mlp_grad *g, const fl_mlp *m)
{
  g->w1 = calloc (m->nhid * m->nin, sizeof *g->w1);
  g->b1 = calloc (m->nhid, sizeof *g->b1);
  g->w2 = calloc (m->nout * m->nhid, sizeof *g->w2);
  g->b2 = calloc (m->nout, sizeof *g->b2);
  if (!g->w1 || !g->b1 || !g->w2 || !g->b2)
    {
      fl_mlp_grad_free (g);
      return FL_ENOMEM;
    }
  return FL_OK;
}

void
fl_mlp_grad_free (fl_mlp_grad *g)
{
  free (g->w1);
  free (g->b1);
  free (g->w2);
  free (g->b2);
  memset (g, 0, sizeof *g);
}

/* Forward pass: z1 (pre-activations, rounded) into h, then ReLU in place; output
   probabilities into p (softmax computed in double from the rounded logits, then
   rounded). */
static void
forward (const fl_mlp *m, const double *x, double *h, double *p, fl_mlp_quant *q)
{
  for (size_t j = 0; j < m->nhid; j++)
    {
      const double *w = m->w1 + j * m->nin;
      double s = m->b1[j];
      for (size_t i = 0; i < m->nin; i++)
        s += w[i] * x[i];
      h[j] = s;
    }
  fl_mlp_round (q, h, m->nhid);
  for (size_t j = 0; j < m->nhid; j++)
    if (h[j] < 0)
      h[j] = 0;
  double zmax = -INFINITY;
  for (size_t k = 0; k < m->nout; k++)
    {
      const double *w = m->w2 + k * m->nhid;
      double s = m->b2[k];
      for (size_t j = 0; j < m->nhid; j++)
        s += w[j] * h[j];
      p[k] = s;
    }
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
      for (size_t k = 0; k < m->nout; k++)
        {
          if (d2[k] == 0)
            continue;
          double *gw = g->w2 + k * m->nhid;
          for (size_t j = 0; j < m->nhid; j++)
            gw[j] += d2[k] * h[j];
          g->b2[k] += d2[k];
        }
      for (size_t j = 0; j < m->nhid; j++)
        {
          if (d1[j] == 0)
            continue;
          double *gw = g->w1 + j * m->nin;
          for (size_t i = 0; i < m->nin; i++)
            gw[i] += d1[j] * xb[i];
          g->b1[j] += d1[j];
        }
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
