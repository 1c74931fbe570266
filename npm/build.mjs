// Assembles the npm package in dist/npm/ (run by scripts/package.sh after the wasm build):
// the entry modules of this folder, the review page's modules they import (copied from www/,
// followed import by import), the analyser (www/pkg-simd) and decoder (www/pkg-decoder)
// wasm modules, package.json (version from Cargo.toml), NOTICE, licences and README. Prints
// the gzipped size of each .wasm and of each entry point's JS (its static imports included).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'dist/npm');
const HERE = path.join(ROOT, 'npm');
const WWW = path.join(ROOT, 'www');

fs.rmSync(OUT, { recursive: true, force: true });
fs.mkdirSync(OUT, { recursive: true });

/** Relative imports of a module (static, dynamic and `new URL('./x', import.meta.url)`). */
function relativeImports(file) {
  const text = fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
  const found = new Set();
  for (const re of [/\bfrom\s+'(\.[^']+)'/g, /\bimport\s*\(\s*'(\.[^']+)'\s*\)/g, /\bimport\s+'(\.[^']+)'/g, /new URL\('((?:\.|[\w-]+\.\w+)[^':]*)', import\.meta\.url\)/g]) {
    for (const m of text.matchAll(re)) found.add(m[1]);
  }
  return [...found];
}

// The package's own modules (this folder) take precedence over www/'s of the same name.
const OWN = ['index.js', 'index.d.ts', 'worker.js', 'worker.d.ts', 'reviewer-entry.js', 'reviewer.d.ts', 'wavesurfer.js', 'wavesurfer.d.ts', 'bystander-loader.js'];
for (const f of OWN) fs.copyFileSync(path.join(HERE, f), path.join(OUT, f));

/** Copies `rel` (relative to www/) and, for JS, everything it imports. */
function copyFromWww(rel, seen = new Set()) {
  if (seen.has(rel)) return;
  seen.add(rel);
  const src = OWN.includes(rel) ? path.join(OUT, rel) : path.join(WWW, rel);
  if (!fs.existsSync(src)) throw new Error(`missing ${path.relative(ROOT, src)} (run bash scripts/build-wasm.sh)`);
  fs.mkdirSync(path.dirname(path.join(OUT, rel)), { recursive: true });
  if (!OWN.includes(rel)) fs.copyFileSync(src, path.join(OUT, rel));
  if (rel.endsWith('.js')) {
    for (const imp of relativeImports(src)) copyFromWww(path.posix.normalize(path.posix.join(path.posix.dirname(rel), imp)), seen);
  }
}
const seen = new Set();
for (const rel of ['index.js', 'worker.js', 'reviewer-entry.js', 'reviewer.js', 'analysis-worker.js', 'pkg-simd/bystander.js', 'pkg-simd/bystander.d.ts',
  'pkg-decoder/bystander_decoder.js', 'pkg-decoder/bystander_decoder.d.ts']) copyFromWww(rel, seen);

// package.json
const cargo = fs.readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8');
const version = cargo.match(/^version\s*=\s*"([^"]+)"/m)[1];
const pkg = JSON.parse(fs.readFileSync(path.join(HERE, 'package.template.json'), 'utf8'));
pkg.version = version;
let repo = process.env.BYSTANDER_REPOSITORY;
if (!repo) {
  try {
    repo = execFileSync('git', ['remote', 'get-url', 'origin'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    repo = '';
  }
}
if (repo) pkg.repository = { type: 'git', url: repo };
else console.log('# package.json: no BYSTANDER_REPOSITORY and no git remote "origin": "repository" left out');

fs.writeFileSync(path.join(OUT, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
for (const f of ['NOTICE', 'LICENSE-MIT', 'LICENSE-APACHE']) fs.copyFileSync(path.join(ROOT, f), path.join(OUT, f));
fs.copyFileSync(path.join(ROOT, 'docs/npm.md'), path.join(OUT, 'README.md'));

// Sizes.
const gz = (file) => zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
for (const w of ['pkg-simd/bystander_bg.wasm', 'pkg-decoder/bystander_decoder_bg.wasm']) {
  console.log(`# size: ${w} ${kib(fs.statSync(path.join(OUT, w)).size)}, ${kib(gz(path.join(OUT, w)))} gzipped`);
}
function jsGraph(rel, acc = new Set()) {
  if (acc.has(rel) || !rel.endsWith('.js')) return acc;
  acc.add(rel);
  for (const imp of relativeImports(path.join(OUT, rel))) jsGraph(path.posix.normalize(path.posix.join(path.posix.dirname(rel), imp)), acc);
  return acc;
}
for (const [name, entry] of [['bystander', 'index.js'], ['bystander/worker', 'worker.js'], ['bystander/reviewer', 'reviewer-entry.js'], ['bystander/wavesurfer', 'wavesurfer.js']]) {
  const files = [...jsGraph(entry)];
  const total = files.reduce((n, f) => n + gz(path.join(OUT, f)), 0);
  console.log(`# size: ${name} JS ${kib(total)} gzipped (${files.length} modules: its imports, workers and worklets; .wasm apart)`);
}
console.log(`built ${path.relative(ROOT, OUT)}/ (bystander ${version})`);
