// @ts-check
// Spectrogram tiles for the visible range (used by analysis-worker.js; testable in Node).
// A tile is `count` image columns from column `first` at hop `hop` samples: each the same
// column that the whole-clip `spectrogramImage` draws at that hop (a frame of nFft samples
// centred on first * hop, zeros outside the clip; librosa's center=True, padMode
// 'constant'), so tiles side by side are the whole-clip image, never computed as a whole.

/**
 * @param {import('./bystander-loader.js').Bystander} b the loaded bystander package
 * @param {Float32Array} mono the clip (at least `length` samples)
 * @param {number} length clip length in samples
 * @param {number} rate sample rate, Hz
 * @param {{ first: number, count: number, hop: number, nFft: number, options: ImageOptions }} t
 *   options: the image options (colormap, frequencyScale, rangeDb, gainDb, height, fMax...)
 * @returns {{ width: number, height: number, rgba: Uint8ClampedArray }}
 */
/** @typedef {import('./pkg/bystander.js').SpectrogramImageOptions} ImageOptions */

export function tileImage(b, mono, length, rate, { first, count, hop, nFft, options }) {
  /** @type {ImageOptions} */
  const stft = { nFft, winLength: nFft, window: 'hann' };
  // At hops up to nFft the package's own tile API (only the samples the tile needs).
  if (typeof b.spectrogramTile === 'function' && typeof b.spectrogramTileRange === 'function' && hop <= nFft) {
    /** @type {ImageOptions} */
    const opts = { ...stft, hopLength: hop, center: true, padMode: 'constant', ...options };
    const [start, end] = b.spectrogramTileRange(first, count, length, rate, opts);
    return b.spectrogramTile(mono.subarray(start, end), rate, start, length, first, count, opts);
  }
  // Coarser levels (hop > nFft, a long clip zoomed out): each column's frame gathered back
  // to back into a compact signal, rendered with center: false and hop = nFft.
  const half = Math.floor(nFft / 2);
  const g = new Float32Array(count * nFft);
  for (let j = 0; j < count; j++) {
    const c = (first + j) * hop - half;
    const a = Math.max(0, c);
    const z = Math.min(length, c + nFft);
    if (z > a) g.set(mono.subarray(a, z), j * nFft + (a - c));
  }
  return b.spectrogramImage(g, rate, { ...stft, hopLength: nFft, center: false, ...options });
}
