// mediabunny (npm) against www/webm.js, for the analysis worker: bundle size of what the
// worker would import, and what each does with cut or corrupted files (the inputs of
// tests/js/webm.test.mjs, and the same for the M4A fixture). Results: docs/npm.md.
//
// Installs nothing itself. Run it from a scratch folder that has mediabunny and esbuild:
//   mkdir -p /tmp/mbeval && cd /tmp/mbeval && npm init -y >/dev/null &&
//   npm install --no-save mediabunny@1.61.0 esbuild@0.28.2 &&
//   node /path/to/bystander/benches/mediabunny-eval.mjs
// Each demux runs in a child process, so a hang (timeout) or a crash is seen and counted.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import zlib from 'node:zlib';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = path.join(ROOT, 'tests/fixtures/audio');
const WEBM_JS = path.join(ROOT, 'www/webm.js');
const TIMEOUT_MS = 5000;
// A case that raises the child's peak RSS by more than this counts as a huge allocation.
const HUGE_MB = 200;
const MODULES = path.join(process.cwd(), 'node_modules');
const MB_PKG = JSON.parse(fs.readFileSync(path.join(MODULES, 'mediabunny/package.json'), 'utf8'));
const MB_ESM = path.join(MODULES, 'mediabunny', MB_PKG.exports['.'].default);

/** The inputs of tests/js/webm.test.mjs: 400 copies, odd ones cut, even ones with 1..32 bytes changed. */
function mutations(original, count = 400) {
  let seed = 5;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8);
  const out = [];
  for (let k = 0; k < count; k++) {
    let b = original.slice();
    if (k % 2) b = b.subarray(0, rand() % b.length);
    else for (let n = 1 + (rand() % 32); n > 0; n--) b[rand() % b.length] = rand() & 255;
    out.push(b);
  }
  return out;
}

/**
 * The fixture's bytes; `:live` sets its Segment and Cluster sizes to "unknown" (the fixture was
 * finalised: known sizes, SeekHead, Cues), as a MediaRecorder writing in timeslices leaves them;
 * `:hand` is one hand-made input: the SeekHead's ID (bytes 48..51) overwritten with 83 80 80 80
 * and the file cut to half its length.
 */
function load(spec) {
  const [file, variant] = spec.split(':');
  const live = variant === 'live';
  const b = new Uint8Array(fs.readFileSync(file));
  if (variant === 'hand') {
    b.set([0x83, 0x80, 0x80, 0x80], 48);
    return b.subarray(0, b.length >> 1);
  }
  if (live) {
    const UNKNOWN = [0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
    for (const id of [[0x18, 0x53, 0x80, 0x67], [0x1f, 0x43, 0xb6, 0x75]]) {
      for (let i = 0; i + 12 <= b.length; i++) {
        // An element with an 8-byte size field (the fixture's Segment and Cluster have one).
        if (id.every((v, k) => b[i + k] === v) && b[i + 4] === 0x01) b.set(UNKNOWN, i + 4);
      }
    }
  }
  return b;
}

// ---------------------------------------------------------------- child: demux one input
async function demuxMediabunny(bytes) {
  const mb = await import(pathToFileURL(MB_ESM).href);
  const input = new mb.Input({ source: new mb.BufferSource(bytes), formats: [mb.WEBM, mb.MP4] });
  const track = await input.getPrimaryAudioTrack();
  if (!track) throw new Error('no audio track');
  await track.getDecoderConfig();
  let packets = 0;
  for await (const p of new mb.EncodedPacketSink(track).packets()) if (p.data.length > 0) packets++;
  return packets;
}

async function demuxWebmJs(bytes) {
  const { readWebm } = await import(pathToFileURL(WEBM_JS).href);
  return readWebm(bytes).packets.length;
}

async function child() {
  const [, , , which, file] = process.argv;
  const demux = which === 'mediabunny' ? demuxMediabunny : demuxWebmJs;
  const cases = file.endsWith(':hand') ? [load(file)] : mutations(load(file));
  const start = Number(process.argv[5]);
  let unhandled = null;
  process.on('unhandledRejection', (e) => { unhandled = e; });
  for (let k = start; k < cases.length; k++) {
    process.send({ k, started: true });
    const peakBefore = process.resourceUsage().maxRSS;
    let result;
    try {
      const packets = await demux(cases[k]);
      result = { packets };
    } catch (e) {
      const name = e && e.constructor ? e.constructor.name : typeof e;
      result = { error: name, message: String(e && e.message).slice(0, 120) };
    }
    await new Promise((r) => setImmediate(r));
    if (unhandled) result.unhandled = String(unhandled && unhandled.message).slice(0, 120);
    unhandled = null;
    result.peakMb = (process.resourceUsage().maxRSS - peakBefore) / 1024;
    await new Promise((r) => process.send({ k, ...result }, r));
  }
  process.exit(0);
}

// ---------------------------------------------------------------- parent: run all inputs
/** Runs the 400 inputs of `file` through `which`, restarting the child after a hang or crash. */
async function robustness(which, file, total = 400) {
  const results = new Array(total);
  let next = 0;
  while (next < total) {
    await new Promise((resolve) => {
      const proc = spawn(process.execPath, ['--max-old-space-size=1024', fileURLToPath(import.meta.url), 'child', which, file, String(next)],
        { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], cwd: process.cwd() });
      let current = next;
      let timer = null;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => { results[current] = { k: current, hang: true }; next = current + 1; proc.kill('SIGKILL'); }, TIMEOUT_MS);
      };
      proc.on('message', (m) => {
        if (m.started) { current = m.k; arm(); return; }
        clearTimeout(timer);
        results[m.k] = m;
        next = m.k + 1;
      });
      proc.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (next === current && !results[current]) { results[current] = { k: current, crash: `exit ${code} ${signal || ''}`.trim() }; next = current + 1; }
        resolve();
      });
    });
  }
  const count = (f) => results.filter(f).length;
  const internal = (r) => r.error && /^(TypeError|RangeError|ReferenceError|SyntaxError)$/.test(r.error);
  const cut = (r) => r.k % 2 === 1;
  const summary = {
    cutWithPackets: count((r) => cut(r) && r.packets > 0),
    changedWithPackets: count((r) => !cut(r) && r.packets > 0),
    packets: count((r) => r.packets > 0),
    noPackets: count((r) => r.packets === 0),
    cleanError: count((r) => r.error && !internal(r)),
    internalError: count(internal),
    hang: count((r) => r.hang),
    crash: count((r) => r.crash),
    unhandledRejection: count((r) => r.unhandled),
    hugeAlloc: count((r) => r.peakMb > HUGE_MB),
    maxPeakMb: Math.round(Math.max(0, ...results.map((r) => r.peakMb || 0))),
  };
  const messages = new Map();
  for (const r of results) if (r.error) {
    const key = `${r.error}: ${r.message.replace(/\d+/g, 'N')}`;
    messages.set(key, (messages.get(key) || 0) + 1);
  }
  return { summary, messages: [...messages].sort((a, b) => b[1] - a[1]).slice(0, 8) };
}

async function sizes() {
  const esbuild = (await import(pathToFileURL(path.join(MODULES, 'esbuild/lib/main.js')).href)).default;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mbeval-'));
  // Only the input side: a source over the bytes, the format(s), the track's config, its packets.
  const mbEntry = (formats) => `import { Input, BufferSource, EncodedPacketSink, ${formats} } from 'mediabunny';
export async function readAudio(bytes) {
  const input = new Input({ source: new BufferSource(bytes), formats: [${formats}] });
  const track = await input.getPrimaryAudioTrack();
  const config = await track.getDecoderConfig();
  const packets = [];
  for await (const p of new EncodedPacketSink(track).packets()) packets.push(p);
  return { config, packets };
}\n`;
  const entries = {
    'www/webm.js': `export { readWebm } from ${JSON.stringify(WEBM_JS)};\n`,
    'mediabunny WEBM': mbEntry('WEBM'),
    'mediabunny WEBM + MP4': mbEntry('WEBM, MP4'),
    'mediabunny ALL_FORMATS': mbEntry('ALL_FORMATS'),
  };
  const rows = [];
  for (const [name, source] of Object.entries(entries)) {
    const entry = path.join(dir, name.replace(/\W+/g, '_') + '.mjs');
    fs.writeFileSync(entry, source);
    const out = await esbuild.build({ entryPoints: [entry], bundle: true, minify: true, treeShaking: true,
      format: 'esm', platform: 'browser', target: 'es2022', nodePaths: [MODULES], write: false, logLevel: 'silent' });
    const code = out.outputFiles[0].contents;
    rows.push({ name, min: code.length, gzip: zlib.gzipSync(code, { level: 9 }).length });
  }
  fs.rmSync(dir, { recursive: true });
  return { esbuild: esbuild.version, rows };
}

async function main() {
  console.log(`mediabunny ${MB_PKG.version}, node ${process.version}`);
  const s = await sizes();
  console.log(`\nBundle sizes (esbuild ${s.esbuild}, minified, tree-shaken, esm; gzip -9 via zlib)`);
  for (const r of s.rows) console.log(`  ${r.name.padEnd(24)} ${String(r.min).padStart(8)} B min  ${String(r.gzip).padStart(7)} B gzip`);

  const webm = path.join(FIXTURES, 'tone-chromium-recorder.webm');
  const m4a = path.join(FIXTURES, 'sample-16k-mono.m4a');
  const runs = [['webm.js', webm], ['mediabunny', webm], ['webm.js', `${webm}:live`], ['mediabunny', `${webm}:live`], ['mediabunny', m4a]];
  console.log(`\nRobustness: 400 copies each (odd: cut at a random byte, even: 1..32 random bytes changed), ${TIMEOUT_MS} ms timeout`);
  for (const [which, file] of runs) {
    const t0 = Date.now();
    const r = await robustness(which, file);
    console.log(`  ${which} on ${path.basename(file)} (${((Date.now() - t0) / 1000).toFixed(1)} s): ${JSON.stringify(r.summary)}`);
    for (const [m, n] of r.messages) console.log(`      ${String(n).padStart(3)} x ${m}`);
  }
  console.log('\nOne hand-made input: the WebM fixture with bytes 48..51 (the SeekHead ID) set to 83 80 80 80, cut to half');
  for (const which of ['webm.js', 'mediabunny']) {
    const r = await robustness(which, `${webm}:hand`, 1);
    console.log(`  ${which}: ${JSON.stringify(r.summary)}`);
    for (const [m, n] of r.messages) console.log(`      ${String(n).padStart(3)} x ${m}`);
  }
}

if (process.argv[2] === 'child') await child();
else await main();
