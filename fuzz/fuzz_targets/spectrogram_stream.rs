//! The streaming spectrogram with a fuzzed sample rate and option map (preset, nFft,
//! hopLength, winLength, window, center, padMode, power, output, mel and dB options, ...:
//! the JS/CLI vocabulary), a sequence of block sizes and samples from the remaining bytes.
//!
//! Every failure must be an `Err` value. On success: rows come whole, their count is
//! `frame_count(samples)`, streaming in any blocks equals the batch `spectrogram()`
//! (where `topDb`/MFCC do not make them differ by design), `reset()` starts an identical
//! second pass, and `push`/`finish` after `finish` are `Err(InvalidState)`.
#![no_main]

#[path = "common.rs"]
mod common;

use arbitrary::{Arbitrary, Unstructured};
use bystander::options::{spectrogram_config, spectrogram_options, SPECTROGRAM_OPTIONS};
use bystander::{spectrogram, Error, LogScale, Output, SpectrogramStream};
use common::{fill, option_map, samples, Encoding, Len, Name, Rate, Value};
use libfuzzer_sys::fuzz_target;

const MAX_OPTIONS: usize = 10;
const MAX_BLOCKS: usize = 64;
/// Bound on `frames * nFft` per pass, so that one execution stays fast even at
/// `nFft = 65536, hopLength = 1`.
const WORK: usize = 1 << 21;
/// Samples per pass at most (8.2 s at 16 kHz).
const MAX_TOTAL: usize = 1 << 17;

#[derive(Arbitrary, Debug)]
struct Input {
    rate: Rate,
    options: Vec<(Name, Value)>,
    /// Block sizes; none = the samples in one block.
    blocks: Vec<Len>,
    encoding: Encoding,
    // The samples are the bytes after these fields (`Unstructured::take_rest`).
}

fn same(a: &[f32], b: &[f32]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
}

fn expect_invalid_state<T: std::fmt::Debug>(r: bystander::Result<T>, what: &str) {
    match r {
        Err(Error::InvalidState(_)) => {}
        other => panic!("{what} after finish gave {other:?}"),
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
    let options = option_map(&input.options, SPECTROGRAM_OPTIONS, MAX_OPTIONS);
    let config = match spectrogram_config(rate, &options) {
        Ok(c) => c,
        Err(e) => {
            assert!(!e.to_string().is_empty());
            assert!(
                matches!(
                    e,
                    Error::UnknownOption { .. }
                        | Error::InvalidConfig { .. }
                        | Error::UnsupportedSampleRate { .. }
                ),
                "unexpected error kind: {e:?}"
            );
            return;
        }
    };
    config.validate().expect("a parsed configuration validates");
    // The effective options parse back to the same configuration.
    let mut effective = spectrogram_options(&config);
    effective.retain(|(k, _)| k != "sampleRate");
    let again = spectrogram_config(rate, &effective).expect("effective options parse");
    assert_eq!(spectrogram_options(&again), spectrogram_options(&config));
    let freqs = config.frequencies().expect("frequencies of a valid config");
    if config.output != Output::Mfcc {
        assert_eq!(freqs.len(), config.bins());
    }

    let mut stream = SpectrogramStream::new(config.clone()).expect("a valid config streams");
    let bins = stream.bins();
    assert!(bins > 0);

    // Bound the work: frames * nFft <= WORK.
    let stft = &config.stft;
    let max_frames = (WORK / stft.n_fft).max(1);
    let max_total = if stft.center {
        (max_frames - 1) * stft.hop_length
    } else {
        stft.win_length + (max_frames - 1) * stft.hop_length
    }
    .min(MAX_TOTAL);

    let source = samples(sample_bytes, input.encoding);
    let lens: Vec<usize> = if input.blocks.is_empty() {
        vec![source.len()]
    } else {
        input
            .blocks
            .iter()
            .take(MAX_BLOCKS)
            .map(|l| l.samples())
            .collect()
    };

    let mut out = Vec::new();
    let mut block = Vec::new();
    let mut all = Vec::new();
    let mut pos = 0;
    let mut rows = 0;
    for len in lens {
        let len = len.min(max_total - all.len());
        fill(&mut block, &source, &mut pos, len);
        all.extend_from_slice(&block);
        let before = out.len();
        let added = stream.push(&block, &mut out).expect("push before finish");
        assert_eq!(out.len() - before, added * bins, "rows come whole");
        rows += added;
        assert_eq!(stream.frames_emitted(), rows);
        assert_eq!(stream.samples_received(), all.len());
    }
    let before = out.len();
    let added = stream.finish(&mut out).expect("first finish");
    assert_eq!(out.len() - before, added * bins, "rows come whole");
    rows += added;
    assert_eq!(rows, stft.frame_count(all.len()), "{} samples", all.len());

    expect_invalid_state(stream.push(&[0.0; 4], &mut out), "push");
    expect_invalid_state(stream.finish(&mut out), "finish");

    // Streaming equals batch (batch applies topDb over the whole output, and computes
    // MFCCs after it, so those differ by design).
    match spectrogram(&all, &config) {
        Ok(batch) => {
            assert_eq!(batch.frames, rows);
            assert_eq!(batch.bins, bins);
            let by_design = config.output == Output::Mfcc
                || matches!(
                    config.log,
                    LogScale::Db {
                        top_db: Some(_),
                        ..
                    }
                );
            if !by_design {
                assert!(same(&batch.data, &out), "stream differs from batch");
            }
        }
        Err(e) => {
            assert!(all.is_empty(), "batch failed on {} samples: {e}", all.len());
            assert!(matches!(e, Error::InputTooShort { .. }), "{e:?}");
        }
    }

    // reset() starts a new signal: one block now gives the same rows.
    stream.reset();
    let mut second = Vec::new();
    stream.push(&all, &mut second).expect("push after reset");
    stream.finish(&mut second).expect("finish after reset");
    assert!(same(&second, &out), "second pass after reset differs");
});
