// @ts-check
// The lanes: one element per segment in view in the lane of its label (focusable, with drag
// handles for its edges), or, zoomed out over more than DENSE segments, a canvas painting
// (the elements then built undisplayed when the page is idle); the segment tooltip.
import { h, segmentText } from './dom.js';

export const DENSE = 300; // more segments in view than this: lanes painted on a canvas
/**
 * Below this confidence a segment is marked low-confidence (striped, "?"): on the dev set
 * segments under 0.5 are wrong far more often than the rest, so the reviewer should listen.
 */
export const LOW_CONFIDENCE = 0.5;
/** Dark outline of the orange lane: #e69f00 on white is about 2.2:1, this edge 5.9:1 (WCAG 1.4.11 asks 3:1). */
export const BACKGROUND_EDGE = '#8a5a00';

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
      const low = s.confidence < LOW_CONFIDENCE;
      d.className = `segment${s.label === 'foreground' && s.overlap ? ' overlap' : ''}${s === r.selected ? ' current' : ''}${s.edited ? ' edited' : ''}${r.revealed.has(s) ? ' revealed' : ''}${low ? ' low' : ''}`;
      d.setAttribute('role', 'listitem');
      // One segment is in the Tab order (roving tabindex); Tab inside the lanes moves in time order.
      if (!dense) d.tabIndex = -1;
      if (low) d.dataset.low = 'true';
      d.dataset.label = s.label;
      d.dataset.start = s.start.toFixed(3);
      d.dataset.end = s.end.toFixed(3);
      d.dataset.index = String(i);
      d.dataset.confidence = s.confidence.toFixed(3);
      if (s.overlap && s.label === 'foreground') d.dataset.overlap = 'true';
      d.style.left = `${(100 * (s.start - start)) / span}%`;
      d.style.width = `${(100 * (s.end - s.start)) / span}%`;
      d.setAttribute('aria-label', `${segmentText(s)}${low ? ' (low confidence: listen to it)' : ''}`);
      // A thin bar along the bottom: as long as the confidence.
      const bar = h('span', { class: 'bysr-conf', 'aria-hidden': 'true' });
      bar.style.width = `${(100 * s.confidence).toFixed(0)}%`;
      d.append(bar);
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
      const sel = r.selected ? segments.indexOf(r.selected) : -1;
      const entry = visible.includes(sel) ? sel : visible[0];
      if (entry != null) this.elementAt(entry).tabIndex = 0;
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
      if (label === 'background') {
        g.strokeStyle = BACKGROUND_EDGE;
        g.lineWidth = dpr;
        g.stroke();
      }
    }
    g.beginPath();
    for (const i of visible) {
      const s = segments[i];
      if (s.label === 'foreground' && s.overlap) g.rect(x(s.start), row / 2, Math.max(1, x(s.end) - x(s.start)), row / 2 - pad);
    }
    g.fillStyle = '#e69f00';
    g.fill();
  }

  /** The lane element of segment `i` (if drawn). @param {number} i */
  elementAt(i) {
    return /** @type {HTMLElement | null} */ (this.r.el.lanes.querySelector(`.segment[data-index="${i}"]`));
  }

  /**
   * Tab and Shift+Tab on a segment go to the next / previous segment in time (both lanes),
   * not through one lane and then the other; past the last (first) one, out of the lanes.
   * The focused segment is the lanes' one Tab stop. @param {KeyboardEvent} e
   */
  tabKey(e) {
    const from = /** @type {HTMLElement} */ (e.target);
    if (e.key !== 'Tab' || e.altKey || e.ctrlKey || e.metaKey || !from.classList || !from.classList.contains('segment')) return;
    const next = this.elementAt(Number(from.dataset.index) + (e.shiftKey ? -1 : 1));
    if (!next || this.r.el.lanes.classList.contains('bysr-dense')) return;
    e.preventDefault();
    next.focus();
  }

  /** A segment got the focus: it becomes the lanes' Tab stop. @param {HTMLElement} e */
  rove(e) {
    for (const o of /** @type {NodeListOf<HTMLElement>} */ (this.r.el.lanes.querySelectorAll('.segment[tabindex="0"]'))) if (o !== e) o.tabIndex = -1;
    e.tabIndex = 0;
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
    const c = s.cues;
    const db = (v) => `${Math.abs(v).toFixed(1)} dB`;
    const low = s.confidence < LOW_CONFIDENCE;
    // Plain words for the analyser's cues (the report's field names are in docs/methods.md).
    const lines = [
      h('strong', { text: `${s.label === 'foreground' ? 'Foreground' : 'Background'} speech ${s.start.toFixed(2)}–${s.end.toFixed(2)} s` }),
      h('span', { class: low ? 'bysr-tip-warn' : null, text: `Confidence ${(100 * s.confidence).toFixed(0)} %${low ? ' — low: listen to it' : ''}${s.edited ? ' · edited' : ''}` }),
      s.label === 'foreground' && s.overlap ? h('span', { class: 'bysr-tip-warn', text: '⚠ background speech under it' }) : null,
      c ? h('span', { text: `Loudness ${c.levelDb.toFixed(0)} dB, ${db(c.relativeLevelDb)} ${c.relativeLevelDb >= 0 ? 'louder' : 'quieter'} than the main talker` }) : null,
      c ? h('span', { text: `Room echo ${c.reverb.toFixed(1)} dB · above the noise by ${db(c.snrDb)}` }) : null,
      c ? h('span', { text: `Sounds distant: ${(100 * c.backgroundScore).toFixed(0)} % (treble ${c.highBandDb.toFixed(0)} dB, loudness swing ${db(c.depthDb)})` }) : null,
    ];
    tip.replaceChildren(...lines.filter((e) => e != null));
    tip.hidden = false;
    // Below the segment, or above it when that would leave the window; never past its sides.
    const box = anchor.getBoundingClientRect();
    const root = r.root.getBoundingClientRect();
    const w = tip.offsetWidth;
    const hgt = tip.offsetHeight;
    const vw = document.documentElement.clientWidth;
    const vh = document.documentElement.clientHeight;
    const left = Math.max(0, Math.min(vw - w, box.left));
    let top = box.bottom + 6;
    if (top + hgt > vh) top = Math.max(0, box.top - 6 - hgt);
    tip.style.left = `${left - root.left}px`;
    tip.style.top = `${top - root.top}px`;
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
