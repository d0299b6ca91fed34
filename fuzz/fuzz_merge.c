/* fuzz_merge.c -- libFuzzer target: 'verify --merge' summaries (cli_merge_add), the input
   added twice: both adds agree (except that a second add may refuse a case count the sum
   would carry past 2^63 - 1), counts stay consistent, nothing leaks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <fmtlab/fmtlab.h>
#include "parse.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char err[1024];
  cli_merge m;
  cli_merge_init (&m, 8);
  int a = cli_merge_add (&m, "a.json", (const char *) data, size, err, sizeof err);
  int b = cli_merge_add (&m, "b.json", (const char *) data, size, err, sizeof err);
  int overflow = a == 0 && b != 0 && strstr (err, "more than 2^63 - 1") != NULL;
  if ((a != b && !overflow) || m.mismatches > m.cases || json_array_size (m.list) > 8
      || json_array_size (m.list) != json_array_size (m.names))
    abort ();
  cli_merge_clear (&m);
  return 0;
}
