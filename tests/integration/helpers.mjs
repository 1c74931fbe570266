// What the integration tests share: the tarball, installing it into an app folder under
// target/npm-it/, serving a built site from 127.0.0.1 in headless Chromium with every request
// outside that origin recorded, and the checks every app passes.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { serve, CSP } from '../../scripts/serve.mjs';
import { compareWithCli } from '../browser/helpers.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const HERE = path.join(ROOT, 'tests/integration');
export const WORK = path.join(ROOT, 'target/npm-it');
export const VERSION = fs.readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8').match(/^version\s*=\s*"([^"]+)"/m)[1];
export const TARBALL = path.join(ROOT, `dist/bystander-${VERSION}.tgz`);
export const SAMPLE = path.join(ROOT, 'www/samples/sample.wav');

export function assertTarball() {
  assert.ok(fs.existsSync(TARBALL), `${TARBALL} missing: run bash scripts/package.sh`);
}

/** Unpacks the tarball into `dir` (the package as installed, without the registry). */
export function unpack(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['-xzf', TARBALL, '-C', dir, '--strip-components=1']);
}

/**
 * Copies the app `name` (tests/integration/NAME/ and the shared app/app.js) to
 * target/npm-it/NAME/ and npm-installs it: the tarball and its bundler (npm's cache in
 * target/npm-cache, so a second run is offline). Returns the app folder.
 */
export function installApp(name) {
  const dir = path.join(WORK, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(path.join(HERE, name))) fs.copyFileSync(path.join(HERE, name, f), path.join(dir, f));
  fs.copyFileSync(path.join(HERE, 'app/app.js'), path.join(dir, 'app.js'));
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  pkg.dependencies.bystander = `file:${TARBALL}`;
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  // A new tarball of the same version must replace the installed one.
  fs.rmSync(path.join(dir, 'node_modules/bystander'), { recursive: true, force: true });
  fs.rmSync(path.join(dir, 'package-lock.json'), { force: true });
  // --include=dev: a Vite build before sets NODE_ENV=production in this process.
  execFileSync('npm', ['install', '--include=dev', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error',
    '--cache', path.join(ROOT, 'target/npm-cache')], { cwd: dir, stdio: 'inherit' });
  return dir;
}

/**
 * The no-bundler site: the unpacked tarball in target/npm-it/NAME/bystander/, the page with
 * its import map and app.js. Returns { site, csp }: the host's policy is the review page's
 * plus the import map's hash (an inline script).
 */
export function staticSite(name) {
  const site = path.join(WORK, name);
  fs.rmSync(site, { recursive: true, force: true });
  unpack(path.join(site, 'bystander'));
  fs.copyFileSync(path.join(HERE, 'static/index.html'), path.join(site, 'index.html'));
  fs.copyFileSync(path.join(HERE, 'app/app.js'), path.join(site, 'app.js'));
  fs.copyFileSync(SAMPLE, path.join(site, 'sample.wav'));
  const html = fs.readFileSync(path.join(site, 'index.html'), 'utf8');
  const map = html.match(/<script type="importmap">([\s\S]*?)<\/script>/)[1];
  const hash = crypto.createHash('sha256').update(map).digest('base64');
  return { site, csp: CSP.replace("script-src 'self'", `script-src 'self' 'sha256-${hash}'`) };
}

/**
 * Serves `site` from 127.0.0.1 with the review page's CSP (or `csp`) and opens it in
 * `browser`; resolves to { page, server, foreign } once the app set window.itReady.
 */
export async function openSite(browser, site, csp = CSP) {
  fs.copyFileSync(SAMPLE, path.join(site, 'sample.wav'));
  const server = await serve({ root: site, port: 0, csp });
  const page = await browser.newPage();
  const foreign = [];
  // blob: URLs of this origin (wavesurfer.js plays one) stay in the page.
  const local = (u) => u.startsWith(server.url) || u.startsWith('data:') || u.startsWith(`blob:${server.url}`);
  page.on('request', (r) => { if (!local(r.url())) foreign.push(r.url()); });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(server.url);
  await page.waitForFunction(() => window.itReady, null, { timeout: 30000 }).catch((e) => {
    throw new Error(`${e.message}; page errors: ${errors.join('; ')}`);
  });
  return { page, server, foreign, errors };
}

/**
 * The checks of every app: bystander/worker's segments for the sample equal the CLI's
 * (boundaries within 10 ms), the main-thread API answers, the reviewer mounts and shows the
 * sample analysed, and no request left 127.0.0.1.
 */
export async function checkApp({ page, foreign }, label) {
  const r = await page.evaluate(() => window.it.analyseSample());
  const worst = await compareWithCli(r.segments, SAMPLE);
  console.log(`# ${label}: ${r.segments.length} segments, worker vs CLI largest boundary difference ${(worst * 1000).toFixed(1)} ms; ${r.progress} progress events; bystander ${r.version}`);
  assert.ok(worst <= 0.010, `boundaries within 10 ms (${worst})`);
  assert.ok(r.progress > 0, 'progress events');
  assert.equal(r.version, VERSION);
  assert.equal(r.quietSegments, 0, 'silence has no segments (main-thread API)');
  const shown = await page.evaluate(() => window.it.mountReviewer());
  assert.equal(shown.segments, r.segments.length, 'the reviewer shows the same segments');
  assert.deepEqual(shown.events, ['play', 'pause'], 'play and pause events');
  assert.ok(Math.abs(shown.playAt - 3) < 0.2, `play at 3 s (${shown.playAt})`);
  assert.ok(shown.timeupdates > 3 && shown.rising, `timeupdate while playing (${shown.timeupdates}), rising`);
  assert.equal(shown.onces, 1, 'once fires once');
  assert.deepEqual(foreign, [], 'no request leaves 127.0.0.1');
}
