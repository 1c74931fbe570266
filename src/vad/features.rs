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
//!   (~150-4000 Hz): mean, mean of the top quarter, share of bands above 6 dB; the spread of
//!   `s_b` across bands (formant structure vs. flat noise); low/high band balance; spectral
//!   flux (mean |Delta L_b| between frames).
//! - **Context**: over `CONTEXT` frames on each side, the mean, max and standard deviation
//!   of the frame SNR (syllabic modulation shows as a large deviation; stationary noise and
//!   sustained tones as a small one) and the mean flux. The detector therefore answers
//!   `CONTEXT` frames (150 ms) late.

/// Number of mel bands expected per frame.
pub const N_MELS: usize = 64;
/// Frames on each side of the frame being classified.
pub const CONTEXT: usize = 15;
/// Features per frame handed to the model.
pub const N_FEATURES: usize = 13;
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
/// First and last band (inclusive..exclusive) counted as speech bands: ~150-4000 Hz.
const SPEECH_BANDS: (usize, usize) = (3, 41);
/// Bands below this index are "low" (< ~1 kHz) for the balance feature.
const LOW_HIGH_SPLIT: usize = 15;

/// Per-frame scalars kept for the context window.
#[derive(Debug, Clone, Copy, Default)]
struct FrameScalars {
    snr_mean: f32,
    snr_top: f32,
    frac6: f32,
    spread: f32,
    balance: f32,
    flux: f32,
}

/// Streaming feature extractor.
#[derive(Debug, Clone)]
pub struct FeatureExtractor {
    smoothed: Vec<f32>,
    previous: Vec<f32>,
    sub_min: Vec<[f32; FLOOR_SUBWINDOWS]>,
    current_min: Vec<f32>,
    frames_in_sub: usize,
    sub_index: usize,
    level: Vec<f32>,
    snr: Vec<f32>,
    /// Ring of the last `2 CONTEXT + 1` frames' scalars.
    ring: Vec<FrameScalars>,
    frames: usize,
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
            current_min: vec![f32::INFINITY; N_MELS],
            frames_in_sub: 0,
            sub_index: 0,
            level: vec![0.0; N_MELS],
            snr: vec![0.0; N_MELS],
            ring: vec![FrameScalars::default(); 2 * CONTEXT + 1],
            frames: 0,
        }
    }

    /// Frames pushed so far.
    pub fn frames(&self) -> usize {
        self.frames
    }

    /// Consumes one frame of `N_MELS` mel powers. Once `CONTEXT` frames of lookahead exist,
    /// writes the features of frame `frames() - 1 - CONTEXT` into `out` and returns true.
    pub fn push(&mut self, mel: &[f32], out: &mut [f32; N_FEATURES]) -> bool {
        debug_assert_eq!(mel.len(), N_MELS);
        let first = self.frames == 0;
        for (b, &p) in mel.iter().enumerate() {
            let l = crate::fastmath::db10(p.max(POWER_FLOOR));
            self.level[b] = l;
            self.smoothed[b] = if first {
                l
            } else {
                FLOOR_SMOOTHING * self.smoothed[b] + (1.0 - FLOOR_SMOOTHING) * l
            };
            self.current_min[b] = self.current_min[b].min(self.smoothed[b]);
        }
        self.frames_in_sub += 1;
        // Floor: minimum over the finished sub-windows and the current one.
        for b in 0..N_MELS {
            let past = self.sub_min[b]
                .iter()
                .copied()
                .fold(f32::INFINITY, f32::min);
            let floor = past.min(self.current_min[b]) + FLOOR_BIAS_DB;
            self.snr[b] = (self.level[b] - floor).max(0.0);
        }
        if self.frames_in_sub == FLOOR_WINDOW / FLOOR_SUBWINDOWS {
            for b in 0..N_MELS {
                self.sub_min[b][self.sub_index] = self.current_min[b];
                self.current_min[b] = f32::INFINITY;
            }
            self.sub_index = (self.sub_index + 1) % FLOOR_SUBWINDOWS;
            self.frames_in_sub = 0;
        }
        let scalars = self.frame_scalars(first);
        self.previous.copy_from_slice(&self.level);
        let slot = self.frames % self.ring.len();
        self.ring[slot] = scalars;
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
        sorted.sort_unstable_by(|a, b| b.total_cmp(a));
        let top_n = sorted.len() / 4;
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
        FrameScalars {
            snr_mean: mean,
            snr_top: top,
            frac6,
            spread,
            balance: low - high,
            flux,
        }
    }

    /// Features of frame `t` from the ring (frames `t - CONTEXT ..= t + CONTEXT` that exist).
    fn context_features(&self, t: usize, out: &mut [f32; N_FEATURES]) {
        let len = self.ring.len();
        let centre = self.ring[t % len];
        let from = t.saturating_sub(CONTEXT);
        let to = (t + CONTEXT).min(self.frames - 1);
        let (mut sum, mut sum2, mut max, mut flux, mut top) =
            (0.0f32, 0.0f32, 0.0f32, 0.0f32, 0.0f32);
        let mut n = 0.0f32;
        for k in from..=to {
            let f = self.ring[k % len];
            sum += f.snr_mean;
            sum2 += f.snr_mean * f.snr_mean;
            max = max.max(f.snr_mean);
            flux += f.flux;
            top += f.snr_top;
            n += 1.0;
        }
        let mean = sum / n;
        let std = (sum2 / n - mean * mean).max(0.0).sqrt();
        *out = [
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
            self.ring[t.saturating_sub(5) % len].snr_mean,
            self.ring[(t + 5).min(self.frames - 1) % len].snr_mean,
        ];
    }
}
