/* fuzz_npz.c -- libFuzzer target for the npz reader (io/npz.c); seeds in
   fuzz/corpus/npz/. */
#include "tensor-fuzz.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  return fuzz_tensor_file (data, size, FL_TFILE_NPZ, ".npz");
}
