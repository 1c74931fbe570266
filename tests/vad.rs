//! Voice activity: behaviour on the bundled sample clip (a simulated review clip with its
//! reference RTTM, www/samples/), synthetic non-speech, gain, sample rate, DC and clipping
//! invariance, and streaming == batch. Accuracy targets live in `bystander eval`; these
//! tests pin behaviour with margins wide enough not to depend on one model's last decimal.
#![cfg(not(target_arch = "wasm32"))]

use bystander::eval::{parse_rttm, VadScore};
use bystander::{detect_speech, resample, Segment, VadConfig, VoiceActivityDetector};
use std::path::Path;

fn sample() -> (Vec<f32>, f64, Vec<(f64, f64)>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("www/samples");
    let (x, rate) = bystander::read_mono(&dir.join("sample.wav")).unwrap();
    let rttm = std::fs::read_to_string(dir.join("sample.rttm")).unwrap();
    let reference = parse_rttm(&rttm)
        .into_iter()
        .map(|(_, s, e)| (s, e))
        .collect();
    (x, rate as f64, reference)
}

fn intervals(segments: &[Segment]) -> Vec<(f64, f64)> {
    segments.iter().map(|s| (s.start, s.end)).collect()
}

fn assert_well_formed(segments: &[Segment], duration: f64) {
    for w in segments.windows(2) {
        assert!(w[0].end <= w[1].start, "overlap or disorder: {w:?}");
    }
    for s in segments {
        assert!(
            0.0 <= s.start && s.start < s.end && s.end <= duration + 1e-9,
            "{s:?}"
        );
        assert!((0.0..=1.0).contains(&s.confidence));
    }
}

/// Largest boundary difference between two segment lists with the same count.
fn max_boundary_shift(a: &[Segment], b: &[Segment]) -> f64 {
    assert_eq!(a.len(), b.len(), "segment counts differ:\n{a:?}\n{b:?}");
    a.iter()
        .zip(b)
        .map(|(x, y)| (x.start - y.start).abs().max((x.end - y.end).abs()))
        .fold(0.0, f64::max)
}

#[test]
fn finds_the_speech_in_the_sample_clip() {
    let (x, rate, reference) = sample();
    let v = detect_speech(&x, rate, &VadConfig::default()).unwrap();
    let duration = x.len() as f64 / rate;
    assert_well_formed(&v.segments, duration);
    assert_eq!(v.probabilities.len(), 1 + x.len() / 160);
    assert!(v.probabilities.iter().all(|p| (0.0..=1.0).contains(p)));
    let score = VadScore::of(&reference, &intervals(&v.segments), None, duration);
    let c = score.counts;
    assert!(
        c.recall() > 0.9 && c.precision() > 0.8,
        "P {} R {}",
        c.precision(),
        c.recall()
    );
}

#[test]
fn level_from_minus_50_to_0_dbfs_gives_the_same_segments() {
    let (x, rate, _) = sample();
    let peak = x.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    let at = |dbfs: f32| -> Vec<Segment> {
        let g = 10f32.powf(dbfs / 20.0) / peak;
        let y: Vec<f32> = x.iter().map(|v| v * g).collect();
        detect_speech(&y, rate, &VadConfig::default())
            .unwrap()
            .segments
    };
    let reference = at(0.0);
    for dbfs in [-50.0, -30.0, -10.0] {
        let shift = max_boundary_shift(&reference, &at(dbfs));
        assert!(shift <= 0.02, "{dbfs} dBFS: boundaries moved by {shift} s");
    }
}

#[test]
fn dc_offset_does_not_matter_and_clipping_little() {
    let (x, rate, reference) = sample();
    let base = detect_speech(&x, rate, &VadConfig::default())
        .unwrap()
        .segments;
    let dc: Vec<f32> = x.iter().map(|v| v + 0.2).collect();
    let with_dc = detect_speech(&dc, rate, &VadConfig::default())
        .unwrap()
        .segments;
    assert!(max_boundary_shift(&base, &with_dc) <= 0.02);
    let peak = x.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    // Hard clipping at a quarter of the peak (12 dB of clipping), then full scale.
    let clipped: Vec<f32> = x
        .iter()
        .map(|v| (v / peak * 4.0).clamp(-1.0, 1.0))
        .collect();
    let v = detect_speech(&clipped, rate, &VadConfig::default()).unwrap();
    let duration = x.len() as f64 / rate;
    let c = VadScore::of(&reference, &intervals(&v.segments), None, duration).counts;
    assert!(
        c.recall() > 0.9 && c.precision() > 0.8,
        "clipped: P {} R {}",
        c.precision(),
        c.recall()
    );
}

#[test]
fn any_rate_from_8_to_384_khz() {
    let (x, rate, reference) = sample();
    let duration = x.len() as f64 / rate;
    for target in [
        8000.0, 22050.0, 44100.0, 48000.0, 96000.0, 192000.0, 384000.0,
    ] {
        let y = resample(&x, rate, target).unwrap();
        let v = detect_speech(&y, target, &VadConfig::default()).unwrap();
        assert_well_formed(&v.segments, y.len() as f64 / target);
        let c = VadScore::of(&reference, &intervals(&v.segments), None, duration).counts;
        assert!(
            c.recall() > 0.85 && c.precision() > 0.8,
            "{target} Hz: P {} R {}",
            c.precision(),
            c.recall()
        );
    }
    for bad in [0.0, -16000.0, 7999.0, 384001.0, 16000.5] {
        assert!(
            detect_speech(&x, bad, &VadConfig::default()).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn silence_and_stationary_noise_are_not_speech() {
    let rate = 16000.0;
    let silence = vec![0.0f32; 16000 * 5];
    assert!(detect_speech(&silence, rate, &VadConfig::default())
        .unwrap()
        .segments
        .is_empty());
    let mut state = 7u32;
    for level in [0.001f32, 0.05, 0.3] {
        let noise: Vec<f32> = (0..16000 * 8)
            .map(|_| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                level * ((state >> 8) as f32 / 8_388_608.0 - 1.0)
            })
            .collect();
        let v = detect_speech(&noise, rate, &VadConfig::default()).unwrap();
        let speech: f64 = v.segments.iter().map(|s| s.duration()).sum();
        assert!(
            speech < 0.4,
            "white noise at {level}: {speech} s marked speech"
        );
    }
}

#[test]
fn streaming_in_any_blocks_equals_batch() {
    let (x, rate, _) = sample();
    let batch = detect_speech(&x, rate, &VadConfig::default()).unwrap();
    for block in [1usize, 127, 128, 4000, 1_000_000] {
        let mut vad = VoiceActivityDetector::new(rate, VadConfig::default()).unwrap();
        let (mut p, mut s) = (Vec::new(), Vec::new());
        for chunk in x.chunks(block) {
            vad.push(chunk, &mut p, &mut s).unwrap();
        }
        vad.finish(&mut p, &mut s).unwrap();
        assert_eq!(p, batch.probabilities, "block {block}");
        assert_eq!(s, batch.segments, "block {block}");
        assert!(vad.push(&x[..10], &mut p, &mut s).is_err());
    }
}

#[test]
fn nan_and_infinite_samples_are_silence_and_counted() {
    let (mut x, rate, _) = sample();
    x[1000] = f32::NAN;
    x[2000] = f32::INFINITY;
    let v = detect_speech(&x, rate, &VadConfig::default()).unwrap();
    assert_eq!(v.non_finite_samples, 2);
    assert!(v.probabilities.iter().all(|p| p.is_finite()));
}
