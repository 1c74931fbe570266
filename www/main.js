// bystander demo page: decodes audio with the browser's decoder, computes the spectrogram
// image in wasm (`spectrogramImage`) and draws it with a time ruler and a frequency axis,
// and the foreground / background lanes from the wasm analyser (`analyze`).
// No DSP in JS; no network after the page, the wasm module and the sample have loaded;
// nothing is stored.
import { loadBystander } from './bystander-loader.js';

const SAMPLE_URL = 'samples/sample.wav';
const SAMPLE_RATE = 16000; // the analyser's rate; the browser's decoder resamples to it
const IMAGE_HEIGHT = 256;

const $ = (id) => document.getElementById(id);
const el = {
  build: $('build-info'),
  alert: $('alert'),
  status: $('status'),
  canvas: $('spectrogram'),
  freqAxis: $('freq-axis'),
  timeAxis: $('time-axis'),
  caption: $('caption'),
  colormap: $('colormap'),
  scale: $('frequency-scale'),
  range: $('range-db'),
  rangeOut: $('range-db-value'),
  gain: $('gain-db'),
  gainOut: $('gain-db-value'),
  file: $('file'),
  statSource: $('stat-source'),
  statDuration: $('stat-duration'),
  statFrames: $('stat-frames'),
  statTime: $('stat-time'),
  lanes: $('lanes'),
};

/** State exposed for tests and curious users (read-only by convention). */
const demo = {
  state: 'loading',
  version: null,
  simd: null,
  source: null, // 'sample' | 'file'
  fileName: null,
  sampleRate: SAMPLE_RATE,
  samples: 0, // decoded length in samples
  duration: 0, // seconds
  frames: 0, // spectrogram columns
  hopSeconds: 0.01,
  width: 0,
  height: 0,
  analysisMs: 0,
  labelMs: 0,
  options: null,
  segments: [], // [{ start, end, label, confidence, overlap }] of the current clip
  error: null,
};
window.bystanderDemo = demo;

let bystander = null;
let audio = null; // { samples: Float32Array, name, source }
let sampleAudio = null; // the decoded bundled sample, kept so showing it again needs no request
let loadToken = 0;

function setState(state) {
  demo.state = state;
  document.body.dataset.state = state;
}

function showError(message) {
  demo.error = message;
  el.alert.textContent = message;
  el.alert.hidden = false;
  setState('error');
  el.status.textContent = audio ? 'Error — still showing the previous audio' : 'Error';
}

function clearError() {
  demo.error = null;
  el.alert.hidden = true;
  el.alert.textContent = '';
}

function errorText(err) {
  if (err && typeof err === 'object' && 'message' in err && err.message) return err.message;
  return String(err);
}

// ---------------------------------------------------------------------------------------
// Decoding

/** Decodes any format the browser supports to mono Float32 at SAMPLE_RATE. */
async function decode(arrayBuffer) {
  const ctx = new OfflineAudioContext(1, 1, SAMPLE_RATE);
  const buffer = await ctx.decodeAudioData(arrayBuffer);
  const n = buffer.length;
  if (buffer.numberOfChannels === 1) return buffer.getChannelData(0).slice();
  // Average the channels (the only arithmetic done on samples in JS).
  const mono = new Float32Array(n);
  for (let c = 0; c < buffer.numberOfChannels; c++) {
    const ch = buffer.getChannelData(c);
    for (let i = 0; i < n; i++) mono[i] += ch[i];
  }
  const k = 1 / buffer.numberOfChannels;
  for (let i = 0; i < n; i++) mono[i] *= k;
  return mono;
}

async function loadSample() {
  const token = ++loadToken;
  setState('analysing');
  if (sampleAudio) {
    audio = sampleAudio;
    clearError();
    render();
    return;
  }
  el.status.textContent = 'Loading the sample…';
  try {
    const res = await fetch(SAMPLE_URL);
    if (!res.ok) throw new Error(`HTTP ${res.status} for ${SAMPLE_URL}`);
    const bytes = await res.arrayBuffer();
    el.status.textContent = 'Decoding…';
    const samples = await decode(bytes);
    if (token !== loadToken) return;
    sampleAudio = { samples, name: 'sample.wav', source: 'sample' };
    audio = sampleAudio;
    clearError();
    render();
  } catch (err) {
    if (token !== loadToken) return;
    showError(`Could not load the bundled sample: ${errorText(err)}`);
  }
}

async function loadFile(file) {
  const token = ++loadToken;
  setState('analysing');
  el.status.textContent = `Decoding ${file.name}…`;
  let samples;
  try {
    samples = await decode(await file.arrayBuffer());
    if (samples.length === 0) throw new Error('the file contains no audio samples');
  } catch (err) {
    if (token !== loadToken) return;
    // Keep the previous picture; the page stays usable.
    showError(`Could not decode ${file.name}: ${errorText(err)}`);
    return;
  }
  if (token !== loadToken) return;
  audio = { samples, name: file.name, source: 'file' };
  clearError();
  render();
}

// ---------------------------------------------------------------------------------------
// Rendering

function currentOptions() {
  return {
    colormap: el.colormap.value,
    frequencyScale: el.scale.value,
    rangeDb: Number(el.range.value),
    gainDb: Number(el.gain.value),
    height: IMAGE_HEIGHT,
  };
}

function render() {
  if (!bystander || !audio) return;
  setState('analysing');
  const options = currentOptions();
  let image;
  const t0 = performance.now();
  try {
    image = bystander.spectrogramImage(audio.samples, SAMPLE_RATE, options);
  } catch (err) {
    showError(`Analysis failed: ${errorText(err)}`);
    return;
  }
  const ms = performance.now() - t0;

  const { canvas } = el;
  canvas.width = image.width;
  canvas.height = image.height;
  canvas.getContext('2d').putImageData(new ImageData(image.rgba, image.width, image.height), 0, 0);

  Object.assign(demo, {
    source: audio.source,
    fileName: audio.name,
    samples: audio.samples.length,
    duration: audio.samples.length / SAMPLE_RATE,
    frames: image.width,
    width: image.width,
    height: image.height,
    analysisMs: ms,
    options,
  });

  // Labels once per clip (the display settings do not change them).
  if (!audio.report) {
    const t1 = performance.now();
    try {
      audio.report = bystander.analyze(audio.samples, SAMPLE_RATE);
    } catch (err) {
      showError(`Labelling failed: ${errorText(err)}`);
      return;
    }
    audio.labelMs = performance.now() - t1;
  }
  demo.labelMs = audio.labelMs;
  demo.segments = audio.report.segments.map(({ start, end, label, confidence, overlap }) => ({
    start, end, label, confidence, overlap,
  }));

  drawFrequencyAxis(options);
  drawTimeAxis();
  drawLanes(audio.report);
  updateText();
  clearError();
  setState('ready');
}

/** One element per labelled segment, in the lane of its label. */
function drawLanes(report) {
  const lanes = {};
  for (const lane of el.lanes.querySelectorAll('.lane')) {
    lane.replaceChildren();
    lanes[lane.dataset.lane] = lane;
  }
  const duration = demo.duration || 1;
  for (const s of report.segments) {
    const d = document.createElement('div');
    d.className = `segment${s.overlap ? ' overlap' : ''}`;
    d.setAttribute('role', 'listitem');
    d.tabIndex = 0;
    d.dataset.label = s.label;
    d.dataset.start = s.start.toFixed(3);
    d.dataset.end = s.end.toFixed(3);
    d.style.left = `${(100 * s.start) / duration}%`;
    d.style.width = `${(100 * (s.end - s.start)) / duration}%`;
    const c = s.cues;
    const text = `${s.label} ${s.start.toFixed(2)}-${s.end.toFixed(2)} s, confidence ${(100 * s.confidence).toFixed(0)} %`
      + `${s.overlap ? ', background under it' : ''}; level ${c.levelDb.toFixed(1)} dBFS`
      + ` (${c.relativeLevelDb >= 0 ? '+' : ''}${c.relativeLevelDb.toFixed(1)} dB re the foreground talker),`
      + ` reverb ${c.reverb.toFixed(1)} dB`;
    d.title = text;
    d.setAttribute('aria-label', text);
    lanes[s.label].append(d);
  }
}

function updateText() {
  const sample = audio.source === 'sample';
  el.statSource.textContent = sample ? 'bundled sample' : audio.name;
  el.statDuration.textContent = `${demo.duration.toFixed(2)} s`;
  el.statFrames.textContent = `${demo.frames} × 10 ms`;
  el.statTime.textContent = `${demo.analysisMs.toFixed(1)} ms image, ${demo.labelMs.toFixed(1)} ms labels`;
  el.status.textContent =
    `${demo.duration.toFixed(2)} s analysed in ${demo.analysisMs.toFixed(1)} ms`;
  el.canvas.setAttribute('aria-label',
    `Spectrogram of ${sample ? 'the bundled sample' : audio.name}, ${demo.duration.toFixed(2)} s`);

  el.caption.replaceChildren();
  if (sample) {
    el.caption.append(
      'Sample: a simulated review clip (a near talker, a background talker and a TV voice, '
        + 'with brown noise) built from LibriSpeech recordings, CC BY 4.0, Panayotov et al.; '
        + 'modified: resampled, reverberated, mixed. ',
    );
    const a = document.createElement('a');
    a.href = 'samples/ATTRIBUTION.md';
    a.textContent = 'Attribution';
    el.caption.append(a, '.');
  } else {
    el.caption.append(`${audio.name} — decoded in this tab, never uploaded. `);
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'link-button';
    b.textContent = 'Show the bundled sample again';
    b.addEventListener('click', () => loadSample());
    el.caption.append(b);
  }
}

// Frequency axis ---------------------------------------------------------------------------

const SLANEY_F_SP = 200 / 3;
const SLANEY_LOG_STEP = Math.log(6.4) / 27;
const SCALES = {
  linear: { fwd: (hz) => hz, fMin: 0, ticks: [0, 1, 2, 3, 4, 5, 6, 7, 8] },
  log: { fwd: (hz) => Math.log2(hz), fMin: 20, ticks: [0.05, 0.1, 0.2, 0.5, 1, 2, 4, 8] },
  mel: {
    // Slaney's mel scale, as used by the image renderer (axis placement only).
    fwd: (hz) => (hz < 1000 ? hz / SLANEY_F_SP : 15 + Math.log(hz / 1000) / SLANEY_LOG_STEP),
    fMin: 0,
    ticks: [0, 0.25, 0.5, 1, 2, 3, 4, 6, 8],
  },
};

function drawFrequencyAxis(options) {
  const scale = SCALES[options.frequencyScale];
  const fMax = SAMPLE_RATE / 2;
  const lo = scale.fwd(scale.fMin);
  const hi = scale.fwd(fMax);
  el.freqAxis.replaceChildren();
  for (const khz of scale.ticks) {
    const hz = khz * 1000;
    if (hz < scale.fMin || hz > fMax) continue;
    const frac = (scale.fwd(hz) - lo) / (hi - lo); // 0 at the bottom
    const tick = document.createElement('span');
    tick.className = 'tick';
    tick.style.top = `${((1 - frac) * 100).toFixed(3)}%`;
    if (frac < 0.02) tick.classList.add('edge-bottom');
    if (frac > 0.98) tick.classList.add('edge-top');
    tick.textContent = String(khz);
    el.freqAxis.append(tick);
  }
}

// Time ruler -------------------------------------------------------------------------------

const TIME_STEPS = [0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600];

function drawTimeAxis() {
  const axis = el.timeAxis;
  axis.replaceChildren();
  if (!demo.frames) return;
  const widthPx = el.canvas.clientWidth || 800;
  const frames = demo.frames;
  const hop = demo.hopSeconds;
  // Column i is centred on time i * hop; the canvas spans frames * hop seconds.
  const span = frames * hop;
  const minPx = 56;
  const step = TIME_STEPS.find((s) => (s / span) * widthPx >= minPx) ?? TIME_STEPS.at(-1);
  const decimals = step < 0.1 ? 2 : step < 1 ? 1 : 0;
  const last = (frames - 1) * hop;
  for (let k = 0; k * step <= last + 1e-9; k++) {
    const t = k * step;
    const frac = (t / hop + 0.5) / frames;
    const tick = document.createElement('span');
    tick.className = 'tick';
    tick.style.left = `${(frac * 100).toFixed(3)}%`;
    if (k === 0) tick.classList.add('first');
    tick.textContent = k === 0 ? `${t.toFixed(decimals)} s` : t.toFixed(decimals);
    axis.append(tick);
  }
}

// ---------------------------------------------------------------------------------------
// Controls, file input, drag and drop

let pending = false;
function scheduleRender() {
  el.rangeOut.textContent = `${el.range.value} dB`;
  el.gainOut.textContent = `${el.gain.value} dB`;
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    if (audio && demo.state !== 'loading') render();
  });
}

function wireControls() {
  for (const c of [el.colormap, el.scale]) c.addEventListener('change', scheduleRender);
  for (const c of [el.range, el.gain]) c.addEventListener('input', scheduleRender);
  $('controls').addEventListener('submit', (e) => e.preventDefault());

  el.file.addEventListener('change', () => {
    const file = el.file.files && el.file.files[0];
    if (file) loadFile(file);
    el.file.value = ''; // so that choosing the same file again fires `change`
  });

  let depth = 0;
  const hasFiles = (e) => e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');
  window.addEventListener('dragenter', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth++;
    document.body.classList.add('dragging');
  });
  window.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  });
  window.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) document.body.classList.remove('dragging');
  });
  window.addEventListener('drop', (e) => {
    e.preventDefault();
    depth = 0;
    document.body.classList.remove('dragging');
    const file = e.dataTransfer && e.dataTransfer.files[0];
    if (file && bystander) loadFile(file);
  });

  // Re-space the time ruler when the page width changes.
  new ResizeObserver(() => drawTimeAxis()).observe(el.canvas);
}

// ---------------------------------------------------------------------------------------

async function main() {
  wireControls();
  setState('analysing');
  try {
    bystander = await loadBystander();
  } catch (err) {
    el.build.textContent = 'The analyser could not be loaded.';
    showError(`Could not load the WebAssembly analyser: ${errorText(err)}`);
    return;
  }
  demo.version = bystander.version();
  demo.simd = bystander.simd;
  el.build.textContent =
    `Version ${demo.version} · ${demo.simd ? 'SIMD build (wasm simd128)' : 'portable build (no SIMD)'}`;
  await loadSample();
}

main();
