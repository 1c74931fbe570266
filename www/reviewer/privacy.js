// @ts-check
// The privacy policy: mute or skip background speech in playback; what happens to foreground
// speech with background speech under it (⚠ overlaps: left audible, lowered by a set number
// of dB, or muted too: strict); blur on the spectrogram, revealed segments; the warning line
// (with the offer to lower overlaps on a clip that is mostly ⚠) and the per-clip line of what
// is heard of the background.
import { MOSTLY_OVERLAP, OVERLAP_GAIN_DB, overlapShare, policyStretches } from '../exports.js';
import { h } from './dom.js';
import { LOW_CONFIDENCE } from './lanes.js';
import { clipFit } from './trust.js';

/** @typedef {import('../protocol.js').Segment} Segment */
/** @typedef {'audible' | 'lower' | 'mute'} OverlapPolicy */
/**
 * @typedef {{ mute?: boolean, skip?: boolean, strict?: boolean, hide?: boolean,
 *   overlap?: OverlapPolicy, overlapGainDb?: number }} PrivacySettings
 */

const OVERLAP_POLICIES = ['audible', 'lower', 'mute'];
const plural = (/** @type {number} */ n, /** @type {string} */ word) => `${n} ${word}${n === 1 ? '' : 's'}`;
/** `−20 dB` with a real minus sign. @param {number} db */
export const fmtDb = (db) => `${db < 0 ? '−' : ''}${Math.abs(db)} dB`;

export class Privacy {
  /** @param {import('../reviewer.js').Reviewer} r */
  constructor(r) {
    this.r = r;
    const db = Number(r.opts.overlapGainDb ?? OVERLAP_GAIN_DB);
    /**
     * The settings (the privacy menu): every one is applied at once. `strict` is
     * `overlap === 'mute'` (kept for setPrivacy({ strict })).
     */
    this.settings = { mute: true, skip: false, strict: false, hide: true, overlap: /** @type {OverlapPolicy} */ ('audible'), overlapGainDb: clampDb(db) };
  }

  /** @param {PrivacySettings} p */
  set(p) {
    const { r } = this;
    const s = this.settings;
    for (const k of ['mute', 'skip', 'hide']) if (k in p) s[k] = Boolean(p[k]);
    if (p.overlap !== undefined) {
      if (!OVERLAP_POLICIES.includes(p.overlap)) throw new Error(`overlap must be one of ${OVERLAP_POLICIES.join(', ')}`);
      s.overlap = p.overlap;
    } else if (p.strict !== undefined) s.overlap = p.strict ? 'mute' : s.overlap === 'mute' ? 'audible' : s.overlap;
    if (p.overlapGainDb !== undefined) s.overlapGainDb = clampDb(Number(p.overlapGainDb));
    s.strict = s.overlap === 'mute';
    r.el.muteBackground.checked = s.mute;
    r.el.skipBackground.checked = s.skip;
    r.el.hideBackground.checked = s.hide;
    r.el.overlapPolicy.value = s.overlap;
    r.el.overlapGain.value = String(s.overlapGainDb);
    r.el.overlapLowerOption.textContent = `lowered by ${Math.abs(s.overlapGainDb)} dB`;
    this.showState();
    this.apply();
    if (r.clip) {
      this.updateWarning();
      this.updateLine();
    }
    r.scheduleRender('spec', 'lanes');
  }

  /** 'skipped', 'muted' or 'audible': what playback does with background speech. */
  get state() {
    return this.settings.skip ? 'skipped' : this.settings.mute ? 'muted' : 'audible';
  }

  /** Whether mute or skip is on (else every policy leaves playback as it is). */
  get active() {
    return this.settings.mute || this.settings.skip;
  }

  /**
   * The badge (`Background: MUTED`), the overlaps' readout beside it, `data-privacy-state`
   * and `data-overlap-policy` on the component (and the page).
   */
  showState() {
    const { r } = this;
    const state = this.state;
    const s = this.settings;
    r.el.privacyBadge.textContent = `Background: ${state.toUpperCase()}`;
    r.el.privacyBadge.dataset.state = state;
    r.el.overlapBadge.textContent = s.overlap === 'lower' ? `⚠ ${fmtDb(s.overlapGainDb)}` : s.overlap === 'mute' ? '⚠ muted' : '';
    r.el.overlapBadge.hidden = s.overlap === 'audible' || !this.active;
    for (const e of [r.root, r.opts.stateTarget]) {
      if (!e) continue;
      e.dataset.privacyState = state;
      e.dataset.overlapPolicy = s.overlap;
    }
  }

  /** Whether playback at `t` is being silenced or lowered right now. @param {number} t */
  silencedAt(t) {
    if (!this.active) return false;
    return this.intervals().some(([a, b]) => t >= a && t < b);
  }

  /**
   * The stretches that mute, skip, lower and redaction act on, [start, end, gain]
   * (exports.js policyStretches).
   */
  intervals() {
    const { r } = this;
    const s = this.settings;
    return r.clip ? policyStretches(r.clip.segments, { overlap: s.overlap, overlapGainDb: s.overlapGainDb }) : [];
  }

  /** The policy to the player (applied at once). */
  apply() {
    const { r } = this;
    if (!r.player) return;
    r.player.setPolicy({ mute: this.settings.mute, skip: this.settings.skip, intervals: this.intervals() });
  }

  /** Whether a segment is blurred on the spectrogram. @param {Segment} s */
  isHidden(s) {
    const { r } = this;
    if (r.revealed.has(s)) return false;
    return s.label === 'background' || (this.settings.strict && s.label === 'foreground' && s.overlap);
  }

  /**
   * What is heard of the background speech of the clip on show: its segments and seconds,
   * and the seconds of foreground speech with background under it that stay audible under
   * the current policy (all of them, lowered, or none).
   * @returns {{ segments: number, seconds: number, overlapSeconds: number, audibleOverlapSeconds: number, text: string }}
   */
  summary() {
    const { r } = this;
    const s = this.settings;
    const segs = r.clip ? r.clip.segments : [];
    const back = segs.filter((x) => x.label === 'background' && x.end > x.start);
    const seconds = back.reduce((a, x) => a + x.end - x.start, 0);
    const { overlap } = overlapShare(segs);
    const audible = this.active && s.overlap === 'mute' ? 0 : overlap;
    const what = s.skip ? 'skipped' : s.mute ? 'muted' : 'audible';
    let tail = `${audible.toFixed(1)} s under foreground speech audible`;
    if (this.active && s.overlap === 'lower' && overlap > 0) tail += ` (lowered by ${Math.abs(s.overlapGainDb)} dB)`;
    if (this.active && s.overlap === 'mute' && overlap > 0) tail += ` (${overlap.toFixed(1)} s muted)`;
    const text = back.length
      ? `Background: ${plural(back.length, 'segment')}, ${seconds.toFixed(1)} s ${what}; ${tail}`
      : `Background: none; ${tail}`;
    return { segments: back.length, seconds, overlapSeconds: overlap, audibleOverlapSeconds: audible, text };
  }

  /** The per-clip line under the status line (data-* carry its figures). */
  updateLine() {
    const { r } = this;
    const e = r.el.privacyLine;
    if (!r.clip) {
      e.textContent = '';
      return;
    }
    const m = this.summary();
    e.textContent = m.text;
    e.dataset.segments = String(m.segments);
    e.dataset.seconds = m.seconds.toFixed(3);
    e.dataset.overlapSeconds = m.overlapSeconds.toFixed(3);
    e.dataset.audibleOverlapSeconds = m.audibleOverlapSeconds.toFixed(3);
  }

  /**
   * The warning line: a clip that does not fit the model (trust.js) first, then foreground
   * speech with background speech under it (on a clip that is mostly that, MOSTLY_OVERLAP,
   * with a button that lowers it); a clip without speech says so.
   */
  updateWarning() {
    const { r } = this;
    const c = r.clip;
    const w = r.el.warning;
    const s = this.settings;
    const fit = clipFit(c.segments, c.duration, LOW_CONFIDENCE);
    w.dataset.fit = fit.poor ? 'poor' : 'ok';
    const overlaps = c.segments.filter((x) => x.label === 'foreground' && x.overlap);
    const n = overlaps.length;
    const share = overlapShare(c.segments);
    const mostly = n > 0 && share.share >= MOSTLY_OVERLAP;
    w.dataset.mostlyOverlap = String(mostly);
    const stretches = `${n} stretch${n === 1 ? '' : 'es'}`;
    const them = n === 1 ? 'it' : 'them';
    if (fit.poor) {
      w.classList.remove('bysr-none');
      w.textContent = `⚠ ${fit.reason}${n ? ` Also ${stretches} of foreground speech with background speech under ${them} (marked ⚠).` : ''}`;
      return;
    }
    if (!n) {
      w.classList.add('bysr-none');
      w.textContent = c.segments.length ? 'No background speech was detected under foreground speech.' : 'No speech was found in this clip.';
      return;
    }
    const secs = share.overlap;
    const lowerBy = `${Math.abs(s.overlapGainDb)} dB`;
    w.classList.remove('bysr-none');
    if (mostly && s.overlap === 'audible') {
      // The offer: most of what the device heard has someone else under it.
      w.replaceChildren(
        `⚠ Most of the foreground speech (${(100 * share.share).toFixed(0)} %, ${secs.toFixed(1)} s) has background speech under it, left audible. `,
        h('button', { type: 'button', class: 'bysr-lower-overlaps', id: r.opts.ids ? 'lower-overlaps' : null, text: `Lower it by ${lowerBy}`, onclick: () => this.set({ overlap: 'lower', mute: true }) }),
        ' (background-only speech stays muted; the command stays audible, quieter).');
      return;
    }
    const heard = !this.active ? 'will be silenced in the redacted audio'
      : n === 1 ? 'is muted too' : 'are muted too';
    if (s.overlap === 'mute') {
      w.textContent = `⚠ Strict privacy: ${stretches} of foreground speech with background speech under ${them} (${secs.toFixed(1)} s) ${heard} — the command there is lost.`;
    } else if (s.overlap === 'lower') {
      w.textContent = `⚠ ${stretches} of foreground speech (${secs.toFixed(1)} s${mostly ? `, ${(100 * share.share).toFixed(0)} % of it` : ''}) with background speech under ${them}: lowered by ${lowerBy}${this.active ? '' : ' in the redacted audio'}, background-only speech muted.`;
    } else {
      w.textContent = `⚠ ${stretches} of foreground speech (${secs.toFixed(1)} s) ${n === 1 ? 'has' : 'have'} background speech under ${them}: left audible so the command is kept (marked ⚠ in the lanes). Lower or mute ${them} in the Privacy menu.`;
    }
  }

  /** Reveals / hides the current background segment (r). */
  toggleReveal() {
    const { r } = this;
    const s = r.current();
    if (!s) return;
    if (r.revealed.has(s)) r.revealed.delete(s);
    else if (s.label === 'background' || s.overlap) r.revealed.add(s);
    r.select(s, false);
  }
}

/** An overlap gain in dB: -60..0 (a number; -20 when it is not one). @param {number} db */
function clampDb(db) {
  return Number.isFinite(db) ? Math.max(-60, Math.min(0, Math.round(db))) : OVERLAP_GAIN_DB;
}
