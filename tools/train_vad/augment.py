"""Training-data augmentation for the voice activity model.

- Noisy copies of generated training clips: one noise type per copy (the synthetic recipes of
  tools/noisy/make_noisy.py: pink/brown/white noise, exercise bike, fan + mains hum, traffic,
  typing, impacts, music without vocals), at an SNR drawn from {30, 20, 10, 5, 0} dB relative
  to the clip's foreground active level (its JSON), and a random overall gain (-30..+3 dB).
- Non-speech-only clips (empty RTTM): random noise types and levels, some reverberated.
Seeds are disjoint from the evaluation set's (tools/noisy uses seed 7; this uses --seed + i),
but the noise *recipes* are the same ones the evaluation's noisy and non-speech sets use:
figures on those sets are therefore in-domain for noise type (not for speakers, rooms, or
noise instances). The real recordings (dev real/) share nothing with this data.

Usage: python augment.py --clean DIR --dev ../shared/data/dev --out DIR [--copies 1] [--nonspeech 60]
"""
import argparse
import glob
import json
import os
import shutil
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "noisy"))
import make_noisy as mn  # noqa: E402

SNRS = [30, 20, 10, 5, 0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clean", required=True)
    ap.add_argument("--dev", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--copies", type=int, default=1)
    ap.add_argument("--nonspeech", type=int, default=60)
    ap.add_argument("--seed", type=int, default=1000)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    bike = mn.load_bike(a.dev)
    wavs = sorted(glob.glob(os.path.join(a.clean, "*.wav")))
    for i, wav in enumerate(wavs):
        stem = os.path.basename(wav)[:-4]
        x = mn.read_wav(wav)
        meta = json.load(open(wav[:-4] + ".json"))
        fg = [s for s in meta["sources"] if s["role"] == "foreground"][0]
        level = float(fg["active_level_dbfs"])
        for c in range(a.copies):
            rng = np.random.default_rng(a.seed + 7919 * i + c)
            kind = mn.NOISE_TYPES[rng.integers(len(mn.NOISE_TYPES))]
            snr = SNRS[rng.integers(len(SNRS))]
            z, _ = mn.make_noise(kind, rng, len(x), bike)
            z = mn.unit_rms(z) * 10 ** ((level - snr) / 20)
            y = x + z
            gain = 10 ** (rng.uniform(-30, 3) / 20)
            y = y * gain
            peak = np.max(np.abs(y))
            if peak > 0.99:
                y = y * (0.99 / peak)
            out = os.path.join(a.out, f"{stem}_n{c}")
            mn.write_wav(out + ".wav", y)
            shutil.copy(wav[:-4] + ".rttm", out + ".rttm")
            print(f"{stem}_n{c}: {kind} SNR {snr} dB", file=sys.stderr)
    for j in range(a.nonspeech):
        rng = np.random.default_rng(a.seed * 500 + 500_000 + j)
        kind = mn.NOISE_TYPES[j % len(mn.NOISE_TYPES)]
        n = int(rng.uniform(8, 16) * mn.FS)
        z, _ = mn.make_noise(kind, rng, n, bike)
        z = mn.unit_rms(z) * 10 ** (rng.uniform(-50, -15) / 20)
        if rng.random() < 0.4:
            rir, delay, _ = mn.room_ir(rng)
            z = mn.reverberate(z, rir, delay)
        peak = np.max(np.abs(z))
        if peak > 0.99:
            z = z * (0.99 / peak)
        out = os.path.join(a.out, f"ns_{j:03d}_{kind}")
        mn.write_wav(out + ".wav", z)
        open(out + ".rttm", "w").close()
    print(f"augmented {len(wavs)} clips x {a.copies}, {a.nonspeech} non-speech clips -> {a.out}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
