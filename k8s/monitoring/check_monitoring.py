#!/usr/bin/env python3
"""Checks the Grafana dashboard and the alert rules against the metrics contract.

usage: check_monitoring.py OUT_RULES_FILE

- grafana-dashboard.json is valid JSON, panel ids are unique, and the expected panels are
  there (each with at least one query);
- every metric a dashboard query or an alert rule uses is one PromptOps exports (the list
  below, the contract with server/ — see README "Metrics") or a recording rule of alerts.yaml;
- writes every dashboard query, with Grafana's variables replaced, as a recording rule into
  OUT_RULES_FILE, so that `promtool check rules` parses them.
"""
import json
import re
import sys

import yaml

HERE = __file__.rsplit("/", 1)[0] if "/" in __file__ else "."

# The metric names and labels PromptOps exports (the contract; histograms add
# _bucket/_sum/_count).
METRICS = {
    "promptops_http_requests_total": {"method", "route", "status"},
    "promptops_http_request_duration_seconds": {"method", "route"},
    "promptops_graphql_operations_total": {"operation", "type", "outcome"},
    "promptops_graphql_operation_duration_seconds": {"operation", "type"},
    "promptops_jobs_enqueued_total": {"kind"},
    "promptops_jobs_claimed_total": {"kind"},
    "promptops_jobs_finished_total": {"kind", "status"},
    "promptops_job_duration_seconds": {"kind"},
    "promptops_jobs_queue_depth": {"kind"},
    "promptops_jobs_oldest_pending_age_seconds": {"kind"},
    "promptops_provider_requests_total": {"provider", "model", "outcome"},
    "promptops_provider_tokens_total": {"provider", "model", "direction"},
    "promptops_provider_cost_usd_total": {"provider", "model"},
    "promptops_provider_time_to_first_token_seconds": {"provider", "model"},
    "promptops_websocket_connections": set(),
    "promptops_subscriptions_active": set(),
}
HISTOGRAMS = {
    "promptops_http_request_duration_seconds",
    "promptops_graphql_operation_duration_seconds",
    "promptops_job_duration_seconds",
    "promptops_provider_time_to_first_token_seconds",
}

EXPECTED_PANELS = [
    "Request rate",
    "Request rate by route",
    "Error ratio",
    "Latency p50 / p99",
    "Queue lag (oldest pending job)",
    "Queue depth (pending jobs)",
    "Executions by status",
    "Tokens per second by model",
    "Cost per hour by model",
    "Provider errors",
    "Time to first token p50 / p99",
    "WebSockets and subscriptions",
]

GRAFANA_VARIABLES = {
    "$__rate_interval": "5m",
    "$__interval": "1m",
    "$__range": "1h",
    "$kind": ".*",
    "$provider": ".*",
}


def known(name: str, recorded: set) -> bool:
    if name in METRICS or name in recorded:
        return True
    for suffix in ("_bucket", "_sum", "_count"):
        if name.endswith(suffix) and name[: -len(suffix)] in HISTOGRAMS:
            return True
    return False


def metric_names(expr: str):
    # Every promptops_* identifier and promptops:* recording rule name.
    return set(re.findall(r"\bpromptops[_:][a-zA-Z0-9_:]*", expr))


def main() -> int:
    errors = []
    with open(f"{HERE}/alerts.yaml", encoding="utf-8") as stream:
        rules = yaml.safe_load(stream)
    recorded = {r["record"] for g in rules["groups"] for r in g["rules"] if "record" in r}
    for group in rules["groups"]:
        for rule in group["rules"]:
            for name in metric_names(rule["expr"]):
                if not known(name, recorded):
                    errors.append(f"alerts.yaml {rule.get('alert') or rule.get('record')}: unknown metric {name}")

    with open(f"{HERE}/grafana-dashboard.json", encoding="utf-8") as stream:
        dashboard = json.load(stream)
    panels = dashboard["panels"]
    ids = [p["id"] for p in panels]
    if len(ids) != len(set(ids)):
        errors.append("grafana-dashboard.json: duplicate panel ids")
    titles = {p["title"]: p for p in panels}
    for title in EXPECTED_PANELS:
        panel = titles.get(title)
        if panel is None:
            errors.append(f"grafana-dashboard.json: no panel {title!r}")
        elif not panel.get("targets"):
            errors.append(f"grafana-dashboard.json: panel {title!r} has no query")

    out = {"groups": [{"name": "dashboard-queries", "rules": []}]}
    count = 0
    for panel in panels:
        for target in panel.get("targets", []):
            expr = target["expr"]
            for name in metric_names(expr):
                if not known(name, recorded):
                    errors.append(f"grafana-dashboard.json {panel['title']!r}: unknown metric {name}")
            for variable, value in GRAFANA_VARIABLES.items():
                expr = expr.replace(variable, value)
            if "$" in expr:
                errors.append(f"grafana-dashboard.json {panel['title']!r}: unknown variable in {expr}")
            count += 1
            out["groups"][0]["rules"].append({"record": f"dashboard:query_{count}", "expr": expr})
    with open(sys.argv[1], "w", encoding="utf-8") as stream:
        yaml.safe_dump(out, stream, sort_keys=False)

    for error in errors:
        print(f"ERROR: {error}")
    print(f"dashboard: {len(panels)} panels, {count} queries; alerts.yaml: "
          f"{sum(len(g['rules']) for g in rules['groups'])} rules; "
          f"{'OK' if not errors else f'{len(errors)} problem(s)'}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
