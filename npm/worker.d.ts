// Types of the `bystander/worker` entry: analysis in a module worker.
import type { AnalysisReport, LabelledSegment } from './index.js';

export type { AnalysisReport, LabelledSegment };

export interface AnalyzerOptions {
  /** The analysis worker module (default: the package's, as bundlers emit it). */
  workerUrl?: string | URL;
  /** The analyser's .wasm (default: next to the worker's loader). */
  wasmUrl?: string | URL;
  /** The decoder's .wasm, fetched only when a compressed file must be decoded. */
  decoderWasmUrl?: string | URL;
}

/** Decoded audio: one Float32Array per channel, all of one length. */
export interface ChannelsInput {
  channels: Float32Array[];
  sampleRate: number;
}

/** Encoded audio file bytes (WAV, FLAC, MP3, Ogg Vorbis/Opus, WebM/Opus; others through the browser's decoder), an AudioBuffer, or decoded channels. */
export type AnalyzerInput = File | Blob | ArrayBuffer | Uint8Array | AudioBuffer | ChannelsInput;

export interface AnalysisProgress {
  /** The job's id. */
  id: number;
  /** Frames analysed, of `total`. */
  done: number;
  total: number;
}

export interface AnalyzeCallOptions {
  /** Aborting rejects the promise with the signal's reason and frees the job in the worker. */
  signal?: AbortSignal;
  onProgress?: (progress: AnalysisProgress) => void;
}

export interface ProvisionalSegments {
  id: number;
  /** Segments closed while recording; labels are provisional. */
  segments: LabelledSegment[];
  /** Seconds recorded. */
  position: number;
}

export interface AnalyzerEventMap {
  progress: CustomEvent<AnalysisProgress>;
  segments: CustomEvent<ProvisionalSegments>;
}

/** Events of every job: 'progress' and (live) 'segments'. */
export interface AnalyzerEvents extends EventTarget {
  addEventListener<K extends keyof AnalyzerEventMap>(type: K, listener: (event: AnalyzerEventMap[K]) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof AnalyzerEventMap>(type: K, listener: (event: AnalyzerEventMap[K]) => void, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}

export interface LiveAnalysis {
  events: AnalyzerEvents;
  /** The whole recording's report, once `stop()` was called. */
  report: Promise<AnalysisReport>;
  /** Stops capturing; resolves to the whole recording's report. */
  stop(): Promise<AnalysisReport>;
}

export interface Analyzer {
  events: AnalyzerEvents;
  /** Resolves when the worker and its wasm are loaded. */
  ready(): Promise<{ version: string; simd: boolean }>;
  /** Analyses one clip; rejects with the core's message on bad input (the analyzer keeps working). */
  analyze(input: AnalyzerInput, options?: AnalyzeCallOptions): Promise<AnalysisReport>;
  /** Analyses live input (a microphone's MediaStream): provisional segments as 'segments' events. */
  analyzeStream(stream: MediaStream, options?: AnalyzeCallOptions): LiveAnalysis;
  /** Frees the worker's wasm memory and terminates it; pending analyses reject. */
  destroy(): Promise<void>;
}

export function createAnalyzer(options?: AnalyzerOptions): Analyzer;
