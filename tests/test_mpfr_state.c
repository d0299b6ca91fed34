/* test_mpfr_state.c -- every public call of libfmtlab leaves the caller's MPFR state as it
   found it: the exponent range (set here to unusual values, emin = -12345, emax = 23456)
   and the six MPFR flags, tried both all raised (none may be cleared) and all clear (none
   may be raised).  That is MPFR's own discipline (MPFR_SAVE_EXPO): a library on top of
   MPFR must not reset a caller's range or flags, nor leave its own behind.

   Every exported name of libfmtlab.so appears in a RUN below (tests/test_symbols.sh checks
   that against nm -D).  Calls known to break the rule in code another branch fixes are in
   'pending' with the function named: they are reported as XFAIL and do not fail the test;
   one that passes is reported as XPASS so the entry can be removed. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fmtlab/fmtlab.h>
#include <fmtlab/refops.h>
#include <fmtlab/vectors.h>
#include <fmtlab/chartdata.h>

#define EMIN_UNUSUAL (-12345)
#define EMAX_UNUSUAL 23456

/* XFAIL: calls known to break the rule, by function name; remove a line when its call
   passes (the test prints XPASS).  Empty: every public call keeps the state. */
static const char *const pending[] = {
  NULL
};

static int failures, xfails, checked;

static int
is_pending (const char *name)
{
  for (size_t i = 0; pending[i]; i++)
    if (strcmp (pending[i], name) == 0)
      return 1;
  return 0;
}

static void
set_state (int raised)
{
  mpfr_set_emin (EMIN_UNUSUAL);
  mpfr_set_emax (EMAX_UNUSUAL);
  if (raised)
    mpfr_flags_set (MPFR_FLAGS_ALL);
  else
    mpfr_flags_clear (MPFR_FLAGS_ALL);
}

static void
check_state (const char *name, int raised, int line)
{
  mpfr_exp_t emin = mpfr_get_emin (), emax = mpfr_get_emax ();
  mpfr_flags_t fl = mpfr_flags_save ();
  mpfr_flags_t want = raised ? MPFR_FLAGS_ALL : 0;
  checked++;
  if (emin == EMIN_UNUSUAL && emax == EMAX_UNUSUAL && fl == want)
    {
      if (is_pending (name) && raised)
        printf ("XPASS: %s keeps the MPFR state: remove it from 'pending'\n", name);
      return;
    }
  const char *tag = is_pending (name) ? "XFAIL" : "FAIL";
  printf ("%s: %s (line %d), flags %s on entry: emin %ld emax %ld flags 0x%x, expected "
          "emin %d emax %d flags 0x%x\n", tag, name, line, raised ? "raised" : "clear",
          (long) emin, (long) emax, (unsigned) fl, EMIN_UNUSUAL, EMAX_UNUSUAL, (unsigned) want);
  if (is_pending (name))
    xfails++;
  else
    failures++;
}

/* Run the statements twice, flags raised then clear, and check the state after each. */
#define RUN(NAME, ...)                                           \
  do {                                                           \
    for (int raised_ = 1; raised_ >= 0; raised_--)               \
      {                                                          \
        set_state (raised_);                                     \
        { __VA_ARGS__; }                                         \
        check_state (NAME, raised_, __LINE__);                   \
      }                                                          \
  } while (0)

static fl_format *
parse (const char *name)
{
  fl_format *f;
  char err[256];
  if (fl_format_parse (name, &f, err, sizeof err) != FL_OK)
    {
      fprintf (stderr, "test_mpfr_state: %s\n", err);
      exit (99);
    }
  return f;
}

static uint64_t subject_add (uint64_t a, uint64_t b) { return a ^ b; }   /* a wrong adder */

int
main (void)
{
  char err[256];
  unsigned fl = 0;
  fl_rounding r;
  fl_rounding_init (&r);
  fl_format *fp16 = parse ("fp16"), *lns = parse ("lns8f3"), *e4m3 = parse ("e4m3fn");
  fl_format *mx4 = parse ("mxfp4");
  fl_block *b = NULL;
  if (fl_block_parse ("mxfp4", &b, err, sizeof err) != FL_OK)
    return 99;
  mpfr_t v, w;
  mpfr_inits2 (64, v, w, (mpfr_ptr) 0);
  double xd[64], yd[64];
  float xf[64], yf[64];
  uint64_t codes[64];
  for (int i = 0; i < 64; i++)
    xd[i] = xf[i] = (float) ((i - 20) * 0.37);

  /* ---- formats.h ---- */
  RUN ("fl_format_parse", fl_format *g; if (fl_format_parse ("e5m2", &g, err, sizeof err) == FL_OK) fl_format_free (g));
  RUN ("fl_format_parse", fl_format *g; if (fl_format_parse ("nvfp4", &g, err, sizeof err) == FL_OK) fl_format_free (g));
  RUN ("fl_format_parse", fl_format *g; fl_format_parse ("e9m9x", &g, err, sizeof err));
  RUN ("fl_format_free", fl_format_free (parse ("posit8es1")));
  RUN ("fl_format_block", (void) fl_format_block (mx4));
  RUN ("fl_format_name", (void) fl_format_name (fp16));
  RUN ("fl_format_family", (void) fl_format_family (fp16));
  RUN ("fl_format_bits", (void) fl_format_bits (fp16));
  RUN ("fl_format_ncodes_minus1", (void) fl_format_ncodes_minus1 (fp16));
  RUN ("fl_format_prec", (void) fl_format_prec (fp16));
  RUN ("fl_format_is_exact", (void) fl_format_is_exact (lns));
  RUN ("fl_format_bits_at_one", (void) fl_format_bits_at_one (lns));
  RUN ("fl_decode_log2", mpq_t q; mpq_init (q); fl_decode_log2 (lns, 0x21, q); mpq_clear (q));
  RUN ("fl_format_is_signed", (void) fl_format_is_signed (fp16));
  RUN ("fl_format_default_overflow", (void) fl_format_default_overflow (fp16));
  RUN ("fl_format_has_inf", (void) fl_format_has_inf (fp16));
  RUN ("fl_format_has_nan", (void) fl_format_has_nan (fp16));
  RUN ("fl_format_overflow_ok", (void) fl_format_overflow_ok (fp16, FL_OVF_INF));
  RUN ("fl_format_max_code", (void) fl_format_max_code (lns));
  RUN ("fl_format_lowest_code", (void) fl_format_lowest_code (lns));
  RUN ("fl_format_minpos_code", (void) fl_format_minpos_code (lns));
  RUN ("fl_format_minnormal_code", uint64_t c; (void) fl_format_minnormal_code (fp16, &c));
  RUN ("fl_decode", fl_decode (fp16, 0x3555, v); fl_decode (lns, 0x33, v));
  RUN ("fl_encode", mpfr_set_d (w, 0.1, MPFR_RNDN); fl_encode (fp16, w, &r, &fl); fl_encode (lns, w, &r, &fl));
  RUN ("fl_encode_u64", fl_encode_u64 (fp16, 0, 12345, -20, &r, &fl));
  RUN ("fl_encode_z", mpz_t z; mpz_init_set_ui (z, 3); mpz_mul_2exp (z, z, 100); mpz_add_ui (z, z, 1);
       fl_encode_z (e4m3, 1, z, -100, &r, &fl); mpz_clear (z));
  RUN ("fl_encode_log2", mpq_t q; mpq_init (q); mpq_set_si (q, 1, 3);
       uint64_t c; fl_encode_log2 (fp16, 0, q, &r, &c, &fl, err, sizeof err); mpq_clear (q));
  RUN ("fl_encode_pow2sum", mpq_t q0, q1; mpq_init (q0); mpq_init (q1); mpq_set_si (q0, 1, 3);
       mpq_set_si (q1, -5, 2); mpq_srcptr qs[2] = { q0, q1 }; int neg[2] = { 0, 1 }; uint64_t c;
       fl_encode_pow2sum (lns, 2, neg, qs, &r, &c, &fl, err, sizeof err); mpq_clear (q0); mpq_clear (q1));
  RUN ("fl_format_beyond", fl_format_beyond (fp16, 0, v));
  RUN ("fl_format_cut", mpfr_set_prec (w, 64); fl_format_cut (lns, FL_DOMAIN_LOG, 0x20, 0x21, w);
       fl_format_cut (fp16, FL_DOMAIN_DEFAULT, 0x3c00, 0x3c01, w));
  RUN ("fl_encode_doubles", fl_encode_doubles (fp16, xd, codes, 64, &r, &fl); fl_encode_doubles (lns, xd, codes, 64, &r, &fl));
  RUN ("fl_decode_doubles", fl_decode_doubles (fp16, codes, yd, 8); fl_decode_doubles (lns, codes, yd, 8));
  RUN ("fl_encode_doubles_u8", uint8_t n8[64]; fl_encode_doubles_u8 (e4m3, xd, n8, 64, &r, &fl); fl_encode_doubles_u8 (lns, xd, n8, 64, &r, &fl));
  RUN ("fl_encode_doubles_u16", uint16_t n16[64]; fl_encode_doubles_u16 (fp16, xd, n16, 64, &r, &fl); fl_encode_doubles_u16 (lns, xd, n16, 64, &r, &fl));
  RUN ("fl_encode_doubles_u32", uint32_t n32[64]; fl_encode_doubles_u32 (fp16, xd, n32, 64, &r, &fl); fl_encode_doubles_u32 (lns, xd, n32, 64, &r, &fl));
  RUN ("fl_decode_doubles_u8", uint8_t n8[8] = { 1, 2, 3 }; fl_decode_doubles_u8 (e4m3, n8, yd, 8); fl_decode_doubles_u8 (lns, n8, yd, 8));
  RUN ("fl_decode_doubles_u16", uint16_t n16[8] = { 1, 2, 3 }; fl_decode_doubles_u16 (fp16, n16, yd, 8); fl_decode_doubles_u16 (lns, n16, yd, 8));
  RUN ("fl_decode_doubles_u32", uint32_t n32[8] = { 1, 2, 3 }; fl_decode_doubles_u32 (fp16, n32, yd, 8); fl_decode_doubles_u32 (lns, n32, yd, 8));
  RUN ("fl_quantize_doubles", fl_quantize_doubles (e4m3, xd, yd, 64, &r, &fl); fl_quantize_doubles (mx4, xd, yd, 64, &r, &fl));
  RUN ("fl_quantize_floats", fl_quantize_floats (e4m3, xf, yf, 64, &r, &fl); fl_quantize_floats (mx4, xf, yf, 64, &r, &fl));
  RUN ("fl_encode_t", int t; mpfr_set_d (w, 0.1, MPFR_RNDN); fl_encode_t (fp16, w, &r, &t, &fl); fl_encode_t (lns, w, &r, &t, &fl));
  RUN ("fl_encode_doubles_t", int8_t t8[64]; fl_encode_doubles_t (fp16, xd, codes, t8, 64, &r, &fl); fl_encode_doubles_t (lns, xd, codes, t8, 64, &r, &fl));
  RUN ("fl_quantize_doubles_t", int8_t t8[64]; fl_quantize_doubles_t (lns, xd, yd, t8, 64, &r, &fl); fl_quantize_doubles_t (mx4, xd, yd, t8, 64, &r, &fl));
  RUN ("fl_quantize_floats_t", int8_t t8[64]; fl_quantize_floats_t (e4m3, xf, yf, t8, 64, &r, &fl); fl_quantize_floats_t (mx4, xf, yf, t8, 64, &r, &fl));
  RUN ("fl_unpack", int neg; uint64_t sig; long ex; fl_unpack (fp16, 0x3555, &neg, &sig, &ex); fl_unpack (lns, 0x33, &neg, &sig, &ex));
  RUN ("fl_round_odd", mpfr_set_prec (w, 8); mpfr_set_ui (w, 84, MPFR_RNDN); fl_round_odd (w, -1); fl_round_odd (w, 1); mpfr_set_prec (w, 64));
  RUN ("fl_random_u64", (void) fl_random_u64 (1, 2, 3));
  RUN ("fl_code_is_signaling", (void) fl_code_is_signaling (fp16, 0x7d00); (void) fl_code_is_signaling (lns, 0x80));
  RUN ("fl_nan_propagate", (void) fl_nan_propagate (fp16, 0x7d00); (void) fl_nan_propagate (lns, 0x80));
  RUN ("fl_nan_convert", (void) fl_nan_convert (lns, fp16, 0x7d00, &r, &fl); (void) fl_nan_convert (e4m3, lns, 0x80, &r, &fl));
  RUN ("fl_invalid_result", (void) fl_invalid_result (fp16, &r, &fl); (void) fl_invalid_result (lns, &r, &fl));
  RUN ("fl_divzero_result", (void) fl_divzero_result (fp16, 1, &r, &fl); (void) fl_divzero_result (e4m3, 0, &r, &fl));
  RUN ("fl_mpfr_enter", fl_mpfr_state ms; fl_mpfr_enter (&ms); mpfr_set_d (w, 1e300, MPFR_RNDN); fl_mpfr_leave (&ms));
  RUN ("fl_mpfr_leave", fl_mpfr_state ms; fl_mpfr_enter (&ms); mpfr_set_nan (w); mpfr_mul (w, w, w, MPFR_RNDN); fl_mpfr_leave (&ms));
  RUN ("fl_class_name", (void) fl_class_name (FL_CLASS_NAR));
  RUN ("fl_round_mode_name", (void) fl_round_mode_name (FL_SR));
  RUN ("fl_round_mode_parse", fl_round_mode m; fl_round_mode_parse ("rto", &m));
  RUN ("fl_overflow_name", (void) fl_overflow_name (FL_OVF_NAN));
  RUN ("fl_overflow_parse", fl_overflow o; fl_overflow_parse ("sat", &o));
  RUN ("fl_rounding_init", fl_rounding q; fl_rounding_init (&q));
  RUN ("fl_parse_real", fl_parse_real (w, "0.1", 64); fl_parse_real (w, "1e-99999", 64));
  RUN ("fl_hexfloat", char buf[64]; mpfr_set_d (w, 1.0 / 3, MPFR_RNDN); fl_hexfloat (buf, sizeof buf, w, 11));
  RUN ("fl_format_catalogue", size_t n; (void) fl_format_catalogue (&n));
  RUN ("fl_version", (void) fl_version ());

  /* ---- grid.h, enumerate.h ---- */
  RUN ("fl_grid_alloc", fl_grid *g; if (fl_grid_alloc (e4m3, &g, err, sizeof err) == FL_OK) fl_grid_free (g));
  {
    fl_grid *g = NULL;
    fl_grid_alloc (e4m3, &g, err, sizeof err);
    RUN ("fl_grid_size", (void) fl_grid_size (g));
    RUN ("fl_grid_value", (void) fl_grid_value (g, 3));
    RUN ("fl_grid_code", (void) fl_grid_code (g, 3));
    RUN ("fl_grid_round", mpfr_set_d (w, 0.1, MPFR_RNDN); fl_grid_round (g, w, &r, &fl));
    RUN ("fl_grid_free", fl_grid_free (g); g = NULL; fl_grid_alloc (e4m3, &g, err, sizeof err));
    fl_grid_free (g);
  }
  RUN ("fl_props_compute", fl_props p; if (fl_props_compute (fp16, &p, err, sizeof err) == FL_OK) fl_props_clear (&p));
  RUN ("fl_props_clear", fl_props p; if (fl_props_compute (lns, &p, err, sizeof err) == FL_OK) fl_props_clear (&p));
  RUN ("fl_accuracy_profile", fl_accuracy_row *rows; size_t n;
       if (fl_accuracy_profile (e4m3, FL_DOMAIN_DEFAULT, &rows, &n, err, sizeof err) == FL_OK) free (rows));
  RUN ("fl_format_special_counts", long double a, c; fl_format_special_counts (fp16, &a, &c));

  /* ---- chartdata.h ---- */
  RUN ("fl_codes_per_binade", fl_density_row *rows; size_t n;
       if (fl_codes_per_binade (e4m3, &rows, &n, err, sizeof err) == FL_OK) free (rows);
       if (fl_codes_per_binade (lns, &rows, &n, err, sizeof err) == FL_OK) free (rows));
  RUN ("fl_outcome_name", (void) fl_outcome_name (FL_OUTCOME_UNDERFLOW));
  {
    fl_format *e2m1 = parse ("e2m1fn");
    RUN ("fl_closure_map", fl_closure c; if (fl_closure_map (e2m1, FL_OP_MUL, &r, &c, err, sizeof err) == FL_OK) fl_closure_clear (&c);
         if (fl_closure_map (lns, FL_OP_ADD, &r, &c, err, sizeof err) == FL_OK) fl_closure_clear (&c));
    RUN ("fl_closure_clear", fl_closure c; if (fl_closure_map (e2m1, FL_OP_DIV, &r, &c, err, sizeof err) == FL_OK) fl_closure_clear (&c));
    fl_format_free (e2m1);
  }
  {
    fl_hist h;
    if (fl_hist_init (&h, -4, 4, 16, 0, err, sizeof err) != FL_OK)
      return 99;
    RUN ("fl_hist_add", fl_hist_add (&h, xd, 64));
    RUN ("fl_hist_bin_lo", (void) fl_hist_bin_lo (&h, 3));
    RUN ("fl_hist_bin_width", (void) fl_hist_bin_width (&h));
    RUN ("fl_hist_clear", fl_hist_clear (&h); fl_hist_init (&h, -10, 3, 13, 1, err, sizeof err));
    RUN ("fl_hist_init", fl_hist_clear (&h); fl_hist_init (&h, -4, 4, 16, 0, err, sizeof err));
    fl_hist_clear (&h);
    fl_data_range dr;
    RUN ("fl_data_range_init", fl_data_range_init (&dr));
    RUN ("fl_data_range_add", fl_data_range_add (&dr, xd, 64));
    const fl_candidate cands[2] = { { e4m3, NULL, 0.25 }, { NULL, b, 1 } };
    for (int t = 0; t < 2; t++)
      {
        fl_candidate_range cr;
        RUN ("fl_candidate_range_get", if (fl_candidate_range_get (&cands[t], 7.4, &cr, err, sizeof err) == FL_OK) fl_candidate_range_clear (&cr));
        RUN ("fl_candidate_range_clear", if (fl_candidate_range_get (&cands[t], 0.5, &cr, err, sizeof err) == FL_OK) fl_candidate_range_clear (&cr));
        fl_lost_mass lm = { 0, 0, 0 };
        RUN ("fl_lost_mass_add", fl_lost_mass_add (&cands[t], xd, 64, &lm, err, sizeof err));
      }
  }

  /* ---- blocks.h ---- */
  RUN ("fl_block_parse", fl_block *c; if (fl_block_parse ("group:elem=int4,k=8,fit=mse", &c, err, sizeof err) == FL_OK) fl_block_free (c));
  RUN ("fl_block_parse", fl_block *c; fl_block_parse ("mx:elem=e2m1fn,k=0", &c, err, sizeof err));
  RUN ("fl_block_name_p", (void) fl_block_name_p ("opal"));
  RUN ("fl_block_free", fl_block *c; if (fl_block_parse ("nvfp4:tscale=0.5", &c, err, sizeof err) == FL_OK) fl_block_free (c));
  RUN ("fl_block_name", (void) fl_block_name (b));
  RUN ("fl_block_kind_of", (void) fl_block_kind_of (b));
  RUN ("fl_block_k", (void) fl_block_k (b));
  RUN ("fl_block_elem", (void) fl_block_elem (b));
  RUN ("fl_block_scale", (void) fl_block_scale (b));
  RUN ("fl_block_zero", (void) fl_block_zero (b));
  RUN ("fl_block_ofmt", (void) fl_block_ofmt (b));
  RUN ("fl_block_outliers", (void) fl_block_outliers (b));
  RUN ("fl_block_index_bits", (void) fl_block_index_bits (b));
  RUN ("fl_block_rule", (void) fl_block_rule (b));
  RUN ("fl_block_fit", (void) fl_block_fit (b));
  RUN ("fl_block_storage_bits", (void) fl_block_storage_bits (b));
  RUN ("fl_block_max", fl_block_max (b, w));
  RUN ("fl_block_minpos", fl_block_minpos (b, w));
  RUN ("fl_block_catalogue", size_t n; (void) fl_block_catalogue (&n));
  RUN ("fl_scale_rule_name", (void) fl_scale_rule_name (FL_RULE_EVEN));
  RUN ("fl_group_fit_name", (void) fl_group_fit_name (FL_FIT_MSE));
  {
    static const char *const names[] = { "mxfp4", "nvfp4", "opal:k=16,outliers=2",
                                         "group:elem=int4,k=16,fit=mse", "q4_1" };
    for (size_t t = 0; t < sizeof names / sizeof names[0]; t++)
      {
        fl_block *c;
        if (fl_block_parse (names[t], &c, err, sizeof err) != FL_OK)
          return 99;
        mpfr_t xm[64], out[64];
        for (int i = 0; i < 64; i++)
          {
            mpfr_init2 (xm[i], 53);
            mpfr_set_d (xm[i], xd[i], MPFR_RNDN);
            mpfr_init2 (out[i], 8);
          }
        fl_block_array a;
        RUN ("fl_block_array_init", fl_block_array_init (&a, c, 64, err, sizeof err));
        RUN ("fl_block_quantize", fl_block_quantize (c, xm, 64, &a, &r, &fl, err, sizeof err));
        RUN ("fl_block_quantize_doubles", fl_block_quantize_doubles (c, xd, 64, &a, &r, &fl, err, sizeof err));
        RUN ("fl_block_quantize_floats", fl_block_quantize_floats (c, xf, 64, &a, &r, &fl, err, sizeof err));
        RUN ("fl_block_dequantize", fl_block_dequantize (c, &a, out));
        RUN ("fl_block_dequantize_doubles", fl_block_dequantize_doubles (c, &a, yd));
        RUN ("fl_block_array_clear", fl_block_array_clear (&a); fl_block_array_init (&a, c, 64, err, sizeof err));
        fl_block_array_clear (&a);
        for (int i = 0; i < 64; i++)
          mpfr_clears (xm[i], out[i], (mpfr_ptr) 0);
        fl_block_free (c);
      }
  }

  /* ---- pack.h ---- */
  {
    uint8_t c8[16], p[32];          /* 16 codes of 12 bits: 24 bytes */
    uint16_t c16[16];
    for (int i = 0; i < 16; i++)
      c8[i] = (uint8_t) (i * 5 & 63), c16[i] = (uint16_t) (i * 977 & 4095);
    RUN ("fl_pack_bytes", (void) fl_pack_bytes (6, 16));
    RUN ("fl_pack8", fl_pack8 (6, c8, 16, p, err, sizeof err));
    RUN ("fl_unpack8", fl_unpack8 (6, p, 16, c8, err, sizeof err));
    RUN ("fl_pack16", fl_pack16 (12, c16, 16, p, err, sizeof err));
    RUN ("fl_unpack16", fl_unpack16 (12, p, 16, c16, err, sizeof err));
    RUN ("fl_pack_get", (void) fl_pack_get (12, p, 5));
    RUN ("fl_pack_set", fl_pack_set (12, p, 5, 77));
  }

  /* ---- refops.h ---- */
  RUN ("fl_op_name", (void) fl_op_name (FL_OP_FMA));
  RUN ("fl_op_parse", fl_op op; fl_op_parse ("sqrt", &op));
  RUN ("fl_op_arity", (void) fl_op_arity (FL_OP_FMA));
  RUN ("fl_flags_to_testfloat", (void) fl_flags_to_testfloat (FL_FLAG_INEXACT));
  RUN ("fl_flags_from_testfloat", (void) fl_flags_from_testfloat (1));
  RUN ("fl_ref_rounding_ok", fl_ref_rounding_ok (lns, FL_OP_ADD, &r, err, sizeof err));
  RUN ("fl_ref_rules_for", (void) fl_ref_rules_for (lns));
  {
    const fl_format *fs[2] = { fp16, lns };
    for (int t = 0; t < 2; t++)
      {
        fl_ref *ref = NULL;
        RUN ("fl_ref_new", if (ref) fl_ref_free (ref); ref = NULL; fl_ref_new (fs[t], FL_OP_ADD, &ref, err, sizeof err));
        if (!ref)
          return 99;
        uint64_t ab[2] = { 0x3555, 0x0001 };
        if (t)
          ab[0] = 0x21, ab[1] = 0x9e;
        RUN ("fl_ref_eval", fl_ref_eval (ref, ab, &r, &fl));
        RUN ("fl_ref_set_tininess_after", fl_ref_set_tininess_after (ref, 1));
        RUN ("fl_ref_operand_format", (void) fl_ref_operand_format (ref, 0));
        RUN ("fl_ref_result_format", (void) fl_ref_result_format (ref));
        RUN ("fl_ref_free", fl_ref_free (ref); ref = NULL; fl_ref_new (fs[t], FL_OP_ADD, &ref, err, sizeof err));
        fl_ref_free (ref);
      }
  }
  {
    uint64_t a3[3] = { 0x3555, 0x4001, 0x0301 }, b3[3] = { 0x2001, 0xc400, 0x7bff };
    RUN ("fl_ref_fdp", fl_ref_fdp (fp16, a3, b3, 3, &r, &fl));
    fl_fast *fast = NULL;
    RUN ("fl_fast_new", if (fast) fl_fast_free (fast); fast = NULL; fl_fast_new (fp16, FL_OP_MUL, &fast));
    if (fast)
      {
        RUN ("fl_fast_eval", fl_fast_eval (fast, a3, &r, &fl));
        RUN ("fl_fast_set_tininess_after", fl_fast_set_tininess_after (fast, 1));
        RUN ("fl_fast_free", fl_fast_free (fast); fast = NULL; fl_fast_new (fp16, FL_OP_MUL, &fast));
        fl_fast_free (fast);
      }
    RUN ("fl_fast_mode_ok", (void) fl_fast_mode_ok (&r));
  }

  /* ---- vectors.h ---- */
  {
    fl_gen *g = NULL;
    RUN ("fl_gen_new", if (g) fl_gen_free (g); g = NULL; fl_gen_new (fp16, FL_OP_ADD, &g, err, sizeof err));
    if (!g)
      return 99;
    uint64_t ops[3], n, res = 0;
    char line[256];
    int has;
    unsigned ff;
    RUN ("fl_gen_arity", (void) fl_gen_arity (g));
    RUN ("fl_gen_operand_bits", (void) fl_gen_operand_bits (g, 0));
    RUN ("fl_gen_result_bits", (void) fl_gen_result_bits (g));
    RUN ("fl_gen_count_all", fl_gen_count_all (g, &n));
    RUN ("fl_gen_all", fl_gen_all (g, 12345, ops));
    RUN ("fl_gen_random", fl_gen_random (g, 7, 3, ops));
    RUN ("fl_vec_format_line", fl_vec_format_line (line, g, ops, 0x3c00, 1, FL_FLAG_INEXACT));
    RUN ("fl_vec_parse_line", fl_vec_parse_line ("3c00 3c00 4000 00", g, ops, &res, &has, &ff, err, sizeof err));
    RUN ("fl_vec_match", (void) fl_vec_match (fp16, 0x7e00, 0x7e01, 0));
    fl_oracle *o = NULL;
    RUN ("fl_oracle_new", if (o) fl_oracle_free (o); o = NULL; fl_oracle_new (fp16, FL_OP_ADD, &r, &o, err, sizeof err));
    if (!o)
      return 99;
    RUN ("fl_oracle_is_fast", (void) fl_oracle_is_fast (o));
    RUN ("fl_oracle_set_tininess_after", fl_oracle_set_tininess_after (o, 1));
    RUN ("fl_oracle_eval", fl_oracle_eval (o, ops, &fl));
    RUN ("fl_oracle_operand_format", (void) fl_oracle_operand_format (o, 1));
    RUN ("fl_oracle_result_format", (void) fl_oracle_result_format (o));
    RUN ("fl_oracle_free", fl_oracle_free (o); o = NULL; fl_oracle_new (fp16, FL_OP_ADD, &r, &o, err, sizeof err));
    fl_oracle_free (o);
    fl_verify_opts vo;
    memset (&vo, 0, sizeof vo);
    vo.f = fp16;
    vo.op = FL_OP_ADD;
    fl_rounding_init (&vo.r);
    vo.max_report = 4;
    vo.threads = 1;
    fl_verify_result vr;
    uint64_t cops[4] = { 0x3c00, 0x3c00, 0x4000, 0x3555 }, cres[2] = { 0x4000, 0x3555 };
    RUN ("fl_verify_result_init", fl_verify_result_init (&vr); fl_verify_result_clear (&vr));
    RUN ("fl_verify_cases", fl_verify_result_init (&vr);
         fl_verify_cases (&vo, 2, cops, cres, NULL, NULL, NULL, &vr, err, sizeof err);
         fl_verify_result_clear (&vr));
    RUN ("fl_verify_subject", fl_verify_result_init (&vr);
         fl_verify_subject (&vo, (void (*) (void)) subject_add, 0, 1, 0, 64, &vr, err, sizeof err);
         fl_verify_result_clear (&vr));
    RUN ("fl_verify_result_clear", fl_verify_result_init (&vr); fl_verify_result_clear (&vr));
    RUN ("fl_gen_free", fl_gen_free (g); g = NULL; fl_gen_new (fp16, FL_OP_ADD, &g, err, sizeof err));
    fl_gen_free (g);
  }

  mpfr_clears (v, w, (mpfr_ptr) 0);
  fl_block_free (b);
  fl_format_free (fp16);
  fl_format_free (lns);
  fl_format_free (e4m3);
  fl_format_free (mx4);
  printf ("test_mpfr_state: %d checks, %d failures, %d expected failures (pending)\n", checked,
          failures, xfails);
  return failures ? 1 : 0;
}
