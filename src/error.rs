//! The crate's one error type.
//!
//! Every fallible public function returns [`Result`]. Messages are lowercase, carry no
//! trailing period, and name the offending field together with the allowed range, so they
//! can be shown to a user as they are (the wasm bindings turn them into a JS `Error` whose
//! `message` is this text).

use std::fmt;

/// A bystander error.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A configuration field is out of range or inconsistent with another field.
    #[error("invalid option `{field}`: {reason}")]
    InvalidConfig {
        /// The field's name as the caller spelled it (camelCase in JS, snake_case in Rust).
        field: String,
        /// What is allowed, and what was given.
        reason: String,
    },
    /// An option name that no configuration knows.
    #[error("unknown option `{name}`; known options: {known}")]
    UnknownOption {
        /// The name given.
        name: String,
        /// Comma-separated list of the accepted names.
        known: String,
    },
    /// The sample rate is outside what the analysis supports.
    #[error("unsupported sample rate {rate_hz} Hz: allowed {min_hz}..={max_hz} Hz")]
    UnsupportedSampleRate {
        /// The rate given, in Hz.
        rate_hz: f64,
        /// Lowest accepted rate, in Hz.
        min_hz: u32,
        /// Highest accepted rate, in Hz.
        max_hz: u32,
    },
    /// The input holds too few samples for the requested analysis.
    #[error("input too short: {reason}")]
    InputTooShort {
        /// Why more samples are needed.
        reason: String,
    },
    /// A method was called in a state that does not allow it (e.g. `push` after `finish`).
    #[error("invalid state: {0}")]
    InvalidState(String),
    /// An audio file could not be read or decoded.
    #[error("cannot decode audio: {0}")]
    Decode(String),
    /// An input/output failure (native only).
    #[error("i/o error: {0}")]
    Io(String),
}

/// Shorthand for `std::result::Result<T, bystander::Error>`.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// Builds [`Error::InvalidConfig`] from a field name and a reason.
    #[cold]
    #[inline(never)]
    pub fn invalid(field: &str, reason: impl fmt::Display) -> Self {
        Error::InvalidConfig {
            field: field.to_string(),
            reason: reason.to_string(),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e.to_string())
    }
}
