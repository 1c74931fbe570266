//! The inputs of a batch run (files, folders, a list) and where each one's output goes, and
//! the workers that run over them.

use crate::cli::Failure;
use std::io::{BufRead, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The extensions a folder is searched for (any case): what the decoder reads.
pub const AUDIO_EXTENSIONS: [&str; 5] = ["wav", "flac", "mp3", "ogg", "oga"];

/// The files to analyse, in the order given: a file as it is, a folder as its audio files
/// (recursively, sorted by name), then the same for each line of `files_from` (`-`: stdin).
/// A folder without audio files stays as it is, so that it fails with its own line ("is a
/// directory") instead of vanishing from the run.
pub fn gather(inputs: &[PathBuf], files_from: Option<&Path>) -> Result<Vec<PathBuf>, Failure> {
    let mut listed = inputs.to_vec();
    if let Some(list) = files_from {
        let fail = |e: std::io::Error| Failure::Input(format!("{}: {e}", list.display()));
        let reader: Box<dyn BufRead> = if list == Path::new("-") {
            Box::new(std::io::stdin().lock())
        } else {
            Box::new(std::io::BufReader::new(
                std::fs::File::open(list).map_err(fail)?,
            ))
        };
        for line in reader.lines() {
            let line = line.map_err(fail)?;
            let line = line.trim_end_matches('\r');
            if !line.is_empty() {
                listed.push(PathBuf::from(line));
            }
        }
    }
    let mut files = Vec::new();
    for input in listed {
        if !input.is_dir() {
            files.push(input);
            continue;
        }
        let before = files.len();
        let walk = walkdir::WalkDir::new(&input)
            .follow_links(true)
            .sort_by_file_name();
        for entry in walk {
            match entry {
                Ok(e) if e.file_type().is_file() && is_audio(e.path()) => files.push(e.into_path()),
                Ok(_) => {}
                // An unreadable folder inside: its path fails with the reason when opened.
                Err(e) => files.extend(e.path().map(Path::to_path_buf)),
            }
        }
        if files.len() == before {
            files.push(input);
        }
    }
    Ok(files)
}

fn is_audio(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| AUDIO_EXTENSIONS.iter().any(|a| a.eq_ignore_ascii_case(e)))
}

/// Where `--out-dir` puts each input's output: its path relative to `root` with `.<ext>`
/// appended (`root/a/x.wav` -> `out_dir/a/x.wav.json`), so that same-named files in
/// different folders, or `x.wav` beside `x.flac`, never share an output. Paths are compared
/// made absolute and with `.`/`..` resolved by name (not through symbolic links).
pub fn mirrored(
    files: &[PathBuf],
    out_dir: &Path,
    root: &Path,
    ext: &str,
) -> Result<Vec<PathBuf>, Failure> {
    let root = normalized(root)?;
    files
        .iter()
        .map(|file| {
            let mut name = relative(file, &root)?.into_os_string();
            name.push(".");
            name.push(ext);
            Ok(out_dir.join(name))
        })
        .collect()
}

/// `file`'s path relative to `root` (which [`normalized`] made absolute), or a usage error
/// naming both.
pub fn relative(file: &Path, root: &Path) -> Result<PathBuf, Failure> {
    normalized(file)?
        .strip_prefix(root)
        .map(Path::to_path_buf)
        .map_err(|_| {
            Failure::Usage(format!(
                "{}: outside the --root {}; give a --root that holds every input",
                file.display(),
                root.display()
            ))
        })
}

/// `path` made absolute, with `.` and `..` resolved by name.
pub fn normalized(path: &Path) -> Result<PathBuf, Failure> {
    let absolute = std::path::absolute(path)
        .map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?;
    let mut out = PathBuf::new();
    for c in absolute.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

/// The default number of workers: one per core.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Runs `work(i)` for `i` in `0..n` on `jobs` scoped threads, each taking the next index
/// from a shared counter (files differ in length by hours, so a fixed split would leave
/// workers idle); `work` returns `false` to stop the run (the output failed). Plain scoped
/// threads, not a rayon pool: the unit of work is a whole file, so there is nothing for
/// work stealing to balance and no nested parallelism, and no dependency is needed.
pub fn parallel(jobs: Option<usize>, n: usize, work: impl Fn(usize) -> bool + Sync) {
    let jobs = jobs.unwrap_or_else(default_jobs).clamp(1, n.max(1));
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n || !work(i) {
                    // Past the end for every worker.
                    next.store(n, Ordering::Relaxed);
                    break;
                }
            });
        }
    });
}

/// Writes `path` through a temporary file beside it, so that an interrupted run leaves
/// either the whole output or none (what `--skip-existing` relies on).
pub fn write_whole(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Failure> {
    let fail = |e: std::io::Error| Failure::Input(format!("{}: {e}", path.display()));
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&partial).map_err(fail)?);
    write(&mut w).and_then(|()| w.flush()).map_err(fail)?;
    drop(w);
    std::fs::rename(&partial, path).map_err(fail)
}
