#!/usr/bin/env bash
# Starts a `promptops` binary on a fresh data dir and a free port, runs the GraphQL-over-HTTP
# audit (conformance.mjs) and GraphiQL in headless Chromium (graphiql.mjs) against it, stops it.
# Usage: server/tests/node/run.sh <path to the promptops binary>. Needs node, npm and
# /usr/bin/chromium (or CHROMIUM=…); installs the node packages with `npm ci` when missing.
set -euo pipefail
binary=$(realpath "$1")
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
[ -d node_modules ] || npm ci --no-audit --no-fund

data=$(mktemp -d)
log="$data/server.log"
# The embedded default: SQLite in the data dir, no Redis, whatever the environment says.
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

node conformance.mjs "$base/graphql"
node graphiql.mjs "$base"
