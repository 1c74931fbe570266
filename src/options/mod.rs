//! Loosely typed option maps (from JS objects, CLI flags or fixture manifests) turned into
//! validated configurations, with error messages that name the field and its allowed range.
//!
//! The vocabulary is librosa's parameter names in camelCase (`nFft`, `hopLength`,
//! `winLength`, `window`, `center`, `padMode`, `nMels`, `fMin`, `fMax`, `htk`, `norm`,
//! `power`, `topDb`, ...), so a JS caller who knows librosa needs no new words. Parsing lives
//! in the core (not in the wasm bindings) so that the CLI and the tests share it.
//!
//! Each configuration has one table of `OptionSpec` rows (JS name, Python name, kind and
//! allowed range, how it sets the configuration, how it is read back, one-line doc); the
//! table drives parsing, the effective-options report, the list of known names, the error
//! messages, the CLI's `--set` help and the TypeScript typings ([`typescript`]).

/// A row for a number stored in a field of the configuration itself (`f32` or `f64`):
/// `number_row!(name, python => field.path, finite | any, doc)`; `any` passes NaN and
/// infinities on to the configuration's validation.
macro_rules! number_row {
    ($name:literal, $python:literal => $($field:ident).+, finite, $doc:literal) => {
        number_row!(@row $name, $python, $($field).+, true, $doc)
    };
    ($name:literal, $python:literal => $($field:ident).+, any, $doc:literal) => {
        number_row!(@row $name, $python, $($field).+, false, $doc)
    };
    (@row $name:literal, $python:literal, $($field:ident).+, $finite:literal, $doc:literal) => {
        $crate::options::OptionSpec {
            name: $name,
            python: $python,
            kind: $crate::options::Kind::Number {
                finite: $finite,
                set: |c, x| c.$($field).+ = $crate::options::Narrow::narrow(x),
            },
            get: |c| Some($crate::options::OptionValue::Number(f64::from(c.$($field).+))),
            doc: $doc,
        }
    };
}

mod image;
mod spectrogram;
mod speech;
mod typescript;

pub use image::{image_config, spectrogram_image_config, split_image_options, IMAGE_OPTIONS};
pub use spectrogram::{spectrogram_config, spectrogram_options, SPECTROGRAM_OPTIONS};
pub use speech::{
    analyzer_config, analyzer_options, vad_config, vad_options, LABELLER_OPTIONS, VAD_OPTIONS,
};
pub use typescript::typescript;

use crate::error::{Error, Result};

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

    /// Reads a command-line value: a number, `true`/`false`, `null`, else a string.
    pub fn from_text(text: &str) -> OptionValue {
        if let Ok(x) = text.parse::<f64>() {
            OptionValue::Number(x)
        } else if let Ok(b) = text.parse::<bool>() {
            OptionValue::Bool(b)
        } else if text == "null" {
            OptionValue::Null
        } else {
            OptionValue::Str(text.to_string())
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

/// The upper bound of an integer option: a constant, or another option's value (`winLength`
/// is at most `nFft`).
pub(crate) enum Max<D> {
    /// A fixed bound.
    Fixed(usize),
    /// The value of the named option, read from the configuration being built.
    Of(&'static str, fn(&D) -> usize),
}

/// What an option accepts and how an accepted value sets the configuration being built
/// (`D`). `null` leaves a non-nullable option at its default.
pub(crate) enum Kind<D> {
    /// An integer in `min..=max`.
    Int {
        /// Smallest value.
        min: usize,
        /// Largest value.
        max: Max<D>,
        /// Applies the value.
        set: fn(&mut D, usize),
    },
    /// A number; `finite: false` passes NaN and infinities on to the configuration's own
    /// validation (which names the allowed range).
    Number {
        /// Whether NaN and infinities are refused here.
        finite: bool,
        /// Applies the value.
        set: fn(&mut D, f64),
    },
    /// A number or `null` (the documented "none").
    NumberOrNull {
        /// Whether NaN and infinities are refused here.
        finite: bool,
        /// Applies the value.
        set: fn(&mut D, Option<f64>),
    },
    /// A boolean.
    Bool {
        /// Applies the value.
        set: fn(&mut D, bool),
    },
    /// One of `values` (the enum's parser has the last word, and may accept aliases).
    Choice {
        /// The accepted names, documentation order.
        values: &'static [&'static str],
        /// Parses and applies the value.
        set: fn(&mut D, &str) -> Result<()>,
    },
    /// One of `values` or `null`.
    ChoiceOrNull {
        /// The accepted names, documentation order.
        values: &'static [&'static str],
        /// Parses and applies the value (`None` for null).
        set: fn(&mut D, Option<&str>) -> Result<()>,
    },
}

// Fn pointers are `Copy` whatever `D` is (a derive would demand `D: Copy`).
impl<D> Clone for Max<D> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<D> Copy for Max<D> {}
impl<D> Clone for Kind<D> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<D> Copy for Kind<D> {}

/// An `f64` option value stored as the field's type.
pub(crate) trait Narrow {
    fn narrow(x: f64) -> Self;
}

impl Narrow for f64 {
    fn narrow(x: f64) -> Self {
        x
    }
}

impl Narrow for f32 {
    fn narrow(x: f64) -> Self {
        x as f32
    }
}

/// One row of an option table: an option defined once. `D` is what parsing builds, `C` the
/// configuration the effective value is read from.
pub(crate) struct OptionSpec<D, C> {
    /// The JS (camelCase) name, also the CLI's `--set` name.
    pub name: &'static str,
    /// The Python (snake_case) name.
    pub python: &'static str,
    /// Accepted values, and how they set the configuration.
    pub kind: Kind<D>,
    /// The effective value, or `None` when the option does not apply to `C` (not reported).
    pub get: fn(&C) -> Option<OptionValue>,
    /// One line of documentation.
    pub doc: &'static str,
}

/// The JS names of a table, in table order (the list an unknown-name error shows).
const fn names<D, C, const N: usize>(rows: &[OptionSpec<D, C>; N]) -> [&'static str; N] {
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = rows[i].name;
        i += 1;
    }
    out
}

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

/// `"a"`, `"a" or "b"`, `"a", "b" or "c"`.
fn one_of(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

impl<D, C> OptionSpec<D, C> {
    fn wrong_type(&self, expected: &str, value: &OptionValue) -> Error {
        Error::invalid(
            self.name,
            format!("must be {expected}; got {} ({value})", value.type_name()),
        )
    }

    fn int_range(&self, draft: &D) -> (usize, usize) {
        match self.kind {
            Kind::Int { min, max, .. } => (
                min,
                match max {
                    Max::Fixed(m) => m,
                    Max::Of(_, read) => read(draft),
                },
            ),
            _ => (0, 0),
        }
    }

    fn number(&self, finite: bool, value: &OptionValue) -> Result<f64> {
        match value {
            OptionValue::Number(x) if x.is_finite() || !finite => Ok(*x),
            OptionValue::Number(_) => Err(Error::invalid(
                self.name,
                format!("must be a finite number; got {value}"),
            )),
            _ => Err(self.wrong_type("a number", value)),
        }
    }

    /// Checks `value` against the row's kind and applies it to `draft`.
    fn apply(&self, draft: &mut D, value: &OptionValue) -> Result<()> {
        match (self.kind, value) {
            (Kind::NumberOrNull { set, .. }, OptionValue::Null) => set(draft, None),
            (Kind::ChoiceOrNull { set, .. }, OptionValue::Null) => set(draft, None)?,
            (_, OptionValue::Null) => {}
            (Kind::Int { set, .. }, _) => {
                let (lo, hi) = self.int_range(draft);
                let expected = format!("an integer in {lo}..={hi}");
                match value {
                    OptionValue::Number(x)
                        if x.fract() == 0.0 && *x >= lo as f64 && *x <= hi as f64 =>
                    {
                        set(draft, *x as usize)
                    }
                    OptionValue::Number(_) => {
                        return Err(Error::invalid(
                            self.name,
                            format!("must be {expected}; got {value}"),
                        ))
                    }
                    _ => return Err(self.wrong_type(&expected, value)),
                }
            }
            (Kind::Number { finite, set }, _) => set(draft, self.number(finite, value)?),
            (Kind::NumberOrNull { finite, set }, _) => {
                set(draft, Some(self.number(finite, value)?))
            }
            (Kind::Bool { set }, OptionValue::Bool(b)) => set(draft, *b),
            (Kind::Bool { .. }, _) => return Err(self.wrong_type("a boolean", value)),
            (Kind::Choice { set, .. }, _) => set(draft, self.expect_str(value)?)?,
            (Kind::ChoiceOrNull { set, .. }, _) => set(draft, Some(self.expect_str(value)?))?,
        }
        Ok(())
    }

    /// The string of a choice, or the error that lists the choices.
    fn expect_str<'v>(&self, value: &'v OptionValue) -> Result<&'v str> {
        match (self.kind, value) {
            (_, OptionValue::Str(s)) => Ok(s),
            (Kind::Choice { values, .. }, _) => Err(self.wrong_type(&one_of(values), value)),
            (Kind::ChoiceOrNull { values, .. }, _) => {
                Err(self.wrong_type(&format!("{} or null", one_of(values)), value))
            }
            _ => Err(self.wrong_type("a string", value)),
        }
    }

    /// The row's TypeScript type.
    fn ts_type(&self) -> String {
        match self.kind {
            Kind::Int { .. } | Kind::Number { .. } => "number".into(),
            Kind::NumberOrNull { .. } => "number | null".into(),
            Kind::Bool { .. } => "boolean".into(),
            Kind::Choice { values, .. } => ts_union(values),
            Kind::ChoiceOrNull { values, .. } => format!("{} | null", ts_union(values)),
        }
    }

    /// What the row accepts, in words ("an integer in 2..=65536").
    fn allowed(&self) -> String {
        match self.kind {
            Kind::Int { min, max, .. } => match max {
                Max::Fixed(m) => format!("an integer in {min}..={m}"),
                Max::Of(other, _) => format!("an integer in {min}..={other}"),
            },
            Kind::Number { .. } => "a number".into(),
            Kind::NumberOrNull { .. } => "a number or null".into(),
            Kind::Bool { .. } => "a boolean".into(),
            Kind::Choice { values, .. } => one_of(values),
            Kind::ChoiceOrNull { values, .. } => format!("{} or null", one_of(values)),
        }
    }
}

fn ts_union(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| format!("{v:?}"))
        .collect::<Vec<_>>()
        .join(" | ")
}

/// Applies every row of `rows` that `options` names, in table order. A name given more than
/// once takes its last non-null value; `null` alone sets a nullable option to "none" and
/// leaves the others at their defaults.
fn apply_rows<D, C>(rows: &[OptionSpec<D, C>], options: &OptionMap, draft: &mut D) -> Result<()> {
    for row in rows {
        let mut given = options.iter().filter(|(n, _)| n == row.name);
        let Some(first) = given.next() else { continue };
        let value = options
            .iter()
            .rev()
            .find(|(n, v)| n == row.name && *v != OptionValue::Null)
            .map_or(&first.1, |(_, v)| v);
        row.apply(draft, value)?;
    }
    Ok(())
}

/// The effective options of `config` in table order (rows that do not apply left out).
fn report_rows<D, C>(rows: &[OptionSpec<D, C>], config: &C) -> OptionMap {
    rows.iter()
        .filter_map(|row| (row.get)(config).map(|v| (row.name.to_string(), v)))
        .collect()
}

/// One row of an option table, as documentation: for the CLI's help and the typings.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionDoc {
    /// The JS (camelCase) name.
    pub name: &'static str,
    /// The Python (snake_case) name.
    pub python: &'static str,
    /// The TypeScript type.
    pub ts_type: String,
    /// What is accepted, in words.
    pub allowed: String,
    /// The default (the effective value of a default configuration), when it has one.
    pub default: Option<String>,
    /// One line of documentation.
    pub doc: &'static str,
}

fn docs<D, C>(rows: &[OptionSpec<D, C>], defaults: &C) -> Vec<OptionDoc> {
    rows.iter()
        .map(|row| OptionDoc {
            name: row.name,
            python: row.python,
            ts_type: row.ts_type(),
            allowed: row.allowed(),
            default: (row.get)(defaults).map(|v| match v {
                // An `f32` field widened to `f64`: shown as the `f32` it is (0.9, not
                // 0.8999999761581421).
                OptionValue::Number(x) if (x as f32) as f64 == x => (x as f32).to_string(),
                v => v.to_string(),
            }),
            doc: row.doc,
        })
        .collect()
}

/// The documented rows of each table: spectrogram, image, voice activity, labeller.
pub fn option_docs() -> [(&'static str, Vec<OptionDoc>); 4] {
    [
        ("spectrogram", spectrogram::docs()),
        ("image", image::docs()),
        ("vad", speech::vad_docs()),
        ("labeller", speech::labeller_docs()),
    ]
}

/// The CLI's `--set` help for the given tables: one line per option, `name: doc (allowed;
/// default)`; a name in two tables (`fMin`) is the first's.
pub fn help_text(tables: &[&str]) -> String {
    let mut out = String::new();
    let mut seen = Vec::new();
    for (table, rows) in option_docs() {
        if !tables.contains(&table) {
            continue;
        }
        for row in rows {
            if seen.contains(&row.name) {
                continue;
            }
            seen.push(row.name);
            let default = row
                .default
                .map(|d| format!("; default {d}"))
                .unwrap_or_default();
            out.push_str(&format!(
                "  {}: {} ({}{default})\n",
                row.name, row.doc, row.allowed
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_of_reads_as_a_sentence() {
        assert_eq!(one_of(&["a"]), "\"a\"");
        assert_eq!(one_of(&["a", "b"]), "\"a\" or \"b\"");
        assert_eq!(one_of(&["a", "b", "c"]), "\"a\", \"b\" or \"c\"");
    }

    #[test]
    fn command_line_values() {
        assert_eq!(OptionValue::from_text("1024"), OptionValue::Number(1024.0));
        assert_eq!(OptionValue::from_text("true"), OptionValue::Bool(true));
        assert_eq!(OptionValue::from_text("null"), OptionValue::Null);
        assert_eq!(
            OptionValue::from_text("hann"),
            OptionValue::Str("hann".into())
        );
    }
}
