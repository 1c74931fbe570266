// Node (no browser): spectrogram tiles are columns of the whole-clip image, at the base hop
// (the package's spectrogramTile) and at coarser levels (gathered frames); the page's text
// formats and redacted WAV encoder on their own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import init, * as b from '../../www/pkg/bystander.js';
import { tileImage } from '../../www/tiles.js';
import { redactedWavParts, silencedIntervals, toTextGrid, parseReport, reportJson } from '../../www/exports.js';
import { decodeWav } from './wav.mjs';
import { parseWavHeader, sniffAudio, wavToFloat } from '../../www/audio-format.js';
import { ROOT, wavBytes } from './helpers.mjs';

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

test('TextGrid of no segments covers the clip; a report round-trips through JSON', () => {
  assert.match(toTextGrid([], 2.5), /intervals: size = 1\n {8}intervals \[1\]:\n {12}xmin = 0\n {12}xmax = 2\.5\n {12}text = ""/);
  const report = b.analyze(sample, 16000);
  const text = reportJson(report, report.segments, { file: 'sample.wav', edits: 0 });
  const back = parseReport(text, 'sample.wav');
  assert.equal(back.segments.length, report.segments.length);
  assert.equal(back.duration, 15.5);
  assert.throws(() => parseReport('{"segments":[{"start":1,"end":0,"label":"foreground"}]}'), /bad start\/end/);
});
