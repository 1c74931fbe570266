"""Librosa-exact spectrograms, voice activity and foreground/background speech labels.

``y`` is a 1-D mono signal or a ``(channels, samples)`` array (averaged to mono as the
``bystander`` CLI does), of dtype float32, float64 or int16 (scaled by 1/32768); ``sr`` is
its sample rate in Hz. Options are keyword arguments with librosa's snake_case names
(``n_fft``, ``hop_length``, ``n_mels``, ``threshold``, ...). An unknown option raises
``TypeError`` listing the known ones; a bad value, sample rate or an empty input raises
``ValueError`` with the core's message. The GIL is released while the core computes.
"""

from os import PathLike
from typing import Any, Optional, Union

import numpy as np
import numpy.typing as npt

__version__: str

_Samples = Union[
    npt.NDArray[np.float32], npt.NDArray[np.float64], npt.NDArray[np.int16]
]
_Option = Optional[Union[bool, int, float, str]]

def spectrogram(y: _Samples, sr: float, **options: _Option) -> npt.NDArray[np.float32]:
    """The spectrogram as a ``(bins, frames)`` float32 array, as librosa returns it.

    Options: ``preset``, ``n_fft``, ``hop_length``, ``win_length``, ``window``, ``center``,
    ``pad_mode``, ``power``, ``output`` (``"linear"``, ``"mel"``, ``"mfcc"``), ``n_mels``,
    ``fmin``, ``fmax``, ``htk``, ``mel_scale``, ``norm``, ``n_mfcc``, ``db``, ``log``,
    ``amin``, ``ref``, ``top_db``, ``preemphasis``, ``remove_dc``, ``sample_scale``.
    Defaults: the librosa preset, a 64-band mel spectrogram with ``n_fft=512``
    and ``hop_length=160`` (10 ms at 16 kHz). NaN or infinite samples are analysed as
    silence, with a ``RuntimeWarning``.
    """

def detect_speech(y: _Samples, sr: float, **options: _Option) -> dict[str, Any]:
    """Voice activity.

    Returns ``segments`` ((n, 2) float64 start and end seconds), ``confidence`` ((n,)
    float32), ``probabilities`` (float32 speech probability per frame), ``frame_seconds``
    (0.01) and ``non_finite_samples`` (NaN or infinite samples, analysed as silence).
    Options: ``threshold``, ``off_threshold``, ``min_speech_ms``, ``min_silence_ms``,
    ``pad_before_ms``, ``pad_after_ms``.
    """

def analyze(y: _Samples, sr: float, **options: _Option) -> dict[str, Any]:
    """Foreground/background speech labels: the report of ``bystander analyze --format
    json`` (camelCase keys: ``segments``, ``speech``, ``duration``, ``anchor``, ...), with
    ``foregroundProbability`` and ``backgroundProbability`` as float32 arrays.

    Options: those of :func:`detect_speech` plus ``background_threshold``,
    ``switch_penalty``, ``min_label_ms``, ``overlap_threshold``, ``silence_threshold``.
    """

def analyze_file(path: Union[str, PathLike[str]], **options: _Option) -> dict[str, Any]:
    """As :func:`analyze`, for an audio file (WAV, FLAC, MP3, Ogg/Vorbis) decoded and
    analysed block by block as the CLI does; the report also has ``file``. A file that
    cannot be read raises ``OSError``, one that cannot be decoded ``ValueError``.
    """

def model_version() -> str:
    """Names the weights that made the reports (``fnv1a64-<hex>``): the ``modelVersion`` of
    the CLI's ``--format jsonl`` lines."""

class AnalyzerStream:
    """:func:`analyze` block by block, for audio read or recorded in pieces."""

    def __init__(self, sr: float, **options: _Option) -> None:
        """A stream at ``sr`` Hz with the options of :func:`analyze`."""

    def push(self, y: _Samples) -> list[dict[str, Any]]:
        """Analyses the next block (1-D or ``(channels, samples)``, any length) and returns
        the segments that ended in it, with provisional labels (``finish`` may relabel them).
        """

    def finish(self) -> dict[str, Any]:
        """Ends the stream: the report :func:`analyze` gives for the whole signal. A later
        ``push`` or ``finish`` raises ``RuntimeError``."""
