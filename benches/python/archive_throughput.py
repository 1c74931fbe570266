"""Archive throughput over one folder: the batch CLI (`--jobs 1` and `2`, with `--cli`), a
plain `bystander.analyze_file` loop in one Python process, and `bystander.dask` on a
LocalCluster of 1 and 2 workers. Three rounds (medians); each round runs every mode once, so
that other work on the machine weighs on all of them alike; one pass first puts the files in
the page cache. The figures of the archive throughput table in docs/results.md:

    cargo build --release
    py="$(bash tools/venv.sh python)" && "$py" -m pip install --no-deps ./python
    "$py" benches/python/archive_throughput.py target/data/test --cli target/release/bystander

A Dask run's time is from its first task submitted to its last row written (what
`run.line()` prints); "with start-up" adds starting and stopping the LocalCluster (worker
processes importing numpy, dask and the extension), which a long run pays once. The CLI's is
the wall-clock time of `bystander analyze DIR --format jsonl --no-frames --jobs N -o FILE`.
"""

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time

import bystander
import bystander.dask


def loop(files: list[str]) -> tuple[float, float]:
    """(audio seconds, seconds) of analyze_file over `files` in turn."""
    start = time.perf_counter()
    audio = 0.0
    for f in files:
        try:
            audio += bystander.analyze_file(f)["duration"]
        except (OSError, ValueError):
            pass
    return audio, time.perf_counter() - start


def cli(binary: str, folder: str, jobs: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as out:
        run = os.path.join(out, "run.jsonl")
        start = time.perf_counter()
        subprocess.run(
            [binary, "analyze", folder, "--format", "jsonl", "--no-frames", "--jobs", str(jobs), "-o", run],
            check=False, stderr=subprocess.DEVNULL,
        )
        seconds = time.perf_counter() - start
        audio = 0.0
        with open(run) as f:
            for line in f:
                audio += json.loads(line).get("duration", 0.0)
    return audio, seconds


def dask(folder: str, workers: int) -> tuple[float, float, float]:
    """(audio seconds, run seconds, seconds with the cluster's start-up)."""
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        run = bystander.dask.run([folder], out, workers=workers)
        total = time.perf_counter() - start
    print(f"#   dask, {workers} worker(s): {run.line()}; {total:.1f} s with start-up", flush=True)
    return run.audio_seconds, run.seconds, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder")
    parser.add_argument("--cli", metavar="BYSTANDER", help="also time this CLI binary")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    files = bystander.dask.gather([args.folder])
    modes = {}
    if args.cli:
        modes["CLI --jobs 1"] = lambda: cli(args.cli, args.folder, 1)
        modes["CLI --jobs 2"] = lambda: cli(args.cli, args.folder, 2)
    modes["Python analyze_file loop"] = lambda: loop(files)
    modes["bystander.dask, 1 worker"] = lambda: dask(args.folder, 1)
    modes["bystander.dask, 2 workers"] = lambda: dask(args.folder, 2)
    loop(files)  # the page cache
    results: dict[str, list[tuple]] = {name: [] for name in modes}
    for round_ in range(1, args.rounds + 1):
        print(f"# round {round_}, load average {os.getloadavg()[0]:.1f}", flush=True)
        for name, mode in modes.items():
            results[name].append(mode())
            print(f"#   {name}: {results[name][-1][1]:.2f} s", flush=True)
    audio = results["Python analyze_file loop"][0][0]
    for name, runs in results.items():
        assert all(abs(r[0] - audio) < 1e-6 * audio for r in runs), (name, runs)
    print(f"\n{len(files)} files, {audio / 3600:.2f} h of audio, {args.rounds} rounds; "
          f"load average at the end {os.getloadavg()[0]:.1f}")
    print("| run | files/s (each run) | x realtime, median | audio hours per minute | with start-up |")
    print("|---|---|---|---|---|")
    for name, runs in results.items():
        rates = ", ".join(f"{len(files) / r[1]:.1f}" for r in runs)
        median = statistics.median(r[1] for r in runs)
        startup = f"{60 * audio / 3600 / statistics.median(r[2] for r in runs):.1f}" if len(runs[0]) > 2 else ""
        print(f"| {name} | {rates} | {audio / median:.0f}x | {60 * audio / 3600 / median:.1f} | {startup} |")


if __name__ == "__main__":
    main()
