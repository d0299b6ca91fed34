"""onnx_ref.py MODEL -- the tensors of an ONNX model as the onnx package reads them: the
independent side of tests/test_onnx_gguf.c.

One line per tensor, tab-separated:
  NAME  CLASS  SHAPE  COUNT  FSUM  VALUES
CLASS is float, int (integers and bool) or opaque (strings, complex, types this onnx
cannot convert); SHAPE is comma-separated (empty for a scalar); FSUM is math.fsum of the
values as a C99 hexfloat; VALUES is INDEX:HEXFLOAT pairs, every element of small tensors
and five of larger ones.  Tensors are found where fmtlab looks (doc/gguf-onnx.md):
initializers, sparse initializers (NAME:values), Constant nodes (named by their output),
tensor attributes of other nodes (NODE:ATTR, NODE:ATTR[i]), recursively in subgraphs
(GRAPH and GRAPHS attributes) and model-local functions; a subgraph tensor whose name is
not unique is prefixed with its path NODE.ATTR[/...]/.
"""
import math, os, sys
from collections import Counter
import numpy as np
import onnx
from onnx import AttributeProto, numpy_helper

path = sys.argv[1]
base = os.path.dirname(os.path.abspath(path))
model = onnx.load(path, load_external_data=False)
found = []   # (name, path list, array or None, shape)


def tensor(name, prefix, t):
    try:
        a = numpy_helper.to_array(t, base)
    except Exception:
        a = None
    found.append((name, prefix, a, list(t.dims)))


def values(name, prefix, a):
    found.append((name, prefix, a, list(a.shape)))


def nodes(ns, prefix):
    for k, n in enumerate(ns):
        label = n.name or (n.output[0] if len(n.output) and n.output[0] else "node%d" % k)
        out0 = n.output[0] if len(n.output) and n.output[0] else label
        const = n.op_type == "Constant" and n.domain in ("", "ai.onnx")
        for a in n.attribute:
            if const:
                if a.name == "value" and a.HasField("t"):
                    tensor(out0, prefix, a.t)
                    continue
                if a.name == "sparse_value" and a.HasField("sparse_tensor"):
                    tensor(out0 + ":values", prefix, a.sparse_tensor.values)
                    continue
                if a.name == "value_float":
                    values(out0, prefix, np.array(a.f, np.float32))
                    continue
                if a.name == "value_floats":
                    values(out0, prefix, np.array(a.floats, np.float32))
                    continue
                if a.name == "value_int":
                    values(out0, prefix, np.array(a.i, np.int64))
                    continue
                if a.name == "value_ints":
                    values(out0, prefix, np.array(a.ints, np.int64))
                    continue
            if a.HasField("t"):
                tensor(label + ":" + a.name, prefix, a.t)
            for i, t in enumerate(a.tensors):
                tensor("%s:%s[%d]" % (label, a.name, i), prefix, t)
            if a.HasField("g"):
                graph(a.g, prefix + ["%s.%s" % (label, a.name)])
            for i, g in enumerate(a.graphs):
                graph(g, prefix + ["%s.%s[%d]" % (label, a.name, i)])


def graph(g, prefix):
    for i, t in enumerate(g.initializer):
        tensor(t.name or "initializer%d" % i, prefix, t)
    for i, s in enumerate(g.sparse_initializer):
        tensor((s.values.name or "sparse_initializer%d" % i) + ":values", prefix, s.values)
    nodes(g.node, prefix)


graph(model.graph, [])
for f in model.functions:
    nodes(f.node, ["function:" + f.name])

count = Counter(n for n, _, _, _ in found)
for name, prefix, a, dims in found:
    if count[name] > 1 and prefix:
        name = "/".join(prefix) + "/" + name
    if a is None or a.dtype.kind not in "fiub":
        cls = "opaque"
    else:
        cls = "float" if a.dtype.kind == "f" else "int"
    shape = ",".join(str(d) for d in dims)
    n = 1
    for d in dims:
        n *= d
    if cls == "opaque":
        print("%s\t%s\t%s\t%d\t-\t-" % (name, cls, shape, n))
        continue
    v = a.astype(np.float64).ravel()
    pick = range(n) if n <= 64 else sorted({0, 1, 2, n // 2, n - 1})
    print("%s\t%s\t%s\t%d\t%s\t%s" % (name, cls, shape, n, math.fsum(v).hex(),
                                      " ".join("%d:%s" % (i, float(v[i]).hex()) for i in pick)))
