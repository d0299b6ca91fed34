/* fuzz_vectors.c -- libFuzzer target: vector files as 'fmtlab verify --vectors' reads them
   (bounded lines, NUL bytes, fl_vec_parse_line), then the parsed cases checked against the
   reference: through fl_verify_cases for the 8-bit formats (its set-up per call is cheap
   there), through a kept oracle for the others.  The first byte picks the format and
   operation. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fmtlab/fmtlab.h>
#include <fmtlab/vectors.h>
#include "parse.h"

static const char *const formats[] = { "fp16", "e2m1fn", "bf16", "fp32", "posit8es0", "e4m3fn" };
static const fl_op ops[] = { FL_OP_ADD, FL_OP_FMA, FL_OP_SQRT, FL_OP_FROM_F64, FL_OP_MUL, FL_OP_TO_F64 };
#define NCHOICES (sizeof formats / sizeof formats[0])
#define MAX_CASES 16

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static fl_format *f[NCHOICES];
  static fl_gen *g[NCHOICES];
  static fl_oracle *orc[NCHOICES];
  static char *line;
  char err[256];
  if (size < 1)
    return 0;
  unsigned c = data[0] % NCHOICES;
  if (!g[c])
    {
      fl_rounding r;
      fl_rounding_init (&r);
      if (fl_format_parse (formats[c], &f[c], err, sizeof err) != FL_OK
          || fl_gen_new (f[c], ops[c], &g[c], err, sizeof err) != FL_OK
          || fl_oracle_new (f[c], ops[c], &r, &orc[c], err, sizeof err) != FL_OK)
        abort ();
      line = line ? line : malloc (CLI_MAX_LINE);
    }
  FILE *fp = fmemopen ((void *) (data + 1), size - 1, "r");
  if (!fp)
    return 0;
  unsigned n = fl_gen_arity (g[c]);
  uint64_t opv[MAX_CASES * 3], res[MAX_CASES], lines[MAX_CASES];
  unsigned fl[MAX_CASES];
  unsigned char hf[MAX_CASES];
  size_t nc = 0, len;
  cli_line_status ls;
  while ((ls = cli_read_line (fp, line, CLI_MAX_LINE, &len)) != CLI_LINE_EOF)
    {
      if (ls != CLI_LINE_OK || nc == MAX_CASES)
        continue;
      int has;
      unsigned fv;
      int st = fl_vec_parse_line (line, g[c], opv + nc * n, res + nc, &has, &fv, err, sizeof err);
      if (st == 0)
        {
          hf[nc] = (unsigned char) has;
          fl[nc] = fv;
          lines[nc] = nc + 1;
          nc++;
        }
    }
  fclose (fp);
  if (nc && fl_format_bits (f[c]) > 8)
    for (size_t i = 0; i < nc; i++)
      {
        unsigned ef;
        uint64_t e = fl_oracle_eval (orc[c], opv + i * n, &ef);
        fl_vec_match (fl_oracle_result_format (orc[c]), e, res[i], 0);
      }
  else if (nc)
    {
      fl_verify_opts vo;
      memset (&vo, 0, sizeof vo);
      fl_rounding_init (&vo.r);
      vo.f = f[c];
      vo.op = ops[c];
      vo.max_report = 4;
      vo.threads = 1;
      vo.check_flags = 1;
      fl_verify_result r;
      fl_verify_result_init (&r);
      if (fl_verify_cases (&vo, nc, opv, res, fl, hf, lines, &r, err, sizeof err) != FL_OK)
        abort ();
      if (r.cases != nc || r.mismatches > nc)
        abort ();
      fl_verify_result_clear (&r);
    }
  return 0;
}
