// vad-agree.js AUDIO_DIR MODEL.onnx... -- Silero VAD v5's agreement with the first (float)
// model under onnxruntime-web (wasm, one thread, as recorder/record.js).  AUDIO_DIR holds
// utterances.json (an array of {file, samples}) and each file: 16 kHz
// mono signed 16-bit little-endian samples (raw), speech then silence.  Each utterance runs
// alone from a zero state, in 512-sample frames with 64 samples of context, as record.js.
// A frame is speech when p > 0.5.  One CSV line per model:
// model,frames,speech_frames,agree,speech_agree,silence_agree,max_abs_dp,mean_abs_dp
// where speech/silence are the float model's decisions (the first model's row agrees fully).
// Run with NODE_PATH=cache/recorder/node_modules.
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-web');
ort.env.wasm.numThreads = 1;

const FRAME = 512, CONTEXT = 64, THRESHOLD = 0.5;

function readPcm16(file) {
  const b = fs.readFileSync(file);
  if (b.length % 2) throw new Error(file + ': odd byte count for 16-bit samples');
  const x = new Float32Array(b.length / 2);
  for (let i = 0; i < x.length; i++) x[i] = b.readInt16LE(2 * i) / 32768;
  return x;
}

async function probabilities(model, audios) {
  const s = await ort.InferenceSession.create(fs.readFileSync(model), { graphOptimizationLevel: 'disabled', logSeverityLevel: 3 });
  const sr = new ort.Tensor('int64', BigInt64Array.from([16000n]), []);
  const p = [];
  for (const audio of audios) {
    let state = new ort.Tensor('float32', new Float32Array(2 * 128), [2, 1, 128]);
    let context = new Float32Array(CONTEXT);
    for (let f = 0; f + FRAME <= audio.length; f += FRAME) {
      const frame = audio.subarray(f, f + FRAME);
      const x = new Float32Array(CONTEXT + FRAME);
      x.set(context, 0);
      x.set(frame, CONTEXT);
      context = frame.slice(-CONTEXT);
      const out = await s.run({ input: new ort.Tensor('float32', x, [1, x.length]), state, sr });
      state = out.stateN;
      const v = out.output.data[0];
      if (!Number.isFinite(v)) throw new Error(`${path.basename(model)}: non-finite probability at frame ${p.length}`);
      p.push(v);
    }
  }
  return p;
}

(async () => {
  const [dir, ...models] = process.argv.slice(2);
  if (!dir || models.length === 0) throw new Error('usage: vad-agree.js AUDIO_DIR MODEL.onnx...');
  const utts = JSON.parse(fs.readFileSync(path.join(dir, 'utterances.json'), 'utf8'));
  const audios = utts.map((u) => readPcm16(path.join(dir, u.file)));
  console.log('model,frames,speech_frames,agree,speech_agree,silence_agree,max_abs_dp,mean_abs_dp');
  let ref = null;
  for (const m of models) {
    const p = await probabilities(m, audios);
    if (ref === null) ref = p;
    let agree = 0, sp = 0, spAgree = 0, silAgree = 0, maxd = 0, sumd = 0;
    for (let i = 0; i < p.length; i++) {
      const speech = ref[i] > THRESHOLD, same = (p[i] > THRESHOLD) === speech;
      agree += same; sp += speech;
      if (speech) spAgree += same; else silAgree += same;
      const d = Math.abs(p[i] - ref[i]);
      maxd = Math.max(maxd, d); sumd += d;
    }
    const n = p.length, sil = n - sp;
    console.log([path.basename(m), n, sp, (agree / n).toFixed(5), sp ? (spAgree / sp).toFixed(5) : 'nan',
                 sil ? (silAgree / sil).toFixed(5) : 'nan', maxd.toFixed(5), (sumd / n).toFixed(5)].join(','));
  }
})().catch((e) => { console.error('vad-agree.js: ' + String(e)); process.exit(1); });
