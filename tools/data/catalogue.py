"""The source material: the training corpus's catalogue, its AMI meetings and the speakers of
the development set (which must never reach training).

Speaker ids are compared in one canonical form (`canon`): accents folded, lower case, only
letters and digits, so `ls_19` (corpus) and `ls19` (development sources) or `MÉO069` and
`MEO069` (two spellings in the AMI references) are the same talker.
"""

import json
import os
import unicodedata
from collections import defaultdict

# Corpus prefixes whose speakers are pooled for mixing (voxconverse is a multi-talker broadcast
# without a reference, so neither its speech nor its silences can be labelled: left out).
SPEECH_EXCLUDED_SPEAKERS = {"voxconverse_aepyx_multi"}


def canon(speaker):
    s = unicodedata.normalize("NFKD", speaker)
    return "".join(c for c in s if c.isascii() and c.isalnum()).lower()


def corpus_of(speaker):
    return speaker.split("_")[0] if "_" in speaker else speaker


def load_catalogue(corpus_dir):
    with open(os.path.join(corpus_dir, "catalogue.json"), encoding="utf-8") as f:
        return json.load(f)


def read_rttm(path):
    """[(speaker, start_s, dur_s)] of an RTTM file."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            p = line.split()
            if len(p) >= 8 and p[0] == "SPEAKER":
                out.append((p[7], float(p[3]), float(p[4])))
    return out


def load_meetings(corpus_dir):
    """AMI excerpts: name -> {file, rttm turns, canonical speakers (from the RTTM, which is
    the reference; the catalogue's speaker field is empty for one of them)}."""
    d = os.path.join(corpus_dir, "meetings")
    out = {}
    for name in sorted(os.listdir(d)):
        if not name.endswith(".flac"):
            continue
        stem = name[:-5]
        turns = read_rttm(os.path.join(d, stem + ".rttm"))
        out[stem] = dict(file=os.path.join("meetings", name), turns=[(s, du) for _, s, du in turns],
                         speakers=sorted({canon("ami_" + sp) for sp, _, _ in turns}))
    return out


def dev_speakers(dev_dir, catalogue):
    """Canonical ids of every talker heard in the development set, with where each was found."""
    found = defaultdict(set)
    with open(os.path.join(dev_dir, "sources", "sources.json"), encoding="utf-8") as f:
        for s in json.load(f):
            if s.get("role") != "noise":
                found[canon(s["speaker"])].add("dev/sources")
    with open(os.path.join(dev_dir, "real", "real.json"), encoding="utf-8") as f:
        for r in json.load(f):
            pre = "ami_" if r["file"].startswith("ami_") else "pyannote_"
            for sp in r["speakers"]:
                found[canon(pre + sp)].add("dev/real")
    with open(os.path.join(dev_dir, "mixtures", "manifest.json"), encoding="utf-8") as f:
        for c in json.load(f)["clips"]:
            for sp in [c["fg_speaker"]] + [b["speaker"] for b in c["background"]]:
                for one in sp.split("+"):
                    found[canon(one)].add("dev/mixtures")
    for r in catalogue:
        if r.get("in_dev_set"):
            for sp in r.get("speakers") or [r["speaker"]]:
                if sp:
                    found[canon(sp)].add("catalogue in_dev_set")
    return {k: sorted(v) for k, v in found.items()}


def speech_speakers(catalogue):
    """speaker id -> list of catalogue records (single-talker speech, meetings excluded)."""
    out = defaultdict(list)
    for r in catalogue:
        if r["kind"] != "speech" or r.get("style") == "meeting" and r["file"].startswith("meetings/"):
            continue
        if not r["speaker"] or r["speaker"] in SPEECH_EXCLUDED_SPEAKERS:
            continue
        out[r["speaker"]].append(r)
    return dict(out)


def non_speech(catalogue, kind):
    """Noise or music records usable as non-speech (no `contains_speech` flag set)."""
    return [r for r in catalogue if r["kind"] == kind and not r.get("contains_speech")]


def rirs(catalogue):
    return [r for r in catalogue if r["kind"] == "rir"]
