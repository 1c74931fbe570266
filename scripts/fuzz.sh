#!/usr/bin/env bash
# Fuzz run: every cargo-fuzz target in fuzz/ for SECONDS each (default 60: a smoke run),
# one after another, starting from the committed seeds (fuzz/seeds/<target>) plus whatever
# earlier runs left in the working corpus (fuzz/corpus/<target>, not committed).
#
#   bash scripts/fuzz.sh                 # 60 s per target
#   bash scripts/fuzz.sh 600             # the 10-minute runs
#   bash scripts/fuzz.sh 600 decode      # some targets only
#
# Needs a nightly toolchain (rustup toolchain install nightly); installs cargo-fuzz when it
# is missing. Prints one summary line per target and exits non-zero when any target found a
# crash, a timeout or an out-of-memory; the input that did it is in fuzz/artifacts/<target>/
# (reproduce with `cd fuzz && cargo +nightly fuzz run --no-trace-compares <target> <file>`),
# the full log in fuzz/target/fuzz-logs/<target>.log.
set -euo pipefail

usage="usage: bash scripts/fuzz.sh [SECONDS [TARGET...]]  (SECONDS: whole number > 0, default 60)"
seconds=${1:-60}
if ! [[ $seconds =~ ^[1-9][0-9]*$ ]]; then
    echo "$usage" >&2
    exit 2
fi
shift $(($# > 0 ? 1 : 0))
all=(decode packets analyzer spectrogram_stream)
targets=("${@:-${all[@]}}")
for t in "${targets[@]}"; do
    if [[ " ${all[*]} " != *" $t "* ]]; then
        echo "fuzz.sh: unknown target $t (targets: ${all[*]})" >&2
        echo "$usage" >&2
        exit 2
    fi
done
cd "$(dirname "$0")/../fuzz"

if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "fuzz.sh: needs a nightly toolchain: rustup toolchain install nightly" >&2
    exit 2
fi
if ! command -v cargo-fuzz >/dev/null 2>&1; then
    cargo install cargo-fuzz --version 0.13.2 --locked
fi

# Built without trace-compares: comparison tracing inside the FFTs cost the analyser target
# two thirds of its speed; the decoder's magic values come from a dictionary instead.
build=(--no-trace-compares)

# Per-target libFuzzer options besides the common ones.
#   decode: -malloc_limit_mb=4096 because symphonia 0.5.5 allocates a zeroed buffer of a
#   tag's claimed length (u32) before reading it (FLAC Vorbis comments and pictures): up to
#   4 GiB of address space that is never touched (the read fails at the end of the file, and
#   calloc'd pages are not committed), which libFuzzer's default single-malloc limit (the
#   rss limit) reports as an OOM. -rss_limit_mb=2048 still catches memory actually used.
declare -A extra=(
    [decode]="-max_len=16384 -malloc_limit_mb=4096 -dict=dicts/decode.dict"
    [packets]="-max_len=32768 -malloc_limit_mb=4096 -dict=dicts/decode.dict"
    [analyzer]="-max_len=32768"
    [spectrogram_stream]="-max_len=16384"
)

cargo +nightly fuzz build "${build[@]}" >/dev/null 2>&1 || cargo +nightly fuzz build "${build[@]}"

mkdir -p target/fuzz-logs
summary=()
failed=0
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    before=$(find "artifacts/$t" -type f | wc -l)
    log="target/fuzz-logs/$t.log"
    start=$(date +%s)
    # shellcheck disable=SC2086 # the extra options are meant to split
    if cargo +nightly fuzz run "${build[@]}" "$t" "corpus/$t" "seeds/$t" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        ${extra[$t]} >"$log" 2>&1; then
        rc=0
    else
        rc=$?
    fi
    elapsed=$(($(date +%s) - start))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    units=$(find "corpus/$t" -type f | wc -l)
    found=$(($(find "artifacts/$t" -type f | wc -l) - before))
    if ((rc != 0 && found == 0)); then
        found=1 # failed without writing an input (e.g. the build broke): count it
    fi
    if ((found > 0)); then
        failed=1
        what=$(grep -m1 -oE "Test unit written to [^ ]+" "$log" || echo "exit status $rc; see $log")
    else
        what=""
    fi
    line=$(printf '%-19s %5ss %12s executions %8s exec/s %6s corpus %3s crashes %s' \
        "$t" "$elapsed" "${execs:-?}" "${rate:-?}" "$units" "$found" "$what")
    line=${line% }
    echo "$line"
    summary+=("$line")
done

echo
echo "fuzz summary ($seconds s per target; logs in fuzz/target/fuzz-logs/):"
printf '  %s\n' "${summary[@]}"
exit "$failed"
