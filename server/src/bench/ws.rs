//! GraphQL subscriptions for the bench (graphql-transport-ws): a socket opened and
//! acknowledged before anything is measured, subscriptions on it, and its next payload.
//! Client sockets use a small read buffer, so that tens of thousands fit in the bench.

use std::time::Duration;

use anyhow::{Context, bail};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub(super) type Socket = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

fn text(value: Value) -> Message {
    Message::Text(value.to_string().into())
}

/// A socket to `base`'s `/graphql/ws`, initialized with `token` and acknowledged.
pub(super) async fn connect(base: &str, token: &str) -> anyhow::Result<Socket> {
    let url = format!("{}/graphql/ws", base.replacen("http", "ws", 1));
    let mut request = url.into_client_request()?;
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse()?);
    let config = WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(0);
    let (mut socket, _) =
        tokio_tungstenite::connect_async_with_config(request, Some(config), true).await?;
    socket
        .send(text(json!({ "type": "connection_init",
                           "payload": { "authorization": format!("Bearer {token}") } })))
        .await?;
    loop {
        let message = next(&mut socket, Duration::from_secs(60)).await?;
        match message["type"].as_str() {
            Some("connection_ack") => return Ok(socket),
            Some("ping") | Some("pong") => {}
            _ => bail!("no connection_ack: {message}"),
        }
    }
}

/// Starts the subscription `id` on `socket`.
pub(super) async fn subscribe(
    socket: &mut Socket,
    id: &str,
    query: &str,
    variables: Value,
) -> anyhow::Result<()> {
    socket
        .send(text(json!({ "id": id, "type": "subscribe",
                           "payload": { "query": query, "variables": variables } })))
        .await?;
    Ok(())
}

/// The next protocol message (answering pings on the way), within `wait`.
pub(super) async fn next(socket: &mut Socket, wait: Duration) -> anyhow::Result<Value> {
    loop {
        let message = tokio::time::timeout(wait, socket.next())
            .await
            .context("nothing received in time")?
            .context("socket closed")??;
        let Message::Text(body) = message else {
            continue;
        };
        let value: Value = serde_json::from_str(&body)?;
        if value["type"] == "ping" {
            socket.send(text(json!({ "type": "pong" }))).await?;
            continue;
        }
        return Ok(value);
    }
}

/// The data of the next `next` message of a subscription (errors and refusals fail).
pub(super) async fn next_data(socket: &mut Socket, wait: Duration) -> anyhow::Result<Value> {
    loop {
        let value = next(socket, wait).await?;
        match value["type"].as_str() {
            Some("next") if value["payload"]["errors"].is_array() => {
                bail!("subscription error {value}")
            }
            Some("next") => return Ok(value["payload"]["data"].clone()),
            Some("error") => bail!("subscription refused {value}"),
            Some("complete") => bail!("subscription completed early"),
            _ => {}
        }
    }
}
