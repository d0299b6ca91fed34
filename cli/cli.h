/* cli.h -- shared pieces of the fmtlab command: errors, option parsing of formats and
   rounding, safe output files, and the tables that several commands write. */
#ifndef FL_CLI_H
#define FL_CLI_H

#include <stdio.h>
#include <getopt.h>
#include <fmtlab/fmtlab.h>
#include <fmtlab/tensor.h>     /* io/: the command always has it */

/* exit statuses (DESIGN.md): 0 ok, 1 a check failed, 2 bad usage or input */
#define CLI_EXIT_USAGE 2

typedef int (*cli_command_fn) (int argc, char **argv);

typedef struct {
  const char *name;
  cli_command_fn run;
  const char *summary;
} cli_command;

extern const char *cli_cmd;          /* the running subcommand, for messages */

void cli_die (int status, const char *fmt, ...) __attribute__ ((noreturn, format (printf, 2, 3)));
void cli_warn (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));
/* Seconds on the monotonic clock (for elapsed times). */
double cli_now (void);
void cli_version (void) __attribute__ ((noreturn));
/* Unknown option or missing argument after getopt_long returned '?': one line naming the
   option, exit 2 (main.c sets opterr = 0 so getopt itself prints nothing). */
void cli_usage_error (void) __attribute__ ((noreturn));
extern int cli_argc;                 /* the subcommand's arguments, for cli_usage_error */
extern char **cli_argv;
/* getopt_long with one-line messages of its own: an unknown option or a missing argument
   exits 2 naming it.  GNU permutation and '--' as in getopt_long; a leading '+' in
   SHORTOPTS stops at the first operand. */
int cli_getopt (int argc, char **argv, const char *shortopts, const struct option *longopts);
/* Messages longer than this are cut (hostile input echoed in a message stays bounded). */
#define CLI_MSG_MAX 1024

fl_format *cli_format (const char *name);

/* Rounding options shared by every command that rounds. */
#define CLI_ROUNDING_LONGOPTS \
  { "round", required_argument, NULL, 'r' }, \
  { "overflow", required_argument, NULL, 'O' }, \
  { "seed", required_argument, NULL, 'S' }, \
  { "sr-bits", required_argument, NULL, 'B' }, \
  { "domain", required_argument, NULL, 'D' }
#define CLI_ROUNDING_HELP \
  "  -r, --round MODE      rne (default), rna, rtz, rup, rdn, rto, sr\n" \
  "      --overflow POLICY the format's own (default), sat, inf or nan\n" \
  "      --seed S          seed of the stochastic-rounding generator (default 0)\n" \
  "      --sr-bits B       stochastic rounding with B random bits (1-64; default exact)\n" \
  "      --domain D        log or linear (logarithmic families; others ignore it)\n"
/* Returns 1 when opt was a rounding option (and applies it), 0 otherwise. */
int cli_rounding_option (int opt, const char *arg, fl_rounding *r);
/* Refuse an overflow policy the format cannot express. */
void cli_check_rounding (const fl_format *f, const fl_rounding *r);

/* Exception flags as text: "inexact,underflow" ... or "exact" (round, ref --flags). */
void cli_flags_text (unsigned flags, char *buf, size_t size);

unsigned long long cli_parse_ull (const char *what, const char *s, unsigned long long max);

/* An input file (mode as fopen's), standard input for NULL or "-"; *name is how messages
   call it.  Dies (status 2) naming PATH when it cannot be opened. */
FILE *cli_in_open (const char *path, const char *mode, const char **name);

/* Output files are written to a temporary file beside the target and renamed into place
   on success, so no partial file is ever left; "-" or NULL is stdout. */
typedef struct {
  FILE *fp;
  char *path;
  char *tmp;
} cli_out;
FILE *cli_out_open (cli_out *o, const char *path);
void cli_out_commit (cli_out *o);
void cli_out_abort (cli_out *o);

typedef enum { CLI_TEXT, CLI_CSV, CLI_JSON, CLI_MD } cli_style;
#define CLI_STYLE_LONGOPTS \
  { "csv", no_argument, NULL, 'c' }, \
  { "json", no_argument, NULL, 'j' }, \
  { "md", no_argument, NULL, 'm' }, \
  { "output", required_argument, NULL, 'o' }

/* Returns 1 when opt was a style option (-o, --csv, --json, --md) and applies it. */
int cli_style_option (int opt, const char *arg, cli_style *style, const char **out);

/* Tables written by several commands (tables.c). */
#define CLI_CELL 160
typedef struct {
  const char *key, *label;     /* CSV/JSON key, text/Markdown label */
} cli_column;
struct json_t;
void cli_write_table (FILE *fp, const cli_column *cols, size_t ncols, const char *cells,
                      size_t nrows, cli_style style,
                      struct json_t *(*extra) (size_t row, void *ctx), const char *extra_key,
                      void *ctx);
void cli_write_values (FILE *fp, const fl_format *f, cli_style style, mpfr_prec_t prec,
                       uint64_t lo, uint64_t hi);
/* Properties of several formats as one table. */
void cli_write_props (FILE *fp, fl_format **f, size_t n, cli_style style, int profile);
/* The decimal accuracy profiles (format, binade, worst, mean, intervals). */
void cli_write_profiles (FILE *fp, fl_format **f, size_t n, cli_style style);
int cli_code_digits (const fl_format *f);      /* hex digits of a code of f */

int cmd_formats (int argc, char **argv);
int cmd_values (int argc, char **argv);
int cmd_info (int argc, char **argv);
int cmd_round (int argc, char **argv);
int cmd_report (int argc, char **argv);
int cmd_blocks (int argc, char **argv);       /* cmd_blocks.c */
int cmd_pack (int argc, char **argv);         /* cmd_pack.c */
int cmd_unpack (int argc, char **argv);
/* 'fmtlab info' on block formats (cmd_blocks.c): cli_block_probe returns 0 when NAME is not
   spelled as a block format, -1 when it is but is malformed (message in err), 1 when valid;
   cli_write_block_props writes their properties (bits per element including scale, zero
   and outliers, max, min positive of a block) as one table in STYLE. */
int cli_block_probe (const char *name, char *err, size_t errlen);
void cli_write_block_props (FILE *fp, char **names, size_t n, cli_style style);
int cmd_ref (int argc, char **argv);
int cmd_gen (int argc, char **argv);
int cmd_verify (int argc, char **argv);
int cmd_plot (int argc, char **argv);         /* cmd_plot.c */
/* Tensor commands (cmd_tensors.c, cmd_quantize.c, cmd_compare.c; tensorcli.h) */
int cmd_tensors (int argc, char **argv);
int cmd_quantize (int argc, char **argv);
int cmd_compare (int argc, char **argv);
/* Fits and search (cmd_fit.c, cmd_search.c; doc/fit.md) */
int cmd_fit (int argc, char **argv);
int cmd_search (int argc, char **argv);
/* 'fmtlab verify FORMAT quantize ...' (verify_quantize.c), called by cmd_verify. */
int cli_verify_quantize (int argc, char **argv);
int cmd_study (int argc, char **argv);        /* cmd_study.c */
int cmd_layerfit (int argc, char **argv);     /* cmd_layerfit.c */

#endif
