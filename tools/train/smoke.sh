#!/usr/bin/env bash
# The whole model pipeline on a tiny slice, to prove it still runs end to end (minutes, not
# the hours of the real build): the data engine's `--tiny` set (about a minute of audio from
# the corpus), log-mel extraction, one epoch of training, the frame-level evaluation, the int8
# export into a scratch copy of the crate, and the Rust forward pass against PyTorch's logits
# on the exported weights there (src/model/tests.rs). Nothing under src/, target/data or
# target/train is touched: everything goes to target/smoke/.
#   bash tools/train/smoke.sh
# Needs the corpus at ../shared/data/corpus (BYSTANDER_SHARED overrides ../shared). Installs
# what else is missing: Debian's ffmpeg, fluidsynth and fluid-soundfont-gm (the data engine's
# codecs and MIDI renders; tools/data/README.md) and the tools' venv group `train` (PyTorch's
# CPU wheels from PyPI).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
shared="${BYSTANDER_SHARED:-$repo/../shared}"
if [ ! -d "$shared/data/corpus" ]; then
  echo "smoke.sh: no corpus at $shared/data/corpus (set BYSTANDER_SHARED)" >&2
  exit 2
fi
if ! command -v ffmpeg >/dev/null || ! command -v fluidsynth >/dev/null \
    || [ ! -f /usr/share/sounds/sf2/FluidR3_GM.sf2 ]; then
  echo "== apt: ffmpeg fluidsynth fluid-soundfont-gm"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg fluidsynth fluid-soundfont-gm >/dev/null
fi
smoke="$repo/target/smoke"
rm -rf "$smoke/data" "$smoke/train" "$smoke/crate"
mkdir -p "$smoke"
py="$(bash tools/venv.sh train)"
t0=$SECONDS
step() { printf '\n== %s (%d s so far)\n' "$1" $((SECONDS - t0)); }

step "data engine, --tiny"
"$py" tools/data/cli.py --shared "$shared" --out "$smoke/data" \
  --splits-file tools/data/splits.json --tiny --jobs 2

step "CLI with the dev feature"
cargo build --release --quiet --features dev --bin bystander

export BYSTANDER_DATA="$smoke/data" BYSTANDER_TRAIN_CACHE="$smoke/train"
cd tools/train
step "log-mel frames"
"$py" prepare.py --jobs 2
step "one epoch"
"$py" train.py --epochs 1 --batch 2 --max-minutes 5  # the tiny set holds a few 4 s windows
step "frame-level figures"
"$py" evaluate.py

step "export into a scratch copy of the crate"
mkdir -p "$smoke/crate"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard -- Cargo.toml Cargo.lock README.md src tests benches python \
  | xargs -0 cp --parents -t "$smoke/crate")
"$py" export.py --root "$smoke/crate" --version smoke --note "tools/train/smoke.sh: one epoch on the --tiny set."

step "the Rust forward pass on the exported weights"
cd "$smoke/crate"
CARGO_TARGET_DIR="$smoke/build" cargo test --release --quiet --features dev --lib model::
step "done"
