#!/bin/bash
# test_study_cli.sh -- 'fmtlab study' and 'fmtlab layerfit' as a user calls them: the files a
# study writes (CSV, JSON, Markdown, summary), reproducibility from the seed, bad input, and
# layerfit's round-to-nearest loss against an independent numpy computation.  The real-data
# checks skip when Debian's dataset-fashion-mnist or notebooks-data/cache is missing.
FMTLAB=${FMTLAB:-./fmtlab}
srcdir=${srcdir:-.}
PY=/usr/bin/python3
. "$srcdir/tests/tap.sh"
CACHE=${FMTLAB_DATA:-$srcdir/notebooks-data/cache}

ok "study --help" $FMTLAB study --help
ok "layerfit --help" $FMTLAB layerfit --help
ok "study --version" $FMTLAB study --version
same "study --list names every study" "decoupleq exmy gupta lp opal" \
  "$($FMTLAB study --list | grep -o '^[a-z]*' | sort | tr '\n' ' ' | sed 's/ $//')"
status "unknown study" 2 $FMTLAB study nosuch --out "$tmp/x"
one_line "nosuch"
status "no study name" 2 $FMTLAB study
status "gupta without the data set" 2 $FMTLAB study gupta --dataset "$tmp/none" --out "$tmp/g0"
one_line "dataset-fashion-mnist"
same "no output directory after a failure" "no" "$([ -e "$tmp/g0" ] && echo yes || echo no)"

# A tiny Fashion-MNIST-shaped data set (IDX, gzip): 96 training and 48 test images whose
# class is which quarter of the image is bright (seed 7).
$PY - "$tmp/fm" <<'PYEOF'
import gzip, os, sys, struct
import numpy as np
d = sys.argv[1]; os.makedirs(d)
rng = np.random.default_rng(7)
def write(name, n):
    y = rng.integers(0, 4, n).astype(np.uint8)
    x = (rng.random((n, 28, 28)) * 100).astype(np.uint8)
    for i in range(n):
        x[i, 7 * y[i]:7 * y[i] + 7, :] += 150
    with gzip.open(f"{d}/{name}-images-idx3-ubyte.gz", "wb") as f:
        f.write(struct.pack(">BBBBIII", 0, 0, 8, 3, n, 28, 28) + x.tobytes())
    with gzip.open(f"{d}/{name}-labels-idx1-ubyte.gz", "wb") as f:
        f.write(struct.pack(">BBBBI", 0, 0, 8, 1, n) + y.tobytes())
write("train", 96); write("t10k", 48)
PYEOF
ok "gupta --quick on the tiny set" $FMTLAB study gupta --quick --dataset "$tmp/fm" --out "$tmp/g1" --seed 3 --no-progress
for f in curves.csv curves.json curves.md final.csv final.json final.md summary.md; do
  ok "gupta wrote $f" test -s "$tmp/g1/$f"
done
# the chart hook: the study's chart beside its tables, shown in summary.md
ok "gupta drew study-gupta.png (a PNG)" sh -c "head -c 4 '$tmp/g1/study-gupta.png' | grep -q PNG"
ok "summary.md shows the chart" grep -q '^!\[study-gupta\](study-gupta.png)' "$tmp/g1/summary.md"
same "curves.csv: 5 runs x 3 epochs + header" 16 "$(wc -l < "$tmp/g1/curves.csv")"
ok "curves.json is an array of 15 records with the CSV's columns" $PY -c "
import json, csv, sys
j = json.load(open('$tmp/g1/curves.json')); c = list(csv.DictReader(open('$tmp/g1/curves.csv')))
assert len(j) == 15 == len(c), len(j)
assert list(j[0].keys()) == list(c[0].keys())
for a, b in zip(j, c):
    assert abs(a['test_error'] - float(b['test_error'])) == 0
"
ok "the same seed gives the same tables" sh -c "$FMTLAB study gupta --quick --dataset $tmp/fm --out $tmp/g2 --seed 3 --no-progress && cmp $tmp/g1/curves.csv $tmp/g2/curves.csv"
ok "one thread gives the same tables as two" sh -c "OMP_NUM_THREADS=1 $FMTLAB study gupta --quick --dataset $tmp/fm --out $tmp/g5 --seed 3 --no-progress && cmp $tmp/g1/curves.csv $tmp/g5/curves.csv"
ok "another seed gives other tables" sh -c "$FMTLAB study gupta --quick --dataset $tmp/fm --out $tmp/g3 --seed 4 --no-progress && ! cmp -s $tmp/g1/curves.csv $tmp/g3/curves.csv"
# a truncated image file
mkdir -p "$tmp/fmbad" && cp "$tmp/fm"/* "$tmp/fmbad/"
gzip -dc "$tmp/fm/train-images-idx3-ubyte.gz" | head -c 5000 | gzip > "$tmp/fmbad/train-images-idx3-ubyte.gz"
status "gupta on a truncated IDX file" 2 $FMTLAB study gupta --quick --dataset "$tmp/fmbad" --out "$tmp/g4"
one_line "truncated"

# layerfit against numpy: H = X^T X / N + 0.01 mean(diag) I; RTN on the min/max grid widened
# to hold 0 (s = (hi - lo) / (2^b - 1), z = lo + 2^(b-1) s, q = clip(floor((w - z)/s + 0.5)))
$PY - "$tmp" <<'PYEOF'
import sys, numpy as np
d = sys.argv[1]; rng = np.random.default_rng(11)
W = rng.standard_normal((24, 40)).astype(np.float32)
X = rng.standard_normal((30, 40)).astype(np.float32)
np.save(f"{d}/w.npy", W); np.save(f"{d}/wt.npy", W.T.copy()); np.save(f"{d}/x.npy", X)
W = W.astype(np.float64); X = X.astype(np.float64)
H = X.T @ X / X.shape[0]; H += 0.01 * np.mean(np.diag(H)) * np.eye(40)
for b, g in ((2, 8), (3, 40), (4, 16)):
    Wq = np.empty_like(W)
    for r in range(W.shape[0]):
        for j0 in range(0, 40, g):
            v = W[r, j0:j0 + g]; lo = min(v.min(), 0); hi = max(v.max(), 0)
            s = (hi - lo) / (2**b - 1); z = lo + 2**(b - 1) * s
            q = np.clip(np.floor((v - z) / s + 0.5), -2**(b - 1), 2**(b - 1) - 1)
            Wq[r, j0:j0 + g] = q * s + z
    D = W - Wq
    open(f"{d}/rtn_{b}_{g}", "w").write("%.17g\n" % np.trace(D @ H @ D.T))
PYEOF
for bg in "2 8" "3 40" "4 16"; do
  set -- $bg
  got=$($FMTLAB layerfit --weights "$tmp/w.npy" --activations "$tmp/x.npy" --elem int$1 --group $2 --methods rtn --csv | tail -1 | cut -d, -f7)
  ok "layerfit rtn int$1 group $2 = numpy ($got)" $PY -c "
a = float('$got'); b = float(open('$tmp/rtn_$1_$2').read()); assert abs(a - b) <= 1e-7 * b, (a, b)"
done
same "in-out layout (ONNX MatMul) gives the same loss" \
  "$($FMTLAB layerfit -w "$tmp/w.npy" -a "$tmp/x.npy" --methods rtn --csv | tail -1)" \
  "$($FMTLAB layerfit -w "$tmp/wt.npy" -a "$tmp/x.npy" --layout in-out --methods rtn --csv | tail -1)"
ok "layerfit: decoupleq below rtn on the random layer" sh -c "$FMTLAB layerfit -w $tmp/w.npy -a $tmp/x.npy --csv | awk -F, '\$1==\"decoupleq\" { exit !(\$9 < 1) }'"
$PY -c "
import numpy as np; w = np.ones((4, 40), np.float32); w[1, 3] = np.nan; np.save('$tmp/wnan.npy', w)
np.save('$tmp/x7.npy', np.ones((5, 7), np.float32))"
status "layerfit: NaN in the weights" 2 $FMTLAB layerfit -w "$tmp/wnan.npy" -a "$tmp/x.npy"
one_line "NaN"
status "layerfit: inputs of another width" 2 $FMTLAB layerfit -w "$tmp/w.npy" -a "$tmp/x7.npy"
one_line "x7.npy"
status "layerfit: --elem int9" 2 $FMTLAB layerfit -w "$tmp/w.npy" -a "$tmp/x.npy" --elem int9
one_line "int9"
status "layerfit: a missing file" 2 $FMTLAB layerfit -w "$tmp/nope.npy" -a "$tmp/x.npy"
one_line "nope.npy"
status "layerfit: an unknown method" 2 $FMTLAB layerfit -w "$tmp/w.npy" -a "$tmp/x.npy" --methods foo
one_line "foo"

# The real layers (notebooks-data/cache): decoupleQ below round-to-nearest on every one
if [ -d "$CACHE/activations/ppocr_v4_rec" ] && [ -d "$CACHE/activations/silero_vad_v5" ]; then
  ok "decoupleq --quick on the recorded layers" $FMTLAB study decoupleq --quick --data "$CACHE" --out "$tmp/dq" --no-progress
  same "decoupleQ below RTN on every layer (not_below_rtn)" 0 \
    "$(awk -F, '$3 == "decoupleq" { s += $7 } END { print s + 0 }' "$tmp/dq/by_method.csv")"
  same "every decoupleq row has vs_rtn < 1" 0 \
    "$(awk -F, 'NR > 1 && $7 == "decoupleq" && $10 >= 1' "$tmp/dq/layer_loss.csv" | wc -l)"
else
  echo "# skipped: the recorded data ($CACHE) is missing (./quickstart fetches it)"
fi
tap_done
