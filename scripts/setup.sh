#!/usr/bin/env bash
# Installs everything bystander's build, demo and tests need on a fresh machine of this
# kind (Debian, rustup, Node/npm, Python), skipping what is already there at the right
# version. Only the package registries are used (apt, crates.io, npm).
#   scripts/setup.sh            everything (tests need Chromium + ChromeDriver, firefox-esr)
#   scripts/setup.sh --demo     only what the demo build needs (no browser)
set -euo pipefail
cd "$(dirname "$0")/.."
WASM_BINDGEN_VERSION=0.2.130   # must equal the `wasm-bindgen = "=..."` pin in Cargo.toml
WASM_PACK_VERSION=0.15.1
demo_only=false
[ "${1:-}" = "--demo" ] && demo_only=true

step() { printf '\n== setup: %s\n' "$*"; }

if ! $demo_only && { ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; }; then
  step "apt: chromium chromium-driver (NOT binaryen: Debian's wasm-opt 108 breaks wasm-bindgen output)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
if ! $demo_only && ! command -v firefox-esr >/dev/null; then
  step "apt: firefox-esr (the Firefox tests, driven by puppeteer-core over WebDriver BiDi)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq firefox-esr >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
if ! rustup component list --installed 2>/dev/null | grep -q '^clippy'; then
  rustup component add clippy rustfmt || true
fi

if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $WASM_BINDGEN_VERSION"; then
  step "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (~8 min; not --locked: its lockfile pins a yanked crate)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi
if ! wasm-pack --version 2>/dev/null | grep -qx "wasm-pack $WASM_PACK_VERSION"; then
  step "cargo install wasm-pack $WASM_PACK_VERSION --locked (~5 min)"
  cargo install wasm-pack --version "$WASM_PACK_VERSION" --locked
fi

if [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm ci (playwright-core, fft.js, binaryen's wasm-opt)"
  npm ci --no-audit --no-fund --loglevel=error
fi
echo "setup: done"
