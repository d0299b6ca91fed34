/* tensorcli.c -- tensor sources and typed tables for the tensor commands. */
#include <config.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tensorcli.h"

#define SYN_PREFIX "synthetic:"

static void
open_synthetic (cli_tsource *s, const char *spec)
{
  char name[64];
  const char *rest = spec + strlen (SYN_PREFIX), *colon = strchr (rest, ':');
  size_t len = colon ? (size_t) (colon - rest) : strlen (rest);
  uint64_t n = FL_SYNTHETIC_DEFAULT_N;
  if (len >= sizeof name)
    len = sizeof name - 1;
  memcpy (name, rest, len);
  name[len] = 0;
  if (fl_synthetic_parse (name, &s->syn))
    cli_die (CLI_EXIT_USAGE, "'%s': unknown synthetic distribution '%s'; expected one of %s",
             spec, name, fl_synthetic_names ());
  if (colon)
    {
      /* N as an integer or in exponent form (1e6) */
      char *end;
      errno = 0;
      double v = strtod (colon + 1, &end);
      if (errno || end == colon + 1 || *end || !(v >= 1) || v > 1e12 || v != floor (v))
        cli_die (CLI_EXIT_USAGE, "'%s': expected synthetic:NAME[:N] with N from 1 to 1e12", spec);
      n = (uint64_t) v;
    }
  s->syn_info.name = fl_synthetic_name (s->syn);
  s->syn_info.dtype = FL_DT_F64;
  s->syn_info.dtype_name = "f64";
  s->syn_info.ndim = 1;
  s->syn_info.shape[0] = n;
  s->syn_info.count = n;
  s->syn_info.nbytes = n * 8;
  s->syn_info.readable = 1;
  s->nsel = 1;
  s->sel = calloc (1, sizeof *s->sel);
  if (!s->sel)
    cli_die (CLI_EXIT_USAGE, "out of memory");
}

void
cli_tsource_open (cli_tsource *s, const char *spec)
{
  char err[1024];
  memset (s, 0, sizeof *s);
  s->label = strdup (spec);
  if (!s->label)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  if (strncmp (spec, SYN_PREFIX, strlen (SYN_PREFIX)) == 0 && access (spec, F_OK) != 0)
    {
      open_synthetic (s, spec);
      return;
    }
  char *path, *glob;
  if (fl_tensor_spec_split (spec, &path, &glob, err, sizeof err) != FL_OK)
    cli_die (CLI_EXIT_USAGE, "%s", err);
  if (fl_tensor_open (path, NULL, &s->file, err, sizeof err) != FL_OK)
    cli_die (CLI_EXIT_USAGE, "%s", err);
  size_t n = fl_tensor_file_count (s->file);
  s->sel = malloc ((n ? n : 1) * sizeof *s->sel);
  if (!s->sel)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  for (size_t i = 0; i < n; i++)
    if (fl_tensor_name_match (glob, fl_tensor_file_info (s->file, i)->name))
      s->sel[s->nsel++] = i;
  if (glob && s->nsel == 0)
    cli_warn ("'%s': no tensor matches '%s'", path, glob);
  free (path);
  free (glob);
}

void
cli_tsource_close (cli_tsource *s)
{
  if (s->file)
    fl_tensor_close (s->file);
  free (s->sel);
  free (s->label);
  memset (s, 0, sizeof *s);
}

const fl_tensor_info *
cli_tsource_info (const cli_tsource *s, size_t j)
{
  return s->file ? fl_tensor_file_info (s->file, s->sel[j]) : &s->syn_info;
}

void
cli_tsource_read (cli_tsource *s, size_t j, uint64_t start, size_t n, double *out)
{
  char err[1024];
  fl_status st;
  if (s->file)
    st = fl_tensor_read_doubles (s->file, s->sel[j], start, n, out, err, sizeof err);
  else
    st = fl_synthetic_fill (s->syn, FL_SYNTHETIC_DEFAULT_SEED, start, out, n, err, sizeof err);
  if (st != FL_OK)
    cli_die (CLI_EXIT_USAGE, "%s", err);
}

void
cli_tsource_label (const cli_tsource *s, size_t j, char *buf, size_t size)
{
  if (!s->file)
    {
      snprintf (buf, size, "%s", s->label);
      return;
    }
  char *path, *glob, err[256];
  if (fl_tensor_spec_split (s->label, &path, &glob, err, sizeof err) != FL_OK)
    {
      snprintf (buf, size, "%s:%s", s->label, cli_tsource_info (s, j)->name);
      return;
    }
  snprintf (buf, size, "%s:%s", path, cli_tsource_info (s, j)->name);
  free (path);
  free (glob);
}

const char *
cli_tsource_metadata (const cli_tsource *s)
{
  return s->file ? fl_tensor_file_metadata_json (s->file) : NULL;
}

const char *
cli_tsource_kind (const cli_tsource *s)
{
  if (!s->file)
    return "synthetic";
  switch (fl_tensor_file_kind (s->file))
    {
    case FL_TFILE_NPY: return "npy";
    case FL_TFILE_NPZ: return "npz";
    case FL_TFILE_SAFETENSORS: return "safetensors";
    case FL_TFILE_GGUF: return "gguf";
    case FL_TFILE_ONNX: return "onnx";
    case FL_TFILE_RAW: return "raw";
    case FL_TFILE_TEXT: return "text";
    default: return "?";
    }
}

void
cli_shape_text (const fl_tensor_info *t, char *buf, size_t size)
{
  size_t used = 0;
  buf[0] = 0;
  if (t->ndim == 0)
    {
      snprintf (buf, size, "scalar");
      return;
    }
  for (int d = 0; d < t->ndim && used < size; d++)
    used += (size_t) snprintf (buf + used, size - used, "%s%llu", d ? "x" : "",
                               (unsigned long long) t->shape[d]);
}

json_t *
cli_shape_json (const fl_tensor_info *t)
{
  json_t *a = json_array ();
  for (int d = 0; d < t->ndim; d++)
    json_array_append_new (a, json_integer ((json_int_t) t->shape[d]));
  return a;
}

void
cli_tcell_str (cli_tcell *c, const char *s)
{
  c->kind = CLI_T_STR;
  snprintf (c->text, sizeof c->text, "%s", s);
}

void
cli_tcell_num (cli_tcell *c, double v, const char *fmt)
{
  c->kind = CLI_T_NUM;
  c->num = v;
  if (isnan (v))
    snprintf (c->text, sizeof c->text, "nan");
  else if (isinf (v))
    snprintf (c->text, sizeof c->text, v > 0 ? "inf" : "-inf");
  else
    snprintf (c->text, sizeof c->text, fmt ? fmt : "%.9g", v);
}

void
cli_tcell_int (cli_tcell *c, long long v)
{
  c->kind = CLI_T_INT;
  c->i = v;
  snprintf (c->text, sizeof c->text, "%lld", v);
}

static json_t *
cell_json (const cli_tcell *c)
{
  switch (c->kind)
    {
    case CLI_T_INT:
      return json_integer (c->i);
    case CLI_T_NUM:
      if (isnan (c->num))
        return json_null ();
      if (isinf (c->num))
        return json_string (c->num > 0 ? "inf" : "-inf");
      return json_real (c->num);
    default:
      return json_string (c->text);
    }
}

void
cli_write_ttable (FILE *fp, const cli_column *cols, size_t ncols, const cli_tcell *cells,
                  size_t nrows, cli_style style, json_t *top, const char *top_key)
{
  if (style != CLI_JSON)
    {
      /* the shared writer prints text cells; an empty table still gets its header */
      char *text = malloc ((nrows ? nrows : 1) * ncols * CLI_CELL);
      if (!text)
        cli_die (CLI_EXIT_USAGE, "out of memory");
      for (size_t k = 0; k < nrows * ncols; k++)
        memcpy (text + k * CLI_CELL, cells[k].text, CLI_CELL);
      cli_write_table (fp, cols, ncols, text, nrows, style, NULL, NULL, NULL);
      free (text);
      if (top)
        json_decref (top);
      return;
    }
  json_t *arr = json_array ();
  for (size_t k = 0; k < nrows; k++)
    {
      json_t *o = json_object ();
      for (size_t c = 0; c < ncols; c++)
        json_object_set_new (o, cols[c].key, cell_json (&cells[k * ncols + c]));
      json_array_append_new (arr, o);
    }
  json_t *doc = arr;
  if (top)
    {
      json_object_set_new (top, top_key, arr);
      doc = top;
    }
  json_dumpf (doc, fp, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
  fputc ('\n', fp);
  json_decref (doc);
}

void
cli_quant_args_init (cli_quant_args *a)
{
  fl_rounding_init (&a->r);
  a->scale = "none";
  a->granularity = "tensor";
}

int
cli_quant_option (int opt, const char *arg, cli_quant_args *a)
{
  if (cli_rounding_option (opt, arg, &a->r))
    return 1;
  if (opt == 's')
    a->scale = arg;
  else if (opt == 'g')
    a->granularity = arg;
  else
    return 0;
  return 1;
}

fl_quantizer *
cli_quantizer (const char *format, const cli_quant_args *a, fl_scale_strategy *ss)
{
  char err[CLI_MSG_MAX];
  fl_scale_strategy s;
  fl_granularity gran;
  fl_quantizer *qz;
  if (fl_scale_strategy_parse (a->scale, &s, err, sizeof err) != FL_OK
      || fl_granularity_parse (a->granularity, &gran, err, sizeof err) != FL_OK
      || fl_quantizer_new (format, &s, &gran, &a->r, &qz, err, sizeof err) != FL_OK)
    cli_die (CLI_EXIT_USAGE, "%s", err);
  if (ss)
    *ss = s;
  return qz;
}

double *
cli_quantize_tensor (const fl_quantizer *qz, const char *label, const fl_tensor_info *t,
                     const double *x, double *q, uint64_t *c, uint64_t *ngroups)
{
  char err[CLI_MSG_MAX];
  *ngroups = 0;
  if (fl_quantizer_groups (qz, t->ndim, t->shape, ngroups, err, sizeof err) != FL_OK)
    cli_die (CLI_EXIT_USAGE, "%s: tensor '%s': %s", label, t->name, err);
  double *scale = calloc (*ngroups ? *ngroups : 1, sizeof *scale);
  if (!scale)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  if (fl_quantizer_scales (qz, t->ndim, t->shape, x, scale, err, sizeof err) != FL_OK
      || fl_quantizer_apply (qz, t->ndim, t->shape, scale, 0, x, q, (size_t) t->count, c, NULL,
                             NULL, err, sizeof err) != FL_OK)
    cli_die (CLI_EXIT_USAGE, "%s: tensor '%s': %s", label, t->name, err);
  return scale;
}

static int progress_shown = -1;

void
cli_progress (const char *label, uint64_t done, uint64_t total)
{
  static int last = -1;
  if (progress_shown < 0)
    progress_shown = isatty (2) || getenv ("FMTLAB_PROGRESS") != NULL;
  if (!progress_shown || total == 0)
    return;
  int pct = (int) ((double) done * 100 / (double) total);
  if (pct == last)
    return;
  last = pct;
  fprintf (stderr, "\r%s %3d%%", label, pct);
  fflush (stderr);
}

void
cli_progress_end (void)
{
  if (progress_shown > 0)
    fprintf (stderr, "\r\033[K");
}

static int
continuation_p (const char *piece, size_t len)
{
  size_t i = 0;
  while (i < len && (piece[i] == '_' || (piece[i] >= 'a' && piece[i] <= 'z')
                     || (piece[i] >= 'A' && piece[i] <= 'Z') || (piece[i] >= '0' && piece[i] <= '9')))
    i++;
  return i > 0 && i < len && piece[i] == '=' && memchr (piece, ':', len) == NULL;
}

void
cli_split_names (const char *list, char ***v, size_t *n)
{
  const char *p = list;
  while (*p)
    {
      /* one piece: up to a comma at bracket depth 0 */
      const char *q = p;
      int depth = 0;
      while (*q && (*q != ',' || depth > 0))
        {
          depth += *q == '[';
          depth -= *q == ']' && depth > 0;
          q++;
        }
      size_t len = (size_t) (q - p);
      if (len == 0)
        cli_die (CLI_EXIT_USAGE, "format list '%s': an empty name", list);
      if (*n > 0 && continuation_p (p, len))
        {
          char *prev = (*v)[*n - 1];
          size_t pl = strlen (prev);
          char *cat = realloc (prev, pl + len + 2);
          if (!cat)
            cli_die (CLI_EXIT_USAGE, "out of memory");
          cat[pl] = ',';
          memcpy (cat + pl + 1, p, len);
          cat[pl + len + 1] = 0;
          (*v)[*n - 1] = cat;
        }
      else
        {
          char **nv = realloc (*v, (*n + 1) * sizeof *nv);
          char *s = strndup (p, len);
          if (!nv || !s)
            cli_die (CLI_EXIT_USAGE, "out of memory");
          *v = nv;
          nv[(*n)++] = s;
        }
      p = *q ? q + 1 : q;
    }
}
