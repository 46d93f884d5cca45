//! The config file (TOML): defaults for every server flag, and key bindings for the dashboard.
//!
//! ```toml
//! port = 45000
//! tz = "Asia/Jakarta"
//! theme = "high-contrast"
//! allow = ["172.16.16.0/24"]
//! privacy = true
//!
//! [keys]
//! kick = "x"
//! pause = "space"
//! ```
//!
//! A flag's key is its long name; flags on the command line win. Any mistake names the file,
//! the line and the key, and jamtui does not start with half a config.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::{CommandFactory, Parser};
use crossterm::event::KeyCode;
use toml::Spanned;

use super::{Cli, one_line_error};
use crate::dashboard::bindings::{self, Action};

/// What a config file says.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ConfigFile {
    /// The file's settings, each as its flag's long name and its command-line arguments, to go
    /// before the user's own.
    pub settings: Vec<(String, Vec<String>)>,
    /// Extra key bindings, consulted before the built-in ones.
    pub keys: Vec<(KeyCode, Action)>,
}

#[derive(Debug, thiserror::Error)]
#[error("config file {path}, line {line}: {message}")]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: usize,
    pub message: String,
}

/// `~/.config/jamtui/config.toml` (the platform's config directory).
pub fn default_path() -> Option<PathBuf> {
    dirs::config_dir().map(|dir| dir.join("jamtui").join("config.toml"))
}

/// Reads and checks a config file. A missing file is an empty config unless `must_exist`.
pub fn load(path: &Path, must_exist: bool) -> anyhow::Result<ConfigFile> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(parse(&text, path)?),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound && !must_exist => {
            Ok(ConfigFile::default())
        }
        Err(error) => Err(anyhow::anyhow!(
            "cannot read the config file {}: {error}",
            path.display()
        )),
    }
}

/// The keys a config file may set: every server flag but these.
const NOT_IN_CONFIG: [&str; 3] = ["config", "help", "version"];

pub fn parse(text: &str, path: &Path) -> Result<ConfigFile, ConfigError> {
    let fail = |at: usize, message: String| ConfigError {
        path: path.to_path_buf(),
        line: text[..at.min(text.len())].matches('\n').count() + 1,
        message,
    };
    let table: BTreeMap<Spanned<String>, Spanned<toml::Value>> =
        toml::from_str(text).map_err(|error| {
            let at = error.span().map_or(0, |span| span.start);
            fail(at, error.message().trim().to_string())
        })?;
    let command = Cli::command();
    let mut config = ConfigFile::default();
    for (key, value) in table {
        let at = key.span().start;
        let (key, value) = (key.into_inner(), value.into_inner());
        if key == "keys" {
            config.keys = parse_keys(&value).map_err(|mistake| {
                // On the entry's own line, not the [keys] header's.
                let entry = mistake.entry.and_then(|name| entry_offset(text, &name));
                fail(entry.unwrap_or(at), mistake.message)
            })?;
            continue;
        }
        let flag = command
            .get_arguments()
            .find(|arg| {
                arg.get_long() == Some(key.as_str()) && !NOT_IN_CONFIG.contains(&key.as_str())
            })
            .ok_or_else(|| {
                let known: Vec<&str> = command
                    .get_arguments()
                    .filter_map(|arg| arg.get_long())
                    .filter(|long| !NOT_IN_CONFIG.contains(long))
                    .collect();
                fail(
                    at,
                    format!(
                        "unknown key '{key}'; the keys are [keys] and {}",
                        known.join(", ")
                    ),
                )
            })?;
        let args = as_args(&key, &value, flag.get_action().takes_values())
            .map_err(|message| fail(at, format!("'{key}': {message}")))?;
        // Each setting is checked alone, so an error can name its line.
        Cli::try_parse_from(std::iter::once("jamtui".to_string()).chain(args.iter().cloned()))
            .map_err(|error| {
                let message = one_line_error(&error, &[] as &[&str]);
                let message = message.trim_start_matches("error: ");
                let message = message.split("; see '").next().unwrap_or(message);
                fail(at, format!("'{key}': {message}"))
            })?;
        config.settings.push((key, args));
    }
    Ok(config)
}

/// A setting as command-line arguments: `port = 0` is `--port 0`, `privacy = true` is
/// `--privacy`, a list repeats the flag.
fn as_args(key: &str, value: &toml::Value, takes_value: bool) -> Result<Vec<String>, String> {
    let flag = format!("--{key}");
    match value {
        toml::Value::Boolean(on) if !takes_value => Ok(if *on { vec![flag] } else { vec![] }),
        _ if !takes_value => Err("write true or false".into()),
        toml::Value::String(text) => Ok(vec![flag, text.clone()]),
        toml::Value::Integer(number) => Ok(vec![flag, number.to_string()]),
        toml::Value::Float(number) => Ok(vec![flag, number.to_string()]),
        toml::Value::Array(items) => items
            .iter()
            .map(|item| match item {
                toml::Value::String(text) => Ok(vec![flag.clone(), text.clone()]),
                toml::Value::Integer(number) => Ok(vec![flag.clone(), number.to_string()]),
                _ => Err("a list may hold only strings and numbers".to_string()),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|pairs| pairs.concat()),
        _ => Err("write a string, a number or a list".into()),
    }
}

/// A mistake in `[keys]`, and the entry it is in, if any.
struct KeysMistake {
    entry: Option<String>,
    message: String,
}

/// The `[keys]` table: action = "key".
fn parse_keys(value: &toml::Value) -> Result<Vec<(KeyCode, Action)>, KeysMistake> {
    let toml::Value::Table(table) = value else {
        return Err(KeysMistake {
            entry: None,
            message: "[keys] must be a table of action = \"key\"".into(),
        });
    };
    let mut keys = Vec::new();
    for (name, key) in table {
        let action = Action::named(name).ok_or_else(|| {
            let message = format!(
                "[keys]: unknown action '{name}'; the actions are {}",
                bindings::action_names().collect::<Vec<_>>().join(", ")
            );
            KeysMistake {
                entry: Some(name.clone()),
                message,
            }
        })?;
        let code = key.as_str().and_then(bindings::key_named).ok_or_else(|| {
            let message = format!(
                "[keys] {name}: {key} is not a key; write a character, or {}",
                bindings::key_words().collect::<Vec<_>>().join(", ")
            );
            KeysMistake {
                entry: Some(name.clone()),
                message,
            }
        })?;
        keys.push((code, action));
    }
    Ok(keys)
}

/// Where the `[keys]` entry `name` starts in the file's text.
fn entry_offset(text: &str, name: &str) -> Option<usize> {
    let document = toml::de::DeTable::parse(text).ok()?;
    let keys = document.get_ref().get("keys")?;
    let toml::de::DeValue::Table(table) = keys.get_ref() else {
        return None;
    };
    table
        .keys()
        .find(|key| key.get_ref().as_ref() == name)
        .map(|key| key.span().start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<ConfigFile, ConfigError> {
        parse(text, Path::new("/etc/jamtui.toml"))
    }

    fn error(text: &str) -> String {
        parsed(text).unwrap_err().to_string()
    }

    #[test]
    fn a_good_file_becomes_arguments_and_key_bindings() {
        let config = parsed(
            "port = 0\nbind = \"127.0.0.1\"\nprivacy = true\nquiet = false\nallow = [\"10.0.0.0/8\", \"127.0.0.1\"]\ndelay = \"250ms\"\n\n[keys]\nkick = \"x\"\npause = \"space\"\nquit = \"Q\"\n",
        )
        .unwrap();
        let args: Vec<&str> = config
            .settings
            .iter()
            .flat_map(|(_, args)| args.iter().map(String::as_str))
            .collect();
        assert_eq!(
            args,
            [
                "--allow",
                "10.0.0.0/8",
                "--allow",
                "127.0.0.1",
                "--bind",
                "127.0.0.1",
                "--delay",
                "250ms",
                "--port",
                "0",
                "--privacy"
            ]
        );
        assert_eq!(
            config.keys,
            [
                (KeyCode::Char('x'), Action::Kick),
                (KeyCode::Char(' '), Action::TogglePause),
                (KeyCode::Char('Q'), Action::Quit)
            ]
        );
    }

    #[test]
    fn each_kind_of_mistake_names_the_file_the_line_and_the_key() {
        let syntax = error("port = 1\ntheme = \"dark\n");
        assert!(
            syntax.starts_with("config file /etc/jamtui.toml, line 2:"),
            "{syntax}"
        );

        let unknown = error("port = 1\n\ncolour = \"red\"\n");
        assert!(
            unknown.contains("line 3") && unknown.contains("unknown key 'colour'"),
            "{unknown}"
        );
        assert!(unknown.contains("theme"), "it lists the keys: {unknown}");

        let bad_value = error("theme = \"purple\"\n");
        assert!(
            bad_value.contains("line 1")
                && bad_value.contains("'theme'")
                && bad_value.contains("purple"),
            "{bad_value}"
        );

        let bad_number = error("\nport = 70000\n");
        assert!(
            bad_number.contains("line 2") && bad_number.contains("'port'"),
            "{bad_number}"
        );

        let bad_type = error("privacy = \"yes\"\n");
        assert!(
            bad_type.contains("'privacy'") && bad_type.contains("true or false"),
            "{bad_type}"
        );

        let bad_action = error("[keys]\nkick = \"x\"\nexplode = \"x\"\n");
        assert!(
            bad_action.contains("unknown action 'explode'") && bad_action.contains("kick"),
            "{bad_action}"
        );
        assert!(
            bad_action.contains("line 3"),
            "the entry's own line: {bad_action}"
        );

        let bad_key = error("port = 1\n\n[keys]\npause = \"p\"\nkick = \"F13-ish\"\n");
        assert!(
            bad_key.contains("[keys] kick") && bad_key.contains("not a key"),
            "{bad_key}"
        );
        assert!(
            bad_key.contains("line 5"),
            "the entry's own line: {bad_key}"
        );

        let not_settable = error("help = true\n");
        assert!(
            not_settable.contains("unknown key 'help'"),
            "{not_settable}"
        );
    }

    #[test]
    fn a_missing_default_file_is_no_config_but_a_missing_named_one_is_an_error() {
        let missing = Path::new("/nonexistent/jamtui/config.toml");
        assert_eq!(load(missing, false).unwrap(), ConfigFile::default());
        assert!(
            load(missing, true)
                .unwrap_err()
                .to_string()
                .contains("cannot read")
        );
    }
}
