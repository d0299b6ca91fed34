"""onnx_expose.py MODEL OUT_MODEL SAVE_JSON [--probe RECORD_JS FEEDS_JSON]

Rewrite an ONNX model so that the tensors a low-precision GEMM would see at run time become
graph outputs: every non-constant input of the Conv, ConvTranspose, MatMul and Gemm nodes,
the input of the Softmax nodes, and the input X and initial hidden state of LSTM, GRU and
RNN nodes (the operands of their matrix products).  Constant inputs (initializers, Constant nodes and what
is computed from them alone) are weights, fetched as weights, and are not exposed.

ONNX cannot expose a tensor computed inside an If branch.  With --probe, every If of the
main graph is replaced by the branch it takes on the feeds of FEEDS_JSON: the conditions are
made graph outputs of a probe model, run under onnxruntime-web by RECORD_JS, and the branch
taken is inlined (its nodes moved into the main graph, its outputs renamed through Identity
nodes); repeated until no If is left.  This is exact for a run whose conditions do not
change between calls; record.js checks it by running the original model beside the
rewritten one.  SAVE_JSON lists [{"tensor", "file", "nodes", "ops"}] for record.js.
See doc/data.md.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import onnx
from onnx import helper, shape_inference, TensorProto

GEMM_OPS = ("Conv", "ConvTranspose", "MatMul", "Gemm")
SOFTMAX_OPS = ("Softmax",)
# Recurrent cells multiply their input X and their hidden state H by weight matrices: X
# (input 0) and initial_h (input 5) are what their GEMMs see.
RECURRENT_OPS = ("LSTM", "GRU", "RNN")


def fail(msg):
    sys.stderr.write("onnx_expose.py: %s\n" % msg)
    sys.exit(1)


def branch_of(node, taken):
    name = "then_branch" if taken else "else_branch"
    for a in node.attribute:
        if a.name == name:
            return a.g
    fail("If node %s has no %s" % (node.name, name))


def inline_ifs(model, record_js, feeds_json):
    """Replace every If of the main graph by the branch it takes, until none is left."""
    graph = model.graph
    rounds = 0
    while True:
        ifs = [n for n in graph.node if n.op_type == "If"]
        if not ifs:
            return rounds
        rounds += 1
        if rounds > 32:
            fail("If nodes still present after 32 rounds of inlining")
        conds = sorted({n.input[0] for n in ifs})
        probe = onnx.ModelProto()
        probe.CopyFrom(model)
        del probe.graph.output[:]
        for c in conds:
            probe.graph.output.append(helper.make_tensor_value_info(c, TensorProto.BOOL, None))
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "probe.onnx")
            onnx.save(probe, path)
            run = subprocess.run(["node", record_js, "probe", path, feeds_json] + conds,
                                 capture_output=True, text=True)
            if run.returncode != 0:
                fail("probe run failed: %s" % run.stderr.strip())
            values = json.loads(run.stdout)
        nodes = []
        for n in graph.node:
            if n.op_type != "If":
                nodes.append(n)
                continue
            v = values[n.input[0]]
            if len(v) != 1:
                fail("If %s: condition has %d values" % (n.name, len(v)))
            g = branch_of(n, bool(v[0]))
            graph.initializer.extend(g.initializer)
            nodes.extend(g.node)
            for inner, outer in zip(g.output, n.output):
                nodes.append(helper.make_node("Identity", [inner.name], [outer],
                                              name="%s/inlined/%s" % (n.name, outer)))
        del graph.node[:]
        graph.node.extend(nodes)


def constant_names(graph):
    """Names computed from initializers and Constant nodes alone (nodes in order)."""
    const = {i.name for i in graph.initializer}
    for n in graph.node:
        if n.op_type == "Constant" or (n.input and all(i == "" or i in const for i in n.input)
                                       and n.op_type not in ("RandomNormal", "RandomUniform",
                                                             "RandomNormalLike",
                                                             "RandomUniformLike", "Multinomial")):
            const.update(o for o in n.output if o)
    return const


def file_name(tensor, used):
    base = re.sub(r"[^A-Za-z0-9.-]+", "_", tensor).strip("_.") or "tensor"
    base = base[:120]
    name, k = base, 1
    while name in used:
        k += 1
        name = "%s~%d" % (base, k)
    used.add(name)
    return name + ".npy"


def main():
    args = sys.argv[1:]
    probe = None
    if "--probe" in args:
        i = args.index("--probe")
        probe = args[i + 1:i + 3]
        del args[i:i + 3]
    if len(args) != 3:
        fail("usage: onnx_expose.py MODEL OUT_MODEL SAVE_JSON [--probe RECORD_JS FEEDS_JSON]")
    src, dst, save_json = args
    model = onnx.load(src)
    graph = model.graph
    if probe:
        inline_ifs(model, *probe)
    elif any(n.op_type == "If" for n in graph.node):
        fail("%s has If nodes: give --probe RECORD_JS FEEDS_JSON" % src)

    const = constant_names(graph)
    inputs = {i.name for i in graph.input}
    wanted = {}   # tensor -> (nodes, ops), in graph order
    for n in graph.node:
        if n.op_type in GEMM_OPS:
            ins = list(n.input)
        elif n.op_type in SOFTMAX_OPS:
            ins = list(n.input[:1])
        elif n.op_type in RECURRENT_OPS:
            ins = [n.input[i] for i in (0, 5) if i < len(n.input)]
        else:
            continue
        for t in ins:
            if t and t not in const:
                e = wanted.setdefault(t, ([], []))
                e[0].append(n.name or "(unnamed %s)" % n.op_type)
                e[1].append(n.op_type)

    inferred = shape_inference.infer_shapes(model)
    types = {v.name: v.type for v in list(inferred.graph.value_info) + list(inferred.graph.output)
             + list(inferred.graph.input)}
    outputs = {o.name for o in graph.output}
    for t in wanted:
        if t in inputs or t in outputs:
            continue
        vi = onnx.ValueInfoProto()
        vi.name = t
        if t in types and types[t].tensor_type.elem_type:
            vi.type.tensor_type.elem_type = types[t].tensor_type.elem_type
        else:
            vi.type.tensor_type.elem_type = TensorProto.FLOAT
        graph.output.append(vi)

    used = set()
    save = [{"tensor": t, "file": file_name(t, used), "nodes": nodes, "ops": ops}
            for t, (nodes, ops) in wanted.items()]
    onnx.save(model, dst)
    with open(save_json, "w") as f:
        json.dump(save, f, indent=1)
        f.write("\n")
    sys.stderr.write("onnx_expose.py: %s: %d tensors exposed\n" % (os.path.basename(src), len(save)))


if __name__ == "__main__":
    main()
