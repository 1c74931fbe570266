//! Native voice activity throughput (criterion). Run: `cargo bench --features dev --bench vad`.
//! 60 s of the bundled sample clip (tiled) in 1 s blocks: the spectrogram front end alone,
//! the VAD front end (spectrogram, mel bands, log levels), the whole detector, and the whole
//! foreground/background analysis.
use bystander::dev::FrontEnd;
use bystander::SpectrogramStream;
use bystander::{VadConfig, VoiceActivityDetector};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

fn signal() -> Vec<f32> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("www/samples/sample.wav");
    let (x, _) = bystander::read_mono(&path).unwrap();
    x.iter().cycle().take(16000 * 60).copied().collect()
}

fn bench(c: &mut Criterion) {
    let x = signal();
    let mut group = c.benchmark_group("vad_60s_16k");
    group.throughput(Throughput::Elements(x.len() as u64));
    group.sample_size(10);
    group.bench_function("spectrogram_front_end", |b| {
        let mut out = Vec::new();
        b.iter(|| {
            let mut s = SpectrogramStream::new(bystander::dev::front_end_config()).unwrap();
            for block in x.chunks(16000) {
                out.clear();
                s.push(block, &mut out).unwrap();
            }
            black_box(out.len())
        })
    });
    group.bench_function("log_mel_front_end", |b| {
        b.iter(|| {
            let mut f = FrontEnd::new(16000.0).unwrap();
            let mut n = 0usize;
            for block in x.chunks(16000) {
                f.push_log_mel(block, |_| n += 1).unwrap();
            }
            black_box(n)
        })
    });
    group.bench_function("detector", |b| {
        b.iter(|| {
            let mut v = VoiceActivityDetector::new(16000.0, VadConfig::default()).unwrap();
            let (mut p, mut s) = (Vec::new(), Vec::new());
            for block in x.chunks(16000) {
                v.push(block, &mut p, &mut s).unwrap();
            }
            v.finish(&mut p, &mut s).unwrap();
            black_box(s.len())
        })
    });
    group.bench_function("analyzer", |b| {
        // The whole analysis: front end, VAD, cues, foreground/background labels, report.
        b.iter(|| {
            let mut a =
                bystander::Analyzer::new(16000.0, bystander::AnalyzerConfig::default()).unwrap();
            let mut s = Vec::new();
            for block in x.chunks(16000) {
                a.push(block, &mut s).unwrap();
            }
            black_box(a.finish().unwrap().segments.len())
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
