//! The labeller ([`Labeller`]): turns one VAD speech segment's frames into labelled runs.
//! A three-state Viterbi pass (foreground, background, no speech) over the model's per-frame
//! posteriors with a switch penalty, runs shorter than `minLabelMs` merged into their
//! neighbours (so labels never leave the VAD's speech and never flicker), then each run's
//! confidence Platt-calibrated on the tuning clips and its [`SegmentCues`] summarised.

use super::anchor::AnchorSnapshot;
use super::cues::Cue;
use super::inputs::{model_inputs, FrameRecord};
use super::model::{self, HEADS, N_INPUTS};
use super::{weights, AnalyzerConfig, Label, LabelledSegment, SegmentCues};
use crate::nn::sigmoid;
use crate::segment::Segment;
use crate::vad::FRAME_SECONDS;

/// Turns a VAD segment's frames into labelled runs: Viterbi over three states
/// (foreground, background, no speech: reverberant tails and padding the VAD includes).
#[derive(Debug, Clone)]
pub(super) struct Labeller {
    /// `ln(theta_b)` and `ln(1 - theta_b)` for the background threshold.
    bias_b: [f32; 2],
    /// The same for the no-speech threshold.
    bias_n: [f32; 2],
    switch_penalty: f32,
    min_run: usize,
    overlap_threshold: f32,
    // Scratch, reused across segments (no allocation per frame).
    z: Vec<[f32; HEADS]>,
    inputs: Vec<[f32; N_INPUTS]>,
    back: Vec<[State; 3]>,
    states: Vec<State>,
    runs: Vec<(usize, usize)>,
    scratch: Vec<f32>,
}

/// A frame's state in the Viterbi pass; `state as usize` indexes the per-state arrays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// The near talker.
    Foreground,
    /// Anyone else.
    Background,
    /// No speech: reverberant tails and padding the VAD includes (left unlabelled).
    NoSpeech,
}

impl State {
    /// Every state, in index order.
    const ALL: [State; 3] = [State::Foreground, State::Background, State::NoSpeech];
}

fn logit(p: f32) -> f32 {
    (p / (1.0 - p)).ln()
}

/// `ln(sigmoid(z))`, stable for large `|z|`.
fn ln_sigmoid(z: f32) -> f32 {
    if z > 0.0 {
        -(-z).exp().ln_1p()
    } else {
        z - z.exp().ln_1p()
    }
}

impl Labeller {
    pub(super) fn new(config: &AnalyzerConfig) -> Self {
        let b = config.background_threshold;
        let n = config.silence_threshold;
        Labeller {
            bias_b: [b.ln(), (1.0 - b).ln()],
            bias_n: [n.ln(), (1.0 - n).ln()],
            switch_penalty: config.switch_penalty,
            min_run: ((config.min_label_ms / 1000.0 / FRAME_SECONDS).round() as usize).max(1),
            overlap_threshold: config.overlap_threshold,
            z: Vec::new(),
            inputs: Vec::new(),
            back: Vec::new(),
            states: Vec::new(),
            runs: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// Labels the frames of `speech` (a VAD segment) and appends the runs to `out`.
    ///
    /// `frames[i]` is the record of frame `base + i`; `logits`, when given, are
    /// `(z, first)` with `z[i]` the logits of frame `first + i`, covering the segment.
    pub(super) fn label(
        &mut self,
        frames: &[FrameRecord],
        base: usize,
        speech: &Segment,
        anchor: &AnchorSnapshot,
        logits: Option<(&[[f32; HEADS]], usize)>,
        out: &mut Vec<LabelledSegment>,
    ) {
        let (a, b) = frame_range(speech);
        let first = a.saturating_sub(base).min(frames.len());
        let last = b.saturating_sub(base).clamp(first, frames.len());
        if first == last {
            return;
        }
        let span = &frames[first..last];
        self.z.clear();
        if let Some((all, z0)) = logits {
            // Already computed (report, finalisation): reuse them.
            let off = base + first - z0;
            self.z.extend_from_slice(&all[off..off + (last - first)]);
        } else {
            self.inputs.clear();
            model_inputs(frames, first..last, anchor, &mut self.inputs);
            self.z.extend(self.inputs.iter().map(model::logits));
        }
        self.viterbi();
        self.merge_short_runs();
        let n = span.len();
        let mut i = 0;
        while i < n {
            let s = self.states[i];
            let mut j = i + 1;
            while j < n && self.states[j] == s {
                j += 1;
            }
            let label = match s {
                State::NoSpeech => {
                    i = j;
                    continue;
                }
                State::Background => Label::Background,
                State::Foreground => Label::Foreground,
            };
            let mean_qb = self.z[i..j].iter().map(|z| sigmoid(z[0])).sum::<f32>() / (j - i) as f32;
            let raw = if label == Label::Background {
                mean_qb
            } else {
                1.0 - mean_qb
            };
            let confidence = calibrate(raw);
            // Overlap head: P(both present); conditioned on the frame being foreground.
            let overlap = label == Label::Foreground
                && self.z[i..j]
                    .iter()
                    .map(|z| sigmoid(z[1]) / (1.0 - sigmoid(z[0])).max(1e-3))
                    .sum::<f32>()
                    / ((j - i) as f32)
                    > self.overlap_threshold;
            let cues = self.segment_cues(&span[i..j], anchor.level, mean_qb);
            let start = if i == 0 {
                speech.start
            } else {
                (base + first + i) as f64 * FRAME_SECONDS
            };
            let end = if j == n {
                speech.end
            } else {
                (base + first + j) as f64 * FRAME_SECONDS
            };
            out.push(LabelledSegment {
                start,
                end,
                label,
                confidence,
                overlap,
                cues,
            });
            i = j;
        }
    }

    fn segment_cues(
        &mut self,
        span: &[FrameRecord],
        anchor: Option<f32>,
        mean_qb: f32,
    ) -> SegmentCues {
        // Active level: power mean over confident frames (all frames when none is).
        let confident = span.iter().filter(|r| r.p() >= 0.5).count();
        let (mut sum, mut count) = (0.0f64, 0usize);
        for r in span.iter().filter(|r| confident == 0 || r.p() >= 0.5) {
            sum += crate::fastmath::power_from_db(r.cue(Cue::Level) as f64);
            count += 1;
        }
        let level_db = (10.0 * (sum / count as f64).log10()) as f32;
        let mut median = |cue: Cue| {
            self.scratch.clear();
            self.scratch.extend(span.iter().map(|r| r.cue(cue)));
            let mid = self.scratch.len() / 2;
            *self
                .scratch
                .select_nth_unstable_by(mid, |a, b| a.total_cmp(b))
                .1
        };
        SegmentCues {
            level_db,
            relative_level_db: anchor.map_or(0.0, |a| level_db - a),
            reverb: median(Cue::Drop),
            depth_db: median(Cue::Depth),
            snr_db: median(Cue::Snr),
            high_band_db: median(Cue::Hf),
            background_score: mean_qb,
        }
    }

    /// Three-state Viterbi over the segment's frames. Per frame, with `q_n` the no-speech
    /// posterior and `q_b` the background posterior of a speech frame, the states earn
    /// `ln q_n - ln theta_n` (no speech), `ln(1 - q_n) - ln(1 - theta_n)` plus
    /// `ln q_b - ln theta_b` (background) or `ln(1 - q_b) - ln(1 - theta_b)` (foreground):
    /// alone, a frame takes the state its posteriors put above the thresholds. A change of
    /// state costs `switch_penalty`.
    fn viterbi(&mut self) {
        let n = self.z.len();
        self.back.clear();
        self.back.resize(n, [State::Foreground; 3]);
        let mut score = [0.0f32; 3];
        for t in 0..n {
            let [zb, _, zn] = self.z[t];
            let speech = ln_sigmoid(-zn) - self.bias_n[1];
            let emit = [
                speech + ln_sigmoid(-zb) - self.bias_b[1],
                speech + ln_sigmoid(zb) - self.bias_b[0],
                ln_sigmoid(zn) - self.bias_n[0],
            ];
            let mut next = [0.0f32; 3];
            for s in 0..3 {
                let mut best = (score[s], s);
                if t > 0 {
                    for (o, &prev) in score.iter().enumerate() {
                        if o != s && prev - self.switch_penalty > best.0 {
                            best = (prev - self.switch_penalty, o);
                        }
                    }
                }
                next[s] = best.0 + emit[s];
                self.back[t][s] = State::ALL[best.1];
            }
            score = next;
        }
        self.states.clear();
        self.states.resize(n, State::Foreground);
        let mut s = State::ALL[(0..3)
            .max_by(|&a, &b| score[a].total_cmp(&score[b]))
            .unwrap_or(0)];
        for t in (0..n).rev() {
            self.states[t] = s;
            s = self.back[t][s as usize];
        }
    }

    /// Runs shorter than `min_run` take the state of their longer neighbour (repeatedly,
    /// shortest first), unless the whole segment is one run.
    fn merge_short_runs(&mut self) {
        loop {
            self.runs.clear();
            let n = self.states.len();
            let mut i = 0;
            while i < n {
                let mut j = i + 1;
                while j < n && self.states[j] == self.states[i] {
                    j += 1;
                }
                self.runs.push((i, j));
                i = j;
            }
            if self.runs.len() < 2 {
                return;
            }
            let (k, (s, e)) = self
                .runs
                .iter()
                .copied()
                .enumerate()
                .min_by_key(|(_, (s, e))| e - s)
                .expect("at least two runs");
            if e - s >= self.min_run {
                return;
            }
            let left = k.checked_sub(1).map(|k| self.runs[k].1 - self.runs[k].0);
            let right = self.runs.get(k + 1).map(|r| r.1 - r.0);
            let take = match (left, right) {
                (Some(l), Some(r)) if l >= r => self.states[s - 1],
                (Some(_), None) => self.states[s - 1],
                _ => self.states[e],
            };
            for x in &mut self.states[s..e] {
                *x = take;
            }
        }
    }
}

/// Maps the raw mean posterior of a segment's label to a calibrated confidence (Platt
/// scaling on the logit, fitted on the tuning clips by `tools/train_fgbg/train.py`).
fn calibrate(raw: f32) -> f32 {
    let raw = raw.clamp(1e-4, 1.0 - 1e-4);
    sigmoid(weights::CALIBRATION[0] * logit(raw) + weights::CALIBRATION[1])
}

/// The frame range `[first, last)` (absolute) of a VAD segment.
pub(super) fn frame_range(s: &Segment) -> (usize, usize) {
    let first = (s.start / FRAME_SECONDS).round() as usize;
    let last = ((s.end / FRAME_SECONDS).round() as usize).max(first);
    (first, last)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A labeller with the default thresholds (0.6 background, 0.5 no speech), `switch_penalty`
    /// and runs of at least `min_run` frames.
    fn labeller(switch_penalty: f32, min_run: usize) -> Labeller {
        Labeller::new(&AnalyzerConfig {
            switch_penalty,
            min_label_ms: min_run as f64 * 10.0,
            background_threshold: 0.6,
            silence_threshold: 0.5,
            ..AnalyzerConfig::default()
        })
    }

    /// Logits of a speech frame whose background posterior has logit `zb`.
    fn speech(zb: f32) -> [f32; HEADS] {
        [zb, -5.0, -8.0]
    }

    use State::{Background as B, Foreground as F, NoSpeech as N};

    #[test]
    fn viterbi_follows_clear_posteriors() {
        let mut l = labeller(4.0, 1);
        l.z = [
            vec![speech(-6.0); 10],
            vec![speech(6.0); 10],
            vec![[0.0, 0.0, 8.0]; 5],
        ]
        .concat();
        l.viterbi();
        assert_eq!(l.states, [vec![F; 10], vec![B; 10], vec![N; 5]].concat());
    }

    #[test]
    fn viterbi_pays_the_switch_penalty_for_a_one_frame_blip() {
        // One background frame (logit 2: worth about 1.7 nats over foreground) inside
        // foreground: two switches cost 2 x 4 nats, so the best path stays foreground.
        let mut z = vec![speech(-6.0); 11];
        z[5] = speech(2.0);
        let mut l = labeller(4.0, 1);
        l.z = z.clone();
        l.viterbi();
        assert_eq!(l.states, vec![F; 11]);
        // Without the penalty the frame takes its own best state.
        let mut l = labeller(0.0, 1);
        l.z = z;
        l.viterbi();
        assert_eq!(l.states[4..7], [F, B, F]);
    }

    #[test]
    fn short_runs_join_their_longer_neighbour() {
        let mut l = labeller(4.0, 3);
        // F x3, B x1, N x4: the lone B joins the longer N run on its right; then all runs
        // are at least three frames long.
        l.states = [vec![F; 3], vec![B; 1], vec![N; 4]].concat();
        l.merge_short_runs();
        assert_eq!(l.states, [vec![F; 3], vec![N; 5]].concat());
        // Adjacent short runs merge one at a time, the first of the shortest first: the
        // lone F joins the B run, then the lone N joins the now longer B run.
        l.states = [vec![B; 4], vec![F; 1], vec![N; 1], vec![F; 4]].concat();
        l.merge_short_runs();
        assert_eq!(l.states, [vec![B; 6], vec![F; 4]].concat());
        // Between neighbours of equal length the left one wins.
        l.states = [vec![F; 3], vec![B; 1], vec![N; 3]].concat();
        l.merge_short_runs();
        assert_eq!(l.states, [vec![F; 4], vec![N; 3]].concat());
        // One run: left alone, however short.
        l.states = vec![B; 2];
        l.merge_short_runs();
        assert_eq!(l.states, vec![B; 2]);
    }

    #[test]
    fn calibrate_is_monotonic_and_bounded() {
        let mut last = 0.0f32;
        for i in 0..=1000 {
            let c = calibrate(i as f32 / 1000.0);
            assert!((0.0..=1.0).contains(&c), "{c}");
            assert!(c >= last, "calibrate({}) = {c} < {last}", i as f32 / 1000.0);
            last = c;
        }
        assert!(calibrate(0.99) > calibrate(0.6));
    }
}
