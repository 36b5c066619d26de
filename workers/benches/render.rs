//! Micro-benchmark: rendering a prompt's messages in-process (`templating::render`, minijinja
//! with the server's environment and limits), not through the sandbox.

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use workers::templating::{ChatMessage, render};

fn render_messages(c: &mut Criterion) {
    let messages = vec![
        ChatMessage {
            role: "system".into(),
            content: "You are a helpful assistant for {{ company }}. Answer in {{ language }}."
                .into(),
        },
        ChatMessage {
            role: "user".into(),
            content: "{% for item in items %}- {{ item.name | upper }}: {{ item.note }}\n{% endfor %}Summarize the list above for {{ name }}."
                .into(),
        },
    ];
    let vars = json!({
        "company": "Acme", "language": "English", "name": "Ada",
        "items": (0..10).map(|i| json!({ "name": format!("item {i}"), "note": "a short note" }))
            .collect::<Vec<_>>(),
    });
    let Some(vars) = vars.as_object().cloned() else {
        panic!("the variables are an object");
    };
    assert!(render(&messages, &vars).is_ok(), "the template renders");
    c.bench_function("render two messages (a loop of 10 items)", |b| {
        b.iter(|| render(std::hint::black_box(&messages), &vars))
    });
}

criterion_group!(benches, render_messages);
criterion_main!(benches);
