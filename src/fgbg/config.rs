//! Foreground/background settings ([`AnalyzerConfig`]): the voice activity settings plus
//! the labeller's thresholds, switch penalty and shortest run, with their tuned defaults
//! (`tuned.rs`, written by `tools/train_fgbg/tune.py`) and the checks of their ranges.

use super::tuned;
use crate::error::{Error, Result};
use crate::vad::VadConfig;
use serde::{Deserialize, Serialize};

/// Foreground/background settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnalyzerConfig {
    /// Voice activity settings (where anyone speaks).
    #[serde(flatten)]
    pub vad: VadConfig,
    /// Background posterior above which a frame leans background, `0 < x < 1`.
    /// **Default** chosen on the tuning clips by `tools/train_fgbg/tune.py` (`tuned.rs`).
    pub background_threshold: f32,
    /// Cost of a label change inside a speech segment, in nats of log posterior,
    /// `0..=100`. **Default** tuned (`tuned.rs`).
    pub switch_penalty: f32,
    /// Shortest labelled run, ms, `10..=10000`; shorter runs join a neighbour.
    /// **Default** tuned (`tuned.rs`).
    pub min_label_ms: f64,
    /// Mean overlap posterior above which a foreground run is flagged `overlap`, `0 < x < 1`.
    /// **Default** 0.5.
    pub overlap_threshold: f32,
    /// No-speech posterior above which a frame inside the VAD's speech (a reverberant tail,
    /// padding) is left unlabelled, `0 < x < 1`. **Default** tuned (`tuned.rs`).
    pub silence_threshold: f32,
}

impl Default for AnalyzerConfig {
    fn default() -> Self {
        AnalyzerConfig {
            vad: VadConfig::default(),
            background_threshold: tuned::BACKGROUND_THRESHOLD,
            switch_penalty: tuned::SWITCH_PENALTY,
            min_label_ms: tuned::MIN_LABEL_MS,
            overlap_threshold: 0.5,
            silence_threshold: tuned::SILENCE_THRESHOLD,
        }
    }
}

impl AnalyzerConfig {
    /// Checks every field.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] naming the field and its range.
    pub fn validate(&self) -> Result<()> {
        self.vad.validate()?;
        for (name, v) in [
            ("backgroundThreshold", self.background_threshold),
            ("overlapThreshold", self.overlap_threshold),
            ("silenceThreshold", self.silence_threshold),
        ] {
            if !(v > 0.0 && v < 1.0) {
                return Err(Error::invalid(
                    name,
                    format!("must be a number in (0, 1); got {v}"),
                ));
            }
        }
        if !(self.switch_penalty >= 0.0 && self.switch_penalty <= 100.0) {
            return Err(Error::invalid(
                "switchPenalty",
                format!("must be a number in 0..=100; got {}", self.switch_penalty),
            ));
        }
        if !(self.min_label_ms.is_finite() && (10.0..=10_000.0).contains(&self.min_label_ms)) {
            return Err(Error::invalid(
                "minLabelMs",
                format!(
                    "must be a number of milliseconds in 10..=10000; got {}",
                    self.min_label_ms
                ),
            ));
        }
        Ok(())
    }
}
