//! The temporal model's inputs, one row per 10 ms frame, computed causally from the frame's
//! 64 log-mel band levels (the VAD front end's, in dB). A device's gain shifts every band by
//! the same number of dB, so the bands are taken relative to an **anchor**: a peak hold of
//! the frame level (mean power of the speech bands 3..41, ~140-2660 Hz) decaying 1 dB/s.
//! With a near talker present the anchor is their level and a far talker shows N dB below
//! it. Two more inputs keep level cues without the gain: the frame level re the anchor, and
//! the anchor re a **floor** (a minimum hold rising 1 dB/s: the dynamic range). All in dB
//! divided by 20. The same computation as `normalise` in tools/train/common.py, which the
//! model was trained on; O(1) per frame.

use super::weights::{ANCHOR_DECAY_DB, FLOOR_RISE_DB, LEVEL_BANDS, SCALE_DB};

/// Log-mel bands of a frame.
pub const N_MELS: usize = 64;
/// Model inputs per frame: the bands re the anchor, the level re the anchor, the anchor re
/// the floor.
pub const N_INPUTS: usize = N_MELS + 2;

/// The anchor and floor trackers.
#[derive(Debug, Clone, Default)]
pub struct InputNormaliser {
    /// Anchor and floor, dB; `None` before the first frame.
    state: Option<(f64, f64)>,
}

impl InputNormaliser {
    /// Trackers before any frame.
    pub fn new() -> Self {
        Self::default()
    }

    /// The model inputs of the next frame, from its log-mel band levels (dB).
    pub fn push(&mut self, log_mel_db: &[f32; N_MELS], out: &mut [f32; N_INPUTS]) {
        let (lo, hi) = LEVEL_BANDS;
        // Mean power of the speech bands, as common.normalise computes it (float64).
        let mean: f64 = log_mel_db[lo..hi]
            .iter()
            .map(|&d| crate::fastmath::power_from_db(d as f64))
            .sum::<f64>()
            / (hi - lo) as f64;
        let level = 10.0 * (mean + 1e-20).log10();
        let (anchor, floor) = match self.state {
            None => (level, level),
            Some((a, f)) => (
                (a - ANCHOR_DECAY_DB).max(level),
                (f + FLOOR_RISE_DB).min(level),
            ),
        };
        self.state = Some((anchor, floor));
        for (o, &d) in out.iter_mut().zip(log_mel_db.iter()) {
            *o = ((d as f64 - anchor) / SCALE_DB) as f32;
        }
        out[N_MELS] = ((level - anchor) / SCALE_DB) as f32;
        out[N_MELS + 1] = ((anchor - floor) / SCALE_DB) as f32;
    }
}
