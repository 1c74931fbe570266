#!/usr/bin/env bash
# Peak memory of the native CLI on a long recording (issue: "the CLI analyses a 3-hour file
# with peak RSS under 100 MiB").
#
#   scripts/cli-memory.sh            # 3 hours, limit 100 MiB
#   HOURS=1 LIMIT_MIB=100 scripts/cli-memory.sh
#
# Builds the release CLI, writes a HOURS-long 16 kHz mono 16-bit WAV of real speech under
# target/memory/ once (benches/memory/make_long_wav.py: www/samples/sample.wav and the
# ../shared/data/dev clips, repeated at five gains; 345.6 MB for 3 hours), then runs
#   /usr/bin/time -v target/release/bystander analyze --no-frames <file>   (report JSON)
#   /usr/bin/time -v target/release/bystander analyze <file>               (with the two
#                                                    per-frame probability arrays)
# with the JSON going to /dev/null, and prints for each the peak resident set size ("Maximum
# resident set size") in MiB, the wall-clock time, the speed in x real time, and PASS/FAIL
# against LIMIT_MIB. Exits 1 when any run fails or exceeds the limit.
set -euo pipefail
cd "$(dirname "$0")/.."

HOURS=${HOURS:-3}
LIMIT_MIB=${LIMIT_MIB:-100}
WAV=target/memory/speech-${HOURS}h-16k.wav
BIN=target/release/bystander

cargo build --release --quiet --bin bystander
if [[ ! -f $WAV ]]; then
    python3 benches/memory/make_long_wav.py --hours "$HOURS" --out "$WAV"
fi
seconds=$(python3 -c "import wave,sys; w=wave.open(sys.argv[1]); print(w.getnframes()/w.getframerate())" "$WAV")

status=0
measure() {
    local label=$1
    shift
    local log
    log=$(mktemp)
    if ! /usr/bin/time -v "$BIN" analyze "$@" "$WAV" >/dev/null 2>"$log"; then
        echo "$label: the run failed:"
        cat "$log"
        status=1
        rm -f "$log"
        return
    fi
    local kib elapsed
    kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
    elapsed=$(awk -F': ' '/Elapsed \(wall clock\) time/ {print $2}' "$log")
    rm -f "$log"
    python3 - "$label" "$kib" "$elapsed" "$seconds" "$LIMIT_MIB" <<'PY' || status=1
import sys
label, kib, elapsed, audio_s, limit = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
# /usr/bin/time prints h:mm:ss or m:ss.ss
wall = 0.0
for part in elapsed.split(":"):
    wall = wall * 60 + float(part)
mib = kib / 1024
verdict = "PASS" if mib < limit else "FAIL"
print(f"{label:<32} peak RSS {mib:6.1f} MiB   time {wall:7.1f} s ({audio_s / wall:5.0f}x real time)   {verdict} (< {limit:g} MiB)")
sys.exit(0 if verdict == "PASS" else 1)
PY
}

python3 -c "import os, sys; print(f'{sys.argv[1]}: {float(sys.argv[2]) / 3600:.2f} h, {os.path.getsize(sys.argv[1]) / 1e6:.1f} MB')" "$WAV" "$seconds"
measure "analyze --no-frames" --no-frames
measure "analyze (with frames)"
if [[ $status -eq 0 ]]; then echo "PASS"; else echo "FAIL"; fi
exit $status
