"""An archive analysed on a Dask cluster: :func:`bystander.analyze_file` over a folder or a
list of files, a batch of files per task, the results written to two Parquet files.

    python -m bystander.dask DIR... --out OUT [--workers N | --scheduler ADDRESS]

``OUT/files.parquet`` has one row per file: its summary, or the reason it could not be
analysed (a bad file never stops the others). ``OUT/segments.parquet`` has one row per
labelled segment. Their columns are the fields of the CLI's ``bystander analyze --format
jsonl --no-frames`` line, with the same names and values, flattened (:data:`FILES`,
:data:`SEGMENTS`; docs/usage.md lists them). By default the run starts a ``LocalCluster`` on
this machine (one single-threaded worker process per core); given a scheduler address (or a
``distributed.Client``) it runs on that cluster instead, whose workers need this package and
read the files at the same paths.

Needs the ``dask`` extra: ``pip install "./python[dask]"`` (dask, distributed, pyarrow).
Dask does the scheduling, retries after a lost worker and the dashboard; pyarrow writes the
Parquet. Nothing here analyses audio: each task calls the extension, which releases the GIL.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import sys
import time
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Optional, Sequence, Union

try:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq
    from distributed import Client, LocalCluster, as_completed
except ImportError as e:  # pragma: no cover - depends on the install
    raise ImportError(
        f"bystander.dask needs dask, distributed and pyarrow ({e}); "
        'install them with `pip install "bystander[dask]"` (from a checkout: "./python[dask]")'
    ) from e

import bystander

__all__ = ["CUES", "FILES", "SEGMENTS", "SUMMARY", "Run", "analyze_batch", "gather", "main", "run"]

#: The extensions a folder is searched for (any case), as the CLI's: what the decoder reads.
AUDIO_EXTENSIONS = ("wav", "flac", "mp3", "ogg", "oga")

#: Files per task at most. A task's files run one after another on one worker thread, so a
#: batch amortises the scheduler's per-task cost (about a millisecond, as much as analysing a
#: short clip) without holding a worker for long.
MAX_BATCH = 64

#: Rows buffered before they are written as one Parquet row group.
ROW_GROUP = 65536

_F32, _F64 = pa.float32(), pa.float64()

#: ``files.parquet``: one row per file. The JSONL line's fields; ``summary`` and ``anchor``
#: flattened, ``config`` as its compact JSON text (the same for every file of a run). A file
#: that could not be analysed has ``file``, ``error``, ``warnings``, ``version`` and
#: ``modelVersion``, the rest null, as its JSONL line has no other field.
FILES = pa.schema(
    [
        ("file", pa.string()),
        ("error", pa.string()),
        ("warnings", pa.list_(pa.string())),
        ("version", pa.string()),
        ("modelVersion", pa.string()),
        ("schemaVersion", pa.int32()),
        ("sampleRate", _F64),
        ("duration", _F64),
        ("frameSeconds", _F64),
        ("foregroundSeconds", _F64),
        ("backgroundSeconds", _F64),
        ("overlapSeconds", _F64),
        ("foregroundShare", _F64),
        ("backgroundShare", _F64),
        ("overlapShare", _F64),
        ("anchorLevelDb", _F32),
        ("anchorFrames", pa.int64()),
        ("speech", pa.list_(pa.struct([("start", _F64), ("end", _F64), ("confidence", _F32)]))),
        ("config", pa.string()),
    ]
)

#: The JSONL line's ``summary`` fields, flattened into ``files.parquet``.
SUMMARY = [
    "foregroundSeconds",
    "backgroundSeconds",
    "overlapSeconds",
    "foregroundShare",
    "backgroundShare",
    "overlapShare",
]

#: The cues behind a segment's label (the JSONL segment's ``cues``), flattened.
CUES = ["levelDb", "relativeLevelDb", "reverb", "depthDb", "snrDb", "highBandDb", "backgroundScore"]

#: ``segments.parquet``: one row per labelled segment, ``index`` its place among its file's
#: segments (sorted by start).
SEGMENTS = pa.schema(
    [
        ("file", pa.string()),
        ("index", pa.int32()),
        ("start", _F64),
        ("end", _F64),
        ("label", pa.string()),
        ("confidence", _F32),
        ("overlap", pa.bool_()),
    ]
    + [(cue, _F32) for cue in CUES]
)


def gather(inputs: Iterable[Union[str, os.PathLike]], files_from: Optional[str] = None) -> list[str]:
    """The files to analyse, as the CLI finds them: a file as given, a folder as its audio
    files (recursively, following symbolic links, sorted by name), then the same for each
    line of ``files_from`` (``-``: stdin). A folder without audio files, an unreadable folder
    and a dangling link stay in the list, so that each fails with its own row."""
    listed = [os.fspath(p) for p in inputs]
    if files_from is not None:
        with (
            contextlib.nullcontext(sys.stdin)
            if files_from == "-"
            else open(files_from, encoding="utf-8")
        ) as stream:
            lines = [line.rstrip("\n").rstrip("\r") for line in stream]
        listed += [line for line in lines if line]
    files: list[str] = []
    for path in listed:
        if not os.path.isdir(path):
            files.append(path)
            continue
        before = len(files)
        _walk(path, files, {os.path.realpath(path)})
        if len(files) == before:
            files.append(path)
    return files


def _walk(folder: str, files: list[str], ancestors: set[str]) -> None:
    """Depth first, each folder's entries sorted by name (bytes), as the CLI's walk."""
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: os.fsencode(e.name))
    except OSError:
        files.append(folder)
        return
    for entry in entries:
        path = os.path.join(folder, entry.name)
        if entry.is_dir():
            real = os.path.realpath(path)
            if real in ancestors:  # a link back up the tree: the CLI names it, and it fails
                files.append(path)
                continue
            _walk(path, files, ancestors | {real})
        elif entry.is_file():
            extension = os.path.splitext(entry.name)[1][1:]
            if extension.isascii() and extension.lower() in AUDIO_EXTENSIONS:
                files.append(path)
        elif entry.is_symlink():  # dangling
            files.append(path)


def _summary(report: dict[str, Any]) -> dict[str, float]:
    """The JSONL line's ``summary``, summed in the CLI's order (src/bin/bystander/jsonl.rs)."""

    def seconds(keep) -> float:
        total = 0.0
        for s in report["segments"]:
            if keep(s):
                total += s["end"] - s["start"]
        return total

    foreground = seconds(lambda s: s["label"] == "foreground")
    background = seconds(lambda s: s["label"] == "background")
    overlap = seconds(lambda s: s["overlap"])
    duration = report["duration"]
    share = (lambda x: x / duration) if duration > 0 else (lambda x: 0.0)
    return dict(
        zip(
            SUMMARY,
            [foreground, background, overlap, share(foreground), share(background), share(overlap)],
        )
    )


def _reason(path: str, error: BaseException) -> str:
    """The JSONL line's ``error`` for a file that failed: the exception's message without
    the path, worded as the CLI words it (src/bin/bystander/main.rs): an i/o reason alone,
    without the core's ``i/o error:``; an empty file's reason without ``input too short:``;
    a panic as an internal error."""
    message = str(error)
    if type(error).__name__ == "PanicException":
        return "internal error (please report): " + message.replace("\n", " ")
    message = message.removeprefix(f"{path}: ")
    if isinstance(error, OSError):
        message = message.removeprefix("i/o error: ")
    if message == "input too short: no audio samples in the file":
        message = "no audio samples in the file"
    return message


def _error_row(path: str, reason: str, model_version: str) -> dict[str, Any]:
    return {
        "file": path,
        "error": reason,
        "warnings": [],
        "version": bystander.__version__,
        "modelVersion": model_version,
    }


def analyze_batch(paths: Sequence[str], options: Optional[dict[str, Any]] = None) -> tuple[pa.Table, pa.Table]:
    """One task: ``analyze_file`` over ``paths`` in turn, as a ``files`` and a ``segments``
    table. A file that fails gets a row with its ``error``; the others go on."""
    options = options or {}
    model_version = bystander.model_version()
    files: list[dict[str, Any]] = []
    segments: list[dict[str, Any]] = []
    for path in paths:
        try:
            report = bystander.analyze_file(path, **options)
        except Exception as e:
            files.append(_error_row(path, _reason(path, e), model_version))
            continue
        except BaseException as e:  # PyO3's PanicException: a bug in the core, for this file only
            if type(e).__name__ != "PanicException":
                raise
            files.append(_error_row(path, _reason(path, e), model_version))
            continue
        files.append(
            {
                "file": report["file"],
                "error": None,
                "warnings": report["warnings"],
                "version": report["version"],
                "modelVersion": model_version,
                "schemaVersion": report["schemaVersion"],
                "sampleRate": report["sampleRate"],
                "duration": report["duration"],
                "frameSeconds": report["frameSeconds"],
                **_summary(report),
                "anchorLevelDb": report["anchor"]["levelDb"],
                "anchorFrames": report["anchor"]["frames"],
                "speech": report["speech"],
                "config": json.dumps(report["config"], separators=(",", ":"), sort_keys=True),
            }
        )
        for index, s in enumerate(report["segments"]):
            segments.append(
                {
                    "file": report["file"],
                    "index": index,
                    "start": s["start"],
                    "end": s["end"],
                    "label": s["label"],
                    "confidence": s["confidence"],
                    "overlap": s["overlap"],
                    **{cue: s["cues"][cue] for cue in CUES},
                }
            )
    return pa.Table.from_pylist(files, FILES), pa.Table.from_pylist(segments, SEGMENTS)


@dataclass
class Run:
    """What :func:`run` did."""

    #: Files in the run.
    files: int
    #: Files with an ``error`` row.
    failed: int
    #: Seconds of audio analysed.
    audio_seconds: float
    #: Wall-clock seconds from the first task submitted to the last row written (without
    #: starting a local cluster).
    seconds: float
    #: Tasks (batches of files) the run was split into.
    tasks: int
    #: The two Parquet files written.
    files_path: str
    segments_path: str

    def line(self) -> str:
        """A one-line account, like the CLI's last line."""
        hours = self.audio_seconds / 3600
        rate = self.files / self.seconds if self.seconds > 0 else 0.0
        realtime = self.audio_seconds / self.seconds if self.seconds > 0 else 0.0
        return (
            f"{self.files} files: {self.files - self.failed} analysed, {self.failed} failed; "
            f"{hours:.2f} h of audio in {self.seconds:.1f} s ({rate:.1f} files/s, "
            f"{realtime:.0f}x realtime, {60 * hours / self.seconds if self.seconds > 0 else 0:.1f} "
            f"audio hours per minute) in {self.tasks} tasks"
        )


def _batches(paths: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(paths), size):
        yield list(paths[start : start + size])


def run(
    inputs: Iterable[Union[str, os.PathLike]],
    out: Union[str, os.PathLike],
    *,
    files_from: Optional[str] = None,
    workers: Optional[int] = None,
    scheduler: Optional[Union[str, Client]] = None,
    batch_size: Optional[int] = None,
    **options: Any,
) -> Run:
    """Analyses the files of ``inputs`` (files and folders, as :func:`gather` finds them) on
    a Dask cluster and writes ``out/files.parquet`` and ``out/segments.parquet``.

    ``scheduler`` is a scheduler address (``"tcp://host:8786"``) or a ``distributed.Client``;
    without it a ``LocalCluster`` of ``workers`` processes (default: one per core) with one
    thread each runs for the call. Files go to tasks in batches of ``batch_size`` (default:
    about four tasks per worker thread, at most :data:`MAX_BATCH` files). ``options`` are
    :func:`bystander.analyze_file`'s keyword options; an unknown one raises ``TypeError`` and
    a bad value ``ValueError`` before anything runs. Rows are written in completion order; the
    files appear whole when the run ends (written as ``*.partial`` until then).
    """
    if scheduler is not None and workers is not None:
        raise ValueError("`workers` sizes a local cluster; with `scheduler` the cluster is given")
    bystander.AnalyzerStream(16000, **options)  # checks the options here, not once per file
    paths = gather(inputs, files_from)
    out = os.fspath(out)
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )
        with cluster, Client(cluster) as client:
            return _run(client, paths, out, batch_size, options)
    if isinstance(scheduler, Client):
        return _run(scheduler, paths, out, batch_size, options)
    with Client(scheduler) as client:
        return _run(client, paths, out, batch_size, options)


def _run(
    client: Client,
    paths: list[str],
    out: str,
    batch_size: Optional[int],
    options: dict[str, Any],
) -> Run:
    threads = max(1, sum(client.nthreads().values()))
    size = batch_size or min(MAX_BATCH, max(1, math.ceil(len(paths) / (4 * threads))))
    batches = list(_batches(paths, size))
    os.makedirs(out, exist_ok=True)
    targets = {name: os.path.join(out, f"{name}.parquet") for name in ("files", "segments")}
    partial = {name: path + ".partial" for name, path in targets.items()}
    model_version = bystander.model_version()
    failed, audio_seconds = 0, 0.0
    start = time.perf_counter()
    with pq.ParquetWriter(partial["files"], FILES) as files_out, pq.ParquetWriter(
        partial["segments"], SEGMENTS
    ) as segments_out:
        buffered: dict[str, list[pa.Table]] = {"files": [], "segments": []}

        def flush(name: str, writer: pq.ParquetWriter, at_least: int) -> None:
            if sum(t.num_rows for t in buffered[name]) >= max(at_least, 1):
                writer.write_table(pa.concat_tables(buffered[name]), row_group_size=ROW_GROUP)
                buffered[name] = []

        futures = client.map(analyze_batch, batches, options=options, pure=False)
        batch_of = {future.key: batch for future, batch in zip(futures, batches)}
        for future in as_completed(futures):
            try:
                files, segments = future.result()
            except Exception as e:  # the task itself failed (its worker died, say): its files
                batch = batch_of[future.key]
                reason = f"task failed: {type(e).__name__}: {e}"
                files = pa.Table.from_pylist([_error_row(p, reason, model_version) for p in batch], FILES)
                segments = SEGMENTS.empty_table()
            future.release()
            failed += files.num_rows - files.column("error").null_count
            audio_seconds += sum(d for d in files.column("duration").to_pylist() if d is not None)
            buffered["files"].append(files)
            buffered["segments"].append(segments)
            flush("files", files_out, ROW_GROUP)
            flush("segments", segments_out, ROW_GROUP)
        flush("files", files_out, 0)
        flush("segments", segments_out, 0)
    seconds = time.perf_counter() - start
    for name in targets:
        os.replace(partial[name], targets[name])
    return Run(len(paths), failed, audio_seconds, seconds, len(batches), targets["files"], targets["segments"])


def _option(text: str) -> tuple[str, Any]:
    name, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"{text!r}: expected NAME=VALUE")
    try:
        return name, json.loads(value)  # numbers, true/false, null
    except ValueError:
        return name, value


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``python -m bystander.dask``: exit status 0 when every file was analysed, 1 when some
    failed (each named on stderr and in its row), 2 for a usage error."""
    parser = argparse.ArgumentParser(
        prog="python -m bystander.dask",
        description="Analyse audio files and folders on a Dask cluster; write "
        "OUT/files.parquet (one row per file) and OUT/segments.parquet (one row per segment).",
    )
    parser.add_argument("inputs", nargs="*", metavar="INPUT", help="files and folders (searched recursively)")
    parser.add_argument("--files-from", metavar="LIST", help="more inputs, one path a line (- for stdin)")
    parser.add_argument("--out", required=True, metavar="OUT", help="the folder for the two Parquet files")
    parser.add_argument("--workers", type=int, metavar="N", help="local worker processes (default: one per core)")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="run on this cluster's scheduler instead")
    parser.add_argument("--batch-size", type=int, metavar="N", help="files per task (default: automatic)")
    parser.add_argument(
        "--set",
        type=_option,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an analyze_file option (snake_case, as in Python); repeatable",
    )
    args = parser.parse_args(argv)
    if not args.inputs and args.files_from is None:
        parser.error("give at least one INPUT or --files-from")
    if args.workers is not None and args.workers < 1 or args.batch_size is not None and args.batch_size < 1:
        parser.error("--workers and --batch-size must be at least 1")
    try:
        result = run(
            args.inputs,
            args.out,
            files_from=args.files_from,
            workers=args.workers,
            scheduler=args.scheduler,
            batch_size=args.batch_size,
            **dict(args.set),
        )
    except (TypeError, ValueError) as e:
        parser.error(str(e))
    except OSError as e:
        print(f"bystander.dask: {e}", file=sys.stderr)
        return 1
    if result.failed:
        rows = pq.read_table(result.files_path, columns=["file", "error"])
        for row in rows.filter(pc.is_valid(rows["error"])).to_pylist():
            print(f"bystander.dask: {row['file']}: {row['error']}", file=sys.stderr)
    print(f"bystander.dask: {result.line()}", file=sys.stderr)
    return 1 if result.failed else 0


if __name__ == "__main__":
    sys.exit(main())
