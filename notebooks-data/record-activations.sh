#!/usr/bin/env bash
# record-activations.sh -- activations of PP-OCRv4 (recognizer, detector) and Silero VAD v5
# recorded under onnxruntime-web 1.20.1 (npm, wasm) in Node, on inputs made here: a line of
# text rendered by ImageMagick with DejaVu Sans, and speech synthesised by espeak-ng (16 kHz
# through sox) followed by silence.  Output: cache/activations/MODEL/*.npy, one MANIFEST line
# each, and cache/activations/results.json (OCR decode, detector and VAD checks) that
# tests/test_data.sh reads.  Needs the models of fetch-ppocr.sh and fetch-silero.sh.
# Exit status: 0 in place, 75 a registry (npm) or a model source did not answer (notice),
# 1 error.  See doc/data.md.
# shellcheck source=notebooks-data/lib.sh
source "$(dirname "$0")/lib.sh"

source_key=activations
text=${FMTLAB_OCR_TEXT:-Exact formats, 8 bits: 0.125}
speech_text=${FMTLAB_VAD_TEXT:-Exact number formats for quantized neural networks.}
rec_dir=$cache/recorder
results=activations/results.json
models=(ch_PP-OCRv4_rec_infer.onnx ch_PP-OCRv4_det_infer.onnx silero_vad_v5.onnx)

for m in "${models[@]}" ppocr_keys_v1.txt; do
  if [ ! -f "$cache/models/$m" ]; then
    why=$(cat "$cache/status/ppocr" "$cache/status/silero" 2>/dev/null | grep -m1 offline || true)
    [ -n "$why" ] && offline "$source_key" "no models to run (${why#offline: })"
    die "cache/models/$m missing: run fetch-ppocr.sh and fetch-silero.sh first"
  fi
done
for tool in node npm espeak-ng sox "$PY"; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found (./quickstart installs it)"
done
# /usr/bin/convert: Debian's ImageMagick, by its full name.
convert=${FMTLAB_CONVERT:-/usr/bin/convert}
[ -x "$convert" ] || die "$convert not found (Debian package imagemagick)"

# Cached: the results and every recorded file match their MANIFEST lines, and the results
# were recorded from the models and the recorder files now in place.
stamp() {
  { for m in "${models[@]}" ppocr_keys_v1.txt; do sha256_of "$cache/models/$m"; done
    cat "$data_dir"/recorder/record.js "$data_dir"/recorder/package-lock.json \
        "$data_dir"/onnx_expose.py "$data_dir"/make_inputs.py "$data_dir"/finish_activations.py
    printf '%s\n%s\n' "$text" "$speech_text"; } | sha256sum | cut -d' ' -f1
}
want_stamp=$(stamp)
if [ -f "$cache/$results" ] && [ -f "$cache/activations/STAMP" ] \
   && [ "$(cat "$cache/activations/STAMP")" = "$want_stamp" ]; then
  mapfile -t recorded < <(awk -F' [|] ' '$1 ~ /^activations\// { print $1 }' "$manifest")
  if [ ${#recorded[@]} -gt 0 ] && cached "${recorded[@]}"; then
    mark_ok "$source_key"
    note "activations cached (${#recorded[@]} files)"
    exit 0
  fi
fi

start=$(date +%s)
# onnxruntime-web, pinned by recorder/package-lock.json, installed with npm ci into the cache.
mkdir -p "$rec_dir"
if ! cmp -s "$data_dir/recorder/package-lock.json" "$rec_dir/package-lock.json" \
   || [ ! -f "$rec_dir/node_modules/onnxruntime-web/package.json" ]; then
  cp "$data_dir/recorder/package.json" "$data_dir/recorder/package-lock.json" "$rec_dir/"
  if ! (cd "$rec_dir" && timeout "${FMTLAB_FETCH_TIMEOUT:-300}" npm ci --ignore-scripts \
          --no-audit --no-fund --loglevel=error > "$rec_dir/npm.log" 2>&1); then
    rm -f "$rec_dir/package-lock.json"
    offline "$source_key" "npm registry did not answer for onnxruntime-web ($(tail -n1 "$rec_dir/npm.log"))"
  fi
fi
cp "$data_dir/recorder/record.js" "$rec_dir/record.js"
recorder=$rec_dir/record.js

work=$(mktemp -d "${TMPDIR:-/tmp}/fmtlab-activations.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Inputs the project makes itself.  Text: DejaVu Sans, black on white; the recognizer's line
# is 48 pixels high (its input height), the detector's canvas 640x96.
"$convert" -background white -fill black -font DejaVu-Sans -pointsize 40 label:"$text" \
  -bordercolor white -border 12x8 -resize x48 -colorspace Gray -depth 8 "pgm:$work/rec.pgm" \
  || die "ImageMagick could not render the text line"
"$convert" -background white -fill black -font DejaVu-Sans -pointsize 28 label:"$text" \
  -gravity center -extent 640x96 -colorspace Gray -depth 8 "pgm:$work/det.pgm" \
  || die "ImageMagick could not render the detector's image"
espeak-ng -v en-us -s 150 -w "$work/speech-22k.wav" "$speech_text" || die "espeak-ng failed"
sox "$work/speech-22k.wav" -r 16000 -c 1 -b 16 "$work/speech.wav" || die "sox could not resample"
"$PY" "$data_dir/make_inputs.py" "$work" || die "make_inputs.py failed"

# Rewrite the graphs (tensors out as graph outputs) and run them; everything goes to a
# staging directory moved into place at the end: never a half-recorded set.
stage=$work/activations
mkdir -p "$stage/ppocr_v4_rec" "$stage/ppocr_v4_det" "$stage/silero_vad_v5"
"$PY" "$data_dir/onnx_expose.py" "$cache/models/ch_PP-OCRv4_rec_infer.onnx" \
  "$work/rec.onnx" "$work/rec_save.json" || die "rewriting the recognizer failed"
"$PY" "$data_dir/onnx_expose.py" "$cache/models/ch_PP-OCRv4_det_infer.onnx" \
  "$work/det.onnx" "$work/det_save.json" || die "rewriting the detector failed"
"$PY" "$data_dir/onnx_expose.py" "$cache/models/silero_vad_v5.onnx" \
  "$work/vad.onnx" "$work/vad_save.json" --probe "$recorder" "$work/vad_probe_feeds.json" \
  || die "rewriting Silero VAD failed"
node "$recorder" single "$work/rec.onnx" "$work/rec_feeds.json" "$work/rec_save.json" \
  "$stage/ppocr_v4_rec" || die "running the recognizer failed"
node "$recorder" single "$work/det.onnx" "$work/det_feeds.json" "$work/det_save.json" \
  "$stage/ppocr_v4_det" || die "running the detector failed"
node "$recorder" vad "$work/vad.onnx" "$cache/models/silero_vad_v5.onnx" "$work/vad_audio.npy" \
  "$work/vad_save.json" "$stage/silero_vad_v5" || die "running Silero VAD failed"
versions=$(node "$recorder" versions)

"$PY" "$data_dir/finish_activations.py" "$work" "$cache" "$text" "$speech_text" "$versions" \
  "$(espeak-ng --version | head -n1)" "$("$convert" -version | head -n1)" \
  || die "finishing the recorded activations failed"
rm -rf "${cache:?}/activations"
mv "$stage" "$cache/activations"
manifest_replace activations/ "$work/manifest.lines"
printf '%s\n' "$want_stamp" > "$cache/activations/STAMP"
mark_ok "$source_key"
note "activations recorded in $(( $(date +%s) - start )) s under $cache/activations/"
