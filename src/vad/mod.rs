//! Voice activity detection: where anyone speaks, however quietly, and nowhere else.
//!
//! Pipeline (one pass, streaming): samples at any rate -> resampler (16 kHz) -> the librosa
//! preset's 64-band mel power frames (10 ms hop; the same spectrogram engine, no second
//! FFT) -> level-invariant features relative to a per-band noise floor
//! ([`features`]) -> a small trained classifier ([`model`]) giving a per-frame speech
//! probability -> hysteresis segmenter ([`segmenter`]). See each module for the method and
//! its references.

pub mod features;
pub mod model;
pub mod segmenter;
mod weights;

use crate::error::{Error, Result};
use crate::resample::Resampler;
use crate::segment::Segment;
use crate::spectrogram::{Precision, Preset, SpectrogramConfig, SpectrogramStream};
use features::{FeatureExtractor, N_FEATURES, N_MELS};
use segmenter::Segmenter;
use serde::{Deserialize, Serialize};

/// The analysis sample rate, Hz. Inputs at other rates are resampled to it.
pub const ANALYSIS_RATE_HZ: u32 = 16_000;
/// Duration of one probability frame, seconds (the 160-sample hop at 16 kHz).
pub const FRAME_SECONDS: f64 = 0.01;

/// Voice activity settings. Durations in milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VadConfig {
    /// Probability at which speech starts, `0 < threshold < 1`. **Default** 0.5.
    pub threshold: f32,
    /// Probability below which speech may end; `None` = `threshold - 0.15` (at least 0.01).
    /// **Default** `None`.
    pub off_threshold: Option<f32>,
    /// Shortest segment kept, ms, `0..=10000`. **Default** 100.
    pub min_speech_ms: f64,
    /// Shortest pause that splits a segment, ms, `10..=10000`. **Default** 300.
    pub min_silence_ms: f64,
    /// Padding added before each segment, ms, `0..=2000`. **Default** 50.
    pub pad_before_ms: f64,
    /// Padding added after each segment, ms, `0..=2000`. **Default** 100.
    pub pad_after_ms: f64,
}

impl Default for VadConfig {
    fn default() -> Self {
        VadConfig {
            threshold: 0.5,
            off_threshold: None,
            min_speech_ms: 100.0,
            min_silence_ms: 300.0,
            pad_before_ms: 50.0,
            pad_after_ms: 100.0,
        }
    }
}

impl VadConfig {
    /// The effective off threshold.
    pub fn off_threshold(&self) -> f32 {
        self.off_threshold
            .unwrap_or((self.threshold - 0.15).max(0.01))
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

/// The spectrogram configuration the detector runs on: the librosa preset's 64 mel bands
/// (power, no log) at 16 kHz, single-precision FFT (the features do not need float64).
pub fn front_end_config() -> SpectrogramConfig {
    SpectrogramConfig {
        precision: Precision::Single,
        ..SpectrogramConfig::preset(Preset::Librosa, ANALYSIS_RATE_HZ as f64)
    }
}

/// Streaming voice activity detector.
#[derive(Debug)]
pub struct VoiceActivityDetector {
    config: VadConfig,
    sample_rate_hz: f64,
    resampler: Resampler,
    spectrogram: SpectrogramStream,
    features: FeatureExtractor,
    segmenter: Segmenter,
    resampled: Vec<f32>,
    mel: Vec<f32>,
    feature_row: [f32; N_FEATURES],
    received: usize,
    non_finite: usize,
    finished: bool,
}

impl VoiceActivityDetector {
    /// A detector for audio at `sample_rate_hz` (whole Hz in `8000..=192000`).
    ///
    /// # Errors
    /// [`Error::UnsupportedSampleRate`], or [`Error::InvalidConfig`] from
    /// [`VadConfig::validate`].
    pub fn new(sample_rate_hz: f64, config: VadConfig) -> Result<Self> {
        validate_vad_rate(sample_rate_hz)?;
        config.validate()?;
        Ok(VoiceActivityDetector {
            resampler: Resampler::new(sample_rate_hz, ANALYSIS_RATE_HZ as f64)?,
            spectrogram: SpectrogramStream::new(front_end_config())?,
            features: FeatureExtractor::new(),
            segmenter: Segmenter::new(&config, FRAME_SECONDS),
            config,
            sample_rate_hz,
            resampled: Vec::new(),
            mel: Vec::new(),
            feature_row: [0.0; N_FEATURES],
            received: 0,
            non_finite: 0,
            finished: false,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &VadConfig {
        &self.config
    }

    /// Input samples that were NaN or infinite (treated as silence).
    pub fn non_finite_samples(&self) -> usize {
        self.non_finite
    }

    /// Probabilities emitted so far (frames).
    pub fn frames_emitted(&self) -> usize {
        self.segmenter.frames()
    }

    /// Input duration so far, seconds.
    pub fn duration(&self) -> f64 {
        self.received as f64 / self.sample_rate_hz
    }

    /// Pushes a block of samples (any length, `f32` in `[-1, 1]`; NaN/Inf count as 0).
    /// Appends the speech probability of every frame completed to `probabilities` and every
    /// segment that became final to `segments`.
    ///
    /// # Errors
    /// [`Error::InvalidState`] after [`VoiceActivityDetector::finish`].
    pub fn push(
        &mut self,
        samples: &[f32],
        probabilities: &mut Vec<f32>,
        segments: &mut Vec<Segment>,
    ) -> Result<()> {
        if self.finished {
            return Err(Error::InvalidState(
                "push after finish: the stream has ended; make a new one".into(),
            ));
        }
        self.received += samples.len();
        self.resampled.clear();
        if samples.iter().all(|x| x.is_finite()) {
            self.resampler.push(samples, &mut self.resampled)?;
        } else {
            let mut clean = samples.to_vec();
            self.non_finite += crate::audio::sanitize(&mut clean);
            self.resampler.push(&clean, &mut self.resampled)?;
        }
        self.mel.clear();
        self.spectrogram.push(&self.resampled, &mut self.mel)?;
        self.consume_mel(probabilities, segments);
        Ok(())
    }

    fn consume_mel(&mut self, probabilities: &mut Vec<f32>, segments: &mut Vec<Segment>) {
        for row in self.mel.chunks_exact(N_MELS) {
            if self.features.push(row, &mut self.feature_row) {
                let p = model::speech_probability(&self.feature_row);
                probabilities.push(p);
                self.segmenter.push(p, segments);
            }
        }
    }

    /// Ends the stream: flushes the resampler, the last frames and the open segment.
    ///
    /// # Errors
    /// [`Error::InvalidState`] when called twice.
    pub fn finish(
        &mut self,
        probabilities: &mut Vec<f32>,
        segments: &mut Vec<Segment>,
    ) -> Result<()> {
        if self.finished {
            return Err(Error::InvalidState("finish called twice".into()));
        }
        self.finished = true;
        self.resampled.clear();
        self.resampler.finish(&mut self.resampled)?;
        self.mel.clear();
        self.spectrogram.push(&self.resampled, &mut self.mel)?;
        self.spectrogram.finish(&mut self.mel)?;
        self.consume_mel(probabilities, segments);
        let segmenter = &mut self.segmenter;
        self.features.finish(|row| {
            let p = model::speech_probability(row);
            probabilities.push(p);
            segmenter.push(p, segments);
        });
        let total_frames = (self.duration() / FRAME_SECONDS).ceil() as usize;
        self.segmenter.finish(total_frames, segments);
        // The last segment may end inside the final partial frame: clamp to the duration.
        let duration = self.duration();
        if let Some(last) = segments.last_mut() {
            last.end = last.end.min(duration);
        }
        Ok(())
    }

    /// Feeds the model's inputs instead of probabilities (for the training pipeline).
    pub fn push_features(&mut self, samples: &[f32], out: &mut Vec<f32>) -> Result<()> {
        self.resampled.clear();
        self.resampler.push(samples, &mut self.resampled)?;
        self.mel.clear();
        self.spectrogram.push(&self.resampled, &mut self.mel)?;
        for row in self.mel.chunks_exact(N_MELS) {
            if self.features.push(row, &mut self.feature_row) {
                out.extend_from_slice(&self.feature_row);
            }
        }
        Ok(())
    }

    /// Ends a [`VoiceActivityDetector::push_features`] stream.
    pub fn finish_features(&mut self, out: &mut Vec<f32>) -> Result<()> {
        self.resampled.clear();
        self.resampler.finish(&mut self.resampled)?;
        self.mel.clear();
        self.spectrogram.push(&self.resampled, &mut self.mel)?;
        self.spectrogram.finish(&mut self.mel)?;
        for row in self.mel.chunks_exact(N_MELS) {
            if self.features.push(row, &mut self.feature_row) {
                out.extend_from_slice(&self.feature_row);
            }
        }
        self.features.finish(|row| out.extend_from_slice(row));
        Ok(())
    }
}

/// Checks a VAD input rate: whole Hz in 8000..=192000.
///
/// # Errors
/// [`Error::UnsupportedSampleRate`].
pub fn validate_vad_rate(rate_hz: f64) -> Result<()> {
    if rate_hz.is_finite() && rate_hz.fract() == 0.0 && (8000.0..=192_000.0).contains(&rate_hz) {
        Ok(())
    } else {
        Err(Error::UnsupportedSampleRate {
            rate_hz,
            min_hz: 8000,
            max_hz: 192_000,
        })
    }
}

/// Voice activity of a whole signal.
#[derive(Debug, Clone, PartialEq)]
pub struct VoiceActivity {
    /// Seconds per probability frame (0.01).
    pub frame_seconds: f64,
    /// Speech probability per frame; frame `i` covers `[i, i + 1) * frame_seconds`.
    pub probabilities: Vec<f32>,
    /// Speech segments, sorted, non-overlapping.
    pub segments: Vec<Segment>,
    /// Samples that were NaN or infinite (treated as silence).
    pub non_finite_samples: usize,
}

/// Detects speech in a whole signal (a thin loop over [`VoiceActivityDetector`]).
///
/// # Errors
/// As [`VoiceActivityDetector::new`]; [`Error::InputTooShort`] for an empty signal.
pub fn detect_speech(
    samples: &[f32],
    sample_rate_hz: f64,
    config: &VadConfig,
) -> Result<VoiceActivity> {
    if samples.is_empty() {
        return Err(Error::InputTooShort {
            reason: "no samples".into(),
        });
    }
    let mut vad = VoiceActivityDetector::new(sample_rate_hz, config.clone())?;
    let (mut probabilities, mut segments) = (Vec::new(), Vec::new());
    // Blocks of 1 s keep the resampler's and the spectrogram's scratch small.
    for block in samples.chunks(sample_rate_hz as usize) {
        vad.push(block, &mut probabilities, &mut segments)?;
    }
    vad.finish(&mut probabilities, &mut segments)?;
    Ok(VoiceActivity {
        frame_seconds: FRAME_SECONDS,
        probabilities,
        segments,
        non_finite_samples: vad.non_finite_samples(),
    })
}
