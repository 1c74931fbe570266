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
    VadRow {
        name: "threshold",
        python: "threshold",
        kind: Kind::Number {
            finite: true,
            set: |c, x| c.threshold = x as f32,
        },
        get: |c| num(c.threshold),
        doc: "Speech probability at which speech starts, in (0, 1)",
    },
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
    VadRow {
        name: "minSpeechMs",
        python: "min_speech_ms",
        kind: Kind::Number {
            finite: true,
            set: |c, x| c.min_speech_ms = x,
        },
        get: |c| num(c.min_speech_ms),
        doc: "Shortest segment kept, ms, 0..=10000",
    },
    VadRow {
        name: "minSilenceMs",
        python: "min_silence_ms",
        kind: Kind::Number {
            finite: true,
            set: |c, x| c.min_silence_ms = x,
        },
        get: |c| num(c.min_silence_ms),
        doc: "Shortest pause that splits a segment, ms, 10..=10000",
    },
    VadRow {
        name: "padBeforeMs",
        python: "pad_before_ms",
        kind: Kind::Number {
            finite: true,
            set: |c, x| c.pad_before_ms = x,
        },
        get: |c| num(c.pad_before_ms),
        doc: "Padding added before each segment, ms, 0..=2000",
    },
    VadRow {
        name: "padAfterMs",
        python: "pad_after_ms",
        kind: Kind::Number {
            finite: true,
            set: |c, x| c.pad_after_ms = x,
        },
        get: |c| num(c.pad_after_ms),
        doc: "Padding added after each segment, ms, 0..=2000",
    },
];

const LABELLER: [LabellerRow; 5] = [
    LabellerRow {
        name: "backgroundThreshold",
        python: "background_threshold",
        kind: Kind::Number {
            finite: true,
            set: |c, x| c.background_threshold = x as f32,
        },
        get: |c| num(c.background_threshold),
        doc: "Background posterior above which a frame leans background, in (0, 1)",
    },
    LabellerRow {
        name: "switchPenalty",
        python: "switch_penalty",
        kind: Kind::Number {
            finite: true,
            set: |c, x| c.switch_penalty = x as f32,
        },
        get: |c| num(c.switch_penalty),
        doc: "Cost of a label change inside a speech segment, nats, 0..=100",
    },
    LabellerRow {
        name: "minLabelMs",
        python: "min_label_ms",
        kind: Kind::Number {
            finite: true,
            set: |c, x| c.min_label_ms = x,
        },
        get: |c| num(c.min_label_ms),
        doc: "Shortest labelled run, ms, 10..=10000; shorter runs join a neighbour",
    },
    LabellerRow {
        name: "overlapThreshold",
        python: "overlap_threshold",
        kind: Kind::Number {
            finite: true,
            set: |c, x| c.overlap_threshold = x as f32,
        },
        get: |c| num(c.overlap_threshold),
        doc: "Mean overlap posterior above which a foreground run is flagged overlap, in (0, 1)",
    },
    LabellerRow {
        name: "silenceThreshold",
        python: "silence_threshold",
        kind: Kind::Number {
            finite: true,
            set: |c, x| c.silence_threshold = x as f32,
        },
        get: |c| num(c.silence_threshold),
        doc: "No-speech posterior above which a frame inside speech is left unlabelled, in (0, 1)",
    },
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
