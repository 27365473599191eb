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

use super::space::is_debris_at;
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
        let Some(first) = first_candidate(text) else {
            return Cow::Borrowed(text);
        };
        // One form per character first, so that NFC composes what mapping uncovers
        // (`Ａ` + U+0301 → `A` + U+0301 → `Á`).
        let tail: Vec<char> = text[first..].chars().collect();
        let mapped: String = (0..tail.len())
            .filter(|&k| !is_debris_at(&tail, k))
            .map(|k| one_form(tail[k]).unwrap_or(tail[k]))
            .collect();
        let mut out = String::with_capacity(text.len());
        out.push_str(&text[..first]);
        match is_nfc_quick(mapped.chars()) {
            IsNormalized::Yes => out.push_str(&mapped),
            _ => out.extend(mapped.nfc()),
        }
        if out == text {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(out)
        }
    }
}

/// The character's preferred form, when it has another one.
#[inline]
fn one_form(c: char) -> Option<char> {
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

/// Byte offset of the line holding the first character this stage might change, or
/// `None`. Han ideographs U+4000–U+9FFF and ASCII, most of Chinese text,
/// are passed over by their lead byte alone.
fn first_candidate(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7F {
                return Some(text[..i].rfind('\n').map_or(0, |j| j + 1)); // a control
            }
            i += 1;
            continue;
        }
        if (0xE4..=0xE9).contains(&b) {
            i += 3; // U+4000–U+9FFF: Han, one form already
            continue;
        }
        let c = text[i..].chars().next().expect("at a character boundary");
        // Invisible debris: a control or zero-width character (a ZWJ is judged in context).
        let invisible = is_debris_at(&[c], 0);
        if invisible
            || one_form(c).is_some()
            || is_nfc_quick(std::iter::once(c)) != IsNormalized::Yes
        {
            // A combining mark composes with what precedes it; a line break never does.
            return Some(text[..i].rfind('\n').map_or(0, |j| j + 1));
        }
        i += c.len_utf8();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(s: &str) -> Cow<'_, str> {
        UnicodeStage.apply(s)
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
