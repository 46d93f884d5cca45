//! A table pane (the clients, or the machines): which row is selected, by key, so the selection
//! stays on its row while rows come and go, and how far the table is scrolled.

use ratatui::widgets::TableState;

use crate::dashboard::bindings::Action;

/// Rows moved by PageUp/PageDown.
const PAGE: usize = 10;

#[derive(Debug)]
pub struct TablePane<K> {
    /// The selected row's key.
    pub selected: Option<K>,
    /// The scroll offset, as the table was last drawn.
    pub state: TableState,
}

impl<K> Default for TablePane<K> {
    fn default() -> TablePane<K> {
        TablePane {
            selected: None,
            state: TableState::default(),
        }
    }
}

impl<K: Copy + PartialEq> TablePane<K> {
    /// Where the selected row is among `keys`.
    pub fn index(&self, keys: &[K]) -> Option<usize> {
        let selected = self.selected?;
        keys.iter().position(|&key| key == selected)
    }

    /// New rows: the selection stays on its row; if that row left, the row that took its place
    /// (or the new last) is selected.
    pub fn follow(&mut self, old_index: Option<usize>, keys: &[K]) {
        if self.index(keys).is_some() {
            return;
        }
        self.selected = match keys.len() {
            0 => None,
            rows => Some(keys[old_index.unwrap_or(0).min(rows - 1)]),
        };
    }

    /// Moves the selection on a key: a row, a page, or to either end.
    pub fn step(&mut self, action: Action, keys: &[K]) {
        let Some(last) = keys.len().checked_sub(1) else {
            return;
        };
        let current = self.index(keys).unwrap_or(0);
        let index = match action {
            Action::Up => current.saturating_sub(1),
            Action::Down => (current + 1).min(last),
            Action::PageUp => current.saturating_sub(PAGE),
            Action::PageDown => (current + PAGE).min(last),
            Action::Home => 0,
            Action::End => last,
            _ => current,
        };
        self.selected = Some(keys[index]);
    }

    /// A click on the `row`th row shown (0: the first below the header).
    pub fn click(&mut self, row: usize, keys: &[K]) {
        if let Some(&key) = keys.get(row + self.state.offset()) {
            self.selected = Some(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_selection_follows_its_row_and_falls_back_to_the_row_in_its_place() {
        let mut pane = TablePane::default();
        pane.follow(None, &[1, 2, 3]);
        assert_eq!(pane.selected, Some(1));
        pane.step(Action::Down, &[1, 2, 3]);
        let old = pane.index(&[1, 2, 3]);
        pane.follow(old, &[2, 3, 4]);
        assert_eq!((pane.selected, pane.index(&[2, 3, 4])), (Some(2), Some(0)));
        let old = pane.index(&[2, 3, 4]);
        pane.follow(old, &[3, 4]);
        assert_eq!(pane.selected, Some(3));
        pane.follow(Some(5), &[9]);
        assert_eq!(pane.selected, Some(9), "past the end: the new last row");
        pane.follow(Some(0), &[]);
        assert_eq!(pane.selected, None);
    }
}
