/* fmtlab/search.h -- the best format for a tensor under a bit budget.

   The grid for a budget of B bits per element (doc/fit.md lists it in full):
     scalar formats of exactly B bits with a per-tensor scale (not counted: one number per
     tensor), each with the best of the scale strategies absmax, pow2, percentile:99.9,
     percentile:99.99, mse and kl of analysis/scale.c:
       every eXmY split with each specials policy (ieee, fn, fnuz, none = exmy_, and the
       P3109 binary<B>p<P>se/sf), posits es 0-3, logarithmic posits (es 0-3, rs 2..B-1,
       sf 0 and 0.5: a tensor scale absorbs the rest of sf), LNS (F 0..B-2), int<B>;
     block formats whose storage (scales, zero points, outliers included) is at most B:
       MX with every (B-1)-bit minifloat element and int elements (k 16, 32), NVFP4,
       OPAL variants, grouped integers (k 32, 64, 128; scale fp16 or e8m0fnu; with or
       without an fp16 zero point).
   Scalar candidates are measured on the sorted tensor through the format's rounding
   cells (fl_cells) and prefix sums: the same squared error as quantizing every element,
   up to the elements lying within one rounding of a cut point (x <= s c against
   x / s <= c).  Block candidates are quantized element by element.  On a fit (fl_search
   with a fit), scalar errors are the fit's cell integrals and block errors are measured
   on FL_SEARCH_FIT_DRAWS seeded draws from the fit.  Candidates run in parallel (OpenMP);
   the result does not depend on the thread count. */
#ifndef FMTLAB_SEARCH_H
#define FMTLAB_SEARCH_H

#include <stddef.h>
#include <stdint.h>
#include <fmtlab/formats.h>
#include <fmtlab/fit.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { FL_OBJ_MSE, FL_OBJ_SQNR, FL_OBJ_KL, FL_OBJ_MAXREL } fl_objective;
#define FL_SEARCH_FIT_DRAWS ((size_t) 1 << 18)
#define FL_SEARCH_KL_BINS 2048

/* "mse", "sqnr", "kl", "maxrel"; 0 on success. */
int fl_objective_parse (const char *s, fl_objective *out);
const char *fl_objective_name (fl_objective o);

typedef struct {
  char format[128];         /* a name fmtlab compare takes */
  char scale[32];           /* the best strategy, or "block" */
  char granularity[24];     /* "tensor" or "channel:AXIS" (compare's spelling), or
                               "block" for a block format */
  int is_block;
  double bits;              /* bits per element: the element and every scale of a
                               channel or block (a single per-tensor scale is not counted) */
  double mse, sqnr_db;
  double kl;                /* KL(P_x || P_q) over FL_SEARCH_KL_BINS bins (NaN on a fit) */
  double max_rel;           /* over nonzero x (NaN on a fit) */
  double score;             /* the objective, smaller is better (sqnr: -sqnr_db) */
} fl_search_result;

/* The candidate names for a budget of bits (2 <= bits <= 16), malloc'ed; free with
   fl_search_names_free. */
fl_status fl_search_candidates (unsigned bits, char ***names, size_t *n, char *err,
                                size_t errlen);
void fl_search_names_free (char **names, size_t n);

/* Data prepared once per tensor (sorted copy, prefix sums, histograms). */
typedef struct fl_search_data fl_search_data;
fl_status fl_search_data_new (const double *x, size_t n, fl_search_data **out, char *err,
                              size_t errlen);
/* The same for a tensor of this shape (C order): when every value is finite and at
   least two axes are longer than 1, the scalar candidates also get a scale per index of
   the first and of the last such axis (compare's granularity channel:AXIS), each scale
   counted in the budget. */
fl_status fl_search_data_new_shaped (const double *x, int ndim, const uint64_t *shape,
                                     fl_search_data **out, char *err, size_t errlen);
void fl_search_data_free (fl_search_data *d);

/* Evaluate every candidate of the budget on the data (fit NULL) or on a fit (then the
   data gives only its absolute maximum, for the absmax and pow2 scales; objectives kl
   and maxrel are refused with FL_EUNSUPPORTED).  *res (malloc'ed, *nres entries) is
   sorted best first; candidates that fail (a format the grid could not parse) are left
   out.  progress, when not NULL, is called with (done, total) from the calling thread. */
fl_status fl_search (const fl_search_data *d, const fl_fit *fit, unsigned bits,
                     fl_objective obj, int nthreads,
                     void (*progress) (void *arg, size_t done, size_t total), void *arg,
                     fl_search_result **res, size_t *nres, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
