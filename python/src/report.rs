//! Core results -> Python dicts with NumPy arrays.

use bystander::{Report, VoiceActivity};
use numpy::ndarray::Array2;
use numpy::IntoPyArray;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// The CLI's JSON object of a report (camelCase keys, numbers widened to `f64` as
/// `serde_json::to_value` does, `file` when read from one), loaded with `json.loads`, and
/// the two per-frame probability arrays as float32 NumPy arrays instead of lists.
pub fn report<'py>(
    py: Python<'py>,
    mut report: Report,
    file: Option<&str>,
) -> PyResult<Bound<'py, PyDict>> {
    let fg = std::mem::take(&mut report.foreground_probability);
    let bg = std::mem::take(&mut report.background_probability);
    let mut head = serde_json::to_value(&report).map_err(json_error)?;
    // `file` sorts among the other keys, as in the CLI's object.
    if let (Some(file), Some(object)) = (file, head.as_object_mut()) {
        object.insert("file".into(), file.into());
    }
    let dict = json(py, &head)?.cast_into::<PyDict>()?;
    dict.set_item("foregroundProbability", fg.into_pyarray(py))?;
    dict.set_item("backgroundProbability", bg.into_pyarray(py))?;
    Ok(dict)
}

/// A serialisable value as `json.loads` reads the CLI's JSON of it (numbers widened to `f64`
/// through `serde_json::Value`, as the CLI writes them).
pub fn json<'py>(py: Python<'py>, value: &impl serde::Serialize) -> PyResult<Bound<'py, PyAny>> {
    let value = serde_json::to_value(value).map_err(json_error)?;
    let text = serde_json::to_string(&value).map_err(json_error)?;
    py.import("json")?.call_method1("loads", (text,))
}

/// Voice activity as arrays: `segments` (n, 2) float64 start/end seconds, `confidence` (n,)
/// float32, `probabilities` (frames,) float32, `frame_seconds`, `non_finite_samples`.
pub fn voice_activity(py: Python<'_>, activity: VoiceActivity) -> PyResult<Bound<'_, PyDict>> {
    let n = activity.segments.len();
    let bounds: Vec<f64> = activity
        .segments
        .iter()
        .flat_map(|s| [s.start, s.end])
        .collect();
    let segments = Array2::from_shape_vec((n, 2), bounds).expect("two bounds per segment");
    let confidence: Vec<f32> = activity.segments.iter().map(|s| s.confidence).collect();
    let dict = PyDict::new(py);
    dict.set_item("segments", segments.into_pyarray(py))?;
    dict.set_item("confidence", confidence.into_pyarray(py))?;
    dict.set_item("probabilities", activity.probabilities.into_pyarray(py))?;
    dict.set_item("frame_seconds", activity.frame_seconds)?;
    dict.set_item("non_finite_samples", activity.non_finite_samples)?;
    Ok(dict)
}

fn json_error(e: serde_json::Error) -> PyErr {
    PyValueError::new_err(format!("cannot serialise the report: {e}"))
}
