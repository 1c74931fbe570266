//! `AnalyzerStream`: the core's streaming [`Analyzer`] for Python callers that read audio
//! block by block (a long recording, a live input), so the signal is never held whole.

use crate::errors::to_py;
use crate::{options, report, samples};
use bystander::Analyzer;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

/// Push blocks of samples (`push`), then get the report (`finish`), which is what
/// `analyze` returns for the whole signal.
#[pyclass(module = "bystander")]
pub struct AnalyzerStream {
    analyzer: Analyzer,
    /// Reused between pushes: the segments closed in one block.
    closed: Vec<bystander::LabelledSegment>,
}

#[pymethods]
impl AnalyzerStream {
    /// A stream at `sr` Hz with the options of `analyze`.
    #[new]
    #[pyo3(signature = (sr, **options))]
    fn new(sr: f64, options: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let options = options::parse(options, &["vad", "labeller"])?;
        let config = bystander::options::analyzer_config(&options).map_err(to_py)?;
        Ok(AnalyzerStream {
            analyzer: Analyzer::new(sr, config).map_err(to_py)?,
            closed: Vec::new(),
        })
    }

    /// Analyses the next block (1-D, or `(channels, samples)`; any length) and returns the
    /// speech segments that ended in it, with provisional labels (`finish` may relabel
    /// them), as dicts like the report's `segments`.
    fn push<'py>(
        &mut self,
        py: Python<'py>,
        y: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let mono = samples::mono(y)?;
        let (analyzer, closed) = (&mut self.analyzer, &mut self.closed);
        closed.clear();
        py.detach(|| analyzer.push(&mono, closed)).map_err(to_py)?;
        Ok(report::json(py, &self.closed)?.cast_into::<PyList>()?)
    }

    /// Ends the stream and returns the report (as `analyze`); the stream takes no more
    /// blocks afterwards.
    fn finish<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let analyzer = &mut self.analyzer;
        let r = py.detach(|| analyzer.finish()).map_err(to_py)?;
        report::report(py, r, None)
    }
}
