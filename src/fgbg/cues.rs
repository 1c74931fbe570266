//! Per-frame acoustic cues for telling a near talker from far or broadcast speech.
//!
//! Input: the VAD front end's linear power frames (512-point periodic Hann, hop 160 at
//! 16 kHz, so frame `t` is centred at `t x 10 ms`). Nothing here runs a second FFT.
//!
//! Every cue is computed for frame `k` when the VAD's probability for `k` arrives; the
//! temporal model answers frame `k` once frame `k + 14` (even `k`) or `k + 13` (odd `k`) is
//! in (`crate::model::LOOKAHEAD_FRAMES`), so the ring already holds those frames and the
//! cues use that much of their +-`SPAN` (150 ms) context ahead without adding latency.
//!
//! | cue | what | unit | why |
//! |---|---|---|---|
//! | `level` | speech-band (125-4000 Hz) power averaged over +-5 frames (100 ms) | dBFS (RMS) | near talkers are louder; relative to the anchor it is the strongest single cue |
//! | `snr` | `level` minus a minimum-statistics floor of it (2 s) | dB | level above the noise, for the model's sense of how reliable the other cues are |
//! | `drop` | the largest 20 ms fall of the frame level over +-15 frames, levels clamped at the floor | dB | direct sound stops abruptly; a far source's offsets are smoothed by the room's decay (about 2.4 dB per 20 ms at T60 = 0.5 s); decay-rate DRR proxies after Wen, Habets & Naylor (2008) |
//! | `rise` | the largest 20 ms rise over +-15 frames | dB | onsets are sharper in direct sound |
//! | `depth` | standard deviation of the clamped frame level over +-15 frames | dB | reverberation fills the dips between syllables (the modulation-depth loss behind SRMR, Falk et al. 2010, and the MTF of Houtgast & Steeneken) |
//! | `hf` | 4-7 kHz power over speech-band power, +-5 frames | dB | broadcast band limits (TV) and high-frequency loss |
//! | `tilt` | 2.5-4 kHz power over 250-1000 Hz power, +-5 frames | dB | a doorway or wall low-passes speech from another room |
//!
//! Levels are RMS dBFS of the band: `10 log10(2 sum_k P_k / (N sum_n w_n^2))` with `N = 512`
//! and `sum w^2 = 192` for the periodic Hann, so a full-scale sine inside the band reads -3 dB.

use crate::fastmath::{fmax, fmin};
use crate::vad::N_BINS;

/// Frames of context on each side for the modulation cues (150 ms).
const SPAN: usize = 15;
/// Half-width of the level smoothing, frames (+-5 = 100 ms window, the baseline).
const SMOOTH: usize = 5;
/// Ring of raw frames: a power of two above `2 * SPAN + 3`.
const RING_LEN: usize = 64;
const RING_MASK: usize = RING_LEN - 1;
/// `2 / (512 * 192)`: one-sided power sum to mean square of the frame.
const POWER_TO_MS: f32 = 2.0 / (512.0 * 192.0);
/// Floor of mean squares before the log (-150 dBFS).
const MS_FLOOR: f32 = 1e-15;
/// Bins (31.25 Hz each) of the bands.
const SPEECH_BINS: (usize, usize) = (4, 129);
const LOW_BINS: (usize, usize) = (8, 33);
const UPPER_BINS: (usize, usize) = (80, 129);
const HIGH_BINS: (usize, usize) = (129, 225);
/// Noise floor tracker: minimum of `level` over `FLOOR_SUB * FLOOR_SUBS` frames (2 s).
const FLOOR_SUB: usize = 25;
const FLOOR_SUBS: usize = 8;
/// The minimum of a fluctuating level sits below its mean; bias added, dB.
const FLOOR_BIAS_DB: f32 = 1.5;

/// Number of cues per frame.
pub const N_CUES: usize = 7;
/// Names of the cues, in order (also used by the feature dump and the training script).
#[cfg(any(test, feature = "dev"))]
pub const CUE_NAMES: [&str; N_CUES] = ["level", "snr", "drop", "rise", "depth", "hf", "tilt"];

/// One cue, by its position in [`FrameCues::to_array`] and [`CUE_NAMES`] (`cue as usize`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cue {
    /// [`FrameCues::level`].
    Level,
    /// [`FrameCues::snr`].
    Snr,
    /// [`FrameCues::drop`].
    Drop,
    /// [`FrameCues::rise`].
    Rise,
    /// [`FrameCues::depth`].
    Depth,
    /// [`FrameCues::hf`].
    Hf,
    /// [`FrameCues::tilt`].
    Tilt,
}

/// Cues of one frame.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FrameCues {
    /// Speech-band level, dBFS, 100 ms smoothed.
    pub level: f32,
    /// `level` above its 2 s minimum-statistics floor, dB.
    pub snr: f32,
    /// Largest 20 ms level fall in +-150 ms, dB.
    pub drop: f32,
    /// Largest 20 ms level rise in +-150 ms, dB.
    pub rise: f32,
    /// Standard deviation of the frame level over +-150 ms, dB.
    pub depth: f32,
    /// 4-7 kHz over speech band, dB.
    pub hf: f32,
    /// 2.5-4 kHz over 0.25-1 kHz, dB.
    pub tilt: f32,
}

impl FrameCues {
    /// The cues as an array, in [`CUE_NAMES`] order.
    pub fn to_array(self) -> [f32; N_CUES] {
        [
            self.level, self.snr, self.drop, self.rise, self.depth, self.hf, self.tilt,
        ]
    }
}

/// Band mean squares of one frame.
#[derive(Debug, Clone, Copy, Default)]
struct RawFrame {
    speech: f32,
    low: f32,
    upper: f32,
    high: f32,
    /// `10 log10(speech)`.
    level: f32,
}

/// Streaming cue extractor: [`CueExtractor::push_frame`] every power frame as it arrives,
/// then [`CueExtractor::next_cues`] for each frame in order, at most `RING_LEN - SPAN - 2`
/// frames behind.
#[derive(Debug, Clone)]
pub struct CueExtractor {
    ring: Vec<RawFrame>,
    pushed: usize,
    next: usize,
    sub_min: [f32; FLOOR_SUBS],
    current_min: f32,
    in_sub: usize,
    sub_index: usize,
}

impl Default for CueExtractor {
    fn default() -> Self {
        Self::new()
    }
}

fn band_sum(power: &[f32], (lo, hi): (usize, usize)) -> f32 {
    power[lo..hi].iter().sum::<f32>() * POWER_TO_MS
}

fn db(ms: f32) -> f32 {
    crate::fastmath::db10(fmax(ms, MS_FLOOR))
}

impl CueExtractor {
    /// A fresh extractor.
    pub fn new() -> Self {
        CueExtractor {
            ring: vec![RawFrame::default(); RING_LEN],
            pushed: 0,
            next: 0,
            sub_min: [f32::INFINITY; FLOOR_SUBS],
            current_min: f32::INFINITY,
            in_sub: 0,
            sub_index: 0,
        }
    }

    /// Takes one linear power frame (`N_BINS` values).
    pub fn push_frame(&mut self, power: &[f32]) {
        debug_assert_eq!(power.len(), N_BINS);
        let speech = band_sum(power, SPEECH_BINS);
        self.ring[self.pushed & RING_MASK] = RawFrame {
            speech,
            low: band_sum(power, LOW_BINS),
            upper: band_sum(power, UPPER_BINS),
            high: band_sum(power, HIGH_BINS),
            level: db(speech),
        };
        self.pushed += 1;
    }

    /// The cues of the next frame (frames are taken in order, 0, 1, 2, ...). Uses whatever
    /// of the +-`SPAN` context exists (at the end of a stream the lookahead is shorter).
    ///
    /// # Panics
    /// In debug builds, when the frame was not pushed yet or fell out of the ring.
    pub fn next_cues(&mut self) -> FrameCues {
        let k = self.next;
        debug_assert!(k < self.pushed && self.pushed - k + SPAN + 2 <= RING_LEN);
        self.next += 1;
        let last = self.pushed - 1;
        let lo = k.saturating_sub(SMOOTH);
        let hi = (k + SMOOTH).min(last);
        let (mut s, mut l, mut u, mut h) = (0.0f32, 0.0f32, 0.0f32, 0.0f32);
        for t in lo..=hi {
            let f = &self.ring[t & RING_MASK];
            s += f.speech;
            l += f.low;
            u += f.upper;
            h += f.high;
        }
        let n = (hi - lo + 1) as f32;
        let level = db(s / n);
        // Floor: minimum of the smoothed level over the last 2 s (sub-window minima).
        self.current_min = fmin(self.current_min, level);
        self.in_sub += 1;
        let floor = self.sub_min.iter().copied().fold(self.current_min, fmin) + FLOOR_BIAS_DB;
        if self.in_sub == FLOOR_SUB {
            self.sub_min[self.sub_index] = self.current_min;
            self.sub_index = (self.sub_index + 1) % FLOOR_SUBS;
            self.current_min = f32::INFINITY;
            self.in_sub = 0;
        }
        // Modulation cues over +-SPAN frames with levels clamped at the floor.
        let lo = k.saturating_sub(SPAN);
        let hi = (k + SPAN).min(last);
        let clamp = |t: usize| fmax(self.ring[t & RING_MASK].level, floor);
        let (mut drop, mut rise) = (0.0f32, 0.0f32);
        let (mut sum, mut sum2) = (0.0f32, 0.0f32);
        for t in lo..=hi {
            let v = clamp(t);
            sum += v;
            sum2 += v * v;
            if t >= lo + 2 {
                let d = clamp(t - 2) - v;
                drop = fmax(drop, d);
                rise = fmax(rise, -d);
            }
        }
        let m = (hi - lo + 1) as f32;
        let mean = sum / m;
        let depth = fmax(sum2 / m - mean * mean, 0.0).sqrt();
        FrameCues {
            level,
            snr: fmax(level - floor, 0.0),
            drop,
            rise,
            depth,
            hf: db(h / n) - db(s / n),
            tilt: db(u / n) - db(l / n),
        }
    }

    /// Frames pushed whose cues were not taken yet.
    #[cfg(test)]
    pub fn pending(&self) -> usize {
        self.pushed - self.next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cue_positions_match_the_array_and_the_names() {
        let c = FrameCues {
            level: 0.0,
            snr: 1.0,
            drop: 2.0,
            rise: 3.0,
            depth: 4.0,
            hf: 5.0,
            tilt: 6.0,
        };
        let a = c.to_array();
        let all = [
            Cue::Level,
            Cue::Snr,
            Cue::Drop,
            Cue::Rise,
            Cue::Depth,
            Cue::Hf,
            Cue::Tilt,
        ];
        for (i, cue) in all.into_iter().enumerate() {
            assert_eq!(cue as usize, i);
            assert_eq!(a[i], i as f32);
        }
        assert_eq!(CUE_NAMES[Cue::Hf as usize], "hf");
    }

    fn tone_frame(amplitude: f32) -> Vec<f32> {
        // A 1 kHz sine of the given amplitude: |X|^2 at its bin of a 512-point Hann frame
        // is (A * sum(w) / 2)^2 = (A * 128)^2, and the neighbours hold a quarter each.
        let mut p = vec![0.0f32; N_BINS];
        let peak = (amplitude * 128.0).powi(2);
        p[32] = peak;
        p[31] = peak / 4.0;
        p[33] = peak / 4.0;
        p
    }

    #[test]
    fn level_is_rms_dbfs() {
        let mut c = CueExtractor::new();
        for _ in 0..40 {
            c.push_frame(&tone_frame(1.0));
        }
        let cues = c.next_cues();
        // Full-scale sine: RMS 1/sqrt(2) = -3.01 dBFS.
        assert!((cues.level + 3.01).abs() < 0.05, "{}", cues.level);
    }

    #[test]
    fn abrupt_offsets_show_as_drops() {
        let mut c = CueExtractor::new();
        let mut by_frame = Vec::new();
        // As the analyser does: cues of frame t - SPAN once frame t is in.
        for t in 0..80 {
            c.push_frame(&tone_frame(if (20..40).contains(&t) { 0.1 } else { 1e-4 }));
            if c.pending() > SPAN {
                by_frame.push(c.next_cues());
            }
        }
        while c.pending() > 0 {
            by_frame.push(c.next_cues());
        }
        // A 60 dB step at frame 40 lies inside the +-15 frame span of frame 45, the onset
        // at frame 20 inside that of frame 15; nothing moves around frame 70.
        assert!(by_frame[45].drop > 50.0, "{:?}", by_frame[45]);
        assert!(by_frame[15].rise > 50.0, "{:?}", by_frame[15]);
        assert!(
            by_frame[70].drop < 1.0 && by_frame[70].rise < 1.0,
            "{:?}",
            by_frame[70]
        );
    }
}
