/* test_onnx_gguf.c -- the GGUF and ONNX readers (io/gguf.c, io/onnx.c).

   Known answers come from outside the readers: GGUF files whose bytes tests/gen_gguf.py
   writes by hand with struct (the expected values are computed by hand in the comments
   below), ONNX files written by the onnx package (tests/gen_onnx.py) and read back by the
   onnx package itself (tests/onnx_ref.py, numpy_helper.to_array: the independent reader),
   and the corrupt corpus of tests/data/corrupt/ with the message each file must give.

   Built twice: as tests/test_onnx_gguf, and with FL_TEST_REAL_MODELS as
   tests/test_onnx_models, which checks the real ONNX models of issue 8 (PP-OCRv4, Silero
   VAD v5) under $FMTLAB_MODELS_DIR (default notebooks-data/cache) and skips (exit 77) when
   they have not been fetched. */
#define _GNU_SOURCE 1           /* nftw, strsep */
#include <config.h>
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include <fmtlab/tensor.h>
#include "testutil.h"

static char tmpdir[256];

static const char *
tpath (const char *name)
{
  static char buf[8][512];
  static int k;
  k = (k + 1) % 8;
  snprintf (buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
  return buf[k];
}

static void
run (const char *cmd)
{
  int rc = system (cmd);
  ck_assert_msg (rc == 0, "command failed (%d): %s", rc, cmd);
}

static fl_tensor_file *
open_ok (const char *path)
{
  fl_tensor_file *f = NULL;
  char err[512] = "";
  fl_status st = fl_tensor_open (path, NULL, &f, err, sizeof err);
  ck_assert_msg (st == FL_OK, "%s: %s", path, err);
  return f;
}

static size_t
find (const fl_tensor_file *f, const char *name)
{
  for (size_t i = 0; i < fl_tensor_file_count (f); i++)
    if (strcmp (fl_tensor_file_info (f, i)->name, name) == 0)
      return i;
  ck_abort_msg ("%s: no tensor '%s'", fl_tensor_file_path (f), name);
  return 0;
}

static double *
read_all (fl_tensor_file *f, size_t i)
{
  const fl_tensor_info *ti = fl_tensor_file_info (f, i);
  double *v = malloc ((ti->count + 1) * sizeof *v);
  char err[512] = "";
  fl_status st = fl_tensor_read_doubles (f, i, 0, ti->count, v, err, sizeof err);
  ck_assert_msg (st == FL_OK, "%s", err);
  return v;
}

/* element k of tensor name, which must be exactly want (signed zeros distinguished) */
static void __attribute__ ((unused))
value_is (fl_tensor_file *f, const char *name, uint64_t k, double want)
{
  size_t i = find (f, name);
  double got;
  char err[512] = "";
  fl_status st = fl_tensor_read_doubles (f, i, k, 1, &got, err, sizeof err);
  ck_assert_msg (st == FL_OK, "%s", err);
  TU_CHECK (got == want && signbit (got) == signbit (want), "%s[%llu] = %a, expected %a", name,
            (unsigned long long) k, got, want);
}

static void __attribute__ ((unused))
shape_is (fl_tensor_file *f, const char *name, int ndim, const uint64_t *shape)
{
  const fl_tensor_info *ti = fl_tensor_file_info (f, find (f, name));
  ck_assert_int_eq (ti->ndim, ndim);
  for (int d = 0; d < ndim; d++)
    TU_CHECK (ti->shape[d] == shape[d], "%s: dimension %d is %llu, expected %llu", name, d,
              (unsigned long long) ti->shape[d], (unsigned long long) shape[d]);
}

/* ---- comparison with the onnx package (tests/onnx_ref.py) ---- */

typedef struct {
  size_t tensors, floats, ints, opaque;
  uint64_t float_values, int_values;
} ref_counts;

static int
is_int_dtype (fl_dtype t)
{
  return t >= FL_DT_I64 && t <= FL_DT_BOOL;
}

/* Every tensor onnx_ref.py lists must be in f with the same class, shape and values
   (every picked element exactly, the sum to 1e-12 of the sum of magnitudes), and f must
   hold no other tensor.  Returns the counts by class. */
static ref_counts
compare_with_onnx (const char *model)
{
  char cmd[2048];
  const char *ref = tpath ("ref.txt");
  snprintf (cmd, sizeof cmd, "/usr/bin/python3 '%s/tests/onnx_ref.py' '%s' > '%s'", TOP_SRCDIR,
            model, ref);
  run (cmd);
  fl_tensor_file *f = open_ok (model);
  FILE *fp = fopen (ref, "r");
  ck_assert_ptr_nonnull (fp);
  ref_counts rc = { 0 };
  char *line = NULL;
  size_t cap = 0;
  while (getline (&line, &cap, fp) > 0)
    {
      line[strcspn (line, "\n")] = 0;
      /* strsep keeps empty fields (a scalar's shape) */
      char *fields[6], *p = line, *tok;
      int nf = 0;
      while (nf < 6 && (tok = strsep (&p, "\t")))
        fields[nf++] = tok;
      ck_assert_msg (nf == 6, "bad reference line: %s", line);
      const char *name = fields[0], *cls = fields[1];
      size_t i = find (f, name);
      const fl_tensor_info *ti = fl_tensor_file_info (f, i);
      rc.tensors++;
      /* shape */
      int nd = 0;
      uint64_t shape[FL_TENSOR_MAXDIM];
      for (char *s = fields[2]; *s; s += *s == ',')
        shape[nd++] = strtoull (s, &s, 10);
      ck_assert_msg (ti->ndim == nd, "%s: %d dimensions, onnx says %d", name, ti->ndim, nd);
      for (int d = 0; d < nd; d++)
        ck_assert_msg (ti->shape[d] == shape[d], "%s: dimension %d differs", name, d);
      ck_assert_msg (ti->count == strtoull (fields[3], NULL, 10), "%s: count differs", name);
      if (strcmp (cls, "opaque") == 0)
        {
          /* FLOAT8E4M3FN/E5M2 are beyond what Debian's onnx converts, not beyond fmtlab */
          if (ti->readable)
            ck_assert_msg (strncmp (ti->dtype_name, "FLOAT8", 6) == 0, "%s: onnx cannot read "
                           "it but fmtlab reads it as %s", name, ti->dtype_name);
          rc.opaque++;
          continue;
        }
      ck_assert_msg (ti->readable, "%s: onnx reads it, fmtlab lists it as opaque (%s)", name,
                     ti->dtype_name);
      int is_float = strcmp (cls, "float") == 0;
      ck_assert_msg (is_float ? !is_int_dtype (ti->dtype) : is_int_dtype (ti->dtype),
                     "%s: class %s but dtype %s", name, cls, ti->dtype_name);
      if (is_float)
        rc.floats++, rc.float_values += ti->count;
      else
        rc.ints++, rc.int_values += ti->count;
      double *v = read_all (f, i);
      double sum = 0, comp = 0, mag = 0;
      for (uint64_t k = 0; k < ti->count; k++)
        {
          /* Neumaier's compensated sum, against math.fsum */
          double t = sum + v[k];
          comp += fabs (sum) >= fabs (v[k]) ? (sum - t) + v[k] : (v[k] - t) + sum;
          sum = t;
          mag += fabs (v[k]);
        }
      double want = strtod (fields[4], NULL);
      ck_assert_msg (fabs ((sum + comp) - want) <= 1e-12 * mag, "%s: sum %a, onnx %a", name,
                     sum + comp, want);
      for (char *s = fields[5]; *s;)
        {
          uint64_t k = strtoull (s, &s, 10);
          ck_assert (*s == ':');
          double x = strtod (s + 1, &s);
          ck_assert_msg (k < ti->count && (v[k] == x || (isnan (v[k]) && isnan (x))),
                         "%s[%llu] = %a, onnx %a", name, (unsigned long long) k, v[k], x);
          while (*s == ' ')
            s++;
        }
      free (v);
    }
  free (line);
  fclose (fp);
  ck_assert_msg (fl_tensor_file_count (f) == rc.tensors, "%s: fmtlab lists %zu tensors, onnx "
                 "%zu", model, fl_tensor_file_count (f), rc.tensors);
  fl_tensor_close (f);
  return rc;
}

#ifndef FL_TEST_REAL_MODELS

/* ---- GGUF ---- */

static void
gen_gguf (void)
{
  char cmd[1024];
  snprintf (cmd, sizeof cmd, "/usr/bin/python3 '%s/tests/gen_gguf.py' '%s'", TOP_SRCDIR, tmpdir);
  run (cmd);
}

START_TEST (test_gguf_tensors)
{
  gen_gguf ();
  fl_tensor_file *f = open_ok (tpath ("all.gguf"));
  ck_assert_int_eq (fl_tensor_file_kind (f), FL_TFILE_GGUF);
  ck_assert_uint_eq (fl_tensor_file_count (f), 10);

  /* F32 [2,3] (GGUF ne = {3, 2}): 0.5 -1.25 3 2^-130 -0 65504 */
  shape_is (f, "tok_embd.weight", 2, (const uint64_t[]) { 2, 3 });
  value_is (f, "tok_embd.weight", 0, 0.5);
  value_is (f, "tok_embd.weight", 1, -1.25);
  value_is (f, "tok_embd.weight", 3, 0x1p-130);
  value_is (f, "tok_embd.weight", 4, -0.0);
  value_is (f, "tok_embd.weight", 5, 65504.0);
  /* F16 bits 3c00 c000 0001 7bff: 1, -2, 2^-24, 65504 */
  value_is (f, "f16", 0, 1.0);
  value_is (f, "f16", 1, -2.0);
  value_is (f, "f16", 2, 0x1p-24);
  value_is (f, "f16", 3, 65504.0);
  /* BF16 bits 3f80 c0a0 0001: 1, -5, 2^-133 */
  value_is (f, "bf16", 0, 1.0);
  value_is (f, "bf16", 1, -5.0);
  value_is (f, "bf16", 2, 0x1p-133);
  /* Q8_0 [2,32]: row 0 d = 0.5, q_i = i - 16 -> (i - 16) / 2; row 1 d = -1, q_i = -128 + i
     -> 128 - i */
  shape_is (f, "q8", 2, (const uint64_t[]) { 2, 32 });
  ck_assert_uint_eq (fl_tensor_file_info (f, find (f, "q8"))->nbytes, 68);
  value_is (f, "q8", 0, -8.0);
  value_is (f, "q8", 17, 0.5);
  value_is (f, "q8", 31, 7.5);
  value_is (f, "q8", 32, 128.0);
  value_is (f, "q8", 63, 97.0);
  /* Q4_0: d = 2, byte k = k | (15 - k) << 4: element j < 16 -> (j - 8) * 2, element
     16 + k -> (15 - k - 8) * 2 */
  ck_assert_uint_eq (fl_tensor_file_info (f, find (f, "q4_0"))->nbytes, 18);
  value_is (f, "q4_0", 0, -16.0);
  value_is (f, "q4_0", 15, 14.0);
  value_is (f, "q4_0", 16, 14.0);
  value_is (f, "q4_0", 31, -16.0);
  /* Q4_1: d = 1, m = -1, byte k = k | k << 4: element j -> (j mod 16) - 1 */
  ck_assert_uint_eq (fl_tensor_file_info (f, find (f, "q4_1"))->nbytes, 20);
  value_is (f, "q4_1", 0, -1.0);
  value_is (f, "q4_1", 15, 14.0);
  value_is (f, "q4_1", 16, -1.0);
  value_is (f, "q4_1", 31, 14.0);
  /* I32 (readable): -7, 2^31 - 1 */
  value_is (f, "i32", 0, -7.0);
  value_is (f, "i32", 1, 2147483647.0);
  /* F32 [2,1,3] (ne = {3, 1, 2}): 0..5 in C order */
  shape_is (f, "f3d", 3, (const uint64_t[]) { 2, 1, 3 });
  value_is (f, "f3d", 4, 4.0);

  /* listed, not readable: a k-quant by its name, an unknown id by its number */
  const fl_tensor_info *q6 = fl_tensor_file_info (f, find (f, "q6k"));
  ck_assert_str_eq (q6->dtype_name, "Q6_K");
  ck_assert_int_eq (q6->dtype, FL_DT_OPAQUE);
  ck_assert_int_eq (q6->readable, 0);
  ck_assert_uint_eq (q6->count, 256);
  ck_assert_uint_eq (q6->nbytes, 210);
  const fl_tensor_info *odd = fl_tensor_file_info (f, find (f, "odd"));
  ck_assert_str_eq (odd->dtype_name, "ggml type 200");
  ck_assert_int_eq (odd->readable, 0);
  /* its size is unknown: taken up to the next tensor (offset 480 to 512, gen_gguf.py's
     32-byte alignment) */
  ck_assert_uint_eq (odd->nbytes, 32);
  double x;
  char err[512] = "";
  ck_assert_int_eq (fl_tensor_read_doubles (f, find (f, "q6k"), 0, 1, &x, err, sizeof err),
                    FL_EUNSUPPORTED);
  fl_tensor_close (f);

  /* version 2, a custom alignment, no tensors at all */
  f = open_ok (tpath ("v2.gguf"));
  value_is (f, "w", 1, -1.0);
  fl_tensor_close (f);
  f = open_ok (tpath ("align64.gguf"));
  value_is (f, "a", 2, 3.0);
  value_is (f, "b", 0, 7.0);
  fl_tensor_close (f);
  f = open_ok (tpath ("empty.gguf"));
  ck_assert_uint_eq (fl_tensor_file_count (f), 0);
  fl_tensor_close (f);
}
END_TEST

START_TEST (test_gguf_metadata)
{
  gen_gguf ();
  fl_tensor_file *f = open_ok (tpath ("all.gguf"));
  const char *js = fl_tensor_file_metadata_json (f);
  ck_assert_ptr_nonnull (js);
  json_error_t je;
  json_t *doc = json_loads (js, 0, &je);
  ck_assert_msg (doc != NULL, "metadata is not JSON: %s", je.text);
  ck_assert_int_eq (json_integer_value (json_object_get (doc, "version")), 3);
  ck_assert_int_eq (json_integer_value (json_object_get (doc, "alignment")), 32);
  json_t *m = json_object_get (doc, "metadata");
#define INT_IS(key, v) ck_assert_msg (json_integer_value (json_object_get (m, key)) == (v), key)
  INT_IS ("t.u8", 200);
  INT_IS ("t.i8", -100);
  INT_IS ("t.u16", 60000);
  INT_IS ("t.i16", -30000);
  INT_IS ("t.u32", 4000000000LL);
  INT_IS ("t.i32", -2000000000LL);
  INT_IS ("t.i64", -4611686018427387904LL);
  ck_assert (json_real_value (json_object_get (m, "t.f32")) == 0.25);
  ck_assert (json_real_value (json_object_get (m, "t.f64")) == 1e300);
  ck_assert (json_is_true (json_object_get (m, "t.bool")));
  /* beyond int64: the exact decimal as a string */
  ck_assert_str_eq (json_string_value (json_object_get (m, "t.u64")), "9223372036854775813");
  ck_assert_str_eq (json_string_value (json_object_get (m, "t.nan")), "nan");
  ck_assert_str_eq (json_string_value (json_object_get (m, "general.architecture")), "llama");
  ck_assert_str_eq (json_string_value (json_object_get (m, "t.utf8")), "caf\xc3\xa9");
  /* an invalid UTF-8 byte becomes U+FFFD */
  ck_assert_str_eq (json_string_value (json_object_get (m, "t.badutf8")), "a\xef\xbf\xbd" "b");
  json_t *ints = json_object_get (m, "t.ints");
  ck_assert_uint_eq (json_array_size (ints), 3);
  ck_assert_int_eq (json_integer_value (json_array_get (ints, 2)), 3);
  json_t *nested = json_object_get (m, "t.nested");
  ck_assert_uint_eq (json_array_size (nested), 2);
  ck_assert_int_eq (json_integer_value (json_array_get (json_array_get (nested, 1), 0)), 3);
  /* 100 tokens: summarised */
  json_t *tok = json_object_get (m, "tokenizer.ggml.tokens");
  ck_assert (json_is_object (tok));
  ck_assert_int_eq (json_integer_value (json_object_get (tok, "count")), 100);
  ck_assert_str_eq (json_string_value (json_object_get (tok, "of")), "string");
  ck_assert_str_eq (json_string_value (json_array_get (json_object_get (tok, "head"), 7)), "tok7");
#undef INT_IS
  json_decref (doc);
  fl_tensor_close (f);
}
END_TEST

/* ---- ONNX ---- */

static void
gen_onnx (void)
{
  char cmd[1024];
  snprintf (cmd, sizeof cmd, "/usr/bin/python3 '%s/tests/gen_onnx.py' '%s'", TOP_SRCDIR, tmpdir);
  run (cmd);
}

START_TEST (test_onnx_against_onnx)
{
  gen_onnx ();
  ref_counts rc = compare_with_onnx (tpath ("synth.onnx"));
  /* tests/gen_onnx.py: 23 initializers, 1 sparse initializer, 6 Constant nodes, 1
     ConstantOfShape value, 9 tensors in subgraphs */
  ck_assert_uint_eq (rc.tensors, 40);
  ck_assert_uint_eq (rc.ints, 11);
  ck_assert_uint_eq (rc.opaque, 4);    /* strings, c64, f8 (onnx 1.12), type99 */
  rc = compare_with_onnx (tpath ("unnamed.onnx"));
  ck_assert_uint_eq (rc.floats, 2);
  fl_tensor_file *f = open_ok (tpath ("unnamed.onnx"));
  value_is (f, "node0.then_branch/x", 0, 1.0);
  value_is (f, "node1.then_branch/x", 0, 2.0);
  fl_tensor_close (f);
}
END_TEST

START_TEST (test_onnx_details)
{
  gen_onnx ();
  fl_tensor_file *f = open_ok (tpath ("synth.onnx"));
  /* subgraph names: qualified only where they collide */
  find (f, "if1.then_branch/shared");
  find (f, "if1.else_branch/shared");
  find (f, "if1.then_branch/loop1.body/if2.else_branch/shared");
  find (f, "deep");
  find (f, "multi.branches[1]/gconst");
  find (f, "cos:value");
  find (f, "sparse_w:values");
  /* FLOAT8E4M3FN, beyond Debian's schema: 0x38 = 1, 0xfe = -448 (OCP FP8 E4M3) */
  ck_assert_int_eq (fl_tensor_file_info (f, find (f, "f8"))->dtype, FL_DT_F8_E4M3);
  value_is (f, "f8", 0, 1.0);
  value_is (f, "f8", 1, -448.0);
  /* opaque: named, with the type number when the schema has no name */
  const fl_tensor_info *s = fl_tensor_file_info (f, find (f, "strings"));
  ck_assert_int_eq (s->readable, 0);
  ck_assert_str_eq (s->dtype_name, "STRING");
  ck_assert_str_eq (fl_tensor_file_info (f, find (f, "type99"))->dtype_name, "onnx type 99");
  ck_assert_str_eq (fl_tensor_file_info (f, find (f, "c64"))->dtype_name, "COMPLEX64");
  /* the int32_data bit patterns of f16 and bf16 */
  ck_assert_int_eq (fl_tensor_file_info (f, find (f, "h16"))->dtype, FL_DT_F16);
  value_is (f, "h16", 2, 0x1p-24);
  value_is (f, "b16", 1, -5.0);
  shape_is (f, "empty", 2, (const uint64_t[]) { 0, 3 });
  shape_is (f, "scalar", 0, NULL);
  /* metadata */
  json_t *doc = json_loads (fl_tensor_file_metadata_json (f), 0, NULL);
  ck_assert_ptr_nonnull (doc);
  ck_assert_str_eq (json_string_value (json_object_get (doc, "producer_name")), "fmtlab-test");
  ck_assert_int_eq (json_integer_value (json_object_get (doc, "ir_version")), 8);
  json_t *op = json_array_get (json_object_get (doc, "opset_import"), 0);
  ck_assert_int_eq (json_integer_value (json_object_get (op, "version")), 13);
  json_decref (doc);
  fl_tensor_close (f);

  /* the depth limit: 20 nested If levels are read, 21 refused (64 protobuf levels) */
  fl_tensor_file *g_nested = open_ok (tpath ("nested20.onnx"));
  value_is (g_nested, "bottom", 0, 1.0);
  fl_tensor_close (g_nested);
  fl_tensor_file *g = NULL;
  char err[512] = "";
  ck_assert_int_ne (fl_tensor_open (tpath ("nested21.onnx"), NULL, &g, err, sizeof err), FL_OK);
  ck_assert_msg (strstr (err, "nested deeper than 64"), "%s", err);

  /* external data through a symbolic link that leaves the model's directory */
  ck_assert_int_ne (fl_tensor_open (tpath ("sub/symlink.onnx"), NULL, &g, err, sizeof err), FL_OK);
  ck_assert_msg (strstr (err, "symlink.onnx") && strstr (err, "tensor 'esc'")
                 && strstr (err, "outside the model's directory"), "%s", err);
}
END_TEST

/* ---- every truncation of a valid file ---- */

static unsigned char *
slurp (const char *path, size_t *n)
{
  FILE *fp = fopen (path, "rb");
  ck_assert_msg (fp != NULL, "%s: %s", path, strerror (errno));
  fseek (fp, 0, SEEK_END);
  *n = (size_t) ftell (fp);
  fseek (fp, 0, SEEK_SET);
  unsigned char *b = malloc (*n + 1);
  ck_assert_uint_eq (fread (b, 1, *n, fp), *n);
  fclose (fp);
  return b;
}

/* Open every proper prefix of src.  A GGUF prefix always lacks part of the file (the last
   tensor's data ends it), so each must be refused; an ONNX prefix that ends between two
   fields is a valid, smaller message, so each must be either read or refused, never crash.
   Refusals are one line naming the file.  Returns the number refused. */
static size_t
open_prefixes (const char *src, const char *dst, int must_fail)
{
  size_t n, refused = 0;
  unsigned char *b = slurp (src, &n);
  for (size_t len = 0; len < n; len++)
    {
      FILE *fp = fopen (dst, "wb");
      ck_assert_ptr_nonnull (fp);
      ck_assert_uint_eq (fwrite (b, 1, len, fp), len);
      fclose (fp);
      fl_tensor_file *f = NULL;
      char err[1024] = "";
      if (fl_tensor_open (dst, NULL, &f, err, sizeof err) == FL_OK)
        {
          ck_assert_msg (!must_fail, "%s cut to %zu of %zu bytes: opened", src, len, n);
          double x;
          for (size_t i = 0; i < fl_tensor_file_count (f); i++)
            if (fl_tensor_file_info (f, i)->readable && fl_tensor_file_info (f, i)->count)
              fl_tensor_read_doubles (f, i, 0, 1, &x, err, sizeof err);
          fl_tensor_close (f);
          continue;
        }
      refused++;
      ck_assert_msg (strstr (err, dst) && !strchr (err, '\n'), "cut to %zu: '%s'", len, err);
    }
  free (b);
  return refused;
}

START_TEST (test_truncations)
{
  gen_gguf ();
  gen_onnx ();
  size_t r = open_prefixes (tpath ("all.gguf"), tpath ("cut.gguf"), 1);
  size_t o = open_prefixes (tpath ("synth.onnx"), tpath ("cut.onnx"), 0);
  printf ("truncations: every prefix of all.gguf refused (%zu), %zu prefixes of synth.onnx "
          "refused, the rest read\n", r, o);
  ck_assert_uint_gt (o, 0);
}
END_TEST

/* ---- the corrupt corpus ---- */

START_TEST (test_corrupt_corpus)
{
  char path[1024];
  snprintf (path, sizeof path, "%s/tests/data/corrupt/gguf-onnx.expect", TOP_SRCDIR);
  FILE *fp = fopen (path, "r");
  ck_assert_msg (fp != NULL, "%s: %s", path, strerror (errno));
  char *line = NULL;
  size_t cap = 0, n = 0;
  while (getline (&line, &cap, fp) > 0)
    {
      if (line[0] == '#')
        continue;
      line[strcspn (line, "\n")] = 0;
      char *tab = strchr (line, '\t');
      ck_assert_ptr_nonnull (tab);
      *tab = 0;
      snprintf (path, sizeof path, "%s/tests/data/corrupt/%s", TOP_SRCDIR, line);
      fl_tensor_file *f = NULL;
      char err[1024] = "";
      fl_status st = fl_tensor_open (path, NULL, &f, err, sizeof err);
      ck_assert_msg (st != FL_OK && f == NULL, "%s: opened without complaint", line);
      const char *base = strrchr (line, '/') + 1;
      ck_assert_msg (strstr (err, base) && !strchr (err, '\n') && strstr (err, tab + 1),
                     "%s: message '%s', expected it to name the file and say '%s'", line, err,
                     tab + 1);
      n++;
    }
  free (line);
  fclose (fp);
  ck_assert_uint_ge (n, 15);
  printf ("corrupt corpus: %zu GGUF and ONNX files refused with their messages\n", n);
}
END_TEST

static Suite *
suite (void)
{
  Suite *s = suite_create ("onnx_gguf");
  TCase *g = tcase_create ("gguf");
  tcase_add_test (g, test_gguf_tensors);
  tcase_add_test (g, test_gguf_metadata);
  suite_add_tcase (s, g);
  TCase *o = tcase_create ("onnx");
  tcase_set_timeout (o, 120);       /* python3 + onnx start-up */
  tcase_add_test (o, test_onnx_against_onnx);
  tcase_add_test (o, test_onnx_details);
  suite_add_tcase (s, o);
  TCase *c = tcase_create ("corrupt");
  tcase_set_timeout (c, 120);
  tcase_add_test (c, test_corrupt_corpus);
  tcase_add_test (c, test_truncations);
  suite_add_tcase (s, c);
  return s;
}

#else /* FL_TEST_REAL_MODELS */

static char models_dir[900];
static char found_path[4][1024];
static const char *const model_names[4] = {
  "ch_PP-OCRv4_det_infer.onnx", "ch_PP-OCRv4_rec_infer.onnx",
  "ch_ppocr_mobile_v2.0_cls_infer.onnx", "silero_vad_v5.onnx"
};

static int
visit (const char *p, const struct stat *sb, int type, struct FTW *ftw)
{
  if (type == FTW_F)
    for (int i = 0; i < 4; i++)
      if (!found_path[i][0] && strcmp (p + ftw->base, model_names[i]) == 0)
        snprintf (found_path[i], sizeof found_path[i], "%s", p);
  return 0;
}

/* The counts of issue 8, acceptance item 1.  Silero VAD v5's 36 float tensors are its 34
   float Constant nodes and the float value attributes of two ConstantOfShape nodes
   (one 1-element tensor each): 545,286 + 2 = 545,288 values. */
START_TEST (test_real_model)
{
  static const struct { size_t floats; uint64_t values; size_t ints; } want[4] = {
    { 342, 1171841, 0 }, { 309, 2690296, 16 }, { 249, 133664, 1 }, { 36, 545288, 309 }
  };
  int i = _i;
  ref_counts rc = compare_with_onnx (found_path[i]);
  printf ("%s: %zu float tensors (%llu values), %zu integer (%llu values), %zu opaque\n",
          model_names[i], rc.floats, (unsigned long long) rc.float_values, rc.ints,
          (unsigned long long) rc.int_values, rc.opaque);
  ck_assert_uint_eq (rc.floats, want[i].floats);
  ck_assert_uint_eq (rc.float_values, want[i].values);
  ck_assert_uint_eq (rc.ints, want[i].ints);
  ck_assert_uint_eq (rc.opaque, 0);
}
END_TEST

static Suite *
suite (void)
{
  Suite *s = suite_create ("onnx_models");
  TCase *t = tcase_create ("models");
  tcase_set_timeout (t, 300);
  tcase_add_loop_test (t, test_real_model, 0, 4);
  suite_add_tcase (s, t);
  return s;
}
#endif

int
main (void)
{
#ifdef FL_TEST_REAL_MODELS
  const char *d = getenv ("FMTLAB_MODELS_DIR");
  snprintf (models_dir, sizeof models_dir, "%s", d && *d ? d : TOP_SRCDIR "/notebooks-data/cache");
  /* the notebooks-data fetch scripts put them in cache/models/; else anywhere below */
  for (int i = 0; i < 4; i++)
    {
      snprintf (found_path[i], sizeof found_path[i], "%s/models/%s", models_dir, model_names[i]);
      if (access (found_path[i], R_OK) != 0)
        found_path[i][0] = 0;
    }
  nftw (models_dir, visit, 16, FTW_PHYS);
  for (int i = 0; i < 4; i++)
    if (!found_path[i][0])
      {
        printf ("SKIP: %s not found under %s (fetch it with the notebooks-data scripts or set "
                "FMTLAB_MODELS_DIR)\n", model_names[i], models_dir);
        return 77;
      }
#endif
  snprintf (tmpdir, sizeof tmpdir, "/tmp/fmtlab_test_onnx_gguf_XXXXXX");
  if (!mkdtemp (tmpdir))
    {
      perror ("mkdtemp");
      return 99;
    }
  int rc = tu_run (suite ());
  char cmd[300];
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system (cmd) != 0)
    fprintf (stderr, "could not remove %s\n", tmpdir);
  return rc;
}
