"""Generates the test clips of the issue's foreground/background cases into
tests/fixtures/fgbg/ (reproducible, seed fixed): one short clip per case, built with the
room, track and level helpers of ../shared/tools/make_mixtures.py from the HELD-OUT speakers
of tools/train_fgbg/split.json (never seen in training).

Cases (T = 10 s unless stated; RT60 0.5-0.6 s; labels from the dry sources, as the generator
makes them):
  no_background     foreground only, pink noise 30 dB below
  background_only   a TV (2 voices, band-limited, compressed) 4 m away, nobody near the device
  overlap           foreground + a talker 4 m away speaking over it, 14 dB below
  loud_background   foreground + a talker 3 m away only 6 dB below
  two_talkers       foreground + two far talkers (-10 and -16 dB)
  moving_away       the foreground talker at 0.5 m for the first half, at 3 m for the second
  quiet_foreground  a very quiet near talker (-50 dBFS active level at 0.4 m) with a far
                    talker 8 dB below it (level only: this is not acoustically a whisper)
  one_second        1 s of foreground speech

  python make_cases.py --sources DIR --out tests/fixtures/fgbg
"""
import argparse
import json
import os
import sys

import numpy as np
import soundfile as sf

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "tools"))
import make_mixtures as mm  # noqa: E402

FS, HOP = mm.FS, mm.HOP
FG = "ls1688"
BG = ["ls26", "ls3436", "ls40"]


def place(dims, mic, dist, rng):
    for _ in range(4000):
        v = rng.normal(size=3)
        v[2] *= 0.2
        v /= np.linalg.norm(v)
        p = mic + dist * v
        if all(0.3 < p[i] < dims[i] - 0.3 for i in range(3)):
            return p
    raise RuntimeError("cannot place a source")


def case(name, pools, seed):
    rng = np.random.default_rng(seed)
    T = 1.2 if name == "one_second" else 10.0
    n = int(round(T * FS)) // HOP * HOP
    nf = n // HOP
    dims = [10.0, 7.0, 2.8]
    mic = np.array([2.0, 3.5, 1.0])
    rt60 = 0.55
    tracks = []  # (role, kind, dry, act, dist or [dists], rel_db)
    if name != "background_only":
        y, act = fg_track(pools, T, rng) if name != "one_second" else first_second(pools, T)
        tracks.append(("foreground", "near_talker", y[:n], act[:nf], 0.4 if name == "quiet_foreground" else 0.5, 0.0))
    fg_segs = mm.frames_to_segments(tracks[0][3]) if tracks else []
    specs = {"overlap": [("talker_overlap", BG[0], "overlap", 4.0, 14.0)],
             "loud_background": [("talker", BG[0], "continuous", 3.0, 6.0)],
             "two_talkers": [("talker", BG[0], "continuous", 3.5, 10.0), ("talker", BG[2], "intermittent", 5.0, 16.0)],
             "quiet_foreground": [("talker", BG[0], "continuous", 3.5, 8.0)],
             "background_only": [("tv", [BG[1], BG[0]], "continuous", 4.0, 0.0)]}.get(name, [])
    for kind, spk, mode, dist, rel in specs:
        y, act, _ = mm.build_track(rng, pools, spk, T, mode, fg_segs=fg_segs)
        tracks.append(("background", kind, y[:n], act[:nf], dist, rel))
    srcs = [place(dims, mic, t[4], rng) for t in tracks]
    if name == "moving_away":
        srcs.append(place(dims, mic, 3.0, rng))
    rirs, room = mm._rooms_rirs(dims, rt60, srcs, mic)
    mix = np.zeros(n)
    level = -50.0 if name == "quiet_foreground" else -26.0
    meta_sources, seg = [], {"foreground": [], "background": []}
    fg_level = None
    for k, (role, kind, dry, act, dist, rel) in enumerate(tracks):
        if kind == "tv":
            dry, _ = mm.tv_chain(dry, rng)
        if name == "moving_away" and role == "foreground":
            half = n // 2 // HOP * HOP
            near = mm.reverberate(dry[:half], rirs[0], dist)
            far = mm.reverberate(dry[half:], rirs[-1], 3.0)
            # Continuous tail across the switch: the near half's reverberation goes on.
            wet = np.concatenate([near, far])
            gain_ref = mm.active_level_db(near, act[: half // HOP])
            wet *= 10 ** ((level - gain_ref) / 20)
        else:
            wet = mm.reverberate(dry, rirs[k], dist)
            target = level - rel if role == "background" and fg_level is not None else level
            wet *= 10 ** ((target - mm.active_level_db(wet, act)) / 20)
        if role == "foreground":
            fg_level = level
        mix += wet
        segs = mm.frames_to_segments(act)
        seg[role].append(segs)
        meta_sources.append(dict(role=role, kind=kind, speaker=spk_name(tracks, k, specs),
                                 distance_m=dist, level_re_fg_db=(-rel if role == "background" and fg_level is not None else None),
                                 segments=segs))
    noise = None
    if name == "no_background":
        z = mm.pink_like(rng, n, "pink")
        mix += z * 10 ** ((level - 30.0) / 20)
        noise = dict(type="pink", snr_db_re_fg_active_level=30.0)
    mix += rng.standard_normal(n) * 10 ** (-80 / 20)
    segments = {r: mm.union_segments(v) for r, v in seg.items()}
    meta = dict(clip_id=name, file=name + ".wav", sample_rate=FS, duration_s=round(n / FS, 2), seed=seed,
                scenario=name, room=dict(dims_m=dims, **room), noise=noise, sources=meta_sources,
                segments=segments)
    return mix.astype(np.float32), meta


def spk_name(tracks, k, specs):
    if tracks[k][0] == "foreground":
        return FG
    spk = specs[k - (1 if tracks[0][0] == "foreground" else 0)][1]
    return spk if isinstance(spk, str) else "+".join(spk)


def fg_track(pools, T, rng):
    """The foreground talker's utterances back to back from 0.5 s with 0.3-0.8 s pauses,
    the last one cut at the clip's end (so that both halves of a clip hold speech)."""
    n = int(round(T * FS)) // HOP * HOP
    y, act = np.zeros(n), np.zeros(n // HOP, bool)
    t = 0.5
    for u in pools.by_speaker[FG]["utts"]:
        i0 = int(round(t * FS / HOP)) * HOP
        if i0 >= n - FS // 2:
            break
        x = pools.load(u)
        a = mm.utterance_activity(x)
        x = mm.level_norm(x, a, -26.0)
        L = min(len(x), n - i0)
        y[i0:i0 + L] = x[:L]
        act[i0 // HOP:i0 // HOP + L // HOP] = a[:L // HOP]
        t = (i0 + L) / FS + rng.uniform(0.3, 0.8)
    return y, act


def first_second(pools, T):
    """The first ~1 s of speech of one utterance, placed at 0.1 s."""
    n = int(round(T * FS)) // HOP * HOP
    u = pools.by_speaker[FG]["utts"][0]
    x = pools.load(u)
    a = mm.utterance_activity(x)
    start = int(np.argmax(a)) * HOP
    piece = mm.level_norm(x[start:start + FS], a[start // HOP:start // HOP + FS // HOP], -26.0)
    y = np.zeros(n)
    y[1600:1600 + len(piece)] = piece[: n - 1600]
    act = np.zeros(n // HOP, bool)
    act[10:10 + len(piece) // HOP] = a[start // HOP:start // HOP + len(piece) // HOP]
    return y, act


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sources", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    pools = mm.Pools(a.sources)
    names = ["no_background", "background_only", "overlap", "loud_background", "two_talkers",
             "moving_away", "quiet_foreground", "one_second"]
    for i, name in enumerate(names):
        y, meta = case(name, pools, 7000 + i)
        peak = float(np.max(np.abs(y)))
        if peak > 0.89:
            y *= 0.89 / peak
        sf.write(os.path.join(a.out, name + ".wav"), y, FS, subtype="PCM_16")
        with open(os.path.join(a.out, name + ".rttm"), "w") as f:
            lines = mm.rttm_lines(name, meta["segments"])
            f.write("\n".join(lines) + ("\n" if lines else ""))
        with open(os.path.join(a.out, name + ".json"), "w") as f:
            json.dump(meta, f, indent=1)
        print(name, meta["duration_s"], {r: round(sum(e - s for s, e in v), 2) for r, v in meta["segments"].items()})


if __name__ == "__main__":
    main()
