// @ts-check
// Trust cues for the clip on show: whether it looks like what the model was made for (one
// near talker, now and then background speech). A clip whose labels switch back and forth
// dozens of times in 30 s (several talkers at one distance, music, a far-field recording)
// does not fit it: its labels are guesses, and the reviewer is told to listen.

/** @typedef {import('../protocol.js').Segment} Segment */

/** Label switches per 30 s above which the clip is flagged (the bundled sample has 7 in 15.5 s). */
export const SWITCHES_PER_30S = 20;
/** Fewer switches than this are never flagged (a short clip with a few switches is fine). */
export const MIN_SWITCHES = 10;

/**
 * How well the clip fits the model: the number of label switches between consecutive
 * segments, their rate per 30 s, the share of low-confidence speech, and `poor` with a
 * plain-words reason when the reviewer should listen before trusting the labels.
 * @param {Segment[]} segments in time order @param {number} duration seconds
 * @param {number} lowConfidence the lanes' low-confidence threshold
 */
export function clipFit(segments, duration, lowConfidence) {
  let switches = 0;
  for (let i = 1; i < segments.length; i++) if (segments[i].label !== segments[i - 1].label) switches++;
  const per30 = duration > 0 ? (30 * switches) / Math.max(duration, 30) : 0;
  const speech = segments.reduce((a, s) => a + s.end - s.start, 0);
  const lowSpeech = segments.reduce((a, s) => a + (s.confidence < lowConfidence ? s.end - s.start : 0), 0);
  const lowShare = speech > 0 ? lowSpeech / speech : 0;
  const poor = switches >= MIN_SWITCHES && per30 > SWITCHES_PER_30S;
  const reason = poor
    ? `The labels switch ${switches} times in ${duration.toFixed(0)} s: this clip may not be what the analyser was made for (one talker near the microphone). Listen before accepting.`
    : null;
  return { switches, per30, lowShare, poor, reason };
}
