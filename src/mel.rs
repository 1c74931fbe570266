//! Mel scales and triangular mel filterbanks.
//!
//! Three conventions are implemented exactly:
//! - **Slaney** (librosa `htk=False`, the Auditory Toolbox): linear below 1 kHz
//!   (`mel = 3 f / 200`), logarithmic above (`mel = 15 + 27 ln(f / 1000) / ln 6.4`).
//! - **HTK** (librosa `htk=True`, torchaudio `mel_scale="htk"`): `mel = 2595 log10(1 + f / 700)`.
//!
//!   For both, band `m` is a triangle *in hertz* between mel-spaced edge frequencies
//!   `f[m], f[m+1], f[m+2]` (`librosa.filters.mel`), optionally scaled to unit area by
//!   `2 / (f[m+2] - f[m])` (`norm="slaney"`).
//! - **Kaldi** (`mel-computations.cc`, as in kaldi-native-fbank): `mel = 1127 ln(1 + f / 700)`,
//!   triangles *in mel* (the weight is linear in the bin's mel value), no area norm, and only
//!   FFT bins `0..n_fft/2` take part (the Nyquist bin is ignored).
//!
//! Weights are computed in `f64` and stored as `f32`, band by band, with only their non-zero
//! span kept (a band covers a few bins, so a frame costs about `2 * n_bins` multiply-adds).

use crate::error::{Error, Result};
use crate::names::option_names;
use serde::{Deserialize, Serialize};

/// Slaney scale: hertz per mel in the linear part (below 1 kHz).
const F_SP: f64 = 200.0 / 3.0;
/// Slaney scale: start of the logarithmic part, Hz.
const MIN_LOG_HZ: f64 = 1000.0;
/// Slaney scale: mel value at `MIN_LOG_HZ` (15).
const MIN_LOG_MEL: f64 = MIN_LOG_HZ / F_SP;
/// Slaney scale: 27 mel steps span a factor 6.4 in frequency above 1 kHz.
const SLANEY_LOG_STEP: f64 = 6.4;

/// A mel scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum MelScale {
    /// Slaney's Auditory Toolbox scale (librosa's default).
    #[default]
    Slaney,
    /// HTK's scale.
    Htk,
    /// Kaldi's scale and filter shape (triangles in the mel domain).
    Kaldi,
}

option_names!(MelScale, field "melScale", expected "\"slaney\", \"htk\" or \"kaldi\"", {
    Slaney => "slaney",
    Htk => "htk",
    Kaldi => "kaldi",
});

impl MelScale {
    /// Hertz to mel.
    pub fn hz_to_mel(self, hz: f64) -> f64 {
        match self {
            MelScale::Htk => 2595.0 * (1.0 + hz / 700.0).log10(),
            MelScale::Kaldi => 1127.0 * (1.0 + hz / 700.0).ln(),
            MelScale::Slaney => {
                let logstep = SLANEY_LOG_STEP.ln() / 27.0;
                if hz >= MIN_LOG_HZ {
                    MIN_LOG_MEL + (hz / MIN_LOG_HZ).ln() / logstep
                } else {
                    hz / F_SP
                }
            }
        }
    }

    /// Mel to hertz.
    pub fn mel_to_hz(self, mel: f64) -> f64 {
        match self {
            MelScale::Htk => 700.0 * (10f64.powf(mel / 2595.0) - 1.0),
            MelScale::Kaldi => 700.0 * ((mel / 1127.0).exp() - 1.0),
            MelScale::Slaney => {
                let logstep = SLANEY_LOG_STEP.ln() / 27.0;
                if mel >= MIN_LOG_MEL {
                    MIN_LOG_HZ * (logstep * (mel - MIN_LOG_MEL)).exp()
                } else {
                    F_SP * mel
                }
            }
        }
    }
}

/// Band normalisation of a filterbank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum MelNorm {
    /// Divide each triangle by its width in Hz over 2 (unit area; librosa `norm="slaney"`).
    #[default]
    Slaney,
    /// Peak 1 (librosa `norm=None`, HTK, Kaldi).
    None,
}

impl MelNorm {
    /// `"slaney"` or `"none"` (what `Display` writes). Only `"slaney"` parses: librosa's
    /// `norm` takes that string or `None`, which the options write as null.
    pub fn as_str(self) -> &'static str {
        match self {
            MelNorm::Slaney => "slaney",
            MelNorm::None => "none",
        }
    }
}

impl std::fmt::Display for MelNorm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for MelNorm {
    type Err = Error;

    /// Parses `"slaney"` (no normalisation is null in the options, not a string).
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "slaney" => Ok(MelNorm::Slaney),
            _ => Err(Error::invalid(
                "norm",
                format!("must be \"slaney\" or null; got {s:?}"),
            )),
        }
    }
}

/// A triangular mel filterbank stored band by band (non-zero span only).
#[derive(Debug, Clone, PartialEq)]
pub struct MelFilterbank {
    /// First bin and number of bins of each band's non-zero span.
    spans: Vec<(usize, usize)>,
    /// Concatenated weights of all spans.
    weights: Vec<f32>,
    /// Centre frequency of each band in Hz.
    centres_hz: Vec<f64>,
    n_bins: usize,
}

impl MelFilterbank {
    /// Builds `n_mels` bands over `f_min..f_max` Hz for an `n_fft`-point FFT at `sample_rate_hz`.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] when `n_mels` is 0 or above 1024, or the frequency range is
    /// empty or beyond Nyquist.
    pub fn new(
        sample_rate_hz: f64,
        n_fft: usize,
        n_mels: usize,
        f_min: f64,
        f_max: f64,
        scale: MelScale,
        norm: MelNorm,
    ) -> Result<Self> {
        let nyquist = sample_rate_hz / 2.0;
        if n_mels == 0 || n_mels > 1024 {
            return Err(Error::invalid(
                "nMels",
                format!("must be an integer in 1..=1024; got {n_mels}"),
            ));
        }
        if !(f_min.is_finite() && f_min >= 0.0 && f_min < nyquist) {
            return Err(Error::invalid(
                "fMin",
                format!("must be in 0..{nyquist} Hz (below Nyquist); got {f_min}"),
            ));
        }
        if !(f_max.is_finite() && f_max > f_min && f_max <= nyquist * (1.0 + 1e-9)) {
            return Err(Error::invalid(
                "fMax",
                format!("must be in (fMin = {f_min}) ..= {nyquist} Hz (Nyquist); got {f_max}"),
            ));
        }
        let n_bins = n_fft / 2 + 1;
        let mel_lo = scale.hz_to_mel(f_min);
        let mel_hi = scale.hz_to_mel(f_max);
        let step = (mel_hi - mel_lo) / (n_mels + 1) as f64;
        // Edge points, evenly spaced in mel (librosa uses linspace, which is the same).
        let edges_mel: Vec<f64> = (0..n_mels + 2)
            .map(|i| {
                if i == n_mels + 1 {
                    mel_hi
                } else {
                    mel_lo + step * i as f64
                }
            })
            .collect();
        let mut spans = Vec::with_capacity(n_mels);
        let mut weights = Vec::new();
        let mut centres_hz = Vec::with_capacity(n_mels);
        let bin_hz = |k: usize| k as f64 * sample_rate_hz / n_fft as f64;
        for m in 0..n_mels {
            let mut row = vec![0.0f64; n_bins];
            match scale {
                MelScale::Slaney | MelScale::Htk => {
                    let f: [f64; 3] = [0, 1, 2].map(|j| scale.mel_to_hz(edges_mel[m + j]));
                    let (lower_width, upper_width) = (f[1] - f[0], f[2] - f[1]);
                    for (k, w) in row.iter_mut().enumerate() {
                        // librosa: ramps = mel_f - fftfreqs; weight = max(0, min(lower, upper)).
                        let fk = bin_hz(k);
                        let lower = (fk - f[0]) / lower_width;
                        let upper = (f[2] - fk) / upper_width;
                        *w = lower.min(upper).max(0.0);
                    }
                    if norm == MelNorm::Slaney {
                        let enorm = 2.0 / (f[2] - f[0]);
                        row.iter_mut().for_each(|w| *w *= enorm);
                    }
                    centres_hz.push(f[1]);
                }
                MelScale::Kaldi => {
                    let (left, centre, right) = (edges_mel[m], edges_mel[m + 1], edges_mel[m + 2]);
                    // Kaldi iterates over bins 0..n_fft/2 only: the Nyquist bin never counts.
                    for (k, w) in row.iter_mut().enumerate().take(n_fft / 2) {
                        let mel = scale.hz_to_mel(bin_hz(k));
                        if mel > left && mel < right {
                            *w = if mel <= centre {
                                (mel - left) / (centre - left)
                            } else {
                                (right - mel) / (right - centre)
                            };
                        }
                    }
                    if norm == MelNorm::Slaney {
                        let enorm = 2.0 / (scale.mel_to_hz(right) - scale.mel_to_hz(left));
                        row.iter_mut().for_each(|w| *w *= enorm);
                    }
                    centres_hz.push(scale.mel_to_hz(centre));
                }
            }
            let first = row.iter().position(|&w| w != 0.0);
            match first {
                Some(first) => {
                    let last = row.iter().rposition(|&w| w != 0.0).unwrap_or(first);
                    spans.push((first, last + 1 - first));
                    weights.extend(row[first..=last].iter().map(|&w| w as f32));
                }
                // An empty band (too many mels for the FFT resolution) stays empty, as in
                // librosa, which warns about it.
                None => spans.push((0, 0)),
            }
        }
        Ok(MelFilterbank {
            spans,
            weights,
            centres_hz,
            n_bins,
        })
    }

    /// Number of bands.
    pub fn n_mels(&self) -> usize {
        self.spans.len()
    }

    /// Number of FFT bins the bank expects.
    pub fn n_bins(&self) -> usize {
        self.n_bins
    }

    /// Centre frequency of each band in Hz.
    pub fn centres_hz(&self) -> &[f64] {
        &self.centres_hz
    }

    /// Applies the bank to one frame of `n_bins` values, writing `n_mels` values.
    #[inline]
    pub fn apply(&self, spectrum: &[f32], out: &mut [f32]) {
        debug_assert_eq!(spectrum.len(), self.n_bins);
        debug_assert_eq!(out.len(), self.spans.len());
        let mut offset = 0;
        for (o, &(first, len)) in out.iter_mut().zip(&self.spans) {
            let w = &self.weights[offset..offset + len];
            let s = &spectrum[first..first + len];
            *o = w.iter().zip(s).map(|(a, b)| a * b).sum();
            offset += len;
        }
    }

    /// The weights as a dense `n_mels x n_bins` row-major matrix (for tests and export).
    pub fn to_dense(&self) -> Vec<f32> {
        let mut dense = vec![0.0; self.n_mels() * self.n_bins];
        let mut offset = 0;
        for (m, &(first, len)) in self.spans.iter().enumerate() {
            dense[m * self.n_bins + first..m * self.n_bins + first + len]
                .copy_from_slice(&self.weights[offset..offset + len]);
            offset += len;
        }
        dense
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_round_trip() {
        for scale in [MelScale::Slaney, MelScale::Htk, MelScale::Kaldi] {
            for hz in [0.0, 20.0, 700.0, 999.0, 1000.0, 1001.0, 4000.0, 8000.0] {
                let back = scale.mel_to_hz(scale.hz_to_mel(hz));
                assert!((back - hz).abs() < 1e-9 * hz.max(1.0), "{scale:?} {hz}");
            }
        }
    }

    #[test]
    fn slaney_scale_known_values() {
        // librosa.hz_to_mel(1000) == 15, hz_to_mel(100) == 1.5
        assert!((MelScale::Slaney.hz_to_mel(1000.0) - 15.0).abs() < 1e-12);
        assert!((MelScale::Slaney.hz_to_mel(100.0) - 1.5).abs() < 1e-12);
        // HTK: 1000 Hz -> 999.985...
        assert!((MelScale::Htk.hz_to_mel(1000.0) - 999.985_6).abs() < 1e-3);
    }

    #[test]
    fn slaney_norm_gives_unit_area_in_hz() {
        let bank = MelFilterbank::new(
            16000.0,
            4096,
            40,
            0.0,
            8000.0,
            MelScale::Slaney,
            MelNorm::Slaney,
        )
        .unwrap();
        let dense = bank.to_dense();
        let bin_hz = 16000.0 / 4096.0;
        for m in 1..40 {
            let area: f64 = dense[m * bank.n_bins()..(m + 1) * bank.n_bins()]
                .iter()
                .map(|&w| w as f64 * bin_hz)
                .sum();
            assert!((area - 1.0).abs() < 0.02, "band {m}: area {area}");
        }
    }

    #[test]
    fn kaldi_bank_ignores_nyquist_and_rejects_bad_ranges() {
        let bank = MelFilterbank::new(
            16000.0,
            512,
            80,
            20.0,
            8000.0,
            MelScale::Kaldi,
            MelNorm::None,
        )
        .unwrap();
        let dense = bank.to_dense();
        for m in 0..80 {
            assert_eq!(dense[m * 257 + 256], 0.0);
        }
        assert!(
            MelFilterbank::new(16000.0, 512, 0, 0.0, 8000.0, MelScale::Htk, MelNorm::None).is_err()
        );
        assert!(
            MelFilterbank::new(16000.0, 512, 10, 0.0, 9000.0, MelScale::Htk, MelNorm::None)
                .is_err()
        );
    }
}
