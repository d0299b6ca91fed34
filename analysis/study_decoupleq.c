/* study_decoupleq.c -- decoupleQ (arXiv 2404.12759): 2-bit uniform grouped weights fitted
   against the layer's recorded inputs lose far less than rounding to nearest.  On the
   PP-OCRv4 recognizer's MatMul layers and Silero VAD's LSTM weights, with their recorded
   inputs (doc/data.md), at 2, 3 and 4 bits, groups 64, 128 and per channel, four methods
   (include/fmtlab/layerfit.h); doc/studies.md has the findings. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fmtlab/layerfit.h>
#include "study-impl.h"

typedef struct {
  char label[48];
  const char *model;        /* file under DATA/models/ (or DATA/) */
  char weight[64];          /* tensor name in the model */
  int in_out;               /* 1: stored inputs x outputs (MatMul's B), transposed here */
  char act[96];             /* DATA/activations/<act>.npy: the layer's input */
} layer_spec;

/* The recognizer's MatMul layers linear_77..linear_84 (ONNX nodes MatMul.N, weights
   stored inputs x outputs) and the recorded tensor that feeds each; then Silero VAD's
   LSTM input and recurrent weights (outputs x inputs) and their recorded inputs. */
static const unsigned ppocr_matmul[] = { 0, 6, 8, 10, 12, 18, 20, 22 };
static const char *const ppocr_input[] = {
  "p2o.Add.235", "reshape2_26.tmp_0", "p2o.Add.245", "swish_13.tmp_0",
  "p2o.Add.255", "reshape2_28.tmp_0", "p2o.Add.265", "swish_14.tmp_0" };
#define N_PPOCR (sizeof ppocr_matmul / sizeof ppocr_matmul[0])
static const char *const silero_lstm[][3] = { { "W_ih", "weight_ih", "Unsqueeze_3" },
                                              { "W_hh", "weight_hh", "Unsqueeze_4" } };
#define N_LAYERS (N_PPOCR + sizeof silero_lstm / sizeof silero_lstm[0])

/* Layer I of the list above. */
static void
layer_at (size_t i, layer_spec *L)
{
  if (i < N_PPOCR)
    {
      snprintf (L->label, sizeof L->label, "ppocr MatMul.%u (linear_%zu)", ppocr_matmul[i],
                77 + i);
      L->model = "ch_PP-OCRv4_rec_infer.onnx";
      snprintf (L->weight, sizeof L->weight, "linear_%zu.w_0", 77 + i);
      L->in_out = 1;
      snprintf (L->act, sizeof L->act, "ppocr_v4_rec/%s", ppocr_input[i]);
      return;
    }
  const char *const *s = silero_lstm[i - N_PPOCR];
  snprintf (L->label, sizeof L->label, "silero LSTM %s", s[0]);
  L->model = "silero_vad_v5.onnx";
  snprintf (L->weight, sizeof L->weight, "If_0_then_branch__Inline_0__decoder.rnn.%s", s[1]);
  L->in_out = 0;
  snprintf (L->act, sizeof L->act,
            "silero_vad_v5/If_0_then_branch_Inline_0_decoder_rnn_%s_output_0", s[2]);
}

static char *
model_path (const char *data, const char *model)
{
  char *p = NULL;
  size_t n = strlen (data) + strlen (model) + 16;
  if (!(p = malloc (n)))
    return NULL;
  snprintf (p, n, "%s/models/%s", data, model);
  if (access (p, R_OK) != 0)
    snprintf (p, n, "%s/%s", data, model);
  return p;
}

/* W (m x n, rows = outputs) and X (N x n) of one layer. */
static fl_status
load_layer (const char *data, const layer_spec *L, double **w, size_t *m, size_t *n,
            double **x, size_t *N, char *err, size_t errlen)
{
  char *mp = model_path (data, L->model);
  if (!mp)
    return FL_ENOMEM;
  size_t len = strlen (mp) + strlen (L->weight) + 2;
  char *spec = malloc (len);
  if (!spec)
    {
      free (mp);
      return FL_ENOMEM;
    }
  snprintf (spec, len, "%s:%s", mp, L->weight);
  size_t r, c;
  double *raw = NULL;
  fl_status st = fl_load_matrix (spec, &raw, &r, &c, err, errlen);
  free (spec);
  free (mp);
  if (st != FL_OK)
    return st;
  if (L->in_out)
    {
      double *t = malloc (r * c * sizeof *t);
      if (!t)
        {
          free (raw);
          return FL_ENOMEM;
        }
      for (size_t i = 0; i < r; i++)
        for (size_t j = 0; j < c; j++)
          t[j * r + i] = raw[i * c + j];
      free (raw);
      raw = t;
      size_t tmp = r;
      r = c;
      c = tmp;
    }
  *w = raw;
  *m = r;
  *n = c;
  len = strlen (data) + strlen (L->act) + 32;
  char *ap = malloc (len);
  if (!ap)
    return FL_ENOMEM;
  snprintf (ap, len, "%s/activations/%s.npy", data, L->act);
  size_t xc;
  st = fl_load_matrix (ap, x, N, &xc, err, errlen);
  free (ap);
  if (st == FL_OK && xc != *n)
    {
      fl_study_err (err, errlen, "%s: the recorded input has %zu columns, the weight %zu",
                    L->label, xc, *n);
      free (*x);
      st = FL_EINVAL;
    }
  if (st != FL_OK)
    free (*w);
  return st;
}

/* What one layer measured: loss[bits][group][method]. */
typedef struct {
  double loss[3][3][FL_LFIT_METHODS], ref;
  size_t m, n, N;
  int load_failed;
  fl_status st;
  char msg[512];
} layer_out;

static void
fit_layer (const char *data, const layer_spec *L, const fl_layerfit_opts *fo0,
           const unsigned *bits, size_t nbits, const size_t *groups, size_t ngroups,
           const fl_study_opts *o, size_t *done, size_t total, layer_out *lo)
{
  double *w = NULL, *x = NULL;
  fl_layerfit_opts fo = *fo0;
  lo->st = load_layer (data, L, &w, &lo->m, &lo->n, &x, &lo->N, lo->msg, sizeof lo->msg);
  if (lo->st != FL_OK)
    {
      lo->load_failed = 1;
      return;
    }
  size_t m = lo->m, n = lo->n;
  double *h = malloc (n * n * sizeof *h), *wq = malloc (m * n * sizeof *wq),
         *zero = calloc (m * n, sizeof *zero);
  if (!h || !wq || !zero)
    lo->st = FL_ENOMEM;
  else
    lo->st = fl_layerfit_hessian (x, lo->N, n, 0.01, h, lo->msg, sizeof lo->msg);
  if (lo->st == FL_OK)
    lo->ref = fl_layer_loss (w, zero, m, n, h);
  for (size_t bi = 0; bi < nbits && lo->st == FL_OK; bi++)
    for (size_t gi = 0; gi < ngroups && lo->st == FL_OK; gi++)
      {
        fo.bits = bits[bi];
        fo.group = groups[gi];
        for (int me = 0; me < FL_LFIT_METHODS && lo->st == FL_OK; me++)
          {
            lo->st = fl_layerfit (w, m, n, h, (fl_lfit_method) me, &fo, wq, NULL, NULL, NULL,
                                  lo->msg, sizeof lo->msg);
            if (lo->st == FL_OK)
              lo->loss[bi][gi][me] = fl_layer_loss (w, wq, m, n, h);
          }
        char stage[96];
        if (groups[gi])
          snprintf (stage, sizeof stage, "%.40s %u bits g %zu", L->label, bits[bi], groups[gi]);
        else
          snprintf (stage, sizeof stage, "%.40s %u bits per channel", L->label, bits[bi]);
#pragma omp critical (decoupleq_progress)
        {
          ++*done;
          fl_study_progress (o, stage, (double) *done / (double) total);
        }
      }
  free (h);
  free (wq);
  free (zero);
  free (w);
  free (x);
}

fl_status
fl_study_decoupleq (const fl_study_opts *o, fl_study_result *res, char *err, size_t errlen)
{
  const char *data = o->data_dir ? o->data_dir : FL_STUDY_DEFAULT_DATA_DIR;
  static const unsigned bits_full[] = { 2, 3, 4 }, bits_quick[] = { 2 };
  static const size_t groups_full[] = { 64, 128, 0 }, groups_quick[] = { 64, 0 };
  const unsigned *bits = o->quick ? bits_quick : bits_full;
  const size_t *groups = o->quick ? groups_quick : groups_full;
  size_t nbits = o->quick ? 1 : 3, ngroups = o->quick ? 2 : 3;
  static const size_t quick_layers[] = { 1, 8 };   /* a 120x120 MatMul and the LSTM's W_ih */
  size_t nl = o->quick ? 2 : N_LAYERS;
  static const char *const cn[] = { "layer", "rows", "cols", "tokens", "bits", "group",
                                    "method", "loss", "rel_loss", "vs_rtn" };
  static const fl_cell_type ct[] = { FL_CELL_TEXT, FL_CELL_INT, FL_CELL_INT, FL_CELL_INT,
                                     FL_CELL_INT, FL_CELL_TEXT, FL_CELL_TEXT, FL_CELL_REAL,
                                     FL_CELL_REAL, FL_CELL_REAL };
  fl_table *t = fl_table_new ("layer_loss", "H-weighted layer loss tr(dW H dW^T) by layer, "
                              "bits, group and method (vs_rtn: loss / round-to-nearest's)",
                              10, cn, ct);
  static const char *const sn[] = { "bits", "group", "method", "layers", "geomean_vs_rtn",
                                    "worst_vs_rtn", "not_below_rtn" };
  static const fl_cell_type stt[] = { FL_CELL_INT, FL_CELL_TEXT, FL_CELL_TEXT, FL_CELL_INT,
                                      FL_CELL_REAL, FL_CELL_REAL, FL_CELL_INT };
  fl_table *sum = fl_table_new ("by_method", "Loss relative to round-to-nearest over the "
                                "layers (geometric mean, worst)", 7, sn, stt);
  if (!t || !sum)
    {
      fl_table_free (t);
      fl_table_free (sum);
      return FL_ENOMEM;
    }
  /* aggregates [bits][group][method] */
  double lsum[3][3][FL_LFIT_METHODS] = { { { 0 } } }, worst[3][3][FL_LFIT_METHODS];
  int nabove[3][3][FL_LFIT_METHODS] = { { { 0 } } }, nlay[3][3] = { { 0 } };
  for (size_t a = 0; a < 3; a++)
    for (size_t b = 0; b < 3; b++)
      for (size_t c = 0; c < FL_LFIT_METHODS; c++)
        worst[a][b][c] = 0;
  fl_layerfit_opts fo;
  fl_layerfit_opts_init (&fo);
  if (o->quick)
    fo.rounds = 1;
  fl_status st = FL_OK;
  size_t total = nl * nbits * ngroups, done = 0, nskipped = 0;
  layer_out *outs = calloc (nl, sizeof *outs);
  layer_spec *specs = calloc (nl, sizeof *specs);
  for (size_t li = 0; specs && li < nl; li++)
    layer_at (o->quick ? quick_layers[li] : li, &specs[li]);
  if (!outs || !specs)
    {
      free (outs);
      free (specs);
      fl_table_free (t);
      fl_table_free (sum);
      return FL_ENOMEM;
    }
  /* the layers are independent: one per thread, the tables filled in order afterwards */
#pragma omp parallel for schedule(dynamic, 1)
  for (size_t li = 0; li < nl; li++)
    fit_layer (data, &specs[li], &fo, bits, nbits, groups,
               ngroups, o, &done, total, &outs[li]);
  if (outs[0].load_failed)
    {
      fl_study_err (err, errlen, "%s (run ./quickstart, whose data step fetches the models "
                    "and records the activations, or give --data DIR)", outs[0].msg);
      st = FL_EUNSUPPORTED;
    }
  for (size_t li = 0; li < nl && st == FL_OK; li++)
    {
      const layer_spec *L = &specs[li];
      layer_out *lo = &outs[li];
      if (lo->load_failed)
        {
          fl_study_result_note (res, "- skipped %s: %s", L->label, lo->msg);
          nskipped++;
          continue;
        }
      if (lo->st != FL_OK)
        {
          st = lo->st;
          fl_study_err (err, errlen, "%s: %s", L->label, lo->msg);
          break;
        }
      for (size_t bi = 0; bi < nbits; bi++)
        for (size_t gi = 0; gi < ngroups; gi++)
          {
            char gname[32];
            if (groups[gi])
              snprintf (gname, sizeof gname, "%zu", groups[gi]);
            else
              snprintf (gname, sizeof gname, "channel");
            double rtn = lo->loss[bi][gi][FL_LFIT_RTN];
            for (int me = 0; me < FL_LFIT_METHODS; me++)
              {
                double l = lo->loss[bi][gi][me];
                size_t row;
                if ((st = fl_study_row (t, &row)) != FL_OK)
                  break;
                fl_table_set_text (t, row, 0, L->label);
                fl_table_set_int (t, row, 1, (int64_t) lo->m);
                fl_table_set_int (t, row, 2, (int64_t) lo->n);
                fl_table_set_int (t, row, 3, (int64_t) lo->N);
                fl_table_set_int (t, row, 4, bits[bi]);
                fl_table_set_text (t, row, 5, gname);
                fl_table_set_text (t, row, 6, fl_lfit_method_name ((fl_lfit_method) me));
                fl_table_set_real (t, row, 7, l);
                fl_table_set_real (t, row, 8, l / lo->ref);
                fl_table_set_real (t, row, 9, l / rtn);
                lsum[bi][gi][me] += log (l / rtn);
                if (l / rtn > worst[bi][gi][me])
                  worst[bi][gi][me] = l / rtn;
                nabove[bi][gi][me] += !(l < rtn) && me != FL_LFIT_RTN;
              }
            nlay[bi][gi]++;
          }
    }
  free (outs);
  free (specs);
  if (st != FL_OK)
    {
      fl_table_free (t);
      fl_table_free (sum);
      return st;
    }
  int dq_above = 0;
  for (size_t bi = 0; bi < nbits; bi++)
    for (size_t gi = 0; gi < ngroups; gi++)
      for (int me = 0; me < FL_LFIT_METHODS; me++)
        {
          size_t row = fl_table_add_row (sum);
          char gname[32];
          if (groups[gi])
            snprintf (gname, sizeof gname, "%zu", groups[gi]);
          else
            snprintf (gname, sizeof gname, "channel");
          fl_table_set_int (sum, row, 0, bits[bi]);
          fl_table_set_text (sum, row, 1, gname);
          fl_table_set_text (sum, row, 2, fl_lfit_method_name ((fl_lfit_method) me));
          fl_table_set_int (sum, row, 3, nlay[bi][gi]);
          if (nlay[bi][gi])
            {
              fl_table_set_real (sum, row, 4, exp (lsum[bi][gi][me] / nlay[bi][gi]));
              fl_table_set_real (sum, row, 5, worst[bi][gi][me]);
            }
          fl_table_set_int (sum, row, 6, nabove[bi][gi][me]);
          if (me == FL_LFIT_DECOUPLEQ)
            {
              dq_above += nabove[bi][gi][me];
              fl_study_result_note (res, "- %u bits, group %s: decoupleQ loss / RTN loss: "
                                    "geometric mean %.4f, worst %.4f over %d layers; GPTQ "
                                    "%.4f; MSE grid %.4f", bits[bi], gname,
                                    exp (lsum[bi][gi][me] / nlay[bi][gi]), worst[bi][gi][me],
                                    nlay[bi][gi],
                                    exp (lsum[bi][gi][FL_LFIT_GPTQ] / nlay[bi][gi]),
                                    exp (lsum[bi][gi][FL_LFIT_MSE] / nlay[bi][gi]));
            }
        }
  fl_study_result_note (res, "Setting: %zu layers (%zu skipped), H = X^T X / N damped by 1 %% "
                        "of its mean diagonal, decoupleQ with %u alternation rounds of %u "
                        "projected-gradient steps.  decoupleQ's loss is below round-to-nearest's "
                        "on %s (%d layer/setting pairs not below).", nl - nskipped, nskipped,
                        fo.rounds, fo.pg_steps, dq_above ? "not every layer" : "every layer",
                        dq_above);
  return fl_study_result_take (res, FL_OK, &t, &sum, (fl_table **) NULL);
}
