// Long-stream memory of the wasm analyser in headless Chromium (issue: 3 hours of audio
// streamed with wasm memory bounded: peak memory.buffer.byteLength < 64 MiB plus the report).
//   bash scripts/build-wasm.sh && node benches/browser/long-memory.mjs [--hours 3] [--pkg pkg-simd|pkg]
// Prints the peak wasm memory before and after `finish()`, the report's size, the time
// taken, and PASS/FAIL; exits 1 on FAIL.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../../scripts/chromium.mjs';
import { serve } from '../../scripts/serve.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const hours = Number(opt('--hours', 3));
const pkgs = opt('--pkg', 'pkg-simd,pkg').split(',');
const LIMIT_MIB = 64;

const server = await serve({ root: ROOT, port: 0 });
const browser = await launchChromium();
let failed = false;
try {
  for (const pkg of pkgs) {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(`${server.url}benches/browser/long-memory.html?hours=${hours}&pkg=${pkg}`);
    const r = await page.evaluate(() => window.result);
    await page.close();
    if (r.error) throw new Error(r.error);
    const limit = LIMIT_MIB + r.reportMiB;
    const pass = r.peakAfterFinishMiB < limit;
    failed ||= !pass;
    console.log(`${pkg}: ${hours} h of 16 kHz audio streamed through AnalyzerStream in 1 s blocks in ${r.seconds.toFixed(1)} s ` +
      `(${(r.audioSeconds / r.seconds).toFixed(0)}x real time); wasm memory: ${r.startMiB.toFixed(1)} MiB at start, ` +
      `peak ${r.peakBeforeFinishMiB.toFixed(1)} MiB while streaming, ${r.peakAfterFinishMiB.toFixed(1)} MiB after finish(); ` +
      `report ${r.reportMiB.toFixed(1)} MiB (${r.frames} frames, ${r.segments} segments); ` +
      `limit 64 MiB + report = ${limit.toFixed(1)} MiB: ${pass ? 'PASS' : 'FAIL'}`);
  }
} finally {
  await browser.close();
  await server.close();
}
process.exit(failed ? 1 : 0);
