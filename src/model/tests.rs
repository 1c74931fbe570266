//! The Rust forward pass against PyTorch, and the streaming contract.

use super::{TemporalModel, N_MELS, N_OUTPUTS};
use crate::vad::{FrameSink, FrontEnd};

struct MelRows(Vec<[f32; N_MELS]>);

impl FrameSink for MelRows {
    fn mel_frame(&mut self, mel: &[f32]) {
        self.0.push(mel.try_into().unwrap());
    }
}

/// The front end's mel power rows of a clip, one per whole 10 ms frame (the frames
/// `bystander log-mel` writes, in dB, for training).
fn mel_rows(samples: &[f32], rate: u32) -> Vec<[f32; N_MELS]> {
    let mut front = FrontEnd::new(rate as f64).unwrap();
    let mut rows = MelRows(Vec::new());
    front.push_to(samples, &mut rows).unwrap();
    front.finish_to(&mut rows).unwrap();
    rows.0
        .truncate((samples.len() as u64 * 100 / rate as u64) as usize);
    rows.0
}

fn run(rows: &[[f32; N_MELS]]) -> Vec<[f32; N_OUTPUTS]> {
    let mut m = TemporalModel::new();
    let mut out: Vec<[f32; N_OUTPUTS]> = Vec::new();
    let mut sink = |i: usize, l: &[f32; N_OUTPUTS]| {
        assert_eq!(i, out.len(), "frames come out in order, once");
        out.push(*l);
    };
    for r in rows {
        m.push(r, &mut sink);
    }
    m.finish(&mut sink);
    out
}

#[test]
fn matches_pytorch_on_a_real_clip() {
    let root = env!("CARGO_MANIFEST_DIR");
    let (samples, rate) = crate::read_mono(std::path::Path::new(&format!(
        "{root}/tests/fixtures/fgbg/two_talkers.wav"
    )))
    .unwrap();
    let rows = mel_rows(&samples, rate);
    let bytes = std::fs::read(format!(
        "{root}/tests/fixtures/model/two_talkers.logits.f32"
    ))
    .unwrap();
    let want: Vec<f32> = bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    assert_eq!(want.len(), rows.len() * N_OUTPUTS, "fixture frames");
    let got = run(&rows);
    assert_eq!(got.len(), rows.len());
    let mut worst = 0.0f32;
    for (g, w) in got.iter().flatten().zip(&want) {
        worst = worst.max((g - w).abs());
    }
    eprintln!(
        "temporal model vs PyTorch on {} frames: largest logit difference {worst:.2e}",
        rows.len()
    );
    assert!(worst < 5e-3, "largest logit difference {worst}");
}

#[test]
fn every_frame_once_for_any_length() {
    let row = [1e-6f32; N_MELS];
    for n in [0usize, 1, 2, 3, 4, 5, 17, 40] {
        let out = run(&vec![row; n]);
        assert_eq!(out.len(), n, "{n} frames");
    }
}

#[test]
fn output_waits_only_for_the_lookahead() {
    let mut m = TemporalModel::new();
    let mut emitted = 0usize;
    let row = [1e-5f32; N_MELS];
    for pushed in 1..=100usize {
        m.push(&row, &mut |_, _| emitted += 1);
        assert!(
            pushed - emitted <= super::LOOKAHEAD_FRAMES,
            "{pushed} pushed, {emitted} out"
        );
    }
}
