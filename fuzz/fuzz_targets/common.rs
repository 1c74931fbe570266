//! Structured inputs shared by the streaming targets: sample rates, loosely typed option
//! maps (as they arrive from JS objects or CLI flags), block sizes and samples.
#![allow(dead_code)]

use arbitrary::Arbitrary;
use bystander::options::{OptionMap, OptionValue};
use std::sync::OnceLock;

/// An error from the decoder or the packet reader: a message, and only the kinds a bad file
/// can cause.
pub fn check_decode_error(e: &bystander::Error) {
    assert!(!e.to_string().is_empty());
    assert!(
        matches!(e, bystander::Error::Decode(_) | bystander::Error::Io(_)),
        "unexpected error kind from the decoder: {e:?}"
    );
}

/// `BYSTANDER_FUZZ_DEBUG=1` prints each parsed input (to check seeds and reproduce crashes).
pub fn debug() -> bool {
    static DEBUG: OnceLock<bool> = OnceLock::new();
    *DEBUG.get_or_init(|| std::env::var_os("BYSTANDER_FUZZ_DEBUG").is_some())
}

/// A sample rate: mostly the interesting fixed values, sometimes anything.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Rate {
    Zero,
    Negative(u32),
    NaN,
    Inf,
    NegInf,
    One,
    R999,
    R1000,
    R7999,
    R8000,
    R11025,
    R16000,
    R22050,
    R44100,
    R48000,
    R96000,
    R192000,
    R192001,
    R384000,
    R768000,
    R768001,
    /// A whole number of Hz in 7990..400000, around and across the analyser's range
    /// (odd ratios stress the resampler).
    Whole(u32),
    /// A fractional rate near a valid one.
    Fraction(u16, u16),
    Any(f64),
}

impl Rate {
    pub fn hz(self) -> f64 {
        match self {
            Rate::Zero => 0.0,
            Rate::Negative(x) => -(x as f64) - 1.0,
            Rate::NaN => f64::NAN,
            Rate::Inf => f64::INFINITY,
            Rate::NegInf => f64::NEG_INFINITY,
            Rate::One => 1.0,
            Rate::R999 => 999.0,
            Rate::R1000 => 1000.0,
            Rate::R7999 => 7999.0,
            Rate::R8000 => 8000.0,
            Rate::R11025 => 11025.0,
            Rate::R16000 => 16000.0,
            Rate::R22050 => 22050.0,
            Rate::R44100 => 44100.0,
            Rate::R48000 => 48000.0,
            Rate::R96000 => 96000.0,
            Rate::R192000 => 192000.0,
            Rate::R192001 => 192001.0,
            Rate::R384000 => 384000.0,
            Rate::R768000 => 768000.0,
            Rate::R768001 => 768001.0,
            Rate::Whole(x) => 7990.0 + (x % 392_010) as f64,
            Rate::Fraction(a, b) => 8000.0 + a as f64 + b as f64 / 65536.0,
            Rate::Any(x) => x,
        }
    }
}

/// An option name: one the configuration knows, or anything.
#[derive(Arbitrary, Debug, Clone)]
pub enum Name {
    Known(u8),
    Other(String),
}

impl Name {
    pub fn resolve(&self, known: &[&str]) -> String {
        match self {
            Name::Known(i) => known[*i as usize % known.len()].to_string(),
            Name::Other(s) => s.clone(),
        }
    }
}

/// A number, biased towards the ranges the options accept and their edges.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Num {
    Any(f64),
    NaN,
    Inf,
    NegInf,
    Zero,
    NegZero,
    One,
    /// `x / 65535`, in `[0, 1]`.
    Unit(u16),
    /// A whole number `0..=65535` (milliseconds, sizes).
    Whole(u16),
    /// A power of two `2^(x % 20)` (FFT sizes), optionally plus one.
    Pow2(u8, bool),
    /// `-(x + 1)`.
    Negative(u16),
    /// Whole plus a fraction.
    Frac(u16, u8),
}

impl Num {
    pub fn value(self) -> f64 {
        match self {
            Num::Any(x) => x,
            Num::NaN => f64::NAN,
            Num::Inf => f64::INFINITY,
            Num::NegInf => f64::NEG_INFINITY,
            Num::Zero => 0.0,
            Num::NegZero => -0.0,
            Num::One => 1.0,
            Num::Unit(x) => x as f64 / 65535.0,
            Num::Whole(x) => x as f64,
            Num::Pow2(e, plus_one) => (1u64 << (e % 20)) as f64 + if plus_one { 1.0 } else { 0.0 },
            Num::Negative(x) => -(x as f64) - 1.0,
            Num::Frac(x, f) => x as f64 + f as f64 / 256.0,
        }
    }
}

/// An option value as a JS caller could pass it.
#[derive(Arbitrary, Debug, Clone)]
pub enum Value {
    Null,
    Bool(bool),
    Number(Num),
    /// One of the words the string options accept.
    Word(u8),
    Str(String),
}

/// Every word a string option accepts (and a few near misses).
pub const WORDS: &[&str] = &[
    "librosa",
    "kaldi",
    "torchaudio",
    "hann",
    "hanning",
    "hamming",
    "blackman",
    "povey",
    "rectangular",
    "constant",
    "zeros",
    "reflect",
    "linear",
    "stft",
    "mel",
    "mfcc",
    "slaney",
    "htk",
    "double",
    "single",
    "",
    "Hann",
    "none",
];

impl Value {
    pub fn option_value(&self) -> OptionValue {
        match self {
            Value::Null => OptionValue::Null,
            Value::Bool(b) => OptionValue::Bool(*b),
            Value::Number(n) => OptionValue::Number(n.value()),
            Value::Word(i) => OptionValue::Str(WORDS[*i as usize % WORDS.len()].to_string()),
            Value::Str(s) => OptionValue::Str(s.clone()),
        }
    }
}

/// At most `max` options, names resolved against `known`.
pub fn option_map(pairs: &[(Name, Value)], known: &[&str], max: usize) -> OptionMap {
    pairs
        .iter()
        .take(max)
        .map(|(n, v)| (n.resolve(known), v.option_value()))
        .collect()
}

/// A block length.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Len {
    Zero,
    One,
    /// An AudioWorklet quantum.
    Quantum,
    Small(u8),
    Medium(u16),
    /// Up to 256 Ki samples.
    Large(u32),
}

impl Len {
    pub fn samples(self) -> usize {
        match self {
            Len::Zero => 0,
            Len::One => 1,
            Len::Quantum => 128,
            Len::Small(x) => x as usize,
            Len::Medium(x) => x as usize % 4096,
            Len::Large(x) => x as usize % (1 << 18),
        }
    }
}

/// How the trailing bytes become samples.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Encoding {
    /// Raw little-endian `f32`: NaN, infinities, subnormals and huge values all occur.
    F32,
    /// Little-endian `i16 / 32768`: ordinary audio in `[-1, 1)`.
    I16,
    /// Unsigned bytes `(x - 128) / 128`.
    U8,
}

/// Decodes `bytes` into samples.
pub fn samples(bytes: &[u8], encoding: Encoding) -> Vec<f32> {
    match encoding {
        Encoding::F32 => bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect(),
        Encoding::I16 => bytes
            .chunks_exact(2)
            .map(|b| i16::from_le_bytes([b[0], b[1]]) as f32 / 32768.0)
            .collect(),
        Encoding::U8 => bytes.iter().map(|&b| (b as f32 - 128.0) / 128.0).collect(),
    }
}

/// Fills `block` with `len` samples taken cyclically from `source` starting at `*pos` (a
/// short input can describe a long stream; silence when `source` is empty).
pub fn fill(block: &mut Vec<f32>, source: &[f32], pos: &mut usize, len: usize) {
    block.clear();
    if source.is_empty() {
        block.resize(len, 0.0);
        return;
    }
    while block.len() < len {
        let start = *pos % source.len();
        let take = (len - block.len()).min(source.len() - start);
        block.extend_from_slice(&source[start..start + take]);
        *pos += take;
    }
}
