#!/usr/bin/env bash
# Sets up (first run only), builds the wasm package and serves the demo page (www/) on
# 127.0.0.1, printing its URL. PORT=8123 by default.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --demo
bash scripts/build-wasm.sh
exec node scripts/serve.mjs --root www --port "${PORT:-8123}"
