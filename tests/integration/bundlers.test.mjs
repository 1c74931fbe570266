// The npm package in a minimal Vite app and a minimal webpack 5 app (tests/integration/vite,
// tests/integration/webpack; the same app.js): each npm-installs the packed tarball
// (bash scripts/package.sh first), builds for production, is served from 127.0.0.1 and
// opened in headless Chromium, analyses the sample through bystander/worker (segments equal
// the CLI's within 10 ms) and mounts the reviewer; no request leaves 127.0.0.1.
import { test, after, before } from 'node:test';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchChromium } from '../../scripts/chromium.mjs';
import { assertTarball, checkApp, installApp, openSite } from './helpers.mjs';

let browser;
const servers = [];

before(async () => {
  assertTarball();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  for (const s of servers) await s.close();
});

test('Vite: a production build analyses the sample as the CLI does and mounts the reviewer', async () => {
  const dir = installApp('vite');
  const { build } = await import(pathToFileURL(path.join(dir, 'node_modules/vite/dist/node/index.js')).href);
  await build({ root: dir, configFile: path.join(dir, 'vite.config.js'), logLevel: 'warn' });
  const app = await openSite(browser, path.join(dir, 'dist'));
  servers.push(app.server);
  await checkApp(app, 'Vite');
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
