/* fmtlab/fmtlab.h -- everything of libfmtlab.  See the module headers for the manual. */
#ifndef FMTLAB_H
#define FMTLAB_H
#include <fmtlab/formats.h>
#include <fmtlab/grid.h>
#include <fmtlab/enumerate.h>
#include <fmtlab/blocks.h>
#include <fmtlab/pack.h>
#include <fmtlab/tensor.h>
const char *fl_version (void);   /* the library version, "0.1.0" */
#endif
