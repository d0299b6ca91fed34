/* study_data.c -- the real tensors of the exmy, lp and opal studies
   (study-data-impl.h). */
#include <config.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fmtlab/tensor.h>
#include "study-impl.h"
#include "study-data-impl.h"

/* One source: a directory of .npy files or a model file. */
typedef struct {
  const char *label;
  const char *rel;          /* under DATA */
  int is_model;             /* an ONNX file: its float initializers */
  int is_weight;
  uint64_t min_count;
} source_spec;

static const source_spec sources[] = {
  { "gnubg", "weights/gnubg", 0, 1, 64 },
  { "ppocr_rec_w", "models/ch_PP-OCRv4_rec_infer.onnx", 1, 1, 1024 },
  { "silero_w", "models/silero_vad_v5.onnx", 1, 1, 1024 },
  { "ppocr_rec", "activations/ppocr_v4_rec", 0, 0, 256 },
  { "ppocr_det", "activations/ppocr_v4_det", 0, 0, 256 },
  { "silero", "activations/silero_vad_v5", 0, 0, 256 },
};
#define N_SOURCES (sizeof sources / sizeof sources[0])

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static char *
join (const char *a, const char *b)
{
  size_t n = strlen (a) + strlen (b) + 2;
  char *p = malloc (n);
  if (p)
    snprintf (p, n, "%s/%s", a, b);
  return p;
}

/* Read tensor i of f, keep a strided sample of its finite values. */
static fl_status
sample_tensor (fl_tensor_file *f, size_t i, size_t max_n, fl_study_tensor *t, char *err,
               size_t errlen)
{
  const fl_tensor_info *info = fl_tensor_file_info (f, i);
  uint64_t count = info->count;
  double *all = malloc ((count ? count : 1) * sizeof *all);
  if (!all)
    return FL_ENOMEM;
  fl_status st = fl_tensor_read_doubles (f, i, 0, count, all, err, errlen);
  if (st != FL_OK)
    {
      free (all);
      return st;
    }
  size_t n = count < max_n ? (size_t) count : max_n, k = 0;
  double *x = malloc ((n ? n : 1) * sizeof *x);
  if (!x)
    {
      free (all);
      return FL_ENOMEM;
    }
  for (size_t j = 0; j < n; j++)
    {
      double v = all[(uint64_t) ((unsigned __int128) j * count / n)];
      if (isfinite (v))
        x[k++] = v;
    }
  free (all);
  t->x = x;
  t->n = k;
  t->count = count;
  return FL_OK;
}

static fl_status
push (fl_study_tensors *ts, size_t *cap, const char *src, const char *name, int is_weight,
      fl_tensor_file *f, size_t i, size_t max_n, char *err, size_t errlen)
{
  if (ts->n == *cap)
    {
      size_t nc = *cap ? 2 * *cap : 32;
      fl_study_tensor *p = realloc (ts->t, nc * sizeof *p);
      if (!p)
        return FL_ENOMEM;
      ts->t = p;
      *cap = nc;
    }
  fl_study_tensor *t = &ts->t[ts->n];
  memset (t, 0, sizeof *t);
  fl_status st = sample_tensor (f, i, max_n, t, err, errlen);
  if (st != FL_OK)
    return st;
  if (t->n == 0)
    {
      free (t->x);
      return FL_OK;
    }
  t->is_weight = is_weight;
  t->label = join (src, name);
  if (!t->label)
    {
      free (t->x);
      return FL_ENOMEM;
    }
  ts->n++;
  return FL_OK;
}

/* PER_SOURCE evenly spaced picks out of N candidates: pick j is candidate j * N / k. */
static int
picked (size_t idx, size_t n, size_t per_source)
{
  if (n <= per_source)
    return 1;
  for (size_t j = 0; j < per_source; j++)
    if (j * n / per_source == idx)
      return 1;
  return 0;
}

static fl_status
load_model (const char *data, const source_spec *s, size_t per_source, size_t max_n,
            fl_study_tensors *ts, size_t *cap, char *err, size_t errlen)
{
  char *path = join (data, s->rel);
  if (!path)
    return FL_ENOMEM;
  if (access (path, R_OK) != 0)
    {
      free (path);
      return FL_OK;
    }
  fl_tensor_file *f = NULL;
  fl_status st = fl_tensor_open (path, NULL, &f, err, errlen);
  free (path);
  if (st != FL_OK)
    return st;
  size_t nt = fl_tensor_file_count (f), ncand = 0;
  size_t *cand = malloc ((nt ? nt : 1) * sizeof *cand);
  if (!cand)
    {
      fl_tensor_close (f);
      return FL_ENOMEM;
    }
  for (size_t i = 0; i < nt; i++)
    {
      const fl_tensor_info *info = fl_tensor_file_info (f, i);
      if (info->readable && fl_dtype_is_float (info->dtype) && info->count >= s->min_count)
        cand[ncand++] = i;
    }
  for (size_t j = 0; j < ncand && st == FL_OK; j++)
    if (picked (j, ncand, per_source))
      st = push (ts, cap, s->label, fl_tensor_file_info (f, cand[j])->name, 1, f, cand[j],
                 max_n, err, errlen);
  free (cand);
  fl_tensor_close (f);
  return st;
}

static fl_status
load_dir (const char *data, const source_spec *s, size_t per_source, size_t max_n,
          fl_study_tensors *ts, size_t *cap, char *err, size_t errlen)
{
  char *dir = join (data, s->rel);
  if (!dir)
    return FL_ENOMEM;
  DIR *d = opendir (dir);
  if (!d)
    {
      free (dir);
      return FL_OK;
    }
  char **names = NULL;
  size_t nn = 0, ncap = 0;
  fl_status st = FL_OK;
  struct dirent *e;
  while ((e = readdir (d)))
    {
      size_t len = strlen (e->d_name);
      if (len < 5 || strcmp (e->d_name + len - 4, ".npy") != 0
          || strncmp (e->d_name, "speech_prob", 11) == 0)
        continue;
      if (nn == ncap)
        {
          ncap = ncap ? 2 * ncap : 64;
          char **p = realloc (names, ncap * sizeof *p);
          if (!p)
            {
              st = FL_ENOMEM;
              break;
            }
          names = p;
        }
      if (!(names[nn] = strdup (e->d_name)))
        {
          st = FL_ENOMEM;
          break;
        }
      nn++;
    }
  closedir (d);
  if (st == FL_OK)
    qsort (names, nn, sizeof *names, cmp_str);
  /* The candidates: big enough tensors, in name order. */
  size_t ncand = 0;
  for (size_t i = 0; i < nn && st == FL_OK; i++)
    {
      char *path = join (dir, names[i]);
      fl_tensor_file *f = NULL;
      if (!path)
        st = FL_ENOMEM;
      else if (fl_tensor_open (path, NULL, &f, err, errlen) == FL_OK)
        {
          const fl_tensor_info *info = fl_tensor_file_info (f, 0);
          if (fl_tensor_file_count (f) == 1 && info->readable
              && fl_dtype_is_float (info->dtype) && info->count >= s->min_count)
            {
              char *keep = names[i];
              names[i] = NULL;
              free (names[ncand]);    /* a rejected name, or NULL (moved) */
              names[ncand++] = keep;
            }
          fl_tensor_close (f);
        }
      free (path);
    }
  for (size_t j = 0; j < ncand && st == FL_OK; j++)
    if (picked (j, ncand, per_source))
      {
        char *path = join (dir, names[j]);
        fl_tensor_file *f = NULL;
        if (!path)
          st = FL_ENOMEM;
        else if ((st = fl_tensor_open (path, NULL, &f, err, errlen)) == FL_OK)
          {
            names[j][strlen (names[j]) - 4] = '\0';
            st = push (ts, cap, s->label, names[j], s->is_weight, f, 0, max_n, err, errlen);
            fl_tensor_close (f);
          }
        free (path);
      }
  for (size_t i = 0; i < nn; i++)
    free (names[i]);
  free (names);
  free (dir);
  return st;
}

fl_status
fl_study_tensors_load (const char *data, size_t per_source, size_t max_n,
                       fl_study_tensors *out, char *err, size_t errlen)
{
  size_t cap = 0;
  out->t = NULL;
  out->n = 0;
  fl_status st = FL_OK;
  for (size_t s = 0; s < N_SOURCES && st == FL_OK; s++)
    st = sources[s].is_model
      ? load_model (data, &sources[s], per_source, max_n, out, &cap, err, errlen)
      : load_dir (data, &sources[s], per_source, max_n, out, &cap, err, errlen);
  if (st == FL_OK && out->n == 0)
    {
      fl_study_err (err, errlen, "%s: no weights or recorded activations (run "
                    "./quickstart or notebooks-data/fetch-data; doc/data.md)", data);
      st = FL_EUNSUPPORTED;
    }
  if (st != FL_OK)
    fl_study_tensors_free (out);
  return st;
}

fl_status
fl_study_format_tensors (const fl_study_opts *o, fl_study_tensors *out, char *err,
                         size_t errlen)
{
  return fl_study_tensors_load (o->data_dir ? o->data_dir : FL_STUDY_DEFAULT_DATA_DIR,
                                o->quick ? 2 : 12, o->quick ? 4096 : 65536, out, err, errlen);
}

void
fl_study_tensors_free (fl_study_tensors *ts)
{
  for (size_t i = 0; i < ts->n; i++)
    {
      free (ts->t[i].label);
      free (ts->t[i].x);
    }
  free (ts->t);
  ts->t = NULL;
  ts->n = 0;
}

fl_status
fl_study_read_npy (const char *data, const char *rel, double **x, uint64_t *count, int *ndim,
                   uint64_t *shape, char *err, size_t errlen)
{
  size_t len = strlen (data) + strlen (rel) + 32;
  char *path = malloc (len);
  if (!path)
    return FL_ENOMEM;
  snprintf (path, len, "%s/activations/%s.npy", data, rel);
  if (access (path, R_OK) != 0)
    {
      fl_study_err (err, errlen, "%s: not recorded (run ./quickstart or "
                    "notebooks-data/fetch-data; doc/data.md)", path);
      free (path);
      return FL_EUNSUPPORTED;
    }
  fl_tensor_file *f = NULL;
  fl_status st = fl_tensor_open (path, NULL, &f, err, errlen);
  free (path);
  if (st != FL_OK)
    return st;
  const fl_tensor_info *info = fl_tensor_file_info (f, 0);
  *count = info->count;
  *ndim = info->ndim;
  memcpy (shape, info->shape, sizeof info->shape);
  *x = malloc ((info->count ? info->count : 1) * sizeof **x);
  if (!*x)
    st = FL_ENOMEM;
  else if ((st = fl_tensor_read_doubles (f, 0, 0, info->count, *x, err, errlen)) != FL_OK)
    {
      free (*x);
      *x = NULL;
    }
  fl_tensor_close (f);
  return st;
}

fl_status
fl_study_quantizer (const char *name, const char *scale, fl_quantizer **qz, char *err,
                    size_t errlen)
{
  fl_scale_strategy ss;
  fl_granularity g = { FL_GRAN_TENSOR, 0, 0 };
  fl_rounding r;
  fl_rounding_init (&r);
  fl_status st = fl_scale_strategy_parse (scale, &ss, err, errlen);
  if (st != FL_OK)
    return st;
  return fl_quantizer_new (name, &ss, &g, &r, qz, err, errlen);
}

fl_status
fl_study_measure (const fl_quantizer *qz, const fl_study_tensor *t, double *sqnr_db,
                  double *bits, uint64_t *codes, char *err, size_t errlen)
{
  uint64_t shape[1] = { t->n }, ngroups = 0;
  fl_metrics m;
  fl_metrics_init (&m);
  fl_status st;
  if (!codes)
    st = fl_quantizer_measure (qz, 1, shape, t->x, NULL, &m, NULL, err, errlen);
  else
    {
      double scale = 1, *q = malloc (t->n * sizeof *q);
      if (!q)
        return FL_ENOMEM;
      st = fl_quantizer_scales (qz, 1, shape, t->x, &scale, err, errlen);
      if (st == FL_OK)
        st = fl_quantizer_apply (qz, 1, shape, &scale, 0, t->x, q, t->n, codes, &m, NULL,
                                 err, errlen);
      free (q);
    }
  if (st != FL_OK)
    return st;
  if ((st = fl_quantizer_groups (qz, 1, shape, &ngroups, err, errlen)) != FL_OK)
    return st;
  fl_metrics_result res;
  fl_metrics_finish (&m, &res);
  double s = res.sqnr_db;
  if (!(s < FL_STUDY_SQNR_CAP))
    s = FL_STUDY_SQNR_CAP;   /* also an error-free (inf) or undefined (NaN, all zero) one */
  *sqnr_db = s;
  *bits = fl_quantizer_bits_per_element (qz, t->n, ngroups);
  return FL_OK;
}
