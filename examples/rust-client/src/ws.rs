//! A `graphql-transport-ws` client for one subscription at a time: `connection_init` with the
//! bearer credential, `connection_ack`, `subscribe` with the generated operation's query text
//! and variables, then each `next` payload decoded into the operation's `ResponseData` until
//! `complete`.

use anyhow::{Context, Result, anyhow, bail};
use futures_util::{SinkExt, StreamExt};
use graphql_client::{GraphQLQuery, Response};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::{
    Message, client::IntoClientRequest, http::HeaderValue, protocol::CloseFrame,
};

const PROTOCOL: &str = "graphql-transport-ws";
const OPERATION_ID: &str = "1";

/// Subscribes to `Q` on `url` (`ws://…/graphql/ws`) as the holder of `token` and hands each
/// event to `on_next` until the server completes the operation. `on_next` answers whether to
/// keep going (`false` unsubscribes early). GraphQL errors, an `error` message or a closed
/// socket are errors.
pub async fn subscribe<Q, F>(
    url: &str,
    token: &str,
    variables: Q::Variables,
    mut on_next: F,
) -> Result<()>
where
    Q: GraphQLQuery,
    F: FnMut(Q::ResponseData) -> Result<bool>,
{
    let mut request = url
        .into_client_request()
        .with_context(|| format!("a WebSocket request for {url}"))?;
    request
        .headers_mut()
        .insert("sec-websocket-protocol", HeaderValue::from_static(PROTOCOL));
    let (mut socket, response) = tokio_tungstenite::connect_async(request)
        .await
        .with_context(|| format!("connecting to {url}"))?;
    let chosen = response
        .headers()
        .get("sec-websocket-protocol")
        .and_then(|value| value.to_str().ok());
    if chosen != Some(PROTOCOL) {
        bail!("the server chose the subprotocol {chosen:?}, not {PROTOCOL}");
    }

    send(
        &mut socket,
        json!({"type": "connection_init", "payload": {"authorization": format!("Bearer {token}")}}),
    )
    .await?;
    loop {
        let message = receive(&mut socket).await?;
        match message["type"].as_str() {
            Some("connection_ack") => break,
            Some("ping") => send(&mut socket, json!({"type": "pong"})).await?,
            _ => bail!("expected connection_ack, got {message}"),
        }
    }

    let body = Q::build_query(variables);
    let payload = serde_json::to_value(&body).context("encoding the subscription")?;
    send(
        &mut socket,
        json!({"id": OPERATION_ID, "type": "subscribe", "payload": payload}),
    )
    .await?;

    loop {
        let message = receive(&mut socket).await?;
        let id = message["id"].as_str();
        match message["type"].as_str() {
            Some("ping") => send(&mut socket, json!({"type": "pong"})).await?,
            Some("pong") => {}
            Some("next") if id == Some(OPERATION_ID) => {
                let answer: Response<Q::ResponseData> =
                    serde_json::from_value(message["payload"].clone())
                        .with_context(|| format!("an event that does not decode: {message}"))?;
                if let Some(errors) = answer.errors.filter(|errors| !errors.is_empty()) {
                    bail!(
                        "{}: errors: {}",
                        body.operation_name,
                        crate::http::describe(&errors)
                    );
                }
                let data = answer
                    .data
                    .ok_or_else(|| anyhow!("an event without data: {message}"))?;
                if !on_next(data)? {
                    send(&mut socket, json!({"id": OPERATION_ID, "type": "complete"})).await?;
                    break;
                }
            }
            Some("error") if id == Some(OPERATION_ID) => {
                bail!("{}: refused: {}", body.operation_name, message["payload"]);
            }
            Some("complete") if id == Some(OPERATION_ID) => break,
            _ => bail!("an unexpected message: {message}"),
        }
    }
    // Best effort: the operation is over whether or not the close handshake completes.
    let _ = socket.close(None).await;
    Ok(())
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn send(socket: &mut Socket, message: Value) -> Result<()> {
    socket
        .send(Message::text(message.to_string()))
        .await
        .context("sending on the WebSocket")
}

/// The next protocol message (a JSON text frame); WebSocket pings are answered by tungstenite.
async fn receive(socket: &mut Socket) -> Result<Value> {
    loop {
        let frame = socket
            .next()
            .await
            .ok_or_else(|| anyhow!("the server closed the WebSocket"))?
            .context("reading from the WebSocket")?;
        match frame {
            Message::Text(text) => {
                return serde_json::from_str(text.as_str())
                    .with_context(|| format!("a message that is not JSON: {}", text.as_str()));
            }
            Message::Close(frame) => bail!("the server closed the WebSocket: {}", close(frame)),
            Message::Binary(_) => bail!("a binary frame, which graphql-transport-ws never sends"),
            Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => {}
        }
    }
}

fn close(frame: Option<CloseFrame>) -> String {
    match frame {
        Some(frame) => format!("{} {}", u16::from(frame.code), frame.reason.as_str()),
        None => "no close frame".to_owned(),
    }
}
