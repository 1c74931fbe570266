//! Spectrograms: magnitude, power, mel, log/dB and MFCC, streaming and batch.
//!
//! The pipeline per frame is `samples -> STFT (stft.rs) -> |X|^power -> mel bank (mel.rs)
//! -> log -> DCT`, each stage optional. Output is a frames x bins row-major `f32` matrix.
//!
//! # Presets
//! - [`Preset::Librosa`]: exactly `librosa.feature.melspectrogram(y, sr, n_fft=512,
//!   hop_length=160, n_mels=64, power=2.0, center=True, pad_mode='constant', htk=False,
//!   norm='slaney')` (periodic Hann, `win_length = n_fft`, `fmin = 0`, `fmax = sr / 2`).
//!   With `db` it adds `librosa.power_to_db(S, ref=1.0, amin=1e-10, top_db=80.0)`.
//! - [`Preset::Kaldi`]: Kaldi `compute-fbank-feats` as kaldi-native-fbank computes it with
//!   `dither=0`: 25 ms frames every 10 ms, `snip_edges` (no padding, frames start at
//!   `i * hop`), int16 sample scale (x32768), per-frame DC removal, pre-emphasis 0.97, Povey
//!   window, FFT length rounded up to a power of two (512 at 16 kHz), power spectrum, 80
//!   Kaldi-mel triangles from 20 Hz to Nyquist without area norm, natural log floored at
//!   `f32::EPSILON`.
//! - [`Preset::Torchaudio`]: `torchaudio.transforms.MelSpectrogram(sample_rate=sr,
//!   n_fft=400, hop_length=160, n_mels=80, pad_mode="reflect", mel_scale="htk", norm=None)`,
//!   i.e. 25 ms periodic Hann frames centred with reflect padding, HTK mel, power 2.
//!
//! # Log scales
//! `db` follows librosa: `10 log10(max(amin, S)) - 10 log10(max(amin, ref))` for power
//! (`power = 2`), and `amplitude_to_db` (`20 log10` with `amin`, `ref` applied to magnitudes)
//! for magnitudes (`power = 1`). `top_db` floors every value at `max - top_db` where `max` is
//! the maximum over the *whole* output; a stream cannot know that maximum before its end, so
//! [`SpectrogramStream`] leaves values unfloored and [`spectrogram`] applies the floor once at
//! the end ([`apply_top_db`]). MFCCs are the orthonormal DCT-II of the dB mel bands
//! (`librosa.feature.mfcc`, `dct_type=2`, `norm="ortho"`), taken after the floor in batch.
//!
//! The configuration and presets are in `config`, the per-frame engine ([`SpectrogramStream`])
//! in `stream`, the whole-signal result ([`spectrogram`]) in `batch`.
//!
//! [`apply_top_db`]: stream::apply_top_db

mod batch;
mod config;
mod stream;

pub use batch::{spectrogram, Spectrogram};
pub use config::{
    validate_sample_rate, LogScale, Output, Precision, Preset, SpectrogramConfig,
    LIBROSA_AMPLITUDE_DB, LIBROSA_POWER_DB, MAX_SAMPLE_RATE_HZ, MIN_SAMPLE_RATE_HZ,
};
pub use stream::SpectrogramStream;
