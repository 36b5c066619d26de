//! A phase's tenant: a fresh user and organization whose provider is `openai` through
//! `mock-llm`, one prompt echoing its `text` variable, and the Research → Analyze → Summarize
//! workflow. A fresh organization per phase lets the counts read every row of it.

use anyhow::Context;
use serde_json::{Value, json};

use super::gql::Gql;

pub(super) const MODEL: &str = "gpt-4o-mini";

pub(super) struct Tenant {
    pub token: String,
    pub org: String,
    pub prompt: String,
    pub workflow: String,
}

/// The workflow: each node echoes its input at `mock-llm`, prefixed, so every node of every
/// run sends its own content (the key of `mock-llm`'s call counts).
fn definition() -> Value {
    let node = |key: &str, content: &str| {
        json!({ "key": key, "kind": "llm",
                "messages": [{ "role": "user", "content": content }],
                "model": { "provider": "openai", "model": MODEL } })
    };
    json!({
        "inputs": [{ "name": "topic", "type": "STRING" }],
        "nodes": [node("research", "{{ inputs.topic }}"),
                  node("analyze", "Analyze {{ nodes.research.output }}"),
                  node("summarize", "Summarize {{ nodes.analyze.output }}")],
        "edges": [{ "from": "research", "to": "analyze" },
                  { "from": "analyze", "to": "summarize" }],
        "output": "{{ nodes.summarize.output }}"
    })
}

/// What each node of a run with `topic` sends to (and gets back from) `mock-llm`.
pub(super) fn node_contents(topic: &str) -> [(&'static str, String); 3] {
    [
        ("research", topic.to_owned()),
        ("analyze", format!("Analyze {topic}")),
        ("summarize", format!("Summarize Analyze {topic}")),
    ]
}

impl Tenant {
    pub async fn create(
        gql: &Gql,
        bases: &[String],
        llm_url: &str,
        who: &str,
    ) -> anyhow::Result<Tenant> {
        let email = format!("{who}-{}@example.com", uuid::Uuid::new_v4().simple());
        let signed = gql.must(bases, None,
            "mutation($e: String!) { signUp(input: {email: $e, password: \"chaos-password\", name: \"Chaos\", organizationName: \"Chaos\"}) { accessToken organization { id } } }",
            json!({ "e": email })).await?;
        let token = text(&signed["signUp"]["accessToken"])?;
        let org = text(&signed["signUp"]["organization"]["id"])?;
        let auth = Some(token.as_str());
        gql.must(bases, auth,
            "mutation($org: ID!, $url: String) { setProviderCredential(orgId: $org, input: {provider: OPENAI, apiKey: \"sk-chaos-not-a-real-key\", baseUrl: $url}) { id } }",
            json!({ "org": org, "url": format!("{}/v1", llm_url.trim_end_matches('/')) })).await?;
        let created = gql.must(bases, auth,
            "mutation($org: ID!, $input: CreatePromptInput!) { createPrompt(orgId: $org, input: $input) { id } }",
            json!({ "org": org, "input": { "name": "chaos", "version": {
                "messages": [{ "role": "USER", "content": "{{ text }}" }],
                "model": { "provider": "OPENAI", "model": MODEL } } } })).await?;
        let prompt = text(&created["createPrompt"]["id"])?;
        let created = gql.must(bases, auth,
            "mutation($org: ID!) { createWorkflow(orgId: $org, input: {name: \"chaos\"}) { id } }",
            json!({ "org": org })).await?;
        let workflow = text(&created["createWorkflow"]["id"])?;
        gql.must(bases, auth,
            "mutation($w: ID!, $json: String!) { importWorkflowVersion(workflowId: $w, input: {json: $json, commitMessage: \"chaos\"}) { version } }",
            json!({ "w": workflow, "json": definition().to_string() })).await?;
        Ok(Tenant {
            token,
            org,
            prompt,
            workflow,
        })
    }
}

fn text(value: &Value) -> anyhow::Result<String> {
    value
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("expected an id, got {value}"))
}
