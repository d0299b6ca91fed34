# shellcheck shell=bash disable=SC2034  # sourced: models and specs are used by the scripts
# accuracy-lib.sh -- sourced by ocr-cer.sh and vad-agree.sh (doc/studies.md): the candidate
# models and the result table.  The scripts set here (their directory).

# accuracy_setup SCRIPT MODEL DEFAULT_N TOOLS OUTDIR [N] [SEED]: sets out, n, seed, cache
# (FMTLAB_DATA or notebooks-data/cache), fmtlab (FMTLAB or the tree's) and model
# (cache/models/MODEL); a one-line message and exit 2 when an argument, the data or one
# of TOOLS is missing.
accuracy_setup() {
  local script=$1 name=$2 tool
  out=$5; n=${6:-$3}; seed=${7:-1}
  cache=${FMTLAB_DATA:-$here/cache}
  fmtlab=${FMTLAB:-$here/../fmtlab}
  model=$cache/models/$name
  [ -n "$out" ] || { echo "usage: $script OUTDIR [N] [SEED]" >&2; exit 2; }
  [ -f "$model" ] && [ -d "$cache/recorder/node_modules/onnxruntime-web" ] \
    || { echo "$script: $cache lacks $name or onnxruntime-web (./quickstart fetches them)" >&2; exit 2; }
  for tool in node $4; do
    command -v "$tool" > /dev/null || { echo "$script: $tool not found (./quickstart installs it)" >&2; exit 2; }
  done
}

# The candidates: FORMATS, FORMAT/SCALE/GRANULARITY as fmtlab quantize takes them.
default_formats="int8/absmax/tensor int8/absmax/channel:0 e4m3fn/absmax/tensor mxfp4/none/tensor
  posit8es1/absmax/tensor lp6es0rs5/absmax/channel:0"

# quantize_candidates MODEL PREFIX: models=(MODEL, then each candidate OUTDIR/PREFIX_*.onnx)
# and specs=(their key columns format,scale,granularity; the float model's is float).
quantize_candidates() {
  local model=$1 prefix=$2 f fmt sc gr q
  models=("$model")
  specs=(float,none,tensor)
  for f in ${FORMATS:-$default_formats}; do
    IFS=/ read -r fmt sc gr <<< "$f"
    q=$out/${prefix}_$(printf '%s' "$f" | sed 's/[^A-Za-z0-9_.-]/_/g').onnx
    # a model quantized by an earlier run into OUTDIR is reused when newer than the float
    # model (remove OUTDIR after changing fmtlab's rounding)
    if [ ! "$q" -nt "$model" ]; then
      "$fmtlab" quantize "$fmt" --scale "$sc" --granularity "$gr" --in "$model" --out "$q" >&2
    fi
    models+=("$q")
    specs+=("\"$fmt\",$sc,$gr")
  done
}

# finish_table NAME HEADER VALUES: OUTDIR/NAME.csv from the runner's OUTDIR/NAME.js.csv (one
# row per model, in the order of models), each row led by the float model's sha256, its
# key columns and VALUES (columns HEADER); merged into $ACCURACY_CACHE/NAME.csv when set.
finish_table() {
  local name=$1 header=$2 values=$3 sha i=0 row
  sha=$(sha256sum "${models[0]}" | cut -d' ' -f1)
  { echo "model_sha256,format,scale,granularity,$header,$(head -n1 "$out/$name.js.csv")"
    tail -n +2 "$out/$name.js.csv" | while IFS= read -r row; do
      echo "$sha,${specs[i]},$values,$row"
      i=$((i + 1))
    done; } > "$out/$name.csv"
  rm -f "$out/$name.js.csv"
  cat "$out/$name.csv"
  if [ -n "${ACCURACY_CACHE:-}" ]; then
    /usr/bin/python3 "$here/accuracy_cache.py" "$ACCURACY_CACHE/$name.csv" "$out/$name.csv"
  fi
}
