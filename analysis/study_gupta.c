/* study_gupta.c -- Gupta et al. 2015, "Deep learning with limited numerical precision":
   16-bit fixed point trains a network when every result is rounded stochastically, not
   when it is rounded to nearest; a lower word length stalls and recovers when raised
   (doc/studies.md).  An MLP 784-100-10 on Fashion-MNIST (mlp-impl.h). */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mlp-impl.h"
#include "study-impl.h"

#define NIN 784
#define NHID 100
#define NOUT 10
#define BATCH 32
#define LR 0x1p-4   /* lr and 1/BATCH are powers of two: lr * mean gradient is exact */

typedef struct {
  double *x;        /* n x NIN, pixels / 255 */
  uint8_t *y;
  size_t n;
} dataset;

static void
dataset_free (dataset *d)
{
  free (d->x);
  free (d->y);
  memset (d, 0, sizeof *d);
}

/* Read IMAGES/LABELS, keep the first LIMIT examples of a seeded shuffle. */
static fl_status
load (const char *dir, const char *images, const char *labels, size_t limit, uint64_t seed,
      dataset *d, char *err, size_t errlen)
{
  memset (d, 0, sizeof *d);
  char pi[4096], pl[4096];
  snprintf (pi, sizeof pi, "%s/%s", dir, images);
  snprintf (pl, sizeof pl, "%s/%s", dir, labels);
  unsigned ndi, ndl;
  uint32_t di[4], dl[4];
  uint8_t *img = NULL, *lab = NULL;
  fl_status s = fl_idx_read_u8 (pi, (size_t) 1 << 28, &ndi, di, &img, err, errlen);
  if (s != FL_OK)
    return s;
  s = fl_idx_read_u8 (pl, (size_t) 1 << 24, &ndl, dl, &lab, err, errlen);
  if (s != FL_OK)
    {
      free (img);
      return s;
    }
  if (ndi != 3 || di[1] != 28 || di[2] != 28 || ndl != 1 || dl[0] != di[0])
    {
      fl_study_err (err, errlen, "'%s' and '%s' are not N 28x28 images with N labels", pi, pl);
      free (img);
      free (lab);
      return FL_EINVAL;
    }
  size_t n = di[0];
  for (size_t i = 0; i < n; i++)
    if (lab[i] >= NOUT)
      {
        fl_study_err (err, errlen, "'%s': label %u of example %zu is not a class 0-9", pl,
                      lab[i], i);
        free (img);
        free (lab);
        return FL_EINVAL;
      }
  size_t *perm = malloc (n * sizeof *perm);
  if (limit > n)
    limit = n;
  d->x = malloc (limit * NIN * sizeof *d->x);
  d->y = malloc (limit);
  if (!perm || !d->x || !d->y)
    {
      free (perm);
      free (img);
      free (lab);
      dataset_free (d);
      return FL_ENOMEM;
    }
  for (size_t i = 0; i < n; i++)
    perm[i] = i;
  uint64_t rng = seed;
  for (size_t i = n - 1; i > 0; i--)
    {
      size_t j = fl_study_rand (&rng) % (i + 1);
      size_t t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
  for (size_t i = 0; i < limit; i++)
    {
      for (size_t k = 0; k < NIN; k++)
        d->x[i * NIN + k] = img[perm[i] * NIN + k] / 255.0;
      d->y[i] = lab[perm[i]];
    }
  d->n = limit;
  free (perm);
  free (img);
  free (lab);
  return FL_OK;
}

/* One training run: the format (NULL-named: float32), the mode, and optionally a second
   format from epoch SWITCH_AT on. */
typedef struct {
  const char *label;
  const char *fmt;          /* e.g. "fixed8.8", "fp32" */
  const char *fmt2;         /* NULL, or the format after the switch */
  unsigned switch_at;       /* first epoch (1-based) in fmt2 */
  fl_round_mode mode;
  int il, fl, il2, fl2;     /* 0 for fp32 */
} run_spec;

#define MAX_EPOCHS 64

/* What one run measured; the runs go in parallel, the table is filled after them. */
typedef struct {
  double loss[MAX_EPOCHS], err[MAX_EPOCHS];
  fl_status st;
  char msg[256];
} run_out;

typedef struct {
  size_t done, total;       /* epochs, for progress */
} run_ctx;

static double
test_error (const fl_mlp *m, const dataset *te, fl_mlp_quant *q)
{
  double h[NHID], p[NOUT], x[NIN];
  size_t wrong = 0;
  for (size_t i = 0; i < te->n; i++)
    {
      memcpy (x, te->x + i * NIN, sizeof x);
      fl_mlp_round (q, x, NIN);
      if (fl_mlp_predict (m, x, h, p, q) != te->y[i])
        wrong++;
    }
  return (double) wrong / (double) te->n;
}

static fl_status
one_run (const run_spec *rs, const dataset *tr, const dataset *te, unsigned epochs,
         uint64_t seed, const fl_study_opts *o, run_ctx *ctx, run_out *ro)
{
  fl_format *f1 = NULL, *f2 = NULL;
  if (fl_format_parse (rs->fmt, &f1, ro->msg, sizeof ro->msg) != FL_OK
      || (rs->fmt2 && fl_format_parse (rs->fmt2, &f2, ro->msg, sizeof ro->msg) != FL_OK))
    {
      fl_format_free (f1);
      return FL_EINVAL;
    }
  fl_mlp_quant q = { .fmt = f1 };
  fl_rounding_init (&q.rnd);
  q.rnd.mode = rs->mode;
  q.rnd.overflow = FL_OVF_SAT;    /* the paper saturates */
  if (strcmp (rs->fmt, "fp32") == 0)
    q.rnd.overflow = FL_OVF_DEFAULT;
  q.rnd.seed = seed;
  /* the same initial weights and batch order for every run of a seed */
  uint64_t rng = seed ^ 0x5eedull;
  fl_mlp m;
  fl_mlp_grad g;
  double *xb = malloc (BATCH * NIN * sizeof *xb);
  uint8_t yb[BATCH];
  size_t *order = malloc (tr->n * sizeof *order);
  if (!xb || !order || fl_mlp_init (&m, NIN, NHID, NOUT, &rng, &q) != FL_OK)
    {
      free (xb);
      free (order);
      fl_format_free (f1);
      fl_format_free (f2);
      return FL_ENOMEM;
    }
  if (fl_mlp_grad_alloc (&g, &m) != FL_OK)
    {
      fl_mlp_free (&m);
      free (xb);
      free (order);
      fl_format_free (f1);
      fl_format_free (f2);
      return FL_ENOMEM;
    }
  for (size_t i = 0; i < tr->n; i++)
    order[i] = i;
  double e;
  for (unsigned ep = 1; ep <= epochs; ep++)
    {
      if (f2 && ep == rs->switch_at)
        {
          q.fmt = f2;      /* same IL, more FL: every weight is already on the new grid */
        }
      for (size_t i = tr->n - 1; i > 0; i--)
        {
          size_t j = fl_study_rand (&rng) % (i + 1), t = order[i];
          order[i] = order[j];
          order[j] = t;
        }
      double loss = 0;
      size_t nb = 0;
      for (size_t b = 0; b + BATCH <= tr->n; b += BATCH, nb++)
        {
          for (size_t k = 0; k < BATCH; k++)
            {
              memcpy (xb + k * NIN, tr->x + order[b + k] * NIN, NIN * sizeof *xb);
              yb[k] = tr->y[order[b + k]];
            }
          fl_mlp_round (&q, xb, BATCH * NIN);
          loss += fl_mlp_loss_grad (&m, xb, yb, BATCH, &g, &q);
          fl_mlp_step (&m, &g, LR, &q);
        }
      e = test_error (&m, te, &q);
      ro->loss[ep - 1] = nb ? loss / (double) nb : NAN;
      ro->err[ep - 1] = e;
      char stage[64];
      snprintf (stage, sizeof stage, "%s epoch %u/%u", rs->label, ep, epochs);
#pragma omp critical (gupta_progress)
      {
        ctx->done++;
        fl_study_progress (o, stage, (double) ctx->done / (double) ctx->total);
      }
    }
  fl_mlp_grad_free (&g);
  fl_mlp_free (&m);
  free (xb);
  free (order);
  fl_format_free (f1);
  fl_format_free (f2);
  return FL_OK;
}

fl_status
fl_study_gupta (const fl_study_opts *o, fl_study_result *res, char *err, size_t errlen)
{
  const char *dir = o->dataset_dir ? o->dataset_dir : FL_STUDY_DEFAULT_FMNIST_DIR;
  size_t ntrain = o->quick ? 2000 : 10000, ntest = o->quick ? 1000 : 5000;
  unsigned epochs = o->quick ? 3 : 6;
  dataset tr, te;
  fl_status s = load (dir, "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                      ntrain, o->seed, &tr, err, errlen);
  if (s != FL_OK)
    {
      if (s == FL_EINVAL)
        {
          size_t n = strlen (err);
          snprintf (err + n, errlen > n ? errlen - n : 0,
                    " (install Debian's dataset-fashion-mnist or give --dataset DIR)");
          s = FL_EUNSUPPORTED;
        }
      return s;
    }
  s = load (dir, "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", ntest,
            o->seed + 1, &te, err, errlen);
  if (s != FL_OK)
    {
      dataset_free (&tr);
      return s;
    }
  static const run_spec full[] = {
    { "float32", "fp32", NULL, 0, FL_RNE, 0, 0, 0, 0 },
    { "<8,8> rne", "fixed8.8", NULL, 0, FL_RNE, 8, 8, 0, 0 },
    { "<8,8> sr", "fixed8.8", NULL, 0, FL_SR, 8, 8, 0, 0 },
    { "<6,10> rne", "fixed6.10", NULL, 0, FL_RNE, 6, 10, 0, 0 },
    { "<6,10> sr", "fixed6.10", NULL, 0, FL_SR, 6, 10, 0, 0 },
    { "<4,12> rne", "fixed4.12", NULL, 0, FL_RNE, 4, 12, 0, 0 },
    { "<4,12> sr", "fixed4.12", NULL, 0, FL_SR, 4, 12, 0, 0 },
    { "<2,14> rne", "fixed2.14", NULL, 0, FL_RNE, 2, 14, 0, 0 },
    { "<2,14> sr", "fixed2.14", NULL, 0, FL_SR, 2, 14, 0, 0 },
    { "<4,8> sr (WL 12)", "fixed4.8", NULL, 0, FL_SR, 4, 8, 0, 0 },
    { "<4,8> sr -> <4,12> sr", "fixed4.8", "fixed4.12", 0, FL_SR, 4, 8, 4, 12 },
  };
  /* --quick: float32, <8,8> and <4,12> under rne and sr */
  static const size_t quick_runs[] = { 0, 1, 2, 5, 6 };
  run_spec runs[sizeof full / sizeof full[0]];
  size_t nruns = o->quick ? sizeof quick_runs / sizeof quick_runs[0]
    : sizeof full / sizeof full[0];
  for (size_t i = 0; i < nruns; i++)
    runs[i] = full[o->quick ? quick_runs[i] : i];
  static const char *const cn[] = { "run", "format", "rounding", "wl", "fl", "epoch",
                                    "train_loss", "test_error" };
  static const fl_cell_type ct[] = { FL_CELL_TEXT, FL_CELL_TEXT, FL_CELL_TEXT, FL_CELL_INT,
                                     FL_CELL_INT, FL_CELL_INT, FL_CELL_REAL, FL_CELL_REAL };
  static const char *const sn[] = { "run", "format", "rounding", "final_test_error",
                                    "float32_test_error", "gap_points" };
  static const fl_cell_type stt[] = { FL_CELL_TEXT, FL_CELL_TEXT, FL_CELL_TEXT, FL_CELL_REAL,
                                      FL_CELL_REAL, FL_CELL_REAL };
  fl_table *curves = fl_table_new ("curves", "Gupta et al. 2015 on Fashion-MNIST: test error "
                                   "per epoch (MLP 784-100-10)", 8, cn, ct);
  fl_table *sum = fl_table_new ("final", "Final test error by run (gap to float32 in "
                                "percentage points)", 6, sn, stt);
  run_out *outs = calloc (nruns, sizeof *outs);
  if (!curves || !sum || !outs)
    {
      fl_table_free (curves);
      fl_table_free (sum);
      free (outs);
      dataset_free (&tr);
      dataset_free (&te);
      return FL_ENOMEM;
    }
  run_ctx ctx = { 0, nruns * epochs };
  /* the runs are independent (each its own weights, generator and rounding stream): one
     per thread; the results do not depend on the thread count */
#pragma omp parallel for schedule(dynamic, 1)
  for (size_t i = 0; i < nruns; i++)
    {
      run_spec rs = runs[i];
      if (rs.fmt2)
        rs.switch_at = epochs / 2 + 1;
      outs[i].st = one_run (&rs, &tr, &te, epochs, o->seed, o, &ctx, &outs[i]);
    }
  for (size_t i = 0; i < nruns && s == FL_OK; i++)
    if (outs[i].st != FL_OK)
      {
        s = outs[i].st;
        fl_study_err (err, errlen, "%s: %s", runs[i].label,
                      outs[i].msg[0] ? outs[i].msg : "out of memory");
      }
  for (size_t i = 0; i < nruns && s == FL_OK; i++)
    for (unsigned ep = 1; ep <= epochs; ep++)
      {
        const run_spec *rs = &runs[i];
        int cur2 = rs->fmt2 && ep >= epochs / 2 + 1;
        size_t row;
        if ((s = fl_study_row (curves, &row)) != FL_OK)
          break;
        fl_table_set_text (curves, row, 0, rs->label);
        fl_table_set_text (curves, row, 1, cur2 ? rs->fmt2 : rs->fmt);
        fl_table_set_text (curves, row, 2, fl_round_mode_name (rs->mode));
        if (rs->il)
          {
            fl_table_set_int (curves, row, 3, cur2 ? rs->il2 + rs->fl2 : rs->il + rs->fl);
            fl_table_set_int (curves, row, 4, cur2 ? rs->fl2 : rs->fl);
          }
        fl_table_set_int (curves, row, 5, ep);
        fl_table_set_real (curves, row, 6, outs[i].loss[ep - 1]);
        fl_table_set_real (curves, row, 7, outs[i].err[ep - 1]);
      }
  double *finals = calloc (nruns, sizeof *finals);
  if (!finals)
    s = FL_ENOMEM;
  for (size_t i = 0; s == FL_OK && i < nruns; i++)
    finals[i] = outs[i].err[epochs - 1];
  free (outs);
  if (s == FL_OK)
    for (size_t i = 0; i < nruns; i++)
      {
        size_t row = fl_table_add_row (sum);
        fl_table_set_text (sum, row, 0, runs[i].label);
        fl_table_set_text (sum, row, 1, runs[i].fmt2 ? runs[i].fmt2 : runs[i].fmt);
        fl_table_set_text (sum, row, 2, fl_round_mode_name (runs[i].mode));
        fl_table_set_real (sum, row, 3, finals[i]);
        fl_table_set_real (sum, row, 4, finals[0]);
        fl_table_set_real (sum, row, 5, 100 * (finals[i] - finals[0]));
      }
  if (s == FL_OK)
    {
      fl_study_result_note (res, "Setting: MLP %d-%d-10 (ReLU, softmax), minibatch %d, "
                            "lr 2^-4, Glorot init, %zu training images (seeded subset), "
                            "%zu test images, %u epochs; fixed point saturates; products "
                            "accumulated exactly, rounded once.", NIN, NHID, BATCH, tr.n,
                            te.n, epochs);
      for (size_t i = 0; i < nruns; i++)
        fl_study_result_note (res, "- %s: final test error %.2f %%", runs[i].label,
                              100 * finals[i]);
      s = fl_study_result_take (res, s, &curves, &sum, (fl_table **) NULL);
    }
  fl_table_free (curves);
  fl_table_free (sum);
  free (finals);
  dataset_free (&tr);
  dataset_free (&te);
  return s;
}
