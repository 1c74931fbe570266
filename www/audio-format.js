// @ts-check
// Audio container facts, without decoding: the WAV parser the analysis worker uses (PCM and
// float WAV are converted to samples in the worker, so a 60-minute WAV never blocks the
// page), and a sniffer that finds the original sample rate of compressed files, so that the
// browser's decoder (decodeAudioData) can be asked for the file's own rate (a redacted WAV
// is written at that rate). Pure functions; they run in the page, the worker and Node.

/** @param {Uint8Array} b @param {number} i */
const u16 = (b, i) => b[i] | (b[i + 1] << 8);
const u32 = (b, i) => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
const be32 = (b, i) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
const tag = (b, i) => String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3]);

/** A duration as the core words it: `12.34 s`, `3.5 min`, `1.2 h`. @param {number} seconds */
function humanDuration(seconds) {
  if (seconds < 60) return `${seconds.toFixed(2)} s`;
  if (seconds < 3600) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/**
 * Parses a WAV header from the first bytes of a file (64 KiB is plenty).
 * @param {Uint8Array} head
 * @param {number} fileSize total size in bytes (for a data chunk of unknown size)
 * @returns {null | { sampleRate: number, channels: number, bits: number, float: boolean,
 *   dataOffset: number, dataBytes: number, frames: number, blockAlign: number,
 *   warning: string | null }}
 *   null when the bytes are not a RIFF/RF64 WAVE file; throws for a WAV this parser cannot
 *   convert (the caller then falls back to the browser's decoder).
 */
export function parseWavHeader(head, fileSize) {
  if (head.length < 12) return null;
  const riff = tag(head, 0);
  if ((riff !== 'RIFF' && riff !== 'RF64') || tag(head, 8) !== 'WAVE') return null;
  let fmt = null;
  let ds64Data = null;
  let i = 12;
  while (i + 8 <= head.length) {
    const id = tag(head, i);
    let size = u32(head, i + 4);
    const body = i + 8;
    if (id === 'ds64' && body + 24 <= head.length) {
      ds64Data = u32(head, body + 8) + u32(head, body + 12) * 2 ** 32;
    } else if (id === 'fmt ' && body + 16 <= head.length) {
      let format = u16(head, body);
      const channels = u16(head, body + 2);
      const sampleRate = u32(head, body + 4);
      const bytesPerSecond = u32(head, body + 8);
      const blockAlign = u16(head, body + 12);
      const bits = u16(head, body + 14);
      if (format === 0xfffe && size >= 40 && body + 26 <= head.length) format = u16(head, body + 24);
      fmt = { format, channels, sampleRate, bytesPerSecond, blockAlign, bits };
    } else if (id === 'data') {
      if (!fmt) throw new Error('WAV data chunk before its fmt chunk');
      const available = fileSize - body;
      if (ds64Data != null && size === 0xffffffff) size = ds64Data;
      // A length claiming more than the file holds (a truncated copy, or a placeholder
      // such as 0xFFFFFFF0) gets the core's warning, word for word (src/decode/wav_header.rs);
      // 0xFFFFFFFF is "length unknown" and 0 a streaming writer's placeholder: no warning.
      let warning = null;
      if (size > available && size !== 0xffffffff && Number.isFinite(available)) {
        const seconds = (bytes) => (fmt.bytesPerSecond > 0 ? ` (${humanDuration(bytes / fmt.bytesPerSecond)})` : '');
        warning = `truncated WAV: the header announces ${size} bytes of audio${seconds(size)}, the file holds ${available} bytes${seconds(available)}; decoded what is there`;
      }
      // Streaming writers leave 0 or 0xFFFFFFFF: take the rest of the file.
      if (size === 0 || size === 0xffffffff || size > available) size = available;
      const { format, channels, sampleRate, bits } = fmt;
      const float = format === 3;
      if (!(format === 1 || format === 3)) throw new Error(`WAV encoding ${format} is not plain PCM or float`);
      if (float ? !(bits === 32 || bits === 64) : !(bits === 8 || bits === 16 || bits === 24 || bits === 32)) {
        throw new Error(`WAV with ${bits}-bit ${float ? 'float' : 'PCM'} samples`);
      }
      if (channels < 1 || channels > 32) throw new Error(`WAV with ${channels} channels`);
      if (sampleRate < 1) throw new Error('WAV with a sample rate of 0');
      const blockAlign = channels * (bits / 8);
      return {
        sampleRate, channels, bits, float, dataOffset: body, dataBytes: size, blockAlign,
        frames: Math.floor(size / blockAlign), warning,
      };
    }
    i = body + size + (size & 1);
  }
  throw new Error('no WAV data chunk in the first bytes of the file');
}

/**
 * Converts whole sample frames of interleaved WAV data to one Float32Array per channel
 * (the scale the browser's and symphonia's decoders use: int / 2^(bits-1), 8-bit offset).
 * @param {Uint8Array} bytes a multiple of blockAlign bytes
 * @param {{ channels: number, bits: number, float: boolean }} f
 * @param {(n: number) => Float32Array} [alloc] where the channels go (a buffer pool)
 * @returns {Float32Array[]}
 */
export function wavToFloat(bytes, f, alloc = (n) => new Float32Array(n)) {
  const { channels, bits } = f;
  const bps = bits / 8;
  const frames = Math.floor(bytes.length / (bps * channels));
  const out = Array.from({ length: channels }, () => alloc(frames));
  const aligned = bytes.byteOffset % bps === 0;
  if (f.float && bits === 32 && aligned) {
    const v = new Float32Array(bytes.buffer, bytes.byteOffset, frames * channels);
    for (let c = 0; c < channels; c++) { const o = out[c]; for (let i = 0, k = c; i < frames; i++, k += channels) o[i] = v[k]; }
  } else if (f.float) {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    for (let i = 0, p = 0; i < frames; i++) {
      for (let c = 0; c < channels; c++, p += bps) out[c][i] = bits === 32 ? dv.getFloat32(p, true) : dv.getFloat64(p, true);
    }
  } else if (bits === 16 && aligned) {
    const v = new Int16Array(bytes.buffer, bytes.byteOffset, frames * channels);
    for (let c = 0; c < channels; c++) { const o = out[c]; for (let i = 0, k = c; i < frames; i++, k += channels) o[i] = v[k] / 32768; }
  } else if (bits === 8) {
    for (let c = 0; c < channels; c++) { const o = out[c]; for (let i = 0, k = c; i < frames; i++, k += channels) o[i] = (bytes[k] - 128) / 128; }
  } else {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    for (let i = 0, p = 0; i < frames; i++) {
      for (let c = 0; c < channels; c++, p += bps) {
        if (bits === 16) out[c][i] = dv.getInt16(p, true) / 32768;
        else if (bits === 24) out[c][i] = ((bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16)) << 8 >> 8) / 8388608;
        else out[c][i] = dv.getInt32(p, true) / 2147483648;
      }
    }
  }
  return out;
}

/**
 * The original sample rate of a compressed file from its first bytes, or null when it
 * cannot be told (the page then decodes at 48 kHz). FLAC STREAMINFO, MP3 frame header (after
 * ID3v2), Ogg Vorbis / Opus identification headers (Opus: its input rate, else 48 kHz),
 * MP4/M4A `mp4a` sample entry, WebM/Matroska SamplingFrequency.
 * @param {Uint8Array} b
 * @returns {{ container: string, sampleRate: number | null }}
 */
export function sniffAudio(b) {
  if (b.length >= 12 && (tag(b, 0) === 'RIFF' || tag(b, 0) === 'RF64') && tag(b, 8) === 'WAVE') {
    try { return { container: 'wav', sampleRate: parseWavHeader(b, Infinity)?.sampleRate ?? null }; } catch {
      // A WAV with another encoding: find the fmt chunk's rate anyway.
      for (let i = 12; i + 16 <= b.length;) {
        const size = u32(b, i + 4);
        if (tag(b, i) === 'fmt ') return { container: 'wav', sampleRate: u32(b, i + 12) || null };
        i += 8 + size + (size & 1);
      }
      return { container: 'wav', sampleRate: null };
    }
  }
  if (b.length >= 26 && tag(b, 0) === 'fLaC') {
    // METADATA_BLOCK_HEADER (4 bytes) then STREAMINFO: rate is 20 bits at byte 10 of it.
    const s = 8;
    return { container: 'flac', sampleRate: ((b[s + 10] << 12) | (b[s + 11] << 4) | (b[s + 12] >> 4)) || null };
  }
  if (b.length >= 4 && tag(b, 0) === 'OggS') {
    for (let i = 0; i + 20 < b.length && i < 4096; i++) {
      if (b[i] === 1 && String.fromCharCode(...b.subarray(i + 1, i + 7)) === 'vorbis') {
        return { container: 'ogg', sampleRate: u32(b, i + 12) || null };
      }
      if (tag(b, i) === 'Opus' && tag(b, i + 4) === 'Head') {
        const input = u32(b, i + 12);
        return { container: 'opus', sampleRate: input >= 8000 && input <= 384000 ? input : 48000 };
      }
      if (tag(b, i) === 'fLaC' && i > 0) {
        const s = i + 8;
        return { container: 'ogg', sampleRate: ((b[s + 10] << 12) | (b[s + 11] << 4) | (b[s + 12] >> 4)) || null };
      }
    }
    return { container: 'ogg', sampleRate: null };
  }
  if (b.length >= 12 && tag(b, 4) === 'ftyp') {
    for (let i = 8; i + 36 < b.length; i++) {
      if (tag(b, i) === 'mp4a' || tag(b, i) === 'alac' || tag(b, i) === 'fLaC' || tag(b, i) === 'Opus') {
        // SampleEntry: 6 reserved, 2 data-reference index, 8 reserved, 2 channels, 2 bits,
        // 2 pre-defined, 2 reserved, then the rate as 16.16 fixed point.
        const rate = be32(b, i + 4 + 24) >>> 16;
        if (rate >= 1000) return { container: 'mp4', sampleRate: rate };
      }
    }
    return { container: 'mp4', sampleRate: null };
  }
  if (b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) {
    // Matroska/WebM: SamplingFrequency element 0xB5 with a 4- or 8-byte float.
    const dv = new DataView(b.buffer, b.byteOffset, b.length);
    for (let i = 4; i + 10 < b.length; i++) {
      if (b[i] !== 0xb5) continue;
      if (b[i + 1] === 0x88) { const r = dv.getFloat64(i + 2); if (r >= 1000 && r <= 768000 && Number.isInteger(r)) return { container: 'webm', sampleRate: r }; }
      if (b[i + 1] === 0x84) { const r = dv.getFloat32(i + 2); if (r >= 1000 && r <= 768000 && Number.isInteger(r)) return { container: 'webm', sampleRate: r }; }
    }
    return { container: 'webm', sampleRate: null };
  }
  // MP3: skip an ID3v2 tag, then find a frame sync with a valid header.
  let i = 0;
  if (b.length >= 10 && b[0] === 0x49 && b[1] === 0x44 && b[2] === 0x33) {
    i = 10 + ((b[6] & 0x7f) << 21 | (b[7] & 0x7f) << 14 | (b[8] & 0x7f) << 7 | (b[9] & 0x7f));
  }
  const RATES = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };
  for (const end = Math.min(b.length - 4, i + 8192); i < end; i++) {
    if (b[i] !== 0xff || (b[i + 1] & 0xe0) !== 0xe0) continue;
    const version = (b[i + 1] >> 3) & 3;
    const layer = (b[i + 1] >> 1) & 3;
    const rateIndex = (b[i + 2] >> 2) & 3;
    const bitrate = b[i + 2] >> 4;
    if (version === 1 || layer === 0 || rateIndex === 3 || bitrate === 15 || bitrate === 0) continue;
    if (layer === 0 && version === 3) continue;
    // 0xFFF1 / 0xFFF9 with layer 0 is ADTS AAC (handled by `layer === 0` above); check it.
    return { container: 'mp3', sampleRate: RATES[version][rateIndex] };
  }
  for (let j = 0; j + 7 < Math.min(b.length, 8192); j++) {
    if (b[j] === 0xff && (b[j + 1] & 0xf6) === 0xf0) {
      const ADTS = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];
      const r = ADTS[(b[j + 2] >> 2) & 15];
      if (r) return { container: 'aac', sampleRate: r };
    }
  }
  return { container: 'unknown', sampleRate: null };
}

