#!/bin/bash
# test_hostile.sh -- every input path of the fmtlab command survives hostile input (issue
# 14: one or more cases per row of its table, and the "Also" list), and '--' ends the
# options of every command (issue 8, acceptance 6).  Each case runs under 'timeout 10' and
# /usr/bin/time: it must end with the expected status in under 10 s and 500 MB, with one
# line naming the problem, and leave no stray file.  Expected codes: IEEE binary16 (1 =
# 3c00, 2 = 4000, 1.7 toward zero = 3ecc since 0.7 * 1024 = 716.8) and OCP E2M1 (1 = 2,
# 2 = 4).  TAP output.
FMTLAB=${FMTLAB:-./fmtlab}
srcdir=${srcdir:-.}
F16LIB=${F16LIB:-tests/.libs/libf16.so}
BADLIB=${BADLIB:-tests/.libs/libbad.so}
. "$srcdir/tests/tap.sh"
w=$tmp/w                        # the working directory whose contents are checked
mkdir -p "$w"

# bounded DESC WANT CMD...: exit status WANT within 10 s and 500 MB (output in $tmp/sout,
# $tmp/serr)
bounded () {
  desc=$1; want=$2; shift 2
  timeout 10 /usr/bin/time -f %M -o "$tmp/rss" "$@" > "$tmp/sout" 2> "$tmp/serr"; got=$?
  rss=$(tail -1 "$tmp/rss" 2>/dev/null)
  case $rss in ''|*[!0-9]*) rss=0 ;; esac
  n=$((n + 1))
  if [ "$got" = "$want" ] && [ "$rss" -lt 512000 ]; then echo "ok $n - $desc (exit $want, ${rss} KB)"
  else echo "not ok $n - $desc: exit $got (want $want), max RSS ${rss} KB"
       sed 's/^/# /' "$tmp/serr" | head -5; failed=$((failed + 1)); fi
}
# clean: the working directory holds exactly the files named
clean () {
  same "no stray files ($1)" "$2" "$(cd "$w" && ls -A | tr '\n' ' ' | sed 's/ $//')"
}

# Row 2: the advertised maximum of --random is refused before anything is allocated
bounded "row 2: verify --random 2^62" 2 $FMTLAB verify fp16 add --impl "$F16LIB:f16_add" --random 4611686018427387904
one_line "shard"
# Row 3: 2^48 cases of fp16 fma --all in one run are refused; a shard of them is fine
bounded "row 3: verify fp16 fma --all" 2 $FMTLAB verify fp16 fma --impl "$F16LIB:f16_add" --all
one_line "2^40"
# Row 4: line length cap on vector files
bounded "row 4: verify --vectors /dev/zero" 2 $FMTLAB verify fp16 add --vectors /dev/zero
one_line "/dev/zero:1"
bounded "row 4: a 300 MB comment line" 2 sh -c "{ printf '#'; head -c 300000000 /dev/zero | tr '\\\\0' x; } | $FMTLAB verify fp16 add --vectors -"
one_line "longer than"
# Row 5: no partial output file on any error path
( cd "$w" && { printf '1 2 '; head -c 5000 /dev/zero | tr '\0' 9; echo; } > in )
bounded "row 5: round, a 5000-digit value on stdin, -o" 2 sh -c "cd '$w' && $(cd "$(dirname "$FMTLAB")" && pwd)/$(basename "$FMTLAB") round fp16 --output out.txt < in"
one_line "value 3"
clean "row 5" "in"
rm -f "$w/in"
bounded "row 5: round, a bad value, -o" 2 $FMTLAB round fp16 1 zz -o "$w/out.txt"
clean "row 5, bad value" ""
bounded "row 5: verify --vectors, a bad line (nothing written)" 2 sh -c "printf '3C00 3C00 4000 00\nzz\n' | $FMTLAB verify fp16 add --vectors -"
# interrupted while writing: the temporary file goes too
$FMTLAB values fp64 --range 0:ffffffffff -o "$w/big.txt" & pid=$!
sleep 1; kill -TERM $pid; wait $pid 2>/dev/null
clean "row 5, killed by SIGTERM while writing -o" ""
# Row 6: options anywhere, '--' ends them
bounded "row 6: round fp16 -r rtz 1.7" 0 $FMTLAB round fp16 -r rtz 1.7
same "row 6: round fp16 -r rtz 1.7 is 3ecc" "3ecc 0x1.b3p+0" "$(cat "$tmp/sout")"
bounded "row 6: round fp16 1 -o FILE" 0 $FMTLAB round fp16 1 -o "$w/f.txt"
same "row 6: nothing on stdout" "" "$(cat "$tmp/sout")"
same "row 6: FILE holds the result" "3c00 0x1p+0" "$(cat "$w/f.txt")"
rm -f "$w/f.txt"
same "row 6: negative values stay values" "dcb0 fc00" "$($FMTLAB round fp16 -300 -inf -r rne | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//')"
same "row 6: round -- FORMAT -VALUE" "bc00" "$($FMTLAB round -- fp16 -1 | cut -d' ' -f1)"
bounded "row 6: a bad value among good ones prints nothing" 2 $FMTLAB round fp16 1 2 zz 3
same "row 6: nothing on stdout before the error" "" "$(cat "$tmp/sout")"
# Row 7: a NUL byte in a vector line
bounded "row 7: NUL inside a line" 2 sh -c "printf '3C00 3C00 4000 00\\0garbage\\n' | $FMTLAB verify fp16 add --vectors -"
one_line "NUL"
bounded "row 7: a line starting with NUL" 2 sh -c "printf '\\0003C00 3C00 4000 00\\n' | $FMTLAB verify fp16 add --vectors -"
one_line "-:1"
bounded "row 7: NUL in a block line" 2 sh -c "printf '00000000\\0 00000000\\n' | $FMTLAB blocks mxfp4"
one_line "NUL"
bounded "row 7: NUL in a value on stdin" 2 sh -c "printf '1\\0002\\n' | $FMTLAB round fp16"
one_line "NUL"
# Row 10: values streams in flat memory (3 s of fp64 codes; killed by timeout: 124)
# (under AddressSanitizer freed memory waits in a quarantine of 256 MB by default, which
# would read as growth: keep it small so the check sees the program's own memory)
bounded "row 10: values fp64 --range 0:ffffffffffff" 124 \
  env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=16" \
  timeout 3 $FMTLAB values fp64 --range 0:ffffffffffff -o /dev/null
ok "row 10: under 200 MB after 3 s (${rss} KB)" test "$rss" -lt 204800
# Row 11: a subject that crashes, hangs, or exits, on the pair (3c00, 3c00): case
# 0x3c003c00 = 1006648320 of fp16 add --all, in shard 15361 of 65536 (0x3c00 + 1)
for s in segv abort; do
  bounded "row 11: subject bad_$s crashes: exit 1" 1 $FMTLAB verify fp16 add --impl "$BADLIB:bad_$s" --all --shard 15361/65536
  one_line "crashed (signal [0-9]*, .*) on case 1006648320: 3c00 3c00"
done
for s in exit quick_exit; do
  bounded "row 11: subject bad_$s exits: exit 1" 1 $FMTLAB verify fp16 add --impl "$BADLIB:bad_$s" --all --shard 15361/65536
  one_line "called exit (status 0) on case 1006648320: 3c00 3c00"
done
bounded "row 11: subject bad_loop hangs: exit 1 after --timeout 1" 1 $FMTLAB verify fp16 add --impl "$BADLIB:bad_loop" --all --shard 15361/65536 --timeout 1
one_line "did not return .* on case 1006648320: 3c00 3c00"
bounded "row 11: two threads, the crash still named" 1 $FMTLAB verify fp16 add --impl "$BADLIB:bad_segv" --all --shard 15361/65536 --threads 2
one_line "on case 1006648320"
bounded "row 11: the subject's other cases run as before" 0 $FMTLAB verify fp16 add --impl "$F16LIB:f16_add" --random 100000
# Row 12: fp32 --all is refused with exit 2 (and no leak under the sanitizer build)
bounded "row 12: verify fp32 add --all" 2 env ASAN_OPTIONS=detect_leaks=1 $FMTLAB verify fp32 add --impl "$F16LIB:f16_add" --all
one_line "2^64"
# Found by fuzz_vectors: the result format of to_f64 (binary64) was used after it was
# freed when comparing NaNs (the sanitizer build sees it): any NaN matches any NaN
bounded "to_f64: a NaN result with another payload matches" 0 sh -c "printf '7F 7FF8000000000001\\n' | $FMTLAB verify e4m3fn to_f64 --vectors -"
same "to_f64: 1 case, 0 mismatches" "1 cases, 0 mismatches" "$(tail -1 "$tmp/sout")"
# Also: getopt errors are one line; control bytes are escaped; empty parameters; umask
for c in "values fp16 --bogus" "round fp16 -x 1" "verify fp16 add --vectors" "blocks mxfp4 -i" "pack --bits" "gen fp16 add --random"; do
  bounded "one line for a bad option: $c" 2 $FMTLAB $c
  n=$((n + 1))
  if [ "$(wc -l < "$tmp/serr")" -eq 1 ]; then echo "ok $n - one line"; else echo "not ok $n - one line"; sed 's/^/# /' "$tmp/serr"; failed=$((failed + 1)); fi
done
bounded "control bytes in a format name" 2 $FMTLAB values "$(printf 'fp\033[31m16\r')"
ok "the message holds no control byte" sh -c "! LC_ALL=C grep -q '[[:cntrl:]]' '$tmp/serr' && grep -q 'x1b' '$tmp/serr'"
bounded "float:e=16,m=32,, is refused" 2 $FMTLAB info 'float:e=16,m=32,,'
one_line "empty parameter"
bounded "float:e=4,m=3 is fine" 0 $FMTLAB info --no-profile 'float:e=4,m=3'
( umask 022 && $FMTLAB round fp16 1 -o "$w/a.txt" )
( umask 077 && $FMTLAB round fp16 1 -o "$w/b.txt" )
same "-o respects the umask (022, 077)" "644 600" "$(stat -c %a "$w/a.txt") $(stat -c %a "$w/b.txt")"
rm -f "$w/a.txt" "$w/b.txt"
# merge: not a summary, negative counts, a huge file
echo '{"cases": -5, "mismatches": 0}' > "$tmp/neg.json"
bounded "merge: negative cases" 2 $FMTLAB verify --merge "$tmp/neg.json"
one_line "expected 0 <= mismatches <= cases"
printf '[[[[[[[[[[' > "$tmp/bad.json"
bounded "merge: broken JSON" 2 $FMTLAB verify --merge "$tmp/bad.json"
one_line "bad.json"
echo '{"cases": 5, "mismatches": 1, "mismatch_list": 7}' > "$tmp/list.json"
bounded "merge: mismatch_list not an array" 2 $FMTLAB verify --merge "$tmp/list.json"
one_line "mismatch_list"
# pack/unpack: a stream that is not whole groups
bounded "unpack: a bad trailer" 2 sh -c "printf 'abcde\\377' | $FMTLAB unpack --bits 4"
one_line "count byte"
bounded "pack: an endless input (/dev/zero) is refused at 64 MiB" 2 $FMTLAB pack --bits 4 --in /dev/zero
one_line "more than 67108864 bytes"
# blocks: a line too long
bounded "blocks: a 2 MB line" 2 sh -c "head -c 2000000 /dev/zero | tr '\\\\0' 0 | $FMTLAB blocks mxfp4"
one_line "longer than"

# Issue 8, acceptance 6: '--' ends the options of every command; options after FORMAT
printf '02 02 04\n' > "$tmp/e2.txt"
bounded "values -- FORMAT" 0 $FMTLAB values -- e2m1fn
bounded "values FORMAT --csv (option after FORMAT)" 0 $FMTLAB values e2m1fn --csv
bounded "info -- FORMAT" 0 $FMTLAB info --no-profile -- e2m1fn
bounded "round -- FORMAT VALUE" 0 $FMTLAB round -- e2m1fn 1
bounded "ref -- FORMAT OP A B" 0 $FMTLAB ref -- e2m1fn add 2 2
same "ref e2m1fn add 2 2 (1 + 1 = 2)" "4" "$(cat "$tmp/sout")"
bounded "gen --all -- FORMAT OP" 0 $FMTLAB gen --all -- e2m1fn add
bounded "gen FORMAT OP --all (options after)" 0 $FMTLAB gen e2m1fn add --all
bounded "verify --vectors F -- FORMAT OP" 0 $FMTLAB verify --vectors "$tmp/e2.txt" -- e2m1fn add
bounded "verify FORMAT --vectors F OP" 0 $FMTLAB verify e2m1fn --vectors "$tmp/e2.txt" add
printf '3f800000 %.0s' $(seq 32) > "$tmp/blk.txt"; echo >> "$tmp/blk.txt"
bounded "blocks --in F -- FORMAT" 0 $FMTLAB blocks --in "$tmp/blk.txt" -- mxfp4
bounded "pack --bits 4 --" 0 sh -c "printf '\\001\\002' | $FMTLAB pack --bits 4 --"
bounded "unpack --bits 4 --" 0 sh -c "printf '\\001\\002' | $FMTLAB pack --bits 4 | $FMTLAB unpack --bits 4 --"
bounded "formats --" 0 $FMTLAB formats --
# verify --vectors: a code field with extra leading zeros, as long as its value fits
printf '0002 002 00000004\n' > "$tmp/lz.txt"
bounded "verify: leading zeros (0002 for a 4-bit code)" 0 $FMTLAB verify e2m1fn add --vectors "$tmp/lz.txt"
same "verify: 1 case" "1 cases, 0 mismatches" "$(tail -1 "$tmp/sout")"
printf '012 02 04\n' > "$tmp/big.txt"
bounded "verify: 012 does not fit a 4-bit code" 2 $FMTLAB verify e2m1fn add --vectors "$tmp/big.txt"
one_line "does not fit a 4-bit code"
clean "at the end" ""
tap_done
