// A small static file server for the demo, the browser tests and the benchmarks.
// Listens on 127.0.0.1 only. Usage:
//   node scripts/serve.mjs [--root DIR] [--port N]      (defaults: www, 8123)
// As a module: `const { url, close } = await serve({ root, port: 0 })`.
// Every response carries a Content-Security-Policy: only this origin may be contacted (plus
// 'wasm-unsafe-eval', which Chromium needs to compile wasm); see CSP below.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.wasm': 'application/wasm', '.wav': 'audio/wav',
  '.png': 'image/png', '.svg': 'image/svg+xml', '.ts': 'text/plain; charset=utf-8',
  '.onnx': 'application/octet-stream', '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
};

// The review page's policy (also in www/*.html as a <meta>): only this origin, plus
// 'wasm-unsafe-eval', which Chromium needs to compile wasm. No inline script or style, no
// blob: workers, no other origin for anything.
export const CSP = [
  "default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "worker-src 'self'",
  "connect-src 'self'", "img-src 'self' data:", "media-src 'self'", "style-src 'self'",
  "font-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'none'",
].join('; ');

// The benchmark pages (benches/, node_modules/ peers such as onnxruntime-web) keep a looser
// policy: still this origin only, but blob: workers and inline styles are allowed.
export const BENCH_CSP = [
  "default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "worker-src 'self' blob:",
  "connect-src 'self'", "img-src 'self' data: blob:", "media-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'", "object-src 'none'", "base-uri 'none'", "form-action 'none'",
].join('; ');

const benchFile = (file) => file.includes(`${path.sep}benches${path.sep}`) || file.includes(`${path.sep}node_modules${path.sep}`);

// `onRequest({ method, path, bodyBytes, headers })` sees every request the server gets,
// including those a browser's devtools protocol does not report (worklet modules): the
// tests' ground truth for "no request after ready".
export function serve({ root = 'www', port = 8123, host = '127.0.0.1', log = false, csp = null, onRequest = null } = {}) {
  const base = path.resolve(root);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (onRequest) {
      let bodyBytes = 0;
      req.on('data', (c) => { bodyBytes += c.length; });
      req.on('end', () => onRequest({ method: req.method, path: url.pathname, bodyBytes, headers: req.headers, t: Date.now() }));
    }
    let file = path.normalize(path.join(base, decodeURIComponent(url.pathname)));
    if (file !== base && !file.startsWith(base + path.sep)) {
      res.writeHead(403).end('forbidden');
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    fs.readFile(file, (err, body) => {
      if (log) console.log(req.method, url.pathname, err ? 404 : 200);
      if (err) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file)] || 'application/octet-stream',
        'content-security-policy': csp ?? (benchFile(file) ? BENCH_CSP : CSP),
        'cache-control': 'no-store',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
      });
      res.end(body);
    });
  });
  return new Promise((resolve) => {
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      resolve({
        url: `http://${host}:${actual}/`,
        close: () => new Promise((r) => {
          server.close(r);
          server.closeAllConnections(); // keep-alive connections would hold close() open
        }),
      });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : dflt;
  };
  const { url } = await serve({ root: arg('--root', 'www'), port: Number(arg('--port', 8123)) });
  console.log(`bystander demo: ${url}  (Ctrl-C to stop)`);
}
