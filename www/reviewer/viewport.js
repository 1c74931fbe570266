// @ts-check
// The visible window of the clip ({ start, span } in seconds), zoom and scroll, the mapping
// between time and screen x, and the sizes of the views (read in a ResizeObserver, so that
// drawing never forces a synchronous layout).

const MIN_SPAN = 0.25; // seconds

/** @typedef {{ start: number, span: number }} View */

export class Viewport {
  /** @param {import('../reviewer.js').Reviewer} r */
  constructor(r) {
    this.r = r;
    /** @type {View} */
    this.view = { start: 0, span: 1 };
    /** CSS pixel sizes [width, height] of the views. @type {Record<'canvas' | 'overview' | 'lanes', number[]>} */
    this.size = { canvas: [1, 1], overview: [1, 1], lanes: [1, 1] };
  }

  /** Shows [start, start + span], clamped to the clip (at least MIN_SPAN). @param {number} start @param {number} span */
  setView(start, span) {
    const { r } = this;
    if (!r.clip) return;
    const d = r.clip.duration;
    span = Math.min(d, Math.max(Math.min(MIN_SPAN, d), span));
    start = Math.min(d - span, Math.max(0, start));
    this.view = { start, span };
    r.scheduleRender('spec', 'axes', 'lanes');
  }

  /**
   * Multiplies the span by `factor` around time `around` (default: the playhead while
   * playing, else the middle of the view).
   * @param {number} factor @param {number | null} [around]
   */
  zoom(factor, around = null) {
    const { r } = this;
    if (!r.clip) return;
    const c = around ?? (r.player.playing ? r.player.position : this.view.start + this.view.span / 2);
    const span = this.view.span * factor;
    const rel = (c - this.view.start) / this.view.span;
    this.setView(c - rel * span, span);
  }

  fit() {
    if (this.r.clip) this.setView(0, this.r.clip.duration);
  }

  /** The time at `clientX` in `box` (which spans the view). @param {number} clientX @param {Element} box */
  timeAtX(clientX, box) {
    const r = box.getBoundingClientRect();
    return this.view.start + ((clientX - r.left) / r.width) * this.view.span;
  }

  /** Scrolls (span kept) so that [a, b] is in view. @param {number} a @param {number} b */
  ensureVisible(a, b) {
    const { start, span } = this.view;
    if (a >= start && b <= start + span) return;
    if (b - a > span) this.setView(a - span * 0.05, span);
    else this.setView(a - span * 0.2, span);
  }

  /** The canvases at device pixels for the current sizes; then a redraw. */
  layout() {
    const el = this.r.el;
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
    this.r.scheduleRender();
  }
}
