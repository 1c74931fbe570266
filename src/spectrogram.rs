//! Spectrograms: magnitude, power, mel, log/dB and MFCC, streaming and batch.
//!
//! The pipeline per frame is `samples -> STFT (stft.rs) -> |X|^power -> mel bank (mel.rs)
//! -> log -> DCT`, each stage optional. Output is a frames x bins row-major `f32` matrix.
//!
//! # Presets
//! - [`Preset::Librosa`]: exactly `librosa.feature.melspectrogram(y, sr, n_fft=512,
//!   hop_length=160, n_mels=64, power=2.0, center=True, pad_mode='constant', htk=False,
//!   norm='slaney')` (periodic Hann, `win_length = n_fft`, `fmin = 0`, `fmax = sr / 2`).
//!   With `db` it adds `librosa.power_to_db(S, ref=1.0, amin=1e-10, top_db=80.0)`.
//! - [`Preset::Kaldi`]: Kaldi `compute-fbank-feats` as kaldi-native-fbank computes it with
//!   `dither=0`: 25 ms frames every 10 ms, `snip_edges` (no padding, frames start at
//!   `i * hop`), int16 sample scale (x32768), per-frame DC removal, pre-emphasis 0.97, Povey
//!   window, FFT length rounded up to a power of two (512 at 16 kHz), power spectrum, 80
//!   Kaldi-mel triangles from 20 Hz to Nyquist without area norm, natural log floored at
//!   `f32::EPSILON`.
//! - [`Preset::Torchaudio`]: `torchaudio.transforms.MelSpectrogram(sample_rate=sr,
//!   n_fft=400, hop_length=160, n_mels=80, pad_mode="reflect", mel_scale="htk", norm=None)`,
//!   i.e. 25 ms periodic Hann frames centred with reflect padding, HTK mel, power 2.
//!
//! # Log scales
//! `db` follows librosa: `10 log10(max(amin, S)) - 10 log10(max(amin, ref))` for power
//! (`power = 2`), and `amplitude_to_db` (`20 log10` with `amin`, `ref` applied to magnitudes)
//! for magnitudes (`power = 1`). `top_db` floors every value at `max - top_db` where `max` is
//! the maximum over the *whole* output; a stream cannot know that maximum before its end, so
//! [`SpectrogramStream`] leaves values unfloored and [`spectrogram`] applies the floor once at
//! the end ([`apply_top_db`]). MFCCs are the orthonormal DCT-II of the dB mel bands
//! (`librosa.feature.mfcc`, `dct_type=2`, `norm="ortho"`), taken after the floor in batch.

use crate::error::{Error, Result};
use crate::fastmath;
use crate::mel::{MelFilterbank, MelNorm, MelScale};
use crate::stft::{PadMode, Stft, StftConfig};
use crate::window::WindowKind;
use realfft::num_complex::Complex;
use realfft::num_traits::Float;
use serde::{Deserialize, Serialize};

/// Lowest sample rate accepted, in Hz.
pub const MIN_SAMPLE_RATE_HZ: u32 = 1000;
/// Highest sample rate accepted, in Hz.
pub const MAX_SAMPLE_RATE_HZ: u32 = 768_000;

/// A named set of defaults that reproduces a reference implementation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// librosa `melspectrogram` with bystander's speech arguments (see the module docs).
    #[default]
    Librosa,
    /// Kaldi fbank (kaldi-native-fbank, dither 0).
    Kaldi,
    /// torchaudio `MelSpectrogram` (25 ms / 10 ms, reflect, HTK, 80 mels).
    Torchaudio,
}

impl Preset {
    /// Parses a preset name.
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "librosa" => Ok(Preset::Librosa),
            "kaldi" => Ok(Preset::Kaldi),
            "torchaudio" => Ok(Preset::Torchaudio),
            _ => Err(Error::invalid(
                "preset",
                format!("must be \"librosa\", \"kaldi\" or \"torchaudio\"; got {s:?}"),
            )),
        }
    }

    /// The preset's name.
    pub fn name(self) -> &'static str {
        match self {
            Preset::Librosa => "librosa",
            Preset::Kaldi => "kaldi",
            Preset::Torchaudio => "torchaudio",
        }
    }
}

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

impl Output {
    /// Parses `"linear"`, `"mel"` or `"mfcc"`.
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "linear" | "stft" => Ok(Output::Linear),
            "mel" => Ok(Output::Mel),
            "mfcc" => Ok(Output::Mfcc),
            _ => Err(Error::invalid(
                "output",
                format!("must be \"linear\", \"mel\" or \"mfcc\"; got {s:?}"),
            )),
        }
    }

    /// The output's name.
    pub fn name(self) -> &'static str {
        match self {
            Output::Linear => "linear",
            Output::Mel => "mel",
            Output::Mfcc => "mfcc",
        }
    }
}

/// Logarithmic compression of the values.
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

/// Arithmetic precision of the framing and FFT stages (everything after `|X|^2` is `f32`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// `f64` FFT: values far below a frame's peak (down to the 80 dB of `top_db` and beyond)
    /// match librosa's float64 output to 1e-3 dB.
    #[default]
    Double,
    /// `f32` FFT: about 1.5x faster in wasm with SIMD; rounding noise sits about 140 dB
    /// below each frame's peak, so values more than ~70 dB under their frame's peak can be
    /// off by more than 1e-3 dB.
    Single,
}

impl Precision {
    /// Parses `"double"` or `"single"`.
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "double" | "f64" => Ok(Precision::Double),
            "single" | "f32" => Ok(Precision::Single),
            _ => Err(Error::invalid(
                "precision",
                format!("must be \"double\" or \"single\"; got {s:?}"),
            )),
        }
    }

    /// The precision's name.
    pub fn name(self) -> &'static str {
        match self {
            Precision::Double => "double",
            Precision::Single => "single",
        }
    }
}

/// Full spectrogram configuration. Build one from a [`Preset`] and change fields, then
/// validate it through [`SpectrogramStream::new`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpectrogramConfig {
    /// Sample rate of the input in Hz, `1000..=768000`. **Default** 16000.
    pub sample_rate_hz: f64,
    /// The preset this configuration started from (informational).
    pub preset: Preset,
    /// Framing and per-frame processing.
    pub stft: StftConfig,
    /// FFT precision. **Default** double.
    pub precision: Precision,
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
            precision: Precision::Double,
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

    fn filterbank(&self) -> Result<MelFilterbank> {
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

/// Per-frame stages after the FFT; owns its scratch rows.
#[derive(Debug, Clone)]
struct FrameStages {
    power: f32,
    output: Output,
    filterbank: Option<MelFilterbank>,
    /// `n_mfcc x n_mels` orthonormal DCT-II matrix, row-major.
    dct: Vec<f32>,
    n_mfcc: usize,
    log: LogScale,
    /// Whether dB values come from magnitudes (`amplitude_to_db`).
    amplitude_db: bool,
    bins_row: Vec<f32>,
    mel_row: Vec<f32>,
}

impl FrameStages {
    fn new(config: &SpectrogramConfig) -> Result<Self> {
        let filterbank = match config.output {
            Output::Linear => None,
            _ => Some(config.filterbank()?),
        };
        let dct = if config.output == Output::Mfcc {
            dct_ortho(config.n_mfcc, config.n_mels)
        } else {
            Vec::new()
        };
        Ok(FrameStages {
            power: config.power,
            output: config.output,
            dct,
            n_mfcc: config.n_mfcc,
            log: config.log,
            amplitude_db: config.power == 1.0,
            bins_row: vec![0.0; config.stft.n_bins()],
            mel_row: vec![0.0; filterbank.as_ref().map_or(0, |f| f.n_mels())],
            filterbank,
        })
    }

    /// Turns one spectrum into one output row appended to `out`. With `mfcc_as_db`, MFCC
    /// output writes the dB mel bands instead (batch applies `top_db` before the DCT).
    fn process<T: Float>(&mut self, spectrum: &[Complex<T>], out: &mut Vec<f32>, mfcc_as_db: bool) {
        // |X|^2 in the FFT's precision, then f32 (a relative rounding of 6e-8). dB of linear
        // magnitudes are computed from |X|^2 directly, without a square root.
        let squared = |c: &Complex<T>| (c.re * c.re + c.im * c.im).to_f32().unwrap_or(0.0);
        let db_from_power =
            matches!(self.log, LogScale::Db { .. }) && self.output == Output::Linear;
        let rows = self.bins_row.iter_mut().zip(spectrum);
        if self.power == 2.0 || db_from_power {
            rows.for_each(|(b, c)| *b = squared(c));
        } else if self.power == 1.0 {
            rows.for_each(|(b, c)| *b = squared(c).sqrt());
        } else {
            let half = self.power * 0.5;
            rows.for_each(|(b, c)| *b = squared(c).powf(half));
        }
        match (&self.filterbank, self.output) {
            (None, _) => {
                let start = out.len();
                out.extend_from_slice(&self.bins_row);
                let row = &mut out[start..];
                if db_from_power {
                    self.log_row_power_db(row);
                } else {
                    self.log_row(row);
                }
            }
            (Some(bank), output) => {
                bank.apply(&self.bins_row, &mut self.mel_row);
                let mut mel = std::mem::take(&mut self.mel_row);
                self.log_row(&mut mel);
                if output == Output::Mfcc && !mfcc_as_db {
                    let n_mels = mel.len();
                    for k in 0..self.n_mfcc {
                        let basis = &self.dct[k * n_mels..(k + 1) * n_mels];
                        out.push(basis.iter().zip(&mel).map(|(a, b)| a * b).sum());
                    }
                } else {
                    out.extend_from_slice(&mel);
                }
                self.mel_row = mel;
            }
        }
    }

    /// Log of linear-domain values whose exponent is `self.power`.
    fn log_row(&self, row: &mut [f32]) {
        match self.log {
            LogScale::None => {}
            LogScale::Ln { floor } => row.iter_mut().for_each(|x| *x = fastmath::ln(x.max(floor))),
            LogScale::Db {
                amin, reference, ..
            } => {
                if self.amplitude_db {
                    // amplitude_to_db: 20 log10(max(amin, x)) - 20 log10(max(amin, ref)).
                    let offset = 20.0 * reference.max(amin).log10();
                    row.iter_mut()
                        .for_each(|x| *x = 2.0 * fastmath::db10(x.max(amin)) - offset);
                } else {
                    let offset = 10.0 * reference.max(amin).log10();
                    row.iter_mut()
                        .for_each(|x| *x = fastmath::db10(x.max(amin)) - offset);
                }
            }
        }
    }

    /// dB of a row of `|X|^2` values for linear output: `amplitude_to_db(|X|)` when
    /// `power == 1`, otherwise `power_to_db(|X|^power)`, both without a square root or power.
    fn log_row_power_db(&self, row: &mut [f32]) {
        if let LogScale::Db {
            amin, reference, ..
        } = self.log
        {
            let (scale, floor, offset) = if self.amplitude_db {
                (1.0, amin * amin, 20.0 * reference.max(amin).log10())
            } else {
                // 10 log10(|X|^p) = (p / 2) 10 log10(|X|^2); the floor moves accordingly.
                let p = self.power;
                (
                    0.5 * p,
                    amin.powf(2.0 / p),
                    10.0 * reference.max(amin).log10(),
                )
            };
            row.iter_mut()
                .for_each(|x| *x = scale * fastmath::db10(x.max(floor)) - offset);
        }
    }
}

/// Orthonormal DCT-II basis (scipy `dct(type=2, norm="ortho")`), `n_out x n_in` row-major.
fn dct_ortho(n_out: usize, n_in: usize) -> Vec<f32> {
    let mut m = Vec::with_capacity(n_out * n_in);
    let n = n_in as f64;
    for k in 0..n_out {
        let scale = if k == 0 {
            (1.0 / n).sqrt()
        } else {
            (2.0 / n).sqrt()
        };
        for i in 0..n_in {
            let angle = std::f64::consts::PI * k as f64 * (2 * i + 1) as f64 / (2.0 * n);
            m.push((scale * angle.cos()) as f32);
        }
    }
    m
}

/// Floors every value at `max - top_db` (librosa's whole-array `top_db`). Does nothing for
/// an empty slice.
pub fn apply_top_db(data: &mut [f32], top_db: f32) {
    let max = data.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if max.is_finite() {
        let floor = max - top_db;
        data.iter_mut().for_each(|x| *x = x.max(floor));
    }
}

/// The STFT in the configured precision (a closed enum, so the per-frame call inlines).
enum AnyStft {
    Single(Stft<f32>),
    Double(Stft<f64>),
}

impl std::fmt::Debug for AnyStft {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AnyStft::Single(s) => s.fmt(f),
            AnyStft::Double(s) => s.fmt(f),
        }
    }
}

/// A streaming spectrogram: push blocks of samples, get complete rows appended to a
/// caller-owned buffer.
#[derive(Debug)]
pub struct SpectrogramStream {
    config: SpectrogramConfig,
    stft: AnyStft,
    stages: FrameStages,
}

impl SpectrogramStream {
    /// Validates `config` and allocates everything the stream needs.
    ///
    /// # Errors
    /// As [`SpectrogramConfig::validate`].
    pub fn new(config: SpectrogramConfig) -> Result<Self> {
        config.validate()?;
        let stft = match config.precision {
            Precision::Single => AnyStft::Single(Stft::new(config.stft.clone())?),
            Precision::Double => AnyStft::Double(Stft::new(config.stft.clone())?),
        };
        Ok(SpectrogramStream {
            stft,
            stages: FrameStages::new(&config)?,
            config,
        })
    }

    /// The validated configuration.
    pub fn config(&self) -> &SpectrogramConfig {
        &self.config
    }

    /// Values per row.
    pub fn bins(&self) -> usize {
        self.config.bins()
    }

    /// Rows emitted so far.
    pub fn frames_emitted(&self) -> usize {
        match &self.stft {
            AnyStft::Single(s) => s.frames_emitted(),
            AnyStft::Double(s) => s.frames_emitted(),
        }
    }

    /// Samples pushed so far.
    pub fn samples_received(&self) -> usize {
        match &self.stft {
            AnyStft::Single(s) => s.samples_received(),
            AnyStft::Double(s) => s.samples_received(),
        }
    }

    /// Samples pushed so far that were NaN or infinite (analysed as silence).
    pub fn non_finite_samples(&self) -> usize {
        match &self.stft {
            AnyStft::Single(s) => s.non_finite_samples(),
            AnyStft::Double(s) => s.non_finite_samples(),
        }
    }

    /// Appends the rows completed by `samples` to `out` (`bins()` values each) and returns
    /// how many rows were added. `top_db` is not applied (see the module docs).
    ///
    /// # Errors
    /// [`Error::InvalidState`] after [`SpectrogramStream::finish`].
    pub fn push(&mut self, samples: &[f32], out: &mut Vec<f32>) -> Result<usize> {
        self.run(Some(samples), out, false)
    }

    /// Ends the stream and appends the last rows.
    ///
    /// # Errors
    /// [`Error::InvalidState`] when called twice.
    pub fn finish(&mut self, out: &mut Vec<f32>) -> Result<usize> {
        self.run(None, out, false)
    }

    /// Starts a new signal with the same configuration.
    pub fn reset(&mut self) {
        match &mut self.stft {
            AnyStft::Single(s) => s.reset(),
            AnyStft::Double(s) => s.reset(),
        }
    }

    /// Pushes `samples` (or finishes on `None`). With `mfcc_as_db`, MFCC output yields dB
    /// mel rows (batch applies `top_db` before the DCT).
    fn run(
        &mut self,
        samples: Option<&[f32]>,
        out: &mut Vec<f32>,
        mfcc_as_db: bool,
    ) -> Result<usize> {
        let stages = &mut self.stages;
        match (&mut self.stft, samples) {
            (AnyStft::Single(s), Some(x)) => s.push(x, |sp| stages.process(sp, out, mfcc_as_db)),
            (AnyStft::Single(s), None) => s.finish(|sp| stages.process(sp, out, mfcc_as_db)),
            (AnyStft::Double(s), Some(x)) => s.push(x, |sp| stages.process(sp, out, mfcc_as_db)),
            (AnyStft::Double(s), None) => s.finish(|sp| stages.process(sp, out, mfcc_as_db)),
        }
    }
}

/// A whole spectrogram, frames x bins.
#[derive(Debug, Clone, PartialEq)]
pub struct Spectrogram {
    /// Number of frames (rows).
    pub frames: usize,
    /// Values per frame.
    pub bins: usize,
    /// Row-major values, `frames * bins` long.
    pub data: Vec<f32>,
    /// The configuration used.
    pub config: SpectrogramConfig,
    /// Input samples that were NaN or infinite, analysed as 0 (silence).
    pub non_finite_samples: usize,
}

/// Computes the spectrogram of a whole signal: one [`SpectrogramStream`] pass, then
/// `top_db` over the whole output and, for MFCC, the DCT after it (as librosa does).
///
/// # Errors
/// As [`SpectrogramConfig::validate`]; [`Error::InputTooShort`] when `samples` is empty.
pub fn spectrogram(samples: &[f32], config: &SpectrogramConfig) -> Result<Spectrogram> {
    if samples.is_empty() {
        return Err(Error::InputTooShort {
            reason: "no samples".into(),
        });
    }
    let mut stream = SpectrogramStream::new(config.clone())?;
    let frames = config.stft.frame_count(samples.len());
    let pre_bins = match config.output {
        Output::Mfcc => config.n_mels,
        _ => config.bins(),
    };
    let mut data = Vec::with_capacity(frames * pre_bins);
    stream.run(Some(samples), &mut data, true)?;
    stream.run(None, &mut data, true)?;
    if let LogScale::Db {
        top_db: Some(top_db),
        ..
    } = config.log
    {
        apply_top_db(&mut data, top_db);
    }
    if config.output == Output::Mfcc {
        let mut mfcc = Vec::with_capacity(frames * config.n_mfcc);
        let dct = &stream.stages.dct;
        for row in data.chunks_exact(config.n_mels) {
            for k in 0..config.n_mfcc {
                let basis = &dct[k * config.n_mels..(k + 1) * config.n_mels];
                mfcc.push(basis.iter().zip(row).map(|(a, b)| a * b).sum());
            }
        }
        data = mfcc;
    }
    Ok(Spectrogram {
        frames: data.len() / config.bins(),
        bins: config.bins(),
        data,
        config: config.clone(),
        non_finite_samples: stream.non_finite_samples(),
    })
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
    fn sine_peaks_in_its_bin() {
        let sr = 16000.0;
        let f = 1000.0;
        let x: Vec<f32> = (0..16000)
            .map(|n| (2.0 * std::f64::consts::PI * f * n as f64 / sr).sin() as f32)
            .collect();
        let cfg = SpectrogramConfig {
            output: Output::Linear,
            power: 1.0,
            ..SpectrogramConfig::default()
        };
        let s = spectrogram(&x, &cfg).unwrap();
        let row = &s.data[50 * s.bins..51 * s.bins];
        let peak = row
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .unwrap()
            .0;
        assert_eq!(peak, 32); // 1000 Hz * 512 / 16000
                              // A full-scale sine under a periodic Hann window of 512 has peak |X| = 512 / 4.
        assert!((row[32] - 128.0).abs() < 0.5, "{}", row[32]);
    }

    #[test]
    fn top_db_floors_relative_to_global_max() {
        let mut v = vec![0.0, -10.0, -100.0, -30.0];
        apply_top_db(&mut v, 80.0);
        assert_eq!(v, vec![0.0, -10.0, -80.0, -30.0]);
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
