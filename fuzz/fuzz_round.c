/* fuzz_round.c -- libFuzzer target: values on standard input as 'fmtlab round' reads them
   (bounded words, fl_parse_real), rounded to a format in a rounding mode picked by the
   first byte, the code decoded again; a deterministic rounding of the code's own value
   must give the code back (or a code of the same value). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fmtlab/fmtlab.h>
#include "parse.h"

static const char *const formats[] = { "fp16", "e4m3fn", "bf16", "posit16es1", "fixed8.8",
                                        "lns8f3", "e2m1fn", "fp32" };
#define NF (sizeof formats / sizeof formats[0])

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static fl_format *f[NF];
  char err[256], word[CLI_MAX_WORD];
  if (size < 1)
    return 0;
  unsigned c = data[0] % NF;
  if (!f[c] && fl_format_parse (formats[c], &f[c], err, sizeof err) != FL_OK)
    abort ();
  fl_rounding r;
  fl_rounding_init (&r);
  r.mode = (fl_round_mode) ((data[0] >> 3) % 7);
  r.seed = data[0];
  FILE *fp = fmemopen ((void *) (data + 1), size - 1, "r");
  if (!fp)
    return 0;
  mpfr_t x, v;
  mpfr_init2 (x, 256);
  mpfr_init2 (v, fl_format_prec (f[c]) + 2);
  cli_line_status ls;
  for (uint64_t i = 0; (ls = cli_read_word (fp, word, sizeof word)) != CLI_LINE_EOF && i < 64; i++)
    {
      if (ls != CLI_LINE_OK || fl_parse_real (x, word, 256) != 0)
        continue;
      r.stream = i;
      unsigned fl = 0;
      uint64_t code = fl_encode (f[c], x, &r, &fl);
      if (code > fl_format_ncodes_minus1 (f[c]))
        abort ();
      fl_class k = fl_decode (f[c], code, v);
      char hex[256];
      fl_hexfloat (hex, sizeof hex, v, 0);
      if (k != FL_CLASS_NAN && !mpfr_nan_p (v))
        {
          fl_rounding rn;
          fl_rounding_init (&rn);
          uint64_t again = fl_encode (f[c], v, &rn, NULL);
          mpfr_t w;
          mpfr_init2 (w, fl_format_prec (f[c]) + 2);
          fl_decode (f[c], again, w);
          if (!mpfr_equal_p (v, w) && !(mpfr_zero_p (v) && mpfr_zero_p (w)))
            abort ();
          mpfr_clear (w);
        }
    }
  fclose (fp);
  mpfr_clear (x);
  mpfr_clear (v);
  return 0;
}
