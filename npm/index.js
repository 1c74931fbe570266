// The `bystander` entry: the analyser's wasm API (SIMD build). Call `init()` once, then use
// the exports. Types: index.d.ts.
import initWasm from './pkg-simd/bystander.js';

export {
  spectrogram, SpectrogramStream, spectrogramImage, SpectrogramImageStream, spectrogramTile,
  spectrogramTileRange, detectSpeech, VoiceActivityStream, analyze, AnalyzerStream, version,
} from './pkg-simd/bystander.js';

let ready = null;

/**
 * Fetches and instantiates the analyser's .wasm (once; later calls return the same promise).
 * @param {{ wasmUrl?: string | URL }} [options]
 */
export function init(options = {}) {
  ready ??= initWasm({
    module_or_path: options.wasmUrl ?? new URL('./pkg-simd/bystander_bg.wasm', import.meta.url),
  }).then(() => undefined, (err) => {
    ready = null;
    throw err;
  });
  return ready;
}
