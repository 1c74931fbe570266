// Browser test of the demo page (www/index.html) in headless Chromium.
//   node --test tests/browser/
// Serves www/ with scripts/serve.mjs on an ephemeral 127.0.0.1 port; writes full-page
// screenshots to target/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../../scripts/chromium.mjs';
import { serve } from '../../scripts/serve.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SHOTS = path.join(ROOT, 'target/screenshots');
const HOP = 160; // 10 ms at 16 kHz
const SAMPLE_SECONDS = 15.5;
const READY_TIMEOUT = 15000;

let server;
let browser;
let page;
let origin;
let tmpDir;
const requests = [];
const consoleErrors = [];
const pageErrors = [];

/** A 16-bit PCM mono WAV of a sine. */
function sineWav({ seconds, freq, rate = 16000, amp = 0.5 }) {
  const n = Math.round(seconds * rate);
  const buf = Buffer.alloc(44 + 2 * n);
  buf.write('RIFF', 0);
  buf.writeUInt32LE(36 + 2 * n, 4);
  buf.write('WAVE', 8);
  buf.write('fmt ', 12);
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(1, 22); // mono
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36);
  buf.writeUInt32LE(2 * n, 40);
  for (let i = 0; i < n; i++) {
    buf.writeInt16LE(Math.round(amp * 32767 * Math.sin((2 * Math.PI * freq * i) / rate)), 44 + 2 * i);
  }
  return buf;
}

async function waitState(state) {
  await page.waitForFunction((s) => document.body.dataset.state === s, state, {
    timeout: READY_TIMEOUT,
  });
}

/** Canvas facts: intrinsic size, CSS size, distinct colours, brightest row of a column. */
async function canvasInfo() {
  return page.evaluate(() => {
    const c = document.getElementById('spectrogram');
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    const colours = new Set();
    for (let i = 0; i < data.length; i += 4 * 7) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    const x = Math.floor(c.width / 2);
    let best = -1;
    let bestRow = -1;
    for (let y = 0; y < c.height; y++) {
      const p = 4 * (y * c.width + x);
      const lum = data[p] + data[p + 1] + data[p + 2];
      if (lum > best) { best = lum; bestRow = y; }
    }
    const r = c.getBoundingClientRect();
    return { width: c.width, height: c.height, cssWidth: r.width, cssHeight: r.height,
      colours: colours.size, bestRow };
  });
}

async function demo() {
  return page.evaluate(() => ({ ...window.bystanderDemo, options: undefined }));
}

async function alertText() {
  return page.evaluate(() => {
    const a = document.querySelector('[role="alert"]');
    return a && !a.hidden && a.offsetParent !== null ? a.textContent : null;
  });
}

before(async () => {
  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bystander-page-'));
  fs.mkdirSync(SHOTS, { recursive: true });
  server = await serve({ root: path.join(ROOT, 'www'), port: 0 });
  origin = new URL(server.url).origin;
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  page.on('request', (r) => requests.push({ url: r.url(), method: r.method(), body: r.postData() }));
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
});

test('the bundled sample is analysed and drawn', async () => {
  await page.goto(server.url);
  await waitState('ready');
  const d = await demo();
  assert.equal(d.sampleRate, 16000);
  assert.equal(d.samples, SAMPLE_SECONDS * 16000, 'decoded length of the 15.5 s sample');
  assert.ok(Math.abs(d.duration - SAMPLE_SECONDS) < 1e-6);
  assert.equal(d.frames, 1 + Math.floor(d.samples / HOP));
  assert.equal(typeof d.version, 'string');
  assert.equal(typeof d.simd, 'boolean');

  const c = await canvasInfo();
  assert.equal(c.width, d.frames, 'one canvas column per 10 ms frame');
  assert.equal(c.width, 1551);
  assert.equal(c.height, 256);
  assert.ok(c.colours > 100, `canvas not blank: ${c.colours} distinct colours`);
  assert.ok(c.cssWidth < c.width && c.cssWidth > 600, `canvas scaled by CSS (${c.cssWidth}px)`);

  // Visible text: version/build, duration, analysis time, axes, attribution.
  const text = await page.evaluate(() => document.body.innerText);
  assert.match(text, new RegExp(`Version ${d.version.replace(/\./g, '\\.')}`));
  assert.match(text, d.simd ? /SIMD build/ : /portable build/);
  assert.match(text, /15\.50 s/);
  assert.match(text, /\d+\.\d ms/);
  assert.match(text, /LibriSpeech.*CC BY 4\.0.*Panayotov/s);
  const axes = await page.evaluate(() => ({
    time: [...document.querySelectorAll('#time-axis .tick')].map((t) => t.textContent),
    freq: [...document.querySelectorAll('#freq-axis .tick')].map((t) => t.textContent),
  }));
  assert.ok(axes.time[0] === '0 s' && axes.time.includes('10'), `time ruler: ${axes.time}`);
  assert.deepEqual(axes.freq, ['0', '1', '2', '3', '4', '5', '6', '7', '8']);
  const link = await page.getAttribute('a[href="samples/ATTRIBUTION.md"]', 'href');
  assert.ok(link);
  assert.ok(fs.existsSync(path.join(ROOT, 'www/samples/ATTRIBUTION.md')));
  assert.equal(await alertText(), null);

  // Foreground / background lanes: one element per labelled segment, both labels present
  // in the sample (a near talker, a far talker and a TV), inside the clip, in their lanes,
  // matching the labels the page's analyser reported.
  const segs = await page.evaluate(() => [...document.querySelectorAll('#lanes .segment')].map((e) => ({
    label: e.dataset.label, start: Number(e.dataset.start), end: Number(e.dataset.end),
    lane: e.parentElement.dataset.lane, title: e.title,
  })));
  assert.ok(segs.some((x) => x.label === 'foreground'), 'foreground segments shown');
  assert.ok(segs.some((x) => x.label === 'background'), 'background segments shown');
  for (const x of segs) {
    assert.equal(x.lane, x.label);
    assert.ok(x.start >= 0 && x.start < x.end && x.end <= SAMPLE_SECONDS + 1e-6, JSON.stringify(x));
    assert.match(x.title, /confidence \d+ %.*dBFS.*reverb/);
  }
  assert.equal(segs.length, d.segments.length);
  const fgSeconds = segs.filter((x) => x.label === 'foreground').reduce((a, x) => a + x.end - x.start, 0);
  // The sample's reference holds 11.7 s of foreground speech.
  assert.ok(fgSeconds > 8 && fgSeconds < 14, `foreground ${fgSeconds.toFixed(2)} s`);

  await page.screenshot({ path: path.join(SHOTS, 'demo-sample.png'), fullPage: true });
});

test('files from the file input are decoded; undecodable files show an error', async () => {
  const before = requests.length;
  const wav = path.join(tmpDir, 'sine-1k.wav');
  fs.writeFileSync(wav, sineWav({ seconds: 2, freq: 1000 }));
  const txt = path.join(tmpDir, 'notes.txt');
  fs.writeFileSync(txt, 'this is not audio\n'.repeat(20));

  await page.setInputFiles('#file', wav);
  await page.waitForFunction(() => window.bystanderDemo.fileName === 'sine-1k.wav'
    && document.body.dataset.state === 'ready', null, { timeout: READY_TIMEOUT });
  let d = await demo();
  assert.equal(d.samples, 32000);
  assert.equal(d.duration, 2);
  assert.equal(d.frames, 201);
  let c = await canvasInfo();
  assert.equal(c.width, 201);
  // Linear axis 0..8 kHz over 256 rows: 1 kHz is at row 256 * 7/8 = 224.
  assert.ok(Math.abs(c.bestRow - 224) <= 2, `1 kHz tone drawn at row ${c.bestRow}`);
  assert.match(await page.evaluate(() => document.body.innerText), /2\.00 s/);

  await page.setInputFiles('#file', txt);
  await waitState('error');
  const msg = await alertText();
  assert.ok(msg, 'alert visible');
  assert.match(msg, /^Could not decode notes\.txt: /);

  // Still usable: the controls redraw and another file loads.
  await page.selectOption('#colormap', 'gray');
  await waitState('ready');
  await page.setInputFiles('#file', wav);
  await page.waitForFunction(() => window.bystanderDemo.fileName === 'sine-1k.wav'
    && document.body.dataset.state === 'ready', null, { timeout: READY_TIMEOUT });
  d = await demo();
  assert.equal(d.frames, 201);
  assert.equal(await alertText(), null);
  c = await canvasInfo();
  assert.equal(c.width, 201);

  assert.deepEqual(requests.slice(before), [], 'no requests while loading local files');
});

test('controls redraw without any request; magma + mel screenshot', async () => {
  const before = requests.length;
  await page.click('text=Show the bundled sample again');
  await page.waitForFunction(() => window.bystanderDemo.source === 'sample'
    && document.body.dataset.state === 'ready', null, { timeout: READY_TIMEOUT });
  await page.selectOption('#colormap', 'magma');
  await waitState('ready');
  await page.selectOption('#frequency-scale', 'mel');
  await waitState('ready');
  await page.locator('#range-db').fill('100');
  await page.locator('#gain-db').fill('30');
  await page.waitForFunction(() => {
    const o = window.bystanderDemo.options;
    return o.rangeDb === 100 && o.gainDb === 30 && document.body.dataset.state === 'ready';
  }, null, { timeout: READY_TIMEOUT });
  const opts = await page.evaluate(() => window.bystanderDemo.options);
  assert.deepEqual(opts, { colormap: 'magma', frequencyScale: 'mel', rangeDb: 100, gainDb: 30, height: 256 });
  const c = await canvasInfo();
  assert.equal(c.width, 1551);
  assert.ok(c.colours > 100, `canvas not blank: ${c.colours} distinct colours`);
  const freq = await page.evaluate(() =>
    [...document.querySelectorAll('#freq-axis .tick')].map((t) => [t.textContent, parseFloat(t.style.top)]));
  // Slaney mel: 1 kHz = 15 mel of 45.2 at 8 kHz, a third of the way up (linear: 1/8).
  const oneK = freq.find(([t]) => t === '1');
  assert.ok(oneK && oneK[1] < 70 && oneK[1] > 64, `mel axis 1 kHz at ${oneK}`);

  await page.selectOption('#frequency-scale', 'log');
  await waitState('ready');
  await page.selectOption('#frequency-scale', 'mel');
  await waitState('ready');
  await page.screenshot({ path: path.join(SHOTS, 'demo-magma-mel.png'), fullPage: true });
  assert.deepEqual(requests.slice(before), [], 'no requests while changing controls');
});

test('privacy: only same-origin GETs, nothing stored, no errors', async () => {
  assert.ok(requests.length > 0);
  for (const r of requests) {
    assert.equal(new URL(r.url).origin, origin, `request to ${r.url}`);
    assert.equal(r.method, 'GET', `${r.method} ${r.url}`);
    assert.equal(r.body ?? null, null, `request body for ${r.url}`);
  }
  const urls = requests.map((r) => new URL(r.url).pathname);
  assert.ok(urls.includes('/samples/sample.wav'));
  assert.ok(urls.some((u) => u.endsWith('_bg.wasm')));

  const storage = await page.evaluate(async () => ({
    local: localStorage.length,
    session: sessionStorage.length,
    cookie: document.cookie,
    idb: (await indexedDB.databases()).length,
    caches: (await caches.keys()).length,
  }));
  assert.deepEqual(storage, { local: 0, session: 0, cookie: '', idb: 0, caches: 0 });
  const cookies = await page.context().cookies();
  assert.deepEqual(cookies, []);

  assert.deepEqual(pageErrors, [], 'page errors');
  assert.deepEqual(consoleErrors, [], 'console errors');
});
