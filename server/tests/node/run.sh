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

# shellcheck source=scripts/serve-embedded.sh
. "$here/../../../scripts/serve-embedded.sh"
serve_embedded "$binary"
echo "server at $base"

node conformance.mjs "$base/graphql"
node graphiql.mjs "$base"
