// Page side of the browser spectrogram benchmark (spectrogram-bench.html). Driven by
// spectrogram-bench.mjs through `window.bench`; nothing here runs on its own except
// loading both wasm builds and fft.js.
import { loadBystander } from '/www/bystander-loader.js';
import { FftJsStft } from './fftjs-stft.js';

const SAMPLE_RATE = 16000;
const BLOCK = SAMPLE_RATE; // 1 s blocks
const LOGMEL = { preset: 'librosa', db: true }; // n_fft 512, hop 160, 64 mels, power 2, dB

const status = document.getElementById('status');
const say = (text) => { if (status) status.textContent = text; };

let signal = null; // the whole test signal, generated once (not timed)
const builds = {}; // simd / nosimd: { exports, memory }

/**
 * Deterministic test signal: a 100 Hz -> 7.5 kHz linear chirp repeating every 60 s plus
 * a 440 Hz tone gated on and off every 0.75 s and seeded white noise (xorshift32).
 */
function generateSignal(seconds) {
  const n = seconds * SAMPLE_RATE;
  const x = new Float32Array(n);
  const period = 60 * SAMPLE_RATE;
  const f0 = 100, f1 = 7500, T = 60;
  let seed = 0x9e3779b9 >>> 0;
  let phase = 0;
  const tone = (2 * Math.PI * 440) / SAMPLE_RATE;
  for (let i = 0; i < n; i++) {
    const t = (i % period) / SAMPLE_RATE;
    const f = f0 + ((f1 - f0) * t) / T;
    phase += (2 * Math.PI * f) / SAMPLE_RATE;
    if (phase > 2 * Math.PI) phase -= 2 * Math.PI;
    seed ^= seed << 13; seed >>>= 0;
    seed ^= seed >>> 17;
    seed ^= seed << 5; seed >>>= 0;
    const noise = seed / 4294967296 - 0.5;
    const gate = Math.floor(i / 12000) % 2 === 0 ? 0.2 : 0;
    x[i] = 0.3 * Math.sin(phase) + gate * Math.sin(tone * i) + 0.05 * noise;
  }
  return x;
}

async function loadBuild(simd) {
  const exports = await loadBystander({ simd });
  if (exports.simd !== simd) throw new Error(`asked for simd=${simd}, got ${exports.simd}`);
  // The loader already initialised the package; calling the wasm-bindgen init again
  // returns the cached instance exports, which hold the wasm memory.
  const mod = simd ? await import('/www/pkg-simd/bystander.js') : await import('/www/pkg/bystander.js');
  const instance = await mod.default();
  return { exports, memory: instance && instance.memory ? instance.memory : null };
}

const SYSTEMS = {
  'bystander-simd': { build: 'simd', options: LOGMEL },
  'fftjs': { build: null },
  'bystander-nosimd': { build: 'nosimd', options: LOGMEL },
};

function makeStream(name) {
  const sys = SYSTEMS[name];
  if (!sys) throw new Error(`unknown system ${name}`);
  if (!sys.build) return new FftJsStft({ nFft: 512, hopLength: 160 });
  return new builds[sys.build].exports.SpectrogramStream(SAMPLE_RATE, sys.options);
}

function memBytes(name) {
  const sys = SYSTEMS[name];
  if (!sys.build || !builds[sys.build].memory) return null;
  return builds[sys.build].memory.buffer.byteLength;
}

/**
 * Streams the first `seconds` of the signal in 1 s blocks through one system, then
 * finishes it. Only the push/finish loop is timed (stream creation and free are not).
 */
function run(name, seconds) {
  const blocks = Math.min(seconds ?? Infinity, signal.length / BLOCK);
  const stream = makeStream(name);
  let frames = 0, bins = 0, checksum = 0, peakMem = memBytes(name);
  try {
    const t0 = performance.now();
    for (let b = 0; b < blocks; b++) {
      const r = stream.push(signal.subarray(b * BLOCK, (b + 1) * BLOCK));
      frames += r.frames;
      bins = r.bins;
      if (r.frames > 0) checksum += r.data[r.data.length - 1]; // keep the output live
    }
    const r = stream.finish();
    frames += r.frames;
    if (r.frames > 0) checksum += r.data[r.data.length - 1];
    const t1 = performance.now();
    const m = memBytes(name);
    if (m !== null && m > peakMem) peakMem = m;
    return { name, seconds: (t1 - t0) / 1000, audioSeconds: blocks, frames, bins, checksum, memBytes: peakMem };
  } finally {
    stream.free();
  }
}

/**
 * Correctness of the baseline: the fft.js STFT (streamed in 1 s blocks, 3 s of signal)
 * against bystander's linear magnitude (batch, double precision, same framing), per
 * build. Error is max |a - b| / max |b| over all frames and bins, plus the max relative
 * error over entries above 1e-3 of the peak.
 */
function check() {
  const x = signal.subarray(0, 3 * SAMPLE_RATE + 1234); // a length that is not whole blocks
  const js = new FftJsStft({ nFft: 512, hopLength: 160 });
  const parts = [];
  let jsFrames = 0;
  for (let s = 0; s < x.length; s += BLOCK) {
    const r = js.push(x.subarray(s, Math.min(s + BLOCK, x.length)));
    parts.push(r.data);
    jsFrames += r.frames;
  }
  jsFrames += js.finish().frames;
  const jsData = new Float32Array(jsFrames * 257);
  let off = 0;
  for (const p of parts) { jsData.set(p, off); off += p.length; }
  const out = {};
  for (const build of Object.keys(builds)) {
    const ref = builds[build].exports.spectrogram(x, SAMPLE_RATE, {
      nFft: 512, hopLength: 160, output: 'linear', power: 1, center: false,
    });
    if (ref.frames !== jsFrames || ref.data.length !== jsData.length) {
      throw new Error(`frame count mismatch: bystander ${ref.frames}x${ref.bins}, fft.js ${jsFrames}x257`);
    }
    let peak = 0, maxAbs = 0, maxRel = 0;
    for (let i = 0; i < ref.data.length; i++) peak = Math.max(peak, Math.abs(ref.data[i]));
    for (let i = 0; i < ref.data.length; i++) {
      const d = Math.abs(jsData[i] - ref.data[i]);
      maxAbs = Math.max(maxAbs, d);
      if (Math.abs(ref.data[i]) > 1e-3 * peak) maxRel = Math.max(maxRel, d / Math.abs(ref.data[i]));
    }
    out[build] = { frames: jsFrames, bins: ref.bins, peak, maxErrOverPeak: maxAbs / peak, maxRelAbove1e3: maxRel };
  }
  return out;
}

async function init({ minutes }) {
  say('loading wasm builds…');
  builds.simd = await loadBuild(true);
  builds.nosimd = await loadBuild(false);
  say(`generating ${minutes} min of audio…`);
  const t0 = performance.now();
  signal = generateSignal(Math.round(minutes * 60));
  const genSeconds = (performance.now() - t0) / 1000;
  say('ready');
  return {
    version: builds.simd.exports.version(),
    versionNoSimd: builds.nosimd.exports.version(),
    samples: signal.length,
    genSeconds,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    memoryReachable: { simd: !!builds.simd.memory, nosimd: !!builds.nosimd.memory },
    userAgent: navigator.userAgent,
  };
}

window.bench = { init, check, run, systems: Object.keys(SYSTEMS), say };
window.benchReady = true;
