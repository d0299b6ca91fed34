"""gen_onnx.py OUTDIR -- the ONNX files of tests/test_onnx_gguf.c, written with the onnx
package (Debian's python3-onnx).  The models are not meant to run, only to hold tensors in
every place and encoding the reader handles: initializers as raw_data and as each typed
field, Constant nodes (value, value_float(s), value_int(s), sparse_value), tensor
attributes of other nodes, If/Loop subgraphs three deep, a GRAPHS attribute, names that
collide across subgraphs, and external data.
"""
import os, struct, sys
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]


def typed(name, dtype, dims, field, values):
    t = TensorProto()
    t.name, t.data_type = name, dtype
    t.dims.extend(dims)
    getattr(t, field).extend(values)
    return t


def raw(name, dtype, dims, data):
    t = TensorProto()
    t.name, t.data_type = name, dtype
    t.dims.extend(dims)
    t.raw_data = data
    return t


def const(out_name, **attrs):
    return helper.make_node("Constant", [], [out_name], **attrs)


def const_t(out_name, values, dtype=np.float32):
    return const(out_name, value=numpy_helper.from_array(np.array(values, dtype=dtype)))


# external data: weights.bin holds 16 bytes of padding, then 4 float32, then 2 float32
ext_vals = np.array([1.0, -2.0, 0.5, 8.0], np.float32)
ext2_vals = np.array([3.0, 4.0], np.float32)
with open(os.path.join(out, "weights.bin"), "wb") as fp:
    fp.write(b"\0" * 16 + ext_vals.tobytes() + ext2_vals.tobytes())


def external(name, dims, location, offset=None, length=None):
    t = TensorProto()
    t.name, t.data_type = name, TensorProto.FLOAT
    t.dims.extend(dims)
    t.data_location = TensorProto.EXTERNAL
    for k, v in (("location", location), ("offset", offset), ("length", length)):
        if v is not None:
            e = t.external_data.add()
            e.key, e.value = k, str(v)
    return t


inits = [
    numpy_helper.from_array(np.array([[0.5, -1.25, 3.0], [2.0 ** -130, -0.0, 65504.0]],
                                     np.float32), "w_raw"),
    typed("w_typed", TensorProto.FLOAT, [3], "float_data", [0.25, -8.0, 1e-3]),
    # float16 bit patterns 1, -2, 2^-24, 65504; bfloat16 1, -5, 2^-133 (in int32_data)
    typed("h16", TensorProto.FLOAT16, [4], "int32_data", [0x3C00, 0xC000, 0x0001, 0x7BFF]),
    typed("b16", TensorProto.BFLOAT16, [3], "int32_data", [0x3F80, 0xC0A0, 0x0001]),
    typed("i8", TensorProto.INT8, [3], "int32_data", [-128, 0, 127]),
    typed("u8", TensorProto.UINT8, [2], "int32_data", [0, 255]),
    typed("flags", TensorProto.BOOL, [3], "int32_data", [1, 0, 1]),
    typed("i16", TensorProto.INT16, [2], "int32_data", [-32768, 32767]),
    typed("u16", TensorProto.UINT16, [1], "int32_data", [65535]),
    typed("i32", TensorProto.INT32, [2], "int32_data", [-7, 2147483647]),
    typed("i64", TensorProto.INT64, [2], "int64_data", [-5, 2 ** 40]),
    typed("f64", TensorProto.DOUBLE, [2], "double_data", [0.1, -1e300]),
    typed("u32", TensorProto.UINT32, [1], "uint64_data", [4000000000]),
    typed("u64", TensorProto.UINT64, [1], "uint64_data", [2 ** 60]),
    raw("f16raw", TensorProto.FLOAT16, [2], struct.pack("<2H", 0x3C00, 0xBC00)),
    raw("scalar", TensorProto.FLOAT, [], struct.pack("<f", 42.0)),
    raw("empty", TensorProto.FLOAT, [0, 3], b""),
    typed("strings", TensorProto.STRING, [2], "string_data", [b"a", b"bc"]),
    typed("c64", TensorProto.COMPLEX64, [1], "float_data", [1.0, 2.0]),
    # FLOAT8E4M3FN (17, after the 1.12 schema): 0x38 = 1.0, 0xfe = -448
    raw("f8", 17, [2], bytes([0x38, 0xFE])),
    raw("type99", 99, [2], b"\1\2"),
    external("ext", [2, 2], "weights.bin", 16, 16),
    external("ext2", [2], "weights.bin", 32),
]
sparse = onnx.SparseTensorProto()
sparse.values.CopyFrom(numpy_helper.from_array(np.array([5.0, 6.0], np.float32), "sp"))
sparse.indices.CopyFrom(numpy_helper.from_array(np.array([1, 3], np.int64), "sp_idx"))
sparse.dims.extend([4])


def graph(name, nodes, inits=()):
    return helper.make_graph(nodes, name, [], [], initializer=list(inits))


# three levels: if1.then_branch -> loop1.body -> if2.else_branch
if2 = helper.make_node("If", ["c"], ["o"], name="if2",
                       then_branch=graph("t2", [const_t("leaf", [9.0])]),
                       else_branch=graph("e2", [const_t("shared", [3.0]), const_t("deep", [4.0, 5.0])]))
loop1 = helper.make_node("Loop", ["m", "c"], ["o"], name="loop1",
                         body=graph("body", [if2, const_t("loopc", [6.0])]))
if1 = helper.make_node("If", ["c"], ["o"], name="if1",
                       then_branch=graph("t1", [const_t("shared", [1.0]), loop1]),
                       else_branch=graph("e1", [const_t("shared", [2.0])],
                                         [numpy_helper.from_array(np.array([7.0], np.float32),
                                                                  "sub_init")]))
multi = helper.make_node("MultiG", [], ["mo"], name="multi", domain="test",
                         branches=[graph("g0", [const_t("gconst", [10.0])]),
                                   graph("g1", [const_t("gconst", [11.0])])])
nodes = [
    const_t("k_value", [0.25, 0.75]),
    const("k_vf", value_float=1.5),
    const("k_vfs", value_floats=[1.0, 2.0, 3.0]),
    const("k_vi", value_int=7),
    const("k_vis", value_ints=[1, -2]),
    const("k_sparse", sparse_value=sparse),
    helper.make_node("ConstantOfShape", ["shape"], ["filled"], name="cos",
                     value=numpy_helper.from_array(np.array([0.5], np.float32))),
    if1, multi,
]
g = graph("main", nodes, inits)
sp_init = onnx.SparseTensorProto()
sp_init.CopyFrom(sparse)
sp_init.values.name = "sparse_w"
g.sparse_initializer.append(sp_init)
m = helper.make_model(g, producer_name="fmtlab-test", producer_version="1.0",
                      opset_imports=[helper.make_opsetid("", 13)])
m.metadata_props.add(key="author", value="tests/gen_onnx.py")
with open(os.path.join(out, "synth.onnx"), "wb") as fp:
    fp.write(m.SerializeToString())

# a symbolic link inside the directory that points outside it must be refused
os.makedirs(os.path.join(out, "sub"), exist_ok=True)
link = os.path.join(out, "sub", "escape.bin")
if not os.path.lexists(link):
    os.symlink(os.path.join(out, "weights.bin"), link)
gs = graph("main", [], [external("esc", [4], "escape.bin", 16, 16)])
with open(os.path.join(out, "sub", "symlink.onnx"), "wb") as fp:
    fp.write(helper.make_model(gs).SerializeToString())

# If nodes nested N deep (then_branch inside then_branch ...), a Constant at the bottom.
# Message depth: model 0, graph 1, and 3 more per level (node, attribute, graph); the
# Constant's tensor is 3 below its graph: 20 levels put it at 64, the deepest accepted.
def nested_ifs(levels):
    g = graph("g%d" % levels, [const_t("bottom", [1.0])])
    for k in range(levels, 0, -1):
        g = graph("g%d" % (k - 1), [helper.make_node("If", ["c"], ["o"], name="if%d" % k,
                                                     then_branch=g)])
    return helper.make_model(g).SerializeToString()


for levels in (20, 21):
    with open(os.path.join(out, "nested%d.onnx" % levels), "wb") as fp:
        fp.write(nested_ifs(levels))

# Unnamed nodes without outputs hold subgraphs whose tensor names collide: their paths use
# "node<index>".
un = [helper.make_node("If", ["c"], [], then_branch=graph("a", [const_t("x", [1.0])])),
      helper.make_node("If", ["c"], [], then_branch=graph("b", [const_t("x", [2.0])]))]
with open(os.path.join(out, "unnamed.onnx"), "wb") as fp:
    fp.write(helper.make_model(graph("main", un)).SerializeToString())
