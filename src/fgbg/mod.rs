//! Background-speech detection: every speech segment labelled `foreground` (the near talker
//! addressing the device) or `background` (far talkers, TV, another room), with a
//! calibrated confidence and the cues behind the decision.
//!
//! Pipeline (one pass, streaming, on the VAD's own frames: no second FFT):
//!
//! 1. The VAD chain ([`crate::vad::SpeechChain`], the detector's own) gives each 10 ms
//!    frame's linear power and speech probability `p_s`, and the speech segments.
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
//!
//! Files: `config.rs` (the settings), `report.rs` (what is reported), [`cues`], `anchor.rs`,
//! `inputs.rs` (the model's inputs), [`model`], `labeller.rs` (Viterbi, run merging,
//! calibration) and `analyzer.rs` (the streaming [`Analyzer`] and [`analyze`]).
//!
//! [`Anchor`]: anchor::Anchor

mod analyzer;
mod anchor;
mod config;
pub mod cues;
mod inputs;
mod labeller;
pub mod model;
mod report;
mod tuned;
mod weights;

pub use analyzer::{analyze, Analyzer};
pub use config::AnalyzerConfig;
#[cfg(feature = "dev")]
pub use inputs::INPUT_NAMES;
pub use report::{AnchorInfo, Label, LabelledSegment, Report, SegmentCues, SCHEMA_VERSION};
