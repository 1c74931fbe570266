//! JavaScript bindings: the only module that knows about wasm-bindgen and js-sys.
//!
//! Conventions: options are plain JS objects with camelCase librosa names (parsed by
//! [`crate::options`], which produces the error messages); every fallible export returns
//! `Result<_, JsError>`, so a bad argument throws a JS `Error` and the instance stays usable;
//! numeric results are returned as typed arrays (one copy out of wasm memory); sample blocks
//! come in as `Float32Array` views copied once into wasm memory by wasm-bindgen.

//!
//! One file per exported area: `spectrogram.rs`, `image.rs`, `vad.rs`, `analyze.rs` and
//! `decode.rs`; this one holds the start hook, the typings and the conversions they share.

mod analyze;
mod decode;
mod image;
mod spectrogram;
mod vad;

pub use analyze::{analyze, JsAnalyzerStream};
pub use decode::{JsAudioFileDecoder, JsAudioPacketReader};
pub use image::{spectrogram_image, spectrogram_tile, spectrogram_tile_range, JsImageStream};
pub use spectrogram::{spectrogram, JsSpectrogramStream};
pub use vad::{detect_speech, JsVoiceActivityStream};

use crate::error::Error;
use crate::options::{OptionMap, OptionValue};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

/// The option objects' interfaces, generated from the option tables ([`crate::options`]).
#[wasm_bindgen(typescript_custom_section)]
const OPTION_TYPES: &'static str = include_str!("options.d.ts");

/// The report's types, generated from `fgbg::Report` and its parts ([`crate::options`]).
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

/// Converts a JS options object into an option map. `undefined` and `null` mean "no
/// options"; `undefined` property values are skipped.
fn option_map(options: &JsValue) -> Result<OptionMap, JsError> {
    if options.is_undefined() || options.is_null() {
        return Ok(Vec::new());
    }
    if !options.is_object() || Array::is_array(options) {
        return Err(JsError::new(
            "invalid options: expected a plain object such as { nFft: 512 }",
        ));
    }
    let mut map = Vec::new();
    for entry in Object::entries(options.unchecked_ref::<Object>()).iter() {
        let pair: Array = entry.unchecked_into();
        let name = pair.get(0).as_string().unwrap_or_default();
        let value = pair.get(1);
        let value = if value.is_undefined() {
            continue;
        } else if value.is_null() {
            OptionValue::Null
        } else if let Some(b) = value.as_bool() {
            OptionValue::Bool(b)
        } else if let Some(x) = value.as_f64() {
            OptionValue::Number(x)
        } else if let Some(s) = value.as_string() {
            OptionValue::Str(s)
        } else {
            return Err(JsError::new(&format!(
                "invalid option `{name}`: must be a number, boolean, string or null"
            )));
        };
        map.push((name, value));
    }
    Ok(map)
}

fn set(target: &Object, key: &str, value: &JsValue) {
    // Setting a property on a plain object we created cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

fn options_object(map: &OptionMap) -> Object {
    let obj = Object::new();
    for (name, value) in map {
        let v = match value {
            OptionValue::Null => JsValue::NULL,
            OptionValue::Bool(b) => JsValue::from_bool(*b),
            OptionValue::Number(x) => JsValue::from_f64(*x),
            OptionValue::Str(s) => JsValue::from_str(s),
        };
        set(&obj, name, &v);
    }
    obj
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

fn segments_array(segments: &[crate::segment::Segment]) -> Array {
    segments
        .iter()
        .map(|s| {
            let o = Object::new();
            set(&o, "start", &JsValue::from_f64(s.start));
            set(&o, "end", &JsValue::from_f64(s.end));
            set(&o, "confidence", &JsValue::from_f64(s.confidence as f64));
            JsValue::from(o)
        })
        .collect()
}

fn warnings_array(non_finite: usize) -> Array {
    crate::audio::non_finite_warning(non_finite)
        .map(|w| JsValue::from_str(&w))
        .into_iter()
        .collect()
}
