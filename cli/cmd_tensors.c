/* cmd_tensors.c -- 'fmtlab tensors FILE[:GLOB]...': what each tensor holds. */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "tensorcli.h"

#define CHUNK ((size_t) 1 << 20)

static void
help (void)
{
  printf ("Usage: fmtlab tensors FILE[:GLOB]... [options]\n\n"
          "List the tensors of model files (.npy .npz .safetensors .gguf .onnx, text) with\n"
          "their statistics: name, file, dtype, shape, count, NaN and Inf counts, mean, std\n"
          "(population), min, max, absmax, excess kurtosis (0 for a normal), share of zeros,\n"
          "share beyond 6 std from the mean, absmax/std.  Statistics are over the finite\n"
          "elements.  GLOB (fnmatch) selects tensors by name.  synthetic:NAME[:N] is an\n"
          "embedded distribution (normal laplace student3 lognormal; N defaults to 10^6).\n"
          "Tensors of types fmtlab does not read are listed with a notice.\n\n"
          "  --csv, --json, --md   table style (Markdown by default; JSON adds each file's\n"
          "                        metadata)\n"
          "  -o, --output FILE     write FILE (atomically) instead of standard output\n"
          "  -h, --help  -V, --version\n");
}

enum { C_NAME, C_FILE, C_DTYPE, C_SHAPE, C_COUNT, C_NAN, C_INF, C_MEAN, C_STD, C_MIN, C_MAX,
       C_ABSMAX, C_KURT, C_ZEROS, C_BEYOND, C_RATIO, N_COLS };
static const cli_column cols[N_COLS] = {
  { "name", "name" }, { "file", "file" }, { "dtype", "dtype" }, { "shape", "shape" },
  { "count", "count" }, { "nan", "NaN" }, { "inf", "Inf" }, { "mean", "mean" },
  { "std", "std" }, { "min", "min" }, { "max", "max" }, { "absmax", "absmax" },
  { "kurtosis", "kurtosis" }, { "zeros_share", "zeros" }, { "beyond_6sigma_share", ">6 sigma" },
  { "absmax_over_std", "absmax/std" },
};

/* Three passes over the tensor (it is streamed, never held): sums for the mean; central
   moments about it (two-pass moments are accurate where one-pass sums cancel); the count
   beyond 6 std. */
static void
tensor_row (cli_tsource *src, size_t j, double *buf, cli_tcell *row)
{
  const fl_tensor_info *t = cli_tsource_info (src, j);
  char shape[CLI_CELL];
  cli_shape_text (t, shape, sizeof shape);
  cli_tcell_str (&row[C_NAME], t->name);
  cli_tcell_str (&row[C_FILE], src->label);
  cli_tcell_str (&row[C_DTYPE], fl_dtype_name (t->dtype) ? fl_dtype_name (t->dtype) : t->dtype_name);
  cli_tcell_str (&row[C_SHAPE], shape);
  cli_tcell_int (&row[C_COUNT], (long long) t->count);
  if (!t->readable)
    {
      cli_warn ("%s: tensor '%s' has type %s, which fmtlab does not read: listed only",
                src->label, t->name, t->dtype_name);
      for (int c = C_NAN; c < N_COLS; c++)
        cli_tcell_str (&row[c], "");
      return;
    }
  uint64_t n = t->count, nf = 0, nan = 0, inf = 0, zeros = 0, beyond = 0;
  long double sum = 0, m2 = 0, m4 = 0;
  double mn = INFINITY, mx = -INFINITY;
  for (uint64_t lo = 0; lo < n; lo += CHUNK)
    {
      size_t len = n - lo < CHUNK ? (size_t) (n - lo) : CHUNK;
      cli_tsource_read (src, j, lo, len, buf);
      for (size_t i = 0; i < len; i++)
        {
          double v = buf[i];
          if (isnan (v))
            nan++;
          else if (isinf (v))
            inf++;
          else
            {
              nf++;
              sum += v;
              zeros += v == 0;
              mn = v < mn ? v : mn;
              mx = v > mx ? v : mx;
            }
        }
    }
  long double mean = nf ? sum / nf : 0;
  for (uint64_t lo = 0; lo < n && nf; lo += CHUNK)
    {
      size_t len = n - lo < CHUNK ? (size_t) (n - lo) : CHUNK;
      cli_tsource_read (src, j, lo, len, buf);
      for (size_t i = 0; i < len; i++)
        if (isfinite (buf[i]))
          {
            long double d = buf[i] - mean, d2 = d * d;
            m2 += d2;
            m4 += d2 * d2;
          }
    }
  double var = nf ? (double) (m2 / nf) : NAN, sd = sqrt (var);
  for (uint64_t lo = 0; lo < n && nf && sd > 0; lo += CHUNK)
    {
      size_t len = n - lo < CHUNK ? (size_t) (n - lo) : CHUNK;
      cli_tsource_read (src, j, lo, len, buf);
      for (size_t i = 0; i < len; i++)
        beyond += isfinite (buf[i]) && fabsl (buf[i] - mean) > 6 * (long double) sd;
    }
  double absmax = nf ? fmax (fabs (mn), fabs (mx)) : NAN;
  cli_tcell_int (&row[C_NAN], (long long) nan);
  cli_tcell_int (&row[C_INF], (long long) inf);
  cli_tcell_num (&row[C_MEAN], nf ? (double) mean : NAN, NULL);
  cli_tcell_num (&row[C_STD], sd, NULL);
  cli_tcell_num (&row[C_MIN], nf ? mn : NAN, NULL);
  cli_tcell_num (&row[C_MAX], nf ? mx : NAN, NULL);
  cli_tcell_num (&row[C_ABSMAX], absmax, NULL);
  cli_tcell_num (&row[C_KURT], nf && m2 > 0 ? (double) (m4 * nf / (m2 * m2)) - 3 : NAN, NULL);
  cli_tcell_num (&row[C_ZEROS], nf ? (double) zeros / nf : NAN, NULL);
  cli_tcell_num (&row[C_BEYOND], nf ? (double) beyond / nf : NAN, NULL);
  cli_tcell_num (&row[C_RATIO], sd > 0 ? absmax / sd : NAN, NULL);
}

int
cmd_tensors (int argc, char **argv)
{
  static const struct option opts[] = {
    CLI_STYLE_LONGOPTS, { "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 }
  };
  cli_style style = CLI_MD;
  const char *out = NULL;
  int opt;
  while ((opt = getopt_long (argc, argv, "o:hV", opts, NULL)) != -1)
    {
      if (cli_style_option (opt, optarg, &style, &out))
        continue;
      switch (opt)
        {
        case 'h': help (); return 0;
        case 'V': cli_version ();
        default: cli_usage_error ();
        }
    }
  if (optind >= argc)
    cli_die (CLI_EXIT_USAGE, "expected FILE[:GLOB]... (fmtlab tensors --help)");
  if (style == CLI_TEXT)
    style = CLI_MD;
  size_t nsrc = (size_t) (argc - optind), nrows = 0, cap = 16;
  cli_tcell *cells = malloc (cap * N_COLS * sizeof *cells);
  double *buf = malloc (CHUNK * sizeof *buf);
  json_t *files = json_array ();
  if (!cells || !buf)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  /* every input is opened and validated before any output is written */
  cli_tsource *src = calloc (nsrc, sizeof *src);
  if (!src)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  for (size_t k = 0; k < nsrc; k++)
    cli_tsource_open (&src[k], argv[optind + k]);
  for (size_t k = 0; k < nsrc; k++)
    {
      json_t *fo = json_object ();
      json_object_set_new (fo, "file", json_string (src[k].label));
      json_object_set_new (fo, "kind", json_string (cli_tsource_kind (&src[k])));
      const char *meta = cli_tsource_metadata (&src[k]);
      json_t *mj = meta ? json_loads (meta, 0, NULL) : NULL;
      json_object_set_new (fo, "metadata", mj ? mj : json_null ());
      json_array_append_new (files, fo);
      for (size_t j = 0; j < src[k].nsel; j++)
        {
          if (nrows == cap)
            {
              cap *= 2;
              cells = realloc (cells, cap * N_COLS * sizeof *cells);
              if (!cells)
                cli_die (CLI_EXIT_USAGE, "out of memory");
            }
          tensor_row (&src[k], j, buf, cells + nrows * N_COLS);
          nrows++;
        }
      cli_tsource_close (&src[k]);
    }
  cli_out o;
  FILE *fp = cli_out_open (&o, out);
  json_t *top = json_object ();
  json_object_set_new (top, "files", files);
  cli_write_ttable (fp, cols, N_COLS, cells, nrows, style, top, "tensors");
  cli_out_commit (&o);
  free (cells);
  free (buf);
  free (src);
  return 0;
}
