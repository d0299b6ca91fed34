/* fmtlab/grid.h -- the generic sorted-grid rounder.

   It rounds to the sorted table of all finite values of any format up to 24 bits, found
   by binary search, with no knowledge of the format's bit layout: the second opinion the
   tests hold the bit-level encoders to.  Only the format's decoder, its virtual neighbour
   beyond the largest value (fl_format_beyond) and the rounding decision shared by every
   path are used. */
#ifndef FMTLAB_GRID_H
#define FMTLAB_GRID_H

#include <fmtlab/formats.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FL_GRID_MAX_BITS 24

typedef struct fl_grid fl_grid;

fl_status fl_grid_alloc (const fl_format *f, fl_grid **out, char *err, size_t errlen);
void fl_grid_free (fl_grid *g);

/* Number of distinct finite values, and the i-th smallest with its code. */
size_t fl_grid_size (const fl_grid *g);
mpfr_srcptr fl_grid_value (const fl_grid *g, size_t i);
uint64_t fl_grid_code (const fl_grid *g, size_t i);

/* Round x to the grid (same contract as fl_encode). */
uint64_t fl_grid_round (const fl_grid *g, mpfr_srcptr x, const fl_rounding *r, unsigned *flags);

#ifdef __cplusplus
}
#endif
#endif
