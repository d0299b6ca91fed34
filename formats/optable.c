/* optable.c -- table-driven exact operations for logarithmic posits and LNS of at
   most 8 bits: the whole operation table (65536 pairs, or 256 codes for sqrt) of each
   deterministic mode and domain, every entry the reference path's own result and flags
   (fl_ref_eval, exact: doc/refops.md), so a lookup is that path by construction.  A table
   is built on the first evaluation in its mode and domain (about 65536 reference
   evaluations, seconds) with a fresh evaluator of its own, and published with an atomic
   compare-and-swap: the object stays shareable between threads (a loser frees its copy).
   Stochastic rounding has no table: it goes to the reference path, one evaluator per
   call (callers ask fl_fast_mode_ok first). */
#include <config.h>
#include <stdlib.h>
#include "optable-impl.h"

#define TABLE_MAX_BITS 8
#define TABLE_NMODES 6          /* FL_RNE .. FL_RTO */

struct fl_op_table {
  const fl_format *f;
  fl_op op;
  unsigned bits, arity;
  uint64_t mask;
  int tiny_after;
  uint16_t *entry[TABLE_NMODES][2];   /* code | flags << 8; [mode][0 log, 1 linear] */
};

fl_op_table *
fl_op_table_new (const fl_format *f, fl_op op)
{
  fl_family fam = fl_format_family (f);
  unsigned bits = fl_format_bits (f);
  if ((fam != FL_FAMILY_LOGPOSIT && fam != FL_FAMILY_LNS) || bits == 0 || bits > TABLE_MAX_BITS
      || (op != FL_OP_ADD && op != FL_OP_SUB && op != FL_OP_MUL && op != FL_OP_DIV
          && op != FL_OP_SQRT))
    return NULL;
  fl_op_table *t = calloc (1, sizeof *t);
  if (!t)
    return NULL;
  t->f = f;
  t->op = op;
  t->bits = bits;
  t->arity = fl_op_arity (op);
  t->mask = (UINT64_C(1) << bits) - 1;
  return t;
}

void
fl_op_table_free (fl_op_table *t)
{
  if (!t)
    return;
  for (int m = 0; m < TABLE_NMODES; m++)
    for (int d = 0; d < 2; d++)
      free (t->entry[m][d]);
  free (t);
}

void
fl_op_table_set_tininess_after (fl_op_table *t, int after)
{
  t->tiny_after = after != 0;
}

static uint16_t *
table_build (const fl_op_table *t, const fl_rounding *r)
{
  char err[256];
  fl_ref *ref;
  if (fl_ref_new (t->f, t->op, &ref, err, sizeof err) != FL_OK)
    return NULL;
  fl_ref_set_tininess_after (ref, t->tiny_after);
  size_t n = (size_t) 1 << (t->bits * t->arity);
  uint16_t *e = malloc (n * sizeof *e);
  if (e)
    for (size_t i = 0; i < n; i++)
      {
        uint64_t a[2] = { i & t->mask, i >> t->bits };
        unsigned fl = 0;
        uint64_t c = fl_ref_eval (ref, a, r, &fl);
        e[i] = (uint16_t) ((c & 0xff) | (fl & 0xff) << 8);
      }
  fl_ref_free (ref);
  return e;
}

uint64_t
fl_op_table_eval (const fl_op_table *t, const uint64_t *a, const fl_rounding *r,
                  unsigned *flags)
{
  size_t i = t->arity == 1 ? a[0] & t->mask : (a[0] & t->mask) | (a[1] & t->mask) << t->bits;
  if (r->mode >= FL_SR)
    {
      char err[256];
      fl_ref *ref;
      if (fl_ref_new (t->f, t->op, &ref, err, sizeof err) != FL_OK)
        abort ();                /* fl_op_table_new checked the op and format */
      fl_ref_set_tininess_after (ref, t->tiny_after);
      uint64_t c = fl_ref_eval (ref, a, r, flags);
      fl_ref_free (ref);
      return c;
    }
  fl_op_table *mt = (fl_op_table *) t;   /* the tables are a cache, not state */
  uint16_t **slot = &mt->entry[r->mode][r->domain == FL_DOMAIN_LINEAR];
  uint16_t *e = __atomic_load_n (slot, __ATOMIC_ACQUIRE);
  if (!e)
    {
      fl_rounding rb = *r;
      rb.stream = 0;
      uint16_t *ne = table_build (t, &rb), *old = NULL;
      if (!ne)
        abort ();                /* out of memory building 128 KiB */
      if (__atomic_compare_exchange_n (slot, &old, ne, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        e = ne;
      else
        {
          free (ne);
          e = old;
        }
    }
  uint16_t v = e[i];
  if (flags)
    *flags |= v >> 8;
  return v & 0xff;
}
