//! File formats for exchanging results: speech segments as text (NIST RTTM and UEM, Audacity
//! labels, WebVTT cues, Praat TextGrid) and float arrays as NumPy `.npy`, so that Python
//! users can `numpy.load` what the CLI writes. Reading RTTM and UEM references is in
//! [`crate::eval`].

pub use crate::npy::{
    header_f32 as npy_header_f32, read as read_npy, write_f32 as write_npy_f32, NpyArray,
};
pub use crate::segment::{
    rttm_file_id, sanitize_file_id, to_audacity, to_rttm, to_textgrid, to_textgrid_tiers, to_uem,
    to_webvtt, NamedSegment,
};

/// The sources of the model weights and tuned thresholds: [`model_version`] is their hash, so
/// that it changes whenever the weights or the tuned defaults do (and with no list to keep in
/// step by hand).
const MODEL_SOURCES: [&[u8]; 4] = [
    include_bytes!("model/weights.i8"),
    include_str!("model/weights.rs").as_bytes(),
    include_str!("vad/config.rs").as_bytes(),
    include_str!("fgbg/tuned.rs").as_bytes(),
];

/// 64-bit FNV-1a over the model sources.
const MODEL_HASH: u64 = {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut s = 0;
    while s < MODEL_SOURCES.len() {
        let bytes = MODEL_SOURCES[s];
        let mut i = 0;
        while i < bytes.len() {
            hash ^= bytes[i] as u64;
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
            i += 1;
        }
        s += 1;
    }
    hash
};

/// Names the weights that made a result (`fnv1a64-<hex>`): the `modelVersion` of the CLI's
/// JSONL lines and the `model_version` of Label Studio predictions (CLI and page alike).
pub fn model_version() -> String {
    format!("fnv1a64-{MODEL_HASH:016x}")
}
