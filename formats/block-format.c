/* block-format.c -- block formats as formats: fl_format_parse takes scalar and block names
   alike, and a block name gives a format of family FL_FAMILY_BLOCK whose one meaningful
   call is the array quantize (fl_quantize_doubles/floats: quantize, then dequantize, whole
   blocks).  The top of formats/: it calls the block driver (block.c) and the scalar parser
   (registry.c); neither calls it.  See formats.h and doc/blocks.md. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include "block-impl.h"

/* Values per chunk of the array calls: whole blocks, a bounded code array. */
#define CHUNK_VALUES 65536

/* ---- the scalar calls do not apply: a NaN, a zero code flagged invalid ---- */

static fl_class
blk_decode (const fl_format *f, uint64_t code, mpfr_ptr out)
{
  mpfr_set_nan (out);
  return FL_CLASS_NAN;
}

static uint64_t
blk_encode_special (const fl_format *f, fl_class c, int negative, const fl_rounding *r,
                    unsigned *flags)
{
  *flags |= FL_FLAG_INVALID;
  return 0;
}

static uint64_t
blk_round_pack (const fl_format *f, int negative, const struct fl_mag_s *m,
               const fl_rounding *r, unsigned *flags, mpz_ptr tmp)
{
  *flags |= FL_FLAG_INVALID;
  return 0;
}

static int
blk_beyond (const fl_format *f, int negative, mpfr_ptr out)
{
  mpfr_set_nan (out);
  return 0;
}

static uint64_t blk_code (const fl_format *f) { return 0; }
static int blk_minnormal (const fl_format *f, uint64_t *code) { return 0; }
static int blk_bits_at_one (const fl_format *f) { return 0; }

/* ---- the array calls: whole blocks ---- */

static void
quantize (const fl_format *f, const double *xd, const float *xf, double *yd, float *yf,
          size_t n, const fl_rounding *r, unsigned *flags)
{
  const fl_block *b = f->u.block;
  size_t chunk = CHUNK_VALUES / b->k * b->k;
  if (chunk == 0)
    chunk = b->k;
  fl_block_array a;
  char err[256];
  double *tmp = malloc ((n < chunk ? n : chunk) * sizeof *tmp + 1);
  fl_rounding rc = *r;
  for (size_t lo = 0; lo < n; lo += chunk)
    {
      size_t len = n - lo < chunk ? n - lo : chunk;
      rc.stream = r->stream + lo;
      fl_status st = tmp ? fl_block_array_init (&a, b, len, err, sizeof err) : FL_ENOMEM;
      if (st == FL_OK)
        {
          st = xd ? fl_block_quantize_doubles (b, xd + lo, len, &a, &rc, flags, err, sizeof err)
                  : fl_block_quantize_floats (b, xf + lo, len, &a, &rc, flags, err, sizeof err);
          if (st == FL_OK)
            fl_block_dequantize_doubles (b, &a, tmp);
          fl_block_array_clear (&a);
        }
      if (st != FL_OK)
        {
          /* refused (stochastic rounding of a non-power-of-two scale) or out of memory */
          for (size_t i = 0; i < len; i++)
            {
              if (yd)
                yd[lo + i] = NAN;
              else
                yf[lo + i] = NAN;
            }
          if (flags)
            *flags |= FL_FLAG_INVALID;
          continue;
        }
      for (size_t i = 0; i < len; i++)
        {
          if (yd)
            yd[lo + i] = tmp[i];
          else
            yf[lo + i] = (float) tmp[i];
        }
    }
  free (tmp);
}

static void
blk_quantize_doubles (const fl_format *f, const double *x, double *y, size_t n,
                      const fl_rounding *r, unsigned *flags)
{
  quantize (f, x, NULL, y, NULL, n, r, flags);
}

static void
blk_quantize_floats (const fl_format *f, const float *x, float *y, size_t n,
                     const fl_rounding *r, unsigned *flags)
{
  quantize (f, NULL, x, NULL, y, n, r, flags);
}

static void
blk_release (fl_format *f)
{
  fl_block_free (f->u.block);
  f->u.block = NULL;
}

static const fl_family_ops block_format_ops = {
  .family = FL_FAMILY_BLOCK,
  .decode = blk_decode,
  .encode_special = blk_encode_special,
  .round_pack = blk_round_pack,
  .beyond = blk_beyond,
  .max_code = blk_code,
  .lowest_code = blk_code,
  .minpos_code = blk_code,
  .minnormal_code = blk_minnormal,
  .bits_at_one = blk_bits_at_one,
  .quantize_doubles = blk_quantize_doubles,
  .quantize_floats = blk_quantize_floats,
  .release = blk_release,
};

static fl_status
block_format_parse (const char *name, fl_format **out, char *err, size_t errlen)
{
  *out = NULL;
  fl_block *b;
  fl_status st = fl_block_parse (name, &b, err, errlen);
  if (st != FL_OK)
    return st;
  if (strlen (fl_block_name (b)) >= sizeof ((fl_format *) 0)->name)
    {
      if (err && errlen)
        snprintf (err, errlen, "block format '%.60s...': the canonical name is too long for a "
                  "format (use fl_block_parse)", name);
      fl_block_free (b);
      return FL_EINVAL;
    }
  fl_format *f = calloc (1, sizeof *f);
  if (!f)
    {
      fl_block_free (b);
      if (err && errlen)
        snprintf (err, errlen, "out of memory");
      return FL_ENOMEM;
    }
  f->ops = &block_format_ops;
  snprintf (f->name, sizeof f->name, "%s", fl_block_name (b));
  f->bits = 0;                     /* no scalar codes */
  f->prec = 2;
  f->default_overflow = FL_OVF_SAT;
  f->exact = fl_format_is_exact (b->elem);
  f->u.block = b;
  *out = f;
  return FL_OK;
}

fl_status
fl_format_parse (const char *name, fl_format **out, char *err, size_t errlen)
{
  fl_block_mpfr_state ms;
  fl_block_mpfr_enter (&ms);
  fl_status st = fl_block_name_p (name) ? block_format_parse (name, out, err, errlen)
                 : fl_scalar_format_parse (name, out, err, errlen);
  fl_block_mpfr_leave (&ms);
  return st;
}

const fl_block *
fl_format_block (const fl_format *f)
{
  return f && f->ops == &block_format_ops ? f->u.block : NULL;
}
