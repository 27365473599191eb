//! HTML character references left in text by a scrape: `&amp;`, `&#20013;`, `&#x4E2D;`,
//! `&ldquo;`, and the double-escaped `&amp;quot;`. Markup is left alone: there the
//! references are what keeps `&lt;` from being a tag.

use std::borrow::Cow;

/// Escaping applied more often than this is not an accident worth undoing.
const MAX_LEVELS: usize = 3;

/// `text` with its character references decoded, unless it is markup.
pub(crate) fn decode(text: &str) -> Cow<'_, str> {
    if memchr::memchr(b'&', text.as_bytes()).is_none() || is_markup(text) {
        return Cow::Borrowed(text);
    }
    let mut current = Cow::Borrowed(text);
    for _ in 0..MAX_LEVELS {
        match html_escape::decode_html_entities(current.as_ref()) {
            Cow::Borrowed(_) => break,
            Cow::Owned(next) => current = Cow::Owned(next),
        }
        if memchr::memchr(b'&', current.as_bytes()).is_none() {
            break;
        }
    }
    current
}

/// Whether `text` holds a tag: `<` and a letter, `/` or `!`, then `>` on the same line.
fn is_markup(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'<', bytes).any(|i| {
        let rest = &bytes[i + 1..];
        rest.first()
            .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'/' || *b == b'!')
            && rest
                .iter()
                .take_while(|&&b| b != b'\n' && b != b'<')
                .any(|&b| b == b'>')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_decoded_outside_markup() {
        assert_eq!(
            decode("A&amp;B &#20013;&#x6587; &ldquo;好&rdquo;"),
            "A&B 中文 “好”"
        );
        assert_eq!(decode("&amp;quot;引号&amp;quot;"), "\"引号\"");
        assert_eq!(decode("AT&T 与 a & b"), "AT&T 与 a & b");
        assert_eq!(decode("<p>a &lt;b&gt;</p>"), "<p>a &lt;b&gt;</p>");
        assert_eq!(decode("1 &lt; 2"), "1 < 2");
    }
}
