/* writer.c -- placeholder until the writers land. */
#include <config.h>
#include <stdio.h>
#include "reader-impl.h"

fl_status
fl_tensor_writer_open (const char *path, fl_tfile_kind kind, fl_tensor_writer **out,
                       char *err, size_t errlen)
{
  (void) kind;
  *out = NULL;
  if (err && errlen)
    snprintf (err, errlen, "%s: the tensor writers are not built yet", path);
  return FL_EUNSUPPORTED;
}

fl_status
fl_tensor_writer_add (fl_tensor_writer *w, const char *name, fl_dtype dtype, int ndim,
                      const uint64_t *shape, const void *data, char *err, size_t errlen)
{
  (void) w, (void) name, (void) dtype, (void) ndim, (void) shape, (void) data;
  if (err && errlen)
    snprintf (err, errlen, "the tensor writers are not built yet");
  return FL_EUNSUPPORTED;
}

fl_status
fl_tensor_writer_commit (fl_tensor_writer *w, char *err, size_t errlen)
{
  return fl_tensor_writer_add (w, NULL, FL_DT_F32, 0, NULL, NULL, err, errlen);
}

void
fl_tensor_writer_abort (fl_tensor_writer *w)
{
  (void) w;
}
