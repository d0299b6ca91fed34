/* fuzz_options.c -- libFuzzer target: numeric and word options of the commands (--random,
   --shard, --range, codes of 'ref', --round, --overflow, operation names, values). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <fmtlab/fmtlab.h>
#include <fmtlab/refops.h>
#include "parse.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char err[512];
  if (size > 4096)
    return 0;
  char *s = strndup ((const char *) data, size);    /* the name ends at a NUL */
  if (!s)
    return 0;
  uint64_t v, k, n, lo, hi;
  if (cli_parse_uint ("--random", s, UINT64_C(1) << 62, &v, err, sizeof err) == 0
      && v > (UINT64_C(1) << 62))
    abort ();
  if (cli_parse_shard (s, &k, &n, err, sizeof err) == 0 && !(k >= 1 && k <= n))
    abort ();
  if (cli_parse_range (s, 0xffff, &lo, &hi, err, sizeof err) == 0 && !(lo <= hi && hi <= 0xffff))
    abort ();
  for (unsigned bits = 1; bits <= 64; bits += 21)
    if (cli_parse_code (s, bits, &v, err, sizeof err) == 0 && bits < 64 && (v >> bits))
      abort ();
  fl_round_mode m;
  fl_overflow o;
  fl_op op;
  fl_round_mode_parse (s, &m);
  fl_overflow_parse (s, &o);
  fl_op_parse (s, &op);
  mpfr_t x;
  mpfr_init2 (x, 64);
  fl_parse_real (x, s, 64);
  mpfr_clear (x);
  free (s);
  return 0;
}
