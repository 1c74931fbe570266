//! # bystander
//!
//! Client-side speech analysis for review pages: spectrograms that match librosa and Kaldi
//! numerically, voice activity ([`VoiceActivityDetector`], [`detect_speech`]) and
//! foreground/background speech labels ([`Analyzer`], [`analyze`]), computed by streaming
//! engines that run natively and in WebAssembly.
//!
//! ## Vocabulary
//! - **sample**: one mono `f32` value in `[-1, 1]` at the input sample rate;
//! - **block**: what a caller pushes at once (128 samples from an AudioWorklet, megabytes
//!   from a file);
//! - **frame**: one analysis window (`win_length` samples every `hop_length`);
//! - **bin**: one FFT frequency (`n_fft / 2 + 1` per frame); **band**: one mel filter;
//! - **segment**: a time interval `[start, end)` in seconds.
//!
//! Data flows one way: samples -> frames ([`Stft`]) -> features
//! ([`SpectrogramStream`], [`MelFilterbank`]) -> images ([`ImageStream`]); and frames ->
//! speech probabilities -> segments ([`VoiceActivityDetector`]) -> cues ->
//! foreground/background decisions -> labelled segments ([`Analyzer`]). Streaming types take
//! blocks with `push` and end with `finish`; the batch functions
//! ([`spectrogram`](fn@spectrogram), [`detect_speech`], [`analyze`]) are thin loops over
//! them. Audio files are decoded by [`AudioReader`] (or [`read_mono`]) and resampled by
//! [`Resampler`]; every fallible call returns the one [`Error`] type.
//!
//! ```
//! use bystander::{spectrogram, SpectrogramConfig};
//! let samples: Vec<f32> = (0..16000).map(|n| (n as f32 * 0.1).sin()).collect();
//! let s = spectrogram(&samples, &SpectrogramConfig::default()).unwrap();
//! assert_eq!((s.frames, s.bins), (101, 64));
//! ```
//!
//! ## Modules and features
//! The types above live at the crate root. The modules hold what only some users need:
//! [`options`] (loosely typed option maps, as the JS bindings and the CLI take them, turned
//! into the configurations), [`eval`] (frame-level scoring against reference RTTMs) and
//! [`formats`] (RTTM, WebVTT, Audacity and TextGrid writers; `.npy` arrays).
//!
//! Cargo features: `cli` (default) builds the `bystander` command-line tool and its own
//! dependencies (a library user can leave it out with `default-features = false`); `dev`
//! adds the training tools' hooks (the `dev` module) and the CLI's hidden training
//! subcommands; `simd` turns on rustfft's wasm SIMD butterflies; `decode` (default) adds the
//! file decoders ([`AudioReader`], [`read_mono`]); `js-analysis` (default) holds the wasm
//! bindings of the analyses, left out of the npm package's separate decoder module.
#![warn(missing_docs)]

mod audio;
mod colormap_data;
#[cfg(feature = "decode")]
mod decode;
mod error;
mod fastmath;
mod fgbg;
mod image;
mod mel;
mod model;
mod names;
mod nn;
mod npy;
mod resample;
mod segment;
mod spectrogram;
mod stft;
mod vad;
mod window;

#[cfg(feature = "dev")]
pub mod dev;
pub mod eval;
pub mod formats;
pub mod options;

// The JavaScript bindings (wasm32 only): public for tests/wasm.rs, not a Rust API (the
// package's JS API is documented in its TypeScript typings).
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod wasm;

#[cfg(feature = "decode")]
pub use decode::{read_mono, AudioReader, EncodedPacket, PacketReader};
pub use error::{Error, Result};
pub use fgbg::{
    analyze, Analyzer, AnalyzerConfig, AnchorInfo, Label, LabelledSegment, Report, SegmentCues,
    SCHEMA_VERSION as REPORT_SCHEMA_VERSION,
};
pub use image::{
    render_spectrogram, render_tile, Colormap, FrequencyScale, ImageConfig, ImageStream, RgbaImage,
    Tile, MAX_TILE_FRAMES,
};
pub use mel::{MelFilterbank, MelNorm, MelScale};
pub use resample::{resample, Resampler};
pub use segment::Segment;
pub use spectrogram::{
    spectrogram, LogScale, Output, Preset, Spectrogram, SpectrogramConfig, SpectrogramStream,
    LIBROSA_AMPLITUDE_DB, LIBROSA_POWER_DB,
};
pub use stft::{PadMode, Stft, StftConfig};
pub use vad::{
    detect_speech, VadConfig, VoiceActivity, VoiceActivityDetector,
    FRAME_SECONDS as VAD_FRAME_SECONDS,
};
pub use window::WindowKind;

/// The crate version (`CARGO_PKG_VERSION`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
