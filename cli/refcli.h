/* refcli.h -- pieces shared by 'fmtlab ref', 'gen' and 'verify' (issue 5). */
#ifndef FL_REFCLI_H
#define FL_REFCLI_H

#include <stdint.h>
#include <fmtlab/refops.h>
#include <fmtlab/vectors.h>
#include "cli.h"

/* OP name, or exit 2 naming the operations. */
fl_op refcli_op (const char *s);
/* A code in hex (optional 0x) that fits 'bits' bits, or exit 2. */
uint64_t refcli_code (const char *what, const char *s, unsigned bits);
/* Exact value of a code as hexfloat ("nan", "inf" ...). */
void refcli_value (char *buf, size_t n, const fl_format *f, uint64_t code);
/* K/N of --shard: 1 <= K <= N; exit 2 otherwise. */
void refcli_shard (const char *s, uint64_t *k, uint64_t *n);
/* The [lo, hi) part of [0, total) that shard K of N takes. */
void refcli_shard_range (uint64_t total, uint64_t k, uint64_t n, uint64_t *lo, uint64_t *hi);
/* Progress on stderr: cases/s and ETA. */
typedef struct {
  double t0, last;
  int enabled;
} refcli_progress;
void refcli_progress_init (refcli_progress *p, int force);
void refcli_progress_cb (void *ctx, uint64_t done, uint64_t total);
void refcli_progress_end (refcli_progress *p);
double refcli_now (void);

#endif
