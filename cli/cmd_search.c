/* cmd_search.c -- 'fmtlab search --in FILE[:GLOB]... --bits B[,B...]': the best format for
   each tensor under a bit budget (doc/fit.md). */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <dirent.h>
#include <errno.h>
#include <unistd.h>
#include <sys/stat.h>
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
          "For every selected tensor and bit budget B, try every candidate of the grid --\n"
          "each eXmY split with each specials policy, P3109, posits es 0-3, logarithmic\n"
          "posits, LNS, int, MX, NVFP4, OPAL and grouped-integer variants -- each scalar\n"
          "one with the best of compare's scale strategies, and print the winner, the\n"
          "runner-up and the margin in dB.  On a tensor with two axes longer than 1, the\n"
          "(B-1)-bit scalar formats are also tried with a scale per channel of its first\n"
          "and of its last such axis (absmax: a binary32 scale; pow2: an 8-bit exponent).\n"
          "The budget counts bits per element = element bits + scales x scale bits /\n"
          "elements (block scales, zero points and outliers too; a single per-tensor\n"
          "scale is not counted): int4 with binary32 scales per row of 64 costs 4.5 bits.\n"
          "FILE may be synthetic:NAME[:N], a directory (every .npy .npz .safetensors\n"
          ".gguf .onnx under it) or a MANIFEST (the tensor files it lists).  With two\n"
          "tensors or more, a second table counts each family's wins per budget.\n"
          "See doc/fit.md for the grid and the method.\n\n"
          "  -i, --in FILE[:GLOB]   input tensors (repeatable; also as arguments)\n"
          "  -b, --bits LIST        budgets in bits per element, 2 to 16 (e.g. 4,6,8)\n"
          "      --objective O      mse (default), sqnr, kl or maxrel\n"
          "  -a, --all              the full ranked list of every budget, after the summary\n"
          "      --fit              search on the tensor's fitted density (fmtlab fit; the\n"
          "                         family chosen by AIC) instead of its values; the fit's\n"
          "                         KS statistic is printed, and above 0.03 a warning says\n"
          "                         that the fit's winner is unsafe\n"
          "      --agree            search on both the values and the fit: the other\n"
          "                         search's winner and whether the two agree (per-tensor\n"
          "                         and block candidates: a fit has no channels)\n"
          "      --threads N        OpenMP threads (results do not depend on it)\n"
          "  --csv, --json, --md    table style (Markdown by default); tables after a\n"
          "                         blank line (JSON: {\"summary\", \"wins\", \"ranked\"})\n"
          "  -o, --output FILE      write FILE (atomically) instead of standard output\n"
          "  -h, --help  -V, --version\n");
}

enum { S_TENSOR, S_FILE, S_SHAPE, S_COUNT, S_BITS, S_OBJ, S_ON, S_NCAND, S_TIES, S_WIN,
       S_WSCALE, S_WGRAN, S_WBPE, S_WMSE, S_WSQNR, S_WKL, S_WMAXREL, S_RUN, S_RSCALE, S_RGRAN,
       S_RSQNR, S_MARGIN, S_SECONDS, S_FITKS, S_SWIN, S_AGREE, N_S };
static const cli_column scols[N_S] = {
  { "tensor", "tensor" }, { "file", "file" }, { "shape", "shape" }, { "count", "count" },
  { "bits", "budget" },
  { "objective", "objective" }, { "searched_on", "on" }, { "candidates", "candidates" },
  { "ties", "ties" },
  { "winner", "winner" }, { "winner_scale", "scale" }, { "winner_granularity", "granularity" },
  { "winner_bits", "bits/elem" },
  { "winner_mse", "MSE" }, { "winner_sqnr_db", "SQNR dB" }, { "winner_kl", "KL" },
  { "winner_max_rel_err", "max rel err" }, { "runner_up", "runner-up" },
  { "runner_up_scale", "scale" }, { "runner_up_granularity", "granularity" },
  { "runner_up_sqnr_db", "SQNR dB" }, { "margin_db", "margin dB" }, { "seconds", "seconds" },
  { "fit_ks", "fit KS" },
  { "other_winner", "other winner" }, { "agree", "agree" },
};

enum { A_TENSOR, A_BITS, A_ON, A_RANK, A_FORMAT, A_SCALE, A_GRAN, A_BPE, A_MSE, A_SQNR, A_KL,
       A_MAXREL, N_A };
static const cli_column acols[N_A] = {
  { "tensor", "tensor" }, { "bits", "budget" }, { "searched_on", "on" }, { "rank", "rank" },
  { "format", "format" }, { "scale", "scale" }, { "granularity", "granularity" },
  { "bits_per_element", "bits/elem" },
  { "mse", "MSE" }, { "sqnr_db", "SQNR dB" }, { "kl", "KL" },
  { "max_rel_err", "max rel err" },
};

enum { W_BITS, W_FAMILY, W_SCALES, W_WINS, W_SHARE, N_W };
static const cli_column wcols[N_W] = {
  { "bits", "budget" }, { "family", "family" }, { "scales", "scales" },
  { "wins", "wins" }, { "share", "share" },
};

/* The family of a candidate name, for the table of wins. */
static const char *
family_of (const char *name)
{
  static const struct { const char *prefix, *family; } fam[] = {
    { "int", "int" }, { "posit", "posit" }, { "lp", "logposit" }, { "lns", "lns" },
    { "binary", "minifloat" }, { "exmy_", "minifloat" }, { "e", "minifloat" },
    { "mx", "mx" }, { "nvfp4", "nvfp4" }, { "opal", "opal" }, { "group:", "group" },
    { "q", "group" },
  };
  for (size_t i = 0; i < sizeof fam / sizeof fam[0]; i++)
    if (strncmp (name, fam[i].prefix, strlen (fam[i].prefix)) == 0)
      return fam[i].family;
  return "other";
}

/* How often each family (and kind of scale) wins at each budget. */
typedef struct {
  unsigned bits;
  char family[16], scales[16];
  size_t wins;
} win_count;

static void
count_win (win_count **w, size_t *n, unsigned bits, const fl_search_result *r)
{
  const char *fam = family_of (r->format);
  const char *scales = r->is_block ? "block" : strncmp (r->granularity, "channel", 7) == 0
                                               ? "channel" : "tensor";
  for (size_t i = 0; i < *n; i++)
    if ((*w)[i].bits == bits && strcmp ((*w)[i].family, fam) == 0
        && strcmp ((*w)[i].scales, scales) == 0)
      {
        (*w)[i].wins++;
        return;
      }
  *w = realloc (*w, (*n + 1) * sizeof **w);
  if (!*w)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  win_count *c = &(*w)[(*n)++];
  c->bits = bits;
  snprintf (c->family, sizeof c->family, "%s", fam);
  snprintf (c->scales, sizeof c->scales, "%s", scales);
  c->wins = 1;
}

static int
cmp_wins (const void *a, const void *b)
{
  const win_count *x = a, *y = b;
  if (x->bits != y->bits)
    return x->bits < y->bits ? -1 : 1;
  if (x->wins != y->wins)
    return x->wins > y->wins ? -1 : 1;
  int c = strcmp (x->family, y->family);
  return c ? c : strcmp (x->scales, y->scales);
}

/* ---------------------------------------------------------------- inputs */

typedef struct {
  char **v;
  size_t n;
} input_list;

static void
input_add (input_list *l, const char *s)
{
  l->v = realloc (l->v, (l->n + 1) * sizeof *l->v);
  if (!l->v || !(l->v[l->n] = strdup (s)))
    cli_die (CLI_EXIT_USAGE, "out of memory");
  l->n++;
}

/* The files a directory or MANIFEST contributes: tensor files by their extension. */
static int
tensor_file_p (const char *path)
{
  static const char *const ext[] = { ".npy", ".npz", ".safetensors", ".gguf", ".onnx" };
  size_t len = strlen (path);
  for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
    {
      size_t el = strlen (ext[i]);
      if (len > el && strcmp (path + len - el, ext[i]) == 0)
        return 1;
    }
  return 0;
}

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Every tensor file under dir, recursively (not through links to folders), in name
   order. */
static void
expand_dir (input_list *l, const char *dir)
{
  DIR *dp = opendir (dir);
  if (!dp)
    cli_die (CLI_EXIT_USAGE, "%s: %s", dir, strerror (errno));
  input_list names = { NULL, 0 };
  struct dirent *e;
  while ((e = readdir (dp)))
    if (e->d_name[0] != '.')
      input_add (&names, e->d_name);
  closedir (dp);
  if (names.n)
    qsort (names.v, names.n, sizeof *names.v, cmp_str);
  for (size_t i = 0; i < names.n; i++)
    {
      size_t len = strlen (dir) + strlen (names.v[i]) + 2;
      char *path = malloc (len);
      struct stat st;
      if (!path)
        cli_die (CLI_EXIT_USAGE, "out of memory");
      snprintf (path, len, "%s/%s", dir, names.v[i]);
      /* folders only when they are real ones: a symbolic link to a folder could loop */
      if (lstat (path, &st) == 0 && S_ISDIR (st.st_mode))
        expand_dir (l, path);
      else if (stat (path, &st) == 0 && S_ISREG (st.st_mode) && tensor_file_p (path))
        input_add (l, path);
      free (path);
      free (names.v[i]);
    }
  free (names.v);
}

/* The tensor files of a MANIFEST (doc/data.md: "path | source | ..." lines, '#'
   comments), relative to its folder; a listed file that is missing is an error. */
static void
expand_manifest (input_list *l, const char *manifest)
{
  FILE *fp = fopen (manifest, "r");
  if (!fp)
    cli_die (CLI_EXIT_USAGE, "%s: %s", manifest, strerror (errno));
  const char *slash = strrchr (manifest, '/');
  int dirlen = slash ? (int) (slash - manifest) : 1;
  const char *dir = slash ? manifest : ".";
  char *line = NULL;
  size_t cap = 0;
  unsigned long lineno = 0;
  while (getline (&line, &cap, fp) != -1)
    {
      lineno++;
      char *p = line + strspn (line, " \t");
      if (*p == '#' || *p == '\n' || *p == '\0')
        continue;
      size_t len = strcspn (p, "|\n");
      while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
        len--;
      p[len] = '\0';
      if (!tensor_file_p (p))
        continue;
      size_t plen = (size_t) dirlen + len + 2;
      char *path = malloc (plen);
      if (!path)
        cli_die (CLI_EXIT_USAGE, "out of memory");
      if (*p == '/')
        snprintf (path, plen, "%s", p);
      else
        snprintf (path, plen, "%.*s/%s", dirlen, dir, p);
      if (access (path, R_OK) != 0)
        cli_die (CLI_EXIT_USAGE, "%s:%lu: '%s': %s", manifest, lineno, path, strerror (errno));
      input_add (l, path);
      free (path);
    }
  free (line);
  fclose (fp);
}

/* An --in argument: a directory, a MANIFEST, or FILE[:GLOB] / synthetic:NAME[:N]. */
static void
expand_input (input_list *l, const char *spec)
{
  struct stat st;
  const char *base = strrchr (spec, '/');
  base = base ? base + 1 : spec;
  if (stat (spec, &st) == 0 && S_ISDIR (st.st_mode))
    {
      size_t before = l->n;
      expand_dir (l, spec);
      if (l->n == before)
        cli_die (CLI_EXIT_USAGE, "%s: no tensor files (.npy .npz .safetensors .gguf .onnx) "
                 "in this directory", spec);
    }
  else if (stat (spec, &st) == 0 && S_ISREG (st.st_mode) && strcmp (base, "MANIFEST") == 0)
    expand_manifest (l, spec);
  else
    input_add (l, spec);
}

/* Above this Kolmogorov-Smirnov distance between a tensor and its chosen fit, a winner
   found on the fit is not to be trusted (doc/fit.md: how often the two searches agree,
   by KS). */
#define FIT_KS_UNSAFE 0.03

/* The best result of the grid a fit searches too (per-tensor scales and block formats). */
static const fl_search_result *
shared_best (const fl_search_result *res, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (res[i].granularity, "tensor") == 0 || res[i].is_block)
      return &res[i];
  return res;
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
  input_list ins = { NULL, 0 };
  size_t nbits = 0;
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
          expand_input (&ins, optarg);
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
    expand_input (&ins, argv[k]);
  size_t nin = ins.n;
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
    cli_tsource_open (&src[k], ins.v[k]);

  cli_ttable tabs[3] = { { "summary", scols, N_S, NULL, 0, 0 },
                        { "wins", wcols, N_W, NULL, 0, 0 },
                        { "ranked", acols, N_A, NULL, 0, 0 } };
  cli_ttable *sum = &tabs[0], *ranked = &tabs[2];
  win_count *wins = NULL;
  size_t nwins = 0, ntensors = 0;
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
          if (fl_search_data_new_shaped (x, t->ndim, t->shape, &d, err, sizeof err) != FL_OK)
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
                  if (fit->ks > FIT_KS_UNSAFE)
                    cli_warn ("%s: tensor '%s': the %s fit's KS statistic %.3g is above %g: "
                              "a winner on the fit is unsafe, search on the values",
                              src[k].label, t->name, fl_fit_family_name (rep.chosen), fit->ks,
                              FIT_KS_UNSAFE);
                }
            }
          free (x);
          for (size_t b = 0; b < nbits; b++)
            {
              int passes = agree && fit ? 2 : 1;
              fl_search_result *res[2] = { NULL, NULL };
              size_t nres[2] = { 0, 0 };
              double secs[2] = { 0, 0 };
              char label[300], shape_text[160];
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
              cli_tcell *row = cli_ttable_row (sum);
              cli_tcell_str (&row[S_TENSOR], t->name);
              cli_tcell_str (&row[S_FILE], src[k].label);
              cli_shape_text (t, shape_text, sizeof shape_text);
              cli_tcell_str (&row[S_SHAPE], shape_text);
              cli_tcell_int (&row[S_COUNT], (long long) n);
              if (fit)
                cli_tcell_num (&row[S_FITKS], fit->ks, "%.4f");
              cli_tcell_int (&row[S_BITS], budgets[b]);
              cli_tcell_str (&row[S_OBJ], fl_objective_name (obj));
              cli_tcell_str (&row[S_ON], used_fit ? fit_label : "samples");
              cli_tcell_int (&row[S_NCAND], (long long) nres[0]);
              cli_tcell_int (&row[S_TIES], (long long) ties);
              if (w)
                {
                  cli_tcell_str (&row[S_WIN], w->format);
                  count_win (&wins, &nwins, budgets[b], w);
                  cli_tcell_str (&row[S_WSCALE], w->scale);
                  cli_tcell_str (&row[S_WGRAN], w->granularity);
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
                  cli_tcell_str (&row[S_RGRAN], r->granularity);
                  cli_tcell_num (&row[S_RSQNR], r->sqnr_db, "%.4f");
                  cli_tcell_num (&row[S_MARGIN], margin_db (obj, w, r), "%.4f");
                }
              cli_tcell_num (&row[S_SECONDS], secs[0] + secs[1], "%.3f");
              if (passes == 2 && nres[1] && w)
                {
                  /* the fit searches no channel scales (a density has no
                     channels): compare it with the samples' best of the grid they share */
                  const fl_search_result *sw = shared_best (used_fit ? res[1] : res[0],
                                                            used_fit ? nres[1] : nres[0]);
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
                  cli_tcell *a = cli_ttable_row (ranked);
                  cli_tcell_str (&a[A_TENSOR], t->name);
                  cli_tcell_int (&a[A_BITS], budgets[b]);
                  cli_tcell_str (&a[A_ON], used_fit ? fit_label : "samples");
                  cli_tcell_int (&a[A_RANK], (long long) i + 1);
                  cli_tcell_str (&a[A_FORMAT], c->format);
                  cli_tcell_str (&a[A_SCALE], c->scale);
                  cli_tcell_str (&a[A_GRAN], c->granularity);
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
          ntensors++;
        }
      cli_tsource_close (&src[k]);
    }
  if (ncompared)
    cli_warn ("fit and samples pick the same winner in %zu of %zu searches", nagree, ncompared);
  /* without a fit, the fit's columns stay empty: leave them out */
  size_t ns = agree ? N_S : on_fit ? S_SWIN : S_FITKS;
  if (ns != N_S)
    for (size_t i = 0; i < sum->nrows; i++)
      memmove (sum->cells + i * ns, sum->cells + i * N_S, ns * sizeof *sum->cells);
  sum->ncols = ns;
  /* the wins of each family, per budget, when the run searched two tensors or more */
  if (nwins)
    qsort (wins, nwins, sizeof *wins, cmp_wins);
  for (size_t i = 0; i < nwins; i++)
    {
      size_t total = 0;
      for (size_t j = 0; j < nwins; j++)
        total += wins[j].bits == wins[i].bits ? wins[j].wins : 0;
      cli_tcell *row = cli_ttable_row (&tabs[1]);
      cli_tcell_int (&row[W_BITS], wins[i].bits);
      cli_tcell_str (&row[W_FAMILY], wins[i].family);
      cli_tcell_str (&row[W_SCALES], wins[i].scales);
      cli_tcell_int (&row[W_WINS], (long long) wins[i].wins);
      cli_tcell_num (&row[W_SHARE], (double) wins[i].wins / (double) total, "%.3f");
    }
  cli_ttable out_tabs[3];
  size_t nt = 0;
  out_tabs[nt++] = tabs[0];
  if (ntensors >= 2)
    out_tabs[nt++] = tabs[1];
  if (all)
    out_tabs[nt++] = tabs[2];
  cli_out o;
  FILE *fp = cli_out_open (&o, out);
  cli_write_ttables (fp, out_tabs, nt, style);
  cli_out_commit (&o);
  for (size_t i = 0; i < 3; i++)
    free (tabs[i].cells);
  free (wins);
  free (src);
  for (size_t i = 0; i < ins.n; i++)
    free (ins.v[i]);
  free (ins.v);
  return 0;
}
