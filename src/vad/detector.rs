//! The streaming voice activity detector ([`VoiceActivityDetector`]) and its whole-signal
//! wrapper ([`detect_speech`]): the [`SpeechChain`] with the per-frame speech probabilities
//! and the closed segments handed to the caller.

use super::chain::{SpeechChain, SpeechSink};
use super::segmenter::Segmenter;
use super::{VadConfig, FRAME_SECONDS};
use crate::error::{Error, Result};
use crate::segment::Segment;

/// Streaming voice activity detector.
#[derive(Debug)]
pub struct VoiceActivityDetector {
    config: VadConfig,
    chain: SpeechChain,
}

/// Where the detector's frames go: the caller's probability and segment lists.
struct Outputs<'a> {
    probabilities: &'a mut Vec<f32>,
    segments: &'a mut Vec<Segment>,
}

impl SpeechSink for Outputs<'_> {
    fn segments(&mut self) -> &mut Vec<Segment> {
        self.segments
    }

    fn speech_frame(&mut self, p: f32, _segmenter: &Segmenter) {
        self.probabilities.push(p);
    }
}

impl VoiceActivityDetector {
    /// A detector for audio at `sample_rate_hz` (whole Hz in `8000..=384000`).
    ///
    /// # Errors
    /// [`Error::UnsupportedSampleRate`], or [`Error::InvalidConfig`] from
    /// [`VadConfig::validate`].
    pub fn new(sample_rate_hz: f64, config: VadConfig) -> Result<Self> {
        config.validate()?;
        Ok(VoiceActivityDetector {
            chain: SpeechChain::new(sample_rate_hz, &config)?,
            config,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &VadConfig {
        &self.config
    }

    /// Input samples that were NaN or infinite (treated as silence).
    pub fn non_finite_samples(&self) -> usize {
        self.chain.non_finite_samples()
    }

    /// Probabilities emitted so far (frames).
    pub fn frames_emitted(&self) -> usize {
        self.chain.frames_emitted()
    }

    /// Input duration so far, seconds.
    pub fn duration(&self) -> f64 {
        self.chain.duration()
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
        self.chain.push(
            samples,
            &mut Outputs {
                probabilities,
                segments,
            },
        )
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
        self.chain.finish(&mut Outputs {
            probabilities,
            segments,
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
