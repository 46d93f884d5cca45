//! Key bindings: which key means which action, and the help texts that list them.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::dashboard::app::Action;

/// The action a key press asks for: the config file's bindings first, then the built-in ones.
/// Key releases are ignored.
pub fn action(key: KeyEvent, custom: &[(KeyCode, Action)]) -> Option<Action> {
    if key.kind != KeyEventKind::Press {
        return None;
    }
    if let Some((_, action)) = custom.iter().find(|(code, _)| *code == key.code)
        && !key.modifiers.contains(KeyModifiers::CONTROL)
    {
        return Some(*action);
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return matches!(key.code, KeyCode::Char('c')).then_some(Action::Quit);
    }
    Some(match key.code {
        KeyCode::Up => Action::Up,
        KeyCode::Down => Action::Down,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::PageDown => Action::PageDown,
        KeyCode::Home => Action::Home,
        KeyCode::End => Action::End,
        KeyCode::Char('k') | KeyCode::Delete => Action::Kick,
        KeyCode::Char('p') | KeyCode::Char(' ') => Action::TogglePause,
        KeyCode::Tab | KeyCode::BackTab => Action::ToggleFocus,
        KeyCode::Char('v') => Action::ToggleClientsView,
        KeyCode::Char('t') => Action::CycleTheme,
        KeyCode::Char('m') => Action::CycleMode,
        KeyCode::Char('+') | KeyCode::Char('=') => Action::MoreDelay,
        KeyCode::Char('-') => Action::LessDelay,
        KeyCode::Enter => Action::OpenConversation,
        KeyCode::Char('f') => Action::ToggleFreeze,
        KeyCode::Char('h') => Action::TogglePrivacy,
        KeyCode::Char('e') => Action::Export,
        KeyCode::Char('/') => Action::StartSearch,
        KeyCode::Char('n') => Action::NextMatch,
        KeyCode::Char('N') => Action::PreviousMatch,
        KeyCode::Char('l') => Action::CycleLogLevel,
        KeyCode::Char('?') => Action::ToggleHelp,
        KeyCode::Esc => Action::Back,
        KeyCode::Char('q') => Action::Quit,
        _ => return None,
    })
}

/// A key as the footer writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FooterKey {
    Text(&'static str),
    /// The arrow keys and Enter, whose symbols depend on `--ascii`.
    UpDown,
    Enter,
}

/// The footer: the keys a newcomer needs; the bool says whether read-only mode disables the key.
pub const FOOTER: [(FooterKey, &str, bool); 10] = [
    (FooterKey::UpDown, "select", false),
    (FooterKey::Text("k"), "kick", true),
    (FooterKey::Text("p"), "pause", true),
    (FooterKey::Text("m"), "mode", true),
    (FooterKey::Text("+-"), "delay", true),
    (FooterKey::Enter, "talk", false),
    (FooterKey::Text("f"), "freeze", false),
    (FooterKey::Text("h"), "hide", false),
    (FooterKey::Text("?"), "help", false),
    (FooterKey::Text("q"), "quit", false),
];

/// The help overlay: every key.
pub const HELP: [(&str, &str); 18] = [
    ("Up / Down", "select a client (or scroll the log)"),
    ("PgUp / PgDn", "move a page"),
    ("Home / End", "first / last client (End: log follows)"),
    ("v", "clients table: connections / machines (by IP)"),
    ("k, Delete", "kick the selected client (or machine)"),
    ("p, Space", "pause / resume serving (nothing is lost)"),
    ("Tab", "switch focus: clients table / log"),
    ("m", "serving mode: concurrent, sequential, pool"),
    ("+ / -", "processing delay: 0 100ms 250ms 500ms 1s 2s"),
    ("Enter", "the selected client's conversation (Esc closes)"),
    ("f", "freeze the view (the server keeps serving)"),
    ("h", "hide client addresses (privacy, for projectors)"),
    ("e", "export the table on screen as CSV"),
    ("/, n, N", "search the log; next / previous match"),
    ("l", "log levels shown: all, WARN+, INFO+"),
    ("t", "cycle themes: dark, light, high-contrast"),
    ("?", "this help"),
    ("q, Esc, Ctrl-C", "quit (the server shuts down gracefully)"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn builtin(key: KeyEvent) -> Option<Action> {
        action(key, &[])
    }

    #[test]
    fn configured_bindings_come_first_and_the_rest_stay() {
        let custom = [
            (KeyCode::Char('x'), Action::Kick),
            (KeyCode::Char('t'), Action::TogglePause),
        ];
        assert_eq!(
            action(press(KeyCode::Char('x')), &custom),
            Some(Action::Kick)
        );
        assert_eq!(
            action(press(KeyCode::Char('t')), &custom),
            Some(Action::TogglePause)
        );
        assert_eq!(
            action(press(KeyCode::Char('k')), &custom),
            Some(Action::Kick)
        );
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(
            action(ctrl_c, &[(KeyCode::Char('c'), Action::Kick)]),
            Some(Action::Quit)
        );
    }

    #[test]
    fn documented_keys_map_to_their_actions() {
        assert_eq!(builtin(press(KeyCode::Char('k'))), Some(Action::Kick));
        assert_eq!(builtin(press(KeyCode::Delete)), Some(Action::Kick));
        assert_eq!(
            builtin(press(KeyCode::Char('p'))),
            Some(Action::TogglePause)
        );
        assert_eq!(
            builtin(press(KeyCode::Char(' '))),
            Some(Action::TogglePause)
        );
        assert_eq!(builtin(press(KeyCode::Tab)), Some(Action::ToggleFocus));
        assert_eq!(builtin(press(KeyCode::Char('t'))), Some(Action::CycleTheme));
        assert_eq!(builtin(press(KeyCode::Char('m'))), Some(Action::CycleMode));
        assert_eq!(builtin(press(KeyCode::Char('+'))), Some(Action::MoreDelay));
        assert_eq!(builtin(press(KeyCode::Char('-'))), Some(Action::LessDelay));
        assert_eq!(
            builtin(press(KeyCode::Enter)),
            Some(Action::OpenConversation)
        );
        assert_eq!(builtin(press(KeyCode::Char('?'))), Some(Action::ToggleHelp));
        assert_eq!(builtin(press(KeyCode::Char('q'))), Some(Action::Quit));
        assert_eq!(builtin(press(KeyCode::Esc)), Some(Action::Back));
        assert_eq!(
            builtin(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(builtin(press(KeyCode::Char('x'))), None);
    }

    #[test]
    fn releases_are_ignored() {
        let mut release = press(KeyCode::Char('q'));
        release.kind = KeyEventKind::Release;
        assert_eq!(builtin(release), None);
    }
}
