// @ts-check
// The analysis worker: owns the bystander wasm module and everything heavy, so the page's
// main thread never runs DSP or long loops.
//
//  - WAV files (PCM or float) are read here in 1 Mi-frame chunks straight from the File
//    (file.slice().arrayBuffer()), converted, averaged to mono, pushed into the streaming
//    analyser (AnalyzerStream) and sent back to the page (transferred) for playback.
//  - FLAC, MP3 and Ogg Vorbis (and WAV encodings such as ADPCM) are decoded here with the
//    package's AudioFileDecoder (symphonia, the CLI's decoder, a wasm module of its own:
//    loaded at INIT, or with `lazyDecoder` on the first file that needs it), chunk by
//    chunk, and go the same way. The page's main thread decodes nothing of these.
//  - Opus (Ogg, WebM) is demuxed here (the package's AudioPacketReader; for WebM, webm.js)
//    and decoded here by the browser's WebCodecs AudioDecoder, chunk by chunk, the same way.
//  - Only what neither path takes is decoded by the page with decodeAudioData ('not-wav');
//    the page sends the channels in chunks ('begin', 'chunk'..., 'end') and this worker
//    does the rest.
//  - Spectrogram tiles for the visible range are rendered here (wasm colour-mapped images,
//    turned into ImageBitmaps with an OffscreenCanvas and transferred): the whole clip's
//    spectrogram is never computed nor copied to the page.
//  - Live capture: the capture worklet's MessagePort is transferred here; every 128-sample
//    block goes into the analyser, and closed segments (provisional labels) go to the page.
//
// The messages in and out, and their shapes: protocol.js.
import { FROM_WORKER as OUT, TO_WORKER as IN } from './protocol.js';
import { loadBystander, loadDecoder } from './bystander-loader.js';
import { parseWavHeader, sniffAudio, wavToFloat } from './audio-format.js';
import { readWebm } from './webm.js';
import { tileImage } from './tiles.js';

const CHUNK_FRAMES = 1 << 20;
const PEAK_BUCKETS = 4096;

let b = null;
/** The decoder module (AudioFileDecoder, AudioPacketReader): a promise, loaded once. */
let decoderModule = null;
/** Where the decoder's .wasm is (INIT's `decoderWasmUrl`; default: next to its JS). */
let decoderWasmUrl;
/** The analyser's build when it has the decoder (the portable one), else the decoder module. */
const decoders = () => {
  if (typeof b.AudioFileDecoder === 'function') return Promise.resolve(b);
  decoderModule ??= loadDecoder({ wasmUrl: decoderWasmUrl });
  return decoderModule;
};
/** @type {Map<number, Clip>} */
const clips = new Map();
/** Ids cancelled before their clip existed (a cancel that overtook the file's header). */
const cancelled = new Set();

const now = () => performance.timeOrigin + performance.now();

// Chunk buffers sent to the page come back ('recycle') once copied into its AudioBuffer and
// are reused: the page then makes no garbage of hundreds of MB for a long file (whose
// collection would be a long task on its main thread).
const pool = [];
const alloc = (n) => {
  const buf = pool.pop();
  return buf && buf.byteLength >= 4 * n ? new Float32Array(buf, 0, n) : new Float32Array(n);
};
/**
 * This worker's global scope (the checked libs describe a window's).
 * @type {{ postMessage(msg: import('./protocol.js').WorkerMessage, transfer: Transferable[]): void,
 *   onmessage: ((e: MessageEvent) => void) | null }}
 */
const scope = /** @type {any} */ (self);
/** @param {import('./protocol.js').WorkerMessage} msg @param {Transferable[]} [transfer] */
const post = (msg, transfer = []) => scope.postMessage(msg, transfer);

class Clip {
  constructor(id, sampleRate, channels, length, live = false) {
    this.id = id;
    this.sampleRate = sampleRate;
    this.channels = channels;
    this.length = length; // expected frames (live: grows)
    this.live = live;
    this.mono = new Float32Array(live ? sampleRate * 60 : length);
    this.filled = 0;
    this.stream = new b.AnalyzerStream(sampleRate);
    this.cancelled = false;
    this.t0 = performance.now();
    this.bucket = Math.max(1, Math.ceil(length / PEAK_BUCKETS));
    this.peaks = live ? null : new Float32Array(2 * Math.ceil(length / this.bucket));
    this.provisional = [];
    /** @type {MessagePort | null} the capture worklet's port while recording */
    this.port = null;
    /** @type {string[]} the decoder's warnings */
    this.warnings = [];
  }

  /** Averages the channels into the mono buffer, analyses, updates the peaks. */
  ingest(channels) {
    const n = channels[0].length;
    if (this.filled + n > this.mono.length) {
      const grown = new Float32Array(Math.max(this.mono.length * 2, this.filled + n));
      grown.set(this.mono.subarray(0, this.filled));
      this.mono = grown;
    }
    const dst = this.mono.subarray(this.filled, this.filled + n);
    if (channels.length === 1) dst.set(channels[0]);
    else {
      const k = 1 / channels.length;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let c = 0; c < channels.length; c++) s += channels[c][i];
        dst[i] = s * k;
      }
    }
    const closed = this.stream.push(dst);
    if (this.peaks) {
      // Min/max per bucket, bucket by bucket (no division per sample).
      const p = this.peaks;
      let i = 0;
      while (i < n) {
        const k = Math.floor((this.filled + i) / this.bucket);
        const stop = Math.min(n, (k + 1) * this.bucket - this.filled);
        let lo = p[2 * k];
        let hi = p[2 * k + 1];
        for (; i < stop; i++) {
          const v = dst[i];
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        p[2 * k] = lo;
        p[2 * k + 1] = hi;
      }
    }
    this.filled += n;
    return closed;
  }

  finish() {
    const report = this.stream.finish();
    this.stream.free();
    this.stream = null;
    if (this.live) {
      this.length = this.filled;
      this.mono = this.mono.slice(0, this.filled);
      this.bucket = Math.max(1, Math.ceil(this.filled / PEAK_BUCKETS));
      this.peaks = new Float32Array(2 * Math.ceil(this.filled / this.bucket));
      for (let i = 0; i < this.filled; i++) {
        const j = 2 * Math.floor(i / this.bucket);
        const v = this.mono[i];
        if (v < this.peaks[j]) this.peaks[j] = v;
        if (v > this.peaks[j + 1]) this.peaks[j + 1] = v;
      }
    }
    return report;
  }

  free() {
    this.cancelled = true;
    if (this.stream) {
      this.stream.free();
      this.stream = null;
    }
    if (this.port) this.port.close();
  }
}

function progress(clip) {
  post({ t: OUT.PROGRESS, id: clip.id, done: clip.filled, total: clip.length, ms: performance.now() - clip.t0 });
}

function complete(clip) {
  const report = clip.finish();
  if (!clip.live && clip.filled < clip.length) {
    // Shorter than the length estimated from the container: the clip ends here.
    clip.length = clip.filled;
    clip.peaks = clip.peaks.slice(0, 2 * Math.ceil(clip.filled / clip.bucket));
  }
  const peaks = clip.peaks;
  // The segments go first in parts of 250 (a long clip has thousands; one message with all
  // of them would take the page tens of milliseconds to receive), then the rest.
  const segments = report.segments;
  for (let i = 0; i < segments.length; i += 250) {
    post({ t: OUT.SEGMENTS, id: clip.id, segments: segments.slice(i, i + 250) });
  }
  report.segments = [];
  post({
    t: OUT.REPORT, id: clip.id, report, peaks: peaks.slice(), bucket: clip.bucket, length: clip.filled,
    ms: performance.now() - clip.t0, wasmBytes: wasmBytes(), warnings: clip.warnings ?? [],
  }, [report.foregroundProbability.buffer, report.backgroundProbability.buffer]);
}

/** The overview's waveform (min/max per pixel column of the peaks) as an ImageBitmap. */
function overview({ id, width, height }) {
  const clip = clips.get(id);
  if (!clip || !clip.peaks) return;
  const p = clip.peaks;
  const buckets = p.length / 2;
  let peak = 1e-4;
  for (let i = 0; i < p.length; i++) peak = Math.max(peak, Math.abs(p[i]));
  const canvas = new OffscreenCanvas(width, height);
  const g = canvas.getContext('2d');
  g.beginPath();
  const mid = height / 2;
  for (let x = 0; x < width; x++) {
    const a = Math.floor((x / width) * buckets);
    const b2 = Math.max(a + 1, Math.floor(((x + 1) / width) * buckets));
    let lo = 0;
    let hi = 0;
    for (let i = a; i < b2 && i < buckets; i++) {
      lo = Math.min(lo, p[2 * i]);
      hi = Math.max(hi, p[2 * i + 1]);
    }
    const y0 = mid - (hi / peak) * mid;
    const y1 = mid - (lo / peak) * mid;
    g.rect(x, y0, 1, Math.max(1, y1 - y0));
  }
  g.fillStyle = '#5b6470';
  g.fill();
  const bitmap = canvas.transferToImageBitmap();
  post({ t: OUT.OVERVIEW, id, bitmap }, [bitmap]);
}

function wasmBytes() {
  try {
    return b.memory ? b.memory.buffer.byteLength : null;
  } catch {
    return null;
  }
}

/**
 * Drops every clip but `keep` and those in `also` (the page adopted a clip; the queue keeps
 * its neighbours and the one analysed in the background).
 * @param {number} keep @param {number[]} [also]
 */
function dropOthers(keep, also = []) {
  for (const [id, clip] of clips) {
    if (id !== keep && !also.includes(id)) {
      clip.free();
      clips.delete(id);
    }
  }
}

/** Formats the wasm decoder (symphonia) does not decode. */
const BROWSER_ONLY = new Set(['mp4', 'aac', 'webm', 'opus']);
/** Of those, the ones demuxed here for WebCodecs (the rest go to the page's decodeAudioData). */
const DEMUXED = new Set(['webm', 'opus']);
const CONTAINER_NAMES = { webm: 'WebM', opus: 'Ogg' };
const CODEC_NAMES = { mp3: 'MP3', flac: 'FLAC', vorbis: 'Ogg Vorbis' };

async function openFile({ id, file }) {
  const head = new Uint8Array(await file.slice(0, 65536).arrayBuffer());
  let h = null;
  let reason = 'not a WAV file';
  try {
    h = parseWavHeader(head, file.size);
  } catch (err) {
    reason = String(err.message || err);
  }
  if (h && (h.sampleRate < 8000 || h.sampleRate > 384000)) {
    reason = `sample rate ${h.sampleRate} Hz`;
    h = null;
  }
  if (!h) {
    // Compressed (or a WAV encoding the reader above does not take, such as ADPCM): decode
    // here with the same decoder as the CLI; what it cannot read goes to the page's.
    const container = sniffAudio(head).container;
    const decoded = DEMUXED.has(container) ? await decodePackets(id, file, container)
      : !BROWSER_ONLY.has(container) && await decodeFile(id, file);
    if (decoded === true) return;
    post({ t: OUT.NOT_WAV, id, reason: typeof decoded === 'string' ? decoded : reason });
    return;
  }
  if (h.frames === 0) throw new Error('the file contains no audio samples');
  if (cancelled.delete(id)) return;
  const clip = new Clip(id, h.sampleRate, h.channels, h.frames);
  if (h.warning) clip.warnings.push(h.warning);
  clips.set(id, clip);
  post({ t: OUT.BEGIN, id, sampleRate: h.sampleRate, channels: h.channels, length: h.frames, format: `WAV ${h.float ? 'float' : 'PCM'} ${h.bits}-bit` });
  const total = h.frames * h.blockAlign;
  const step = CHUNK_FRAMES * h.blockAlign;
  for (let off = 0; off < total; off += step) {
    const end = Math.min(off + step, total);
    const bytes = new Uint8Array(await file.slice(h.dataOffset + off, h.dataOffset + end).arrayBuffer());
    if (clip.cancelled) return;
    if (bytes.length < end - off) throw new Error('the file ended early');
    sendPcm(clip, wavToFloat(bytes, h, alloc));
  }
  complete(clip);
}

/** Analyses a chunk and sends it to the page (transferred) for playback. */
function sendPcm(clip, channels) {
  const offset = clip.filled;
  clip.ingest(channels);
  post({ t: OUT.PCM, id: clip.id, offset, channels, done: clip.filled, total: clip.length, ms: performance.now() - clip.t0 },
    channels.map((c) => c.buffer));
}

/**
 * Decodes a compressed file with the wasm decoder, chunk by chunk, yielding between chunks
 * so that a cancel or a tile request is handled. Resolves false or the decoder's message
 * (nothing posted) when the decoder cannot open the file or its rate is outside what the
 * analyser takes.
 * @returns {Promise<boolean | string>}
 */
async function decodeFile(id, file) {
  let bytes = new Uint8Array(await file.arrayBuffer());
  const { AudioFileDecoder } = await decoders();
  if (cancelled.delete(id)) return true;
  let decoder;
  try {
    decoder = new AudioFileDecoder(bytes);
  } catch (err) {
    return String(err.message || err); // why, for NOT_WAV's reason
  }
  bytes = null; // the decoder holds its own copy
  try {
    const { sampleRate, channels } = decoder;
    const length = decoder.frames ?? 0;
    if (sampleRate < 8000 || sampleRate > 384000 || length === 0) return false;
    const clip = new Clip(id, sampleRate, channels, length);
    clips.set(id, clip);
    const format = CODEC_NAMES[decoder.codec] ?? `WAV ${decoder.codec}`;
    post({ t: OUT.BEGIN, id, sampleRate, channels, length, format, decoder: 'bystander' });
    for (;;) {
      // The container's length can be off by part of a packet: the page's playback buffer
      // has `length` frames, so a longer decode is cut there.
      const want = Math.min(CHUNK_FRAMES, clip.length - clip.filled);
      const chunk = want > 0 ? decoder.nextChunk(want) : undefined;
      if (!chunk) break;
      if (clip.cancelled) return true;
      sendPcm(clip, chunk.map((c) => (c.length > want ? c.subarray(0, want) : c)));
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (clip.cancelled) return true;
    }
    if (clip.filled === 0) throw new Error('the file contains no audio samples');
    clip.warnings = decoder.warnings;
    complete(clip);
    return true;
  } finally {
    decoder.free();
  }
}

/**
 * A WebM's audio packets (www/webm.js) behind the same interface as the package's
 * AudioPacketReader. The duration is the end of the last packet (a recorder's Duration
 * element is the last packet's start).
 */
function webmPackets(bytes) {
  const w = readWebm(bytes);
  const p = w.packets;
  const step = (k) => (k + 1 < p.length ? p[k + 1].start - p[k].start : k > 0 ? p[k].start - p[k - 1].start : 0.02);
  let k = -1;
  return {
    codec: w.codec, channels: w.channels, description: w.description, duration: p[p.length - 1].start + step(p.length - 1), durationDeclared: false,
    nextPacket: () => (++k < p.length ? p[k].data : undefined),
    get lastStart() { return p[k].start; },
    get lastDuration() { return step(k); },
    free() {},
  };
}

/**
 * Decodes Opus (Ogg, WebM) here with the browser's WebCodecs AudioDecoder, the
 * packets read by the package's AudioPacketReader, so that not even a long file's decoding
 * touches the page's main thread. Resolves false (nothing posted) when this path cannot take
 * the file (no WebCodecs, a container or codec it does not read): the page's decodeAudioData
 * then does.
 */
async function decodePackets(id, file, container) {
  if (typeof AudioDecoder !== 'function') return false;
  let bytes = new Uint8Array(await file.arrayBuffer());
  const packets = container === 'webm' ? null : await decoders();
  if (cancelled.delete(id)) return true;
  let reader;
  try {
    reader = packets ? new packets.AudioPacketReader(bytes) : webmPackets(bytes);
  } catch {
    return false;
  }
  // The Opus pre-skip in its OpusHead (WebCodecs' description), which Chromium's decoder
  // drops itself: only the length, which counts it, is shortened.
  const description = reader.description;
  const opusDelay = reader.codec === 'opus' && description && description.length >= 12
    ? (description[10] | (description[11] << 8)) / 48000 : 0;
  bytes = null; // the reader holds its own copy
  let decoder;
  try {
    const duration = reader.duration;
    if (reader.codec !== 'opus' || !duration) return false;
    // Opus decodes at 48 kHz; its channel count is the OpusHead's (a container may not say).
    const channels = description && description.length >= 19 ? description[9] : reader.channels ?? 1;
    const config = { codec: 'opus', sampleRate: 48000, numberOfChannels: channels };
    if (description) config.description = description;
    if (!(await AudioDecoder.isConfigSupported(config)).supported) return false;
    let failure = null;
    const outputs = [];
    // Back-pressure with hysteresis: above 256 queued packets, wait until fewer than 32 are
    // left (one wake-up per ~224 packets, not one per packet).
    let drained = null;
    const wake = () => {
      if (drained && (failure || decoder.decodeQueueSize < 32)) {
        drained();
        drained = null;
      }
    };
    decoder = new AudioDecoder({ output: (data) => outputs.push(data), error: (e) => { failure = e; wake(); } });
    decoder.ondequeue = wake;
    decoder.configure(config);

    let clip = null;
    let staged = null; // channels of the chunk being filled
    let fill = 0;
    const flushStaged = () => {
      if (!fill) return;
      sendPcm(clip, staged.map((c) => c.subarray(0, fill)));
      staged = null;
      fill = 0;
    };
    const take = () => {
      for (const data of outputs.splice(0)) {
        if (!clip) {
          // The decoder's output rate and channels are the clip's (Opus: always 48 kHz).
          const rate = data.sampleRate;
          const channels = data.numberOfChannels;
          // An Ogg length is exact (the decoder's end padding is cut there). A WebM's
          // is not: Chromium's recorder writes the last packet's start as the Duration, and
          // without one only packet times tell. Room for 0.5 s more then (the page plays
          // and exports the analysed length only).
          const margin = reader.durationDeclared && container !== 'webm' ? 0 : 0.5;
          const length = Math.round((duration - opusDelay + margin) * rate);
          if (rate < 8000 || rate > 384000 || length <= 0) throw new Error(`unsupported stream: ${rate} Hz, ${length} frames`);
          clip = new Clip(id, rate, channels, length);
          clips.set(id, clip);
          post({ t: OUT.BEGIN, id, sampleRate: rate, channels, length, format: `${CONTAINER_NAMES[container]} Opus`, decoder: 'webcodecs' });
        }
        let from = 0;
        while (from < data.numberOfFrames && clip.filled + fill < clip.length) {
          if (!staged) staged = Array.from({ length: clip.channels }, () => alloc(CHUNK_FRAMES));
          const n = Math.min(data.numberOfFrames - from, CHUNK_FRAMES - fill, clip.length - clip.filled - fill);
          for (let c = 0; c < clip.channels; c++) {
            data.copyTo(staged[c].subarray(fill, fill + n), { planeIndex: Math.min(c, data.numberOfChannels - 1), format: 'f32-planar', frameOffset: from, frameCount: n });
          }
          from += n;
          fill += n;
          if (fill === CHUNK_FRAMES) flushStaged();
        }
        data.close();
      }
    };

    // A stream the decoder rejects before giving any audio goes to decodeAudioData instead.
    const rejected = () => failure && !clip;
    let sent = 0;
    for (let packet; (packet = reader.nextPacket());) {
      decoder.decode(new EncodedAudioChunk({
        type: 'key', data: packet,
        timestamp: Math.round(reader.lastStart * 1e6), duration: Math.round(reader.lastDuration * 1e6),
      }));
      if (decoder.decodeQueueSize > 256) await new Promise((resolve) => { drained = resolve; });
      if (rejected()) return false;
      if (failure) throw failure;
      take();
      // Let a cancel or a tile request in now and then.
      if (++sent % 500 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
      if (clip && clip.cancelled) return true;
    }
    await decoder.flush().catch(() => {});
    if (rejected()) return false;
    if (failure) throw failure;
    take();
    if (!clip) throw new Error('the file contains no audio samples');
    flushStaged();
    complete(clip);
    return true;
  } finally {
    if (decoder && decoder.state !== 'closed') decoder.close();
    reader.free();
  }
}

function tile(msg) {
  const clip = clips.get(msg.id);
  if (!clip) return;
  const img = tileImage(b, clip.mono, clip.live ? clip.filled : clip.length, clip.sampleRate, msg);
  const canvas = new OffscreenCanvas(img.width, img.height);
  canvas.getContext('2d').putImageData(new ImageData(/** @type {Uint8ClampedArray<ArrayBuffer>} */ (img.rgba), img.width, img.height), 0, 0);
  const bitmap = canvas.transferToImageBitmap();
  post({ t: OUT.TILE, id: msg.id, key: msg.key, bitmap, width: img.width, height: img.height }, [bitmap]);
}

function liveStart({ id, sampleRate, port }) {
  const clip = new Clip(id, sampleRate, 1, 0, true);
  clip.port = port;
  clips.set(id, clip);
  let lastPost = 0;
  port.onmessage = (e) => {
    if (clip.cancelled || !clip.stream) return;
    const closed = clip.ingest([e.data]);
    const t = performance.now();
    if (closed.length || t - lastPost > 100) {
      lastPost = t;
      // The analyser labels a speech segment (VAD) when it closes. For the page's delay
      // figure, each labelled run comes with the end of the speech segment it belongs to.
      let speechEnds = [];
      if (closed.length) {
        const speech = clip.stream.report().speech;
        speechEnds = closed.map((r) => {
          const sp = speech.find((x) => x.start <= r.start + 1e-6 && r.end <= x.end + 1e-6);
          return sp ? sp.end : r.end;
        });
      }
      post({ t: OUT.LIVE, id, segments: closed, speechEnds, position: clip.filled / sampleRate, sentAt: now() });
    }
  };
}

function liveStop({ id }) {
  const clip = clips.get(id);
  if (!clip) return;
  clip.port.onmessage = null;
  clip.port.close();
  clip.port = null;
  if (clip.filled === 0) {
    clip.free();
    clips.delete(id);
    post({ t: OUT.ERROR, id, message: 'nothing was recorded' });
    return;
  }
  // Send the recording back in chunks (the page builds the AudioBuffer for playback).
  post({ t: OUT.BEGIN, id, sampleRate: clip.sampleRate, channels: 1, length: clip.filled, live: true });
  for (let off = 0; off < clip.filled; off += CHUNK_FRAMES) {
    const part = clip.mono.slice(off, Math.min(clip.filled, off + CHUNK_FRAMES));
    post({ t: OUT.PCM, id, offset: off, channels: [part], done: clip.filled, total: clip.filled }, [part.buffer]);
  }
  complete(clip);
}

async function handle(msg) {
  switch (msg.t) {
    case IN.INIT: {
      // `wasmUrl`, `decoderWasmUrl`: the host's own asset URLs (default: next to the JS).
      // The page loads the decoder now (nothing is fetched after READY); the npm package's
      // worker API asks for `lazyDecoder`, so an analysis of samples never fetches it.
      b = await loadBystander({ wasmUrl: msg.wasmUrl });
      decoderWasmUrl = msg.decoderWasmUrl;
      if (!msg.lazyDecoder) await decoders();
      post({ t: OUT.READY, version: b.version(), modelVersion: b.modelVersion(), simd: b.simd, tileApi: typeof b.spectrogramTile === 'function' });
      break;
    }
    case IN.OPEN:
      await openFile(msg);
      break;
    case IN.BEGIN: {
      const clip = new Clip(msg.id, msg.sampleRate, msg.channels, msg.length);
      clips.set(msg.id, clip);
      break;
    }
    case IN.CHUNK: {
      const clip = clips.get(msg.id);
      if (!clip || clip.cancelled) return;
      clip.ingest(msg.channels);
      progress(clip);
      break;
    }
    case IN.END: {
      const clip = clips.get(msg.id);
      if (clip && !clip.cancelled) complete(clip);
      break;
    }
    case IN.CANCEL: {
      const clip = clips.get(msg.id);
      if (clip) {
        clip.free();
        clips.delete(msg.id);
      } else cancelled.add(msg.id);
      break;
    }
    case IN.ADOPT:
      dropOthers(msg.id, msg.keep);
      break;
    case IN.TILE:
      tile(msg);
      break;
    case IN.OVERVIEW:
      overview(msg);
      break;
    case IN.RECYCLE:
      if (pool.length < 8) pool.push(...msg.buffers.slice(0, 8 - pool.length));
      break;
    case IN.LIVE_START:
      liveStart(msg);
      break;
    case IN.LIVE_STOP:
      liveStop(msg);
      break;
    case IN.FREE:
      dropOthers(-1);
      post({ t: OUT.FREED });
      break;
    default:
      throw new Error(`unknown message ${msg.t}`);
  }
}

// Messages are handled as they arrive; an 'open' reads its file asynchronously, so a later
// 'cancel' or 'tile' is handled between its chunks.
scope.onmessage = (e) => {
  const msg = e.data;
  handle(msg).catch((err) => {
    const clip = clips.get(msg.id);
    if (clip && msg.t !== IN.TILE) {
      clip.free();
      clips.delete(msg.id);
    }
    post({ t: OUT.ERROR, id: msg.id, request: msg.t, key: msg.key, message: String((err && err.message) || err) });
  });
};
