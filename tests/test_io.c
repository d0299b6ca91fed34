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
#include <dirent.h>
#include <fmtlab/tensor.h>
#include "testutil.h"
#include "../io/reader-impl.h"   /* to hand-make GGUF-style block tensors */

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

/* ---- the .npy preamble, alone and as an .npz member: one reading, one message ---- */

/* The .npy format (numpy's NEP 1): magic, major and minor version, then the header length
   in 2 bytes little-endian (version 1.0) or 4 (2.0 and 3.0). */
static const char preamble_script[] =
  "import numpy as np, io, zipfile\n"
  "b = io.BytesIO(); np.save(b, np.arange(5, dtype='<f4')); b = b.getvalue()\n"
  "cases = {'v7': b[:6] + bytes([7, 0]) + b[8:],\n"
  "         'v1short': b[:9],\n"
  "         'v2short': b[:6] + bytes([2, 0]) + b'\\x10\\x00\\x00',\n"
  "         'v2huge': b[:6] + bytes([2, 0]) + b'\\xff\\xff\\xff\\xff' + b'{' * 64}\n"
  "for k, v in cases.items():\n"
  "    open(k + '.npy', 'wb').write(v)\n"
  "    with zipfile.ZipFile(k + '.npz', 'w', zipfile.ZIP_STORED) as z: z.writestr('x.npy', v)\n";

/* Open FILE and read its tensors: the error message after "PATH: " (and "tensor 'x': "). */
static void
open_error (const char *file, char *msg, size_t size)
{
  char err[512] = "";
  fl_tensor_file *f;
  fl_status st = fl_tensor_open (tpath (file), NULL, &f, err, sizeof err);
  if (st == FL_OK)
    {
      double buf[8];
      for (size_t i = 0; st == FL_OK && i < fl_tensor_file_count (f); i++)
        st = fl_tensor_read_doubles (f, i, 0, 1, buf, err, sizeof err);
      fl_tensor_close (f);
    }
  ck_assert_msg (st != FL_OK, "%s: read without an error", file);
  const char *m = strstr (err, ": ");
  ck_assert_msg (m != NULL, "%s: '%s'", file, err);
  m += 2;
  if (strncmp (m, "tensor 'x': ", 12) == 0)
    m += 12;
  snprintf (msg, size, "%s", m);
}

START_TEST (test_npy_preamble)
{
  static const struct { const char *name, *message; } cases[] = {
    { "v7", "unsupported .npy version 7.0 (1.0, 2.0 and 3.0 are read)" },
    { "v1short", "truncated in the header length" },     /* 9 bytes: 1 of 2 length bytes */
    { "v2short", "truncated in the header length" },     /* 11 bytes: 3 of 4 */
    { "v2huge", "header length 4294967295 beyond the limit of 1048576 bytes" },
  };
  run_python (preamble_script);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      char file[64], npy[512], npz[512];
      snprintf (file, sizeof file, "%s.npy", cases[i].name);
      open_error (file, npy, sizeof npy);
      snprintf (file, sizeof file, "%s.npz", cases[i].name);
      open_error (file, npz, sizeof npz);
      TU_CHECK (strcmp (npy, cases[i].message) == 0, "%s.npy: '%s', expected '%s'",
                cases[i].name, npy, cases[i].message);
      TU_CHECK (strcmp (npz, cases[i].message) == 0, "%s.npz: '%s', expected '%s'",
                cases[i].name, npz, cases[i].message);
    }
}
END_TEST

/* ---- .npz written by numpy: stored and deflated ---- */

static const char npz_script[] =
  "import numpy as np\n"
  "rng = np.random.default_rng(88)\n"
  "arrs = {'w': rng.standard_normal((7, 9)).astype('<f4'),\n"
  "        'b': np.asfortranarray(rng.integers(-99, 99, (4, 5)).astype('>i2')),\n"
  "        'h': (rng.standard_normal(100) * 1e3).astype('<f2'),\n"
  "        'z': np.zeros((0,), dtype='<f8')}\n"
  "np.savez('stored.npz', **arrs)\n"
  "np.savez_compressed('deflated.npz', **arrs)\n"
  "for k, a in arrs.items():\n"
  "    np.ascontiguousarray(a).astype('<f8').tofile(k + '.f64')\n";

static void
check_npz (const char *file)
{
  char err[512];
  fl_tensor_file *f;
  ck_assert_msg (fl_tensor_open (tpath (file), NULL, &f, err, sizeof err) == FL_OK, "%s", err);
  ck_assert_int_eq (fl_tensor_file_kind (f), FL_TFILE_NPZ);
  ck_assert_uint_eq (fl_tensor_file_count (f), 4);
  /* twice over, alternating members: each load releases the member read before */
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < 4; i++)
      {
        const fl_tensor_info *in = fl_tensor_file_info (f, (i * 3 + (size_t) pass) % 4);
        size_t idx = (i * 3 + (size_t) pass) % 4, n;
        char stem[64];
        snprintf (stem, sizeof stem, "%s.f64", in->name);
        double *want = read_f64_file (tpath (stem), &n);
        ck_assert_uint_eq (in->count, n);
        double *got = malloc ((n + 1) * sizeof *got);
        ck_assert_msg (fl_tensor_read_doubles (f, idx, 0, n, got, err, sizeof err) == FL_OK,
                       "%s", err);
        for (size_t k = 0; k < n; k++)
          TU_CHECK (same_double (got[k], want[k]), "%s %s[%zu]: %a, numpy %a", file,
                    in->name, k, got[k], want[k]);
        free (got);
        free (want);
      }
  fl_tensor_close (f);
}

START_TEST (test_npz_numpy)
{
  run_python (npz_script);
  check_npz ("stored.npz");
  check_npz ("deflated.npz");
}
END_TEST

/* ---- safetensors made by hand ---- */

static void
write_safetensors (const char *path, const char *json, const void *data, size_t n)
{
  size_t h = strlen (json);
  unsigned char *b = malloc (8 + h + n);
  for (int i = 0; i < 8; i++)
    b[i] = (unsigned char) ((uint64_t) h >> (8 * i));
  memcpy (b + 8, json, h);
  memcpy (b + 8 + h, data, n);
  write_file (path, b, 8 + h + n);
  free (b);
}

START_TEST (test_safetensors_dtypes)
{
  /* each tensor: two elements whose bytes and values are worked out in the comments */
  static const struct
  {
    const char *dtype;
    unsigned char bytes[16];
    size_t size;
    double v0, v1;
  } c[] = {
    { "F64", { 0, 0, 0, 0, 0, 0, 0xf8, 0x3f, 0, 0, 0, 0, 0, 0, 0x02, 0xc0 }, 8, 1.5, -2.25 },
    { "F32", { 0, 0, 0x80, 0x3f, 1, 0, 0, 0 }, 4, 1.0, 0x1p-149 },   /* 1, least subnormal */
    { "F16", { 0x00, 0x3c, 0x01, 0x80 }, 2, 1.0, -0x1p-24 },         /* 1, -least subnormal */
    { "BF16", { 0x80, 0x3f, 0x40, 0xc0 }, 2, 1.0, -3.0 },            /* 3f80, c040 */
    { "F8_E4M3", { 0x7e, 0x01 }, 1, 448.0, 0x1p-9 },   /* S.1111.110 = 1.75*2^8; 2^-6 * 1/8 */
    { "F8_E5M2", { 0x7b, 0x83 }, 1, 57344.0, -0x3p-16 }, /* 1.75*2^15; -(3/4) 2^-14 */
    { "I64", { 1, 0, 0, 0, 0, 0, 0x20, 0, 0xfb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 8,
      0x1p53, -5.0 },                  /* 2^53 + 1: a tie, rounded to the even 2^53 */
    { "I32", { 0, 0, 0, 0x80, 0xff, 0xff, 0xff, 0x7f }, 4, -2147483648.0, 2147483647.0 },
    { "I16", { 0, 0x80, 0xff, 0x7f }, 2, -32768.0, 32767.0 },
    { "I8", { 0x80, 0x7f }, 1, -128.0, 127.0 },
    { "U64", { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 7, 0, 0, 0, 0, 0, 0, 0 }, 8,
      0x1p64, 7.0 },                   /* 2^64 - 1 rounds up to 2^64 */
    { "U32", { 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0 }, 4, 4294967295.0, 0.0 },
    { "U16", { 0xff, 0xff, 0x34, 0x12 }, 2, 65535.0, 4660.0 },
    { "U8", { 0xff, 0x00 }, 1, 255.0, 0.0 },
    { "BOOL", { 1, 0 }, 1, 1.0, 0.0 },
  };
  size_t nt = sizeof c / sizeof c[0];
  char json[8192];
  unsigned char data[512];
  size_t len = 0, off = 0;
  len += (size_t) snprintf (json + len, sizeof json - len,
                            "{\"__metadata__\": {\"format\": \"pt\"}");
  /* written in reverse, so that the listing (by data offset) differs from the JSON order */
  for (size_t i = nt; i-- > 0;)
    {
      len += (size_t) snprintf (json + len, sizeof json - len,
                                ", \"t_%s\": {\"dtype\": \"%s\", \"shape\": [2], "
                                "\"data_offsets\": [%zu, %zu]}", c[i].dtype, c[i].dtype, off,
                                off + 2 * c[i].size);
      memcpy (data + off, c[i].bytes, 2 * c[i].size);
      off += 2 * c[i].size;
    }
  len += (size_t) snprintf (json + len, sizeof json - len,
                            ", \"opaque\": {\"dtype\": \"F8_E8M0\", \"shape\": [1, 3], "
                            "\"data_offsets\": [%zu, %zu]}}", off, off + 3);
  memset (data + off, 0x7f, 3);
  off += 3;
  const char *path = tpath ("hand.safetensors");
  write_safetensors (path, json, data, off);
  fl_tensor_file *f;
  char err[512];
  ck_assert_msg (fl_tensor_open (path, NULL, &f, err, sizeof err) == FL_OK, "%s", err);
  ck_assert_int_eq (fl_tensor_file_kind (f), FL_TFILE_SAFETENSORS);
  ck_assert_uint_eq (fl_tensor_file_count (f), nt + 1);
  ck_assert_str_eq (fl_tensor_file_metadata_json (f), "{\"format\":\"pt\"}");
  for (size_t k = 0; k < nt; k++)
    {
      size_t i = nt - 1 - k;             /* listed by data offset */
      const fl_tensor_info *in = fl_tensor_file_info (f, k);
      char name[32];
      snprintf (name, sizeof name, "t_%s", c[i].dtype);
      ck_assert_str_eq (in->name, name);
      ck_assert_str_eq (in->dtype_name, c[i].dtype);
      ck_assert (in->readable && in->count == 2 && in->ndim == 1);
      double v[2];
      ck_assert_msg (fl_tensor_read_doubles (f, k, 0, 2, v, err, sizeof err) == FL_OK, "%s",
                     err);
      TU_CHECK (same_double (v[0], c[i].v0) && same_double (v[1], c[i].v1),
                "%s: read %a %a, expected %a %a", c[i].dtype, v[0], v[1], c[i].v0, c[i].v1);
    }
  const fl_tensor_info *op = fl_tensor_file_info (f, nt);
  ck_assert_str_eq (op->name, "opaque");
  ck_assert_str_eq (op->dtype_name, "F8_E8M0");
  ck_assert (!op->readable && op->dtype == FL_DT_OPAQUE && op->count == 3 && op->nbytes == 3);
  double v[3];
  ck_assert_int_eq (fl_tensor_read_doubles (f, nt, 0, 3, v, err, sizeof err),
                    FL_EUNSUPPORTED);
  ck_assert (strstr (err, "opaque") && strstr (err, "F8_E8M0"));
  fl_tensor_close (f);
}
END_TEST

/* ---- llama.cpp blocks (as the GGUF reader hands them over) ---- */

static const unsigned char *
q_bytes (fl_dtype t, size_t *n)
{
  static unsigned char b[2 * 34];
  memset (b, 0, sizeof b);
  if (t == FL_DT_Q8_0)
    {
      /* block 0: d = fp16 0x3800 = 0.5, q = 0, 1, -1, 127, -128, then k - 16;
         block 1: d = 0x0001 = 2^-24 (subnormal), q = -3 everywhere */
      b[0] = 0x00, b[1] = 0x38;
      signed char q0[32] = { 0, 1, -1, 127, -128 };
      for (int k = 5; k < 32; k++)
        q0[k] = (signed char) (k - 16);
      memcpy (b + 2, q0, 32);
      b[34] = 0x01, b[35] = 0x00;
      memset (b + 36, 0xfd, 32);
      *n = 68;
    }
  else if (t == FL_DT_Q4_0)
    {
      /* d = 0x4000 = 2; byte j = j | (15 - j) << 4: element j = (j - 8) 2, element
         j + 16 = (15 - j - 8) 2 = (7 - j) 2 */
      b[0] = 0x00, b[1] = 0x40;
      for (int j = 0; j < 16; j++)
        b[2 + j] = (unsigned char) (j | (15 - j) << 4);
      *n = 18;
    }
  else
    {
      /* d = 0x3400 = 0.25, m = 0x4900 = 10; every byte 0x5a: element j < 16 = 10 d + m =
         12.5, element j >= 16 = 5 d + m = 11.25 */
      b[0] = 0x00, b[1] = 0x34, b[2] = 0x00, b[3] = 0x49;
      memset (b + 4, 0x5a, 16);
      *n = 20;
    }
  return b;
}

static double
q_expected (fl_dtype t, int k)
{
  if (t == FL_DT_Q8_0)
    {
      static const double first[5] = { 0, 0.5, -0.5, 63.5, -64 };
      if (k < 5)
        return first[k];
      if (k < 32)
        return (k - 16) * 0.5;
      return -3 * 0x1p-24;
    }
  if (t == FL_DT_Q4_0)
    return k < 16 ? (k - 8) * 2.0 : (7 - (k - 16)) * 2.0;
  return k < 16 ? 12.5 : 11.25;
}

START_TEST (test_ggml_blocks)
{
  static const fl_dtype types[3] = { FL_DT_Q8_0, FL_DT_Q4_0, FL_DT_Q4_1 };
  for (int ti = 0; ti < 3; ti++)
    {
      fl_dtype t = types[ti];
      size_t nb;
      const unsigned char *bytes = q_bytes (t, &nb);
      fl_tensor_file *f = calloc (1, sizeof *f);
      f->path = strdup ("hand-made");
      char err[512];
      uint64_t count = t == FL_DT_Q8_0 ? 64 : 32, shape[2] = { count / 16, 16 };
      fl_tensor_entry *e;
      ck_assert (fl_io_add (f, "q", t, "Q", 2, shape, &e, err, sizeof err) == FL_OK);
      e->info.nbytes = nb;
      e->data = bytes;
      double v[64];
      float fv[64];
      ck_assert_msg (fl_tensor_read_doubles (f, 0, 0, count, v, err, sizeof err) == FL_OK,
                     "%s", err);
      ck_assert (fl_tensor_read_floats (f, 0, 0, count, fv, err, sizeof err) == FL_OK);
      for (int k = 0; k < (int) count; k++)
        {
          TU_CHECK (v[k] == q_expected (t, k), "%s[%d]: %a, expected %a", fl_dtype_name (t),
                    k, v[k], q_expected (t, k));
          TU_CHECK (fv[k] == (float) q_expected (t, k), "%s[%d] float", fl_dtype_name (t), k);
        }
      /* a range that starts and ends inside blocks */
      ck_assert (fl_tensor_read_doubles (f, 0, 3, count - 5, v, err, sizeof err) == FL_OK);
      for (int k = 3; k < (int) count - 2; k++)
        TU_CHECK (v[k - 3] == q_expected (t, k), "%s[%d] in a sub-range", fl_dtype_name (t), k);
      /* a byte size that does not match the blocks */
      e->info.nbytes = nb - 1;
      ck_assert_int_eq (fl_tensor_read_doubles (f, 0, 0, 1, v, err, sizeof err), FL_EINVAL);
      ck_assert (strstr (err, "hand-made: tensor 'q':") == err);
      e->data = NULL;         /* the mapping is not the file's: nothing to unmap */
      fl_tensor_close (f);
    }
}
END_TEST

/* ---- raw and text ---- */

START_TEST (test_raw)
{
  /* 5 header bytes, then the little-endian int16 values -1 2 -3 4 -5 6 */
  unsigned char b[5 + 12] = { 'h', 'e', 'a', 'd', '!' };
  int16_t v[6] = { -1, 2, -3, 4, -5, 6 };
  for (int i = 0; i < 6; i++)
    b[5 + 2 * i] = (unsigned char) (v[i] & 0xff), b[6 + 2 * i] = (unsigned char) ((uint16_t) v[i] >> 8);
  const char *path = tpath ("w.bin");
  write_file (path, b, sizeof b);
  fl_tensor_open_opts o;
  fl_tensor_open_opts_init (&o);
  o.raw_dtype = FL_DT_I16;      /* kind AUTO with a dtype: raw */
  o.raw_offset = 5;
  o.raw_ndim = 2;
  o.raw_shape[0] = 2;
  o.raw_shape[1] = 3;
  fl_tensor_file *f;
  char err[512];
  ck_assert_msg (fl_tensor_open (path, &o, &f, err, sizeof err) == FL_OK, "%s", err);
  ck_assert_int_eq (fl_tensor_file_kind (f), FL_TFILE_RAW);
  const fl_tensor_info *in = fl_tensor_file_info (f, 0);
  ck_assert_str_eq (in->name, "w");
  ck_assert (in->ndim == 2 && in->shape[0] == 2 && in->shape[1] == 3);
  double d[6];
  ck_assert (fl_tensor_read_doubles (f, 0, 0, 6, d, err, sizeof err) == FL_OK);
  for (int i = 0; i < 6; i++)
    ck_assert (d[i] == v[i]);
  fl_tensor_close (f);
  o.raw_ndim = 0;               /* as many as the file holds: 12 bytes, 6 elements */
  ck_assert (fl_tensor_open (path, &o, &f, err, sizeof err) == FL_OK);
  ck_assert_uint_eq (fl_tensor_file_info (f, 0)->count, 6);
  fl_tensor_close (f);
  o.raw_offset = 4;             /* 13 bytes: not whole elements */
  ck_assert (fl_tensor_open (path, &o, &f, err, sizeof err) == FL_EINVAL);
  ck_assert (strstr (err, "13 bytes") != NULL);
}
END_TEST

START_TEST (test_text)
{
  const char *m = tpath ("m.csv");
  const char *txt = "# a 3 x 2 matrix\n1, 2\n  0x1.8p1 ,-4e-1 # hexfloat and decimal\n\n"
                    "nan,-inf\r\n";
  write_file (m, txt, strlen (txt));
  fl_tensor_file *f;
  char err[512];
  ck_assert_msg (fl_tensor_open (m, NULL, &f, err, sizeof err) == FL_OK, "%s", err);
  const fl_tensor_info *in = fl_tensor_file_info (f, 0);
  ck_assert_str_eq (in->name, "m");
  ck_assert (in->ndim == 2 && in->shape[0] == 3 && in->shape[1] == 2);
  double d[6];
  ck_assert (fl_tensor_read_doubles (f, 0, 0, 6, d, err, sizeof err) == FL_OK);
  ck_assert (d[0] == 1 && d[1] == 2 && d[2] == 3 && d[3] == -0.4 && isnan (d[4])
             && d[5] == -INFINITY);
  fl_tensor_close (f);
  /* ragged lines: a vector */
  const char *r = tpath ("ragged.txt");
  write_file (r, "1 2 3\n4\n", 8);
  ck_assert (fl_tensor_open (r, NULL, &f, err, sizeof err) == FL_OK);
  in = fl_tensor_file_info (f, 0);
  ck_assert (in->ndim == 1 && in->shape[0] == 4);
  fl_tensor_close (f);
  /* errors name the line */
  const char *bad = tpath ("bad.txt");
  write_file (bad, "1 2\n3 4\n5 6q\n", 13);
  ck_assert_int_eq (fl_tensor_open (bad, NULL, &f, err, sizeof err), FL_EINVAL);
  ck_assert_msg (strstr (err, "line 3: malformed number '6q'") != NULL, "%s", err);
  /* the line-length cap (1 MiB) */
  size_t big = (1u << 20) + 10;
  char *l = malloc (big);
  for (size_t i = 0; i < big; i += 2)
    l[i] = '1', l[i + 1] = ' ';
  write_file (bad, l, big);
  free (l);
  ck_assert_int_eq (fl_tensor_open (bad, NULL, &f, err, sizeof err), FL_EINVAL);
  ck_assert_msg (strstr (err, "line 1: longer than") != NULL, "%s", err);
}
END_TEST

/* ---- writers ---- */

static const char writer_check_script[] =
  "import json, struct, numpy as np\n"
  "a = np.load('out.npy')\n"
  "assert a.dtype == np.dtype('<i2') and a.shape == (2, 3), (a.dtype, a.shape)\n"
  "a.astype('<f8').tofile('out_npy.f64')\n"
  "b = open('out.safetensors', 'rb').read()\n"
  "n = struct.unpack('<Q', b[:8])[0]\n"
  "h = json.loads(b[8:8 + n])\n"
  "assert n % 8 == 0\n"
  "data = b[8 + n:]\n"
  "out = []\n"
  "for name in ['x', 'y']:\n"
  "    t = h[name]\n"
  "    dt = {'F32': '<f4', 'BF16': '<u2'}[t['dtype']]\n"
  "    v = np.frombuffer(data[t['data_offsets'][0]:t['data_offsets'][1]], dtype=dt)\n"
  "    if t['dtype'] == 'BF16':\n"
  "        v = (v.astype('<u4') << 16).view('<f4')\n"
  "    out.append(v.astype('<f8').reshape(t['shape']).ravel())\n"
  "np.concatenate(out).tofile('out_st.f64')\n";

START_TEST (test_writers)
{
  char err[512];
  fl_tensor_writer *w;
  int16_t i16[6] = { -7, 0, 7, 300, -300, 32767 };
  uint64_t shape[2] = { 2, 3 };
  ck_assert (fl_tensor_writer_open (tpath ("out.npy"), FL_TFILE_AUTO, &w, err, sizeof err)
             == FL_OK);
  ck_assert (fl_tensor_writer_add (w, "a", FL_DT_I16, 2, shape, i16, err, sizeof err) == FL_OK);
  ck_assert_int_eq (fl_tensor_writer_add (w, "b", FL_DT_I16, 2, shape, i16, err, sizeof err),
                    FL_EINVAL);
  ck_assert_msg (fl_tensor_writer_commit (w, err, sizeof err) == FL_OK, "%s", err);
  float x[3] = { 1.5f, -0.0f, 3e38f };
  uint16_t y[2] = { 0x3f80, 0xc040 };         /* bf16: 1 and -3 */
  ck_assert (fl_tensor_writer_open (tpath ("out.safetensors"), FL_TFILE_AUTO, &w, err,
                                    sizeof err) == FL_OK);
  uint64_t s3 = 3, s2 = 2;
  ck_assert (fl_tensor_writer_add (w, "x", FL_DT_F32, 1, &s3, x, err, sizeof err) == FL_OK);
  ck_assert (fl_tensor_writer_add (w, "y", FL_DT_BF16, 1, &s2, y, err, sizeof err) == FL_OK);
  ck_assert_int_eq (fl_tensor_writer_add (w, "x", FL_DT_F32, 1, &s3, x, err, sizeof err),
                    FL_EINVAL);
  ck_assert_msg (fl_tensor_writer_commit (w, err, sizeof err) == FL_OK, "%s", err);
  run_python (writer_check_script);
  size_t n;
  double *v = read_f64_file (tpath ("out_npy.f64"), &n);
  ck_assert_uint_eq (n, 6);
  for (int i = 0; i < 6; i++)
    ck_assert (v[i] == i16[i]);
  free (v);
  v = read_f64_file (tpath ("out_st.f64"), &n);
  ck_assert_uint_eq (n, 5);
  ck_assert (v[0] == 1.5 && v[1] == 0 && signbit (v[1]) && v[2] == (double) 3e38f
             && v[3] == 1 && v[4] == -3);
  free (v);
  /* and read back by our own reader */
  fl_tensor_file *f;
  ck_assert (fl_tensor_open (tpath ("out.safetensors"), NULL, &f, err, sizeof err) == FL_OK);
  ck_assert_uint_eq (fl_tensor_file_count (f), 2);
  ck_assert_str_eq (fl_tensor_file_info (f, 1)->dtype_name, "BF16");
  fl_tensor_close (f);
  /* abort and failures leave nothing behind */
  ck_assert (fl_tensor_writer_open (tpath ("gone.safetensors"), FL_TFILE_AUTO, &w, err,
                                    sizeof err) == FL_OK);
  ck_assert (fl_tensor_writer_add (w, "x", FL_DT_F32, 1, &s3, x, err, sizeof err) == FL_OK);
  fl_tensor_writer_abort (w);
  ck_assert (fl_tensor_writer_open (tpath ("gone.npy"), FL_TFILE_AUTO, &w, err, sizeof err)
             == FL_OK);
  ck_assert_int_eq (fl_tensor_writer_add (w, "y", FL_DT_BF16, 1, &s2, y, err, sizeof err),
                    FL_EINVAL);
  ck_assert (strstr (err, "bf16") != NULL);
  ck_assert_int_eq (fl_tensor_writer_commit (w, err, sizeof err), FL_EINVAL);
  ck_assert_int_eq (fl_tensor_writer_open (tpath ("gone.txt"), FL_TFILE_AUTO, &w, err,
                                           sizeof err), FL_EINVAL);
  DIR *d = opendir (tmpdir);
  struct dirent *de;
  while ((de = readdir (d)))
    TU_CHECK (strncmp (de->d_name, "gone", 4) != 0, "left behind: %s", de->d_name);
  closedir (d);
}
END_TEST

/* ---- the corrupt corpus: every file fails cleanly ---- */

/* Parse FILE.args ("--dtype D [--shape A,B] [--offset O]") into o. */
static void
raw_args (const char *path, fl_tensor_open_opts *o)
{
  char a[600], line[256];
  snprintf (a, sizeof a, "%.*s.args", (int) (strlen (path) - 4), path);
  FILE *fp = fopen (a, "r");
  ck_assert_msg (fp != NULL, "%s: no .args", path);
  ck_assert (fgets (line, sizeof line, fp) != NULL);
  fclose (fp);
  fl_tensor_open_opts_init (o);
  o->kind = FL_TFILE_RAW;
  for (char *t = strtok (line, " \n"); t; t = strtok (NULL, " \n"))
    {
      char *v = strtok (NULL, " \n");
      ck_assert (v != NULL);
      if (strcmp (t, "--dtype") == 0)
        ck_assert (fl_dtype_parse (v, &o->raw_dtype) == 0);
      else if (strcmp (t, "--offset") == 0)
        o->raw_offset = strtoull (v, NULL, 10);
      else if (strcmp (t, "--shape") == 0)
        for (char *q = v; *q; q += *q == ',')
          o->raw_shape[o->raw_ndim++] = strtoull (q, &q, 10);
    }
}

static const char *const corpus_dirs[] = { "npy", "npz", "safetensors", "raw", "text" };

START_TEST (test_corpus)
{
  int files = 0;
  for (size_t di = 0; di < sizeof corpus_dirs / sizeof corpus_dirs[0]; di++)
    {
      char dir[600];
      snprintf (dir, sizeof dir, "%s/tests/data/corrupt/%s", TOP_SRCDIR, corpus_dirs[di]);
      DIR *d = opendir (dir);
      ck_assert_msg (d != NULL, "%s: %s", dir, strerror (errno));
      struct dirent *de;
      while ((de = readdir (d)))
        {
          size_t nl = strlen (de->d_name);
          if (de->d_name[0] == '.' || (nl > 5 && strcmp (de->d_name + nl - 5, ".args") == 0))
            continue;
          char path[1024], err[512] = "";
          snprintf (path, sizeof path, "%s/%s", dir, de->d_name);
          fl_tensor_open_opts o, *op = NULL;
          if (strcmp (corpus_dirs[di], "raw") == 0)
            raw_args (path, op = &o);
          fl_tensor_file *f;
          fl_status st = fl_tensor_open (path, op, &f, err, sizeof err);
          int opened = st == FL_OK;
          /* a file that opens must fail when its tensors are read */
          for (size_t i = 0; st == FL_OK && i < fl_tensor_file_count (f); i++)
            {
              const fl_tensor_info *in = fl_tensor_file_info (f, i);
              double buf[256];
              for (uint64_t k = 0; st == FL_OK && k < in->count; k += 256)
                st = fl_tensor_read_doubles (f, i, k, in->count - k < 256 ? in->count - k : 256,
                                             buf, err, sizeof err);
            }
          if (opened)
            fl_tensor_close (f);
          TU_CHECK (st != FL_OK, "%s: read without an error", path);
          TU_CHECK (strncmp (err, path, strlen (path)) == 0 && err[strlen (path)] == ':'
                    && strlen (err) > strlen (path) + 5, "%s: message '%s' does not name the "
                    "file", path, err);
          for (const char *c = err; *c; c++)
            TU_CHECK ((unsigned char) *c >= 0x20 && *c != 0x7f, "%s: control byte in '%s'",
                      path, err);
          printf ("%s\n", err);
          files++;
        }
      closedir (d);
    }
  ck_assert_int_ge (files, 25);
}
END_TEST

/* ---- open errors ---- */

START_TEST (test_open_errors)
{
  fl_tensor_file *f;
  char err[512], path[600];
  snprintf (path, sizeof path, "%s/missing.npy", tmpdir);
  ck_assert_int_eq (fl_tensor_open (path, NULL, &f, err, sizeof err), FL_EINVAL);
  ck_assert_msg (strstr (err, "missing.npy: cannot open: No such file") != NULL, "%s", err);
  ck_assert_int_eq (fl_tensor_open (tmpdir, NULL, &f, err, sizeof err), FL_EINVAL);
  ck_assert_msg (strstr (err, ": not a regular file") != NULL, "%s", err);
  /* binary content, no known magic or extension, no dtype */
  const char *b = tpath ("blob.bin");
  write_file (b, "\x01\x02\x03\xff", 4);
  ck_assert_int_eq (fl_tensor_open (b, NULL, &f, err, sizeof err), FL_EINVAL);
  ck_assert_msg (strstr (err, "blob.bin: unknown file type") != NULL, "%s", err);
  /* control bytes of a file name are escaped: the message stays on one line */
  const char *n = tpath ("bad\nname.npy");
  write_file (n, "\x93NUMPY\x01", 7);
  ck_assert_int_eq (fl_tensor_open (n, NULL, &f, err, sizeof err), FL_EINVAL);
  ck_assert_msg (strstr (err, "bad\\x0aname.npy: truncated before the .npy version") != NULL,
                 "%s", err);
  ck_assert_ptr_null (strchr (err, '\n'));
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
  tcase_add_test (t, test_open_errors);
  suite_add_tcase (s, t);
  TCase *n = tcase_create ("npy");
  tcase_set_timeout (n, 120);
  tcase_add_test (n, test_npy_numpy);
  tcase_add_test (n, test_npz_numpy);
  tcase_add_test (n, test_npy_preamble);
  tcase_add_test (n, test_safetensors_dtypes);
  tcase_add_test (n, test_ggml_blocks);
  tcase_add_test (n, test_raw);
  tcase_add_test (n, test_text);
  tcase_add_test (n, test_writers);
  suite_add_tcase (s, n);
  TCase *c = tcase_create ("corpus");
  tcase_add_test (c, test_corpus);
  suite_add_tcase (s, c);
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
