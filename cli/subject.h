/* subject.h -- 'fmtlab verify --impl': the subject runs in a child process, so that a
   crash, a hang or an exit inside it is reported with the case that caused it instead of
   taking fmtlab down (doc/fmtlab.1, verify). */
#ifndef FL_CLI_SUBJECT_H
#define FL_CLI_SUBJECT_H

#include <stdint.h>
#include <fmtlab/vectors.h>

typedef enum {
  SUBJECT_OK,          /* the check ran to its end: res holds it */
  SUBJECT_CRASH,       /* the child died of a signal */
  SUBJECT_HANG,        /* one call did not return within the timeout */
  SUBJECT_EXIT,        /* the subject called exit or _exit */
  SUBJECT_ERROR        /* fmtlab's own failure (message in err) */
} subject_outcome;

typedef struct {
  subject_outcome outcome;
  int sig, status;                /* the signal (crash) or exit status (exit) */
  int known;                      /* whether index names the case */
  uint64_t index;                 /* the case (exhaustive or random index) */
  unsigned nsuspects;             /* cases under way when it happened (known == 0) */
  uint64_t suspects[4];
  char err[512];
} subject_report;

/* fl_verify_subject (vo, fn, random, seed, lo, hi, res) in a child process watched by this
   one; TIMEOUT seconds for one call of the subject (0: no limit).  Returns the outcome. */
subject_outcome subject_verify (const fl_verify_opts *vo, void (*fn) (void), int random,
                                uint64_t seed, uint64_t lo, uint64_t hi, double timeout,
                                fl_verify_result *res, subject_report *rep);

#endif
