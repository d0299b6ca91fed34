/* fuzz_blocks.c -- libFuzzer target: block lines as 'fmtlab blocks' reads them (bounded
   lines, cli_block_line), then the blocks quantized on the fast and the exact path, which
   must agree.  The first byte picks the block format. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fmtlab/fmtlab.h>
#include <fmtlab/blocks.h>
#include "parse.h"

static const char *const names[] = { "mxfp4", "mxfp8e4m3", "nvfp4", "mxint8" };
#define NCHOICES (sizeof names / sizeof names[0])
#define MAX_VALUES 256

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static fl_block *b[NCHOICES];
  static char *line;
  char err[256];
  if (size < 1)
    return 0;
  unsigned c = data[0] % NCHOICES;
  if (!b[c])
    {
      if (fl_block_parse (names[c], &b[c], err, sizeof err) != FL_OK)
        abort ();
      line = line ? line : malloc (CLI_MAX_LINE);
    }
  size_t k = fl_block_k (b[c]);
  FILE *fp = fmemopen ((void *) (data + 1), size - 1, "r");
  if (!fp)
    return 0;
  uint32_t v[MAX_VALUES];
  size_t nv = 0, len, words;
  cli_line_status ls;
  while ((ls = cli_read_line (fp, line, CLI_MAX_LINE, &len)) != CLI_LINE_EOF)
    if (ls == CLI_LINE_OK && nv + k <= MAX_VALUES
        && cli_block_line (line, k, v + nv, &words, err, sizeof err) == 0)
      nv += k;
  fclose (fp);
  if (nv == 0)
    return 0;
  double x[MAX_VALUES];
  mpfr_t xm[MAX_VALUES];
  for (size_t i = 0; i < nv; i++)
    {
      float f;
      memcpy (&f, &v[i], sizeof f);
      x[i] = f;
      mpfr_init2 (xm[i], 24);
      mpfr_set_d (xm[i], x[i], MPFR_RNDN);
    }
  fl_rounding r;
  fl_rounding_init (&r);
  fl_block_array a1, a2;
  if (fl_block_array_init (&a1, b[c], nv, err, sizeof err) != FL_OK
      || fl_block_array_init (&a2, b[c], nv, err, sizeof err) != FL_OK)
    abort ();
  fl_status s1 = fl_block_quantize_doubles (b[c], x, nv, &a1, &r, NULL, err, sizeof err);
  fl_status s2 = fl_block_quantize (b[c], xm, nv, &a2, &r, NULL, err, sizeof err);
  if (s1 != s2)
    abort ();
  if (s1 == FL_OK)
    for (size_t i = 0; i < a1.nblocks; i++)
      if (a1.scale[i] != a2.scale[i])
        abort ();
  if (s1 == FL_OK)
    for (size_t i = 0; i < nv; i++)
      if (a1.elem[i] != a2.elem[i])
        abort ();
  fl_block_array_clear (&a1);
  fl_block_array_clear (&a2);
  for (size_t i = 0; i < nv; i++)
    mpfr_clear (xm[i]);
  return 0;
}
