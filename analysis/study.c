/* study.c -- result tables, study results and the registry of studies
   (include/fmtlab/study.h). */
#include <config.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "study-impl.h"

/* The registry: adding a study is one file and one line here. */
static const fl_study studies[] = {
  { "gupta", fl_study_gupta,
    "Gupta et al. 2015: an MLP trained on Fashion-MNIST in fixed point, rne against sr",
    "--quick: 2000 training images, 1000 test images, 3 epochs, FL 8 and 12 only" },
  { "decoupleq", fl_study_decoupleq,
    "decoupleQ: 2-4-bit grouped weights fitted against the layer's inputs (H-weighted loss)",
    "--quick: 2 layers, 2 bits, groups 64 and per-channel, 1 alternation round" },
  { "exmy", fl_study_exmy,
    "eXmY: every split of 3-8 bits per tensor against one global split; packed odd widths",
    "--quick: 2 tensors per source (12 in all), at most 4096 values each" },
  { "lp", fl_study_lp,
    "logarithmic posits per tensor against posit, eXmY, int and LNS; exhaustive grid vs GA",
    "--quick: 1 tensor per source (2 without), at most 4096 values (8192), bits 8 and 4, "
    "sf by 1/2 (1/4)" },
  { "opal", fl_study_opal,
    "OPAL: 4 bf16 outliers per 128 against MX blocks; a shift-and-subtract softmax vs MPFR",
    "--quick: 2 tensors per source, at most 4096 values each, 64 softmax rows per input" },
};
#define N_STUDIES (sizeof studies / sizeof studies[0])

const fl_study *
fl_study_list (size_t *n)
{
  *n = N_STUDIES;
  return studies;
}

const fl_study *
fl_study_find (const char *name)
{
  for (size_t i = 0; i < N_STUDIES; i++)
    if (strcmp (studies[i].name, name) == 0)
      return &studies[i];
  return NULL;
}

void
fl_study_opts_init (fl_study_opts *o)
{
  memset (o, 0, sizeof *o);
}

void
fl_study_err (char *err, size_t errlen, const char *fmt, ...)
{
  if (!err || errlen == 0)
    return;
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (err, errlen, fmt, ap);
  va_end (ap);
}

void
fl_study_progress (const fl_study_opts *o, const char *stage, double fraction)
{
  if (o && o->progress)
    o->progress (o->progress_ctx, stage, fraction);
}

/* Tables. */

static int
plain_stem (const char *s)
{
  if (!s || !*s)
    return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')
          || *s == '_' || *s == '-'))
      return 0;
  return 1;
}

fl_table *
fl_table_new (const char *name, const char *title, size_t ncols, const char *const *names,
              const fl_cell_type *types)
{
  if (!plain_stem (name) || ncols == 0)
    return NULL;
  fl_table *t = calloc (1, sizeof *t);
  if (!t)
    return NULL;
  t->name = strdup (name);
  t->title = strdup (title ? title : name);
  t->ncols = ncols;
  t->col_names = calloc (ncols, sizeof *t->col_names);
  t->col_types = calloc (ncols, sizeof *t->col_types);
  if (!t->name || !t->title || !t->col_names || !t->col_types)
    {
      fl_table_free (t);
      return NULL;
    }
  for (size_t c = 0; c < ncols; c++)
    {
      t->col_types[c] = types[c];
      if (!(t->col_names[c] = strdup (names[c])))
        {
          fl_table_free (t);
          return NULL;
        }
    }
  return t;
}

void
fl_table_free (fl_table *t)
{
  if (!t)
    return;
  for (size_t i = 0; i < t->nrows * t->ncols; i++)
    if (t->cells[i].type == FL_CELL_TEXT)
      free (t->cells[i].v.s);
  free (t->cells);
  if (t->col_names)
    for (size_t c = 0; c < t->ncols; c++)
      free (t->col_names[c]);
  free (t->col_names);
  free (t->col_types);
  free (t->name);
  free (t->title);
  free (t);
}

size_t
fl_table_add_row (fl_table *t)
{
  if (t->nrows == t->cap)
    {
      size_t cap = t->cap ? 2 * t->cap : 16;
      fl_cell *c = realloc (t->cells, cap * t->ncols * sizeof *c);
      if (!c)
        return (size_t) -1;
      t->cells = c;
      t->cap = cap;
    }
  fl_cell *row = t->cells + t->nrows * t->ncols;
  for (size_t c = 0; c < t->ncols; c++)
    {
      memset (&row[c], 0, sizeof row[c]);
      row[c].type = t->col_types[c];
    }
  return t->nrows++;
}

static fl_cell *
cell_of (fl_table *t, size_t row, size_t col, fl_cell_type type)
{
  if (row >= t->nrows || col >= t->ncols || t->col_types[col] != type)
    return NULL;
  return &t->cells[row * t->ncols + col];
}

/* A number cell: V's value into the cell when the column has V's type. */
static fl_status
set_number (fl_table *t, size_t row, size_t col, fl_cell v)
{
  fl_cell *c = cell_of (t, row, col, v.type);
  if (!c)
    return FL_EINVAL;
  c->v = v.v;
  c->set = 1;
  return FL_OK;
}

fl_status
fl_table_set_int (fl_table *t, size_t row, size_t col, int64_t v)
{
  return set_number (t, row, col, (fl_cell) { FL_CELL_INT, 1, { .i = v } });
}

fl_status
fl_table_set_real (fl_table *t, size_t row, size_t col, double v)
{
  return set_number (t, row, col, (fl_cell) { FL_CELL_REAL, 1, { .r = v } });
}

fl_status
fl_table_set_text (fl_table *t, size_t row, size_t col, const char *s)
{
  fl_cell *c = cell_of (t, row, col, FL_CELL_TEXT);
  if (!c)
    return FL_EINVAL;
  char *copy = strdup (s ? s : "");
  if (!copy)
    return FL_ENOMEM;
  free (c->v.s);
  c->v.s = copy;
  c->set = 1;
  return FL_OK;
}

const fl_cell *
fl_table_cell (const fl_table *t, size_t row, size_t col)
{
  if (row >= t->nrows || col >= t->ncols)
    return NULL;
  return &t->cells[row * t->ncols + col];
}

size_t
fl_table_col (const fl_table *t, const char *name)
{
  for (size_t c = 0; c < t->ncols; c++)
    if (strcmp (t->col_names[c], name) == 0)
      return c;
  return (size_t) -1;
}

/* Results. */

void
fl_study_result_init (fl_study_result *r)
{
  memset (r, 0, sizeof *r);
}

void
fl_study_result_free (fl_study_result *r)
{
  for (size_t i = 0; i < r->ntables; i++)
    fl_table_free (r->tables[i]);
  free (r->tables);
  free (r->summary);
  memset (r, 0, sizeof *r);
}

fl_status
fl_study_result_add (fl_study_result *r, fl_table *t)
{
  if (!t)
    return FL_ENOMEM;
  fl_table **p = realloc (r->tables, (r->ntables + 1) * sizeof *p);
  if (!p)
    {
      fl_table_free (t);
      return FL_ENOMEM;
    }
  r->tables = p;
  r->tables[r->ntables++] = t;
  return FL_OK;
}

fl_status
fl_study_result_note (fl_study_result *r, const char *fmt, ...)
{
  va_list ap, ap2;
  va_start (ap, fmt);
  va_copy (ap2, ap);
  int n = vsnprintf (NULL, 0, fmt, ap);
  va_end (ap);
  if (n < 0)
    {
      va_end (ap2);
      return FL_EINVAL;
    }
  size_t old = r->summary ? strlen (r->summary) : 0;
  char *s = realloc (r->summary, old + (size_t) n + 2);
  if (!s)
    {
      va_end (ap2);
      return FL_ENOMEM;
    }
  vsnprintf (s + old, (size_t) n + 1, fmt, ap2);
  va_end (ap2);
  s[old + n] = '\n';
  s[old + n + 1] = '\0';
  r->summary = s;
  return FL_OK;
}

fl_status
fl_study_result_take (fl_study_result *r, fl_status st, ...)
{
  va_list ap;
  va_start (ap, st);
  for (fl_table **t; (t = va_arg (ap, fl_table **)) != NULL; *t = NULL)
    if (st == FL_OK)
      st = fl_study_result_add (r, *t);
    else
      fl_table_free (*t);
  va_end (ap);
  return st;
}
