/* fmtlab/fit.h -- distribution fits of a tensor, and the error a format must cost under
   a fitted density.

   Families (maximum likelihood, GSL; doc/fit.md has the formulas):
     normal     loc mu, scale sigma (closed form)
     laplace    loc = the median, scale b = mean |x - median| (closed form)
     logistic   loc, scale s (Nelder-Mead on the log-likelihood)
     student_t  loc, scale, shape = degrees of freedom nu (Nelder-Mead, nu in [0.3, 1e4])
     gennorm    generalized normal: loc, scale alpha, shape beta (density
                beta / (2 alpha Gamma(1/beta)) exp(-|(x - loc) / alpha|^beta); Nelder-Mead)
     mixture2   two normals: w N(loc, scale) + (1 - w) N(loc2, scale2) (EM from two fixed
                starts, the better one kept; no random start)
   The iterative fits (logistic, student_t, gennorm, mixture2) run on a deterministic
   subsample of at most FL_FIT_SUBSAMPLE values (every (n/m)-th value); the log-likelihood,
   AIC = 2k - 2 log L and the Kolmogorov-Smirnov statistic of every family are computed on
   all n values.  The chosen family is the one with the least AIC, except that a family
   with fewer parameters within FL_FIT_AIC_TIE of the least is preferred (the usual
   parsimony rule: AIC differences under 2 are not evidence).

   Predicted error: a scalar format's rounding cells (round to nearest even, saturating,
   as a scaled quantizer rounds) with the cut points taken from the engine
   (fl_format_cut, exact to the nearest double, logarithmic formats' irrational cut
   points included), and the expected squared error under a fit, the sum over the cells of
   the integral of (x - s v)^2 p(x) (GSL adaptive quadrature, the clipping tails
   included).  Nothing here prints; every call that can fail fills err. */
#ifndef FMTLAB_FIT_H
#define FMTLAB_FIT_H

#include <stddef.h>
#include <stdint.h>
#include <fmtlab/formats.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { FL_FIT_NORMAL, FL_FIT_LAPLACE, FL_FIT_LOGISTIC, FL_FIT_STUDENT_T,
               FL_FIT_GENNORM, FL_FIT_MIXTURE2 } fl_fit_family;
#define FL_FIT_NFAMILIES 6
#define FL_FIT_SUBSAMPLE ((size_t) 1 << 17)
#define FL_FIT_AIC_TIE 2.0

typedef struct {
  fl_fit_family family;
  int nparams;              /* k of the AIC */
  double loc, scale;        /* every family (mixture2: the first component) */
  double shape;             /* student_t: nu; gennorm: beta; otherwise NaN */
  double weight, loc2, scale2;   /* mixture2 only (weight of the first component) */
  double loglik, aic, ks;   /* over all values */
  int iterations;           /* of the iterative fit (0 for the closed forms) */
  int converged;
} fl_fit;

typedef struct {
  uint64_t n;               /* finite values fitted */
  uint64_t nsub;            /* the iterative fits' subsample */
  fl_fit fit[FL_FIT_NFAMILIES];
  fl_fit_family chosen;
} fl_fit_report;

const char *fl_fit_family_name (fl_fit_family f);
/* "normal" ... "mixture2" (also "t"); 0 on success. */
int fl_fit_family_parse (const char *s, fl_fit_family *out);

/* Fit every family to the finite values of x[0..n) (non-finite ones are skipped).
   FL_EINVAL when fewer than 8 finite values or all of them are equal. */
fl_status fl_fit_all (const double *x, size_t n, fl_fit_report *out, char *err,
                      size_t errlen);

/* Density, distribution function and E[x^2] of a fit (E[x^2] is +inf for a Student t
   with nu <= 2). */
double fl_fit_pdf (const fl_fit *f, double x);
double fl_fit_cdf (const fl_fit *f, double x);
double fl_fit_second_moment (const fl_fit *f);
/* n seeded draws from a fit (GSL's mt19937; the same seed gives the same values). */
fl_status fl_fit_sample (const fl_fit *f, uint64_t seed, double *out, size_t n, char *err,
                         size_t errlen);

/* The rounding cells of a scalar format: ncells values v[0] < ... < v[ncells-1] (every
   distinct finite value) and the cut points c[0..ncells-2], cell i being (c[i-1], c[i])
   with c[-1] = -inf and c[ncells-1] = +inf (saturation). */
typedef struct {
  size_t ncells;
  double *v;
  double *cut;
  double maxf;              /* the largest finite value */
} fl_cells;

/* Only formats of at most 16 bits.  FL_EUNSUPPORTED for wider ones. */
fl_status fl_cells_init (fl_cells *c, const fl_format *f, char *err, size_t errlen);
void fl_cells_clear (fl_cells *c);
/* The cell of a scaled value y (x / s): the i with c[i-1] < y <= c[i] (binary search). */
size_t fl_cells_find (const fl_cells *c, double y);

/* Expected squared error E[(x - s q(x / s))^2] under fit f for scale s > 0, by quadrature
   over every cell.  FL_ERANGE when the integral does not converge (a heavy tail beyond
   E[x^2]). */
fl_status fl_fit_predict_mse (const fl_fit *f, const fl_cells *c, double s, double *mse,
                              char *err, size_t errlen);

/* The same with a fixed 10-point Gauss-Legendre rule on each piece of a finite cell (the
   pieces split at the density's centre and centre +- scale 4^k) and the adaptive rule on
   the two tails: a few hundred times cheaper, for the search on a fit; within 1e-6 of
   fl_fit_predict_mse on the formats of the tests. */
fl_status fl_fit_predict_mse_fast (const fl_fit *f, const fl_cells *c, double s, double *mse,
                                   char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
