#!/usr/bin/env bash
# The whole voice activity training pipeline, reproducible from the repo root:
#   1. training + tuning clips from the TRAIN speakers (make_data.sh),
#   2. features with the crate's own front end and an MLP fit (train.py -> src/vad/weights.rs),
#   3. segmenter settings chosen on the tuning clips (`bystander tune-vad`); copy the printed
#      settings into VadConfig::default (src/vad/config.rs) by hand, with the figures.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tools/train_vad/make_data.sh "${1:-400}" "${2:-80}"
cargo build --release --quiet --features dev
"$(bash tools/venv.sh train)" tools/train_vad/train.py --bin target/release/bystander \
  --hidden 24 --out src/vad/weights.rs target/train_vad/clean target/train_vad/augmented
cargo build --release --quiet --features dev
target/release/bystander tune-vad target/train_vad/tune
