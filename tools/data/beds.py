"""Non-speech sound: coloured noise, room tone, mains hum and synthetic dish clatter, plus
excerpts of the corpus's recorded noise and music (only records without voices)."""

import numpy as np

from common import FS, loop_to


def coloured(rng, n, kind):
    """White, pink (1/f) or brown (1/f^2) noise with unit RMS."""
    w = rng.standard_normal(n + 4096)
    if kind != "white":
        f = np.fft.rfftfreq(len(w), 1 / FS)
        f[0] = f[1]
        spec = np.fft.rfft(w) / (f ** (0.5 if kind == "pink" else 1.0))
        spec[f < 20] = 0
        w = np.fft.irfft(spec, len(w))
    y = w[4096:]
    return y / (np.std(y) + 1e-12)


def room_tone(rng, n):
    """Quiet ventilation / fridge: brown noise plus a 50 or 60 Hz hum with harmonics."""
    t = np.arange(n) / FS
    f0 = 50.0 if rng.random() < 0.5 else 60.0
    hum = sum(rng.uniform(0.1, 1.0) / k * np.sin(2 * np.pi * f0 * k * t + rng.uniform(0, 6.3)) for k in range(1, 6))
    y = coloured(rng, n, "brown") + float(rng.uniform(0.05, 0.6)) * hum / (np.std(hum) + 1e-12)
    return y / (np.std(y) + 1e-12), dict(hum_hz=f0)


def dishes(rng, n):
    """Clinks of crockery and cutlery: decaying inharmonic partials (1-9 kHz) at random times."""
    y = np.zeros(n)
    count = int(rng.integers(3, 6) * n / FS / 4) + 1
    for _ in range(count):
        t0 = int(rng.integers(0, max(1, n - FS // 2)))
        L = int(rng.uniform(0.08, 0.5) * FS)
        t = np.arange(L) / FS
        f0 = rng.uniform(1000, 4000)
        burst = sum(np.sin(2 * np.pi * f0 * r * t) * np.exp(-t * rng.uniform(8, 40))
                    for r in (1.0, rng.uniform(2.2, 2.9), rng.uniform(4.5, 5.8)) if f0 * r < 7800)
        burst[: int(0.002 * FS)] *= np.linspace(0, 1, int(0.002 * FS))
        seg = min(L, n - t0)
        y[t0: t0 + seg] += rng.uniform(0.2, 1.0) * burst[:seg]
    y += 0.02 * coloured(rng, n, "pink")
    return y / (np.sqrt(np.mean(y ** 2)) + 1e-12), dict(clinks=count)


def excerpt(rng, x, n):
    """A random excerpt (looped if short) with unit RMS."""
    y = loop_to(rng, x, n)
    return y / (np.sqrt(np.mean(y ** 2)) + 1e-12)
