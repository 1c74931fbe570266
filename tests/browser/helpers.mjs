// Shared helpers of the browser tests: server, Chromium, WAV files, page state.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../../scripts/chromium.mjs';
import { serve } from '../../scripts/serve.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHOTS = path.join(ROOT, 'target/screenshots');
export const READY_TIMEOUT = 30000;
// waitForFunction polls every 50 ms rather than every animation frame: the long-task test
// measures the page's main thread, and rAF polling puts the harness's own work into frames.

/** 16-bit PCM WAV bytes of Float32 channels (values in -1..1). */
export function wavBytes(channels, rate) {
  const n = channels[0].length;
  const c = channels.length;
  const buf = Buffer.alloc(44 + 2 * n * c);
  buf.write('RIFF', 0);
  buf.writeUInt32LE(36 + 2 * n * c, 4);
  buf.write('WAVE', 8);
  buf.write('fmt ', 12);
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(c, 22);
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate * 2 * c, 28);
  buf.writeUInt16LE(2 * c, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36);
  buf.writeUInt32LE(2 * n * c, 40);
  const out = new Int16Array(buf.buffer, buf.byteOffset + 44, n * c);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < c; k++) out[i * c + k] = Math.max(-32768, Math.min(32767, Math.round(channels[k][i] * 32767)));
  }
  return buf;
}

export function sineWav({ seconds, freq, rate = 16000, amp = 0.5 }) {
  const x = new Float32Array(Math.round(seconds * rate));
  for (let i = 0; i < x.length; i++) x[i] = amp * Math.sin((2 * Math.PI * freq * i) / rate);
  return wavBytes([x], rate);
}

/** The test origin's server, Chromium, a temp dir; `close()` ends them. */
export async function setup({ args = [] } = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bystander-page-'));
  fs.mkdirSync(SHOTS, { recursive: true });
  const served = []; // every request the server received (worklets included)
  const server = await serve({ root: path.join(ROOT, 'www'), port: 0, onRequest: (r) => served.push(r) });
  // Playback started from page.evaluate (no user gesture) needs the autoplay policy off.
  const browser = await launchChromium(['--autoplay-policy=no-user-gesture-required', ...args]);
  return {
    tmp, server, browser, served, origin: new URL(server.url).origin,
    async close() {
      await browser.close();
      await server.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** A page that records requests, console errors and page errors. */
export async function openPage(env, url = env.server.url, { viewport = { width: 1280, height: 900 }, contextOptions = {} } = {}) {
  const context = await env.browser.newContext({ viewport, acceptDownloads: true, ...contextOptions });
  const page = await context.newPage();
  const log = { requests: [], consoleErrors: [], pageErrors: [] };
  page.on('request', (r) => log.requests.push({ url: r.url(), method: r.method(), body: r.postData(), t: Date.now() }));
  page.on('console', (m) => { if (m.type() === 'error') log.consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => log.pageErrors.push(String(e)));
  page.setDefaultTimeout(READY_TIMEOUT);
  if (url) await page.goto(url);
  return { page, context, log };
}

export async function waitState(page, state, timeout = READY_TIMEOUT) {
  await page.waitForFunction((s) => document.body.dataset.state === s, state, { timeout, polling: 50 });
}

/** Waits until the page shows a clip named `name` with data-state="ready". */
export async function waitClip(page, name, timeout = READY_TIMEOUT) {
  await page.waitForFunction((n) => document.body.dataset.state === 'ready'
    && window.bystanderDemo.reviewer.clip && window.bystanderDemo.reviewer.clip.name === n, name, { timeout, polling: 50 });
}

/** The lane elements in time order: { label, start, end, lane, index, overlap, aria }. */
export async function laneSegments(page, scope = '') {
  const segs = await page.evaluate((sc) => [...document.querySelectorAll(`${sc} .bysr-lanes .segment`)].map((e) => ({
    label: e.dataset.label, start: Number(e.dataset.start), end: Number(e.dataset.end),
    lane: e.parentElement.dataset.lane, index: Number(e.dataset.index), overlap: e.dataset.overlap === 'true',
    aria: e.getAttribute('aria-label'),
  })), scope);
  return segs.sort((a, b) => a.index - b.index);
}

/** Waits until the spectrogram has all its tiles for the current view. */
export async function waitTiles(page, timeout = READY_TIMEOUT) {
  await page.waitForFunction(() => {
    const r = window.bystanderDemo.reviewer;
    return r.debug.view.tilesMissing === 0 && r.debug.view.tiles > 0;
  }, null, { timeout, polling: 50 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/**
 * Opens one of the toolbar's menus (`privacy`, `view`, `export`, `more`: a <details>) when it
 * is closed, so that its controls can be used.
 */
export async function openMenu(page, name) {
  const menu = page.locator(`#${name}-menu`);
  if (!(await menu.evaluate((d) => d.open))) await page.click(`#${name}-menu > summary`);
  await page.waitForFunction((n) => document.getElementById(`${n}-menu`).open, name, { polling: 50 });
  // Its panel is placed inside the window on the 'toggle' event (a task after the click).
  await page.evaluate(() => new Promise((r) => setTimeout(() => requestAnimationFrame(r), 0)));
}

/** Asserts that the page stored nothing: no cookies, Web Storage, IndexedDB, Cache Storage or service worker. */
export async function assertNothingStored(page) {
  const storage = await page.evaluate(async () => ({
    local: localStorage.length,
    session: sessionStorage.length,
    cookie: document.cookie,
    idb: (await indexedDB.databases()).length,
    caches: (await caches.keys()).length,
    serviceWorkers: (await navigator.serviceWorker.getRegistrations()).length,
  }));
  assert.deepEqual(storage, { local: 0, session: 0, cookie: '', idb: 0, caches: 0, serviceWorkers: 0 });
  assert.deepEqual(await page.context().cookies(), []);
}

/** Reads a download to a Buffer. */
export async function downloadBuffer(download) {
  const p = await download.path();
  return fs.readFileSync(p);
}

/** The `bystander` CLI binary (the newest of target/{release,debug}); builds it when missing. */
export async function cliBinary() {
  const candidates = ['release', 'debug']
    .map((p) => path.join(ROOT, 'target', p, 'bystander'))
    .filter((p) => fs.existsSync(p))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  if (candidates.length) return candidates[0];
  execFileSync('cargo', ['build', '--quiet', '--bin', 'bystander'], { cwd: ROOT, stdio: 'inherit' });
  return path.join(ROOT, 'target', 'debug', 'bystander');
}

/**
 * Compares the page's lane segments for `file` with `bystander analyze` on the same file:
 * same count and labels (asserted); returns the largest boundary difference in seconds.
 */
export async function compareWithCli(segments, file) {
  const cli = JSON.parse(execFileSync(await cliBinary(), ['analyze', '--format', 'json', '--no-frames', file], { encoding: 'utf8' }));
  assert.equal(segments.length, cli.segments.length, 'same number of segments as the CLI');
  let worst = 0;
  for (let i = 0; i < segments.length; i++) {
    assert.equal(segments[i].label, cli.segments[i].label, `segment ${i} label`);
    worst = Math.max(worst, Math.abs(segments[i].start - cli.segments[i].start), Math.abs(segments[i].end - cli.segments[i].end));
  }
  return worst;
}

/**
 * The segments of a file's `bytes` decoded by the page's own decodeAudioData (at `rate`), averaged to
 * mono and analysed by the package in the page: what the page showed before decoding moved
 * into the worker. Loading the package fetches its .wasm again: `analyse: false` (the frame
 * count only) makes no request.
 */
export async function decodeAudioDataSegments(page, bytes, rate, { analyse = true } = {}) {
  return page.evaluate(async ({ b64, rate, analyse }) => {
    const bin = atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const buffer = await new OfflineAudioContext(1, 1, rate).decodeAudioData(bytes.buffer);
    if (!analyse) return { length: buffer.length, segments: null };
    const mono = new Float32Array(buffer.length);
    for (let c = 0; c < buffer.numberOfChannels; c++) {
      const x = buffer.getChannelData(c);
      for (let i = 0; i < mono.length; i++) mono[i] += x[i] / buffer.numberOfChannels;
    }
    const { loadBystander } = await import('/bystander-loader.js');
    const b = await loadBystander();
    return { length: buffer.length, segments: b.analyze(mono, rate, {}).segments };
  }, { b64: Buffer.from(bytes).toString('base64'), rate, analyse });
}
