//! Hooks for the training tools (`tools/train/`, `tools/train_fgbg/`), the benchmarks and the
//! fuzz targets; built with the cargo feature `dev` (off by default). Not a stable API: these
//! follow the models.
//!
//! [`TemporalModel`] is the streaming forward pass of the temporal model of `tools/train/`
//! (mel power frames -> speech, background and overlap logits), checked against PyTorch; the
//! speech chain runs it.
//!
//! Besides the items below, `dev` adds [`Analyzer::keep_all_frames`] and
//! [`Analyzer::model_inputs`] (the foreground/background model's inputs of every frame).
//!
//! [`Analyzer::keep_all_frames`]: crate::Analyzer::keep_all_frames
//! [`Analyzer::model_inputs`]: crate::Analyzer::model_inputs

pub use crate::fgbg::cues::CUE_NAMES as FGBG_CUE_NAMES;
pub use crate::fgbg::{model::N_INPUTS as FGBG_N_INPUTS, INPUT_NAMES as FGBG_INPUT_NAMES};
pub use crate::model::{
    InputNormaliser as TemporalInputs, TemporalModel,
    LOOKAHEAD_FRAMES as TEMPORAL_LOOKAHEAD_FRAMES, MODEL_VERSION as TEMPORAL_MODEL_VERSION,
    N_INPUTS as TEMPORAL_N_INPUTS, N_OUTPUTS as TEMPORAL_N_OUTPUTS,
};
pub use crate::vad::segmenter::Segmenter;
pub use crate::vad::N_MELS as VAD_N_MELS;
pub use crate::vad::{front_end_config, validate_vad_rate, FrontEnd};
