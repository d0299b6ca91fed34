#!/bin/bash
# test_study_formats_cli.sh -- the exmy, lp and opal studies with --quick on the real data
# (notebooks-data/cache; every check skips with a notice when it is missing): the tables
# exist and hold sane values, checked independently with numpy where a value can be
# recomputed (the packed sizes, the exact softmax of a recorded row); the accuracy columns
# read from a cache written here; the accuracy scripts' identity check (a model quantized
# to float32 scores exactly as the float model).
FMTLAB=${FMTLAB:-./fmtlab}
srcdir=${srcdir:-.}
PY=/usr/bin/python3
. "$srcdir/tests/tap.sh"
CACHE=${FMTLAB_DATA:-$srcdir/notebooks-data/cache}

status "exmy without the data" 2 $FMTLAB study exmy --data "$tmp/none" --out "$tmp/e0"
one_line "quickstart"
status "opal without the data" 2 $FMTLAB study opal --data "$tmp/none" --out "$tmp/o0"
status "lp without the data" 2 $FMTLAB study lp --data "$tmp/none" --out "$tmp/l0"
same "no output directory after a failure" "no" "$([ -e "$tmp/e0" ] && echo yes || echo no)"

if [ -d "$CACHE/activations/ppocr_v4_rec" ] && [ -d "$CACHE/weights/gnubg" ]; then
  # exmy, on the cache's data plus an accuracy table written here: a CER for every exmy
  # split under the setting the study names, none for the VAD
  mkdir -p "$tmp/data/accuracy"
  for d in activations weights models MANIFEST; do ln -s "$(cd "$CACHE" && pwd)/$d" "$tmp/data/$d"; done
  sha=$(awk -F' [|] ' '$1 == "models/ch_PP-OCRv4_rec_infer.onnx" { print $NF }' "$CACHE/MANIFEST")
  { echo "model_sha256,format,scale,granularity,seed,model,lines,chars,edits,cer,exact_lines,raw_edits"
    echo "$sha,float,none,tensor,1,m.onnx,50,1000,0,0.00000,50,0"
    for b in 3 4 5 6 7 8; do for x in $(seq 0 $((b - 1))); do
      echo "$sha,\"exmy_e${x}m$((b - 1 - x))\",absmax,channel:0,1,q.onnx,50,1000,$b$x,0.0$b$x,1,0"
    done; done; } > "$tmp/data/accuracy/cer.csv"
  ok "exmy --quick" $FMTLAB study exmy --quick --data "$tmp/data" --out "$tmp/e" --no-progress
  ok "exmy global: the cached CER of each width's global split, in percent; no VAD" $PY -c "
import csv
rows = list(csv.DictReader(open('$tmp/e/global.csv')))
assert len(rows) == 6
for r in rows:
    assert r['accuracy_model'] == r['global_format'] + '/absmax/channel:0', r
    if not r['global_format'].startswith('exmy_'):   # an IEEE-like split: not in the table
        assert r['cer_pct'] == '', r
        continue
    x = r['global_format'][len('exmy_e'):].split('m')[0]
    assert abs(float(r['cer_pct']) - 100 * float('0.0' + r['bits'] + x)) < 1e-9, r
    assert r['vad_agree_pct'] == '' and r['vad_max_dp'] == '', r
"
  same "exmy global.md: the VAD columns read n/a" 6 "$(grep -c '| n/a | n/a |$' "$tmp/e/global.md")"
  same "exmy summary: why the VAD agreement is n/a" 1 \
    "$(grep -c 'VAD agreement n/a (.*vad.csv not found)' "$tmp/e/summary.md")"
  for f in global per_tensor packed splits; do
    for x in csv json md; do ok "exmy wrote $f.$x" test -s "$tmp/e/$f.$x"; done
  done
  same "global.csv: one row per width 3-8" 7 "$(wc -l < "$tmp/e/global.csv")"
  ok "packed: every round trip exact; bytes = ceil(n/8)*B (fl_pack_bytes) and = ceil(n*B/8) when 8 | n" $PY -c "
import csv
rows = list(csv.DictReader(open('$tmp/e/packed.csv')))
assert len(rows) > 0
for r in rows:
    n, b, got = int(r['n']), int(r['bits']), int(r['packed_bytes'])
    assert r['round_trip'] == '1', r
    assert got == -(-n // 8) * b, r
    if n % 8 == 0: assert got == -(-n * b // 8), r
    assert int(r['ceil_nB_8']) == -(-n * b // 8), r
"
  ok "per_tensor: the best split is never below the global split, bits saved >= 0" $PY -c "
import csv
for r in csv.DictReader(open('$tmp/e/per_tensor.csv')):
    assert float(r['best_sqnr_db']) >= float(r['global_sqnr_db']) - 1e-12, r
    assert 0 <= float(r['bits_saved']) <= int(r['bits']) - 3 + 1e-9, r
"
  ok "splits: every width has its splits, SQNR grows with the best split's width" $PY -c "
import csv, collections
best = collections.defaultdict(lambda: -1e9)
for r in csv.DictReader(open('$tmp/e/splits.csv')):
    k = (r['tensor'], int(r['bits'])); best[k] = max(best[k], float(r['sqnr_db']))
for (t, b), s in best.items():
    if b > 3: assert s > best[(t, b - 1)], (t, b)
"
  # lp
  ok "lp --quick" $FMTLAB study lp --quick --data "$CACHE" --out "$tmp/l" --no-progress
  for f in by_family ga_vs_grid best_by_family; do ok "lp wrote $f.csv" test -s "$tmp/l/$f.csv"; done
  ok "lp: the GA's best is never better than the exhaustive optimum on the same grid" $PY -c "
import csv
rows = list(csv.DictReader(open('$tmp/l/ga_vs_grid.csv')))
assert rows
for r in rows:
    assert float(r['ga_sqnr_db']) <= float(r['grid_sqnr_db']), r
    assert 0 < int(r['ga_evaluations']) <= int(r['grid_candidates']), r
"
  same "lp: the rounding cells agree with fl_quantizer" 1 \
    "$(grep -c 'checked against fl_quantizer on [0-9]* values: 0 mismatches' "$tmp/l/summary.md")"
  # opal
  ok "opal --quick" $FMTLAB study opal --quick --data "$CACHE" --out "$tmp/o" --no-progress
  for f in by_scheme blocks softmax; do ok "opal wrote $f.csv" test -s "$tmp/o/$f.csv"; done
  ok "opal: bits per element 4-bit OPAL = 4 + (4*(16+7)+8)/128, MX k=32 = 4 + 8/32" $PY -c "
import csv
for r in csv.DictReader(open('$tmp/o/by_scheme.csv')):
    b = int(r['elem_bits']); bpe = float(r['bits_per_element'])
    want = {'opal k=128': b + (4 * (16 + 7) + 8) / 128, 'mx k=128': b + 8 / 128, 'mx k=32': b + 8 / 32}[r['scheme']]
    assert abs(bpe - want) < 0.05, (r, want)
"
  ok "opal: the MPFR softmax sums to 1 (to 1e-15), the model's errors are finite and small" $PY -c "
import csv
rows = list(csv.DictReader(open('$tmp/o/softmax.csv')))
assert len(rows) == 3
for r in rows:
    assert float(r['mpfr_max_sum_dev']) < 1e-15, r
    assert 0 < float(r['max_abs_err']) < 0.5 and 0 <= float(r['mean_kl_nats']) < 0.1, r
"
  # the CTC head's 53 rows (all of them under --quick) recomputed with numpy: float64
  # softmax as the reference (within 1e-15 of MPFR's), the model written out independently
  ok "opal: max abs and relative error of the softmax model on p2o.Add.277 match numpy" $PY -c "
import numpy as np, math, csv
X = np.load('$CACHE/activations/ppocr_v4_rec/p2o.Add.277.npy').astype(np.float64).reshape(-1, 6625)
def pow2(t): i = np.floor(t); return (1 + (t - i)) * np.exp2(i)
ma = mr = 0
for x in X:
    p = np.exp(x - x.max()); p /= p.sum()
    d = x - x.max(); t = d + d / 2 - d / 16; s = pow2(t).sum()
    m, e = math.frexp(s); y = pow2(t - ((e - 1) + (2 * m - 1)))
    ma = max(ma, np.abs(y - p).max()); mr = max(mr, (np.abs(y - p) / p).max())
r = [r for r in csv.DictReader(open('$tmp/o/softmax.csv')) if r['input'].endswith('Add.277')][0]
assert int(r['rows']) == len(X), r
assert abs(float(r['max_abs_err']) - ma) < 1e-9 * max(1, ma), (r, ma)
assert abs(float(r['max_rel_err']) - mr) < 1e-6 * max(1, mr), (r, mr)
"
else
  echo "# skipped: the recorded data ($CACHE) is missing (./quickstart fetches it)"
fi

# The accuracy scripts on a few lines and one utterance: a model quantized to float32 is
# the float model's bytes, so its CER and decisions must equal the float model's exactly
# (the check that found the margin's spaces, doc/studies.md).
if [ -f "$CACHE/models/ch_PP-OCRv4_rec_infer.onnx" ] && [ -f "$CACHE/models/silero_vad_v5.onnx" ] \
   && [ -d "$CACHE/recorder/node_modules/onnxruntime-web" ] && command -v node > /dev/null \
   && command -v espeak-ng > /dev/null && command -v sox > /dev/null && [ -x /usr/bin/convert ]; then
  ok "ocr-cer.sh on 4 lines with float32" env FMTLAB="$FMTLAB" FMTLAB_DATA="$CACHE" \
    FORMATS=fp32/none/tensor ACCURACY_CACHE="$tmp/acc" bash "$srcdir/notebooks-data/ocr-cer.sh" "$tmp/cer" 4 1
  ok "cer.csv: float32 equals the float model (edits, exact lines), the cache has both rows" $PY -c "
import csv
rows = list(csv.DictReader(open('$tmp/cer/cer.csv')))
assert [r['format'] for r in rows] == ['float', 'fp32'], rows
a, b = rows
assert (a['edits'], a['raw_edits'], a['exact_lines']) == (b['edits'], b['raw_edits'], b['exact_lines']), rows
assert int(a['chars']) > 20 and int(a['lines']) == 4, a
assert len(list(csv.DictReader(open('$tmp/acc/cer.csv')))) == 2
"
  same "the decoded lines of float32 and the float model are the same" "" \
    "$(cmp "$tmp/cer/decoded/ch_PP-OCRv4_rec_infer.txt" "$tmp/cer/decoded/rec_fp32_none_tensor.txt" 2>&1)"
  ok "vad-agree.sh on 1 utterance with float32" env FMTLAB="$FMTLAB" FMTLAB_DATA="$CACHE" \
    FORMATS=fp32/none/tensor bash "$srcdir/notebooks-data/vad-agree.sh" "$tmp/vad" 1 1
  ok "vad.csv: float32 agrees on every frame, max |dp| 0; speech and silence both present" $PY -c "
import csv
rows = list(csv.DictReader(open('$tmp/vad/vad.csv')))
assert [r['format'] for r in rows] == ['float', 'fp32'], rows
for r in rows:
    assert float(r['agree']) == 1 and float(r['max_abs_dp']) == 0, r
    assert 0 < int(r['speech_frames']) < int(r['frames']), r
"
else
  echo "# skipped: the accuracy scripts need the models, onnxruntime-web, node, espeak-ng, sox, ImageMagick"
fi
tap_done
