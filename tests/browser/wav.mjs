// @ts-check
// Reads a WAV file in the tests with the page's own parser (www/audio-format.js: the header
// and the sample conversion the analysis worker uses), so there is one WAV reader in JS.
import { parseWavHeader, wavToFloat } from '../../www/audio-format.js';

/**
 * Reads a PCM/float WAV into one Float32Array per channel.
 * @param {Uint8Array | ArrayBuffer} bytes the whole file
 * @returns {{ sampleRate: number, channels: Float32Array[], bits: number, format: number }}
 *   format: 1 (PCM) or 3 (IEEE float)
 */
export function decodeWav(bytes) {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const h = parseWavHeader(b, b.length);
  if (!h) throw new Error('not a WAV file');
  const data = new Uint8Array(b.buffer, b.byteOffset + h.dataOffset, h.frames * h.blockAlign);
  return { sampleRate: h.sampleRate, channels: wavToFloat(data, h), bits: h.bits, format: h.float ? 3 : 1 };
}
