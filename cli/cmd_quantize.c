/* cmd_quantize.c -- 'fmtlab quantize FORMAT --in FILE[:GLOB] --out FILE': fake-quantized
   tensors (values) or their codes, written atomically. */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <fmtlab/onnxwrite.h>
#include <fmtlab/scale.h>
#include "tensorcli.h"

static void
help (void)
{
  printf ("Usage: fmtlab quantize FORMAT --in FILE[:GLOB] --out FILE.npy|FILE.safetensors [options]\n"
          "       fmtlab quantize FORMAT --in MODEL.onnx --out MODEL_Q.onnx [--scale S] [--granularity G]\n"
          "  (.onnx: the model with every float32 weight fake-quantized, same graph and dtypes)\n\n"
          "Quantize each selected tensor to FORMAT (scalar or block) and write the values\n"
          "q = s * decode (encode (x / s)) in the input's dtype (f32 for integer inputs), or\n"
          "with --codes the codes (uint8 for formats of at most 8 bits, uint16, uint32,\n"
          "uint64), one tensor per input tensor under its own name.  With --codes a scaled\n"
          "tensor also gets NAME.scale (f64, one per scale group), and a block format NAME.scale\n"
          "(the scale codes), NAME.zero (groups with a zero point) and, for OPAL,\n"
          "NAME.outlier_index (uint32) and NAME.outlier_code.  A .npy file holds one tensor.\n"
          "Nothing is written unless everything succeeds.  See doc/compare.md.\n\n"
          "  -i, --in FILE[:GLOB]   input tensors (synthetic:NAME[:N] too)\n"
          "      --out FILE         output file (.npy or .safetensors)\n"
          CLI_SCALE_HELP
          "      --codes            write codes instead of values\n"
          "      --dtype D          values' dtype: f64, f32, f16 or bf16\n"
          CLI_ROUNDING_HELP
          "  -h, --help  -V, --version\n");
}

static fl_tensor_writer *active;

static void
abort_writer (void)
{
  /* cli_die exits: the temporary file must not outlive a failure */
  if (active)
    fl_tensor_writer_abort (active);
  active = NULL;
}

static void
add_tensor (const char *name, fl_dtype dt, int ndim, const uint64_t *shape, const void *data)
{
  char err[1024];
  if (fl_tensor_writer_add (active, name, dt, ndim, shape, data, err, sizeof err) != FL_OK)
    cli_die (CLI_EXIT_USAGE, "%s", err);
}

static fl_dtype
code_dtype (unsigned bits)
{
  return bits <= 8 ? FL_DT_U8 : bits <= 16 ? FL_DT_U16 : bits <= 32 ? FL_DT_U32 : FL_DT_U64;
}

/* Pack n codes of a given width into the dtype's little-endian integers. */
static void *
pack_codes (const uint64_t *c, size_t n, fl_dtype dt)
{
  size_t sz = fl_dtype_size (dt);
  unsigned char *out = malloc ((n ? n : 1) * sz);
  if (!out)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  for (size_t i = 0; i < n; i++)
    for (size_t b = 0; b < sz; b++)
      out[i * sz + b] = (unsigned char) (c[i] >> (8 * b));
  return out;
}

/* Values in dtype dt: f64 as is, f32 by a cast (RNE), f16 and bf16 through fmtlab's own
   correctly rounded encoder (RNE). */
static void *
pack_values (const double *q, size_t n, fl_dtype dt)
{
  if (dt == FL_DT_F64)
    {
      double *o = malloc ((n ? n : 1) * sizeof *o);
      if (!o)
        cli_die (CLI_EXIT_USAGE, "out of memory");
      memcpy (o, q, n * sizeof *o);
      return o;
    }
  if (dt == FL_DT_F32)
    {
      float *o = malloc ((n ? n : 1) * sizeof *o);
      if (!o)
        cli_die (CLI_EXIT_USAGE, "out of memory");
      for (size_t i = 0; i < n; i++)
        o[i] = (float) q[i];
      return o;
    }
  fl_format *f = cli_format (dt == FL_DT_F16 ? "fp16" : "bf16");
  fl_rounding r;
  fl_rounding_init (&r);
  uint64_t *c = malloc ((n ? n : 1) * sizeof *c);
  if (!c)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  fl_encode_doubles (f, q, c, n, &r, NULL);
  void *o = pack_codes (c, n, FL_DT_U16);
  free (c);
  fl_format_free (f);
  return o;
}

/* The vector tensor NAME SUFFIX of n elements (NAME.scale, NAME.zero ...). */
static void
add_vector (const char *name, const char *suffix, fl_dtype dt, uint64_t n, const void *data)
{
  size_t len = strlen (name) + strlen (suffix) + 1;
  char *sn = malloc (len);
  if (!sn)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  snprintf (sn, len, "%s%s", name, suffix);
  add_tensor (sn, dt, 1, &n, data);
  free (sn);
}

/* The same for n codes of format f, in the dtype of its codes. */
static void
add_code_vector (const char *name, const char *suffix, const fl_format *f, const uint64_t *c,
                 uint64_t n)
{
  fl_dtype dt = code_dtype (fl_format_bits (f));
  void *data = pack_codes (c, (size_t) n, dt);
  add_vector (name, suffix, dt, n, data);
  free (data);
}

/* One float tensor of an ONNX model, fake-quantized in place (rounded to float32). */
static fl_status
quantize_onnx_tensor (void *ctx, const char *name, int ndim, const uint64_t *shape,
                      float *data, size_t n, char *err, size_t errlen)
{
  const fl_quantizer *qz = ctx;
  uint64_t shp[FL_TENSOR_MAXDIM], ngroups = 0;
  int nd = ndim;
  if (n == 0)
    return FL_OK;
  memcpy (shp, shape, (size_t) ndim * sizeof *shp);
  if (nd == 0)          /* a scalar: one element */
    shp[nd++] = 1;
  fl_status st = fl_quantizer_groups (qz, nd, shp, &ngroups, err, errlen);
  if (st != FL_OK)
    {
      /* a channel axis the tensor lacks (a bias, a scalar): one scale for the tensor */
      nd = 1;
      shp[0] = n;
      if ((st = fl_quantizer_groups (qz, nd, shp, &ngroups, err, errlen)) != FL_OK)
        return st;
    }
  double *x = malloc (n * sizeof *x), *scale = calloc (ngroups ? ngroups : 1, sizeof *scale);
  if (!x || !scale)
    {
      free (x);
      free (scale);
      return FL_ENOMEM;
    }
  for (size_t i = 0; i < n; i++)
    x[i] = data[i];
  st = fl_quantizer_scales (qz, nd, shp, x, scale, err, errlen);
  if (st == FL_OK)
    st = fl_quantizer_apply (qz, nd, shp, fl_quantizer_is_block (qz) ? NULL : scale, 0, x, x,
                             n, NULL, NULL, NULL, err, errlen);
  if (st == FL_OK)
    for (size_t i = 0; i < n; i++)
      data[i] = (float) x[i];
  else
    cli_warn ("tensor '%s': %s", name, err);
  free (x);
  free (scale);
  return st;
}

/* --out MODEL.onnx: the model with every float weight fake-quantized (onnxwrite.h). */
static int
quantize_onnx (const char *format, const char *in, const char *out, const cli_quant_args *qa,
               int bad_opts)
{
  char err[1024];
  if (bad_opts)
    cli_die (CLI_EXIT_USAGE, "--out '%s': an ONNX model is written with its own dtypes; "
             "--codes and --dtype do not apply", out);
  fl_quantizer *qz = cli_quantizer (format, qa, NULL);
  size_t n = 0;
  if (fl_onnx_rewrite_floats (in, out, quantize_onnx_tensor, qz, &n, err, sizeof err) != FL_OK)
    cli_die (CLI_EXIT_USAGE, "%s", err);
  fprintf (stderr, "fmtlab quantize: %zu float tensors of %s quantized to %s, written to %s\n",
           n, in, fl_quantizer_format_name (qz), out);
  fl_quantizer_free (qz);
  return 0;
}

int
cmd_quantize (int argc, char **argv)
{
  static const struct option opts[] = {
    CLI_QUANT_LONGOPTS,
    { "in", required_argument, NULL, 'i' }, { "out", required_argument, NULL, 'w' },
    { "codes", no_argument, NULL, 'c' }, { "dtype", required_argument, NULL, 'd' },
    { "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 }
  };
  cli_quant_args qa;
  cli_quant_args_init (&qa);
  const char *in = NULL, *out = NULL, *dtype_arg = NULL;
  int codes = 0, opt;
  char err[1024];
  while ((opt = getopt_long (argc, argv, "i:s:g:r:hV", opts, NULL)) != -1)
    {
      if (cli_quant_option (opt, optarg, &qa))
        continue;
      switch (opt)
        {
        case 'i':
          if (in)
            cli_die (CLI_EXIT_USAGE, "one --in per run (the output holds its tensors)");
          in = optarg;
          break;
        case 'w': out = optarg; break;
        case 'c': codes = 1; break;
        case 'd': dtype_arg = optarg; break;
        case 'h': help (); return 0;
        case 'V': cli_version ();
        default: cli_usage_error ();
        }
    }
  if (optind >= argc)
    cli_die (CLI_EXIT_USAGE, "expected FORMAT (fmtlab quantize --help)");
  if (optind + 1 < argc)
    cli_die (CLI_EXIT_USAGE, "unexpected argument '%s' (fmtlab quantize --help)", argv[optind + 1]);
  if (!in || !out)
    cli_die (CLI_EXIT_USAGE, "expected --in FILE[:GLOB] and --out FILE (fmtlab quantize --help)");
  size_t ol = strlen (out);
  fl_tfile_kind okind;
  if (ol > 5 && strcmp (out + ol - 5, ".onnx") == 0)
    return quantize_onnx (argv[optind], in, out, &qa, codes || dtype_arg);
  if (ol > 4 && strcmp (out + ol - 4, ".npy") == 0)
    okind = FL_TFILE_NPY;
  else if (ol > 12 && strcmp (out + ol - 12, ".safetensors") == 0)
    okind = FL_TFILE_SAFETENSORS;
  else
    cli_die (CLI_EXIT_USAGE, "--out '%s': expected a name ending in .npy or .safetensors", out);
  fl_dtype vdt = FL_DT_F32;
  int dtype_forced = 0;
  if (dtype_arg)
    {
      if (fl_dtype_parse (dtype_arg, &vdt) || (vdt != FL_DT_F64 && vdt != FL_DT_F32
                                               && vdt != FL_DT_F16 && vdt != FL_DT_BF16))
        cli_die (CLI_EXIT_USAGE, "--dtype '%s': expected f64, f32, f16 or bf16", dtype_arg);
      if (codes)
        cli_warn ("--dtype has no effect with --codes");
      dtype_forced = 1;
    }
  fl_scale_strategy ss;
  fl_quantizer *qz = cli_quantizer (argv[optind], &qa, &ss);
  cli_tsource src;
  cli_tsource_open (&src, in);
  if (src.nsel == 0)
    cli_die (CLI_EXIT_USAGE, "'%s': no tensor to quantize", in);
  const fl_block *blk = fl_quantizer_block (qz);
  int scaled = !blk && ss.kind != FL_SCALE_NONE;
  size_t per_tensor = codes && blk ? 2 + (fl_block_zero (blk) != NULL)
                                     + 2 * (fl_block_outliers (blk) > 0)
                                   : 1 + (codes && scaled);
  if (okind == FL_TFILE_NPY && src.nsel * per_tensor > 1)
    cli_die (CLI_EXIT_USAGE, "--out '%s': %zu tensors to write and a .npy file holds one; "
             "use .safetensors", out, src.nsel * per_tensor);
  for (size_t j = 0; j < src.nsel; j++)
    if (!cli_tsource_info (&src, j)->readable)
      cli_die (CLI_EXIT_USAGE, "%s: tensor '%s' has type %s, which fmtlab does not read",
               src.label, cli_tsource_info (&src, j)->name, cli_tsource_info (&src, j)->dtype_name);

  if (fl_tensor_writer_open (out, okind, &active, err, sizeof err) != FL_OK)
    cli_die (CLI_EXIT_USAGE, "%s", err);
  atexit (abort_writer);
  for (size_t j = 0; j < src.nsel; j++)
    {
      const fl_tensor_info *t = cli_tsource_info (&src, j);
      size_t n = (size_t) t->count;
      double *x = malloc ((n ? n : 1) * sizeof *x), *q = malloc ((n ? n : 1) * sizeof *q);
      uint64_t *c = codes ? malloc ((n ? n : 1) * sizeof *c) : NULL;
      if (!x || !q || (codes && !c))
        cli_die (CLI_EXIT_USAGE, "%s: tensor '%s': out of memory for %zu values", src.label,
                 t->name, n);
      cli_tsource_read (&src, j, 0, n, x);
      uint64_t ngroups;
      double *scale = cli_quantize_tensor (qz, src.label, t, x, q, c, &ngroups);
      if (!codes)
        {
          fl_dtype dt = dtype_forced ? vdt
                        : (t->dtype == FL_DT_F64 || t->dtype == FL_DT_F16 || t->dtype == FL_DT_BF16)
                        ? t->dtype : FL_DT_F32;
          void *data = pack_values (q, n, dt);
          add_tensor (t->name, dt, t->ndim, t->shape, data);
          free (data);
        }
      else if (!blk)
        {
          fl_dtype dt = code_dtype (fl_quantizer_code_bits (qz));
          void *data = pack_codes (c, n, dt);
          add_tensor (t->name, dt, t->ndim, t->shape, data);
          free (data);
          if (scaled)
            add_vector (t->name, ".scale", FL_DT_F64, ngroups, scale);
        }
      else
        {
          fl_block_array a;
          if (fl_quantizer_block_codes (qz, 0, x, n, &a, err, sizeof err) != FL_OK)
            cli_die (CLI_EXIT_USAGE, "%s: tensor '%s': %s", src.label, t->name, err);
          fl_dtype dt = code_dtype (fl_format_bits (fl_block_elem (blk)));
          void *data = pack_codes (a.elem, n, dt);
          add_tensor (t->name, dt, t->ndim, t->shape, data);
          free (data);
          uint64_t nb = a.nblocks;
          add_code_vector (t->name, ".scale", fl_block_scale (blk), a.scale, nb);
          if (fl_block_zero (blk))
            add_code_vector (t->name, ".zero", fl_block_zero (blk), a.zero, nb);
          if (fl_block_outliers (blk))
            {
              uint64_t no = nb * fl_block_outliers (blk);
              add_vector (t->name, ".outlier_index", FL_DT_U32, no, a.oidx);
              add_code_vector (t->name, ".outlier_code", fl_block_ofmt (blk), a.ocode, no);
            }
          fl_block_array_clear (&a);
        }
      free (x);
      free (q);
      free (c);
      free (scale);
    }
  if (fl_tensor_writer_commit (active, err, sizeof err) != FL_OK)
    {
      active = NULL;   /* commit cleans up after itself */
      cli_die (CLI_EXIT_USAGE, "%s", err);
    }
  active = NULL;
  cli_tsource_close (&src);
  fl_quantizer_free (qz);
  return 0;
}
