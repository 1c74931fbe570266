//! A batch run's progress: a bar on stderr when it is a terminal (nothing otherwise), and
//! the final summary line.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Instant;

/// Counts of a batch run, and its bar when stderr is a terminal.
pub struct Progress {
    bar: Option<ProgressBar>,
    start: Instant,
    counts: Mutex<Counts>,
}

#[derive(Default, Clone, Copy)]
struct Counts {
    analysed: usize,
    failed: usize,
    /// Seconds of audio analysed.
    audio_seconds: f64,
}

impl Progress {
    /// `files` to analyse in this run.
    pub fn new(files: usize) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(files as u64), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{bar:20} {pos}/{len} files, {msg}, ETA {eta}")
                    .expect("a valid template"),
            );
            bar
        });
        Progress {
            bar,
            start: Instant::now(),
            counts: Mutex::default(),
        }
    }

    /// Whether the bar is shown.
    pub fn shown(&self) -> bool {
        self.bar.is_some()
    }

    /// One file done: `Some(its audio seconds)`, or `None` when it failed.
    pub fn done(&self, audio_seconds: Option<f64>) {
        let counts = {
            let mut c = self.counts.lock().expect("no poisoned lock");
            match audio_seconds {
                Some(s) => {
                    c.analysed += 1;
                    c.audio_seconds += s;
                }
                None => c.failed += 1,
            }
            *c
        };
        if let Some(bar) = &self.bar {
            let elapsed = self.start.elapsed().as_secs_f64().max(1e-9);
            bar.set_message(format!(
                "{:.2} h audio, {:.1} files/s, {:.0}x realtime",
                counts.audio_seconds / 3600.0,
                (counts.analysed + counts.failed) as f64 / elapsed,
                counts.audio_seconds / elapsed
            ));
            bar.inc(1);
        }
    }

    /// Prints a line on stderr above the bar.
    pub fn println(&self, print: impl FnOnce()) {
        match &self.bar {
            Some(bar) => bar.suspend(print),
            None => print(),
        }
    }

    /// Clears the bar and prints the summary line: `skipped` files were done by an earlier
    /// run (`failed_before` of them failed). Returns the failures, this run's and the
    /// earlier's.
    pub fn finish(&self, skipped: usize, failed_before: usize) -> usize {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        let c = *self.counts.lock().expect("no poisoned lock");
        let seconds = self.start.elapsed().as_secs_f64();
        let earlier = match (skipped, failed_before) {
            (0, _) => String::new(),
            (n, 0) => format!(", {n} skipped (done before)"),
            (n, f) => format!(", {n} skipped (done before, {f} of them failed)"),
        };
        let total = c.analysed + c.failed + skipped;
        eprintln!(
            "bystander: {total} {}: {} analysed, {} failed{earlier}; {:.2} h of audio in {:.1} s \
             ({:.1} files/s, {:.0}x realtime)",
            if total == 1 { "file" } else { "files" },
            c.analysed,
            c.failed,
            c.audio_seconds / 3600.0,
            seconds,
            (c.analysed + c.failed) as f64 / seconds.max(1e-9),
            c.audio_seconds / seconds.max(1e-9)
        );
        c.failed + failed_before
    }
}
