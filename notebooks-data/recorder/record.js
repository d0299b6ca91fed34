// record.js -- run ONNX models under onnxruntime-web (wasm, single thread) in Node and save
// chosen tensors as .npy files.  Called by ../record-activations.sh; see doc/data.md.
//
//   node record.js probe MODEL FEEDS_JSON NAME...
//       run once, print {"NAME": [values...], ...} (used to decide which If branch runs)
//   node record.js single MODEL FEEDS_JSON SAVE_JSON OUTDIR
//       run once; save each tensor of SAVE_JSON ([{"tensor": T, "file": F}, ...]) to OUTDIR/F
//       (a graph output, or a graph input taken from the feeds) and every model output
//       to OUTDIR/output.NAME.npy
//   node record.js vad MODEL ORIGINAL_MODEL AUDIO_NPY SAVE_JSON OUTDIR
//       Silero VAD: 512-sample frames at 16 kHz with 64 samples of context and the state
//       carried over, as @ricky0123/vad-web does; each saved tensor is stacked over frames
//       ([frames, ...]); the speech probability of both the rewritten and the original
//       model goes to OUTDIR/speech_prob.npy and OUTDIR/speech_prob_original.npy.
// FEEDS_JSON: {"INPUT": "file.npy", ...} (paths relative to the JSON file).
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-web');

ort.env.wasm.numThreads = 1;      // deterministic, and no worker threads in Node
ort.env.logLevel = 'error';

const NPY_TYPES = {
  '<f4': ['float32', Float32Array], '<f8': ['float64', Float64Array],
  '<i8': ['int64', BigInt64Array], '<i4': ['int32', Int32Array], '|b1': ['bool', Uint8Array],
};

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${file}: not a .npy file`);
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const hstart = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', hstart, hstart + hlen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${file}: Fortran order`);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',')
    .map((s) => s.trim()).filter((s) => s.length).map(Number);
  const t = NPY_TYPES[descr];
  if (!t) throw new Error(`${file}: dtype ${descr} not handled`);
  const start = hstart + hlen;
  const bytes = buf.subarray(start);
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  // A fresh copy: typed arrays need an aligned buffer, the file's data starts anywhere.
  const data = new t[1](copy.buffer, 0, bytes.length / t[1].BYTES_PER_ELEMENT);
  return new ort.Tensor(t[0], data, shape);
}

const DESCR = { float32: '<f4', float64: '<f8', int64: '<i8', int32: '<i4', bool: '|b1', uint8: '|u1' };

function npyBytes(type, dims, data) {
  const descr = DESCR[type];
  if (!descr) throw new Error(`tensor type ${type} not handled`);
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1; head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  let body;
  if (type === 'bool') body = Buffer.from(Uint8Array.from(data, (b) => (b ? 1 : 0)));
  else body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), body]);
}

// Write through a temporary name so that no partial .npy is ever left behind.
function writeNpy(file, type, dims, data) {
  const tmp = `${file}.tmp${process.pid}`;
  fs.writeFileSync(tmp, npyBytes(type, dims, data));
  fs.renameSync(tmp, file);
}

function loadFeeds(feedsJson) {
  const spec = JSON.parse(fs.readFileSync(feedsJson, 'utf8'));
  const base = path.dirname(feedsJson);
  const feeds = {};
  for (const [name, file] of Object.entries(spec)) feeds[name] = readNpy(path.join(base, file));
  return feeds;
}

async function session(model) {
  return ort.InferenceSession.create(fs.readFileSync(model), { graphOptimizationLevel: 'disabled', logSeverityLevel: 3 });
}

function pick(outputs, feeds, name) {
  if (name in outputs) return outputs[name];
  if (name in feeds) return feeds[name];
  throw new Error(`tensor ${name} is neither an output nor a feed`);
}

async function probe(model, feedsJson, names) {
  const s = await session(model);
  const feeds = loadFeeds(feedsJson);
  const out = await s.run(feeds);
  const result = {};
  for (const n of names) {
    const t = pick(out, feeds, n);
    result[n] = Array.from(t.data, Number);   // bool, int64 (BigInt) and floats alike
  }
  process.stdout.write(JSON.stringify(result) + '\n');
}

async function single(model, feedsJson, saveJson, outdir) {
  const s = await session(model);
  const feeds = loadFeeds(feedsJson);
  const save = JSON.parse(fs.readFileSync(saveJson, 'utf8'));
  const t0 = Date.now();
  const out = await s.run(feeds);
  for (const { tensor, file } of save) {
    const t = pick(out, feeds, tensor);
    writeNpy(path.join(outdir, file), t.type, t.dims, t.data);
  }
  for (const name of s.outputNames) {
    if (save.some((e) => e.tensor === name)) continue;
    const t = out[name];
    writeNpy(path.join(outdir, `output.${name.replace(/[^A-Za-z0-9._-]/g, '_')}.npy`), t.type, t.dims, t.data);
  }
  process.stderr.write(`record.js: ${path.basename(model)}: ${save.length} tensors in ${Date.now() - t0} ms\n`);
}

const VAD_FRAME = 512;
const VAD_CONTEXT = 64;

async function vad(model, original, audioNpy, saveJson, outdir) {
  const s = await session(model);
  const s0 = await session(original);
  const audio = readNpy(audioNpy).data;
  const save = JSON.parse(fs.readFileSync(saveJson, 'utf8'));
  const frames = Math.floor(audio.length / VAD_FRAME);
  const sr = new ort.Tensor('int64', BigInt64Array.from([16000n]), []);
  let state = new ort.Tensor('float32', new Float32Array(2 * 128), [2, 1, 128]);
  let state0 = state;
  let context = new Float32Array(VAD_CONTEXT);
  const stacks = save.map(() => []);
  const dims = save.map(() => null);
  const prob = new Float32Array(frames);
  const prob0 = new Float32Array(frames);
  const t0 = Date.now();
  for (let f = 0; f < frames; f++) {
    const frame = audio.subarray(f * VAD_FRAME, (f + 1) * VAD_FRAME);
    const x = new Float32Array(VAD_CONTEXT + VAD_FRAME);
    x.set(context, 0);
    x.set(frame, VAD_CONTEXT);
    context = frame.slice(-VAD_CONTEXT);
    const input = new ort.Tensor('float32', x, [1, x.length]);
    const feeds = { input, state, sr };
    const out = await s.run(feeds);
    const out0 = await s0.run({ input, state: state0, sr });
    state = out.stateN;
    state0 = out0.stateN;
    prob[f] = out.output.data[0];
    prob0[f] = out0.output.data[0];
    save.forEach(({ tensor }, i) => {
      const t = pick(out, feeds, tensor);
      if (dims[i] === null) dims[i] = t.dims;
      else if (dims[i].join(',') !== t.dims.join(',')) throw new Error(`${tensor}: shape changes between frames`);
      if (t.type !== 'float32') throw new Error(`${tensor}: type ${t.type}, expected float32`);
      stacks[i].push(Float32Array.from(t.data));
    });
  }
  save.forEach(({ file }, i) => {
    const per = stacks[i][0].length;
    const all = new Float32Array(per * frames);
    stacks[i].forEach((a, f) => all.set(a, f * per));
    writeNpy(path.join(outdir, file), 'float32', [frames, ...dims[i]], all);
  });
  writeNpy(path.join(outdir, 'speech_prob.npy'), 'float32', [frames], prob);
  writeNpy(path.join(outdir, 'speech_prob_original.npy'), 'float32', [frames], prob0);
  process.stderr.write(`record.js: ${path.basename(model)}: ${frames} frames, ${save.length} tensors in ${Date.now() - t0} ms\n`);
}

async function main() {
  const [cmd, ...a] = process.argv.slice(2);
  if (cmd === 'probe' && a.length >= 3) return probe(a[0], a[1], a.slice(2));
  if (cmd === 'single' && a.length === 4) return single(...a);
  if (cmd === 'vad' && a.length === 5) return vad(...a);
  if (cmd === 'versions') {
    process.stdout.write(JSON.stringify({ node: process.versions.node, 'onnxruntime-web': ort.env.versions.web }) + '\n');
    return undefined;
  }
  throw new Error('usage: record.js probe|single|vad|versions ARGS (see the head of record.js)');
}

main().catch((e) => {
  process.stderr.write(`record.js: ${e.message || e}\n`);
  process.exit(1);
});
