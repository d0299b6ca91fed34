#!/bin/bash
# test_plot_cli.sh -- 'fmtlab plot' as a user calls it (issue 11 acceptance 3), charts
# checked by an independent PNG decoder (tests/pngstat.py), and bad input: exit 2, one
# line naming the input, no output file.  TAP output.
FMTLAB=${FMTLAB:-./fmtlab}
srcdir=${srcdir:-.}
PY=/usr/bin/python3
. "$srcdir/tests/tap.sh"

notblank () {  # notblank FILE W H -- size and pixel variance of a PNG
  read -r w h var ink ncol < <($PY "$srcdir/tests/pngstat.py" "$1") || return 1
  echo "# $1: ${w}x$h variance $var ink $ink colours $ncol"
  [ "$w" = "$2" ] && [ "$h" = "$3" ] && $PY -c "import sys; sys.exit(not ($var > 400 and $ink > 0.02))"
}

# acceptance 3: the three commands of the issue
ok "plot accuracy (svg)" $FMTLAB plot accuracy e4m3fn e5m2 posit8es1 lp8es1rs3 -o "$tmp/acc.svg"
ok "acc.svg is SVG" grep -q '<svg' "$tmp/acc.svg"
ok "plot closure e4m3fn mul (png)" $FMTLAB plot closure e4m3fn mul -o "$tmp/c.png"
ok "closure map drawn (1280x900, not blank)" notblank "$tmp/c.png" 1280 900
# the share of NaN pairs: 2 NaN codes of 256 (OFP8) -> 256^2 - 254^2 = 1020 of 65536 = 1.6%
same "closure finding: NaN share" "1.6%" \
  "$($FMTLAB plot closure e4m3fn mul -o "$tmp/c2.png" 2>/dev/null | grep -o '[0-9.]*% NaN' | cut -d' ' -f1)"
$PY -c "
import numpy as np
rng = np.random.default_rng(2026)   # seed printed for reproducibility: 2026
np.save('$tmp/w.npy', rng.standard_normal(200000).astype(np.float32))
x = np.full(10, np.nan, dtype=np.float32); np.save('$tmp/nan.npy', x)
"
echo "# tensor: 200000 float32 N(0,1) values, numpy default_rng(2026)"
ok "plot hist --in FILE.npy:NAME (pdf)" $FMTLAB plot hist --in "$tmp/w.npy:w" --formats e4m3fn,int8,mxfp4 -o "$tmp/h.pdf"
ok "h.pdf is PDF" grep -q '^%PDF' "$tmp/h.pdf"
ok "plot hist (png), options after the operands" $FMTLAB plot hist -o "$tmp/h.png" --in "$tmp/w.npy" --formats e4m3fn,e5m2 --scale absmax --width 1000 --height 900
ok "histogram drawn (1000x900, not blank)" notblank "$tmp/h.png" 1000 900
ok "plot density (png)" $FMTLAB plot density e4m3fn posit8es1 int8 -o "$tmp/d.png"
ok "density drawn" notblank "$tmp/d.png" 1100 700
ok "plot hist on a synthetic distribution" $FMTLAB plot hist --in synthetic:laplace:50000 --formats e4m3fn -o "$tmp/s.png"
# independent check of the flushed share: e4m3fn flushes |x| <= 2^-10 (half its smallest
# subnormal 2^-9; the tie 2^-10 goes to even, 0)
want=$($PY -c "
import numpy as np
x = np.load('$tmp/w.npy').astype(np.float64)
print('%.3g%%' % (100 * np.mean((x != 0) & (np.abs(x) <= 2.0**-10))))")
same "flushed share of e4m3fn (numpy)" "$want" \
  "$($FMTLAB plot hist --in "$tmp/w.npy" --formats e4m3fn -o "$tmp/h3.png" 2>/dev/null | sed 's/.*e4m3fn [^/]* \/ \([^.;]*[0-9.]*%\).*/\1/')"
# result tables: the CSV layout of 'fmtlab compare --csv' (hand-written values)
cat > "$tmp/cmp.csv" <<'CSV'
tensor,file,format,scale,mse,sqnr_db,bits_per_element
w,w.npy,e4m3fn,absmax,0.00046,33.4,8
w,w.npy,e5m2,absmax,0.0018,27.4,8
w,w.npy,e2m1fn,absmax,0.03,15.2,4
w,w.npy,int8,absmax,0.0002,37.0,8
w,w.npy,int4,absmax,0.07,11.5,4
w,w.npy,mxfp4,none,0.012,19.2,4.25
w,w.npy,"mx:elem=e4m3fn,k=32",none,0.0003,35.2,8.25
v,v.npy,e4m3fn,absmax,0.0005,33.0,8
v,v.npy,int8,absmax,0.0004,34.0,8
CSV
ok "plot sqnr (heat map)" $FMTLAB plot sqnr --table "$tmp/cmp.csv" -o "$tmp/sq.png"
ok "heat map drawn" notblank "$tmp/sq.png" 1100 560
ok "plot sqnr --bars" $FMTLAB plot sqnr --bars --table "$tmp/cmp.csv" -o "$tmp/sqb.png"
ok "bars drawn" notblank "$tmp/sqb.png" 1100 720
# the best format per tensor, by awk from the same table
want=$(awk -F, 'NR > 1 && NF == 7 { if (!($1 in b) || $6 > b[$1]) { b[$1] = $6; f[$1] = $3 } }
                END { printf "w %s %.1f dB; v %s %.1f dB", f["w"], b["w"], f["v"], b["v"] }' "$tmp/cmp.csv")
same "sqnr finding: best per tensor (awk)" "Highest SQNR per tensor: $want." \
  "$($FMTLAB plot sqnr --table "$tmp/cmp.csv" -o "$tmp/sq2.png" 2>/dev/null)"
ok "plot errbits" $FMTLAB plot errbits --table "$tmp/cmp.csv" -o "$tmp/eb.png"
ok "errbits drawn" notblank "$tmp/eb.png" 1100 720
ok "plot errbits --measure sqnr_db" $FMTLAB plot errbits --measure sqnr_db --table "$tmp/cmp.csv" -o "$tmp/eb2.svg"
printf 'tensor,format\nw,e4m3fn\n' > "$tmp/nosqnr.csv"
status "table without sqnr_db" 2 $FMTLAB plot sqnr --table "$tmp/nosqnr.csv" -o "$tmp/x.png"; one_line "sqnr_db"
printf 'tensor,format,sqnr_db\nw,"e4m3fn,1\n' > "$tmp/badq.csv"
status "malformed CSV" 2 $FMTLAB plot sqnr --table "$tmp/badq.csv" -o "$tmp/x.png"; one_line "badq.csv:2"
status "errbits with a missing column" 2 $FMTLAB plot errbits --measure kl --table "$tmp/cmp.csv" -o "$tmp/x.png"; one_line "kl"
ok "--help" $FMTLAB plot --help
ok "-- ends the options" $FMTLAB plot -o "$tmp/dd.png" density -- e2m1fn

# the studies' charts from hand-made study tables (tests/data/studies/NAME: the layout
# 'fmtlab study NAME' writes, values typed by hand); each drawn and decoded independently
st="$srcdir/tests/data/studies"
for k in gupta opal lp decoupleq exmy cer; do
  ok "plot study-$k" $FMTLAB plot study-$k --in "$st/$k" -o "$tmp/study-$k.png"
done
ok "study-gupta drawn" notblank "$tmp/study-gupta.png" 1100 720
ok "study-opal drawn" notblank "$tmp/study-opal.png" 1100 720
ok "study-lp drawn" notblank "$tmp/study-lp.png" 1100 720
ok "study-decoupleq drawn (log axis)" notblank "$tmp/study-decoupleq.png" 1100 720
ok "study-exmy drawn" notblank "$tmp/study-exmy.png" 1100 720
ok "study-cer drawn (log axis)" notblank "$tmp/study-cer.png" 1100 720
ok "study-cer from the CSV file itself (svg)" $FMTLAB plot study-cer --in "$st/cer/cer.csv" -o "$tmp/cer.svg"
# findings against awk on the same tables
want=$(awk -F, 'NR > 1 { v[$1 " " $2] = $4 } END { printf "4 bits %+.1f dB (%+.1f dB)", v["4 opal k=128"] - v["4 mx k=128"], v["4 opal k=128"] - v["4 mx k=32"] }' "$st/opal/by_scheme.csv")
ok "study-opal finding: the 4-bit gains (awk: $want)" sh -c "$FMTLAB plot study-opal --in '$st/opal' -o '$tmp/o2.png' 2>/dev/null | grep -q -F '$want'"
want=$(awk -F, 'NR > 1 && $3 == "decoupleq" { if (lo == "" || $5 < lo) lo = $5; if ($5 > hi) hi = $5 } END { printf "%.3g to %.3g times", lo, hi }' "$st/decoupleq/by_method.csv")
ok "study-decoupleq finding: decoupleQ's range (awk: $want)" sh -c "$FMTLAB plot study-decoupleq --in '$st/decoupleq' -o '$tmp/d2.png' 2>/dev/null | grep -q -F '$want'"
ok "study-gupta finding names the stalled run" sh -c "$FMTLAB plot study-gupta --in '$st/gupta' -o '$tmp/g2.png' 2>/dev/null | grep -q 'stalled: <2,14> rne'"
ok "study-cer finding: e4m3fn's CER (0.114%)" sh -c "$FMTLAB plot study-cer --in '$st/cer' -o '$tmp/c3.png' 2>/dev/null | grep -q 'e4m3fn (tensor) 0.114%'"
status "study chart without --in" 2 $FMTLAB plot study-opal -o "$tmp/x.png"; one_line "--in"
status "study chart of a directory without its table" 2 $FMTLAB plot study-lp --in "$st/opal" -o "$tmp/x.png"; one_line "by_family.csv"
printf 'bits,family\n8,lp\n' > "$tmp/by_family.csv"
status "study table without its column" 2 $FMTLAB plot study-lp --in "$tmp" -o "$tmp/x.png"; one_line "mean_sqnr_db"
status "unknown study chart" 2 $FMTLAB plot study-foo --in "$st/opal" -o "$tmp/x.png"; one_line "study-foo"

# bad input: exit 2, one line naming the problem, no file left
status "unknown kind" 2 $FMTLAB plot pie e4m3fn -o "$tmp/x.png"; one_line "pie"
status "bad extension" 2 $FMTLAB plot accuracy e4m3fn -o "$tmp/x.jpg"; one_line "x.jpg"
ok "no x.jpg" test ! -e "$tmp/x.jpg"
status "missing -o" 2 $FMTLAB plot accuracy e4m3fn; one_line "-o"
status "unknown format" 2 $FMTLAB plot accuracy e4m3q -o "$tmp/x.png"; one_line "e4m3q"
status "closure of a 16-bit format" 2 $FMTLAB plot closure bf16 add -o "$tmp/x.png"; one_line "bf16"
status "closure of sqrt" 2 $FMTLAB plot closure e4m3fn sqrt -o "$tmp/x.png"; one_line "sqrt"
status "density of fp32" 2 $FMTLAB plot density fp32 -o "$tmp/x.png"; one_line "fp32"
status "hist without --formats" 2 $FMTLAB plot hist --in "$tmp/w.npy" -o "$tmp/x.png"; one_line "formats"
status "hist of a missing file" 2 $FMTLAB plot hist --in "$tmp/none.npy" --formats e4m3fn -o "$tmp/x.png"; one_line "none.npy"
printf 'not a numpy file at all' > "$tmp/bad.npy"
status "hist of a corrupt file" 2 $FMTLAB plot hist --in "$tmp/bad.npy" --formats e4m3fn -o "$tmp/x.png"; one_line "bad.npy"
status "hist of an all-NaN tensor" 2 $FMTLAB plot hist --in "$tmp/nan.npy" --formats e4m3fn -o "$tmp/x.png"; one_line "nan.npy"
status "hist with a bad format" 2 $FMTLAB plot hist --in "$tmp/w.npy" --formats e4m3fn,mx:elem=foo -o "$tmp/x.png"
status "unknown synthetic" 2 $FMTLAB plot hist --in synthetic:cauchy --formats e4m3fn -o "$tmp/x.png"; one_line "cauchy"
status "hist options on accuracy" 2 $FMTLAB plot accuracy e4m3fn --bins 10 -o "$tmp/x.png"
status "output directory missing" 2 $FMTLAB plot accuracy e4m3fn -o "$tmp/no/dir/x.png"; one_line "no/dir/x.png"
ok "no x.png and no temporary left" test -z "$(ls "$tmp" | grep '^x\.png')"
tap_done
