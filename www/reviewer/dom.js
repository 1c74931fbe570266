// @ts-check
// Small DOM and text helpers of the reviewer: an element builder, time and segment text.

/** @typedef {import('../protocol.js').Segment} Segment */

/**
 * An element with attributes (`class`, `text`, `dataset`, `on<event>` listeners, others as
 * attributes; null/false ones left out) and children.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, any>} [attrs]
 * @param {...(Node | string | null)} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

/** `m:ss.s` (`digits` decimals of seconds); '–' for a time that is not finite. */
export const fmtTime = (/** @type {number} */ t, digits = 1) => {
  if (!Number.isFinite(t)) return '–';
  const m = Math.floor(t / 60);
  const s = t - 60 * m;
  return `${m}:${s.toFixed(digits).padStart(digits ? 3 + digits : 2, '0')}`;
};

export const errorText = (/** @type {any} */ err) => (err && err.message ? err.message : String(err));

/** A segment's accessible description (its lane element's aria-label). @param {Segment} s */
export function segmentText(s) {
  const c = s.cues;
  let t = `${s.label} ${s.start.toFixed(2)}–${s.end.toFixed(2)} s, confidence ${(100 * s.confidence).toFixed(0)} %`;
  if (s.label === 'foreground' && s.overlap) t += ', background speech under it (left audible unless strict privacy)';
  if (c) {
    t += `; level ${c.levelDb.toFixed(1)} dBFS (${c.relativeLevelDb >= 0 ? '+' : ''}${c.relativeLevelDb.toFixed(1)} dB re the foreground talker)`
      + `, reverb ${c.reverb.toFixed(1)} dB, SNR ${c.snrDb.toFixed(1)} dB, background score ${c.backgroundScore.toFixed(2)}`;
  }
  if (s.edited) t += s.originalLabel && s.originalLabel !== s.label ? `; edited (was ${s.originalLabel})` : '; edited';
  return t;
}
