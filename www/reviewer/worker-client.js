// @ts-check
// The page's end of the analysis worker (analysis-worker.js; messages: protocol.js): starts
// it and waits for READY, sends requests, hands every other message to `onMessage`, and at
// the end frees its wasm objects before ending it.
import { FROM_WORKER, TO_WORKER } from '../protocol.js';

/** @typedef {import('../protocol.js').WorkerMessage} WorkerMessage */
/** @typedef {import('../protocol.js').ReadyMessage} ReadyMessage */

export class WorkerClient {
  /**
   * @param {string | URL | null} url the worker module (null: ../analysis-worker.js)
   * @param {(msg: WorkerMessage) => void} onMessage every message but READY and FREED
   * @param {(message: string) => void} onFailure the worker could not start or crashed
   */
  constructor(url, onMessage, onFailure) {
    // The default is written out as `new Worker(new URL('...', import.meta.url))`: the only
    // form bundlers (Vite, webpack 5, esbuild) recognise, find and copy.
    this.worker = url ? new Worker(url, { type: 'module' })
      : new Worker(new URL('../analysis-worker.js', import.meta.url), { type: 'module' });
    /** @type {((info: ReadyMessage) => void) | null} */
    this.readyResolve = null;
    /** @type {((err: Error) => void) | null} */
    this.readyReject = null;
    /** @type {(() => void) | null} */
    this.freed = null;
    this.worker.onmessage = (e) => {
      const msg = /** @type {WorkerMessage} */ (e.data);
      if (msg.t === FROM_WORKER.READY) this.readyResolve(/** @type {ReadyMessage} */ (msg));
      else if (msg.t === FROM_WORKER.FREED) { if (this.freed) this.freed(); } else onMessage(msg);
    };
    this.worker.onerror = (e) => onFailure(`The analysis worker failed: ${e.message || 'could not start'}`);
  }

  /** Loads the wasm package in the worker; resolves to its READY message. @returns {Promise<ReadyMessage>} */
  start() {
    return new Promise((resolve, reject) => {
      this.readyResolve = resolve;
      this.readyReject = reject;
      this.post({ t: TO_WORKER.INIT });
    });
  }

  /** Rejects a start() still waiting (the component failed). @param {Error} err */
  failStart(err) {
    if (this.readyReject) this.readyReject(err);
  }

  /**
   * @param {{ t: string, [key: string]: unknown }} msg one of TO_WORKER's messages
   * @param {Transferable[]} [transfer]
   */
  post(msg, transfer = []) {
    this.worker.postMessage(msg, transfer);
  }

  /** Frees the wasm objects (waiting at most 1 s), then ends the worker (its memory goes with it). */
  async close() {
    await Promise.race([
      new Promise((resolve) => { this.freed = () => resolve(undefined); this.post({ t: TO_WORKER.FREE }); }),
      new Promise((resolve) => setTimeout(resolve, 1000)),
    ]);
    this.worker.terminate();
  }
}
