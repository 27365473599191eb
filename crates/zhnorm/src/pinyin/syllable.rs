//! One way to write a pinyin syllable, whatever way it came: `zhǎng`, `zha\u{30C}ng`,
//! `zhang3` and `ZHǍNG` are all `zhang3`; `lǜ`, `lü4` and `lv4` are all `lv4`;
//! a syllable with no tone is neutral (`men` is `men5`, as is `men0`).
//!
//! Shared with `build.rs`, which writes the reading table in the same form; it uses
//! nothing but `core`.

/// A syllable in numbered form: at most 6 lower-case letters (`v` for `ü`) and a tone
/// digit 1–5.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Syllable {
    bytes: [u8; 7],
    len: u8,
}

impl Syllable {
    pub fn as_str(&self) -> &str {
        // Only ASCII letters and digits are ever stored.
        core::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or("")
    }
}

const MAX_LETTERS: usize = 6;

/// `text` as one syllable, or `None` when it is not written like one (it may still be no
/// syllable of Mandarin: the reading table decides that).
pub fn numbered(text: &str) -> Option<Syllable> {
    let mut letters = [0u8; 7];
    let mut len = 0;
    let mut tone: Option<u8> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let c = c.to_lowercase().next().unwrap_or(c);
        let (letter, mark) = match c {
            'a'..='z' => (Some(c as u8), None),
            'ü' => (Some(b'v'), None),
            '\u{304}' => (None, Some(1)),
            '\u{301}' => (None, Some(2)),
            '\u{30C}' => (None, Some(3)),
            '\u{300}' => (None, Some(4)),
            '\u{308}' if len > 0 && letters[len - 1] == b'u' => {
                letters[len - 1] = b'v';
                (None, None)
            }
            '0'..='5' if chars.peek().is_none() && len > 0 && tone.is_none() => {
                (None, Some(if c == '0' { 5 } else { c as u8 - b'0' }))
            }
            _ => toned_letter(c).map(|(l, t)| (Some(l), Some(t)))?,
        };
        if let Some(l) = letter {
            if len == MAX_LETTERS {
                return None;
            }
            letters[len] = l;
            len += 1;
        }
        if let Some(t) = mark {
            if tone.replace(t).is_some() || len == 0 {
                return None;
            }
        }
    }
    if len == 0 {
        return None;
    }
    letters[len] = b'0' + tone.unwrap_or(5);
    Some(Syllable {
        bytes: letters,
        len: len as u8 + 1,
    })
}

/// A vowel (or syllabic `m`, `n`) carrying its tone mark: its letter and tone.
pub fn toned_letter(c: char) -> Option<(u8, u8)> {
    const TONED: [(char, u8, u8); 28] = [
        ('ā', b'a', 1),
        ('á', b'a', 2),
        ('ǎ', b'a', 3),
        ('à', b'a', 4),
        ('ē', b'e', 1),
        ('é', b'e', 2),
        ('ě', b'e', 3),
        ('è', b'e', 4),
        ('ī', b'i', 1),
        ('í', b'i', 2),
        ('ǐ', b'i', 3),
        ('ì', b'i', 4),
        ('ō', b'o', 1),
        ('ó', b'o', 2),
        ('ǒ', b'o', 3),
        ('ò', b'o', 4),
        ('ū', b'u', 1),
        ('ú', b'u', 2),
        ('ǔ', b'u', 3),
        ('ù', b'u', 4),
        ('ǖ', b'v', 1),
        ('ǘ', b'v', 2),
        ('ǚ', b'v', 3),
        ('ǜ', b'v', 4),
        ('ḿ', b'm', 2),
        ('ń', b'n', 2),
        ('ň', b'n', 3),
        ('ǹ', b'n', 4),
    ];
    TONED
        .iter()
        .find(|(toned, _, _)| *toned == c)
        .map(|&(_, letter, tone)| (letter, tone))
}
