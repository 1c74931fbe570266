// @ts-check
// Loading and analysis of a clip: a file or URL goes to the worker (which decodes WAV, FLAC,
// MP3, Ogg and Opus itself), else the browser decodes it here and the samples go to the
// worker in chunks; the worker's PCM is copied into the playback buffer in slices, so that
// the page stays responsive; the report makes the new clip. One job on show at a time, and
// one in the background (the queue's next clip, analysed while the current one is reviewed).
import { sniffAudio } from '../audio-format.js';
import { FROM_WORKER, TO_WORKER } from '../protocol.js';
import { errorText } from './dom.js';
import { DENSE } from './lanes.js';

const CHUNK = 1 << 20; // frames per chunk sent to the worker
/** The message for a file of 0 bytes (not the decoders' "not audio"). */
const EMPTY = 'the file is empty (0 bytes)';
const SLICE = 1 << 15; // frames per AudioBuffer copy on the main thread (a few ms at most)

/** Yields to the event loop (input, rendering) between slices of main-thread work. */
const yieldToPage = () => (globalThis.scheduler && scheduler.yield ? scheduler.yield() : new Promise((r) => setTimeout(r, 0)));

/**
 * Copies `src` into channel `c` of `buffer` at `offset` in slices, yielding between them.
 * @param {AudioBuffer} buffer @param {Float32Array<ArrayBuffer>} src @param {number} c @param {number} offset
 */
async function copyInSlices(buffer, src, c, offset) {
  for (let o = 0; o < src.length; o += SLICE) {
    buffer.copyToChannel(src.subarray(o, Math.min(src.length, o + SLICE)), c, offset + o);
    await yieldToPage();
  }
}

/**
 * What load() takes: { file } (File/Blob), { url }, or { audio: Float32Array | Float32Array[]
 * (one per channel), sampleRate }; `name` and `source` (shown and reported) are optional.
 * @typedef {{ file?: Blob & { name?: string }, url?: string, audio?: Float32Array<ArrayBuffer> | Float32Array<ArrayBuffer>[],
 *   sampleRate?: number,
 *   name?: string, source?: string }} LoadSource
 */
/**
 * One analysis in progress. `background`: not on show (no progress, no state); `onclip`:
 * called with the finished clip (a background job's result).
 * @typedef {{ id: number, name: string, source: string, t0: number, cancelled: boolean,
 *   background?: boolean, onclip?: (clip: import('../reviewer.js').Clip) => void,
 *   resolve?: (v: { duration: number, segments: object[] }) => void, reject?: (e: Error) => void,
 *   onmessage?: (msg: any) => void, file?: Blob, buffer?: AudioBuffer, format?: string,
 *   decoder?: string | null, copying?: Promise<void>, acked?: number, ack?: (value?: unknown) => void,
 *   segments?: import('../protocol.js').Segment[] }} Job
 */

export class Loader {
  /** @param {import('../reviewer.js').Reviewer} r */
  constructor(r) {
    this.r = r;
    /** @type {Job | null} the analysis on show */
    this.job = null;
    /** @type {Job | null} the analysis in the background (the queue's next clip) */
    this.bg = null;
    /** The last clip id (clips and recordings are numbered 1, 2, ...). */
    this.seq = 0;
  }

  nextId() {
    return ++this.seq;
  }

  /** Whether `job` is still wanted (on show or in the background). @param {Job} job */
  active(job) {
    return this.job === job || this.bg === job;
  }

  /**
   * Analyses a clip in the background: nothing on show changes; `onclip` gets the clip when
   * it is complete. Replaces (cancels) the previous background job. Returns the job.
   * @param {LoadSource} src @param {(clip: import('../reviewer.js').Clip) => void} onclip
   */
  prefetch(src, onclip) {
    const { r } = this;
    if (this.bg) this.cancelBackground();
    const name = src.name ?? (src.file && src.file.name) ?? 'audio';
    /** @type {Job} */
    const job = { id: ++this.seq, name, source: src.source ?? 'file', t0: performance.now(), cancelled: false, background: true, onclip, file: src.file };
    job.onmessage = (msg) => this.jobMessage(job, msg);
    job.resolve = () => {};
    job.reject = () => {};
    this.bg = job;
    r.worker.post({ t: TO_WORKER.OPEN, id: job.id, file: src.file });
    return job;
  }

  /** Drops the background job. */
  cancelBackground() {
    const job = this.bg;
    if (!job) return;
    job.cancelled = true;
    this.bg = null;
    this.r.worker.post({ t: TO_WORKER.CANCEL, id: job.id });
    if (job.ack) job.ack();
  }

  /**
   * The background job goes on show (its clip was asked for before it was complete); resolves
   * as a load() does.
   */
  promote() {
    const job = this.bg;
    if (this.job) this.cancel();
    this.bg = null;
    this.job = job;
    job.background = false;
    return this.begin(job);
  }

  /**
   * `job` goes on show: playback stops, the progress bar shows. Returns the promise its
   * end settles. @param {Job} job
   */
  begin(job) {
    const { r } = this;
    r.player.pause();
    r.transport.updateButton();
    r.clearAlert();
    r.setState('analysing');
    this.showProgress(job, 0, 1);
    return new Promise((resolve, reject) => { job.resolve = resolve; job.reject = reject; });
  }

  /**
   * Loads and analyses a clip: { file } (File/Blob), { url }, or { audio: Float32Array |
   * Float32Array[] (one per channel), sampleRate }. Resolves when the analysis is complete
   * ({ duration, segments }); rejects when it fails or is cancelled. `onclip` gets the clip
   * before it is shown.
   * @param {LoadSource} src @param {((clip: import('../reviewer.js').Clip) => void) | null} [onclip]
   */
  async load(src, onclip = null) {
    const { r } = this;
    await r.ready;
    if (r.live.recording) await r.live.stop();
    if (r.destroyed) throw Object.assign(new Error('the reviewer was destroyed'), { name: 'AbortError' });
    const name = src.name ?? (src.file && src.file.name) ?? (src.url ? src.url.split('/').pop() : 'audio');
    if (this.job) this.cancel();
    /** @type {Job} */
    const job = { id: ++this.seq, name, source: src.source ?? (src.url ? 'url' : src.file ? 'file' : 'audio'), t0: performance.now(), cancelled: false, onclip };
    this.job = job;
    const done = this.begin(job);
    r.el.status.textContent = `Reading ${name}…`;
    job.onmessage = (msg) => this.jobMessage(job, msg);
    try {
      if (src.url) {
        const res = await fetch(src.url);
        if (!res.ok) throw new Error(`HTTP ${res.status} for ${src.url}`);
        job.file = await res.blob();
        if (this.job !== job) return done;
        if (!job.file.size) throw new Error(EMPTY);
        r.worker.post({ t: TO_WORKER.OPEN, id: job.id, file: job.file });
      } else if (src.file) {
        if (!src.file.size) throw new Error(EMPTY);
        job.file = src.file;
        r.worker.post({ t: TO_WORKER.OPEN, id: job.id, file: src.file });
      } else if (src.audio) {
        const channels = Array.isArray(src.audio) ? src.audio : [src.audio];
        if (!channels.length || !channels[0].length) throw new Error('no samples');
        const rate = Number(src.sampleRate);
        if (!(rate >= 3000 && rate <= 768000)) throw new Error(`sampleRate must be 3000..768000; got ${src.sampleRate}`);
        const buffer = new AudioBuffer({ numberOfChannels: channels.length, length: channels[0].length, sampleRate: rate });
        for (let c = 0; c < channels.length; c++) await copyInSlices(buffer, channels[c], c, 0);
        if (this.job === job) this.feed(job, buffer);
      } else {
        throw new Error('load() needs { file }, { url } or { audio, sampleRate }');
      }
    } catch (err) {
      this.jobFailed(job, `Could not load ${name}: ${errorText(err)}`);
    }
    return done;
  }

  /** A message of this job's clip. @param {Job} job @param {import('../protocol.js').WorkerMessage} msg */
  jobMessage(job, msg) {
    const { r } = this;
    switch (msg.t) {
      case FROM_WORKER.BEGIN:
        job.buffer = new AudioBuffer({ numberOfChannels: msg.channels, length: msg.length, sampleRate: msg.sampleRate });
        job.format = msg.live ? 'recording' : msg.format;
        job.decoder = msg.live ? null : msg.decoder ?? 'bystander';
        break;
      case FROM_WORKER.PCM:
        // Into the playback buffer in small slices (a 1 Mi-frame copy can take 30-130 ms).
        job.copying = (job.copying ?? Promise.resolve()).then(async () => {
          for (let c = 0; c < msg.channels.length; c++) {
            if (!this.active(job)) break;
            await copyInSlices(job.buffer, msg.channels[c], c, msg.offset);
          }
          // The buffers go back to the worker for the next chunks (no garbage here).
          const buffers = msg.channels.map((x) => x.buffer);
          if (r.worker) r.worker.post({ t: TO_WORKER.RECYCLE, buffers }, buffers);
        });
        this.showProgress(job, msg.done, msg.total);
        break;
      case FROM_WORKER.PROGRESS:
        this.showProgress(job, msg.done, msg.total);
        job.acked = (job.acked ?? 0) + 1;
        if (job.ack) job.ack();
        break;
      case FROM_WORKER.NOT_WAV:
        this.decode(job).catch((err) => this.jobFailed(job, `Could not decode ${job.name}: ${errorText(err)}`));
        break;
      case FROM_WORKER.SEGMENTS:
        (job.segments ??= []).push(...msg.segments);
        break;
      case FROM_WORKER.REPORT:
        msg.report.segments = job.segments ?? [];
        // In a task of its own (receiving a long clip's report is already some work).
        (job.copying ?? Promise.resolve()).then(() => setTimeout(() => this.jobDone(job, msg), 0));
        break;
      case FROM_WORKER.ERROR:
        this.jobFailed(job, `Could not analyse ${job.name}: ${msg.message}`);
        break;
      default:
    }
  }

  /** The browser's decoder, at the file's own sample rate when it can be told. @param {Job} job */
  async decode(job) {
    const { r } = this;
    if (!job.background) r.el.status.textContent = `Decoding ${job.name}…`;
    const bytes = await job.file.arrayBuffer();
    if (!this.active(job)) return;
    const sniff = sniffAudio(new Uint8Array(bytes, 0, Math.min(bytes.byteLength, 1 << 16)));
    let rate = sniff.sampleRate ?? 48000;
    if (rate < 8000 || rate > 384000) rate = Math.min(384000, Math.max(8000, rate));
    const ctx = new OfflineAudioContext(1, 1, rate);
    let buffer;
    try {
      buffer = await ctx.decodeAudioData(bytes);
    } catch (err) {
      throw new Error(err && err.name === 'EncodingError' ? 'the browser cannot decode this file (not audio, or an unsupported format)' : errorText(err));
    }
    if (!this.active(job)) return;
    if (!buffer.length) throw new Error('the file contains no audio samples');
    job.format = sniff.container;
    job.decoder = 'browser';
    this.feed(job, buffer);
  }

  /**
   * Sends a decoded clip to the worker in chunks, at most two in flight (cancel stays quick).
   * @param {Job} job @param {AudioBuffer} buffer
   */
  async feed(job, buffer) {
    const { r } = this;
    job.buffer = buffer;
    const { numberOfChannels: channels, length, sampleRate } = buffer;
    r.worker.post({ t: TO_WORKER.BEGIN, id: job.id, sampleRate, channels, length });
    let sent = 0;
    job.acked = 0;
    for (let off = 0; off < length; off += CHUNK) {
      if (!this.active(job)) return;
      const n = Math.min(CHUNK, length - off);
      const parts = [];
      for (let c = 0; c < channels; c++) {
        const part = new Float32Array(n);
        for (let o = 0; o < n; o += SLICE) {
          buffer.copyFromChannel(part.subarray(o, Math.min(n, o + SLICE)), c, off + o);
          await yieldToPage();
        }
        parts.push(part);
      }
      if (!this.active(job)) return;
      r.worker.post({ t: TO_WORKER.CHUNK, id: job.id, channels: parts }, parts.map((p) => p.buffer));
      sent++;
      while (sent - job.acked >= 2 && this.active(job)) {
        await new Promise((resolve) => { job.ack = resolve; });
      }
    }
    if (this.active(job)) r.worker.post({ t: TO_WORKER.END, id: job.id });
  }

  /** @param {Job} job @param {number} done @param {number} total frames */
  showProgress(job, done, total) {
    const { r } = this;
    if (job.background) return;
    const el = r.el;
    el.progress.hidden = false;
    const frac = total ? done / total : 0;
    el.progressBar.value = frac;
    const elapsed = (performance.now() - job.t0) / 1000;
    let text = `Analysing ${job.name}: ${(100 * frac).toFixed(0)} %`;
    if (frac > 0.02 && elapsed > 0.3) {
      const left = (elapsed / frac) * (1 - frac);
      text += left >= 1 ? ` · about ${Math.ceil(left)} s left` : ' · less than a second left';
    }
    el.progressText.textContent = text;
    el.status.textContent = text;
  }

  /** The analysis is complete: the job's clip is shown. @param {Job} job @param {import('../protocol.js').ReportMessage} msg */
  jobDone(job, msg) {
    const { r } = this;
    if (!this.active(job)) return;
    const report = msg.report;
    const buffer = job.buffer;
    /** @type {import('../reviewer.js').Clip} */
    const clip = {
      id: job.id, name: job.name, source: job.source, format: job.format, decoder: job.decoder ?? null,
      warnings: msg.warnings ?? [], file: job.file ?? null,
      // The analysed length: the playback buffer can be longer (a length estimated from a
      // container before decoding), never shorter.
      buffer, sampleRate: buffer.sampleRate, channels: buffer.numberOfChannels, length: Math.min(msg.length ?? buffer.length, buffer.length),
      duration: Math.min(msg.length ?? buffer.length, buffer.length) / buffer.sampleRate, report,
      segments: report.segments.map((s) => ({ ...s })),
      peaks: msg.peaks, bucket: msg.bucket,
      hop: Math.round(buffer.sampleRate / 100), nFft: 2 * Math.round(buffer.sampleRate * 0.016),
      analysisMs: msg.ms, totalMs: performance.now() - job.t0, wasmBytes: msg.wasmBytes,
    };
    if (job.background) {
      this.bg = null;
      job.onclip(clip);
      return;
    }
    this.job = null;
    if (job.onclip) job.onclip(clip);
    this.show(clip, 'analysis');
    setTimeout(() => { if (r.clip && r.clip.id === job.id) r.updateText(); }, 0);
    // Resolved in a task of its own (a copy of thousands of segments for a long clip).
    setTimeout(() => job.resolve({ duration: r.clip ? r.clip.duration : 0, segments: r.segments() }), 0);
  }

  /**
   * Puts an analysed clip on show (a new one, or one the queue kept) and tells the worker
   * which clips to keep. @param {import('../reviewer.js').Clip} clip @param {string} reason
   */
  show(clip, reason) {
    const { r } = this;
    const { buffer } = clip;
    r.el.progress.hidden = true;
    const prev = r.clip;
    r.clip = clip;
    // The clip that was on show keeps its review in the queue; this one gets its own back
    // (edits, undo history, selection).
    r.queue.enter(prev, clip);
    const keep = r.queue.keepIds();
    if (this.bg) keep.push(this.bg.id);
    r.worker.post({ t: TO_WORKER.ADOPT, id: clip.id, keep });
    r.spectrogram.clear();
    r.player.setBuffer(buffer, r.clip.length);
    r.player.setLoop(false);
    r.viewport.view = { start: 0, span: r.clip.duration };
    r.el.loop.checked = false;
    r.viewport.layout();
    // The automation hook's contract: at 'ready' the lane elements are in the DOM. A short
    // clip's lanes are drawn now; a long clip's (more than DENSE segments, canvas-painted)
    // by the next render step, to keep this task short.
    if (r.clip.segments.length <= DENSE) {
      r.lanes.render(r.clip.segments, r.viewport.view);
      r.dirty.delete('lanes');
    }
    r.changed(reason); // the privacy policy reaches the player before 'ready'
    r.el.status.textContent = `${clip.name}: analysed.`;
    r.setState('ready');
  }

  /** @param {Job} job @param {string} message */
  jobFailed(job, message) {
    const { r } = this;
    if (job.cancelled) return;
    if (job.background) {
      // Tried again (and reported) when the clip is opened.
      if (this.bg === job) this.cancelBackground();
      return;
    }
    if (this.job === job) {
      this.job = null;
      r.worker.post({ t: TO_WORKER.CANCEL, id: job.id });
    }
    r.el.progress.hidden = true;
    r.fail(message);
    job.reject(new Error(message));
  }

  /** Stops the current analysis; the previous clip (if any) stays. */
  cancel() {
    const { r } = this;
    const job = this.job;
    if (!job) return;
    job.cancelled = true;
    this.job = null;
    r.worker.post({ t: TO_WORKER.CANCEL, id: job.id });
    if (job.ack) job.ack();
    r.el.progress.hidden = true;
    r.el.status.textContent = `Cancelled ${job.name}.${r.clip ? ' Showing the previous clip.' : ''}`;
    r.setState(r.clip ? 'ready' : 'idle');
    job.reject(Object.assign(new Error('cancelled'), { name: 'AbortError' }));
  }

  /**
   * Analyses a finished recording (already in the worker) as a whole: the job of clip `id`.
   * Resolves as a load() does.
   * @param {number} id
   */
  analyseRecording(id) {
    const { r } = this;
    /** @type {Job} */
    const job = { id, name: `recording ${new Date().toLocaleTimeString()}`, source: 'recording', t0: performance.now(), cancelled: false };
    this.job = job;
    const done = new Promise((resolve, reject) => { job.resolve = resolve; job.reject = reject; });
    job.onmessage = (m) => this.jobMessage(job, m);
    r.setState('analysing');
    r.worker.post({ t: TO_WORKER.LIVE_STOP, id });
    return done;
  }
}
