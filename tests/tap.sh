# tap.sh -- TAP helpers sourced by the CLI test scripts: ok, same, status, one_line.
# The caller sets FMTLAB; this file sets n, failed and tmp (removed on exit).
n=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok () {   # ok DESCRIPTION COMMAND...   -- passes when the command succeeds
  desc=$1; shift
  n=$((n + 1))
  if "$@" > "$tmp/out" 2>&1; then echo "ok $n - $desc"
  else echo "not ok $n - $desc"; sed 's/^/# /' "$tmp/out" | head -20; failed=$((failed + 1)); fi
}
same () {  # same DESCRIPTION EXPECTED ACTUAL
  n=$((n + 1))
  if [ "$2" = "$3" ]; then echo "ok $n - $1"
  else echo "not ok $n - $1"; echo "# expected: $2"; echo "# got:      $3"; failed=$((failed + 1)); fi
}
status () {  # status DESCRIPTION EXPECTED-STATUS COMMAND...   (output in $tmp/sout, $tmp/serr)
  desc=$1; want=$2; shift 2
  "$@" > "$tmp/sout" 2> "$tmp/serr"; got=$?
  same "$desc (exit $want)" "$want" "$got"
}
one_line () {  # the last error message is one line naming WORD
  n=$((n + 1))
  if [ "$(wc -l < "$tmp/serr")" -eq 1 ] && grep -q -- "$1" "$tmp/serr"; then echo "ok $n - message names '$1'"
  else echo "not ok $n - message names '$1'"; sed 's/^/# /' "$tmp/serr"; failed=$((failed + 1)); fi
}
# finish: the plan line and the exit status
tap_done () {
  echo "1..$n"
  [ "$failed" -eq 0 ]
}
