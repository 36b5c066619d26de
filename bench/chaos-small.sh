#!/usr/bin/env bash
# The CI size of `promptops chaos` (see README, "### Chaos"): a few hundred jobs and one fault
# of each kind (a worker SIGKILLed, Redis restarted, an API process SIGKILLed under
# subscribers, workers killed mid-workflow, PostgreSQL stalled 10 s and its connections
# dropped) against the machine's PostgreSQL and a redis-server the harness starts itself.
# Exit status: 0 nothing lost or duplicated, 1 something was, 2 the harness could not run;
# 124 when it did not finish within 3 minutes.
#
#   bench/chaos-small.sh target/release/promptops [more chaos flags]
#   CHAOS_DATABASE_URL=postgres://user@host:5432/postgres bench/chaos-small.sh …
set -euo pipefail

bin=${1:?usage: bench/chaos-small.sh <promptops binary> [chaos flags]}
shift
database_url=${CHAOS_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
redis_server=$(command -v redis-server) || {
    echo "chaos-small: redis-server not found on PATH" >&2
    exit 2
}

# SIGTERM at 3 minutes: the harness then kills its processes and drops its database.
exec timeout --kill-after=20 180 "$bin" chaos --small \
    --database-url "$database_url" --redis-server "$redis_server" \
    --json "${CHAOS_JSON:-/tmp/promptops-chaos-small.json}" "$@"
