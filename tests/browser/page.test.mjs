// Browser tests of the review page (www/index.html) in headless Chromium:
//   node --test tests/browser/
// The sample, views and screenshots; keyboard workflow and edits; mute / skip / redaction;
// every export format and the JSON import; a 16 kHz WAV against the CLI; decoding errors
// and a compressed file; privacy (no request after ready, no storage, CSP).
// Screenshots go to target/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { CSP } from '../../scripts/serve.mjs';
import { decodeWav } from './wav.mjs';
import { ROOT, SHOTS, setup, openPage, waitState, waitClip, laneSegments, waitTiles,
  downloadBuffer, wavBytes, cliBinary, compareWithCli, decodeAudioDataSegments, openMenu, assertNothingStored } from './helpers.mjs';

const SAMPLE_SECONDS = 15.5;
let env;
let page;
let log;
let readyAt = -1; // index in log.requests when the page first reported ready
let servedAt = -1; // the same in the server's own log (which also sees worklet modules)

before(async () => {
  env = await setup();
  ({ page, log } = await openPage(env, null));
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(env.server.url);
});

after(async () => {
  await env?.close();
});

const reviewer = (fn, arg) => page.evaluate(fn, arg);

test('the sample opens analysed, with foreground and background lanes over the spectrogram', async () => {
  await waitClip(page, 'sample.wav');
  readyAt = log.requests.length;
  servedAt = env.served.length;
  const clip = await reviewer(() => window.bystanderDemo.reviewer.clip);
  assert.equal(clip.sampleRate, 16000);
  assert.equal(clip.channels, 1);
  assert.equal(clip.length, SAMPLE_SECONDS * 16000);
  assert.equal(clip.source, 'sample');

  // Every script, worker, worklet and the wasm were loaded before ready (the server's log:
  // the devtools protocol does not report worklet module requests).
  const paths = env.served.map((r) => r.path);
  for (const p of ['/main.js', '/reviewer.js', '/analysis-worker.js', '/capture-worklet.js', '/samples/sample.wav']) {
    assert.ok(paths.includes(p), `${p} loaded before ready (${paths.join(' ')})`);
  }
  assert.ok(paths.some((p) => p.endsWith('_bg.wasm')), 'wasm loaded before ready');

  const segs = await laneSegments(page);
  const model = await reviewer(() => window.bystanderDemo.reviewer.segments);
  assert.equal(segs.length, model.length, 'one lane element per segment (the whole clip is in view)');
  assert.ok(segs.some((s) => s.label === 'foreground'), 'foreground segments shown');
  assert.ok(segs.some((s) => s.label === 'background'), 'background segments shown');
  for (const s of segs) {
    assert.equal(s.lane, s.label);
    assert.ok(s.start >= 0 && s.start < s.end && s.end <= SAMPLE_SECONDS + 1e-6, JSON.stringify(s));
    assert.match(s.aria, /confidence \d+ %.*dBFS.*reverb/);
  }
  const fg = segs.filter((s) => s.label === 'foreground').reduce((a, s) => a + s.end - s.start, 0);
  assert.ok(fg > 8 && fg < 14, `foreground ${fg.toFixed(2)} s (reference 11.7 s)`);

  await waitTiles(page);
  await page.waitForFunction(() => {
    const o = document.getElementById('overview');
    const d = o.getContext('2d').getImageData(0, 0, o.width, o.height / 2).data;
    for (let i = 3; i < d.length; i += 4) if (d[i]) return true;
    return false;
  }, null, { polling: 50 });
  const pixels = await page.evaluate(() => {
    const c = document.getElementById('spectrogram');
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    const colours = new Set();
    for (let i = 0; i < data.length; i += 4 * 7) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    const o = document.getElementById('overview');
    const od = o.getContext('2d').getImageData(0, 0, o.width, o.height).data;
    let ink = 0;
    for (let i = 3; i < od.length; i += 4) if (od[i]) ink++;
    return { colours: colours.size, w: c.width, cssW: c.getBoundingClientRect().width, ink };
  });
  assert.ok(pixels.colours > 100, `spectrogram not blank: ${pixels.colours} colours`);
  assert.equal(pixels.w, Math.round(pixels.cssW), 'canvas drawn at its display size');
  assert.ok(pixels.ink > 1000, 'waveform overview drawn');

  const text = await page.evaluate(() => document.body.innerText);
  assert.match(text, /bystander \d+\.\d+\.\d+ · (SIMD build|portable build)/);
  assert.match(text, /LibriSpeech.*CC BY 4\.0.*Panayotov/s);
  assert.ok(await page.getAttribute('a[href="samples/ATTRIBUTION.md"]', 'href'));
  const axes = await page.evaluate(() => ({
    time: [...document.querySelectorAll('#time-axis .tick')].map((t) => t.textContent),
    freq: [...document.querySelectorAll('#freq-axis .tick')].map((t) => t.textContent),
  }));
  assert.ok(axes.time[0] === '0 s' && axes.time.includes('10'), `time ruler: ${axes.time}`);
  assert.deepEqual(axes.freq, ['0', '1', '2', '3', '4', '5', '6', '7', '8']);
  assert.equal(await page.isVisible('#alert'), false);

  // Hover a segment: its confidence and cues.
  await page.hover('.bysr-lanes .segment[data-label="background"]');
  const tip = await page.textContent('#segment-tip');
  assert.match(tip, /Background speech .*Confidence \d+ %.*Loudness .*Room echo/s);
  await page.mouse.move(5, 5);

  await page.screenshot({ path: path.join(SHOTS, 'review-sample.png'), fullPage: true });

  // Zoomed: 4 s from 2 s, level-0 tiles (one column per 10 ms), lanes for that range only.
  await reviewer(() => window.bystanderDemo.reviewer.setView(2, 4));
  await waitTiles(page);
  await page.waitForTimeout(100);
  const view = await reviewer(() => window.bystanderDemo.reviewer.debug.view);
  assert.equal(view.level, 0);
  assert.ok(Math.abs(view.start - 2) < 1e-9 && Math.abs(view.span - 4) < 1e-9);
  const zoomed = await laneSegments(page);
  assert.ok(zoomed.length < segs.length && zoomed.length > 0);
  for (const s of zoomed) assert.ok(s.end >= 2 && s.start <= 6);
  const ticks = await page.evaluate(() => [...document.querySelectorAll('#time-axis .tick')].map((t) => t.textContent));
  assert.ok(ticks.map(parseFloat).includes(3) && ticks.map(parseFloat).includes(5.5), `zoomed ruler ${ticks}`);
  await page.screenshot({ path: path.join(SHOTS, 'review-zoomed.png'), fullPage: true });
  await reviewer(() => window.bystanderDemo.reviewer.fit());
});

test('display settings redraw from new tiles (mel scale, magma)', async () => {
  await openMenu(page, 'view');
  await page.selectOption('#colormap', 'magma');
  await page.selectOption('#frequency-scale', 'mel');
  await page.locator('#range-db').fill('100');
  await waitTiles(page);
  const freq = await page.evaluate(() =>
    [...document.querySelectorAll('#freq-axis .tick')].map((t) => [t.textContent, parseFloat(t.style.top)]));
  const oneK = freq.find(([t]) => t === '1');
  assert.ok(oneK && oneK[1] < 70 && oneK[1] > 64, `mel axis 1 kHz at ${oneK}`);
  await page.screenshot({ path: path.join(SHOTS, 'review-magma-mel.png'), fullPage: true });
  await openMenu(page, 'view');
  await page.selectOption('#colormap', 'viridis');
  await page.selectOption('#frequency-scale', 'linear');
  await page.locator('#range-db').fill('80');
  await waitTiles(page);
});

test('keyboard: f/b/n/p move the playhead, x flips, undo, arrows, space, help on ?', async () => {
  const segs = await reviewer(() => window.bystanderDemo.reviewer.segments);
  const pos = () => reviewer(() => window.bystanderDemo.reviewer.position);
  await reviewer(() => window.bystanderDemo.reviewer.seek(0));
  await page.locator('body').click({ position: { x: 5, y: 5 } });

  const fgs = segs.filter((s) => s.label === 'foreground' && s.start > 0.005);
  await page.keyboard.press('f');
  assert.ok(Math.abs((await pos()) - fgs[0].start) < 1e-6, `f -> first foreground at ${fgs[0].start}`);
  await page.keyboard.press('f');
  assert.ok(Math.abs((await pos()) - fgs[1].start) < 1e-6, 'f again -> the next foreground segment');
  const playhead = await page.evaluate(() => parseFloat(document.querySelector('.bysr-canvas-wrap .bysr-playhead').style.left));
  const v = await reviewer(() => window.bystanderDemo.reviewer.debug.view);
  assert.ok(Math.abs(playhead - (100 * (fgs[1].start - v.start)) / v.span) < 0.01, 'the playhead is drawn there');

  const p0 = await pos();
  const bgNext = segs.find((s) => s.label === 'background' && s.start > p0 + 0.005);
  await page.keyboard.press('b');
  assert.ok(Math.abs((await pos()) - bgNext.start) < 1e-6, 'b -> next background');
  const p1 = await pos();
  const next = segs.find((s) => s.start > p1 + 0.005);
  await page.keyboard.press('n');
  assert.ok(Math.abs((await pos()) - next.start) < 1e-6, 'n -> next segment');
  await page.keyboard.press('p');
  assert.ok(Math.abs((await pos()) - p1) < 1e-6, 'p -> previous segment');
  await page.keyboard.press('ArrowRight');
  assert.ok(Math.abs((await pos()) - (p1 + 1)) < 1e-6, '→ seeks 1 s');
  await page.keyboard.press('ArrowLeft');
  assert.ok(Math.abs((await pos()) - p1) < 1e-6, '← seeks back');

  // x flips the current segment (the one n/p/f/b selected); Ctrl+Z undoes it.
  await page.keyboard.press('b');
  const cur = await reviewer(() => window.bystanderDemo.reviewer.selected);
  assert.equal(cur.label, 'background');
  // The lanes are redrawn at the next animation frame: wait (up to 5 s) for the expected
  // drawing, then read what is drawn, so that a wrong label still fails with its value.
  const laneOf = async (start, want) => {
    const read = (t) => {
      const e = [...document.querySelectorAll('.bysr-lanes .segment')].find((x) => Math.abs(Number(x.dataset.start) - t) < 1e-3);
      return e ? `${e.dataset.label}/${e.parentElement.dataset.lane}` : null;
    };
    await page.waitForFunction(([t, w]) => {
      const e = [...document.querySelectorAll('.bysr-lanes .segment')].find((x) => Math.abs(Number(x.dataset.start) - t) < 1e-3);
      return e && `${e.dataset.label}/${e.parentElement.dataset.lane}` === w;
    }, [start, want], { polling: 50, timeout: 5000 }).catch(() => {});
    return page.evaluate(read, start);
  };
  await page.keyboard.press('x');
  await page.waitForFunction((t) => window.bystanderDemo.reviewer.segments.find((x) => Math.abs(x.start - t) < 1e-6).label === 'foreground', cur.start);
  assert.equal(await laneOf(cur.start, 'foreground/foreground'), 'foreground/foreground', 'x flips the label; the segment moves to the other lane');
  await page.keyboard.press('Control+z');
  assert.equal(await laneOf(cur.start, 'background/background'), 'background/background', 'undo restores the label');

  // Space plays and pauses; the playhead moves.
  await page.keyboard.press(' ');
  await page.waitForTimeout(400);
  assert.equal(await reviewer(() => window.bystanderDemo.reviewer.playing), true);
  await page.keyboard.press(' ');
  assert.equal(await reviewer(() => window.bystanderDemo.reviewer.playing), false);
  assert.ok((await pos()) > cur.start + 0.1, 'playback advanced');

  // ? shows the help overlay with the shortcuts; Escape closes it.
  await page.keyboard.press('?');
  assert.equal(await page.isVisible('#help'), true);
  const help = await page.textContent('#help');
  for (const k of ['Space', 'n / p', 'f / b', 'x', 'flip']) assert.ok(help.includes(k), `help lists ${k}`);
  await page.screenshot({ path: path.join(SHOTS, 'review-help.png') });
  await page.keyboard.press('Escape');
  assert.equal(await page.isVisible('#help'), false);
});

test('background is blurred on the spectrogram until revealed (r)', async () => {
  await reviewer(() => window.bystanderDemo.reviewer.fit());
  await reviewer(() => window.bystanderDemo.reviewer.seek(0));
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('b');
  const s = await reviewer(() => window.bystanderDemo.reviewer.selected);
  // Brightness of the segment's columns (hidden: dimmed under a dark veil).
  const detail = () => page.evaluate(({ a, b }) => {
    const c = document.getElementById('spectrogram');
    const v = window.bystanderDemo.reviewer.debug.view;
    const x0 = Math.ceil(((a - v.start) / v.span) * c.width) + 2;
    const x1 = Math.floor(((b - v.start) / v.span) * c.width) - 2;
    const { data } = c.getContext('2d').getImageData(x0, 0, x1 - x0, c.height);
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) sum += data[i] + data[i + 1] + data[i + 2];
    return sum / (data.length / 4);
  }, { a: s.start, b: s.end });
  await page.waitForTimeout(100);
  const hidden = await detail();
  await page.keyboard.press('r');
  await page.waitForTimeout(150);
  const shown = await detail();
  assert.ok(shown > 1.3 * hidden, `revealed brightness ${shown.toFixed(1)} vs hidden ${hidden.toFixed(1)}`);
  await page.keyboard.press('r');
  await page.waitForTimeout(150);
  assert.ok(Math.abs((await detail()) - hidden) < 1, 'hidden again');
});

test('segment edges drag; undo restores them', async () => {
  await reviewer(() => window.bystanderDemo.reviewer.fit());
  await page.waitForTimeout(100);
  const segs = await laneSegments(page);
  const s = segs.find((x) => x.label === 'foreground' && x.end - x.start > 0.6);
  await page.click(`.bysr-lanes .segment[data-index="${s.index}"]`);
  await page.waitForTimeout(150); // the lanes are redrawn (selection) at the next frame
  const box = await page.locator(`.bysr-lanes .segment[data-index="${s.index}"] .handle-end`).boundingBox();
  const lanes = await page.locator('#lanes').boundingBox();
  const pxPerSec = lanes.width / SAMPLE_SECONDS;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 - 0.3 * pxPerSec, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  const moved = (await reviewer(() => window.bystanderDemo.reviewer.segments))[s.index];
  assert.ok(Math.abs(moved.end - (s.end - 0.3)) < 0.03, `end dragged from ${s.end} to ${moved.end}`);
  assert.equal(moved.edited, true);
  await page.waitForTimeout(100);
  const el = await laneSegments(page);
  assert.ok(Math.abs(el.find((x) => x.index === s.index).end - moved.end) < 1e-3, 'data-end follows');
  await page.keyboard.press('Control+z');
  await page.waitForTimeout(100);
  const back = (await reviewer(() => window.bystanderDemo.reviewer.segments))[s.index];
  assert.equal(back.end.toFixed(3), s.end.toFixed(3));
});

/** Max |sample| and RMS of channel 0 of an AudioBuffer-like over [a, b) seconds (in the page). */
async function playbackFacts(opts) {
  return page.evaluate(async (o) => {
    const r = window.bystanderDemo.reviewer;
    r.setPrivacy(o.privacy);
    const out = await r.debug.renderOutput();
    const y = out.getChannelData(0);
    const rate = out.sampleRate;
    const facts = (a, b) => {
      let max = 0;
      let sum = 0;
      const i0 = Math.floor(a * rate);
      const i1 = Math.min(y.length, Math.ceil(b * rate));
      for (let i = i0; i < i1; i++) { max = Math.max(max, Math.abs(y[i])); sum += y[i] * y[i]; }
      return { max, rms: Math.sqrt(sum / Math.max(1, i1 - i0)) };
    };
    const segs = r.segments;
    return {
      seconds: y.length / rate,
      bg: segs.filter((s) => s.label === 'background').map((s) => facts(s.start, s.end)),
      fg: segs.filter((s) => s.label === 'foreground' && !s.overlap).map((s) => facts(s.start + 0.011, s.end - 0.011)),
      overlap: segs.filter((s) => s.label === 'foreground' && s.overlap).map((s) => facts(s.start, s.end)),
    };
  }, opts);
}

test('mute background: the rendered playback is silent over background speech', async () => {
  const on = await playbackFacts({ privacy: { mute: true, skip: false, strict: false } });
  assert.ok(on.bg.length > 0);
  for (const f of on.bg) assert.equal(f.max, 0, 'exact silence over every background segment');
  assert.ok(on.fg.every((f) => f.rms > 1e-3), 'foreground audible');
  assert.ok(Math.abs(on.seconds - SAMPLE_SECONDS) < 1e-3);
  if (on.overlap.length) assert.ok(on.overlap.every((f) => f.rms > 1e-3), 'overlaps audible by default');

  const off = await playbackFacts({ privacy: { mute: false, skip: false, strict: false } });
  assert.ok(off.bg.some((f) => f.rms > 1e-3), 'without mute the background is heard');

  const strict = await playbackFacts({ privacy: { mute: true, skip: false, strict: true } });
  for (const f of strict.overlap) assert.equal(f.max, 0, 'strict privacy mutes overlaps');

  const skip = await playbackFacts({ privacy: { mute: true, skip: true, strict: false } });
  const segs = await reviewer(() => window.bystanderDemo.reviewer.segments);
  const bgSeconds = segs.filter((s) => s.label === 'background').reduce((a, s) => a + s.end - s.start, 0);
  assert.ok(Math.abs(skip.seconds - (SAMPLE_SECONDS - bgSeconds)) < 0.05, `skip: ${skip.seconds.toFixed(2)} s played`);
  await reviewer(() => window.bystanderDemo.reviewer.setPrivacy({ mute: true, skip: false, strict: false }));
  console.log(`# mute: ${on.bg.length} background segments rendered at max |sample| 0; foreground RMS min ${Math.min(...on.fg.map((f) => f.rms)).toFixed(4)}; skip plays ${skip.seconds.toFixed(2)} of ${SAMPLE_SECONDS} s`);
});

async function exportFile(format) {
  await openMenu(page, 'export');
  await page.selectOption('#export-format', format);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  return { name: download.suggestedFilename(), bytes: await downloadBuffer(download) };
}

test('every export format downloads and parses; a JSON report imports to continue', async () => {
  const segs = await reviewer(() => window.bystanderDemo.reviewer.segments);
  const n = segs.length;

  const json = await exportFile('json');
  assert.equal(json.name, 'sample.json');
  const report = JSON.parse(json.bytes.toString());
  assert.equal(report.schemaVersion, 1);
  assert.equal(report.segments.length, n);
  assert.equal(report.file, 'sample.wav');
  assert.equal(report.foregroundProbability.length, report.backgroundProbability.length);

  const rttm = (await exportFile('rttm')).bytes.toString().trim().split('\n');
  // A background line under each foreground segment with background speech under it.
  const overlaps = segs.filter((s) => s.label === 'foreground' && s.overlap).length;
  assert.equal(rttm.length, n + overlaps);
  for (const line of rttm) assert.match(line, /^SPEAKER sample 1 \d+\.\d{3} \d+\.\d{3} <NA> <NA> (foreground|background) <NA> <NA>$/);

  const vtt = (await exportFile('vtt')).bytes.toString();
  assert.ok(vtt.startsWith('WEBVTT\n'));
  assert.equal((vtt.match(/^\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3}$/gm) || []).length, n);

  const aud = (await exportFile('audacity')).bytes.toString().trim().split('\n').map((l) => l.split('\t'));
  assert.equal(aud.length, n);
  for (const [a, b, l] of aud) assert.ok(Number(b) > Number(a) && /^(foreground|background)$/.test(l));

  const tg = await exportFile('textgrid');
  assert.equal(tg.name, 'sample.TextGrid');
  const tgText = tg.bytes.toString();
  assert.match(tgText, /Object class = "TextGrid"/);
  // Two tiers (speech, overlap): as many intervals as their sizes add up to.
  assert.match(tgText, /size = 2\n/);
  const size = [...tgText.matchAll(/intervals: size = (\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
  assert.equal((tgText.match(/intervals \[\d+\]:/g) || []).length, size);
  assert.equal((tgText.match(/text = "(foreground|background)"/g) || []).length, n);

  const ls = JSON.parse((await exportFile('labelstudio')).bytes.toString());
  assert.match(ls[0].predictions[0].model_version, /^fnv1a64-[0-9a-f]{16}$/);
  const result = ls[0].predictions[0].result.filter((r) => !r.id.endsWith('-overlap'));
  assert.equal(result.length, n);
  for (const r of result) {
    assert.equal(r.type, 'labels');
    assert.ok(['foreground', 'background'].includes(r.value.labels[0]));
    assert.ok(r.value.end > r.value.start);
  }

  const wav = await exportFile('wav');
  assert.equal(wav.name, 'sample.redacted.wav');
  const d = decodeWav(wav.bytes);
  assert.equal(d.sampleRate, 16000, 'original rate');
  assert.equal(d.channels.length, 1, 'original channel count');
  assert.equal(d.channels[0].length, SAMPLE_SECONDS * 16000);
  const y = d.channels[0];
  for (const s of segs.filter((x) => x.label === 'background')) {
    let max = 0;
    for (let i = Math.floor(s.start * 16000); i < Math.ceil(s.end * 16000); i++) max = Math.max(max, Math.abs(y[i]));
    assert.equal(max, 0, `redacted ${s.start}-${s.end}`);
  }
  let fgEnergy = 0;
  for (const s of segs.filter((x) => x.label === 'foreground')) {
    for (let i = Math.floor(s.start * 16000) + 200; i < Math.floor(s.end * 16000) - 200; i++) fgEnergy += y[i] * y[i];
  }
  assert.ok(fgEnergy > 1, 'foreground kept');

  // Continue from a report: flip one segment, export, undo, import the export.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await reviewer(() => window.bystanderDemo.reviewer.seek(0));
  await page.keyboard.press('b');
  await page.keyboard.press('x');
  const edited = await reviewer(() => window.bystanderDemo.reviewer.segments);
  const editedJson = await exportFile('json');
  const editedPath = path.join(env.tmp, 'sample.json');
  fs.writeFileSync(editedPath, editedJson.bytes);
  await page.keyboard.press('Control+z');
  assert.notDeepEqual((await reviewer(() => window.bystanderDemo.reviewer.segments)).map((s) => s.label), edited.map((s) => s.label));
  await page.setInputFiles('#import-file', editedPath);
  await page.waitForFunction((labels) => window.bystanderDemo.reviewer.segments.map((s) => s.label).join() === labels,
    edited.map((s) => s.label).join());
  const imported = await reviewer(() => window.bystanderDemo.reviewer.segments);
  assert.equal(imported.filter((s) => s.edited).length, 1, 'the edit mark is kept');
  await page.keyboard.press('Control+z'); // back to the analysis
});

test('a 16 kHz WAV through the file input matches the CLI (boundaries within 20 ms; same text formats)', async () => {
  const src = path.join(ROOT, 'tests/fixtures/fgbg/two_talkers.wav');
  const file = path.join(env.tmp, 'two_talkers.wav');
  fs.copyFileSync(src, file);
  await page.setInputFiles('#file', file);
  await waitClip(page, 'two_talkers.wav');
  const page16 = await laneSegments(page);
  const model = await reviewer(() => window.bystanderDemo.reviewer.segments);
  assert.equal(page16.length, model.length);

  const worst = await compareWithCli(page16, file);
  const cli = await cliBinary();
  assert.ok(worst <= 0.02, `largest boundary difference ${worst * 1000} ms`);
  console.log(`# page vs CLI on two_talkers.wav (16 kHz): ${model.length} segments, labels equal, largest boundary difference ${(worst * 1000).toFixed(1)} ms (lane data-start/end, 1 ms resolution)`);

  // Label Studio's data.audio is the path relative to the CLI's working directory: the name.
  for (const [format, cliFormat] of [['rttm', 'rttm'], ['audacity', 'audacity'], ['vtt', 'vtt'], ['textgrid', 'textgrid'], ['labelstudio', 'labelstudio']]) {
    const mine = (await exportFile(format)).bytes.toString();
    const theirs = execFileSync(cli, ['analyze', '--format', cliFormat, path.basename(file)], { cwd: path.dirname(file), encoding: 'utf8' });
    assert.equal(mine, theirs, `${format} identical to the CLI's`);
  }
});

test('undecodable files show a clear message; a recorder\'s WebM/Opus is decoded in the worker', async () => {
  const txt = path.join(env.tmp, 'notes.txt');
  fs.writeFileSync(txt, 'this is not audio\n'.repeat(20));
  await page.setInputFiles('#file', txt);
  await waitState(page, 'error');
  const msg = await page.textContent('#alert');
  assert.match(msg, /^Could not decode notes\.txt: /);
  assert.equal(await page.isVisible('#alert'), true);
  assert.equal((await reviewer(() => window.bystanderDemo.reviewer.clip)).name, 'two_talkers.wav', 'the previous clip stays');

  // A WebM/Opus file made by this browser's MediaRecorder (2 s of a 440 Hz tone).
  const webm = await page.evaluate(async () => {
    const ctx = new AudioContext();
    await ctx.resume();
    const osc = ctx.createOscillator();
    osc.frequency.value = 440;
    const dest = ctx.createMediaStreamDestination();
    osc.connect(dest);
    const rec = new MediaRecorder(dest.stream, { mimeType: 'audio/webm;codecs=opus' });
    const chunks = [];
    rec.ondataavailable = (e) => chunks.push(e.data);
    const stopped = new Promise((r) => { rec.onstop = r; });
    osc.start();
    rec.start();
    await new Promise((r) => setTimeout(r, 2000));
    rec.stop();
    await stopped;
    await ctx.close();
    return Array.from(new Uint8Array(await new Blob(chunks).arrayBuffer()));
  });
  const webmPath = path.join(env.tmp, 'tone.webm');
  fs.writeFileSync(webmPath, Buffer.from(webm));
  await page.setInputFiles('#file', webmPath);
  await waitClip(page, 'tone.webm');
  const clip = await reviewer(() => window.bystanderDemo.reviewer.clip);
  assert.equal(clip.format, 'WebM Opus');
  assert.equal(clip.decoder, 'webcodecs', 'demuxed (www/webm.js) and decoded in the worker');
  assert.equal(clip.sampleRate, 48000, 'decoded at the file\'s own rate');
  assert.ok(clip.duration > 1.5 && clip.duration < 2.6, `duration ${clip.duration}`);
  // A recorder's WebM gives no exact length up front: the worker's is what decoding gave,
  // the same frame count as the page's decodeAudioData.
  const ref = await decodeAudioDataSegments(page, Buffer.from(webm), 48000, { analyse: false });
  assert.equal(clip.length, ref.length, `${clip.length} frames vs decodeAudioData's ${ref.length}`);

  assert.equal(await page.isVisible('#alert'), false);

  // A 2 s, 1 kHz sine as a 44.1 kHz stereo WAV: read in the worker at its own rate and
  // channel count; the tone is drawn at 1/8 of the 0-8 kHz axis.
  const sine = path.join(env.tmp, 'sine-1k.wav');
  const x = new Float32Array(2 * 44100).map((_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / 44100));
  fs.writeFileSync(sine, wavBytes([x, x], 44100));
  await page.setInputFiles('#file', sine);
  await waitClip(page, 'sine-1k.wav');
  const sc = await reviewer(() => window.bystanderDemo.reviewer.clip);
  assert.deepEqual([sc.sampleRate, sc.channels, sc.length], [44100, 2, 88200]);
  await waitTiles(page);
  const best = await page.evaluate(() => {
    const c = document.getElementById('spectrogram');
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    const x = Math.floor(c.width / 2);
    let bestRow = -1;
    let best = -1;
    for (let y = 0; y < c.height; y++) {
      const p = 4 * (y * c.width + x);
      if (data[p] + data[p + 1] + data[p + 2] > best) { best = data[p] + data[p + 1] + data[p + 2]; bestRow = y; }
    }
    return bestRow / c.height;
  });
  assert.ok(Math.abs(best - 7 / 8) < 0.02, `1 kHz drawn at ${best} of the height (linear 0-8 kHz)`);
});

test('a file dropped on the page is analysed', async () => {
  await page.evaluate(() => {
    // A 1 s, 16 kHz WAV made in the page, dropped on the window.
    const n = 16000;
    const buf = new ArrayBuffer(44 + 2 * n);
    const v = new DataView(buf);
    const str = (o, t) => [...t].forEach((c, i) => v.setUint8(o + i, c.charCodeAt(0)));
    str(0, 'RIFF'); v.setUint32(4, 36 + 2 * n, true); str(8, 'WAVE'); str(12, 'fmt ');
    v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, 1, true); v.setUint32(24, 16000, true);
    v.setUint32(28, 32000, true); v.setUint16(32, 2, true); v.setUint16(34, 16, true); str(36, 'data'); v.setUint32(40, 2 * n, true);
    for (let i = 0; i < n; i++) v.setInt16(44 + 2 * i, Math.round(8000 * Math.sin(i / 5)), true);
    const dt = new DataTransfer();
    dt.items.add(new File([buf], 'dropped.wav', { type: 'audio/wav' }));
    for (const type of ['dragenter', 'dragover', 'drop']) {
      window.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    }
  });
  await waitClip(page, 'dropped.wav');
  assert.equal((await reviewer(() => window.bystanderDemo.reviewer.clip)).duration, 1);
});

test('privacy: no request after ready (analyse, play, export), nothing stored, the CSP holds', async () => {
  assert.ok(readyAt > 0);
  // Play the sample again (from memory) and export once more: still no request.
  await page.evaluate(() => window.bystanderDemo.showSample());
  await waitClip(page, 'sample.wav');
  await page.evaluate(() => window.bystanderDemo.reviewer.play(3));
  await page.waitForTimeout(300);
  await page.evaluate(() => window.bystanderDemo.reviewer.pause());
  await exportFile('wav');
  const network = log.requests.slice(readyAt).filter((r) => !r.url.startsWith('blob:'));
  assert.deepEqual(network, [], 'no network request after ready (browser)');
  assert.deepEqual(env.served.slice(servedAt), [], 'no request after ready (server)');
  for (const r of env.served) {
    assert.equal(r.method, 'GET', `${r.method} ${r.path}`);
    assert.equal(r.bodyBytes, 0, `request body for ${r.path}`);
  }
  for (const r of log.requests) {
    const u = new URL(r.url);
    if (u.protocol === 'blob:') {
      assert.equal(new URL(u.pathname).origin, env.origin, 'blob: URLs of this origin only (downloads)');
      continue;
    }
    assert.equal(u.origin, env.origin, `request to ${r.url}`);
    assert.equal(r.method, 'GET', `${r.method} ${r.url}`);
    assert.equal(r.body ?? null, null, `request body for ${r.url}`);
  }

  await assertNothingStored(page);

  // The policy: header and <meta> agree, and nothing was refused on the way.
  const res = await page.request.get(env.server.url);
  assert.equal(res.headers()['content-security-policy'], CSP);
  const meta = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  assert.equal(meta, CSP);
  assert.match(CSP, /default-src 'self'/);
  assert.match(CSP, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.doesNotMatch(CSP, /https?:|\*|unsafe-inline|blob:/);
  assert.deepEqual(await page.evaluate(() => window.__csp), [], 'no CSP violations');
  assert.deepEqual(log.pageErrors, [], 'page errors');
  assert.deepEqual(log.consoleErrors, [], 'console errors');

  // And the policy does refuse other origins (a fresh page; refused before any request).
  const { page: p2, log: log2 } = await openPage(env);
  const refused = await p2.evaluate(() => fetch('http://192.0.2.1/upload', { method: 'POST', body: 'x' }).then(() => 'sent', (e) => `refused: ${e.message}`));
  assert.match(refused, /^refused/);
  assert.ok(!log2.requests.some((r) => r.url.includes('192.0.2.1')), 'no request left the page');
  await p2.close();
  console.log(`# privacy: ${servedAt} requests before ready (all body-less same-origin GETs: ${env.served.slice(0, servedAt).map((r) => r.path).join(' ')}), 0 after (browser and server logs); storage empty; CSP "${CSP}"`);
});
