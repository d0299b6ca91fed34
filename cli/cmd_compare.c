/* cmd_compare.c -- 'fmtlab compare --in FILE[:GLOB]... --formats F1,F2,...': the error each
   format costs on each tensor (doc/compare.md). */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include <fmtlab/scale.h>
#include "tensorcli.h"

/* Elements read at a time (streamed tensors), and the run one task quantizes. */
#define CHUNK ((uint64_t) 1 << 20)
#define SUB ((uint64_t) 1 << 14)

static void
help (void)
{
  printf ("Usage: fmtlab compare --in FILE[:GLOB]... --formats F1,F2,... [options]\n\n"
          "Fake-quantize every selected tensor to every format and print one row per\n"
          "tensor x format (x scale x rounding mode) with the error metrics: MSE, RMSE,\n"
          "SQNR in dB, max abs error, max and mean relative error (nonzero inputs), cosine\n"
          "similarity, clipped and flushed-to-zero shares, code-usage entropy in bits, bits\n"
          "per element including scales, and the mean error (bias, for --round sr).  NaN\n"
          "and Inf inputs are counted and kept out.  FILE may be synthetic:NAME[:N]\n"
          "(normal laplace student3 lognormal).  See doc/compare.md.\n\n"
          "  -i, --in FILE[:GLOB]   input tensors (repeatable; also as arguments)\n"
          "  -f, --formats LIST     scalar or block formats, comma-separated (repeatable)\n"
          "  -s, --scale S          none, absmax (default), percentile:P, mse, kl, pow2;\n"
          "                         a comma-separated list gives a row for each\n"
          "  -g, --granularity G    tensor (default), channel:AXIS, block:K\n"
          "                         (block formats bring their own scales and blocks)\n"
          "  -r, --round MODE       rne (default) rna rtz rup rdn rto sr; repeatable or a list\n"
          "      --overflow POLICY  sat (default with a scale), inf, nan, or the format's own\n"
          "                         (default with --scale none)\n"
          "      --seed S  --sr-bits B  --domain D   as for 'fmtlab round'\n"
          "      --threads N        OpenMP threads (results do not depend on it)\n"
          "  --csv, --json, --md    table style (Markdown by default)\n"
          "  -o, --output FILE      write FILE (atomically) instead of standard output\n"
          "  -h, --help  -V, --version\n");
}

enum { C_TENSOR, C_FILE, C_DTYPE, C_SHAPE, C_COUNT, C_FORMAT, C_SCALE, C_GRAN, C_ROUND,
       C_NAN, C_INF, C_MSE, C_RMSE, C_SQNR, C_MAXABS, C_MAXREL, C_MEANREL, C_COSINE,
       C_CLIPPED, C_FLUSHED, C_ENTROPY, C_BPE, C_BIAS, N_COLS };
static const cli_column cols[N_COLS] = {
  { "tensor", "tensor" }, { "file", "file" }, { "dtype", "dtype" }, { "shape", "shape" },
  { "count", "count" }, { "format", "format" }, { "scale", "scale" },
  { "granularity", "granularity" }, { "round", "round" }, { "nan", "NaN" }, { "inf", "Inf" },
  { "mse", "MSE" }, { "rmse", "RMSE" }, { "sqnr_db", "SQNR dB" },
  { "max_abs_err", "max abs err" }, { "max_rel_err", "max rel err" },
  { "mean_rel_err", "mean rel err" }, { "cosine", "cosine" },
  { "clipped_share", "clipped" }, { "flushed_share", "flushed" },
  { "entropy_bits", "entropy bits" }, { "bits_per_element", "bits/elem" },
  { "bias", "bias" },
};

typedef struct {
  fl_quantizer *qz;
  char scale_name[64], round_name[16];
  uint64_t ngroups;
  double *scale;              /* ngroups */
  fl_metrics total;
  fl_code_hist *hist;         /* one per thread */
  uint64_t sub;               /* run length: a multiple of a block format's k */
} job;

typedef struct {
  job *jobs;
  size_t njobs;
  int nthreads;
  double **qbuf;              /* one per thread, of the longest run */
  fl_metrics *parts;          /* njobs x runs of a chunk */
  uint64_t block_lcm;         /* of the block formats' block sizes (1 without) */
  size_t parts_cap;
} engine;

/* Quantize x[0..len), elements [start, start + len) of the tensor, with every job; the
   runs' accumulators are merged in order, so the result does not depend on threads. */
static void
process_chunk (engine *e, const fl_tensor_info *t, const double *x, uint64_t start,
               uint64_t len)
{
  size_t maxruns = 0;
  for (size_t j = 0; j < e->njobs; j++)
    {
      size_t r = (size_t) ((len + e->jobs[j].sub - 1) / e->jobs[j].sub);
      maxruns = r > maxruns ? r : maxruns;
    }
  size_t need = e->njobs * (maxruns ? maxruns : 1);
  if (need > e->parts_cap)
    {
      free (e->parts);
      e->parts = malloc (need * sizeof *e->parts);
      if (!e->parts)
        cli_die (CLI_EXIT_USAGE, "out of memory");
      e->parts_cap = need;
    }
  long ntask = (long) need;
  int failed = 0;
  char failmsg[512] = "";
  #pragma omp parallel for schedule(dynamic, 1) num_threads(e->nthreads)
  for (long task = 0; task < ntask; task++)
    {
      size_t j = (size_t) task / maxruns, run = (size_t) task % maxruns;
      job *jb = &e->jobs[j];
      fl_metrics *m = &e->parts[task];
      fl_metrics_init (m);
      uint64_t lo = run * jb->sub;
      if (lo >= len)
        continue;
      uint64_t n = len - lo < jb->sub ? len - lo : jb->sub;
      int tid = 0;
#ifdef _OPENMP
      tid = omp_get_thread_num ();
#endif
      char err[512];
      if (fl_quantizer_apply (jb->qz, t->ndim, t->shape, jb->scale, start + lo, x + lo,
                              e->qbuf[tid], (size_t) n, NULL, m, &jb->hist[tid], err,
                              sizeof err) != FL_OK)
        {
          #pragma omp critical
          {
            failed = 1;
            snprintf (failmsg, sizeof failmsg, "%s", err);
          }
        }
    }
  if (failed)
    cli_die (CLI_EXIT_USAGE, "tensor '%s': %s", t->name, failmsg);
  for (size_t j = 0; j < e->njobs; j++)
    for (size_t run = 0; run < maxruns; run++)
      fl_metrics_merge (&e->jobs[j].total, &e->parts[j * maxruns + run]);
}

static uint64_t
gcd64 (uint64_t a, uint64_t b)
{
  while (b)
    {
      uint64_t r = a % b;
      a = b;
      b = r;
    }
  return a;
}

static void
compare_tensor (engine *e, cli_tsource *src, size_t ti, cli_tcell **cells, size_t *nrows,
                size_t *cap)
{
  const fl_tensor_info *t = cli_tsource_info (src, ti);
  char err[512], label[256];
  if (!t->readable)
    {
      cli_warn ("%s: tensor '%s' has type %s, which fmtlab does not read: skipped",
                src->label, t->name, t->dtype_name);
      return;
    }
  snprintf (label, sizeof label, "%s", t->name);
  int needs_data = 0;
  uint64_t chunk = CHUNK;
  for (size_t j = 0; j < e->njobs; j++)
    {
      job *jb = &e->jobs[j];
      if (fl_quantizer_groups (jb->qz, t->ndim, t->shape, &jb->ngroups, err, sizeof err) != FL_OK)
        cli_die (CLI_EXIT_USAGE, "%s: tensor '%s': %s", src->label, t->name, err);
      free (jb->scale);
      jb->scale = calloc (jb->ngroups ? jb->ngroups : 1, sizeof *jb->scale);
      if (!jb->scale)
        cli_die (CLI_EXIT_USAGE, "out of memory for %llu scales", (unsigned long long) jb->ngroups);
      fl_metrics_init (&jb->total);
      for (int th = 0; th < e->nthreads; th++)
        if (jb->hist[th].count)
          memset (jb->hist[th].count, 0, ((size_t) 1 << jb->hist[th].bits) * sizeof (uint64_t));
      needs_data |= fl_quantizer_needs_data (jb->qz);
    }
  /* chunks start at multiples of every block format's block size */
  if (e->block_lcm > chunk)
    chunk = e->block_lcm;
  else
    chunk = chunk / e->block_lcm * e->block_lcm;
  uint64_t n = t->count;
  if (needs_data)
    {
      /* percentile, mse and kl see the whole tensor at once */
      double *x = malloc ((n ? n : 1) * sizeof *x);
      if (!x)
        cli_die (CLI_EXIT_USAGE, "%s: tensor '%s': out of memory for %llu values", src->label,
                 t->name, (unsigned long long) n);
      for (uint64_t lo = 0; lo < n; lo += CHUNK)
        cli_tsource_read (src, ti, lo, (size_t) (n - lo < CHUNK ? n - lo : CHUNK), x + lo);
      for (size_t j = 0; j < e->njobs; j++)
        {
          if (fl_quantizer_scales (e->jobs[j].qz, t->ndim, t->shape, x, e->jobs[j].scale, err,
                                   sizeof err) != FL_OK)
            cli_die (CLI_EXIT_USAGE, "%s: tensor '%s': %s", src->label, t->name, err);
          cli_progress (label, j + 1, 2 * e->njobs);
        }
      for (uint64_t lo = 0; lo < n; lo += chunk)
        {
          process_chunk (e, t, x + lo, lo, n - lo < chunk ? n - lo : chunk);
          cli_progress (label, n + lo, 2 * n);
        }
      free (x);
    }
  else
    {
      double *x = malloc (chunk * sizeof *x);
      if (!x)
        cli_die (CLI_EXIT_USAGE, "out of memory");
      int any_scaled = 0;
      for (size_t j = 0; j < e->njobs; j++)
        any_scaled |= !fl_quantizer_is_block (e->jobs[j].qz);
      /* pass 1: the groups' absolute maxima (scales from them) */
      double **absmax = calloc (e->njobs, sizeof *absmax);
      if (!absmax)
        cli_die (CLI_EXIT_USAGE, "out of memory");
      for (size_t j = 0; j < e->njobs; j++)
        {
          absmax[j] = calloc (e->jobs[j].ngroups ? e->jobs[j].ngroups : 1, sizeof **absmax);
          if (!absmax[j])
            cli_die (CLI_EXIT_USAGE, "out of memory");
        }
      for (uint64_t lo = 0; any_scaled && lo < n; lo += chunk)
        {
          uint64_t len = n - lo < chunk ? n - lo : chunk;
          cli_tsource_read (src, ti, lo, (size_t) len, x);
          for (size_t j = 0; j < e->njobs; j++)
            fl_quantizer_absmax_update (e->jobs[j].qz, t->ndim, t->shape, lo, x, (size_t) len,
                                        absmax[j]);
          cli_progress (label, lo, 3 * n);
        }
      for (size_t j = 0; j < e->njobs; j++)
        {
          fl_quantizer_scales_from_absmax (e->jobs[j].qz, absmax[j], e->jobs[j].ngroups,
                                           e->jobs[j].scale);
          free (absmax[j]);
        }
      free (absmax);
      /* pass 2: quantize and measure */
      for (uint64_t lo = 0; lo < n; lo += chunk)
        {
          uint64_t len = n - lo < chunk ? n - lo : chunk;
          cli_tsource_read (src, ti, lo, (size_t) len, x);
          process_chunk (e, t, x, lo, len);
          cli_progress (label, n + 2 * (lo + len), 3 * n);
        }
      free (x);
    }
  cli_progress_end ();
  char shape[CLI_CELL];
  cli_shape_text (t, shape, sizeof shape);
  for (size_t j = 0; j < e->njobs; j++)
    {
      job *jb = &e->jobs[j];
      if (*nrows == *cap)
        {
          *cap *= 2;
          *cells = realloc (*cells, *cap * N_COLS * sizeof **cells);
          if (!*cells)
            cli_die (CLI_EXIT_USAGE, "out of memory");
        }
      cli_tcell *row = *cells + *nrows * N_COLS;
      (*nrows)++;
      for (int th = 1; th < e->nthreads; th++)
        fl_code_hist_merge (&jb->hist[0], &jb->hist[th]);
      fl_metrics_result r;
      fl_metrics_finish (&jb->total, &r);
      cli_tcell_str (&row[C_TENSOR], t->name);
      cli_tcell_str (&row[C_FILE], src->label);
      cli_tcell_str (&row[C_DTYPE], fl_dtype_name (t->dtype));
      cli_tcell_str (&row[C_SHAPE], shape);
      cli_tcell_int (&row[C_COUNT], (long long) t->count);
      cli_tcell_str (&row[C_FORMAT], fl_quantizer_format_name (jb->qz));
      cli_tcell_str (&row[C_SCALE], fl_quantizer_is_block (jb->qz) ? "block" : jb->scale_name);
      cli_tcell_str (&row[C_GRAN], "");   /* filled by the caller */
      cli_tcell_str (&row[C_ROUND], jb->round_name);
      cli_tcell_int (&row[C_NAN], (long long) r.nan);
      cli_tcell_int (&row[C_INF], (long long) r.inf);
      cli_tcell_num (&row[C_MSE], r.mse, NULL);
      cli_tcell_num (&row[C_RMSE], r.rmse, NULL);
      cli_tcell_num (&row[C_SQNR], r.sqnr_db, "%.6f");
      cli_tcell_num (&row[C_MAXABS], r.max_abs_err, NULL);
      cli_tcell_num (&row[C_MAXREL], r.max_rel_err, NULL);
      cli_tcell_num (&row[C_MEANREL], r.mean_rel_err, NULL);
      cli_tcell_num (&row[C_COSINE], r.cosine, "%.12f");
      cli_tcell_num (&row[C_CLIPPED], r.clipped_share, NULL);
      cli_tcell_num (&row[C_FLUSHED], r.flushed_share, NULL);
      cli_tcell_num (&row[C_ENTROPY], fl_code_hist_entropy (&jb->hist[0]), "%.6f");
      cli_tcell_num (&row[C_BPE], fl_quantizer_bits_per_element (jb->qz, t->count, jb->ngroups),
                     "%.6f");
      cli_tcell_num (&row[C_BIAS], r.bias, NULL);
    }
}

static void
push (char ***v, size_t *n, const char *s)
{
  char **nv = realloc (*v, (*n + 1) * sizeof *nv);
  if (!nv || !(nv[*n] = strdup (s)))
    cli_die (CLI_EXIT_USAGE, "out of memory");
  *v = nv;
  (*n)++;
}

/* a comma-separated list (scales, modes: none of them holds a comma) */
static void
add_list (char ***v, size_t *n, const char *arg)
{
  const char *p = arg;
  while (1)
    {
      const char *c = strchr (p, ',');
      size_t len = c ? (size_t) (c - p) : strlen (p);
      char **nv = realloc (*v, (*n + 1) * sizeof *nv);
      if (!nv || !(nv[*n] = strndup (p, len)))
        cli_die (CLI_EXIT_USAGE, "out of memory");
      *v = nv;
      (*n)++;
      if (!c)
        break;
      p = c + 1;
    }
}

int
cmd_compare (int argc, char **argv)
{
  static const struct option opts[] = {
    CLI_ROUNDING_LONGOPTS, CLI_STYLE_LONGOPTS,
    { "in", required_argument, NULL, 'i' }, { "formats", required_argument, NULL, 'f' },
    { "scale", required_argument, NULL, 's' }, { "granularity", required_argument, NULL, 'g' },
    { "threads", required_argument, NULL, 't' },
    { "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 }
  };
  fl_rounding r;
  fl_rounding_init (&r);
  cli_style style = CLI_MD;
  const char *out = NULL, *gran_arg = "tensor";
  char **ins = NULL, **fmts = NULL, **scales = NULL, **modes = NULL;
  size_t nin = 0, nfmt = 0, nscale = 0, nmode = 0;
  int nthreads = 0, opt;
  char err[512];
  while ((opt = getopt_long (argc, argv, "i:f:s:g:r:o:hV", opts, NULL)) != -1)
    {
      if (opt == 'r')
        {
          add_list (&modes, &nmode, optarg);
          continue;
        }
      if (cli_rounding_option (opt, optarg, &r) || cli_style_option (opt, optarg, &style, &out))
        continue;
      switch (opt)
        {
        case 'i': push (&ins, &nin, optarg); break;
        case 'f': cli_split_names (optarg, &fmts, &nfmt); break;
        case 's': add_list (&scales, &nscale, optarg); break;
        case 'g': gran_arg = optarg; break;
        case 't': nthreads = (int) cli_parse_ull ("--threads", optarg, 1024); break;
        case 'h': help (); return 0;
        case 'V': cli_version ();
        default: cli_usage_error ();
        }
    }
  for (int k = optind; k < argc; k++)
    push (&ins, &nin, argv[k]);
  if (nin == 0)
    cli_die (CLI_EXIT_USAGE, "expected --in FILE[:GLOB] (fmtlab compare --help)");
  if (nfmt == 0)
    cli_die (CLI_EXIT_USAGE, "expected --formats F1,F2,... (fmtlab compare --help)");
  if (nscale == 0)
    add_list (&scales, &nscale, "absmax");
  if (nmode == 0)
    add_list (&modes, &nmode, "rne");
  if (style == CLI_TEXT)
    style = CLI_MD;
  fl_granularity gran;
  if (fl_granularity_parse (gran_arg, &gran, err, sizeof err) != FL_OK)
    cli_die (CLI_EXIT_USAGE, "%s", err);
  if (r.sr_bits)
    {
      int any_sr = 0;
      for (size_t k = 0; k < nmode; k++)
        any_sr |= strcmp (modes[k], "sr") == 0;
      if (!any_sr)
        cli_warn ("--sr-bits has no effect without --round sr");
    }
#ifdef _OPENMP
  if (nthreads <= 0)
    nthreads = omp_get_max_threads ();
  else
    omp_set_num_threads (nthreads);    /* the scale searches' own loops too */
#else
  nthreads = 1;
#endif
  if (nthreads < 1)
    nthreads = 1;

  /* every format, scale and mode is checked before any tensor is read */
  engine e = { 0 };
  e.nthreads = nthreads;
  e.block_lcm = 1;
  e.njobs = nfmt * nscale * nmode;
  e.jobs = calloc (e.njobs, sizeof *e.jobs);
  e.qbuf = calloc ((size_t) nthreads, sizeof *e.qbuf);
  if (!e.jobs || !e.qbuf)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  uint64_t maxsub = SUB;
  size_t j = 0;
  for (size_t f = 0; f < nfmt; f++)
    for (size_t s = 0; s < nscale; s++)
      for (size_t m = 0; m < nmode; m++, j++)
        {
          job *jb = &e.jobs[j];
          fl_scale_strategy ss;
          fl_rounding rr = r;
          if (fl_scale_strategy_parse (scales[s], &ss, err, sizeof err) != FL_OK)
            cli_die (CLI_EXIT_USAGE, "%s", err);
          if (fl_round_mode_parse (modes[m], &rr.mode))
            cli_die (CLI_EXIT_USAGE, "rounding mode '%s': expected rne, rna, rtz, rup, rdn, rto or sr",
                     modes[m]);
          if (fl_quantizer_new (fmts[f], &ss, &gran, &rr, &jb->qz, err, sizeof err) != FL_OK)
            cli_die (CLI_EXIT_USAGE, "%s", err);
          fl_scale_strategy_name (&ss, jb->scale_name, sizeof jb->scale_name);
          snprintf (jb->round_name, sizeof jb->round_name, "%s", fl_round_mode_name (rr.mode));
          jb->hist = calloc ((size_t) nthreads, sizeof *jb->hist);
          if (!jb->hist)
            cli_die (CLI_EXIT_USAGE, "out of memory");
          for (int th = 0; th < nthreads; th++)
            if (fl_code_hist_init (&jb->hist[th], fl_quantizer_code_bits (jb->qz), err, sizeof err) != FL_OK)
              cli_die (CLI_EXIT_USAGE, "%s", err);
          jb->sub = SUB;
          if (fl_quantizer_is_block (jb->qz))
            {
              fl_block *b;
              fl_block_parse (fmts[f], &b, err, sizeof err);
              uint64_t k = fl_block_k (b);
              fl_block_free (b);
              jb->sub = k * (SUB / k ? SUB / k : 1);
              uint64_t l = e.block_lcm / gcd64 (e.block_lcm, k) * k;
              if (l > ((uint64_t) 1 << 26))
                cli_die (CLI_EXIT_USAGE, "the block sizes of these formats have no common "
                         "multiple below 2^26; compare them in separate runs");
              e.block_lcm = l;
            }
          maxsub = jb->sub > maxsub ? jb->sub : maxsub;
        }
  for (int th = 0; th < nthreads; th++)
    if (!(e.qbuf[th] = malloc (maxsub * sizeof (double))))
      cli_die (CLI_EXIT_USAGE, "out of memory");
  cli_tsource *src = calloc (nin, sizeof *src);
  if (!src)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  for (size_t k = 0; k < nin; k++)
    cli_tsource_open (&src[k], ins[k]);

  size_t nrows = 0, cap = 16;
  cli_tcell *cells = malloc (cap * N_COLS * sizeof *cells);
  if (!cells)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  char gname[64];
  fl_granularity_name (&gran, gname, sizeof gname);
  for (size_t k = 0; k < nin; k++)
    {
      for (size_t ti = 0; ti < src[k].nsel; ti++)
        {
          size_t first = nrows;
          compare_tensor (&e, &src[k], ti, &cells, &nrows, &cap);
          for (size_t row = first; row < nrows; row++)
            {
              const fl_block *b = fl_quantizer_block (e.jobs[row - first].qz);
              char bname[64];
              snprintf (bname, sizeof bname, "block:%zu", b ? fl_block_k (b) : (size_t) 0);
              cli_tcell_str (&cells[row * N_COLS + C_GRAN], b ? bname : gname);
            }
        }
      cli_tsource_close (&src[k]);
    }
  cli_out o;
  FILE *fp = cli_out_open (&o, out);
  cli_write_ttable (fp, cols, N_COLS, cells, nrows, style, NULL, NULL);
  cli_out_commit (&o);
  for (size_t k = 0; k < e.njobs; k++)
    {
      fl_quantizer_free (e.jobs[k].qz);
      free (e.jobs[k].scale);
      for (int th = 0; th < nthreads; th++)
        fl_code_hist_clear (&e.jobs[k].hist[th]);
      free (e.jobs[k].hist);
    }
  for (int th = 0; th < nthreads; th++)
    free (e.qbuf[th]);
  free (e.qbuf);
  free (e.jobs);
  free (e.parts);
  free (cells);
  free (src);
  return 0;
}
