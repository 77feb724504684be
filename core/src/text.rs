//! Text helpers the correlation core runs on every field of every alert, or on every incident
//! it changes, where the standard library's general versions cost more than the common case
//! needs.

/// `str::trim`, answering at once for text that begins and ends with a visible ASCII character,
/// which nearly every identifier does; other text (blank ends, Unicode spaces) goes through
/// `str::trim` itself, so the result is always the same as its.
pub fn trim(text: &str) -> &str {
    match text.as_bytes() {
        [first, .., last] if first.is_ascii_graphic() && last.is_ascii_graphic() => text,
        [only] if only.is_ascii_graphic() => text,
        _ => text.trim(),
    }
}

/// `prefix`, `number` in decimal, then `suffix`, written without the formatter (`format!`
/// costs several times as much): the core logs alert counts and incident numbers in every join
/// and merge of an ingest.
pub fn with_number(prefix: &str, number: u64, suffix: &str) -> String {
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(number);
    let mut text = String::with_capacity(prefix.len() + digits.len() + suffix.len());
    text.push_str(prefix);
    text.push_str(digits);
    text.push_str(suffix);
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn spaces_of_every_kind_are_trimmed() {
        assert_eq!(trim("  host-01 "), "host-01");
        assert_eq!(trim("\u{a0}host-01\u{3000}"), "host-01");
        assert_eq!(trim("\tx\n"), "x");
        assert_eq!(trim("x"), "x");
        assert_eq!(trim(" "), "");
        assert_eq!(trim(""), "");
    }

    proptest! {
        /// Whatever the number, the same text as the formatter writes.
        #[test]
        fn numbers_read_as_the_formatter_writes_them(number in any::<u64>()) {
            prop_assert_eq!(with_number("#", number, "\""), format!("#{number}\""));
        }

        /// Whatever the text, the same as `str::trim`.
        #[test]
        fn the_same_as_the_standard_trim(text in "[ \t\u{a0}\u{3000}a-zA-Z0-9é.@-]{0,12}") {
            prop_assert_eq!(trim(&text), text.trim());
        }
    }
}
