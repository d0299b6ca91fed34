/* fmtlab/layerfit.h -- fitting a linear layer's weights to grouped low-bit integers against
   the layer's own inputs (decoupleQ, GPTQ), measured by the H-weighted layer loss.

   A layer is W (m rows = output channels, n columns = inputs) and N recorded inputs X
   (N x n).  H = X^T X / N, damped: H_ii += percdamp * mean(diag H) (decoupleQ's --percdamp,
   default 0.01).  The loss of an approximation Wq is tr((W - Wq) H (W - Wq)^T), the sum over
   rows of the squared output error on the recorded inputs (plus the damping term).

   Wq is grouped affine: each row is cut into groups of g consecutive columns (g = 0: the
   whole row, "per channel"); a group has a float scale s and a float offset z, and each
   weight is q * s + z with q an integer in [-2^(b-1), 2^(b-1) - 1] (2 bits: -2..1).

   Methods (doc/studies.md describes them and their sources):
   - FL_LFIT_RTN: min/max grid (the range widened to hold 0), each weight rounded to nearest.
   - FL_LFIT_MSE: the grid shrunk by p = 1 - i/200 (i < 160) to the least squared error of
     each group, then rounded to nearest.
   - FL_LFIT_GPTQ: the MSE grid, columns rounded in order with the error fed back to the
     columns not yet rounded through the Cholesky factor of H^-1.
   - FL_LFIT_DECOUPLEQ: grid from the shrink search weighted by diag H, closed-form (s, z)
     refit, GPTQ rounding, then rounds of the alternation: integer step (projected gradient
     on the relaxed box, then GPTQ rounding), closed-form (s, z) step; a row keeps a round's
     result only when its loss decreases. */
#ifndef FMTLAB_LAYERFIT_H
#define FMTLAB_LAYERFIT_H

#include <stddef.h>
#include <fmtlab/formats.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { FL_LFIT_RTN, FL_LFIT_MSE, FL_LFIT_GPTQ, FL_LFIT_DECOUPLEQ } fl_lfit_method;
#define FL_LFIT_METHODS 4
const char *fl_lfit_method_name (fl_lfit_method m);   /* "rtn" "mse" "gptq" "decoupleq" */
int fl_lfit_method_parse (const char *s, fl_lfit_method *m);   /* 0 on success */

typedef struct {
  unsigned bits;        /* 2 to 8 */
  size_t group;         /* columns per group; 0 = the whole row */
  unsigned rounds;      /* decoupleQ alternation rounds (default 4, as its LLaMA recipe) */
  unsigned pg_steps;    /* projected-gradient steps of each integer step (default 100) */
} fl_layerfit_opts;

void fl_layerfit_opts_init (fl_layerfit_opts *o);

/* H (n x n, row-major) from N inputs X (N x n) with the damping above. */
fl_status fl_layerfit_hessian (const double *x, size_t N, size_t n, double percdamp, double *h,
                               char *err, size_t errlen);

/* tr((W - Wq) H (W - Wq)^T). */
double fl_layer_loss (const double *w, const double *wq, size_t m, size_t n, const double *h);

/* Fit W (m x n) with a method: wq receives the approximation (m x n), and, when not NULL,
   q the integers, s and z the scales and offsets (m x groups each, groups = ceil(n / g)). */
fl_status fl_layerfit (const double *w, size_t m, size_t n, const double *h, fl_lfit_method meth,
                       const fl_layerfit_opts *o, double *wq, int *q, double *s, double *z,
                       char *err, size_t errlen);

/* For fixed integers q (n) of one row, the (s, z) per group that minimise the row's loss
   (w - wq) H (w - wq)^T: the solution of the 2G x 2G normal equations.  A group whose q are
   all equal keeps s (its z absorbs the rest).  Writes s and z (G each). */
fl_status fl_layerfit_refit_row (const double *w, const int *q, size_t n, size_t group,
                                 const double *h, double *s, double *z);

/* Read one tensor as a matrix: the tensor named by SPEC ("FILE" or "FILE:NAME"), its last
   dimension the columns, the others flattened into rows.  *out is malloc'ed. */
fl_status fl_load_matrix (const char *spec, double **out, size_t *rows, size_t *cols,
                          char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
