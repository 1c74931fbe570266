//! The whole-signal spectrogram: [`spectrogram`] runs one [`SpectrogramStream`] pass, then
//! applies what needs the whole output (`top_db`, and the MFCC DCT after it).

use super::config::{LogScale, Output, SpectrogramConfig};
use super::stream::{apply_top_db, SpectrogramStream};
use crate::error::{Error, Result};

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
}
