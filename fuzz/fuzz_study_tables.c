/* fuzz_study_tables.c -- libFuzzer target: the study tables the studies' charts read back
   (cli/charts_study.c through cli_csv_read).  The first byte picks the chart kind, the rest
   is the table, written to a temporary file.  The chart goes to a path without a chart
   extension, so everything up to the drawing runs (reading, columns, arranging, the
   finding) and the plot call then refuses without starting PLplot; an error is fine, a
   crash or a leak is not. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "charts.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char *const kinds[] = { "study-gupta", "study-opal", "study-lp",
                                       "study-decoupleq", "study-exmy", "study-cer" };
  if (size < 1 || size > 65536)
    return 0;
  char path[] = "/tmp/fuzz_study_tables.XXXXXX";
  int fd = mkstemp (path);
  if (fd < 0)
    return 0;
  FILE *fp = fdopen (fd, "wb");
  if (!fp)
    {
      close (fd);
      unlink (path);
      return 0;
    }
  fwrite (data + 1, 1, size - 1, fp);
  fclose (fp);
  char finding[4096], err[1024];
  fl_status st = cli_chart_study (kinds[data[0] % 6], path, "/nonexistent/chart.none", NULL,
                                  finding, sizeof finding, err, sizeof err);
  if (st == FL_OK)
    abort ();           /* the chart path cannot be drawn: success would be a bug */
  unlink (path);
  return 0;
}
