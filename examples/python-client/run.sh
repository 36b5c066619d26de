#!/usr/bin/env bash
# Runs the typed Python client (client.py) against a PromptOps server.
# Usage: examples/python-client/run.sh http://127.0.0.1:8080
# Makes (once) a virtual environment under ${XDG_CACHE_HOME:-$HOME/.cache}/promptops-python-client,
# installs requirements.txt into it (again whenever that file changes) and runs the client.
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: $0 <server URL, e.g. http://127.0.0.1:8080>" >&2
  exit 2
fi
here="$(cd "$(dirname "$0")" && pwd)"
venv="${XDG_CACHE_HOME:-$HOME/.cache}/promptops-python-client"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
stamp="$venv/.requirements.sha256"
want=$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
  echo "$want" >"$stamp"
fi

exec "$venv/bin/python" "$here/client.py" "$1"
