// The bad-input table (tests/js/bad-input-table.mjs) through the wasm package in Node and in
// headless Chromium, both builds (www/pkg without SIMD, www/pkg-simd), after
// `bash scripts/build-wasm.sh`:   node --test tests/js/
// Prints the table (row, outcome) once.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTable } from './bad-input-table.mjs';
import { decodeWav } from '../browser/wav.mjs';
import { launchChromium } from '../../scripts/chromium.mjs';
import { serve } from '../../scripts/serve.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sampleWav = decodeWav(fs.readFileSync(path.join(ROOT, 'www/samples/sample.wav')));
const speech = { samples: sampleWav.channels[0], rate: sampleWav.sampleRate }; // a mono clip
assert.equal(speech.rate, 16000);

async function loadNode(dir, name = 'bystander') {
  const mod = await import(path.join(ROOT, 'www', dir, `${name}.js`));
  mod.initSync({ module: fs.readFileSync(path.join(ROOT, 'www', dir, `${name}_bg.wasm`)) });
  // The SIMD build is the analyser alone: its decoder is the pkg-decoder module.
  return dir === 'pkg-simd' ? { ...(await loadNode('pkg-decoder', 'bystander_decoder')), ...mod } : mod;
}

for (const dir of ['pkg', 'pkg-simd']) {
  test(`bad-input table in Node (${dir})`, async () => {
    const rows = runTable(await loadNode(dir), speech.samples);
    assert.ok(rows.length > 40);
    if (dir === 'pkg') {
      console.log(rows.map((r) => `  ${r.row.padEnd(48)} ${r.outcome}`).join('\n'));
    }
  });
}

let server;
let browser;
after(async () => {
  await browser?.close();
  await server?.close();
});

test('bad-input table in headless Chromium (both builds)', async () => {
  server = await serve({ root: ROOT, port: 0 });
  browser = await launchChromium();
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}tests/js/table.html`);
  await page.waitForFunction(() => window.tableDone, null, { timeout: 120000 });
  const result = await page.evaluate(() => window.tableResult);
  assert.deepEqual(errors, []);
  assert.equal(result.error, undefined, result.error);
  for (const build of ['pkg', 'pkg-simd']) assert.ok(result[build].length > 40, build);
});
