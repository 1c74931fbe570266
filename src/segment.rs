//! Time segments and the text formats they are exchanged in (RTTM, Audacity labels, WebVTT,
//! JSON-ready values).

use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// A speech segment `[start, end)` in seconds with a confidence in `0..=1`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "SpeechSegment"))]
pub struct Segment {
    /// Start time, seconds.
    pub start: f64,
    /// End time, seconds (exclusive).
    pub end: f64,
    /// Mean speech probability over the segment's frames, `0..=1`.
    pub confidence: f32,
}

impl Segment {
    /// Duration in seconds.
    pub fn duration(&self) -> f64 {
        self.end - self.start
    }
}

/// A segment with a speaker/class name, for output formats.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NamedSegment<'a> {
    /// Start time, seconds.
    pub start: f64,
    /// End time, seconds.
    pub end: f64,
    /// Speaker or class name (`speech`, `foreground`, `background`).
    pub name: &'a str,
}

/// RTTM lines (NIST Rich Transcription Time Marked): `SPEAKER <file> 1 <start> <duration>
/// <NA> <NA> <name> <NA> <NA>`, times with millisecond resolution.
pub fn to_rttm(file_id: &str, segments: &[NamedSegment]) -> String {
    let mut out = String::new();
    let id = if file_id.is_empty() { "audio" } else { file_id };
    for s in segments {
        let _ = writeln!(
            out,
            "SPEAKER {id} 1 {:.3} {:.3} <NA> <NA> {} <NA> <NA>",
            s.start,
            s.end - s.start,
            s.name
        );
    }
    out
}

/// Audacity label track: `start<TAB>end<TAB>label` per line, seconds.
pub fn to_audacity(segments: &[NamedSegment]) -> String {
    let mut out = String::new();
    for s in segments {
        let _ = writeln!(out, "{:.6}\t{:.6}\t{}", s.start, s.end, s.name);
    }
    out
}

fn vtt_time(t: f64) -> String {
    let ms = (t.max(0.0) * 1000.0).round() as u64;
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        ms / 3_600_000,
        (ms / 60_000) % 60,
        (ms / 1000) % 60,
        ms % 1000
    )
}

/// WebVTT cues, one per segment, with the name as the cue text.
pub fn to_webvtt(segments: &[NamedSegment]) -> String {
    let mut out = String::from("WEBVTT\n");
    for (i, s) in segments.iter().enumerate() {
        let _ = write!(
            out,
            "\n{}\n{} --> {}\n{}\n",
            i + 1,
            vtt_time(s.start),
            vtt_time(s.end),
            s.name
        );
    }
    out
}

/// Praat TextGrid (long text format) with one interval tier named `tier`: the segments as
/// labelled intervals, the gaps between them as empty intervals, covering `0..duration`.
/// Segments must be sorted and must not overlap.
pub fn to_textgrid(segments: &[NamedSegment], duration: f64, tier: &str) -> String {
    let end = segments
        .iter()
        .map(|s| s.end)
        .fold(duration.max(0.0), f64::max);
    let mut intervals: Vec<(f64, f64, &str)> = Vec::new();
    let mut t = 0.0;
    for s in segments {
        if s.start > t {
            intervals.push((t, s.start, ""));
        }
        intervals.push((s.start.max(t), s.end, s.name));
        t = s.end;
    }
    if end > t || intervals.is_empty() {
        intervals.push((t, end, ""));
    }
    let mut out = String::new();
    let _ = write!(
        out,
        "File type = \"ooTextFile\"\nObject class = \"TextGrid\"\n\nxmin = 0\nxmax = {end}\ntiers? <exists>\nsize = 1\nitem []:\n    item [1]:\n        class = \"IntervalTier\"\n        name = \"{tier}\"\n        xmin = 0\n        xmax = {end}\n        intervals: size = {}\n",
        intervals.len()
    );
    for (i, (a, b, text)) in intervals.iter().enumerate() {
        let _ = write!(
            out,
            "        intervals [{}]:\n            xmin = {a}\n            xmax = {b}\n            text = \"{}\"\n",
            i + 1,
            text.replace('"', "\"\"")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let s = [NamedSegment {
            start: 1.5,
            end: 3725.25,
            name: "speech",
        }];
        assert_eq!(
            to_rttm("clip", &s),
            "SPEAKER clip 1 1.500 3723.750 <NA> <NA> speech <NA> <NA>\n"
        );
        assert_eq!(to_audacity(&s), "1.500000\t3725.250000\tspeech\n");
        assert_eq!(
            to_webvtt(&s),
            "WEBVTT\n\n1\n00:00:01.500 --> 01:02:05.250\nspeech\n"
        );
        let tg = to_textgrid(&s, 4000.0, "speech");
        assert!(tg.contains("intervals: size = 3"), "{tg}");
        assert!(
            tg.contains("xmin = 1.5\n            xmax = 3725.25\n            text = \"speech\"")
        );
        assert!(tg.contains("xmin = 3725.25\n            xmax = 4000\n            text = \"\""));
    }
}
