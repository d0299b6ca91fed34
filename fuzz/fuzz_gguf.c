/* fuzz_gguf.c -- libFuzzer target for the GGUF reader (io/gguf.c); seeds in
   fuzz/corpus/gguf/ (the test files of tests/gen_gguf.py and a few corrupt ones). */
#include "tensor-fuzz.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  return fuzz_tensor_file (data, size, FL_TFILE_GGUF, ".gguf");
}
