//! Stage `pinyin`: removes pinyin annotations that some web sources inject after
//! characters (`外長(zhǎng)`, `國（guó）`, `關(guan1)`), and keeps every parenthesis a writer
//! put there: `王毅(Wang Yi)`, `(AP)`, `比耶省(Bié)`, a teaching gloss `银行(yínháng)`, a
//! drill on polyphones, a surname's reading.
//!
//! An annotation is one syllable in parentheses straight after a Han character. It is
//! removed only on evidence that a machine put it there:
//! - the syllable is the character's customary reading (Unihan `kMandarin`, see
//!   `readings`), even where the context wants another (`長(zhǎng)江`): a machine looks
//!   characters up one by one;
//! - the character has a simplified form (t2s changes it): injecting sources annotate
//!   the characters a reader of Simplified would stumble on;
//! - the line agrees: the same character is never glossed with two readings (that is a
//!   drill), and such annotations are not outnumbered by glosses with other readings.
//!
//! Where injection is that clear (three annotations or more, three times the glosses),
//! other readings of such characters go too: another annotator's table. The
//! evidence is gathered per line, so a text cut at line ends gives the same result in
//! pieces as whole.

mod readings;
pub(crate) mod syllable;

use std::borrow::Cow;
use std::collections::HashMap;

use memchr::{memchr, memmem};

use crate::chars::{is_han, replace_ranges};
use crate::convert::has_simplified_form;
use crate::pipeline::Stage;
use readings::{fit, syllable_id, Fit, SyllableId};

/// The `pinyin` stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct PinyinStage;

impl Stage for PinyinStage {
    fn name(&self) -> &'static str {
        "pinyin"
    }

    fn apply<'a>(&self, text: &'a str) -> Cow<'a, str> {
        remove_injected(text)
    }
}

/// A one-syllable annotation after a Han character.
#[derive(Debug, Clone, Copy)]
struct Annotation {
    /// Byte range of the parentheses and what they hold.
    start: usize,
    end: usize,
    /// The character annotated.
    han: char,
    syllable: SyllableId,
    fit: Fit,
}

/// `text` without the annotations judged injected.
pub fn remove_injected(text: &str) -> Cow<'_, str> {
    let annotations = find_annotations(text);
    if annotations.is_empty() {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut removed: Vec<(usize, usize)> = Vec::new();
    let mut first = 0;
    while first < annotations.len() {
        // The annotations of the line holding `annotations[first]`.
        let at = annotations[first].start;
        let line_end = memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
        let last = annotations[first..]
            .iter()
            .position(|a| a.start >= line_end)
            .map_or(annotations.len(), |n| first + n);
        judge_line(&annotations[first..last], &mut removed);
        first = last;
    }
    if removed.is_empty() {
        return Cow::Borrowed(text);
    }
    Cow::Owned(replace_ranges(
        text,
        removed.into_iter().map(|(start, end)| (start, end, "")),
    ))
}

/// Adds to `removed` the annotations of one line that a machine injected.
fn judge_line(line: &[Annotation], removed: &mut Vec<(usize, usize)>) {
    // Characters glossed with more than one syllable: a drill, written by a person.
    let mut syllables: HashMap<char, Option<SyllableId>> = HashMap::new();
    for a in line {
        syllables
            .entry(a.han)
            .and_modify(|s| {
                if *s != Some(a.syllable) {
                    *s = None;
                }
            })
            .or_insert(Some(a.syllable));
    }
    let consistent = |a: &Annotation| syllables[&a.han].is_some();
    let machine_like =
        |a: &Annotation| a.fit == Fit::Default && has_simplified_form(a.han) && consistent(a);
    let injected = line.iter().filter(|a| machine_like(a)).count();
    let glosses = line
        .iter()
        .filter(|a| a.fit != Fit::None && !machine_like(a))
        .count();
    if injected <= glosses {
        return;
    }
    let clear = injected >= 3 && injected >= 3 * glosses;
    for a in line {
        let other_table =
            clear && a.fit == Fit::Reading && has_simplified_form(a.han) && consistent(a);
        if machine_like(a) || other_table {
            removed.push((a.start, a.end));
        }
    }
}

/// Every one-syllable annotation straight after a Han character, in text order.
fn find_annotations(text: &str) -> Vec<Annotation> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let ascii = memchr::memchr_iter(b'(', bytes);
    let wide = memmem::find_iter(bytes, "（".as_bytes());
    let mut opens: Vec<usize> = ascii.chain(wide).collect();
    if opens.is_empty() {
        return found;
    }
    opens.sort_unstable();
    for start in opens {
        // Annotations in a row (`銀(yín)(yín)`) all belong to the character before the
        // first: judged apart, removing one would make the next a new candidate.
        let han = match found.last() {
            Some(prev) if prev.end == start => Some(prev.han),
            _ => text[..start].chars().next_back().filter(|&c| is_han(c)),
        };
        if let Some(a) = han.and_then(|han| annotation_at(text, start, han)) {
            found.push(a);
            continue;
        }
        // One space before a full-width parenthesis is one `space` removes (`國 （guó）`
        // becomes `國（guó）`): read as if it had, or a second run would find what the
        // first did not.
        if start == 0 || bytes[start - 1] != b' ' || bytes[start] == b'(' {
            continue;
        }
        // (And after an annotation in a row, `國（guó） （guó）`, as the character's.)
        let han = match found.last() {
            Some(prev) if prev.end == start - 1 => Some(prev.han),
            _ => text[..start - 1].chars().next_back().filter(|&c| is_han(c)),
        };
        if let Some(mut a) = han.and_then(|han| annotation_at(text, start, han)) {
            a.start = start - 1;
            found.push(a);
        }
    }
    found
}

/// Longest text a syllable in parentheses takes: `zhuàng` with combining marks, a digit.
const MAX_INSIDE: usize = 12;

/// The annotation of `han` whose opening parenthesis is at byte `start`, if it is one.
fn annotation_at(text: &str, start: usize, han: char) -> Option<Annotation> {
    let (syllable, end) = syllable_in_parentheses(text, start)?;
    Some(Annotation {
        start,
        end,
        han,
        syllable,
        fit: fit(han, syllable),
    })
}

/// The syllable in the parentheses that open at byte `start` (`(` or `（`), and where
/// they close.
fn syllable_in_parentheses(text: &str, start: usize) -> Option<(SyllableId, usize)> {
    let open_len = match text.as_bytes().get(start)? {
        b'(' => 1,
        _ if text[start..].starts_with('（') => 3,
        _ => return None,
    };
    let inside_start = start + open_len;
    let rest = &text.as_bytes()[inside_start..];
    // Pinyin starts with a letter, perhaps a toned vowel; `(2020/9/12`, `(AP` and `(图`
    // go on to be ruled out by `numbered` and the reading table.
    if !rest
        .first()
        .is_some_and(|b| b.is_ascii_alphabetic() || *b >= 0x80)
    {
        return None;
    }
    let window = &rest[..rest.len().min(MAX_INSIDE + 3)];
    let (inside_len, close_len) = window.iter().enumerate().find_map(|(i, &b)| match b {
        b')' => Some((i, 1)),
        _ if window[i..].starts_with("）".as_bytes()) => Some((i, 3)),
        _ => None,
    })?;
    let inside = text.get(inside_start..inside_start + inside_len)?;
    let syllable = syllable_id(&syllable::numbered(inside)?)?;
    Some((syllable, inside_start + inside_len + close_len))
}

/// The reading a parenthesised syllable at the start of `text` gives the character
/// before it (`(zhàn)`), if it is one: `repair` weighs a character lost to mojibake
/// against it.
pub(crate) fn reading_at_start(text: &str) -> Option<Reading> {
    syllable_in_parentheses(text, 0).map(|(syllable, _)| Reading(syllable))
}

/// Whether `word` is pinyin: syllables of the reading table end to end, one at least
/// with a tone mark (`guó`, `Běijīng`, `yínháng`; a syllable with no mark may be read in
/// any tone, `xièxie`). `repair` leaves such words alone without weighing them.
pub(crate) fn is_toned_pinyin(word: &str) -> bool {
    // A syllable is at most six letters and a mark (`zhuang` with a combining one).
    const MAX_CHARS: usize = 7;
    if !word.chars().all(may_spell) {
        return false;
    }
    let known = |piece: &str| {
        let numbered = syllable::numbered(piece)?;
        let marked = !numbered.as_str().ends_with('5');
        let known = syllable_id(&numbered).is_some()
            || !marked
                && ["1", "2", "3", "4"].iter().any(|tone| {
                    syllable::numbered(&format!("{piece}{tone}"))
                        .is_some_and(|s| syllable_id(&s).is_some())
                });
        known.then_some(marked)
    };
    let bounds: Vec<usize> = word
        .char_indices()
        .map(|(i, _)| i)
        .chain([word.len()])
        .collect();
    // For each boundary, whether the word up to it is syllables, and whether one of them
    // is marked.
    let mut reached: Vec<Option<bool>> = vec![None; bounds.len()];
    reached[0] = Some(false);
    for end in 1..bounds.len() {
        reached[end] = (end.saturating_sub(MAX_CHARS)..end)
            .filter_map(|start| {
                let before = reached[start]?;
                known(&word[bounds[start]..bounds[end]]).map(|marked| before || marked)
            })
            .max();
    }
    reached[bounds.len() - 1] == Some(true)
}

/// Whether `c` may be written in a syllable: a letter, `ü`, a letter with its tone mark,
/// or a combining tone mark or diaeresis.
fn may_spell(c: char) -> bool {
    c.is_ascii_alphabetic()
        || matches!(
            c,
            'ü' | 'Ü' | '\u{300}' | '\u{301}' | '\u{304}' | '\u{308}' | '\u{30C}'
        )
        || c.to_lowercase()
            .next()
            .is_some_and(|c| syllable::toned_letter(c).is_some())
}

/// A syllable of the reading table, as [`reading_at_start`] found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Reading(SyllableId);

impl Reading {
    /// Whether `c` is read so in some dictionary.
    pub(crate) fn fits(self, c: char) -> bool {
        fit(c, self.0) != Fit::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered(s: &str) -> Option<String> {
        syllable::numbered(s).map(|s| s.as_str().to_string())
    }

    #[test]
    fn words_of_toned_pinyin_are_known() {
        for word in [
            "guó",
            "zhǎng",
            "ZHǍNG",
            "zha\u{30C}ng",
            "Běijīng",
            "yínháng",
            "xièxie",
            "lǜ",
        ] {
            assert!(is_toned_pinyin(word), "{word}");
        }
        // No tone mark, or letters pinyin does not write so.
        for word in ["guo", "Beijing", "café", "José", "Müller", "naïve"] {
            assert!(!is_toned_pinyin(word), "{word}");
        }
    }

    #[test]
    fn syllables_are_written_one_way() {
        assert_eq!(numbered("zhǎng").as_deref(), Some("zhang3"));
        assert_eq!(numbered("zha\u{30C}ng").as_deref(), Some("zhang3"));
        assert_eq!(numbered("ZHǍNG").as_deref(), Some("zhang3"));
        assert_eq!(numbered("zhang3").as_deref(), Some("zhang3"));
        assert_eq!(numbered("lǜ").as_deref(), Some("lv4"));
        assert_eq!(numbered("lü4").as_deref(), Some("lv4"));
        assert_eq!(numbered("lu\u{308}\u{300}").as_deref(), Some("lv4"));
        assert_eq!(numbered("men").as_deref(), Some("men5"));
        assert_eq!(numbered("men0").as_deref(), Some("men5"));
        for not_one in [
            "",
            "3",
            "zhǎng3",
            "zhuangzhuang",
            "Wang Yi",
            "a-b",
            "zhǎngǎ",
        ] {
            assert_eq!(numbered(not_one), None, "{not_one}");
        }
    }

    #[test]
    fn readings_come_from_unihan() {
        let id = |s: &str| syllable_id(&syllable::numbered(s).unwrap()).unwrap();
        assert_eq!(fit('長', id("zhǎng")), Fit::Default);
        assert_eq!(fit('長', id("cháng")), Fit::Reading);
        assert_eq!(fit('長', id("guó")), Fit::None);
        assert_eq!(fit('國', id("guo2")), Fit::Default);
        assert_eq!(fit('毅', id("wang")), Fit::None);
        assert_eq!(
            syllable::numbered("who").and_then(|s| syllable_id(&s)),
            None
        );
    }

    fn run(text: &str) -> String {
        remove_injected(text).into_owned()
    }

    #[test]
    fn removes_what_a_machine_injected() {
        assert_eq!(
            run("國(guó)務(wù)委員兼外長(zhǎng)王毅"),
            "國務委員兼外長王毅"
        );
        assert_eq!(run("長（zhǎng）江"), "長江");
        assert_eq!(run("中國(guo2)人"), "中國人");
        // Annotations in a row, one space between: all of them, or a second run finds the
        // next (found by the property test: `國（guó） （guó）中文`).
        assert_eq!(run("國（guó） （guó）中文"), "國中文");
        // One space before a full-width parenthesis, which `space` would remove: with it.
        assert_eq!(run("中國 （guó）人"), "中國人");
    }

    #[test]
    fn keeps_what_a_writer_put() {
        for kept in [
            "(记者 张骁 白雪骐)",
            "(2020/9/12 8:51:18)",
            "今天(图)",
            "结束(完)",
            "路透(AP)",
            "王毅(Wang Yi)",
            "世界卫生组织(WHO)",
            "比耶省(Bié)",
            "银行(yínháng)",
            "银行的行(háng)和行(xíng)走",
            "銀行的行(háng)和行(xíng)走",
            "長(cháng)短與長(zhǎng)大",
            "单(shàn)姓",
            "長(cháng)城",
        ] {
            assert!(
                matches!(remove_injected(kept), Cow::Borrowed(_)),
                "{kept} changed to {}",
                run(kept)
            );
        }
    }
}
