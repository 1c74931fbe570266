//! Streaming short-time Fourier transform.
//!
//! Samples arrive in blocks of any length ([`Stft::push`]); every frame whose samples are
//! all present is transformed at once and handed to a caller-supplied sink as its
//! `n_fft / 2 + 1` complex bins. [`Stft::finish`] pads the end and flushes the last frames.
//! Nothing is allocated per frame: the FFT plan, window, frame buffer, spectrum and scratch
//! are owned by the struct, and the sample buffer is compacted in place.
//!
//! The frame timing and per-frame processing conventions are documented on [`StftConfig`].

use crate::error::{Error, Result};
use crate::names::option_names;
use crate::window::WindowKind;
use realfft::num_complex::Complex;
use realfft::{FftNum, RealFftPlanner, RealToComplex};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Largest accepted FFT length (2^16 samples: 4 s at 16 kHz). Longer frames make no sense
/// for speech analysis and would let a bad option allocate gigabytes.
pub const MAX_N_FFT: usize = 1 << 16;
/// Smallest accepted FFT length.
pub const MIN_N_FFT: usize = 2;

/// How the signal is extended beyond its ends when frames are centred.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum PadMode {
    /// Zeros (librosa >= 0.9 default, `pad_mode="constant"`).
    #[default]
    Constant,
    /// Mirror without repeating the edge sample (`pad_mode="reflect"`, torchaudio's default).
    Reflect,
}

option_names!(PadMode, field "padMode", expected "\"constant\" or \"reflect\"", {
    Constant => "constant" | "zeros",
    Reflect => "reflect",
});

/// Framing and per-frame processing of the STFT.
///
/// # Frame timing
/// A frame is `win_length` samples long (zero-padded to `n_fft` for the FFT).
/// - `center = true` (librosa's `center=True`): frame `i` is centred on sample
///   `i * hop_length`; the signal is padded by `n_fft / 2` samples on each side, with zeros
///   (`pad_mode = constant`, librosa >= 0.9) or a mirror image (`reflect`, numpy's
///   `np.pad(mode="reflect")`, which does not repeat the edge sample). A signal of `L`
///   samples gives `1 + L / hop_length` frames. When `win_length < n_fft` the window sits in
///   the middle of the `n_fft` span, as librosa's `pad_center` puts it.
/// - `center = false` (Kaldi's `snip_edges=true`): frame `i` starts at sample
///   `i * hop_length` and there is no padding: `1 + (L - win_length) / hop_length` frames
///   (none when `L < win_length`).
///
/// # Per-frame processing
/// In Kaldi's order (`feature-window.cc`, `ProcessWindow`): scale samples by
/// `sample_scale`; subtract the frame mean (`remove_dc`); pre-emphasis
/// `x[n] -= coeff * x[n - 1]` with `x[-1] := x[0]`; multiply by the window; zero-pad to
/// `n_fft`; real FFT (realfft over rustfft). Librosa does none of the first three.
/// Magnitudes are unaffected by where the window sits inside the `n_fft` span (a circular
/// shift only changes phase), so the frame is always placed at the start of the FFT buffer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StftConfig {
    /// FFT length in samples, `2..=65536`. **Default** 512 (32 ms at 16 kHz).
    pub n_fft: usize,
    /// Window (frame) length in samples, `1..=n_fft`. **Default** 512 (= `n_fft`).
    pub win_length: usize,
    /// Hop between frame starts in samples, `>= 1`. **Default** 160 (10 ms at 16 kHz).
    pub hop_length: usize,
    /// Window function. **Default** periodic Hann.
    pub window: WindowKind,
    /// Centre frames on `i * hop_length` (librosa) or start them there (Kaldi).
    /// **Default** `true`.
    pub center: bool,
    /// Padding used when `center` is true. **Default** [`PadMode::Constant`].
    pub pad_mode: PadMode,
    /// Factor applied to every sample first; Kaldi works on the int16 scale (32768).
    /// **Default** 1.
    pub sample_scale: f32,
    /// Subtract each frame's mean before windowing (Kaldi `remove_dc_offset`).
    /// **Default** `false`.
    pub remove_dc: bool,
    /// Pre-emphasis coefficient in `0..1`, applied per frame (Kaldi `preemph_coeff`);
    /// 0 turns it off. **Default** 0.
    pub preemphasis: f32,
}

impl Default for StftConfig {
    fn default() -> Self {
        StftConfig {
            n_fft: 512,
            win_length: 512,
            hop_length: 160,
            window: WindowKind::Hann,
            center: true,
            pad_mode: PadMode::Constant,
            sample_scale: 1.0,
            remove_dc: false,
            preemphasis: 0.0,
        }
    }
}

impl StftConfig {
    /// Checks every field; called by [`Stft::new`].
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] naming the first field out of range.
    pub fn validate(&self) -> Result<()> {
        if !(MIN_N_FFT..=MAX_N_FFT).contains(&self.n_fft) {
            return Err(Error::invalid(
                "nFft",
                format!(
                    "must be an integer in {MIN_N_FFT}..={MAX_N_FFT}; got {}",
                    self.n_fft
                ),
            ));
        }
        if self.win_length == 0 || self.win_length > self.n_fft {
            return Err(Error::invalid(
                "winLength",
                format!(
                    "must be an integer in 1..=nFft ({}); got {}",
                    self.n_fft, self.win_length
                ),
            ));
        }
        if self.hop_length == 0 || self.hop_length > MAX_N_FFT {
            return Err(Error::invalid(
                "hopLength",
                format!(
                    "must be an integer in 1..={MAX_N_FFT}; got {}",
                    self.hop_length
                ),
            ));
        }
        if !self.sample_scale.is_finite() || self.sample_scale <= 0.0 {
            return Err(Error::invalid(
                "sampleScale",
                format!("must be a finite number > 0; got {}", self.sample_scale),
            ));
        }
        if !(0.0..1.0).contains(&self.preemphasis) {
            return Err(Error::invalid(
                "preemphasis",
                format!("must be in 0..1 (0 = off); got {}", self.preemphasis),
            ));
        }
        Ok(())
    }

    /// Number of frequency bins of the transform, `n_fft / 2 + 1`.
    pub fn n_bins(&self) -> usize {
        self.n_fft / 2 + 1
    }

    /// Offset of frame 0's first sample relative to the signal start, in samples
    /// (negative when centred: the frame reaches into the padding).
    pub(crate) fn first_frame_offset(&self) -> i64 {
        if self.center {
            let half = (self.n_fft / 2) as i64;
            let lpad = ((self.n_fft - self.win_length) / 2) as i64;
            lpad - half
        } else {
            0
        }
    }

    /// Index of the first sample of frame `i`'s window, relative to the signal start
    /// (negative when a centred frame reaches into the left padding).
    pub fn window_start(&self, i: usize) -> i64 {
        (i * self.hop_length) as i64 + self.first_frame_offset()
    }

    /// Where index `idx` of the padded signal reads from in a signal of `len` samples:
    /// `Some(i)` for sample `i` (itself, or its mirror image under reflect padding), `None`
    /// for a zero of constant padding.
    pub(crate) fn padded_index(&self, idx: i64, len: usize) -> Option<usize> {
        let len = len as i64;
        if idx >= 0 && idx < len {
            return Some(idx as usize);
        }
        match self.pad_mode {
            PadMode::Reflect if len > 1 => {
                // numpy's reflect padding is periodic with period 2 (len - 1).
                let period = 2 * (len - 1);
                let mut m = idx.rem_euclid(period);
                if m >= len {
                    m = period - m;
                }
                Some(m as usize)
            }
            PadMode::Reflect if len == 1 => Some(0),
            _ => None,
        }
    }

    /// Number of frames for a signal of `len` samples.
    pub fn frame_count(&self, len: usize) -> usize {
        if len == 0 {
            0
        } else if self.center {
            1 + len / self.hop_length
        } else if len < self.win_length {
            0
        } else {
            1 + (len - self.win_length) / self.hop_length
        }
    }
}

/// Streaming STFT: push blocks, receive complex spectra frame by frame.
///
/// `T` is the precision of the frame arithmetic and FFT; samples arrive as `f32`. The crate
/// runs it in `f64` only, as the resampler's FFTs are: each precision links a copy of
/// rustfft's planner and butterflies (72 KB of the wasm gzipped; docs/npm.md).
pub struct Stft<T: FftNum = f64> {
    config: StftConfig,
    fft: Arc<dyn RealToComplex<T>>,
    window: Vec<T>,
    frame: Vec<T>,
    spectrum: Vec<Complex<T>>,
    scratch: Vec<Complex<T>>,
    /// Pending samples; `buffer[0]` is absolute sample `buffer_start`.
    buffer: Vec<f32>,
    buffer_start: usize,
    /// Samples received so far.
    received: usize,
    /// Received samples that were NaN or infinite (replaced by 0: silence).
    non_finite: usize,
    /// Index of the next frame to emit.
    next_frame: usize,
    finished: bool,
}

impl<T: FftNum> std::fmt::Debug for Stft<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stft")
            .field("config", &self.config)
            .field("received", &self.received)
            .field("next_frame", &self.next_frame)
            .finish()
    }
}

impl<T: FftNum + realfft::num_traits::Float> Stft<T> {
    /// Plans the FFT and allocates every buffer.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] from [`StftConfig::validate`].
    pub fn new(config: StftConfig) -> Result<Self> {
        config.validate()?;
        let mut planner = RealFftPlanner::<T>::new();
        let fft = planner.plan_fft_forward(config.n_fft);
        let spectrum = fft.make_output_vec();
        let scratch = fft.make_scratch_vec();
        Ok(Stft {
            window: config
                .window
                .table_f64(config.win_length)
                .into_iter()
                .map(|w| T::from_f64(w).unwrap_or_else(T::zero))
                .collect(),
            frame: vec![T::zero(); config.n_fft],
            spectrum,
            scratch,
            // Room for one block of typical size plus a frame, grown on demand.
            buffer: Vec::with_capacity(config.n_fft * 4),
            buffer_start: 0,
            received: 0,
            non_finite: 0,
            next_frame: 0,
            finished: false,
            fft,
            config,
        })
    }

    /// The validated configuration.
    pub fn config(&self) -> &StftConfig {
        &self.config
    }

    /// Frames emitted so far.
    pub fn frames_emitted(&self) -> usize {
        self.next_frame
    }

    /// Samples pushed so far.
    pub fn samples_received(&self) -> usize {
        self.received
    }

    /// Samples pushed so far that were NaN or infinite. They are analysed as 0 (silence):
    /// one bad sample would otherwise turn every frame it touches into NaN.
    pub fn non_finite_samples(&self) -> usize {
        self.non_finite
    }

    /// Whether [`Stft::finish`] has been called.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Clears all stream state so the next `push` starts a new signal (plan and tables kept).
    pub fn reset(&mut self) {
        self.buffer.clear();
        self.buffer_start = 0;
        self.received = 0;
        self.non_finite = 0;
        self.next_frame = 0;
        self.finished = false;
    }

    /// Absolute index of frame `i`'s first sample (may be negative when centred).
    #[inline]
    fn frame_start(&self, i: usize) -> i64 {
        self.config.window_start(i)
    }

    /// Appends `samples` and calls `sink` with the spectrum of every frame completed.
    /// Returns the number of frames emitted.
    ///
    /// # Errors
    /// [`Error::InvalidState`] after [`Stft::finish`] (call [`Stft::reset`] first).
    pub fn push<F>(&mut self, samples: &[f32], mut sink: F) -> Result<usize>
    where
        F: FnMut(&[Complex<T>]),
    {
        if self.finished {
            return Err(Error::InvalidState(
                "push after finish: the stream has ended; reset it or make a new one".into(),
            ));
        }
        let from = self.buffer.len();
        self.buffer.extend_from_slice(samples);
        self.non_finite += crate::audio::sanitize(&mut self.buffer[from..]);
        self.received += samples.len();
        let mut emitted = 0;
        loop {
            let start = self.frame_start(self.next_frame);
            let end = start + self.config.win_length as i64;
            // A reflected left edge needs sample `-start` as well.
            let needed = if start < 0 && self.config.pad_mode == PadMode::Reflect {
                end.max(-start + 1)
            } else {
                end
            };
            if needed > self.received as i64 {
                break;
            }
            self.emit_frame(start, None, &mut sink);
            emitted += 1;
        }
        self.compact();
        Ok(emitted)
    }

    /// Ends the stream: pads the end (when centred) and emits the remaining frames.
    /// Returns the number of frames emitted by this call.
    ///
    /// # Errors
    /// [`Error::InvalidState`] when called twice.
    pub fn finish<F>(&mut self, mut sink: F) -> Result<usize>
    where
        F: FnMut(&[Complex<T>]),
    {
        if self.finished {
            return Err(Error::InvalidState("finish called twice".into()));
        }
        self.finished = true;
        let total = self.config.frame_count(self.received);
        let mut emitted = 0;
        while self.next_frame < total {
            let start = self.frame_start(self.next_frame);
            self.emit_frame(start, Some(self.received), &mut sink);
            emitted += 1;
        }
        Ok(emitted)
    }

    /// Drops samples no future frame needs, keeping `n_fft / 2 + 1` samples of history
    /// for a reflected right edge.
    fn compact(&mut self) {
        let next_start = self.frame_start(self.next_frame);
        let margin = (self.config.n_fft / 2 + 1) as i64;
        let keep_from = (next_start - margin).max(0) as usize;
        if keep_from > self.buffer_start {
            let drop = (keep_from - self.buffer_start).min(self.buffer.len());
            // Shifting is amortised: only when the dead prefix is at least half the buffer.
            if drop >= self.buffer.len() / 2 && drop > 0 {
                self.buffer.drain(..drop);
                self.buffer_start += drop;
            }
        }
    }

    /// Sample at absolute index `idx`, with padding. `final_len` is the signal length once
    /// known (at `finish`).
    #[inline]
    fn sample_at(&self, idx: i64, final_len: Option<usize>) -> f32 {
        let len = final_len.unwrap_or(self.received);
        match self.config.padded_index(idx, len) {
            Some(i) => self.buffer[i - self.buffer_start],
            None => 0.0,
        }
    }

    fn emit_frame<F>(&mut self, start: i64, final_len: Option<usize>, sink: &mut F)
    where
        F: FnMut(&[Complex<T>]),
    {
        let win = self.config.win_length;
        let len = final_len.unwrap_or(self.received) as i64;
        let inside = start >= 0 && start + win as i64 <= len;
        let to_t = |x: f32| T::from_f32(x).unwrap_or_else(T::zero);
        if inside {
            let from = start as usize - self.buffer_start;
            for (dst, &src) in self.frame[..win]
                .iter_mut()
                .zip(&self.buffer[from..from + win])
            {
                *dst = to_t(src);
            }
        } else {
            for j in 0..win {
                let v = self.sample_at(start + j as i64, final_len);
                self.frame[j] = to_t(v);
            }
        }
        self.frame[win..].fill(T::zero());
        let frame = &mut self.frame[..win];
        if self.config.sample_scale != 1.0 {
            let scale = to_t(self.config.sample_scale);
            frame.iter_mut().for_each(|x| *x = *x * scale);
        }
        if self.config.remove_dc {
            let sum = frame.iter().fold(T::zero(), |acc, &x| acc + x);
            let mean = sum / T::from_usize(win).unwrap_or_else(T::one);
            frame.iter_mut().for_each(|x| *x = *x - mean);
        }
        if self.config.preemphasis != 0.0 {
            let coeff = to_t(self.config.preemphasis);
            for n in (1..win).rev() {
                frame[n] = frame[n] - coeff * frame[n - 1];
            }
            frame[0] = frame[0] - coeff * frame[0];
        }
        for (x, &w) in frame.iter_mut().zip(&self.window) {
            *x = *x * w;
        }
        // The plan's lengths are ours by construction, so this cannot fail.
        let result =
            self.fft
                .process_with_scratch(&mut self.frame, &mut self.spectrum, &mut self.scratch);
        debug_assert!(result.is_ok());
        sink(&self.spectrum);
        self.next_frame += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_counts_follow_librosa_and_kaldi() {
        let librosa = StftConfig::default();
        assert_eq!(librosa.frame_count(16000), 101);
        assert_eq!(librosa.frame_count(159), 1);
        let kaldi = StftConfig {
            win_length: 400,
            center: false,
            ..StftConfig::default()
        };
        assert_eq!(kaldi.frame_count(16000), 98);
        assert_eq!(kaldi.frame_count(399), 0);
    }

    #[test]
    fn validation_names_fields() {
        let bad = StftConfig {
            hop_length: 0,
            ..StftConfig::default()
        };
        assert!(bad
            .validate()
            .unwrap_err()
            .to_string()
            .contains("hopLength"));
        let bad = StftConfig {
            n_fft: 1 << 30,
            ..StftConfig::default()
        };
        assert!(bad.validate().unwrap_err().to_string().contains("nFft"));
    }

    #[test]
    fn push_after_finish_is_an_error_and_reset_recovers() {
        let mut stft = Stft::<f64>::new(StftConfig::default()).unwrap();
        stft.push(&[0.1; 1000], |_| {}).unwrap();
        stft.finish(|_| {}).unwrap();
        assert!(matches!(
            stft.push(&[0.0; 10], |_| {}),
            Err(Error::InvalidState(_))
        ));
        stft.reset();
        let n = stft.push(&[0.1; 1000], |_| {}).unwrap() + stft.finish(|_| {}).unwrap();
        assert_eq!(n, 7);
    }
}
