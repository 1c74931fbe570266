//! `bystander analyze FILE...`: foreground/background labels per file, in parallel with
//! `--jobs N`; and the hidden `fgbg-features` dump for `tools/train_fgbg/`.

use crate::cli::{load_native, parse_set, Failure};
use bystander::fgbg::{analyze, Analyzer, AnalyzerConfig, Report};
use bystander::segment::{to_audacity, to_rttm, to_textgrid, to_webvtt, NamedSegment};
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
    /// Option as NAME=VALUE (the VAD's, plus backgroundThreshold, switchPenalty,
    /// minLabelMs, overlapThreshold); repeatable.
    #[arg(long = "set", value_name = "NAME=VALUE")]
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

/// The report as JSON (camelCase, the same object JS gets).
pub fn report_json(report: &Report, file: &Path, frames: bool) -> serde_json::Value {
    let mut v = serde_json::to_value(report).expect("a report serialises");
    v["file"] = serde_json::json!(file.display().to_string());
    if !frames {
        let o = v.as_object_mut().expect("an object");
        o.remove("foregroundProbability");
        o.remove("backgroundProbability");
    }
    v
}

/// The report in a text format.
pub fn render(
    report: &Report,
    stem: &str,
    format: ReportFormat,
    json: &serde_json::Value,
) -> String {
    let named: Vec<_> = report
        .segments
        .iter()
        .map(|s| NamedSegment {
            start: s.start,
            end: s.end,
            name: s.label.name(),
        })
        .collect();
    match format {
        ReportFormat::Json => format!("{json:#}\n"),
        ReportFormat::Rttm => to_rttm(stem, &named),
        ReportFormat::Audacity => to_audacity(&named),
        ReportFormat::Vtt => to_webvtt(&named),
        ReportFormat::Textgrid => to_textgrid(&named, report.duration, "speech"),
    }
}

/// Analyses one file.
pub fn analyze_file(path: &Path, config: &AnalyzerConfig) -> Result<Report, Failure> {
    let (samples, rate) = load_native(path)?;
    analyze(&samples, rate as f64, config)
        .map_err(|e| Failure::Input(format!("{}: {e}", path.display())))
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
    // Results in input order; workers take the next file index from a shared counter.
    let results: Mutex<Vec<Option<Result<Report, Failure>>>> =
        Mutex::new((0..args.files.len()).map(|_| None).collect());
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(file) = args.files.get(i) else { break };
                let r = analyze_file(file, &config);
                results.lock().expect("no poisoned lock")[i] = Some(r);
            });
        }
    });
    let results = results.into_inner().expect("no poisoned lock");
    let mut failed = 0;
    let mut json_items = Vec::new();
    for (file, result) in args.files.iter().zip(results) {
        let report = match result.expect("every file was analysed") {
            Ok(r) => r,
            Err(Failure::Input(msg)) | Err(Failure::Usage(msg)) => {
                eprintln!("bystander: {msg}");
                failed += 1;
                continue;
            }
        };
        let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("audio");
        let json = report_json(&report, file, !args.no_frames);
        let text = render(&report, stem, args.format, &json);
        match &args.out_dir {
            Some(dir) => {
                let path = dir.join(format!("{stem}.{}", args.format.extension()));
                std::fs::write(&path, text)
                    .map_err(|e| Failure::Input(format!("{}: {e}", path.display())))?;
            }
            None if args.format == ReportFormat::Json => json_items.push(json),
            None => print!("{text}"),
        }
    }
    if !json_items.is_empty() {
        let out = if json_items.len() == 1 {
            json_items.pop().expect("one item")
        } else {
            serde_json::Value::Array(json_items)
        };
        println!("{out:#}");
    }
    if failed == 0 {
        Ok(())
    } else {
        Err(Failure::Input(format!(
            "{failed} of {} files failed",
            args.files.len()
        )))
    }
}

/// Arguments of the hidden `fgbg-features`.
#[derive(clap::Args, Debug)]
pub struct FgbgFeaturesArgs {
    /// Audio file.
    pub file: PathBuf,
    /// Output .npy: float32 frames x (model inputs, then 1 where the frame is inside a VAD
    /// speech segment).
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run_features(args: &FgbgFeaturesArgs) -> Result<(), Failure> {
    let (samples, rate) = load_native(&args.file)?;
    let fail = |e: bystander::Error| Failure::Input(format!("{}: {e}", args.file.display()));
    let mut analyzer = Analyzer::new(rate as f64, AnalyzerConfig::default()).map_err(fail)?;
    analyzer.keep_all_frames();
    let mut scratch = Vec::new();
    for block in samples.chunks(rate as usize) {
        analyzer.push(block, &mut scratch).map_err(fail)?;
        scratch.clear();
    }
    let report = analyzer.finish().map_err(fail)?;
    let inputs = analyzer.model_inputs();
    let frames = inputs.len();
    let speech = bystander::eval::frame_mask(
        &report
            .speech
            .iter()
            .map(|s| (s.start, s.end))
            .collect::<Vec<_>>(),
        frames,
    );
    let n = bystander::fgbg::model::N_INPUTS + 1;
    let mut out = Vec::with_capacity(frames * n);
    for (row, in_speech) in inputs.iter().zip(&speech) {
        out.extend_from_slice(row);
        out.push(if *in_speech { 1.0 } else { 0.0 });
    }
    std::fs::write(&args.out, bystander::npy::write_f32(&[frames, n], &out))
        .map_err(|e| Failure::Input(format!("{}: {e}", args.out.display())))
}
