// @ts-check
// The playback controls: play / pause, the playheads and the time shown, seek, rate, loop
// (the player itself: playback.js).
import { fmtTime } from './dom.js';

export class Transport {
  /** @param {import('../reviewer.js').Reviewer} r */
  constructor(r) {
    this.r = r;
  }

  /** Play / pause (the button, Space). */
  async toggle() {
    const { r } = this;
    if (!r.clip) return;
    if (r.player.playing) r.player.pause();
    else await r.player.play();
    this.updateButton();
    if (r.player.playing) this.tick();
  }

  updateButton() {
    const { r } = this;
    const playing = r.player && r.player.playing;
    r.el.play.textContent = playing ? '❚❚ Pause' : '▶ Play';
    r.el.play.setAttribute('aria-pressed', String(Boolean(playing)));
    this.updatePlayhead();
  }

  /** Moves the playhead every animation frame while playing. */
  tick() {
    const { r } = this;
    if (r.destroyed) return;
    this.updatePlayhead();
    if (r.player.playing) requestAnimationFrame(() => this.tick());
    else this.updateButton();
  }

  /** The playheads and the time; while playing, the view follows page by page. */
  updatePlayhead() {
    const { r } = this;
    if (!r.clip || r.live.recording) return;
    const pos = r.player.position;
    const { start, span } = r.viewport.view;
    if (r.player.playing && (pos > start + span * 0.98 || pos < start) && span < r.clip.duration) {
      // Follow playback page by page.
      r.viewport.setView(pos - span * 0.02, span);
    }
    const x = (100 * (pos - r.viewport.view.start)) / r.viewport.view.span;
    const vis = x >= 0 && x <= 100;
    // The playhead shows when background speech is being muted (or skipped) under it.
    const muting = r.player.playing && r.privacy.silencedAt(pos);
    for (const e of [r.el.specHead, r.el.lanesHead, r.el.overviewHead]) e.classList.toggle('bysr-muting', muting);
    for (const e of [r.el.specHead, r.el.lanesHead]) {
      e.style.left = `${x}%`;
      e.hidden = !vis;
    }
    r.el.overviewHead.style.left = `${(100 * pos) / r.clip.duration}%`;
    r.el.time.textContent = `${fmtTime(pos)} / ${fmtTime(r.clip.duration)}`;
  }

  /** @param {number} t seconds */
  seek(t) {
    const { r } = this;
    if (!r.clip) return;
    r.player.seek(t);
    r.viewport.ensureVisible(t, t);
    this.updatePlayhead();
  }

  /** @param {number} rate 0.25..4 */
  setRate(rate) {
    const { r } = this;
    r.player.setRate(rate);
    r.el.rate.value = String(r.player.rate);
  }

  /** @param {boolean | [number, number]} loop the whole clip, none, or [start, end] seconds */
  setLoop(loop) {
    const { r } = this;
    r.player.setLoop(loop);
    r.el.loop.checked = Boolean(loop);
  }
}
