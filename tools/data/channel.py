"""Channel effects: loudspeaker (TV) colouring, doorway leakage, telephone band, codecs
(Debian's ffmpeg with libopus, libmp3lame and its native AAC encoder), device gain and
clipping. None of them moves the signal in time (codec delays are measured and removed), so
the labels of the clean sources stay valid."""

import os
import subprocess
import tempfile

import numpy as np
from scipy.signal import butter, correlate, resample_poly, sosfilt

from common import FS, HOP, fit_length, write_wav16, read_mono


def tv_chain(rng, x):
    """Small loudspeaker (band-pass ~80-250 Hz to 4-7 kHz) and broadcast compression (3:1-6:1
    above a threshold 20-35 dB below the peak envelope)."""
    lo, hi = float(rng.uniform(80, 250)), float(rng.uniform(4000, 7000))
    y = sosfilt(butter(4, [lo, hi], btype="bandpass", fs=FS, output="sos"), x)
    ratio, thr_db = float(rng.uniform(3, 6)), float(rng.uniform(-35, -20))
    env = np.sqrt(np.convolve(y ** 2, np.ones(HOP) / HOP, mode="same")) + 1e-9
    thr = np.percentile(env, 99) * 10 ** (thr_db / 20)
    gain = np.where(env > thr, (env / thr) ** (1 / ratio - 1), 1.0)
    gain = np.convolve(gain, np.ones(4 * HOP) / (4 * HOP), mode="same")
    return y * gain, dict(band_hz=[round(lo), round(hi)], compression_ratio=round(ratio, 1),
                          threshold_db_re_peak=round(thr_db, 1))


def door_leak(rng, x):
    """Transmission through a doorway or wall: a low-pass at 0.7-2.5 kHz."""
    fc = float(rng.uniform(700, 2500))
    return sosfilt(butter(2, fc, btype="low", fs=FS, output="sos"), x), dict(door_lowpass_hz=round(fc))


def highpass(x, fc=60.0):
    """The device front end's DC / rumble filter."""
    return sosfilt(butter(2, fc, btype="high", fs=FS, output="sos"), x)


def telephone(rng, x):
    """Narrowband telephone: 300-3400 Hz, 8 kHz sampling and back, G.711 mu-law half the time."""
    y = sosfilt(butter(4, [300, 3400], btype="bandpass", fs=FS, output="sos"), x)
    y = resample_poly(y, 1, 2)
    mulaw = bool(rng.random() < 0.5)
    if mulaw:
        mu = 255.0
        c = np.sign(y) * np.log1p(mu * np.minimum(np.abs(y), 1.0)) / np.log1p(mu)
        c = np.round(c * 127) / 127
        y = np.sign(c) * ((1 + mu) ** np.abs(c) - 1) / mu
    return fit_length(resample_poly(y, 2, 1), len(x)), dict(band_hz=[300, 3400], sample_rate=8000, mulaw=mulaw)


def narrowband(x):
    """An 8 kHz recording upsampled (no telephone band-pass)."""
    return fit_length(resample_poly(resample_poly(x, 1, 2), 2, 1), len(x)), dict(sample_rate=8000)


CODECS = {  # name: (ffmpeg encoder, container suffix, bit-rate range kbit/s)
    "opus": ("libopus", ".ogg", (8, 32)),
    "mp3": ("libmp3lame", ".mp3", (32, 64)),
    "aac": ("aac", ".m4a", (24, 64)),
}


def _align(ref, y, max_lag=4000):
    """Remove the codec's delay: the lag (0..max_lag samples) that best matches ref."""
    n = min(len(ref), len(y), 5 * FS)
    c = correlate(y[: n + max_lag], ref[:n], mode="valid", method="fft")
    lag = int(np.argmax(np.abs(c[: max_lag + 1])))
    return fit_length(y[lag:], len(ref)), lag


def codec(rng, x, name):
    """Encode and decode x with ffmpeg at a random bit rate of the codec's range."""
    enc, suffix, (lo, hi) = CODECS[name]
    kbps = int(rng.integers(lo, hi + 1))
    with tempfile.TemporaryDirectory() as td:
        src, mid, back = (os.path.join(td, n) for n in ("in.wav", "mid" + suffix, "out.wav"))
        write_wav16(src, x)
        q = ["-hide_banner", "-loglevel", "error", "-y", "-threads", "1"]
        subprocess.run(["ffmpeg", *q, "-i", src, "-c:a", enc, "-b:a", f"{kbps}k", mid], check=True)
        subprocess.run(["ffmpeg", *q, "-i", mid, "-ar", str(FS), "-ac", "1", back], check=True)
        y = read_mono(back)
    y, lag = _align(x, y)
    return y, dict(codec=name, kbit_s=kbps, removed_delay_samples=lag)


def apply_copy_channel(rng, x):
    """One channel for a degraded copy: a codec, the telephone band or an 8 kHz source."""
    kind = ["opus", "mp3", "aac", "telephone", "narrowband"][int(rng.choice(5, p=[0.25, 0.2, 0.15, 0.25, 0.15]))]
    if kind == "telephone":
        y, info = telephone(rng, x)
    elif kind == "narrowband":
        y, info = narrowband(x)
    else:
        y, info = codec(rng, x, kind)
    return y, dict(kind=kind, **info)


def device(rng, x, clip_drive_db=None):
    """Device gain (-45 to +6 dB, mostly near 0) then hard clipping at full scale; with
    clip_drive_db the signal is first driven that far over full scale (a clipping input)."""
    gain_db = float(rng.uniform(-12, 6) if rng.random() < 0.7 else rng.uniform(-45, -12))
    y = x * 10 ** (gain_db / 20)
    if clip_drive_db is not None:
        peak = float(np.abs(y).max()) + 1e-12
        y = y * (10 ** (clip_drive_db / 20) / peak)
    clipped = float(np.mean(np.abs(y) >= 1.0))
    y = np.clip(y, -1.0, 1.0)
    return y, dict(gain_db=round(gain_db, 1), clip_drive_db=clip_drive_db, clipped_fraction=round(clipped, 5))
