// @ts-check
// The privacy policy: mute or skip background speech in playback, strict (overlaps too),
// blur on the spectrogram, revealed segments, the overlap warning.
import { silencedIntervals } from '../exports.js';
import { LOW_CONFIDENCE } from './lanes.js';
import { clipFit } from './trust.js';

/** @typedef {import('../protocol.js').Segment} Segment */

export class Privacy {
  /** @param {import('../reviewer.js').Reviewer} r */
  constructor(r) {
    this.r = r;
    /** The settings (the checkboxes): every one is applied at once. */
    this.settings = { mute: true, skip: false, strict: false, hide: true };
  }

  /** @param {{ mute?: boolean, skip?: boolean, strict?: boolean, hide?: boolean }} p */
  set(p) {
    const { r } = this;
    Object.assign(this.settings, p);
    r.el.muteBackground.checked = this.settings.mute;
    r.el.skipBackground.checked = this.settings.skip;
    r.el.strictPrivacy.checked = this.settings.strict;
    r.el.hideBackground.checked = this.settings.hide;
    this.showState();
    this.apply();
    if (r.clip) this.updateWarning();
    r.scheduleRender('spec', 'lanes');
  }

  /** 'skipped', 'muted' or 'audible': what playback does with background speech. */
  get state() {
    return this.settings.skip ? 'skipped' : this.settings.mute ? 'muted' : 'audible';
  }

  /** The badge (`Background: MUTED`) and `data-privacy-state` on the component (and the page). */
  showState() {
    const { r } = this;
    const state = this.state;
    r.el.privacyBadge.textContent = `Background: ${state.toUpperCase()}`;
    r.el.privacyBadge.dataset.state = state;
    for (const e of [r.root, r.opts.stateTarget]) if (e) e.dataset.privacyState = state;
  }

  /** Whether playback at `t` is being silenced (muted or skipped) right now. @param {number} t */
  silencedAt(t) {
    if (!this.settings.mute && !this.settings.skip) return false;
    return this.intervals().some(([a, b]) => t >= a && t < b);
  }

  /** The stretches that mute, skip and redaction silence (exports.js silencedIntervals). */
  intervals() {
    const { r } = this;
    return r.clip ? silencedIntervals(r.clip.segments, { strict: this.settings.strict }) : [];
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
   * The warning line: a clip that does not fit the model (trust.js) first, then foreground
   * speech with background speech under it; a clip without speech says so.
   */
  updateWarning() {
    const { r } = this;
    const c = r.clip;
    const w = r.el.warning;
    const fit = clipFit(c.segments, c.duration, LOW_CONFIDENCE);
    w.dataset.fit = fit.poor ? 'poor' : 'ok';
    const overlaps = c.segments.filter((s) => s.label === 'foreground' && s.overlap);
    const n = overlaps.length;
    const stretches = `${n} stretch${n === 1 ? '' : 'es'}`;
    if (fit.poor) {
      w.classList.remove('bysr-none');
      w.textContent = `⚠ ${fit.reason}${n ? ` Also ${stretches} of foreground speech with background speech under ${n === 1 ? 'it' : 'them'} (marked ⚠).` : ''}`;
      return;
    }
    if (!n) {
      w.classList.add('bysr-none');
      w.textContent = c.segments.length ? 'No background speech was detected under foreground speech.' : 'No speech was found in this clip.';
      return;
    }
    const secs = overlaps.reduce((a, s) => a + s.end - s.start, 0);
    w.classList.remove('bysr-none');
    w.textContent = this.settings.strict
      ? `⚠ Strict privacy: ${stretches} of foreground speech with background speech under ${n === 1 ? 'it' : 'them'} (${secs.toFixed(1)} s) ${this.settings.mute || this.settings.skip ? (n === 1 ? 'is muted too' : 'are muted too') : 'will be silenced in the redacted audio'} — the command there is lost.`
      : `⚠ ${stretches} of foreground speech (${secs.toFixed(1)} s) ${n === 1 ? 'has' : 'have'} background speech under ${n === 1 ? 'it' : 'them'}: left audible so the command is kept (marked ⚠ in the lanes). Turn on strict privacy to mute ${n === 1 ? 'it' : 'them'} too.`;
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
