#!/usr/bin/env python3
"""Writes a long 16 kHz mono 16-bit WAV of real speech for the CLI memory check.

The clips (www/samples/sample.wav, and every 16 kHz mono 16-bit WAV under
../shared/data/dev when that folder exists) are played one after another, over and
over, each time at one of five gains (-12, -6, 0, -3 and -9 dB, in turn), so that the
analyser meets near and far levels, pauses and talker changes throughout. The output is
written clip by clip (at most one clip's samples in memory), never built whole: 3 hours
is 345.6 MB of samples.

Usage: make_long_wav.py --hours 3 --out target/memory/long-3h.wav
Standard library only (wave, array, and audioop for speed where it still exists); no numpy.
"""
import argparse
import array
import glob
import math
import os
import sys
import warnings
import wave

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    try:
        import audioop
    except ImportError:
        audioop = None

RATE_HZ = 16000
GAINS_DB = [-12.0, -6.0, 0.0, -3.0, -9.0]


def clips(root):
    paths = [os.path.join(root, "www/samples/sample.wav")]
    paths += sorted(glob.glob(os.path.join(root, "../shared/data/dev/**/*.wav"), recursive=True))
    out = []
    for p in paths:
        try:
            with wave.open(p) as w:
                if (w.getframerate(), w.getnchannels(), w.getsampwidth()) != (RATE_HZ, 1, 2):
                    continue
                samples = array.array("h", w.readframes(w.getnframes()))
        except (OSError, wave.Error, EOFError):
            continue
        if sys.byteorder != "little":
            samples.byteswap()
        out.append((p, samples))
    if not out:
        sys.exit("make_long_wav.py: no 16 kHz mono 16-bit clip found (www/samples/sample.wav?)")
    return out


def scaled(samples, gain_db):
    g = 10.0 ** (gain_db / 20.0)
    if audioop is not None:
        # C speed; the module is gone in Python 3.13. The loop below does the same
        # (saturate, then round down), so the file does not depend on the Python version.
        return audioop.mul(samples.tobytes(), 2, g)
    return array.array(
        "h", (max(-32768, min(32767, math.floor(x * g))) for x in samples)
    ).tobytes()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hours", type=float, default=3.0)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sources = clips(root)
    # Each clip at each gain once (the sources total a few minutes, so this is small).
    versions = [[scaled(s, g) for g in GAINS_DB] for _, s in sources]
    total = int(args.hours * 3600 * RATE_HZ)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    tmp = args.out + ".part"
    written, turn = 0, 0
    with wave.open(tmp, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE_HZ)
        while written < total:
            clip = versions[turn % len(versions)][(turn // len(versions) + turn) % len(GAINS_DB)]
            n = min(len(clip) // 2, total - written)
            w.writeframes(clip[: 2 * n])
            written += n
            turn += 1
    os.replace(tmp, args.out)
    print(
        f"{args.out}: {written / RATE_HZ / 3600:.2f} h, {written * 2 / 1e6:.1f} MB of samples, "
        f"{len(sources)} source clips x {len(GAINS_DB)} gains"
    )


if __name__ == "__main__":
    main()
