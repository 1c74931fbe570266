//! What `analyze` writes besides the report itself: the segment lists of the text formats
//! (RTTM with overlap lines, the two-tier TextGrid), Label Studio tasks, UEM lines and the
//! per-frame probabilities as `.npy`. The text formats are byte-identical to the page's
//! writers in `www/exports.js` (tests/browser/text-formats.test.mjs checks it).

use crate::cli::Failure;
use bystander::formats::{npy_header_f32, NamedSegment};
use bystander::{Label, Report};
use serde::{Serialize, Serializer};
use std::path::Path;

/// The labelled segments as named segments; with `overlap`, a foreground segment with
/// background speech under it is followed by a `background` segment over the same span (as
/// an RTTM reader expects overlapping speakers: two lines).
pub fn named(report: &Report, overlap: bool) -> Vec<NamedSegment<'_>> {
    let mut out = Vec::with_capacity(report.segments.len());
    for s in &report.segments {
        out.push(NamedSegment {
            start: s.start,
            end: s.end,
            name: s.label.as_ref(),
        });
        if overlap && s.overlap && s.label == Label::Foreground {
            out.push(NamedSegment {
                start: s.start,
                end: s.end,
                name: Label::Background.as_ref(),
            });
        }
    }
    out
}

/// The TextGrid of a report: tier `speech` with the labels, tier `overlap` with the
/// foreground segments that have background speech under them (text `overlap`).
pub fn textgrid(report: &Report) -> String {
    let speech = named(report, false);
    let overlap: Vec<_> = report
        .segments
        .iter()
        .filter(|s| s.overlap && s.label == Label::Foreground)
        .map(|s| NamedSegment {
            start: s.start,
            end: s.end,
            name: "overlap",
        })
        .collect();
    bystander::formats::to_textgrid_tiers(
        &[("speech", &speech), ("overlap", &overlap)],
        report.duration,
    )
}

/// A number as JavaScript's `JSON.stringify` writes it, so that the CLI's Label Studio JSON
/// is byte-identical to the page's: integral values without serde_json's `.0`.
fn js_number<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        s.serialize_i64(*x as i64)
    } else {
        s.serialize_f64(*x)
    }
}

fn js_numbers<S: Serializer>(x: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match x {
        Some(x) => js_number(x, s),
        None => s.serialize_none(),
    }
}

/// One Label Studio task (the fields in the page's order: `toLabelStudio`).
#[derive(Serialize)]
pub struct Task {
    data: TaskData,
    predictions: [Prediction; 1],
}

#[derive(Serialize)]
struct TaskData {
    audio: String,
}

#[derive(Serialize)]
struct Prediction {
    model_version: String,
    result: Vec<Region>,
}

/// A labelled region of the `<Labels name="label" toName="audio">` control
/// (docs/labelstudio-config.xml).
#[derive(Serialize)]
struct Region {
    id: String,
    from_name: &'static str,
    to_name: &'static str,
    r#type: &'static str,
    #[serde(serialize_with = "js_number")]
    original_length: f64,
    value: RegionValue,
    #[serde(serialize_with = "js_numbers", skip_serializing_if = "Option::is_none")]
    score: Option<f64>,
}

#[derive(Serialize)]
struct RegionValue {
    #[serde(serialize_with = "js_number")]
    start: f64,
    #[serde(serialize_with = "js_number")]
    end: f64,
    channel: u32,
    labels: [&'static str; 1],
}

/// The Label Studio task of a report: the segments as the model's `predictions`, each with
/// its confidence (to 4 decimals) as `score`, and a `background` region without score under every foreground
/// segment with background speech (`overlap`); `audio` is the task's `data.audio`.
pub fn label_studio_task(report: &Report, audio: String) -> Task {
    let mut result = Vec::with_capacity(report.segments.len());
    let region = |id: String, start, end, label: Label, score: Option<f64>| Region {
        id,
        from_name: "label",
        to_name: "audio",
        r#type: "labels",
        original_length: report.duration,
        value: RegionValue {
            start,
            end,
            channel: 0,
            labels: [match label {
                Label::Foreground => "foreground",
                Label::Background => "background",
            }],
        },
        score,
    };
    for (i, s) in report.segments.iter().enumerate() {
        // To 4 decimals, as the page rounds it: the page's (wasm) and the CLI's (native)
        // confidences can differ in the last bits of the float.
        let confidence = Some(f64::from(s.confidence))
            .filter(|c| c.is_finite())
            .map(|c| (c * 1e4).round() / 1e4);
        result.push(region(
            format!("seg{}", i + 1),
            s.start,
            s.end,
            s.label,
            confidence,
        ));
        if s.overlap && s.label == Label::Foreground {
            result.push(region(
                format!("seg{}-overlap", i + 1),
                s.start,
                s.end,
                Label::Background,
                None,
            ));
        }
    }
    Task {
        data: TaskData { audio },
        predictions: [Prediction {
            model_version: bystander::formats::model_version(),
            result,
        }],
    }
}

/// `data.audio` of a task: `prefix` + the file's path relative to the root, each path
/// segment percent-encoded (RFC 3986 unreserved characters kept); without a prefix, the
/// relative path as it is.
pub fn audio_url(prefix: Option<&str>, relative: &Path) -> String {
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    match prefix {
        None => parts.join("/"),
        Some(prefix) => {
            let mut url = prefix.to_string();
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    url.push('/');
                }
                for b in part.bytes() {
                    if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                        url.push(b as char);
                    } else {
                        url.push_str(&format!("%{b:02X}"));
                    }
                }
            }
            url
        }
    }
}

/// Writes the report's per-frame probabilities as a float32 `.npy` of shape `(frames, 2)`:
/// column 0 foreground, column 1 background speech presence, frame `i` covering
/// `[i, i + 1) * frameSeconds` (the report's `foregroundProbability` and
/// `backgroundProbability`, interleaved), streamed through `write_whole`.
pub fn write_frames(path: &Path, report: &Report) -> Result<(), Failure> {
    let (fg, bg) = (
        &report.foreground_probability,
        &report.background_probability,
    );
    crate::batch::write_whole(path, |w| {
        w.write_all(&npy_header_f32(&[fg.len().min(bg.len()), 2]))?;
        for (f, b) in fg.iter().zip(bg) {
            w.write_all(&f.to_le_bytes())?;
            w.write_all(&b.to_le_bytes())?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audio_urls_are_encoded_per_segment() {
        let rel = Path::new("calls/day 1/x#1.wav");
        assert_eq!(audio_url(None, rel), "calls/day 1/x#1.wav");
        assert_eq!(
            audio_url(Some("https://h/a/"), rel),
            "https://h/a/calls/day%201/x%231.wav"
        );
    }

    #[test]
    fn numbers_are_written_as_javascript_writes_them() {
        #[derive(Serialize)]
        struct N(#[serde(serialize_with = "js_number")] f64);
        let text = serde_json::to_string(&[N(0.0), N(15.0), N(1.25), N(-0.0), N(1e-7)]).unwrap();
        assert_eq!(text, "[0,15,1.25,0,1e-7]");
    }
}
