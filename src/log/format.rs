//! How a log line is written to stderr or a file: Python logging's classic `LEVEL:root:message`,
//! or one JSON object a line. Both write client addresses as privacy is at that moment.

use std::fmt::{self, Write as _};
use std::net::SocketAddr;

use tracing::field::{Field, Visit};
use tracing::{Level, Subscriber};
use tracing_subscriber::fmt::format::{DefaultFields, Writer};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, MakeWriter};
use tracing_subscriber::registry::LookupSpan;

use crate::text::Privacy;

/// A layer that writes each event in `format` to `writer`, without terminal colours.
pub(super) fn layer<S, W, F>(format: F, writer: W) -> impl tracing_subscriber::Layer<S>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
    F: FormatEvent<S, DefaultFields> + Send + Sync + 'static,
{
    tracing_subscriber::fmt::layer()
        .event_format(format)
        .with_ansi(false)
        .with_writer(writer)
}

/// Python logging's default format, `LEVEL:root:message`, with no timestamp.
pub(super) struct Classic {
    privacy: Privacy,
}

impl Classic {
    pub(super) fn new(privacy: &Privacy) -> Classic {
        Classic {
            privacy: privacy.clone(),
        }
    }
}

impl<S, N> FormatEvent<S, N> for Classic
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &tracing::Event<'_>,
    ) -> fmt::Result {
        let level = match *event.metadata().level() {
            Level::ERROR => "ERROR",
            Level::WARN => "WARNING",
            Level::INFO => "INFO",
            Level::DEBUG | Level::TRACE => "DEBUG",
        };
        let mut message = String::new();
        write_message(event, &mut message)?;
        writeln!(
            writer,
            "{level}:root:{}",
            self.privacy.masker().render(&message)
        )
    }
}

/// One JSON object a line: timestamp, level, target, message and the event's fields.
pub(super) struct Json {
    privacy: Privacy,
}

impl Json {
    pub(super) fn new(privacy: &Privacy) -> Json {
        Json {
            privacy: privacy.clone(),
        }
    }
}

impl<S, N> FormatEvent<S, N> for Json
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &tracing::Event<'_>,
    ) -> fmt::Result {
        let masker = self.privacy.masker();
        let metadata = event.metadata();
        let mut object = serde_json::Map::new();
        object.insert(
            "timestamp".into(),
            chrono::Utc::now()
                .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
                .into(),
        );
        object.insert("level".into(), metadata.level().as_str().into());
        let mut fields = JsonFields(serde_json::Map::new());
        event.record(&mut fields);
        for (name, value) in fields.0 {
            let value = match value {
                serde_json::Value::String(text) if name == "peer" => {
                    match text.parse::<SocketAddr>() {
                        Ok(peer) => masker.addr(peer).into(),
                        Err(_) => text.into(),
                    }
                }
                serde_json::Value::String(text) => masker.render(&text).into_owned().into(),
                other => other,
            };
            object.insert(name, value);
        }
        object.insert("target".into(), metadata.target().into());
        writeln!(writer, "{}", serde_json::Value::Object(object))
    }
}

struct JsonFields(serde_json::Map<String, serde_json::Value>);

impl Visit for JsonFields {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let mut text = String::new();
        let _ = write!(text, "{value:?}");
        self.0.insert(field.name().into(), text.into());
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().into(), value.into());
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().into(), value.into());
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().into(), value.into());
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.insert(field.name().into(), value.into());
    }
}

/// Writes an event's message, leaving out its structured fields (those are for JSON).
pub(super) fn write_message(
    event: &tracing::Event<'_>,
    writer: &mut impl fmt::Write,
) -> fmt::Result {
    let mut message = MessageOnly {
        writer,
        result: Ok(()),
    };
    event.record(&mut message);
    message.result
}

struct MessageOnly<'a, W> {
    writer: &'a mut W,
    result: fmt::Result,
}

impl<W: fmt::Write> Visit for MessageOnly<'_, W> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            self.result = write!(self.writer, "{value:?}");
        }
    }
}
