"""Shared pieces of tools/train: the data set's clips, the causal input normalisation, the
model and the frame-level figures."""
import json
import os

import numpy as np
import torch
from torch import nn

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.environ.get("BYSTANDER_DATA", os.path.join(REPO, "target", "data"))
# Log-mel frames, packed splits and trained models; BYSTANDER_TRAIN_CACHE moves them (smoke.sh).
CACHE = os.environ.get("BYSTANDER_TRAIN_CACHE", os.path.join(REPO, "target", "train"))
N_MELS = 64
# Speech bands for the frame level (mel bands 3..41, ~140-2660 Hz: the VAD features' range).
LEVEL_BANDS = (3, 41)
# Anchor: a peak hold of the frame level decaying 1 dB/s (0.01 dB per 10 ms frame); floor: a
# minimum hold rising 1 dB/s. Both causal, O(1) per frame in a streaming port.
ANCHOR_DECAY_DB = 0.01
FLOOR_RISE_DB = 0.01
N_INPUTS = N_MELS + 2
SCALE_DB = 20.0


def clips(split):
    """[(clip_id, scenario)] of a split, from its manifest."""
    out = []
    with open(os.path.join(DATA, split, "manifest.jsonl")) as f:
        for line in f:
            m = json.loads(line)
            out.append((m["clip_id"], m["scenario"]))
    return out


def normalise(logmel):
    """(frames, 64) dB -> (frames, 66) float32 model inputs, causal and gain-invariant but
    keeping level cues: every band relative to the anchor (the loudest recent frame level, a
    peak hold: the near talker when there is one, so a far talker shows as N dB below it),
    plus the frame level re the anchor and the anchor re the floor (the dynamic range)."""
    lo, hi = LEVEL_BANDS
    power = np.power(10.0, logmel[:, lo:hi].astype(np.float64) / 10.0)
    level = 10.0 * np.log10(power.mean(axis=1) + 1e-20)
    t = np.arange(len(level), dtype=np.float64)
    anchor = np.maximum.accumulate(level + ANCHOR_DECAY_DB * t) - ANCHOR_DECAY_DB * t
    floor = np.minimum.accumulate(level - FLOOR_RISE_DB * t) + FLOOR_RISE_DB * t
    x = np.empty((len(level), N_INPUTS), np.float32)
    x[:, :N_MELS] = (logmel - anchor[:, None]) / SCALE_DB
    x[:, N_MELS] = (level - anchor) / SCALE_DB
    x[:, N_MELS + 1] = (anchor - floor) / SCALE_DB
    return x


class Model(nn.Module):
    """Conv front at 10 ms -> stride 2 (20 ms steps) -> conv -> GRU -> three heads, each step
    giving the two 10 ms frames it covers. Look-ahead: the convolutions are centred (conv1: 2
    frames, conv2: 1 step = 2 frames) and the heads read the GRU `delay` steps later, so the
    model answers (4 + 2 delay) x 10 ms late, plus the 16 ms half window of the spectrogram."""

    def __init__(self, channels=64, hidden=48, delay=5):
        super().__init__()
        self.delay = delay
        self.conv1 = nn.Conv1d(N_INPUTS, channels, 5, stride=2, padding=2)
        self.conv2 = nn.Conv1d(channels, channels, 3, padding=1)
        self.gru = nn.GRU(channels, hidden, batch_first=True)
        # Per step: 2 frames x (speech, background given speech, overlap).
        self.head = nn.Linear(hidden, 6)

    def lookahead_ms(self):
        return (2 + 2 + 2 * self.delay) * 10 + 16

    def forward(self, x):
        """x (batch, frames, N_INPUTS), frames even -> logits (batch, frames, 3)."""
        b, n, _ = x.shape
        h = torch.relu(self.conv1(x.transpose(1, 2)))
        h = torch.relu(self.conv2(h)).transpose(1, 2)
        if self.delay:
            h = torch.cat([h, h.new_zeros(b, self.delay, h.shape[2])], dim=1)
        g, _ = self.gru(h)
        out = self.head(g[:, self.delay:])
        return out.reshape(b, n, 3)

    def multiply_adds_per_frame(self):
        """Multiply-adds per 10 ms frame of the streaming forward pass."""
        c1 = self.conv1.weight.numel() / 2  # one output step per two frames
        c2 = self.conv2.weight.numel() / 2
        gru = 3 * (self.gru.input_size + self.gru.hidden_size) * self.gru.hidden_size / 2
        head = self.head.weight.numel() / 2
        return c1 + c2 + gru + head


def quantise(w):
    """A weight tensor (numpy) -> (scales, values): symmetric int8 with one float32 scale per
    output row, `max |row| / 127` (1 for an all-zero row). Rows are the first axis: a
    convolution's output channels, a GRU matrix's gate rows, the head's outputs; a 1-D tensor
    (a bias) is one row with one scale. scales (rows,) float32, values (rows, columns) int8."""
    rows = w.reshape(1 if w.ndim == 1 else w.shape[0], -1).astype(np.float32)
    peak = np.abs(rows).max(axis=1)
    scales = np.where(peak > 0, peak / np.float32(127), np.float32(1)).astype(np.float32)
    values = np.clip(np.rint(rows / scales[:, None]), -127, 127).astype(np.int8)
    return scales, values


def dequantise(scales, values, shape):
    """`quantise`'s output back to float32 of `shape`: value x its row's scale, the same f32
    product the Rust core computes at start-up."""
    return (values.astype(np.float32) * scales[:, None]).reshape(shape)


def int8_state(state):
    """A state dict with every tensor rounded through `quantise` (the weights export.py stores)."""
    return {k: torch.from_numpy(dequantise(*quantise(v.numpy()), tuple(v.shape)))
            for k, v in state.items()}


def figures(probs, labels, nonspeech):
    """Frame-level figures. probs (frames, 3) sigmoid outputs, labels (frames, 3) uint8 [speech,
    fg, bg], nonspeech bool per frame (the frame's clip is a non-speech scene)."""
    s_hat = probs[:, 0] > 0.5
    bg_hat = s_hat & (probs[:, 1] > 0.5)
    fg_hat = s_hat & ((probs[:, 1] <= 0.5) | (probs[:, 2] > 0.5))
    s, fg, bg = labels[:, 0] > 0, labels[:, 1] > 0, labels[:, 2] > 0
    tp = np.sum(s_hat & s)
    f1 = 2 * tp / max(1, np.sum(s_hat) + np.sum(s))
    # Background among the frames labelled speech.
    bg_tp = np.sum(bg_hat & bg & s)
    return {
        "speech_f1": f1,
        "speech_precision": tp / max(1, np.sum(s_hat)),
        "speech_recall": tp / max(1, np.sum(s)),
        "nonspeech_called_speech": np.sum(s_hat & nonspeech) / max(1, np.sum(nonspeech)),
        "background_recall": bg_tp / max(1, np.sum(bg & s)),
        "background_precision": bg_tp / max(1, np.sum(bg_hat & s)),
        "foreground_recall": np.sum(fg_hat & fg) / max(1, np.sum(fg)),
        "frames": len(labels),
    }
