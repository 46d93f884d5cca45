//! The top lines: where the server listens, its zone, uptime, SERVING or PAUSED, and how it
//! serves (mode and delay).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};

use super::format;
use crate::dashboard::app::App;
use crate::dashboard::theme::Theme;
use crate::dashboard::words;
use crate::lang::said;
use crate::server::describe_addrs;

/// Rows the header takes.
pub const HEIGHT: u16 = 2;

/// Draws the header; with `clock`, the time a TIME gets now closes its second line (the compact
/// layout has no big clock).
pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, clock: bool) {
    let [first, second] = Layout::vertical([Constraint::Length(1); 2]).areas(area);
    let glyphs = &theme.glyphs;
    let lang = app.options.lang;
    let mut spans = vec![state(app, theme, true)];
    spans.extend(where_to_connect(app, area.width, theme));
    spans.extend([
        Span::styled(format!("  {} ", said!(lang, "ui.header.zone")), theme.label),
        Span::styled(app.server.zone_name.clone(), theme.value),
        Span::styled(format!("  {} ", said!(lang, "ui.header.up")), theme.label),
        Span::styled(format::uptime(app.snapshot.uptime), theme.value),
    ]);
    frame.render_widget(Line::from(spans), first);
    let queued = app.snapshot.clients.iter().filter(|c| c.queued).count();
    let mut serving = vec![
        Span::styled(format!(" {} ", said!(lang, "ui.header.mode")), theme.label),
        Span::styled(
            format!(" {} ", words::mode(app.snapshot.mode, lang)),
            theme.mode,
        ),
        Span::styled(
            format!("  {} ", said!(lang, "ui.header.delay")),
            theme.label,
        ),
        Span::styled(
            humantime::format_duration(app.snapshot.delay).to_string(),
            theme.value,
        ),
    ];
    if queued > 0 {
        serving.push(Span::styled(
            format!("  {} ", said!(lang, "ui.header.queued")),
            theme.label,
        ));
        serving.push(Span::styled(queued.to_string(), theme.waiting));
    }
    // The view's own states, distinct from the server's SERVING/PAUSED: in full words when
    // they fit, else short, so that both show at 80 columns.
    let states = |long: bool| {
        let mut spans = Vec::new();
        if app.frozen {
            let frozen = match long {
                true => said!(lang, "ui.header.frozen_long"),
                false => said!(lang, "ui.header.frozen_short"),
            };
            let frozen = format!(" {} {frozen} ", glyphs.frozen);
            spans.extend([Span::raw("  "), Span::styled(frozen, theme.paused)]);
        }
        if app.privacy {
            let hidden = match long {
                true => said!(lang, "ui.header.hidden_long"),
                false => said!(lang, "ui.header.hidden_short"),
            };
            let hidden = format!(" {hidden} ");
            spans.extend([Span::raw("  "), Span::styled(hidden, theme.mode)]);
        }
        spans
    };
    let now = |long: bool| -> Vec<Span<'static>> {
        if !clock {
            return Vec::new();
        }
        let label = match long {
            true => format!("  {} ", said!(lang, "ui.header.time_now")),
            false => "  ".to_string(),
        };
        vec![
            Span::styled(label, theme.label),
            Span::styled(
                app.snapshot.clock.clone(),
                theme.clock.add_modifier(Modifier::BOLD),
            ),
            Span::raw(" "),
        ]
    };
    let width = |spans: &[Span]| spans.iter().map(Span::width).sum::<usize>();
    // In full words when they fit, then the states short, then the clock without its label.
    let (states, now) = [(true, true), (false, true), (false, false)]
        .into_iter()
        .map(|(long_states, long_clock)| (states(long_states), now(long_clock)))
        .find(|(states, now)| {
            width(&serving) + width(states) + width(now) <= usize::from(area.width)
        })
        .unwrap_or_else(|| (states(false), now(false)));
    serving.extend(states);
    let [left, right] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(width(&now) as u16)])
            .areas(second);
    frame.render_widget(Line::from(serving), left);
    frame.render_widget(Line::from(now), right);
}

/// What a student types to connect: the address the server listens on, or for one bound to
/// every address (`0.0.0.0`, `::`), the machine's own addresses.
pub(super) fn where_to_connect(app: &App, width: u16, theme: &Theme) -> Vec<Span<'static>> {
    let server = &app.server;
    let lang = app.options.lang;
    let listening = said!(lang, "ui.header.listening");
    if !server.listen_addr.ip().is_unspecified() {
        return vec![
            Span::styled("  jamtui ", theme.title),
            Span::styled(format!("{listening} "), theme.label),
            Span::styled(server.listen_addr.to_string(), theme.value),
        ];
    }
    let shown = if width >= 120 { 3 } else { 1 };
    match server.reachable.as_slice() {
        [] => vec![
            Span::styled(format!("  {listening} "), theme.label),
            Span::styled(
                said!(
                    lang,
                    "ui.header.this_machine_only",
                    addr = server.listen_addr
                ),
                theme.value,
            ),
        ],
        found => vec![
            Span::styled(
                format!("  {} ", said!(lang, "ui.header.connect_to")),
                theme.label,
            ),
            Span::styled(describe_addrs(found, shown), theme.value),
        ],
    }
}

/// SERVING or PAUSED, as a badge; `glyph`: with its symbol (the header's, not the too-small
/// screen's).
pub(super) fn state(app: &App, theme: &Theme, glyph: bool) -> Span<'static> {
    let lang = app.options.lang;
    let (symbol, words, style) = match app.snapshot.paused {
        true => (
            theme.glyphs.paused,
            said!(lang, "ui.header.paused"),
            theme.paused,
        ),
        false => (
            theme.glyphs.serving,
            said!(lang, "ui.header.serving"),
            theme.serving,
        ),
    };
    match glyph {
        true => Span::styled(format!(" {symbol} {words} "), style),
        false => Span::styled(format!(" {words} "), style),
    }
}
