"""The data engine's entry point (run by build.sh): splits, room banks, rendered music, then
every clip of every split, deterministically from --seed.

    python tools/data/cli.py --shared ../shared --out target/data [--tiny] [--hours 24] [--jobs 2]
"""

import argparse
import json
import os
import pickle
import resource
import shutil
import sys
import time
from multiprocessing import Pool

import numpy as np

import catalogue as cat
import channel
import music
import rooms
import scenes
import splits as splits_mod
from common import FS, HOP, read_mono, write_wav16
from labels import frame_labels, rttm_text

SPLIT_SHARE = {"train": 0.8, "tune": 0.1, "test": 0.1}
COPY_PROB = 0.35  # a codec / telephone-band copy of the same scene
MEAN_CLIP_S = 17.0 * (1 + COPY_PROB)
ROOMS = {"train": 100, "tune": 20, "test": 20}
MIDI_SCORES = 60
G = {}  # per-process state, filled before the workers fork


def _room_task(args):
    seed, split_no, k = args
    return rooms.make_room(np.random.default_rng([seed, 7, split_no, k]))


def bank(seed, split_no, n, cache_dir, jobs):
    path = os.path.join(cache_dir, f"rooms_s{seed}_{split_no}_{n}_o{rooms.MAX_ORDER}.pkl")
    if not os.path.exists(path):
        with Pool(jobs) as p:
            b = p.map(_room_task, [(seed, split_no, k) for k in range(n)])
        with open(path + ".tmp", "wb") as f:
            pickle.dump(b, f)
        os.replace(path + ".tmp", path)
    with open(path, "rb") as f:
        return pickle.load(f)


def schedule(rng, n, weights=None):
    """n (scenario, with_copy) in proportion to the weights (largest remainder), shuffled;
    `weights` ({scenario: weight}) replaces the SCENARIOS weights (unnamed ones: 0)."""
    names = list(scenes.SCENARIOS)
    w = np.array([weights.get(s, 0) if weights else scenes.SCENARIOS[s][0] for s in names], float)
    q = w / w.sum() * n
    k = np.floor(q).astype(int)
    for i in np.argsort(-(q - k))[: n - k.sum()]:
        k[i] += 1
    # each scenario gets its share of degraded copies, so copies keep the scenario shares
    out = [(s, j < round(COPY_PROB * c)) for s, c in zip(names, k) for j in range(c)]
    return [out[i] for i in rng.permutation(len(out))]


def write_clip(out_dir, clip_id, y, fg, bg):
    write_wav16(os.path.join(out_dir, clip_id + ".wav"), y)
    np.save(os.path.join(out_dir, clip_id + ".labels.npy"), frame_labels(fg, bg))
    with open(os.path.join(out_dir, clip_id + ".rttm"), "w") as f:
        f.write(rttm_text(clip_id, fg, bg))


def stats(fg, bg):
    s = HOP / FS
    return dict(speech_s=round((fg | bg).sum() * s, 2), fg_s=round(fg.sum() * s, 2), bg_s=round(bg.sum() * s, 2),
                overlap_s=round((fg & bg).sum() * s, 2))


def _clip_task(args):
    split, split_no, idx, (scenario, with_copy) = args
    seed, pools, out_dir = G["seed"], G["pools"][split], os.path.join(G["out"], split)
    # stream 0: the data set of build.sh; another stream draws other clips (named apart)
    # from the same splits, rooms and material.
    key = [seed, split_no, idx] + ([G["stream"]] if G["stream"] else [])
    rng = np.random.default_rng(key)
    mix, fg, bg, params = scenes.make_clip(rng, pools, scenario, G["max_s"])
    y, dev = scenes.finish(rng, mix)
    clip_id = f"{split}_s{G['stream']}_{idx:05d}" if G["stream"] else f"{split}_{idx:05d}"
    write_clip(out_dir, clip_id, y, fg, bg)
    base = dict(clip_id=clip_id, split=split, seed=key, **params, device=dev, **stats(fg, bg))
    lines = [dict(base, file=clip_id + ".wav", copy_of=None)]
    if with_copy:
        yc, ch = channel.apply_copy_channel(rng, y)
        cid = clip_id + "c"
        write_clip(out_dir, cid, np.clip(yc, -1, 1), fg, bg)
        lines.append(dict(base, clip_id=cid, file=cid + ".wav", copy_of=clip_id, channel=ch))
    return lines


def copy_eval_ami(shared_corpus, meetings, names, out_dir):
    """The evaluation-only AMI excerpts as WAV with their original reference (speech only: no
    foreground/background distinction exists in a meeting)."""
    os.makedirs(out_dir, exist_ok=True)
    for name in names:
        write_wav16(os.path.join(out_dir, name + ".wav"), read_mono(os.path.join(shared_corpus, meetings[name]["file"])))
        for ext in (".rttm", ".uem"):
            shutil.copy(os.path.join(shared_corpus, "meetings", name + ext), os.path.join(out_dir, name + ext))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", required=True, help="the shared material folder (data/corpus, data/dev)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--splits-file", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--hours", type=float, default=24.0)
    ap.add_argument("--tiny", action="store_true", help="about a minute of audio (CI)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--splits", default=",".join(splits_mod.SPLITS),
                    help="which splits to write (comma-separated; default all)")
    ap.add_argument("--scenarios", help="SCENARIO=WEIGHT,... drawn instead of the default shares "
                    "(e.g. bg_alone=1,loud_talker=1); unnamed scenarios are not drawn")
    ap.add_argument("--stream", type=int, default=0,
                    help="another stream of clips from the same splits (clip seeds [seed, split, k, "
                    "stream], names SPLIT_sSTREAM_NNNNN); 0 = the default data set")
    a = ap.parse_args()
    a.out = os.path.abspath(a.out)  # music renders are read by path, relative to the corpus otherwise
    weights = None
    if a.scenarios:
        weights = {k: float(v) for k, v in (w.split("=", 1) for w in a.scenarios.split(","))}
        unknown = sorted(set(weights) - set(scenes.SCENARIOS))
        if unknown:
            ap.error(f"unknown scenarios: {', '.join(unknown)}")
    chosen = a.splits.split(",")
    if set(chosen) - set(splits_mod.SPLITS):
        ap.error(f"--splits: one or more of {', '.join(splits_mod.SPLITS)}")
    t_start = time.time()
    corpus = os.path.join(a.shared, "data", "corpus")
    catalogue = cat.load_catalogue(corpus)
    sp = splits_mod.make_splits(catalogue, corpus, os.path.join(a.shared, "data", "dev"))
    splits_mod.write(sp, a.splits_file)
    print(f"splits: {json.dumps(sp['counts'])}", flush=True)
    cache = os.path.join(a.out, "cache")
    os.makedirs(cache, exist_ok=True)
    n_rooms = {s: 2 for s in ROOMS} if a.tiny else ROOMS
    banks = {s: bank(a.seed, i, n_rooms[s], cache, a.jobs) for i, s in enumerate(splits_mod.SPLITS)}
    print(f"rooms: {sum(map(len, banks.values()))} ({time.time() - t_start:.0f} s)", flush=True)
    with Pool(a.jobs) as p:
        renders = music.render_all(music.score_keys(3 if a.tiny else MIDI_SCORES), os.path.join(cache, "music"),
                                   lambda f, *it: p.starmap(f, zip(*it)))
    midi = {s: [r for r in renders if splits_mod.split_of_key(r[0]) == s] for s in splits_mod.SPLITS}
    for s in splits_mod.SPLITS:  # tiny: every split needs at least one render
        midi[s] = midi[s] or renders
    print(f"music: {len(renders)} renders ({time.time() - t_start:.0f} s)", flush=True)
    speakers = cat.speech_speakers(catalogue)
    meetings = cat.load_meetings(corpus)
    measured = {s: [(f, rooms.load_measured(os.path.join(corpus, f))) for f in sp["rirs"][s]] for s in sp["rirs"]}
    G.update(seed=a.seed, stream=a.stream, out=a.out, max_s=8.0 if a.tiny else 30.0, pools={
        s: scenes.Pools(corpus, s, sp, speakers, catalogue, meetings, banks[s], measured[s], midi[s])
        for s in splits_mod.SPLITS})
    tasks = []
    for i, s in enumerate(splits_mod.SPLITS):
        if s not in chosen:
            continue
        d = os.path.join(a.out, s)
        if os.path.isdir(d):
            shutil.rmtree(d)
        os.makedirs(d)
        n = 2 if a.tiny else max(1, round(a.hours * 3600 * SPLIT_SHARE[s] / MEAN_CLIP_S))
        rng = np.random.default_rng([a.seed, 99, i])
        sched = [("fg_only", True), ("nonspeech", False)] if a.tiny else schedule(rng, n, weights)
        if a.tiny and s == "train":
            sched = [("talker_tv", True), ("nonspeech", True), ("meeting", False)]
        tasks += [(s, i, k, sc) for k, sc in enumerate(sched)]
    manifests = {s: [] for s in chosen}
    with Pool(a.jobs) as p:
        for done, lines in enumerate(p.imap(_clip_task, tasks, chunksize=4), 1):
            manifests[lines[0]["split"]] += lines
            if done % 100 == 0:
                print(f"clips {done}/{len(tasks)} ({time.time() - t_start:.0f} s)", flush=True)
    for s, lines in manifests.items():
        with open(os.path.join(a.out, s, "manifest.jsonl"), "w") as f:
            for line in lines:
                f.write(json.dumps(line) + "\n")
    if set(chosen) == set(splits_mod.SPLITS):
        copy_eval_ami(corpus, meetings, sorted(sp["ami"]["eval_only"]), os.path.join(a.out, "eval_ami"))
    hours = sum(l["duration_s"] for ls in manifests.values() for l in ls) / 3600
    cpu = sum(getattr(resource.getrusage(w), f) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
              for f in ("ru_utime", "ru_stime"))
    print(f"done: {sum(map(len, manifests.values()))} clips, {hours:.2f} h in {time.time() - t_start:.0f} s "
          f"({cpu:.0f} s of CPU, subprocesses included)", flush=True)


if __name__ == "__main__":
    sys.exit(main())
