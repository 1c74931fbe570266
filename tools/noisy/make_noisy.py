#!/usr/bin/env python3
"""make_noisy.py - reproducible noise-robustness evaluation set for the bystander VAD.

From the repository root:

    python3 tools/noisy/make_noisy.py --dev ../shared/data/dev --out target/noisy [--seed 7]

Generates
  OUT/snr{20,10,5,0}/real/      noisy copy of every dev/real/*.wav (+ .rttm, .uem, real.json with noise fields)
  OUT/snr{20,10,5,0}/mixtures/  noisy copy of every dev/mixtures/*.wav (+ .rttm, .json with noise fields,
                                all.rttm, manifest.json)
  OUT/nonspeech/                non-speech-only clips (music without vocals, typing, impacts, hum, fan,
                                traffic, white/pink noise, exercise bike; some reverberated), each with an
                                EMPTY .rttm, a whole-clip .uem and a descriptive .json
  OUT/manifest.json             every parameter of every generated file

SNR definition: SNR = L_speech - L_noise (dB), where
  L_speech = foreground active speech level of the clip (dBFS, RMS re full scale):
             mixtures/: the clip JSON's foreground `active_level_dbfs` (RMS over the foreground's
             10 ms label frames, measured on the foreground signal at the microphone);
             real/:     ITU-T P.56 (method B) active level of the clip over all reference speech
                        (samples inside the union of all RTTM turns, inside the UEM);
  L_noise  = RMS level (dBFS) of the added noise over the WHOLE clip.
The same noise realisation is used for a clip at every SNR (only its gain changes).
See README.md for the exact recipes.  Deterministic for a given --seed.
"""

import argparse
import json
import math
import os
import shutil
import sys
import zlib

import numpy as np
import soundfile as sf
from scipy.ndimage import maximum_filter1d
from scipy.signal import butter, fftconvolve, lfilter, sosfilt

FS = 16000
HOP = 160  # 10 ms
SNRS = [20, 10, 5, 0]
PEAK_MAX = 0.99
# additive noise types for the noisy dev copies: non-speech only (no babble, no TV, no vocals)
NOISE_TYPES = ["pink", "brown", "white", "exercise_bike", "fan_hum", "traffic", "typing", "impacts", "music"]
MUSIC_STYLES = ["piano", "pluck", "pad", "band"]
BIKE_LICENCE = ("CC BY 4.0 (Google Speech Commands dataset v0.01, _background_noise_/exercise_bike.wav; "
                "copy from LCAV/pyroomacoustics notebooks/exercise_bike.wav); modified: resampled, looped, "
                "level-scaled, mixed")


# ----------------------------------------------------------------------------
# small helpers
# ----------------------------------------------------------------------------
def db(x):
    return 10 * np.log10(x + 1e-20)


def rms_dbfs(x):
    return float(db(np.mean(np.asarray(x, float) ** 2)))


def peak_dbfs(x):
    return float(20 * np.log10(np.max(np.abs(x)) + 1e-20))


def unit_rms(x):
    return x / (np.sqrt(np.mean(x ** 2)) + 1e-20)


def read_wav(path):
    x, sr = sf.read(path, dtype="float64", always_2d=False)
    assert sr == FS and x.ndim == 1, (path, sr, x.shape)
    return x


def write_wav(path, y):
    assert np.max(np.abs(y)) <= 1.0
    sf.write(path, y.astype(np.float64), FS, subtype="PCM_16")


def read_rttm(path):
    segs = []
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) >= 8 and p[0] == "SPEAKER":
                s, d = float(p[3]), float(p[4])
                segs.append((s, s + d, p[7]))
    return segs


def read_uem(path):
    out = []
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) >= 4:
                out.append((float(p[2]), float(p[3])))
    return out


def seg_mask(segs, n):
    """Sample mask from [(start_s, end_s, ...)]."""
    m = np.zeros(n, bool)
    for s in segs:
        a, b = int(round(s[0] * FS)), int(round(s[1] * FS))
        m[max(a, 0): min(b, n)] = True
    return m


def frames_mask(mask):
    """Sample mask -> 10 ms frame mask (frame active if it lies in the mask for >= half its samples)."""
    nf = len(mask) // HOP
    return mask[: nf * HOP].reshape(nf, HOP).mean(axis=1) >= 0.5


def frame_rms_level(x, fmask):
    """RMS level (dBFS) over the selected 10 ms frames (= the make_mixtures.py `active_level_db`)."""
    nf = len(x) // HOP
    e = np.mean(x[: nf * HOP].reshape(nf, HOP) ** 2, axis=1)
    m = fmask[:nf]
    return float(db(np.mean(e[m]))) if m.any() else None


def p56_active_level(x, mask=None, fs=FS):
    """ITU-T P.56 method B active speech level (dBFS re full scale 1.0) and activity factor.

    Envelope: two cascaded one-pole smoothers of |x| with time constant 30 ms; hangover 200 ms;
    margin M = 15.9 dB.  Thresholds c_j are a dense 0.25 dB grid from -100 to 0 dBFS (P.56 uses
    2^-15..2^0; the dense grid just makes the interpolation finer).  A sample counts as active
    for threshold c_j if the envelope was >= c_j at that sample or within the previous 200 ms.
    A_j = 10 log10(sum x^2 / n_active_j); the level is A interpolated where A_j - C_j = M.
    If `mask` is given, the envelope runs on the whole signal but only samples inside the mask
    contribute to sum x^2 and to the active counts (used to restrict to reference speech)."""
    x = np.asarray(x, float)
    if mask is None:
        mask = np.ones(len(x), bool)
    if not mask.any():
        return None, 0.0
    g = math.exp(-1.0 / (fs * 0.03))
    hang = int(math.ceil(fs * 0.2))
    hang += hang % 2
    p = lfilter([1 - g], [1, -g], np.abs(x))
    q = lfilter([1 - g], [1, -g], p)
    # trailing running max over [k-hang, k]
    qpad = np.concatenate([np.zeros(hang), q])
    trail = maximum_filter1d(qpad, size=hang + 1, mode="constant", cval=0.0)[hang // 2: hang // 2 + len(x)]
    tv = np.sort(trail[mask])
    n = len(tv)
    sq = float(np.sum(x[mask] ** 2))
    c_db = np.arange(-100.0, 0.0001, 0.25)
    c = 10 ** (c_db / 20)
    a = n - np.searchsorted(tv, c, side="left")
    ok = a > 0
    A = np.full(len(c), np.nan)
    A[ok] = 10 * np.log10(sq / a[ok] + 1e-30)
    delta = A - c_db
    M = 15.9
    idx = np.where(ok & (delta <= M))[0]
    if len(idx) == 0:
        j = int(np.where(ok)[0][-1])
        lev = float(A[j])
    elif idx[0] == 0:
        lev = float(A[0])
    else:
        j = int(idx[0])
        # linear interpolation of A between thresholds j-1 and j where delta == M
        d0, d1 = delta[j - 1], delta[j]
        t = (d0 - M) / (d0 - d1) if d0 != d1 else 0.0
        lev = float(A[j - 1] + t * (A[j] - A[j - 1]))
    activity = float(sq / (10 ** (lev / 10)) / n) if n else 0.0
    return lev, min(activity, 1.0)


# ----------------------------------------------------------------------------
# noise / non-speech synthesis (every generator returns a float signal; callers normalise)
# ----------------------------------------------------------------------------
def colored(rng, n, kind):
    """white: N(0,1); pink: power ~ 1/f; brown: power ~ 1/f^2 (FFT shaping, < 20 Hz removed)."""
    pad = 4096
    w = rng.standard_normal(n + 2 * pad)
    if kind == "white":
        y = w
    else:
        f = np.fft.rfftfreq(len(w), 1 / FS)
        f[0] = f[1]
        W = np.fft.rfft(w) / (f ** (0.5 if kind == "pink" else 1.0))
        W[f < 20] = 0
        y = np.fft.irfft(W, len(w))
    return unit_rms(y[pad: pad + n])


def bandpass(x, lo, hi, order=2):
    return sosfilt(butter(order, [lo, hi], btype="bandpass", fs=FS, output="sos"), x)


def lowpass(x, fc, order=2):
    return sosfilt(butter(order, fc, btype="low", fs=FS, output="sos"), x)


def highpass(x, fc, order=2):
    return sosfilt(butter(order, fc, btype="high", fs=FS, output="sos"), x)


def smooth_random(rng, n, rate_hz):
    """Slowly varying zero-mean unit-ish random curve (white noise low-passed at rate_hz)."""
    k = max(2, int(n / FS * rate_hz * 2) + 2)
    pts = rng.standard_normal(k)
    return np.interp(np.linspace(0, k - 1, n), np.arange(k), pts)


def load_bike(dev):
    x, sr = sf.read(os.path.join(dev, "sources", "noise_exercise_bike.flac"), dtype="float64")
    assert sr == FS
    return x


def bike_loop(rng, n, bike, xfade_s=0.5):
    """Exercise-bike recording looped with an equal-power (sin/cos) crossfade, random start offset."""
    xf = int(xfade_s * FS)
    fade_in = np.sin(np.linspace(0, np.pi / 2, xf)) ** 1
    fade_out = np.cos(np.linspace(0, np.pi / 2, xf))
    off = int(rng.integers(0, len(bike) - xf))
    y = bike[off:].copy()
    loops = 0
    while len(y) < n:
        tail = y[-xf:] * fade_out + bike[:xf] * fade_in
        y = np.concatenate([y[:-xf], tail, bike[xf:]])
        loops += 1
    return unit_rms(y[:n]), dict(start_offset_s=round(off / FS, 3), loops=loops, crossfade_s=xfade_s)


def fan_hum(rng, n, mains=None, hum_db=None):
    """Mains hum (harmonics of 50 or 60 Hz, 2nd harmonic emphasised, slow amplitude wander) plus
    broadband fan noise (pink noise band-passed 80-3000 Hz, amplitude-modulated at the blade-pass
    rate 15-40 Hz with 10 % depth, plus weak blade-pass tones).  hum_db = hum power re fan power."""
    t = np.arange(n) / FS
    f0 = float(mains if mains is not None else rng.choice([50.0, 60.0]))
    nh = int(rng.integers(8, 15))
    hum = np.zeros(n)
    for k in range(1, nh + 1):
        a = rng.uniform(0.3, 1.0) / k ** 0.8 * (2.0 if k == 2 else 1.0)
        wander = 1 + 0.05 * smooth_random(rng, n, 0.3)
        hum += a * wander * np.sin(2 * np.pi * k * f0 * t + rng.uniform(0, 2 * np.pi))
    fb = float(rng.uniform(15, 40))
    fan = bandpass(colored(rng, n, "pink"), 80, 3000)
    fan *= 1 + 0.1 * np.sin(2 * np.pi * fb * t)
    fan = unit_rms(fan)
    for k in (1, 2, 3):
        fan += 0.05 / k * np.sin(2 * np.pi * k * fb * 4 * t + rng.uniform(0, 2 * np.pi))
    if hum_db is None:
        hum_db = float(rng.uniform(-6, 6))
    y = unit_rms(hum) * 10 ** (hum_db / 20) + unit_rms(fan)
    return unit_rms(y), dict(mains_hz=f0, n_harmonics=nh, blade_pass_hz=round(fb, 1), hum_re_fan_db=round(hum_db, 1))


def traffic(rng, n):
    """Traffic-like rumble: brown noise low-passed at 250-500 Hz (4th order), slow amplitude modulation
    (0.03-0.15 Hz sinusoid +-30 % and a smooth random wander), plus passing-car swells: one per ~6 s
    on average (at least one), each pink noise band-passed 60-1500 Hz under a Gaussian envelope
    (sigma 0.8-2.5 s) peaking 2-6x the rumble RMS."""
    t = np.arange(n) / FS
    fc = float(rng.uniform(250, 500))
    base = unit_rms(lowpass(colored(rng, n, "brown"), fc, 4))
    fm = float(rng.uniform(0.03, 0.15))
    env = 1 + 0.3 * np.sin(2 * np.pi * fm * t + rng.uniform(0, 2 * np.pi)) + 0.15 * smooth_random(rng, n, 0.2)
    y = base * np.clip(env, 0.2, None)
    ncar = max(1, int(rng.poisson(n / FS / 6.0)))
    cars = []
    for _ in range(ncar):
        tc = float(rng.uniform(0, n / FS))
        sig = float(rng.uniform(0.8, 2.5))
        gain = float(rng.uniform(2, 6))
        car = unit_rms(bandpass(colored(rng, n, "pink"), 60, 1500))
        y += gain * np.exp(-0.5 * ((t - tc) / sig) ** 2) * car
        cars.append(dict(t_s=round(tc, 2), sigma_s=round(sig, 2), peak_gain=round(gain, 2)))
    return unit_rms(y), dict(rumble_lowpass_hz=round(fc), am_hz=round(fm, 3), cars=cars)


def _click(rng, loud=1.0, space=False):
    L = int(0.2 * FS)
    t = np.arange(L) / FS
    y = np.zeros(L)
    tau = rng.uniform(0.0015, 0.004)
    burst = bandpass(rng.standard_normal(L), 1500, 6000) * np.exp(-t / tau)
    f = rng.uniform(150, 400) * (0.7 if space else 1.0)
    thock = rng.uniform(0.3, 0.6) * np.sin(2 * np.pi * f * t) * np.exp(-t / rng.uniform(0.008, 0.02))
    y += burst / (np.max(np.abs(burst)) + 1e-12) + thock
    # key release click 60-120 ms later, weaker
    r = int(rng.uniform(0.06, 0.12) * FS)
    rel = bandpass(rng.standard_normal(L - r), 2000, 7000) * np.exp(-t[: L - r] / rng.uniform(0.001, 0.003))
    y[r:] += rng.uniform(0.3, 0.5) * rel / (np.max(np.abs(rel)) + 1e-12)
    return y * loud * (1.4 if space else 1.0)


def typing(rng, n):
    """Keyboard typing: words of 3-8 keystrokes, 80-250 ms apart, 0.2-0.6 s between words (10 %: 1-3 s
    pause).  Keystroke = 1.5-6 kHz noise burst (decay 1.5-4 ms) + 150-400 Hz 'thock' (decay 8-20 ms)
    + weaker release click 60-120 ms later; spacebar after each word (lower, louder)."""
    y = np.zeros(n + FS)
    t = float(rng.uniform(0.0, 0.5))
    keys = 0
    while t < n / FS:
        for _ in range(int(rng.integers(3, 9))):
            c = _click(rng, rng.uniform(0.5, 1.0))
            i = int(t * FS)
            if i >= n:
                break
            y[i: i + len(c)] += c[: len(y) - i]
            keys += 1
            t += rng.uniform(0.08, 0.25)
        i = int(t * FS)
        if i < n:
            c = _click(rng, rng.uniform(0.6, 1.0), space=True)
            y[i: i + len(c)] += c[: len(y) - i]
            keys += 1
        t += rng.uniform(1.0, 3.0) if rng.random() < 0.1 else rng.uniform(0.2, 0.6)
    y = y[:n] + 0.002 * colored(rng, n, "pink")  # faint room tone between keys
    return unit_rms(y), dict(keystrokes=keys, keystrokes_per_s=round(keys / (n / FS), 2))


def _dish(rng):
    """Decaying inharmonic partials + a 3 ms high-passed noise attack."""
    L = int(1.5 * FS)
    t = np.arange(L) / FS
    f0 = rng.uniform(600, 2500)
    y = np.zeros(L)
    for _ in range(int(rng.integers(5, 10))):
        f = f0 * rng.uniform(1.0, 5.5)
        if f > 7500:
            continue
        tau = rng.uniform(0.08, 0.8) * (1000 / f) ** 0.5
        y += rng.uniform(0.2, 1.0) * np.sin(2 * np.pi * f * t + rng.uniform(0, 6.3)) * np.exp(-t / tau)
    att = highpass(rng.standard_normal(int(0.003 * FS)), 2000)
    y[: len(att)] += 1.5 * att / (np.max(np.abs(att)) + 1e-12)
    return y / (np.max(np.abs(y)) + 1e-12)


def _door(rng):
    """Door slam: 50-120 Hz decaying thump (tau 80-200 ms) + 30 ms low-passed noise burst + low
    inharmonic rattle partials 200-600 Hz (tau ~100 ms)."""
    L = int(1.2 * FS)
    t = np.arange(L) / FS
    y = np.sin(2 * np.pi * rng.uniform(50, 120) * t) * np.exp(-t / rng.uniform(0.08, 0.2))
    nb = lowpass(rng.standard_normal(int(0.03 * FS)), 1500)
    y[: len(nb)] += 0.8 * nb / (np.max(np.abs(nb)) + 1e-12)
    for _ in range(int(rng.integers(2, 5))):
        y += 0.3 * np.sin(2 * np.pi * rng.uniform(200, 600) * t) * np.exp(-t / rng.uniform(0.05, 0.15))
    return y / (np.max(np.abs(y)) + 1e-12)


def impacts(rng, n, mode="mixed"):
    """Impacts: events every 0.6-3.0 s; 'dishes' = single dish/cutlery hits or clatters of 2-4 hits
    within 150 ms; 'doors' = door slams (every 1.5-4 s); 'mixed' = 75 % dishes, 25 % doors."""
    y = np.zeros(n + 2 * FS)
    t = float(rng.uniform(0.1, 1.0))
    ev = []
    while t < n / FS:
        kind = "door" if (mode == "doors" or (mode == "mixed" and rng.random() < 0.25)) else "dish"
        amp = float(rng.uniform(0.3, 1.0))
        i = int(t * FS)
        if kind == "door":
            s = _door(rng) * amp
            y[i: i + len(s)] += s
        else:
            for _ in range(int(rng.integers(1, 5)) if rng.random() < 0.4 else 1):
                s = _dish(rng) * amp * rng.uniform(0.5, 1.0)
                y[i: i + len(s)] += s
                i += int(rng.uniform(0.02, 0.05) * FS)
        ev.append(dict(t_s=round(t, 2), kind=kind))
        t += rng.uniform(1.5, 4.0) if mode == "doors" else rng.uniform(0.6, 3.0)
    y = y[:n] + 0.001 * colored(rng, n, "pink")
    return unit_rms(y), dict(mode=mode, n_events=len(ev), events=ev)


# --- music without vocals --------------------------------------------------------
PROGRESSIONS = [[0, 7, 9, 5], [0, 5, 7, 0], [2, 7, 0, 0], [9, 5, 0, 7], [0, 9, 5, 7]]  # scale-degree roots
MAJOR = {0: "maj", 2: "min", 4: "min", 5: "maj", 7: "maj", 9: "min", 11: "dim"}


def midi_hz(m):
    return 440.0 * 2 ** ((m - 69) / 12)


def chord_notes(root_midi, quality):
    third = 4 if quality == "maj" else 3
    fifth = 6 if quality == "dim" else 7
    return [root_midi, root_midi + third, root_midi + fifth, root_midi + 12]


def tone(rng, f, dur, kind, amp=1.0):
    """One note.  piano: stretched partials (B=1e-4), 1/k^1.2, decay 1.2 s/k^0.5, 5 ms attack;
    pluck: partials 1/k, decay 0.8 s/k; pad: 8 partials 1/k (saw-like), 2 detuned voices (+-4 cents),
    attack 0.4-0.8 s, release 0.5 s; bass: sine + 0.3 x 2nd harmonic, decay 0.6 s."""
    tail = {"piano": 2.5, "pluck": 1.5, "pad": 0.6, "bass": 0.8}[kind]
    L = int((dur + tail) * FS)
    t = np.arange(L) / FS
    y = np.zeros(L)
    if kind in ("piano", "pluck"):
        for k in range(1, 11):
            fk = k * f * math.sqrt(1 + 1e-4 * k * k) if kind == "piano" else k * f
            if fk > 7000:
                break
            tau = 1.2 / k ** 0.5 if kind == "piano" else 0.8 / k
            y += np.sin(2 * np.pi * fk * t + rng.uniform(0, 6.3)) * np.exp(-t / tau) / k ** (1.2 if kind == "piano" else 1.0)
        y *= np.minimum(1, t / 0.005)
        if kind == "piano":  # damper: release after the note duration
            y *= np.where(t < dur, 1.0, np.exp(-(t - dur) / 0.15))
    elif kind == "pad":
        att = rng.uniform(0.4, 0.8)
        for det in (-4, 4):
            fd = f * 2 ** (det / 1200)
            for k in range(1, 9):
                if k * fd > 6000:
                    break
                y += np.sin(2 * np.pi * k * fd * t + rng.uniform(0, 6.3)) / k
        env = np.minimum(1, t / att) * np.where(t < dur, 1.0, np.exp(-(t - dur) / 0.5))
        y *= env
    else:  # bass
        y = (np.sin(2 * np.pi * f * t) + 0.3 * np.sin(4 * np.pi * f * t)) * np.exp(-t / 0.6) * np.minimum(1, t / 0.01)
    return amp * y


def drum(rng, kind):
    """kick: sine swept 150->50 Hz, decay 150 ms; snare: high-passed noise (decay 120 ms) + 200 Hz tone;
    hat: noise high-passed at 6 kHz (4th order), decay 30 ms."""
    L = int(0.5 * FS)
    t = np.arange(L) / FS
    if kind == "kick":
        ph = 2 * np.pi * np.cumsum(50 + 100 * np.exp(-t / 0.04)) / FS
        return np.sin(ph) * np.exp(-t / 0.15)
    if kind == "snare":
        return 0.7 * highpass(rng.standard_normal(L), 1000) * np.exp(-t / 0.12) + 0.4 * np.sin(2 * np.pi * 200 * t) * np.exp(-t / 0.05)
    return 0.35 * highpass(rng.standard_normal(L), 6000, 4) * np.exp(-t / 0.03)


def music(rng, n, style=None):
    """Instrumental music (no vocals): a 4-chord progression in a random major key (root MIDI 48-59),
    one chord per bar of 4 beats at 70-130 BPM.  piano = block chords on beats 1 and 3; pluck = eighth-
    note arpeggios over the chord tones; pad = sustained chords; band = piano chords + bass on beats
    1/3 + drums (kick 1/3, snare 2/4, hi-hat eighths)."""
    style = style or MUSIC_STYLES[int(rng.integers(len(MUSIC_STYLES)))]
    bpm = float(rng.uniform(70, 130))
    beat = 60.0 / bpm
    key = int(rng.integers(48, 60))
    prog = PROGRESSIONS[int(rng.integers(len(PROGRESSIONS)))]
    y = np.zeros(n + 4 * FS)
    bar = 0
    t = 0.0

    def add(sig, t0):
        i = int(t0 * FS)
        if i < n:
            m = min(len(sig), len(y) - i)
            y[i: i + m] += sig[:m]

    while t < n / FS:
        deg = prog[bar % len(prog)]
        notes = chord_notes(key + deg, MAJOR[deg])
        if style in ("piano", "band"):
            for b in (0, 2):
                for m in notes:
                    add(tone(rng, midi_hz(m), 2 * beat * 0.95, "piano", rng.uniform(0.5, 0.8)), t + b * beat + rng.uniform(0, 0.01))
        if style == "pluck":
            pattern = [0, 1, 2, 3, 2, 1, 0, 2]
            for e, idx in enumerate(pattern):
                add(tone(rng, midi_hz(notes[idx] + 12), beat / 2, "pluck", rng.uniform(0.5, 0.9)), t + e * beat / 2)
        if style == "pad":
            for m in notes[:3]:
                add(tone(rng, midi_hz(m), 4 * beat, "pad", 0.4), t)
        if style == "band":
            for b in (0, 2):
                add(tone(rng, midi_hz(key + deg - 12), beat, "bass", 1.2), t + b * beat)
                add(drum(rng, "kick") * 1.5, t + b * beat)
                add(drum(rng, "snare"), t + (b + 1) * beat)
            for e in range(8):
                add(drum(rng, "hat") * rng.uniform(0.6, 1.0), t + e * beat / 2)
        t += 4 * beat
        bar += 1
    y = y[:n]
    return unit_rms(y), dict(style=style, bpm=round(bpm, 1), key_root_midi=key, progression_degrees=prog)


def make_noise(kind, rng, n, bike, style=None):
    if kind in ("pink", "brown", "white"):
        return colored(rng, n, kind), {}
    if kind == "exercise_bike":
        return bike_loop(rng, n, bike)
    if kind == "fan_hum":
        return fan_hum(rng, n)
    if kind == "traffic":
        return traffic(rng, n)
    if kind == "typing":
        return typing(rng, n)
    if kind == "impacts":
        return impacts(rng, n, "mixed")
    if kind == "music":
        return music(rng, n, style)
    raise ValueError(kind)


# ----------------------------------------------------------------------------
# reverberation (pyroomacoustics shoebox, RT60 calibrated on the measured T30)
# ----------------------------------------------------------------------------
def room_ir(rng):
    import pyroomacoustics as pra
    rt60 = float(rng.uniform(0.4, 0.8))
    dims = [float(rng.uniform(4.0, 8.0)), float(rng.uniform(3.5, 6.0)), float(rng.uniform(2.5, 3.2))]
    for _ in range(1000):
        mic = np.array([rng.uniform(0.8, dims[0] - 0.8), rng.uniform(0.8, dims[1] - 0.8), rng.uniform(0.7, 1.4)])
        src = np.array([rng.uniform(0.4, dims[0] - 0.4), rng.uniform(0.4, dims[1] - 0.4), rng.uniform(0.3, 2.0)])
        d = float(np.linalg.norm(src - mic))
        if 1.5 <= d <= 4.0:
            break
    design = rt60
    for _ in range(5):
        e_abs, mo = pra.inverse_sabine(design, dims)
        e_abs = min(max(e_abs, 0.01), 0.99)
        room = pra.ShoeBox(dims, fs=FS, materials=pra.Material(e_abs), max_order=int(min(mo, 150)), air_absorption=False)
        room.add_source(list(src))
        room.add_microphone(mic.reshape(3, 1))
        room.compute_rir()
        rir = np.asarray(room.rir[0][0], float)
        meas = float(pra.experimental.measure_rt60(rir, fs=FS, decay_db=30))
        if abs(meas - rt60) / rt60 < 0.05:
            break
        design *= rt60 / meas
    delay = int(round(d / pra.constants.get("c") * FS)) + pra.constants.get("frac_delay_length") // 2
    info = dict(method="pyroomacoustics ShoeBox image-source model", rt60_target_s=round(rt60, 3),
                measured_t30_rt60_s=round(meas, 3), dims_m=[round(v, 2) for v in dims],
                source_mic_distance_m=round(d, 2), absorption=round(e_abs, 4), max_order=int(min(mo, 150)))
    return rir, delay, info


def reverberate(x, rir, delay):
    y = fftconvolve(x, rir)[delay: delay + len(x)]
    return np.pad(y, (0, len(x) - len(y)))


# ----------------------------------------------------------------------------
# noisy copies of the dev clips
# ----------------------------------------------------------------------------
def clip_rng(seed, key):
    return np.random.default_rng([seed, zlib.crc32(key.encode())])


def speech_level(dev, subset, stem, x, real_meta):
    """Returns dict with the level used for the SNR and the cross-check measurements."""
    n = len(x)
    rttm = os.path.join(dev, subset, stem + ".rttm")
    uem_p = os.path.join(dev, subset, stem + ".uem")
    segs = read_rttm(rttm)
    uem = read_uem(uem_p) if os.path.exists(uem_p) else [(0.0, n / FS)]
    uem_m = seg_mask(uem, n)
    if subset == "mixtures":
        with open(os.path.join(dev, subset, stem + ".json")) as f:
            meta = json.load(f)
        fg = [s for s in meta["sources"] if s["role"] == "foreground"][0]
        m = seg_mask([s for s in segs if s[2] == "foreground"], n) & uem_m
        p56, act = p56_active_level(x, m)
        rms = frame_rms_level(x, frames_mask(m))
        return dict(level_dbfs=float(fg["active_level_dbfs"]),
                    level_source="mixture JSON sources[role=foreground].active_level_dbfs (RMS over the "
                                 "foreground's 10 ms label frames, foreground signal at the mic)",
                    check_p56_mixture_over_fg_frames_dbfs=round(p56, 2), check_p56_activity=round(act, 3),
                    check_rms_mixture_over_fg_frames_dbfs=round(rms, 2), reference_speech_s=round(m.sum() / FS, 2)), meta
    m = seg_mask(segs, n) & uem_m  # union of all turns (VAD reference), inside the UEM
    p56, act = p56_active_level(x, m)
    rms = frame_rms_level(x, frames_mask(m))
    return dict(level_dbfs=round(p56, 2),
                level_source="ITU-T P.56 method B active level over all reference speech "
                             "(union of RTTM turns inside the UEM), measured on the clip",
                check_p56_activity=round(act, 3), check_rms_over_ref_speech_frames_dbfs=round(rms, 2),
                reference_speech_s=round(m.sum() / FS, 2)), None


def noisy_dev(a, bike, manifest):
    clips = []
    for subset in ("real", "mixtures"):
        d = os.path.join(a.dev, subset)
        for fn in sorted(os.listdir(d)):
            if fn.endswith(".wav"):
                clips.append((subset, fn[:-4]))
    with open(os.path.join(a.dev, "real", "real.json")) as f:
        real_meta = json.load(f)
    rows = []
    per_snr_json = {snr: {"real": [dict(e) for e in real_meta], "mixtures": {}} for snr in SNRS}
    for ci, (subset, stem) in enumerate(clips):
        x = read_wav(os.path.join(a.dev, subset, stem + ".wav"))
        n = len(x)
        lev, meta = speech_level(a.dev, subset, stem, x, real_meta)
        kind = NOISE_TYPES[(ci + a.seed) % len(NOISE_TYPES)]
        rng = clip_rng(a.seed, f"{subset}/{stem}")
        z, ninfo = make_noise(kind, rng, n, bike)
        z = unit_rms(z)
        if subset == "mixtures":
            print(f"  {subset}/{stem}: fg active level JSON {lev['level_dbfs']:.1f} dBFS | P.56 over fg frames "
                  f"(mixture) {lev['check_p56_mixture_over_fg_frames_dbfs']:.1f} | RMS over fg frames (mixture) "
                  f"{lev['check_rms_mixture_over_fg_frames_dbfs']:.1f}  -> noise {kind}")
        else:
            print(f"  {subset}/{stem}: ref-speech P.56 active level {lev['level_dbfs']:.1f} dBFS (activity "
                  f"{lev['check_p56_activity']:.2f}) | RMS over ref-speech frames {lev['check_rms_over_ref_speech_frames_dbfs']:.1f}"
                  f"  -> noise {kind}")
        for snr in SNRS:
            od = os.path.join(a.out, f"snr{snr}", subset)
            os.makedirs(od, exist_ok=True)
            noise_db = lev["level_dbfs"] - snr
            y = x + z * 10 ** (noise_db / 20)
            pk = float(np.max(np.abs(y)))
            gain = 1.0
            if pk > PEAK_MAX:
                gain = PEAK_MAX / pk
                y *= gain
            write_wav(os.path.join(od, stem + ".wav"), y)
            for ext in (".rttm", ".uem"):
                src = os.path.join(a.dev, subset, stem + ext)
                if os.path.exists(src):
                    shutil.copyfile(src, os.path.join(od, stem + ext))
            info = dict(noise_type=kind, noise_params=ninfo, snr_db=snr, seed=a.seed,
                        snr_definition="speech_level_dbfs - noise_rms_dbfs; noise RMS over the whole clip",
                        speech_level_dbfs=round(lev["level_dbfs"], 2), noise_rms_dbfs=round(noise_db, 2),
                        speech_level=lev, mix_gain=round(gain, 5),
                        mix_gain_db=round(20 * math.log10(gain), 2),
                        rescaled_to_avoid_clipping=gain < 1.0,
                        peak_dbfs_after=round(peak_dbfs(y), 2),
                        note=("whole mix (speech+noise) scaled by mix_gain because the peak exceeded 0.99; "
                              "SNR unchanged; speech/noise levels in the file are the listed ones + mix_gain_db"
                              if gain < 1.0 else "no rescaling"),
                        generator="tools/noisy/make_noisy.py")
            if meta is not None:
                mj = json.loads(json.dumps(meta))
                mj["added_noise"] = info
                if gain < 1.0:
                    mj["mix_gain_before_added_noise"] = mj.get("mix_gain")
                    for s in mj["sources"]:
                        s["active_level_dbfs_before_added_noise_rescale"] = s["active_level_dbfs"]
                        s["active_level_dbfs"] = round(s["active_level_dbfs"] + 20 * math.log10(gain), 1)
                with open(os.path.join(od, stem + ".json"), "w") as f:
                    json.dump(mj, f, indent=1)
                per_snr_json[snr]["mixtures"][stem] = info
            else:
                for e in per_snr_json[snr]["real"]:
                    if e["file"] == stem + ".wav":
                        e["added_noise"] = info
            manifest["noisy"].append(dict(path=f"snr{snr}/{subset}/{stem}.wav", duration_s=round(n / FS, 3), **info))
            rows.append((snr, subset, stem, kind, lev["level_dbfs"], noise_db, gain))
    # collection files
    for snr in SNRS:
        with open(os.path.join(a.out, f"snr{snr}", "real", "real.json"), "w") as f:
            json.dump(per_snr_json[snr]["real"], f, indent=1)
        mdir = os.path.join(a.out, f"snr{snr}", "mixtures")
        shutil.copyfile(os.path.join(a.dev, "mixtures", "all.rttm"), os.path.join(mdir, "all.rttm"))
        with open(os.path.join(a.dev, "mixtures", "manifest.json")) as f:
            man = json.load(f)
        man["added_noise"] = dict(snr_db=snr, seed=a.seed, generator="tools/noisy/make_noisy.py")
        for c in man["clips"]:
            i = per_snr_json[snr]["mixtures"].get(c["file"][:-4])
            if i:
                c["added_noise"] = dict(type=i["noise_type"], snr_db=snr, noise_rms_dbfs=i["noise_rms_dbfs"],
                                        mix_gain=i["mix_gain"])
        with open(os.path.join(mdir, "manifest.json"), "w") as f:
            json.dump(man, f, indent=1)
    return rows


# ----------------------------------------------------------------------------
# non-speech-only clips
# ----------------------------------------------------------------------------
NONSPEECH = [  # (name, generator kind, kwargs, reverberate, loud)
    ("music_piano", "music", dict(style="piano"), False, False),
    ("music_pluck", "music", dict(style="pluck"), False, False),
    ("music_pad", "music", dict(style="pad"), False, False),
    ("music_band", "music", dict(style="band"), False, True),
    ("typing", "typing", {}, False, False),
    ("impacts_dishes", "impacts", dict(mode="dishes"), False, False),
    ("door_slams", "impacts", dict(mode="doors"), False, True),
    ("hum_50hz", "fan_hum", dict(mains=50.0, hum_db=20.0), False, False),
    ("hum_60hz", "fan_hum", dict(mains=60.0, hum_db=20.0), False, False),
    ("fan", "fan_hum", dict(hum_db=-15.0), False, False),
    ("traffic", "traffic", {}, False, False),
    ("white_noise", "white", {}, False, False),
    ("pink_noise", "pink", {}, False, False),
    ("exercise_bike", "exercise_bike", {}, False, False),
    ("music_piano_reverb", "music", dict(style="piano"), True, False),
    ("music_band_reverb", "music", dict(style="band"), True, False),
    ("typing_reverb", "typing", {}, True, False),
    ("impacts_mixed_reverb", "impacts", dict(mode="mixed"), True, False),
]
LOUD_PEAK = 0.97


def nonspeech(a, bike, manifest):
    od = os.path.join(a.out, "nonspeech")
    os.makedirs(od, exist_ok=True)
    rng_lv = np.random.default_rng([a.seed, 9999])
    quiet = [s for s in NONSPEECH if not s[4]]
    levels = np.linspace(-45.0, -15.0, len(quiet))[rng_lv.permutation(len(quiet))]
    lv_of = {s[0]: float(l) for s, l in zip(quiet, levels)}
    rows = []
    for k, (name, kind, kw, rev, loud) in enumerate(NONSPEECH):
        stem = f"ns_{k:02d}_{name}"
        rng = clip_rng(a.seed, "nonspeech/" + name)
        dur = round(float(rng.uniform(10.0, 20.0)), 2)
        n = int(round(dur * FS))
        if kind in ("pink", "brown", "white"):
            z, info = colored(rng, n, kind), {}
        elif kind == "exercise_bike":
            z, info = bike_loop(rng, n, bike)
        elif kind == "fan_hum":
            z, info = fan_hum(rng, n, **kw)
        elif kind == "traffic":
            z, info = traffic(rng, n)
        elif kind == "typing":
            z, info = typing(rng, n)
        elif kind == "impacts":
            z, info = impacts(rng, n, **kw)
        else:
            z, info = music(rng, n, **kw)
        rinfo = None
        if rev:
            rir, delay, rinfo = room_ir(rng)
            z = reverberate(z, rir, delay)
        # fade in/out 20 ms to avoid start/end clicks
        f = int(0.02 * FS)
        z[:f] *= np.linspace(0, 1, f)
        z[-f:] *= np.linspace(1, 0, f)
        if loud:
            y = z * (LOUD_PEAK / np.max(np.abs(z)))
            target = None
            gain = 1.0
        else:
            target = lv_of[name]
            y = unit_rms(z) * 10 ** (target / 20)
            gain = 1.0
            pk = float(np.max(np.abs(y)))
            if pk > PEAK_MAX:
                gain = PEAK_MAX / pk
                y *= gain
        write_wav(os.path.join(od, stem + ".wav"), y)
        open(os.path.join(od, stem + ".rttm"), "w").close()
        with open(os.path.join(od, stem + ".uem"), "w") as fh:
            fh.write(f"{stem} 1 0.000 {n / FS:.3f}\n")
        meta = dict(clip_id=stem, file=stem + ".wav", sample_rate=FS, duration_s=round(n / FS, 3),
                    contains_speech=False, category=name, generator_kind=kind, params=dict(kw, **info),
                    reverb=rinfo, level_mode="peak-normalised near full scale" if loud else "RMS target",
                    target_rms_dbfs=None if target is None else round(target, 2),
                    rms_dbfs=round(rms_dbfs(y), 2), peak_dbfs=round(peak_dbfs(y), 2),
                    rescaled_to_avoid_clipping=gain < 1.0, rescale_gain=round(gain, 5), seed=a.seed,
                    licence=(BIKE_LICENCE if kind == "exercise_bike" else
                             "synthesised by tools/noisy/make_noisy.py (no third-party audio)"),
                    generator="tools/noisy/make_noisy.py")
        with open(os.path.join(od, stem + ".json"), "w") as fh:
            json.dump(meta, fh, indent=1)
        manifest["nonspeech"].append(dict(path=f"nonspeech/{stem}.wav", **meta))
        rows.append((stem, kind, n / FS, meta["rms_dbfs"], meta["peak_dbfs"],
                     rinfo["measured_t30_rt60_s"] if rinfo else None, gain))
    with open(os.path.join(od, "all.rttm"), "w"):
        pass
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dev", default="../shared/data/dev")
    ap.add_argument("--out", default="target/noisy")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    bike = load_bike(a.dev)
    if os.path.isdir(a.out):  # regenerate from scratch so no stale files survive
        for sub in [f"snr{s}" for s in SNRS] + ["nonspeech"]:
            shutil.rmtree(os.path.join(a.out, sub), ignore_errors=True)
    os.makedirs(a.out, exist_ok=True)
    manifest = dict(generator="tools/noisy/make_noisy.py", seed=a.seed, snrs_db=SNRS, dev=a.dev,
                    noise_types=NOISE_TYPES, python=sys.version.split()[0], versions=pkg_versions(),
                    noisy=[], nonspeech=[])
    print(f"noisy copies of the dev clips (seed {a.seed}):")
    rows = noisy_dev(a, bike, manifest)
    print("non-speech clips:")
    nrows = nonspeech(a, bike, manifest)
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)

    # ---- summary --------------------------------------------------------------
    print("\n== noisy dev copies ==")
    print(f"{'clip':28s} {'noise':14s} {'speech dBFS':>11s} " + " ".join(f"{'N@' + str(s) + 'dB':>8s}" for s in SNRS) + "  rescaled@SNR")
    by = {}
    for snr, subset, stem, kind, L, nd, g in rows:
        by.setdefault((subset, stem), []).append((snr, kind, L, nd, g))
    for (subset, stem), v in by.items():
        resc = ",".join(f"{s}({20 * math.log10(g):.1f}dB)" for s, _, _, _, g in v if g < 1) or "-"
        print(f"{subset + '/' + stem:28s} {v[0][1]:14s} {v[0][2]:11.1f} " + " ".join(f"{nd:8.1f}" for _, _, _, nd, _ in v) + f"  {resc}")
    tot = sum(len(read_wav_len(os.path.join(a.out, 'snr20', s, st + '.wav'))) for s, st in by) / FS
    print(f"{len(by)} clips x {len(SNRS)} SNRs = {len(rows)} files, {tot:.1f} s per SNR; "
          f"noise-type counts: " + ", ".join(f"{t}={sum(1 for v in by.values() if v[0][1] == t)}" for t in NOISE_TYPES))
    print("\n== non-speech clips ==")
    print(f"{'clip':32s} {'kind':14s} {'dur s':>6s} {'RMS dBFS':>9s} {'peak dBFS':>9s} {'RT60':>5s}")
    for stem, kind, d, r, p, rt, g in nrows:
        print(f"{stem:32s} {kind:14s} {d:6.2f} {r:9.1f} {p:9.1f} {('%.2f' % rt) if rt else '-':>5s}" + ("  (rescaled)" if g < 1 else ""))
    print(f"{len(nrows)} clips, {sum(r[2] for r in nrows):.1f} s")


def pkg_versions():
    import scipy
    import pyroomacoustics
    return dict(numpy=np.__version__, scipy=scipy.__version__, soundfile=sf.__version__,
                pyroomacoustics=pyroomacoustics.__version__)


def read_wav_len(p):
    return np.zeros(sf.info(p).frames)


if __name__ == "__main__":
    main()
