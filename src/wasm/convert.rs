//! Conversions the analysis bindings share: JS option objects to option maps and back,
//! segments and warnings to JS arrays.

use crate::options::{OptionMap, OptionValue};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

/// Converts a JS options object into an option map. `undefined` and `null` mean "no
/// options"; `undefined` property values are skipped.
pub(super) fn option_map(options: &JsValue) -> Result<OptionMap, JsError> {
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

pub(super) fn set(target: &Object, key: &str, value: &JsValue) {
    // Setting a property on a plain object we created cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

pub(super) fn options_object(map: &OptionMap) -> Object {
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

pub(super) fn segments_array(segments: &[crate::segment::Segment]) -> Array {
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

pub(super) fn warnings_array(non_finite: usize) -> Array {
    crate::audio::non_finite_warning(non_finite)
        .map(|w| JsValue::from_str(&w))
        .into_iter()
        .collect()
}
