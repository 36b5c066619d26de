#!/usr/bin/env bash
# Starts a `promptops` binary on a fresh data dir and a free port, with the metrics listener on
# a second free port; signs up, executes a prompt on the mock provider, makes a failing and an
# invalid request, then pipes the separate listener's `/metrics` into `promtool check metrics`
# (the main port's `/metrics` is then a 404; without the listener it serves there, as the API
# tests check).
# Usage: server/tests/metrics/check.sh <path to the promptops binary>. Needs curl and promtool
# (Debian package `prometheus`).
set -euo pipefail
binary=$(realpath "$1")
command -v promtool >/dev/null || { echo "ERROR: promtool is missing (apt-get install prometheus)" >&2; exit 1; }

metrics_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# shellcheck source=scripts/serve-embedded.sh
. "$(dirname "$0")/../../../scripts/serve-embedded.sh"
serve_embedded "$binary" PROMPTOPS_METRICS_ADDR="127.0.0.1:$metrics_port"
echo "server at $base, metrics at 127.0.0.1:$metrics_port"

gql() { # token, JSON body
  curl -sf "$base/graphql" -H 'content-type: application/json' ${1:+-H "authorization: Bearer $1"} -d "$2"
}
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

signed=$(gql "" '{"query":"mutation { signUp(input: {email: \"metrics@example.com\", password: \"correct horse battery\", name: \"M\", organizationName: \"Metrics\"}) { accessToken organization { id } } }"}')
token=$(echo "$signed" | field 'd["data"]["signUp"]["accessToken"]')
org=$(echo "$signed" | field 'd["data"]["signUp"]["organization"]["id"]')
prompt=$(gql "$token" "{\"query\":\"mutation(\$org: ID!) { createPrompt(orgId: \$org, input: {name: \\\"greet\\\", version: {messages: [{role: USER, content: \\\"hello metrics\\\"}], model: {provider: MOCK, model: \\\"echo\\\"}}}) { id } }\",\"variables\":{\"org\":\"$org\"}}" | field 'd["data"]["createPrompt"]["id"]')
execution=$(gql "$token" "{\"query\":\"mutation(\$p: ID!) { executePrompt(promptId: \$p, input: {}) { id } }\",\"variables\":{\"p\":\"$prompt\"}}" | field 'd["data"]["executePrompt"]["id"]')
for _ in $(seq 1 50); do
  status=$(gql "$token" "{\"query\":\"query(\$id: ID!) { execution(id: \$id) { status } }\",\"variables\":{\"id\":\"$execution\"}}" | field 'd["data"]["execution"]["status"]')
  [ "$status" = SUCCEEDED ] && break
  sleep 0.2
done
[ "$status" = SUCCEEDED ] || { echo "ERROR: the execution ended $status" >&2; exit 1; }
gql "$token" '{"query":"{ execution(id: \"00000000-0000-0000-0000-000000000000\") { id } }"}' >/dev/null
gql "" '{"query":"{ nope }"}' >/dev/null || true
curl -s "$base/healthz" >/dev/null

# With the separate listener, the main port does not serve /metrics.
main_status=$(curl -s -o /dev/null -w '%{http_code}' "$base/metrics")
[ "$main_status" = 404 ] || { echo "ERROR: $base/metrics answered $main_status with PROMPTOPS_METRICS_ADDR set" >&2; exit 1; }
url="http://127.0.0.1:${metrics_port}/metrics" # the separate listener
curl -sf "$url" >"$data/metrics.txt"
grep -q 'promptops_jobs_finished_total{kind="execution",status="succeeded"}' "$data/metrics.txt" \
  || { cat "$data/metrics.txt"; echo "ERROR: $url lacks the execution's job" >&2; exit 1; }
promtool check metrics <"$data/metrics.txt"
echo "promtool check metrics: $url ok ($(grep -vc '^#' "$data/metrics.txt") series lines)"
