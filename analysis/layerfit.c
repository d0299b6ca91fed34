/* layerfit.c -- grouped low-bit fits of a linear layer against its inputs: round to
   nearest, MSE grid, GPTQ error feedback, decoupleQ's alternation (include/fmtlab/layerfit.h;
   doc/studies.md). */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_errno.h>
#include <fmtlab/layerfit.h>
#include <fmtlab/tensor.h>

static const char *const method_names[FL_LFIT_METHODS] = { "rtn", "mse", "gptq", "decoupleq" };

const char *
fl_lfit_method_name (fl_lfit_method m)
{
  return (unsigned) m < FL_LFIT_METHODS ? method_names[m] : "?";
}

int
fl_lfit_method_parse (const char *s, fl_lfit_method *m)
{
  for (int i = 0; i < FL_LFIT_METHODS; i++)
    if (strcmp (s, method_names[i]) == 0)
      {
        *m = (fl_lfit_method) i;
        return 0;
      }
  return -1;
}

void
fl_layerfit_opts_init (fl_layerfit_opts *o)
{
  o->bits = 2;
  o->group = 64;
  o->rounds = 4;
  o->pg_steps = 100;
}

static void
set_err (char *err, size_t errlen, const char *msg)
{
  if (err && errlen)
    snprintf (err, errlen, "%s", msg);
}

fl_status
fl_layerfit_hessian (const double *x, size_t N, size_t n, double percdamp, double *h,
                     char *err, size_t errlen)
{
  if (N == 0 || n == 0)
    {
      set_err (err, errlen, "no inputs to build H from");
      return FL_EINVAL;
    }
  memset (h, 0, n * n * sizeof *h);
  for (size_t t = 0; t < N; t++)
    {
      const double *xt = x + t * n;
      for (size_t i = 0; i < n; i++)
        {
          if (!isfinite (xt[i]))
            {
              set_err (err, errlen, "the inputs hold NaN or infinity");
              return FL_EINVAL;
            }
          if (xt[i] == 0)
            continue;
          double *hi = h + i * n;
          for (size_t j = i; j < n; j++)
            hi[j] += xt[i] * xt[j];
        }
    }
  double mean = 0;
  for (size_t i = 0; i < n; i++)
    for (size_t j = i; j < n; j++)
      {
        h[i * n + j] /= (double) N;
        h[j * n + i] = h[i * n + j];
      }
  for (size_t i = 0; i < n; i++)
    mean += h[i * n + i];
  mean /= (double) n;
  if (!(mean > 0))
    mean = 1;          /* all-zero inputs: H = percdamp * I keeps the fits defined */
  for (size_t i = 0; i < n; i++)
    h[i * n + i] += percdamp * mean;
  return FL_OK;
}

/* (d) H (d)^T for one row's difference d. */
static double
row_quad (const double *d, size_t n, const double *h)
{
  double s = 0;
  for (size_t i = 0; i < n; i++)
    {
      if (d[i] == 0)
        continue;
      const double *hi = h + i * n;
      double t = 0;
      for (size_t j = 0; j < n; j++)
        t += hi[j] * d[j];
      s += d[i] * t;
    }
  return s;
}

static double
row_loss (const double *w, const double *wq, size_t n, const double *h, double *scratch)
{
  for (size_t j = 0; j < n; j++)
    scratch[j] = w[j] - wq[j];
  return row_quad (scratch, n, h);
}

double
fl_layer_loss (const double *w, const double *wq, size_t m, size_t n, const double *h)
{
  double *d = malloc (n * sizeof *d), s = 0;
  if (!d)
    return NAN;
  for (size_t r = 0; r < m; r++)
    s += row_loss (w + r * n, wq + r * n, n, h, d);
  free (d);
  return s;
}

/* ---- the grid ---- */

typedef struct {
  int qmin, qmax;
  size_t n, g, G;      /* columns, group size, groups */
} grid;

/* Nearest level, ties toward +infinity (decoupleQ's rounding helper, SPEC-free:
   doc/studies.md). */
static int
quant (double w, double s, double z, const grid *gr)
{
  if (s == 0 || !isfinite (s))
    return 0;
  double t = floor ((w - z) / s + 0.5);
  if (t < gr->qmin)
    return gr->qmin;
  if (t > gr->qmax)
    return gr->qmax;
  return (int) t;
}

/* Min/max grid of values v[0..len) shrunk by p; range widened to hold 0. */
static void
minmax_grid (const double *v, size_t len, double p, const grid *gr, double *s, double *z)
{
  double lo = 0, hi = 0;
  for (size_t j = 0; j < len; j++)
    {
      if (v[j] < lo)
        lo = v[j];
      if (v[j] > hi)
        hi = v[j];
    }
  lo *= p;
  hi *= p;
  double sc = (hi - lo) / (double) (gr->qmax - gr->qmin);
  if (!(sc > 0))
    sc = 1;
  *s = sc;
  *z = lo - sc * gr->qmin;
}

/* Shrink search p = 1 - i/200, i < 160, for the least weighted squared error of the
   group (weights wt, or 1 when wt is NULL). */
static void
search_grid (const double *v, size_t len, const double *wt, const grid *gr, double *s,
             double *z)
{
  double best = INFINITY;
  for (int i = 0; i < 160; i++)
    {
      double si, zi, e = 0;
      minmax_grid (v, len, 1 - i / 200.0, gr, &si, &zi);
      for (size_t j = 0; j < len; j++)
        {
          double d = v[j] - (quant (v[j], si, zi, gr) * si + zi);
          e += (wt ? wt[j] : 1) * d * d;
        }
      if (e < best)
        {
          best = e;
          *s = si;
          *z = zi;
        }
    }
}

/* ---- closed-form (s, z) ---- */

fl_status
fl_layerfit_refit_row (const double *w, const int *q, size_t n, size_t group,
                       const double *h, double *s, double *z)
{
  size_t g = group ? group : n, G = (n + g - 1) / g, K = 2 * G;
  double *aq = calloc (2 * n * G + K * K + K, sizeof *aq);
  if (!aq)
    return FL_ENOMEM;
  double *a1 = aq + n * G, *M = a1 + n * G, *rhs = M + K * K;
  /* aq[j][h] = sum_{k in h} H_jk q_k, a1[j][h] = sum_{k in h} H_jk */
  for (size_t j = 0; j < n; j++)
    for (size_t k = 0; k < n; k++)
      {
        double hjk = h[j * n + k];
        aq[j * G + k / g] += hjk * q[k];
        a1[j * G + k / g] += hjk;
      }
  for (size_t j = 0; j < n; j++)
    {
      size_t gj = j / g;
      double hw_j = 0;
      for (size_t k = 0; k < n; k++)
        hw_j += h[j * n + k] * w[k];
      rhs[gj] += q[j] * hw_j;
      rhs[G + gj] += hw_j;
      for (size_t hh = 0; hh < G; hh++)
        {
          M[gj * K + hh] += q[j] * aq[j * G + hh];
          M[gj * K + G + hh] += q[j] * a1[j * G + hh];
          M[(G + gj) * K + hh] += aq[j * G + hh];
          M[(G + gj) * K + G + hh] += a1[j * G + hh];
        }
    }
  /* least squares through the SVD: a group whose q are all equal makes M singular (its s
     and z act alike); the minimum-norm solution still minimises the loss */
  gsl_matrix_view mv = gsl_matrix_view_array (M, K, K);
  gsl_matrix *V = gsl_matrix_alloc (K, K);
  gsl_vector *S = gsl_vector_alloc (K), *work = gsl_vector_alloc (K), *th = gsl_vector_alloc (K);
  fl_status st = FL_OK;
  if (!V || !S || !work || !th)
    st = FL_ENOMEM;
  else
    {
      gsl_error_handler_t *old = gsl_set_error_handler_off ();
      gsl_linalg_SV_decomp (&mv.matrix, V, S, work);
      double smax = gsl_vector_get (S, 0);
      for (size_t i = 0; i < K; i++)
        if (gsl_vector_get (S, i) <= 1e-13 * smax)
          gsl_vector_set (S, i, 0);
      gsl_vector_view b = gsl_vector_view_array (rhs, K);
      if (gsl_linalg_SV_solve (&mv.matrix, V, S, &b.vector, th) != GSL_SUCCESS)
        st = FL_ERANGE;
      gsl_set_error_handler (old);
      if (st == FL_OK)
        for (size_t i = 0; i < G; i++)
          {
            double si = gsl_vector_get (th, i), zi = gsl_vector_get (th, G + i);
            if (!isfinite (si) || !isfinite (zi))
              {
                st = FL_ERANGE;
                break;
              }
            s[i] = si;
            z[i] = zi;
          }
    }
  gsl_matrix_free (V);
  gsl_vector_free (S);
  gsl_vector_free (work);
  gsl_vector_free (th);
  free (aq);
  return st;
}

/* ---- GPTQ ---- */

/* U, upper triangular with H^-1 = U^T U (row-major n x n). */
static fl_status
inverse_cholesky_upper (const double *h, size_t n, double *u)
{
  gsl_matrix *a = gsl_matrix_alloc (n, n);
  if (!a)
    return FL_ENOMEM;
  memcpy (a->data, h, n * n * sizeof *h);
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  fl_status st = FL_OK;
  if (gsl_linalg_cholesky_decomp1 (a) != GSL_SUCCESS || gsl_linalg_cholesky_invert (a) != GSL_SUCCESS
      || gsl_linalg_cholesky_decomp1 (a) != GSL_SUCCESS)
    st = FL_ERANGE;
  gsl_set_error_handler (old);
  if (st == FL_OK)
    /* the lower factor L (H^-1 = L L^T) is in the lower triangle: U = L^T */
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j < n; j++)
        u[i * n + j] = j >= i ? gsl_matrix_get (a, j, i) : 0;
  gsl_matrix_free (a);
  return st;
}

/* Round target t (n, destroyed) column by column on the grid (s, z), feeding each error
   forward through U; integers into q, values into wq. */
static void
gptq_row (double *t, const double *u, const double *s, const double *z, const grid *gr,
          int *q, double *wq)
{
  size_t n = gr->n;
  for (size_t i = 0; i < n; i++)
    {
      size_t gi = i / gr->g;
      q[i] = quant (t[i], s[gi], z[gi], gr);
      wq[i] = q[i] * s[gi] + z[gi];
      double e = (t[i] - wq[i]) / u[i * n + i];
      const double *ui = u + i * n;
      for (size_t j = i + 1; j < n; j++)
        t[j] -= e * ui[j];
    }
}

/* ---- the methods ---- */

static double
lambda_max (const double *h, size_t n)
{
  double *v = malloc (2 * n * sizeof *v), lam = 0;
  if (!v)
    return NAN;
  double *hv = v + n;
  for (size_t i = 0; i < n; i++)
    v[i] = 1.0 / sqrt ((double) n) * (1 + 0.01 * (double) (i % 7));
  for (int it = 0; it < 100; it++)
    {
      double norm = 0;
      for (size_t i = 0; i < n; i++)
        {
          double t = 0;
          for (size_t j = 0; j < n; j++)
            t += h[i * n + j] * v[j];
          hv[i] = t;
          norm += t * t;
        }
      norm = sqrt (norm);
      if (!(norm > 0))
        break;
      lam = norm;
      for (size_t i = 0; i < n; i++)
        v[i] = hv[i] / norm;
    }
  free (v);
  return lam;
}

fl_status
fl_layerfit (const double *w, size_t m, size_t n, const double *h, fl_lfit_method meth,
             const fl_layerfit_opts *o, double *wq, int *q_out, double *s_out, double *z_out,
             char *err, size_t errlen)
{
  if (o->bits < 2 || o->bits > 8 || m == 0 || n == 0 || (unsigned) meth >= FL_LFIT_METHODS)
    {
      set_err (err, errlen, "bits must be 2 to 8 and the layer not empty");
      return FL_EINVAL;
    }
  for (size_t i = 0; i < m * n; i++)
    if (!isfinite (w[i]))
      {
        set_err (err, errlen, "the weights hold NaN or infinity");
        return FL_EINVAL;
      }
  grid gr = { -(1 << (o->bits - 1)), (1 << (o->bits - 1)) - 1, n, o->group ? o->group : n, 0 };
  if (gr.g > n)
    gr.g = n;
  gr.G = (n + gr.g - 1) / gr.g;
  size_t G = gr.G;
  double *u = NULL, *buf = malloc ((6 * n + 4 * G + n) * sizeof *buf);
  int *qb = malloc (2 * n * sizeof *qb);
  if (!buf || !qb)
    {
      free (buf);
      free (qb);
      set_err (err, errlen, "out of memory");
      return FL_ENOMEM;
    }
  double *t = buf, *cand = t + n, *scratch = cand + n, *dg = scratch + n, *v = dg + n,
         *grad = v + n, *s = grad + n, *z = s + G, *sc = z + G, *zc = sc + G, *best = zc + G;
  int *q = qb, *qc = qb + n;
  fl_status st = FL_OK;
  if (meth == FL_LFIT_GPTQ || meth == FL_LFIT_DECOUPLEQ)
    {
      u = malloc (n * n * sizeof *u);
      if (!u)
        st = FL_ENOMEM;
      else if ((st = inverse_cholesky_upper (h, n, u)) != FL_OK)
        set_err (err, errlen, "H is not positive definite (is the damping 0?)");
    }
  double eta = 0;
  if (st == FL_OK && meth == FL_LFIT_DECOUPLEQ)
    eta = 1.0 / (2 * lambda_max (h, n));   /* gradient 2 (v - w) H is 2 lambda_max-Lipschitz */
  for (size_t i = 0; i < n; i++)
    dg[i] = h[i * n + i];
  for (size_t r = 0; r < m && st == FL_OK; r++)
    {
      const double *wr = w + r * n;
      double *out = wq + r * n;
      /* the grid of each group */
      for (size_t gi = 0; gi < G; gi++)
        {
          size_t j0 = gi * gr.g, len = j0 + gr.g <= n ? gr.g : n - j0;
          if (meth == FL_LFIT_RTN)
            minmax_grid (wr + j0, len, 1, &gr, &s[gi], &z[gi]);
          else
            search_grid (wr + j0, len, meth == FL_LFIT_DECOUPLEQ ? dg + j0 : NULL, &gr, &s[gi],
                         &z[gi]);
        }
      if (meth == FL_LFIT_RTN || meth == FL_LFIT_MSE)
        for (size_t j = 0; j < n; j++)
          {
            q[j] = quant (wr[j], s[j / gr.g], z[j / gr.g], &gr);
            out[j] = q[j] * s[j / gr.g] + z[j / gr.g];
          }
      else if (meth == FL_LFIT_GPTQ)
        {
          memcpy (t, wr, n * sizeof *t);
          gptq_row (t, u, s, z, &gr, q, out);
        }
      else
        {
          /* decoupleQ: step 1, closed-form refit of the initial grid's rounding */
          for (size_t j = 0; j < n; j++)
            q[j] = quant (wr[j], s[j / gr.g], z[j / gr.g], &gr);
          memcpy (sc, s, G * sizeof *s);
          memcpy (zc, z, G * sizeof *z);
          if (fl_layerfit_refit_row (wr, q, n, gr.g, h, sc, zc) == FL_OK)
            {
              memcpy (s, sc, G * sizeof *s);
              memcpy (z, zc, G * sizeof *z);
            }
          /* step 2: GPTQ on that grid, then refit */
          memcpy (t, wr, n * sizeof *t);
          gptq_row (t, u, s, z, &gr, q, out);
          double cur = row_loss (wr, out, n, h, scratch);
          memcpy (sc, s, G * sizeof *s);
          memcpy (zc, z, G * sizeof *z);
          if (fl_layerfit_refit_row (wr, q, n, gr.g, h, sc, zc) == FL_OK)
            {
              for (size_t j = 0; j < n; j++)
                cand[j] = q[j] * sc[j / gr.g] + zc[j / gr.g];
              double l = row_loss (wr, cand, n, h, scratch);
              if (l < cur)
                {
                  cur = l;
                  memcpy (out, cand, n * sizeof *out);
                  memcpy (s, sc, G * sizeof *s);
                  memcpy (z, zc, G * sizeof *z);
                }
            }
          /* step 3: alternate; a round is kept only when the row's loss decreases */
          for (unsigned round = 0; round < o->rounds; round++)
            {
              /* a. integer step: projected gradient on the box of each group, from the
                 current approximation, then GPTQ rounding of the relaxed solution */
              memcpy (v, out, n * sizeof *v);
              for (unsigned it = 0; it < o->pg_steps; it++)
                {
                  for (size_t j = 0; j < n; j++)
                    scratch[j] = v[j] - wr[j];
                  for (size_t j = 0; j < n; j++)
                    {
                      double a = 0;
                      const double *hj = h + j * n;
                      for (size_t k = 0; k < n; k++)
                        a += hj[k] * scratch[k];
                      grad[j] = 2 * a;
                    }
                  for (size_t j = 0; j < n; j++)
                    {
                      size_t gj = j / gr.g;
                      double lo = gr.qmin * s[gj] + z[gj], hi = gr.qmax * s[gj] + z[gj];
                      if (lo > hi)
                        {
                          double tmp = lo;
                          lo = hi;
                          hi = tmp;
                        }
                      double x = v[j] - eta * grad[j];
                      v[j] = x < lo ? lo : x > hi ? hi : x;
                    }
                }
              gptq_row (v, u, s, z, &gr, qc, cand);
              /* b. closed-form (s, z) for those integers */
              memcpy (sc, s, G * sizeof *s);
              memcpy (zc, z, G * sizeof *z);
              if (fl_layerfit_refit_row (wr, qc, n, gr.g, h, sc, zc) != FL_OK)
                break;
              for (size_t j = 0; j < n; j++)
                best[j] = qc[j] * sc[j / gr.g] + zc[j / gr.g];
              double l = row_loss (wr, best, n, h, scratch);
              if (!(l < cur))
                break;
              cur = l;
              memcpy (out, best, n * sizeof *out);
              memcpy (q, qc, n * sizeof *q);
              memcpy (s, sc, G * sizeof *s);
              memcpy (z, zc, G * sizeof *z);
            }
        }
      if (q_out)
        memcpy (q_out + r * n, q, n * sizeof *q);
      if (s_out)
        memcpy (s_out + r * G, s, G * sizeof *s);
      if (z_out)
        memcpy (z_out + r * G, z, G * sizeof *z);
    }
  free (u);
  free (buf);
  free (qb);
  return st;
}

/* ---- reading a layer ---- */

fl_status
fl_load_matrix (const char *spec, double **out, size_t *rows, size_t *cols, char *err,
                size_t errlen)
{
  *out = NULL;
  char *path = NULL, *glob = NULL;
  fl_status st = fl_tensor_spec_split (spec, &path, &glob, err, errlen);
  if (st != FL_OK)
    return st;
  fl_tensor_file *f = NULL;
  st = fl_tensor_open (path, NULL, &f, err, errlen);
  if (st != FL_OK)
    {
      free (path);
      free (glob);
      return st;
    }
  size_t found = (size_t) -1, nmatch = 0;
  for (size_t i = 0; i < fl_tensor_file_count (f); i++)
    if (fl_tensor_name_match (glob, fl_tensor_file_info (f, i)->name))
      {
        if (nmatch++ == 0)
          found = i;
      }
  if (nmatch != 1)
    {
      snprintf (err, errlen, "'%s': %s tensor%s match%s; name exactly one (FILE:NAME)", spec,
                nmatch ? "several" : "no", nmatch == 1 ? "" : "s", nmatch == 1 ? "es" : "");
      st = FL_EINVAL;
    }
  const fl_tensor_info *info = st == FL_OK ? fl_tensor_file_info (f, found) : NULL;
  if (st == FL_OK && (info->ndim < 1 || info->count == 0 || info->shape[info->ndim - 1] == 0))
    {
      snprintf (err, errlen, "'%s': tensor '%s' is empty or a scalar", spec, info->name);
      st = FL_EINVAL;
    }
  if (st == FL_OK && info->count > ((uint64_t) 1 << 28))
    {
      snprintf (err, errlen, "'%s': tensor '%s' has %llu values, more than 2^28", spec,
                info->name, (unsigned long long) info->count);
      st = FL_ERANGE;
    }
  if (st == FL_OK)
    {
      *cols = info->shape[info->ndim - 1];
      *rows = info->count / *cols;
      *out = malloc (info->count * sizeof **out);
      if (!*out)
        st = FL_ENOMEM;
      else if ((st = fl_tensor_read_doubles (f, found, 0, info->count, *out, err, errlen)) != FL_OK)
        {
          free (*out);
          *out = NULL;
        }
    }
  fl_tensor_close (f);
  free (path);
  free (glob);
  return st;
}
