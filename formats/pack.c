/* pack.c -- dense packing of odd-width codes, the eXmY-style plane layout of doc/blocks.md
   (documented byte by byte in include/fmtlab/pack.h).  Widths up to 8 bits move 8 codes at
   a time through one 64-bit word: a plane of c-bit parts is spread to one part per byte
   lane (or compressed back) with three shift-and-mask steps. */
#include <config.h>
#include <stdio.h>
#include <string.h>
#include <fmtlab/pack.h>

#define FL_PACK_INLINE static inline __attribute__ ((always_inline))
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define FL_PACK_LE 1
#else
#define FL_PACK_LE 0      /* the four-group path stores lanes as little-endian words */
#endif

size_t
fl_pack_bytes (unsigned bits, size_t n)
{
  if (bits < 1 || bits > FL_PACK_MAX_BITS)
    return 0;
  return (n / 8 + (n % 8 != 0)) * bits;
}

static fl_status
bad_width (unsigned bits, unsigned max, char *err, size_t errlen)
{
  if (bits >= 1 && bits <= max)
    return FL_OK;
  if (err && errlen)
    snprintf (err, errlen, "packing width %u: expected 1 to %u bits", bits, max);
  return FL_EINVAL;
}

/* little-endian loads and stores of the first nb bytes (nb <= 8) */
FL_PACK_INLINE uint64_t
load_le (const uint8_t *p, unsigned nb)
{
  uint64_t x = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  memcpy (&x, p, nb);
#else
  for (unsigned i = 0; i < nb; i++)
    x |= (uint64_t) p[i] << (8 * i);
#endif
  return x;
}

FL_PACK_INLINE void
store_le (uint8_t *p, uint64_t x, unsigned nb)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  memcpy (p, &x, nb);
#else
  for (unsigned i = 0; i < nb; i++)
    p[i] = (uint8_t) (x >> (8 * i));
#endif
}

/* 8 parts of c bits, packed densely (part j at bit j*c), to one part per byte lane. */
FL_PACK_INLINE uint64_t
spread (unsigned c, uint64_t x)
{
  switch (c)
    {
    case 1:
      x = (x | x << 28) & UINT64_C(0x0000000F0000000F);
      x = (x | x << 14) & UINT64_C(0x0003000300030003);
      return (x | x << 7) & UINT64_C(0x0101010101010101);
    case 2:
      x = (x | x << 24) & UINT64_C(0x000000FF000000FF);
      x = (x | x << 12) & UINT64_C(0x000F000F000F000F);
      return (x | x << 6) & UINT64_C(0x0303030303030303);
    case 4:
      x = (x | x << 16) & UINT64_C(0x0000FFFF0000FFFF);
      x = (x | x << 8) & UINT64_C(0x00FF00FF00FF00FF);
      return (x | x << 4) & UINT64_C(0x0F0F0F0F0F0F0F0F);
    default:
      return x;
    }
}

/* The inverse: the low c bits of each byte lane, packed densely. */
FL_PACK_INLINE uint64_t
compress (unsigned c, uint64_t x)
{
  switch (c)
    {
    case 1:
      x &= UINT64_C(0x0101010101010101);
      x = (x | x >> 7) & UINT64_C(0x0003000300030003);
      x = (x | x >> 14) & UINT64_C(0x0000000F0000000F);
      return (x | x >> 28) & 0xFF;
    case 2:
      x &= UINT64_C(0x0303030303030303);
      x = (x | x >> 6) & UINT64_C(0x000F000F000F000F);
      x = (x | x >> 12) & UINT64_C(0x000000FF000000FF);
      return (x | x >> 24) & 0xFFFF;
    case 4:
      x &= UINT64_C(0x0F0F0F0F0F0F0F0F);
      x = (x | x >> 4) & UINT64_C(0x00FF00FF00FF00FF);
      x = (x | x >> 8) & UINT64_C(0x0000FFFF0000FFFF);
      return (x | x >> 16) & 0xFFFFFFFF;
    default:
      return x;
    }
}

/* One group of 8 codes of 'bits' <= 8 bits, as 8 byte lanes of w, to 'bits' bytes. */
FL_PACK_INLINE void
pack_group8 (unsigned bits, uint64_t w, uint8_t *out)
{
  if (bits == 8)
    {
      store_le (out, w, 8);
      return;
    }
  /* the parts, largest first, without a loop so that a constant width folds them */
  unsigned off = 0, below = bits;
  if (bits & 4)
    {
      below -= 4;
      store_le (out + off, compress (4, w >> below), 4);   /* lanes < 2^bits: no crossing */
      off += 4;
    }
  if (bits & 2)
    {
      below -= 2;
      store_le (out + off, compress (2, w >> below), 2);
      off += 2;
    }
  if (bits & 1)
    store_le (out + off, compress (1, w), 1);
}

FL_PACK_INLINE uint64_t
unpack_group8 (unsigned bits, const uint8_t *in)
{
  if (bits == 8)
    return load_le (in, 8);
  uint64_t w = 0;
  unsigned off = 0;
  if (bits & 4)
    {
      w = spread (4, load_le (in, 4));
      off = 4;
    }
  if (bits & 2)
    {
      w = (w << 2) | spread (2, load_le (in + off, 2));
      off += 2;
    }
  if (bits & 1)
    w = (w << 1) | spread (1, in[off]);
  return w;
}

/* Four groups at once in a vector of four 64-bit lanes (GCC vector extensions: SSE2 or
   better, whatever the target offers); the same shifts and masks as spread(). */
#pragma GCC diagnostic ignored "-Wpsabi"   /* the helpers are inlined: no ABI crosses */
typedef uint64_t fl_u64x4 __attribute__ ((vector_size (32)));

FL_PACK_INLINE fl_u64x4
vspread (unsigned c, fl_u64x4 x)
{
  switch (c)
    {
    case 1:
      x = (x | x << 28) & 0x0000000F0000000FULL;
      x = (x | x << 14) & 0x0003000300030003ULL;
      return (x | x << 7) & 0x0101010101010101ULL;
    case 2:
      x = (x | x << 24) & 0x000000FF000000FFULL;
      x = (x | x << 12) & 0x000F000F000F000FULL;
      return (x | x << 6) & 0x0303030303030303ULL;
    default:
      x = (x | x << 16) & 0x0000FFFF0000FFFFULL;
      x = (x | x << 8) & 0x00FF00FF00FF00FFULL;
      return (x | x << 4) & 0x0F0F0F0F0F0F0F0FULL;
    }
}

FL_PACK_INLINE fl_u64x4
vload (const uint8_t *in, unsigned bits, unsigned off, unsigned nb)
{
  fl_u64x4 v = { load_le (in + off, nb), load_le (in + bits + off, nb),
                 load_le (in + 2 * bits + off, nb), load_le (in + 3 * bits + off, nb) };
  return v;
}

FL_PACK_INLINE void
unpack_4groups (unsigned bits, const uint8_t *in, uint8_t *out)
{
  fl_u64x4 w;
  if (bits == 8)
    w = vload (in, 8, 0, 8);
  else
    {
      unsigned off = 0;
      w = (fl_u64x4) { 0, 0, 0, 0 };
      if (bits & 4)
        {
          w = vspread (4, vload (in, bits, 0, 4));
          off = 4;
        }
      if (bits & 2)
        {
          w = (w << 2) | vspread (2, vload (in, bits, off, 2));
          off += 2;
        }
      if (bits & 1)
        w = (w << 1) | vspread (1, vload (in, bits, off, 1));
    }
  memcpy (out, &w, 32);   /* lanes are little-endian words: byte j of lane g = code 8g+j */
}

/* The loops, instantiated once per width so the part loop unrolls. */
#define FL_PACK_LOOPS(B)                                                          \
  static void pack8_##B (const uint8_t *codes, size_t ng, uint8_t *out)          \
  {                                                                              \
    for (size_t g = 0; g < ng; g++)                                              \
      pack_group8 (B, load_le (codes + 8 * g, 8), out + (size_t) B * g);        \
  }                                                                              \
  static void unpack8_##B (const uint8_t *in, size_t ng, uint8_t *codes)         \
  {                                                                              \
    size_t g = 0;                                                                \
    if (FL_PACK_LE)                                                              \
      for (; g + 4 <= ng; g += 4)                                                \
        unpack_4groups (B, in + (size_t) B * g, codes + 8 * g);                  \
    for (; g < ng; g++)                                                          \
      store_le (codes + 8 * g, unpack_group8 (B, in + (size_t) B * g), 8);      \
  }
FL_PACK_LOOPS (1) FL_PACK_LOOPS (2) FL_PACK_LOOPS (3) FL_PACK_LOOPS (4)
FL_PACK_LOOPS (5) FL_PACK_LOOPS (6) FL_PACK_LOOPS (7) FL_PACK_LOOPS (8)

typedef void (*pack_fn) (const uint8_t *, size_t, uint8_t *);
typedef void (*unpack_fn) (const uint8_t *, size_t, uint8_t *);
static const pack_fn pack_fns[9] = { NULL, pack8_1, pack8_2, pack8_3, pack8_4, pack8_5,
                                     pack8_6, pack8_7, pack8_8 };
static const unpack_fn unpack_fns[9] = { NULL, unpack8_1, unpack8_2, unpack8_3, unpack8_4,
                                         unpack8_5, unpack8_6, unpack8_7, unpack8_8 };

/* The BMI2 path: a plane of p-bit parts is one PEXT of the group's bits under the plane's
   mask (the parts come out densely, part j at bit j*p, the layout itself), and one PDEP
   back.  A group of 8 one-byte codes is one 64-bit word; 8 two-byte codes are two words
   of 4 codes (the plane's low 4p bits from the first).  Used where the CPU has BMI2 and
   executes it in hardware: AMD before Zen 3 microcodes PEXT/PDEP at hundreds of cycles,
   so those keep the shift-and-mask path above.  Widths are constants per instance. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && FL_PACK_LE
# define FL_PACK_BMI2 1
# include <immintrin.h>
# define FL_BMI2_INLINE static inline __attribute__ ((always_inline, target ("bmi2")))
# define FL_BMI2_FN __attribute__ ((target ("bmi2")))

/* p ones in each 8-bit (16-bit) lane */
# define FL_LANES8(p) (UINT64_C(0x0101010101010101) * ((UINT64_C(1) << (p)) - 1))
# define FL_LANES16(p) (UINT64_C(0x0001000100010001) * ((UINT64_C(1) << (p)) - 1))

/* One plane of p-bit parts in each of the helpers below, written out per p (constant
   sizes: the loads and stores stay single moves). */
# define FL_PEXT8(p)                                                              \
  if (bits & p)                                                                 \
    {                                                                           \
      below -= p;                                                               \
      store_le (out + off, _pext_u64 (w, FL_LANES8 (p) << below), p);           \
      off += p;                                                                 \
    }
# define FL_PDEP8(p)                                                              \
  if (bits & p)                                                                 \
    {                                                                           \
      below -= p;                                                               \
      w |= _pdep_u64 (load_le (in + off, p), FL_LANES8 (p) << below);           \
      off += p;                                                                 \
    }
# define FL_PEXT16(p)                                                             \
  if (bits & p)                                                                 \
    {                                                                           \
      below -= p;                                                               \
      uint64_t m = FL_LANES16 (p) << below;                                     \
      store_le (out + off, _pext_u64 (a, m) | _pext_u64 (b, m) << (4 * p), p);  \
      off += p;                                                                 \
    }
# define FL_PDEP16(p)                                                             \
  if (bits & p)                                                                 \
    {                                                                           \
      below -= p;                                                               \
      uint64_t m = FL_LANES16 (p) << below, x = load_le (in + off, p);          \
      a |= _pdep_u64 (x, m);                                                    \
      b |= _pdep_u64 (x >> (4 * p), m);                                         \
      off += p;                                                                 \
    }

FL_BMI2_INLINE void
pext_group8 (unsigned bits, uint64_t w, uint8_t *out)
{
  if (bits == 8)
    {
      store_le (out, w, 8);
      return;
    }
  unsigned off = 0, below = bits;
  FL_PEXT8 (4) FL_PEXT8 (2) FL_PEXT8 (1)
}

FL_BMI2_INLINE uint64_t
pdep_group8 (unsigned bits, const uint8_t *in)
{
  if (bits == 8)
    return load_le (in, 8);
  uint64_t w = 0;
  unsigned off = 0, below = bits;
  FL_PDEP8 (4) FL_PDEP8 (2) FL_PDEP8 (1)
  return w;
}

FL_BMI2_INLINE void
pext_group16 (unsigned bits, const uint16_t *c, uint8_t *out)
{
  if (bits == 16)
    {
      memcpy (out, c, 16);
      return;
    }
  uint64_t a, b;
  memcpy (&a, c, 8);
  memcpy (&b, c + 4, 8);
  unsigned off = 0, below = bits;
  FL_PEXT16 (8) FL_PEXT16 (4) FL_PEXT16 (2) FL_PEXT16 (1)
}

FL_BMI2_INLINE void
pdep_group16 (unsigned bits, const uint8_t *in, uint16_t *c)
{
  if (bits == 16)
    {
      memcpy (c, in, 16);
      return;
    }
  uint64_t a = 0, b = 0;
  unsigned off = 0, below = bits;
  FL_PDEP16 (8) FL_PDEP16 (4) FL_PDEP16 (2) FL_PDEP16 (1)
  memcpy (c, &a, 8);
  memcpy (c + 4, &b, 8);
}

/* The pack loops return the OR of every code they read: the caller's range check, with
   no second pass over the input. */
# define FL_PEXT_LOOPS8(B)                                                         \
  static FL_BMI2_FN uint64_t pext8_##B (const uint8_t *codes, size_t ng, uint8_t *out) \
  {                                                                              \
    uint64_t acc = 0;                                                            \
    for (size_t g = 0; g < ng; g++)                                              \
      {                                                                          \
        uint64_t w = load_le (codes + 8 * g, 8);                                 \
        acc |= w;                                                                \
        pext_group8 (B, w, out + (size_t) B * g);                                \
      }                                                                          \
    return acc;                                                                  \
  }                                                                              \
  static FL_BMI2_FN void pdep8_##B (const uint8_t *in, size_t ng, uint8_t *codes) \
  {                                                                              \
    for (size_t g = 0; g < ng; g++)                                              \
      store_le (codes + 8 * g, pdep_group8 (B, in + (size_t) B * g), 8);        \
  }
# define FL_PEXT_LOOPS16(B)                                                        \
  static FL_BMI2_FN uint64_t pext16_##B (const uint16_t *codes, size_t ng, uint8_t *out) \
  {                                                                              \
    uint64_t acc = 0;                                                            \
    for (size_t g = 0; g < ng; g++)                                              \
      {                                                                          \
        uint64_t a, b;                                                           \
        memcpy (&a, codes + 8 * g, 8);                                           \
        memcpy (&b, codes + 8 * g + 4, 8);                                       \
        acc |= a | b;                                                            \
        pext_group16 (B, codes + 8 * g, out + (size_t) B * g);                   \
      }                                                                          \
    return acc;                                                                  \
  }                                                                              \
  static FL_BMI2_FN void pdep16_##B (const uint8_t *in, size_t ng, uint16_t *codes) \
  {                                                                              \
    for (size_t g = 0; g < ng; g++)                                              \
      pdep_group16 (B, in + (size_t) B * g, codes + 8 * g);                      \
  }
FL_PEXT_LOOPS8 (1) FL_PEXT_LOOPS8 (2) FL_PEXT_LOOPS8 (3) FL_PEXT_LOOPS8 (4)
FL_PEXT_LOOPS8 (5) FL_PEXT_LOOPS8 (6) FL_PEXT_LOOPS8 (7) FL_PEXT_LOOPS8 (8)
FL_PEXT_LOOPS16 (1) FL_PEXT_LOOPS16 (2) FL_PEXT_LOOPS16 (3) FL_PEXT_LOOPS16 (4)
FL_PEXT_LOOPS16 (5) FL_PEXT_LOOPS16 (6) FL_PEXT_LOOPS16 (7) FL_PEXT_LOOPS16 (8)
FL_PEXT_LOOPS16 (9) FL_PEXT_LOOPS16 (10) FL_PEXT_LOOPS16 (11) FL_PEXT_LOOPS16 (12)
FL_PEXT_LOOPS16 (13) FL_PEXT_LOOPS16 (14) FL_PEXT_LOOPS16 (15) FL_PEXT_LOOPS16 (16)

typedef uint64_t (*pext8_fn) (const uint8_t *, size_t, uint8_t *);
typedef uint64_t (*pext16_fn) (const uint16_t *, size_t, uint8_t *);
typedef void (*pdep16_fn) (const uint8_t *, size_t, uint16_t *);
static const pext8_fn pext8_fns[9] = { NULL, pext8_1, pext8_2, pext8_3, pext8_4, pext8_5,
                                       pext8_6, pext8_7, pext8_8 };
static const unpack_fn pdep8_fns[9] = { NULL, pdep8_1, pdep8_2, pdep8_3, pdep8_4, pdep8_5,
                                        pdep8_6, pdep8_7, pdep8_8 };
static const pext16_fn pext16_fns[17] = {
  NULL, pext16_1, pext16_2, pext16_3, pext16_4, pext16_5, pext16_6, pext16_7, pext16_8,
  pext16_9, pext16_10, pext16_11, pext16_12, pext16_13, pext16_14, pext16_15, pext16_16 };
static const pdep16_fn pdep16_fns[17] = {
  NULL, pdep16_1, pdep16_2, pdep16_3, pdep16_4, pdep16_5, pdep16_6, pdep16_7, pdep16_8,
  pdep16_9, pdep16_10, pdep16_11, pdep16_12, pdep16_13, pdep16_14, pdep16_15, pdep16_16 };

/* BMI2 in hardware: the CPU has it and is not an AMD Zen 1 or 2 (microcoded PEXT). */
static int
fast_bmi2 (void)
{
  static int known = -1;
  int v = __atomic_load_n (&known, __ATOMIC_RELAXED);
  if (v < 0)
    {
      __builtin_cpu_init ();
      v = __builtin_cpu_supports ("bmi2") && !__builtin_cpu_is ("amdfam17h");
      __atomic_store_n (&known, v, __ATOMIC_RELAXED);
    }
  return v;
}
#else
# define FL_PACK_BMI2 0
#endif

/* Large buffers are cut into chunks of groups shared by the OpenMP threads (each chunk
   touches its own bytes only).  Packing returns the OR of the codes it read where the
   BMI2 loops did the work (they check the range on the way), else 0. */
#define FL_PACK_CHUNK ((size_t) 1 << 16)    /* groups */
static uint64_t
run_groups (int pack, unsigned bits, const uint8_t *src, size_t ng, uint8_t *dst)
{
  long nchunks = (long) ((ng + FL_PACK_CHUNK - 1) / FL_PACK_CHUNK);
  uint64_t acc = 0;
#pragma omp parallel for schedule(static) reduction(|:acc) if (nchunks > 4)
  for (long c = 0; c < nchunks; c++)
    {
      size_t g0 = (size_t) c * FL_PACK_CHUNK, len = ng - g0 < FL_PACK_CHUNK ? ng - g0 : FL_PACK_CHUNK;
#if FL_PACK_BMI2
      if (fast_bmi2 ())
        {
          if (pack)
            acc |= pext8_fns[bits] (src + 8 * g0, len, dst + bits * g0);
          else
            pdep8_fns[bits] (src + bits * g0, len, dst + 8 * g0);
          continue;
        }
#endif
      if (pack)
        pack_fns[bits] (src + 8 * g0, len, dst + bits * g0);
      else
        unpack_fns[bits] (src + bits * g0, len, dst + 8 * g0);
    }
  return acc;
}

static void pack_group16 (unsigned bits, const uint16_t *c, uint8_t *out);
static void unpack_group16 (unsigned bits, const uint8_t *in, uint16_t *c);

/* The same for two-byte codes: the BMI2 path when there is one, else group by group. */
static uint64_t
run_groups16 (int pack, unsigned bits, const void *src, size_t ng, void *dst)
{
  long nchunks = (long) ((ng + FL_PACK_CHUNK - 1) / FL_PACK_CHUNK);
  uint64_t acc = 0;
#pragma omp parallel for schedule(static) reduction(|:acc) if (nchunks > 4)
  for (long c = 0; c < nchunks; c++)
    {
      size_t g0 = (size_t) c * FL_PACK_CHUNK, len = ng - g0 < FL_PACK_CHUNK ? ng - g0 : FL_PACK_CHUNK;
      const uint16_t *codes = (const uint16_t *) src + 8 * g0;
      const uint8_t *in = (const uint8_t *) src + bits * g0;
      uint8_t *out = (uint8_t *) dst + bits * g0;
      uint16_t *back = (uint16_t *) dst + 8 * g0;
#if FL_PACK_BMI2
      if (fast_bmi2 ())
        {
          if (pack)
            acc |= pext16_fns[bits] (codes, len, out);
          else
            pdep16_fns[bits] (in, len, back);
          continue;
        }
#endif
      for (size_t g = 0; g < len; g++)
        if (pack)
          pack_group16 (bits, codes + 8 * g, out + (size_t) bits * g);
        else
          unpack_group16 (bits, in + (size_t) bits * g, back + 8 * g);
    }
  return acc;
}

/* The OR of n codes, a word at a time (the lanes of a word are whole codes, so a mask
   per lane finds a code that does not fit). */
static uint64_t
or_codes8 (const uint8_t *c, size_t n)
{
  uint64_t acc = 0, w;
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    {
      memcpy (&w, c + i, 8);
      acc |= w;
    }
  for (; i < n; i++)
    acc |= c[i];
  return acc;
}

static uint64_t
or_codes16 (const uint16_t *c, size_t n)
{
  uint64_t acc = 0, w;
  size_t i = 0;
  for (; i + 4 <= n; i += 4)
    {
      memcpy (&w, c + i, 8);
      acc |= w;
    }
  for (; i < n; i++)
    acc |= c[i];
  return acc;
}

/* Whether the range check is left to the pack loops (the BMI2 ones). */
static int
check_in_loops (void)
{
#if FL_PACK_BMI2
  return fast_bmi2 ();
#else
  return 0;
#endif
}

static fl_status
too_wide (unsigned bits, size_t i, unsigned code, char *err, size_t errlen)
{
  if (err && errlen)
    snprintf (err, errlen, "code %zu is 0x%x: does not fit in %u bits", i, code, bits);
  return FL_ERANGE;
}

fl_status
fl_pack8 (unsigned bits, const uint8_t *codes, size_t n, uint8_t *out, char *err, size_t errlen)
{
  fl_status st = bad_width (bits, 8, err, errlen);
  if (st != FL_OK)
    return st;
  /* one OR over the input finds any code that does not fit (in the pack loops where
     they can, out being unspecified then); then name the first */
  int in_loops = check_in_loops ();
  size_t ng = n / 8, m = n % 8;
  uint64_t acc = in_loops ? or_codes8 (codes + 8 * ng, m) : or_codes8 (codes, n);
  acc |= run_groups (1, bits, codes, ng, out);
  if (bits < 8 && (acc & ~(UINT64_C(0x0101010101010101) * ((1u << bits) - 1))))
    for (size_t i = 0; i < n; i++)
      if (codes[i] >> bits)
        return too_wide (bits, i, codes[i], err, errlen);
  if (m)
    {
      uint8_t tmp[8] = { 0 };
      memcpy (tmp, codes + 8 * ng, m);
      pack_fns[bits] (tmp, 1, out + bits * ng);
    }
  return FL_OK;
}

fl_status
fl_unpack8 (unsigned bits, const uint8_t *in, size_t n, uint8_t *codes, char *err, size_t errlen)
{
  fl_status st = bad_width (bits, 8, err, errlen);
  if (st != FL_OK)
    return st;
  size_t ng = n / 8, m = n % 8;
  run_groups (0, bits, in, ng, codes);
  if (m)
    {
      uint8_t tmp[8];
      unpack_fns[bits] (in + bits * ng, 1, tmp);
      memcpy (codes + 8 * ng, tmp, m);
    }
  return FL_OK;
}

/* Wide codes: one group at a time, part by part. */
static void
pack_group16 (unsigned bits, const uint16_t *c, uint8_t *out)
{
  unsigned off = 0, below = bits;
  for (unsigned p = 16; p >= 1; p >>= 1)
    if (bits & p)
      {
        below -= p;
        unsigned mask = (1u << p) - 1;
        if (p == 16)
          for (int j = 0; j < 8; j++)
            {
              out[off + 2 * j] = (uint8_t) c[j];
              out[off + 2 * j + 1] = (uint8_t) (c[j] >> 8);
            }
        else if (p == 8)
          for (int j = 0; j < 8; j++)
            out[off + j] = (uint8_t) ((c[j] >> below) & mask);
        else
          {
            uint64_t lanes = 0;
            for (int j = 0; j < 8; j++)
              lanes |= (uint64_t) ((c[j] >> below) & mask) << (8 * j);
            store_le (out + off, compress (p, lanes), p);
          }
        off += p;
      }
}

static void
unpack_group16 (unsigned bits, const uint8_t *in, uint16_t *c)
{
  unsigned off = 0;
  for (int j = 0; j < 8; j++)
    c[j] = 0;
  for (unsigned p = 16; p >= 1; p >>= 1)
    if (bits & p)
      {
        if (p == 16)
          for (int j = 0; j < 8; j++)
            c[j] = (uint16_t) (in[off + 2 * j] | in[off + 2 * j + 1] << 8);
        else if (p == 8)
          for (int j = 0; j < 8; j++)
            c[j] = (uint16_t) (c[j] << 8 | in[off + j]);
        else
          {
            uint64_t lanes = spread (p, load_le (in + off, p));
            for (int j = 0; j < 8; j++)
              c[j] = (uint16_t) (c[j] << p | ((lanes >> (8 * j)) & 0xff));
          }
        off += p;
      }
}

fl_status
fl_pack16 (unsigned bits, const uint16_t *codes, size_t n, uint8_t *out, char *err, size_t errlen)
{
  fl_status st = bad_width (bits, 16, err, errlen);
  if (st != FL_OK)
    return st;
  int in_loops = check_in_loops ();
  size_t ng = n / 8, m = n % 8;
  uint64_t acc = in_loops ? or_codes16 (codes + 8 * ng, m) : or_codes16 (codes, n);
  acc |= run_groups16 (1, bits, codes, ng, out);
  if (bits < 16 && (acc & ~(UINT64_C(0x0001000100010001) * ((1u << bits) - 1))))
    for (size_t i = 0; i < n; i++)
      if (codes[i] >> bits)
        return too_wide (bits, i, codes[i], err, errlen);
  if (m)
    {
      uint16_t tmp[8] = { 0 };
      memcpy (tmp, codes + 8 * ng, m * sizeof *tmp);
      pack_group16 (bits, tmp, out + (size_t) bits * ng);
    }
  return FL_OK;
}

fl_status
fl_unpack16 (unsigned bits, const uint8_t *in, size_t n, uint16_t *codes, char *err, size_t errlen)
{
  fl_status st = bad_width (bits, 16, err, errlen);
  if (st != FL_OK)
    return st;
  size_t ng = n / 8, m = n % 8;
  run_groups16 (0, bits, in, ng, codes);
  if (m)
    {
      uint16_t tmp[8];
      unpack_group16 (bits, in + (size_t) bits * ng, tmp);
      memcpy (codes + 8 * ng, tmp, m * sizeof *tmp);
    }
  return FL_OK;
}

/* Where slot j's part of size p sits: byte and bit inside the plane at offset off. */
uint16_t
fl_pack_get (unsigned bits, const uint8_t *packed, size_t i)
{
  const uint8_t *g = packed + (i / 8) * bits;
  unsigned j = (unsigned) (i % 8), off = 0, code = 0;
  for (unsigned p = 16; p >= 1; p >>= 1)
    if (bits & p)
      {
        unsigned v;
        if (p == 16)
          v = g[off + 2 * j] | g[off + 2 * j + 1] << 8;
        else
          {
            unsigned bit = j * p;
            v = (g[off + bit / 8] >> (bit % 8)) & ((1u << p) - 1);
          }
        code = (code << p) | v;
        off += p;
      }
  return (uint16_t) code;
}

void
fl_pack_set (unsigned bits, uint8_t *packed, size_t i, uint16_t code)
{
  uint8_t *g = packed + (i / 8) * bits;
  unsigned j = (unsigned) (i % 8), off = 0, below = bits;
  for (unsigned p = 16; p >= 1; p >>= 1)
    if (bits & p)
      {
        below -= p;
        unsigned v = (unsigned) (code >> below) & ((1u << p) - 1);
        if (p == 16)
          {
            g[off + 2 * j] = (uint8_t) v;
            g[off + 2 * j + 1] = (uint8_t) (v >> 8);
          }
        else
          {
            unsigned bit = j * p, sh = bit % 8;
            uint8_t *b = g + off + bit / 8;
            *b = (uint8_t) ((*b & ~(((1u << p) - 1) << sh)) | v << sh);
          }
        off += p;
      }
}
