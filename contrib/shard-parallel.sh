#!/bin/bash
# shard-parallel.sh -- spread one 'fmtlab verify' job over N shards with GNU parallel (on
# this machine, or on several with parallel's --sshlogin), then merge the shard summaries.
#
#   contrib/shard-parallel.sh N OUTDIR VERIFY-ARGS...
#
# runs 'fmtlab verify VERIFY-ARGS --shard K/N --json' for K = 1..N (parallel -j, default
# one job per core: set PARALLEL_JOBS), each writing OUTDIR/shard-K.json, then
# 'fmtlab verify --merge OUTDIR/shard-*.json' (exit 0 iff no mismatch in any shard).
# Each shard is a contiguous range of cases, so the union covers every case exactly once.
# FMTLAB names the command (default: fmtlab on PATH).  Example, every pair of fp16 add
# over 64 shards on the hosts in ~/hosts (parallel --sshloginfile):
#   PARALLEL_OPTS="--sshloginfile $HOME/hosts" contrib/shard-parallel.sh 64 out \
#     fp16 add --impl /shared/libmyf16.so:f16_add --all --threads 1
set -eu
[ $# -ge 3 ] || { echo "usage: shard-parallel.sh N OUTDIR VERIFY-ARGS..." >&2; exit 2; }
n=$1 out=$2
shift 2
case $n in ''|*[!0-9]*|0) echo "shard-parallel.sh: N must be a positive integer, not '$n'" >&2; exit 2;; esac
fmtlab=${FMTLAB:-fmtlab}
mkdir -p "$out"
# shellcheck disable=SC2086
seq 1 "$n" | parallel ${PARALLEL_OPTS:-} -j "${PARALLEL_JOBS:-100%}" --halt now,fail=1 \
  "$fmtlab verify $(printf '%q ' "$@") --shard {}/$n --json > $(printf '%q' "$out")/shard-{}.json.tmp 2> /dev/null; \
   s=\$?; [ \$s -le 1 ] && mv $(printf '%q' "$out")/shard-{}.json.tmp $(printf '%q' "$out")/shard-{}.json; [ \$s -le 1 ]"
exec "$fmtlab" verify --merge "$out"/shard-*.json
