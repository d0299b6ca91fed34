/* fuzz_pack.c -- libFuzzer target: code streams as 'fmtlab pack' and 'unpack' read them.
   Byte 0 picks the width (1-16) and the mode (trailer, --raw, --count), byte 1 the count;
   the rest is the stream.  Packing then unpacking must give the codes back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <fmtlab/fmtlab.h>
#include <fmtlab/pack.h>
#include "parse.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char err[256];
  if (size < 3)
    return 0;
  unsigned bits = data[0] % 16 + 1, mode = (data[0] >> 4) % 3;
  size_t count = data[1];
  data += 2;
  size -= 2;
  /* unpack: how many codes the stream holds, then the codes */
  size_t n;
  if (cli_unpack_count (size, data[size - 1], bits, mode == 1, mode == 2, count, &n, err,
                        sizeof err) == 0)
    {
      if (fl_pack_bytes (bits, n) > size)
        abort ();                     /* the count must never read past the stream */
      uint16_t *w = malloc ((n ? n : 1) * sizeof *w);
      if (!w)
        return 0;
      if (fl_unpack16 (bits, data, n, w, err, sizeof err) != FL_OK)
        abort ();
      if (bits <= 8)
        {
          uint8_t *c8 = malloc (n ? n : 1);
          if (fl_unpack8 (bits, data, n, c8, err, sizeof err) != FL_OK)
            abort ();
          for (size_t i = 0; i < n; i++)
            if (c8[i] != w[i])
              abort ();
          free (c8);
        }
      free (w);
    }
  /* pack: the bytes as codes (masked to the width), then back */
  size_t m = size;
  uint16_t *codes = malloc (m * sizeof *codes), *back = malloc (m * sizeof *back);
  uint8_t *packed = calloc (fl_pack_bytes (bits, m) + 1, 1);
  if (!codes || !back || !packed)
    abort ();
  for (size_t i = 0; i < m; i++)
    codes[i] = (uint16_t) (data[i] & ((1u << bits) - 1));
  if (fl_pack16 (bits, codes, m, packed, err, sizeof err) != FL_OK
      || fl_unpack16 (bits, packed, m, back, err, sizeof err) != FL_OK
      || memcmp (codes, back, m * sizeof *codes) != 0)
    abort ();
  /* a code too wide must be refused, not packed */
  if (bits < 16)
    {
      codes[0] = (uint16_t) (1u << bits);
      if (fl_pack16 (bits, codes, m, packed, err, sizeof err) == FL_OK)
        abort ();
    }
  free (codes);
  free (back);
  free (packed);
  return 0;
}
