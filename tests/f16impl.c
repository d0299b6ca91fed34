/* f16impl.c -- a subject for 'fmtlab verify --impl': IEEE binary16 arithmetic from C's
   _Float16 (GCC).  Each operation is done in binary32 and rounded once to binary16, which
   is correctly rounded (RNE) for + - * / and sqrt because binary32 has at least 2p+2 = 24
   bits (Figueroa, "When is double rounding innocuous?", 1995).  f16_add_wrongties is
   deliberately wrong: on an exact tie it returns the other neighbour (one ulp off).
   Built as tests/libf16.so by analysis/refops.mk; not part of libfmtlab.  On x86-64 CPUs
   with F16C the conversions use the hardware instructions (RNE from MXCSR), chosen once
   at load time: libgcc's soft conversions, which raise exceptions through real
   floating-point operations, otherwise take 80% of an exhaustive run. */
#include <math.h>
#include <stdint.h>
#include <string.h>

static inline _Float16
h (uint64_t c)
{
  uint16_t b = (uint16_t) c;
  _Float16 x;
  memcpy (&x, &b, sizeof x);
  return x;
}

static inline uint64_t
c (_Float16 x)
{
  uint16_t b;
  memcpy (&b, &x, sizeof b);
  return b;
}

#define BODIES(sfx)                                                                   \
  static uint64_t add_##sfx (uint64_t a, uint64_t b) { return c ((_Float16) ((float) h (a) + (float) h (b))); } \
  static uint64_t sub_##sfx (uint64_t a, uint64_t b) { return c ((_Float16) ((float) h (a) - (float) h (b))); } \
  static uint64_t mul_##sfx (uint64_t a, uint64_t b) { return c ((_Float16) ((float) h (a) * (float) h (b))); } \
  static uint64_t div_##sfx (uint64_t a, uint64_t b) { return c ((_Float16) ((float) h (a) / (float) h (b))); } \
  static uint64_t sqrt_##sfx (uint64_t a) { return c ((_Float16) sqrtf ((float) h (a))); }

BODIES (sw)

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
# include <cpuid.h>
# pragma GCC push_options
# pragma GCC target ("f16c")
BODIES (hw)
# pragma GCC pop_options
static int use_hw;
__attribute__ ((constructor)) static void
pick (void)
{
  unsigned a, b, cx, d;
  use_hw = __get_cpuid (1, &a, &b, &cx, &d) && (cx & bit_F16C);
}
# define CALL2(op, a, b) (use_hw ? op##_hw (a, b) : op##_sw (a, b))
# define CALL1(op, a) (use_hw ? op##_hw (a) : op##_sw (a))
#else
# define CALL2(op, a, b) op##_sw (a, b)
# define CALL1(op, a) op##_sw (a)
#endif

uint64_t f16_add (uint64_t a, uint64_t b) { return CALL2 (add, a, b); }
uint64_t f16_sub (uint64_t a, uint64_t b) { return CALL2 (sub, a, b); }
uint64_t f16_mul (uint64_t a, uint64_t b) { return CALL2 (mul, a, b); }
uint64_t f16_div (uint64_t a, uint64_t b) { return CALL2 (div, a, b); }
uint64_t f16_sqrt (uint64_t a) { return CALL1 (sqrt, a); }

/* The exact sum in binary64 (two binary16 values need at most 41 bits); on a tie between
   two binary16 neighbours return the one round-to-nearest-even did not pick. */
uint64_t
f16_add_wrongties (uint64_t a, uint64_t b)
{
  double s = (double) h (a) + (double) h (b);
  _Float16 r = (_Float16) s;
  if (isfinite (s) && isfinite ((double) r) && (double) r != s)
    {
      uint64_t rc = c (r);
      double d = (double) r - s;
      /* the other neighbour: one code away from r in the direction of s */
      int up = (d < 0) == !(rc & 0x8000);
      uint64_t oc = up ? rc + 1 : rc - 1;
      if ((rc & 0x7fff) == 0)
        oc = s > 0 ? 0x0001 : 0x8001;
      double o = (double) h (oc);
      if (fabs (o - s) == fabs (d))
        return oc;
    }
  return c (r);
}
