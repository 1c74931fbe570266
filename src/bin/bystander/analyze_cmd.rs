//! `bystander analyze FILE|DIR...`: foreground/background labels per file, in parallel with
//! `--jobs N`.

use crate::batch::{gather, mirrored, parallel, write_whole};
use crate::cli::{
    failures, guarded, input_error, parse_set, report_failure, set_help, Failure, Input,
};
use crate::exports;
use crate::progress::Progress;
use bystander::formats::{rttm_file_id, to_audacity, to_rttm, to_uem, to_webvtt};
use bystander::{Analyzer, AnalyzerConfig, Report};
use serde::ser::{Serialize, SerializeMap, Serializer};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Output formats of `analyze`.
#[derive(Clone, Copy, Debug, clap::ValueEnum, PartialEq)]
pub enum ReportFormat {
    /// The report (as the JS `analyze` returns it), one JSON object per file
    Json,
    /// One compact JSON line per file as it completes: the `json` object plus `summary`
    /// and `modelVersion`, or `error` for a file that could not be analysed
    Jsonl,
    /// NIST RTTM with speaker names `foreground` and `background`; a foreground segment
    /// with background speech under it (`overlap`) also gets a `background` line
    Rttm,
    /// Audacity label track
    Audacity,
    /// WebVTT cues
    Vtt,
    /// Praat TextGrid: interval tiers `speech` (the labels) and `overlap`
    Textgrid,
    /// Label Studio tasks (one JSON array): the segments as `predictions` with
    /// `model_version` and per-region `score`, for docs/labelstudio-config.xml
    Labelstudio,
}

impl ReportFormat {
    fn extension(self) -> &'static str {
        match self {
            ReportFormat::Json => "json",
            ReportFormat::Jsonl => "jsonl",
            ReportFormat::Rttm => "rttm",
            ReportFormat::Audacity => "txt",
            ReportFormat::Vtt => "vtt",
            ReportFormat::Textgrid => "TextGrid",
            ReportFormat::Labelstudio => "labelstudio.json",
        }
    }
}

/// Arguments of `analyze`.
#[derive(clap::Args, Debug)]
pub struct AnalyzeArgs {
    /// Audio files (WAV, FLAC, MP3, Ogg/Vorbis) and folders, searched recursively for
    /// .wav, .flac, .mp3, .ogg and .oga files.
    #[arg(required_unless_present = "files_from")]
    pub files: Vec<PathBuf>,
    /// Also analyse the files and folders listed in LIST, one path a line (`-`: stdin).
    #[arg(long, value_name = "LIST")]
    pub files_from: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    pub format: ReportFormat,
    /// Voice activity and labeller option as NAME=VALUE (JS camelCase names); repeatable.
    #[arg(long = "set", value_name = "NAME=VALUE", long_help = set_help("Voice activity and labeller", &["vad", "labeller"]))]
    pub set: Vec<String>,
    /// Files analysed at once (default: the number of CPUs).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// Write one file per input into DIR instead of stdout, at the input's path relative to
    /// --root with the format's extension added (a/x.wav -> DIR/a/x.wav.json, .rttm, .txt,
    /// .vtt, .TextGrid).
    #[arg(long, conflicts_with = "output")]
    pub out_dir: Option<PathBuf>,
    /// The folder whose layout --out-dir and --frames-dir mirror, and that Label Studio's
    /// `data.audio` paths are relative to [default: the current directory].
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Write to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Resume an interrupted run: leave out the files whose output is in --out-dir already,
    /// or (with --format jsonl -o FILE) whose line is in FILE already; a torn last line is
    /// dropped and the new lines are appended.
    #[arg(long)]
    pub skip_existing: bool,
    /// Leave the per-frame probability arrays out of the JSON report.
    #[arg(long)]
    pub no_frames: bool,
    /// Also write each input's per-frame probabilities into DIR as a float32 .npy of shape
    /// (frames, 2), columns foreground and background, at its path relative to --root with
    /// `.frames.npy` added (a/x.wav -> DIR/a/x.wav.frames.npy); any --format.
    #[arg(long, value_name = "DIR")]
    pub frames_dir: Option<PathBuf>,
    /// Also write a UEM file (the scored region of each file: `<file id> 1 0.000
    /// <duration>`), one line per analysed input, for scoring the RTTM.
    #[arg(long, value_name = "FILE")]
    pub uem: Option<PathBuf>,
    /// With --format labelstudio: `data.audio` is PREFIX + the input's path relative to
    /// --root, percent-encoded (without it, the relative path as it is).
    #[arg(long, value_name = "PREFIX")]
    pub audio_url_prefix: Option<String>,
}

/// The report as JSON (camelCase, the same object JS gets, plus `file`), written as it is
/// serialised: the two per-frame probability arrays (1.08 million numbers each for 3 hours)
/// go straight from the report's `f32`s to the writer instead of through a
/// `serde_json::Value` (32 bytes a number) and a `String`. Keys are sorted and numbers are
/// widened to `f64`, as `serde_json::to_value` did, so the bytes are the same as before.
pub fn write_json(
    out: &mut impl Write,
    report: Report,
    file: &Path,
    frames: bool,
) -> std::io::Result<()> {
    write_report(out, report, file, frames, false)
}

/// The report as JSON; with `line`, as a file's JSONL line (without its line break): compact,
/// plus `summary` and `modelVersion`.
fn write_report(
    out: &mut impl Write,
    mut report: Report,
    file: &Path,
    frames: bool,
    line: bool,
) -> std::io::Result<()> {
    let summary = line.then(|| crate::jsonl::summary(&report));
    let fg = std::mem::take(&mut report.foreground_probability);
    let bg = std::mem::take(&mut report.background_probability);
    // Everything else is small (segments, config, anchor): through a `Value`, whose map
    // keeps its keys sorted.
    let mut head = serde_json::to_value(&report)?;
    drop(report);
    let head = head.as_object_mut().expect("a report is an object");
    head.insert("file".into(), file.display().to_string().into());
    if let Some(summary) = summary {
        head.insert("summary".into(), summary);
        head.insert("modelVersion".into(), crate::jsonl::model_version().into());
    }
    let object = JsonReport {
        head,
        frames: frames.then_some([
            ("foregroundProbability", &fg),
            ("backgroundProbability", &bg),
        ]),
    };
    if line {
        serde_json::to_writer(out, &object)?;
    } else {
        serde_json::to_writer_pretty(out, &object)?;
    }
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

/// The report in a text format; `id` is the RTTM file id.
pub fn render(report: &Report, id: &str, format: ReportFormat) -> String {
    match format {
        ReportFormat::Json | ReportFormat::Jsonl | ReportFormat::Labelstudio => {
            unreachable!("JSON is written by write_json and write_task")
        }
        ReportFormat::Rttm => to_rttm(id, &exports::named(report, true)),
        ReportFormat::Audacity => to_audacity(&exports::named(report, false)),
        ReportFormat::Vtt => to_webvtt(&exports::named(report, false)),
        ReportFormat::Textgrid => exports::textgrid(report),
    }
}

/// The RTTM/UEM file id of an input: its name without the extension, made safe.
fn file_id(file: &Path) -> String {
    rttm_file_id(
        &file
            .file_name()
            .map(|s| s.to_string_lossy())
            .unwrap_or_default(),
    )
}

/// Analyses `file` and writes its `--frames-dir` output, if any.
fn analyze_and_save(
    file: &Path,
    config: &AnalyzerConfig,
    frames: Option<&PathBuf>,
) -> Result<Report, Failure> {
    let report = guarded(file, || analyze_file(file, config))?;
    if let Some(path) = frames {
        exports::write_frames(path, &report)?;
    }
    Ok(report)
}

/// Where `--frames-dir` puts each file's `.npy`.
fn frames_targets(args: &AnalyzeArgs, files: &[PathBuf]) -> Result<Option<Vec<PathBuf>>, Failure> {
    let root = args.root.as_deref().unwrap_or(Path::new("."));
    args.frames_dir
        .as_ref()
        .map(|dir| mirrored(files, dir, root, "frames.npy"))
        .transpose()
}

/// The `--uem` file (appended to when resuming).
fn open_uem(args: &AnalyzeArgs) -> Result<Option<BufWriter<std::fs::File>>, Failure> {
    let Some(path) = &args.uem else {
        return Ok(None);
    };
    Ok(Some(BufWriter::new(open_resumable(
        path,
        args.skip_existing,
    )?)))
}

/// Opens an output file, appended to when resuming (`--skip-existing`), else truncated.
fn open_resumable(path: &Path, resume: bool) -> Result<std::fs::File, Failure> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(resume)
        .write(true)
        .truncate(!resume)
        .open(path)
        .map_err(|e| Failure::Input(format!("{}: {e}", path.display())))
}

/// Writes a report's UEM line.
fn write_uem(
    uem: &mut Option<BufWriter<std::fs::File>>,
    args: &AnalyzeArgs,
    file: &Path,
    duration: f64,
) -> Result<(), Failure> {
    match (uem, &args.uem) {
        (Some(w), Some(path)) => w
            .write_all(to_uem(&file_id(file), duration).as_bytes())
            .and_then(|()| w.flush())
            .map_err(|e| Failure::Input(format!("{}: {e}", path.display()))),
        _ => Ok(()),
    }
}

/// The Label Studio task of a report, its `data.audio` from the file's path.
fn task(args: &AnalyzeArgs, report: &Report, file: &Path) -> Result<exports::Task, Failure> {
    let root = crate::batch::normalized(args.root.as_deref().unwrap_or(Path::new(".")))?;
    let relative = crate::batch::relative(file, &root)?;
    let audio = exports::audio_url(args.audio_url_prefix.as_deref(), &relative);
    Ok(exports::label_studio_task(report, audio))
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
    let jsonl = args.format == ReportFormat::Jsonl;
    if jsonl && args.out_dir.is_some() {
        return Err(Failure::Usage(
            "--format jsonl writes one stream (stdout or -o FILE), not --out-dir".into(),
        ));
    }
    if args.skip_existing && args.out_dir.is_none() && !(jsonl && args.output.is_some()) {
        return Err(Failure::Usage(
            "--skip-existing needs --out-dir, or --format jsonl with -o FILE".into(),
        ));
    }
    if args.root.is_some()
        && args.out_dir.is_none()
        && args.frames_dir.is_none()
        && args.format != ReportFormat::Labelstudio
    {
        return Err(Failure::Usage(
            "--root needs --out-dir, --frames-dir or --format labelstudio".into(),
        ));
    }
    if args.audio_url_prefix.is_some() && args.format != ReportFormat::Labelstudio {
        return Err(Failure::Usage(
            "--audio-url-prefix needs --format labelstudio".into(),
        ));
    }
    let files = gather(&args.files, args.files_from.as_deref())?;
    if jsonl {
        return run_jsonl(args, &config, &files);
    }
    let (files, targets) = match &args.out_dir {
        Some(dir) => {
            let root = args.root.as_deref().unwrap_or(Path::new("."));
            let targets = mirrored(&files, dir, root, args.format.extension())?;
            let (files, targets): (Vec<_>, Vec<_>) = files
                .into_iter()
                .zip(targets)
                .filter(|(_, target)| !(args.skip_existing && target.exists()))
                .unzip();
            (files, Some(targets))
        }
        None => (files, None),
    };
    let frames = frames_targets(args, &files)?;
    let progress = Progress::new(files.len());
    // Results are written in input order as soon as the ones before them are, and then
    // dropped, so that only the reports waiting for an earlier file are held.
    let output = Mutex::new(Output::new(args, &files, targets, &progress)?);
    parallel(args.jobs, files.len(), |i| {
        let file = &files[i];
        let r = analyze_and_save(file, &config, frames.as_ref().map(|t| &t[i]));
        progress.done(r.as_ref().ok().map(|report| report.duration));
        let mut output = output.lock().expect("no poisoned lock");
        output.deliver(i, r);
        output.fatal.is_none()
    });
    let result = output.into_inner().expect("no poisoned lock").finish();
    if progress.shown() {
        progress.finish(0, 0);
    }
    result
}

/// `--format jsonl`: each file's line written as it completes (and flushed, so that an
/// interrupted run keeps every finished file).
fn run_jsonl(
    args: &AnalyzeArgs,
    config: &AnalyzerConfig,
    files: &[PathBuf],
) -> Result<(), Failure> {
    let resumed = match &args.output {
        Some(path) if args.skip_existing => crate::jsonl::resume(path)?,
        _ => Default::default(),
    };
    let todo: Vec<&PathBuf> = files
        .iter()
        .filter(|f| !resumed.files.contains(&f.display().to_string()))
        .collect();
    let todo_paths: Vec<PathBuf> = todo.iter().map(|f| f.to_path_buf()).collect();
    let frames = frames_targets(args, &todo_paths)?;
    let progress = Progress::new(todo.len());
    let out = Mutex::new(open_output(args)?);
    let uem = Mutex::new(open_uem(args)?);
    let fatal = Mutex::new(None);
    parallel(args.jobs, todo.len(), |i| {
        let file = todo[i];
        let (line, duration) = match analyze_and_save(file, config, frames.as_ref().map(|t| &t[i]))
        {
            Ok(report) => {
                let duration = report.duration;
                let mut uem = uem.lock().expect("no poisoned lock");
                if let Err(f) = write_uem(&mut uem, args, file, duration) {
                    *fatal.lock().expect("no poisoned lock") = Some(f);
                    return false;
                }
                let mut line = Vec::new();
                write_report(&mut line, report, file, !args.no_frames, true)
                    .expect("writing to memory succeeds");
                line.push(b'\n');
                (line, Some(duration))
            }
            Err(f) => {
                progress.println(|| report_failure(&f));
                (crate::jsonl::error_line(file, &f), None)
            }
        };
        let mut out = out.lock().expect("no poisoned lock");
        if let Err(e) = out.write_all(&line).and_then(|()| out.flush()) {
            *fatal.lock().expect("no poisoned lock") = Some(output_error(args, e));
            return false;
        }
        progress.done(duration);
        true
    });
    if let Some(f) = fatal.into_inner().expect("no poisoned lock") {
        return Err(f);
    }
    let skipped = files.len() - todo.len();
    match progress.finish(skipped, resumed.failed) {
        0 => Ok(()),
        _ => Err(Failure::Reported),
    }
}

/// Stdout, or `-o FILE` (appended to when resuming).
fn open_output(args: &AnalyzeArgs) -> Result<BufWriter<Box<dyn Write + Send>>, Failure> {
    let out: Box<dyn Write + Send> = match &args.output {
        None => Box::new(std::io::stdout()),
        Some(path) => Box::new(open_resumable(path, args.skip_existing)?),
    };
    Ok(BufWriter::new(out))
}

/// A write to the output failed (stdout closed, disk full).
fn output_error(args: &AnalyzeArgs, e: std::io::Error) -> Failure {
    let name = args
        .output
        .as_ref()
        .map_or("stdout".into(), |p| p.display().to_string());
    Failure::Input(format!("{name}: {e}"))
}

/// Writes the results of `analyze` in input order.
struct Output<'a> {
    args: &'a AnalyzeArgs,
    files: &'a [PathBuf],
    /// With `--out-dir`: each file's output.
    targets: Option<Vec<PathBuf>>,
    progress: &'a Progress,
    /// Per file: its result until written.
    pending: Vec<Option<Result<Report, Failure>>>,
    /// The next file to write.
    next: usize,
    failed: usize,
    /// Reports written to stdout as JSON (elements of the array when there are several
    /// files).
    json_written: usize,
    stdout: BufWriter<Box<dyn Write + Send>>,
    /// `--uem`: each written report's line.
    uem: Option<BufWriter<std::fs::File>>,
    /// A write failed (stdout closed, disk full): the run stops with it.
    fatal: Option<Failure>,
}

impl<'a> Output<'a> {
    fn new(
        args: &'a AnalyzeArgs,
        files: &'a [PathBuf],
        targets: Option<Vec<PathBuf>>,
        progress: &'a Progress,
    ) -> Result<Self, Failure> {
        Ok(Output {
            args,
            files,
            targets,
            progress,
            pending: (0..files.len()).map(|_| None).collect(),
            next: 0,
            failed: 0,
            json_written: 0,
            stdout: open_output(args)?,
            uem: open_uem(args)?,
            fatal: None,
        })
    }

    /// One JSON document on stdout: the object itself for one file, an array for several
    /// (whatever number of them fails); Label Studio tasks are always an array.
    fn json_array(&self) -> bool {
        self.targets.is_none()
            && match self.args.format {
                ReportFormat::Json => self.files.len() > 1,
                ReportFormat::Labelstudio => true,
                _ => false,
            }
    }

    fn deliver(&mut self, i: usize, result: Result<Report, Failure>) {
        self.pending[i] = Some(result);
        while let Some(result) = self.pending.get_mut(self.next).and_then(Option::take) {
            let i = self.next;
            self.next += 1;
            match result {
                Ok(report) if self.fatal.is_none() => {
                    if let Err(e) = self.write(i, report) {
                        self.fatal = Some(e);
                    }
                }
                Ok(_) => {}
                Err(f) => {
                    self.progress.println(|| report_failure(&f));
                    self.failed += 1;
                }
            }
        }
    }

    fn write(&mut self, i: usize, report: Report) -> Result<(), Failure> {
        let args = self.args;
        let file = &self.files[i];
        let id = file_id(file);
        let frames = !args.no_frames;
        write_uem(&mut self.uem, args, file, report.duration)?;
        let task = match args.format {
            ReportFormat::Labelstudio => Some(task(args, &report, file)?),
            _ => None,
        };
        if let Some(targets) = &self.targets {
            return write_whole(&targets[i], |w| {
                match (&task, args.format) {
                    (Some(task), _) => serde_json::to_writer_pretty(&mut *w, &[task])?,
                    (None, ReportFormat::Json) => write_json(&mut &mut *w, report, file, frames)?,
                    _ => return w.write_all(render(&report, &id, args.format).as_bytes()),
                }
                w.write_all(b"\n")
            });
        }
        let fail = |e: std::io::Error| output_error(args, e);
        let array = self.json_array();
        let out = &mut self.stdout;
        if task.is_none() && args.format != ReportFormat::Json {
            return out
                .write_all(render(&report, &id, args.format).as_bytes())
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
            match &task {
                Some(task) => serde_json::to_writer_pretty(&mut Indented(&mut *out), task)
                    .map_err(std::io::Error::from)
                    .map_err(fail)?,
                None => write_json(&mut Indented(&mut *out), report, file, frames).map_err(fail)?,
            }
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
                self.fatal = Some(output_error(self.args, e));
            }
        }
        if let Err(e) = self.stdout.flush() {
            self.fatal.get_or_insert(output_error(self.args, e));
        }
        if let Some(f) = self.fatal {
            return Err(f);
        }
        failures(self.failed, self.files.len(), "files")
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
