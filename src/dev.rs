//! Hooks for the training tools (`tools/train_vad/`, `tools/train_fgbg/`), the benchmarks and
//! the fuzz targets; built with the cargo feature `dev` (off by default). Not a stable API:
//! these follow the models.
//!
//! Besides the items below, `dev` adds [`Analyzer::keep_all_frames`] and
//! [`Analyzer::model_inputs`] (the foreground/background model's inputs of every frame).
//!
//! [`Analyzer::keep_all_frames`]: crate::Analyzer::keep_all_frames
//! [`Analyzer::model_inputs`]: crate::Analyzer::model_inputs

pub use crate::fgbg::cues::CUE_NAMES as FGBG_CUE_NAMES;
pub use crate::fgbg::{model::N_INPUTS as FGBG_N_INPUTS, INPUT_NAMES as FGBG_INPUT_NAMES};
pub use crate::vad::features::{N_FEATURES as VAD_N_FEATURES, N_MELS as VAD_N_MELS};
pub use crate::vad::segmenter::Segmenter;
pub use crate::vad::{front_end_config, validate_vad_rate, FrontEnd};
