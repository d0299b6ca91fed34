/* fmtlab/fmtlab.h -- the engine of libfmtlab (formats, grids, enumeration, blocks, packing).
   The other installed headers (refops.h, vectors.h, chartdata.h) are included on their
   own.  See each for the manual.  tensor.h, onnxwrite.h and the analysis and study headers
   are not installed: they declare convenience libraries of the command. */
#ifndef FMTLAB_H
#define FMTLAB_H
#include <fmtlab/formats.h>
#include <fmtlab/grid.h>
#include <fmtlab/enumerate.h>
#include <fmtlab/blocks.h>
#include <fmtlab/pack.h>
const char *fl_version (void);   /* the library version, "0.1.0" */
#endif
