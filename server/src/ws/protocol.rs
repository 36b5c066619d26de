//! The two GraphQL-over-WebSocket protocols as messages: `graphql-transport-ws` (the
//! protocol of the `graphql-ws` client) and the legacy `graphql-ws` of
//! subscriptions-transport-ws. Parsing what clients send, encoding what we answer, and the
//! close codes.

use async_graphql::Response;
use serde_json::{Value, json};

/// The subprotocol of a connection, chosen at the upgrade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `graphql-transport-ws`.
    TransportWs,
    /// The legacy `graphql-ws` (subscriptions-transport-ws).
    Legacy,
}

/// In order of preference.
pub const SUBPROTOCOLS: [&str; 2] = ["graphql-transport-ws", "graphql-ws"];

impl Protocol {
    pub fn from_name(name: &str) -> Option<Protocol> {
        match name {
            "graphql-transport-ws" => Some(Protocol::TransportWs),
            "graphql-ws" => Some(Protocol::Legacy),
            _ => None,
        }
    }
}

/// A close code and its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Close {
    pub code: u16,
    pub reason: String,
}

impl Close {
    /// A close frame's payload is at most 125 bytes, two of them the code: longer reasons are
    /// cut at a character boundary.
    pub fn new(code: u16, reason: &str) -> Close {
        const MAX_REASON: usize = 123;
        let mut end = reason.len().min(MAX_REASON);
        while !reason.is_char_boundary(end) {
            end -= 1;
        }
        Close {
            code,
            reason: reason[..end].to_owned(),
        }
    }

    pub fn invalid_message(why: &str) -> Close {
        Close::new(4400, why)
    }

    pub fn unauthorized() -> Close {
        Close::new(4401, "Unauthorized")
    }

    /// The credential no longer holds (expired, revoked).
    pub fn forbidden(reason: &str) -> Close {
        Close::new(4403, &format!("Forbidden: {reason}"))
    }

    pub fn init_timeout() -> Close {
        Close::new(4408, "Connection initialisation timeout")
    }

    pub fn duplicate(id: &str) -> Close {
        Close::new(4409, &format!("Subscriber for {id} already exists"))
    }

    pub fn too_many_inits() -> Close {
        Close::new(4429, "Too many initialisation requests")
    }

    /// The credential has as many connections open as it may.
    /// The credential could not be checked for now (the database failed): reconnect.
    pub fn try_again_later() -> Close {
        Close::new(1013, "Try again later: the credential could not be checked")
    }

    pub fn too_many_connections() -> Close {
        Close::new(1013, "Too many connections for this credential")
    }

    pub fn normal() -> Close {
        Close::new(1000, "Normal Closure")
    }
}

/// What a client sent.
#[derive(Debug)]
pub enum ClientMessage {
    ConnectionInit {
        payload: Value,
    },
    /// `subscribe` (transport-ws) or `start` (legacy): any operation, not only subscriptions.
    Subscribe {
        id: String,
        request: Box<async_graphql::Request>,
    },
    /// `complete` (transport-ws) or `stop` (legacy).
    Complete {
        id: String,
    },
    Ping {
        payload: Option<Value>,
    },
    Pong,
    /// Legacy `connection_terminate`.
    Terminate,
}

impl ClientMessage {
    /// Parses one text message; `Err` is the (short) reason of a 4400 close.
    pub fn parse(protocol: Protocol, text: &str) -> Result<ClientMessage, &'static str> {
        let value: Value = serde_json::from_str(text).map_err(|_| "Invalid message: not JSON")?;
        let kind = value
            .get("type")
            .and_then(Value::as_str)
            .ok_or("Invalid message: no type")?;
        let id = || -> Result<String, &'static str> {
            value
                .get("id")
                .and_then(Value::as_str)
                .filter(|id| !id.is_empty())
                .map(str::to_owned)
                .ok_or("Invalid message: no id")
        };
        let payload = value.get("payload").filter(|p| !p.is_null()).cloned();
        match (protocol, kind) {
            (_, "connection_init") => match payload {
                None => Ok(ClientMessage::ConnectionInit {
                    payload: Value::Object(Default::default()),
                }),
                Some(payload @ Value::Object(_)) => Ok(ClientMessage::ConnectionInit { payload }),
                Some(_) => Err("Invalid message: payload is not an object"),
            },
            (Protocol::TransportWs, "subscribe") | (Protocol::Legacy, "start") => {
                let id = id()?;
                let request: async_graphql::Request =
                    serde_json::from_value(payload.ok_or("Invalid message: no payload")?)
                        .map_err(|_| "Invalid message: payload is not a GraphQL request")?;
                Ok(ClientMessage::Subscribe {
                    id,
                    request: Box::new(request),
                })
            }
            (Protocol::TransportWs, "complete") | (Protocol::Legacy, "stop") => {
                Ok(ClientMessage::Complete { id: id()? })
            }
            (Protocol::TransportWs, "ping") => Ok(ClientMessage::Ping { payload }),
            (Protocol::TransportWs, "pong") => Ok(ClientMessage::Pong),
            (Protocol::Legacy, "connection_terminate") => Ok(ClientMessage::Terminate),
            _ => Err("Invalid message: unknown type"),
        }
    }
}

/// Messages we send.
pub mod server {
    use super::*;

    pub fn connection_ack() -> String {
        json!({ "type": "connection_ack" }).to_string()
    }

    /// One result of an operation: `next` (transport-ws) or `data` (legacy).
    pub fn next(protocol: Protocol, id: &str, response: &Response) -> String {
        let kind = match protocol {
            Protocol::TransportWs => "next",
            Protocol::Legacy => "data",
        };
        json!({ "type": kind, "id": id, "payload": response }).to_string()
    }

    /// A result made of one error, for an operation that ends on it (a `complete` follows).
    pub fn next_error(protocol: Protocol, id: &str, message: &str, code: &str) -> String {
        let kind = match protocol {
            Protocol::TransportWs => "next",
            Protocol::Legacy => "data",
        };
        let error = json!({ "message": message, "extensions": { "code": code } });
        json!({ "type": kind, "id": id, "payload": { "data": null, "errors": [error] } })
            .to_string()
    }

    /// An operation refused before it ran; it is over (no `complete` follows).
    pub fn error(protocol: Protocol, id: &str, message: &str, code: &str) -> String {
        let error = json!({ "message": message, "extensions": { "code": code } });
        let payload = match protocol {
            Protocol::TransportWs => json!([error]),
            Protocol::Legacy => error,
        };
        json!({ "type": "error", "id": id, "payload": payload }).to_string()
    }

    pub fn complete(id: &str) -> String {
        json!({ "type": "complete", "id": id }).to_string()
    }

    /// Answers a `ping`, echoing its payload.
    pub fn pong(payload: Option<Value>) -> String {
        match payload {
            Some(payload) => json!({ "type": "pong", "payload": payload }),
            None => json!({ "type": "pong" }),
        }
        .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_fit_a_control_frame() {
        let close = Close::duplicate(&"é".repeat(200));
        assert!(close.reason.len() <= 123, "{}", close.reason.len());
        assert!(close.reason.starts_with("Subscriber for é"));
    }

    #[test]
    fn messages_of_the_other_protocol_are_invalid() {
        let start = r#"{"type":"start","id":"1","payload":{"query":"{ __typename }"}}"#;
        assert!(ClientMessage::parse(Protocol::TransportWs, start).is_err());
        assert!(matches!(
            ClientMessage::parse(Protocol::Legacy, start),
            Ok(ClientMessage::Subscribe { .. })
        ));
        assert!(ClientMessage::parse(Protocol::TransportWs, r#"{"type":"ping"}"#).is_ok());
        assert!(ClientMessage::parse(Protocol::TransportWs, "[]").is_err());
    }
}
