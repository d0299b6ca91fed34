"""make_inputs.py WORK_DIR -- the models' inputs, from files the recorder made in WORK_DIR.

Reads WORK_DIR/rec.pgm (the text line rendered 48 pixels high), WORK_DIR/det.pgm (the same
text on a canvas whose sides are multiples of 32) and WORK_DIR/speech.wav (espeak-ng,
resampled to 16 kHz mono 16-bit by sox), and writes into WORK_DIR:
  rec_x.npy [1,3,48,W]  PP-OCR recognizer normalisation: (v/255 - 0.5) / 0.5
  det_x.npy [1,3,H,W]   PP-OCR detector normalisation: (v/255 - mean) / std, ImageNet's
  vad_audio.npy [N]     float32 in [-1, 1): the speech, then SILENCE_S seconds of zeros
  vad_probe_*.npy       the first Silero frame (576 samples), zero state and sr, to decide
                        which If branches run (onnx_expose.py --probe)
  rec_feeds.json det_feeds.json vad_probe_feeds.json  inputs.json (layout of the audio)
"""
import json
import os
import sys
import wave

import numpy as np

RATE = 16000
SILENCE_S = 1.5
FRAME, CONTEXT = 512, 64


def read_pgm(path):
    data = open(path, "rb").read()
    fields, pos = [], 0
    while len(fields) < 4:        # magic, width, height, maxval; '#' comments skipped
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    pos += 1
    if fields[0] != b"P5" or int(fields[3]) != 255:
        raise SystemExit("make_inputs.py: %s: not an 8-bit binary PGM" % path)
    w, h = int(fields[1]), int(fields[2])
    return np.frombuffer(data, np.uint8, w * h, pos).reshape(h, w)


def save(work, name, arr):
    np.save(os.path.join(work, name), arr)


def main():
    work = sys.argv[1]
    rec = read_pgm(os.path.join(work, "rec.pgm")).astype(np.float32)
    rec_x = np.repeat(((rec / 255.0 - 0.5) / 0.5)[None, None], 3, axis=1).astype(np.float32)
    save(work, "rec_x.npy", rec_x)

    det = read_pgm(os.path.join(work, "det.pgm")).astype(np.float32)
    if det.shape[0] % 32 or det.shape[1] % 32:
        raise SystemExit("make_inputs.py: det.pgm is %dx%d, not multiples of 32" % det.shape[::-1])
    mean = np.array([0.485, 0.456, 0.406], np.float32)[:, None, None]
    std = np.array([0.229, 0.224, 0.225], np.float32)[:, None, None]
    det_x = ((det[None] / 255.0 - mean) / std)[None].astype(np.float32)
    save(work, "det_x.npy", det_x)

    with wave.open(os.path.join(work, "speech.wav"), "rb") as w:
        if (w.getframerate(), w.getnchannels(), w.getsampwidth()) != (RATE, 1, 2):
            raise SystemExit("make_inputs.py: speech.wav is not 16 kHz mono 16-bit")
        speech = np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float32) / 32768.0
    # Whole frames of speech, then the silence, then whole frames again.
    speech = np.concatenate([speech, np.zeros((-len(speech)) % FRAME, np.float32)])
    silence = np.zeros(int(SILENCE_S * RATE) // FRAME * FRAME, np.float32)
    audio = np.concatenate([speech, silence]).astype(np.float32)
    save(work, "vad_audio.npy", audio)
    save(work, "vad_probe_input.npy",
         np.concatenate([np.zeros(CONTEXT, np.float32), audio[:FRAME]])[None])
    save(work, "vad_probe_state.npy", np.zeros((2, 1, 128), np.float32))
    save(work, "vad_probe_sr.npy", np.array(RATE, np.int64))

    feeds = {"rec_feeds.json": {"x": "rec_x.npy"}, "det_feeds.json": {"x": "det_x.npy"},
             "vad_probe_feeds.json": {"input": "vad_probe_input.npy",
                                      "state": "vad_probe_state.npy", "sr": "vad_probe_sr.npy"}}
    for name, spec in feeds.items():
        with open(os.path.join(work, name), "w") as f:
            json.dump(spec, f)
    with open(os.path.join(work, "inputs.json"), "w") as f:
        json.dump({"rec_shape": list(rec_x.shape), "det_shape": list(det_x.shape),
                   "rate": RATE, "frame": FRAME, "context": CONTEXT,
                   "speech_samples": len(speech), "silence_samples": len(silence)}, f)


if __name__ == "__main__":
    main()
