//! Text for people in the checker's reports: what a roster or a server wrote is escaped before
//! it is shown, and lines are wrapped to fit 80 columns.

use std::borrow::Cow;

/// The width reports are written for.
pub const WIDTH: usize = 80;

/// `text` wrapped to `WIDTH` columns: the first line after `first`, the others after `rest`.
pub fn wrap(text: &str, first: &str, rest: &str) -> Vec<String> {
    let options = textwrap::Options::new(WIDTH)
        .initial_indent(first)
        .subsequent_indent(rest)
        .break_words(true)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    let lines: Vec<String> = textwrap::wrap(text, options)
        .into_iter()
        .map(|line| line.trim_end().to_string())
        .collect();
    match lines.is_empty() {
        true => vec![first.trim_end().to_string()],
        false => lines,
    }
}

/// Text from a roster file, safe to print: control characters (an escape sequence, a carriage
/// return, a bidirectional override) are written as `\x1b` or `\u{202e}`, never raw.
pub fn printable(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| {
        c.is_control()
            || ('\u{200b}'..='\u{200f}').contains(&c)
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    };
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            c if !unsafe_char(c) => out.push(c),
            c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_wraps_to_80_columns_with_its_continuation_indented() {
        let lines = wrap(&"word ".repeat(40), "FAIL  x ", "        ");
        assert!(lines.len() > 1);
        assert!(lines[0].starts_with("FAIL  x word"));
        assert!(
            lines[1..]
                .iter()
                .all(|line| line.starts_with("        word"))
        );
        assert!(lines.iter().all(|line| line.chars().count() <= WIDTH));
        let unbroken = wrap(&"b".repeat(200), "", "  ");
        assert!(unbroken.iter().all(|line| line.chars().count() <= WIDTH));
        assert_eq!(wrap("", "PASS  x ", ""), ["PASS  x"]);
    }

    #[test]
    fn control_characters_are_escaped_and_names_kept() {
        assert_eq!(printable("Dewi Ayu Lestari"), "Dewi Ayu Lestari");
        assert_eq!(printable("José Ñ"), "José Ñ");
        assert_eq!(printable("Ani\u{1b}[2J"), "Ani\\x1b[2J");
        assert_eq!(printable("a\rb\u{7}"), "a\\x0db\\x07");
        assert_eq!(printable("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(printable("\u{9b}31m"), "\\x9b31m");
    }
}
