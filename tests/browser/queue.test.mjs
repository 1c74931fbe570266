// Browser test of the review queue (www/reviewer/queue.js) at 1024x768: three clips opened at
// once (the sample, a trimmed copy and a quieter copy written to a temp dir), ] and [ move
// between them with their edits kept, the privacy readout, the queue export and import,
// how fast an already analysed clip comes up, and the question before opening files over
// unsaved reviews. Screenshot: docs/review-queue-1024.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { decodeWav } from './wav.mjs';
import { ROOT, setup, openPage, waitClip, waitTiles, laneSegments, wavBytes } from './helpers.mjs';

let env;
let page;
let files;

before(async () => {
  env = await setup();
  ({ page } = await openPage(env, env.server.url, { viewport: { width: 1024, height: 768 } }));
  await waitClip(page, 'sample.wav');
  const wav = decodeWav(fs.readFileSync(path.join(ROOT, 'www/samples/sample.wav')));
  const x = wav.channels[0];
  const trimmed = x.slice(Math.round(2 * wav.sampleRate));
  const quieter = x.map((v) => v * 0.5);
  files = [path.join(ROOT, 'www/samples/sample.wav'), path.join(env.tmp, 'clip-trimmed.wav'), path.join(env.tmp, 'clip-quieter.wav')];
  fs.writeFileSync(files[1], wavBytes([trimmed], wav.sampleRate));
  fs.writeFileSync(files[2], wavBytes([quieter], wav.sampleRate));
});

after(async () => {
  await env?.close();
});

const dataset = () => page.evaluate(() => ({ clip: document.body.dataset.clip, state: document.body.dataset.state, privacy: document.body.dataset.privacyState }));
const waitClipIndex = (v) => page.waitForFunction((want) => document.body.dataset.clip === want && document.body.dataset.state === 'ready', v, { polling: 50 });
/** Leaves the note field (the shortcuts are not taken in text fields). */
const blur = () => page.evaluate(() => document.activeElement.blur());
/** Waits until the next clip was analysed in the background. */
const waitAnalysed = (i) => page.waitForFunction((k) => window.bystanderDemo.reviewer.queue.clips[k].analysed, i, { polling: 50 });

test('three clips at once: ] and [ move between them, edits kept, lanes in view, privacy readout', async () => {
  // The page asks before replacing a queue with reviews: the sample has none yet.
  await page.setInputFiles('#file', files);
  await waitClipIndex('1/3');
  assert.equal((await dataset()).privacy, 'muted', 'background is muted by default');
  assert.equal(await page.textContent('#privacy-badge'), 'Background: MUTED');

  // Flip the first segment's label on clip 1.
  const before = await laneSegments(page);
  await page.keyboard.press('n');
  const sel = await page.evaluate(() => window.bystanderDemo.reviewer.selected);
  assert.ok(sel, 'n selects a segment');
  await page.keyboard.press('x');
  // The lanes are redrawn on the next animation frame, which a loaded machine may delay.
  await page.waitForFunction((s) => [...document.querySelectorAll('.bysr-lanes .segment')]
    .some((e) => Number(e.dataset.start) === s.start && e.dataset.label !== s.label), sel, { polling: 50, timeout: 5000 })
    .catch(() => {});
  const flipped = (await laneSegments(page)).find((s) => s.start === sel.start);
  assert.notEqual(flipped.label, sel.label, 'x flips it');

  await waitAnalysed(1);
  await page.keyboard.press(']');
  await waitClipIndex('2/3');
  assert.equal(await page.evaluate(() => window.bystanderDemo.reviewer.clip.name), 'clip-trimmed.wav');
  await page.keyboard.press('[');
  await waitClipIndex('1/3');
  const back = await laneSegments(page);
  assert.equal(back.length, before.length);
  assert.equal(back.find((s) => s.start === sel.start).label, flipped.label, 'the flip is still there after coming back');
  // Its undo history came back too.
  assert.equal(await page.evaluate(() => document.getElementById('undo').disabled), false);

  // Every main control, the views, the status lines and the queue's summary lie inside the
  // 1024x768 viewport (the page scrolled to the top).
  await page.evaluate(() => window.scrollTo(0, 0));
  const main = ['.bysr-toolbar > .bysr-group > .bysr-open > span', '#play', '#time', '#rate', '#loop', '.bysr-zoom-out', '.bysr-zoom-in', '.bysr-zoom-fit',
    '#undo', '#reveal', '#privacy-badge', '#privacy-menu > summary', '#view-menu > summary', '#export-menu > summary',
    '#more-menu > summary', '.bysr-help-button', '.bysr-prev-clip', '.bysr-next-clip', '#verdict-accept', '#verdict-fix',
    '#note', '#queue-summary', '#status', '.bysr-status-counts', '#privacy-line', '#overlap-warning', '#overview',
    '#spectrogram', '#lanes', '#time-axis'];
  for (const sel2 of main) {
    const box = await page.locator(sel2).boundingBox();
    assert.ok(box && box.width > 0 && box.x >= 0 && box.y >= 0 && box.x + box.width <= 1024 && box.y + box.height <= 768, `${sel2} inside the viewport: ${JSON.stringify(box)}`);
  }
  // The lanes lie directly under the spectrogram; the counts of the status line are whole.
  const [spec, lanes] = await Promise.all(['.bysr-canvas-wrap', '#lanes'].map((q) => page.locator(q).boundingBox()));
  assert.ok(Math.abs(lanes.y - (spec.y + spec.height)) <= 1, `lanes right under the spectrogram: ${spec.y + spec.height} / ${lanes.y}`);
  assert.ok(await page.$eval('.bysr-status-counts', (e) => e.scrollWidth <= e.clientWidth && e.getBoundingClientRect().right <= e.parentElement.getBoundingClientRect().right + 0.5), 'the counts are not cut');

  // The privacy readout changes with m and s.
  await page.keyboard.press('m');
  assert.equal((await dataset()).privacy, 'audible');
  assert.equal(await page.textContent('#privacy-badge'), 'Background: AUDIBLE');
  await page.keyboard.press('s');
  assert.equal((await dataset()).privacy, 'skipped');
  await page.keyboard.press('s');
  await page.keyboard.press('m');
  assert.equal((await dataset()).privacy, 'muted');
});

test('verdicts and notes; the queue export holds every clip and re-imports to the same state', async () => {
  await page.keyboard.press('a');
  await page.fill('#note', 'flipped the first segment');
  await blur();
  await page.keyboard.press(']');
  await waitClipIndex('2/3');
  await page.keyboard.press('!');
  await page.fill('#note', 'check the start');
  await blur();
  await waitAnalysed(2);
  await page.keyboard.press(']');
  await waitClipIndex('3/3');
  await page.keyboard.press('a');
  const summary = await page.textContent('#queue-summary');
  assert.match(summary, /2 accepted · 1 needs fixing · 0 new · 2 notes/);

  const exported = await page.evaluate(async () => JSON.parse(await (await window.bystanderDemo.reviewer.exportAs('queue')).text()));
  assert.equal(exported.clips.length, 3);
  assert.deepEqual(exported.clips.map((c) => c.verdict), ['accept', 'needs-fix', 'accept']);
  assert.deepEqual(exported.clips.map((c) => c.note), ['flipped the first segment', 'check the start', '']);
  for (const c of exported.clips) assert.ok(c.report && Array.isArray(c.report.segments) && c.report.segments.length > 0, `${c.name} has its report`);
  assert.equal(exported.clips[0].edits, 1);
  assert.ok(exported.clips[0].report.segments.some((s) => s.edited));

  // Change things, then import the export: the same state again.
  await page.evaluate(() => {
    const r = window.bystanderDemo.reviewer;
    r.setVerdict('needs-fix');
    r.setNote('changed');
  });
  await page.keyboard.press('[');
  await waitClipIndex('2/3');
  await page.keyboard.press('!'); // clears clip 2's verdict
  await page.evaluate((json) => window.bystanderDemo.reviewer.importReport(json), JSON.stringify(exported));
  const again = await page.evaluate(async () => JSON.parse(await (await window.bystanderDemo.reviewer.exportAs('queue')).text()));
  assert.deepEqual(again, exported, 'the import restores the queue');
  assert.equal(await page.inputValue('#note'), 'check the start');
});

test('] and [ bring up the next analysed clip with its labels (time printed; target 100 ms)', async () => {
  const times = [];
  for (let i = 0; i < 5; i++) {
    const ms = await page.evaluate(() => new Promise((resolve) => {
      const want = document.body.dataset.clip === '2/3' ? '3/3' : '2/3';
      const key = want === '3/3' ? ']' : '[';
      const t0 = performance.now();
      const done = () => {
        if (document.body.dataset.clip === want && document.body.dataset.state === 'ready' && document.querySelector('#lanes .segment')) {
          // The labels are on screen at the next frame.
          requestAnimationFrame(() => resolve(performance.now() - t0));
          return true;
        }
        return false;
      };
      const mo = new MutationObserver(() => { if (done()) mo.disconnect(); });
      mo.observe(document.body, { attributes: true, attributeFilter: ['data-clip', 'data-state'] });
      document.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
      if (done()) mo.disconnect();
    }));
    times.push(ms);
  }
  times.sort((a, b) => a - b);
  const median = times[2];
  console.log(`# queue: next analysed clip's labels shown in ${median.toFixed(1)} ms (median of 5; ${times.map((t) => t.toFixed(1)).join(', ')} ms)`);
  await page.evaluate(() => window.scrollTo(0, 0));
  await waitTiles(page); // under load the last ]'s tiles can still be on their way
  await page.screenshot({ path: path.join(ROOT, 'docs/review-queue-1024.png') });
});

test('opening files over unsaved reviews asks first: Cancel adds them, OK replaces the queue', async () => {
  await page.keyboard.press('!'); // a review not yet exported (clip 3: accept -> needs fix)
  const asked = [];
  page.once('dialog', (d) => { asked.push(d.type()); d.dismiss(); });
  await page.setInputFiles('#file', [files[1]]);
  await waitClipIndex('4/4');
  assert.deepEqual(asked, ['confirm']);
  assert.equal(await page.evaluate(() => window.bystanderDemo.reviewer.queue.clips.filter((c) => c.verdict).length), 3, 'the reviews are still there');
  page.once('dialog', (d) => { asked.push(d.type()); d.accept(); });
  await page.setInputFiles('#file', [files[2]]);
  await waitClipIndex('1/1');
  assert.deepEqual(asked, ['confirm', 'confirm']);
});
