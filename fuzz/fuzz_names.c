/* fuzz_names.c -- libFuzzer target: format names (fl_format_parse) and block format names
   (fl_block_parse); a name that parses must give a usable format: its canonical name
   parses to the same format, and its extreme codes decode. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <fmtlab/fmtlab.h>
#include <fmtlab/blocks.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char err[512];
  if (size > 512)
    return 0;
  char *s = strndup ((const char *) data, size);    /* the name ends at a NUL */
  if (!s)
    return 0;
  fl_format *f;
  if (fl_format_parse (s, &f, err, sizeof err) == FL_OK)
    {
      fl_format *g;
      if (fl_format_parse (fl_format_name (f), &g, err, sizeof err) != FL_OK
          || fl_format_bits (g) != fl_format_bits (f))
        abort ();
      mpfr_t v;
      mpfr_init2 (v, fl_format_prec (f) + 2);
      fl_decode (f, 0, v);
      fl_decode (f, fl_format_ncodes_minus1 (f), v);
      fl_decode (f, fl_format_max_code (f), v);
      mpfr_clear (v);
      fl_format_free (g);
      fl_format_free (f);
    }
  fl_block *b;
  fl_block_name_p (s);
  if (fl_block_parse (s, &b, err, sizeof err) == FL_OK)
    {
      if (fl_block_k (b) == 0 || !fl_block_name (b))
        abort ();
      fl_block_free (b);
    }
  free (s);
  return 0;
}
