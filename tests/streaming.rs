//! Streaming equals batch, for random chunkings, every preset and padding mode; and the STFT
//! agrees with a naive DFT computed in f64.
#![cfg(not(target_arch = "wasm32"))]

use bystander::options::{spectrogram_config, OptionValue};
use bystander::{spectrogram, Output, SpectrogramConfig, SpectrogramStream};

/// xorshift64*: a fixed-seed generator, so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> usize {
        (self.next() % n) as usize
    }
    fn signal(&mut self, len: usize) -> Vec<f32> {
        (0..len)
            .map(|i| {
                let noise = (self.next() >> 40) as f32 / (1u64 << 24) as f32 - 0.5;
                0.3 * (i as f32 * 0.05).sin() + 0.2 * noise
            })
            .collect()
    }
}

fn config(pairs: &[(&str, OptionValue)]) -> SpectrogramConfig {
    let map = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    spectrogram_config(16000.0, &map).unwrap()
}

fn stream_all(config: &SpectrogramConfig, x: &[f32], chunks: &[usize]) -> Vec<f32> {
    let mut stream = SpectrogramStream::new(config.clone()).unwrap();
    let mut out = Vec::new();
    let mut at = 0;
    for &c in chunks {
        let end = (at + c).min(x.len());
        stream.push(&x[at..end], &mut out).unwrap();
        at = end;
    }
    stream.push(&x[at..], &mut out).unwrap();
    stream.finish(&mut out).unwrap();
    out
}

#[test]
fn chunked_equals_batch_for_random_chunkings() {
    use OptionValue::*;
    let configs = [
        config(&[("preset", Str("librosa".into()))]),
        config(&[("preset", Str("kaldi".into()))]),
        config(&[("preset", Str("torchaudio".into()))]),
        config(&[
            ("nFft", Number(512.0)),
            ("winLength", Number(400.0)),
            ("hopLength", Number(128.0)),
            ("padMode", Str("reflect".into())),
            ("output", Str("linear".into())),
        ]),
        config(&[("center", Bool(false)), ("output", Str("linear".into()))]),
    ];
    let mut rng = Rng(0x5eed);
    for config in &configs {
        for trial in 0..12 {
            let len = [0, 1, 100, 399, 400, 1601, 16000][trial % 7] + rng.below(3000);
            let x = rng.signal(len);
            // No top_db here: it needs the whole output, so batch applies it after streaming.
            let batch = if x.is_empty() {
                Vec::new()
            } else {
                spectrogram(&x, config).unwrap().data
            };
            let chunks: Vec<usize> = (0..rng.below(40))
                .map(|_| match rng.below(4) {
                    0 => 0,
                    1 => 1 + rng.below(3),
                    2 => 128,
                    _ => rng.below(5000),
                })
                .collect();
            let streamed = stream_all(config, &x, &chunks);
            assert_eq!(streamed.len(), batch.len(), "len {len} chunks {chunks:?}");
            assert!(
                streamed == batch,
                "{:?}: len {len} chunks {chunks:?}",
                config.preset
            );
            assert_eq!(streamed.len() / config.bins(), config.stft.frame_count(len));
        }
    }
}

#[test]
fn magnitude_matches_a_naive_dft() {
    // Reference: X[k] = sum_n w[n] x[n + start] e^{-2 pi i k n / N}, in f64, frame by frame.
    let mut rng = Rng(42);
    let x = rng.signal(3000);
    for (n_fft, win, center) in [
        (512usize, 512usize, true),
        (256, 200, false),
        (400, 400, true),
    ] {
        let cfg = config(&[
            ("nFft", OptionValue::Number(n_fft as f64)),
            ("winLength", OptionValue::Number(win as f64)),
            ("hopLength", OptionValue::Number(100.0)),
            ("center", OptionValue::Bool(center)),
            ("output", OptionValue::Str("linear".into())),
            ("power", OptionValue::Number(1.0)),
        ]);
        assert_eq!(cfg.output, Output::Linear);
        let ours = spectrogram(&x, &cfg).unwrap();
        let w = bystander::WindowKind::Hann.table_f64(win);
        let bins = n_fft / 2 + 1;
        let offset = if center {
            (n_fft as i64 - win as i64) / 2 - n_fft as i64 / 2
        } else {
            0
        };
        for frame in [0, 1, ours.frames / 2, ours.frames - 1] {
            let start = frame as i64 * 100 + offset;
            for k in [0, 1, 7, bins / 3, bins - 1] {
                let (mut re, mut im) = (0.0f64, 0.0f64);
                for (n, wn) in w.iter().enumerate() {
                    let idx = start + n as i64;
                    let s = if idx >= 0 && (idx as usize) < x.len() {
                        x[idx as usize] as f64
                    } else {
                        0.0
                    };
                    let angle = -2.0 * std::f64::consts::PI * (k * n) as f64 / n_fft as f64;
                    re += wn * s * angle.cos();
                    im += wn * s * angle.sin();
                }
                let reference = (re * re + im * im).sqrt();
                let got = ours.data[frame * bins + k] as f64;
                assert!(
                    (got - reference).abs() <= 1e-5 * reference + 1e-6,
                    "n_fft {n_fft} frame {frame} bin {k}: {got} vs {reference}"
                );
            }
        }
    }
}
