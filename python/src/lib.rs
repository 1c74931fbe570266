//! The `bystander` Python module: NumPy arrays in, NumPy arrays and dicts out, over the same
//! core as the CLI and the wasm bindings. This layer only converts: options go through the
//! core's option tables (their snake_case names), samples are downmixed as the CLI does, the
//! report is the CLI's JSON object, and every core error becomes a Python exception with the
//! core's message. The GIL is released while the core computes.

mod errors;
mod options;
mod report;
mod samples;
mod stream;

use bystander::options::OptionMap;
use bystander::{Analyzer, AudioReader};
use numpy::{IntoPyArray, PyArray2};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::path::PathBuf;

use errors::to_py;

/// Reads `y` and the keyword options of `tables` (with the GIL), then runs `work` on the mono
/// samples and the option map without it.
fn compute<T: Send>(
    py: Python<'_>,
    y: &Bound<'_, PyAny>,
    options: Option<&Bound<'_, PyDict>>,
    tables: &[&str],
    work: impl FnOnce(Vec<f32>, OptionMap) -> bystander::Result<T> + Send,
) -> PyResult<T> {
    let options = options::parse(options, tables)?;
    let mono = samples::mono(y)?;
    py.detach(move || work(mono, options)).map_err(to_py)
}

/// The spectrogram of `y` as a `(bins, frames)` float32 array, librosa's layout.
#[pyfunction]
#[pyo3(signature = (y, sr, **options))]
fn spectrogram<'py>(
    py: Python<'py>,
    y: &Bound<'py, PyAny>,
    sr: f64,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyArray2<f32>>> {
    let s = compute(py, y, options, &["spectrogram"], move |mono, options| {
        let config = bystander::options::spectrogram_config(sr, &options)?;
        bystander::spectrogram(&mono, &config)
    })?;
    if s.non_finite_samples > 0 {
        // The report's warning, as a Python warning (a spectrogram has no report).
        let message = format!(
            "{} samples were NaN or infinite and were treated as silence",
            s.non_finite_samples
        );
        let category = py.get_type::<pyo3::exceptions::PyRuntimeWarning>();
        PyErr::warn(py, &category, &std::ffi::CString::new(message)?, 1)?;
    }
    // The core's rows are frames, librosa's bins: the transposed view of the same buffer
    // (no copy), Fortran-ordered as librosa's arrays are.
    let frames_by_bins = numpy::ndarray::Array2::from_shape_vec((s.frames, s.bins), s.data)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
    Ok(frames_by_bins.reversed_axes().into_pyarray(py))
}

/// Voice activity: segments, their confidences and the per-frame speech probabilities.
#[pyfunction]
#[pyo3(signature = (y, sr, **options))]
fn detect_speech<'py>(
    py: Python<'py>,
    y: &Bound<'py, PyAny>,
    sr: f64,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyDict>> {
    let activity = compute(py, y, options, &["vad"], move |mono, options| {
        let config = bystander::options::vad_config(&options)?;
        bystander::detect_speech(&mono, sr, &config)
    })?;
    report::voice_activity(py, activity)
}

/// The foreground/background report of `y`: the CLI's `analyze --format json` object.
#[pyfunction]
#[pyo3(signature = (y, sr, **options))]
fn analyze<'py>(
    py: Python<'py>,
    y: &Bound<'py, PyAny>,
    sr: f64,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyDict>> {
    let r = compute(
        py,
        y,
        options,
        &["vad", "labeller"],
        move |mono, options| {
            let config = bystander::options::analyzer_config(&options)?;
            bystander::analyze(&mono, sr, &config)
        },
    )?;
    report::report(py, r, None)
}

/// The report of an audio file (WAV, FLAC, MP3, Ogg/Vorbis), decoded and analysed block by
/// block as the CLI's `analyze` does, so a long file is never held whole.
#[pyfunction]
#[pyo3(signature = (path, **options))]
fn analyze_file<'py>(
    py: Python<'py>,
    path: PathBuf,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyDict>> {
    let options = options::parse(options, &["vad", "labeller"])?;
    let file = path.display().to_string();
    let r = py
        .detach(move || -> bystander::Result<bystander::Report> {
            let config = bystander::options::analyzer_config(&options)?;
            let mut reader = AudioReader::open(&path)?;
            let mut analyzer = Analyzer::new(f64::from(reader.sample_rate()), config)?;
            let (mut block, mut closed, mut samples) = (Vec::new(), Vec::new(), 0);
            loop {
                block.clear();
                let more = reader.next_block(&mut block)?;
                samples += block.len();
                analyzer.push(&block, &mut closed)?;
                closed.clear();
                if !more {
                    break;
                }
            }
            if samples == 0 {
                return Err(bystander::Error::InputTooShort {
                    reason: "no audio samples in the file".into(),
                });
            }
            let mut report = analyzer.finish()?;
            report.warnings.extend(reader.warnings());
            Ok(report)
        })
        .map_err(|e| errors::with_path(&file, e))?;
    report::report(py, r, Some(&file))
}

/// Names the weights that made the reports (`fnv1a64-<hex>`): the `modelVersion` of the CLI's
/// JSONL lines.
#[pyfunction]
fn model_version() -> String {
    bystander::formats::model_version()
}

/// The extension module, `bystander._bystander`; `bystander/__init__.py` re-exports it (the
/// package also holds `bystander.dask`, in Python).
#[pymodule(name = "_bystander")]
fn python_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(model_version, m)?)?;
    m.add_function(wrap_pyfunction!(spectrogram, m)?)?;
    m.add_function(wrap_pyfunction!(detect_speech, m)?)?;
    m.add_function(wrap_pyfunction!(analyze, m)?)?;
    m.add_function(wrap_pyfunction!(analyze_file, m)?)?;
    m.add_class::<stream::AnalyzerStream>()?;
    Ok(())
}
