#!/usr/bin/env bash
# Generates the voice activity model's training data into target/train_vad/ (reproducible):
# clean review clips from the TRAIN speakers of split.json (shared/tools/make_mixtures.py,
# seed 2001), noisy copies and non-speech clips (augment.py); and a separate TUNING set
# (seed 3001, same speakers, other clips) on which thresholds are chosen.
#   bash tools/train_vad/make_data.sh [N_CLIPS] [N_TUNE_CLIPS]
set -euo pipefail
cd "$(dirname "$0")/../.."
n_clips=${1:-400}
n_tune=${2:-80}
dev=../shared/data/dev
out=target/train_vad
py="$(bash tools/venv.sh train)"   # the shared venv, `train` group of tools/pyproject.toml
rm -rf "$out/sources" "$out/clean" "$out/augmented" "$out/tune"
mkdir -p "$out/sources"
"$py" - "$dev/sources" "$out/sources" tools/train_vad/split.json <<'PY'
import json, os, sys
src, dst, split = sys.argv[1:4]
train = set(json.load(open(split))["train"]) | {"noise"}
items = [x for x in json.load(open(os.path.join(src, "sources.json"))) if x["speaker"] in train]
for x in items:
    os.symlink(os.path.abspath(os.path.join(src, x["file"])), os.path.join(dst, x["file"]))
json.dump(items, open(os.path.join(dst, "sources.json"), "w"), indent=1)
print(f"training sources: {len(items)} files, speakers {sorted({x['speaker'] for x in items})}")
PY
"$py" ../shared/tools/make_mixtures.py mix --sources "$out/sources" --out "$out/clean" \
  --seed 2001 --n-clips "$n_clips" --prefix tr > "$out/clean.log"
"$py" tools/train_vad/augment.py --clean "$out/clean" --dev "$dev" --out "$out/augmented" \
  --copies 2 --nonspeech 150 --seed 1000 2> "$out/augment.log"
"$py" ../shared/tools/make_mixtures.py mix --sources "$out/sources" --out "$out/tune/clean" \
  --seed 3001 --n-clips "$n_tune" --prefix tune > "$out/tune.log"
"$py" tools/train_vad/augment.py --clean "$out/tune/clean" --dev "$dev" --out "$out/tune/augmented" \
  --copies 1 --nonspeech 40 --seed 90000 2>> "$out/tune.log"
echo "training data: $(ls "$out"/clean/*.wav | wc -l) clean, $(ls "$out"/augmented/*.wav | wc -l) augmented clips; tuning: $(ls "$out"/tune/*/*.wav | wc -l) clips"
