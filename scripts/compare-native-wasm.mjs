// Determinism check: the native CLI and the wasm package give the same segments on every
// clip of a directory, and each gives bit-identical reports when run twice.
//
//   cargo build --release && bash scripts/build-wasm.sh
//   node scripts/compare-native-wasm.mjs [DIR ...]      (default: ../shared/data/dev/mixtures
//                                                         and ../shared/data/dev/real)
//
// For each 16-bit PCM WAV: `target/release/bystander analyze --format json --no-frames` (run
// twice), and the wasm `analyze` of www/pkg (no SIMD) and www/pkg-simd in Node (each run
// twice) on the same samples (channels averaged, int16 / 32768, as the CLI's decoder does).
// Prints, per clip, the segment counts, label disagreements and the largest boundary
// difference; exits 1 unless every clip has the same count and labels with boundaries within
// 20 ms, and every repeated run is identical.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TOLERANCE_S = 0.02;

/** Reads a 16-bit PCM WAV: { samples (mono, averaged), rate }. */
export function readWav(file) {
  const b = fs.readFileSync(file);
  if (b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error(`${file}: not a RIFF/WAVE file`);
  }
  let at = 12;
  let fmt = null;
  while (at + 8 <= b.length) {
    const id = b.toString('ascii', at, at + 4);
    const size = b.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      fmt = { tag: b.readUInt16LE(at + 8), channels: b.readUInt16LE(at + 10),
        rate: b.readUInt32LE(at + 12), bits: b.readUInt16LE(at + 22) };
    } else if (id === 'data') {
      if (!fmt || fmt.tag !== 1 || fmt.bits !== 16) throw new Error(`${file}: not 16-bit PCM`);
      const n = Math.floor(Math.min(size, b.length - at - 8) / (2 * fmt.channels));
      const samples = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        let sum = 0;
        for (let c = 0; c < fmt.channels; c++) sum += b.readInt16LE(at + 8 + 2 * (i * fmt.channels + c)) / 32768;
        samples[i] = sum / fmt.channels;
      }
      return { samples, rate: fmt.rate };
    }
    at += 8 + size + (size & 1);
  }
  throw new Error(`${file}: no data chunk`);
}

async function loadWasm(dir) {
  const mod = await import(path.join(ROOT, 'www', dir, 'bystander.js'));
  mod.initSync({ module: fs.readFileSync(path.join(ROOT, 'www', dir, 'bystander_bg.wasm')) });
  return mod;
}

const segs = (report) => report.segments.map((s) => ({ start: s.start, end: s.end, label: s.label }));

/** Compares two segment lists: { sameCount, labelDiffs, maxDiffMs }. */
function compare(a, b) {
  const n = Math.min(a.length, b.length);
  let labelDiffs = Math.abs(a.length - b.length);
  let maxDiff = 0;
  for (let i = 0; i < n; i++) {
    if (a[i].label !== b[i].label) labelDiffs++;
    maxDiff = Math.max(maxDiff, Math.abs(a[i].start - b[i].start), Math.abs(a[i].end - b[i].end));
  }
  return { sameCount: a.length === b.length, labelDiffs, maxDiffMs: maxDiff * 1000 };
}

async function main() {
  const dirs = process.argv.slice(2);
  if (dirs.length === 0) {
    dirs.push(path.join(ROOT, '../shared/data/dev/mixtures'), path.join(ROOT, '../shared/data/dev/real'));
  }
  const cli = path.join(ROOT, 'target/release/bystander');
  if (!fs.existsSync(cli)) throw new Error('build the CLI first: cargo build --release');
  const builds = { wasm: await loadWasm('pkg'), 'wasm-simd': await loadWasm('pkg-simd') };
  const files = dirs.flatMap((d) => fs.readdirSync(d).filter((f) => f.endsWith('.wav')).sort()
    .map((f) => path.join(d, f)));
  let failures = 0;
  console.log('clip                 native  build      count  labels  max diff   repeat');
  for (const file of files) {
    const native = () => JSON.parse(execFileSync(cli, ['analyze', '--format', 'json', '--no-frames', file],
      { maxBuffer: 1 << 30 }).toString());
    const n1 = native();
    const n2 = native();
    const nativeRepeat = JSON.stringify(n1) === JSON.stringify(n2);
    const { samples, rate } = readWav(file);
    for (const [name, mod] of Object.entries(builds)) {
      const w1 = mod.analyze(samples, rate, {});
      const w2 = mod.analyze(samples, rate, {});
      const repeat = nativeRepeat && JSON.stringify(w1) === JSON.stringify(w2) &&
        w1.foregroundProbability.every((p, i) => Object.is(p, w2.foregroundProbability[i]));
      const c = compare(segs(n1), segs(w1));
      const ok = c.sameCount && c.labelDiffs === 0 && c.maxDiffMs <= TOLERANCE_S * 1000 && repeat;
      if (!ok) failures++;
      console.log(`${path.basename(file).padEnd(20)} ${String(n1.segments.length).padStart(6)}  ` +
        `${name.padEnd(9)} ${String(w1.segments.length).padStart(6)}  ${String(c.labelDiffs).padStart(6)}  ` +
        `${c.maxDiffMs.toFixed(1).padStart(6)} ms  ${repeat ? 'identical' : 'DIFFERENT'}${ok ? '' : '  FAIL'}`);
    }
  }
  console.log(`\nnative vs wasm: ${files.length} clips x 2 builds, ${failures} failing ` +
    `(same count and labels, boundaries within ${TOLERANCE_S * 1000} ms, repeated runs identical)`);
  process.exit(failures ? 1 : 0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e.message);
    process.exit(2);
  });
}
