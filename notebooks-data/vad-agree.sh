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
accuracy_setup vad-agree.sh silero_vad_v5.onnx 8 "espeak-ng sox" "$@"
mkdir -p "$out/audio"
/usr/bin/python3 "$here/accuracy_texts.py" sentences "$n" "$seed" > "$out/audio/texts.txt"
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
