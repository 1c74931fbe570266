// @ts-check
// Loads the bystander wasm package, choosing the SIMD build when the engine supports wasm
// simd128 (feature test: validate a tiny module that uses a v128 instruction) and the
// portable build otherwise. Both builds export the same API. The file decoder is a third
// module (pkg-decoder/, symphonia), loaded by loadDecoder only when a file needs it.
//
//   import { loadBystander } from './bystander-loader.js';
//   const bystander = await loadBystander();          // { simd: true, ...exports }
//   const s = bystander.spectrogram(samples, 16000, { preset: 'librosa', db: true });

/** A minimal module: (func (result v128) i32.const 0 i8x16.splat) */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0,
  253, 15, 253, 98, 11,
]);

/** @returns {boolean} whether this engine validates wasm simd128 code. */
export function simdSupported() {
  try {
    return WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

/**
 * The loaded package: its exports (www/pkg-simd/bystander.d.ts; the portable build has the
 * decoder's too), `simd` (which build is in use) and `memory` (the module's WebAssembly.Memory).
 * @typedef {typeof import('./pkg-simd/bystander.js')
 *   & Partial<Pick<typeof import('./pkg-decoder/bystander_decoder.js'), 'AudioFileDecoder' | 'AudioPacketReader'>>
 *   & { simd: boolean, memory: WebAssembly.Memory }} Bystander
 */

/**
 * Imports and initialises one build.
 * @param {{ simd?: boolean, wasmUrl?: string | URL }} [options] force a build (default:
 *   feature test); `wasmUrl`: where its .wasm is (default: next to its JS)
 * @returns {Promise<Bystander>} the package's exports plus `simd` (which build is in use) and
 *   `memory` (the module's WebAssembly.Memory, for reporting its size)
 */
export async function loadBystander(options = {}) {
  const simd = options.simd ?? simdSupported();
  const mod = simd ? await import('./pkg-simd/bystander.js') : await import('./pkg/bystander.js');
  const wasm = await mod.default(options.wasmUrl ? { module_or_path: options.wasmUrl } : undefined);
  return { ...mod, simd, memory: wasm && wasm.memory };
}

/**
 * Imports and initialises the file decoder (AudioFileDecoder, AudioPacketReader).
 * @param {{ wasmUrl?: string | URL }} [options] `wasmUrl`: where its .wasm is
 * @returns {Promise<typeof import('./pkg-decoder/bystander_decoder.js')>}
 */
export async function loadDecoder(options = {}) {
  const mod = await import('./pkg-decoder/bystander_decoder.js');
  await mod.default(options.wasmUrl ? { module_or_path: options.wasmUrl } : undefined);
  return mod;
}
