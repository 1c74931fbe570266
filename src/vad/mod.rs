//! Voice activity detection: where anyone speaks, however quietly, and nowhere else.
//!
//! Pipeline (one pass, streaming): samples at any rate -> resampler (16 kHz) -> DC blocker
//! -> the librosa preset's 64-band mel power frames (10 ms hop; the same spectrogram
//! engine, no second FFT) -> their levels in dB -> the temporal model ([`crate::model`])
//! giving a per-frame speech probability -> hysteresis segmenter ([`segmenter`]). See each
//! module for the method and its references.
//!
//! Files: `config.rs` (the settings), `dc_blocker.rs` and `front_end.rs` (samples to power
//! and mel frames), [`segmenter`], `chain.rs` (the whole chain, shared with the
//! foreground/background analyser) and `detector.rs` (the streaming detector and
//! [`detect_speech`]).

mod chain;
mod config;
mod dc_blocker;
mod detector;
mod front_end;
pub mod segmenter;

pub use chain::{SpeechChain, SpeechSink};
pub use config::VadConfig;
pub use detector::{detect_speech, VoiceActivity, VoiceActivityDetector};
#[cfg(test)]
pub(crate) use front_end::FrameSink;
#[cfg(any(test, feature = "dev"))]
pub use front_end::FrontEnd;
pub use front_end::N_BINS;
pub(crate) use front_end::{band_level_db, band_power};
#[cfg(feature = "dev")]
pub use front_end::{front_end_config, validate_vad_rate, N_MELS};

/// The analysis sample rate, Hz. Inputs at other rates are resampled to it.
pub const ANALYSIS_RATE_HZ: u32 = 16_000;
/// Duration of one probability frame, seconds (the 160-sample hop at 16 kHz).
pub const FRAME_SECONDS: f64 = 0.01;
