#!/usr/bin/python3
"""write_formats.py -- one tensor in every file format fmtlab reads, written here with
numpy, onnx and struct (independently of fmtlab's writers), for tests/test_compare_cli.sh.
Usage: write_formats.py DIR SEED.  Writes t.npy t.npz t_f32.safetensors t_bf16.safetensors
t.gguf t.onnx (the tensor 'w', 64 x 48 float32 Laplace values) and w_bf16.npy (the BF16
rounding of w, ties to even, as float32, to check the BF16 rows separately)."""
import json
import struct
import sys
import numpy as np

d, seed = sys.argv[1], int(sys.argv[2])
w = np.random.default_rng(seed).laplace(size=(64, 48)).astype(np.float32)
np.save(d + "/t.npy", w)
np.savez_compressed(d + "/t.npz", w=w)


def safetensors(path, dtype, raw):
    head = json.dumps({"w": {"dtype": dtype, "shape": list(w.shape),
                             "data_offsets": [0, len(raw)]}}).encode()
    head += b" " * (-len(head) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)) + head + raw)


safetensors(d + "/t_f32.safetensors", "F32", w.astype("<f4").tobytes())
# bfloat16 by round to nearest, ties to even, on the binary32 bits
u = w.view(np.uint32).astype(np.uint64)
bf = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)
safetensors(d + "/t_bf16.safetensors", "BF16", bf.astype("<u2").tobytes())
np.save(d + "/w_bf16.npy", (bf.astype(np.uint32) << 16).view(np.float32))

# GGUF v3 (ggml's layout): magic, version, tensor count, kv count, one string kv, then the
# tensor infos (name, n_dims, dims innermost first, type 0 = F32, offset), aligned data
def gstr(s):
    b = s.encode()
    return struct.pack("<Q", len(b)) + b


g = b"GGUF" + struct.pack("<IQQ", 3, 1, 1)
g += gstr("general.name") + struct.pack("<I", 8) + gstr("fmtlab-test")
g += gstr("w") + struct.pack("<I", 2) + struct.pack("<QQ", w.shape[1], w.shape[0])
g += struct.pack("<IQ", 0, 0)
g += b"\0" * (-len(g) % 32)
g += w.astype("<f4").tobytes()
with open(d + "/t.gguf", "wb") as f:
    f.write(g)

import onnx
from onnx import helper, numpy_helper
init = numpy_helper.from_array(w, name="w")
node = helper.make_node("Identity", ["w"], ["y"])
graph = helper.make_graph([node], "g", [], [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, list(w.shape))], [init])
onnx.save(helper.make_model(graph), d + "/t.onnx")
