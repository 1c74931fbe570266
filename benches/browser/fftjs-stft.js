// The JS baseline of the browser benchmark: a streaming magnitude STFT built on fft.js
// (npm, `realTransform`), periodic Hann window, n_fft 512, hop 160, no centering/padding.
//
// fft.js 4.0.4 ships CommonJS only. spectrogram-bench.html loads it as a classic script
// after cjs-shim.js, which defines the `module` object it assigns to; this module takes
// the constructor from there (or from the global `FFT` the classic script's top-level
// function declaration also creates).

function takeFftConstructor() {
  const fromShim = globalThis.module && globalThis.module.exports;
  const FFT = typeof fromShim === 'function' ? fromShim : globalThis.FFT;
  if (typeof FFT !== 'function') {
    throw new Error('fft.js not loaded: include cjs-shim.js and /node_modules/fft.js/lib/fft.js as classic scripts first');
  }
  if (typeof fromShim === 'function') delete globalThis.module;
  return FFT;
}

export const FFT = takeFftConstructor();

/** Periodic Hann window of length n (scipy `hann(n, sym=False)`, librosa's default). */
export function periodicHann(n) {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}

/**
 * Streaming magnitude STFT. `push(block)` returns the frames completed by the block as
 * `{ frames, bins, firstFrame, data }`, `data` one Float32Array (frames x bins,
 * row-major) allocated once per block before its frame loop; samples not yet covered by
 * a whole frame are carried over to the next block. Frame `t` covers samples
 * [t*hop, t*hop + nFft) of the stream (center = false), so a stream of N samples yields
 * floor((N - nFft) / hop) + 1 frames.
 */
export class FftJsStft {
  constructor({ nFft = 512, hopLength = 160 } = {}) {
    this.nFft = nFft;
    this.hop = hopLength;
    this.bins = (nFft >> 1) + 1;
    this.fft = new FFT(nFft);
    this.window = periodicHann(nFft);
    this.frameIn = new Float64Array(nFft); // windowed frame (reused)
    this.spectrum = new Float64Array(2 * nFft); // interleaved complex output (reused)
    this.pending = new Float32Array(nFft + 16000);
    this.pendingLen = 0;
    this.nextFrame = 0;
  }

  push(block) {
    const { nFft, hop, bins, window, frameIn, spectrum, fft } = this;
    const total = this.pendingLen + block.length;
    if (total > this.pending.length) {
      const grown = new Float32Array(Math.max(total, 2 * this.pending.length));
      grown.set(this.pending.subarray(0, this.pendingLen));
      this.pending = grown;
    }
    const buf = this.pending;
    buf.set(block, this.pendingLen);
    const frames = total >= nFft ? Math.floor((total - nFft) / hop) + 1 : 0;
    const data = new Float32Array(frames * bins);
    for (let f = 0; f < frames; f++) {
      const base = f * hop;
      for (let i = 0; i < nFft; i++) frameIn[i] = buf[base + i] * window[i];
      // Fills bins 0..nFft/2 (interleaved re, im) of `spectrum`; enough for a real signal.
      fft.realTransform(spectrum, frameIn);
      const row = f * bins;
      for (let k = 0; k < bins; k++) {
        const re = spectrum[2 * k];
        const im = spectrum[2 * k + 1];
        data[row + k] = Math.sqrt(re * re + im * im);
      }
    }
    const consumed = frames * hop;
    buf.copyWithin(0, consumed, total);
    this.pendingLen = total - consumed;
    const firstFrame = this.nextFrame;
    this.nextFrame += frames;
    return { frames, bins, firstFrame, data };
  }

  /** No padding at the end (center = false): the tail shorter than a frame is dropped. */
  finish() {
    this.pendingLen = 0;
    return { frames: 0, bins: this.bins, firstFrame: this.nextFrame, data: new Float32Array(0) };
  }

  reset() {
    this.pendingLen = 0;
    this.nextFrame = 0;
  }

  free() {}
}
