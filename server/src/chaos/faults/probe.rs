//! What the injectors measure recovery with: `/readyz`, a fresh execution end to end, and
//! when the jobs created before a moment had all ended.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::json;

use super::{Phase, now_ms};

#[derive(Debug, PartialEq, Eq)]
pub(super) enum Ready {
    Ok,
    /// 503 naming what is unreachable (`redis`, `database`).
    Down(&'static str),
    /// No answer within 5 s.
    Silent,
}

pub(super) async fn readyz(base: &str) -> Ready {
    let answer = async {
        let response = reqwest::Client::new()
            .get(format!("{base}/readyz"))
            .timeout(Duration::from_secs(5))
            .send()
            .await?;
        let ok = response.status().is_success();
        let body: serde_json::Value = response.json().await?;
        anyhow::Ok((ok, body))
    };
    match answer.await {
        Ok((true, _)) => Ready::Ok,
        Ok((false, body)) if body["redis"] == "unreachable" => Ready::Down("redis"),
        Ok((false, _)) => Ready::Down("database"),
        Err(_) => Ready::Silent,
    }
}

/// The worst of what `/readyz` answered while a dependency was down.
pub(super) fn describe(seen: &[Ready], what: &'static str) -> String {
    if seen.contains(&Ready::Down(what)) {
        "503".into()
    } else if seen.contains(&Ready::Silent) {
        "no answer".into()
    } else {
        "200".into()
    }
}

/// Waits until every API process answers `/readyz` ok (or `limit` passes).
pub(super) async fn until_ready(bases: &[String], limit: Duration) {
    let begin = Instant::now();
    while begin.elapsed() < limit {
        let mut all = true;
        for base in bases {
            all &= readyz(base).await == Ready::Ok;
        }
        if all {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Submits one execution (retrying until accepted) and waits until it has SUCCEEDED.
pub(super) async fn execution(
    phase: &Phase<'_>,
    bases: &[String],
    limit: Duration,
) -> anyhow::Result<()> {
    let begin = Instant::now();
    let text = super::super::load::content(&format!("probe-{}", now_ms()), 3);
    let vars = json!({ "p": phase.tenant.prompt, "input": { "variables": { "text": text } } });
    let mut turn = 0;
    let id = loop {
        let base = &bases[turn % bases.len()];
        turn += 1;
        let (answer, _) = phase.gql.send(base, Some(&phase.tenant.token),
            "mutation($p: ID!, $input: ExecutePromptInput!) { executePrompt(promptId: $p, input: $input) { id } }",
            vars.clone()).await;
        if let Ok(data) = answer {
            let id = data["executePrompt"]["id"].as_str().context("no id")?;
            break uuid::Uuid::parse_str(id)?;
        }
        if begin.elapsed() > limit {
            bail!("no execution accepted within {limit:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let sql = format!("SELECT status FROM executions WHERE id = '{id}'");
    while begin.elapsed() < limit {
        let row = phase
            .db
            .query_one_raw(Statement::from_string(DbBackend::Postgres, sql.clone()))
            .await?;
        let status: Option<String> = row.map(|r| r.try_get_by_index(0)).transpose()?;
        match status.as_deref() {
            Some("SUCCEEDED") => return Ok(()),
            Some("FAILED") | Some("CANCELLED") => bail!("the probe execution {id} did not succeed"),
            _ => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
    bail!("the probe execution {id} did not finish within {limit:?}")
}

/// Seconds from `since_ms` until the last job of the phase created before it had ended.
pub(super) async fn backlog_end(phase: &Phase<'_>, since_ms: i64) -> anyhow::Result<f64> {
    let org = uuid::Uuid::parse_str(&phase.org)?;
    let sql = format!(
        "SELECT (max(extract(epoch FROM updated_at)) * 1000)::bigint FROM jobs
         WHERE org_id = '{org}' AND created_at < to_timestamp({since_ms} / 1000.0)
           AND status NOT IN ('PENDING', 'RUNNING')"
    );
    let row = phase
        .db
        .query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await?
        .context("no row")?;
    let last: Option<i64> = row.try_get_by_index(0)?;
    Ok(last.map_or(0.0, |last| (last - since_ms).max(0) as f64 / 1000.0))
}
