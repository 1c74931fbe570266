#!/usr/bin/env bash
# Rebuilds the training / tuning / test data from seeds: tools/data/splits.json (committed)
# and target/data/{train,tune,test}/ (clips, frame labels, RTTM, manifest.jsonl), plus
# target/data/eval_ami/. See tools/data/README.md.
#   bash tools/data/build.sh [--tiny] [--hours H] [--seed N] [--jobs J]
# The shared material folder is $BYSTANDER_SHARED, default ../shared beside the repository.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
shared="${BYSTANDER_SHARED:-$repo/../shared}"
for tool in ffmpeg fluidsynth; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install ffmpeg fluidsynth fluid-soundfont-gm" >&2; exit 1; }
done
[ -f /usr/share/sounds/sf2/FluidR3_GM.sf2 ] || { echo "missing fluid-soundfont-gm" >&2; exit 1; }
py="$(bash "$repo/tools/venv.sh" data)"
cd "$repo"
exec nice -n 10 "$py" "$here/cli.py" --shared "$shared" --out "$repo/target/data" \
  --splits-file "$here/splits.json" "$@"
