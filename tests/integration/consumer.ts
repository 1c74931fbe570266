// Uses every public entry point of the package; `tsc --noEmit --strict` must accept it.
import { init, analyze, detectSpeech, spectrogram, AnalyzerStream, SpectrogramStream, VoiceActivityStream, version } from 'bystander';
import type { AnalysisReport, AnalyzeOptions, LabelledSegment } from 'bystander';
import { createAnalyzer } from 'bystander/worker';
import type { Analyzer, AnalysisProgress } from 'bystander/worker';
import { mountReviewer, defineReviewerElement } from 'bystander/reviewer';
import type { ReviewerController, ChangeEvent } from 'bystander/reviewer';
import { attachToWaveSurfer, LABEL_COLOURS } from 'bystander/wavesurfer';
import type { WaveSurferLike, RegionLike } from 'bystander/wavesurfer';

interface MyRegion extends RegionLike { color: string }

export function withWaveSurfer(ws: WaveSurferLike, regions: { addRegion(p: { start: number; color?: string }): MyRegion }, report: AnalysisReport): string[] {
  const attached = attachToWaveSurfer(ws, regions, report, { muteBackground: true, colours: { background: LABEL_COLOURS.background } });
  attached.setMuteBackground(!attached.muted);
  const colours = attached.regions.map((r: MyRegion) => r.color);
  attached.destroy();
  return colours;
}

export async function main(el: HTMLElement, file: File, mic: MediaStream): Promise<number> {
  await init({ wasmUrl: '/assets/bystander_bg.wasm' });
  const samples = new Float32Array(16000);
  const options: AnalyzeOptions = {};
  const report: AnalysisReport = analyze(samples, 16000, options);
  const first: LabelledSegment | undefined = report.segments[0];
  const s = spectrogram(samples, 16000, { preset: 'librosa', db: true });
  const frames: number = s.frames * s.bins + s.data.length + s.frequencies.length;
  const vad = detectSpeech(samples, 16000);
  const probs: Float32Array = vad.probabilities;
  const stream = new AnalyzerStream(16000);
  const closed: LabelledSegment[] = stream.push(samples);
  stream.finish();
  new SpectrogramStream(16000).push(samples).data.length;
  new VoiceActivityStream(16000).push(samples).map((x) => x.end - x.start);

  const analyzer: Analyzer = createAnalyzer({ wasmUrl: new URL('https://example.invalid/x.wasm') });
  const abort = new AbortController();
  const r2 = await analyzer.analyze(file, { signal: abort.signal, onProgress: (p: AnalysisProgress) => p.done / p.total });
  await analyzer.analyze({ channels: [samples], sampleRate: 16000 });
  analyzer.events.addEventListener('progress', (e) => e.detail.done);
  const live = analyzer.analyzeStream(mic);
  live.events.addEventListener('segments', (e) => e.detail.segments.length);
  await live.stop();
  await analyzer.destroy();

  defineReviewerElement();
  const reviewer: ReviewerController = mountReviewer(el, { onChange: (e: ChangeEvent) => e.segments.length });
  await reviewer.ready;
  await reviewer.load({ file });
  const off: () => void = reviewer.on('change', (e) => e.reason.length);
  reviewer.once('state', (state) => state.length);
  reviewer.on('timeupdate', (t: number) => t.toFixed(1));
  reviewer.once('pause', (at) => at + 1);
  off();
  await reviewer.play();
  reviewer.pause();
  const blob: Blob = await reviewer.exportAs('rttm');
  await reviewer.destroy();
  return frames + probs.length + closed.length + (first?.start ?? 0) + r2.segments.length + blob.size + version().length;
}
