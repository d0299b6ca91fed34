/* study_opal.c -- OPAL (arXiv 2409.05902): microscaling blocks of 128 that keep their 4
   largest |x| in bfloat16 quantize activations far better than plain MX blocks at a small
   storage cost, and softmax can be computed with shifts and subtractions in the log2
   domain.  Blocks: the opal: and mx: block formats of the library (fmtlab's model of the
   paper, doc/blocks.md) on real weights and recorded activations.  Softmax: the model
   below against the exact softmax computed with MPFR on the recorded Softmax inputs of
   the PP-OCRv4 recognizer.  doc/studies.md has the findings. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mpfr.h>
#include "study-impl.h"
#include "study-data-impl.h"

/* The recorded Softmax inputs of the recognizer (doc/data.md): two attention maps and the
   CTC head's logits over 6625 classes. */
static const char *const softmax_inputs[] = {
  "ppocr_v4_rec/p2o.MatMul.3", "ppocr_v4_rec/p2o.MatMul.15", "ppocr_v4_rec/p2o.Add.277",
};
#define N_SOFTMAX (sizeof softmax_inputs / sizeof softmax_inputs[0])

/* 2^t by shift and a linear fraction: 2^floor(t) * (1 + frac(t)) (Mitchell). */
static double
pow2_shift (double t)
{
  double i = floor (t);
  return ldexp (1 + (t - i), (int) i);
}

/* log2 s by leading-one detection and a linear fraction: E + (s / 2^E - 1), s > 0. */
static double
log2_shift (double s)
{
  int e;
  double m = frexp (s, &e);    /* s = m 2^e, m in [0.5, 1) */
  return (e - 1) + (2 * m - 1);
}

/* The modelled softmax of one row (doc/studies.md, opal): d = x - max; t = d + d/2 - d/16
   (log2 e ~ 1.4375 by two shifts and adds); u = pow2_shift (t); S = sum u;
   y = pow2_shift (t - log2_shift (S)) (the division as a subtraction of logs).  In binary64:
   the model's own approximations, not a fixed-point datapath's truncations. */
static void
softmax_shift (const double *x, size_t n, double *y)
{
  double m = -INFINITY, s = 0;
  for (size_t j = 0; j < n; j++)
    if (x[j] > m)
      m = x[j];
  for (size_t j = 0; j < n; j++)
    {
      double d = x[j] - m;
      y[j] = d + ldexp (d, -1) - ldexp (d, -4);
      s += pow2_shift (y[j]);
    }
  double ls = log2_shift (s);
  for (size_t j = 0; j < n; j++)
    y[j] = pow2_shift (y[j] - ls);
}

/* The exact softmax of one row with MPFR (PREC bits, each exp and the quotient correctly
   rounded there, the sum exact to PREC bits), rounded to binary64 into p; *sum_dev
   receives |sum p - 1| computed exactly in MPFR. */
#define PREC 256
static void
softmax_mpfr (const double *x, size_t n, double *p, double *sum_dev, mpfr_t *e)
{
  mpfr_t s, t;
  mpfr_inits2 (PREC, s, t, (mpfr_ptr) 0);
  double m = -INFINITY;
  for (size_t j = 0; j < n; j++)
    if (x[j] > m)
      m = x[j];
  mpfr_set_zero (s, 1);
  for (size_t j = 0; j < n; j++)
    {
      mpfr_set_d (t, x[j], MPFR_RNDN);       /* exact */
      mpfr_sub_d (t, t, m, MPFR_RNDN);       /* exact at 256 bits: two binary32 values */
      mpfr_exp (e[j], t, MPFR_RNDN);
      mpfr_add (s, s, e[j], MPFR_RNDN);
    }
  mpfr_set_zero (t, 1);
  for (size_t j = 0; j < n; j++)
    {
      mpfr_div (e[j], e[j], s, MPFR_RNDN);
      p[j] = mpfr_get_d (e[j], MPFR_RNDN);
      mpfr_add_d (t, t, p[j], MPFR_RNDN);
    }
  mpfr_sub_ui (t, t, 1, MPFR_RNDN);
  *sum_dev = fabs (mpfr_get_d (t, MPFR_RNDN));
  mpfr_clears (s, t, (mpfr_ptr) 0);
}

static fl_status
softmax_part (const fl_study_opts *o, const char *data, fl_study_result *res, char *err,
              size_t errlen)
{
  static const char *const cn[] = { "input", "rows", "row_length", "max_abs_err",
                                    "max_rel_err", "mean_kl_nats", "max_kl_nats",
                                    "mean_abs_sum_dev", "mpfr_max_sum_dev", "argmax_agree" };
  static const fl_cell_type ct[] = { FL_CELL_TEXT, FL_CELL_INT, FL_CELL_INT, FL_CELL_REAL,
                                     FL_CELL_REAL, FL_CELL_REAL, FL_CELL_REAL, FL_CELL_REAL,
                                     FL_CELL_REAL, FL_CELL_REAL };
  fl_table *t = fl_table_new ("softmax", "Shift-and-subtract log2 softmax against the exact "
                              "softmax (MPFR, 256 bits) on the recognizer's recorded Softmax "
                              "inputs; KL(exact || renormalised model); mean_abs_sum_dev: "
                              "|sum of the model's outputs - 1|", 10, cn, ct);
  if (!t)
    return FL_ENOMEM;
  fl_status st = FL_OK;
  for (size_t k = 0; k < N_SOFTMAX && st == FL_OK; k++)
    {
      double *x = NULL;
      uint64_t count, shape[16];
      int ndim;
      st = fl_study_read_npy (data, softmax_inputs[k], &x, &count, &ndim, shape, err, errlen);
      if (st != FL_OK)
        break;
      size_t len = ndim > 0 ? shape[ndim - 1] : 1, rows = len ? count / len : 0;
      size_t use = o->quick && rows > 64 ? 64 : rows;
      double *p = malloc (len * sizeof *p), *y = malloc (len * sizeof *y);
      mpfr_t *e = malloc (len * sizeof *e);
      if (!p || !y || !e)
        {
          free (p);
          free (y);
          free (e);
          free (x);
          st = FL_ENOMEM;
          break;
        }
      for (size_t j = 0; j < len; j++)
        mpfr_init2 (e[j], PREC);
      double maxabs = 0, maxrel = 0, klsum = 0, klmax = 0, sdev = 0, mpfr_dev = 0;
      size_t agree = 0;
      for (size_t r = 0; r < use; r++)
        {
          /* Rows evenly spaced over the tensor (all of them without --quick). */
          const double *row = x + (r * rows / use) * len;
          double dev, ysum = 0;
          softmax_mpfr (row, len, p, &dev, e);
          softmax_shift (row, len, y);
          if (dev > mpfr_dev)
            mpfr_dev = dev;
          size_t ap = 0, ay = 0;
          for (size_t j = 0; j < len; j++)
            {
              double a = fabs (y[j] - p[j]), rel = p[j] > 0 ? a / p[j] : 0;
              if (a > maxabs)
                maxabs = a;
              if (rel > maxrel)
                maxrel = rel;
              ysum += y[j];
              if (p[j] > p[ap])
                ap = j;
              if (y[j] > y[ay])
                ay = j;
            }
          double kl = 0;
          for (size_t j = 0; j < len; j++)
            if (p[j] > 0)
              kl += p[j] * log (p[j] / (y[j] / ysum));
          klsum += kl;
          if (kl > klmax)
            klmax = kl;
          sdev += fabs (ysum - 1);
          agree += ap == ay;
        }
      for (size_t j = 0; j < len; j++)
        mpfr_clear (e[j]);
      free (e);
      free (p);
      free (y);
      free (x);
      size_t r;
      if ((st = fl_study_row (t, &r)) != FL_OK)
        break;
      fl_table_set_text (t, r, 0, softmax_inputs[k]);
      fl_table_set_int (t, r, 1, (int64_t) use);
      fl_table_set_int (t, r, 2, (int64_t) len);
      fl_table_set_real (t, r, 3, maxabs);
      fl_table_set_real (t, r, 4, maxrel);
      fl_table_set_real (t, r, 5, use ? klsum / use : NAN);
      fl_table_set_real (t, r, 6, klmax);
      fl_table_set_real (t, r, 7, use ? sdev / use : NAN);
      fl_table_set_real (t, r, 8, mpfr_dev);
      fl_table_set_real (t, r, 9, use ? (double) agree / use : NAN);
      fl_study_result_note (res, "- softmax of %s (%zu rows of %zu): max abs error %.3g, max "
                            "relative error %.3g, KL %.3g nats mean (%.3g max), outputs sum "
                            "to 1 within %.3g on average, argmax kept in %.1f%% of rows.",
                            softmax_inputs[k], use, len, maxabs, maxrel,
                            use ? klsum / use : NAN, klmax, use ? sdev / use : NAN,
                            use ? 100.0 * agree / use : NAN);
    }
  if (st == FL_OK)
    return fl_study_result_add (res, t);
  fl_table_free (t);
  return st;
}

static const unsigned elem_bits[] = { 3, 4, 5, 8 };
#define N_ELEM (sizeof elem_bits / sizeof elem_bits[0])
#define N_KIND 3
static const char *const kind_fmt[N_KIND] = { "opal:elem=exmy_e0m%u,k=128",
                                              "mx:elem=exmy_e0m%u,k=128",
                                              "mx:elem=exmy_e0m%u,k=32" };
static const char *const kind_name[N_KIND] = { "opal k=128", "mx k=128", "mx k=32" };

fl_status
fl_study_opal (const fl_study_opts *o, fl_study_result *res, char *err, size_t errlen)
{
  const char *data = o->data_dir ? o->data_dir : FL_STUDY_DEFAULT_DATA_DIR;
  fl_study_tensors ts;
  fl_status st = fl_study_format_tensors (o, &ts, err, errlen);
  if (st != FL_OK)
    return st;
  static const char *const cn[] = { "tensor", "kind", "n", "elem_bits", "format", "scheme",
                                    "sqnr_db", "bits_per_element" };
  static const fl_cell_type ct[] = { FL_CELL_TEXT, FL_CELL_TEXT, FL_CELL_INT, FL_CELL_INT,
                                     FL_CELL_TEXT, FL_CELL_TEXT, FL_CELL_REAL, FL_CELL_REAL };
  static const char *const cs[] = { "elem_bits", "scheme", "tensors", "mean_sqnr_db",
                                    "mean_sqnr_weights_db", "mean_sqnr_activations_db",
                                    "bits_per_element", "gain_over_mx128_db",
                                    FL_STUDY_ACC_COLS };
  static const fl_cell_type cst[] = { FL_CELL_INT, FL_CELL_TEXT, FL_CELL_INT, FL_CELL_REAL,
                                      FL_CELL_REAL, FL_CELL_REAL, FL_CELL_REAL, FL_CELL_REAL,
                                      FL_STUDY_ACC_TYPES };
  fl_table *tb = fl_table_new ("blocks", "SQNR and storage of OPAL blocks (4 bf16 outliers "
                               "per 128) and MX blocks with sign-magnitude integer elements, "
                               "per tensor", 8, cn, ct);
  fl_table *tsum = fl_table_new ("by_scheme", "Mean SQNR by element width and scheme over "
                                 "the tensors; accuracy of the whole models quantized to "
                                 "the scheme", 12, cs, cst);
  fl_study_acc *acc = NULL;
  size_t acc_missing = 0;
  fl_quantizer *qz[N_ELEM][N_KIND] = { { NULL } };
  double (*sq)[N_ELEM][N_KIND] = calloc (ts.n + 1, sizeof *sq);
  double bits[N_ELEM][N_KIND] = { { 0 } };
  if (!tb || !tsum || !sq)
    st = FL_ENOMEM;
  if (st == FL_OK)
    st = fl_study_acc_open (data, &acc);
  for (size_t b = 0; b < N_ELEM && st == FL_OK; b++)
    for (size_t k = 0; k < N_KIND && st == FL_OK; k++)
      {
        char name[64];
        snprintf (name, sizeof name, kind_fmt[k], elem_bits[b] - 1);
        st = fl_study_quantizer (name, "absmax", &qz[b][k], err, errlen);
      }
  for (size_t i = 0; i < ts.n && st == FL_OK; i++)
    {
      fl_study_progress (o, "opal: blocks", 0.8 * i / ts.n);
      for (size_t b = 0; b < N_ELEM && st == FL_OK; b++)
        for (size_t k = 0; k < N_KIND && st == FL_OK; k++)
          {
            double bpe;
            st = fl_study_measure (qz[b][k], &ts.t[i], &sq[i][b][k], &bpe, NULL, err, errlen);
            if (st != FL_OK)
              break;
            bits[b][k] = bpe;   /* the same for every tensor but the last partial block */
            size_t r;
            if ((st = fl_study_row (tb, &r)) != FL_OK)
              break;
            fl_table_set_text (tb, r, 0, ts.t[i].label);
            fl_table_set_text (tb, r, 1, ts.t[i].is_weight ? "weight" : "activation");
            fl_table_set_int (tb, r, 2, (int64_t) ts.t[i].n);
            fl_table_set_int (tb, r, 3, elem_bits[b]);
            fl_table_set_text (tb, r, 4, fl_quantizer_format_name (qz[b][k]));
            fl_table_set_text (tb, r, 5, kind_name[k]);
            fl_table_set_real (tb, r, 6, sq[i][b][k]);
            fl_table_set_real (tb, r, 7, bpe);
          }
    }
  for (size_t b = 0; b < N_ELEM && st == FL_OK; b++)
    {
      double mean[N_KIND];
      for (size_t k = 0; k < N_KIND && st == FL_OK; k++)
        {
          double s = 0, sw = 0, sa = 0, g = 0;
          size_t nw = 0, na = 0;
          for (size_t i = 0; i < ts.n; i++)
            {
              s += sq[i][b][k];
              g += sq[i][b][k] - sq[i][b][1];
              if (ts.t[i].is_weight)
                sw += sq[i][b][k], nw++;
              else
                sa += sq[i][b][k], na++;
            }
          mean[k] = s / ts.n;
          size_t r;
          if ((st = fl_study_row (tsum, &r)) != FL_OK)
            break;
          fl_table_set_int (tsum, r, 0, elem_bits[b]);
          fl_table_set_text (tsum, r, 1, kind_name[k]);
          fl_table_set_int (tsum, r, 2, (int64_t) ts.n);
          fl_table_set_real (tsum, r, 3, s / ts.n);
          fl_table_set_real (tsum, r, 4, nw ? sw / nw : NAN);
          fl_table_set_real (tsum, r, 5, na ? sa / na : NAN);
          fl_table_set_real (tsum, r, 6, bits[b][k]);
          fl_table_set_real (tsum, r, 7, g / ts.n);
          char name[64];
          snprintf (name, sizeof name, kind_fmt[k], elem_bits[b] - 1);
          /* block formats carry their own scales */
          fl_study_acc_set (acc, tsum, r, 8, name, "none", "tensor", &acc_missing);
        }
      if (st == FL_OK)
        fl_study_result_note (res, "- %u-bit elements: OPAL %.2f dB at %.3f bits/element, "
                              "MX k=128 %.2f dB at %.3f, MX k=32 %.2f dB at %.3f (mean over "
                              "%zu tensors).", elem_bits[b], mean[0], bits[b][0], mean[1],
                              bits[b][1], mean[2], bits[b][2], ts.n);
    }
  if (st == FL_OK)
    {
      fl_study_progress (o, "opal: softmax", 0.8);
      st = softmax_part (o, data, res, err, errlen);
    }
  if (st == FL_OK)
    {
      fl_study_result_note (res, "- %zu tensors (%s).", ts.n, o->quick
                            ? "--quick: 2 per source, at most 4096 values each; 64 softmax "
                            "rows per input" : "at most 12 per source, 65536 values each; "
                            "every softmax row");
      st = fl_study_acc_note (acc, res, "by_scheme", N_ELEM * N_KIND, acc_missing);
    }
  st = fl_study_result_take (res, st, &tsum, &tb, (fl_table **) NULL);
  fl_study_acc_close (acc);
  for (size_t b = 0; b < N_ELEM; b++)
    for (size_t k = 0; k < N_KIND; k++)
      fl_quantizer_free (qz[b][k]);
  fl_table_free (tb);
  fl_table_free (tsum);
  free (sq);
  fl_study_tensors_free (&ts);
  return st;
}
