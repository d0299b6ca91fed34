/* density.c -- codes per binade of a format (the value-density chart), by enumerating
   every code and decoding it exactly. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <fmtlab/chartdata.h>

fl_status
fl_codes_per_binade (const fl_format *f, fl_density_row **rows, size_t *nrows, char *err,
                     size_t errlen)
{
  *rows = NULL;
  *nrows = 0;
  unsigned bits = fl_format_bits (f);
  if (bits > 20)
    {
      snprintf (err, errlen, "%s: codes per binade are counted by enumeration, up to 20 bits "
                "(this format has %u)", fl_format_name (f), bits);
      return FL_ERANGE;
    }
  mpfr_t v;
  mpfr_init2 (v, fl_format_prec (f) + 2);
  uint64_t ncodes = fl_format_ncodes_minus1 (f) + 1;
  long *binade = malloc (ncodes * sizeof *binade);
  if (!binade)
    {
      mpfr_clear (v);
      snprintf (err, errlen, "%s: out of memory", fl_format_name (f));
      return FL_ENOMEM;
    }
  size_t npos = 0;
  long lo = 0, hi = 0;
  for (uint64_t c = 0; c < ncodes; c++)
    {
      fl_class k = fl_decode (f, c, v);
      if (k != FL_CLASS_NORMAL && k != FL_CLASS_SUBNORMAL)
        continue;
      if (!mpfr_number_p (v) || mpfr_sgn (v) <= 0)
        continue;
      /* mpfr's exponent e puts v in [2^(e-1), 2^e) */
      long e = (long) mpfr_get_exp (v) - 1;
      if (npos == 0 || e < lo)
        lo = e;
      if (npos == 0 || e > hi)
        hi = e;
      binade[npos++] = e;
    }
  mpfr_clear (v);
  if (npos == 0)
    {
      free (binade);
      snprintf (err, errlen, "%s: the format has no positive values", fl_format_name (f));
      return FL_EINVAL;
    }
  size_t n = (size_t) (hi - lo + 1);
  fl_density_row *r = calloc (n, sizeof *r);
  if (!r)
    {
      free (binade);
      snprintf (err, errlen, "%s: out of memory", fl_format_name (f));
      return FL_ENOMEM;
    }
  for (size_t i = 0; i < n; i++)
    r[i].binade = lo + (long) i;
  for (size_t i = 0; i < npos; i++)
    r[binade[i] - lo].codes += 1;
  free (binade);
  *rows = r;
  *nrows = n;
  return FL_OK;
}
