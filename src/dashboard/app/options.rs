//! How the dashboard looks and what it may do: set once, from the command line and the config
//! file.

use std::path::PathBuf;
use std::sync::Arc;

use crossterm::event::KeyCode;

use super::{ClientsView, Names};
use crate::dashboard::ThemeName;
use crate::dashboard::bindings::Action;
use crate::lang::Lang;

/// How the dashboard looks and what it may do; set from the command line and the config file.
#[derive(Debug, Clone)]
pub struct Options {
    pub theme: ThemeName,
    /// Only what stays on screen: no kick, pause, mode, delay, privacy, export or quit by key.
    pub read_only: bool,
    /// Plain-ASCII borders, charts and symbols.
    pub ascii: bool,
    /// Click rows and scroll with the wheel (else the terminal keeps the mouse, to copy text).
    pub mouse: bool,
    /// Where `e` writes, and where the table is written on quitting.
    pub export_on_exit: Option<PathBuf>,
    /// Key bindings from the config file, before the built-in ones.
    pub keys: Vec<(KeyCode, Action)>,
    /// Students' names by machine (`--roster`).
    pub names: Arc<Names>,
    /// What the table lists from the start (`--view`); unset, machines with a roster, else
    /// connections until clients turn out to connect for each request.
    pub view: Option<ClientsView>,
    /// The language of every word on screen but the log's.
    pub lang: Lang,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            theme: ThemeName::Dark,
            read_only: false,
            ascii: false,
            mouse: true,
            export_on_exit: None,
            keys: Vec::new(),
            names: Arc::default(),
            view: None,
            lang: Lang::En,
        }
    }
}
