"""Feature extraction: the VAD front end's log-mel frames of every clip (`bystander
log-mel`, cached under target/train/logmel/), normalised (common.normalise) and packed per
split into target/train/SPLIT.npz: x (frames, 66) float16, y (frames, 3) uint8, starts (clip
offsets), ids, nonspeech flags, scenarios."""
import argparse
import os
import subprocess
import sys

import numpy as np

from common import CACHE, DATA, REPO, clips, normalise


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(REPO, "target", "release", "bystander"))
    ap.add_argument("--splits", nargs="+", default=["train", "tune", "test"])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--limit", type=int, default=0, help="first N clips of each split (0: all)")
    args = ap.parse_args()
    logmel_dir = os.path.join(CACHE, "logmel")
    for split in args.splits:
        items = clips(split)
        if args.limit:
            items = items[: args.limit]
        wavs = [os.path.join(DATA, split, cid + ".wav") for cid, _ in items]
        lst = os.path.join(CACHE, split + ".list")
        os.makedirs(CACHE, exist_ok=True)
        with open(lst, "w") as f:
            f.write("\n".join(wavs) + "\n")
        subprocess.run(
            ["nice", "-n", "10", args.bin, "log-mel", "--files-from", lst, "--out-dir", logmel_dir,
             "--root", DATA, "--jobs", str(args.jobs), "--skip-existing"],
            check=True,
        )
        xs, ys, starts, ids, ns, scen = [], [], [0], [], [], []
        for cid, scenario in items:
            x = np.load(os.path.join(logmel_dir, split, cid + ".wav.logmel.npy"))
            y = np.load(os.path.join(DATA, split, cid + ".labels.npy"))
            if len(x) != len(y):
                sys.exit(f"{cid}: {len(x)} feature rows, {len(y)} label frames")
            xs.append(normalise(x).astype(np.float16))
            ys.append(y)
            starts.append(starts[-1] + len(y))
            ids.append(cid)
            ns.append(scenario == "nonspeech")
            scen.append(scenario)
        np.savez(os.path.join(CACHE, split + ".npz"), x=np.concatenate(xs), y=np.concatenate(ys),
                 starts=np.array(starts), ids=np.array(ids), nonspeech=np.array(ns),
                 scenario=np.array(scen))
        print(f"{split}: {len(ids)} clips, {starts[-1]} frames ({starts[-1] / 360000:.2f} h)",
              flush=True)


if __name__ == "__main__":
    main()
