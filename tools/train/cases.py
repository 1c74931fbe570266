"""Frame-level figures of a trained model on the labelling-case clips of tests/fixtures/fgbg/
(the clips tests/fgbg.rs asserts on; never used in training or tuning): per clip, the share
of the reference's foreground / background frames the model calls foreground / background
(thresholds 0.5, no segmenter, no labeller). A quick check before exporting a model.

  python cases.py [--model target/train/model.pt] ...
"""
import argparse
import glob
import os

import numpy as np
import torch

from common import CACHE, REPO, Model, normalise
from export import log_mel


def reference(rttm, n):
    lab = np.zeros((n, 2), bool)  # foreground, background
    for line in open(rttm):
        f = line.split()
        if not f or f[0] != "SPEAKER":
            continue
        a, b = int(round(float(f[3]) * 100)), int(round((float(f[3]) + float(f[4])) * 100))
        lab[a:b, 0 if f[7] == "foreground" else 1] = True
    return lab


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", nargs="+", default=[os.path.join(CACHE, "model.pt")])
    ap.add_argument("--bin", default=os.path.join(REPO, "target", "release", "bystander"))
    args = ap.parse_args()
    torch.set_num_threads(1)
    clips = sorted(glob.glob(os.path.join(REPO, "tests", "fixtures", "fgbg", "*.wav")))
    feats = {os.path.basename(c)[:-4]: normalise(log_mel(args.bin, c)) for c in clips}
    for path in args.model:
        model = Model()
        model.load_state_dict(torch.load(path))
        model.eval()
        print(os.path.basename(path))
        for name, x in feats.items():
            n = len(x)
            xi = torch.from_numpy(x)
            if n % 2:
                xi = torch.cat([xi, xi.new_zeros(1, xi.shape[1])])
            with torch.no_grad():
                p = torch.sigmoid(model(xi[None]))[0, :n].numpy()
            lab = reference(os.path.join(REPO, "tests", "fixtures", "fgbg", name + ".rttm"), n)
            s = p[:, 0] > 0.5
            bg_hat = s & (p[:, 1] > 0.5)
            fg_hat = s & ((p[:, 1] <= 0.5) | (p[:, 2] > 0.5))
            fg_only, bg_only = lab[:, 0], lab[:, 1] & ~lab[:, 0]
            share = lambda hat, ref: "-" if not ref.any() else f"{np.mean(hat[ref]):.3f}"  # noqa: E731
            print(f"  {name:18s} fg->fg {share(fg_hat, fg_only):>5s}  bg->bg {share(bg_hat, bg_only):>5s}"
                  f"  none->speech {share(s, ~lab.any(axis=1)):>5s}")


if __name__ == "__main__":
    main()
