// The embedding API (www/embed.html over mountReviewer): loads the next clip without a page
// reload, reports edits through onChange, playback rate and loop, and destroy() ends the
// worker (and with it the wasm memory) and empties the element.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SHOTS, setup, openPage, waitState } from './helpers.mjs';

let env;
let page;
let log;

before(async () => {
  env = await setup();
  ({ page, log } = await openPage(env, `${env.server.url}embed.html`));
});

after(async () => {
  await env?.close();
});

const clip = () => page.evaluate(() => window.bystanderEmbed.reviewer.clip);

test('embed.html mounts a reviewer and loads the next clip without a reload', async () => {
  await waitState(page, 'ready');
  assert.equal((await clip()).name, 'sample.wav');
  const fg = await page.locator('#review .bysr-lanes .segment[data-label="foreground"]').count();
  const bg = await page.locator('#review .bysr-lanes .segment[data-label="background"]').count();
  assert.ok(fg > 0 && bg > 0);
  assert.equal(page.workers().length, 1, 'one analysis worker');
  await page.evaluate(() => { window.__sameDocument = true; });
  const requestsBefore = log.requests.length;

  await page.click('#next');
  await page.waitForFunction(() => document.body.dataset.state === 'ready' && window.bystanderEmbed.reviewer.clip.name === 'tones.wav');
  const c = await clip();
  assert.equal(c.sampleRate, 22050);
  assert.equal(c.channels, 2);
  assert.equal(c.duration, 8);
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no page reload');
  assert.equal(page.workers().length, 1, 'the same worker');
  assert.deepEqual(log.requests.slice(requestsBefore), [], 'no request for the next clip');
  await page.screenshot({ path: path.join(SHOTS, 'embed.png'), fullPage: true });
});

test('onChange reports edits; playback rate and loop', async () => {
  await page.click('#next'); // back to the sample
  await page.waitForFunction(() => document.body.dataset.state === 'ready' && window.bystanderEmbed.reviewer.clip.name === 'sample.wav');
  assert.match(await page.textContent('#changes'), /^analysis: \d+ segments/);
  // Keys go to the component once it has focus.
  await page.click('#review .bysr-lanes .segment[data-label="background"]');
  await page.keyboard.press('x');
  assert.match(await page.textContent('#changes'), /^flip: \d+ segments/);
  await page.keyboard.press('Control+z');
  assert.match(await page.textContent('#changes'), /^undo: /);

  const r = await page.evaluate(async () => {
    const rv = window.bystanderEmbed.reviewer;
    rv.setPlaybackRate(2);
    rv.setLoop([1, 1.5]);
    await rv.play(1);
    await new Promise((res) => setTimeout(res, 900));
    const pos = rv.position;
    const playing = rv.playing;
    rv.pause();
    rv.setLoop(false);
    rv.setPlaybackRate(1);
    return { pos, playing, rate: document.querySelector('#review .bysr-rate').value };
  });
  assert.equal(r.playing, true, 'still playing after 0.9 s at 2x: looping');
  assert.ok(r.pos >= 1 && r.pos <= 1.5, `position ${r.pos} inside the loop`);
  assert.equal(r.rate, '1');
});

test('destroy() ends the worker and frees the element', async () => {
  assert.equal(page.workers().length, 1);
  const closed = new Promise((resolve) => page.workers()[0].once('close', resolve));
  await page.click('#unmount');
  await waitState(page, 'destroyed');
  await closed;
  assert.equal(page.workers().length, 0, 'worker terminated');
  assert.equal(await page.evaluate(() => document.getElementById('review').children.length), 0);
  assert.deepEqual(log.pageErrors, []);
  assert.deepEqual(log.consoleErrors, []);
});

test('<bystander-review> custom element: loads its src, removal destroys it', async () => {
  await page.evaluate(async () => {
    const { defineReviewerElement } = await import('./reviewer.js');
    defineReviewerElement();
    const el = document.createElement('bystander-review');
    el.id = 'custom';
    el.setAttribute('src', 'samples/sample.wav');
    document.body.append(el);
  });
  await page.waitForFunction(() => document.getElementById('custom').dataset.state === 'ready'
    && document.querySelectorAll('#custom .bysr-lanes .segment').length > 0, null, { polling: 50 });
  const n = await page.locator('#custom .bysr-lanes .segment').count();
  assert.ok(n > 0, `${n} segments`);
  assert.equal(page.workers().length, 1);
  const closed = new Promise((resolve) => page.workers()[0].once('close', resolve));
  await page.evaluate(() => document.getElementById('custom').remove());
  await closed;
  assert.equal(page.workers().length, 0);
  assert.deepEqual(log.pageErrors, []);
  assert.deepEqual(log.consoleErrors, []);
});
