// @ts-check
// A small WebM/Matroska demuxer for the analysis worker: the first audio track's codec,
// setup bytes and packets, so that a WebM (what MediaRecorder writes) is decoded in the
// worker by WebCodecs instead of on the page's main thread. Pure JS: a corrupt file throws
// an Error (symphonia 0.5.5's Matroska reader panics on some, which in wasm is a trap).
// Matroska/EBML: RFC 8794 and the Matroska specification (IETF CELLAR). Block lacing is not
// supported (MediaRecorder does not lace audio): such a file throws and goes to the page's
// decodeAudioData instead.

const ID = {
  EBML: 0x1a45dfa3, Segment: 0x18538067, Info: 0x1549a966, TimestampScale: 0x2ad7b1, Duration: 0x4489,
  Tracks: 0x1654ae6b, TrackEntry: 0xae, TrackNumber: 0xd7, TrackType: 0x83, CodecID: 0x86,
  CodecPrivate: 0x63a2, Audio: 0xe1, SamplingFrequency: 0xb5, Channels: 0x9f,
  Cluster: 0x1f43b675, Timestamp: 0xe7, SimpleBlock: 0xa3, BlockGroup: 0xa0, Block: 0xa1,
};
/** Master elements whose children are read in place (their size may be "unknown"). */
const DESCEND = new Set([ID.Segment, ID.Info, ID.Tracks, ID.TrackEntry, ID.Audio, ID.Cluster, ID.BlockGroup]);

/** An EBML variable-length integer at `i`: { value, length }; `keepMarker` for element IDs. */
function vint(b, i, keepMarker) {
  const first = b[i];
  if (first === undefined) throw new Error('WebM: the file ends inside an element header');
  let length = 1;
  while (length <= 8 && !(first & (0x80 >> (length - 1)))) length++;
  if (length > 8 || i + length > b.length) throw new Error('WebM: invalid element header');
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === (0xff >> length);
  for (let k = 1; k < length; k++) {
    value = value * 256 + b[i + k];
    allOnes = allOnes && b[i + k] === 0xff;
  }
  return { value: !keepMarker && allOnes ? -1 : value, length };
}

const uint = (b, i, n) => { let v = 0; for (let k = 0; k < n; k++) v = v * 256 + b[i + k]; return v; };
function float(b, i, n) {
  const dv = new DataView(b.buffer, b.byteOffset + i, n);
  return n === 4 ? dv.getFloat32(0) : n === 8 ? dv.getFloat64(0) : NaN;
}

/**
 * Reads a WebM file's first audio track.
 * @param {Uint8Array} b the whole file
 * @returns {{ codec: string, description: Uint8Array | null, sampleRate: number | null,
 *   channels: number | null, duration: number | null, packets: { start: number, data: Uint8Array }[] }}
 *   codec is the Matroska CodecID's name ("opus", "vorbis", ...); start in seconds
 */
export function readWebm(b) {
  if (b.length < 4 || uint(b, 0, 4) !== ID.EBML) throw new Error('not a WebM/Matroska file');
  let scale = 1e6; // ns per timestamp unit (the default TimestampScale)
  let duration = null;
  const tracks = [];
  let track = null;
  let clusterTime = 0;
  const blocks = [];
  for (let i = 0; i < b.length;) {
    const id = vint(b, i, true);
    const size = vint(b, i + id.length, false);
    const start = i + id.length + size.length;
    const end = size.value < 0 ? b.length : start + size.value;
    if (end > b.length && !DESCEND.has(id.value)) {
      // A file cut inside a block: what came before it is still audio.
      if (blocks.length) break;
      throw new Error('WebM: the file ends inside an element');
    }
    if (DESCEND.has(id.value)) {
      if (id.value === ID.TrackEntry) tracks.push((track = { number: 0, type: 0, codec: '', description: null, sampleRate: null, channels: null }));
      i = start; // read the children in place
      continue;
    }
    if (size.value < 0) throw new Error('WebM: an element of unknown size');
    const n = size.value;
    switch (id.value) {
      case ID.TimestampScale: scale = uint(b, start, n) || 1e6; break;
      case ID.Duration: duration = float(b, start, n); break;
      case ID.TrackNumber: if (track) track.number = uint(b, start, n); break;
      case ID.TrackType: if (track) track.type = uint(b, start, n); break;
      case ID.CodecID: if (track) track.codec = String.fromCharCode(...b.subarray(start, end)); break;
      case ID.CodecPrivate: if (track) track.description = b.slice(start, end); break;
      case ID.SamplingFrequency: if (track) track.sampleRate = float(b, start, n); break;
      case ID.Channels: if (track) track.channels = uint(b, start, n); break;
      case ID.Timestamp: clusterTime = uint(b, start, n); break;
      case ID.SimpleBlock:
      case ID.Block: {
        const number = vint(b, start, false);
        const at = start + number.length;
        if (at + 3 > end) throw new Error('WebM: a block too short for its header');
        if ((b[at + 2] >> 1) & 3) throw new Error('WebM: laced blocks are not supported');
        const relative = (b[at] << 24 >> 16) | b[at + 1]; // int16, big-endian
        blocks.push({ track: number.value, time: clusterTime + relative, data: b.subarray(at + 3, end) });
        break;
      }
      default: // elements not needed (SeekHead, Cues, Tags, ...) are skipped
    }
    i = end;
  }
  const audio = tracks.find((t) => t.type === 2 || (t.type === 0 && t.codec.startsWith('A_')));
  if (!audio) throw new Error('WebM: no audio track');
  const packets = blocks.filter((k) => k.track === audio.number).map((k) => ({ start: (k.time * scale) / 1e9, data: k.data }));
  if (!packets.length) throw new Error('WebM: no audio packets');
  return {
    codec: audio.codec.replace(/^A_/, '').toLowerCase(),
    description: audio.description,
    sampleRate: audio.sampleRate ? Math.round(audio.sampleRate) : null,
    channels: audio.channels,
    duration: duration && Number.isFinite(duration) ? (duration * scale) / 1e9 : null,
    packets,
  };
}
