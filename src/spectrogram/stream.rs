//! The streaming engine: [`SpectrogramStream`] frames the samples through the STFT (in
//! `f64`) and turns each spectrum into one row (power, mel bank, log, DCT).

use super::config::{LogScale, Output, SpectrogramConfig};
use crate::error::Result;
use crate::fastmath;
use crate::mel::MelFilterbank;
use crate::stft::Stft;
use realfft::num_complex::Complex;
use realfft::num_traits::Float;

/// Per-frame stages after the FFT; owns its scratch rows.
#[derive(Debug, Clone)]
pub(super) struct FrameStages {
    power: f32,
    output: Output,
    filterbank: Option<MelFilterbank>,
    /// `n_mfcc x n_mels` orthonormal DCT-II matrix, row-major.
    pub(super) dct: Vec<f32>,
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

/// A streaming spectrogram: push blocks of samples, get complete rows appended to a
/// caller-owned buffer.
#[derive(Debug)]
pub struct SpectrogramStream {
    config: SpectrogramConfig,
    /// In `f64`, the only FFT precision linked: librosa's float64 values to 1e-3 dB far
    /// below a frame's peak, and one copy of rustfft's code in the wasm (a second, `f32`,
    /// cost 72 KB gzipped; docs/npm.md).
    stft: Stft<f64>,
    pub(super) stages: FrameStages,
}

impl SpectrogramStream {
    /// Validates `config` and allocates everything the stream needs.
    ///
    /// # Errors
    /// As [`SpectrogramConfig::validate`].
    pub fn new(config: SpectrogramConfig) -> Result<Self> {
        config.validate()?;
        let stft = Stft::new(config.stft.clone())?;
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
        self.stft.frames_emitted()
    }

    /// Samples pushed so far.
    pub fn samples_received(&self) -> usize {
        self.stft.samples_received()
    }

    /// Samples pushed so far that were NaN or infinite (analysed as silence).
    pub fn non_finite_samples(&self) -> usize {
        self.stft.non_finite_samples()
    }

    /// Appends the rows completed by `samples` to `out` (`bins()` values each) and returns
    /// how many rows were added. `top_db` is not applied (see [`LogScale`](crate::LogScale)).
    ///
    /// # Errors
    /// [`Error::InvalidState`](crate::Error::InvalidState) after [`SpectrogramStream::finish`].
    pub fn push(&mut self, samples: &[f32], out: &mut Vec<f32>) -> Result<usize> {
        self.run(Some(samples), out, false)
    }

    /// Ends the stream and appends the last rows.
    ///
    /// # Errors
    /// [`Error::InvalidState`](crate::Error::InvalidState) when called twice.
    pub fn finish(&mut self, out: &mut Vec<f32>) -> Result<usize> {
        self.run(None, out, false)
    }

    /// Starts a new signal with the same configuration.
    pub fn reset(&mut self) {
        self.stft.reset();
    }

    /// Pushes `samples` (or finishes on `None`). With `mfcc_as_db`, MFCC output yields dB
    /// mel rows (batch applies `top_db` before the DCT).
    pub(super) fn run(
        &mut self,
        samples: Option<&[f32]>,
        out: &mut Vec<f32>,
        mfcc_as_db: bool,
    ) -> Result<usize> {
        let stages = &mut self.stages;
        match samples {
            Some(x) => self.stft.push(x, |sp| stages.process(sp, out, mfcc_as_db)),
            None => self.stft.finish(|sp| stages.process(sp, out, mfcc_as_db)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_db_floors_relative_to_global_max() {
        let mut v = vec![0.0, -10.0, -100.0, -30.0];
        apply_top_db(&mut v, 80.0);
        assert_eq!(v, vec![0.0, -10.0, -80.0, -30.0]);
    }
}
