/* synthetic.c -- the embedded synthetic distributions (GSL generators, fixed seeds). */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <fmtlab/synthetic.h>

/* Values are generated in blocks with a generator per block, so that a range can be read
   without generating what comes before it (chunked reads, threads). */
#define SYN_BLOCK 4096u

static const char *const syn_names[] = { "normal", "laplace", "student3", "lognormal" };

int
fl_synthetic_parse (const char *name, fl_synthetic *out)
{
  for (int i = 0; i < 4; i++)
    if (strcmp (name, syn_names[i]) == 0)
      {
        *out = (fl_synthetic) i;
        return 0;
      }
  if (strcmp (name, "t3") == 0)
    {
      *out = FL_SYN_STUDENT3;
      return 0;
    }
  return -1;
}

const char *
fl_synthetic_name (fl_synthetic d)
{
  return (unsigned) d < 4 ? syn_names[d] : "?";
}

const char *
fl_synthetic_names (void)
{
  return "normal laplace student3 lognormal";
}

static double
syn_draw (fl_synthetic d, gsl_rng *g)
{
  switch (d)
    {
    case FL_SYN_NORMAL:
      return gsl_ran_gaussian_ziggurat (g, 1.0);
    case FL_SYN_LAPLACE:
      return gsl_ran_laplace (g, 1.0);
    case FL_SYN_STUDENT3:
      return gsl_ran_tdist (g, 3.0);
    case FL_SYN_LOGNORMAL:
    default:
      {
        double sign = gsl_rng_uniform (g) < 0.5 ? -1.0 : 1.0;
        double mu = gsl_rng_uniform (g) < 1e-3 ? 2.0 : -2.0;
        return sign * gsl_ran_lognormal (g, mu, 0.5);
      }
    }
}

fl_status
fl_synthetic_fill (fl_synthetic d, uint64_t seed, uint64_t start, double *out, size_t n,
                   char *err, size_t errlen)
{
  if ((unsigned) d >= 4)
    {
      snprintf (err, errlen, "unknown synthetic distribution");
      return FL_EINVAL;
    }
  gsl_rng *g = gsl_rng_alloc (gsl_rng_mt19937);
  if (!g)
    {
      snprintf (err, errlen, "out of memory for a random generator");
      return FL_ENOMEM;
    }
  size_t done = 0;
  while (done < n)
    {
      uint64_t idx = start + done;
      uint64_t blk = idx / SYN_BLOCK;
      /* MT19937 takes an unsigned long seed: mix the seed, distribution and block */
      uint64_t s = seed * 0x9E3779B97F4A7C15ull ^ (blk + 1) * 0xBF58476D1CE4E5B9ull
                   ^ ((uint64_t) d + 1) * 0x94D049BB133111EBull;
      s ^= s >> 31;
      gsl_rng_set (g, (unsigned long) (s ? s : 1));
      uint64_t skip = idx - blk * SYN_BLOCK;
      for (uint64_t j = 0; j < skip; j++)
        (void) syn_draw (d, g);
      for (uint64_t j = skip; j < SYN_BLOCK && done < n; j++)
        out[done++] = syn_draw (d, g);
    }
  gsl_rng_free (g);
  return FL_OK;
}
