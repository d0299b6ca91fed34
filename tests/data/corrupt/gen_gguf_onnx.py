"""gen_gguf_onnx.py -- writes the corrupt GGUF and ONNX corpus beside it (gguf/, onnx/) and
gguf-onnx.expect, one line per file: FILE <TAB> a part of the one-line message fmtlab must
give.  tests/test_onnx_gguf.c opens each file and checks the status and the message.

Run: /usr/bin/python3 tests/data/corrupt/gen_gguf_onnx.py   (needs python3-onnx)
"""
import os, struct, sys
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", ".."))
from gguf_write import *
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

expect = []


def put(sub, name, data, message):
    os.makedirs(os.path.join(here, sub), exist_ok=True)
    with open(os.path.join(here, sub, name), "wb") as fp:
        fp.write(data)
    expect.append("%s/%s\t%s" % (sub, name, message))


# ---------------- GGUF ----------------
F32_4 = struct.pack("<4f", 1, 2, 3, 4)
good = build([("w", [4], 0, F32_4)], [kv("general.name", STRING, "x")])
head = b"GGUF" + struct.pack("<IQQ", 3, 0, 1)      # no tensors, one key/value

put("gguf", "bad_magic.gguf", b"GGUX" + good[4:], "no \"GGUF\" magic")
put("gguf", "trunc_version.gguf", b"GGUF\3\0", "truncated in the version")
put("gguf", "trunc_tensor_count.gguf", b"GGUF" + struct.pack("<I", 3) + b"\1\0\0", "truncated in the tensor count")
put("gguf", "trunc_kv_count.gguf", b"GGUF" + struct.pack("<IQ", 3, 1) + b"\1", "truncated in the key/value count")
put("gguf", "trunc_key.gguf", head + struct.pack("<Q", 12) + b"general", "truncated in a metadata key")
put("gguf", "trunc_value_type.gguf", head + gstr("general.name") + b"\x08\0", "truncated in a metadata value type")
put("gguf", "trunc_tensor_dims.gguf", b"GGUF" + struct.pack("<IQQ", 3, 1, 0) + gstr("w")
    + struct.pack("<IQ", 2, 4) + b"\0" * 6, "truncated in a dimension")
put("gguf", "trunc_tensor_offset.gguf", b"GGUF" + struct.pack("<IQQ", 3, 1, 0) + gstr("w")
    + struct.pack("<IQI", 1, 4, 0) + b"\0\0\0", "truncated in the offset")
put("gguf", "huge_kv_count.gguf", b"GGUF" + struct.pack("<IQQ", 3, 1, 2 ** 60) + good[24:],
    "key/value count 1152921504606846976 is larger")
put("gguf", "huge_tensor_count.gguf", b"GGUF" + struct.pack("<IQQ", 3, 2 ** 62, 1) + good[24:],
    "tensor count 4611686018427387904 is larger")
put("gguf", "key_beyond_file.gguf", head + struct.pack("<Q", 2 ** 40) + b"general.name",
    "truncated in a metadata key")
put("gguf", "string_beyond_file.gguf", head + gstr("general.name") + struct.pack("<IQ", STRING, 2 ** 62) + b"abc",
    "truncated in a metadata string")
put("gguf", "huge_array.gguf", head + gstr("a") + struct.pack("<IIQ", ARRAY, U32, 2 ** 50) + b"\0" * 64,
    "metadata array of 1125899906842624 u32 elements is larger than the file")
nested = struct.pack("<IQ", U8, 0)                  # an empty u8 array, inside 100 arrays
for _ in range(100):
    nested = struct.pack("<IQ", ARRAY, 1) + nested
put("gguf", "deep_arrays.gguf", head + gstr("a") + struct.pack("<I", ARRAY) + nested,
    "nested deeper than 8")
put("gguf", "bad_value_type.gguf", head + gstr("a") + struct.pack("<I", 99) + b"\0" * 16,
    "unknown metadata value type 99")
put("gguf", "dup_key.gguf", build([("w", [4], 0, F32_4)], [kv("k", U8, 1), kv("k", U8, 2)]),
    "metadata key 'k' appears twice")
put("gguf", "alignment_not_pow2.gguf", build([("w", [4], 0, F32_4)], [kv("general.alignment", U32, 48)],
                                             alignment=48), "general.alignment must be a u32 power of two")
put("gguf", "alignment_wrong_type.gguf", build([("w", [4], 0, F32_4)], [kv("general.alignment", U64, 32)]),
    "general.alignment must be a u32 power of two")
put("gguf", "version1.gguf", b"GGUF" + struct.pack("<III", 1, 0, 0), "GGUF version 1 is not supported")
put("gguf", "version9.gguf", b"GGUF" + struct.pack("<IQQ", 9, 0, 0), "unsupported GGUF version 9")
put("gguf", "big_endian.gguf", b"GGUF" + struct.pack(">IQQ", 3, 0, 0), "big-endian GGUF")


def one_tensor(name, ne, t, offset, data=b"", n=1, extra=b""):
    info = gstr(name) + struct.pack("<I", len(ne)) + b"".join(struct.pack("<Q", d) for d in ne)
    info += struct.pack("<IQ", t, offset)
    h = b"GGUF" + struct.pack("<IQQ", 3, n, 0) + info + extra
    return h + b"\0" * ((-len(h)) % 32) + data


put("gguf", "offset_outside.gguf", one_tensor("w", [4], 0, 2 ** 40, F32_4),
    "tensor 'w': offset 1099511627776 is beyond the data section")
put("gguf", "data_past_end.gguf", one_tensor("w", [1000], 0, 0, F32_4),
    "tensor 'w': data at offset 0 (4000 bytes) runs past the end of the file")
put("gguf", "misaligned_offset.gguf", one_tensor("w", [1], 0, 8, F32_4 * 4),
    "tensor 'w': offset 8 is not a multiple of the alignment 32")
# a holds 8 floats at 0, b 4 floats at 0 + 32 -> overlap
two = (gstr("a") + struct.pack("<IQIQ", 1, 16, 0, 0) + gstr("b") + struct.pack("<IQIQ", 1, 4, 0, 32))
h = b"GGUF" + struct.pack("<IQQ", 3, 2, 0) + two
put("gguf", "overlap.gguf", h + b"\0" * ((-len(h)) % 32) + F32_4 * 4, "tensor 'a': data at offset 0 (64 bytes) overlaps tensor 'b'")
dup = gstr("w") + struct.pack("<IQIQ", 1, 4, 0, 0) + gstr("w") + struct.pack("<IQIQ", 1, 4, 0, 32)
h = b"GGUF" + struct.pack("<IQQ", 3, 2, 0) + dup
put("gguf", "dup_names.gguf", h + b"\0" * ((-len(h)) % 32) + F32_4 * 4, "tensor 'w': duplicate tensor name")
put("gguf", "dims_overflow.gguf", one_tensor("w", [2 ** 32, 2 ** 32, 2 ** 32], 0, 0, F32_4),
    "tensor 'w': shape whose element count overflows")
put("gguf", "bytes_overflow.gguf", one_tensor("w", [2 ** 62], 0, 0, F32_4),
    "tensor 'w': 4611686018427387904 elements: byte size overflows")
put("gguf", "negative_dim.gguf", one_tensor("w", [2 ** 64 - 1], 0, 0, F32_4), "tensor 'w': dimension 0 is negative")
put("gguf", "too_many_dims.gguf", one_tensor("w", [1] * 17, 0, 0, F32_4), "tensor 'w': 17 dimensions (at most 16)")
put("gguf", "partial_block.gguf", one_tensor("q", [33], 2, 0, b"\0" * 64), "tensor 'q': Q4_0 rows of 33 elements are not whole blocks of 32")
put("gguf", "empty_name.gguf", one_tensor("", [4], 0, 0, F32_4), "tensor 0: the name is empty")
h = b"GGUF" + struct.pack("<IQQ", 3, 1, 0) + gstr("w") + struct.pack("<IQIQ", 1, 4, 0, 0)
put("gguf", "trunc_before_data.gguf", h + b"\0", "truncated before the data section")


# ---------------- ONNX ----------------
def varint(v):
    out = b""
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def field(num, payload):
    return varint(num << 3 | 2) + varint(len(payload)) + payload


def model(inits=(), nodes=(), **kw):
    g = helper.make_graph(list(nodes), "g", [], [], initializer=list(inits))
    return helper.make_model(g, **kw).SerializeToString()


def t_raw(name, dtype, dims, data):
    t = TensorProto()
    t.name, t.data_type = name, dtype
    t.dims.extend(dims)
    t.raw_data = data
    return t


def ext(name, dims, **kv):
    t = TensorProto()
    t.name, t.data_type = name, TensorProto.FLOAT
    t.dims.extend(dims)
    t.data_location = TensorProto.EXTERNAL
    for k, v in kv.items():
        e = t.external_data.add()
        e.key, e.value = k, str(v)
    return t


w4 = numpy_helper.from_array(np.arange(4, dtype=np.float32), "w")
valid = model([w4])
put("onnx", "bad_varint.onnx", b"\x3a" + b"\xff" * 11, "malformed varint")
put("onnx", "varint_over_64_bits.onnx", b"\x08" + b"\xff" * 9 + b"\x02", "malformed varint")
put("onnx", "truncated.onnx", valid[: len(valid) // 2], "runs past the end of its message")
put("onnx", "huge_length.onnx", b"\x3a" + varint(2 ** 60) + b"\0" * 8, "runs past the end of its message")
put("onnx", "group_wire_type.onnx", b"\x3b\x3c", "wire type 3")
put("onnx", "field_zero.onnx", b"\x02\x00", "field number 0")
put("onnx", "wrong_wire_type.onnx", b"\x38\x01", "protobuf-c could not unpack")
put("onnx", "no_graph.onnx", b"\x08\x08", "no graph")
put("onnx", "empty.onnx", b"", "no graph")

# 10^4 nested subgraphs: ModelProto.graph -> GraphProto.node -> NodeProto.attribute ->
# AttributeProto.g -> GraphProto ...
g = b""
for _ in range(10000):
    attr = field(6, g)
    node = field(5, attr)
    g = field(1, node)
put("onnx", "deep_subgraphs.onnx", field(7, g), "nested deeper than 64 levels")
# 1000 nested sequence types: GraphProto.input -> ValueInfoProto.type -> TypeProto
# .sequence_type -> Sequence.elem_type -> TypeProto ...
tp = b""
for _ in range(1000):
    tp = field(4, field(1, tp))
put("onnx", "deep_types.onnx", field(7, field(11, field(2, tp))), "nested deeper than 64 levels")

put("onnx", "raw_size_mismatch.onnx", model([t_raw("w", TensorProto.FLOAT, [4], b"\0" * 8)]),
    "tensor 'w': raw_data holds 8 bytes, but 4 elements of FLOAT take 16")
tc = TensorProto()
tc.name, tc.data_type = "w", TensorProto.FLOAT
tc.dims.extend([4])
tc.float_data.extend([1, 2, 3])
put("onnx", "typed_count_mismatch.onnx", model([tc]), "tensor 'w': 3 values in its data fields, but its shape holds 4")
put("onnx", "dup_names.onnx", model([w4, w4]), "tensor 'w': duplicate tensor name")
put("onnx", "dup_constants.onnx", model(nodes=[helper.make_node("Constant", [], ["k"], value=w4),
                                               helper.make_node("Constant", [], ["k"], value=w4)]),
    "tensor 'k': duplicate tensor name")
put("onnx", "long_name.onnx", model(nodes=[helper.make_node("Constant", [], ["n" * 5000], value=w4)]),
    "a tensor name longer than 4096 bytes")
put("onnx", "negative_dim.onnx", model([t_raw("w", TensorProto.FLOAT, [-1], b"")]),
    "tensor 'w': dimension 0 is negative")
put("onnx", "dims_overflow.onnx", model([t_raw("w", TensorProto.FLOAT, [2 ** 40, 2 ** 40], b"")]),
    "tensor 'w': shape whose element count overflows")
put("onnx", "too_many_dims.onnx", model([t_raw("w", TensorProto.FLOAT, [1] * 17, b"\0" * 4)]),
    "tensor 'w': 17 dimensions (at most 16)")
ti = TensorProto()
ti.name, ti.data_type = "w", TensorProto.INT8
ti.dims.extend([2])
ti.int32_data.extend([1, 300])
put("onnx", "int8_out_of_range.onnx", model([ti]), "tensor 'w': int32_data[1] = 300 does not fit INT8")
# external data: escapes, absolute, missing, beyond the file, malformed offset
os.makedirs(os.path.join(here, "onnx"), exist_ok=True)
with open(os.path.join(here, "onnx", "small.bin"), "wb") as fp:
    fp.write(b"\0" * 8)
put("onnx", "ext_dotdot.onnx", model([ext("w", [4], location="../gguf/overlap.gguf", offset=0, length=16)]),
    "tensor 'w': external data location '../gguf/overlap.gguf' leaves the model's directory")
put("onnx", "ext_absolute.onnx", model([ext("w", [4], location="/etc/passwd")]),
    "tensor 'w': external data location '/etc/passwd' is an absolute path")
put("onnx", "ext_missing.onnx", model([ext("w", [4], location="missing.bin")]),
    "tensor 'w': external data file 'missing.bin': No such file")
put("onnx", "ext_beyond.onnx", model([ext("w", [4], location="small.bin", offset=0, length=16)]),
    "tensor 'w': external data [0, +16) lies beyond the end of 'small.bin'")
put("onnx", "ext_offset_beyond.onnx", model([ext("w", [1], location="small.bin", offset=2 ** 64 - 1)]),
    "lies beyond the end of 'small.bin'")
put("onnx", "ext_bad_offset.onnx", model([ext("w", [1], location="small.bin", offset="12abc")]),
    "tensor 'w': external data offset '12abc' is not an integer")
put("onnx", "ext_bad_length.onnx", model([ext("w", [4], location="small.bin", length=4)]),
    "tensor 'w': external data length 4, but 4 elements of FLOAT take 16 bytes")
put("onnx", "ext_no_location.onnx", model([ext("w", [4], offset=0)]),
    "tensor 'w': external data without a location")

with open(os.path.join(here, "gguf-onnx.expect"), "w") as fp:
    fp.write("# written by gen_gguf_onnx.py: FILE<TAB>part of the expected one-line message\n")
    fp.write("\n".join(expect) + "\n")
print("%d files" % len(expect))
