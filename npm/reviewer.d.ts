// Types of the `bystander/reviewer` entry, checked by hand against www/reviewer.js (the
// review component) and its controller. The CSS: `import 'bystander/reviewer.css'`.
import type { AnalysisReport, Label } from './index.js';

export type { AnalysisReport, Label };

/** A segment on show: the analyser's, with the reviewer's edits. */
export interface ReviewSegment {
  start: number;
  end: number;
  label: Label;
  confidence: number;
  overlap?: boolean;
  edited?: boolean;
  originalLabel?: Label;
}

export interface ChangeEvent {
  /** 'analysis', 'edit', 'undo', 'redo', 'import', ... */
  reason: string;
  segments: ReviewSegment[];
}

/** What the worker reports when it is loaded. */
export interface ReadyInfo {
  version: string;
  simd: boolean;
  tileApi: boolean;
}

/** The reviewer's data-state values. */
export type ReviewerState = 'loading' | 'idle' | 'analysing' | 'ready' | 'recording' | 'error' | (string & {});

/** The reviewer's events and what each listener gets. */
export interface ReviewerEventMap {
  change: ChangeEvent;
  state: ReviewerState;
  ready: ReadyInfo;
  error: string;
  /** The queue's clip count. */
  queue: number;
  /** Playback started, at this position (seconds). */
  play: number;
  /** Playback stopped, at this position (seconds). */
  pause: number;
  /** The playback position (seconds), once per animation frame while playing. */
  timeupdate: number;
}

export interface ReviewerOptions {
  /** Called after every analysis, edit, undo/redo and import with a copy of the segments. */
  onChange?: (e: ChangeEvent) => void;
  /** Where shortcuts are listened for (default: the component). */
  keyboard?: EventTarget;
  /** Where dropped files are taken (default: the component). */
  dropTarget?: EventTarget;
  /** Also gets `data-state`. */
  stateTarget?: HTMLElement;
  /** Give the main elements ids (one reviewer per page). */
  ids?: boolean;
  /** Show the record button (default true). */
  record?: boolean;
  /** The analysis worker module (default: the package's, as bundlers emit it). */
  workerUrl?: string;
  /** Fills the caption under the views for each clip. */
  caption?: (caption: HTMLElement, clip: { name: string }) => void;
}

/** What load() takes. */
export type LoadSource =
  | { file: Blob; name?: string; source?: string }
  | { url: string; name?: string; source?: string }
  | { audio: Float32Array | Float32Array[]; sampleRate: number; name?: string; source?: string };

export type ExportFormat = 'json' | 'rttm' | 'vtt' | 'audacity' | 'textgrid' | 'labelstudio' | 'wav';

export interface PrivacySettings {
  mute?: boolean;
  skip?: boolean;
  strict?: boolean;
  hide?: boolean;
}

export interface ClipInfo {
  name: string;
  source: string;
  format: string;
  decoder: string | null;
  warnings: string[];
  sampleRate: number;
  channels: number;
  length: number;
  duration: number;
  analysisMs: number;
  totalMs: number;
  wasmBytes: number | null;
}

export interface QueueInfo {
  index: number;
  unsaved: number;
  clips: { name: string; state: string; verdict: 'accept' | 'needs-fix' | null; note: string; edits: number; analysed: boolean }[];
}

export interface ReviewerController {
  /** Resolves when the worker, wasm and worklet are loaded. */
  readonly ready: Promise<ReadyInfo>;
  load(src: LoadSource): Promise<void>;
  cancel(): void;
  play(from?: number): Promise<void>;
  pause(): void;
  seek(t: number): void;
  setPlaybackRate(rate: number): void;
  setLoop(loop: boolean | [number, number]): void;
  setPrivacy(p: PrivacySettings): void;
  setView(start: number, span: number): void;
  fit(): void;
  undo(): void;
  redo(): void;
  exportAs(format: ExportFormat): Promise<Blob>;
  download(format: ExportFormat): Promise<void>;
  openFiles(files: File[]): Promise<void>;
  moveClip(step: 1 | -1): Promise<void>;
  setVerdict(v: 'accept' | 'needs-fix' | null): void;
  setNote(text: string): void;
  importReport(json: string | object): void;
  /** Listens for an event; returns the function that stops listening. */
  on<K extends keyof ReviewerEventMap>(type: K, fn: (data: ReviewerEventMap[K]) => void): () => void;
  /** Like `on`, for the next event only. */
  once<K extends keyof ReviewerEventMap>(type: K, fn: (data: ReviewerEventMap[K]) => void): () => void;
  onChange(fn: (e: ChangeEvent) => void): () => void;
  /** Stops the worker and frees its wasm memory. */
  destroy(): Promise<void>;
  readonly state: ReviewerState;
  readonly segments: ReviewSegment[];
  readonly report: AnalysisReport | null;
  readonly clip: ClipInfo | null;
  /** Playback (or recording) position in seconds. */
  readonly position: number;
  readonly playing: boolean;
  readonly privacy: Required<PrivacySettings>;
  readonly selected: ReviewSegment | null;
  readonly info: ReadyInfo | null;
  readonly recording: boolean;
  readonly queue: QueueInfo;
  startRecording(): Promise<void>;
  stopRecording(): Promise<void>;
  readonly element: HTMLElement;
}

export function mountReviewer(element: HTMLElement, options?: ReviewerOptions): ReviewerController;

/** `<bystander-review src="...">`; its `reviewer` property is the controller. */
export interface BystanderReviewElement extends HTMLElement {
  reviewer: ReviewerController | null;
}

/** Defines the custom element (default name 'bystander-review'); returns its class. */
export function defineReviewerElement(name?: string): { new (): BystanderReviewElement };

/** The keyboard shortcuts: [keys, what they do]. */
export const SHORTCUTS: ReadonlyArray<readonly [string, string]>;
