//! The log panel: the server's log lines, in the assignment's words, scrollable, level-coloured,
//! long lines wrapped; addresses masked in privacy mode.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use tui_logger::{ExtLogRecord, LogFormatter, TuiLoggerWidget};

use super::{is_focused, panel};
use crate::dashboard::app::Naming;
use crate::dashboard::app::{App, Focus, Search};
use crate::dashboard::theme::Theme;
use crate::lang::said;
use crate::time::Zone;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let lang = app.options.lang;
    let title = match &app.log.search {
        Some(search) if !search.typing => return render_matches(frame, area, app, search, theme),
        Some(search) => said!(lang, "ui.log.typing", query = search.query),
        None => match app.log.scrolled {
            true => said!(lang, "ui.log.scrolled"),
            false => said!(lang, "ui.log.following"),
        },
    };
    let title = format!(" {title} ");
    let widget = TuiLoggerWidget::default()
        .block(panel(
            title,
            is_focused(app, Focus::Log) || app.log.search.is_some(),
            theme,
        ))
        .formatter(Box::new(PanelFormatter {
            naming: app.naming(),
            zone: app.server.zone,
            theme: *theme,
        }))
        .style(theme.base)
        .state(&app.log.widget);
    frame.render_widget(widget, area);
}

/// `hh:mm:ss L message`, wrapped under the message, in the level's style; the time in `zone`.
struct PanelFormatter {
    naming: Naming,
    zone: Zone,
    theme: Theme,
}

impl LogFormatter for PanelFormatter {
    fn min_width(&self) -> u16 {
        20
    }

    fn format(&self, width: usize, record: &ExtLogRecord) -> Vec<Line<'_>> {
        let (style, letter): (Style, &str) = match record.level {
            log::Level::Error => (self.theme.log_error, "E"),
            log::Level::Warn => (self.theme.log_warn, "W"),
            log::Level::Info => (self.theme.log_info, "I"),
            log::Level::Debug | log::Level::Trace => (self.theme.log_info, "D"),
        };
        let message = self.naming.render(record.msg());
        let logged_at = record.timestamp.timestamp().as_second();
        let prefix = format!("{} {letter} ", self.zone.hms(logged_at));
        let room = width.saturating_sub(prefix.len()).max(1);
        let characters: Vec<char> = message.chars().collect();
        let mut lines = Vec::new();
        for (index, piece) in characters.chunks(room).enumerate() {
            let lead = if index == 0 {
                prefix.clone()
            } else {
                " ".repeat(prefix.len())
            };
            lines.push(Line::from(vec![
                Span::styled(lead, style),
                Span::styled(piece.iter().collect::<String>(), style),
            ]));
        }
        if lines.is_empty() {
            lines.push(Line::styled(prefix, style));
        }
        lines
    }
}

/// The lines that matched a search, the current one in the middle, the query highlighted.
fn render_matches(frame: &mut Frame, area: Rect, app: &App, search: &Search, theme: &Theme) {
    let total = search.matches.len();
    let (lang, current, query) = (app.options.lang, search.current + 1, &search.query);
    let title = if search.is_whole_log() {
        said!(lang, "ui.log.whole", current = current, total = total)
    } else if total == 0 {
        said!(lang, "ui.log.no_match", query = query)
    } else {
        said!(
            lang,
            "ui.log.matches",
            query = query,
            current = current,
            total = total
        )
    };
    let title = format!(" {title} ");
    let block = panel(title, true, theme);
    let rows = block.inner(area).height as usize;
    let first = search
        .current
        .saturating_sub(rows / 2)
        .min(total.saturating_sub(rows));
    let naming = app.naming();
    let lines: Vec<Line> = search
        .matches
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(index, line)| {
            let message = naming.render(&line.message);
            let marker = if index == search.current { ">" } else { " " };
            let at = app.server.zone.hms(line.at);
            let mut spans = vec![Span::styled(format!("{marker}{at} "), theme.label)];
            spans.extend(highlighted(&message, &search.query, theme));
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block).style(theme.base), area);
}

/// `text` in spans, with every occurrence of `query` (ignoring ASCII case) highlighted.
fn highlighted(text: &str, query: &str, theme: &Theme) -> Vec<Span<'static>> {
    let (haystack, needle) = (text.to_ascii_lowercase(), query.to_ascii_lowercase());
    let mut spans = Vec::new();
    let mut from = 0;
    while let Some(found) = (!needle.is_empty())
        .then(|| haystack[from..].find(&needle))
        .flatten()
    {
        let start = from + found;
        let end = start + needle.len();
        spans.push(Span::styled(text[from..start].to_string(), theme.log_warn));
        spans.push(Span::styled(text[start..end].to_string(), theme.selected));
        from = end;
    }
    spans.push(Span::styled(text[from..].to_string(), theme.log_warn));
    spans
}
