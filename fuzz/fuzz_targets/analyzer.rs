//! The streaming foreground/background analyser (which runs the VAD front end, resampler,
//! segmenter, cues and model) fed a fuzzed sample rate, a fuzzed option map (parsed the
//! way the JS bindings and the CLI parse theirs), a sequence of block sizes with
//! `report()` calls in between, and samples decoded from the remaining bytes (raw `f32`, so
//! NaN, infinities, subnormals and huge values occur, or `i16`/`u8` audio).
//!
//! Every failure must be an `Err` value; on success the reports must hold their documented
//! invariants; `push`/`finish` after `finish` must be `Err(InvalidState)`.
#![no_main]

#[path = "common.rs"]
mod common;

use arbitrary::{Arbitrary, Unstructured};
use bystander::dev::validate_vad_rate;
use bystander::options::{
    analyzer_config, analyzer_options, vad_config, LABELLER_OPTIONS, VAD_OPTIONS,
};
use bystander::VAD_FRAME_SECONDS as FRAME_SECONDS;
use bystander::{analyze, Analyzer, AnalyzerConfig, Error, LabelledSegment, Report, Segment};
use common::{fill, option_map, samples, Encoding, Len, Name, Rate, Value};
use libfuzzer_sys::fuzz_target;

/// Samples pushed per execution at most (8.2 s at 16 kHz; the batch comparison pushes
/// them again): keeps an execution under about 100 ms with ASan.
const MAX_TOTAL: usize = 1 << 17;
const MAX_OPTIONS: usize = 8;
const MAX_BLOCKS: usize = 64;

#[derive(Arbitrary, Debug)]
struct Block {
    len: Len,
    /// Ask for the provisional report after this block.
    report_after: bool,
}

#[derive(Arbitrary, Debug)]
struct Input {
    rate: Rate,
    options: Vec<(Name, Value)>,
    /// Block sizes; none = the samples in one block.
    blocks: Vec<Block>,
    encoding: Encoding,
    /// Keep every frame's record (the training dump's mode).
    keep_all: bool,
    // The samples are the bytes after these fields (`Unstructured::take_rest`).
}

fn check_config_error(e: &Error) {
    assert!(!e.to_string().is_empty());
    assert!(
        matches!(e, Error::UnknownOption { .. } | Error::InvalidConfig { .. }),
        "unexpected error kind from option parsing: {e:?}"
    );
}

fn check_labelled(segments: &[LabelledSegment], duration: f64, sorted: bool) {
    for (i, s) in segments.iter().enumerate() {
        assert!(
            s.start.is_finite() && s.end.is_finite() && s.start >= 0.0 && s.start <= s.end,
            "bad segment {s:?}"
        );
        assert!(
            s.end <= duration + FRAME_SECONDS + 1e-9,
            "segment {s:?} ends after the input ({duration} s)"
        );
        assert!(
            s.confidence.is_finite() && (0.0..=1.0).contains(&s.confidence),
            "bad confidence {s:?}"
        );
        let c = &s.cues;
        assert!(
            c.background_score.is_finite() && (0.0..=1.0).contains(&c.background_score),
            "bad background score {s:?}"
        );
        for v in [
            c.level_db,
            c.relative_level_db,
            c.reverb,
            c.depth_db,
            c.snr_db,
            c.high_band_db,
        ] {
            assert!(!v.is_nan(), "NaN cue in {s:?}");
        }
        if sorted && i > 0 {
            assert!(
                segments[i - 1].end <= s.start + 1e-9,
                "segments overlap or are out of order: {:?} then {s:?}",
                segments[i - 1]
            );
        }
    }
}

fn check_speech(speech: &[Segment], duration: f64) {
    for (i, s) in speech.iter().enumerate() {
        assert!(
            s.start.is_finite() && s.start >= 0.0 && s.start <= s.end,
            "bad speech segment {s:?}"
        );
        assert!(
            s.end <= duration + FRAME_SECONDS + 1e-9,
            "speech segment {s:?} ends after the input ({duration} s)"
        );
        assert!(s.confidence.is_finite(), "bad speech confidence {s:?}");
        if i > 0 {
            assert!(
                speech[i - 1].end <= s.start + 1e-9,
                "speech segments overlap or are out of order: {:?} then {s:?}",
                speech[i - 1]
            );
        }
    }
}

fn check_report(r: &Report, config: &AnalyzerConfig, rate: f64, total: usize) {
    assert_eq!(&r.config, config);
    assert_eq!(r.sample_rate, rate);
    assert_eq!(r.frame_seconds, FRAME_SECONDS);
    let duration = total as f64 / rate;
    assert!((r.duration - duration).abs() <= 1e-9 * duration.max(1.0));
    check_speech(&r.speech, r.duration);
    check_labelled(&r.segments, r.duration, true);
    // Labels never leave the VAD's speech.
    for s in &r.segments {
        assert!(
            r.speech
                .iter()
                .any(|v| v.start <= s.start + 1e-9 && s.end <= v.end + 1e-9),
            "labelled segment {s:?} outside the speech segments {:?}",
            r.speech
        );
    }
    assert_eq!(
        r.foreground_probability.len(),
        r.background_probability.len()
    );
    let max_frames = (r.duration / FRAME_SECONDS).ceil() as usize + 2;
    assert!(
        r.foreground_probability.len() <= max_frames,
        "{} probability frames for {} s",
        r.foreground_probability.len(),
        r.duration
    );
    for p in r
        .foreground_probability
        .iter()
        .chain(&r.background_probability)
    {
        assert!(
            p.is_finite() && (0.0..=1.0).contains(p),
            "bad probability {p}"
        );
    }
    if let Some(level) = r.anchor.level_db {
        assert!(level.is_finite(), "bad anchor level {level}");
    }
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(input) = Input::arbitrary(&mut u) else {
        return;
    };
    let sample_bytes = u.take_rest();
    if common::debug() {
        eprintln!("{input:#?}\n{} sample bytes", sample_bytes.len());
    }
    let rate = input.rate.hz();
    // The analyser's names: the VAD's, then the labeller's.
    let known: Vec<&str> = VAD_OPTIONS
        .iter()
        .chain(LABELLER_OPTIONS)
        .copied()
        .collect();
    let options = option_map(&input.options, &known, MAX_OPTIONS);

    // The VAD's own parser sees the same map (the analyser's names are unknown to it).
    if let Err(e) = vad_config(&options) {
        check_config_error(&e);
    }
    let config = match analyzer_config(&options) {
        Ok(c) => {
            c.validate().expect("a parsed configuration validates");
            // The effective options ("the options actually used") parse back to themselves.
            let effective = analyzer_options(&c);
            let again = analyzer_config(&effective).expect("effective options parse");
            assert_eq!(analyzer_options(&again), effective);
            c
        }
        Err(e) => {
            check_config_error(&e);
            // Still run the stream, with the defaults.
            AnalyzerConfig::default()
        }
    };

    let mut analyzer = match Analyzer::new(rate, config.clone()) {
        Ok(a) => {
            assert!(
                validate_vad_rate(rate).is_ok(),
                "analyser accepted rate {rate}"
            );
            a
        }
        Err(e) => {
            assert!(
                validate_vad_rate(rate).is_err(),
                "analyser refused valid rate {rate}: {e}"
            );
            assert!(
                matches!(e, Error::UnsupportedSampleRate { .. }),
                "unexpected error kind for rate {rate}: {e:?}"
            );
            return;
        }
    };
    if input.keep_all {
        analyzer.keep_all_frames();
    }

    let source = samples(sample_bytes, input.encoding);
    let lens: Vec<(usize, bool)> = if input.blocks.is_empty() {
        vec![(source.len(), false)]
    } else {
        input
            .blocks
            .iter()
            .take(MAX_BLOCKS)
            .map(|b| (b.len.samples(), b.report_after))
            .collect()
    };

    let mut block = Vec::new();
    let mut pos = 0;
    let mut total = 0usize;
    let mut provisional = Vec::new();
    // Everything pushed, for the batch comparison.
    let mut all = Vec::new();
    for (len, report_after) in lens {
        let len = len.min(MAX_TOTAL - total);
        fill(&mut block, &source, &mut pos, len);
        all.extend_from_slice(&block);
        total += len;
        let before = provisional.len();
        analyzer
            .push(&block, &mut provisional)
            .expect("push before finish");
        assert!((analyzer.duration() - total as f64 / rate).abs() < 1e-6);
        check_labelled(&provisional[before..], analyzer.duration(), false);
        if report_after {
            let r = analyzer.report().expect("report before finish");
            check_report(&r, &config, rate, total);
        }
    }
    check_labelled(&provisional, analyzer.duration(), false);

    let report = analyzer.finish().expect("first finish");
    check_report(&report, &config, rate, total);

    // Block sizes, report() calls and keep_all do not change the result: the stream
    // equals the batch analysis of the same samples.
    match analyze(&all, rate, &config) {
        Ok(batch) => assert_eq!(batch, report, "stream differs from batch"),
        Err(e) => {
            assert!(all.is_empty(), "batch failed on {} samples: {e}", all.len());
            assert!(matches!(e, Error::InputTooShort { .. }), "{e:?}");
        }
    }

    // The stream has ended: more input or a second finish is an error, not a panic.
    match analyzer.push(&block, &mut provisional) {
        Err(Error::InvalidState(_)) => {}
        other => panic!("push after finish gave {other:?}"),
    }
    match analyzer.finish() {
        Err(Error::InvalidState(_)) => {}
        other => panic!("second finish gave {other:?}"),
    }
    // finish() handed over the final report; asking again is a state error.
    match analyzer.report() {
        Err(Error::InvalidState(_)) => {}
        other => panic!("report() after finish gave {other:?}"),
    }
});
