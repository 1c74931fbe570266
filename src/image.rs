//! Colour-mapped spectrogram images (RGBA bytes for a canvas `ImageData`).
//!
//! Levels follow Audacity's and wavesurfer.js's spectrogram settings: a value of `v` dB is
//! drawn at `t = (v + gain_db + range_db) / range_db`, clamped to `0..=1`, so `-gain_db`
//! and above is the top colour and `-(gain_db + range_db)` and below is the bottom one.
//! Values are dB relative to a full-scale sine: the power spectrum is divided by
//! `(sum(window) / 2)^2`, the peak power a 0 dBFS sine reaches in its bin.
//!
//! The frequency axis is drawn on a linear, logarithmic or mel (Slaney) scale by warping the
//! linear-frequency spectrum: each image row takes the frequency at its centre on the chosen
//! scale and interpolates the dB value linearly between the two nearest FFT bins. The row ->
//! bin map is computed once per image, so a column costs `height` lookups.

use crate::colormap_data::{MAGMA, VIRIDIS};
use crate::error::{Error, Result};
use crate::mel::MelScale;
use crate::names::option_names;
use crate::spectrogram::{LogScale, Output, Preset, SpectrogramConfig, SpectrogramStream};
use crate::stft::StftConfig;
use serde::{Deserialize, Serialize};

/// A colour map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Colormap {
    /// matplotlib's viridis (perceptually uniform, colour-blind safe).
    #[default]
    Viridis,
    /// matplotlib's magma.
    Magma,
    /// Black (low) to white (high).
    Gray,
}

option_names!(Colormap, field "colormap", expected "\"viridis\", \"magma\" or \"gray\"", {
    Viridis => "viridis",
    Magma => "magma",
    Gray => "gray" | "grey",
});

impl Colormap {
    /// RGB of level `i` in `0..=255`.
    #[inline]
    pub fn rgb(self, i: u8) -> [u8; 3] {
        match self {
            Colormap::Viridis => VIRIDIS[i as usize],
            Colormap::Magma => MAGMA[i as usize],
            Colormap::Gray => [i, i, i],
        }
    }
}

/// Frequency axis of an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum FrequencyScale {
    /// Hertz, evenly spaced.
    #[default]
    Linear,
    /// log2 of hertz, evenly spaced (needs `f_min_hz > 0`).
    Log,
    /// Slaney mel, evenly spaced.
    Mel,
}

option_names!(FrequencyScale, field "frequencyScale", expected "\"linear\", \"log\" or \"mel\"", {
    Linear => "linear",
    Log => "log",
    Mel => "mel",
});

impl FrequencyScale {
    fn forward(self, hz: f64) -> f64 {
        match self {
            FrequencyScale::Linear => hz,
            FrequencyScale::Log => hz.log2(),
            FrequencyScale::Mel => MelScale::Slaney.hz_to_mel(hz),
        }
    }

    fn inverse(self, v: f64) -> f64 {
        match self {
            FrequencyScale::Linear => v,
            FrequencyScale::Log => v.exp2(),
            FrequencyScale::Mel => MelScale::Slaney.mel_to_hz(v),
        }
    }
}

/// How to draw an image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageConfig {
    /// Colour map. **Default** viridis.
    pub colormap: Colormap,
    /// Gain in dB added before mapping (Audacity "Gain"). **Default** 20.
    pub gain_db: f32,
    /// Range in dB mapped onto the colour map (Audacity "Range"), `> 0`. **Default** 80.
    pub range_db: f32,
    /// Frequency axis. **Default** linear.
    pub frequency_scale: FrequencyScale,
    /// Image height in pixels, `1..=4096`. **Default** 256.
    pub height: usize,
    /// Lowest frequency drawn, Hz. **Default** 0 (20 Hz is used for a log axis).
    pub f_min_hz: f64,
    /// Highest frequency drawn, Hz; `None` = Nyquist. **Default** `None`.
    pub f_max_hz: Option<f64>,
}

impl Default for ImageConfig {
    fn default() -> Self {
        ImageConfig {
            colormap: Colormap::Viridis,
            gain_db: 20.0,
            range_db: 80.0,
            frequency_scale: FrequencyScale::Linear,
            height: 256,
            f_min_hz: 0.0,
            f_max_hz: None,
        }
    }
}

/// Maps image rows to fractional FFT bins; built once per image geometry.
#[derive(Debug, Clone)]
pub struct RowMap {
    /// For each row (top first): lower bin index and interpolation weight of the upper bin.
    rows: Vec<(usize, f32)>,
}

impl RowMap {
    /// Builds the map for `n_bins` linear bins of an `n_fft`-point FFT at `sample_rate_hz`.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a height out of range or an empty frequency range.
    pub fn new(config: &ImageConfig, sample_rate_hz: f64, n_fft: usize) -> Result<Self> {
        if config.height == 0 || config.height > 4096 {
            return Err(Error::invalid(
                "height",
                format!("must be an integer in 1..=4096; got {}", config.height),
            ));
        }
        let nyquist = sample_rate_hz / 2.0;
        let f_max = config.f_max_hz.unwrap_or(nyquist).min(nyquist);
        let mut f_min = config.f_min_hz.max(0.0);
        if config.frequency_scale == FrequencyScale::Log && f_min <= 0.0 {
            f_min = 20.0;
        }
        if !(f_min.is_finite() && f_max.is_finite() && f_max > f_min) {
            return Err(Error::invalid(
                "fMax",
                format!("the frequency range must be non-empty; got {f_min}..{f_max} Hz"),
            ));
        }
        let scale = config.frequency_scale;
        let (lo, hi) = (scale.forward(f_min), scale.forward(f_max));
        let n_bins = n_fft / 2 + 1;
        let bin_hz = sample_rate_hz / n_fft as f64;
        let rows = (0..config.height)
            .map(|y| {
                // Row 0 is the top of the image (highest frequency); sample at row centres.
                let frac = 1.0 - (y as f64 + 0.5) / config.height as f64;
                let hz = scale.inverse(lo + (hi - lo) * frac);
                let pos = (hz / bin_hz).clamp(0.0, (n_bins - 1) as f64);
                let lower = (pos.floor() as usize).min(n_bins.saturating_sub(2));
                (lower, (pos - lower as f64) as f32)
            })
            .collect();
        Ok(RowMap { rows })
    }

    /// Image height.
    pub fn height(&self) -> usize {
        self.rows.len()
    }
}

/// Validates the level settings of an image configuration.
///
/// # Errors
/// [`Error::InvalidConfig`] naming `gainDb` or `rangeDb`.
pub fn validate_levels(config: &ImageConfig) -> Result<()> {
    if !config.gain_db.is_finite() {
        return Err(Error::invalid(
            "gainDb",
            format!("must be a finite number of dB; got {}", config.gain_db),
        ));
    }
    if !(config.range_db.is_finite() && config.range_db > 0.0 && config.range_db <= 200.0) {
        return Err(Error::invalid(
            "rangeDb",
            format!("must be in (0, 200] dB; got {}", config.range_db),
        ));
    }
    Ok(())
}

/// Draws `frames` columns of dB values (`n_bins` per frame, frame-major) into `out` as RGBA,
/// row-major with the top row first: `out.len() == 4 * frames * height` afterwards.
pub fn render_db_columns(
    values_db: &[f32],
    n_bins: usize,
    map: &RowMap,
    config: &ImageConfig,
    out: &mut Vec<u8>,
) {
    let frames = values_db.len() / n_bins.max(1);
    let height = map.height();
    out.clear();
    out.resize(4 * frames * height, 255);
    let offset = config.gain_db + config.range_db;
    let inv_range = 255.0 / config.range_db;
    for (x, column) in values_db.chunks_exact(n_bins).enumerate() {
        for (y, &(lower, w)) in map.rows.iter().enumerate() {
            let upper = (lower + 1).min(n_bins - 1);
            let v = column[lower] * (1.0 - w) + column[upper] * w;
            let level = ((v + offset) * inv_range).clamp(0.0, 255.0);
            // NaN (never produced by the analysis) falls to the bottom colour.
            let rgb = config
                .colormap
                .rgb(if level.is_nan() { 0 } else { level as u8 });
            let p = 4 * (y * frames + x);
            out[p..p + 3].copy_from_slice(&rgb);
        }
    }
}

/// An RGBA image.
#[derive(Debug, Clone, PartialEq)]
pub struct RgbaImage {
    /// Width in pixels (one column per frame).
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// `4 * width * height` bytes, row-major, top row first.
    pub rgba: Vec<u8>,
}

/// Streaming renderer: push samples, get image columns (one per STFT frame). Uses only the
/// STFT settings of `stft` (window, lengths, centring); levels are dB re a full-scale sine.
#[derive(Debug)]
pub struct ImageStream {
    stream: SpectrogramStream,
    map: RowMap,
    config: ImageConfig,
    db: Vec<f32>,
}

impl ImageStream {
    /// Validates both configurations and builds the row map.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] or [`Error::UnsupportedSampleRate`].
    pub fn new(sample_rate_hz: f64, stft: &StftConfig, config: &ImageConfig) -> Result<Self> {
        validate_levels(config)?;
        stft.validate()?;
        let window_sum: f64 = stft
            .window
            .table(stft.win_length)
            .iter()
            .map(|&w| w as f64)
            .sum();
        // A 0 dBFS sine peaks at |X| = sum(w) / 2 in its bin.
        let reference = ((window_sum / 2.0).powi(2) * stft.sample_scale.powi(2) as f64) as f32;
        let spec = SpectrogramConfig {
            sample_rate_hz,
            stft: stft.clone(),
            output: Output::Linear,
            power: 2.0,
            log: LogScale::Db {
                // 150 dB below a full-scale sine: far under any range a display uses.
                amin: reference * 1e-15,
                reference,
                top_db: None,
            },
            ..SpectrogramConfig::preset(Preset::Librosa, sample_rate_hz)
        };
        Ok(ImageStream {
            map: RowMap::new(config, sample_rate_hz, stft.n_fft)?,
            stream: SpectrogramStream::new(spec)?,
            config: config.clone(),
            db: Vec::new(),
        })
    }

    /// Image height.
    pub fn height(&self) -> usize {
        self.map.height()
    }

    /// Renders the columns completed by `samples` into `out` (replacing its contents);
    /// returns the number of columns.
    ///
    /// # Errors
    /// [`Error::InvalidState`] after `finish`.
    pub fn push(&mut self, samples: &[f32], out: &mut Vec<u8>) -> Result<usize> {
        self.db.clear();
        let n = self.stream.push(samples, &mut self.db)?;
        render_db_columns(&self.db, self.stream.bins(), &self.map, &self.config, out);
        Ok(n)
    }

    /// Renders the last columns into `out`; returns their number.
    ///
    /// # Errors
    /// [`Error::InvalidState`] when called twice.
    pub fn finish(&mut self, out: &mut Vec<u8>) -> Result<usize> {
        self.db.clear();
        let n = self.stream.finish(&mut self.db)?;
        render_db_columns(&self.db, self.stream.bins(), &self.map, &self.config, out);
        Ok(n)
    }
}

/// Renders the whole signal as one image (a thin loop over [`ImageStream`]).
///
/// # Errors
/// As [`ImageStream::new`]; [`Error::InputTooShort`] for an empty signal.
pub fn render_spectrogram(
    samples: &[f32],
    sample_rate_hz: f64,
    stft: &StftConfig,
    config: &ImageConfig,
) -> Result<RgbaImage> {
    if samples.is_empty() {
        return Err(Error::InputTooShort {
            reason: "no samples".into(),
        });
    }
    let mut stream = ImageStream::new(sample_rate_hz, stft, config)?;
    let mut db = Vec::new();
    stream.stream.push(samples, &mut db)?;
    stream.stream.finish(&mut db)?;
    let mut rgba = Vec::new();
    render_db_columns(&db, stream.stream.bins(), &stream.map, config, &mut rgba);
    Ok(RgbaImage {
        width: db.len() / stream.stream.bins(),
        height: stream.height(),
        rgba,
    })
}

/// Most columns one tile may hold: 65536 frames (11 min at a 10 ms hop). A page draws the
/// visible range only, a few thousand columns at most.
pub const MAX_TILE_FRAMES: usize = 1 << 16;

/// A run of image columns: frames `first_frame..first_frame + frame_count` of a clip of
/// `clip_len` samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tile {
    /// Index of the first frame (column) of the tile in the whole clip's image.
    pub first_frame: usize,
    /// Number of frames (columns), `1..=MAX_TILE_FRAMES`.
    pub frame_count: usize,
    /// Length of the whole clip, in samples.
    pub clip_len: usize,
}

impl Tile {
    /// Checks the tile against the clip's frame count under `stft`.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] naming `clipLength`, `frameCount` or `firstFrame`.
    fn validate(&self, stft: &StftConfig) -> Result<()> {
        stft.validate()?;
        let total = stft.frame_count(self.clip_len);
        if total == 0 {
            return Err(Error::invalid(
                "clipLength",
                format!(
                    "must give at least one frame; got {} samples",
                    self.clip_len
                ),
            ));
        }
        if !(1..=MAX_TILE_FRAMES).contains(&self.frame_count) {
            return Err(Error::invalid(
                "frameCount",
                format!(
                    "must be an integer in 1..={MAX_TILE_FRAMES}; got {}",
                    self.frame_count
                ),
            ));
        }
        if self.first_frame >= total || self.frame_count > total - self.first_frame {
            return Err(Error::invalid(
                "firstFrame",
                format!(
                    "frames {}..{} lie outside the clip's {total} frames",
                    self.first_frame,
                    self.first_frame.saturating_add(self.frame_count)
                ),
            ));
        }
        Ok(())
    }

    /// Clip indices `start..end` of the tile's windows (padding included: may be negative
    /// or reach past the clip).
    fn window_span(&self, stft: &StftConfig) -> (i64, i64) {
        let start = stft.window_start(self.first_frame);
        let end =
            stft.window_start(self.first_frame + self.frame_count - 1) + stft.win_length as i64;
        (start, end)
    }

    /// The clip samples `start..end` a tile is computed from: the samples under its frames'
    /// windows plus, with reflect padding at an edge, the samples mirrored into the padding.
    /// The caller passes `clip[start..end]` (a `subarray`, no copy in JS) to
    /// [`render_tile`].
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] naming `clipLength`, `frameCount` or `firstFrame`.
    pub fn sample_range(&self, stft: &StftConfig) -> Result<(usize, usize)> {
        self.validate(stft)?;
        let (a, b) = self.window_span(stft);
        let len = self.clip_len as i64;
        let (mut lo, mut hi) = (a.clamp(0, len) as usize, b.clamp(0, len) as usize);
        // Out-of-clip indices lie within win_length of an edge, so these loops are short.
        for idx in (a..b.min(0)).chain(a.max(len)..b) {
            if let Some(i) = stft.padded_index(idx, self.clip_len) {
                lo = lo.min(i);
                hi = hi.max(i + 1);
            }
        }
        Ok((lo, hi.max(lo)))
    }
}

/// Renders one tile of the image of a clip from `samples = clip[offset..]` (at least
/// [`Tile::sample_range`]): its columns are exactly the columns `first_frame..` of
/// [`render_spectrogram`] of the whole clip, so a page can draw a long clip tile by tile,
/// for the visible range only, without ever holding the whole image.
///
/// # Errors
/// As [`ImageStream::new`] and [`Tile::sample_range`]; [`Error::InvalidConfig`] naming
/// `samples` when they do not cover the tile's range.
pub fn render_tile(
    samples: &[f32],
    offset: usize,
    tile: &Tile,
    sample_rate_hz: f64,
    stft: &StftConfig,
    config: &ImageConfig,
) -> Result<RgbaImage> {
    let (lo, hi) = tile.sample_range(stft)?;
    if offset > lo || offset.saturating_add(samples.len()) < hi {
        return Err(Error::invalid(
            "samples",
            format!(
                "must cover clip samples {lo}..{hi}; got {offset}..{}",
                offset.saturating_add(samples.len())
            ),
        ));
    }
    // The padded signal under the tile's windows, framed without centring: local frame j
    // starts at local index j * hop, i.e. at the clip's window start of frame first + j.
    let (a, b) = tile.window_span(stft);
    let local: Vec<f32> = (a..b)
        .map(|idx| match stft.padded_index(idx, tile.clip_len) {
            Some(i) => samples[i - offset],
            None => 0.0,
        })
        .collect();
    let local_stft = StftConfig {
        center: false,
        ..stft.clone()
    };
    let image = render_spectrogram(&local, sample_rate_hz, &local_stft, config)?;
    debug_assert_eq!(image.width, tile.frame_count);
    Ok(image)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_gain_and_range() {
        let config = ImageConfig {
            colormap: Colormap::Gray,
            height: 1,
            ..ImageConfig::default()
        };
        let map = RowMap::new(&config, 16000.0, 2).unwrap();
        let mut out = Vec::new();
        // -20 dB (= -gain) is white, -100 dB (= -gain - range) black, -60 dB mid-grey.
        render_db_columns(
            &[-20.0, -20.0, -100.0, -100.0, -60.0, -60.0],
            2,
            &map,
            &config,
            &mut out,
        );
        assert_eq!(out.len(), 12);
        assert_eq!(&out[0..4], &[255, 255, 255, 255]);
        assert_eq!(&out[4..8], &[0, 0, 0, 255]);
        assert_eq!(out[8], 127);
    }

    #[test]
    fn rows_run_from_high_to_low_frequency() {
        for scale in [
            FrequencyScale::Linear,
            FrequencyScale::Log,
            FrequencyScale::Mel,
        ] {
            let config = ImageConfig {
                frequency_scale: scale,
                height: 64,
                ..ImageConfig::default()
            };
            let map = RowMap::new(&config, 16000.0, 512).unwrap();
            let pos: Vec<f32> = map.rows.iter().map(|&(l, w)| l as f32 + w).collect();
            assert!(pos.windows(2).all(|p| p[0] >= p[1]), "{scale:?}");
            assert!(
                pos[0] > 240.0 && pos[63] < 8.0,
                "{scale:?}: {} {}",
                pos[0],
                pos[63]
            );
        }
    }

    #[test]
    fn tiles_match_the_whole_image_column_for_column() {
        use crate::stft::PadMode;
        use crate::window::WindowKind;
        let rate = 16000.0;
        let clip: Vec<f32> = (0..9000)
            .map(|i| {
                let t = i as f32 / 16000.0;
                (2.0 * std::f32::consts::PI * (300.0 + 2000.0 * t) * t).sin() * 0.3
                    + ((i * 7919) % 113) as f32 / 1130.0
            })
            .collect();
        let config = ImageConfig {
            height: 48,
            frequency_scale: FrequencyScale::Mel,
            ..ImageConfig::default()
        };
        let configs = [
            StftConfig::default(),
            StftConfig {
                pad_mode: PadMode::Reflect,
                win_length: 400,
                ..StftConfig::default()
            },
            StftConfig {
                center: false,
                window: WindowKind::Hamming,
                n_fft: 400,
                win_length: 400,
                ..StftConfig::default()
            },
        ];
        for stft in &configs {
            let whole = render_spectrogram(&clip, rate, stft, &config).unwrap();
            let total = whole.width;
            for (first, count) in [(0, 1), (0, 7), (3, 20), (total - 5, 5), (0, total)] {
                let tile = Tile {
                    first_frame: first,
                    frame_count: count,
                    clip_len: clip.len(),
                };
                let (lo, hi) = tile.sample_range(stft).unwrap();
                let got = render_tile(&clip[lo..hi], lo, &tile, rate, stft, &config).unwrap();
                assert_eq!((got.width, got.height), (count, whole.height));
                for row in 0..whole.height {
                    let w =
                        &whole.rgba[4 * (row * total + first)..4 * (row * total + first + count)];
                    let t = &got.rgba[4 * row * count..4 * (row + 1) * count];
                    assert_eq!(w, t, "{stft:?} tile {first}+{count} row {row}");
                }
            }
            // Too few samples, frames past the end, and an empty tile are errors.
            let tile = Tile {
                first_frame: 10,
                frame_count: 10,
                clip_len: clip.len(),
            };
            let (lo, hi) = tile.sample_range(stft).unwrap();
            let err = render_tile(&clip[lo + 1..hi], lo + 1, &tile, rate, stft, &config);
            assert!(
                matches!(err, Err(Error::InvalidConfig { ref field, .. }) if field == "samples")
            );
            for (first, count) in [(total, 1), (total - 1, 2), (0, 0)] {
                let tile = Tile {
                    first_frame: first,
                    frame_count: count,
                    clip_len: clip.len(),
                };
                assert!(tile.sample_range(stft).is_err(), "{first}+{count}");
            }
        }
    }

    #[test]
    fn bad_geometry_is_rejected() {
        let config = ImageConfig {
            height: 0,
            ..ImageConfig::default()
        };
        assert!(RowMap::new(&config, 16000.0, 512).is_err());
        let config = ImageConfig {
            range_db: 0.0,
            ..ImageConfig::default()
        };
        assert!(validate_levels(&config).is_err());
    }
}
