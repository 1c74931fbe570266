//! Keyword arguments -> the core's option map, through its option tables: each row's
//! snake_case `python` name is the keyword, its camelCase `name` the map's key, so an option
//! is still defined once (in the core's `options` module).

use bystander::options::{option_docs, OptionMap, OptionValue};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyString};

/// The `(python, camelCase)` names of the given tables (`"spectrogram"`, `"vad"`,
/// `"labeller"`), in table order.
fn known(tables: &[&str]) -> Vec<(&'static str, &'static str)> {
    let mut names = Vec::new();
    for (table, rows) in option_docs() {
        if tables.contains(&table) {
            names.extend(rows.iter().map(|row| (row.python, row.name)));
        }
    }
    names
}

/// Reads the keyword arguments as options of `tables`: an unknown keyword is a `TypeError`
/// listing the known ones, a value that is not None, a bool, a number or a string is a
/// `TypeError`; ranges are the core's to check.
pub fn parse(kwargs: Option<&Bound<'_, PyDict>>, tables: &[&str]) -> PyResult<OptionMap> {
    let known = known(tables);
    let mut map = OptionMap::new();
    let Some(kwargs) = kwargs else {
        return Ok(map);
    };
    for (key, value) in kwargs.iter() {
        let key: String = key.extract()?;
        let Some(&(_, name)) = known.iter().find(|(python, _)| *python == key) else {
            let names: Vec<&str> = known.iter().map(|(python, _)| *python).collect();
            return Err(PyTypeError::new_err(format!(
                "unknown option `{key}`; known options: {}",
                names.join(", ")
            )));
        };
        map.push((name.to_string(), value_of(&key, &value)?));
    }
    Ok(map)
}

fn value_of(key: &str, value: &Bound<'_, PyAny>) -> PyResult<OptionValue> {
    // bool before int: Python's bool is an int.
    Ok(if value.is_none() {
        OptionValue::Null
    } else if value.is_instance_of::<PyBool>() {
        OptionValue::Bool(value.extract()?)
    } else if value.is_instance_of::<PyInt>() || value.is_instance_of::<PyFloat>() {
        OptionValue::Number(value.extract()?)
    } else if value.is_instance_of::<PyString>() {
        OptionValue::Str(value.extract()?)
    } else if let Ok(x) = value.extract::<f64>() {
        // NumPy scalars (np.float32(0.5), np.int64(512)).
        OptionValue::Number(x)
    } else {
        return Err(PyTypeError::new_err(format!(
            "option `{key}` must be None, a bool, a number or a string; got {}",
            value.get_type().name()?
        )));
    })
}
