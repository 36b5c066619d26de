#!/usr/bin/env bash
# The same three-node workflow (Research → Analyze → Summarize) in PromptOps and in LangGraph,
# in the same run, on the same `promptops mock-llm` (OpenAI format over HTTP, unpaced): runs/s,
# runs per CPU-second (runs/s per core) and peak memory of each. README "LangGraph, side by side".
#
#   bench/langgraph.sh [path/to/promptops]        (default: target/release/promptops)
#   RUNS=2000 CONCURRENCY=50 WORDS=20 bench/langgraph.sh target/release/promptops
#
# It creates a virtual environment (LANGGRAPH_VENV, default ~/.cache/promptops-langgraph-venv)
# with bench/langgraph/requirements.txt, starts mock-llm and an embedded `promptops serve`
# (SQLite, in-process queue, a fresh data directory) on free ports, loads the server with
# `promptops bench workflow --provider openai`, then runs bench/langgraph/workflow.py three
# ways (plain, streaming, with a SQLite checkpointer). PromptOps' CPU is the server process and
# its children (template sandboxes), read from /proc before and after the whole bench command —
# so it also pays for serving the bench's progress polls and its final reads of every run and
# of the last 50 runs' events; LangGraph's is its process's own (getrusage) over the runs.
# mock-llm's and the load generator's CPU count for neither.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-target/release/promptops}")
RUNS=${RUNS:-1000}
CONCURRENCY=${CONCURRENCY:-50}
WORDS=${WORDS:-20}
VENV=${LANGGRAPH_VENV:-$HOME/.cache/promptops-langgraph-venv}
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
"$VENV/bin/pip" install --quiet --disable-pip-version-check -r bench/langgraph/requirements.txt

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_http() {
  for _ in $(seq 1 100); do curl -fsS "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "ERROR: $1 did not answer" >&2; exit 1
}
# CPU seconds of a process and its live descendants (+ its waited-for children).
tree_cpu() {
  python3 - "$1" <<'PY'
import os, sys
tick = os.sysconf("SC_CLK_TCK")
root = int(sys.argv[1])
children = {}
for entry in os.listdir("/proc"):
    if entry.isdigit():
        try:
            fields = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append((int(entry), fields))
def stat(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return fields
total = sum(int(x) for x in stat(root)[11:15])
stack = [root]
while stack:
    for pid, fields in children.get(stack.pop(), []):
        total += int(fields[11]) + int(fields[12])
        stack.append(pid)
print(total / tick)
PY
}
peak_rss_mib() { awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

LLM_PORT=$(free_port)
"$BIN" mock-llm --addr "127.0.0.1:$LLM_PORT" >"$WORK/mock-llm.log" 2>&1 &
PIDS+=($!)
LLM="http://127.0.0.1:$LLM_PORT"
wait_http "$LLM/healthz"

API_PORT=$(free_port)
mkdir -p "$WORK/data"
PROMPTOPS_DATA_DIR="$WORK/data" PROMPTOPS_ADDR="127.0.0.1:$API_PORT" PROMPTOPS_LOG=warn \
  PROMPTOPS_PROVIDER_ALLOWED_HOSTS=127.0.0.1 \
  PROMPTOPS_ORG_REQUESTS_PER_MINUTE=0 PROMPTOPS_ORG_REQUESTS_PER_MINUTE_MAX=0 \
  PROMPTOPS_API_KEY_REQUESTS_PER_MINUTE=0 PROMPTOPS_API_KEY_REQUESTS_PER_MINUTE_MAX=0 \
  env -u DATABASE_URL -u REDIS_URL "$BIN" serve >"$WORK/serve.log" 2>&1 &
SERVER=$!
PIDS+=("$SERVER")
API="http://127.0.0.1:$API_PORT"
wait_http "$API/readyz"

echo "== PromptOps: $RUNS runs, $CONCURRENCY submitting at once, $WORDS words, OpenAI format to mock-llm"
cpu0=$(tree_cpu "$SERVER")
"$BIN" bench workflow --target "$API" --server-pid "$SERVER" --runs "$RUNS" \
  --concurrency "$CONCURRENCY" --words "$WORDS" --provider openai --llm-url "$LLM" | tee "$WORK/promptops.txt"
cpu1=$(tree_cpu "$SERVER")
PROMPTOPS_JSON=$(grep '^json: ' "$WORK/promptops.txt" | tail -n1 | sed 's/^json: //')
PROMPTOPS_RSS=$(peak_rss_mib "$SERVER")

RESULTS=()
for mode in plain stream checkpoint; do
  echo "== LangGraph ($mode): $RUNS runs, $CONCURRENCY at once"
  extra=()
  case $mode in
    stream) extra=(--stream) ;;
    checkpoint) extra=(--checkpoint "$WORK/langgraph-$RANDOM.sqlite") ;;
  esac
  line=$("$VENV/bin/python" bench/langgraph/workflow.py --llm-url "$LLM" --runs "$RUNS" \
    --concurrency "$CONCURRENCY" --words "$WORDS" "${extra[@]}")
  echo "$line"
  RESULTS+=("$line")
done

python3 - "$PROMPTOPS_JSON" "$(python3 -c "print($cpu1 - $cpu0)")" "$PROMPTOPS_RSS" "$RUNS" "${RESULTS[@]}" <<'PY'
import json, sys
promptops, cpu, rss, runs = json.loads(sys.argv[1]), float(sys.argv[2]), sys.argv[3], int(sys.argv[4])
ours_rate = round(promptops["runs_per_second"], 2)
ours_per_cpu = runs / cpu if cpu > 0 else float("nan")
print()
print("| system | runs/s | CPU s | runs per CPU-second | peak RSS MiB | vs LangGraph per core |")
print("|---|---|---|---|---|---|")
rows = []
for raw in sys.argv[5:]:
    r = json.loads(raw)
    name = "LangGraph " + ("streaming" if r["stream"] else "sqlite checkpointer" if r["checkpoint"] else "plain")
    rows.append((name, r["runs_per_s"], r["cpu_s"], r["runs_per_cpu_s"], r["peak_rss_mib"]))
print(f"| PromptOps (embedded, durable) | {ours_rate} | {cpu:.2f} | {ours_per_cpu:.1f} | {rss} | — |")
for name, rate, c, per_cpu, peak in rows:
    print(f"| {name} | {rate} | {c} | {per_cpu} | {peak} | PromptOps {ours_per_cpu / per_cpu:.2f}× |")
print("json: " + json.dumps({
    "promptops": {"runs": runs, "runs_per_s": ours_rate, "cpu_s": round(cpu, 3),
                  "runs_per_cpu_s": round(ours_per_cpu, 2), "peak_rss_mib": float(rss)},
    "langgraph": [json.loads(raw) for raw in sys.argv[5:]],
}))
PY
