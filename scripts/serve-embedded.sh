# shellcheck shell=bash
# Sourced by the scripts that test a real `promptops` binary (server/tests/node/run.sh,
# server/tests/metrics/check.sh, examples/run.sh): `serve_embedded <binary> [VAR=value …]`
# starts it on the embedded default (SQLite in a fresh data dir, no Redis, whatever the
# environment says) on a free port, with the extra environment given, waits for its address
# and sets `base` (http://127.0.0.1:port), `pid`, `data` and `log`; it is stopped and its data
# dir removed when the calling script exits.

serve_embedded() {
  local binary=$1
  shift
  data=$(mktemp -d)
  log="$data/server.log"
  env -u DATABASE_URL -u REDIS_URL PROMPTOPS_LOG=warn "$@" \
    "$binary" serve --addr 127.0.0.1:0 --data-dir "$data" >"$log" 2>&1 &
  pid=$!
  trap _serve_embedded_stop EXIT
  base=""
  for _ in $(seq 1 100); do
    base=$(sed -n 's/^PromptOps listening on \(http:\/\/[0-9.:]*\).*/\1/p' "$log" | head -n1)
    [ -n "$base" ] && return 0
    if ! kill -0 "$pid" 2>/dev/null; then
      cat "$log" >&2
      echo "ERROR: the server did not start" >&2
      exit 1
    fi
    sleep 0.2
  done
  cat "$log" >&2
  echo "ERROR: the server printed no address" >&2
  exit 1
}

_serve_embedded_stop() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$data"
}
