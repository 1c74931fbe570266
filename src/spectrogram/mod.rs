//! Spectrograms: magnitude, power, mel, log/dB and MFCC, streaming and batch.
//!
//! The pipeline per frame is `samples -> STFT (stft.rs) -> |X|^power -> mel bank (mel.rs)
//! -> log -> DCT`, each stage optional. Output is a frames x bins row-major `f32` matrix.
//!
//! The presets' exact definitions are documented on [`Preset`], the log scales on
//! [`LogScale`].
//!
//! The configuration and presets are in `config`, the per-frame engine ([`SpectrogramStream`])
//! in `stream`, the whole-signal result ([`spectrogram`]) in `batch`.

mod batch;
mod config;
mod stream;

pub use batch::{spectrogram, Spectrogram};
pub use config::{
    validate_sample_rate, LogScale, Output, Preset, SpectrogramConfig, LIBROSA_AMPLITUDE_DB,
    LIBROSA_POWER_DB, MAX_SAMPLE_RATE_HZ, MIN_SAMPLE_RATE_HZ,
};
pub use stream::SpectrogramStream;
