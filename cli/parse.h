/* parse.h -- the readers of the fmtlab command's own inputs, as functions that return an
   error instead of exiting, so that the commands and the fuzz targets (fuzz/) share them:
   numeric options, bounded lines and words, block lines, packed-code trailers, and
   'verify --merge' summaries.  None prints or exits; errors go to err (one line, the input
   quoted in it may hold any byte: cli_die escapes it).  The limits are in doc/fmtlab.1,
   section LIMITS. */
#ifndef FL_CLI_PARSE_H
#define FL_CLI_PARSE_H

#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

/* Longest input line (vector files, block lines) and longest value on standard input. */
#define CLI_MAX_LINE (1u << 20)
#define CLI_MAX_WORD 4096
/* Largest --merge summary file, largest pack/unpack input and unpack output (both are
   held in memory whole). */
#define CLI_MAX_SUMMARY_BYTES (64u << 20)
#define CLI_MAX_PACK_BYTES ((size_t) 64 << 20)
#define CLI_MAX_UNPACK_OUT ((size_t) 1 << 30)

/* A non-negative integer (decimal, 0x hex or 0 octal as strtoull) at most max. 0 or -1. */
int cli_parse_uint (const char *what, const char *s, uint64_t max, uint64_t *v, char *err,
                    size_t errlen);
/* K/N of --shard: 1 <= K <= N <= 2^32.  0 or -1. */
int cli_parse_shard (const char *s, uint64_t *k, uint64_t *n, char *err, size_t errlen);
/* LO:HI of 'values --range', hex, LO <= HI <= maxcode.  0 or -1. */
int cli_parse_range (const char *s, uint64_t maxcode, uint64_t *lo, uint64_t *hi, char *err,
                     size_t errlen);
/* A hexadecimal code (optional 0x, leading zeros allowed) that fits BITS bits.  0 or -1. */
int cli_parse_code (const char *s, unsigned bits, uint64_t *v, char *err, size_t errlen);

/* One line of fp into buf (cap bytes, NUL-terminated, without '\n' or a final '\r'). */
typedef enum {
  CLI_LINE_OK, CLI_LINE_EOF, CLI_LINE_LONG /* over cap - 1 bytes */, CLI_LINE_NUL /* a NUL byte */
} cli_line_status;
cli_line_status cli_read_line (FILE *fp, char *buf, size_t cap, size_t *len);
/* The next whitespace-separated word of fp into buf (cap bytes): CLI_LINE_OK, _EOF,
   _LONG or _NUL. */
cli_line_status cli_read_word (FILE *fp, char *buf, size_t cap);

/* A block line: whitespace-separated binary32 bit patterns of 1 to 8 hex digits.  Stores
   up to k of them in out and the number of words in *nwords.  Returns 1 for a blank or
   '#' line, 0 for a line of exactly k words, -1 otherwise (message in err). */
int cli_block_line (const char *line, size_t k, uint32_t *out, size_t *nwords, char *err,
                    size_t errlen);

/* The number of codes of a packed stream of len bytes (last its last byte) under 'fmtlab
   unpack --bits bits' with --raw or --count count (have_count).  0 or -1. */
int cli_unpack_count (size_t len, unsigned last, unsigned bits, int raw, int have_count,
                      size_t count, size_t *n, char *err, size_t errlen);

/* Summing 'verify --json' summaries (verify --merge). */
typedef struct {
  uint64_t cases, mismatches;
  size_t files, max_report;
  json_t *head;                 /* format, op, round, overflow, source, seed of the first */
  json_t *list;                 /* at most max_report mismatch objects, in file order */
  json_t *names;                /* the number (from 0) of the file each one came from */
} cli_merge;
void cli_merge_init (cli_merge *m, size_t max_report);
/* Add the summary TEXT (len bytes) read from NAME.  0 or -1 (not a summary, negative or
   inconsistent counts, a sum beyond 2^63 - 1, keys differing from the first summary). */
int cli_merge_add (cli_merge *m, const char *name, const char *text, size_t len, char *err,
                   size_t errlen);
void cli_merge_clear (cli_merge *m);

#endif
