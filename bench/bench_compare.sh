#!/bin/bash
# bench_compare.sh -- 'fmtlab compare' of a generated 1 GiB float32 safetensors file (four
# tensors of 2^26 values, normal, Laplace, Student-t(3) and a normal with outliers, written
# by numpy) against 10 formats with absmax scaling: wall time, values/s and peak RSS.
# Targets (issue 8): <= 60 s on 2 cores, peak RSS <= 1.5 x the largest tensor (256 MiB).
#   bench/bench_compare.sh [FMTLAB] [DIR]     (DIR holds the 1 GiB file; default /tmp)
# Not a test: it prints figures.  The file is generated once and kept (delete it after).
set -e
FMTLAB=${1:-./fmtlab}
dir=${2:-${TMPDIR:-/tmp}}
file=$dir/fmtlab-bench-1g.safetensors
formats=e4m3fn,e5m2,fp16,bf16,int8,int4,e2m1fn,mxfp8e4m3,mxfp4,nvfp4
if [ ! -f "$file" ]; then
  echo "generating $file (1 GiB) ..." >&2
  /usr/bin/python3 - "$file" <<'PY'
import json, struct, sys
import numpy as np
n = 1 << 26
rng = np.random.default_rng(2026)
names = ["normal", "laplace", "student3", "outliers"]
head = {}
off = 0
for k in names:
    head[k] = {"dtype": "F32", "shape": [n // 4096, 4096], "data_offsets": [off, off + 4 * n]}
    off += 4 * n
h = json.dumps(head).encode()
h += b" " * (-len(h) % 8)
with open(sys.argv[1] + ".tmp", "wb") as f:
    f.write(struct.pack("<Q", len(h)) + h)
    for k in names:
        if k == "normal":
            x = rng.standard_normal(n, dtype=np.float32)
        elif k == "laplace":
            x = rng.laplace(size=n).astype(np.float32)
        elif k == "student3":
            x = rng.standard_t(3, size=n).astype(np.float32)
        else:
            x = rng.standard_normal(n, dtype=np.float32)
            x[rng.integers(0, n, n // 1000)] *= 100
        f.write(x.astype("<f4").tobytes())
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
PY
fi
values=$((4 << 26))
echo "fmtlab compare: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -f "%e %M %U %S" -o "$dir/bench-compare.time" \
  "$FMTLAB" compare --in "$file" --formats $formats --scale absmax --csv -o "$dir/bench-compare.csv"
read -r wall rss_kb usr sys < "$dir/bench-compare.time"
awk -v w="$wall" -v r="$rss_kb" -v v="$values" -v nf=10 -v cpu="$usr $sys" 'BEGIN {
  split(cpu, c, " ")
  printf "1 GiB float32 (4 tensors x 2^26 values, largest 256 MiB), 10 formats, absmax\n"
  printf "wall %.1f s, %.3g values/s (%.3g value-formats/s), peak RSS %.0f MiB (%.2f x the largest tensor)\n",
         w, v / w, v * nf / w, r / 1024, r / 1024 / 256
  printf "CPU %.1f s user + %.1f s system (on an otherwise idle 2-core machine: wall about %.0f s)\n",
         c[1], c[2], (c[1] + c[2]) / 2 }'
echo "rows: $(($(wc -l < "$dir/bench-compare.csv") - 1))"
