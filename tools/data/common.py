"""Shared constants and small audio helpers of the data engine (16 kHz, 10 ms frames)."""

import zlib

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

FS = 16000
HOP = 160  # 10 ms: the label frame, frame i = [i*10 ms, (i+1)*10 ms)
REF_DBFS = -26.0  # nominal active speech level before the device gain (ITU-T P.56 habit)


def read_mono(path):
    """Any soundfile-readable file as float64 mono at 16 kHz (8 kHz sources upsampled)."""
    x, sr = sf.read(path, dtype="float64", always_2d=True)
    x = x.mean(axis=1)
    if sr != FS:
        g = np.gcd(sr, FS)
        x = resample_poly(x, FS // g, sr // g)
    return x


def write_wav16(path, x):
    """16 kHz mono 16-bit PCM; the caller has already limited x to [-1, 1]."""
    sf.write(path, np.clip(x, -1.0, 32767 / 32768), FS, subtype="PCM_16")


def frame_db(x):
    """Energy per 10 ms frame in dB re full scale (a partial last frame is dropped)."""
    n = len(x) // HOP
    fr = x[: n * HOP].reshape(n, HOP)
    return 10 * np.log10(np.mean(fr ** 2, axis=1) + 1e-14)


def active_level_db(x, act):
    """Mean power over the active frames (dBFS), None when nothing is active."""
    e = frame_db(x)
    m = act[: len(e)]
    if len(m) < len(e):
        e = e[: len(m)]
    if not m.any():
        return None
    return float(10 * np.log10(np.mean(10 ** (e[m] / 10)) + 1e-14))


def rms_db(x):
    return float(10 * np.log10(np.mean(x ** 2) + 1e-14))


def stable_hash(text):
    """A platform-independent 32-bit hash (split assignment, per-item seeds)."""
    return zlib.crc32(text.encode("utf-8"))


def fit_length(x, n):
    """Crop or zero-pad to n samples."""
    if len(x) >= n:
        return x[:n]
    return np.pad(x, (0, n - len(x)))


def loop_to(rng, x, n):
    """A random n-sample excerpt of x, looped when x is shorter (noise and music beds)."""
    if len(x) < n:
        x = np.tile(x, int(np.ceil(n / len(x))) + 1)
    off = int(rng.integers(0, len(x) - n + 1))
    return x[off: off + n]
