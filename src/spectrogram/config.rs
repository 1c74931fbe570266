//! Spectrogram configuration: [`SpectrogramConfig`], the [`Preset`]s it starts from, what a
//! row holds ([`Output`]), the log scale, and their validation.

use crate::error::{Error, Result};
use crate::mel::{MelFilterbank, MelNorm, MelScale};
use crate::names::option_names;
use crate::stft::{PadMode, StftConfig};
use crate::window::WindowKind;
use serde::{Deserialize, Serialize};

/// Lowest sample rate accepted, in Hz.
pub const MIN_SAMPLE_RATE_HZ: u32 = 1000;
/// Highest sample rate accepted, in Hz.
pub const MAX_SAMPLE_RATE_HZ: u32 = 768_000;

/// A named set of defaults that reproduces a reference implementation.
///
/// - [`Preset::Librosa`]: exactly `librosa.feature.melspectrogram(y, sr, n_fft=512,
///   hop_length=160, n_mels=64, power=2.0, center=True, pad_mode='constant', htk=False,
///   norm='slaney')` (periodic Hann, `win_length = n_fft`, `fmin = 0`, `fmax = sr / 2`).
///   With `db` it adds `librosa.power_to_db(S, ref=1.0, amin=1e-10, top_db=80.0)`.
/// - [`Preset::Kaldi`]: Kaldi `compute-fbank-feats` as kaldi-native-fbank computes it with
///   `dither=0`: 25 ms frames every 10 ms, `snip_edges` (no padding, frames start at
///   `i * hop`), int16 sample scale (x32768), per-frame DC removal, pre-emphasis 0.97, Povey
///   window, FFT length rounded up to a power of two (512 at 16 kHz), power spectrum, 80
///   Kaldi-mel triangles from 20 Hz to Nyquist without area norm, natural log floored at
///   `f32::EPSILON`.
/// - [`Preset::Torchaudio`]: `torchaudio.transforms.MelSpectrogram(sample_rate=sr,
///   n_fft=400, hop_length=160, n_mels=80, pad_mode="reflect", mel_scale="htk", norm=None)`,
///   i.e. 25 ms periodic Hann frames centred with reflect padding, HTK mel, power 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// librosa `melspectrogram` with bystander's speech arguments (see [`Preset`]).
    #[default]
    Librosa,
    /// Kaldi fbank (kaldi-native-fbank, dither 0).
    Kaldi,
    /// torchaudio `MelSpectrogram` (25 ms / 10 ms, reflect, HTK, 80 mels).
    Torchaudio,
}

option_names!(Preset, field "preset", expected "\"librosa\", \"kaldi\" or \"torchaudio\"", {
    Librosa => "librosa",
    Kaldi => "kaldi",
    Torchaudio => "torchaudio",
});

/// What each output row holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Output {
    /// `n_fft / 2 + 1` linear-frequency bins.
    Linear,
    /// `n_mels` mel bands.
    #[default]
    Mel,
    /// `n_mfcc` cepstral coefficients of the dB mel bands.
    Mfcc,
}

option_names!(Output, field "output", expected "\"linear\", \"mel\" or \"mfcc\"", {
    Linear => "linear" | "stft",
    Mel => "mel",
    Mfcc => "mfcc",
});

/// Logarithmic compression of the values.
///
/// `db` follows librosa: `10 log10(max(amin, S)) - 10 log10(max(amin, ref))` for power
/// (`power = 2`), and `amplitude_to_db` (`20 log10` with `amin`, `ref` applied to magnitudes)
/// for magnitudes (`power = 1`). `top_db` floors every value at `max - top_db` where `max` is
/// the maximum over the *whole* output; a stream cannot know that maximum before its end, so
/// [`SpectrogramStream`](crate::SpectrogramStream) leaves values unfloored and
/// [`spectrogram`](fn@crate::spectrogram) applies the floor once at the end. MFCCs are the
/// orthonormal DCT-II of the dB mel bands (`librosa.feature.mfcc`, `dct_type=2`,
/// `norm="ortho"`), taken after the floor in batch.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum LogScale {
    /// Linear values.
    #[default]
    None,
    /// Decibels as librosa's `power_to_db` / `amplitude_to_db`.
    Db {
        /// Floor of the linear value before the log (librosa: 1e-10 for power, 1e-5 for
        /// magnitude).
        amin: f32,
        /// Reference value mapped to 0 dB.
        reference: f32,
        /// Dynamic range kept below the whole output's maximum, in dB (`None`: unlimited).
        top_db: Option<f32>,
    },
    /// Natural log floored at `floor` (Kaldi: `f32::EPSILON`).
    Ln {
        /// Floor of the linear value before the log.
        floor: f32,
    },
}

/// Full spectrogram configuration. Build one from a [`Preset`] and change fields, then
/// validate it through [`SpectrogramStream::new`](super::SpectrogramStream::new).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpectrogramConfig {
    /// Sample rate of the input in Hz, `1000..=768000`. **Default** 16000.
    pub sample_rate_hz: f64,
    /// The preset this configuration started from (informational).
    pub preset: Preset,
    /// Framing and per-frame processing.
    pub stft: StftConfig,
    /// Exponent applied to magnitudes: 1 = magnitude, 2 = power. **Default** 2.
    pub power: f32,
    /// What a row holds. **Default** mel.
    pub output: Output,
    /// Number of mel bands, `1..=1024`. **Default** 64.
    pub n_mels: usize,
    /// Lowest mel edge in Hz. **Default** 0.
    pub f_min: f64,
    /// Highest mel edge in Hz; `None` = Nyquist. **Default** `None`.
    pub f_max: Option<f64>,
    /// Mel scale. **Default** Slaney.
    pub mel_scale: MelScale,
    /// Mel band normalisation. **Default** Slaney (unit area).
    pub mel_norm: MelNorm,
    /// Number of MFCCs when `output` is mfcc, `1..=n_mels`. **Default** 20.
    pub n_mfcc: usize,
    /// Log compression. **Default** none.
    pub log: LogScale,
}

impl Default for SpectrogramConfig {
    fn default() -> Self {
        SpectrogramConfig::preset(Preset::Librosa, 16000.0)
    }
}

/// librosa's `power_to_db` defaults (`amin=1e-10`, `ref=1.0`, `top_db=80`).
pub const LIBROSA_POWER_DB: LogScale = LogScale::Db {
    amin: 1e-10,
    reference: 1.0,
    top_db: Some(80.0),
};

/// librosa's `amplitude_to_db` defaults (`amin=1e-5`, `ref=1.0`, `top_db=80`).
pub const LIBROSA_AMPLITUDE_DB: LogScale = LogScale::Db {
    amin: 1e-5,
    reference: 1.0,
    top_db: Some(80.0),
};

impl SpectrogramConfig {
    /// The configuration of `preset` at `sample_rate_hz`.
    ///
    /// Frame lengths of the Kaldi and torchaudio presets are in seconds (25 ms / 10 ms) and
    /// scale with the rate; the librosa preset's are in samples (512 / 160), as librosa's
    /// arguments are.
    pub fn preset(preset: Preset, sample_rate_hz: f64) -> Self {
        let librosa = SpectrogramConfig {
            sample_rate_hz,
            preset,
            stft: StftConfig::default(),
            power: 2.0,
            output: Output::Mel,
            n_mels: 64,
            f_min: 0.0,
            f_max: None,
            mel_scale: MelScale::Slaney,
            mel_norm: MelNorm::Slaney,
            n_mfcc: 20,
            log: LogScale::None,
        };
        let ms = |millis: f64| ((sample_rate_hz * millis / 1000.0).round() as usize).max(1);
        match preset {
            Preset::Librosa => librosa,
            Preset::Kaldi => {
                let win = ms(25.0);
                SpectrogramConfig {
                    stft: StftConfig {
                        n_fft: win.next_power_of_two(),
                        win_length: win,
                        hop_length: ms(10.0),
                        window: WindowKind::Povey,
                        center: false,
                        pad_mode: PadMode::Constant,
                        sample_scale: 32768.0,
                        remove_dc: true,
                        preemphasis: 0.97,
                    },
                    n_mels: 80,
                    f_min: 20.0,
                    mel_scale: MelScale::Kaldi,
                    mel_norm: MelNorm::None,
                    log: LogScale::Ln {
                        floor: f32::EPSILON,
                    },
                    ..librosa
                }
            }
            Preset::Torchaudio => {
                let win = ms(25.0);
                SpectrogramConfig {
                    stft: StftConfig {
                        n_fft: win,
                        win_length: win,
                        hop_length: ms(10.0),
                        pad_mode: PadMode::Reflect,
                        ..StftConfig::default()
                    },
                    n_mels: 80,
                    mel_scale: MelScale::Htk,
                    mel_norm: MelNorm::None,
                    ..librosa
                }
            }
        }
    }

    /// Number of values per output row.
    pub fn bins(&self) -> usize {
        match self.output {
            Output::Linear => self.stft.n_bins(),
            Output::Mel => self.n_mels,
            Output::Mfcc => self.n_mfcc,
        }
    }

    /// Hop between frames in seconds.
    pub fn hop_seconds(&self) -> f64 {
        self.stft.hop_length as f64 / self.sample_rate_hz
    }

    /// The frequency of each output row value in Hz: bin centres for linear output, band
    /// centres for mel, and an empty list for MFCC (quefrency, not frequency).
    pub fn frequencies(&self) -> Result<Vec<f64>> {
        Ok(match self.output {
            Output::Linear => (0..self.stft.n_bins())
                .map(|k| k as f64 * self.sample_rate_hz / self.stft.n_fft as f64)
                .collect(),
            Output::Mel => self.filterbank()?.centres_hz().to_vec(),
            Output::Mfcc => Vec::new(),
        })
    }

    pub(super) fn filterbank(&self) -> Result<MelFilterbank> {
        MelFilterbank::new(
            self.sample_rate_hz,
            self.stft.n_fft,
            self.n_mels,
            self.f_min,
            self.f_max.unwrap_or(self.sample_rate_hz / 2.0),
            self.mel_scale,
            self.mel_norm,
        )
    }

    /// Checks every field.
    ///
    /// # Errors
    /// [`Error::UnsupportedSampleRate`] or [`Error::InvalidConfig`] naming the field.
    pub fn validate(&self) -> Result<()> {
        validate_sample_rate(self.sample_rate_hz)?;
        self.stft.validate()?;
        if !(self.power.is_finite() && self.power > 0.0 && self.power <= 4.0) {
            return Err(Error::invalid(
                "power",
                format!(
                    "must be in (0, 4] (1 = magnitude, 2 = power); got {}",
                    self.power
                ),
            ));
        }
        if self.output != Output::Linear {
            self.filterbank()?;
        }
        if self.output == Output::Mfcc {
            if self.n_mfcc == 0 || self.n_mfcc > self.n_mels {
                return Err(Error::invalid(
                    "nMfcc",
                    format!(
                        "must be in 1..=nMels ({}); got {}",
                        self.n_mels, self.n_mfcc
                    ),
                ));
            }
            if !matches!(self.log, LogScale::Db { .. }) {
                return Err(Error::invalid(
                    "db",
                    "output \"mfcc\" is computed from dB mel bands: set db = true",
                ));
            }
        }
        match self.log {
            LogScale::None => {}
            LogScale::Db {
                amin,
                reference,
                top_db,
            } => {
                if !(amin.is_finite() && amin >= f32::MIN_POSITIVE) {
                    return Err(Error::invalid(
                        "amin",
                        format!("must be a finite number >= 1.2e-38; got {amin}"),
                    ));
                }
                if !(reference.is_finite() && reference > 0.0) {
                    return Err(Error::invalid(
                        "ref",
                        format!("must be a finite number > 0; got {reference}"),
                    ));
                }
                if let Some(t) = top_db {
                    if !(t.is_finite() && t >= 0.0) {
                        return Err(Error::invalid(
                            "topDb",
                            format!("must be a number >= 0 (or null for no floor); got {t}"),
                        ));
                    }
                }
            }
            LogScale::Ln { floor } => {
                if !(floor.is_finite() && floor >= f32::MIN_POSITIVE) {
                    return Err(Error::invalid(
                        "amin",
                        format!("must be a finite number >= 1.2e-38; got {floor}"),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Checks a sample rate against [`MIN_SAMPLE_RATE_HZ`]..=[`MAX_SAMPLE_RATE_HZ`].
///
/// # Errors
/// [`Error::UnsupportedSampleRate`].
pub fn validate_sample_rate(rate_hz: f64) -> Result<()> {
    if rate_hz.is_finite()
        && rate_hz >= MIN_SAMPLE_RATE_HZ as f64
        && rate_hz <= MAX_SAMPLE_RATE_HZ as f64
    {
        Ok(())
    } else {
        Err(Error::UnsupportedSampleRate {
            rate_hz,
            min_hz: MIN_SAMPLE_RATE_HZ,
            max_hz: MAX_SAMPLE_RATE_HZ,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_validate() {
        for p in [Preset::Librosa, Preset::Kaldi, Preset::Torchaudio] {
            for sr in [8000.0, 16000.0, 44100.0, 48000.0] {
                SpectrogramConfig::preset(p, sr).validate().unwrap();
            }
        }
        let k = SpectrogramConfig::preset(Preset::Kaldi, 16000.0);
        assert_eq!(
            (k.stft.n_fft, k.stft.win_length, k.stft.hop_length),
            (512, 400, 160)
        );
    }

    #[test]
    fn mfcc_needs_db() {
        let cfg = SpectrogramConfig {
            output: Output::Mfcc,
            ..SpectrogramConfig::default()
        };
        assert!(cfg.validate().unwrap_err().to_string().contains("db"));
    }
}
