/* test_refops_table.c -- the table-driven operations of the logarithmic families
   (analysis/refops_table.c, through fl_fast_new / fl_fast_eval) against the reference
   path fl_ref_eval (exact, MPFR and exact sums of powers of two: doc/refops.md), with its
   own evaluator.  Exhaustive: every pair of codes (every code for sqrt), codes and flags.
   1. lp6es1rs3 and lns6f2: add sub mul div sqrt, every deterministic mode, log domain;
      add and sub also in the linear domain.
   2. 8 bits: lp8es1rs3 mul and lns8f3 add, rne (65536 pairs each).
   3. What has no table: fma, formats above 8 bits (FL_EUNSUPPORTED, as before). */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include "testutil.h"
#include <fmtlab/refops.h>

static long
check_exhaustive (const char *name, fl_op op, fl_round_mode mode, fl_domain dom)
{
  fl_format *f = tu_parse (name);
  fl_fast *F;
  fl_ref *ref;
  char err[256];
  ck_assert_msg (fl_fast_new (f, op, &F) == FL_OK, "%s %s: no table", name, fl_op_name (op));
  ck_assert (fl_ref_new (f, op, &ref, err, sizeof err) == FL_OK);
  fl_rounding r;
  fl_rounding_init (&r);
  r.mode = mode;
  r.domain = dom;
  unsigned bits = fl_format_bits (f), arity = fl_op_arity (op);
  size_t n = (size_t) 1 << (bits * arity);
  long bad = 0;
  for (size_t i = 0; i < n; i++)
    {
      uint64_t a[2] = { i & ((1u << bits) - 1), i >> bits };
      unsigned ft = 0, fr = 0;
      uint64_t ct = fl_fast_eval (F, a, &r, &ft);
      uint64_t cr = fl_ref_eval (ref, a, &r, &fr);
      if (ct != cr || ft != fr)
        {
          if (bad++ < 5)
            fprintf (stderr, "%s %s mode %d dom %d (%llx, %llx): table %llx/%u ref %llx/%u\n",
                     name, fl_op_name (op), (int) mode, (int) dom, (unsigned long long) a[0],
                     (unsigned long long) a[1], (unsigned long long) ct, ft,
                     (unsigned long long) cr, fr);
        }
    }
  ck_assert_msg (bad == 0, "%s %s: %ld of %zu differ", name, fl_op_name (op), bad, n);
  fl_ref_free (ref);
  fl_fast_free (F);
  fl_format_free (f);
  return (long) n;
}

START_TEST (test_six_bits)
{
  const char *names[] = { "lp6es1rs3", "lns6f2" };
  const fl_op ops[] = { FL_OP_ADD, FL_OP_SUB, FL_OP_MUL, FL_OP_DIV, FL_OP_SQRT };
  long checks = 0;
  for (size_t k = 0; k < 2; k++)
    for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++)
      for (int m = 0; m < 6; m++)
        {
          checks += check_exhaustive (names[k], ops[o], tu_det_modes[m], FL_DOMAIN_LOG);
          if (ops[o] == FL_OP_ADD || ops[o] == FL_OP_SUB)
            checks += check_exhaustive (names[k], ops[o], tu_det_modes[m], FL_DOMAIN_LINEAR);
        }
  printf ("6-bit logarithmic formats: %ld operand tuples checked\n", checks);
}
END_TEST

START_TEST (test_eight_bits)
{
  long checks = check_exhaustive ("lp8es1rs3", FL_OP_MUL, FL_RNE, FL_DOMAIN_LOG);
  checks += check_exhaustive ("lns8f3", FL_OP_ADD, FL_RNE, FL_DOMAIN_LOG);
  printf ("8-bit logarithmic formats: %ld operand pairs checked\n", checks);
}
END_TEST

START_TEST (test_unsupported)
{
  fl_format *f = tu_parse ("lp8es1rs3");
  fl_fast *F;
  ck_assert_int_eq (fl_fast_new (f, FL_OP_FMA, &F), FL_EUNSUPPORTED);
  fl_format_free (f);
  f = tu_parse ("lns10f4");
  ck_assert_int_eq (fl_fast_new (f, FL_OP_ADD, &F), FL_EUNSUPPORTED);
  fl_format_free (f);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("refops_table");
  TCase *tc = tcase_create ("refops_table");
  tcase_set_timeout (tc, 900);
  tcase_add_test (tc, test_unsupported);
  tcase_add_test (tc, test_six_bits);
  tcase_add_test (tc, test_eight_bits);
  suite_add_tcase (s, tc);
  return tu_run (s);
}
