/* vectors.c -- test vectors: exhaustive and random case generation, TestFloat's line
   layout, and verification of vector files or of a subject function against the
   reference (the fast path where it applies, else MPFR), in parallel with OpenMP. */
#include <config.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
# include <omp.h>
#endif
#include <fmtlab/vectors.h>

/* ---- generation ---------------------------------------------------------------------- */

struct fl_gen {
  const fl_format *f;
  fl_op op;
  unsigned n;                   /* arity */
  fl_format *aux;               /* fp64 / fp32 of the conversions */
  const fl_format *opf, *rf;    /* operand format (all operands share it), result format */
  unsigned obits, rbits;
  uint64_t *pool;               /* boundary codes of the operand format (arithmetic) */
  size_t npool;
  uint64_t *tpool;              /* boundary codes of the target format (from_f64/32) */
  size_t ntpool;
};

typedef struct {
  uint64_t *v;
  size_t n, cap;
  uint64_t mask;
} codelist;

static void
push (codelist *l, uint64_t c)
{
  if (l->n == l->cap)
    {
      l->cap = l->cap ? 2 * l->cap : 256;
      l->v = realloc (l->v, l->cap * sizeof *l->v);
      if (!l->v)
        abort ();
    }
  l->v[l->n++] = c & l->mask;
}

static void
push_near (codelist *l, uint64_t c, int k)
{
  for (int d = -k; d <= k; d++)
    push (l, c + (uint64_t) (int64_t) d);
}

static uint64_t
encode_exact (const fl_format *f, mpfr_srcptr x)
{
  fl_rounding r;
  fl_rounding_init (&r);
  return fl_encode (f, x, &r, NULL);
}

/* Boundary codes of f (TestFloat's choice: zeros, extremes, neighbours of powers
   of two, near overflow, subnormals, infinities and NaNs). */
static void
boundary_codes (const fl_format *f, codelist *l)
{
  l->mask = fl_format_ncodes_minus1 (f);
  mpfr_t x;
  mpfr_init2 (x, 64);
  push (l, 0);
  mpfr_set_zero (x, -1);
  push (l, encode_exact (f, x));
  if (fl_format_has_nan (f))
    {
      mpfr_set_nan (x);
      mpfr_setsign (x, x, 0, MPFR_RNDN);
      uint64_t qn = encode_exact (f, x);
      push (l, qn);
      mpfr_setsign (x, x, 1, MPFR_RNDN);
      push (l, encode_exact (f, x));
      /* a signaling NaN: the quiet NaN with its quiet bit (the one whose clearing makes
         the code signaling) cleared and the lowest bit set */
      for (int b = (int) fl_format_bits (f) - 2; b > 0; b--)
        if ((qn >> b) & 1)
          {
            uint64_t sn = (qn & ~(UINT64_C(1) << b)) | 1;
            if (fl_code_is_signaling (f, sn))
              {
                push (l, sn);
                break;
              }
          }
    }
  if (fl_format_has_inf (f))
    {
      fl_rounding r;
      fl_rounding_init (&r);
      r.overflow = FL_OVF_INF;
      mpfr_set_inf (x, 1);
      push (l, fl_encode (f, x, &r, NULL));
      mpfr_set_inf (x, -1);
      push (l, fl_encode (f, x, &r, NULL));
    }
  uint64_t maxc = fl_format_max_code (f), lowc = fl_format_lowest_code (f);
  uint64_t minp = fl_format_minpos_code (f), mn;
  push_near (l, maxc, 3);                        /* near overflow */
  push_near (l, lowc, 3);
  push_near (l, minp, 2);                        /* subnormals / the smallest values */
  if (fl_format_is_signed (f))
    {
      fl_decode (f, minp, x);
      mpfr_neg (x, x, MPFR_RNDN);
      push_near (l, encode_exact (f, x), 2);
    }
  if (fl_format_minnormal_code (f, &mn))
    push_near (l, mn, 2);
  /* powers of two across the range, both signs */
  mpfr_t v;
  mpfr_init2 (v, fl_format_prec (f));
  fl_decode (f, minp, v);
  long elo = mpfr_regular_p (v) ? (long) mpfr_get_exp (v) - 1 : 0;
  fl_decode (f, maxc, v);
  long ehi = mpfr_regular_p (v) ? (long) mpfr_get_exp (v) - 1 : 0;
  long step = (ehi - elo) / 256 + 1;
  for (long e = elo; e <= ehi; e += (e + step > ehi && e != ehi) ? (ehi - e) : step)
    {
      mpfr_set_ui_2exp (x, 1, e, MPFR_RNDN);
      push_near (l, encode_exact (f, x), 1);
      if (fl_format_is_signed (f))
        {
          mpfr_neg (x, x, MPFR_RNDN);
          push_near (l, encode_exact (f, x), 1);
        }
      if (e == ehi)
        break;
    }
  mpfr_clear (v);
  mpfr_clear (x);
}

static fl_status
gen_new_impl (const fl_format *f, fl_op op, fl_gen **out, char *err, size_t errlen)
{
  *out = NULL;
  if ((unsigned) op >= FL_OPS || op == FL_OP_FDP)
    {
      snprintf (err, errlen, "operation %s has no test vectors (vectors have fixed arity)",
                fl_op_name (op));
      return FL_EINVAL;
    }
  fl_gen *g = calloc (1, sizeof *g);
  if (!g)
    return FL_ENOMEM;
  g->f = f;
  g->op = op;
  g->n = fl_op_arity (op);
  g->opf = g->rf = f;
  if (op == FL_OP_FROM_F64 || op == FL_OP_FROM_F32 || op == FL_OP_TO_F64)
    {
      fl_status st = fl_format_parse (op == FL_OP_FROM_F32 ? "fp32" : "fp64", &g->aux, err, errlen);
      if (st != FL_OK)
        {
          free (g);
          return st;
        }
      if (op == FL_OP_TO_F64)
        g->rf = g->aux;
      else
        g->opf = g->aux;
    }
  g->obits = fl_format_bits (g->opf);
  g->rbits = fl_format_bits (g->rf);
  codelist l = { 0 };
  boundary_codes (g->opf, &l);
  g->pool = l.v;
  g->npool = l.n;
  if (g->opf != f)
    {
      codelist t = { 0 };
      boundary_codes (f, &t);
      g->tpool = t.v;
      g->ntpool = t.n;
    }
  *out = g;
  return FL_OK;
}

/* The caller's MPFR flags and exponent range are kept (doc/engine.md). */
fl_status
fl_gen_new (const fl_format *f, fl_op op, fl_gen **out, char *err, size_t errlen)
{
  fl_mpfr_state st;
  fl_mpfr_enter (&st);
  fl_status ret = gen_new_impl (f, op, out, err, errlen);
  fl_mpfr_leave (&st);
  return ret;
}

void
fl_gen_free (fl_gen *g)
{
  if (!g)
    return;
  free (g->pool);
  free (g->tpool);
  fl_format_free (g->aux);
  free (g);
}

unsigned fl_gen_arity (const fl_gen *g) { return g->n; }
unsigned fl_gen_result_bits (const fl_gen *g) { return g->rbits; }
unsigned fl_gen_operand_bits (const fl_gen *g, unsigned i) { (void) i; return g->obits; }

int
fl_gen_count_all (const fl_gen *g, uint64_t *n)
{
  unsigned b = g->obits * g->n;
  if (b > 62)
    return -1;
  *n = UINT64_C(1) << b;
  return 0;
}

void
fl_gen_all (const fl_gen *g, uint64_t i, uint64_t *ops)
{
  uint64_t m = (g->obits >= 64) ? UINT64_MAX : (UINT64_C(1) << g->obits) - 1;
  for (unsigned k = g->n; k-- > 0;)
    {
      ops[k] = i & m;
      i = g->obits >= 64 ? 0 : i >> g->obits;
    }
}

static uint64_t
random_code (const fl_gen *g, const uint64_t *pool, size_t npool, unsigned bits, uint64_t u)
{
  uint64_t m = bits >= 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
  if ((u & 1) && npool)
    return pool[(u >> 8) % npool];
  (void) g;
  return (u >> 1) & m;
}

/* from_f64 / from_f32: a value of the target format, a midpoint, or one step off. */
static uint64_t
random_conversion_operand (const fl_gen *g, uint64_t seed, uint64_t i)
{
  uint64_t u = fl_random_u64 (seed, i, 0), w = fl_random_u64 (seed, i, 1);
  unsigned cat = (unsigned) (u & 7);
  if (cat == 0)
    return random_code (g, NULL, 0, g->obits, w);                 /* any bit pattern */
  if (cat == 1)
    return random_code (g, g->pool, g->npool, g->obits, w | 1);   /* boundary f64/f32 */
  const fl_format *f = g->f;
  uint64_t c = random_code (g, g->tpool, g->ntpool, fl_format_bits (f), w);
  mpfr_t v, n2;
  mpfr_init2 (v, fl_format_prec (f) + 8);
  mpfr_init2 (n2, fl_format_prec (f) + 8);
  fl_decode (f, c, v);
  if (mpfr_regular_p (v) && cat >= 4)
    {
      fl_decode (f, (c + 1) & fl_format_ncodes_minus1 (f), n2);
      if (mpfr_regular_p (n2) && mpfr_sgn (n2) == mpfr_sgn (v))
        {
          mpfr_add (v, v, n2, MPFR_RNDN);              /* exact at prec + 8 bits */
          mpfr_div_2ui (v, v, 1, MPFR_RNDN);           /* the midpoint: a tie */
        }
    }
  fl_rounding r;
  fl_rounding_init (&r);
  uint64_t code = fl_encode (g->opf, v, &r, NULL);
  mpfr_clear (v);
  mpfr_clear (n2);
  if (cat == 3 || cat == 6)
    code += 1;                                         /* one step up in magnitude */
  else if (cat == 7 && (code & ((UINT64_C(1) << (g->obits - 1)) - 1)) != 0)
    code -= 1;                                         /* one step down */
  return code & fl_format_ncodes_minus1 (g->opf);
}

void
fl_gen_random (const fl_gen *g, uint64_t seed, uint64_t i, uint64_t *ops)
{
  if (g->op == FL_OP_FROM_F64 || g->op == FL_OP_FROM_F32)
    {
      ops[0] = random_conversion_operand (g, seed, i);
      return;
    }
  for (unsigned k = 0; k < g->n; k++)
    ops[k] = random_code (g, g->pool, g->npool, g->obits, fl_random_u64 (seed, i, k));
}

/* ---- the oracle ----------------------------------------------------------------------- */

struct fl_oracle {
  unsigned n;
  fl_fast *fast;
  fl_ref *ref;
  fl_rounding r;
};

fl_status
fl_oracle_new (const fl_format *f, fl_op op, const fl_rounding *r, fl_oracle **out, char *err,
               size_t errlen)
{
  fl_oracle *o = calloc (1, sizeof *o);
  if (!o)
    return FL_ENOMEM;
  o->r = *r;
  o->n = fl_op_arity (op);
  fl_status st = fl_ref_rounding_ok (f, op, r, err, errlen);
  if (st == FL_OK)
    st = fl_ref_new (f, op, &o->ref, err, errlen);
  if (st != FL_OK)
    {
      free (o);
      return st;
    }
  if (fl_fast_mode_ok (r) && fl_fast_new (f, op, &o->fast) != FL_OK)
    o->fast = NULL;
  *out = o;
  return FL_OK;
}

void
fl_oracle_free (fl_oracle *o)
{
  if (!o)
    return;
  fl_fast_free (o->fast);
  fl_ref_free (o->ref);
  free (o);
}

int fl_oracle_is_fast (const fl_oracle *o) { return o->fast != NULL; }

void
fl_oracle_set_tininess_after (fl_oracle *o, int after)
{
  fl_ref_set_tininess_after (o->ref, after);
  if (o->fast)
    fl_fast_set_tininess_after (o->fast, after);
}
const fl_format *fl_oracle_operand_format (const fl_oracle *o, unsigned i)
{ return fl_ref_operand_format (o->ref, i); }
const fl_format *fl_oracle_result_format (const fl_oracle *o)
{ return fl_ref_result_format (o->ref); }

uint64_t
fl_oracle_eval (fl_oracle *o, const uint64_t *ops, unsigned *flags)
{
  if (o->fast)                  /* deterministic modes only (fl_oracle_new) */
    return fl_fast_eval (o->fast, ops, &o->r, flags);
  fl_rounding r = o->r;
  if (r.mode == FL_SR)
    {
      /* a stream per operand tuple, so a case's result does not depend on its position */
      r.stream = ops[0];
      for (unsigned k = 1; k < o->n; k++)
        r.stream = r.stream * UINT64_C(0x9E3779B97F4A7C15) + ops[k];
    }
  return fl_ref_eval (o->ref, ops, &r, flags);
}

/* ---- lines ----------------------------------------------------------------------------- */

static const char HEX[] = "0123456789ABCDEF";

static char *
put_hex (char *p, uint64_t v, unsigned bits)
{
  unsigned d = (bits + 3) / 4;
  for (unsigned i = d; i-- > 0;)
    *p++ = HEX[(v >> (4 * i)) & 15];
  return p;
}

size_t
fl_vec_format_line (char *buf, const fl_gen *g, const uint64_t *ops, uint64_t result,
                    int with_flags, unsigned fl_flags)
{
  char *p = buf;
  for (unsigned k = 0; k < g->n; k++)
    {
      p = put_hex (p, ops[k], g->obits);
      *p++ = ' ';
    }
  p = put_hex (p, result, g->rbits);
  if (with_flags)
    {
      *p++ = ' ';
      p = put_hex (p, fl_flags_to_testfloat (fl_flags), 8);
    }
  *p = 0;
  return (size_t) (p - buf);
}

static int
hexval (int c)
{
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* A field of at least the width's digits: extra digits must be leading zeros (TestFloat
   writes exactly the width; other generators pad wider).  *ok: 1, 0 for a character that
   is not a hex digit or too few digits, -1 for a value that does not fit the width. */
static const char *
get_field (const char *p, unsigned bits, uint64_t *v, int *ok)
{
  unsigned d = (bits + 3) / 4, i = 0;
  uint64_t x = 0;
  int h, overflow = 0;
  for (; (h = hexval ((unsigned char) p[i])) >= 0; i++)
    {
      if (x >> 60)
        overflow = 1;
      x = (x << 4) | (uint64_t) h;
    }
  if (i < d)
    {
      *ok = 0;
      return p;
    }
  if (overflow || (bits < 64 && (x >> bits) != 0))
    {
      *ok = -1;
      return p;
    }
  *v = x;
  *ok = 1;
  return p + i;
}

int
fl_vec_parse_line (const char *line, const fl_gen *g, uint64_t *ops, uint64_t *result,
                   int *has_flags, unsigned *fl_flags, char *err, size_t errlen)
{
  const char *p = line;
  size_t len = strlen (line);
  while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
    len--;
  if (len == 0 || line[0] == '#')
    return 1;
  const char *end = line + len;
  int ok;
  for (unsigned k = 0; k <= g->n; k++)
    {
      unsigned bits = k < g->n ? g->obits : g->rbits;
      uint64_t v = 0;
      p = get_field (p, bits, &v, &ok);
      if (ok < 0)
        {
          snprintf (err, errlen, "field %u: the value does not fit a %u-bit code", k + 1, bits);
          return -1;
        }
      if (!ok)
        {
          snprintf (err, errlen, "field %u: expected %u hex digits of a %u-bit code", k + 1,
                    (bits + 3) / 4, bits);
          return -1;
        }
      if (k < g->n)
        ops[k] = v;
      else
        *result = v;
      if (k < g->n)
        {
          if (p >= end || *p != ' ')
            {
              snprintf (err, errlen, "expected %u operands and a result separated by single spaces",
                        g->n);
              return -1;
            }
          p++;
        }
    }
  *has_flags = 0;
  *fl_flags = 0;
  if (p == end)
    return 0;
  if (*p != ' ' || end - p != 3 || hexval ((unsigned char) p[1]) < 0
      || hexval ((unsigned char) p[2]) < 0)
    {
      snprintf (err, errlen, "after the result: expected nothing or one space and 2 hex digits of flags");
      return -1;
    }
  unsigned tf = (unsigned) (hexval ((unsigned char) p[1]) * 16 + hexval ((unsigned char) p[2]));
  if (tf > 0x1f)
    {
      snprintf (err, errlen, "flags %02x: only bits 0-4 are TestFloat flags", tf);
      return -1;
    }
  *has_flags = 1;
  *fl_flags = fl_flags_from_testfloat (tf);
  return 0;
}

/* ---- verification ---------------------------------------------------------------------- */

int
fl_vec_match (const fl_format *rf, uint64_t expected, uint64_t got, int strict_nan)
{
  if (expected == got)
    return 1;
  if (strict_nan)
    return 0;
  mpfr_t v;
  mpfr_init2 (v, fl_format_prec (rf));
  int both = fl_decode (rf, expected, v) == FL_CLASS_NAN && fl_decode (rf, got, v) == FL_CLASS_NAN;
  mpfr_clear (v);
  return both;
}

void
fl_verify_result_init (fl_verify_result *res)
{
  memset (res, 0, sizeof *res);
}

void
fl_verify_result_clear (fl_verify_result *res)
{
  free (res->first);
  memset (res, 0, sizeof *res);
}

/* Per-chunk mismatches, merged in chunk order. */
typedef struct {
  uint64_t count;
  fl_mismatch *m;
  size_t n, cap;
} chunk_out;

static void
chunk_add (chunk_out *c, size_t max_report, const fl_mismatch *m)
{
  c->count++;
  if (c->n < max_report)
    {
      /* grow as mismatches come: a large max_report costs nothing in clean chunks */
      if (c->n == c->cap)
        {
          size_t cap = c->cap ? 2 * c->cap : 16;
          if (cap > max_report)
            cap = max_report;
          fl_mismatch *nm = realloc (c->m, cap * sizeof *nm);
          if (!nm)
            abort ();
          c->m = nm;
          c->cap = cap;
        }
      c->m[c->n++] = *m;
    }
}

static void
merge_chunks (fl_verify_result *res, chunk_out *ch, size_t nch, size_t max_report)
{
  for (size_t c = 0; c < nch; c++)
    {
      res->mismatches += ch[c].count;
      size_t take = ch[c].n < max_report - res->nfirst ? ch[c].n : max_report - res->nfirst;
      if (take)
        {
          fl_mismatch *nf = realloc (res->first, (res->nfirst + take) * sizeof *nf);
          if (!nf)
            abort ();
          res->first = nf;
          memcpy (res->first + res->nfirst, ch[c].m, take * sizeof *nf);
          res->nfirst += take;
        }
      free (ch[c].m);
      memset (&ch[c], 0, sizeof ch[c]);
    }
}

/* NaN bitmap of a result format of at most 16 bits, for a fast any-NaN comparison. */
static uint8_t *
nan_bitmap (const fl_format *rf)
{
  if (fl_format_bits (rf) > 16)
    return NULL;
  size_t n = (size_t) 1 << fl_format_bits (rf);
  uint8_t *b = calloc (n / 8 + 1, 1);
  mpfr_t v;
  mpfr_init2 (v, fl_format_prec (rf));
  for (size_t c = 0; c < n; c++)
    if (fl_decode (rf, c, v) == FL_CLASS_NAN)
      b[c >> 3] |= (uint8_t) (1u << (c & 7));
  mpfr_clear (v);
  return b;
}

static inline int
match_fast (const fl_format *rf, const uint8_t *nanmap, uint64_t e, uint64_t g, int strict)
{
  if (e == g)
    return 1;
  if (strict)
    return 0;
  if (nanmap)
    return ((nanmap[e >> 3] >> (e & 7)) & 1) && ((nanmap[g >> 3] >> (g & 7)) & 1);
  return fl_vec_match (rf, e, g, 0);
}

#define CHUNK 65536
#define WINDOW 4096             /* chunks whose results are held at once */

/* The thread count: the requested one, or all of OpenMP's (1 without OpenMP). */
static int
resolve_threads (int requested)
{
#ifdef _OPENMP
  return requested > 0 ? requested : omp_get_max_threads ();
#else
  (void) requested;
  return 1;
#endif
}

fl_status
fl_verify_subject (const fl_verify_opts *opts, void (*fn) (void), int random, uint64_t seed,
                   uint64_t lo, uint64_t hi, fl_verify_result *res, char *err, size_t errlen)
{
  fl_gen *g;
  fl_status st = fl_gen_new (opts->f, opts->op, &g, err, errlen);
  if (st != FL_OK)
    return st;
  fl_oracle *probe;
  st = fl_oracle_new (opts->f, opts->op, &opts->r, &probe, err, errlen);
  if (st != FL_OK)
    {
      fl_gen_free (g);
      return st;
    }
  const fl_format *rf = fl_oracle_result_format (probe);
  uint64_t rmask = fl_format_ncodes_minus1 (rf);
  uint8_t *nanmap = nan_bitmap (rf);
  unsigned n = g->n;
  uint64_t omask = g->obits >= 64 ? UINT64_MAX : (UINT64_C(1) << g->obits) - 1;
  uint64_t total = hi > lo ? hi - lo : 0;
  uint64_t nch = (total + CHUNK - 1) / CHUNK;
  /* per-chunk state for one window of chunks at a time: bounded memory at any count */
  size_t wmax = nch < WINDOW ? (size_t) nch : WINDOW;
  chunk_out *ch = calloc (wmax ? wmax : 1, sizeof *ch);
  if (!ch)
    abort ();
  uint64_t done = 0;
  int nthreads = resolve_threads (opts->threads);
  if (opts->watch && nthreads > opts->nwatch)
    nthreads = opts->nwatch;
#pragma omp parallel num_threads (nthreads)
  {
    fl_oracle *o = NULL;
    char e2[128];
    fl_oracle_new (opts->f, opts->op, &opts->r, &o, e2, sizeof e2);
    int master = 1;
    fl_verify_slot *slot = NULL;
#ifdef _OPENMP
    master = omp_get_thread_num () == 0;
    if (opts->watch)
      slot = &opts->watch[omp_get_thread_num ()];
#else
    if (opts->watch)
      slot = &opts->watch[0];
#endif
    for (uint64_t w0 = 0; w0 < nch; w0 += WINDOW)
      {
        size_t wn = nch - w0 < WINDOW ? (size_t) (nch - w0) : WINDOW;
#pragma omp for schedule (dynamic, 1)
        for (size_t c = 0; c < wn; c++)
          {
            uint64_t i0 = lo + (w0 + c) * CHUNK;
            uint64_t i1 = hi - i0 > CHUNK ? i0 + CHUNK : hi;
            uint64_t ops[3] = { 0, 0, 0 };
            if (!random)
              fl_gen_all (g, i0, ops);
            for (uint64_t i = i0; i < i1; i++)
              {
                if (random)
                  fl_gen_random (g, seed, i, ops);
                else if (i != i0)
                  {
                    /* the next tuple: count in base 2^obits, last operand fastest */
                    unsigned k = n - 1;
                    while (++ops[k] > omask && k > 0)
                      ops[k--] = 0;
                  }
                uint64_t e = fl_oracle_eval (o, ops, NULL), got;
                if (slot)
                  slot->started = i + 1;
                switch (n)
                  {
                  case 1: got = ((fl_subject1) fn) (ops[0]); break;
                  case 2: got = ((fl_subject2) fn) (ops[0], ops[1]); break;
                  default: got = ((fl_subject3) fn) (ops[0], ops[1], ops[2]); break;
                  }
                if (slot)
                  slot->finished = i + 1;
                got &= rmask;
                if (!match_fast (rf, nanmap, e, got, opts->strict_nan))
                  {
                    fl_mismatch m = { i, { ops[0], ops[1], ops[2] }, e, got, 0, 0 };
                    chunk_add (&ch[c], opts->max_report, &m);
                  }
              }
            uint64_t d;
#pragma omp atomic capture
            d = done += i1 - i0;
            if (master && opts->progress)
              opts->progress (opts->progress_ctx, d, total);
          }
#pragma omp single
        merge_chunks (res, ch, wn, opts->max_report);
      }
    fl_oracle_free (o);
  }
  res->cases += total;
  free (ch);
  free (nanmap);
  fl_oracle_free (probe);        /* only now: rf belongs to it (to_f64's binary64) */
  fl_gen_free (g);
  return FL_OK;
}

fl_status
fl_verify_cases (const fl_verify_opts *opts, size_t ncases, const uint64_t *ops,
                 const uint64_t *results, const unsigned *flags, const unsigned char *has_flags,
                 const uint64_t *lines, fl_verify_result *res, char *err, size_t errlen)
{
  fl_oracle *probe;
  fl_status st = fl_oracle_new (opts->f, opts->op, &opts->r, &probe, err, errlen);
  if (st != FL_OK)
    return st;
  const fl_format *rf = fl_oracle_result_format (probe);
  uint8_t *nanmap = nan_bitmap (rf);
  unsigned n = fl_op_arity (opts->op);
  size_t nch = (ncases + 4095) / 4096;
  chunk_out *ch = calloc (nch ? nch : 1, sizeof *ch);
  if (!ch)
    abort ();
  int nthreads = resolve_threads (opts->threads);
#pragma omp parallel num_threads (nthreads)
  {
    fl_oracle *o = NULL;
    char e2[128];
    fl_oracle_new (opts->f, opts->op, &opts->r, &o, e2, sizeof e2);
    fl_oracle_set_tininess_after (o, opts->tininess_after);
#pragma omp for schedule (dynamic, 1)
    for (size_t c = 0; c < nch; c++)
      {
        size_t i1 = (c + 1) * 4096 < ncases ? (c + 1) * 4096 : ncases;
        for (size_t i = c * 4096; i < i1; i++)
          {
            uint64_t op3[3] = { 0, 0, 0 };
            for (unsigned k = 0; k < n; k++)
              op3[k] = ops[i * n + k];
            unsigned ef = 0;
            uint64_t e = fl_oracle_eval (o, op3, &ef);
            int bad = !match_fast (rf, nanmap, e, results[i], opts->strict_nan);
            if (!bad && opts->check_flags && has_flags && has_flags[i] && flags[i] != ef)
              bad = 1;
            if (bad)
              {
                fl_mismatch m = { lines ? lines[i] : i, { op3[0], op3[1], op3[2] }, e,
                                  results[i], ef, flags ? flags[i] : 0 };
                chunk_add (&ch[c], opts->max_report, &m);
              }
          }
      }
    fl_oracle_free (o);
  }
  res->cases += ncases;
  merge_chunks (res, ch, nch, opts->max_report);
  free (ch);
  free (nanmap);
  fl_oracle_free (probe);        /* only now: rf belongs to it (to_f64's binary64) */
  return FL_OK;
}
