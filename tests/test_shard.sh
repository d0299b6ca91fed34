#!/bin/bash
# test_shard.sh -- the GNU parallel scale-out recipe (contrib/shard-parallel.sh) run here on
# 4 shards: the merged summary equals the whole run, the shards' case counts add up to it
# (contiguous ranges: every case exactly once), and a shard's mismatches are kept.  The
# expected totals are the case counts themselves (2^16 unary fp16 operands; --random R).
FMTLAB=${FMTLAB:-./fmtlab}
srcdir=${srcdir:-.}
F16LIB=${F16LIB:-tests/.libs/libf16.so}
. "$srcdir/tests/tap.sh"
recipe="$srcdir/contrib/shard-parallel.sh"
if ! command -v parallel > /dev/null; then
  echo "ok $((n = n + 1)) - # SKIP GNU parallel not installed"
elif [ ! -f "$F16LIB" ]; then
  echo "ok $((n = n + 1)) - # SKIP $F16LIB not built"
else
  export FMTLAB PARALLEL_JOBS=2
  status "4 shards of fp16 sqrt --all, merged" 0 \
    "$recipe" 4 "$tmp/a" fp16 sqrt --impl "$F16LIB:f16_sqrt" --all --threads 1
  same "the merge covers 2^16 cases" "65536 cases, 0 mismatches" "$(tail -1 "$tmp/sout")"
  sum=0
  for k in 1 2 3 4; do
    c=$(sed -n 's/^ *"cases": \([0-9]*\).*/\1/p' "$tmp/a/shard-$k.json")
    sum=$((sum + ${c:-0}))
  done
  same "the shards' cases add up to 2^16 (each case once)" 65536 "$sum"
  files=("$tmp"/a/shard-*.json) temps=("$tmp"/a/*.tmp)
  same "four shard summaries, no temporary left" "4 0" \
    "${#files[@]} $([ -e "${temps[0]}" ] && echo "${#temps[@]}" || echo 0)"
  whole=$($FMTLAB verify fp16 add --impl "$F16LIB:f16_add_wrongties" --random 40000 --seed 9 \
          --threads 1 2> /dev/null | tail -1)
  status "4 shards with mismatches: exit 1" 1 \
    "$recipe" 4 "$tmp/b" fp16 add --impl "$F16LIB:f16_add_wrongties" --random 40000 --seed 9 \
    --threads 1
  same "the merge equals the whole run" "$whole" "$(tail -1 "$tmp/sout")"
  status "N must be a number" 2 "$recipe" x "$tmp/c" fp16 sqrt --all
fi
tap_done
