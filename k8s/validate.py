#!/usr/bin/env python3
"""Validates rendered Kubernetes manifests offline with kubernetes-validate.

usage: validate.py KUBERNETES_VERSION FILE...   (each FILE a multi-document YAML stream)

Every document is checked against the bundled JSON schemas of that Kubernetes version in
strict mode (unknown fields are errors). Custom resources have no schema there: the kinds in
SKIP (KEDA's, the Prometheus operator's) are skipped by name and listed; any other unknown
kind fails.

Then PromptOps's own rules on each rendering (see `policy`): the pods run non-root on a
read-only root filesystem with limits, the API runs `serve --no-workers` with both probes,
the workers' termination grace exceeds PROMPTOPS_SHUTDOWN_GRACE_SECS, the secrets come from
the Secret, /graphql has the WebSocket timeouts.
"""
import sys

import kubernetes_validate
import yaml

# CRDs kubernetes-validate has no schema for: skipped explicitly, never silently.
SKIP = {
    ("keda.sh/v1alpha1", "ScaledObject"),
    ("keda.sh/v1alpha1", "TriggerAuthentication"),
    ("monitoring.coreos.com/v1", "PodMonitor"),
    ("monitoring.coreos.com/v1", "ServiceMonitor"),
    ("monitoring.coreos.com/v1", "PrometheusRule"),
}


def policy(docs) -> list:
    problems = []
    config = {}
    for doc in docs:
        if doc.get("kind") == "ConfigMap" and doc["metadata"]["name"].startswith("promptops-config"):
            config = doc.get("data", {})
    grace = int(config.get("PROMPTOPS_SHUTDOWN_GRACE_SECS", "30"))
    for doc in docs:
        kind, name = doc.get("kind"), doc.get("metadata", {}).get("name", "?")
        if kind in ("Deployment", "Job") and name.startswith("promptops-"):
            pod = doc["spec"]["template"]["spec"]
            ctx = pod.get("securityContext", {})
            if not ctx.get("runAsNonRoot"):
                problems.append(f"{kind} {name}: runAsNonRoot is not set")
            if pod.get("automountServiceAccountToken") is not False:
                problems.append(f"{kind} {name}: mounts a service account token")
            for container in pod["containers"]:
                sec = container.get("securityContext", {})
                if not sec.get("readOnlyRootFilesystem") or sec.get("allowPrivilegeEscalation") is not False:
                    problems.append(f"{kind} {name}: container {container['name']} is not read-only / no-privilege-escalation")
                limits = container.get("resources", {}).get("limits", {})
                requests = container.get("resources", {}).get("requests", {})
                if not {"cpu", "memory"} <= limits.keys() or not {"cpu", "memory"} <= requests.keys():
                    problems.append(f"{kind} {name}: container {container['name']} lacks cpu/memory requests or limits")
                env = {e["name"]: e for e in container.get("env", [])}
                for variable in ("DATABASE_URL",):
                    if "secretKeyRef" not in env.get(variable, {}).get("valueFrom", {}):
                        problems.append(f"{kind} {name}: {variable} does not come from a Secret")
                args = container.get("args", [])
                if kind == "Deployment" and args[:1] == ["serve"]:
                    if "--no-workers" not in args:
                        problems.append(f"Deployment {name}: `serve` without --no-workers")
                    for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
                        if container.get(probe, {}).get("httpGet", {}).get("path") != path:
                            problems.append(f"Deployment {name}: {probe} is not GET {path}")
                if kind == "Deployment" and args[:1] in (["serve"], ["worker"]):
                    if "secretKeyRef" not in env.get("REDIS_URL", {}).get("valueFrom", {}):
                        problems.append(f"Deployment {name}: REDIS_URL does not come from a Secret")
                    for variable in ("PROMPTOPS_JWT_SECRET_FILE", "PROMPTOPS_MASTER_KEY_FILE"):
                        if variable not in env:
                            problems.append(f"Deployment {name}: {variable} is not set")
                if kind == "Deployment" and args[:1] == ["worker"]:
                    termination = pod.get("terminationGracePeriodSeconds", 30)
                    if termination < grace + 10:
                        problems.append(
                            f"Deployment {name}: terminationGracePeriodSeconds {termination} leaves "
                            f"no room after PROMPTOPS_SHUTDOWN_GRACE_SECS {grace}")
        if kind == "Ingress" and any(
            p.get("path") == "/graphql"
            for rule in doc["spec"].get("rules", [])
            for p in rule.get("http", {}).get("paths", [])
        ):
            annotations = doc["metadata"].get("annotations", {})
            if int(annotations.get("nginx.ingress.kubernetes.io/proxy-read-timeout", "60")) < 600:
                problems.append(f"Ingress {name}: /graphql without a long proxy-read-timeout (WebSockets)")
    paths = {
        (p.get("path"), p.get("pathType")): doc
        for doc in docs
        if doc.get("kind") == "Ingress"
        for rule in doc["spec"].get("rules", [])
        for p in rule.get("http", {}).get("paths", [])
    }
    if ("/", "Prefix") in paths:
        denied = paths.get(("/metrics", "Exact"), {}).get("metadata", {}).get("annotations", {})
        if denied.get("nginx.ingress.kubernetes.io/whitelist-source-range") != "127.0.0.1/32":
            problems.append("Ingress: / is routed but /metrics is not refused")
    return problems


def main() -> int:
    version, files = sys.argv[1], sys.argv[2:]
    failures = 0
    for path in files:
        with open(path, encoding="utf-8") as stream:
            docs = [d for d in yaml.safe_load_all(stream) if d]
        kinds = {}
        for doc in docs:
            api, kind = doc.get("apiVersion"), doc.get("kind")
            name = doc.get("metadata", {}).get("name", "?")
            if (api, kind) in SKIP:
                print(f"{path}: SKIPPED (custom resource, no schema) {kind} {name}")
                continue
            try:
                kubernetes_validate.validate(doc, version, strict=True)
                kinds[kind] = kinds.get(kind, 0) + 1
            except kubernetes_validate.ValidationError as error:
                failures += 1
                where = ".".join(str(p) for p in error.path)
                print(f"{path}: INVALID {kind} {name}: {where}: {error.message}")
            except kubernetes_validate.utils.SchemaNotFoundError:
                failures += 1
                print(f"{path}: NO SCHEMA for {api} {kind} {name} (add it to SKIP if it is a CRD)")
        for problem in policy(docs):
            failures += 1
            print(f"{path}: POLICY {problem}")
        summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        print(f"{path}: {len(docs)} documents; valid: {summary}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
