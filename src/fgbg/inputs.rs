//! The model's inputs ([`model_inputs`]): from each frame's compact record ([`FrameRecord`]:
//! the VAD's speech probability and the cues, quantised so that the analyser can keep
//! every frame until the anchor settles) and the anchor as it stands, the [`Input`] vector
//! the classifier of [`super::model`] reads. Kept apart from the analyser because the
//! training dump (`bystander fgbg-features`) must see exactly what the model sees.

use super::anchor::{AnchorSnapshot, ANCHOR_CUES};
use super::cues::{Cue, FrameCues, N_CUES};
use super::model::N_INPUTS;

/// Half-width of the level context, frames (+-250 ms).
pub(super) const LEVEL_CONTEXT: usize = 25;

/// Per-frame record kept for relabelling: the speech probability and the cues, quantised
/// (probability in 1/65535 steps, cues in 1/100 dB steps, range +-327 dB).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct FrameRecord {
    p: u16,
    cues: [i16; N_CUES],
}

impl FrameRecord {
    pub(super) fn new(p: f32, c: &FrameCues) -> Self {
        let q = |v: f32| (v * 100.0).round().clamp(-32767.0, 32767.0) as i16;
        let a = c.to_array();
        let mut cues = [0i16; N_CUES];
        for (o, v) in cues.iter_mut().zip(a) {
            *o = q(v);
        }
        FrameRecord {
            p: (p.clamp(0.0, 1.0) * 65535.0).round() as u16,
            cues,
        }
    }

    /// The speech probability.
    pub(super) fn p(&self) -> f32 {
        self.p as f32 / 65535.0
    }

    /// One cue, dB.
    pub(super) fn cue(&self, cue: Cue) -> f32 {
        self.cues[cue as usize] as f32 * 0.01
    }
}

/// One model input, by its position in the input vector and in [`INPUT_NAMES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Input {
    /// The VAD's speech probability `p_s`.
    PSpeech,
    /// Level relative to the anchor, clipped to -40..+15 dB.
    RelLevel,
    /// The absolute drop, rise and depth: room-borne, so they also serve when there is no
    /// near talker to compare with.
    Drop,
    /// See `Drop`.
    Rise,
    /// See `Drop`.
    Depth,
    /// `min(1, anchor frames / 300)`.
    AnchorStrength,
    /// Mean `RelLevel` over +-`LEVEL_CONTEXT` frames.
    RelLevelContext,
    /// Mean `p_s` over +-`LEVEL_CONTEXT` frames.
    PSpeechContext,
    /// Each [`ANCHOR_CUES`] cue minus the anchor's value, in that order.
    DropReAnchor,
    /// See `DropReAnchor`.
    RiseReAnchor,
    /// See `DropReAnchor`.
    DepthReAnchor,
    /// See `DropReAnchor`.
    HfReAnchor,
    /// See `DropReAnchor`.
    TiltReAnchor,
}

/// The absolute cues and where they go.
const ABSOLUTE_INPUTS: [(Cue, Input); 3] = [
    (Cue::Drop, Input::Drop),
    (Cue::Rise, Input::Rise),
    (Cue::Depth, Input::Depth),
];

/// Where each of [`ANCHOR_CUES`] goes, relative to the anchor.
const RE_ANCHOR_INPUTS: [Input; ANCHOR_CUES.len()] = [
    Input::DropReAnchor,
    Input::RiseReAnchor,
    Input::DepthReAnchor,
    Input::HfReAnchor,
    Input::TiltReAnchor,
];

/// The model's inputs for frames `range` of `frames`: `p_s`; the level relative to the
/// anchor (clipped to -40..+15 dB); the absolute drop, rise and depth; the anchor's
/// strength; the mean relative level and mean `p_s` over +-`LEVEL_CONTEXT` frames; and each
/// [`ANCHOR_CUES`] cue minus the anchor's value. Left out on purpose: the absolute level (it
/// depends on the recording gain), and the absolute floor distance and band balances: they
/// describe the talker's voice and recording as much as the distance, and with them the
/// model learned its few training talkers' colour as "near" (held-out foreground recall
/// 0.79 with them, 0.88 without, at frame level; tools/train_fgbg/README.md).
pub(super) fn model_inputs(
    frames: &[FrameRecord],
    range: std::ops::Range<usize>,
    anchor: &AnchorSnapshot,
    out: &mut Vec<[f32; N_INPUTS]>,
) {
    let rel = |r: &FrameRecord| {
        anchor
            .level
            .map_or(0.0, |a| (r.cue(Cue::Level) - a).clamp(-40.0, 15.0))
    };
    let n = frames.len();
    let lo = |t: usize| t.saturating_sub(LEVEL_CONTEXT);
    let hi = |t: usize| (t + LEVEL_CONTEXT + 1).min(n);
    let (mut sum_rel, mut sum_p) = (0.0f32, 0.0f32);
    if let Some(t0) = range.clone().next() {
        for r in &frames[lo(t0)..hi(t0)] {
            sum_rel += rel(r);
            sum_p += r.p();
        }
    }
    for t in range.clone() {
        if t > range.start {
            if lo(t) > lo(t - 1) {
                let r = &frames[lo(t - 1)];
                sum_rel -= rel(r);
                sum_p -= r.p();
            }
            if hi(t) > hi(t - 1) {
                let r = &frames[hi(t) - 1];
                sum_rel += rel(r);
                sum_p += r.p();
            }
        }
        let width = (hi(t) - lo(t)) as f32;
        let r = &frames[t];
        let mut x = [0.0f32; N_INPUTS];
        x[Input::PSpeech as usize] = r.p();
        x[Input::RelLevel as usize] = rel(r);
        for (cue, input) in ABSOLUTE_INPUTS {
            x[input as usize] = r.cue(cue);
        }
        x[Input::AnchorStrength as usize] = anchor.strength;
        x[Input::RelLevelContext as usize] = sum_rel / width;
        x[Input::PSpeechContext as usize] = sum_p / width;
        for ((cue, input), anchor_value) in ANCHOR_CUES
            .into_iter()
            .zip(RE_ANCHOR_INPUTS)
            .zip(anchor.cues)
        {
            x[input as usize] = r.cue(cue) - anchor_value;
        }
        out.push(x);
    }
}

/// Names of the model inputs, for the feature dump and the training script.
#[cfg(any(test, feature = "dev"))]
pub const INPUT_NAMES: [&str; N_INPUTS] = [
    "p_speech",
    "rel_level",
    "drop",
    "rise",
    "depth",
    "anchor_strength",
    "rel_level_context",
    "p_speech_context",
    "drop_re_anchor",
    "rise_re_anchor",
    "depth_re_anchor",
    "hf_re_anchor",
    "tilt_re_anchor",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_positions_match_the_names_and_the_model() {
        assert_eq!(Input::TiltReAnchor as usize + 1, N_INPUTS);
        assert_eq!(INPUT_NAMES[Input::PSpeech as usize], "p_speech");
        assert_eq!(INPUT_NAMES[Input::Depth as usize], "depth");
        assert_eq!(
            INPUT_NAMES[Input::PSpeechContext as usize],
            "p_speech_context"
        );
        assert_eq!(INPUT_NAMES[Input::DropReAnchor as usize], "drop_re_anchor");
        assert_eq!(INPUT_NAMES[Input::TiltReAnchor as usize], "tilt_re_anchor");
    }
}
