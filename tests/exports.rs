//! What `bystander analyze` exports for other tools, end to end: RTTM with overlap lines and
//! UEM, Label Studio predictions, per-frame probabilities as `.npy`, and `eval` on one
//! combined reference RTTM (+ UEM).
#![cfg(not(target_arch = "wasm32"))]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_bystander"))
}

/// A scratch directory for one test, removed when it is dropped at the test's end, passed or
/// failed (`tempfile`, so that test runs leave nothing behind in the temporary directory).
fn tmp(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("bystander-exports-{name}-"))
        .tempdir()
        .unwrap()
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fgbg")
}

const CLIPS: [&str; 3] = ["two_talkers", "overlap", "quiet_foreground"];

fn clip_paths() -> Vec<PathBuf> {
    CLIPS
        .iter()
        .map(|n| fixtures().join(format!("{n}.wav")))
        .collect()
}

/// Runs `bystander` with `args`, asserting success; returns stdout.
fn run(args: &[impl AsRef<std::ffi::OsStr>]) -> String {
    let o = bin().args(args).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

fn os(xs: &[&str]) -> Vec<std::ffi::OsString> {
    xs.iter().map(std::ffi::OsString::from).collect()
}

/// The JSON reports of the three clips (with their per-frame arrays).
fn reports() -> Vec<Value> {
    let mut args = os(&["analyze", "--format", "json"]);
    let paths = clip_paths();
    args.extend(paths.iter().map(|p| p.clone().into_os_string()));
    serde_json::from_str::<Value>(&run(&args))
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn rttm_has_a_background_line_under_each_overlap_and_the_uem_covers_each_file() {
    let scratch = tmp("rttm");
    let dir = scratch.path().to_path_buf();
    let uem = dir.join("all.uem");
    let mut args = os(&["analyze", "--format", "rttm", "--uem"]);
    args.push(uem.clone().into_os_string());
    let paths = clip_paths();
    args.extend(paths.iter().map(|p| p.clone().into_os_string()));
    let rttm = run(&args);
    let lines: Vec<Vec<&str>> = rttm.lines().map(|l| l.split(' ').collect()).collect();
    let reports = reports();
    let mut i = 0;
    let mut overlaps = 0;
    for (name, report) in CLIPS.iter().zip(&reports) {
        for s in report["segments"].as_array().unwrap() {
            let line = &lines[i];
            assert_eq!((line[0], line[1], line[2]), ("SPEAKER", *name, "1"));
            assert_eq!(line[7], s["label"].as_str().unwrap());
            assert_eq!(line[3], format!("{:.3}", s["start"].as_f64().unwrap()));
            i += 1;
            if s["overlap"] == true {
                // The same span again, as background.
                assert_eq!(lines[i][7], "background");
                assert_eq!(lines[i][3..5], line[3..5]);
                i += 1;
                overlaps += 1;
            }
        }
    }
    assert_eq!(i, lines.len(), "every line accounted for");
    assert!(overlaps >= 2, "the fixtures have overlap: {overlaps}");
    let uem = std::fs::read_to_string(&uem).unwrap();
    let expected: String = CLIPS
        .iter()
        .zip(&reports)
        .map(|(n, r)| format!("{n} 1 0.000 {:.3}\n", r["duration"].as_f64().unwrap()))
        .collect();
    assert_eq!(uem, expected);
    // A file name with spaces: one safe id, in the RTTM and the UEM alike.
    let spaced = dir.join("two talkers (copy).wav");
    std::fs::copy(&paths[0], &spaced).unwrap();
    let mut args = os(&["analyze", "--format", "rttm", "--uem"]);
    let uem2 = dir.join("one.uem");
    args.push(uem2.clone().into_os_string());
    args.push(spaced.clone().into_os_string());
    let rttm = run(&args);
    assert!(rttm
        .lines()
        .all(|l| l.starts_with("SPEAKER two_talkers_copy_ 1 ") && l.split(' ').count() == 10));
    assert!(std::fs::read_to_string(&uem2)
        .unwrap()
        .starts_with("two_talkers_copy_ 1 0.000 "));
}

#[test]
fn label_studio_tasks_carry_the_predictions_and_match_the_shipped_config() {
    let scratch = tmp("labelstudio");
    let dir = scratch.path().to_path_buf();
    let root = fixtures();
    let prefix = "https://audio.example/set1/";
    let mut args = os(&[
        "analyze",
        "--format",
        "labelstudio",
        "--audio-url-prefix",
        prefix,
        "--root",
    ]);
    args.push(root.clone().into_os_string());
    let paths = clip_paths();
    args.extend(paths.iter().map(|p| p.clone().into_os_string()));
    let tasks: Value = serde_json::from_str(&run(&args)).unwrap();
    let tasks = tasks.as_array().unwrap();
    assert_eq!(tasks.len(), 3);
    let mut jsonl = os(&["analyze", "--format", "jsonl", "--no-frames"]);
    jsonl.push(paths[0].clone().into_os_string());
    let line: Value = serde_json::from_str(run(&jsonl).trim()).unwrap();
    let config = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/labelstudio-config.xml"),
    )
    .unwrap();
    for ((name, task), report) in CLIPS.iter().zip(tasks).zip(reports()) {
        assert_eq!(task["data"]["audio"], format!("{prefix}{name}.wav"));
        let prediction = &task["predictions"][0];
        assert_eq!(prediction["model_version"], line["modelVersion"]);
        let regions = prediction["result"].as_array().unwrap();
        let segments = report["segments"].as_array().unwrap();
        let scored: Vec<&Value> = regions
            .iter()
            .filter(|r| r.get("score").is_some())
            .collect();
        assert_eq!(scored.len(), segments.len());
        for (r, s) in scored.iter().zip(segments) {
            let (score, confidence) = (
                r["score"].as_f64().unwrap(),
                s["confidence"].as_f64().unwrap(),
            );
            assert!((score - confidence).abs() <= 0.5e-4, "{score} {confidence}");
            assert_eq!(r["value"]["start"], s["start"]);
            assert_eq!(r["value"]["labels"][0], s["label"]);
            assert_eq!(r["original_length"].as_f64(), report["duration"].as_f64());
        }
        for r in regions {
            // Every name the export uses is declared by the config (the Python test parses
            // it as XML; here the attributes are looked up as written).
            let from = r["from_name"].as_str().unwrap();
            let to = r["to_name"].as_str().unwrap();
            let label = r["value"]["labels"][0].as_str().unwrap();
            assert_eq!(r["type"], "labels");
            assert!(config.contains(&format!("<Labels name=\"{from}\" toName=\"{to}\"")));
            assert!(config.contains(&format!("<Audio name=\"{to}\" value=\"$audio\"")));
            assert!(config.contains(&format!("<Label value=\"{label}\"")));
        }
        let overlaps = segments.iter().filter(|s| s["overlap"] == true).count();
        assert_eq!(regions.len(), segments.len() + overlaps);
    }
    // --out-dir: one `[task]` per file; --audio-url-prefix needs the format.
    let out = dir.join("out");
    let mut args = os(&["analyze", "--format", "labelstudio", "--root"]);
    args.push(root.clone().into_os_string());
    args.push("--out-dir".into());
    args.push(out.clone().into_os_string());
    args.push(paths[1].clone().into_os_string());
    run(&args);
    let one: Value =
        serde_json::from_slice(&std::fs::read(out.join("overlap.wav.labelstudio.json")).unwrap())
            .unwrap();
    assert_eq!(one[0]["data"]["audio"], "overlap.wav");
    assert_eq!(
        one[0]["predictions"][0]["result"],
        tasks[1]["predictions"][0]["result"]
    );
    let o = bin()
        .args(["analyze", "--audio-url-prefix", "x/"])
        .arg(&paths[0])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn frames_npy_holds_the_reports_probabilities() {
    let scratch = tmp("frames");
    let dir = scratch.path().to_path_buf();
    let root = fixtures();
    let frames = dir.join("frames");
    let mut args = os(&["analyze", "--format", "jsonl", "--no-frames", "--root"]);
    args.push(root.clone().into_os_string());
    args.push("--frames-dir".into());
    args.push(frames.clone().into_os_string());
    let paths = clip_paths();
    args.extend(paths.iter().map(|p| p.clone().into_os_string()));
    let lines = run(&args);
    assert!(
        !lines.contains("foregroundProbability"),
        "--no-frames keeps them out"
    );
    let (mut inside, mut above) = (0usize, 0usize);
    for (name, report) in CLIPS.iter().zip(reports()) {
        let bytes = std::fs::read(frames.join(format!("{name}.wav.frames.npy"))).unwrap();
        // Format 1.0, little-endian float32, C order.
        assert_eq!(&bytes[..8], b"\x93NUMPY\x01\x00");
        let header_len = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
        let header = std::str::from_utf8(&bytes[10..10 + header_len]).unwrap();
        assert!(header.contains("'descr': '<f4'") && header.contains("'fortran_order': False"));
        assert_eq!((10 + header_len) % 64, 0, "data aligned");
        let array = bystander::formats::read_npy(&bytes).unwrap();
        let fg = report["foregroundProbability"].as_array().unwrap();
        let bg = report["backgroundProbability"].as_array().unwrap();
        assert_eq!(array.shape, vec![fg.len(), 2], "{header}");
        for (i, pair) in array.data.chunks(2).enumerate() {
            // The same f32s (serde_json's parser may miss the last bit of the f64 text).
            assert_eq!(
                pair[0] as f32,
                fg[i].as_f64().unwrap() as f32,
                "{name} frame {i}"
            );
            assert_eq!(
                pair[1] as f32,
                bg[i].as_f64().unwrap() as f32,
                "{name} frame {i}"
            );
        }
        // Frames whose foreground probability is above 0.5 lie mostly in foreground segments.
        let dt = report["frameSeconds"].as_f64().unwrap();
        let segments = report["segments"].as_array().unwrap();
        for (i, pair) in array.data.chunks(2).enumerate() {
            if pair[0] > 0.5 {
                above += 1;
                let t = (i as f64 + 0.5) * dt;
                inside += segments.iter().any(|s| {
                    s["label"] == "foreground"
                        && s["start"].as_f64().unwrap() <= t
                        && t < s["end"].as_f64().unwrap()
                }) as usize;
            }
        }
    }
    let share = inside as f64 / above as f64;
    println!("# frames with foreground probability > 0.5 inside foreground segments: {inside} of {above} ({:.1} %)", 100.0 * share);
    assert!(above > 100 && share > 0.8, "{inside} of {above}");
}

#[test]
fn eval_takes_one_combined_rttm_and_uem_and_scores_as_per_clip_files_do() {
    let scratch = tmp("eval");
    let dir = scratch.path().to_path_buf();
    let per_clip = dir.join("per-clip");
    let audio = dir.join("audio");
    std::fs::create_dir_all(&per_clip).unwrap();
    std::fs::create_dir_all(&audio).unwrap();
    let (mut rttm, mut uem) = (String::new(), String::new());
    for name in CLIPS {
        for ext in ["wav", "rttm", "json"] {
            let from = fixtures().join(format!("{name}.{ext}"));
            std::fs::copy(&from, per_clip.join(format!("{name}.{ext}"))).unwrap();
        }
        std::fs::copy(
            fixtures().join(format!("{name}.wav")),
            audio.join(format!("{name}.wav")),
        )
        .unwrap();
        std::fs::copy(
            fixtures().join(format!("{name}.json")),
            audio.join(format!("{name}.json")),
        )
        .unwrap();
        rttm += &std::fs::read_to_string(fixtures().join(format!("{name}.rttm"))).unwrap();
        // Score the first 4 s of each clip only.
        let region = format!("{name} 1 0.000 4.000\n");
        std::fs::write(per_clip.join(format!("{name}.uem")), &region).unwrap();
        uem += &region;
    }
    std::fs::write(dir.join("all.rttm"), &rttm).unwrap();
    std::fs::write(dir.join("all.uem"), &uem).unwrap();
    let a: Value = serde_json::from_str(&run(&[
        "eval".as_ref(),
        per_clip.as_os_str(),
        "--json".as_ref(),
    ]))
    .unwrap();
    let b: Value = serde_json::from_str(&run(&[
        "eval".as_ref(),
        audio.as_os_str(),
        "--reference".as_ref(),
        dir.join("all.rttm").as_os_str(),
        "--uem".as_ref(),
        dir.join("all.uem").as_os_str(),
        "--json".as_ref(),
    ]))
    .unwrap();
    assert_eq!(a["clips"].as_array().unwrap().len(), 3);
    assert_eq!(a["overall"], b["overall"]);
    assert_eq!(a["clips"], b["clips"]);
    assert_eq!(a["labels"], b["labels"]);
    let counts = &b["overall"]["bystander"]["counts"];
    let scored = ["tp", "fp", "fn", "tn"]
        .iter()
        .map(|k| counts[k].as_u64().unwrap())
        .sum::<u64>();
    assert_eq!(scored, 3 * 400, "the UEM limits scoring to 4 s a clip");
    // A file id of the reference without audio is an input error naming it.
    std::fs::write(
        dir.join("extra.rttm"),
        format!("{rttm}SPEAKER missing 1 0 1 <NA> <NA> foreground <NA> <NA>\n"),
    )
    .unwrap();
    let o = bin()
        .arg("eval")
        .arg(&audio)
        .arg("--reference")
        .arg(dir.join("extra.rttm"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("file id missing"));
}
