// ort_run.js MODEL.onnx REFERENCE.onnx -- load a model fake-quantized by 'fmtlab quantize'
// and its float original under onnxruntime-web (wasm, one thread, as notebooks-data's
// recorder) with NODE_PATH pointing at the recorder's node_modules; run both on the same
// seeded input [1, 3, 48, 320] (PP-OCRv4 recognizer) and print the output's shape, whether
// it is finite, and the share of time steps whose argmax class agrees with the original.
const fs = require('fs');
const ort = require('onnxruntime-web');
ort.env.wasm.numThreads = 1;
async function run(path, x) {
  const s = await ort.InferenceSession.create(fs.readFileSync(path),
    { graphOptimizationLevel: 'disabled', logSeverityLevel: 3 });
  const feeds = {}; feeds[s.inputNames[0]] = x;
  const out = await s.run(feeds);
  return out[s.outputNames[0]];
}
(async () => {
  let seed = 7;   // a linear congruential generator: the same input every run
  const n = 1 * 3 * 48 * 320, data = new Float32Array(n);
  for (let i = 0; i < n; i++) { seed = (seed * 1103515245 + 12345) % 2147483648; data[i] = seed / 2147483648 - 0.5; }
  const x = new ort.Tensor('float32', data, [1, 3, 48, 320]);
  const q = await run(process.argv[2], x), r = await run(process.argv[3], x);
  const [, T, C] = q.dims;
  let finite = true, agree = 0;
  for (let i = 0; i < q.data.length; i++) if (!Number.isFinite(q.data[i])) finite = false;
  for (let t = 0; t < T; t++) {
    let aq = 0, ar = 0;
    for (let c = 1; c < C; c++) {
      if (q.data[t * C + c] > q.data[t * C + aq]) aq = c;
      if (r.data[t * C + c] > r.data[t * C + ar]) ar = c;
    }
    agree += aq === ar;
  }
  console.log(q.dims.join('x'), finite ? 'finite' : 'nonfinite', (agree / T).toFixed(3));
})().catch((e) => { console.error(String(e)); process.exit(1); });
