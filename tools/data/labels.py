"""Labels from clean sources: per-utterance energy activity, frame masks, segments, RTTM.

The activity rule is the development set's (shared mixture generator): a 10 ms frame of a
clean utterance is speech if its 100-3500 Hz band energy is within 32 dB of the utterance's
95th-percentile band energy, or its full-band energy within 20 dB of the full-band 95th
percentile (strong sibilants), both thresholds at least 8 dB above the 5th percentile (its
noise floor); gaps < 200 ms are merged and segments < 50 ms dropped. Labels never look at a
mixture.
"""

import numpy as np
from scipy.signal import butter, sosfilt

from common import FS, HOP, frame_db

_BAND = butter(4, [100, 3500], btype="bandpass", fs=FS, output="sos")
MIN_GAP_FRAMES = 20  # 200 ms
MIN_SEG_FRAMES = 5  # 50 ms


def utterance_activity(x):
    """Boolean activity per 10 ms frame of ONE clean utterance, from its own energy."""
    eb = frame_db(sosfilt(_BAND, x))
    ef = frame_db(x)
    if len(ef) == 0:
        return np.zeros(0, bool)
    thr_b = max(np.percentile(eb, 95) - 32.0, np.percentile(eb, 5) + 8.0)
    thr_f = max(np.percentile(ef, 95) - 20.0, np.percentile(ef, 5) + 8.0)
    return smooth_mask((eb > thr_b) | (ef > thr_f))


def smooth_mask(act):
    """Merge gaps shorter than 200 ms, then drop segments shorter than 50 ms."""
    segs = mask_to_frame_segments(act)
    merged = []
    for s, e in segs:
        if merged and s - merged[-1][1] < MIN_GAP_FRAMES:
            merged[-1][1] = e
        else:
            merged.append([s, e])
    out = np.zeros(len(act), bool)
    for s, e in merged:
        if e - s >= MIN_SEG_FRAMES:
            out[s:e] = True
    return out


def mask_to_frame_segments(act):
    """[(first_frame, end_frame)] of the runs of True."""
    d = np.diff(np.concatenate([[0], act.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist()))


def segments_s(act):
    """Runs of True as [(start_s, end_s)] at 10 ms resolution."""
    return [(round(s * HOP / FS, 2), round(e * HOP / FS, 2)) for s, e in mask_to_frame_segments(act)]


def rttm_mask(lines, n_frames, t0=0.0):
    """Union of RTTM turns (human reference) as a frame mask, relative to offset t0 seconds.
    A frame is speech when its centre lies inside a turn."""
    m = np.zeros(n_frames, bool)
    centres = (np.arange(n_frames) + 0.5) * HOP / FS + t0
    for start, dur in lines:
        m |= (centres >= start) & (centres < start + dur)
    return m


def frame_labels(fg, bg):
    """uint8 (n_frames, 3): columns speech (any), foreground active, background active."""
    return np.stack([fg | bg, fg, bg], axis=1).astype(np.uint8)


def rttm_text(clip_id, fg, bg):
    """RTTM with speaker names foreground / background (the development mixtures' convention)."""
    lines = []
    for name, act in (("foreground", fg), ("background", bg)):
        for s, e in segments_s(act):
            lines.append((s, f"SPEAKER {clip_id} 1 {s:.2f} {e - s:.2f} <NA> <NA> {name} <NA> <NA>"))
    lines.sort(key=lambda t: t[0])
    return "".join(line + "\n" for _, line in lines)
