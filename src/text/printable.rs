//! Text a user wrote (a roster's names and hosts), safe to print: kept as written, Unicode and
//! all, but for the characters that would drive a terminal or reorder a line.

use std::borrow::Cow;

/// `text`, safe to print: control characters (an escape sequence, a carriage
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
    fn control_characters_are_escaped_and_names_kept() {
        assert_eq!(printable("Dewi Ayu Lestari"), "Dewi Ayu Lestari");
        assert_eq!(printable("José Ñ"), "José Ñ");
        assert_eq!(printable("Ani\u{1b}[2J"), "Ani\\x1b[2J");
        assert_eq!(printable("a\rb\u{7}"), "a\\x0db\\x07");
        assert_eq!(printable("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(printable("\u{9b}31m"), "\\x9b31m");
    }
}
