//! The VAD front end ([`FrontEnd`]): samples at any rate -> resampler (16 kHz) -> DC blocker
//! -> the librosa preset's linear power frames (10 ms hop) -> 64 mel bands. It hands every
//! power frame and its mel frame to a [`FrameSink`] as soon as the frame exists; the speech
//! chain (which runs the temporal model on the mel frames, as levels in dB:
//! [`band_level_db`]) and the foreground/background analyser (which also reads the power
//! frames for its cues) run on the same frames, with no second FFT.

use super::dc_blocker::DcBlocker;
use super::ANALYSIS_RATE_HZ;
use crate::error::{Error, Result};
use crate::mel::MelFilterbank;
use crate::resample::Resampler;
use crate::spectrogram::{Output, Preset, SpectrogramConfig, SpectrogramStream};

/// Mel bands per frame.
pub const N_MELS: usize = 64;
/// Linear-frequency bins per frame (`n_fft = 512`).
pub const N_BINS: usize = 257;
/// Floor of band powers before the log (-200 dB: far below any real signal at any gain).
const POWER_FLOOR: f32 = 1e-20;

/// One mel band's power floored at -200 dB, as [`band_level_db`] takes it.
#[inline(always)]
pub fn band_power(power: f32) -> f32 {
    crate::fastmath::fmax(power, POWER_FLOOR)
}

/// The level of one mel band, dB: the temporal model's input (and `bystander log-mel`'s).
#[inline]
pub fn band_level_db(power: f32) -> f32 {
    crate::fastmath::db10(band_power(power))
}

/// One mel frame's band levels, dB ([`band_level_db`] per band), into `out`.
#[cfg(feature = "dev")]
#[inline]
pub fn log_mel_row(mel: &[f32], out: &mut [f32; N_MELS]) {
    for (l, &p) in out.iter_mut().zip(mel) {
        *l = band_level_db(p);
    }
}

/// The spectrogram configuration the detector runs on: the librosa preset's frames (512 /
/// 160 at 16 kHz) as linear power;
/// the preset's 64 Slaney mel bands are applied to the same frames (`front_end_mel`).
pub fn front_end_config() -> SpectrogramConfig {
    SpectrogramConfig {
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

/// The shared front end: resampling to 16 kHz, the spectrogram frames and their mel bands.
/// Also used by the temporal model's training dump (`bystander log-mel`).
#[derive(Debug)]
pub struct FrontEnd {
    resampler: Resampler,
    spectrogram: SpectrogramStream,
    mel_bank: MelFilterbank,
    resampled: Vec<f32>,
    /// Linear power frames of the current block.
    power: Vec<f32>,
    mel_row: Vec<f32>,
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
            resampled: Vec::new(),
            power: Vec::new(),
            mel_row: vec![0.0; N_MELS],
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

    /// Pushes samples; calls `sink` with the log-mel row of every power frame completed
    /// (`N_MELS` band levels in dB, [`band_level_db`]; frame `n` centred at `n x 10 ms`): the
    /// temporal model's inputs before their normalisation, for its training dump.
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

    /// Pushes samples; hands every power frame and its mel frame to `sink`.
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
        Ok(())
    }

    fn consume(&mut self, sink: &mut impl FrameSink) {
        for row in self.power.chunks_exact(N_BINS) {
            sink.power_frame(row);
            self.mel_bank.apply(row, &mut self.mel_row);
            sink.mel_frame(&self.mel_row);
        }
    }
}

/// Receives what the [`FrontEnd`] computes, in order: every linear power frame as soon as
/// it exists (`N_BINS` values, frame `n` centred at `n x 10 ms`), then the same frame's mel
/// powers.
pub trait FrameSink {
    /// One linear power frame (`N_BINS` values). The default ignores it.
    fn power_frame(&mut self, _power: &[f32]) {}
    /// The same frame's `N_MELS` mel powers, right after it.
    fn mel_frame(&mut self, mel: &[f32]);
}

#[cfg(feature = "dev")]
struct LogMelOnly<F>(F, [f32; N_MELS]);

#[cfg(feature = "dev")]
impl<F: FnMut(&[f32; N_MELS])> FrameSink for LogMelOnly<F> {
    fn mel_frame(&mut self, mel: &[f32]) {
        log_mel_row(mel, &mut self.1);
        (self.0)(&self.1)
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
