#!/bin/bash
# test_cli.sh -- the fmtlab command as a user calls it: the acceptance items of issue 2
# (expected values from SPEC.md B§1.1, B§1.5, B§8.3 and the P3109 tables), bad input, and
# the conventions every command follows.  TAP output.
FMTLAB=${FMTLAB:-./fmtlab}
srcdir=${srcdir:-.}
P3109=${FMTLAB_P3109_DIR:-$srcdir/../shared/p3109}
. "$srcdir/tests/tap.sh"

# Acceptance 1 (SPEC B§1.1/B§1.5: e4m3fn max 448 = 0x7e, NaN 0x7f/0xff)
same "values e4m3fn prints 256 lines" 256 "$($FMTLAB values e4m3fn | wc -l | tr -d ' ')"
same "e4m3fn 7e is 448" "7e 0x1.cp+8 normal" "$($FMTLAB values e4m3fn | grep '^7e ')"
same "e4m3fn 7f and ff are nan" "7f nan nan
ff nan nan" "$($FMTLAB values e4m3fn | grep -E '^(7f|ff) ')"
# Acceptance 2 (SPEC B§1.1: E2M1 magnitudes 0, 0.5, 1, 1.5, 2, 3, 4, 6)
same "e2m1fn 16 lines" 16 "$($FMTLAB values e2m1fn | wc -l | tr -d ' ')"
same "e2m1fn non-negative values" "0x0p+0 0x1p-1 0x1p+0 0x1.8p+0 0x1p+1 0x1.8p+1 0x1p+2 0x1.8p+2" \
  "$($FMTLAB values e2m1fn | awk '$2 !~ /^-/ {print $2}' | tr '\n' ' ' | sed 's/ $//')"
# Acceptance 3 (SPEC B§1.5 item 2: 464 ties to 448, 465 overflows; B§1.3 SAT)
same "round e4m3fn 464 465" "7e 0x1.cp+8
7f nan" "$($FMTLAB round e4m3fn 464 465)"
same "round e4m3fn 464 465 --overflow sat" "7e 0x1.cp+8
7e 0x1.cp+8" "$($FMTLAB round e4m3fn 464 465 --overflow sat)"
same "round e4m3fn -465 is the negative NaN code" "ff nan" "$($FMTLAB round e4m3fn -465)"
# Acceptance 4 (bf16: 1 + 2^-8 ties to even 3f80; 1 + 2^-8 + 2^-16 rounds up)
same "round bf16" "3f80 0x1p+0
3f81 0x1.02p+0" "$($FMTLAB round bf16 0x1.01p+0 0x1.0101p+0)"
same "round bf16 --round rup" "3f81" "$($FMTLAB round bf16 0x1.01p+0 --round rup | cut -d' ' -f1)"
# Acceptance 5 (SPEC B§8.3 item 4: saturation; 2^-10 < half of 2^-8)
same "round fixed8.8" "7fff 8000 0000" "$($FMTLAB round fixed8.8 300 -300 0x1p-10 | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//')"
# Acceptance 6 (SPEC B§1.1 table)
$FMTLAB info --csv --no-profile fp16 e5m2 e2m1fn bf16 > "$tmp/info.csv"
same "info max" "65504 57344 6 3.389531389e+38" "$(cut -d, -f9 "$tmp/info.csv" | tail -n +2 | tr '\n' ' ' | sed 's/ $//')"
same "info min positive" "2^-24 2^-16 2^-1 2^-133" "$(cut -d, -f14 "$tmp/info.csv" | tail -n +2 | tr '\n' ' ' | sed 's/ $//')"
$FMTLAB info fp16 e5m2 e2m1fn bf16 > "$tmp/info.txt"
ok "info text shows max 65504" grep -q "max  *65504$" "$tmp/info.txt"
ok "info text shows 2^-133" grep -q "2^-133" "$tmp/info.txt"
# Acceptance 7: the P3109 table, value for value
if [ -f "$P3109/Binary8p3se.csv" ]; then
  $FMTLAB values binary8p3se --csv | tail -n +2 | cut -d, -f2 > "$tmp/ours"
  tail -n +2 "$P3109/Binary8p3se.csv" | cut -d, -f2 > "$tmp/theirs"
  # normalise both sides through printf's hexfloat reading (strtold), exact for these values
  norm () { while IFS= read -r v; do case "$v" in *[Nn]a[Nn]*) echo nan;; -[Ii]nf*) echo -inf;; [Ii]nf*) echo inf;; *) printf '%a\n' "$v";; esac; done; }
  norm < "$tmp/ours" > "$tmp/ours.n"; norm < "$tmp/theirs" > "$tmp/theirs.n"
  ok "binary8p3se has 256 codes" test "$(wc -l < "$tmp/theirs.n")" -eq 256
  ok "binary8p3se equals the P3109 table value for value" cmp "$tmp/ours.n" "$tmp/theirs.n"
else
  echo "ok $((n = n + 1)) - # SKIP P3109 tables not found at $P3109"
fi
# Acceptance 8: bad names
status "values e4m3q" 2 $FMTLAB values e4m3q
ok "message names e4m3q" grep -q "e4m3q" "$tmp/serr"
for bad in e4m3q binary8p9se fixed0.8 int1 e16m3 'float:e=4' posit8es9x '' e4m3fnx mx:elem=foo; do
  status "values '$bad' is refused" 2 $FMTLAB values "$bad"
done

# Issue 3 acceptance (SPEC B§2.4, B§3.3, B§4.4)
same "posit8es0 prints 256 lines" 256 "$($FMTLAB values posit8es0 | wc -l | tr -d ' ')"
same "posit8es0 known codes" "01 0x1p-6 normal
40 0x1p+0 normal
7f 0x1p+6 normal
80 nan nar
c0 -0x1p+0 normal" "$($FMTLAB values posit8es0 | grep -E '^(40|7f|01|c0|80) ')"
same "posit8es2 geometric cut" "7e 7f" "$($FMTLAB round posit8es2 0x1p+22 0x1.4p+22 | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//')"
same "posit16es1 saturates at minpos" "0001 8001" "$($FMTLAB round posit16es1 1e-30 -1e30 | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//')"
same "posit16es3 0ddd" "0ddd 0x1.ddp-19 normal" "$($FMTLAB values posit16es3 --range 0ddd:0ddd)"
same "lns8f3 special codes" "00 0x1p+0 normal
40 0x0p+0 zero
c0 nan nan" "$($FMTLAB values lns8f3 | grep -E '^(00|40|c0) ')"
# 2^(63/8) and 2^(-63/8) to 113 bits (MPFR: mpfr_exp2 of 63/8, correctly rounded)
same "lns8f3 maxpos" "3f 0x1.d5818dcfba48725da05aeb66e0dccp+7 normal" "$($FMTLAB values lns8f3 | grep '^3f ')"
same "lns8f3 minpos" "41 0x1.172b83c7d517adcdf7c8c50eb14a8p-8 normal" "$($FMTLAB values lns8f3 | grep '^41 ')"
same "lns8f3 --prec 20" "3f 0x1.d5818p+7 normal" "$($FMTLAB values lns8f3 --prec 20 | grep '^3f ')"
same "round lns8f3 1.0445 (log domain)" "01" "$($FMTLAB round lns8f3 1.0445 | cut -d' ' -f1)"
same "round lns8f3 1.0445 --domain linear" "00" "$($FMTLAB round lns8f3 1.0445 --domain linear | cut -d' ' -f1)"
same "lp8es1rs3 known codes" "40 0x1p+0 normal
60 0x1p+2 normal
70 0x1p+4 normal
7f 0x1.d5818dcfba48725da05aeb66e0dccp+5 normal" "$($FMTLAB values lp8es1rs3 | grep -E '^(40|60|70|7f) ')"
same "lp8es1rs3sf1 halves" "40 0x1p-1 normal
60 0x1p+1 normal
70 0x1p+3 normal
7f 0x1.d5818dcfba48725da05aeb66e0dccp+4 normal" "$($FMTLAB values lp8es1rs3sf1 | grep -E '^(40|60|70|7f) ')"
$FMTLAB info posit32 lp16es1rs5 lns16f8 --csv > "$tmp/info3.csv"
same "info posit32 maxpos/minpos/range" "0x1p+120,0x1p-120,240.0000" "$(grep '^posit32,' "$tmp/info3.csv" | cut -d, -f10,13,17)"
ok "info lp16es1rs5 row" grep -q '^lp16es1rs5,16,' "$tmp/info3.csv"
ok "info lns16f8 row (range 127.99 binades)" grep -q '^lns16f8,16,.*,127\.9922,' "$tmp/info3.csv"
ok "info --csv has the accuracy profile" grep -q '^format,binade,worst_decimal_accuracy,mean_decimal_accuracy,intervals$' "$tmp/info3.csv"
ok "profile rows for all three" sh -c "grep -c '^posit32,-\?[0-9]*,[0-9.]*,[0-9.]*,[0-9]*$' '$tmp/info3.csv' | grep -qv '^0$' && grep -q '^lp16es1rs5,-1,' '$tmp/info3.csv' && grep -q '^lns16f8,0,' '$tmp/info3.csv'"
for bad in posit1 posit8es6 posit8es lp8es1 lp8es1rs8 lp8es1rs3sfx lns8 lns8f7 lns2f0; do
  status "values '$bad' is refused" 2 $FMTLAB values "$bad"
done

# Bad input of other kinds
status "unknown command" 2 $FMTLAB frobnicate
status "malformed value" 2 $FMTLAB round fp16 1.2.3
status "unknown rounding mode" 2 $FMTLAB round fp16 1 --round nearest
status "overflow inf on a format without Inf" 2 $FMTLAB round e4m3fn 1 --overflow inf
status "overflow nan on a format without NaN" 2 $FMTLAB round e2m1fn 1 --overflow nan
status "sr-bits out of range" 2 $FMTLAB round fp16 1 --round sr --sr-bits 65
status "values of a 32-bit format needs --range" 2 $FMTLAB values fp32
same "values fp32 --range" "3f800000 0x1p+0 normal" "$($FMTLAB values fp32 --range 3f800000:3f800000)"
status "bad --range" 2 $FMTLAB values fp16 --range 10:5
# No partial output file on error
status "info with a bad format and -o" 2 $FMTLAB info fp16 e4m3q -o "$tmp/never.csv"
ok "no output file left behind" test ! -e "$tmp/never.csv"
status "round with a bad value and -o" 2 $FMTLAB round fp16 1 bogus -o "$tmp/never2.txt"
ok "no partial file after a bad value" sh -c "! ls '$tmp'/never2* 2>/dev/null | grep -q ."
ok "values -o writes the file" $FMTLAB values e2m1fn --csv -o "$tmp/v.csv"
same "values -o content" 17 "$(wc -l < "$tmp/v.csv" | tr -d ' ')"
# --help and --version on every command
for c in formats values info round report; do
  status "$c --help" 0 $FMTLAB $c --help
  status "$c --version" 0 $FMTLAB $c --version
done
status "fmtlab --help" 0 $FMTLAB --help
status "fmtlab --version" 0 $FMTLAB --version
# Output styles are well formed
if command -v python3 > /dev/null; then
ok "values --json parses" sh -c "$FMTLAB values e4m3fn --json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert len(d)==256 and d[126][\"value\"]==\"0x1.cp+8\"'"
ok "info --json parses" sh -c "$FMTLAB info --json fp16 bf16 | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[0][\"max\"]==\"65504\"'"
fi
ok "round reads stdin" sh -c "echo '464 465' | $FMTLAB round e4m3fn --overflow sat | grep -c '^7e ' | grep -qx 2"
# stochastic rounding is reproducible from the seed
a=$($FMTLAB round e4m3fn --round sr --seed 42 1.1 1.1 1.1 1.1 1.1 1.1 1.1 1.1)
b=$($FMTLAB round e4m3fn --round sr --seed 42 1.1 1.1 1.1 1.1 1.1 1.1 1.1 1.1)
same "sr same seed, same codes" "$a" "$b"
# the main job writes its tables
ok "report writes tables" $FMTLAB report --out "$tmp/nb"
ok "report formats.csv has the e4m3fn row" grep -q "^e4m3fn,8,256,254,253,2,0,yes,448," "$tmp/nb/formats.csv"
ok "report value table for e4m3fn" test "$(wc -l < "$tmp/nb/values/e4m3fn.csv")" -eq 257

tap_done
