//! The decoder on real compressed files: copies of the page's sample clip (16 kHz mono WAV)
//! in FLAC, MP3 (44.1 kHz stereo) and Ogg/Vorbis (48 kHz), made by
//! tests/fixtures/audio/make.sh. What is checked: the frame count the container gives
//! matches what decoding yields, FLAC decodes to exactly the WAV's samples, every file has
//! the clip's duration (encoder delay trimmed), and the analysis finds the same segments in
//! each as in the WAV.

#![cfg(not(target_arch = "wasm32"))]

use bystander::{Analyzer, AnalyzerConfig, AudioReader, PacketReader};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(name)
}

/// Decodes per channel; also returns what `frames()` said before decoding.
fn decode(path: &Path) -> (Vec<Vec<f32>>, u32, Option<u64>, &'static str) {
    let mut reader = AudioReader::open(path).unwrap();
    let hint = reader.frames();
    let mut channels = vec![Vec::new(); reader.channels()];
    while reader.next_block_channels(&mut channels).unwrap() {}
    assert!(reader.warnings().is_empty(), "{:?}", reader.warnings());
    (channels, reader.sample_rate(), hint, reader.codec())
}

fn wav() -> (Vec<f32>, u32) {
    bystander::read_mono(&fixture("www/samples/sample.wav")).unwrap()
}

#[test]
fn flac_decodes_to_the_wav_samples_exactly() {
    let (reference, rate) = wav();
    let (channels, flac_rate, frames, codec) =
        decode(&fixture("tests/fixtures/audio/sample-16k-mono.flac"));
    assert_eq!((flac_rate, channels.len(), codec), (rate, 1, "flac"));
    assert_eq!(frames, Some(reference.len() as u64));
    assert_eq!(channels[0], reference);
}

#[test]
fn lossy_files_have_the_clip_duration_and_the_frames_their_container_gives() {
    let (reference, rate) = wav();
    let seconds = reference.len() as f64 / f64::from(rate);
    for (name, want_rate, want_channels, want_codec) in [
        ("sample-44k-stereo.mp3", 44_100, 2, "mp3"),
        ("sample-48k-mono.ogg", 48_000, 1, "vorbis"),
    ] {
        let (channels, got_rate, frames, codec) =
            decode(&fixture(&format!("tests/fixtures/audio/{name}")));
        assert_eq!(
            (got_rate, channels.len(), codec),
            (want_rate, want_channels, want_codec),
            "{name}"
        );
        let n = channels[0].len();
        assert!(
            channels.iter().all(|c| c.len() == n),
            "{name}: channels of unequal length"
        );
        let got_seconds = n as f64 / f64::from(got_rate);
        // Encoder delay and padding trimmed (gapless info): within 1 ms of the WAV.
        assert!(
            (got_seconds - seconds).abs() < 1e-3,
            "{name}: {got_seconds} s vs {seconds} s"
        );
        let frames = frames.expect("the container gives the length");
        assert!(
            frames.abs_diff(n as u64) <= 2048,
            "{name}: container says {frames}, decoded {n}"
        );
    }
}

#[test]
fn counting_packets_gives_the_length_of_an_mp3_without_a_header_saying_it() {
    // The MP3's first frame is its Xing/Info header; without it the length is unknown
    // until the file is read through.
    let bytes = std::fs::read(fixture("tests/fixtures/audio/sample-44k-stereo.mp3")).unwrap();
    let (decoded, ..) = decode(&fixture("tests/fixtures/audio/sample-44k-stereo.mp3"));
    let reader = AudioReader::from_bytes(bytes).unwrap();
    let counted = reader.count_frames();
    assert!(
        counted.abs_diff(decoded[0].len() as u64) <= 2 * 1152,
        "counted {counted}, decoded {}",
        decoded[0].len()
    );
}

/// Segment boundaries (start, end, label) of the default analysis.
fn segments(mono: &[f32], rate: u32) -> Vec<(f64, f64, String)> {
    let mut analyzer = Analyzer::new(f64::from(rate), AnalyzerConfig::default()).unwrap();
    let mut closed = Vec::new();
    for block in mono.chunks(4096) {
        analyzer.push(block, &mut closed).unwrap();
    }
    let report = analyzer.finish().unwrap();
    report
        .segments
        .iter()
        .map(|s| (s.start, s.end, format!("{:?}", s.label)))
        .collect()
}

/// The label at `t` seconds ("" outside speech).
fn label_at(segments: &[(f64, f64, String)], t: f64) -> &str {
    segments
        .iter()
        .find(|s| s.0 <= t && t < s.1)
        .map_or("", |s| s.2.as_str())
}

#[test]
fn every_format_gives_the_wavs_labels() {
    let (reference, rate) = wav();
    let want = segments(&reference, rate);
    assert!(want.len() >= 4);
    let seconds = reference.len() as f64 / f64::from(rate);
    for name in [
        "sample-16k-mono.flac",
        "sample-44k-stereo.mp3",
        "sample-48k-mono.ogg",
    ] {
        let (mono, got_rate) =
            bystander::read_mono(&fixture(&format!("tests/fixtures/audio/{name}"))).unwrap();
        let got = segments(&mono, got_rate);
        // Lossy coding may move a boundary by a frame or a few: the same stretches must be
        // labelled alike for 98 % of the clip (checked every 10 ms).
        let steps = (seconds * 100.0) as usize;
        let agree = (0..steps)
            .filter(|&i| {
                let t = (i as f64 + 0.5) / 100.0;
                label_at(&got, t) == label_at(&want, t)
            })
            .count();
        assert!(
            agree * 100 >= steps * 98 && got.len().abs_diff(want.len()) <= 1,
            "{name}: labels agree for {agree} of {steps} steps of 10 ms; got {got:?}\nwant {want:?}"
        );
    }
}

#[test]
fn mp4_opus_and_webm_are_refused_with_a_reason() {
    for (name, reason) in [
        ("sample-16k-mono.m4a", "MP4/M4A audio"),
        ("sample-48k-mono.opus", "Ogg/Opus is not supported"),
        (
            "tone-chromium-recorder.webm",
            "WebM/Matroska audio is not supported",
        ),
    ] {
        let err = AudioReader::open(&fixture(&format!("tests/fixtures/audio/{name}"))).unwrap_err();
        assert!(err.to_string().contains(reason), "{name}: {err}");
    }
}

/// `count` damaged copies of `bytes`: the first half cut at random lengths, the rest with 1
/// to 64 random bytes overwritten (a deterministic 64-bit LCG from `seed`).
fn damaged_copies(bytes: &[u8], count: usize, mut seed: u64) -> Vec<Vec<u8>> {
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    (0..count)
        .map(|k| {
            let mut copy = bytes.to_vec();
            if k < count / 2 {
                copy.truncate(next() % bytes.len());
            } else {
                for _ in 0..1 + next() % 64 {
                    let at = next() % copy.len();
                    copy[at] = next() as u8;
                }
            }
            copy
        })
        .collect()
}

#[test]
fn corrupt_and_cut_files_give_errors_or_audio_never_a_panic() {
    // Every fixture cut at 12 places and with bytes overwritten at 12 seeds: the reader
    // returns an error or decodes what it can (skipping corrupt packets); it never panics
    // (in wasm a panic is a trap that would take the page's analyser down).
    let (mut refused, mut decoded) = (0, 0);
    for name in [
        "sample-16k-mono.flac",
        "sample-44k-stereo.mp3",
        "sample-48k-mono.ogg",
    ] {
        let original = std::fs::read(fixture(&format!("tests/fixtures/audio/{name}"))).unwrap();
        for bytes in damaged_copies(&original, 24, 7) {
            let Ok(mut reader) = AudioReader::from_bytes(bytes) else {
                refused += 1;
                continue;
            };
            let mut channels = vec![Vec::new(); reader.channels()];
            // Until the end or the first error.
            while let Ok(true) = reader.next_block_channels(&mut channels) {}
            decoded += 1;
        }
    }
    assert!(decoded > 30, "{decoded} opened, {refused} refused");
}

#[test]
fn packet_reader_reads_ogg_opus_and_survives_corrupt_files() {
    // The Ogg Opus made by make.sh. (Not WebM nor MP4: symphonia 0.5.5's Matroska reader
    // panics on cut files and its MP4 reader allocates a table's claimed size up front, so
    // neither is built in; such files are refused with a reason.)
    for (name, codec, packets_at_least) in [("sample-48k-mono.opus", "opus", 700)] {
        let bytes = std::fs::read(fixture(&format!("tests/fixtures/audio/{name}"))).unwrap();
        let mut reader = PacketReader::from_bytes(bytes.clone()).unwrap();
        assert_eq!(reader.codec(), codec, "{name}");
        assert!(
            reader.extra_data().is_some_and(|d| !d.is_empty()),
            "{name}: setup bytes"
        );
        let mut n = 0;
        while let Some(p) = reader.next_packet().unwrap() {
            assert!(!p.data.is_empty());
            n += 1;
        }
        assert!(n >= packets_at_least, "{name}: {n} packets");

        for cut in damaged_copies(&bytes, 60, 11) {
            if let Ok(mut reader) = PacketReader::from_bytes(cut) {
                while let Ok(Some(_)) = reader.next_packet() {}
            }
        }
    }
}
