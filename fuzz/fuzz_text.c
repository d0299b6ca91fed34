/* fuzz_text.c -- libFuzzer target for the text reader (io/text.c); seeds in
   fuzz/corpus/text/. */
#include "tensor-fuzz.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  return fuzz_tensor_file (data, size, FL_TFILE_TEXT, ".txt");
}
