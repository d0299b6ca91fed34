/* study_exmy.c -- eXmY (arXiv 2405.13938): for a given width every split of exponent and
   mantissa bits is a format, and choosing the split per tensor beats one global split;
   odd widths pack densely.  On real weights and recorded activations (study-data-impl.h),
   widths 3 to 8, every split in the paper's all-finite convention (exmy_eXmY) and the
   IEEE-like one where it has a normal binade (eXmY, X >= 2), absmax scale per tensor.
   doc/studies.md has the findings. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fmtlab/pack.h>
#include "study-impl.h"
#include "study-data-impl.h"

#define MIN_B 3
#define MAX_B 8
#define NB (MAX_B - MIN_B + 1)
#define MAX_SPLITS (2 * MAX_B)

typedef struct {
  char name[24];
  int ieee;
  unsigned bits;
  fl_quantizer *qz;
} split;

/* The splits of every width, in order of width then exponent bits. */
static fl_status
make_splits (split *sp, size_t *nsp, char *err, size_t errlen)
{
  size_t n = 0;
  for (unsigned b = MIN_B; b <= MAX_B; b++)
    for (int ieee = 0; ieee <= 1; ieee++)
      for (unsigned x = ieee ? 2 : 0; x <= b - 1; x++)
        {
          split *s = &sp[n];
          snprintf (s->name, sizeof s->name, "%se%um%u", ieee ? "" : "exmy_", x, b - 1 - x);
          s->ieee = ieee;
          s->bits = b;
          fl_status st = fl_study_quantizer (s->name, "absmax", &s->qz, err, errlen);
          if (st != FL_OK)
            return st;
          n++;
          *nsp = n;
        }
  return FL_OK;
}

static double
mean_of (const double *v, size_t n)
{
  double s = 0;
  for (size_t i = 0; i < n; i++)
    s += v[i];
  return n ? s / n : NAN;
}

fl_status
fl_study_exmy (const fl_study_opts *o, fl_study_result *res, char *err, size_t errlen)
{
  const char *data = o->data_dir ? o->data_dir : FL_STUDY_DEFAULT_DATA_DIR;
  fl_study_tensors ts;
  fl_status st = fl_study_format_tensors (o, &ts, err, errlen);
  if (st != FL_OK)
    return st;
  split sp[NB * MAX_SPLITS];
  size_t nsp = 0;
  double *sq = NULL;
  fl_table *tsplit = NULL, *tbest = NULL, *tglob = NULL, *tpack = NULL;
  size_t *gbest = NULL;
  uint64_t *codes = NULL;
  uint8_t *c8 = NULL, *packed = NULL, *back = NULL;
  fl_study_acc *acc = NULL;
  size_t acc_missing = 0;
  memset (sp, 0, sizeof sp);
  if ((st = fl_study_acc_open (data, &acc)) != FL_OK)
    goto out;
  if ((st = make_splits (sp, &nsp, err, errlen)) != FL_OK)
    goto out;

  static const char *const cs[] = { "tensor", "kind", "n", "bits", "format", "convention",
                                    "sqnr_db" };
  static const fl_cell_type ts_[] = { FL_CELL_TEXT, FL_CELL_TEXT, FL_CELL_INT, FL_CELL_INT,
                                      FL_CELL_TEXT, FL_CELL_TEXT, FL_CELL_REAL };
  static const char *const cb[] = { "tensor", "kind", "bits", "best_format", "best_sqnr_db",
                                    "global_format", "global_sqnr_db", "sqnr_gain_db",
                                    "bits_needed", "bits_saved" };
  /* bits_saved: linear interpolation of the best SQNR between whole widths (about 6 dB a
     bit), so that gains smaller than a whole bit show. */
  static const fl_cell_type tb[] = { FL_CELL_TEXT, FL_CELL_TEXT, FL_CELL_INT, FL_CELL_TEXT,
                                     FL_CELL_REAL, FL_CELL_TEXT, FL_CELL_REAL, FL_CELL_REAL,
                                     FL_CELL_INT, FL_CELL_REAL };
  static const char *const cg[] = { "bits", "global_format", "global_mean_sqnr_db",
                                    "best_mean_sqnr_db", "mean_gain_db", "max_gain_db",
                                    "mean_bits_saved", "tensors_best_is_global",
                                    FL_STUDY_ACC_COLS };
  static const fl_cell_type tg[] = { FL_CELL_INT, FL_CELL_TEXT, FL_CELL_REAL, FL_CELL_REAL,
                                     FL_CELL_REAL, FL_CELL_REAL, FL_CELL_REAL, FL_CELL_INT,
                                     FL_STUDY_ACC_TYPES };
  static const char *const cp[] = { "tensor", "bits", "format", "n", "packed_bytes",
                                    "ceil_nB_8", "pack_bytes", "round_trip" };
  static const fl_cell_type tp[] = { FL_CELL_TEXT, FL_CELL_INT, FL_CELL_TEXT, FL_CELL_INT,
                                     FL_CELL_INT, FL_CELL_INT, FL_CELL_INT, FL_CELL_INT };
  tsplit = fl_table_new ("splits", "SQNR (dB) of every eXmY split of 3-8 bits per tensor "
                         "(absmax scale per tensor)", 7, cs, ts_);
  tbest = fl_table_new ("per_tensor", "Per-tensor best split against the global split of "
                        "the same width; bits_needed: the smallest width whose best split "
                        "reaches the global split's SQNR", 10, cb, tb);
  tglob = fl_table_new ("global", "Per width: the global split (best mean SQNR over the "
                        "tensors) against choosing per tensor (bits saved at equal SQNR, "
                        "interpolated); accuracy of the whole models quantized to the global "
                        "split", 12, cg, tg);
  tpack = fl_table_new ("packed", "The equal-SQNR mix (each tensor at bits_needed with its "
                        "best split) packed with fl_pack8: bytes against ceil(n*B/8)", 8, cp,
                        tp);
  sq = calloc (ts.n * nsp + 1, sizeof *sq);
  gbest = calloc (NB, sizeof *gbest);
  if (!tsplit || !tbest || !tglob || !tpack || !sq || !gbest)
    {
      st = FL_ENOMEM;
      goto out;
    }
  for (size_t i = 0; i < ts.n && st == FL_OK; i++)
    {
      fl_study_progress (o, "exmy: splits", (double) i / ts.n);
      for (size_t s = 0; s < nsp && st == FL_OK; s++)
        {
          double bits;
          st = fl_study_measure (sp[s].qz, &ts.t[i], &sq[i * nsp + s], &bits, NULL, err,
                                 errlen);
          if (st != FL_OK)
            break;
          size_t r;
          if ((st = fl_study_row (tsplit, &r)) != FL_OK)
            break;
          fl_table_set_text (tsplit, r, 0, ts.t[i].label);
          fl_table_set_text (tsplit, r, 1, ts.t[i].is_weight ? "weight" : "activation");
          fl_table_set_int (tsplit, r, 2, (int64_t) ts.t[i].n);
          fl_table_set_int (tsplit, r, 3, sp[s].bits);
          fl_table_set_text (tsplit, r, 4, sp[s].name);
          fl_table_set_text (tsplit, r, 5, sp[s].ieee ? "ieee" : "exmy");
          fl_table_set_real (tsplit, r, 6, sq[i * nsp + s]);
        }
    }
  if (st != FL_OK)
    goto out;

  /* The global split of each width: the best mean SQNR over the tensors. */
  for (unsigned b = MIN_B; b <= MAX_B; b++)
    {
      double bestm = -INFINITY;
      for (size_t s = 0; s < nsp; s++)
        if (sp[s].bits == b)
          {
            double m = 0;
            for (size_t i = 0; i < ts.n; i++)
              m += sq[i * nsp + s];
            if (m > bestm)
              {
                bestm = m;
                gbest[b - MIN_B] = s;
              }
          }
    }
  /* Per tensor: best split per width, then the comparisons. */
  double *bestsq = malloc (ts.n * NB * sizeof *bestsq);
  size_t *bests = malloc (ts.n * NB * sizeof *bests);
  double *gain = malloc (ts.n * sizeof *gain), *saved = malloc (ts.n * sizeof *saved),
    *gsq = malloc (ts.n * sizeof *gsq), *bsq = malloc (ts.n * sizeof *bsq);
  if (!bestsq || !bests || !gain || !saved || !gsq || !bsq)
    st = FL_ENOMEM;
  for (size_t i = 0; i < ts.n && st == FL_OK; i++)
    for (unsigned b = MIN_B; b <= MAX_B; b++)
      {
        double bv = -INFINITY;
        size_t bi = 0;
        for (size_t s = 0; s < nsp; s++)
          if (sp[s].bits == b && sq[i * nsp + s] > bv)
            {
              bv = sq[i * nsp + s];
              bi = s;
            }
        bestsq[i * NB + b - MIN_B] = bv;
        bests[i * NB + b - MIN_B] = bi;
      }
  size_t maxn = 0;
  for (size_t i = 0; i < ts.n; i++)
    if (ts.t[i].n > maxn)
      maxn = ts.t[i].n;
  codes = malloc (maxn * sizeof *codes);
  c8 = malloc (maxn);
  back = malloc (maxn);
  packed = malloc (fl_pack_bytes (MAX_B, maxn) + 1);
  if (!codes || !c8 || !back || !packed)
    st = FL_ENOMEM;
  uint64_t mix_bytes[NB] = { 0 }, global_bytes[NB] = { 0 };
  size_t pack_mismatch = 0, pack_not_exact = 0;
  for (unsigned b = MIN_B; b <= MAX_B && st == FL_OK; b++)
    {
      size_t g = gbest[b - MIN_B], same = 0;
      for (size_t i = 0; i < ts.n && st == FL_OK; i++)
        {
          double gs = sq[i * nsp + g], bs = bestsq[i * NB + b - MIN_B];
          unsigned need = b;
          for (unsigned b2 = MIN_B; b2 <= b; b2++)
            if (bestsq[i * NB + b2 - MIN_B] >= gs)
              {
                need = b2;
                break;
              }
          double frac = need;
          if (need > MIN_B)
            {
              double lo = bestsq[i * NB + need - 1 - MIN_B], hi = bestsq[i * NB + need - MIN_B];
              if (hi > lo)
                frac = need - 1 + (gs - lo) / (hi - lo);
            }
          gsq[i] = gs;
          bsq[i] = bs;
          gain[i] = bs - gs;
          saved[i] = b - frac;
          size_t bi = bests[i * NB + b - MIN_B];
          if (bi == g)
            same++;
          size_t r;
          if ((st = fl_study_row (tbest, &r)) != FL_OK)
            break;
          fl_table_set_text (tbest, r, 0, ts.t[i].label);
          fl_table_set_text (tbest, r, 1, ts.t[i].is_weight ? "weight" : "activation");
          fl_table_set_int (tbest, r, 2, b);
          fl_table_set_text (tbest, r, 3, sp[bi].name);
          fl_table_set_real (tbest, r, 4, bs);
          fl_table_set_text (tbest, r, 5, sp[g].name);
          fl_table_set_real (tbest, r, 6, gs);
          fl_table_set_real (tbest, r, 7, bs - gs);
          fl_table_set_int (tbest, r, 8, need);
          fl_table_set_real (tbest, r, 9, b - frac);

          /* Pack the tensor at its equal-SQNR width with that width's best split. */
          size_t ns = bests[i * NB + need - MIN_B];
          double s_db, bits;
          size_t n = ts.t[i].n;
          st = fl_study_measure (sp[ns].qz, &ts.t[i], &s_db, &bits, codes, err, errlen);
          if (st != FL_OK)
            break;
          for (size_t j = 0; j < n; j++)
            c8[j] = (uint8_t) codes[j];
          size_t nbytes = fl_pack_bytes (need, n);
          st = fl_pack8 (need, c8, n, packed, err, errlen);
          if (st == FL_OK)
            st = fl_unpack8 (need, packed, n, back, err, errlen);
          if (st != FL_OK)
            break;
          int ok = memcmp (c8, back, n) == 0;
          uint64_t exact = ((uint64_t) n * need + 7) / 8;
          pack_mismatch += !ok;
          pack_not_exact += nbytes != exact;
          mix_bytes[b - MIN_B] += nbytes;
          global_bytes[b - MIN_B] += fl_pack_bytes (b, n);
          if ((st = fl_study_row (tpack, &r)) != FL_OK)
            break;
          fl_table_set_text (tpack, r, 0, ts.t[i].label);
          fl_table_set_int (tpack, r, 1, need);
          fl_table_set_text (tpack, r, 2, sp[ns].name);
          fl_table_set_int (tpack, r, 3, (int64_t) n);
          fl_table_set_int (tpack, r, 4, (int64_t) nbytes);
          fl_table_set_int (tpack, r, 5, (int64_t) exact);
          fl_table_set_int (tpack, r, 6, (int64_t) fl_pack_bytes (need, n));
          fl_table_set_int (tpack, r, 7, ok);
        }
      if (st != FL_OK)
        break;
      double maxgain = 0;
      for (size_t i = 0; i < ts.n; i++)
        if (gain[i] > maxgain)
          maxgain = gain[i];
      size_t r;
      if ((st = fl_study_row (tglob, &r)) != FL_OK)
        break;
      fl_table_set_int (tglob, r, 0, b);
      fl_table_set_text (tglob, r, 1, sp[g].name);
      fl_table_set_real (tglob, r, 2, mean_of (gsq, ts.n));
      fl_table_set_real (tglob, r, 3, mean_of (bsq, ts.n));
      fl_table_set_real (tglob, r, 4, mean_of (gain, ts.n));
      fl_table_set_real (tglob, r, 5, maxgain);
      fl_table_set_real (tglob, r, 6, mean_of (saved, ts.n));
      fl_table_set_int (tglob, r, 7, (int64_t) same);
      /* Whole models with one absmax scale per output channel: per tensor, the narrow
         formats flush the recognizer's small depthwise channels (doc/studies.md). */
      fl_study_acc_set (acc, tglob, r, 8, sp[g].name, "absmax", "channel:0", &acc_missing);
      fl_study_result_note (res, "- %u bits: global split %s, mean SQNR %.2f dB; per-tensor "
                            "best %.2f dB (gain %.2f dB mean, %.2f dB max; %zu of %zu tensors "
                            "already best with the global split); %.2f bits saved per tensor "
                            "on average at equal SQNR, packed mix %.1f%% of the global "
                            "split's bytes.", b, sp[g].name, mean_of (gsq, ts.n),
                            mean_of (bsq, ts.n), mean_of (gain, ts.n), maxgain, same, ts.n,
                            mean_of (saved, ts.n),
                            100.0 * mix_bytes[b - MIN_B] / global_bytes[b - MIN_B]);
    }
  if (st == FL_OK)
    {
      fl_study_result_note (res, "- %zu tensors (%s), %zu splits of 3-8 bits; packing: %zu "
                            "round-trip mismatches, %zu tensors whose packed size differs "
                            "from ceil(n*B/8) (n not a multiple of 8: the last group of 8 is "
                            "padded).", ts.n, o->quick ? "--quick: 2 per source, at most "
                            "4096 values each" : "at most 12 per source, 65536 values each",
                            nsp, pack_mismatch, pack_not_exact);
      st = fl_study_acc_note (acc, res, "global", NB, acc_missing);
    }
  free (bestsq);
  free (bests);
  free (gain);
  free (saved);
  free (gsq);
  free (bsq);
  st = fl_study_result_take (res, st, &tglob, &tbest, &tpack, &tsplit, (fl_table **) NULL);
out:
  fl_study_acc_close (acc);
  for (size_t s = 0; s < nsp; s++)
    fl_quantizer_free (sp[s].qz);
  fl_table_free (tsplit);
  fl_table_free (tbest);
  fl_table_free (tglob);
  fl_table_free (tpack);
  free (sq);
  free (gbest);
  free (codes);
  free (c8);
  free (back);
  free (packed);
  fl_study_tensors_free (&ts);
  return st;
}
