//! JavaScript bindings: the only module that knows about wasm-bindgen and js-sys.
//!
//! Conventions: options are plain JS objects with camelCase librosa names (parsed by
//! [`crate::options`], which produces the error messages); every fallible export returns
//! `Result<_, JsError>`, so a bad argument throws a JS `Error` and the instance stays usable;
//! numeric results are returned as typed arrays (one copy out of wasm memory); sample blocks
//! come in as `Float32Array` views copied once into wasm memory by wasm-bindgen.

//!
//! One file per exported area: `spectrogram.rs`, `image.rs`, `vad.rs`, `analyze.rs` and
//! `decode.rs`; this one holds the start hook and the typings, `convert.rs` the conversions
//! the analyses share.
//!
//! Feature `js-analysis` holds the analyses' bindings, `decode` the decoder's: the npm
//! package builds one wasm module with each (the decoder loaded only when a file needs it).

#[cfg(feature = "js-analysis")]
mod analyze;
#[cfg(feature = "js-analysis")]
mod convert;
#[cfg(feature = "decode")]
mod decode;
#[cfg(feature = "js-analysis")]
mod image;
#[cfg(feature = "js-analysis")]
mod spectrogram;
#[cfg(feature = "js-analysis")]
mod vad;

#[cfg(feature = "js-analysis")]
pub use analyze::{analyze, JsAnalyzerStream};
#[cfg(feature = "decode")]
pub use decode::{JsAudioFileDecoder, JsAudioPacketReader};
#[cfg(feature = "js-analysis")]
pub use image::{spectrogram_image, spectrogram_tile, spectrogram_tile_range, JsImageStream};
#[cfg(feature = "js-analysis")]
pub use spectrogram::{spectrogram, JsSpectrogramStream};
#[cfg(feature = "js-analysis")]
pub use vad::{detect_speech, JsVoiceActivityStream};

#[cfg(feature = "js-analysis")]
use convert::{option_map, options_object, segments_array, set, warnings_array};

use crate::error::Error;
use wasm_bindgen::prelude::*;

/// The option objects' interfaces, generated from the option tables ([`crate::options`]).
#[cfg(feature = "js-analysis")]
#[wasm_bindgen(typescript_custom_section)]
const OPTION_TYPES: &'static str = include_str!("options.d.ts");

/// The report's types, generated from `fgbg::Report` and its parts ([`crate::options`]).
#[cfg(feature = "js-analysis")]
#[wasm_bindgen(typescript_custom_section)]
const REPORT_TYPES: &'static str = include_str!("report.d.ts");

#[wasm_bindgen(start)]
fn start() {
    // Turn a Rust panic (a bug: bad input never panics) into a readable console error.
    console_error_panic_hook::set_once();
}

fn js_error(e: Error) -> JsError {
    JsError::new(&e.to_string())
}

/// The crate version.
#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.to_string()
}

/// The weights' version (`fnv1a64-<hex>`), as the CLI's JSONL `modelVersion` names it: the
/// page writes it into Label Studio predictions.
#[wasm_bindgen(js_name = modelVersion)]
pub fn model_version() -> String {
    crate::formats::model_version()
}
