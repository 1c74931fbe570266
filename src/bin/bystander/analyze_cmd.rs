//! `bystander analyze FILE...`: foreground/background labels per file, in parallel with
//! `--jobs N`.

use crate::cli::{
    failures, guarded, input_error, parse_set, report_failure, set_help, Failure, Input,
};
use bystander::formats::{to_audacity, to_rttm, to_textgrid, to_webvtt, NamedSegment};
use bystander::{Analyzer, AnalyzerConfig, Report};
use serde::ser::{Serialize, SerializeMap, Serializer};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Output formats of `analyze`.
#[derive(Clone, Copy, Debug, clap::ValueEnum, PartialEq)]
pub enum ReportFormat {
    /// The report (as the JS `analyze` returns it), one JSON object per file
    Json,
    /// NIST RTTM with speaker names `foreground` and `background`
    Rttm,
    /// Audacity label track
    Audacity,
    /// WebVTT cues
    Vtt,
    /// Praat TextGrid, one interval tier
    Textgrid,
}

impl ReportFormat {
    fn extension(self) -> &'static str {
        match self {
            ReportFormat::Json => "json",
            ReportFormat::Rttm => "rttm",
            ReportFormat::Audacity => "txt",
            ReportFormat::Vtt => "vtt",
            ReportFormat::Textgrid => "TextGrid",
        }
    }
}

/// Arguments of `analyze`.
#[derive(clap::Args, Debug)]
pub struct AnalyzeArgs {
    /// Audio files (WAV, FLAC, MP3, Ogg/Vorbis).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    pub format: ReportFormat,
    /// Voice activity and labeller option as NAME=VALUE (JS camelCase names); repeatable.
    #[arg(long = "set", value_name = "NAME=VALUE", long_help = set_help("Voice activity and labeller", &["vad", "labeller"]))]
    pub set: Vec<String>,
    /// Files analysed at once (default: the number of CPUs).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// Write one file per input into DIR (<stem>.json/.rttm/.txt/.vtt/.TextGrid) instead of
    /// stdout.
    #[arg(long)]
    pub out_dir: Option<PathBuf>,
    /// Leave the per-frame probability arrays out of the JSON report.
    #[arg(long)]
    pub no_frames: bool,
}

/// The report as JSON (camelCase, the same object JS gets, plus `file`), written as it is
/// serialised: the two per-frame probability arrays (1.08 million numbers each for 3 hours)
/// go straight from the report's `f32`s to the writer instead of through a
/// `serde_json::Value` (32 bytes a number) and a `String`. Keys are sorted and numbers are
/// widened to `f64`, as `serde_json::to_value` did, so the bytes are the same as before.
pub fn write_json(
    out: &mut impl Write,
    mut report: Report,
    file: &Path,
    frames: bool,
) -> std::io::Result<()> {
    let fg = std::mem::take(&mut report.foreground_probability);
    let bg = std::mem::take(&mut report.background_probability);
    // Everything else is small (segments, config, anchor): through a `Value`, whose map
    // keeps its keys sorted.
    let mut head = serde_json::to_value(&report)?;
    drop(report);
    let head = head.as_object_mut().expect("a report is an object");
    head.insert("file".into(), file.display().to_string().into());
    let object = JsonReport {
        head,
        frames: frames.then_some([
            ("foregroundProbability", &fg),
            ("backgroundProbability", &bg),
        ]),
    };
    serde_json::to_writer_pretty(out, &object)?;
    Ok(())
}

/// A report's JSON object: `head`'s entries in its (sorted) order, the probability arrays
/// in their places among them, or left out.
struct JsonReport<'a> {
    head: &'a serde_json::Map<String, serde_json::Value>,
    frames: Option<[(&'static str, &'a Vec<f32>); 2]>,
}

impl Serialize for JsonReport<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (key, value) in self.head {
            match self.frames.iter().flatten().find(|(k, _)| k == key) {
                // `to_value` turned each f32 into an f64 number (NaN into null): the same here.
                Some((_, xs)) => map.serialize_entry(key, &F64s(xs))?,
                None if ARRAYS.contains(&key.as_str()) => {}
                None => map.serialize_entry(key, value)?,
            }
        }
        map.end()
    }
}

/// The per-frame arrays' keys.
const ARRAYS: [&str; 2] = ["foregroundProbability", "backgroundProbability"];

/// `f32`s serialised as `f64`s.
struct F64s<'a>(&'a [f32]);

impl Serialize for F64s<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|&x| f64::from(x)))
    }
}

/// The report in a text format.
pub fn render(report: &Report, stem: &str, format: ReportFormat) -> String {
    let named: Vec<_> = report
        .segments
        .iter()
        .map(|s| NamedSegment {
            start: s.start,
            end: s.end,
            name: s.label.as_ref(),
        })
        .collect();
    match format {
        ReportFormat::Json => unreachable!("JSON is written by write_json"),
        ReportFormat::Rttm => to_rttm(stem, &named),
        ReportFormat::Audacity => to_audacity(&named),
        ReportFormat::Vtt => to_webvtt(&named),
        ReportFormat::Textgrid => to_textgrid(&named, report.duration, "speech"),
    }
}

/// Analyses one file, streaming: each decoded block goes to the analyser as it comes, so
/// memory does not grow with the file's length beyond the report (its segments, and 8
/// bytes per 10 ms frame for the two probability arrays: 8.6 MB for 3 hours). The
/// decoder's warnings (a truncated WAV) are printed and added to the report's.
pub fn analyze_file(path: &Path, config: &AnalyzerConfig) -> Result<Report, Failure> {
    let fail = |e: bystander::Error| input_error(path, &e);
    let mut input = Input::open(path)?;
    let mut analyzer = Analyzer::new(input.rate() as f64, config.clone()).map_err(fail)?;
    // The segments closed in each block, provisionally labelled: only the final report's
    // labels are output.
    let mut closed = Vec::new();
    while let Some(block) = input.next_block()? {
        analyzer.push(block, &mut closed).map_err(fail)?;
        closed.clear();
    }
    let warnings = input.finish()?;
    let mut report = analyzer.finish().map_err(fail)?;
    report.warnings.extend(warnings);
    Ok(report)
}

pub fn run(args: &AnalyzeArgs) -> Result<(), Failure> {
    let config = bystander::options::analyzer_config(&parse_set(&args.set)?)
        .map_err(|e| Failure::Usage(e.to_string()))?;
    if let Some(dir) = &args.out_dir {
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure::Input(format!("{}: {e}", dir.display())))?;
    }
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, args.files.len().max(1));
    // Workers take the next file index from a shared counter; results are written in input
    // order as soon as the ones before them are, and then dropped, so that only the reports
    // waiting for an earlier file are held.
    let output = Mutex::new(Output::new(args));
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(file) = args.files.get(i) else { break };
                let r = guarded(file, || analyze_file(file, &config));
                output.lock().expect("no poisoned lock").deliver(i, r);
            });
        }
    });
    output.into_inner().expect("no poisoned lock").finish()
}

/// Writes the results of `analyze` in input order.
struct Output<'a> {
    args: &'a AnalyzeArgs,
    /// Per file: its result until written.
    pending: Vec<Option<Result<Report, Failure>>>,
    /// The next file to write.
    next: usize,
    failed: usize,
    /// Reports written to stdout as JSON (elements of the array when there are several
    /// files).
    json_written: usize,
    stdout: BufWriter<std::io::Stdout>,
    /// A write failed (stdout closed, disk full): the run stops with it.
    fatal: Option<Failure>,
}

impl<'a> Output<'a> {
    fn new(args: &'a AnalyzeArgs) -> Self {
        Output {
            args,
            pending: (0..args.files.len()).map(|_| None).collect(),
            next: 0,
            failed: 0,
            json_written: 0,
            stdout: BufWriter::new(std::io::stdout()),
            fatal: None,
        }
    }

    /// One JSON document on stdout: the object itself for one file, an array for several
    /// (whatever number of them fails).
    fn json_array(&self) -> bool {
        self.args.out_dir.is_none()
            && self.args.format == ReportFormat::Json
            && self.args.files.len() > 1
    }

    fn deliver(&mut self, i: usize, result: Result<Report, Failure>) {
        self.pending[i] = Some(result);
        while let Some(result) = self.pending.get_mut(self.next).and_then(Option::take) {
            let file = &self.args.files[self.next];
            self.next += 1;
            match result {
                Ok(report) if self.fatal.is_none() => {
                    if let Err(e) = self.write(file, report) {
                        self.fatal = Some(e);
                    }
                }
                Ok(_) => {}
                Err(f) => {
                    report_failure(&f);
                    self.failed += 1;
                }
            }
        }
    }

    fn write(&mut self, file: &Path, report: Report) -> Result<(), Failure> {
        let args = self.args;
        let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("audio");
        let frames = !args.no_frames;
        if let Some(dir) = &args.out_dir {
            let path = dir.join(format!("{stem}.{}", args.format.extension()));
            let fail = |e: std::io::Error| Failure::Input(format!("{}: {e}", path.display()));
            let mut w = BufWriter::new(std::fs::File::create(&path).map_err(fail)?);
            if args.format == ReportFormat::Json {
                write_json(&mut w, report, file, frames).map_err(fail)?;
                w.write_all(b"\n").map_err(fail)?;
            } else {
                w.write_all(render(&report, stem, args.format).as_bytes())
                    .map_err(fail)?;
            }
            return w.flush().map_err(fail);
        }
        let fail = |e: std::io::Error| Failure::Input(format!("stdout: {e}"));
        let array = self.json_array();
        let out = &mut self.stdout;
        if args.format != ReportFormat::Json {
            return out
                .write_all(render(&report, stem, args.format).as_bytes())
                .map_err(fail);
        }
        if array {
            // As serde_json's pretty printer writes an array: elements one level in.
            let sep: &[u8] = if self.json_written == 0 {
                b"[\n  "
            } else {
                b",\n  "
            };
            out.write_all(sep).map_err(fail)?;
            write_json(&mut Indented(&mut *out), report, file, frames).map_err(fail)?;
        } else {
            write_json(out, report, file, frames).map_err(fail)?;
            out.write_all(b"\n").map_err(fail)?;
        }
        self.json_written += 1;
        Ok(())
    }

    fn finish(mut self) -> Result<(), Failure> {
        if self.fatal.is_none() && self.json_array() {
            let end: &[u8] = if self.json_written == 0 {
                b"[]\n"
            } else {
                b"\n]\n"
            };
            if let Err(e) = self.stdout.write_all(end) {
                self.fatal = Some(Failure::Input(format!("stdout: {e}")));
            }
        }
        if let Err(e) = self.stdout.flush() {
            self.fatal
                .get_or_insert(Failure::Input(format!("stdout: {e}")));
        }
        if let Some(f) = self.fatal {
            return Err(f);
        }
        failures(self.failed, self.args.files.len(), "files")
    }
}

/// A writer that indents every line after the first by one level (two spaces), for a
/// pretty-printed object nested in an array. JSON strings hold no raw line breaks, so every
/// `\n` is between tokens.
struct Indented<W: Write>(W);

impl<W: Write> Write for Indented<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for (i, line) in buf.split(|&b| b == b'\n').enumerate() {
            if i > 0 {
                self.0.write_all(b"\n  ")?;
            }
            self.0.write_all(line)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}
