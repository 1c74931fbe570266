// www/webm.js, the worker's WebM demuxer, in Node: a MediaRecorder file's track and packets,
// and cut or corrupted copies give an Error or packets, never another exception or a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readWebm } from '../../www/webm.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// 2 s of a 440 Hz tone recorded by Chromium's MediaRecorder (audio/webm;codecs=opus).
const TONE = new Uint8Array(fs.readFileSync(path.join(ROOT, 'tests/fixtures/audio/tone-chromium-recorder.webm')));

test('a MediaRecorder WebM: the Opus track, its OpusHead and its packets in time order', () => {
  const w = readWebm(TONE);
  assert.equal(w.codec, 'opus');
  assert.equal(w.sampleRate, 48000);
  assert.equal(w.channels, 2);
  assert.equal(new TextDecoder().decode(w.description.subarray(0, 8)), 'OpusHead');
  assert.equal(w.packets.length, 33);
  assert.equal(w.packets[0].start, 0);
  // Times in order (the recorder's are not evenly spaced), ending at 33 x 60 ms less one.
  for (let k = 1; k < w.packets.length; k++) assert.ok(w.packets[k].start >= w.packets[k - 1].start, `packet ${k}`);
  assert.ok(Math.abs(w.packets[32].start - 1.92) < 0.01, `last packet at ${w.packets[32].start} s`);
  assert.ok(w.packets.every((p) => p.data.length > 0));
});

test('not WebM, cut or corrupted copies: an Error or packets, nothing else', () => {
  assert.throws(() => readWebm(new Uint8Array(0)), /not a WebM/);
  assert.throws(() => readWebm(new TextEncoder().encode('RIFF....WAVE')), /not a WebM/);
  let seed = 5;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8);
  let errors = 0;
  let read = 0;
  for (let k = 0; k < 400; k++) {
    let b = TONE.slice();
    if (k % 2) b = b.subarray(0, rand() % b.length);
    else for (let n = 1 + (rand() % 32); n > 0; n--) b[rand() % b.length] = rand() & 255;
    try {
      const w = readWebm(b);
      assert.ok(w.packets.length > 0);
      read++;
    } catch (e) {
      assert.ok(e instanceof Error && /WebM/.test(e.message), `${e && e.constructor && e.constructor.name}: ${e && e.message}`);
      errors++;
    }
  }
  console.log(`# 400 cut/corrupted WebM copies: ${errors} Errors, ${read} read`);
  assert.ok(errors > 0 && read > 0);
});
