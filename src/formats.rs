//! File formats for exchanging results: speech segments as text (NIST RTTM, Audacity labels,
//! WebVTT cues, Praat TextGrid) and float arrays as NumPy `.npy`, so that Python users can
//! `numpy.load` what the CLI writes. Reading RTTM and UEM references is in [`crate::eval`].

pub use crate::npy::{read as read_npy, write_f32 as write_npy_f32, NpyArray};
pub use crate::segment::{to_audacity, to_rttm, to_textgrid, to_webvtt, NamedSegment};
