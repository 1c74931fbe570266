//! The bad-input table (docs/robustness.md, "Bad input"), row by row, through the Rust API:
//! every row gives either a clear `Error` variant or a documented, sensible result, never a
//! panic, and the same objects keep working afterwards. The wasm API runs the same table in
//! Node and Chromium (tests/wasm.rs, tests/js/), the CLI its own (tests/cli.rs).

use bystander::options::{self, OptionMap, OptionValue};
use bystander::{
    analyze, detect_speech, spectrogram, Analyzer, AnalyzerConfig, Error, Label, LabelledSegment,
    Preset, Report, SpectrogramConfig, SpectrogramStream, VadConfig, VoiceActivity,
};

const RATE: f64 = 16000.0;

fn spec_config(rate: f64) -> SpectrogramConfig {
    SpectrogramConfig::preset(Preset::Librosa, rate)
}

/// What a result must satisfy whatever the input: finite values in range, segments sorted,
/// non-overlapping within a label, inside `[0, duration]`.
fn check_report(report: &Report, samples: usize, rate: f64) {
    let duration = samples as f64 / rate;
    assert!((report.duration - duration).abs() < 1e-9);
    for p in report
        .foreground_probability
        .iter()
        .chain(&report.background_probability)
    {
        assert!((0.0..=1.0).contains(p), "probability {p}");
    }
    for label in [Label::Foreground, Label::Background] {
        let mine: Vec<&LabelledSegment> = report
            .segments
            .iter()
            .filter(|s| s.label == label)
            .collect();
        for s in &mine {
            assert!(
                0.0 <= s.start && s.start < s.end && s.end <= duration + 1e-9,
                "{s:?}"
            );
            assert!((0.0..=1.0).contains(&s.confidence), "{s:?}");
        }
        assert!(mine.windows(2).all(|w| w[0].end <= w[1].start));
    }
    assert!(report.segments.windows(2).all(|w| w[0].start <= w[1].start));
}

fn check_activity(activity: &VoiceActivity, samples: usize, rate: f64) {
    let duration = samples as f64 / rate;
    assert!(activity
        .probabilities
        .iter()
        .all(|p| (0.0..=1.0).contains(p)));
    for s in &activity.segments {
        assert!(
            0.0 <= s.start && s.start < s.end && s.end <= duration + 1e-9,
            "{s:?}"
        );
    }
    assert!(activity.segments.windows(2).all(|w| w[0].end <= w[1].start));
}

/// Runs the three analyses on `samples`; returns (spectrogram, VAD, report).
fn all(samples: &[f32], rate: f64) -> (bystander::Spectrogram, VoiceActivity, Report) {
    let spec = spectrogram(samples, &spec_config(rate)).expect("spectrogram");
    assert!(
        spec.data.iter().all(|x| x.is_finite()),
        "spectrogram not finite"
    );
    let activity = detect_speech(samples, rate, &VadConfig::default()).expect("vad");
    check_activity(&activity, samples.len(), rate);
    let report = analyze(samples, rate, &AnalyzerConfig::default()).expect("analyze");
    check_report(&report, samples.len(), rate);
    (spec, activity, report)
}

/// Real speech (1.5 s from the dev set, the librosa fixture), repeated to `seconds`.
fn speech(seconds: f64) -> Vec<f32> {
    let one: Vec<f32> = bystander::formats::read_npy(include_bytes!("fixtures/speech.input.npy"))
        .unwrap()
        .data
        .iter()
        .map(|&x| x as f32)
        .collect();
    one.iter()
        .cycle()
        .take((seconds * RATE) as usize)
        .copied()
        .collect()
}

#[test]
fn empty_input_is_an_error_and_an_empty_stream_is_an_empty_result() {
    assert!(matches!(
        spectrogram(&[], &spec_config(RATE)),
        Err(Error::InputTooShort { .. })
    ));
    assert!(matches!(
        detect_speech(&[], RATE, &VadConfig::default()),
        Err(Error::InputTooShort { .. })
    ));
    assert!(matches!(
        analyze(&[], RATE, &AnalyzerConfig::default()),
        Err(Error::InputTooShort { .. })
    ));
    // A stream that received nothing ends with nothing.
    let mut stream = SpectrogramStream::new(spec_config(RATE)).unwrap();
    let mut out = Vec::new();
    assert_eq!(stream.finish(&mut out).unwrap(), 0);
    let report = Analyzer::new(RATE, AnalyzerConfig::default())
        .unwrap()
        .finish()
        .unwrap();
    assert_eq!((report.duration, report.segments.len()), (0.0, 0));
}

#[test]
fn a_single_sample_gives_one_frame_and_no_speech() {
    let (spec, activity, report) = all(&[0.5], RATE);
    assert_eq!(spec.frames, 1);
    assert!(activity.segments.is_empty());
    assert!(report.segments.is_empty());
}

#[test]
fn non_finite_samples_are_silence_and_reported() {
    let mut x = speech(3.0);
    let clean = all(&x, RATE);
    // Bad samples in a silent stretch: same speech, and a warning that counts them.
    let mut silent_then_speech = vec![0.0f32; 16000];
    silent_then_speech.extend_from_slice(&x);
    let reference = all(&silent_then_speech, RATE);
    silent_then_speech[100] = f32::NAN;
    silent_then_speech[200] = f32::INFINITY;
    silent_then_speech[300] = f32::NEG_INFINITY;
    let (spec, activity, report) = all(&silent_then_speech, RATE);
    assert_eq!(spec.non_finite_samples, 3);
    assert_eq!(activity.non_finite_samples, 3);
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert!(report.warnings[0].contains("3 samples were NaN or infinite"));
    assert_eq!(activity.segments, reference.1.segments);
    assert_eq!(report.segments.len(), reference.2.segments.len());
    // All NaN: silence everywhere.
    x.iter_mut().for_each(|v| *v = f32::NAN);
    let (spec, activity, report) = all(&x, RATE);
    assert_eq!(spec.non_finite_samples, x.len());
    assert!(activity.segments.is_empty() && report.segments.is_empty());
    assert!(clean.2.warnings.is_empty());
}

#[test]
fn silence_subnormals_and_dc_are_not_speech() {
    let n = 3 * RATE as usize;
    let subnormal = f32::from_bits(1); // 1.4e-45, the smallest subnormal
    for (name, x) in [
        ("all zero", vec![0.0f32; n]),
        ("subnormal", vec![subnormal; n]),
        (
            "alternating subnormal",
            (0..n)
                .map(|i| if i % 2 == 0 { subnormal } else { -subnormal })
                .collect(),
        ),
        ("DC offset 0.5", vec![0.5f32; n]),
        ("DC offset -1", vec![-1.0f32; n]),
    ] {
        let (_, activity, report) = all(&x, RATE);
        assert!(
            activity.segments.is_empty(),
            "{name}: {:?}",
            activity.segments
        );
        assert!(report.segments.is_empty(), "{name}: {:?}", report.segments);
    }
    // DC under speech does not change where the speech is.
    let x = speech(3.0);
    let with_dc: Vec<f32> = x.iter().map(|v| v * 0.5 + 0.4).collect();
    let (_, plain, _) = all(&x, RATE);
    let (_, shifted, _) = all(&with_dc, RATE);
    assert_eq!(plain.segments.len(), shifted.segments.len());
    for (a, b) in plain.segments.iter().zip(&shifted.segments) {
        assert!((a.start - b.start).abs() <= 0.05 && (a.end - b.end).abs() <= 0.05);
    }
}

#[test]
fn full_scale_squares_and_clipping_give_valid_results() {
    let n = 3 * RATE as usize;
    let square: Vec<f32> = (0..n)
        .map(|i| if (i / 40) % 2 == 0 { 1.0 } else { -1.0 })
        .collect();
    all(&square, RATE);
    // Speech driven 20x into clipping, and samples far outside [-1, 1].
    let clipped: Vec<f32> = speech(3.0)
        .iter()
        .map(|v| (v * 20.0).clamp(-1.0, 1.0))
        .collect();
    let (_, activity, _) = all(&clipped, RATE);
    assert!(
        !activity.segments.is_empty(),
        "clipped speech is still speech"
    );
    let huge: Vec<f32> = speech(3.0).iter().map(|v| v * 1e6).collect();
    all(&huge, RATE);
}

#[test]
fn sample_rates_outside_the_range_are_errors_and_every_common_rate_works() {
    for rate in [
        0.0,
        -16000.0,
        1.0,
        7999.0,
        16000.5,
        f64::NAN,
        f64::INFINITY,
        384001.0,
    ] {
        let x = vec![0.0f32; 100];
        assert!(
            matches!(
                detect_speech(&x, rate, &VadConfig::default()),
                Err(Error::UnsupportedSampleRate { .. })
            ),
            "{rate}"
        );
        assert!(matches!(
            analyze(&x, rate, &AnalyzerConfig::default()),
            Err(Error::UnsupportedSampleRate { .. })
        ));
        assert!(Analyzer::new(rate, AnalyzerConfig::default()).is_err());
    }
    // The spectrogram alone takes 1 kHz..768 kHz (no resampling involved).
    for rate in [0.0, -1.0, 1.0, 999.0, 768_001.0] {
        let err = spectrogram(&[0.0; 100], &spec_config(rate)).unwrap_err();
        assert!(matches!(err, Error::UnsupportedSampleRate { .. }), "{rate}");
    }
    // Speech at every common rate is found at the same place (nearest-sample resampling
    // of the 16 kHz fixture is enough for that).
    let x = speech(3.0);
    let (_, reference, _) = all(&x, RATE);
    for rate in [8000u32, 11025, 22050, 44100, 48000, 96000, 192000, 384000] {
        let n = x.len() * rate as usize / 16000;
        let y: Vec<f32> = (0..n).map(|i| x[i * 16000 / rate as usize]).collect();
        let (_, activity, _) = all(&y, rate as f64);
        assert!(!activity.segments.is_empty(), "{rate} Hz");
        let (a, b) = (&reference.segments[0], &activity.segments[0]);
        assert!((a.start - b.start).abs() < 0.1, "{rate} Hz: {a:?} vs {b:?}");
    }
}

fn map(pairs: &[(&str, OptionValue)]) -> OptionMap {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn field(err: Error) -> String {
    match err {
        Error::InvalidConfig { field, .. } => field,
        Error::UnknownOption { name, .. } => name,
        other => panic!("not an option error: {other}"),
    }
}

#[test]
fn absurd_options_name_the_field_and_the_allowed_range() {
    use OptionValue::{Bool, Number, Str};
    let spec = |pairs: &[(&str, OptionValue)]| options::spectrogram_config(RATE, &map(pairs));
    for (pairs, name, range) in [
        (vec![("nFft", Number(0.0))], "nFft", "2..=65536"),
        (vec![("nFft", Number(1073741824.0))], "nFft", "2..=65536"),
        (vec![("nFft", Number(512.5))], "nFft", "integer"),
        (vec![("nFft", Number(-512.0))], "nFft", "integer"),
        (vec![("nFft", Number(f64::NAN))], "nFft", "integer"),
        (vec![("hopLength", Number(0.0))], "hopLength", "1..="),
        (vec![("winLength", Number(1024.0))], "winLength", "1..=512"),
        (vec![("nFft", Str("512".into()))], "nFft", "got a string"),
        (vec![("center", Number(1.0))], "center", "boolean"),
        (vec![("window", Str("kaiser".into()))], "window", "hann"),
        (vec![("nMels", Number(0.0))], "nMels", ""),
        (vec![("fMax", Number(9000.0))], "fMax", ""),
    ] {
        let err = spec(&pairs).unwrap_err();
        let text = err.to_string();
        assert_eq!(field(err), name, "{pairs:?}");
        assert!(text.contains(range), "{pairs:?}: {text}");
    }
    // hop > nFft is allowed, as in librosa: frames skip samples.
    let c = spec(&[("nFft", Number(256.0)), ("hopLength", Number(1000.0))]).unwrap();
    let s = spectrogram(&speech(1.0), &c).unwrap();
    assert_eq!(s.frames, 1 + 16000 / 1000);
    // Unknown names list the known ones.
    let err = spec(&[("nfft", Number(512.0))]).unwrap_err();
    assert!(err.to_string().contains("nFft"), "{err}");
    assert_eq!(field(err), "nfft");

    for (pairs, name) in [
        (vec![("threshold", Number(-0.5))], "threshold"),
        (vec![("threshold", Number(1.5))], "threshold"),
        (vec![("minSpeechMs", Number(-10.0))], "minSpeechMs"),
        (
            vec![("minSilenceMs", Number(f64::INFINITY))],
            "minSilenceMs",
        ),
        (vec![("threshold", Bool(true))], "threshold"),
        (vec![("speechThreshold", Number(0.5))], "speechThreshold"),
    ] {
        let err = options::vad_config(&map(&pairs)).unwrap_err();
        assert_eq!(field(err), name, "{pairs:?}");
    }
    for (pairs, name) in [
        (
            vec![("backgroundThreshold", Number(-1.0))],
            "backgroundThreshold",
        ),
        (
            vec![("backgroundThreshold", Number(f64::NAN))],
            "backgroundThreshold",
        ),
        (vec![("switchPenalty", Number(-3.0))], "switchPenalty"),
        (vec![("minLabelMs", Number(-1.0))], "minLabelMs"),
        (vec![("overlapThreshold", Number(2.0))], "overlapThreshold"),
        (vec![("threshold", Number(-0.1))], "threshold"),
        (vec![("minLabelMs", Str("long".into()))], "minLabelMs"),
        (vec![("bogus", Number(1.0))], "bogus"),
    ] {
        let err = options::analyzer_config(&map(&pairs)).unwrap_err();
        assert_eq!(field(err), name, "{pairs:?}");
    }
}

/// Pushes `x` in blocks whose lengths cycle through `sizes`.
fn push_in_blocks(x: &[f32], sizes: &[usize]) -> Report {
    let mut analyzer = Analyzer::new(RATE, AnalyzerConfig::default()).unwrap();
    let (mut at, mut k, mut segments) = (0, 0, Vec::new());
    while at < x.len() {
        let n = sizes[k % sizes.len()].min(x.len() - at);
        analyzer.push(&x[at..at + n], &mut segments).unwrap();
        at += n;
        k += 1;
    }
    analyzer.finish().unwrap()
}

#[test]
fn blocks_of_any_length_in_any_order_give_the_batch_result() {
    let x = speech(70.0);
    let batch = analyze(&x, RATE, &AnalyzerConfig::default()).unwrap();
    for sizes in [
        vec![0, 1, 127, 128, 1_000_000],
        vec![1_000_000, 128, 0, 127, 1],
        vec![128],
        vec![127, 0, 0, 1],
    ] {
        let streamed = push_in_blocks(&x, &sizes);
        assert_eq!(streamed, batch, "{sizes:?}");
    }
    let mut spec = SpectrogramStream::new(spec_config(RATE)).unwrap();
    let mut rows = Vec::new();
    for block in [&x[..0], &x[..1], &x[1..128], &x[128..255], &x[255..16000]] {
        spec.push(block, &mut rows).unwrap();
    }
    spec.finish(&mut rows).unwrap();
    let mut c = spec_config(RATE);
    if let bystander::LogScale::Db { top_db, .. } = &mut c.log {
        *top_db = None;
    }
    assert_eq!(rows, spectrogram(&x[..16000], &c).unwrap().data);
}

#[test]
fn push_after_finish_is_an_error_and_new_objects_still_work() {
    let mut analyzer = Analyzer::new(RATE, AnalyzerConfig::default()).unwrap();
    let mut segments = Vec::new();
    analyzer.push(&speech(1.0), &mut segments).unwrap();
    analyzer.finish().unwrap();
    assert!(matches!(
        analyzer.push(&[0.0; 10], &mut segments),
        Err(Error::InvalidState(_))
    ));
    assert!(matches!(analyzer.finish(), Err(Error::InvalidState(_))));
    assert!(matches!(analyzer.report(), Err(Error::InvalidState(_))));
    let mut spec = SpectrogramStream::new(spec_config(RATE)).unwrap();
    let mut rows = Vec::new();
    spec.finish(&mut rows).unwrap();
    assert!(matches!(
        spec.push(&[0.0; 10], &mut rows),
        Err(Error::InvalidState(_))
    ));
    spec.reset();
    spec.push(&[0.0; 1000], &mut rows).unwrap();
    // Errors leave nothing behind: the next analysis is as if they never happened.
    assert_eq!(
        analyze(&speech(2.0), RATE, &AnalyzerConfig::default()).unwrap(),
        analyze(&speech(2.0), RATE, &AnalyzerConfig::default()).unwrap()
    );
}
