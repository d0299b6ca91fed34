"""gen_gguf.py OUTDIR -- the GGUF files of tests/test_onnx_gguf.c.

Every tensor's bytes are written by hand here (struct), and the values the C test expects
are computed by hand in its comments from these bytes.
"""
import math, os, struct, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gguf_write import *

out = sys.argv[1]


def f16s(*bits):
    return b"".join(struct.pack("<H", b) for b in bits)


# F32 [2,3]: 0.5 -1.25 3 2^-130 (subnormal) -0 65504
f32 = struct.pack("<6f", 0.5, -1.25, 3.0, 2.0 ** -130, -0.0, 65504.0)
# F16 [4]: 1, -2, 2^-24, 65504
f16 = f16s(0x3C00, 0xC000, 0x0001, 0x7BFF)
# BF16 [3]: 1, -5, 2^-133
bf16 = f16s(0x3F80, 0xC0A0, 0x0001)
# Q8_0 [2,32]: block 0 d = 0.5 (0x3800), q_i = i - 16; block 1 d = -1 (0xbc00), q_i = -128 + i
q8 = (f16s(0x3800) + bytes((i - 16) & 0xFF for i in range(32))
      + f16s(0xBC00) + bytes((-128 + i) & 0xFF for i in range(32)))
# Q4_0 [32]: d = 2 (0x4000), byte k = k | (15 - k) << 4; element j < 16 is the low nibble of
# byte j, element j >= 16 the high nibble of byte j - 16; value (q - 8) * d
q40 = f16s(0x4000) + bytes(k | (15 - k) << 4 for k in range(16))
# Q4_1 [32]: d = 1 (0x3c00), m = -1 (0xbc00), byte k = k | k << 4; value q * d + m
q41 = f16s(0x3C00, 0xBC00) + bytes(k | k << 4 for k in range(16))
# Q6_K [256]: 210 bytes, listed only
q6k = bytes(range(210))
# ggml type 200 (unknown): 7 bytes, listed only
odd = b"\x01\x02\x03\x04\x05\x06\x07"
# I32 [2]: -7, 2^31 - 1
i32 = struct.pack("<2i", -7, 2147483647)
# F32 [2,1,3]: 0..5 in C order
f3d = struct.pack("<6f", *range(6))

kvs = [
    kv("general.architecture", STRING, "llama"),
    kv("t.u8", U8, 200), kv("t.i8", I8, -100), kv("t.u16", U16, 60000),
    kv("t.i16", I16, -30000), kv("t.u32", U32, 4000000000), kv("t.i32", I32, -2000000000),
    kv("t.f32", F32, 0.25), kv("t.bool", BOOL, True), kv("t.u64", U64, 2 ** 63 + 5),
    kv("t.i64", I64, -2 ** 62), kv("t.f64", F64, 1e300), kv("t.nan", F32, math.nan),
    kv("t.ints", ARRAY, (I32, [1, 2, 3])),
    kv("t.nested", ARRAY, (ARRAY, [(U8, [1, 2]), (U8, [3])])),
    kv("tokenizer.ggml.tokens", ARRAY, (STRING, ["tok%d" % i for i in range(100)])),
    kv("t.utf8", STRING, "caf\u00e9"),
    kv("t.badutf8", STRING, b"a\xffb"),
]
tensors = [
    ("tok_embd.weight", [2, 3], 0, f32),
    ("f16", [4], 1, f16),
    ("bf16", [3], 30, bf16),
    ("q8", [2, 32], 8, q8),
    ("q4_0", [32], 2, q40),
    ("q4_1", [32], 3, q41),
    ("q6k", [256], 14, q6k),
    ("odd", [5], 200, odd),
    ("i32", [2], 26, i32),
    ("f3d", [2, 1, 3], 0, f3d),
]
with open(os.path.join(out, "all.gguf"), "wb") as fp:
    fp.write(build(tensors, kvs, version=3))
with open(os.path.join(out, "v2.gguf"), "wb") as fp:
    fp.write(build([("w", [2], 0, struct.pack("<2f", 1.0, -1.0))], version=2))
with open(os.path.join(out, "align64.gguf"), "wb") as fp:
    fp.write(build([("a", [3], 0, struct.pack("<3f", 1, 2, 3)),
                    ("b", [1], 0, struct.pack("<f", 7))],
                   [kv("general.alignment", U32, 64)], alignment=64))
with open(os.path.join(out, "empty.gguf"), "wb") as fp:
    fp.write(build([]))
