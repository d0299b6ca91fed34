#!/bin/bash
# test_data_lib.sh -- the MANIFEST helpers of notebooks-data/lib.sh (doc/data.md) on a
# scratch cache: manifest_put replaces one path's line, manifest_replace every line under a
# prefix, cached checks the sha256.  TAP output.  Known answer: sha256 ("abc") from FIPS
# 180-2, appendix B.1.
srcdir=${srcdir:-.}
. "$srcdir/tests/tap.sh"

abc=ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
# lib: run the helpers in a child bash (lib.sh sets -euo pipefail) on the scratch cache
lib () {
  FMTLAB_DATA_CACHE=$tmp/cache bash -c '. "$1"; shift; "$@"' lib "$srcdir/notebooks-data/lib.sh" "$@"
}
paths () { grep -v '^#' "$tmp/cache/MANIFEST" | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//'; }

mkdir -p "$tmp/cache/sub"
printf abc > "$tmp/cache/a"
printf abc > "$tmp/cache/ab"
printf x > "$tmp/cache/sub/b"
ok "manifest_put on a new cache" lib manifest_put a src1 MIT "npm pack"
same "two header lines" 2 "$(grep -c '^#' "$tmp/cache/MANIFEST")"
same "the line of a, sha256 of 'abc'" "a | src1 | MIT | npm pack | $abc" "$(tail -n1 "$tmp/cache/MANIFEST")"
ok "manifest_put ab" lib manifest_put ab src2 MIT copy
ok "manifest_put a again" lib manifest_put a src3 MIT copy
same "a replaced, ab kept (a path, not a prefix)" "ab a" "$(paths)"
same "a's new line" "a | src3 | MIT | copy | $abc" "$(grep '^a ' "$tmp/cache/MANIFEST")"
ok "manifest_put sub/b" lib manifest_put sub/b src4 GPL copy
printf 'sub/c | s | GPL | made | 0\nsub/d | s | GPL | made | 1\n' > "$tmp/lines"
ok "manifest_replace sub/" lib manifest_replace sub/ "$tmp/lines"
same "every sub/ line replaced, the others kept" "ab a sub/c sub/d" "$(paths)"
same "header kept" 2 "$(grep -c '^#' "$tmp/cache/MANIFEST")"
ok "cached a ab" lib cached a ab
printf abd > "$tmp/cache/a"
status "cached: an altered file" 1 lib cached a
status "cached: a file without a line" 1 lib cached sub/b
same "no temporary file left" "" "$(ls -A "$tmp/cache" | grep MANIFEST\\.)"
tap_done
