// A minimal Ogg Opus re-muxer for the long-file test: the packets of a short Ogg Opus file
// repeated into one long, valid stream (RFC 3533 pages, RFC 7845 granule positions), so
// that the test has a 60-minute Opus file without an encoder or a large fixture.

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

function crc32(bytes) {
  let crc = 0;
  for (const b of bytes) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 255]) >>> 0;
  return crc;
}

/** The packets of an Ogg stream (one logical stream), in order. */
export function oggPackets(file) {
  const packets = [];
  let current = [];
  for (let i = 0; i + 27 <= file.length;) {
    if (file.toString('latin1', i, i + 4) !== 'OggS') throw new Error(`no Ogg page at ${i}`);
    const segments = file[i + 26];
    let at = i + 27 + segments;
    for (let s = 0; s < segments; s++) {
      const lace = file[i + 27 + s];
      current.push(file.subarray(at, at + lace));
      at += lace;
      if (lace < 255) {
        packets.push(Buffer.concat(current));
        current = [];
      }
    }
    i = at;
  }
  return packets;
}

/** Samples (at 48 kHz) in an Opus packet, from its TOC byte (RFC 6716 §3.1). */
export function opusPacketSamples(p) {
  const config = p[0] >> 3;
  const frame = config < 12 ? [480, 960, 1920, 2880][config & 3]
    : config < 16 ? [480, 960][config & 1]
      : [120, 240, 480, 960][config & 3];
  const code = p[0] & 3;
  const frames = code === 0 ? 1 : code < 3 ? 2 : p[1] & 0x3f;
  return frame * frames;
}

function page(serial, sequence, granule, flags, packets) {
  const lacing = [];
  for (const p of packets) {
    for (let n = p.length; ; n -= 255) {
      lacing.push(Math.min(n, 255));
      if (n < 255) break;
    }
  }
  const header = Buffer.alloc(27 + lacing.length);
  header.write('OggS', 0, 'latin1');
  header[5] = flags;
  header.writeBigInt64LE(BigInt(granule), 6);
  header.writeUInt32LE(serial, 14);
  header.writeUInt32LE(sequence, 18);
  header[26] = lacing.length;
  Buffer.from(lacing).copy(header, 27);
  const out = Buffer.concat([header, ...packets]);
  out.writeUInt32LE(crc32(out), 22);
  return out;
}

/** The audio packets of Ogg Opus `file` repeated `copies` times, as one Ogg Opus stream. */
export function repeatOggOpus(file, copies) {
  const [head, tags, ...audio] = oggPackets(file);
  if (head.toString('latin1', 0, 8) !== 'OpusHead') throw new Error('not Ogg Opus');
  const preSkip = head.readUInt16LE(10);
  const serial = 0x62797374;
  const pages = [page(serial, 0, 0, 2, [head]), page(serial, 1, 0, 0, [tags])];
  let granule = preSkip;
  let batch = [];
  const total = copies * audio.length;
  for (let k = 0; k < total; k++) {
    const p = audio[k % audio.length];
    batch.push(p);
    granule += opusPacketSamples(p);
    if (batch.length === 50 || k === total - 1) {
      pages.push(page(serial, pages.length, granule, k === total - 1 ? 4 : 0, batch));
      batch = [];
    }
  }
  return Buffer.concat(pages);
}
