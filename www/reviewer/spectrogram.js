// @ts-check
// The spectrogram view: tiles of TILE image columns at the level the zoom needs, asked of
// the worker for the visible range only and kept (up to MAX_TILES), drawn side by side with
// coarser levels as placeholders; background regions blurred and hatched (privacy). While
// recording, one live tile of the last seconds.
import { TO_WORKER } from '../protocol.js';

const TILE = 256; // columns per spectrogram tile
export const IMAGE_HEIGHT = 256;
const MAX_TILES = 400;
export const F_MAX = 8000; // spectrogram top (or Nyquist when lower)

/** @typedef {import('../reviewer.js').Reviewer} Reviewer */
/** @typedef {import('../protocol.js').TileMessage} TileMessage */

export class SpectrogramView {
  /** @param {Reviewer} r */
  constructor(r) {
    this.r = r;
    /** @type {Map<string, { bitmap: ImageBitmap, width: number }>} */
    this.tiles = new Map();
    /** @type {Set<string>} */
    this.pending = new Set();
    /** @type {OffscreenCanvas | null} the tiles composed before the privacy layer */
    this.compose = null;
    /** @type {OffscreenCanvas | null} the composed image at 1/10 (the blur) */
    this.small = null;
    /** @type {CanvasPattern | null} */
    this.hatch = null;
    this.tileCount = 0;
    this.tilesMissing = 0;
    this.lastLevel = 0;
    this.hiddenSpans = 0;
  }

  /** The image options for the worker: the display settings at `sampleRate`. @param {number} sampleRate */
  imageOptions(sampleRate) {
    const d = this.r.display;
    return {
      colormap: d.colormap, frequencyScale: d.frequencyScale, rangeDb: d.rangeDb, gainDb: d.gainDb,
      height: IMAGE_HEIGHT, fMax: Math.min(F_MAX, sampleRate / 2),
    };
  }

  settingsKey() {
    const d = this.r.display;
    return `${d.colormap}/${d.frequencyScale}/${d.rangeDb}/${d.gainDb}`;
  }

  clear() {
    for (const t of this.tiles.values()) t.bitmap.close();
    this.tiles.clear();
    this.pending.clear();
  }

  /** Level k draws columns every hop * 2^k samples: the finest with >= 1 device pixel per column. */
  level() {
    const c = this.r.clip;
    const spp = this.r.viewport.view.span / this.r.el.canvas.width;
    let k = 0;
    while ((c.hop * 2 ** k) / c.sampleRate < spp * 0.999 && k < 24) k++;
    return k;
  }

  /** @param {number} k @param {number} t */
  tileKey(k, t) {
    return `${this.r.clip.id}:${this.settingsKey()}:${k}:${t}`;
  }

  /** @param {number} k @param {number} t */
  request(k, t) {
    const c = this.r.clip;
    const key = this.tileKey(k, t);
    if (this.tiles.has(key) || this.pending.has(key)) return;
    const hop = c.hop * 2 ** k;
    const columns = 1 + Math.floor(c.length / hop);
    const first = t * TILE;
    const count = Math.min(TILE, columns - first);
    if (count <= 0) return;
    this.pending.add(key);
    const options = this.imageOptions(c.sampleRate);
    this.r.worker.post({ t: TO_WORKER.TILE, id: c.id, key, first, count, hop, nFft: c.nFft, options });
  }

  /** @param {TileMessage} msg */
  arrived(msg) {
    if (msg.key === 'live') {
      this.pending.delete('live');
      this.drawLive(msg);
      return;
    }
    if (!this.pending.delete(msg.key) || !this.r.clip) {
      msg.bitmap.close();
      return;
    }
    this.tiles.set(msg.key, { bitmap: msg.bitmap, width: msg.width });
    while (this.tiles.size > MAX_TILES) {
      const [oldest, t] = this.tiles.entries().next().value;
      t.bitmap.close();
      this.tiles.delete(oldest);
    }
    this.tileCount++;
    this.r.scheduleRender('spec');
  }

  /** A failed tile can be asked for again. @param {string} key */
  failed(key) {
    this.pending.delete(key);
  }

  draw() {
    const { r } = this;
    const c = r.clip;
    const view = r.viewport.view;
    const canvas = r.el.canvas;
    const W = canvas.width;
    const H = canvas.height;
    if (!this.compose || this.compose.width !== W || this.compose.height !== H) {
      this.compose = new OffscreenCanvas(W, H);
    }
    const g = this.compose.getContext('2d');
    g.fillStyle = '#000';
    g.fillRect(0, 0, W, H);
    g.imageSmoothingEnabled = true;
    const spp = view.span / W;
    const k = this.level();
    /** @param {number} lv @param {boolean} request */
    const drawLevel = (lv, request) => {
      const colSec = (c.hop * 2 ** lv) / c.sampleRate;
      const first = Math.max(0, Math.floor((view.start / colSec - 0.5) / TILE));
      const last = Math.floor(((view.start + view.span) / colSec + 0.5) / TILE);
      let missing = 0;
      for (let t = first; t <= last; t++) {
        const tile = this.tiles.get(this.tileKey(lv, t));
        if (!tile) {
          missing++;
          if (request) this.request(lv, t);
          continue;
        }
        const x = ((t * TILE - 0.5) * colSec - view.start) / spp;
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
    if (r.privacy.settings.hide) {
      /** @type {[number, number][]} */
      const spans = [];
      for (const s of c.segments) {
        if (s.end < view.start || s.start > view.start + view.span || !r.privacy.isHidden(s)) continue;
        const x0 = Math.max(0, Math.floor((s.start - view.start) / spp));
        const x1 = Math.min(W, Math.ceil((s.end - view.start) / spp));
        const last = spans[spans.length - 1];
        if (last && x0 - last[1] <= 1) last[1] = Math.max(last[1], x1);
        else if (x1 > x0) spans.push([x0, x1]);
      }
      if (spans.length) this.hide(out, spans, W, H);
      this.hiddenSpans = spans.length;
    }
  }

  /**
   * A cheap blur (software canvases make filter: blur() slow): the image shrunk to 1/10 and
   * dimmed, drawn back enlarged through a clip path of all the spans, then a hatch pattern
   * over them.
   * @param {CanvasRenderingContext2D} out @param {[number, number][]} spans
   * @param {number} W @param {number} H
   */
  hide(out, spans, W, H) {
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

  /**
   * While recording: asks for one tile of the visible seconds (at most every 200 ms).
   * @param {import('./live-capture.js').Recording} rec
   * @param {number} rate the capture's sample rate
   */
  requestLive(rec, rate) {
    const view = this.r.viewport.view;
    const now = performance.now();
    if (this.pending.has('live') || now - (rec.lastTile ?? 0) <= 200 || rec.position <= 0.1) return;
    rec.lastTile = now;
    const hop = Math.round(rate / 100);
    const first = Math.floor((view.start * rate) / hop);
    const count = Math.max(1, Math.floor((rec.position * rate) / hop) - first);
    this.pending.add('live');
    this.r.worker.post({
      t: TO_WORKER.TILE, id: rec.id, key: 'live', first, count, hop, nFft: 2 * Math.round(rate * 0.016),
      options: this.imageOptions(rate),
    });
    rec.tileView = { first, hop, rate };
  }

  /** @param {TileMessage} msg */
  drawLive(msg) {
    const rec = this.r.live.recording;
    if (!rec || !rec.tileView) {
      msg.bitmap.close();
      return;
    }
    const view = this.r.viewport.view;
    const canvas = this.r.el.canvas;
    const g = canvas.getContext('2d');
    g.fillStyle = '#000';
    g.fillRect(0, 0, canvas.width, canvas.height);
    const { first, hop, rate } = rec.tileView;
    const spp = view.span / canvas.width;
    const colSec = hop / rate;
    g.drawImage(msg.bitmap, ((first - 0.5) * colSec - view.start) / spp, 0, (msg.width * colSec) / spp, canvas.height);
    msg.bitmap.close();
  }
}
