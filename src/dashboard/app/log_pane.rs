//! The log pane: tui-logger's scroll state, and a search of the log history.

use tui_logger::{TuiWidgetEvent, TuiWidgetState};

use crate::dashboard::bindings::Action;
use crate::log::{LogHistory, LogLine};

/// Lines moved by PageUp/PageDown through search results.
const PAGE: usize = 10;

/// The log pane's state.
pub struct LogPane {
    /// tui-logger's own state (one for the pane's life: a new one per frame loses scrolling).
    pub widget: TuiWidgetState,
    /// Showing older lines instead of following the newest.
    pub scrolled: bool,
    pub search: Option<Search>,
    /// The recent log lines that `/` searches.
    pub history: LogHistory,
}

impl Default for LogPane {
    fn default() -> LogPane {
        LogPane {
            widget: TuiWidgetState::new(),
            scrolled: false,
            search: None,
            history: LogHistory::default(),
        }
    }
}

impl LogPane {
    /// Scrolls on a key: through the lines shown when a search or the whole log is open, else
    /// tui-logger's view, by pages (End follows the newest line again).
    pub(super) fn scroll(&mut self, action: Action) {
        if let Some(search) = self.search.as_mut().filter(|search| !search.typing) {
            let last = search.matches.len().saturating_sub(1);
            search.current = match action {
                Action::Up => search.current.saturating_sub(1),
                Action::Down => (search.current + 1).min(last),
                Action::PageUp => search.current.saturating_sub(PAGE),
                Action::PageDown => (search.current + PAGE).min(last),
                Action::Home => 0,
                _ => {
                    self.search = None;
                    self.follow();
                    return;
                }
            };
            return;
        }
        let event = match action {
            Action::Up | Action::PageUp => TuiWidgetEvent::PrevPageKey,
            Action::Down | Action::PageDown => TuiWidgetEvent::NextPageKey,
            _ => {
                self.follow();
                return;
            }
        };
        self.widget.transition(event);
        self.scrolled = true;
    }

    fn follow(&mut self) {
        self.widget.transition(TuiWidgetEvent::EscapeKey);
        self.scrolled = false;
    }

    /// Whether keys go to the search prompt rather than to actions.
    pub fn typing(&self) -> bool {
        self.search.as_ref().is_some_and(|search| search.typing)
    }

    pub(super) fn step_match(&mut self, action: Action) {
        if let Some(search) = self.search.as_mut().filter(|s| !s.matches.is_empty()) {
            let last = search.matches.len() - 1;
            search.current = match action {
                Action::NextMatch => (search.current + 1).min(last),
                _ => search.current.saturating_sub(1),
            };
        }
    }
}

/// A log search: the query being typed, then its matches.
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub query: String,
    /// Still typing the query (Enter searches, Esc cancels).
    pub typing: bool,
    pub matches: Vec<LogLine>,
    /// The match shown, an index into `matches`.
    pub current: usize,
}

impl Search {
    /// Every kept line, from the oldest: what Home shows in the log pane (tui-logger's own
    /// view scrolls a page at a time and cannot jump to its first line).
    pub fn whole_log() -> Search {
        Search::default()
    }

    /// Whether this is the whole log rather than the lines matching a query.
    pub fn is_whole_log(&self) -> bool {
        self.query.is_empty()
    }
}
