/* cmd_blocks.c -- 'fmtlab blocks FORMAT': quantize lines of binary32 bit patterns to a
   block format; and the block part of 'fmtlab info'. */
#include <config.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <fmtlab/blocks.h>
#include "cli.h"
#include "parse.h"

static void
help (void)
{
  printf ("Usage: fmtlab blocks FORMAT [--in FILE] [--dequant] [options]\n\n"
          "Read lines of k binary32 bit patterns in hex (one block's inputs per line, k the\n"
          "block size of FORMAT) and write one line per block: the scale code, for group\n"
          "formats with a zero point the zero code, then the k element codes, then OPAL's\n"
          "outliers as @INDEX:CODE (in-block index, code in the outlier format), all in hex.\n"
          "--dequant writes the k dequantized values instead, as binary32 bit patterns (the\n"
          "exact value rounded to nearest even; NaN blocks give 7fc00000).  Blank lines and\n"
          "lines starting with '#' are skipped.\n\n"
          "FORMAT: mxfp8e4m3 mxfp8e5m2 mxfp6e3m2 mxfp6e2m3 mxfp4 mxint8 nvfp4 opal q8_0 q4_0 q4_1,\n"
          "  mx:elem=NAME,k=32,scale=e8m0fnu,rule=floor|ceil|even|rceil[,sym=0|1]\n"
          "  nvfp4:tscale=V     (per-tensor binary32 scale; tscale=auto: amax/(448*6) of the input)\n"
          "  opal:elem=exmy_e0m3,k=128,outliers=4,ofmt=bf16,scale=e8m0fnu\n"
          "  group:elem=int<b>,k=128,scale=fp16,zero=fp16|none,fit=minmax|absmax|mse\n"
          "  (a scalar format with commas goes in brackets: mx:elem=[float:e=4,m=3])\n\n"
          "  -i, --in FILE       read FILE instead of standard input\n"
          "  -d, --dequant       write dequantized binary32 values\n"
          "  -F, --fast          use the fast path (doubles; the same codes, proven by the tests)\n"
          "  -r, --round MODE    element rounding: rne (default), rna, rtz, rup, rdn, rto, sr\n"
          "                      (sr only with power-of-two scales: MX, OPAL)\n"
          "      --seed S        seed of stochastic rounding (element i of the input is stream i)\n"
          "      --sr-bits B     stochastic rounding with B random bits\n"
          "  -o, --output FILE   write FILE (atomically) instead of standard output\n"
          "  -h, --help  -V, --version\n");
}

/* Values held at once: the input is read whole (tscale=auto needs all of it), and each
   value costs about 80 bytes on the exact path: 2^22 values stay under 400 MB. */
#define MAX_VALUES (UINT64_C(1) << 22)

/* Read every block: n = blocks * k binary32 patterns. */
static uint32_t *
read_blocks (const char *path, size_t k, size_t *n)
{
  const char *name;
  FILE *fp = cli_in_open (path, "r", &name);
  if (k > MAX_VALUES)
    cli_die (CLI_EXIT_USAGE, "block size %zu: more than %llu values", k,
             (unsigned long long) MAX_VALUES);
  char *buf = malloc (CLI_MAX_LINE), err[CLI_MSG_MAX];
  size_t cap = k > 1024 ? k : 1024, len = 0, lineno = 0, lsz;
  uint32_t *v = malloc (cap * sizeof *v);
  if (!buf || !v)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  cli_line_status ls;
  while ((ls = cli_read_line (fp, buf, CLI_MAX_LINE, &lsz)) != CLI_LINE_EOF)
    {
      lineno++;
      if (ls == CLI_LINE_LONG)
        cli_die (CLI_EXIT_USAGE, "%s: line %zu: longer than %u characters", name, lineno,
                 CLI_MAX_LINE - 1);
      if (ls == CLI_LINE_NUL)
        cli_die (CLI_EXIT_USAGE, "%s: line %zu: a NUL byte in the line", name, lineno);
      if (len + k > cap)
        {
          if (len + k > MAX_VALUES)
            cli_die (CLI_EXIT_USAGE, "%s: line %zu: more than %llu values in one input; split it",
                     name, lineno, (unsigned long long) MAX_VALUES);
          while (len + k > cap)
            cap *= 2;
          v = realloc (v, cap * sizeof *v);
          if (!v)
            cli_die (CLI_EXIT_USAGE, "out of memory");
        }
      size_t words;
      int st = cli_block_line (buf, k, v + len, &words, err, sizeof err);
      if (st < 0)
        cli_die (CLI_EXIT_USAGE, "%s: line %zu: %s", name, lineno, err);
      if (st == 0)
        len += k;
    }
  if (ferror (fp))
    cli_die (CLI_EXIT_USAGE, "cannot read %s: %s", name, strerror (errno));
  if (fp != stdin)
    fclose (fp);
  free (buf);
  if (len == 0)
    cli_die (CLI_EXIT_USAGE, "%s: empty input, expected lines of %zu hex binary32 bit patterns", name, k);
  *n = len;
  return v;
}

static double
f32_of (uint32_t u)
{
  float f;
  memcpy (&f, &u, sizeof f);
  return f;
}

int
cmd_blocks (int argc, char **argv)
{
  static const struct option opts[] = {
    CLI_ROUNDING_LONGOPTS,
    { "in", required_argument, NULL, 'i' }, { "dequant", no_argument, NULL, 'd' },
    { "fast", no_argument, NULL, 'F' }, { "output", required_argument, NULL, 'o' },
    { "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 }
  };
  fl_rounding r;
  fl_rounding_init (&r);
  const char *in = NULL, *out = NULL;
  int dequant = 0, fast = 0, opt;
  while ((opt = cli_getopt (argc, argv, "i:dFr:o:hV", opts)) != -1)
    {
      if (cli_rounding_option (opt, optarg, &r))
        continue;
      switch (opt)
        {
        case 'i': in = optarg; break;
        case 'd': dequant = 1; break;
        case 'F': fast = 1; break;
        case 'o': out = optarg; break;
        case 'h': help (); return 0;
        case 'V': cli_version ();
        default: cli_usage_error ();
        }
    }
  if (optind >= argc)
    cli_die (CLI_EXIT_USAGE, "expected a block FORMAT (fmtlab blocks --help)");
  if (optind + 1 < argc)
    cli_die (CLI_EXIT_USAGE, "unexpected argument '%s' (fmtlab blocks --help)", argv[optind + 1]);
  if (r.overflow != FL_OVF_DEFAULT)
    cli_die (CLI_EXIT_USAGE, "--overflow: block elements always clamp to the largest element");
  const char *fname = argv[optind];
  char err[512];
  fl_block *b;
  /* tscale=auto needs the input first: parse the name with a placeholder for k */
  int auto_ts = strstr (fname, "tscale=auto") != NULL && strncmp (fname, "nvfp4:", 6) == 0;
  if (fl_block_parse (auto_ts ? "nvfp4" : fname, &b, err, sizeof err) != FL_OK)
    cli_die (CLI_EXIT_USAGE, "%s", err);
  size_t k = fl_block_k (b), n;
  uint32_t *bits = read_blocks (in, k, &n);
  double *x = malloc (n * sizeof *x);
  if (!x)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  for (size_t i = 0; i < n; i++)
    x[i] = f32_of (bits[i]);
  if (auto_ts)
    {
      double amax = 0;
      for (size_t i = 0; i < n; i++)
        if (fabs (x[i]) > amax && isfinite (x[i]))
          amax = fabs (x[i]);
      char nm[128];
      float t = (float) (amax / (448.0 * 6.0));
      if (!(t >= 0x1p-126f))
        t = 1.0f;
      snprintf (nm, sizeof nm, "nvfp4:tscale=%a", (double) t);
      fl_block_free (b);
      if (fl_block_parse (nm, &b, err, sizeof err) != FL_OK)
        cli_die (CLI_EXIT_USAGE, "%s", err);
    }
  fl_block_array a;
  if (fl_block_array_init (&a, b, n, err, sizeof err) != FL_OK)
    cli_die (CLI_EXIT_USAGE, "%s", err);
  fl_status st;
  if (fast)
    st = fl_block_quantize_doubles (b, x, n, &a, &r, NULL, err, sizeof err);
  else
    {
      mpfr_t *xm = malloc (n * sizeof *xm);
      if (!xm)
        cli_die (CLI_EXIT_USAGE, "out of memory");
      for (size_t i = 0; i < n; i++)
        {
          mpfr_init2 (xm[i], 24);
          mpfr_set_d (xm[i], x[i], MPFR_RNDN);
        }
      st = fl_block_quantize (b, xm, n, &a, &r, NULL, err, sizeof err);
      for (size_t i = 0; i < n; i++)
        mpfr_clear (xm[i]);
      free (xm);
    }
  if (st != FL_OK)
    cli_die (CLI_EXIT_USAGE, "%s: %s", fl_block_name (b), err);
  cli_out o;
  FILE *fp = cli_out_open (&o, out);
  if (dequant)
    {
      fl_format *f32 = cli_format ("fp32");
      mpfr_t *v = malloc (n * sizeof *v);
      if (!v)
        cli_die (CLI_EXIT_USAGE, "out of memory");
      for (size_t i = 0; i < n; i++)
        mpfr_init2 (v[i], 24);
      fl_block_dequantize (b, &a, v);
      fl_rounding rn;
      fl_rounding_init (&rn);
      for (size_t i = 0; i < n; i++)
        {
          uint64_t c = fl_encode (f32, v[i], &rn, NULL);
          if (mpfr_nan_p (v[i]))
            c = 0x7fc00000;
          fprintf (fp, "%08llx%c", (unsigned long long) c, (i + 1) % k == 0 || i + 1 == n ? '\n' : ' ');
          mpfr_clear (v[i]);
        }
      free (v);
      fl_format_free (f32);
    }
  else
    {
      const fl_format *ef = fl_block_elem (b), *sf = fl_block_scale (b), *zf = fl_block_zero (b),
                      *of = fl_block_ofmt (b);
      unsigned no = fl_block_outliers (b);
      for (size_t blk = 0; blk < a.nblocks; blk++)
        {
          size_t lo = blk * k, len = n - lo < k ? n - lo : k;
          fprintf (fp, "%0*llx", cli_code_digits (sf), (unsigned long long) a.scale[blk]);
          if (zf)
            fprintf (fp, " %0*llx", cli_code_digits (zf), (unsigned long long) a.zero[blk]);
          for (size_t j = 0; j < len; j++)
            fprintf (fp, " %0*llx", cli_code_digits (ef), (unsigned long long) a.elem[lo + j]);
          for (unsigned t = 0; t < no; t++)
            if (a.oidx[blk * no + t] != UINT32_MAX)
              fprintf (fp, " @%u:%0*llx", a.oidx[blk * no + t], cli_code_digits (of),
                       (unsigned long long) a.ocode[blk * no + t]);
          fputc ('\n', fp);
        }
    }
  cli_out_commit (&o);
  fl_block_array_clear (&a);
  fl_block_free (b);
  free (x);
  free (bits);
  return 0;
}

/* ---- fmtlab info on block formats ---- */

int
cli_block_probe (const char *name, char *err, size_t errlen)
{
  if (!fl_block_name_p (name))
    return 0;
  fl_block *b;
  if (fl_block_parse (name, &b, err, errlen) != FL_OK)
    return -1;
  fl_block_free (b);
  return 1;
}

static const cli_column bcols[] = {
  { "format", "format" }, { "family", "family" }, { "k", "block size k" },
  { "element", "element format" }, { "scale", "scale format" }, { "zero", "zero format" },
  { "outlier_format", "outlier format" }, { "outliers", "outliers per block" },
  { "rule", "scale rule / fit" }, { "bits_per_block", "bits per block" },
  { "bits_per_element", "bits per element" }, { "max", "max" }, { "max_hex", "max (hex)" },
  { "min_positive", "min positive" }, { "min_positive_hex", "min positive (hex)" },
};
#define N_BCOLS (sizeof bcols / sizeof bcols[0])

static void
block_row (const fl_block *b, char cell[N_BCOLS][CLI_CELL])
{
  static const char *const fam[] = { "OCP MX", "NVFP4", "OPAL", "group" };
  int i = 0;
  snprintf (cell[i++], CLI_CELL, "%s", fl_block_name (b));
  snprintf (cell[i++], CLI_CELL, "%s", fam[fl_block_kind_of (b)]);
  snprintf (cell[i++], CLI_CELL, "%zu", fl_block_k (b));
  snprintf (cell[i++], CLI_CELL, "%s", fl_format_name (fl_block_elem (b)));
  snprintf (cell[i++], CLI_CELL, "%s", fl_format_name (fl_block_scale (b)));
  snprintf (cell[i++], CLI_CELL, "%s", fl_block_zero (b) ? fl_format_name (fl_block_zero (b)) : "");
  snprintf (cell[i++], CLI_CELL, "%s", fl_block_ofmt (b) ? fl_format_name (fl_block_ofmt (b)) : "");
  snprintf (cell[i++], CLI_CELL, "%s", fl_block_kind_of (b) == FL_BLOCK_OPAL ? "" : "");
  if (fl_block_kind_of (b) == FL_BLOCK_OPAL)
    snprintf (cell[i - 1], CLI_CELL, "%u (index %u bits)", fl_block_outliers (b), fl_block_index_bits (b));
  switch (fl_block_kind_of (b))
    {
    case FL_BLOCK_MX: snprintf (cell[i++], CLI_CELL, "%s", fl_scale_rule_name (fl_block_rule (b))); break;
    case FL_BLOCK_GROUP: snprintf (cell[i++], CLI_CELL, "%s", fl_group_fit_name (fl_block_fit (b))); break;
    case FL_BLOCK_OPAL: snprintf (cell[i++], CLI_CELL, "floor"); break;
    default: snprintf (cell[i++], CLI_CELL, "amax/6 RNE"); break;
    }
  uint64_t bits = fl_block_storage_bits (b);
  snprintf (cell[i++], CLI_CELL, "%llu", (unsigned long long) bits);
  /* bits / k exactly: a terminating decimal when k is a power of two */
  mpfr_t q, v;
  mpfr_init2 (q, 128);
  mpfr_set_ui (q, (unsigned long) bits, MPFR_RNDN);
  mpfr_div_ui (q, q, (unsigned long) fl_block_k (b), MPFR_RNDN);
  mpfr_snprintf (cell[i++], CLI_CELL, "%.10Rg", q);
  mpfr_init2 (v, 64);
  fl_block_max (b, v);
  mpfr_snprintf (cell[i++], CLI_CELL, "%.10Rg", v);
  fl_hexfloat (cell[i++], CLI_CELL, v, 0);
  fl_block_minpos (b, v);
  mpfr_snprintf (cell[i++], CLI_CELL, "%.10Rg", v);
  fl_hexfloat (cell[i++], CLI_CELL, v, 0);
  mpfr_clears (q, v, (mpfr_ptr) 0);
}

void
cli_write_block_props (FILE *fp, char **names, size_t n, cli_style style)
{
  char (*cells)[N_BCOLS][CLI_CELL] = malloc ((n ? n : 1) * sizeof *cells);
  if (!cells)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  for (size_t k = 0; k < n; k++)
    {
      char err[512];
      fl_block *b;
      if (fl_block_parse (names[k], &b, err, sizeof err) != FL_OK)
        cli_die (CLI_EXIT_USAGE, "%s", err);
      block_row (b, cells[k]);
      fl_block_free (b);
    }
  cli_write_table (fp, bcols, N_BCOLS, (const char *) cells, n, style, NULL, NULL, NULL);
  free (cells);
}
