// The npm package in a minimal Vite app and a minimal webpack 5 app (tests/integration/vite,
// tests/integration/webpack; the same app.js): each npm-installs the packed tarball
// (bash scripts/package.sh first), builds for production, is served from 127.0.0.1 and
// opened in headless Chromium, analyses the sample through bystander/worker (segments equal
// the CLI's within 10 ms) and mounts the reviewer; no request leaves 127.0.0.1. The Vite app
// also runs the wavesurfer.js adapter (bystander/wavesurfer).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchChromium } from '../../scripts/chromium.mjs';
import { CSP } from '../../scripts/serve.mjs';
import { assertTarball, checkApp, installApp, openSite } from './helpers.mjs';

let browser;
const servers = [];

before(async () => {
  assertTarball();
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
});

after(async () => {
  await browser?.close();
  for (const s of servers) await s.close();
});

test('Vite: a production build analyses the sample as the CLI does and mounts the reviewer', async () => {
  const dir = installApp('vite');
  const { build } = await import(pathToFileURL(path.join(dir, 'node_modules/vite/dist/node/index.js')).href);
  await build({ root: dir, configFile: path.join(dir, 'vite.config.js'), logLevel: 'warn' });
  // wavesurfer.js plays through a blob: URL and styles its shadow DOM inline: its host's CSP
  // needs both, beyond the review page's.
  const csp = CSP.replace("media-src 'self'", "media-src 'self' blob:").replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");
  const app = await openSite(browser, path.join(dir, 'dist'), csp);
  servers.push(app.server);
  await checkApp(app, 'Vite');
  // The wavesurfer.js adapter (bystander/wavesurfer) in the same app.
  const w = await app.page.evaluate(() => window.wavesurferTest());
  assert.equal(w.regions, w.segments, 'one region per segment');
  assert.equal(w.left, 0, 'destroy() removes them');
  assert.ok(w.coloursMatch, 'coloured by label');
  assert.deepEqual([w.before, w.inside, w.inForeground, w.unmutedOption], [false, true, false, false],
    'muted inside background speech while playing, not before it nor in foreground; not when turned off');
  assert.deepEqual(app.foreign, []);
});

test('webpack 5: a production build analyses the sample as the CLI does and mounts the reviewer', async () => {
  const dir = installApp('webpack');
  const { default: webpack } = await import(pathToFileURL(path.join(dir, 'node_modules/webpack/lib/index.js')).href);
  const { default: config } = await import(pathToFileURL(path.join(dir, 'webpack.config.js')).href);
  const stats = await new Promise((resolve, reject) => webpack(config, (err, s) => (err ? reject(err) : resolve(s))));
  if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true }));
  const site = path.join(dir, 'dist');
  (await import('node:fs')).copyFileSync(path.join(dir, 'index.html'), path.join(site, 'index.html'));
  const app = await openSite(browser, site);
  servers.push(app.server);
  await checkApp(app, 'webpack');
});
