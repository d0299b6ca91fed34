#!/usr/bin/python3
"""pngstat.py FILE... -- decode PNG files with the standard library only (zlib) and print,
one line per file: width height luminance_variance ink_share colours, where ink_share is
the share of pixels that differ from the most common colour (the background).  Used by
tests/test_plots.c to check that a chart is not blank; independent of PLplot and cairo.
Handles 8-bit non-interlaced greyscale, RGB and RGBA (what cairo writes)."""
import struct
import sys
import zlib


def decode(path):
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        raise ValueError('not a PNG')
    pos, idat, ihdr = 8, b'', None
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            ihdr = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat += body
        elif kind == b'IEND':
            break
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = ihdr
    if depth != 8 or interlace != 0 or ctype not in (0, 2, 4, 6):
        raise ValueError('unsupported PNG layout %r' % (ihdr,))
    bpp = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    rows = []
    i = 0
    for _ in range(h):
        f = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[x] = (line[x] + pr) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def stats(path):
    w, h, bpp, rows = decode(path)
    counts = {}
    s = s2 = 0.0
    for line in rows:
        for x in range(0, len(line), bpp):
            px = line[x:x + min(bpp, 3)]
            counts[px] = counts.get(px, 0) + 1
            if bpp >= 3:
                y = 0.2126 * px[0] + 0.7152 * px[1] + 0.0722 * px[2]
            else:
                y = px[0]
            s += y
            s2 += y * y
    n = float(w * h)
    var = s2 / n - (s / n) ** 2
    ink = 1.0 - max(counts.values()) / n
    return w, h, var, ink, len(counts)


for p in sys.argv[1:]:
    w, h, var, ink, ncol = stats(p)
    print('%d %d %.3f %.5f %d' % (w, h, var, ink, ncol))
