// @ts-check
// The time and frequency axes (tick placement only; the image is drawn in wasm), the
// overview's window, and the overview strip: the waveform (an image the worker draws from
// its peaks) over the segments.
import { TO_WORKER } from '../protocol.js';
import { fmtTime, h } from './dom.js';
import { F_MAX } from './spectrogram.js';

/** @typedef {import('../reviewer.js').Reviewer} Reviewer */

// Frequency axes: the image's scales (Slaney mel as librosa's default).
const SLANEY_F_SP = 200 / 3;
const SLANEY_LOG_STEP = Math.log(6.4) / 27;
/** @type {Record<string, { fwd: (hz: number) => number, fMin: number, ticks: number[] }>} */
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

/** The overview's window: the visible part of the clip. @param {Reviewer} r */
export function placeWindow(r) {
  const c = r.clip;
  const { view } = r.viewport;
  const win = r.el.window;
  win.style.left = `${(100 * view.start) / c.duration}%`;
  win.style.width = `${(100 * view.span) / c.duration}%`;
}

/** @param {Reviewer} r */
export function drawTimeAxis(r) {
  const axis = r.el.timeAxis;
  axis.replaceChildren();
  const { start, span } = r.viewport.view;
  const widthPx = r.viewport.size.canvas[0] || 800;
  const step = TIME_STEPS.find((s) => (s / span) * widthPx >= 64) ?? TIME_STEPS[TIME_STEPS.length - 1];
  const decimals = step >= 1 ? 0 : Number.isInteger(Math.round(step * 1e6) / 1e5) ? 1 : 2;
  const long = r.clip.duration >= 60;
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

/** @param {Reviewer} r */
export function drawFreqAxis(r) {
  const scale = SCALES[r.display.frequencyScale];
  const fMax = Math.min(F_MAX, r.clip.sampleRate / 2);
  const lo = scale.fwd(scale.fMin);
  const hi = scale.fwd(fMax);
  r.el.freqAxis.replaceChildren();
  for (const khz of scale.ticks) {
    const hz = khz * 1000;
    if (hz < scale.fMin || hz > fMax + 1e-6) continue;
    const frac = (scale.fwd(hz) - lo) / (hi - lo);
    const tick = h('span', { class: 'tick', text: String(khz) });
    tick.style.top = `${((1 - frac) * 100).toFixed(3)}%`;
    if (frac < 0.02) tick.classList.add('edge-bottom');
    if (frac > 0.98) tick.classList.add('edge-top');
    r.el.freqAxis.append(tick);
  }
}

/** The overview strip; its waveform image comes from the worker at the strip's size. */
export class Overview {
  /** @param {Reviewer} r */
  constructor(r) {
    this.r = r;
    /** @type {{ clip: number, bitmap: ImageBitmap } | null} */
    this.bitmap = null;
    /** @type {string | null} the clip and size asked for */
    this.pending = null;
  }

  /** @param {import('../protocol.js').OverviewMessage} msg */
  arrived(msg) {
    if (this.bitmap) this.bitmap.bitmap.close();
    this.bitmap = { clip: msg.id, bitmap: msg.bitmap };
    this.pending = null;
    if (this.r.clip && this.r.clip.id === msg.id) this.r.scheduleRender('overview');
  }

  draw() {
    const c = this.r.clip;
    const canvas = this.r.el.overview;
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
    const ov = this.bitmap;
    if (ov && ov.clip === c.id && ov.bitmap.width === W && ov.bitmap.height === waveH) {
      g.drawImage(ov.bitmap, 0, 0);
    } else if (this.pending !== `${c.id}:${W}x${waveH}`) {
      this.pending = `${c.id}:${W}x${waveH}`;
      this.r.worker.post({ t: TO_WORKER.OVERVIEW, id: c.id, width: W, height: waveH });
    }
  }
}
