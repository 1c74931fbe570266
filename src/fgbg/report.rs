//! What the analyser reports: the [`Report`] of a clip (the JSON of the CLI and of the JS
//! `analyze`), its [`LabelledSegment`]s with their [`Label`] and the [`SegmentCues`] behind
//! it, and the [`AnchorInfo`]. Plain serialisable data; the layout is versioned by
//! [`SCHEMA_VERSION`].

use super::AnalyzerConfig;
use crate::segment::Segment;
use serde::{Deserialize, Serialize};

/// Version of the report's layout; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// Which talker a segment belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Label {
    /// The near talker addressing the device.
    Foreground,
    /// Anyone else: far talkers, TV or radio, another room.
    Background,
}

impl Label {
    /// Both labels, in order.
    const ALL: [Label; 2] = [Label::Foreground, Label::Background];
}

impl AsRef<str> for Label {
    /// `"foreground"` or `"background"` (also the RTTM speaker name).
    fn as_ref(&self) -> &str {
        match self {
            Label::Foreground => "foreground",
            Label::Background => "background",
        }
    }
}

impl std::fmt::Display for Label {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_ref())
    }
}

impl std::str::FromStr for Label {
    type Err = crate::error::Error;

    /// Parses `"foreground"` or `"background"`.
    fn from_str(s: &str) -> crate::error::Result<Self> {
        Label::ALL
            .into_iter()
            .find(|l| l.as_ref() == s)
            .ok_or_else(|| {
                crate::error::Error::invalid(
                    "label",
                    format!("must be \"foreground\" or \"background\"; got {s:?}"),
                )
            })
    }
}

/// The figures behind a segment's label, so that a reviewer can see why.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SegmentCues {
    /// Active speech level of the segment: power mean of the 100 ms speech-band
    /// (125-4000 Hz) level over its confident speech frames, dBFS (RMS).
    pub level_db: f32,
    /// `levelDb` minus the foreground anchor's level, dB (negative = quieter than the
    /// foreground talker).
    pub relative_level_db: f32,
    /// Reverberation figure: the median over the segment of the sharpest 20 ms level fall
    /// within +-150 ms, dB. Direct sound stops abruptly (near talkers: typically 15-30 dB);
    /// reverberation caps the fall at the room's decay (far talkers: typically under 10 dB).
    /// Low = reverberant / far.
    pub reverb: f32,
    /// Median modulation depth (standard deviation of the frame level over +-150 ms), dB.
    pub depth_db: f32,
    /// Median level above the noise floor, dB.
    pub snr_db: f32,
    /// Median 4-7 kHz level relative to the speech band, dB (broadcast band limits).
    pub high_band_db: f32,
    /// Mean background posterior of the model over the segment, `0..=1`.
    pub background_score: f32,
}

/// One labelled stretch of speech.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct LabelledSegment {
    /// Start, seconds.
    pub start: f64,
    /// End, seconds (exclusive).
    pub end: f64,
    /// Foreground or background.
    pub label: Label,
    /// Probability that the label is right, `0..=1` (calibrated on the tuning clips).
    pub confidence: f32,
    /// True for a foreground segment under which background speech was detected.
    pub overlap: bool,
    /// The figures behind the label.
    pub cues: SegmentCues,
}

/// The foreground talker's reference level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AnchorInfo {
    /// Anchor level, dBFS (95th percentile of confident speech-frame levels); `null` before
    /// any confident speech.
    pub level_db: Option<f32>,
    /// Confident speech frames it rests on.
    pub frames: u64,
}

/// The whole analysis of a clip (the JSON report of the CLI and the JS `analyze`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "AnalysisReport"))]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Version of the layout ([`SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// The crate version.
    pub version: String,
    /// The settings used.
    #[cfg_attr(test, ts(type = "Required<AnalyzeOptions>"))]
    pub config: AnalyzerConfig,
    /// Input sample rate, Hz.
    pub sample_rate: f64,
    /// Input duration, seconds.
    pub duration: f64,
    /// Seconds per probability frame (0.01); frame `i` covers `[i, i + 1) * frameSeconds`.
    pub frame_seconds: f64,
    /// Labelled segments, sorted by start; they lie inside `speech` and do not overlap.
    pub segments: Vec<LabelledSegment>,
    /// The voice activity segments.
    pub speech: Vec<Segment>,
    /// Per frame: probability that foreground speech is present.
    // The JS report carries both probabilities as `Float32Array`s (src/wasm/analyze.rs).
    #[cfg_attr(test, ts(type = "Float32Array"))]
    pub foreground_probability: Vec<f32>,
    /// Per frame: probability that background speech is present.
    #[cfg_attr(test, ts(type = "Float32Array"))]
    pub background_probability: Vec<f32>,
    /// The foreground anchor.
    #[cfg_attr(test, ts(inline))]
    pub anchor: AnchorInfo,
    /// Things a reviewer should know (non-finite samples, no foreground talker found).
    pub warnings: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::Label;

    #[test]
    fn label_names_round_trip() {
        for label in Label::ALL {
            assert_eq!(label.to_string().parse::<Label>().unwrap(), label);
        }
        assert_eq!(Label::Background.to_string(), "background");
        assert!("Foreground".parse::<Label>().is_err());
    }
}
