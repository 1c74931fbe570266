#!/usr/bin/env bash
# Builds the wasm package twice into www/: pkg-simd/ (simd128 + rustfft's wasm_simd) and
# pkg/ (no SIMD, for engines without it). www/bystander-loader.js picks one by feature test.
# Uses wasm-pack when installed (as scripts/setup.sh installs it), else cargo +
# wasm-bindgen directly. Prints each .wasm's gzipped size.
#   scripts/build-wasm.sh [--dev]
set -euo pipefail
cd "$(dirname "$0")/.."
profile=release
[ "${1:-}" = "--dev" ] && profile=dev

build() { # build OUT_DIR TARGET_DIR RUSTFLAGS FEATURES
  local out=$1 target_dir=$2 flags=$3 features=$4
  if command -v wasm-pack >/dev/null 2>&1; then
    CARGO_TARGET_DIR=$target_dir RUSTFLAGS="$flags" wasm-pack --quiet build --target web \
      --"$profile" --mode no-install --no-pack --out-dir "www/$out" --out-name bystander . \
      ${features:+-- --features $features}
  else
    local dir=release; [ "$profile" = dev ] && dir=debug
    CARGO_TARGET_DIR=$target_dir RUSTFLAGS="$flags" cargo build --lib --quiet \
      --target wasm32-unknown-unknown $([ "$profile" = release ] && echo --release) \
      ${features:+--features $features}
    wasm-bindgen --target web --out-dir "www/$out" --out-name bystander \
      "$target_dir/wasm32-unknown-unknown/$dir/bystander.wasm"
  fi
  # Optional size optimisation with npm's binaryen (never Debian's: see README).
  if [ "$profile" = release ] && [ -x node_modules/.bin/wasm-opt ]; then
    node_modules/.bin/wasm-opt "www/$out/bystander_bg.wasm" -O2 --enable-simd \
      --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-mutable-globals --enable-reference-types --enable-multivalue \
      -o "www/$out/bystander_bg.opt.wasm"
    mv "www/$out/bystander_bg.opt.wasm" "www/$out/bystander_bg.wasm"
  fi
  rm -f "www/$out/.gitignore"
  local raw gz
  raw=$(wc -c < "www/$out/bystander_bg.wasm")
  gz=$(gzip -9c "www/$out/bystander_bg.wasm" | wc -c)
  printf 'wasm size: www/%s/bystander_bg.wasm %d bytes, %d bytes gzipped (%.1f KiB)\n' \
    "$out" "$raw" "$gz" "$(awk "BEGIN{print $gz/1024}")"
}

build pkg target/wasm "" ""
build pkg-simd target/wasm-simd "-C target-feature=+simd128" simd
