#!/usr/bin/env python3
"""Generates grafana-dashboard.json (the panels and their PromQL live here).

usage: dashboard.py [OUT]   (default: grafana-dashboard.json beside this file)
k8s/check.sh fails when the committed JSON differs from what this writes.
"""
import json
import os
import sys

DS = {"type": "prometheus", "uid": "${datasource}"}
panels = []
pid = [0]
y = [0]

def nid():
    pid[0] += 1
    return pid[0]

def row(title):
    panels.append({"id": nid(), "type": "row", "title": title, "collapsed": False,
                   "gridPos": {"h": 1, "w": 24, "x": 0, "y": y[0]}, "panels": []})
    y[0] += 1

def ts(title, targets, unit, x, w=12, h=8, desc="", thresholds=None, stack=False):
    fc = {"defaults": {"unit": unit, "custom": {"lineWidth": 1, "fillOpacity": 10,
                                                  "stacking": {"mode": "normal" if stack else "none"},
                                                  "showPoints": "never"}},
          "overrides": []}
    if thresholds:
        fc["defaults"]["thresholds"] = {"mode": "absolute", "steps": [
            {"color": "green", "value": None}, {"color": "red", "value": thresholds}]}
        fc["defaults"]["custom"]["thresholdsStyle"] = {"mode": "line"}
    p = {"id": nid(), "type": "timeseries", "title": title, "description": desc,
         "datasource": DS, "gridPos": {"h": h, "w": w, "x": x, "y": y[0]},
         "fieldConfig": fc,
         "options": {"legend": {"displayMode": "table", "placement": "bottom",
                                "calcs": ["lastNotNull", "max"]},
                     "tooltip": {"mode": "multi", "sort": "desc"}},
         "targets": [{"datasource": DS, "expr": e, "legendFormat": l, "refId": chr(65 + i)}
                     for i, (e, l) in enumerate(targets)]}
    panels.append(p)

def stat(title, expr, unit, x, w=4, desc="", red=None):
    steps = [{"color": "green", "value": None}]
    if red is not None:
        steps.append({"color": "red", "value": red})
    panels.append({"id": nid(), "type": "stat", "title": title, "description": desc,
                   "datasource": DS, "gridPos": {"h": 4, "w": w, "x": x, "y": y[0]},
                   "fieldConfig": {"defaults": {"unit": unit, "thresholds": {"mode": "absolute", "steps": steps}},
                                   "overrides": []},
                   "options": {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                               "colorMode": "background", "graphMode": "area", "textMode": "auto"},
                   "targets": [{"datasource": DS, "expr": expr, "refId": "A", "instant": False}]})

NOPROBE = 'route!~"/healthz|/readyz|/metrics"'
LAT = 'route!~"/graphql/ws|/healthz|/readyz|/metrics"'

row("Overview")
stat("Request rate", f'sum(rate(promptops_http_requests_total{{{NOPROBE}}}[$__rate_interval]))', "reqps", 0)
stat("HTTP 5xx ratio", f'(sum(rate(promptops_http_requests_total{{{NOPROBE},status=~"5.."}}[$__rate_interval])) or vector(0)) / sum(rate(promptops_http_requests_total{{{NOPROBE}}}[$__rate_interval]))', "percentunit", 4, red=0.05)
stat("p99 latency", f'histogram_quantile(0.99, sum by (le) (rate(promptops_http_request_duration_seconds_bucket{{{LAT}}}[$__rate_interval])))', "s", 8, red=0.5, desc="Seed target: under 500 ms.")
stat("Oldest pending job", 'max(promptops_jobs_oldest_pending_age_seconds{kind=~"$kind"})', "s", 12, red=60, desc="The queue lag the worker autoscaler follows.")
stat("Workers up", 'sum(up{job="promptops-worker"})', "none", 16)
stat("Cost (range)", 'sum(increase(promptops_provider_cost_usd_total{provider=~"$provider"}[$__range])) or vector(0)', "currencyUSD", 20)
y[0] += 4

row("HTTP and GraphQL")
ts("Request rate by route", [(f'sum by (route) (rate(promptops_http_requests_total{{{NOPROBE}}}[$__rate_interval]))', "{{route}}")], "reqps", 0)
ts("Error ratio", [
    (f'(sum(rate(promptops_http_requests_total{{{NOPROBE},status=~"5.."}}[$__rate_interval])) or vector(0)) / sum(rate(promptops_http_requests_total{{{NOPROBE}}}[$__rate_interval]))', "HTTP 5xx"),
    ('(sum(rate(promptops_graphql_operations_total{outcome=~"INTERNAL|UNAVAILABLE"}[$__rate_interval])) or vector(0)) / sum(rate(promptops_graphql_operations_total[$__rate_interval]))', "GraphQL INTERNAL/UNAVAILABLE"),
    ('(sum(rate(promptops_graphql_operations_total{outcome!="ok"}[$__rate_interval])) or vector(0)) / sum(rate(promptops_graphql_operations_total[$__rate_interval]))', "GraphQL any error (client errors too)"),
], "percentunit", 12, thresholds=0.05)
y[0] += 8
ts("Latency p50 / p99", [
    (f'histogram_quantile(0.50, sum by (le) (rate(promptops_http_request_duration_seconds_bucket{{{LAT}}}[$__rate_interval])))', "p50"),
    (f'histogram_quantile(0.99, sum by (le) (rate(promptops_http_request_duration_seconds_bucket{{{LAT}}}[$__rate_interval])))', "p99"),
], "s", 0, thresholds=0.5, desc="HTTP requests, WebSocket connections and probes left out; the red line is the 500 ms p99 target.")
ts("GraphQL p99 by operation", [
    ('topk(10, histogram_quantile(0.99, sum by (le, operation, type) (rate(promptops_graphql_operation_duration_seconds_bucket[$__rate_interval]))))', "{{type}} {{operation}}"),
], "s", 12, thresholds=0.5)
y[0] += 8
ts("GraphQL operations by outcome", [('sum by (outcome) (rate(promptops_graphql_operations_total[$__rate_interval]))', "{{outcome}}")], "ops", 0, stack=True)
ts("WebSockets and subscriptions", [
    ('sum(promptops_websocket_connections) or vector(0)', "WebSocket connections"),
    ('sum(promptops_subscriptions_active) or vector(0)', "active subscriptions"),
], "none", 12)
y[0] += 8

row("Jobs and queue")
ts("Queue lag (oldest pending job)", [('max by (kind) (promptops_jobs_oldest_pending_age_seconds{kind=~"$kind"})', "{{kind}}")], "s", 0, thresholds=60,
   desc="Age of the oldest PENDING job, from the jobs table; every process reports it, hence max.")
ts("Queue depth (pending jobs)", [('max by (kind) (promptops_jobs_queue_depth{kind=~"$kind"})', "{{kind}}")], "none", 12)
y[0] += 8
ts("Jobs enqueued / claimed / finished", [
    ('sum by (kind) (rate(promptops_jobs_enqueued_total{kind=~"$kind"}[$__rate_interval]))', "enqueued {{kind}}"),
    ('sum by (kind) (rate(promptops_jobs_claimed_total{kind=~"$kind"}[$__rate_interval]))', "claimed {{kind}}"),
    ('sum by (kind) (rate(promptops_jobs_finished_total{kind=~"$kind"}[$__rate_interval]))', "finished {{kind}}"),
], "ops", 0)
ts("Executions by status", [('sum by (status) (rate(promptops_jobs_finished_total{kind="execution"}[$__rate_interval]))', "{{status}}")], "ops", 12, stack=True)
y[0] += 8
ts("Job duration p50 / p99", [
    ('histogram_quantile(0.50, sum by (le, kind) (rate(promptops_job_duration_seconds_bucket{kind=~"$kind"}[$__rate_interval])))', "p50 {{kind}}"),
    ('histogram_quantile(0.99, sum by (le, kind) (rate(promptops_job_duration_seconds_bucket{kind=~"$kind"}[$__rate_interval])))', "p99 {{kind}}"),
], "s", 0)
ts("Workers up", [('sum(up{job="promptops-worker"})', "workers up"), ('sum(up{job="promptops-api"})', "API up")], "none", 12)
y[0] += 8

row("Providers, tokens and cost")
ts("Tokens per second by model", [('sum by (provider, model, direction) (rate(promptops_provider_tokens_total{provider=~"$provider"}[$__rate_interval]))', "{{provider}} {{model}} {{direction}}")], "none", 0, stack=True)
ts("Cost per hour by model", [('sum by (provider, model) (rate(promptops_provider_cost_usd_total{provider=~"$provider"}[$__rate_interval])) * 3600', "{{provider}} {{model}}")], "currencyUSD", 12, stack=True)
y[0] += 8
ts("Provider errors", [('sum by (provider, outcome) (rate(promptops_provider_requests_total{provider=~"$provider",outcome!="ok"}[$__rate_interval]))', "{{provider}} {{outcome}}")], "reqps", 0, stack=True,
   desc="Provider calls that did not succeed, by outcome (rate limited, timeouts, server errors…).")
ts("Provider error ratio", [('sum by (provider) (rate(promptops_provider_requests_total{provider=~"$provider",outcome!="ok"}[$__rate_interval])) / sum by (provider) (rate(promptops_provider_requests_total{provider=~"$provider"}[$__rate_interval]))', "{{provider}}")], "percentunit", 12, thresholds=0.2)
y[0] += 8
ts("Time to first token p50 / p99", [
    ('histogram_quantile(0.50, sum by (le, provider) (rate(promptops_provider_time_to_first_token_seconds_bucket{provider=~"$provider"}[$__rate_interval])))', "p50 {{provider}}"),
    ('histogram_quantile(0.99, sum by (le, provider) (rate(promptops_provider_time_to_first_token_seconds_bucket{provider=~"$provider"}[$__rate_interval])))', "p99 {{provider}}"),
], "s", 0)
ts("Provider calls by model", [('sum by (provider, model) (rate(promptops_provider_requests_total{provider=~"$provider"}[$__rate_interval]))', "{{provider}} {{model}}")], "reqps", 12)
y[0] += 8

dash = {
    "title": "PromptOps",
    "uid": "promptops-overview",
    "description": "PromptOps: requests, errors, latency, queue lag, executions, tokens, cost and providers (k8s/monitoring).",
    "tags": ["promptops"],
    "timezone": "browser",
    "schemaVersion": 39,
    "version": 1,
    "editable": True,
    "graphTooltip": 1,
    "refresh": "30s",
    "time": {"from": "now-6h", "to": "now"},
    "annotations": {"list": []},
    "links": [],
    "templating": {"list": [
        {"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus",
         "current": {}, "hide": 0, "refresh": 1, "options": []},
        {"name": "kind", "label": "Job kind", "type": "query", "datasource": DS,
         "query": {"query": "label_values(promptops_jobs_queue_depth, kind)", "refId": "kind"},
         "definition": "label_values(promptops_jobs_queue_depth, kind)",
         "includeAll": True, "multi": True, "allValue": ".*", "current": {"text": "All", "value": "$__all"},
         "refresh": 2, "sort": 1, "hide": 0, "options": []},
        {"name": "provider", "label": "Provider", "type": "query", "datasource": DS,
         "query": {"query": "label_values(promptops_provider_requests_total, provider)", "refId": "provider"},
         "definition": "label_values(promptops_provider_requests_total, provider)",
         "includeAll": True, "multi": True, "allValue": ".*", "current": {"text": "All", "value": "$__all"},
         "refresh": 2, "sort": 1, "hide": 0, "options": []},
    ]},
    "panels": panels,
}
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "grafana-dashboard.json")
with open(out, "w", encoding="utf-8") as f:
    json.dump(dash, f, indent=2, ensure_ascii=False)
    f.write("\n")
