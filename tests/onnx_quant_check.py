"""onnx_quant_check.py ORIGINAL.onnx QUANTIZED.onnx -- the independent side of
tests/test_quantize_onnx.sh: the same graph (op types in order), the same dtypes and shapes,
every non-float tensor byte for byte, and every float32 tensor (initializers, tensor
attributes, subgraphs) equal to numpy's int8 absmax fake-quantization rounded to float32.
Prints the number of float tensors checked and of mismatches."""
import sys, onnx, numpy as np
from onnx import numpy_helper
def tensors(g, out):
    for t in g.initializer: out.append(t)
    for n in g.node:
        for at in n.attribute:
            if at.type == onnx.AttributeProto.TENSOR: out.append(at.t)
            for t in at.tensors: out.append(t)
            if at.type == onnx.AttributeProto.GRAPH: tensors(at.g, out)
            for sg in at.graphs: tensors(sg, out)
    return out
a = onnx.load(sys.argv[1]); b = onnx.load(sys.argv[2])
onnx.checker.check_model(b)
def ops(g): return [n.op_type for n in g.node]
assert ops(a.graph) == ops(b.graph)
ta, tb = tensors(a.graph, []), tensors(b.graph, [])
assert len(ta) == len(tb)
cnt = bad = 0
for x, y in zip(ta, tb):
    assert x.data_type == y.data_type and list(x.dims) == list(y.dims)
    if x.data_type != 1:
        assert x.SerializeToString() == y.SerializeToString(); continue
    xv = numpy_helper.to_array(x).astype(np.float64); yv = numpy_helper.to_array(y)
    if xv.size == 0: continue
    m = np.abs(xv).max(); s = m / 127 if m > 0 else 1.0
    # int8, absmax per tensor: s = absmax / 127, round half to even, then to float32
    q = (np.clip(np.round(xv / s), -127, 127) * s).astype(np.float32)
    cnt += 1; bad += not np.array_equal(q, yv)
print(cnt, bad)
