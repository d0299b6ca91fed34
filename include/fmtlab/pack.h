/* fmtlab/pack.h -- dense packing of odd-width codes (doc/blocks.md, "Packing layout").

   Byte layout.  A width B (1..16) is split into its binary expansion, largest part first
   (7 = 4+2+1, 6 = 4+2, 12 = 8+4, 16 = 16).  Codes go in groups of 8 elements; group g
   occupies exactly B bytes starting at byte g*B, so 8 codes of B bits take B bytes and
   element i is found in O(1) from its group i/8 and its slot j = i%8.  Inside a group the
   planes follow one another, the largest part first: the plane of part size c holds the c
   bits of every element's code that belong to that part (the most significant part holds
   the top bits), takes 8*c bits = c bytes, and stores slot j's c bits at bit j*c of the
   plane read as a little-endian integer: earlier elements occupy lower bits of a byte
   (c = 16: slot j is the little-endian 16-bit word at plane bytes 2j, 2j+1).
   Example, B = 6 (4+2), codes c0..c7: bytes 0..3 hold the top 4 bits (c0>>2 in the low
   nibble of byte 0, c1>>2 in its high nibble, ... c7>>2 in the high nibble of byte 3),
   bytes 4..5 the low 2 bits (c0&3 in bits 0-1 of byte 4, c1&3 in bits 2-3, ...).
   A last group with fewer than 8 codes is padded with zero codes, so n codes always take
   fl_pack_bytes(B, n) = ceil(n/8)*B bytes.

   Every call is thread-safe and allocates nothing. */
#ifndef FMTLAB_PACK_H
#define FMTLAB_PACK_H

#include <stddef.h>
#include <stdint.h>
#include <fmtlab/formats.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FL_PACK_MAX_BITS 16

/* Bytes that n codes of 'bits' bits take: ceil(n/8)*bits; 0 for a bad width. */
size_t fl_pack_bytes (unsigned bits, size_t n);

/* Pack n codes of at most 8 bits (one per byte) into out (fl_pack_bytes(bits, n) bytes).
   FL_EINVAL for a width outside 1..8, FL_ERANGE (message naming the index) when a code
   does not fit in 'bits' bits; out is then unspecified. */
fl_status fl_pack8 (unsigned bits, const uint8_t *codes, size_t n, uint8_t *out,
                    char *err, size_t errlen);
/* The inverse: n codes (one per byte) from fl_pack_bytes(bits, n) bytes of in. */
fl_status fl_unpack8 (unsigned bits, const uint8_t *in, size_t n, uint8_t *codes,
                      char *err, size_t errlen);

/* The same for any width 1..16 with one code per uint16_t. */
fl_status fl_pack16 (unsigned bits, const uint16_t *codes, size_t n, uint8_t *out,
                     char *err, size_t errlen);
fl_status fl_unpack16 (unsigned bits, const uint8_t *in, size_t n, uint16_t *codes,
                       char *err, size_t errlen);

/* Random access in O(1): read or overwrite element i of a packed buffer (bits 1..16,
   code masked to 'bits' bits). */
uint16_t fl_pack_get (unsigned bits, const uint8_t *packed, size_t i);
void fl_pack_set (unsigned bits, uint8_t *packed, size_t i, uint16_t code);

#ifdef __cplusplus
}
#endif
#endif
