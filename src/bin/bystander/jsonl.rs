//! `analyze --format jsonl`: one compact JSON line per file, and reading back the lines of
//! an interrupted run.

use crate::cli::Failure;
use bystander::Report;
use std::collections::HashSet;
use std::io::{BufRead, Seek, SeekFrom};
use std::path::Path;

/// `modelVersion` of every line: names the weights that made it (`fnv1a64-<hex>`).
pub fn model_version() -> String {
    bystander::formats::model_version()
}

/// `summary` of a line: seconds of foreground, background and overlapped (foreground with
/// background speech under it) speech, and their shares of the clip's duration.
pub fn summary(report: &Report) -> serde_json::Value {
    let seconds = |keep: &dyn Fn(&bystander::LabelledSegment) -> bool| -> f64 {
        report
            .segments
            .iter()
            .filter(|s| keep(s))
            // From +0: an empty `sum` of floats is -0.
            .fold(0.0, |total, s| total + (s.end - s.start))
    };
    let foreground = seconds(&|s| s.label.as_ref() == "foreground");
    let background = seconds(&|s| s.label.as_ref() == "background");
    let overlap = seconds(&|s| s.overlap);
    let share = |x: f64| {
        if report.duration > 0.0 {
            x / report.duration
        } else {
            0.0
        }
    };
    serde_json::json!({
        "foregroundSeconds": foreground,
        "backgroundSeconds": background,
        "overlapSeconds": overlap,
        "foregroundShare": share(foreground),
        "backgroundShare": share(background),
        "overlapShare": share(overlap),
    })
}

/// The line of a file that could not be analysed: no segments, its reason in `error`.
pub fn error_line(file: &Path, failure: &Failure) -> Vec<u8> {
    let shown = file.display().to_string();
    let reason = match failure {
        Failure::Input(msg) | Failure::Usage(msg) => msg
            .strip_prefix(&format!("{shown}: "))
            .unwrap_or(msg)
            .to_string(),
        Failure::Reported => "failed".into(),
    };
    let mut line = serde_json::to_vec(&serde_json::json!({
        "file": shown,
        "error": reason,
        "warnings": [],
        "version": bystander::VERSION,
        "modelVersion": model_version(),
    }))
    .expect("a JSON value serialises");
    line.push(b'\n');
    line
}

/// What an interrupted run wrote.
#[derive(Default)]
pub struct Resumed {
    /// The `file` of every complete line.
    pub files: HashSet<String>,
    /// The lines among them holding an `error`.
    pub failed: usize,
}

/// Reads the JSONL file of an earlier run and cuts off its torn last line (one without its
/// line break: the run was stopped while writing it), so that appending continues it. A
/// missing file is an empty run.
pub fn resume(path: &Path) -> Result<Resumed, Failure> {
    let fail = |e: std::io::Error| Failure::Input(format!("{}: {e}", path.display()));
    let file = match std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Resumed::default()),
        Err(e) => return Err(fail(e)),
    };
    /// The fields of a line that resuming reads.
    #[derive(serde::Deserialize)]
    struct Head {
        file: String,
        error: Option<String>,
    }
    let mut reader = std::io::BufReader::new(file);
    let mut resumed = Resumed::default();
    let (mut complete, mut number) = (0u64, 0);
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line).map_err(fail)?;
        if n == 0 || line.last() != Some(&b'\n') {
            break;
        }
        number += 1;
        let head: Head = serde_json::from_slice(&line).map_err(|e| {
            Failure::Usage(format!(
                "{}: line {number} is not a line of `analyze --format jsonl` ({e})",
                path.display()
            ))
        })?;
        resumed.failed += usize::from(head.error.is_some());
        resumed.files.insert(head.file);
        complete += n as u64;
    }
    let mut file = reader.into_inner();
    file.set_len(complete).map_err(fail)?;
    file.seek(SeekFrom::End(0)).map_err(fail)?;
    Ok(resumed)
}
