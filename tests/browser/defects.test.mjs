// Small defects of the review page and its trust cues, one assertion each: the segment
// tooltip (no `null` line, plain words, inside the window), the reveal button keeps its
// width, the status line starts with the counts, singular/plural, an empty file, a clip
// without speech, destroy() leaves a final state, slider names, Tab order in time, the
// orange lane's outline contrast, confidence in the lanes, the clip-level fit warning, and
// `b` at 200 % zoom (a 640x450 window) scrolling the segment into view. Screenshot:
// docs/review-1440.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT, setup, openPage, waitClip, waitState, waitTiles } from './helpers.mjs';

let env;
let page;

before(async () => {
  env = await setup();
  ({ page } = await openPage(env));
  await waitClip(page, 'sample.wav');
});

after(async () => {
  await env?.close();
});

const rv = (fn, arg) => page.evaluate(fn, arg);
const frames = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

/** WCAG relative luminance contrast of two `rgb(...)` colours. */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

test('segment tooltip: no null line, plain words, inside the window', async () => {
  // Make the window end just under the lanes, so a tooltip below a segment would be cut.
  const lanes = await page.locator('#lanes').boundingBox();
  const height = Math.ceil(lanes.y + lanes.height + 4);
  await page.setViewportSize({ width: 1280, height });
  await frames();
  // A locator, not an element handle: the resize redraws the lanes (on a frame a loaded
  // machine may delay), and a locator finds the redrawn segment.
  await page.locator('.bysr-lanes .segment[data-label="foreground"]:not(.overlap)').first().hover();
  const lines = await page.$$eval('#segment-tip > *', (es) => es.map((e) => e.textContent));
  assert.ok(lines.length >= 2, `tooltip lines: ${lines}`);
  assert.ok(!lines.includes('null') && !lines.some((l) => /^null$|\bnull\b/.test(l)), `no null line: ${JSON.stringify(lines)}`);
  const text = lines.join('\n');
  assert.doesNotMatch(text, /dBFS|SNR|reverb|\bre foreground|background score|high band|depth/i, 'no engineering terms');
  assert.match(text, /Foreground speech .*\nConfidence \d+ %/);
  const tip = await page.locator('#segment-tip').boundingBox();
  assert.ok(tip.y >= 0 && tip.y + tip.height <= height && tip.x >= 0 && tip.x + tip.width <= 1280, `tooltip inside the ${height} px window: ${JSON.stringify(tip)}`);
  await page.mouse.move(5, 5);
  await page.setViewportSize({ width: 1280, height: 900 });
  await frames();
});

test('"Reveal selected" / "Hide selected" do not move the toolbar; status line counts first', async () => {
  await page.evaluate(() => { window.scrollTo(0, 0); document.activeElement.blur(); });
  await page.keyboard.press('b');
  await frames();
  const measure = () => page.evaluate(() => {
    const b = document.getElementById('reveal');
    return { text: b.textContent, width: b.getBoundingClientRect().width, next: document.querySelector('.bysr-zoom-out').getBoundingClientRect().x };
  });
  const a = await measure();
  await page.keyboard.press('r');
  const b = await measure();
  await page.keyboard.press('r');
  assert.deepEqual([a.text, b.text], ['Reveal selected', 'Hide selected']);
  assert.equal(b.width, a.width, 'same width');
  assert.equal(b.next, a.next, 'the controls after it stay put');
  assert.match(await page.textContent('#status'), /^\d+ background, \d+ foreground segments · sample\.wav/);
});

test('sliders have accessible names; the orange lane has a 3:1 outline', async () => {
  for (const id of ['range-db', 'gain-db']) assert.match(await page.getAttribute(`#${id}`, 'aria-label'), /\w/, `#${id} has a name`);
  const edge = await page.$eval('.bysr-lanes .segment[data-label="background"]', (e) => {
    const cs = getComputedStyle(e);
    return { width: parseFloat(cs.borderTopWidth), colour: cs.borderTopColor };
  });
  assert.ok(edge.width >= 1, 'background segments have an outline');
  const ratio = contrast(edge.colour, 'rgb(255, 255, 255)');
  assert.ok(ratio >= 3, `outline ${edge.colour} on white: ${ratio.toFixed(2)}:1`);
});

test('Tab goes through the segments in time order, then out of the lanes', async () => {
  const n = await page.locator('.bysr-lanes .segment').count();
  await page.focus('.bysr-lanes .segment[data-index="0"]');
  const order = [await page.evaluate(() => document.activeElement.dataset.index)];
  for (let i = 1; i < n; i++) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => document.activeElement.dataset.index));
  }
  assert.deepEqual(order.map(Number), [...Array(n).keys()], 'time order across both lanes');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.classList.contains('segment')), false, 'then out of the lanes');
  // Exactly one segment is a Tab stop.
  assert.equal(await page.locator('.bysr-lanes .segment[tabindex="0"]').count(), 1);
  await page.evaluate(() => document.activeElement.blur());
});

test('confidence in the lanes; low-confidence segments are marked', async () => {
  const segs = await page.$$eval('.bysr-lanes .segment', (es) => es.map((e) => ({
    confidence: Number(e.dataset.confidence), low: e.classList.contains('low'),
    bar: e.querySelector('.bysr-conf') ? e.querySelector('.bysr-conf').getBoundingClientRect().width / e.clientWidth : null,
    aria: e.getAttribute('aria-label'),
  })));
  for (const s of segs) {
    assert.ok(s.bar != null && Math.abs(s.bar - s.confidence) < 0.05, `bar ${s.bar} for confidence ${s.confidence}`);
    assert.equal(s.low, s.confidence < 0.5);
    assert.equal(/low confidence/.test(s.aria), s.low);
  }
  assert.ok(segs.some((s) => s.low) && segs.some((s) => !s.low), 'the sample has both');
  await page.hover('.bysr-lanes .segment.low');
  assert.match(await page.textContent('#segment-tip'), /low: listen to it/);
  await page.mouse.move(5, 5);
});

test('warning line: singular, a clip that does not fit the model', async () => {
  const segs = await rv(() => window.bystanderDemo.reviewer.segments);
  const dur = await rv(() => window.bystanderDemo.reviewer.clip.duration);
  // One overlap only: "1 stretch ... has".
  const one = segs.map((s, i) => ({ ...s, overlap: s.label === 'foreground' && i === segs.findIndex((x) => x.label === 'foreground') }));
  await rv((json) => window.bystanderDemo.reviewer.importReport(json), JSON.stringify({ duration: dur, segments: one }));
  assert.match(await page.textContent('#overlap-warning'), /^⚠ 1 stretch of foreground speech \([\d.]+ s\) has background speech under it:/);
  assert.equal(await page.getAttribute('#overlap-warning', 'data-fit'), 'ok');
  // Labels switching 39 times in 15.5 s.
  const flicker = Array.from({ length: 40 }, (_, i) => ({ start: i * 0.35, end: i * 0.35 + 0.3, label: i % 2 ? 'background' : 'foreground', confidence: 0.6 }));
  await rv((json) => window.bystanderDemo.reviewer.importReport(json), JSON.stringify({ duration: dur, segments: flicker }));
  assert.equal(await page.getAttribute('#overlap-warning', 'data-fit'), 'poor');
  assert.match(await page.textContent('#overlap-warning'), /switch 39 times in 16 s.*Listen before accepting/);
  await rv(() => { const r = window.bystanderDemo.reviewer; r.undo(); r.undo(); });
  assert.equal(await page.getAttribute('#overlap-warning', 'data-fit'), 'ok');
});

test('a clip without speech and an empty file say so', async () => {
  await rv(() => window.bystanderDemo.reviewer.load({ audio: new Float32Array(3 * 16000), sampleRate: 16000, name: 'silence.wav' }));
  await waitClip(page, 'silence.wav');
  assert.equal(await page.textContent('#overlap-warning'), 'No speech was found in this clip.');
  const err = await rv(() => window.bystanderDemo.reviewer.load({ file: new File([], 'empty.wav', { type: 'audio/wav' }) }).then(() => null, (e) => e.message));
  assert.match(err, /empty\.wav: the file is empty/);
  assert.match(await page.textContent('#alert'), /empty/);
  assert.doesNotMatch(await page.textContent('#alert'), /not audio/);
});

test('destroy() during a load leaves data-state="destroyed" (embed.html)', async () => {
  const { page: embed, context } = await openPage(env, `${env.server.url}embed.html`);
  await waitState(embed, 'ready');
  await embed.evaluate(async () => {
    const r = window.bystanderEmbed.reviewer;
    const loading = r.load({ url: 'samples/sample.wav' }).catch(() => {});
    await r.destroy();
    await loading;
    await new Promise((res) => setTimeout(res, 300));
  });
  assert.equal(await embed.evaluate(() => document.body.dataset.state), 'destroyed');
  await context.close();
});

test('at 200 % zoom (640x450) b scrolls the background segment into view', async () => {
  const { page: small, context } = await openPage(env, env.server.url, { viewport: { width: 640, height: 450 } });
  await waitClip(small, 'sample.wav');
  await small.evaluate(() => window.scrollTo(0, 0));
  const before = await small.locator('#lanes').boundingBox();
  assert.ok(before.y + before.height > 450, `the lanes start off screen: ${JSON.stringify(before)}`);
  await small.keyboard.press('b');
  await small.waitForFunction(() => {
    const r = window.bystanderDemo.reviewer;
    const e = r.selected && document.querySelector(`#lanes .segment.current`);
    if (!e) return false;
    const b = e.getBoundingClientRect();
    return b.top >= -1 && b.bottom <= innerHeight + 1 && b.left >= -1 && b.right <= innerWidth + 1; // sub-pixel rounding
  }, null, { polling: 50, timeout: 5000 });
  await context.close();
});

test('screenshot at 1440x900: docs/review-1440.png', async () => {
  const { page: wide, context } = await openPage(env, env.server.url, { viewport: { width: 1440, height: 900 } });
  await waitClip(wide, 'sample.wav');
  await waitTiles(wide);
  await wide.hover('.bysr-lanes .segment.low');
  await wide.screenshot({ path: path.join(ROOT, 'docs/review-1440.png') });
  await context.close();
});
