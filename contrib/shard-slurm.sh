#!/bin/bash
# shard-slurm.sh -- one 'fmtlab verify' job as a Slurm job array, one shard per task:
#
#   sbatch --array=1-64 contrib/shard-slurm.sh OUTDIR VERIFY-ARGS...
#   # when the array is done:
#   fmtlab verify --merge OUTDIR/shard-*.json
#
# Task K runs 'fmtlab verify VERIFY-ARGS --shard K/N --json' with N the array's task count
# (SLURM_ARRAY_TASK_COUNT; the array must be 1-N) and writes OUTDIR/shard-K.json (renamed
# into place when complete, so a killed task leaves no summary and --merge misses it
# visibly).  Exit status 0 or 1 (mismatches) both mean the shard ran.
#SBATCH --job-name=fmtlab-verify
#SBATCH --cpus-per-task=2
#SBATCH --time=01:00:00
set -eu
[ $# -ge 2 ] || { echo "usage: sbatch --array=1-N shard-slurm.sh OUTDIR VERIFY-ARGS..." >&2; exit 2; }
out=$1
shift
k=${SLURM_ARRAY_TASK_ID:?run under sbatch --array=1-N}
n=${SLURM_ARRAY_TASK_COUNT:?run under sbatch --array=1-N}
mkdir -p "$out"
s=0
"${FMTLAB:-fmtlab}" verify "$@" --threads "${SLURM_CPUS_PER_TASK:-1}" --shard "$k/$n" --json \
  > "$out/shard-$k.json.tmp" || s=$?
[ "$s" -le 1 ] || exit "$s"
mv "$out/shard-$k.json.tmp" "$out/shard-$k.json"
