#!/usr/bin/env bash
# Runs every test: formatting, clippy, rustdoc, native unit/integration/doc tests (librosa and
# Kaldi fixtures, streaming == batch, CLI), the CLI's exports scored with pyannote.metrics
# (Python, tools/venv.sh scoring), the Python package (python/: `pip install ./python` builds it
# with maturin; tests/python/test_package.py and test_dask.py with pytest, tools/venv.sh
# python), wasm tests in Node and in headless Chromium, the wasm package build (prints gzipped
# sizes), the demo page tests in Chromium, smoke runs of the browser benchmarks and, when the
# training corpus is there, of the model pipeline. Sets up missing tools first (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
passed=0
run() { printf '\n== test: %s\n' "$1"; shift; "$@"; passed=$((passed + 1)); }

run "rustfmt" cargo fmt --all -- --check
run "clippy (native)" cargo clippy --all-targets --all-features --quiet -- -D warnings
run "clippy (wasm32)" cargo clippy --target wasm32-unknown-unknown --lib --tests --quiet -- -D warnings
run "rustdoc (-D warnings)" env RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet
run "native tests" cargo test --quiet --all-features
run "exports read by pyannote.metrics and numpy (Python)" \
  bash -c 'py="$(bash tools/venv.sh scoring)" && "$py" tests/python/score_exports.py target/debug/bystander'
# `pip install ./python` as a user runs it: pip builds the wheel through python/pyproject.toml's
# [build-system] (maturin from PyPI, pinned by PIP_CONSTRAINT inside pip's isolated build
# environment too; one release build of the extension) and installs it; the package's
# dependencies, its `dask` extra included, come pinned from the `python` group.
run "Python package: pip install ./python, pytest (package, Dask)" bash -c 'py="$(bash tools/venv.sh python)" &&
  PIP_CONSTRAINT="$PWD/tools/constraints.txt" "$py" -m pip install --quiet --disable-pip-version-check \
    --force-reinstall --no-deps ./python &&
  BYSTANDER_BIN=target/debug/bystander "$py" -m pytest -q -s -p no:cacheprovider \
    tests/python/test_package.py tests/python/test_dask.py'
run "wasm tests in Node" wasm-pack test --node --mode no-install
run "wasm tests in headless Chromium" env WASM_BINDGEN_USE_BROWSER=1 \
  wasm-pack test --headless --chrome --chromedriver "$(command -v chromedriver)" --mode no-install
run "wasm package build" bash scripts/build-wasm.sh
run "TypeScript check (tsc)" npx tsc -p tsconfig.json --noEmit
run "wasm API bad-input table in Node and Chromium" node --test tests/js/
run "page tests in Chromium" node --test tests/browser/
run "npm package: pack; Vite, webpack and no-bundler apps in Chromium; worker API; tsc --strict; Firefox" \
  sh -c 'bash scripts/package.sh --no-wasm-build && node --test tests/integration/'
run "browser spectrogram benchmark smoke run" node benches/browser/spectrogram-bench.mjs --quick
run "browser VAD benchmark smoke run" node benches/browser/vad-bench.mjs --quick
# The detection model's pipeline on a tiny slice (tools/train/smoke.sh: data engine, log-mel,
# one epoch, evaluation, int8 export into a scratch copy, the Rust parity test on it). It needs
# the training corpus, which lives outside the repository (../shared/data/corpus, or
# BYSTANDER_SHARED): without it the step says so and is skipped.
shared="${BYSTANDER_SHARED:-../shared}"
if [ -d "$shared/data/corpus" ]; then
  run "model pipeline smoke run (tiny data, one epoch, export, parity)" \
    env BYSTANDER_SHARED="$(cd "$shared" && pwd)" bash tools/train/smoke.sh
else
  printf '\n== test: model pipeline smoke run: SKIPPED, no corpus at %s/data/corpus\n' "$shared"
fi
printf '\nsteps: %d passed, 0 failed\n' "$passed"
