//! The pool of warm template sandboxes, with the real `promptops sandbox-render` children: a
//! memory bomb is refused and the next render works, a child killed mid-render is replaced
//! without losing the render, and a thousand concurrent renders all come back right.

use std::time::{Duration, Instant};

use serde_json::json;
use workers::sandbox::SandboxPids;
use workers::templating::ChatMessage;

use crate::backend_tests;
use crate::helpers::{Backend, TestApp, error_code, error_message};
use crate::prompts::{NEW_VERSION, RENDER, version_input};

/// Valid, but slow in a debug build (most of its fuel per message, three messages).
const SLOW: &str = "{% for i in range(60000) %}{% endfor %}{{ name }}";

/// Waits until the pool holds `size` children again, none busy; returns them.
async fn pool_refilled(app: &TestApp, size: usize) -> SandboxPids {
    let started = Instant::now();
    loop {
        let pids = app.app.renderer.sandbox_pids();
        if pids.idle.len() == size && pids.busy.is_empty() {
            return pids;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the pool did not refill: {pids:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn a_memory_bomb_is_refused_and_the_next_render_works(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let size = workers::sandbox::default_slots();
    pool_refilled(&app, size).await;
    let owner = app.sign_up("owner").await;
    let (prompt, _) = app.create_prompt(&owner, &owner.org_id, "Bomb").await;
    let bomb = "{% set a = 'x' * 100000000 %}{% set b = a ~ a %}{% set c = b ~ b %}{% set d = c ~ c %}{{ d | length }}";
    for (template, commit) in [(bomb, "bomb"), ("Hi {{ name }}", "fine")] {
        app.ok(
            Some(&owner.token),
            NEW_VERSION,
            json!({ "p": prompt, "input": version_input(template, 0.1, commit) }),
        )
        .await;
    }

    let stopped = app
        .gql(
            Some(&owner.token),
            RENDER,
            json!({ "p": prompt, "v": 2, "vars": {} }),
        )
        .await;
    assert_eq!(error_code(&stopped), Some("BAD_USER_INPUT"), "{stopped}");
    assert!(error_message(&stopped).contains("memory"), "{stopped}");

    let rendered = app
        .ok(
            Some(&owner.token),
            RENDER,
            json!({ "p": prompt, "v": 3, "vars": { "name": "Ada" } }),
        )
        .await;
    assert_eq!(rendered["renderPrompt"]["messages"][1]["content"], "Hi Ada");
    pool_refilled(&app, size).await;
}

async fn a_sandbox_killed_mid_render_is_replaced(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let size = workers::sandbox::default_slots();
    pool_refilled(&app, size).await;
    let owner = app.sign_up("owner").await;
    let (prompt, _) = app.create_prompt(&owner, &owner.org_id, "Slow").await;
    let input = json!({
        "messages": [
            { "role": "SYSTEM", "content": SLOW },
            { "role": "USER", "content": SLOW },
            { "role": "USER", "content": SLOW },
        ],
        "model": { "provider": "MOCK", "model": "echo" },
    });
    app.ok(
        Some(&owner.token),
        NEW_VERSION,
        json!({ "p": prompt, "input": input }),
    )
    .await;

    let render = {
        let (client, url, token, prompt) = (
            app.client.clone(),
            format!("{}/graphql", app.base),
            owner.token.clone(),
            prompt.clone(),
        );
        tokio::spawn(async move {
            let body = json!({ "query": RENDER, "variables": { "p": prompt, "v": 2, "vars": { "name": "Ada" } } });
            let response = client.post(url).bearer_auth(token).json(&body).send();
            response
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        })
    };
    let started = Instant::now();
    let victim = loop {
        if let Some(pid) = app.app.renderer.sandbox_pids().busy.first() {
            break *pid;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no render began"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    };
    tokio::time::sleep(Duration::from_millis(30)).await;
    let killed = std::process::Command::new("kill")
        .args(["-9", &victim.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());

    // Rendered again on a fresh child: the caller sees the right answer, not the kill.
    let body = render.await.unwrap();
    assert!(body.get("errors").is_none(), "{body}");
    let messages = &body["data"]["renderPrompt"]["messages"];
    for i in 0..3 {
        assert_eq!(messages[i]["content"], "Ada", "{body}");
    }
    let pids = pool_refilled(&app, size).await;
    assert!(!pids.idle.contains(&victim), "{pids:?}");
    let again = app
        .ok(
            Some(&owner.token),
            RENDER,
            json!({ "p": prompt, "v": 1, "vars": { "name": "Bo" } }),
        )
        .await;
    assert_eq!(again["renderPrompt"]["messages"][1]["content"], "Hello Bo");
}

async fn a_thousand_concurrent_renders_complete(backend: Backend) {
    let env = std::sync::Arc::new(crate::helpers::TestEnv::new(&backend).await);
    // Children are replaced every 50 renders: replacement under load is part of the test.
    let app = TestApp::spawn_on(env, |c| {
        c.renders_per_sandbox = 50;
        c.renders_per_org = Some(8);
        c.render_slots = Some(4);
    })
    .await;
    let first = pool_refilled(&app, 4).await;
    let orgs: Vec<uuid::Uuid> = (0..4).map(|_| uuid::Uuid::now_v7()).collect();
    let template = [
        ChatMessage {
            role: "system".into(),
            content: "Square {{ n }}.".into(),
        },
        ChatMessage {
            role: "user".into(),
            content: "{{ n }} squared is {{ n * n }}{% for t in tags %} #{{ t }}{% endfor %}"
                .into(),
        },
    ];
    let mut renders = tokio::task::JoinSet::new();
    for n in 0..1000_i64 {
        let (renderer, org, messages) = (
            app.app.renderer.clone(),
            orgs[n as usize % orgs.len()],
            template.clone(),
        );
        renders.spawn(async move {
            let variables = json!({ "n": n, "tags": [n % 7, n % 3] });
            let variables = variables.as_object().cloned().unwrap();
            (n, renderer.render(org, &messages, &variables).await)
        });
    }
    let mut done = 0;
    while let Some(joined) = renders.join_next().await {
        let (n, rendered) = joined.unwrap();
        let rendered = rendered.unwrap_or_else(|e| panic!("render {n}: {e}"));
        assert_eq!(rendered[0].content, format!("Square {n}."));
        assert_eq!(
            rendered[1].content,
            format!("{n} squared is {} #{} #{}", n * n, n % 7, n % 3)
        );
        done += 1;
    }
    assert_eq!(done, 1000);
    let last = pool_refilled(&app, 4).await;
    assert!(
        first.idle.iter().all(|pid| !last.idle.contains(pid)),
        "children past 50 renders are replaced: {first:?} → {last:?}"
    );
}

backend_tests!(
    a_memory_bomb_is_refused_and_the_next_render_works,
    a_sandbox_killed_mid_render_is_replaced,
    a_thousand_concurrent_renders_complete,
);
