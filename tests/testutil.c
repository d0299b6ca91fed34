/* testutil.c -- helpers shared by the Check unit tests (tests room). */
#include <config.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"

fl_format *
tu_parse (const char *name)
{
  fl_format *f = NULL;
  char err[512] = "";
  fl_status st = fl_format_parse (name, &f, err, sizeof err);
  ck_assert_msg (st == FL_OK && f != NULL, "fl_format_parse(\"%s\") failed: %s", name, err);
  return f;
}

fl_format *
tu_try_parse (const char *name)
{
  fl_format *f = NULL;
  char err[512] = "";
  if (fl_format_parse (name, &f, err, sizeof err) != FL_OK)
    return NULL;
  return f;
}

const char *
tu_hex (mpfr_srcptr x)
{
  static __thread char ring[8][256];
  static __thread int k;
  char *b = ring[k++ & 7];
  if (mpfr_nan_p (x))
    snprintf (b, 256, "nan");
  else if (mpfr_inf_p (x))
    snprintf (b, 256, mpfr_signbit (x) ? "-inf" : "inf");
  else
    fl_hexfloat (b, 256, x, 0);      /* printing only */
  return b;
}

const fl_round_mode tu_det_modes[6] = { FL_RNE, FL_RNA, FL_RTZ, FL_RUP, FL_RDN, FL_RTO };

int
tu_policies (const fl_format *f, fl_overflow out[4])
{
  static const fl_overflow all[4] = { FL_OVF_DEFAULT, FL_OVF_SAT, FL_OVF_INF, FL_OVF_NAN };
  int n = 0;
  for (int i = 0; i < 4; i++)
    if (i == 0 || fl_format_overflow_ok (f, all[i]))
      out[n++] = all[i];
  return n;
}

typedef struct {
  char **v;
  size_t n, cap;
} namelist;

static void
add (namelist *l, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));

static void
add (namelist *l, const char *fmt, ...)
{
  if (l->n + 2 > l->cap)
    {
      l->cap = l->cap ? 2 * l->cap : 64;
      l->v = realloc (l->v, l->cap * sizeof *l->v);
    }
  char buf[128];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (buf, sizeof buf, fmt, ap);
  va_end (ap);
  l->v[l->n++] = strdup (buf);
  l->v[l->n] = NULL;
}

/* The brief's list of formats of 8 bits or fewer. */
char **
tu_names_small (void)
{
  namelist l = { 0 };
  static const char *const presets[] = {
    "e4m3fn", "e4m3fnuz", "e4m3b11fnuz", "e4m3", "e5m2", "e5m2fnuz", "e3m4", "e8m0fnu",
    "e2m3fn", "e3m2fn", "e2m1fn"
  };
  for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
    add (&l, "%s", presets[i]);
  static const char *const suffix[] = { "", "fn", "fnuz", "fnu" };
  for (int X = 1; X <= 7; X++)
    for (int Y = 0; X + Y <= 7; Y++)
      for (int s = 0; s < 4; s++)
        {
          char nm[32];
          snprintf (nm, sizeof nm, "e%dm%d%s", X, Y, suffix[s]);
          int dup = 0;
          for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
            dup |= strcmp (nm, presets[i]) == 0;
          if (!dup)
            add (&l, "%s", nm);
        }
  for (int X = 0; X <= 7; X++)
    for (int Y = 0; X + Y <= 7; Y++)
      add (&l, "exmy_e%dm%d", X, Y);
  for (int K = 3; K <= 8; K++)
    for (int P = 1; P <= K; P++)
      {
        if (P <= K - 1)
          {
            add (&l, "binary%dp%dse", K, P);
            add (&l, "binary%dp%dsf", K, P);
          }
        add (&l, "binary%dp%due", K, P);
        add (&l, "binary%dp%duf", K, P);
      }
  for (int IL = 0; IL <= 8; IL++)
    for (int FL = 0; IL + FL <= 8; FL++)
      {
        if (IL >= 1 && IL + FL >= 2)
          add (&l, "fixed%d.%d", IL, FL);
        if (IL + FL >= 1)
          add (&l, "ufixed%d.%d", IL, FL);
      }
  for (int n = 2; n <= 8; n++)
    add (&l, "int%d", n);
  for (int n = 1; n <= 8; n++)
    add (&l, "uint%d", n);
  return l.v;
}

char **
tu_names_16 (void)
{
  namelist l = { 0 };
  static const char *const v[] = {
    "fp16", "bf16", "e5m10fnuz", "e5m10fn", "e6m9", "exmy_e5m10", "e6m10fnu",
    "binary16p8se", "binary16p8sf", "binary16p11se", "binary16p11sf",
    "binary16p8ue", "binary16p11uf", "fixed8.8", "ufixed8.8", "int16", "uint16"
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
    add (&l, "%s", v[i]);
  return l.v;
}

void
tu_names_free (char **v)
{
  if (!v)
    return;
  for (char **p = v; *p; p++)
    free (*p);
  free (v);
}

uint64_t
tu_splitmix (uint64_t *state)
{
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t
tu_seed (const char *what, uint64_t dflt)
{
  uint64_t s = dflt;
  const char *e = getenv ("FMTLAB_TEST_SEED");
  if (e && *e)
    s = strtoull (e, NULL, 0);
  printf ("%s: seed %llu (set FMTLAB_TEST_SEED to change)\n", what, (unsigned long long) s);
  fflush (stdout);
  return s;
}

int
tu_run (Suite *s)
{
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int nf = srunner_ntests_failed (sr);
  srunner_free (sr);
  return nf == 0 ? 0 : 1;
}

fl_class
tu_decode (const fl_format *f, uint64_t code, mpfr_ptr out)
{
  mpfr_init2 (out, fl_format_prec (f) + 2);
  return fl_decode (f, code, out);
}
