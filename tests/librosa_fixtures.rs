//! Numerical agreement with librosa (float64) and kaldi-native-fbank, on the committed
//! fixtures of tests/fixtures/ (see its README; regenerate with
//! `bash tests/fixtures/regenerate.sh`). Every fixture's options are read from the manifest
//! and go through the same option parser as the JS API.
//!
//! Tolerances:
//! - linear and mel values: `|ours - ref| <= 1e-4 |ref| + 1e-6 max(ref)` element-wise, `max`
//!   over the whole array;
//! - dB values (top_db 80): `|ours - ref| <= 1e-3` dB;
//! - MFCC: the orthonormal DCT of dB bands each within 1e-3 dB is within
//!   `1e-3 * sqrt(n_mels)` (Cauchy-Schwarz), so that is the bound;
//! - Kaldi log-mel (natural log): the linear rule applied to the log values where the
//!   reference is within 10 (43 dB) of its frame's maximum. Below that, kaldi-native-fbank's
//!   own float32 arithmetic is the error: the fixture generator's float64 re-implementation of
//!   Kaldi differs from it by up to 1.7 there on the sweep (manifest
//!   `float64ReimplementationCheck`), so those values are only required to be within 2.
#![cfg(not(target_arch = "wasm32"))]

use bystander::formats::{read_npy, NpyArray};
use bystander::options::{spectrogram_config, OptionMap, OptionValue};
use bystander::{spectrogram, LogScale, Output};
use serde_json::Value;
use std::path::PathBuf;

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn load(name: &str) -> NpyArray {
    let bytes = std::fs::read(fixture_dir().join(name)).expect("fixture file");
    read_npy(&bytes).expect("valid npy")
}

fn to_options(params: &Value) -> OptionMap {
    params
        .as_object()
        .expect("params object")
        .iter()
        .map(|(k, v)| {
            let v = match v {
                Value::Null => OptionValue::Null,
                Value::Bool(b) => OptionValue::Bool(*b),
                Value::Number(n) => OptionValue::Number(n.as_f64().unwrap()),
                Value::String(s) => OptionValue::Str(s.clone()),
                other => panic!("unexpected option value {other}"),
            };
            (k.clone(), v)
        })
        .collect()
}

#[derive(Debug, Default)]
struct Worst {
    budget_use: f64,
    abs: f64,
}

fn check_fixture(entry: &Value) -> Worst {
    let signal = entry["signal"].as_str().unwrap();
    let variant = entry["variant"].as_str().unwrap();
    let input = load(&format!("{signal}.input.npy"));
    let samples: Vec<f32> = input.data.iter().map(|&x| x as f32).collect();
    let mut reference = load(entry["file"].as_str().unwrap());
    if entry.get("derive").and_then(Value::as_str) == Some("square") {
        reference.data.iter_mut().for_each(|x| *x *= *x);
    }
    let config = spectrogram_config(16000.0, &to_options(&entry["params"]))
        .unwrap_or_else(|e| panic!("{signal}.{variant}: {e}"));
    let ours = spectrogram(&samples, &config).unwrap();
    assert_eq!(
        vec![ours.frames, ours.bins],
        reference.shape,
        "{signal}.{variant}: frames x bins"
    );
    let tag = format!("{signal}.{variant}");
    let max_ref = reference.data.iter().fold(f64::MIN, |m, &x| m.max(x));
    let mut worst = Worst::default();
    let kaldi = entry["reference"] == "kaldi-native-fbank";
    let bins = ours.bins;
    for (i, (&a, &b)) in ours.data.iter().zip(&reference.data).enumerate() {
        let a = a as f64;
        let err = (a - b).abs();
        worst.abs = worst.abs.max(err);
        let allowed = match (config.output, config.log) {
            (Output::Mfcc, _) => 1e-3 * (config.n_mels as f64).sqrt(),
            (_, LogScale::Db { .. }) => 1e-3,
            (_, LogScale::Ln { .. }) if kaldi => {
                let row = &reference.data[(i / bins) * bins..(i / bins + 1) * bins];
                let row_max = row.iter().fold(f64::MIN, |m, &x| m.max(x));
                let row_max_abs = row.iter().fold(0.0f64, |m, &x| m.max(x.abs()));
                if b > row_max - 10.0 {
                    1e-4 * b.abs() + 1e-6 * row_max_abs
                } else {
                    2.0
                }
            }
            _ => 1e-4 * b.abs() + 1e-6 * max_ref,
        };
        worst.budget_use = worst.budget_use.max(err / allowed);
        assert!(
            err <= allowed,
            "{tag}: frame {} bin {}: ours {a} reference {b} (error {err:e} > allowed {allowed:e})",
            i / bins,
            i % bins
        );
    }
    worst
}

#[test]
fn every_fixture_matches_its_reference() {
    let manifest: Value = serde_json::from_slice(
        &std::fs::read(fixture_dir().join("manifest.json")).expect("manifest.json"),
    )
    .unwrap();
    let fixtures = manifest["fixtures"].as_array().unwrap();
    assert!(
        fixtures.len() >= 40,
        "manifest lists {} fixtures",
        fixtures.len()
    );
    for entry in fixtures {
        let worst = check_fixture(entry);
        println!(
            "{:>6}.{:<28} max error {:9.3e}  tolerance use {:6.4}",
            entry["signal"].as_str().unwrap(),
            entry["variant"].as_str().unwrap(),
            worst.abs,
            worst.budget_use
        );
    }
}

#[test]
fn every_preset_and_output_has_a_fixture() {
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(fixture_dir().join("manifest.json")).unwrap())
            .unwrap();
    let variants: Vec<&str> = manifest["fixtures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["signal"] == "speech")
        .map(|e| e["variant"].as_str().unwrap())
        .collect();
    for needed in [
        "librosa_magnitude",
        "librosa_power",
        "librosa_mel",
        "librosa_mel_db",
        "librosa_mel_htk",
        "librosa_mel_htk_nonorm",
        "librosa_mag_db",
        "librosa_mfcc",
        "torchaudio_equiv",
        "kaldi_fbank",
    ] {
        assert!(variants.contains(&needed), "missing fixture {needed}");
    }
}
