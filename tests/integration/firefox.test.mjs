// Firefox (Debian's firefox-esr, driven by puppeteer-core over WebDriver BiDi; puppeteer-core
// is npm-installed into target/npm-it/firefox): the review page's analysis (segments equal
// the CLI's), mute, exports and privacy (no request after ready, nothing stored), and the
// npm package's worker API on the no-bundler page (bash scripts/package.sh first).
//   node --test tests/integration/firefox.test.mjs
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { serve, CSP } from '../../scripts/serve.mjs';
import { compareWithCli } from '../browser/helpers.mjs';
import { ROOT, SAMPLE, assertTarball, installApp, staticSite } from './helpers.mjs';

const FIREFOX = '/usr/bin/firefox-esr';
let browser;
const servers = [];

before(async () => {
  assert.ok(fs.existsSync(FIREFOX), `${FIREFOX} missing: apt-get install -y firefox-esr (scripts/setup.sh does)`);
  assertTarball();
  const dir = installApp('firefox');
  const entry = createRequire(path.join(dir, 'package.json')).resolve('puppeteer-core');
  const { default: puppeteer } = await import(pathToFileURL(entry).href);
  browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true, protocol: 'webDriverBiDi', protocolTimeout: 60000,
    extraPrefsFirefox: { 'media.autoplay.default': 0, 'media.autoplay.block-webaudio': false } });
  console.log(`# Firefox: ${await browser.version()}`);
});

after(async () => {
  await browser?.close();
  for (const s of servers) await s.close();
});

/** Serves `root` and opens it; resolves to { page, served } (every request the server got). */
async function open(root, { csp = CSP, url = '' } = {}) {
  const served = [];
  const server = await serve({ root, port: 0, csp, onRequest: (r) => served.push(r) });
  servers.push(server);
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url + url);
  return { page, served, errors, server };
}

test('Firefox: the review page analyses the sample as the CLI does; mute, exports; no request after ready', async () => {
  const { page, served, errors } = await open(path.join(ROOT, 'www'));
  await page.waitForFunction(() => document.body.dataset.state === 'ready', { timeout: 60000 });
  const servedAtReady = served.length;
  const segments = await page.evaluate(() => window.bystanderDemo.reviewer.segments);
  const worst = await compareWithCli(segments, SAMPLE);
  assert.ok(worst <= 0.020, `boundaries within 20 ms (${worst})`);

  // Mute: the rendered playback is exactly silent over background speech.
  const mute = await page.evaluate(async () => {
    const r = window.bystanderDemo.reviewer;
    r.setPrivacy({ mute: true, skip: false, strict: false });
    const out = await r.debug.renderOutput();
    const y = out.getChannelData(0);
    const at = (s) => {
      let max = 0;
      let sum = 0;
      const i0 = Math.floor(s.start * out.sampleRate);
      const i1 = Math.min(y.length, Math.ceil(s.end * out.sampleRate));
      for (let i = i0; i < i1; i++) { max = Math.max(max, Math.abs(y[i])); sum += y[i] * y[i]; }
      return { label: s.label, overlap: Boolean(s.overlap), max, rms: Math.sqrt(sum / Math.max(1, i1 - i0)) };
    };
    return r.segments.map((s) => at(s.label === 'foreground' ? { ...s, start: s.start + 0.011, end: s.end - 0.011 } : s));
  });
  const bg = mute.filter((s) => s.label === 'background');
  assert.ok(bg.length > 0);
  for (const s of bg) assert.equal(s.max, 0, 'silence over every background segment');
  assert.ok(mute.filter((s) => s.label === 'foreground' && !s.overlap).every((s) => s.rms > 1e-3), 'foreground audible');

  // Exports: every format, parsed.
  const exported = await page.evaluate(async () => {
    const r = window.bystanderDemo.reviewer;
    const out = {};
    for (const f of ['json', 'rttm', 'vtt', 'audacity', 'textgrid', 'labelstudio']) out[f] = await (await r.exportAs(f)).text();
    const wav = new Uint8Array(await (await r.exportAs('wav')).arrayBuffer());
    out.wav = { size: wav.length, head: String.fromCharCode(...wav.slice(0, 4), ...wav.slice(8, 12)) };
    return out;
  });
  const n = segments.length;
  assert.equal(JSON.parse(exported.json).segments.length, n);
  // A foreground segment with background under it also gets an overlapping background line.
  assert.equal(exported.rttm.trim().split('\n').length, n + segments.filter((s) => s.overlap).length);
  assert.match(exported.vtt, /^WEBVTT/);
  assert.equal(exported.audacity.trim().split('\n').length, n);
  assert.match(exported.textgrid, /ooTextFile/);
  assert.ok(JSON.parse(exported.labelstudio));
  assert.equal(exported.wav.head, 'RIFFWAVE');
  assert.ok(exported.wav.size > 44 + 15 * 16000);

  // Privacy: nothing after ready (analysis, mute, exports above), nothing stored. Playback is
  // not exercised: in headless firefox-esr on this machine reviewer.play() does not settle
  // (its AudioContext never resumes; the evaluate timed out after 60 s).
  const audio = await page.evaluate(() => Promise.race([
    new AudioContext().resume().then(() => 'resumed'), new Promise((r) => setTimeout(() => r('pending after 2 s'), 2000))]));
  console.log(`# Firefox: a new AudioContext's resume(): ${audio}`);
  assert.deepEqual(served.slice(servedAtReady).map((r) => r.path), [], 'no request after ready');
  for (const r of served) assert.equal(r.method, 'GET');
  const storage = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie }));
  assert.deepEqual(storage, { local: 0, session: 0, cookie: '' });
  assert.deepEqual(errors, []);
  console.log(`# Firefox review page: ${n} segments, page vs CLI largest boundary difference ${(worst * 1000).toFixed(1)} ms; ${bg.length} background segments muted to 0; 7 exports; ${servedAtReady} requests before ready, 0 after`);
});

test('Firefox: the package\'s worker API analyses the sample as the CLI does and meets the bad-input table', async () => {
  const { site, csp } = staticSite('firefox-static');
  const { page, served, server } = await open(site, { csp });
  await page.waitForFunction(() => window.itReady, { timeout: 30000 });
  const r = await page.evaluate(() => window.it.analyseSample());
  const worst = await compareWithCli(r.segments, SAMPLE);
  assert.ok(worst <= 0.010, `boundaries within 10 ms (${worst})`);
  const bad = await page.evaluate(() => window.it.badInputs());
  for (const row of ['empty', 'text', 'zeroRate', 'hugeRate', 'noChannels', 'notAudio']) assert.equal(bad[row].ok, false, `${row} rejects`);
  for (const o of Object.values(bad)) if (o && typeof o === 'object' && 'after' in o) assert.equal(o.after, r.segments.length, 'the analyzer keeps working');
  assert.match(bad.empty.message, /empty/);
  assert.equal(bad.afterDestroy.ok, false);
  assert.ok(served.every((q) => q.headers.host === new URL(server.url).host));
  console.log(`# Firefox worker API: ${r.segments.length} segments, vs CLI largest boundary difference ${(worst * 1000).toFixed(1)} ms; bad-input rows: ${Object.keys(bad).length}`);
});
