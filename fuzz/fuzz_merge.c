/* fuzz_merge.c -- libFuzzer target: 'verify --merge' summaries (cli_merge_add), the input
   added twice: counts stay consistent, nothing leaks. */
#include <stdint.h>
#include <stdlib.h>
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
  if (a != b || m.mismatches > m.cases || json_array_size (m.list) > 8
      || json_array_size (m.list) != json_array_size (m.names))
    abort ();
  cli_merge_clear (&m);
  return 0;
}
