//! Voice activity settings ([`VadConfig`]): the thresholds and durations of the hysteresis
//! segmenter, with their tuned defaults and the checks of their ranges. Kept apart from the
//! detector so that the foreground/background analyser's settings can embed them.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// Voice activity settings. Durations in milliseconds.
///
/// The defaults were chosen for the temporal model (`crate::model`) by `bystander tune-vad
/// target/data/tune --max-nonspeech 0.05` (a grid search on the data set's tuning split,
/// speakers disjoint from training and test, never the dev clips): best pooled frame F1
/// (0.897) with under 5 % of the non-speech clips' frames marked speech (4.8 %; no setting
/// of the grid keeps them under 3 %).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VadConfig {
    /// Probability at which speech starts, `0 < threshold < 1`. **Default** 0.9.
    pub threshold: f32,
    /// Probability below which speech may end; `None` = `threshold - 0.2` (at least 0.01),
    /// so that setting `threshold` alone keeps a valid pair. **Default** `None` (0.7 at the
    /// default threshold).
    pub off_threshold: Option<f32>,
    /// Shortest segment kept, ms, `0..=10000`. **Default** 200.
    pub min_speech_ms: f64,
    /// Shortest pause that splits a segment, ms, `10..=10000`. **Default** 100.
    pub min_silence_ms: f64,
    /// Padding added before each segment, ms, `0..=2000`. **Default** 50.
    pub pad_before_ms: f64,
    /// Padding added after each segment, ms, `0..=2000`. **Default** 50.
    pub pad_after_ms: f64,
}

impl Default for VadConfig {
    fn default() -> Self {
        VadConfig {
            threshold: 0.9,
            off_threshold: None,
            min_speech_ms: 200.0,
            min_silence_ms: 100.0,
            pad_before_ms: 50.0,
            pad_after_ms: 50.0,
        }
    }
}

impl VadConfig {
    /// The effective off threshold.
    pub fn off_threshold(&self) -> f32 {
        self.off_threshold
            .unwrap_or((self.threshold - 0.2).max(0.01))
    }

    /// Checks every field.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] naming the field and its range.
    pub fn validate(&self) -> Result<()> {
        if !(self.threshold > 0.0 && self.threshold < 1.0) {
            return Err(Error::invalid(
                "threshold",
                format!("must be a number in (0, 1); got {}", self.threshold),
            ));
        }
        if let Some(off) = self.off_threshold {
            if !(off > 0.0 && off <= self.threshold) {
                return Err(Error::invalid(
                    "offThreshold",
                    format!("must be in (0, threshold = {}]; got {off}", self.threshold),
                ));
            }
        }
        let ranges = [
            ("minSpeechMs", self.min_speech_ms, 0.0, 10_000.0),
            ("minSilenceMs", self.min_silence_ms, 10.0, 10_000.0),
            ("padBeforeMs", self.pad_before_ms, 0.0, 2_000.0),
            ("padAfterMs", self.pad_after_ms, 0.0, 2_000.0),
        ];
        for (name, v, lo, hi) in ranges {
            if !(v.is_finite() && v >= lo && v <= hi) {
                return Err(Error::invalid(
                    name,
                    format!("must be a number of milliseconds in {lo}..={hi}; got {v}"),
                ));
            }
        }
        Ok(())
    }
}
