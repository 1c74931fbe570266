// The wavesurfer.js adapter in the Vite app: the sample's segments as Regions, and playback
// muted inside background speech. Called by tests/integration/bundlers.test.mjs.
import WaveSurfer from 'wavesurfer.js';
import RegionsPlugin from 'wavesurfer.js/plugins/regions';
import { createAnalyzer } from 'bystander/worker';
import { attachToWaveSurfer, LABEL_COLOURS } from 'bystander/wavesurfer';

const until = async (test, ms = 10000) => {
  const t0 = performance.now();
  while (!test()) {
    if (performance.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

window.wavesurferTest = async () => {
  const ws = WaveSurfer.create({ container: '#waveform', url: 'sample.wav', height: 64 });
  const regions = ws.registerPlugin(RegionsPlugin.create());
  let ready = false;
  ws.once('ready', () => { ready = true; });
  await until(() => ready);
  const analyzer = createAnalyzer();
  const report = await analyzer.analyze(await (await fetch('sample.wav')).arrayBuffer());
  await analyzer.destroy();
  const attached = attachToWaveSurfer(ws, regions, report);
  const colours = attached.regions.map((r) => r.color);
  const expected = report.segments.map((s) => LABEL_COLOURS[s.label]);
  const bg = report.segments.find((s) => s.label === 'background' && s.end - s.start > 0.4);
  const fg = report.segments.find((s) => s.label === 'foreground');
  // Play across the start of a background segment: muted inside it, not before.
  ws.setTime(Math.max(0, bg.start - 0.4));
  await ws.play();
  await until(() => ws.getCurrentTime() > bg.start - 0.3);
  const before = ws.getMuted();
  await until(() => ws.getCurrentTime() > bg.start + 0.1);
  const inside = ws.getMuted();
  ws.pause();
  ws.setTime((fg.start + fg.end) / 2);
  const inForeground = ws.getMuted();
  attached.setMuteBackground(false);
  ws.setTime((bg.start + bg.end) / 2);
  const unmutedOption = ws.getMuted();
  attached.destroy();
  return {
    segments: report.segments.length, regions: attached.regions.length, left: regions.getRegions().length,
    coloursMatch: colours.every((c, i) => c === expected[i]), before, inside, inForeground, unmutedOption,
  };
};
