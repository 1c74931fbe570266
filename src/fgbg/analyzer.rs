//! The streaming analyser ([`Analyzer`]) and its whole-signal wrapper ([`analyze`]): the
//! VAD's [`SpeechChain`] with, per frame, the cues, the anchor and a compact record for
//! relabelling; provisional labels as segments close, a report relabelled with the current
//! anchor on demand, and, once the anchor has settled, segments labelled for good and their
//! records dropped so that memory grows only with the report.

use super::anchor::{Anchor, AnchorSnapshot};
use super::cues::CueExtractor;
use super::inputs::{model_inputs, FrameRecord, LEVEL_CONTEXT};
use super::labeller::{frame_range, Labeller};
use super::model::{self, HEADS};
use super::{AnalyzerConfig, AnchorInfo, LabelledSegment, Report, SCHEMA_VERSION};
use crate::error::{Error, Result};
use crate::segment::Segment;
use crate::vad::segmenter::Segmenter;
use crate::vad::{SpeechChain, SpeechSink, FRAME_SECONDS};

/// Frames per chunk when the whole report is recomputed.
const CHUNK_FRAMES: usize = 4096;

/// The model's logits for frames `range` of `frames`, computed in chunks of `CHUNK_FRAMES`
/// so that the inputs' scratch stays small.
fn chunked_logits(
    frames: &[FrameRecord],
    range: std::ops::Range<usize>,
    anchor: &AnchorSnapshot,
) -> Vec<[f32; HEADS]> {
    let mut logits = Vec::with_capacity(range.len());
    let mut inputs = Vec::with_capacity(CHUNK_FRAMES);
    for start in range.clone().step_by(CHUNK_FRAMES) {
        inputs.clear();
        model_inputs(
            frames,
            start..(start + CHUNK_FRAMES).min(range.end),
            anchor,
            &mut inputs,
        );
        logits.extend(inputs.iter().map(model::logits));
    }
    logits
}

/// Everything the VAD chain's frames feed (kept apart from the chain so that it can be
/// the [`SpeechSink`]).
#[derive(Debug)]
struct State {
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
    fn finalise_gap(&mut self, segmenter: &Segmenter) {
        if !self.settled() || self.speech.len() > self.finalised_speech {
            return;
        }
        let limit = segmenter.first_open_frame().saturating_sub(LEVEL_CONTEXT);
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
        let (from, to) = (st.finalised - st.base, limit - st.base);
        let logits = chunked_logits(&st.frames, from..to, &anchor);
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
            let (f, b) = model::presence(z, r.p());
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

impl SpeechSink for State {
    fn segments(&mut self) -> &mut Vec<Segment> {
        &mut self.speech
    }

    fn power_frame(&mut self, power: &[f32]) {
        self.cues.push_frame(power);
    }

    fn speech_frame(&mut self, p: f32, segmenter: &Segmenter) {
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
            self.finalise_gap(segmenter);
        }
    }
}

/// Streaming foreground/background analyser.
#[derive(Debug)]
pub struct Analyzer {
    config: AnalyzerConfig,
    sample_rate_hz: f64,
    chain: SpeechChain,
    state: State,
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
            chain: SpeechChain::new(sample_rate_hz, &config.vad)?,
            state: State {
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
        })
    }

    /// The configuration.
    pub fn config(&self) -> &AnalyzerConfig {
        &self.config
    }

    /// Input duration so far, seconds.
    pub fn duration(&self) -> f64 {
        self.chain.duration()
    }

    /// Pushes a block of samples (any length; NaN/Inf count as 0). Appends the speech
    /// segments the VAD closed during this block, labelled with the anchor as it stands
    /// (provisional: [`Analyzer::finish`] may relabel them), to `segments`.
    ///
    /// # Errors
    /// [`Error::InvalidState`] after [`Analyzer::finish`].
    pub fn push(&mut self, samples: &[f32], segments: &mut Vec<LabelledSegment>) -> Result<()> {
        self.chain.push(samples, &mut self.state)?;
        self.label_closed(segments);
        Ok(())
    }

    /// Keeps every frame's record (for the training dump, which needs them all); by default
    /// the records of finalised frames are dropped once the anchor has settled. With the
    /// cargo feature `dev`.
    #[cfg(feature = "dev")]
    pub fn keep_all_frames(&mut self) {
        self.state.keep_all = true;
    }

    /// Pushes samples without labelling the segments closed so far (batch use).
    fn push_unlabelled(&mut self, samples: &[f32]) -> Result<()> {
        self.chain.push(samples, &mut self.state)?;
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
        if self.chain.is_finished() {
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
        self.chain.finish(&mut self.state)?;
        self.state.closed = self.state.speech.len();
        Ok(self.build_report())
    }

    /// The model inputs of every frame still held, with the current anchor (training dump:
    /// call [`Analyzer::keep_all_frames`] first so that every frame is held). With the cargo
    /// feature `dev`.
    #[cfg(feature = "dev")]
    pub fn model_inputs(&self) -> Vec<[f32; model::N_INPUTS]> {
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
        let logits = chunked_logits(frames, from..n, &anchor);
        let mut segments = if self.chain.is_finished() {
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
        let (mut fg, mut bg) = if self.chain.is_finished() {
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
            let (f, b) = model::presence(z, r.p());
            fg.push(f);
            bg.push(b);
        }
        drop(logits);
        let mut warnings = Vec::new();
        warnings.extend(crate::audio::non_finite_warning(
            self.chain.non_finite_samples(),
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
