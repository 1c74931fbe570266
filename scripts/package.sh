#!/usr/bin/env bash
# Builds the npm package `bystander` into dist/npm/ and packs dist/bystander-<version>.tgz:
# the wasm modules (scripts/build-wasm.sh: the SIMD analyser and the decoder), the entry
# modules and typings of npm/, the review page's modules they import, NOTICE, licences.
# Prints the gzipped size of each .wasm and each entry point's JS. See docs/npm.md.
#   bash scripts/package.sh [--no-wasm-build]   (--no-wasm-build: www/pkg-* are up to date)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
[ "${1:-}" = "--no-wasm-build" ] || bash scripts/build-wasm.sh
node npm/build.mjs
npm pack --silent --pack-destination dist ./dist/npm >/dev/null
version=$(node -p "require('./dist/npm/package.json').version")
ls -l "dist/bystander-$version.tgz" | awk '{ printf "packed %s (%d bytes)\n", $NF, $5 }'
