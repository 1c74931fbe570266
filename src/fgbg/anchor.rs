//! The foreground anchor ([`Anchor`]): a histogram of the levels of confident speech frames
//! whose 95th percentile is taken as the near talker's level (the near talker is usually
//! the loudest sustained talker; the anchoring idea of King et al., "Robust speech
//! recognition via anchor word representations", Interspeech 2017), together with that
//! talker's typical [`ANCHOR_CUES`], which every frame is then compared with.

use super::cues::{Cue, FrameCues};

/// Histogram of confident speech-frame levels; the anchor is its 95th percentile.
#[derive(Debug, Clone)]
pub struct Anchor {
    counts: Vec<u32>,
    /// Per level bin: sums of the anchor cues ([`ANCHOR_CUES`]) of its frames.
    cue_sums: Vec<[f32; ANCHOR_CUES.len()]>,
    total: u64,
}

/// Cues whose anchor value each frame is compared with: drop, rise, depth, hf, tilt. The
/// near talker's own values calibrate them to the room and the device (a frame far from
/// them is unlike the foreground talker).
pub const ANCHOR_CUES: [Cue; 5] = [Cue::Drop, Cue::Rise, Cue::Depth, Cue::Hf, Cue::Tilt];
/// Frames within this many dB under the anchor level define the anchor's cue values.
const ANCHOR_CUE_RANGE_DB: f32 = 6.0;

impl Default for Anchor {
    fn default() -> Self {
        Self::new()
    }
}

impl Anchor {
    const LOW_DB: f32 = -140.0;
    const BIN_DB: f32 = 0.5;
    const BINS: usize = 300;
    /// Frames (1 s of speech) below which the anchor is considered weak.
    pub const MIN_FRAMES: u64 = 100;

    /// An empty anchor.
    pub fn new() -> Self {
        Anchor {
            counts: vec![0; Self::BINS],
            cue_sums: vec![[0.0; ANCHOR_CUES.len()]; Self::BINS],
            total: 0,
        }
    }

    fn bin(level_db: f32) -> usize {
        ((level_db - Self::LOW_DB) / Self::BIN_DB).clamp(0.0, (Self::BINS - 1) as f32) as usize
    }

    /// Adds one confident speech frame.
    pub fn add(&mut self, c: &FrameCues) {
        let bin = Self::bin(c.level);
        self.counts[bin] += 1;
        let a = c.to_array();
        for (sum, &cue) in self.cue_sums[bin].iter_mut().zip(&ANCHOR_CUES) {
            *sum += a[cue as usize];
        }
        self.total += 1;
    }

    /// Mean [`ANCHOR_CUES`] of the frames within `ANCHOR_CUE_RANGE_DB` under the anchor
    /// level (zeros before any frame).
    pub fn cues(&self) -> [f32; ANCHOR_CUES.len()] {
        let mut out = [0.0; ANCHOR_CUES.len()];
        let Some(level) = self.level_db() else {
            return out;
        };
        let mut n = 0u64;
        for b in Self::bin(level - ANCHOR_CUE_RANGE_DB)..Self::BINS {
            n += self.counts[b] as u64;
            for (o, s) in out.iter_mut().zip(&self.cue_sums[b]) {
                *o += s;
            }
        }
        if n > 0 {
            for o in &mut out {
                *o /= n as f32;
            }
        }
        out
    }

    /// What the model needs of the anchor.
    pub(super) fn snapshot(&self) -> AnchorSnapshot {
        AnchorSnapshot {
            level: self.level_db(),
            strength: (self.total as f32 / 300.0).min(1.0),
            cues: self.cues(),
        }
    }

    /// Frames seen.
    pub fn frames(&self) -> u64 {
        self.total
    }

    /// The 95th percentile level (bin centre), or `None` before any frame.
    pub fn level_db(&self) -> Option<f32> {
        if self.total == 0 {
            return None;
        }
        let target = (self.total as f64 * 0.95).ceil() as u64;
        let mut seen = 0u64;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c as u64;
            if seen >= target {
                return Some(Self::LOW_DB + (i as f32 + 0.5) * Self::BIN_DB);
            }
        }
        None
    }
}

/// The anchor as the model sees it.
#[derive(Debug, Clone, Copy)]
pub(super) struct AnchorSnapshot {
    /// [`Anchor::level_db`].
    pub(super) level: Option<f32>,
    /// `min(1, frames / 300)`.
    pub(super) strength: f32,
    /// [`Anchor::cues`].
    pub(super) cues: [f32; ANCHOR_CUES.len()],
}
