#!/usr/bin/env bash
# The one Python venv for every tool: creates it if missing, installs the packages of the
# given dependency groups of tools/pyproject.toml at the versions pinned in
# tools/constraints.txt, and prints the venv's python on stdout (pip's output goes to stderr).
#   py="$(bash tools/venv.sh [--no-deps] GROUP...)"
# The venv is $BYSTANDER_VENV, default .venv at the repository root (gitignored); it is made
# with $PYTHON (default python3, 3.11 or newer: the groups are read with tomllib).
set -euo pipefail
tools="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$tools/.." && pwd)"
venv="${BYSTANDER_VENV:-$repo/.venv}"
pip_args=()
if [ "${1:-}" = --no-deps ]; then pip_args+=(--no-deps); shift; fi
[ "$#" -gt 0 ] || { echo "usage: bash tools/venv.sh [--no-deps] GROUP..." >&2; exit 2; }
if [ ! -x "$venv/bin/python" ]; then
  echo "== creating $venv" >&2
  "${PYTHON:-python3}" -m venv "$venv"
fi
py="$venv/bin/python"
list="$("$py" - "$tools/pyproject.toml" "$@" <<'PY'
import sys, tomllib
groups = tomllib.load(open(sys.argv[1], "rb"))["dependency-groups"]
def expand(name):
    if name not in groups:
        sys.exit(f"unknown group {name!r}; known: {', '.join(groups)}")
    for item in groups[name]:
        if isinstance(item, dict):
            yield from expand(item["include-group"])
        else:
            yield item
out = []
for g in sys.argv[2:]:
    out += [p for p in expand(g) if p not in out]
print("\n".join(out))
PY
)"
mapfile -t packages <<<"$list"
"$py" -m pip install --quiet --disable-pip-version-check -c "$tools/constraints.txt" \
  "${pip_args[@]}" "${packages[@]}" >&2
echo "$py"
