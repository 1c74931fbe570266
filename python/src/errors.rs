//! The core's one error type as Python exceptions, with the core's messages.

use bystander::Error;
use pyo3::exceptions::{PyOSError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::PyErr;

/// `UnknownOption` -> `TypeError` (as Python does for an unexpected keyword), an i/o
/// failure -> `OSError`, a state error -> `RuntimeError`, the rest (bad values, sample
/// rates, short or undecodable input) -> `ValueError`.
pub fn to_py(e: Error) -> PyErr {
    raise(e, None)
}

/// As [`to_py`], the message prefixed by the file's path (as the CLI prints it).
pub fn with_path(path: &str, e: Error) -> PyErr {
    raise(e, Some(path))
}

fn raise(e: Error, path: Option<&str>) -> PyErr {
    let message = match path {
        Some(path) => format!("{path}: {e}"),
        None => e.to_string(),
    };
    match e {
        Error::UnknownOption { .. } => PyTypeError::new_err(message),
        Error::Io(_) => PyOSError::new_err(message),
        Error::InvalidState(_) => PyRuntimeError::new_err(message),
        _ => PyValueError::new_err(message),
    }
}
