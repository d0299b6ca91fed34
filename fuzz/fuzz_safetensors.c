/* fuzz_safetensors.c -- libFuzzer target for the safetensors reader (io/safetensors.c); seeds in
   fuzz/corpus/safetensors/. */
#include "tensor-fuzz.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  return fuzz_tensor_file (data, size, FL_TFILE_SAFETENSORS, ".safetensors");
}
