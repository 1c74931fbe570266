"""Trains bystander's foreground/background frame classifier (src/fgbg/weights.rs) and
calibrates its segment confidence.

  python train.py dump  --bin BIN DIR OUT.npz     model inputs + frame targets of every clip
  python train.py fit   --out weights.rs TRAIN.npz [MORE.npz ...] [--hidden 16]
  python train.py calibrate --bin BIN --weights weights.rs DIR   Platt scaling, in place

Model inputs come from `bystander fgbg-features` (the crate's own front end, cues and
anchor, so training and inference agree). Frame targets follow the eval convention (frame i
centred at (i + 0.5) x 10 ms): class foreground if a reference foreground segment covers it,
else background if a background one does, else none. The VAD also marks frames that are not
reference speech (reverberant tails, padding); such a frame inside VAD speech is given the
class of the reference speech that ended within 500 ms before it (a tail belongs to its
source), else of the speech that starts within 200 ms after it, else it is left out.
Targets: head 0 = class is background (tails take their source's class); head 1 = both
classes present (overlap); head 2 = no reference speech (tails, padding inside VAD speech).
scikit-learn MLPClassifier (multi-label, tanh, fixed random_state): reproducible.
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

import numpy as np

FRAME = 0.01


def rttm(path):
    out = {"foreground": [], "background": []}
    for line in open(path):
        f = line.split()
        if len(f) >= 8 and f[0] == "SPEAKER" and f[7] in out:
            s, d = float(f[3]), float(f[4])
            out[f[7]].append((s, s + d))
    return out


def mask(segs, n):
    y = np.zeros(n, dtype=bool)
    c = (np.arange(n) + 0.5) * FRAME
    for s, e in segs:
        y |= (c >= s) & (c < e)
    return y


def targets(ref, n, in_vad):
    fg, bg = mask(ref["foreground"], n), mask(ref["background"], n)
    cls = np.where(fg, 1, np.where(bg, 2, 0))
    # Tails and padding inside VAD speech take the class of nearby reference speech.
    last, last_t = 0, -10**9
    filled = cls.copy()
    for i in range(n):
        if cls[i]:
            last, last_t = cls[i], i
        elif in_vad[i] and i - last_t <= 50:
            filled[i] = last
    nxt, nxt_t = 0, 10**9
    for i in range(n - 1, -1, -1):
        if cls[i]:
            nxt, nxt_t = cls[i], i
        elif in_vad[i] and filled[i] == 0 and nxt_t - i <= 20:
            filled[i] = nxt
    return cls, filled, fg & bg


def cmd_dump(a):
    wavs = sorted(w for w in glob.glob(os.path.join(a.dir, "**", "*.wav"), recursive=True)
                  if os.path.exists(w[:-4] + ".rttm"))
    with tempfile.TemporaryDirectory() as tmp:
        def one(w):
            out = os.path.join(tmp, os.path.basename(w) + ".npy")
            subprocess.run([a.bin, "fgbg-features", w, "--out", out], check=True)
            return np.load(out)
        with ThreadPoolExecutor(a.jobs or os.cpu_count() or 2) as ex:
            feats = list(ex.map(one, wavs))
    xs, cls, filled, ov, clip = [], [], [], [], []
    for k, (w, f) in enumerate(zip(wavs, feats)):
        n = len(f)
        c, fl, o = targets(rttm(w[:-4] + ".rttm"), n, f[:, -1] > 0.5)
        xs.append(f); cls.append(c); filled.append(fl); ov.append(o); clip.append(np.full(n, k))
    np.savez_compressed(a.out, x=np.concatenate(xs), cls=np.concatenate(cls),
                        filled=np.concatenate(filled), overlap=np.concatenate(ov),
                        clip=np.concatenate(clip), names=np.array([os.path.basename(w) for w in wavs]))
    print(f"{a.out}: {len(wavs)} clips, {sum(len(x) for x in xs)} frames", file=sys.stderr)


def scenario_weights(a):
    """Per-clip repeat counts from `--weight SCENARIO=N` and the data set's manifest.jsonl
    (tools/data/): a scenario's clips enter the fit N times (1 when not named)."""
    if not a.weight:
        return None
    if not a.data:
        sys.exit("--weight needs --data (the data sets whose manifest.jsonl names the scenarios)")
    want = {k: int(v) for k, v in (w.split("=", 1) for w in a.weight)}
    scen = {}
    for data in a.data:
        for line in open(os.path.join(data, "manifest.jsonl")):
            m = json.loads(line)
            scen[m["clip_id"] + ".wav"] = m["scenario"]
    return want, scen


def training_rows(d, weights=None):
    """Rows: frames that are reference speech or inside the VAD's speech. Targets: class is
    background (a tail counts as its source), both classes present, no reference speech.
    `weights` (from `scenario_weights`) repeats the rows of the named scenarios' clips."""
    x, cls, filled, ov = d["x"], d["cls"], d["filled"], d["overlap"]
    keep = (cls > 0) | (x[:, -1] > 0.5)
    if weights is not None:
        want, scen = weights
        reps = np.array([want.get(scen.get(str(n), ""), 1) for n in d["names"]])
        r = reps[d["clip"]] * keep
        x, cls, filled, ov = (np.repeat(v, r, axis=0) for v in (x, cls, filled, ov))
        keep = np.ones(len(x), dtype=bool)
    y = np.stack([filled[keep] == 2, ov[keep], cls[keep] == 0], 1).astype(int)
    return x[keep, :-1].astype(np.float64), y


def cmd_fit(a):
    from sklearn.neural_network import MLPClassifier
    w = scenario_weights(a)
    rows = [training_rows(np.load(t), w) for t in a.train]
    x, y = np.concatenate([r[0] for r in rows]), np.concatenate([r[1] for r in rows])
    if a.max_rows and len(x) > a.max_rows:
        # A seeded subsample: the 24 h set has millions of rows; an MLP this small learns
        # what it can from a million.
        pick = np.sort(np.random.default_rng(0).choice(len(x), a.max_rows, replace=False))
        x, y = x[pick], y[pick]
    print(f"{len(x)} frames, background share {y[:, 0].mean():.3f}, overlap share {y[:, 1].mean():.3f}, "
          f"no-speech share {y[:, 2].mean():.3f}",
          file=sys.stderr)
    mean, std = x.mean(0), x.std(0)
    std[std < 1e-6] = 1.0
    z = (x - mean) / std
    clf = MLPClassifier(hidden_layer_sizes=(a.hidden,), activation="tanh", alpha=1e-3,
                        max_iter=300, early_stopping=True, validation_fraction=0.1,
                        n_iter_no_change=15, random_state=0)
    clf.fit(z, y)
    p = clf.predict_proba(z)
    sp = y[:, 2] == 0
    acc = ((p[sp, 0] >= 0.5) == y[sp, 0]).mean()
    print(f"train frame accuracy (background head) {acc:.3f}; iterations {clf.n_iter_}", file=sys.stderr)
    if a.check:
        t = np.load(a.check)
        xt, yt = training_rows(t)
        pt = clf.predict_proba((xt - mean) / std)
        st = yt[:, 2] == 0
        print(f"check frame accuracy (background head, speech frames) {((pt[st, 0] >= 0.5) == yt[st, 0]).mean():.3f}; "
              f"no-speech head {((pt[:, 2] >= 0.5) == yt[:, 2]).mean():.3f} (share {yt[:, 2].mean():.3f})", file=sys.stderr)
    write_weights(a.out, mean, std, clf.coefs_[0].T, clf.intercepts_[0], clf.coefs_[1].T,
                  clf.intercepts_[1], [1.0, 0.0], len(x))


def fl(v):
    return ", ".join(f"{float(t):.8e}" for t in np.ravel(v))


def write_weights(path, mean, std, w1, b1, w2, b2, cal, frames):
    h, n = w1.shape
    with open(path, "w") as f:
        f.write("//! Generated by tools/train_fgbg/train.py; do not edit. Trained on %d frames of clips\n"
                "//! generated from the training speakers of tools/train_fgbg/split.json.\n" % frames)
        f.write("#![allow(clippy::excessive_precision, clippy::unreadable_literal)]\n\n")
        f.write(f"/// Inputs per frame.\npub const N_INPUTS: usize = {n};\n")
        f.write(f"/// Hidden units.\npub const HIDDEN: usize = {h};\n")
        f.write(f"/// Input means subtracted before scaling.\npub const INPUT_MEAN: [f32; N_INPUTS] = [{fl(mean)}];\n")
        f.write(f"/// Input scales (1 / standard deviation).\npub const INPUT_SCALE: [f32; N_INPUTS] = [{fl(1 / std)}];\n")
        f.write(f"/// Hidden weights, row-major `HIDDEN x N_INPUTS`.\npub const W1: [f32; HIDDEN * N_INPUTS] = [{fl(w1)}];\n")
        f.write(f"/// Hidden biases.\npub const B1: [f32; HIDDEN] = [{fl(b1)}];\n")
        f.write(f"/// Output weights, head-major `3 x HIDDEN` (background, overlap, no speech).\npub const W2: [f32; 3 * HIDDEN] = [{fl(w2)}];\n")
        f.write(f"/// Output biases.\npub const B2: [f32; 3] = [{fl(b2)}];\n")
        f.write(f"/// Platt scaling of segment confidence: `sigmoid(a * logit(raw) + b)`.\npub const CALIBRATION: [f32; 2] = [{fl(cal)}];\n")
    print(f"wrote {path}", file=sys.stderr)


def cmd_calibrate(a):
    """Platt scaling on the tuning clips: segments from `bystander analyze` (whose confidence
    is the raw mean posterior while CALIBRATION = [1, 0]), right when most of their frames
    carry their label in the reference."""
    from sklearn.linear_model import LogisticRegression
    src = open(a.weights).read()
    if "CALIBRATION: [f32; 2] = [1.00000000e+00, 0.00000000e+00]" not in src:
        sys.exit("calibrate needs a build whose CALIBRATION is [1, 0] (run fit first)")
    wavs = sorted(w for w in glob.glob(os.path.join(a.dir, "**", "*.wav"), recursive=True)
                  if os.path.exists(w[:-4] + ".rttm"))
    out = subprocess.run([a.bin, "analyze", "--no-frames", "--format", "json", *wavs],
                         check=True, capture_output=True, text=True).stdout
    reports = json.loads(out)
    if isinstance(reports, dict):
        reports = [reports]
    raw, right = [], []
    for w, r in zip(wavs, reports):
        ref = rttm(w[:-4] + ".rttm")
        n = int(np.ceil(r["duration"] / FRAME))
        fg, bg = mask(ref["foreground"], n), mask(ref["background"], n)
        cls = np.where(fg, 1, np.where(bg, 2, 0))
        for s in r["segments"]:
            m = mask([(s["start"], s["end"])], n)
            want = 1 if s["label"] == "foreground" else 2
            raw.append(s["confidence"]); right.append(2 * np.sum(cls[m] == want) > np.sum(m))
    raw = np.clip(np.array(raw), 1e-4, 1 - 1e-4)
    lr = LogisticRegression(C=1e4).fit(np.log(raw / (1 - raw))[:, None], np.array(right))
    cal = [lr.coef_[0][0], lr.intercept_[0]]
    print(f"{len(raw)} segments, {np.mean(right):.3f} right, mean raw confidence {raw.mean():.3f}; "
          f"Platt a={cal[0]:.3f} b={cal[1]:.3f}", file=sys.stderr)
    src = src.replace("CALIBRATION: [f32; 2] = [1.00000000e+00, 0.00000000e+00]",
                      f"CALIBRATION: [f32; 2] = [{fl(cal)}]")
    open(a.weights, "w").write(src)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("dump"); p.add_argument("--bin", required=True); p.add_argument("dir"); p.add_argument("out")
    p.add_argument("--jobs", type=int, default=0, help="clips at once (default: one per core)")
    p = sub.add_parser("fit"); p.add_argument("--out", required=True); p.add_argument("--hidden", type=int, default=16)
    p.add_argument("--weight", action="append", default=[], metavar="SCENARIO=N",
                   help="repeat the rows of a scenario's clips N times (needs --data)")
    p.add_argument("--data", action="append", default=[],
                   help="a data set folder whose manifest.jsonl names each clip's scenario (repeatable)")
    p.add_argument("--max-rows", type=int, default=0, help="fit on a seeded subsample of this many rows")
    p.add_argument("--check"); p.add_argument("train", nargs="+")
    p = sub.add_parser("calibrate"); p.add_argument("--bin", required=True); p.add_argument("--weights", required=True)
    p.add_argument("dir")
    a = ap.parse_args()
    {"dump": cmd_dump, "fit": cmd_fit, "calibrate": cmd_calibrate}[a.cmd](a)


if __name__ == "__main__":
    main()
