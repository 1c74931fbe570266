//! `bystander eval DIR`: frame-level scores of bystander's voice activity (and of peers'
//! RTTM hypotheses, scored the same way) against reference RTTMs, per clip and pooled per
//! folder and overall. Scoring conventions are in `bystander::eval`. The clip search is
//! shared with `tune-vad` (training.rs).

use crate::cli::{failures, guarded, input_error, load_native, parse_set, report_failure, Failure};
use bystander::eval::{
    parse_rttm, parse_rttm_files, parse_uem, parse_uem_files, Interval, VadScore,
};
use bystander::formats::rttm_file_id;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A clip found under DIR: its audio, reference and scored region.
pub struct Clip {
    pub wav: PathBuf,
    pub reference: Reference,
    /// Folder relative to DIR ("." for DIR itself).
    pub subset: String,
    pub stem: String,
}

/// Where a clip's reference comes from.
pub enum Reference {
    /// `<stem>.rttm` (and `<stem>.uem`) beside the audio.
    Files { rttm: PathBuf, uem: Option<PathBuf> },
    /// The clip's lines of a combined RTTM (and UEM): `(speaker, start, end)`.
    Combined {
        segments: Vec<(String, f64, f64)>,
        uem: Option<Vec<Interval>>,
    },
}

/// A clip's reference segments `(speaker, start, end)` and scored region.
pub type ClipReference = (Vec<(String, f64, f64)>, Option<Vec<Interval>>);

impl Clip {
    /// The reference segments and the scored region (none: the whole clip).
    pub fn reference(&self) -> Result<ClipReference, Failure> {
        match &self.reference {
            Reference::Files { rttm, uem } => {
                let uem = match uem {
                    Some(p) => Some(parse_uem(&read_text(p)?)),
                    None => None,
                };
                Ok((parse_rttm(&read_text(rttm)?), uem))
            }
            Reference::Combined { segments, uem } => Ok((segments.clone(), uem.clone())),
        }
    }

    /// The reference speech intervals, whoever speaks (`tune-vad`).
    #[cfg(feature = "dev")]
    pub fn intervals(&self) -> Result<Vec<Interval>, Failure> {
        Ok(self
            .reference()?
            .0
            .into_iter()
            .map(|(_, s, e)| (s, e))
            .collect())
    }
}

fn read_text(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| Failure::Input(format!("{}: {e}", path.display())))
}

/// The folder of `dir` relative to `root` ("." for `root` itself).
fn subset_of(dir: &Path, root: &Path) -> String {
    dir.strip_prefix(root)
        .ok()
        .map(|p| p.display().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| ".".into())
}

/// Every *.wav under `dir` with its folder relative to `root`, in path order.
fn find_wavs(dir: &Path, root: &Path, out: &mut Vec<(PathBuf, String)>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            find_wavs(&path, root, out)?;
        } else if path.extension().and_then(|e| e.to_str()) == Some("wav") {
            out.push((path, subset_of(dir, root)));
        }
    }
    Ok(())
}

fn stem_of(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("")
        .to_string()
}

/// Every *.wav with a matching *.rttm under `dir`, in path order.
pub fn find_clips(dir: &Path, root: &Path, out: &mut Vec<Clip>) -> std::io::Result<()> {
    let mut wavs = Vec::new();
    find_wavs(dir, root, &mut wavs)?;
    for (wav, subset) in wavs {
        let rttm = wav.with_extension("rttm");
        if !rttm.exists() {
            continue;
        }
        let uem = Some(wav.with_extension("uem")).filter(|p| p.exists());
        out.push(Clip {
            stem: stem_of(&wav),
            wav,
            reference: Reference::Files { rttm, uem },
            subset,
        });
    }
    Ok(())
}

/// The clips of a combined reference: every *.wav under `dir` whose file id (its name
/// without the extension, made RTTM-safe as `analyze` writes it) is scored. With a UEM the
/// scored files are those it lists (a file without RTTM lines has no speech), else those
/// the RTTM names. A scored file id without audio, or with two files, is an error.
pub fn combined_clips(dir: &Path, rttm: &Path, uem: Option<&Path>) -> Result<Vec<Clip>, Failure> {
    let mut segments: BTreeMap<String, Vec<(String, f64, f64)>> = BTreeMap::new();
    for (file, speaker, start, end) in parse_rttm_files(&read_text(rttm)?) {
        segments
            .entry(file)
            .or_default()
            .push((speaker, start, end));
    }
    let mut regions: Option<BTreeMap<String, Vec<Interval>>> = None;
    if let Some(path) = uem {
        let map = regions.get_or_insert_with(BTreeMap::new);
        for (file, start, end) in parse_uem_files(&read_text(path)?) {
            map.entry(file).or_default().push((start, end));
        }
    }
    let scored: Vec<&String> = match &regions {
        Some(r) => r.keys().collect(),
        None => segments.keys().collect(),
    };
    let mut wavs = Vec::new();
    find_wavs(dir, dir, &mut wavs)
        .map_err(|e| Failure::Input(format!("{}: {e}", dir.display())))?;
    let mut by_id: BTreeMap<String, (PathBuf, String)> = BTreeMap::new();
    for (wav, subset) in wavs {
        let id = rttm_file_id(
            &wav.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default(),
        );
        if let Some((other, _)) = by_id.get(&id) {
            return Err(Failure::Input(format!(
                "{} and {} have the same file id {id}: the combined reference cannot tell them apart",
                other.display(),
                wav.display()
            )));
        }
        by_id.insert(id, (wav, subset));
    }
    let missing: Vec<&str> = scored
        .iter()
        .filter(|id| !by_id.contains_key(id.as_str()))
        .map(|id| id.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(Failure::Input(format!(
            "{}: no *.wav under {} for file id {}",
            rttm.display(),
            dir.display(),
            missing.join(", ")
        )));
    }
    let mut clips: Vec<Clip> = scored
        .into_iter()
        .map(|id| {
            let (wav, subset) = by_id[id.as_str()].clone();
            Clip {
                stem: stem_of(&wav),
                wav,
                reference: Reference::Combined {
                    segments: segments.get(id).cloned().unwrap_or_default(),
                    uem: regions.as_ref().map(|r| r[id].clone()),
                },
                subset,
            }
        })
        .collect();
    clips.sort_by(|a, b| a.wav.cmp(&b.wav));
    Ok(clips)
}

/// The segments of an RTTM file.
pub fn read_intervals(path: &Path) -> Result<Vec<Interval>, Failure> {
    Ok(parse_rttm(&read_text(path)?)
        .into_iter()
        .map(|(_, s, e)| (s, e))
        .collect())
}

/// A peer's hypothesis for a clip: from `<stem>.rttm` in a folder, or the clip's lines of a
/// combined RTTM file (none: no speech).
fn peer_intervals(peer: &Path, clip: &Clip) -> Result<Vec<Interval>, Failure> {
    if peer.is_file() {
        let id = rttm_file_id(
            &clip
                .wav
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default(),
        );
        return Ok(parse_rttm_files(&read_text(peer)?)
            .into_iter()
            .filter(|(file, ..)| *file == id)
            .map(|(_, _, s, e)| (s, e))
            .collect());
    }
    let path = peer.join(format!("{}.rttm", clip.stem));
    if path.exists() {
        read_intervals(&path)
    } else {
        Ok(Vec::new())
    }
}

fn fmt(x: f64) -> String {
    if x.is_nan() {
        "    -".into()
    } else {
        format!("{x:5.3}")
    }
}

fn row(name: &str, s: &VadScore) -> String {
    let c = &s.counts;
    format!(
        "{name:<28} {}  {}  {}  {}  {}  {}  {}  {}",
        fmt(c.precision()),
        fmt(c.recall()),
        fmt(c.f1()),
        fmt(c.false_alarm_rate()),
        fmt(c.miss_rate()),
        fmt(c.detection_error_rate()),
        fmt(s.counts_collar.detection_error_rate()),
        fmt(c.speech_share()),
    )
}

const HEADER: &str =
    "                                 P      R     F1     FA   Miss  DER0  DER.25 speech";

pub fn run(
    dir: &Path,
    peers: &[String],
    set: &[String],
    json: bool,
    save_rttm: Option<&Path>,
    combined: Option<(&Path, Option<&Path>)>,
) -> Result<(), Failure> {
    let analyzer_config = bystander::options::analyzer_config(&parse_set(set)?)
        .map_err(|e| Failure::Usage(e.to_string()))?;
    let config = analyzer_config.vad.clone();
    let mut labelled_clips = Vec::new();
    let peers: Vec<(String, PathBuf)> = peers
        .iter()
        .map(|p| {
            p.split_once('=')
                .map(|(n, d)| (n.to_string(), PathBuf::from(d)))
                .ok_or_else(|| Failure::Usage(format!("--peer {p:?}: expected NAME=DIR")))
        })
        .collect::<Result<_, _>>()?;
    let mut clips = Vec::new();
    match combined {
        Some((rttm, uem)) => clips = combined_clips(dir, rttm, uem)?,
        None => find_clips(dir, dir, &mut clips)
            .map_err(|e| Failure::Input(format!("{}: {e}", dir.display())))?,
    }
    if clips.is_empty() {
        return Err(Failure::Input(format!(
            "{}: no *.wav with a matching *.rttm",
            dir.display()
        )));
    }
    if let Some(d) = save_rttm {
        std::fs::create_dir_all(d).map_err(|e| Failure::Input(format!("{}: {e}", d.display())))?;
    }
    let systems: Vec<String> = std::iter::once("bystander".to_string())
        .chain(peers.iter().map(|(n, _)| n.clone()))
        .collect();
    // pooled[subset][system]
    let mut pooled: BTreeMap<String, BTreeMap<String, VadScore>> = BTreeMap::new();
    let mut overall: BTreeMap<String, VadScore> = BTreeMap::new();
    let mut per_clip = Vec::new();
    if !json {
        println!("per clip (bystander)\n{HEADER}");
    }
    // A clip whose audio cannot be decoded or analysed gets its line on stderr and is left
    // out of the scores; the others are still scored, and the run exits with 1.
    let mut failed = 0;
    let mut scored_clips: BTreeMap<&str, usize> = BTreeMap::new();
    for clip in &clips {
        let analysed = guarded(&clip.wav, || {
            let (samples, rate) = load_native(&clip.wav)?;
            // One pass gives both the speech segments (the VAD's, unchanged) and the labels.
            let report = bystander::analyze(&samples, rate as f64, &analyzer_config)
                .map_err(|e| input_error(&clip.wav, &e))?;
            Ok((samples, rate, report))
        });
        let (samples, rate, report) = match analysed {
            Ok(r) => r,
            Err(f) => {
                report_failure(&f);
                failed += 1;
                continue;
            }
        };
        *scored_clips.entry(&clip.subset).or_default() += 1;
        let duration = samples.len() as f64 / rate as f64;
        let (named, uem) = clip.reference()?;
        let reference: Vec<Interval> = named.iter().map(|&(_, s, e)| (s, e)).collect();
        let ours: Vec<Interval> = report.speech.iter().map(|s| (s.start, s.end)).collect();
        if named
            .iter()
            .any(|(n, _, _)| n == "foreground" || n == "background")
        {
            labelled_clips.push(crate::fgbg_eval::score_clip(
                format!("{}/{}", clip.subset, clip.stem),
                &named,
                crate::fgbg_eval::read_meta(&clip.wav).as_ref(),
                &report,
                &samples,
                rate,
            ));
        }
        if let Some(d) = save_rttm {
            let named: Vec<_> = ours
                .iter()
                .map(|&(start, end)| bystander::formats::NamedSegment {
                    start,
                    end,
                    name: "speech",
                })
                .collect();
            let path = d.join(format!("{}.rttm", clip.stem));
            std::fs::write(&path, bystander::formats::to_rttm(&clip.stem, &named))
                .map_err(|e| Failure::Input(format!("{}: {e}", path.display())))?;
        }
        let mut scores = vec![(
            "bystander".to_string(),
            VadScore::of(&reference, &ours, uem.as_deref(), duration),
        )];
        for (name, peer_dir) in &peers {
            let hyp = peer_intervals(peer_dir, clip)?;
            scores.push((
                name.clone(),
                VadScore::of(&reference, &hyp, uem.as_deref(), duration),
            ));
        }
        let label = format!("{}/{}", clip.subset, clip.stem);
        if !json {
            println!("{}", row(&label, &scores[0].1));
        }
        for (name, s) in &scores {
            pooled
                .entry(clip.subset.clone())
                .or_default()
                .entry(name.clone())
                .or_default()
                .add(s);
            overall.entry(name.clone()).or_default().add(s);
        }
        per_clip.push((label, duration, scores));
    }
    if json {
        let score_json = |s: &VadScore| {
            let c = &s.counts;
            serde_json::json!({
                "precision": c.precision(), "recall": c.recall(), "f1": c.f1(),
                "falseAlarmRate": c.false_alarm_rate(), "missRate": c.miss_rate(),
                "detectionErrorRate": c.detection_error_rate(),
                "detectionErrorRateCollar025": s.counts_collar.detection_error_rate(),
                "speechShare": c.speech_share(),
                "counts": { "tp": c.tp, "fp": c.fp, "fn": c.fn_, "tn": c.tn },
            })
        };
        let out = serde_json::json!({
            "frameSeconds": bystander::eval::EVAL_FRAME_SECONDS,
            "config": bystander::options::vad_options(&config).iter().map(|(k, v)| (k.clone(), v.to_string())).collect::<BTreeMap<_, _>>(),
            "clips": per_clip.iter().map(|(label, duration, scores)| serde_json::json!({
                "clip": label, "duration": duration,
                "systems": scores.iter().map(|(n, s)| (n.clone(), score_json(s))).collect::<serde_json::Map<_, _>>(),
            })).collect::<Vec<_>>(),
            "pooled": pooled.iter().map(|(subset, m)| (subset.clone(), serde_json::Value::Object(m.iter().map(|(n, s)| (n.clone(), score_json(s))).collect()))).collect::<serde_json::Map<_, _>>(),
            "overall": overall.iter().map(|(n, s)| (n.clone(), score_json(s))).collect::<serde_json::Map<_, _>>(),
            "labels": crate::fgbg_eval::report(&labelled_clips, true),
            "analyzerConfig": bystander::options::analyzer_options(&analyzer_config).iter().map(|(k, v)| (k.clone(), v.to_string())).collect::<BTreeMap<_, _>>(),
        });
        println!("{out:#}");
        return failures(failed, clips.len(), "clips");
    }
    for (subset, by_system) in &pooled {
        println!(
            "\npooled: {subset} ({} clips)\n{HEADER}",
            scored_clips.get(subset.as_str()).copied().unwrap_or(0)
        );
        for name in &systems {
            if let Some(s) = by_system.get(name) {
                println!("{}", row(name, s));
            }
        }
    }
    if pooled.len() > 1 {
        println!("\npooled: all ({} clips)\n{HEADER}", clips.len() - failed);
        for name in &systems {
            println!("{}", row(name, &overall[name]));
        }
    }
    crate::fgbg_eval::report(&labelled_clips, false);
    failures(failed, clips.len(), "clips")
}
