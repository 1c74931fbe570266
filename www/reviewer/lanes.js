// @ts-check
// The lanes: one element per segment in view in the lane of its label (focusable, with drag
// handles for its edges), or, zoomed out over more than DENSE segments, a canvas painting
// (the elements then built undisplayed when the page is idle); the segment tooltip.
import { h, segmentText } from './dom.js';

export const DENSE = 300; // more segments in view than this: lanes painted on a canvas

/** @typedef {import('../protocol.js').Segment} Segment */
/** @typedef {import('./viewport.js').View} View */

export class Lanes {
  /** @param {import('../reviewer.js').Reviewer} r */
  constructor(r) {
    this.r = r;
    /** An edge is being dragged (the lanes are not redrawn meanwhile). */
    this.dragging = false;
    /** Counts renders: a slower, older one stops. */
    this.laneGen = 0;
    /** The render whose undisplayed elements are all built. */
    this.lanesBuilt = 0;
    /** @type {Segment | null} the segment the tooltip shows */
    this.tipFor = null;
  }

  /**
   * One element per segment in the visible range, in the lane of its label: data-label,
   * data-start, data-end (seconds), data-index, data-confidence (and data-overlap). Up to
   * DENSE segments in view, these elements are what is drawn (focusable, with drag handles).
   * Zoomed out further (a long clip), the lanes are painted on a canvas and the elements,
   * with the same attributes, stay in the lanes undisplayed (built in ~4 ms slices): a few
   * thousand displayed boxes would cost the page 100+ ms of style, layout and paint.
   * @param {Segment[]} segments @param {View} view
   */
  render(segments, view) {
    const { r } = this;
    if (this.dragging) return;
    /** @type {Record<string, HTMLElement>} */
    const lanes = {};
    for (const lane of /** @type {NodeListOf<HTMLElement>} */ (r.el.lanes.querySelectorAll('.bysr-lane'))) lanes[lane.dataset.lane] = lane;
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
      d.className = `segment${s.label === 'foreground' && s.overlap ? ' overlap' : ''}${s === r.selected ? ' current' : ''}${s.edited ? ' edited' : ''}${r.revealed.has(s) ? ' revealed' : ''}`;
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
      if (!r.live.recording && !dense) {
        d.append(h('span', { class: 'handle handle-start', 'aria-hidden': 'true' }), h('span', { class: 'handle handle-end', 'aria-hidden': 'true' }));
      }
      fresh[s.label].append(d);
    };
    r.el.lanes.classList.toggle('bysr-dense', dense);
    if (!dense) {
      for (const i of visible) make(i);
      const active = /** @type {HTMLElement | null} */ (document.activeElement);
      const focused = active && r.el.lanes.contains(active) && active.classList.contains('segment') ? active.dataset.index : null;
      lanes.foreground.replaceChildren(fresh.foreground);
      lanes.background.replaceChildren(fresh.background);
      if (focused != null) {
        // Keep the keyboard focus on the same segment (or on the component).
        const again = /** @type {HTMLElement | null} */ (r.el.lanes.querySelector(`.segment[data-index="${focused}"]`));
        (again ?? r.root).focus({ preventScroll: true });
      }
      return;
    }
    lanes.foreground.replaceChildren();
    lanes.background.replaceChildren();
    setTimeout(() => { if (gen === this.laneGen) this.drawCanvas(segments, visible, view); }, 0);
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

  /**
   * The dense lanes: foreground on the top row, background below, overlaps hatched.
   * @param {Segment[]} segments @param {number[]} visible indices in view @param {View} view
   */
  drawCanvas(segments, visible, view) {
    const { r } = this;
    const canvas = r.el.laneCanvas;
    const dpr = window.devicePixelRatio || 1;
    const W = Math.max(1, Math.round(r.viewport.size.lanes[0] * dpr));
    const H = Math.max(1, Math.round(r.viewport.size.lanes[1] * dpr));
    if (canvas.width !== W || canvas.height !== H) {
      canvas.width = W;
      canvas.height = H;
    }
    const g = canvas.getContext('2d');
    g.clearRect(0, 0, W, H);
    const row = H / 2;
    const pad = Math.round(3 * dpr);
    const x = (t) => ((t - view.start) / view.span) * W;
    for (const [label, colour, y] of /** @type {[string, string, number][]} */ ([['foreground', '#0072b2', 0], ['background', '#e69f00', row]])) {
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

  /** The segment of a lane element (or of an element inside one). @param {any} target */
  segOf(target) {
    const { r } = this;
    const e = target && target.closest ? target.closest('.segment') : null;
    if (!e || !r.clip || r.live.recording) return null;
    return r.clip.segments[Number(e.dataset.index)] ?? null;
  }

  /** @param {Segment} s @param {Element} anchor */
  showTip(s, anchor) {
    const { r } = this;
    const tip = r.el.tip;
    tip.replaceChildren(
      h('strong', { text: `${s.label === 'foreground' ? 'Foreground' : 'Background'} ${s.start.toFixed(2)}–${s.end.toFixed(2)} s` }),
      h('span', { text: `confidence ${(100 * s.confidence).toFixed(0)} %${s.edited ? ' · edited' : ''}` }),
      s.label === 'foreground' && s.overlap ? h('span', { class: 'bysr-tip-warn', text: '⚠ background speech under it' }) : null,
      s.cues ? h('span', { text: `level ${s.cues.levelDb.toFixed(1)} dBFS (${s.cues.relativeLevelDb >= 0 ? '+' : ''}${s.cues.relativeLevelDb.toFixed(1)} dB re foreground)` }) : null,
      s.cues ? h('span', { text: `reverb ${s.cues.reverb.toFixed(1)} dB · depth ${s.cues.depthDb.toFixed(1)} dB · SNR ${s.cues.snrDb.toFixed(1)} dB` }) : null,
      s.cues ? h('span', { text: `high band ${s.cues.highBandDb.toFixed(1)} dB · background score ${s.cues.backgroundScore.toFixed(2)}` }) : null);
    tip.hidden = false;
    const box = anchor.getBoundingClientRect();
    const root = r.root.getBoundingClientRect();
    const x = Math.min(root.width - 280, Math.max(0, box.left - root.left));
    tip.style.left = `${x}px`;
    tip.style.top = `${box.bottom - root.top + 6}px`;
    this.tipFor = s;
  }

  hideTip() {
    const { r } = this;
    r.el.tip.hidden = true;
    this.tipFor = null;
  }

  /** A pointer down on a segment's handle: drags that edge (one undo step). @param {PointerEvent} e */
  startEdgeDrag(e) {
    const { r } = this;
    const target = /** @type {HTMLElement} */ (e.target);
    const handle = target.closest && target.closest('.handle');
    if (!handle || !r.clip) return;
    const el = /** @type {HTMLElement} */ (handle.closest('.segment'));
    const s = this.segOf(el);
    if (!s) return;
    e.preventDefault();
    e.stopPropagation();
    const which = handle.classList.contains('handle-start') ? 'start' : 'end';
    const segs = r.clip.segments;
    const i = segs.indexOf(s);
    const lo = which === 'start' ? (i > 0 ? segs[i - 1].end : 0) : s.start + 0.02;
    const hi = which === 'start' ? s.end - 0.02 : (i + 1 < segs.length ? segs[i + 1].start : r.clip.duration);
    const before = r.history.snapshot();
    const original = s[which];
    const lanes = r.el.lanes;
    this.dragging = true;
    const move = (ev) => {
      const t = Math.min(hi, Math.max(lo, r.viewport.timeAtX(ev.clientX, lanes)));
      s[which] = Math.round(t * 1000) / 1000;
      el.dataset[which] = s[which].toFixed(3);
      el.style.left = `${(100 * (s.start - r.viewport.view.start)) / r.viewport.view.span}%`;
      el.style.width = `${(100 * (s.end - s.start)) / r.viewport.view.span}%`;
    };
    const up = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
      window.removeEventListener('pointercancel', up);
      this.dragging = false;
      if (s[which] !== original) {
        s.edited = true;
        r.history.push(before);
        r.changed('edge');
      }
      r.scheduleRender('spec', 'overview', 'lanes');
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
    window.addEventListener('pointercancel', up);
  }
}
