//! At projector sizes, where students connect, in letters the back row can read: the address a
//! student types, under the clock, as big as the width allows.

use std::net::SocketAddr;

use ratatui::Frame;
use ratatui::layout::Rect;

use super::{big_text, panel};
use crate::dashboard::app::App;
use crate::dashboard::theme::Theme;
use crate::lang::said;

/// Rows the panel takes: a big line of text (four rows) and its borders.
pub const HEIGHT: u16 = 6;

/// The address a student types: the one the server listens on, or for one bound to every
/// address, the machine's first; none when no other machine can reach it.
fn address(app: &App) -> Option<SocketAddr> {
    app.server.reachable.first().copied()
}

/// Whether the panel has something to show at `width` columns: the whole address, big.
pub fn fits(app: &App, width: u16, theme: &Theme) -> bool {
    let inner = width.saturating_sub(2);
    address(app)
        .is_some_and(|addr| big_text::size_to_fit(&addr.to_string(), inner, theme).is_some())
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let title = format!(" {} ", said!(app.options.lang, "ui.connect_to.title"));
    let block = panel(title, false, theme);
    let inner = block.inner(area);
    let Some(text) = address(app).map(|addr| addr.to_string()) else {
        return;
    };
    let Some(size) = big_text::size_to_fit(&text, inner.width, theme) else {
        return;
    };
    frame.render_widget(block, area);
    big_text::render(frame, inner, &text, size, theme.value);
}
