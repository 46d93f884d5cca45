//! Feeds the dashboard's log panel (tui-logger) with each event's message only, its client
//! addresses still marked: the panel masks them when it draws, so `h` hides lines already shown.
//! (tui-logger's own layer appends every structured field, which clutters a panel meant to read
//! like the assignment's log.)

use tracing::{Level, Subscriber};

use super::format::write_message;

pub struct LogPanel;

impl<S: Subscriber> tracing_subscriber::Layer<S> for LogPanel {
    fn on_event(
        &self,
        event: &tracing::Event<'_>,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        let mut message = String::new();
        if write_message(event, &mut message).is_err() {
            return;
        }
        let metadata = event.metadata();
        let level = match *metadata.level() {
            Level::ERROR => log::Level::Error,
            Level::WARN => log::Level::Warn,
            Level::INFO => log::Level::Info,
            Level::DEBUG => log::Level::Debug,
            Level::TRACE => log::Level::Trace,
        };
        tui_logger::Drain::new().log(
            &log::Record::builder()
                .args(format_args!("{message}"))
                .level(level)
                .target(metadata.target())
                .build(),
        );
    }
}
