"""The labelling cases of tests/fgbg.rs, scored from `bystander analyze` at given settings, so
that a weights.rs can be screened at several backgroundThreshold / switchPenalty values
without regenerating tuned.rs (the bars are the test's; `cargo test --test fgbg` decides).

  python cases.py --bin target/release/bystander [--set backgroundThreshold=0.6 ...]
"""
import argparse
import json
import math
import os
import subprocess

import numpy as np

CASES = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fixtures", "fgbg")


def frames(segs, n):
    """Frames whose centre (i + 0.5) x 10 ms is inside a segment (bystander::eval::frame_mask)."""
    m = np.zeros(n, bool)
    for s, e in segs:
        m[max(0, math.ceil(s / 0.01 - 0.5)):min(n, max(0, math.ceil(e / 0.01 - 0.5)))] = True
    return m


def classes(fg, bg, n):
    return np.where(frames(fg, n), 1, np.where(frames(bg, n), 2, 0))


def run(a, name):
    """(reference, hypothesis) frame classes: 0 none, 1 foreground, 2 background."""
    wav = os.path.join(CASES, name + ".wav")
    r = json.loads(subprocess.run([a.bin, "analyze", "--no-frames", "--format", "json", wav]
                                  + [x for s in a.set for x in ("--set", s)],
                                  check=True, capture_output=True, text=True).stdout)
    ref = {"foreground": [], "background": []}
    for line in open(os.path.join(CASES, name + ".rttm")):
        f = line.split()
        ref[f[7]].append((float(f[3]), float(f[3]) + float(f[4])))
    n = max(0, math.ceil(r["duration"] / 0.01 - 0.5))
    hyp = {lab: [(s["start"], s["end"]) for s in r["segments"] if s["label"] == lab] for lab in ref}
    return classes(ref["foreground"], ref["background"], n), classes(hyp["foreground"], hyp["background"], n)


def share(ref, hyp, r, h):
    return ((ref == r) & (hyp == h)).sum() / max(1, (ref == r).sum())


def labelled_share(ref, hyp, r, h):
    """Of the reference frames of class r that are labelled at all, the share labelled h."""
    return ((ref == r) & (hyp == h)).sum() / max(1, ((ref == r) & (hyp != 0)).sum())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    a = ap.parse_args()
    out = []
    ref, hyp = run(a, "no_background")
    lost, kept = share(ref, hyp, 1, 2), labelled_share(ref, hyp, 1, 1)
    out.append(("no_background", lost < 0.05 and kept > 0.9, f"fg as bg {lost:.3f}, fg {kept:.3f}"))
    ref, hyp = run(a, "background_only")
    bg, fg = share(ref, hyp, 2, 2), share(ref, hyp, 2, 1)
    out.append(("background_only", bg > fg, f"bg {bg:.3f} vs fg {fg:.3f}"))
    ref, hyp = run(a, "overlap")
    kept = labelled_share(ref, hyp, 1, 1)
    out.append(("overlap (foreground only)", kept > 0.9, f"fg {kept:.3f}"))
    for name, bar in (("loud_background", 0.3), ("two_talkers", 0.5)):
        ref, hyp = run(a, name)
        fg, bg = labelled_share(ref, hyp, 1, 1), labelled_share(ref, hyp, 2, 2)
        out.append((name, fg > 0.9 and bg > bar, f"fg {fg:.3f}, bg {bg:.3f}"))
    ref, hyp = run(a, "moving_away")
    h = len(ref) // 2
    near = labelled_share(ref[:h], hyp[:h], 1, 1)
    out.append(("moving_away", near > 0.85, f"near half fg {near:.3f}"))
    for name in ("quiet_foreground", "one_second"):
        ref, hyp = run(a, name)
        kept = labelled_share(ref, hyp, 1, 1)
        out.append((name, kept > 0.8, f"fg {kept:.3f}"))
    print(" ".join(a.set) or "defaults")
    for name, ok, text in out:
        print(f"  {'pass' if ok else 'FAIL'} {name}: {text}")


if __name__ == "__main__":
    main()
