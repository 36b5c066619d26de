//! `evaluate --items N`: one evaluation run of N dataset items (about 10% made to fail on purpose)
//! against an echo prompt with up to three evaluators, polled until FINISHED. It reports
//! items/s, the `runEvaluation` latency and — from the server's results, never assumed — that
//! every item was scored exactly once and that exactly the items made to fail failed. With
//! `--database-url` (the server's PostgreSQL database) it also reports commits, inserted and
//! updated rows per item, for a run of N/10 and for the N run, so they can be seen to stay
//! constant as N grows.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};

use super::args::EvaluateArgs;
use super::client::{gql, sign_up};
use super::pg_stats::{PerItem, PgStats};
use super::server::Target;

/// The evaluators, in the JSON form of `runEvaluation`; `--evaluators K` takes the first K.
/// The first and last compare with the item's expected output, so the items made to fail
/// fail them; every output contains the text CONTAINS looks for.
const EVALUATORS: [&str; 3] = [
    r#"{"name": "exact", "type": "EXACT_MATCH"}"#,
    r#"{"name": "contains", "type": "CONTAINS", "value": "evaluation bench"}"#,
    r#"{"name": "similar", "type": "SIMILARITY", "algorithm": "LEVENSHTEIN", "threshold": 0.8}"#,
];
/// `addDatasetItems` takes at most this many items per call here.
const CHUNK: usize = 1000;
const RUN: &str = "mutation($input: RunEvaluationInput!) { runEvaluation(input: $input) { id } }";
const STATUS: &str = "query($id: ID!) { evaluationRun(id: $id) {
    status error progress { total completed passed failed errored } } }";
const RESULTS: &str = "query($id: ID!, $after: String) { evaluationRun(id: $id) {
    results(first: 100, after: $after) { pageInfo { hasNextPage endCursor }
                                         nodes { status passed } } } }";

/// What one run measured.
struct Measured {
    items: usize,
    made_to_fail: usize,
    run_evaluation: Duration,
    elapsed: Duration,
    progress: Value,
    results: usize,
    passed_results: usize,
    scored_results: usize,
    per_item: Option<PerItem>,
}

impl Measured {
    fn items_per_second(&self) -> f64 {
        self.results as f64 / self.elapsed.as_secs_f64().max(1e-3)
    }

    fn count(&self, name: &str) -> usize {
        self.progress[name].as_u64().unwrap_or(0) as usize
    }

    /// Exactly once, and exactly the items made to fail failed.
    fn exact(&self) -> bool {
        let passing = self.items - self.made_to_fail;
        self.count("total") == self.items
            && self.count("completed") == self.items
            && self.count("passed") == passing
            && self.count("errored") == 0
            && self.results == self.items
            && self.scored_results == self.items
            && self.passed_results == passing
    }
}

pub(super) async fn run(args: &EvaluateArgs) -> anyhow::Result<()> {
    if !(1..=EVALUATORS.len()).contains(&args.evaluators) {
        bail!("--evaluators must be 1 to {}", EVALUATORS.len());
    }
    if args.items == 0 || args.concurrency == 0 {
        bail!("--items and --concurrency must be at least 1");
    }
    if args.server.embedded && args.database_url.is_some() {
        bail!("--embedded runs on SQLite: --database-url needs --target");
    }
    let target = Target::start(&args.server, &[]).await?;
    let measured = load(args, &target.base, args.items).await;
    target.stop().await;
    measured
}

async fn load(args: &EvaluateArgs, base: &str, items: usize) -> anyhow::Result<()> {
    let concurrency = args.concurrency;
    let stats = match &args.database_url {
        Some(url) => Some(PgStats::connect(url).await?),
        None => None,
    };
    let http = reqwest::Client::new();
    let (token, org) = sign_up(&http, base, "bench").await?;
    let created = gql(&http, base, Some(&token),
        "mutation($org: ID!, $input: CreatePromptInput!) { createPrompt(orgId: $org, input: $input) { id } }",
        json!({ "org": org, "input": { "name": "bench-evaluate", "version": {
            "messages": [{ "role": "USER", "content": "{{ answer }}" }],
            "model": { "provider": "MOCK", "model": "echo" } } } })).await?;
    let prompt = created["createPrompt"]["id"]
        .as_str()
        .context("no prompt id")?
        .to_owned();
    println!(
        "bench: evaluation of {items} items (a run of {} first), {} evaluators, {concurrency} in flight, mock/echo → {base}",
        small(items),
        args.evaluators
    );
    let session = Session {
        http: &http,
        base,
        token: &token,
        org: &org,
        prompt: &prompt,
        evaluators: args.evaluators,
        concurrency,
        stats: stats.as_ref(),
    };
    let first = session.measure(small(items)).await?;
    let second = session.measure(items).await?;
    print_report(&first, &second);
    if !first.exact() || !second.exact() {
        bail!("not every item was scored exactly once, or the pass count is not the expected one");
    }
    Ok(())
}

/// The size of the first, small run.
fn small(items: usize) -> usize {
    (items / 10).max(1)
}

/// Whether item `i` is made to fail: its expected output is not what the prompt echoes.
fn made_to_fail(i: usize) -> bool {
    i % 10 == 9
}

struct Session<'a> {
    http: &'a reqwest::Client,
    base: &'a str,
    token: &'a str,
    org: &'a str,
    prompt: &'a str,
    evaluators: usize,
    concurrency: usize,
    stats: Option<&'a PgStats>,
}

impl Session<'_> {
    async fn gql(&self, query: &str, variables: Value) -> anyhow::Result<Value> {
        gql(self.http, self.base, Some(self.token), query, variables).await
    }

    /// A dataset of `items`, one evaluation run of it, its results read back.
    async fn measure(&self, items: usize) -> anyhow::Result<Measured> {
        let dataset = self.dataset(items).await?;
        let before = match self.stats {
            Some(stats) => Some(stats.read().await?),
            None => None,
        };
        let evaluators: Vec<Value> = EVALUATORS[..self.evaluators]
            .iter()
            .map(|spec| serde_json::from_str(spec).map(|spec: Value| json!({ "spec": spec })))
            .collect::<Result<_, _>>()?;
        let input = json!({
            "datasetId": dataset, "name": format!("bench {items}"),
            "targets": [{ "prompt": { "promptId": self.prompt } }],
            "evaluators": evaluators, "concurrency": self.concurrency, "useCache": false,
        });
        let began = Instant::now();
        let data = self.gql(RUN, json!({ "input": input })).await?;
        let run_evaluation = began.elapsed();
        let run = data["runEvaluation"]["id"]
            .as_str()
            .context("no run id")?
            .to_owned();
        let progress = self.wait(&run).await?;
        let elapsed = began.elapsed();
        let per_item = match (self.stats, before) {
            (Some(stats), Some(before)) => Some(stats.read().await?.since(&before, items)),
            _ => None,
        };
        let (mut results, mut passed_results, mut scored_results) = (0, 0, 0);
        let mut after = Value::Null;
        loop {
            let page = self
                .gql(RESULTS, json!({ "id": run, "after": after }))
                .await?;
            let page = &page["evaluationRun"]["results"];
            for node in page["nodes"].as_array().context("no results")? {
                results += 1;
                passed_results += usize::from(node["passed"] == true);
                scored_results += usize::from(node["status"] == "SCORED");
            }
            if page["pageInfo"]["hasNextPage"] != true {
                break;
            }
            after = page["pageInfo"]["endCursor"].clone();
        }
        Ok(Measured {
            items,
            made_to_fail: (0..items).filter(|&i| made_to_fail(i)).count(),
            run_evaluation,
            elapsed,
            progress,
            results,
            passed_results,
            scored_results,
            per_item,
        })
    }

    /// A dataset of `items`, added in chunks of `CHUNK`; its id.
    async fn dataset(&self, items: usize) -> anyhow::Result<String> {
        let name = format!("bench-{items}-{}", uuid::Uuid::new_v4().simple());
        let created = self.gql(
            "mutation($org: ID!, $input: CreateDatasetInput!) { createDataset(orgId: $org, input: $input) { id } }",
            json!({ "org": self.org, "input": { "name": name } })).await?;
        let dataset = created["createDataset"]["id"]
            .as_str()
            .context("no dataset id")?
            .to_owned();
        for start in (0..items).step_by(CHUNK) {
            let chunk: Vec<Value> = (start..items.min(start + CHUNK))
                .map(|i| {
                    let answer = format!("item {i} of the evaluation bench");
                    let expected = match made_to_fail(i) {
                        true => format!("a wrong answer, number {i}"),
                        false => answer.clone(),
                    };
                    json!({ "inputs": { "answer": answer }, "expected": expected })
                })
                .collect();
            self.gql(
                "mutation($d: ID!, $input: AddDatasetItemsInput!) { addDatasetItems(datasetId: $d, input: $input) { version } }",
                json!({ "d": dataset, "input": { "items": chunk, "message": "bench" } })).await?;
        }
        Ok(dataset)
    }

    /// Polls the run every 100 ms until FINISHED; its progress. Fails when it ends otherwise,
    /// or when nothing was completed for two minutes.
    async fn wait(&self, run: &str) -> anyhow::Result<Value> {
        let (mut last, mut moved) = (u64::MAX, Instant::now());
        loop {
            let data = self.gql(STATUS, json!({ "id": run })).await?;
            let state = &data["evaluationRun"];
            match state["status"].as_str() {
                Some("FINISHED") => return Ok(state["progress"].clone()),
                Some("CANCELLED") => bail!("run {run} was cancelled: {}", state["error"]),
                _ => {}
            }
            let completed = state["progress"]["completed"].as_u64().unwrap_or(0);
            if completed != last {
                (last, moved) = (completed, Instant::now());
            }
            if moved.elapsed() > Duration::from_secs(120) {
                bail!(
                    "run {run}: nothing completed for 120 s ({})",
                    state["progress"]
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

fn print_report(first: &Measured, second: &Measured) {
    println!(
        "{:<34} {:>14} {:>14}",
        "",
        format!("{} items", first.items),
        format!("{} items", second.items)
    );
    let row = |name: &str, f: &dyn Fn(&Measured) -> String| {
        println!("{name:<34} {:>14} {:>14}", f(first), f(second));
    };
    row("items/s (results / s to FINISHED)", &|m| {
        format!("{:.1}", m.items_per_second())
    });
    row("runEvaluation to FINISHED (s)", &|m| {
        format!("{:.2}", m.elapsed.as_secs_f64())
    });
    row("runEvaluation (ms)", &|m| {
        format!("{:.1}", m.run_evaluation.as_secs_f64() * 1000.0)
    });
    row("commits per item", &|m| per_item(m, |p| p.commits));
    row("writing transactions per item", &|m| {
        per_item(m, |p| p.writes)
    });
    row("rows inserted per item", &|m| per_item(m, |p| p.inserted));
    row("rows updated per item", &|m| per_item(m, |p| p.updated));
    for m in [first, second] {
        println!(
            "items {} · total {} · completed {} · results read {} (SCORED {}) · passed {} · made to fail {} · errored {}",
            m.items,
            m.count("total"),
            m.count("completed"),
            m.results,
            m.scored_results,
            m.count("passed"),
            m.made_to_fail,
            m.count("errored")
        );
    }
    let figures = |m: &Measured| {
        json!({
            "items": m.items,
            "items_per_s": m.items_per_second(),
            "seconds": m.elapsed.as_secs_f64(),
            "run_evaluation_ms": m.run_evaluation.as_secs_f64() * 1000.0,
            "passed": m.count("passed"),
            "made_to_fail": m.made_to_fail,
            "results": m.results,
            "exactly_once": m.exact(),
            "commits_per_item": m.per_item.as_ref().map(|p| p.commits),
            "writing_transactions_per_item": m.per_item.as_ref().map(|p| p.writes),
            "inserted_per_item": m.per_item.as_ref().map(|p| p.inserted),
            "updated_per_item": m.per_item.as_ref().map(|p| p.updated),
        })
    };
    println!(
        "json: {}",
        json!({ "scenario": "evaluate", "small": figures(first), "run": figures(second) })
    );
}

fn per_item(m: &Measured, figure: impl Fn(&PerItem) -> f64) -> String {
    match &m.per_item {
        Some(p) => format!("{:.2}", figure(p)),
        None => "n/a".to_owned(),
    }
}
