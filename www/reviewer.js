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
// Privacy: the audio is decoded and analysed in this tab (analysis-worker.js owns the wasm
// analyser); nothing is sent anywhere and nothing is stored. Everything the component loads
// (worker, wasm, capture worklet, style sheet) is loaded before `ready` resolves.
import { FORMATS, parseReport, redactedWavParts, reportJson, silencedIntervals, toAudacity,
  toLabelStudio, toRttm, toTextGrid, toWebVtt } from './exports.js';
import { sniffAudio } from './audio-format.js';
import { Player, renderOffline } from './playback.js';

const TILE = 256; // columns per spectrogram tile
const IMAGE_HEIGHT = 256;
const CHUNK = 1 << 20; // frames per chunk sent to the worker
const SLICE = 1 << 15; // frames per AudioBuffer copy on the main thread (a few ms at most)

/** Yields to the event loop (input, rendering) between slices of main-thread work. */
const yieldToPage = () => (globalThis.scheduler && scheduler.yield ? scheduler.yield() : new Promise((r) => setTimeout(r, 0)));

/** Copies `src` into channel `c` of `buffer` at `offset` in slices, yielding between them. */
async function copyInSlices(buffer, src, c, offset) {
  for (let o = 0; o < src.length; o += SLICE) {
    buffer.copyToChannel(src.subarray(o, Math.min(src.length, o + SLICE)), c, offset + o);
    await yieldToPage();
  }
}
const MAX_TILES = 400;
const MIN_SPAN = 0.25; // seconds
const F_MAX = 8000; // spectrogram top (or Nyquist when lower)
const ALL = new Set(['spec', 'overview', 'axes', 'lanes']);
const DENSE = 300; // more segments in view than this: lanes painted on a canvas

export const SHORTCUTS = [
  ['Space', 'play / pause'],
  ['← / →', 'seek 1 s back / forward (Shift: 5 s)'],
  ['n / p', 'next / previous segment'],
  ['f / b', 'next foreground / background segment (Shift: previous)'],
  ['x', 'flip the label of the current segment'],
  ['r', 'reveal / hide the current background segment on the spectrogram'],
  ['m / s', 'mute background on / off; skip background on / off'],
  ['+ / − / 0', 'zoom in / out / whole clip'],
  ['Ctrl+Z / Ctrl+Shift+Z (or u)', 'undo / redo'],
  ['?', 'this help; Esc closes it'],
];

const fmtTime = (t, digits = 1) => {
  if (!Number.isFinite(t)) return '–';
  const m = Math.floor(t / 60);
  const s = t - 60 * m;
  return `${m}:${s.toFixed(digits).padStart(digits ? 3 + digits : 2, '0')}`;
};

const errorText = (err) => (err && err.message ? err.message : String(err));

function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

// Frequency axes (tick placement only; the image is drawn in wasm).
const SLANEY_F_SP = 200 / 3;
const SLANEY_LOG_STEP = Math.log(6.4) / 27;
const SCALES = {
  linear: { fwd: (hz) => hz, fMin: 0, ticks: [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 20] },
  log: { fwd: (hz) => Math.log2(hz), fMin: 20, ticks: [0.05, 0.1, 0.2, 0.5, 1, 2, 4, 8, 16] },
  mel: {
    fwd: (hz) => (hz < 1000 ? hz / SLANEY_F_SP : 15 + Math.log(hz / 1000) / SLANEY_LOG_STEP),
    fMin: 0,
    ticks: [0, 0.25, 0.5, 1, 2, 3, 4, 6, 8, 12, 16],
  },
};
const TIME_STEPS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800];

function segmentText(s) {
  const c = s.cues;
  let t = `${s.label} ${s.start.toFixed(2)}–${s.end.toFixed(2)} s, confidence ${(100 * s.confidence).toFixed(0)} %`;
  if (s.label === 'foreground' && s.overlap) t += ', background speech under it (left audible unless strict privacy)';
  if (c) {
    t += `; level ${c.levelDb.toFixed(1)} dBFS (${c.relativeLevelDb >= 0 ? '+' : ''}${c.relativeLevelDb.toFixed(1)} dB re the foreground talker)`
      + `, reverb ${c.reverb.toFixed(1)} dB, SNR ${c.snrDb.toFixed(1)} dB, background score ${c.backgroundScore.toFixed(2)}`;
  }
  if (s.edited) t += s.originalLabel && s.originalLabel !== s.label ? `; edited (was ${s.originalLabel})` : '; edited';
  return t;
}

/**
 * Mounts a reviewer in `element`.
 * @param {HTMLElement} element
 * @param {object} [options]
 * @param {(e: { reason: string, segments: object[] }) => void} [options.onChange] called after
 *   every analysis, edit, undo/redo and import with a copy of the segments
 * @param {EventTarget} [options.keyboard] where shortcuts are listened for (default: the
 *   component; the review page passes `document`)
 * @param {HTMLElement} [options.stateTarget] also gets `data-state` (the page: <body>)
 * @param {boolean} [options.ids] give the main elements ids (one reviewer per page)
 * @param {boolean} [options.record] show the record button (default true)
 * @param {string} [options.workerUrl] default: analysis-worker.js next to this module
 */
export function mountReviewer(element, options = {}) {
  return new Reviewer(element, options).controller();
}

class Reviewer {
  constructor(root, opts) {
    this.root = root;
    this.opts = opts;
    this.listeners = { change: [], state: [], ready: [], error: [] };
    if (opts.onChange) this.listeners.change.push(opts.onChange);
    this.state = 'loading';
    this.clip = null;
    this.job = null;
    this.seq = 0;
    this.view = { start: 0, span: 1 };
    this.tiles = new Map();
    this.tilePending = new Set();
    this.dirty = new Set();
    this.undoStack = [];
    this.redoStack = [];
    this.selected = null; // a segment object of this.clip.segments
    this.revealed = new Set();
    this.privacy = { mute: true, skip: false, strict: false, hide: true };
    this.display = { colormap: 'viridis', frequencyScale: 'linear', rangeDb: 80, gainDb: 20 };
    this.liveDelays = [];
    this.destroyed = false;
    this.cleanups = [];
    this.build();
    this.ready = this.init();
  }

  // -------------------------------------------------------------------------------------
  // Set-up

  async init() {
    this.setState('loading');
    try {
      await this.loadStyle();
      this.worker = new Worker(this.opts.workerUrl ?? new URL('./analysis-worker.js', import.meta.url), { type: 'module' });
      this.worker.onmessage = (e) => this.onWorker(e.data);
      this.worker.onerror = (e) => this.fail(`The analysis worker failed: ${e.message || 'could not start'}`);
      const info = await new Promise((resolve, reject) => {
        this.workerReady = resolve;
        this.workerFailed = reject;
        this.worker.postMessage({ t: 'init' });
      });
      this.info = info;
      // Playback and capture: the worklet module is loaded now, so that nothing is fetched
      // after the page reports ready.
      this.audio = new AudioContext({ latencyHint: 'interactive' });
      if (this.opts.record !== false) {
        await this.audio.audioWorklet.addModule(new URL('./capture-worklet.js', import.meta.url));
      }
      this.player = new Player(this.audio);
      this.player.onended = () => this.updatePlayButton();
      this.el.build.textContent = `bystander ${info.version} · ${info.simd ? 'SIMD build' : 'portable build (no SIMD)'}`;
      this.setState('idle');
      this.emit('ready', info);
      return info;
    } catch (err) {
      this.fail(`The analyser could not be loaded: ${errorText(err)}`);
      throw err;
    }
  }

  loadStyle() {
    const href = new URL('./reviewer.css', import.meta.url).href;
    const existing = [...document.querySelectorAll('link[rel="stylesheet"]')].find((l) => l.href === href);
    if (existing && existing.sheet) return Promise.resolve();
    const link = existing ?? h('link', { rel: 'stylesheet', href });
    const done = new Promise((resolve) => {
      link.addEventListener('load', resolve, { once: true });
      link.addEventListener('error', resolve, { once: true });
    });
    if (!existing) document.head.append(link);
    return done;
  }

  build() {
    const ids = this.opts.ids;
    const id = (name) => (ids ? name : null);
    const el = {};
    this.el = el;
    const check = (name, label, checked, key) => {
      const input = h('input', { type: 'checkbox', class: `bysr-${name}`, id: id(name), checked });
      input.addEventListener('change', () => this.setPrivacy({ [key]: input.checked }));
      el[name] = input;
      return h('label', { class: 'bysr-check' }, input, ` ${label}`);
    };
    el.file = h('input', { type: 'file', class: 'bysr-file', id: id('file'), accept: 'audio/*,video/webm,.wav,.mp3,.flac,.ogg,.opus,.m4a,.webm' });
    el.file.addEventListener('change', () => {
      const f = el.file.files && el.file.files[0];
      if (f) this.load({ file: f }).catch(() => {});
      el.file.value = '';
    });
    el.importFile = h('input', { type: 'file', class: 'bysr-import-file', id: id('import-file'), accept: '.json,application/json' });
    el.importFile.addEventListener('change', async () => {
      const f = el.importFile.files && el.importFile.files[0];
      el.importFile.value = '';
      if (f) {
        try {
          this.importReport(await f.text());
        } catch (err) {
          this.alert(`Could not import ${f.name}: ${errorText(err)}`);
        }
      }
    });
    el.play = h('button', { type: 'button', class: 'bysr-play', id: id('play'), 'aria-keyshortcuts': 'Space', text: '▶ Play', onclick: () => this.togglePlay() });
    el.record = h('button', { type: 'button', class: 'bysr-record', id: id('record'), text: '● Record', onclick: () => this.toggleRecord() });
    if (this.opts.record === false) el.record.hidden = true;
    el.time = h('span', { class: 'bysr-time', id: id('time'), 'aria-live': 'off', text: '0:00.0 / 0:00.0' });
    el.rate = h('select', { class: 'bysr-rate', id: id('rate'), 'aria-label': 'Playback rate' },
      ...[0.5, 0.75, 1, 1.25, 1.5, 2].map((r) => h('option', { value: r, selected: r === 1, text: `${r}×` })));
    el.rate.addEventListener('change', () => this.setPlaybackRate(Number(el.rate.value)));
    el.loop = h('input', { type: 'checkbox', class: 'bysr-loop', id: id('loop') });
    el.loop.addEventListener('change', () => this.setLoop(el.loop.checked));
    el.undo = h('button', { type: 'button', class: 'bysr-undo', id: id('undo'), text: '↶ Undo', disabled: true, onclick: () => this.undo() });
    el.reveal = h('button', { type: 'button', class: 'bysr-reveal', id: id('reveal'), text: 'Reveal selected', disabled: true, onclick: () => this.toggleReveal() });
    el.exportFormat = h('select', { class: 'bysr-export-format', id: id('export-format'), 'aria-label': 'Export format' },
      ...Object.entries(FORMATS).map(([k, [label]]) => h('option', { value: k, text: label })));
    el.exportButton = h('button', { type: 'button', class: 'bysr-export', id: id('export'), text: 'Export', onclick: () => this.download(el.exportFormat.value) });
    el.help = h('button', { type: 'button', class: 'bysr-help-button', 'aria-keyshortcuts': '?', text: '? Keys', onclick: () => this.toggleHelp() });

    el.toolbar = h('div', { class: 'bysr-toolbar', role: 'toolbar', 'aria-label': 'Reviewer' },
      h('div', { class: 'bysr-group' },
        h('label', { class: 'bysr-open' }, h('span', { text: 'Open audio…' }), el.file), el.record),
      h('div', { class: 'bysr-group' }, el.play, el.time,
        h('label', { class: 'bysr-check' }, 'Rate ', el.rate),
        h('label', { class: 'bysr-check' }, el.loop, ' Loop')),
      h('div', { class: 'bysr-group bysr-privacy', role: 'group', 'aria-label': 'Privacy' },
        check('mute-background', 'Mute background speech', true, 'mute'),
        check('skip-background', 'Skip background speech', false, 'skip'),
        check('strict-privacy', 'Strict privacy (mute overlaps too)', false, 'strict'),
        check('hide-background', 'Blur background on the spectrogram', true, 'hide'),
        el.reveal),
      h('div', { class: 'bysr-group' },
        h('button', { type: 'button', class: 'bysr-zoom-out', 'aria-label': 'Zoom out', text: '−', onclick: () => this.zoom(2) }),
        h('button', { type: 'button', class: 'bysr-zoom-in', 'aria-label': 'Zoom in', text: '+', onclick: () => this.zoom(0.5) }),
        h('button', { type: 'button', class: 'bysr-zoom-fit', text: 'Fit', onclick: () => this.fit() }),
        el.undo,
        el.exportFormat, el.exportButton,
        h('label', { class: 'bysr-open' }, h('span', { text: 'Import JSON…' }), el.importFile),
        el.help));

    el.progressBar = h('progress', { class: 'bysr-progress-bar', max: 1, value: 0 });
    el.progressText = h('span', { class: 'bysr-progress-text', 'aria-live': 'polite' });
    el.cancel = h('button', { type: 'button', class: 'bysr-cancel', id: id('cancel'), text: 'Cancel', onclick: () => this.cancel() });
    el.progress = h('div', { class: 'bysr-progress', id: id('progress'), hidden: true }, el.progressBar, el.progressText, el.cancel);
    el.alert = h('div', { class: 'bysr-alert', id: id('alert'), role: 'alert', hidden: true });
    el.warning = h('div', { class: 'bysr-warning bysr-none', id: id('overlap-warning'), role: 'status' });
    el.status = h('p', { class: 'bysr-status', id: id('status'), 'aria-live': 'polite', text: 'Loading the analyser…' });
    el.build = h('span', { class: 'bysr-build', id: id('build-info') });

    // Overview (waveform of the whole clip, the visible window, the playhead).
    el.overview = h('canvas', { class: 'bysr-overview', id: id('overview'), height: 48, 'aria-label': 'Waveform of the whole clip; click or drag to move the view' });
    el.window = h('div', { class: 'bysr-window' });
    el.overviewHead = h('div', { class: 'bysr-playhead' });
    el.overviewWrap = h('div', { class: 'bysr-overview-wrap' }, el.overview, el.window, el.overviewHead);

    el.timeAxis = h('div', { class: 'bysr-time-axis', id: id('time-axis'), 'aria-hidden': 'true' });
    el.freqAxis = h('div', { class: 'bysr-freq-axis', id: id('freq-axis'), 'aria-hidden': 'true' });
    el.canvas = h('canvas', { class: 'bysr-spectrogram', id: id('spectrogram'), width: 1, height: IMAGE_HEIGHT, role: 'img', 'aria-label': 'Spectrogram' });
    el.specHead = h('div', { class: 'bysr-playhead' });
    el.canvasWrap = h('div', { class: 'bysr-canvas-wrap' }, el.canvas, el.specHead);
    el.lanes = h('div', { class: 'bysr-lanes', id: id('lanes'), role: 'list', 'aria-label': 'Foreground and background speech' },
      el.laneCanvas = h('canvas', { class: 'bysr-lanes-canvas', 'aria-hidden': 'true' }),
      h('div', { class: 'bysr-lane', dataset: { lane: 'foreground' } }),
      h('div', { class: 'bysr-lane', dataset: { lane: 'background' } }),
      el.lanesHead = h('div', { class: 'bysr-playhead' }));
    el.tip = h('div', { class: 'bysr-tip', role: 'tooltip', id: id('segment-tip'), hidden: true });
    el.plot = h('div', { class: 'bysr-plot' },
      h('div', { class: 'bysr-freq-title', 'aria-hidden': 'true', text: 'kHz' }),
      el.freqAxis, el.canvasWrap, el.timeAxis,
      h('div', { class: 'bysr-lane-names', 'aria-hidden': 'true' }, h('span', { text: 'fg', title: 'foreground' }), h('span', { text: 'bg', title: 'background' })),
      el.lanes,
      h('p', { class: 'bysr-legend' },
        h('span', { class: 'bysr-swatch bysr-swatch-fg' }), 'foreground (device-directed) ',
        h('span', { class: 'bysr-swatch bysr-swatch-bg' }), 'background (other talkers, TV) ',
        h('span', { class: 'bysr-swatch bysr-swatch-ov' }), '⚠ background under foreground speech ',
        h('span', { class: 'bysr-swatch bysr-swatch-hidden' }), 'background hidden on the spectrogram'));

    const control = (label, input) => h('label', { class: 'bysr-setting' }, h('span', { text: label }), input);
    el.colormap = h('select', { class: 'bysr-colormap', id: id('colormap') },
      ...['viridis', 'magma', 'gray'].map((v) => h('option', { value: v, text: v })));
    el.scale = h('select', { class: 'bysr-scale', id: id('frequency-scale') },
      ...['linear', 'mel', 'log'].map((v) => h('option', { value: v, text: v })));
    el.range = h('input', { type: 'range', class: 'bysr-range', id: id('range-db'), min: 40, max: 120, step: 5, value: 80 });
    el.gain = h('input', { type: 'range', class: 'bysr-gain', id: id('gain-db'), min: -20, max: 60, step: 1, value: 20 });
    el.rangeOut = h('output', { text: '80 dB' });
    el.gainOut = h('output', { text: '20 dB' });
    for (const c of [el.colormap, el.scale, el.range, el.gain]) {
      c.addEventListener(c.tagName === 'SELECT' ? 'change' : 'input', () => this.readDisplay());
    }
    el.settings = h('div', { class: 'bysr-settings', role: 'group', 'aria-label': 'Spectrogram settings' },
      control('Colour map', el.colormap), control('Frequency scale', el.scale),
      h('label', { class: 'bysr-setting' }, h('span', {}, 'Range ', el.rangeOut), el.range),
      h('label', { class: 'bysr-setting' }, h('span', {}, 'Gain ', el.gainOut), el.gain));

    el.helpList = h('dl', { class: 'bysr-keys' }, ...SHORTCUTS.flatMap(([k, d]) => [h('dt', { text: k }), h('dd', { text: d })]));
    el.helpDialog = h('div', { class: 'bysr-help', id: id('help'), role: 'dialog', 'aria-modal': 'false', 'aria-label': 'Keyboard shortcuts', hidden: true },
      h('div', { class: 'bysr-help-card' }, h('h3', { text: 'Keyboard shortcuts' }), el.helpList,
        h('p', { class: 'bysr-help-note', text: 'Drag the ends of a segment to move them. Nothing you do here leaves this page.' }),
        h('button', { type: 'button', text: 'Close', onclick: () => this.toggleHelp(false) })));

    el.drop = h('div', { class: 'bysr-drop', 'aria-hidden': 'true' }, h('p', { text: 'Drop an audio file to analyse it' }));
    el.caption = h('p', { class: 'bysr-caption', id: id('caption') });
    this.root.classList.add('bysr');
    if (!this.root.hasAttribute('tabindex')) this.root.tabIndex = -1;
    // The progress bar sits over the status line and the overlap warning keeps its line:
    // showing or hiding them never moves the views (no relayout of the whole component).
    this.root.replaceChildren(el.toolbar, el.alert,
      h('div', { class: 'bysr-head' }, el.status, el.build, el.progress), el.warning,
      el.overviewWrap, el.plot, el.caption, el.settings, el.helpDialog, el.tip, el.drop);
    this.wire();
  }

  listen(target, type, fn, opts) {
    target.addEventListener(type, fn, opts);
    this.cleanups.push(() => target.removeEventListener(type, fn, opts));
  }

  wire() {
    const el = this.el;
    const keyTarget = this.opts.keyboard ?? this.root;
    this.listen(keyTarget, 'keydown', (e) => this.onKey(e));

    // Drag and drop anywhere on the component (the page passes its window as dropTarget).
    const dropTarget = this.opts.dropTarget ?? this.root;
    let depth = 0;
    const hasFiles = (e) => e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');
    this.listen(dropTarget, 'dragenter', (e) => { if (hasFiles(e)) { e.preventDefault(); depth++; this.root.classList.add('bysr-dragging'); } });
    this.listen(dropTarget, 'dragover', (e) => { if (hasFiles(e)) { e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; } });
    this.listen(dropTarget, 'dragleave', () => { depth = Math.max(0, depth - 1); if (!depth) this.root.classList.remove('bysr-dragging'); });
    this.listen(dropTarget, 'drop', (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      this.root.classList.remove('bysr-dragging');
      const f = e.dataTransfer.files[0];
      if (f) this.load({ file: f }).catch(() => {});
    });

    // Spectrogram: click seeks (and selects the segment there); Ctrl+wheel zooms, Shift+wheel
    // or a horizontal wheel scrolls.
    el.canvasWrap.addEventListener('click', (e) => {
      if (!this.clip) return;
      const t = this.timeAtX(e.clientX, el.canvasWrap);
      this.select(this.segmentAt(t), false);
      this.seek(t);
    });
    el.canvasWrap.addEventListener('wheel', (e) => {
      if (!this.clip) return;
      if (e.ctrlKey || e.metaKey) {
        e.preventDefault();
        this.zoom(Math.exp(e.deltaY * 0.002), this.timeAtX(e.clientX, el.canvasWrap));
      } else if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
        e.preventDefault();
        const d = (e.shiftKey ? e.deltaY : e.deltaX) / el.canvasWrap.clientWidth;
        this.setView(this.view.start + d * this.view.span, this.view.span);
      }
    }, { passive: false });

    // Overview: click or drag moves the visible window.
    let dragging = false;
    const moveTo = (e) => {
      const r = el.overview.getBoundingClientRect();
      const t = ((e.clientX - r.left) / r.width) * this.clip.duration;
      this.setView(t - this.view.span / 2, this.view.span);
    };
    el.overviewWrap.addEventListener('pointerdown', (e) => {
      if (!this.clip) return;
      dragging = true;
      el.overviewWrap.setPointerCapture(e.pointerId);
      moveTo(e);
    });
    el.overviewWrap.addEventListener('pointermove', (e) => { if (dragging) moveTo(e); });
    el.overviewWrap.addEventListener('pointerup', () => { dragging = false; });

    // Lanes: segment hover/focus tooltips, click selects, handles drag the edges.
    el.lanes.addEventListener('pointerover', (e) => { const s = this.segOf(e.target); if (s) this.showTip(s, e.target); });
    el.lanes.addEventListener('pointerout', (e) => { if (this.segOf(e.target) && document.activeElement !== e.target) this.hideTip(); });
    el.lanes.addEventListener('focusin', (e) => { const s = this.segOf(e.target); if (s) this.showTip(s, e.target.closest('.segment')); });
    el.lanes.addEventListener('focusout', () => this.hideTip());
    el.lanes.addEventListener('click', (e) => {
      if (this.clip && el.lanes.classList.contains('bysr-dense')) {
        const t = this.timeAtX(e.clientX, el.lanes);
        this.select(this.segmentAt(t), false);
        this.seek(t);
        return;
      }
      const s = this.segOf(e.target);
      if (s && !e.target.classList.contains('handle')) {
        this.select(s, false);
        this.seek(s.start);
      }
    });
    el.lanes.addEventListener('pointerdown', (e) => this.startEdgeDrag(e));

    // Sizes are read here (layout is clean in a ResizeObserver callback) and kept, so that
    // drawing never forces a synchronous layout.
    this.size = { canvas: [1, 1], overview: [1, 1], lanes: [1, 1] };
    this.resizeObserver = new ResizeObserver((entries) => {
      for (const e of entries) {
        const box = [e.target.clientWidth, e.target.clientHeight];
        if (e.target === el.canvasWrap) this.size.canvas = box;
        else if (e.target === el.overview) this.size.overview = box;
        else if (e.target === el.lanes) this.size.lanes = box;
      }
      this.layout();
    });
    this.resizeObserver.observe(el.canvasWrap);
    this.resizeObserver.observe(el.overview);
    this.resizeObserver.observe(el.lanes);
  }

  // -------------------------------------------------------------------------------------
  // State, events, messages

  setState(state) {
    this.state = state;
    this.root.dataset.state = state;
    if (this.opts.stateTarget) this.opts.stateTarget.dataset.state = state;
    this.emit('state', state);
  }

  emit(type, data) {
    for (const fn of this.listeners[type] ?? []) {
      try {
        fn(data);
      } catch (err) {
        console.error(err);
      }
    }
  }

  changed(reason) {
    this.el.undo.disabled = !this.undoStack.length;
    this.applyPrivacy();
    if (this.listeners.change.length) this.emit('change', { reason, segments: this.segments() });
  }

  segments() {
    return this.clip ? this.clip.segments.map((s) => ({ ...s, cues: s.cues ? { ...s.cues } : null })) : [];
  }

  alert(message) {
    this.el.alert.textContent = message;
    this.el.alert.hidden = false;
    this.emit('error', message);
  }

  clearAlert() {
    this.el.alert.hidden = true;
    this.el.alert.textContent = '';
  }

  fail(message) {
    this.alert(message);
    this.el.status.textContent = this.clip ? 'Error — still showing the previous clip' : 'Error';
    this.setState('error');
    if (this.workerFailed) this.workerFailed(new Error(message));
  }

  onWorker(msg) {
    if (msg.t === 'ready') {
      this.workerReady(msg);
      return;
    }
    if (msg.t === 'tile') {
      this.tileArrived(msg);
      return;
    }
    if (msg.t === 'error' && msg.request === 'tile') {
      this.tilePending.delete(msg.key);
      console.warn('tile failed:', msg.message);
      return;
    }
    if (msg.t === 'live') {
      this.liveArrived(msg);
      return;
    }
    if (msg.t === 'overview') {
      if (this.overviewBitmap) this.overviewBitmap.bitmap.close();
      this.overviewBitmap = { clip: msg.id, bitmap: msg.bitmap };
      this.overviewPending = null;
      if (this.clip && this.clip.id === msg.id) this.scheduleRender('overview');
      return;
    }
    if (msg.t === 'freed') {
      if (this.freed) this.freed();
      return;
    }
    const job = this.job;
    if (job && msg.id === job.id) job.onmessage(msg);
  }

  // -------------------------------------------------------------------------------------
  // Loading and analysis

  /**
   * Loads and analyses a clip: { file } (File/Blob), { url }, or { audio: Float32Array |
   * Float32Array[] (one per channel), sampleRate }. Resolves when the analysis is complete
   * ({ duration, segments }); rejects when it fails or is cancelled.
   */
  async load(src) {
    await this.ready;
    if (this.recording) await this.stopRecord();
    const name = src.name ?? (src.file && src.file.name) ?? (src.url ? src.url.split('/').pop() : 'audio');
    if (this.job) this.cancel();
    const job = { id: ++this.seq, name, source: src.source ?? (src.url ? 'url' : src.file ? 'file' : 'audio'), t0: performance.now(), cancelled: false };
    this.job = job;
    this.player.pause();
    this.updatePlayButton();
    this.clearAlert();
    this.setState('analysing');
    this.showProgress(job, 0, 1);
    this.el.status.textContent = `Reading ${name}…`;
    const done = new Promise((resolve, reject) => { job.resolve = resolve; job.reject = reject; });
    job.onmessage = (msg) => this.jobMessage(job, msg);
    try {
      if (src.url) {
        const res = await fetch(src.url);
        if (!res.ok) throw new Error(`HTTP ${res.status} for ${src.url}`);
        job.file = await res.blob();
        if (this.job !== job) return done;
        this.worker.postMessage({ t: 'open', id: job.id, file: job.file });
      } else if (src.file) {
        job.file = src.file;
        this.worker.postMessage({ t: 'open', id: job.id, file: src.file });
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

  jobMessage(job, msg) {
    switch (msg.t) {
      case 'begin':
        job.buffer = new AudioBuffer({ numberOfChannels: msg.channels, length: msg.length, sampleRate: msg.sampleRate });
        job.format = msg.live ? 'recording' : msg.format;
        job.decoder = msg.live ? null : msg.decoder ?? 'bystander';
        break;
      case 'pcm':
        // Into the playback buffer in small slices (a 1 Mi-frame copy can take 30-130 ms).
        job.copying = (job.copying ?? Promise.resolve()).then(async () => {
          for (let c = 0; c < msg.channels.length; c++) {
            if (this.job !== job) break;
            await copyInSlices(job.buffer, msg.channels[c], c, msg.offset);
          }
          // The buffers go back to the worker for the next chunks (no garbage here).
          const buffers = msg.channels.map((x) => x.buffer);
          if (this.worker) this.worker.postMessage({ t: 'recycle', buffers }, buffers);
        });
        this.showProgress(job, msg.done, msg.total);
        break;
      case 'progress':
        this.showProgress(job, msg.done, msg.total);
        job.acked = (job.acked ?? 0) + 1;
        if (job.ack) job.ack();
        break;
      case 'not-wav':
        this.decode(job).catch((err) => this.jobFailed(job, `Could not decode ${job.name}: ${errorText(err)}`));
        break;
      case 'segments':
        (job.segments ??= []).push(...msg.segments);
        break;
      case 'report':
        msg.report.segments = job.segments ?? [];
        // In a task of its own (receiving a long clip's report is already some work).
        (job.copying ?? Promise.resolve()).then(() => setTimeout(() => this.jobDone(job, msg), 0));
        break;
      case 'error':
        this.jobFailed(job, `Could not analyse ${job.name}: ${msg.message}`);
        break;
      default:
    }
  }

  /** The browser's decoder, at the file's own sample rate when it can be told. */
  async decode(job) {
    this.el.status.textContent = `Decoding ${job.name}…`;
    const bytes = await job.file.arrayBuffer();
    if (this.job !== job) return;
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
    if (this.job !== job) return;
    if (!buffer.length) throw new Error('the file contains no audio samples');
    job.format = sniff.container;
    job.decoder = 'browser';
    this.feed(job, buffer);
  }

  /** Sends a decoded clip to the worker in chunks, at most two in flight (cancel stays quick). */
  async feed(job, buffer) {
    job.buffer = buffer;
    const { numberOfChannels: channels, length, sampleRate } = buffer;
    this.worker.postMessage({ t: 'begin', id: job.id, sampleRate, channels, length });
    let sent = 0;
    job.acked = 0;
    for (let off = 0; off < length; off += CHUNK) {
      if (this.job !== job) return;
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
      if (this.job !== job) return;
      this.worker.postMessage({ t: 'chunk', id: job.id, channels: parts }, parts.map((p) => p.buffer));
      sent++;
      while (sent - job.acked >= 2 && this.job === job) {
        await new Promise((resolve) => { job.ack = resolve; });
      }
    }
    if (this.job === job) this.worker.postMessage({ t: 'end', id: job.id });
  }

  showProgress(job, done, total) {
    const el = this.el;
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

  jobDone(job, msg) {
    if (this.job !== job) return;
    this.job = null;
    this.el.progress.hidden = true;
    this.worker.postMessage({ t: 'adopt', id: job.id });
    const report = msg.report;
    const buffer = job.buffer;
    this.clip = {
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
    this.undoStack = [];
    this.redoStack = [];
    this.selected = null;
    this.revealed.clear();
    this.clearTiles();
    this.player.setBuffer(buffer, this.clip.length);
    this.player.setLoop(false);
    this.view = { start: 0, span: this.clip.duration };
    this.el.loop.checked = false;
    this.layout();
    // The automation hook's contract: at 'ready' the lane elements are in the DOM. A short
    // clip's lanes are drawn now; a long clip's (more than DENSE segments, canvas-painted)
    // by the next render step, to keep this task short.
    if (this.clip.segments.length <= DENSE) {
      this.renderLanes(this.clip.segments, this.view);
      this.dirty.delete('lanes');
    }
    this.changed('analysis'); // the privacy policy reaches the player before 'ready'
    this.el.status.textContent = `${job.name}: analysed.`;
    this.setState('ready');
    setTimeout(() => { if (this.clip && this.clip.id === job.id) this.updateText(); }, 0);
    // Resolved in a task of its own (a copy of thousands of segments for a long clip).
    setTimeout(() => job.resolve({ duration: this.clip ? this.clip.duration : 0, segments: this.segments() }), 0);
  }

  jobFailed(job, message) {
    if (job.cancelled) return;
    if (this.job === job) {
      this.job = null;
      this.worker.postMessage({ t: 'cancel', id: job.id });
    }
    this.el.progress.hidden = true;
    this.fail(message);
    job.reject(new Error(message));
  }

  /** Stops the current analysis; the previous clip (if any) stays. */
  cancel() {
    const job = this.job;
    if (!job) return;
    job.cancelled = true;
    this.job = null;
    this.worker.postMessage({ t: 'cancel', id: job.id });
    if (job.ack) job.ack();
    this.el.progress.hidden = true;
    this.el.status.textContent = `Cancelled ${job.name}.${this.clip ? ' Showing the previous clip.' : ''}`;
    this.setState(this.clip ? 'ready' : 'idle');
    job.reject(Object.assign(new Error('cancelled'), { name: 'AbortError' }));
  }

  // -------------------------------------------------------------------------------------
  // Live capture

  async toggleRecord() {
    if (this.recording) await this.stopRecord();
    else await this.startRecord();
  }

  async startRecord() {
    await this.ready;
    if (this.job) this.cancel();
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
    } catch (err) {
      this.alert(`The microphone is not available: ${errorText(err)}`);
      return;
    }
    this.player.pause();
    await this.audio.resume();
    const id = ++this.seq;
    const source = this.audio.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(this.audio, 'bystander-capture', { numberOfInputs: 1, numberOfOutputs: 1, channelCount: 1, channelCountMode: 'explicit' });
    source.connect(node).connect(this.audio.destination);
    const channel = new MessageChannel();
    this.worker.postMessage({ t: 'live-start', id, sampleRate: this.audio.sampleRate, port: channel.port1 }, [channel.port1]);
    node.port.postMessage({ port: channel.port2 }, [channel.port2]);
    this.recording = { id, stream, source, node, segments: [], position: 0, t0: performance.now() };
    this.liveDelays = [];
    this.clearAlert();
    this.el.record.textContent = '■ Stop';
    this.el.record.classList.add('bysr-recording');
    this.el.status.textContent = 'Recording: provisional labels appear as each stretch of speech ends.';
    this.setState('recording');
    this.el.warning.classList.add('bysr-none');
    this.el.warning.textContent = 'Labels while recording are provisional: the recording is analysed as a whole when you stop.';
    this.el.caption.textContent = '';
    this.el.overview.getContext('2d').clearRect(0, 0, this.el.overview.width, this.el.overview.height);
    this.el.timeAxis.replaceChildren();
    this.renderLive();
  }

  liveArrived(msg) {
    const rec = this.recording;
    if (!rec || msg.id !== rec.id) return;
    rec.position = msg.position;
    if (msg.segments.length) {
      rec.segments.push(...msg.segments);
      this.renderLive();
      const shown = performance.timeOrigin + performance.now();
      const transit = shown - msg.sentAt; // worker -> page, drawn
      msg.segments.forEach((s, k) => {
        // Audio time from the end of the speech segment (and of the labelled run) to the
        // push that closed it, plus the message and DOM time.
        const speechEnd = msg.speechEnds[k] ?? s.end;
        this.liveDelays.push({
          start: s.start, end: s.end, label: s.label, speechEnd,
          delayMs: 1000 * (msg.position - speechEnd) + transit,
          runDelayMs: 1000 * (msg.position - s.end) + transit,
        });
      });
    } else this.renderLive();
  }

  /** The last 20 s while recording: lanes with provisional labels, a live spectrogram. */
  renderLive() {
    const rec = this.recording;
    const span = 20;
    this.view = { start: Math.max(0, rec.position - span), span };
    this.el.time.textContent = `● ${fmtTime(rec.position)}`;
    this.renderLanes(rec.segments, this.view);
    const now = performance.now();
    if (!this.tilePending.has('live') && now - (rec.lastTile ?? 0) > 200 && rec.position > 0.1) {
      rec.lastTile = now;
      const rate = this.audio.sampleRate;
      const hop = Math.round(rate / 100);
      const first = Math.floor((this.view.start * rate) / hop);
      const count = Math.max(1, Math.floor((rec.position * rate) / hop) - first);
      const d = this.display;
      this.tilePending.add('live');
      this.worker.postMessage({
        t: 'tile', id: rec.id, key: 'live', first, count, hop, nFft: 2 * Math.round(rate * 0.016),
        options: { colormap: d.colormap, frequencyScale: d.frequencyScale, rangeDb: d.rangeDb, gainDb: d.gainDb, height: IMAGE_HEIGHT, fMax: Math.min(F_MAX, rate / 2) },
      });
      rec.tileView = { first, hop, rate };
    }
  }

  drawLiveTile(msg) {
    const rec = this.recording;
    if (!rec || !rec.tileView) {
      msg.bitmap.close();
      return;
    }
    const canvas = this.el.canvas;
    const g = canvas.getContext('2d');
    g.fillStyle = '#000';
    g.fillRect(0, 0, canvas.width, canvas.height);
    const { first, hop, rate } = rec.tileView;
    const spp = this.view.span / canvas.width;
    const colSec = hop / rate;
    g.drawImage(msg.bitmap, ((first - 0.5) * colSec - this.view.start) / spp, 0, (msg.width * colSec) / spp, canvas.height);
    msg.bitmap.close();
  }

  async stopRecord() {
    const rec = this.recording;
    if (!rec) return;
    this.recording = null;
    rec.node.port.postMessage({ stop: true });
    rec.source.disconnect();
    rec.node.disconnect();
    for (const track of rec.stream.getTracks()) track.stop();
    this.el.record.textContent = '● Record';
    this.el.record.classList.remove('bysr-recording');
    const job = { id: rec.id, name: `recording ${new Date().toLocaleTimeString()}`, source: 'recording', t0: performance.now(), cancelled: false };
    this.job = job;
    const done = new Promise((resolve, reject) => { job.resolve = resolve; job.reject = reject; });
    job.onmessage = (m) => this.jobMessage(job, m);
    this.setState('analysing');
    this.worker.postMessage({ t: 'live-stop', id: rec.id });
    return done.catch(() => {});
  }

  // -------------------------------------------------------------------------------------
  // Views

  layout() {
    const el = this.el;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(this.size.canvas[0] * dpr));
    const hgt = Math.max(1, Math.round(this.size.canvas[1] * dpr));
    if (el.canvas.width !== w || el.canvas.height !== hgt) {
      el.canvas.width = w;
      el.canvas.height = hgt;
    }
    const ow = Math.max(1, Math.round(this.size.overview[0] * dpr));
    const oh = Math.max(1, Math.round(this.size.overview[1] * dpr));
    if (el.overview.width !== ow || el.overview.height !== oh) {
      el.overview.width = ow;
      el.overview.height = oh;
    }
    this.scheduleRender();
  }

  /**
   * Redraws the dirty parts ('spec', 'axes', 'lanes', 'overview', in that order) in
   * animation frames, moving on to the next frame once a frame has spent 4 ms, so that a
   * big redraw (a long clip's first view) is spread over several short tasks.
   */
  renderStep() {
    this.renderPending = false;
    if (this.destroyed || !this.clip || this.recording) {
      this.dirty.clear();
      return;
    }
    const t0 = performance.now();
    for (const part of ['spec', 'axes', 'lanes', 'overview']) {
      if (!this.dirty.has(part)) continue;
      if (performance.now() - t0 > 4) break;
      this.dirty.delete(part);
      if (part === 'spec') this.drawSpectrogram();
      else if (part === 'overview') this.drawOverview();
      else if (part === 'axes') {
        this.placeWindow();
        this.drawTimeAxis();
        this.drawFreqAxis();
      } else this.renderLanes(this.clip.segments, this.view);
    }
    this.updatePlayhead();
    if (this.dirty.size) this.scheduleRender(...this.dirty);
  }

  /** Marks parts dirty (default: all) and redraws them from the next animation frame. */
  scheduleRender(...parts) {
    for (const p of parts.length ? parts : ALL) this.dirty.add(p);
    if (this.renderPending) return;
    this.renderPending = true;
    requestAnimationFrame(() => this.renderStep());
  }

  setView(start, span) {
    if (!this.clip) return;
    const d = this.clip.duration;
    span = Math.min(d, Math.max(Math.min(MIN_SPAN, d), span));
    start = Math.min(d - span, Math.max(0, start));
    this.view = { start, span };
    this.scheduleRender('spec', 'axes', 'lanes');
  }

  zoom(factor, around = null) {
    if (!this.clip) return;
    const c = around ?? (this.player.playing ? this.player.position : this.view.start + this.view.span / 2);
    const span = this.view.span * factor;
    const rel = (c - this.view.start) / this.view.span;
    this.setView(c - rel * span, span);
  }

  fit() {
    if (this.clip) this.setView(0, this.clip.duration);
  }

  timeAtX(clientX, box) {
    const r = box.getBoundingClientRect();
    return this.view.start + ((clientX - r.left) / r.width) * this.view.span;
  }

  settingsKey() {
    const d = this.display;
    return `${d.colormap}/${d.frequencyScale}/${d.rangeDb}/${d.gainDb}`;
  }

  clearTiles() {
    for (const t of this.tiles.values()) t.bitmap.close();
    this.tiles.clear();
    this.tilePending.clear();
  }

  /** Level k draws columns every hop * 2^k samples: the finest with >= 1 device pixel per column. */
  level() {
    const c = this.clip;
    const spp = this.view.span / this.el.canvas.width;
    let k = 0;
    while ((c.hop * 2 ** k) / c.sampleRate < spp * 0.999 && k < 24) k++;
    return k;
  }

  tileKey(k, t) {
    return `${this.clip.id}:${this.settingsKey()}:${k}:${t}`;
  }

  requestTile(k, t) {
    const c = this.clip;
    const key = this.tileKey(k, t);
    if (this.tiles.has(key) || this.tilePending.has(key)) return;
    const hop = c.hop * 2 ** k;
    const columns = 1 + Math.floor(c.length / hop);
    const first = t * TILE;
    const count = Math.min(TILE, columns - first);
    if (count <= 0) return;
    this.tilePending.add(key);
    const d = this.display;
    const options = {
      colormap: d.colormap, frequencyScale: d.frequencyScale, rangeDb: d.rangeDb, gainDb: d.gainDb,
      height: IMAGE_HEIGHT, fMax: Math.min(F_MAX, c.sampleRate / 2),
    };
    this.worker.postMessage({ t: 'tile', id: c.id, key, first, count, hop, nFft: c.nFft, options });
  }

  tileArrived(msg) {
    if (msg.key === 'live') {
      this.tilePending.delete('live');
      this.drawLiveTile(msg);
      return;
    }
    if (!this.tilePending.delete(msg.key) || !this.clip) {
      msg.bitmap.close();
      return;
    }
    this.tiles.set(msg.key, { bitmap: msg.bitmap, width: msg.width });
    while (this.tiles.size > MAX_TILES) {
      const [oldest, t] = this.tiles.entries().next().value;
      t.bitmap.close();
      this.tiles.delete(oldest);
    }
    this.tileCount = (this.tileCount ?? 0) + 1;
    this.scheduleRender('spec');
  }

  drawSpectrogram() {
    const c = this.clip;
    const canvas = this.el.canvas;
    const W = canvas.width;
    const H = canvas.height;
    if (!this.compose || this.compose.width !== W || this.compose.height !== H) {
      this.compose = new OffscreenCanvas(W, H);
    }
    const g = this.compose.getContext('2d');
    g.fillStyle = '#000';
    g.fillRect(0, 0, W, H);
    g.imageSmoothingEnabled = true;
    const spp = this.view.span / W;
    const k = this.level();
    const drawLevel = (lv, request) => {
      const colSec = (c.hop * 2 ** lv) / c.sampleRate;
      const first = Math.max(0, Math.floor((this.view.start / colSec - 0.5) / TILE));
      const last = Math.floor(((this.view.start + this.view.span) / colSec + 0.5) / TILE);
      let missing = 0;
      for (let t = first; t <= last; t++) {
        const tile = this.tiles.get(this.tileKey(lv, t));
        if (!tile) {
          missing++;
          if (request) this.requestTile(lv, t);
          continue;
        }
        const x = ((t * TILE - 0.5) * colSec - this.view.start) / spp;
        g.drawImage(tile.bitmap, x, 0, (tile.width * colSec) / spp, H);
      }
      return missing;
    };
    // Coarser levels first as placeholders while the finer tiles are computed.
    const missing = drawLevel(k, false);
    if (missing) {
      for (let lv = Math.min(k + 3, 24); lv > k; lv--) drawLevel(lv, false);
      drawLevel(k, true);
    }
    this.tilesMissing = missing;
    this.lastLevel = k;

    const out = canvas.getContext('2d');
    out.drawImage(this.compose, 0, 0);
    // Privacy: background regions blurred, dimmed and hatched unless revealed. The blurred
    // image is made once per draw; the hidden spans (merged when closer than a pixel) take
    // their pixels from it.
    if (this.privacy.hide) {
      const spans = [];
      for (const s of c.segments) {
        if (s.end < this.view.start || s.start > this.view.start + this.view.span || !this.isHidden(s)) continue;
        const x0 = Math.max(0, Math.floor((s.start - this.view.start) / spp));
        const x1 = Math.min(W, Math.ceil((s.end - this.view.start) / spp));
        const last = spans[spans.length - 1];
        if (last && x0 - last[1] <= 1) last[1] = Math.max(last[1], x1);
        else if (x1 > x0) spans.push([x0, x1]);
      }
      if (spans.length) {
        // A cheap blur (software canvases make filter: blur() slow): the image shrunk to
        // 1/10 and dimmed, drawn back enlarged through a clip path of all the spans, then a
        // hatch pattern over them.
        const sw = Math.max(1, Math.round(W / 10));
        const sh = Math.max(1, Math.round(H / 10));
        if (!this.small || this.small.width !== sw || this.small.height !== sh) this.small = new OffscreenCanvas(sw, sh);
        const sm = this.small.getContext('2d');
        sm.imageSmoothingEnabled = true;
        sm.imageSmoothingQuality = 'medium';
        sm.drawImage(this.compose, 0, 0, sw, sh);
        sm.fillStyle = 'rgba(30, 30, 34, 0.55)';
        sm.fillRect(0, 0, sw, sh);
        if (!this.hatch) {
          const t = new OffscreenCanvas(12, 12);
          const tg = t.getContext('2d');
          tg.strokeStyle = 'rgba(230, 159, 0, 0.55)';
          tg.lineWidth = 1.5;
          tg.beginPath();
          tg.moveTo(-1, 13);
          tg.lineTo(13, -1);
          tg.stroke();
          this.hatch = out.createPattern(t, 'repeat');
        }
        out.save();
        out.beginPath();
        for (const [x0, x1] of spans) out.rect(x0, 0, x1 - x0, H);
        out.clip();
        out.imageSmoothingEnabled = true;
        out.imageSmoothingQuality = 'low';
        out.drawImage(this.small, 0, 0, W, H);
        out.fillStyle = this.hatch;
        out.fillRect(0, 0, W, H);
        out.restore();
        out.font = `${Math.round(12 * (window.devicePixelRatio || 1))}px system-ui, sans-serif`;
        out.textAlign = 'center';
        out.fillStyle = 'rgba(255, 255, 255, 0.9)';
        for (const [x0, x1] of spans) {
          if (x1 - x0 > 90) out.fillText('background hidden', (x0 + x1) / 2, H / 2);
        }
      }
      this.hiddenSpans = spans.length;
    }
  }

  isHidden(s) {
    if (this.revealed.has(s)) return false;
    return s.label === 'background' || (this.privacy.strict && s.label === 'foreground' && s.overlap);
  }

  drawOverview() {
    const c = this.clip;
    const canvas = this.el.overview;
    const W = canvas.width;
    const H = canvas.height;
    const g = canvas.getContext('2d');
    g.clearRect(0, 0, W, H);
    const laneH = Math.max(3, Math.round(H * 0.16));
    const waveH = H - laneH - 1;
    // Segments as a strip along the bottom (one path per label: two fills in all).
    for (const [label, colour] of [['foreground', '#0072b2'], ['background', '#e69f00']]) {
      g.beginPath();
      for (const s of c.segments) {
        if (s.label === label) g.rect((s.start / c.duration) * W, H - laneH, Math.max(1, ((s.end - s.start) / c.duration) * W), laneH);
      }
      g.fillStyle = colour;
      g.fill();
    }
    // Waveform: drawn by the worker from its peaks at this size (an ImageBitmap, requested
    // here and drawn when it arrives).
    const ov = this.overviewBitmap;
    if (ov && ov.clip === c.id && ov.bitmap.width === W && ov.bitmap.height === waveH) {
      g.drawImage(ov.bitmap, 0, 0);
    } else if (this.overviewPending !== `${c.id}:${W}x${waveH}`) {
      this.overviewPending = `${c.id}:${W}x${waveH}`;
      this.worker.postMessage({ t: 'overview', id: c.id, width: W, height: waveH });
    }
  }

  placeWindow() {
    const c = this.clip;
    const win = this.el.window;
    win.style.left = `${(100 * this.view.start) / c.duration}%`;
    win.style.width = `${(100 * this.view.span) / c.duration}%`;
  }

  drawTimeAxis() {
    const axis = this.el.timeAxis;
    axis.replaceChildren();
    const { start, span } = this.view;
    const widthPx = this.size.canvas[0] || 800;
    const step = TIME_STEPS.find((s) => (s / span) * widthPx >= 64) ?? TIME_STEPS[TIME_STEPS.length - 1];
    const decimals = step >= 1 ? 0 : Number.isInteger(Math.round(step * 1e6) / 1e5) ? 1 : 2;
    const long = this.clip.duration >= 60;
    for (let k = Math.ceil(start / step - 1e-9); k * step <= start + span + 1e-9; k++) {
      const t = k * step;
      const tick = h('span', { class: 'tick' });
      tick.style.left = `${(100 * (t - start)) / span}%`;
      const label = long ? fmtTime(t, decimals) : t.toFixed(decimals);
      tick.textContent = Math.abs(t - start) < 1e-9 && !long ? `${label} s` : label;
      if (t - start < step * 0.3) tick.classList.add('first');
      else if (start + span - t < step * 0.3) tick.classList.add('last');
      axis.append(tick);
    }
  }

  drawFreqAxis() {
    const scale = SCALES[this.display.frequencyScale];
    const fMax = Math.min(F_MAX, this.clip.sampleRate / 2);
    const lo = scale.fwd(scale.fMin);
    const hi = scale.fwd(fMax);
    this.el.freqAxis.replaceChildren();
    for (const khz of scale.ticks) {
      const hz = khz * 1000;
      if (hz < scale.fMin || hz > fMax + 1e-6) continue;
      const frac = (scale.fwd(hz) - lo) / (hi - lo);
      const tick = h('span', { class: 'tick', text: String(khz) });
      tick.style.top = `${((1 - frac) * 100).toFixed(3)}%`;
      if (frac < 0.02) tick.classList.add('edge-bottom');
      if (frac > 0.98) tick.classList.add('edge-top');
      this.el.freqAxis.append(tick);
    }
  }

  /**
   * One element per segment in the visible range, in the lane of its label: data-label,
   * data-start, data-end (seconds), data-index, data-confidence (and data-overlap). Up to
   * DENSE segments in view, these elements are what is drawn (focusable, with drag handles).
   * Zoomed out further (a long clip), the lanes are painted on a canvas and the elements,
   * with the same attributes, stay in the lanes undisplayed (built in ~4 ms slices): a few
   * thousand displayed boxes would cost the page 100+ ms of style, layout and paint.
   */
  renderLanes(segments, view) {
    if (this.dragging) return;
    const lanes = {};
    for (const lane of this.el.lanes.querySelectorAll('.bysr-lane')) lanes[lane.dataset.lane] = lane;
    const { start, span } = view;
    const visible = [];
    for (let i = 0; i < segments.length; i++) {
      const s = segments[i];
      if (s.end >= start && s.start <= start + span) visible.push(i);
    }
    const gen = (this.laneGen = (this.laneGen ?? 0) + 1);
    const dense = visible.length > DENSE;
    const fresh = dense ? lanes : { foreground: document.createDocumentFragment(), background: document.createDocumentFragment() };
    const make = (i) => {
      const s = segments[i];
      const d = document.createElement('div');
      d.className = `segment${s.label === 'foreground' && s.overlap ? ' overlap' : ''}${s === this.selected ? ' current' : ''}${s.edited ? ' edited' : ''}${this.revealed.has(s) ? ' revealed' : ''}`;
      d.setAttribute('role', 'listitem');
      if (!dense) d.tabIndex = 0;
      d.dataset.label = s.label;
      d.dataset.start = s.start.toFixed(3);
      d.dataset.end = s.end.toFixed(3);
      d.dataset.index = String(i);
      d.dataset.confidence = s.confidence.toFixed(3);
      if (s.overlap && s.label === 'foreground') d.dataset.overlap = 'true';
      d.style.left = `${(100 * (s.start - start)) / span}%`;
      d.style.width = `${(100 * (s.end - s.start)) / span}%`;
      d.setAttribute('aria-label', segmentText(s));
      if (!this.recording && !dense) {
        d.append(h('span', { class: 'handle handle-start', 'aria-hidden': 'true' }), h('span', { class: 'handle handle-end', 'aria-hidden': 'true' }));
      }
      fresh[s.label].append(d);
    };
    this.el.lanes.classList.toggle('bysr-dense', dense);
    if (!dense) {
      for (const i of visible) make(i);
      const active = document.activeElement;
      const focused = active && this.el.lanes.contains(active) && active.classList.contains('segment') ? active.dataset.index : null;
      lanes.foreground.replaceChildren(fresh.foreground);
      lanes.background.replaceChildren(fresh.background);
      if (focused != null) {
        // Keep the keyboard focus on the same segment (or on the component).
        const again = this.el.lanes.querySelector(`.segment[data-index="${focused}"]`);
        (again ?? this.root).focus({ preventScroll: true });
      }
      return;
    }
    lanes.foreground.replaceChildren();
    lanes.background.replaceChildren();
    setTimeout(() => { if (gen === this.laneGen) this.drawLaneCanvas(segments, visible, view); }, 0);
    // The undisplayed elements are built when the page is idle, a few ms at a time.
    let at = 0;
    const idle = globalThis.requestIdleCallback ? (f) => requestIdleCallback(f, { timeout: 1000 }) : (f) => setTimeout(f, 0);
    const step = () => {
      if (gen !== this.laneGen) return;
      const t0 = performance.now();
      while (at < visible.length && (performance.now() - t0 < 4 || at % 25)) make(visible[at++]);
      if (at < visible.length) idle(step);
      else this.lanesBuilt = gen;
    };
    idle(step);
  }

  /** The dense lanes: foreground on the top row, background below, overlaps hatched. */
  drawLaneCanvas(segments, visible, view) {
    const canvas = this.el.laneCanvas;
    const dpr = window.devicePixelRatio || 1;
    const W = Math.max(1, Math.round(this.size.lanes[0] * dpr));
    const H = Math.max(1, Math.round(this.size.lanes[1] * dpr));
    if (canvas.width !== W || canvas.height !== H) {
      canvas.width = W;
      canvas.height = H;
    }
    const g = canvas.getContext('2d');
    g.clearRect(0, 0, W, H);
    const row = H / 2;
    const pad = Math.round(3 * dpr);
    const x = (t) => ((t - view.start) / view.span) * W;
    for (const [label, colour, y] of [['foreground', '#0072b2', 0], ['background', '#e69f00', row]]) {
      g.beginPath();
      for (const i of visible) {
        const s = segments[i];
        if (s.label === label) g.rect(x(s.start), y + pad, Math.max(1, x(s.end) - x(s.start)), row - 2 * pad);
      }
      g.fillStyle = colour;
      g.fill();
    }
    g.beginPath();
    for (const i of visible) {
      const s = segments[i];
      if (s.label === 'foreground' && s.overlap) g.rect(x(s.start), row / 2, Math.max(1, x(s.end) - x(s.start)), row / 2 - pad);
    }
    g.fillStyle = '#e69f00';
    g.fill();
  }

  updateText() {
    const c = this.clip;
    const fg = c.segments.filter((s) => s.label === 'foreground');
    const bg = c.segments.filter((s) => s.label === 'background');
    this.el.status.textContent = `${c.name}: ${fmtTime(c.duration, 2)} (${c.duration.toFixed(2)} s), ${c.sampleRate} Hz, ${c.channels} ch · `
      + `${fg.length} foreground, ${bg.length} background segments · analysed in ${(c.totalMs / 1000).toFixed(2)} s`
      + c.warnings.map((w) => ` · ⚠ ${w}`).join('');
    this.el.canvas.setAttribute('aria-label', `Spectrogram of ${c.name}`);
    this.el.time.textContent = `${fmtTime(this.player.position)} / ${fmtTime(c.duration)}`;
    this.updateWarning();
    if (this.opts.caption) this.opts.caption(this.el.caption, c);
    else this.el.caption.textContent = '';
  }

  updateWarning() {
    const c = this.clip;
    const overlaps = c.segments.filter((s) => s.label === 'foreground' && s.overlap);
    const w = this.el.warning;
    if (!overlaps.length) {
      w.classList.add('bysr-none');
      w.textContent = 'No background speech was detected under foreground speech.';
      return;
    }
    const secs = overlaps.reduce((a, s) => a + s.end - s.start, 0);
    w.classList.remove('bysr-none');
    w.textContent = this.privacy.strict
      ? `⚠ Strict privacy: ${overlaps.length} stretch${overlaps.length > 1 ? 'es' : ''} of foreground speech with background speech under it (${secs.toFixed(1)} s) ${this.privacy.mute || this.privacy.skip ? 'are muted too' : 'will be silenced in the redacted audio'} — the command there is lost.`
      : `⚠ ${overlaps.length} stretch${overlaps.length > 1 ? 'es' : ''} of foreground speech (${secs.toFixed(1)} s) have background speech under them: left audible so the command is kept (marked ⚠ in the lanes). Turn on strict privacy to mute them too.`;
  }

  // -------------------------------------------------------------------------------------
  // Tooltip, selection

  segOf(target) {
    const e = target && target.closest ? target.closest('.segment') : null;
    if (!e || !this.clip || this.recording) return null;
    return this.clip.segments[Number(e.dataset.index)] ?? null;
  }

  showTip(s, anchor) {
    const tip = this.el.tip;
    tip.replaceChildren(
      h('strong', { text: `${s.label === 'foreground' ? 'Foreground' : 'Background'} ${s.start.toFixed(2)}–${s.end.toFixed(2)} s` }),
      h('span', { text: `confidence ${(100 * s.confidence).toFixed(0)} %${s.edited ? ' · edited' : ''}` }),
      s.label === 'foreground' && s.overlap ? h('span', { class: 'bysr-tip-warn', text: '⚠ background speech under it' }) : null,
      s.cues ? h('span', { text: `level ${s.cues.levelDb.toFixed(1)} dBFS (${s.cues.relativeLevelDb >= 0 ? '+' : ''}${s.cues.relativeLevelDb.toFixed(1)} dB re foreground)` }) : null,
      s.cues ? h('span', { text: `reverb ${s.cues.reverb.toFixed(1)} dB · depth ${s.cues.depthDb.toFixed(1)} dB · SNR ${s.cues.snrDb.toFixed(1)} dB` }) : null,
      s.cues ? h('span', { text: `high band ${s.cues.highBandDb.toFixed(1)} dB · background score ${s.cues.backgroundScore.toFixed(2)}` }) : null);
    tip.hidden = false;
    const r = anchor.getBoundingClientRect();
    const root = this.root.getBoundingClientRect();
    const x = Math.min(root.width - 280, Math.max(0, r.left - root.left));
    tip.style.left = `${x}px`;
    tip.style.top = `${r.bottom - root.top + 6}px`;
    this.tipFor = s;
  }

  hideTip() {
    this.el.tip.hidden = true;
    this.tipFor = null;
  }

  segmentAt(t) {
    return this.clip ? this.clip.segments.find((s) => t >= s.start && t < s.end) ?? null : null;
  }

  select(s, reveal = true) {
    this.selected = s;
    const bg = s && (s.label === 'background' || (s.overlap && this.privacy.strict));
    this.el.reveal.disabled = !bg;
    this.el.reveal.textContent = s && this.revealed.has(s) ? 'Hide selected' : 'Reveal selected';
    if (s && reveal) this.ensureVisible(s.start, s.end);
    this.scheduleRender('spec', 'lanes');
    if (s) {
      requestAnimationFrame(() => {
        const e = this.el.lanes.querySelector(`.segment[data-index="${this.clip.segments.indexOf(s)}"]`);
        if (e && this.root.contains(document.activeElement)) e.focus({ preventScroll: true });
      });
    }
  }

  current() {
    if (!this.clip) return null;
    if (this.selected && this.clip.segments.includes(this.selected)) return this.selected;
    return this.segmentAt(this.player.position);
  }

  ensureVisible(a, b) {
    const { start, span } = this.view;
    if (a >= start && b <= start + span) return;
    if (b - a > span) this.setView(a - span * 0.05, span);
    else this.setView(a - span * 0.2, span);
  }

  // -------------------------------------------------------------------------------------
  // Playback

  async togglePlay() {
    if (!this.clip) return;
    if (this.player.playing) this.player.pause();
    else await this.player.play();
    this.updatePlayButton();
    if (this.player.playing) this.tick();
  }

  updatePlayButton() {
    const playing = this.player && this.player.playing;
    this.el.play.textContent = playing ? '❚❚ Pause' : '▶ Play';
    this.el.play.setAttribute('aria-pressed', String(Boolean(playing)));
    this.updatePlayhead();
  }

  tick() {
    if (this.destroyed) return;
    this.updatePlayhead();
    if (this.player.playing) requestAnimationFrame(() => this.tick());
    else this.updatePlayButton();
  }

  updatePlayhead() {
    if (!this.clip || this.recording) return;
    const pos = this.player.position;
    const { start, span } = this.view;
    if (this.player.playing && (pos > start + span * 0.98 || pos < start) && span < this.clip.duration) {
      // Follow playback page by page.
      this.setView(pos - span * 0.02, span);
    }
    const x = (100 * (pos - this.view.start)) / this.view.span;
    const vis = x >= 0 && x <= 100;
    for (const e of [this.el.specHead, this.el.lanesHead]) {
      e.style.left = `${x}%`;
      e.hidden = !vis;
    }
    this.el.overviewHead.style.left = `${(100 * pos) / this.clip.duration}%`;
    this.el.time.textContent = `${fmtTime(pos)} / ${fmtTime(this.clip.duration)}`;
  }

  seek(t) {
    if (!this.clip) return;
    this.player.seek(t);
    this.ensureVisible(t, t);
    this.updatePlayhead();
  }

  setPlaybackRate(r) {
    this.player.setRate(r);
    this.el.rate.value = String(this.player.rate);
  }

  setLoop(loop) {
    this.player.setLoop(loop);
    this.el.loop.checked = Boolean(loop);
  }

  setPrivacy(p) {
    Object.assign(this.privacy, p);
    this.el['mute-background'].checked = this.privacy.mute;
    this.el['skip-background'].checked = this.privacy.skip;
    this.el['strict-privacy'].checked = this.privacy.strict;
    this.el['hide-background'].checked = this.privacy.hide;
    this.applyPrivacy();
    if (this.clip) this.updateWarning();
    this.scheduleRender('spec', 'lanes');
  }

  intervals() {
    return this.clip ? silencedIntervals(this.clip.segments, { strict: this.privacy.strict }) : [];
  }

  applyPrivacy() {
    if (!this.player) return;
    this.player.setPolicy({ mute: this.privacy.mute, skip: this.privacy.skip, intervals: this.intervals() });
  }

  // -------------------------------------------------------------------------------------
  // Keyboard

  onKey(e) {
    if (!this.clip || this.destroyed) return;
    const t = e.target;
    const tag = t && t.tagName;
    if (tag === 'TEXTAREA' || (tag === 'INPUT' && !['checkbox', 'range', 'button', 'file'].includes(t.type)) || tag === 'SELECT' || (t && t.isContentEditable)) return;
    if (e.altKey) return;
    const mod = e.ctrlKey || e.metaKey;
    const k = e.key;
    let handled = true;
    if (mod && (k === 'z' || k === 'Z')) {
      if (e.shiftKey) this.redo();
      else this.undo();
    } else if (mod && k === 'y') this.redo();
    else if (mod) handled = false;
    else if (k === ' ' || k === 'Spacebar') this.togglePlay();
    else if (k === 'ArrowRight') this.seek(this.player.position + (e.shiftKey ? 5 : 1));
    else if (k === 'ArrowLeft') this.seek(this.player.position - (e.shiftKey ? 5 : 1));
    else if (k === 'n') this.jump(1);
    else if (k === 'p') this.jump(-1);
    else if (k === 'f' || k === 'F') this.jump(e.shiftKey ? -1 : 1, 'foreground');
    else if (k === 'b' || k === 'B') this.jump(e.shiftKey ? -1 : 1, 'background');
    else if (k === 'x') this.flip();
    else if (k === 'r') this.toggleReveal();
    else if (k === 'm') this.setPrivacy({ mute: !this.privacy.mute });
    else if (k === 's') this.setPrivacy({ skip: !this.privacy.skip });
    else if (k === 'u') this.undo();
    else if (k === 'U') this.redo();
    else if (k === '+' || k === '=') this.zoom(0.5);
    else if (k === '-' || k === '_') this.zoom(2);
    else if (k === '0') this.fit();
    else if (k === '?') this.toggleHelp();
    else if (k === 'Escape' && !this.el.helpDialog.hidden) this.toggleHelp(false);
    else handled = false;
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  }

  /** Moves the playhead to the start of the next (dir 1) or previous (-1) segment. */
  jump(dir, label = null) {
    const segs = this.clip.segments;
    const pos = this.player.position;
    const ok = (s) => !label || s.label === label;
    let target = null;
    if (dir > 0) target = segs.find((s) => ok(s) && s.start > pos + 0.005) ?? null;
    else {
      for (let i = segs.length - 1; i >= 0; i--) {
        if (ok(segs[i]) && segs[i].start < pos - 0.005) { target = segs[i]; break; }
      }
    }
    if (!target) return;
    this.seek(target.start);
    this.select(target);
  }

  toggleHelp(show = this.el.helpDialog.hidden) {
    this.el.helpDialog.hidden = !show;
    if (show) this.el.helpDialog.querySelector('button').focus({ preventScroll: true });
    else this.root.focus({ preventScroll: true });
  }

  toggleReveal() {
    const s = this.current();
    if (!s) return;
    if (this.revealed.has(s)) this.revealed.delete(s);
    else if (s.label === 'background' || s.overlap) this.revealed.add(s);
    this.select(s, false);
  }

  // -------------------------------------------------------------------------------------
  // Edits and undo

  snapshot() {
    const segs = this.clip.segments;
    return { segments: segs.map((s) => ({ ...s })), selected: segs.indexOf(this.selected), revealed: [...this.revealed].map((s) => segs.indexOf(s)) };
  }

  restore(snap) {
    this.clip.segments = snap.segments.map((s) => ({ ...s }));
    this.selected = this.clip.segments[snap.selected] ?? null;
    this.revealed = new Set(snap.revealed.map((i) => this.clip.segments[i]).filter(Boolean));
  }

  edit(reason, fn) {
    this.undoStack.push(this.snapshot());
    if (this.undoStack.length > 500) this.undoStack.shift();
    this.redoStack = [];
    fn();
    this.changed(reason);
    this.updateText();
    this.scheduleRender('spec', 'overview', 'lanes');
  }

  flip() {
    const s = this.current();
    if (!s) return;
    this.edit('flip', () => {
      if (!s.originalLabel) s.originalLabel = s.label;
      s.label = s.label === 'foreground' ? 'background' : 'foreground';
      s.edited = true;
      this.revealed.delete(s);
      this.select(s, false);
    });
  }

  undo() {
    if (!this.undoStack.length) return;
    this.redoStack.push(this.snapshot());
    this.restore(this.undoStack.pop());
    this.changed('undo');
    this.updateText();
    this.scheduleRender('spec', 'overview', 'lanes');
  }

  redo() {
    if (!this.redoStack.length) return;
    this.undoStack.push(this.snapshot());
    this.restore(this.redoStack.pop());
    this.changed('redo');
    this.updateText();
    this.scheduleRender('spec', 'overview', 'lanes');
  }

  startEdgeDrag(e) {
    const handle = e.target.closest && e.target.closest('.handle');
    if (!handle || !this.clip) return;
    const el = handle.closest('.segment');
    const s = this.segOf(el);
    if (!s) return;
    e.preventDefault();
    e.stopPropagation();
    const which = handle.classList.contains('handle-start') ? 'start' : 'end';
    const segs = this.clip.segments;
    const i = segs.indexOf(s);
    const lo = which === 'start' ? (i > 0 ? segs[i - 1].end : 0) : s.start + 0.02;
    const hi = which === 'start' ? s.end - 0.02 : (i + 1 < segs.length ? segs[i + 1].start : this.clip.duration);
    const before = this.snapshot();
    const original = s[which];
    const lanes = this.el.lanes;
    this.dragging = true;
    const move = (ev) => {
      const t = Math.min(hi, Math.max(lo, this.timeAtX(ev.clientX, lanes)));
      s[which] = Math.round(t * 1000) / 1000;
      el.dataset[which] = s[which].toFixed(3);
      el.style.left = `${(100 * (s.start - this.view.start)) / this.view.span}%`;
      el.style.width = `${(100 * (s.end - s.start)) / this.view.span}%`;
    };
    const up = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
      window.removeEventListener('pointercancel', up);
      this.dragging = false;
      if (s[which] !== original) {
        s.edited = true;
        this.undoStack.push(before);
        this.redoStack = [];
        this.changed('edge');
      }
      this.scheduleRender('spec', 'overview', 'lanes');
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
    window.addEventListener('pointercancel', up);
  }

  importReport(text) {
    if (!this.clip) throw new Error('open a clip first');
    const r = parseReport(text, this.clip.name);
    if (r.duration && Math.abs(r.duration - this.clip.duration) > 0.05) {
      throw new Error(`the report is for a ${r.duration.toFixed(2)} s clip; this one is ${this.clip.duration.toFixed(2)} s`);
    }
    this.edit('import', () => {
      this.clip.segments = r.segments;
      this.selected = null;
      this.revealed.clear();
    });
    this.clearAlert();
    return r.segments.length;
  }

  // -------------------------------------------------------------------------------------
  // Exports

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

  stem() {
    const n = this.clip.name.replace(/\.[^./]+$/, '');
    return n.replace(/[^\w.-]+/g, '_') || 'audio';
  }

  async exportAs(format) {
    const c = this.clip;
    if (!c) throw new Error('no clip');
    const segs = c.segments;
    const spec = FORMATS[format];
    if (!spec) throw new Error(`unknown format ${format}; one of ${Object.keys(FORMATS).join(', ')}`);
    const edits = segs.filter((s) => s.edited).length;
    let parts;
    switch (format) {
      case 'json': parts = [reportJson(c.report, segs, { file: c.name, edits })]; break;
      case 'rttm': parts = [toRttm(this.stem(), segs)]; break;
      case 'vtt': parts = [toWebVtt(segs)]; break;
      case 'audacity': parts = [toAudacity(segs)]; break;
      case 'textgrid': parts = [toTextGrid(segs, c.report.duration ?? c.duration, 'speech')]; break;
      case 'labelstudio': parts = [toLabelStudio(segs, { audio: c.name, duration: c.duration })]; break;
      case 'wav': parts = await this.redactedWav(); break;
      default:
    }
    return new Blob(parts, { type: spec[2] });
  }

  /** The redacted WAV, encoded in slices (the page stays responsive for long clips). */
  async redactedWav() {
    const c = this.clip;
    const buf = c.buffer;
    const scratch = new Float32Array(1 << 16);
    const get = (ch, start, n) => {
      const v = scratch.subarray(0, n);
      buf.copyFromChannel(v, ch, start);
      return v;
    };
    const parts = [];
    const gen = redactedWavParts(get, { channels: c.channels, sampleRate: c.sampleRate, length: c.length, intervals: this.intervals() });
    let t = performance.now();
    for (const part of gen) {
      parts.push(part);
      if (performance.now() - t > 20) {
        await new Promise((r) => setTimeout(r, 0));
        t = performance.now();
      }
    }
    return parts;
  }

  async download(format) {
    if (!this.clip) return;
    try {
      const blob = await this.exportAs(format);
      const url = URL.createObjectURL(blob);
      const a = h('a', { href: url, download: `${this.stem()}.${FORMATS[format][1]}` });
      a.hidden = true;
      this.root.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (err) {
      this.alert(`Export failed: ${errorText(err)}`);
    }
  }

  // -------------------------------------------------------------------------------------

  async destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.job) this.cancel();
    if (this.recording) {
      for (const track of this.recording.stream.getTracks()) track.stop();
      this.recording = null;
    }
    if (this.player) this.player.dispose();
    for (const fn of this.cleanups) fn();
    this.resizeObserver.disconnect();
    this.clearTiles();
    if (this.worker) {
      // Free the wasm objects, then end the worker (its memory goes with it).
      await Promise.race([
        new Promise((resolve) => { this.freed = resolve; this.worker.postMessage({ t: 'free' }); }),
        new Promise((resolve) => setTimeout(resolve, 1000)),
      ]);
      this.worker.terminate();
      this.worker = null;
    }
    if (this.audio) await this.audio.close().catch(() => {});
    this.clip = null;
    this.root.replaceChildren();
    this.root.classList.remove('bysr');
    delete this.root.dataset.state;
  }

  controller() {
    const self = this;
    return {
      /** Resolves when the worker, wasm and worklet are loaded. */
      ready: this.ready,
      load: (src) => this.load(src),
      cancel: () => this.cancel(),
      play: (from) => this.player.play(from).then(() => { this.updatePlayButton(); this.tick(); }),
      pause: () => { this.player.pause(); this.updatePlayButton(); },
      seek: (t) => this.seek(t),
      setPlaybackRate: (r) => this.setPlaybackRate(r),
      setLoop: (loop) => this.setLoop(loop),
      setPrivacy: (p) => this.setPrivacy(p),
      setView: (start, span) => this.setView(start, span),
      fit: () => this.fit(),
      undo: () => this.undo(),
      redo: () => this.redo(),
      exportAs: (format) => this.exportAs(format),
      download: (format) => this.download(format),
      importReport: (json) => this.importReport(typeof json === 'string' ? json : JSON.stringify(json)),
      /** What playback outputs for [from, to) with the current privacy settings (rate 1). */
      renderOutput: (o = {}) => renderOffline(this.clip.buffer, { to: this.clip.duration, mute: this.privacy.mute, skip: this.privacy.skip, intervals: this.intervals(), ...o }),
      on: (type, fn) => { (this.listeners[type] ??= []).push(fn); return () => { this.listeners[type] = this.listeners[type].filter((f) => f !== fn); }; },
      onChange: (fn) => this.listeners.change.push(fn),
      destroy: () => this.destroy(),
      get state() { return self.state; },
      get segments() { return self.segments(); },
      get report() { return self.clip ? self.clip.report : null; },
      get clip() {
        const c = self.clip;
        return c && { name: c.name, source: c.source, format: c.format, decoder: c.decoder, warnings: c.warnings, sampleRate: c.sampleRate, channels: c.channels, length: c.length, duration: c.duration, analysisMs: c.analysisMs, totalMs: c.totalMs, wasmBytes: c.wasmBytes };
      },
      get position() { return self.recording ? self.recording.position : self.player ? self.player.position : 0; },
      get playing() { return Boolean(self.player && self.player.playing); },
      get view() { return { ...self.view, level: self.lastLevel ?? 0, tilesMissing: self.tilesMissing ?? 0, tiles: self.tiles.size, tileApi: Boolean(self.info && self.info.tileApi) }; },
      get privacy() { return { ...self.privacy }; },
      get selected() { return self.selected ? { ...self.selected } : null; },
      get liveDelays() { return self.liveDelays.slice(); },
      get info() { return self.info ?? null; },
      get recording() { return Boolean(self.recording); },
      startRecording: () => this.startRecord(),
      stopRecording: () => this.stopRecord(),
      get element() { return self.root; },
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
