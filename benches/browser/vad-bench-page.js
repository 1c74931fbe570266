// Page side of the browser VAD benchmark (vad-bench.html?system=NAME[&ortThreads=N]).
// Driven by vad-bench.mjs through `window.bench`; one page is opened per system per run,
// and the page loads only its own system:
//   bystander-simd / bystander-nosimd  www/pkg-simd or www/pkg via www/bystander-loader.js,
//                                      VoiceActivityStream (default options), 1 s blocks
//   fvad       @echogarden/fvad-wasm (libfvad = WebRTC VAD, Emscripten ES module), mode 3,
//              30 ms frames (480 int16 samples) + py-webrtcvad's example collector, fed in
//              1 s blocks (float -> int16 conversion included in the timing)
//   vad-web    @ricky0123/vad-web NonRealTimeVAD (Silero legacy model) on onnxruntime-web,
//              model and ort wasm files from /node_modules (no CDN), whole signal at once
// The test signal (60 min by default) is generated once per page, deterministically, by
// tiling www/samples/sample.wav with silence gaps (+ low seeded noise); not timed.
import { WebRtcVadCollector } from './webrtcvad-collector.js';

const SAMPLE_RATE = 16000;
const BLOCK = SAMPLE_RATE; // 1 s blocks
const FVAD_FRAME = 480; // 30 ms at 16 kHz
const MASK_HOP = 160; // 10 ms grid for the reference comparison
const VADWEB_DIST = '/node_modules/@ricky0123/vad-web/dist/';
const ORT_DIST = '/node_modules/onnxruntime-web/dist/';

const params = new URLSearchParams(location.search);
const SYSTEM = params.get('system');
const ORT_THREADS = Number(params.get('ortThreads') ?? 1);
// Where pkg/ and pkg-simd/ live (URL path ending in '/'); default: the repo's www/ builds,
// loaded through www/bystander-loader.js.
const PKG = params.get('pkg') || '/www/';

const status = document.getElementById('status');
const say = (text) => { if (status) status.textContent = text; };

let signal = null; // Float32Array, whole test signal
let refMask = null; // Uint8Array, 1 = reference speech (sample.rttm, tiled), 10 ms grid
let system = null; // the loaded system: { info, run(x) }

// ---------------------------------------------------------------------------------------
// Test signal

function parseWav(buf) {
  const dv = new DataView(buf);
  const tag = (o) => String.fromCharCode(dv.getUint8(o), dv.getUint8(o + 1), dv.getUint8(o + 2), dv.getUint8(o + 3));
  if (tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('sample.wav: not a RIFF/WAVE file');
  let fmt = null;
  for (let o = 12; o + 8 <= buf.byteLength;) {
    const id = tag(o), size = dv.getUint32(o + 4, true), body = o + 8;
    if (id === 'fmt ') {
      fmt = { format: dv.getUint16(body, true), channels: dv.getUint16(body + 2, true),
        rate: dv.getUint32(body + 4, true), bits: dv.getUint16(body + 14, true) };
    } else if (id === 'data') {
      if (!fmt || fmt.format !== 1 || fmt.channels !== 1 || fmt.bits !== 16 || fmt.rate !== SAMPLE_RATE) {
        throw new Error(`sample.wav: expected 16 kHz mono 16-bit PCM, got ${JSON.stringify(fmt)}`);
      }
      const n = Math.min(size, buf.byteLength - body) >> 1;
      const x = new Float32Array(n);
      for (let i = 0; i < n; i++) x[i] = dv.getInt16(body + 2 * i, true) / 32768;
      return x;
    }
    o = body + size + (size & 1);
  }
  throw new Error('sample.wav: no data chunk');
}

/** Union of the RTTM's SPEAKER turns (all speakers), as sorted [start, end] seconds. */
function parseRttm(text) {
  const turns = text.split('\n').map((l) => l.trim().split(/\s+/))
    .filter((f) => f[0] === 'SPEAKER')
    .map((f) => [Number(f[3]), Number(f[3]) + Number(f[4])])
    .sort((a, b) => a[0] - b[0]);
  const out = [];
  for (const [s, e] of turns) {
    if (out.length && s <= out[out.length - 1][1]) out[out.length - 1][1] = Math.max(out[out.length - 1][1], e);
    else out.push([s, e]);
  }
  return out;
}

const GAPS_SECONDS = [1.5, 5.0, 3.0, 9.0, 0.75, 7.0, 2.5, 12.0]; // silence after each tile
const GAINS = [1.0, 0.7, 1.25, 0.85, 0.5, 1.1]; // per-tile gain (clip peak is well below 0.8)
const NOISE_AMPLITUDE = 0.003; // uniform +-0.0015 everywhere: about -61 dBFS RMS

/**
 * `seconds` of 16 kHz audio: sample.wav (15.5 s) tiled with the gains above, each tile
 * followed by a silence gap from GAPS_SECONDS (cycled), plus seeded white noise
 * (xorshift32) over everything. Returns the signal and the reference speech mask.
 */
function generateSignal(clip, speech, seconds) {
  const n = Math.round(seconds * SAMPLE_RATE);
  const x = new Float32Array(n);
  const mask = new Uint8Array(Math.ceil(n / MASK_HOP));
  let pos = 0, tile = 0, refSamples = 0;
  while (pos < n) {
    const g = GAINS[tile % GAINS.length];
    const len = Math.min(clip.length, n - pos);
    for (let i = 0; i < len; i++) x[pos + i] = g * clip[i];
    for (const [s, e] of speech) {
      const a = Math.min(n, pos + Math.round(s * SAMPLE_RATE));
      const b = Math.min(n, pos + Math.round(e * SAMPLE_RATE));
      if (b > a) {
        mask.fill(1, Math.floor(a / MASK_HOP), Math.ceil(b / MASK_HOP));
        refSamples += b - a;
      }
    }
    pos += clip.length + Math.round(GAPS_SECONDS[tile % GAPS_SECONDS.length] * SAMPLE_RATE);
    tile += 1;
  }
  let seed = 0x2545f491 >>> 0;
  for (let i = 0; i < n; i++) {
    seed ^= seed << 13; seed >>>= 0;
    seed ^= seed >>> 17;
    seed ^= seed << 5; seed >>>= 0;
    x[i] += NOISE_AMPLITUDE * (seed / 4294967296 - 0.5);
  }
  return { x, mask, tiles: tile, refFraction: refSamples / n };
}

/** Speech fraction and agreement with the reference mask on the 10 ms grid. */
function score(segs, audioSeconds) {
  const frames = Math.ceil((audioSeconds * SAMPLE_RATE) / MASK_HOP);
  const sys = new Uint8Array(frames);
  let speechSeconds = 0;
  for (let i = 0; i < segs.length; i += 2) {
    const s = Math.max(0, segs[i]), e = Math.min(audioSeconds, segs[i + 1]);
    if (e <= s) continue;
    speechSeconds += e - s;
    sys.fill(1, Math.floor((s * SAMPLE_RATE) / MASK_HOP), Math.ceil((e * SAMPLE_RATE) / MASK_HOP));
  }
  let tp = 0, fp = 0, fn = 0, ref = 0;
  for (let i = 0; i < frames; i++) {
    const r = refMask[i], h = sys[i];
    ref += r;
    if (r && h) tp++;
    else if (h) fp++;
    else if (r) fn++;
  }
  return {
    segments: segs.length / 2,
    speechSeconds,
    speechFraction: speechSeconds / audioSeconds,
    refFraction: ref / frames,
    precision: tp + fp ? tp / (tp + fp) : 0,
    recall: tp + fn ? tp / (tp + fn) : 0,
  };
}

// ---------------------------------------------------------------------------------------
// Systems

async function loadBystanderSystem(simd, analyzer = false) {
  const url = `${PKG}${simd ? 'pkg-simd' : 'pkg'}/bystander.js`;
  let exports;
  if (PKG === '/www/') {
    const { loadBystander } = await import('/www/bystander-loader.js');
    exports = await loadBystander({ simd });
    if (exports.simd !== simd) throw new Error(`asked for simd=${simd}, got ${exports.simd}`);
  }
  // The loader already initialised the package; calling the wasm-bindgen init again
  // returns the cached instance exports, which hold the wasm memory.
  const mod = await import(url);
  const instance = await mod.default();
  if (!exports) exports = mod;
  const memory = instance && instance.memory ? instance.memory : null;
  const memBytes = () => (memory ? memory.buffer.byteLength : null);
  return {
    info: { version: exports.version(), simd, url, options: 'defaults', memoryReachable: !!memory, analyzer },
    memBytes,
    async run(x) {
      if (analyzer) return runAnalyzer(x);
      const stream = new exports.VoiceActivityStream(SAMPLE_RATE, undefined);
      const segs = [];
      try {
        const t0 = performance.now();
        for (let off = 0; off < x.length; off += BLOCK) {
          const closed = stream.push(x.subarray(off, Math.min(off + BLOCK, x.length)));
          for (const s of closed) segs.push(s.start, s.end);
        }
        for (const s of stream.finish()) segs.push(s.start, s.end);
        const t1 = performance.now();
        return { seconds: (t1 - t0) / 1000, segs, frames: stream.frameCount, memBytes: memBytes() };
      } finally {
        stream.free();
      }
    },
  };

  // The whole analysis: spectrogram + VAD + foreground/background labels, AnalyzerStream in
  // 1 s blocks (provisional segments returned by every push), then the final report.
  function runAnalyzer(x) {
    const stream = new exports.AnalyzerStream(SAMPLE_RATE, undefined);
    try {
      let provisional = 0;
      const t0 = performance.now();
      for (let off = 0; off < x.length; off += BLOCK) {
        provisional += stream.push(x.subarray(off, Math.min(off + BLOCK, x.length))).length;
      }
      const report = stream.finish();
      const t1 = performance.now();
      const segs = [];
      for (const s of report.speech) segs.push(s.start, s.end);
      const labels = { foreground: 0, background: 0 };
      for (const s of report.segments) labels[s.label] += s.end - s.start;
      return {
        seconds: (t1 - t0) / 1000, segs, frames: report.foregroundProbability.length,
        memBytes: memBytes(), provisional, labelledSeconds: labels,
      };
    } finally {
      stream.free();
    }
  }
}

async function loadFvadSystem() {
  const { default: createFvad } = await import('/node_modules/@echogarden/fvad-wasm/fvad.js');
  const M = await createFvad();
  const version = (await (await fetch('/node_modules/@echogarden/fvad-wasm/package.json')).json()).version;
  const memBytes = () => M.HEAP8.buffer.byteLength;
  return {
    info: { version, mode: 3, frameMs: 30, collector: 'py-webrtcvad example (ring 10, >90%)' },
    memBytes,
    async run(x) {
      const inst = M._fvad_new();
      if (!inst) throw new Error('fvad_new failed');
      const cap = BLOCK + FVAD_FRAME;
      const buf = M._malloc(cap * 2);
      try {
        if (M._fvad_set_mode(inst, 3) !== 0) throw new Error('fvad_set_mode(3) failed');
        if (M._fvad_set_sample_rate(inst, SAMPLE_RATE) !== 0) throw new Error('fvad_set_sample_rate failed');
        const collector = new WebRtcVadCollector({ frameMs: 30, paddingMs: 300, ratio: 0.9 });
        const t0 = performance.now();
        let pending = 0; // samples carried over from the previous block (< 480)
        for (let off = 0; off < x.length; off += BLOCK) {
          const block = x.subarray(off, Math.min(off + BLOCK, x.length));
          const heap = M.HEAP16; // re-read: a memory growth would replace the view
          const base = buf >> 1;
          for (let i = 0, j = base + pending; i < block.length; i++, j++) {
            let v = block[i] * 32768;
            v = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
            heap[j] = v; // Int16Array store truncates toward zero
          }
          const total = pending + block.length;
          let f = 0;
          for (; f + FVAD_FRAME <= total; f += FVAD_FRAME) {
            const r = M._fvad_process(inst, buf + 2 * f, FVAD_FRAME);
            if (r < 0) throw new Error('fvad_process failed');
            collector.push(r === 1);
          }
          pending = total - f;
          if (pending) M.HEAP16.copyWithin(base, base + f, base + total);
        }
        // Like py-webrtcvad's frame_generator, a final partial frame is dropped.
        const segs = collector.finish();
        const t1 = performance.now();
        return { seconds: (t1 - t0) / 1000, segs, frames: collector.frame, memBytes: memBytes() };
      } finally {
        M._free(buf);
        M._fvad_free(inst);
      }
    },
  };
}

function loadClassicScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = () => resolve();
    s.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(s);
  });
}

async function loadVadWebSystem() {
  // onnxruntime-web's classic build defines the global `ort`; vad-web's UMD bundle
  // (dist/bundle.min.js) picks it up as its `onnxruntime-web` dependency and defines `vad`.
  await loadClassicScript(`${ORT_DIST}ort.wasm.min.js`);
  await loadClassicScript(`${VADWEB_DIST}bundle.min.js`);
  const { ort, vad } = globalThis;
  if (!ort || !vad || !vad.NonRealTimeVAD) throw new Error('onnxruntime-web / vad-web globals missing');
  const vadWebVersion = (await (await fetch('/node_modules/@ricky0123/vad-web/package.json')).json()).version;
  const options = {
    // NonRealTimeVAD (vad-web 0.0.31) takes modelURL + ortConfig; the default modelURL is
    // relative to the bundle's script URL and ort's default wasm location is a CDN.
    modelURL: `${VADWEB_DIST}silero_vad_legacy.onnx`,
    ortConfig: (o) => {
      o.env.wasm.wasmPaths = ORT_DIST;
      o.env.wasm.numThreads = ORT_THREADS;
      o.env.wasm.proxy = false;
      o.env.logLevel = 'error';
    },
  };
  return {
    info: {
      version: vadWebVersion,
      ortVersion: ort.env.versions ? ort.env.versions.web || ort.env.versions.common : null,
      ortThreads: ORT_THREADS,
      model: 'silero_vad_legacy.onnx',
      frameSamples: 1536,
    },
    memBytes: () => null,
    async run(x) {
      const v = await vad.NonRealTimeVAD.new(options); // model load + session: not timed
      const segs = [];
      const t0 = performance.now();
      for await (const { start, end } of v.run(x, SAMPLE_RATE)) segs.push(start / 1000, end / 1000);
      const t1 = performance.now();
      return {
        seconds: (t1 - t0) / 1000, segs, frames: Math.floor(x.length / 1536), memBytes: null,
        ortThreadsInEffect: ort.env.wasm.numThreads,
      };
    },
  };
}

async function loadSystem(name) {
  switch (name) {
    case 'bystander-simd': return loadBystanderSystem(true);
    case 'bystander-nosimd': return loadBystanderSystem(false);
    case 'analyzer-simd': return loadBystanderSystem(true, true);
    case 'analyzer-nosimd': return loadBystanderSystem(false, true);
    case 'fvad': return loadFvadSystem();
    case 'vad-web': return loadVadWebSystem();
    default: throw new Error(`unknown system ${name}`);
  }
}

// ---------------------------------------------------------------------------------------
// Driver API

/** Loads the system, generates the signal (not timed) and warms the system up. */
async function prepare({ minutes, warmupSeconds = 30 }) {
  say(`loading ${SYSTEM}…`);
  system = await loadSystem(SYSTEM);
  say(`generating ${minutes} min of audio…`);
  const t0 = performance.now();
  const [wav, rttm] = await Promise.all([
    fetch('/www/samples/sample.wav').then((r) => r.arrayBuffer()),
    fetch('/www/samples/sample.rttm').then((r) => r.text()),
  ]);
  const clip = parseWav(wav);
  const speech = parseRttm(rttm);
  const gen = generateSignal(clip, speech, minutes * 60);
  signal = gen.x;
  refMask = gen.mask;
  const genSeconds = (performance.now() - t0) / 1000;
  let warmup = null;
  if (warmupSeconds > 0) {
    say('warming up…');
    const w = await system.run(signal.subarray(0, Math.min(signal.length, warmupSeconds * SAMPLE_RATE)));
    warmup = { seconds: w.seconds, audioSeconds: Math.min(signal.length / SAMPLE_RATE, warmupSeconds) };
  }
  say('ready');
  return {
    system: SYSTEM,
    info: system.info,
    samples: signal.length,
    clipSeconds: clip.length / SAMPLE_RATE,
    tiles: gen.tiles,
    refFraction: gen.refFraction,
    genSeconds,
    warmup,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    hardwareConcurrency: navigator.hardwareConcurrency,
    userAgent: navigator.userAgent,
  };
}

/** One timed run over the first `seconds` of the signal (default: all of it). */
async function run({ seconds } = {}) {
  const n = seconds ? Math.min(signal.length, Math.round(seconds * SAMPLE_RATE)) : signal.length;
  const x = signal.subarray(0, n);
  say(`running ${SYSTEM} on ${(n / SAMPLE_RATE / 60).toFixed(1)} min…`);
  const r = await system.run(x);
  const audioSeconds = n / SAMPLE_RATE;
  const { segs, ...rest } = r;
  say('done');
  return { system: SYSTEM, audioSeconds, ...rest, ...score(segs, audioSeconds) };
}

window.bench = { prepare, run, system: SYSTEM };
window.benchReady = true;
