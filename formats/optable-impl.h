/* optable-impl.h -- internal to fastops.c: the table-driven operations of the
   logarithmic families (optable.c). */
#ifndef FL_REFOPS_TABLE_IMPL_H
#define FL_REFOPS_TABLE_IMPL_H

#include <fmtlab/refops.h>

typedef struct fl_op_table fl_op_table;

/* add, sub, mul, div (every pair of codes) and sqrt (every code) of a logarithmic
   posit or LNS format of at most 8 bits, else NULL.  The tables themselves are built from
   the reference path (fl_ref_eval) on first use of each mode and domain. */
fl_op_table *fl_op_table_new (const fl_format *f, fl_op op);
void fl_op_table_free (fl_op_table *t);
void fl_op_table_set_tininess_after (fl_op_table *t, int after);
uint64_t fl_op_table_eval (const fl_op_table *t, const uint64_t *a, const fl_rounding *r,
                           unsigned *flags);

#endif
