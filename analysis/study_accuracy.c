/* study_accuracy.c -- accuracy end to end beside SQNR in the format studies: the cached
   tables of notebooks-data/ocr-cer.sh (the PP-OCRv4 recognizer's CER) and vad-agree.sh
   (Silero VAD's agreement with the float model), read from DATA/accuracy/ and keyed by
   the float model's sha256 (as DATA/MANIFEST records it) and the quantization setting.
   doc/studies.md describes the scripts and the cache. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "study-impl.h"
#include "study-data-impl.h"

#define MAX_FIELDS 24
#define MAX_LINE 4096

typedef struct {
  char *key;          /* "FORMAT/SCALE/GRANULARITY" */
  double value, aux;  /* cer: CER and raw CER; vad: agreement and max |dp| */
} acc_row;

typedef struct {
  acc_row *rows;
  size_t n;
  double base;        /* the float model's row: CER (vad: unused) */
  long long units;    /* lines (cer) or frames (vad) of the measurement */
  const char *why;    /* NULL when loaded */
  char whybuf[512];
} acc_table;

struct fl_study_acc {
  acc_table cer, vad;
};

/* Split one CSV line in place (RFC 4180 quotes, no embedded newlines); returns the number
   of fields, or -1 for a malformed line. */
static int
csv_split (char *line, char **f, int maxf)
{
  int n = 0;
  char *p = line;
  for (;;)
    {
      if (n == maxf)
        return -1;
      if (*p == '"')
        {
          char *w = ++p;
          f[n++] = w;
          for (;;)
            {
              if (*p == '\0')
                return -1;
              if (*p == '"' && p[1] == '"')
                *w++ = '"', p += 2;
              else if (*p == '"')
                {
                  p++;
                  break;
                }
              else
                *w++ = *p++;
            }
          *w = '\0';
          if (*p != ',' && *p != '\0')
            return -1;
        }
      else
        {
          f[n++] = p;
          p += strcspn (p, ",");
        }
      if (*p == '\0')
        return n;
      *p++ = '\0';
    }
}

static int
col_of (char **hdr, int n, const char *name)
{
  for (int i = 0; i < n; i++)
    if (strcmp (hdr[i], name) == 0)
      return i;
  return -1;
}

/* The sha256 DATA/MANIFEST records for REL ("models/NAME.onnx"), or "" when absent. */
static void
manifest_sha (const char *data, const char *rel, char sha[65])
{
  char path[4096], line[MAX_LINE];
  sha[0] = '\0';
  snprintf (path, sizeof path, "%s/MANIFEST", data);
  FILE *fp = fopen (path, "r");
  if (!fp)
    return;
  size_t rl = strlen (rel);
  while (fgets (line, sizeof line, fp))
    if (strncmp (line, rel, rl) == 0 && strncmp (line + rl, " | ", 3) == 0)
      {
        char *last = strrchr (line, '|');
        if (last && sscanf (last + 1, " %64[0-9a-f]", sha) != 1)
          sha[0] = '\0';
      }
  fclose (fp);
}

/* Load DATA/accuracy/FILE's rows for the model REL; VALUE and AUX name the columns kept,
   UNITS the column of the measurement's size. */
static fl_status
load_table (const char *data, const char *file, const char *rel, const char *value,
            const char *aux, const char *units, acc_table *t)
{
  char path[4096], line[MAX_LINE], sha[65];
  memset (t, 0, sizeof *t);
  t->base = NAN;
  manifest_sha (data, rel, sha);
  snprintf (path, sizeof path, "%s/accuracy/%s", data, file);
  FILE *fp = fopen (path, "r");
  if (!fp || !sha[0])
    {
      if (!sha[0])
        snprintf (t->whybuf, sizeof t->whybuf, "%.200s/MANIFEST has no sha256 for %.100s", data,
                  rel);
      else
        snprintf (t->whybuf, sizeof t->whybuf, "%.200s not found", path);
      t->why = t->whybuf;
      if (fp)
        fclose (fp);
      return FL_OK;
    }
  char *hdr[MAX_FIELDS], hline[MAX_LINE];
  int nh = fgets (hline, sizeof hline, fp) ? (hline[strcspn (hline, "\r\n")] = '\0',
                                              csv_split (hline, hdr, MAX_FIELDS)) : -1;
  int csha = nh > 0 ? col_of (hdr, nh, "model_sha256") : -1;
  int cfmt = nh > 0 ? col_of (hdr, nh, "format") : -1;
  int csc = nh > 0 ? col_of (hdr, nh, "scale") : -1;
  int cgr = nh > 0 ? col_of (hdr, nh, "granularity") : -1;
  int cval = nh > 0 ? col_of (hdr, nh, value) : -1;
  int caux = nh > 0 ? col_of (hdr, nh, aux) : -1;
  int cun = nh > 0 ? col_of (hdr, nh, units) : -1;
  fl_status st = FL_OK;
  if (csha < 0 || cfmt < 0 || csc < 0 || cgr < 0 || cval < 0 || caux < 0 || cun < 0)
    {
      snprintf (t->whybuf, sizeof t->whybuf, "%.300s: not a table of the accuracy scripts",
                path);
      t->why = t->whybuf;
      fclose (fp);
      return FL_OK;
    }
  size_t lineno = 1, cap = 0;
  while (st == FL_OK && fgets (line, sizeof line, fp))
    {
      char *f[MAX_FIELDS], *end1, *end2;
      lineno++;
      line[strcspn (line, "\r\n")] = '\0';
      int nf = csv_split (line, f, MAX_FIELDS);
      if (nf != nh)
        {
          snprintf (t->whybuf, sizeof t->whybuf, "%.300s:%zu: malformed line", path, lineno);
          t->why = t->whybuf;
          break;
        }
      if (strcmp (f[csha], sha) != 0)
        continue;   /* measured on another version of the model */
      double v = strtod (f[cval], &end1), a = strtod (f[caux], &end2);
      if (*end1 || *end2 || end1 == f[cval] || !isfinite (v) || !isfinite (a))
        {
          snprintf (t->whybuf, sizeof t->whybuf, "%.300s:%zu: malformed number", path, lineno);
          t->why = t->whybuf;
          break;
        }
      if (strcmp (f[cfmt], "float") == 0)
        {
          t->base = v;
          t->units = atoll (f[cun]);
          continue;
        }
      if (t->n == cap)
        {
          size_t nc = cap ? 2 * cap : 16;
          acc_row *p = realloc (t->rows, nc * sizeof *p);
          if (!p)
            {
              st = FL_ENOMEM;
              break;
            }
          t->rows = p;
          cap = nc;
        }
      size_t kl = strlen (f[cfmt]) + strlen (f[csc]) + strlen (f[cgr]) + 3;
      char *key = malloc (kl);
      if (!key)
        {
          st = FL_ENOMEM;
          break;
        }
      snprintf (key, kl, "%s/%s/%s", f[cfmt], f[csc], f[cgr]);
      t->rows[t->n++] = (acc_row) { key, v, a };
    }
  fclose (fp);
  if (st == FL_OK && !t->why && isnan (t->base))
    {
      snprintf (t->whybuf, sizeof t->whybuf,
                "%.300s has no row for the float model (sha256 %.12s...)", path, sha);
      t->why = t->whybuf;
    }
  return st;
}

static void
free_table (acc_table *t)
{
  for (size_t i = 0; i < t->n; i++)
    free (t->rows[i].key);
  free (t->rows);
}

fl_status
fl_study_acc_open (const char *data, fl_study_acc **out)
{
  fl_study_acc *a = calloc (1, sizeof *a);
  if (!a)
    return FL_ENOMEM;
  fl_status st = load_table (data, "cer.csv", "models/ch_PP-OCRv4_rec_infer.onnx", "cer",
                             "raw_edits", "lines", &a->cer);
  if (st == FL_OK)
    st = load_table (data, "vad.csv", "models/silero_vad_v5.onnx", "agree", "max_abs_dp",
                     "frames", &a->vad);
  if (st != FL_OK)
    {
      fl_study_acc_close (a);
      return st;
    }
  *out = a;
  return FL_OK;
}

void
fl_study_acc_close (fl_study_acc *a)
{
  if (!a)
    return;
  free_table (&a->cer);
  free_table (&a->vad);
  free (a);
}

static const acc_row *
find (const acc_table *t, const char *key)
{
  if (t->why)
    return NULL;
  /* the newest row of a key wins (the scripts replace rows, but a table may be appended) */
  for (size_t i = t->n; i-- > 0;)
    if (strcmp (t->rows[i].key, key) == 0)
      return &t->rows[i];
  return NULL;
}

void
fl_study_acc_set (const fl_study_acc *a, fl_table *t, size_t row, size_t col,
                  const char *format, const char *scale, const char *granularity,
                  size_t *missing)
{
  char key[256];
  snprintf (key, sizeof key, "%s/%s/%s", format, scale, granularity);
  fl_table_set_text (t, row, col, key);
  const acc_row *c = find (&a->cer, key), *v = find (&a->vad, key);
  if (c)
    fl_table_set_real (t, row, col + 1, 100 * c->value);
  if (v)
    {
      fl_table_set_real (t, row, col + 2, 100 * v->value);
      fl_table_set_real (t, row, col + 3, v->aux);
    }
  if ((!c || !v) && missing)
    ++*missing;
}

fl_status
fl_study_acc_note (const fl_study_acc *a, fl_study_result *res, const char *table,
                   size_t settings, size_t missing)
{
  char cer[640], vad[640];
  if (a->cer.why)
    snprintf (cer, sizeof cer, "CER n/a (%s)", a->cer.why);
  else
    snprintf (cer, sizeof cer, "CER on %lld rendered lines from ocr-cer.sh's cache (the "
              "float recognizer: %.2f%%)", a->cer.units, 100 * a->cer.base);
  if (a->vad.why)
    snprintf (vad, sizeof vad, "VAD agreement n/a (%s)", a->vad.why);
  else
    snprintf (vad, sizeof vad, "Silero's speech/silence decisions (p > 0.5) on %lld frames "
              "against the float model's, from vad-agree.sh's cache", a->vad.units);
  fl_status st = fl_study_result_note (res, "- Accuracy end to end (table %s, the whole "
                                       "model quantized to each recommended format): %s; "
                                       "%s.", table, cer, vad);
  if (st == FL_OK && missing)
    st = fl_study_result_note (res, "- %zu of %zu settings have no cached accuracy (n/a): "
                               "measure them with ACCURACY_CACHE=DATA/accuracy "
                               "FORMATS='FORMAT/SCALE/GRANULARITY ...' "
                               "notebooks-data/ocr-cer.sh and vad-agree.sh, the settings as "
                               "the accuracy_model column names them (doc/studies.md).",
                               missing, settings);
  return st;
}
