//! An OTLP/HTTP trace receiver for tests: `POST /v1/traces` with a protobuf
//! `ExportTraceServiceRequest`, as the processes' exporters send it; the spans are kept with
//! the service that sent them, for the test to walk.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::post;
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use prost::Message;

/// One received span.
#[derive(Debug, Clone)]
pub struct Received {
    pub service: String,
    pub name: String,
    pub trace_id: String,
    pub span_id: String,
    /// Empty for a root.
    pub parent_id: String,
    pub attributes: HashMap<String, String>,
}

#[derive(Clone, Default)]
pub struct Receiver {
    spans: Arc<Mutex<Vec<Received>>>,
    /// Export requests that were not a valid protobuf body.
    refused: Arc<Mutex<u32>>,
}

impl Receiver {
    /// Listens on a random local port; returns the receiver and its base URL (the value of
    /// `OTEL_EXPORTER_OTLP_ENDPOINT`).
    pub async fn start() -> (Receiver, String) {
        let receiver = Receiver::default();
        let app = Router::new()
            .route("/v1/traces", post(export))
            .with_state(receiver.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (receiver, url)
    }

    pub fn spans(&self) -> Vec<Received> {
        assert_eq!(*self.refused.lock().unwrap(), 0, "an export was not OTLP");
        self.spans.lock().unwrap().clone()
    }

    /// Waits until a span matches `found` (the exporters send in batches).
    pub async fn wait_for(&self, what: &str, found: impl Fn(&Received) -> bool) -> Received {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(span) = self.spans().into_iter().find(|s| found(s)) {
                return span;
            }
            assert!(
                Instant::now() < deadline,
                "no span {what} among {:#?}",
                self.spans()
                    .iter()
                    .map(|s| (&s.service, &s.name))
                    .collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The spans of one trace.
    pub fn trace(&self, trace_id: &str) -> Vec<Received> {
        self.spans()
            .into_iter()
            .filter(|s| s.trace_id == trace_id)
            .collect()
    }
}

/// `span`'s ancestors in `trace`, nearest first, up to the root. Panics on a parent that
/// never arrived: the chain must be whole.
pub fn ancestors(trace: &[Received], span: &Received) -> Vec<Received> {
    let mut chain = Vec::new();
    let mut parent = span.parent_id.clone();
    while !parent.is_empty() {
        let Some(found) = trace.iter().find(|s| s.span_id == parent) else {
            panic!(
                "span {parent} (parent of {:?}) is not in the trace: {:#?}",
                chain.last().unwrap_or(span).name,
                trace
                    .iter()
                    .map(|s| (&s.service, &s.name, &s.span_id, &s.parent_id))
                    .collect::<Vec<_>>()
            );
        };
        chain.push(found.clone());
        parent = found.parent_id.clone();
    }
    chain
}

async fn export(State(receiver): State<Receiver>, body: Bytes) -> impl IntoResponse {
    let Ok(request) = ExportTraceServiceRequest::decode(body) else {
        *receiver.refused.lock().unwrap() += 1;
        return (StatusCode::BAD_REQUEST, Vec::new()).into_response();
    };
    let mut received = Vec::new();
    for resource_spans in request.resource_spans {
        let service = resource_spans
            .resource
            .map(|r| attributes(&r.attributes))
            .and_then(|mut a| a.remove("service.name"))
            .unwrap_or_default();
        for scope in resource_spans.scope_spans {
            for span in scope.spans {
                received.push(Received {
                    service: service.clone(),
                    name: span.name,
                    trace_id: hex(&span.trace_id),
                    span_id: hex(&span.span_id),
                    parent_id: hex(&span.parent_span_id),
                    attributes: attributes(&span.attributes),
                });
            }
        }
    }
    receiver.spans.lock().unwrap().extend(received);
    (
        [(header::CONTENT_TYPE, "application/x-protobuf")],
        ExportTraceServiceResponse::default().encode_to_vec(),
    )
        .into_response()
}

fn attributes(list: &[KeyValue]) -> HashMap<String, String> {
    list.iter()
        .map(|kv| (kv.key.clone(), text(kv.value.as_ref())))
        .collect()
}

fn text(value: Option<&AnyValue>) -> String {
    match value.and_then(|v| v.value.as_ref()) {
        Some(any_value::Value::StringValue(s)) => s.clone(),
        Some(any_value::Value::IntValue(i)) => i.to_string(),
        Some(any_value::Value::BoolValue(b)) => b.to_string(),
        Some(any_value::Value::DoubleValue(d)) => d.to_string(),
        Some(other) => format!("{other:?}"),
        None => String::new(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
