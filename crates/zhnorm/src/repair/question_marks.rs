//! `?` for a byte windows-1252 has no character for.
//!
//! Python's decoder writes U+FFFD for the five bytes windows-1252 leaves undefined (81,
//! 8D, 8F, 90, 9D); many other tools write `?`, and pages are full of `â€?` for `”` (E2 80
//! 9D) and `å?Ž` for `后` (E5 90 8E). Such a `?` stands where UTF-8 read as windows-1252
//! needs a continuation byte: after the character of a lead byte and fewer continuation
//! characters than its sequence takes. The mojibake pass is given them as U+FFFD, as
//! Python would have written them.

use super::codecs::Misread;

/// The offsets of the `?` of `text` that stand where a continuation byte must, in a
/// sequence the characters after them complete. Only in a text that holds UTF-8 read as
/// windows-1252 beyond doubt, a three-byte sequence whole: `café?»` in Spanish is no
/// sequence missing a byte.
pub(super) fn lost_bytes(text: &str) -> Vec<usize> {
    let mut found: Vec<usize> = Vec::new();
    for at in memchr::memchr_iter(b'?', text.as_bytes()) {
        // Back over the characters before it, as windows-1252 bytes: continuation bytes
        // (a `?` found already is one), then a lead byte.
        let mut before = 0;
        let mut needs = 0;
        let mut end = at;
        for c in text[..at].chars().rev().take(4) {
            let start = end - c.len_utf8();
            let byte = if c == '?' && found.last() == Some(&start) {
                Some(0x80)
            } else {
                byte_of(c)
            };
            end = start;
            match byte {
                Some(0x80..=0xBF) => before += 1,
                Some(lead) => {
                    needs = sequence_len(lead).unwrap_or(1) - 1;
                    break;
                }
                None => break,
            }
        }
        // The continuation bytes after it complete the sequence (a `?` may be one).
        let after = needs.saturating_sub(before + 1);
        let completes = text[at + 1..]
            .chars()
            .take(after)
            .filter(|&c| c == '?' || is_continuation(c));
        if before < needs && completes.count() == after {
            found.push(at);
        }
    }
    // (Read last: clean text holds `?`, but seldom where a sequence needs a byte.)
    if !found.is_empty() && !holds_whole_sequence(text) {
        found.clear();
    }
    found
}

/// The byte windows-1252 reads as `c`, for a character outside ASCII.
fn byte_of(c: char) -> Option<u8> {
    (!c.is_ascii())
        .then(|| Misread::windows_1252_byte(c))
        .flatten()
}

fn is_continuation(c: char) -> bool {
    byte_of(c).is_some_and(|b| (0x80..=0xBF).contains(&b))
}

/// How many bytes a UTF-8 sequence that `lead` starts takes, when it is a lead byte.
fn sequence_len(lead: u8) -> Option<usize> {
    match lead {
        0xC2..=0xDF => Some(2),
        0xE0..=0xEF => Some(3),
        0xF0..=0xF4 => Some(4),
        _ => None,
    }
}

/// Whether `text` holds a three-byte UTF-8 sequence read as windows-1252, whole.
fn holds_whole_sequence(text: &str) -> bool {
    // The characters of a sequence read so far: after a lead byte of three, 1; after it
    // and a continuation byte, 2.
    let mut read = 0;
    text.chars().any(|c| {
        read = match (read, is_continuation(c)) {
            (1, true) => 2,
            (2, true) => return true,
            _ => usize::from(matches!(byte_of(c), Some(0xE0..=0xEF))),
        };
        false
    })
}

/// `text` with the `?` at `at` (ascending) written as U+FFFD.
pub(super) fn as_lost(text: &str, at: &[usize]) -> String {
    let mut out = String::with_capacity(text.len() + 2 * at.len());
    let mut copied = 0;
    for &i in at {
        out.push_str(&text[copied..i]);
        out.push('\u{FFFD}');
        copied = i + 1;
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_question_marks_a_sequence_needs() {
        let at = |text: &str| {
            lost_bytes(text)
                .iter()
                .map(|&i| text[..i].chars().count())
                .collect::<Vec<_>>()
        };
        // `”`, `后` and `吗` (E5 90 97) with a byte lost each, in text garbled so; two lost
        // in one sequence.
        assert_eq!(at("â€œä¸\u{AD}â€?"), [8]);
        assert_eq!(at("â€œå?Ž"), [4]);
        assert_eq!(at("è¿™æ˜¯å?—ï¼Ÿ"), [7]);
        assert_eq!(at("ä¸\u{AD}ð??€"), [4, 5]);
        // Questions are no lost bytes: after ASCII, after a whole sequence, after a
        // letter that is no lead byte, and where no character after completes it.
        assert!(lost_bytes("ä¸\u{AD} What? 你好? â€œ? Ãœ? café? ¿Qué?").is_empty());
        // Nor in a text that holds no sequence whole.
        assert!(lost_bytes("Es café? «café?»").is_empty());
        assert_eq!(as_lost("å?Ž?", &[2]), "å\u{FFFD}Ž?");
    }
}
