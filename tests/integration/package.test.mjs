// The npm package against its packed tarball (bash scripts/package.sh first): a plain
// <script type="module"> page with an import map (no bundler) served from 127.0.0.1 and
// opened in headless Chromium analyses the bundled sample through bystander/worker (segments
// equal the CLI's within 10 ms), mounts the reviewer, meets the bad-input table, and
// destroy() leaves no worker alive; no request leaves 127.0.0.1. Also `tsc --strict` on a
// consumer file that uses every entry point.   node --test tests/integration/
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { launchChromium } from '../../scripts/chromium.mjs';
import { HERE, ROOT, WORK, assertTarball, checkApp, openSite, staticSite, unpack } from './helpers.mjs';

let browser;
let app;

before(async () => {
  assertTarball();
  const { site, csp } = staticSite('static');
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  app = await openSite(browser, site, csp);
});

after(async () => {
  await browser?.close();
  await app?.server.close();
});

test('no bundler: bystander/worker analyses the sample as the CLI does; the reviewer mounts', async () => {
  await checkApp(app, 'no bundler');
});

test('worker API: bad input rejects with the core\'s message and the analyzer keeps working', async () => {
  const { page } = app;
  const r = await page.evaluate(() => window.it.badInputs());
  const expected = (await page.evaluate(() => window.it.analyseSample())).segments.length;
  for (const [row, o] of Object.entries(r)) {
    if (!o || typeof o !== 'object' || !('after' in o)) continue;
    console.log(`#   ${row.padEnd(12)} ${o.ok ? `resolved, warnings: ${JSON.stringify(o.warnings)}` : `rejected: ${o.message}`}`);
    assert.equal(o.after, expected, `${row}: the sample still analyses`);
  }
  for (const row of ['empty', 'text', 'zeroRate', 'hugeRate', 'noChannels', 'notAudio']) {
    assert.equal(r[row].ok, false, `${row} rejects`);
    assert.ok(r[row].message.length > 5, `${row}: a message`);
  }
  assert.match(r.empty.message, /empty/);
  assert.match(r.zeroRate.message, /sample rate/i);
  // A WAV cut short, or whose header claims ~4 GiB: decoded up to the end with the core's
  // warning (as the CLI does), not silently.
  for (const row of ['truncated', 'hugeHeader']) {
    assert.equal(r[row].ok, true, `${row} resolves`);
    assert.match(r[row].warnings.join(' '), /^truncated WAV: the header announces \d+ bytes of audio/, `${row}: the warning`);
  }
  assert.equal(r.nanSamples.ok, true);
  assert.match(r.nanSamples.warnings.join(' '), /NaN|non-finite|infinite/i);
  assert.equal(r.aborted.ok, false);
  assert.match(r.aborted.message, /abort/i);
  assert.equal(r.afterAbort, expected);
  assert.equal(r.afterDestroy.ok, false);
  assert.match(r.afterDestroy.message, /destroyed/);
});

test('worker API: destroy() leaves no worker alive', async () => {
  const { page } = app;
  const started = page.waitForEvent('worker');
  await page.evaluate(() => window.it.startAnalyzer());
  const worker = await started;
  assert.ok(page.workers().includes(worker), 'its worker runs');
  const closed = new Promise((resolve) => worker.once('close', resolve));
  await page.evaluate(() => window.it.destroyAnalyzer());
  await closed;
  assert.ok(!page.workers().includes(worker), 'its worker is gone');
});

test('tsc --strict: a consumer file using every entry point type-checks', () => {
  const dir = path.join(WORK, 'tsc');
  unpack(path.join(dir, 'node_modules/bystander'));
  fs.copyFileSync(path.join(HERE, 'consumer.ts'), path.join(dir, 'consumer.ts'));
  const tsc = path.join(ROOT, 'node_modules/.bin/tsc');
  execFileSync(tsc, ['--ignoreConfig', '--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext',
    '--lib', 'es2022,esnext.disposable,dom', 'consumer.ts'], { cwd: dir, stdio: 'inherit' });
});
