//! The checker's reports fit 80 columns: long lines are wrapped, their continuation indented.

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
}
