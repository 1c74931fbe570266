// The `bystander/worker` entry: analysis in a module worker (the review page's own
// analysis-worker.js and its messages, protocol.js). Types: worker.d.ts.
import { FROM_WORKER as OUT, TO_WORKER as IN } from './protocol.js';

/** Channels of one clip, pushed to the worker in parts of this many frames. */
const CHUNK_FRAMES = 1 << 20;

/**
 * Decodes what the worker cannot (AAC/MP4 and the like) with the browser's decoder.
 * @param {Blob} blob
 */
async function decodeInPage(blob) {
  const Ctx = globalThis.OfflineAudioContext;
  if (typeof Ctx !== 'function') throw new Error('cannot decode audio: this file needs the browser decoder (no OfflineAudioContext here)');
  const ctx = new Ctx(1, 1, 44100);
  try {
    return await ctx.decodeAudioData(await blob.arrayBuffer());
  } catch (err) {
    throw new Error(`cannot decode audio: ${(err && err.message) || err}`);
  }
}

/** @param {AudioBuffer} buffer */
function bufferChannels(buffer) {
  const channels = [];
  for (let c = 0; c < buffer.numberOfChannels; c++) channels.push(buffer.getChannelData(c));
  return { channels, sampleRate: buffer.sampleRate };
}

function abortError(signal) {
  return signal.reason ?? new DOMException('The analysis was aborted', 'AbortError');
}

/**
 * Starts an analysis worker. Its wasm is fetched when the worker starts; the decoder's only
 * when a compressed file must be decoded.
 * @param {import('./worker.d.ts').AnalyzerOptions} [options]
 * @returns {import('./worker.d.ts').Analyzer}
 */
export function createAnalyzer(options = {}) {
  const worker = options.workerUrl
    ? new Worker(options.workerUrl, { type: 'module' })
    : new Worker(new URL('./analysis-worker.js', import.meta.url), { type: 'module' });
  const events = new EventTarget();
  /** @type {Map<number, { onMessage: (msg: any) => void, fail: (err: unknown) => void }>} */
  const jobs = new Map();
  let nextId = 1;
  let destroyed = false;
  let freed = null;
  let failure = null;
  const failAll = (err) => {
    failure = err;
    for (const job of jobs.values()) job.fail(err);
    jobs.clear();
  };
  let readyResolve;
  let readyReject;
  const ready = new Promise((resolve, reject) => {
    readyResolve = resolve;
    readyReject = reject;
  });
  ready.catch(() => {});
  worker.onmessage = (e) => {
    const msg = e.data;
    if (msg.t === OUT.READY) readyResolve(msg);
    else if (msg.t === OUT.FREED) freed?.();
    else if (msg.t === OUT.ERROR && msg.id === undefined) readyReject(new Error(msg.message));
    else jobs.get(msg.id)?.onMessage(msg);
  };
  worker.onerror = (e) => {
    const err = new Error(`the analysis worker failed: ${e.message || 'it could not start'}`);
    readyReject(err);
    failAll(err);
  };
  worker.postMessage({
    t: IN.INIT, lazyDecoder: true,
    wasmUrl: options.wasmUrl ? String(options.wasmUrl) : undefined,
    decoderWasmUrl: options.decoderWasmUrl ? String(options.decoderWasmUrl) : undefined,
  });

  const alive = () => {
    if (destroyed) throw new Error('this analyzer was destroyed');
    if (failure) throw failure;
  };

  /**
   * Runs one job: `send(id)` posts its messages; resolves with the assembled report.
   * @param {(id: number) => void | Promise<void>} send
   * @param {import('./worker.d.ts').AnalyzeCallOptions} callOptions
   * @param {((id: number) => void) | null} onNotDecoded
   */
  function job(send, callOptions = {}, onNotDecoded = null) {
    const { signal, onProgress } = callOptions;
    return new Promise((resolve, reject) => {
      alive();
      if (signal?.aborted) throw abortError(signal);
      const id = nextId++;
      const segments = [];
      const finish = () => {
        jobs.delete(id);
        signal?.removeEventListener('abort', onAbort);
      };
      const fail = (err) => {
        finish();
        reject(err);
      };
      const onAbort = () => {
        worker.postMessage({ t: IN.CANCEL, id });
        fail(abortError(signal));
      };
      signal?.addEventListener('abort', onAbort);
      const progress = (done, total) => {
        const detail = { id, done, total };
        onProgress?.(detail);
        events.dispatchEvent(new CustomEvent('progress', { detail }));
      };
      jobs.set(id, {
        fail,
        onMessage(msg) {
          switch (msg.t) {
            case OUT.PCM:
            case OUT.PROGRESS:
              progress(msg.done, msg.total);
              break;
            case OUT.SEGMENTS:
              segments.push(...msg.segments);
              break;
            case OUT.REPORT:
              finish();
              resolve({ ...msg.report, segments, warnings: [...(msg.report.warnings ?? []), ...(msg.warnings ?? [])] });
              break;
            case OUT.NOT_WAV:
              if (onNotDecoded) onNotDecoded(id, msg.reason);
              else fail(new Error(msg.reason));
              break;
            case OUT.ERROR:
              fail(new Error(msg.message));
              break;
            case OUT.LIVE:
              events.dispatchEvent(new CustomEvent('segments', { detail: { id, segments: msg.segments, position: msg.position } }));
              break;
            default:
              break;
          }
        },
      });
      ready.then(() => send(id)).catch(fail);
    });
  }

  /** Sends decoded channels as BEGIN, CHUNK..., END. */
  function sendChannels(id, { channels, sampleRate }) {
    if (!Array.isArray(channels) || channels.length === 0 || !channels.every((c) => c instanceof Float32Array)) {
      throw new Error('invalid input: channels must be a non-empty array of Float32Array');
    }
    const length = channels[0].length;
    if (channels.some((c) => c.length !== length)) throw new Error('invalid input: the channels differ in length');
    if (length === 0) throw new Error('the input contains no audio samples');
    // The sample rate is checked by the analyser in the worker (its message, as everywhere).
    worker.postMessage({ t: IN.BEGIN, id, sampleRate, channels: channels.length, length });
    for (let off = 0; off < length; off += CHUNK_FRAMES) {
      // Copies: the caller keeps its arrays.
      const part = channels.map((c) => c.slice(off, Math.min(length, off + CHUNK_FRAMES)));
      worker.postMessage({ t: IN.CHUNK, id, channels: part }, part.map((c) => c.buffer));
    }
    worker.postMessage({ t: IN.END, id });
  }

  return {
    events,
    ready: () => ready.then((msg) => ({ version: msg.version, simd: msg.simd })),
    analyze(input, callOptions = {}) {
      if (input instanceof ArrayBuffer || ArrayBuffer.isView(input)) {
        input = new Blob([/** @type {ArrayBuffer} */ (input)]);
      }
      if (input instanceof Blob) {
        const blob = input;
        let pending = null;
        const p = job((id) => worker.postMessage({ t: IN.OPEN, id, file: blob }), callOptions, (id, reason) => {
          // The worker cannot decode it: the browser's decoder may (AAC, M4A); if it cannot
          // either, the promise rejects with the worker's reason (the core's message).
          pending = decodeInPage(blob).then((buffer) => {
            if (jobs.has(id)) sendChannels(id, bufferChannels(buffer));
          }).catch((err) => jobs.get(id)?.fail(reason ? new Error(reason) : err));
        });
        return p.finally(() => pending);
      }
      const Buffer = globalThis.AudioBuffer;
      const clip = typeof Buffer === 'function' && input instanceof Buffer ? bufferChannels(input) : input;
      if (!clip || typeof clip !== 'object') {
        return Promise.reject(new Error('invalid input: expected a File, Blob, ArrayBuffer, Uint8Array, AudioBuffer or { channels, sampleRate }'));
      }
      return job((id) => sendChannels(id, clip), callOptions);
    },
    analyzeStream(stream, streamOptions = {}) {
      alive();
      const audio = new AudioContext();
      let id = 0;
      let source;
      let node;
      const started = (async () => {
        await ready;
        await audio.audioWorklet.addModule(new URL('./capture-worklet.js', import.meta.url));
        source = audio.createMediaStreamSource(stream);
        node = new AudioWorkletNode(audio, 'bystander-capture', { numberOfInputs: 1, numberOfOutputs: 1, channelCount: 1, channelCountMode: 'explicit' });
        source.connect(node).connect(audio.destination);
      })();
      let report = null;
      const live = {
        events,
        /** @type {Promise<import('./index.d.ts').AnalysisReport>} */
        report: new Promise((resolve, reject) => {
          report = job(async (jobId) => {
            id = jobId;
            try {
              await started;
            } catch (err) {
              jobs.get(jobId)?.fail(err);
              return;
            }
            const channel = new MessageChannel();
            worker.postMessage({ t: IN.LIVE_START, id, sampleRate: audio.sampleRate, port: channel.port1 }, [channel.port1]);
            node.port.postMessage({ port: channel.port2 }, [channel.port2]);
          }, streamOptions);
          report.then(resolve, reject);
        }),
        async stop() {
          await started.catch(() => {});
          node?.port.postMessage({ stop: true });
          source?.disconnect();
          node?.disconnect();
          if (id) worker.postMessage({ t: IN.LIVE_STOP, id });
          try {
            return await live.report;
          } finally {
            await audio.close();
          }
        },
      };
      return live;
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      const err = new Error('this analyzer was destroyed');
      failAll(err);
      // Frees the wasm objects, then ends the worker (at most 1 s later if it is stuck).
      await new Promise((resolve) => {
        freed = resolve;
        setTimeout(resolve, 1000);
        worker.postMessage({ t: IN.FREE });
      });
      worker.terminate();
      readyReject(err);
    },
  };
}
