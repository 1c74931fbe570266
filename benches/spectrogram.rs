//! Native spectrogram throughput (criterion). Run: `cargo bench --bench spectrogram`.
//! One group per preset and output, over 60 s of 16 kHz audio fed in 1 s blocks, the way
//! a file reader feeds the stream; throughput is reported in samples/s (divide by 16000 for
//! x real time).
use bystander::options::{spectrogram_config, OptionValue};
use bystander::SpectrogramStream;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

fn signal(len: usize) -> Vec<f32> {
    let mut state = 1u32;
    (0..len)
        .map(|n| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            0.3 * (n as f32 * 0.07).sin() + 0.1 * ((state >> 8) as f32 / 16_777_216.0 - 0.5)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let x = signal(16000 * 60);
    let mut group = c.benchmark_group("spectrogram_60s_16k");
    group.throughput(Throughput::Elements(x.len() as u64));
    group.sample_size(10);
    let cases: [(&str, Vec<(&str, OptionValue)>); 3] = [
        ("librosa_logmel", vec![("db", OptionValue::Bool(true))]),
        (
            "kaldi_fbank",
            vec![("preset", OptionValue::Str("kaldi".into()))],
        ),
        (
            "linear_power",
            vec![("output", OptionValue::Str("linear".into()))],
        ),
    ];
    for (name, options) in cases {
        let map = options
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        let config = spectrogram_config(16000.0, &map).unwrap();
        let mut out = Vec::with_capacity(100 * 257);
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut stream = SpectrogramStream::new(config.clone()).unwrap();
                for block in x.chunks(16000) {
                    out.clear();
                    stream.push(black_box(block), &mut out).unwrap();
                }
                stream.finish(&mut out).unwrap();
                black_box(out.len())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
