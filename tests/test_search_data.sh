#!/bin/bash
# test_search_data.sh -- fmtlab search over a whole checkpoint of real data: every gnubg
# weight and every recorded activation of notebooks-data/cache in one run (issue 9,
# acceptance 3; doc/fit.md).  TAP output.  Independent sides: the tensor count from
# /usr/bin/python3's own walk of the folders, and compare's MSE for the winners (element
# by element) against the search's.  Skips (exit 77) when the data is absent (a tree
# where notebooks-data/fetch-data never ran, as the sanitizer and distcheck copies).
FMTLAB=${FMTLAB:-./fmtlab}
srcdir=${srcdir:-.}
PY=/usr/bin/python3
cache=${FMTLAB_DATA_CACHE:-$srcdir/notebooks-data/cache}
. "$srcdir/tests/tap.sh"

if ! ls "$cache"/weights/gnubg/*.npy > /dev/null 2>&1 \
   || ! ls "$cache"/activations/*/*.npy > /dev/null 2>&1; then
  echo "1..0 # SKIP no gnubg weights or recorded activations under $cache (./quickstart fetches and records them)"
  exit 77
fi
if ! $PY -c 'import numpy' 2>/dev/null; then
  echo "1..0 # SKIP $PY has no numpy"
  exit 77
fi

# one budget by default: the whole run at 4, 6 and 8 bits costs about 350 s of CPU time
# (doc/fit.md); FMTLAB_SEARCH_DATA_BITS=4,6,8 runs it
bits=${FMTLAB_SEARCH_DATA_BITS:-4}
nb=$(echo "$bits" | tr ',' '\n' | wc -l)
start=$(date +%s)
$FMTLAB search --in "$cache/weights/gnubg" --in "$cache/activations" --bits "$bits" --csv \
  --threads 2 -o "$tmp/all.csv" 2> "$tmp/all.err"
same "the whole run exits 0" 0 $?
echo "# $(($(date +%s) - start)) s wall"
$PY - "$tmp/all.csv" > "$tmp/parts" <<'PYEOF'
import sys
t = open(sys.argv[1]).read().split("\n\n")
open(sys.argv[1] + ".summary", "w").write(t[0])
open(sys.argv[1] + ".wins", "w").write(t[1] if len(t) > 1 else "")
PYEOF
ok "a winner within the budget for every tensor and budget ($bits)" $PY -c '
import csv, glob, os, sys
cache = sys.argv[2]
files = sorted(glob.glob(cache + "/weights/gnubg/*.npy")) + sorted(glob.glob(cache + "/activations/**/*.npy", recursive=True))
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == int(sys.argv[3]) * len(files), (len(rows), len(files))
for r in rows:
    assert r["winner"], r
    assert float(r["winner_bits"]) <= int(r["bits"]), r
    if r["winner_granularity"].startswith("channel:"):
        axis = int(r["winner_granularity"].split(":")[1])
        shape = [int(v) for v in r["shape"].split("x")]
        assert shape[axis] > 1 and sum(s > 1 for s in shape) >= 2, r
' "$tmp/all.csv.summary" "$cache" "$nb"
ok "the wins table: each budget's wins sum to the tensors searched" $PY -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
wins = list(csv.DictReader(open(sys.argv[2])))
for b in sys.argv[3].split(","):
    n = sum(1 for r in rows if r["bits"] == b)
    assert sum(int(w["wins"]) for w in wins if w["bits"] == b) == n, (b, n)
    assert abs(sum(float(w["share"]) for w in wins if w["bits"] == b) - 1) < 0.01
' "$tmp/all.csv.summary" "$tmp/all.csv.wins" "$bits"

# compare's MSE for the first scalar winner with a per-tensor scale, to 1e-9
pick=$($PY -c '
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    if r["winner_granularity"] == "tensor":
        print(r["file"], r["winner"], r["winner_scale"], r["winner_granularity"], r["winner_mse"]); break' "$tmp/all.csv.summary")
read -r file fmt scale gran smse <<< "$pick"
cmse=$($FMTLAB compare --in "$file" --formats "$fmt" --scale "$scale" --csv \
       | $PY -c 'import csv,sys; print(list(csv.DictReader(sys.stdin))[0]["mse"])')
ok "$(basename "$file") $fmt $scale: search MSE $smse is compare's $cmse" \
  $PY -c "import sys; a,b=$smse,$cmse; sys.exit(0 if abs(a-b) <= 1e-9*b else 1)"
# and for the best per-channel candidate of the smallest recorded tensor with two axes
# longer than 1 (--all at 6 bits), its bits per element as well
file=$($PY -c '
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if sum(int(v) > 1 for v in r["shape"].split("x")) >= 2]
print(min(rows, key=lambda r: (int(r["count"]), r["file"]))["file"])' "$tmp/all.csv.summary")
$FMTLAB search --in "$file" --bits 6 --all --csv --threads 2 > "$tmp/one.csv"
read -r fmt scale gran smse sbits <<< "$($PY -c '
import csv, io, sys
rows = list(csv.DictReader(io.StringIO(open(sys.argv[1]).read().split("\n\n")[1])))
r = [r for r in rows if r["granularity"].startswith("channel:")][0]
print(r["format"], r["scale"], r["granularity"], r["mse"], r["bits_per_element"])' "$tmp/one.csv")"
read -r cmse cbits <<< "$($FMTLAB compare --in "$file" --formats "$fmt" --scale "$scale" \
    --granularity "$gran" --csv | $PY -c 'import csv,sys; r=list(csv.DictReader(sys.stdin))[0]; print(r["mse"], r["bits_per_element"])')"
ok "$(basename "$file") $fmt $scale $gran: MSE $smse and $sbits bits are compare's $cmse, $cbits" \
  $PY -c "import sys; sys.exit(0 if abs($smse-$cmse) <= 1e-9*$cmse and abs($sbits-$cbits) < 1e-4 else 1)"
tap_done
