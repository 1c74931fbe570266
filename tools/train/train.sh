#!/usr/bin/env bash
# The temporal model end to end, reproducible from the seed: build the CLI with the `dev`
# feature, extract the log-mel frames of the data set (target/data, made by
# tools/data/build.sh; cached under target/train/), train with early stopping on tune, and
# print the frame-level figures on tune and test.
#   bash tools/train/train.sh [--seed N] [--max-minutes M] [--train-share S] ...
# (extra arguments go to train.py). BYSTANDER_DATA overrides the data folder.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
py="$(bash tools/venv.sh train)"
nice -n 10 cargo build --release --quiet --features dev --bin bystander
cd tools/train
nice -n 10 "$py" prepare.py --jobs "${JOBS:-2}"
nice -n 10 "$py" train.py "$@"
nice -n 10 "$py" evaluate.py
