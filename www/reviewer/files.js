// @ts-check
// Exports of the reviewed clip (the report, annotation formats, the redacted WAV; 'queue':
// the whole queue, queue.js) and the import of a report to continue from.
import { FORMATS, parseReport, redactedWavParts, reportJson, rttmFileId, toAudacity, toLabelStudio, toRttm,
  toTextGrid, toWebVtt } from '../exports.js';
import { errorText, h } from './dom.js';

/** @typedef {import('../reviewer.js').Reviewer} Reviewer */

/**
 * Replaces the segments by those of a report (one undo step); returns their count.
 * @param {Reviewer} r @param {string} text the report's JSON
 */
export function importReport(r, text) {
  if (!r.clip) throw new Error('open a clip first');
  const report = parseReport(text, r.clip.name);
  if (report.duration && Math.abs(report.duration - r.clip.duration) > 0.05) {
    throw new Error(`the report is for a ${report.duration.toFixed(2)} s clip; this one is ${r.clip.duration.toFixed(2)} s`);
  }
  r.history.edit('import', () => {
    r.clip.segments = report.segments;
    r.selected = null;
    r.revealed.clear();
  });
  r.clearAlert();
  return report.segments.length;
}

/** The clip's name without its extension, safe in a file name and as an RTTM file id. @param {Reviewer} r */
export function stem(r) {
  return rttmFileId(r.clip.name);
}

/**
 * The current segments (or the redacted audio) in an export format, as a Blob.
 * @param {Reviewer} r @param {string} format a key of FORMATS
 */
export async function exportAs(r, format) {
  if (format === 'queue') return new Blob([r.queue.toJson()], { type: 'application/json' });
  const c = r.clip;
  if (!c) throw new Error('no clip');
  const segs = c.segments;
  const spec = FORMATS[format];
  if (!spec) throw new Error(`unknown format ${format}; one of ${Object.keys(FORMATS).join(', ')}`);
  const edits = segs.filter((s) => s.edited).length;
  let parts;
  switch (format) {
    case 'json': parts = [reportJson(c.report, segs, { file: c.name, edits })]; break;
    case 'rttm': parts = [toRttm(stem(r), segs)]; break;
    case 'vtt': parts = [toWebVtt(segs)]; break;
    case 'audacity': parts = [toAudacity(segs)]; break;
    case 'textgrid': parts = [toTextGrid(segs, c.report.duration ?? c.duration, 'speech')]; break;
    case 'labelstudio': parts = [labelStudio(r)]; break;
    case 'wav': parts = await redactedWav(r); break;
    default:
  }
  return new Blob(parts, { type: spec[2] });
}

/**
 * Label Studio JSON: the analyser's segments as predictions and, when the reviewer changed
 * them (edits or an import), the current ones as an annotation. @param {Reviewer} r
 */
function labelStudio(r) {
  const c = r.clip;
  const analysed = c.report.segments ?? [];
  const key = (segs) => JSON.stringify(segs.map((s) => [s.start, s.end, s.label, Boolean(s.overlap)]));
  const reviewed = key(c.segments) === key(analysed) ? null : c.segments;
  return toLabelStudio(analysed, { audio: c.name, duration: c.report.duration ?? c.duration, modelVersion: r.info?.modelVersion ?? null, reviewed });
}

/** The redacted WAV, encoded in slices (the page stays responsive for long clips). @param {Reviewer} r */
async function redactedWav(r) {
  const c = r.clip;
  const buf = c.buffer;
  const scratch = new Float32Array(1 << 16);
  const get = (ch, start, n) => {
    const v = scratch.subarray(0, n);
    buf.copyFromChannel(v, ch, start);
    return v;
  };
  const parts = [];
  const gen = redactedWavParts(get, { channels: c.channels, sampleRate: c.sampleRate, length: c.length, intervals: r.privacy.intervals() });
  let t = performance.now();
  for (const part of gen) {
    parts.push(part);
    if (performance.now() - t > 20) {
      await new Promise((r) => setTimeout(r, 0));
      t = performance.now();
    }
  }
  return parts;
}

/** Saves an export as a file (a download). @param {Reviewer} r @param {string} format */
export async function download(r, format) {
  if (!r.clip) return;
  try {
    const blob = await exportAs(r, format);
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: format === 'queue' ? 'review-queue.json' : `${stem(r)}.${FORMATS[format][1]}` });
    a.hidden = true;
    r.root.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (err) {
    r.alert(`Export failed: ${errorText(err)}`);
  }
}
