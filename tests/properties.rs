//! Property tests (proptest) of the analyser: streaming equals batch for random chunkings;
//! results are invariant to gain (the documented tolerance, docs/robustness.md: from -40 dB to +10 dB, the same
//! speech segments within one 10 ms frame and the same label on at least 97% of frames: the
//! anchor level is a 0.5 dB histogram percentile, so a gain can move it by a bin);
//! segment lists are sorted, non-overlapping within a label and inside `[0, duration]`;
//! probabilities lie in `[0, 1]`. Inputs are the review case clips of tests/fixtures/fgbg
//! and random mixtures of them with noise, silence, clipping and non-finite samples.
#![cfg(not(target_arch = "wasm32"))]

use bystander::{analyze, Analyzer, AnalyzerConfig, Label, Report};
use proptest::prelude::*;
use std::path::Path;
use std::sync::OnceLock;

const CASES: [&str; 8] = [
    "two_talkers",
    "loud_background",
    "quiet_foreground",
    "overlap",
    "moving_away",
    "no_background",
    "background_only",
    "one_second",
];

/// The case clips (16 kHz), decoded once.
fn clips() -> &'static Vec<Vec<f32>> {
    static CLIPS: OnceLock<Vec<Vec<f32>>> = OnceLock::new();
    CLIPS.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fgbg");
        CASES
            .iter()
            .map(|name| {
                let (x, rate) = bystander::read_mono(&dir.join(format!("{name}.wav"))).unwrap();
                assert_eq!(rate, 16000);
                x
            })
            .collect()
    })
}

fn run(x: &[f32]) -> Report {
    analyze(x, 16000.0, &AnalyzerConfig::default()).unwrap()
}

/// Label per 10 ms frame: 0 none, 1 foreground, 2 background, 3 both.
fn label_frames(report: &Report) -> Vec<u8> {
    let n = (report.duration / 0.01).ceil() as usize;
    let mut v = vec![0u8; n];
    for s in &report.segments {
        let a = (s.start / 0.01).round() as usize;
        let b = ((s.end / 0.01).round() as usize).min(n);
        let bit = if s.label == Label::Foreground { 1 } else { 2 };
        v[a.min(b)..b].iter_mut().for_each(|f| *f |= bit);
    }
    v
}

fn check_invariants(report: &Report, len: usize) -> Result<(), TestCaseError> {
    let duration = len as f64 / 16000.0;
    prop_assert!((report.duration - duration).abs() < 1e-9);
    for p in report
        .foreground_probability
        .iter()
        .chain(&report.background_probability)
    {
        prop_assert!((0.0..=1.0).contains(p), "probability {}", p);
    }
    prop_assert!(report.segments.windows(2).all(|w| w[0].start <= w[1].start));
    for label in [Label::Foreground, Label::Background] {
        let mine: Vec<_> = report
            .segments
            .iter()
            .filter(|s| s.label == label)
            .collect();
        prop_assert!(mine.windows(2).all(|w| w[0].end <= w[1].start));
        for s in mine {
            prop_assert!(0.0 <= s.start && s.start < s.end && s.end <= duration + 1e-9);
            prop_assert!((0.0..=1.0).contains(&s.confidence));
        }
    }
    prop_assert!(report.speech.windows(2).all(|w| w[0].end <= w[1].start));
    for s in &report.speech {
        prop_assert!(0.0 <= s.start && s.start < s.end && s.end <= duration + 1e-9);
    }
    Ok(())
}

/// A random piece of input: a slice of a case clip at some gain, silence, noise, a
/// clipped stretch, or non-finite samples.
#[derive(Debug, Clone)]
enum Piece {
    Clip {
        case: usize,
        from: f64,
        seconds: f64,
        gain_db: f32,
    },
    Silence {
        seconds: f64,
    },
    Noise {
        seconds: f64,
        level_db: f32,
        seed: u64,
    },
    Clipped {
        case: usize,
        drive_db: f32,
    },
    NonFinite {
        count: usize,
    },
}

fn piece() -> impl Strategy<Value = Piece> {
    prop_oneof![
        4 => (0..CASES.len() - 1, 0.0..9.0f64, 0.2..4.0f64, -40.0..10.0f32).prop_map(
            |(case, from, seconds, gain_db)| Piece::Clip { case, from, seconds, gain_db }
        ),
        1 => (0.0..2.0f64).prop_map(|seconds| Piece::Silence { seconds }),
        1 => (0.0..2.0f64, -80.0..0.0f32, any::<u64>())
            .prop_map(|(seconds, level_db, seed)| Piece::Noise { seconds, level_db, seed }),
        1 => (0..CASES.len() - 1, 0.0..40.0f32)
            .prop_map(|(case, drive_db)| Piece::Clipped { case, drive_db }),
        1 => (1..200usize).prop_map(|count| Piece::NonFinite { count }),
    ]
}

fn render(pieces: &[Piece]) -> Vec<f32> {
    let mut x = Vec::new();
    let secs = |s: f64| (s * 16000.0) as usize;
    for p in pieces {
        match *p {
            Piece::Clip {
                case,
                from,
                seconds,
                gain_db,
            } => {
                let clip = &clips()[case];
                let a = secs(from).min(clip.len());
                let b = (a + secs(seconds)).min(clip.len());
                let g = 10f32.powf(gain_db / 20.0);
                x.extend(clip[a..b].iter().map(|v| v * g));
            }
            Piece::Silence { seconds } => x.extend(std::iter::repeat_n(0.0, secs(seconds))),
            Piece::Noise {
                seconds,
                level_db,
                mut seed,
            } => {
                let g = 10f32.powf(level_db / 20.0);
                x.extend((0..secs(seconds)).map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    g * ((seed >> 40) as f32 / (1u64 << 23) as f32 - 1.0)
                }));
            }
            Piece::Clipped { case, drive_db } => {
                let g = 10f32.powf(drive_db / 20.0);
                x.extend(
                    clips()[case][..secs(1.0)]
                        .iter()
                        .map(|v| (v * g).clamp(-1.0, 1.0)),
                );
            }
            Piece::NonFinite { count } => x.extend((0..count).map(|i| match i % 3 {
                0 => f32::NAN,
                1 => f32::INFINITY,
                _ => f32::NEG_INFINITY,
            })),
        }
    }
    x
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn streaming_equals_batch_for_random_chunkings(
        case in 0..CASES.len(),
        sizes in prop::collection::vec(prop_oneof![
            Just(0usize), 1..200usize, 100..5000usize, 5000..200_000usize
        ], 1..12),
    ) {
        let x = &clips()[case];
        let batch = run(x);
        let mut analyzer = Analyzer::new(16000.0, AnalyzerConfig::default()).unwrap();
        let (mut at, mut k, mut segments) = (0, 0, Vec::new());
        while at < x.len() {
            let n = sizes[k % sizes.len()].min(x.len() - at);
            analyzer.push(&x[at..at + n], &mut segments).unwrap();
            at += n;
            k += 1;
            // An empty block must not stall the loop.
            if sizes.iter().all(|&s| s == 0) {
                analyzer.push(&x[at..], &mut segments).unwrap();
                at = x.len();
            }
        }
        let streamed = analyzer.finish().unwrap();
        prop_assert_eq!(streamed, batch);
    }

    #[test]
    fn results_are_invariant_to_gain(case in 0..CASES.len(), gain_db in -40.0..10.0f32) {
        let x = &clips()[case];
        let g = 10f32.powf(gain_db / 20.0);
        let scaled: Vec<f32> = x.iter().map(|v| v * g).collect();
        let (a, b) = (run(x), run(&scaled));
        prop_assert_eq!(a.speech.len(), b.speech.len());
        for (s, t) in a.speech.iter().zip(&b.speech) {
            prop_assert!((s.start - t.start).abs() <= 0.01 && (s.end - t.end).abs() <= 0.01,
                "{:?} vs {:?} at {} dB", s, t, gain_db);
        }
        let (fa, fb) = (label_frames(&a), label_frames(&b));
        let agree = fa.iter().zip(&fb).filter(|(p, q)| p == q).count() as f64 / fa.len() as f64;
        prop_assert!(agree >= 0.97, "labels agree on {} of frames at {} dB", agree, gain_db);
    }

    #[test]
    fn segments_and_probabilities_are_well_formed(
        pieces in prop::collection::vec(piece(), 1..8)
    ) {
        let x = render(&pieces);
        prop_assume!(!x.is_empty());
        let report = run(&x);
        check_invariants(&report, x.len())?;
        let bad = x.iter().filter(|v| !v.is_finite()).count();
        prop_assert_eq!(report.warnings.iter().any(|w| w.contains("NaN")), bad > 0);
    }
}
