// @ts-check
// The keyboard shortcuts (the list shown in the help: SHORTCUTS in elements.js).

/** @typedef {import('../reviewer.js').Reviewer} Reviewer */

/** `o` goes round the overlap policies: audible, lowered, muted. */
const NEXT_OVERLAP = /** @type {const} */ ({ audible: 'lower', lower: 'mute', mute: 'audible' });

/**
 * A key press where the shortcuts are listened for; ignored in text fields and without a clip.
 * @param {Reviewer} r @param {KeyboardEvent} e
 */
export function onKey(r, e) {
  if (!r.clip || r.destroyed) return;
  const t = /** @type {HTMLInputElement} */ (e.target);
  const tag = t && t.tagName;
  if (tag === 'TEXTAREA' || (tag === 'INPUT' && !['checkbox', 'range', 'button', 'file'].includes(t.type)) || tag === 'SELECT' || (t && t.isContentEditable)) return;
  if (e.altKey) return;
  const mod = e.ctrlKey || e.metaKey;
  const k = e.key;
  let handled = true;
  if (mod && (k === 'z' || k === 'Z')) {
    if (e.shiftKey) r.redo();
    else r.undo();
  } else if (mod && k === 'y') r.redo();
  else if (mod) handled = false;
  else if (k === ' ' || k === 'Spacebar') r.transport.toggle();
  else if (k === 'ArrowRight') r.transport.seek(r.player.position + (e.shiftKey ? 5 : 1));
  else if (k === 'ArrowLeft') r.transport.seek(r.player.position - (e.shiftKey ? 5 : 1));
  else if (k === 'n') jump(r, 1);
  else if (k === 'p') jump(r, -1);
  else if (k === 'f' || k === 'F') jump(r, e.shiftKey ? -1 : 1, 'foreground');
  else if (k === 'b' || k === 'B') jump(r, e.shiftKey ? -1 : 1, 'background');
  else if (k === 'x') r.flip();
  else if (k === ']') r.queue.move(1);
  else if (k === '[') r.queue.move(-1);
  else if (k === 'a') r.queue.setVerdict('accept');
  else if (k === '!') r.queue.setVerdict('needs-fix');
  else if (k === 'r') r.privacy.toggleReveal();
  else if (k === 'm') r.privacy.set({ mute: !r.privacy.settings.mute });
  else if (k === 's') r.privacy.set({ skip: !r.privacy.settings.skip });
  else if (k === 'o') r.privacy.set({ overlap: NEXT_OVERLAP[r.privacy.settings.overlap] });
  else if (k === 'u') r.undo();
  else if (k === 'U') r.redo();
  else if (k === '+' || k === '=') r.zoom(0.5);
  else if (k === '-' || k === '_') r.zoom(2);
  else if (k === '0') r.fit();
  else if (k === '?') r.toggleHelp();
  else if (k === 'Escape' && !r.el.helpDialog.hidden) r.toggleHelp(false);
  else handled = false;
  if (handled) {
    e.preventDefault();
    e.stopPropagation();
  }
}

/**
 * Moves the playhead to the start of the next (dir 1) or previous (-1) segment (of `label`).
 * @param {Reviewer} r @param {number} dir @param {string | null} [label]
 */
export function jump(r, dir, label = null) {
  const segs = r.clip.segments;
  const pos = r.player.position;
  const ok = (/** @type {import('../protocol.js').Segment} */ s) => !label || s.label === label;
  let target = null;
  if (dir > 0) target = segs.find((s) => ok(s) && s.start > pos + 0.005) ?? null;
  else {
    for (let i = segs.length - 1; i >= 0; i--) {
      if (ok(segs[i]) && segs[i].start < pos - 0.005) { target = segs[i]; break; }
    }
  }
  if (!target) return;
  r.transport.seek(target.start);
  r.select(target);
}
