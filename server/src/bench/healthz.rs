//! `--healthz`: while the load runs, `/healthz` is asked every 10 ms and its latency recorded,
//! and a second organization sends attack-like requests the whole time — templates too deep
//! to parse, diffs of two large versions, renders that burn their fuel, memory bombs — to
//! show that the server keeps answering (issue 8: `/healthz` within 50 ms throughout).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use hdrhistogram::Histogram;
use serde_json::{Value, json};
use tokio::task::JoinSet;

use super::client::{gql, sign_up};

const CREATE: &str = "mutation($org: ID!, $input: CreatePromptInput!) {
    createPrompt(orgId: $org, input: $input) { id latestVersion { id } } }";
const NEW_VERSION: &str = "mutation($p: ID!, $input: PromptVersionInput!) {
    createPromptVersion(promptId: $p, input: $input) { id } }";
const RENDER: &str = "query($p: ID!) { renderPrompt(promptId: $p) { messages { content } } }";
const DIFF: &str = "query($a: ID!, $b: ID!) { diffPromptVersions(a: $a, b: $b) {
    messages { status hunks { __typename } } } }";

pub(super) struct Probe {
    stop: Arc<AtomicBool>,
    prober: tokio::task::JoinHandle<Histogram<u64>>,
    attackers: JoinSet<()>,
    attacks: Arc<AtomicUsize>,
}

fn version(template: &str) -> Value {
    json!({ "messages": [{ "role": "USER", "content": template }],
            "model": { "provider": "MOCK", "model": "echo" } })
}

/// A prompt whose only version is `template`; (prompt id, version id).
async fn prompt(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    org: &str,
    template: &str,
) -> anyhow::Result<(String, String)> {
    let name = format!("attack-{}", uuid::Uuid::new_v4().simple());
    let mut input = json!({ "name": name });
    input["version"] = version(template);
    let data = gql(
        http,
        base,
        Some(token),
        CREATE,
        json!({ "org": org, "input": input }),
    )
    .await?;
    let id = |v: &Value| v.as_str().map(str::to_owned).context("no id");
    Ok((
        id(&data["createPrompt"]["id"])?,
        id(&data["createPrompt"]["latestVersion"]["id"])?,
    ))
}

/// One attack request of kind `kind` (errors are expected for most: they are the point).
async fn attack(http: &reqwest::Client, base: &str, token: &str, kind: usize, ids: &Targets) {
    let (query, variables) = match kind % 4 {
        0 => (
            NEW_VERSION,
            json!({ "p": ids.heavy, "input": version(&ids.deep) }),
        ),
        1 => (DIFF, json!({ "a": ids.diff.0, "b": ids.diff.1 })),
        2 => (RENDER, json!({ "p": ids.heavy })),
        _ => (RENDER, json!({ "p": ids.bomb })),
    };
    let _ = gql(http, base, Some(token), query, variables).await;
}

struct Targets {
    deep: String,
    heavy: String,
    bomb: String,
    diff: (String, String),
}

impl Probe {
    /// Signs the attacker up, creates its prompts, and starts probing and attacking.
    pub async fn start(http: &reqwest::Client, base: &str) -> anyhow::Result<Probe> {
        let (token, org) = sign_up(http, base, "attacker").await?;
        let heavy = "{% for i in range(60000) %}{% endfor %}done";
        let bomb =
            "{% set a = 'x' * 100000000 %}{% set b = a ~ a %}{% set c = b ~ b %}{{ c | length }}";
        let lines = |tag: &str| {
            (0..4000)
                .map(|i| format!("line {i} {tag}\n"))
                .collect::<String>()
        };
        let (heavy, _) = prompt(http, base, &token, &org, heavy).await?;
        let (bomb, _) = prompt(http, base, &token, &org, bomb).await?;
        let (big, a) = prompt(http, base, &token, &org, &lines("a")).await?;
        let b = gql(http, base, Some(&token), NEW_VERSION,
            json!({ "p": big, "input": version(&(0..4000).map(|i| format!("line {} b\n", i * 7)).collect::<String>()) })).await?;
        let b = b["createPromptVersion"]["id"]
            .as_str()
            .context("no id")?
            .to_owned();
        let targets = Arc::new(Targets {
            deep: format!("{{{{ {}1{} }}}}", "(".repeat(3000), ")".repeat(3000)),
            heavy,
            bomb,
            diff: (a, b),
        });
        let stop = Arc::new(AtomicBool::new(false));
        let attacks = Arc::new(AtomicUsize::new(0));
        let mut attackers = JoinSet::new();
        for kind in 0..4 {
            let (http, base, token) = (http.clone(), base.to_owned(), token.clone());
            let (stop, attacks, targets) = (stop.clone(), attacks.clone(), targets.clone());
            attackers.spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    attack(&http, &base, &token, kind, &targets).await;
                    attacks.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        let (http, url, flag) = (http.clone(), format!("{base}/healthz"), stop.clone());
        let mut latencies = Histogram::<u64>::new(3)?;
        let prober = tokio::spawn(async move {
            while !flag.load(Ordering::Relaxed) {
                let begin = Instant::now();
                let answered = http
                    .get(&url)
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success());
                // A failed probe counts as the longest wait there is.
                let took = if answered {
                    begin.elapsed()
                } else {
                    Duration::from_secs(3600)
                };
                let _ = latencies.record(super::micros(took));
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            latencies
        });
        Ok(Probe {
            stop,
            prober,
            attackers,
            attacks,
        })
    }

    /// Stops probing and attacking; prints `/healthz` latency.
    pub async fn finish(mut self) -> anyhow::Result<()> {
        self.stop.store(true, Ordering::Relaxed);
        let latencies = self.prober.await?;
        while self.attackers.join_next().await.is_some() {}
        println!(
            "/healthz under attack ({} probes, {} attack requests): p50 {:.1} ms · p99 {:.1} ms · max {:.1} ms",
            latencies.len(),
            self.attacks.load(Ordering::Relaxed),
            super::ms(latencies.value_at_quantile(0.5)),
            super::ms(latencies.value_at_quantile(0.99)),
            super::ms(latencies.max())
        );
        Ok(())
    }
}
