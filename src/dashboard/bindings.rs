//! The one table of the dashboard's actions: each action's default keys, its name in the config
//! file, its line in the help overlay and in the footer, and what it touches. The key handler,
//! the help, the footer, the config file's `[keys]` and `--read-only` all read this table, so an
//! action added here is known to all of them.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    Kick,
    TogglePause,
    ToggleFocus,
    /// The clients table lists connections, or machines (their connections added up).
    ToggleClientsView,
    /// The table's rows with something wrong first (errors, a line never ended, waiting).
    ToggleProblemsFirst,
    CycleTheme,
    /// Concurrent → sequential → pool → concurrent.
    CycleMode,
    /// The processing delay, a step up or down.
    MoreDelay,
    LessDelay,
    /// The selected client's conversation.
    OpenConversation,
    /// In the conversation: the requests and replies, or the bytes as they arrived.
    ToggleBytes,
    /// Stop updating the screen (the server goes on serving).
    ToggleFreeze,
    /// Hide client addresses (privacy mode).
    TogglePrivacy,
    /// Write the table on screen as CSV.
    Export,
    /// Search the log; then the next and previous match.
    StartSearch,
    NextMatch,
    PreviousMatch,
    ToggleHelp,
    /// Closes the help, the search or the conversation if one is open, else quits.
    Back,
    Quit,
}

/// What an action reaches beyond the screen. `--read-only` allows only `View`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Touches {
    /// Only what this screen shows.
    View,
    /// The server: its clients, pause, mode or delay.
    Server,
    /// Files on disk.
    Disk,
    /// Whether client addresses are shown.
    Privacy,
    /// Ends the dashboard and the server with it.
    Quitting,
}

/// Where the footer offers a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FooterWhere {
    /// Over the tables.
    Main,
    /// While a conversation is open.
    Conversation,
    Everywhere,
}

impl FooterWhere {
    /// Whether an entry offered here is shown when a conversation is open or not.
    pub fn shows(self, in_conversation: bool) -> bool {
        match self {
            FooterWhere::Main => !in_conversation,
            FooterWhere::Conversation => in_conversation,
            FooterWhere::Everywhere => true,
        }
    }
}

/// A key as the footer writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FooterKey {
    Text(&'static str),
    /// The arrow keys and Enter, whose symbols depend on `--ascii`.
    UpDown,
    Enter,
}

pub struct Binding {
    pub action: Action,
    /// The action's name in the config file's `[keys]`; `None`: not bindable.
    pub name: Option<&'static str>,
    pub keys: &'static [KeyCode],
    /// The help overlay's row: the keys as written, and the key in `texts.yml` of what they do.
    /// `None`: the row of the binding before covers it (`Up / Down`).
    pub help: Option<(&'static str, &'static str)>,
    /// The footer's entry, for the keys a newcomer needs: its key, the key of its word in
    /// `texts.yml`, and where it shows.
    pub footer: Option<(FooterKey, &'static str, FooterWhere)>,
    pub touches: Touches,
}

use Action::*;
use KeyCode::{Char, Delete, End as EndKey, Enter, Esc, Home as HomeKey};

const fn binding(action: Action, name: &'static str, keys: &'static [KeyCode]) -> Binding {
    Binding {
        action,
        name: Some(name),
        keys,
        help: None,
        footer: None,
        touches: Touches::View,
    }
}

impl Binding {
    const fn help(mut self, keys: &'static str, what: &'static str) -> Binding {
        self.help = Some((keys, what));
        self
    }

    const fn footer(self, key: FooterKey, label: &'static str) -> Binding {
        self.footer_in(FooterWhere::Main, key, label)
    }

    const fn footer_in(
        mut self,
        place: FooterWhere,
        key: FooterKey,
        label: &'static str,
    ) -> Binding {
        self.footer = Some((key, label, place));
        self
    }

    const fn touches(mut self, touches: Touches) -> Binding {
        self.touches = touches;
        self
    }
}

/// Every action, in the order the help lists them.
pub const BINDINGS: [Binding; 26] = [
    binding(Up, "up", &[KeyCode::Up])
        .help("Up / Down", "ui.help.up")
        .footer(FooterKey::UpDown, "ui.footer.up"),
    binding(Down, "down", &[KeyCode::Down]),
    binding(PageUp, "page-up", &[KeyCode::PageUp]).help("PgUp / PgDn", "ui.help.page-up"),
    binding(PageDown, "page-down", &[KeyCode::PageDown]),
    binding(Home, "first", &[HomeKey]).help("Home / End", "ui.help.first"),
    binding(End, "last", &[EndKey]),
    binding(ToggleClientsView, "machines", &[Char('v')]).help("v", "ui.help.machines"),
    binding(Kick, "kick", &[Char('k'), Delete])
        .help("k, Delete", "ui.help.kick")
        .footer(FooterKey::Text("k"), "ui.footer.kick")
        .touches(Touches::Server),
    binding(TogglePause, "pause", &[Char('p'), Char(' ')])
        .help("p, Space", "ui.help.pause")
        .footer(FooterKey::Text("p"), "ui.footer.pause")
        .touches(Touches::Server),
    binding(ToggleFocus, "focus", &[KeyCode::Tab, KeyCode::BackTab]).help("Tab", "ui.help.focus"),
    binding(CycleMode, "mode", &[Char('m')])
        .help("m", "ui.help.mode")
        .footer(FooterKey::Text("m"), "ui.footer.mode")
        .touches(Touches::Server),
    binding(MoreDelay, "more-delay", &[Char('+'), Char('=')])
        .help("+ / -", "ui.help.more-delay")
        .footer(FooterKey::Text("+-"), "ui.footer.more-delay")
        .touches(Touches::Server),
    binding(LessDelay, "less-delay", &[Char('-')]).touches(Touches::Server),
    binding(OpenConversation, "conversation", &[Enter])
        .help("Enter", "ui.help.conversation")
        .footer(FooterKey::Enter, "ui.footer.conversation"),
    binding(ToggleBytes, "bytes", &[Char('b')])
        .help("b", "ui.help.bytes")
        .footer_in(
            FooterWhere::Conversation,
            FooterKey::Text("b"),
            "ui.footer.bytes",
        ),
    binding(ToggleFreeze, "freeze", &[Char('f')])
        .help("f", "ui.help.freeze")
        .footer(FooterKey::Text("f"), "ui.footer.freeze"),
    binding(TogglePrivacy, "privacy", &[Char('h')])
        .help("h", "ui.help.privacy")
        .footer(FooterKey::Text("h"), "ui.footer.privacy")
        .touches(Touches::Privacy),
    binding(Export, "export", &[Char('e')])
        .help("e", "ui.help.export")
        .touches(Touches::Disk),
    binding(StartSearch, "search", &[Char('/')]).help("/, n, N", "ui.help.search"),
    binding(NextMatch, "next-match", &[Char('n')]),
    binding(PreviousMatch, "previous-match", &[Char('N')]),
    binding(ToggleProblemsFirst, "problems-first", &[Char('s')])
        .help("s", "ui.help.problems-first"),
    binding(CycleTheme, "theme", &[Char('t')]).help("t", "ui.help.theme"),
    binding(ToggleHelp, "help", &[Char('?')])
        .help("?", "ui.help.help")
        .footer_in(
            FooterWhere::Everywhere,
            FooterKey::Text("?"),
            "ui.footer.help",
        ),
    Binding {
        name: None,
        ..binding(Back, "", &[Esc]).footer_in(
            FooterWhere::Conversation,
            FooterKey::Text("Esc"),
            "ui.footer.back",
        )
    },
    binding(Quit, "quit", &[Char('q')])
        .help("q, Esc, Ctrl-C", "ui.help.quit")
        .footer_in(
            FooterWhere::Everywhere,
            FooterKey::Text("q"),
            "ui.footer.quit",
        )
        .touches(Touches::Quitting),
];

impl Action {
    pub fn binding(self) -> &'static Binding {
        BINDINGS
            .iter()
            .find(|binding| binding.action == self)
            .expect("every action is in BINDINGS")
    }

    /// What the action reaches beyond the screen.
    pub fn touches(self) -> Touches {
        self.binding().touches
    }

    /// Whether `--read-only` lets the action through.
    pub fn allowed_read_only(self) -> bool {
        self.touches() == Touches::View
    }

    /// What the action does instead when it has nothing to do: Esc, with no panel, help or
    /// search open to close, quits.
    pub fn when_nothing_is_open(self) -> Action {
        match self {
            Back => Quit,
            action => action,
        }
    }

    /// The action the config file calls `name`.
    pub fn named(name: &str) -> Option<Action> {
        BINDINGS
            .iter()
            .find(|binding| binding.name == Some(name))
            .map(|binding| binding.action)
    }
}

/// The names the config file's `[keys]` takes, in the table's order.
pub fn action_names() -> impl Iterator<Item = &'static str> {
    BINDINGS.iter().filter_map(|binding| binding.name)
}

/// Whether a key press is Ctrl-C: the terminal's interrupt, which always quits (like SIGINT),
/// even in read-only mode.
pub fn is_interrupt(key: &KeyEvent) -> bool {
    key.kind == KeyEventKind::Press
        && key.modifiers.contains(KeyModifiers::CONTROL)
        && key.code == Char('c')
}

/// The action a key press asks for: the config file's bindings first, then the built-in ones.
/// Key releases and other Control chords are ignored.
pub fn action(key: KeyEvent, custom: &[(KeyCode, Action)]) -> Option<Action> {
    if key.kind != KeyEventKind::Press || key.modifiers.contains(KeyModifiers::CONTROL) {
        return None;
    }
    if let Some((_, action)) = custom.iter().find(|(code, _)| *code == key.code) {
        return Some(*action);
    }
    BINDINGS
        .iter()
        .find(|binding| binding.keys.contains(&key.code))
        .map(|binding| binding.action)
}

/// The keys a config file names by a word; any other key is its character.
const KEY_NAMES: [(&str, KeyCode); 11] = [
    ("space", Char(' ')),
    ("enter", Enter),
    ("tab", KeyCode::Tab),
    ("delete", Delete),
    ("backspace", KeyCode::Backspace),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("pageup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("home", HomeKey),
    ("end", EndKey),
];

/// The words `key_named` knows, for an error message.
pub fn key_words() -> impl Iterator<Item = &'static str> {
    KEY_NAMES.iter().map(|(name, _)| *name)
}

/// A key as a config file writes it: one character, or a word such as `space`.
pub fn key_named(name: &str) -> Option<KeyCode> {
    let mut characters = name.chars();
    if let (Some(c), None) = (characters.next(), characters.next()) {
        return Some(Char(c));
    }
    let name = name.to_ascii_lowercase();
    KEY_NAMES
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, code)| *code)
}

/// A key as people read it: `k`, `Space`, `Delete`, `Esc`.
fn key_shown(code: KeyCode) -> String {
    match code {
        Char(' ') => "Space".to_string(),
        Char(c) => c.to_string(),
        Esc => "Esc".to_string(),
        Delete => "Delete".to_string(),
        other => other.to_string(),
    }
}

/// `--read-only`'s help, from the table: the actions it turns off, each with its keys.
pub fn read_only_help() -> String {
    let refused = BINDINGS.iter().filter_map(|binding| {
        let action = binding.action;
        if action.allowed_read_only() {
            return None;
        }
        // Keys whose action falls back to this one count as its keys too (Esc, for quit).
        let falling_back = BINDINGS.iter().filter(|other| {
            other.action != action && other.action.when_nothing_is_open() == action
        });
        let keys = std::iter::once(binding)
            .chain(falling_back)
            .flat_map(|other| other.keys.iter().copied())
            .map(key_shown);
        Some(format!(
            "{} ({})",
            binding.name.unwrap_or("?"),
            keys.collect::<Vec<_>>().join(" ")
        ))
    });
    format!(
        "For a shared screen: the dashboard's keys change only the view; off are {}. Ctrl-C still quits",
        refused.collect::<Vec<_>>().join(", ")
    )
}

/// Bindings as a config file would write them: `x kick, space pause`.
pub fn describe(keys: &[(KeyCode, Action)]) -> String {
    let described = keys.iter().filter_map(|(code, action)| {
        let name = action.binding().name?;
        let key = match KEY_NAMES.iter().find(|(_, known)| known == code) {
            Some((key, _)) => (*key).to_string(),
            None => code.as_char()?.to_string(),
        };
        Some(format!("{key} {name}"))
    });
    described.collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_names_every_action_the_config_file_binds() {
        let readme = include_str!("../../README.md");
        let flat = readme.split_whitespace().collect::<Vec<_>>().join(" ");
        let names = action_names().collect::<Vec<_>>().join(", ");
        assert!(
            flat.contains(&format!("actions ({names})")),
            "README.md's [keys] paragraph should list: {names}"
        );
    }

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn builtin(key: KeyEvent) -> Option<Action> {
        action(key, &[])
    }

    #[test]
    fn every_action_has_one_binding_and_no_key_is_bound_twice() {
        for (index, binding) in BINDINGS.iter().enumerate() {
            assert_eq!(
                binding.action.binding().action,
                binding.action,
                "{:?} listed twice",
                binding.action
            );
            for key in binding.keys {
                let first = BINDINGS.iter().position(|b| b.keys.contains(key));
                assert_eq!(first, Some(index), "{key:?} bound twice");
            }
        }
        let names: Vec<&str> = action_names().collect();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(names.len(), unique.len(), "a config name used twice");
    }

    #[test]
    fn read_only_allows_only_what_stays_on_screen() {
        let refused: Vec<Action> = BINDINGS
            .iter()
            .map(|binding| binding.action)
            .filter(|action| !action.allowed_read_only())
            .collect();
        assert_eq!(
            refused,
            [
                Kick,
                TogglePause,
                CycleMode,
                MoreDelay,
                LessDelay,
                TogglePrivacy,
                Export,
                Quit
            ]
        );
    }

    #[test]
    fn every_help_row_and_footer_word_is_written_in_both_languages() {
        for binding in &BINDINGS {
            let help = binding.help.map(|(_, key)| key);
            let footer = binding.footer.map(|(_, key, _)| key);
            for key in help.into_iter().chain(footer) {
                for lang in ["en", "id"] {
                    assert!(
                        crate::_rust_i18n_try_translate(lang, key).is_some(),
                        "{key} {lang}"
                    );
                }
            }
        }
    }

    #[test]
    fn read_only_help_names_every_key_it_turns_off() {
        assert_eq!(
            read_only_help(),
            "For a shared screen: the dashboard's keys change only the view; off are kick (k Delete), pause (p Space), mode (m), more-delay (+ =), less-delay (-), privacy (h), export (e), quit (q Esc). Ctrl-C still quits"
        );
    }

    #[test]
    fn configured_bindings_come_first_and_the_rest_stay() {
        let custom = [(Char('x'), Kick), (Char('t'), TogglePause)];
        assert_eq!(action(press(Char('x')), &custom), Some(Kick));
        assert_eq!(action(press(Char('t')), &custom), Some(TogglePause));
        assert_eq!(action(press(Char('k')), &custom), Some(Kick));
        let ctrl_c = KeyEvent::new(Char('c'), KeyModifiers::CONTROL);
        assert_eq!(action(ctrl_c, &[(Char('c'), Kick)]), None);
        assert!(is_interrupt(&ctrl_c));
    }

    #[test]
    fn documented_keys_map_to_their_actions() {
        for (code, expected) in [
            (Char('k'), Kick),
            (Delete, Kick),
            (Char('p'), TogglePause),
            (Char(' '), TogglePause),
            (KeyCode::Tab, ToggleFocus),
            (Char('t'), CycleTheme),
            (Char('m'), CycleMode),
            (Char('+'), MoreDelay),
            (Char('-'), LessDelay),
            (Enter, OpenConversation),
            (Char('?'), ToggleHelp),
            (Char('q'), Quit),
            (Esc, Back),
            (Char('h'), TogglePrivacy),
            (Char('e'), Export),
        ] {
            assert_eq!(builtin(press(code)), Some(expected), "{code:?}");
        }
        assert_eq!(builtin(press(Char('x'))), None);
    }

    #[test]
    fn releases_are_ignored() {
        let mut release = press(Char('q'));
        release.kind = KeyEventKind::Release;
        assert_eq!(builtin(release), None);
        assert!(!is_interrupt(&KeyEvent {
            kind: KeyEventKind::Release,
            ..KeyEvent::new(Char('c'), KeyModifiers::CONTROL)
        }));
    }

    #[test]
    fn bindings_are_described_as_a_config_file_writes_them() {
        let keys = [
            (Delete, Kick),
            (Char('M'), ToggleClientsView),
            (Char(' '), TogglePause),
        ];
        assert_eq!(describe(&keys), "delete kick, M machines, space pause");
        assert_eq!(key_named("Space"), Some(Char(' ')));
        assert_eq!(key_named("x"), Some(Char('x')));
        assert_eq!(key_named("F13-ish"), None);
    }
}
