//! One WebSocket connection: `connection_init` within the timeout, then operations started
//! and stopped by id, each running as its own task. The credential is checked again for every
//! operation, periodically and at its expiry; once it no longer holds, the running operations
//! end with an error and the connection closes with 4403.

use std::collections::HashMap;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::Response;
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::sync::mpsc;
use tokio::task::{AbortHandle, JoinSet};
use tokio::time::Sleep;
use tracing::Instrument;

use super::limits::{Registry, Slot};
use super::protocol::{ClientMessage, Close, Protocol, server};
use crate::auth::{Caller, authenticate, revalidate};
use crate::error::AppError;
use crate::graphql::{AppSchema, RequestCtx};
use crate::ratelimit::meter::Meter;
use crate::state::App;

/// Everything a connection needs, fixed at the upgrade.
pub struct Connection {
    pub app: Arc<App>,
    pub schema: AppSchema,
    pub registry: Registry,
    pub protocol: Protocol,
    pub ip: IpAddr,
    /// This connection's place under the per-IP cap, held until it ends.
    pub _ip_slot: Slot<IpAddr>,
    /// Counted in `promptops_websocket_connections` until it ends.
    pub _open: crate::metrics::Open,
}

/// Results of the operation tasks, to the connection loop.
enum Outgoing {
    Next {
        generation: u64,
        id: String,
        response: Box<Response>,
    },
    Done {
        generation: u64,
        id: String,
    },
}

enum Step {
    Continue,
    Close(Close),
    /// The client went away.
    Gone,
}

/// After `connection_init`.
struct Session {
    caller: Caller,
    _slot: Option<Slot<String>>,
}

struct State {
    conn: Connection,
    sink: SplitSink<WebSocket, Message>,
    session: Option<Session>,
    /// Running operations by id, with the generation that tells a reused id's new operation
    /// from the late messages of its old one.
    running: HashMap<String, (u64, AbortHandle)>,
    tasks: JoinSet<()>,
    generation: u64,
    tx: mpsc::Sender<Outgoing>,
}

/// Serves the connection until either side closes it.
pub async fn serve(socket: WebSocket, conn: Connection) {
    let (sink, mut incoming) = socket.split();
    let (tx, mut rx) = mpsc::channel(64);
    let config = &conn.app.config;
    let init_timeout = Duration::from_secs(config.ws_init_timeout_secs);
    let period = Duration::from_secs(config.ws_revalidate_secs.max(1));
    let mut state = State {
        conn,
        sink,
        session: None,
        running: HashMap::new(),
        tasks: JoinSet::new(),
        generation: 0,
        tx,
    };
    let init_deadline = tokio::time::sleep(init_timeout);
    tokio::pin!(init_deadline);
    let mut expiry: Option<Pin<Box<Sleep>>> = None;
    let mut recheck = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    recheck.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let initialised = state.session.is_some();
        let step = tokio::select! {
            message = incoming.next() => match message {
                Some(Ok(Message::Text(text))) => state.on_text(text.as_str()).await,
                Some(Ok(Message::Binary(bytes))) => match std::str::from_utf8(&bytes) {
                    Ok(text) => state.on_text(text).await,
                    Err(_) => Step::Close(Close::invalid_message("Invalid message: not UTF-8")),
                },
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => Step::Continue,
                Some(Ok(Message::Close(_)) | Err(_)) | None => Step::Gone,
            },
            Some(outgoing) = rx.recv() => state.on_outgoing(outgoing).await,
            () = &mut init_deadline, if !initialised => Step::Close(Close::init_timeout()),
            () = until(&mut expiry), if initialised => {
                // Re-armed below: a far expiry is reached in several waits.
                expiry = None;
                state.recheck().await
            }
            _ = recheck.tick(), if initialised => state.recheck().await,
        };
        match step {
            Step::Continue => {}
            Step::Gone => break,
            Step::Close(close) => {
                let frame = CloseFrame {
                    code: close.code,
                    reason: close.reason.into(),
                };
                let _ = state.sink.send(Message::Close(Some(frame))).await;
                break;
            }
        }
        if expiry.is_none()
            && let Some(at) = state.session.as_ref().and_then(|s| s.caller.expires_at())
        {
            let left = at.saturating_mul(1000) - chrono::Utc::now().timestamp_millis();
            let left = Duration::from_millis(u64::try_from(left).unwrap_or(0)).min(LONGEST_WAIT);
            expiry = Some(Box::pin(tokio::time::sleep(left)));
        }
    }
    state.tasks.abort_all();
    let _ = state.sink.close().await;
}

/// The longest single wait for an expiry.
const LONGEST_WAIT: Duration = Duration::from_secs(24 * 3600);

async fn until(deadline: &mut Option<Pin<Box<Sleep>>>) {
    match deadline {
        Some(sleep) => sleep.as_mut().await,
        None => std::future::pending().await,
    }
}

impl State {
    fn protocol(&self) -> Protocol {
        self.conn.protocol
    }

    async fn send(&mut self, text: String) -> Step {
        match self.sink.send(Message::Text(text.into())).await {
            Ok(()) => Step::Continue,
            Err(_) => Step::Gone,
        }
    }

    async fn on_text(&mut self, text: &str) -> Step {
        let message = match ClientMessage::parse(self.protocol(), text) {
            Ok(message) => message,
            Err(why) => return Step::Close(Close::invalid_message(why)),
        };
        match message {
            ClientMessage::ConnectionInit { payload } => self.on_init(payload).await,
            ClientMessage::Subscribe { id, request } => self.on_subscribe(id, *request).await,
            ClientMessage::Complete { id } => {
                if let Some((_, handle)) = self.running.remove(&id) {
                    handle.abort();
                    // graphql-transport-ws: the client completed it, nothing more is sent.
                    if self.protocol() == Protocol::Legacy {
                        return self.send(server::complete(&id)).await;
                    }
                }
                Step::Continue
            }
            ClientMessage::Ping { payload } => self.send(server::pong(payload)).await,
            ClientMessage::Pong => Step::Continue,
            ClientMessage::Terminate => Step::Close(Close::normal()),
        }
    }

    async fn on_init(&mut self, payload: Value) -> Step {
        if self.session.is_some() {
            return Step::Close(Close::too_many_inits());
        }
        let authorization = payload
            .get("authorization")
            .or_else(|| payload.get("Authorization"))
            .and_then(Value::as_str);
        let caller = match authorization {
            Some(value) => {
                authenticate(
                    &self.conn.app.db,
                    &self.conn.app.jwt,
                    &self.conn.app.api_keys,
                    Some(value),
                )
                .await
            }
            None => Caller::Anonymous,
        };
        let slot = match &caller {
            Caller::Authenticated { actor, .. } => {
                let max = self.conn.app.config.ws_max_connections_per_user;
                match self.conn.registry.acquire_subject(actor.subject(), max) {
                    Some(slot) => Some(slot),
                    None => {
                        crate::metrics::rate_limited("ws_connections_per_user");
                        return Step::Close(Close::too_many_connections());
                    }
                }
            }
            // Not a refusal: the client reconnects and is checked again.
            Caller::Unverified => return Step::Close(Close::try_again_later()),
            Caller::Anonymous | Caller::Refused(_) => None,
        };
        self.session = Some(Session {
            caller,
            _slot: slot,
        });
        self.send(server::connection_ack()).await
    }

    async fn on_subscribe(&mut self, id: String, request: async_graphql::Request) -> Step {
        let Some(session) = &self.session else {
            return Step::Close(Close::unauthorized());
        };
        if self.running.contains_key(&id) {
            return Step::Close(Close::duplicate(&id));
        }
        let caller = session.caller.clone();
        match revalidate(&self.conn.app.db, &self.conn.app.api_keys, &caller).await {
            Ok(()) => {}
            Err(AppError::Unauthenticated(reason)) => return self.end_session(&reason).await,
            Err(error) => tracing::warn!(?error, "could not re-validate a WebSocket credential"),
        }
        let max = self.conn.app.config.ws_max_subscriptions_per_connection;
        if max != 0 && self.running.len() >= max {
            crate::metrics::rate_limited("ws_operations_per_connection");
            let message = format!(
                "too many operations on this connection (at most {max}); complete one first"
            );
            let refusal = server::error(self.protocol(), &id, &message, "BAD_USER_INPUT");
            return self.send(refusal).await;
        }
        self.generation += 1;
        let generation = self.generation;
        let request_id = uuid::Uuid::new_v4().to_string();
        // Its own trace (a WebSocket has no request to continue), named like an HTTP
        // operation's span once its document is parsed (`subscription executionEvents`).
        let span = tracing::info_span!(
            "graphql_ws",
            otel.kind = "server",
            request_id = %request_id,
            graphql.operation.type = tracing::field::Empty,
            graphql.operation.name = tracing::field::Empty,
            graphql.root_field = tracing::field::Empty,
        );
        let subscription = crate::metrics::is_subscription(&request);
        let (app, metered) = (self.conn.app.clone(), caller.clone());
        let request = request.data(RequestCtx {
            caller,
            request_id,
            client_ip: self.conn.ip,
        });
        let schema = self.conn.schema.clone();
        let tx = self.tx.clone();
        let op = id.clone();
        let handle = self.tasks.spawn(
            async move {
                // Dropped when the subscription ends or is stopped (its task aborted).
                let _open = subscription
                    .then(|| crate::metrics::Open::new(crate::metrics::SUBSCRIPTIONS_ACTIVE));
                let send = |response: Response| Outgoing::Next {
                    generation,
                    id: op.clone(),
                    response: Box::new(response),
                };
                match Meter::start(app, &metered).await {
                    Ok(meter) => {
                        let forwarded = meter.scope(async {
                            let mut responses = schema.execute_stream(request);
                            while let Some(response) = responses.next().await {
                                if tx.send(send(response)).await.is_err() {
                                    return false;
                                }
                            }
                            true
                        });
                        if !forwarded.await {
                            return;
                        }
                    }
                    Err(refused) => {
                        let error: async_graphql::Error = refused.into();
                        let response = Response::from_errors(vec![
                            error.into_server_error(Default::default()),
                        ]);
                        if tx.send(send(response)).await.is_err() {
                            return;
                        }
                    }
                }
                let _ = tx.send(Outgoing::Done { generation, id: op }).await;
            }
            .instrument(span),
        );
        self.running.insert(id, (generation, handle));
        Step::Continue
    }

    fn is_current(&self, id: &str, generation: u64) -> bool {
        self.running.get(id).is_some_and(|(g, _)| *g == generation)
    }

    async fn on_outgoing(&mut self, outgoing: Outgoing) -> Step {
        match outgoing {
            Outgoing::Next {
                generation,
                id,
                response,
            } => {
                if !self.is_current(&id, generation) {
                    return Step::Continue;
                }
                self.send(server::next(self.protocol(), &id, &response))
                    .await
            }
            Outgoing::Done { generation, id } => {
                if !self.is_current(&id, generation) {
                    return Step::Continue;
                }
                self.running.remove(&id);
                while self.tasks.try_join_next().is_some() {}
                self.send(server::complete(&id)).await
            }
        }
    }

    /// The periodic check of the credential.
    async fn recheck(&mut self) -> Step {
        let Some(session) = &self.session else {
            return Step::Continue;
        };
        match revalidate(&self.conn.app.db, &self.conn.app.api_keys, &session.caller).await {
            Ok(()) => Step::Continue,
            Err(AppError::Unauthenticated(reason)) => self.end_session(&reason).await,
            Err(error) => {
                tracing::warn!(?error, "could not re-validate a WebSocket credential");
                Step::Continue
            }
        }
    }

    /// The credential no longer holds: every running operation ends with an UNAUTHENTICATED
    /// error, then the connection closes with 4403.
    async fn end_session(&mut self, reason: &str) -> Step {
        self.tasks.abort_all();
        let ids: Vec<String> = self.running.drain().map(|(id, _)| id).collect();
        for id in ids {
            let refusal = server::next_error(self.protocol(), &id, reason, "UNAUTHENTICATED");
            if let Step::Gone = self.send(refusal).await {
                return Step::Gone;
            }
            if let Step::Gone = self.send(server::complete(&id)).await {
                return Step::Gone;
            }
        }
        Step::Close(Close::forbidden(reason))
    }
}
