//! A typed PromptOps client: signs up, creates a prompt on the built-in MOCK provider's `echo`
//! model, reads it back, executes it and follows its `executionEvents` subscription over
//! `graphql-transport-ws`, printing the tokens and checking that the streamed text is the
//! echoed message. Exits non-zero on any failure.
//!
//! Usage: `cargo run -p promptops-client-example -- http://127.0.0.1:8080`

mod http;
mod operations;
mod ws;

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, ensure};
use serde_json::json;

use operations::{
    CreatePrompt, ExecutePrompt, ExecutionEvents, Prompt, SignUp, create_prompt, execute_prompt,
    execution_events, prompt, sign_up,
};

/// The user message, a minijinja template; `echo` streams back the rendered text word by word.
const TEMPLATE: &str = "Hello {{ name }}, this is the typed Rust client speaking";
const NAME: &str = "world";
const EXPECTED: &str = "Hello world, this is the typed Rust client speaking";

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<()> {
    let base = std::env::args().nth(1).ok_or_else(|| {
        anyhow!("usage: promptops-client-example <server URL, e.g. http://127.0.0.1:8080>")
    })?;
    let endpoints = Endpoints::from_base(&base)?;
    tokio::time::timeout(Duration::from_secs(60), journey(&endpoints))
        .await
        .context("the journey took over 60 s")?
}

struct Endpoints {
    http: String,
    ws: String,
}

impl Endpoints {
    /// `http://host:port` (or `…/graphql`) → `http://host:port/graphql` and
    /// `ws://host:port/graphql/ws`.
    fn from_base(base: &str) -> Result<Self> {
        let root = base.trim_end_matches('/').trim_end_matches("/graphql");
        let ws_root = if let Some(rest) = root.strip_prefix("https://") {
            format!("wss://{rest}")
        } else if let Some(rest) = root.strip_prefix("http://") {
            format!("ws://{rest}")
        } else {
            return Err(anyhow!(
                "the server URL must start with http:// or https://: {base}"
            ));
        };
        Ok(Self {
            http: format!("{root}/graphql"),
            ws: format!("{ws_root}/graphql/ws"),
        })
    }
}

async fn journey(endpoints: &Endpoints) -> Result<()> {
    let mut api = http::Http::new(endpoints.http.clone())?;

    // 1. Sign up: a new user and their organization.
    let email = format!("rust-client-{}@example.com", uuid::Uuid::new_v4().simple());
    let session = api
        .run::<SignUp>(sign_up::Variables {
            input: sign_up::SignUpInput {
                email: email.clone(),
                password: "correct horse battery".to_owned(),
                name: "Rust Client".to_owned(),
                organization_name: "Typed Clients".to_owned(),
            },
        })
        .await?
        .sign_up;
    let org = session
        .organization
        .ok_or_else(|| anyhow!("signUp returned no organization"))?;
    ensure!(session.user.email == email, "signUp returned another user");
    println!(
        "signed up {} in {:?} ({}); token valid until {}",
        session.user.email,
        org.name,
        org.id,
        session.access_token_expires_at.to_rfc3339()
    );
    api.sign_in(session.access_token.clone());

    // 2. Create a prompt on MOCK / echo.
    let created = api
        .run::<CreatePrompt>(create_prompt::Variables {
            org_id: org.id.clone(),
            input: create_prompt::CreatePromptInput {
                name: "Typed greeting".to_owned(),
                slug: None,
                description: "Made by the Rust typed client example".to_owned(),
                tags: vec!["example".to_owned()],
                version: create_prompt::PromptVersionInput {
                    messages: vec![
                        create_prompt::ChatMessageInput {
                            role: create_prompt::MessageRole::SYSTEM,
                            content: "Repeat after the user.".to_owned(),
                        },
                        create_prompt::ChatMessageInput {
                            role: create_prompt::MessageRole::USER,
                            content: TEMPLATE.to_owned(),
                        },
                    ],
                    model: create_prompt::ModelConfigInput {
                        provider: create_prompt::Provider::MOCK,
                        model: "echo".to_owned(),
                        temperature: None,
                        max_tokens: None,
                        top_p: None,
                        stop: None,
                        extra: Some(json!({"tokenDelayMs": 20})),
                    },
                    commit_message: Some("first version".to_owned()),
                },
            },
        })
        .await?
        .create_prompt;
    println!(
        "created prompt {} ({}) at {}",
        created.slug,
        created.id,
        created.created_at.to_rfc3339()
    );

    // 3. Read it back.
    let read = api
        .run::<Prompt>(prompt::Variables {
            id: created.id.clone(),
        })
        .await?
        .prompt
        .ok_or_else(|| anyhow!("prompt {} not found", created.id))?;
    let version = read
        .latest_version
        .ok_or_else(|| anyhow!("prompt {} has no version", read.id))?;
    ensure!(read.id == created.id, "read back another prompt");
    ensure!(
        version.version == 1,
        "expected version 1, got {}",
        version.version
    );
    ensure!(
        version.variables == [NAME_VARIABLE],
        "expected the variables [{NAME_VARIABLE}], got {:?}",
        version.variables
    );
    ensure!(
        matches!(version.model.provider, prompt::Provider::MOCK) && version.model.model == "echo",
        "expected MOCK/echo, got {:?}",
        version.model
    );
    ensure!(
        version.model.extra == json!({"tokenDelayMs": 20}),
        "expected extra {{\"tokenDelayMs\": 20}}, got {}",
        version.model.extra
    );
    let last = version
        .messages
        .last()
        .ok_or_else(|| anyhow!("version 1 has no message"))?;
    ensure!(
        matches!(last.role, prompt::MessageRole::USER) && last.content == TEMPLATE,
        "the last message is not the template: {last:?}"
    );
    println!(
        "read back {:?} version {} (variables {:?}, model {:?}/{}, updated {})",
        read.name,
        version.version,
        version.variables,
        version.model.provider,
        version.model.model,
        read.updated_at.to_rfc3339()
    );

    // 4. Execute it.
    let variables = json!({ NAME_VARIABLE: NAME });
    let execution = api
        .run::<ExecutePrompt>(execute_prompt::Variables {
            prompt_id: created.id.clone(),
            input: execute_prompt::ExecutePromptInput {
                version: None,
                label: None,
                variables: Some(variables.clone()),
                cache: false,
                model: None,
            },
        })
        .await?
        .execute_prompt;
    ensure!(
        execution.variables == variables,
        "the execution recorded the variables {}, not {variables}",
        execution.variables
    );
    let rendered = execution
        .rendered_messages
        .last()
        .map(|message| message.content.as_str());
    ensure!(
        rendered == Some(EXPECTED),
        "rendered {rendered:?}, expected {EXPECTED:?}"
    );
    println!(
        "executing {} ({:?} since {})",
        execution.id,
        execution.status,
        execution.created_at.to_rfc3339()
    );

    // 5. Follow its events until the execution ends.
    let outcome = follow(endpoints, &session.access_token, &execution.id).await?;
    ensure!(
        outcome.streamed == EXPECTED,
        "streamed {:?}, expected the echoed message {EXPECTED:?}",
        outcome.streamed
    );
    ensure!(
        outcome.output.as_deref() == Some(EXPECTED),
        "the execution's output is {:?}, expected {EXPECTED:?}",
        outcome.output
    );
    println!(
        "OK: {} tokens streamed, equal to the echoed message; finished at {}",
        outcome.tokens,
        outcome
            .finished_at
            .map_or_else(|| "?".to_owned(), |at| at.to_rfc3339())
    );
    Ok(())
}

const NAME_VARIABLE: &str = "name";

#[derive(Default)]
struct Outcome {
    streamed: String,
    tokens: usize,
    output: Option<String>,
    finished_at: Option<operations::DateTime>,
}

/// Subscribes to `executionEvents` and gathers the tokens of the last attempt and the final row.
async fn follow(endpoints: &Endpoints, token: &str, execution_id: &str) -> Result<Outcome> {
    use execution_events::ExecutionEventType as Type;

    let mut outcome = Outcome::default();
    let mut ended = false;
    let mut last_seq = 0;
    let stdout = std::io::stdout();
    ws::subscribe::<ExecutionEvents, _>(
        &endpoints.ws,
        token,
        execution_events::Variables {
            execution_id: execution_id.to_owned(),
            after: None,
        },
        |data| {
            let event = data.execution_events;
            ensure!(
                event.seq > last_seq,
                "seq went from {last_seq} to {}",
                event.seq
            );
            last_seq = event.seq;
            let mut out = stdout.lock();
            match event.type_ {
                Type::STARTED => {
                    outcome.streamed.clear();
                    outcome.tokens = 0;
                    writeln!(out, "STARTED (attempt {})", show(event.attempt))?;
                }
                Type::TOKEN => {
                    let text = event
                        .token
                        .ok_or_else(|| anyhow!("a TOKEN event without a token"))?;
                    writeln!(out, "TOKEN #{} {text:?}", show(event.index))?;
                    outcome.streamed.push_str(&text);
                    outcome.tokens += 1;
                }
                Type::COMPLETED => {
                    let row = event
                        .execution
                        .ok_or_else(|| anyhow!("COMPLETED without its execution"))?;
                    ensure!(
                        matches!(row.status, execution_events::ExecutionStatus::SUCCEEDED),
                        "COMPLETED but the execution is {:?}",
                        row.status
                    );
                    writeln!(
                        out,
                        "COMPLETED: {:?}, {} tokens in, {} out",
                        row.status,
                        show(row.tokens_in),
                        show(row.tokens_out)
                    )?;
                    outcome.output = row.output;
                    outcome.finished_at = row.finished_at;
                    ended = true;
                }
                Type::FAILED => {
                    return Err(anyhow!("the execution failed: {:?}", event.error));
                }
                Type::CANCELLED => return Err(anyhow!("the execution was cancelled")),
                Type::Other(other) => return Err(anyhow!("an unknown event type {other}")),
            }
            out.flush()?;
            // The server completes the subscription after the terminal event.
            Ok(true)
        },
    )
    .await?;
    ensure!(
        ended,
        "the subscription completed before the execution ended"
    );
    Ok(outcome)
}

/// An optional number as printed: the number, or `-` when absent.
fn show(value: Option<i64>) -> String {
    value.map_or_else(|| "-".to_owned(), |value| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::Endpoints;

    #[test]
    fn endpoints_from_a_base_url() {
        for base in [
            "http://127.0.0.1:8080",
            "http://127.0.0.1:8080/",
            "http://127.0.0.1:8080/graphql",
        ] {
            let endpoints = Endpoints::from_base(base).unwrap();
            assert_eq!(endpoints.http, "http://127.0.0.1:8080/graphql");
            assert_eq!(endpoints.ws, "ws://127.0.0.1:8080/graphql/ws");
        }
        let secure = Endpoints::from_base("https://promptops.example/").unwrap();
        assert_eq!(secure.ws, "wss://promptops.example/graphql/ws");
        assert!(Endpoints::from_base("promptops.example").is_err());
    }
}
