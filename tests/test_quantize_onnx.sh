#!/bin/bash
# test_quantize_onnx.sh -- 'fmtlab quantize FORMAT --in MODEL.onnx --out MODEL_Q.onnx':
# every float32 weight (initializers in raw_data and float_data, Constant values, subgraphs)
# fake-quantized, checked against numpy (tests/onnx_quant_check.py, python3-onnx); bad
# input; on the real models (notebooks-data/cache) the same check, and the quantized
# PP-OCRv4 recognizer loaded and run under onnxruntime-web (skipped without node or the
# recorder's npm packages).
FMTLAB=${FMTLAB:-./fmtlab}
srcdir=${srcdir:-.}
PY=/usr/bin/python3
. "$srcdir/tests/tap.sh"
CACHE=${FMTLAB_DATA:-$srcdir/notebooks-data/cache}

# A small model: an initializer in raw_data, one in float_data, an int64 one, a Constant,
# and an If whose branches hold their own Constant (seed 5).
$PY - "$tmp/m.onnx" <<'PYEOF'
import sys, numpy as np, onnx
from onnx import helper, numpy_helper, TensorProto
rng = np.random.default_rng(5)
w = numpy_helper.from_array(rng.standard_normal((8, 4)).astype(np.float32), "w")
b = helper.make_tensor("b", TensorProto.FLOAT, [4], rng.standard_normal(4).astype(np.float32).tolist())
k = numpy_helper.from_array(np.array([1, 2, 3], dtype=np.int64), "k")
c = helper.make_node("Constant", [], ["c"], value=numpy_helper.from_array(rng.laplace(size=(4,)).astype(np.float32), "cv"))
def branch(name, scale):
    t = numpy_helper.from_array((rng.standard_normal(4) * scale).astype(np.float32), name + "_v")
    return helper.make_graph([helper.make_node("Constant", [], [name + "_o"], value=t)], name, [],
                             [helper.make_tensor_value_info(name + "_o", TensorProto.FLOAT, [4])])
cond = helper.make_node("If", ["flag"], ["y"], then_branch=branch("then", 3.0), else_branch=branch("else", 0.01))
mm = helper.make_node("MatMul", ["x", "w"], ["xw"])
add = helper.make_node("Add", ["xw", "b"], ["z"])
g = helper.make_graph([c, mm, add, cond], "g",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8]), helper.make_tensor_value_info("flag", TensorProto.BOOL, [])],
    [helper.make_tensor_value_info("z", TensorProto.FLOAT, [1, 4]), helper.make_tensor_value_info("y", TensorProto.FLOAT, [4])],
    initializer=[w, b, k])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), sys.argv[1])
PYEOF
ok "quantize int8 a small model to .onnx" $FMTLAB quantize int8 --scale absmax --in "$tmp/m.onnx" --out "$tmp/mq.onnx"
same "5 float tensors rewritten, every one as numpy computes it" "5 0" \
  "$($PY "$srcdir/tests/onnx_quant_check.py" "$tmp/m.onnx" "$tmp/mq.onnx")"
ok "a block format (mxfp4) writes a valid model" sh -c "$FMTLAB quantize mxfp4 --in $tmp/m.onnx --out $tmp/mx.onnx && $PY -c 'import onnx; onnx.checker.check_model(onnx.load(\"$tmp/mx.onnx\"))'"
ok "the output has the usual file mode, not mkstemp's 0600" test "$(stat -c %a "$tmp/mq.onnx")" != 600
# bad input: not a model, a truncated model, --codes; no output file left
printf 'not a model' > "$tmp/bad.onnx"
status "a file that is not ONNX" 2 $FMTLAB quantize int8 --scale absmax --in "$tmp/bad.onnx" --out "$tmp/o1.onnx"
one_line "bad.onnx"
head -c 200 "$tmp/m.onnx" > "$tmp/trunc.onnx"
status "a truncated model" 2 $FMTLAB quantize int8 --scale absmax --in "$tmp/trunc.onnx" --out "$tmp/o2.onnx"
status "--codes with an ONNX output" 2 $FMTLAB quantize int8 --codes --in "$tmp/m.onnx" --out "$tmp/o3.onnx"
one_line "codes"
same "no output (nor temporary file) after a failure" "" "$(ls "$tmp"/o[123].onnx* 2>/dev/null)"

if [ -f "$CACHE/models/ch_PP-OCRv4_rec_infer.onnx" ] && [ -f "$CACHE/models/silero_vad_v5.onnx" ]; then
  ok "quantize int8 the PP-OCRv4 recognizer" $FMTLAB quantize int8 --scale absmax --in "$CACHE/models/ch_PP-OCRv4_rec_infer.onnx" --out "$tmp/rec.onnx"
  same "recognizer: 309 Constant weights, all as numpy computes them" "309 0" \
    "$($PY "$srcdir/tests/onnx_quant_check.py" "$CACHE/models/ch_PP-OCRv4_rec_infer.onnx" "$tmp/rec.onnx")"
  ok "quantize int8 Silero VAD (If subgraphs)" $FMTLAB quantize int8 --scale absmax --in "$CACHE/models/silero_vad_v5.onnx" --out "$tmp/vad.onnx"
  same "Silero: 36 float tensors, all as numpy computes them" "36 0" \
    "$($PY "$srcdir/tests/onnx_quant_check.py" "$CACHE/models/silero_vad_v5.onnx" "$tmp/vad.onnx")"
  if command -v node > /dev/null && [ -d "$CACHE/recorder/node_modules/onnxruntime-web" ]; then
    out=$(NODE_PATH="$CACHE/recorder/node_modules" node "$srcdir/tests/ort_run.js" "$tmp/rec.onnx" "$CACHE/models/ch_PP-OCRv4_rec_infer.onnx" 2>&1)
    same "the int8 recognizer loads and runs in onnxruntime-web: 40 steps x 6625 classes, finite" \
      "1x40x6625 finite" "$(echo "$out" | cut -d' ' -f1,2)"
    ok "its argmax agrees with the float model on >= 90% of the steps ($out)" \
      awk -v a="$(echo "$out" | cut -d' ' -f3)" 'BEGIN { exit !(a >= 0.9) }'
  else
    echo "# skipped: node or onnxruntime-web (notebooks-data/cache/recorder) missing"
  fi
else
  echo "# skipped: the real models ($CACHE) are missing (./quickstart fetches them)"
fi
tap_done
