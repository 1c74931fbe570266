"""The `bystander` Python package (python/) against the CLI and the librosa fixtures.

scripts/test.sh builds the wheel, installs it into the `python` group of tools/pyproject.toml
and runs `python -m pytest tests/python/test_package.py`. The CLI compared against is
$BYSTANDER_BIN, else the newest of target/{release,debug}/bystander.
"""

import json
import os
import re
import subprocess
import threading
import wave
from pathlib import Path

import numpy as np
import pytest

import bystander

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests/fixtures"
CLIPS = sorted((FIXTURES / "fgbg").glob("*.wav"))
MANIFEST = json.loads((FIXTURES / "manifest.json").read_text())


def cli_binary() -> Path:
    if os.environ.get("BYSTANDER_BIN"):
        return Path(os.environ["BYSTANDER_BIN"]).resolve()
    built = [ROOT / "target" / p / "bystander" for p in ("release", "debug")]
    built = [p for p in built if p.exists()]
    if not built:
        pytest.fail("no target/{release,debug}/bystander: cargo build first")
    return max(built, key=lambda p: p.stat().st_mtime)


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """A 16-bit PCM WAV as (int16 samples, rate), with the standard library."""
    with wave.open(str(path)) as w:
        assert w.getsampwidth() == 2
        frames = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
        return frames.reshape(-1, w.getnchannels()).T.squeeze(0), w.getframerate()


def plain(value):
    """A report with its arrays as lists of f64, as the CLI's JSON holds them."""
    if isinstance(value, np.ndarray):
        return value.astype(np.float64).tolist()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def same_report(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for key in a:
        if isinstance(a[key], np.ndarray):
            assert a[key].dtype == b[key].dtype and np.array_equal(a[key], b[key]), key
        else:
            assert a[key] == b[key], key


@pytest.mark.parametrize("clip", CLIPS, ids=lambda p: p.stem)
def test_analyze_matches_the_cli_json(clip: Path) -> None:
    out = subprocess.run(
        [str(cli_binary()), "analyze", "--format", "json", str(clip)],
        check=True, capture_output=True, text=True,
    ).stdout
    cli = json.loads(out)
    from_file = bystander.analyze_file(str(clip))
    assert isinstance(from_file["foregroundProbability"], np.ndarray)
    assert from_file["foregroundProbability"].dtype == np.float32
    assert plain(from_file) == cli
    # The same samples as an int16 array: the same report, less the file name.
    y, sr = read_wav(clip)
    from_array = bystander.analyze(y, sr)
    del cli["file"]
    assert plain(from_array) == cli
    assert cli["segments"] or clip.stem == "background_only"


def test_input_types_give_the_float32_mono_result() -> None:
    y16, sr = read_wav(FIXTURES / "fgbg/overlap.wav")
    y = (y16 / np.float32(32768)).astype(np.float32)
    reference = bystander.analyze(y, sr)
    assert reference["segments"]
    same_report(bystander.analyze(y16, sr), reference)
    same_report(bystander.analyze(y.astype(np.float64), sr), reference)
    same_report(bystander.analyze(np.stack([y, y]), sr), reference)
    same_report(bystander.analyze(y[::-1].copy()[::-1], sr), reference)  # a strided view
    # Two different channels: their f32 mean, as the CLI downmixes interleaved frames.
    other = np.roll(y, 4000) * np.float32(0.5)
    mixed = ((y + other) * np.float32(0.5)).astype(np.float32)
    stereo = bystander.analyze(np.stack([y, other]), sr)
    same_report(stereo, bystander.analyze(mixed, sr))
    assert stereo["segments"] != reference["segments"]
    # The spectrogram and voice activity take the same inputs.
    np.testing.assert_array_equal(bystander.spectrogram(y16, sr), bystander.spectrogram(y, sr))
    vad16, vad = bystander.detect_speech(y16, sr), bystander.detect_speech(y, sr)
    np.testing.assert_array_equal(vad16["segments"], vad["segments"])
    np.testing.assert_array_equal(vad16["probabilities"], vad["probabilities"])


def test_spectrogram_layout_and_non_finite_samples() -> None:
    y = np.load(FIXTURES / "sweep.input.npy")
    S = bystander.spectrogram(y, 16000, n_fft=512, hop_length=160)
    assert S.shape == (64, 101) and S.flags.f_contiguous  # librosa's (bins, frames) layout
    damaged = y.copy()
    damaged[[10, 20]] = [np.nan, np.inf]
    with pytest.warns(RuntimeWarning, match="^2 samples were NaN or infinite and were treated as silence$"):
        bystander.spectrogram(damaged, 16000)
    assert bystander.detect_speech(damaged, 16000)["non_finite_samples"] == 2
    assert bystander.analyze(damaged, 16000)["warnings"] == [
        "2 samples were NaN or infinite and were treated as silence"
    ]


def test_detect_speech_gives_the_reports_speech_segments() -> None:
    y, sr = read_wav(FIXTURES / "fgbg/moving_away.wav")
    vad = bystander.detect_speech(y, sr)
    report = bystander.analyze(y, sr)
    assert vad["segments"].dtype == np.float64 and vad["segments"].shape[1] == 2
    assert vad["segments"].tolist() == [[s["start"], s["end"]] for s in report["speech"]]
    assert len(vad["probabilities"]) == len(report["foregroundProbability"])
    assert vad["frame_seconds"] == report["frameSeconds"] == 0.01


def test_the_stream_gives_the_batch_report() -> None:
    y, sr = read_wav(FIXTURES / "fgbg/moving_away.wav")
    stream = bystander.AnalyzerStream(sr, min_label_ms=300)
    closed = []
    for start in range(0, len(y), 1234):
        closed += stream.push(y[start : start + 1234])
    report = stream.finish()
    same_report(report, bystander.analyze(y, sr, min_label_ms=300))
    # What the pushes returned: labelled runs, each inside one of the final speech segments.
    assert closed
    for c in closed:
        assert any(s["start"] <= c["start"] < c["end"] <= s["end"] for s in report["speech"]), c
    assert all(c["label"] in ("foreground", "background") for c in closed)
    with pytest.raises(RuntimeError, match="^invalid state: "):
        stream.push(y[:100])
    with pytest.raises(TypeError, match="unknown option `n_fft`"):
        bystander.AnalyzerStream(sr, n_fft=512)
    with pytest.raises(ValueError, match="unsupported sample rate"):
        bystander.AnalyzerStream(10)


def test_unknown_option_is_a_type_error_listing_the_names() -> None:
    y = np.zeros(16000, np.float32)
    with pytest.raises(TypeError, match=r"unknown option `nfft`; known options: preset, n_fft, hop_length"):
        bystander.spectrogram(y, 16000, nfft=512)
    with pytest.raises(TypeError, match=r"unknown option `n_fft`; known options: threshold, off_threshold,.* silence_threshold$"):
        bystander.analyze(y, 16000, n_fft=512)
    with pytest.raises(TypeError, match=r"known options: threshold, off_threshold, min_speech_ms, min_silence_ms, pad_before_ms, pad_after_ms$"):
        bystander.detect_speech(y, 16000, background_threshold=0.5)
    with pytest.raises(TypeError, match="option `threshold` must be None, a bool, a number or a string; got list"):
        bystander.detect_speech(y, 16000, threshold=[0.5])


def test_bad_values_are_value_errors_with_the_cores_message() -> None:
    y = np.zeros(16000, np.float32)
    with pytest.raises(ValueError, match=r"^unsupported sample rate 100 Hz: allowed 8000..=384000 Hz$"):
        bystander.analyze(y, 100)
    with pytest.raises(ValueError, match="unsupported sample rate"):
        bystander.spectrogram(y, float("nan"))
    for call in (bystander.analyze, bystander.detect_speech, bystander.spectrogram):
        with pytest.raises(ValueError, match=r"^input too short: no samples$"):
            call(np.zeros(0, np.float32), 16000)
    with pytest.raises(ValueError, match=r"^invalid option `threshold`: must be a number in \(0, 1\); got 3$"):
        bystander.analyze(y, 16000, threshold=3)
    with pytest.raises(ValueError, match=r"^invalid option `nFft`"):
        bystander.spectrogram(y, 16000, n_fft=1)
    with pytest.raises(ValueError, match=r"got shape \[1, 2, 8000\]"):
        bystander.analyze(y.reshape(1, 2, 8000), 16000)
    with pytest.raises(TypeError, match="float32, float64 or int16; got an array of dtype int32"):
        bystander.analyze(y.astype(np.int32), 16000)
    with pytest.raises(OSError, match=r"no_such\.wav: i/o error: "):
        bystander.analyze_file(ROOT / "no_such.wav")
    with pytest.raises(ValueError, match=r"manifest\.json: cannot decode audio: "):
        bystander.analyze_file(FIXTURES / "manifest.json")


def snake(name: str) -> str:
    """A fixture's camelCase option name as the package's keyword (librosa's fmin/fmax)."""
    return {"fMin": "fmin", "fMax": "fmax"}.get(name) or re.sub(r"([A-Z])", r"_\1", name).lower()


@pytest.mark.parametrize("entry", MANIFEST["fixtures"], ids=lambda e: f"{e['signal']}.{e['variant']}")
def test_spectrogram_matches_the_librosa_fixtures(entry: dict) -> None:
    """The tolerances of tests/librosa_fixtures.rs, on (bins, frames) arrays."""
    y = np.load(FIXTURES / f"{entry['signal']}.input.npy")
    reference = np.load(FIXTURES / entry["file"]).astype(np.float64).T
    if entry.get("derive") == "square":
        reference = reference**2
    options = {snake(k): v for k, v in entry["params"].items()}
    ours = bystander.spectrogram(y, 16000, **options)
    assert ours.dtype == np.float32 and ours.shape == reference.shape
    err = np.abs(ours.astype(np.float64) - reference)
    if options.get("output") == "mfcc":
        no_dct = {k: v for k, v in options.items() if k not in ("output", "n_mfcc")}
        n_mels = bystander.spectrogram(y, 16000, **no_dct).shape[0]
        allowed = np.full_like(reference, 1e-3 * np.sqrt(n_mels))
    elif options.get("db"):
        allowed = np.full_like(reference, 1e-3)
    elif entry["reference"] == "kaldi-native-fbank":
        # Per frame (column): the linear rule within 10 of its maximum, else 2.
        top, top_abs = reference.max(axis=0), np.abs(reference).max(axis=0)
        allowed = np.where(reference > top - 10, 1e-4 * np.abs(reference) + 1e-6 * top_abs, 2.0)
    else:
        allowed = 1e-4 * np.abs(reference) + 1e-6 * reference.max()
    worst = np.unravel_index(np.argmax(err / allowed), err.shape)
    assert np.all(err <= allowed), f"bin {worst[0]} frame {worst[1]}: error {err[worst]:.3e} > {allowed[worst]:.3e}"


def test_the_gil_is_released_during_analysis() -> None:
    """Another Python thread runs while a long analysis is in the core."""
    y = np.random.default_rng(0).normal(0, 0.1, 16000 * 120).astype(np.float32)
    worker = threading.Thread(target=bystander.analyze, args=(y, 16000))
    ticks = 0
    worker.start()
    while worker.is_alive():
        ticks += 1
    worker.join()
    print(f"# main-thread loop iterations during a 120 s analysis: {ticks}")
    assert ticks > 10_000


def test_version() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", bystander.__version__)
    cargo = (ROOT / "python/Cargo.toml").read_text()
    assert f'version = "{bystander.__version__}"' in cargo


def test_the_documented_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """docs/usage.md's "From Python" block, as written."""
    doc = (ROOT / "docs/usage.md").read_text()
    section = doc.split("\n## From Python\n")[1].split("\n## ")[0]
    code = section.split("```python\n")[1].split("```")[0]
    exec(compile(code, "docs/usage.md", "exec"), {})
    out = capsys.readouterr().out
    assert out.startswith("(40, 201) float32\n")
    assert "unknown option `hop`; known options: threshold, off_threshold" in out
