// @ts-check
// Pure functions of the review page, shared by the page, the embedding API and Node tests:
// the privacy policy (which stretches are silenced, and the gain curve around them), the
// annotation formats (the same text the CLI writes: src/segment.rs), Label Studio JSON,
// the report JSON and its import, and the redacted-WAV encoder.

/** Length of the gain ramps outside every silenced stretch, seconds. */
export const RAMP_SECONDS = 0.01;

/** The level the "lower overlaps" policy plays foreground speech with background under it at, dB. */
export const OVERLAP_GAIN_DB = -20;

/**
 * A clip is "mostly overlap" (the page offers the lower-overlaps policy) when at least this
 * share of its foreground speech time is marked ⚠ (background speech under it).
 */
export const MOSTLY_OVERLAP = 0.5;

/** dB to a linear gain. @param {number} db */
export const dbGain = (db) => 10 ** (db / 20);

/**
 * Seconds of foreground speech, of it marked ⚠ (background under it), and their ratio.
 * @param {{ start: number, end: number, label: string, overlap?: boolean }[]} segments
 */
export function overlapShare(segments) {
  let foreground = 0;
  let overlap = 0;
  for (const s of segments) {
    if (s.label !== 'foreground' || !(s.end > s.start)) continue;
    foreground += s.end - s.start;
    if (s.overlap) overlap += s.end - s.start;
  }
  return { foreground, overlap, share: foreground > 0 ? overlap / foreground : 0 };
}

/**
 * The privacy policy as stretches [start, end, gain] (sorted, disjoint, gain < 1; touching
 * ones have different gains): every background segment at gain 0 and the foreground segments
 * with background speech under them (`overlap`) as `overlap` says: 'audible' (left out),
 * 'lower' (at `overlapGainDb`) or 'mute' (gain 0, strict privacy). Where they meet, the lower
 * gain wins. A stretch that would have to hold a gain ramp but is shorter than it (a gap
 * under two ramps between muted stretches, a lowered stretch of a few ms between muted ones)
 * takes its lower neighbour's gain, so that each ramp lies whole inside the louder side.
 * @param {{ start: number, end: number, label: string, overlap?: boolean }[]} segments
 * @param {{ overlap?: 'audible' | 'lower' | 'mute', overlapGainDb?: number, ramp?: number }} [options]
 * @returns {[number, number, number][]}
 */
export function policyStretches(segments, { overlap = 'audible', overlapGainDb = OVERLAP_GAIN_DB, ramp = RAMP_SECONDS } = {}) {
  const lowered = overlap === 'mute' ? 0 : dbGain(Math.min(0, overlapGainDb));
  const spans = [];
  for (const s of segments) {
    if (!(s.end > s.start)) continue;
    if (s.label === 'background') spans.push([s.start, s.end, 0]);
    else if (s.label === 'foreground' && s.overlap && overlap !== 'audible') spans.push([s.start, s.end, lowered]);
  }
  spans.sort((x, y) => x[0] - y[0]);
  // Paint: between consecutive boundaries the lowest gain of the spans covering that piece.
  const cuts = [...new Set(spans.flatMap(([a, b]) => [a, b]))].sort((x, y) => x - y);
  /** @type {{ a: number, b: number, g: number }[]} regions, gaps (gain 1) between them included */
  const seq = [];
  let next = 0;
  let active = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const a = cuts[i];
    const b = cuts[i + 1];
    while (next < spans.length && spans[next][0] <= a) active.push(spans[next++]);
    active = active.filter((sp) => sp[1] > a);
    const g = active.reduce((m, sp) => Math.min(m, sp[2]), 1);
    const last = seq[seq.length - 1];
    if (last && last.g === g) last.b = b;
    else seq.push({ a, b, g });
  }
  // A piece shorter than the ramps it must hold takes its lower neighbour's gain.
  for (let changed = true; changed;) {
    changed = false;
    for (let i = 0; i < seq.length; i++) {
      const lower = [seq[i - 1], seq[i + 1]].filter((n) => n && n.g < seq[i].g).map((n) => n.g);
      if (lower.length && seq[i].b - seq[i].a < lower.length * ramp) {
        seq[i].g = Math.max(...lower);
        changed = true;
      }
    }
    for (let i = seq.length - 1; i > 0; i--) {
      if (seq[i].g === seq[i - 1].g) {
        seq[i - 1].b = seq[i].b;
        seq.splice(i, 1);
      }
    }
  }
  return seq.filter((x) => x.g < 1).map((x) => [x.a, x.b, x.g]);
}

/**
 * The stretches that mute, skip and redaction silence: every background segment and, with
 * `strict`, every foreground segment with background speech under it (`overlap`). Sorted,
 * merged when closer than two ramps (no gain bump between them).
 * @param {{ start: number, end: number, label: string, overlap?: boolean }[]} segments
 * @param {{ strict?: boolean, ramp?: number }} [options]
 * @returns {[number, number][]}
 */
export function silencedIntervals(segments, { strict = false, ramp = RAMP_SECONDS } = {}) {
  return policyStretches(segments, { overlap: strict ? 'mute' : 'audible', ramp }).map(([a, b]) => [a, b]);
}

/**
 * The gain curve as breakpoints [time, gain] (linear between them, 1 before the first) of
 * stretches [a, b] (gain 0) or [a, b, gain] from policyStretches. Each change of gain is a
 * linear ramp inside the louder side: before a (from a - ramp) and after b (to b + ramp)
 * where the stretch meets unaffected audio, inside the lowered stretch where it meets a muted
 * one. So every instant of a stretch has exactly its gain, except the ramp into a quieter
 * neighbour.
 * @param {([number, number] | [number, number, number])[]} intervals
 */
export function gainBreakpoints(intervals, ramp = RAMP_SECONDS) {
  const pts = [];
  /** @param {number} t @param {number} left @param {number} right */
  const edge = (t, left, right) => {
    if (left > right) pts.push([Math.max(0, t - ramp), left], [t, right]);
    else pts.push([t, left], [t + ramp, right]);
  };
  for (let i = 0; i < intervals.length; i++) {
    const [a, b, g = 0] = intervals[i];
    const prev = intervals[i - 1];
    const next = intervals[i + 1];
    if (!(prev && prev[1] >= a)) edge(a, 1, g);
    edge(b, g, next && next[0] <= b ? (next[2] ?? 0) : 1);
  }
  return pts;
}

/** Gain at time t for breakpoints from gainBreakpoints. */
export function gainAt(points, t) {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid][0] <= t) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return 1;
  if (lo === points.length) return points[lo - 1][1];
  const [t0, g0] = points[lo - 1];
  const [t1, g1] = points[lo];
  return t1 > t0 ? g0 + ((g1 - g0) * (t - t0)) / (t1 - t0) : g1;
}

// ---------------------------------------------------------------------------------------
// Annotation formats (byte-identical to the CLI's for the same segments)

const named = (segments) => segments.map((s) => ({ start: s.start, end: s.end, name: s.label }));

/** A foreground segment with background speech under it. */
const overlapped = (s) => s.label === 'foreground' && Boolean(s.overlap);

/**
 * A file id that RTTM and UEM readers keep whole (src/segment.rs `sanitize_file_id`): every
 * run of characters other than ASCII letters, digits, `_`, `.` and `-` becomes one `_`; an
 * empty id becomes `audio`.
 * @param {string} id
 */
export function sanitizeFileId(id) {
  return String(id ?? '').replace(/[^A-Za-z0-9_.-]+/g, '_') || 'audio';
}

/** The RTTM file id of a file name: without its last extension, made safe (`rttm_file_id`). @param {string} name */
export function rttmFileId(name) {
  return sanitizeFileId(String(name ?? '').replace(/\.[^./]+$/, ''));
}

/**
 * RTTM: `SPEAKER <file> 1 <start> <duration> <NA> <NA> <label> <NA> <NA>`; a foreground
 * segment with background speech under it (`overlap`) is followed by a `background` line
 * over the same span.
 */
export function toRttm(fileId, segments) {
  const id = sanitizeFileId(fileId);
  const line = (s, name) => `SPEAKER ${id} 1 ${s.start.toFixed(3)} ${(s.end - s.start).toFixed(3)} <NA> <NA> ${name} <NA> <NA>\n`;
  return segments.map((s) => line(s, s.label) + (overlapped(s) ? line(s, 'background') : '')).join('');
}

/** Audacity label track: start, end, label separated by tabs. */
export function toAudacity(segments) {
  return named(segments).map((s) => `${s.start.toFixed(6)}\t${s.end.toFixed(6)}\t${s.name}\n`).join('');
}

function vttTime(t) {
  const ms = Math.round(Math.max(0, t) * 1000);
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${p(Math.floor(ms / 3600000))}:${p(Math.floor(ms / 60000) % 60)}:${p(Math.floor(ms / 1000) % 60)}.${p(ms % 1000, 3)}`;
}

/** WebVTT, one cue per segment with the label as its text. */
export function toWebVtt(segments) {
  let out = 'WEBVTT\n';
  named(segments).forEach((s, i) => {
    out += `\n${i + 1}\n${vttTime(s.start)} --> ${vttTime(s.end)}\n${s.name}\n`;
  });
  return out;
}

/**
 * Praat TextGrid (long text format): tier `tier` with the labels and tier `overlap` with
 * the foreground segments that have background speech under them (text `overlap`); gaps
 * are empty intervals.
 */
export function toTextGrid(segments, duration, tier = 'speech') {
  const overlap = segments.filter(overlapped).map((s) => ({ start: s.start, end: s.end, name: 'overlap' }));
  return toTextGridTiers([[tier, named(segments)], ['overlap', overlap]], duration);
}

/**
 * Praat TextGrid with one interval tier per [name, segments] (segments with `name`, sorted,
 * not overlapping), all covering 0 to the latest end or `duration` (`to_textgrid_tiers`).
 * @param {[string, { start: number, end: number, name: string }[]][]} tiers
 * @param {number} duration
 */
export function toTextGridTiers(tiers, duration) {
  const end = tiers.flatMap(([, segs]) => segs).reduce((m, s) => Math.max(m, s.end), Math.max(0, duration));
  let out = `File type = "ooTextFile"\nObject class = "TextGrid"\n\nxmin = 0\nxmax = ${end}\ntiers? <exists>\nsize = ${tiers.length}\nitem []:\n`;
  tiers.forEach(([name, segs], k) => {
    const intervals = [];
    let t = 0;
    for (const s of segs) {
      if (s.start > t) intervals.push([t, s.start, '']);
      intervals.push([Math.max(s.start, t), s.end, s.name]);
      t = s.end;
    }
    if (end > t || intervals.length === 0) intervals.push([t, end, '']);
    out += `    item [${k + 1}]:\n        class = "IntervalTier"\n        name = "${name}"\n        xmin = 0\n        xmax = ${end}\n        intervals: size = ${intervals.length}\n`;
    intervals.forEach(([a, b, text], i) => {
      out += `        intervals [${i + 1}]:\n            xmin = ${a}\n            xmax = ${b}\n            text = "${text.replace(/"/g, '""')}"\n`;
    });
  });
  return out;
}

/**
 * Label Studio tasks JSON (an array with one task) for docs/labelstudio-config.xml
 * (`<Labels name="label" toName="audio">`, `<Audio name="audio" value="$audio">`): the
 * analyser's segments as `predictions` (with `model_version` and each region's confidence,
 * to 4 decimals, as its `score`; a `background` region without score under every foreground segment with
 * `overlap`), and, when the reviewer changed them, the reviewed segments as an
 * `annotations` entry (edited regions with origin `manual`). Byte-identical to
 * `bystander analyze --format labelstudio` for the same segments.
 * @param {{ start: number, end: number, label: string, confidence?: number, overlap?: boolean, edited?: boolean }[]} segments the analyser's
 * @param {{ audio?: string, duration?: number, modelVersion?: string | null,
 *   reviewed?: { start: number, end: number, label: string, overlap?: boolean, edited?: boolean }[] | null }} [options]
 */
export function toLabelStudio(segments, { audio = 'audio.wav', duration = 0, modelVersion = null, reviewed = null } = {}) {
  const regions = (segs, reviewing) => segs.flatMap((s, i) => {
    const region = (id, label, score, origin) => ({
      id,
      from_name: 'label',
      to_name: 'audio',
      type: 'labels',
      ...(origin ? { origin } : {}),
      original_length: duration,
      value: { start: s.start, end: s.end, channel: 0, labels: [label] },
      ...(Number.isFinite(score) ? { score } : {}),
    });
    const origin = reviewing ? (s.edited ? 'manual' : 'prediction') : null;
    // Scores to 4 decimals: the page's (wasm) and the CLI's (native) confidences can differ
    // in the last bits of the float.
    const score = reviewing || !Number.isFinite(s.confidence) ? null : Math.round(s.confidence * 1e4) / 1e4;
    const out = [region(`seg${i + 1}`, s.label, score, origin)];
    if (overlapped(s)) out.push(region(`seg${i + 1}-overlap`, 'background', null, origin));
    return out;
  });
  const task = {
    data: { audio },
    predictions: [{ model_version: modelVersion ?? 'unknown', result: regions(segments, false) }],
    ...(reviewed ? { annotations: [{ result: regions(reviewed, true), ground_truth: false }] } : {}),
  };
  return `${JSON.stringify([task], null, 2)}\n`;
}

/** The report as exported: the analyser's report with the (edited) segments. */
export function reportJson(report, segments, { file = null, edits = 0 } = {}) {
  const plain = { ...report };
  for (const k of ['foregroundProbability', 'backgroundProbability']) {
    if (plain[k] && ArrayBuffer.isView(plain[k])) plain[k] = Array.from(/** @type {Float32Array} */ (plain[k]), (x) => Math.round(x * 1e4) / 1e4);
  }
  plain.segments = segments.map((s) => ({ ...s }));
  if (file != null) plain.file = file;
  plain.review = { edits, exportedAt: null };
  return JSON.stringify(plain, null, 2);
}

/**
 * Reads a report to continue from: the page's JSON export or the CLI's `analyze --format
 * json` output (an object, or an array of them: the one whose `file` ends with `fileName`,
 * else the first). Returns the segments, validated and sorted.
 */
export function parseReport(text, fileName = null) {
  let data = JSON.parse(text);
  if (Array.isArray(data)) {
    if (data.length && data[0] && data[0].annotations) throw new Error('this is Label Studio JSON; import a bystander report');
    data = (fileName && data.find((r) => r && typeof r.file === 'string' && r.file.endsWith(fileName))) || data[0];
  }
  if (!data || typeof data !== 'object' || !Array.isArray(data.segments)) {
    throw new Error('not a bystander report: no "segments" array');
  }
  const segments = data.segments.map((s, i) => {
    const start = Number(s.start);
    const end = Number(s.end);
    if (!Number.isFinite(start) || !Number.isFinite(end) || end < start || start < 0) {
      throw new Error(`segment ${i + 1}: bad start/end`);
    }
    if (s.label !== 'foreground' && s.label !== 'background') throw new Error(`segment ${i + 1}: label must be foreground or background`);
    return {
      start, end, label: s.label,
      confidence: Number.isFinite(s.confidence) ? s.confidence : 1,
      overlap: Boolean(s.overlap),
      cues: s.cues && typeof s.cues === 'object' ? s.cues : null,
      ...(s.edited ? { edited: true } : {}),
      ...(s.originalLabel ? { originalLabel: s.originalLabel } : {}),
    };
  }).sort((a, b) => a.start - b.start);
  return { segments, duration: Number(data.duration) || null, file: data.file ?? null, edits: data.review?.edits ?? 0 };
}

// ---------------------------------------------------------------------------------------
// Redacted WAV

/**
 * 16-bit PCM WAV of `channels` (Float32Array each, the decoded clip at its own rate and
 * channel count) with the gain curve of `intervals` (policyStretches) applied: muted
 * stretches are exact zeros, lowered ones at their gain, with 10 ms ramps on the louder side. A generator of Uint8Array parts (header first), so that a page
 * can encode an hour in slices between which it yields.
 * @param {Float32Array[] | ((c: number, start: number, n: number) => Float32Array)} source
 *   the channels, or a function returning `n` samples of channel `c` from `start`
 */
export function* redactedWavParts(source, { channels, sampleRate, length, intervals, ramp = RAMP_SECONDS, chunk = 1 << 16 }) {
  const dataBytes = length * channels * 2;
  const h = new DataView(new ArrayBuffer(44));
  const str = (o, s) => { for (let i = 0; i < s.length; i++) h.setUint8(o + i, s.charCodeAt(i)); };
  str(0, 'RIFF'); h.setUint32(4, 36 + dataBytes, true); str(8, 'WAVE');
  str(12, 'fmt '); h.setUint32(16, 16, true); h.setUint16(20, 1, true); h.setUint16(22, channels, true);
  h.setUint32(24, sampleRate, true); h.setUint32(28, sampleRate * channels * 2, true);
  h.setUint16(32, channels * 2, true); h.setUint16(34, 16, true);
  str(36, 'data'); h.setUint32(40, dataBytes, true);
  yield new Uint8Array(h.buffer);

  const get = typeof source === 'function' ? source : (c, s, n) => source[c].subarray(s, s + n);
  const pts = gainBreakpoints(intervals, ramp);
  // Sample i is at time i / sampleRate; from floor(a * rate) to ceil(b * rate) a stretch's
  // samples are at its gain at most (exact zeros for a muted one).
  const level = intervals.map(([a, b, g = 0]) => [Math.floor(a * sampleRate), Math.ceil(b * sampleRate), g]);
  const rampN = Math.ceil(ramp * sampleRate) + 1;
  let zi = 0;
  for (let start = 0; start < length; start += chunk) {
    const n = Math.min(chunk, length - start);
    const gains = new Float32Array(n).fill(1);
    while (zi < level.length && level[zi][1] + rampN <= start) zi++;
    for (let k = zi; k < level.length && level[k][0] - rampN < start + n; k++) {
      // The curve (ramps included) around the stretch, then its own gain inside it.
      const from = Math.max(0, level[k][0] - rampN - start);
      const to = Math.min(n, level[k][1] + rampN - start);
      for (let i = from; i < to; i++) gains[i] = Math.min(gains[i], gainAt(pts, (start + i) / sampleRate));
      const g = level[k][2];
      for (let i = Math.max(0, level[k][0] - start), end = Math.max(0, Math.min(n, level[k][1] - start)); i < end; i++) gains[i] = Math.min(gains[i], g);
    }
    const out = new Int16Array(n * channels);
    for (let c = 0; c < channels; c++) {
      const x = get(c, start, n);
      for (let i = 0, k = c; i < n; i++, k += channels) {
        const v = Math.max(-1, Math.min(1, x[i] * gains[i]));
        out[k] = v < 0 ? Math.round(v * 32768) : Math.round(v * 32767);
      }
    }
    yield new Uint8Array(out.buffer);
  }
}

/** Export formats: id -> [label, file extension, MIME type]. */
export const FORMATS = {
  json: ['Report (JSON)', 'json', 'application/json'],
  rttm: ['RTTM', 'rttm', 'text/plain'],
  vtt: ['WebVTT', 'vtt', 'text/vtt'],
  audacity: ['Audacity labels', 'txt', 'text/plain'],
  textgrid: ['Praat TextGrid', 'TextGrid', 'text/plain'],
  labelstudio: ['Label Studio JSON', 'labelstudio.json', 'application/json'],
  wav: ['Redacted audio (WAV)', 'redacted.wav', 'audio/wav'],
};
