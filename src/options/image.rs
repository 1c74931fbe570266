//! The spectrogram image options (colour map, levels, frequency axis, size). The image
//! functions take them together with the spectrogram's STFT options in one object; `fMin`
//! and `fMax` there are the image's frequency range.

use super::OptionValue::*;
use super::{apply_rows, check_names, names, Kind, Max, OptionDoc, OptionMap, OptionSpec};
use crate::error::Result;
use crate::image::{Colormap, FrequencyScale, ImageConfig};
use crate::spectrogram::SpectrogramConfig;

type Row = OptionSpec<ImageConfig, ImageConfig>;

/// The table. Levels and the frequency range are checked when the image is drawn
/// ([`crate::image`]), which names their ranges.
const ROWS: [Row; 7] = [
    Row {
        name: "colormap",
        python: "colormap",
        kind: Kind::Choice {
            values: &["viridis", "magma", "gray"],
            set: |c, s| {
                c.colormap = s.parse::<Colormap>()?;
                Ok(())
            },
        },
        get: |c| Some(Str(c.colormap.as_str().into())),
        doc: "Colour map",
    },
    number_row!("gainDb", "gain_db" => gain_db, any, "Gain added before mapping, dB (-gainDb dBFS and above is the top colour)"),
    number_row!("rangeDb", "range_db" => range_db, any, "Range mapped onto the colour map, dB, in (0, 200]"),
    Row {
        name: "frequencyScale",
        python: "frequency_scale",
        kind: Kind::Choice {
            values: &["linear", "log", "mel"],
            set: |c, s| {
                c.frequency_scale = s.parse::<FrequencyScale>()?;
                Ok(())
            },
        },
        get: |c| Some(Str(c.frequency_scale.as_str().into())),
        doc: "Frequency axis",
    },
    Row {
        name: "height",
        python: "height",
        kind: Kind::Int {
            min: 1,
            max: Max::Fixed(4096),
            set: |c, n| c.height = n,
        },
        get: |c| Some(Number(c.height as f64)),
        doc: "Image height, pixels",
    },
    number_row!("fMin", "fmin" => f_min_hz, any, "Lowest frequency drawn, Hz (20 Hz is used for a log axis when 0)"),
    Row {
        name: "fMax",
        python: "fmax",
        kind: Kind::NumberOrNull {
            finite: false,
            set: |c, x| c.f_max_hz = x,
        },
        get: |c| Some(c.f_max_hz.map_or(Null, Number)),
        doc: "Highest frequency drawn, Hz (null: Nyquist)",
    },
];

/// Image option names (the image functions pass the rest to [`super::spectrogram_config`]).
pub const IMAGE_OPTIONS: &[&str] = &names(&ROWS);

/// Builds an image configuration from image options (absent or null = default).
///
/// # Errors
/// [`crate::Error::UnknownOption`] or [`crate::Error::InvalidConfig`] naming the field.
pub fn image_config(options: &OptionMap) -> Result<ImageConfig> {
    check_names(options, IMAGE_OPTIONS)?;
    let mut config = ImageConfig::default();
    apply_rows(&ROWS, options, &mut config)?;
    Ok(config)
}

/// Splits the options of an image function into its image options and the rest (the
/// spectrogram's).
pub fn split_image_options(options: OptionMap) -> (OptionMap, OptionMap) {
    options
        .into_iter()
        .partition(|(name, _)| IMAGE_OPTIONS.contains(&name.as_str()))
}

/// The spectrogram (STFT) and image configurations of an image function's options.
///
/// # Errors
/// As [`super::spectrogram_config`] and [`image_config`], spectrogram options first.
pub fn spectrogram_image_config(
    sample_rate_hz: f64,
    options: OptionMap,
) -> Result<(SpectrogramConfig, ImageConfig)> {
    let (image, stft) = split_image_options(options);
    let config = super::spectrogram_config(sample_rate_hz, &stft)?;
    Ok((config, image_config(&image)?))
}

pub(super) fn docs() -> Vec<OptionDoc> {
    super::docs(&ROWS, &ImageConfig::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_options_parse() {
        let map: OptionMap = vec![
            ("colormap".into(), Str("magma".into())),
            ("height".into(), Number(128.0)),
            ("fMax".into(), Null),
            ("nFft".into(), Number(1024.0)),
        ];
        let (stft, image) = spectrogram_image_config(16000.0, map).unwrap();
        assert_eq!(stft.stft.n_fft, 1024);
        assert_eq!((image.colormap, image.height), (Colormap::Magma, 128));
        let err = image_config(&vec![("height".into(), Number(0.5))]).unwrap_err();
        assert!(err.to_string().contains("1..=4096"), "{err}");
        let err = image_config(&vec![("colormap".into(), Str("jet".into()))]).unwrap_err();
        assert!(err.to_string().contains("colormap"), "{err}");
        for row in &ROWS {
            if let Kind::Choice { values, .. } = row.kind {
                for v in values {
                    let o = vec![(row.name.to_string(), Str(v.to_string()))];
                    assert!(image_config(&o).is_ok(), "{} {v}", row.name);
                }
            }
        }
    }

    #[test]
    fn every_row_reports_its_value() {
        let c = ImageConfig::default();
        let reported = super::super::report_rows(&ROWS, &c);
        assert_eq!(image_config(&reported).unwrap(), c);
    }
}
