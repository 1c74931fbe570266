#!/usr/bin/env node
// Browser benchmark of bystander's spectrogram engine against a JS STFT on fft.js.
//
//   node benches/browser/spectrogram-bench.mjs [--minutes 60] [--runs 5] [--quick]
//
// Serves the repo root (scripts/serve.mjs: strict CSP, COOP/COEP), opens
// benches/browser/spectrogram-bench.html in headless Chromium (/usr/bin/chromium via
// playwright-core), generates the test signal once in the page (16 kHz, --minutes long)
// and streams it in 1 s blocks through each system, timing only the push/finish loop:
//   A bystander-simd         SIMD build, log-mel {preset:'librosa', db:true} (64 mels,
//                            n_fft 512, hop 160, power 2, dB; the FFT in f64)
//   B fftjs                  fft.js realTransform magnitude STFT, periodic Hann, 512/160
//   C bystander-nosimd       no-SIMD build, same log-mel
// Each system is warmed up once (on up to 60 s of audio), then runs alternate
// A B C A B C ... for --runs rounds. Prints medians/min/max, x real time, the ratio
// of medians (target: bystander >= 2x faster than fft.js), SIMD vs no-SIMD, and a final `RESULT {json}` line. --quick = 2 minutes, 2 runs (smoke test).
// Exits non-zero on page errors; a missed 2x target is reported but is not an error.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../../scripts/chromium.mjs';
import { median, mib, pad, lpad } from './bench-util.mjs';
import { serve } from '../../scripts/serve.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

function parseArgs(argv) {
  const opts = { minutes: 60, runs: 5, quick: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') opts.quick = true;
    else if (a === '--minutes') opts.minutes = Number(argv[++i]);
    else if (a === '--runs') opts.runs = Number(argv[++i]);
    else if (a === '--help' || a === '-h') {
      console.log('usage: node benches/browser/spectrogram-bench.mjs [--minutes 60] [--runs 5] [--quick]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (opts.quick) {
    if (!argv.includes('--minutes')) opts.minutes = 2;
    if (!argv.includes('--runs')) opts.runs = 2;
  }
  if (!(opts.minutes > 0) || !Number.isInteger(opts.runs) || opts.runs < 1) {
    throw new Error(`bad --minutes ${opts.minutes} / --runs ${opts.runs}`);
  }
  return opts;
}


const LABELS = {
  'bystander-simd': 'A bystander SIMD log-mel',
  'fftjs': 'B fft.js magnitude STFT',
  'bystander-nosimd': 'C bystander no-SIMD log-mel',
};
const ORDER = ['bystander-simd', 'fftjs', 'bystander-nosimd'];

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const pageErrors = [];
  const server = await serve({ root, port: 0 });
  let browser;
  try {
    browser = await launchChromium();
    const page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(`console.error: ${m.text()} (${m.location().url})`);
    });
    page.on('requestfailed', (r) => pageErrors.push(`request failed: ${r.url()}`));
    page.on('response', (r) => {
      if (r.status() >= 400) pageErrors.push(`HTTP ${r.status()}: ${r.url()}`);
    });
    const failIfErrors = () => {
      if (pageErrors.length) throw new Error(`page errors:\n  ${pageErrors.join('\n  ')}`);
    };
    page.setDefaultTimeout(0);

    await page.goto(`${server.url}benches/browser/spectrogram-bench.html`);
    await page.waitForFunction(() => window.benchReady === true || window.__failed, null, { timeout: 60000 })
      .catch((e) => { failIfErrors(); throw e; });
    failIfErrors();

    const info = await page.evaluate((o) => window.bench.init(o), { minutes: opts.minutes });
    const audioSeconds = info.samples / 16000;
    console.log('bystander browser spectrogram benchmark');
    console.log(`  Chromium ${browser.version()} (headless), ${info.userAgent}`);
    console.log(`  bystander ${info.version} (SIMD build) / ${info.versionNoSimd} (no-SIMD build); crossOriginIsolated=${info.crossOriginIsolated}`);
    console.log(`  signal: ${opts.minutes} min of 16 kHz audio (${info.samples} samples, generated in ${info.genSeconds.toFixed(1)} s, not timed), fed in 1 s blocks (16000 samples)`);
    console.log(`  runs: ${opts.runs} per system, alternating ${ORDER.map((s) => LABELS[s][0]).join(' ')} ...; warm-up once per system on ${Math.min(60, audioSeconds)} s`);

    const check = await page.evaluate(() => window.bench.check());
    console.log('\nbaseline check: fft.js STFT (streamed) vs bystander linear magnitude (batch, nFft 512, hop 160, center false, power 1, double)');
    let checkOk = true;
    for (const [build, c] of Object.entries(check)) {
      const ok = c.maxErrOverPeak < 1e-5;
      checkOk &&= ok;
      console.log(`  ${pad(build, 7)} ${c.frames} frames x ${c.bins} bins: max |err| / peak = ${c.maxErrOverPeak.toExponential(2)}, max rel err (entries > 1e-3 peak) = ${c.maxRelAbove1e3.toExponential(2)} ${ok ? 'OK' : 'MISMATCH'}`);
    }
    if (!checkOk) throw new Error('fft.js baseline does not match bystander linear STFT');
    failIfErrors();

    for (const sys of ORDER) {
      const w = await page.evaluate(([s, secs]) => window.bench.run(s, secs), [sys, 60]);
      console.log(`  warm-up ${pad(sys, 22)} ${w.audioSeconds} s audio in ${w.seconds.toFixed(3)} s`);
    }
    failIfErrors();

    const results = Object.fromEntries(ORDER.map((s) => [s, []]));
    const last = {};
    console.log('');
    for (let r = 0; r < opts.runs; r++) {
      const line = [];
      for (const sys of ORDER) {
        const res = await page.evaluate((s) => window.bench.run(s), sys);
        results[sys].push(res.seconds);
        if (!last[sys] || (res.memBytes ?? 0) > (last[sys].memBytes ?? 0)) last[sys] = res;
        else last[sys] = { ...res, memBytes: last[sys].memBytes };
        line.push(`${LABELS[sys][0]} ${res.seconds.toFixed(3)} s`);
      }
      console.log(`  round ${r + 1}/${opts.runs}: ${line.join('  ')}`);
      failIfErrors();
    }

    const med = Object.fromEntries(ORDER.map((s) => [s, median(results[s])]));
    console.log(`\n${pad('system', 38)}${lpad('median s', 10)}${lpad('min s', 9)}${lpad('max s', 9)}${lpad('x real time', 13)}${lpad('frames', 9)}${lpad('bins', 6)}  wasm memory (peak)`);
    for (const s of ORDER) {
      const xs = results[s];
      console.log(`${pad(LABELS[s], 38)}${lpad(med[s].toFixed(3), 10)}${lpad(Math.min(...xs).toFixed(3), 9)}${lpad(Math.max(...xs).toFixed(3), 9)}${lpad((audioSeconds / med[s]).toFixed(0) + 'x', 13)}${lpad(last[s].frames, 9)}${lpad(last[s].bins, 6)}  ${s === 'fftjs' ? '-' : mib(last[s].memBytes)}`);
    }

    const ratio = med.fftjs / med['bystander-simd'];
    const simdGain = med['bystander-nosimd'] / med['bystander-simd'];
    const nosimdVsJs = med.fftjs / med['bystander-nosimd'];
    const target = ratio >= 2;
    console.log('');
    console.log(`bystander (SIMD, log-mel) is ${ratio.toFixed(2)}x faster than fft.js (ratio of medians ${med.fftjs.toFixed(3)} s / ${med['bystander-simd'].toFixed(3)} s)`);
    console.log(`  2x target: ${target ? 'MET' : 'NOT MET'} (${ratio.toFixed(2)}x ${target ? '>=' : '<'} 2.00x)`);
    console.log(`bystander no-SIMD build is ${nosimdVsJs.toFixed(2)}x faster than fft.js`);
    console.log(`SIMD changed: SIMD build is ${simdGain.toFixed(2)}x the speed of the no-SIMD build (median ${med['bystander-nosimd'].toFixed(3)} s -> ${med['bystander-simd'].toFixed(3)} s, ${((1 - med['bystander-simd'] / med['bystander-nosimd']) * 100).toFixed(1)}% less time)`);

    const result = {
      chromium: browser.version(), bystander: info.version, minutes: opts.minutes, runs: opts.runs,
      blockSeconds: 1, sampleRate: 16000,
      medianSeconds: med,
      runsSeconds: results,
      xRealTime: Object.fromEntries(ORDER.map((s) => [s, audioSeconds / med[s]])),
      frames: Object.fromEntries(ORDER.map((s) => [s, last[s].frames])),
      wasmMemoryBytes: { simd: last['bystander-simd'].memBytes, nosimd: last['bystander-nosimd'].memBytes },
      ratioFftjsOverBystanderSimd: ratio, target2xMet: target,
      simdSpeedup: simdGain, baselineCheck: check,
    };
    console.log(`RESULT ${JSON.stringify(result)}`);
    failIfErrors();
  } finally {
    if (browser) await browser.close();
    await server.close();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`spectrogram-bench failed: ${e && e.stack ? e.stack : e}`);
    process.exit(1);
  },
);
