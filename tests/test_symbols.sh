#!/bin/bash
# test_symbols.sh -- libfmtlab.so exports only its documented public API: every name in its
# dynamic symbol table (nm -D) must be declared as a call in an installed header
# include/fmtlab/*.h.  The declared names are read here from the headers themselves (C
# comments removed, a name counts when "NAME (" appears with a return type before it on the
# same declaration), not from the version script the build generates.  TAP output.
srcdir=${srcdir:-.}
. "$srcdir/tests/tap.sh"

so=.libs/libfmtlab.so
ok "the shared library is built" test -f "$so"
nm -D --defined-only "$so" | awk '$2 != "A" {print $3}' | sed 's/@.*//' | LC_ALL=C sort -u > "$tmp/exported"
ok "nm -D lists exported names" test -s "$tmp/exported"

# declarations: strip comments, join lines, split at ';' and '{', keep "TYPE fl_name (" heads
declared_calls () {   # the fl_ calls the header files "$@" declare, sorted
  perl -0777 -ne 's{/\*.*?\*/}{}gs; s{//[^\n]*}{}g; s/\s+/ /g;
    for (split /[;{}]/) { print "$1\n" if /\b(?:void|int|unsigned|long|double|float|char|size_t|u?int\d+_t|fl_\w+|mpfr_\w+)\b[\s*]*(fl_[a-z0-9_]+) ?\(/ }' \
    "$@" | LC_ALL=C sort -u
}
declared_calls "$srcdir"/include/fmtlab/*.h > "$tmp/declared"
ok "the headers declare calls" test -s "$tmp/declared"

stray=$(LC_ALL=C comm -23 "$tmp/exported" "$tmp/declared" | tr '\n' ' ')
same "every exported name is declared in include/fmtlab/*.h" "" "$stray"
# and the other way round for the core calls a user links against
for f in fl_format_parse fl_encode fl_decode fl_quantize_doubles fl_block_parse fl_version; do
  ok "$f is exported" grep -qx "$f" "$tmp/exported"
done
# the other way round for every installed header (FMTLAB_INSTALLED_HEADERS, from the
# Makefile): each call it declares is exported, so an installed user can link it; a header
# of a convenience library (io/, analysis/, studies) must not be installed
if [ -n "$FMTLAB_INSTALLED_HEADERS" ]; then
  for h in $FMTLAB_INSTALLED_HEADERS; do
    declared_calls "$srcdir/$h" > "$tmp/inst"
    unlinkable=$(LC_ALL=C comm -23 "$tmp/inst" "$tmp/exported" | tr '\n' ' ')
    same "every call $h declares is in libfmtlab.so" "" "$unlinkable"
  done
else
  echo "# FMTLAB_INSTALLED_HEADERS unset (run through make check): installed headers not checked"
fi
internal=$(grep -c '^fl_\(x_\|bx_\|mx_\|rng_\|p2sum_\|float_ops\|mag_\)' "$tmp/exported")
same "no internal helper (fl_x_*, fl_bx_*, fl_mx_*, fl_rng_*, fl_p2sum_*, ops tables) exported" 0 "$internal"
# every exported call is exercised by the MPFR-state test
missing=""
while read -r f; do
  grep -q "\b$f (" "$srcdir/tests/test_mpfr_state.c" || missing="$missing $f"
done < "$tmp/exported"
same "tests/test_mpfr_state.c calls every exported function" "" "$missing"
tap_done
