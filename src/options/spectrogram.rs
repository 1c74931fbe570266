//! The spectrogram options: one table from `preset` to `sampleScale`.

use super::{apply_rows, check_names, names, Kind, Max, OptionDoc, OptionMap, OptionSpec};
use super::{OptionValue, OptionValue::*};
use crate::error::{Error, Result};
use crate::mel::{MelNorm, MelScale};
use crate::spectrogram::{LogScale, Output, Preset, SpectrogramConfig};
use crate::stft::{PadMode, MAX_N_FFT, MIN_N_FFT};
use crate::window::WindowKind;

/// A spectrogram configuration being built: the preset's, with the options that depend on
/// each other (`winLength` on `nFft`, the log options on `db`/`log`) settled at the end.
struct Draft {
    config: SpectrogramConfig,
    win_length_given: bool,
    db: Option<bool>,
    log: Option<bool>,
    amin: Option<f64>,
    reference: Option<f64>,
    /// `Some(None)`: `topDb: null` (no floor).
    top_db: Option<Option<f64>>,
}

// The rows that set a field of the configuration read as the rows that report it.
impl std::ops::Deref for Draft {
    type Target = SpectrogramConfig;
    fn deref(&self) -> &SpectrogramConfig {
        &self.config
    }
}

impl std::ops::DerefMut for Draft {
    fn deref_mut(&mut self) -> &mut SpectrogramConfig {
        &mut self.config
    }
}

type Row = OptionSpec<Draft, SpectrogramConfig>;

fn num(x: impl Into<f64>) -> Option<OptionValue> {
    Some(Number(x.into()))
}

fn text(s: &str) -> Option<OptionValue> {
    Some(Str(s.into()))
}

fn mel(c: &SpectrogramConfig, v: OptionValue) -> Option<OptionValue> {
    (c.output != Output::Linear).then_some(v)
}

fn db(c: &SpectrogramConfig) -> Option<(f32, f32, Option<f32>)> {
    match c.log {
        LogScale::Db {
            amin,
            reference,
            top_db,
        } => Some((amin, reference, top_db)),
        _ => None,
    }
}

/// The table. Its order is the order of the names an unknown-name error lists and of the
/// effective options; values apply in this order after `preset` (`htk` before `melScale`,
/// so `melScale` wins).
const ROWS: [Row; 24] = [
    Row {
        name: "preset",
        python: "preset",
        // Read first by `spectrogram_config`: every other option applies on top of it.
        kind: Kind::Choice {
            values: &["librosa", "kaldi", "torchaudio"],
            set: |_, _| Ok(()),
        },
        get: |c| text(c.preset.as_str()),
        doc: "Defaults of every other option: librosa melspectrogram, Kaldi fbank or torchaudio MelSpectrogram",
    },
    Row {
        name: "nFft",
        python: "n_fft",
        kind: Kind::Int {
            min: MIN_N_FFT,
            max: Max::Fixed(MAX_N_FFT),
            set: |d, n| d.stft.n_fft = n,
        },
        get: |c| num(c.stft.n_fft as f64),
        doc: "FFT length, samples",
    },
    Row {
        name: "hopLength",
        python: "hop_length",
        kind: Kind::Int {
            min: 1,
            max: Max::Fixed(MAX_N_FFT),
            set: |d, n| d.stft.hop_length = n,
        },
        get: |c| num(c.stft.hop_length as f64),
        doc: "Samples between frame starts",
    },
    Row {
        name: "winLength",
        python: "win_length",
        kind: Kind::Int {
            min: 1,
            max: Max::Of("nFft", |d| d.stft.n_fft),
            set: |d, n| {
                d.stft.win_length = n;
                d.win_length_given = true;
            },
        },
        get: |c| num(c.stft.win_length as f64),
        doc: "Window length, samples, centred in the FFT frame (librosa: nFft)",
    },
    Row {
        name: "window",
        python: "window",
        kind: Kind::Choice {
            values: &["hann", "hamming", "blackman", "povey", "rectangular"],
            set: |d, s| {
                d.stft.window = s.parse::<WindowKind>()?;
                Ok(())
            },
        },
        get: |c| text(c.stft.window.as_str()),
        doc: "Window function (periodic forms, as scipy's get_window(fftbins=True))",
    },
    Row {
        name: "center",
        python: "center",
        kind: Kind::Bool {
            set: |d, b| d.stft.center = b,
        },
        get: |c| Some(Bool(c.stft.center)),
        doc: "Centre frame t on sample t * hopLength (pads nFft / 2 at both ends)",
    },
    Row {
        name: "padMode",
        python: "pad_mode",
        kind: Kind::Choice {
            values: &["constant", "reflect"],
            set: |d, s| {
                d.stft.pad_mode = s.parse::<PadMode>()?;
                Ok(())
            },
        },
        get: |c| text(c.stft.pad_mode.as_str()),
        doc: "How centred frames extend the signal beyond its ends",
    },
    number_row!("power", "power" => power, finite, "Exponent of the magnitude (1 = magnitude, 2 = power)"),
    Row {
        name: "output",
        python: "output",
        kind: Kind::Choice {
            values: &["linear", "mel", "mfcc"],
            set: |d, s| {
                d.output = s.parse::<Output>()?;
                Ok(())
            },
        },
        get: |c| text(c.output.as_str()),
        doc: "Rows: linear-frequency bins, mel bands or MFCCs",
    },
    Row {
        name: "nMels",
        python: "n_mels",
        kind: Kind::Int {
            min: 1,
            max: Max::Fixed(1024),
            set: |d, n| d.n_mels = n,
        },
        get: |c| mel(c, Number(c.n_mels as f64)),
        doc: "Number of mel bands",
    },
    Row {
        name: "fMin",
        python: "fmin",
        kind: Kind::Number {
            finite: true,
            set: |d, x| d.f_min = x,
        },
        get: |c| mel(c, Number(c.f_min)),
        doc: "Lowest mel band edge, Hz",
    },
    Row {
        name: "fMax",
        python: "fmax",
        kind: Kind::NumberOrNull {
            finite: true,
            set: |d, x| d.f_max = x,
        },
        get: |c| mel(c, Number(c.f_max.unwrap_or(c.sample_rate_hz / 2.0))),
        doc: "Highest mel band edge, Hz (null: Nyquist)",
    },
    Row {
        name: "htk",
        python: "htk",
        kind: Kind::Bool {
            set: |d, b| {
                d.mel_scale = if b { MelScale::Htk } else { MelScale::Slaney };
            },
        },
        // Reported as `melScale`.
        get: |_| None,
        doc: "librosa's htk flag: true = melScale \"htk\", false = \"slaney\"",
    },
    Row {
        name: "melScale",
        python: "mel_scale",
        kind: Kind::Choice {
            values: &["slaney", "htk", "kaldi"],
            set: |d, s| {
                d.mel_scale = s.parse::<MelScale>()?;
                Ok(())
            },
        },
        get: |c| mel(c, Str(c.mel_scale.as_str().into())),
        doc: "Mel scale formula",
    },
    Row {
        name: "norm",
        python: "norm",
        kind: Kind::ChoiceOrNull {
            values: &["slaney"],
            set: |d, s| {
                d.mel_norm = match s {
                    None => MelNorm::None,
                    Some("slaney") => MelNorm::Slaney,
                    Some(other) => {
                        return Err(Error::invalid(
                            "norm",
                            format!("must be \"slaney\" or null; got {other:?}"),
                        ))
                    }
                };
                Ok(())
            },
        },
        get: |c| {
            let norm = match c.mel_norm {
                MelNorm::Slaney => Str("slaney".into()),
                MelNorm::None => Null,
            };
            mel(c, norm)
        },
        doc: "Band normalisation: \"slaney\" (unit area) or null (peak 1)",
    },
    Row {
        name: "nMfcc",
        python: "n_mfcc",
        kind: Kind::Int {
            min: 1,
            max: Max::Fixed(1024),
            set: |d, n| d.n_mfcc = n,
        },
        get: |c| (c.output == Output::Mfcc).then_some(Number(c.n_mfcc as f64)),
        doc: "Number of MFCCs",
    },
    Row {
        name: "db",
        python: "db",
        kind: Kind::Bool {
            set: |d, b| d.db = Some(b),
        },
        get: |c| match c.log {
            LogScale::None => Some(Bool(false)),
            LogScale::Db { .. } => Some(Bool(true)),
            LogScale::Ln { .. } => None,
        },
        doc: "Decibels as librosa's power_to_db (default true for MFCC)",
    },
    Row {
        name: "log",
        python: "log",
        kind: Kind::Bool {
            set: |d, b| d.log = Some(b),
        },
        get: |c| match c.log {
            LogScale::None => Some(Bool(false)),
            LogScale::Db { .. } => None,
            LogScale::Ln { .. } => Some(Bool(true)),
        },
        doc: "Natural log floored at amin (Kaldi)",
    },
    Row {
        name: "amin",
        python: "amin",
        kind: Kind::Number {
            finite: true,
            set: |d, x| d.amin = Some(x),
        },
        get: |c| match c.log {
            LogScale::Db { amin, .. } => num(amin),
            LogScale::Ln { floor } => num(floor),
            LogScale::None => None,
        },
        doc: "Floor of the value before the log (db: 1e-10 for power, 1e-5 for magnitude)",
    },
    Row {
        name: "ref",
        python: "ref",
        kind: Kind::Number {
            finite: true,
            set: |d, x| d.reference = Some(x),
        },
        get: |c| db(c).map(|(_, reference, _)| Number(reference as f64)),
        doc: "Value mapped to 0 dB",
    },
    Row {
        name: "topDb",
        python: "top_db",
        kind: Kind::NumberOrNull {
            finite: true,
            set: |d, x| d.top_db = Some(x),
        },
        get: |c| db(c).map(|(_, _, top)| top.map_or(Null, |t| Number(t as f64))),
        doc: "dB kept below the whole output's maximum (null: no floor; not applied while streaming)",
    },
    number_row!("preemphasis", "preemphasis" => stft.preemphasis, finite, "Pre-emphasis coefficient per frame (Kaldi: 0.97)"),
    Row {
        name: "removeDc",
        python: "remove_dc",
        kind: Kind::Bool {
            set: |d, b| d.stft.remove_dc = b,
        },
        get: |c| Some(Bool(c.stft.remove_dc)),
        doc: "Subtract each frame's mean (Kaldi)",
    },
    number_row!("sampleScale", "sample_scale" => stft.sample_scale, finite, "Factor applied to the samples (Kaldi: 32768, 16-bit integer scale)"),
];

const PRESET: &Row = &ROWS[0];

/// Option names [`spectrogram_config`] accepts.
pub const SPECTROGRAM_OPTIONS: &[&str] = &names(&ROWS);

/// Builds and validates a spectrogram configuration: the `preset` option's defaults (librosa
/// when absent) with every other option applied on top. `null`/absent means "the preset's
/// value" except for `fMax` (null = Nyquist), `topDb` (null = no floor) and `norm`
/// (null = no band normalisation).
///
/// # Errors
/// [`Error::UnknownOption`], [`Error::InvalidConfig`] naming the field and its allowed
/// range, or [`Error::UnsupportedSampleRate`].
pub fn spectrogram_config(sample_rate_hz: f64, options: &OptionMap) -> Result<SpectrogramConfig> {
    check_names(options, SPECTROGRAM_OPTIONS)?;
    crate::spectrogram::validate_sample_rate(sample_rate_hz)?;
    let preset = options
        .iter()
        .rev()
        .find(|(n, v)| n == "preset" && *v != Null);
    let preset = match preset {
        Some((_, v)) => PRESET.expect_str(v)?.parse::<Preset>()?,
        None => Preset::Librosa,
    };
    let mut d = Draft {
        config: SpectrogramConfig::preset(preset, sample_rate_hz),
        win_length_given: false,
        db: None,
        log: None,
        amin: None,
        reference: None,
        top_db: None,
    };
    let preset_win_is_n_fft = d.config.stft.win_length == d.config.stft.n_fft;
    apply_rows(&ROWS, options, &mut d)?;
    let c = &mut d.config;
    if !d.win_length_given {
        c.stft.win_length = if preset_win_is_n_fft {
            // librosa: win_length defaults to n_fft.
            c.stft.n_fft
        } else {
            c.stft.win_length.min(c.stft.n_fft)
        };
    }
    if d.db == Some(true) && d.log == Some(true) {
        return Err(Error::invalid("log", "db and log cannot both be true"));
    }
    if d.db == Some(true) || (c.output == Output::Mfcc && d.db.is_none()) {
        let amin_default = if c.power == 1.0 { 1e-5 } else { 1e-10 };
        c.log = LogScale::Db {
            amin: amin_default,
            reference: 1.0,
            top_db: Some(80.0),
        };
    } else if d.log == Some(true) {
        c.log = LogScale::Ln {
            floor: f32::EPSILON,
        };
    } else if d.db == Some(false) || d.log == Some(false) {
        c.log = LogScale::None;
    }
    match &mut c.log {
        LogScale::Db {
            amin,
            reference,
            top_db,
        } => {
            if let Some(v) = d.amin {
                *amin = v as f32;
            }
            if let Some(v) = d.reference {
                *reference = v as f32;
            }
            if let Some(v) = d.top_db {
                *top_db = v.map(|x| x as f32);
            }
        }
        LogScale::Ln { floor } => {
            if let Some(v) = d.amin {
                *floor = v as f32;
            }
        }
        LogScale::None => {
            for (name, given) in [("amin", d.amin.is_some()), ("ref", d.reference.is_some())] {
                if given {
                    return Err(Error::invalid(
                        name,
                        "only applies with db = true or log = true",
                    ));
                }
            }
        }
    }
    d.config.validate()?;
    Ok(d.config)
}

/// The effective options of `config`, in the same vocabulary, for reporting back to callers
/// ("the options actually used"), with the `sampleRate` they apply to.
pub fn spectrogram_options(config: &SpectrogramConfig) -> OptionMap {
    let mut o = super::report_rows(&ROWS, config);
    o.insert(1, ("sampleRate".into(), Number(config.sample_rate_hz)));
    o
}

pub(super) fn docs() -> Vec<OptionDoc> {
    let mut rows = super::docs(&ROWS, &SpectrogramConfig::default());
    for row in &mut rows {
        match row.name {
            // The librosa preset's value depends on the sample rate.
            "fMax" => row.default = Some("null".into()),
            "htk" => row.default = Some("false".into()),
            _ => {}
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(pairs: &[(&str, OptionValue)]) -> OptionMap {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn empty_options_give_the_librosa_preset() {
        let c = spectrogram_config(16000.0, &vec![]).unwrap();
        assert_eq!(c, SpectrogramConfig::default());
    }

    #[test]
    fn n_fft_carries_win_length_like_librosa() {
        let c =
            spectrogram_config(16000.0, &opts(&[("nFft", OptionValue::Number(1024.0))])).unwrap();
        assert_eq!(c.stft.win_length, 1024);
    }

    #[test]
    fn errors_name_field_and_range() {
        let e = spectrogram_config(16000.0, &opts(&[("nFft", OptionValue::Number(3.5))]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("nFft") && e.contains("2..=65536"), "{e}");
        let e = spectrogram_config(16000.0, &opts(&[("hopLength", OptionValue::Number(0.0))]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("hopLength") && e.contains("1..="), "{e}");
        let e = spectrogram_config(16000.0, &opts(&[("nfft", OptionValue::Number(512.0))]))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("unknown option `nfft`") && e.contains("nFft"),
            "{e}"
        );
        let e = spectrogram_config(
            16000.0,
            &opts(&[("center", OptionValue::Str("yes".into()))]),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("center") && e.contains("boolean"), "{e}");
        let e = spectrogram_config(0.0, &vec![]).unwrap_err().to_string();
        assert!(e.contains("sample rate"), "{e}");
    }

    #[test]
    fn effective_options_round_trip() {
        for preset in ["librosa", "kaldi", "torchaudio"] {
            let c = spectrogram_config(
                22050.0,
                &opts(&[("preset", OptionValue::Str(preset.into()))]),
            )
            .unwrap();
            let mut o = spectrogram_options(&c);
            o.retain(|(k, _)| k != "sampleRate");
            let again = spectrogram_config(22050.0, &o).unwrap();
            assert_eq!(
                spectrogram_options(&again),
                spectrogram_options(&c),
                "{preset}"
            );
        }
    }

    #[test]
    fn every_listed_value_parses() {
        for row in &ROWS {
            if let Kind::Choice { values, .. } | Kind::ChoiceOrNull { values, .. } = row.kind {
                for v in values {
                    let o = opts(&[(row.name, OptionValue::Str(v.to_string()))]);
                    assert!(spectrogram_config(16000.0, &o).is_ok(), "{} {v}", row.name);
                }
            }
        }
    }
}
