//! The command-line tool end to end: decode -> (resample) -> spectrogram -> .npy/.png.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_bystander"))
}

/// A scratch directory for one test, removed when it is dropped at the test's end, passed or
/// failed (`tempfile`, so that test runs leave nothing behind in the temporary directory).
fn scratch() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("bystander-cli-")
        .tempdir()
        .unwrap()
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
    bystander::formats::read_npy(&std::fs::read(p).unwrap())
        .unwrap()
        .data
}

#[test]
fn spectrogram_npy_matches_librosa_for_a_16k_wav() {
    let scratch = scratch();
    // The speech fixture came from a 16-bit WAV, so writing it back to 16-bit is lossless.
    let speech: Vec<f32> = fixture("speech.input.npy")
        .iter()
        .map(|&x| x as f32)
        .collect();
    let wav = scratch.path().join("speech.wav");
    write_wav(&wav, 16000, 1, &speech);
    let out = scratch.path().join("speech.npy");
    let png = scratch.path().join("speech.png");
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
    let ours = bystander::formats::read_npy(&std::fs::read(&out).unwrap()).unwrap();
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
    let scratch = scratch();
    let rate = 44100;
    let frames = rate as usize; // 1 s
    let mut interleaved = Vec::with_capacity(2 * frames);
    for n in 0..frames {
        let s = (2.0 * std::f32::consts::PI * 1000.0 * n as f32 / rate as f32).sin() * 0.5;
        interleaved.extend_from_slice(&[s, s]);
    }
    let wav = scratch.path().join("stereo.wav");
    write_wav(&wav, rate, 2, &interleaved);
    let out = scratch.path().join("stereo.npy");
    let status = bin()
        .args(["spectrogram", wav.to_str().unwrap(), "--output", "linear"])
        .args(["--out", out.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());
    let s = bystander::formats::read_npy(&std::fs::read(&out).unwrap()).unwrap();
    // 1 s at 16 kHz, centred frames every 160 samples.
    assert_eq!(s.shape, vec![101, 257]);
    let row = &s.data[50 * 257..51 * 257];
    let peak = (0..257).max_by(|&a, &b| row[a].total_cmp(&row[b])).unwrap();
    assert_eq!(peak, 32, "1 kHz lands in bin 32 at 16 kHz / 512");
}

#[test]
fn bad_input_and_usage_errors() {
    let scratch = scratch();
    let text = scratch.path().join("notes.txt");
    std::fs::write(&text, "not audio").unwrap();
    let out = scratch.path().join("x.npy");
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

/// `--set` takes the JS option names; the older flags are aliases of some of them.
#[test]
fn spectrogram_set_takes_the_js_names_and_the_flags_stay_aliases() {
    let scratch = scratch();
    let wav = samples_dir().join("sample.wav");
    let (flags, set) = (
        scratch.path().join("flags.npy"),
        scratch.path().join("set.npy"),
    );
    let run = |args: &[&str], out: &Path| {
        bin()
            .arg("spectrogram")
            .arg(&wav)
            .args(args)
            .arg("--out")
            .arg(out)
            .output()
            .unwrap()
    };
    let o = run(&["--n-fft", "1024", "--hop", "256", "--mels", "40"], &flags);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = run(
        &[
            "--set",
            "nFft=1024",
            "--set",
            "hopLength=256",
            "--set",
            "nMels=40",
        ],
        &set,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read(&flags).unwrap(), std::fs::read(&set).unwrap());
    for (arg, needle) in [
        ("nfft=1024", "unknown option `nfft`"),
        ("colormap=jet", "colormap"),
        ("winLength=2048", "winLength"),
    ] {
        let o = run(&["--set", arg], &scratch.path().join("bad.npy"));
        assert_eq!(o.status.code(), Some(2), "{arg}");
        assert!(String::from_utf8_lossy(&o.stderr).contains(needle), "{arg}");
    }
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
    let scratch = scratch();
    let dir = scratch.path().join("eval");
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
    // RTTM also has a `background` line under each foreground segment with overlap.
    let overlaps = reports
        .iter()
        .flat_map(|r| r["segments"].as_array().unwrap())
        .filter(|s| s["overlap"] == true)
        .count();
    assert_eq!(audacity.lines().count() + overlaps, lines.len());
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
    let scratch = scratch();
    let dir = scratch.path().join("eval-fgbg");
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

/// A 16 kHz mono 16-bit WAV header (`fmt ` of 16 bytes) with format `tag` and `channels`,
/// whose `data` chunk claims `data_len` bytes, followed by `samples` of a 440 Hz tone.
fn wav_bytes(tag: u16, channels: u16, data_len: u32, samples: usize) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&36u32.wrapping_add(data_len).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&tag.to_le_bytes());
    b.extend_from_slice(&channels.to_le_bytes());
    b.extend_from_slice(&16000u32.to_le_bytes());
    b.extend_from_slice(&32000u32.to_le_bytes());
    b.extend_from_slice(&2u16.to_le_bytes());
    b.extend_from_slice(&16u16.to_le_bytes());
    b.extend_from_slice(b"data");
    b.extend_from_slice(&data_len.to_le_bytes());
    for n in 0..samples {
        let x = (2.0 * std::f32::consts::PI * 440.0 * n as f32 / 16000.0).sin() * 8000.0;
        b.extend_from_slice(&(x as i16).to_le_bytes());
    }
    b
}

/// Bad inputs: every subcommand that reads audio gives one line per bad file on stderr,
/// `bystander: <path>: <reason>`, exits 1, and still processes the good files of the run.
#[test]
fn bad_files_get_one_line_each_and_the_others_are_still_processed() {
    let scratch = scratch();
    let dir = scratch.path().join("bad-files");
    std::fs::create_dir_all(&dir).unwrap();
    let one_second = 16000 * 2;
    let good = wav_bytes(1, 1, one_second, 16000);
    // (file name, contents or None for a path made otherwise, what the reason must say)
    let cases: Vec<(&str, Option<Vec<u8>>, &str)> = vec![
        (
            "header_cut.wav",
            Some(good[..30].to_vec()),
            "cannot decode audio: truncated WAV header: the file ends inside the 'fmt ' chunk (30 bytes)",
        ),
        (
            "garbage_fmt.wav",
            Some({
                let mut b = good.clone();
                for (i, x) in b[20..36].iter_mut().enumerate() {
                    *x = 0xA5 ^ (i as u8).wrapping_mul(37);
                }
                b
            }),
            "cannot decode audio: unsupported codec (WAV format tag 0x",
        ),
        (
            "zero_channels.wav",
            Some(wav_bytes(1, 0, 3200, 1600)),
            "cannot decode audio: invalid WAV header: 0 channels (1 to 32 supported)",
        ),
        (
            "empty.wav",
            Some(Vec::new()),
            "cannot decode audio: empty file (0 bytes)",
        ),
        (
            "notes.wav",
            Some(b"Meeting notes, 3 March: not audio at all.\n".to_vec()),
            "cannot decode audio: not an audio file (it holds text)",
        ),
        (
            "mpeg.wav",
            Some(wav_bytes(0x0055, 1, 3200, 1600)),
            "cannot decode audio: unsupported codec (WAV format tag 0x0055, MP3)",
        ),
        (
            "unknown_tag.wav",
            Some(wav_bytes(0x1234, 1, 3200, 1600)),
            "cannot decode audio: unsupported codec (WAV format tag 0x1234)",
        ),
        (
            "voice.m4a",
            Some({
                let mut b = vec![0, 0, 0, 24];
                b.extend_from_slice(b"ftypM4A \0\0\0\0M4A isom");
                b.extend((0..2000).map(|i| (i * 7) as u8));
                b
            }),
            "cannot decode audio: MP4/M4A audio (AAC, ALAC) is not supported",
        ),
        (
            "header_only.wav",
            Some(wav_bytes(1, 1, 0, 0)),
            "no audio samples in the file",
        ),
        (
            // MS ADPCM with a block of 1 byte (less than its 7-byte header): symphonia's
            // block arithmetic underflows, a panic where overflow checks are on (debug
            // builds, this test), a decode error where not. Either way: one line, exit 1.
            "adpcm_block_1.wav",
            Some({
                let mut fmt = Vec::new();
                for v in [2u16, 1] {
                    fmt.extend_from_slice(&v.to_le_bytes());
                }
                fmt.extend_from_slice(&16000u32.to_le_bytes());
                fmt.extend_from_slice(&8000u32.to_le_bytes());
                for v in [1u16, 4, 32, 500, 7] {
                    fmt.extend_from_slice(&v.to_le_bytes());
                }
                fmt.extend_from_slice(&[0; 28]);
                let mut b = b"RIFF\0\0\0\0WAVEfmt ".to_vec();
                b.extend_from_slice(&(fmt.len() as u32).to_le_bytes());
                b.extend_from_slice(&fmt);
                b.extend_from_slice(b"data");
                b.extend_from_slice(&4000u32.to_le_bytes());
                b.extend_from_slice(&[0; 4000]);
                let riff = (b.len() - 8) as u32;
                b[4..8].copy_from_slice(&riff.to_le_bytes());
                b
            }),
            "",
        ),
        ("missing.wav", None, "No such file or directory"),
        ("good.wav/inside.wav", None, "Not a directory"),
        ("a_directory.wav", None, "is a directory"),
    ];
    std::fs::write(dir.join("good.wav"), &good).unwrap();
    std::fs::create_dir_all(dir.join("a_directory.wav")).unwrap();
    let mut paths = Vec::new();
    for (name, bytes, _) in &cases {
        if let Some(b) = bytes {
            std::fs::write(dir.join(name), b).unwrap();
        }
        paths.push(dir.join(name).to_str().unwrap().to_string());
    }
    let npy = dir.join("out.npy");
    for ((name, _, reason), path) in cases.iter().zip(&paths) {
        for args in [
            vec!["analyze", path.as_str()],
            vec!["vad", path.as_str()],
            vec!["spectrogram", path.as_str(), "--out", npy.to_str().unwrap()],
        ] {
            let o = bin().args(&args).output().unwrap();
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(1), "{name} {args:?}: {err}");
            assert_eq!(err.lines().count(), 1, "{name} {args:?}: one line: {err}");
            let prefix = format!("bystander: {path}: ");
            assert!(
                err.starts_with(&prefix) && err[prefix.len()..].starts_with(reason),
                "{name} {args:?}: {err}"
            );
            assert!(o.stdout.is_empty(), "{name} {args:?}");
        }
    }

    // All of them and a good speech file in one run: the good file's output is there, each
    // bad file has its one line, then the count; exit 1.
    let speech = samples_dir().join("sample.wav");
    for command in ["analyze", "vad"] {
        let o = bin()
            .args([command, "--format", "rttm"])
            .args(&paths)
            .arg(&speech)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("SPEAKER sample 1 "), "{command}: {out}");
        let err = String::from_utf8_lossy(&o.stderr);
        for path in &paths {
            let line = format!("bystander: {path}: ");
            assert_eq!(err.matches(&line).count(), 1, "{command} {path}: {err}");
        }
        let summary = format!(
            "bystander: {} of {} files failed",
            paths.len(),
            paths.len() + 1
        );
        assert_eq!(err.lines().last(), Some(summary.as_str()), "{err}");
        assert_eq!(err.lines().count(), paths.len() + 1, "{err}");
    }

    // `eval` leaves a clip it cannot decode out of the scores and scores the others.
    let set = dir.join("eval");
    std::fs::create_dir_all(&set).unwrap();
    std::fs::copy(&speech, set.join("sample.wav")).unwrap();
    std::fs::copy(samples_dir().join("sample.rttm"), set.join("sample.rttm")).unwrap();
    std::fs::write(set.join("broken.wav"), b"not audio\n").unwrap();
    std::fs::copy(samples_dir().join("sample.rttm"), set.join("broken.rttm")).unwrap();
    let o = bin()
        .args(["eval", set.to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.starts_with(&format!(
            "bystander: {}: cannot decode audio: not an audio file",
            set.join("broken.wav").display()
        )),
        "{err}"
    );
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["clips"].as_array().unwrap().len(), 1);

    // Usage errors are 2.
    for args in [
        vec!["analyze", "--no-such-flag", paths[0].as_str()],
        vec!["analyze", "--set", "switchPenalty", paths[0].as_str()],
        vec!["vad", "--format", "mp3", paths[0].as_str()],
        vec!["spectrogram", paths[0].as_str()],
    ] {
        let o = bin().args(&args).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
    }
}

/// A WAV whose `data` chunk claims more than the file holds (a truncated copy, or a header
/// claiming 4 GB before a few KB of samples) is decoded up to its end, with one warning
/// line; nothing is allocated from the claimed length.
#[test]
fn wav_claiming_more_data_than_it_holds_is_decoded_with_a_warning() {
    let scratch = scratch();
    let dir = scratch.path().join("claims");
    std::fs::create_dir_all(&dir).unwrap();
    let huge = dir.join("claims_4gb.wav");
    // 0xFFFFFFF0 bytes claimed (37 hours at 16 kHz), 4096 bytes (0.128 s) present.
    std::fs::write(&huge, wav_bytes(1, 1, 0xFFFF_FFF0, 2048)).unwrap();
    let cut = dir.join("cut_mid_sample.wav");
    let mut b = wav_bytes(1, 1, 32000, 16000);
    b.truncate(44 + 16001);
    std::fs::write(&cut, b).unwrap();
    for (path, seconds) in [(&huge, 0.128), (&cut, 0.5)] {
        let o = bin()
            .args(["analyze", "--no-frames", path.to_str().unwrap()])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with(&format!(
                "bystander: {}: warning: truncated WAV: the header announces",
                path.display()
            )),
            "{err}"
        );
        let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let duration = report["duration"].as_f64().unwrap();
        assert!((duration - seconds).abs() < 0.075, "{duration}");
        assert!(report["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().starts_with("truncated WAV")));
    }
}

/// `analyze` writes the JSON report as it serialises it (no `serde_json::Value` of the
/// per-frame arrays); the bytes must be those `serde_json` makes of the whole report as a
/// `Value` (keys sorted, f32 widened to f64), for one file (an object) and several (an
/// array).
#[test]
fn analyze_json_is_the_pretty_printed_report() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fgbg");
    let files = [dir.join("overlap.wav"), dir.join("two_talkers.wav")];
    let expected: Vec<serde_json::Value> = files
        .iter()
        .map(|f| {
            let (samples, rate) = bystander::read_mono(f).unwrap();
            let report = bystander::analyze(&samples, rate as f64, &Default::default()).unwrap();
            let mut v = serde_json::to_value(&report).unwrap();
            v["file"] = f.display().to_string().into();
            v
        })
        .collect();
    let run = |files: &[PathBuf]| {
        let o = bin().arg("analyze").args(files).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    assert!(run(&files[..1]) == format!("{:#}\n", expected[0]));
    assert!(run(&files) == format!("{:#}\n", serde_json::Value::Array(expected)));
}

/// A folder of short generated clips (the speech fixture at a different gain after a
/// different silence each) for the batch tests: 18 `clip_NN.wav`, a same-named `nested/clip_00.wav`,
/// a `nested/bad.wav` that is not audio and a `notes.txt` the folder search leaves out.
/// Returns the scratch directory (the folder goes with it), the folder and its 20 audio paths
/// as the search finds them.
fn batch_folder(name: &str) -> (tempfile::TempDir, PathBuf, Vec<PathBuf>) {
    let scratch = scratch();
    let dir = scratch.path().join(name);
    std::fs::create_dir_all(dir.join("nested")).unwrap();
    let speech = fixture("speech.input.npy");
    let clip = |i: usize| -> Vec<f32> {
        let gain = 0.4 + 0.03 * i as f64;
        let mut c = vec![0.0; 800 * i];
        c.extend(speech.iter().map(|&x| (gain * x) as f32));
        c
    };
    let mut files = Vec::new();
    for i in 0..18 {
        let path = dir.join(format!("clip_{i:02}.wav"));
        write_wav(&path, 16000, 1, &clip(i));
        files.push(path);
    }
    let nested = dir.join("nested/clip_00.wav");
    write_wav(&nested, 16000, 1, &clip(18));
    files.push(nested);
    let bad = dir.join("nested/bad.wav");
    std::fs::write(&bad, b"not audio\n").unwrap();
    files.push(bad);
    std::fs::write(dir.join("notes.txt"), b"not searched\n").unwrap();
    (scratch, dir, files)
}

/// The lines of a JSONL output by their `file`, each file once.
fn lines_by_file(jsonl: &str) -> std::collections::BTreeMap<String, serde_json::Value> {
    let mut by_file = std::collections::BTreeMap::new();
    for line in jsonl.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let file = v["file"].as_str().unwrap().to_string();
        assert!(by_file.insert(file, v).is_none(), "a file twice: {line}");
    }
    by_file
}

#[test]
fn analyze_jsonl_writes_one_line_per_file_of_a_folder() {
    let (_scratch, dir, files) = batch_folder("batch-jsonl");
    let o = bin()
        .args(["analyze", "--format", "jsonl", "--no-frames", "--jobs", "2"])
        .arg(&dir)
        .output()
        .unwrap();
    // One file is bad: exit 1, its line on stderr, then the summary; the others analysed.
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    let bad = files.last().unwrap().display().to_string();
    assert!(err.starts_with(&format!("bystander: {bad}: ")), "{err}");
    let summary = err.lines().last().unwrap();
    assert!(
        summary.starts_with("bystander: 20 files: 19 analysed, 1 failed; "),
        "{err}"
    );
    let stdout = String::from_utf8(o.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 20);
    let lines = lines_by_file(&stdout);
    let expected: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    assert_eq!(lines.keys().cloned().collect::<Vec<_>>(), {
        let mut e = expected.clone();
        e.sort();
        e
    });
    let model = lines[&expected[0]]["modelVersion"].as_str().unwrap();
    assert!(
        model.starts_with("fnv1a64-") && model.len() == 24,
        "{model}"
    );
    let mut foreground = 0.0;
    for (file, v) in &lines {
        assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(v["modelVersion"], model);
        assert!(v["warnings"].is_array());
        if *file == bad {
            assert!(v["error"]
                .as_str()
                .unwrap()
                .starts_with("cannot decode audio"));
            assert!(v.get("segments").is_none() && v.get("summary").is_none());
            continue;
        }
        assert!(v.get("error").is_none());
        let s = &v["summary"];
        let duration = v["duration"].as_f64().unwrap();
        for (what, label) in [
            ("foreground", Some("foreground")),
            ("background", Some("background")),
            ("overlap", None),
        ] {
            let seconds: f64 = v["segments"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|seg| match label {
                    Some(l) => seg["label"] == l,
                    None => seg["overlap"] == true,
                })
                .map(|seg| seg["end"].as_f64().unwrap() - seg["start"].as_f64().unwrap())
                .sum();
            let got = s[format!("{what}Seconds")].as_f64().unwrap();
            assert!(got.is_sign_positive(), "{file} {what}: {got}");
            foreground += if what == "foreground" { got } else { 0.0 };
            assert!((got - seconds).abs() < 1e-9, "{file} {what}");
            let share = s[format!("{what}Share")].as_f64().unwrap();
            assert!((share - seconds / duration).abs() < 1e-9, "{file} {what}");
        }
    }
    assert!(foreground > 10.0, "{foreground}");
    // A line is the `--format json` object of its file plus `summary` and `modelVersion`.
    let o = bin()
        .args(["analyze", "--no-frames"])
        .arg(&files[3])
        .output()
        .unwrap();
    assert!(o.status.success());
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut line = lines[&expected[3]].clone();
    let line_map = line.as_object_mut().unwrap();
    line_map.remove("summary").unwrap();
    line_map.remove("modelVersion").unwrap();
    assert_eq!(line, json);
    // Every file analysed: exit 0 (a file list from stdin).
    let mut child = bin()
        .args([
            "analyze",
            "--format",
            "jsonl",
            "--no-frames",
            "--files-from",
            "-",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        writeln!(stdin, "{}\n{}", expected[0], expected[1]).unwrap();
    }
    let o = child.wait_with_output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(String::from_utf8(o.stdout).unwrap().lines().count(), 2);
    // Usage errors: 2.
    let out_dir = dir.join("out").display().to_string();
    let d = dir.display().to_string();
    for args in [
        vec!["analyze"],
        vec!["analyze", "--format", "jsonl", "--out-dir", &out_dir, &d],
        vec!["analyze", "--format", "jsonl", "--skip-existing", &d],
        vec!["analyze", "--out-dir", &out_dir, "--root", &out_dir, &d],
    ] {
        let o = bin().args(&args).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn analyze_out_dir_mirrors_the_folders_and_resumes() {
    let (_scratch, dir, files) = batch_folder("batch-out-dir");
    let out = dir.with_extension("out");
    let _ = std::fs::remove_dir_all(&out);
    let run = |extra: &[&str]| {
        bin()
            .args(["analyze", "--no-frames", "--root"])
            .arg(&dir)
            .arg("--out-dir")
            .arg(&out)
            .args(extra)
            .arg(&dir)
            .output()
            .unwrap()
    };
    let o = run(&[]);
    assert_eq!(o.status.code(), Some(1));
    // Same-named files in different folders: two outputs.
    let top = out.join("clip_00.wav.json");
    let nested = out.join("nested/clip_00.wav.json");
    let (a, b) = (
        std::fs::read_to_string(&top).unwrap(),
        std::fs::read_to_string(&nested).unwrap(),
    );
    assert_ne!(a, b);
    let written = std::fs::read_dir(&out).unwrap().count()
        + std::fs::read_dir(out.join("nested")).unwrap().count();
    // 18 + the nested folder, and 1 nested (the bad file has none).
    assert_eq!(written, 19 + 1, "{files:?}");
    // Resume: existing outputs are kept, missing ones written.
    std::fs::write(&top, "kept\n").unwrap();
    std::fs::remove_file(&nested).unwrap();
    let o = run(&["--skip-existing"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&top).unwrap(), "kept\n");
    assert_eq!(std::fs::read_to_string(&nested).unwrap(), b);
}

/// An interrupted `-o run.jsonl` (its last line torn) resumed with `--skip-existing` ends
/// with every file once, as an uninterrupted run writes them.
#[test]
fn analyze_jsonl_resumes_an_interrupted_run() {
    let (_scratch, dir, files) = batch_folder("batch-resume");
    let list = dir.with_extension("list");
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    std::fs::write(&list, names.join("\n") + "\n").unwrap();
    let run = |out: &Path, extra: &[&str]| {
        let o = bin()
            .args([
                "analyze",
                "--format",
                "jsonl",
                "--jobs",
                "2",
                "--files-from",
            ])
            .arg(&list)
            .arg("-o")
            .arg(out)
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(o.stdout.is_empty());
        std::fs::read_to_string(out).unwrap()
    };
    let whole = run(&dir.with_extension("whole.jsonl"), &[]);
    let reference = lines_by_file(&whole);
    assert_eq!(reference.len(), 20);
    // Cut in the middle of the 8th line, as a stopped run leaves it.
    let cut_at = whole.match_indices('\n').nth(6).unwrap().0 + 1 + 50;
    let part = dir.with_extension("part.jsonl");
    std::fs::write(&part, &whole[..cut_at]).unwrap();
    let resumed = run(&part, &["--skip-existing"]);
    assert_eq!(resumed.lines().count(), 20);
    assert_eq!(lines_by_file(&resumed), reference);
    // Resuming a finished run analyses nothing and changes nothing.
    assert_eq!(run(&part, &["--skip-existing"]), resumed);
}

/// The hidden `log-mel` subcommand (cargo feature `dev`, for tools/train/): one .npy per
/// input, one row of 64 log-mel bands per 10 ms label frame.
#[cfg(feature = "dev")]
#[test]
fn log_mel_has_one_row_per_whole_label_frame() {
    let scratch = scratch();
    let dir = scratch.path();
    let input = dir.join("in");
    let out = dir.join("out");
    std::fs::create_dir_all(input.join("sub")).unwrap();
    // The labels' convention (tools/data): frame i = [i x 10 ms, (i + 1) x 10 ms), a
    // partial last frame dropped, so floor(samples / 160) frames at 16 kHz.
    let cases = [
        ("a.wav", 16_000u32, 19_759usize, 123usize),
        ("sub/b.wav", 16_000, 16_000, 100),
        ("c.wav", 44_100, 43_526, 98),
        ("d.wav", 8_000, 1_234, 15),
    ];
    for (name, rate, n, _) in cases {
        let tone: Vec<f32> = (0..n)
            .map(|i| 0.3 * (i as f32 * 440.0 * std::f32::consts::TAU / rate as f32).sin())
            .collect();
        write_wav(&input.join(name), rate, 1, &tone);
    }
    let status = bin()
        .arg("log-mel")
        .arg(&input)
        .arg("--out-dir")
        .arg(&out)
        .arg("--root")
        .arg(&input)
        .args(["--jobs", "2"])
        .status()
        .unwrap();
    assert!(status.success());
    for (name, _, _, frames) in cases {
        let npy = std::fs::read(out.join(format!("{name}.logmel.npy"))).unwrap();
        let array = bystander::formats::read_npy(&npy).unwrap();
        assert_eq!(array.shape, vec![frames, 64], "{name}");
        // dB levels of a real signal: finite, and the 440 Hz tone's band well above -200 dB.
        assert!(array.data.iter().all(|x| x.is_finite()), "{name}");
        let loudest = array.data.iter().cloned().fold(f64::MIN, f64::max);
        assert!(loudest > -60.0, "{name}: {loudest}");
    }
}
