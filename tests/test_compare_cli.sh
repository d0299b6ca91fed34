#!/bin/bash
# test_compare_cli.sh -- 'fmtlab tensors', 'compare', 'quantize' and 'verify FORMAT
# quantize' as a user calls them: issue 8 acceptance 2 (SQNR against an independent
# numpy computation), 3 (one tensor in every file format gives the same rows), 5 (verify
# finds exactly the altered elements), corrupt files, NaN/Inf/empty tensors.  TAP output.
# The independent side: tests/compare/*.py under Debian's /usr/bin/python3.
FMTLAB=${FMTLAB:-./fmtlab}
srcdir=${srcdir:-.}
. "$srcdir/tests/tap.sh"
PY=/usr/bin/python3
seed=${FMTLAB_TEST_SEED:-20261127}
echo "# seed $seed (set FMTLAB_TEST_SEED to change)"

# --- acceptance 2: SQNR of 10^6 seeded normal values, reproduced to 0.01 dB
$PY -c "import numpy as np; np.save('$tmp/n.npy', np.random.default_rng($seed).standard_normal(10**6).astype(np.float32))"
fmts=e4m3fn,e5m2,posit8es1,mxfp8e4m3,int8
ok "compare --csv on 10^6 normal values" $FMTLAB compare --in "$tmp/n.npy" --formats $fmts --scale absmax --csv -o "$tmp/n.csv"
$PY "$srcdir/tests/compare/sqnr_ref.py" "$tmp/n.npy" ${fmts//,/ } > "$tmp/ref.txt"
for f in ${fmts//,/ }; do
  got=$(awk -F, -v f=$f 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i } NR > 1 && $c["format"] == f { print $c["sqnr_db"] }' "$tmp/n.csv")
  want=$(awk -v f=$f '$1 == f { print $2 }' "$tmp/ref.txt")
  same "$f SQNR $got dB = independent $want dB to 0.01 dB" yes \
    "$(awk -v a="$got" -v b="$want" 'BEGIN { d = a - b; if (a != "" && b != "" && d < 0.01 && d > -0.01) print "yes"; else print "no" }')"
done
same "the rows do not depend on the thread count" "$(cat "$tmp/n.csv")" \
  "$($FMTLAB compare --in "$tmp/n.npy" --formats $fmts --scale absmax --csv --threads 1)"
OMP_NUM_THREADS=2 $FMTLAB compare --in "$tmp/n.npy" --formats e4m3fn --round sr --seed 5 --csv > "$tmp/sr2.csv"
same "stochastic rounding rows do not depend on the thread count" "$(cat "$tmp/sr2.csv")" \
  "$($FMTLAB compare --in "$tmp/n.npy" --formats e4m3fn --round sr --seed 5 --csv --threads 1)"

# --- acceptance 3: one tensor in every file format, identical compare rows
$PY "$srcdir/tests/compare/write_formats.py" "$tmp" "$seed"
row () {   # the metric columns of compare's CSV (from the format on), without the header
  $FMTLAB compare --in "$1" --formats e4m3fn,int4,mxfp4 --scale absmax --csv | tail -n +2 | cut -d, -f5-
}
ref=$(row "$tmp/t.npy")
same "npy rows: 3 formats" 3 "$(printf '%s\n' "$ref" | grep -c .)"
for f in t.npz t_f32.safetensors t.gguf t.onnx; do
  if $FMTLAB tensors "$tmp/$f" 2>&1 | grep -q "not built yet\|not supported by this build"; then
    echo "ok $((n += 1)) - # SKIP $f: its reader is not in this build"
    continue
  fi
  same "$f gives the rows of t.npy" "$ref" "$(row "$tmp/$f")"
done
if $FMTLAB tensors "$tmp/t_bf16.safetensors" 2>&1 | grep -q "not built yet\|not supported by this build"; then
  echo "ok $((n += 1)) - # SKIP bf16 safetensors: its reader is not in this build"
else
  same "BF16 safetensors gives the rows of its BF16 rounding (numpy)" "$(row "$tmp/w_bf16.npy")" \
    "$(row "$tmp/t_bf16.safetensors")"
fi

# --- scales and granularities of int8 against numpy (np.rint rounds ties to even)
for sg in "absmax tensor" "absmax channel:0" "absmax channel:-1" "absmax block:32" \
          "percentile:99 tensor" "pow2 tensor" "pow2 channel:1"; do
  set -- $sg
  got=$($FMTLAB compare --in "$tmp/t.npy" --formats int8 --scale $1 --granularity $2 --csv | \
        awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i } NR == 2 { print $c["sqnr_db"] }')
  want=$($PY -c "
import numpy as np
x = np.load('$tmp/t.npy').astype(np.float64)
scale, gran = '$1', '$2'
if gran == 'tensor': g = x.reshape(1, -1)
elif gran.startswith('block'): g = x.reshape(-1, int(gran[6:]))
else:
    ax = int(gran[8:]) % 2
    g = np.moveaxis(x, ax, 0).reshape(x.shape[ax], -1)
a = np.abs(g).max(axis=1)
if scale == 'absmax': s = a / 127
elif scale == 'pow2': s = 2.0 ** np.ceil(np.log2(a / 127))
else: s = np.percentile(np.abs(g), 99, axis=1) / 127
q = s[:, None] * np.clip(np.rint(g / s[:, None]), -128, 127)
print('%.6f' % (10 * np.log10((g * g).sum() / ((g - q) ** 2).sum())))")
  same "int8 --scale $1 --granularity $2: SQNR $got = numpy $want" "$want" "$got"
done

# --- acceptance 5: verify e4m3fn quantize finds exactly the altered elements
$PY -c "import numpy as np; np.save('$tmp/x.npy', (np.random.default_rng($seed + 1).standard_normal(1000) * 50).astype(np.float32))"
# y0.npy: e4m3fn by the independent rounding of sqnr_ref.py (no scale; beyond 464, the
# midpoint to the next binade's first value, ml_dtypes gives NaN)
$PY -c "
import sys; sys.path.insert(0, '$srcdir/tests/compare')
import numpy as np, sqnr_ref as r
x = np.load('$tmp/x.npy').astype(np.float64)
t = r.round_table(*r.minifloat(4, 3, 7, True))
y = r.round_nearest(np.clip(x, -448, 448), t)
y[np.abs(x) > 464] = np.nan
np.save('$tmp/y0.npy', y.astype(np.float32))
for i in (7, 123): y[i] = -y[i] if y[i] != 0 else 1.0
np.save('$tmp/y0bad.npy', y.astype(np.float32))"
status "verify an independent e4m3fn rounding" 0 $FMTLAB verify e4m3fn quantize --in "$tmp/x.npy" --got "$tmp/y0.npy"
same "0 mismatches" "1000 cases, 0 mismatches" "$(tail -1 "$tmp/sout")"
status "verify finds two altered elements" 1 $FMTLAB verify e4m3fn quantize --in "$tmp/x.npy" --got "$tmp/y0bad.npy"
same "exactly elements 7 and 123" "7 123" \
  "$(grep -o '^[^[]*\[[0-9]*\]' "$tmp/sout" | sed 's/.*\[\(.*\)\]/\1/' | tr '\n' ' ' | sed 's/ $//')"
same "last line" "1000 cases, 2 mismatches" "$(tail -1 "$tmp/sout")"
if ! $FMTLAB quantize e4m3fn --in "$tmp/x.npy" --out "$tmp/y.npy" 2>&1 | grep -q "not built yet"; then
  ok "quantize e4m3fn to .npy" test -f "$tmp/y.npy"
  status "verify on fmtlab's own output" 0 $FMTLAB verify e4m3fn quantize --in "$tmp/x.npy" --got "$tmp/y.npy"
  same "0 mismatches" "1000 cases, 0 mismatches" "$(tail -1 "$tmp/sout")"
  # alter elements 3, 500 and 999 with numpy: the next float32 up
  $PY -c "
import numpy as np
y = np.load('$tmp/y.npy')
for i in (3, 500, 999): y[i] = np.nextafter(y[i], np.float32(np.inf))
np.save('$tmp/y2.npy', y)"
  status "verify on the altered output" 1 $FMTLAB verify e4m3fn quantize --in "$tmp/x.npy" --got "$tmp/y2.npy"
  same "exactly the altered elements" "3 500 999" \
    "$(grep -o '^[^[]*\[[0-9]*\]' "$tmp/sout" | sed 's/.*\[\(.*\)\]/\1/' | tr '\n' ' ' | sed 's/ $//')"
  same "last line" "1000 cases, 3 mismatches" "$(tail -1 "$tmp/sout")"
  ok "codes: quantize --codes" $FMTLAB quantize e4m3fn --in "$tmp/x.npy" --out "$tmp/c.npy" --codes
  status "verify --codes on fmtlab's own codes" 0 $FMTLAB verify e4m3fn quantize --in "$tmp/x.npy" --got "$tmp/c.npy" --codes
  same "codes are uint8" "uint8" "$($PY -c "import numpy as np; print(np.load('$tmp/c.npy').dtype)")"
  # the codes decode (by the definition in sqnr_ref.py's table) to the values
  same "codes decode to the values" True "$($PY -c "
import numpy as np
c = np.load('$tmp/c.npy').astype(int); y = np.load('$tmp/y.npy').astype(float)
def v(k):
    s, e, m = k >> 7, (k >> 3) & 15, k & 7
    if e == 15 and m == 7: return float('nan')
    x = m * 2.0**-9 if e == 0 else (1 + m / 8) * 2.0**(e - 7)
    return -x if s else x
d = np.array([v(k) for k in c])
print(bool(np.all((d == y) | (np.isnan(d) & np.isnan(y)))))")"
  ok "quantize mxfp4 values" $FMTLAB quantize mxfp4 --in "$tmp/x.npy" --out "$tmp/m.npy"
  status "verify mxfp4 quantize on its own output" 0 $FMTLAB verify mxfp4 quantize --in "$tmp/x.npy" --got "$tmp/m.npy"
  ok "quantize mxfp4 --codes to safetensors" $FMTLAB quantize mxfp4 --in "$tmp/x.npy" --out "$tmp/m.safetensors" --codes
  same "codes and 32 scales" "x 1000 x.scale 32" \
    "$($FMTLAB tensors "$tmp/m.safetensors" --csv | awk -F, 'NR > 1 { printf "%s%s %s", (NR > 2 ? " " : ""), $1, $5 }')"
  # blocks of 100 across compare's chunks of 2^20 values: the streamed rows equal the
  # quantized tensor written whole (SQNR by numpy)
  $PY -c "import numpy as np; np.save('$tmp/g.npy', np.random.default_rng($seed + 2).standard_normal(3 * 10**6).astype(np.float32))"
  $FMTLAB compare --in "$tmp/g.npy" --formats 'group:elem=int4,k=100,mxfp4' --csv -o "$tmp/g.csv"
  $FMTLAB quantize 'group:elem=int4,k=100' --in "$tmp/g.npy" --out "$tmp/gq.npy" --dtype f64
  same "group k=100 streamed = whole (SQNR to 1e-5 dB)" True "$($PY -c "
import csv, numpy as np
x = np.load('$tmp/g.npy').astype(float); q = np.load('$tmp/gq.npy')
r = [row for row in csv.DictReader(open('$tmp/g.csv')) if row['format'].startswith('group')][0]
print(abs(float(r['sqnr_db']) - 10 * np.log10((x * x).sum() / ((x - q) ** 2).sum())) < 1e-5)")"
  # --scale and --granularity reach quantize and verify quantize alike: int8 absmax per
  # channel 0, values and --codes' scales against numpy (scale absmax / 127, np.rint ties
  # to even); verify agrees with the same options and not without -g
  ok "quantize int8 --scale absmax -g channel:0" $FMTLAB quantize int8 --scale absmax -g channel:0 \
    --dtype f64 --in "$tmp/t.npy" --out "$tmp/t8.npy"
  ok "... --codes to safetensors" $FMTLAB quantize int8 -s absmax --granularity channel:0 --codes \
    --in "$tmp/t.npy" --out "$tmp/t8.safetensors"
  same "values and scales as numpy's" "True True" "$($PY -c "
import json, struct, numpy as np
x = np.load('$tmp/t.npy').astype(np.float64)
g = x.reshape(x.shape[0], -1)
s = np.abs(g).max(axis=1) / 127
q = (s[:, None] * np.clip(np.rint(g / s[:, None]), -128, 127)).reshape(x.shape)
b = open('$tmp/t8.safetensors', 'rb').read()
n = struct.unpack('<Q', b[:8])[0]
lo, hi = json.loads(b[8:8 + n])['t.scale']['data_offsets']
print(bool(np.array_equal(np.load('$tmp/t8.npy'), q)),
      bool(np.array_equal(np.frombuffer(b[8 + n + lo:8 + n + hi], '<f8'), s)))")"
  status "verify with the same options" 0 $FMTLAB verify int8 quantize --scale absmax -g channel:0 \
    --in "$tmp/t.npy" --got "$tmp/t8.npy"
  status "verify without -g finds mismatches" 1 $FMTLAB verify int8 quantize --scale absmax \
    --in "$tmp/t.npy" --got "$tmp/t8.npy"
  status "verify: a bad scale" 2 $FMTLAB verify int8 quantize --scale maxabs --in "$tmp/t.npy" --got "$tmp/t8.npy"
  one_line "maxabs"
  status "quantize: a bad granularity" 2 $FMTLAB quantize int8 -g row --in "$tmp/t.npy" --out "$tmp/never.npy"
  one_line "row"
  status "quantize refuses two tensors into one .npy" 2 $FMTLAB quantize int8 --scale absmax --codes --in "$tmp/x.npy" --out "$tmp/two.npy"
  one_line safetensors
  same "no file left" "" "$(ls "$tmp" | grep '^two')"
else
  echo "ok $((n += 1)) - # SKIP verify quantize: the writers are not in this build"
fi

# --- NaN, Inf and empty tensors
$PY -c "
import numpy as np
np.save('$tmp/nan.npy', np.array([1.0, np.nan, -2.0, np.inf, 0.5], dtype=np.float32))
np.save('$tmp/empty.npy', np.zeros((0, 4), dtype=np.float32))"
ok "compare on NaN/Inf" $FMTLAB compare --in "$tmp/nan.npy" --formats e4m3fn --csv -o "$tmp/nan.csv"
same "NaN and Inf counted and kept out (n, nan, inf)" "5,1,1" \
  "$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i } NR == 2 { print $c["count"] "," $c["nan"] "," $c["inf"] }' "$tmp/nan.csv")"
same "NaN/Inf: SQNR is finite" yes "$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i } NR == 2 { print ($c["sqnr_db"] + 0 > 20) ? "yes" : "no" }' "$tmp/nan.csv")"
ok "compare on an empty tensor" $FMTLAB compare --in "$tmp/empty.npy" --formats e4m3fn,mxfp4 --json -o "$tmp/empty.json"
ok "compare --json" $FMTLAB compare --in "$tmp/nan.npy" --formats e4m3fn --json -o "$tmp/nan.json"
same "JSON numbers are numbers (sqnr_db is \"inf\" here: no error)" "float int" "$($PY -c "import json; r = json.load(open('$tmp/nan.json'))[0]; print(type(r['mse']).__name__, type(r['nan']).__name__)")"
same "empty tensor: mse is null" "None" "$($PY -c "import json; print(json.load(open('$tmp/empty.json'))[0]['mse'])")"
ok "tensors on NaN/Inf and empty" $FMTLAB tensors "$tmp/nan.npy" "$tmp/empty.npy" --json -o "$tmp/t.json"
same "tensors --json names the file kind" npy "$($PY -c "import json; print(json.load(open('$tmp/t.json'))['files'][0]['kind'])")"
same "tensors: max over finite values" "1" "$($PY -c "import json; print(json.load(open('$tmp/t.json'))['tensors'][0]['max'])" | sed 's/\.0$//')"

# --- an opaque tensor (a GGUF Q6_K: 256 values in 210 bytes) is listed with a notice
$PY -c "
import struct
def gstr(s): return struct.pack('<Q', len(s)) + s.encode()
g = b'GGUF' + struct.pack('<IQQ', 3, 2, 0)
g += gstr('k') + struct.pack('<I', 1) + struct.pack('<Q', 256) + struct.pack('<IQ', 14, 0)
g += gstr('f') + struct.pack('<I', 1) + struct.pack('<Q', 4) + struct.pack('<IQ', 0, 224)
g += b'\0' * (-len(g) % 32) + b'\0' * 224 + struct.pack('<4f', 1, 2, 3, 4)
open('$tmp/q6k.gguf', 'wb').write(g)"
status "tensors lists an opaque tensor" 0 $FMTLAB tensors "$tmp/q6k.gguf" --csv
same "both tensors listed" "k f" "$(awk -F, 'NR > 1 { printf "%s%s", (NR > 2 ? " " : ""), $1 }' "$tmp/sout")"
ok "a notice names the opaque tensor" grep -q "'k'" "$tmp/serr"
status "compare skips it with a notice" 0 $FMTLAB compare --in "$tmp/q6k.gguf" --formats int8 --csv
same "one row (f)" 2 "$(wc -l < "$tmp/sout")"

# --- synthetic pseudo-files, styles, options anywhere, --
ok "synthetic:lognormal:5000 in tensors" $FMTLAB tensors synthetic:lognormal:5000
ok "compare options after --" $FMTLAB compare --formats int8 --csv -- synthetic:normal:1000
ok "compare scale list and granularity" $FMTLAB compare --in synthetic:laplace:20000 --formats e2m1fn,int4 \
  --scale none,absmax,percentile:99.9,mse,kl,pow2 --granularity block:64 --csv -o "$tmp/s.csv"
same "six scales x two formats" 13 "$(wc -l < "$tmp/s.csv")"
ok "compare formats with parameters in the list" $FMTLAB compare --in synthetic:normal:4096 \
  --formats 'int8,mx:elem=e2m1fn,k=16,nvfp4' --csv -o "$tmp/p.csv"
same "three formats" 4 "$(wc -l < "$tmp/p.csv")"
ok "--help" $FMTLAB compare --help
ok "--version" $FMTLAB tensors --version

# --- bad input: exit 2, one line naming the input, no output file left
status "unknown format" 2 $FMTLAB compare --in synthetic:normal:10 --formats e9m9x
one_line e9m9x
status "unknown synthetic distribution" 2 $FMTLAB tensors synthetic:cauchy
one_line cauchy
status "bad scale" 2 $FMTLAB compare --in synthetic:normal:10 --formats int8 --scale maxabs
one_line maxabs
status "missing file" 2 $FMTLAB tensors "$tmp/none.npy"
one_line none.npy
status "channel axis beyond the tensor" 2 $FMTLAB compare --in synthetic:normal:10 --formats int8 --granularity channel:3
one_line channel
printf 'garbage' > "$tmp/bad.npy"
status "quantize of a corrupt file" 2 $FMTLAB quantize e4m3fn --in "$tmp/bad.npy" --out "$tmp/out.npy"
same "no output file left" "" "$(ls "$tmp" | grep '^out\.npy')"
corrupt=$(ls "$srcdir"/tests/data/corrupt/*/* 2>/dev/null)
if [ -z "$corrupt" ]; then
  echo "ok $((n += 1)) - # SKIP no corrupt corpus in this tree"
else
  bad=0; badq=0
  for f in $corrupt; do
    $FMTLAB tensors "$f" > /dev/null 2> "$tmp/cerr"; st=$?
    if [ $st -ne 2 ] || [ "$(wc -l < "$tmp/cerr")" -ne 1 ] || ! grep -qF "$(basename "$f")" "$tmp/cerr"; then
      bad=$((bad + 1)); echo "# tensors $f: exit $st: $(head -2 "$tmp/cerr")"
    fi
    $FMTLAB quantize e4m3fn --in "$f" --out "$tmp/cq.safetensors" > /dev/null 2>&1; st=$?
    if [ $st -ne 2 ] || ls "$tmp" | grep -q '^cq\.safetensors'; then
      badq=$((badq + 1)); echo "# quantize $f: exit $st"
    fi
  done
  same "every corrupt file: tensors exits 2 with one line naming it" 0 $bad
  same "every corrupt file: quantize exits 2 and leaves no file" 0 $badq
fi
tap_done
