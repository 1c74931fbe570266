// @ts-check
// Playback for the review page (Web Audio). The clip plays as a chain of "pieces", each an
// AudioBufferSourceNode -> GainNode scheduled ahead on the context clock:
//  - mute: each piece's gain follows the privacy curve (exports.js gainBreakpoints): 0 over
//    every silenced stretch, linear 10 ms ramps just outside it (no clicks, nothing of the
//    stretch audible); a lowered stretch (overlaps with the lower policy) at its gain;
//  - skip: the pieces are the stretches between silenced ones, played back to back (the
//    same ramps fade out before and in after each skipped stretch);
//  - loop (the whole clip or [start, end]) and the playback rate are handled by planning.
// renderOffline() runs the same plan through an OfflineAudioContext (what a reviewer hears,
// sample for sample; used by the tests).
import { gainBreakpoints, RAMP_SECONDS } from './exports.js';

/**
 * Media stretches to play from `from` to `to`: one stretch, or with `skip` the parts
 * between the silenced intervals (gain 0; lowered ones, [a, b, gain > 0], are played).
 * @returns {[number, number][]}
 */
export function planStretches(from, to, { skip = false, intervals = [] } = {}) {
  if (!skip || !intervals.length) return to > from ? [[from, to]] : [];
  const out = [];
  let t = from;
  for (const [a, b, g = 0] of intervals) {
    if (g > 0 || b <= t) continue;
    if (a >= to) break;
    if (a > t) out.push([t, a]);
    t = Math.max(t, b);
  }
  if (to > t) out.push([t, to]);
  return out.filter(([a, b]) => b - a > 1e-4);
}

/** Schedules one stretch on `ctx`; returns the piece. */
function schedulePiece(ctx, buffer, dest, { a, b, when, rate, points }) {
  const src = ctx.createBufferSource();
  src.buffer = buffer;
  src.playbackRate.value = rate;
  const gain = ctx.createGain();
  src.connect(gain).connect(dest);
  const g = gain.gain;
  if (points && points.length) {
    // Value at `a` from the curve, then every breakpoint inside the stretch.
    let lo = 0;
    while (lo < points.length && points[lo][0] <= a) lo++;
    const before = lo > 0 ? points[lo - 1] : null;
    const after = lo < points.length ? points[lo] : null;
    let v0 = 1;
    if (before && after) v0 = before[1] + ((after[1] - before[1]) * (a - before[0])) / (after[0] - before[0] || 1);
    else if (before) v0 = before[1];
    g.setValueAtTime(v0, when);
    for (let i = lo; i < points.length && points[i][0] <= b + RAMP_SECONDS; i++) {
      g.linearRampToValueAtTime(points[i][1], when + (points[i][0] - a) / rate);
    }
  }
  src.start(when, a, b - a);
  return { src, gain, a, b, when, end: when + (b - a) / rate };
}

export class Player {
  /** @param {AudioContext} ctx */
  constructor(ctx) {
    this.ctx = ctx;
    this.out = ctx.createGain();
    this.out.connect(ctx.destination);
    this.buffer = null;
    this.rate = 1;
    this.loop = null; // null | [start, end]
    this.mute = true;
    this.skip = false;
    this.intervals = [];
    this.pieces = [];
    this.playing = false;
    this.pos = 0;
    this.timer = null;
    this.next = null; // media time the next piece starts at
    this.onended = null;
  }

  get duration() {
    return this.buffer ? this.length / this.buffer.sampleRate : 0;
  }

  /**
   * Plays `buffer`'s first `length` frames (default all: a buffer allocated for a length
   * estimated before decoding can end in unused frames).
   */
  setBuffer(buffer, length = buffer ? buffer.length : 0) {
    this.stop();
    this.buffer = buffer;
    this.length = Math.min(length, buffer ? buffer.length : 0);
    this.pos = 0;
  }

  /** { mute, skip, intervals } — applied at once (playback restarts in place). */
  setPolicy({ mute = this.mute, skip = this.skip, intervals = this.intervals }) {
    this.mute = mute;
    this.skip = skip;
    this.intervals = intervals;
    this.restart();
  }

  setRate(rate) {
    this.rate = Math.min(4, Math.max(0.25, rate));
    this.restart();
  }

  /** false, true (whole clip) or [start, end] seconds. */
  setLoop(loop) {
    this.loop = loop === true ? [0, this.duration] : Array.isArray(loop) ? [loop[0], loop[1]] : null;
    this.restart();
  }

  get position() {
    if (!this.playing) return this.pos;
    const t = this.ctx.currentTime;
    let last = null;
    for (const p of this.pieces) {
      if (t < p.when) return last ? last.b : p.a;
      if (t < p.end) return p.a + (t - p.when) * this.rate;
      last = p;
    }
    return last ? last.b : this.pos;
  }

  async play(from = null) {
    if (!this.buffer) return;
    if (from != null) this.pos = from;
    if (this.pos >= this.duration - 1e-3) this.pos = this.loop ? this.loop[0] : 0;
    if (this.ctx.state !== 'running') await this.ctx.resume();
    this.stopPieces();
    this.playing = true;
    this.next = this.pos;
    this.startAt = this.ctx.currentTime + 0.03;
    this.pump();
    this.timer = setInterval(() => this.pump(), 100);
  }

  pause() {
    if (!this.playing) return;
    this.pos = this.position;
    this.stop();
  }

  stop() {
    this.stopPieces();
    this.playing = false;
    clearInterval(this.timer);
    this.timer = null;
  }

  seek(t) {
    const clamped = Math.max(0, Math.min(this.duration, t));
    if (this.playing) {
      this.stopPieces();
      this.pos = clamped;
      this.next = clamped;
      this.startAt = this.ctx.currentTime + 0.03;
      this.pump();
    } else this.pos = clamped;
  }

  restart() {
    if (this.playing) this.seek(this.position);
  }

  stopPieces() {
    const now = this.ctx.currentTime;
    for (const p of this.pieces) {
      // A 3 ms fade instead of a hard stop (no click).
      p.gain.gain.cancelScheduledValues(now);
      p.gain.gain.setTargetAtTime(0, now, 0.003);
      try { p.src.stop(now + 0.02); } catch { /* not started */ }
    }
    this.pieces = [];
  }

  /** Schedules pieces until 0.5 s ahead of the clock; ends or loops at the end. */
  pump() {
    if (!this.playing) return;
    const now = this.ctx.currentTime;
    this.pieces = this.pieces.filter((p) => p.end > now - 0.5);
    const points = this.mute || this.skip ? gainBreakpoints(this.intervals) : null;
    let guard = 0;
    while (this.startAt < now + 0.5 && guard++ < 64) {
      const end = this.loop ? this.loop[1] : this.duration;
      const stretches = planStretches(this.next, end, { skip: this.skip, intervals: this.intervals });
      if (!stretches.length) {
        if (this.loop && this.loop[1] > this.loop[0]) {
          this.next = this.loop[0];
          continue;
        }
        // The end: stop when the last piece has played.
        const lastEnd = this.pieces.length ? this.pieces[this.pieces.length - 1].end : now;
        if (now >= lastEnd) {
          this.pos = this.duration;
          this.stop();
          if (this.onended) this.onended();
        }
        return;
      }
      const [a, b] = stretches[0];
      const piece = schedulePiece(this.ctx, this.buffer, this.out, { a, b, when: this.startAt, rate: this.rate, points });
      this.pieces.push(piece);
      this.startAt = piece.end;
      this.next = b;
    }
  }

  dispose() {
    this.stop();
    this.out.disconnect();
  }
}

/**
 * Renders what the player would output for [from, to) at rate 1, without looping:
 * an AudioBuffer from an OfflineAudioContext at the clip's rate and channel count.
 */
export async function renderOffline(buffer, { from = 0, to = buffer.duration, mute = true, skip = false, intervals = [] } = {}) {
  const stretches = planStretches(from, to, { skip, intervals });
  const seconds = stretches.reduce((s, [a, b]) => s + (b - a), 0);
  const frames = Math.max(1, Math.round(seconds * buffer.sampleRate));
  const ctx = new OfflineAudioContext(buffer.numberOfChannels, frames, buffer.sampleRate);
  const points = mute || skip ? gainBreakpoints(intervals) : null;
  let when = 0;
  for (const [a, b] of stretches) {
    schedulePiece(ctx, buffer, ctx.destination, { a, b, when, rate: 1, points });
    when += b - a;
  }
  return ctx.startRendering();
}
