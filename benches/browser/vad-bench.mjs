#!/usr/bin/env node
// Browser benchmark of bystander's voice activity detector against two browser VADs.
//
//   node benches/browser/vad-bench.mjs [--minutes 60] [--runs 5] [--quick]
//        [--vadweb-minutes M] [--ort-threads N] [--no-nosimd] [--warmup S] [--systems a,b,..]
//        [--pkg /URL/PATH/]   (another bystander build: PATH/pkg and PATH/pkg-simd under the
//                              repo root; default /www/ through www/bystander-loader.js)
//
// Serves the repo root (scripts/serve.mjs: strict CSP, COOP/COEP; node_modules from the
// same origin), and for every run of every system opens a FRESH page (new browser
// context) benches/browser/vad-bench.html?system=NAME in headless Chromium
// (/usr/bin/chromium via playwright-core). The page loads only that system, generates
// the test signal (sample.wav tiled with silence gaps + low noise to --minutes of 16 kHz
// audio; not timed), warms the system up on the first --warmup seconds (default 30; not
// timed), then times one pass over the whole signal:
//   bystander-simd    VoiceActivityStream (spectrogram front end included, default
//                     options), SIMD build, 1 s blocks, then finish()
//   fvad              @echogarden/fvad-wasm (libfvad / WebRTC VAD) mode 3, 30 ms frames
//                     (480 int16 samples, conversion included) + py-webrtcvad's example
//                     collector (ring of 10 frames = 300 ms, >90% voiced / unvoiced), 1 s blocks
//   vad-web           @ricky0123/vad-web NonRealTimeVAD (Silero legacy) over the whole
//                     signal; onnxruntime-web wasm (SIMD build), --ort-threads threads
//                     (default 1 = single-threaded); model + ort files from /node_modules
//   bystander-nosimd  as bystander-simd, no-SIMD build (skip with --no-nosimd)
//   analyzer-simd     the whole analysis: AnalyzerStream (spectrogram + VAD +
//                     foreground/background labels), SIMD build, 1 s blocks, then finish()
//                     returning the final report (per-frame probabilities included)
//   analyzer-nosimd   as analyzer-simd, no-SIMD build (only with --systems)
// Runs alternate bystander-simd fvad vad-web bystander-nosimd ... for --runs rounds.
// Prints median/min/max, x real time, speech fractions (plausibility check against the
// tiled sample.rttm), the two target ratios (bystander >= 20x faster than vad-web, and
// >= 0.5x fvad's speed), bystander's peak wasm memory and a final `RESULT {json}` line.
// --quick = 2 minutes, 2 runs (smoke test). --vadweb-minutes M runs vad-web on the first M
// minutes only and scales its time to --minutes (said so in the output).
// Exits non-zero on page errors; missed targets are reported but are not an error.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../../scripts/chromium.mjs';
import { median, mib, pad, lpad } from './bench-util.mjs';
import { serve } from '../../scripts/serve.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

const USAGE = 'usage: node benches/browser/vad-bench.mjs [--minutes 60] [--runs 5] [--quick] '
  + '[--vadweb-minutes M] [--ort-threads N] [--no-nosimd] [--warmup S] [--systems a,b,..] [--pkg /www/]';
const ALL_SYSTEMS = ['bystander-simd', 'analyzer-simd', 'fvad', 'vad-web', 'bystander-nosimd', 'analyzer-nosimd'];
const DEFAULT_SYSTEMS = ['bystander-simd', 'analyzer-simd', 'fvad', 'vad-web', 'bystander-nosimd'];

function parseArgs(argv) {
  const opts = { minutes: 60, runs: 5, quick: false, vadwebMinutes: null, ortThreads: 1, nosimd: true, warmup: 30, systems: null, pkg: '/www/' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') opts.quick = true;
    else if (a === '--minutes') opts.minutes = Number(argv[++i]);
    else if (a === '--runs') opts.runs = Number(argv[++i]);
    else if (a === '--vadweb-minutes') opts.vadwebMinutes = Number(argv[++i]);
    else if (a === '--ort-threads') opts.ortThreads = Number(argv[++i]);
    else if (a === '--warmup') opts.warmup = Number(argv[++i]);
    else if (a === '--no-nosimd') opts.nosimd = false;
    else if (a === '--systems') opts.systems = argv[++i].split(',');
    else if (a === '--pkg') opts.pkg = argv[++i];
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  if (opts.quick) {
    if (!argv.includes('--minutes')) opts.minutes = 2;
    if (!argv.includes('--runs')) opts.runs = 2;
  }
  if (opts.vadwebMinutes == null || opts.vadwebMinutes > opts.minutes) opts.vadwebMinutes = opts.minutes;
  if (!(opts.minutes > 0) || !Number.isInteger(opts.runs) || opts.runs < 1 || !(opts.vadwebMinutes > 0)
    || !Number.isInteger(opts.ortThreads) || opts.ortThreads < 1 || !(opts.warmup >= 0)) {
    throw new Error(`bad arguments ${JSON.stringify(opts)}\n${USAGE}`);
  }
  if (!/^\/[\w./-]*\/$/.test(opts.pkg) || opts.pkg.includes('..')) throw new Error(`--pkg must be a URL path starting and ending with '/', got ${opts.pkg}`);
  if (!opts.systems) opts.systems = DEFAULT_SYSTEMS.filter((s) => opts.nosimd || s !== 'bystander-nosimd');
  for (const s of opts.systems) if (!ALL_SYSTEMS.includes(s)) throw new Error(`unknown system ${s}; known: ${ALL_SYSTEMS.join(', ')}`);
  opts.nosimd = opts.systems.includes('bystander-nosimd');
  return opts;
}

const pct = (x) => `${(100 * x).toFixed(1)}%`;

const LABELS = {
  'bystander-simd': 'bystander VAD (SIMD)',
  'fvad': 'fvad-wasm mode 3 + collector',
  'vad-web': 'vad-web NonRealTimeVAD',
  'bystander-nosimd': 'bystander VAD (no SIMD)',
  'analyzer-simd': 'bystander analysis (SIMD)',
  'analyzer-nosimd': 'bystander analysis (no SIMD)',
};

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const ORDER = ALL_SYSTEMS.filter((s) => opts.systems.includes(s));
  const has = (s) => ORDER.includes(s);
  const audioSeconds = opts.minutes * 60;
  const server = await serve({ root, port: 0 });
  let browser;
  try {
    browser = await launchChromium();

    // One fresh page (in its own browser context) per system per run.
    const onePage = async (sys) => {
      const pageErrors = [];
      const wasmFiles = new Set();
      const page = await browser.newPage();
      try {
        page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
        page.on('console', (m) => {
          if (m.type() === 'error') pageErrors.push(`console.error: ${m.text()} (${m.location().url})`);
        });
        page.on('requestfailed', (r) => pageErrors.push(`request failed: ${r.url()}`));
        page.on('request', (r) => {
          const u = new URL(r.url());
          if (u.origin !== new URL(server.url).origin && !u.protocol.startsWith('data')) {
            pageErrors.push(`request to another origin: ${r.url()}`);
          }
          if (u.pathname.endsWith('.wasm') || u.pathname.endsWith('.onnx')) wasmFiles.add(u.pathname);
        });
        page.on('response', (r) => {
          if (r.status() >= 400) pageErrors.push(`HTTP ${r.status()}: ${r.url()}`);
        });
        const failIfErrors = () => {
          if (pageErrors.length) throw new Error(`${sys}: page errors:\n  ${pageErrors.join('\n  ')}`);
        };
        page.setDefaultTimeout(0);
        const q = new URLSearchParams({ system: sys, ortThreads: String(opts.ortThreads), pkg: opts.pkg });
        await page.goto(`${server.url}benches/browser/vad-bench.html?${q}`);
        await page.waitForFunction(() => window.benchReady === true, null, { timeout: 60000 })
          .catch((e) => { failIfErrors(); throw e; });
        failIfErrors();
        const info = await page.evaluate((o) => window.bench.prepare(o), { minutes: opts.minutes, warmupSeconds: opts.warmup })
          .catch((e) => { failIfErrors(); throw e; });
        failIfErrors();
        const seconds = sys === 'vad-web' && opts.vadwebMinutes < opts.minutes ? opts.vadwebMinutes * 60 : undefined;
        const res = await page.evaluate((o) => window.bench.run(o), { seconds })
          .catch((e) => { failIfErrors(); throw e; });
        failIfErrors();
        // Time for the whole signal (vad-web on a prefix: scaled linearly).
        res.measuredSeconds = res.seconds;
        res.scale = audioSeconds / res.audioSeconds;
        res.seconds = res.measuredSeconds * res.scale;
        return { info, res, wasmFiles: [...wasmFiles].sort() };
      } finally {
        await page.context().close();
      }
    };

    console.log('bystander browser VAD benchmark');
    console.log(`  Chromium ${browser.version()} (headless, ${ORDER.length} systems, one fresh page per system per run)`);

    const results = Object.fromEntries(ORDER.map((s) => [s, []]));
    const first = {};
    const peakMem = {};
    for (let r = 0; r < opts.runs; r++) {
      const line = [];
      for (const sys of ORDER) {
        const { info, res, wasmFiles } = await onePage(sys);
        if (!first[sys]) {
          first[sys] = { info, res, wasmFiles };
          if (r === 0 && sys === ORDER[0]) {
            console.log(`  ${info.userAgent}; crossOriginIsolated=${info.crossOriginIsolated}, hardwareConcurrency=${info.hardwareConcurrency}`);
            console.log(`  signal: ${opts.minutes} min of 16 kHz audio (${info.samples} samples): www/samples/sample.wav (${info.clipSeconds} s) tiled ${info.tiles}x with gains 0.5-1.25 and 0.75-12 s silence gaps, + seeded white noise (~ -61 dBFS); generated per page in ${info.genSeconds.toFixed(1)} s (not timed)`);
            console.log(`  reference speech (sample.rttm, all speakers, tiled): ${pct(info.refFraction)} of the signal`);
            console.log(`  each page: load system, generate signal, warm up on the first ${opts.warmup} s (not timed), then one timed pass`);
            console.log(`  runs: ${opts.runs} per system, alternating ${ORDER.join(' ')} ...`);
            if (opts.pkg !== '/www/') console.log(`  NOTE: bystander builds loaded from ${opts.pkg}pkg-simd/ and ${opts.pkg}pkg/ (--pkg), not www/`);
            if (opts.vadwebMinutes < opts.minutes) {
              console.log(`  NOTE: vad-web runs on the first ${opts.vadwebMinutes} min only; its time is scaled x${(opts.minutes / opts.vadwebMinutes).toFixed(2)} to ${opts.minutes} min`);
            }
            console.log('');
          }
          const i = info.info;
          if (sys.startsWith('analyzer')) console.log(`  ${pad(sys, 17)} bystander ${i.version}, ${i.simd ? 'SIMD' : 'no-SIMD'} build (${i.url}), AnalyzerStream default options (spectrogram + VAD + labels), 1 s blocks + finish() report; wasm: ${wasmFiles.join(', ')}`);
          if (sys.startsWith('bystander')) console.log(`  ${pad(sys, 17)} bystander ${i.version}, ${i.simd ? 'SIMD' : 'no-SIMD'} build (${i.url}), VoiceActivityStream default options, 1 s blocks; wasm: ${wasmFiles.join(', ')}`);
          if (sys === 'fvad') console.log(`  ${pad(sys, 17)} @echogarden/fvad-wasm ${i.version}, mode 3, 30 ms frames (480 int16), collector: ${i.collector}, 1 s blocks; wasm: ${wasmFiles.join(', ')}`);
          if (sys === 'vad-web') console.log(`  ${pad(sys, 17)} @ricky0123/vad-web ${i.version} NonRealTimeVAD (${i.model}, ${i.frameSamples}-sample frames) on onnxruntime-web ${i.ortVersion}, numThreads=${res.ortThreadsInEffect} (${res.ortThreadsInEffect === 1 ? 'single-threaded' : 'multi-threaded'}), proxy off; files: ${wasmFiles.join(', ')}`);
        }
        results[sys].push(res);
        if (res.memBytes != null) peakMem[sys] = Math.max(peakMem[sys] ?? 0, res.memBytes);
        line.push(`${sys} ${res.seconds.toFixed(2)} s${res.scale !== 1 ? ` (scaled from ${res.measuredSeconds.toFixed(2)} s)` : ''}`);
      }
      console.log(`  round ${r + 1}/${opts.runs}: ${line.join('  ')}`);
    }

    const secs = Object.fromEntries(ORDER.map((s) => [s, results[s].map((x) => x.seconds)]));
    const med = Object.fromEntries(ORDER.map((s) => [s, median(secs[s])]));
    console.log(`\n${pad('system', 31)}${lpad('median s', 10)}${lpad('min s', 9)}${lpad('max s', 9)}${lpad('x real time', 13)}${lpad('segments', 10)}${lpad('speech', 8)}${lpad('prec', 7)}${lpad('recall', 8)}  wasm memory (peak)`);
    let plausible = true;
    const checks = {};
    for (const s of ORDER) {
      const xs = secs[s];
      const last = results[s][results[s].length - 1];
      const refF = last.refFraction;
      // Plausible: a speech fraction within 0.5x-1.5x of the reference and recall >= 0.5.
      const ok = last.speechFraction >= 0.5 * refF && last.speechFraction <= 1.5 * refF && last.recall >= 0.5;
      plausible &&= ok;
      checks[s] = { segments: last.segments, speechFraction: last.speechFraction, refFraction: refF,
        precision: last.precision, recall: last.recall, audioSeconds: last.audioSeconds, plausible: ok };
      console.log(`${pad(LABELS[s], 31)}${lpad(med[s].toFixed(3), 10)}${lpad(Math.min(...xs).toFixed(3), 9)}${lpad(Math.max(...xs).toFixed(3), 9)}${lpad((audioSeconds / med[s]).toFixed(0) + 'x', 13)}${lpad(last.segments, 10)}${lpad(pct(last.speechFraction), 8)}${lpad(last.precision.toFixed(2), 7)}${lpad(last.recall.toFixed(2), 8)}  ${mib(peakMem[s])}`);
    }
    const refFraction = checks[ORDER[0]].refFraction;
    console.log(`(speech = detected speech / audio; reference ${pct(refFraction)}; prec/recall vs the tiled sample.rttm on a 10 ms grid${opts.vadwebMinutes < opts.minutes ? `; vad-web's on its ${opts.vadwebMinutes}-min prefix` : ''})`);
    for (const s of ORDER) {
      if (!checks[s].plausible) console.log(`  WARNING: ${s} speech fraction ${pct(checks[s].speechFraction)} / recall ${checks[s].recall.toFixed(2)} is implausible (reference ${pct(refFraction)})`);
    }
    console.log(`speech fractions plausible (0.5x-1.5x of the reference, recall >= 0.5): ${plausible ? 'yes' : 'NO'}`);

    const scaledNote = opts.vadwebMinutes < opts.minutes ? `, vad-web scaled from ${opts.vadwebMinutes} min` : '';
    let vsVadWeb = null, vsFvad = null, t1 = null, t2 = null, simdGain = null;
    console.log('');
    if (has('bystander-simd') && has('vad-web')) {
      vsVadWeb = med['vad-web'] / med['bystander-simd'];
      t1 = vsVadWeb >= 20;
      console.log(`bystander is ${vsVadWeb.toFixed(1)}x faster than vad-web (medians ${med['vad-web'].toFixed(3)} s / ${med['bystander-simd'].toFixed(3)} s${scaledNote})`);
      console.log(`  target >= 20x: ${t1 ? 'MET' : 'NOT MET'}`);
    }
    if (has('bystander-simd') && has('fvad')) {
      vsFvad = med.fvad / med['bystander-simd']; // bystander speed / fvad speed
      t2 = vsFvad >= 0.5;
      console.log(`bystander runs at ${vsFvad.toFixed(2)}x fvad's speed (medians ${med.fvad.toFixed(3)} s / ${med['bystander-simd'].toFixed(3)} s)`);
      console.log(`  target >= 0.5x: ${t2 ? 'MET' : 'NOT MET'}`);
    }
    let aVadWeb = null, aFvad = null, t3 = null, t4 = null;
    if (has('analyzer-simd') && has('vad-web')) {
      aVadWeb = med['vad-web'] / med['analyzer-simd'];
      t3 = aVadWeb >= 20;
      console.log(`whole analysis (spectrogram + VAD + labels) is ${aVadWeb.toFixed(1)}x faster than vad-web (medians ${med['vad-web'].toFixed(3)} s / ${med['analyzer-simd'].toFixed(3)} s${scaledNote})`);
      console.log(`  target >= 20x: ${t3 ? 'MET' : 'NOT MET'}`);
    }
    if (has('analyzer-simd') && has('fvad')) {
      aFvad = med.fvad / med['analyzer-simd'];
      t4 = aFvad >= 0.4;
      console.log(`whole analysis runs at ${aFvad.toFixed(2)}x fvad's speed (medians ${med.fvad.toFixed(3)} s / ${med['analyzer-simd'].toFixed(3)} s)`);
      console.log(`  target >= 0.4x: ${t4 ? 'MET' : 'NOT MET'}`);
    }
    if (has('analyzer-simd')) {
      const last = results['analyzer-simd'][results['analyzer-simd'].length - 1];
      console.log(`  analysis labelled ${last.labelledSeconds.foreground.toFixed(0)} s foreground, ${last.labelledSeconds.background.toFixed(0)} s background; ${last.provisional} provisional segments while streaming`);
    }
    if (has('bystander-nosimd')) {
      const parts = [];
      if (has('bystander-simd')) {
        simdGain = med['bystander-nosimd'] / med['bystander-simd'];
        parts.push(`bystander SIMD build is ${simdGain.toFixed(2)}x the speed of the no-SIMD build`);
      }
      if (has('vad-web')) parts.push(`no-SIMD is ${(med['vad-web'] / med['bystander-nosimd']).toFixed(1)}x faster than vad-web`);
      if (has('fvad')) parts.push(`no-SIMD runs at ${(med.fvad / med['bystander-nosimd']).toFixed(2)}x fvad's speed`);
      console.log(parts.join('; '));
    }
    const memParts = ['bystander-simd', 'analyzer-simd', 'bystander-nosimd', 'analyzer-nosimd', 'fvad'].filter(has).map((s) => `${s} ${mib(peakMem[s])}`);
    if (memParts.length) console.log(`peak wasm memory (memory.buffer.byteLength after the timed run; wasm memory never shrinks): ${memParts.join(', ')}`);
    console.log(`Chromium ${browser.version()}`);

    const result = {
      chromium: browser.version(), minutes: opts.minutes, runs: opts.runs, sampleRate: 16000, blockSeconds: 1,
      warmupSeconds: opts.warmup, vadwebMinutes: opts.vadwebMinutes, vadwebScaled: opts.vadwebMinutes < opts.minutes,
      ortThreads: opts.ortThreads, bystanderPkg: opts.pkg,
      systems: ORDER,
      versions: Object.fromEntries(ORDER.map((s) => [s, first[s].info.info.version])),
      ortVersion: has('vad-web') ? first['vad-web'].info.info.ortVersion : null,
      medianSeconds: med, runsSeconds: secs,
      xRealTime: Object.fromEntries(ORDER.map((s) => [s, audioSeconds / med[s]])),
      speech: checks, plausible,
      wasmMemoryBytes: peakMem,
      bystanderFasterThanVadWeb: vsVadWeb, targetVadWeb20xMet: t1,
      bystanderSpeedOverFvad: vsFvad, targetFvadHalfMet: t2,
      simdSpeedup: simdGain,
      analysisFasterThanVadWeb: aVadWeb, targetAnalysisVadWeb20xMet: t3,
      analysisSpeedOverFvad: aFvad, targetAnalysisFvad04xMet: t4,
    };
    console.log(`RESULT ${JSON.stringify(result)}`);
  } finally {
    if (browser) await browser.close();
    await server.close();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`vad-bench failed: ${e && e.stack ? e.stack : e}`);
    process.exit(1);
  },
);
