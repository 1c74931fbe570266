//! NumPy input -> mono `f32` samples: float32 as is, float64 narrowed, int16 scaled by
//! 1/32768 (as WAV decoders and `soundfile` do), and `(channels, samples)` averaged to mono
//! exactly as the CLI downmixes a file's interleaved frames (an `f32` sum times 1/channels).

use numpy::ndarray::ArrayViewD;
use numpy::{PyReadonlyArrayDyn, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;

/// The mono samples of `y`: a 1-D array, or `(channels, samples)`.
pub fn mono(y: &Bound<'_, PyAny>) -> PyResult<Vec<f32>> {
    if let Ok(a) = y.extract::<PyReadonlyArrayDyn<'_, f32>>() {
        return downmix(a.as_array(), |&x| x);
    }
    if let Ok(a) = y.extract::<PyReadonlyArrayDyn<'_, f64>>() {
        return downmix(a.as_array(), |&x| x as f32);
    }
    if let Ok(a) = y.extract::<PyReadonlyArrayDyn<'_, i16>>() {
        return downmix(a.as_array(), |&x| f32::from(x) / 32768.0);
    }
    let what = match y.cast::<PyUntypedArray>() {
        Ok(a) => format!("an array of dtype {}", a.dtype()),
        Err(_) => y.get_type().name()?.to_string(),
    };
    Err(PyTypeError::new_err(format!(
        "y must be a NumPy array of float32, float64 or int16; got {what}"
    )))
}

fn downmix<T>(a: ArrayViewD<'_, T>, sample: impl Fn(&T) -> f32) -> PyResult<Vec<f32>> {
    match a.shape() {
        [_] => Ok(a.iter().map(sample).collect()),
        &[channels, n] => {
            let scale = 1.0 / channels as f32;
            Ok((0..n)
                .map(|i| (0..channels).map(|c| sample(&a[[c, i]])).sum::<f32>() * scale)
                .collect())
        }
        shape => Err(PyValueError::new_err(format!(
            "y must be 1-D (samples) or 2-D (channels, samples); got shape {shape:?}"
        ))),
    }
}
