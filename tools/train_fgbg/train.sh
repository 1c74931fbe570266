#!/usr/bin/env bash
# The whole foreground/background training pipeline, reproducible from the repo root:
#   1. clips: train / tune from the TRAIN speakers, heldout from the HELD-OUT speakers, each
#      with background-only clips (make_data.sh);
#   2. model inputs from the crate's own front end (`bystander fgbg-features`) and an MLP
#      fit on train/ (train.py fit -> src/fgbg/weights.rs);
#   3. labeller settings chosen on tune/ (tune.py -> src/fgbg/tuned.rs);
#   4. segment-confidence calibration on tune/ (train.py calibrate, in weights.rs).
# Nothing here reads the dev clips; heldout/ is only scored (bystander eval).
set -euo pipefail
cd "$(dirname "$0")/../.."
py="$(bash tools/venv.sh train)"   # the shared venv, `train` group of tools/pyproject.toml
[ "${SKIP_DATA:-0}" = 1 ] || bash tools/train_fgbg/make_data.sh "$@"
cargo build --release --quiet --features dev
mkdir -p target/fgbg_features
for set in train tune heldout; do
  "$py" tools/train_fgbg/train.py dump --bin target/release/bystander \
    "target/train_fgbg/$set" "target/fgbg_features/$set.npz"
done
"$py" tools/train_fgbg/train.py fit --out src/fgbg/weights.rs \
  --check target/fgbg_features/tune.npz target/fgbg_features/train.npz
cargo build --release --quiet --features dev
"$py" tools/train_fgbg/tune.py --bin target/release/bystander --out src/fgbg/tuned.rs target/train_fgbg/tune
cargo build --release --quiet --features dev
"$py" tools/train_fgbg/train.py calibrate --bin target/release/bystander --weights src/fgbg/weights.rs \
  target/train_fgbg/tune
cargo build --release --quiet --features dev
target/release/bystander eval target/train_fgbg/heldout | tail -25
