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

/// The RTTM/UEM file id of a file name: the name without its last extension, made safe
/// with [`sanitize_file_id`]. The review page derives it with the same rule
/// (`rttmFileId` in `www/exports.js`), so that both write the same id for the same file.
pub fn rttm_file_id(name: &str) -> String {
    // The last `.ext` (at least one character, no `.` or `/` in it), as the page's
    // `/\.[^./]+$/` strips it: ".wav" alone leaves nothing (then "audio").
    let stem = match name.rfind('.') {
        Some(i) if i + 1 < name.len() && !name[i + 1..].contains('/') => &name[..i],
        _ => name,
    };
    sanitize_file_id(stem)
}

/// A file id that RTTM and UEM readers keep whole: every run of characters other than ASCII
/// letters, digits, `_`, `.` and `-` becomes one `_` (readers split fields on whitespace;
/// pyannote's and dscore's also choke on quotes and `;`), and an empty id becomes `audio`.
pub fn sanitize_file_id(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    let mut in_run = false;
    for c in id.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
            out.push(c);
            in_run = false;
        } else if !in_run {
            out.push('_');
            in_run = true;
        }
    }
    if out.is_empty() {
        out.push_str("audio");
    }
    out
}

/// RTTM lines (NIST Rich Transcription Time Marked): `SPEAKER <file> 1 <start> <duration>
/// <NA> <NA> <name> <NA> <NA>`, times with millisecond resolution; `file_id` goes through
/// [`sanitize_file_id`].
pub fn to_rttm(file_id: &str, segments: &[NamedSegment]) -> String {
    let mut out = String::new();
    let id = sanitize_file_id(file_id);
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

/// A UEM line (the scored region of a file, as pyannote and dscore read it): `<file> 1
/// 0.000 <duration>`, `file_id` through [`sanitize_file_id`].
pub fn to_uem(file_id: &str, duration: f64) -> String {
    format!(
        "{} 1 0.000 {:.3}\n",
        sanitize_file_id(file_id),
        duration.max(0.0)
    )
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
    to_textgrid_tiers(&[(tier, segments)], duration)
}

/// Praat TextGrid (long text format) with one interval tier per `(name, segments)`, each as
/// [`to_textgrid`] writes its one tier; all cover `0..` the latest end or `duration`.
pub fn to_textgrid_tiers(tiers: &[(&str, &[NamedSegment])], duration: f64) -> String {
    let end = tiers
        .iter()
        .flat_map(|(_, segments)| segments.iter())
        .map(|s| s.end)
        .fold(duration.max(0.0), f64::max);
    let mut out = String::new();
    let _ = write!(
        out,
        "File type = \"ooTextFile\"\nObject class = \"TextGrid\"\n\nxmin = 0\nxmax = {end}\ntiers? <exists>\nsize = {}\nitem []:\n",
        tiers.len()
    );
    for (k, (tier, segments)) in tiers.iter().enumerate() {
        let mut intervals: Vec<(f64, f64, &str)> = Vec::new();
        let mut t = 0.0;
        for s in *segments {
            if s.start > t {
                intervals.push((t, s.start, ""));
            }
            intervals.push((s.start.max(t), s.end, s.name));
            t = s.end;
        }
        if end > t || intervals.is_empty() {
            intervals.push((t, end, ""));
        }
        let _ = write!(
            out,
            "    item [{}]:\n        class = \"IntervalTier\"\n        name = \"{tier}\"\n        xmin = 0\n        xmax = {end}\n        intervals: size = {}\n",
            k + 1,
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
        let two = to_textgrid_tiers(&[("speech", &s), ("overlap", &[])], 4000.0);
        assert!(
            two.contains("size = 2\n") && two.contains("name = \"overlap\""),
            "{two}"
        );
        assert_eq!(two.matches("intervals: size = ").count(), 2);
        assert_eq!(to_uem("clip", 30.5), "clip 1 0.000 30.500\n");
    }

    #[test]
    fn file_ids_are_safe_in_rttm() {
        assert_eq!(rttm_file_id("my clip (2).wav"), "my_clip_2_");
        assert_eq!(rttm_file_id("a.b.flac"), "a.b");
        assert_eq!(rttm_file_id("Gespräch; \"take\" 1.ogg"), "Gespr_ch_take_1");
        assert_eq!(rttm_file_id(".wav"), "audio");
        assert_eq!(rttm_file_id("x."), "x.");
        assert_eq!(sanitize_file_id(""), "audio");
        let line = to_rttm(
            "two words",
            &[NamedSegment {
                start: 0.0,
                end: 1.0,
                name: "speech",
            }],
        );
        assert_eq!(line.split_whitespace().count(), 10, "{line}");
        assert!(line.starts_with("SPEAKER two_words 1 "));
    }
}
