"""Music rendered from scores, since real recorded music is scarce in the corpus: scores of
music21's bundled corpus (public-domain compositions) written to MIDI with random General
MIDI instruments, tempo and transposition, and synthesised with fluidsynth and the
FluidR3_GM soundfont (Debian's fluid-soundfont-gm). Renders are cached as FLAC under
target/data/cache/music/ and split by score (splits.split_of_key)."""

import json
import os
import subprocess
import tempfile

import numpy as np
import soundfile as sf

from common import FS, read_mono, stable_hash

SOUNDFONT = "/usr/share/sounds/sf2/FluidR3_GM.sf2"
COMPOSERS = ("bach", "palestrina", "monteverdi", "trecento", "beethoven", "mozart", "haydn", "ryansMammoth",
             "schumann_robert", "joplin", "chopin", "handel", "corelli")
# General MIDI programs (0-based): pianos, organ, guitars, bass, strings, ensemble, brass,
# reeds, pipes, synth pads, mallets.
PROGRAMS = (0, 1, 4, 6, 11, 12, 16, 19, 21, 24, 25, 26, 32, 33, 40, 41, 42, 48, 49, 52, 56, 57, 60, 61, 64, 65, 68,
            71, 73, 74, 80, 88, 89, 95, 105, 108)
MAX_SECONDS = 90.0


def score_keys(n):
    """n score paths (relative to music21's corpus) in a stable hash order."""
    from music21 import corpus
    keys = []
    for p in corpus.getCorePaths():
        rel = str(p).split("/corpus/", 1)[1]
        if rel.split("/")[0] in COMPOSERS:
            keys.append(rel)
    keys.sort(key=lambda k: (stable_hash(k), k))
    return keys[:n]


def render(key, out_path):
    """Render one score; returns the parameters, or None if the score cannot be rendered."""
    from music21 import corpus, instrument, stream, tempo
    rng = np.random.default_rng(stable_hash("music:" + key))
    s = corpus.parse(key)
    if isinstance(s, stream.Opus):
        s = s.scores[0]
    semis = int(rng.integers(-5, 6))
    if semis:
        s = s.transpose(semis)
    bpm = float(rng.uniform(60, 160))
    max_ql = MAX_SECONDS * bpm / 60  # keep the first MAX_SECONDS: long scores render slowly
    if s.highestTime > max_ql:
        bar = s.parts[0].getElementsByClass("Measure")
        if not bar:
            return None
        per_bar = max(bar[0].barDuration.quarterLength, 1.0)
        s = s.measures(0, int(max_ql / per_bar) + 1)
    progs = []
    for part in s.parts:
        prog = int(rng.choice(PROGRAMS))
        progs.append(prog)
        for old in list(part.recurse().getElementsByClass(("Instrument", "MetronomeMark"))):
            old.activeSite.remove(old)
        inst = instrument.Instrument()
        inst.midiProgram = prog
        part.insert(0, inst)
        part.insert(0, tempo.MetronomeMark(number=bpm))
    with tempfile.TemporaryDirectory() as td:
        mid, wav = os.path.join(td, "s.mid"), os.path.join(td, "s.wav")
        s.write("midi", fp=mid)
        gain = float(rng.uniform(0.3, 0.8))
        subprocess.run(["fluidsynth", "-ni", "-q", "-g", f"{gain:.2f}", "-r", str(FS), "-F", wav, SOUNDFONT, mid],
                       check=True, capture_output=True, timeout=15)  # a malformed MIDI can play for hours
        x = read_mono(wav)[: int(MAX_SECONDS * FS)]
    if len(x) < 4 * FS or np.abs(x).max() < 1e-4:
        return None
    x = x / np.abs(x).max() * 0.9
    sf.write(out_path, x, FS, subtype="PCM_16")
    return dict(score=key, transpose=semis, bpm=round(bpm), programs=progs, seconds=round(len(x) / FS, 2))


def _cached(cache_dir, key):
    """Render one score unless cached; returns (key, path, params or None)."""
    path = os.path.join(cache_dir, key.replace("/", "+").rsplit(".", 1)[0] + ".flac")
    meta = path + ".json"
    if not os.path.exists(meta):
        try:
            info = render(key, path)
        except Exception as e:  # a score music21 cannot turn into MIDI: skipped, noted
            info = None
            print(f"music: skipped {key}: {type(e).__name__}: {e}", flush=True)
        with open(meta, "w") as f:
            json.dump(info, f)
    with open(meta) as f:
        return key, path, json.load(f)


def render_all(keys, cache_dir, pool_map=map):
    """Render the scores not yet cached (pool_map: a process pool's map); returns
    [(key, path, params)] of the usable renders, in the order of keys."""
    os.makedirs(cache_dir, exist_ok=True)
    done = pool_map(_cached, [cache_dir] * len(keys), keys)
    return [r for r in done if r[2] is not None]
