//! Tells Simplified from Traditional text, for per-document reports.
//!
//! Counts characters that only one script uses, from OpenCC's character tables (built
//! into bitsets by `build.rs`): a Traditional mark is a character t2s changes and s2t
//! never produces from anything else (`國`, `說`), a Simplified mark the reverse (`国`,
//! `说`). Characters both scripts share (`中文`) say nothing either way.

use super::tables::{HAS_SIMPLIFIED_FORM, SIMPLIFIED_MARKS, TRADITIONAL_MARKS};
use crate::chars::skip_ascii;
use std::sync::LazyLock;

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
    /// No Chinese characters, or Japanese or Korean (kana or Hangul alongside the Han).
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
    /// Hangul syllables.
    pub hangul: usize,
}

impl ScriptReport {
    /// The report of two texts taken together (the segments of one document).
    pub fn combine(self, other: ScriptReport) -> ScriptReport {
        from_counts(
            self.han + other.han,
            self.kana + other.kana,
            self.hangul + other.hangul,
            self.traditional + other.traditional,
            self.simplified + other.simplified,
        )
    }
}

/// Classifies `text` as Simplified, Traditional, mixed, unmarked or non-Chinese.
pub fn classify(text: &str) -> ScriptReport {
    // How many characters of each class (the bits of `class_of`) there are: one increment
    // per character, the counts read from the classes afterwards.
    let mut by_class = [0usize; 32];
    let classes: &[u8] = &CLASSES;
    let bytes = text.as_bytes();
    let mut i = skip_ascii(bytes, 0, bytes.len());
    while i < bytes.len() {
        // Dense Chinese is a run of three-byte characters of U+3000–9FFF (leads E3–E9):
        // each is one table lookup, without a return to the ASCII scan between them.
        while let Some(0xE3..=0xE9) = bytes.get(i) {
            let (c, next) = crate::chars::decode_at(text, i);
            by_class[classes[c as usize - CLASSES_FIRST] as usize & 31] += 1;
            i = next;
        }
        if i >= bytes.len() {
            break;
        }
        if bytes[i] >= 0x80 {
            let (c, next) = crate::chars::decode_at(text, i);
            by_class[class_of(c as usize) as usize & 31] += 1;
            i = next;
        }
        i = skip_ascii(bytes, i, bytes.len());
    }
    let count = |bit: usize| -> usize {
        (0..32)
            .filter(|class| class >> bit & 1 == 1)
            .map(|class| by_class[class])
            .sum()
    };
    from_counts(count(0), count(3), count(4), count(1), count(2))
}

/// Whether `text` is Japanese or Korean: it holds kana or Hangul, together at least a
/// quarter as many as its Han ([`classify`] reads it as [`Script::NonChinese`]). `convert`
/// and `punct` leave such a text as it is: Chinese rules would rewrite its kanji and
/// Hanja (`大韓民國` → `大韩民国`) and its marks.
pub(crate) fn is_japanese_or_korean(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut head = bytes.len().min(KANA_LOOK);
    while !text.is_char_boundary(head) {
        head -= 1;
    }
    // (The head first: a Chinese text that names a language in Hangul or kana, as
    // LibreOffice's help does, is not read through.)
    has_kana_or_hangul(&bytes[..head])
        && classify(&text[..head]).script == Script::NonChinese
        && (head == text.len() || classify(text).script == Script::NonChinese)
}

/// Bytes at the start of a text looked at for kana and Hangul: a Japanese or Korean text
/// holds them all through, and one whose first 64 KiB hold too few is neither (where a look
/// at all of a segment of 1 MiB of Chinese stopped at each of its `。、「」`).
const KANA_LOOK: usize = 64 << 10;

/// Whether `bytes` hold a hiragana or katakana of U+3040–30FF (UTF-8 `E3 81`–`E3 83`) or
/// a Hangul syllable (U+AC00–D7A3, leads `EA`–`ED`): a quick look before counting, since
/// Chinese text holds neither.
fn has_kana_or_hangul(bytes: &[u8]) -> bool {
    memchr::memchr_iter(0xE3, bytes).any(|i| matches!(bytes.get(i + 1), Some(0x81..=0x83)))
        || crate::chars::may_hold_hangul(bytes)
}

/// What `c` counts as: bit 0 Han, 1 a Traditional mark, 2 a Simplified mark, 3 kana,
/// 4 Hangul.
fn class_of(c: usize) -> u8 {
    match c {
        0x3040..=0x30FF | 0x31F0..=0x31FF => 8,
        0xAC00..=0xD7A3 => 16,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x2_0000..=0x3_FFFF => {
            1 | (has(&TRADITIONAL_MARKS, c) as u8) << 1 | (has(&SIMPLIFIED_MARKS, c) as u8) << 2
        }
        _ => 0,
    }
}

/// `class_of` for U+3000–9FFF, what three-byte leads E3–E9 start, built on first use.
static CLASSES: LazyLock<Vec<u8>> =
    LazyLock::new(|| (CLASSES_FIRST..0xA000).map(class_of).collect());
const CLASSES_FIRST: usize = 0x3000;

fn from_counts(
    han: usize,
    kana: usize,
    hangul: usize,
    traditional: usize,
    simplified: usize,
) -> ScriptReport {
    let marks = traditional + simplified;
    let script = if han == 0 || (kana + hangul) * 4 >= han {
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
        hangul,
    }
}

/// Whether OpenCC's t2s changes `c` (`國`, `長`, `麽`).
pub(crate) fn has_simplified_form(c: char) -> bool {
    has(&HAS_SIMPLIFIED_FORM, c as usize)
}

/// Which script `c` marks a text as written in, if either: `國` Traditional, `国`
/// Simplified, `中` neither.
pub(crate) fn mark_of(c: char) -> Option<Script> {
    let c = c as usize;
    match (has(&TRADITIONAL_MARKS, c), has(&SIMPLIFIED_MARKS, c)) {
        (true, false) => Some(Script::Traditional),
        (false, true) => Some(Script::Simplified),
        _ => None,
    }
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
    fn counts_as_character_by_character() {
        // Every character of U+2F00–A0FF (the table's edges and beyond) and a few others,
        // in dense runs and between ASCII, counted as `class_of` counts each alone.
        let chars: Vec<char> = ('\u{2F00}'..='\u{A0FF}')
            .chain(['豈', '𠀀', 'é', '\u{FFFD}', 'ｶ', '가', '힣'])
            .collect();
        for text in [
            chars.iter().collect::<String>(),
            chars.iter().flat_map(|&c| [c, 'a']).collect(),
        ] {
            let mut counts = [0; 5];
            for c in text.chars() {
                let class = class_of(c as usize);
                for (bit, count) in counts.iter_mut().enumerate() {
                    *count += (class >> bit & 1) as usize;
                }
            }
            let r = classify(&text);
            assert_eq!(
                [r.han, r.traditional, r.simplified, r.kana, r.hangul],
                counts
            );
        }
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
