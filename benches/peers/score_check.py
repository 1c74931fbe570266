#!/usr/bin/env python3
"""Independent reference scorer (numpy) for frame-level VAD metrics.

usage: score_check.py DIR OUTDIR [--per-clip] [--json FILE]

DIR     folder (searched recursively) with <stem>.wav + <stem>.rttm (+ <stem>.uem)
OUTDIR  folder with one sub-folder per system, each holding <stem>.rttm
        hypotheses (a missing file = no speech)

Conventions (meant to match `bystander eval`, so the two can be cross-checked):
- 10 ms frames; frame i has centre c_i = (i + 0.5) * 0.01 s; the frames of a
  clip are those with c_i < duration of the wav (samples / rate).
- a frame is active for a segment list when c_i lies in [start, end) of some
  segment; reference speech = union of all SPEAKER segments of the reference
  RTTM (every speaker counts), hypothesis speech = union of all segments of
  the hypothesis RTTM.
- if <stem>.uem exists (lines '<file> 1 <start> <end>'), only frames whose
  centre lies in [start, end) of a UEM line count; otherwise all frames.
- all times are compared as integer microseconds (RTTM/UEM values are
  rounded to 1 us) so boundary ties are exact, not float-dependent.
- POOLING: TP/FP/FN/TN are summed over the frames of ALL clips of DIR, then
  the ratios are computed once (frame-weighted micro average, not a mean of
  per-clip figures).
- precision = TP/(TP+FP), recall = TP/(TP+FN), F1 = 2PR/(P+R),
  FA rate = FP / reference speech frames, miss rate = FN / reference speech
  frames (reference speech frames = TP+FN).
- DER(collar) follows pyannote.metrics DetectionErrorRate: a collar of C
  seconds removes [b - C/2, b + C/2) around the start b and the end b of
  EVERY reference RTTM segment (each speaker turn, before the union) from the
  scored region; DER = (FA + miss) / reference speech, all counted in frames
  of the remaining scored region.  DER(0) = FA rate + miss rate.
"""
import argparse
import json
import os
import sys

import numpy as np
import soundfile as sf

FRAME_US = 10_000
COLLARS = (0.0, 0.25)


def to_us(x):
    return int(round(float(x) * 1_000_000))


def read_rttm(path):
    """-> list of (start_us, end_us) of every SPEAKER line (any file id/speaker)."""
    segs = []
    if not os.path.exists(path):
        return segs
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) < 5 or p[0] != "SPEAKER":
                continue
            s = to_us(p[3])
            e = s + to_us(p[4])
            if e > s:
                segs.append((s, e))
    return segs


def read_uem(path, stem):
    if not os.path.exists(path):
        return None
    rows = []
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) >= 4 and not line.lstrip().startswith((";", "#")):
                rows.append((p[0], to_us(p[2]), to_us(p[3])))
    mine = [(s, e) for fid, s, e in rows if fid == stem]
    if not mine and len({fid for fid, _, _ in rows}) == 1:
        mine = [(s, e) for _, s, e in rows]  # single-file UEM with another id
    return mine


def mask(centres_us, segs):
    m = np.zeros(len(centres_us), dtype=bool)
    for s, e in segs:
        m |= (centres_us >= s) & (centres_us < e)
    return m


def clip_frames(wav):
    info = sf.info(wav)
    n_samples, sr = info.frames, info.samplerate
    # number of i with (i + 0.5) * 0.01 < n_samples / sr  <=>  (2i + 1) * sr < 200 * n_samples
    n = 0 if n_samples == 0 else (200 * n_samples - 1) // sr
    n = (n + 1) // 2  # i in [0, n): 2i+1 <= (200*n_samples-1)//sr
    centres = np.arange(n, dtype=np.int64) * FRAME_US + FRAME_US // 2
    return centres, n_samples / sr


def find_clips(d):
    clips = []
    for root, _dirs, files in os.walk(d):
        for fn in files:
            if fn.lower().endswith(".wav"):
                stem = fn[:-4]
                rttm = os.path.join(root, stem + ".rttm")
                if os.path.exists(rttm):
                    clips.append((stem, os.path.join(root, fn), rttm, os.path.join(root, stem + ".uem")))
    return sorted(clips)


def counts(ref, hyp, scored):
    r, h = ref[scored], hyp[scored]
    return dict(
        tp=int(np.sum(r & h)), fp=int(np.sum(~r & h)), fn=int(np.sum(r & ~h)), tn=int(np.sum(~r & ~h))
    )


def figures(c):
    tp, fp, fn, tn = c["tp"], c["fp"], c["fn"], c["tn"]
    nan = float("nan")
    ref = tp + fn
    p = tp / (tp + fp) if tp + fp else nan
    r = tp / ref if ref else nan
    f1 = 2 * p * r / (p + r) if (tp and p + r) else (0.0 if ref else nan)
    out = dict(precision=p, recall=r, f1=f1, fa_rate=fp / ref if ref else nan, miss_rate=fn / ref if ref else nan)
    for col in COLLARS:
        k = f"c{col:g}"
        cref = c[k]["tp"] + c[k]["fn"]
        out[f"der_{col:g}"] = (c[k]["fp"] + c[k]["fn"]) / cref if cref else nan
    return out


def score_system(clips, sysdir):
    per_clip = {}
    pooled = None
    for stem, wav, rttm, uem in clips:
        centres, _dur = clip_frames(wav)
        ref_segs = read_rttm(rttm)
        ref = mask(centres, ref_segs)
        hyp = mask(centres, read_rttm(os.path.join(sysdir, stem + ".rttm")))
        u = read_uem(uem, stem)
        scored = np.ones(len(centres), dtype=bool) if u is None else mask(centres, u)
        c = counts(ref, hyp, scored)
        for col in COLLARS:
            half = to_us(col / 2)
            coll = []
            if half > 0:
                for s, e in ref_segs:
                    coll += [(s - half, s + half), (e - half, e + half)]
            c[f"c{col:g}"] = counts(ref, hyp, scored & ~mask(centres, coll))
        per_clip[stem] = c
        if pooled is None:
            pooled = json.loads(json.dumps(c))
        else:
            for k, v in c.items():
                if isinstance(v, dict):
                    for kk in v:
                        pooled[k][kk] += v[kk]
                else:
                    pooled[k] += v
    return per_clip, pooled


HEADER = f"{'system':<16} {'frames':>7} {'ref':>6} {'TP':>6} {'FP':>6} {'FN':>6} {'TN':>6}  {'P':>6} {'R':>6} {'F1':>6} {'FA':>6} {'miss':>6} {'DER0':>6} {'DER.25':>6}"


def row(name, c):
    f = figures(c)
    n = c["tp"] + c["fp"] + c["fn"] + c["tn"]
    return (
        f"{name:<16} {n:>7} {c['tp'] + c['fn']:>6} {c['tp']:>6} {c['fp']:>6} {c['fn']:>6} {c['tn']:>6}  "
        f"{f['precision']:6.3f} {f['recall']:6.3f} {f['f1']:6.3f} {f['fa_rate']:6.3f} {f['miss_rate']:6.3f} "
        f"{f['der_0']:6.3f} {f['der_0.25']:6.3f}"
    )


def main(argv=None):
    ap = argparse.ArgumentParser(description="independent frame-level VAD scorer (see module doc)")
    ap.add_argument("dir")
    ap.add_argument("outdir")
    ap.add_argument("--per-clip", action="store_true", help="also print one row per clip and system")
    ap.add_argument("--json", help="write all counts and figures to this file")
    args = ap.parse_args(argv)

    clips = find_clips(args.dir)
    if not clips:
        raise SystemExit(f"no wav+rttm clips under {args.dir}")
    systems = sorted(d for d in os.listdir(args.outdir) if os.path.isdir(os.path.join(args.outdir, d)))
    n_uem = sum(os.path.exists(u) for *_x, u in clips)
    print(
        f"== {args.dir}: {len(clips)} clips ({n_uem} with UEM); 10 ms frames, centre rule, "
        f"pooled over the frames of all clips; DER collars {', '.join(f'{c:g} s' for c in COLLARS)}"
    )
    out = {}
    print(HEADER)
    for s in systems:
        per_clip, pooled = score_system(clips, os.path.join(args.outdir, s))
        out[s] = dict(pooled=dict(counts=pooled, figures=figures(pooled)),
                      clips={k: dict(counts=v, figures=figures(v)) for k, v in per_clip.items()})
        print(row(s, pooled))
    if args.per_clip:
        for s in systems:
            print(f"-- per clip: {s}")
            print(HEADER.replace("system", "clip  "))
            for stem in sorted(out[s]["clips"]):
                print(row(stem[:16], out[s]["clips"][stem]["counts"]))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1, default=float)
    return 0


if __name__ == "__main__":
    sys.exit(main())
