//! `analyze` and `AnalyzerStream`: foreground/background labels as the `AnalysisReport`.

use super::{js_error, option_map, set};
use crate::options;
use js_sys::{Array, Float32Array, Object};
use wasm_bindgen::prelude::*;

/// Converts a report into the JS object of `AnalysisReport` (probabilities as
/// `Float32Array`s: one copy each, no intermediate JS arrays).
fn report_object(mut report: crate::fgbg::Report) -> Result<JsValue, JsError> {
    use serde::Serialize;
    let fg = std::mem::take(&mut report.foreground_probability);
    let bg = std::mem::take(&mut report.background_probability);
    let value = report
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("cannot build the report: {e}")))?;
    let obj: &Object = value.unchecked_ref();
    set(
        obj,
        "foregroundProbability",
        &Float32Array::from(&fg[..]).into(),
    );
    set(
        obj,
        "backgroundProbability",
        &Float32Array::from(&bg[..]).into(),
    );
    Ok(value)
}

fn labelled_array(segments: &[crate::fgbg::LabelledSegment]) -> Result<Array, JsError> {
    use serde::Serialize;
    let s = serde_wasm_bindgen::Serializer::json_compatible();
    segments
        .iter()
        .map(|x| {
            x.serialize(&s)
                .map_err(|e| JsError::new(&format!("cannot build a segment: {e}")))
        })
        .collect()
}

/// Foreground/background analysis of a whole signal: the `AnalysisReport`. Options:
/// `AnalyzeOptions` (the voice activity options of `detectSpeech` and the labeller's). Any
/// sample rate from 8 to 384 kHz (whole Hz).
#[wasm_bindgen(unchecked_return_type = "AnalysisReport")]
pub fn analyze(
    samples: &[f32],
    #[wasm_bindgen(js_name = sampleRate)] sample_rate: f64,
    #[wasm_bindgen(unchecked_param_type = "AnalyzeOptions | null | undefined")] options: JsValue,
) -> Result<JsValue, JsError> {
    let config = options::analyzer_config(&option_map(&options)?).map_err(js_error)?;
    report_object(crate::fgbg::analyze(samples, sample_rate, &config).map_err(js_error)?)
}

/// Streaming foreground/background analysis: `push(block)` returns the segments closed
/// since the previous call with provisional labels, `report()` the provisional report so
/// far, `finish()` the final report.
#[wasm_bindgen(js_name = AnalyzerStream)]
pub struct JsAnalyzerStream {
    analyzer: crate::fgbg::Analyzer,
    segments: Vec<crate::fgbg::LabelledSegment>,
}

#[wasm_bindgen(js_class = AnalyzerStream)]
impl JsAnalyzerStream {
    /// A stream for audio at `sampleRate` Hz; options as for `analyze`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = sampleRate)] sample_rate: f64,
        #[wasm_bindgen(unchecked_param_type = "AnalyzeOptions | null | undefined")]
        options: JsValue,
    ) -> Result<JsAnalyzerStream, JsError> {
        let config = options::analyzer_config(&option_map(&options)?).map_err(js_error)?;
        Ok(JsAnalyzerStream {
            analyzer: crate::fgbg::Analyzer::new(sample_rate, config).map_err(js_error)?,
            segments: Vec::new(),
        })
    }

    /// Pushes a block of samples; returns the segments closed since the previous call, with
    /// provisional labels.
    #[wasm_bindgen(unchecked_return_type = "LabelledSegment[]")]
    pub fn push(&mut self, block: &[f32]) -> Result<Array, JsError> {
        self.segments.clear();
        self.analyzer
            .push(block, &mut self.segments)
            .map_err(js_error)?;
        labelled_array(&self.segments)
    }

    /// The provisional report so far (labels may still change).
    #[wasm_bindgen(unchecked_return_type = "AnalysisReport")]
    pub fn report(&mut self) -> Result<JsValue, JsError> {
        report_object(self.analyzer.report().map_err(js_error)?)
    }

    /// Ends the stream; returns the final report.
    #[wasm_bindgen(unchecked_return_type = "AnalysisReport")]
    pub fn finish(&mut self) -> Result<JsValue, JsError> {
        report_object(self.analyzer.finish().map_err(js_error)?)
    }
}
