#!/usr/bin/env python3
"""Validates rendered Kubernetes manifests offline with kubernetes-validate.

usage: validate.py KUBERNETES_VERSION FILE...   (each FILE a multi-document YAML stream)

Every document is checked against the bundled JSON schemas of that Kubernetes version in
strict mode (unknown fields are errors). Custom resources have no schema there: the kinds in
SKIP (KEDA's, the Prometheus operator's) are skipped by name and listed; any other unknown
kind fails.
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
        summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        print(f"{path}: {len(docs)} documents; valid: {summary}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
