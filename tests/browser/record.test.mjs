// Live capture: Chromium's fake microphone plays speech (the bundled sample cut in four,
// with 1.5 s pauses); the capture worklet feeds the worker's streaming analyser; provisional
// labels must appear while recording for each speech segment (the analyser's VAD segment,
// which it labels when the segment closes). Then "Stop" analyses the recording.
// The delay from the end of a speech segment to its labels (target 500 ms) is printed, not
// asserted: it depends on how Chromium's fake capture keeps time on a loaded machine (a CI
// run saw 1.25 s once where this machine sees 0.39 s), and speed targets live in figures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeWav } from './wav.mjs';
import { ROOT, SHOTS, setup, openPage, waitClip, wavBytes, openMenu } from './helpers.mjs';

let env;
let page;
let log;
let micDir;

before(async () => {
  // The sample in four parts with 1.5 s of silence after each (the VAD closes a segment in
  // every pause), then 3 s of silence: 27.5 s in all.
  const x = decodeWav(fs.readFileSync(path.join(ROOT, 'www/samples/sample.wav'))).channels[0];
  const cuts = [0, 3.45, 9.1, 12.7, 15.5].map((t) => Math.round(t * 16000));
  const parts = [];
  for (let i = 0; i + 1 < cuts.length; i++) parts.push(x.subarray(cuts[i], cuts[i + 1]), new Float32Array(24000));
  parts.push(new Float32Array(48000));
  const y = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((o, p) => { y.set(p, o); return o + p.length; }, 0);
  micDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bystander-mic-'));
  const micFile = path.join(micDir, 'mic.wav');
  fs.writeFileSync(micFile, wavBytes([y], 16000));
  env = await setup({
    args: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${micFile}%noloop`],
  });
  ({ page, log } = await openPage(env));
  await waitClip(page, 'sample.wav');
});

after(async () => {
  await env?.close();
  if (micDir) fs.rmSync(micDir, { recursive: true, force: true });
});

test('recording shows provisional labels as each speech segment ends, then analyses the recording', async () => {
  const before = log.requests.length;
  const served = env.served.length;
  await openMenu(page, 'more'); // recording is in the More menu; while it runs, the menu stays open
  await page.click('#record');
  await page.waitForFunction(() => document.body.dataset.state === 'recording');
  // The file plays for 27.5 s; its four speech segments close in the pauses.
  await page.waitForFunction(() => window.bystanderDemo.reviewer.debug.liveDelays.length >= 3, null, { timeout: 30000 });
  await page.screenshot({ path: path.join(SHOTS, 'review-recording.png'), fullPage: true });
  await page.waitForFunction(() => window.bystanderDemo.reviewer.position > 27.8, null, { timeout: 45000, polling: 200 });
  const lanes = await page.locator('.bysr-lanes .segment').count();
  const delays = await page.evaluate(() => window.bystanderDemo.reviewer.debug.liveDelays);
  await page.click('#record');
  await page.waitForFunction(() => document.body.dataset.state === 'ready'
    && window.bystanderDemo.reviewer.clip.source === 'recording', null, { timeout: 30000 });

  const speechEnds = [...new Set(delays.map((d) => d.speechEnd))];
  assert.ok(delays.length >= 4, `${delays.length} provisional labels`);
  // Labels for at least three of the four speech parts came while recording (the last one
  // may close only at Stop), each after the end of its speech segment, none before it.
  assert.ok(speechEnds.length >= 3, `labels after ${speechEnds.length} speech-segment ends`);
  assert.ok(delays.every((d) => d.delayMs > 0), 'no label before the end of its speech segment');
  assert.ok(lanes > 0, 'provisional segments drawn in the lanes while recording');
  const ms = delays.map((d) => d.delayMs).sort((a, b) => a - b);
  const runs = delays.map((d) => d.runDelayMs).sort((a, b) => a - b);
  const max = ms[ms.length - 1];
  console.log(`# live labels: ${delays.length} labelled runs pushed after ${speechEnds.length} speech-segment ends; `
    + `from the end of a speech segment to its labels in the page: median ${ms[Math.floor(ms.length / 2)].toFixed(0)} ms, max ${max.toFixed(0)} ms; `
    + `from the end of each labelled run: median ${runs[Math.floor(runs.length / 2)].toFixed(0)} ms, max ${runs[runs.length - 1].toFixed(0)} ms`);

  const clip = await page.evaluate(() => window.bystanderDemo.reviewer.clip);
  assert.ok(clip.duration > 27, `recorded ${clip.duration} s`);
  const segs = await page.evaluate(() => window.bystanderDemo.reviewer.segments);
  assert.ok(segs.some((s) => s.label === 'foreground'));
  assert.deepEqual(log.requests.slice(before), [], 'no request while recording (browser)');
  assert.deepEqual(env.served.slice(served), [], 'no request while recording (server)');
  assert.deepEqual(log.pageErrors, []);
  assert.deepEqual(log.consoleErrors, []);
});
