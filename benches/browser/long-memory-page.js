// Streams hours of audio through the wasm AnalyzerStream in 1 s blocks generated on the fly
// (www/samples/sample.wav tiled with gains 0.5-1.25, 0.75-12 s silence gaps and seeded white
// noise at about -61 dBFS, as the VAD benchmark's signal), so that only one block exists in
// JS at a time, and records the wasm memory (memory.buffer.byteLength) after every block.
const params = new URLSearchParams(location.search);
const hours = Number(params.get('hours') || 3);
const pkg = params.get('pkg') || 'pkg-simd';
const RATE = 16000;

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

async function run() {
  const mod = await import(`/www/${pkg}/bystander.js`);
  const wasm = await mod.default();
  const mem = () => wasm.memory.buffer.byteLength;
  const ctx = new OfflineAudioContext(1, 1, RATE);
  const clip = (await ctx.decodeAudioData(await (await fetch('/www/samples/sample.wav')).arrayBuffer()))
    .getChannelData(0);
  const random = rng(12345);
  const total = Math.round(hours * 3600 * RATE);
  // The tiled signal as a generator of 1 s blocks.
  let piece = null; let pieceAt = 0; let pieceGain = 1; let gapLeft = 0;
  const block = new Float32Array(RATE);
  const fill = () => {
    for (let i = 0; i < block.length; i++) {
      let v = 0;
      if (gapLeft > 0) {
        gapLeft--;
      } else {
        if (!piece) { piece = clip; pieceAt = 0; pieceGain = 0.5 + 0.75 * random(); }
        v = piece[pieceAt++] * pieceGain;
        if (pieceAt >= piece.length) { piece = null; gapLeft = Math.round((0.75 + 11.25 * random()) * RATE); }
      }
      block[i] = v + (random() - 0.5) * 0.0031;
    }
  };
  const startMem = mem();
  const stream = new mod.AnalyzerStream(RATE, {});
  let peak = mem(); let pushed = 0; let segments = 0;
  const t0 = performance.now();
  const status = document.getElementById('status');
  while (pushed < total) {
    fill();
    const n = Math.min(block.length, total - pushed);
    segments += stream.push(n === block.length ? block : block.subarray(0, n)).length;
    pushed += n;
    peak = Math.max(peak, mem());
    if (pushed % (600 * RATE) === 0) {
      status.textContent = `${(pushed / RATE / 60).toFixed(0)} min, wasm memory ${(mem() / 2 ** 20).toFixed(1)} MiB`;
      await new Promise((r) => setTimeout(r, 0));
    }
  }
  const peakBeforeFinish = peak;
  const report = stream.finish();
  const peakAfterFinish = Math.max(peak, mem());
  const seconds = (performance.now() - t0) / 1000;
  stream.free();
  // What the report holds: two Float32 probabilities per 10 ms frame plus the segments
  // (start, end, label, confidence, overlap and seven cues: ~ 12 numbers each).
  const reportBytes = 4 * (report.foregroundProbability.length + report.backgroundProbability.length)
    + 12 * 8 * report.segments.length + 3 * 8 * report.speech.length;
  return {
    hours, pkg, audioSeconds: total / RATE, seconds, startMiB: startMem / 2 ** 20,
    peakBeforeFinishMiB: peakBeforeFinish / 2 ** 20, peakAfterFinishMiB: peakAfterFinish / 2 ** 20,
    reportMiB: reportBytes / 2 ** 20, segments: report.segments.length, pushedSegments: segments,
    frames: report.foregroundProbability.length,
  };
}

window.result = run().catch((e) => ({ error: e.message }));
