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

data=$(mktemp -d)
log="$data/server.log"
env -u DATABASE_URL -u REDIS_URL PROMPTOPS_LOG=warn \
  "$binary" serve --addr 127.0.0.1:0 --data-dir "$data" >"$log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

base=""
for _ in $(seq 1 100); do
  base=$(sed -n 's/^PromptOps listening on \(http:\/\/[0-9.:]*\).*/\1/p' "$log" | head -n1)
  [ -n "$base" ] && break
  if ! kill -0 "$pid" 2>/dev/null; then
    cat "$log" >&2
    echo "ERROR: the server did not start" >&2
    exit 1
  fi
  sleep 0.2
done
if [ -z "$base" ]; then
  cat "$log" >&2
  echo "ERROR: the server printed no address" >&2
  exit 1
fi
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
