"""gguf_write.py -- a small GGUF writer with the struct module, independent of fmtlab.

Used by tests/gen_gguf.py (the test files of tests/test_onnx_gguf.c) and by
tests/data/corrupt/gen_gguf_onnx.py (the corrupt corpus).  Layout (llama.cpp's
docs/gguf.md): "GGUF", u32 version, u64 tensor count, u64 key/value count, key/values,
tensor infos (name, u32 n_dims, u64 ne[], u32 ggml type, u64 offset), padding to the
alignment, data.  ne[0] is the innermost dimension.
"""
import struct

U8, I8, U16, I16, U32, I32, F32, BOOL, STRING, ARRAY, U64, I64, F64 = range(13)
_SCALAR = {U8: "<B", I8: "<b", U16: "<H", I16: "<h", U32: "<I", I32: "<i", F32: "<f",
           BOOL: "<?", U64: "<Q", I64: "<q", F64: "<d"}


def gstr(s):
    b = s.encode() if isinstance(s, str) else s
    return struct.pack("<Q", len(b)) + b


def value(t, v):
    """Encode one value of GGUF type t; arrays are (element type, [values])."""
    if t == STRING:
        return gstr(v)
    if t == ARRAY:
        et, items = v
        return struct.pack("<IQ", et, len(items)) + b"".join(value(et, x) for x in items)
    return struct.pack(_SCALAR[t], v)


def kv(key, t, v):
    return gstr(key) + struct.pack("<I", t) + value(t, v)


def tensor_info(name, c_shape, ggml_type, offset):
    """c_shape is the logical C shape; GGUF stores it reversed (ne[0] innermost)."""
    ne = list(reversed(c_shape))
    return (gstr(name) + struct.pack("<I", len(ne)) + b"".join(struct.pack("<Q", d) for d in ne)
            + struct.pack("<IQ", ggml_type, offset))


def build(tensors, kvs=(), version=3, alignment=32):
    """tensors: [(name, c_shape, ggml_type, data bytes)]; returns the file's bytes.
    Offsets are assigned in order, each aligned."""
    infos, data, off = [], b"", 0
    for name, shape, t, blob in tensors:
        off = (off + alignment - 1) // alignment * alignment
        data += b"\0" * (off - len(data))
        infos.append(tensor_info(name, shape, t, off))
        data += blob
        off += len(blob)
    head = b"GGUF" + struct.pack("<IQQ", version, len(tensors), len(kvs))
    head += b"".join(kvs) + b"".join(infos)
    pad = (-len(head)) % alignment
    return head + b"\0" * pad + data
