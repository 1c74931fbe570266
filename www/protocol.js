// @ts-check
// The messages between the review page (reviewer/worker-client.js, reviewer/loader.js,
// reviewer/live-capture.js) and the analysis worker (analysis-worker.js): one name per kind,
// in the `t` field, and the shape of each. Both sides import these names.
//
// A file's analysis: the page sends OPEN (the worker reads WAV, FLAC, MP3, Ogg and Opus
// itself) and the worker answers BEGIN, PCM... (the samples for playback), SEGMENTS...,
// REPORT; or NOT_WAV, and then the page decodes it with decodeAudioData and sends BEGIN,
// CHUNK... (each acknowledged with PROGRESS), END. ADOPT drops every other clip in the
// worker (but those in its `keep`); CANCEL drops one. TILE and OVERVIEW ask for images of
// the current clip.

/** Messages the page sends to the worker. */
export const TO_WORKER = Object.freeze({
  /** Load the wasm package; answered by READY. */
  INIT: 'init',
  /** {@link OpenMessage}: analyse a file (the worker decodes what it can). */
  OPEN: 'open',
  /** {@link BeginMessage}: the page decoded a clip; its samples follow in CHUNKs. */
  BEGIN: 'begin',
  /** {@link ChunkMessage}: the next channels of a clip the page decoded. */
  CHUNK: 'chunk',
  /** {@link IdMessage}: no more CHUNKs; the worker completes the analysis. */
  END: 'end',
  /** {@link IdMessage}: stop analysing a clip and free it. */
  CANCEL: 'cancel',
  /** {@link IdMessage} (and `keep`: ids also kept): the page shows this clip now; every other clip is freed. */
  ADOPT: 'adopt',
  /** {@link TileRequest}: a spectrogram tile of a clip. */
  TILE: 'tile',
  /** {@link OverviewRequest}: the clip's waveform at a size. */
  OVERVIEW: 'overview',
  /** {@link RecycleMessage}: PCM buffers copied by the page, for reuse. */
  RECYCLE: 'recycle',
  /** {@link LiveStartMessage}: analyse the capture worklet's blocks from `port`. */
  LIVE_START: 'live-start',
  /** {@link IdMessage}: the recording ended; the worker analyses it as a whole. */
  LIVE_STOP: 'live-stop',
  /** Free every clip's wasm objects; answered by FREED. */
  FREE: 'free',
});

/** Messages the worker sends to the page. */
export const FROM_WORKER = Object.freeze({
  /** {@link ReadyMessage}: the wasm package is loaded. */
  READY: 'ready',
  /** {@link BeginOut}: a clip's length and format (the page allocates its playback buffer). */
  BEGIN: 'begin',
  /** {@link PcmMessage}: decoded channels for playback, transferred. */
  PCM: 'pcm',
  /** {@link ProgressMessage}: a CHUNK was analysed. */
  PROGRESS: 'progress',
  /** {@link SegmentsMessage}: part of a finished clip's segments (in parts of 250). */
  SEGMENTS: 'segments',
  /** {@link ReportMessage}: the analysis is complete (its segments came in SEGMENTS). */
  REPORT: 'report',
  /** {@link NotWavMessage}: the worker cannot decode this file; the page does. */
  NOT_WAV: 'not-wav',
  /** {@link LiveMessage}: provisional segments while recording. */
  LIVE: 'live',
  /** {@link TileMessage}: a spectrogram tile, an ImageBitmap (transferred). */
  TILE: 'tile',
  /** {@link OverviewMessage}: the waveform image (transferred). */
  OVERVIEW: 'overview',
  /** {@link ErrorMessage}: a request failed. */
  ERROR: 'error',
  /** All clips are freed (answer to FREE). */
  FREED: 'freed',
});

/**
 * A segment's cues (dB unless named otherwise), as the analyser reports them.
 * @typedef {{ levelDb: number, relativeLevelDb: number, reverb: number, depthDb: number,
 *   snrDb: number, highBandDb: number, backgroundScore: number }} Cues
 */
/**
 * A segment as the analyser reports it (bystander's `Report.segments`); `edited` and
 * `originalLabel` are the reviewer's.
 * @typedef {{ start: number, end: number, label: string, confidence: number, overlap?: boolean,
 *   cues?: Cues | null, edited?: boolean, originalLabel?: string }} Segment
 */

/** @typedef {{ t: string, id: number }} IdMessage */
/** @typedef {{ t: 'open', id: number, file: Blob }} OpenMessage */
/** @typedef {{ t: 'begin', id: number, sampleRate: number, channels: number, length: number }} BeginMessage */
/** @typedef {{ t: 'chunk', id: number, channels: Float32Array<ArrayBuffer>[] }} ChunkMessage */
/**
 * `key` names the tile in the page's cache ('live' while recording); `first`, `count`:
 * columns at `hop` samples; `options`: the image options of the package's spectrogramImage.
 * @typedef {{ t: 'tile', id: number, key: string, first: number, count: number, hop: number,
 *   nFft: number, options: object }} TileRequest
 */
/** @typedef {{ t: 'overview', id: number, width: number, height: number }} OverviewRequest */
/** @typedef {{ t: 'recycle', buffers: ArrayBuffer[] }} RecycleMessage */
/** @typedef {{ t: 'live-start', id: number, sampleRate: number, port: MessagePort }} LiveStartMessage */

/** @typedef {{ t: 'ready', version: string, modelVersion: string, simd: boolean, tileApi: boolean }} ReadyMessage */
/**
 * `format`: a description for the status line; `decoder`: 'bystander' or 'webcodecs';
 * `live`: the recording's samples follow.
 * @typedef {{ t: 'begin', id: number, sampleRate: number, channels: number, length: number,
 *   format?: string, decoder?: string, live?: boolean }} BeginOut
 */
/**
 * `offset`: the first frame of `channels` in the clip; `done`/`total`: frames analysed / all.
 * @typedef {{ t: 'pcm', id: number, offset: number, channels: Float32Array<ArrayBuffer>[], done: number,
 *   total: number, ms?: number }} PcmMessage
 */
/** @typedef {{ t: 'progress', id: number, done: number, total: number, ms: number }} ProgressMessage */
/** @typedef {{ t: 'segments', id: number, segments: Segment[] }} SegmentsMessage */
/**
 * `report`: the analyser's report without its segments; `peaks`: min/max per `bucket`
 * frames; `length`: frames analysed; `ms`: analysis time; `wasmBytes`: the worker's wasm memory.
 * @typedef {{ t: 'report', id: number, report: any, peaks: Float32Array, bucket: number,
 *   length: number, ms: number, wasmBytes: number | null, warnings: string[] }} ReportMessage
 */
/** @typedef {{ t: 'not-wav', id: number, reason: string }} NotWavMessage */
/**
 * `speechEnds[k]`: the end of the speech segment that `segments[k]` belongs to; `position`:
 * seconds recorded; `sentAt`: the worker's clock (performance.timeOrigin + now()).
 * @typedef {{ t: 'live', id: number, segments: Segment[], speechEnds: number[], position: number,
 *   sentAt: number }} LiveMessage
 */
/** @typedef {{ t: 'tile', id: number, key: string, bitmap: ImageBitmap, width: number, height: number }} TileMessage */
/** @typedef {{ t: 'overview', id: number, bitmap: ImageBitmap }} OverviewMessage */
/**
 * `request`: the kind of message that failed; `key`: a failed tile's key.
 * @typedef {{ t: 'error', id?: number, request?: string, key?: string, message: string }} ErrorMessage
 */
/** @typedef {{ t: 'freed' }} FreedMessage */

/**
 * @typedef {ReadyMessage | BeginOut | PcmMessage | ProgressMessage | SegmentsMessage | ReportMessage
 *   | NotWavMessage | LiveMessage | TileMessage | OverviewMessage | ErrorMessage | FreedMessage} WorkerMessage
 */
