// ocr-cer.js LINES_DIR KEYS MODEL.onnx... -- the PP-OCRv4 recognizer's character error
// rate under onnxruntime-web (wasm, one thread, as recorder/record.js): LINES_DIR holds
// texts.json (an array of strings) and line-I.pgm (the I-th string rendered 48 pixels high,
// binary PGM).  Normalisation (v/255 - 0.5)/0.5 on three equal channels, CTC greedy decode
// (argmax per step, repeats merged, blank 0 dropped; classes: blank, the lines of KEYS, a
// space), as notebooks-data/finish_activations.py.  The CER compares the decoded string
// with leading and trailing spaces removed (the rendered line's white margin decodes as a
// space on some lines, which the texts never have; doc/studies.md); raw_edits counts
// them too.  One CSV line per model: model,lines,chars,edits,cer,exact_lines,raw_edits.  With OCR_CER_DECODED=DIR set, also writes
// DIR/MODEL.txt: the decoded string of every line, one a line (to see which lines differ).
// Run with NODE_PATH=cache/recorder/node_modules.
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-web');
ort.env.wasm.numThreads = 1;

function readPgm(file) {
  const b = fs.readFileSync(file);
  const tok = []; let i = 0;
  while (tok.length < 4) {
    while (b[i] === 0x20 || b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x09) i++;
    if (b[i] === 0x23) { while (b[i] !== 0x0a) i++; continue; }
    let s = ''; while (i < b.length && !(b[i] === 0x20 || b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x09)) s += String.fromCharCode(b[i++]);
    tok.push(s);
  }
  i++;
  if (tok[0] !== 'P5' || tok[3] !== '255') throw new Error(file + ': not an 8-bit binary PGM');
  const w = +tok[1], h = +tok[2];
  if (b.length - i < w * h) throw new Error(file + ': truncated');
  return { w, h, data: b.subarray(i, i + w * h) };
}

function levenshtein(a, b) {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]; row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] !== b[j - 1] ? 1 : 0));
      prev = t;
    }
  }
  return row[b.length];
}

(async () => {
  const [dir, keysFile, ...models] = process.argv.slice(2);
  const texts = JSON.parse(fs.readFileSync(path.join(dir, 'texts.json'), 'utf8'));
  const chars = ['<blank>'].concat(fs.readFileSync(keysFile, 'utf8').replace(/\n$/, '').split('\n'), [' ']);
  const inputs = texts.map((_, k) => {
    const img = readPgm(path.join(dir, `line-${k}.pgm`));
    const n = img.w * img.h, x = new Float32Array(3 * n);
    for (let c = 0; c < 3; c++) for (let i = 0; i < n; i++) x[c * n + i] = (img.data[i] / 255 - 0.5) / 0.5;
    return new ort.Tensor('float32', x, [1, 3, img.h, img.w]);
  });
  console.log('model,lines,chars,edits,cer,exact_lines,raw_edits');
  for (const m of models) {
    const s = await ort.InferenceSession.create(fs.readFileSync(m), { graphOptimizationLevel: 'disabled', logSeverityLevel: 3 });
    let edits = 0, total = 0, exact = 0, rawEdits = 0;
    const decoded = [];
    for (let k = 0; k < texts.length; k++) {
      const feeds = {}; feeds[s.inputNames[0]] = inputs[k];
      const p = (await s.run(feeds))[s.outputNames[0]];
      const [, T, C] = p.dims;
      let out = '', last = -1;
      for (let t = 0; t < T; t++) {
        let best = 0;
        for (let c = 1; c < C; c++) if (p.data[t * C + c] > p.data[t * C + best]) best = c;
        if (best !== last && best !== 0) out += chars[best];
        last = best;
      }
      decoded.push(out);
      rawEdits += levenshtein(out, texts[k]);
      const d = levenshtein(out.replace(/^ +| +$/g, ''), texts[k]);
      edits += d; total += texts[k].length; exact += d === 0;
    }
    if (process.env.OCR_CER_DECODED)
      fs.writeFileSync(path.join(process.env.OCR_CER_DECODED, path.basename(m, '.onnx') + '.txt'),
                       decoded.join('\n') + '\n');
    console.log([path.basename(m), texts.length, total, edits, (edits / total).toFixed(5), exact, rawEdits].join(','));
  }
})().catch((e) => { console.error('ocr-cer.js: ' + String(e)); process.exit(1); });
