//! Tells Simplified from Traditional text, for per-document reports.
//!
//! Counts characters that only one script uses, from OpenCC's character tables (built
//! into bitsets by `build.rs`): a Traditional mark is a character t2s changes and s2t
//! never produces from anything else (`國`, `說`), a Simplified mark the reverse (`国`,
//! `说`). Characters both scripts share (`中文`) say nothing either way.

use super::tables::{HAS_SIMPLIFIED_FORM, SIMPLIFIED_MARKS, TRADITIONAL_MARKS};
use crate::chars::skip_ascii;

/// The script of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Script {
    Simplified,
    Traditional,
    /// Both scripts, neither above nine in ten marks.
    Mixed,
    /// Chinese, but only characters both scripts share.
    Unmarked,
    /// No Chinese characters, or Japanese (kana alongside the kanji).
    NonChinese,
}

impl Script {
    pub fn name(self) -> &'static str {
        match self {
            Script::Simplified => "simplified",
            Script::Traditional => "traditional",
            Script::Mixed => "mixed",
            Script::Unmarked => "unmarked",
            Script::NonChinese => "non-chinese",
        }
    }
}

/// What [`classify`] counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScriptReport {
    pub script: Script,
    /// Han characters.
    pub han: usize,
    /// Characters only Traditional text uses.
    pub traditional: usize,
    /// Characters only Simplified text uses.
    pub simplified: usize,
    /// Kana (hiragana, katakana).
    pub kana: usize,
}

impl ScriptReport {
    /// The report of two texts taken together (the segments of one document).
    pub fn combine(self, other: ScriptReport) -> ScriptReport {
        from_counts(
            self.han + other.han,
            self.kana + other.kana,
            self.traditional + other.traditional,
            self.simplified + other.simplified,
        )
    }
}

/// Classifies `text` as Simplified, Traditional, mixed, unmarked or non-Chinese.
pub fn classify(text: &str) -> ScriptReport {
    let (mut han, mut kana, mut traditional, mut simplified) = (0usize, 0usize, 0usize, 0usize);
    let bytes = text.as_bytes();
    let mut i = skip_ascii(bytes, 0, bytes.len());
    while i < bytes.len() {
        let (c, next) = crate::chars::decode_at(text, i);
        let c = c as usize;
        i = skip_ascii(bytes, next, bytes.len());
        match c {
            0x3040..=0x30FF | 0x31F0..=0x31FF => kana += 1,
            0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x2_0000..=0x3_FFFF => {
                han += 1;
                traditional += has(&TRADITIONAL_MARKS, c) as usize;
                simplified += has(&SIMPLIFIED_MARKS, c) as usize;
            }
            _ => {}
        }
    }
    from_counts(han, kana, traditional, simplified)
}

fn from_counts(han: usize, kana: usize, traditional: usize, simplified: usize) -> ScriptReport {
    let marks = traditional + simplified;
    let script = if han == 0 || kana * 4 >= han {
        Script::NonChinese
    } else if marks == 0 {
        Script::Unmarked
    } else if simplified * 10 >= marks * 9 {
        Script::Simplified
    } else if traditional * 10 >= marks * 9 {
        Script::Traditional
    } else {
        Script::Mixed
    };
    ScriptReport {
        script,
        han,
        traditional,
        simplified,
        kana,
    }
}

/// Whether OpenCC's t2s changes `c` (`國`, `長`, `麽`).
pub(crate) fn has_simplified_form(c: char) -> bool {
    has(&HAS_SIMPLIFIED_FORM, c as usize)
}

fn has(bits: &[u64], c: usize) -> bool {
    bits.get(c / 64).is_some_and(|w| w >> (c % 64) & 1 == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_every_kind_of_character() {
        let report = classify("a國b国 かナ𠀀\u{F900}〇é，㐀");
        // 國 国 𠀀 豈(F900) 㐀 are Han; 〇 and the comma are not counted.
        assert_eq!((report.han, report.kana), (5, 2));
        assert_eq!((report.traditional, report.simplified), (1, 1));
    }

    #[test]
    fn classifies_real_sentences() {
        assert_eq!(
            classify("王毅同俄罗斯外长拉夫罗夫举行会谈").script,
            Script::Simplified
        );
        assert_eq!(
            classify("俄總理米舒斯京:真誠願意進一步強化中俄戰略夥伴關係").script,
            Script::Traditional
        );
        assert_eq!(classify("中文").script, Script::Unmarked);
        assert_eq!(classify("hello, world").script, Script::NonChinese);
        assert_eq!(
            classify("旧字体歴史仮名遣 新字体現代仮名遣、ひらがな").script,
            Script::NonChinese
        );
        assert_eq!(classify("简体字和繁體字").script, Script::Mixed);
    }
}
