"""`bystander.dask` on a LocalCluster against the CLI's `analyze --format jsonl`.

A few hundred short clips are cut from the case clips of tests/fixtures/fgbg and the page's
sample (real speech, both labels, overlaps), spread over nested folders, with bad files among
them. The Dask run's Parquet rows must equal the CLI's JSONL lines over the same folder: the
same files, segment boundaries, labels, confidences, cues, summaries and errors.

Needs the `dask` extra (dask, distributed, pyarrow) and the CLI: $BYSTANDER_BIN, else the
newest of target/{release,debug}/bystander (as tests/python/test_package.py).
"""

import json
import os
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from distributed import Client, LocalCluster

import bystander
import bystander.dask
from test_package import ROOT, cli_binary, read_wav

SOURCES = sorted((ROOT / "tests/fixtures/fgbg").glob("*.wav")) + [ROOT / "www/samples/sample.wav"]
CLIPS = 300


def write_wav(path: Path, y: np.ndarray, sr: int) -> None:
    """int16 samples, (samples,) or (samples, channels), as a PCM WAV."""
    frames = y if y.ndim == 2 else y[:, None]
    with wave.open(str(path), "wb") as w:
        w.setnchannels(frames.shape[1])
        w.setsampwidth(2)
        w.setframerate(sr)
        w.writeframes(frames.astype("<i2").tobytes())


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """CLIPS clips of 2-4 s cut at random places (fixed seed), in nested folders; every
    tenth one stereo (two different cuts), every seventh at 8 kHz, some named `.WAV`; plus a
    file that is not WAV audio, a WAV without samples, a dangling link and a text file."""
    root = tmp_path_factory.mktemp("archive")
    sources = [read_wav(p) for p in SOURCES]
    rng = np.random.default_rng(16)
    for i in range(CLIPS):
        y, sr = sources[i % len(sources)]
        length = min(len(y), int(rng.uniform(2, 4) * sr))
        start = int(rng.integers(0, len(y) - length + 1))
        clip = y[start : start + length]
        if i % 10 == 3:
            other = sources[(i + 1) % len(sources)][0]
            at = int(rng.integers(0, len(other) - length + 1)) if len(other) >= length else 0
            second = np.zeros_like(clip)
            part = other[at : at + length]
            second[: len(part)] = part
            clip = np.stack([clip, second], axis=1)
        if i % 7 == 5:
            clip, sr = clip[::2], sr // 2  # decimated: real speech at 8 kHz
        folder = root / f"part{i % 3}" / (f"sub{i % 4}" if i % 2 else "")
        folder.mkdir(parents=True, exist_ok=True)
        write_wav(folder / f"clip{i:03d}.{'WAV' if i % 11 == 0 else 'wav'}", clip, sr)
    bad = root / "part1" / "bad"
    bad.mkdir()
    (bad / "not_audio.wav").write_bytes(b"RIFF\x00\x00\x00\x00this is not a wave file" * 4)
    write_wav(bad / "no_samples.wav", np.zeros(0, np.int16), 16000)
    os.symlink("nowhere.wav", bad / "dangling.wav")
    (root / "part0" / "notes.txt").write_text("not an input\n")
    return root


def parquet_lines(out: Path) -> dict[str, dict]:
    """The Parquet rows as the CLI's JSONL objects (`--no-frames`), keyed by file."""
    files = pq.read_table(out / "files.parquet").to_pylist()
    segments = pq.read_table(out / "segments.parquet").to_pylist()
    lines = {}
    for row in files:
        head = {k: row[k] for k in ("file", "warnings", "version", "modelVersion")}
        if row["error"] is not None:
            assert all(v is None for k, v in row.items() if k not in head and k != "error"), row
            lines[row["file"]] = {**head, "error": row["error"]}
            continue
        lines[row["file"]] = {
            **head,
            "schemaVersion": row["schemaVersion"],
            "sampleRate": row["sampleRate"],
            "duration": row["duration"],
            "frameSeconds": row["frameSeconds"],
            "summary": {k: row[k] for k in bystander.dask.SUMMARY},
            "anchor": {"levelDb": row["anchorLevelDb"], "frames": row["anchorFrames"]},
            "speech": row["speech"],
            "config": json.loads(row["config"]),
            "segments": [],
        }
    for row in sorted(segments, key=lambda r: (r["file"], r["index"])):
        listed = lines[row["file"]]["segments"]
        assert row["index"] == len(listed), row
        listed.append(
            {
                **{k: row[k] for k in ("start", "end", "label", "confidence", "overlap")},
                "cues": {cue: row[cue] for cue in bystander.dask.CUES},
            }
        )
    return lines


@pytest.fixture(scope="module")
def cli_lines(archive: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    run = tmp_path_factory.mktemp("cli") / "run.jsonl"
    done = subprocess.run(
        [str(cli_binary()), "analyze", str(archive), "--format", "jsonl", "--no-frames",
         "--jobs", "2", "-o", str(run)],
        capture_output=True, text=True,
    )
    assert done.returncode == 1, done.stderr  # the bad files
    lines = [json.loads(line) for line in run.read_text().splitlines()]
    return {line["file"]: line for line in lines}


def test_the_parquet_rows_equal_the_cli_jsonl(archive: Path, cli_lines: dict, tmp_path: Path) -> None:
    # A cluster of its own, reached by its address as a real one would be.
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        run = bystander.dask.run([archive], tmp_path / "out", scheduler=cluster.scheduler_address)
    print(f"\n# bystander.dask, 2 workers: {run.line()}")
    assert run.files == CLIPS + 3 and run.failed == 3
    assert 2 < run.tasks < CLIPS  # batches: neither one task per file nor one for all
    assert sorted(os.listdir(tmp_path / "out")) == ["files.parquet", "segments.parquet"]
    ours = parquet_lines(tmp_path / "out")
    assert ours.keys() == cli_lines.keys()
    assert len(ours) == CLIPS + 3
    for file, line in cli_lines.items():
        assert ours[file] == line, file
    # What the comparison covered: both labels, overlaps, 16 and 8 kHz clips,
    # and the three ways to fail.
    segments = [s for line in ours.values() for s in line.get("segments", [])]
    labels = [s["label"] for s in segments]
    print(f"# {len(segments)} segments: {labels.count('foreground')} foreground, "
          f"{labels.count('background')} background, {sum(s['overlap'] for s in segments)} overlap")
    assert labels.count("foreground") > 100 and labels.count("background") > 50
    assert any(s["overlap"] for s in segments)
    assert {line.get("sampleRate") for line in ours.values()} == {None, 8000.0, 16000.0}
    errors = {Path(f).name: line["error"] for f, line in ours.items() if "error" in line}
    assert errors.keys() == {"not_audio.wav", "no_samples.wav", "dangling.wav"}
    assert errors["no_samples.wav"] == "no audio samples in the file"
    assert errors["dangling.wav"] == "No such file or directory"
    assert errors["not_audio.wav"].startswith("cannot decode audio: ")
    assert not any(Path(f).suffix == ".txt" for f in ours)
    # The package's version is the reports' (error rows carry it).
    assert {line["version"] for line in ours.values()} == {bystander.__version__}


def test_the_command_on_an_embedded_cluster(archive: Path, cli_lines: dict, tmp_path: Path) -> None:
    """`python -m bystander.dask` with a list of files, one of them missing, on its own
    LocalCluster of one worker."""
    picked = sorted(cli_lines)[:5] + [str(archive / "missing.wav")]
    listing = tmp_path / "list.txt"
    listing.write_text("".join(f"{p}\n" for p in picked))
    done = subprocess.run(
        [sys.executable, "-m", "bystander.dask", "--files-from", str(listing),
         "--out", str(tmp_path / "out"), "--workers", "1"],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert done.returncode == 1, done.stderr
    assert f"bystander.dask: {archive / 'missing.wav'}: No such file or directory\n" in done.stderr
    assert "6 files: 5 analysed, 1 failed" in done.stderr.splitlines()[-1]
    ours = parquet_lines(tmp_path / "out")
    assert ours.keys() == set(picked)
    for file in picked[:5]:
        assert ours[file] == cli_lines[file]


def test_bad_options_and_usage() -> None:
    with pytest.raises(TypeError, match="unknown option `hop`"):
        bystander.dask.run(["x.wav"], "out", workers=1, hop=160)
    with pytest.raises(ValueError, match="invalid option `threshold`"):
        bystander.dask.run(["x.wav"], "out", workers=1, threshold=3)
    with pytest.raises(ValueError, match="with `scheduler` the cluster is given"):
        bystander.dask.run(["x.wav"], "out", workers=1, scheduler="tcp://127.0.0.1:1")
    done = subprocess.run(
        [sys.executable, "-m", "bystander.dask", "x.wav", "--out", "out", "--set", "hop=160"],
        capture_output=True, text=True,
    )
    assert done.returncode == 2 and "unknown option `hop`" in done.stderr


def test_a_failed_task_gives_its_files_error_rows(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A task that fails as a whole (its worker lost, say) costs its own files a row each
    with the reason; the other tasks' rows are written."""
    files = bystander.dask.gather([archive / "part0"])[:6]
    real = bystander.dask.analyze_batch

    def flaky(paths, options=None):
        if files[0] in paths:
            raise RuntimeError("worker lost")
        return real(paths, options)

    monkeypatch.setattr(bystander.dask, "analyze_batch", flaky)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        with Client(cluster) as client:
            run = bystander.dask.run(files, tmp_path, scheduler=client, batch_size=3)
    assert (run.files, run.failed, run.tasks) == (6, 3, 2)
    rows = {r["file"]: r for r in pq.read_table(tmp_path / "files.parquet").to_pylist()}
    assert rows.keys() == set(files)
    for file in files[:3]:
        assert rows[file]["error"] == "task failed: RuntimeError: worker lost"
    assert all(rows[f]["error"] is None and rows[f]["duration"] > 0 for f in files[3:])


def test_the_readme_python_section_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """README.md's "From Python" blocks as written (after its `pip install`), from the
    repository root; only the command's output folder is moved to a temporary one."""
    section = (ROOT / "README.md").read_text().split("\n## From Python\n")[1].split("\n## ")[0]
    commands = section.split("```sh\n")[1].split("```")[0].splitlines()
    assert commands[0] == 'pip install "./python[dask]"'
    command = commands[1].split("  #")[0].split()
    assert command[:3] == ["python", "-m", "bystander.dask"] and "--out" in command
    command[command.index("--out") + 1] = str(tmp_path / "out")
    done = subprocess.run([sys.executable, *command[1:]], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "8 files: 8 analysed, 0 failed" in done.stderr
    assert pq.read_table(tmp_path / "out/segments.parquet").num_rows > 8
    monkeypatch.chdir(ROOT)
    code = section.split("```python\n")[1].split("```")[0]
    exec(compile(code, "README.md", "exec"), {})
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "(64, 101)"
    assert out[1].startswith("[(") and "'foreground')" in out[1]
