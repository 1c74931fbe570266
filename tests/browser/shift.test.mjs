// The review shift's privacy and layout, in headless Chromium: the "lower overlaps" policy
// (background exact zeros, foreground with background under it at the set gain) offered on a
// clip that is mostly ⚠ (a case clip), rendered through the player's own schedule; the per-clip background
// line against the segments; the layout at 200 % zoom (a 720x450 CSS-pixel viewport at
// deviceScaleFactor 2: a 1440x900 screen at 200 %) with no control outside the window and
// the chosen segment scrolled into view; and the privacy guarantees (no request after ready,
// nothing stored) over a queue of 20 clips gone through while playing and exporting.
// Screenshots: docs/review-lower-1024.png, docs/review-200.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { decodeWav } from './wav.mjs';
import { ROOT, setup, openPage, waitClip, waitTiles, wavBytes, openMenu, assertNothingStored } from './helpers.mjs';

let env;
let page;

before(async () => {
  env = await setup();
  ({ page } = await openPage(env, env.server.url, { viewport: { width: 1024, height: 768 } }));
  await waitClip(page, 'sample.wav');
});

after(async () => {
  await env?.close();
});

const rv = (fn, arg) => page.evaluate(fn, arg);

/**
 * The rendered playback under the current policy next to the clip rendered with no policy:
 * the largest |sample| over each background segment, and over each ⚠ segment's inside
 * (`edge` seconds in from both ends) the largest |out - gain * ref|.
 */
function policyFacts(gain, edge = 0.0115) {
  return page.evaluate(async ({ gain, edge }) => {
    const r = window.bystanderDemo.reviewer;
    const out = (await r.debug.renderOutput()).getChannelData(0);
    const ref = (await r.debug.renderOutput({ mute: false, skip: false })).getChannelData(0);
    const rate = r.clip.sampleRate;
    const span = (a, b, f) => {
      let m = 0;
      for (let i = Math.max(0, Math.floor(a * rate)); i < Math.min(out.length, Math.ceil(b * rate)); i++) m = Math.max(m, f(i));
      return m;
    };
    const segs = r.segments;
    return {
      length: out.length,
      refLength: ref.length,
      bg: segs.filter((s) => s.label === 'background').map((s) => span(s.start, s.end, (i) => Math.abs(out[i]))),
      overlap: segs.filter((s) => s.label === 'foreground' && s.overlap).map((s) => ({
        error: span(s.start + edge, s.end - edge, (i) => Math.abs(out[i] - gain * ref[i])),
        level: span(s.start + edge, s.end - edge, (i) => Math.abs(ref[i])),
      })),
      fg: segs.filter((s) => s.label === 'foreground' && !s.overlap).map((s) => span(s.start + edge, s.end - edge, (i) => Math.abs(out[i] - ref[i]))),
    };
  }, { gain, edge });
}

test('a mostly-⚠ clip offers "lower overlaps": background exact zeros, overlaps at the set gain', async () => {
  // A case clip (two background talkers under a near one, tests/fgbg.rs): more than half of
  // its foreground speech time has background speech under it. (The bundled sample was
  // mostly ⚠ with the former detector; with the temporal model 45 % of it is.)
  await page.setInputFiles('#file', path.join(ROOT, 'tests/fixtures/fgbg/two_talkers.wav'));
  await waitClip(page, 'two_talkers.wav');
  const segs = await rv(() => window.bystanderDemo.reviewer.segments);
  const fg = segs.filter((s) => s.label === 'foreground');
  const ovSeconds = fg.filter((s) => s.overlap).reduce((a, s) => a + s.end - s.start, 0);
  const share = ovSeconds / fg.reduce((a, s) => a + s.end - s.start, 0);
  assert.ok(share >= 0.5, `the clip is mostly ⚠: ${share}`);
  assert.equal(await page.getAttribute('#overlap-warning', 'data-mostly-overlap'), 'true');
  assert.match(await page.textContent('#overlap-warning'), new RegExp(`^⚠ Most of the foreground speech \\(${Math.round(100 * share)} %`));
  assert.equal(await page.textContent('#lower-overlaps'), 'Lower it by 20 dB');
  await waitTiles(page);
  await page.screenshot({ path: path.join(ROOT, 'docs/review-lower-1024.png') });

  await page.click('#lower-overlaps');
  await page.waitForFunction(() => document.body.dataset.overlapPolicy === 'lower', null, { polling: 50 });
  assert.equal(await page.textContent('#privacy-badge'), 'Background: MUTED');
  assert.equal(await page.textContent('#overlap-badge'), '⚠ −20 dB');
  assert.equal(await page.locator('#lower-overlaps').count(), 0, 'the offer is gone once taken');
  assert.match(await page.textContent('#overlap-warning'), /lowered by 20 dB, background-only speech muted/);

  const g20 = 10 ** (-20 / 20);
  const on = await policyFacts(g20);
  assert.equal(on.length, on.refLength);
  assert.ok(on.bg.length > 0 && on.overlap.length > 0);
  for (const m of on.bg) assert.equal(m, 0, 'every background segment is exact zeros');
  for (const o of on.overlap) assert.ok(o.error <= 1e-6 * Math.max(1, o.level), `overlap at -20 dB: error ${o.error}`);
  for (const e of on.fg) assert.ok(e <= 1e-6, `plain foreground untouched: ${e}`);

  // The level is a setting (the privacy menu's number field).
  await openMenu(page, 'privacy');
  await page.fill('#overlap-gain-db', '-30');
  await page.press('#overlap-gain-db', 'Enter');
  await page.waitForFunction(() => window.bystanderDemo.reviewer.privacy.overlapGainDb === -30, null, { polling: 50 });
  const g30 = 10 ** (-30 / 20);
  const at30 = await policyFacts(g30);
  for (const m of at30.bg) assert.equal(m, 0);
  for (const o of at30.overlap) assert.ok(o.error <= 1e-6 * Math.max(1, o.level), `overlap at -30 dB: error ${o.error}`);
  assert.equal(await page.textContent('#overlap-badge'), '⚠ −30 dB');

  // Skip leaves the lowered stretches in (only the muted ones are skipped).
  const bgSeconds = segs.filter((s) => s.label === 'background').reduce((a, s) => a + s.end - s.start, 0);
  const skipped = await rv(async () => {
    const r = window.bystanderDemo.reviewer;
    r.setPrivacy({ skip: true });
    const out = await r.debug.renderOutput();
    r.setPrivacy({ skip: false });
    return out.length / out.sampleRate;
  });
  const duration = await rv(() => window.bystanderDemo.reviewer.clip.duration);
  assert.ok(Math.abs(skipped - (duration - bgSeconds)) < 0.05, `skip with lowered overlaps plays ${skipped} s`);
  await rv(() => window.bystanderDemo.reviewer.setPrivacy({ overlapGainDb: -20 }));
  const worst = Math.max(...on.overlap.map((o) => o.error));
  console.log(`# lower overlaps: ${on.bg.length} background segments rendered at max |sample| 0; ${on.overlap.length} ⚠ segments at -20 dB (largest |out - 0.1·in| ${worst.toExponential(1)}) and -30 dB; ⚠ share of the clip's foreground time ${(100 * share).toFixed(0)} %`);

  // The `o` key goes round the policies; the redacted WAV follows the policy too.
  await page.keyboard.press('Escape');
  await rv(() => document.activeElement && document.activeElement.blur());
  await page.keyboard.press('o');
  await page.waitForFunction(() => document.body.dataset.overlapPolicy === 'mute', null, { polling: 50 });
  await page.keyboard.press('o');
  await page.waitForFunction(() => document.body.dataset.overlapPolicy === 'audible', null, { polling: 50 });
  await rv(() => window.bystanderDemo.reviewer.setPrivacy({ overlap: 'lower' }));
  const wav = decodeWav(Buffer.from(await rv(async () => [...new Uint8Array(await (await window.bystanderDemo.reviewer.exportAs('wav')).arrayBuffer())])));
  const x = decodeWav(fs.readFileSync(path.join(ROOT, 'tests/fixtures/fgbg/two_talkers.wav'))).channels[0];
  const y = wav.channels[0];
  const q = 1 / 32767;
  for (const s of segs) {
    const a = Math.floor(s.start * 16000);
    const b = Math.ceil(s.end * 16000);
    if (s.label === 'background') for (let i = a; i < b; i++) assert.equal(y[i], 0, `redacted background sample ${i}`);
    if (s.label === 'foreground' && s.overlap) {
      for (let i = a + 162; i < b - 162; i++) assert.ok(Math.abs(y[i] - g20 * x[i]) <= 1.01 * q, `redacted overlap sample ${i}: ${y[i]} vs ${g20 * x[i]}`);
    }
  }
  // Back to the sample for the tests below.
  await page.setInputFiles('#file', path.join(ROOT, 'www/samples/sample.wav'));
  await waitClip(page, 'sample.wav');
});

test('the per-clip background line follows the segments and the policy', async () => {
  const expect = async () => {
    const segs = await rv(() => window.bystanderDemo.reviewer.segments);
    const bg = segs.filter((s) => s.label === 'background');
    return {
      n: bg.length,
      seconds: bg.reduce((a, s) => a + s.end - s.start, 0),
      overlap: segs.filter((s) => s.label === 'foreground' && s.overlap).reduce((a, s) => a + s.end - s.start, 0),
    };
  };
  const line = async () => {
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
    return page.evaluate(() => {
      const e = document.getElementById('privacy-line');
      return { text: e.textContent, ...Object.fromEntries(Object.entries(e.dataset).map(([k, v]) => [k, Number(v)])) };
    });
  };
  const e = await expect();
  await rv(() => window.bystanderDemo.reviewer.setPrivacy({ mute: true, skip: false, overlap: 'audible' }));
  let l = await line();
  assert.equal(l.text, `Background: ${e.n} segments, ${e.seconds.toFixed(1)} s muted; ${e.overlap.toFixed(1)} s under foreground speech audible`);
  assert.equal(l.segments, e.n);
  assert.ok(Math.abs(l.seconds - e.seconds) < 1e-3 && Math.abs(l.overlapSeconds - e.overlap) < 1e-3);
  assert.ok(Math.abs(l.audibleOverlapSeconds - e.overlap) < 1e-3, 'muted: the overlaps stay audible');

  await rv(() => window.bystanderDemo.reviewer.setPrivacy({ overlap: 'mute' }));
  l = await line();
  assert.equal(l.audibleOverlapSeconds, 0, 'strict: none audible');
  assert.match(l.text, new RegExp(`; 0\\.0 s under foreground speech audible \\(${e.overlap.toFixed(1)} s muted\\)$`));
  await rv(() => window.bystanderDemo.reviewer.setPrivacy({ overlap: 'lower', skip: true }));
  l = await line();
  assert.match(l.text, new RegExp(`^Background: ${e.n} segments, ${e.seconds.toFixed(1)} s skipped; ${e.overlap.toFixed(1)} s under foreground speech audible \\(lowered by 20 dB\\)$`));
  await rv(() => window.bystanderDemo.reviewer.setPrivacy({ mute: false, skip: false, overlap: 'mute' }));
  l = await line();
  assert.match(l.text, /s audible; [\d.]+ s under foreground speech audible$/, 'nothing muted: all audible');
  assert.ok(Math.abs(l.audibleOverlapSeconds - e.overlap) < 1e-3);
  await rv(() => window.bystanderDemo.reviewer.setPrivacy({ mute: true, skip: false, overlap: 'audible' }));

  // An edit changes the figures: flip the first background segment to foreground.
  await rv(() => document.activeElement && document.activeElement.blur());
  await rv(() => window.bystanderDemo.reviewer.seek(0));
  await page.keyboard.press('b');
  await page.keyboard.press('x');
  await page.waitForFunction((n) => Number(document.getElementById('privacy-line').dataset.segments) === n - 1, e.n, { polling: 50, timeout: 5000 });
  const after = await expect();
  l = await line();
  assert.equal(l.segments, after.n);
  assert.ok(Math.abs(l.seconds - after.seconds) < 1e-3);
  await page.keyboard.press('Control+z');
  await page.waitForFunction((n) => Number(document.getElementById('privacy-line').dataset.segments) === n, e.n, { polling: 50, timeout: 5000 });
});

test('the mountReviewer option sets the lowered level', async () => {
  const { page: embed, context } = await openPage(env, `${env.server.url}embed.html`);
  await embed.waitForFunction(() => document.body.dataset.state === 'ready', null, { polling: 50 });
  const got = await embed.evaluate(async () => {
    const { mountReviewer } = await import('./reviewer.js');
    const div = document.createElement('div');
    document.body.append(div);
    const r = mountReviewer(div, { overlapGainDb: -35 });
    await r.ready;
    r.setPrivacy({ overlap: 'lower' });
    const out = { db: r.privacy.overlapGainDb, field: div.querySelector('.bysr-overlap-gain').value, badge: div.querySelector('.bysr-overlap-badge').textContent, policy: div.dataset.overlapPolicy };
    await r.destroy();
    return out;
  });
  assert.deepEqual(got, { db: -35, field: '-35', badge: '⚠ −35 dB', policy: 'lower' });
  await context.close();
});

test('at 200 % zoom (720x450 at deviceScaleFactor 2) no control leaves the window; b brings its segment into view', async () => {
  const { page: zoomed, context } = await openPage(env, env.server.url, { viewport: { width: 720, height: 450 }, contextOptions: { deviceScaleFactor: 2 } });
  await waitClip(zoomed, 'sample.wav');
  await waitTiles(zoomed);
  const outside = () => zoomed.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const bad = [];
    for (const e of document.querySelectorAll('#reviewer button, #reviewer select, #reviewer input, #reviewer textarea, #reviewer summary, #reviewer .bysr-open > span, #status, #privacy-line, #queue-summary, #overlap-warning, #lanes, #spectrogram')) {
      const b = e.getBoundingClientRect();
      if (!b.width || !b.height || !e.checkVisibility({ visibilityProperty: true })) continue; // not shown (in a closed menu, hidden)
      if (e.matches('.bysr-open input')) continue; // the file inputs lie under their label
      if (b.left < -0.5 || b.right > width + 0.5) bad.push(`${e.id || e.className || e.tagName} ${b.left.toFixed(0)}-${b.right.toFixed(0)}`);
    }
    return { bad, scrollWidth: document.documentElement.scrollWidth, width };
  });
  let o = await outside();
  assert.deepEqual(o.bad, [], 'controls inside the window');
  assert.ok(o.scrollWidth <= o.width, `no horizontal overflow: ${o.scrollWidth} > ${o.width}`);
  // The counts of the status line are never cut.
  const counts = await zoomed.evaluate(() => {
    const c = document.querySelector('.bysr-status-counts').getBoundingClientRect();
    const s = document.getElementById('status').getBoundingClientRect();
    return { right: c.right, limit: s.right, text: document.querySelector('.bysr-status-counts').textContent };
  });
  assert.ok(counts.right <= counts.limit + 0.5, `counts in full: ${JSON.stringify(counts)}`);
  for (const name of ['privacy', 'view', 'export', 'more']) {
    await openMenu(zoomed, name);
    o = await outside();
    assert.deepEqual(o.bad, [], `the ${name} menu inside the window`);
    await zoomed.keyboard.press('Escape');
  }
  // The background line's longest form wraps rather than lose its figures.
  await zoomed.evaluate(() => window.bystanderDemo.reviewer.setPrivacy({ overlap: 'lower' }));
  assert.ok(await zoomed.$eval('#privacy-line', (e) => e.scrollWidth <= e.clientWidth && /\(lowered by 20 dB\)$/.test(e.textContent)), 'the background line whole');
  assert.deepEqual((await outside()).bad, []);

  await zoomed.evaluate(() => { window.scrollTo(0, 0); document.activeElement.blur(); });
  await zoomed.keyboard.press('b');
  await zoomed.waitForFunction(() => {
    const e = document.querySelector('#lanes .segment.current');
    if (!e) return false;
    const b = e.getBoundingClientRect();
    return b.top >= -1 && b.bottom <= innerHeight + 1 && b.left >= -1 && b.right <= innerWidth + 1;
  }, null, { polling: 50, timeout: 5000 });
  await waitTiles(zoomed);
  await zoomed.screenshot({ path: path.join(ROOT, 'docs/review-200.png') });
  await context.close();
});

test('privacy with a queue of 20 clips: no request after ready while moving, playing and exporting; nothing stored', async () => {
  const { page: p, log, context } = await openPage(env, null, { viewport: { width: 1024, height: 768 } });
  await p.goto(env.server.url);
  await waitClip(p, 'sample.wav');
  const readyAt = log.requests.length;
  const servedAt = env.served.length;
  // 20 short clips: 3 s of the sample from different places, each a little quieter.
  const wav = decodeWav(fs.readFileSync(path.join(ROOT, 'www/samples/sample.wav')));
  const files = [];
  for (let k = 0; k < 20; k++) {
    const from = Math.round(((k * 0.6) % 12) * wav.sampleRate);
    const x = wav.channels[0].slice(from, from + 3 * wav.sampleRate).map((v) => v * (1 - k / 40));
    const f = path.join(env.tmp, `shift-${String(k + 1).padStart(2, '0')}.wav`);
    fs.writeFileSync(f, wavBytes([x], wav.sampleRate));
    files.push(f);
  }
  await p.setInputFiles('#file', files);
  const waitIndex = (v) => p.waitForFunction((want) => document.body.dataset.clip === want && document.body.dataset.state === 'ready', v, { polling: 50 });
  await waitIndex('1/20');
  for (let k = 1; k <= 6; k++) {
    await p.evaluate(() => window.bystanderDemo.reviewer.play(0.5));
    await p.waitForTimeout(150);
    if (k % 2) {
      await openMenu(p, 'export');
      await p.selectOption('#export-format', k % 4 === 1 ? 'wav' : 'rttm');
      await Promise.all([p.waitForEvent('download'), p.click('#export')]);
      await p.keyboard.press('Escape');
    } else {
      await p.evaluate(async () => (await window.bystanderDemo.reviewer.exportAs('queue')).size);
    }
    await p.evaluate(() => document.activeElement && document.activeElement.blur());
    await p.keyboard.press(k === 4 ? 'a' : '!');
    await p.keyboard.press(']');
    await waitIndex(`${k + 1}/20`);
  }
  await p.evaluate(() => window.bystanderDemo.reviewer.pause());
  assert.equal(await p.evaluate(() => window.bystanderDemo.reviewer.queue.clips.length), 20);
  const network = log.requests.slice(readyAt).filter((r) => !r.url.startsWith('blob:'));
  assert.deepEqual(network, [], 'no network request after ready (browser)');
  assert.deepEqual(env.served.slice(servedAt), [], 'no request after ready (server)');
  await assertNothingStored(p);
  assert.deepEqual(log.pageErrors, []);
  assert.deepEqual(log.consoleErrors, []);
  console.log(`# privacy with 20 clips: ${readyAt} requests before ready, 0 after while moving through 7 clips, playing, exporting; storage empty`);
  await context.close();
});
