//! The temporal model's inputs, one row per 10 ms frame, computed causally from the frame's
//! 64 mel band levels (the VAD front end's powers, in dB). A device's gain shifts every band by
//! the same number of dB, so the bands are taken relative to an **anchor**: a peak hold of
//! the frame level (mean power of the speech bands 3..41, ~140-2660 Hz) decaying 1 dB/s.
//! With a near talker present the anchor is their level and a far talker shows N dB below
//! it. Two more inputs keep level cues without the gain: the frame level re the anchor, and
//! the anchor re a **floor** (a minimum hold rising 1 dB/s: the dynamic range). All in dB
//! divided by 20. The same computation as `normalise` in tools/train/common.py, which the
//! model was trained on; O(1) per frame.

use super::weights::{ANCHOR_DECAY_DB, FLOOR_RISE_DB, LEVEL_BANDS, SCALE_DB};
use crate::vad::{band_level_db, band_power};

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

    /// The model inputs of the next frame, from its 64 mel band powers (the VAD front end's;
    /// the bands' levels are `front_end::band_level_db` of them).
    pub fn push(&mut self, mel_power: &[f32], out: &mut [f32; N_INPUTS]) {
        debug_assert_eq!(mel_power.len(), N_MELS);
        let (lo, hi) = LEVEL_BANDS;
        // Mean power of the speech bands (float64, as common.normalise). common.normalise
        // takes the powers back from the dB levels it is given, `10^(d/10)`; these are the
        // powers those levels were computed from, which differ by the dB's rounding (at most
        // 7e-6 relative: fastmath::db10 is within 3e-5 dB) and cost no `exp` (38 a frame,
        // software in wasm: 6 % of the whole analysis in V8's profile).
        let mean: f64 = mel_power[lo..hi]
            .iter()
            .map(|&p| band_power(p) as f64)
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
        for (o, &p) in out.iter_mut().zip(mel_power) {
            *o = ((band_level_db(p) as f64 - anchor) / SCALE_DB) as f32;
        }
        out[N_MELS] = ((level - anchor) / SCALE_DB) as f32;
        out[N_MELS + 1] = ((anchor - floor) / SCALE_DB) as f32;
    }
}
