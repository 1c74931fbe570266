//! The VAD front end ([`FrontEnd`]): samples at any rate -> resampler (16 kHz) -> DC blocker
//! -> the librosa preset's linear power frames (10 ms hop) -> 64 mel bands -> the
//! level-invariant features of [`super::features`]. It hands every power frame and feature
//! row to a [`FrameSink`]; the detector and the foreground/background analyser (which also
//! reads the power frames for its cues) run on the same frames, with no second FFT.

use super::dc_blocker::DcBlocker;
use super::features::{FeatureExtractor, N_BINS, N_FEATURES, N_MELS};
use super::ANALYSIS_RATE_HZ;
use crate::error::{Error, Result};
use crate::mel::MelFilterbank;
use crate::resample::Resampler;
use crate::spectrogram::{Output, Precision, Preset, SpectrogramConfig, SpectrogramStream};

/// The spectrogram configuration the detector runs on: the librosa preset's frames (512 /
/// 160 at 16 kHz) as linear power, single-precision FFT (the features do not need float64);
/// the preset's 64 Slaney mel bands are applied to the same frames (`front_end_mel`).
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

    /// Pushes samples; calls `sink` with the features of every frame completed (the training
    /// dump's and the benchmark's entry point).
    ///
    /// # Errors
    /// [`Error::InvalidState`] after `finish`.
    #[cfg(feature = "dev")]
    pub fn push(&mut self, samples: &[f32], sink: impl FnMut(&[f32; N_FEATURES])) -> Result<()> {
        self.push_to(samples, &mut FeaturesOnly(sink))
    }

    /// Flushes everything; calls `sink` for every remaining frame.
    ///
    /// # Errors
    /// [`Error::InvalidState`] when called twice.
    #[cfg(feature = "dev")]
    pub fn finish(&mut self, sink: impl FnMut(&[f32; N_FEATURES])) -> Result<()> {
        self.finish_to(&mut FeaturesOnly(sink))
    }

    /// Pushes samples; calls `sink` with the log-mel row of every power frame completed
    /// (`N_MELS` band levels in dB, `features::band_level_db`; frame `n` centred at `n x 10 ms`):
    /// what the features start from, for the temporal model's training dump.
    ///
    /// # Errors
    /// [`Error::InvalidState`] after `finish`.
    #[cfg(feature = "dev")]
    pub fn push_log_mel(
        &mut self,
        samples: &[f32],
        sink: impl FnMut(&[f32; N_MELS]),
    ) -> Result<()> {
        self.push_to(samples, &mut LogMelOnly(sink, [0.0; N_MELS]))
    }

    /// Flushes everything; calls `sink` with the log-mel row of every remaining frame.
    ///
    /// # Errors
    /// [`Error::InvalidState`] when called twice.
    #[cfg(feature = "dev")]
    pub fn finish_log_mel(&mut self, sink: impl FnMut(&[f32; N_MELS])) -> Result<()> {
        self.finish_to(&mut LogMelOnly(sink, [0.0; N_MELS]))
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
            sink.mel_frame(&self.mel_row);
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
    /// The same frame's `N_MELS` mel powers, right after it. The default ignores it.
    fn mel_frame(&mut self, _mel: &[f32]) {}
    /// The feature row of the next frame, in frame order.
    fn features(&mut self, row: &[f32; N_FEATURES]);
}

#[cfg(feature = "dev")]
struct FeaturesOnly<F>(F);

#[cfg(feature = "dev")]
impl<F: FnMut(&[f32; N_FEATURES])> FrameSink for FeaturesOnly<F> {
    fn features(&mut self, row: &[f32; N_FEATURES]) {
        (self.0)(row)
    }
}

#[cfg(feature = "dev")]
struct LogMelOnly<F>(F, [f32; N_MELS]);

#[cfg(feature = "dev")]
impl<F: FnMut(&[f32; N_MELS])> FrameSink for LogMelOnly<F> {
    fn mel_frame(&mut self, mel: &[f32]) {
        for (l, &p) in self.1.iter_mut().zip(mel) {
            *l = super::features::band_level_db(p);
        }
        (self.0)(&self.1)
    }
    fn features(&mut self, _row: &[f32; N_FEATURES]) {}
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
