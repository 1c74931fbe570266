#!/usr/bin/env bash
# Builds the wasm package into www/: pkg-simd/ (the analyser alone, built with simd128 so
# LLVM vectorises our loops, and with rustfft's `wasm_simd` butterflies for the FFT, which
# runs in f64 only: 275 KB gzipped against the npm package's 300 KB budget; docs/npm.md),
# pkg/ (analyser and decoder, no SIMD, for engines without it) and pkg-decoder/ (the file
# decoder alone: symphonia, loaded only when a compressed file must be decoded).
# www/bystander-loader.js picks pkg-simd or pkg by feature test.
# Uses wasm-pack when installed (as scripts/setup.sh installs it), else cargo +
# wasm-bindgen directly. Prints each .wasm's gzipped size.
#   scripts/build-wasm.sh [--dev]
set -euo pipefail
cd "$(dirname "$0")/.."
profile=release
[ "${1:-}" = "--dev" ] && profile=dev

build() { # build OUT_DIR TARGET_DIR RUSTFLAGS NAME [CARGO_FEATURE_ARGS...]
  local out=$1 target_dir=$2 flags=$3 name=$4
  shift 4
  if command -v wasm-pack >/dev/null 2>&1; then
    CARGO_TARGET_DIR=$target_dir RUSTFLAGS="$flags" wasm-pack --quiet build --target web \
      --"$profile" --mode no-install --no-pack --out-dir "www/$out" --out-name "$name" . \
      ${1:+-- "$@"}
  else
    local dir=release; [ "$profile" = dev ] && dir=debug
    CARGO_TARGET_DIR=$target_dir RUSTFLAGS="$flags" cargo build --lib --quiet \
      --target wasm32-unknown-unknown $([ "$profile" = release ] && echo --release) "$@"
    wasm-bindgen --target web --out-dir "www/$out" --out-name "$name" \
      "$target_dir/wasm32-unknown-unknown/$dir/bystander.wasm"
  fi
  # Optional size optimisation with npm's binaryen (never Debian's: see README).
  if [ "$profile" = release ] && [ -x node_modules/.bin/wasm-opt ]; then
    node_modules/.bin/wasm-opt "www/$out/${name}_bg.wasm" -O2 --enable-simd \
      --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-mutable-globals --enable-reference-types --enable-multivalue \
      -o "www/$out/${name}_bg.opt.wasm"
    mv "www/$out/${name}_bg.opt.wasm" "www/$out/${name}_bg.wasm"
  fi
  rm -f "www/$out/.gitignore"
  local raw gz
  raw=$(wc -c < "www/$out/${name}_bg.wasm")
  gz=$(gzip -9c "www/$out/${name}_bg.wasm" | wc -c)
  printf 'wasm size: www/%s/%s_bg.wasm %d bytes, %d bytes gzipped (%.1f KiB)\n' \
    "$out" "$name" "$raw" "$gz" "$(awk "BEGIN{print $gz/1024}")"
}

build pkg target/wasm "" bystander
build pkg-simd target/wasm-simd "-C target-feature=+simd128" bystander \
  --no-default-features --features js-analysis,simd
build pkg-decoder target/wasm "" bystander_decoder --no-default-features --features decode
