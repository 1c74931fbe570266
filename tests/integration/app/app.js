// The consumer app of the integration tests, the same for Vite, webpack and the no-bundler
// page: it imports the package's three entry points by name and exposes what the test calls
// (tests/integration/package.test.mjs) as window.it.
import { init, analyze, version } from 'bystander';
import { createAnalyzer } from 'bystander/worker';
import { mountReviewer } from 'bystander/reviewer';

const sampleBytes = async () => (await fetch('sample.wav')).arrayBuffer();

/** Settles a promise to { ok, value } or { ok: false, message }. */
const settle = (p) => p.then((value) => ({ ok: true, value }), (err) => ({ ok: false, message: String(err && err.message) }));

function wavHeader(dataBytes, sampleRate = 16000) {
  const v = new DataView(new ArrayBuffer(44));
  const text = (o, s) => [...s].forEach((c, i) => v.setUint8(o + i, c.charCodeAt(0)));
  text(0, 'RIFF'); v.setUint32(4, 36 + dataBytes, true); text(8, 'WAVE'); text(12, 'fmt ');
  v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, 1, true);
  v.setUint32(24, sampleRate, true); v.setUint32(28, sampleRate * 2, true); v.setUint16(32, 2, true);
  v.setUint16(34, 16, true); text(36, 'data'); v.setUint32(40, dataBytes, true);
  return new Uint8Array(v.buffer);
}

window.it = {
  /** The sample through bystander/worker, and the main-thread API's version. */
  async analyseSample() {
    const analyzer = createAnalyzer();
    let progress = 0;
    analyzer.events.addEventListener('progress', () => { progress += 1; });
    const report = await analyzer.analyze(await sampleBytes());
    await analyzer.destroy();
    await init();
    const quiet = analyze(new Float32Array(16000), 16000);
    return { segments: report.segments, progress, version: version(), quietSegments: quiet.segments.length };
  },
  /** Mounts the reviewer and loads the sample; resolves to its segments once ready. */
  async mountReviewer() {
    const reviewer = mountReviewer(document.querySelector('#review'));
    await reviewer.ready;
    const shown = new Promise((resolve) => {
      reviewer.on('change', (e) => { if (e.segments.length) resolve(e.segments.length); });
    });
    await reviewer.load({ url: 'sample.wav', name: 'sample.wav' });
    const segments = await shown;
    // Playback events: play, timeupdate (rising positions), pause; once fires once.
    const events = [];
    const times = [];
    let onces = 0;
    const offs = [reviewer.on('play', (t) => events.push(['play', t])), reviewer.on('pause', (t) => events.push(['pause', t])),
      reviewer.on('timeupdate', (t) => times.push(t)), reviewer.once('timeupdate', () => { onces += 1; })];
    await reviewer.play(3);
    await new Promise((r) => setTimeout(r, 400));
    reviewer.pause();
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    offs.forEach((off) => off());
    const rising = times.every((t, i) => i === 0 || t >= times[i - 1]);
    return { segments, state: reviewer.state, events: events.map(([e]) => e), playAt: events[0]?.[1], timeupdates: times.length, rising, onces };
  },
  /** The bad-input table through the worker API; after each row the sample still analyses. */
  async badInputs() {
    const analyzer = createAnalyzer();
    const bytes = new Uint8Array(await sampleBytes());
    const rows = {
      empty: new Uint8Array(0),
      text: new TextEncoder().encode('not audio at all, just text\n'),
      truncated: bytes.slice(0, 1000),
      hugeHeader: (() => { const h = wavHeader(0xfffffff0); const b = new Uint8Array(144); b.set(h); return b; })(),
      nanSamples: { channels: [new Float32Array(16000).fill(NaN)], sampleRate: 16000 },
      zeroRate: { channels: [new Float32Array(1600)], sampleRate: 0 },
      hugeRate: { channels: [new Float32Array(1600)], sampleRate: 1e12 },
      noChannels: { channels: [], sampleRate: 16000 },
      notAudio: /** @type {any} */ (42),
    };
    const out = {};
    for (const [name, input] of Object.entries(rows)) {
      const r = await settle(analyzer.analyze(input));
      const after = await analyzer.analyze(bytes);
      out[name] = { ...(r.ok ? { ok: true, warnings: r.value.warnings, segments: r.value.segments.length } : r), after: after.segments.length };
    }
    const aborted = new AbortController();
    const p = settle(analyzer.analyze(bytes, { signal: aborted.signal }));
    aborted.abort();
    out.aborted = await p;
    out.afterAbort = (await analyzer.analyze(bytes)).segments.length;
    await analyzer.destroy();
    out.afterDestroy = await settle(analyzer.analyze(bytes));
    return out;
  },
  /** Starts an analyzer and waits until its worker runs (the test counts workers), then destroys it. */
  async startAnalyzer() {
    window.analyzer = createAnalyzer();
    await window.analyzer.ready();
  },
  async destroyAnalyzer() {
    await window.analyzer.destroy();
  },
};
window.itReady = true;
