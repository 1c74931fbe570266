// The package's loader, in place of the review page's www/bystander-loader.js (same exports):
// the analyser's SIMD build only and the decoder module, imported statically so that
// bundlers (Vite, webpack, esbuild) see every module and .wasm; the .wasm files are fetched
// only when loadBystander / loadDecoder run.
import initAnalyser, * as analyser from './pkg-simd/bystander.js';
import initDecoder, * as decoder from './pkg-decoder/bystander_decoder.js';

/** The package ships the SIMD build only (every engine it supports validates simd128). */
export function simdSupported() {
  return true;
}

/** @param {{ wasmUrl?: string | URL }} [options] */
export async function loadBystander(options = {}) {
  const wasm = await initAnalyser({
    module_or_path: options.wasmUrl ?? new URL('./pkg-simd/bystander_bg.wasm', import.meta.url),
  });
  return { ...analyser, simd: true, memory: wasm.memory };
}

/** @param {{ wasmUrl?: string | URL }} [options] */
export async function loadDecoder(options = {}) {
  await initDecoder({
    module_or_path: options.wasmUrl ?? new URL('./pkg-decoder/bystander_decoder_bg.wasm', import.meta.url),
  });
  return decoder;
}
