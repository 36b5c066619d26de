//! R3: subscribers follow `executionEvents` of long executions through one API process; when
//! it dies they subscribe again through the other with `after: <last seq seen>`, and the
//! sequence they end up with must be gapless (each `seq` one above the previous, from 1),
//! free of duplicates, end COMPLETED, and its last attempt's tokens must spell the output.

use std::time::Duration;

use anyhow::{Context, bail};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use super::gql::Gql;
use super::load::content;
use super::tenant::Tenant;

const EVENTS: &str = "subscription($id: ID!, $after: Int) {
    executionEvents(executionId: $id, after: $after) { seq type token } }";

/// What one subscriber saw.
#[derive(Debug, Default)]
pub(super) struct Followed {
    pub seqs: Vec<i64>,
    pub reconnects: usize,
    pub completed: bool,
    /// The text of the tokens after the last STARTED.
    pub text: String,
    pub expected: String,
}

impl Followed {
    pub fn gapless(&self) -> bool {
        self.seqs.first() == Some(&1) && self.seqs.windows(2).all(|w| w[1] == w[0] + 1)
    }

    pub fn duplicates(&self) -> usize {
        self.seqs.windows(2).filter(|w| w[1] <= w[0]).count()
    }

    pub fn whole(&self) -> bool {
        self.completed && self.gapless() && self.duplicates() == 0 && self.text == self.expected
    }
}

/// Starts one long execution through `bases[0]` and follows it there, then through `bases[1]`
/// from the moment the first connection breaks. `streaming` is raised at the first token.
pub(super) async fn follow(
    gql: &Gql,
    bases: &[String],
    tenant: &Tenant,
    tag: &str,
    words: usize,
    streaming: watch::Sender<usize>,
) -> anyhow::Result<Followed> {
    let expected = content(tag, words);
    let vars = json!({ "p": tenant.prompt, "input": { "variables": { "text": expected } } });
    let data = gql.must(&bases[..1], Some(&tenant.token),
        "mutation($p: ID!, $input: ExecutePromptInput!) { executePrompt(promptId: $p, input: $input) { id } }",
        vars).await?;
    let id = data["executePrompt"]["id"]
        .as_str()
        .context("no execution id")?
        .to_owned();
    let mut followed = Followed {
        expected,
        ..Followed::default()
    };
    let mut told = false;
    for turn in 0..10 {
        let base = &bases[usize::from(turn > 0) % bases.len()];
        let after = followed.seqs.last().copied();
        match stream(base, &tenant.token, &id, after, &mut followed, &mut || {
            if !told {
                told = true;
                streaming.send_modify(|n| *n += 1);
            }
        })
        .await
        {
            Ok(()) => return Ok(followed),
            Err(_) => {
                followed.reconnects += 1;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
    if !told {
        streaming.send_modify(|n| *n += 1);
    }
    Ok(followed)
}

/// One WebSocket subscription until `complete` (Ok) or until it breaks (Err).
async fn stream(
    base: &str,
    token: &str,
    id: &str,
    after: Option<i64>,
    followed: &mut Followed,
    first_token: &mut impl FnMut(),
) -> anyhow::Result<()> {
    let url = format!("{}/graphql/ws", base.replacen("http", "ws", 1));
    let mut request = url.into_client_request()?;
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse()?);
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await?;
    let send = |v: Value| Message::Text(v.to_string().into());
    socket.send(send(json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } }))).await?;
    socket
        .send(send(json!({ "id": "1", "type": "subscribe", "payload": {
            "query": EVENTS, "variables": { "id": id, "after": after } } })))
        .await?;
    loop {
        let message = tokio::time::timeout(Duration::from_secs(60), socket.next())
            .await
            .context("no event for 60 s")?
            .context("socket closed")??;
        let Message::Text(text) = message else {
            if let Message::Close(_) = message {
                bail!("closed");
            }
            continue;
        };
        let value: Value = serde_json::from_str(&text)?;
        match value["type"].as_str() {
            Some("next") => {
                if value["payload"]["errors"].is_array() {
                    bail!("subscription error {value}");
                }
                let event = &value["payload"]["data"]["executionEvents"];
                followed.seqs.push(event["seq"].as_i64().unwrap_or(-1));
                match event["type"].as_str() {
                    Some("STARTED") => followed.text.clear(),
                    Some("TOKEN") => {
                        followed
                            .text
                            .push_str(event["token"].as_str().unwrap_or(""));
                        first_token();
                    }
                    Some("COMPLETED") => followed.completed = true,
                    _ => {}
                }
            }
            Some("complete") => return Ok(()),
            Some("ping") => socket.send(send(json!({ "type": "pong" }))).await?,
            Some("error") => bail!("subscription refused {value}"),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Followed;

    fn followed(seqs: &[i64]) -> Followed {
        Followed {
            seqs: seqs.to_vec(),
            completed: true,
            ..Followed::default()
        }
    }

    #[test]
    fn a_sequence_is_whole_only_from_1_without_gaps_or_repeats() {
        assert!(followed(&[1, 2, 3, 4]).whole());
        assert!(!followed(&[1, 2, 4]).gapless());
        assert!(!followed(&[2, 3]).gapless());
        assert_eq!(followed(&[1, 2, 2, 3]).duplicates(), 1);
        assert!(!followed(&[1, 2, 2, 3]).whole());
        let mut cut = followed(&[1, 2]);
        cut.text = "chaos a".into();
        cut.expected = "chaos a w0".into();
        assert!(!cut.whole(), "a token missing from the text is not whole");
    }
}
