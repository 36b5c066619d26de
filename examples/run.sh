#!/usr/bin/env bash
# Starts a `promptops` binary embedded (SQLite in a fresh data dir, no Redis) on a free port,
# runs the typed client examples against it (Rust: examples/rust-client, Python:
# examples/python-client), stops it. Exits non-zero when a client fails.
# Usage: examples/run.sh <path to the promptops binary>
# Needs cargo and python3 (with venv); the Python client installs its pinned requirements into
# ${XDG_CACHE_HOME:-$HOME/.cache}/promptops-python-client.
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: $0 <path to the promptops binary>" >&2
  exit 2
fi
binary=$(realpath "$1")
here="$(cd "$(dirname "$0")" && pwd)"

# shellcheck source=scripts/serve-embedded.sh
. "$here/../scripts/serve-embedded.sh"
serve_embedded "$binary"
echo "server at $base"

passed=0
failed=0
results=()
echo "== Rust client (examples/rust-client)"
if (cd "$here/.." && cargo run -q -p promptops-client-example -- "$base"); then
  passed=$((passed + 1)); results+=("rust: passed")
else
  failed=$((failed + 1)); results+=("rust: FAILED")
fi
echo "== Python client (examples/python-client)"
if "$here/python-client/run.sh" "$base"; then
  passed=$((passed + 1)); results+=("python: passed")
else
  failed=$((failed + 1)); results+=("python: FAILED")
fi

if [ "$failed" -ne 0 ]; then
  echo "--- server log" >&2
  cat "$log" >&2
fi
printf '%s\n' "${results[@]}"
echo "clients: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
