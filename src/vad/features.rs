//! Level-invariant per-frame features for voice activity, from mel power frames.
//!
//! Input: one row of `N_MELS` Slaney-normalised mel powers per 10 ms frame (the librosa
//! preset's bands at 16 kHz). Everything is measured relative to a per-band noise floor, so a
//! gain change moves nothing but the floor (the "-50 to 0 dBFS give the same segments"
//! requirement), and DC (band 0, below 40 Hz) is ignored.
//!
//! - **Noise floor**: minimum statistics (Martin, "Noise power spectral density estimation
//!   based on optimal smoothing and minimum statistics", IEEE TSAP 2001), simplified: the
//!   minimum of the recursively smoothed band level over the last `FLOOR_WINDOW` frames,
//!   tracked with `FLOOR_SUBWINDOWS` sub-window minima (O(1) per frame), plus a fixed bias
//!   because the minimum of a fluctuating level underestimates its mean.
//! - **Band SNR** `s_b = L_b - N_b` (dB), summarised per frame over the speech bands
//!   (bands 3..41, ~140-2660 Hz): mean, mean of the top quarter, share of bands above 6 dB; the spread of
//!   `s_b` across bands (formant structure vs. flat noise); low/high band balance; spectral
//!   flux (mean |Delta L_b| between frames).
//! - **Voicing**: subharmonic summation (Hermes, "Measurement of pitch by subharmonic
//!   summation", JASA 1988) on the spectrally whitened log power spectrum below 2.5 kHz:
//!   for F0 candidates 70-400 Hz (48 steps, log-spaced) the mean whitened level at the first
//!   harmonics (linear interpolation between bins); the feature is the best candidate's
//!   score minus the mean score (dB). Voiced speech scores high, noise low; music also scores
//!   high, which the other features and the context must resolve.
//! - **Band pattern**: the band SNR pooled into `POOLED_BANDS` groups (coarse spectral shape
//!   of what stands above the floor).
//! - **Context**: over `CONTEXT` frames on each side, the mean, max and standard deviation
//!   of the frame SNR (syllabic modulation shows as a large deviation; stationary noise and
//!   sustained tones as a small one), the mean flux and the mean voicing; and over a long,
//!   mostly past window (`LONG_PAST` frames back, `CONTEXT` ahead) the mean and max of the
//!   top-band SNR, the SNR deviation and the mean voicing. The detector therefore answers
//!   `CONTEXT` frames (150 ms) late.
//! - **Relative level**: the context's top-band SNR relative to a peak-hold tracker of it
//!   (decaying 2 dB/s): how far below the strongest recent speech this frame is (after the
//!   anchoring idea of King et al., Interspeech 2017).

/// Number of mel bands expected per frame.
pub const N_MELS: usize = 64;
/// Frames on each side of the frame being classified.
pub const CONTEXT: usize = 15;
/// Past frames of the long context (500 ms).
const LONG_PAST: usize = 50;
/// Ring length: a power of two at least `LONG_PAST + CONTEXT + 1`, so that indexing is a
/// mask rather than a division.
const RING_LEN: usize = (LONG_PAST + CONTEXT + 1).next_power_of_two();
const RING_MASK: usize = RING_LEN - 1;
/// Decay of the tracked speech level, dB per frame (2 dB/s).
const LEVEL_DECAY_DB: f32 = 0.02;
/// Features per frame handed to the model.
pub const N_FEATURES: usize = 13 + 2 + 5 + POOLED_BANDS;
/// Linear-frequency bins expected per frame (`n_fft = 512`).
pub const N_BINS: usize = 257;
/// Groups the 64 band SNRs are pooled into.
const POOLED_BANDS: usize = 8;
/// Linear bins used for voicing: 0 .. 2500 Hz at 31.25 Hz per bin.
const VOICING_BINS: usize = 81;
/// Half-width of the moving average that whitens the log spectrum, bins (~280 Hz).
const WHITEN_HALF: usize = 4;
/// `1 / n` for the whitening window sizes `n` (at most `2 WHITEN_HALF + 1`).
const WHITEN_INV: [f32; 2 * WHITEN_HALF + 2] = {
    let mut t = [0.0f32; 2 * WHITEN_HALF + 2];
    let mut n = 1;
    while n < t.len() {
        t[n] = 1.0 / n as f32;
        n += 1;
    }
    t
};
/// F0 candidates for voicing.
const F0_CANDIDATES: usize = 48;
/// Harmonics summed per candidate (at most; only those below `VOICING_BINS`).
const MAX_HARMONICS: usize = 10;
/// Noise-floor window, frames (1.6 s).
const FLOOR_WINDOW: usize = 160;
/// Sub-windows of the floor window.
const FLOOR_SUBWINDOWS: usize = 8;
/// Smoothing of band levels before the minimum search (per-frame IIR coefficient).
const FLOOR_SMOOTHING: f32 = 0.7;
/// Added to the tracked minimum, dB: a smoothed noise level sits this much above its minimum
/// over 1.6 s (about 1.5 standard deviations of a mel band's smoothed level in noise).
const FLOOR_BIAS_DB: f32 = 1.5;
/// Floor of band powers before the log (-200 dB: far below any real signal at any gain).
const POWER_FLOOR: f32 = 1e-20;
/// First and last band (inclusive..exclusive) counted as speech bands: ~140-2660 Hz.
const SPEECH_BANDS: (usize, usize) = (3, 41);
/// Bands below this index are "low" (below ~700 Hz) for the balance feature.
const LOW_HIGH_SPLIT: usize = 15;

/// The level of one mel band, dB: the log-mel value every feature starts from (and the
/// temporal model's input, `bystander log-mel`).
#[inline]
pub fn band_level_db(power: f32) -> f32 {
    crate::fastmath::db10(crate::fastmath::fmax(power, POWER_FLOOR))
}

/// Per-frame scalars kept for the context window.
#[derive(Debug, Clone, Copy, Default)]
struct FrameScalars {
    snr_mean: f32,
    snr_top: f32,
    frac6: f32,
    spread: f32,
    balance: f32,
    flux: f32,
    voicing: f32,
    pooled: [f32; POOLED_BANDS],
}

/// Streaming feature extractor.
#[derive(Debug, Clone)]
pub struct FeatureExtractor {
    smoothed: Vec<f32>,
    previous: Vec<f32>,
    sub_min: Vec<[f32; FLOOR_SUBWINDOWS]>,
    /// Minimum over the finished sub-windows, per band (updated when one finishes).
    past_min: Vec<f32>,
    current_min: Vec<f32>,
    frames_in_sub: usize,
    sub_index: usize,
    level: Vec<f32>,
    snr: Vec<f32>,
    /// Ring of the last `LONG_PAST + CONTEXT + 1` frames' scalars.
    ring: Vec<FrameScalars>,
    /// Tracked level of the strongest recent speech-like context (peak hold with decay), dB
    /// above the floor.
    speech_level: f32,
    frames: usize,
    log_spectrum: Vec<f32>,
    whitened: Vec<f32>,
    /// Lower bin and upper-bin weight of each harmonic of each F0 candidate, candidate by
    /// candidate; `harmonic_counts[c]` of them belong to candidate `c`.
    harmonic_bins: Vec<(usize, f32)>,
    harmonic_counts: Vec<usize>,
}

impl Default for FeatureExtractor {
    fn default() -> Self {
        Self::new()
    }
}

impl FeatureExtractor {
    /// A fresh extractor.
    pub fn new() -> Self {
        FeatureExtractor {
            smoothed: vec![0.0; N_MELS],
            previous: vec![0.0; N_MELS],
            sub_min: vec![[f32::INFINITY; FLOOR_SUBWINDOWS]; N_MELS],
            past_min: vec![f32::INFINITY; N_MELS],
            current_min: vec![f32::INFINITY; N_MELS],
            frames_in_sub: 0,
            sub_index: 0,
            level: vec![0.0; N_MELS],
            snr: vec![0.0; N_MELS],
            ring: vec![FrameScalars::default(); RING_LEN],
            speech_level: 0.0,
            frames: 0,
            log_spectrum: vec![0.0; VOICING_BINS],
            whitened: vec![0.0; VOICING_BINS],
            harmonic_bins: harmonic_table().0,
            harmonic_counts: harmonic_table().1,
        }
    }

    /// Consumes one frame: `N_BINS` linear powers and their `N_MELS` mel powers. Once
    /// `CONTEXT` frames of lookahead exist, writes the features of frame
    /// `frames() - 1 - CONTEXT` into `out` and returns true.
    pub fn push(&mut self, power: &[f32], mel: &[f32], out: &mut [f32; N_FEATURES]) -> bool {
        debug_assert_eq!(mel.len(), N_MELS);
        debug_assert_eq!(power.len(), N_BINS);
        let voicing = self.voicing(power);
        let first = self.frames == 0;
        for (b, &p) in mel.iter().enumerate() {
            let l = band_level_db(p);
            self.level[b] = l;
            self.smoothed[b] = if first {
                l
            } else {
                FLOOR_SMOOTHING * self.smoothed[b] + (1.0 - FLOOR_SMOOTHING) * l
            };
            self.current_min[b] = crate::fastmath::fmin(self.current_min[b], self.smoothed[b]);
        }
        self.frames_in_sub += 1;
        // Floor: minimum over the finished sub-windows and the current one.
        for b in 0..N_MELS {
            let floor =
                crate::fastmath::fmin(self.past_min[b], self.current_min[b]) + FLOOR_BIAS_DB;
            self.snr[b] = crate::fastmath::fmax(self.level[b] - floor, 0.0);
        }
        if self.frames_in_sub == FLOOR_WINDOW / FLOOR_SUBWINDOWS {
            for b in 0..N_MELS {
                self.sub_min[b][self.sub_index] = self.current_min[b];
                self.current_min[b] = f32::INFINITY;
                self.past_min[b] = self.sub_min[b]
                    .iter()
                    .copied()
                    .fold(f32::INFINITY, f32::min);
            }
            self.sub_index = (self.sub_index + 1) % FLOOR_SUBWINDOWS;
            self.frames_in_sub = 0;
        }
        let mut scalars = self.frame_scalars(first);
        scalars.voicing = voicing;
        self.previous.copy_from_slice(&self.level);
        self.ring[self.frames & RING_MASK] = scalars;
        self.frames += 1;
        if self.frames <= CONTEXT {
            return false;
        }
        self.context_features(self.frames - 1 - CONTEXT, out);
        true
    }

    /// Emits features for the last `CONTEXT` frames at the end of the stream (the missing
    /// lookahead is treated as absent, not as silence). Calls `sink` once per frame.
    pub fn finish(&mut self, mut sink: impl FnMut(&[f32; N_FEATURES])) {
        let mut out = [0.0; N_FEATURES];
        let start = self.frames.saturating_sub(CONTEXT);
        for t in start..self.frames {
            self.context_features(t, &mut out);
            sink(&out);
        }
    }

    fn frame_scalars(&self, first: bool) -> FrameScalars {
        let (lo, hi) = SPEECH_BANDS;
        let s = &self.snr[lo..hi];
        let n = s.len() as f32;
        let mean = s.iter().sum::<f32>() / n;
        let mut sorted = [0.0f32; SPEECH_BANDS.1 - SPEECH_BANDS.0];
        sorted.copy_from_slice(s);
        // Mean of the top quarter: a linear-time selection, not a sort.
        let top_n = sorted.len() / 4;
        sorted.select_nth_unstable_by(top_n - 1, |a, b| b.total_cmp(a));
        let top = sorted[..top_n].iter().sum::<f32>() / top_n as f32;
        let frac6 = s.iter().filter(|&&x| x > 6.0).count() as f32 / n;
        let spread = (s.iter().map(|x| (x - mean) * (x - mean)).sum::<f32>() / n).sqrt();
        let low = self.snr[lo..LOW_HIGH_SPLIT].iter().sum::<f32>() / (LOW_HIGH_SPLIT - lo) as f32;
        let high = self.snr[LOW_HIGH_SPLIT..hi].iter().sum::<f32>() / (hi - LOW_HIGH_SPLIT) as f32;
        let flux = if first {
            0.0
        } else {
            self.level[lo..hi]
                .iter()
                .zip(&self.previous[lo..hi])
                .map(|(a, b)| (a - b).abs())
                .sum::<f32>()
                / n
        };
        let mut pooled = [0.0f32; POOLED_BANDS];
        let width = N_MELS / POOLED_BANDS;
        for (g, p) in pooled.iter_mut().enumerate() {
            *p = self.snr[g * width..(g + 1) * width].iter().sum::<f32>() / width as f32;
        }
        FrameScalars {
            snr_mean: mean,
            snr_top: top,
            frac6,
            spread,
            balance: low - high,
            flux,
            voicing: 0.0,
            pooled,
        }
    }

    /// Subharmonic-summation voicing score of one power spectrum, dB.
    fn voicing(&mut self, power: &[f32]) -> f32 {
        for (l, &p) in self.log_spectrum.iter_mut().zip(power) {
            *l = crate::fastmath::db10(crate::fastmath::fmax(p, POWER_FLOOR));
        }
        // Whitening: subtract a centred moving average (edges use what exists), with a
        // running window sum.
        let mut window_sum: f32 = self.log_spectrum[..=WHITEN_HALF].iter().sum();
        for k in 0..VOICING_BINS {
            let lo = k.saturating_sub(WHITEN_HALF);
            let hi = (k + WHITEN_HALF + 1).min(VOICING_BINS);
            self.whitened[k] = self.log_spectrum[k] - window_sum * WHITEN_INV[hi - lo];
            if hi < VOICING_BINS {
                window_sum += self.log_spectrum[hi];
            }
            if k >= WHITEN_HALF {
                window_sum -= self.log_spectrum[k - WHITEN_HALF];
            }
        }
        let (mut best, mut sum) = (f32::NEG_INFINITY, 0.0f32);
        let mut offset = 0;
        for &count in &self.harmonic_counts {
            let mut acc = 0.0f32;
            for &(i, w) in &self.harmonic_bins[offset..offset + count] {
                acc += self.whitened[i] + (self.whitened[i + 1] - self.whitened[i]) * w;
            }
            offset += count;
            let score = acc / count.max(1) as f32;
            best = best.max(score);
            sum += score;
        }
        best - sum / F0_CANDIDATES as f32
    }

    /// Features of frame `t` from the ring (frames `t - LONG_PAST ..= t + CONTEXT` that
    /// exist). Frames must be requested in order (the speech-level tracker advances).
    fn context_features(&mut self, t: usize, out: &mut [f32; N_FEATURES]) {
        let ring = &self.ring;
        let at = |k: usize| &ring[k & RING_MASK];
        let centre = at(t);
        let from = t.saturating_sub(CONTEXT);
        let to = (t + CONTEXT).min(self.frames - 1);
        let (mut sum, mut sum2, mut max, mut flux, mut top, mut voicing) =
            (0.0f32, 0.0f32, 0.0f32, 0.0f32, 0.0f32, 0.0f32);
        for k in from..=to {
            let f = at(k);
            sum += f.snr_mean;
            sum2 += f.snr_mean * f.snr_mean;
            max = max.max(f.snr_mean);
            flux += f.flux;
            top += f.snr_top;
            voicing += f.voicing;
        }
        let n = (to + 1 - from) as f32;
        let mean = sum / n;
        let std = (sum2 / n - mean * mean).max(0.0).sqrt();
        let voicing_mean = voicing / n;
        // Long, mostly past context: 500 ms back, CONTEXT frames ahead.
        let long_from = t.saturating_sub(LONG_PAST);
        let (mut l_top, mut l_max, mut l_sum, mut l_sum2, mut l_voicing) =
            (0.0f32, 0.0f32, 0.0f32, 0.0f32, 0.0f32);
        for k in long_from..=to {
            let f = at(k);
            l_top += f.snr_top;
            l_max = l_max.max(f.snr_top);
            l_sum += f.snr_mean;
            l_sum2 += f.snr_mean * f.snr_mean;
            l_voicing += f.voicing;
        }
        let ln = (to + 1 - long_from) as f32;
        let l_mean = l_sum / ln;
        let l_std = (l_sum2 / ln - l_mean * l_mean).max(0.0).sqrt();
        let context_top = top / n;
        let minus5 = at(t.saturating_sub(5)).snr_mean;
        let plus5 = at((t + 5).min(self.frames - 1)).snr_mean;
        let centre = *centre;
        self.speech_level = (self.speech_level - LEVEL_DECAY_DB).max(context_top);
        let head = [
            centre.snr_mean,
            centre.snr_top,
            centre.frac6,
            centre.spread,
            centre.balance,
            centre.flux,
            mean,
            max,
            std,
            flux / n,
            top / n,
            // Short context: the neighbours 5 frames away (50 ms) on each side.
            minus5,
            plus5,
            centre.voicing,
            voicing_mean,
            l_top / ln,
            l_max,
            l_std,
            l_voicing / ln,
            context_top - self.speech_level,
        ];
        out[..head.len()].copy_from_slice(&head);
        out[head.len()..].copy_from_slice(&centre.pooled);
    }
}

/// Harmonic bins of every F0 candidate (70-400 Hz, log-spaced): (lower bin, weight of the
/// upper bin) for each harmonic inside the voicing range, and the count per candidate.
fn harmonic_table() -> (Vec<(usize, f32)>, Vec<usize>) {
    const BIN_HZ: f64 = 16000.0 / 512.0;
    let (mut bins, mut counts) = (Vec::new(), Vec::with_capacity(F0_CANDIDATES));
    for c in 0..F0_CANDIDATES {
        let f0 = 70.0 * (400.0f64 / 70.0).powf(c as f64 / (F0_CANDIDATES - 1) as f64);
        let mut count = 0;
        for h in 1..=MAX_HARMONICS {
            let bin = f0 * h as f64 / BIN_HZ;
            if bin + 1.0 < VOICING_BINS as f64 {
                bins.push((bin as usize, bin.fract() as f32));
                count += 1;
            }
        }
        counts.push(count);
    }
    (bins, counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A harmonic power spectrum at f0 (Hz) over a flat floor.
    fn harmonic_spectrum(f0: f64) -> Vec<f32> {
        let mut p = vec![1e-6f32; N_BINS];
        let mut f = f0;
        while f < 7900.0 {
            let b = (f / 31.25).round() as usize;
            p[b] += 1.0;
            f += f0;
        }
        p
    }

    #[test]
    fn voicing_separates_harmonic_from_flat_spectra() {
        let mut fx = FeatureExtractor::new();
        let voiced = fx.voicing(&harmonic_spectrum(150.0));
        let mut rng = 12345u32;
        let noise: Vec<f32> = (0..N_BINS)
            .map(|_| {
                rng = rng.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                // Exponentially distributed periodogram values, like noise.
                -((rng >> 8) as f32 / 16_777_216.0 + 1e-6).ln()
            })
            .collect();
        let unvoiced = fx.voicing(&noise);
        assert!(
            voiced > 15.0 && unvoiced < 6.0,
            "voiced {voiced} unvoiced {unvoiced}"
        );
    }

    #[test]
    fn features_do_not_depend_on_gain() {
        let frame = |gain: f32, t: usize| -> (Vec<f32>, Vec<f32>) {
            let speechy = t % 40 < 25;
            let mut p = harmonic_spectrum(120.0 + (t % 7) as f64);
            if !speechy {
                p.iter_mut().for_each(|x| *x = 1e-6);
            }
            p.iter_mut().for_each(|x| *x *= gain);
            let mel: Vec<f32> = (0..N_MELS)
                .map(|b| p[b * 4..b * 4 + 4].iter().sum())
                .collect();
            (p, mel)
        };
        let run = |gain: f32| {
            let mut fx = FeatureExtractor::new();
            let mut out = [0.0; N_FEATURES];
            let mut all = Vec::new();
            for t in 0..300 {
                let (p, mel) = frame(gain, t);
                if fx.push(&p, &mel, &mut out) {
                    all.extend_from_slice(&out);
                }
            }
            all
        };
        let (a, b) = (run(1.0), run(1e-5));
        let worst = a
            .iter()
            .zip(&b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0f32, f32::max);
        assert!(
            worst < 1e-2,
            "features moved by {worst} under a 100 dB gain change"
        );
    }
}
