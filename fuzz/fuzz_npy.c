/* fuzz_npy.c -- libFuzzer target for the npy reader (io/npy.c); seeds in
   fuzz/corpus/npy/. */
#include "tensor-fuzz.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  return fuzz_tensor_file (data, size, FL_TFILE_NPY, ".npy");
}
