"""Mixing scenes: one clip = a room from the bank, a near foreground talker and/or background
sources (talkers 2-8 m away, a TV, a talker in another room, a meeting), a noise or music bed,
and the device. Labels come from each clean source's own activity (labels.py) or, for
meetings, from the human reference turns; never from a mixture."""

import os

import numpy as np
from scipy.signal import fftconvolve

import beds
import channel
from catalogue import corpus_of
from common import FS, HOP, REF_DBFS, active_level_db, fit_length, read_mono, rms_db
from labels import rttm_mask, utterance_activity

# name: (weight in %, background kinds). Non-speech clips are 20 %; "meeting" needs the AMI
# training excerpts and becomes "talker_continuous" in tune / test.
SCENARIOS = {
    "fg_only": (14, []),
    "talker_intermittent": (10, ["talker:intermittent"]),
    "talker_continuous": (8, ["talker:continuous"]),
    "talker_overlap": (8, ["talker:overlap"]),
    "two_talkers": (5, ["talker:intermittent", "talker:continuous"]),
    "tv": (9, ["tv"]),
    "talker_tv": (4, ["talker:intermittent", "tv"]),
    "other_room": (6, ["other_room"]),
    "meeting": (4, ["meeting"]),
    "bg_only": (8, None),  # one or two of talker / tv / other_room, no foreground
    "nonspeech": (20, None),
    # Drawn only on request (`cli.py --scenarios`): the scenes the labeller's hard cases
    # need more of. One far source and nobody near (the anchor rests on it), and a far
    # talker only 3-8 dB under the near one (LOUD_TALKER_REL_DB).
    "bg_alone": (0, None),
    "loud_talker": (0, ["talker:any"]),
}
LOUD_TALKER_REL_DB = (3, 8)
FG_CORPUS_WEIGHT = {"ls": 0.4, "vctk": 0.3, "sc": 0.13, "fsdd": 0.05, "mycroft": 0.06, "cv": 0.02, "fs": 0.02, "ami": 0.02}
NONSPEECH_KINDS = ["music", "midi", "midi_tv", "noise", "typing", "dishes", "room_tone", "noise_music"]


class Pools:
    """The material of one split, loaded lazily (per worker process)."""

    def __init__(self, corpus_dir, split, splits, speakers, catalogue, meetings, bank, measured, midi):
        self.dir = corpus_dir
        self.split = split
        self.by_corpus = {}
        for sp in splits["speakers"][split]:
            self.by_corpus.setdefault(corpus_of(sp), []).append(sp)
        self.utts = {sp: speakers[sp] for sp in splits["speakers"][split]}
        rec = {r["file"]: r for r in catalogue}
        self.noise = [rec[f] for f in splits["noise"][split]]
        self.typing = [r for r in self.noise if "typing" in r["file"]]
        self.music = [rec[f] for f in splits["music"][split]]
        self.meetings = {m: meetings[m] for m in splits["ami"]["train"]} if split == "train" else {}
        self.bank = bank
        self.measured = measured  # [(file, rir)]
        self.midi = midi  # [(key, path, info)]
        self._cache = {}

    def audio(self, path):
        if path not in self._cache:
            self._cache[path] = read_mono(path if os.path.isabs(path) else os.path.join(self.dir, path))
        return self._cache[path]

    def utterance(self, r):
        """(signal at REF_DBFS active level, activity) of one clean utterance record."""
        key = "utt:" + r["file"]
        if key not in self._cache:
            x = read_mono(os.path.join(self.dir, r["file"]))
            act = utterance_activity(x)
            lev = active_level_db(x, act)
            if lev is not None:
                x = x * 10 ** ((REF_DBFS - lev) / 20)
            self._cache[key] = (x.astype(np.float32), act)
        return self._cache[key]

    def pick_speaker(self, rng, avoid):
        corpora = [c for c in FG_CORPUS_WEIGHT if any(s not in avoid for s in self.by_corpus.get(c, []))]
        w = np.array([FG_CORPUS_WEIGHT[c] for c in corpora])
        c = corpora[int(rng.choice(len(corpora), p=w / w.sum()))]
        cands = [s for s in self.by_corpus[c] if s not in avoid]
        return cands[int(rng.integers(len(cands)))]


def build_track(rng, pools, speakers, n, mode, fg_act=None):
    """Place the utterances of one or more speakers on an n-sample timeline.
    mode: fg (lead-in, pauses 0.25-1.5 s, sometimes 2-5 s), continuous (most of the clip),
    intermittent (1-3 utterances at random times), overlap (started inside foreground speech)."""
    nf = n // HOP
    y, act, placed = np.zeros(n), np.zeros(nf, bool), []
    utts = [r for sp in speakers for r in pools.utts[sp]]
    order = list(rng.permutation(len(utts)))
    passes = 0

    def next_utt():
        nonlocal order, passes
        if not order:
            passes += 1
            order = list(rng.permutation(len(utts)))
        return utts[order.pop(0)]

    def put(r, t0, burst=False):
        x, a = pools.utterance(r)
        src0 = 0
        if burst:  # a 1-5 s phrase of the utterance, from a speech onset to a speech offset
            x, a, src0 = _phrase(rng, x, a)
        i0 = int(round(t0 * FS / HOP)) * HOP
        if i0 >= n - HOP:
            return None
        L = min(len(x), n - i0) // HOP * HOP
        if burst and act[i0 // HOP: i0 // HOP + L // HOP + 20].any():
            return None  # one talker never overlaps themself
        y[i0: i0 + L] += x[:L]
        act[i0 // HOP: i0 // HOP + L // HOP] |= a[: L // HOP]
        placed.append((r["file"], round(i0 / FS, 2), round(L / FS, 2), round(src0 / FS, 2)))
        return (i0 + L) / FS

    T = n / FS
    if mode in ("fg", "continuous"):
        t = rng.uniform(0.1, 1.5) if mode == "fg" else rng.uniform(0.0, 0.3 * T)
        while t < T - 0.3 and passes < 3:
            end = put(next_utt(), t)
            if end is None:
                break
            long_pause = rng.random() < (0.2 if mode == "fg" else 0.05)
            t = end + (rng.uniform(2.0, 5.0) if long_pause else rng.uniform(0.25, 1.5 if mode == "fg" else 0.9))
    else:
        on = np.flatnonzero(np.diff(np.concatenate([[0], fg_act.astype(np.int8)])) == 1) if fg_act is not None else []
        want, tries = int(rng.integers(1, 4)), 0
        while len(placed) < want and tries < 12:
            tries += 1
            if mode == "overlap" and len(on):
                t0 = max(0.0, on[int(rng.integers(len(on)))] * HOP / FS + rng.uniform(-0.5, 1.0))
            else:
                t0 = rng.uniform(0.0, max(0.1, T - 1.0))
            put(next_utt(), t0, burst=True)
    return y, act, placed


def _phrase(rng, x, a):
    """(signal, activity, first sample) of a 1-5 s stretch from a speech onset to an offset."""
    d = np.diff(np.concatenate([[0], a.astype(np.int8), [0]]))
    on, off = np.flatnonzero(d == 1), np.flatnonzero(d == -1)
    if len(on) == 0:
        return x, a, 0
    s = int(on[int(rng.integers(len(on)))])
    ends = off[(off - s >= 100) & (off - s <= 500)]
    e = int(ends[int(rng.integers(len(ends)))]) if len(ends) else int(off[np.searchsorted(off, s, "right")])
    e = min(e + 5, len(a))  # 50 ms of decay after the last active frame
    return x[s * HOP: e * HOP], a[s:e], s * HOP


def convolve(x, rir):
    return fftconvolve(x, rir)[: len(x)]


def _bg_rir(rng, pools, room, slot):
    """A bank slot response, or (15 %) a measured one of the split for far sources."""
    if slot == "far" and pools.measured and rng.random() < 0.15:
        f, r = pools.measured[int(rng.integers(len(pools.measured)))]
        return r, dict(rir="measured", rir_file=f)
    k = int(rng.integers(len(room["slots"][slot])))
    r, d = room["slots"][slot][k]
    return r, dict(rir="simulated", slot=f"{slot}{k}", distance_m=d)


def background_source(rng, pools, room, kind, n, used, fg_act):
    """One background source at the microphone: (signal, activity, params)."""
    nf = n // HOP
    if kind == "meeting":
        name = sorted(pools.meetings)[int(rng.integers(len(pools.meetings)))]
        m = pools.meetings[name]
        x = pools.audio(m["file"])
        off = float(rng.uniform(0, max(0.0, len(x) / FS - n / FS)))
        i0 = int(off * FS) // HOP * HOP
        dry = fit_length(x[i0: i0 + n], n)
        act = rttm_mask(m["turns"], nf, t0=i0 / FS) & (np.arange(nf) < (len(x) - i0) // HOP)
        rir, info = _bg_rir(rng, pools, room, "far")
        return convolve(dry, rir), act, dict(kind=kind, meeting=name, offset_s=round(i0 / FS, 2), **info,
                                             label_source="AMI reference turns")
    base, _, mode = kind.partition(":")
    spk = [pools.pick_speaker(rng, used)]
    if base == "tv":
        for _ in range(int(rng.integers(0, 3))):
            spk.append(pools.pick_speaker(rng, used | set(spk)))
        mode = "continuous"
    if base == "other_room":
        mode = "continuous" if rng.random() < 0.6 else "intermittent"
    used.update(spk)
    dry, act, placed = build_track(rng, pools, spk, n, mode, fg_act)
    heard = {r["file"]: r["speaker"] for sp in spk for r in pools.utts[sp]}
    spk = sorted({heard[u[0]] for u in placed})
    params = dict(kind=base, placement=mode, speakers=spk, utterances=placed)
    if base == "tv":
        dry, p = channel.tv_chain(rng, dry)
        rir, info = _bg_rir(rng, pools, room, "wall")
        params.update(tv=p, **info)
    elif base == "other_room":
        adj = room["adjacent"]
        dry = convolve(dry, adj["rir"])
        dry, p = channel.door_leak(rng, dry)
        rir, info = _bg_rir(rng, pools, room, "door")
        params.update(adjacent_room=dict(dims_m=adj["dims_m"], rt60_design=adj["rt60_design"],
                                         talker_to_door_m=adj["talker_to_door_m"]), **p, **info)
    else:
        rir, info = _bg_rir(rng, pools, room, "far")
        params.update(**info)
    return convolve(dry, rir), act, params


REL_DB = {"talker": (3, 25), "tv": (-3, 20), "other_room": (8, 30), "meeting": (5, 25)}


def bed(rng, pools, room, n, kind=None):
    """A noise or music bed with unit RMS: (signal, params)."""
    if kind is None:
        kind = ["noise", "noise", "music", "midi", "midi", "coloured", "room_tone", "dishes", "typing"][int(rng.integers(9))]
    if kind == "typing" and not pools.typing:
        kind = "dishes"
    if kind in ("music", "noise", "typing"):
        lst = {"music": pools.music, "noise": pools.noise, "typing": pools.typing}[kind]
        r = lst[int(rng.integers(len(lst)))]
        y, info = beds.excerpt(rng, pools.audio(r["file"]), n), dict(source=r["file"], licence=r["licence"])
    elif kind in ("midi", "midi_tv"):
        key, path, minfo = pools.midi[int(rng.integers(len(pools.midi)))]
        y, info = beds.excerpt(rng, pools.audio(path), n), dict(source=key, render=minfo)
        if kind == "midi_tv":
            y, tv = channel.tv_chain(rng, y)
            info["tv"] = tv
    elif kind == "coloured":
        c = ["white", "pink", "brown"][int(rng.integers(3))]
        y, info = beds.coloured(rng, n, c), dict(colour=c)
    elif kind == "room_tone":
        y, info = beds.room_tone(rng, n)
    else:
        y, info = beds.dishes(rng, n)
    if kind == "midi_tv" or rng.random() < 0.4:
        slot = "wall" if kind == "midi_tv" else "far"
        r, rinfo = _bg_rir(rng, pools, room, slot)
        y = convolve(y, r)
        info["room"] = rinfo
    y = y / (np.sqrt(np.mean(y ** 2)) + 1e-12)
    return y, dict(type=kind, **info)


def make_clip(rng, pools, scenario, max_s=30.0):
    """Returns (mix, fg mask, bg mask, params) of one clip before the device."""
    if scenario == "meeting" and not pools.meetings:
        scenario = "talker_continuous"
    T = float(rng.uniform(4.0, max_s))
    n = int(T * FS) // HOP * HOP
    nf = n // HOP
    room_k = int(rng.integers(len(pools.bank)))
    room = pools.bank[room_k]
    params = dict(scenario=scenario, duration_s=round(n / FS, 2),
                  room=dict(bank_index=room_k, dims_m=room["dims_m"], rt60_design=room["rt60_design"]))
    fg, bg = np.zeros(nf, bool), np.zeros(nf, bool)
    mix = np.zeros(n)
    if scenario == "nonspeech":
        kind = NONSPEECH_KINDS[int(rng.integers(len(NONSPEECH_KINDS)))]
        if kind == "noise_music":
            a, pa = bed(rng, pools, room, n, "noise")
            b, pb = bed(rng, pools, room, n, ["music", "midi"][int(rng.integers(2))])
            g = float(rng.uniform(-10, 10))
            y, pbed = a + b * 10 ** (g / 20), dict(type="noise_music", parts=[pa, pb], music_re_noise_db=round(g, 1))
        else:
            y, pbed = bed(rng, pools, room, n, kind)
        level = REF_DBFS + float(rng.uniform(-25, 0))
        mix = y * 10 ** (level / 20)
        params.update(nonspeech=dict(pbed, level_dbfs=round(level, 1)), sources=[])
        return mix, fg, bg, params
    used = set()
    sources = []
    if scenario in ("bg_only", "bg_alone"):
        kinds = [["talker:continuous", "talker:intermittent", "tv", "other_room"][int(rng.integers(4))]]
        if scenario == "bg_only" and rng.random() < 0.3:
            kinds.append(["talker:intermittent", "tv"][int(rng.integers(2))])
        ref = REF_DBFS - float(rng.uniform(0, 20))
    else:
        kinds = list(SCENARIOS[scenario][1])
        if kinds == ["talker:any"]:
            kinds = [["talker:continuous", "talker:intermittent", "talker:overlap"][int(rng.integers(3))]]
        spk = pools.pick_speaker(rng, used)
        used.add(spk)
        dry, fg, placed = build_track(rng, pools, [spk], n, "fg")
        k = int(rng.integers(len(room["slots"]["near"])))
        rir, d = room["slots"]["near"][k]
        y = convolve(dry, rir)
        lev = active_level_db(y, fg)
        ref = REF_DBFS
        if lev is not None:
            y *= 10 ** ((ref - lev) / 20)
        mix += y
        sources.append(dict(role="foreground", kind="near_talker", speakers=[spk], slot=f"near{k}", distance_m=d,
                            level_dbfs=round(ref, 1), utterances=placed))
    for kind in kinds:
        y, act, p = background_source(rng, pools, room, kind, n, used, fg)
        lev = active_level_db(y, act)
        if lev is None:
            continue
        lo, hi = LOUD_TALKER_REL_DB if scenario == "loud_talker" else REL_DB[p["kind"]]
        target = ref - float(rng.uniform(lo, hi)) if fg.any() else ref - float(rng.uniform(0, 8))
        mix += y * 10 ** ((target - lev) / 20)
        bg |= act
        sources.append(dict(role="background", level_dbfs=round(target, 1),
                            level_re_fg_db=round(target - ref, 1) if fg.any() else None, **p))
    params["sources"] = sources
    speech_level = ref if fg.any() else max((s["level_dbfs"] for s in sources), default=ref)
    if rng.random() < 0.75:
        y, pbed = bed(rng, pools, room, n)
        snr = float(rng.uniform(-5, 30))
        mix += y * 10 ** ((speech_level - snr) / 20)
        params["bed"] = dict(pbed, snr_db=round(snr, 1))
    return mix, fg, bg, params


def finish(rng, mix):
    """Sensor noise, 60 Hz high-pass and the device (gain, clipping); returns (signal, params)."""
    floor = float(rng.uniform(-90, -70))
    y = mix + rng.standard_normal(len(mix)) * 10 ** (floor / 20)
    y = channel.highpass(y)
    drive = float(rng.uniform(1, 12)) if rng.random() < 0.06 else None
    y, dev = channel.device(rng, y, drive)
    return y, dict(sensor_floor_dbfs=round(floor, 1), **dev, rms_dbfs=round(rms_db(y), 1))
