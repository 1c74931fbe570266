// Compressed files in the review page. FLAC, MP3 and Ogg Vorbis are decoded in the analysis
// worker by the package's AudioFileDecoder (symphonia, the CLI's decoder): the page's
// segments must equal the CLI's for the same file. Ogg Opus, which that decoder does not
// decode, is demuxed there by AudioPacketReader and decoded there by WebCodecs: its segments
// must equal those of the browser's decodeAudioData. M4A/AAC goes to decodeAudioData. The files are the bundled sample in
// other containers, rates and channel counts (tests/fixtures/audio/make.sh).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { decodeWav } from './wav.mjs';
import { ROOT, SHOTS, setup, openPage, waitClip, laneSegments, compareWithCli, decodeAudioDataSegments, wavBytes } from './helpers.mjs';

const FIXTURES = path.join(ROOT, 'tests/fixtures/audio');
const SAMPLE_SECONDS = 248000 / 16000; // www/samples/sample.wav: 15.5 s
let env;
let page;
let log;
let wavSegments;

before(async () => {
  env = await setup();
  ({ page, log } = await openPage(env));
  await waitClip(page, 'sample.wav');
  wavSegments = await laneSegments(page);
});

after(async () => {
  await env?.close();
});

/** Opens a fixture through the file input; returns the clip, its lane segments and the time. */
async function open(name) {
  const t0 = Date.now();
  await page.setInputFiles('#file', path.join(FIXTURES, name));
  await waitClip(page, name);
  const ms = Date.now() - t0;
  const clip = await page.evaluate(() => window.bystanderDemo.reviewer.clip);
  return { clip, segments: await laneSegments(page), ms };
}

/** Share of 10 ms steps of the clip at which two segmentations give the same label. */
function agreement(a, b, seconds) {
  const at = (segs, t) => segs.find((s) => s.start <= t && t < s.end)?.label ?? '';
  let same = 0;
  const steps = Math.floor(seconds * 100);
  for (let i = 0; i < steps; i++) if (at(a, (i + 0.5) / 100) === at(b, (i + 0.5) / 100)) same++;
  return same / steps;
}

for (const [name, format, rate, channels] of [
  ['sample-16k-mono.flac', 'FLAC', 16000, 1],
  ['sample-44k-stereo.mp3', 'MP3', 44100, 2],
  ['sample-48k-mono.ogg', 'Ogg Vorbis', 48000, 1],
]) {
  test(`${format} is decoded in the worker and matches the CLI`, async () => {
    const before = log.requests.length;
    const { clip, segments, ms } = await open(name);
    assert.equal(clip.decoder, 'bystander');
    assert.equal(clip.format, format);
    assert.equal(clip.sampleRate, rate);
    assert.equal(clip.channels, channels);
    assert.ok(Math.abs(clip.duration - SAMPLE_SECONDS) < 0.001, `duration ${clip.duration} s`);
    assert.deepEqual(clip.warnings, []);
    if (format === 'MP3') await page.screenshot({ path: path.join(SHOTS, 'review-mp3.png'), fullPage: true });

    const worst = await compareWithCli(segments, path.join(FIXTURES, name));
    assert.ok(worst <= 0.02, `largest boundary difference ${worst * 1000} ms`);
    const same = agreement(segments, wavSegments, SAMPLE_SECONDS);
    console.log(`# ${name}: decoded in the worker, ${segments.length} segments, page vs CLI largest boundary difference ${(worst * 1000).toFixed(1)} ms; `
      + `labels equal to the WAV's for ${(100 * same).toFixed(1)} % of the clip; file input to ready ${ms} ms (from the test process, Playwright round trips included)`);
    assert.ok(same >= 0.98, `labels agree with the WAV's for ${same}`);
    assert.deepEqual(log.requests.slice(before), [], 'no request');
  });
}

for (const [name, format, decoder] of [['sample-48k-mono.opus', 'Ogg Opus', 'webcodecs'], ['sample-16k-mono.m4a', 'mp4', 'browser']]) {
  test(`${format} is decoded ${decoder === 'webcodecs' ? 'in the worker by WebCodecs' : 'by the page'}, as decodeAudioData decodes it`, async () => {
    const before = log.requests.length;
    const { clip, segments, ms } = await open(name);
    assert.equal(clip.decoder, decoder);
    assert.equal(clip.format, format);
    assert.ok(Math.abs(clip.duration - SAMPLE_SECONDS) < 0.001, `duration ${clip.duration} s (encoder delay dropped)`);
    assert.deepEqual(log.requests.slice(before), [], 'no request');
    // The same segments as the browser's decodeAudioData of the same file.
    const ref = await decodeAudioDataSegments(page, fs.readFileSync(path.join(FIXTURES, name)), clip.sampleRate);
    assert.equal(clip.length, ref.length, 'as many frames as decodeAudioData gives');
    assert.equal(segments.length, ref.segments.length, 'same number of segments as with decodeAudioData');
    let worst = 0;
    for (let i = 0; i < segments.length; i++) {
      assert.equal(segments[i].label, ref.segments[i].label, `segment ${i} label`);
      worst = Math.max(worst, Math.abs(segments[i].start - ref.segments[i].start), Math.abs(segments[i].end - ref.segments[i].end));
    }
    assert.ok(worst <= 0.02, `largest boundary difference ${worst * 1000} ms`);
    const same = agreement(segments, wavSegments, SAMPLE_SECONDS);
    console.log(`# ${name}: decoded ${decoder === 'webcodecs' ? 'in the worker (WebCodecs)' : 'by the page (decodeAudioData)'} at ${clip.sampleRate} Hz, ${segments.length} segments, vs decodeAudioData largest boundary difference ${(worst * 1000).toFixed(1)} ms; `
      + `labels equal to the WAV's for ${(100 * same).toFixed(1)} % of the clip (low-bitrate coding); file input to ready ${ms} ms (from the test process, Playwright round trips included)`);
    assert.ok(same >= 0.9, `labels agree with the WAV's for ${same}`);
  });
}

test('a corrupt MP3 is refused with a message and the page stays usable', async () => {
  // An MP3 frame header followed by garbage: neither decoder gets audio out of it.
  const bad = path.join(env.tmp, 'broken.mp3');
  const bytes = Buffer.alloc(4000, 0x5a);
  bytes.set([0xff, 0xfb, 0x90, 0x64]);
  fs.writeFileSync(bad, bytes);
  await page.setInputFiles('#file', bad);
  await page.waitForFunction(() => document.body.dataset.state === 'error', null, { polling: 50 });
  assert.match(await page.textContent('#alert'), /^Could not (decode|analyse) broken\.mp3: /);
  const { clip } = await open('sample-16k-mono.flac');
  assert.equal(clip.decoder, 'bystander');
  assert.deepEqual(log.pageErrors, []);
});

/**
 * Drops `bytes` on the page as a file and returns the milliseconds (in the page's clock) from
 * the drop event until the clip is ready with its lane elements in the DOM, at the next
 * animation frame (when they are painted).
 */
async function dropAndTime(bytes, name, type) {
  return page.evaluate(async ({ b64, name, type }) => {
    const bin = atob(b64);
    const buf = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) buf[i] = bin.charCodeAt(i);
    const dt = new DataTransfer();
    dt.items.add(new File([buf], name, { type }));
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    for (const kind of ['dragenter', 'dragover', 'drop']) {
      window.dispatchEvent(new DragEvent(kind, { dataTransfer: dt, bubbles: true, cancelable: true }));
    }
    await new Promise((resolve) => {
      const check = () => {
        const clip = window.bystanderDemo.reviewer.clip;
        if (document.body.dataset.state === 'ready' && clip && clip.name === name
          && document.querySelector('.bysr-lanes .segment')) resolve();
        else requestAnimationFrame(check);
      };
      check();
    });
    return performance.now() - t0;
  }, { b64: Buffer.from(bytes).toString('base64'), name, type });
}

test('time from dropping a 30 s clip to seeing its labelled segments (printed)', async () => {
  // The sample repeated to 30 s: a 16 kHz WAV, and an MP3 (two copies of the Xing-less one).
  const sample = decodeWav(fs.readFileSync(path.join(ROOT, 'www/samples/sample.wav'))).channels[0];
  const x = new Float32Array(30 * 16000);
  for (let i = 0; i < x.length; i += sample.length) x.set(sample.subarray(0, Math.min(sample.length, x.length - i)), i);
  const wav = wavBytes([x], 16000);
  const mp3One = fs.readFileSync(path.join(FIXTURES, 'sample-16k-mono-noxing.mp3'));
  const mp3 = Buffer.concat([mp3One, mp3One]);
  const figures = {};
  for (const [bytes, name, type] of [[wav, 'thirty.wav', 'audio/wav'], [mp3, 'thirty.mp3', 'audio/mpeg']]) {
    const runs = [];
    for (let k = 0; k < 5; k++) {
      await page.evaluate(() => window.bystanderDemo.showSample());
      await waitClip(page, 'sample.wav');
      runs.push(await dropAndTime(bytes, name, type));
    }
    runs.sort((a, b) => a - b);
    figures[name] = runs;
    const clip = await page.evaluate(() => window.bystanderDemo.reviewer.clip);
    // The MP3 keeps each copy's encoder delay and padding (no Xing header to trim them): 31.2 s.
    assert.ok(clip.duration >= 30 && clip.duration < 31.5, `${name}: ${clip.duration} s`);
    console.log(`# drop a ${clip.duration.toFixed(1)} s ${name.endsWith('.wav') ? '16 kHz WAV' : '16 kHz MP3 (decoded in the worker)'} -> labelled segments on screen: `
      + `median ${runs[2].toFixed(0)} ms, min ${runs[0].toFixed(0)}, max ${runs[4].toFixed(0)} ms (5 drops)`);
  }
  const segs = await laneSegments(page);
  assert.ok(segs.some((s) => s.label === 'foreground') && segs.some((s) => s.label === 'background'));
});
