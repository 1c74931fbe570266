#!/usr/bin/env bash
# Generates the foreground/background model's data into target/train_fgbg/ (reproducible):
#   train/   review clips from the TRAIN speakers of tools/train_fgbg/split.json (seed 4001)
#   tune/    other clips from the same TRAIN speakers (seed 5001): thresholds and calibration
#   heldout/ clips from the HELD-OUT speakers only (seed 6001): speaker-disjoint figures
# Each also holds bgonly/: about 1 in 6 extra clips with the foreground talker removed
# (make_bgonly.py), the "nobody near the device" case the generator does not make.
# All three come from ../shared/tools/make_mixtures.py over a symlinked subset of the dev
# sources; nothing here reads the dev clips themselves.
#   bash tools/train_fgbg/make_data.sh [N_TRAIN] [N_TUNE] [N_HELDOUT]
set -euo pipefail
cd "$(dirname "$0")/../.."
n_train=${1:-900}
n_tune=${2:-80}
n_heldout=${3:-80}
dev=../shared/data/dev
out=target/train_fgbg
py="$(bash tools/venv.sh train)"   # the shared venv, `train` group of tools/pyproject.toml
rm -rf "$out"
mkdir -p "$out"
link_sources() { # $1 = split part (train|heldout), $2 = destination folder
  mkdir -p "$2"
  "$py" - "$dev/sources" "$2" tools/train_fgbg/split.json "$1" <<'PY'
import json, os, sys
src, dst, split, part = sys.argv[1:5]
keep = set(json.load(open(split))[part]) | {"noise"}
items = [x for x in json.load(open(os.path.join(src, "sources.json"))) if x["speaker"] in keep]
for x in items:
    os.symlink(os.path.abspath(os.path.join(src, x["file"])), os.path.join(dst, x["file"]))
json.dump(items, open(os.path.join(dst, "sources.json"), "w"), indent=1)
print(f"{part} sources: {len(items)} files, speakers {sorted({x['speaker'] for x in items})}")
PY
}
link_sources train "$out/sources_train"
link_sources heldout "$out/sources_heldout"
# The same training speakers with the roles swapped (background-pool talkers as the near
# talker and the other way round): without it the model sees only 4 near talkers and learns
# their recordings' colour and reverberation as "near" (held-out foreground recall fell to
# 0.50 with background-only clips in training).
mkdir -p "$out/sources_train_swap"
"$py" - "$out/sources_train" "$out/sources_train_swap" <<'PY'
import json, os, sys
src, dst = sys.argv[1:3]
items = json.load(open(os.path.join(src, "sources.json")))
swap = {"fg": "bg", "bg": "fg", "tv": "fg"}
for x in items:
    os.symlink(os.path.realpath(os.path.join(src, x["file"])), os.path.join(dst, x["file"]))
    x["role"] = swap.get(x["role"], x["role"])
json.dump(items, open(os.path.join(dst, "sources.json"), "w"), indent=1)
PY
mix() { "$py" ../shared/tools/make_mixtures.py mix --sources "$1" --out "$2" --seed "$3" --n-clips "$4" --prefix "$5" "${@:6}" > "$2.log"; }
# Background-only clips (nobody near the device): other clips with the foreground removed.
bgonly() { # $1 sources, $2 out, $3 seed, $4 clips, $5 prefix
  mix "$1" "$2.full" "$3" "$4" "$5" --stems "$2.stems"
  "$py" tools/train_fgbg/make_bgonly.py --mix "$2.full" --stems "$2.stems" --out "$2"
  rm -rf "$2.full" "$2.stems"
}
mix "$out/sources_train" "$out/train" 4001 "$n_train" tr &
mix "$out/sources_train" "$out/tune" 5001 "$n_tune" tune &
wait
bgonly "$out/sources_train" "$out/train/bgonly" 4101 $((n_train / 6)) trbg &
mix "$out/sources_train_swap" "$out/train/swap" 4201 $((n_train / 6)) trsw &
wait
bgonly "$out/sources_train_swap" "$out/train/swap_bgonly" 4301 $((n_train / 18)) trswbg &
bgonly "$out/sources_train" "$out/tune/bgonly" 5101 $((n_tune / 6)) tunebg &
wait
mix "$out/sources_heldout" "$out/heldout" 6001 "$n_heldout" ho
bgonly "$out/sources_heldout" "$out/heldout/bgonly" 6101 $((n_heldout / 6)) hobg
count() { find "$1" -name '*.wav' | wc -l; }
echo "fg/bg data: $(count "$out/train") train, $(count "$out/tune") tune, $(count "$out/heldout") held-out clips"
