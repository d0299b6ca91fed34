"""finish_activations.py WORK CACHE TEXT SPEECH_TEXT VERSIONS_JSON ESPEAK_VERSION IM_VERSION

After record.js: prove the models ran correctly and describe every recorded file.
  - recognizer: CTC greedy decode of its output (argmax per step, repeats merged, blank 0
    dropped; classes: blank, the lines of ppocr_keys_v1.txt, then a space, as PaddleOCR's
    use_space_char) compared with TEXT: decoded string and character error rate
    (Levenshtein distance / len(TEXT));
  - detector: mean text probability inside the box of the rendered glyphs, and its maximum
    on the margin (8 pixels or more away from that box);
  - Silero VAD: speech probability on speech frames (RMS within 20 dB of the loudest frame)
    and on silence frames (every frame 0.25 s or more into the silence), and the largest
    difference between the rewritten model and the original (the If inlining is exact).
Writes WORK/activations/results.json and WORK/manifest.lines (MANIFEST lines, paths
relative to CACHE, for the files once moved to CACHE/activations/).  See doc/data.md.
"""
import hashlib
import json
import os
import sys

import numpy as np

MODELS = {  # directory: (model file, input description)
    "ppocr_v4_rec": ("ch_PP-OCRv4_rec_infer.onnx", "rec"),
    "ppocr_v4_det": ("ch_PP-OCRv4_det_infer.onnx", "det"),
    "silero_vad_v5": ("silero_vad_v5.onnx", "vad"),
}
LICENCE = {"ppocr_v4_rec": "Apache-2.0 (PaddleOCR model)",
           "ppocr_v4_det": "Apache-2.0 (PaddleOCR model)",
           "silero_vad_v5": "MIT (Silero VAD model)"}


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def levenshtein(a, b):
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[len(b)]


def ctc_greedy(probs, chars):
    best = probs.argmax(axis=-1)
    out, last = [], -1
    for k in best:
        if k != last and k != 0:
            out.append(chars[k])
        last = k
    return "".join(out)


def main():
    work, cache, text, speech_text, versions, espeak, im = sys.argv[1:8]
    stage = os.path.join(work, "activations")
    inputs = json.load(open(os.path.join(work, "inputs.json")))
    tools = json.loads(versions)
    tools["espeak-ng"] = espeak
    tools["imagemagick"] = im
    tools["python3-onnx"] = __import__("onnx").__version__
    tools["numpy"] = np.__version__

    # Recognizer: the only model output is the softmax over the classes.
    keys = open(os.path.join(cache, "models", "ppocr_keys_v1.txt"), encoding="utf-8").read()
    chars = ["<blank>"] + keys.rstrip("\n").split("\n") + [" "]
    out = [f for f in os.listdir(os.path.join(stage, "ppocr_v4_rec")) if f.startswith("output.")]
    probs = np.load(os.path.join(stage, "ppocr_v4_rec", out[0]))[0]
    if probs.shape[-1] != len(chars):
        raise SystemExit("finish_activations.py: recognizer has %d classes, key list gives %d"
                         % (probs.shape[-1], len(chars)))
    decoded = ctc_greedy(probs, chars)
    dist = levenshtein(decoded, text)
    ocr = {"text": text, "decoded": decoded, "edit_distance": dist,
           "cer": dist / len(text), "classes": len(chars), "steps": int(probs.shape[0]),
           "input_shape": inputs["rec_shape"]}

    # Detector: probability map [1,1,H,W] against the box of the rendered glyphs.
    out = [f for f in os.listdir(os.path.join(stage, "ppocr_v4_det")) if f.startswith("output.")]
    pmap = np.load(os.path.join(stage, "ppocr_v4_det", out[0]))[0, 0]
    img = np.load(os.path.join(work, "det_x.npy"))[0, 0]
    ink = img < (0.5 - 0.485) / 0.229          # darker than mid-grey
    rows, cols = np.nonzero(ink)
    r0, r1, c0, c1 = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
    inside = pmap[r0:r1, c0:c1]
    margin = np.ones_like(pmap, bool)
    margin[max(r0 - 8, 0):r1 + 8, max(c0 - 8, 0):c1 + 8] = False
    det = {"input_shape": inputs["det_shape"], "text_box": [int(r0), int(r1), int(c0), int(c1)],
           "mean_prob_in_box": float(inside.mean()),
           "share_in_box_above_0.3": float((inside > 0.3).mean()),
           "max_prob_on_margin": float(pmap[margin].max()) if margin.any() else 0.0}

    # Silero VAD.
    audio = np.load(os.path.join(work, "vad_audio.npy"))
    frame, rate = inputs["frame"], inputs["rate"]
    prob = np.load(os.path.join(stage, "silero_vad_v5", "speech_prob.npy"))
    prob0 = np.load(os.path.join(stage, "silero_vad_v5", "speech_prob_original.npy"))
    n = len(prob)
    rms = np.sqrt((audio[:n * frame].reshape(n, frame).astype(np.float64) ** 2).mean(axis=1))
    speech_frames = inputs["speech_samples"] // frame
    loud = np.zeros(n, bool)
    loud[:speech_frames] = rms[:speech_frames] > rms.max() * 10 ** (-20 / 20)
    quiet = np.zeros(n, bool)
    quiet[speech_frames + int(0.25 * rate) // frame:] = True
    vad = {"text": speech_text, "rate": rate, "frames": n, "frame_samples": frame,
           "context_samples": inputs["context"],
           "speech_frames": int(loud.sum()), "silence_frames": int(quiet.sum()),
           "mean_prob_speech": float(prob[loud].mean()),
           "median_prob_speech": float(np.median(prob[loud])),
           "share_speech_above_0.5": float((prob[loud] > 0.5).mean()),
           "mean_prob_silence": float(prob[quiet].mean()),
           "max_prob_silence": float(prob[quiet].max()),
           "max_diff_vs_original": float(np.abs(prob - prob0).max()),
           "speech_prob": [round(float(p), 6) for p in prob]}

    lines, counts = [], {}
    tool_str = ", ".join("%s %s" % kv for kv in sorted(tools.items()))
    for d, (model_file, what) in MODELS.items():
        model_sha = sha256(os.path.join(cache, "models", model_file))
        save = json.load(open(os.path.join(work, "%s_save.json" % what)))
        input_desc = {"rec": "text line %r rendered 48 px high %s" % (text, inputs["rec_shape"]),
                      "det": "text line %r on a 640x96 canvas %s" % (text, inputs["det_shape"]),
                      "vad": "espeak-ng speech %r at 16 kHz + %.2f s silence, %d frames of 512 "
                             "(+64 context) stacked on axis 0"
                             % (speech_text, inputs["silence_samples"] / rate, n)}[what]
        counts[d] = {"tensors": len(save), "values": 0}
        for e in save:
            path = os.path.join(stage, d, e["file"])
            arr = np.load(path, mmap_mode="r")
            counts[d]["values"] += int(arr.size)
            how = "model %s sha256 %s; input: %s; tensor %s, input of %s; shape %s; tools: %s" % (
                model_file, model_sha, input_desc, e["tensor"],
                ", ".join("%s %s" % (o, nm) for o, nm in zip(e["ops"], e["nodes"])),
                "x".join(str(s) for s in arr.shape) or "scalar", tool_str)
            lines.append(" | ".join(["activations/%s/%s" % (d, e["file"]),
                                     "recorded: %s under onnxruntime-web" % model_file,
                                     LICENCE[d], how.replace("|", "/"), sha256(path)]))
        # The model's own outputs (and Silero's probabilities) beside the recorded tensors.
        saved = {e["file"] for e in save}
        for f in sorted(os.listdir(os.path.join(stage, d))):
            if f in saved or not f.endswith(".npy"):
                continue
            path = os.path.join(stage, d, f)
            shape = "x".join(str(s) for s in np.load(path, mmap_mode="r").shape)
            what_out = {"speech_prob.npy": "speech probability per frame, rewritten model",
                        "speech_prob_original.npy": "speech probability per frame, original model"
                        }.get(f, "model output " + f[len("output."):-len(".npy")])
            how = "model %s sha256 %s; input: %s; %s; shape %s; tools: %s" % (
                model_file, model_sha, input_desc, what_out, shape, tool_str)
            lines.append(" | ".join(["activations/%s/%s" % (d, f),
                                     "recorded: %s under onnxruntime-web" % model_file,
                                     LICENCE[d], how.replace("|", "/"), sha256(path)]))
    results = {"ocr": ocr, "det": det, "vad": vad, "recorded": counts, "tools": tools}
    with open(os.path.join(stage, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
        f.write("\n")
    lines.append(" | ".join(["activations/results.json", "recorded: checks of the three runs",
                             "as the models", "finish_activations.py",
                             sha256(os.path.join(stage, "results.json"))]))
    with open(os.path.join(work, "manifest.lines"), "w") as f:
        f.write("\n".join(lines) + "\n")
    sys.stderr.write("finish_activations.py: OCR %r (CER %.3f); VAD speech %.3f, silence max %.3f\n"
                     % (decoded, ocr["cer"], vad["mean_prob_speech"], vad["max_prob_silence"]))


if __name__ == "__main__":
    main()
