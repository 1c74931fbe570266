//! The command-line tool end to end: decode -> (resample) -> spectrogram -> .npy/.png.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_bystander"))
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bystander-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Writes 16-bit PCM WAV (the test's own tiny writer, independent of the decoder under test).
fn write_wav(path: &Path, rate: u32, channels: u16, interleaved: &[f32]) {
    let data: Vec<u8> = interleaved
        .iter()
        .flat_map(|&x| ((x.clamp(-1.0, 1.0) * 32767.0).round() as i16).to_le_bytes())
        .collect();
    let mut b = Vec::new();
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&channels.to_le_bytes());
    b.extend_from_slice(&rate.to_le_bytes());
    b.extend_from_slice(&(rate * channels as u32 * 2).to_le_bytes());
    b.extend_from_slice(&(channels * 2).to_le_bytes());
    b.extend_from_slice(&16u16.to_le_bytes());
    b.extend_from_slice(b"data");
    b.extend_from_slice(&(data.len() as u32).to_le_bytes());
    b.extend_from_slice(&data);
    std::fs::write(path, b).unwrap();
}

fn fixture(name: &str) -> Vec<f64> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    bystander::npy::read(&std::fs::read(p).unwrap())
        .unwrap()
        .data
}

#[test]
fn spectrogram_npy_matches_librosa_for_a_16k_wav() {
    // The speech fixture came from a 16-bit WAV, so writing it back to 16-bit is lossless.
    let speech: Vec<f32> = fixture("speech.input.npy")
        .iter()
        .map(|&x| x as f32)
        .collect();
    let wav = tmp("speech.wav");
    write_wav(&wav, 16000, 1, &speech);
    let out = tmp("speech.npy");
    let png = tmp("speech.png");
    let status = bin()
        .args([
            "spectrogram",
            wav.to_str().unwrap(),
            "--preset",
            "librosa",
            "--db",
        ])
        .args([
            "--out",
            out.to_str().unwrap(),
            "--png",
            png.to_str().unwrap(),
        ])
        .status()
        .unwrap();
    assert!(status.success());
    let ours = bystander::npy::read(&std::fs::read(&out).unwrap()).unwrap();
    let reference = fixture("speech.librosa_mel_db.npy");
    assert_eq!(ours.shape, vec![151, 64]);
    for (a, b) in ours.data.iter().zip(&reference) {
        assert!((a - b).abs() <= 1e-3, "{a} vs {b}");
    }
    let png_bytes = std::fs::read(&png).unwrap();
    assert_eq!(&png_bytes[1..4], b"PNG");
}

#[test]
fn stereo_44k_is_downmixed_and_resampled() {
    let rate = 44100;
    let frames = rate as usize; // 1 s
    let mut interleaved = Vec::with_capacity(2 * frames);
    for n in 0..frames {
        let s = (2.0 * std::f32::consts::PI * 1000.0 * n as f32 / rate as f32).sin() * 0.5;
        interleaved.extend_from_slice(&[s, s]);
    }
    let wav = tmp("stereo.wav");
    write_wav(&wav, rate, 2, &interleaved);
    let out = tmp("stereo.npy");
    let status = bin()
        .args(["spectrogram", wav.to_str().unwrap(), "--output", "linear"])
        .args(["--out", out.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());
    let s = bystander::npy::read(&std::fs::read(&out).unwrap()).unwrap();
    // 1 s at 16 kHz, centred frames every 160 samples.
    assert_eq!(s.shape, vec![101, 257]);
    let row = &s.data[50 * 257..51 * 257];
    let peak = (0..257).max_by(|&a, &b| row[a].total_cmp(&row[b])).unwrap();
    assert_eq!(peak, 32, "1 kHz lands in bin 32 at 16 kHz / 512");
}

#[test]
fn bad_input_and_usage_errors() {
    let text = tmp("notes.txt");
    std::fs::write(&text, "not audio").unwrap();
    let out = tmp("x.npy");
    let o = bin()
        .args([
            "spectrogram",
            text.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("notes.txt") && err.contains("cannot decode"),
        "{err}"
    );

    let o = bin().args(["spectrogram"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let o = bin()
        .args(["spectrogram", "x.wav", "--n-fft", "0", "--out", "y.npy"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nFft"));

    let o = bin().arg("--help").output().unwrap();
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("spectrogram"));
}

fn samples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("www/samples")
}

#[test]
fn vad_writes_every_format() {
    let wav = samples_dir().join("sample.wav");
    let run = |format: &str| {
        let o = bin()
            .args(["vad", wav.to_str().unwrap(), "--format", format])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    let rttm = run("rttm");
    let segments = bystander::eval::parse_rttm(&rttm);
    assert!(!segments.is_empty());
    assert!(segments
        .iter()
        .all(|(name, s, e)| name == "speech" && s < e));
    assert!(rttm.lines().all(|l| l.starts_with("SPEAKER sample 1 ")));
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(
        json[0]["segments"].as_array().unwrap().len(),
        segments.len()
    );
    assert_eq!(json[0]["frameSeconds"], 0.01);
    assert_eq!(run("audacity").lines().count(), segments.len());
    assert!(run("vtt").starts_with("WEBVTT\n"));
}

#[test]
fn eval_scores_bystander_and_peers_with_one_scorer() {
    let dir = tmp("eval");
    let clips = dir.join("set");
    let peer = dir.join("peer");
    std::fs::create_dir_all(&clips).unwrap();
    std::fs::create_dir_all(&peer).unwrap();
    std::fs::copy(samples_dir().join("sample.wav"), clips.join("sample.wav")).unwrap();
    std::fs::copy(samples_dir().join("sample.rttm"), clips.join("sample.rttm")).unwrap();
    // A peer that marks the whole clip as speech.
    std::fs::write(
        peer.join("sample.rttm"),
        "SPEAKER sample 1 0 15.5 <NA> <NA> speech <NA> <NA>\n",
    )
    .unwrap();
    let o = bin()
        .args(["eval", clips.to_str().unwrap(), "--json"])
        .arg(format!("--peer=everything={}", peer.display()))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let everything = &json["overall"]["everything"];
    // The reference covers 1.54 .. 15.50 s minus its gaps; all-speech recall is exactly 1.
    assert_eq!(everything["recall"], 1.0);
    assert_eq!(everything["counts"]["tn"], 0);
    assert!(json["overall"]["bystander"]["f1"].as_f64().unwrap() > 0.85);
    let o = bin()
        .args(["eval", clips.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("pooled") && text.contains("DER.25"), "{text}");
    let o = bin()
        .args(["eval", dir.join("missing").to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn analyze_writes_every_format_in_parallel() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fgbg");
    let files: Vec<PathBuf> = ["two_talkers", "overlap", "no_background"]
        .iter()
        .map(|n| dir.join(format!("{n}.wav")))
        .collect();
    let run = |format: &str, extra: &[&str]| {
        let o = bin()
            .arg("analyze")
            .args(&files)
            .args(["--format", format])
            .args(extra)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    let rttm = run("rttm", &["--jobs", "2"]);
    let lines = bystander::eval::parse_rttm(&rttm);
    assert!(lines
        .iter()
        .all(|(n, s, e)| (n == "foreground" || n == "background") && s < e));
    assert!(lines.iter().any(|(n, _, _)| n == "background"));
    // Files come out in input order whatever the number of jobs.
    let ids: Vec<&str> = rttm.lines().map(|l| l.split(' ').nth(1).unwrap()).collect();
    let first_overlap = ids.iter().position(|&i| i == "overlap").unwrap();
    assert!(ids[..first_overlap].iter().all(|&i| i == "two_talkers"));
    assert_eq!(rttm, run("rttm", &["--jobs", "1"]));
    let json: serde_json::Value = serde_json::from_str(&run("json", &[])).unwrap();
    let reports = json.as_array().unwrap();
    assert_eq!(reports.len(), 3);
    for r in reports {
        assert_eq!(r["schemaVersion"], 1);
        assert_eq!(r["frameSeconds"], 0.01);
        let frames = r["foregroundProbability"].as_array().unwrap().len();
        assert!((frames as f64 - r["duration"].as_f64().unwrap() * 100.0).abs() <= 1.0);
        for s in r["segments"].as_array().unwrap() {
            assert!(s["cues"]["levelDb"].is_number() && s["cues"]["reverb"].is_number());
            assert!(s["overlap"].is_boolean());
        }
    }
    let segments = reports[0]["segments"].as_array().unwrap().len();
    let audacity = run("audacity", &[]);
    assert_eq!(audacity.lines().count(), lines.len());
    assert!(run("vtt", &[]).starts_with("WEBVTT\n"));
    let tg = run("textgrid", &["--no-frames"]);
    assert_eq!(tg.matches("ooTextFile").count(), 3);
    assert!(tg.contains("text = \"foreground\""));
    assert!(segments > 0);
    // A bad option is a usage error (2); an unreadable file an input error (1), and the other
    // files are still analysed.
    let o = bin()
        .args([
            "analyze",
            files[0].to_str().unwrap(),
            "--set",
            "backgroundThreshold=3",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("backgroundThreshold"));
    let o = bin()
        .args([
            "analyze",
            "--format",
            "rttm",
            "/nonexistent.wav",
            files[0].to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("SPEAKER two_talkers"));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nonexistent.wav"));
}

#[test]
fn eval_scores_foreground_and_background() {
    let dir = tmp("eval-fgbg");
    std::fs::create_dir_all(&dir).unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fgbg");
    for name in ["two_talkers", "no_background", "background_only"] {
        for ext in ["wav", "rttm", "json"] {
            std::fs::copy(
                src.join(format!("{name}.{ext}")),
                dir.join(format!("{name}.{ext}")),
            )
            .unwrap();
        }
    }
    let o = bin()
        .args(["eval", dir.to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let labels = &json["labels"];
    let all = &labels["conditions"]["all"];
    assert_eq!(all["clips"], 3);
    for key in [
        "labelAccuracy",
        "foregroundRecall",
        "backgroundRecall",
        "backgroundPrecision",
        "falseBackgroundOnSilence",
        "expectedCalibrationError",
    ] {
        let v = all["scores"][key].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&v), "{key} {v}");
    }
    assert!(
        labels["conditions"]["scenario: background_only"].is_object(),
        "{labels:#}"
    );
    assert!(labels["conditions"]["gap: no background"].is_object());
    let own = labels["baselineOwnSpeech"]["scores"]["labelAccuracy"]
        .as_f64()
        .unwrap();
    let reference = labels["baselineReferenceSpeech"]["scores"]["labelAccuracy"]
        .as_f64()
        .unwrap();
    assert!((0.0..=1.0).contains(&own) && (0.0..=1.0).contains(&reference));
    assert!(labels["baselineOwnSpeech"]["thresholdDb"].is_number());
}
