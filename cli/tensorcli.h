/* tensorcli.h -- what the tensor commands (tensors, quantize, compare, verify quantize)
   share: tensor sources (files and the synthetic:NAME[:N] pseudo-files) and typed tables
   (CSV and Markdown as text, JSON with numbers). */
#ifndef FL_TENSORCLI_H
#define FL_TENSORCLI_H

#include <jansson.h>
#include <fmtlab/scale.h>
#include <fmtlab/synthetic.h>
#include "cli.h"

/* A FILE[:GLOB] argument, or synthetic:NAME[:N] (N values of an embedded distribution,
   default 10^6, as one tensor named NAME).  Tensors not matching the glob are skipped. */
typedef struct {
  char *label;                 /* as given, for messages and the 'file' column */
  fl_tensor_file *file;        /* NULL for a synthetic source */
  fl_synthetic syn;
  fl_tensor_info syn_info;
  size_t nsel, *sel;           /* the selected tensors' indices in the file */
} cli_tsource;

/* Open; on bad input dies with status 2 and a one-line message naming the input. */
void cli_tsource_open (cli_tsource *s, const char *spec);
void cli_tsource_close (cli_tsource *s);
const fl_tensor_info *cli_tsource_info (const cli_tsource *s, size_t j);
/* Elements [start, start + n) of selected tensor j as doubles; dies (status 2) naming the
   file and tensor on a read error. */
void cli_tsource_read (cli_tsource *s, size_t j, uint64_t start, size_t n, double *out);
/* "FILE:NAME" for selected tensor j of a file, the spec itself for a synthetic source. */
void cli_tsource_label (const cli_tsource *s, size_t j, char *buf, size_t size);
const char *cli_tsource_metadata (const cli_tsource *s);
const char *cli_tsource_kind (const cli_tsource *s);

/* "3x4x5" ("scalar" for 0 dimensions) */
void cli_shape_text (const fl_tensor_info *t, char *buf, size_t size);
json_t *cli_shape_json (const fl_tensor_info *t);

/* A typed cell: text (always set, what CSV and Markdown print) and, for JSON, a number
   (NaN becomes null; +-inf the strings "inf", "-inf"), an integer or a string. */
typedef enum { CLI_T_STR, CLI_T_NUM, CLI_T_INT } cli_tkind;
typedef struct {
  cli_tkind kind;
  double num;
  long long i;
  char text[CLI_CELL];
} cli_tcell;
void cli_tcell_str (cli_tcell *c, const char *s);
void cli_tcell_num (cli_tcell *c, double v, const char *fmt);   /* fmt NULL: %.9g */
void cli_tcell_int (cli_tcell *c, long long v);

/* Rows of ncols cells.  JSON: {"<top_key>": [rows as objects], ...extra members of top}
   when top is not NULL (it is consumed), else the array alone. */
void cli_write_ttable (FILE *fp, const cli_column *cols, size_t ncols, const cli_tcell *cells,
                       size_t nrows, cli_style style, json_t *top, const char *top_key);

/* The rounding options, --scale and --granularity of 'quantize' and 'verify FORMAT
   quantize' (doc/compare.md; 'compare' takes lists and parses its own). */
#define CLI_QUANT_LONGOPTS \
  CLI_ROUNDING_LONGOPTS, \
  { "scale", required_argument, NULL, 's' }, \
  { "granularity", required_argument, NULL, 'g' }
#define CLI_SCALE_HELP \
  "  -s, --scale S          none (default), absmax, percentile:P, mse, kl, pow2\n" \
  "  -g, --granularity G    tensor (default), channel:AXIS, block:K\n"
typedef struct {
  fl_rounding r;
  const char *scale, *granularity;     /* as given; "none" and "tensor" by default */
} cli_quant_args;
void cli_quant_args_init (cli_quant_args *a);
/* Returns 1 when opt was one of CLI_QUANT_LONGOPTS (and applies it), 0 otherwise. */
int cli_quant_option (int opt, const char *arg, cli_quant_args *a);
/* The quantizer of FORMAT with those options; dies (status 2) with the parser's message.
   The parsed strategy goes to *ss when ss is not NULL. */
fl_quantizer *cli_quantizer (const char *format, const cli_quant_args *a,
                             fl_scale_strategy *ss);
/* Quantize the n values x of tensor t (q the values, c the codes when not NULL) and return
   its per-group scales (*ngroups of them; the caller frees).  Dies (status 2) naming
   LABEL and the tensor. */
double *cli_quantize_tensor (const fl_quantizer *qz, const char *label, const fl_tensor_info *t,
                             const double *x, double *q, uint64_t *c, uint64_t *ngroups);
/* A growing typed table (cli/tables.c): set cols and ncols (key: its member in JSON),
   the rest zero; cli_ttable_row appends a row of empty cells; free cells when done. */
typedef struct {
  const char *key;
  const cli_column *cols;
  size_t ncols;
  cli_tcell *cells;
  size_t nrows, cap;
} cli_ttable;
cli_tcell *cli_ttable_row (cli_ttable *t);
/* n tables: CSV and Markdown one after the other with a blank line between them; JSON
   one object {"key": [rows], ...} in order (a single table: its array alone). */
void cli_write_ttables (FILE *fp, const cli_ttable *t, size_t n, cli_style style);

/* Progress on stderr when it is a terminal or FMTLAB_PROGRESS is set: "label 42%". */
void cli_progress (const char *label, uint64_t done, uint64_t total);
void cli_progress_end (void);

/* Split a comma-separated list of format names, keeping the parameters of a family
   together ("mxfp4,mx:elem=e2m1fn,k=16,int8" is three names: a piece KEY=VALUE without ':'
   continues the name before it; brackets group too).  Appends to *v (*n entries). */
void cli_split_names (const char *list, char ***v, size_t *n);

#endif
