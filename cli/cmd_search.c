/* cmd_search.c -- 'fmtlab search --in FILE[:GLOB]... --bits B[,B...]': the best format for
   each tensor under a bit budget (doc/fit.md). */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include <fmtlab/search.h>
#include "tensorcli.h"

#define CHUNK ((uint64_t) 1 << 20)

static void
help (void)
{
  printf ("Usage: fmtlab search --in FILE[:GLOB]... --bits B[,B...] [options]\n\n"
          "For every selected tensor and bit budget B (bits per element, block scales,\n"
          "zero points and outliers included; a per-tensor scale is not counted), try\n"
          "every candidate of the grid -- each eXmY split with each specials policy, P3109,\n"
          "posits es 0-3, logarithmic posits, LNS, int, MX, NVFP4, OPAL and grouped-integer\n"
          "variants -- each scalar one with the best of compare's scale strategies, and\n"
          "print the winner, the runner-up and the margin in dB.  FILE may be\n"
          "synthetic:NAME[:N].  See doc/fit.md for the grid and the method.\n\n"
          "  -i, --in FILE[:GLOB]   input tensors (repeatable; also as arguments)\n"
          "  -b, --bits LIST        budgets in bits per element, 2 to 16 (e.g. 4,6,8)\n"
          "      --objective O      mse (default), sqnr, kl or maxrel\n"
          "  -a, --all              the full ranked list of every budget, after the summary\n"
          "      --fit              search on the tensor's fitted density (fmtlab fit; the\n"
          "                         family chosen by AIC) instead of its values\n"
          "      --agree            search on both the values and the fit: the other\n"
          "                         search's winner and whether the two agree\n"
          "      --threads N        OpenMP threads (results do not depend on it)\n"
          "  --csv, --json, --md    table style (Markdown by default)\n"
          "  -o, --output FILE      write FILE (atomically) instead of standard output\n"
          "  -h, --help  -V, --version\n");
}

enum { S_TENSOR, S_FILE, S_COUNT, S_BITS, S_OBJ, S_ON, S_NCAND, S_TIES, S_WIN, S_WSCALE, S_WBPE,
       S_WMSE, S_WSQNR, S_WKL, S_WMAXREL, S_RUN, S_RSCALE, S_RSQNR, S_MARGIN, S_SECONDS,
       S_SWIN, S_AGREE, N_S };
static const cli_column scols[N_S] = {
  { "tensor", "tensor" }, { "file", "file" }, { "count", "count" }, { "bits", "budget" },
  { "objective", "objective" }, { "searched_on", "on" }, { "candidates", "candidates" },
  { "ties", "ties" },
  { "winner", "winner" }, { "winner_scale", "scale" }, { "winner_bits", "bits/elem" },
  { "winner_mse", "MSE" }, { "winner_sqnr_db", "SQNR dB" }, { "winner_kl", "KL" },
  { "winner_max_rel_err", "max rel err" }, { "runner_up", "runner-up" },
  { "runner_up_scale", "scale" }, { "runner_up_sqnr_db", "SQNR dB" },
  { "margin_db", "margin dB" }, { "seconds", "seconds" },
  { "other_winner", "other winner" }, { "agree", "agree" },
};

enum { A_TENSOR, A_BITS, A_ON, A_RANK, A_FORMAT, A_SCALE, A_BPE, A_MSE, A_SQNR, A_KL,
       A_MAXREL, N_A };
static const cli_column acols[N_A] = {
  { "tensor", "tensor" }, { "bits", "budget" }, { "searched_on", "on" }, { "rank", "rank" },
  { "format", "format" }, { "scale", "scale" }, { "bits_per_element", "bits/elem" },
  { "mse", "MSE" }, { "sqnr_db", "SQNR dB" }, { "kl", "KL" },
  { "max_rel_err", "max rel err" },
};

typedef struct {
  cli_tcell *cells;
  size_t n, cap, ncols;
} table;

static cli_tcell *
new_row (table *t)
{
  if (t->n == t->cap)
    {
      t->cap = t->cap ? 2 * t->cap : 64;
      t->cells = realloc (t->cells, t->cap * t->ncols * sizeof *t->cells);
      if (!t->cells)
        cli_die (CLI_EXIT_USAGE, "out of memory");
    }
  cli_tcell *row = t->cells + t->n++ * t->ncols;
  for (size_t c = 0; c < t->ncols; c++)
    cli_tcell_str (&row[c], "");
  return row;
}

static const char *progress_label;
static void
progress_cb (void *arg, size_t done, size_t total)
{
  (void) arg;
  cli_progress (progress_label, done, total);
}

static double
now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

/* margin of the winner over the runner-up in dB: the SQNR difference for mse and sqnr,
   10 log10 of the score ratio for kl and maxrel */
static double
margin_db (fl_objective obj, const fl_search_result *w, const fl_search_result *r)
{
  if (obj == FL_OBJ_MSE || obj == FL_OBJ_SQNR)
    return w->sqnr_db - r->sqnr_db;
  return 10 * log10 (r->score / w->score);
}

int
cmd_search (int argc, char **argv)
{
  enum { OPT_OBJ = 1000, OPT_FIT, OPT_AGREE };
  static const struct option opts[] = {
    CLI_STYLE_LONGOPTS,
    { "in", required_argument, NULL, 'i' }, { "bits", required_argument, NULL, 'b' },
    { "objective", required_argument, NULL, OPT_OBJ }, { "all", no_argument, NULL, 'a' },
    { "fit", no_argument, NULL, OPT_FIT }, { "agree", no_argument, NULL, OPT_AGREE },
    { "threads", required_argument, NULL, 't' },
    { "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 }
  };
  cli_style style = CLI_MD;
  const char *out = NULL;
  char **ins = NULL;
  size_t nin = 0, nbits = 0;
  unsigned budgets[32];
  int nthreads = 0, all = 0, on_fit = 0, agree = 0, opt;
  fl_objective obj = FL_OBJ_MSE;
  char err[512];
  while ((opt = getopt_long (argc, argv, "i:b:at:o:hV", opts, NULL)) != -1)
    {
      if (cli_style_option (opt, optarg, &style, &out))
        continue;
      switch (opt)
        {
        case 'i':
          ins = realloc (ins, (nin + 1) * sizeof *ins);
          if (!ins)
            cli_die (CLI_EXIT_USAGE, "out of memory");
          ins[nin++] = optarg;
          break;
        case 'b':
          {
            char *copy = strdup (optarg), *save = NULL;
            if (!copy)
              cli_die (CLI_EXIT_USAGE, "out of memory");
            for (char *p = strtok_r (copy, ",", &save); p; p = strtok_r (NULL, ",", &save))
              {
                unsigned long long b = cli_parse_ull ("--bits", p, 16);
                if (b < 2)
                  cli_die (CLI_EXIT_USAGE, "--bits '%s': expected budgets of 2 to 16 bits", optarg);
                if (nbits == sizeof budgets / sizeof budgets[0])
                  cli_die (CLI_EXIT_USAGE, "--bits: at most 32 budgets");
                budgets[nbits++] = (unsigned) b;
              }
            free (copy);
            break;
          }
        case OPT_OBJ:
          if (fl_objective_parse (optarg, &obj))
            cli_die (CLI_EXIT_USAGE, "--objective '%s': expected mse, sqnr, kl or maxrel", optarg);
          break;
        case 'a': all = 1; break;
        case OPT_FIT: on_fit = 1; break;
        case OPT_AGREE: agree = 1; break;
        case 't': nthreads = (int) cli_parse_ull ("--threads", optarg, 1024); break;
        case 'h': help (); return 0;
        case 'V': cli_version ();
        default: cli_usage_error ();
        }
    }
  for (int k = optind; k < argc; k++)
    {
      ins = realloc (ins, (nin + 1) * sizeof *ins);
      if (!ins)
        cli_die (CLI_EXIT_USAGE, "out of memory");
      ins[nin++] = argv[k];
    }
  if (nin == 0)
    cli_die (CLI_EXIT_USAGE, "expected --in FILE[:GLOB] (fmtlab search --help)");
  if (nbits == 0)
    cli_die (CLI_EXIT_USAGE, "expected --bits B[,B...] (fmtlab search --help)");
  if ((on_fit || agree) && (obj == FL_OBJ_KL || obj == FL_OBJ_MAXREL))
    cli_die (CLI_EXIT_USAGE, "--objective %s: --fit and --agree take mse or sqnr (a density's "
             "largest relative error is 1 for every format)", fl_objective_name (obj));
  if (style == CLI_TEXT)
    style = CLI_MD;
#ifdef _OPENMP
  if (nthreads <= 0)
    nthreads = omp_get_max_threads ();
#else
  nthreads = 1;
#endif
  if (nthreads < 1)
    nthreads = 1;

  cli_tsource *src = calloc (nin, sizeof *src);
  if (!src)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  for (size_t k = 0; k < nin; k++)
    cli_tsource_open (&src[k], ins[k]);

  table sum = { NULL, 0, 0, N_S }, ranked = { NULL, 0, 0, N_A };
  size_t nagree = 0, ncompared = 0;
  for (size_t k = 0; k < nin; k++)
    {
      for (size_t ti = 0; ti < src[k].nsel; ti++)
        {
          const fl_tensor_info *t = cli_tsource_info (&src[k], ti);
          if (!t->readable)
            {
              cli_warn ("%s: tensor '%s' has type %s, which fmtlab does not read: skipped",
                        src[k].label, t->name, t->dtype_name);
              continue;
            }
          uint64_t n = t->count;
          double *x = malloc ((n ? n : 1) * sizeof *x);
          if (!x)
            cli_die (CLI_EXIT_USAGE, "%s: tensor '%s': out of memory for %llu values",
                     src[k].label, t->name, (unsigned long long) n);
          for (uint64_t lo = 0; lo < n; lo += CHUNK)
            cli_tsource_read (&src[k], ti, lo, (size_t) (n - lo < CHUNK ? n - lo : CHUNK), x + lo);
          fl_search_data *d;
          if (fl_search_data_new (x, (size_t) n, &d, err, sizeof err) != FL_OK)
            {
              cli_warn ("%s: tensor '%s': %s: skipped", src[k].label, t->name, err);
              free (x);
              continue;
            }
          fl_fit_report rep;
          const fl_fit *fit = NULL;
          char fit_label[64] = "samples";
          if (on_fit || agree)
            {
              if (fl_fit_all (x, (size_t) n, &rep, err, sizeof err) != FL_OK)
                {
                  cli_warn ("%s: tensor '%s': %s: searched on the samples only", src[k].label,
                            t->name, err);
                }
              else
                {
                  fit = &rep.fit[rep.chosen];
                  snprintf (fit_label, sizeof fit_label, "fit:%s",
                            fl_fit_family_name (rep.chosen));
                }
            }
          free (x);
          for (size_t b = 0; b < nbits; b++)
            {
              int passes = agree && fit ? 2 : 1;
              fl_search_result *res[2] = { NULL, NULL };
              size_t nres[2] = { 0, 0 };
              double secs[2] = { 0, 0 };
              char label[300];
              for (int p = 0; p < passes; p++)
                {
                  /* pass 0: what the user asked for; with --agree, pass 1 is the other */
                  const fl_fit *use = (on_fit && p == 0) || (agree && !on_fit && p == 1) ? fit : NULL;
                  snprintf (label, sizeof label, "%s %u bits%s", t->name, budgets[b],
                            use ? " (fit)" : "");
                  progress_label = label;
                  double t0 = now ();
                  if (fl_search (d, use, budgets[b], obj, nthreads, progress_cb, NULL, &res[p],
                                 &nres[p], err, sizeof err) != FL_OK)
                    cli_die (CLI_EXIT_USAGE, "%s: tensor '%s': %s", src[k].label, t->name, err);
                  secs[p] = now () - t0;
                  cli_progress_end ();
                }
              const fl_search_result *w = nres[0] ? &res[0][0] : NULL;
              /* the runner-up: the best candidate strictly worse than the winner (formats
                 with the same values under another name tie with it: counted as ties) */
              const fl_search_result *r = NULL;
              size_t ties = 0;
              for (size_t i = 1; w && i < nres[0] && !r; i++)
                if (res[0][i].score == w->score)
                  ties++;
                else
                  r = &res[0][i];
              int used_fit = on_fit && fit;
              cli_tcell *row = new_row (&sum);
              cli_tcell_str (&row[S_TENSOR], t->name);
              cli_tcell_str (&row[S_FILE], src[k].label);
              cli_tcell_int (&row[S_COUNT], (long long) n);
              cli_tcell_int (&row[S_BITS], budgets[b]);
              cli_tcell_str (&row[S_OBJ], fl_objective_name (obj));
              cli_tcell_str (&row[S_ON], used_fit ? fit_label : "samples");
              cli_tcell_int (&row[S_NCAND], (long long) nres[0]);
              cli_tcell_int (&row[S_TIES], (long long) ties);
              if (w)
                {
                  cli_tcell_str (&row[S_WIN], w->format);
                  cli_tcell_str (&row[S_WSCALE], w->scale);
                  cli_tcell_num (&row[S_WBPE], w->bits, "%.4f");
                  cli_tcell_num (&row[S_WMSE], w->mse, NULL);
                  cli_tcell_num (&row[S_WSQNR], w->sqnr_db, "%.4f");
                  cli_tcell_num (&row[S_WKL], w->kl, NULL);
                  cli_tcell_num (&row[S_WMAXREL], w->max_rel, NULL);
                }
              if (r)
                {
                  cli_tcell_str (&row[S_RUN], r->format);
                  cli_tcell_str (&row[S_RSCALE], r->scale);
                  cli_tcell_num (&row[S_RSQNR], r->sqnr_db, "%.4f");
                  cli_tcell_num (&row[S_MARGIN], margin_db (obj, w, r), "%.4f");
                }
              cli_tcell_num (&row[S_SECONDS], secs[0] + secs[1], "%.3f");
              if (passes == 2 && nres[1] && w)
                {
                  const fl_search_result *sw = used_fit ? &res[1][0] : w;
                  const fl_search_result *fw = used_fit ? w : &res[1][0];
                  cli_tcell_str (&row[S_SWIN], used_fit ? sw->format : fw->format);
                  int same = strcmp (sw->format, fw->format) == 0;
                  cli_tcell_str (&row[S_AGREE], same ? "yes" : "no");
                  nagree += same;
                  ncompared++;
                }
              for (size_t i = 0; all && i < nres[0]; i++)
                {
                  const fl_search_result *c = &res[0][i];
                  cli_tcell *a = new_row (&ranked);
                  cli_tcell_str (&a[A_TENSOR], t->name);
                  cli_tcell_int (&a[A_BITS], budgets[b]);
                  cli_tcell_str (&a[A_ON], used_fit ? fit_label : "samples");
                  cli_tcell_int (&a[A_RANK], (long long) i + 1);
                  cli_tcell_str (&a[A_FORMAT], c->format);
                  cli_tcell_str (&a[A_SCALE], c->scale);
                  cli_tcell_num (&a[A_BPE], c->bits, "%.4f");
                  cli_tcell_num (&a[A_MSE], c->mse, NULL);
                  cli_tcell_num (&a[A_SQNR], c->sqnr_db, "%.4f");
                  cli_tcell_num (&a[A_KL], c->kl, NULL);
                  cli_tcell_num (&a[A_MAXREL], c->max_rel, NULL);
                }
              free (res[0]);
              free (res[1]);
            }
          fl_search_data_free (d);
        }
      cli_tsource_close (&src[k]);
    }
  if (ncompared)
    cli_warn ("fit and samples pick the same winner in %zu of %zu searches", nagree, ncompared);
  /* without --agree the last two columns stay empty: leave them out */
  size_t ns = agree ? N_S : S_SWIN;
  if (ns != N_S)
    for (size_t i = 0; i < sum.n; i++)
      memmove (sum.cells + i * ns, sum.cells + i * N_S, ns * sizeof *sum.cells);
  cli_out o;
  FILE *fp = cli_out_open (&o, out);
  if (!all)
    cli_write_ttable (fp, scols, ns, sum.cells, sum.n, style, NULL, NULL);
  else if (style == CLI_JSON)
    {
      /* one document: {"ranked": [...], "summary": [...]} */
      char *buf = NULL;
      size_t len = 0;
      FILE *mf = open_memstream (&buf, &len);
      if (!mf)
        cli_die (CLI_EXIT_USAGE, "out of memory");
      cli_write_ttable (mf, scols, ns, sum.cells, sum.n, CLI_JSON, NULL, NULL);
      fclose (mf);
      json_t *top = json_object ();
      json_t *summary = json_loads (buf, 0, NULL);
      free (buf);
      json_object_set_new (top, "summary", summary ? summary : json_array ());
      cli_write_ttable (fp, acols, N_A, ranked.cells, ranked.n, CLI_JSON, top, "ranked");
    }
  else
    {
      cli_write_ttable (fp, scols, ns, sum.cells, sum.n, style, NULL, NULL);
      fputc ('\n', fp);
      cli_write_ttable (fp, acols, N_A, ranked.cells, ranked.n, style, NULL, NULL);
    }
  cli_out_commit (&o);
  free (sum.cells);
  free (ranked.cells);
  free (src);
  free (ins);
  return 0;
}
