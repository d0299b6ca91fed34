/* npz.c -- placeholder until the reader lands. */
#include <config.h>
#include "reader-impl.h"

fl_status
fl_io_open_npz (fl_tensor_file *f, char *err, size_t errlen)
{
  fl_io_error (err, errlen, f, NULL, "this reader is not built yet");
  return FL_EUNSUPPORTED;
}
