// Types of the `bystander` entry. The option and report types are generated from the Rust
// option tables and report types (the wasm module's .d.ts); the result shapes are written
// here because wasm-bindgen types them as `any`.
import type {
  SpectrogramOptions, SpectrogramImageOptions, VadOptions, AnalyzeOptions,
  AnalysisReport, LabelledSegment, SpeechSegment, SegmentCues, Label,
} from './pkg-simd/bystander.js';

export type {
  SpectrogramOptions, SpectrogramImageOptions, VadOptions, AnalyzeOptions,
  AnalysisReport, LabelledSegment, SpeechSegment, SegmentCues, Label,
};

/** Samples: one channel, any sample rate from 8 to 384 kHz. */
export type Samples = Float32Array | number[];

export interface InitOptions {
  /** Where the analyser's .wasm is (default: next to this module, as bundlers emit it). */
  wasmUrl?: string | URL;
}

/** Fetches and instantiates the analyser's .wasm once; call before anything else. */
export function init(options?: InitOptions): Promise<void>;

/** The options in effect, every field filled in (the option tables' names). */
export type EffectiveOptions = Record<string, number | string | boolean | null>;

/** Frames a streaming spectrogram completed: `data` is frames x bins, row-major. */
export interface SpectrogramFrames {
  frames: number;
  bins: number;
  firstFrame: number;
  hopSeconds: number;
  data: Float32Array;
}

/** A whole-signal spectrogram. */
export interface SpectrogramResult extends SpectrogramFrames {
  /** Frequency of each bin in Hz (empty for MFCC). */
  frequencies: Float64Array;
  options: EffectiveOptions;
  /** E.g. how many samples were NaN or infinite (analysed as silence). */
  warnings: string[];
}

export interface SpeechActivitySegment {
  start: number;
  end: number;
  confidence: number;
}

export interface SpeechActivity {
  frameSeconds: number;
  /** Probability `i` covers `[i * frameSeconds, (i + 1) * frameSeconds)`. */
  probabilities: Float32Array;
  segments: SpeechActivitySegment[];
  warnings: string[];
  options: EffectiveOptions;
}

export interface RgbaImage {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

export function spectrogram(samples: Samples, sampleRate: number, options?: SpectrogramOptions | null): SpectrogramResult;
export function detectSpeech(samples: Samples, sampleRate: number, options?: VadOptions | null): SpeechActivity;
export function analyze(samples: Samples, sampleRate: number, options?: AnalyzeOptions | null): AnalysisReport;
export function spectrogramImage(samples: Samples, sampleRate: number, options?: SpectrogramImageOptions | null): RgbaImage;
/** The crate version. */
export function version(): string;

/** Streaming spectrogram: push blocks of any length, then finish. */
export class SpectrogramStream {
  constructor(sampleRate: number, options?: SpectrogramOptions | null);
  push(block: Samples): SpectrogramFrames;
  finish(): SpectrogramFrames;
  reset(): void;
  readonly frequencies: Float64Array;
  readonly options: EffectiveOptions;
  free(): void;
}

/** Streaming voice activity: `push` returns the segments closed since the last call. */
export class VoiceActivityStream {
  constructor(sampleRate: number, options?: VadOptions | null);
  push(block: Samples): SpeechActivitySegment[];
  finish(): SpeechActivitySegment[];
  free(): void;
}

/** Streaming foreground/background analysis. */
export class AnalyzerStream {
  constructor(sampleRate: number, options?: AnalyzeOptions | null);
  /** The labelled segments closed by this block (provisional labels are final here). */
  push(block: Samples): LabelledSegment[];
  /** The provisional report so far (labels may still change). */
  report(): AnalysisReport;
  finish(): AnalysisReport;
  free(): void;
}

/** Streaming colour-mapped spectrogram image. */
export class SpectrogramImageStream {
  constructor(sampleRate: number, options?: SpectrogramImageOptions | null);
  push(block: Samples): RgbaImage;
  finish(): RgbaImage;
  free(): void;
}
