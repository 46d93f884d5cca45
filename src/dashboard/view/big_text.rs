//! Big letters (tui-big-text) for what must be read from the back of a room: the biggest size at
//! which a whole text fits, or none. A text is never cut: a clock cut to `JAM 23:19:5` tells the
//! wrong time, an address cut short is a wrong address.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use tui_big_text::{BigText, PixelSize};

use crate::dashboard::theme::Theme;

/// Columns a glyph takes at each size (the font is 8x8 pixels).
const HALF_HEIGHT_GLYPH_WIDTH: u16 = 8;
const QUADRANT_GLYPH_WIDTH: u16 = 4;

/// The biggest size at which the whole of `text` fits `width` columns; `None` when none does,
/// or the theme has no big letters (`--ascii`).
pub(super) fn size_to_fit(text: &str, width: u16, theme: &Theme) -> Option<PixelSize> {
    let glyphs = u16::try_from(text.chars().count()).ok()?;
    if !theme.glyphs.big_clock {
        None
    } else if width >= HALF_HEIGHT_GLYPH_WIDTH.saturating_mul(glyphs) {
        Some(PixelSize::HalfHeight)
    } else if width >= QUADRANT_GLYPH_WIDTH.saturating_mul(glyphs) {
        Some(PixelSize::Quadrant)
    } else {
        None
    }
}

/// Draws `text` at `size`, centred in `area`.
pub(super) fn render(frame: &mut Frame, area: Rect, text: &str, size: PixelSize, style: Style) {
    let big = BigText::builder()
        .pixel_size(size)
        .style(style)
        .alignment(Alignment::Center)
        .lines(vec![text.to_string().into()])
        .build();
    frame.render_widget(big, area);
}
