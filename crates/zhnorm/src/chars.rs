//! Character classes shared by the stages.

/// Han ideographs: the unified blocks (URO, Extensions A–I), the compatibility block, 〇.
#[inline]
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x323AF)
        || c == '〇'
}

/// Hiragana and katakana (full- and half-width): their presence marks Japanese text.
#[inline]
pub fn is_kana(c: char) -> bool {
    matches!(c as u32, 0x3041..=0x3096 | 0x30A1..=0x30FA | 0x31F0..=0x31FF | 0xFF66..=0xFF9D)
}

/// Closing marks after which Chinese punctuation still follows Chinese rules: `」，`.
#[inline]
pub fn is_cjk_closing(c: char) -> bool {
    matches!(
        c,
        '」' | '』' | '）' | '》' | '〉' | '】' | '〕' | '〗' | '”' | '’' | '…' | '—'
    )
}

/// The first byte at or after `p` (and before `end`) that is not ASCII, or `end`.
#[inline(always)]
pub(crate) fn skip_ascii(bytes: &[u8], mut p: usize, end: usize) -> usize {
    while p + 8 <= end {
        let word = u64::from_le_bytes(bytes[p..p + 8].try_into().expect("8 bytes"));
        let high = word & 0x8080_8080_8080_8080;
        if high != 0 {
            return p + (high.trailing_zeros() / 8) as usize;
        }
        p += 8;
    }
    while p < end && bytes[p] < 0x80 {
        p += 1;
    }
    p
}

/// `text` with each byte range `start..end` (in order, not overlapping) replaced by its
/// text: the one way stages rebuild a text they change in places.
pub(crate) fn replace_ranges<'a>(
    text: &str,
    edits: impl IntoIterator<Item = (usize, usize, &'a str)>,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (start, end, with) in edits {
        out.push_str(&text[copied..start]);
        out.push_str(with);
        copied = end;
    }
    out.push_str(&text[copied..]);
    out
}
