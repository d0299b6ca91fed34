#!/bin/bash
# vad-agree.sh OUTDIR [N] [SEED] -- accuracy end to end for Silero VAD v5: N (default 8)
# utterances synthesised by espeak-ng (en-us, 150 words a minute, resampled to 16 kHz mono
# 16-bit by sox, as record-activations.sh makes its speech, with a seeded dither): the
# recorder's sentence, then N-1 distinct seeded sentences of 4-9 words; each utterance is
# 0.5 s of silence, the speech and 1.5 s of silence.  Silero is quantized with 'fmtlab quantize' to each candidate format
# (FORMATS, FORMAT/SCALE/GRANULARITY) and run under onnxruntime-web (vad-agree.js): frame
# decisions (p > 0.5) compared with the float model's on its speech and silence frames, and
# max |p - p_float|.  Writes OUTDIR/vad.csv (the float model's row has format 'float'); with
# ACCURACY_CACHE=DIR also merges the rows into DIR/vad.csv, the table 'fmtlab study' reads
# (doc/studies.md).
set -e
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=notebooks-data/accuracy-lib.sh
source "$here/accuracy-lib.sh"
out=$1; n=${2:-8}; seed=${3:-1}
cache=${FMTLAB_DATA:-$here/cache}
fmtlab=${FMTLAB:-$here/../fmtlab}
model=$cache/models/silero_vad_v5.onnx
[ -n "$out" ] || { echo "usage: vad-agree.sh OUTDIR [N] [SEED]" >&2; exit 2; }
[ -f "$model" ] && [ -d "$cache/recorder/node_modules/onnxruntime-web" ] \
  || { echo "vad-agree.sh: $cache lacks Silero VAD or onnxruntime-web (./quickstart fetches them)" >&2; exit 2; }
for tool in espeak-ng sox node; do
  command -v "$tool" > /dev/null || { echo "vad-agree.sh: $tool not found (./quickstart installs it)" >&2; exit 2; }
done
mkdir -p "$out/audio"
/usr/bin/python3 - "$out/audio/texts.txt" "$n" "$seed" <<'PYEOF'
import random, sys
path, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
words = ("exact format bits value round nearest even posit float integer scale block tensor "
         "model layer weight error signal noise ratio table chart paper study result data "
         "number range level sample speech text line image the of and to in for with").split()
texts = ["Exact number formats for quantized neural networks."]  # record-activations.sh's
while len(texts) < n:
    t = " ".join(rng.choice(words) for _ in range(rng.randint(4, 9))).capitalize() + "."
    if t not in texts: texts.append(t)
open(path, "w").write("\n".join(texts) + "\n")
PYEOF
rate=16000
k=0
while IFS= read -r text; do
  espeak-ng -v en-us -s 150 -w "$out/audio/utt-$k-22k.wav" "$text"
  # 0.5 s of silence before the speech, 1.5 s after (the recorder's), as 16-bit raw; -R:
  # sox's dither with a fixed seed, so that the same texts give the same samples
  sox -R "$out/audio/utt-$k-22k.wav" -r $rate -c 1 -b 16 -e signed-integer -t raw "$out/audio/utt-$k.raw" \
    pad 0.5 1.5
  rm -f "$out/audio/utt-$k-22k.wav"
  k=$((k + 1))
done < "$out/audio/texts.txt"
/usr/bin/python3 - "$out/audio" "$k" <<'PYEOF'
import json, os, sys
d, k = sys.argv[1], int(sys.argv[2])
json.dump([{"file": f"utt-{i}.raw", "samples": os.path.getsize(f"{d}/utt-{i}.raw") // 2}
           for i in range(k)], open(f"{d}/utterances.json", "w"))
PYEOF
quantize_candidates "$model" vad
NODE_PATH=$cache/recorder/node_modules node "$here/vad-agree.js" "$out/audio" "${models[@]}" > "$out/vad.js.csv"
finish_table vad seed,utterances "$seed,$k"
