//! At projector sizes, where students connect, in letters the back row can read: the address a
//! student types, under the clock, as big as the width allows.

use std::net::SocketAddr;

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use tui_big_text::{BigText, PixelSize};

use super::panel;
use crate::dashboard::app::App;
use crate::dashboard::theme::Theme;
use crate::lang::said;

/// Rows the panel takes: a big line of text (four rows) and its borders.
pub const HEIGHT: u16 = 6;

/// Columns a glyph takes at each size (the font is 8x8 pixels).
const HALF_HEIGHT_GLYPH_WIDTH: u16 = 8;
const QUADRANT_GLYPH_WIDTH: u16 = 4;

/// The address a student types: the one the server listens on, or for one bound to every
/// address, the machine's first; none when no other machine can reach it.
fn address(app: &App) -> Option<SocketAddr> {
    app.server.reachable.first().copied()
}

/// The big text of `text` for a panel `width` columns wide, if it fits whole (an address cut
/// short is a wrong address).
fn size_for(text: &str, width: u16, theme: &Theme) -> Option<PixelSize> {
    let glyphs = u16::try_from(text.chars().count()).ok()?;
    let inner = width.saturating_sub(2);
    if !theme.glyphs.big_clock {
        None
    } else if inner >= HALF_HEIGHT_GLYPH_WIDTH.saturating_mul(glyphs) {
        Some(PixelSize::HalfHeight)
    } else if inner >= QUADRANT_GLYPH_WIDTH.saturating_mul(glyphs) {
        Some(PixelSize::Quadrant)
    } else {
        None
    }
}

/// Whether the panel has something to show at `width` columns.
pub fn fits(app: &App, width: u16, theme: &Theme) -> bool {
    address(app).is_some_and(|addr| size_for(&addr.to_string(), width, theme).is_some())
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(addr) = address(app) else {
        return;
    };
    let text = addr.to_string();
    let Some(size) = size_for(&text, area.width, theme) else {
        return;
    };
    let title = format!(" {} ", said!(app.options.lang, "ui.connect_to.title"));
    let block = panel(title, false, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let big = BigText::builder()
        .pixel_size(size)
        .style(theme.value)
        .alignment(Alignment::Center)
        .lines(vec![text.into()])
        .build();
    frame.render_widget(big, inner);
}
