#include <config.h>
#include "study-impl.h"
fl_status
fl_study_opal (const fl_study_opts *o, fl_study_result *res, char *err, size_t errlen)
{
  (void) o; (void) res;
  fl_study_err (err, errlen, "opal: not built yet");
  return FL_EUNSUPPORTED;
}
