//! Plain-text log lines with the current span's trace id (` trace_id=<32 hex digits>` at the
//! end of the line) when the line is written inside a trace, as the JSON lines carry it. Such
//! a line is formatted into a buffer first, which `tracing-subscriber` gives no colours: it
//! is written without ANSI escapes.

use std::fmt;

use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::{DefaultFields, Format, Full, Writer};
use tracing_subscriber::fmt::{FmtContext, FormatEvent};
use tracing_subscriber::registry::LookupSpan;

use super::json::trace_id;

/// `tracing-subscriber`'s default format, plus `trace_id`.
pub struct TextWithTraceId(Format<Full>);

impl Default for TextWithTraceId {
    fn default() -> Self {
        Self(tracing_subscriber::fmt::format())
    }
}

impl<S> FormatEvent<S, DefaultFields> for TextWithTraceId
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, DefaultFields>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let Some(trace_id) = trace_id() else {
            return self.0.format_event(ctx, writer, event);
        };
        // The id goes at the end of the (one) line; the line is formatted without colours.
        let mut line = String::new();
        self.0.format_event(ctx, Writer::new(&mut line), event)?;
        writeln!(
            writer,
            "{} trace_id={trace_id}",
            line.trim_end_matches('\n')
        )
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use opentelemetry::trace::{TraceContextExt, TracerProvider};
    use tracing_opentelemetry::OpenTelemetrySpanExt;
    use tracing_subscriber::layer::SubscriberExt;

    use super::*;

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_text_line_inside_a_trace_ends_with_its_trace_id_and_one_outside_has_none() {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder().build();
        let subscriber = tracing_subscriber::registry()
            .with(
                tracing_subscriber::fmt::layer()
                    .with_ansi(false)
                    .event_format(TextWithTraceId::default())
                    .with_writer(move || writer.clone()),
            )
            .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("test")));
        let expected = tracing::subscriber::with_default(subscriber, || {
            tracing::info!("outside");
            let span = tracing::info_span!("request", request_id = "r-1");
            let _entered = span.enter();
            tracing::info!(answer = 42, "inside");
            span.context().span().span_context().trace_id().to_string()
        });
        let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(lines[0].ends_with("outside"), "{text}");
        assert!(!lines[0].contains("trace_id"), "{text}");
        assert!(lines[1].contains("request{request_id=\"r-1\"}"), "{text}");
        assert!(lines[1].contains("inside answer=42"), "{text}");
        assert!(
            lines[1].ends_with(&format!(" trace_id={expected}")),
            "{text}"
        );
        assert_eq!(expected.len(), 32);
    }
}
