/* refops-log-impl.h -- internal to refops.c: the reference operations of the logarithmic
   families (refops_log.c). */
#ifndef FL_REFOPS_LOG_IMPL_H
#define FL_REFOPS_LOG_IMPL_H

#include <fmtlab/refops.h>

/* 0 (with a message) when op cannot be evaluated exactly under r on the logarithmic
   format f: only to_f64 with sr; 1 otherwise. */
int fl_ref_log_rounding_ok (const fl_format *f, fl_op op, const fl_rounding *r, char *err,
                            size_t errlen);
/* add sub mul div sqrt fma to_f64 on codes a[0..n-1] of the formats opf[0..n-1]; the
   result format is opf[n]. */
uint64_t fl_ref_log_eval (const fl_format *f, fl_op op, const fl_ref_rules *rules,
                          const fl_format *const *opf, unsigned n, const uint64_t *a,
                          const fl_rounding *r, unsigned *flags);
uint64_t fl_ref_log_fdp (const fl_format *f, const fl_ref_rules *rules, const uint64_t *a,
                         const uint64_t *b, size_t n, const fl_rounding *r, unsigned *flags);

#endif
