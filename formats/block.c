/* block.c -- the block-format abstraction: names, properties, code arrays, and the
   quantize/dequantize drivers over many blocks, which call each family through its ops
   table (mx.c: OCP MX and NVFP4; opal.c; group.c).  See doc/blocks.md. */
#include <config.h>
#include <ctype.h>
#include <errno.h>
#include <fenv.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "block-impl.h"

/* ---- names ---- */

typedef struct {
  const char *name;
  fl_block_kind kind;
  const char *elem;
  size_t k;
  fl_group_fit fit;
} block_preset;

static const block_preset presets[] = {
  { "mxfp8e4m3", FL_BLOCK_MX, "e4m3fn", 32, 0 },
  { "mxfp8e5m2", FL_BLOCK_MX, "e5m2", 32, 0 },
  { "mxfp6e3m2", FL_BLOCK_MX, "e3m2fn", 32, 0 },
  { "mxfp6e2m3", FL_BLOCK_MX, "e2m3fn", 32, 0 },
  { "mxfp4", FL_BLOCK_MX, "e2m1fn", 32, 0 },
  { "mxint8", FL_BLOCK_MX, "fixed2.6", 32, 0 },
  { "nvfp4", FL_BLOCK_NVFP4, "e2m1fn", 16, 0 },
  { "opal", FL_BLOCK_OPAL, "exmy_e0m3", 128, 0 },
  { "q8_0", FL_BLOCK_GROUP, "int8", 32, FL_FIT_Q8_0 },
  { "q4_0", FL_BLOCK_GROUP, "uint4", 32, FL_FIT_Q4_0 },
  { "q4_1", FL_BLOCK_GROUP, "uint4", 32, FL_FIT_Q4_1 },
};
#define N_PRESETS (sizeof presets / sizeof presets[0])

static const fl_catalogue_entry catalogue[] = {
  { "mxfp8e4m3 mxfp8e5m2 mxfp6e3m2 mxfp6e2m3 mxfp4 mxint8", "block",
    "OCP MX v1.0: 32 elements (e4m3fn e5m2 e3m2fn e2m3fn e2m1fn fixed2.6) share an E8M0 "
    "power-of-two scale" },
  { "mx:elem=NAME[,k=32][,scale=e8m0fnu][,rule=floor|ceil|even|rceil][,sym=1]", "block",
    "generic MX: any scalar element format; presets take the same parameters (mxfp4:k=16)" },
  { "nvfp4[:tscale=V]", "block",
    "NVFP4: 16 e2m1fn elements, e4m3fn scale amax/(6 V), V a per-tensor binary32 scale (default 1)" },
  { "opal[:elem=exmy_e0m3][,k=128][,outliers=4][,ofmt=bf16][,scale=e8m0fnu]", "block",
    "OPAL: MX-style blocks whose largest |x| are kept in ofmt with their in-block index" },
  { "group:elem=int<b>|uint<b>[,k=128][,scale=fp16][,zero=fp16|none][,fit=minmax|absmax|mse]",
    "block", "grouped affine integers x ~ q s + z, decoupleQ's fits" },
  { "q8_0 q4_0 q4_1", "block",
    "llama.cpp's blocks (k = 32, fp16 scale), computed as ggml does in binary32" },
};

const fl_catalogue_entry *
fl_block_catalogue (size_t *n)
{
  *n = sizeof catalogue / sizeof catalogue[0];
  return catalogue;
}

static const char *const family_prefix[] = { "mx", "nvfp4", "opal", "group" };

const char *
fl_scale_rule_name (fl_scale_rule r)
{
  static const char *const n[] = { "floor", "ceil", "even", "rceil" };
  return (unsigned) r < 4 ? n[r] : "?";
}

const char *
fl_group_fit_name (fl_group_fit f)
{
  static const char *const n[] = { "minmax", "absmax", "mse", "q4_0", "q4_1", "q8_0" };
  return (unsigned) f < 6 ? n[f] : "?";
}

int
fl_block_name_p (const char *name)
{
  if (!name)
    return 0;
  size_t len = strcspn (name, ":");
  for (size_t i = 0; i < N_PRESETS; i++)
    if (strlen (presets[i].name) == len && strncmp (name, presets[i].name, len) == 0)
      return 1;
  for (size_t i = 0; i < 4; i++)
    if (strlen (family_prefix[i]) == len && strncmp (name, family_prefix[i], len) == 0)
      return 1;
  return 0;
}

static fl_status
fail (char *err, size_t errlen, const char *fmt, ...) __attribute__ ((format (printf, 3, 4)));
static fl_status
fail (char *err, size_t errlen, const char *fmt, ...)
{
  if (err && errlen)
    {
      va_list ap;
      va_start (ap, fmt);
      vsnprintf (err, errlen, fmt, ap);
      va_end (ap);
    }
  return FL_EINVAL;
}

void
fl_block_free (fl_block *b)
{
  if (!b)
    return;
  fl_format_free (b->elem);
  fl_format_free (b->scale);
  fl_format_free (b->zero);
  fl_format_free (b->ofmt);
  fl_format_free (b->f32);
  free (b);
}

static fl_status
sub_format (const char *block, const char *key, const char *v, fl_format **out, char *err,
            size_t errlen)
{
  char e2[256];
  fl_format_free (*out);
  *out = NULL;
  if (fl_scalar_format_parse (v, out, e2, sizeof e2) != FL_OK)
    return fail (err, errlen, "block format '%s': %s=%s: %s", block, key, v, e2);
  return FL_OK;
}

/* exponent of the largest power of two <= v > 0, and of the smallest power of two >= v */
static long
floor_log2 (mpfr_srcptr v)
{
  return (long) mpfr_get_exp (v) - 1;
}

static fl_status
elem_setup (fl_block *b, const char *name, char *err, size_t errlen)
{
  const fl_format *f = b->elem;
  mpfr_t mx, pv;
  mpfr_init2 (mx, fl_format_prec (f) + 2);
  mpfr_init2 (pv, fl_format_prec (f) + 2);
  uint64_t maxc = fl_format_max_code (f);
  fl_decode (f, maxc, mx);
  if (!mpfr_regular_p (mx) || mpfr_sgn (mx) <= 0)
    {
      mpfr_clear (mx);
      mpfr_clear (pv);
      return fail (err, errlen, "block format '%s': element format %s has no positive values",
                   name, fl_format_name (f));
    }
  b->elem_emax = floor_log2 (mx);
  b->elem_max_d = mpfr_get_d (mx, MPFR_RNDN);
  fl_decode (f, maxc - 1, pv);
  b->elem_mbits = 0;
  if (mpfr_regular_p (pv) && mpfr_sgn (pv) > 0 && mpfr_less_p (pv, mx))
    {
      mpfr_t d;
      mpfr_init2 (d, mpfr_get_prec (mx) + 2);
      mpfr_sub (d, mx, pv, MPFR_RNDN);
      b->elem_mbits = b->elem_emax - floor_log2 (d);
      if (b->elem_mbits < 0)
        b->elem_mbits = 0;
      mpfr_clear (d);
    }
  fl_rounding r;
  fl_rounding_init (&r);
  mpfr_set_zero (pv, 1);
  b->elem_zero = fl_encode (f, pv, &r, NULL);
  if (fl_format_has_nan (f))
    {
      mpfr_set_nan (pv);
      b->elem_nan = fl_encode (f, pv, &r, NULL);
    }
  else
    b->elem_nan = b->elem_zero;
  uint64_t low = fl_format_lowest_code (f);
  fl_decode (f, low, pv);
  mpfr_neg (pv, pv, MPFR_RNDN);
  b->elem_asym = fl_format_family (f) == FL_FAMILY_FIXED && mpfr_greater_p (pv, mx);
  b->elem_lowest = low;
  mpfr_clear (mx);
  mpfr_clear (pv);
  return FL_OK;
}

static fl_status
scale_setup (fl_block *b, const char *name, char *err, size_t errlen)
{
  const fl_format *f = b->scale;
  mpfr_t v;
  mpfr_init2 (v, fl_format_prec (f) + 2);
  fl_decode (f, fl_format_max_code (f), v);
  int ok = mpfr_regular_p (v) && mpfr_sgn (v) > 0;
  if (ok)
    b->smax = floor_log2 (v);
  fl_decode (f, fl_format_minpos_code (f), v);
  ok = ok && mpfr_regular_p (v) && mpfr_sgn (v) > 0;
  if (ok)
    b->smin = floor_log2 (v) + (mpfr_min_prec (v) > 1);
  mpfr_clear (v);
  if (!ok || b->smin > b->smax)
    return fail (err, errlen, "block format '%s': scale format %s holds no power of two",
                 name, fl_format_name (f));
  return FL_OK;
}

/* Split "k1=v1,k2=[a,b],..." at top-level commas. */
static fl_status
parse_params (fl_block *b, const char *name, const char *p, char *err, size_t errlen,
              int *sawkey)
{
  static const char *const allowed[4] = {
    "elem, k, scale, rule, sym", "tscale", "elem, k, outliers, ofmt, scale",
    "elem, k, scale, zero, fit"
  };
  char buf[512];
  while (*p)
    {
      const char *eq = strchr (p, '=');
      const char *comma = p;
      int depth = 0;
      for (; *comma; comma++)
        {
          if (*comma == '[')
            depth++;
          else if (*comma == ']')
            depth--;
          else if (*comma == ',' && depth == 0)
            break;
        }
      if (!eq || eq > comma)
        return fail (err, errlen, "block format '%s': '%.*s': expected key=value", name,
                     (int) (comma - p), p);
      size_t klen = (size_t) (eq - p), vlen = (size_t) (comma - eq - 1);
      if (klen >= 32 || vlen >= sizeof buf)
        return fail (err, errlen, "block format '%s': parameter too long", name);
      char key[32];
      memcpy (key, p, klen);
      key[klen] = 0;
      memcpy (buf, eq + 1, vlen);
      buf[vlen] = 0;
      char *v = buf;
      if (vlen >= 2 && v[0] == '[' && v[vlen - 1] == ']')
        {
          v[vlen - 1] = 0;
          v++;
        }
      if (*v == 0)
        return fail (err, errlen, "block format '%s': %s= needs a value", name, key);
      int kind = (int) b->kind, known = 0;
      fl_status st = FL_OK;
      if (strcmp (key, "elem") == 0 && kind != FL_BLOCK_NVFP4)
        known = 1, st = sub_format (name, key, v, &b->elem, err, errlen), sawkey[0] = 1;
      else if (strcmp (key, "scale") == 0 && kind != FL_BLOCK_NVFP4)
        known = 1, st = sub_format (name, key, v, &b->scale, err, errlen), sawkey[1] = 1;
      else if (strcmp (key, "ofmt") == 0 && kind == FL_BLOCK_OPAL)
        known = 1, st = sub_format (name, key, v, &b->ofmt, err, errlen);
      else if (strcmp (key, "zero") == 0 && kind == FL_BLOCK_GROUP)
        {
          known = 1;
          if (strcmp (v, "none") == 0)
            {
              fl_format_free (b->zero);
              b->zero = NULL;
            }
          else
            st = sub_format (name, key, v, &b->zero, err, errlen);
          sawkey[2] = 1;
        }
      else if (strcmp (key, "k") == 0 || strcmp (key, "outliers") == 0 || strcmp (key, "sym") == 0)
        {
          known = strcmp (key, "k") == 0 ? kind != FL_BLOCK_NVFP4
                  : strcmp (key, "sym") == 0 ? kind == FL_BLOCK_MX : kind == FL_BLOCK_OPAL;
          if (known)
            {
              char *end;
              errno = 0;
              unsigned long long n = isdigit ((unsigned char) v[0]) ? strtoull (v, &end, 10) : 0;
              if (!isdigit ((unsigned char) v[0]) || errno || *end)
                return fail (err, errlen, "block format '%s': %s=%s: expected an integer", name, key, v);
              if (key[0] == 'k')
                {
                  if (n < 1 || n > 65536)
                    return fail (err, errlen, "block format '%s': k=%s: expected 1 to 65536", name, v);
                  b->k = (size_t) n;
                }
              else if (key[0] == 'o')
                {
                  if (n > 65536)
                    return fail (err, errlen, "block format '%s': outliers=%s: expected 0 to k", name, v);
                  b->outliers = (unsigned) n;
                }
              else
                {
                  if (n > 1)
                    return fail (err, errlen, "block format '%s': sym=%s: expected 0 or 1", name, v);
                  b->sym = (int) n;
                }
            }
        }
      else if (strcmp (key, "rule") == 0 && kind == FL_BLOCK_MX)
        {
          known = 1;
          int i;
          for (i = 0; i < 4 && strcmp (v, fl_scale_rule_name ((fl_scale_rule) i)) != 0; i++)
            ;
          if (i == 4)
            return fail (err, errlen, "block format '%s': rule=%s: expected floor, ceil, even or rceil", name, v);
          b->rule = (fl_scale_rule) i;
        }
      else if (strcmp (key, "fit") == 0 && kind == FL_BLOCK_GROUP)
        {
          known = 1;
          int i;
          for (i = 0; i < 3 && strcmp (v, fl_group_fit_name ((fl_group_fit) i)) != 0; i++)
            ;
          if (i == 3)
            return fail (err, errlen, "block format '%s': fit=%s: expected minmax, absmax or mse", name, v);
          b->fit = (fl_group_fit) i;
        }
      else if (strcmp (key, "tscale") == 0 && kind == FL_BLOCK_NVFP4)
        {
          known = 1;
          mpfr_t t;
          mpfr_init2 (t, 256);
          if (fl_parse_real (t, v, 64) != 0 || !mpfr_regular_p (t) || mpfr_sgn (t) <= 0
              || mpfr_get_exp (t) > 128 || mpfr_get_exp (t) < -148)
            {
              mpfr_clear (t);
              return fail (err, errlen, "block format '%s': tscale=%s: expected a positive binary32 value", name, v);
            }
          /* the per-tensor scale is a binary32: round it there (RNE) */
          mpfr_t f;
          mpfr_init2 (f, 24);
          mpfr_set (f, t, MPFR_RNDN);
          b->tscale = mpfr_get_d (f, MPFR_RNDN);
          b->has_tscale = 1;
          mpfr_clear (f);
          mpfr_clear (t);
          if (b->tscale < 0x1p-126)
            return fail (err, errlen, "block format '%s': tscale=%s: below the binary32 normal range", name, v);
        }
      if (st != FL_OK)
        return st;
      if (!known)
        return fail (err, errlen, "block format '%s': unknown parameter '%s' (expected %s)", name,
                     key, allowed[kind]);
      p = *comma ? comma + 1 : comma;
    }
  return FL_OK;
}

/* A scalar format's name as a block parameter: in brackets when it holds a comma
   (float:e=4,m=3), so that the canonical name parses back to the same block. */
static const char *
param_name (const fl_format *f, char *buf, size_t size)
{
  const char *s = fl_format_name (f);
  if (!strchr (s, ','))
    return s;
  snprintf (buf, size, "[%s]", s);
  return buf;
}

static void
canonical_name (fl_block *b)
{
  char *n = b->name;
  size_t sz = sizeof b->name;
  char e[128], sc[128], o[128], z[128];
  switch (b->kind)
    {
    case FL_BLOCK_MX:
      if (snprintf (n, sz, "mx:elem=%s,k=%zu,scale=%s,rule=%s%s", param_name (b->elem, e, sizeof e),
                b->k, param_name (b->scale, sc, sizeof sc), fl_scale_rule_name (b->rule),
                b->elem_asym && !b->sym ? ",sym=0" : "") >= (int) sz)
        n[sz - 1] = 0;   /* truncated (names are far shorter than the buffer) */
      break;
    case FL_BLOCK_NVFP4:
      if (b->has_tscale)
        snprintf (n, sz, "nvfp4:tscale=%a", b->tscale);
      else
        snprintf (n, sz, "nvfp4");
      break;
    case FL_BLOCK_OPAL:
      if (snprintf (n, sz, "opal:elem=%s,k=%zu,outliers=%u,ofmt=%s,scale=%s",
                param_name (b->elem, e, sizeof e), b->k, b->outliers,
                param_name (b->ofmt, o, sizeof o), param_name (b->scale, sc, sizeof sc)) >= (int) sz)
        n[sz - 1] = 0;
      break;
    case FL_BLOCK_GROUP:
      if (b->fit >= FL_FIT_Q4_0)
        snprintf (n, sz, "%s", fl_group_fit_name (b->fit));
      else
        if (snprintf (n, sz, "group:elem=%s,k=%zu,scale=%s,zero=%s,fit=%s",
                  param_name (b->elem, e, sizeof e), b->k, param_name (b->scale, sc, sizeof sc),
                  b->zero ? param_name (b->zero, z, sizeof z) : "none",
                  fl_group_fit_name (b->fit)) >= (int) sz)
          n[sz - 1] = 0;
      break;
    }
}

static fl_status
block_parse (const char *name, fl_block **out, char *err, size_t errlen)
{
  *out = NULL;
  if (!name || !*name)
    return fail (err, errlen, "empty block format name");
  if (strlen (name) > 256)
    return fail (err, errlen, "block format name longer than 256 characters");
  size_t len = strcspn (name, ":");
  const block_preset *pre = NULL;
  int kind = -1;
  for (size_t i = 0; i < N_PRESETS; i++)
    if (strlen (presets[i].name) == len && strncmp (name, presets[i].name, len) == 0)
      pre = &presets[i], kind = (int) presets[i].kind;
  for (int i = 0; i < 4 && !pre; i++)
    if (strlen (family_prefix[i]) == len && strncmp (name, family_prefix[i], len) == 0)
      kind = i;
  if (kind < 0)
    return fail (err, errlen, "unknown block format '%s': expected mxfp8e4m3, mxfp8e5m2, mxfp6e3m2, "
                 "mxfp6e2m3, mxfp4, mxint8, nvfp4, opal, q8_0, q4_0, q4_1, or mx:/nvfp4:/opal:/group: "
                 "with parameters (see 'fmtlab formats')", name);
  if (pre && pre->kind == FL_BLOCK_GROUP && name[len])
    return fail (err, errlen, "block format '%s': %s takes no parameters (ggml's definition is fixed)",
                 name, pre->name);
  if (name[len] == ':' && name[len + 1] == 0)
    return fail (err, errlen, "block format '%s': expected parameters after ':'", name);
  fl_block *b = calloc (1, sizeof *b);
  if (!b)
    return fail (err, errlen, "out of memory"), FL_ENOMEM;
  b->kind = (fl_block_kind) kind;
  static const fl_block_ops *const family_ops[4] = {
    &fl_mx_block_ops, &fl_nvfp4_block_ops, &fl_opal_block_ops, &fl_group_block_ops
  };
  b->ops = family_ops[kind];
  b->sym = 1;
  b->tscale = 1;
  b->rule = FL_RULE_FLOOR;
  b->fit = pre ? pre->fit : FL_FIT_MINMAX;
  b->k = pre ? pre->k : kind == FL_BLOCK_MX ? 32 : kind == FL_BLOCK_NVFP4 ? 16 : 128;
  const char *defelem = pre ? pre->elem : kind == FL_BLOCK_OPAL ? "exmy_e0m3"
                        : kind == FL_BLOCK_NVFP4 ? "e2m1fn" : NULL;
  const char *defscale = kind == FL_BLOCK_NVFP4 ? "e4m3fn" : kind == FL_BLOCK_GROUP ? "fp16" : "e8m0fnu";
  char e2[256];
  fl_status st = FL_OK;
  if (defelem)
    st = fl_scalar_format_parse (defelem, &b->elem, e2, sizeof e2);
  if (st == FL_OK)
    st = fl_scalar_format_parse (defscale, &b->scale, e2, sizeof e2);
  if (st == FL_OK && kind == FL_BLOCK_OPAL)
    st = fl_scalar_format_parse ("bf16", &b->ofmt, e2, sizeof e2);
  if (st == FL_OK && kind == FL_BLOCK_GROUP && (b->fit == FL_FIT_Q4_1 || !pre))
    st = fl_scalar_format_parse ("fp16", &b->zero, e2, sizeof e2);
  if (kind == FL_BLOCK_OPAL)
    b->outliers = 4;
  if (st != FL_OK)
    {
      fl_block_free (b);
      return fail (err, errlen, "block format '%s': %s", name, e2);
    }
  int sawkey[3] = { 0, 0, 0 };
  if (name[len] == ':')
    {
      st = parse_params (b, name, name + len + 1, err, errlen, sawkey);
      if (st != FL_OK)
        {
          fl_block_free (b);
          return st;
        }
    }
  if (!b->elem)
    {
      fl_block_free (b);
      return fail (err, errlen, "block format '%s': elem=NAME is required", name);
    }
  if (kind == FL_BLOCK_GROUP && !pre && b->fit == FL_FIT_ABSMAX && !sawkey[2])
    {
      fl_format_free (b->zero);    /* symmetric: no zero point unless one is asked for */
      b->zero = NULL;
    }
  st = elem_setup (b, name, err, errlen);
  if (st == FL_OK && (kind == FL_BLOCK_MX || kind == FL_BLOCK_OPAL))
    st = scale_setup (b, name, err, errlen);
  if (st == FL_OK && kind == FL_BLOCK_OPAL && b->outliers > b->k)
    st = fail (err, errlen, "block format '%s': outliers=%u exceeds k=%zu", name, b->outliers, b->k);
  if (st == FL_OK && b->ops->setup)
    st = b->ops->setup (b, err, errlen);
  if (st != FL_OK)
    {
      fl_block_free (b);
      return st;
    }
  b->ibits = 0;
  while (((size_t) 1 << b->ibits) < b->k)
    b->ibits++;
  if (pre && name[len] == 0)
    snprintf (b->name, sizeof b->name, "%s", pre->name);
  else
    canonical_name (b);
  *out = b;
  return FL_OK;
}

fl_status
fl_block_parse (const char *name, fl_block **out, char *err, size_t errlen)
{
  fl_block_mpfr_state ms;
  fl_block_mpfr_enter (&ms);
  fl_status st = block_parse (name, out, err, errlen);
  fl_block_mpfr_leave (&ms);
  return st;
}

const char *fl_block_name (const fl_block *b) { return b->name; }
fl_block_kind fl_block_kind_of (const fl_block *b) { return b->kind; }
size_t fl_block_k (const fl_block *b) { return b->k; }
const fl_format *fl_block_elem (const fl_block *b) { return b->elem; }
const fl_format *fl_block_scale (const fl_block *b) { return b->scale; }
const fl_format *fl_block_zero (const fl_block *b) { return b->zero; }
const fl_format *fl_block_ofmt (const fl_block *b) { return b->ofmt; }
unsigned fl_block_outliers (const fl_block *b) { return b->kind == FL_BLOCK_OPAL ? b->outliers : 0; }
unsigned fl_block_index_bits (const fl_block *b) { return b->ibits; }
fl_scale_rule fl_block_rule (const fl_block *b) { return b->rule; }
fl_group_fit fl_block_fit (const fl_block *b) { return b->fit; }

uint64_t
fl_block_storage_bits (const fl_block *b)
{
  uint64_t s = (uint64_t) b->k * fl_format_bits (b->elem) + fl_format_bits (b->scale);
  if (b->zero)
    s += fl_format_bits (b->zero);
  if (b->kind == FL_BLOCK_OPAL)
    s += (uint64_t) b->outliers * (fl_format_bits (b->ofmt) + b->ibits);
  return s;
}

static void
decode_code (const fl_format *f, uint64_t c, mpfr_ptr out)
{
  mpfr_set_prec (out, fl_format_prec (f) + 2);
  fl_decode (f, c, out);
}

/* out = max(out, v) or min, exactly */
static void
keep (mpfr_ptr out, mpfr_srcptr v, int want_max)
{
  if (mpfr_nan_p (out) || (want_max ? mpfr_greater_p (v, out) : mpfr_less_p (v, out)))
    {
      mpfr_set_prec (out, mpfr_get_prec (v));
      mpfr_set (out, v, MPFR_RNDN);
    }
}

static void
block_extreme (const fl_block *b, mpfr_ptr out, int want_max)
{
  mpfr_t e, s, t;
  mpfr_inits2 (8, e, s, t, (mpfr_ptr) 0);
  mpfr_set_prec (out, 8);
  mpfr_set_nan (out);
  if (b->kind == FL_BLOCK_GROUP)
    {
      /* (q + qoff) s + z over the codes, at the largest magnitudes */
      long qa = labs (b->qmax + b->qoff) > labs (b->qmin + b->qoff) ? b->qmax + b->qoff : b->qmin + b->qoff;
      decode_code (b->scale, want_max ? fl_format_max_code (b->scale) : fl_format_minpos_code (b->scale), s);
      if (want_max)
        {
          mpfr_set_prec (e, 64);
          mpfr_set_si (e, labs (qa), MPFR_RNDN);
          fl_x_mul (t, e, s);
          if (b->zero)
            {
              decode_code (b->zero, fl_format_max_code (b->zero), e);
              fl_x_add (t, t, e);
            }
          keep (out, t, 1);
        }
      else
        {
          keep (out, s, 0);
          if (b->zero)
            {
              decode_code (b->zero, fl_format_minpos_code (b->zero), e);
              keep (out, e, 0);
            }
        }
    }
  else
    {
      decode_code (b->elem, want_max ? fl_format_max_code (b->elem) : fl_format_minpos_code (b->elem), e);
      if (b->kind == FL_BLOCK_NVFP4)
        {
          decode_code (b->scale, want_max ? fl_format_max_code (b->scale) : fl_format_minpos_code (b->scale), s);
          fl_x_mul (t, e, s);
          mpfr_set_prec (s, 53);
          mpfr_set_d (s, b->tscale, MPFR_RNDN);
          fl_x_mul (t, t, s);
        }
      else
        {
          mpfr_set_prec (t, mpfr_get_prec (e));
          mpfr_mul_2si (t, e, want_max ? b->smax : b->smin, MPFR_RNDN);
        }
      keep (out, t, want_max);
      if (b->kind == FL_BLOCK_OPAL && b->outliers)
        {
          decode_code (b->ofmt, want_max ? fl_format_max_code (b->ofmt) : fl_format_minpos_code (b->ofmt), e);
          keep (out, e, want_max);
        }
    }
  mpfr_clears (e, s, t, (mpfr_ptr) 0);
}

void
fl_block_max (const fl_block *b, mpfr_ptr out)
{
  fl_block_mpfr_state ms;
  fl_block_mpfr_enter (&ms);
  block_extreme (b, out, 1);
  fl_block_mpfr_leave (&ms);
}

void
fl_block_minpos (const fl_block *b, mpfr_ptr out)
{
  fl_block_mpfr_state ms;
  fl_block_mpfr_enter (&ms);
  block_extreme (b, out, 0);
  fl_block_mpfr_leave (&ms);
}

/* ---- arrays ---- */

fl_status
fl_block_array_init (fl_block_array *a, const fl_block *b, size_t n, char *err, size_t errlen)
{
  memset (a, 0, sizeof *a);
  a->n = n;
  a->nblocks = n / b->k + (n % b->k != 0);
  size_t nb = a->nblocks ? a->nblocks : 1;
  a->scale = calloc (nb, sizeof *a->scale);
  a->elem = calloc (n ? n : 1, sizeof *a->elem);
  int ok = a->scale && a->elem;
  if (b->zero)
    ok = ok && (a->zero = calloc (nb, sizeof *a->zero)) != NULL;
  if (b->kind == FL_BLOCK_OPAL && b->outliers)
    {
      ok = ok && (a->oidx = calloc (nb * b->outliers, sizeof *a->oidx)) != NULL;
      ok = ok && (a->ocode = calloc (nb * b->outliers, sizeof *a->ocode)) != NULL;
    }
  if (!ok)
    {
      fl_block_array_clear (a);
      if (err && errlen)
        snprintf (err, errlen, "out of memory for %zu values of %s", n, b->name);
      return FL_ENOMEM;
    }
  return FL_OK;
}

void
fl_block_array_clear (fl_block_array *a)
{
  free (a->scale);
  free (a->zero);
  free (a->elem);
  free (a->oidx);
  free (a->ocode);
  memset (a, 0, sizeof *a);
}

static fl_block_out
block_out (const fl_block *b, fl_block_array *a, size_t blk)
{
  fl_block_out o;
  o.scale = a->scale + blk;
  o.zero = a->zero ? a->zero + blk : NULL;
  o.elem = a->elem + blk * b->k;
  o.oidx = a->oidx ? a->oidx + blk * b->outliers : NULL;
  o.ocode = a->ocode ? a->ocode + blk * b->outliers : NULL;
  return o;
}

static fl_status
check_array (const fl_block *b, size_t n, const fl_block_array *a, const fl_rounding *r,
             char *err, size_t errlen)
{
  if (r->mode == FL_SR && (b->kind == FL_BLOCK_NVFP4 || b->kind == FL_BLOCK_GROUP))
    {
      if (err && errlen)
        snprintf (err, errlen, "stochastic rounding needs a power-of-two scale (MX, OPAL); "
                  "%s divides by its scale", b->name);
      return FL_EUNSUPPORTED;
    }
  if (a->n != n || !a->scale || !a->elem || (b->zero && !a->zero)
      || (b->kind == FL_BLOCK_OPAL && b->outliers && (!a->oidx || !a->ocode)))
    {
      if (err && errlen)
        snprintf (err, errlen, "code array not set up for %zu values of %s (fl_block_array_init)",
                  n, b->name);
      return FL_EINVAL;
    }
  return FL_OK;
}

fl_status
fl_block_quantize (const fl_block *b, mpfr_t *x, size_t n, fl_block_array *a,
                   const fl_rounding *r, unsigned *flags, char *err, size_t errlen)
{
  fl_status st = check_array (b, n, a, r, err, errlen);
  if (st != FL_OK)
    return st;
  unsigned fl = 0;
  long nb = (long) a->nblocks;
  fl_block_mpfr_state ms;
  fl_block_mpfr_enter (&ms);
#pragma omp parallel for reduction(|:fl) schedule(dynamic, 4) if (nb > 8)
  for (long i = 0; i < nb; i++)
    {
      size_t lo = (size_t) i * b->k, len = n - lo < b->k ? n - lo : b->k;
      fl_block_out o = block_out (b, a, (size_t) i);
      fl_rounding rb = *r;
      rb.stream = r->stream + lo;
      unsigned f = 0;
      b->ops->quant_exact (b, x + lo, len, &o, &rb, &f);
      fl |= f;
    }
  fl_block_mpfr_leave (&ms);
  if (flags)
    *flags |= fl;
  return FL_OK;
}

static fl_status
quantize_fast (const fl_block *b, const double *xd, const float *xf, size_t n,
               fl_block_array *a, const fl_rounding *r, unsigned *flags, char *err, size_t errlen)
{
  fl_status st = check_array (b, n, a, r, err, errlen);
  if (st != FL_OK)
    return st;
  unsigned fl = 0;
  long nb = (long) a->nblocks;
  int oom = 0;
  fl_block_mpfr_state ms;
  fl_block_mpfr_enter (&ms);
#pragma omp parallel reduction(|:fl) reduction(|:oom) if (nb > 64)
  {
    /* the fast paths' double arithmetic assumes round-to-nearest: the caller's (or a pool
       thread's) rounding direction is set aside for the call and given back */
    int fe_saved = fegetround ();
    if (fe_saved != FE_TONEAREST)
      fesetround (FE_TONEAREST);
    double *tmp = malloc (3 * b->k * sizeof *tmp);
    if (!tmp)
      oom = 1;
#pragma omp for schedule(static)
    for (long i = 0; i < nb; i++)
      {
        if (!tmp)
          continue;
        size_t lo = (size_t) i * b->k, len = n - lo < b->k ? n - lo : b->k;
        const double *x = xd ? xd + lo : tmp + 2 * b->k;
        if (!xd)
          for (size_t j = 0; j < len; j++)
            tmp[2 * b->k + j] = xf[lo + j];
        fl_block_out o = block_out (b, a, (size_t) i);
        fl_rounding rb = *r;
        rb.stream = r->stream + lo;
        unsigned f = 0;
        b->ops->quant_fast (b, x, len, &o, &rb, &f, tmp);
        fl |= f;
      }
    free (tmp);
    if (fe_saved != FE_TONEAREST)
      fesetround (fe_saved);
  }
  fl_block_mpfr_leave (&ms);
  if (oom)
    {
      if (err && errlen)
        snprintf (err, errlen, "out of memory");
      return FL_ENOMEM;
    }
  if (flags)
    *flags |= fl;
  return FL_OK;
}

fl_status
fl_block_quantize_doubles (const fl_block *b, const double *x, size_t n, fl_block_array *a,
                           const fl_rounding *r, unsigned *flags, char *err, size_t errlen)
{
  return quantize_fast (b, x, NULL, n, a, r, flags, err, errlen);
}

fl_status
fl_block_quantize_floats (const fl_block *b, const float *x, size_t n, fl_block_array *a,
                          const fl_rounding *r, unsigned *flags, char *err, size_t errlen)
{
  return quantize_fast (b, NULL, x, n, a, r, flags, err, errlen);
}

/* ---- dequantization ---- */

/* The block's multiplier S (scale value, times the tensor scale) and offset Z. */
static void
block_sz (const fl_block *b, const fl_block_array *a, size_t blk, mpfr_ptr s, mpfr_ptr z)
{
  decode_code (b->scale, a->scale[blk], s);
  if (b->kind == FL_BLOCK_NVFP4 && b->has_tscale)
    {
      mpfr_t t;
      mpfr_init2 (t, 53);
      mpfr_set_d (t, b->tscale, MPFR_RNDN);
      fl_x_mul (s, s, t);
      mpfr_clear (t);
    }
  mpfr_set_prec (z, 2);
  mpfr_set_zero (z, 1);
  if (b->zero)
    decode_code (b->zero, a->zero[blk], z);
}

static void
block_dequantize (const fl_block *b, const fl_block_array *a, mpfr_t *out)
{
  mpfr_t s, z, v, q;
  mpfr_inits2 (8, s, z, v, q, (mpfr_ptr) 0);
  for (size_t blk = 0; blk < a->nblocks; blk++)
    {
      size_t lo = blk * b->k, len = a->n - lo < b->k ? a->n - lo : b->k;
      block_sz (b, a, blk, s, z);
      for (size_t j = 0; j < len; j++)
        {
          decode_code (b->elem, a->elem[lo + j], v);
          if (b->qoff && mpfr_number_p (v))
            {
              mpfr_set_prec (q, 64);
              mpfr_set_si (q, b->qoff, MPFR_RNDN);
              fl_x_add (v, v, q);
            }
          if (mpfr_nan_p (s) || mpfr_nan_p (v))
            {
              mpfr_set_prec (out[lo + j], 2);
              mpfr_set_nan (out[lo + j]);
              continue;
            }
          fl_x_mul (q, v, s);
          if (mpfr_zero_p (q) && mpfr_zero_p (z))
            {
              mpfr_set_prec (out[lo + j], 2);
              mpfr_set (out[lo + j], q, MPFR_RNDN);
              continue;
            }
          fl_x_add (out[lo + j], q, z);
        }
      if (b->kind == FL_BLOCK_OPAL && !mpfr_nan_p (s))
        for (unsigned t = 0; t < b->outliers; t++)
          {
            uint32_t i = a->oidx[blk * b->outliers + t];
            if (i == UINT32_MAX || i >= len)
              continue;
            decode_code (b->ofmt, a->ocode[blk * b->outliers + t], v);
            mpfr_set_prec (out[lo + i], mpfr_get_prec (v));
            mpfr_set (out[lo + i], v, MPFR_RNDN);
          }
    }
  mpfr_clears (s, z, v, q, (mpfr_ptr) 0);
}

static void
block_dequantize_doubles (const fl_block *b, const fl_block_array *a, double *out)
{
  mpfr_t s, z;
  mpfr_inits2 (8, s, z, (mpfr_ptr) 0);
  for (size_t blk = 0; blk < a->nblocks; blk++)
    {
      size_t lo = blk * b->k, len = a->n - lo < b->k ? a->n - lo : b->k;
      block_sz (b, a, blk, s, z);
      double sd = mpfr_get_d (s, MPFR_RNDN), zd = mpfr_get_d (z, MPFR_RNDN);
      fl_decode_doubles (b->elem, a->elem + lo, out + lo, len);
      for (size_t j = 0; j < len; j++)
        {
          double v = b->qoff ? out[lo + j] + (double) b->qoff : out[lo + j];  /* -0 stays */
          double p = v * sd;
          out[lo + j] = zd != 0 ? p + zd : p;
        }
      if (b->kind == FL_BLOCK_OPAL && !mpfr_nan_p (s))
        for (unsigned t = 0; t < b->outliers; t++)
          {
            uint32_t i = a->oidx[blk * b->outliers + t];
            if (i != UINT32_MAX && i < len)
              fl_decode_doubles (b->ofmt, a->ocode + blk * b->outliers + t, out + lo + i, 1);
          }
    }
  mpfr_clears (s, z, (mpfr_ptr) 0);
}

void
fl_block_dequantize (const fl_block *b, const fl_block_array *a, mpfr_t *out)
{
  fl_block_mpfr_state ms;
  fl_block_mpfr_enter (&ms);
  block_dequantize (b, a, out);
  fl_block_mpfr_leave (&ms);
}

void
fl_block_dequantize_doubles (const fl_block *b, const fl_block_array *a, double *out)
{
  fl_block_mpfr_state ms;
  fl_block_mpfr_enter (&ms);
  block_dequantize_doubles (b, a, out);
  fl_block_mpfr_leave (&ms);
}
