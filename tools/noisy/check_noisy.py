#!/usr/bin/env python3
"""check_noisy.py - listening-free checks of the set written by make_noisy.py.

    python3 tools/noisy/check_noisy.py --dev ../shared/data/dev --out target/noisy

* realised SNR: the added noise is recovered as noisy/mix_gain - original (both 16-bit files), its RMS over
  the whole clip is measured, and SNR_realised = speech level used (JSON) - measured noise RMS.  Also
  printed: SNR against an independent P.56 measurement of the ORIGINAL clip over its reference frames
  (foreground frames for mixtures, all speech for real/).
* durations / sample rate / channels equal to the dev originals; label files identical.
* spectra: PSD slope of the recovered noise (dB/octave, 125 Hz-4 kHz; white ~0, pink ~-3, brown ~-6),
  share of power in +-2 Hz around mains harmonics for hum, spectral centroid.
* non-speech clips: 10-20 s, empty RTTM, whole-clip UEM, RMS / peak levels.
"""
import argparse
import filecmp
import json
import os
import sys

import numpy as np
import soundfile as sf
from scipy.signal import welch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_noisy import FS, SNRS, p56_active_level, read_rttm, read_uem, rms_dbfs, seg_mask  # noqa: E402


def spec_stats(z, mains=None):
    f, p = welch(z, FS, nperseg=8192)
    band = (f >= 125) & (f <= 4000)
    slope = np.polyfit(np.log2(f[band]), 10 * np.log10(p[band] + 1e-30), 1)[0]
    cen = float(np.sum(f * p) / np.sum(p))
    hum = None
    if mains:
        m = np.zeros_like(f, bool)
        for k in range(1, 20):
            m |= np.abs(f - k * mains) <= 2.0
        hum = float(np.sum(p[m]) / np.sum(p))
    return slope, cen, hum


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", default="../shared/data/dev")
    ap.add_argument("--out", default="target/noisy")
    a = ap.parse_args()
    bad = 0
    print(f"{'file':34s} {'noise':14s} {'SNR nom':>7s} {'SNR real':>8s} {'SNR vs P56':>10s} {'gain dB':>7s} "
          f"{'slope dB/oct':>12s} {'centroid Hz':>11s} {'hum share':>9s}")
    errs = []
    for snr in SNRS:
        with open(os.path.join(a.out, f"snr{snr}", "real", "real.json")) as f:
            realj = {e["file"][:-4]: e for e in json.load(f)}
        for subset in ("real", "mixtures"):
            d = os.path.join(a.dev, subset)
            for fn in sorted(x for x in os.listdir(d) if x.endswith(".wav")):
                stem = fn[:-4]
                x, sr0 = sf.read(os.path.join(d, fn), dtype="float64")
                yp = os.path.join(a.out, f"snr{snr}", subset, fn)
                info = sf.info(yp)
                y, sr = sf.read(yp, dtype="float64")
                if not (sr == sr0 == FS and info.channels == 1 and info.subtype == "PCM_16" and len(y) == len(x)):
                    print("FORMAT/LENGTH MISMATCH", yp); bad += 1
                for ext in (".rttm", ".uem"):
                    s = os.path.join(d, stem + ext)
                    if os.path.exists(s) and not filecmp.cmp(s, os.path.join(a.out, f"snr{snr}", subset, stem + ext), shallow=False):
                        print("LABEL MISMATCH", stem + ext); bad += 1
                if subset == "mixtures":
                    with open(os.path.join(a.out, f"snr{snr}", subset, stem + ".json")) as f:
                        inf = json.load(f)["added_noise"]
                    segs = [s for s in read_rttm(os.path.join(d, stem + ".rttm")) if s[2] == "foreground"]
                else:
                    inf = realj[stem]["added_noise"]
                    segs = read_rttm(os.path.join(d, stem + ".rttm"))
                uem_p = os.path.join(d, stem + ".uem")
                m = seg_mask(segs, len(x)) & seg_mask(read_uem(uem_p) if os.path.exists(uem_p) else [(0, len(x) / FS)], len(x))
                z = y / inf["mix_gain"] - x
                nz = rms_dbfs(z)
                real_snr = inf["speech_level_dbfs"] - nz
                p56, _ = p56_active_level(x, m)
                mains = inf["noise_params"].get("mains_hz") if inf["noise_type"] == "fan_hum" else None
                slope, cen, hum = spec_stats(z, mains)
                errs.append(real_snr - snr)
                print(f"{'snr%d/%s/%s' % (snr, subset, stem):34s} {inf['noise_type']:14s} {snr:7d} {real_snr:8.2f} {p56 - nz:10.2f} "
                      f"{20 * np.log10(inf['mix_gain']):7.2f} {slope:12.1f} {cen:11.0f} "
                      f"{'' if hum is None else '%.2f' % hum:>9s}")
    errs = np.array(errs)
    print(f"realised SNR - nominal: mean {errs.mean():+.3f} dB, max |err| {np.abs(errs).max():.3f} dB over {len(errs)} files")
    if np.abs(errs).max() > 0.1:
        bad += 1

    print(f"\n{'non-speech clip':32s} {'dur s':>6s} {'RMS':>6s} {'peak':>6s} {'slope':>6s} {'centroid':>8s} rttm uem")
    nd = os.path.join(a.out, "nonspeech")
    for fn in sorted(x for x in os.listdir(nd) if x.endswith(".wav")):
        stem = fn[:-4]
        y, sr = sf.read(os.path.join(nd, fn), dtype="float64")
        dur = len(y) / sr
        with open(os.path.join(nd, stem + ".json")) as f:
            meta = json.load(f)
        mains = meta["params"].get("mains_hz")
        slope, cen, hum = spec_stats(y, mains)
        rttm_empty = os.path.getsize(os.path.join(nd, stem + ".rttm")) == 0
        uem = open(os.path.join(nd, stem + ".uem")).read().split()
        uem_ok = uem[0] == stem and float(uem[2]) == 0.0 and abs(float(uem[3]) - dur) < 1e-3
        ok = 10 <= dur <= 20 and rttm_empty and uem_ok and sr == FS
        bad += not ok
        print(f"{stem:32s} {dur:6.2f} {rms_dbfs(y):6.1f} {20 * np.log10(np.max(np.abs(y))):6.1f} {slope:6.1f} {cen:8.0f} "
              f"{'empty' if rttm_empty else 'NOT EMPTY'} {'ok' if uem_ok else 'BAD'}"
              + (f"  hum share {hum:.2f}" if hum is not None else ""))
    print("\nALL CHECKS PASSED" if bad == 0 else f"\n{bad} PROBLEMS")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
