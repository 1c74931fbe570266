#!/usr/bin/env python3
"""Self-checks for the peer ports in run_peers.py.

usage: selfcheck.py [WAV_DIR ...]

1. get_speech_timestamps_from_probs port vs hand-computed expected results on
   synthetic probability sequences (no package code involved).
2. py-webrtcvad example.py collector port vs hand-computed expected segments
   on a synthetic voiced/unvoiced pattern (fake Vad object).
3. The INSTALLED silero-vad package's own code, run without torch: torch is
   replaced (for this process only) by a tiny numpy shim implementing the
   handful of tensor ops that silero_vad.utils_vad uses (Tensor(), is_tensor,
   zeros, cat, from_numpy, nn.functional.pad, no_grad, .dim/.unsqueeze/
   .numpy/.item/.float).  With it we call the package's real
   OnnxWrapper + get_speech_timestamps(audio, model) (all defaults) on every
   *.wav in WAV_DIR (default: the dev set) and on random probability
   sequences with several max_speech_duration_s settings, and require
   identical sample timestamps from our port.

Exits non-zero on any mismatch.  Prints 'N passed, N failed'.
"""
import glob
import os
import random
import sys
import types

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run_peers as rp  # noqa: E402

results = {"passed": 0, "failed": 0}


def check(name, got, want):
    if got == want:
        results["passed"] += 1
        print(f"ok   {name}")
    else:
        results["failed"] += 1
        print(f"FAIL {name}\n  got  {got}\n  want {want}")


# ---------------------------------------------------------------- 1. synthetic
def synthetic_silero():
    def ts(probs, n=None, **kw):
        return [(d["start"], d["end"]) for d in rp.get_speech_timestamps_from_probs(probs, audio_length_samples=n, **kw)]

    # A: speech windows 3..12, weak silence 13..17 (5 windows -> 2048 >= 1600
    # samples of silence at window 17 closes it at temp_end=13*512=6656),
    # then a 2-window burst (18,19) that is closed at window 24 and dropped
    # (10240-9216=1024 <= 4000 min speech samples).  Pad 480 each side.
    a = [0.1] * 3 + [0.9] * 10 + [0.2] * 5 + [0.6] * 2 + [0.1] * 10
    check("silero synthetic A", ts(a), [(1536 - 480, 6656 + 480)])
    # B: two segments; the gap 5120..7680 (2560 >= 2*480) gets plain padding;
    # the open segment is closed at the audio length (14236), pad clipped.
    b = [0.9] * 10 + [0.1] * 5 + [0.9] * 10 + [0.4] * 3
    check("silero synthetic B", ts(b, n=28 * 512 - 100), [(0, 5600), (7200, 14236)])
    # C: hysteresis: 0.4 lies between neg_threshold 0.35 and threshold 0.5
    # and keeps the segment open until the 0.1 run (temp_end = 30*512).
    c = [0.9] * 10 + [0.4] * 20 + [0.1] * 5
    check("silero synthetic C", ts(c), [(0, 15360 + 480)])
    # D: a short blip (< 250 ms) at the very end is dropped
    d = [0.1] * 20 + [0.9] * 5
    check("silero synthetic D", ts(d), [])
    # E: threshold is '>=' and neg_threshold is '<' (0.35 exactly does not end)
    e = [0.5] * 10 + [0.35] * 10 + [0.0] * 5
    check("silero synthetic E", ts(e), [(0, 20 * 512 + 480)])


def synthetic_webrtc():
    class FakeVad:
        def __init__(self, pattern):
            self.p = pattern
            self.i = 0

        def is_speech(self, buf, sr):
            v = self.p[self.i]
            self.i += 1
            return v

    # 5 unvoiced, 12 voiced, 3 unvoiced, 1 voiced, 12 unvoiced, 10 voiced
    pat = [0] * 5 + [1] * 12 + [0] * 3 + [1] + [0] * 12 + [1] * 10
    n = len(pat)
    audio = b"\0\0" * (480 * n + 1)  # +1 sample so the last frame is yielded ('<')
    frames = list(rp.frame_generator(30, audio, 16000))
    check("webrtc frame count", len(frames), n)
    segs = list(rp.vad_collector_segments(16000, 30, 300, FakeVad(pat), frames))
    segs = [(round(s, 6), round(e, 6)) for s, e in segs]
    # trigger when ring (10) is all voiced: frames 5..14 -> start 5*0.03=0.15
    # triggered from frame 15 on; ring restarts empty; release when 10 of the
    # last 10 are unvoiced: frames 21..30 unvoiced?  frame 20 is voiced, so
    # the first all-unvoiced ring is frames 21..30 -> end (30+1)*0.03=0.93.
    # Then frames 31,32 unvoiced, 33..42 voiced: ring full voiced at frame 42
    # -> start 33*0.03=0.99, closed at end of input 43*0.03=1.29.
    check("webrtc collector synthetic", segs, [(0.15, 0.93), (0.99, 1.29)])
    # frame_generator drops a final frame that ends exactly at the end
    frames2 = list(rp.frame_generator(30, b"\0\0" * (480 * 3), 16000))
    check("webrtc frame_generator strict <", len(frames2), 2)


# ------------------------------------------------------- 3. package, no torch
def install_torch_shim():
    class Tensor(np.ndarray):
        def __new__(cls, data=None, *a):
            return np.asarray(data, dtype=np.float32).view(cls)

        def dim(self):
            return self.ndim

        def unsqueeze(self, d):
            return np.expand_dims(self, d)

        def numpy(self):
            return np.asarray(self)

        def float(self):
            return self.astype(np.float32)

        def cpu(self):
            return self

    class _NoGrad:
        def __enter__(self):
            return self

        def __exit__(self, *a):
            return False

        def __call__(self, f):
            return f

    t = types.ModuleType("torch")
    t.Tensor = Tensor
    t.is_tensor = lambda x: isinstance(x, Tensor)
    t.zeros = lambda *s: np.zeros(s[0] if len(s) == 1 else s, dtype=np.float32).view(Tensor)
    t.cat = lambda xs, dim=0: np.concatenate([np.asarray(x) for x in xs], axis=dim).view(Tensor)
    t.from_numpy = lambda a: np.asarray(a).view(Tensor)
    t.no_grad = _NoGrad
    t.device = lambda name: name
    t.set_num_threads = lambda n: None

    def pad(x, p, mode="constant", value=0.0):
        return np.pad(np.asarray(x), (p[0], p[1]), constant_values=value).view(Tensor)

    t.nn = types.SimpleNamespace(functional=types.SimpleNamespace(pad=pad))
    sys.modules["torch"] = t


def package_checks(wav_dirs):
    install_torch_shim()
    try:
        from silero_vad import utils_vad
        from silero_vad.utils_vad import OnnxWrapper
    except Exception as exc:  # pragma: no cover
        check(f"import silero_vad with torch shim ({exc!r})", False, True)
        return
    import silero_vad

    print(f"silero-vad {getattr(silero_vad, '__version__', '?')} from {os.path.dirname(silero_vad.__file__)}")
    ref_model = OnnxWrapper(rp.silero_model_path(), force_onnx_cpu=True)
    our_model = rp.SileroOnnx()

    wavs = []
    for d in wav_dirs:
        wavs += sorted(glob.glob(os.path.join(d, "**", "*.wav"), recursive=True))
    all_probs = []
    for w in wavs:
        _pcm, f32 = rp.load_audio(w)
        want = utils_vad.get_speech_timestamps(f32, ref_model)
        want = [(d["start"], d["end"]) for d in want]
        probs = rp.silero_probs(our_model, f32)
        all_probs.append((probs, len(f32)))
        got = [(d["start"], d["end"]) for d in rp.get_speech_timestamps_from_probs(probs, audio_length_samples=len(f32))]
        check(f"silero end-to-end vs package: {os.path.basename(w)} ({len(got)} segs)", got, want)

    # state machine on random / real probability sequences, incl. max-speech
    rng = random.Random(1234)
    seqs = [p for p in all_probs]
    for k in range(40):
        n = rng.randint(50, 2000)
        # piecewise-constant runs so that speech/silence durations vary
        p = []
        while len(p) < n:
            p += [rng.choice([0.02, 0.3, 0.36, 0.45, 0.5, 0.55, 0.97])] * rng.randint(1, 40)
        seqs.append((p[:n], n * 512 - rng.randint(0, 511)))
    settings = [
        {},
        {"max_speech_duration_s": 2.0},
        {"max_speech_duration_s": 1.0, "use_max_poss_sil_at_max_speech": False},
        {"max_speech_duration_s": 3.0, "min_silence_duration_ms": 300, "speech_pad_ms": 100},
        {"threshold": 0.4, "neg_threshold": 0.3, "min_speech_duration_ms": 100},
    ]
    bad = 0
    total = 0
    for kw in settings:
        for probs, n in seqs:
            want = utils_vad.get_speech_timestamps_from_probs(list(probs), audio_length_samples=n, **kw)
            got = rp.get_speech_timestamps_from_probs(list(probs), audio_length_samples=n, **kw)
            total += 1
            if [(d["start"], d["end"]) for d in got] != [(d["start"], d["end"]) for d in want]:
                bad += 1
    check(f"get_speech_timestamps_from_probs port vs package on {total} sequences x settings (mismatches)", bad, 0)


def main():
    dirs = sys.argv[1:] or [
        os.path.join(HERE, "..", "..", "..", "shared", "data", "dev", "real"),
        os.path.join(HERE, "..", "..", "..", "shared", "data", "dev", "mixtures"),
    ]
    synthetic_silero()
    synthetic_webrtc()
    package_checks([d for d in dirs if os.path.isdir(d)])
    print(f"selfcheck: {results['passed']} passed, {results['failed']} failed")
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
