"""accuracy_texts.py lines|sentences N SEED -- the seeded texts of the accuracy scripts
(doc/studies.md): 'lines' prints a JSON array of N distinct text lines for ocr-cer.sh (2-5
words, half of them with a number, some capitalised, some with final punctuation);
'sentences' prints N distinct sentences for vad-agree.sh, one a line: the recorder's
sentence, then N-1 of 4-9 words."""
import json
import random
import sys

WORDS = ("exact format bits value round nearest even posit float integer scale block tensor "
         "model layer weight error signal noise ratio table chart paper study result data "
         "number range level sample speech text line image the of and to in for with").split()
RECORDER_SENTENCE = "Exact number formats for quantized neural networks."  # record-activations.sh


def lines(n, rng):
    seen, texts = set(), []
    while len(texts) < n:
        parts = [rng.choice(WORDS) for _ in range(rng.randint(2, 5))]
        if rng.random() < 0.5:
            parts.insert(rng.randint(0, len(parts)), str(rng.randint(0, 9999)))
        if rng.random() < 0.3:
            parts[0] = parts[0].capitalize()
        t = " ".join(parts) + rng.choice(["", ".", ",", ":", "!"])
        if t not in seen:
            seen.add(t)
            texts.append(t)
    return texts


def sentences(n, rng):
    texts = [RECORDER_SENTENCE]
    while len(texts) < n:
        t = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 9))).capitalize() + "."
        if t not in texts:
            texts.append(t)
    return texts[:n]


def main():
    kind, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    if kind == "lines":
        json.dump(lines(n, rng), sys.stdout, ensure_ascii=False)
    else:
        sys.stdout.write("".join(t + "\n" for t in sentences(n, rng)))


if __name__ == "__main__":
    main()
