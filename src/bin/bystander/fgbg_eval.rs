//! Foreground/background part of `bystander eval` (issue #4): frame-level label scores of
//! bystander's report per condition of the clips' JSON metadata, segment-confidence
//! calibration, and the level-only baseline run on bystander's own speech frames and on the
//! reference speech frames.

use bystander::eval::{
    class_frames, frame_count, frame_mask, segment_is_right, Calibration, Discrimination,
    FrameClass, Interval, LabelCounts, BACKGROUND, FOREGROUND, NONE,
};
use bystander::{Label, Report};
use std::collections::BTreeMap;
use std::path::Path;

/// What one clip contributes.
pub struct ClipLabels {
    pub label: String,
    pub groups: Vec<String>,
    pub counts: LabelCounts,
    pub calibration: Calibration,
    /// Background-only vs foreground reference speech frames, by the report's per-frame
    /// `backgroundProbability - foregroundProbability`.
    pub discrimination: Discrimination,
    /// For the baseline: per eval frame, the 100 ms level (dB), reference class, reference
    /// overlap, own speech, and whether the clip has background.
    level: Vec<f32>,
    reference: Vec<FrameClass>,
    reference_overlap: Vec<bool>,
    own_speech: Vec<bool>,
    has_background: bool,
}

/// The conditions a clip belongs to, from its `<stem>.json` (the generator's metadata).
fn conditions(meta: Option<&serde_json::Value>) -> Vec<String> {
    let mut g = vec!["all".to_string()];
    let Some(m) = meta else { return g };
    let sources = m["sources"].as_array().cloned().unwrap_or_default();
    let backgrounds: Vec<&serde_json::Value> = sources
        .iter()
        .filter(|s| s["role"] == "background")
        .collect();
    let has_foreground = sources.iter().any(|s| s["role"] == "foreground");
    if !has_foreground {
        g.push(
            if backgrounds.is_empty() {
                "gap: no speech"
            } else {
                "gap: no foreground"
            }
            .into(),
        );
    } else if backgrounds.is_empty() {
        g.push("gap: no background".into());
    } else {
        let gap = backgrounds
            .iter()
            .filter_map(|s| s["level_re_fg_db"].as_f64())
            .map(|x| -x)
            .fold(f64::INFINITY, f64::min);
        g.push(
            if gap < 12.0 {
                "gap: < 12 dB"
            } else if gap <= 18.0 {
                "gap: 12-18 dB"
            } else {
                "gap: > 18 dB"
            }
            .into(),
        );
    }
    if let Some(rt) = m["room"]["measured_t30_rt60"].as_f64() {
        g.push(
            if rt < 0.5 {
                "rt60: < 0.5 s"
            } else {
                "rt60: >= 0.5 s"
            }
            .into(),
        );
    }
    let mut kinds: Vec<&str> = backgrounds
        .iter()
        .filter_map(|s| s["kind"].as_str())
        .map(|k| match k {
            "talker_overlap" => "overlap",
            k if k.starts_with("talker") => "talker",
            k => k,
        })
        .collect();
    kinds.sort();
    kinds.dedup();
    if kinds.is_empty() && has_foreground {
        g.push("scenario: fg_only".into());
    }
    if !has_foreground && !backgrounds.is_empty() {
        g.push("scenario: background_only".into());
    }
    for k in kinds {
        g.push(format!("scenario: {k}"));
    }
    g.push(
        match m["noise"]["snr_db_re_fg_active_level"].as_f64() {
            None => "noise: none",
            Some(s) if s > 20.0 => "noise: > 20 dB below fg",
            Some(_) => "noise: <= 20 dB below fg",
        }
        .into(),
    );
    g
}

/// 100 ms mean-square level (dBFS) around each eval frame's centre.
fn frame_levels(samples: &[f32], rate: u32, frames: usize) -> Vec<f32> {
    let mut prefix = Vec::with_capacity(samples.len() + 1);
    let mut acc = 0.0f64;
    prefix.push(0.0);
    for &x in samples {
        acc += (x as f64) * (x as f64);
        prefix.push(acc);
    }
    let r = rate as f64;
    (0..frames)
        .map(|i| {
            let c = (i as f64 + 0.5) * 0.01;
            let a = (((c - 0.05) * r).round().max(0.0) as usize).min(samples.len());
            let b = (((c + 0.05) * r).round().max(0.0) as usize).min(samples.len());
            let ms = if b > a {
                (prefix[b] - prefix[a]) / (b - a) as f64
            } else {
                0.0
            };
            (10.0 * ms.max(1e-15).log10()) as f32
        })
        .collect()
}

/// Scores one clip whose RTTM names `foreground` / `background`.
pub fn score_clip(
    label: String,
    reference_rttm: &[(String, f64, f64)],
    meta: Option<&serde_json::Value>,
    report: &Report,
    samples: &[f32],
    rate: u32,
) -> ClipLabels {
    let frames = frame_count(report.duration);
    let pick = |name: &str| -> Vec<Interval> {
        reference_rttm
            .iter()
            .filter(|(n, _, _)| n == name)
            .map(|&(_, s, e)| (s, e))
            .collect()
    };
    let (rf, rb) = (pick("foreground"), pick("background"));
    let reference = class_frames(&rf, &rb, frames);
    let reference_overlap: Vec<bool> = frame_mask(&rf, frames)
        .iter()
        .zip(frame_mask(&rb, frames))
        .map(|(&f, b)| f && b)
        .collect();
    let segs = |l: Label| -> Vec<Interval> {
        report
            .segments
            .iter()
            .filter(|s| s.label == l)
            .map(|s| (s.start, s.end))
            .collect()
    };
    let hypothesis = class_frames(&segs(Label::Foreground), &segs(Label::Background), frames);
    let flagged: Vec<Interval> = report
        .segments
        .iter()
        .filter(|s| s.overlap)
        .map(|s| (s.start, s.end))
        .collect();
    let hypothesis_overlap = frame_mask(&flagged, frames);
    let has_background = !rb.is_empty();
    let counts = LabelCounts::of(
        &reference,
        &hypothesis,
        &reference_overlap,
        &hypothesis_overlap,
        has_background,
    );
    let mut calibration = Calibration::default();
    for s in &report.segments {
        let class = if s.label == Label::Foreground {
            FOREGROUND
        } else {
            BACKGROUND
        };
        calibration.add_segment(
            s.confidence as f64,
            segment_is_right(&reference, s.start, s.end, class),
        );
    }
    let mut discrimination = Discrimination::default();
    let scores = report
        .background_probability
        .iter()
        .zip(&report.foreground_probability);
    for (&class, (&b, &f)) in reference.iter().zip(scores) {
        if class == FOREGROUND || class == BACKGROUND {
            discrimination.add_frame(b as f64 - f as f64, class == BACKGROUND);
        }
    }
    let speech: Vec<Interval> = report.speech.iter().map(|s| (s.start, s.end)).collect();
    ClipLabels {
        label,
        groups: conditions(meta),
        counts,
        calibration,
        discrimination,
        level: frame_levels(samples, rate, frames),
        own_speech: frame_mask(&speech, frames),
        reference,
        reference_overlap,
        has_background,
    }
}

/// The level-only baseline of one clip at threshold `x` dB on the given speech frames.
fn baseline_counts(c: &ClipLabels, speech: &[bool], x: f32) -> LabelCounts {
    let mut levels: Vec<f32> = c
        .level
        .iter()
        .zip(speech)
        .filter(|(_, &s)| s)
        .map(|(&l, _)| l)
        .collect();
    let hyp: Vec<FrameClass> = if levels.is_empty() {
        vec![NONE; speech.len()]
    } else {
        let k = ((levels.len() as f64 * 0.95).ceil() as usize).clamp(1, levels.len()) - 1;
        let p95 = *levels.select_nth_unstable_by(k, |a, b| a.total_cmp(b)).1;
        c.level
            .iter()
            .zip(speech)
            .map(|(&l, &s)| {
                if !s {
                    NONE
                } else if l < p95 - x {
                    BACKGROUND
                } else {
                    FOREGROUND
                }
            })
            .collect()
    };
    let none = vec![false; speech.len()];
    LabelCounts::of(
        &c.reference,
        &hyp,
        &c.reference_overlap,
        &none,
        c.has_background,
    )
}

/// The baseline with the best single `x` (0..40 dB in 0.5 dB steps) for the whole set, by
/// pooled label accuracy: `(x, counts)`.
fn best_baseline(clips: &[ClipLabels], own: bool) -> (f32, LabelCounts) {
    let mut best: Option<(f32, LabelCounts)> = None;
    for step in 0..=80 {
        let x = step as f32 * 0.5;
        let mut pooled = LabelCounts::default();
        for c in clips {
            let ref_speech: Vec<bool>;
            let speech = if own {
                &c.own_speech
            } else {
                ref_speech = c.reference.iter().map(|&r| r != NONE).collect();
                &ref_speech
            };
            pooled.add(&baseline_counts(c, speech, x));
        }
        if best
            .as_ref()
            .is_none_or(|b| pooled.label_accuracy() > b.1.label_accuracy())
        {
            best = Some((x, pooled));
        }
    }
    best.expect("at least one threshold")
}

fn f(x: f64) -> String {
    if x.is_nan() {
        "    -".into()
    } else {
        format!("{x:5.3}")
    }
}

const HEADER: &str = "                               clips speech_s   acc   fgR   bgR   bgP bgSil fgClean  ovR   ovP   ECE   AUC";

/// A row's scores: the label counts, and for bystander (not the baseline) the calibration
/// and the discrimination.
type Scores<'a> = (
    &'a LabelCounts,
    Option<(&'a Calibration, &'a Discrimination)>,
);

fn row(name: &str, clips: usize, (c, extra): Scores) -> String {
    let cal = extra.map(|e| e.0);
    let auc = extra.map_or(f64::NAN, |e| e.1.auroc());
    format!(
        "{name:<30} {clips:5} {:8.1} {} {} {} {} {} {}   {} {} {} {}",
        c.speech_frames() as f64 * 0.01,
        f(c.label_accuracy()),
        f(c.foreground_recall()),
        f(c.background_recall()),
        f(c.background_precision()),
        f(c.false_background_on_silence()),
        f(c.clean_foreground_as_background_rate()),
        f(c.overlap_recall()),
        f(c.overlap_precision()),
        f(cal.map_or(f64::NAN, |c| c.expected_calibration_error())),
        f(auc),
    )
}

fn counts_json((c, extra): Scores) -> serde_json::Value {
    let cal = extra.map(|e| e.0);
    serde_json::json!({
        "labelAccuracy": c.label_accuracy(), "foregroundRecall": c.foreground_recall(),
        "backgroundRecall": c.background_recall(), "backgroundPrecision": c.background_precision(),
        "falseBackgroundOnSilence": c.false_background_on_silence(),
        "cleanForegroundAsBackground": c.clean_foreground_as_background_rate(),
        "overlapRecall": c.overlap_recall(), "overlapPrecision": c.overlap_precision(),
        "expectedCalibrationError": cal.map(|c| c.expected_calibration_error()),
        "backgroundAuroc": extra.map(|e| e.1.auroc()).filter(|x| !x.is_nan()),
        "segments": cal.map(|c| c.segments()),
        "speechFrames": c.speech_frames(), "confusion": c.confusion,
    })
}

/// Pools, prints (or returns as JSON) the foreground/background figures.
pub fn report(clips: &[ClipLabels], json: bool) -> Option<serde_json::Value> {
    if clips.is_empty() {
        return None;
    }
    type Group = (usize, LabelCounts, Calibration, Discrimination);
    let mut groups: BTreeMap<&str, Group> = BTreeMap::new();
    for c in clips {
        for g in &c.groups {
            let e = groups.entry(g.as_str()).or_default();
            e.0 += 1;
            e.1.add(&c.counts);
            e.2.add(&c.calibration);
            e.3.add(&c.discrimination);
        }
    }
    let (x_own, own) = best_baseline(clips, true);
    let (x_ref, reference) = best_baseline(clips, false);
    if json {
        return Some(serde_json::json!({
            "clips": clips.iter().map(|c| serde_json::json!({"clip": c.label, "groups": c.groups, "scores": counts_json((&c.counts, Some((&c.calibration, &c.discrimination))))})).collect::<Vec<_>>(),
            "conditions": groups.iter().map(|(g, (n, c, cal, d))| (g.to_string(), serde_json::json!({"clips": n, "scores": counts_json((c, Some((cal, d))))}))).collect::<serde_json::Map<_, _>>(),
            "baselineOwnSpeech": {"thresholdDb": x_own, "scores": counts_json((&own, None))},
            "baselineReferenceSpeech": {"thresholdDb": x_ref, "scores": counts_json((&reference, None))},
        }));
    }
    println!("\nforeground/background per clip\n{HEADER}");
    for c in clips {
        println!(
            "{}",
            row(
                &c.label,
                1,
                (&c.counts, Some((&c.calibration, &c.discrimination)))
            )
        );
    }
    println!("\nforeground/background by condition\n{HEADER}");
    for (g, (n, c, cal, d)) in &groups {
        println!("{}", row(g, *n, (c, Some((cal, d)))));
    }
    println!("\nlevel-only baseline (background when the 100 ms level is more than X dB under the clip's p95 speech level; best single X)\n{HEADER}");
    println!(
        "{}",
        row(
            &format!("own speech frames, X={x_own}"),
            clips.len(),
            (&own, None)
        )
    );
    println!(
        "{}",
        row(
            &format!("reference speech, X={x_ref}"),
            clips.len(),
            (&reference, None)
        )
    );
    let all = &groups["all"].1;
    println!(
        "\nlabel accuracy: bystander {} vs baseline on own speech {} ({:+.1} points)",
        f(all.label_accuracy()),
        f(own.label_accuracy()),
        100.0 * (all.label_accuracy() - own.label_accuracy())
    );
    None
}

/// Reads `<stem>.json` beside a clip, if any.
pub fn read_meta(wav: &Path) -> Option<serde_json::Value> {
    let text = std::fs::read_to_string(wav.with_extension("json")).ok()?;
    serde_json::from_str(&text).ok()
}
