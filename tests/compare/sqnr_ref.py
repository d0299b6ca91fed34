#!/usr/bin/python3
"""sqnr_ref.py -- an independent SQNR computation for tests/test_compare_cli.sh.

Each format's values are enumerated here from its definition (not from fmtlab), the
scaled inputs are rounded to nearest with ties to the even code, and the SQNR is
10 log10(sum x^2 / sum (x - q)^2).  Definitions:
  e4m3fn    OCP FP8 E4M3 (ml_dtypes float8_e4m3fn): bias 7, 3 fraction bits, subnormals,
            no infinities, S.1111.111 is NaN; max 448
  e5m2      IEEE-like E5M2: bias 15, 2 fraction bits, subnormals; max 57344
  posit8es1 posit (n=8, es=1): rounding cut points are the 9-bit posits between two
            neighbours (the Posit Standard's rounding of the bit string); no rounding to 0
            or beyond maxpos
  int8      two's complement integers -128..127
  mxfp8e4m3 OCP MX v1.0: blocks of 32, shared scale 2^(floor(log2 amax) - 8) (8 = emax of
            E4M3), elements x / scale rounded to E4M3 and clamped to +-448
Scalar formats use the absmax scale s = absmax / max, q = s * value(round(x / s)), all in
binary64.  Usage: sqnr_ref.py FILE.npy FORMAT...  prints "FORMAT SQNR" lines.
Imported, its tables and round_nearest quantize on their own (test_compare_cli.sh).
"""
import sys
import numpy as np


def minifloat(ebits, mbits, bias, fn):
    """(values, codes) of the finite non-negative... and negative values."""
    vals, codes = [], []
    for code in range(1 << (1 + ebits + mbits)):
        s = code >> (ebits + mbits)
        e = (code >> mbits) & ((1 << ebits) - 1)
        m = code & ((1 << mbits) - 1)
        if fn:
            if e == (1 << ebits) - 1 and m == (1 << mbits) - 1:
                continue                      # NaN
        elif e == (1 << ebits) - 1:
            continue                          # Inf / NaN
        if e == 0:
            v = m * 2.0 ** (1 - bias - mbits)
        else:
            v = (1 + m / 2.0 ** mbits) * 2.0 ** (e - bias)
        vals.append(-v if s else v)
        codes.append(code)
    return vals, codes


def posit_value(code, n, es):
    if code == 0:
        return 0.0
    if code == 1 << (n - 1):
        return None                           # NaR
    neg = code >> (n - 1)
    if neg:
        code = (-code) & ((1 << n) - 1)
    bits = [(code >> (n - 2 - i)) & 1 for i in range(n - 1)]
    r0 = bits[0]
    k = 0
    while k < len(bits) and bits[k] == r0:
        k += 1
    regime = k - 1 if r0 else -k
    rest = bits[k + 1:]
    e = 0
    for i in range(es):
        e = e * 2 + (rest[i] if i < len(rest) else 0)
    frac = rest[es:]
    f = 1.0 + sum(b * 2.0 ** -(i + 1) for i, b in enumerate(frac))
    v = f * 2.0 ** (regime * (1 << es) + e)
    return -v if neg else v


def round_table(vals, codes, cuts=None):
    """Sorted unique values with their codes (the even one at a signed zero), and the
    cut points between neighbours (midpoints unless given)."""
    order = sorted(zip(vals, codes), key=lambda t: (t[0], t[1]))
    v, c = [], []
    for val, code in order:
        if v and v[-1] == val:
            continue                          # -0 after +0: keep code 0
        v.append(val)
        c.append(code)
    v = np.array(v)
    c = np.array(c)
    if cuts is None:
        cuts = (v[:-1] + v[1:]) / 2
    return v, c, np.asarray(cuts)


def round_nearest(y, table):
    v, c, cuts = table
    i = np.searchsorted(cuts, y)              # cuts[i-1] < y <= cuts[i]
    i = np.clip(i, 0, len(v) - 1)
    # y exactly on a cut: the even code of the two
    on = (i < len(cuts)) & (y == cuts[np.minimum(i, len(cuts) - 1)])
    j = np.minimum(i + 1, len(v) - 1)
    pick_hi = on & (c[j] % 2 == 0)
    i = np.where(pick_hi, j, i)
    return v[i]


def posit_table(n, es):
    vals, codes = [], []
    for code in range(1 << n):
        p = posit_value(code, n, es)
        if p is not None:
            vals.append(p)
            codes.append(code)
    # cut between neighbours: the (n+1)-bit posit between them; in (n+1)-bit codes the
    # n-bit code k is 2k, so the cut is the odd code 2k+1 (two's complement order)
    order = sorted(zip(vals, codes))
    cuts = []
    for (va, ca), (vb, cb) in zip(order[:-1], order[1:]):
        wide = ((ca << 1) + 1) & ((1 << (n + 1)) - 1)
        cuts.append(posit_value(wide, n + 1, es))
    return round_table(vals, codes, cuts)


def scalar_sqnr(x, table, vmax):
    s = np.max(np.abs(x)) / vmax
    y = x / s
    y = np.clip(y, table[0][0], table[0][-1])   # saturate
    q = s * round_nearest(y, table)
    return 10 * np.log10(np.sum(x * x) / np.sum((x - q) ** 2))


def mx_sqnr(x, table):
    xb = x.reshape(-1, 32)
    amax = np.max(np.abs(xb), axis=1)
    e = np.floor(np.log2(amax)) - 8
    scale = 2.0 ** e
    y = np.clip(xb / scale[:, None], -448, 448)
    q = round_nearest(y.ravel(), table).reshape(xb.shape) * scale[:, None]
    return 10 * np.log10(np.sum(x * x) / np.sum((xb - q) ** 2))


def main():
    x = np.load(sys.argv[1]).astype(np.float64).ravel()
    e4m3 = round_table(*minifloat(4, 3, 7, True))
    for fmt in sys.argv[2:]:
        if fmt == "e4m3fn":
            r = scalar_sqnr(x, e4m3, 448.0)
        elif fmt == "e5m2":
            r = scalar_sqnr(x, round_table(*minifloat(5, 2, 15, False)), 57344.0)
        elif fmt == "posit8es1":
            t = posit_table(8, 1)
            r = scalar_sqnr(x, t, t[0][-1])
        elif fmt == "int8":
            r = scalar_sqnr(x, round_table(list(range(-128, 128)), [c & 0xff for c in range(-128, 128)]), 127.0)
        elif fmt == "mxfp8e4m3":
            r = mx_sqnr(x, e4m3)
        else:
            sys.exit("sqnr_ref.py: unknown format " + fmt)
        print(fmt, "%.6f" % r)


if __name__ == "__main__":
    main()
