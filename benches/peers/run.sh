#!/usr/bin/env bash
# Peer VAD comparison: WebRTC VAD (modes 0-3, py-webrtcvad example collector)
# and Silero VAD (ONNX) against the same references as `bystander eval`.
#
# usage (from the repo root):  bash benches/peers/run.sh [DIR...]
#   DIR defaults to ../shared/data/dev/real and ../shared/data/dev/mixtures
#   (relative to the repo root). Relative DIR arguments are taken relative to
#   the directory you call the script from.
#
# Steps: install the `peers` group of tools/pyproject.toml (and silero-vad without its
# dependencies) at the versions of tools/constraints.txt into the shared venv (tools/venv.sh);
# run selfcheck.py (ports vs hand-computed results and vs the installed
# silero-vad package's own code); write peer hypotheses to
# target/peers/<basename DIR>/<system>/<stem>.rttm; print the independent
# Python scores (score_check.py); then run `target/release/bystander eval`
# with one --peer per system if that binary supports `eval`, otherwise print
# the eval commands.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"

DIRS=()
if [ "$#" -gt 0 ]; then
  for d in "$@"; do DIRS+=("$(cd "$d" && pwd)"); done
else
  for d in "$REPO/../shared/data/dev/real" "$REPO/../shared/data/dev/mixtures"; do
    DIRS+=("$(cd "$d" && pwd)")
  done
fi
cd "$REPO"

# everything except silero-vad, with dependencies as pinned
PY="$(bash "$REPO/tools/venv.sh" peers)"
# silero-vad alone, without its torch dependencies (we only use its .onnx file)
bash "$REPO/tools/venv.sh" --no-deps peers-nodeps >/dev/null

echo "== self-check of the ports" >&2
"$PY" "$HERE/selfcheck.py" "${DIRS[@]}" | tail -n 1

SYSTEMS=(webrtc-0 webrtc-1 webrtc-2 webrtc-3 silero all-speech)
for d in "${DIRS[@]}"; do
  out="target/peers/$(basename "$d")"
  echo "== peers on $d -> $out" >&2
  "$PY" "$HERE/run_peers.py" "$d" "$out"
done

for d in "${DIRS[@]}"; do
  out="target/peers/$(basename "$d")"
  "$PY" "$HERE/score_check.py" "$d" "$out" --json "$out/score_check.json"
done

BIN="target/release/bystander"
have_eval=0
if [ -x "$BIN" ] && "$BIN" eval --help >/dev/null 2>&1; then have_eval=1; fi
for d in "${DIRS[@]}"; do
  out="target/peers/$(basename "$d")"
  cmd=("$BIN" eval "$d")
  for s in "${SYSTEMS[@]}"; do cmd+=(--peer "$s=$out/$s"); done
  if [ "$have_eval" = 1 ]; then
    echo "== ${cmd[*]}"
    "${cmd[@]}"
  else
    [ -n "${printed_hint:-}" ] || {
      echo "== $BIN missing or without 'eval' (cargo build --release); run these from $REPO:"
      printed_hint=1
    }
    echo "${cmd[*]}"
  fi
done
