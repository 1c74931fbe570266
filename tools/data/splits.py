"""Speaker-disjoint train / tune / test splits, written to tools/data/splits.json.

Every talker of the development set (its sources, mixtures and real recordings, and every
catalogue record flagged `in_dev_set`) is kept out of all three splits, so development
figures stay honest. Within each corpus the remaining speakers are ordered by a stable hash
of their id; the first 10 % go to test, the next 10 % to tune, the rest to train (corpora
with fewer than 5 speakers go to train whole). Non-speech recordings, measured room
responses and rendered scores are split by file the same way, so the test split's noises,
music and rooms are unheard in training.

AMI excerpts (the only real conversations with human references): those equal to the
development set's real recordings (dev00, dev01, trn04) are evaluation-only; the trn06 and
trn09 excerpts (one meeting, sharing talker FEE083) are kept out of training as extra
evaluation material; trn00-trn03 (one meeting, sharing MEE067/MEE068/MEO069/FEO066) are
used in training, as background conversation with labels from their reference turns.
"""

import json
from collections import defaultdict

from catalogue import canon, corpus_of, dev_speakers, load_meetings, non_speech, rirs, speech_speakers
from common import stable_hash

SPLITS = ("train", "tune", "test")
SALT = "bystander-data-v1:"
AMI_EVAL_ONLY = {
    "ami_dev00": "same recording as the development set's real/ami_dev00",
    "ami_dev01": "same recording as the development set's real/ami_dev01",
    "ami_trn04": "same recording as the development set's real/ami_trn04",
    "ami_trn06": "held out for evaluation (meeting of FEE083, not in training)",
    "ami_trn09": "held out for evaluation (meeting of FEE083, not in training)",
}
AMI_TRAIN = ("ami_trn00", "ami_trn01", "ami_trn02", "ami_trn03")


def _order(keys):
    return sorted(keys, key=lambda k: (stable_hash(SALT + k), k))


def _share(keys, test_frac=0.1, tune_frac=0.1, min_n=5):
    """split -> sorted keys: a stable hash order cut into test, tune and train."""
    keys = _order(keys)
    out = {s: [] for s in SPLITS}
    if len(keys) < min_n:
        out["train"] = sorted(keys)
        return out
    n_test = max(1, round(test_frac * len(keys)))
    n_tune = max(1, round(tune_frac * len(keys)))
    out["test"] = sorted(keys[:n_test])
    out["tune"] = sorted(keys[n_test: n_test + n_tune])
    out["train"] = sorted(keys[n_test + n_tune:])
    return out


def make_splits(catalogue, corpus_dir, dev_dir):
    dev = dev_speakers(dev_dir, catalogue)
    speakers = speech_speakers(catalogue)
    excluded = {sp: dev[canon(sp)] for sp in speakers if canon(sp) in dev}
    by_corpus = defaultdict(list)
    for sp in speakers:
        if sp not in excluded:
            by_corpus[corpus_of(sp)].append(sp)
    spk = {s: [] for s in SPLITS}
    for corpus in sorted(by_corpus):
        for s, keys in _share(by_corpus[corpus]).items():
            spk[s] += keys
    meetings = load_meetings(corpus_dir)
    train_talkers = {canon(sp) for sp in spk["train"]}
    for m in AMI_TRAIN:  # never a development talker, never a talker of an evaluation excerpt
        assert not set(meetings[m]["speakers"]) & set(dev), m
        for e in AMI_EVAL_ONLY:
            assert not set(meetings[m]["speakers"]) & set(meetings[e]["speakers"]), (m, e)
        train_talkers |= set(meetings[m]["speakers"])
    noise = _share([r["file"] for r in non_speech(catalogue, "noise")], 0.15, 0.15)
    music = _share([r["file"] for r in non_speech(catalogue, "music")], 0.2, 0.2, min_n=3)
    rir = _share([r["file"] for r in rirs(catalogue)], 0.2, 0.2, min_n=3)
    seconds = {sp: sum(r["seconds"] for r in recs) for sp, recs in speakers.items()}
    counts = {}
    for s in SPLITS:
        per = defaultdict(int)
        for sp in spk[s]:
            per[corpus_of(sp)] += 1
        counts[s] = dict(speakers=len(spk[s]), speech_minutes=round(sum(seconds[sp] for sp in spk[s]) / 60, 1),
                         by_corpus=dict(sorted(per.items())), noise_files=len(noise[s]),
                         music_files=len(music[s]), measured_rirs=len(rir[s]))
    return dict(
        description=__doc__.strip(),
        salt=SALT,
        counts=counts,
        speakers=spk,
        ami=dict(train=list(AMI_TRAIN), eval_only=AMI_EVAL_ONLY,
                 speakers={m: v["speakers"] for m, v in meetings.items()}),
        excluded_speakers=dict(sorted(excluded.items())),
        development_talkers=dev,
        excluded_other={"voxconverse_aepyx_multi": "multi-talker broadcast without a reference: not labellable",
                        "contains_speech": "noise/music with voices are never used as non-speech"},
        noise=noise,
        music=music,
        rirs=rir,
        midi="rendered scores are split by a stable hash of the score path: 10 % test, 10 % tune",
    )


def write(splits, path):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(splits, f, indent=1, ensure_ascii=False)
        f.write("\n")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def split_of_key(key):
    """Split of a rendered score (or any new file key): 10 % test, 10 % tune by stable hash."""
    h = stable_hash(SALT + key) % 100
    return "test" if h < 10 else "tune" if h < 20 else "train"
