//! The voice activity options and the foreground/background labeller's, which the
//! analyzer takes on top of them. Ranges are checked by the configurations' `validate`.

use super::{apply_rows, check_names, names, Kind, OptionDoc, OptionMap, OptionSpec};
use super::{OptionValue, OptionValue::Number};
use crate::error::Result;
use crate::fgbg::AnalyzerConfig;
use crate::vad::VadConfig;

type VadRow = OptionSpec<VadConfig, VadConfig>;
type LabellerRow = OptionSpec<AnalyzerConfig, AnalyzerConfig>;

fn num(x: impl Into<f64>) -> Option<OptionValue> {
    Some(Number(x.into()))
}

const VAD: [VadRow; 6] = [
    number_row!("threshold", "threshold" => threshold, finite, "Speech probability at which speech starts, in (0, 1)"),
    VadRow {
        name: "offThreshold",
        python: "off_threshold",
        kind: Kind::Number {
            finite: true,
            set: |c, x| c.off_threshold = Some(x as f32),
        },
        get: |c| num(c.off_threshold()),
        doc: "Probability below which speech may end, in (0, threshold]",
    },
    number_row!("minSpeechMs", "min_speech_ms" => min_speech_ms, finite, "Shortest segment kept, ms, 0..=10000"),
    number_row!("minSilenceMs", "min_silence_ms" => min_silence_ms, finite, "Shortest pause that splits a segment, ms, 10..=10000"),
    number_row!("padBeforeMs", "pad_before_ms" => pad_before_ms, finite, "Padding added before each segment, ms, 0..=2000"),
    number_row!("padAfterMs", "pad_after_ms" => pad_after_ms, finite, "Padding added after each segment, ms, 0..=2000"),
];

const LABELLER: [LabellerRow; 5] = [
    number_row!("backgroundThreshold", "background_threshold" => background_threshold, finite, "Background posterior above which a frame leans background, in (0, 1)"),
    number_row!("switchPenalty", "switch_penalty" => switch_penalty, finite, "Cost of a label change inside a speech segment, nats, 0..=100"),
    number_row!("minLabelMs", "min_label_ms" => min_label_ms, finite, "Shortest labelled run, ms, 10..=10000; shorter runs join a neighbour"),
    number_row!("overlapThreshold", "overlap_threshold" => overlap_threshold, finite, "Mean overlap posterior above which a foreground run is flagged overlap, in (0, 1)"),
    number_row!("silenceThreshold", "silence_threshold" => silence_threshold, finite, "No-speech posterior above which a frame inside speech is left unlabelled, in (0, 1)"),
];

/// Option names [`vad_config`] accepts.
pub const VAD_OPTIONS: &[&str] = &names(&VAD);

/// Option names [`analyzer_config`] accepts besides the VAD's ([`VAD_OPTIONS`]).
pub const LABELLER_OPTIONS: &[&str] = &names(&LABELLER);

/// Builds and validates a voice activity configuration from camelCase options (absent or
/// null = default).
///
/// # Errors
/// [`crate::Error::UnknownOption`] or [`crate::Error::InvalidConfig`] naming the field and
/// its range.
pub fn vad_config(options: &OptionMap) -> Result<VadConfig> {
    check_names(options, VAD_OPTIONS)?;
    let mut c = VadConfig::default();
    apply_rows(&VAD, options, &mut c)?;
    c.validate()?;
    Ok(c)
}

/// The effective options of a voice activity configuration.
pub fn vad_options(config: &VadConfig) -> OptionMap {
    super::report_rows(&VAD, config)
}

/// Builds and validates a foreground/background configuration from camelCase options
/// (absent or null = default).
///
/// # Errors
/// [`crate::Error::UnknownOption`] or [`crate::Error::InvalidConfig`] naming the field and
/// its range.
pub fn analyzer_config(options: &OptionMap) -> Result<AnalyzerConfig> {
    let known: Vec<&str> = VAD_OPTIONS
        .iter()
        .chain(LABELLER_OPTIONS)
        .copied()
        .collect();
    check_names(options, &known)?;
    let mut c = AnalyzerConfig::default();
    apply_rows(&VAD, options, &mut c.vad)?;
    c.vad.validate()?;
    apply_rows(&LABELLER, options, &mut c)?;
    c.validate()?;
    Ok(c)
}

/// The effective options of a foreground/background configuration.
pub fn analyzer_options(config: &AnalyzerConfig) -> OptionMap {
    let mut o = vad_options(&config.vad);
    o.extend(super::report_rows(&LABELLER, config));
    o
}

pub(super) fn vad_docs() -> Vec<OptionDoc> {
    super::docs(&VAD, &VadConfig::default())
}

pub(super) fn labeller_docs() -> Vec<OptionDoc> {
    super::docs(&LABELLER, &AnalyzerConfig::default())
}
