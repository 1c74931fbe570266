"""Librosa-exact spectrograms, voice activity and foreground/background speech labels.

The functions and ``AnalyzerStream`` are the compiled extension's (``bystander._bystander``,
typed in ``_bystander.pyi``); ``bystander.dask`` runs ``analyze_file`` over a folder or a list
of files on a Dask cluster and writes Parquet (``pip install "./python[dask]"``).
"""

from ._bystander import (
    AnalyzerStream,
    __version__,
    analyze,
    analyze_file,
    detect_speech,
    model_version,
    spectrogram,
)

__all__ = [
    "AnalyzerStream",
    "analyze",
    "analyze_file",
    "detect_speech",
    "model_version",
    "spectrogram",
]
