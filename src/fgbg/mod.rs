//! Background-speech detection: every speech segment labelled `foreground` (the near talker
//! addressing the device) or `background` (far talkers, TV, another room), with a
//! calibrated confidence and the cues behind the decision.
//!
//! Pipeline (one pass, streaming, on the VAD's own frames: no second FFT):
//!
//! 1. The VAD front end ([`crate::vad::FrontEnd`]) gives each 10 ms frame's linear power and
//!    speech probability `p_s`; its segmenter gives the speech segments.
//! 2. [`cues`] turns the power frames into per-frame cues: 100 ms speech-band level, level
//!    above the noise floor, the sharpest 20 ms level fall and rise, the modulation depth
//!    (all near/far cues: direct sound stops abruptly, a room's reverberation smooths
//!    offsets and fills dips; Wen, Habets & Naylor 2008; Falk et al. 2010), and two spectral
//!    balances (broadcast band limits, the low-pass of a doorway).
//! 3. **Anchor** ([`Anchor`]): the foreground talker's level is the 95th percentile of the
//!    level of confident speech frames (`p_s >= 0.5`) so far: the near talker is usually the
//!    loudest sustained talker (the anchoring idea of King et al., "Robust speech recognition
//!    via anchor word representations", Interspeech 2017). Every frame's level is then
//!    taken relative to it.
//! 4. A small trained network ([`model`]) maps a frame's cues, relative level and `p_s` to
//!    `q_b = P(background | speech frame)` and `q_o = P(background also present | foreground
//!    frame)`.
//! 5. Each VAD speech segment is labelled by a two-state Viterbi pass (foreground,
//!    background) over its frames' `q_b` with a switch penalty, runs shorter than
//!    `minLabelMs` merged into their neighbours, so labels never leave the VAD's speech.
//!    Segment confidence is the mean posterior of the chosen label, Platt-calibrated on the
//!    tuning clips.
//!
//! Streaming: a VAD segment is labelled (provisionally) as soon as the VAD closes it, with
//! the anchor as it stands; [`Analyzer::report`] relabels everything with the current
//! anchor, and [`Analyzer::finish`] with the final one. Per frame the analyser keeps one
//! compact record (16 bytes: the cues quantised to 16 bits) until the anchor has settled
//! (30 s of confident speech, or 10 min of audio); from then on each VAD segment is
//! labelled for good once its right context exists, its frames' probabilities are stored
//! (the report's 8 bytes per frame) and their records are dropped. Memory therefore grows
//! with the input only by the report itself (plus the records of the first 30 s of speech
//! and of the open segment).

pub mod cues;
pub mod model;
mod tuned;
mod weights;

use crate::error::{Error, Result};
use crate::segment::Segment;
use crate::vad::features::N_FEATURES;
use crate::vad::segmenter::Segmenter;
use crate::vad::{FrameSink, FrontEnd, VadConfig, FRAME_SECONDS};
use cues::{CueExtractor, FrameCues};
use model::{sigmoid, HEADS, N_INPUTS};
use serde::{Deserialize, Serialize};

/// Version of the report's layout; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// Foreground/background settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnalyzerConfig {
    /// Voice activity settings (where anyone speaks).
    #[serde(flatten)]
    pub vad: VadConfig,
    /// Background posterior above which a frame leans background, `0 < x < 1`.
    /// **Default** chosen on the tuning clips by `tools/train_fgbg/tune.py` (`tuned.rs`).
    pub background_threshold: f32,
    /// Cost of a label change inside a speech segment, in nats of log posterior,
    /// `0..=100`. **Default** tuned (`tuned.rs`).
    pub switch_penalty: f32,
    /// Shortest labelled run, ms, `10..=10000`; shorter runs join a neighbour.
    /// **Default** tuned (`tuned.rs`).
    pub min_label_ms: f64,
    /// Mean overlap posterior above which a foreground run is flagged `overlap`, `0 < x < 1`.
    /// **Default** 0.5.
    pub overlap_threshold: f32,
    /// No-speech posterior above which a frame inside the VAD's speech (a reverberant tail,
    /// padding) is left unlabelled, `0 < x < 1`. **Default** tuned (`tuned.rs`).
    pub silence_threshold: f32,
}

impl Default for AnalyzerConfig {
    fn default() -> Self {
        AnalyzerConfig {
            vad: VadConfig::default(),
            background_threshold: tuned::BACKGROUND_THRESHOLD,
            switch_penalty: tuned::SWITCH_PENALTY,
            min_label_ms: tuned::MIN_LABEL_MS,
            overlap_threshold: 0.5,
            silence_threshold: tuned::SILENCE_THRESHOLD,
        }
    }
}

impl AnalyzerConfig {
    /// Checks every field.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] naming the field and its range.
    pub fn validate(&self) -> Result<()> {
        self.vad.validate()?;
        for (name, v) in [
            ("backgroundThreshold", self.background_threshold),
            ("overlapThreshold", self.overlap_threshold),
            ("silenceThreshold", self.silence_threshold),
        ] {
            if !(v > 0.0 && v < 1.0) {
                return Err(Error::invalid(
                    name,
                    format!("must be a number in (0, 1); got {v}"),
                ));
            }
        }
        if !(self.switch_penalty >= 0.0 && self.switch_penalty <= 100.0) {
            return Err(Error::invalid(
                "switchPenalty",
                format!("must be a number in 0..=100; got {}", self.switch_penalty),
            ));
        }
        if !(self.min_label_ms.is_finite() && (10.0..=10_000.0).contains(&self.min_label_ms)) {
            return Err(Error::invalid(
                "minLabelMs",
                format!(
                    "must be a number of milliseconds in 10..=10000; got {}",
                    self.min_label_ms
                ),
            ));
        }
        Ok(())
    }
}

/// Which talker a segment belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    /// The near talker addressing the device.
    Foreground,
    /// Anyone else: far talkers, TV or radio, another room.
    Background,
}

impl Label {
    /// `"foreground"` or `"background"` (also the RTTM speaker name).
    pub fn name(self) -> &'static str {
        match self {
            Label::Foreground => "foreground",
            Label::Background => "background",
        }
    }
}

/// The figures behind a segment's label, so that a reviewer can see why.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SegmentCues {
    /// Active speech level of the segment: power mean of the 100 ms speech-band
    /// (125-4000 Hz) level over its confident speech frames, dBFS (RMS).
    pub level_db: f32,
    /// `levelDb` minus the foreground anchor's level, dB (negative = quieter than the
    /// foreground talker).
    pub relative_level_db: f32,
    /// Reverberation figure: the median over the segment of the sharpest 20 ms level fall
    /// within +-150 ms, dB. Direct sound stops abruptly (near talkers: typically 15-30 dB);
    /// reverberation caps the fall at the room's decay (far talkers: typically under 10 dB).
    /// Low = reverberant / far.
    pub reverb: f32,
    /// Median modulation depth (standard deviation of the frame level over +-150 ms), dB.
    pub depth_db: f32,
    /// Median level above the noise floor, dB.
    pub snr_db: f32,
    /// Median 4-7 kHz level relative to the speech band, dB (broadcast band limits).
    pub high_band_db: f32,
    /// Mean background posterior of the model over the segment, `0..=1`.
    pub background_score: f32,
}

/// One labelled stretch of speech.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelledSegment {
    /// Start, seconds.
    pub start: f64,
    /// End, seconds (exclusive).
    pub end: f64,
    /// Foreground or background.
    pub label: Label,
    /// Probability that the label is right, `0..=1` (calibrated on the tuning clips).
    pub confidence: f32,
    /// True for a foreground segment under which background speech was detected.
    pub overlap: bool,
    /// The figures behind the label.
    pub cues: SegmentCues,
}

/// The foreground talker's reference level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnchorInfo {
    /// Anchor level, dBFS (95th percentile of confident speech-frame levels); `null` before
    /// any confident speech.
    pub level_db: Option<f32>,
    /// Confident speech frames it rests on.
    pub frames: u64,
}

/// The whole analysis of a clip (the JSON report of the CLI and the JS `analyze`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The crate version.
    pub version: String,
    /// The settings used.
    pub config: AnalyzerConfig,
    /// Input sample rate, Hz.
    pub sample_rate: f64,
    /// Input duration, seconds.
    pub duration: f64,
    /// Seconds per probability frame (0.01).
    pub frame_seconds: f64,
    /// Labelled segments, sorted by start; they lie inside `speech` and do not overlap.
    pub segments: Vec<LabelledSegment>,
    /// The voice activity segments.
    pub speech: Vec<Segment>,
    /// Per frame: probability that foreground speech is present.
    pub foreground_probability: Vec<f32>,
    /// Per frame: probability that background speech is present.
    pub background_probability: Vec<f32>,
    /// The foreground anchor.
    pub anchor: AnchorInfo,
    /// Things a reviewer should know (non-finite samples, no foreground talker found).
    pub warnings: Vec<String>,
}

/// Histogram of confident speech-frame levels; the anchor is its 95th percentile.
#[derive(Debug, Clone)]
pub struct Anchor {
    counts: Vec<u32>,
    /// Per level bin: sums of the anchor cues ([`ANCHOR_CUES`]) of its frames.
    cue_sums: Vec<[f32; ANCHOR_CUES.len()]>,
    total: u64,
}

/// Cues (indices into [`cues::CUE_NAMES`]) whose anchor value each frame is compared
/// with: drop, rise, depth, hf, tilt. The near talker's own values calibrate them to the
/// room and the device (a frame far from them is unlike the foreground talker).
pub const ANCHOR_CUES: [usize; 5] = [2, 3, 4, 5, 6];
/// Frames within this many dB under the anchor level define the anchor's cue values.
const ANCHOR_CUE_RANGE_DB: f32 = 6.0;
/// Frames per chunk when the whole report is recomputed.
const CHUNK_FRAMES: usize = 4096;
/// Half-width of the level context, frames (+-250 ms).
const LEVEL_CONTEXT: usize = 25;

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
        for (sum, &i) in self.cue_sums[bin].iter_mut().zip(&ANCHOR_CUES) {
            *sum += a[i];
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
    fn snapshot(&self) -> AnchorSnapshot {
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

/// Per-frame record kept for relabelling: the speech probability and the cues, quantised
/// (probability in 1/65535 steps, cues in 1/100 dB steps, range +-327 dB).
#[derive(Debug, Clone, Copy, Default)]
struct FrameRecord {
    p: u16,
    cues: [i16; cues::N_CUES],
}

impl FrameRecord {
    fn new(p: f32, c: &FrameCues) -> Self {
        let q = |v: f32| (v * 100.0).round().clamp(-32767.0, 32767.0) as i16;
        let a = c.to_array();
        let mut cues = [0i16; cues::N_CUES];
        for (o, v) in cues.iter_mut().zip(a) {
            *o = q(v);
        }
        FrameRecord {
            p: (p.clamp(0.0, 1.0) * 65535.0).round() as u16,
            cues,
        }
    }

    fn p(&self) -> f32 {
        self.p as f32 / 65535.0
    }

    fn cue(&self, i: usize) -> f32 {
        self.cues[i] as f32 * 0.01
    }
}

/// The anchor as the model sees it.
#[derive(Debug, Clone, Copy)]
struct AnchorSnapshot {
    level: Option<f32>,
    /// `min(1, frames / 300)`.
    strength: f32,
    cues: [f32; ANCHOR_CUES.len()],
}

/// The model's inputs for frames `range` of `frames`: `p_s`; the level relative to the
/// anchor (clipped to -40..+15 dB); the absolute drop, rise and depth; the anchor's
/// strength; the mean relative level and mean `p_s` over +-`LEVEL_CONTEXT` frames; and each
/// [`ANCHOR_CUES`] cue minus the anchor's value. Left out on purpose: the absolute level (it
/// depends on the recording gain), and the absolute floor distance and band balances: they
/// describe the talker's voice and recording as much as the distance, and with them the
/// model learned its few training talkers' colour as "near" (held-out foreground recall
/// 0.79 with them, 0.88 without, at frame level; tools/train_fgbg/README.md).
fn model_inputs(
    frames: &[FrameRecord],
    range: std::ops::Range<usize>,
    anchor: &AnchorSnapshot,
    out: &mut Vec<[f32; N_INPUTS]>,
) {
    let rel = |r: &FrameRecord| {
        anchor
            .level
            .map_or(0.0, |a| (r.cue(0) - a).clamp(-40.0, 15.0))
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
        x[0] = r.p();
        x[1] = rel(r);
        // The absolute modulation cues (drop, rise, depth): room-borne, so they also serve
        // when there is no near talker to compare with.
        x[2] = r.cue(2);
        x[3] = r.cue(3);
        x[4] = r.cue(4);
        x[5] = anchor.strength;
        x[6] = sum_rel / width;
        x[7] = sum_p / width;
        for (k, &i) in ANCHOR_CUES.iter().enumerate() {
            x[8 + k] = r.cue(i) - anchor.cues[k];
        }
        out.push(x);
    }
}

/// Names of the model inputs, for the feature dump and the training script.
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

/// Everything the front end's frames feed (kept apart from the front end so that it can be
/// the [`FrameSink`]).
#[derive(Debug)]
struct State {
    segmenter: Segmenter,
    cues: CueExtractor,
    anchor: Anchor,
    /// Records of frames `base..`: everything not finalised yet, plus `LEVEL_CONTEXT` frames
    /// of left context.
    frames: Vec<FrameRecord>,
    base: usize,
    speech: Vec<Segment>,
    /// VAD segments closed since the last labelling pass.
    closed: usize,
    /// Once the anchor has settled, what lies before `finalised` (frames) and
    /// `speech[..finalised_speech]` is labelled for good and its records are dropped.
    finalised: usize,
    finalised_speech: usize,
    final_segments: Vec<LabelledSegment>,
    final_fg: Vec<f32>,
    final_bg: Vec<f32>,
    /// Keep every record (the training dump needs them all).
    keep_all: bool,
    labeller: Labeller,
}

impl State {
    /// Frames received so far.
    fn total_frames(&self) -> usize {
        self.base + self.frames.len()
    }

    /// Once the anchor has settled: labels for good every closed VAD segment whose right
    /// context exists, stores its frames' probabilities and drops the records no longer
    /// needed (keeping `LEVEL_CONTEXT` frames of left context).
    fn finalise_settled(&mut self) {
        if !self.settled() {
            return;
        }
        let total = self.total_frames();
        let mut j = self.speech.len();
        while j > self.finalised_speech
            && frame_range(&self.speech[j - 1]).1 + LEVEL_CONTEXT > total
        {
            j -= 1;
        }
        if j == self.finalised_speech {
            return;
        }
        let limit = frame_range(&self.speech[j - 1]).1.min(total);
        self.finalise_through(limit, j);
    }

    /// Once the anchor has settled and every closed segment is final: finalises the frames
    /// that no segment can reach any more (a long stretch of silence or noise), so that the
    /// records stay bounded when no segment closes for a long time. Runs every
    /// `GAP_FRAMES` frames at most.
    fn finalise_gap(&mut self) {
        if !self.settled() || self.speech.len() > self.finalised_speech {
            return;
        }
        let limit = self
            .segmenter
            .first_open_frame()
            .saturating_sub(LEVEL_CONTEXT);
        if limit >= self.finalised + GAP_FRAMES {
            self.finalise_through(limit, self.finalised_speech);
        }
    }

    /// Whether finalisation runs: the anchor has settled and records are not all kept.
    fn settled(&self) -> bool {
        !self.keep_all
            && (self.anchor.frames() >= SETTLE_SPEECH_FRAMES
                || self.total_frames() >= SETTLE_FRAMES)
    }

    /// Labels `speech[finalised_speech..j]` for good, stores the probabilities of frames
    /// `finalised..limit` and drops the records no longer needed (keeping `LEVEL_CONTEXT`
    /// frames of left context). Frames `limit..limit + LEVEL_CONTEXT` must be present.
    fn finalise_through(&mut self, limit: usize, j: usize) {
        let st = self;
        if limit <= st.finalised {
            return;
        }
        let anchor = st.anchor.snapshot();
        let mut logits = Vec::with_capacity(limit - st.finalised);
        let mut inputs = Vec::with_capacity(CHUNK_FRAMES);
        let (from, to) = (st.finalised - st.base, limit - st.base);
        for start in (from..to).step_by(CHUNK_FRAMES) {
            inputs.clear();
            model_inputs(
                &st.frames,
                start..(start + CHUNK_FRAMES).min(to),
                &anchor,
                &mut inputs,
            );
            logits.extend(inputs.iter().map(model::logits));
        }
        for s in &st.speech[st.finalised_speech..j] {
            st.labeller.label(
                &st.frames,
                st.base,
                s,
                &anchor,
                Some((&logits, st.finalised)),
                &mut st.final_segments,
            );
        }
        for (z, r) in logits.iter().zip(&st.frames[from..to]) {
            let (f, b) = frame_probabilities(z, r);
            st.final_fg.push(f);
            st.final_bg.push(b);
        }
        st.finalised = limit;
        st.finalised_speech = j;
        let keep_from = limit.saturating_sub(LEVEL_CONTEXT);
        if keep_from > st.base {
            st.frames.drain(..keep_from - st.base);
            st.base = keep_from;
        }
    }
}

/// Confident speech frames (30 s) after which the anchor counts as settled and labels are
/// finalised as segments close, so that the per-frame records stop growing.
const SETTLE_SPEECH_FRAMES: u64 = 3000;
/// Frames (10 min) after which the anchor counts as settled whatever it rests on.
const SETTLE_FRAMES: usize = 60_000;
/// Frames (10 s) of a stretch without speech finalised at once once the anchor has
/// settled: what the records hold at most beyond the open segment.
const GAP_FRAMES: usize = 1000;

/// The frame range `[first, last)` (absolute) of a VAD segment.
fn frame_range(s: &Segment) -> (usize, usize) {
    let first = (s.start / FRAME_SECONDS).round() as usize;
    let last = ((s.end / FRAME_SECONDS).round() as usize).max(first);
    (first, last)
}

impl FrameSink for State {
    fn power_frame(&mut self, power: &[f32]) {
        self.cues.push_frame(power);
    }

    fn features(&mut self, row: &[f32; N_FEATURES]) {
        let p = crate::vad::model::speech_probability(row);
        self.segmenter.push(p, &mut self.speech);
        let c = self.cues.next_cues();
        if p >= 0.5 {
            self.anchor.add(&c);
        }
        self.frames.push(FrameRecord::new(p, &c));
        // Checked frame by frame, so that what is finalised when does not depend on how
        // the input was cut into blocks.
        if self.speech.len() > self.finalised_speech {
            self.finalise_settled();
        } else if self.total_frames() >= self.finalised + GAP_FRAMES + LEVEL_CONTEXT {
            self.finalise_gap();
        }
    }
}

/// Per-frame probabilities from the model's logits and the frame's speech probability.
fn frame_probabilities(z: &[f32; HEADS], r: &FrameRecord) -> (f32, f32) {
    let [zb, zo, zn] = *z;
    let (qb, qo) = (sigmoid(zb), sigmoid(zo));
    // Speech presence: the VAD's probability, less what the model takes for a tail.
    let p = r.p() * (1.0 - sigmoid(zn));
    // Background-only and overlap are exclusive classes of a speech frame.
    (p * (1.0 - qb), (p * qb + qo * r.p()).min(1.0))
}

/// Streaming foreground/background analyser.
#[derive(Debug)]
pub struct Analyzer {
    config: AnalyzerConfig,
    sample_rate_hz: f64,
    front: FrontEnd,
    state: State,
    finished: bool,
}

impl Analyzer {
    /// An analyser for audio at `sample_rate_hz` (whole Hz in `8000..=384000`).
    ///
    /// # Errors
    /// [`Error::UnsupportedSampleRate`], or [`Error::InvalidConfig`] from
    /// [`AnalyzerConfig::validate`].
    pub fn new(sample_rate_hz: f64, config: AnalyzerConfig) -> Result<Self> {
        config.validate()?;
        Ok(Analyzer {
            front: FrontEnd::new(sample_rate_hz)?,
            state: State {
                segmenter: Segmenter::new(&config.vad, FRAME_SECONDS),
                cues: CueExtractor::new(),
                anchor: Anchor::new(),
                frames: Vec::new(),
                base: 0,
                speech: Vec::new(),
                closed: 0,
                finalised: 0,
                finalised_speech: 0,
                final_segments: Vec::new(),
                final_fg: Vec::new(),
                final_bg: Vec::new(),
                keep_all: false,
                labeller: Labeller::new(&config),
            },
            config,
            sample_rate_hz,
            finished: false,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &AnalyzerConfig {
        &self.config
    }

    /// Input duration so far, seconds.
    pub fn duration(&self) -> f64 {
        self.front.samples_received() as f64 / self.sample_rate_hz
    }

    /// Pushes a block of samples (any length; NaN/Inf count as 0). Appends the speech
    /// segments the VAD closed during this block, labelled with the anchor as it stands
    /// (provisional: [`Analyzer::finish`] may relabel them), to `segments`.
    ///
    /// # Errors
    /// [`Error::InvalidState`] after [`Analyzer::finish`].
    pub fn push(&mut self, samples: &[f32], segments: &mut Vec<LabelledSegment>) -> Result<()> {
        if self.finished {
            return Err(Error::InvalidState(
                "push after finish: the stream has ended; make a new one".into(),
            ));
        }
        self.front.push_to(samples, &mut self.state)?;
        self.label_closed(segments);
        Ok(())
    }

    /// Keeps every frame's record (for the training dump, which needs them all); by default
    /// the records of finalised frames are dropped once the anchor has settled.
    pub fn keep_all_frames(&mut self) {
        self.state.keep_all = true;
    }

    /// Pushes samples without labelling the segments closed so far (batch use).
    fn push_unlabelled(&mut self, samples: &[f32]) -> Result<()> {
        if self.finished {
            return Err(Error::InvalidState(
                "push after finish: the stream has ended; make a new one".into(),
            ));
        }
        self.front.push_to(samples, &mut self.state)?;
        self.state.closed = self.state.speech.len();
        Ok(())
    }

    /// Per-frame records held now (bounded once the anchor has settled).
    pub fn frames_held(&self) -> usize {
        self.state.frames.len()
    }

    fn label_closed(&mut self, segments: &mut Vec<LabelledSegment>) {
        let anchor = self.state.anchor.snapshot();
        let st = &mut self.state;
        for (i, s) in st.speech.iter().enumerate().skip(st.closed) {
            if i < st.finalised_speech {
                // Closed and finalised within this block: its labels are final already
                // (and its records may be gone).
                let from = st.final_segments.partition_point(|x| x.start < s.start);
                segments.extend(
                    st.final_segments[from..]
                        .iter()
                        .take_while(|x| x.end <= s.end + 1e-9),
                );
            } else {
                st.labeller
                    .label(&st.frames, st.base, s, &anchor, None, segments);
            }
        }
        self.state.closed = self.state.speech.len();
    }

    /// The report so far, every segment labelled with the current anchor (labels may still
    /// change as evidence about the foreground talker accumulates).
    ///
    /// # Errors
    /// [`Error::InvalidState`] after [`Analyzer::finish`], which handed over the final report
    /// (its arrays are moved out, not copied: they hold 8.6 MB for 3 hours).
    pub fn report(&mut self) -> Result<Report> {
        if self.finished {
            return Err(Error::InvalidState(
                "report after finish: finish() returned the final report".into(),
            ));
        }
        Ok(self.build_report())
    }

    /// Ends the stream and returns the final report.
    ///
    /// # Errors
    /// [`Error::InvalidState`] when called twice.
    pub fn finish(&mut self) -> Result<Report> {
        if self.finished {
            return Err(Error::InvalidState("finish called twice".into()));
        }
        self.finished = true;
        self.front.finish_to(&mut self.state)?;
        let duration = self.duration();
        let total_frames = (duration / FRAME_SECONDS).ceil() as usize;
        self.state
            .segmenter
            .finish(total_frames, &mut self.state.speech);
        if let Some(last) = self.state.speech.last_mut() {
            last.end = last.end.min(duration);
        }
        self.state.closed = self.state.speech.len();
        Ok(self.build_report())
    }

    /// The model inputs of every frame still held, with the current anchor (training dump:
    /// call [`Analyzer::keep_all_frames`] first so that every frame is held).
    pub fn model_inputs(&self) -> Vec<[f32; N_INPUTS]> {
        let mut out = Vec::with_capacity(self.state.frames.len());
        model_inputs(
            &self.state.frames,
            0..self.state.frames.len(),
            &self.state.anchor.snapshot(),
            &mut out,
        );
        out
    }

    /// The VAD segments so far.
    pub fn speech(&self) -> &[Segment] {
        &self.state.speech
    }

    fn build_report(&mut self) -> Report {
        let anchor = self.state.anchor.snapshot();
        let st = &mut self.state;
        let frames = &st.frames;
        // Finalised frames come as they are; the rest is labelled with the current anchor.
        let from = st.finalised - st.base;
        let n = frames.len();
        // Logits of the frames not finalised (12 bytes per frame, freed before returning).
        let mut logits: Vec<[f32; HEADS]> = Vec::with_capacity(n - from);
        // In chunks, so that the inputs' scratch stays small.
        let mut inputs = Vec::with_capacity(CHUNK_FRAMES);
        for start in (from..n).step_by(CHUNK_FRAMES) {
            inputs.clear();
            model_inputs(
                frames,
                start..(start + CHUNK_FRAMES).min(n),
                &anchor,
                &mut inputs,
            );
            logits.extend(inputs.iter().map(model::logits));
        }
        let mut segments = if self.finished {
            std::mem::take(&mut st.final_segments)
        } else {
            st.final_segments.clone()
        };
        for s in &st.speech[st.finalised_speech..] {
            st.labeller.label(
                frames,
                st.base,
                s,
                &anchor,
                Some((&logits, st.finalised)),
                &mut segments,
            );
        }
        let total = st.finalised + logits.len();
        // After finish the finalised arrays move into the report (no second copy).
        let (mut fg, mut bg) = if self.finished {
            (
                std::mem::take(&mut st.final_fg),
                std::mem::take(&mut st.final_bg),
            )
        } else {
            (st.final_fg.clone(), st.final_bg.clone())
        };
        fg.reserve_exact(total - fg.len());
        bg.reserve_exact(total - bg.len());
        for (z, r) in logits.iter().zip(&frames[from..]) {
            let (f, b) = frame_probabilities(z, r);
            fg.push(f);
            bg.push(b);
        }
        drop(logits);
        let mut warnings = Vec::new();
        warnings.extend(crate::audio::non_finite_warning(
            self.front.non_finite_samples(),
        ));
        if !self.state.speech.is_empty() && self.state.anchor.frames() < Anchor::MIN_FRAMES {
            warnings.push(format!(
                "weak foreground anchor: only {} confident speech frames; labels are uncertain",
                self.state.anchor.frames()
            ));
        }
        Report {
            schema_version: SCHEMA_VERSION,
            version: crate::VERSION.to_string(),
            config: self.config.clone(),
            sample_rate: self.sample_rate_hz,
            duration: self.duration(),
            frame_seconds: FRAME_SECONDS,
            segments,
            speech: self.state.speech.clone(),
            foreground_probability: fg,
            background_probability: bg,
            anchor: AnchorInfo {
                level_db: anchor.level,
                frames: self.state.anchor.frames(),
            },
            warnings,
        }
    }
}

/// Turns a VAD segment's frames into labelled runs: Viterbi over three states
/// (foreground, background, no speech: reverberant tails and padding the VAD includes).
#[derive(Debug, Clone)]
struct Labeller {
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
    back: Vec<[u8; 3]>,
    states: Vec<u8>,
    runs: Vec<(usize, usize)>,
    scratch: Vec<f32>,
}

// States: 0 foreground, 1 background, 2 no speech.
const BACKGROUND_STATE: u8 = 1;
const NO_SPEECH_STATE: u8 = 2;

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
    fn new(config: &AnalyzerConfig) -> Self {
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
    fn label(
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
            if s == NO_SPEECH_STATE {
                i = j;
                continue;
            }
            let label = if s == BACKGROUND_STATE {
                Label::Background
            } else {
                Label::Foreground
            };
            let mean_qb = self.z[i..j].iter().map(|z| sigmoid(z[0])).sum::<f32>() / (j - i) as f32;
            let raw = if s == BACKGROUND_STATE {
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
            sum += 10f64.powf(r.cue(0) as f64 / 10.0);
            count += 1;
        }
        let level_db = (10.0 * (sum / count as f64).log10()) as f32;
        let mut median = |i: usize| {
            self.scratch.clear();
            self.scratch.extend(span.iter().map(|r| r.cue(i)));
            let mid = self.scratch.len() / 2;
            *self
                .scratch
                .select_nth_unstable_by(mid, |a, b| a.total_cmp(b))
                .1
        };
        SegmentCues {
            level_db,
            relative_level_db: anchor.map_or(0.0, |a| level_db - a),
            reverb: median(2),
            depth_db: median(4),
            snr_db: median(1),
            high_band_db: median(5),
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
        self.back.resize(n, [0; 3]);
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
                self.back[t][s] = best.1 as u8;
            }
            score = next;
        }
        self.states.clear();
        self.states.resize(n, 0);
        let mut s = (0..3)
            .max_by(|&a, &b| score[a].total_cmp(&score[b]))
            .unwrap_or(0) as u8;
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

/// Analyses a whole signal (a thin loop over [`Analyzer`]).
///
/// # Errors
/// As [`Analyzer::new`]; [`Error::InputTooShort`] for an empty signal.
pub fn analyze(samples: &[f32], sample_rate_hz: f64, config: &AnalyzerConfig) -> Result<Report> {
    if samples.is_empty() {
        return Err(Error::InputTooShort {
            reason: "no samples".into(),
        });
    }
    let mut analyzer = Analyzer::new(sample_rate_hz, config.clone())?;
    for block in samples.chunks(sample_rate_hz as usize) {
        analyzer.push_unlabelled(block)?;
    }
    analyzer.finish()
}
