// @ts-check
// bystander review component: mountReviewer(element, options) builds a reviewer for voice
// clips inside `element` and returns its controller. The review page (index.html) and the
// embedding example (embed.html) are thin pages over it. Plain ES module, no bundler.
//
//   import { mountReviewer } from './reviewer.js';
//   const reviewer = mountReviewer(document.querySelector('#review'), {
//     onChange: ({ segments, reason }) => save(segments),
//   });
//   await reviewer.load({ file });                        // a File/Blob the browser can decode
//   await reviewer.load({ audio: [left, right], sampleRate: 44100, name: 'clip-17' });
//   reviewer.setPlaybackRate(1.5); reviewer.setLoop(true);
//   const blob = await reviewer.exportAs('rttm');
//   await reviewer.destroy();                            // frees the worker and its wasm memory
//
// The parts, each in reviewer/: elements.js (the DOM), pointer.js and keyboard.js (input),
// worker-client.js and loader.js (the analysis worker, loading), viewport.js (zoom, scroll,
// time <-> x), menus.js (the toolbar's menus), spectrogram.js, axes.js and lanes.js (drawing), transport.js (play, seek,
// rate, loop), privacy.js (mute, skip, blur), history.js (undo/redo), queue.js (the clips of
// a shift, each with its review), live-capture.js
// (recording), files.js (exports, import), events.js, dom.js; the worker's
// messages: protocol.js. This module holds the state they share and wires them;
// mountReviewer returns its public controller.
//
// Privacy: the audio is decoded and analysed in this tab (analysis-worker.js owns the wasm
// analyser); nothing is sent anywhere and nothing is stored. Everything the component loads
// (worker, wasm, capture worklet, style sheet) is loaded before `ready` resolves.
import { renderOffline, Player } from './playback.js';
import { FROM_WORKER, TO_WORKER } from './protocol.js';
import { drawFreqAxis, drawTimeAxis, Overview, placeWindow } from './reviewer/axes.js';
import { errorText, fmtTime, h } from './reviewer/dom.js';
import { buildElements } from './reviewer/elements.js';
import { Emitter } from './reviewer/events.js';
import { download, exportAs, importReport } from './reviewer/files.js';
import { History } from './reviewer/history.js';
import { Lanes } from './reviewer/lanes.js';
import { LiveCapture } from './reviewer/live-capture.js';
import { Loader } from './reviewer/loader.js';
import { wireMenus } from './reviewer/menus.js';
import { wire } from './reviewer/pointer.js';
import { Privacy } from './reviewer/privacy.js';
import { Queue } from './reviewer/queue.js';
import { SpectrogramView } from './reviewer/spectrogram.js';
import { Transport } from './reviewer/transport.js';
import { Viewport } from './reviewer/viewport.js';
import { WorkerClient } from './reviewer/worker-client.js';

export { SHORTCUTS } from './reviewer/elements.js';

const ALL = new Set(['spec', 'overview', 'axes', 'lanes']);

/** @typedef {import('./protocol.js').Segment} Segment */
/**
 * The clip on show. `length`: frames analysed (the playback buffer can be longer, never
 * shorter); `peaks`: min/max per `bucket` frames; `hop`, `nFft`: the spectrogram's frame.
 * @typedef {{ id: number, name: string, source: string, format: string, decoder: string | null,
 *   warnings: string[], file: Blob | null, buffer: AudioBuffer, sampleRate: number, channels: number,
 *   length: number, duration: number, report: any, segments: Segment[], peaks: Float32Array,
 *   bucket: number, hop: number, nFft: number, analysisMs: number, totalMs: number,
 *   wasmBytes: number | null }} Clip
 */
/**
 * mountReviewer's options.
 * @typedef {object} ReviewerOptions
 * @property {(e: { reason: string, segments: Segment[] }) => void} [onChange] called after
 *   every analysis, edit, undo/redo and import with a copy of the segments
 * @property {EventTarget} [keyboard] where shortcuts are listened for (default: the
 *   component; the review page passes `document`)
 * @property {EventTarget} [dropTarget] where dropped files are taken (default: the
 *   component; the review page passes `window`)
 * @property {HTMLElement} [stateTarget] also gets `data-state` (the page: <body>)
 * @property {boolean} [ids] give the main elements ids (one reviewer per page)
 * @property {boolean} [record] offer recording from the microphone (default true)
 * @property {number} [overlapGainDb] the level, in dB (-60..0, default -20), at which the
 *   "lower overlaps" privacy policy plays foreground speech with background speech under it
 * @property {string} [workerUrl] default: analysis-worker.js next to this module
 * @property {(caption: HTMLElement, clip: Clip) => void} [caption] fills the caption under
 *   the views for each clip (default: empty)
 */

/**
 * Mounts a reviewer in `element`.
 * @param {HTMLElement} element
 * @param {ReviewerOptions} [options]
 */
export function mountReviewer(element, options = {}) {
  return new Reviewer(element, options).controller();
}

/** @typedef {ReturnType<typeof mountReviewer>} ReviewerController */

/** The reviewer's shared state and the actions its parts call on each other. */
export class Reviewer {
  /** @param {HTMLElement} root @param {ReviewerOptions} opts */
  constructor(root, opts) {
    this.root = root;
    this.opts = opts;
    this.events = new Emitter();
    if (opts.onChange) this.events.on('change', opts.onChange);
    this.state = 'loading';
    /** @type {Clip | null} */
    this.clip = null;
    /** @type {Segment | null} a segment object of this.clip.segments */
    this.selected = null;
    /** @type {Set<Segment>} background segments shown unblurred */
    this.revealed = new Set();
    this.privacy = new Privacy(this);
    this.display = { colormap: 'viridis', frequencyScale: 'linear', rangeDb: 80, gainDb: 20 };
    this.destroyed = false;
    /** @type {(() => void)[]} */
    this.cleanups = [];
    /** @type {Set<string>} parts to redraw: 'spec', 'axes', 'lanes', 'overview' */
    this.dirty = new Set();
    this.renderPending = false;
    /** @type {WorkerClient | null} */
    this.worker = null;
    /** @type {import('./protocol.js').ReadyMessage | null} */
    this.info = null;
    /** @type {AudioContext | null} */
    this.audio = null;
    /** @type {Player | null} */
    this.player = null;
    /** @type {ResizeObserver | null} */
    this.resizeObserver = null;
    this.loader = new Loader(this);
    this.viewport = new Viewport(this);
    this.spectrogram = new SpectrogramView(this);
    this.overview = new Overview(this);
    this.lanes = new Lanes(this);
    this.history = new History(this);
    this.live = new LiveCapture(this);
    this.transport = new Transport(this);
    this.queue = new Queue(this);
    this.el = buildElements(this);
    this.privacy.showState();
    this.queue.render();
    wire(this);
    wireMenus(this);
    this.ready = this.init();
  }

  // -------------------------------------------------------------------------------------
  // Set-up

  async init() {
    this.setState('loading');
    try {
      await this.loadStyle();
      this.worker = new WorkerClient(this.opts.workerUrl ?? null, (msg) => this.onWorker(msg), (message) => this.fail(message));
      const info = await this.worker.start();
      this.info = info;
      // Playback and capture: the worklet module is loaded now, so that nothing is fetched
      // after the page reports ready.
      this.audio = new AudioContext({ latencyHint: 'interactive' });
      if (this.opts.record !== false) {
        await this.audio.audioWorklet.addModule(new URL('./capture-worklet.js', import.meta.url));
      }
      this.player = new Player(this.audio);
      this.player.onended = () => this.transport.updateButton();
      this.el.build.textContent = `bystander ${info.version} · ${info.simd ? 'SIMD build' : 'portable build (no SIMD)'}`;
      this.setState('idle');
      this.events.emit('ready', info);
      return info;
    } catch (err) {
      this.fail(`The analyser could not be loaded: ${errorText(err)}`);
      throw err;
    }
  }

  loadStyle() {
    const href = new URL('./reviewer.css', import.meta.url).href;
    const existing = [.../** @type {NodeListOf<HTMLLinkElement>} */ (document.querySelectorAll('link[rel="stylesheet"]'))].find((l) => l.href === href);
    if (existing && existing.sheet) return Promise.resolve();
    const link = existing ?? h('link', { rel: 'stylesheet', href });
    const done = new Promise((resolve) => {
      link.addEventListener('load', resolve, { once: true });
      link.addEventListener('error', resolve, { once: true });
    });
    if (!existing) document.head.append(link);
    return done;
  }

  // -------------------------------------------------------------------------------------
  // State, events, messages

  setState(state) {
    // After destroy() the state is final ('destroyed'): a load still on its way changes nothing.
    if (this.destroyed && state !== 'destroyed') return;
    this.state = state;
    this.root.dataset.state = state;
    if (this.opts.stateTarget) this.opts.stateTarget.dataset.state = state;
    this.events.emit('state', state);
  }

  changed(reason) {
    this.el.undo.disabled = !this.history.canUndo;
    if (reason !== 'analysis' && reason !== 'queue') this.queue.edited();
    this.privacy.apply();
    if (this.clip) {
      this.privacy.updateLine();
      this.privacy.updateWarning();
    }
    if (this.events.has('change')) this.events.emit('change', { reason, segments: this.segments() });
  }

  segments() {
    return this.clip ? this.clip.segments.map((s) => ({ ...s, cues: s.cues ? { ...s.cues } : null })) : [];
  }

  alert(message) {
    this.el.alert.textContent = message;
    this.el.alert.hidden = false;
    this.events.emit('error', message);
  }

  clearAlert() {
    this.el.alert.hidden = true;
    this.el.alert.textContent = '';
  }

  fail(message) {
    this.alert(message);
    this.el.status.textContent = this.clip ? 'Error — still showing the previous clip' : 'Error';
    this.setState('error');
    if (this.worker) this.worker.failStart(new Error(message));
  }

  /** The worker's messages: images and live labels here, the rest to their job (on show or in the background). @param {import('./protocol.js').WorkerMessage} msg */
  onWorker(msg) {
    if (msg.t === FROM_WORKER.TILE) {
      this.spectrogram.arrived(msg);
      return;
    }
    if (msg.t === FROM_WORKER.ERROR && msg.request === TO_WORKER.TILE) {
      this.spectrogram.failed(msg.key);
      console.warn('tile failed:', msg.message);
      return;
    }
    if (msg.t === FROM_WORKER.LIVE) {
      this.live.arrived(msg);
      return;
    }
    if (msg.t === FROM_WORKER.OVERVIEW) {
      this.overview.arrived(msg);
      return;
    }
    const { job, bg } = this.loader;
    if (job && 'id' in msg && msg.id === job.id) job.onmessage(msg);
    else if (bg && 'id' in msg && msg.id === bg.id) bg.onmessage(msg);
  }

  // -------------------------------------------------------------------------------------
  // Actions (the controls, the keyboard and the controller call these)

  /**
   * Loads and analyses a clip; resolves when the analysis is complete ({ duration,
   * segments }); rejects when it fails or is cancelled.
   * @param {import('./reviewer/loader.js').LoadSource} src
   */
  load(src) {
    return this.loader.load(src);
  }

  /** Stops the current analysis; the previous clip (if any) stays. */
  cancel() {
    this.loader.cancel();
  }

  /** @param {number} factor @param {number | null} [around] */
  zoom(factor, around = null) {
    this.viewport.zoom(factor, around);
  }

  fit() {
    this.viewport.fit();
  }

  undo() {
    this.history.undo();
  }

  redo() {
    this.history.redo();
  }

  toggleRecord() {
    return this.live.toggle();
  }

  /**
   * A report of the clip on show, or a queue export (restores the queue's reviews); returns
   * the number of segments (of clips, for a queue).
   * @param {string} text
   */
  importReport(text) {
    let data = null;
    try {
      data = JSON.parse(text);
    } catch { /* parseReport reports it */ }
    if (data && typeof data === 'object' && Array.isArray(data.clips)) {
      const n = this.queue.fromJson(data);
      this.clearAlert();
      return n;
    }
    return importReport(this, text);
  }

  /** @param {string} format */
  download(format) {
    return download(this, format);
  }

  // -------------------------------------------------------------------------------------
  // Drawing

  /**
   * Redraws the dirty parts ('spec', 'axes', 'lanes', 'overview', in that order) in
   * animation frames, moving on to the next frame once a frame has spent 4 ms, so that a
   * big redraw (a long clip's first view) is spread over several short tasks.
   */
  renderStep() {
    this.renderPending = false;
    if (this.destroyed || !this.clip || this.live.recording) {
      this.dirty.clear();
      return;
    }
    const t0 = performance.now();
    for (const part of ['spec', 'axes', 'lanes', 'overview']) {
      if (!this.dirty.has(part)) continue;
      if (performance.now() - t0 > 4) break;
      this.dirty.delete(part);
      if (part === 'spec') this.spectrogram.draw();
      else if (part === 'overview') this.overview.draw();
      else if (part === 'axes') {
        placeWindow(this);
        drawTimeAxis(this);
        drawFreqAxis(this);
      } else this.lanes.render(this.clip.segments, this.viewport.view);
    }
    this.transport.updatePlayhead();
    if (this.dirty.size) this.scheduleRender(...this.dirty);
  }

  /** Marks parts dirty (default: all) and redraws them from the next animation frame. */
  scheduleRender(...parts) {
    for (const p of parts.length ? parts : ALL) this.dirty.add(p);
    if (this.renderPending) return;
    this.renderPending = true;
    requestAnimationFrame(() => this.renderStep());
  }

  updateText() {
    const c = this.clip;
    const fg = c.segments.filter((s) => s.label === 'foreground');
    const bg = c.segments.filter((s) => s.label === 'background');
    // The counts first and never cut; a narrow window cuts the file details (title: all of it).
    const details = `${c.name}: ${fmtTime(c.duration, 2)} (${c.duration.toFixed(2)} s), ${c.sampleRate} Hz, ${c.channels} ch · analysed in ${(c.totalMs / 1000).toFixed(2)} s`
      + c.warnings.map((w) => ` · ⚠ ${w}`).join('');
    this.el.status.replaceChildren(
      h('span', { class: 'bysr-status-counts', text: `${bg.length} background, ${fg.length} foreground segment${fg.length === 1 ? '' : 's'}` }),
      h('span', { class: 'bysr-status-details', title: details, text: ` · ${details}` }));
    this.el.canvas.setAttribute('aria-label', `Spectrogram of ${c.name}`);
    this.el.time.textContent = `${fmtTime(this.player.position)} / ${fmtTime(c.duration)}`;
    this.privacy.updateWarning();
    this.privacy.updateLine();
    if (this.opts.caption) this.opts.caption(this.el.caption, c);
    else this.el.caption.textContent = '';
  }

  // -------------------------------------------------------------------------------------
  // Selection, playback, privacy, edits

  segmentAt(t) {
    return this.clip ? this.clip.segments.find((s) => t >= s.start && t < s.end) ?? null : null;
  }

  select(s, reveal = true) {
    this.selected = s;
    const bg = s && (s.label === 'background' || (s.overlap && this.privacy.settings.strict));
    this.el.reveal.disabled = !bg;
    this.el.reveal.textContent = s && this.revealed.has(s) ? 'Hide selected' : 'Reveal selected';
    if (s && reveal) this.viewport.ensureVisible(s.start, s.end);
    this.scheduleRender('spec', 'lanes');
    if (s) {
      requestAnimationFrame(() => {
        const e = /** @type {HTMLElement | null} */ (this.el.lanes.querySelector(`.segment[data-index="${this.clip.segments.indexOf(s)}"]`));
        if (!e) return;
        if (this.root.contains(document.activeElement)) e.focus({ preventScroll: true });
        // Zoomed in (200 %, a small window) the lanes can be off screen: bring them in whole
        // (their scroll margin keeps the time ruler under them in view too).
        if (reveal) this.el.lanes.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      });
    }
  }

  current() {
    if (!this.clip) return null;
    if (this.selected && this.clip.segments.includes(this.selected)) return this.selected;
    return this.segmentAt(this.player.position);
  }

  toggleHelp(show = this.el.helpDialog.hidden) {
    this.el.helpDialog.hidden = !show;
    if (show) this.el.helpDialog.querySelector('button').focus({ preventScroll: true });
    else this.root.focus({ preventScroll: true });
  }

  flip() {
    const s = this.current();
    if (!s) return;
    this.history.edit('flip', () => {
      if (!s.originalLabel) s.originalLabel = s.label;
      s.label = s.label === 'foreground' ? 'background' : 'foreground';
      s.edited = true;
      this.revealed.delete(s);
      this.select(s, false);
    });
  }

  readDisplay() {
    const el = this.el;
    this.display = {
      colormap: el.colormap.value, frequencyScale: el.scale.value,
      rangeDb: Number(el.range.value), gainDb: Number(el.gain.value),
    };
    el.rangeOut.textContent = `${el.range.value} dB`;
    el.gainOut.textContent = `${el.gain.value} dB`;
    this.scheduleRender('spec', 'axes');
  }

  // -------------------------------------------------------------------------------------

  async destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.loader.job) this.cancel();
    this.live.release();
    if (this.player) this.player.dispose();
    for (const fn of this.cleanups) fn();
    this.resizeObserver.disconnect();
    this.spectrogram.clear();
    if (this.worker) {
      await this.worker.close();
      this.worker = null;
    }
    if (this.audio) await this.audio.close().catch(() => {});
    this.clip = null;
    this.root.replaceChildren();
    this.root.classList.remove('bysr');
    delete this.root.dataset.state;
    delete this.root.dataset.privacyState;
    // The page's state target gets a final state, not the one destroy() interrupted.
    this.setState('destroyed');
    delete this.root.dataset.state;
  }

  /** The public controller (mountReviewer's result). */
  controller() {
    const self = this;
    return {
      /** Resolves when the worker, wasm and worklet are loaded. */
      ready: this.ready,
      /** @param {import('./reviewer/loader.js').LoadSource} src */
      load: (src) => this.load(src),
      cancel: () => this.cancel(),
      /** @param {number} [from] */
      play: (from) => this.player.play(from).then(() => { this.transport.updateButton(); this.transport.tick(); }),
      pause: () => { this.player.pause(); this.transport.updateButton(); },
      /** @param {number} t */
      seek: (t) => this.transport.seek(t),
      /** @param {number} r */
      setPlaybackRate: (r) => this.transport.setRate(r),
      /** @param {boolean | [number, number]} loop */
      setLoop: (loop) => this.transport.setLoop(loop),
      /**
       * overlap: 'audible' | 'lower' | 'mute' (strict: true is overlap 'mute');
       * overlapGainDb: the lowered overlaps' level (-60..0).
       * @param {import('./reviewer/privacy.js').PrivacySettings} p
       */
      setPrivacy: (p) => this.privacy.set(p),
      /** @param {number} start @param {number} span */
      setView: (start, span) => this.viewport.setView(start, span),
      fit: () => this.fit(),
      undo: () => this.undo(),
      redo: () => this.redo(),
      /** @param {string} format */
      exportAs: (format) => exportAs(this, format),
      /** @param {string} format */
      download: (format) => this.download(format),
      /** Opens files as the queue (asks first when it holds unsaved reviews). @param {File[]} files */
      openFiles: (files) => this.queue.open(files),
      /** Shows the next (1) or previous (-1) clip of the queue. @param {number} step */
      moveClip: (step) => this.queue.move(step),
      /** @param {'accept' | 'needs-fix' | null} v */
      setVerdict: (v) => this.queue.setVerdict(v),
      /** @param {string} text */
      setNote: (text) => { this.queue.setNote(text); this.queue.render(); },
      get queue() {
        const q = self.queue;
        return { index: q.index, unsaved: q.unsaved, clips: q.items.map((it) => ({ name: it.name, state: q.stateOf(it), verdict: it.verdict, note: it.note, edits: it.edits, analysed: Boolean(it.clip) })) };
      },
      /** @param {string | object} json */
      importReport: (json) => this.importReport(typeof json === 'string' ? json : JSON.stringify(json)),
      /** Listens for 'change', 'state', 'ready' or 'error'; returns the function that stops it. */
      on: (/** @type {string} */ type, /** @type {Function} */ fn) => this.events.on(type, fn),
      onChange: (/** @type {Function} */ fn) => this.events.on('change', fn),
      destroy: () => this.destroy(),
      get state() { return self.state; },
      get segments() { return self.segments(); },
      get report() { return self.clip ? self.clip.report : null; },
      get clip() {
        const c = self.clip;
        return c && { name: c.name, source: c.source, format: c.format, decoder: c.decoder, warnings: c.warnings, sampleRate: c.sampleRate, channels: c.channels, length: c.length, duration: c.duration, analysisMs: c.analysisMs, totalMs: c.totalMs, wasmBytes: c.wasmBytes };
      },
      get position() { return self.live.recording ? self.live.recording.position : self.player ? self.player.position : 0; },
      get playing() { return Boolean(self.player && self.player.playing); },
      get privacy() { return { ...self.privacy.settings }; },
      get selected() { return self.selected ? { ...self.selected } : null; },
      get info() { return self.info ?? null; },
      get recording() { return Boolean(self.live.recording); },
      startRecording: () => this.live.start(),
      stopRecording: () => this.live.stop(),
      get element() { return self.root; },
      /** For tests: the view and its tiles, live-label delays, the playback output. */
      debug: {
        get view() {
          const s = self.spectrogram;
          return { ...self.viewport.view, level: s.lastLevel, tilesMissing: s.tilesMissing, tiles: s.tiles.size, tileApi: Boolean(self.info && self.info.tileApi) };
        },
        get liveDelays() { return self.live.delays.slice(); },
        /**
         * What playback outputs for [from, to) with the current privacy settings (rate 1).
         * @param {{ from?: number, to?: number, mute?: boolean, skip?: boolean }} [o]
         */
        /** The per-clip background line's figures (privacy.js summary). */
        get privacyLine() { return self.clip ? self.privacy.summary() : null; },
        renderOutput: (o = {}) => renderOffline(self.clip.buffer, { to: self.clip.duration, mute: self.privacy.settings.mute, skip: self.privacy.settings.skip, intervals: self.privacy.intervals(), ...o }),
      },
    };
  }
}

/**
 * `<bystander-review>`: the reviewer as a custom element (call defineReviewerElement() once).
 * Attribute `src`: a same-origin audio URL loaded when set. The element's `reviewer` is the
 * controller; removing the element destroys it. Events: `change` (detail: { reason,
 * segments }), `state` (detail: the data-state).
 *
 *   defineReviewerElement();
 *   <bystander-review src="clips/0042.wav"></bystander-review>
 */
export function defineReviewerElement(name = 'bystander-review') {
  if (customElements.get(name)) return customElements.get(name);
  class BystanderReview extends HTMLElement {
    static get observedAttributes() { return ['src']; }

    connectedCallback() {
      if (this.reviewer) return;
      this.reviewer = mountReviewer(this, {
        onChange: (detail) => this.dispatchEvent(new CustomEvent('change', { detail })),
      });
      this.reviewer.on('state', (state) => this.dispatchEvent(new CustomEvent('state', { detail: state })));
      if (this.getAttribute('src')) this.reviewer.load({ url: this.getAttribute('src') }).catch(() => {});
    }

    attributeChangedCallback(attr, old, value) {
      if (this.reviewer && value && value !== old) this.reviewer.load({ url: value }).catch(() => {});
    }

    disconnectedCallback() {
      if (this.reviewer) {
        this.reviewer.destroy();
        this.reviewer = null;
      }
    }
  }
  customElements.define(name, BystanderReview);
  return BystanderReview;
}
