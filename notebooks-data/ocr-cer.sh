#!/bin/bash
# ocr-cer.sh OUTDIR [N] [SEED] -- accuracy end to end: render N (default 200) distinct text
# lines (seeded word sequences, numbers and punctuation; DejaVu Sans, 48 pixels high, as
# record-activations.sh renders its line), quantize the PP-OCRv4 recognizer with
# 'fmtlab quantize' to each candidate format, and measure every model's character error
# rate under onnxruntime-web (ocr-cer.js) against the float model's.  Writes OUTDIR/cer.csv
# (one row per model; the float model's row has format 'float') and OUTDIR/decoded/ (each
# model's decoded lines); with ACCURACY_CACHE=DIR also merges the rows into DIR/cer.csv,
# the table 'fmtlab study' reads (doc/studies.md).
set -e
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=notebooks-data/accuracy-lib.sh
source "$here/accuracy-lib.sh"
accuracy_setup ocr-cer.sh ch_PP-OCRv4_rec_infer.onnx 200 /usr/bin/convert "$@"
mkdir -p "$out/lines" "$out/decoded"
/usr/bin/python3 "$here/accuracy_texts.py" lines "$n" "$seed" > "$out/lines/texts.json"
k=0
/usr/bin/python3 -c "import json,sys; print('\n'.join(json.load(open(sys.argv[1]))))" "$out/lines/texts.json" |
while IFS= read -r text; do
  /usr/bin/convert -background white -fill black -font DejaVu-Sans -pointsize 40 label:"$text" \
    -bordercolor white -border 12x8 -resize x48 -colorspace Gray -depth 8 "pgm:$out/lines/line-$k.pgm"
  k=$((k + 1))
done
quantize_candidates "$model" rec
NODE_PATH=$cache/recorder/node_modules OCR_CER_DECODED=$out/decoded \
  node "$here/ocr-cer.js" "$out/lines" "$cache/models/ppocr_keys_v1.txt" "${models[@]}" > "$out/cer.js.csv"
finish_table cer seed "$seed"
