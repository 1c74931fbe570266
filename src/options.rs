//! Loosely typed option maps (from JS objects, CLI flags or fixture manifests) turned into
//! validated configurations, with error messages that name the field and its allowed range.
//!
//! The vocabulary is librosa's parameter names in camelCase (`nFft`, `hopLength`,
//! `winLength`, `window`, `center`, `padMode`, `nMels`, `fMin`, `fMax`, `htk`, `norm`,
//! `power`, `topDb`, ...), so a JS caller who knows librosa needs no new words. Parsing lives
//! in the core (not in the wasm bindings) so that the CLI and the tests share it.

use crate::error::{Error, Result};
use crate::mel::{MelNorm, MelScale};
use crate::spectrogram::{LogScale, Output, Precision, Preset, SpectrogramConfig};
use crate::stft::PadMode;
use crate::window::WindowKind;

/// One option value as it arrives from a loosely typed caller.
#[derive(Debug, Clone, PartialEq)]
pub enum OptionValue {
    /// JS `null` (or `undefined`): "use the default" or "none", depending on the option.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number (JS numbers are `f64`).
    Number(f64),
    /// A string.
    Str(String),
}

impl OptionValue {
    fn type_name(&self) -> &'static str {
        match self {
            OptionValue::Null => "null",
            OptionValue::Bool(_) => "a boolean",
            OptionValue::Number(_) => "a number",
            OptionValue::Str(_) => "a string",
        }
    }
}

impl std::fmt::Display for OptionValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OptionValue::Null => write!(f, "null"),
            OptionValue::Bool(b) => write!(f, "{b}"),
            OptionValue::Number(x) => write!(f, "{x}"),
            OptionValue::Str(s) => write!(f, "{s:?}"),
        }
    }
}

/// An ordered list of `(name, value)` pairs.
pub type OptionMap = Vec<(String, OptionValue)>;

/// Typed accessors that produce the crate's error messages.
struct Field<'a> {
    name: &'a str,
    value: &'a OptionValue,
}

impl Field<'_> {
    fn wrong_type(&self, expected: &str) -> Error {
        Error::invalid(
            self.name,
            format!(
                "must be {expected}; got {} ({})",
                self.value.type_name(),
                self.value
            ),
        )
    }

    fn bool(&self) -> Result<bool> {
        match self.value {
            OptionValue::Bool(b) => Ok(*b),
            _ => Err(self.wrong_type("a boolean")),
        }
    }

    fn str(&self, expected: &str) -> Result<&str> {
        match self.value {
            OptionValue::Str(s) => Ok(s),
            _ => Err(self.wrong_type(expected)),
        }
    }

    /// An integer in `lo..=hi`.
    fn int(&self, lo: usize, hi: usize) -> Result<usize> {
        let expected = format!("an integer in {lo}..={hi}");
        match self.value {
            OptionValue::Number(x) if x.fract() == 0.0 && *x >= lo as f64 && *x <= hi as f64 => {
                Ok(*x as usize)
            }
            OptionValue::Number(_) => Err(Error::invalid(
                self.name,
                format!("must be {expected}; got {}", self.value),
            )),
            _ => Err(self.wrong_type(&expected)),
        }
    }

    /// A finite number.
    fn number(&self) -> Result<f64> {
        match self.value {
            OptionValue::Number(x) if x.is_finite() => Ok(*x),
            OptionValue::Number(_) => Err(Error::invalid(
                self.name,
                format!("must be a finite number; got {}", self.value),
            )),
            _ => Err(self.wrong_type("a number")),
        }
    }

    /// A finite number, or `None` for null.
    fn number_or_null(&self) -> Result<Option<f64>> {
        match self.value {
            OptionValue::Null => Ok(None),
            _ => self.number().map(Some),
        }
    }
}

/// Option names [`spectrogram_config`] accepts.
pub const SPECTROGRAM_OPTIONS: &[&str] = &[
    "preset",
    "nFft",
    "hopLength",
    "winLength",
    "window",
    "center",
    "padMode",
    "power",
    "output",
    "nMels",
    "fMin",
    "fMax",
    "htk",
    "melScale",
    "norm",
    "nMfcc",
    "db",
    "log",
    "amin",
    "ref",
    "topDb",
    "preemphasis",
    "removeDc",
    "sampleScale",
    "precision",
];

/// Checks every name against `known`; the first unknown one is an error that lists `known`.
///
/// # Errors
/// [`Error::UnknownOption`].
pub fn check_names(options: &OptionMap, known: &[&str]) -> Result<()> {
    for (name, _) in options {
        if !known.contains(&name.as_str()) {
            return Err(Error::UnknownOption {
                name: name.clone(),
                known: known.join(", "),
            });
        }
    }
    Ok(())
}

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
    let get = |name: &str| {
        options
            .iter()
            .rev()
            .find(|(n, v)| n == name && *v != OptionValue::Null)
            .map(|(n, v)| Field { name: n, value: v })
    };
    let has = |name: &str| options.iter().any(|(n, _)| n == name);
    let preset = match get("preset") {
        Some(f) => f.str("a preset name")?.parse::<Preset>()?,
        None => Preset::Librosa,
    };
    let mut c = SpectrogramConfig::preset(preset, sample_rate_hz);
    let preset_win_is_n_fft = c.stft.win_length == c.stft.n_fft;
    if let Some(f) = get("nFft") {
        c.stft.n_fft = f.int(crate::stft::MIN_N_FFT, crate::stft::MAX_N_FFT)?;
    }
    match get("winLength") {
        Some(f) => c.stft.win_length = f.int(1, c.stft.n_fft)?,
        // librosa: win_length defaults to n_fft.
        None if preset_win_is_n_fft => c.stft.win_length = c.stft.n_fft,
        None => c.stft.win_length = c.stft.win_length.min(c.stft.n_fft),
    }
    if let Some(f) = get("hopLength") {
        c.stft.hop_length = f.int(1, crate::stft::MAX_N_FFT)?;
    }
    if let Some(f) = get("window") {
        c.stft.window = f.str("a window name")?.parse::<WindowKind>()?;
    }
    if let Some(f) = get("center") {
        c.stft.center = f.bool()?;
    }
    if let Some(f) = get("padMode") {
        c.stft.pad_mode = f.str("\"constant\" or \"reflect\"")?.parse::<PadMode>()?;
    }
    if let Some(f) = get("sampleScale") {
        c.stft.sample_scale = f.number()? as f32;
    }
    if let Some(f) = get("removeDc") {
        c.stft.remove_dc = f.bool()?;
    }
    if let Some(f) = get("preemphasis") {
        c.stft.preemphasis = f.number()? as f32;
    }
    if let Some(f) = get("precision") {
        c.precision = f.str("\"double\" or \"single\"")?.parse::<Precision>()?;
    }
    if let Some(f) = get("power") {
        c.power = f.number()? as f32;
    }
    if let Some(f) = get("output") {
        c.output = f
            .str("\"linear\", \"mel\" or \"mfcc\"")?
            .parse::<Output>()?;
    }
    if let Some(f) = get("nMels") {
        c.n_mels = f.int(1, 1024)?;
    }
    if let Some(f) = get("nMfcc") {
        c.n_mfcc = f.int(1, 1024)?;
    }
    if let Some(f) = get("fMin") {
        c.f_min = f.number()?;
    }
    if has("fMax") {
        c.f_max = match get("fMax") {
            Some(f) => f.number_or_null()?,
            None => None,
        };
    }
    if let Some(f) = get("htk") {
        c.mel_scale = if f.bool()? {
            MelScale::Htk
        } else {
            MelScale::Slaney
        };
    }
    if let Some(f) = get("melScale") {
        c.mel_scale = f
            .str("\"slaney\", \"htk\" or \"kaldi\"")?
            .parse::<MelScale>()?;
    }
    if has("norm") {
        c.mel_norm = match get("norm") {
            None => MelNorm::None,
            Some(f) => f.str("\"slaney\" or null")?.parse::<MelNorm>()?,
        };
    }
    let db = get("db").map(|f| f.bool()).transpose()?;
    let ln = get("log").map(|f| f.bool()).transpose()?;
    if db == Some(true) && ln == Some(true) {
        return Err(Error::invalid("log", "db and log cannot both be true"));
    }
    if db == Some(true) || (c.output == Output::Mfcc && db.is_none()) {
        let amin_default = if c.power == 1.0 { 1e-5 } else { 1e-10 };
        c.log = LogScale::Db {
            amin: amin_default,
            reference: 1.0,
            top_db: Some(80.0),
        };
    } else if ln == Some(true) {
        c.log = LogScale::Ln {
            floor: f32::EPSILON,
        };
    } else if db == Some(false) || ln == Some(false) {
        c.log = LogScale::None;
    }
    let amin = get("amin").map(|f| f.number()).transpose()?;
    let reference = get("ref").map(|f| f.number()).transpose()?;
    let top_db = if has("topDb") {
        Some(match get("topDb") {
            Some(f) => f.number_or_null()?,
            None => None,
        })
    } else {
        None
    };
    match &mut c.log {
        LogScale::Db {
            amin: a,
            reference: r,
            top_db: t,
        } => {
            if let Some(v) = amin {
                *a = v as f32;
            }
            if let Some(v) = reference {
                *r = v as f32;
            }
            if let Some(v) = top_db {
                *t = v.map(|x| x as f32);
            }
        }
        LogScale::Ln { floor } => {
            if let Some(v) = amin {
                *floor = v as f32;
            }
        }
        LogScale::None => {
            for (name, given) in [("amin", amin.is_some()), ("ref", reference.is_some())] {
                if given {
                    return Err(Error::invalid(
                        name,
                        "only applies with db = true or log = true",
                    ));
                }
            }
        }
    }
    c.validate()?;
    Ok(c)
}

/// The effective options of `config`, in the same vocabulary, for reporting back to callers
/// ("the options actually used").
pub fn spectrogram_options(config: &SpectrogramConfig) -> OptionMap {
    use OptionValue::*;
    let mut o: OptionMap = vec![
        ("preset".into(), Str(config.preset.to_string())),
        ("sampleRate".into(), Number(config.sample_rate_hz)),
        ("nFft".into(), Number(config.stft.n_fft as f64)),
        ("hopLength".into(), Number(config.stft.hop_length as f64)),
        ("winLength".into(), Number(config.stft.win_length as f64)),
        ("window".into(), Str(config.stft.window.to_string())),
        ("center".into(), Bool(config.stft.center)),
        ("padMode".into(), Str(config.stft.pad_mode.to_string())),
        (
            "sampleScale".into(),
            Number(config.stft.sample_scale as f64),
        ),
        ("removeDc".into(), Bool(config.stft.remove_dc)),
        ("preemphasis".into(), Number(config.stft.preemphasis as f64)),
        ("precision".into(), Str(config.precision.to_string())),
        ("power".into(), Number(config.power as f64)),
        ("output".into(), Str(config.output.to_string())),
    ];
    if config.output != Output::Linear {
        o.push(("nMels".into(), Number(config.n_mels as f64)));
        o.push(("fMin".into(), Number(config.f_min)));
        o.push((
            "fMax".into(),
            Number(config.f_max.unwrap_or(config.sample_rate_hz / 2.0)),
        ));
        o.push(("melScale".into(), Str(config.mel_scale.to_string())));
        o.push((
            "norm".into(),
            match config.mel_norm {
                MelNorm::Slaney => Str("slaney".into()),
                MelNorm::None => Null,
            },
        ));
    }
    if config.output == Output::Mfcc {
        o.push(("nMfcc".into(), Number(config.n_mfcc as f64)));
    }
    match config.log {
        LogScale::None => {
            o.push(("db".into(), Bool(false)));
            o.push(("log".into(), Bool(false)));
        }
        LogScale::Db {
            amin,
            reference,
            top_db,
        } => {
            o.push(("db".into(), Bool(true)));
            o.push(("amin".into(), Number(amin as f64)));
            o.push(("ref".into(), Number(reference as f64)));
            o.push(("topDb".into(), top_db.map_or(Null, |t| Number(t as f64))));
        }
        LogScale::Ln { floor } => {
            o.push(("log".into(), Bool(true)));
            o.push(("amin".into(), Number(floor as f64)));
        }
    }
    o
}

/// Option names [`vad_config`] accepts.
pub const VAD_OPTIONS: &[&str] = &[
    "threshold",
    "offThreshold",
    "minSpeechMs",
    "minSilenceMs",
    "padBeforeMs",
    "padAfterMs",
];

/// Builds and validates a voice activity configuration from camelCase options (absent or
/// null = default).
///
/// # Errors
/// [`Error::UnknownOption`] or [`Error::InvalidConfig`] naming the field and its range.
pub fn vad_config(options: &OptionMap) -> Result<crate::vad::VadConfig> {
    check_names(options, VAD_OPTIONS)?;
    let mut c = crate::vad::VadConfig::default();
    for (name, value) in options {
        if *value == OptionValue::Null {
            continue;
        }
        let f = Field { name, value };
        match name.as_str() {
            "threshold" => c.threshold = f.number()? as f32,
            "offThreshold" => c.off_threshold = Some(f.number()? as f32),
            "minSpeechMs" => c.min_speech_ms = f.number()?,
            "minSilenceMs" => c.min_silence_ms = f.number()?,
            "padBeforeMs" => c.pad_before_ms = f.number()?,
            "padAfterMs" => c.pad_after_ms = f.number()?,
            _ => {}
        }
    }
    c.validate()?;
    Ok(c)
}

/// The effective options of a voice activity configuration.
pub fn vad_options(config: &crate::vad::VadConfig) -> OptionMap {
    use OptionValue::Number;
    vec![
        ("threshold".into(), Number(config.threshold as f64)),
        ("offThreshold".into(), Number(config.off_threshold() as f64)),
        ("minSpeechMs".into(), Number(config.min_speech_ms)),
        ("minSilenceMs".into(), Number(config.min_silence_ms)),
        ("padBeforeMs".into(), Number(config.pad_before_ms)),
        ("padAfterMs".into(), Number(config.pad_after_ms)),
    ]
}

/// Option names [`analyzer_config`] accepts besides the VAD's ([`VAD_OPTIONS`]).
pub const LABELLER_OPTIONS: &[&str] = &[
    "backgroundThreshold",
    "switchPenalty",
    "minLabelMs",
    "overlapThreshold",
    "silenceThreshold",
];

/// Builds and validates a foreground/background configuration from camelCase options
/// (absent or null = default).
///
/// # Errors
/// [`Error::UnknownOption`] or [`Error::InvalidConfig`] naming the field and its range.
pub fn analyzer_config(options: &OptionMap) -> Result<crate::fgbg::AnalyzerConfig> {
    let known: Vec<&str> = VAD_OPTIONS
        .iter()
        .chain(LABELLER_OPTIONS)
        .copied()
        .collect();
    check_names(options, &known)?;
    let (vad_part, own): (OptionMap, OptionMap) = options
        .iter()
        .cloned()
        .partition(|(k, _)| VAD_OPTIONS.contains(&k.as_str()));
    let mut c = crate::fgbg::AnalyzerConfig {
        vad: vad_config(&vad_part)?,
        ..Default::default()
    };
    for (name, value) in &own {
        if *value == OptionValue::Null {
            continue;
        }
        let f = Field { name, value };
        match name.as_str() {
            "backgroundThreshold" => c.background_threshold = f.number()? as f32,
            "switchPenalty" => c.switch_penalty = f.number()? as f32,
            "minLabelMs" => c.min_label_ms = f.number()?,
            "overlapThreshold" => c.overlap_threshold = f.number()? as f32,
            "silenceThreshold" => c.silence_threshold = f.number()? as f32,
            _ => {}
        }
    }
    c.validate()?;
    Ok(c)
}

/// The effective options of a foreground/background configuration.
pub fn analyzer_options(config: &crate::fgbg::AnalyzerConfig) -> OptionMap {
    use OptionValue::Number;
    let mut o = vad_options(&config.vad);
    o.extend([
        (
            "backgroundThreshold".into(),
            Number(config.background_threshold as f64),
        ),
        ("switchPenalty".into(), Number(config.switch_penalty as f64)),
        ("minLabelMs".into(), Number(config.min_label_ms)),
        (
            "overlapThreshold".into(),
            Number(config.overlap_threshold as f64),
        ),
        (
            "silenceThreshold".into(),
            Number(config.silence_threshold as f64),
        ),
    ]);
    o
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
}
