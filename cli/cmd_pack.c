/* cmd_pack.c -- 'fmtlab pack --bits B' and 'fmtlab unpack --bits B': binary codes, one per
   byte (or per little-endian 16-bit word with --wide), to the dense layout of doc/blocks.md and
   back (include/fmtlab/pack.h documents the bytes). */
#include <config.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fmtlab/pack.h>
#include "cli.h"
#include "parse.h"

static void
help (int unpack)
{
  if (!unpack)
    printf ("Usage: fmtlab pack --bits B [--wide] [--raw] [--in FILE] [-o FILE]\n\n"
            "Read binary codes, one per byte (with --wide one per little-endian 16-bit word),\n"
            "each below 2^B, and write them densely packed: groups of 8 codes in exactly B bytes,\n"
            "B split into its binary expansion (7 = 4+2+1), one plane per part, the most\n"
            "significant part first, earlier codes in the lower bits of a byte.  When the count\n"
            "is not a multiple of 8 (and always for B = 1) the last group is padded with zero\n"
            "codes and one more byte holds the count modulo 8, so 'fmtlab unpack' restores the\n"
            "exact input; --raw leaves that byte out (then give 'unpack --count N').\n\n");
  else
    printf ("Usage: fmtlab unpack --bits B [--wide] [--raw | --count N] [--in FILE] [-o FILE]\n\n"
            "The inverse of 'fmtlab pack': read the packed bytes and write one code per byte\n"
            "(with --wide per little-endian 16-bit word).  --raw: the input has no count byte and\n"
            "holds whole groups; --count N: exactly N codes, no count byte.\n\n");
  printf ("  -b, --bits B      code width, 1 to 16 (more than 8 needs --wide)\n"
          "  -w, --wide        codes are little-endian 16-bit words\n"
          "  -i, --in FILE     read FILE instead of standard input\n"
          "  -o, --output FILE write FILE (atomically) instead of standard output\n"
          "  -h, --help  -V, --version\n");
}

/* The whole of FILE or stdin; an empty input is an error. */
static uint8_t *
slurp (const char *path, size_t *len)
{
  const char *name;
  FILE *fp = cli_in_open (path, "rb", &name);
  size_t cap = 1 << 16, n = 0;
  uint8_t *buf = malloc (cap);
  if (!buf)
    cli_die (CLI_EXIT_USAGE, "out of memory");
  for (;;)
    {
      if (n == cap)
        {
          /* one byte beyond the limit tells an input over it */
          cap = cap * 2 < CLI_MAX_PACK_BYTES + 1 ? cap * 2 : CLI_MAX_PACK_BYTES + 1;
          buf = realloc (buf, cap);
          if (!buf)
            cli_die (CLI_EXIT_USAGE, "out of memory reading %s", name);
        }
      size_t got = fread (buf + n, 1, cap - n, fp);
      n += got;
      if (got == 0)
        break;
      if (n > CLI_MAX_PACK_BYTES)
        cli_die (CLI_EXIT_USAGE, "%s: more than %zu bytes; split the input", name,
                 CLI_MAX_PACK_BYTES);
    }
  if (ferror (fp))
    cli_die (CLI_EXIT_USAGE, "cannot read %s: %s", name, strerror (errno));
  if (fp != stdin)
    fclose (fp);
  if (n == 0)
    cli_die (CLI_EXIT_USAGE, "%s: empty input, expected codes", name);
  *len = n;
  return buf;
}

static int
run (int argc, char **argv, int unpack)
{
  static const struct option opts[] = {
    { "bits", required_argument, NULL, 'b' }, { "wide", no_argument, NULL, 'w' },
    { "raw", no_argument, NULL, 'R' }, { "count", required_argument, NULL, 'n' },
    { "in", required_argument, NULL, 'i' }, { "output", required_argument, NULL, 'o' },
    { "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 }
  };
  unsigned bits = 0;
  int wide = 0, raw = 0, have_count = 0, opt;
  size_t count = 0;
  const char *in = NULL, *out = NULL;
  while ((opt = cli_getopt (argc, argv, "b:wi:o:hV", opts)) != -1)
    switch (opt)
      {
      case 'b': bits = (unsigned) cli_parse_ull ("--bits", optarg, FL_PACK_MAX_BITS); break;
      case 'w': wide = 1; break;
      case 'R': raw = 1; break;
      case 'n':
        if (!unpack)
          cli_die (CLI_EXIT_USAGE, "--count belongs to 'fmtlab unpack'");
        count = (size_t) cli_parse_ull ("--count", optarg, SIZE_MAX / 16);
        have_count = 1;
        break;
      case 'i': in = optarg; break;
      case 'o': out = optarg; break;
      case 'h': help (unpack); return 0;
      case 'V': cli_version ();
      default: cli_usage_error ();
      }
  if (optind < argc)
    cli_die (CLI_EXIT_USAGE, "unexpected argument '%s' (fmtlab %s --help)", argv[optind], cli_cmd);
  if (bits == 0)
    cli_die (CLI_EXIT_USAGE, "--bits B is required: the code width, 1 to 16");
  if (bits > 8 && !wide)
    cli_die (CLI_EXIT_USAGE, "--bits %u: codes of more than 8 bits need --wide", bits);
  size_t len;
  uint8_t *data = slurp (in, &len);
  const char *name = in ? in : "standard input";
  char err[256];
  uint8_t *res;
  size_t rlen;
  if (!unpack)
    {
      if (wide && len % 2)
        cli_die (CLI_EXIT_USAGE, "%s: %zu bytes, expected 16-bit codes (an even count) with --wide",
                 name, len);
      size_t n = wide ? len / 2 : len;
      int trailer = !raw && (n % 8 != 0 || bits == 1);
      size_t plen = fl_pack_bytes (bits, n);
      rlen = plen + (size_t) trailer;
      res = calloc (rlen, 1);
      uint16_t *w = NULL;
      if (!res)
        cli_die (CLI_EXIT_USAGE, "out of memory");
      fl_status st;
      if (wide)
        {
          w = malloc (n * sizeof *w);
          if (!w)
            cli_die (CLI_EXIT_USAGE, "out of memory");
          for (size_t i = 0; i < n; i++)
            w[i] = (uint16_t) (data[2 * i] | data[2 * i + 1] << 8);
          st = fl_pack16 (bits, w, n, res, err, sizeof err);
        }
      else
        st = fl_pack8 (bits, data, n, res, err, sizeof err);
      if (st != FL_OK)
        cli_die (CLI_EXIT_USAGE, "%s: %s", name, err);
      if (trailer)
        res[plen] = (uint8_t) (n % 8);
      free (w);
    }
  else
    {
      size_t n;
      if (cli_unpack_count (len, data[len - 1], bits, raw, have_count, count, &n, err,
                            sizeof err) != 0)
        cli_die (CLI_EXIT_USAGE, "%s: %s", name, err);
      rlen = wide ? 2 * n : n;
      if (rlen > CLI_MAX_UNPACK_OUT)
        cli_die (CLI_EXIT_USAGE, "%s: %zu codes would take %zu bytes, more than %zu; split the input",
                 name, n, rlen, CLI_MAX_UNPACK_OUT);
      res = malloc (rlen ? rlen : 1);
      if (!res)
        cli_die (CLI_EXIT_USAGE, "out of memory");
      if (wide)
        {
          uint16_t *w = malloc ((n ? n : 1) * sizeof *w);
          if (!w)
            cli_die (CLI_EXIT_USAGE, "out of memory");
          fl_unpack16 (bits, data, n, w, err, sizeof err);
          for (size_t i = 0; i < n; i++)
            {
              res[2 * i] = (uint8_t) w[i];
              res[2 * i + 1] = (uint8_t) (w[i] >> 8);
            }
          free (w);
        }
      else
        fl_unpack8 (bits, data, n, res, err, sizeof err);
    }
  cli_out o;
  FILE *fp = cli_out_open (&o, out);
  if (rlen && fwrite (res, 1, rlen, fp) != rlen)
    {
      cli_out_abort (&o);
      cli_die (CLI_EXIT_USAGE, "cannot write %s: %s", out ? out : "standard output", strerror (errno));
    }
  cli_out_commit (&o);
  free (res);
  free (data);
  return 0;
}

int
cmd_pack (int argc, char **argv)
{
  return run (argc, argv, 0);
}

int
cmd_unpack (int argc, char **argv)
{
  return run (argc, argv, 1);
}
