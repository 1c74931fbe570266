"""Room impulse responses: a bank of simulated shoebox rooms (pyroomacoustics image-source
method) and the corpus's measured responses.

Each bank room has one microphone and source slots at the distances the scenes need: near
(0.3-1 m, the foreground talker), far (2-8 m, background talkers and meetings), wall (a TV
loudspeaker), door (where another room leaks in), plus one response inside an adjacent room
(talker to doorway). Every response is trimmed at its direct-path arrival, so a convolved
source stays aligned with its dry timeline and its labels mark the direct sound (reverberant
tails are not labelled, as in the development mixtures).
"""

import numpy as np
import pyroomacoustics as pra

from common import FS, read_mono

SLOTS = {"near": (3, 0.3, 1.0), "far": (4, 2.0, 8.0), "wall": (2, 2.0, 6.0), "door": (1, 3.0, 8.0)}
MAX_ORDER = 40  # image-source order cap: keeps a 0.9 s room under a second of CPU


def _point(rng, dims, margin, z):
    return np.array([rng.uniform(margin, dims[0] - margin), rng.uniform(margin, dims[1] - margin), rng.uniform(*z)])


def _place(rng, dims, mic, dmin, dmax, z, wall=False, tries=3000):
    """A point dmin-dmax from the mic (on a wall if asked); the farthest tried point when the
    room is too small for dmin."""
    best, best_d = None, -1.0
    for _ in range(tries):
        p = _point(rng, dims, 0.3, z)
        if wall:
            k = int(rng.integers(4))
            p[k // 2] = 0.25 if k % 2 == 0 else dims[k // 2] - 0.25
        d = float(np.linalg.norm(p - mic))
        if dmin <= d <= dmax:
            return p, d
        if d <= dmax and d > best_d:
            best, best_d = p, d
    return best, best_d


def _simulate(dims, rt60, sources, mic):
    """Image-source responses of one shoebox room, each trimmed at its direct path."""
    e_abs, order = pra.inverse_sabine(rt60, dims)
    room = pra.ShoeBox(dims, fs=FS, materials=pra.Material(min(max(e_abs, 0.02), 0.99)),
                       max_order=int(min(order, MAX_ORDER)), air_absorption=True)
    for s in sources:
        room.add_source(list(s))
    room.add_microphone(np.asarray(mic, float).reshape(3, 1))
    room.compute_rir()
    out = []
    for k, s in enumerate(sources):
        r = np.asarray(room.rir[0][k], float)
        d0 = int(np.linalg.norm(np.asarray(s) - mic) / pra.constants.get("c") * FS)
        out.append(r[d0:].astype(np.float32))
    return out


def make_room(rng):
    """One bank room: geometry, RT60 (0.15-0.9 s) and its slot responses."""
    dims = [float(rng.uniform(3.0, 12.0)), float(rng.uniform(3.0, 10.0)), float(rng.uniform(2.4, 3.5))]
    rt60 = float(rng.uniform(0.15, 0.9))
    mic = _point(rng, dims, 0.5, (0.7, 1.5))
    srcs, meta = [], []
    for name, (k, dmin, dmax) in SLOTS.items():
        for _ in range(k):
            z = (1.0, 1.8) if name != "wall" else (0.6, 1.4)
            p, d = _place(rng, dims, mic, dmin, dmax, z, wall=name in ("wall", "door"))
            srcs.append(p)
            meta.append((name, round(d, 2)))
    rirs = _simulate(dims, rt60, srcs, mic)
    adj_dims = [float(rng.uniform(3.0, 6.0)), float(rng.uniform(3.0, 5.0)), dims[2]]
    adj_rt = float(rng.uniform(0.3, 0.9))
    door = np.array([0.1, adj_dims[1] / 2, 1.2])
    p, d = _place(rng, adj_dims, door, 1.0, 4.0, (1.2, 1.8))
    adj = _simulate(adj_dims, adj_rt, [p], door)[0]
    slots = {}
    for (name, dist), r in zip(meta, rirs):
        slots.setdefault(name, []).append((r, dist))
    return dict(dims_m=[round(v, 2) for v in dims], rt60_design=round(rt60, 3), mic_m=[round(v, 2) for v in mic],
                slots=slots, adjacent=dict(dims_m=[round(v, 2) for v in adj_dims], rt60_design=round(adj_rt, 3),
                                           rir=adj, talker_to_door_m=round(d, 2)))


def make_bank(seed, n_rooms):
    rng = np.random.default_rng(seed)
    return [make_room(rng) for _ in range(n_rooms)]


def load_measured(path):
    """A measured response trimmed 2.5 ms before its strongest peak and normalised to a unit
    direct peak."""
    r = read_mono(path)
    p = int(np.argmax(np.abs(r)))
    r = r[max(0, p - 40):]
    return (r / (np.abs(r).max() + 1e-12)).astype(np.float32)
