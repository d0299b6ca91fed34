#!/bin/bash
# test_refops_cli.sh -- 'fmtlab ref', 'gen' and 'verify' as a user calls them: the
# acceptance items of issue 5 and bad input.  Expected codes come from IEEE 754 (binary16:
# 1 = 3c00, 2 = 4000, inf = 7c00) and from TestFloat's layout (SPEC Part C).  TAP output.
FMTLAB=${FMTLAB:-./fmtlab}
srcdir=${srcdir:-.}
F16LIB=${F16LIB:-tests/.libs/libf16.so}
. "$srcdir/tests/tap.sh"

# Acceptance 1
same "ref fp16 add 3c00 3c00" 4000 "$($FMTLAB ref fp16 add 3c00 3c00)"
r=$($FMTLAB ref fp16 add 7c00 fc00)
ok "ref fp16 add 7c00 fc00 is a NaN code ($r)" sh -c "$FMTLAB values fp16 --range $r:$r | grep -q ' nan nan\$'"
same "ref fp16 add inf -inf raises invalid" "invalid" "$($FMTLAB ref fp16 add 7c00 fc00 --flags | cut -d' ' -f2)"
same "ref posit8es0 div 40 00 (x/0 = NaR)" 80 "$($FMTLAB ref posit8es0 div 40 00)"
same "gen posit16es1 add --all begins at the first pair" "0000 0000 0000 00" "$($FMTLAB gen posit16es1 add --all | head -1)"
# logarithmic families (refops_log.c): SPEC B4.4 item 3 (2^(1/8) * 2^(1/8) = 2^(2/8), exact),
# lp8es1rs3 1 + 1 = 2 (40 = 1, 60 = 4: 50 = 2), the lns8f3 linear tie (1 + 2^(1/8))/2
same "ref lns8f3 mul 01 01" 02 "$($FMTLAB ref lns8f3 mul 01 01)"
same "ref lp8es1rs3 add 40 40" 50 "$($FMTLAB ref lp8es1rs3 add 40 40)"
same "ref lns8f3 add 79 78 linear rne: tie to even" 00 "$($FMTLAB ref lns8f3 add 79 78 --domain linear)"
same "ref lns8f3 add 79 78 linear rna: tie away" 01 "$($FMTLAB ref lns8f3 add 79 78 --domain linear --round rna)"
same "gen lns8f3 add --all | verify" "65536 cases, 0 mismatches" \
  "$($FMTLAB gen lns8f3 add --all | $FMTLAB verify lns8f3 add --vectors - | tail -1)"
status "ref lns8f3 to_f64 --round sr is refused" 2 $FMTLAB ref lns8f3 to_f64 01 --round sr
same "ref --value" "3da8 0x1.6ap+0" "$($FMTLAB ref fp16 sqrt 4000 --value)"
same "ref fma, one rounding" "1801" "$($FMTLAB ref fp16 fma 3c01 3c01 bc00 --round rup)"
same "ref to_f64" "3ff0000000000000" "$($FMTLAB ref fp16 to_f64 3c00)"
same "ref from_f64 1+2^-11 ties to even" "3c00" "$($FMTLAB ref fp16 from_f64 3ff0020000000000)"
same "ref from_f32 overflow" "7c00" "$($FMTLAB ref fp16 from_f32 477ff000)"
same "ref fdp (quire: no intermediate overflow)" "0000" "$($FMTLAB ref fp16 fdp 7bff 7bff 4000 c000)"
same "ref e4m3fn overflow is NaN" "7f" "$($FMTLAB ref e4m3fn add 7e 60)"
same "ref e4m3fn overflow --overflow sat" "7e" "$($FMTLAB ref e4m3fn add 7e 60 --overflow sat)"
same "ref e2m1fn 0/0 -> 0, invalid" "0 invalid" "$($FMTLAB ref e2m1fn div 0 0 --flags)"
same "ref fixed8.0 -5/0 saturates" "80" "$($FMTLAB ref fixed8.0 div fb 00)"
# IEEE 754 7.5: (2^-14 - 2^-24)(1 + 2^-10) = 2^-14 - 2^-34 rounds to 2^-14 (0400); tiny before
# rounding, not tiny after (rounded to 11 bits with an unbounded exponent it is 2^-14)
same "underflow, tininess before rounding" "0400 inexact,underflow" "$($FMTLAB ref fp16 mul 83ff bc01 --flags)"
same "no underflow, tininess after rounding" "0400 inexact" "$($FMTLAB ref fp16 mul 83ff bc01 --flags --tininess after)"
printf '83FF BC01 0400 01\n' > "$tmp/ta.txt"
status "TestFloat's default flags need --tininess after" 1 $FMTLAB verify fp16 mul --vectors "$tmp/ta.txt" --flags
status "... and pass with it" 0 $FMTLAB verify fp16 mul --vectors "$tmp/ta.txt" --flags --tininess after

# Acceptance 2
$FMTLAB gen fp16 mul --random 100000 --seed 7 > "$tmp/mul.txt"
same "gen --random 100000 lines" 100000 "$(wc -l < "$tmp/mul.txt" | tr -d ' ')"
same "gen | verify --vectors -" "100000 cases, 0 mismatches" \
  "$($FMTLAB gen fp16 mul --random 100000 --seed 7 | $FMTLAB verify fp16 mul --vectors - | tail -1)"
same "gen is reproducible" "$(md5sum < "$tmp/mul.txt")" "$($FMTLAB gen fp16 mul --random 100000 --seed 7 | md5sum)"
# flip the last bit of the result of line 4321 (a finite, non-NaN result is chosen)
line=$(awk '$3 !~ /^[7F][CDEF]/ && NR >= 4321 {print NR; exit}' "$tmp/mul.txt")
set -- $(sed -n "${line}p" "$tmp/mul.txt")
flipped=$(printf '%s %s %04X %s' "$1" "$2" $((0x$3 ^ 1)) "$4")
sed "${line}s/.*/$flipped/" "$tmp/mul.txt" > "$tmp/bad.txt"
status "verify with one flipped bit" 1 $FMTLAB verify fp16 mul --vectors "$tmp/bad.txt"
ok "the mismatch names line $line" grep -q "^line $line:" "$tmp/sout"
same "last line counts one mismatch" "100000 cases, 1 mismatches" "$(tail -1 "$tmp/sout")"
same "exactly one case reported" 1 "$(grep -c '^line ' "$tmp/sout")"

# Acceptance 3
same "gen --all begins at the first pair" "0000 0000 0000 00" "$($FMTLAB gen fp16 add --all | head -1)"
same "gen e4m3fn fma --all | wc -l" 16777216 "$($FMTLAB gen e4m3fn fma --all | wc -l | tr -d ' ')"
same "gen --all second line" "00 00 01 01 00" "$($FMTLAB gen e4m3fn fma --all | sed -n 2p)"

# Acceptance 4 (the exhaustive 2^32 run is in bench/; here a random sample and a shard)
if [ -f "$F16LIB" ]; then
  same "verify --impl f16_add --random" "1000000 cases, 0 mismatches" \
    "$($FMTLAB verify fp16 add --impl "$F16LIB:f16_add" --random 1000000 --seed 3 | tail -1)"
  same "verify --impl f16_sqrt --all" "65536 cases, 0 mismatches" \
    "$($FMTLAB verify fp16 sqrt --impl "$F16LIB:f16_sqrt" --all | tail -1)"
  same "verify --impl f16_add --all, shard 1000/65536" "65536 cases, 0 mismatches" \
    "$($FMTLAB verify fp16 add --impl "$F16LIB:f16_add" --all --shard 1000/65536 | tail -1)"
  status "wrong ties are mismatches" 1 $FMTLAB verify fp16 add --impl "$F16LIB:f16_add_wrongties" --random 20000 --max-report 3
  same "--max-report 3 prints three" 3 "$(grep -c '^case ' "$tmp/sout")"
  ok "a reported tie is a real tie (sum of the operands is halfway)" grep -q "expected" "$tmp/sout"
  # shards and --merge
  for k in 1 2 3; do
    $FMTLAB verify fp16 add --impl "$F16LIB:f16_add_wrongties" --random 30000 --shard $k/3 --json > "$tmp/s$k.json" 2> /dev/null
  done
  whole=$($FMTLAB verify fp16 add --impl "$F16LIB:f16_add_wrongties" --random 30000 | tail -1)
  status "--merge of three shards" 1 $FMTLAB verify --merge "$tmp/s1.json" "$tmp/s2.json" "$tmp/s3.json"
  same "--merge equals the whole run" "$whole" "$(tail -1 "$tmp/sout")"
  status "--impl without the symbol" 2 $FMTLAB verify fp16 add --impl "$F16LIB:no_such" --random 10
else
  echo "ok $((n = n + 1)) - # SKIP $F16LIB not built"
fi
status "--impl of a missing library" 2 $FMTLAB verify fp16 add --impl "$tmp/none.so:f" --random 10

# Acceptance 5: a TestFloat-generated file, unchanged (testfloat_gen f16_sqrt layout)
same "verify binary16 sqrt TestFloat file" "15 cases, 0 mismatches" \
  "$($FMTLAB verify binary16 sqrt --vectors "$srcdir/tests/data/f16_sqrt_testfloat.txt" | tail -1)"
same "... and its flags agree" "15 cases, 0 mismatches" \
  "$($FMTLAB verify binary16 sqrt --vectors "$srcdir/tests/data/f16_sqrt_testfloat.txt" --flags | tail -1)"
sed 's/^BC00 FE00/BC00 7E00/' "$srcdir/tests/data/f16_sqrt_testfloat.txt" > "$tmp/nan.txt"
status "any NaN matches any NaN (A10)" 0 $FMTLAB verify binary16 sqrt --vectors "$tmp/nan.txt"
status "--strict-nan tells NaN codes apart" 1 $FMTLAB verify binary16 sqrt --vectors "$tmp/nan.txt" --strict-nan
# testfloat_gen f32_add / f32_div / f64_mul / f64_sqrt layout (8 and 16 digits); values by hand:
# 1+1 = 2; 1/3 = 0x3EAAAAAB (RNE, inexact); 1.5*2 = 3; sqrt(2) = 0x3FF6A09E667F3BCD (inexact)
printf '3F800000 3F800000 40000000 00\n' > "$tmp/f32add.txt"
printf '3F800000 40400000 3EAAAAAB 01\n' > "$tmp/f32div.txt"
printf '3FF8000000000000 4000000000000000 4008000000000000 00\n' > "$tmp/f64mul.txt"
printf '4000000000000000 3FF6A09E667F3BCD 01\n' > "$tmp/f64sqrt.txt"
same "TestFloat f32_add line" "1 cases, 0 mismatches" "$($FMTLAB verify binary32 add --vectors "$tmp/f32add.txt" --flags)"
same "TestFloat f32_div line" "1 cases, 0 mismatches" "$($FMTLAB verify binary32 div --vectors "$tmp/f32div.txt" --flags)"
same "TestFloat f64_mul line" "1 cases, 0 mismatches" "$($FMTLAB verify binary64 mul --vectors "$tmp/f64mul.txt" --flags)"
same "TestFloat f64_sqrt line" "1 cases, 0 mismatches" "$($FMTLAB verify binary64 sqrt --vectors "$tmp/f64sqrt.txt" --flags)"
printf '# a comment\n3C00 3C00 00\n' > "$tmp/c.txt"
same "comment lines are skipped" "1 cases, 0 mismatches" "$($FMTLAB verify fp16 sqrt --vectors "$tmp/c.txt")"
ok "--json summary parses" sh -c "$FMTLAB verify fp16 sqrt --vectors '$tmp/c.txt' --json 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[\"cases\"]==1 and d[\"mismatches\"]==0'"

# Bad input
status "ref: unknown op" 2 $FMTLAB ref fp16 pow 3c00 3c00
status "ref: wrong operand count" 2 $FMTLAB ref fp16 add 3c00
status "ref: code too wide" 2 $FMTLAB ref fp16 add 13c00 3c00
status "ref: not hex" 2 $FMTLAB ref fp16 add 3g00 3c00
status "ref: bad format" 2 $FMTLAB ref e4m3q add 00 00
status "ref: fdp with an odd count" 2 $FMTLAB ref fp16 fdp 3c00 3c00 3c00
status "gen: neither --all nor --random" 2 $FMTLAB gen fp16 add
status "gen: fp32 add --all is too big" 2 $FMTLAB gen fp32 add --all
status "gen: bad --shard" 2 $FMTLAB gen fp16 add --random 10 --shard 3/2
status "verify: neither --vectors nor --impl" 2 $FMTLAB verify fp16 add
printf '3C00 3C00\n' > "$tmp/short.txt"
status "verify: a line with too few fields" 2 $FMTLAB verify fp16 add --vectors "$tmp/short.txt"
ok "the message names the line" grep -q ":1:" "$tmp/serr"
printf '3C00  3C00 4000\n' > "$tmp/dbl.txt"
status "verify: two spaces" 2 $FMTLAB verify fp16 add --vectors "$tmp/dbl.txt"
printf '3C00 3C00 4000 1\n' > "$tmp/fl.txt"
status "verify: one-digit flags" 2 $FMTLAB verify fp16 add --vectors "$tmp/fl.txt"
status "verify: missing file" 2 $FMTLAB verify fp16 add --vectors "$tmp/none.txt"
status "verify --merge of a non-summary" 2 $FMTLAB verify --merge "$tmp/fl.txt"
for c in ref gen verify; do
  status "$c --help" 0 $FMTLAB $c --help
done

# --flags as text, one spelling for ref and round (IEEE 754 7.3: 1/0 = inf, divideByZero,
# exact; 7.4: 65520, halfway between 65504 and 2^16, rounds to even, past the largest:
# inf, overflow and inexact; binary16 0.1 = 2e66, 1 = 3c00; 1e-10 is below half of
# e4m3fn's smallest subnormal 2^-9: 0, underflow and inexact)
same "ref fp16 div 1 0 --flags" "7c00 divbyzero" "$($FMTLAB ref fp16 div 3c00 0000 --flags)"
same "round fp16 --flags" "2e66 inexact|3c00 exact|7c00 inexact,overflow" \
  "$($FMTLAB round fp16 0.1 1 65520 --flags | cut -d' ' -f1,3 | tr ' \n' ' |' | sed 's/|$//')"
same "round e4m3fn 1e-10 --flags" "00 0x0p+0 inexact,underflow" "$($FMTLAB round e4m3fn 1e-10 --flags)"

tap_done
