/* cmd_fit.c -- 'fmtlab fit --in FILE[:GLOB]... [--formats F,...] [--scale S]': distribution
   fits per tensor and each format's predicted error beside the measured one (doc/fit.md). */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <fmtlab/fit.h>
#include <fmtlab/scale.h>
#include "tensorcli.h"

#define CHUNK ((uint64_t) 1 << 20)
/* block formats: the prediction is measured on this many seeded draws from the fit */
#define BLOCK_DRAWS ((size_t) 1 << 20)
#define DRAW_SEED 20260127u

static void
help (void)
{
  printf ("Usage: fmtlab fit --in FILE[:GLOB]... [--formats F1,F2,...] [options]\n\n"
          "Fit normal, Laplace, logistic, Student t, generalized normal and a two-normal\n"
          "mixture to every selected tensor by maximum likelihood (log-likelihood, AIC,\n"
          "Kolmogorov-Smirnov statistic; the family chosen by AIC is marked).  With\n"
          "--formats, also the MSE and SQNR each format is predicted to cost under the\n"
          "chosen fit (the integral of the squared error over the format's rounding cells,\n"
          "saturating; block formats: measured on 2^20 seeded draws from the fit) beside\n"
          "the values measured as 'fmtlab compare' measures them.  FILE may be\n"
          "synthetic:NAME[:N].  See doc/fit.md.\n\n"
          "  -i, --in FILE[:GLOB]   input tensors (repeatable; also as arguments)\n"
          "  -f, --formats LIST     scalar or block formats, comma-separated (repeatable)\n"
          "  -s, --scale S          absmax (default), pow2, percentile:P, mse, kl\n"
          "  --csv, --json, --md    table style (Markdown by default); with --formats the\n"
          "                         fits table, a blank line, then the predictions (JSON:\n"
          "                         {\"fits\": [...], \"predictions\": [...]})\n"
          "  -o, --output FILE      write FILE (atomically) instead of standard output\n"
          "  -h, --help  -V, --version\n");
}

enum { F_TENSOR, F_FILE, F_COUNT, F_FAMILY, F_CHOSEN, F_LOC, F_SCALE, F_SHAPE, F_WEIGHT,
       F_LOC2, F_SCALE2, F_LOGLIK, F_AIC, F_DAIC, F_KS, F_CONV, N_F };
static const cli_column fcols[N_F] = {
  { "tensor", "tensor" }, { "file", "file" }, { "count", "count" }, { "family", "family" },
  { "chosen", "chosen" }, { "loc", "loc" }, { "scale", "scale" }, { "shape", "shape" },
  { "weight", "weight" }, { "loc2", "loc2" }, { "scale2", "scale2" },
  { "loglik", "log L" }, { "aic", "AIC" }, { "delta_aic", "dAIC" }, { "ks", "KS" },
  { "converged", "converged" },
};

enum { P_TENSOR, P_FORMAT, P_SCALE, P_SVALUE, P_FIT, P_METHOD, P_PMSE, P_MMSE, P_GAP,
       P_PSQNR, P_MSQNR, N_P };
static const cli_column pcols[N_P] = {
  { "tensor", "tensor" }, { "format", "format" }, { "scale", "scale" },
  { "scale_value", "s" }, { "fit", "fit" }, { "method", "method" },
  { "predicted_mse", "predicted MSE" }, { "measured_mse", "measured MSE" },
  { "gap_percent", "gap %" }, { "predicted_sqnr_db", "predicted SQNR dB" },
  { "measured_sqnr_db", "measured SQNR dB" },
};

/* MSE of a quantizer over x[0..n) (its scales from x), as compare measures it. */
static void
measure (fl_quantizer *qz, const double *x, uint64_t n, double *scale_value,
         fl_metrics_result *res, const char *what)
{
  char err[512];
  uint64_t shape[1] = { n };
  double s = 1;
  if (!fl_quantizer_is_block (qz)
      && fl_quantizer_scales (qz, 1, shape, x, &s, err, sizeof err) != FL_OK)
    cli_die (CLI_EXIT_USAGE, "%s: %s", what, err);
  double *q = malloc (CHUNK * sizeof *q);
  if (!q)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  fl_metrics m;
  fl_metrics_init (&m);
  for (uint64_t lo = 0; lo < n; lo += CHUNK)
    {
      uint64_t len = n - lo < CHUNK ? n - lo : CHUNK;
      if (fl_quantizer_apply (qz, 1, shape, fl_quantizer_is_block (qz) ? NULL : &s, lo,
                              x + lo, q, (size_t) len, NULL, &m, NULL, err,
                              sizeof err) != FL_OK)
        cli_die (CLI_EXIT_USAGE, "%s: %s", what, err);
    }
  free (q);
  fl_metrics_finish (&m, res);
  *scale_value = fl_quantizer_is_block (qz) ? NAN : s;
}

static void
fit_tensor (cli_tsource *src, size_t ti, char **fmts, size_t nfmt,
            const fl_scale_strategy *ss, const char *scale_name, cli_ttable *fits,
            cli_ttable *preds)
{
  const fl_tensor_info *t = cli_tsource_info (src, ti);
  char err[512], what[512];
  if (!t->readable)
    {
      cli_warn ("%s: tensor '%s' has type %s, which fmtlab does not read: skipped",
                src->label, t->name, t->dtype_name);
      return;
    }
  snprintf (what, sizeof what, "%s: tensor '%s'", src->label, t->name);
  uint64_t n = t->count;
  double *x = malloc ((n ? n : 1) * sizeof *x);
  if (!x)
    cli_die (CLI_EXIT_USAGE, "%s: out of memory for %llu values", what, (unsigned long long) n);
  for (uint64_t lo = 0; lo < n; lo += CHUNK)
    cli_tsource_read (src, ti, lo, (size_t) (n - lo < CHUNK ? n - lo : CHUNK), x + lo);
  cli_progress (t->name, 0, 2);
  fl_fit_report rep;
  if (fl_fit_all (x, (size_t) n, &rep, err, sizeof err) != FL_OK)
    {
      cli_progress_end ();
      cli_warn ("%s: %s: skipped", what, err);
      free (x);
      return;
    }
  double best_aic = INFINITY;
  for (int k = 0; k < FL_FIT_NFAMILIES; k++)
    if (rep.fit[k].aic < best_aic)
      best_aic = rep.fit[k].aic;
  for (int k = 0; k < FL_FIT_NFAMILIES; k++)
    {
      const fl_fit *f = &rep.fit[k];
      cli_tcell *row = cli_ttable_row (fits);
      cli_tcell_str (&row[F_TENSOR], t->name);
      cli_tcell_str (&row[F_FILE], src->label);
      cli_tcell_int (&row[F_COUNT], (long long) rep.n);
      cli_tcell_str (&row[F_FAMILY], fl_fit_family_name (f->family));
      cli_tcell_str (&row[F_CHOSEN], f->family == rep.chosen ? "yes" : "");
      cli_tcell_num (&row[F_LOC], f->loc, NULL);
      cli_tcell_num (&row[F_SCALE], f->scale, NULL);
      cli_tcell_num (&row[F_SHAPE], f->shape, NULL);
      cli_tcell_num (&row[F_WEIGHT], f->weight, NULL);
      cli_tcell_num (&row[F_LOC2], f->loc2, NULL);
      cli_tcell_num (&row[F_SCALE2], f->scale2, NULL);
      cli_tcell_num (&row[F_LOGLIK], f->loglik, "%.6f");
      cli_tcell_num (&row[F_AIC], f->aic, "%.6f");
      cli_tcell_num (&row[F_DAIC], f->aic - best_aic, "%.6f");
      cli_tcell_num (&row[F_KS], f->ks, "%.6g");
      cli_tcell_str (&row[F_CONV], f->converged ? "yes" : "no");
    }
  const fl_fit *fit = &rep.fit[rep.chosen];
  double ex2 = fl_fit_second_moment (fit);
  fl_granularity g = { FL_GRAN_TENSOR, 0, 0 };
  fl_rounding r;
  fl_rounding_init (&r);
  for (size_t j = 0; j < nfmt; j++)
    {
      fl_quantizer *qz;
      if (fl_quantizer_new (fmts[j], ss, &g, &r, &qz, err, sizeof err) != FL_OK)
        cli_die (CLI_EXIT_USAGE, "%s", err);
      double s;
      fl_metrics_result meas;
      measure (qz, x, n, &s, &meas, what);
      double pred = NAN;
      const char *method;
      if (fl_quantizer_is_block (qz))
        {
          /* a block format's scales follow each block's values: simulated on draws */
          method = "simulated";
          double *draws = malloc (BLOCK_DRAWS * sizeof *draws);
          if (!draws)
            cli_die (CLI_EXIT_USAGE, "out of memory");
          if (fl_fit_sample (fit, DRAW_SEED, draws, BLOCK_DRAWS, err, sizeof err) != FL_OK)
            cli_die (CLI_EXIT_USAGE, "%s: %s", what, err);
          double dummy;
          fl_metrics_result sim;
          measure (qz, draws, BLOCK_DRAWS, &dummy, &sim, what);
          pred = sim.mse;
          free (draws);
        }
      else
        {
          method = "cells";
          fl_format *f;
          fl_cells cells;
          if (fl_format_parse (fmts[j], &f, err, sizeof err) != FL_OK)
            cli_die (CLI_EXIT_USAGE, "%s", err);
          if (fl_cells_init (&cells, f, err, sizeof err) != FL_OK)
            {
              cli_warn ("%s: %s: no prediction", what, err);
              method = "none";
            }
          else
            {
              if (fl_fit_predict_mse (fit, &cells, s, &pred, err, sizeof err) != FL_OK)
                {
                  cli_warn ("%s: format '%s': %s", what, fmts[j], err);
                  pred = NAN;
                }
              fl_cells_clear (&cells);
            }
          fl_format_free (f);
        }
      cli_tcell *row = cli_ttable_row (preds);
      cli_tcell_str (&row[P_TENSOR], t->name);
      cli_tcell_str (&row[P_FORMAT], fl_quantizer_format_name (qz));
      cli_tcell_str (&row[P_SCALE], fl_quantizer_is_block (qz) ? "block" : scale_name);
      cli_tcell_num (&row[P_SVALUE], s, NULL);
      cli_tcell_str (&row[P_FIT], fl_fit_family_name (rep.chosen));
      cli_tcell_str (&row[P_METHOD], method);
      cli_tcell_num (&row[P_PMSE], pred, NULL);
      cli_tcell_num (&row[P_MMSE], meas.mse, NULL);
      cli_tcell_num (&row[P_GAP], 100 * (pred / meas.mse - 1), "%.3f");
      cli_tcell_num (&row[P_PSQNR], 10 * log10 (ex2 / pred), "%.4f");
      cli_tcell_num (&row[P_MSQNR], meas.sqnr_db, "%.4f");
      fl_quantizer_free (qz);
      cli_progress (t->name, 1 + j + 1, 1 + nfmt + 1);
    }
  cli_progress_end ();
  free (x);
}

int
cmd_fit (int argc, char **argv)
{
  static const struct option opts[] = {
    CLI_STYLE_LONGOPTS,
    { "in", required_argument, NULL, 'i' }, { "formats", required_argument, NULL, 'f' },
    { "scale", required_argument, NULL, 's' },
    { "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 }
  };
  cli_style style = CLI_MD;
  const char *out = NULL, *scale_arg = "absmax";
  char **ins = NULL, **fmts = NULL;
  size_t nin = 0, nfmt = 0;
  int opt;
  char err[512];
  while ((opt = getopt_long (argc, argv, "i:f:s:o:hV", opts, NULL)) != -1)
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
        case 'f': cli_split_names (optarg, &fmts, &nfmt); break;
        case 's': scale_arg = optarg; break;
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
    cli_die (CLI_EXIT_USAGE, "expected --in FILE[:GLOB] (fmtlab fit --help)");
  if (style == CLI_TEXT)
    style = CLI_MD;
  fl_scale_strategy ss;
  if (fl_scale_strategy_parse (scale_arg, &ss, err, sizeof err) != FL_OK)
    cli_die (CLI_EXIT_USAGE, "%s", err);
  if (ss.kind == FL_SCALE_NONE)
    cli_die (CLI_EXIT_USAGE, "--scale none: a prediction needs a scaled, saturating quantizer "
             "(absmax, pow2, percentile:P, mse or kl)");
  char scale_name[64];
  fl_scale_strategy_name (&ss, scale_name, sizeof scale_name);
  /* every format is checked before any tensor is read */
  fl_granularity g = { FL_GRAN_TENSOR, 0, 0 };
  fl_rounding r;
  fl_rounding_init (&r);
  for (size_t j = 0; j < nfmt; j++)
    {
      fl_quantizer *qz;
      if (fl_quantizer_new (fmts[j], &ss, &g, &r, &qz, err, sizeof err) != FL_OK)
        cli_die (CLI_EXIT_USAGE, "%s", err);
      fl_quantizer_free (qz);
    }
  cli_tsource *src = calloc (nin, sizeof *src);
  if (!src)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  for (size_t k = 0; k < nin; k++)
    cli_tsource_open (&src[k], ins[k]);
  cli_ttable tabs[2] = { { "fits", fcols, N_F, NULL, 0, 0 },
                        { "predictions", pcols, N_P, NULL, 0, 0 } };
  for (size_t k = 0; k < nin; k++)
    {
      for (size_t ti = 0; ti < src[k].nsel; ti++)
        fit_tensor (&src[k], ti, fmts, nfmt, &ss, scale_name, &tabs[0], &tabs[1]);
      cli_tsource_close (&src[k]);
    }
  cli_out o;
  FILE *fp = cli_out_open (&o, out);
  /* without --formats only the fits */
  cli_write_ttables (fp, tabs, nfmt ? 2 : 1, style);
  cli_out_commit (&o);
  for (size_t j = 0; j < nfmt; j++)
    free (fmts[j]);
  free (fmts);
  free (tabs[0].cells);
  free (tabs[1].cells);
  free (src);
  free (ins);
  return 0;
}
