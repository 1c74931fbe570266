//! Voice activity detection: where anyone speaks, however quietly, and nowhere else.
//!
//! Pipeline (one pass, streaming): samples at any rate -> resampler (16 kHz) -> DC blocker
//! -> the librosa
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
use crate::mel::MelFilterbank;
use crate::resample::Resampler;
use crate::segment::Segment;
use crate::spectrogram::{Output, Precision, Preset, SpectrogramConfig, SpectrogramStream};
use features::{FeatureExtractor, N_BINS, N_FEATURES, N_MELS};
use segmenter::Segmenter;
use serde::{Deserialize, Serialize};

/// The analysis sample rate, Hz. Inputs at other rates are resampled to it.
pub const ANALYSIS_RATE_HZ: u32 = 16_000;
/// Duration of one probability frame, seconds (the 160-sample hop at 16 kHz).
pub const FRAME_SECONDS: f64 = 0.01;

/// Voice activity settings. Durations in milliseconds.
///
/// The defaults were chosen by `bystander tune-vad target/train_vad/tune` (a grid search on
/// clips generated from the training speakers with their own seed, never on the dev clips):
/// best pooled frame F1 with under 3 % of the tuning set's non-speech frames marked speech.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VadConfig {
    /// Probability at which speech starts, `0 < threshold < 1`. **Default** 0.9.
    pub threshold: f32,
    /// Probability below which speech may end; `None` = `threshold - 0.15` (at least 0.01).
    /// **Default** 0.6.
    pub off_threshold: Option<f32>,
    /// Shortest segment kept, ms, `0..=10000`. **Default** 200.
    pub min_speech_ms: f64,
    /// Shortest pause that splits a segment, ms, `10..=10000`. **Default** 200.
    pub min_silence_ms: f64,
    /// Padding added before each segment, ms, `0..=2000`. **Default** 50.
    pub pad_before_ms: f64,
    /// Padding added after each segment, ms, `0..=2000`. **Default** 0.
    pub pad_after_ms: f64,
}

impl Default for VadConfig {
    fn default() -> Self {
        VadConfig {
            threshold: 0.9,
            off_threshold: Some(0.6),
            min_speech_ms: 200.0,
            min_silence_ms: 200.0,
            pad_before_ms: 50.0,
            pad_after_ms: 0.0,
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

/// The spectrogram configuration the detector runs on: the librosa preset's frames (512 /
/// 160 at 16 kHz) as linear power, single-precision FFT (the features do not need float64);
/// the preset's 64 Slaney mel bands are applied to the same frames ([`front_end_mel`]).
pub fn front_end_config() -> SpectrogramConfig {
    SpectrogramConfig {
        precision: Precision::Single,
        output: Output::Linear,
        ..SpectrogramConfig::preset(Preset::Librosa, ANALYSIS_RATE_HZ as f64)
    }
}

/// The librosa preset's mel filterbank at the analysis rate.
pub fn front_end_mel() -> Result<MelFilterbank> {
    let c = SpectrogramConfig::preset(Preset::Librosa, ANALYSIS_RATE_HZ as f64);
    MelFilterbank::new(
        c.sample_rate_hz,
        c.stft.n_fft,
        c.n_mels,
        c.f_min,
        c.sample_rate_hz / 2.0,
        c.mel_scale,
        c.mel_norm,
    )
}

/// The shared front end: resampling to 16 kHz, the spectrogram frames, their mel bands and
/// the features. Also used by the training pipeline (`bystander features`).
#[derive(Debug)]
pub struct FrontEnd {
    resampler: Resampler,
    spectrogram: SpectrogramStream,
    mel_bank: MelFilterbank,
    features: FeatureExtractor,
    resampled: Vec<f32>,
    /// Linear power frames of the current block.
    power: Vec<f32>,
    mel_row: Vec<f32>,
    feature_row: [f32; N_FEATURES],
    received: usize,
    non_finite: usize,
    clean: Vec<f32>,
    dc_blocker: DcBlocker,
}

/// First-order DC-blocking high-pass, `y[n] = x[n] - x[n-1] + R y[n-1]` with `R = 0.995`
/// (-3 dB at 13 Hz at 16 kHz, 12.5 ms time constant), so a DC offset in the input changes
/// nothing after the first few frames.
/// The state starts as if the first sample had always been there, so a DC offset causes no
/// start-up step.
///
/// The recurrence is evaluated four samples apart, `y[n] = R^4 y[n-4] + e[n]` with
/// `e[n] = d[n] + R d[n-1] + R^2 d[n-2] + R^3 d[n-3]` and `d[n] = x[n] - x[n-1]`, which is the
/// same filter but gives the processor four independent dependency chains instead of one
/// (the serial form cost about 6 % of the whole analysis).
#[derive(Debug, Clone, Copy, Default)]
struct DcBlocker {
    x1: Option<f32>,
    /// `d[n-1], d[n-2], d[n-3]` of the previous block.
    d: [f32; 3],
    /// `y[n-1], y[n-2], y[n-3], y[n-4]` of the previous block.
    y: [f32; 4],
}

impl DcBlocker {
    const R: f32 = 0.995;

    fn process(&mut self, samples: &mut [f32]) {
        let Some(&first) = samples.first() else {
            return;
        };
        const R: f32 = DcBlocker::R;
        const R2: f32 = R * R;
        const R3: f32 = R2 * R;
        const R4: f32 = R2 * R2;
        let mut x1 = self.x1.unwrap_or(first);
        let [mut d1, mut d2, mut d3] = self.d;
        let n = samples.len();
        // The first four outputs read y from the previous block.
        let head = n.min(4);
        for (i, sample) in samples.iter_mut().enumerate().take(head) {
            let x = *sample;
            let d = x - x1;
            x1 = x;
            let e = d + R * d1 + R2 * d2 + R3 * d3;
            (d3, d2, d1) = (d2, d1, d);
            // y[i - 4] lies in the previous block: self.y[3 - i].
            *sample = R4 * self.y[3 - i] + e;
        }
        // Rest: x values still unprocessed from index 4; outputs at i - 4 are final.
        for i in head..n {
            let x = samples[i];
            let d = x - x1;
            x1 = x;
            let e = d + R * d1 + R2 * d2 + R3 * d3;
            (d3, d2, d1) = (d2, d1, d);
            samples[i] = R4 * samples[i - 4] + e;
        }
        // Carry y[n-1..n-4]: from this block, topped up from the previous one when short.
        let mut y = [0.0f32; 4];
        for (k, slot) in y.iter_mut().enumerate() {
            *slot = if k < n {
                samples[n - 1 - k]
            } else {
                self.y[k - n]
            };
        }
        self.y = y;
        self.d = [d1, d2, d3];
        self.x1 = Some(x1);
    }
}

impl FrontEnd {
    /// A front end for input at `sample_rate_hz`.
    ///
    /// # Errors
    /// [`Error::UnsupportedSampleRate`].
    pub fn new(sample_rate_hz: f64) -> Result<Self> {
        validate_vad_rate(sample_rate_hz)?;
        Ok(FrontEnd {
            resampler: Resampler::new(sample_rate_hz, ANALYSIS_RATE_HZ as f64)?,
            spectrogram: SpectrogramStream::new(front_end_config())?,
            mel_bank: front_end_mel()?,
            features: FeatureExtractor::new(),
            resampled: Vec::new(),
            power: Vec::new(),
            mel_row: vec![0.0; N_MELS],
            feature_row: [0.0; N_FEATURES],
            received: 0,
            non_finite: 0,
            clean: Vec::new(),
            dc_blocker: DcBlocker::default(),
        })
    }

    /// Samples pushed so far (at the input rate).
    pub fn samples_received(&self) -> usize {
        self.received
    }

    /// Input samples that were NaN or infinite (treated as silence).
    pub fn non_finite_samples(&self) -> usize {
        self.non_finite
    }

    /// Pushes samples; calls `sink` with the features of every frame completed.
    ///
    /// # Errors
    /// [`Error::InvalidState`] after `finish`.
    pub fn push(&mut self, samples: &[f32], sink: impl FnMut(&[f32; N_FEATURES])) -> Result<()> {
        self.push_to(samples, &mut FeaturesOnly(sink))
    }

    /// Flushes everything; calls `sink` for every remaining frame.
    ///
    /// # Errors
    /// [`Error::InvalidState`] when called twice.
    pub fn finish(&mut self, sink: impl FnMut(&[f32; N_FEATURES])) -> Result<()> {
        self.finish_to(&mut FeaturesOnly(sink))
    }

    /// Pushes samples; hands every power frame and every feature row to `sink`.
    ///
    /// # Errors
    /// [`Error::InvalidState`] after `finish`.
    pub fn push_to(&mut self, samples: &[f32], sink: &mut impl FrameSink) -> Result<()> {
        self.received += samples.len();
        self.resampled.clear();
        if samples.iter().all(|x| x.is_finite()) {
            self.resampler.push(samples, &mut self.resampled)?;
        } else {
            self.clean.clear();
            self.clean.extend_from_slice(samples);
            self.non_finite += crate::audio::sanitize(&mut self.clean);
            self.resampler.push(&self.clean, &mut self.resampled)?;
        }
        self.dc_blocker.process(&mut self.resampled);
        self.power.clear();
        self.spectrogram.push(&self.resampled, &mut self.power)?;
        self.consume(sink);
        Ok(())
    }

    /// Flushes everything into `sink`.
    ///
    /// # Errors
    /// [`Error::InvalidState`] when called twice.
    pub fn finish_to(&mut self, sink: &mut impl FrameSink) -> Result<()> {
        self.resampled.clear();
        self.resampler.finish(&mut self.resampled)?;
        self.dc_blocker.process(&mut self.resampled);
        self.power.clear();
        self.spectrogram.push(&self.resampled, &mut self.power)?;
        self.spectrogram.finish(&mut self.power)?;
        self.consume(sink);
        self.features.finish(|row| sink.features(row));
        Ok(())
    }

    fn consume(&mut self, sink: &mut impl FrameSink) {
        for row in self.power.chunks_exact(N_BINS) {
            sink.power_frame(row);
            self.mel_bank.apply(row, &mut self.mel_row);
            if self
                .features
                .push(row, &self.mel_row, &mut self.feature_row)
            {
                sink.features(&self.feature_row);
            }
        }
    }
}

/// Receives what the [`FrontEnd`] computes, in order: every linear power frame as soon as
/// it exists (`N_BINS` values, frame `n` centred at `n x 10 ms`), and the feature row of
/// frame `n - CONTEXT` after it (the features need `CONTEXT` frames of lookahead).
pub trait FrameSink {
    /// One linear power frame (`N_BINS` values). The default ignores it.
    fn power_frame(&mut self, _power: &[f32]) {}
    /// The feature row of the next frame, in frame order.
    fn features(&mut self, row: &[f32; N_FEATURES]);
}

struct FeaturesOnly<F>(F);

impl<F: FnMut(&[f32; N_FEATURES])> FrameSink for FeaturesOnly<F> {
    fn features(&mut self, row: &[f32; N_FEATURES]) {
        (self.0)(row)
    }
}

/// Streaming voice activity detector.
#[derive(Debug)]
pub struct VoiceActivityDetector {
    config: VadConfig,
    sample_rate_hz: f64,
    front: FrontEnd,
    segmenter: Segmenter,
    finished: bool,
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
            front: FrontEnd::new(sample_rate_hz)?,
            segmenter: Segmenter::new(&config, FRAME_SECONDS),
            config,
            sample_rate_hz,
            finished: false,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &VadConfig {
        &self.config
    }

    /// Input samples that were NaN or infinite (treated as silence).
    pub fn non_finite_samples(&self) -> usize {
        self.front.non_finite_samples()
    }

    /// Probabilities emitted so far (frames).
    pub fn frames_emitted(&self) -> usize {
        self.segmenter.frames()
    }

    /// Input duration so far, seconds.
    pub fn duration(&self) -> f64 {
        self.front.samples_received() as f64 / self.sample_rate_hz
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
        let segmenter = &mut self.segmenter;
        self.front.push(samples, |row| {
            let p = model::speech_probability(row);
            probabilities.push(p);
            segmenter.push(p, segments);
        })
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
        let segmenter = &mut self.segmenter;
        self.front.finish(|row| {
            let p = model::speech_probability(row);
            probabilities.push(p);
            segmenter.push(p, segments);
        })?;
        let duration = self.duration();
        let total_frames = (duration / FRAME_SECONDS).ceil() as usize;
        self.segmenter.finish(total_frames, segments);
        // The last segment may end inside the final partial frame: clamp to the duration.
        if let Some(last) = segments.last_mut() {
            last.end = last.end.min(duration);
        }
        Ok(())
    }
}

/// Checks a VAD input rate: whole Hz in 8000..=384000 (hi-res recorders reach 384 kHz).
///
/// # Errors
/// [`Error::UnsupportedSampleRate`].
pub fn validate_vad_rate(rate_hz: f64) -> Result<()> {
    if rate_hz.is_finite() && rate_hz.fract() == 0.0 && (8000.0..=384_000.0).contains(&rate_hz) {
        Ok(())
    } else {
        Err(Error::UnsupportedSampleRate {
            rate_hz,
            min_hz: 8000,
            max_hz: 384_000,
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

#[cfg(test)]
mod dc_tests {
    use super::DcBlocker;

    #[test]
    fn four_chain_form_equals_the_serial_filter_in_any_blocks() {
        let x: Vec<f32> = (0..5000)
            .map(|n| 0.3 + 0.5 * ((n as f32) * 0.37).sin() + if n % 97 == 0 { 0.4 } else { 0.0 })
            .collect();
        // Serial reference: y[n] = x[n] - x[n-1] + R y[n-1], x[-1] = x[0].
        let (mut x1, mut y1) = (x[0], 0.0f32);
        let reference: Vec<f32> = x
            .iter()
            .map(|&v| {
                y1 = v - x1 + DcBlocker::R * y1;
                x1 = v;
                y1
            })
            .collect();
        for block in [1usize, 2, 3, 4, 5, 127, 160, 5000] {
            let mut f = DcBlocker::default();
            let mut out = x.clone();
            for chunk in out.chunks_mut(block) {
                f.process(chunk);
            }
            let worst = out
                .iter()
                .zip(&reference)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0f32, f32::max);
            assert!(worst < 1e-5, "block {block}: {worst}");
        }
    }
}
