/* test_io.c -- the tensor readers and writers (io/).

   Known answers come from outside the code under test: files written at test time by
   /usr/bin/python3 with numpy (the values numpy reads back are written beside them as raw
   little-endian float64, read here with fread), hand-made files whose values are computed
   by hand in the comments, and libfmtlab's exact decode for the narrow float types. */
#include <config.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fmtlab/tensor.h>
#include "testutil.h"

static char tmpdir[256];

static void
make_tmpdir (void)
{
  if (tmpdir[0])
    return;
  snprintf (tmpdir, sizeof tmpdir, "/tmp/fmtlab_test_io_XXXXXX");
  ck_assert_ptr_nonnull (mkdtemp (tmpdir));
}

static void
remove_tmpdir (void)
{
  if (!tmpdir[0])
    return;
  char cmd[300];
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system (cmd) != 0)
    fprintf (stderr, "could not remove %s\n", tmpdir);
}

static const char *
tpath (const char *name)
{
  static char buf[4][512];
  static int k;
  k = (k + 1) % 4;
  snprintf (buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
  return buf[k];
}

static void
write_file (const char *path, const void *data, size_t n)
{
  FILE *fp = fopen (path, "wb");
  ck_assert_ptr_nonnull (fp);
  ck_assert_uint_eq (fwrite (data, 1, n, fp), n);
  ck_assert_int_eq (fclose (fp), 0);
}

/* Read a whole file of little-endian float64 (written by numpy's tofile). */
static double *
read_f64_file (const char *path, size_t *n)
{
  FILE *fp = fopen (path, "rb");
  ck_assert_msg (fp != NULL, "%s: %s", path, strerror (errno));
  fseek (fp, 0, SEEK_END);
  long sz = ftell (fp);
  fseek (fp, 0, SEEK_SET);
  *n = (size_t) sz / 8;
  double *v = malloc (*n * 8 + 8);
  ck_assert_uint_eq (fread (v, 8, *n, fp), *n);
  fclose (fp);
  return v;
}

/* Run a python script (numpy) in the temp dir; the test is skipped-by-failure otherwise. */
static void
run_python (const char *script)
{
  const char *py = tpath ("gen.py");
  write_file (py, script, strlen (script));
  char cmd[1024];
  snprintf (cmd, sizeof cmd, "cd '%s' && /usr/bin/python3 gen.py", tmpdir);
  ck_assert_msg (system (cmd) == 0, "python generator failed: %s", script);
}

static int
same_double (double a, double b)
{
  if (isnan (a) || isnan (b))
    return isnan (a) && isnan (b);
  return a == b && signbit (a) == signbit (b);
}

/* ---- narrow float types against libfmtlab's exact decode ---- */

static void
check_codes (fl_dtype dt, const char *fmt, unsigned bits)
{
  size_t n = (size_t) 1 << bits, es = bits / 8;
  unsigned char *bytes = malloc (n * es);
  for (size_t c = 0; c < n; c++)
    for (size_t b = 0; b < es; b++)
      bytes[c * es + b] = (unsigned char) (c >> (8 * b));     /* little-endian */
  const char *path = tpath ("codes.bin");
  write_file (path, bytes, n * es);
  free (bytes);
  fl_tensor_open_opts o;
  fl_tensor_open_opts_init (&o);
  o.kind = FL_TFILE_RAW;
  o.raw_dtype = dt;
  fl_tensor_file *f;
  char err[512];
  ck_assert_msg (fl_tensor_open (path, &o, &f, err, sizeof err) == FL_OK, "%s", err);
  ck_assert_uint_eq (fl_tensor_file_info (f, 0)->count, n);
  double *d = malloc (n * sizeof *d);
  float *s = malloc (n * sizeof *s);
  ck_assert (fl_tensor_read_doubles (f, 0, 0, n, d, err, sizeof err) == FL_OK);
  ck_assert (fl_tensor_read_floats (f, 0, 0, n, s, err, sizeof err) == FL_OK);
  fl_format *F = tu_parse (fmt);
  mpfr_t v;
  mpfr_init2 (v, 64);
  for (size_t c = 0; c < n; c++)
    {
      fl_class k = fl_decode (F, c, v);
      double want = mpfr_get_d (v, MPFR_RNDN);
      TU_CHECK (mpfr_nan_p (v) || mpfr_cmp_d (v, want) == 0, "not a double");
      TU_CHECK (same_double (d[c], want), "%s code %zx: read %a, decode %a (%s)", fmt, c,
                d[c], want, fl_class_name (k));
      TU_CHECK (same_double (s[c], want), "%s code %zx: read float %a, decode %a", fmt, c,
                (double) s[c], want);
    }
  mpfr_clear (v);
  fl_format_free (F);
  free (d);
  free (s);
  fl_tensor_close (f);
}

START_TEST (test_narrow_floats)
{
  make_tmpdir ();
  check_codes (FL_DT_F16, "fp16", 16);
  check_codes (FL_DT_BF16, "bf16", 16);
  check_codes (FL_DT_F8_E4M3, "e4m3fn", 8);
  check_codes (FL_DT_F8_E5M2, "e5m2", 8);
}
END_TEST

START_TEST (test_dtype_names)
{
  fl_dtype t;
  for (int i = 0; i <= FL_DT_Q4_1; i++)
    {
      const char *n = fl_dtype_name ((fl_dtype) i);
      ck_assert_ptr_nonnull (n);
      ck_assert_int_eq (fl_dtype_parse (n, &t), 0);
      ck_assert_int_eq (t, i);
    }
  ck_assert_ptr_null (fl_dtype_name (FL_DT_OPAQUE));
  ck_assert_int_eq (fl_dtype_parse ("float32", &t), 0);
  ck_assert_int_eq (t, FL_DT_F32);
  ck_assert_int_ne (fl_dtype_parse ("<f4", &t), 0);
  ck_assert_int_ne (fl_dtype_parse ("f33", &t), 0);
  ck_assert_uint_eq (fl_dtype_size (FL_DT_BF16), 2);
  ck_assert_uint_eq (fl_dtype_size (FL_DT_Q8_0), 0);
  ck_assert (fl_dtype_is_float (FL_DT_F8_E5M2) && !fl_dtype_is_float (FL_DT_I8));
  ck_assert (fl_dtype_exact_double (FL_DT_I32) && !fl_dtype_exact_double (FL_DT_U64));
}
END_TEST

/* ---- .npy written by numpy ---- */

/* For every dtype, byte order, version and memory order: X.npy and X.f64 (numpy's values as
   little-endian float64 in C order).  Values: seeded, with the dtype's extremes. */
static const char npy_script[] =
  "import numpy as np\n"
  "rng = np.random.default_rng(8)\n"
  "files = []\n"
  "def save(name, a, version=None):\n"
  "    with open(name + '.npy', 'wb') as f:\n"
  "        np.lib.format.write_array(f, a, version=version)\n"
  "    np.ascontiguousarray(a).astype('<f8').tofile(name + '.f64')\n"
  "    files.append(name)\n"
  "for code in ['f2','f4','f8','i1','i2','i4','i8','u1','u2','u4','u8','b1']:\n"
  "    for order in '<>':\n"
  "        dt = np.dtype(order + code)\n"
  "        shape = (3, 4, 5)\n"
  "        if code == 'b1':\n"
  "            a = rng.integers(0, 2, shape).astype(dt)\n"
  "        elif code[0] == 'f':\n"
  "            a = (rng.standard_normal(shape) * 100).astype(dt)\n"
  "            a.flat[0] = np.finfo(dt).max; a.flat[1] = -np.finfo(dt).tiny\n"
  "            a.flat[2] = np.inf; a.flat[3] = np.nan; a.flat[4] = -0.0\n"
  "            a.flat[5] = np.finfo(dt).smallest_subnormal\n"
  "        else:\n"
  "            ii = np.iinfo(dt)\n"
  "            a = rng.integers(ii.min, ii.max, shape, endpoint=True, dtype=dt.newbyteorder('='))\n"
  "            a = a.astype(dt); a.flat[0] = ii.max; a.flat[1] = ii.min\n"
  "        tag = code + ('le' if order == '<' else 'be')\n"
  "        save('c_' + tag, a)\n"
  "        save('f_' + tag, np.asfortranarray(a))\n"
  "for v in [(1, 0), (2, 0), (3, 0)]:\n"
  "    save('v%d_f4' % v[0], np.arange(-7, 17, dtype='<f4').reshape(2, 3, 4) / 8, v)\n"
  "save('scalar', np.array(2.5))\n"
  "save('empty', np.zeros((0, 3), dtype='<f4'))\n"
  "save('f_1d', np.asfortranarray(np.arange(5.0)))\n"
  "open('list.txt', 'w').write('\\n'.join(files))\n";

static void
check_npy (const char *stem)
{
  char npy[600], f64[600], err[512];
  snprintf (npy, sizeof npy, "%s/%s.npy", tmpdir, stem);
  snprintf (f64, sizeof f64, "%s/%s.f64", tmpdir, stem);
  size_t n;
  double *want = read_f64_file (f64, &n);
  fl_tensor_file *f;
  ck_assert_msg (fl_tensor_open (npy, NULL, &f, err, sizeof err) == FL_OK, "%s", err);
  ck_assert_int_eq (fl_tensor_file_kind (f), FL_TFILE_NPY);
  ck_assert_uint_eq (fl_tensor_file_count (f), 1);
  const fl_tensor_info *in = fl_tensor_file_info (f, 0);
  ck_assert_str_eq (in->name, stem);
  ck_assert_uint_eq (in->count, n);
  double *got = malloc ((n + 1) * sizeof *got);
  /* in three chunks, so that chunked reads of Fortran-ordered data are covered */
  uint64_t a = n / 3, b = 2 * n / 3;
  ck_assert_msg (fl_tensor_read_doubles (f, 0, 0, a, got, err, sizeof err) == FL_OK, "%s", err);
  ck_assert (fl_tensor_read_doubles (f, 0, a, b - a, got + a, err, sizeof err) == FL_OK);
  ck_assert (fl_tensor_read_doubles (f, 0, b, n - b, got + b, err, sizeof err) == FL_OK);
  for (size_t i = 0; i < n; i++)
    TU_CHECK (same_double (got[i], want[i]), "%s[%zu]: read %a, numpy %a", stem, i, got[i],
              want[i]);
  float *gf = malloc ((n + 1) * sizeof *gf);
  ck_assert (fl_tensor_read_floats (f, 0, 0, n, gf, err, sizeof err) == FL_OK);
  for (size_t i = 0; i < n; i++)
    TU_CHECK (same_double (gf[i], (float) want[i]), "%s[%zu]: read float %a, numpy %a", stem,
              i, (double) gf[i], want[i]);
  /* one past the end is refused */
  ck_assert_int_eq (fl_tensor_read_doubles (f, 0, n, 1, got, err, sizeof err), FL_ERANGE);
  free (got);
  free (gf);
  free (want);
  fl_tensor_close (f);
}

START_TEST (test_npy_numpy)
{
  make_tmpdir ();
  run_python (npy_script);
  char list[600], line[256];
  snprintf (list, sizeof list, "%s/list.txt", tmpdir);
  FILE *fp = fopen (list, "r");
  ck_assert_ptr_nonnull (fp);
  int files = 0;
  while (fgets (line, sizeof line, fp))
    {
      line[strcspn (line, "\n")] = 0;
      if (line[0])
        {
          check_npy (line);
          files++;
        }
    }
  fclose (fp);
  ck_assert_int_eq (files, 12 * 2 * 2 + 3 + 3);
  /* shapes as numpy wrote them */
  fl_tensor_file *f;
  char err[512];
  ck_assert (fl_tensor_open (tpath ("v3_f4.npy"), NULL, &f, err, sizeof err) == FL_OK);
  const fl_tensor_info *in = fl_tensor_file_info (f, 0);
  ck_assert_int_eq (in->ndim, 3);
  ck_assert (in->shape[0] == 2 && in->shape[1] == 3 && in->shape[2] == 4);
  ck_assert_str_eq (in->dtype_name, "<f4");
  ck_assert_int_eq (in->dtype, FL_DT_F32);
  fl_tensor_close (f);
  ck_assert (fl_tensor_open (tpath ("scalar.npy"), NULL, &f, err, sizeof err) == FL_OK);
  ck_assert_int_eq (fl_tensor_file_info (f, 0)->ndim, 0);
  ck_assert_uint_eq (fl_tensor_file_info (f, 0)->count, 1);
  fl_tensor_close (f);
}
END_TEST

/* ---- selection ---- */

START_TEST (test_spec_split)
{
  make_tmpdir ();
  const char *p = tpath ("a:b.npy");
  write_file (p, "x", 1);
  char spec[600], *path, *glob, err[512];
  snprintf (spec, sizeof spec, "%s", p);
  ck_assert (fl_tensor_spec_split (spec, &path, &glob, err, sizeof err) == FL_OK);
  ck_assert_str_eq (path, p);
  ck_assert_ptr_null (glob);
  free (path);
  snprintf (spec, sizeof spec, "%s:layer.*:x", p);
  ck_assert (fl_tensor_spec_split (spec, &path, &glob, err, sizeof err) == FL_OK);
  ck_assert_str_eq (path, p);
  ck_assert_str_eq (glob, "layer.*:x");
  free (path);
  free (glob);
  snprintf (spec, sizeof spec, "%s/nonexistent:x", tmpdir);
  ck_assert (fl_tensor_spec_split (spec, &path, &glob, err, sizeof err) == FL_EINVAL);
  ck_assert (strstr (err, "no such file") != NULL);
  ck_assert (fl_tensor_name_match (NULL, "anything"));
  ck_assert (fl_tensor_name_match ("layers.*.weight", "layers.0/attn.weight"));
  ck_assert (!fl_tensor_name_match ("layers.?.weight", "layers.10.weight"));
}
END_TEST

static Suite *
suite (void)
{
  Suite *s = suite_create ("io");
  TCase *t = tcase_create ("core");
  tcase_set_timeout (t, 120);
  tcase_add_test (t, test_dtype_names);
  tcase_add_test (t, test_narrow_floats);
  tcase_add_test (t, test_spec_split);
  suite_add_tcase (s, t);
  TCase *n = tcase_create ("npy");
  tcase_set_timeout (n, 120);
  tcase_add_test (n, test_npy_numpy);
  suite_add_tcase (s, n);
  return s;
}

int
main (void)
{
  snprintf (tmpdir, sizeof tmpdir, "/tmp/fmtlab_test_io_XXXXXX");
  if (!mkdtemp (tmpdir))
    {
      perror ("mkdtemp");
      return 99;
    }
  int rc = tu_run (suite ());
  remove_tmpdir ();
  return rc;
}
