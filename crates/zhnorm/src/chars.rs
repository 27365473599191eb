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
