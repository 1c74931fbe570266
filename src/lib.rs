//! # bystander
//!
//! Client-side speech analysis for review pages: spectrograms that match librosa and Kaldi
//! numerically, voice activity ([`vad`]) and foreground/background speech labels
//! ([`fgbg`]), computed by streaming engines that run natively and in WebAssembly.
//!
//! ## Vocabulary
//! - **sample**: one mono `f32` value in `[-1, 1]` at the input sample rate;
//! - **block**: what a caller pushes at once (128 samples from an AudioWorklet, megabytes
//!   from a file);
//! - **frame**: one analysis window (`win_length` samples every `hop_length`);
//! - **bin**: one FFT frequency (`n_fft / 2 + 1` per frame); **band**: one mel filter;
//! - **segment**: a time interval `[start, end)` in seconds.
//!
//! Data flows one way: samples -> frames ([`stft`]) -> features ([`spectrogram`], [`mel`])
//! -> images ([`image`]); and frames -> speech probabilities -> segments ([`vad`]) -> cues
//! -> foreground/background decisions -> labelled segments ([`fgbg`]). Streaming types take blocks with `push` and end with `finish`; the
//! batch functions are thin loops over them.
//!
//! ```
//! use bystander::{spectrogram, SpectrogramConfig};
//! let samples: Vec<f32> = (0..16000).map(|n| (n as f32 * 0.1).sin()).collect();
//! let s = spectrogram(&samples, &SpectrogramConfig::default()).unwrap();
//! assert_eq!((s.frames, s.bins), (101, 64));
//! ```
#![warn(missing_docs)]

pub mod audio;
mod colormap_data;
pub mod error;
pub mod eval;
pub mod fastmath;
pub mod fgbg;
pub mod image;
pub mod mel;
mod names;
mod nn;
pub mod npy;
pub mod options;
pub mod resample;
pub mod segment;
pub mod spectrogram;
pub mod stft;
pub mod vad;
pub mod window;

pub mod decode;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use error::{Error, Result};
pub use image::{Colormap, FrequencyScale, ImageConfig, ImageStream, RgbaImage};
pub use mel::{MelFilterbank, MelNorm, MelScale};
pub use spectrogram::{
    spectrogram, LogScale, Output, Precision, Preset, Spectrogram, SpectrogramConfig,
    SpectrogramStream,
};
pub use stft::{PadMode, Stft, StftConfig};
pub use window::WindowKind;

/// The crate version (`CARGO_PKG_VERSION`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
