#!/bin/bash
# test_report_html.sh -- 'fmtlab report' (issue 11 acceptance 1 and 2): the index links at
# least eight charts and the tables, every link resolves inside the report, nothing refers
# to the network, and Debian's headless Chromium loads index.html with every image
# (naturalWidth > 0, marked by an inline script in a copy of the page) and takes a
# screenshot that is not blank.  Skipped (77) only when chromium is absent.  TAP output.
FMTLAB=${FMTLAB:-./fmtlab}
srcdir=${srcdir:-.}
PY=/usr/bin/python3
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  echo "1..0 # SKIP $CHROMIUM is absent (Debian package chromium)"
  exit 77
fi
. "$srcdir/tests/tap.sh"
rep="$tmp/rep"

# a tensor (numpy, seed 11) and a result table in the layout of 'fmtlab compare --csv'
$PY -c "
import numpy as np
np.save('$tmp/w.npy', np.random.default_rng(11).laplace(size=50000).astype(np.float32))"
printf 'tensor,format,mse,sqnr_db,bits_per_element\nw,e4m3fn,0.0005,33.4,8\nw,int8,0.0002,37,8\nw,e2m1fn,0.03,15.2,4\n' > "$tmp/cmp.csv"
# two formats for the tables keep it short; the charts are the report's own; the studies'
# outputs are the hand-made tables of tests/data/studies (running them is test_study_cli's)
ok "report runs" $FMTLAB report --data none --out "$rep" --in "$tmp/w.npy" --table "$tmp/cmp.csv" --studies "$srcdir/tests/data/studies" e4m3fn posit8es1
ok "the tensor's histogram is in the index" grep -q 'charts/hist-w.npy_w.png' "$rep/index.md"
ok "the comparison charts are in the index" grep -q 'charts/error-bits.png' "$rep/index.md"
# the Studies section: a chart per study and the CER chart, each with its finding
nst=$(grep -c '^!\[.*\](charts/study-[a-z]*\.png)' "$rep/index.md")
same "the Studies section shows 6 study charts" 6 "$nst"
for k in gupta opal lp decoupleq exmy cer; do
  ok "study-$k.png exists and is linked from index.html" sh -c "test -s '$rep/charts/study-$k.png' && grep -q 'src=\"charts/study-$k.png\"' '$rep/index.html'"
done
ok "the opal finding is in the index" grep -q 'Mean SQNR gain of OPAL k=128 over MX k=128' "$rep/index.md"
status "--studies of a missing directory" 2 $FMTLAB report --data none --studies "$tmp/nothing" --out "$tmp/rep-bad2"
one_line "nothing"
status "report with a missing --in file" 2 $FMTLAB report --data none --out "$tmp/rep-bad" --in "$tmp/none.npy"
one_line "none.npy"
ok "nothing written for it" test ! -e "$tmp/rep-bad"
ok "index.md and index.html written" test -s "$rep/index.md" -a -s "$rep/index.html"
nimg=$(grep -c '^!\[' "$rep/index.md")
ok "index.md shows at least 8 charts ($nimg)" test "$nimg" -ge 8
same "index.html shows the same charts" "$nimg" "$(grep -o '<img ' "$rep/index.html" | wc -l | tr -d ' ')"
ok "index links the tables" grep -q 'formats.csv' "$rep/index.html"
# every relative link of both indexes exists
missing=$(cd "$rep" && { grep -o '](\([^)]*\))' index.md | sed 's/^](//; s/)$//';
                         grep -o '\(src\|href\)="[^"]*"' index.html | sed 's/^[a-z]*="//; s/"$//'; } |
          grep -v "^#" | sort -u | while read -r f; do [ -e "$f" ] || echo "$f"; done)
same "every link resolves" "" "$missing"
ok "no network reference in index.html" sh -c "! grep -E -q '(https?:)?//' '$rep/index.html'"
same "no temporary file left" "" "$(find "$rep" -name '*.tmp*')"

# the report's comparison tables are 'fmtlab compare' run alone on the same tensors (the
# synthetic set at 65536 elements each, the --in file), byte for byte in every style
fl="e4m3fn,e5m2,e3m2fn,e2m1fn,int8,int4,posit8es1,mxfp8e4m3,mxfp4,nvfp4,bf16,fp16"
syn="--in synthetic:normal:65536 --in synthetic:laplace:65536 --in synthetic:student3:65536 --in synthetic:lognormal:65536"
for style in csv json md; do
  $FMTLAB compare $syn --formats "$fl,lp8es1rs3,lns8f3" --scale absmax --$style > "$tmp/syn.$style" 2>/dev/null
  same "synthetic comparison table ($style) equals fmtlab compare" "" \
    "$(cmp "$tmp/syn.$style" "$rep/tables/compare-synthetic.$style" 2>&1)"
done
$FMTLAB compare --in "$tmp/w.npy" --formats "$fl,lp8es1rs3,lns8f3" --scale absmax --csv > "$tmp/in.csv" 2>/dev/null
same "--in comparison table equals fmtlab compare" "" "$(cmp "$tmp/in.csv" "$rep/tables/compare-inputs.csv" 2>&1)"
ok "the summary table is in the index" grep -q 'Summary: mean SQNR' "$rep/index.md"
# best formats (4, 6, 8 bits) and fits: a row per budget for each of the 4 synthetic
# distributions and the --in tensor, a fit chart each
same "best-format rows (5 tensors x 3 budgets)" 15 "$(tail -n +2 "$rep/tables/best-formats.csv" | wc -l | tr -d ' ')"
same "fit rows" 5 "$(tail -n +2 "$rep/tables/fits.csv" | wc -l | tr -d ' ')"
same "fit charts" 5 "$(ls "$rep"/charts/fit-*.png | wc -l | tr -d ' ')"
ok "the normal sample is fitted as normal" grep -q '^synthetic,normal,8192,normal,' "$rep/tables/fits.csv"
ok "every comparison table is linked" sh -c "grep -q 'tables/compare-synthetic.json' '$rep/index.html' && grep -q 'tables/compare-inputs.md' '$rep/index.md'"

# Chromium: a copy of the page with a checker script beside it (same relative links)
sed 's|</body>|<script>window.addEventListener("load",function(){var im=document.images,bad=0;for(var i=0;i<im.length;i++)if(!(im[i].complete\&\&im[i].naturalWidth>0))bad++;var d=document.createElement("div");d.id="imgcheck";d.textContent="IMAGES "+im.length+" BROKEN "+bad;document.body.appendChild(d);});</script></body>|' \
  "$rep/index.html" > "$rep/check.html"
chrome () {
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$(mktemp -d "$tmp/prof.XXXXXX")" \
    "$@" 2>/dev/null
}
got=$(chrome --virtual-time-budget=15000 --dump-dom "file://$rep/check.html" | grep -o 'IMAGES [0-9]* BROKEN [0-9]*')
same "chromium loads every image" "IMAGES $nimg BROKEN 0" "$got"
# the checker can fail: a page with one missing image
printf '<html><body><img src="charts/nothing.png"><img src="%s"></body></html>\n' \
  "$(cd "$rep" && ls charts/*.png | head -1)" > "$rep/neg.html"
sed 's|</body>|<script>window.addEventListener("load",function(){var im=document.images,bad=0;for(var i=0;i<im.length;i++)if(!(im[i].complete\&\&im[i].naturalWidth>0))bad++;var d=document.createElement("div");d.id="imgcheck";d.textContent="IMAGES "+im.length+" BROKEN "+bad;document.body.appendChild(d);});</script></body>|' \
  "$rep/neg.html" > "$rep/neg2.html"
same "a broken image is caught" "IMAGES 2 BROKEN 1" \
  "$(chrome --virtual-time-budget=5000 --dump-dom "file://$rep/neg2.html" | grep -o 'IMAGES [0-9]* BROKEN [0-9]*')"
chrome --hide-scrollbars --window-size=1280,3000 --screenshot="$tmp/shot.png" "file://$rep/index.html" > /dev/null
read -r w h var ink ncol < <($PY "$srcdir/tests/pngstat.py" "$tmp/shot.png")
echo "# screenshot ${w}x$h, luminance variance $var, ink $ink, $ncol colours"
ok "screenshot taken and not blank" $PY -c "import sys; sys.exit(not ($w == 1280 and $var > 400 and $ink > 0.05))"
tap_done
