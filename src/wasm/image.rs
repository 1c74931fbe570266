//! `spectrogramImage`, `spectrogramTile`, `spectrogramTileRange` and
//! `SpectrogramImageStream`: colour-mapped images as RGBA bytes for `ImageData`.

use super::{js_error, option_map, set};
use crate::error::Error;
use crate::image::ImageStream;
use crate::options;
use js_sys::{Object, Uint8ClampedArray};
use wasm_bindgen::prelude::*;

/// A colour-mapped spectrogram image of the whole signal:
/// `{ width, height, rgba: Uint8ClampedArray }`, ready for `new ImageData(rgba, width)`.
/// Options: `SpectrogramImageOptions` (the STFT options of `spectrogram` and the image's).
#[wasm_bindgen(js_name = spectrogramImage)]
pub fn spectrogram_image(
    samples: &[f32],
    #[wasm_bindgen(js_name = sampleRate)] sample_rate: f64,
    #[wasm_bindgen(unchecked_param_type = "SpectrogramImageOptions | null | undefined")]
    options: JsValue,
) -> Result<JsValue, JsError> {
    let (config, image) =
        options::spectrogram_image_config(sample_rate, option_map(&options)?).map_err(js_error)?;
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
    #[wasm_bindgen(unchecked_param_type = "SpectrogramImageOptions | null | undefined")]
    options: JsValue,
) -> Result<Vec<f64>, JsError> {
    // The image options do not move the tile's samples: not parsed here.
    let (_, stft_map) = options::split_image_options(option_map(&options)?);
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
    #[wasm_bindgen(unchecked_param_type = "SpectrogramImageOptions | null | undefined")]
    options: JsValue,
) -> Result<JsValue, JsError> {
    let (config, image) =
        options::spectrogram_image_config(sample_rate, option_map(&options)?).map_err(js_error)?;
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
        #[wasm_bindgen(unchecked_param_type = "SpectrogramImageOptions | null | undefined")]
        options: JsValue,
    ) -> Result<JsImageStream, JsError> {
        let (config, image) = options::spectrogram_image_config(sample_rate, option_map(&options)?)
            .map_err(js_error)?;
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
