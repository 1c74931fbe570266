//! Streaming sample-rate conversion to the analysis rate.
//!
//! Wraps rubato's synchronous FFT resampler (`rubato::Fft`, overlap-add of windowed FFT
//! chunks; BlackmanHarris anti-aliasing, cut-off near the lower Nyquist), which is exact for
//! the fixed integer-rate ratios of audio files and costs a few FFTs per chunk. It runs in
//! `f64`, the spectrogram's FFT precision, so that the wasm links one copy of rustfft. The
//! resampler's group delay is trimmed, so output sample `n` is at time `n / rate_out` like
//! input sample `n` is at `n / rate_in`. A signal of `L` input samples gives
//! `ceil(L * rate_out / rate_in)` output samples. Equal rates pass samples through.

use crate::error::{Error, Result};
use audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Resampler as _};

/// Input chunk length of the FFT resampler, in samples.
const CHUNK_LEN: usize = 1024;

/// Largest sample magnitude passed to the FFT resampler; larger finite samples are clamped
/// to it. Far beyond any audio (400 dB above full scale), it keeps the FFT sums (at most
/// about `1e12` times the largest sample, for the longest FFTs of the highest rates) and
/// the `f32` output finite: samples near `f32::MAX` once overflowed the sums to NaN (in
/// `f32`), and rubato panics on a NaN spectrum.
const MAX_ABS_SAMPLE: f32 = 1e20;

/// A streaming mono resampler with a fixed integer ratio.
pub struct Resampler {
    inner: Option<Fft<f64>>,
    rate_in: u32,
    rate_out: u32,
    /// Input not yet resampled, in `f64` (the FFT's precision).
    pending: Vec<f64>,
    chunk_out: Vec<f64>,
    /// Output samples still to drop at the start (the resampler's delay).
    delay_left: usize,
    received: usize,
    produced: usize,
    finished: bool,
}

impl std::fmt::Debug for Resampler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resampler")
            .field("rate_in", &self.rate_in)
            .field("rate_out", &self.rate_out)
            .field("received", &self.received)
            .finish()
    }
}

impl Resampler {
    /// A resampler from `rate_in` to `rate_out` Hz (both whole numbers, `1000..=768000`).
    ///
    /// # Errors
    /// [`Error::UnsupportedSampleRate`] for a rate that is not a whole number in range.
    pub fn new(rate_in: f64, rate_out: f64) -> Result<Self> {
        let check = |rate: f64| -> Result<u32> {
            crate::spectrogram::validate_sample_rate(rate)?;
            if rate.fract() != 0.0 {
                return Err(Error::UnsupportedSampleRate {
                    rate_hz: rate,
                    min_hz: crate::spectrogram::MIN_SAMPLE_RATE_HZ,
                    max_hz: crate::spectrogram::MAX_SAMPLE_RATE_HZ,
                });
            }
            Ok(rate as u32)
        };
        let (rate_in, rate_out) = (check(rate_in)?, check(rate_out)?);
        let inner = if rate_in == rate_out {
            None
        } else {
            let fft = Fft::<f64>::new(
                rate_in as usize,
                rate_out as usize,
                CHUNK_LEN,
                1,
                FixedSync::Input,
            )
            .map_err(|e| Error::invalid("sampleRate", e))?;
            Some(fft)
        };
        let (chunk_out, delay_left) = match &inner {
            Some(fft) => (vec![0.0; fft.output_frames_max()], fft.output_delay()),
            None => (Vec::new(), 0),
        };
        Ok(Resampler {
            inner,
            rate_in,
            rate_out,
            pending: Vec::with_capacity(2 * CHUNK_LEN),
            chunk_out,
            delay_left,
            received: 0,
            produced: 0,
            finished: false,
        })
    }

    /// Output rate in Hz.
    pub fn rate_out(&self) -> u32 {
        self.rate_out
    }

    /// Number of output samples a whole signal of `len` input samples yields.
    pub fn output_len(&self, len: usize) -> usize {
        (len as u64 * self.rate_out as u64).div_ceil(self.rate_in as u64) as usize
    }

    /// Resamples `samples`, appending the output available so far to `out`. NaN and
    /// infinite samples count as 0 and finite ones are clamped to `+-1e20` (equal rates pass
    /// samples through untouched).
    ///
    /// # Errors
    /// [`Error::InvalidState`] after [`Resampler::finish`].
    pub fn push(&mut self, samples: &[f32], out: &mut Vec<f32>) -> Result<()> {
        if self.finished {
            return Err(Error::InvalidState("push after finish".into()));
        }
        self.received += samples.len();
        if self.inner.is_none() {
            out.extend_from_slice(samples);
            self.produced += samples.len();
            return Ok(());
        }
        self.pending.extend(samples.iter().map(|&x| {
            if x.is_finite() {
                f64::from(x.clamp(-MAX_ABS_SAMPLE, MAX_ABS_SAMPLE))
            } else {
                0.0
            }
        }));
        let mut consumed = 0;
        while self.pending.len() - consumed >= CHUNK_LEN {
            self.process_chunk(consumed, out)?;
            consumed += CHUNK_LEN;
        }
        self.pending.drain(..consumed);
        Ok(())
    }

    /// Flushes the resampler (zero-padding the last chunk) and appends the rest of the
    /// output, so that the total is [`Resampler::output_len`] of the input.
    ///
    /// # Errors
    /// [`Error::InvalidState`] when called twice.
    pub fn finish(&mut self, out: &mut Vec<f32>) -> Result<()> {
        if self.finished {
            return Err(Error::InvalidState("finish called twice".into()));
        }
        self.finished = true;
        if self.inner.is_none() {
            return Ok(());
        }
        let target = self.output_len(self.received);
        while self.produced < target {
            self.pending.resize(CHUNK_LEN, 0.0);
            let before = self.produced;
            self.process_chunk(0, out)?;
            self.pending.clear();
            if self.produced == before && self.delay_left == 0 {
                break;
            }
        }
        out.truncate(out.len() - (self.produced - target.min(self.produced)));
        self.produced = self.produced.min(target);
        Ok(())
    }

    fn process_chunk(&mut self, from: usize, out: &mut Vec<f32>) -> Result<()> {
        let Some(fft) = self.inner.as_mut() else {
            return Ok(());
        };
        let input = InterleavedSlice::new(&self.pending[from..from + CHUNK_LEN], 1, CHUNK_LEN)
            .map_err(|e| Error::InvalidState(format!("resampler input: {e}")))?;
        let frames_out = self.chunk_out.len();
        let mut output = InterleavedSlice::new_mut(&mut self.chunk_out, 1, frames_out)
            .map_err(|e| Error::InvalidState(format!("resampler output: {e}")))?;
        let (_, written) = fft
            .process_into_buffer(&input, &mut output, None)
            .map_err(|e| Error::InvalidState(format!("resampler: {e}")))?;
        let skip = self.delay_left.min(written);
        self.delay_left -= skip;
        out.extend(self.chunk_out[skip..written].iter().map(|&y| y as f32));
        self.produced += written - skip;
        Ok(())
    }
}

/// Resamples a whole signal (a thin loop over [`Resampler`]).
///
/// # Errors
/// As [`Resampler::new`].
pub fn resample(samples: &[f32], rate_in: f64, rate_out: f64) -> Result<Vec<f32>> {
    let mut r = Resampler::new(rate_in, rate_out)?;
    let mut out = Vec::with_capacity(r.output_len(samples.len()));
    r.push(samples, &mut out)?;
    r.finish(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(rate: f64, hz: f64, secs: f64) -> Vec<f32> {
        (0..(rate * secs) as usize)
            .map(|n| (2.0 * std::f64::consts::PI * hz * n as f64 / rate).sin() as f32)
            .collect()
    }

    #[test]
    fn sine_keeps_its_phase_and_level() {
        for rate_in in [8000.0, 22050.0, 44100.0, 48000.0] {
            let x = sine(rate_in, 440.0, 1.0);
            let y = resample(&x, rate_in, 16000.0).unwrap();
            assert_eq!(y.len(), 16000, "{rate_in}");
            let want = sine(16000.0, 440.0, 1.0);
            // Away from the edges the delay-trimmed output matches the ideal sine. rubato
            // reports its delay in whole output samples; for ratios like 320/441 the true
            // delay has a fractional part (< 0.5 sample = 31 us at 16 kHz), which at 440 Hz
            // shows as an error up to 2 pi 440 * 0.5 / 16000 = 0.086.
            let err = y[2000..14000]
                .iter()
                .zip(&want[2000..14000])
                .map(|(a, b)| (a - b).abs())
                .fold(0.0f32, f32::max);
            assert!(err < 0.09, "{rate_in}: max error {err}");
        }
    }

    #[test]
    fn chunked_equals_whole() {
        let x = sine(44100.0, 1000.0, 0.7);
        let whole = resample(&x, 44100.0, 16000.0).unwrap();
        let mut r = Resampler::new(44100.0, 16000.0).unwrap();
        let mut out = Vec::new();
        for block in x.chunks(128) {
            r.push(block, &mut out).unwrap();
        }
        r.finish(&mut out).unwrap();
        assert_eq!(out, whole);
    }

    #[test]
    fn extreme_samples_give_finite_output() {
        // Found by the `analyzer` fuzz target: samples near f32::MAX overflowed the FFT
        // resampler's spectrum to NaN and rubato panicked ("Imaginary part of first value
        // was non-zero"); NaN and infinities did the same.
        let mut x = sine(48000.0, 440.0, 0.1);
        x[100] = f32::MAX;
        x[101] = -3e38;
        x[2000] = f32::NAN;
        x[3000] = f32::INFINITY;
        x[4000] = f32::NEG_INFINITY;
        for (rate_in, rate_out) in [(48000.0, 16000.0), (8000.0, 16000.0), (44100.0, 16000.0)] {
            let y = resample(&x, rate_in, rate_out).unwrap();
            assert_eq!(
                y.len(),
                (x.len() * rate_out as usize).div_ceil(rate_in as usize)
            );
            assert!(y.iter().all(|v| v.is_finite()), "{rate_in}");
        }
        // Ordinary samples are not touched by the guard.
        let x = sine(44100.0, 1000.0, 0.2);
        let mut clamped = x.clone();
        clamped.iter_mut().for_each(|v| *v = v.clamp(-1e20, 1e20));
        assert_eq!(
            resample(&x, 44100.0, 16000.0).unwrap(),
            resample(&clamped, 44100.0, 16000.0).unwrap()
        );
    }

    #[test]
    fn rejects_fractional_and_absurd_rates() {
        assert!(Resampler::new(44100.5, 16000.0).is_err());
        assert!(Resampler::new(0.0, 16000.0).is_err());
        assert!(Resampler::new(-8000.0, 16000.0).is_err());
    }
}
