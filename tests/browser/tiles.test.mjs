// Node (no browser): spectrogram tiles are columns of the whole-clip image, at the base hop
// (the package's spectrogramTile) and at coarser levels (gathered frames); the page's text
// formats and redacted WAV encoder on their own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import init, * as b from '../../www/pkg/bystander.js';
import { tileImage } from '../../www/tiles.js';
import { redactedWavParts, silencedIntervals, policyStretches, overlapShare, toTextGrid, parseReport, reportJson } from '../../www/exports.js';
import { decodeWav } from './wav.mjs';
import { parseWavHeader, sniffAudio, wavToFloat } from '../../www/audio-format.js';
import { execFileSync } from 'node:child_process';
import { ROOT, wavBytes, cliBinary } from './helpers.mjs';

await init({ module_or_path: fs.readFileSync(path.join(ROOT, 'www/pkg/bystander_bg.wasm')) });
const sample = decodeWav(fs.readFileSync(path.join(ROOT, 'www/samples/sample.wav'))).channels[0];
const OPTIONS = { colormap: 'viridis', frequencyScale: 'mel', rangeDb: 80, gainDb: 20, height: 64, fMax: 8000 };

function columns(img, from, n) {
  const out = new Uint8Array(n * img.height * 4);
  for (let y = 0; y < img.height; y++) {
    out.set(img.rgba.subarray(4 * (y * img.width + from), 4 * (y * img.width + from + n)), 4 * y * n);
  }
  return out;
}

for (const [name, hop] of [['base hop (spectrogramTile)', 160], ['level 2', 640], ['level 6 (hop > nFft: gathered frames)', 10240]]) {
  test(`tiles equal the whole-clip image's columns: ${name}`, () => {
    const whole = b.spectrogramImage(sample, 16000, { nFft: 512, winLength: 512, window: 'hann', hopLength: hop, center: true, padMode: 'constant', ...OPTIONS });
    const total = 1 + Math.floor(sample.length / hop);
    assert.equal(whole.width, total);
    const count = Math.min(40, Math.floor(total / 2));
    for (const first of [0, Math.floor((total - count) / 2), total - count]) {
      const tile = tileImage(b, sample, sample.length, 16000, { first, count, hop, nFft: 512, options: OPTIONS });
      assert.equal(tile.width, count);
      assert.deepEqual(Buffer.from(columns(tile, 0, count)), Buffer.from(columns(whole, first, count)), `columns ${first}..${first + count}`);
    }
  });
}

test('WAV parsing in the worker matches the decoder scale; compressed headers give their rate', () => {
  const x = new Float32Array([0, 0.5, -0.5, 0.25]);
  const bytes = wavBytes([x, x], 44100);
  const h = parseWavHeader(new Uint8Array(bytes), bytes.length);
  assert.deepEqual([h.sampleRate, h.channels, h.bits, h.frames], [44100, 2, 16, 4]);
  const ch = wavToFloat(new Uint8Array(bytes.subarray(h.dataOffset)), h);
  assert.equal(ch[1][1], Math.round(0.5 * 32767) / 32768);
  assert.equal(parseWavHeader(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), 12), null);
  assert.equal(sniffAudio(new Uint8Array(bytes)).sampleRate, 44100);
  // FLAC STREAMINFO with 48 kHz.
  const flac = new Uint8Array(42);
  flac.set([0x66, 0x4c, 0x61, 0x43, 0, 0, 0, 34]);
  flac[8 + 10] = (48000 >> 12) & 0xff; flac[8 + 11] = (48000 >> 4) & 0xff; flac[8 + 12] = (48000 & 15) << 4;
  assert.deepEqual(sniffAudio(flac), { container: 'flac', sampleRate: 48000 });
  // MPEG-1 layer III, 44.1 kHz frame header.
  assert.deepEqual(sniffAudio(new Uint8Array([0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0])), { container: 'mp3', sampleRate: 44100 });
});

test('a WAV whose data length claims more than the file holds: decoded with the core\'s warning, word for word', async () => {
  const x = new Float32Array(16000).map((_, i) => 0.3 * Math.sin(i / 5));
  const whole = wavBytes([x], 16000);
  const cut = new Uint8Array(whole.subarray(0, 44 + 2 * 8000)); // half the samples
  const placeholder = new Uint8Array(whole);
  new DataView(placeholder.buffer).setUint32(40, 0xfffffff0, true); // a recorder's placeholder
  const dir = fs.mkdtempSync(path.join(ROOT, 'target', 'wavwarn-'));
  const cli = await cliBinary();
  for (const [name, bytes] of [['cut.wav', cut], ['placeholder.wav', placeholder]]) {
    const h = parseWavHeader(bytes, bytes.length);
    assert.ok(h.warning, `${name}: a warning`);
    fs.writeFileSync(path.join(dir, name), bytes);
    const report = JSON.parse(execFileSync(cli, ['analyze', '--format', 'json', name], { cwd: dir, encoding: 'utf8' }));
    assert.ok(report.warnings.includes(h.warning), `${name}: ${JSON.stringify(h.warning)} among the CLI's ${JSON.stringify(report.warnings)}`);
  }
  assert.equal(parseWavHeader(new Uint8Array(whole), whole.length).warning, null, 'a whole file: no warning');
  fs.rmSync(dir, { recursive: true });
});

test('redaction: exact zeros inside silenced stretches, 10 ms ramps outside, strict adds overlaps', () => {
  const segs = [
    { start: 0.5, end: 1, label: 'foreground', overlap: true },
    { start: 1, end: 1.5, label: 'background' },
    { start: 1.5, end: 2, label: 'foreground' },
  ];
  assert.deepEqual(silencedIntervals(segs), [[1, 1.5]]);
  assert.deepEqual(silencedIntervals(segs, { strict: true }), [[0.5, 1.5]]);
  const x = new Float32Array(32000).fill(0.5);
  const wav = Buffer.concat([...redactedWavParts([x], { channels: 1, sampleRate: 16000, length: 32000, intervals: [[1, 1.5]] })].map((p) => Buffer.from(p)));
  const y = decodeWav(wav).channels[0];
  for (let i = 16000; i < 24000; i++) assert.equal(y[i], 0);
  assert.ok(y[15999] > 0 && y[15999] < 0.01, 'ramp ends at the start');
  assert.ok(Math.abs(y[16000 - 80] - 0.25) < 0.01, 'half way 5 ms before');
  assert.ok(Math.abs(y[24000 + 160] - 0.5) < 0.001, 'full gain 10 ms after');
  assert.ok(Math.abs(y[10000] - 0.5) < 0.001);
});

test('lower overlaps: background exact zeros, overlaps at -20 dB, ramps on the louder side; short pieces take the lower gain', () => {
  const segs = [
    { start: 0.5, end: 1, label: 'foreground', overlap: true },
    { start: 1, end: 1.5, label: 'background' },
    { start: 1.5, end: 2, label: 'foreground' },
    { start: 2.005, end: 2.5, label: 'foreground', overlap: true }, // 5 ms after a plain one
    { start: 2.5, end: 2.508, label: 'foreground', overlap: true },
    { start: 2.508, end: 3, label: 'background' },
  ];
  const share = overlapShare(segs);
  assert.ok(Math.abs(share.foreground - 1.503) < 1e-9 && Math.abs(share.overlap - 1.003) < 1e-9 && Math.abs(share.share - 1.003 / 1.503) < 1e-9, JSON.stringify(share));
  const st = policyStretches(segs, { overlap: 'lower', overlapGainDb: -20 });
  assert.deepEqual(st.map(([a, b, g]) => [a, b, Number(g.toFixed(6))]), [[0.5, 1, 0.1], [1, 1.5, 0], [2.005, 2.508, 0.1], [2.508, 3, 0]]);
  assert.deepEqual(policyStretches(segs, { overlap: 'mute' }), [[0.5, 1.5, 0], [2.005, 3, 0]]);
  // A lowered stretch of 8 ms between muted ones cannot hold two ramps: it is muted.
  assert.deepEqual(policyStretches([{ start: 1, end: 2, label: 'background' }, { start: 2, end: 2.008, label: 'foreground', overlap: true },
    { start: 2.008, end: 3, label: 'background' }], { overlap: 'lower' }), [[1, 3, 0]]);
  const x = new Float32Array(4 * 16000).fill(0.5);
  const wav = Buffer.concat([...redactedWavParts([x], { channels: 1, sampleRate: 16000, length: x.length, intervals: st })].map((p) => Buffer.from(p)));
  const y = decodeWav(wav).channels[0];
  const q = 1 / 32767; // 16-bit step
  for (let i = 16000; i < 24000; i++) assert.equal(y[i], 0, `muted sample ${i}`);
  for (let i = 8000; i < 16000 - 161; i++) assert.ok(Math.abs(y[i] - 0.05) <= q, `lowered sample ${i}: ${y[i]}`);
  for (let i = 16000 - 160; i < 16000; i++) assert.ok(y[i] <= 0.05 + q && y[i] >= 0, 'ramp from the lowered level to 0 inside the lowered stretch');
  assert.ok(Math.abs(y[8000 - 80] - 0.275) < 0.01, 'half way 5 ms before the lowered stretch');
  assert.ok(Math.abs(y[7000] - 0.5) <= q, 'full gain before');
});

test('TextGrid of no segments covers the clip; a report round-trips through JSON', () => {
  assert.match(toTextGrid([], 2.5), /intervals: size = 1\n {8}intervals \[1\]:\n {12}xmin = 0\n {12}xmax = 2\.5\n {12}text = ""/);
  const report = b.analyze(sample, 16000);
  const text = reportJson(report, report.segments, { file: 'sample.wav', edits: 0 });
  const back = parseReport(text, 'sample.wav');
  assert.equal(back.segments.length, report.segments.length);
  assert.equal(back.duration, 15.5);
  assert.throws(() => parseReport('{"segments":[{"start":1,"end":0,"label":"foreground"}]}'), /bad start\/end/);
});
