//! The JS API, run in Node (`wasm-pack test --node`) and in headless Chromium
//! (`WASM_BINDGEN_USE_BROWSER=1 wasm-pack test --headless --chrome`). Numerics are checked
//! against the same librosa fixture as the native tests, so the wasm build is shown to match
//! librosa too, not just to run.
#![cfg(target_arch = "wasm32")]

use bystander::wasm::{
    analyze, detect_speech, spectrogram, spectrogram_image, spectrogram_tile,
    spectrogram_tile_range, version, JsAnalyzerStream, JsAudioFileDecoder, JsSpectrogramStream,
    JsVoiceActivityStream,
};
use js_sys::Array;
use js_sys::{Error as JsErrorObject, Float32Array, Object, Reflect, Uint8ClampedArray};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

fn options(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap()
}

fn message(err: JsError) -> String {
    let v: JsValue = err.into();
    String::from(v.unchecked_into::<JsErrorObject>().message())
}

fn npy(bytes: &[u8]) -> Vec<f64> {
    bystander::formats::read_npy(bytes).unwrap().data
}

fn speech() -> Vec<f32> {
    npy(include_bytes!("fixtures/speech.input.npy"))
        .iter()
        .map(|&x| x as f32)
        .collect()
}

#[wasm_bindgen_test]
fn log_mel_matches_librosa_in_wasm() {
    let reference = npy(include_bytes!("fixtures/speech.librosa_mel_db.npy"));
    let result = spectrogram(
        &speech(),
        16000.0,
        options(&[("preset", "librosa".into()), ("db", true.into())]),
    )
    .unwrap();
    assert_eq!(get(&result, "frames").as_f64(), Some(151.0));
    assert_eq!(get(&result, "bins").as_f64(), Some(64.0));
    assert_eq!(get(&result, "hopSeconds").as_f64(), Some(0.01));
    let data = get(&result, "data")
        .unchecked_into::<Float32Array>()
        .to_vec();
    assert_eq!(data.len(), reference.len());
    for (a, b) in data.iter().zip(&reference) {
        assert!((*a as f64 - b).abs() <= 1e-3, "{a} vs {b}");
    }
    let used = get(&result, "options");
    assert_eq!(get(&used, "nFft").as_f64(), Some(512.0));
    assert_eq!(get(&used, "topDb").as_f64(), Some(80.0));
}

#[wasm_bindgen_test]
fn bad_options_throw_and_the_module_keeps_working() {
    let cases: Vec<(JsValue, &str)> = vec![
        (options(&[("nFft", 0.into())]), "nFft"),
        (options(&[("nFft", (1u32 << 30).into())]), "nFft"),
        (options(&[("hopLength", 0.into())]), "hopLength"),
        (options(&[("hopLength", 2.5.into())]), "hopLength"),
        (options(&[("nMels", (-3).into())]), "nMels"),
        (options(&[("window", "kaiser".into())]), "window"),
        (options(&[("center", "yes".into())]), "center"),
        (options(&[("nfft", 512.into())]), "unknown option `nfft`"),
        (JsValue::from_str("fast"), "options"),
    ];
    for (opts, needle) in cases {
        let err = spectrogram(&speech(), 16000.0, opts).unwrap_err();
        let msg = message(err);
        assert!(msg.contains(needle), "{msg:?} should mention {needle}");
        // The same instance still computes after every error.
        let ok = spectrogram(&speech(), 16000.0, JsValue::UNDEFINED).unwrap();
        assert_eq!(get(&ok, "frames").as_f64(), Some(151.0));
    }
    let msg = message(spectrogram(&[], 16000.0, JsValue::UNDEFINED).unwrap_err());
    assert!(msg.contains("too short"), "{msg}");
    let msg = message(spectrogram(&speech(), 0.0, JsValue::UNDEFINED).unwrap_err());
    assert!(msg.contains("sample rate"), "{msg}");
}

#[wasm_bindgen_test]
fn stream_in_worklet_blocks_equals_batch() {
    let x = speech();
    let opts = || options(&[("preset", "kaldi".into())]);
    let batch = spectrogram(&x, 16000.0, opts()).unwrap();
    let batch = get(&batch, "data")
        .unchecked_into::<Float32Array>()
        .to_vec();
    let mut stream = JsSpectrogramStream::new(16000.0, opts()).unwrap();
    let mut streamed = Vec::new();
    let mut next_frame = 0.0;
    for block in x.chunks(128) {
        let r = stream.push(block).unwrap();
        assert_eq!(get(&r, "firstFrame").as_f64(), Some(next_frame));
        next_frame += get(&r, "frames").as_f64().unwrap();
        streamed.extend(get(&r, "data").unchecked_into::<Float32Array>().to_vec());
    }
    let r = stream.finish().unwrap();
    streamed.extend(get(&r, "data").unchecked_into::<Float32Array>().to_vec());
    assert_eq!(streamed, batch);
    let msg = message(stream.push(&x[..128]).unwrap_err());
    assert!(msg.contains("push after finish"), "{msg}");
    stream.reset();
    assert!(stream.push(&x).is_ok());
}

#[wasm_bindgen_test]
fn image_has_one_column_per_frame() {
    let img = spectrogram_image(
        &speech(),
        16000.0,
        options(&[("height", 128.into()), ("colormap", "magma".into())]),
    )
    .unwrap();
    let (w, h) = (
        get(&img, "width").as_f64().unwrap(),
        get(&img, "height").as_f64().unwrap(),
    );
    assert_eq!((w, h), (151.0, 128.0));
    let rgba = get(&img, "rgba").unchecked_into::<Uint8ClampedArray>();
    assert_eq!(rgba.length() as f64, w * h * 4.0);
    let bad = spectrogram_image(&speech(), 16000.0, options(&[("colormap", "jet".into())]));
    assert!(message(bad.unwrap_err()).contains("colormap"));
}

#[wasm_bindgen_test]
fn tiles_are_columns_of_the_whole_image() {
    let clip = speech();
    let opts = || options(&[("height", 64.into()), ("frequencyScale", "mel".into())]);
    let whole = spectrogram_image(&clip, 16000.0, opts()).unwrap();
    let width = get(&whole, "width").as_f64().unwrap() as usize;
    let rgba = get(&whole, "rgba")
        .unchecked_into::<Uint8ClampedArray>()
        .to_vec();
    for (first, count) in [(0usize, 10usize), (70, 30), (width - 4, 4)] {
        let range = spectrogram_tile_range(
            first as f64,
            count as f64,
            clip.len() as f64,
            16000.0,
            opts(),
        )
        .unwrap();
        let (lo, hi) = (range[0] as usize, range[1] as usize);
        assert!(hi - lo < clip.len(), "a tile takes a slice, not the clip");
        let tile = spectrogram_tile(
            &clip[lo..hi],
            16000.0,
            lo as f64,
            clip.len() as f64,
            first as f64,
            count as f64,
            opts(),
        )
        .unwrap();
        assert_eq!(get(&tile, "width").as_f64(), Some(count as f64));
        let got = get(&tile, "rgba")
            .unchecked_into::<Uint8ClampedArray>()
            .to_vec();
        for row in 0..64 {
            assert_eq!(
                &got[4 * row * count..4 * (row + 1) * count],
                &rgba[4 * (row * width + first)..4 * (row * width + first + count)]
            );
        }
    }
    // Frames past the end and a fractional offset are errors; the module keeps working.
    let past = spectrogram_tile_range(width as f64, 1.0, clip.len() as f64, 16000.0, opts());
    assert!(message(past.unwrap_err()).contains("firstFrame"));
    let bad = spectrogram_tile(&clip, 16000.0, 0.5, clip.len() as f64, 0.0, 1.0, opts());
    assert!(message(bad.unwrap_err()).contains("offset"));
    assert!(spectrogram_tile(&clip, 16000.0, 0.0, clip.len() as f64, 0.0, 1.0, opts()).is_ok());
}

#[wasm_bindgen_test]
fn version_is_the_crate_version() {
    assert_eq!(version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn detect_speech_and_its_stream_agree() {
    let x = speech();
    let batch = detect_speech(&x, 16000.0, JsValue::UNDEFINED).unwrap();
    assert_eq!(get(&batch, "frameSeconds").as_f64(), Some(0.01));
    let probs = get(&batch, "probabilities")
        .unchecked_into::<Float32Array>()
        .to_vec();
    assert_eq!(probs.len(), 1 + x.len() / 160);
    assert!(probs.iter().all(|p| (0.0..=1.0).contains(p)));
    let segments: Array = get(&batch, "segments").unchecked_into();
    assert!(segments.length() >= 1, "the speech excerpt holds speech");
    let first = segments.get(0);
    let (start, end) = (
        get(&first, "start").as_f64().unwrap(),
        get(&first, "end").as_f64().unwrap(),
    );
    assert!(0.0 <= start && start < end && end <= x.len() as f64 / 16000.0);
    let mut stream = JsVoiceActivityStream::new(16000.0, JsValue::UNDEFINED).unwrap();
    let mut streamed = Vec::new();
    for block in x.chunks(128) {
        streamed.extend(stream.push(block).unwrap().iter());
    }
    streamed.extend(stream.finish().unwrap().iter());
    assert_eq!(streamed.len() as u32, segments.length());
    for (a, b) in streamed.iter().zip(segments.iter()) {
        assert_eq!(get(a, "start").as_f64(), get(&b, "start").as_f64());
        assert_eq!(get(a, "end").as_f64(), get(&b, "end").as_f64());
    }
    assert!(stream.push(&x[..128]).is_err());
}

#[wasm_bindgen_test]
fn detect_speech_rejects_bad_input_and_keeps_working() {
    let x = speech();
    for (opts, rate, needle) in [
        (options(&[("threshold", 1.5.into())]), 16000.0, "threshold"),
        (
            options(&[("minSilenceMs", (-1).into())]),
            16000.0,
            "minSilenceMs",
        ),
        (
            options(&[("treshold", 0.5.into())]),
            16000.0,
            "unknown option `treshold`",
        ),
        (JsValue::UNDEFINED, 4000.0, "sample rate"),
    ] {
        let msg = message(detect_speech(&x, rate, opts).unwrap_err());
        assert!(msg.contains(needle), "{msg:?} should mention {needle}");
        assert!(detect_speech(&x, 16000.0, JsValue::UNDEFINED).is_ok());
    }
    let mut nan = x.clone();
    nan[100] = f32::NAN;
    let r = detect_speech(&nan, 16000.0, JsValue::UNDEFINED).unwrap();
    let warnings: Array = get(&r, "warnings").unchecked_into();
    assert_eq!(warnings.length(), 1);
}

/// A generated review clip (foreground + two far talkers) as 16 kHz samples.
fn review_clip() -> Vec<f32> {
    let bytes = include_bytes!("fixtures/fgbg/two_talkers.wav");
    // 16-bit PCM mono after a 44-byte canonical header (as the generator writes it).
    bytes[44..]
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]) as f32 / 32768.0)
        .collect()
}

#[wasm_bindgen_test]
fn analyze_returns_the_report_and_the_stream_agrees() {
    let x = review_clip();
    let report = analyze(&x, 16000.0, JsValue::UNDEFINED).unwrap();
    assert_eq!(get(&report, "schemaVersion").as_f64(), Some(1.0));
    assert_eq!(get(&report, "version").as_string().unwrap(), version());
    assert_eq!(get(&report, "frameSeconds").as_f64(), Some(0.01));
    let fg = get(&report, "foregroundProbability").unchecked_into::<Float32Array>();
    let bg = get(&report, "backgroundProbability").unchecked_into::<Float32Array>();
    assert!(fg.is_instance_of::<Float32Array>() && bg.is_instance_of::<Float32Array>());
    assert_eq!(fg.length(), bg.length());
    assert!((fg.length() as i64 - (x.len() / 160) as i64).abs() <= 1);
    let segments: Array = get(&report, "segments").unchecked_into();
    let labels: Vec<String> = segments
        .iter()
        .map(|s| get(&s, "label").as_string().unwrap())
        .collect();
    assert!(
        labels.iter().any(|l| l == "foreground") && labels.iter().any(|l| l == "background"),
        "{labels:?}"
    );
    let first = segments.get(0);
    let cues = get(&first, "cues");
    for key in ["levelDb", "relativeLevelDb", "reverb"] {
        assert!(get(&cues, key).as_f64().unwrap().is_finite(), "{key}");
    }
    assert!(get(&first, "overlap").as_bool().is_some());
    let config = get(&report, "config");
    assert_eq!(
        get(&config, "minLabelMs").as_f64(),
        Some(bystander::AnalyzerConfig::default().min_label_ms)
    );
    // Streaming in AudioWorklet-sized blocks gives the same final report.
    let mut stream = JsAnalyzerStream::new(16000.0, JsValue::UNDEFINED).unwrap();
    let mut provisional = 0;
    for block in x.chunks(128) {
        provisional += stream.push(block).unwrap().length();
    }
    assert!(provisional > 0, "segments are reported while streaming");
    let partial: Array = get(&stream.report().unwrap(), "segments").unchecked_into();
    assert!(partial.length() > 0);
    let last = stream.finish().unwrap();
    let streamed: Array = get(&last, "segments").unchecked_into();
    assert_eq!(streamed.length(), segments.length());
    for (a, b) in streamed.iter().zip(segments.iter()) {
        assert_eq!(get(&a, "start").as_f64(), get(&b, "start").as_f64());
        assert_eq!(get(&a, "label").as_string(), get(&b, "label").as_string());
    }
    assert!(message(stream.push(&x[..128]).unwrap_err()).contains("after finish"));
}

#[wasm_bindgen_test]
fn analyze_rejects_bad_input_and_keeps_working() {
    let x = review_clip();
    for (opts, rate, needle) in [
        (
            options(&[("backgroundThreshold", 2.into())]),
            16000.0,
            "backgroundThreshold",
        ),
        (
            options(&[("minLabelMs", JsValue::from_str("long"))]),
            16000.0,
            "minLabelMs",
        ),
        (
            options(&[("backgroundTreshold", 0.5.into())]),
            16000.0,
            "unknown option",
        ),
        (JsValue::UNDEFINED, 0.0, "sample rate"),
    ] {
        let msg = message(analyze(&x, rate, opts).unwrap_err());
        assert!(msg.contains(needle), "{msg:?} should mention {needle}");
        assert!(analyze(&x[..16000], 16000.0, JsValue::UNDEFINED).is_ok());
    }
    assert!(message(analyze(&[], 16000.0, JsValue::UNDEFINED).unwrap_err()).contains("too short"));
}

/// Samples of a 16-bit PCM mono WAV (the case clips), as int16 / 32768 like the native
/// decoder.
fn wav_samples(bytes: &[u8]) -> Vec<f32> {
    let mut at = 12;
    while at + 8 <= bytes.len() {
        let size = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().unwrap()) as usize;
        if &bytes[at..at + 4] == b"data" {
            return bytes[at + 8..at + 8 + size]
                .chunks_exact(2)
                .map(|b| i16::from_le_bytes([b[0], b[1]]) as f32 / 32768.0)
                .collect();
        }
        at += 8 + size + (size & 1);
    }
    panic!("no data chunk");
}

/// Determinism across builds: the wasm analyser gives exactly the segments the native one
/// pinned in tests/fixtures/fgbg/segments.json (tests/fgbg.rs checks the native side).
/// `node scripts/compare-native-wasm.mjs` does the same for every dev clip.
#[wasm_bindgen_test]
fn native_and_wasm_give_the_pinned_segments() {
    let pinned = js_sys::JSON::parse(include_str!("fixtures/fgbg/segments.json")).unwrap();
    let clips: [(&str, &[u8]); 8] = [
        (
            "no_background",
            include_bytes!("fixtures/fgbg/no_background.wav"),
        ),
        (
            "background_only",
            include_bytes!("fixtures/fgbg/background_only.wav"),
        ),
        ("overlap", include_bytes!("fixtures/fgbg/overlap.wav")),
        (
            "loud_background",
            include_bytes!("fixtures/fgbg/loud_background.wav"),
        ),
        (
            "two_talkers",
            include_bytes!("fixtures/fgbg/two_talkers.wav"),
        ),
        (
            "moving_away",
            include_bytes!("fixtures/fgbg/moving_away.wav"),
        ),
        (
            "quiet_foreground",
            include_bytes!("fixtures/fgbg/quiet_foreground.wav"),
        ),
        ("one_second", include_bytes!("fixtures/fgbg/one_second.wav")),
    ];
    for (name, bytes) in clips {
        let samples = wav_samples(bytes);
        let report = analyze(&samples, 16000.0, JsValue::UNDEFINED).unwrap();
        let again = analyze(&samples, 16000.0, JsValue::UNDEFINED).unwrap();
        let got: Array = get(&report, "segments").unchecked_into();
        let expected: Array = get(&pinned, name).unchecked_into();
        assert_eq!(got.length(), expected.length(), "{name}");
        for (s, e) in got.iter().zip(expected.iter()) {
            let e: Array = e.unchecked_into();
            assert_eq!(get(&s, "start").as_f64(), e.get(0).as_f64(), "{name}");
            assert_eq!(get(&s, "end").as_f64(), e.get(1).as_f64(), "{name}");
            assert_eq!(get(&s, "label").as_string(), e.get(2).as_string(), "{name}");
        }
        let probs = |r: &JsValue| {
            get(r, "foregroundProbability")
                .unchecked_into::<Float32Array>()
                .to_vec()
        };
        assert_eq!(probs(&report), probs(&again), "{name}: two runs differ");
    }
}

/// Decodes with `AudioFileDecoder` in chunks of `max_frames`; returns the channels and the
/// chunk lengths.
fn decode_in_chunks(bytes: &[u8], max_frames: u32) -> (Vec<Vec<f32>>, Vec<usize>) {
    let mut decoder = JsAudioFileDecoder::new(bytes.to_vec()).unwrap();
    let mut channels = vec![Vec::new(); decoder.channels() as usize];
    let mut lengths = Vec::new();
    loop {
        let chunk = decoder.next_chunk(max_frames).unwrap();
        if chunk.is_undefined() {
            break;
        }
        let chunk: Array = chunk.unchecked_into();
        assert_eq!(chunk.length() as usize, channels.len());
        for (c, out) in channels.iter_mut().enumerate() {
            out.extend(
                chunk
                    .get(c as u32)
                    .unchecked_into::<Float32Array>()
                    .to_vec(),
            );
        }
        lengths.push(channels[0].len() - lengths.iter().sum::<usize>());
    }
    assert!(decoder.warnings().is_empty());
    (channels, lengths)
}

#[wasm_bindgen_test]
fn file_decoder_gives_the_flac_samples_in_chunks() {
    let flac = include_bytes!("fixtures/audio/sample-16k-mono.flac");
    let decoder = JsAudioFileDecoder::new(flac.to_vec()).unwrap();
    let want = wav_samples(include_bytes!("../www/samples/sample.wav"));
    assert_eq!(
        (
            decoder.sample_rate(),
            decoder.channels(),
            decoder.codec().as_str()
        ),
        (16000, 1, "flac")
    );
    assert_eq!(decoder.frames(), Some(want.len() as f64));
    let (channels, lengths) = decode_in_chunks(flac, 100_000);
    assert_eq!(channels[0], want, "FLAC decodes to the WAV's samples");
    assert_eq!(lengths, [100_000, 100_000, 48_000]);
}

#[wasm_bindgen_test]
fn file_decoder_counts_the_frames_of_an_mp3_without_a_header() {
    let mp3 = include_bytes!("fixtures/audio/sample-16k-mono-noxing.mp3");
    let frames = JsAudioFileDecoder::new(mp3.to_vec())
        .unwrap()
        .frames()
        .unwrap();
    let (channels, _) = decode_in_chunks(mp3, 1 << 16);
    // Without a LAME header nothing is trimmed: the packets' durations are the frames.
    assert_eq!(frames as usize, channels[0].len());
    let (stereo, _) =
        decode_in_chunks(include_bytes!("fixtures/audio/sample-44k-stereo.mp3"), 4096);
    assert_eq!(stereo.len(), 2);
    assert_eq!(stereo[0].len(), stereo[1].len());
}

#[wasm_bindgen_test]
fn file_decoder_refuses_what_it_cannot_read_and_keeps_working() {
    let opus = include_bytes!("fixtures/audio/sample-48k-mono.opus");
    let err = message(JsAudioFileDecoder::new(opus.to_vec()).err().unwrap());
    assert!(err.contains("Ogg/Opus is not supported"), "{err}");
    let err = message(JsAudioFileDecoder::new(Vec::new()).err().unwrap());
    assert!(err.contains("empty file"), "{err}");
    let (channels, _) = decode_in_chunks(
        include_bytes!("fixtures/audio/sample-16k-mono.flac"),
        1 << 20,
    );
    assert_eq!(channels[0].len(), 248_000);
}
