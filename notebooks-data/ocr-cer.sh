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
out=$1; n=${2:-200}; seed=${3:-1}
cache=${FMTLAB_DATA:-$here/cache}
fmtlab=${FMTLAB:-$here/../fmtlab}
model=$cache/models/ch_PP-OCRv4_rec_infer.onnx
[ -n "$out" ] || { echo "usage: ocr-cer.sh OUTDIR [N] [SEED]" >&2; exit 2; }
[ -f "$model" ] && [ -d "$cache/recorder/node_modules/onnxruntime-web" ] \
  || { echo "ocr-cer.sh: $cache lacks the recognizer or onnxruntime-web (./quickstart fetches them)" >&2; exit 2; }
mkdir -p "$out/lines" "$out/decoded"
/usr/bin/python3 - "$out/lines/texts.json" "$n" "$seed" <<'PYEOF'
import json, random, sys
path, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
words = ("exact format bits value round nearest even posit float integer scale block tensor "
         "model layer weight error signal noise ratio table chart paper study result data "
         "number range level sample speech text line image the of and to in for with").split()
seen, texts = set(), []
while len(texts) < n:
    parts = [rng.choice(words) for _ in range(rng.randint(2, 5))]
    if rng.random() < 0.5: parts.insert(rng.randint(0, len(parts)), str(rng.randint(0, 9999)))
    if rng.random() < 0.3: parts[0] = parts[0].capitalize()
    t = " ".join(parts) + rng.choice(["", ".", ",", ":", "!"])
    if t not in seen: seen.add(t); texts.append(t)
json.dump(texts, open(path, "w"), ensure_ascii=False)
PYEOF
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
