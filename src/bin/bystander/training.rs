//! The hidden training subcommands, built with the cargo feature `dev`: `features` and
//! `tune-vad` for `tools/train_vad/`, `fgbg-features` for `tools/train_fgbg/`.

use crate::cli::{load_native, Failure};
use crate::eval_cmd::{find_clips, read_intervals};
use bystander::dev::{FrontEnd, Segmenter, FGBG_N_INPUTS, VAD_N_FEATURES};
use bystander::eval::{frame_mask, Counts, Interval, VadScore};
use bystander::formats::write_npy_f32;
use bystander::options::vad_options;
use bystander::{detect_speech, Analyzer, AnalyzerConfig, VadConfig, VAD_FRAME_SECONDS};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The hidden subcommands, flattened into the CLI's subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum TrainingCommand {
    /// Write the voice activity model's input features (float32 frames x features
    /// .npy), for the training pipeline in tools/train_vad/.
    #[command(hide = true)]
    Features(FeaturesArgs),
    /// Choose the VAD segmenter settings on a tuning folder (never the dev clips): grid
    /// search maximising pooled frame F1 with < 3 % of non-speech clips' frames marked.
    #[command(hide = true)]
    TuneVad(TuneArgs),
    /// Write the foreground/background model's inputs per frame (.npy), for
    /// tools/train_fgbg/.
    #[command(hide = true)]
    FgbgFeatures(FgbgFeaturesArgs),
}

pub fn run(command: TrainingCommand) -> Result<(), Failure> {
    match command {
        TrainingCommand::Features(args) => run_vad_features(&args),
        TrainingCommand::TuneVad(args) => tune_vad(&args.dir),
        TrainingCommand::FgbgFeatures(args) => run_fgbg_features(&args),
    }
}

#[derive(clap::Args, Debug)]
pub struct TuneArgs {
    /// Folder searched recursively for *.wav + *.rttm; clips named ns_* are non-speech.
    dir: PathBuf,
}

#[derive(clap::Args, Debug)]
pub struct FeaturesArgs {
    /// Audio file.
    file: PathBuf,
    /// Output .npy (float32, frames x features).
    #[arg(long)]
    out: PathBuf,
}

fn run_vad_features(args: &FeaturesArgs) -> Result<(), Failure> {
    let (samples, rate) = load_native(&args.file)?;
    let fail = |e: bystander::Error| Failure::Input(format!("{}: {e}", args.file.display()));
    let mut front = FrontEnd::new(rate as f64).map_err(fail)?;
    let mut out = Vec::new();
    for block in samples.chunks(rate as usize) {
        front
            .push(block, |row| out.extend_from_slice(row))
            .map_err(fail)?;
    }
    front
        .finish(|row| out.extend_from_slice(row))
        .map_err(fail)?;
    let n = VAD_N_FEATURES;
    std::fs::write(&args.out, write_npy_f32(&[out.len() / n, n], &out))
        .map_err(|e| Failure::Input(format!("{}: {e}", args.out.display())))
}

/// Grid search of the segmenter settings on a tuning folder; prints the best as JSON.
fn tune_vad(dir: &Path) -> Result<(), Failure> {
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
        let reference = read_intervals(&clip.rttm)?;
        data.push((
            clip.stem.starts_with("ns_"),
            activity.probabilities,
            reference,
            duration,
        ));
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
                            if share < 0.03 && best.as_ref().is_none_or(|b| f1 > b.0) {
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
        None => Err(Failure::Input(
            "no setting keeps non-speech under 3 %".into(),
        )),
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
