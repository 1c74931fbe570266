#!/usr/bin/env python3
"""Peer VAD hypotheses for the bystander benchmark.

usage: run_peers.py DIR OUTDIR [--systems webrtc-0,webrtc-1,...]

For every *.wav under DIR (recursively) writes OUTDIR/<system>/<stem>.rttm
for the systems

  webrtc-0 .. webrtc-3  webrtcvad.Vad(mode) on 30 ms frames + the segment
                        collector of py-webrtcvad's example.py (vad_collector,
                        padding 300 ms), ported to timestamps
  silero                silero_vad.onnx (from the silero-vad pip package)
                        through onnxruntime on 512-sample windows, state and
                        64-sample context carried like the package's
                        OnnxWrapper, then a line-by-line numpy/python port of
                        the package's get_speech_timestamps with its defaults
  all-speech            one segment covering the whole file (scorer sanity
                        check, not a real VAD)

RTTM lines: SPEAKER <stem> 1 <start:.3f> <duration:.3f> <NA> <NA> speech <NA> <NA>
A file with no detected speech is written empty.

See README.md in this folder for the exact settings and the provenance of
each port.
"""
import argparse
import collections
import os
import sys
from math import gcd

import numpy as np
import soundfile as sf

SR = 16000
ALL_SYSTEMS = ["webrtc-0", "webrtc-1", "webrtc-2", "webrtc-3", "silero", "all-speech"]


# --------------------------------------------------------------------------
# audio loading
# --------------------------------------------------------------------------
def load_audio(path):
    """Return (int16 samples, float32 samples) at 16 kHz mono.

    16 kHz mono 16-bit PCM files (the dev set) are read bit-exactly: the int16
    array is the file's samples and the float array is int16 / 32768 (what
    soundfile / torchaudio give).  Anything else is downmixed by averaging the
    channels and resampled with scipy.signal.resample_poly.
    """
    info = sf.info(path)
    if info.samplerate == SR and info.channels == 1 and info.subtype == "PCM_16":
        pcm = sf.read(path, dtype="int16", always_2d=False)[0]
        return pcm, pcm.astype(np.float32) / np.float32(32768.0)
    x, sr = sf.read(path, dtype="float64", always_2d=True)
    x = x.mean(axis=1)
    if sr != SR:
        from scipy.signal import resample_poly

        g = gcd(int(sr), SR)
        x = resample_poly(x, SR // g, int(sr) // g)
    x = np.clip(x, -1.0, 32767.0 / 32768.0)
    pcm = np.round(x * 32768.0).astype(np.int16)
    return pcm, pcm.astype(np.float32) / np.float32(32768.0)


# --------------------------------------------------------------------------
# WebRTC VAD + py-webrtcvad example.py collector
# --------------------------------------------------------------------------
class Frame:
    def __init__(self, bytes_, timestamp, duration):
        self.bytes = bytes_
        self.timestamp = timestamp
        self.duration = duration


def frame_generator(frame_duration_ms, audio, sample_rate):
    """example.py frame_generator: audio is little-endian int16 PCM bytes.

    Note the strict '<': a final frame that ends exactly at the end of the
    audio is NOT yielded (faithful to the example), and a partial final frame
    is dropped.
    """
    n = int(sample_rate * (frame_duration_ms / 1000.0) * 2)
    offset = 0
    timestamp = 0.0
    duration = (float(n) / sample_rate) / 2.0
    while offset + n < len(audio):
        yield Frame(audio[offset:offset + n], timestamp, duration)
        timestamp += duration
        offset += n


def vad_collector_segments(sample_rate, frame_duration_ms, padding_duration_ms, vad, frames):
    """example.py vad_collector, yielding (start_s, end_s) instead of audio.

    Same state machine: NOTTRIGGERED -> TRIGGERED when more than 90 % of the
    ring buffer (maxlen = padding/frame = 10 frames) is voiced; the segment
    starts at the timestamp of the oldest frame in the ring.  TRIGGERED ->
    NOTTRIGGERED when more than 90 % of the ring is unvoiced; the segment ends
    at the end of the current frame.  An open segment is closed at the end of
    the last frame.  The audio the example would yield for a segment is
    exactly the contiguous frames [start, end).
    """
    num_padding_frames = int(padding_duration_ms / frame_duration_ms)
    ring_buffer = collections.deque(maxlen=num_padding_frames)
    triggered = False
    voiced_frames = []
    frame = None
    for frame in frames:
        is_speech = vad.is_speech(frame.bytes, sample_rate)
        if not triggered:
            ring_buffer.append((frame, is_speech))
            num_voiced = len([f for f, speech in ring_buffer if speech])
            if num_voiced > 0.9 * ring_buffer.maxlen:
                triggered = True
                for f, s in ring_buffer:
                    voiced_frames.append(f)
                ring_buffer.clear()
        else:
            voiced_frames.append(frame)
            ring_buffer.append((frame, is_speech))
            num_unvoiced = len([f for f, speech in ring_buffer if not speech])
            if num_unvoiced > 0.9 * ring_buffer.maxlen:
                triggered = False
                yield (voiced_frames[0].timestamp, frame.timestamp + frame.duration)
                ring_buffer.clear()
                voiced_frames = []
    if voiced_frames:
        last = voiced_frames[-1]
        yield (voiced_frames[0].timestamp, last.timestamp + last.duration)


def webrtc_segments(pcm, mode, frame_ms=30, padding_ms=300):
    import webrtcvad

    vad = webrtcvad.Vad(mode)
    audio = pcm.astype("<i2").tobytes()
    frames = list(frame_generator(frame_ms, audio, SR))
    return list(vad_collector_segments(SR, frame_ms, padding_ms, vad, frames))


# --------------------------------------------------------------------------
# Silero VAD (ONNX) -- port of silero_vad.utils_vad.OnnxWrapper
# --------------------------------------------------------------------------
def silero_model_path():
    import importlib.util

    spec = importlib.util.find_spec("silero_vad")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("silero-vad package not installed (pip install --no-deps silero-vad)")
    p = os.path.join(list(spec.submodule_search_locations)[0], "data", "silero_vad.onnx")
    if not os.path.exists(p):
        raise SystemExit(f"{p} not found")
    return p


class SileroOnnx:
    """OnnxWrapper.__call__ for sr=16000, batch 1, without torch.

    input  = concat(context[64], chunk[512])  shape (1, 576) float32
    state  = (2, 1, 128) float32, zeros at reset, replaced by 'stateN'
    sr     = int64 scalar 16000
    context after a call = last 64 samples of the 576-sample input.
    """

    def __init__(self, path=None):
        import onnxruntime

        opts = onnxruntime.SessionOptions()
        opts.inter_op_num_threads = 1
        opts.intra_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            path or silero_model_path(), providers=["CPUExecutionProvider"], sess_options=opts
        )
        self.reset_states()

    def reset_states(self):
        self._state = np.zeros((2, 1, 128), dtype=np.float32)
        self._context = np.zeros((1, 64), dtype=np.float32)

    def __call__(self, chunk):
        assert chunk.shape == (512,)
        x = np.concatenate([self._context, chunk.astype(np.float32)[None, :]], axis=1)
        out, state = self.session.run(
            None, {"input": x, "state": self._state, "sr": np.array(16000, dtype=np.int64)}
        )
        self._state = state
        self._context = x[..., -64:]
        return float(out[0, 0])


def silero_probs(model, audio_f32):
    """get_speech_timestamps' probability loop (16 kHz, window 512, last chunk zero-padded)."""
    model.reset_states()
    w = 512
    n = len(audio_f32)
    probs = []
    for start in range(0, n, w):
        chunk = audio_f32[start:start + w]
        if len(chunk) < w:
            chunk = np.pad(chunk, (0, w - len(chunk)))
        probs.append(model(chunk))
    return probs


def get_speech_timestamps_from_probs(
    speech_probs,
    sampling_rate=16000,
    threshold=0.5,
    min_speech_duration_ms=250,
    max_speech_duration_s=float("inf"),
    min_silence_duration_ms=100,
    speech_pad_ms=30,
    neg_threshold=None,
    min_silence_at_max_speech=98,
    use_max_poss_sil_at_max_speech=True,
    audio_length_samples=None,
):
    """Line-by-line port of silero_vad.utils_vad.get_speech_timestamps_from_probs
    (silero-vad 6.2.3), sample output (return_seconds=False, step=1)."""
    window_size_samples = 512 if sampling_rate == 16000 else 256
    if audio_length_samples is None:
        audio_length_samples = len(speech_probs) * window_size_samples

    min_speech_samples = sampling_rate * min_speech_duration_ms / 1000
    speech_pad_samples = sampling_rate * speech_pad_ms / 1000
    max_speech_samples = sampling_rate * max_speech_duration_s - window_size_samples - 2 * speech_pad_samples
    min_silence_samples = sampling_rate * min_silence_duration_ms / 1000
    min_silence_samples_at_max_speech = sampling_rate * min_silence_at_max_speech / 1000

    triggered = False
    speeches = []
    current_speech = {}

    if neg_threshold is None:
        neg_threshold = max(threshold - 0.15, 0.01)
    temp_end = 0
    prev_end = next_start = 0
    possible_ends = []

    for i, speech_prob in enumerate(speech_probs):
        cur_sample = window_size_samples * i

        if (speech_prob >= threshold) and temp_end:
            sil_dur = cur_sample - temp_end
            if sil_dur > min_silence_samples_at_max_speech:
                possible_ends.append((temp_end, sil_dur))
            temp_end = 0
            if next_start < prev_end:
                next_start = cur_sample

        if (speech_prob >= threshold) and not triggered:
            triggered = True
            current_speech["start"] = cur_sample
            continue

        if triggered and (cur_sample - current_speech["start"] > max_speech_samples):
            if use_max_poss_sil_at_max_speech and possible_ends:
                prev_end, dur = max(possible_ends, key=lambda x: x[1])
                current_speech["end"] = prev_end
                speeches.append(current_speech)
                current_speech = {}
                next_start = prev_end + dur
                if next_start < prev_end + cur_sample:
                    current_speech["start"] = next_start
                else:
                    triggered = False
                prev_end = next_start = temp_end = 0
                possible_ends = []
            else:
                if prev_end:
                    current_speech["end"] = prev_end
                    speeches.append(current_speech)
                    current_speech = {}
                    if next_start < prev_end:
                        triggered = False
                    else:
                        current_speech["start"] = next_start
                    prev_end = next_start = temp_end = 0
                    possible_ends = []
                else:
                    current_speech["end"] = cur_sample
                    speeches.append(current_speech)
                    current_speech = {}
                    prev_end = next_start = temp_end = 0
                    triggered = False
                    possible_ends = []
                    continue

        if (speech_prob < neg_threshold) and triggered:
            if not temp_end:
                temp_end = cur_sample
            sil_dur_now = cur_sample - temp_end

            if not use_max_poss_sil_at_max_speech and sil_dur_now > min_silence_samples_at_max_speech:
                prev_end = temp_end

            if sil_dur_now < min_silence_samples:
                continue
            else:
                current_speech["end"] = temp_end
                if (current_speech["end"] - current_speech["start"]) > min_speech_samples:
                    speeches.append(current_speech)
                current_speech = {}
                prev_end = next_start = temp_end = 0
                triggered = False
                possible_ends = []
                continue

    if current_speech and (audio_length_samples - current_speech["start"]) > min_speech_samples:
        current_speech["end"] = audio_length_samples
        speeches.append(current_speech)

    for i, speech in enumerate(speeches):
        if i == 0:
            speech["start"] = int(max(0, speech["start"] - speech_pad_samples))
        if i != len(speeches) - 1:
            silence_duration = speeches[i + 1]["start"] - speech["end"]
            if silence_duration < 2 * speech_pad_samples:
                speech["end"] += int(silence_duration // 2)
                speeches[i + 1]["start"] = int(max(0, speeches[i + 1]["start"] - silence_duration // 2))
            else:
                speech["end"] = int(min(audio_length_samples, speech["end"] + speech_pad_samples))
                speeches[i + 1]["start"] = int(max(0, speeches[i + 1]["start"] - speech_pad_samples))
        else:
            speech["end"] = int(min(audio_length_samples, speech["end"] + speech_pad_samples))

    return speeches


def silero_segments(model, audio_f32):
    probs = silero_probs(model, audio_f32)
    ts = get_speech_timestamps_from_probs(probs, audio_length_samples=len(audio_f32))
    # sample -> seconds without the package's return_seconds rounding (0.1 s)
    return [(d["start"] / SR, d["end"] / SR) for d in ts]


# --------------------------------------------------------------------------
def write_rttm(path, stem, segments):
    with open(path, "w") as f:
        for start, end in segments:
            s = round(start, 3)
            e = round(end, 3)
            if e <= s:
                continue
            f.write(f"SPEAKER {stem} 1 {s:.3f} {e - s:.3f} <NA> <NA> speech <NA> <NA>\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir")
    ap.add_argument("outdir")
    ap.add_argument("--systems", default=",".join(ALL_SYSTEMS))
    args = ap.parse_args(argv)
    systems = [s for s in args.systems.split(",") if s]
    for s in systems:
        if s not in ALL_SYSTEMS:
            raise SystemExit(f"unknown system {s}; known: {ALL_SYSTEMS}")

    wavs = []
    for root, _dirs, files in os.walk(args.dir):
        for fn in files:
            if fn.lower().endswith(".wav"):
                wavs.append(os.path.join(root, fn))
    wavs.sort()
    if not wavs:
        raise SystemExit(f"no *.wav under {args.dir}")
    stems = [os.path.splitext(os.path.basename(w))[0] for w in wavs]
    dup = [s for s, c in collections.Counter(stems).items() if c > 1]
    if dup:
        raise SystemExit(f"duplicate wav stems under {args.dir}: {dup}")

    for s in systems:
        os.makedirs(os.path.join(args.outdir, s), exist_ok=True)
    silero = SileroOnnx() if "silero" in systems else None

    for wav, stem in zip(wavs, stems):
        pcm, f32 = load_audio(wav)
        counts = []
        for s in systems:
            if s.startswith("webrtc-"):
                segs = webrtc_segments(pcm, int(s.split("-")[1]))
            elif s == "silero":
                segs = silero_segments(silero, f32)
            elif s == "all-speech":
                segs = [(0.0, len(pcm) / SR)]
            write_rttm(os.path.join(args.outdir, s, stem + ".rttm"), stem, segs)
            counts.append(f"{s}:{len(segs)}")
        print(f"{stem} ({len(pcm) / SR:.2f} s) segments " + " ".join(counts), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
