//! The count of a phase, from the rows of its organization (read straight from PostgreSQL)
//! and `mock-llm`'s calls per content: lost is what was accepted but did not end in success
//! with the expected output; duplicated is an output that is not exactly the expected one, or
//! a provider call for work whose result had already been written (a completed execution,
//! node or item executed twice).

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use anyhow::Context;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, QueryResult, Statement};
use serde::Serialize;

use super::load::Ledger;
use super::tenant::node_contents;

/// One kind of work's count.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Count {
    pub submitted: usize,
    pub finished: usize,
    pub lost: usize,
    pub duplicated: usize,
    /// Provider calls beyond the first for the same content (a run interrupted and retried:
    /// expected under faults, not a duplicate unless the first had completed).
    pub repeated_calls: usize,
    /// The first few lost or duplicated, as `<id> <status>: <error>`, to start looking.
    pub samples: Vec<String>,
}

impl Count {
    fn sample(&mut self, what: String) {
        if self.samples.len() < 5 {
            self.samples.push(what);
        }
    }
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct Counts {
    pub executions: Count,
    pub workflow_nodes: Count,
    pub evaluation_items: Count,
}

/// Executions, workflow runs and evaluation runs of `org` pending or running.
pub(super) async fn open(db: &DatabaseConnection, org: &str) -> anyhow::Result<i64> {
    let org = uuid::Uuid::parse_str(org)?;
    let sql = format!(
        "SELECT ((SELECT count(*) FROM executions WHERE org_id = '{org}' AND status IN ('PENDING', 'RUNNING'))
          + (SELECT count(*) FROM workflow_runs WHERE org_id = '{org}' AND status IN ('PENDING', 'RUNNING'))
          + (SELECT count(*) FROM evaluation_runs WHERE org_id = '{org}' AND status IN ('PENDING', 'RUNNING')))::bigint"
    );
    let row = db
        .query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await?
        .context("no count")?;
    Ok(row.try_get_by_index(0)?)
}

/// Waits until nothing of `org` is pending or running, or `limit` passes; how long it took.
pub(super) async fn drain(
    db: &DatabaseConnection,
    org: &str,
    limit: Duration,
) -> anyhow::Result<Duration> {
    let begin = Instant::now();
    loop {
        let open = open(db, org).await.unwrap_or(1);
        if open == 0 || begin.elapsed() > limit {
            return Ok(begin.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// `mock-llm`'s call times per content.
pub(super) async fn calls(llm_url: &str) -> anyhow::Result<HashMap<String, Vec<i64>>> {
    let body: serde_json::Value = reqwest::get(format!("{llm_url}/stats/calls"))
        .await?
        .json()
        .await?;
    Ok(serde_json::from_value(body["calls"].clone())?)
}

/// How many calls for `content` there were, and how many came after `finished_ms`.
fn tally(
    calls: &HashMap<String, Vec<i64>>,
    content: &str,
    finished_ms: Option<i64>,
) -> (usize, usize) {
    let times = calls.get(content).map(Vec::as_slice).unwrap_or_default();
    let late = finished_ms.map_or(0, |f| times.iter().filter(|&&t| t > f).count());
    (times.len(), late)
}

async fn rows(db: &DatabaseConnection, sql: String) -> anyhow::Result<Vec<QueryResult>> {
    Ok(db
        .query_all_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await?)
}

pub(super) async fn count(
    db: &DatabaseConnection,
    org: &str,
    ledger: &Ledger,
    calls: &HashMap<String, Vec<i64>>,
) -> anyhow::Result<Counts> {
    let org = uuid::Uuid::parse_str(org).context("org id")?;
    let mut counts = Counts::default();

    // Executions: SUCCEEDED with exactly their text echoed, and no call after that.
    let found = rows(
        db,
        format!(
            "SELECT id::text, status, variables->>'text', output,
                (extract(epoch FROM finished_at) * 1000)::bigint, error, attempts
         FROM executions WHERE org_id = '{org}'"
        ),
    )
    .await?;
    let c = &mut counts.executions;
    let mut seen = HashSet::new();
    for row in &found {
        let id: String = row.try_get_by_index(0)?;
        let status: String = row.try_get_by_index(1)?;
        let text: Option<String> = row.try_get_by_index(2)?;
        let output: Option<String> = row.try_get_by_index(3)?;
        let finished: Option<i64> = row.try_get_by_index(4)?;
        let error: Option<String> = row.try_get_by_index(5)?;
        let attempts: i32 = row.try_get_by_index(6)?;
        let text = text.unwrap_or_default();
        let (n, late) = tally(calls, &text, finished);
        c.repeated_calls += n.saturating_sub(1);
        c.duplicated += late;
        let wrong = output.as_deref() != Some(text.as_str());
        if status != "SUCCEEDED" || late > 0 || wrong {
            let error = error.unwrap_or_default();
            c.sample(format!("execution {id} {status} after {attempts} attempts, {n} calls ({late} after its end): {error}"));
        }
        seen.insert(id);
        if status == "SUCCEEDED" {
            c.finished += 1;
            c.duplicated += usize::from(wrong);
        } else {
            c.lost += 1;
        }
    }
    c.submitted = found.len().max(ledger.executions.len());
    c.lost += ledger
        .executions
        .iter()
        .filter(|id| !seen.contains(*id))
        .count();

    // Workflow runs: FINISHED with the expected output; each node called once before its end.
    let runs = rows(db, format!(
        "SELECT id::text, status, inputs->>'topic', output FROM workflow_runs WHERE org_id = '{org}'")).await?;
    let nodes = rows(
        db,
        format!(
        "SELECT run_id::text, node_key, status, (extract(epoch FROM finished_at) * 1000)::bigint
         FROM node_runs WHERE org_id = '{org}'"),
    )
    .await?;
    let mut by_run: HashMap<String, Vec<(String, String, Option<i64>)>> = HashMap::new();
    for row in &nodes {
        let run: String = row.try_get_by_index(0)?;
        by_run.entry(run).or_default().push((
            row.try_get_by_index(1)?,
            row.try_get_by_index(2)?,
            row.try_get_by_index(3)?,
        ));
    }
    let c = &mut counts.workflow_nodes;
    let mut seen = HashSet::new();
    for row in &runs {
        let id: String = row.try_get_by_index(0)?;
        let status: String = row.try_get_by_index(1)?;
        let topic: Option<String> = row.try_get_by_index(2)?;
        let output: Option<String> = row.try_get_by_index(3)?;
        let topic = topic.unwrap_or_default();
        let contents = node_contents(&topic);
        let run_nodes = by_run.remove(&id).unwrap_or_default();
        seen.insert(id.clone());
        for (key, content) in &contents {
            c.submitted += 1;
            let node = run_nodes.iter().find(|(k, _, _)| k == key);
            let finished = node.and_then(|(_, _, f)| *f);
            let (n, late) = tally(calls, content, finished);
            c.repeated_calls += n.saturating_sub(1);
            c.duplicated += late;
            match node {
                Some((_, s, _)) if s == "COMPLETED" && status == "FINISHED" => c.finished += 1,
                _ => {
                    c.lost += 1;
                    let node = node.map_or("missing", |(_, s, _)| s.as_str());
                    c.sample(format!("run {id} {status}, node {key} {node}, {n} calls"));
                }
            }
            if late > 0 {
                c.sample(format!(
                    "run {id} node {key}: {late} of {n} calls after its end"
                ));
            }
        }
        if status == "FINISHED" && output.as_deref() != Some(contents[2].1.as_str()) {
            c.duplicated += 1;
        }
    }
    let missing = ledger
        .workflow_runs
        .iter()
        .filter(|id| !seen.contains(*id))
        .count();
    c.submitted += 3 * missing;
    c.lost += 3 * missing;

    // Evaluation items: one SCORED result each, its output its own text.
    let results = rows(
        db,
        format!(
            "SELECT r.status, r.output, (extract(epoch FROM r.finished_at) * 1000)::bigint,
                i.inputs->>'text', r.id::text, r.error
         FROM evaluation_results r JOIN dataset_items i ON i.id = r.item_id
         WHERE r.org_id = '{org}'"
        ),
    )
    .await?;
    let c = &mut counts.evaluation_items;
    for row in &results {
        let status: String = row.try_get_by_index(0)?;
        let output: Option<String> = row.try_get_by_index(1)?;
        let finished: Option<i64> = row.try_get_by_index(2)?;
        let text: Option<String> = row.try_get_by_index(3)?;
        let text = text.unwrap_or_default();
        let (n, late) = tally(calls, &text, finished);
        c.repeated_calls += n.saturating_sub(1);
        c.duplicated += late;
        if status != "SCORED" || late > 0 {
            let id: String = row.try_get_by_index(4)?;
            let error: Option<String> = row.try_get_by_index(5)?;
            let error = error.unwrap_or_default();
            c.sample(format!(
                "result {id} {status}, {n} calls ({late} after its end): {error}"
            ));
        }
        if status == "SCORED" {
            c.finished += 1;
            c.duplicated += usize::from(output.as_deref() != Some(text.as_str()));
        } else {
            c.lost += 1;
        }
    }
    c.submitted = results.len().max(ledger.eval_items);
    c.lost += ledger.eval_items.saturating_sub(results.len());
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::tally;

    #[test]
    fn a_call_after_the_result_was_written_is_a_duplicate() {
        let calls = HashMap::from([("a".to_owned(), vec![100, 200, 300])]);
        assert_eq!(tally(&calls, "a", Some(250)), (3, 1));
        assert_eq!(tally(&calls, "a", Some(300)), (3, 0));
        assert_eq!(tally(&calls, "a", None), (3, 0));
        assert_eq!(tally(&calls, "b", Some(1)), (0, 0));
    }
}
