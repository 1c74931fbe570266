//! `spectrogram` and `SpectrogramStream`: spectrogram values as typed arrays.

use super::{js_error, option_map, options_object, set, warnings_array};
use crate::options;
use crate::spectrogram::{self as core_spectrogram, SpectrogramConfig, SpectrogramStream};
use js_sys::{Float32Array, Float64Array, Object};
use wasm_bindgen::prelude::*;

fn frames_object(config: &SpectrogramConfig, first_frame: usize, data: &[f32]) -> Object {
    let bins = config.bins();
    let obj = Object::new();
    set(
        &obj,
        "frames",
        &JsValue::from_f64((data.len() / bins) as f64),
    );
    set(&obj, "bins", &JsValue::from_f64(bins as f64));
    set(&obj, "firstFrame", &JsValue::from_f64(first_frame as f64));
    set(&obj, "hopSeconds", &JsValue::from_f64(config.hop_seconds()));
    set(&obj, "data", &Float32Array::from(data).into());
    obj
}

/// Whole-signal spectrogram. Returns `{ frames, bins, hopSeconds, frequencies, data,
/// options }` with `data` a frames x bins row-major `Float32Array`.
#[wasm_bindgen]
pub fn spectrogram(
    samples: &[f32],
    #[wasm_bindgen(js_name = sampleRate)] sample_rate: f64,
    #[wasm_bindgen(unchecked_param_type = "SpectrogramOptions | null | undefined")]
    options: JsValue,
) -> Result<JsValue, JsError> {
    let map = option_map(&options)?;
    let config = options::spectrogram_config(sample_rate, &map).map_err(js_error)?;
    let result = core_spectrogram::spectrogram(samples, &config).map_err(js_error)?;
    let obj = frames_object(&config, 0, &result.data);
    let frequencies = config.frequencies().map_err(js_error)?;
    set(
        &obj,
        "frequencies",
        &Float64Array::from(&frequencies[..]).into(),
    );
    set(
        &obj,
        "options",
        &options_object(&options::spectrogram_options(&config)).into(),
    );
    set(
        &obj,
        "warnings",
        &warnings_array(result.non_finite_samples).into(),
    );
    Ok(obj.into())
}

/// A streaming spectrogram. `push(block)` returns the frames this block completed as
/// `{ frames, bins, firstFrame, hopSeconds, data }`; `finish()` returns the last ones.
/// `top_db` is not applied while streaming (it needs the whole signal's maximum).
#[wasm_bindgen(js_name = SpectrogramStream)]
pub struct JsSpectrogramStream {
    stream: SpectrogramStream,
    out: Vec<f32>,
}

#[wasm_bindgen(js_class = SpectrogramStream)]
impl JsSpectrogramStream {
    /// Creates a stream for audio at `sampleRate` Hz with the given options.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = sampleRate)] sample_rate: f64,
        #[wasm_bindgen(unchecked_param_type = "SpectrogramOptions | null | undefined")]
        options: JsValue,
    ) -> Result<JsSpectrogramStream, JsError> {
        let map = option_map(&options)?;
        let config = options::spectrogram_config(sample_rate, &map).map_err(js_error)?;
        Ok(JsSpectrogramStream {
            stream: SpectrogramStream::new(config).map_err(js_error)?,
            out: Vec::new(),
        })
    }

    /// Pushes a block of any length; returns the frames it completed.
    pub fn push(&mut self, block: &[f32]) -> Result<JsValue, JsError> {
        let first = self.stream.frames_emitted();
        self.out.clear();
        self.stream.push(block, &mut self.out).map_err(js_error)?;
        Ok(frames_object(self.stream.config(), first, &self.out).into())
    }

    /// Ends the stream; returns the last frames.
    pub fn finish(&mut self) -> Result<JsValue, JsError> {
        let first = self.stream.frames_emitted();
        self.out.clear();
        self.stream.finish(&mut self.out).map_err(js_error)?;
        Ok(frames_object(self.stream.config(), first, &self.out).into())
    }

    /// Starts a new signal with the same options.
    pub fn reset(&mut self) {
        self.stream.reset();
    }

    /// Samples pushed so far that were NaN or infinite (analysed as silence).
    #[wasm_bindgen(getter, js_name = nonFiniteSamples)]
    pub fn non_finite_samples(&self) -> usize {
        self.stream.non_finite_samples()
    }

    /// Frequency of each bin in Hz (empty for MFCC).
    #[wasm_bindgen(getter)]
    pub fn frequencies(&self) -> Result<Float64Array, JsError> {
        let f = self.stream.config().frequencies().map_err(js_error)?;
        Ok(Float64Array::from(&f[..]))
    }

    /// The options in effect.
    #[wasm_bindgen(getter)]
    pub fn options(&self) -> JsValue {
        options_object(&options::spectrogram_options(self.stream.config())).into()
    }
}
