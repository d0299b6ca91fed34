/* comparecli.h -- the engine of 'fmtlab compare' (doc/compare.md), shared with
   'fmtlab report' so that the report's comparison tables are the command's, row for row:
   every tensor x format x scale x rounding mode fake-quantized, one row of metrics each. */
#ifndef FL_COMPARECLI_H
#define FL_COMPARECLI_H

#include "tensorcli.h"

typedef struct cli_compare cli_compare;

/* The jobs: every format x scale x mode (names as 'fmtlab compare' takes them),
   granularity "tensor", "channel:AXIS" or "block:K", the base rounding options (mode
   replaced by each of modes), nthreads <= 0 for OpenMP's default.  Dies with status 2 and
   a one-line message on a bad name, before any tensor is read. */
cli_compare *cli_compare_new (char *const *fmts, size_t nfmt, char *const *scales,
                              size_t nscale, char *const *modes, size_t nmode,
                              const char *granularity, const fl_rounding *r, int nthreads);
/* Appends the rows of every selected tensor of src (unreadable types skipped with a
   notice). */
void cli_compare_source (cli_compare *c, cli_tsource *src);
/* The rows so far, in the style given (the table of 'fmtlab compare'). */
void cli_compare_write (const cli_compare *c, FILE *fp, cli_style style);
size_t cli_compare_nrows (const cli_compare *c);
/* The text of row's column KEY (a JSON key of the table: "tensor", "format", "sqnr_db",
   "bits_per_element", "count" ...) as the CSV prints it; NULL for an unknown key. */
const char *cli_compare_cell (const cli_compare *c, size_t row, const char *key);
void cli_compare_free (cli_compare *c);

#endif
