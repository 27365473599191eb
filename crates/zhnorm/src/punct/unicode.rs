//! Stage `unicode`: one form for each character.
//!
//! NFC (which also maps the CJK compatibility ideographs that have a canonical
//! decomposition, and leaves the twelve unified ones such as `﨑` alone); Kangxi Radicals
//! and CJK Radicals Supplement forms, which PDF extraction produces, to the ideograph they
//! stand for (Unicode's `EquivalentUnifiedIdeograph.txt`: `⽇` → `日`, `⻔` → `门`);
//! full-width Latin letters and digits to ASCII. Invisible debris (controls, zero-width
//! characters, a ZWJ outside emoji) goes too, before `convert` could trip over it in the
//! middle of a phrase; `space` removes the same, for pipelines without this stage.

use std::borrow::Cow;

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use super::space::{is_debris_at, without_terminal_escapes};
use crate::chars::{find_where, rewrite_lines, ByteSet};
use crate::pipeline::Stage;

mod tables {
    include!(concat!(env!("OUT_DIR"), "/unicode_tables.rs"));
}

/// The `unicode` stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct UnicodeStage;

impl Stage for UnicodeStage {
    fn name(&self) -> &'static str {
        "unicode"
    }

    fn apply<'a>(&self, text: &'a str) -> Cow<'a, str> {
        // Only lines holding a character this stage might change are rebuilt: nothing
        // here looks across a line end (a line break composes with nothing).
        rewrite_lines(text, next_candidate, |line, _| one_form_line(line))
    }
}

/// `line` with every character in its one form, invisible debris removed (a terminal
/// escape sequence whole, as `space` removes it), then NFC.
fn one_form_line(line: &str) -> String {
    // One form per character first, so that NFC composes what mapping uncovers
    // (`Ａ` + U+0301 → `A` + U+0301 → `Á`).
    let chars: Vec<char> = without_terminal_escapes(line).chars().collect();
    let mapped: String = (0..chars.len())
        .filter(|&k| !is_debris_at(&chars, k))
        .map(|k| one_form(chars[k]).unwrap_or(chars[k]))
        .collect();
    match is_nfc_quick(mapped.chars()) {
        IsNormalized::Yes => mapped,
        _ => mapped.nfc().collect(),
    }
}

/// The character's preferred form, when it has another one.
#[inline]
pub(crate) fn one_form(c: char) -> Option<char> {
    let u = c as u32;
    match u {
        0xFF10..=0xFF19 | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A => char::from_u32(u - 0xFEE0),
        _ => {
            let i = u.checked_sub(tables::RADICAL_FIRST)? as usize;
            tables::RADICAL_EQUIVALENTS
                .get(i)
                .copied()
                .filter(|&e| e != '\0')
        }
    }
}

/// Controls other than tab, LF and CR, and the lead bytes of every character outside
/// ASCII and U+4000–U+9FFF (Han, one form already). Continuation bytes are left out, so
/// a match is always at a character start.
const MAY_CHANGE: ByteSet = ByteSet::new(
    &[0x0B, 0x0C, 0x7F],
    &[(0x00, 0x08), (0x0E, 0x1F), (0xC0, 0xE3), (0xEA, 0xFF)],
);

/// Byte offset, at or after `from`, of the first character this stage might change.
fn next_candidate(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    find_where(
        &MAY_CHANGE,
        bytes,
        from,
        bytes.len(),
        simd::may_change,
        |at| may_change_at(text, at),
    )
}

/// Whether this stage may change the character at `at`, whose lead byte is in
/// [`MAY_CHANGE`].
fn may_change_at(text: &str, at: usize) -> bool {
    // A control; Chinese punctuation, on every line of Chinese text, told by its bytes.
    let bytes = text.as_bytes();
    bytes[at] < 0x80
        || !has_one_form(bytes, at) && text[at..].chars().next().is_some_and(may_change)
}

mod simd {
    use crate::chars::simd::{at, at_most, bits, in_range, is};

    /// One bit for each of `bytes[i..i + 16]` this stage may change (see
    /// [`crate::chars::find_where`]): the bytes of [`super::MAY_CHANGE`]
    /// but the lead bytes of the marks [`super::has_one_form`] passes.
    #[inline(always)]
    pub(super) fn may_change(bytes: &[u8], i: usize) -> u32 {
        let [b, n1, n2] = [0, 1, 2].map(|d| at(bytes, i + d));
        let control =
            (at_most(b, 0x1F) & !(is(b, b'\t') | is(b, b'\n') | is(b, b'\r'))) | is(b, 0x7F);
        // U+3000–303F, U+2010–203F; U+FF00–FF7F but for letters and digits.
        let punctuation = (is(b, 0xE3) & is(n1, 0x80))
            | (is(b, 0xE2) & is(n1, 0x80) & !at_most(n2, 0x8F))
            | (is(b, 0xEF)
                & ((is(n1, 0xBC) & !(in_range(n2, 0x90, 0x99) | in_range(n2, 0xA1, 0xBA)))
                    | (is(n1, 0xBD) & !in_range(n2, 0x81, 0x9A))));
        // Lead bytes but those of U+4000–9FFF.
        let lead = in_range(b, 0xC0, 0xE3) | !at_most(b, 0xE9);
        bits(control | (lead & !punctuation))
    }
}

/// Whether this stage may change `c` (a character outside ASCII), judged alone: invisible
/// debris (a control or zero-width character; a ZWJ is judged in context), a character
/// with another form, or one NFC may change.
fn may_change(c: char) -> bool {
    is_debris_at(&[c], 0)
        || one_form(c).is_some()
        || is_nfc_quick(std::iter::once(c)) != IsNormalized::Yes
}

/// Whether the character at `at` (a lead byte) is one of the blocks of Chinese
/// punctuation this stage never changes: CJK symbols and punctuation (U+3000–303F),
/// general punctuation after the spaces and invisible characters (U+2010–203F), the
/// full-width forms of U+FF00–FF7F other than letters and digits.
#[inline]
fn has_one_form(bytes: &[u8], at: usize) -> bool {
    match bytes.get(at..at + 3) {
        Some([0xE3, 0x80, _]) => true,
        Some([0xE2, 0x80, third]) => *third >= 0x90,
        Some([0xEF, 0xBC, third]) => !matches!(third, 0x90..=0x99 | 0xA1..=0xBA),
        Some([0xEF, 0xBD, third]) => !matches!(third, 0x81..=0x9A),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_blocks_passed_over_have_one_form() {
        // Every character `has_one_form` passes over is one the full check passes too.
        for c in ('\u{2000}'..='\u{203F}')
            .chain('\u{3000}'..='\u{303F}')
            .chain('\u{FF00}'..='\u{FF7F}')
        {
            let s = c.to_string();
            if has_one_form(s.as_bytes(), 0) {
                assert!(!may_change(c), "{c:?}");
                assert_eq!(apply(&s), s, "{c:?}");
            }
        }
        assert!(has_one_form("，".as_bytes(), 0) && !has_one_form("Ａ".as_bytes(), 0));
    }

    #[test]
    fn the_block_scan_finds_what_a_byte_scan_finds() {
        crate::chars::tests::check_scan(next_candidate, &MAY_CHANGE, may_change_at);
    }

    fn apply(s: &str) -> Cow<'_, str> {
        UnicodeStage.apply(s)
    }

    #[test]
    fn removes_terminal_escape_sequences_as_space_does() {
        // `unicode` comes first in the pipeline: were it to take the ESC alone, `space`
        // would find `[32m` left in the text.
        assert_eq!(UnicodeStage.apply("\x1b[32m《春晓》\x1b[m"), "《春晓》");
        assert_eq!(UnicodeStage.apply("a\x1bb"), "ab");
    }

    #[test]
    fn maps_radicals_compatibility_ideographs_and_wide_alphanumerics() {
        assert_eq!(apply("⽇本⻔户"), "日本门户");
        assert_eq!(apply("\u{F900}"), "豈");
        assert_eq!(apply("ＡＢＣ１２３ｘｙｚ"), "ABC123xyz");
        assert_eq!(apply("cafe\u{301}"), "café");
    }

    #[test]
    fn leaves_alone_what_has_one_form() {
        for s in ["﨑", "中文，标点：（）！", "Ｆｕｌｌ？", "テスト", "", "𠀀"]
        {
            let out = apply(s);
            if s == "Ｆｕｌｌ？" {
                assert_eq!(out, "Full？"); // letters only: punctuation is `punct`'s concern
            } else {
                assert!(matches!(out, Cow::Borrowed(_)), "{s}");
            }
        }
    }
}
