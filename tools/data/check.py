"""Sanity check of a built data set: per split hours, clips, speakers, speech / background /
overlap shares and scenario counts; asserts the splits are speaker-disjoint, that no
development talker is in any split, that labels match the audio length, and that the
non-speech clips are at least 15 %.

    .venv/bin/python tools/data/check.py [target/data] [tools/data/splits.json]
"""

import json
import os
import sys
from collections import Counter

import numpy as np
import soundfile as sf

from catalogue import canon
from common import FS, HOP

SPLITS = ("train", "tune", "test")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "target", "data")
    with open(sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "splits.json"), encoding="utf-8") as f:
        sp = json.load(f)
    dev = set(sp["development_talkers"])
    heard = {}
    for s in SPLITS:
        lines = [json.loads(l) for l in open(os.path.join(root, s, "manifest.jsonl"))]
        talkers = set()
        secs = Counter()
        scen = Counter()
        for i, l in enumerate(lines):
            for src in l.get("sources", []):
                talkers.update(src.get("speakers", []))
                if src.get("kind") == "meeting":
                    talkers.update(sp["ami"]["speakers"][src["meeting"]])
            scen[l["scenario"] + ("+copy" if l["copy_of"] else "")] += 1
            secs["all"] += l["duration_s"]
            for k in ("speech_s", "fg_s", "bg_s", "overlap_s"):
                secs[k] += l[k]
            if i % 25 == 0:  # spot-check files against the manifest
                lab = np.load(os.path.join(root, s, l["clip_id"] + ".labels.npy"))
                n = sf.info(os.path.join(root, s, l["file"])).frames
                assert lab.shape == (n // HOP, 3) and sf.info(os.path.join(root, s, l["file"])).samplerate == FS
                assert (lab[:, 0] == (lab[:, 1] | lab[:, 2])).all()
        allowed = set(sp["speakers"][s]) | ({canon(x) for m in sp["ami"]["train"] for x in sp["ami"]["speakers"][m]}
                                            if s == "train" else set())
        assert talkers <= allowed, f"{s}: speakers outside its split: {sorted(talkers - allowed)[:5]}"
        assert not {canon(t) for t in talkers} & dev, f"{s}: development talker used"
        heard[s] = {canon(t) for t in talkers}
        ns = sum(v for k, v in scen.items() if k.startswith("nonspeech"))
        assert ns >= 0.15 * len(lines) or len(lines) < 20, f"{s}: non-speech clips {ns}/{len(lines)}"
        h = secs["all"]
        print(f"{s}: {h / 3600:.2f} h, {len(lines)} clips ({sum(1 for l in lines if l['copy_of'])} codec/telephone "
              f"copies), {len(talkers)} speakers heard of {len(sp['speakers'][s])}; "
              f"speech {secs['speech_s'] / h:.1%}, foreground {secs['fg_s'] / h:.1%}, "
              f"background {secs['bg_s'] / h:.1%}, overlap {secs['overlap_s'] / h:.1%}; non-speech clips "
              f"{ns / len(lines):.1%}")
        print("  scenarios: " + ", ".join(f"{k} {v}" for k, v in sorted(scen.items())))
    for a in SPLITS:
        for b in SPLITS:
            if a < b:
                assert not heard[a] & heard[b], f"speakers shared by {a} and {b}"
            if a < b:
                assert not set(map(canon, sp["speakers"][a])) & set(map(canon, sp["speakers"][b]))
    assert not {canon(x) for s in SPLITS for x in sp["speakers"][s]} & dev
    print("ok: splits speaker-disjoint, no development talker in any split, labels match audio")


if __name__ == "__main__":
    main()
