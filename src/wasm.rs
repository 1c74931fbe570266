//! JavaScript bindings: the only module that knows about wasm-bindgen and js-sys.
//!
//! Conventions: options are plain JS objects with camelCase librosa names (parsed by
//! [`crate::options`], which produces the error messages); every fallible export returns
//! `Result<_, JsError>`, so a bad argument throws a JS `Error` and the instance stays usable;
//! numeric results are returned as typed arrays (one copy out of wasm memory); sample blocks
//! come in as `Float32Array` views copied once into wasm memory by wasm-bindgen.

use crate::error::Error;
use crate::image::{Colormap, FrequencyScale, ImageConfig, ImageStream};
use crate::options::{self, OptionMap, OptionValue};
use crate::spectrogram::{self as core_spectrogram, SpectrogramConfig, SpectrogramStream};
use js_sys::{Array, Float32Array, Float64Array, Object, Reflect, Uint8ClampedArray};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
fn start() {
    // Turn a Rust panic (a bug: bad input never panics) into a readable console error.
    console_error_panic_hook::set_once();
}

fn js_error(e: Error) -> JsError {
    JsError::new(&e.to_string())
}

/// Converts a JS options object into an option map. `undefined` and `null` mean "no
/// options"; `undefined` property values are skipped.
fn option_map(options: &JsValue) -> Result<OptionMap, JsError> {
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

/// Splits an option map into the names `first` knows and the rest.
fn split_options(map: OptionMap, first: &[&str]) -> (OptionMap, OptionMap) {
    map.into_iter()
        .partition(|(name, _)| first.contains(&name.as_str()))
}

fn set(target: &Object, key: &str, value: &JsValue) {
    // Setting a property on a plain object we created cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

fn options_object(map: &OptionMap) -> Object {
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

/// The crate version.
#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.to_string()
}

/// Whole-signal spectrogram. Returns `{ frames, bins, hopSeconds, frequencies, data,
/// options }` with `data` a frames x bins row-major `Float32Array`.
#[wasm_bindgen]
pub fn spectrogram(
    samples: &[f32],
    #[wasm_bindgen(js_name = sampleRate)] sample_rate: f64,
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

/// Image option names (the rest are STFT options).
const IMAGE_OPTIONS: &[&str] = &[
    "colormap",
    "gainDb",
    "rangeDb",
    "frequencyScale",
    "height",
    "fMin",
    "fMax",
];

fn image_config(map: &OptionMap) -> Result<ImageConfig, Error> {
    let mut config = ImageConfig::default();
    for (name, value) in map {
        let bad = |expected: &str| Error::invalid(name, format!("must be {expected}; got {value}"));
        match (name.as_str(), value) {
            ("colormap", OptionValue::Str(s)) => config.colormap = s.parse::<Colormap>()?,
            ("frequencyScale", OptionValue::Str(s)) => {
                config.frequency_scale = s.parse::<FrequencyScale>()?
            }
            ("gainDb", OptionValue::Number(x)) => config.gain_db = *x as f32,
            ("rangeDb", OptionValue::Number(x)) => config.range_db = *x as f32,
            ("height", OptionValue::Number(x)) if x.fract() == 0.0 && *x >= 1.0 => {
                config.height = (*x).min(1e9) as usize
            }
            ("height", _) => return Err(bad("an integer in 1..=4096")),
            ("fMin", OptionValue::Number(x)) => config.f_min_hz = *x,
            ("fMax", OptionValue::Number(x)) => config.f_max_hz = Some(*x),
            ("fMax", OptionValue::Null) => config.f_max_hz = None,
            ("colormap", _) => return Err(bad("\"viridis\", \"magma\" or \"gray\"")),
            ("frequencyScale", _) => return Err(bad("\"linear\", \"log\" or \"mel\"")),
            _ => return Err(bad("a number")),
        }
    }
    Ok(config)
}

/// A colour-mapped spectrogram image of the whole signal:
/// `{ width, height, rgba: Uint8ClampedArray }`, ready for `new ImageData(rgba, width)`.
/// Options: the STFT options of `spectrogram` (`nFft`, `hopLength`, `winLength`, `window`,
/// `center`, `padMode`, `preset`) plus `colormap` ("viridis" | "magma" | "gray"), `gainDb`
/// (20), `rangeDb` (80), `frequencyScale` ("linear" | "log" | "mel"), `height` (256),
/// `fMin`, `fMax` (Hz).
#[wasm_bindgen(js_name = spectrogramImage)]
pub fn spectrogram_image(
    samples: &[f32],
    #[wasm_bindgen(js_name = sampleRate)] sample_rate: f64,
    options: JsValue,
) -> Result<JsValue, JsError> {
    let (image_map, stft_map) = split_options(option_map(&options)?, IMAGE_OPTIONS);
    let config = options::spectrogram_config(sample_rate, &stft_map).map_err(js_error)?;
    let image = image_config(&image_map).map_err(js_error)?;
    let img = crate::image::render_spectrogram(samples, sample_rate, &config.stft, &image)
        .map_err(js_error)?;
    Ok(image_object(&img).into())
}

/// `{ width, height, rgba }` of an image, for `new ImageData(rgba, width)`.
fn image_object(img: &crate::image::RgbaImage) -> Object {
    let obj = Object::new();
    set(&obj, "width", &JsValue::from_f64(img.width as f64));
    set(&obj, "height", &JsValue::from_f64(img.height as f64));
    set(&obj, "rgba", &Uint8ClampedArray::from(&img.rgba[..]).into());
    obj
}

/// A JS number that must be a sample or frame index.
fn index(name: &str, x: f64) -> Result<usize, Error> {
    if x.fract() == 0.0 && (0.0..=9.0e15).contains(&x) {
        Ok(x as usize)
    } else {
        Err(Error::invalid(
            name,
            format!("must be a non-negative integer; got {x}"),
        ))
    }
}

fn tile(clip_length: f64, first_frame: f64, frame_count: f64) -> Result<crate::image::Tile, Error> {
    Ok(crate::image::Tile {
        first_frame: index("firstFrame", first_frame)?,
        frame_count: index("frameCount", frame_count)?,
        clip_len: index("clipLength", clip_length)?,
    })
}

/// The clip samples `[start, end]` that `spectrogramTile` needs for frames
/// `firstFrame..firstFrame + frameCount` of a clip of `clipLength` samples: pass
/// `clip.subarray(start, end)` and `offset = start`. Options as for `spectrogramImage`.
#[wasm_bindgen(js_name = spectrogramTileRange)]
pub fn spectrogram_tile_range(
    #[wasm_bindgen(js_name = firstFrame)] first_frame: f64,
    #[wasm_bindgen(js_name = frameCount)] frame_count: f64,
    #[wasm_bindgen(js_name = clipLength)] clip_length: f64,
    #[wasm_bindgen(js_name = sampleRate)] sample_rate: f64,
    options: JsValue,
) -> Result<Vec<f64>, JsError> {
    let (_, stft_map) = split_options(option_map(&options)?, IMAGE_OPTIONS);
    let config = options::spectrogram_config(sample_rate, &stft_map).map_err(js_error)?;
    let tile = tile(clip_length, first_frame, frame_count).map_err(js_error)?;
    let (start, end) = tile.sample_range(&config.stft).map_err(js_error)?;
    Ok(vec![start as f64, end as f64])
}

/// One tile of the image of a long clip, for drawing the visible range only: columns
/// `firstFrame..firstFrame + frameCount` of what `spectrogramImage` would draw for the
/// whole clip (`clipLength` samples), computed from `samples = clip.subarray(offset, end)`
/// (at least the range `spectrogramTileRange` gives). Returns `{ width, height, rgba,
/// firstFrame }`. Options as for `spectrogramImage`.
#[wasm_bindgen(js_name = spectrogramTile)]
#[allow(clippy::too_many_arguments)]
pub fn spectrogram_tile(
    samples: &[f32],
    #[wasm_bindgen(js_name = sampleRate)] sample_rate: f64,
    offset: f64,
    #[wasm_bindgen(js_name = clipLength)] clip_length: f64,
    #[wasm_bindgen(js_name = firstFrame)] first_frame: f64,
    #[wasm_bindgen(js_name = frameCount)] frame_count: f64,
    options: JsValue,
) -> Result<JsValue, JsError> {
    let (image_map, stft_map) = split_options(option_map(&options)?, IMAGE_OPTIONS);
    let config = options::spectrogram_config(sample_rate, &stft_map).map_err(js_error)?;
    let image = image_config(&image_map).map_err(js_error)?;
    let tile = tile(clip_length, first_frame, frame_count).map_err(js_error)?;
    let offset = index("offset", offset).map_err(js_error)?;
    let img = crate::image::render_tile(samples, offset, &tile, sample_rate, &config.stft, &image)
        .map_err(js_error)?;
    let obj = image_object(&img);
    set(
        &obj,
        "firstFrame",
        &JsValue::from_f64(tile.first_frame as f64),
    );
    Ok(obj.into())
}

/// Streaming image renderer: `push(block)` returns `{ width, height, rgba }` for the columns
/// (frames) completed by the block.
#[wasm_bindgen(js_name = SpectrogramImageStream)]
pub struct JsImageStream {
    stream: ImageStream,
    out: Vec<u8>,
}

#[wasm_bindgen(js_class = SpectrogramImageStream)]
impl JsImageStream {
    /// Creates a renderer; options as for `spectrogramImage`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = sampleRate)] sample_rate: f64,
        options: JsValue,
    ) -> Result<JsImageStream, JsError> {
        let (image_map, stft_map) = split_options(option_map(&options)?, IMAGE_OPTIONS);
        let config = options::spectrogram_config(sample_rate, &stft_map).map_err(js_error)?;
        let image = image_config(&image_map).map_err(js_error)?;
        Ok(JsImageStream {
            stream: ImageStream::new(sample_rate, &config.stft, &image).map_err(js_error)?,
            out: Vec::new(),
        })
    }

    fn columns(&self, width: usize) -> JsValue {
        let obj = Object::new();
        set(&obj, "width", &JsValue::from_f64(width as f64));
        set(
            &obj,
            "height",
            &JsValue::from_f64(self.stream.height() as f64),
        );
        set(&obj, "rgba", &Uint8ClampedArray::from(&self.out[..]).into());
        obj.into()
    }

    /// Pushes a block; returns the image columns it completed.
    pub fn push(&mut self, block: &[f32]) -> Result<JsValue, JsError> {
        let n = self.stream.push(block, &mut self.out).map_err(js_error)?;
        Ok(self.columns(n))
    }

    /// Ends the stream; returns the last columns.
    pub fn finish(&mut self) -> Result<JsValue, JsError> {
        let n = self.stream.finish(&mut self.out).map_err(js_error)?;
        Ok(self.columns(n))
    }
}

fn segments_array(segments: &[crate::segment::Segment]) -> Array {
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

fn warnings_array(non_finite: usize) -> Array {
    let warnings = Array::new();
    if non_finite > 0 {
        warnings.push(&JsValue::from_str(&format!(
            "{non_finite} samples were NaN or infinite and were treated as silence"
        )));
    }
    warnings
}

/// Voice activity of a whole signal: `{ frameSeconds, probabilities: Float32Array,
/// segments: [{ start, end, confidence }], warnings: string[], options }`. Probability `i`
/// covers `[i * frameSeconds, (i + 1) * frameSeconds)`; segments are in seconds. Options:
/// `threshold` (0.5), `offThreshold` (threshold - 0.15), `minSpeechMs`, `minSilenceMs`,
/// `padBeforeMs`, `padAfterMs`. Any sample rate from 8 to 384 kHz (whole Hz).
#[wasm_bindgen(js_name = detectSpeech)]
pub fn detect_speech(
    samples: &[f32],
    #[wasm_bindgen(js_name = sampleRate)] sample_rate: f64,
    options: JsValue,
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
        options: JsValue,
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

#[wasm_bindgen(typescript_custom_section)]
const REPORT_TYPES: &'static str = r#"
/** Figures behind a segment's label. */
export interface SegmentCues {
  /** Active speech level, dBFS (RMS of the 125-4000 Hz band over confident speech frames). */
  levelDb: number;
  /** levelDb minus the foreground anchor's level, dB (negative = quieter than the foreground talker). */
  relativeLevelDb: number;
  /** Reverberation figure: median sharpest 20 ms level fall within +-150 ms, dB. Near talkers
   * typically 15-30 dB; far, reverberant speech under 10 dB. Low = reverberant / far. */
  reverb: number;
  /** Median modulation depth (std of the frame level over +-150 ms), dB. */
  depthDb: number;
  /** Median level above the noise floor, dB. */
  snrDb: number;
  /** Median 4-7 kHz level relative to the speech band, dB. */
  highBandDb: number;
  /** Mean background posterior of the model over the segment, 0..1. */
  backgroundScore: number;
}

/** One labelled stretch of speech (seconds). */
export interface LabelledSegment {
  start: number;
  end: number;
  label: "foreground" | "background";
  /** Probability that the label is right, 0..1 (calibrated). */
  confidence: number;
  /** True for a foreground segment under which background speech was detected. */
  overlap: boolean;
  cues: SegmentCues;
}

/** A voice activity segment (seconds). */
export interface SpeechSegment {
  start: number;
  end: number;
  confidence: number;
}

/** The analysis of a clip: the same object as the CLI's JSON report. */
export interface AnalysisReport {
  schemaVersion: number;
  version: string;
  /** The effective options (camelCase). */
  config: Record<string, number | null>;
  sampleRate: number;
  duration: number;
  /** Seconds per probability frame (0.01); frame i covers [i, i + 1) * frameSeconds. */
  frameSeconds: number;
  /** Sorted, non-overlapping, inside `speech`. */
  segments: LabelledSegment[];
  speech: SpeechSegment[];
  /** Per frame: probability that foreground speech is present. */
  foregroundProbability: Float32Array;
  /** Per frame: probability that background speech is present. */
  backgroundProbability: Float32Array;
  /** The foreground anchor: 95th-percentile level of confident speech frames. */
  anchor: { levelDb: number | null; frames: number };
  warnings: string[];
}
"#;

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

/// Foreground/background analysis of a whole signal: the `AnalysisReport`. Options: the
/// voice activity options of `detectSpeech` plus `backgroundThreshold`, `switchPenalty`,
/// `minLabelMs`, `overlapThreshold` (defaults in the README). Any sample rate from 8 to
/// 384 kHz (whole Hz).
#[wasm_bindgen(unchecked_return_type = "AnalysisReport")]
pub fn analyze(
    samples: &[f32],
    #[wasm_bindgen(js_name = sampleRate)] sample_rate: f64,
    options: JsValue,
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

/// An audio file (WAV, FLAC, MP3, Ogg/Vorbis) decoded block by block
/// with the same decoder as the command-line tool, so that a page can decode in a worker:
/// `nextChunk(maxFrames)` returns the next samples, one `Float32Array` per channel, until
/// it returns `undefined`.
#[wasm_bindgen(js_name = AudioFileDecoder)]
pub struct JsAudioFileDecoder {
    reader: crate::decode::AudioReader,
    /// Frames decoded but not yet returned, per channel (reused: no allocation per chunk).
    pending: Vec<Vec<f32>>,
    frames: Option<u64>,
    ended: bool,
}

#[wasm_bindgen(js_class = AudioFileDecoder)]
impl JsAudioFileDecoder {
    /// Opens the file's bytes (copied once into wasm memory). Throws an `Error` saying why
    /// when they are not a file it can decode.
    #[wasm_bindgen(constructor)]
    pub fn new(bytes: Vec<u8>) -> Result<JsAudioFileDecoder, JsError> {
        let bytes: std::sync::Arc<[u8]> = bytes.into();
        let reader = crate::decode::AudioReader::from_bytes(bytes.clone()).map_err(js_error)?;
        // A container that does not give the length (an MP3 without a Xing header) is read
        // through once without decoding, so the page can allocate its playback buffer.
        let frames = match reader.frames() {
            Some(n) => Some(n),
            None => crate::decode::AudioReader::from_bytes(bytes)
                .ok()
                .map(crate::decode::AudioReader::count_frames),
        };
        let pending = vec![Vec::new(); reader.channels()];
        Ok(JsAudioFileDecoder {
            reader,
            pending,
            frames,
            ended: false,
        })
    }

    /// The file's sample rate in Hz.
    #[wasm_bindgen(getter, js_name = sampleRate)]
    pub fn sample_rate(&self) -> u32 {
        self.reader.sample_rate()
    }

    /// The file's channel count.
    #[wasm_bindgen(getter)]
    pub fn channels(&self) -> u32 {
        self.reader.channels() as u32
    }

    /// Frames in the file as its container or packets tell (decoding may give a few more or
    /// fewer: encoder delay, a cut last packet); `undefined` when unknown.
    #[wasm_bindgen(getter)]
    pub fn frames(&self) -> Option<f64> {
        self.frames.map(|n| n as f64)
    }

    /// The codec's short name ("mp3", "flac", "vorbis", "pcm_s16le", ...).
    #[wasm_bindgen(getter)]
    pub fn codec(&self) -> String {
        self.reader.codec().to_string()
    }

    /// What a user should know about the file (a truncated WAV, corrupt packets skipped);
    /// complete once `nextChunk` returned `undefined`.
    #[wasm_bindgen(getter)]
    pub fn warnings(&self) -> Vec<String> {
        self.reader.warnings()
    }

    /// Decodes at least `maxFrames` frames (the last chunk may be shorter, a chunk can
    /// exceed `maxFrames` by less than one packet) and returns them, one `Float32Array` per
    /// channel; `undefined` at the end of the file. Throws an `Error` when the stream is
    /// broken beyond a skippable packet.
    #[wasm_bindgen(js_name = nextChunk, unchecked_return_type = "Float32Array[] | undefined")]
    pub fn next_chunk(
        &mut self,
        #[wasm_bindgen(js_name = maxFrames)] max_frames: u32,
    ) -> Result<JsValue, JsError> {
        let want = max_frames.max(1) as usize;
        while !self.ended && self.pending[0].len() < want {
            if !self
                .reader
                .next_block_channels(&mut self.pending)
                .map_err(js_error)?
            {
                self.ended = true;
            }
        }
        if self.pending[0].is_empty() {
            return Ok(JsValue::UNDEFINED);
        }
        let n = self.pending[0].len().min(want);
        let out = Array::new();
        for channel in &mut self.pending {
            out.push(&Float32Array::from(&channel[..n]));
            channel.drain(..n);
        }
        Ok(out.into())
    }
}

/// An Ogg container read packet by packet without decoding, so that a worker can give the
/// packets of a codec this package does not decode (Opus) to the browser's WebCodecs
/// `AudioDecoder`: `nextPacket()` until it returns `undefined`.
#[wasm_bindgen(js_name = AudioPacketReader)]
pub struct JsAudioPacketReader {
    reader: crate::decode::PacketReader,
    duration: Option<f64>,
    declared: bool,
    last_start: f64,
    last_duration: f64,
}

#[wasm_bindgen(js_class = AudioPacketReader)]
impl JsAudioPacketReader {
    /// Opens the file's bytes (copied once into wasm memory). Throws an `Error` saying why
    /// when they are not a container it reads.
    #[wasm_bindgen(constructor)]
    pub fn new(bytes: Vec<u8>) -> Result<JsAudioPacketReader, JsError> {
        let bytes: std::sync::Arc<[u8]> = bytes.into();
        let reader = crate::decode::PacketReader::from_bytes(bytes.clone()).map_err(js_error)?;
        // The duration from the container's frame count, else from the packets' times
        // (a recorder's WebM gives neither a count nor a duration up front).
        let declared = reader.declared_duration_seconds().is_some();
        let duration = match reader.declared_duration_seconds() {
            Some(d) => Some(d),
            None => crate::decode::PacketReader::from_bytes(bytes)
                .ok()
                .map(crate::decode::PacketReader::duration_seconds)
                .filter(|&d| d > 0.0),
        };
        Ok(JsAudioPacketReader {
            reader,
            duration,
            declared,
            last_start: 0.0,
            last_duration: 0.0,
        })
    }

    /// The codec: "opus", "aac", "vorbis", "flac", "mp3", "alac" or "other".
    #[wasm_bindgen(getter)]
    pub fn codec(&self) -> String {
        self.reader.codec().to_string()
    }

    /// The track's sample rate in Hz, when the container gives it.
    #[wasm_bindgen(getter, js_name = sampleRate)]
    pub fn sample_rate(&self) -> Option<u32> {
        self.reader.sample_rate()
    }

    /// The track's channel count, when the container gives it.
    #[wasm_bindgen(getter)]
    pub fn channels(&self) -> Option<u32> {
        self.reader.channels().map(|c| c as u32)
    }

    /// The codec's setup bytes (OpusHead): WebCodecs'
    /// `description`.
    #[wasm_bindgen(getter)]
    pub fn description(&self) -> Option<Vec<u8>> {
        self.reader.extra_data().map(<[u8]>::to_vec)
    }

    /// Frames of encoder delay to drop from the decoded start (Opus pre-skip), when known.
    #[wasm_bindgen(getter)]
    pub fn delay(&self) -> Option<u32> {
        self.reader.delay()
    }

    /// The track's duration in seconds, from the container or its packets' times.
    #[wasm_bindgen(getter)]
    pub fn duration(&self) -> Option<f64> {
        self.duration
    }

    /// Whether `duration` is the container's (exact), not the end of its last packet (a
    /// recorder's WebM: the decoded length can differ by a packet or so).
    #[wasm_bindgen(getter, js_name = durationDeclared)]
    pub fn duration_declared(&self) -> bool {
        self.declared
    }

    /// The next packet's bytes; `undefined` at the end. Its start and duration (seconds)
    /// are then `lastStart` and `lastDuration`.
    #[wasm_bindgen(js_name = nextPacket)]
    pub fn next_packet(&mut self) -> Result<Option<Vec<u8>>, JsError> {
        Ok(match self.reader.next_packet().map_err(js_error)? {
            Some(p) => {
                self.last_start = p.start_seconds;
                self.last_duration = p.duration_seconds;
                Some(p.data.to_vec())
            }
            None => None,
        })
    }

    /// Start of the last packet, seconds.
    #[wasm_bindgen(getter, js_name = lastStart)]
    pub fn last_start(&self) -> f64 {
        self.last_start
    }

    /// Duration of the last packet, seconds (0 when unknown).
    #[wasm_bindgen(getter, js_name = lastDuration)]
    pub fn last_duration(&self) -> f64 {
        self.last_duration
    }
}
