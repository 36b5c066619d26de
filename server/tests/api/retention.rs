//! Retention and archival, with a shifted clock: a sweep is scheduled "as of" a day ahead and
//! runs as a real `retention_sweep` job through the app's worker; rows are aged where a test
//! needs old and young ones side by side.

use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::backend_tests;
use crate::evaluation_helpers::{self, dataset, echo_prompt, items};
use crate::execution_helpers::{execute, finished};
use crate::helpers::{Backend, Session, TestApp, TestEnv, error_code};
use crate::retention_helpers::{age, archives_of, file_of, sweep_at};
use crate::workflow_helpers::{self, echo, save_workflow};
use entities::{
    archive, audit_event, evaluation_result, evaluation_run, execution, job, node_run,
    retention_sweep, workflow_run,
};

const ARCHIVES: &str = "query($org: ID!, $kind: ArchiveKind) {
    archives(orgId: $org, kind: $kind, first: 50) { totalCount
      edges { node { id kind rowCount bytes objectKey sha256 periodFrom periodTo readable } } } }";

const RECORDS: &str = "query($a: ID!, $first: Int!, $after: String) {
    archiveRecords(archiveId: $a, first: $first, after: $after) { totalCount
      pageInfo { hasNextPage } edges { cursor node { line data } } } }";

const RESTORE: &str = "mutation($a: ID!) {
    restoreArchive(input: {archiveId: $a}) { id readable restoredUntil rowCount } }";

fn id(text: &str) -> Uuid {
    Uuid::parse_str(text).unwrap()
}

/// A prompt on the mock `echo` model in `owner`'s organization, executed `n` times; the
/// execution ids, all finished.
async fn executions(app: &TestApp, owner: &Session, n: usize) -> Vec<String> {
    let prompt = echo_prompt(app, owner, "hello {{ name }}").await;
    let mut ids = Vec::new();
    for i in 0..n {
        let e = execute(
            app,
            &owner.token,
            &prompt,
            json!({ "name": format!("n{i}") }),
            false,
        )
        .await;
        finished(app, &owner.token, &e).await;
        ids.push(e);
    }
    ids
}

async fn spawn(backend: Backend, batch_rows: u64) -> TestApp {
    let env = std::sync::Arc::new(TestEnv::new(&backend).await);
    TestApp::spawn_on(env, |config| {
        config.retention_batch_rows = batch_rows;
        // Sweeps here are the tests' own, at shifted clocks.
        config.retention_sweeps = false;
    })
    .await
}

async fn metric(app: &TestApp, series: &str) -> f64 {
    let text = app
        .client
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
        .unwrap_or(0.0)
}

/// Old finished executions, workflow runs (with their node runs) and evaluation runs (with
/// their results) go to gzip JSON-lines files holding exactly the rows as they were, and
/// out of the database with their job rows; young rows, another organization's rows and
/// audit events (whose period is longer) stay. Audit events go once past their own period.
async fn a_sweep_archives_what_is_old_and_keeps_the_rest(backend: Backend) {
    let app = spawn(backend, 2).await;
    let db = &app.app.db;
    let owner = app.sign_up("owner").await;
    let other = app.sign_up("other").await;
    let old = executions(&app, &owner, 3).await;
    let young = old[2].clone();
    let foreign = executions(&app, &other, 1).await;
    let workflow = save_workflow(
        &app,
        &owner,
        json!({ "nodes": [echo("a", "hi")], "output": "{{ nodes.a.output }}" }),
    )
    .await;
    let wf_run = workflow_helpers::run(&app, &owner.token, &workflow, json!({})).await;
    workflow_helpers::ended(&app, &owner.token, &wf_run).await;
    let data = dataset(&app, &owner, items(&[("a", "a"), ("b", "b")])).await;
    let prompt = echo_prompt(&app, &owner, "{{ answer }}").await;
    let eval_run = evaluation_helpers::run(
        &app,
        &owner.token,
        json!({ "datasetId": data, "targets": [{ "prompt": { "promptId": prompt } }],
                "evaluators": [{ "spec": { "name": "exact", "type": "EXACT_MATCH" } }] }),
    )
    .await;
    evaluation_helpers::ended(&app, &owner.token, &eval_run).await;

    // Ten days older than the rest: at 85 days ahead, these are 95 days old.
    let owner_org = id(&owner.org_id);
    let aged = [id(&old[0]), id(&old[1]), id(&foreign[0])];
    let e = (execution::Column::Id, execution::Column::CreatedAt);
    age(
        &app,
        execution::Entity::find().filter(e.0.is_in(aged)),
        e,
        10,
    )
    .await;
    let w = (workflow_run::Column::Id, workflow_run::Column::CreatedAt);
    let owned = workflow_run::Column::OrgId.eq(owner_org);
    age(&app, workflow_run::Entity::find().filter(owned), w, 10).await;
    let r = (
        evaluation_run::Column::Id,
        evaluation_run::Column::CreatedAt,
    );
    let owned = evaluation_run::Column::OrgId.eq(owner_org);
    age(&app, evaluation_run::Entity::find().filter(owned), r, 10).await;
    let a = (audit_event::Column::Id, audit_event::Column::CreatedAt);
    let owned = audit_event::Column::OrgId.eq(owner_org);
    age(&app, audit_event::Entity::find().filter(owned), a, 10).await;
    let before: Vec<execution::Model> = execution::Entity::find()
        .filter(execution::Column::Id.is_in([id(&old[0]), id(&old[1])]))
        .all(db)
        .await
        .unwrap();
    let run_before = workflow_run::Entity::find_by_id(id(&wf_run))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let nodes_before = node_run::Entity::find()
        .filter(node_run::Column::RunId.eq(id(&wf_run)))
        .all(db)
        .await
        .unwrap();
    let results_before = evaluation_result::Entity::find()
        .filter(evaluation_result::Column::RunId.eq(id(&eval_run)))
        .all(db)
        .await
        .unwrap();
    let audit_count = || async {
        audit_event::Entity::find()
            .filter(audit_event::Column::OrgId.eq(id(&owner.org_id)))
            .count(db)
            .await
            .unwrap()
    };
    let audit_before = audit_count().await;
    let archived_before = metric(
        &app,
        "promptops_retention_rows_archived_total{table=\"executions\"}",
    )
    .await;

    let t0 = Utc::now();
    let sweep = sweep_at(&app, &owner.org_id, t0 + Duration::days(85)).await;
    assert_eq!(sweep.status, "FINISHED", "{sweep:?}");
    // 2 executions (one file of 2), 2 results, 1 evaluation run, 1 workflow run.
    assert_eq!(sweep.rows_archived, 6, "{sweep:?}");
    assert_eq!(sweep.archives, 4, "{sweep:?}");

    // Out of the database, with their job rows; the rest stays.
    let left = |ids: Vec<Uuid>| async move {
        execution::Entity::find()
            .filter(execution::Column::Id.is_in(ids))
            .count(db)
            .await
            .unwrap()
    };
    assert_eq!(left(vec![id(&old[0]), id(&old[1])]).await, 0);
    assert_eq!(left(vec![id(&young), id(&foreign[0])]).await, 2);
    assert!(
        workflow_run::Entity::find_by_id(id(&wf_run))
            .one(db)
            .await
            .unwrap()
            .is_none()
    );
    let nodes_left = node_run::Entity::find()
        .filter(node_run::Column::RunId.eq(id(&wf_run)))
        .count(db)
        .await
        .unwrap();
    assert_eq!(nodes_left, 0);
    assert!(
        evaluation_run::Entity::find_by_id(id(&eval_run))
            .one(db)
            .await
            .unwrap()
            .is_none()
    );
    let subjects: Vec<Uuid> = [id(&old[0]), id(&old[1])]
        .into_iter()
        .chain(nodes_before.iter().map(|n| n.id))
        .chain(results_before.iter().map(|r| r.id))
        .collect();
    let jobs_left = job::Entity::find()
        .filter(job::Column::SubjectId.is_in(subjects))
        .count(db)
        .await
        .unwrap();
    assert_eq!(jobs_left, 0);
    assert_eq!(
        audit_count().await,
        audit_before,
        "audit events have their own period"
    );

    // The files hold exactly the rows as they were.
    let archives = archives_of(&app, &owner.org_id).await;
    let kinds: Vec<&str> = archives.iter().map(|a| a.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "executions",
            "evaluation_results",
            "evaluation_runs",
            "workflow_runs"
        ]
    );
    for archive in &archives {
        let bytes = file_of(&app, archive);
        assert_eq!(bytes.len() as i64, archive.bytes);
        assert_eq!(&bytes[..2], [0x1f, 0x8b], "gzip");
        assert_eq!(sha256(&bytes), archive.sha256);
        let records = workers::retention::decode(&bytes).unwrap();
        assert_eq!(records.len() as i64, archive.row_count);
        match archive.kind.as_str() {
            "executions" => {
                let mut expected: Vec<Value> = before
                    .iter()
                    .map(|m| serde_json::to_value(m).unwrap())
                    .collect();
                expected.sort_by_key(|v| v["created_at"].as_str().map(str::to_owned));
                assert_eq!(records, expected);
                assert_eq!(records[0]["output"], "hello n0");
            }
            "workflow_runs" => {
                let mut run = serde_json::to_value(&run_before).unwrap();
                run["node_runs"] = serde_json::to_value(&nodes_before).unwrap();
                assert_eq!(records, vec![run]);
            }
            "evaluation_results" => {
                let mut expected: Vec<Value> = results_before
                    .iter()
                    .map(|m| serde_json::to_value(m).unwrap())
                    .collect();
                expected.sort_by_key(|v| v["ordinal"].as_i64());
                assert_eq!(records, expected);
            }
            _ => assert_eq!(records[0]["id"], eval_run),
        }
    }
    let archived_after = metric(
        &app,
        "promptops_retention_rows_archived_total{table=\"executions\"}",
    )
    .await;
    assert!(
        archived_after >= archived_before + 2.0,
        "{archived_before} → {archived_after}"
    );

    // Listed for the owner; another organization sees nothing of it.
    let listed = app
        .ok(Some(&owner.token), ARCHIVES, json!({ "org": owner.org_id }))
        .await;
    assert_eq!(listed["archives"]["totalCount"], 4, "{listed}");
    let only = app
        .ok(
            Some(&owner.token),
            ARCHIVES,
            json!({ "org": owner.org_id, "kind": "WORKFLOW_RUNS" }),
        )
        .await;
    assert_eq!(only["archives"]["totalCount"], 1, "{only}");
    assert_eq!(only["archives"]["edges"][0]["node"]["rowCount"], 1);
    let stranger = app
        .gql(Some(&other.token), ARCHIVES, json!({ "org": owner.org_id }))
        .await;
    assert_eq!(error_code(&stranger), Some("NOT_FOUND"), "{stranger}");
    assert!(archives_of(&app, &other.org_id).await.is_empty());

    // 401 days ahead the audit events are past their period too; the young execution goes.
    let sweep = sweep_at(&app, &owner.org_id, t0 + Duration::days(401)).await;
    assert_eq!(sweep.status, "FINISHED", "{sweep:?}");
    assert_eq!(left(vec![id(&young)]).await, 0);
    assert_eq!(audit_count().await, 0);
    let audit_archives: Vec<archive::Model> = archives_of(&app, &owner.org_id)
        .await
        .into_iter()
        .filter(|a| a.kind == "audit_events")
        .collect();
    let audit_rows: i64 = audit_archives.iter().map(|a| a.row_count).sum();
    assert_eq!(audit_rows as u64, audit_before);
    let first = workers::retention::decode(&file_of(&app, &audit_archives[0])).unwrap();
    assert_eq!(first[0]["org_id"], owner.org_id);
    // The other organization was not swept at all.
    assert_eq!(left(vec![id(&foreign[0])]).await, 1);
    let other_audit = audit_event::Entity::find()
        .filter(audit_event::Column::OrgId.eq(id(&other.org_id)))
        .count(db)
        .await
        .unwrap();
    assert!(other_audit > 0);
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    format!("{:x}", sha2::Sha256::digest(bytes))
}

/// A sweep of a day already swept is not scheduled again; a later sweep with nothing new
/// writes nothing; and a sweep interrupted between writing a file and recording it (rows
/// still in the database, the file in the store, no manifest) is finished by the next one
/// with the same file and one manifest, no row lost.
async fn sweeps_are_idempotent(backend: Backend) {
    let app = spawn(backend, 500).await;
    let db = &app.app.db;
    let owner = app.sign_up("owner").await;
    let ids = executions(&app, &owner, 2).await;
    let org = id(&owner.org_id);
    let t0 = Utc::now();

    let first = sweep_at(&app, &owner.org_id, t0 + Duration::days(100)).await;
    assert_eq!(
        (first.status.as_str(), first.rows_archived),
        ("FINISHED", 2)
    );
    let again =
        workers::retention::schedule(db, org, t0 + Duration::days(100) + Duration::seconds(1), 3)
            .await
            .unwrap();
    assert_eq!(again, None, "one sweep per organization and day");
    let sweep_jobs = job::Entity::find()
        .filter(job::Column::Kind.eq("retention_sweep"))
        .filter(job::Column::SubjectId.eq(first.id))
        .count(db)
        .await
        .unwrap();
    assert_eq!(sweep_jobs, 1);

    let second = sweep_at(&app, &owner.org_id, t0 + Duration::days(101)).await;
    assert_eq!(
        (
            second.status.as_str(),
            second.rows_archived,
            second.archives
        ),
        ("FINISHED", 0, 0)
    );
    let archives = archives_of(&app, &owner.org_id).await;
    assert_eq!(archives.len(), 1);
    let manifest = archives[0].clone();
    let file = file_of(&app, &manifest);

    // The state a crash between the file and its manifest leaves: the rows back in the
    // database, the file in the store, no manifest.
    for record in workers::retention::decode(&file).unwrap() {
        let row: execution::Model = serde_json::from_value(record).unwrap();
        execution::Entity::insert(execution::ActiveModel::from(row))
            .exec(db)
            .await
            .unwrap();
    }
    archive::Entity::delete_by_id(manifest.id)
        .exec(db)
        .await
        .unwrap();
    assert_eq!(
        execution::Entity::find()
            .filter(execution::Column::Id.is_in(ids.iter().map(|e| id(e))))
            .count(db)
            .await
            .unwrap(),
        2
    );

    let third = sweep_at(&app, &owner.org_id, t0 + Duration::days(102)).await;
    assert_eq!(
        (third.status.as_str(), third.rows_archived),
        ("FINISHED", 2)
    );
    let archives = archives_of(&app, &owner.org_id).await;
    assert_eq!(archives.len(), 1, "one manifest per file");
    assert_eq!(archives[0].object_key, manifest.object_key);
    assert_eq!(archives[0].sha256, manifest.sha256);
    assert_eq!(
        file_of(&app, &archives[0]),
        file,
        "the same rows make the same file"
    );
    assert_eq!(
        execution::Entity::find()
            .filter(execution::Column::OrgId.eq(org))
            .count(db)
            .await
            .unwrap(),
        0
    );
}

/// An archive is read back only once restored (audited); its records page in file order and
/// equal the file's; a file that no longer matches its manifest is refused.
async fn a_restored_archive_reads_back(backend: Backend) {
    let app = spawn(backend, 500).await;
    let owner = app.sign_up("owner").await;
    executions(&app, &owner, 3).await;
    sweep_at(&app, &owner.org_id, Utc::now() + Duration::days(100)).await;
    let manifest = archives_of(&app, &owner.org_id).await.remove(0);
    let archive_id = manifest.id.to_string();
    let vars = |first: i64, after: Option<&str>| json!({ "a": archive_id, "first": first, "after": after });

    let locked = app.gql(Some(&owner.token), RECORDS, vars(10, None)).await;
    assert_eq!(error_code(&locked), Some("CONFLICT"), "{locked}");

    let restored = app
        .ok(Some(&owner.token), RESTORE, json!({ "a": archive_id }))
        .await;
    assert_eq!(restored["restoreArchive"]["readable"], true, "{restored}");
    assert_eq!(restored["restoreArchive"]["rowCount"], 3);
    let audited = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("archive.restore"))
        .filter(audit_event::Column::ResourceId.eq(archive_id.clone()))
        .count(&app.app.db)
        .await
        .unwrap();
    assert_eq!(audited, 1);

    let expected = workers::retention::decode(&file_of(&app, &manifest)).unwrap();
    let page = app.ok(Some(&owner.token), RECORDS, vars(2, None)).await;
    let page = &page["archiveRecords"];
    assert_eq!(page["totalCount"], 3);
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    let cursor = page["edges"][1]["cursor"].as_str().unwrap().to_owned();
    let rest = app
        .ok(Some(&owner.token), RECORDS, vars(2, Some(&cursor)))
        .await;
    let rest = &rest["archiveRecords"];
    assert_eq!(rest["pageInfo"]["hasNextPage"], false);
    let read: Vec<Value> = page["edges"]
        .as_array()
        .unwrap()
        .iter()
        .chain(rest["edges"].as_array().unwrap())
        .map(|e| e["node"]["data"].clone())
        .collect();
    assert_eq!(read, expected);
    assert_eq!(rest["edges"][0]["node"]["line"], 3);

    // Damaged in the store: refused, and said why.
    app.app
        .retention
        .store
        .put(&manifest.object_key, b"not what was archived".to_vec())
        .await
        .unwrap();
    let refused = app
        .gql(Some(&owner.token), RESTORE, json!({ "a": archive_id }))
        .await;
    assert_eq!(error_code(&refused), Some("CONFLICT"), "{refused}");
    let refused = app.gql(Some(&owner.token), RECORDS, vars(2, None)).await;
    assert_eq!(error_code(&refused), Some("CONFLICT"), "{refused}");
    app.app
        .retention
        .store
        .delete(&manifest.object_key)
        .await
        .unwrap();
    let missing = app
        .gql(Some(&owner.token), RESTORE, json!({ "a": archive_id }))
        .await;
    assert_eq!(error_code(&missing), Some("CONFLICT"), "{missing}");
}

const POLICY: &str = "query($org: ID!) { retentionPolicy(orgId: $org) {
    retentionDays auditRetentionDays isDefault minDays maxDays lastSweep { status day } } }";

const SET_POLICY: &str = "mutation($org: ID!, $input: RetentionPolicyInput!) {
    updateRetentionPolicy(orgId: $org, input: $input) { retentionDays auditRetentionDays isDefault } }";

/// The periods: the defaults until an owner sets them (audited, within bounds, audit events
/// kept at least as long), and the next sweep applies them.
async fn owners_set_the_retention_periods(backend: Backend) {
    let app = spawn(backend, 500).await;
    let owner = app.sign_up("owner").await;
    let viewer = app.sign_up("viewer").await;
    app.add_member(&owner, &owner.org_id, &viewer, "viewer")
        .await;
    let org = json!({ "org": owner.org_id });

    let read = app.ok(Some(&viewer.token), POLICY, org.clone()).await;
    assert_eq!(
        read["retentionPolicy"],
        json!({ "retentionDays": 90, "auditRetentionDays": 400, "isDefault": true,
                "minDays": 1, "maxDays": 3650, "lastSweep": null })
    );
    for (input, why) in [
        (json!({ "retentionDays": 0 }), "below the minimum"),
        (json!({ "retentionDays": 3651 }), "above the maximum"),
        (
            json!({ "retentionDays": 30, "auditRetentionDays": 20 }),
            "audit shorter",
        ),
    ] {
        let body = app
            .gql(
                Some(&owner.token),
                SET_POLICY,
                json!({ "org": owner.org_id, "input": input }),
            )
            .await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{why}: {body}");
    }
    let set = app
        .ok(
            Some(&owner.token),
            SET_POLICY,
            json!({ "org": owner.org_id, "input": { "retentionDays": 30 } }),
        )
        .await;
    assert_eq!(
        set["updateRetentionPolicy"],
        json!({ "retentionDays": 30, "auditRetentionDays": 400, "isDefault": false })
    );
    let audited = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("retention.update"))
        .filter(audit_event::Column::OrgId.eq(id(&owner.org_id)))
        .one(&app.app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(audited.summary["retentionDays"], 30);

    // 31 days ahead is past 30 days, not past the default 90.
    let done = executions(&app, &owner, 1).await;
    let sweep = sweep_at(&app, &owner.org_id, Utc::now() + Duration::days(31)).await;
    assert_eq!(
        (sweep.status.as_str(), sweep.rows_archived),
        ("FINISHED", 1)
    );
    let gone = execution::Entity::find_by_id(id(&done[0]))
        .one(&app.app.db)
        .await
        .unwrap();
    assert!(gone.is_none());
    let read = app.ok(Some(&viewer.token), POLICY, org).await;
    assert_eq!(
        read["retentionPolicy"]["lastSweep"]["status"], "FINISHED",
        "{read}"
    );
}

/// The daily schedule: each organization gets one sweep of the day however many processes
/// (here two apps on one database) look, and the worker runs them.
async fn the_schedule_makes_one_sweep_per_organization_and_day(backend: Backend) {
    let env = std::sync::Arc::new(TestEnv::new(&backend).await);
    let app = TestApp::spawn_on(env.clone(), |_| {}).await;
    let owners = [app.sign_up("a").await, app.sign_up("b").await];
    let twin = TestApp::spawn_on(env, |_| {}).await;
    let ctx = &app.app.runtime.ctx;
    for process in [&app, &twin, &app] {
        let kind = workers::retention::SweepKind::new(process.app.retention.clone());
        workers::engine::JobKind::tick(&kind, &process.app.runtime.ctx).await;
    }
    let today = Utc::now().date_naive().to_string();
    let sweeps = retention_sweep::Entity::find()
        .filter(retention_sweep::Column::Day.eq(today))
        .all(&app.app.db)
        .await
        .unwrap();
    assert_eq!(sweeps.len(), 2, "{sweeps:?}");
    let jobs = job::Entity::find()
        .filter(job::Column::Kind.eq("retention_sweep"))
        .count(&ctx.db)
        .await
        .unwrap();
    assert_eq!(jobs, 2);
    for owner in &owners {
        let sweep_id = workers::retention::sweep_id(id(&owner.org_id), Utc::now().date_naive());
        let mut status = String::new();
        for _ in 0..300 {
            let row = retention_sweep::Entity::find_by_id(sweep_id)
                .one(&ctx.db)
                .await
                .unwrap()
                .unwrap();
            status = row.status;
            if status == "FINISHED" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(status, "FINISHED");
    }
}

/// A failed run retried between a sweep's read and its delete is not deleted: the delete
/// finds fewer rows than the batch, so the sweep's transaction (node runs and jobs included)
/// rolls back and the batch is read again.
async fn a_run_retried_after_the_read_is_not_deleted(backend: Backend) {
    use sea_orm::TransactionTrait;

    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    // A prompt whose first version fails (the mock's `error` model).
    let created = app
        .ok(
            Some(&owner.token),
            "mutation($org: ID!) { createPrompt(orgId: $org, input: {name: \"flaky\", version: {
                messages: [{role: USER, content: \"go\"}], model: {provider: MOCK, model: \"error\"}}}) { id } }",
            json!({ "org": owner.org_id }),
        )
        .await;
    let prompt = created["createPrompt"]["id"].as_str().unwrap().to_owned();
    let flow = save_workflow(
        &app,
        &owner,
        json!({ "nodes": [{ "key": "a", "kind": "prompt", "promptId": prompt }],
                "output": "{{ nodes.a.output }}" }),
    )
    .await;
    let run = workflow_helpers::run(&app, &owner.token, &flow, json!({})).await;
    workflow_helpers::run_reaches(&app, &owner.token, &run, &["FAILED"]).await;
    let w = (workflow_run::Column::Id, workflow_run::Column::CreatedAt);
    age(
        &app,
        workflow_run::Entity::find().filter(w.0.eq(id(&run))),
        w,
        100,
    )
    .await;

    // The sweep's read…
    let org = id(&owner.org_id);
    let cutoff = Utc::now() - Duration::days(90);
    let batch = workers::retention::select_batch(
        &app.app.db,
        workers::retention::Table::WorkflowRuns,
        org,
        cutoff,
        10,
    )
    .await
    .unwrap()
    .expect("the failed run is due");
    assert_eq!(batch.ids, [id(&run)]);

    // …then the owner fixes the prompt (a slow version) and retries the run…
    app.ok(
        Some(&owner.token),
        "mutation($p: ID!) { createPromptVersion(promptId: $p, input: {messages: [{role: USER, content: \"go\"}],
            model: {provider: MOCK, model: \"lorem\", extra: {tokens: 50, tokenDelayMs: 200}}}) { version } }",
        json!({ "p": prompt }),
    )
    .await;
    let retried = app
        .ok(
            Some(&owner.token),
            "mutation($r: ID!) { retryWorkflowRun(runId: $r) { status } }",
            json!({ "r": run }),
        )
        .await;
    assert_eq!(
        retried["retryWorkflowRun"]["status"], "RUNNING",
        "{retried}"
    );

    // …and the sweep's delete removes nothing of it: the batch is a race, rolled back.
    let txn = app.app.db.begin().await.unwrap();
    let deleted = workers::retention::delete_batch(&txn, org, &batch)
        .await
        .unwrap();
    assert_eq!(deleted.rows, 0, "a retried run must not be deleted");
    txn.rollback().await.unwrap();
    let still = workflow_run::Entity::find_by_id(id(&run))
        .one(&app.app.db)
        .await
        .unwrap()
        .expect("the retried run is still there");
    assert_ne!(still.status, "FAILED");
    let nodes = node_run::Entity::find()
        .filter(node_run::Column::RunId.eq(id(&run)))
        .count(&app.app.db)
        .await
        .unwrap();
    assert_eq!(nodes, 1, "its node run is still there");
    // The retry goes on to finish.
    workflow_helpers::run_reaches(&app, &owner.token, &run, &["FINISHED"]).await;
}

backend_tests!(
    a_run_retried_after_the_read_is_not_deleted,
    a_sweep_archives_what_is_old_and_keeps_the_rest,
    sweeps_are_idempotent,
    a_restored_archive_reads_back,
    owners_set_the_retention_periods,
    the_schedule_makes_one_sweep_per_organization_and_day,
);
