//! The hidden training subcommands, built with the cargo feature `dev`: `tune-vad` (the
//! segmenter settings), `fgbg-features` for `tools/train_fgbg/`, `log-mel` for
//! `tools/train/`.

use crate::batch::{gather, mirrored, parallel, write_whole};
use crate::cli::{guarded, load_native, Failure};
use crate::eval_cmd::find_clips;
use bystander::dev::{FrontEnd, Segmenter, FGBG_N_INPUTS, VAD_N_MELS};
use bystander::eval::{frame_mask, Counts, Interval, VadScore};
use bystander::formats::write_npy_f32;
use bystander::options::vad_options;
use bystander::{detect_speech, Analyzer, AnalyzerConfig, VadConfig, VAD_FRAME_SECONDS};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The hidden subcommands, flattened into the CLI's subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum TrainingCommand {
    /// Choose the VAD segmenter settings on a tuning folder (never the dev clips): grid
    /// search maximising pooled frame F1 with < 3 % of non-speech clips' frames marked.
    #[command(hide = true)]
    TuneVad(TuneArgs),
    /// Write the foreground/background model's inputs per frame (.npy), for
    /// tools/train_fgbg/.
    #[command(hide = true)]
    FgbgFeatures(FgbgFeaturesArgs),
    /// Write the VAD front end's 64-band log-mel frames (float32 frames x 64 .npy, dB), one
    /// row per 10 ms label frame, for the temporal model of tools/train/.
    #[command(hide = true)]
    LogMel(LogMelArgs),
}

pub fn run(command: TrainingCommand) -> Result<(), Failure> {
    match command {
        TrainingCommand::TuneVad(args) => tune_vad(&args.dir, args.max_nonspeech),
        TrainingCommand::FgbgFeatures(args) => run_fgbg_features(&args),
        TrainingCommand::LogMel(args) => run_log_mel(&args),
    }
}

#[derive(clap::Args, Debug)]
pub struct TuneArgs {
    /// Folder searched recursively for *.wav + *.rttm; clips named ns_* or with no
    /// reference speech are non-speech.
    dir: PathBuf,
    /// The largest share of the non-speech clips' frames a setting may mark as speech.
    #[arg(long, default_value_t = 0.03)]
    max_nonspeech: f64,
}

/// Grid search of the segmenter settings on a tuning folder; prints the best as JSON.
fn tune_vad(dir: &Path, max_nonspeech: f64) -> Result<(), Failure> {
    let mut clips = Vec::new();
    find_clips(dir, dir, &mut clips)
        .map_err(|e| Failure::Input(format!("{}: {e}", dir.display())))?;
    // Probabilities once per clip (the segmenter does not change them).
    let mut data = Vec::new();
    for clip in &clips {
        let (samples, rate) = load_native(&clip.wav)?;
        let duration = samples.len() as f64 / rate as f64;
        let activity = detect_speech(&samples, rate as f64, &VadConfig::default())
            .map_err(|e| Failure::Input(format!("{}: {e}", clip.wav.display())))?;
        let reference = clip.intervals()?;
        // Non-speech clips: named ns_* (the former VAD training sets' convention) or with no
        // reference speech at all (the data engine's `nonspeech` scenes).
        let nonspeech = clip.stem.starts_with("ns_") || reference.is_empty();
        data.push((nonspeech, activity.probabilities, reference, duration));
    }
    eprintln!("{} tuning clips", data.len());
    let mut best: Option<(f64, f64, VadConfig)> = None;
    for threshold in [0.3f32, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] {
        for hysteresis in [0.1f32, 0.2, 0.3] {
            for min_speech_ms in [50.0, 100.0, 200.0] {
                for min_silence_ms in [100.0, 200.0, 300.0, 500.0] {
                    for pad_before_ms in [0.0, 50.0, 100.0] {
                        for pad_after_ms in [0.0, 50.0, 100.0, 200.0] {
                            let config = VadConfig {
                                threshold,
                                off_threshold: Some((threshold - hysteresis).max(0.01)),
                                min_speech_ms,
                                min_silence_ms,
                                pad_before_ms,
                                pad_after_ms,
                            };
                            let mut all = Counts::default();
                            let mut ns = Counts::default();
                            for (is_ns, probs, reference, duration) in &data {
                                let mut seg = Segmenter::new(&config, VAD_FRAME_SECONDS);
                                let mut out = Vec::new();
                                for &p in probs {
                                    seg.push(p, &mut out);
                                }
                                seg.finish(
                                    (duration / VAD_FRAME_SECONDS).ceil() as usize,
                                    &mut out,
                                );
                                let hyp: Vec<Interval> = out
                                    .iter()
                                    .map(|s| (s.start, s.end.min(*duration)))
                                    .collect();
                                let score = VadScore::of(reference, &hyp, None, *duration);
                                all.add(&score.counts);
                                if *is_ns {
                                    ns.add(&score.counts);
                                }
                            }
                            let (f1, share) = (
                                all.f1(),
                                if ns.tn + ns.fp > 0 {
                                    ns.speech_share()
                                } else {
                                    0.0
                                },
                            );
                            if share < max_nonspeech && best.as_ref().is_none_or(|b| f1 > b.0) {
                                best = Some((f1, share, config));
                            }
                        }
                    }
                }
            }
        }
    }
    match best {
        Some((f1, share, config)) => {
            println!(
                "{:#}",
                serde_json::json!({
                    "f1": f1, "nonspeechShare": share,
                    "settings": vad_options(&config).iter().map(|(k, v)| (k.clone(), v.to_string())).collect::<BTreeMap<_, _>>(),
                })
            );
            Ok(())
        }
        None => Err(Failure::Input(format!(
            "no setting keeps non-speech under {:.1} %",
            100.0 * max_nonspeech
        ))),
    }
}

/// Arguments of `fgbg-features`.
#[derive(clap::Args, Debug)]
pub struct FgbgFeaturesArgs {
    /// Audio file.
    pub file: PathBuf,
    /// Output .npy: float32 frames x (model inputs, then 1 where the frame is inside a VAD
    /// speech segment).
    #[arg(long)]
    pub out: PathBuf,
}

fn run_fgbg_features(args: &FgbgFeaturesArgs) -> Result<(), Failure> {
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
    let speech = frame_mask(
        &report
            .speech
            .iter()
            .map(|s| (s.start, s.end))
            .collect::<Vec<_>>(),
        frames,
    );
    let n = FGBG_N_INPUTS + 1;
    let mut out = Vec::with_capacity(frames * n);
    for (row, in_speech) in inputs.iter().zip(&speech) {
        out.extend_from_slice(row);
        out.push(if *in_speech { 1.0 } else { 0.0 });
    }
    std::fs::write(&args.out, write_npy_f32(&[frames, n], &out))
        .map_err(|e| Failure::Input(format!("{}: {e}", args.out.display())))
}

/// Arguments of `log-mel`.
#[derive(clap::Args, Debug)]
pub struct LogMelArgs {
    /// Audio files and folders (searched recursively, as `analyze` does).
    #[arg(required_unless_present = "files_from")]
    files: Vec<PathBuf>,
    /// Also the files and folders listed in LIST, one path a line (`-`: stdin).
    #[arg(long, value_name = "LIST")]
    files_from: Option<PathBuf>,
    /// Write each input's .npy here, at its path relative to --root with `.logmel.npy`
    /// added (a/x.wav -> DIR/a/x.wav.logmel.npy).
    #[arg(long)]
    out_dir: PathBuf,
    /// The folder whose layout --out-dir mirrors [default: the current directory].
    #[arg(long)]
    root: Option<PathBuf>,
    /// Files processed at once (default: the number of CPUs).
    #[arg(long, short = 'j')]
    jobs: Option<usize>,
    /// Leave out the inputs whose .npy exists already.
    #[arg(long)]
    skip_existing: bool,
}

fn run_log_mel(args: &LogMelArgs) -> Result<(), Failure> {
    let files = gather(&args.files, args.files_from.as_deref())?;
    let root = args.root.as_deref().unwrap_or(Path::new("."));
    let targets = mirrored(&files, &args.out_dir, root, "logmel.npy")?;
    let failed = std::sync::atomic::AtomicUsize::new(0);
    parallel(args.jobs, files.len(), |i| {
        if args.skip_existing && targets[i].exists() {
            return true;
        }
        let r = guarded(&files[i], || log_mel_rows(&files[i])).and_then(|(rows, data)| {
            let bytes = write_npy_f32(&[rows, VAD_N_MELS], &data);
            write_whole(&targets[i], |w| w.write_all(&bytes))
        });
        if let Err(e) = r {
            if let Failure::Input(m) | Failure::Usage(m) = e {
                eprintln!("{m}");
            }
            failed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        true
    });
    match failed.into_inner() {
        0 => Ok(()),
        _ => Err(Failure::Reported),
    }
}

/// The log-mel rows of one file, aligned to the data engine's label frames: frame `i` is
/// `[i x 10 ms, (i + 1) x 10 ms)` and there are `floor(duration / 10 ms)` of them (a
/// partial last frame is dropped). Row `i` is the front end's frame centred at `i x 10 ms`
/// (its 32 ms window spans the label frame), so the rows lead the label frames by 5 ms.
/// The input goes through a fresh VAD front end a second at a time.
fn log_mel_rows(file: &Path) -> Result<(usize, Vec<f32>), Failure> {
    let (samples, rate) = load_native(file)?;
    let fail = |e: bystander::Error| Failure::Input(format!("{}: {e}", file.display()));
    let mut front = FrontEnd::new(rate as f64).map_err(fail)?;
    let mut data = Vec::new();
    for block in samples.chunks(rate as usize) {
        front
            .push_log_mel(block, |row| data.extend_from_slice(row))
            .map_err(fail)?;
    }
    front
        .finish_log_mel(|row| data.extend_from_slice(row))
        .map_err(fail)?;
    let rows = label_frames(samples.len(), rate).min(data.len() / VAD_N_MELS);
    data.truncate(rows * VAD_N_MELS);
    Ok((rows, data))
}

/// The number of whole 10 ms frames in `samples` at `rate` Hz (the labels' convention).
fn label_frames(samples: usize, rate: u32) -> usize {
    (samples as u64 * 100 / rate as u64) as usize
}
