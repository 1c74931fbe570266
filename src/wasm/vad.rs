//! `detectSpeech` and `VoiceActivityStream`: voice activity probabilities and segments.

use super::{js_error, option_map, options_object, segments_array, set, warnings_array};
use crate::options;
use js_sys::{Array, Float32Array, Object};
use wasm_bindgen::prelude::*;

/// Voice activity of a whole signal: `{ frameSeconds, probabilities: Float32Array,
/// segments: [{ start, end, confidence }], warnings: string[], options }`. Probability `i`
/// covers `[i * frameSeconds, (i + 1) * frameSeconds)`; segments are in seconds. Options:
/// `VadOptions`. Any sample rate from 8 to 384 kHz (whole Hz).
#[wasm_bindgen(js_name = detectSpeech)]
pub fn detect_speech(
    samples: &[f32],
    #[wasm_bindgen(js_name = sampleRate)] sample_rate: f64,
    #[wasm_bindgen(unchecked_param_type = "VadOptions | null | undefined")] options: JsValue,
) -> Result<JsValue, JsError> {
    let config = options::vad_config(&option_map(&options)?).map_err(js_error)?;
    let activity = crate::vad::detect_speech(samples, sample_rate, &config).map_err(js_error)?;
    let obj = Object::new();
    set(
        &obj,
        "frameSeconds",
        &JsValue::from_f64(activity.frame_seconds),
    );
    set(
        &obj,
        "probabilities",
        &Float32Array::from(&activity.probabilities[..]).into(),
    );
    set(&obj, "segments", &segments_array(&activity.segments).into());
    set(
        &obj,
        "warnings",
        &warnings_array(activity.non_finite_samples).into(),
    );
    set(
        &obj,
        "options",
        &options_object(&options::vad_options(&config)).into(),
    );
    Ok(obj.into())
}

/// Streaming voice activity: `push(block)` returns the segments closed since the previous
/// call (`[{ start, end, confidence }]`, final), `finish()` the rest.
#[wasm_bindgen(js_name = VoiceActivityStream)]
pub struct JsVoiceActivityStream {
    vad: crate::vad::VoiceActivityDetector,
    probabilities: Vec<f32>,
    segments: Vec<crate::segment::Segment>,
}

#[wasm_bindgen(js_class = VoiceActivityStream)]
impl JsVoiceActivityStream {
    /// A stream for audio at `sampleRate` Hz; options as for `detectSpeech`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = sampleRate)] sample_rate: f64,
        #[wasm_bindgen(unchecked_param_type = "VadOptions | null | undefined")] options: JsValue,
    ) -> Result<JsVoiceActivityStream, JsError> {
        let config = options::vad_config(&option_map(&options)?).map_err(js_error)?;
        Ok(JsVoiceActivityStream {
            vad: crate::vad::VoiceActivityDetector::new(sample_rate, config).map_err(js_error)?,
            probabilities: Vec::new(),
            segments: Vec::new(),
        })
    }

    /// Pushes a block of samples; returns the segments closed since the previous call.
    pub fn push(&mut self, block: &[f32]) -> Result<Array, JsError> {
        self.probabilities.clear();
        self.segments.clear();
        self.vad
            .push(block, &mut self.probabilities, &mut self.segments)
            .map_err(js_error)?;
        Ok(segments_array(&self.segments))
    }

    /// Ends the stream; returns the remaining segments.
    pub fn finish(&mut self) -> Result<Array, JsError> {
        self.probabilities.clear();
        self.segments.clear();
        self.vad
            .finish(&mut self.probabilities, &mut self.segments)
            .map_err(js_error)?;
        Ok(segments_array(&self.segments))
    }

    /// Probability frames emitted so far.
    #[wasm_bindgen(getter, js_name = frameCount)]
    pub fn frame_count(&self) -> usize {
        self.vad.frames_emitted()
    }
}
