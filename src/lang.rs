//! The language people read jamtui in: English or Bahasa Indonesia, the class's own. Every text
//! a person reads is in `assets/locales/texts.yml`, both languages side by side under one key;
//! `said!(lang, key, name = value)` looks it up (rust-i18n's `t!`, compiled in). What machines read
//! (rule ids, JSON keys, CSV headers, exit statuses, the server's `WARNING:root:` log) is the
//! same in every language and is not there.

/// The text of `key` in `lang` (a [`Lang`]), its `%{name}` blanks filled: an owned `String`.
macro_rules! said {
    ($lang:expr, $key:expr $(, $name:ident = $value:expr)* $(,)?) => {
        rust_i18n::t!($key, locale = $lang.code() $(, $name = $value)*).into_owned()
    };
}
pub(crate) use said;

/// A language jamtui speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    /// English
    #[default]
    En,
    /// Bahasa Indonesia
    Id,
}

impl Lang {
    /// The language's code in `texts.yml`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Id => "id",
        }
    }

    /// A number written in English (`1.5`) as the language writes it: Indonesian writes `1,5`,
    /// a point there separating thousands.
    pub fn decimals(self, english: String) -> String {
        match self {
            Lang::En => english,
            Lang::Id => english.replace('.', ","),
        }
    }

    /// The language the environment asks for: the first of `LC_ALL`, `LC_MESSAGES` and `LANG`
    /// that is set (as the C library reads them), Indonesian when it starts with `id`
    /// (`id_ID.UTF-8`), else English.
    pub fn from_env() -> Lang {
        Lang::from_vars(|name| std::env::var(name).ok())
    }

    fn from_vars(var: impl Fn(&str) -> Option<String>) -> Lang {
        let asked = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .into_iter()
            .find_map(|name| var(name).filter(|value| !value.is_empty()));
        match asked {
            Some(locale) if locale.starts_with("id") => Lang::Id,
            _ => Lang::En,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    /// Every key of `texts.yml` with its languages.
    fn texts() -> BTreeMap<String, BTreeMap<String, String>> {
        let file = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/locales/texts.yml");
        let mut all: BTreeMap<String, serde_yaml::Value> =
            serde_yaml::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        assert_eq!(all.remove("_version"), Some(serde_yaml::Value::from(2)));
        all.into_iter()
            .map(|(key, languages)| (key, serde_yaml::from_value(languages).unwrap()))
            .collect()
    }

    /// The `%{name}`s a text is filled with.
    fn blanks(text: &str) -> BTreeSet<&str> {
        text.split("%{")
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect()
    }

    #[test]
    fn every_text_is_in_both_languages_with_the_same_blanks() {
        let texts = texts();
        assert!(!texts.is_empty());
        for (key, languages) in &texts {
            let codes: Vec<&str> = languages.keys().map(String::as_str).collect();
            assert_eq!(codes, ["en", "id"], "{key}");
            assert!(
                languages.values().all(|text| !text.trim().is_empty()),
                "{key}"
            );
            assert_eq!(blanks(&languages["en"]), blanks(&languages["id"]), "{key}");
            // What the program shows is what the file says.
            for lang in [Lang::En, Lang::Id] {
                let shown = crate::_rust_i18n_try_translate(lang.code(), key);
                assert_eq!(
                    shown.as_deref(),
                    Some(languages[lang.code()].as_str()),
                    "{key}"
                );
            }
        }
    }

    static CALL: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"(?:^|[^A-Za-z0-9_])said!\(\s*[^,"]+,\s*"([^"]+)""#).unwrap()
    });

    #[test]
    fn every_key_the_code_names_is_in_the_file() {
        let texts = texts();
        let mut named = 0;
        let mut sources = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))];
        while let Some(path) = sources.pop() {
            if path.is_dir() {
                sources.extend(
                    std::fs::read_dir(&path)
                        .unwrap()
                        .map(|entry| entry.unwrap().path()),
                );
                continue;
            }
            let code = std::fs::read_to_string(&path).unwrap();
            // A literal key given to `said!` (after its language); a key made at run time is
            // checked where it is made.
            for call in CALL.captures_iter(&code) {
                let key = &call[1];
                assert!(
                    texts.contains_key(key),
                    "{}: said!(_, \"{key}\") is not in texts.yml",
                    path.display()
                );
                named += 1;
            }
        }
        assert!(named > 5, "the scan found the keys: {named}");
    }

    fn with(vars: &[(&str, &str)]) -> Lang {
        Lang::from_vars(|name| {
            vars.iter()
                .find(|(set, _)| *set == name)
                .map(|(_, value)| value.to_string())
        })
    }

    #[test]
    fn the_environment_chooses_as_the_c_library_does() {
        assert_eq!(with(&[]), Lang::En);
        assert_eq!(with(&[("LANG", "id_ID.UTF-8")]), Lang::Id);
        assert_eq!(with(&[("LANG", "en_US.UTF-8")]), Lang::En);
        assert_eq!(
            with(&[("LANG", "en_US.UTF-8"), ("LC_MESSAGES", "id_ID")]),
            Lang::Id
        );
        assert_eq!(with(&[("LC_ALL", "C"), ("LANG", "id_ID.UTF-8")]), Lang::En);
        assert_eq!(
            with(&[("LC_ALL", ""), ("LANG", "id")]),
            Lang::Id,
            "empty is unset"
        );
        assert_eq!(with(&[("LANG", "ig_NG")]), Lang::En);
    }
}
