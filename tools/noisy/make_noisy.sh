#!/usr/bin/env bash
# Build the noise-robustness evaluation set (target/noisy) from ../shared/data/dev.
# Usage (from the repository root):  bash tools/noisy/make_noisy.sh [--seed N] [--out DIR] [--dev DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
# the `data` group of tools/pyproject.toml in the shared venv ($PYTHON makes it, if set)
py="$(bash tools/venv.sh data)"
args=(--dev ../shared/data/dev --out target/noisy --seed 7)
"$py" "$here/make_noisy.py" "${args[@]}" "$@"
# listening-free checks (realised SNR, durations, label files, spectra); non-zero exit on failure
out=target/noisy; dev=../shared/data/dev
while [ $# -gt 0 ]; do case "$1" in --out) out="$2"; shift 2;; --dev) dev="$2"; shift 2;; *) shift;; esac; done
"$py" "$here/check_noisy.py" --dev "$dev" --out "$out"
