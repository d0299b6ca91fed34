/* testutil.h -- helpers shared by the Check unit tests (tests room). */
#ifndef FMTLAB_TESTUTIL_H
#define FMTLAB_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <check.h>
#include <mpfr.h>
#include <fmtlab/fmtlab.h>

/* An assertion without Check's per-call mark_point (a pipe write per assertion makes tight
   loops slow): fails the test with the message when cond is false. */
#define TU_CHECK(cond, ...) do { if (!(cond)) ck_abort_msg (__VA_ARGS__); } while (0)

/* Parse a format name; a failed parse fails the current test with the library's message. */
fl_format *tu_parse (const char *name);
/* Parse without failing: NULL when the parser rejects the name. */
fl_format *tu_try_parse (const char *name);

/* Hexfloat of an mpfr value (exact), into a static per-call ring of buffers. */
const char *tu_hex (mpfr_srcptr x);

/* The deterministic rounding modes, and the overflow policies a format accepts. */
extern const fl_round_mode tu_det_modes[6];
int tu_policies (const fl_format *f, fl_overflow out[4]);

/* Format name lists.  Each returns a malloc'ed NULL-terminated array of malloc'ed names. */
char **tu_names_small (void);      /* every <= 8-bit format of the cross-check (see .c) */
char **tu_names_16 (void);         /* the 16-bit formats */
void tu_names_free (char **v);

/* splitmix64 (Steele, Lea, Flood 2014): a simple seeded generator for the tests. */
uint64_t tu_splitmix (uint64_t *state);
/* The test seed: $FMTLAB_TEST_SEED, else 'dflt'; printed on stdout with the test's name. */
uint64_t tu_seed (const char *what, uint64_t dflt);

/* Run a suite with Check's normal output; returns the exit status (0 ok, 1 failures). */
int tu_run (Suite *s);

/* Decode code of f to a fresh mpfr (caller clears). */
fl_class tu_decode (const fl_format *f, uint64_t code, mpfr_ptr out);

#endif
